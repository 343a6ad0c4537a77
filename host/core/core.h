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
/*
 * Make the open batch fail at its commit: a write that belongs with the
 * batch's commands (an audit row, a booking, an SMS for an event) could not
 * be made, so none of it may stay.  The batch is rolled back and the engine
 * reloaded as for a failed commit.
 */
void core_fail_batch(core *c);

/*
 * The notice line of the hall displays ("" when there is none), kept in the
 * store (meta "notice") and loaded by core_new.  core_set_notice writes it
 * into the open batch (it opens one); the value read by core_notice changes
 * once the batch is committed.  0, or -1 (store_errmsg says why).
 */
#define CORE_NOTICE_MAX 1024     /* bytes, with the NUL */
const char *core_notice(const core *c);
int core_set_notice(core *c, const char *text);

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

/*
 * Pre-commit hooks run inside the open batch, just before its COMMIT, with
 * the batch's events (the engine holds the state they made): a hook writes
 * rows that must commit with them (the SMS outbox).  0, or -1 to fail the
 * whole batch.  Not run for a batch that already failed.
 */
typedef int core_precommit_fn(void *arg, const struct engine_event *evs, size_t n);
void core_add_precommit(core *c, core_precommit_fn *fn, void *arg);

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
 * Change the configuration live (config.h, struct config_override): a new
 * config is built from the current one (or from the one already pending in
 * this batch) with the overrides, checked by the INI's own parser and
 * validation (config_with_overrides), and the overrides are written into
 * the open batch (opening one).  Once the batch is committed the core swaps
 * the new config in and rebuilds the engine from the store, as
 * core_replace_catalogue does; when the commit fails nothing changes.  The
 * queue's department cannot change (the catalogue's procedures follow it).
 * 0, -CORE_EBADINPUT with err (nothing written) or -CORE_ESTORE.
 */
int core_change_config(core *c, const struct config_override *ov, int nov,
    char *err, size_t errlen);

/*
 * Swap cfg in (the core takes it over, with the current catalogue moved
 * into it) and rebuild the engine from the store.  The config it replaces
 * is kept until core_free, since device threads may still read it.  0, or
 * -1 with err (the old config stays).
 */
int core_replace_config(core *c, struct config *cfg, char *err, size_t errlen);

/* Grows every time the engine is rebuilt (catalogue, config, failed
   commit): what is cached from the engine must be made again. */
uint64_t core_generation(const core *c);

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
