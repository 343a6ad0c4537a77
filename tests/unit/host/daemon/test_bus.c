/*
 * test_bus.c - unit tests of host/daemon/dev/bus.c's pure parts: timing from the baud
 * rate and the frame sizes, and the exactly-once rule for event keys.  The
 * line thread itself is tested against the board simulator
 * (tests/integration/bus/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "daemon/dev/bus.h"
#include "firmware/proto/board_regs.h"

static void
test_timing(void **state)
{
	struct bus_timing t;

	(void)state;
	/* 19,200 8E1: 11 bits, 573 us a character, 3.5 characters of silence. */
	bus_timing_of(19200, 'E', &t);
	assert_int_equal(t.bits, 11);
	assert_int_equal(t.char_us, 573);
	assert_int_equal(t.silence_us, 2006);
	/* 8N1: 10 bits. */
	bus_timing_of(19200, 'N', &t);
	assert_int_equal(t.bits, 10);
	assert_int_equal(t.char_us, 521);
	/* Above 19,200 the silence is fixed at 1,750 us. */
	bus_timing_of(115200, 'N', &t);
	assert_int_equal(t.char_us, 87);
	assert_int_equal(t.silence_us, 1750);
	/* The response timeout covers the request, the silence and the margin,
	 * and stays far below libmodbus's 500 ms default. */
	assert_true(t.response_us >= BUS_POLL_REQ * t.char_us + t.silence_us);
	assert_true(t.response_us < 50000);
	bus_timing_of(9600, 'E', &t);
	assert_true(t.response_us < 50000);
	assert_true(t.byte_us > t.silence_us);
	/* A bad baud falls back to the boards' default. */
	bus_timing_of(0, 'N', &t);
	assert_int_equal(t.char_us, 521);
}

static void
test_frames(void **state)
{
	struct bus_timing t;

	(void)state;
	/* FC04 of 9: request 8 bytes, answer 1+1+1+18+2 = 23. */
	assert_int_equal(BUS_POLL_RSP, 3 + 2 * BOARD_IR_POLL_COUNT + 2);
	assert_int_equal(BUS_WRITE_REQ(2), 13);
	/* The firmware's figure: a poll is 17.8 ms of wire at 19,200 (11 bits). */
	bus_timing_of(19200, 'E', &t);
	assert_int_equal(bus_wire_us(&t, BUS_POLL_REQ, BUS_POLL_RSP),
	    31 * 573 + 2 * 2006);
	assert_true(bus_wire_us(&t, BUS_POLL_REQ, BUS_POLL_RSP) / 1000 == 21);
}

static void
test_dup(void **state)
{
	/* Committed at wall 1000 from a read at board uptime 100 (boot at 900). */
	struct bus_key k = { .valid = 1, .boot = 5, .seq = 7, .uptime = 100, .at = 1000 };
	struct bus_key none = { 0 };

	(void)state;
	/* The same head again, read later: a duplicate. */
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 100, 1000), 1);
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 160, 1060), 1);
	/* ... also a day later within the clock slack. */
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 100 + 86400, 1000 + 86400 + 40), 1);
	/* The next event, another boot, no key at all: new. */
	assert_int_equal(bus_key_is_dup(&k, 5, 8, 160, 1060), 0);
	assert_int_equal(bus_key_is_dup(&k, 6, 7, 160, 1060), 0);
	assert_int_equal(bus_key_is_dup(&none, 5, 7, 100, 1000), 0);
	assert_int_equal(bus_key_is_dup(&k, 5, 0, 100, 1000), 0);
	/* Same boot count and seq after a reset that kept the count (a board
	 * with a blank NVM, a restarted simulator): its uptime went back. */
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 20, 1100), 0);
	/* ... or its boot instant moved on: it booted at 1500, read at 1700. */
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 200, 1700), 0);
	/* Within the slack the boot instant is the same one. */
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 200, 1100 + BUS_BOOT_SLACK_S), 1);
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 200, 1100 + BUS_BOOT_SLACK_S + 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timing),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_dup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
