import CRdKafka

/// `rd_kafka_err2name` for ``KafkaError/Code/name``.
enum RDKafkaErrorNames {
    static func name(of rawValue: Int32) -> String {
        String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: rawValue)))
    }
}

extension KafkaError {
    /// An error from a bare `rd_kafka_resp_err_t`: classification from the code (see
    /// ``KafkaError/Code/isRetriableByDefault``), message from `rd_kafka_err2str` unless given.
    static func rdKafka(
        _ err: rd_kafka_resp_err_t,
        message: String? = nil,
        file: String = #fileID,
        line: UInt = #line
    ) -> KafkaError {
        KafkaError(
            code: .rdKafka(err.rawValue),
            message: message ?? String(cString: rd_kafka_err2str(err)),
            file: file,
            line: line
        )
    }

    /// An error from an `rd_kafka_error_t`, classified by `rd_kafka_error_is_fatal` / `_is_retriable`.
    /// Destroys `error`.
    static func consuming(_ error: OpaquePointer, file: String = #fileID, line: UInt = #line) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        return KafkaError(
            code: .rdKafka(rd_kafka_error_code(error).rawValue),
            message: String(cString: rd_kafka_error_string(error)),
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            file: file,
            line: line
        )
    }

    static func shutDown(_ message: String = "the client is shut down", file: String = #fileID, line: UInt = #line)
        -> KafkaError
    {
        KafkaError(code: .shutDown, message: message, isFatal: false, isRetriable: false, file: file, line: line)
    }
}

extension rd_kafka_resp_err_t {
    var isError: Bool { self != RD_KAFKA_RESP_ERR_NO_ERROR }
}

/// Reads a C string buffer that librdkafka filled with an error message.
func withErrorStringBuffer<Result>(_ body: (UnsafeMutablePointer<CChar>, Int) -> Result) -> (Result, String) {
    let size = 512
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: size) { buffer in
        buffer.initialize(repeating: 0)
        let result = body(buffer.baseAddress!, size)
        return (result, String(cString: buffer.baseAddress!))
    }
}
