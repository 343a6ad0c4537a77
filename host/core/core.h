/*
 * core.h - the daemon's core: the engine, the store and group commit.
 *
 * Every state change goes through core_exec(): the engine runs the command
 * in memory, its rows and events are written into the open batch
 * transaction, and nothing of it may be shown to anyone until core_flush()
 * has committed the batch (the loop's before-sleep hook calls it once per
 * turn).  Whoever has something to show after the commit registers with
 * core_after_commit(); the callbacks run after the commit with ok = 1, or
 * with ok = 0 when it failed, in which case the engine has been reloaded
 * from the store and the batch had no effect at all.
 */
#ifndef ONESTOP_CORE_H
#define ONESTOP_CORE_H

#include <stdint.h>

#include "core/config.h"
#include "core/engine.h"
#include "core/store.h"

typedef struct core core;

/* Returned (negated) by core_exec when the store failed. */
#define CORE_ESTORE 1000
#define CORE_EBADINPUT 1001     /* a file or request that does not parse */

typedef void core_commit_fn(void *arg, int ok);

/*
 * The core owns cfg (freed by core_free) and the engine it makes; st must
 * outlive the core.
 */
core *core_new(struct config *cfg, store *st, char *err, size_t errlen);
void core_free(core *c);

engine *core_engine(core *c);
store *core_store(core *c);
const struct config *core_config(core *c);

/*
 * Run one command (its now and code are filled in here when zero/empty).
 * Returns 0 with *res filled (valid until the next core_exec), or a negated
 * engine_error, or -CORE_ESTORE.  On success the batch is open.
 */
int core_exec(core *c, struct engine_cmd *cmd, struct engine_result *res);

/*
 * Check that the database file is still the one opened (a timer calls it so
 * that a removed database is logged even while nobody writes).  0, or -1
 * after logging it loudly.
 */
int core_check_store(core *c);

/* Open the batch transaction (for other writes: users, sessions). */
int core_begin(core *c);
int core_in_batch(const core *c);
/* Make the open batch fail at its commit (a write that belongs with a
 * command of the batch failed after the command changed the engine). */
void core_fail_batch(core *c);

/* Call fn(arg, ok) once the current batch is committed or has failed. */
void core_after_commit(core *c, core_commit_fn *fn, void *arg);

/*
 * Listeners see every committed event, in order, right after the commit of
 * its batch (before the after-commit callbacks): device glue uses them to
 * update boards and print tickets.  They must not call core_exec directly
 * (register an after-commit callback or queue the command for later).
 */
typedef void core_event_fn(void *arg, const struct engine_event *ev);
void core_add_listener(core *c, core_event_fn *fn, void *arg);
/* Take back a listener added with the same fn and arg (not from inside a
 * listener). */
void core_remove_listener(core *c, core_event_fn *fn, void *arg);

/* Commit the batch (if any), then run the after-commit callbacks. */
void core_flush(core *c);

/*
 * Replace the procedure catalogue (takes ownership of procs).  Commits any
 * open batch first, then rebuilds the engine from the store so that tickets
 * point at the new catalogue's entries by code.  0, or -1 with err.
 */
int core_replace_catalogue(core *c, struct config_procedure *procs, int n,
    char *err, size_t errlen);

/*
 * Import a catalogue CSV (text, len bytes): parse and check it (an empty
 * catalogue is refused), replace the catalogue in memory, and only then
 * make the text the catalogue file (config catalogue_path) durably: written
 * beside it, fsync'd, renamed over it, the directory fsync'd.  0 with *n the
 * procedures imported; -CORE_EBADINPUT (err names the row, nothing changed)
 * or -CORE_ESTORE (err says what failed).
 */
int core_import_catalogue(core *c, const char *text, size_t len, int *n,
    char *err, size_t errlen);

/*
 * What the core has done since it started, for GET /metrics: commands by
 * engine_cmd_type and result, and the time of each group commit as a
 * histogram.  commit_bucket[i] counts commits that took at most
 * core_commit_bounds[i] seconds and more than the bound before it (not
 * cumulative); the last one counts those above every bound.
 */
#define CORE_CMD_TYPES (ENGINE_DAY_CLOSE + 1)
#define CORE_COMMIT_BOUNDS 11
struct core_metrics {
	uint64_t cmd_ok[CORE_CMD_TYPES];       /* committed or in the batch */
	uint64_t cmd_refused[CORE_CMD_TYPES];  /* the engine said no */
	uint64_t cmd_failed[CORE_CMD_TYPES];   /* the store failed */
	uint64_t commits, commit_failures;
	uint64_t commit_bucket[CORE_COMMIT_BOUNDS + 1];
	double commit_sum_s;
};
extern const double core_commit_bounds[CORE_COMMIT_BOUNDS];
const struct core_metrics *core_metrics(const core *c);

/* The last event id that is committed (safe to show). */
int64_t core_committed_event_id(const core *c);

/* Current unix time, seconds (the wall clock, for people). */
int64_t core_now(void);

#endif
