import Foundation

/// Number and table formatting shared by `status`, `top` and `inspect`.
enum Formatting {
    /// `1234567` → `1,234,567`; fractions are kept to `decimals` places.
    static func count(_ value: Double, decimals: Int = 0) -> String {
        guard value.isFinite else { return "-" }
        let formatted = String(format: "%.\(decimals)f", abs(value))
        let parts = formatted.split(separator: ".", maxSplits: 1)
        var digits = Array(parts[0])
        var grouped: [Character] = []
        while digits.count > 3 {
            grouped = [","] + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        let integer = String(digits + grouped)
        let sign = value < 0 && formatted.contains(where: { $0 != "0" && $0 != "." }) ? "-" : ""
        return sign + integer + (parts.count > 1 ? "." + parts[1] : "")
    }

    static func optionalCount(_ value: Double?, decimals: Int = 0) -> String {
        value.map { count($0, decimals: decimals) } ?? "-"
    }

    /// Per second, one decimal below 100.
    static func rate(_ value: Double?) -> String {
        guard let value else { return "-" }
        return count(value, decimals: value < 100 ? 1 : 0)
    }

    /// A share as `0.385`.
    static func ratio(_ value: Double?) -> String {
        value.map { String(format: "%.3f", $0) } ?? "-"
    }

    /// A relative change as `+12.3%`.
    static func percentChange(_ value: Double?) -> String {
        value.map { String(format: "%+.1f%%", $0 * 100) } ?? "-"
    }

    static func bytes(_ value: Double?) -> String {
        guard let value else { return "-" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var scaled = value
        var unit = 0
        while scaled >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(scaled)) B" : String(format: "%.1f ", scaled) + units[unit]
    }

    /// Seconds as `12 ms` or `1.25 s`.
    static func seconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return value < 1 ? String(format: "%.0f ms", value * 1000) : String(format: "%.2f s", value)
    }

    /// Columns padded to their widest cell: the first left-aligned, the others right-aligned.
    static func table(_ header: [String], _ rows: [[String]], indent: String = "  ") -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.count > column ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            let cells = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: max(0, widths[column] - cell.count))
                return column == 0 ? cell + padding : padding + cell
            }
            return indent + cells.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
