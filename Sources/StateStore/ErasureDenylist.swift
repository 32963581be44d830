import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The users erased (right to erasure) whose events must not be learned again, for a retention: events of theirs
/// still in the topic, replayed after a restart or read again by a rebuild from the topic's start.
///
/// Entries are keyed by a ``Pseudonym`` — HMAC-SHA256 of the user id under a secret key generated once and kept in
/// the state directory (``keyFileName``, mode 0600) — never by the id, so the list itself does not identify anyone
/// without the key. The list is its own file (``fileName``) beside `state.sqlite`: a rebuild that moves the store
/// aside keeps both, and erased users stay erased. Each entry is appended and `fsync`ed before ``record(_:at:)``
/// returns; expired entries are dropped when the list is opened.
///
/// Thread-safe: the learner asks ``contains(_:now:)`` on its queue while the checkpoint queue records entries.
public final class ErasureDenylist: Sendable {
    /// A user's keyed pseudonym: HMAC-SHA256 of the UTF-8 id.
    public struct Pseudonym: Hashable, Sendable, CustomStringConvertible {
        public let bytes: [UInt8]

        public init(bytes: [UInt8]) {
            precondition(bytes.count == 32, "a pseudonym is 32 bytes")
            self.bytes = bytes
        }

        /// Lowercase hex, the form logs carry.
        public var description: String { bytes.map { String(format: "%02x", $0) }.joined() }
    }

    /// The secret key's file in the state directory (32 random bytes).
    public static let keyFileName = "erasure.key"
    /// The list's file in the state directory: 40-byte entries, a pseudonym and the erasure time (milliseconds
    /// since the epoch, little-endian).
    public static let fileName = "erasures.list"
    private static let entrySize = 40

    /// How long an entry keeps its user's events from being learned.
    public let retention: Duration
    public let path: String
    /// The key's bytes (`SymmetricKey` is not `Sendable`).
    private let key: [UInt8]
    /// Pseudonym → erasure time (ms since the epoch).
    private let entries: Mutex<[Pseudonym: Int64]>
    /// The entries in the file (read at open, or appended since): a request read again is not appended again.
    private let recorded: Mutex<Set<Pseudonym>>
    /// Serializes appends.
    private let appending = Mutex<Void>(())

    /// Opens the list in `directory`, creating the key and an empty list the first time.
    ///
    /// - Parameter now: Milliseconds since the epoch: entries older than `retention` are dropped.
    /// - Throws: ``StateStoreError/Code/io`` when the key or the list cannot be read or written,
    ///   ``StateStoreError/Code/corrupt`` when the key file is not 32 bytes.
    public init(directory: String, retention: Duration, now: Int64 = ErasureDenylist.epochMilliseconds()) throws {
        self.retention = retention
        self.path = (directory as NSString).appendingPathComponent(Self.fileName)
        self.key = try Self.loadOrCreateKey(directory: directory)
        let retentionMilliseconds = retention.components.seconds * 1000
        var kept: [Pseudonym: Int64] = [:]
        var dropped = false
        if let data = FileManager.default.contents(atPath: path) {
            let bytes = [UInt8](data)
            dropped = bytes.count % Self.entrySize != 0
            for start in stride(from: 0, to: bytes.count - Self.entrySize + 1, by: Self.entrySize) {
                let pseudonym = Pseudonym(bytes: Array(bytes[start..<start + 32]))
                let at = (0..<8).reduce(Int64(0)) { $0 | Int64(bytes[start + 32 + $1]) << ($1 * 8) }
                if at + retentionMilliseconds <= now {
                    dropped = true
                } else {
                    kept[pseudonym] = max(kept[pseudonym] ?? at, at)
                }
            }
        }
        entries = Mutex(kept)
        recorded = Mutex(Set(kept.keys))
        // A torn last entry (a crash while appending) or expired ones: the list is written again without them.
        if dropped || !FileManager.default.fileExists(atPath: path) {
            try Self.writeAtomically(
                kept.sorted { $0.value < $1.value }.flatMap { Self.encode($0.key, at: $0.value) }, to: path,
                directory: directory)
        }
    }

    /// `user`'s pseudonym under this state directory's key.
    public func pseudonym(of user: String) -> Pseudonym {
        Pseudonym(bytes: Array(HMAC<SHA256>.authenticationCode(for: Array(user.utf8), using: SymmetricKey(data: key))))
    }

    /// Whether events of the user with `pseudonym` are not to be learned (erased within the retention).
    public func contains(_ pseudonym: Pseudonym, now: Int64 = ErasureDenylist.epochMilliseconds()) -> Bool {
        guard let at = entries.withLock({ $0[pseudonym] }) else { return false }
        return now < at + retention.components.seconds * 1000
    }

    /// Entries held (within the retention when the list was opened, and recorded since).
    public var count: Int { entries.withLock { $0.count } }

    /// Denies the user's events from now on, in memory only: the erasure takes effect at once, before
    /// ``record(_:at:)`` makes it durable.
    public func deny(_ pseudonym: Pseudonym, at: Int64) {
        entries.withLock { $0[pseudonym] = at }
    }

    /// Records the erasure durably: the entry is appended and `fsync`ed when this returns.
    /// - Throws: ``StateStoreError/Code/io`` (the entry is in memory still; record it again).
    public func record(_ pseudonym: Pseudonym, at: Int64) throws {
        deny(pseudonym, at: at)
        guard !recorded.withLock({ $0.contains(pseudonym) }) else { return }
        try appending.withLock { _ in
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw Self.ioError("cannot open", path) }
            defer { close(fd) }
            let bytes = Self.encode(pseudonym, at: at)
            let size = lseek(fd, 0, SEEK_END)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count, fsync(fd) == 0 else {
                let error = Self.ioError("cannot append to", path)
                // A torn entry would shift every later one: cut it off again.
                if size >= 0 { _ = ftruncate(fd, size) }
                throw error
            }
        }
        recorded.withLock { _ = $0.insert(pseudonym) }
    }

    /// Milliseconds since the epoch, now.
    public static func epochMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    // MARK: - Files

    private static func encode(_ pseudonym: Pseudonym, at: Int64) -> [UInt8] {
        pseudonym.bytes + (0..<8).map { UInt8(truncatingIfNeeded: at >> ($0 * 8)) }
    }

    private static func loadOrCreateKey(directory: String) throws -> [UInt8] {
        let path = (directory as NSString).appendingPathComponent(keyFileName)
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else {
                throw StateStoreError(
                    code: .corrupt,
                    message: "\(path) holds \(data.count) bytes, not a 32-byte key; restore it from a backup (without "
                        + "it, erased users' denylist entries no longer match)",
                    path: path)
            }
            return [UInt8](data)
        }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        try writeAtomically(key, to: path, directory: directory)
        return key
    }

    /// Writes `bytes` to a temporary file, `fsync`s it, renames it to `path` and `fsync`s the directory.
    private static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ioError("cannot create", temporary) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else { throw ioError("cannot write", path) }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    private static func ioError(_ what: String, _ path: String) -> StateStoreError {
        StateStoreError(
            code: .io, message: "\(what) \(path): \(String(cString: strerror(errno)))", path: path)
    }
}
