import Logging

/// The metadata keys of the daemon's log lines, in one place so that dashboards and `journalctl` filters can rely
/// on them. Dotted names, like swift-kafka-client's.
public enum PipelineLoggingKeys {
    /// An error's description.
    public static let error = "error"
    /// The configuration file read.
    public static let configurationFile = "config.file"
    /// A configuration key.
    public static let configurationKey = "config.key"
    /// A user's keyed pseudonym (``ErasureDenylist/Pseudonym``), never the id: erasure lines carry it.
    public static let pseudonym = "user.pseudonym"
    /// How often the systemd watchdog is checked and pinged.
    public static let watchdogCheckInterval = "watchdog.check_interval"
    /// How long the processing loop has been silent.
    public static let watchdogSilence = "watchdog.silence"
}
