/*
 * test_loop.c - the event loop: fd callbacks, timers in deadline order,
 * re-arming and ending timers, the before-sleep hook, stopping by flag.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/loop.h"

static volatile sig_atomic_t stop_flag;
static char order[16];
static int norder;

struct tctx {
	char tag;
	int left;          /* fire this many times */
	loop *l;
};

static int64_t
timer_fn(void *arg)
{
	struct tctx *t = arg;

	order[norder++] = t->tag;
	if (--t->left > 0)
		return 5;
	return LOOP_NO_MORE;
}

/* Re-arms itself until its count runs out, then stops the loop. */
static int64_t
rearm_fn(void *arg)
{
	struct tctx *t = arg;

	order[norder++] = t->tag;
	if (--t->left > 0)
		return 2;
	stop_flag = 1;
	return LOOP_NO_MORE;
}

static int64_t
stop_fn(void *arg)
{
	(void)arg;
	stop_flag = 1;
	return LOOP_NO_MORE;
}

static void
test_timers_fire_in_deadline_order(void **state)
{
	loop *l = loop_new();
	struct tctx a = { 'a', 1, l }, b = { 'b', 1, l }, c = { 'c', 1, l };
	struct tctx d = { 'd', 3, l };
	sigset_t mask;

	(void)state;
	sigemptyset(&mask);
	norder = 0;
	stop_flag = 0;
	loop_add_timer(l, 30, timer_fn, &a);
	loop_add_timer(l, 10, timer_fn, &b);
	loop_add_timer(l, 20, timer_fn, &c);
	loop_add_timer(l, 100, stop_fn, NULL);
	assert_int_equal(loop_run(l, &stop_flag, &mask), 0);
	order[norder] = '\0';
	/* Earliest deadline first, however late the loop got to them. */
	assert_string_equal(order, "bca");
	loop_free(l);

	/* A timer that re-arms itself fires until it says no more. */
	l = loop_new();
	norder = 0;
	stop_flag = 0;
	loop_add_timer(l, 1, rearm_fn, &d);
	assert_int_equal(loop_run(l, &stop_flag, &mask), 0);
	assert_int_equal(norder, 3);
	loop_free(l);
}

static void
test_deleted_timer_never_fires(void **state)
{
	loop *l = loop_new();
	struct tctx a = { 'a', 1, l };
	uint64_t id;
	sigset_t mask;

	(void)state;
	sigemptyset(&mask);
	norder = 0;
	stop_flag = 0;
	id = loop_add_timer(l, 5, timer_fn, &a);
	assert_true(id != 0);
	loop_del_timer(l, id);
	loop_add_timer(l, 20, stop_fn, NULL);
	assert_int_equal(loop_run(l, &stop_flag, &mask), 0);
	assert_int_equal(norder, 0);
	loop_free(l);
}

static int fd_seen;
static int sleeps_seen;

static void
fd_fn(int fd, short revents, void *arg)
{
	char buf[8];
	loop *l = arg;

	assert_true(revents & POLLIN);
	assert_int_equal(read(fd, buf, sizeof buf), 3);
	assert_memory_equal(buf, "abc", 3);
	fd_seen++;
	loop_del_fd(l, fd);
	stop_flag = 1;
}

static void
hook_fn(void *arg)
{
	(void)arg;
	sleeps_seen++;
}

static void
test_fd_callback_and_before_sleep(void **state)
{
	loop *l = loop_new();
	int p[2];
	sigset_t mask;

	(void)state;
	sigemptyset(&mask);
	stop_flag = 0;
	fd_seen = sleeps_seen = 0;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "abc", 3), 3);
	loop_add_fd(l, p[0], POLLIN, fd_fn, l);
	loop_set_before_sleep(l, hook_fn, NULL);
	assert_int_equal(loop_run(l, &stop_flag, &mask), 0);
	assert_int_equal(fd_seen, 1);
	assert_true(sleeps_seen >= 1);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

static void
test_monotonic_clock_never_goes_back(void **state)
{
	int64_t a = loop_now_ms(), b = loop_now_ms();

	(void)state;
	assert_true(a > 0);
	assert_true(b >= a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire_in_deadline_order),
		cmocka_unit_test(test_deleted_timer_never_fires),
		cmocka_unit_test(test_fd_callback_and_before_sleep),
		cmocka_unit_test(test_monotonic_clock_never_goes_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
