/*
 * pwcheck.c - one worker thread verifying argon2id hashes.  Jobs go in one
 * of PWCHECK_LANES bounded lists (lanes) under a mutex, a lane always taken
 * before the next; finished jobs go back in another list, and a byte on a
 * pipe wakes the loop, whose callback runs the done functions on its own
 * thread.  Passwords are wiped from memory once checked.
 */
#include "daemon/http/pwcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"
#include "common/pwhash.h"
#include "common/xmalloc.h"

struct pwjob {
	char *hash, *password;
	pwcheck_done_fn *done;
	void *arg;
	int ok;
	struct pwjob *next;
};

struct pwlane {
	struct pwjob *head, **tail;
	int n;
};

struct pwcheck {
	loop *loop;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pwlane lane[PWCHECK_LANES];   /* [0] taken first */
	struct pwjob *done;
	int pipe[2];
	int stopping, held;
};

/* The next job to check, taken off its lane, or NULL.  Under mu. */
static struct pwjob *
pwcheck_take(pwcheck *p)
{
	struct pwjob *j;
	int i;

	for (i = 0; i < PWCHECK_LANES; i++) {
		struct pwlane *ln = &p->lane[i];

		if ((j = ln->head) == NULL)
			continue;
		ln->head = j->next;
		if (ln->head == NULL)
			ln->tail = &ln->head;
		ln->n--;
		return j;
	}
	return NULL;
}

static void
pwcheck_free_job(struct pwjob *j)
{
	sodium_memzero(j->password, strlen(j->password));
	free(j->password);
	free(j->hash);
	free(j);
}

/* Under mu. */
static int
pwcheck_empty(const pwcheck *p)
{
	int i;

	for (i = 0; i < PWCHECK_LANES; i++)
		if (p->lane[i].head != NULL)
			return 0;
	return 1;
}

static void *
pwcheck_main(void *arg)
{
	pwcheck *p = arg;
	struct pwjob *j;
	ssize_t n;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stopping && (p->held || pwcheck_empty(p)))
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stopping)
			break;
		if ((j = pwcheck_take(p)) == NULL)
			continue;
		pthread_mutex_unlock(&p->mu);
		j->ok = pwhash_check(j->hash, j->password);
		pthread_mutex_lock(&p->mu);
		j->next = p->done;
		p->done = j;
		do
			n = write(p->pipe[1], "", 1);
		while (n < 0 && errno == EINTR);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* On the loop's thread: answer the finished jobs, oldest first. */
static void
pwcheck_on_fd(int fd, short revents, void *arg)
{
	pwcheck *p = arg;
	struct pwjob *list, *rev = NULL, *j;
	char buf[64];

	(void)revents;
	while (read(fd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&p->mu);
	list = p->done;
	p->done = NULL;
	pthread_mutex_unlock(&p->mu);
	while ((j = list) != NULL) {
		list = j->next;
		j->next = rev;
		rev = j;
	}
	while ((j = rev) != NULL) {
		rev = j->next;
		j->done(j->arg, j->ok);
		pwcheck_free_job(j);
	}
}

pwcheck *
pwcheck_start(loop *l)
{
	pwcheck *p = xcalloc(1, sizeof *p);
	int i;

	p->loop = l;
	for (i = 0; i < PWCHECK_LANES; i++)
		p->lane[i].tail = &p->lane[i].head;
	if (pipe2(p->pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		fatal("pwcheck: pipe");
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->thread, NULL, pwcheck_main, p) != 0)
		fatalx("pwcheck: cannot start the worker thread");
	loop_add_fd(l, p->pipe[0], POLLIN, pwcheck_on_fd, p);
	return p;
}

int
pwcheck_submit(pwcheck *p, const char *hash, const char *password,
    enum pwcheck_lane lane, pwcheck_done_fn *done, void *arg)
{
	struct pwlane *ln;
	struct pwjob *j;

	if ((int)lane < 0 || (int)lane >= PWCHECK_LANES)
		lane = PWCHECK_OTHER;
	ln = &p->lane[lane];
	pthread_mutex_lock(&p->mu);
	if (ln->n >= PWCHECK_QUEUE_MAX) {
		pthread_mutex_unlock(&p->mu);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->hash = xstrdup(hash);
	j->password = xstrdup(password);
	j->done = done;
	j->arg = arg;
	*ln->tail = j;
	ln->tail = &j->next;
	ln->n++;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

void
pwcheck_test_hold(pwcheck *p, int hold)
{
	pthread_mutex_lock(&p->mu);
	p->held = hold;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void
pwcheck_stop(pwcheck *p)
{
	struct pwjob *j;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	/* Answer what finished, then what never ran. */
	pwcheck_on_fd(p->pipe[0], POLLIN, p);
	while ((j = pwcheck_take(p)) != NULL) {
		j->done(j->arg, 0);
		pwcheck_free_job(j);
	}
	loop_del_fd(p->loop, p->pipe[0]);
	close(p->pipe[0]);
	close(p->pipe[1]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}
