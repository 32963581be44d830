import CRdKafka

/// Conversions between Swift collections and `rd_kafka_topic_partition_list_t`.
enum RDKafkaTopicPartitionList {
    typealias Pointer = UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// Builds a list, passes it to `body`, destroys it afterwards.
    static func with<Result>(
        _ entries: some Collection<(KafkaTopicPartition, Int64)>,
        _ body: (Pointer) throws(KafkaError) -> Result
    ) throws(KafkaError) -> Result {
        let list = rd_kafka_topic_partition_list_new(Int32(clamping: entries.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (topicPartition, offset) in entries {
            let element = rd_kafka_topic_partition_list_add(list, topicPartition.topic, topicPartition.partition)!
            element.pointee.offset = offset
        }
        return try body(list)
    }

    /// A list without offsets (`RD_KAFKA_OFFSET_INVALID`).
    static func with<Result>(
        _ topicPartitions: some Collection<KafkaTopicPartition>,
        _ body: (Pointer) throws(KafkaError) -> Result
    ) throws(KafkaError) -> Result {
        try with(topicPartitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) }, body)
    }

    static func topicPartitions(_ list: Pointer?) -> [KafkaTopicPartition] {
        elements(list).map { KafkaTopicPartition(topic: String(cString: $0.topic), partition: $0.partition) }
    }

    static func elements(_ list: Pointer?) -> UnsafeBufferPointer<rd_kafka_topic_partition_t> {
        guard let list, list.pointee.cnt > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt))
    }

    /// Offsets of a list whose elements carry per-partition errors: the first error wins.
    static func offsets(_ list: Pointer) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        var result: [KafkaTopicPartition: Int64] = [:]
        for element in elements(list) {
            let topicPartition = KafkaTopicPartition(
                topic: String(cString: element.topic),
                partition: element.partition
            )
            if element.err.isError {
                throw KafkaError.rdKafka(
                    element.err,
                    message: "\(topicPartition): \(String(cString: rd_kafka_err2str(element.err)))"
                )
            }
            result[topicPartition] = element.offset
        }
        return result
    }

    /// Throws the first per-partition error of `list`.
    static func checkErrors(_ list: Pointer) throws(KafkaError) {
        _ = try offsets(list)
    }

    /// `rd_kafka_assignment`, or empty when it fails.
    static func assignment(of rk: OpaquePointer) -> [KafkaTopicPartition] {
        var list: Pointer?
        guard !rd_kafka_assignment(rk, &list).isError, let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return topicPartitions(list)
    }
}
