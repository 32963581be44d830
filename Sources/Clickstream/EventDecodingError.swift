/// Why an event could not be decoded: a stable ``reason`` for metrics and dead-letter headers, plus a human
/// ``message`` that names the offending field.
public struct EventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failure classes. The raw values are stable snake_case labels: metric labels and dead-letter headers use
    /// them, so never rename one.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// Not syntactically valid JSON (including trailing bytes after the event and a non-object top level).
        case malformedJSON = "malformed_json"
        /// A string holds invalid UTF-8, or a `\u` escape holds an unpaired surrogate.
        case invalidUTF8 = "invalid_utf8"
        /// A required field (`user`, `item`, `kind`, `ts`) is absent, `null` or empty.
        case missingField = "missing_field"
        /// A field has a JSON type the schema does not allow there.
        case wrongType = "wrong_type"
        /// A number overflows to infinity (or a file record spells NaN/infinity).
        case nonFinite = "non_finite"
        /// A limit of ``EventSchema/Limits`` is exceeded (message size, id length, feature counts, nesting).
        case oversize = "oversize"
        /// The kind is not in ``EventSchema/allowedKinds``.
        case unknownKind = "unknown_kind"
        /// The timestamp is neither an integer of epoch milliseconds nor a valid ISO-8601 date-time with offset.
        case badTimestamp = "bad_timestamp"
        /// A CSV or MovieLens line is not well-formed (only ``EventFileReader`` reports this).
        case malformedRecord = "malformed_record"
    }

    /// The failure class.
    public var reason: Reason
    /// The dotted path of the offending field (`ts`, `features.user.age`), when one is to blame.
    public var field: String?
    /// A human explanation naming the field.
    public var message: String

    public init(_ reason: Reason, field: String? = nil, _ message: String) {
        self.reason = reason
        self.field = field
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}
