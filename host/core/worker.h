/*
 * worker.h - one thread that runs slow jobs off the loop's thread, and
 * answers on it.  A job's run function runs on the worker thread; its done
 * function then runs on the loop's thread, woken through a pipe the loop
 * watches, in the order the jobs ran.  Jobs wait in lanes, a lane always
 * taken before the next, each bounded or not.
 *
 * The daemon has two: the password checks (daemon/http/pwcheck.c, argon2id
 * at ~0.1 s each) and the statistics (daemon/http/statswork.c, a year's
 * report at hundreds of milliseconds); on the core thread either would stall
 * every keypad, kiosk and commit for as long.
 */
#ifndef ONESTOP_WORKER_H
#define ONESTOP_WORKER_H

#include "core/loop.h"

typedef struct worker worker;

/* On the worker thread. */
typedef void worker_run_fn(void *arg);
/*
 * On the loop's thread: ran 1 after run, 0 when the job never ran (the
 * worker stopped first).  The job is the caller's to free here.
 */
typedef void worker_done_fn(void *arg, int ran);

#define WORKER_LANES_MAX 4

/*
 * Start a worker named name (for its log lines) at nice value nice (0 = as
 * the loop's thread; on Linux the thread's own), with lanes lanes (1 to
 * WORKER_LANES_MAX) of at most lane_max waiting jobs each (0: no bound).
 */
worker *worker_start(loop *l, const char *name, int nice, int lanes, int lane_max);
/* Stop it: the finished jobs are done (ran 1), then those never run (0). */
void worker_stop(worker *w);

/* Queue a job in lane; done is called later, never from inside this call.
   0, or -1 when the lane is full (then neither run nor done is called). */
int worker_submit(worker *w, int lane, worker_run_fn *run, worker_done_fn *done, void *arg);

/*
 * Keep the worker between jobs: worker_hold waits for the job running (if
 * any) and no job starts until the matching worker_release.  Holds nest.
 * For the core to change what jobs read (a catalogue import), and for tests.
 */
void worker_hold(worker *w);
void worker_release(worker *w);

#endif
