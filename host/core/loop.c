/*
 * loop.c - poll(2) event loop with millisecond timers.
 *
 * Timers live in a small array scanned for the earliest deadline: the daemon
 * has a handful of them (HTTP timeouts, heartbeats, day rollover, devices), so
 * a heap would buy nothing.  Fds live in a growable array rebuilt into a
 * pollfd array each turn.
 */
#include "core/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xmalloc.h"

struct loop_fd {
	int fd;
	short events;
	loop_fd_fn *fn;
	void *arg;
};

struct loop_timer {
	uint64_t id;
	int64_t when;
	loop_timer_fn *fn;
	void *arg;
};

struct loop {
	struct loop_fd *fds;
	size_t nfds, capfds;
	struct pollfd *pfds;
	struct loop_timer *timers;
	size_t ntimers, captimers;
	uint64_t next_timer_id;
	loop_hook_fn *before_sleep;
	void *before_sleep_arg;
	int no_sleep;
};

int64_t
loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

loop *
loop_new(void)
{
	loop *l = xcalloc(1, sizeof *l);

	l->next_timer_id = 1;
	return l;
}

void
loop_free(loop *l)
{
	if (l == NULL)
		return;
	free(l->fds);
	free(l->pfds);
	free(l->timers);
	free(l);
}

void
loop_add_fd(loop *l, int fd, short events, loop_fd_fn *fn, void *arg)
{
	size_t i;

	for (i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd) {
			l->fds[i] = (struct loop_fd){ fd, events, fn, arg };
			return;
		}
	}
	if (l->nfds == l->capfds) {
		l->capfds = l->capfds ? l->capfds * 2 : 16;
		l->fds = xreallocarray(l->fds, l->capfds, sizeof *l->fds);
		l->pfds = xreallocarray(l->pfds, l->capfds, sizeof *l->pfds);
	}
	l->fds[l->nfds++] = (struct loop_fd){ fd, events, fn, arg };
}

void
loop_del_fd(loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd) {
			l->fds[i] = l->fds[--l->nfds];
			return;
		}
	}
}

uint64_t
loop_add_timer(loop *l, int64_t delay_ms, loop_timer_fn *fn, void *arg)
{
	if (l->ntimers == l->captimers) {
		l->captimers = l->captimers ? l->captimers * 2 : 8;
		l->timers = xreallocarray(l->timers, l->captimers, sizeof *l->timers);
	}
	l->timers[l->ntimers] = (struct loop_timer){ l->next_timer_id++,
		loop_now_ms() + (delay_ms < 0 ? 0 : delay_ms), fn, arg };
	return l->timers[l->ntimers++].id;
}

void
loop_del_timer(loop *l, uint64_t id)
{
	size_t i;

	for (i = 0; i < l->ntimers; i++) {
		if (l->timers[i].id == id) {
			l->timers[i] = l->timers[--l->ntimers];
			return;
		}
	}
}

void
loop_no_sleep(loop *l)
{
	l->no_sleep = 1;
}

void
loop_set_before_sleep(loop *l, loop_hook_fn *fn, void *arg)
{
	l->before_sleep = fn;
	l->before_sleep_arg = arg;
}

/*
 * Run the timers that are due, earliest deadline first; returns ms until the
 * next one, or -1.  A timer re-armed by its callback runs again in this turn
 * only if its new deadline has passed too.
 */
static int
loop_run_timers(loop *l)
{
	int64_t now = loop_now_ms(), next = -1, delay;
	size_t i, best;
	uint64_t id;

	for (;;) {
		best = l->ntimers;
		for (i = 0; i < l->ntimers; i++)
			if (l->timers[i].when <= now &&
			    (best == l->ntimers || l->timers[i].when < l->timers[best].when))
				best = i;
		if (best == l->ntimers)
			break;
		id = l->timers[best].id;
		delay = l->timers[best].fn(l->timers[best].arg);
		/* The callback may have added or removed timers. */
		for (i = 0; i < l->ntimers && l->timers[i].id != id; i++)
			;
		if (i == l->ntimers)
			continue;
		if (delay == LOOP_NO_MORE)
			l->timers[i] = l->timers[--l->ntimers];
		else
			l->timers[i].when = loop_now_ms() + (delay < 1 ? 1 : delay);
		now = loop_now_ms();
	}
	for (i = 0; i < l->ntimers; i++) {
		delay = l->timers[i].when - now;
		if (delay < 0)
			delay = 0;
		if (next < 0 || delay < next)
			next = delay;
	}
	return next > 3600000 ? 3600000 : (int)next;
}

/* One turn: due timers, the before-sleep hook, one poll, fd callbacks. */
static int
loop_turn(loop *l, int max_wait_ms, const sigset_t *sleepmask,
    volatile sig_atomic_t *stop)
{
	struct timespec ts, *tsp = NULL;
	size_t i, j, n;
	int timeout, rc;

	timeout = loop_run_timers(l);
	if (max_wait_ms >= 0 && (timeout < 0 || timeout > max_wait_ms))
		timeout = max_wait_ms;
	l->no_sleep = 0;
	if (l->before_sleep != NULL)
		l->before_sleep(l->before_sleep_arg);
	if (stop != NULL && *stop)
		return 0;
	if (l->no_sleep)
		timeout = 0;
	n = l->nfds;
	for (i = 0; i < n; i++) {
		l->pfds[i].fd = l->fds[i].fd;
		l->pfds[i].events = l->fds[i].events;
		l->pfds[i].revents = 0;
	}
	if (timeout >= 0) {
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (long)(timeout % 1000) * 1000000;
		tsp = &ts;
	}
	rc = ppoll(l->pfds, n, tsp, sleepmask);
	if (rc < 0)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < n && rc > 0; i++) {
		struct pollfd *p = &l->pfds[i];
		if (p->revents == 0)
			continue;
		rc--;
		/* Find the registration again: a callback may have removed
		   or replaced fds. */
		for (j = 0; j < l->nfds && l->fds[j].fd != p->fd; j++)
			;
		if (j < l->nfds)
			l->fds[j].fn(p->fd, p->revents, l->fds[j].arg);
	}
	return 0;
}

int
loop_run_once(loop *l, int max_wait_ms)
{
	return loop_turn(l, max_wait_ms, NULL, NULL);
}

int
loop_run(loop *l, volatile sig_atomic_t *stop, const sigset_t *mask)
{
	sigset_t old, sleep;
	int rc = 0, sig;

	sigprocmask(SIG_BLOCK, mask, &old);
	/* While sleeping: the mask as it was, less the signals in `mask`
	   (the caller may have blocked them already, so that the threads it
	   started do not take them). */
	sleep = old;
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(mask, sig) == 1)
			sigdelset(&sleep, sig);
	while (!*stop && rc == 0)
		rc = loop_turn(l, -1, &sleep, stop);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
