#ifndef WARMSTART_CSQLITECONFIG_SHIM_H
#define WARMSTART_CSQLITECONFIG_SHIM_H
#include <sqlite3.h>

/*
 * Swift cannot call C variadic functions, and sqlite3_db_config() is one. This sets
 * SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE on a connection: when it is on, closing the last connection leaves the
 * write-ahead log as it is instead of folding it into the database file (and deleting it). Returns SQLITE_OK,
 * or an error code.
 */
static inline int warmstart_sqlite_set_no_checkpoint_on_close(sqlite3 *db, int on) {
        int current = -1;
        int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, on, &current);
        if (rc != SQLITE_OK) return rc;
        return current == (on != 0) ? SQLITE_OK : SQLITE_MISUSE;
}

#endif
