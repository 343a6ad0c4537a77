/*
 * statswork.c - one worker thread computing statistics (see statswork.h).
 * Jobs go in a list under a mutex; finished jobs go back in another, and a
 * byte on a pipe wakes the loop, whose callback runs the done functions on
 * its own thread, oldest first.  A second mutex is held by the worker while
 * a job runs: statswork_hold() takes it to keep the worker between jobs.
 * The worker runs at nice 10, so that it takes the CPU the core leaves.
 *
 * Tests: when ONESTOPD_TEST_STATS_GATE names a file (a FIFO), the worker
 * reads one byte from it before each job, so a test can hold a report for
 * as long as it needs without timing anything (host/docs/stats.md).
 */
#include "daemon/http/statswork.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"

#define STATSWORK_NICE 10

struct swjob {
	statswork_run_fn *run;
	statswork_done_fn *done;
	void *arg;
	char err[256];           /* "" when it ran */
	struct swjob *next;
};

struct statswork {
	loop *loop;
	const struct config *cfg;
	pthread_t thread;
	pthread_mutex_t mu;      /* the lists, stopping */
	pthread_mutex_t run_mu;  /* held while a job runs */
	pthread_cond_t cv;
	struct swjob *todo, **todo_tail, *done;
	int pipe[2];
	int stopping;
	stats *st;               /* the worker's only */
	char *gate;              /* test gate, or NULL */
};

/* The test gate: wait for one byte from it. */
static void
statswork_gate(statswork *w)
{
	char c;
	int fd;

	if (w->gate == NULL)
		return;
	if ((fd = open(w->gate, O_RDONLY | O_CLOEXEC)) < 0) {
		log_warn("statistics: test gate %s", w->gate);
		return;
	}
	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	close(fd);
}

static void
statswork_run(statswork *w, struct swjob *j)
{
	char err[256];

	pthread_mutex_lock(&w->run_mu);
	statswork_gate(w);
	if (w->st == NULL &&
	    (w->st = stats_open(w->cfg->database, NULL, w->cfg, err, sizeof err)) == NULL)
		snprintf(j->err, sizeof j->err, "%s", err);
	if (w->st != NULL) {
		stats_set_config(w->st, w->cfg);
		j->run(w->st, j->arg);
	}
	pthread_mutex_unlock(&w->run_mu);
}

static void *
statswork_main(void *arg)
{
	statswork *w = arg;
	struct swjob *j;
	ssize_t n;

	/* Below the core thread: on a busy machine a report may wait, a
	   command should not (on Linux this thread's nice value alone). */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), STATSWORK_NICE) != 0)
		log_debug("statistics: cannot lower the worker's priority: %s", strerror(errno));
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->todo == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stopping)
			break;
		j = w->todo;
		w->todo = j->next;
		if (w->todo == NULL)
			w->todo_tail = &w->todo;
		pthread_mutex_unlock(&w->mu);
		statswork_run(w, j);
		pthread_mutex_lock(&w->mu);
		j->next = w->done;
		w->done = j;
		do
			n = write(w->pipe[1], "", 1);
		while (n < 0 && errno == EINTR);
	}
	pthread_mutex_unlock(&w->mu);
	stats_close(w->st);
	w->st = NULL;
	return NULL;
}

/* On the loop's thread: the done functions of the finished jobs, oldest first. */
static void
statswork_on_fd(int fd, short revents, void *arg)
{
	statswork *w = arg;
	struct swjob *list, *rev = NULL, *j;
	char buf[64];

	(void)revents;
	while (read(fd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&w->mu);
	list = w->done;
	w->done = NULL;
	pthread_mutex_unlock(&w->mu);
	while ((j = list) != NULL) {
		list = j->next;
		j->next = rev;
		rev = j;
	}
	while ((j = rev) != NULL) {
		rev = j->next;
		j->done(j->arg, j->err[0] != '\0' ? j->err : NULL);
		free(j);
	}
}

statswork *
statswork_start(loop *l, const struct config *cfg)
{
	statswork *w = xcalloc(1, sizeof *w);
	const char *gate = getenv("ONESTOPD_TEST_STATS_GATE");

	w->loop = l;
	w->cfg = cfg;
	w->todo_tail = &w->todo;
	if (gate != NULL && gate[0] != '\0')
		w->gate = xstrdup(gate);
	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		fatal("statistics: pipe");
	pthread_mutex_init(&w->mu, NULL);
	pthread_mutex_init(&w->run_mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, statswork_main, w) != 0)
		fatalx("statistics: cannot start the worker thread");
	loop_add_fd(l, w->pipe[0], POLLIN, statswork_on_fd, w);
	return w;
}

void
statswork_submit(statswork *w, statswork_run_fn *run, statswork_done_fn *done, void *arg)
{
	struct swjob *j = xcalloc(1, sizeof *j);

	j->run = run;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&w->mu);
	*w->todo_tail = j;
	w->todo_tail = &j->next;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
statswork_hold(statswork *w)
{
	pthread_mutex_lock(&w->run_mu);
}

void
statswork_release(statswork *w)
{
	pthread_mutex_unlock(&w->run_mu);
}

void
statswork_stop(statswork *w)
{
	struct swjob *j;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	/* Answer what finished, then what never ran. */
	statswork_on_fd(w->pipe[0], POLLIN, w);
	while ((j = w->todo) != NULL) {
		w->todo = j->next;
		j->done(j->arg, "the daemon is stopping");
		free(j);
	}
	loop_del_fd(w->loop, w->pipe[0]);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->mu);
	pthread_mutex_destroy(&w->run_mu);
	pthread_cond_destroy(&w->cv);
	free(w->gate);
	free(w);
}
