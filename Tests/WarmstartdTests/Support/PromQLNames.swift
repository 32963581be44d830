import Foundation

/// The metric names a PromQL expression selects, found without a full parser: string literals, label matchers,
/// range and subquery brackets, grouping label lists and Grafana variables are removed first; what remains that
/// looks like a name and is not a function call, keyword or number is a metric name.
enum PromQLNames {
    private static let keywords: Set<String> = [
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
        "inf", "nan", "atan2",
    ]

    static func metrics(in expression: String) -> Set<String> {
        var text = expression
        for (pattern, replacement) in [
            (#""(?:[^"\\]|\\.)*""#, "\"\""),  // string literals
            (#"\{[^}]*\}"#, " "),  // label matchers
            (#"\[[^\]]*\]"#, " "),  // ranges and subqueries
            (#"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"#, " "),  // label lists
            (#"\$\{?\w+\}?"#, " "),  // Grafana variables
            (#"\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b"#, " "),  // numbers
        ] {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        var names = Set<String>()
        let identifier = try! NSRegularExpression(pattern: #"[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?"#)
        let range = NSRange(text.startIndex..., in: text)
        for match in identifier.matches(in: text, range: range) {
            guard match.range(at: 1).location == NSNotFound, let whole = Range(match.range, in: text) else { continue }
            let name = String(text[whole])
            if !keywords.contains(name.lowercased()) { names.insert(name) }
        }
        return names
    }

    /// Every `expr:` of a Prometheus rules file (one-line, or a `|` / `>` block), without a YAML parser.
    static func expressions(inRulesFile text: String) -> [String] {
        var expressions: [String] = []
        let lines = text.components(separatedBy: "\n")
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard let range = line.range(of: "expr:") else { continue }
            let indent = line.prefix { $0 == " " }.count
            let value = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("|") || value.hasPrefix(">") {
                var block: [String] = []
                while index < lines.count,
                    lines[index].trimmingCharacters(in: .whitespaces).isEmpty
                        || lines[index].prefix(while: { $0 == " " }).count > indent
                {
                    block.append(lines[index])
                    index += 1
                }
                expressions.append(block.joined(separator: "\n"))
            } else {
                expressions.append(value)
            }
        }
        return expressions
    }

    /// The names the rules file defines itself with `record:`.
    static func recordedNames(inRulesFile text: String) -> Set<String> {
        Set(
            text.components(separatedBy: "\n").compactMap { line in
                line.range(of: "- record:").map { line[$0.upperBound...].trimmingCharacters(in: .whitespaces) }
            })
    }

    /// Every `expr` of a Grafana dashboard, and the metric of every `label_values(metric, label)` variable.
    static func expressions(inDashboard object: Any) -> [String] {
        var expressions: [String] = []
        func walk(_ value: Any, key: String?) {
            if let dictionary = value as? [String: Any] {
                for (key, value) in dictionary { walk(value, key: key) }
            } else if let array = value as? [Any] {
                for element in array { walk(element, key: key) }
            } else if let string = value as? String {
                if key == "expr" { expressions.append(string) }
                if key == "query" || key == "definition", let open = string.range(of: "label_values(") {
                    let argument = string[open.upperBound...].prefix { $0 != "," && $0 != ")" }
                    expressions.append(String(argument))
                }
            }
        }
        walk(object, key: nil)
        return expressions
    }
}
