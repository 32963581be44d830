import CRdKafka

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Takes messages from the consumer in batches and converts them to ``KafkaMessage``.
///
/// Owned by the consumer's poll thread alone (not `Sendable`): its buffers are reused without locks.
final class RDKafkaMessageReader {
    struct Batch {
        var messages: [KafkaMessage] = []
        /// Errors delivered in place of messages (e.g. `_TRANSPORT`, `_AUTO_OFFSET_RESET`).
        var errors: [KafkaError] = []
    }

    private let client: RDKafkaClient
    private let capacity: Int
    /// Interned topic names: every message of a topic shares one `String`. Keyed by the `rd_kafka_topic_t`
    /// pointer and verified against librdkafka's name, so a recycled pointer cannot yield a stale name.
    private var topicNames: [OpaquePointer: (name: String, cName: [CChar])] = [:]
    private var lastTopic: OpaquePointer?
    private var lastTopicName: (name: String, cName: [CChar]) = ("", [0])

    init(client: RDKafkaClient, capacity: Int) {
        precondition(client.consumerQueue != nil, "RDKafkaMessageReader needs a consumer")
        self.client = client
        self.capacity = max(1, capacity)
    }

    /// Takes up to `capacity` messages: waits up to `timeoutMilliseconds` for the first, then takes what is
    /// already queued. Rebalance, error and statistics callbacks are served meanwhile, on this thread.
    ///
    /// This is a tight `rd_kafka_consumer_poll` loop rather than `rd_kafka_consume_batch_queue`: in librdkafka
    /// 2.0.2 the batch API can skip offsets around pause/resume (fixed in 2.1.0, librdkafka PR #4208), and this
    /// consumer pauses partitions for back-pressure.
    func read(timeoutMilliseconds: Int32) -> Batch {
        var batch = Batch()
        var timeout = timeoutMilliseconds
        while batch.messages.count < capacity, let message = rd_kafka_consumer_poll(client.handle, timeout) {
            timeout = 0
            defer { rd_kafka_message_destroy(message) }
            if message.pointee.err.isError {
                let text = String(cString: rd_kafka_message_errstr(message))
                batch.errors.append(.rdKafka(message.pointee.err, message: text))
                continue
            }
            batch.messages.append(convert(message))
        }
        return batch
    }

    private func topicName(_ topic: OpaquePointer?) -> String {
        guard let topic else { return "" }
        let cName = rd_kafka_topic_name(topic)!
        // Consecutive messages are mostly of the same topic: skip the dictionary then.
        if topic == lastTopic, strcmp(lastTopicName.cName, cName) == 0 {
            return lastTopicName.name
        }
        let entry: (name: String, cName: [CChar])
        if let cached = topicNames[topic], strcmp(cached.cName, cName) == 0 {
            entry = cached
        } else {
            entry = (String(cString: cName), Array(UnsafeBufferPointer(start: cName, count: strlen(cName) + 1)))
            topicNames[topic] = entry
        }
        lastTopic = topic
        lastTopicName = entry
        return entry.name
    }

    private func convert(_ pointer: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaMessage {
        let message = pointer.pointee
        let value: [UInt8] =
            if let payload = message.payload, message.len > 0 {
                Array(UnsafeRawBufferPointer(start: payload, count: message.len))
            } else {
                []
            }
        let key: [UInt8]? = message.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.key_len)) }

        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(pointer, &timestampType)
        let timestamp: KafkaTimestamp? =
            switch timestampType {
            case RD_KAFKA_TIMESTAMP_CREATE_TIME: KafkaTimestamp(milliseconds: milliseconds, kind: .createTime)
            case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: KafkaTimestamp(milliseconds: milliseconds, kind: .logAppendTime)
            default: nil
            }

        var headers: [KafkaHeader] = []
        var headerList: OpaquePointer?
        if rd_kafka_message_headers(pointer, &headerList) == RD_KAFKA_RESP_ERR_NO_ERROR, let headerList {
            let count = rd_kafka_header_cnt(headerList)
            headers.reserveCapacity(count)
            for index in 0..<count {
                var name: UnsafePointer<CChar>?
                var headerValue: UnsafeRawPointer?
                var size = 0
                guard
                    rd_kafka_header_get_all(headerList, index, &name, &headerValue, &size)
                        == RD_KAFKA_RESP_ERR_NO_ERROR,
                    let name
                else { continue }
                headers.append(
                    KafkaHeader(
                        key: String(cString: name),
                        value: headerValue.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
                    )
                )
            }
        }

        var converted = KafkaMessage(
            topic: topicName(message.rkt),
            partition: message.partition,
            offset: message.offset,
            key: key,
            value: value,
            timestamp: timestamp,
            headers: headers
        )
        converted.isTombstone = message.payload == nil
        return converted
    }
}
