/*
 * test_nvcfg.c - the NVM configuration record: round trip, and blank,
 * corrupt or out-of-range records refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/nvcfg.h"
#include "proto/board_regs.h"

static void test_round_trip(void **state)
{
	nvcfg a, b;
	uint8_t rec[NVCFG_SIZE];
	(void)state;
	nvcfg_defaults(&a, BOARD_ROLE_CALLER, 0xDEADBEEF);
	a.address = 17;
	a.baud = BOARD_BAUD_115200;
	a.counter = 42;
	a.boot_count = 65000;
	a.wdt_resets = 3;
	nvcfg_encode(&a, rec);
	memset(&b, 0, sizeof b);
	assert_int_equal(nvcfg_decode(rec, sizeof rec, &b), 0);
	assert_memory_equal(&a, &b, sizeof a);
}

static void test_bad_records(void **state)
{
	nvcfg a, b;
	uint8_t rec[NVCFG_SIZE], blank[NVCFG_SIZE];
	(void)state;
	nvcfg_defaults(&a, BOARD_ROLE_NUMBER, 7);
	nvcfg_encode(&a, rec);
	memset(blank, 0xFF, sizeof blank);
	memset(&b, 0x5A, sizeof b);
	assert_int_equal(nvcfg_decode(blank, sizeof blank, &b), -1);
	assert_int_equal(b.address, 0x5A); /* untouched on failure */
	assert_int_equal(nvcfg_decode(rec, NVCFG_SIZE - 1, &b), -1);
	for (size_t i = 0; i < NVCFG_SIZE; i++) {
		rec[i] ^= 0x04;
		assert_int_equal(nvcfg_decode(rec, sizeof rec, &b), -1);
		rec[i] ^= 0x04;
	}
	/* a valid CRC around an out-of-range field is refused too */
	a.address = 0;
	nvcfg_encode(&a, rec);
	assert_int_equal(nvcfg_decode(rec, sizeof rec, &b), -1);
	a.address = 1;
	a.baud = 9;
	nvcfg_encode(&a, rec);
	assert_int_equal(nvcfg_decode(rec, sizeof rec, &b), -1);
}

static void test_defaults(void **state)
{
	nvcfg a;
	(void)state;
	nvcfg_defaults(&a, 99, 5);
	assert_int_equal(a.role, BOARD_ROLE_NUMBER);
	assert_int_equal(a.address, 247);
	assert_int_equal(nvcfg_baud(a.baud), 19200);
	assert_int_equal(a.serial, 5);
	assert_true(nvcfg_valid(&a));
	assert_int_equal(nvcfg_baud(5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
