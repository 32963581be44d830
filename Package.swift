// swift-tools-version: 6.1
import PackageDescription

/// `WARMSTART_WARNINGS_AS_ERRORS=1` (set by `make test`, so CI) turns this package's warnings into errors; the
/// dependencies' own warnings are not this package's to fix and stay warnings.
let warningsAsErrors: [SwiftSetting] =
    Context.environment["WARMSTART_WARNINGS_AS_ERRORS"] == "1" ? [.unsafeFlags(["-warnings-as-errors"])] : []

let strict: [SwiftSetting] =
    [
        .enableUpcomingFeature("ExistentialAny")
    ] + warningsAsErrors

let package = Package(
    name: "warmstart",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "warmstart", targets: ["warmstart"]),
        .executable(name: "warmstartd", targets: ["warmstartd"]),
        .library(name: "Kafka", targets: ["Kafka"]),
        .library(name: "Clickstream", targets: ["Clickstream"]),
        .library(name: "Learning", targets: ["Learning"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(
            url: "https://github.com/apple/swift-configuration",
            from: "1.0.0",
            traits: [.defaults, "YAML", "CommandLineArguments"]
        ),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.7.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        // MARK: - Kafka layer
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: - Privacy: the meta-update's noise and the accounting of its differentially private releases
        .target(
            name: "Privacy",
            dependencies: ["Learning", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),

        // MARK: - Events and learning
        .target(
            name: "Clickstream",
            swiftSettings: strict
        ),
        .target(
            name: "Learning",
            dependencies: [
                "Clickstream",
                .product(name: "Numerics", package: "swift-numerics"),
            ],
            swiftSettings: strict
        ),

        // MARK: - Durable state
        .systemLibrary(
            name: "CSQLiteConfig",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "StateStore",
            dependencies: [
                "CSQLiteConfig",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "state-store-bench",
            dependencies: ["StateStore", "Clickstream"],
            path: "Sources/StateStoreBench",
            swiftSettings: strict
        ),

        // MARK: - The daemon
        .target(
            name: "Pipeline",
            dependencies: [
                "Privacy",
                "Kafka",
                "Clickstream",
                "Learning",
                "StateStore",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "warmstartd",
            dependencies: [
                "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),

        // MARK: - Tools
        .target(
            name: "WarmstartCommands",
            dependencies: [
                "Privacy",
                "Kafka",
                "Clickstream",
                "Learning",
                "StateStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "warmstart",
            dependencies: ["WarmstartCommands"],
            swiftSettings: strict
        ),

        // MARK: - Tests
        // What several test targets share: the event mutator of the fuzz tests, the in-memory log handler,
        // deterministic test bytes.
        .target(
            name: "WarmstartTestSupport",
            dependencies: ["Clickstream", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "KafkaTests",
            dependencies: ["Kafka", "WarmstartTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(name: "ClickstreamTests", dependencies: ["Clickstream"], swiftSettings: strict),
        .testTarget(name: "PrivacyTests", dependencies: ["Privacy", "Learning"], swiftSettings: strict),
        .testTarget(name: "LearningTests", dependencies: ["Learning", "Clickstream"], swiftSettings: strict),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline",
                "Clickstream",
                "Learning",
                "WarmstartTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StateStoreTests",
            dependencies: ["StateStore", "WarmstartTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WarmstartdTests",
            dependencies: [
                "Kafka", "Clickstream", "WarmstartTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WarmstartCommandsTests",
            dependencies: ["WarmstartCommands", "Kafka", "Clickstream"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
