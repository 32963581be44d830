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
        await listen().wait()
    }

    /// Starts catching SIGINT and SIGTERM now: a signal that arrives before ``SignalWaiter/wait()`` is kept, not
    /// fatal. Listen before announcing readiness (e.g. writing a file others poll for), so that a signal sent as
    /// soon as the command looks ready still stops it cleanly.
    static func listen() -> SignalWaiter { SignalWaiter() }
}

/// SIGINT and SIGTERM caught from its creation on; ``wait()`` returns the first one.
final class SignalWaiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Int32, Never>?
        var received: Int32?
        var sources: [any DispatchSourceSignal] = []
    }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "warmstart.signals")

    fileprivate init() {
        state.withLock { state in
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

    /// Suspends until SIGINT or SIGTERM has arrived (at once if one already has) and returns its number.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let received = state.withLock { state -> Int32? in
                if state.received == nil { state.continuation = continuation }
                return state.received
            }
            if let received { continuation.resume(returning: received) }
        }
    }

    private func fire(_ number: Int32) {
        let continuation = state.withLock { state -> CheckedContinuation<Int32, Never>? in
            guard state.received == nil else { return nil }
            state.received = number
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
        let termination = TerminationSignal.listen()  // caught from now on, not when the task first runs
        Task {
            _ = await termination.wait()
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
