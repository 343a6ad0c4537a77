/*
 * test_vnnum.c - Vietnamese number words and the call sentence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "displays/vnnum.h"

static void
expect_words(long n, const char *want)
{
	char buf[256];
	int len = vnnum_words(n, buf, sizeof buf);

	assert_int_equal(len, (int)strlen(want));
	assert_string_equal(buf, want);
}

static void
test_small(void **state)
{
	(void)state;
	expect_words(0, "không");
	expect_words(1, "một");
	expect_words(5, "năm");
	expect_words(10, "mười");
	expect_words(11, "mười một");
	expect_words(14, "mười bốn");
	expect_words(15, "mười lăm");
	expect_words(20, "hai mươi");
	expect_words(21, "hai mươi mốt");
	expect_words(24, "hai mươi tư");
	expect_words(25, "hai mươi lăm");
	expect_words(99, "chín mươi chín");
}

static void
test_hundreds(void **state)
{
	(void)state;
	expect_words(100, "một trăm");
	expect_words(101, "một trăm linh một");
	expect_words(105, "một trăm linh năm");
	expect_words(110, "một trăm mười");
	expect_words(115, "một trăm mười lăm");
	expect_words(321, "ba trăm hai mươi mốt");
}

static void
test_thousands(void **state)
{
	(void)state;
	expect_words(1000, "một nghìn");
	expect_words(1005, "một nghìn không trăm linh năm");
	expect_words(1010, "một nghìn không trăm mười");
	expect_words(1023, "một nghìn không trăm hai mươi ba");
	expect_words(1100, "một nghìn một trăm");
	expect_words(2004, "hai nghìn không trăm linh bốn");
	expect_words(9999, "chín nghìn chín trăm chín mươi chín");
	expect_words(15000, "mười lăm nghìn");
	expect_words(1000005, "một triệu không trăm linh năm");
}

static void
test_errors(void **state)
{
	char small[6], buf[64];

	(void)state;
	assert_int_equal(vnnum_words(-1, buf, sizeof buf), -1);
	assert_string_equal(buf, "");
	assert_int_equal(vnnum_words(VNNUM_MAX + 1, buf, sizeof buf), -1);
	/* "một nghìn" does not fit in 6 bytes. */
	assert_int_equal(vnnum_words(1000, small, sizeof small), -1);
	assert_string_equal(small, "");
	assert_int_equal(vnnum_words(1, buf, 0), -1);
}

static void
test_sentence(void **state)
{
	char buf[256];

	(void)state;
	assert_true(vnnum_call_sentence(1023, 5, 0, buf, sizeof buf) > 0);
	assert_string_equal(buf, "Mời công dân có số một nghìn không trăm hai mươi ba đến quầy số năm");
	assert_true(vnnum_call_sentence(15, 21, 1, buf, sizeof buf) > 0);
	assert_string_equal(buf, "Xin nhắc lại. Mời công dân có số mười lăm đến quầy số hai mươi mốt");
	assert_int_equal(vnnum_call_sentence(1, 1, 0, buf, 10), -1);
	assert_string_equal(buf, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_hundreds),
		cmocka_unit_test(test_thousands),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_sentence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
