// MARK: - Canonical JSON encoding

extension InteractionEvent {
    /// The event as one canonical JSON line (without the newline) in `schema`'s format.
    ///
    /// Canonical means: members in schema order (`user`, `item`, `kind`, `value`, `ts`, `features`), `value`
    /// omitted when `nil`, `ts` as integer milliseconds, feature names sorted, a one-value feature written as a
    /// string and any other as an array, empty feature sides omitted, numbers in the shortest form that parses
    /// back to the same `Double`. So `EventDecoder().decode(event.jsonLine()) == event` for every event the
    /// decoder can produce (as long as the encoding stays within the message size limit). A non-finite `value`
    /// (which JSON cannot express) is written as `null`.
    public func jsonLine(schema: EventSchema = .default) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(160)
        appendJSON(to: &buffer, schema: schema)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends the bytes of ``jsonLine(schema:)`` (without a newline) to `buffer`.
    public func appendJSON(to buffer: inout [UInt8], schema: EventSchema = .default) {
        let fragments = schema == .default ? JSONFragments.standard : JSONFragments(schema.fields)
        buffer.append(contentsOf: fragments.user)
        JSONWriter.appendString(user, to: &buffer)
        buffer.append(contentsOf: fragments.item)
        JSONWriter.appendString(item, to: &buffer)
        buffer.append(contentsOf: fragments.kind)
        JSONWriter.appendString(kind, to: &buffer)
        if let value {
            buffer.append(contentsOf: fragments.value)
            JSONWriter.appendDouble(value, to: &buffer)
        }
        buffer.append(contentsOf: fragments.timestamp)
        JSONWriter.appendInteger(timestamp, to: &buffer)
        if !userFeatures.isEmpty || !itemFeatures.isEmpty {
            buffer.append(contentsOf: fragments.features)
            if !userFeatures.isEmpty {
                buffer.append(contentsOf: fragments.userFeatures)
                JSONWriter.appendFeatures(userFeatures, to: &buffer)
                if !itemFeatures.isEmpty { buffer.append(UInt8(ascii: ",")) }
            }
            if !itemFeatures.isEmpty {
                buffer.append(contentsOf: fragments.itemFeatures)
                JSONWriter.appendFeatures(itemFeatures, to: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
        buffer.append(UInt8(ascii: "}"))
    }
}

/// The constant pieces of an encoded event (`{"user":`, `,"item":`, ...), built once for the default schema.
struct JSONFragments: Sendable {
    let user: [UInt8]
    let item: [UInt8]
    let kind: [UInt8]
    let value: [UInt8]
    let timestamp: [UInt8]
    let features: [UInt8]
    let userFeatures: [UInt8]
    let itemFeatures: [UInt8]

    static let standard = JSONFragments(EventSchema.default.fields)

    init(_ f: EventSchema.FieldNames) {
        func member(_ prefix: String, _ name: String, _ suffix: String = "") -> [UInt8] {
            var bytes = Array(prefix.utf8)
            JSONWriter.appendString(name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: suffix.utf8)
            return bytes
        }
        user = member("{", f.user)
        item = member(",", f.item)
        kind = member(",", f.kind)
        value = member(",", f.value)
        timestamp = member(",", f.timestamp)
        features = member(",", f.features, "{")
        userFeatures = member("", f.userFeatures)
        itemFeatures = member("", f.itemFeatures)
    }
}

enum JSONWriter {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func appendFeatures(_ features: [String: [String]], to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
        // Sorted so equal events encode to equal bytes whatever the dictionary's (per-process) order.
        if features.count == 1, let (name, values) = features.first {
            appendFeature(name, values, to: &buffer)
        } else {
            var first = true
            for name in features.keys.sorted() {
                if !first { buffer.append(UInt8(ascii: ",")) }
                first = false
                appendFeature(name, features[name]!, to: &buffer)
            }
        }
        buffer.append(UInt8(ascii: "}"))
    }

    private static func appendFeature(_ name: String, _ values: [String], to buffer: inout [UInt8]) {
        appendString(name, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        if values.count == 1 {
            appendString(values[0], to: &buffer)
            return
        }
        buffer.append(UInt8(ascii: "["))
        for (k, v) in values.enumerated() {
            if k > 0 { buffer.append(UInt8(ascii: ",")) }
            appendString(v, to: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    /// Appends a JSON string literal: `"` and `\` escaped, control characters as short or `\u00XX` escapes,
    /// everything else as raw UTF-8.
    static func appendString(_ string: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for k in 0..<utf8.count {
                let b = utf8[k]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                if runStart < k { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<k])) }
                runStart = k + 1
                buffer.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.append(b)
                case 0x0A: buffer.append(UInt8(ascii: "n"))
                case 0x0D: buffer.append(UInt8(ascii: "r"))
                case 0x09: buffer.append(UInt8(ascii: "t"))
                case 0x08: buffer.append(UInt8(ascii: "b"))
                case 0x0C: buffer.append(UInt8(ascii: "f"))
                default:
                    buffer.append(contentsOf: [
                        UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(b >> 4)],
                        hexDigits[Int(b & 0xF)],
                    ])
                }
            }
            if runStart < utf8.count {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    static func appendInteger(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for all 20 digits, no allocation
        withUnsafeMutableBytes(of: &digits) { scratch in
            var k = 0
            repeat {
                scratch[k] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                k += 1
            } while magnitude > 0
            while k > 0 {
                k -= 1
                buffer.append(scratch[k])
            }
        }
    }

    /// Appends the shortest decimal that parses back to `value` (Swift's `description` is shortest-round-trip),
    /// with integral values written without a fraction. Non-finite values become `null`.
    static func appendDouble(_ value: Double, to buffer: inout [UInt8]) {
        guard value.isFinite else {
            buffer.append(contentsOf: "null".utf8)
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            if value == 0 && value.sign == .minus {
                buffer.append(contentsOf: "-0.0".utf8)
            } else {
                appendInteger(Int64(value), to: &buffer)
            }
            return
        }
        // `description` yields forms like 0.1, 1e-05, 1.5e+20: all valid JSON numbers.
        buffer.append(contentsOf: value.description.utf8)
    }
}
