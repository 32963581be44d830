import Clickstream
import Kafka
import Logging

/// Consuming: the loop that fetches batches within the backpressure bound, decodes them (or dead-letters what
/// cannot be decoded) and hands them to the ``Learner``.
extension EventPipeline {
    static func consume(
        consumer: KafkaConsumer,
        decoder: EventDecoder,
        learner: Learner,
        gate: BatchGate,
        configuration: DaemonConfiguration,
        metrics: DaemonMetrics,
        heartbeat: LoopHeartbeat,
        logger: Logger,
        stopping: () -> Bool
    ) async throws {
        // Backpressure: every event handed to the learner leads to at most one output message right away (its
        // score refresh or its dead letter; a refresh held back by the coalescing window goes out later, once per
        // user). So fetching at most `publish.max_in_flight` minus what is in flight minus what the learner has
        // not processed yet keeps the output in flight within the bound; at the bound consumption pauses (the
        // partitions stop fetching, so nothing piles up in librdkafka either) until acknowledgements bring it down
        // to half the bound.
        let maxInFlight = configuration.publish.maxInFlight
        let erasureTopic = configuration.topics.erasure
        let queued = QueuedEvents()
        var paused = false
        var lastPauseLogged: ContinuousClock.Instant? = nil
        var pausesSinceLogged = 0
        metrics.publishInFlightLimit.record(maxInFlight)
        while !stopping(), !Task.isCancelled {
            heartbeat.tick()
            let inFlight = learner.inFlight
            metrics.recordPublishInFlight(inFlight)
            let committed = inFlight + queued.count
            if paused ? committed > maxInFlight / 2 : committed >= maxInFlight {
                if !paused {
                    try? consumer.pause(consumer.assignment())
                    paused = true
                    metrics.backpressurePaused.record(1)
                    metrics.backpressurePauses.increment()
                    pausesSinceLogged += 1
                    if lastPauseLogged.map({ ContinuousClock.now - $0 >= .seconds(10) }) ?? true {
                        logger.info(
                            "publishing fell behind: consumption paused",
                            metadata: [
                                "in_flight": "\(inFlight)", "max_in_flight": "\(maxInFlight)",
                                "pauses": "\(pausesSinceLogged)",
                            ]
                        )
                        lastPauseLogged = .now
                        pausesSinceLogged = 0
                    }
                }
                learner.resendRefused()
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            if paused {
                try? consumer.resume(consumer.assignment())
                paused = false
                metrics.backpressurePaused.record(0)
            }

            let headroom = maxInFlight - committed
            // Small batches keep the learner's queue shallow (at most two batches wait behind the one being learned),
            // so an event waits little between being consumed and being learned.
            var batch = try await consumer.nextBatch(
                maxMessages: min(Self.batchSize, headroom), maxWait: .milliseconds(100))
            if !erasureTopic.isEmpty, batch.contains(where: { $0.topic == erasureTopic }) {
                learner.submitErasures(batch.filter { $0.topic == erasureTopic }, consumedAt: PipelineClock.now())
                batch.removeAll { $0.topic == erasureTopic }
            }
            if batch.isEmpty { continue }
            let consumedAt = PipelineClock.now()
            var decoded: [DecodedMessage] = []
            decoded.reserveCapacity(batch.count)
            // Counted per run of one partition's messages, not per message: the metrics lookup takes a lock.
            var run: (partition: Int32, count: Int)? = nil
            for message in batch {
                if let current = run, current.partition != message.partition {
                    metrics.partition(current.partition).eventsConsumed.increment(by: current.count)
                    run = nil
                }
                run = (message.partition, (run?.count ?? 0) + 1)
                decoded.append(
                    DecodedMessage(
                        message: message, outcome: decode(message, decoder: decoder), consumedAt: consumedAt))
            }
            if let run {
                metrics.partition(run.partition).eventsConsumed.increment(by: run.count)
            }
            await gate.acquire()
            let count = decoded.count
            queued.add(count)
            learner.submit(decoded) {
                queued.add(-count)
                gate.release()
            }
        }
    }

    /// Messages fetched and decoded per batch.
    static let batchSize = 256

    /// Decodes one message, or says why it goes to the dead-letter topic.
    static func decode(_ message: KafkaMessage, decoder: EventDecoder) -> Result<InteractionEvent, DeadLetter> {
        let failedAt = { PipelineClock.epochMilliseconds() }
        let maxMessageBytes = decoder.schema.limits.maxMessageBytes
        if message.value.count > maxMessageBytes {
            return .failure(
                DeadLetter(
                    source: message, reason: .oversizeMessage,
                    error: "message of \(message.value.count) bytes exceeds the limit of \(maxMessageBytes)",
                    failedAt: failedAt()))
        }
        if let key = message.key {
            if key.count > decoder.schema.limits.maxIDBytes {
                return .failure(
                    DeadLetter(
                        source: message, reason: .oversizeKey,
                        error: "key of \(key.count) bytes exceeds \(decoder.schema.limits.maxIDBytes)",
                        failedAt: failedAt()))
            }
            if String(validating: key, as: UTF8.self) == nil {
                return .failure(
                    DeadLetter(
                        source: message, reason: .invalidKeyUTF8, error: "key is not UTF-8", failedAt: failedAt()))
            }
        }
        let event: InteractionEvent
        do {
            event = try decoder.decode(message.value)
        } catch {
            return .failure(DeadLetter(source: message, decodingError: error, failedAt: failedAt()))
        }
        if let key = message.key, !key.isEmpty, !key.elementsEqual(event.user.utf8) {
            return .failure(
                DeadLetter(
                    source: message, reason: .keyMismatch,
                    error: "message key does not match the event's user \"\(event.user.prefix(64))\"",
                    failedAt: failedAt()))
        }
        return .success(event)
    }
}
