import CRdKafka
import Logging

/// Owns one `rd_kafka_t` and makes every librdkafka call of the module's clients.
///
/// `@unchecked Sendable` is safe because the handle pointer is immutable and every librdkafka function called on
/// it here is documented thread-safe; calls that must stay on one thread (consuming, serving callbacks) are only
/// made by that client's poll thread. The handle is destroyed exactly once, in `deinit`, when no Swift code can
/// reach it anymore; `rd_kafka_destroy` blocks (it joins librdkafka's threads), so it runs on
/// ``BlockingExecutor`` and never on the cooperative pool.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind: Sendable {
        case producer
        case consumer
        case admin
        case mock
    }

    let kind: Kind
    /// `rd_kafka_t *`.
    let handle: OpaquePointer
    /// `rd_kafka_queue_t *` of the consumer (`rd_kafka_queue_get_consumer`); `nil` for other kinds.
    let consumerQueue: OpaquePointer?
    let context: RDKafkaCallbackContext
    /// `rd_kafka_name`, e.g. `warmstart#consumer-1`.
    let name: String

    private init(kind: Kind, handle: OpaquePointer, context: RDKafkaCallbackContext) {
        self.kind = kind
        self.handle = handle
        self.context = context
        self.name = String(cString: rd_kafka_name(handle))
        if kind == .consumer {
            // Forward the main queue (errors, statistics) to the consumer queue so the poll thread serves all
            // callbacks with one `rd_kafka_consume_batch_queue` call.
            rd_kafka_poll_set_consumer(handle)
            self.consumerQueue = rd_kafka_queue_get_consumer(handle)
        } else {
            self.consumerQueue = nil
        }
    }

    /// Creates the client, validating every property with `rd_kafka_conf_set`.
    ///
    /// - Throws: ``KafkaError`` with ``KafkaError/Code/unknownConfigurationProperty`` or
    ///   ``KafkaError/Code/invalidConfigurationValue`` and librdkafka's message naming the property.
    static func make(
        kind: Kind,
        properties: [(String, String)],
        context: RDKafkaCallbackContext
    ) throws(KafkaError) -> RDKafkaClient {
        let conf = rd_kafka_conf_new()!
        for (key, value) in properties {
            let (result, message) = withErrorStringBuffer { buffer, size in
                rd_kafka_conf_set(conf, key, value, buffer, size)
            }
            switch result {
            case RD_KAFKA_CONF_OK:
                continue
            case RD_KAFKA_CONF_UNKNOWN:
                rd_kafka_conf_destroy(conf)
                throw KafkaError(
                    code: .unknownConfigurationProperty,
                    message: message,
                    isFatal: false,
                    isRetriable: false
                )
            default:
                rd_kafka_conf_destroy(conf)
                // librdkafka names the canonical property, which for an alias (linger.ms) is not the key the
                // caller wrote; the value is not echoed, it may be a secret.
                throw KafkaError(
                    code: .invalidConfigurationValue,
                    message: "\(message) (setting \"\(key)\")",
                    isFatal: false,
                    isRetriable: false
                )
            }
        }
        RDKafkaCallbacks.install(on: conf, context: context, kind: kind)
        let type = kind == .consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER
        let (handle, message) = withErrorStringBuffer { buffer, size in
            rd_kafka_new(type, conf, buffer, size)
        }
        guard let handle else {
            rd_kafka_conf_destroy(conf)  // rd_kafka_new takes ownership only on success
            throw KafkaError(code: .invalidConfigurationValue, message: message, isFatal: false, isRetriable: false)
        }
        return RDKafkaClient(kind: kind, handle: handle, context: context)
    }

    deinit {
        // Nothing else references the handle anymore: it is safe to hand it to another thread.
        let handle = SendableOpaquePointer(handle)
        let consumerQueue = consumerQueue.map(SendableOpaquePointer.init)
        let context = context
        BlockingExecutor.runDetached {
            if let consumerQueue { rd_kafka_queue_destroy(consumerQueue.pointer) }
            rd_kafka_destroy(handle.pointer)
            // The callback context is released only now: librdkafka may call back until rd_kafka_destroy returns.
            withExtendedLifetime(context) {}
        }
    }

    /// The fatal error librdkafka raised, if any.
    var fatalError: KafkaError? { context.fatalError.withLock { $0 } }

    // MARK: - Metadata (blocking)

    /// `rd_kafka_metadata`: brokers, and all topics or just `topic`. Blocking.
    func metadata(topic: String?, timeout: Duration) throws(KafkaError) -> KafkaClusterMetadata {
        var topicHandle: OpaquePointer?
        if let topic {
            topicHandle = rd_kafka_topic_new(handle, topic, nil)
        }
        defer { if let topicHandle { rd_kafka_topic_destroy(topicHandle) } }
        var metadataPointer: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(
            handle,
            topic == nil ? 1 : 0,
            topicHandle,
            &metadataPointer,
            timeout.timeoutMilliseconds
        )
        guard !result.isError, let metadataPointer else { throw KafkaError.rdKafka(result) }
        defer { rd_kafka_metadata_destroy(metadataPointer) }
        let metadata = metadataPointer.pointee

        let brokers = UnsafeBufferPointer(start: metadata.brokers, count: Int(metadata.broker_cnt)).map {
            KafkaClusterMetadata.Broker(id: $0.id, host: String(cString: $0.host), port: Int($0.port))
        }
        let topics = UnsafeBufferPointer(start: metadata.topics, count: Int(metadata.topic_cnt)).map { topic in
            KafkaClusterMetadata.Topic(
                name: String(cString: topic.topic),
                error: topic.err.isError ? KafkaError.rdKafka(topic.err) : nil,
                partitions: UnsafeBufferPointer(start: topic.partitions, count: Int(topic.partition_cnt)).map {
                    KafkaClusterMetadata.Partition(
                        id: $0.id,
                        leader: $0.leader,
                        replicas: Array(UnsafeBufferPointer(start: $0.replicas, count: Int($0.replica_cnt))),
                        inSyncReplicas: Array(UnsafeBufferPointer(start: $0.isrs, count: Int($0.isr_cnt))),
                        error: $0.err.isError ? KafkaError.rdKafka($0.err) : nil
                    )
                }.sorted { $0.id < $1.id }
            )
        }
        return KafkaClusterMetadata(
            brokers: brokers.sorted { $0.id < $1.id },
            topics: topics.sorted { $0.name < $1.name },
            originatingBrokerID: metadata.orig_broker_id,
            originatingBrokerName: String(cString: metadata.orig_broker_name)
        )
    }

    /// `rd_kafka_query_watermark_offsets`: asks the partition leader. Blocking.
    func queryWatermarks(_ topicPartition: KafkaTopicPartition, timeout: Duration) throws(KafkaError) -> KafkaWatermarks
    {
        var low: Int64 = 0
        var high: Int64 = 0
        let result = rd_kafka_query_watermark_offsets(
            handle,
            topicPartition.topic,
            topicPartition.partition,
            &low,
            &high,
            timeout.timeoutMilliseconds
        )
        if result.isError {
            throw KafkaError.rdKafka(result, message: "\(topicPartition): \(String(cString: rd_kafka_err2str(result)))")
        }
        return KafkaWatermarks(low: low, high: high)
    }
}
