import CRdKafka

/// Consumer calls. Non-blocking unless marked "Blocking"; blocking ones are called from the poll thread or
/// through ``BlockingExecutor``.
extension RDKafkaClient {
    func subscribe(topics: [String]) throws(KafkaError) {
        try RDKafkaTopicPartitionList.with(
            topics.map {
                (KafkaTopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA), Int64(RD_KAFKA_OFFSET_INVALID))
            }
        ) { list throws(KafkaError) in
            let result = rd_kafka_subscribe(handle, list)
            if result.isError { throw KafkaError.rdKafka(result) }
        }
    }

    /// `rd_kafka_assign`: a static assignment without group, each partition starting at its offset.
    func assign(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        try RDKafkaTopicPartitionList.with(offsets.map { ($0.key, $0.value) }) { list throws(KafkaError) in
            let result = rd_kafka_assign(handle, list)
            if result.isError { throw KafkaError.rdKafka(result) }
        }
    }

    func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        var list: RDKafkaTopicPartitionList.Pointer?
        let result = rd_kafka_assignment(handle, &list)
        if result.isError { throw KafkaError.rdKafka(result) }
        defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
        return RDKafkaTopicPartitionList.topicPartitions(list)
    }

    /// `rd_kafka_offsets_store`: `offsets` are the next offsets to consume (last processed + 1).
    func storeOffsets(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        try RDKafkaTopicPartitionList.with(offsets.map { ($0.key, $0.value) }) { list throws(KafkaError) in
            let result = rd_kafka_offsets_store(handle, list)
            try RDKafkaTopicPartitionList.checkErrors(list)
            if result.isError { throw KafkaError.rdKafka(result) }
        }
    }

    /// `rd_kafka_commit`, synchronous: `offsets`, or every stored offset when `nil`. Blocking.
    func commitSync(_ offsets: [KafkaTopicPartition: Int64]?) throws(KafkaError) {
        guard let offsets else {
            let result = rd_kafka_commit(handle, nil, 0)
            // Nothing stored since the last commit is not a failure for the caller.
            if result.isError && result != RD_KAFKA_RESP_ERR__NO_OFFSET { throw KafkaError.rdKafka(result) }
            return
        }
        guard !offsets.isEmpty else { return }
        try RDKafkaTopicPartitionList.with(offsets.map { ($0.key, $0.value) }) { list throws(KafkaError) in
            let result = rd_kafka_commit(handle, list, 0)
            if result.isError { throw KafkaError.rdKafka(result) }
            try RDKafkaTopicPartitionList.checkErrors(list)
        }
    }

    /// `rd_kafka_committed`: the group's committed offsets; -1001 (`RD_KAFKA_OFFSET_INVALID`) where there is none.
    /// Blocking.
    func committed(_ topicPartitions: [KafkaTopicPartition], timeout: Duration) throws(KafkaError)
        -> [KafkaTopicPartition: Int64]
    {
        try RDKafkaTopicPartitionList.with(topicPartitions) { list throws(KafkaError) in
            let result = rd_kafka_committed(handle, list, timeout.timeoutMilliseconds)
            if result.isError { throw KafkaError.rdKafka(result) }
            return try RDKafkaTopicPartitionList.offsets(list)
        }
    }

    /// `rd_kafka_position`: the next offset the application will get; -1001 when unknown.
    func positions(_ topicPartitions: [KafkaTopicPartition]) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        try RDKafkaTopicPartitionList.with(topicPartitions) { list throws(KafkaError) in
            let result = rd_kafka_position(handle, list)
            if result.isError { throw KafkaError.rdKafka(result) }
            return try RDKafkaTopicPartitionList.offsets(list)
        }
    }

    func pause(_ topicPartitions: some Collection<KafkaTopicPartition>) -> KafkaError? {
        flowControl(topicPartitions, rd_kafka_pause_partitions)
    }

    func resume(_ topicPartitions: some Collection<KafkaTopicPartition>) -> KafkaError? {
        flowControl(topicPartitions, rd_kafka_resume_partitions)
    }

    /// `rd_kafka_pause_partitions` or `rd_kafka_resume_partitions` on `topicPartitions`: the call's error, else the
    /// first partition's error, else `nil`.
    private func flowControl(
        _ topicPartitions: some Collection<KafkaTopicPartition>,
        _ call: (OpaquePointer?, RDKafkaTopicPartitionList.Pointer?) -> rd_kafka_resp_err_t
    ) -> KafkaError? {
        guard !topicPartitions.isEmpty else { return nil }
        do {
            try RDKafkaTopicPartitionList.with(Array(topicPartitions)) { list throws(KafkaError) in
                let result = call(handle, list)
                if result.isError { throw KafkaError.rdKafka(result) }
                try RDKafkaTopicPartitionList.checkErrors(list)
            }
            return nil
        } catch {
            return error
        }
    }

    /// `rd_kafka_seek_partitions`, waiting up to `timeout` for the seek to take effect. Blocking.
    func seek(_ offsets: [KafkaTopicPartition: Int64], timeout: Duration) throws(KafkaError) {
        try RDKafkaTopicPartitionList.with(offsets.map { ($0.key, $0.value) }) { list throws(KafkaError) in
            if let error = rd_kafka_seek_partitions(handle, list, timeout.timeoutMilliseconds) {
                throw KafkaError.consuming(error)
            }
            try RDKafkaTopicPartitionList.checkErrors(list)
        }
    }

    /// Number of partitions of `topic`, from a metadata request. Blocking.
    func partitionCount(topic: String, timeout: Duration) throws(KafkaError) -> Int {
        let metadata = try metadata(topic: topic, timeout: timeout)
        guard let entry = metadata.topic(topic) else {
            throw KafkaError.rdKafka(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, message: "topic \(topic) not in metadata")
        }
        if let error = entry.error { throw error }
        guard !entry.partitions.isEmpty else {
            throw KafkaError.rdKafka(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, message: "topic \(topic) has no partitions")
        }
        return entry.partitions.count
    }

    /// `rd_kafka_consumer_close`: leaves the group, serving the final revocation through the rebalance callback
    /// on the calling thread. Blocking; called by the poll thread.
    func consumerClose() -> KafkaError? {
        let result = rd_kafka_consumer_close(handle)
        return result.isError ? KafkaError.rdKafka(result) : nil
    }

    /// Wakes a poll thread blocked in `rd_kafka_consume_batch_queue`.
    func wakeConsumerQueue() {
        if let consumerQueue { rd_kafka_queue_yield(consumerQueue) }
    }

    /// The `rd_kafka_memberid` of the group member, if joined.
    func memberID() -> String? {
        guard let id = rd_kafka_memberid(handle) else { return nil }
        defer { rd_kafka_mem_free(handle, id) }
        return String(cString: id)
    }
}
