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

    /// The model message: version, events learned, time, objective and θ.
    static func message(_ model: Recommender) -> [UInt8] {
        var json = "{\"model_version\":\(model.metaUpdates),\"events_learned\":\(model.eventsLearned),"
        json += "\"updated_at\":\(PipelineClock.epochMilliseconds()),"
        json += "\"objective\":\"\(model.configuration.objective)\","
        json += "\"theta\":[" + model.metaParameters.map { "\($0.isFinite ? $0 : 0)" }.joined(separator: ",") + "]}"
        return Array(json.utf8)
    }
}
