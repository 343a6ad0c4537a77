/*
 * test_waittext.c - unit tests of host/common/waittext.c: the single figure
 * (minutes rounded up), the range of a long wait and one that starts at 0,
 * in Vietnamese (NFC, with the en dash) and English, and a small buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/vntext.h"
#include "common/waittext.h"

/* Whether s is valid UTF-8 and already NFC. */
static int
is_nfc(const char *s)
{
	char *n = vntext_nfc(s);
	int ok = n != NULL && strcmp(n, s) == 0;

	free(n);
	return ok && vntext_valid_utf8(s, strlen(s));
}

static void
test_figure(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(waittext_format(b, sizeof b, 0, 0, 0, 0), 0);
	assert_string_equal(b, "0 phút");
	assert_int_equal(waittext_format(b, sizeof b, 61, 61, 61, 0), 0);
	assert_string_equal(b, "2 phút");
	assert_int_equal(waittext_format(b, sizeof b, 240, 240, 240, 1), 0);
	assert_string_equal(b, "4 min");
	assert_true(is_nfc("0 phút"));
}

static void
test_range(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(waittext_format(b, sizeof b, 2700, 2400, 3300, 0), 1);
	assert_string_equal(b, "khoảng 40\xe2\x80\x93" "55 phút");
	assert_true(is_nfc(b));
	/* The dash is one character: "khoảng 40–55 phút" is 17. */
	assert_int_equal(vntext_length(b), 17);
	assert_int_equal(waittext_format(b, sizeof b, 2700, 2400, 3300, 1), 1);
	assert_string_equal(b, "about 40\xe2\x80\x93" "55 min");
	/* From 0: "under". */
	assert_int_equal(waittext_format(b, sizeof b, 300, 0, 600, 0), 1);
	assert_string_equal(b, "dưới 10 phút");
	assert_true(is_nfc(b));
	assert_int_equal(waittext_format(b, sizeof b, 300, 0, 600, 1), 1);
	assert_string_equal(b, "under 10 min");
	/* A huge wait. */
	assert_int_equal(waittext_format(b, sizeof b, 36000, 21600, 36000, 0),
	    1);
	assert_string_equal(b, "khoảng 360\xe2\x80\x93" "600 phút");
	/* Cut to the buffer, still terminated. */
	assert_int_equal(waittext_format(b, 8, 2700, 2400, 3300, 0), 1);
	assert_int_equal(strlen(b), 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figure),
		cmocka_unit_test(test_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
