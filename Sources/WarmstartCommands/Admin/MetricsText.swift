import Foundation

/// One scrape of a Prometheus text exposition (format 0.0.4), as samples: what `status` and `top` read from
/// warmstartd's `/metrics`.
struct MetricsText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample]

    /// Parses every sample line; comments, blank and malformed lines are skipped.
    init(parsing text: String) {
        samples = text.split(whereSeparator: \.isNewline).compactMap { Self.sample(Substring($0)) }
    }

    /// Every distinct metric name (histograms as their `_bucket`, `_sum` and `_count` series).
    var names: Set<String> { Set(samples.map(\.name)) }

    /// The samples of `name` whose labels include `labels`.
    func values(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
    }

    /// The sum of the samples of `name` whose labels include `labels`; `nil` when there are none.
    func sum(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = values(name, labels)
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }

    /// The cumulative buckets of histogram `name` (summed over any other labels), by upper bound.
    func histogram(_ name: String) -> [(upperBound: Double, count: Double)] {
        var counts: [Double: Double] = [:]
        for sample in values(name + "_bucket") {
            guard let bound = sample.labels["le"].flatMap(Self.number) else { continue }
            counts[bound, default: 0] += sample.value
        }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    // MARK: - Parsing

    private static func sample(_ line: Substring) -> Sample? {
        let line = line.drop { $0 == " " || $0 == "\t" }
        guard let first = line.first, first != "#" else { return nil }
        let nameEnd = line.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") } ?? line.endIndex
        let name = String(line[..<nameEnd])
        guard !name.isEmpty else { return nil }
        var rest = line[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            guard let (parsed, after) = Self.labels(rest.dropFirst()) else { return nil }
            labels = parsed
            rest = after
        }
        let fields = rest.split(separator: " ", omittingEmptySubsequences: true)
        guard let valueText = fields.first, let value = number(valueText) else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }

    /// `name="value",...}` with `\\`, `\"` and `\n` escapes; returns the labels and what follows the `}`.
    private static func labels(_ text: Substring) -> ([String: String], Substring)? {
        var labels: [String: String] = [:]
        var rest = text
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            if rest.first == "}" { return (labels, rest.dropFirst()) }
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: equals)...]
            guard rest.first == "\"" else { return nil }
            rest = rest.dropFirst()
            var value = ""
            var escaped = false
            while let character = rest.first {
                rest = rest.dropFirst()
                if escaped {
                    value.append(character == "n" ? "\n" : character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    break
                } else {
                    value.append(character)
                }
            }
            labels[key] = value
        }
    }

    static func number(_ text: some StringProtocol) -> Double? {
        switch text {
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(text)
        }
    }
}

/// The `q`-quantile of cumulative histogram buckets, interpolated linearly inside the bucket it falls in, as
/// Prometheus's `histogram_quantile` does; `nil` without observations. Above the last finite bound it is that
/// bound.
func histogramQuantile(_ q: Double, _ buckets: [(upperBound: Double, count: Double)]) -> Double? {
    guard let total = buckets.last?.count, total > 0 else { return nil }
    let rank = q * total
    var lowerBound = 0.0
    var lowerCount = 0.0
    for bucket in buckets {
        if bucket.count >= rank {
            if bucket.upperBound.isInfinite { return lowerBound }
            let inBucket = bucket.count - lowerCount
            guard inBucket > 0 else { return bucket.upperBound }
            return lowerBound + (bucket.upperBound - lowerBound) * (rank - lowerCount) / inBucket
        }
        lowerBound = bucket.upperBound
        lowerCount = bucket.count
    }
    return lowerBound
}
