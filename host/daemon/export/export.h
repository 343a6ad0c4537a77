/*
 * export.h - the centre's events to a central PostgreSQL (issue 18,
 * host/docs/export.md).
 *
 * One thread of its own owns the libpq connection and a read-only sqlite
 * connection on the daemon's database.  It reads the committed events after
 * the last id the central database acknowledged for this centre (kept there,
 * read back on every connect), and writes them in batches, one transaction a
 * batch, keyed by (centre, event id) with ON CONFLICT DO NOTHING, so a batch
 * sent twice (a commit whose answer was lost) changes nothing.  With each
 * batch go the tickets the batch issues and the staff it names; on connect,
 * the configuration (centre, departments, queues, counters, procedures).
 * When the server is down or the network cut it backs off (100 ms doubling to
 * [export] retry_max_s) and tries again; a call that has had no answer for
 * [export] timeout_s is dropped as a failure.
 *
 * The core never waits for it: the thread only reads the database file, as
 * the statistics do, and the core does not know it exists.
 */
#ifndef ONESTOP_EXPORT_H
#define ONESTOP_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

typedef struct exporter exporter;

/*
 * Read the conninfo file: it must be a regular file owned by this user with
 * no permission for group or others (0600 or 0400), at most 4 KiB.  On
 * success 0 and a malloc'd string in *out (the caller frees; trailing white
 * space cut); -1 and a message in err otherwise.  Used by onestopd -n too.
 */
int export_read_conninfo(const char *path, char **out, char *err, size_t errlen);

/*
 * Start the thread for cfg's [export] section (cfg->export_conninfo_file
 * must be set), on the database at db_path.  cfg must outlive the exporter;
 * the thread reads only its export_* settings.  What the central rows of
 * the configuration need is copied here, on the caller's thread: a
 * catalogue imported later reaches the central database at the next start.
 * NULL and a message in err when the conninfo cannot be read or the thread
 * cannot start; a central server that is down is not an error (the thread
 * retries).
 */
exporter *export_start(const struct config *cfg, const char *db_path,
    char *err, size_t errlen);
/* Stop the thread (an open central transaction is abandoned) and free. */
void export_stop(exporter *x);

/* The last event id the central database acknowledged (0 before any). */
int64_t export_acked(exporter *x);

/* What /metrics shows of the exporter (host/docs/operations.md). */
struct export_status {
	int64_t acked;           /* as export_acked */
	int64_t oldest_at;       /* unix time of the first event after acked,
	                            0 when there is none (seen at the thread's
	                            last look: poll_ms, or a back-off, ago) */
	int connected;           /* 1 while connected to the central database */
	uint64_t failures;       /* failures since the start (each backed off) */
};

/* The exporter's state, published by its thread through atomics: any
   thread may call it, and it never waits for the exporter. */
void export_status(exporter *x, struct export_status *st);

#endif
