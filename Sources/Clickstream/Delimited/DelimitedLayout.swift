/// How a delimited text file (CSV, TSV, with or without a header) maps onto events: which column holds the user,
/// the item, the kind, the value, the timestamp (and in which unit) and the side features, and how the file's kinds
/// are renamed. Real exports read without conversion, e.g.
///
/// - YOOCHOOSE clicks (`SessionId<TAB>ItemId<TAB>Time`, seconds with a fraction, no kind):
///   `DelimitedLayout(delimiter: "\t", columns: ["user": .named("SessionId"), "item": .named("ItemId"),
///   "ts": .named("Time")], timestampUnit: .seconds, constantKind: "click")`;
/// - Taobao UserBehavior (`user,item,category,behavior,ts`, no header, kinds `pv/cart/fav/buy`):
///   columns by 1-based position, `item.category` a feature, kinds `pv=view,fav=favorite,buy=purchase`.
///
/// With a header and no column mapping, the header's names are the schema's field names (`user`, `item`, `kind`,
/// `ts`, optional `value`, and `user.<feature>` / `item.<feature>` columns whose cells are `|`-separated lists).
public struct DelimitedLayout: Sendable, Hashable {
    /// Where a field is: a header name, or a 1-based position (the only choice without a header).
    public enum Column: Sendable, Hashable, CustomStringConvertible {
        case named(String)
        case position(Int)

        public var description: String {
            switch self {
            case .named(let name): "'\(name)'"
            case .position(let k): "\(k)"
            }
        }
    }

    /// The unit of a numeric timestamp cell. Cells may carry a decimal fraction (`1396437466.94` seconds); digits
    /// beyond milliseconds are truncated, as for ISO-8601 times.
    public enum TimestampUnit: String, Sendable, Hashable, CaseIterable {
        case seconds = "s"
        case milliseconds = "ms"
        case microseconds = "us"
        /// An integer of epoch milliseconds or an ISO-8601 date-time with offset (the JSON events' rule).
        case auto

        /// Milliseconds per unit, as a power of ten (negative: the unit is finer than a millisecond).
        var millisecondExponent: Int {
            switch self {
            case .seconds: 3
            case .milliseconds, .auto: 0
            case .microseconds: -3
            }
        }
    }

    /// The field names a column mapping may use besides `user.<feature>` and `item.<feature>`.
    public static let fieldKeys = ["user", "item", "kind", "value", "ts"]

    /// The byte between cells (`,` for CSV, a tab for TSV).
    public var delimiter: UInt8
    /// Whether the first row names the columns.
    public var hasHeader: Bool
    /// Field (`user`, `item`, `kind`, `value`, `ts`, `user.<feature>`, `item.<feature>`) to column. Empty: the
    /// header's names are the field names.
    public var columns: [String: Column]
    public var timestampUnit: TimestampUnit
    /// Renames the file's kinds (`pv` → `view`); kinds not listed are kept as written.
    public var kinds: [String: String]
    /// The kind of every event, for files without a kind column.
    public var constantKind: String?

    public init(
        delimiter: UInt8 = UInt8(ascii: ","),
        hasHeader: Bool = true,
        columns: [String: Column] = [:],
        timestampUnit: TimestampUnit = .auto,
        kinds: [String: String] = [:],
        constantKind: String? = nil
    ) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.columns = columns
        self.timestampUnit = timestampUnit
        self.kinds = kinds
        self.constantKind = constantKind
    }

    /// RFC 4180 CSV with a header naming the schema's fields.
    public static let csv = DelimitedLayout()
    /// Tab-separated values with a header naming the schema's fields.
    public static let tsv = DelimitedLayout(delimiter: 0x09)

    /// A problem in a layout's description, naming what to fix.
    public struct SpecError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses a column mapping such as `user=SessionId,item=ItemId,ts=Time` (header names) or
    /// `user=1,item=2,item.category=3,kind=4,ts=5` (1-based positions).
    public static func parseColumns(_ spec: String) throws(SpecError) -> [String: Column] {
        var columns: [String: Column] = [:]
        for (key, value) in try pairs(spec, what: "column mapping") {
            let isFeature = (key.hasPrefix("user.") || key.hasPrefix("item.")) && key.count > 5
            guard fieldKeys.contains(key) || isFeature else {
                throw SpecError(
                    message: "column mapping: unknown field '\(key)' (use \(fieldKeys.joined(separator: ", ")), "
                        + "user.<feature> or item.<feature>)"
                )
            }
            if let position = Int(value) {
                guard position >= 1 else {
                    throw SpecError(message: "column mapping: '\(key)=\(value)': positions start at 1")
                }
                columns[key] = .position(position)
            } else {
                columns[key] = .named(value)
            }
        }
        return columns
    }

    /// Parses a kind mapping such as `pv=view,fav=favorite,buy=purchase`.
    public static func parseKinds(_ spec: String) throws(SpecError) -> [String: String] {
        var kinds: [String: String] = [:]
        for (key, value) in try pairs(spec, what: "kind mapping") { kinds[key] = value }
        return kinds
    }

    /// Parses a delimiter: one character, or `tab`, `comma`, `semicolon`, `\t`.
    public static func parseDelimiter(_ spec: String) throws(SpecError) -> UInt8 {
        switch spec {
        case "tab", "\\t", "\t": return 0x09
        case "comma": return UInt8(ascii: ",")
        case "semicolon": return UInt8(ascii: ";")
        case "pipe": return UInt8(ascii: "|")
        default:
            let bytes = Array(spec.utf8)
            guard bytes.count == 1, bytes[0] != UInt8(ascii: "\""), bytes[0] != 0x0A, bytes[0] != 0x0D else {
                throw SpecError(message: "delimiter '\(spec)' must be one ASCII character other than a quote, or tab")
            }
            return bytes[0]
        }
    }

    private static func pairs(_ spec: String, what: String) throws(SpecError) -> [(String, String)] {
        var result: [(String, String)] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: true) {
            guard let eq = part.firstIndex(of: "=") else {
                throw SpecError(message: "\(what): '\(part)' is not key=value")
            }
            let key = part[..<eq].trimmingSpaces
            let value = part[part.index(after: eq)...].trimmingSpaces
            guard !key.isEmpty, !value.isEmpty else {
                throw SpecError(message: "\(what): '\(part)' has an empty side")
            }
            result.append((key, value))
        }
        guard !result.isEmpty else { throw SpecError(message: "\(what) is empty") }
        return result
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
