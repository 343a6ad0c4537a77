/*
 * test_sse.c - the event-stream parser: pieces of any size, line ends,
 * comments, multi-line data, ids, over-long lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "displays/sse.h"

struct got {
	int n;
	char id[8][64], type[8][64], data[8][256];
};

static void
on_event(void *arg, const char *id, const char *type, const char *data)
{
	struct got *g = arg;

	assert_true(g->n < 8);
	snprintf(g->id[g->n], 64, "%s", id);
	snprintf(g->type[g->n], 64, "%s", type);
	snprintf(g->data[g->n], 256, "%s", data);
	g->n++;
}

static const char stream[] =
    "retry: 2000\n\n"
    ": ping\n\n"
    "id: 118\nevent: called\ndata: {\"id\":118,\"number\":1023}\n\n"
    "id: 119\r\nevent: recalled\r\ndata: a\r\ndata: b\r\n\r\n"
    "data:x\r\rid:120\nevent:issued\ndata:{}\n\n";

static void
check_stream(const struct got *g)
{
	assert_int_equal(g->n, 4);
	assert_string_equal(g->id[0], "118");
	assert_string_equal(g->type[0], "called");
	assert_string_equal(g->data[0], "{\"id\":118,\"number\":1023}");
	assert_string_equal(g->type[1], "recalled");
	assert_string_equal(g->data[1], "a\nb");
	/* "data:x" then CR CR: an event with the last id so far, type message. */
	assert_string_equal(g->id[2], "119");
	assert_string_equal(g->type[2], "message");
	assert_string_equal(g->data[2], "x");
	assert_string_equal(g->id[3], "120");
	assert_string_equal(g->type[3], "issued");
}

static void
test_whole(void **state)
{
	struct got g = { 0 };
	sse *p = sse_new(on_event, &g);

	(void)state;
	sse_feed(p, stream, strlen(stream));
	check_stream(&g);
	assert_string_equal(sse_last_id(p), "120");
	assert_int_equal(sse_comments(p), 1);
	sse_free(p);
}

/* Every split point, and byte by byte, gives the same events. */
static void
test_pieces(void **state)
{
	size_t len = strlen(stream), cut, i;

	(void)state;
	for (cut = 0; cut <= len; cut++) {
		struct got g = { 0 };
		sse *p = sse_new(on_event, &g);

		sse_feed(p, stream, cut);
		sse_feed(p, stream + cut, len - cut);
		check_stream(&g);
		sse_free(p);
	}
	{
		struct got g = { 0 };
		sse *p = sse_new(on_event, &g);

		for (i = 0; i < len; i++)
			sse_feed(p, stream + i, 1);
		check_stream(&g);
		sse_free(p);
	}
}

static void
test_long_line(void **state)
{
	struct got g = { 0 };
	sse *p = sse_new(on_event, &g);
	size_t n = SSE_MAX_LINE + 100;
	char *big = malloc(n);

	(void)state;
	memset(big, 'x', n);
	memcpy(big, "data: ", 6);
	sse_feed(p, "id: 5\n", 6);
	sse_feed(p, big, n);
	sse_feed(p, "\n\nid: 6\ndata: ok\n\n", 18);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.id[0], "6");
	assert_string_equal(g.data[0], "ok");
	assert_int_equal(sse_dropped(p), 1);
	free(big);
	sse_free(p);
}

static void
test_reset(void **state)
{
	struct got g = { 0 };
	sse *p = sse_new(on_event, &g);

	(void)state;
	sse_feed(p, "id: 7\ndata: done\n\nid: 8\ndata: half", 34);
	sse_reset(p);
	sse_feed(p, "\n\n", 2);
	assert_int_equal(g.n, 1);
	assert_string_equal(sse_last_id(p), "8");
	sse_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
