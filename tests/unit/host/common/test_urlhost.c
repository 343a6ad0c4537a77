/*
 * test_urlhost.c - the host of an Origin or Referer: with and without a
 * port or a path; "null", no scheme, an empty host, a user@ part and a host
 * too long for the buffer name none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/urlhost.h"

static void
test_hosts(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(urlhost("http://127.0.0.1:8090", out, sizeof out), 0);
	assert_string_equal(out, "127.0.0.1:8090");
	assert_int_equal(urlhost("https://tinh.gov.vn/?from=2026-01-01#x", out, sizeof out), 0);
	assert_string_equal(out, "tinh.gov.vn");
	assert_int_equal(urlhost("https://[::1]:8/a", out, sizeof out), 0);
	assert_string_equal(out, "[::1]:8");
}

static void
test_none(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(urlhost("null", out, sizeof out), -1);
	assert_int_equal(urlhost("http://", out, sizeof out), -1);
	assert_int_equal(urlhost("http:///path", out, sizeof out), -1);
	assert_int_equal(urlhost("http://me@evil.example", out, sizeof out), -1);
	assert_int_equal(urlhost("http://0123456789abcdef.vn", out, sizeof out), -1);
	assert_int_equal(urlhost("http://0123456789abcdef", out, sizeof out), -1);
	assert_int_equal(urlhost("http://0123456789abcde", out, sizeof out), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
