import Foundation

/// A dedicated OS thread for a client's poll loop.
///
/// librdkafka's poll calls block for up to their timeout, and rebalance callbacks run on the polling thread
/// and may block on purpose (the caller finishes work for revoked partitions), so polling never runs on
/// Swift's cooperative pool.
enum KafkaThread {
    static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }
}
