/*
 * test_strnum.c - the strict number parser: whole decimal numbers within
 * bounds only; everything strtoll would let through (blanks, '+', trailing
 * text, overflow) is refused and leaves the output alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/strnum.h"

static void
test_accepts_whole_numbers_in_range(void **state)
{
	long long v = 0;

	(void)state;
	assert_int_equal(strnum_parse("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(strnum_parse("9999", 1, 9999, &v), 0);
	assert_int_equal(v, 9999);
	assert_int_equal(strnum_parse("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(strnum_parse("0007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(strnum_parse("9223372036854775807", 0, INT64_MAX, &v), 0);
	assert_true(v == INT64_MAX);
}

static void
test_refuses_everything_else(void **state)
{
	static const char *const bad[] = { "", " 1", "1 ", "+1", "1x", "x1", "0x10",
		"1.5", "-", "--1", "1e3", "10000", "-11", "9223372036854775808",
		"99999999999999999999" };
	long long v = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(strnum_parse(bad[i], -10, 9999, &v), -1);
		assert_int_equal(v, 42);
	}
	assert_int_equal(strnum_parse(NULL, 0, 10, &v), -1);
	assert_int_equal(v, 42);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_whole_numbers_in_range),
		cmocka_unit_test(test_refuses_everything_else),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
