import Synchronization

/// Whether the daemon is ready to serve its purpose, as `/readyz` reports it: a set of named conditions that the
/// pipeline sets and clears as it joins the group, loads its state, loses Kafka, and shuts down.
///
/// It also holds the daemon's *faults*, which `/healthz` reports: conditions under which the process keeps running
/// and retrying but cannot do all of its job (its checkpoints fail, so nothing more is committed). A fault is more
/// than "not ready": an operator has to act (free disk space), so liveness checks and alerts see it too.
///
/// Thread-safe (a `Mutex`); conditions change rarely, so the lock is never contended in practice.
public final class Readiness: Sendable {
    /// One named condition; the name is what `/readyz` prints when it is missing.
    public struct Condition: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// A snake_case name, e.g. `joined_group`.
        public let name: String

        public init(_ name: String) {
            self.name = name
        }

        public init(stringLiteral name: String) {
            self.name = name
        }

        /// The consumer joined the group and has an assignment (possibly empty).
        public static let joinedGroup: Condition = "joined_group"
        /// The state (model, users) is loaded and the pipeline can process events.
        public static let stateReady: Condition = "state_ready"
        /// The Kafka cluster is reachable.
        public static let kafkaReachable: Condition = "kafka_reachable"
        /// The last checkpoint of the learned state is durable; a fault while checkpoints fail.
        public static let stateDurable: Condition = "state_durable"

        public var description: String { name }
    }

    /// A problem that `/healthz` reports until it is cleared.
    public struct Fault: Hashable, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var condition: Condition
        /// For an operator: what failed and what the daemon does about it.
        public var detail: String

        public init(_ condition: Condition, detail: String) {
            self.condition = condition
            self.detail = detail
        }

        public var description: String { "\(condition): \(detail)" }
    }

    private struct State: Sendable {
        /// The required conditions, in the order they are reported.
        var required: [Condition]
        var satisfied: Set<Condition>
        /// The faults raised and not cleared, in the order they were raised.
        var faults: [Fault] = []
    }

    private let state: Mutex<State>

    /// - Parameter required: The conditions that must all hold for readiness, in the order `/readyz` lists missing
    ///   ones. All start unsatisfied.
    public init(required: [Condition] = [.joinedGroup, .stateReady]) {
        state = Mutex(State(required: required, satisfied: []))
    }

    /// Sets `condition` to `satisfied`. A condition that was not in `required` becomes required.
    public func set(_ condition: Condition, _ satisfied: Bool) {
        state.withLock { state in
            if !state.required.contains(condition) { state.required.append(condition) }
            if satisfied {
                state.satisfied.insert(condition)
            } else {
                state.satisfied.remove(condition)
            }
        }
    }

    /// Whether `condition` holds.
    public func isSatisfied(_ condition: Condition) -> Bool {
        state.withLock { $0.satisfied.contains(condition) }
    }

    /// The required conditions that do not hold, in order.
    public var missing: [Condition] {
        state.withLock { state in state.required.filter { !state.satisfied.contains($0) } }
    }

    /// Whether every required condition holds.
    public var isReady: Bool { missing.isEmpty }

    // MARK: - Faults

    /// Raises a fault named `condition` (replacing its detail if it is raised already), or clears it when `detail`
    /// is `nil`.
    public func setFault(_ condition: Condition, detail: String?) {
        state.withLock { state in
            if let detail {
                let fault = Fault(condition, detail: detail)
                if let index = state.faults.firstIndex(where: { $0.condition == condition }) {
                    state.faults[index] = fault
                } else {
                    state.faults.append(fault)
                }
            } else {
                state.faults.removeAll { $0.condition == condition }
            }
        }
    }

    /// The faults raised and not cleared, in the order they were raised.
    public var faults: [Fault] {
        state.withLock { $0.faults }
    }
}
