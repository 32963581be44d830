import Foundation
import StateStore

// state-store-bench: times the state store's checkpoints and loads on a synthetic state.
//
//   swift build -c release --product state-store-bench
//   .build/release/state-store-bench [--users 200000] [--user-bytes 700] [--model-mb 64] [--changed-percent 1]
//                                    [--dirty-users 10000] [--partitions 8] [--repeat 3] [--directory DIR]
//
// `--crash-writer DIR` is the child process of StateStoreTests' crash test, not a benchmark.

if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--crash-writer" {
    try CrashWriter.run(directory: CommandLine.arguments[2])
}

do {
    var benchmark = try Benchmark(options: Options(Array(CommandLine.arguments.dropFirst())))
    try benchmark.run()
} catch {
    FileHandle.standardError.write(Data("state-store-bench: \(error)\n".utf8))
    exit(1)
}
