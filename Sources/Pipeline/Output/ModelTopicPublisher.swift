import Clickstream
import Learning

/// The model topic: the shared initialization θ as JSON on a compacted topic, keyed `initialization`, for readers
/// that start new users from the latest θ.
///
/// Meta-updates may run many times a second; the topic gets at most one message per ``publishInterval``, always
/// the latest θ. A model message is no effect of any event (not tracked, not retried): losing one only delays
/// readers until the next meta-update.
///
/// Owned by the ``Learner``'s queue (it reads the model).
struct ModelTopicPublisher {
    /// At most one model message per this many nanoseconds.
    static let publishInterval: Int64 = 1_000_000_000

    /// When θ was last published (monotonic ns).
    private var lastPublish: Int64 = 0
    /// Whether a newer θ awaits publishing.
    private(set) var isPending = false

    /// A meta-update changed θ.
    mutating func noteMetaUpdate() {
        isPending = true
    }

    /// Publishes the latest θ if it changed since the last publish and the interval has passed.
    mutating func publishIfDue(now: Int64, model: Recommender, output: (any LearnerOutput)?) {
        guard isPending, now - lastPublish >= Self.publishInterval else { return }
        publish(at: now, model: model, output: output)
    }

    /// Publishes the latest θ now if it changed since the last publish (at shutdown).
    mutating func publishLatest(now: Int64, model: Recommender, output: (any LearnerOutput)?) {
        guard isPending else { return }
        publish(at: now, model: model, output: output)
    }

    private mutating func publish(at now: Int64, model: Recommender, output: (any LearnerOutput)?) {
        lastPublish = now
        isPending = false
        guard let output else { return }
        _ = try? output.trySend(.model(value: Self.message(model)))
    }

    /// The model message: version, events learned, time, objective and θ (a non-finite value written as 0).
    static func message(_ model: Recommender) -> [UInt8] {
        let theta = model.metaParameters
        var json = JSONWriter(reservingCapacity: 128 + 16 * theta.count)
        json.literal(#"{"model_version":"#)
        json.integer(model.metaUpdates)
        json.literal(#","events_learned":"#)
        json.integer(model.eventsLearned)
        json.literal(#","updated_at":"#)
        json.integer(PipelineClock.epochMilliseconds())
        json.literal(#","objective":"#)
        json.string(model.configuration.objective.rawValue)
        json.literal(#","theta":["#)
        for (k, value) in theta.enumerated() {
            if k > 0 { json.byte(UInt8(ascii: ",")) }
            json.score(value.isFinite ? Double(value) : 0)
        }
        json.literal("]}")
        return json.bytes
    }
}
