#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The clocks of the pipeline's hot path, as plain integers: cheaper to compare and store than `Duration` or
/// `ContinuousClock.Instant`, and trivially injectable in tests (every time-dependent type takes the time as an
/// argument).
public enum PipelineClock {
    /// `duration` in nanoseconds.
    public static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Monotonic time (`CLOCK_MONOTONIC`) in nanoseconds: for windows, timeouts and latencies.
    public static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// Wall-clock time in milliseconds since the Unix epoch: for timestamps in messages and headers.
    public static func epochMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000 + Int64(time.tv_nsec) / 1_000_000
    }
}
