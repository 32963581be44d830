import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The on-disk formats ``EventFileReader`` reads.
public enum EventFileFormat: String, Sendable, Hashable, CaseIterable {
    /// One JSON event per line in the ``EventSchema`` format (what ``InteractionEvent/jsonLine(schema:)`` writes).
    /// Blank lines are skipped.
    case jsonl
    /// RFC 4180 CSV. By default with a header row naming the columns: `user`, `item`, `kind`, `ts` (required),
    /// `value` (optional) and `user.<feature>` / `item.<feature>` columns whose cells are `|`-separated value lists
    /// (an empty cell: no such feature). Column names follow the schema's field names; a ``DelimitedLayout`` maps
    /// any other layout (no header, other names, timestamp units, kind names).
    case csv
    /// Tab-separated values, with the same rules as ``csv``.
    case tsv
    /// The MovieLens 100K layout: `u.data` plus `u.user`, `u.item`, `u.genre` beside it (see ``MovieLensReader``).
    case movielens
}

/// Streams the events of a file one record at a time, in file order, with the 1-based line number each record
/// starts on. A record that cannot be read comes back as a failure with its line number; nothing is dropped.
///
/// Memory stays bounded by the longest record (plus, for MovieLens, the small user and item tables), whatever the
/// file size.
///
/// ```swift
/// let reader = try EventFileReader(path: "events.jsonl", format: .jsonl)
/// while let record = try reader.next() {
///     switch record.result { case .success(let event): ...; case .failure(let error): ... }
/// }
/// ```
/// Not `Sendable`: it owns an open file and a read position.
public final class EventFileReader {
    /// One record: where it starts and what it holds.
    public struct Record: Sendable, Hashable {
        /// The 1-based line number the record starts on.
        public var lineNumber: Int
        /// The event, or why the record is not one.
        public var result: Result<InteractionEvent, EventDecodingError>
    }

    /// A file that cannot be opened or read, or a CSV header that cannot be used.
    public struct ReadError: Error, Sendable, Hashable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    public let path: String
    public let format: EventFileFormat
    public let schema: EventSchema

    /// How ``EventFileFormat/csv`` and ``EventFileFormat/tsv`` rows map onto events.
    public let layout: DelimitedLayout

    private let decoder: EventDecoder
    private let lines: LineReader
    private var delimited: DelimitedRecords?
    private var userFeatureTable: [String: [String: [String]]] = [:]
    private var itemFeatureTable: [String: [String: [String]]] = [:]

    /// Opens `path` (for ``EventFileFormat/movielens``, the `u.data` file or the directory holding it) and, for CSV
    /// and TSV, reads the header and resolves `layout` (default: ``DelimitedLayout/csv`` or ``DelimitedLayout/tsv``
    /// by the format; its delimiter is used as given).
    /// - Throws: ``ReadError`` when the file cannot be opened, or the layout does not fit the header.
    public init(
        path: String,
        format: EventFileFormat,
        schema: EventSchema = .default,
        layout: DelimitedLayout? = nil
    ) throws {
        self.path = path
        self.format = format
        self.schema = schema
        self.layout = layout ?? (format == .tsv ? .tsv : .csv)
        self.decoder = EventDecoder(schema: schema)
        var dataPath = path
        if format == .movielens {
            let reader = MovieLensReader(path: path)
            dataPath = reader.dataURL.path
            let directory = reader.dataURL.deletingLastPathComponent()
            userFeatureTable = (try? MovieLensReader.readUsers(directory.appendingPathComponent("u.user"))) ?? [:]
            itemFeatureTable =
                (try? MovieLensReader.readItems(
                    directory.appendingPathComponent("u.item"),
                    genres: directory.appendingPathComponent("u.genre")
                )) ?? [:]
        }
        guard let lines = LineReader(path: dataPath) else {
            throw ReadError(path: dataPath, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        self.lines = lines
        if format == .csv || format == .tsv {
            try resolveLayout()
        }
    }

    /// The next record, or `nil` at the end of the file.
    /// - Throws: ``ReadError`` only when reading the file fails; bad records come back as failures.
    public func next() throws -> Record? {
        switch format {
        case .jsonl: return try nextJSONLine()
        case .csv, .tsv: return try nextDelimitedRecord()
        case .movielens: return try nextMovieLensLine()
        }
    }

    /// Reads every remaining record.
    /// - Throws: ``ReadError`` when reading the file fails.
    public func readAll() throws -> [Record] {
        var records: [Record] = []
        while let record = try next() { records.append(record) }
        return records
    }

    private func readLine() throws -> (number: Int, bytes: UnsafeRawBufferPointer)? {
        do {
            return try lines.nextLine()
        } catch {
            throw ReadError(path: path, message: "read failed: \(String(cString: strerror(error.code)))")
        }
    }

    // MARK: - JSON lines

    private func nextJSONLine() throws -> Record? {
        while let (number, line) = try readLine() {
            if Self.isBlank(line) { continue }
            return Record(lineNumber: number, result: decoder.result(decoding: line))
        }
        return nil
    }

    static func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    // MARK: - MovieLens

    private func nextMovieLensLine() throws -> Record? {
        while let (number, line) = try readLine() {
            if Self.isBlank(line) { continue }
            let fields = line.split(whereSeparator: { $0 == 0x09 || $0 == 0x20 }).map {
                String(decoding: UnsafeRawBufferPointer(rebasing: $0), as: UTF8.self)
            }
            return Record(lineNumber: number, result: movieLensEvent(fields))
        }
        return nil
    }

    private func movieLensEvent(_ f: [String]) -> Result<InteractionEvent, EventDecodingError> {
        guard f.count >= 4 else {
            return .failure(
                EventDecodingError(.malformedRecord, "expected 'user<TAB>item<TAB>rating<TAB>timestamp'")
            )
        }
        guard let rating = Double(f[2]) else {
            return .failure(EventDecodingError(.wrongType, field: "rating", "rating '\(f[2])' is not a number"))
        }
        guard rating.isFinite else {
            return .failure(EventDecodingError(.nonFinite, field: "rating", "rating '\(f[2])' is not finite"))
        }
        guard let seconds = Int64(f[3]), seconds.multipliedReportingOverflow(by: 1000).overflow == false else {
            return .failure(
                EventDecodingError(.badTimestamp, field: "timestamp", "timestamp '\(f[3])' is not integer seconds")
            )
        }
        return .success(
            InteractionEvent(
                user: f[0],
                item: f[1],
                kind: "rating",
                value: rating,
                timestamp: seconds * 1000,
                userFeatures: userFeatureTable[f[0]] ?? [:],
                itemFeatures: itemFeatureTable[f[1]] ?? [:]
            )
        )
    }

    // MARK: - Delimited (CSV, TSV)

    private func resolveLayout() throws {
        var header: [String]?
        if layout.hasHeader {
            guard let (number, cells) = try readCells() else {
                throw ReadError(path: path, message: "empty file: expected a header row")
            }
            guard case .success(let names) = cells else {
                throw ReadError(path: path, message: "line \(number): the header is not well-formed")
            }
            header = names
        }
        do {
            delimited = try DelimitedRecords(layout: layout, schema: schema, header: header)
        } catch {
            throw ReadError(path: path, message: error.message)
        }
    }

    private func nextDelimitedRecord() throws -> Record? {
        guard let delimited else { return nil }
        while let (number, cells) = try readCells() {
            switch cells {
            case .failure(let error):
                return Record(lineNumber: number, result: .failure(error))
            case .success(let cells):
                if cells.count == 1 && cells[0].isEmpty { continue }  // blank line
                return Record(lineNumber: number, result: delimited.event(cells))
            }
        }
        return nil
    }

    /// Reads one record (which may span lines inside quotes) and splits it into unquoted cells.
    private func readCells() throws -> (Int, Result<[String], EventDecodingError>)? {
        guard let (first, line) = try readLine() else { return nil }
        var record = Array(line)
        while true {
            switch DelimitedSplit.split(record, delimiter: layout.delimiter) {
            case .complete(let cells):
                return (first, .success(cells))
            case .malformed(let message):
                return (first, .failure(EventDecodingError(.malformedRecord, message)))
            case .openQuote:
                guard record.count <= schema.limits.maxMessageBytes, let (_, more) = try readLine() else {
                    return (first, .failure(EventDecodingError(.malformedRecord, "unterminated quoted field")))
                }
                record.append(0x0A)
                record.append(contentsOf: more)
            }
        }
    }
}

// MARK: - Line reader

/// Reads a file in large chunks and hands out its lines (without the `\n` and a trailing `\r`), keeping only the
/// current chunk (grown to hold the longest line) in memory.
final class LineReader {
    struct ReadFailure: Error {
        var code: Int32
    }

    private let descriptor: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var eof = false
    private var lineNumber = 0

    init?(path: String, chunkSize: Int = 1 << 20) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        descriptor = fd
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(chunkSize, 16), alignment: 16)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// The next line, valid until the next call.
    func nextLine() throws(ReadFailure) -> (number: Int, bytes: UnsafeRawBufferPointer)? {
        while true {
            if let newline = UnsafeRawBufferPointer(rebasing: buffer[start..<end]).firstIndex(of: 0x0A) {
                return takeLine(upTo: start + newline, skipping: 1)
            }
            if eof {
                guard start < end else { return nil }
                return takeLine(upTo: end, skipping: 0)
            }
            try refill()
        }
    }

    private func takeLine(upTo lineEnd: Int, skipping: Int) -> (number: Int, bytes: UnsafeRawBufferPointer) {
        // A UTF-8 byte order mark (spreadsheet exports write one) is not part of the first record.
        if lineNumber == 0, lineEnd - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB,
            buffer[start + 2] == 0xBF
        {
            start += 3
        }
        var contentEnd = lineEnd
        if contentEnd > start, buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: buffer[start..<contentEnd])
        start = lineEnd + skipping
        lineNumber += 1
        return (lineNumber, line)
    }

    private func refill() throws(ReadFailure) {
        // Move the partial line to the front; grow the buffer when the line fills all of it.
        if start > 0 {
            let pending = end - start
            if pending > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending)
            }
            start = 0
            end = pending
        }
        if end == buffer.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = bigger
        }
        while true {
            let count = read(descriptor, buffer.baseAddress! + end, buffer.count - end)
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadFailure(code: errno)
            }
            if count == 0 { eof = true }
            end += count
            return
        }
    }
}
