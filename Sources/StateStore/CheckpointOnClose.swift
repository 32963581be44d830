import CSQLiteConfig
import GRDB

/// Whether closing a connection folds the write-ahead log into the database file (SQLite's default) or leaves both
/// files as they are (`SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE`). The only use of the C shim: `sqlite3_db_config` is
/// variadic, which Swift cannot call.
///
/// Every connection of a ``StateStore`` opens with folding off, so a store that is refused (fails verification,
/// or the daemon finds its checkpoints behind the group's commits) is closed exactly as it was found; a store that
/// was used turns folding back on just before it closes, so a clean stop still leaves a single file.
enum CheckpointOnClose {
    /// Turns folding on close on or off for `db`'s connection.
    /// - Throws: ``StateStoreError/Code/sqlite`` when SQLite refuses the setting.
    static func set(_ folds: Bool, on db: Database, path: String) throws {
        guard let connection = db.sqliteConnection else { return }
        let code = warmstart_sqlite_set_no_checkpoint_on_close(connection, folds ? 0 : 1)
        guard code == 0 else {
            throw StateStoreError(
                code: .sqlite,
                message: "cannot set SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE on \(path): SQLite error \(code)",
                path: path,
                sqliteCode: code
            )
        }
    }
}
