/*
 * worker.c - one thread running jobs off the loop's thread (see worker.h).
 * The lanes and the finished list are under one mutex; the worker sleeps on
 * a condition while it has nothing to run or is held, and a job's end wakes
 * both the loop (a byte on the pipe) and whoever waits in worker_hold.
 */
#include "core/worker.h"

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

struct wjob {
	worker_run_fn *run;
	worker_done_fn *done;
	void *arg;
	struct wjob *next;
};

struct wlane {
	struct wjob *head, **tail;
	int n;
};

struct worker {
	loop *loop;
	char name[32];
	int nice;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;        /* to the worker: a job, a release, the stop */
	pthread_cond_t idle;      /* from the worker: a job ended */
	struct wlane lane[WORKER_LANES_MAX];   /* [0] taken first */
	int nlanes, lane_max;
	struct wjob *done;        /* finished, newest first */
	int pipe[2];
	int stopping, held, running;
};

/* The next job, taken off its lane, or NULL.  Under mu. */
static struct wjob *
worker_take(worker *w)
{
	struct wjob *j;
	int i;

	for (i = 0; i < w->nlanes; i++) {
		struct wlane *ln = &w->lane[i];

		if ((j = ln->head) == NULL)
			continue;
		if ((ln->head = j->next) == NULL)
			ln->tail = &ln->head;
		ln->n--;
		return j;
	}
	return NULL;
}

/* Under mu. */
static int
worker_empty(const worker *w)
{
	int i;

	for (i = 0; i < w->nlanes; i++)
		if (w->lane[i].head != NULL)
			return 0;
	return 1;
}

static void *
worker_main(void *arg)
{
	worker *w = arg;
	struct wjob *j;
	ssize_t n;

	/* Below the loop's thread when asked: on a busy machine the job may
	   wait, the loop should not (on Linux this thread's nice value alone). */
	if (w->nice != 0 && setpriority(PRIO_PROCESS, (id_t)gettid(), w->nice) != 0)
		log_debug("%s: cannot set the worker's priority: %s", w->name, strerror(errno));
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->stopping && (w->held > 0 || worker_empty(w)))
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stopping)
			break;
		if ((j = worker_take(w)) == NULL)
			continue;
		w->running = 1;
		pthread_mutex_unlock(&w->mu);
		j->run(j->arg);
		pthread_mutex_lock(&w->mu);
		w->running = 0;
		pthread_cond_broadcast(&w->idle);
		j->next = w->done;
		w->done = j;
		do
			n = write(w->pipe[1], "", 1);
		while (n < 0 && errno == EINTR);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* On the loop's thread: the done functions of the finished jobs, oldest first. */
static void
worker_on_fd(int fd, short revents, void *arg)
{
	worker *w = arg;
	struct wjob *list, *rev = NULL, *j;
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
		j->done(j->arg, 1);
		free(j);
	}
}

worker *
worker_start(loop *l, const char *name, int nice, int lanes, int lane_max)
{
	worker *w = xcalloc(1, sizeof *w);
	int i;

	if (lanes < 1 || lanes > WORKER_LANES_MAX)
		fatalx("%s: %d lanes (1 to %d)", name, lanes, WORKER_LANES_MAX);
	w->loop = l;
	snprintf(w->name, sizeof w->name, "%s", name);
	w->nice = nice;
	w->nlanes = lanes;
	w->lane_max = lane_max;
	for (i = 0; i < lanes; i++)
		w->lane[i].tail = &w->lane[i].head;
	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		fatal("%s: pipe", name);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_cond_init(&w->idle, NULL);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
		fatalx("%s: cannot start the worker thread", name);
	loop_add_fd(l, w->pipe[0], POLLIN, worker_on_fd, w);
	return w;
}

int
worker_submit(worker *w, int lane, worker_run_fn *run, worker_done_fn *done, void *arg)
{
	struct wlane *ln;
	struct wjob *j;

	if (lane < 0 || lane >= w->nlanes)
		lane = w->nlanes - 1;
	ln = &w->lane[lane];
	pthread_mutex_lock(&w->mu);
	if (w->lane_max > 0 && ln->n >= w->lane_max) {
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->run = run;
	j->done = done;
	j->arg = arg;
	*ln->tail = j;
	ln->tail = &j->next;
	ln->n++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

void
worker_hold(worker *w)
{
	pthread_mutex_lock(&w->mu);
	w->held++;
	while (w->running)
		pthread_cond_wait(&w->idle, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

void
worker_release(worker *w)
{
	pthread_mutex_lock(&w->mu);
	if (w->held > 0)
		w->held--;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
worker_stop(worker *w)
{
	struct wjob *j;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	/* Answer what finished, then what never ran. */
	worker_on_fd(w->pipe[0], POLLIN, w);
	while ((j = worker_take(w)) != NULL) {
		j->done(j->arg, 0);
		free(j);
	}
	loop_del_fd(w->loop, w->pipe[0]);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	pthread_cond_destroy(&w->idle);
	free(w);
}
