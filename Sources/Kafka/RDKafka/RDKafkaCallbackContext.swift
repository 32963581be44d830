import CRdKafka
import Logging
import Synchronization

/// What librdkafka's rebalance callback reports to the consumer.
enum RDKafkaRebalanceKind: String, Sendable {
    case assigned
    case revoked
    case lost
}

/// The Swift side of librdkafka's callbacks (log, statistics, error, delivery report, rebalance).
///
/// It is handed to librdkafka as the `opaque` pointer with `Unmanaged.passUnretained`, so it must outlive the
/// `rd_kafka_t`: ``RDKafkaClient`` keeps it in a stored property and its `deinit` captures it in the closure that
/// runs `rd_kafka_destroy`, so it is released only after `rd_kafka_destroy` returned (after which librdkafka
/// calls nothing anymore).
final class RDKafkaCallbackContext: Sendable {
    let logger: Logger
    let statisticsHandler: (@Sendable (String) -> Void)?
    /// Called on the producer's poll thread, once per message.
    let deliveryReportHandler: (@Sendable (KafkaDeliveryReport) -> Void)?
    /// Called on the consumer's poll thread from inside librdkafka's rebalance callback. For `assigned`, after the
    /// partitions were added to the assignment; for `revoked`/`lost`, before they are removed.
    /// Returns, for an assignment, the offsets to start partitions at (others start at the committed offset).
    let rebalanceHandler = Mutex<
        (@Sendable (RDKafkaRebalanceKind, [KafkaTopicPartition]) -> [KafkaTopicPartition: Int64])?
    >(nil)
    /// The first fatal error librdkafka raised (`rd_kafka_fatal_error`), if any.
    let fatalError = Mutex<KafkaError?>(nil)

    init(
        logger: Logger,
        statisticsHandler: (@Sendable (String) -> Void)? = nil,
        deliveryReportHandler: (@Sendable (KafkaDeliveryReport) -> Void)? = nil
    ) {
        self.logger = logger
        self.statisticsHandler = statisticsHandler
        self.deliveryReportHandler = deliveryReportHandler
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaCallbackContext? {
        guard let opaque else { return nil }
        return Unmanaged<RDKafkaCallbackContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}

// MARK: - Callback trampolines

/// C function pointers cannot capture, so each trampoline finds its ``RDKafkaCallbackContext`` through the opaque
/// pointer (`rd_kafka_opaque(rk)` for the log callback).
enum RDKafkaCallbacks {
    static func install(on conf: OpaquePointer, context: RDKafkaCallbackContext, kind: RDKafkaClient.Kind) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())

        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, buffer in
            guard let rk, let context = RDKafkaCallbackContext.from(rd_kafka_opaque(rk)) else { return }
            let message = buffer.map { String(cString: $0) } ?? ""
            context.logger.log(
                level: RDKafkaCallbacks.logLevel(syslogLevel: level),
                "\(message)",
                metadata: [
                    KafkaLoggingKeys.client: .string(String(cString: rd_kafka_name(rk))),
                    KafkaLoggingKeys.facility: .string(facility.map { String(cString: $0) } ?? ""),
                    KafkaLoggingKeys.syslogLevel: .stringConvertible(level),
                ]
            )
        }

        rd_kafka_conf_set_error_cb(conf) { rk, err, reason, opaque in
            guard let rk, let context = RDKafkaCallbackContext.from(opaque) else { return }
            var error = KafkaError.rdKafka(
                rd_kafka_resp_err_t(rawValue: err),
                message: reason.map { String(cString: $0) }
            )
            if rd_kafka_resp_err_t(rawValue: err) == RD_KAFKA_RESP_ERR__FATAL {
                let (underlying, message) = withErrorStringBuffer { buffer, size in
                    rd_kafka_fatal_error(rk, buffer, size)
                }
                error = KafkaError.rdKafka(underlying, message: message)
                error.isFatal = true
                error.isRetriable = false
                context.fatalError.withLock { stored in
                    if stored == nil { stored = error }
                }
            }
            context.logger.log(
                level: error.isFatal ? .critical : (error.isRetriable ? .warning : .error),
                "librdkafka error: \(error.message)",
                metadata: [
                    KafkaLoggingKeys.client: .string(String(cString: rd_kafka_name(rk))),
                    KafkaLoggingKeys.errorCode: .stringConvertible(error.code.rawValue),
                    KafkaLoggingKeys.errorName: .string(error.code.name),
                ]
            )
        }

        rd_kafka_conf_set_stats_cb(conf) { rk, json, length, opaque in
            guard let json, let context = RDKafkaCallbackContext.from(opaque) else { return 0 }
            let text = String(
                decoding: UnsafeRawBufferPointer(start: json, count: length),
                as: UTF8.self
            )
            context.logger.trace(
                "librdkafka statistics",
                metadata: [
                    KafkaLoggingKeys.client: .string(rk.map { String(cString: rd_kafka_name($0)) } ?? ""),
                    KafkaLoggingKeys.statistics: .string(text),
                ]
            )
            context.statisticsHandler?(text)
            return 0  // librdkafka frees the JSON buffer
        }

        switch kind {
        case .producer:
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
                guard let message, let context = RDKafkaCallbackContext.from(opaque),
                    let handler = context.deliveryReportHandler
                else { return }
                handler(RDKafkaCallbacks.deliveryReport(message.pointee))
            }
        case .consumer:
            rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
                guard let rk, let context = RDKafkaCallbackContext.from(opaque) else { return }
                RDKafkaCallbacks.rebalance(rk: rk, err: err, partitions: partitions, context: context)
            }
        case .admin, .mock:
            break
        }
    }

    static func logLevel(syslogLevel: Int32) -> Logger.Level {
        switch syslogLevel {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }

    static func deliveryReport(_ message: rd_kafka_message_t) -> KafkaDeliveryReport {
        let id = KafkaProducerMessageID(rawValue: UInt64(UInt(bitPattern: message._private)))
        let topic = message.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        if message.err.isError {
            // Not rd_kafka_message_errstr: for a delivery report the payload is the message, not an error text.
            return KafkaDeliveryReport(id: id, topic: topic, status: .failed(.rdKafka(message.err)))
        }
        return KafkaDeliveryReport(
            id: id,
            topic: topic,
            status: .acknowledged(partition: message.partition, offset: message.offset)
        )
    }

    /// Runs on the thread that polls the consumer queue (the consumer's poll thread, or the one in
    /// `rd_kafka_consumer_close`).
    static func rebalance(
        rk: OpaquePointer,
        err: rd_kafka_resp_err_t,
        partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        context: RDKafkaCallbackContext
    ) {
        let topicPartitions = RDKafkaTopicPartitionList.topicPartitions(partitions)
        let rebalanceProtocol = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } ?? "NONE"
        let cooperative = rebalanceProtocol == "COOPERATIVE"
        let handler = context.rebalanceHandler.withLock { $0 }
        var logger = context.logger
        logger[metadataKey: KafkaLoggingKeys.rebalanceProtocol] = .string(rebalanceProtocol)
        logger[metadataKey: KafkaLoggingKeys.partitions] = .string(
            topicPartitions.map(\.description).joined(separator: ",")
        )

        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            // The handler runs first: it may choose where partitions start, written into the list assigned below.
            let starts = handler?(.assigned, topicPartitions) ?? [:]
            if let partitions {
                for (topicPartition, offset) in starts {
                    if let element = rd_kafka_topic_partition_list_find(
                        partitions, topicPartition.topic, topicPartition.partition)
                    {
                        element.pointee.offset = offset
                    }
                }
            }
            if cooperative {
                if let error = rd_kafka_incremental_assign(rk, partitions) {
                    logger.error("incremental assign failed: \(KafkaError.consuming(error))")
                }
            } else {
                let result = rd_kafka_assign(rk, partitions)
                if result.isError { logger.error("assign failed: \(KafkaError.rdKafka(result))") }
            }
            logger.debug("partitions assigned")
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            logger.debug("partitions \(lost ? "lost" : "revoked")")
            _ = handler?(lost ? .lost : .revoked, topicPartitions)
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, partitions) {
                    logger.error("incremental unassign failed: \(KafkaError.consuming(error))")
                }
            } else {
                let result = rd_kafka_assign(rk, nil)
                if result.isError { logger.error("unassign failed: \(KafkaError.rdKafka(result))") }
            }
        default:
            logger.error("rebalance failed: \(KafkaError.rdKafka(err))")
            _ = handler?(.lost, RDKafkaTopicPartitionList.assignment(of: rk))
            _ = rd_kafka_assign(rk, nil)
        }
    }
}
