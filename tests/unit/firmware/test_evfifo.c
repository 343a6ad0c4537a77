/*
 * test_evfifo.c - the event FIFO: order, acknowledgement only of the head's
 * exact sequence number, idempotent repeats, overflow, wrap past 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/evfifo.h"

static void test_push_ack_order(void **state)
{
	evfifo f;
	(void)state;
	evfifo_init(&f);
	assert_null(evfifo_head(&f));
	assert_int_equal(evfifo_push(&f, BOARD_EVK_KEY, BOARD_KEY_NEXT, 0xFFFF, 10), 1);
	assert_int_equal(evfifo_push(&f, BOARD_EVK_KEY, BOARD_KEY_RECALL, 12, 20), 2);
	assert_int_equal(f.count, 2);
	assert_int_equal(evfifo_head(&f)->key, BOARD_KEY_NEXT);
	/* a wrong sequence number changes nothing */
	assert_int_equal(evfifo_ack(&f, 2), 0);
	assert_int_equal(evfifo_ack(&f, 0), 0);
	assert_int_equal(f.count, 2);
	assert_int_equal(evfifo_ack(&f, 1), 1);
	assert_int_equal(f.last_acked, 1);
	/* the same ack again (reply lost, host retries) is harmless */
	assert_int_equal(evfifo_ack(&f, 1), 0);
	assert_int_equal(f.count, 1);
	assert_int_equal(evfifo_head(&f)->seq, 2);
	assert_int_equal(evfifo_head(&f)->value, 12);
	assert_int_equal(evfifo_ack(&f, 2), 1);
	assert_null(evfifo_head(&f));
	assert_int_equal(evfifo_ack(&f, 2), 0);
}

static void test_overflow(void **state)
{
	evfifo f;
	(void)state;
	evfifo_init(&f);
	for (int i = 0; i < BOARD_EVT_DEPTH; i++)
		assert_int_equal(evfifo_push(&f, BOARD_EVK_RATING, 1, 0xFFFF, 0), i + 1);
	assert_int_equal(evfifo_push(&f, BOARD_EVK_RATING, 2, 0xFFFF, 0), 0);
	assert_int_equal(f.dropped, 1);
	assert_int_equal(f.count, BOARD_EVT_DEPTH);
	/* the ring wraps: ack two, push two, order kept */
	assert_int_equal(evfifo_ack(&f, 1), 1);
	assert_int_equal(evfifo_ack(&f, 2), 1);
	assert_int_equal(evfifo_push(&f, BOARD_EVK_KEY, 3, 0xFFFF, 0), BOARD_EVT_DEPTH + 1);
	assert_int_equal(evfifo_push(&f, BOARD_EVK_KEY, 4, 0xFFFF, 0), BOARD_EVT_DEPTH + 2);
	for (int s = 3; s <= BOARD_EVT_DEPTH + 2; s++) {
		assert_int_equal(evfifo_head(&f)->seq, s);
		assert_int_equal(evfifo_ack(&f, (uint16_t)s), 1);
	}
	assert_int_equal(f.count, 0);
}

static void test_sequence_wraps_past_zero(void **state)
{
	evfifo f;
	(void)state;
	evfifo_init(&f);
	f.next_seq = 0xFFFF;
	assert_int_equal(evfifo_push(&f, BOARD_EVK_KEY, 1, 0xFFFF, 0), 0xFFFF);
	assert_int_equal(evfifo_push(&f, BOARD_EVK_KEY, 1, 0xFFFF, 0), 1);
	assert_int_equal(evfifo_ack(&f, 0xFFFF), 1);
	assert_int_equal(evfifo_head(&f)->seq, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_ack_order),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_sequence_wraps_past_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
