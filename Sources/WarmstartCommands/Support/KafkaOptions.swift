import ArgumentParser

/// Connection options shared by the commands that talk to Kafka.
struct KafkaConnectionOptions: ParsableArguments {
    @Option(help: "Bootstrap servers, host:port[,host:port...].")
    var bootstrap: String

    @Option(
        name: .customLong("property"),
        help: ArgumentHelp(
            "Any librdkafka property as key=value (repeatable), e.g. security.protocol=SSL.",
            valueName: "key=value"
        )
    )
    var properties: [KeyValue] = []

    var bootstrapServers: [String] {
        bootstrap.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) }
    }

    var additionalProperties: [String: String] {
        Dictionary(properties.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}

/// `key=value` on the command line.
struct KeyValue: ExpressibleByArgument {
    var key: String
    var value: String

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return nil }
        key = String(argument[..<equals])
        value = String(argument[argument.index(after: equals)...])
    }
}
