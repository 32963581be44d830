import Dispatch
import Synchronization

// The small thread-safe pieces the event pipeline's tasks, the consumer's poll thread and the learner's queue
// coordinate through.

/// The error that stopped the pipeline from the consumer's poll thread (a partition whose state cannot be
/// restored), if any.
final class FailureRecord: Sendable {
    private let value = Mutex<PipelineError?>(nil)
    var error: PipelineError? { value.withLock { $0 } }
    func record(_ error: PipelineError) { value.withLock { if $0 == nil { $0 = error } } }
}

/// When graceful shutdown must be done: set once when it begins; read by the rebalance handler too, so that the
/// final revocation fits in what is left of `shutdown.timeout_ms` instead of waiting a full timeout of its own.
final class ShutdownDeadline: Sendable {
    /// Kept short of the service group's own limit, so that leaving the group still happens before it cancels.
    private static let margin = Duration.milliseconds(500)
    private let value = Mutex<ContinuousClock.Instant?>(nil)

    /// Starts the budget (idempotent: only the first call counts).
    func start(budget: Duration) {
        let deadline = ContinuousClock.now + max(budget - Self.margin, budget / 2)
        value.withLock { value in
            if value == nil { value = deadline }
        }
    }

    /// The deadline, once shutdown began.
    var deadline: ContinuousClock.Instant? { value.withLock { $0 } }

    var hasPassed: Bool { deadline.map { ContinuousClock.now >= $0 } ?? false }

    /// What is left of the budget (zero once passed); unbounded before shutdown began.
    var remaining: Duration {
        guard let deadline else { return .seconds(3600) }
        return max(.zero, deadline - ContinuousClock.now)
    }
}

/// A continuation resumed by whichever of several tasks comes first.
final class ResumeOnce: Sendable {
    private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(returning value: Bool) {
        continuation.withLock { stored -> CheckedContinuation<Bool, Never>? in
            defer { stored = nil }
            return stored
        }?.resume(returning: value)
    }
}

/// Offsets per partition for a log line: `0:9245,1:7035`.
func offsetList(_ offsets: [Int32: Int64]) -> String {
    offsets.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
}

/// Events handed to the learner and not processed yet: each may still lead to an output message.
final class QueuedEvents: Sendable {
    private let value = Atomic<Int>(0)

    var count: Int { value.load(ordering: .acquiring) }

    func add(_ delta: Int) {
        value.add(delta, ordering: .acquiringAndReleasing)
    }
}

/// Bounds the batches handed to the learner and not finished yet.
final class BatchGate: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        let capacity: Int
    }

    private let state: Mutex<State>

    init(capacity: Int) {
        state = Mutex(State(available: capacity, capacity: capacity))
    }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func release() {
        typealias Wakeups = (next: CheckedContinuation<Void, Never>?, drained: [CheckedContinuation<Void, Never>])
        let (next, drained) = state.withLock { state -> Wakeups in
            if !state.waiters.isEmpty {
                return (state.waiters.removeFirst(), [])
            }
            state.available += 1
            if state.available == state.capacity {
                defer { state.drainWaiters = [] }
                return (nil, state.drainWaiters)
            }
            return (nil, [])
        }
        next?.resume()
        for waiter in drained { waiter.resume() }
    }

    /// Waits until every acquired batch was released.
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                if state.available == state.capacity { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
