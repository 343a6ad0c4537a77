/*
 * test_ctl_text.c - display width, padding and event lines of onestopctl.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tools/ctl_text.h"

static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(ctl_text_width(""), 0);
	assert_int_equal(ctl_text_width("Quay 5"), 6);
	/* Precomposed letters: one column each, several bytes. */
	assert_int_equal(ctl_text_width("Quầy 5"), 6);
	assert_int_equal(ctl_text_width("Đăng ký khai sinh"), 17);
	/* NFD: "e" + combining circumflex + combining acute = 1 column. */
	assert_int_equal(ctl_text_width("e\xcc\x82\xcc\x81"), 1);
	/* Invalid UTF-8 counts bytes. */
	assert_int_equal(ctl_text_width("\xff\xfe"), 2);
}

static void
test_pad(void **state)
{
	char buf[64] = "";

	(void)state;
	ctl_text_pad(buf, sizeof buf, "Hộ tịch", 10, 0);
	assert_string_equal(buf, "Hộ tịch   ");
	assert_int_equal(ctl_text_width(buf), 10);
	buf[0] = '\0';
	ctl_text_pad(buf, sizeof buf, "12", 5, 1);
	assert_string_equal(buf, "   12");
	/* Too wide: kept whole. */
	buf[0] = '\0';
	ctl_text_pad(buf, sizeof buf, "Chứng thực", 3, 0);
	assert_string_equal(buf, "Chứng thực");
	/* Cut on a character boundary: "Đ" is 2 bytes, room for 1 + NUL. */
	{
		char small[3] = "a";
		ctl_text_pad(small, sizeof small, "Đ", 0, 0);
		assert_string_equal(small, "a");
	}
}

static void
test_event(void **state)
{
	char line[256];
	struct ctl_event ev = { 0 };

	(void)state;
	ev.type = "called";
	ev.at = 9 * 3600 + 14 * 60 + 2;     /* 09:14:02 UTC, 1970-01-01 */
	ev.number = 1023;
	ev.counter = 5;
	ctl_text_event(&ev, line, sizeof line);
	assert_string_equal(line, "09:14:02 Gọi số 1023 đến quầy 5");

	ev.type = "counter_paused";
	ev.reason = "Họp giao ban";
	ctl_text_event(&ev, line, sizeof line);
	assert_string_equal(line, "09:14:02 Quầy 5 tạm nghỉ: Họp giao ban");

	ev.type = "rated";
	ev.value = 1;
	ctl_text_event(&ev, line, sizeof line);
	assert_string_equal(line, "09:14:02 Quầy 5 được đánh giá: Rất hài lòng");

	ev.type = "something_new";
	ctl_text_event(&ev, line, sizeof line);
	assert_non_null(strstr(line, "something_new"));

	/* A short buffer still ends on a character boundary. */
	ev.type = "called";
	ctl_text_event(&ev, line, 15);      /* "09:14:02 Gọi" is 14 bytes */
	assert_string_equal(line, "09:14:02 Gọi");
	ctl_text_event(&ev, line, 14);
	assert_string_equal(line, "09:14:02 Gọ");
	ctl_text_event(&ev, line, 13);      /* "ọ" (3 bytes) no longer fits */
	assert_string_equal(line, "09:14:02 G");
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(ctl_text_counter_state("open"), "Mở");
	assert_string_equal(ctl_text_counter_state("paused"), "Tạm nghỉ");
	assert_string_equal(ctl_text_ticket_state("serving"), "Đang phục vụ");
	assert_string_equal(ctl_text_ticket_state("xyz"), "xyz");
	assert_string_equal(ctl_text_rating(4), "Không hài lòng");
	assert_string_equal(ctl_text_rating(9), "?");
}

/* Figures as the pages print them: rounded m:ss, decimal comma, grouped counts. */
static void
test_figures(void **state)
{
	char b[64];

	(void)state;
	ctl_text_dur(1972.9, b, sizeof b);
	assert_string_equal(b, "32:53");          /* rounded, not cut to 32:52 */
	ctl_text_dur(59.5, b, sizeof b);
	assert_string_equal(b, "1:00");
	ctl_text_dur(4000, b, sizeof b);
	assert_string_equal(b, "1:06:40");
	ctl_text_dur(NAN, b, sizeof b);
	assert_string_equal(b, "—");
	ctl_text_dec(4.6, 1, b, sizeof b);
	assert_string_equal(b, "4,6");
	ctl_text_dec(1234.56, 1, b, sizeof b);
	assert_string_equal(b, "1.234,6");
	ctl_text_dec(-0.25, 1, b, sizeof b);
	assert_true(strcmp(b, "-0,2") == 0 || strcmp(b, "-0,3") == 0);
	ctl_text_dec(NAN, 1, b, sizeof b);
	assert_string_equal(b, "—");
	ctl_text_count(19256, b, sizeof b);
	assert_string_equal(b, "19.256");
	ctl_text_count(606, b, sizeof b);
	assert_string_equal(b, "606");
	ctl_text_count(1000000, b, sizeof b);
	assert_string_equal(b, "1.000.000");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_pad),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_figures),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
