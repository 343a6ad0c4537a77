/*
 * test_central.c - onestop-central's text: HTML escaping of names from the
 * central database (every special byte, runs between them, UTF-8 intact),
 * CSV fields (quoted when needed, quotes doubled, no spreadsheet formula),
 * and the buffer growing past its first size; what a request says
 * (central_form.c): form fields decoded, refused when not text (%00, not
 * UTF-8), too long or absent; report ranges and a centre account's rights.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/central.h"

static void
test_html(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	buf_html(&b, "Sở Tư pháp <Tiền Giang> & \"A\" 'B'");
	assert_string_equal(b.p, "Sở Tư pháp &lt;Tiền Giang&gt; &amp; &quot;A&quot; &#39;B&#39;");
	b.len = 0;
	buf_html(&b, "");
	assert_int_equal(b.len, 0);
	buf_html(&b, "&&");
	assert_string_equal(b.p, "&amp;&amp;");
	free(b.p);
}

static void
test_csv(void **state)
{
	static const struct { const char *in, *out; } c[] = {
		{ "Sở Tư pháp", "Sở Tư pháp" },
		{ "", "" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "=1+2", "\"'=1+2\"" },
		{ "+84", "\"'+84\"" },
		{ "-1", "\"'-1\"" },
		{ "@x", "\"'@x\"" },
		{ "two\r\nlines", "\"two\r\nlines\"" },
	};
	struct buf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		buf_init(&b);
		buf_csv(&b, c[i].in);
		assert_string_equal(b.p, c[i].out);
		free(b.p);
	}
}

static void
test_grows(void **state)
{
	struct buf b;
	char big[70000];
	int i;

	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_init(&b);
	for (i = 0; i < 3; i++)
		buf_html(&b, big);
	buf_printf(&b, "%s|%d", "<", 42);
	assert_int_equal(b.len, 3 * (sizeof big - 1) + 4);
	assert_string_equal(b.p + 3 * (sizeof big - 1), "<|42");
	free(b.p);
}

static void
test_form(void **state)
{
	char v[16];

	(void)state;
	assert_int_equal(central_form_field("user=tinh&password=a+b%2Bc", "password", v,
	    sizeof v), 5);
	assert_string_equal(v, "a b+c");
	assert_int_equal(central_form_field("username=x&user=Nguy%E1%BB%85n", "user", v,
	    sizeof v), 8);
	assert_string_equal(v, "Nguyễn");
	assert_int_equal(central_form_field("user=", "user", v, sizeof v), 0);
	assert_int_equal(central_form_field("password=x", "user", v, sizeof v), -1);
	assert_int_equal(central_form_field("user", "user", v, sizeof v), -1);
	/* not text: a NUL inside, bytes that are not UTF-8 */
	assert_int_equal(central_form_field("user=tinh%00x", "user", v, sizeof v), -1);
	assert_string_equal(v, "");
	assert_int_equal(central_form_field("user=%C3%28", "user", v, sizeof v), -1);
	assert_int_equal(central_form_field("user=\xff", "user", v, sizeof v), -1);
	/* too long for the buffer (before decoding) */
	assert_int_equal(central_form_field("user=0123456789abcdef", "user", v, sizeof v), -1);
	assert_int_equal(central_form_field("user=0123456789abcde", "user", v, sizeof v), 15);
}

static void
test_range(void **state)
{
	static const struct central_user prov = { "tinh", 1, "" };
	static const struct central_user ctr = { "mytho", 0, "TG-MYTHO" };
	struct central_range rg;
	const char *msg = NULL;
	time_t now = 1764763200;     /* 2025-12-03 12:00 UTC */

	(void)state;
	assert_int_equal(central_range_parse(NULL, NULL, NULL, &prov, now, &rg, &msg), 0);
	assert_string_equal(rg.from, "2025-12-03");
	assert_string_equal(rg.to, "2025-12-03");
	assert_string_equal(rg.centre, "");
	assert_int_equal(central_range_parse("2025-11-01", "2025-11-30", "TG-CAILAY", &prov,
	    now, &rg, &msg), 0);
	assert_string_equal(rg.to, "2025-11-30");
	assert_string_equal(rg.centre, "TG-CAILAY");
	assert_int_equal(central_range_parse("2026-02-30", NULL, NULL, &prov, now, &rg, &msg),
	    400);
	assert_int_equal(central_range_parse("2025-11-01x", NULL, NULL, &prov, now, &rg, &msg),
	    400);
	assert_int_equal(central_range_parse("2025-11-30", "2025-11-01", NULL, &prov, now, &rg,
	    &msg), 400);
	assert_non_null(strstr(msg, "ngày đầu phải trước ngày cuối"));
	assert_int_equal(central_range_parse("2015-01-01", "2025-12-31", NULL, &prov, now, &rg,
	    &msg), 400);
	assert_int_equal(central_range_parse(NULL, NULL, "x';--", &prov, now, &rg, &msg), 400);
	/* a centre account: its own by default, another is 403 */
	assert_int_equal(central_range_parse(NULL, NULL, "", &ctr, now, &rg, &msg), 0);
	assert_string_equal(rg.centre, "TG-MYTHO");
	assert_int_equal(central_range_parse(NULL, NULL, "TG-CAILAY", &ctr, now, &rg, &msg), 403);
	assert_non_null(strstr(msg, "chỉ xem được trung tâm của mình"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_grows),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
