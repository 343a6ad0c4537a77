/*
 * test_keys.c - debouncing: bounces shorter than the debounce time press
 * nothing, a press counts once however long it is held, release re-arms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/keys.h"

/* Feed raw every ms from t for dur ms; return OR of presses, count in *n. */
static uint32_t feed(keys *k, uint32_t raw, uint32_t *t, uint32_t dur, int *n)
{
	uint32_t all = 0;
	for (uint32_t i = 0; i < dur; i++) {
		uint32_t p = keys_update(k, raw, *t);
		if (p) {
			all |= p;
			(*n)++;
		}
		*t += 1000;
	}
	return all;
}

static void test_bounce_ignored(void **state)
{
	keys k;
	uint32_t t = 5000;
	int n = 0;
	(void)state;
	keys_init(&k, 0, t);
	for (int i = 0; i < 20; i++) {
		feed(&k, 1, &t, 3, &n);
		feed(&k, 0, &t, 2, &n);
	}
	assert_int_equal(n, 0);
	assert_int_equal(k.stable, 0);
}

static void test_press_once_no_repeat(void **state)
{
	keys k;
	uint32_t t = 0;
	int n = 0;
	(void)state;
	keys_init(&k, 0, t);
	/* a few bounces, then held for five seconds */
	feed(&k, 4, &t, 2, &n);
	feed(&k, 0, &t, 1, &n);
	assert_int_equal(feed(&k, 4, &t, 5000, &n), 4);
	assert_int_equal(n, 1);
	/* released (bouncing), pressed again: a second press */
	feed(&k, 0, &t, 100, &n);
	assert_int_equal(n, 1);
	assert_int_equal(feed(&k, 4, &t, 100, &n), 4);
	assert_int_equal(n, 2);
}

static void test_held_at_start_and_timer_wrap(void **state)
{
	keys k;
	uint32_t t = 0xFFFFF000u; /* the microsecond clock wraps in the middle */
	int n = 0;
	(void)state;
	keys_init(&k, 1, t);
	feed(&k, 1, &t, 100, &n);
	assert_int_equal(n, 0);       /* held at power-up: not a press */
	feed(&k, 0, &t, 50, &n);
	assert_int_equal(feed(&k, 1, &t, 50, &n), 1);
	assert_int_equal(n, 1);
	/* just under the debounce time is not enough */
	feed(&k, 0, &t, 50, &n);
	feed(&k, 2, &t, KEYS_DEBOUNCE_US / 1000 - 1, &n);
	feed(&k, 0, &t, 50, &n);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounce_ignored),
		cmocka_unit_test(test_press_once_no_repeat),
		cmocka_unit_test(test_held_at_start_and_timer_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
