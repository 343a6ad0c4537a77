/*
 * test_stats.c - unit tests of host/daemon/stats/stats.c against numbers computed here,
 * independently, from a known synthetic day: counts, means, medians, 90th
 * percentiles (nearest rank), maxima, service level, per-hour and
 * per-counter counts; edge cases: no tickets, a ticket open across midnight,
 * transfers (a new wait at the new queue), recalls (the last call counts),
 * no-shows, cancellations; the daily rollup (histograms) against the exact
 * figures and its invalidation by a late event; CSV and SVG; filters that
 * only ever reach SQL bound; the live dashboard, and its today kept in
 * memory across calls (after random commands over two days, with another
 * connection sometimes syncing, it must equal a dashboard and a 1-day report
 * made from scratch, and the counts the test keeps itself).  The database is
 * made by store_open (so the schema is the store's) and filled with plain SQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/config.h"
#include "daemon/stats/stats.h"
#include "core/store.h"

#define DAY "2026-03-02"
#define D0 1772409600           /* 2026-03-02 00:00:00 UTC (TZ=UTC) */
#define NT 300                  /* synthetic tickets of the day */

static const char ini[] =
    "[centre]\n"
    "name = Trung tâm thử\n"
    "catalogue = p.csv\n"
    "day_start_hour = 0\n"
    "[department TP]\n"
    "name = Sở Tư pháp\n"
    "[department XD]\n"
    "name = Sở Xây dựng\n"
    "[queue QA]\n"
    "name = Hộ tịch\n"
    "department = TP\n"
    "numbers = 1000-4999\n"
    "target_wait = 20\n"
    "[queue QB]\n"
    "name = Cấp phép <xây dựng>\n"
    "department = XD\n"
    "numbers = 5000-8999\n"
    "target_wait = 10\n"
    "[counter 1]\n"
    "department = TP\n"
    "serves = QA, QB\n"
    "[counter 2]\n"
    "department = TP\n"
    "serves = QA, QB\n"
    "[counter 3]\n"
    "department = XD\n"
    "serves = QB, QA\n";

/* What the test itself knows about each leg. */
struct xleg {
	int queue;          /* 0 = QA, 1 = QB */
	int seq, hour, counter;
	int outcome;        /* 1 served 2 no-show 3 cancelled 4 transferred */
	long wait, svc;     /* -1 = none */
	int rating;
};

static struct {
	char dir[256], db[300];
	struct config *cfg;
	sqlite3 *w;
	int64_t evid;
	struct xleg legs[3 * NT];
	int nlegs;
	int64_t ticket_ids[NT + 2];
	int served_unrated;    /* a served ticket without rating, for the late event */
	int64_t served_unrated_id;
} T;

static uint32_t rng = 12345;

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

static void
ev(const char *type, int64_t at, int64_t ticket, const char *queue, int counter,
    int staff, int value, const char *vcode)
{
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_prepare_v2(T.w, "INSERT INTO events(id, type, at,"
	    " ticket_id, number, queue, counter, staff, value, value_code, reason)"
	    " VALUES(?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, '')", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_int64(s, 1, ++T.evid);
	sqlite3_bind_text(s, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, at);
	if (ticket) sqlite3_bind_int64(s, 4, ticket); else sqlite3_bind_null(s, 4);
	sqlite3_bind_text(s, 5, queue, -1, SQLITE_STATIC);
	if (counter) sqlite3_bind_int(s, 6, counter); else sqlite3_bind_null(s, 6);
	sqlite3_bind_int(s, 7, staff);
	sqlite3_bind_int(s, 8, value);
	if (vcode) sqlite3_bind_text(s, 9, vcode, -1, SQLITE_STATIC); else sqlite3_bind_null(s, 9);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

static void
ticket_row(int64_t id, const char *day, int number, const char *queue, const char *dept,
    const char *state, int64_t issued)
{
	sqlite3_stmt *s;
	char code[16];

	snprintf(code, sizeof code, "c%lld", (long long)id);
	assert_int_equal(sqlite3_prepare_v2(T.w, "INSERT INTO tickets(id, code, day, number,"
	    " queue, department, procedure, channel, state, ord, issued_at, enqueued_at)"
	    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, '1.000001', 'kiosk', ?7, ?1, ?8, ?8)", -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, day, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, number);
	sqlite3_bind_text(s, 5, queue, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, dept, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, issued);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

static struct xleg *
xleg(int queue, int seq, int64_t enq, int counter)
{
	struct xleg *l = &T.legs[T.nlegs++];

	l->queue = queue;
	l->seq = seq;
	l->hour = (int)((enq - D0) / 3600 % 24);
	l->counter = counter;
	l->wait = l->svc = -1;
	return l;
}

/* The synthetic day: NT tickets plus one open across midnight. */
static void
make_day(void)
{
	static const char *const qc[2] = { "QA", "QB" }, *const dc[2] = { "TP", "XD" };
	int i;

	for (i = 0; i < NT; i++) {
		int64_t id = i + 1, t = D0 + 7 * 3600 + (int64_t)rnd(10 * 3600);
		int q = (int)rnd(2), c = 1 + (int)rnd(3), kind = (int)rnd(10);
		int64_t w = rnd(50 * 60), call = t + w, svc = 60 + rnd(20 * 60);
		struct xleg *l = xleg(q, 0, t, c);
		const char *state = "done";

		T.ticket_ids[i] = id;
		ev("issued", t, id, qc[q], 0, 0, 0, NULL);
		if (kind == 0) {                      /* cancelled while waiting */
			ev("cancelled", t + w, id, qc[q], 0, 0, 0, NULL);
			l->outcome = 3;
			l->counter = 0;
			state = "cancelled";
		} else if (kind == 1) {               /* no-show after a recall */
			ev("called", call, id, qc[q], c, 10 + c, 0, NULL);
			ev("recalled", call + 60, id, qc[q], c, 10 + c, 2, NULL);
			ev("no_show", call + 120, id, qc[q], c, 10 + c, 0, NULL);
			l->outcome = 2;
			l->wait = w + 60;
			state = "no_show";
		} else if (kind == 2) {               /* transferred to the other queue */
			int q2 = 1 - q, c2 = 1 + (int)rnd(3);
			int64_t tr = call + 120, w2 = rnd(30 * 60);
			struct xleg *l2;

			ev("called", call, id, qc[q], c, 10 + c, 0, NULL);
			ev("started", call + 10, id, qc[q], c, 10 + c, 0, NULL);
			ev("transferred", tr, id, qc[q2], c, 10 + c, 0, qc[q2]);
			l->outcome = 4;
			l->wait = w;
			l2 = xleg(q2, 1, tr, c2);
			ev("called", tr + w2, id, qc[q2], c2, 10 + c2, 0, NULL);
			ev("started", tr + w2 + 30, id, qc[q2], c2, 10 + c2, 0, NULL);
			ev("finished", tr + w2 + 30 + svc, id, qc[q2], c2, 10 + c2, 0, NULL);
			l2->outcome = 1;
			l2->wait = w2;
			l2->svc = svc;
			q = q2;
		} else {                              /* served, sometimes recalled first */
			int64_t last = call;

			ev("called", call, id, qc[l->queue], c, 10 + c, 0, NULL);
			if (kind == 3) {
				last = call + 45;
				ev("recalled", last, id, qc[l->queue], c, 10 + c, 2, NULL);
			}
			ev("started", last + 20, id, qc[l->queue], c, 10 + c, 0, NULL);
			ev("finished", last + 20 + svc, id, qc[l->queue], c, 10 + c, 0, NULL);
			l->outcome = 1;
			l->wait = last - t;
			l->svc = svc;
			l->rating = (int)rnd(5);
			if (l->rating)
				ev("rated", last + 30 + svc, id, qc[l->queue], c, 0, l->rating, NULL);
			else if (T.served_unrated_id == 0)
				T.served_unrated_id = id, T.served_unrated = (int)(l - T.legs);
		}
		ticket_row(id, DAY, 1000 + i, qc[q], dc[q], state, t);
		/* A counter event in between: must be ignored. */
		if (i % 50 == 0)
			ev("counter_paused", t, 0, NULL, c, 10 + c, 0, NULL);
	}
	/* Open across midnight: issued 23:50, called 00:10 the next day. */
	{
		int64_t id = NT + 1, t = D0 + 23 * 3600 + 50 * 60;
		struct xleg *l = xleg(0, 0, t, 2);

		ev("issued", t, id, "QA", 0, 0, 0, NULL);
		ev("called", t + 1200, id, "QA", 2, 12, 0, NULL);
		ev("started", t + 1260, id, "QA", 2, 12, 0, NULL);
		ev("finished", t + 1800, id, "QA", 2, 12, 0, NULL);
		ticket_row(id, DAY, 4999, "QA", "TP", "done", t);
		l->outcome = 1;
		l->wait = 1200;
		l->svc = 540;
	}
}

static int
setup(void **state)
{
	char err[256];
	store *s;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	memset(&T, 0, sizeof T);
	rng = 12345;
	snprintf(T.dir, sizeof T.dir, "/tmp/test_stats.XXXXXX");
	assert_non_null(mkdtemp(T.dir));
	snprintf(T.db, sizeof T.db, "%s/o.db", T.dir);
	assert_int_equal(config_parse_ini(ini, strlen(ini), "t.ini", &T.cfg, err, sizeof err), 0);
	s = store_open(T.db, T.cfg, err, sizeof err);
	assert_non_null(s);
	store_close(s);
	assert_int_equal(sqlite3_open(T.db, &T.w), SQLITE_OK);
	assert_int_equal(sqlite3_exec(T.w, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL), SQLITE_OK);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[400];

	(void)state;
	sqlite3_close(T.w);
	config_free(T.cfg);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", T.dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static stats *
open_stats(void)
{
	char err[256], sp[320];
	stats *st;

	snprintf(sp, sizeof sp, "%s/o.stats", T.dir);
	st = stats_open(T.db, sp, T.cfg, err, sizeof err);
	if (st == NULL)
		fail_msg("stats_open: %s", err);
	return st;
}

/* ---- the test's own arithmetic ------------------------------------------------ */

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least p% of values at or below. */
static long
xpct(long *v, int n, int p)
{
	int k = (p * n + 99) / 100;

	qsort(v, (size_t)n, sizeof *v, cmp_long);
	return v[(k < 1 ? 1 : k) - 1];
}

struct expect {
	int issued, tin, served, no_show, cancelled, tout;
	int nw, ns, sl_n, sl_in, rating[5];
	long w[4 * NT], s[4 * NT], wmax, smax;
	double wsum, ssum;
};

/* Expected figures of the legs matching (queue, hour, counter), -1 = any. */
static void
expect_of(struct expect *e, int queue, int hour, int counter)
{
	static const int target_s[2] = { 20 * 60, 10 * 60 };
	int i;

	memset(e, 0, sizeof *e);
	for (i = 0; i < T.nlegs; i++) {
		const struct xleg *l = &T.legs[i];

		if ((queue >= 0 && l->queue != queue) || (hour >= 0 && l->hour != hour) ||
		    (counter >= 0 && l->counter != counter))
			continue;
		if (l->seq == 0) e->issued++; else e->tin++;
		e->served += l->outcome == 1;
		e->no_show += l->outcome == 2;
		e->cancelled += l->outcome == 3;
		e->tout += l->outcome == 4;
		if (l->wait >= 0) {
			e->w[e->nw++] = l->wait;
			e->wsum += (double)l->wait;
			if (l->wait > e->wmax) e->wmax = l->wait;
			if (l->outcome == 1) {
				e->sl_n++;
				e->sl_in += l->wait <= target_s[l->queue];
			}
		}
		if (l->svc >= 0) {
			e->s[e->ns++] = l->svc;
			e->ssum += (double)l->svc;
			if (l->svc > e->smax) e->smax = l->svc;
		}
		e->rating[l->rating]++;
	}
}

static double
num(const cJSON *o, const char *a, const char *b)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b != NULL)
		x = cJSON_GetObjectItemCaseSensitive(x, b);
	if (!cJSON_IsNumber(x))
		fail_msg("%s.%s is not a number", a, b ? b : "");
	return x->valuedouble;
}

/* Compare a group of the report with the expected figures (exact). */
static void
check_group(const cJSON *g, struct expect *e, int exact)
{
	const cJSON *rc;
	int i;

	assert_non_null(g);
	assert_int_equal((int)num(g, "issued", NULL), e->issued);
	assert_int_equal((int)num(g, "transferred_in", NULL), e->tin);
	assert_int_equal((int)num(g, "served", NULL), e->served);
	assert_int_equal((int)num(g, "no_show", NULL), e->no_show);
	assert_int_equal((int)num(g, "cancelled", NULL), e->cancelled);
	assert_int_equal((int)num(g, "transferred_out", NULL), e->tout);
	assert_int_equal((int)num(g, "wait", "n"), e->nw);
	assert_int_equal((int)num(g, "service", "n"), e->ns);
	assert_int_equal((int)num(g, "service_level", "n"), e->sl_n);
	assert_int_equal((int)num(g, "service_level", "within"), e->sl_in);
	if (e->issued > 0)
		assert_true(fabs(num(g, "no_show_pct", NULL) - 100.0 * e->no_show / e->issued) < 0.051);
	if (e->nw > 0) {
		long med = xpct(e->w, e->nw, 50), p90 = xpct(e->w, e->nw, 90);

		assert_true(fabs(num(g, "wait", "mean_s") - e->wsum / e->nw) < 0.051);
		assert_int_equal((long)num(g, "wait", "max_s"), e->wmax);
		if (exact) {
			assert_int_equal((long)num(g, "wait", "median_s"), med);
			assert_int_equal((long)num(g, "wait", "p90_s"), p90);
		} else {
			/* From 1-minute histograms: within the minute. */
			assert_true(labs((long)num(g, "wait", "median_s") - med) <= 60);
			assert_true(labs((long)num(g, "wait", "p90_s") - p90) <= 60);
		}
	}
	if (e->ns > 0) {
		long med = xpct(e->s, e->ns, 50), p90 = xpct(e->s, e->ns, 90);

		assert_true(fabs(num(g, "service", "mean_s") - e->ssum / e->ns) < 0.051);
		assert_int_equal((long)num(g, "service", "max_s"), e->smax);
		if (exact) {
			assert_int_equal((long)num(g, "service", "median_s"), med);
			assert_int_equal((long)num(g, "service", "p90_s"), p90);
		} else {
			assert_true(labs((long)num(g, "service", "median_s") - med) <= 60);
			assert_true(labs((long)num(g, "service", "p90_s") - p90) <= 60);
		}
	}
	if (e->sl_n > 0)
		assert_true(fabs(num(g, "service_level", "pct") - 100.0 * e->sl_in / e->sl_n) < 0.051);
	rc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(g, "rating"), "counts");
	for (i = 1; i <= 4; i++)
		assert_int_equal((int)cJSON_GetArrayItem(rc, i - 1)->valuedouble, e->rating[i]);
}

static const cJSON *
find(const cJSON *rep, const char *by, const char *key)
{
	const cJSON *g, *arr = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(rep, "by"), by);

	cJSON_ArrayForEach(g, arr)
		if (strcmp(cJSON_GetObjectItemCaseSensitive(g, "key")->valuestring, key) == 0)
			return g;
	return NULL;
}

static struct stats_query
query(const char *from, const char *to, unsigned by)
{
	struct stats_query q;

	memset(&q, 0, sizeof q);
	snprintf(q.from, sizeof q.from, "%s", from);
	snprintf(q.to, sizeof q.to, "%s", to);
	q.by = by;
	return q;
}

/* ---- tests ----------------------------------------------------------------------- */

static void
test_empty(void **state)
{
	stats *st = open_stats();
	struct stats_query q = query("2026-01-01", "2026-01-31", STATS_BY_ALL);
	cJSON *r;
	const cJSON *tot;

	(void)state;
	r = stats_report(st, &q, D0);
	assert_non_null(r);
	tot = cJSON_GetObjectItemCaseSensitive(r, "total");
	assert_int_equal((int)num(tot, "issued", NULL), 0);
	assert_int_equal((int)num(tot, "wait", "n"), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(tot, "wait"), "median_s")));
	assert_int_equal(cJSON_GetArraySize(find(r, "queue", "x") ? NULL :
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "by"), "queue")), 0);
	cJSON_Delete(r);
	/* Bad ranges are refused. */
	q = query("2026-02-30", "2026-03-01", 0);
	assert_null(stats_report(st, &q, D0));
	q = query("2026-03-02", "2026-03-01", 0);
	assert_null(stats_report(st, &q, D0));
	stats_close(st);
}

static void
test_day_exact(void **state)
{
	struct stats_query q = query(DAY, DAY, STATS_BY_ALL);
	struct expect *e = malloc(sizeof *e);
	stats *st;
	cJSON *r;
	char key[16];
	int h, c;

	(void)state;
	make_day();
	st = open_stats();
	r = stats_report(st, &q, D0 + 3 * 86400);
	assert_non_null(r);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "exact")));
	expect_of(e, -1, -1, -1);
	assert_int_equal(e->issued, NT + 1);
	assert_true(e->tout > 0 && e->no_show > 0 && e->cancelled > 0);
	check_group(cJSON_GetObjectItemCaseSensitive(r, "total"), e, 1);
	expect_of(e, 0, -1, -1);
	check_group(find(r, "queue", "QA"), e, 1);
	expect_of(e, 1, -1, -1);
	check_group(find(r, "queue", "QB"), e, 1);
	assert_int_equal((int)num(find(r, "queue", "QB"), "target_s", NULL), 600);
	for (h = 0; h < 24; h++) {
		snprintf(key, sizeof key, "%02d", h);
		expect_of(e, -1, h, -1);
		if (e->issued + e->tin == 0)
			assert_null(find(r, "hour", key));
		else
			check_group(find(r, "hour", key), e, 1);
	}
	for (c = 1; c <= 3; c++) {
		snprintf(key, sizeof key, "%d", c);
		expect_of(e, -1, -1, c);
		check_group(find(r, "counter", key), e, 1);
	}
	/* Departments follow the leg's queue; the day holds the midnight ticket. */
	expect_of(e, 1, -1, -1);
	check_group(find(r, "department", "XD"), e, 1);
	assert_int_equal((int)num(find(r, "day", DAY), "issued", NULL), NT + 1);
	assert_null(find(r, "day", "2026-03-03"));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(find(r, "department", "TP"),
	    "label")->valuestring, "Sở Tư pháp");
	cJSON_Delete(r);

	/* Filters narrow, and what looks like SQL is only ever a value. */
	q.queue = "QB";
	r = stats_report(st, &q, D0 + 3 * 86400);
	expect_of(e, 1, -1, -1);
	check_group(cJSON_GetObjectItemCaseSensitive(r, "total"), e, 1);
	cJSON_Delete(r);
	q.queue = "QB' OR 1=1 --";
	r = stats_report(st, &q, D0 + 3 * 86400);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(r, "total"), "issued", NULL), 0);
	cJSON_Delete(r);
	stats_close(st);
	free(e);
}

static void
test_midnight_and_incremental(void **state)
{
	struct stats_query q = query(DAY, DAY, 1u << STATS_BY_QUEUE);
	stats *st = open_stats();
	cJSON *r;
	int64_t t = D0 + 23 * 3600 + 55 * 60;

	(void)state;
	/* Issued before midnight, still open: counted, no wait yet. */
	ev("issued", t, 1, "QA", 0, 0, 0, NULL);
	ticket_row(1, DAY, 1000, "QA", "TP", "waiting", t);
	r = stats_report(st, &q, t + 60);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(r, "total"), "issued", NULL), 1);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(r, "total"), "open", NULL), 1);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(r, "total"), "wait", "n"), 0);
	cJSON_Delete(r);
	/* The next day at 00:25 it is called and served: its day keeps it. */
	ev("called", t + 1800, 1, "QA", 1, 11, 0, NULL);
	ev("finished", t + 2100, 1, "QA", 1, 11, 0, NULL);
	q = query(DAY, "2026-03-03", 1u << STATS_BY_DAY);
	r = stats_report(st, &q, t + 2200);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(r, "total"), "wait", "max_s"), 1800);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(r, "total"), "service", "max_s"), 300);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(r, "total"), "served", NULL), 1);
	assert_int_equal((int)num(find(r, "day", DAY), "served", NULL), 1);
	assert_null(find(r, "day", "2026-03-03"));
	cJSON_Delete(r);
	stats_close(st);
}

static void
test_rollup(void **state)
{
	struct stats_query q = query("2026-03-01", "2026-03-03", STATS_BY_ALL);
	struct expect *e = malloc(sizeof *e);
	stats *st;
	cJSON *r, *rx;
	char *csv, *svg, *p;
	int lines = 0;

	(void)state;
	make_day();
	st = open_stats();
	stats_set_exact_days(st, 1);
	r = stats_report(st, &q, D0 + 5 * 86400);
	assert_non_null(r);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "exact")));
	expect_of(e, -1, -1, -1);
	check_group(cJSON_GetObjectItemCaseSensitive(r, "total"), e, 0);
	expect_of(e, 0, -1, -1);
	check_group(find(r, "queue", "QA"), e, 0);
	expect_of(e, -1, 9, -1);
	check_group(find(r, "hour", "09"), e, 0);
	cJSON_Delete(r);

	/* A late rating for the day: the rollup is dropped and rebuilt. */
	ev("rated", D0 + 86400 + 3600, T.served_unrated_id, "QA", 1, 0, 4, NULL);
	T.legs[T.served_unrated].rating = 4;
	r = stats_report(st, &q, D0 + 5 * 86400);
	expect_of(e, -1, -1, -1);
	check_group(cJSON_GetObjectItemCaseSensitive(r, "total"), e, 0);

	/* The exact path agrees on every count. */
	stats_set_exact_days(st, 31);  /* 3 days: exact again */
	rx = stats_report(st, &q, D0 + 5 * 86400);
	check_group(cJSON_GetObjectItemCaseSensitive(rx, "total"), e, 1);
	cJSON_Delete(rx);

	/* CSV: BOM, header, one line per queue and the total; SVG escapes. */
	csv = stats_csv(r, STATS_BY_QUEUE);
	assert_non_null(csv);
	assert_memory_equal(csv, "\xEF\xBB\xBF" "Mã,Tên,", 10);
	for (p = csv; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 1 + 2 + 1);
	assert_non_null(strstr(csv, "\r\nQB,Cấp phép <xây dựng>,"));
	free(csv);
	svg = stats_svg(r, STATS_BY_QUEUE, "wait_p90");
	assert_non_null(svg);
	assert_non_null(strstr(svg, "Cấp phép &lt;xây dựng&gt;"));
	assert_null(strstr(svg, "<xây"));
	for (lines = 0, p = svg; (p = strstr(p, "class=\"bar\"")) != NULL; p++)
		lines++;
	assert_int_equal(lines, 2);
	assert_non_null(strstr(svg, "class=\"target\""));
	free(svg);
	assert_null(stats_svg(r, STATS_BY_QUEUE, "nonsense"));
	assert_null(stats_csv(r, (enum stats_by)99));
	cJSON_Delete(r);
	stats_close(st);
	free(e);
}

static void
test_live(void **state)
{
	int64_t now = D0 + 10 * 3600;
	stats *st = open_stats();
	cJSON *o;
	const cJSON *g, *qa = NULL, *c1 = NULL;

	(void)state;
	ev("issued", now - 900, 1, "QA", 0, 0, 0, NULL);
	ev("called", now - 600, 1, "QA", 1, 11, 0, NULL);
	ev("finished", now - 300, 1, "QA", 1, 11, 0, NULL);
	ticket_row(1, DAY, 1000, "QA", "TP", "done", now - 900);
	ev("issued", now - 1500, 2, "QA", 0, 0, 0, NULL);
	ticket_row(2, DAY, 1001, "QA", "TP", "waiting", now - 1500);
	ev("issued", now - 60, 3, "QA", 0, 0, 0, NULL);
	ticket_row(3, DAY, 1002, "QA", "TP", "waiting", now - 60);
	assert_int_equal(sqlite3_exec(T.w, "INSERT INTO counters(number, state, since, staff)"
	    " VALUES(1, 'open', 1772442000, 11), (2, 'paused', 1772443800, 12)", NULL, NULL, NULL),
	    SQLITE_OK);
	o = stats_live(st, now);
	assert_non_null(o);
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(o, "queues"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(g, "code")->valuestring, "QA") == 0)
			qa = g;
	assert_non_null(qa);
	assert_int_equal((int)num(qa, "waiting", NULL), 2);
	assert_int_equal((int)num(qa, "longest_wait_s", NULL), 1500);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qa, "over_target")));
	assert_int_equal((int)num(qa, "served_today", NULL), 1);
	assert_int_equal((int)num(qa, "issued_today", NULL), 3);
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(o, "counters"))
		if ((int)num(g, "number", NULL) == 1)
			c1 = g;
	assert_non_null(c1);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c1, "state")->valuestring, "open");
	assert_int_equal((int)num(c1, "for_s", NULL), (int)(now - 1772442000));
	assert_int_equal((int)num(c1, "served_today", NULL), 1);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(o, "today"), "served", NULL), 1);
	/* Each queue has today's figures: the exact wait and service of 1000. */
	g = cJSON_GetObjectItemCaseSensitive(qa, "today");
	assert_int_equal((int)num(g, "wait", "median_s"), 300);
	assert_int_equal((int)num(g, "wait", "p90_s"), 300);
	assert_int_equal((int)num(g, "service", "mean_s"), 300);
	assert_int_equal((int)num(g, "no_show_pct", NULL), 0);
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(o, "queues"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(g, "code")->valuestring, "QB") == 0)
			assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(g, "today"), "no_show_pct")));
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(o, "unattached_ratings"), "n", NULL), 0);
	cJSON_Delete(o);
	/* A keypad press no ticket could take: counted apart, not in "rating". */
	ev("rated", now - 200, 0, "", 1, 11, 2, NULL);
	o = stats_live(st, now);
	assert_non_null(o);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(o, "unattached_ratings"), "n", NULL), 1);
	assert_int_equal(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(o, "unattached_ratings"), "counts"), 1)->valueint, 1);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(o, "today"), "rating", "n"), 0);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(o, "today"), "issued", NULL), 3);
	cJSON_Delete(o);
	stats_close(st);
	/* A derived file of an older schema is emptied and derived again. */
	{
		sqlite3 *x;
		char sp[320];
		struct stats_query q = query(DAY, DAY, 1u << STATS_BY_COUNTER);

		snprintf(sp, sizeof sp, "%s/o.stats", T.dir);
		assert_int_equal(sqlite3_open(sp, &x), SQLITE_OK);
		assert_int_equal(sqlite3_exec(x, "DELETE FROM smeta WHERE key = 'schema';"
		    " DELETE FROM legs WHERE seq < 0;", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(x);
		st = open_stats();
		o = stats_report(st, &q, now);
		assert_non_null(o);
		assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(o, "unattached_ratings"), "n", NULL), 1);
		assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(o, "total"), "issued", NULL), 3);
		cJSON_Delete(o);
		/* A counter filter counts that counter's presses. */
		q.counter = 2;
		o = stats_report(st, &q, now);
		assert_non_null(o);
		assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(o, "unattached_ratings"), "n", NULL), 0);
		cJSON_Delete(o);
		stats_close(st);
	}
}

/* ---- the live dashboard kept incrementally ----------------------------------------- */

struct rtk {
	int64_t id;
	char day[11];
	int q, c, state;       /* state: 0 waiting 1 called 2 serving 3 parked 4 closed */
	int served, rated;
};

static void
set_ticket(const struct rtk *k, const char *state, int64_t enq)
{
	static const char *const qc[2] = { "QA", "QB" };
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_prepare_v2(T.w, "UPDATE tickets SET state = ?1, queue = ?2,"
	    " counter = ?3, enqueued_at = CASE WHEN ?4 > 0 THEN ?4 ELSE enqueued_at END"
	    " WHERE id = ?5", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, qc[k->q], -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, k->c);
	sqlite3_bind_int64(s, 4, enq);
	sqlite3_bind_int64(s, 5, k->id);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

static void
day_of(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* One random command at time t on the tickets tk[0..*n). */
static void
random_command(struct rtk *tk, int *n, int64_t t)
{
	static const char *const qc[2] = { "QA", "QB" }, *const dc[2] = { "TP", "XD" };
	int r = (int)rnd(100), i, open = 0, x;
	struct rtk *k = NULL;

	for (i = 0; i < *n; i++)
		open += tk[i].state < 4;
	if (r < 25 || open == 0) {                       /* issued */
		k = &tk[(*n)++];
		memset(k, 0, sizeof *k);
		k->id = *n;
		k->q = (int)rnd(2);
		day_of(t, k->day);
		ev("issued", t, k->id, qc[k->q], 0, 0, 0, NULL);
		ticket_row(k->id, k->day, 1000 + (int)k->id, qc[k->q], dc[k->q], "waiting", t);
		return;
	}
	if (r < 30) {                                    /* a counter's own event */
		ev(rnd(2) ? "counter_paused" : "counter_opened", t, 0, NULL, 1 + (int)rnd(3), 11, 0, NULL);
		return;
	}
	if (r < 38) {                                    /* a (late) rating */
		for (i = 0; i < *n; i++)
			if (tk[i].served && !tk[i].rated) {
				tk[i].rated = 1;
				ev("rated", t, tk[i].id, qc[tk[i].q], tk[i].c, 0, 1 + (int)rnd(4), NULL);
				return;
			}
		return;
	}
	for (x = (int)rnd((uint32_t)open), i = 0; i < *n; i++)
		if (tk[i].state < 4 && x-- == 0)
			k = &tk[i];
	x = (int)rnd(10);
	switch (k->state) {
	case 0:
		if (x == 0) {
			ev("cancelled", t, k->id, qc[k->q], 0, 0, 0, NULL);
			k->state = 4;
			set_ticket(k, "cancelled", 0);
		} else {
			k->c = 1 + (int)rnd(3);
			ev("called", t, k->id, qc[k->q], k->c, 10 + k->c, 0, NULL);
			k->state = 1;
			set_ticket(k, "called", 0);
		}
		break;
	case 1:
	case 2:
		if (k->state == 1 && x == 0) {
			ev("recalled", t, k->id, qc[k->q], k->c, 10 + k->c, 2, NULL);
		} else if (k->state == 1 && x == 1) {
			ev("no_show", t, k->id, qc[k->q], k->c, 10 + k->c, 0, NULL);
			k->state = 4;
			set_ticket(k, "no_show", 0);
		} else if (k->state == 1 && x == 2) {
			ev("parked", t, k->id, qc[k->q], k->c, 10 + k->c, 0, NULL);
			k->state = 3;
			set_ticket(k, "parked", 0);
		} else if (x == 3) {
			int q2 = (int)rnd(2);      /* the other queue, or back to the same */
			ev("transferred", t, k->id, qc[q2], k->c, 10 + k->c, 0, qc[q2]);
			k->q = q2;
			k->state = 0;
			set_ticket(k, "waiting", t);
		} else if (k->state == 2 || x == 4) {
			ev("finished", t, k->id, qc[k->q], k->c, 10 + k->c, 0, NULL);
			k->state = 4;
			k->served = 1;
			set_ticket(k, "done", 0);
		} else {
			ev("started", t, k->id, qc[k->q], k->c, 10 + k->c, 0, NULL);
			k->state = 2;
			set_ticket(k, "serving", 0);
		}
		break;
	default:
		ev("unparked", t, k->id, qc[k->q], k->c, 10 + k->c, 0, NULL);
		k->state = 0;
		set_ticket(k, "waiting", t);
		break;
	}
}

static void
assert_same_json(const cJSON *a, const cJSON *b, const char *what)
{
	if (!cJSON_Compare(a, b, 1)) {
		char *x = cJSON_PrintUnformatted(a), *y = cJSON_PrintUnformatted(b);
		print_error("%s differ:\n%s\n%s\n", what, x, y);
		free(x);
		free(y);
		fail();
	}
}

/* The derived file's open legs per day agree with its legs. */
static void
check_days_open(void)
{
	char sp[320];
	sqlite3 *d;
	sqlite3_stmt *s;
	int rows = 0;

	snprintf(sp, sizeof sp, "%s/o.stats", T.dir);
	assert_int_equal(sqlite3_open_v2(sp, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(d, "SELECT d.day, d.open_n, (SELECT count(*) FROM legs l"
	    " WHERE l.day = d.day AND l.outcome = 0) FROM days d", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (sqlite3_column_int(s, 1) != sqlite3_column_int(s, 2))
			fail_msg("day %s: open_n %d, open legs %d", sqlite3_column_text(s, 0),
			    sqlite3_column_int(s, 1), sqlite3_column_int(s, 2));
		rows++;
	}
	sqlite3_finalize(s);
	sqlite3_close(d);
	assert_true(rows > 0);
}

static void
test_live_incremental(void **state)
{
	struct rtk *tk = calloc(1200, sizeof *tk);
	int n = 0, batch, i, reloads_by_other = 0;
	int64_t t = D0 + 17 * 3600;             /* 17:00; the last batches run past midnight */
	stats *st, *other;
	char sp2[320], path[340];

	(void)state;
	assert_non_null(tk);
	snprintf(sp2, sizeof sp2, "%s/o2.stats", T.dir);
	assert_int_equal(sqlite3_exec(T.w, "INSERT INTO counters(number, state, since, staff)"
	    " VALUES(1, 'open', 0, 11), (2, 'open', 0, 12), (3, 'open', 0, 13)", NULL, NULL, NULL),
	    SQLITE_OK);
	st = open_stats();
	other = open_stats();                  /* a second connection on the same file */
	for (batch = 0; batch < 150; batch++) {
		int nev = 1 + (int)rnd(12), issued = 0, served = 0;
		int64_t now;
		stats *fresh;
		cJSON *live, *live2, *rep;
		const cJSON *g, *today;
		struct stats_query q;
		char day[11];

		for (i = 0; i < nev && n < 1100; i++) {
			t += rnd(120);
			random_command(tk, &n, t);
		}
		now = t + rnd(30);
		if (rnd(5) == 0) {
			assert_true(stats_sync(other, 0) >= 0);
			reloads_by_other++;
		}
		live = stats_live(st, now);
		assert_non_null(live);

		/* From scratch: a new statistics file built from all the events. */
		for (i = 0; i < 3; i++) {
			snprintf(path, sizeof path, "%s%s", sp2, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
			unlink(path);
		}
		fresh = stats_open(T.db, sp2, T.cfg, path, sizeof path);
		assert_non_null(fresh);
		live2 = stats_live(fresh, now);
		assert_non_null(live2);
		assert_same_json(live, live2, "kept and fresh live dashboards");
		day_of(now, day);
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(live, "day")->valuestring, day);
		q = query(day, day, 1u << STATS_BY_QUEUE | 1u << STATS_BY_COUNTER);
		rep = stats_report(fresh, &q, now);
		assert_non_null(rep);
		today = cJSON_GetObjectItemCaseSensitive(live, "today");
		assert_same_json(today, cJSON_GetObjectItemCaseSensitive(rep, "total"),
		    "live today and the day's report");
		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(live, "queues")) {
			const cJSON *rg = find(rep, "queue",
			    cJSON_GetObjectItemCaseSensitive(g, "code")->valuestring);
			assert_int_equal((int)num(g, "issued_today", NULL), rg ? (int)num(rg, "issued", NULL) : 0);
			assert_int_equal((int)num(g, "served_today", NULL), rg ? (int)num(rg, "served", NULL) : 0);
		}
		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(live, "counters")) {
			char key[16];
			const cJSON *rg;

			snprintf(key, sizeof key, "%d", (int)num(g, "number", NULL));
			rg = find(rep, "counter", key);
			assert_int_equal((int)num(g, "served_today", NULL), rg ? (int)num(rg, "served", NULL) : 0);
		}
		/* And the test's own counts: tickets issued today, and served. */
		for (i = 0; i < n; i++) {
			if (strcmp(tk[i].day, day) != 0)
				continue;
			issued++;
			served += tk[i].served;
		}
		assert_int_equal((int)num(today, "issued", NULL), issued);
		assert_int_equal((int)num(today, "served", NULL), served);
		check_days_open();
		cJSON_Delete(rep);
		cJSON_Delete(live);
		cJSON_Delete(live2);
		stats_close(fresh);
	}
	/* The run covered both days and the other connection's syncs. */
	assert_true(strcmp(tk[0].day, tk[n - 1].day) < 0);
	assert_true(reloads_by_other > 0);
	stats_close(other);
	stats_close(st);
	free(tk);
}

static void
test_percentile_and_days(void **state)
{
	int64_t v[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	(void)state;
	assert_int_equal(stats_percentile(v, 10, 50), 5);
	assert_int_equal(stats_percentile(v, 10, 90), 9);
	assert_int_equal(stats_percentile(v, 10, 100), 10);
	assert_int_equal(stats_percentile(v, 1, 90), 1);
	assert_int_equal(stats_percentile(v, 0, 50), 0);
	assert_int_equal(stats_parse_day("2024-02-29"), 0);
	assert_int_equal(stats_parse_day("2025-02-29"), -1);
	assert_int_equal(stats_parse_day("2025-1-01"), -1);
	assert_int_equal(stats_parse_day("2025-01-01'"), -1);
	assert_int_equal(stats_by_parse("queue"), STATS_BY_QUEUE);
	assert_int_equal(stats_by_parse("queues"), -1);
}

/* A booking row (plain SQL, as the store's table): checked in as ticket, or
 * still booked / cancelled with ticket 0. */
static void
booking_row(const char *code, const char *queue, const char *day, int slot_s,
    const char *state, int64_t ticket)
{
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_prepare_v2(T.w, "INSERT INTO bookings(code, queue,"
	    " procedure, day, slot_s, name, phone, state, created_at, updated_at,"
	    " ticket_id) VALUES(?1, ?2, '', ?3, ?4, 'Lê Thị Thu', '0901234567', ?5,"
	    " 0, 0, ?6)", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, queue, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, day, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, slot_s);
	sqlite3_bind_text(s, 5, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, ticket);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

/* One ticket of the day: issued at, called after wait (-1: cancelled). */
static void
visit(int64_t id, const char *queue, int64_t at, int64_t wait)
{
	ev("issued", at, id, queue, 0, 0, 0, NULL);
	if (wait < 0)
		ev("cancelled", at + 60, id, queue, 0, 0, 0, NULL);
	else {
		ev("called", at + wait, id, queue, 1, 11, 0, NULL);
		ev("started", at + wait + 10, id, queue, 1, 11, 0, NULL);
		ev("finished", at + wait + 300, id, queue, 1, 11, 0, NULL);
	}
	ticket_row(id, DAY, 1000 + (int)id, queue, strcmp(queue, "QA") == 0 ? "TP" : "XD",
	    wait < 0 ? "cancelled" : "done", at);
}

/* Booked visitors' waits run from their slot (or a later check-in),
 * walk-ins' from the issue; the JSON report, a filter and the CSV. */
static void
test_booked_vs_walk_in(void **state)
{
	struct stats_query q = query(DAY, DAY, 1u << STATS_BY_QUEUE);
	const cJSON *bw, *b, *w;
	stats *st;
	cJSON *r;
	char *csv;

	(void)state;
	/* Walk-ins: 300, 600, 900 s; one cancelled before a call. */
	visit(1, "QA", D0 + 8 * 3600, 300);
	visit(2, "QA", D0 + 9 * 3600, 600);
	visit(3, "QB", D0 + 10 * 3600, 900);
	visit(4, "QA", D0 + 11 * 3600, -1);
	/* Booked 09:00, checked in 08:50, called 09:04: 240 s from the slot. */
	visit(5, "QB", D0 + 8 * 3600 + 50 * 60, 14 * 60);
	booking_row("AAAAAAAA", "QB", DAY, 9 * 3600, "checked_in", 5);
	/* Booked 10:00, checked in late at 10:10, called 10:15: 300 s. */
	visit(6, "QA", D0 + 10 * 3600 + 10 * 60, 5 * 60);
	booking_row("BBBBBBBB", "QA", DAY, 10 * 3600, "checked_in", 6);
	/* Booked 11:00, checked in 10:55, called 10:58, before the slot: 0. */
	visit(7, "QA", D0 + 10 * 3600 + 55 * 60, 3 * 60);
	booking_row("CCCCCCCC", "QA", DAY, 11 * 3600, "checked_in", 7);
	/* A no-show and a cancelled booking: no ticket, no wait. */
	booking_row("DDDDDDDD", "QA", DAY, 14 * 3600, "booked", 0);
	booking_row("EEEEEEEE", "QA", DAY, 15 * 3600, "cancelled", 0);

	st = open_stats();
	r = stats_report(st, &q, D0 + 3 * 86400);
	assert_non_null(r);
	bw = cJSON_GetObjectItemCaseSensitive(r, "booked_vs_walk_in");
	b = cJSON_GetObjectItemCaseSensitive(bw, "booked");
	w = cJSON_GetObjectItemCaseSensitive(bw, "walk_in");
	assert_non_null(b);
	assert_non_null(w);
	assert_int_equal((int)num(b, "issued", NULL), 3);
	assert_int_equal((int)num(b, "wait", "n"), 3);
	assert_int_equal((int)num(b, "wait", "median_s"), 240);
	assert_int_equal((int)num(b, "wait", "p90_s"), 300);
	assert_int_equal((int)num(b, "wait", "max_s"), 300);
	assert_true(fabs(num(b, "wait", "mean_s") - 180.0) < 0.01);
	assert_int_equal((int)num(w, "issued", NULL), 4);
	assert_int_equal((int)num(w, "wait", "n"), 3);
	assert_int_equal((int)num(w, "wait", "median_s"), 600);
	assert_int_equal((int)num(w, "wait", "p90_s"), 900);
	/* The total still counts every wait from the issue: 6 calls, the
	   longest 900 s. */
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(r, "total"), "wait",
	    "max_s"), 900);
	assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(r, "total"), "wait",
	    "n"), 6);
	csv = stats_csv(r, STATS_BY_TOTAL);
	assert_non_null(csv);
	assert_non_null(strstr(csv, "\r\nbooked,Khách có lịch hẹn (chờ tính từ giờ hẹn),3,"));
	assert_non_null(strstr(csv, "\r\nwalk_in,Khách không hẹn trước,4,"));
	free(csv);
	csv = stats_csv(r, STATS_BY_QUEUE);
	assert_null(strstr(csv, "booked,"));
	free(csv);
	cJSON_Delete(r);

	/* Filtered to QA: the booked visitors of QA only (300 and 0 s). */
	q.queue = "QA";
	r = stats_report(st, &q, D0 + 3 * 86400);
	assert_non_null(r);
	b = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r,
	    "booked_vs_walk_in"), "booked");
	assert_int_equal((int)num(b, "issued", NULL), 2);
	assert_int_equal((int)num(b, "wait", "max_s"), 300);
	assert_int_equal((int)num(b, "wait", "median_s"), 0);
	cJSON_Delete(r);
	stats_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile_and_days),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_day_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_midnight_and_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(test_booked_vs_walk_in, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
