import Foundation
import Logging
import Testing
import WarmstartTestSupport

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
