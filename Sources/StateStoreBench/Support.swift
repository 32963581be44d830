import Foundation
import StateStore

struct Options {
    var users = 200_000
    var userBytes = 700
    var modelMB = 64
    var changedPercent = 1.0
    var dirtyUsers = 10_000
    var partitions = 8
    var repetitions = 3
    var directory: String?

    init(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw UsageError("missing value after \(flag)") }
            func int() throws -> Int {
                guard let number = Int(value), number >= 0 else { throw UsageError("bad value \(value) for \(flag)") }
                return number
            }
            switch flag {
            case "--users": users = try int()
            case "--user-bytes": userBytes = try int()
            case "--model-mb": modelMB = try int()
            case "--changed-percent":
                guard let number = Double(value) else { throw UsageError("bad value \(value) for \(flag)") }
                changedPercent = number
            case "--dirty-users": dirtyUsers = try int()
            case "--partitions": partitions = max(1, try int())
            case "--repeat": repetitions = max(1, try int())
            case "--directory": directory = value
            default: throw UsageError("unknown option \(flag)")
            }
        }
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Bytes this process passed to write(2)-family calls (`wchar` of /proc/self/io): the WAL, the database file
/// (WAL checkpoints) and nothing else here.
func bytesWrittenByProcess() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("wchar:") {
        return Int(line.dropFirst("wchar:".count).trimmingCharacters(in: .whitespaces))
    }
    return nil
}

func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
}

func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}

func timedCheckpoint(_ label: String, _ store: StateStore, _ checkpoint: StateStore.Checkpoint) throws {
    let before = bytesWrittenByProcess()
    let stats = try store.checkpoint(checkpoint)
    let after = bytesWrittenByProcess()
    var line =
        "\(label): \(String(format: "%.3f", seconds(stats.duration))) s; \(stats.usersWritten) users, chunks "
        + "\(stats.chunksWritten) written / \(stats.chunksSkipped) skipped; payload \(megabytes(stats.bytesWritten))"
    if let before, let after { line += "; written to files \(megabytes(after - before))" }
    print(line)
}
