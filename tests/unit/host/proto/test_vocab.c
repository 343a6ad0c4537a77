/*
 * test_vocab.c - unit tests of host/proto/vocab.c: the names are pinned
 * (they are the store's file format and the API's words), every value has
 * exactly one name, names map back to their values, and out-of-range values
 * and unknown names have none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto/vocab.h"

/* The names as the store has written them since schema 1. */
static const char *const pinned[VOCAB_KINDS][16] = {
	[VOCAB_EVENT] = { "issued", "called", "recalled", "started", "finished",
	    "no_show", "transferred", "parked", "unparked", "counter_opened",
	    "counter_paused", "counter_closed", "rated", "cancelled", "day_closed" },
	[VOCAB_TICKET_STATE] = { "waiting", "called", "serving", "parked", "done",
	    "no_show", "cancelled" },
	[VOCAB_COUNTER_STATE] = { "closed", "open", "paused" },
	[VOCAB_CHANNEL] = { "kiosk", "counter", "online", "api" },
	[VOCAB_ROLE] = { "staff", "manager", "admin", "kiosk", "display", "metrics" },
};

static void
test_pinned(void **state)
{
	int k, v, n;

	(void)state;
	for (k = 0; k < VOCAB_KINDS; k++) {
		for (n = 0; n < 16 && pinned[k][n] != NULL; n++)
			;
		assert_int_equal(vocab_max((enum vocab_kind)k), n);
		for (v = 1; v <= n; v++) {
			assert_string_equal(vocab_name((enum vocab_kind)k, v), pinned[k][v - 1]);
			assert_int_equal(vocab_value((enum vocab_kind)k, pinned[k][v - 1]), v);
		}
	}
	assert_string_equal(vocab_name(VOCAB_EVENT, ENGINE_EV_DAY_CLOSED), "day_closed");
	assert_string_equal(vocab_name(VOCAB_ROLE, STORE_ROLE_DISPLAY), "display");
	assert_int_equal(vocab_value(VOCAB_CHANNEL, "online"), ENGINE_CH_ONLINE);
}

static void
test_outside(void **state)
{
	int k;

	(void)state;
	for (k = 0; k < VOCAB_KINDS; k++) {
		assert_null(vocab_name((enum vocab_kind)k, 0));
		assert_null(vocab_name((enum vocab_kind)k, -1));
		assert_null(vocab_name((enum vocab_kind)k, vocab_max((enum vocab_kind)k) + 1));
		assert_int_equal(vocab_value((enum vocab_kind)k, NULL), 0);
		assert_int_equal(vocab_value((enum vocab_kind)k, ""), 0);
		assert_int_equal(vocab_value((enum vocab_kind)k, "Issued"), 0);
	}
	assert_null(vocab_name(VOCAB_KINDS, 1));
	assert_int_equal(vocab_value(VOCAB_KINDS, "issued"), 0);
	assert_int_equal(vocab_max(VOCAB_KINDS), 0);
	/* The same word in two kinds is two values of their own. */
	assert_int_equal(vocab_value(VOCAB_ROLE, "kiosk"), STORE_ROLE_KIOSK);
	assert_int_equal(vocab_value(VOCAB_CHANNEL, "kiosk"), ENGINE_CH_KIOSK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pinned),
		cmocka_unit_test(test_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
