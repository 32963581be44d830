import Foundation
import Logging
import Testing

@testable import StateStore

/// A fresh directory under the system temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init(_ name: String = #function) throws {
        let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("state-store-tests")
        let sanitized = name.filter { $0.isLetter || $0.isNumber }
        path = (base as NSString).appendingPathComponent("\(sanitized)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func appending(_ component: String) -> String {
        (path as NSString).appendingPathComponent(component)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Deterministic bytes (SplitMix64), so a failing test can be replayed.
struct TestBytes {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        result.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < count {
                let word = next()
                for shift in 0..<Swift.min(8, count - offset) {
                    buffer[offset + shift] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(shift)))
                }
                offset += 8
            }
        }
        return result
    }
}

extension StateStore.Partition {
    static func events(_ number: Int32) -> Self { Self(topic: "events", partition: number) }
}

/// Users of one partition whose state embeds a recognizable marker: `"<tag>:<id>:"` followed by random bytes.
func markedUsers(tag: String, count: Int, size: Int, seed: UInt64) -> [StateStore.UserRecord] {
    var random = TestBytes(seed: seed)
    return (0..<count).map { index in
        let id = "user-\(index)"
        var state = Array("\(tag):\(id):".utf8)
        state += random.bytes(Swift.max(0, size - state.count))
        return StateStore.UserRecord(id: id, state: state)
    }
}

/// Byte offsets at which `needle` occurs in the file at `path` (empty if the file does not exist).
func occurrences(of needle: String, inFile path: String) -> [Int] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    let pattern = Data(needle.utf8)
    var result: [Int] = []
    var searchRange = data.startIndex..<data.endIndex
    while let found = data.range(of: pattern, in: searchRange) {
        result.append(found.lowerBound - data.startIndex)
        searchRange = found.upperBound..<data.endIndex
    }
    return result
}

/// Test stores log nothing.
let quietLogger = Logger(label: "state-store-tests") { _ in SwiftLogNoOpLogHandler() }

/// Opens the store in `directory` with a quiet logger.
func openStore(_ directory: String, _ configuration: StateStore.Configuration = .init()) throws -> StateStore {
    try StateStore(directory: directory, configuration: configuration, logger: quietLogger)
}

/// Opens a store, runs `body`, and drops the store so its connection closes (and its write-ahead log is folded
/// into the database file).
@discardableResult
func withStore<T>(
    _ directory: String,
    configuration: StateStore.Configuration = .init(),
    _ body: (StateStore) throws -> T
) throws -> T {
    let store = try openStore(directory, configuration)
    return try body(store)
}

/// Expects `body` to throw a ``StateStoreError`` with `code`, and returns it.
@discardableResult
func expectStateStoreError(
    _ code: StateStoreError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> StateStoreError? {
    do {
        try body()
        Issue.record("expected StateStoreError \(code), nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as StateStoreError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected StateStoreError \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
