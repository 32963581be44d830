import Pipeline

/// Thin entry point of the daemon: everything lives in `Pipeline`.
@main
enum Entry {
    static func main() async {
    }
}
