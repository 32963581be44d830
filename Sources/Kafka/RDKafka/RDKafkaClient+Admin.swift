import CRdKafka

/// Admin API calls.
extension RDKafkaClient {
    /// `rd_kafka_CreateTopics` for one topic, waiting for the result. Blocking.
    func createTopic(
        name: String,
        partitions: Int,
        replicationFactor: Int,
        configs: [String: String],
        timeout: Duration
    ) throws(KafkaError) {
        let (newTopic, message) = withErrorStringBuffer { buffer, size in
            rd_kafka_NewTopic_new(name, Int32(clamping: partitions), Int32(clamping: replicationFactor), buffer, size)
        }
        guard let newTopic else { throw KafkaError.rdKafka(RD_KAFKA_RESP_ERR__INVALID_ARG, message: message) }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        for key in configs.keys.sorted() {
            let result = rd_kafka_NewTopic_set_config(newTopic, key, configs[key]!)
            if result.isError { throw KafkaError.rdKafka(result, message: "topic config \(key)") }
        }

        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)!
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = withErrorStringBuffer { buffer, size in
            rd_kafka_AdminOptions_set_request_timeout(options, timeout.timeoutMilliseconds, buffer, size)
        }
        _ = withErrorStringBuffer { buffer, size in
            rd_kafka_AdminOptions_set_operation_timeout(options, timeout.timeoutMilliseconds, buffer, size)
        }

        let queue = rd_kafka_queue_new(handle)!
        defer { rd_kafka_queue_destroy(queue) }
        var newTopics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(handle, &newTopics, 1, options, queue)

        // The request times out on its own after `timeout`; wait a little longer for its result event.
        guard let event = rd_kafka_queue_poll(queue, timeout.timeoutMilliseconds &+ 5_000) else {
            throw KafkaError.rdKafka(RD_KAFKA_RESP_ERR__TIMED_OUT, message: "CreateTopics \(name): no result")
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        if eventError.isError {
            throw KafkaError.rdKafka(eventError, message: String(cString: rd_kafka_event_error_string(event)))
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError.rdKafka(RD_KAFKA_RESP_ERR__FAIL, message: "CreateTopics \(name): unexpected event")
        }
        var count = 0
        guard let topics = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
        for index in 0..<count {
            guard let topicResult = topics[index] else { continue }
            let error = rd_kafka_topic_result_error(topicResult)
            if error.isError {
                let text = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) }
                throw KafkaError.rdKafka(
                    error,
                    message: "CreateTopics \(name): \(text ?? String(cString: rd_kafka_err2str(error)))"
                )
            }
        }
    }
}
