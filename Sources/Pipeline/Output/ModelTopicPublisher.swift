import Clickstream
import Learning

/// The model topic: the shared initialization θ as JSON on a compacted topic, keyed `initialization`, for readers
/// that start new users from the latest θ.
///
/// Meta-updates may run many times a second; the topic gets at most one message per ``publishInterval``, always
/// the latest θ. A model message is no effect of any event (not tracked, not retried): losing one only delays
/// readers until the next meta-update.
///
/// With user-level differential privacy (``holdsForDurability``) θ is released only once the checkpoint holding
/// its round is durable (``release(_:now:output:)`` with the message built at the snapshot), so that a round redone
/// after a crash never releases a second noisy value; the message then carries the privacy spent and not the exact
/// event count.
///
/// Owned by the ``Learner``'s queue (it reads the model).
struct ModelTopicPublisher {
    /// The privacy of a released θ: `privacy` in the model message.
    struct PrivacyReport: Sendable, Equatable {
        var epsilon: Double
        var delta: Double
        var noiseMultiplier: Double
        var clipNorm: Double
        var maxParticipations: Int
    }

    /// At most one model message per this many nanoseconds.
    static let publishInterval: Int64 = 1_000_000_000

    /// When θ was last published (monotonic ns).
    private var lastPublish: Int64 = 0
    /// Whether a newer θ awaits publishing.
    private(set) var isPending = false
    /// θ is published only through ``release(_:now:output:)`` (user-level differential privacy).
    var holdsForDurability = false

    /// A meta-update changed θ.
    mutating func noteMetaUpdate() {
        isPending = true
    }

    /// Publishes the latest θ if it changed since the last publish and the interval has passed.
    mutating func publishIfDue(now: Int64, model: Recommender, output: (any LearnerOutput)?) {
        guard isPending, !holdsForDurability, now - lastPublish >= Self.publishInterval else { return }
        publish(at: now, model: model, output: output)
    }

    /// Publishes `message`, built when the now durable checkpoint was taken (``holdsForDurability``); `isLatest`:
    /// no round ran since, so nothing newer is pending.
    mutating func release(_ message: [UInt8], now: Int64, output: (any LearnerOutput)?, isLatest: Bool = true) {
        lastPublish = now
        if isLatest { isPending = false }
        guard let output else { return }
        _ = try? output.trySend(.model(value: message))
    }

    /// Publishes the latest θ now if it changed since the last publish (at shutdown).
    mutating func publishLatest(now: Int64, model: Recommender, output: (any LearnerOutput)?) {
        guard isPending, !holdsForDurability else { return }
        publish(at: now, model: model, output: output)
    }

    private mutating func publish(at now: Int64, model: Recommender, output: (any LearnerOutput)?) {
        lastPublish = now
        isPending = false
        guard let output else { return }
        _ = try? output.trySend(.model(value: Self.message(model)))
    }

    /// The model message: version, events learned (or, with `privacy`, the privacy spent instead), time, objective
    /// and θ (a non-finite value written as 0).
    static func message(_ model: Recommender, privacy: PrivacyReport? = nil) -> [UInt8] {
        let theta = model.metaParameters
        var json = JSONWriter(reservingCapacity: 256 + 16 * theta.count)
        json.literal(#"{"model_version":"#)
        json.integer(model.metaUpdates)
        if let privacy {
            json.literal(#","privacy":{"epsilon":"#)
            json.number(privacy.epsilon)
            json.literal(#","delta":"#)
            json.number(privacy.delta)
            json.literal(#","noise_multiplier":"#)
            json.number(privacy.noiseMultiplier)
            json.literal(#","clip_norm":"#)
            json.number(privacy.clipNorm)
            json.literal(#","max_participations":"#)
            json.integer(privacy.maxParticipations)
            json.literal("}")
        } else {
            json.literal(#","events_learned":"#)
            json.integer(model.eventsLearned)
        }
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
