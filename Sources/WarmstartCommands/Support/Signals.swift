import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into something a command can `await`, so it can stop cleanly (leave its consumer
/// group, flush its producer, remove the files it wrote) instead of dying mid-write.
enum TerminationSignal {
    /// Suspends until SIGINT or SIGTERM arrives and returns the signal's number.
    static func wait() async -> Int32 {
        let waiter = SignalWaiter()
        return await withCheckedContinuation { continuation in
            waiter.start(continuation)
        }
    }
}

private final class SignalWaiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Int32, Never>?
        var sources: [any DispatchSourceSignal] = []
    }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "warmstart.signals")

    func start(_ continuation: CheckedContinuation<Int32, Never>) {
        state.withLock { state in
            state.continuation = continuation
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { [self] in
                    self.fire(number)
                }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    private func fire(_ number: Int32) {
        let continuation = state.withLock { state -> CheckedContinuation<Int32, Never>? in
            let continuation = state.continuation
            state.continuation = nil
            for source in state.sources {
                source.cancel()
            }
            state.sources = []
            return continuation
        }
        continuation?.resume(returning: number)
    }
}

/// A flag that long-running loops poll between batches; set once SIGINT or SIGTERM arrives.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func set() { flag.store(true, ordering: .releasing) }

    /// A flag that a background task sets on the first SIGINT or SIGTERM.
    static func onTerminationSignal() -> StopFlag {
        let stop = StopFlag()
        Task {
            _ = await TerminationSignal.wait()
            stop.set()
        }
        return stop
    }
}

/// Runs `handler` on a private queue each time `number` arrives (the signal's default action is turned off), until
/// the returned sources are cancelled or released.
func onSignal(_ number: Int32, queue: DispatchQueue, _ handler: @escaping @Sendable () -> Void)
    -> any DispatchSourceSignal
{
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
    source.setEventHandler(handler: handler)
    source.resume()
    return source
}
