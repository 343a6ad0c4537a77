/*
 * backup.h - copies of the database while onestopd runs, checks of a copy,
 * and restoring one (host/docs/operations.md).
 *
 * A backup is taken by another process (onestopctl backup) through its own
 * read-only connection with sqlite's online backup API.  It holds one read
 * transaction from the first page to the last, so the copy is the database
 * as it was at one commit, and it steps a few pages at a time.  In WAL mode
 * a reader never blocks the writer: onestopd commits on as usual, only its
 * checkpoints cannot pass the reader's snapshot until the copy is done.
 *
 * The daemon holds an exclusive flock(2) on DATABASE.lock for as long as it
 * runs (backup_lock); a restore takes the same lock, so it is refused while
 * a daemon runs on the database and no daemon starts during a restore.
 *
 * Every function returns 0 (or a count) on success and -1 with a message
 * in err (Vietnamese: the operator reads it as it is).  Nothing prints.
 */
#ifndef ONESTOP_BACKUP_H
#define ONESTOP_BACKUP_H

#include <stddef.h>
#include <time.h>

/* Pages copied per sqlite3_backup_step (4 KiB pages: 1 MiB a step). */
#define BACKUP_STEP_PAGES 256

/*
 * Copy the database at src into the new file dst, step_pages pages a step
 * (-1: all at once) with pause_ms between steps (to spare a busy disk; the
 * snapshot makes a slow copy as consistent as a fast one): written as dst.part,
 * checked (backup_check), fsync'd and renamed over dst, the directory
 * fsync'd.  The copy is a single file (journal_mode=DELETE).  src is only
 * read.  On failure dst is left as it was and dst.part is removed.
 */
int backup_copy(const char *src, const char *dst, int step_pages, int pause_ms,
    char *err, size_t errlen);

/*
 * Whether path holds a usable onestop database: PRAGMA integrity_check is
 * "ok", the application id is onestop's and the schema version is
 * 1..STORE_SCHEMA_VERSION (an older one is migrated when onestopd opens
 * it).  *version gets the schema version when version is not NULL.
 */
int backup_check(const char *path, int *version, char *err, size_t errlen);

/*
 * Take the lock of database db (the file db.lock, created when missing)
 * without waiting.  Returns its descriptor (keep it open for as long as the
 * lock is needed; closing it releases the lock), or -1: errno EWOULDBLOCK
 * when another process holds it.
 */
int backup_lock(const char *db, char *err, size_t errlen);

/*
 * Replace the database db with the backup file: take db's lock (refused
 * while a daemon runs on it), check the file, keep the database that is
 * there as db.before-restore (when it exists), then copy the file into db
 * with the backup API in one transaction of db, and check db again.
 * *version gets the restored schema version.
 */
int backup_restore(const char *file, const char *db, int *version, char *err,
    size_t errlen);

/* The name of a backup taken at t in dir: DIR/onestop-YYYYMMDD-HHMMSS.db
 * (local time; names sort in time order). */
void backup_name(char *out, size_t outlen, const char *dir, time_t t);

/*
 * Keep the newest keep (>= 1) backups named like backup_name in dir and
 * remove the older ones; other files are never touched.  Returns how many
 * were removed, or -1.
 */
int backup_rotate(const char *dir, int keep, char *err, size_t errlen);

#endif
