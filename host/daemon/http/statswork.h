/*
 * statswork.h - the statistics off the core thread.  A year's report costs
 * hundreds of milliseconds, and the first sync after a restart over millions
 * of events seconds; on the core thread no keypad, kiosk or commit would be
 * served meanwhile.  One worker thread owns the statistics handle (its own
 * sqlite connection, see daemon/stats/stats.h) and runs the jobs in the
 * order they came; each job's done function then runs on the loop's thread,
 * woken through a pipe the loop watches (core/worker.h, as pwcheck.h).
 */
#ifndef ONESTOP_STATSWORK_H
#define ONESTOP_STATSWORK_H

#include "core/config.h"
#include "core/loop.h"
#include "daemon/stats/stats.h"

typedef struct statswork statswork;

/* On the worker thread, with the open handle. */
typedef void statswork_run_fn(stats *st, void *arg);
/*
 * On the loop's thread, after run: err NULL; or instead of run, err says
 * why it could not (the handle does not open, the worker stopped).
 */
typedef void statswork_done_fn(void *arg, const char *err);

/*
 * Start the worker; the handle is opened by its first job on cfg->database
 * (cfg must outlive the worker; the worker only reads it while a job runs).
 */
statswork *statswork_start(loop *l, const struct config *cfg);
/* Stop the worker; jobs not yet run are done with an error. */
void statswork_stop(statswork *w);

/* Queue a job; done is called later (never from inside this call). */
void statswork_submit(statswork *w, statswork_run_fn *run,
    statswork_done_fn *done, void *arg);

/*
 * Hold the worker between jobs (waits for the one running), so that the
 * core may change what the configuration points to (a catalogue import);
 * then let it go on.
 */
void statswork_hold(statswork *w);
void statswork_release(statswork *w);

#endif
