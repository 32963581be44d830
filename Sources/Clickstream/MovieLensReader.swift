import Foundation

/// Reads the MovieLens 100K layout: `u.data` (tab-separated `user item rating timestamp-seconds`) and, when they sit
/// beside it, `u.user` (age, gender, occupation) and `u.item` (genres) as side features.
///
/// Ratings become events of kind `rating` with the rating as their value. Events come back in file order; replay
/// sorts them by timestamp (stable) itself.
public struct MovieLensReader: Sendable {
    public let dataURL: URL

    /// - Parameter path: the `u.data` file, or the directory holding it.
    public init(path: String) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            self.dataURL = URL(fileURLWithPath: path).appendingPathComponent("u.data")
        } else {
            self.dataURL = URL(fileURLWithPath: path)
        }
    }

    /// Reads every record; a line that cannot be read is handed to `onBadLine` with its 1-based number and skipped.
    public func readAll(onBadLine: (Int, String) -> Void = { _, _ in }) throws -> [InteractionEvent] {
        let directory = dataURL.deletingLastPathComponent()
        let userFeatures = (try? Self.readUsers(directory.appendingPathComponent("u.user"))) ?? [:]
        let itemFeatures =
            (try? Self.readItems(
                directory.appendingPathComponent("u.item"),
                genres: directory.appendingPathComponent("u.genre")
            )) ?? [:]
        let text = try Self.readLatin1(dataURL)
        var events: [InteractionEvent] = []
        events.reserveCapacity(100_000)
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { continue }
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard fields.count >= 4, let rating = Double(fields[2]), rating.isFinite,
                let seconds = Int64(fields[3])
            else {
                onBadLine(lineNumber, "expected 'user<TAB>item<TAB>rating<TAB>timestamp'")
                continue
            }
            let user = String(fields[0])
            let item = String(fields[1])
            events.append(
                InteractionEvent(
                    user: user,
                    item: item,
                    kind: "rating",
                    value: rating,
                    timestamp: seconds * 1000,
                    userFeatures: userFeatures[user] ?? [:],
                    itemFeatures: itemFeatures[item] ?? [:]
                )
            )
        }
        return events
    }

    /// `u.user`: `id|age|gender|occupation|zip`. Ages are bucketed the way MovieLens-1M does.
    static func readUsers(_ url: URL) throws -> [String: [String: [String]]] {
        var result: [String: [String: [String]]] = [:]
        for line in try readLatin1(url).split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false)
            guard f.count >= 4, let age = Int(f[1]) else { continue }
            result[String(f[0])] = [
                "age": [ageBucket(age)],
                "gender": [String(f[2])],
                "occupation": [String(f[3])],
            ]
        }
        return result
    }

    /// `u.item`: `id|title|release|video|url|19 genre flags`, genre names from `u.genre`.
    static func readItems(_ url: URL, genres genreURL: URL) throws -> [String: [String: [String]]] {
        var genreNames: [Int: String] = [:]
        if let genreText = try? readLatin1(genreURL) {
            for line in genreText.split(separator: "\n") {
                let f = line.split(separator: "|")
                if f.count == 2, let index = Int(f[1]) { genreNames[index] = String(f[0]) }
            }
        }
        var result: [String: [String: [String]]] = [:]
        for line in try readLatin1(url).split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false)
            guard f.count >= 6 else { continue }
            var genres: [String] = []
            for (index, flag) in f.dropFirst(5).enumerated() where flag == "1" {
                genres.append(genreNames[index] ?? "genre\(index)")
            }
            var features: [String: [String]] = [:]
            if !genres.isEmpty { features["genre"] = genres }
            result[String(f[0])] = features
        }
        return result
    }

    static func ageBucket(_ age: Int) -> String {
        switch age {
        case ..<18: return "under18"
        case 18..<25: return "18-24"
        case 25..<35: return "25-34"
        case 35..<45: return "35-44"
        case 45..<50: return "45-49"
        case 50..<56: return "50-55"
        default: return "56+"
        }
    }

    /// MovieLens files are mostly ASCII with some ISO-8859-1 titles; Latin-1 decoding never fails.
    static func readLatin1(_ url: URL) throws -> String {
        let data = try Data(contentsOf: url)
        return String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) ?? ""
    }
}
