/*
 * stats.c - statistics for managers, computed on a connection of their own.
 *
 * The handle's connection opens the derived file (db + ".stats", WAL,
 * synchronous=NORMAL: it can always be rebuilt) and attaches the daemon's
 * database as "live" with mode=ro.  Three tables live in the derived file:
 *
 *   legs  one row per stay of a ticket in a queue (PRIMARY KEY day, ticket,
 *         seq; WITHOUT ROWID so a range of days is one sequential scan).
 *         Built from live.events in id order by stats_sync(); the cursor is
 *         kept in smeta.  A transfer closes the leg (outcome "transferred")
 *         and opens seq + 1 in the new queue, whose wait starts at the
 *         transfer.
 *   days  per service day: open legs left, and whether it is rolled up.
 *   agg   per closed day, per dimension (total, hour, department, queue,
 *         procedure, counter, staff) and key: counts, sums, maxima, the
 *         service-level counts, rating counts, and the wait and service
 *         times as sparse 1-minute histograms (bin 720 = 12 h and more).
 *
 * A report over at most exact_days days (default 7), or with any filter,
 * is computed from the legs: every figure is exact.  A longer unfiltered
 * range merges the agg rows of its closed days with the legs of the others:
 * counts, means, maxima and service levels stay exact, medians and 90th
 * percentiles come from the histograms (the middle of the 1-minute bin,
 * never above the maximum).  A day's rollup is dropped when a leg of that
 * day changes later (a ticket open across midnight), and built again.
 *
 * A keypad rating no ticket could take (RATED with ticket 0) becomes a leg
 * of its own (OUT_LOOSE, seq -1), counted only as "unattached_ratings".
 *
 * The live dashboard reads no legs from disk: the handle keeps the legs of
 * its today in memory (struct today), loaded once a day and updated by every
 * sync, and aggregates them with the same code as a report.  The WAL is
 * checkpointed by reports, not by the dashboard's small syncs.
 */
#include "daemon/stats/stats.h"

#include <sqlite3.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/engine.h"
#include "common/xmalloc.h"

#define HBINS 721                 /* minutes 0..719, then 12 h and more */
#define CODE_LEN 48
#define SYNC_CHUNK 100000
#define WAL_REPORT 1000           /* pages: a report or rollup checkpoints */
#define WAL_MAX 16384             /* pages: any sync checkpoints (64 MiB) */

/*
 * OUT_LOOSE: a keypad rating made when no ticket could take it (engine.md:
 * RATED with ticket 0).  Kept as a leg of its own (ticket = -event id,
 * seq = -1, queue "") so it has a day, an hour, a counter and a staff, and
 * counted apart: "đánh giá không gắn với vé".
 */
enum { OUT_OPEN = 0, OUT_SERVED, OUT_NO_SHOW, OUT_CANCELLED, OUT_TRANSFERRED, OUT_LOOSE };

#define STATS_SCHEMA_VERSION 2    /* 2: unattached ratings as legs */

static const char stats_schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA cache_size=-65536;"
    "CREATE TABLE IF NOT EXISTS smeta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS legs(day TEXT NOT NULL, ticket INTEGER NOT NULL,"
    " seq INTEGER NOT NULL, hour INTEGER NOT NULL, queue TEXT NOT NULL,"
    " department TEXT NOT NULL, procedure TEXT NOT NULL, priority TEXT NOT NULL,"
    " counter INTEGER NOT NULL, staff INTEGER NOT NULL, enq INTEGER NOT NULL,"
    " call INTEGER NOT NULL, start INTEGER NOT NULL, finish INTEGER NOT NULL,"
    " calls INTEGER NOT NULL, outcome INTEGER NOT NULL, rating INTEGER NOT NULL,"
    " PRIMARY KEY(day, ticket, seq)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS legs_ticket ON legs(ticket, seq);"
    "CREATE INDEX IF NOT EXISTS legs_loose ON legs(day) WHERE seq < 0;"
    "CREATE TABLE IF NOT EXISTS days(day TEXT PRIMARY KEY, open_n INTEGER NOT NULL,"
    " rolled INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS agg(day TEXT NOT NULL, dim INTEGER NOT NULL,"
    " key TEXT NOT NULL, issued INTEGER, tin INTEGER, served INTEGER,"
    " no_show INTEGER, cancelled INTEGER, tout INTEGER, open_n INTEGER,"
    " wait_n INTEGER, wait_sum INTEGER, wait_max INTEGER, svc_n INTEGER,"
    " svc_sum INTEGER, svc_max INTEGER, sl_n INTEGER, sl_in INTEGER,"
    " r1 INTEGER, r2 INTEGER, r3 INTEGER, r4 INTEGER, wait_hist BLOB,"
    " svc_hist BLOB, PRIMARY KEY(day, dim, key)) WITHOUT ROWID;";

#define LEG_COLS "day, ticket, seq, hour, queue, department, procedure," \
	" priority, counter, staff, enq, call, start, finish, calls, outcome, rating"

enum {
	Q_EVENTS, Q_MAXEV, Q_LEG_GET, Q_LEG_PUT, Q_DAY_OPEN, Q_DAY_PUT,
	Q_AGG_DEL, Q_LEGS_RANGE, Q_LEGS_DAY, Q_ROLL_DAYS, Q_AGG_PUT, Q_DAY_ROLLED,
	Q_AGG_RANGE, Q_DAYS_UNROLLED, Q_CURSOR_GET, Q_CURSOR_SET, Q_USERS,
	Q_OPEN_TICKETS, Q_COUNTERS, Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_LOOSE, Q_BOOKED,
	Q_COUNT
};

static const char *const stats_sql[Q_COUNT] = {
	[Q_EVENTS] = "SELECT e.id, e.type, e.at, e.ticket_id, e.queue, e.counter,"
	    " e.staff, e.value, e.value_code, t.day, t.procedure, t.priority,"
	    " t.issued_at, t.department FROM live.events e"
	    " LEFT JOIN live.tickets t ON t.id = e.ticket_id"
	    " WHERE e.id > ?1 ORDER BY e.id LIMIT ?2",
	[Q_MAXEV] = "SELECT coalesce(max(id), 0) FROM live.events",
	[Q_LEG_GET] = "SELECT " LEG_COLS " FROM legs WHERE ticket = ?1"
	    " ORDER BY seq DESC LIMIT 1",
	[Q_LEG_PUT] = "INSERT OR REPLACE INTO legs(" LEG_COLS ") VALUES(?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
	[Q_DAY_OPEN] = "SELECT count(*) FROM legs WHERE day = ?1 AND outcome = 0",
	[Q_DAY_PUT] = "INSERT OR REPLACE INTO days(day, open_n, rolled) VALUES(?1, ?2, 0)",
	[Q_AGG_DEL] = "DELETE FROM agg WHERE day = ?1",
	[Q_LEGS_RANGE] = "SELECT " LEG_COLS " FROM legs WHERE day BETWEEN ?1 AND ?2"
	    " AND (?3 IS NULL OR department = ?3) AND (?4 IS NULL OR queue = ?4)"
	    " AND (?5 IS NULL OR procedure = ?5) AND (?6 = 0 OR counter = ?6)"
	    " AND (?7 = 0 OR staff = ?7)",
	[Q_LEGS_DAY] = "SELECT " LEG_COLS " FROM legs WHERE day = ?1",
	[Q_ROLL_DAYS] = "SELECT day FROM days WHERE day < ?1 AND rolled = 0"
	    " AND open_n = 0 ORDER BY day",
	[Q_AGG_PUT] = "INSERT OR REPLACE INTO agg VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
	    " ?21, ?22, ?23, ?24)",
	[Q_DAY_ROLLED] = "UPDATE days SET rolled = 1 WHERE day = ?1",
	[Q_AGG_RANGE] = "SELECT a.day, dim, key, issued, tin, served, no_show,"
	    " cancelled, tout, a.open_n, wait_n, wait_sum, wait_max, svc_n, svc_sum,"
	    " svc_max, sl_n, sl_in, r1, r2, r3, r4, wait_hist, svc_hist FROM agg a"
	    " WHERE a.day BETWEEN ?1 AND ?2 AND ((?3 >> dim) & 1) = 1",
	[Q_DAYS_UNROLLED] = "SELECT day FROM days WHERE day BETWEEN ?1 AND ?2"
	    " AND rolled = 0 ORDER BY day",
	[Q_CURSOR_GET] = "SELECT value FROM smeta WHERE key = 'cursor'",
	[Q_CURSOR_SET] = "INSERT OR REPLACE INTO smeta(key, value) VALUES('cursor', ?1)",
	[Q_USERS] = "SELECT id, name, full_name FROM live.users",
	[Q_OPEN_TICKETS] = "SELECT queue, state, enqueued_at, number, counter"
	    " FROM live.tickets"
	    " WHERE state IN ('waiting','called','serving','parked')",
	[Q_COUNTERS] = "SELECT c.number, c.state, c.since, c.staff, c.reason,"
	    " t.number, t.state, t.called_at, t.started_at, t.queue"
	    " FROM live.counters c LEFT JOIN live.tickets t"
	    " ON c.ticket_id <> 0 AND t.id = c.ticket_id ORDER BY c.number",
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_LOOSE] = "SELECT rating, count(*) FROM legs WHERE seq < 0 AND day BETWEEN ?1 AND ?2"
	    " GROUP BY rating",
	/* Each ticket's first leg, with the booking it was checked in from
	   (day and slot; NULL for a walk-in), filtered as Q_LEGS_RANGE. */
	[Q_BOOKED] = "SELECT l.enq, l.call, b.day, b.slot_s FROM legs l"
	    " LEFT JOIN live.bookings b ON b.ticket_id = l.ticket AND l.ticket <> 0"
	    " AND b.state = 'checked_in'"
	    " WHERE l.seq = 0 AND l.day BETWEEN ?1 AND ?2"
	    " AND (?3 IS NULL OR l.department = ?3) AND (?4 IS NULL OR l.queue = ?4)"
	    " AND (?5 IS NULL OR l.procedure = ?5) AND (?6 = 0 OR l.counter = ?6)"
	    " AND (?7 = 0 OR l.staff = ?7)",
};

struct leg {
	char day[11];
	int64_t ticket;
	int seq, hour;
	char queue[CODE_LEN], dept[CODE_LEN], proc[CODE_LEN], prio[CODE_LEN];
	int counter, staff;
	int64_t enq, call, start, finish;
	int calls, outcome, rating;
};

/*
 * The legs of one service day (the live dashboard's today) kept in memory:
 * loaded once from the legs table, then every leg a sync commits for that
 * day replaces its copy, so the live dashboard reads no legs from disk.
 * cursor is the sync cursor the copy is current with; a cursor moved by
 * another connection, a reset or a failed sync drops the copy.
 */
struct today {
	char day[11];              /* "" = nothing cached */
	int64_t cursor;
	struct leg *legs;
	long n, cap;
	uint32_t *slot;            /* (ticket, seq) -> index + 1, open addressing */
	uint32_t nslots;           /* power of two, > 2 * n */
};

struct stats {
	sqlite3 *db;
	sqlite3_stmt *q[Q_COUNT];
	const struct config *cfg;
	int exact_days;
	struct today today;
	int wal_pages;             /* frames in the derived file's WAL */
	char err[512];
};

/* ---- helpers -------------------------------------------------------------- */

static void __attribute__((format(printf, 2, 3)))
st_err(stats *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err, sizeof st->err, fmt, ap);
	va_end(ap);
}

/* Record sqlite's message; returns -1. */
static int
st_dberr(stats *st, const char *what)
{
	st_err(st, "%s: %s", what, sqlite3_errmsg(st->db));
	return -1;
}

static void
copy_code(char *dst, const unsigned char *src)
{
	size_t n = src != NULL ? strnlen((const char *)src, CODE_LEN - 1) : 0;

	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static int
st_exec(stats *st, int which)
{
	sqlite3_stmt *s = st->q[which];
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_dberr(st, "exec");
}

int
stats_parse_day(const char *s)
{
	struct tm tm;
	int y, m, d, i;
	char buf[48];

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	if (timegm(&tm) == (time_t)-1)
		return -1;
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return strcmp(buf, s) == 0 ? 0 : -1;   /* refuses 2026-02-30 */
}

/* After each commit (replaces sqlite's automatic checkpoint). */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	stats *st = arg;

	(void)db;
	if (strcmp(name, "main") == 0)
		st->wal_pages = pages;
	return SQLITE_OK;
}

/*
 * Copy the WAL back into the derived file when it holds at least min pages.
 * A checkpoint costs two fsyncs (~5-15 ms here), so it is done by reports
 * and rollups, which take tens of milliseconds anyway, and by a sync only
 * when the WAL has grown large: the live dashboard's syncs never pay it
 * while reports are made now and then.
 */
static void
wal_checkpoint(stats *st, int min)
{
	if (st->wal_pages < min || st->wal_pages == 0)
		return;
	if (sqlite3_wal_checkpoint_v2(st->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) ==
	    SQLITE_OK)
		st->wal_pages = 0;
}

/* Days from a to b inclusive (both valid). */
static long
day_span(const char *a, const char *b)
{
	struct tm ta, tb;

	memset(&ta, 0, sizeof ta);
	memset(&tb, 0, sizeof tb);
	strptime(a, "%Y-%m-%d", &ta);
	strptime(b, "%Y-%m-%d", &tb);
	return (long)((timegm(&tb) - timegm(&ta)) / 86400) + 1;
}

static int
local_hour(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return 0;
	return tm.tm_hour;
}

/* The configured target of a queue code, seconds (0 = none). */
static int
queue_target_s(const struct config *cfg, const char *queue)
{
	int q;

	if (cfg == NULL || (q = config_queue_index(cfg, queue)) < 0)
		return 0;
	return cfg->queues[q].target_wait_min * 60;
}

int64_t
stats_percentile(const int64_t *sorted, long n, int p)
{
	long rank;

	if (n <= 0)
		return 0;
	rank = (long)ceil((double)p * (double)n / 100.0);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

/* ---- open / close ------------------------------------------------------------ */

/*
 * A derived file made by an older version lacks what this one derives
 * (unattached ratings): empty it, so the next sync builds it again.
 */
static int
schema_check(stats *st)
{
	sqlite3_stmt *s;
	int v = 0;
	char sql[160];

	if (sqlite3_prepare_v2(st->db, "SELECT value FROM smeta WHERE key = 'schema'", -1, &s,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (v == STATS_SCHEMA_VERSION)
		return 0;
	snprintf(sql, sizeof sql, "BEGIN IMMEDIATE; DELETE FROM legs; DELETE FROM days;"
	    " DELETE FROM agg; DELETE FROM smeta; INSERT INTO smeta VALUES('schema', %d); COMMIT;",
	    STATS_SCHEMA_VERSION);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

stats *
stats_open(const char *db_path, const char *stats_path, const struct config *cfg,
    char *err, size_t errlen)
{
	stats *st = xcalloc(1, sizeof *st);
	char *spath = NULL, *uri;
	const char *p;
	size_t n = 0;
	sqlite3_stmt *att;
	int i;

	st->cfg = cfg;
	st->exact_days = 7;
	if (stats_path == NULL)
		xasprintf(&spath, "%s.stats", db_path);
	else
		spath = xstrdup(stats_path);
	if (sqlite3_open_v2(spath, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", spath, st->db ? sqlite3_errmsg(st->db) : "out of memory");
		free(spath);
		stats_close(st);
		return NULL;
	}
	free(spath);
	sqlite3_busy_timeout(st->db, 5000);
	/* file: URI of the daemon's database, read-only, with %, ? and # escaped. */
	uri = xmalloc(strlen(db_path) * 3 + 32);
	n = (size_t)sprintf(uri, "file:");
	for (p = db_path; *p != '\0'; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			n += (size_t)sprintf(uri + n, "%%%02X", (unsigned char)*p);
		else
			uri[n++] = *p;
	}
	strcpy(uri + n, "?mode=ro");
	if (sqlite3_prepare_v2(st->db, "ATTACH DATABASE ?1 AS live", -1, &att, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "attach: %s", sqlite3_errmsg(st->db));
		free(uri);
		stats_close(st);
		return NULL;
	}
	sqlite3_bind_text(att, 1, uri, -1, SQLITE_TRANSIENT);
	free(uri);
	i = sqlite3_step(att);
	sqlite3_finalize(att);
	if (i != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", db_path, sqlite3_errmsg(st->db));
		stats_close(st);
		return NULL;
	}
	if (sqlite3_exec(st->db, stats_schema, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "stats schema: %s", sqlite3_errmsg(st->db));
		stats_close(st);
		return NULL;
	}
	if (schema_check(st) != 0) {
		snprintf(err, errlen, "stats schema: %s", sqlite3_errmsg(st->db));
		stats_close(st);
		return NULL;
	}
	for (i = 0; i < Q_COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, stats_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		    &st->q[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: prepare %d: %s", db_path, i, sqlite3_errmsg(st->db));
			stats_close(st);
			return NULL;
		}
	}
	sqlite3_wal_hook(st->db, wal_hook, st);
	return st;
}

void
stats_close(stats *st)
{
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(st->q[i]);
	sqlite3_close(st->db);
	free(st->today.legs);
	free(st->today.slot);
	free(st);
}

const char *
stats_errmsg(const stats *st)
{
	return st->err;
}

void
stats_set_config(stats *st, const struct config *cfg)
{
	st->cfg = cfg;
}

void
stats_set_exact_days(stats *st, int days)
{
	st->exact_days = days < 1 ? 1 : days;
}

/* ---- sync: events into legs ----------------------------------------------------- */

struct sync_state {
	struct leg *legs;          /* legs touched in this chunk */
	long n, cap;
	uint32_t *slot;            /* ticket -> index + 1 of its current leg */
	int64_t *slot_key;
	uint32_t nslots;           /* power of two, > 2 * the chunk's events */
	char (*days)[11];          /* days touched */
	int ndays, capdays;
};

static void
map_find(struct sync_state *ss, int64_t ticket, uint32_t **slotp)
{
	uint32_t mask = ss->nslots - 1;
	uint32_t h = (uint32_t)((uint64_t)ticket * 0x9E3779B97F4A7C15ull >> 40) & mask;

	while (ss->slot[h] != 0 && ss->slot_key[h] != ticket)
		h = (h + 1) & mask;
	*slotp = &ss->slot[h];
	ss->slot_key[h] = ticket;
}

static struct leg *
leg_new(struct sync_state *ss, int64_t ticket)
{
	uint32_t *slot;

	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? ss->cap * 2 : 4096;
		ss->legs = xreallocarray(ss->legs, (size_t)ss->cap, sizeof *ss->legs);
	}
	map_find(ss, ticket, &slot);
	*slot = (uint32_t)ss->n + 1;
	memset(&ss->legs[ss->n], 0, sizeof ss->legs[0]);
	ss->legs[ss->n].ticket = ticket;
	return &ss->legs[ss->n++];
}

static void
leg_read(sqlite3_stmt *s, struct leg *l)
{
	{
		const unsigned char *d = sqlite3_column_text(s, 0);
		size_t n = d != NULL ? strnlen((const char *)d, sizeof l->day - 1) : 0;

		if (n > 0)
			memcpy(l->day, d, n);
		l->day[n] = '\0';
	}
	l->ticket = sqlite3_column_int64(s, 1);
	l->seq = sqlite3_column_int(s, 2);
	l->hour = sqlite3_column_int(s, 3);
	copy_code(l->queue, sqlite3_column_text(s, 4));
	copy_code(l->dept, sqlite3_column_text(s, 5));
	copy_code(l->proc, sqlite3_column_text(s, 6));
	copy_code(l->prio, sqlite3_column_text(s, 7));
	l->counter = sqlite3_column_int(s, 8);
	l->staff = sqlite3_column_int(s, 9);
	l->enq = sqlite3_column_int64(s, 10);
	l->call = sqlite3_column_int64(s, 11);
	l->start = sqlite3_column_int64(s, 12);
	l->finish = sqlite3_column_int64(s, 13);
	l->calls = sqlite3_column_int(s, 14);
	l->outcome = sqlite3_column_int(s, 15);
	l->rating = sqlite3_column_int(s, 16);
}

/* The current leg of a ticket: this chunk's, else the stored one, else NULL. */
static struct leg *
leg_current(stats *st, struct sync_state *ss, int64_t ticket, int *err)
{
	uint32_t *slot;
	sqlite3_stmt *s = st->q[Q_LEG_GET];
	struct leg *l = NULL;
	int rc;

	map_find(ss, ticket, &slot);
	if (*slot != 0)
		return &ss->legs[*slot - 1];
	sqlite3_bind_int64(s, 1, ticket);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		l = leg_new(ss, ticket);
		leg_read(s, l);
	} else if (rc != SQLITE_DONE) {
		*err = st_dberr(st, "leg");
	}
	sqlite3_reset(s);
	return l;
}

static void
touch_day(struct sync_state *ss, const char *day)
{
	int i;

	for (i = ss->ndays - 1; i >= 0; i--)
		if (strcmp(ss->days[i], day) == 0)
			return;
	if (ss->ndays == ss->capdays) {
		ss->capdays = ss->capdays ? ss->capdays * 2 : 16;
		ss->days = xreallocarray(ss->days, (size_t)ss->capdays, sizeof *ss->days);
	}
	snprintf(ss->days[ss->ndays++], 11, "%s", day);
}

/* Department of a queue code: the config's, else the ticket row's. */
static void
leg_set_queue(const struct config *cfg, struct leg *l, const unsigned char *queue,
    const unsigned char *dept)
{
	int q;

	copy_code(l->queue, queue);
	if (cfg != NULL && (q = config_queue_index(cfg, l->queue)) >= 0 &&
	    cfg->queues[q].department >= 0 && cfg->queues[q].department < cfg->ndepartments)
		copy_code(l->dept, (const unsigned char *)cfg->departments[cfg->queues[q].department].code);
	else
		copy_code(l->dept, dept);
}

/* Apply one event row of Q_EVENTS to the legs. */
static int
sync_event(stats *st, struct sync_state *ss, sqlite3_stmt *s)
{
	const char *type = (const char *)sqlite3_column_text(s, 1);
	int64_t at = sqlite3_column_int64(s, 2);
	int64_t ticket = sqlite3_column_int64(s, 3);
	struct leg *l, *n;
	int err = 0;

	if (type != NULL && ticket <= 0 && strcmp(type, "rated") == 0) {
		int v = sqlite3_column_int(s, 7);

		if (v < 1 || v > 4)
			return 0;
		l = leg_new(ss, -sqlite3_column_int64(s, 0));
		engine_day_of(at, st->cfg ? st->cfg->day_start_hour : 0, l->day);
		l->seq = -1;
		l->hour = local_hour(at);
		l->counter = sqlite3_column_int(s, 5);
		l->staff = sqlite3_column_int(s, 6);
		l->enq = at;
		l->finish = at;
		l->outcome = OUT_LOOSE;
		l->rating = v;
		touch_day(ss, l->day);
		return 0;
	}
	if (type == NULL || ticket <= 0 || sqlite3_column_type(s, 9) == SQLITE_NULL)
		return 0;   /* counter events; a ticket row that is gone */
	if (strcmp(type, "issued") == 0) {
		l = leg_new(ss, ticket);
		snprintf(l->day, sizeof l->day, "%s", (const char *)sqlite3_column_text(s, 9));
		leg_set_queue(st->cfg, l, sqlite3_column_text(s, 4), sqlite3_column_text(s, 13));
		copy_code(l->proc, sqlite3_column_text(s, 10));
		copy_code(l->prio, sqlite3_column_text(s, 11));
		l->enq = at;
		l->hour = local_hour(at);
		touch_day(ss, l->day);
		return 0;
	}
	l = leg_current(st, ss, ticket, &err);
	if (err)
		return -1;
	if (l == NULL) {
		/* Events of a ticket issued before the events began: start here. */
		l = leg_new(ss, ticket);
		snprintf(l->day, sizeof l->day, "%s", (const char *)sqlite3_column_text(s, 9));
		leg_set_queue(st->cfg, l, sqlite3_column_text(s, 4), sqlite3_column_text(s, 13));
		copy_code(l->proc, sqlite3_column_text(s, 10));
		copy_code(l->prio, sqlite3_column_text(s, 11));
		l->enq = sqlite3_column_int64(s, 12);
		l->hour = local_hour(l->enq);
	}
	touch_day(ss, l->day);
	if (strcmp(type, "called") == 0 || strcmp(type, "recalled") == 0) {
		l->call = at;
		l->calls++;
		l->counter = sqlite3_column_int(s, 5);
		l->staff = sqlite3_column_int(s, 6);
		l->outcome = OUT_OPEN;
	} else if (strcmp(type, "started") == 0) {
		l->start = at;
	} else if (strcmp(type, "finished") == 0) {
		l->finish = at;
		l->outcome = OUT_SERVED;
		if (l->start == 0)
			l->start = l->call;    /* finished straight from called */
	} else if (strcmp(type, "no_show") == 0) {
		l->finish = at;
		l->outcome = OUT_NO_SHOW;
	} else if (strcmp(type, "cancelled") == 0) {
		l->finish = at;
		l->outcome = OUT_CANCELLED;
	} else if (strcmp(type, "rated") == 0) {
		int v = sqlite3_column_int(s, 7);
		if (v >= 1 && v <= 4)
			l->rating = v;
	} else if (strcmp(type, "transferred") == 0) {
		struct leg old = *l;
		const unsigned char *to = sqlite3_column_text(s, 8);

		l->finish = at;
		l->outcome = OUT_TRANSFERRED;
		/* leg_new may move the array: work on copies. */
		old = *l;
		n = leg_new(ss, ticket);
		snprintf(n->day, sizeof n->day, "%s", old.day);
		leg_set_queue(st->cfg, n, to != NULL ? to : (const unsigned char *)old.queue,
		    (const unsigned char *)old.dept);
		snprintf(n->proc, sizeof n->proc, "%s", old.proc);
		snprintf(n->prio, sizeof n->prio, "%s", old.prio);
		n->seq = old.seq + 1;
		n->enq = at;
		n->hour = local_hour(at);
	}
	/* parked / unparked: the leg goes on; the next call ends its wait. */
	return 0;
}

/* ---- today's legs in memory ---------------------------------------------------- */

static void
today_drop(struct today *td)
{
	td->day[0] = '\0';
	td->n = 0;
	if (td->slot != NULL)
		memset(td->slot, 0, td->nslots * sizeof *td->slot);
}

static uint32_t
today_hash(const struct today *td, int64_t ticket, int seq)
{
	uint64_t k = (uint64_t)ticket * 0x9E3779B97F4A7C15ull ^ (uint64_t)seq * 0xC2B2AE3D27D4EB4Full;

	return (uint32_t)(k >> 32) & (td->nslots - 1);
}

/* The slot of (ticket, seq): its leg's index + 1, or 0 where it would go. */
static uint32_t *
today_slot(struct today *td, int64_t ticket, int seq)
{
	uint32_t h = today_hash(td, ticket, seq);

	while (td->slot[h] != 0 && (td->legs[td->slot[h] - 1].ticket != ticket ||
	    td->legs[td->slot[h] - 1].seq != seq))
		h = (h + 1) & (td->nslots - 1);
	return &td->slot[h];
}

/* Add a leg of the cached day, or replace the copy of the same (ticket, seq). */
static void
today_put(struct today *td, const struct leg *l)
{
	uint32_t *slot;
	long i;

	if ((uint64_t)(td->n + 1) * 2 >= td->nslots) {
		td->nslots = td->nslots ? td->nslots * 2 : 4096;
		free(td->slot);
		td->slot = xcalloc(td->nslots, sizeof *td->slot);
		for (i = 0; i < td->n; i++)
			*today_slot(td, td->legs[i].ticket, td->legs[i].seq) = (uint32_t)i + 1;
	}
	slot = today_slot(td, l->ticket, l->seq);
	if (*slot != 0) {
		td->legs[*slot - 1] = *l;
		return;
	}
	if (td->n == td->cap) {
		td->cap = td->cap ? td->cap * 2 : 1024;
		td->legs = xreallocarray(td->legs, (size_t)td->cap, sizeof *td->legs);
	}
	td->legs[td->n] = *l;
	*slot = (uint32_t)++td->n;
}

/* Legs of the cached day still open. */
static int
today_open(const struct today *td)
{
	long i;
	int n = 0;

	for (i = 0; i < td->n; i++)
		n += td->legs[i].outcome == OUT_OPEN;
	return n;
}

/*
 * The cached day's legs of a chunk replace their copies, before the chunk is
 * written (a failed write drops the copy); cursor: the chunk's last event.
 */
static void
today_apply(struct today *td, const struct sync_state *ss, int64_t cursor)
{
	long i;

	if (td->day[0] == '\0')
		return;
	for (i = 0; i < ss->n; i++)
		if (strcmp(ss->legs[i].day, td->day) == 0)
			today_put(td, &ss->legs[i]);
	td->cursor = cursor;
}

static int
sync_flush(stats *st, struct sync_state *ss)
{
	sqlite3_stmt *s = st->q[Q_LEG_PUT];
	long i;
	int d;

	for (i = 0; i < ss->n; i++) {
		const struct leg *l = &ss->legs[i];

		sqlite3_bind_text(s, 1, l->day, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, l->ticket);
		sqlite3_bind_int(s, 3, l->seq);
		sqlite3_bind_int(s, 4, l->hour);
		sqlite3_bind_text(s, 5, l->queue, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, l->dept, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, l->proc, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, l->prio, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 9, l->counter);
		sqlite3_bind_int(s, 10, l->staff);
		sqlite3_bind_int64(s, 11, l->enq);
		sqlite3_bind_int64(s, 12, l->call);
		sqlite3_bind_int64(s, 13, l->start);
		sqlite3_bind_int64(s, 14, l->finish);
		sqlite3_bind_int(s, 15, l->calls);
		sqlite3_bind_int(s, 16, l->outcome);
		sqlite3_bind_int(s, 17, l->rating);
		if (st_exec(st, Q_LEG_PUT) != 0)
			return -1;
	}
	for (d = 0; d < ss->ndays; d++) {
		sqlite3_stmt *c = st->q[Q_DAY_OPEN];
		int open_n;

		if (st->today.day[0] != '\0' && strcmp(ss->days[d], st->today.day) == 0) {
			open_n = today_open(&st->today);    /* the cache has this chunk */
		} else {
			sqlite3_bind_text(c, 1, ss->days[d], -1, SQLITE_STATIC);
			if (sqlite3_step(c) != SQLITE_ROW) {
				sqlite3_reset(c);
				return st_dberr(st, "day");
			}
			open_n = sqlite3_column_int(c, 0);
			sqlite3_reset(c);
		}
		sqlite3_bind_text(st->q[Q_DAY_PUT], 1, ss->days[d], -1, SQLITE_STATIC);
		sqlite3_bind_int(st->q[Q_DAY_PUT], 2, open_n);
		if (st_exec(st, Q_DAY_PUT) != 0)
			return -1;
		sqlite3_bind_text(st->q[Q_AGG_DEL], 1, ss->days[d], -1, SQLITE_STATIC);
		if (st_exec(st, Q_AGG_DEL) != 0)
			return -1;
	}
	return 0;
}

static int64_t
cursor_get(stats *st)
{
	sqlite3_stmt *s = st->q[Q_CURSOR_GET];
	int64_t v = 0;

	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return v;
}

long
stats_sync(stats *st, long max_events)
{
	struct sync_state ss;
	int64_t cursor, maxev;
	long total = 0, got;
	sqlite3_stmt *s;
	int rc;

	memset(&ss, 0, sizeof ss);
	cursor = cursor_get(st);
	if (st->today.day[0] != '\0' && st->today.cursor != cursor)
		today_drop(&st->today);    /* another connection synced */
	s = st->q[Q_MAXEV];
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return st_dberr(st, "events");
	}
	maxev = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (maxev < cursor) {
		/* A different database than the one derived: start again. */
		if (sqlite3_exec(st->db, "DELETE FROM legs; DELETE FROM days; DELETE FROM agg;"
		    " DELETE FROM smeta WHERE key = 'cursor';", NULL, NULL, NULL) != SQLITE_OK)
			return st_dberr(st, "reset");
		cursor = 0;
		today_drop(&st->today);
	}
	if (maxev == cursor)
		return 0;
	/* Room for twice the events of a chunk (ids leave no fewer than events). */
	{
		int64_t most = maxev - cursor < SYNC_CHUNK ? maxev - cursor : SYNC_CHUNK;

		if (max_events > 0 && max_events < most)
			most = max_events;
		for (ss.nslots = 64; ss.nslots <= 2 * most; ss.nslots *= 2)
			;
	}
	ss.slot = xcalloc(ss.nslots, sizeof *ss.slot);
	ss.slot_key = xcalloc(ss.nslots, sizeof *ss.slot_key);
	for (;;) {
		long chunk = SYNC_CHUNK;
		int64_t c;

		if (max_events > 0 && max_events - total < chunk)
			chunk = max_events - total;
		if (chunk <= 0)
			break;
		if (st_exec(st, Q_BEGIN) != 0)
			goto fail;
		/* Read again under the write lock: another connection may have synced. */
		if ((c = cursor_get(st)) != cursor) {
			cursor = c;
			today_drop(&st->today);
		}
		s = st->q[Q_EVENTS];
		sqlite3_bind_int64(s, 1, cursor);
		sqlite3_bind_int64(s, 2, chunk);
		got = 0;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			if (sync_event(st, &ss, s) != 0) {
				sqlite3_reset(s);
				goto fail_tx;
			}
			cursor = sqlite3_column_int64(s, 0);
			got++;
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE) {
			st_dberr(st, "events");
			goto fail_tx;
		}
		today_apply(&st->today, &ss, cursor);
		if (sync_flush(st, &ss) != 0)
			goto fail_tx;
		sqlite3_bind_int64(st->q[Q_CURSOR_SET], 1, cursor);
		if (st_exec(st, Q_CURSOR_SET) != 0 || st_exec(st, Q_COMMIT) != 0)
			goto fail_tx;
		wal_checkpoint(st, WAL_MAX);
		total += got;
		ss.n = 0;
		ss.ndays = 0;
		memset(ss.slot, 0, ss.nslots * sizeof *ss.slot);
		if (got < chunk)
			break;
	}
	free(ss.legs);
	free(ss.days);
	free(ss.slot);
	free(ss.slot_key);
	return total;
fail_tx:
	st_exec(st, Q_ROLLBACK);
fail:
	today_drop(&st->today);
	free(ss.legs);
	free(ss.days);
	free(ss.slot);
	free(ss.slot_key);
	return -1;
}

/* ---- accumulation --------------------------------------------------------------- */

struct vals {
	int64_t *v;
	long n, cap;
};

struct grp {
	int dim;
	char *key;
	long issued, tin, served, no_show, cancelled, tout, open;
	long wait_n, svc_n, sl_n, sl_in;
	double wait_sum, svc_sum;
	int64_t wait_max, svc_max;
	long rating[5];
	struct vals wv, sv;          /* exact */
	uint32_t *wh, *sh;           /* histograms */
	struct grp *next;
};

struct acc {
	int hist;
	unsigned counts_only;      /* bit per breakdown kept without times */
	long loose[5];             /* unattached ratings by value (1..4) */
	unsigned by;
	struct {                   /* queue code -> target (s), looked up once */
		char code[CODE_LEN];
		int target_s, used;
	} tgt[64];
	int ntgt;
	struct grp *tab[1024];
	struct grp **list;
	long n, cap;
};

static unsigned
grp_hash(int dim, const char *key)
{
	unsigned h = 2166136261u ^ (unsigned)dim;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h & 1023;
}

static struct grp *
grp_get(struct acc *a, int dim, const char *key)
{
	unsigned h = grp_hash(dim, key);
	struct grp *g;

	for (g = a->tab[h]; g != NULL; g = g->next)
		if (g->dim == dim && strcmp(g->key, key) == 0)
			return g;
	g = xcalloc(1, sizeof *g);
	g->dim = dim;
	g->key = xstrdup(key);
	if (a->hist) {
		g->wh = xcalloc(HBINS, sizeof *g->wh);
		g->sh = xcalloc(HBINS, sizeof *g->sh);
	}
	g->next = a->tab[h];
	a->tab[h] = g;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->list = xreallocarray(a->list, (size_t)a->cap, sizeof *a->list);
	}
	a->list[a->n++] = g;
	return g;
}

/* The group of (dim, key), or NULL. */
static struct grp *
grp_find(struct acc *a, int dim, const char *key)
{
	struct grp *g;

	for (g = a->tab[grp_hash(dim, key)]; g != NULL; g = g->next)
		if (g->dim == dim && strcmp(g->key, key) == 0)
			return g;
	return NULL;
}

static void
acc_free(struct acc *a)
{
	long i;

	for (i = 0; i < a->n; i++) {
		free(a->list[i]->key);
		free(a->list[i]->wv.v);
		free(a->list[i]->sv.v);
		free(a->list[i]->wh);
		free(a->list[i]->sh);
		free(a->list[i]);
	}
	free(a->list);
}

static void
vals_push(struct vals *v, int64_t x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->v = xreallocarray(v->v, (size_t)v->cap, sizeof *v->v);
	}
	v->v[v->n++] = x;
}

static int
bin_of(int64_t secs)
{
	int64_t m = secs / 60;

	return m >= HBINS - 1 ? HBINS - 1 : (int)m;
}

/* Add one leg to g; hist: to its histograms, -1: keep no times for percentiles. */
static void
grp_leg(struct grp *g, const struct leg *l, int hist, int target_s)
{
	if (l->seq == 0)
		g->issued++;
	else
		g->tin++;
	switch (l->outcome) {
	case OUT_SERVED: g->served++; break;
	case OUT_NO_SHOW: g->no_show++; break;
	case OUT_CANCELLED: g->cancelled++; break;
	case OUT_TRANSFERRED: g->tout++; break;
	default: g->open++; break;
	}
	if (l->call > 0) {
		int64_t w = l->call >= l->enq ? l->call - l->enq : 0;

		g->wait_n++;
		g->wait_sum += (double)w;
		if (w > g->wait_max)
			g->wait_max = w;
		if (hist > 0)
			g->wh[bin_of(w)]++;
		else if (hist == 0)
			vals_push(&g->wv, w);
		if (l->outcome == OUT_SERVED && target_s > 0) {
			g->sl_n++;
			if (w <= target_s)
				g->sl_in++;
		}
	}
	if (l->outcome == OUT_SERVED && l->start > 0 && l->finish >= l->start) {
		int64_t d = l->finish - l->start;

		g->svc_n++;
		g->svc_sum += (double)d;
		if (d > g->svc_max)
			g->svc_max = d;
		if (hist > 0)
			g->sh[bin_of(d)]++;
		else if (hist == 0)
			vals_push(&g->sv, d);
	}
	if (l->rating >= 1 && l->rating <= 4)
		g->rating[l->rating]++;
}

/* The target of a queue (queue_target_s), remembered in a. */
static int
acc_target(struct acc *a, const struct config *cfg, const char *queue)
{
	unsigned h = grp_hash(0, queue) & 63;

	while (a->tgt[h].used && strcmp(a->tgt[h].code, queue) != 0)
		h = (h + 1) & 63;
	if (a->tgt[h].used)
		return a->tgt[h].target_s;
	if (a->ntgt >= 48)
		return queue_target_s(cfg, queue);
	a->ntgt++;
	a->tgt[h].used = 1;
	snprintf(a->tgt[h].code, CODE_LEN, "%s", queue);
	a->tgt[h].target_s = queue_target_s(cfg, queue);
	return a->tgt[h].target_s;
}

/* A non-negative number in decimal, as snprintf "%d" (buf of at least 12). */
static const char *
uint_key(char *buf, int v)
{
	char tmp[12];
	int n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && n < 11);
	while (n > 0)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return buf;
}

/* Add one leg to every requested breakdown (and the total). */
static void
acc_leg(struct acc *a, const struct leg *l, const struct config *cfg)
{
	char buf[24];
	int target_s;
	int dim;

	if (l->outcome == OUT_LOOSE) {
		if (l->rating >= 1 && l->rating <= 4)
			a->loose[l->rating]++;
		return;
	}
	target_s = acc_target(a, cfg, l->queue);
	grp_leg(grp_get(a, STATS_BY_TOTAL, ""), l, a->hist, target_s);
	for (dim = 1; dim < STATS_BY_COUNT; dim++) {
		const char *key = NULL;

		if ((a->by & (1u << dim)) == 0)
			continue;
		switch (dim) {
		case STATS_BY_DAY: key = l->day; break;
		case STATS_BY_HOUR:
			if (l->hour >= 0 && l->hour < 100) {
				buf[0] = (char)('0' + l->hour / 10);
				buf[1] = (char)('0' + l->hour % 10);
				buf[2] = '\0';
			} else {
				snprintf(buf, sizeof buf, "%02d", l->hour);
			}
			key = buf;
			break;
		case STATS_BY_DEPARTMENT: key = l->dept; break;
		case STATS_BY_QUEUE: key = l->queue; break;
		case STATS_BY_PROCEDURE: key = l->proc; break;
		case STATS_BY_COUNTER:
			if (l->counter > 0)
				key = uint_key(buf, l->counter);
			break;
		case STATS_BY_STAFF:
			if (l->staff > 0)
				key = uint_key(buf, l->staff);
			break;
		default: break;
		}
		if (key != NULL)
			grp_leg(grp_get(a, dim, key), l, (a->counts_only & (1u << dim)) ? -1 : a->hist, target_s);
	}
}

/* Scan legs from a prepared, bound statement into a. */
static int
acc_scan(stats *st, struct acc *a, sqlite3_stmt *s)
{
	struct leg l;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		leg_read(s, &l);
		acc_leg(a, &l, st->cfg);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_dberr(st, "legs");
}

/* Sparse histogram blob: (uint16 bin, uint32 count) little-endian. */
static unsigned char *
hist_encode_vals(const struct vals *v, int *len)
{
	uint32_t *h = xcalloc(HBINS, sizeof *h);
	unsigned char *out, *p;
	long i;
	int b, nz = 0;

	for (i = 0; i < v->n; i++)
		h[bin_of(v->v[i])]++;
	for (b = 0; b < HBINS; b++)
		nz += h[b] != 0;
	p = out = xmalloc((size_t)nz * 6 + 1);
	for (b = 0; b < HBINS; b++) {
		if (h[b] == 0)
			continue;
		*p++ = (unsigned char)(b & 0xff);
		*p++ = (unsigned char)(b >> 8);
		*p++ = (unsigned char)(h[b] & 0xff);
		*p++ = (unsigned char)((h[b] >> 8) & 0xff);
		*p++ = (unsigned char)((h[b] >> 16) & 0xff);
		*p++ = (unsigned char)((h[b] >> 24) & 0xff);
	}
	free(h);
	*len = nz * 6;
	return out;
}

static void
hist_decode_add(uint32_t *h, const unsigned char *p, int len)
{
	int i;

	for (i = 0; i + 6 <= len; i += 6) {
		unsigned b = (unsigned)p[i] | (unsigned)p[i + 1] << 8;
		uint32_t c = (uint32_t)p[i + 2] | (uint32_t)p[i + 3] << 8 |
		    (uint32_t)p[i + 4] << 16 | (uint32_t)p[i + 5] << 24;
		if (b < HBINS)
			h[b] += c;
	}
}

/* ---- rollup ---------------------------------------------------------------------- */

static int
rollup_day(stats *st, const char *day)
{
	struct acc a;
	sqlite3_stmt *s = st->q[Q_LEGS_DAY], *w = st->q[Q_AGG_PUT];
	long i;
	int rc = 0;

	memset(&a, 0, sizeof a);
	a.by = STATS_BY_ALL & ~(1u << STATS_BY_DAY);
	sqlite3_bind_text(s, 1, day, -1, SQLITE_TRANSIENT);
	if (acc_scan(st, &a, s) != 0) {
		acc_free(&a);
		return -1;
	}
	for (i = 0; i < a.n && rc == 0; i++) {
		const struct grp *g = a.list[i];
		unsigned char *wb, *sb;
		int wl, sl;

		wb = hist_encode_vals(&g->wv, &wl);
		sb = hist_encode_vals(&g->sv, &sl);
		sqlite3_bind_text(w, 1, day, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(w, 2, g->dim);
		sqlite3_bind_text(w, 3, g->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(w, 4, g->issued);
		sqlite3_bind_int64(w, 5, g->tin);
		sqlite3_bind_int64(w, 6, g->served);
		sqlite3_bind_int64(w, 7, g->no_show);
		sqlite3_bind_int64(w, 8, g->cancelled);
		sqlite3_bind_int64(w, 9, g->tout);
		sqlite3_bind_int64(w, 10, g->open);
		sqlite3_bind_int64(w, 11, g->wait_n);
		sqlite3_bind_int64(w, 12, (int64_t)g->wait_sum);
		sqlite3_bind_int64(w, 13, g->wait_max);
		sqlite3_bind_int64(w, 14, g->svc_n);
		sqlite3_bind_int64(w, 15, (int64_t)g->svc_sum);
		sqlite3_bind_int64(w, 16, g->svc_max);
		sqlite3_bind_int64(w, 17, g->sl_n);
		sqlite3_bind_int64(w, 18, g->sl_in);
		sqlite3_bind_int64(w, 19, g->rating[1]);
		sqlite3_bind_int64(w, 20, g->rating[2]);
		sqlite3_bind_int64(w, 21, g->rating[3]);
		sqlite3_bind_int64(w, 22, g->rating[4]);
		sqlite3_bind_blob(w, 23, wb, wl, SQLITE_TRANSIENT);
		sqlite3_bind_blob(w, 24, sb, sl, SQLITE_TRANSIENT);
		rc = st_exec(st, Q_AGG_PUT);
		free(wb);
		free(sb);
	}
	acc_free(&a);
	if (rc != 0)
		return -1;
	sqlite3_bind_text(st->q[Q_DAY_ROLLED], 1, day, -1, SQLITE_TRANSIENT);
	return st_exec(st, Q_DAY_ROLLED);
}

int
stats_rollup(stats *st, const char *before)
{
	sqlite3_stmt *s = st->q[Q_ROLL_DAYS];
	char (*days)[11] = NULL;
	int n = 0, cap = 0, i, rc;

	sqlite3_bind_text(s, 1, before, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			days = xreallocarray(days, (size_t)cap, sizeof *days);
		}
		snprintf(days[n++], 11, "%s", (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(days);
		return st_dberr(st, "days");
	}
	for (i = 0; i < n; i++) {
		if (st_exec(st, Q_BEGIN) != 0)
			break;
		if (rollup_day(st, days[i]) != 0 || st_exec(st, Q_COMMIT) != 0) {
			st_exec(st, Q_ROLLBACK);
			break;
		}
	}
	free(days);
	wal_checkpoint(st, WAL_REPORT);
	return i == n ? n : -1;
}

/* Merge the agg rows of [from, to] into a (hist mode). */
static int
acc_agg(stats *st, struct acc *a, const char *from, const char *to)
{
	sqlite3_stmt *s = st->q[Q_AGG_RANGE];
	int rc;

	sqlite3_bind_text(s, 1, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, (int)(a->by | 1u));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int dim = sqlite3_column_int(s, 1), k;
		const char *day = (const char *)sqlite3_column_text(s, 0);
		const char *key = (const char *)sqlite3_column_text(s, 2);
		struct grp *gs[2];
		int ng = 0;

		if (dim < 0 || dim >= STATS_BY_COUNT || dim == STATS_BY_DAY || key == NULL || day == NULL)
			continue;
		gs[ng++] = grp_get(a, dim, key);
		if (dim == STATS_BY_TOTAL && (a->by & (1u << STATS_BY_DAY)))
			gs[ng++] = grp_get(a, STATS_BY_DAY, day);
		for (k = 0; k < ng; k++) {
			struct grp *g = gs[k];
			int64_t v;

			g->issued += sqlite3_column_int64(s, 3);
			g->tin += sqlite3_column_int64(s, 4);
			g->served += sqlite3_column_int64(s, 5);
			g->no_show += sqlite3_column_int64(s, 6);
			g->cancelled += sqlite3_column_int64(s, 7);
			g->tout += sqlite3_column_int64(s, 8);
			g->open += sqlite3_column_int64(s, 9);
			g->wait_n += sqlite3_column_int64(s, 10);
			g->wait_sum += (double)sqlite3_column_int64(s, 11);
			if ((v = sqlite3_column_int64(s, 12)) > g->wait_max)
				g->wait_max = v;
			g->svc_n += sqlite3_column_int64(s, 13);
			g->svc_sum += (double)sqlite3_column_int64(s, 14);
			if ((v = sqlite3_column_int64(s, 15)) > g->svc_max)
				g->svc_max = v;
			g->sl_n += sqlite3_column_int64(s, 16);
			g->sl_in += sqlite3_column_int64(s, 17);
			g->rating[1] += sqlite3_column_int64(s, 18);
			g->rating[2] += sqlite3_column_int64(s, 19);
			g->rating[3] += sqlite3_column_int64(s, 20);
			g->rating[4] += sqlite3_column_int64(s, 21);
			hist_decode_add(g->wh, sqlite3_column_blob(s, 22), sqlite3_column_bytes(s, 22));
			hist_decode_add(g->sh, sqlite3_column_blob(s, 23), sqlite3_column_bytes(s, 23));
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_dberr(st, "agg");
}

/* ---- output ----------------------------------------------------------------------- */

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Sort times (seconds, never negative) in place: a least-significant-digit
 * radix sort, 11 bits a pass and only as many passes as the largest value
 * needs (two below 48 days), several times faster than qsort for the
 * thousands of values of a day.  Any negative value: qsort.
 */
static void
sort_times(int64_t *v, long n)
{
	uint32_t cnt[2048];
	int64_t *tmp, *src = v, *dst, *x, max = 0;
	long i;
	int shift;

	for (i = 0; i < n; i++) {
		if (v[i] < 0) {
			qsort(v, (size_t)n, sizeof *v, cmp_i64);
			return;
		}
		if (v[i] > max)
			max = v[i];
	}
	if (n < 2)
		return;
	tmp = dst = xreallocarray(NULL, (size_t)n, sizeof *v);
	for (shift = 0; shift < 64 && (max >> shift) != 0; shift += 11) {
		uint32_t sum = 0, c;

		memset(cnt, 0, sizeof cnt);
		for (i = 0; i < n; i++)
			cnt[(uint64_t)src[i] >> shift & 2047]++;
		for (i = 0; i < 2048; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[cnt[(uint64_t)src[i] >> shift & 2047]++] = src[i];
		x = src;
		src = dst;
		dst = x;
	}
	if (src != v)
		memcpy(v, src, (size_t)n * sizeof *v);
	free(tmp);
}

static int64_t
hist_percentile(const uint32_t *h, long n, int p, int64_t max)
{
	long rank, cum = 0;
	int b;

	if (n <= 0)
		return 0;
	rank = (long)ceil((double)p * (double)n / 100.0);
	if (rank < 1)
		rank = 1;
	for (b = 0; b < HBINS; b++) {
		cum += h[b];
		if (cum >= rank) {
			int64_t v = (int64_t)b * 60 + 30;
			return b == HBINS - 1 || v > max ? max : v;
		}
	}
	return max;
}

static double
round1(double x)
{
	return round(x * 10.0) / 10.0;
}

static cJSON *
times_json(long n, double sum, int64_t max, struct vals *v, const uint32_t *h)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "n", (double)n);
	if (n == 0) {
		cJSON_AddNullToObject(o, "mean_s");
		cJSON_AddNullToObject(o, "median_s");
		cJSON_AddNullToObject(o, "p90_s");
		cJSON_AddNullToObject(o, "max_s");
		return o;
	}
	cJSON_AddNumberToObject(o, "mean_s", round1(sum / (double)n));
	if (h == NULL) {
		sort_times(v->v, v->n);
		cJSON_AddNumberToObject(o, "median_s", (double)stats_percentile(v->v, v->n, 50));
		cJSON_AddNumberToObject(o, "p90_s", (double)stats_percentile(v->v, v->n, 90));
	} else {
		cJSON_AddNumberToObject(o, "median_s", (double)hist_percentile(h, n, 50, max));
		cJSON_AddNumberToObject(o, "p90_s", (double)hist_percentile(h, n, 90, max));
	}
	cJSON_AddNumberToObject(o, "max_s", (double)max);
	return o;
}

static double
pct(long a, long b)
{
	return b > 0 ? round1(100.0 * (double)a / (double)b) : 0;
}

/* Name shown for a key. */
static void
grp_label(const stats *st, const cJSON *users, int dim, const char *key, char *out, size_t len)
{
	const struct config *cfg = st->cfg;
	int i;

	snprintf(out, len, "%s", key);
	switch (dim) {
	case STATS_BY_TOTAL:
		snprintf(out, len, "Tổng cộng");
		break;
	case STATS_BY_DAY:
		/* "2026-03-04" -> "04/03/2026", as Vietnamese writes a date. */
		if (strlen(key) == 10)
			snprintf(out, len, "%.2s/%.2s/%.4s", key + 8, key + 5, key);
		break;
	case STATS_BY_HOUR:
		snprintf(out, len, "%s:00–%s:59", key, key);
		break;
	case STATS_BY_DEPARTMENT:
		if (cfg != NULL && (i = config_department_index(cfg, key)) >= 0)
			snprintf(out, len, "%s", cfg->departments[i].name);
		break;
	case STATS_BY_QUEUE:
		if (cfg != NULL && (i = config_queue_index(cfg, key)) >= 0)
			snprintf(out, len, "%s", cfg->queues[i].name);
		break;
	case STATS_BY_PROCEDURE:
		if (key[0] == '\0')
			snprintf(out, len, "(chọn theo hàng đợi)");
		else if (cfg != NULL && (i = config_procedure_index(cfg, key)) >= 0)
			snprintf(out, len, "%s", cfg->procedures[i].name);
		break;
	case STATS_BY_COUNTER:
		snprintf(out, len, "Quầy %s", key);
		if (cfg != NULL) {
			long num = strtol(key, NULL, 10);
			if (num > 0 && num < 100 && (i = config_counter_index(cfg, (int)num)) >= 0 &&
			    cfg->counters[i].name != NULL)
				snprintf(out, len, "%s", cfg->counters[i].name);
		}
		break;
	case STATS_BY_STAFF: {
		const cJSON *u = users != NULL ? cJSON_GetObjectItemCaseSensitive(users, key) : NULL;
		if (cJSON_IsString(u))
			snprintf(out, len, "%s", u->valuestring);
		else
			snprintf(out, len, "Nhân viên #%s", key);
		break;
	}
	default:
		break;
	}
}

static cJSON *
grp_json(const stats *st, const cJSON *users, struct grp *g, int hist)
{
	cJSON *o = cJSON_CreateObject(), *r, *arr;
	char label[256];
	long rn;
	int i;

	grp_label(st, users, g->dim, g->key, label, sizeof label);
	cJSON_AddStringToObject(o, "key", g->key);
	cJSON_AddStringToObject(o, "label", label);
	if (g->dim == STATS_BY_QUEUE) {
		int t = queue_target_s(st->cfg, g->key);
		if (t > 0)
			cJSON_AddNumberToObject(o, "target_s", t);
		else
			cJSON_AddNullToObject(o, "target_s");
	}
	cJSON_AddNumberToObject(o, "issued", (double)g->issued);
	cJSON_AddNumberToObject(o, "transferred_in", (double)g->tin);
	cJSON_AddNumberToObject(o, "served", (double)g->served);
	cJSON_AddNumberToObject(o, "no_show", (double)g->no_show);
	cJSON_AddNumberToObject(o, "cancelled", (double)g->cancelled);
	cJSON_AddNumberToObject(o, "transferred_out", (double)g->tout);
	cJSON_AddNumberToObject(o, "open", (double)g->open);
	if (g->issued > 0)
		cJSON_AddNumberToObject(o, "no_show_pct", pct(g->no_show, g->issued));
	else
		cJSON_AddNullToObject(o, "no_show_pct");   /* nothing issued: undefined */
	cJSON_AddItemToObject(o, "wait", times_json(g->wait_n, g->wait_sum, g->wait_max,
	    &g->wv, hist ? g->wh : NULL));
	cJSON_AddItemToObject(o, "service", times_json(g->svc_n, g->svc_sum, g->svc_max,
	    &g->sv, hist ? g->sh : NULL));
	r = cJSON_AddObjectToObject(o, "service_level");
	cJSON_AddNumberToObject(r, "n", (double)g->sl_n);
	cJSON_AddNumberToObject(r, "within", (double)g->sl_in);
	if (g->sl_n > 0)
		cJSON_AddNumberToObject(r, "pct", pct(g->sl_in, g->sl_n));
	else
		cJSON_AddNullToObject(r, "pct");
	r = cJSON_AddObjectToObject(o, "rating");
	rn = g->rating[1] + g->rating[2] + g->rating[3] + g->rating[4];
	cJSON_AddNumberToObject(r, "n", (double)rn);
	arr = cJSON_AddArrayToObject(r, "counts");
	for (i = 1; i <= 4; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)g->rating[i]));
	if (rn > 0)
		cJSON_AddNumberToObject(r, "satisfied_pct", pct(g->rating[1] + g->rating[2], rn));
	else
		cJSON_AddNullToObject(r, "satisfied_pct");
	return o;
}

/* "unattached_ratings": {"n", "counts": [1..4]} of the counts in loose[1..4]. */
static void
loose_json(cJSON *o, const long *loose)
{
	cJSON *r = cJSON_AddObjectToObject(o, "unattached_ratings"), *arr;
	int i;

	cJSON_AddNumberToObject(r, "n", (double)(loose[1] + loose[2] + loose[3] + loose[4]));
	arr = cJSON_AddArrayToObject(r, "counts");
	for (i = 1; i <= 4; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)loose[i]));
}

/* Unattached ratings of the days from..to into loose[1..4] (not in the rollups). */
static int
loose_range(stats *st, const char *from, const char *to, long *loose)
{
	sqlite3_stmt *s = st->q[Q_LOOSE];
	int rc;

	memset(loose, 0, 5 * sizeof *loose);
	sqlite3_bind_text(s, 1, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, to, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int v = sqlite3_column_int(s, 0);
		if (v >= 1 && v <= 4)
			loose[v] += sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_dberr(st, "ratings");
}

static int
grp_cmp(const void *pa, const void *pb)
{
	const struct grp *a = *(const struct grp *const *)pa, *b = *(const struct grp *const *)pb;

	if (a->dim != b->dim)
		return a->dim - b->dim;
	if (a->dim == STATS_BY_COUNTER || a->dim == STATS_BY_STAFF) {
		long x = strtol(a->key, NULL, 10), y = strtol(b->key, NULL, 10);
		return (x > y) - (x < y);
	}
	return strcmp(a->key, b->key);
}

/* Staff names by id: {"3": "Nguyễn Văn A"}. */
static cJSON *
users_map(stats *st)
{
	sqlite3_stmt *s = st->q[Q_USERS];
	cJSON *o = cJSON_CreateObject();
	char id[24];

	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *full = (const char *)sqlite3_column_text(s, 2);
		const char *name = (const char *)sqlite3_column_text(s, 1);

		snprintf(id, sizeof id, "%lld", (long long)sqlite3_column_int64(s, 0));
		if (cJSON_GetObjectItemCaseSensitive(o, id) == NULL)
			cJSON_AddStringToObject(o, id, full != NULL && full[0] ? full :
			    name != NULL ? name : "");
	}
	sqlite3_reset(s);
	return o;
}

static const char *const stats_by_names[STATS_BY_COUNT] = {
	"total", "day", "hour", "department", "queue", "procedure", "counter", "staff"
};

const char *
stats_by_name(enum stats_by by)
{
	return (int)by >= 0 && by < STATS_BY_COUNT ? stats_by_names[by] : "?";
}

int
stats_by_parse(const char *name)
{
	int i;

	for (i = 0; i < STATS_BY_COUNT; i++)
		if (name != NULL && strcmp(name, stats_by_names[i]) == 0)
			return i;
	return -1;
}

static void
add_definitions(cJSON *o)
{
	cJSON *d = cJSON_AddObjectToObject(o, "definitions");

	cJSON_AddStringToObject(d, "wait", "Thời gian chờ = lần gọi cuối − lúc lấy số "
	    "(vé được chuyển bắt đầu lượt chờ mới ở hàng đợi mới, tính từ lúc chuyển).");
	cJSON_AddStringToObject(d, "service", "Thời gian phục vụ = lúc kết thúc − lúc bắt đầu phục vụ.");
	cJSON_AddStringToObject(d, "no_show_pct", "Tỷ lệ vắng mặt = số vé vắng mặt / số vé đã cấp.");
	cJSON_AddStringToObject(d, "service_level", "Tỷ lệ đạt chuẩn = số lượt phục vụ xong có "
	    "thời gian chờ không quá mục tiêu của hàng đợi / số lượt phục vụ xong.");
	cJSON_AddStringToObject(d, "percentiles", "Trung vị và phân vị 90 theo hạng gần nhất; "
	    "chính xác với khoảng tối đa 7 ngày hoặc có bộ lọc, còn lại tính từ "
	    "biểu đồ tần suất theo phút (sai số không quá 30 giây).");
	cJSON_AddStringToObject(d, "satisfaction", "Tỷ lệ hài lòng = số đánh giá "
	    "“rất hài lòng” và “hài lòng” / số đánh giá gắn với vé. Đánh giá bấm trên bàn "
	    "phím khi không có vé nào để gắn (quá thời gian cho phép, quầy đã gọi người khác) "
	    "được đếm riêng là “đánh giá không gắn với vé”, không tính vào tỷ lệ.");
	cJSON_AddStringToObject(d, "booked_vs_walk_in", "Khách có lịch hẹn: vé cấp khi "
	    "xác nhận lịch hẹn; thời gian chờ tính từ giờ hẹn, hoặc từ lúc xác nhận nếu "
	    "đến muộn hơn. Khách không hẹn trước: mọi vé khác (kể cả lấy số từ xa), chờ "
	    "tính từ lúc lấy số. Chỉ tính lượt chờ đầu tiên của mỗi vé, luôn chính xác.");
	cJSON_AddStringToObject(d, "units", "Thời gian ghi dạng phút:giây (m:ss) hoặc "
	    "“12 phút 30 giây”; biểu đồ tính bằng phút, số thập phân dùng dấu phẩy.");
}

/* Bind a query's range and filters as ?1..?7 (Q_LEGS_RANGE, Q_BOOKED). */
static void
bind_query(sqlite3_stmt *s, const struct stats_query *q)
{
	sqlite3_bind_text(s, 1, q->from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, q->to, -1, SQLITE_TRANSIENT);
	if (q->department) sqlite3_bind_text(s, 3, q->department, -1, SQLITE_TRANSIENT);
	else sqlite3_bind_null(s, 3);
	if (q->queue) sqlite3_bind_text(s, 4, q->queue, -1, SQLITE_TRANSIENT);
	else sqlite3_bind_null(s, 4);
	if (q->procedure) sqlite3_bind_text(s, 5, q->procedure, -1, SQLITE_TRANSIENT);
	else sqlite3_bind_null(s, 5);
	sqlite3_bind_int(s, 6, q->counter);
	sqlite3_bind_int(s, 7, q->staff);
}

/* Unix time of a booking's slot: local date day ("YYYY-MM-DD") + slot_s. */
static int64_t
slot_time(const char *day, int slot_s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (stats_parse_day(day) != 0)
		return 0;
	tm.tm_year = (int)strtol(day, NULL, 10) - 1900;
	tm.tm_mon = (int)strtol(day + 5, NULL, 10) - 1;
	tm.tm_mday = (int)strtol(day + 8, NULL, 10);
	tm.tm_hour = slot_s / 3600;
	tm.tm_min = slot_s / 60 % 60;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/*
 * "booked_vs_walk_in": each ticket's first leg of the range, split by
 * whether it was issued by a booking's check-in.  A booked visitor's wait
 * runs from the slot's start, or from the check-in when later (an early
 * visitor is not counted waiting before the time they booked); a
 * walk-in's from the ticket's issue.  Always exact (from the legs).
 */
static int
booked_split(stats *st, const struct stats_query *q, cJSON *o)
{
	static const char *const key[2] = { "walk_in", "booked" };
	static const char *const label[2] = { "Khách không hẹn trước",
		"Khách có lịch hẹn (chờ tính từ giờ hẹn)" };
	sqlite3_stmt *s = st->q[Q_BOOKED];
	struct grp g[2];
	cJSON *x;
	int rc, k;

	memset(g, 0, sizeof g);
	bind_query(s, q);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t enq = sqlite3_column_int64(s, 0), call = sqlite3_column_int64(s, 1), w;
		const unsigned char *day = sqlite3_column_text(s, 2);

		k = day != NULL;
		if (k) {
			int64_t at = slot_time((const char *)day, sqlite3_column_int(s, 3));

			if (at > enq)
				enq = at;
		}
		g[k].issued++;
		if (call <= 0)
			continue;
		w = call > enq ? call - enq : 0;
		g[k].wait_n++;
		g[k].wait_sum += (double)w;
		if (w > g[k].wait_max)
			g[k].wait_max = w;
		vals_push(&g[k].wv, w);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(g[0].wv.v);
		free(g[1].wv.v);
		return st_dberr(st, "booked and walk-in waits");
	}
	x = cJSON_AddObjectToObject(o, "booked_vs_walk_in");
	for (k = 1; k >= 0; k--) {
		cJSON *y = cJSON_AddObjectToObject(x, key[k]);

		cJSON_AddStringToObject(y, "key", key[k]);
		cJSON_AddStringToObject(y, "label", label[k]);
		cJSON_AddNumberToObject(y, "issued", (double)g[k].issued);
		cJSON_AddItemToObject(y, "wait", times_json(g[k].wait_n, g[k].wait_sum,
		    g[k].wait_max, &g[k].wv, NULL));
		free(g[k].wv.v);
	}
	return 0;
}

cJSON *
stats_report(stats *st, const struct stats_query *q, int64_t now)
{
	struct acc a;
	cJSON *o, *by, *users, *f;
	char today[11];
	long ndays, i;
	int filtered, hist, dim;

	if (stats_parse_day(q->from) != 0 || stats_parse_day(q->to) != 0 ||
	    strcmp(q->from, q->to) > 0) {
		st_err(st, "bad date range");
		errno = EINVAL;
		return NULL;
	}
	if (stats_sync(st, 0) < 0)
		return NULL;
	ndays = day_span(q->from, q->to);
	filtered = q->department != NULL || q->queue != NULL || q->procedure != NULL ||
	    q->counter != 0 || q->staff != 0;
	hist = !filtered && ndays > st->exact_days;
	memset(&a, 0, sizeof a);
	a.by = q->by & STATS_BY_ALL;
	a.hist = hist;
	if (!hist) {
		sqlite3_stmt *s = st->q[Q_LEGS_RANGE];

		bind_query(s, q);
		if (acc_scan(st, &a, s) != 0) {
			acc_free(&a);
			return NULL;
		}
	} else {
		sqlite3_stmt *s = st->q[Q_DAYS_UNROLLED];
		char (*days)[11] = NULL;
		int n = 0, cap = 0, rc;

		engine_day_of(now, st->cfg ? st->cfg->day_start_hour : 0, today);
		if (stats_rollup(st, today) < 0 || acc_agg(st, &a, q->from, q->to) != 0) {
			acc_free(&a);
			return NULL;
		}
		sqlite3_bind_text(s, 1, q->from, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, q->to, -1, SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				days = xreallocarray(days, (size_t)cap, sizeof *days);
			}
			snprintf(days[n++], 11, "%s", (const char *)sqlite3_column_text(s, 0));
		}
		sqlite3_reset(s);
		for (i = 0; i < n && rc == SQLITE_DONE; i++) {
			sqlite3_bind_text(st->q[Q_LEGS_DAY], 1, days[i], -1, SQLITE_TRANSIENT);
			if (acc_scan(st, &a, st->q[Q_LEGS_DAY]) != 0)
				rc = SQLITE_ERROR;
		}
		free(days);
		if (rc != SQLITE_DONE) {
			st_dberr(st, "report");
			acc_free(&a);
			return NULL;
		}
		/* The rollups do not hold them: all of the range's from the legs. */
		if (loose_range(st, q->from, q->to, a.loose) != 0) {
			acc_free(&a);
			return NULL;
		}
	}
	if (a.n > 1)
		qsort(a.list, (size_t)a.n, sizeof *a.list, grp_cmp);
	users = users_map(st);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "from", q->from);
	cJSON_AddStringToObject(o, "to", q->to);
	cJSON_AddNumberToObject(o, "days", (double)ndays);
	cJSON_AddBoolToObject(o, "exact", !hist);
	cJSON_AddNumberToObject(o, "generated_at", (double)now);
	/* Who files the report: its header names the centre and its place. */
	f = cJSON_AddObjectToObject(o, "centre");
	cJSON_AddStringToObject(f, "name", st->cfg && st->cfg->centre_name ? st->cfg->centre_name : "");
	cJSON_AddStringToObject(f, "address", st->cfg && st->cfg->centre_address ?
	    st->cfg->centre_address : "");
	f = cJSON_AddObjectToObject(o, "filters");
	if (q->department) cJSON_AddStringToObject(f, "department", q->department);
	if (q->queue) cJSON_AddStringToObject(f, "queue", q->queue);
	if (q->procedure) cJSON_AddStringToObject(f, "procedure", q->procedure);
	if (q->counter) cJSON_AddNumberToObject(f, "counter", q->counter);
	if (q->staff) cJSON_AddNumberToObject(f, "staff", q->staff);
	add_definitions(o);
	{
		struct grp *tot = NULL;
		for (i = 0; i < a.n; i++)
			if (a.list[i]->dim == STATS_BY_TOTAL)
				tot = a.list[i];
		if (tot == NULL)
			tot = grp_get(&a, STATS_BY_TOTAL, "");
		cJSON_AddItemToObject(o, "total", grp_json(st, users, tot, hist));
	}
	loose_json(o, a.loose);
	if (booked_split(st, q, o) != 0) {
		cJSON_Delete(o);
		cJSON_Delete(users);
		acc_free(&a);
		return NULL;
	}
	by = cJSON_AddObjectToObject(o, "by");
	for (dim = 1; dim < STATS_BY_COUNT; dim++)
		if (a.by & (1u << dim))
			cJSON_AddArrayToObject(by, stats_by_names[dim]);
	for (i = 0; i < a.n; i++) {
		struct grp *g = a.list[i];
		if (g->dim != STATS_BY_TOTAL)
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(by, stats_by_names[g->dim]),
			    grp_json(st, users, g, hist));
	}
	cJSON_Delete(users);
	acc_free(&a);
	wal_checkpoint(st, WAL_REPORT);
	return o;
}

/* ---- live dashboard ---------------------------------------------------------------- */

struct live_q {
	char code[CODE_LEN];
	long waiting, called, parked;
	int64_t oldest;
};

/* Load the legs of day into the cache, in one read transaction. */
static int
today_load(stats *st, const char *day)
{
	struct today *td = &st->today;
	sqlite3_stmt *s = st->q[Q_LEGS_DAY];
	struct leg l;
	int rc;

	today_drop(td);
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return st_dberr(st, "today");
	td->cursor = cursor_get(st);
	sqlite3_bind_text(s, 1, day, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		leg_read(s, &l);
		today_put(td, &l);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		st_dberr(st, "today");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		today_drop(td);
		return -1;
	}
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		today_drop(td);
		return st_dberr(st, "today");
	}
	snprintf(td->day, sizeof td->day, "%s", day);
	return 0;
}

/* A count of the group (dim, key) of a, 0 when there is no such group. */
static double
grp_count(struct acc *a, int dim, const char *key, int served)
{
	const struct grp *g = grp_find(a, dim, key);

	return g == NULL ? 0 : (double)(served ? g->served : g->issued);
}

cJSON *
stats_live(stats *st, int64_t now)
{
	struct live_q *lq = NULL;
	struct acc a;
	int nlq = 0, caplq = 0, i, rc;
	long k;
	sqlite3_stmt *s;
	cJSON *o, *arr, *users;
	char day[11];

	if (stats_sync(st, 0) < 0)
		return NULL;
	engine_day_of(now, st->cfg ? st->cfg->day_start_hour : 0, day);
	/* Today's figures from the legs kept in memory (exact, as a 1-day report). */
	if (strcmp(st->today.day, day) != 0 && today_load(st, day) != 0)
		return NULL;
	memset(&a, 0, sizeof a);
	a.by = 1u << STATS_BY_QUEUE | 1u << STATS_BY_COUNTER;
	a.counts_only = 1u << STATS_BY_COUNTER;  /* counters show counts only */
	grp_get(&a, STATS_BY_TOTAL, "");
	for (k = 0; k < st->today.n; k++)
		acc_leg(&a, &st->today.legs[k], st->cfg);
	/* Queues of the config first, in its order; then any other code seen. */
	if (st->cfg != NULL) {
		caplq = st->cfg->nqueues + 8;
		lq = xcalloc((size_t)caplq, sizeof *lq);
		for (i = 0; i < st->cfg->nqueues; i++)
			snprintf(lq[nlq++].code, CODE_LEN, "%s", st->cfg->queues[i].code);
	}
	s = st->q[Q_OPEN_TICKETS];
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(s, 0);
		const char *state = (const char *)sqlite3_column_text(s, 1);
		struct live_q *x = NULL;

		if (code == NULL || state == NULL)
			continue;
		for (i = 0; i < nlq; i++)
			if (strcmp(lq[i].code, code) == 0)
				x = &lq[i];
		if (x == NULL) {
			if (nlq == caplq) {
				caplq = caplq ? caplq * 2 : 8;
				lq = xreallocarray(lq, (size_t)caplq, sizeof *lq);
			}
			x = &lq[nlq++];
			memset(x, 0, sizeof *x);
			snprintf(x->code, CODE_LEN, "%s", code);
		}
		if (strcmp(state, "waiting") == 0) {
			int64_t enq = sqlite3_column_int64(s, 2);
			x->waiting++;
			if (x->oldest == 0 || enq < x->oldest)
				x->oldest = enq;
		} else if (strcmp(state, "parked") == 0) {
			x->parked++;
		} else {
			x->called++;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(lq);
		acc_free(&a);
		st_dberr(st, "live");
		return NULL;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "now", (double)now);
	cJSON_AddStringToObject(o, "day", day);
	arr = cJSON_AddArrayToObject(o, "queues");
	for (i = 0; i < nlq; i++) {
		cJSON *x = cJSON_CreateObject();
		int qi = st->cfg ? config_queue_index(st->cfg, lq[i].code) : -1;
		int target = queue_target_s(st->cfg, lq[i].code);
		int64_t longest = lq[i].waiting > 0 && now > lq[i].oldest ? now - lq[i].oldest : 0;
		double served = grp_count(&a, STATS_BY_QUEUE, lq[i].code, 1);
		double issued = grp_count(&a, STATS_BY_QUEUE, lq[i].code, 0);

		cJSON_AddStringToObject(x, "code", lq[i].code);
		cJSON_AddStringToObject(x, "name", qi >= 0 ? st->cfg->queues[qi].name : lq[i].code);
		cJSON_AddStringToObject(x, "department", qi >= 0 && st->cfg->queues[qi].department >= 0 ?
		    st->cfg->departments[st->cfg->queues[qi].department].code : "");
		cJSON_AddNumberToObject(x, "waiting", (double)lq[i].waiting);
		cJSON_AddNumberToObject(x, "called", (double)lq[i].called);
		cJSON_AddNumberToObject(x, "parked", (double)lq[i].parked);
		cJSON_AddNumberToObject(x, "longest_wait_s", (double)longest);
		if (target > 0)
			cJSON_AddNumberToObject(x, "target_s", target);
		else
			cJSON_AddNullToObject(x, "target_s");
		cJSON_AddBoolToObject(x, "over_target", target > 0 && longest > target);
		cJSON_AddNumberToObject(x, "issued_today", issued);
		cJSON_AddNumberToObject(x, "served_today", served);
		/* Today's figures of the queue (a <Group>, exact), for the dashboard. */
		cJSON_AddItemToObject(x, "today", grp_json(st, NULL,
		    grp_get(&a, STATS_BY_QUEUE, lq[i].code), 0));
		cJSON_AddItemToArray(arr, x);
	}
	free(lq);
	users = users_map(st);
	arr = cJSON_AddArrayToObject(o, "counters");
	s = st->q[Q_COUNTERS];
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		cJSON *x = cJSON_CreateObject();
		int num = sqlite3_column_int(s, 0), ci;
		const char *state = (const char *)sqlite3_column_text(s, 1);
		const char *reason = (const char *)sqlite3_column_text(s, 4);
		const char *tstate = (const char *)sqlite3_column_text(s, 6);
		int64_t since = sqlite3_column_int64(s, 2);
		int staff = sqlite3_column_int(s, 3);
		char key[24], label[160];
		double served;

		snprintf(key, sizeof key, "%d", num);
		served = grp_count(&a, STATS_BY_COUNTER, key, 1);
		ci = st->cfg ? config_counter_index(st->cfg, num) : -1;
		cJSON_AddNumberToObject(x, "number", num);
		cJSON_AddStringToObject(x, "name", ci >= 0 && st->cfg->counters[ci].name ?
		    st->cfg->counters[ci].name : key);
		cJSON_AddStringToObject(x, "state", state ? state : "closed");
		cJSON_AddNumberToObject(x, "since", (double)since);
		cJSON_AddNumberToObject(x, "for_s", (double)(since > 0 && now > since ? now - since : 0));
		cJSON_AddStringToObject(x, "reason", reason ? reason : "");
		cJSON_AddNumberToObject(x, "staff", staff);
		snprintf(key, sizeof key, "%d", staff);
		grp_label(st, users, STATS_BY_STAFF, key, label, sizeof label);
		cJSON_AddStringToObject(x, "staff_name", staff > 0 ? label : "");
		if (tstate != NULL) {
			int64_t t0 = strcmp(tstate, "serving") == 0 ? sqlite3_column_int64(s, 8) :
			    sqlite3_column_int64(s, 7);
			cJSON_AddNumberToObject(x, "ticket_number", sqlite3_column_int(s, 5));
			cJSON_AddStringToObject(x, "ticket_state", tstate);
			cJSON_AddNumberToObject(x, "ticket_for_s", (double)(t0 > 0 && now > t0 ? now - t0 : 0));
		} else {
			cJSON_AddNullToObject(x, "ticket_number");
			cJSON_AddNullToObject(x, "ticket_state");
		}
		cJSON_AddNumberToObject(x, "served_today", served);
		cJSON_AddItemToArray(arr, x);
	}
	sqlite3_reset(s);
	cJSON_AddItemToObject(o, "today", grp_json(st, users, grp_find(&a, STATS_BY_TOTAL, ""), 0));
	loose_json(o, a.loose);
	cJSON_Delete(users);
	cJSON_AddNullToObject(o, "devices_offline");
	acc_free(&a);
	if (rc != SQLITE_DONE) {
		cJSON_Delete(o);
		st_dberr(st, "counters");
		return NULL;
	}
	return o;
}

/* ---- CSV and SVG ------------------------------------------------------------------- */

struct sbuf {
	char *p;
	size_t n, cap;
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	sb_add(b, s, (size_t)n);
	free(s);
}

static void
sb_csv_field(struct sbuf *b, const char *s)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL && s[0] != '=' && s[0] != '+' && s[0] != '@') {
		sb_add(b, s, strlen(s));
		return;
	}
	sb_add(b, "\"", 1);
	if (s[0] == '=' || s[0] == '+' || s[0] == '@')
		sb_add(b, "'", 1);   /* no formulas in spreadsheets */
	for (p = s; *p != '\0'; p++) {
		sb_add(b, p, 1);
		if (*p == '"')
			sb_add(b, "\"", 1);
	}
	sb_add(b, "\"", 1);
}

static double
num_at(const cJSON *o, const char *a, const char *b)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b != NULL)
		x = cJSON_GetObjectItemCaseSensitive(x, b);
	return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

static void
sb_num(struct sbuf *b, double v)
{
	if (isnan(v))
		sb_add(b, ",", 1);
	else if (v == floor(v) && fabs(v) < 1e15)
		sb_printf(b, ",%.0f", v);
	else
		sb_printf(b, ",%.1f", v);
}

static const cJSON *
report_rows(const cJSON *report, enum stats_by by)
{
	const cJSON *x;

	if (by == STATS_BY_TOTAL)
		return NULL;
	x = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(report, "by"),
	    stats_by_name(by));
	return cJSON_IsArray(x) ? x : NULL;
}

static void
csv_row(struct sbuf *b, const cJSON *g)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(g, "key");
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(g, "label");
	const cJSON *rc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(g, "rating"), "counts");
	static const char *const cnt[] = { "issued", "transferred_in", "served", "no_show",
		"cancelled", "transferred_out", "open", "no_show_pct" };
	static const char *const tm[] = { "n", "mean_s", "median_s", "p90_s", "max_s" };
	size_t i;

	sb_csv_field(b, cJSON_IsString(k) ? k->valuestring : "");
	sb_add(b, ",", 1);
	sb_csv_field(b, cJSON_IsString(l) ? l->valuestring : "");
	for (i = 0; i < sizeof cnt / sizeof cnt[0]; i++)
		sb_num(b, num_at(g, cnt[i], NULL));
	for (i = 0; i < 5; i++)
		sb_num(b, num_at(g, "wait", tm[i]));
	for (i = 0; i < 5; i++)
		sb_num(b, num_at(g, "service", tm[i]));
	sb_num(b, num_at(g, "service_level", "n"));
	sb_num(b, num_at(g, "service_level", "within"));
	sb_num(b, num_at(g, "service_level", "pct"));
	sb_num(b, num_at(g, "rating", "n"));
	for (i = 0; i < 4; i++) {
		const cJSON *c = cJSON_GetArrayItem(rc, (int)i);
		sb_num(b, cJSON_IsNumber(c) ? c->valuedouble : NAN);
	}
	sb_add(b, "\r\n", 2);
}

static const char csv_header[] =
    "Mã,Tên,Đã cấp số,Chuyển đến,Đã phục vụ,Vắng mặt,Đã hủy,Chuyển đi,"
    "Chưa xong,Tỷ lệ vắng mặt (%; dấu thập phân là dấu chấm),Số lượt chờ,Chờ trung bình (giây),"
    "Chờ trung vị (giây),Chờ phân vị 90 (giây),Chờ lâu nhất (giây),"
    "Số lượt phục vụ,Phục vụ trung bình (giây),Phục vụ trung vị (giây),"
    "Phục vụ phân vị 90 (giây),Phục vụ lâu nhất (giây),Lượt tính chuẩn,"
    "Đạt chuẩn,Tỷ lệ đạt chuẩn (%),Số đánh giá,Rất hài lòng,Hài lòng,"
    "Bình thường,Không hài lòng\r\n";

char *
stats_csv(const cJSON *report, enum stats_by by)
{
	struct sbuf b = { NULL, 0, 0 };
	const cJSON *rows = report_rows(report, by), *g;

	if (by != STATS_BY_TOTAL && rows == NULL)
		return NULL;
	sb_add(&b, "\xEF\xBB\xBF", 3);
sb_add(&b, csv_header, sizeof csv_header - 1);
	if (rows != NULL)
		cJSON_ArrayForEach(g, rows)
			csv_row(&b, g);
	csv_row(&b, cJSON_GetObjectItemCaseSensitive(report, "total"));
	if (by == STATS_BY_TOTAL) {
		const cJSON *bw = cJSON_GetObjectItemCaseSensitive(report, "booked_vs_walk_in");

		cJSON_ArrayForEach(g, bw)
			csv_row(&b, g);
	}
	return b.p;
}

static const struct {
	const char *name, *title, *a, *b;
	int minutes;
} stats_metrics[] = {
	{ "issued", "Số vé đã cấp", "issued", NULL, 0 },
	{ "served", "Số lượt đã phục vụ", "served", NULL, 0 },
	{ "no_show", "Số vé vắng mặt", "no_show", NULL, 0 },
	{ "no_show_pct", "Tỷ lệ vắng mặt (%)", "no_show_pct", NULL, 0 },
	{ "wait_mean", "Thời gian chờ trung bình (phút)", "wait", "mean_s", 1 },
	{ "wait_median", "Thời gian chờ trung vị (phút)", "wait", "median_s", 1 },
	{ "wait_p90", "Thời gian chờ phân vị 90 (phút)", "wait", "p90_s", 1 },
	{ "wait_max", "Thời gian chờ lâu nhất (phút)", "wait", "max_s", 1 },
	{ "service_mean", "Thời gian phục vụ trung bình (phút)", "service", "mean_s", 1 },
	{ "service_p90", "Thời gian phục vụ phân vị 90 (phút)", "service", "p90_s", 1 },
	{ "service_level", "Tỷ lệ phục vụ đạt chuẩn thời gian chờ (%)", "service_level", "pct", 0 },
	{ "satisfied_pct", "Tỷ lệ hài lòng (%)", "rating", "satisfied_pct", 0 },
};

int
stats_metric_known(const char *metric)
{
	size_t i;

	for (i = 0; metric != NULL && i < sizeof stats_metrics / sizeof stats_metrics[0]; i++)
		if (strcmp(metric, stats_metrics[i].name) == 0)
			return 1;
	return 0;
}

static void
sb_xml(struct sbuf *b, const char *s, size_t max)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++) {
		if (n >= max && ((unsigned char)*s & 0xC0) != 0x80) {
			sb_add(b, "…", strlen("…"));
			return;
		}
		switch (*s) {
		case '<': sb_add(b, "&lt;", 4); break;
		case '>': sb_add(b, "&gt;", 4); break;
		case '&': sb_add(b, "&amp;", 5); break;
		case '"': sb_add(b, "&quot;", 6); break;
		default: sb_add(b, s, 1); break;
		}
	}
}

/* v with dec decimals (dec < 0: as %g) and a decimal comma, as Vietnamese writes it. */
static const char *
vn_num(char *buf, size_t len, double v, int dec)
{
	char *p;

	if (dec < 0)
		snprintf(buf, len, "%g", v);
	else
		snprintf(buf, len, "%.*f", dec, v);
	if ((p = strchr(buf, '.')) != NULL)
		*p = ',';
	return buf;
}

char *
stats_svg(const cJSON *report, enum stats_by by, const char *metric)
{
	struct sbuf b = { NULL, 0, 0 };
	const cJSON *rows = report_rows(report, by), *g;
	size_t mi;
	int n, i, W = 960, H = 340, left = 60, top = 40, bottom = 90, ph;
	double maxv = 0, v, bw, step, x;
	char nb[40];

	for (mi = 0; mi < sizeof stats_metrics / sizeof stats_metrics[0]; mi++)
		if (metric != NULL && strcmp(metric, stats_metrics[mi].name) == 0)
			break;
	if (rows == NULL || mi == sizeof stats_metrics / sizeof stats_metrics[0])
		return NULL;
	n = cJSON_GetArraySize(rows);
	cJSON_ArrayForEach(g, rows) {
		v = num_at(g, stats_metrics[mi].a, stats_metrics[mi].b);
		if (stats_metrics[mi].minutes)
			v /= 60.0;
		if (!isnan(v) && v > maxv)
			maxv = v;
		if (stats_metrics[mi].minutes && strcmp(stats_metrics[mi].a, "wait") == 0 &&
		    (v = num_at(g, "target_s", NULL) / 60.0) > maxv)
			maxv = v;
	}
	if (maxv <= 0)
		maxv = 1;
	/* A round scale: 1, 2 or 5 times a power of ten per gridline. */
	{
		double raw = maxv / 4, p10 = pow(10, floor(log10(raw))), m = raw / p10;
		step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p10;
		maxv = ceil(maxv / step) * step;
	}
	ph = H - top - bottom;
	sb_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "width=\"%d\" height=\"%d\" font-family=\"Noto Sans, DejaVu Sans, sans-serif\" "
	    "font-size=\"12\" role=\"img\">\n", W, H, W, H);
	sb_add(&b, "<title>", 7);
	sb_xml(&b, stats_metrics[mi].title, 200);
	sb_add(&b, "</title>\n", 9);
	sb_printf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", W, H);
	sb_printf(&b, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">", left);
	sb_xml(&b, stats_metrics[mi].title, 200);
	sb_add(&b, "</text>\n", 8);
	for (v = 0; v <= maxv + step / 2; v += step) {
		double y = top + ph - v / maxv * ph;
		sb_printf(&b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
		    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>\n",
		    left, W - 10, y, y, left - 6, y + 4, vn_num(nb, sizeof nb, v, -1));
	}
	if (n == 0) {
		sb_printf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#777\">"
		    "Không có dữ liệu</text>\n", W / 2, top + ph / 2);
	}
	step = n > 0 ? (double)(W - left - 20) / n : 0;
	bw = step * 0.7;
	i = 0;
	cJSON_ArrayForEach(g, rows) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(g, "label");
		double h;

		v = num_at(g, stats_metrics[mi].a, stats_metrics[mi].b);
		if (stats_metrics[mi].minutes)
			v /= 60.0;
		x = left + 10 + i * step + (step - bw) / 2;
		if (!isnan(v)) {
			h = v / maxv * ph;
			sb_printf(&b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\" fill=\"#1f6fb2\"><title>", x, top + ph - h, bw, h);
			sb_xml(&b, cJSON_IsString(l) ? l->valuestring : "", 120);
			sb_printf(&b, ": %s</title></rect>\n", vn_num(nb, sizeof nb, v, 1));
			if (n <= 40)
				sb_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
				    "font-size=\"10\">%s</text>\n", x + bw / 2, top + ph - h - 3,
				    vn_num(nb, sizeof nb, v, v == floor(v) ? 0 : 1));
		}
		if (stats_metrics[mi].minutes && strcmp(stats_metrics[mi].a, "wait") == 0) {
			double t = num_at(g, "target_s", NULL);
			if (!isnan(t)) {
				double y = top + ph - t / 60.0 / maxv * ph;
				sb_printf(&b, "<line class=\"target\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
				    "y2=\"%.1f\" stroke=\"#c62828\" stroke-width=\"2\" "
				    "stroke-dasharray=\"4 2\"/>\n", x - 2, x + bw + 2, y, y);
			}
		}
		if (n <= 60) {
			sb_printf(&b, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"end\" "
			    "transform=\"rotate(-40 %.1f %d)\">", x + bw / 2, top + ph + 14,
			    x + bw / 2, top + ph + 14);
			sb_xml(&b, cJSON_IsString(l) ? l->valuestring : "", 22);
			sb_add(&b, "</text>\n", 8);
		}
		i++;
	}
	sb_printf(&b, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
	    left, W - 10, top + ph, top + ph);
	sb_add(&b, "</svg>\n", 7);
	return b.p;
}
