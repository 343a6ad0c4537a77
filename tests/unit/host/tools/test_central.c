/*
 * test_central.c - onestop-central's text: HTML escaping of names from the
 * central database (every special byte, runs between them, UTF-8 intact),
 * CSV fields (quoted when needed, quotes doubled, no spreadsheet formula),
 * and the buffer growing past its first size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
