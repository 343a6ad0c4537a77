/*
 * test_ktrans.c - English for the demo catalogue's fees and times (every
 * value it holds) and the priority classes; anything else comes back in
 * Vietnamese, unchanged, reported as not translated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "displays/ktrans.h"

#define FEE(vi, en) do { char t_[128]; assert_int_equal(ktrans_fee(vi, t_, sizeof t_), 1); \
	assert_string_equal(t_, en); } while (0)
#define TIME(vi, en) do { char t_[128]; assert_int_equal(ktrans_time(vi, t_, sizeof t_), 1); \
	assert_string_equal(t_, en); } while (0)

static void
test_fees(void **state)
{
	char o[128];

	(void)state;
	FEE("Miễn phí", "Free");
	FEE("150.000 đồng/hồ sơ", "150,000 VND per application");
	FEE("50.000 đồng/lần", "50,000 VND per time");
	FEE("1.000.000 đồng/hồ sơ", "1,000,000 VND per application");
	FEE("Theo quy định của Bộ Tài chính", "As set by the Ministry of Finance");
	FEE("100.000 đồng/hồ sơ", "100,000 VND per application");
	FEE("500.000 đồng/hồ sơ", "500,000 VND per application");
	FEE("200.000 đồng/giấy phép", "200,000 VND per licence");
	FEE("30.000 đồng/lần", "30,000 VND per time");
	FEE("2.000 đồng", "2,000 VND");
	assert_int_equal(ktrans_fee("Theo thoả thuận", o, sizeof o), 0);
	assert_string_equal(o, "Theo thoả thuận");
	assert_int_equal(ktrans_fee("50.000 đồng/tờ khai", o, sizeof o), 0);
	assert_string_equal(o, "50.000 đồng/tờ khai");
	assert_int_equal(ktrans_fee("", o, sizeof o), 0);
	assert_string_equal(o, "");
}

static void
test_times(void **state)
{
	char o[128];

	(void)state;
	TIME("10 ngày làm việc", "10 working days");
	TIME("15 ngày làm việc", "15 working days");
	TIME("03 ngày làm việc", "3 working days");
	TIME("01 ngày làm việc", "1 working day");
	TIME("30 ngày", "30 days");
	TIME("Trong ngày làm việc", "The same working day");
	assert_int_equal(ktrans_time("Ngay khi nhận đủ hồ sơ", o, sizeof o), 0);
	assert_string_equal(o, "Ngay khi nhận đủ hồ sơ");
	assert_int_equal(ktrans_time("99999999999999999999 ngày", o, sizeof o), 0);
}

static void
test_priority(void **state)
{
	(void)state;
	assert_string_equal(ktrans_priority("elderly"), "Elderly person");
	assert_non_null(ktrans_priority("veteran"));
	assert_null(ktrans_priority("vip"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fees),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_priority),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
