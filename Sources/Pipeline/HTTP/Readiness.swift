import Synchronization

/// Whether the daemon is ready to serve its purpose, as `/readyz` reports it: a set of named conditions that the
/// pipeline sets and clears as it joins the group, loads its state, loses Kafka, and shuts down.
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

        public var description: String { name }
    }

    private struct State: Sendable {
        /// The required conditions, in the order they are reported.
        var required: [Condition]
        var satisfied: Set<Condition>
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
}
