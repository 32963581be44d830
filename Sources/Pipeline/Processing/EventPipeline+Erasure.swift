import Kafka
import Logging

/// The erasure topic's preconditions: requests reach the owner of the user's state only when the two topics are
/// co-partitioned (equal partition counts, the same key partitioner) and the group assigns by range.
extension EventPipeline {
    /// Refuses a `partition.assignment.strategy` that does not start with `range` when `topics.erasure` is set:
    /// only the range assignor gives the same partition numbers of two equally partitioned topics to one member.
    static func checkErasureAssignment(_ configuration: DaemonConfiguration) throws(PipelineError) {
        guard !configuration.topics.erasure.isEmpty,
            let strategy = configuration.kafka.consumerClientProperties["partition.assignment.strategy"],
            !strategy.trimmingPrefix(while: \.isWhitespace).hasPrefix("range")
        else { return }
        throw PipelineError(
            code: .invalidConfiguration,
            message: "partition.assignment.strategy is \"\(strategy)\": with topics.erasure set it must be range "
                + "(erasure requests must reach the instance that owns the same partition of topics.events)")
    }

    /// Compares the two topics' partition counts once both exist (checking again every 10 s until then); stops the
    /// daemon when they differ: a request would land in another partition number than the user's events.
    static func checkCoPartitioning(
        admin: KafkaAdminClient, events: String, erasure: String, failure: FailureRecord, logger: Logger
    ) async {
        var warned = false
        while !Task.isCancelled {
            if let metadata = try? await admin.metadata(timeout: .seconds(5)),
                let eventsTopic = metadata.topic(events), !eventsTopic.partitions.isEmpty
            {
                guard let erasureTopic = metadata.topic(erasure), !erasureTopic.partitions.isEmpty else {
                    if !warned {
                        logger.warning(
                            "topics.erasure does not exist yet: create it with as many partitions as topics.events",
                            metadata: ["topic": "\(erasure)", "partitions": "\(eventsTopic.partitions.count)"])
                        warned = true
                    }
                    try? await Task.sleep(for: .seconds(10))
                    continue
                }
                if erasureTopic.partitions.count != eventsTopic.partitions.count {
                    let error = PipelineError(
                        code: .invalidConfiguration,
                        message: "topics.erasure \"\(erasure)\" has \(erasureTopic.partitions.count) partitions and "
                            + "topics.events \"\(events)\" \(eventsTopic.partitions.count): they must be equal, "
                            + "so that a user's erasure request lands in the partition number of the user's events")
                    logger.critical("\(error.message)")
                    failure.record(error)
                }
                return
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }
}
