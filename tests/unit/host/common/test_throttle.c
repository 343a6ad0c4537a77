/*
 * test_throttle.c - login failure throttling: free failures, then a lock
 * that doubles up to its cap, forgetting after a quiet while or on
 * success, marks, and a full table that keeps the locked keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include <sodium.h>

#include "common/throttle.h"

#define T0 1000000

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static void
test_free_failures_then_doubling_locks(void **state)
{
	throttle *t = throttle_new(64, 3, 1000, 8000);
	int64_t now = T0;

	(void)state;
	assert_int_equal(throttle_wait(t, "nv01", now), 0);
	assert_int_equal(throttle_fail(t, "nv01", now), 0);
	assert_int_equal(throttle_fail(t, "nv01", now), 0);
	assert_int_equal(throttle_wait(t, "nv01", now), 0);
	assert_int_equal(throttle_failures(t, "nv01", now), 2);
	/* The third failure locks 1 s, then 2, 4, 8, 8 (the cap). */
	assert_int_equal(throttle_fail(t, "nv01", now), 1000);
	assert_int_equal(throttle_wait(t, "nv01", now), 1000);
	assert_int_equal(throttle_wait(t, "nv01", now + 400), 600);
	assert_int_equal(throttle_wait(t, "nv01", now + 1000), 0);
	assert_int_equal(throttle_fail(t, "nv01", now + 1000), 2000);
	assert_int_equal(throttle_fail(t, "nv01", now + 3000), 4000);
	assert_int_equal(throttle_fail(t, "nv01", now + 7000), 8000);
	assert_int_equal(throttle_fail(t, "nv01", now + 15000), 8000);
	/* Other keys are not touched. */
	assert_int_equal(throttle_wait(t, "nv02", now + 15000), 0);
	assert_int_equal(throttle_failures(t, "nv02", now), 0);
	/* A success forgets. */
	throttle_forget(t, "nv01");
	assert_int_equal(throttle_wait(t, "nv01", now + 15000), 0);
	assert_int_equal(throttle_fail(t, "nv01", now + 15000), 0);
	throttle_free(t);
}

static void
test_forgets_after_a_quiet_while(void **state)
{
	throttle *t = throttle_new(64, 2, 1000, 8000);
	int64_t now = T0;

	(void)state;
	throttle_fail(t, "127.0.0.2", now);
	assert_int_equal(throttle_fail(t, "127.0.0.2", now), 1000);
	now += THROTTLE_FORGET_MS + 1000;
	assert_int_equal(throttle_failures(t, "127.0.0.2", now), 0);
	assert_int_equal(throttle_fail(t, "127.0.0.2", now), 0);
	throttle_free(t);
}

static void
test_marks(void **state)
{
	throttle *t = throttle_new(64, 1, 1000, 8000);

	(void)state;
	assert_false(throttle_marked(t, "admin\n127.0.0.1", T0));
	throttle_mark(t, "admin\n127.0.0.1", T0);
	assert_true(throttle_marked(t, "admin\n127.0.0.1", T0 + 60000));
	assert_false(throttle_marked(t, "admin\n127.0.0.2", T0));
	throttle_forget(t, "admin\n127.0.0.1");
	assert_false(throttle_marked(t, "admin\n127.0.0.1", T0));
	throttle_free(t);
}

/* A flood of new keys (each one failure, not locked) cannot push a locked
 * key out of a full table. */
static void
test_full_table_keeps_locks(void **state)
{
	throttle *t = throttle_new(64, 2, 60000, 60000);
	char key[32];
	int i;

	(void)state;
	assert_int_equal(throttle_fail(t, "admin", T0), 0);
	assert_int_equal(throttle_fail(t, "admin", T0), 60000);
	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "ghost-%d", i);
		throttle_fail(t, key, T0 + 1);
	}
	/* The table did not grow, and admin is still locked. */
	assert_true(throttle_wait(t, "admin", T0 + 2) > 0);
	throttle_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_failures_then_doubling_locks),
		cmocka_unit_test(test_forgets_after_a_quiet_while),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_full_table_keeps_locks),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
