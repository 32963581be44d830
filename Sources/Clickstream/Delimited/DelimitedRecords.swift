/// Turns the cells of a delimited file's rows into events under a ``DelimitedLayout``: resolves the layout's
/// columns against the header once, then maps each row, with errors that name the column.
struct DelimitedRecords: Sendable {
    enum Field: Hashable {
        case user, item, kind, value, timestamp
        case userFeature(String)
        case itemFeature(String)
    }

    /// A field and where its cell is (0-based), with the column's name for messages.
    struct Slot {
        var field: Field
        var index: Int
        var label: String
    }

    let layout: DelimitedLayout
    let schema: EventSchema
    /// The cells a row must have: the header's count, or (without a header) at least the highest position used.
    let expectedCells: Int
    let exactCount: Bool
    private(set) var slots: [Slot] = []

    /// Resolves `layout` against the header's cells (nil without a header).
    /// - Throws: a message naming the missing column or field.
    init(layout: DelimitedLayout, schema: EventSchema, header: [String]?) throws(DelimitedLayout.SpecError) {
        self.layout = layout
        self.schema = schema
        let f = schema.fields
        var mapping = layout.columns
        if mapping.isEmpty {
            guard let header else {
                throw DelimitedLayout.SpecError(message: "a file without a header needs a column mapping")
            }
            let userPrefix = f.userFeatures + "."
            let itemPrefix = f.itemFeatures + "."
            for name in header {
                let key: String? =
                    switch name {
                    case f.user: "user"
                    case f.item: "item"
                    case f.kind: "kind"
                    case f.value: "value"
                    case f.timestamp: "ts"
                    default:
                        if name.hasPrefix(userPrefix), name.count > userPrefix.count {
                            "user." + name.dropFirst(userPrefix.count)
                        } else if name.hasPrefix(itemPrefix), name.count > itemPrefix.count {
                            "item." + name.dropFirst(itemPrefix.count)
                        } else {
                            nil
                        }
                    }
                if let key { mapping[key] = .named(name) }
            }
            let names = ["user": f.user, "item": f.item, "kind": f.kind, "ts": f.timestamp]
            for key in ["user", "item", "kind", "ts"] where mapping[key] == nil {
                if key == "kind", layout.constantKind != nil { continue }
                throw DelimitedLayout.SpecError(message: "the header lacks the required column '\(names[key]!)'")
            }
        }
        for key in ["user", "item", "ts"] where mapping[key] == nil {
            throw DelimitedLayout.SpecError(message: "the column mapping lacks '\(key)'")
        }
        if mapping["kind"] == nil, layout.constantKind == nil {
            throw DelimitedLayout.SpecError(
                message: "the column mapping lacks 'kind': map a kind column or give one kind for every event"
            )
        }
        var highest = 0
        for (key, column) in mapping.sorted(by: { $0.key < $1.key }) {
            let index: Int
            let label: String
            switch column {
            case .named(let name):
                guard let header else {
                    throw DelimitedLayout.SpecError(
                        message: "'\(key)=\(name)': a file without a header maps columns by 1-based position"
                    )
                }
                guard let found = header.firstIndex(of: name) else {
                    let columns = header.joined(separator: ", ")
                    throw DelimitedLayout.SpecError(
                        message: "'\(key)': the header has no column '\(name)' (it has \(columns))"
                    )
                }
                index = found
                label = name
            case .position(let position):
                if let header, position > header.count {
                    throw DelimitedLayout.SpecError(
                        message: "'\(key)=\(position)': the header has only \(header.count) columns"
                    )
                }
                index = position - 1
                label = header?[index] ?? "column \(position)"
            }
            highest = Swift.max(highest, index + 1)
            slots.append(Slot(field: Self.field(key), index: index, label: label))
        }
        self.expectedCells = header?.count ?? highest
        self.exactCount = header != nil
    }

    private static func field(_ key: String) -> Field {
        switch key {
        case "user": .user
        case "item": .item
        case "kind": .kind
        case "value": .value
        case "ts": .timestamp
        default:
            key.hasPrefix("user.") ? .userFeature(String(key.dropFirst(5))) : .itemFeature(String(key.dropFirst(5)))
        }
    }

    /// The event a row holds, or why it holds none (the message names the column).
    func event(_ cells: [String]) -> Result<InteractionEvent, EventDecodingError> {
        guard exactCount ? cells.count == expectedCells : cells.count >= expectedCells else {
            let expected = exactCount ? "\(expectedCells) fields as in the header" : "at least \(expectedCells) fields"
            return .failure(EventDecodingError(.malformedRecord, "expected \(expected), found \(cells.count)"))
        }
        let f = schema.fields
        let limits = schema.limits
        var user = ""
        var item = ""
        var kind = layout.constantKind ?? ""
        var value: Double?
        var timestamp: Int64?
        var userFeatures: [String: [String]] = [:]
        var itemFeatures: [String: [String]] = [:]
        func checkLength(_ text: String, _ field: String) -> EventDecodingError? {
            text.utf8.count > limits.maxIDBytes
                ? EventDecodingError(.oversize, field: field, "'\(field)' is longer than \(limits.maxIDBytes) bytes")
                : nil
        }
        for slot in slots {
            let cell = cells[slot.index]
            let column = "column \(slot.index + 1) (\(slot.label))"
            switch slot.field {
            case .user:
                if let error = checkLength(cell, f.user) { return .failure(error) }
                user = cell
            case .item:
                if let error = checkLength(cell, f.item) { return .failure(error) }
                item = cell
            case .kind:
                if let error = checkLength(cell, f.kind) { return .failure(error) }
                kind = layout.kinds[cell] ?? cell
            case .value:
                guard !cell.isEmpty else { continue }
                guard let parsed = Double(cell) else {
                    return .failure(
                        EventDecodingError(.wrongType, field: f.value, "'\(f.value)' (\(column)) is not a number")
                    )
                }
                guard parsed.isFinite else {
                    return .failure(
                        EventDecodingError(.nonFinite, field: f.value, "'\(f.value)' (\(column)) is not finite")
                    )
                }
                value = parsed
            case .timestamp:
                timestamp = Self.parseTimestamp(cell, unit: layout.timestampUnit)
                if timestamp == nil {
                    let expected =
                        layout.timestampUnit == .auto
                        ? "neither epoch milliseconds nor an ISO-8601 date-time with offset"
                        : "not a number of \(layout.timestampUnit.rawValue) since the epoch that fits in 64 bits"
                    return .failure(
                        EventDecodingError(.badTimestamp, field: f.timestamp, "'\(cell)' in \(column) is \(expected)")
                    )
                }
            case .userFeature(let name), .itemFeature(let name):
                guard !cell.isEmpty else { continue }
                let values = cell.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                let isUser = if case .userFeature = slot.field { true } else { false }
                let path = (isUser ? f.userFeatures : f.itemFeatures) + "." + name
                guard values.count <= limits.maxValuesPerFeature else {
                    return .failure(EventDecodingError(.oversize, field: path, "'\(path)' has too many values"))
                }
                for v in values {
                    if let error = checkLength(v, path) { return .failure(error) }
                }
                if isUser { userFeatures[name] = values } else { itemFeatures[name] = values }
                guard userFeatures.count <= limits.maxFeaturesPerSide, itemFeatures.count <= limits.maxFeaturesPerSide
                else {
                    return .failure(EventDecodingError(.oversize, field: path, "too many features"))
                }
            }
        }
        for (text, field) in [(user, f.user), (item, f.item), (kind, f.kind)] where text.isEmpty {
            return .failure(EventDecodingError(.missingField, field: field, "'\(field)' is empty"))
        }
        guard let timestamp else {
            return .failure(EventDecodingError(.missingField, field: f.timestamp, "'\(f.timestamp)' is empty"))
        }
        if let allowed = schema.allowedKinds, !allowed.contains(kind) {
            return .failure(EventDecodingError(.unknownKind, field: f.kind, "kind '\(kind)' is not allowed"))
        }
        return .success(
            InteractionEvent(
                user: user,
                item: item,
                kind: kind,
                value: value,
                timestamp: timestamp,
                userFeatures: userFeatures,
                itemFeatures: itemFeatures
            )
        )
    }

    /// Epoch milliseconds from a cell in `unit`. Numeric units take an optional minus sign and a decimal fraction;
    /// digits finer than a millisecond are truncated toward zero. Nil when the cell is no such number or overflows.
    static func parseTimestamp(_ cell: String, unit: DelimitedLayout.TimestampUnit) -> Int64? {
        if unit == .auto {
            var text = cell
            return text.withUTF8 { Timestamps.parseInteger($0) ?? Timestamps.parseISO8601($0) }
        }
        let bytes = Array(cell.utf8)
        let n = bytes.count
        func digit(_ k: Int) -> Int64? {
            k < n && bytes[k] >= UInt8(ascii: "0") && bytes[k] <= UInt8(ascii: "9")
                ? Int64(bytes[k] - UInt8(ascii: "0")) : nil
        }
        var k = 0
        let negative = n > 0 && bytes[0] == UInt8(ascii: "-")
        if negative { k = 1 }
        var whole: Int64 = 0
        let wholeStart = k
        while let d = digit(k) {
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(d)
            guard !o1, !o2 else { return nil }
            whole = s
            k += 1
        }
        guard k > wholeStart else { return nil }
        var fraction: [Int64] = []
        if k < n, bytes[k] == UInt8(ascii: ".") {
            k += 1
            while let d = digit(k) {
                fraction.append(d)
                k += 1
            }
            guard !fraction.isEmpty else { return nil }
        }
        guard k == n else { return nil }
        let exponent = unit.millisecondExponent
        var millis: Int64
        if exponent >= 0 {
            var scale: Int64 = 1
            for _ in 0..<exponent { scale *= 10 }
            let (m, overflow) = whole.multipliedReportingOverflow(by: scale)
            guard !overflow else { return nil }
            millis = m
            for d in fraction.prefix(exponent) {
                scale /= 10
                let (sum, overflow) = millis.addingReportingOverflow(d * scale)
                guard !overflow else { return nil }
                millis = sum
            }
        } else {
            var scale: Int64 = 1
            for _ in 0..<(-exponent) { scale *= 10 }
            millis = whole / scale
        }
        return negative ? -millis : millis
    }
}

/// Splits one record of a delimited file into unquoted cells (RFC 4180 quoting with any delimiter).
enum DelimitedSplit {
    case complete([String])
    case openQuote
    case malformed(String)

    /// Cells separated by `delimiter`; a quoted cell may hold delimiters, line breaks and doubled quotes.
    static func split(_ bytes: [UInt8], delimiter: UInt8) -> DelimitedSplit {
        var cells: [String] = []
        var cell: [UInt8] = []
        var k = 0
        let n = bytes.count
        let quote = UInt8(ascii: "\"")
        while true {
            cell.removeAll(keepingCapacity: true)
            if k < n, bytes[k] == quote {
                k += 1
                while true {
                    guard k < n else { return .openQuote }
                    if bytes[k] == quote {
                        if k + 1 < n, bytes[k + 1] == quote {
                            cell.append(quote)
                            k += 2
                            continue
                        }
                        k += 1
                        break
                    }
                    cell.append(bytes[k])
                    k += 1
                }
                guard k == n || bytes[k] == delimiter else {
                    return .malformed("unexpected character after a closing quote in field \(cells.count + 1)")
                }
            } else {
                while k < n, bytes[k] != delimiter {
                    if bytes[k] == quote {
                        return .malformed("a quote inside the unquoted field \(cells.count + 1)")
                    }
                    cell.append(bytes[k])
                    k += 1
                }
            }
            guard let text = String(validating: cell, as: UTF8.self) else {
                return .malformed("field \(cells.count + 1) is not valid UTF-8")
            }
            cells.append(text)
            if k == n { return .complete(cells) }
            k += 1  // the delimiter
        }
    }
}
