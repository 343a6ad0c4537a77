/*
 * pwcheck.c - argon2id checks on a worker thread (core/worker.h): one job a
 * check, in the worker's bounded lanes, a lane always taken before the
 * next.  Passwords are wiped from memory once checked.
 */
#include "daemon/http/pwcheck.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/pwhash.h"
#include "common/xmalloc.h"
#include "core/worker.h"

struct pwcheck {
	worker *w;
};

struct pwjob {
	char *hash, *password;
	pwcheck_done_fn *done;
	void *arg;
	int ok;
};

/* On the worker. */
static void
pwcheck_run(void *arg)
{
	struct pwjob *j = arg;

	j->ok = pwhash_check(j->hash, j->password);
}

static void
pwcheck_free_job(struct pwjob *j)
{
	sodium_memzero(j->password, strlen(j->password));
	free(j->password);
	free(j->hash);
	free(j);
}

/* On the loop's thread: a check that never ran is a no. */
static void
pwcheck_done(void *arg, int ran)
{
	struct pwjob *j = arg;

	j->done(j->arg, ran && j->ok);
	pwcheck_free_job(j);
}

pwcheck *
pwcheck_start(loop *l)
{
	pwcheck *p = xcalloc(1, sizeof *p);

	p->w = worker_start(l, "pwcheck", 0, PWCHECK_LANES, PWCHECK_QUEUE_MAX);
	return p;
}

int
pwcheck_submit(pwcheck *p, const char *hash, const char *password,
    enum pwcheck_lane lane, pwcheck_done_fn *done, void *arg)
{
	struct pwjob *j = xcalloc(1, sizeof *j);

	if ((int)lane < 0 || (int)lane >= PWCHECK_LANES)
		lane = PWCHECK_OTHER;
	j->hash = xstrdup(hash);
	j->password = xstrdup(password);
	j->done = done;
	j->arg = arg;
	if (worker_submit(p->w, (int)lane, pwcheck_run, pwcheck_done, j) != 0) {
		pwcheck_free_job(j);
		return -1;
	}
	return 0;
}

void
pwcheck_test_hold(pwcheck *p, int hold)
{
	if (hold)
		worker_hold(p->w);
	else
		worker_release(p->w);
}

void
pwcheck_stop(pwcheck *p)
{
	if (p == NULL)
		return;
	worker_stop(p->w);
	free(p);
}
