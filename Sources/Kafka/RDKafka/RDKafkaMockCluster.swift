import CRdKafka
import Logging
import Synchronization

/// Owns an `rd_kafka_mock_cluster_t` and the `rd_kafka_t` it is attached to.
///
/// `@unchecked Sendable`: the mock cluster's API is thread-safe (every call is posted to the cluster's own
/// thread and waited for), and the pointers are guarded by `isDestroyed` so no call happens after teardown.
///
/// Teardown order: `rd_kafka_mock_cluster_destroy` first (closes listeners and client connections, joins the
/// cluster thread), then `rd_kafka_destroy` of the owning handle (owned by ``RDKafkaClient``), then the callback
/// context.
final class RDKafkaMockCluster: @unchecked Sendable {
    private let owner: RDKafkaClient
    private let cluster: OpaquePointer
    private let isDestroyed = Mutex(false)
    let bootstrapServers: String

    init(brokers: Int, logger: Logger) throws(KafkaError) {
        // Mock broker logs (and the owner's own) go to the given logger.
        owner = try RDKafkaClient.make(
            kind: .mock,
            properties: [("client.id", "warmstart-development-broker")],
            context: RDKafkaCallbackContext(logger: logger)
        )
        guard let cluster = rd_kafka_mock_cluster_new(owner.handle, Int32(clamping: brokers)) else {
            throw KafkaError.rdKafka(RD_KAFKA_RESP_ERR__FAIL, message: "rd_kafka_mock_cluster_new failed")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        destroy()
    }

    func destroy() {
        let wasDestroyed = isDestroyed.withLock { destroyed in
            defer { destroyed = true }
            return destroyed
        }
        if !wasDestroyed {
            rd_kafka_mock_cluster_destroy(cluster)
        }
    }

    private func withCluster<Result>(_ body: (OpaquePointer) throws(KafkaError) -> Result) throws(KafkaError) -> Result
    {
        // Held for the call so that `destroy` cannot run concurrently.
        try isDestroyed.withLock { destroyed throws(KafkaError) in
            if destroyed { throw KafkaError.shutDown("the development broker is shut down") }
            return try body(cluster)
        }
    }

    private func check(_ result: rd_kafka_resp_err_t, _ what: @autoclosure () -> String) throws(KafkaError) {
        if result.isError {
            throw KafkaError.rdKafka(result, message: "\(what()): \(String(cString: rd_kafka_err2str(result)))")
        }
    }

    func createTopic(_ name: String, partitions: Int, replicationFactor: Int) throws(KafkaError) {
        try withCluster { cluster throws(KafkaError) in
            try check(
                rd_kafka_mock_topic_create(
                    cluster,
                    name,
                    Int32(clamping: partitions),
                    Int32(clamping: replicationFactor)
                ),
                "create topic \(name)"
            )
        }
    }

    func setBroker(_ id: Int32, up: Bool) throws(KafkaError) {
        try withCluster { cluster throws(KafkaError) in
            try check(
                up ? rd_kafka_mock_broker_set_up(cluster, id) : rd_kafka_mock_broker_set_down(cluster, id),
                "broker \(id)"
            )
        }
    }

    func setRoundTripTime(milliseconds: Int32, broker: Int32) throws(KafkaError) {
        try withCluster { cluster throws(KafkaError) in
            try check(rd_kafka_mock_broker_set_rtt(cluster, broker, milliseconds), "broker \(broker) rtt")
        }
    }

    func pushRequestErrors(apiKey: Int16, errors: [Int32]) throws(KafkaError) {
        try withCluster { cluster in
            let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
            codes.withUnsafeBufferPointer { buffer in
                rd_kafka_mock_push_request_errors_array(cluster, apiKey, buffer.count, buffer.baseAddress)
            }
        }
    }

    func pushBrokerRequestErrors(broker: Int32, apiKey: Int16, errors: [(Int32, Int32)]) throws(KafkaError) {
        try withCluster { cluster throws(KafkaError) in
            for (code, rtt) in errors {
                try check(
                    warmstart_mock_broker_push_request_error_rtt(
                        cluster,
                        broker,
                        apiKey,
                        rd_kafka_resp_err_t(rawValue: code),
                        rtt
                    ),
                    "broker \(broker) request errors"
                )
            }
        }
    }

    func clearRequestErrors(apiKey: Int16) throws(KafkaError) {
        try withCluster { cluster in
            rd_kafka_mock_clear_request_errors(cluster, apiKey)
        }
    }

    func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws(KafkaError) {
        try withCluster { cluster throws(KafkaError) in
            try check(
                rd_kafka_mock_partition_set_leader(cluster, topic, partition, broker),
                "leader of \(topic)[\(partition)]"
            )
        }
    }

    func setCoordinator(keyType: String, key: String, broker: Int32) throws(KafkaError) {
        try withCluster { cluster throws(KafkaError) in
            try check(rd_kafka_mock_coordinator_set(cluster, keyType, key, broker), "\(keyType) coordinator of \(key)")
        }
    }
}
