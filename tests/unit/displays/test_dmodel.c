/*
 * test_dmodel.c - the wall display's model: state snapshots, events, the
 * call history, waiting counts, filters and the announce decision.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "displays/dmodel.h"

#define NOW 1764300000

static const char state_json[] =
    "{\"day\":\"2026-11-28\",\"centre\":\"Trung tâm Phục vụ hành chính công tỉnh\","
    "\"last_event_id\":100,\"notice\":\"Chiều thứ Bảy nghỉ làm việc.\","
    "\"queues\":[{\"code\":\"TP-HT\",\"name\":\"Hộ tịch\",\"department\":\"TP\",\"waiting\":2},"
    "{\"code\":\"XD-CP\",\"name\":\"Cấp phép xây dựng\",\"department\":\"XD\",\"waiting\":1}],"
    "\"counters\":["
    "{\"number\":1,\"name\":\"Quầy 1\",\"department\":\"TP\",\"area\":\"A\",\"state\":\"open\","
    "\"ticket\":{\"id\":7,\"number\":1001,\"called_at\":1764299000}},"
    "{\"number\":2,\"name\":\"Quầy 2\",\"department\":\"TP\",\"area\":\"A\",\"state\":\"open\",\"ticket\":null},"
    "{\"number\":5,\"name\":\"Quầy 5\",\"department\":\"XD\",\"area\":\"B\",\"state\":\"paused\","
    "\"ticket\":{\"id\":9,\"number\":2001,\"called_at\":1764299500}}],"
    "\"waiting\":[{\"id\":10,\"queue\":\"TP-HT\",\"state\":\"waiting\"},"
    "{\"id\":11,\"queue\":\"TP-HT\",\"state\":\"waiting\"},"
    "{\"id\":12,\"queue\":\"XD-CP\",\"state\":\"waiting\"},"
    "{\"id\":13,\"queue\":\"XD-CP\",\"state\":\"parked\"}]}";

static int
ev(struct dmodel *m, int64_t id, const char *type, int64_t ticket, int number,
    const char *queue, int counter, int64_t at, int64_t now_ms, struct dmodel_call *out)
{
	char buf[512];

	snprintf(buf, sizeof buf, "{\"id\":%lld,\"type\":\"%s\",\"at\":%lld,\"ticket\":%lld,"
	    "\"number\":%d,\"queue\":\"%s\",\"counter\":%d,\"staff\":1,\"value\":1,\"reason\":\"\"}",
	    (long long)id, type, (long long)at, (long long)ticket, number, queue, counter);
	return dmodel_apply_event(m, buf, NOW, now_ms, out);
}

static void
test_state(void **state)
{
	struct dmodel m;
	struct dmodel_counter *c;

	(void)state;
	dmodel_init(&m);
	assert_int_equal(dmodel_apply_state(&m, state_json, 5000), 0);
	assert_string_equal(m.centre, "Trung tâm Phục vụ hành chính công tỉnh");
	assert_string_equal(m.notice, "Chiều thứ Bảy nghỉ làm việc.");
	assert_int_equal(m.last_event_id, 100);
	assert_int_equal(m.ncounters, 3);
	assert_int_equal(m.nqueues, 2);
	assert_int_equal(m.queues[0].waiting, 2);
	assert_int_equal(m.queues[1].waiting, 1);
	c = dmodel_counter_by_number(&m, 5);
	assert_non_null(c);
	assert_int_equal(c->ticket_number, 2001);
	assert_int_equal(c->state, DMODEL_C_PAUSED);
	/* History from the counters, newest first, not flashing at start. */
	assert_int_equal(m.nhistory, 2);
	assert_int_equal(m.history[0].number, 2001);
	assert_int_equal(m.history[1].number, 1001);
	assert_int_equal(m.history[0].seen_ms, 0);
	assert_int_equal(dmodel_apply_state(&m, "{\"day\":1", 0), -1);
	assert_int_equal(dmodel_apply_state(&m, "{\"day\":\"x\"}", 0), -1);
	assert_int_equal(m.ncounters, 3);
	dmodel_free(&m);
}

static void
test_events(void **state)
{
	struct dmodel m;
	struct dmodel_call call;
	struct dmodel_counter *c;

	(void)state;
	dmodel_init(&m);
	assert_int_equal(dmodel_apply_state(&m, state_json, 5000), 0);
	assert_int_equal(ev(&m, 101, "issued", 14, 1003, "TP-HT", 0, NOW, 6000, &call), 0);
	assert_int_equal(m.queues[0].waiting, 3);
	/* A call: counter updated, waiting count down, announced. */
	assert_int_equal(ev(&m, 102, "called", 10, 1002, "TP-HT", 2, NOW, 7000, &call), 1);
	assert_int_equal(call.number, 1002);
	assert_int_equal(call.counter, 2);
	assert_int_equal(call.recall, 0);
	assert_int_equal(m.queues[0].waiting, 2);
	c = dmodel_counter_by_number(&m, 2);
	assert_int_equal(c->ticket_number, 1002);
	assert_int_equal(c->seen_ms, 7000);
	assert_int_equal(m.history[0].number, 1002);
	/* The same event again (a replay) changes nothing. */
	assert_int_equal(ev(&m, 102, "called", 10, 1002, "TP-HT", 2, NOW, 8000, &call), 0);
	assert_int_equal(m.nhistory, 3);
	/* A recall is announced again, and listed once. */
	assert_int_equal(ev(&m, 103, "recalled", 10, 1002, "TP-HT", 2, NOW, 9000, &call), 1);
	assert_int_equal(call.recall, 1);
	assert_int_equal(m.nhistory, 3);
	/* Finish clears the counter; a stale call is shown, not announced. */
	assert_int_equal(ev(&m, 104, "finished", 10, 1002, "TP-HT", 2, NOW, 9000, &call), 0);
	assert_int_equal(c->ticket_number, 0);
	assert_int_equal(ev(&m, 105, "called", 11, 1003, "TP-HT", 2, NOW - 3600, 9500, &call), 0);
	assert_int_equal(c->ticket_number, 1003);
	assert_int_equal(m.history[0].number, 1002);   /* older time sorts below */
	assert_int_equal(m.queues[0].waiting, 1);
	assert_int_equal(ev(&m, 106, "counter_closed", 0, 0, "", 5, NOW, 9600, &call), 0);
	assert_int_equal(dmodel_counter_by_number(&m, 5)->state, DMODEL_C_CLOSED);
	assert_int_equal(dmodel_counter_by_number(&m, 5)->ticket_number, 0);
	assert_int_equal(ev(&m, 107, "cancelled", 12, 2002, "XD-CP", 0, NOW, 9700, &call), 0);
	assert_int_equal(m.queues[1].waiting, 0);
	/* A snapshot older than the events applied is ignored (it would
	 * undo them); one from a new store (ids went back) is taken. */
	assert_int_equal(dmodel_apply_state(&m, state_json, 9800), 0);
	assert_int_equal(dmodel_counter_by_number(&m, 2)->ticket_number, 1003);
	assert_int_equal(m.last_event_id, 107);
	assert_int_equal(dmodel_apply_event(&m, "[1,2]", NOW, 0, &call), -1);
	assert_int_equal(dmodel_apply_event(&m, "{\"type\":\"called\"}", NOW, 0, &call), -1);
	dmodel_free(&m);
}

/* The numbers of the history, newest first, as "a b c". */
static void
history_str(const struct dmodel *m, char *buf, size_t n)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < m->nhistory; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%d%s", i ? " " : "",
		    m->history[i].number, m->history[i].recall ? "r" : "");
}

/*
 * A recall moves that ticket's row to the top (fresh: flashing, announced
 * again); it never adds a second row, and the other calls stay, in order.
 * A full list (more calls than rows) keeps every other ticket too.
 */
static void
test_recall(void **state)
{
	struct dmodel m;
	struct dmodel_call call;
	char h[256];
	int i;

	(void)state;
	dmodel_init(&m);
	assert_int_equal(dmodel_apply_state(&m, state_json, 0), 0);
	history_str(&m, h, sizeof h);
	assert_string_equal(h, "2001 1001");
	assert_int_equal(ev(&m, 101, "called", 10, 1002, "TP-HT", 2, NOW - 30, 1000, &call), 1);
	assert_int_equal(ev(&m, 102, "called", 12, 2002, "XD-CP", 5, NOW - 20, 2000, &call), 1);
	assert_int_equal(ev(&m, 103, "called", 11, 1003, "TP-HT", 1, NOW - 10, 3000, &call), 1);
	history_str(&m, h, sizeof h);
	assert_string_equal(h, "1003 2002 1002 2001 1001");
	/* Recall of 1002 (ticket 10) at counter 2. */
	assert_int_equal(ev(&m, 104, "recalled", 10, 1002, "TP-HT", 2, NOW, 4000, &call), 1);
	assert_int_equal(call.recall, 1);
	assert_int_equal(call.number, 1002);
	assert_int_equal(call.counter, 2);
	history_str(&m, h, sizeof h);
	assert_string_equal(h, "1002r 1003 2002 2001 1001");
	assert_int_equal(m.history[0].seen_ms, 4000);     /* flashes again */
	assert_int_equal(m.history[0].event_id, 104);
	assert_int_equal(dmodel_counter_by_number(&m, 2)->seen_ms, 4000);
	/* Recalled twice more: still one row. */
	assert_int_equal(ev(&m, 105, "recalled", 10, 1002, "TP-HT", 2, NOW + 1, 5000, &call), 1);
	assert_int_equal(ev(&m, 106, "recalled", 10, 1002, "TP-HT", 2, NOW + 2, 6000, &call), 1);
	history_str(&m, h, sizeof h);
	assert_string_equal(h, "1002r 1003 2002 2001 1001");
	/* A recall of a ticket known only from the snapshot (ticket 7, 1001 at
	 * counter 1) moves that row too. */
	assert_int_equal(ev(&m, 107, "recalled", 7, 1001, "TP-HT", 1, NOW + 3, 7000, &call), 1);
	history_str(&m, h, sizeof h);
	assert_string_equal(h, "1001r 1002r 1003 2002 2001");
	assert_int_equal(m.nhistory, 5);
	/* A new call of another ticket goes on top; the recalled rows stay. */
	assert_int_equal(ev(&m, 108, "called", 14, 1004, "TP-HT", 2, NOW + 4, 8000, &call), 1);
	history_str(&m, h, sizeof h);
	assert_string_equal(h, "1004 1001r 1002r 1003 2002 2001");
	/* A later snapshot holding the recalled tickets adds no row. */
	{
		char snap[sizeof state_json + 256];
		const char *p = strstr(state_json, "\"last_event_id\":100");

		assert_non_null(p);
		snprintf(snap, sizeof snap, "%.*s\"last_event_id\":108%s", (int)(p - state_json),
		    state_json, p + strlen("\"last_event_id\":100"));
		assert_int_equal(dmodel_apply_state(&m, snap, 9000), 0);
		history_str(&m, h, sizeof h);
		assert_string_equal(h, "1004 1001r 1002r 1003 2002 2001");
	}
	/* Fill the list: DMODEL_HISTORY other calls, then a recall of the
	 * newest: one row each, the recall on top. */
	for (i = 0; i < DMODEL_HISTORY; i++)
		assert_int_equal(ev(&m, 200 + i, "called", 500 + i, 3000 + i, "TP-HT", 1,
		    NOW + 10 + i, 10000 + i, &call), 1);
	assert_int_equal(m.nhistory, DMODEL_HISTORY);
	assert_int_equal(ev(&m, 300, "recalled", 500 + DMODEL_HISTORY - 2,
	    3000 + DMODEL_HISTORY - 2, "TP-HT", 1, NOW + 29, 20000, &call), 1);
	assert_int_equal(m.nhistory, DMODEL_HISTORY);
	assert_int_equal(m.history[0].number, 3000 + DMODEL_HISTORY - 2);
	assert_int_equal(m.history[0].recall, 1);
	assert_int_equal(m.history[1].number, 3000 + DMODEL_HISTORY - 1);
	for (i = 1; i < m.nhistory; i++)
		assert_int_not_equal(m.history[i].number, m.history[0].number);
	dmodel_free(&m);
}

/* Five calls in one second: each announced once, in order. */
static void
test_burst(void **state)
{
	struct dmodel m;
	struct dmodel_call call;
	int i, got[5], n = 0;

	(void)state;
	dmodel_init(&m);
	assert_int_equal(dmodel_apply_state(&m, state_json, 0), 0);
	for (i = 0; i < 5; i++)
		if (ev(&m, 200 + i, "called", 300 + i, 1010 + i, "TP-HT", 1 + i % 2, NOW, 100 + i,
		    &call) == 1)
			got[n++] = call.number;
	/* Replays of the whole burst announce nothing. */
	for (i = 0; i < 5; i++)
		assert_int_equal(ev(&m, 200 + i, "called", 300 + i, 1010 + i, "TP-HT", 1, NOW, 200,
		    &call), 0);
	assert_int_equal(n, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(got[i], 1010 + i);
	/* Same second: the history still shows the last call first. */
	assert_int_equal(m.history[0].number, 1014);
	assert_int_equal(m.history[4].number, 1010);
	dmodel_free(&m);
}

static void
test_filter(void **state)
{
	struct dmodel m;
	struct dmodel_call call;

	(void)state;
	dmodel_init(&m);
	assert_int_equal(dmodel_filter_counters(&m.filter, "1-2, 7"), 0);
	assert_int_equal(m.filter.ncounters, 3);
	assert_int_equal(m.filter.counters[2], 7);
	assert_int_equal(dmodel_filter_counters(&m.filter, "3-1"), -1);
	assert_int_equal(dmodel_filter_counters(&m.filter, "1,x"), -1);
	assert_int_equal(dmodel_filter_counters(&m.filter, "100"), -1);
	assert_int_equal(m.filter.ncounters, 3);
	assert_int_equal(dmodel_filter_codes(&m.filter, 0, "TP"), 0);
	assert_int_equal(dmodel_apply_state(&m, state_json, 0), 0);
	assert_true(dmodel_counter_visible(&m, dmodel_counter_by_number(&m, 1)));
	assert_false(dmodel_counter_visible(&m, dmodel_counter_by_number(&m, 5)));
	assert_true(dmodel_queue_visible(&m, &m.queues[0]));
	assert_false(dmodel_queue_visible(&m, &m.queues[1]));
	/* Counter 5 is not on this screen: applied, not announced. */
	assert_int_equal(ev(&m, 101, "called", 12, 2002, "XD-CP", 5, NOW, 100, &call), 0);
	assert_int_equal(dmodel_counter_by_number(&m, 5)->ticket_number, 2002);
	assert_int_equal(ev(&m, 102, "called", 11, 1002, "TP-HT", 2, NOW, 100, &call), 1);
	/* Only counter 1's call from the snapshot and this one are listed. */
	assert_int_equal(m.nhistory, 2);
	dmodel_free(&m);
}

/* After a reconnect: a newer snapshot, then the replay of the gap. */
static void
test_reconnect(void **state)
{
	struct dmodel m;
	struct dmodel_call call;
	char newer[sizeof state_json + 64];
	const char *p;

	(void)state;
	dmodel_init(&m);
	assert_int_equal(dmodel_apply_state(&m, state_json, 0), 0);
	/* The snapshot after the gap: counter 2 serves 1002 (called in the
	 * gap, event 101), last id 102. */
	p = strstr(state_json, "\"last_event_id\":100");
	assert_non_null(p);
	snprintf(newer, sizeof newer, "%.*s\"last_event_id\":102%s", (int)(p - state_json),
	    state_json, p + strlen("\"last_event_id\":100"));
	p = strstr(newer, "\"state\":\"open\",\"ticket\":null");
	assert_non_null(p);
	{
		char tmp[sizeof newer + 128];
		snprintf(tmp, sizeof tmp, "%.*s\"state\":\"open\",\"ticket\":{\"id\":10,"
		    "\"number\":1002,\"called_at\":%d}%s", (int)(p - newer), newer, NOW - 5,
		    p + strlen("\"state\":\"open\",\"ticket\":null"));
		assert_int_equal(dmodel_apply_state(&m, tmp, 50000), 0);
	}
	assert_int_equal(m.last_event_id, 100);       /* the gap is still to come */
	assert_int_equal(m.state_event_id, 102);
	assert_int_equal(dmodel_counter_by_number(&m, 2)->ticket_number, 1002);
	assert_int_equal(dmodel_counter_by_number(&m, 2)->seen_ms, 50000);
	assert_int_equal(m.history[0].number, 1002);
	assert_int_equal(m.nhistory, 3);
	/* Replayed: the call is fresh (5 s), announced once, not listed twice;
	 * its effect on the counter is already in the snapshot. */
	assert_int_equal(ev(&m, 101, "called", 10, 1002, "TP-HT", 2, NOW - 5, 50010, &call), 1);
	assert_int_equal(m.nhistory, 3);
	assert_int_equal(m.history[0].event_id, 101);
	/* A gap event older than max_age is shown but not announced. */
	assert_int_equal(ev(&m, 102, "called", 11, 1003, "TP-HT", 1, NOW - 7200, 50020, &call), 0);
	assert_int_equal(dmodel_counter_by_number(&m, 1)->ticket_number, 1001);
	assert_int_equal(m.nhistory, 4);
	dmodel_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_recall),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_reconnect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
