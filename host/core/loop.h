/*
 * loop.h - the daemon's one event loop: file descriptors, timers and a
 * before-sleep hook, on poll(2) and the monotonic clock.
 *
 * One loop owns every fd and timer of the core thread.  Callbacks get the
 * void * given at registration.  A timer callback returns its next delay in
 * milliseconds, or LOOP_NO_MORE to end.  The before-sleep hook runs after all
 * callbacks of a turn and before the loop sleeps: the daemon commits the
 * turn's batch there, then replies.
 */
#ifndef ONESTOP_LOOP_H
#define ONESTOP_LOOP_H

#include <signal.h>
#include <stdint.h>

typedef struct loop loop;

#define LOOP_NO_MORE (-1)

typedef void loop_fd_fn(int fd, short revents, void *arg);
typedef int64_t loop_timer_fn(void *arg);
typedef void loop_hook_fn(void *arg);

loop *loop_new(void);
void loop_free(loop *l);

/* Watch fd for events (POLLIN / POLLOUT); one registration per fd. */
void loop_add_fd(loop *l, int fd, short events, loop_fd_fn *fn, void *arg);
void loop_del_fd(loop *l, int fd);

/* Run fn after delay_ms; returns an id for loop_del_timer (never 0). */
uint64_t loop_add_timer(loop *l, int64_t delay_ms, loop_timer_fn *fn, void *arg);
void loop_del_timer(loop *l, uint64_t id);

void loop_set_before_sleep(loop *l, loop_hook_fn *fn, void *arg);

/* From the before-sleep hook: do not sleep this turn (more work waits). */
void loop_no_sleep(loop *l);

/*
 * Run until *stop becomes non-zero (set from a signal handler).  Signals in
 * `mask` are blocked except while sleeping, so a signal never slips in
 * between the check and the sleep; the caller may block them before it
 * starts its threads, so that only the loop's thread takes them.  Returns
 * 0, or -1 with errno on a poll failure.
 */
int loop_run(loop *l, volatile sig_atomic_t *stop, const sigset_t *mask);

/* One turn, sleeping at most max_wait_ms (-1: until an fd or timer). */
int loop_run_once(loop *l, int max_wait_ms);

/* Monotonic milliseconds. */
int64_t loop_now_ms(void);

#endif
