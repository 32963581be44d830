import WarmstartCommands

/// Thin entry point: everything lives in `WarmstartCommands`.
@main
enum Entry {
    static func main() async {
        await run(Warmstart.self)
    }

    private static func run<Command: AsyncParsableCommandEntry>(_ command: Command.Type) async {
        await command.main()
    }
}
