import ArgumentParser
import Pipeline

/// Thin entry point of the daemon: everything lives in `Pipeline`.
@main
struct WarmstartDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warmstartd",
        abstract: "Real-time recommendation daemon: learns from a Kafka clickstream and publishes per-user scores.",
        discussion: """
            Settings come from the YAML file, then WARMSTART_<KEY> environment variables (key upper-cased, dots as \
            underscores), then --set; see config/warmstartd.yaml for every key.
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The YAML configuration file (default: $CONFIGURATION_DIRECTORY/warmstartd.yaml under systemd, "
                + "else /etc/warmstart/warmstartd.yaml).",
            valueName: "path"
        )
    )
    var config: String?

    @Flag(name: .long, help: "Validate the configuration, print the effective settings and exit (0 when valid).")
    var checkConfig = false

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override one setting, e.g. --set scoring.top_k=20 (repeatable).", valueName: "key=value")
    )
    var overrides: [String] = []

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Start even if the state store is behind the consumer group's committed offsets (learned state was "
                + "lost): resume from the checkpoints and learn the events after them again. Same as "
                + "--set state.accept_loss=true."
        )
    )
    var acceptStateLoss = false

    func run() async throws {
        let status = await DaemonCommand.run(
            DaemonCommand.Options(
                configurationFile: config, checkOnly: checkConfig,
                overrides: overrides + (acceptStateLoss ? ["state.accept_loss=true"] : []))
        )
        if status != 0 {
            throw ExitCode(status)
        }
    }
}
