import Dispatch

/// Runs blocking librdkafka calls (commit, flush, metadata, admin waits, destroy) off Swift's cooperative
/// thread pool, which must never be blocked.
enum BlockingExecutor {
    /// A concurrent queue: blocking calls of different clients must not wait for each other.
    static let queue = DispatchQueue(label: "warmstart.kafka.blocking", attributes: .concurrent)

    /// Runs `body` on ``queue`` and resumes the caller with its result.
    static func run<Result: Sendable>(
        _ body: @escaping @Sendable () throws(KafkaError) -> Result
    ) async throws(KafkaError) -> Result {
        let outcome: Swift.Result<Result, KafkaError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(KafkaError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try outcome.get()
    }

    /// Fire-and-forget, e.g. `rd_kafka_destroy` from a `deinit`.
    static func runDetached(_ body: @escaping @Sendable () -> Void) {
        queue.async(execute: body)
    }
}
