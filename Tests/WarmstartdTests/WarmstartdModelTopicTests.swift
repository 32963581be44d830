import Clickstream
import Foundation
import Kafka
import Testing

/// The shared initialization on the model topic, as real processes: `warmstartd` meta-updates every N events and
/// publishes the latest initialization, keyed, to `topics.model` (at most once a second); a real consumer tails that
/// topic meanwhile.
@Suite(.serialized)
struct WarmstartdModelTopicTests {
    /// One model message as `Sources/Pipeline/Output/ModelTopicPublisher.swift` writes it:
    /// `{"model_version", "events_learned", "updated_at", "objective", "theta": [...]}`, keyed `initialization`.
    struct ModelMessage {
        var offset: Int64
        var modelVersion: Int
        var eventsLearned: Int
        var updatedAt: Int64
        var objective: String
        var theta: [Double]

        init(_ message: KafkaMessage) throws {
            offset = message.offset
            guard message.keyText == "initialization" else {
                throw TestFailure("model message key \(message.keyText ?? "nil"), expected \"initialization\"")
            }
            let text = String(decoding: message.value, as: UTF8.self)
            guard let object = try JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any] else {
                throw TestFailure("model message is not a JSON object: \(text.prefix(200))")
            }
            let keys = Set(object.keys)
            guard keys == ["model_version", "events_learned", "updated_at", "objective", "theta"] else {
                throw TestFailure("model message members \(keys.sorted())")
            }
            // Integers must be JSON integers, not 1.0.
            guard let version = object["model_version"] as? Int, text.contains("\"model_version\":\(version),"),
                let learned = object["events_learned"] as? Int, text.contains("\"events_learned\":\(learned),"),
                let updated = (object["updated_at"] as? NSNumber)?.int64Value,
                text.contains("\"updated_at\":\(updated),"),
                let objective = object["objective"] as? String,
                let theta = object["theta"] as? [NSNumber]
            else {
                throw TestFailure("model message members of the wrong type: \(text.prefix(300))")
            }
            modelVersion = version
            eventsLearned = learned
            updatedAt = updated
            self.objective = objective
            self.theta = theta.map(\.doubleValue)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func everyMetaUpdatePublishesTheSharedInitializationKeyedWithAnIncreasingVersion() async throws {
        let cluster = try TestCluster()
        let group = "e2e-model"
        let every = 400
        let startedAt = Int64(Date().timeIntervalSince1970 * 1000)

        // Tail the model topic from the beginning while the daemon runs.
        let tail = try TopicTail(
            topic: TestCluster.model, bootstrapServers: cluster.broker.bootstrapServerList, logger: cluster.logger)

        // Meta-updates by event count only, so that their number and timing are exact.
        let daemon = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group,
            settings: ["metaupdate.every_events=\(every)", "metaupdate.every_ms=0"])
        try await daemon.waitUntilReady()
        #expect((try await daemon.metrics()).sum("warmstart_model_version") == 0)

        let events = Array(SyntheticClickstream(.init(users: 150, items: 120, events: 2_200, seed: 23)))
        var sent = 0
        var models: [ModelMessage] = []
        for phaseEnd in [1_200, 2_200] {
            try await cluster.produce(events[sent..<phaseEnd].map(WarmstartdEndToEndTests.message))
            sent = phaseEnd
            let version = phaseEnd / every
            try await poll("\(phaseEnd) events processed", timeout: .seconds(30), every: .milliseconds(100)) {
                (try await daemon.metrics()).sum("warmstart_events_processed_total") >= Double(phaseEnd)
            }
            // Meta-updates may run many times a second; the model topic gets the latest θ within about a second.
            try await poll("model version \(version) tailed", timeout: .seconds(10), every: .milliseconds(50)) {
                models = try tail.messages.map(ModelMessage.init)
                return models.last?.modelVersion == version
            }
            let metrics = try await daemon.metrics()
            // One meta-update per `every` learned events; the last one is what /metrics says and what was published.
            #expect(metrics.sum("warmstart_model_version") == Double(version))
            #expect(metrics.sum("warmstart_meta_updates_total") == Double(version))
            #expect(models.last?.modelVersion == Int(metrics.sum("warmstart_model_version")))
        }
        #expect(models.count >= 2, "published after each phase: \(models.map(\.modelVersion))")
        let finishedAt = Int64(Date().timeIntervalSince1970 * 1000)

        let thetaWidth = models.first?.theta.count ?? 0
        #expect(thetaWidth > 0)
        for (index, model) in models.enumerated() {
            #expect(model.objective == "ranking")
            #expect(model.theta.count == thetaWidth, "θ keeps its shape")
            #expect(model.theta.allSatisfy { $0.isFinite })
            // Meta-update k runs right after the (k × every)-th learned event, on the learner's single queue, so
            // the θ published with the events learned so far is exactly version events_learned / every.
            #expect(model.modelVersion == model.eventsLearned / every, "\(model.eventsLearned) events learned")
            #expect((startedAt...finishedAt).contains(model.updatedAt))
            if index > 0 {
                let previous = models[index - 1]
                #expect(model.offset > previous.offset)
                #expect(model.modelVersion > previous.modelVersion, "model_version increases between publishes")
                #expect(model.eventsLearned > previous.eventsLearned)
                #expect(model.theta != previous.theta, "version \(model.modelVersion) moved θ")
                // At most one model message a second (wall clock here, monotonic in the daemon: some slack).
                let apart = model.updatedAt - previous.updatedAt
                #expect(apart >= 900, "published \(apart) ms apart")
            }
        }

        // What a later instance reads: the topic's last message is the current initialization (the topic is meant
        // to be compacted, and every message has the same key, so compaction keeps exactly that one).
        let all = try await cluster.readAll(TestCluster.model, partitions: 1)
        #expect(Set(all.compactMap(\.keyText)) == ["initialization"])
        #expect(try all.last.map(ModelMessage.init)?.modelVersion == models.last?.modelVersion)
        #expect(all.count == models.count, "the tail saw every model message")

        // Scores carry the model version they were computed with.
        let scores = try await cluster.readAll(TestCluster.scores, partitions: TestCluster.scorePartitions)
        let versions = try scores.map { try ScoreValue(decoding: $0).modelVersion }
        #expect(versions.allSatisfy { (0...(models.last?.modelVersion ?? 0)).contains($0) })
        #expect(Set(versions).count > 1, "scores published after meta-updates carry the new version")

        await tail.stop()
        #expect((try await daemon.stop()).status == 0)
    }
}
