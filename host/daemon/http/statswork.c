/*
 * statswork.c - the statistics on a worker thread (core/worker.h, one lane,
 * unbounded, at nice 10 so that it takes the CPU the core leaves).  The
 * worker's only statistics handle is opened by its first job and closed when
 * it stops; statswork_hold() keeps the worker between jobs.
 *
 * Tests: when ONESTOPD_TEST_STATS_GATE names a file (a FIFO), the worker
 * reads one byte from it before each job, so a test can hold a report for
 * as long as it needs without timing anything (host/docs/stats.md).
 */
#include "daemon/http/statswork.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "core/worker.h"

#define STATSWORK_NICE 10

struct statswork {
	worker *w;
	const struct config *cfg;
	stats *st;               /* the worker's only */
	char *gate;              /* test gate, or NULL */
};

struct swjob {
	statswork *sw;
	statswork_run_fn *run;
	statswork_done_fn *done;
	void *arg;
	char err[256];           /* "" when it ran */
};

/* The test gate: wait for one byte from it. */
static void
statswork_gate(statswork *sw)
{
	char c;
	int fd;

	if (sw->gate == NULL)
		return;
	if ((fd = open(sw->gate, O_RDONLY | O_CLOEXEC)) < 0) {
		log_warn("statistics: test gate %s", sw->gate);
		return;
	}
	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	close(fd);
}

/* On the worker. */
static void
statswork_run(void *arg)
{
	struct swjob *j = arg;
	statswork *sw = j->sw;
	char err[256];

	statswork_gate(sw);
	if (sw->st == NULL &&
	    (sw->st = stats_open(sw->cfg->database, NULL, sw->cfg, err, sizeof err)) == NULL)
		snprintf(j->err, sizeof j->err, "%s", err);
	if (sw->st != NULL) {
		stats_set_config(sw->st, sw->cfg);
		j->run(sw->st, j->arg);
	}
}

/* On the loop's thread. */
static void
statswork_done(void *arg, int ran)
{
	struct swjob *j = arg;

	j->done(j->arg, !ran ? "the daemon is stopping" : j->err[0] != '\0' ? j->err : NULL);
	free(j);
}

statswork *
statswork_start(loop *l, const struct config *cfg)
{
	statswork *sw = xcalloc(1, sizeof *sw);
	const char *gate = getenv("ONESTOPD_TEST_STATS_GATE");

	sw->cfg = cfg;
	if (gate != NULL && gate[0] != '\0')
		sw->gate = xstrdup(gate);
	sw->w = worker_start(l, "statistics", STATSWORK_NICE, 1, 0);
	return sw;
}

void
statswork_submit(statswork *sw, statswork_run_fn *run, statswork_done_fn *done, void *arg)
{
	struct swjob *j = xcalloc(1, sizeof *j);

	j->sw = sw;
	j->run = run;
	j->done = done;
	j->arg = arg;
	worker_submit(sw->w, 0, statswork_run, statswork_done, j);   /* unbounded */
}

void
statswork_hold(statswork *sw)
{
	worker_hold(sw->w);
}

void
statswork_release(statswork *sw)
{
	worker_release(sw->w);
}

void
statswork_stop(statswork *sw)
{
	if (sw == NULL)
		return;
	worker_stop(sw->w);
	stats_close(sw->st);     /* the thread is gone */
	free(sw->gate);
	free(sw);
}
