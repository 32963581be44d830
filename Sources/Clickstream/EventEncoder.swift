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
        JSONWriter.append(to: &buffer) { write(to: &$0, schema: schema) }
    }

    /// Writes the canonical JSON object of ``jsonLine(schema:)``.
    public func write(to json: inout JSONWriter, schema: EventSchema = .default) {
        let fragments = schema == .default ? JSONFragments.standard : JSONFragments(schema.fields)
        json.bytes.append(contentsOf: fragments.user)
        json.string(user)
        json.bytes.append(contentsOf: fragments.item)
        json.string(item)
        json.bytes.append(contentsOf: fragments.kind)
        json.string(kind)
        if let value {
            json.bytes.append(contentsOf: fragments.value)
            json.number(value)
        }
        json.bytes.append(contentsOf: fragments.timestamp)
        json.integer(timestamp)
        if !userFeatures.isEmpty || !itemFeatures.isEmpty {
            json.bytes.append(contentsOf: fragments.features)
            if !userFeatures.isEmpty {
                json.bytes.append(contentsOf: fragments.userFeatures)
                json.features(userFeatures)
                if !itemFeatures.isEmpty { json.byte(UInt8(ascii: ",")) }
            }
            if !itemFeatures.isEmpty {
                json.bytes.append(contentsOf: fragments.itemFeatures)
                json.features(itemFeatures)
            }
            json.byte(UInt8(ascii: "}"))
        }
        json.byte(UInt8(ascii: "}"))
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
            var json = JSONWriter()
            json.raw(prefix)
            json.string(name)
            json.byte(UInt8(ascii: ":"))
            json.raw(suffix)
            return json.bytes
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

extension JSONWriter {
    /// A side of an event's features: names sorted (so equal events encode to equal bytes whatever the dictionary's
    /// per-process order), a one-value feature as a string, any other as an array.
    mutating func features(_ features: [String: [String]]) {
        byte(UInt8(ascii: "{"))
        if features.count == 1, let (name, values) = features.first {
            feature(name, values)
        } else {
            var first = true
            for name in features.keys.sorted() {
                if !first { byte(UInt8(ascii: ",")) }
                first = false
                feature(name, features[name]!)
            }
        }
        byte(UInt8(ascii: "}"))
    }

    private mutating func feature(_ name: String, _ values: [String]) {
        string(name)
        byte(UInt8(ascii: ":"))
        if values.count == 1 {
            string(values[0])
            return
        }
        byte(UInt8(ascii: "["))
        for (k, v) in values.enumerated() {
            if k > 0 { byte(UInt8(ascii: ",")) }
            string(v)
        }
        byte(UInt8(ascii: "]"))
    }
}
