/*
 * pwcheck.h - password verification off the core thread.  argon2id costs
 * ~0.1 s of CPU and 64 MiB by design; done on the core thread it would stall
 * every other request for that long.  A worker thread verifies; the result
 * comes back on the core thread through a pipe the loop watches.
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

/* Queue a check (hash and password are copied); done is called later. */
void pwcheck_submit(pwcheck *p, const char *hash, const char *password,
    pwcheck_done_fn *done, void *arg);

#endif
