import CRdKafka

/// Producer calls.
extension RDKafkaClient {
    /// `rd_kafka_produceva`: enqueues a copy of `message`; `id` comes back in the delivery report.
    ///
    /// `rd_kafka_produceva` returns an `rd_kafka_error_t` instead of setting thread-local error state, so
    /// concurrent senders cannot see each other's errors (`rd_kafka_last_error` is never used).
    /// - Throws: ``KafkaError`` with ``KafkaError/Code/queueFull`` when `queue.buffering.max.messages` is reached.
    func produce(_ message: KafkaProducerMessage, id: KafkaProducerMessageID) throws(KafkaError) {
        // Headers go in as an rd_kafka_headers_t, which librdkafka owns once produceva succeeds.
        var headers: OpaquePointer?
        if !message.headers.isEmpty {
            let list = rd_kafka_headers_new(message.headers.count)!
            for header in message.headers {
                if let value = header.value {
                    value.withUnsafeBytes { bytes in
                        _ = rd_kafka_header_add(list, header.key, -1, bytes.baseAddress, bytes.count)
                    }
                } else {
                    _ = rd_kafka_header_add(list, header.key, -1, nil, 0)
                }
            }
            headers = list
        }

        let error: OpaquePointer? = message.topic.withCString { topic in
            message.value.withUnsafeBytes { value in
                withOptionalBytes(message.key) { key in
                    var values = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 8)
                    var count = 0
                    func append(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
                        values[count].vtype = type
                        fill(&values[count])
                        count += 1
                    }
                    append(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topic }
                    append(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = message.partition ?? RD_KAFKA_PARTITION_UA }
                    append(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                    append(RD_KAFKA_VTYPE_VALUE) {
                        // A null pointer is a null value (a tombstone); an empty array's base address is not null.
                        $0.u.mem.ptr = message.isTombstone ? nil : UnsafeMutableRawPointer(mutating: value.baseAddress)
                        $0.u.mem.size = message.isTombstone ? 0 : value.count
                    }
                    if let key {
                        append(RD_KAFKA_VTYPE_KEY) {
                            $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                            $0.u.mem.size = key.count
                        }
                    }
                    if let headers {
                        append(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headers }
                    }
                    if let timestamp = message.timestampMilliseconds {
                        append(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = timestamp }
                    }
                    append(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(id.rawValue)) }
                    return values.withUnsafeBufferPointer { buffer in
                        rd_kafka_produceva(handle, buffer.baseAddress, count)
                    }
                }
            }
        }
        if let error {
            if let headers { rd_kafka_headers_destroy(headers) }
            throw KafkaError.consuming(error)
        }
    }

    /// `rd_kafka_poll`: serves delivery reports, errors and statistics. Returns the number of events served.
    func poll(timeoutMilliseconds: Int32) -> Int32 {
        rd_kafka_poll(handle, timeoutMilliseconds)
    }

    /// `rd_kafka_outq_len`: messages queued, in flight, or awaiting their delivery report.
    var outQueueLength: Int {
        Int(rd_kafka_outq_len(handle))
    }

    /// `rd_kafka_flush`: polls until every message got its delivery report. Blocking; called by the poll thread.
    func flush(timeout: Duration) -> KafkaError? {
        let result = rd_kafka_flush(handle, timeout.timeoutMilliseconds)
        return result.isError
            ? KafkaError.rdKafka(result, message: "flush: \(outQueueLength) messages still queued") : nil
    }
}

private func withOptionalBytes<Result>(
    _ bytes: [UInt8]?,
    _ body: (UnsafeRawBufferPointer?) -> Result
) -> Result {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
