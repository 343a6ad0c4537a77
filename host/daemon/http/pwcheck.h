/*
 * pwcheck.h - password verification off the core thread.  argon2id costs
 * ~0.1 s of CPU and 64 MiB by design; done on the core thread it would stall
 * every other request for that long.  A worker thread verifies; the result
 * comes back on the core thread through a pipe the loop watches (core/worker.h).
 */
#ifndef ONESTOP_PWCHECK_H
#define ONESTOP_PWCHECK_H

#include "core/loop.h"

typedef struct pwcheck pwcheck;

/* ok: 1 the password matches the hash, 0 not. Called on the loop's thread. */
typedef void pwcheck_done_fn(void *arg, int ok);

pwcheck *pwcheck_start(loop *l);
/* Stop the worker; jobs not yet done are answered with ok = 0. */
void pwcheck_stop(pwcheck *p);

/*
 * The checks wait in lanes, each bounded, a lane always checked before the
 * next: a user at an address they logged in from before first, then a
 * client with no failures nor refusals against it, then everyone else; so
 * a flood of bad logins cannot hold the first two up for longer than the
 * check running plus their own lane.  A lane of PWCHECK_QUEUE_MAX waiting
 * checks refuses more: the caller answers "busy" at once instead of making
 * it wait.
 */
enum pwcheck_lane { PWCHECK_KNOWN, PWCHECK_CLEAN, PWCHECK_OTHER, PWCHECK_LANES };
#define PWCHECK_QUEUE_MAX 8

/* Queue a check (hash and password are copied) in lane; done is called
 * later.  0, or -1 when the lane is full (done is never called then). */
int pwcheck_submit(pwcheck *p, const char *hash, const char *password,
    enum pwcheck_lane lane, pwcheck_done_fn *done, void *arg);

/* Tests only: hold (1) the worker before its next check, or let it go (0). */
void pwcheck_test_hold(pwcheck *p, int hold);

#endif
