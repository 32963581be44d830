/// A failure of an admin command (`inspect`, `status`, `top`) that is not a usage error: the daemon cannot be
/// reached, the state directory cannot be read, the user is unknown. ArgumentParser prints the description and
/// exits 1, without the usage text a `ValidationError` would add.
struct AdminCommandError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
