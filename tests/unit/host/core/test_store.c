/*
 * test_store.c - unit tests of host/core/store.c: schema migrations, a round trip
 * of real engine results (engine_exec -> store_apply -> reopen -> store_load
 * into a fresh engine, every field compared), rows keyed by codes when the
 * config changes, UNIQUE(day, number), the event replay, users, sessions,
 * meta, visibility before commit and crash safety (a child killed before its
 * commit).  Every test works in its own file under a mkdtemp directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/engine.h"
#include "core/store.h"
#include "common/xmalloc.h"

#define T0 1741593600          /* 2025-03-10 08:00:00 UTC (TZ=UTC) */

static char tmpdir[256];
static int dbseq;

/* ---- fixtures ------------------------------------------------------------ */

/* A fresh database path in the temp dir (not created). */
static void
db_path(char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/t%d.db", tmpdir, ++dbseq);
}

/* Remove a database with its -wal and -shm files. */
static void
db_remove(const char *path)
{
	char p[600];

	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

/*
 * The small centre of the tests.  Counter numbers are not index + 1 and
 * procedures are not sorted by code, so that index/number/code mix-ups show.
 */
static struct config *
cfg_new(void)
{
	struct config *c = xcalloc(1, sizeof *c);
	static const struct { const char *code; int dept, first, last; } qs[] = {
		{ "TP-HT", 0, 1001, 1999 },
		{ "TP-CT", 0, 2001, 2999 },
		{ "XD-GP", 1, 3001, 3999 },
	};
	static const int numbers[] = { 3, 7, 12 };
	static const struct { const char *code; int queue; } ps[] = {
		{ "2.000001", 2 }, { "1.000002", 1 }, { "1.000001", 0 },
	};
	int i;

	c->day_start_hour = 0;
	c->policy.priority_interleave = 2;
	c->policy.priority_max_consecutive = 1;
	c->policy.target_override = 1;
	c->policy.backup_past_target = 1;
	c->policy.recall_limit = 2;
	c->policy.transfer_keeps_place = 1;
	c->policy.rating_window_s = 120;
	c->policy.daily_reset = 1;
	c->ndepartments = 2;
	c->departments[0].code = xstrdup("TP");
	c->departments[0].name = xstrdup("Sở Tư pháp");
	c->departments[1].code = xstrdup("XD");
	c->departments[1].name = xstrdup("Sở Xây dựng");
	c->nqueues = 3;
	for (i = 0; i < 3; i++) {
		c->queues[i].code = xstrdup(qs[i].code);
		c->queues[i].name = xstrdup(qs[i].code);
		c->queues[i].department = qs[i].dept;
		c->queues[i].number_first = qs[i].first;
		c->queues[i].number_last = qs[i].last;
		c->queues[i].target_wait_min = 15;
		c->queues[i].service_min = 5;
		c->queues[i].transfer_keeps_place = -1;
	}
	c->ncounters = 3;
	for (i = 0; i < 3; i++) {
		c->counters[i].number = numbers[i];
		c->counters[i].name = xstrdup("Quầy");
		c->counters[i].department = i == 2 ? 1 : 0;
		c->counters[i].area = xstrdup("A");
	}
	c->counters[0].nserves = 2;
	c->counters[0].serves[0] = (struct config_serve){ 0, CONFIG_PRIMARY };
	c->counters[0].serves[1] = (struct config_serve){ 1, CONFIG_BACKUP };
	c->counters[1].nserves = 1;
	c->counters[1].serves[0] = (struct config_serve){ 1, CONFIG_PRIMARY };
	c->counters[2].nserves = 2;
	c->counters[2].serves[0] = (struct config_serve){ 2, CONFIG_PRIMARY };
	c->counters[2].serves[1] = (struct config_serve){ 0, CONFIG_BACKUP };
	c->npriority = 2;
	c->priority[1].code = xstrdup("elderly");
	c->priority[1].name = xstrdup("Người cao tuổi");
	c->priority[2].code = xstrdup("disabled");
	c->priority[2].name = xstrdup("Người khuyết tật");
	c->nkiosks = 2;
	c->kiosks[0].id = xstrdup("kiosk-1");
	c->kiosks[0].printer_index = -1;
	c->kiosks[1].id = xstrdup("kiosk-2");
	c->kiosks[1].printer_index = -1;
	c->nprocedures = 3;
	c->procedures = xcalloc(3, sizeof *c->procedures);
	for (i = 0; i < 3; i++) {
		c->procedures[i].code = xstrdup(ps[i].code);
		c->procedures[i].name = xstrdup("Thủ tục");
		c->procedures[i].queue = ps[i].queue;
		c->procedures[i].department = qs[ps[i].queue].dept;
	}
	return c;
}

static void
cfg_delete(struct config *c)
{
	int i;

	for (i = 0; i < c->ndepartments; i++) {
		free(c->departments[i].code);
		free(c->departments[i].name);
	}
	for (i = 0; i < c->nqueues; i++) {
		free(c->queues[i].code);
		free(c->queues[i].name);
	}
	for (i = 0; i < c->ncounters; i++) {
		free(c->counters[i].name);
		free(c->counters[i].area);
	}
	for (i = 1; i <= c->npriority; i++) {
		free(c->priority[i].code);
		free(c->priority[i].name);
	}
	for (i = 0; i < c->nkiosks; i++)
		free(c->kiosks[i].id);
	for (i = 0; i < c->nprocedures; i++) {
		free(c->procedures[i].code);
		free(c->procedures[i].name);
	}
	free(c->procedures);
	free(c);
}

static store *
open_ok(const char *path, const struct config *cfg)
{
	char err[256] = "";
	store *s = store_open(path, cfg, err, sizeof err);

	if (s == NULL)
		fail_msg("store_open %s: %s", path, err);
	return s;
}

/* One integer from SQL run on a separate connection. */
static int64_t
sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Run SQL on a separate read-write connection. */
static void
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static struct engine_cmd
cmd_new(enum engine_cmd_type type, int64_t now, int counter)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.type = type;
	c.now = now;
	c.counter = counter;
	c.queue = c.procedure = c.kiosk = c.to_queue = c.to_counter = -1;
	c.keep_place = -1;
	c.channel = ENGINE_CH_KIOSK;
	return c;
}

/* Run a command on the engine and write its result; returns the ticket. */
static int64_t
run(engine *e, store *s, const struct engine_cmd *c)
{
	struct engine_result r;
	int rc = engine_exec(e, c, &r);

	if (rc != 0)
		fail_msg("engine_exec type %d: %s", (int)c->type,
		    engine_error_code(-rc));
	if (store_apply(s, &r) != 0)
		fail_msg("store_apply: %s", store_errmsg(s));
	return r.ticket;
}

static int64_t
issue(engine *e, store *s, int64_t now, int queue, int proc, int prio,
    enum engine_channel ch, int kiosk, const char *code)
{
	struct engine_cmd c = cmd_new(ENGINE_ISSUE, now, -1);

	c.queue = queue;
	c.procedure = proc;
	c.priority = prio;
	c.channel = ch;
	c.kiosk = kiosk;
	snprintf(c.code, sizeof c.code, "%s", code);
	return run(e, s, &c);
}

static int64_t
at_counter(engine *e, store *s, enum engine_cmd_type type, int64_t now,
    int counter, int staff)
{
	struct engine_cmd c = cmd_new(type, now, counter);

	c.staff = staff;
	return run(e, s, &c);
}

/* Compare every field of two tickets. */
static void
ticket_equal(const struct engine_ticket *a, const struct engine_ticket *b)
{
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->id, b->id);
	assert_string_equal(a->code, b->code);
	assert_string_equal(a->day, b->day);
	assert_int_equal(a->number, b->number);
	assert_int_equal(a->queue, b->queue);
	assert_int_equal(a->procedure, b->procedure);
	assert_int_equal(a->priority, b->priority);
	assert_int_equal(a->channel, b->channel);
	assert_int_equal(a->kiosk, b->kiosk);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->counter, b->counter);
	assert_int_equal(a->assigned_counter, b->assigned_counter);
	assert_int_equal(a->staff, b->staff);
	assert_int_equal(a->order, b->order);
	assert_int_equal(a->issued_at, b->issued_at);
	assert_int_equal(a->enqueued_at, b->enqueued_at);
	assert_int_equal(a->called_at, b->called_at);
	assert_int_equal(a->started_at, b->started_at);
	assert_int_equal(a->finished_at, b->finished_at);
	assert_int_equal(a->calls, b->calls);
	assert_int_equal(a->transfers, b->transfers);
	assert_int_equal(a->rating, b->rating);
	assert_int_equal(a->est_wait_s, b->est_wait_s);
	assert_int_equal(a->ahead, b->ahead);
}

static void
counter_equal(const struct engine_counter *a, const struct engine_counter *b)
{
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->index, b->index);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->ticket, b->ticket);
	assert_int_equal(a->last_ticket, b->last_ticket);
	assert_int_equal(a->last_finished_at, b->last_finished_at);
	assert_int_equal(a->since, b->since);
	assert_int_equal(a->staff, b->staff);
	assert_string_equal(a->reason, b->reason);
}

static void
queue_equal(const struct engine_queue *a, const struct engine_queue *b)
{
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->index, b->index);
	assert_string_equal(a->day, b->day);
	assert_int_equal(a->next_number, b->next_number);
	assert_int_equal(a->normal_run, b->normal_run);
	assert_int_equal(a->priority_run, b->priority_run);
	assert_true(a->service_ewma_s == b->service_ewma_s);
}

/*
 * Drive a day on engine e, writing every result to s in a few batches.
 * Leaves tickets in every state: done and rated, serving, called, parked
 * then unparked (assigned to a counter), transferred, cancelled, waiting.
 * Returns the highest ticket id.
 */
static int64_t
drive_day(engine *e, store *s)
{
	int64_t t = T0, last = 0, id;
	struct engine_cmd c;
	int i;

	assert_int_equal(store_begin(s), 0);
	for (i = 0; i < 3; i++)
		at_counter(e, s, ENGINE_COUNTER_OPEN, t++, i, 11 + i);
	/* Tickets by procedure, by queue, with priorities, every channel. */
	last = issue(e, s, t++, -1, 2, 0, ENGINE_CH_KIOSK, 0, "a1");
	last = issue(e, s, t++, 0, -1, 1, ENGINE_CH_KIOSK, 1, "a2");
	last = issue(e, s, t++, -1, 1, 0, ENGINE_CH_ONLINE, -1, "a3");
	last = issue(e, s, t++, 2, -1, 0, ENGINE_CH_COUNTER, -1, "a4");
	last = issue(e, s, t++, 0, -1, 0, ENGINE_CH_API, -1, "a5");
	last = issue(e, s, t++, -1, 0, 2, ENGINE_CH_KIOSK, 0, "a6");
	last = issue(e, s, t++, 1, -1, 0, ENGINE_CH_KIOSK, 1, "a7");
	last = issue(e, s, t++, 0, -1, 0, ENGINE_CH_KIOSK, 0, "a8");
	assert_int_equal(store_commit(s), 0);

	t += 60;
	assert_int_equal(store_begin(s), 0);
	/* Counter 0: call, start, finish, rate. */
	at_counter(e, s, ENGINE_CALL_NEXT, t++, 0, 11);
	at_counter(e, s, ENGINE_START, t += 30, 0, 11);
	at_counter(e, s, ENGINE_FINISH, t += 300, 0, 11);
	c = cmd_new(ENGINE_RATE, t += 5, 0);
	c.value = 2;
	run(e, s, &c);
	/* Counter 1: call, recall, park, then unpark for itself. */
	id = at_counter(e, s, ENGINE_CALL_NEXT, t++, 1, 12);
	at_counter(e, s, ENGINE_RECALL, t += 20, 1, 12);
	at_counter(e, s, ENGINE_PARK, t += 20, 1, 12);
	c = cmd_new(ENGINE_UNPARK, t++, 1);
	c.number = engine_ticket_by_id(e, id)->number;
	run(e, s, &c);
	assert_int_equal(store_commit(s), 0);

	assert_int_equal(store_begin(s), 0);
	/* Counter 2: call and transfer to queue 0, keeping the place. */
	at_counter(e, s, ENGINE_CALL_NEXT, t++, 2, 13);
	c = cmd_new(ENGINE_TRANSFER, t++, 2);
	c.to_queue = 0;
	c.keep_place = 1;
	c.staff = 13;
	run(e, s, &c);
	/* Counter 2 again: call and transfer to counter 0. */
	at_counter(e, s, ENGINE_CALL_NEXT, t++, 2, 13);
	c = cmd_new(ENGINE_TRANSFER, t++, 2);
	c.to_counter = 0;
	c.keep_place = 0;
	run(e, s, &c);
	/* Counter 0: call and start (left serving); counter 1: called. */
	at_counter(e, s, ENGINE_CALL_NEXT, t++, 0, 11);
	at_counter(e, s, ENGINE_START, t += 10, 0, 11);
	at_counter(e, s, ENGINE_CALL_NEXT, t++, 1, 12);
	/* Counter 2 serves one more and keeps it as its last (for ratings). */
	last = issue(e, s, t++, 2, -1, 0, ENGINE_CH_KIOSK, 1, "a9");
	assert_int_equal(at_counter(e, s, ENGINE_CALL_NEXT, t++, 2, 13), last);
	at_counter(e, s, ENGINE_FINISH, t += 40, 2, 13);
	assert_true(engine_counter(e, 2)->last_finished_at > 0);
	/* Counter 2 pauses with a Vietnamese reason. */
	c = cmd_new(ENGINE_COUNTER_PAUSE, t++, 2);
	snprintf(c.reason, sizeof c.reason, "%s", "Nghỉ trưa");
	run(e, s, &c);
	assert_int_equal(store_commit(s), 0);

	/* Cancel the last waiting ticket that is still waiting. */
	for (id = last; id > 0; id--) {
		const struct engine_ticket *tk = engine_ticket_by_id(e, id);

		if (tk != NULL && tk->state == ENGINE_T_WAITING)
			break;
	}
	assert_true(id > 0);
	c = cmd_new(ENGINE_CANCEL, t++, -1);
	c.ticket = id;
	snprintf(c.reason, sizeof c.reason, "%s", "Khách về");
	assert_int_equal(store_begin(s), 0);
	run(e, s, &c);
	assert_int_equal(store_commit(s), 0);
	return last;
}

/* ---- tests --------------------------------------------------------------- */

static void
test_open_schema(void **state)
{
	struct config *cfg = *state;
	char path[512], err[256];
	store *s;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	assert_string_equal(store_errmsg(s), "");
	store_close(s);
	assert_int_equal(sql_int(path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE"
	    " type = 'table' AND name IN ('events', 'tickets', 'counters',"
	    " 'queues', 'users', 'sessions', 'meta')"), 7);
	/* Reopening a current file changes nothing and works. */
	s = open_ok(path, cfg);
	store_close(s);
	assert_int_equal(sql_int(path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	{
		/* journal_mode is persistent in WAL: a new connection sees it. */
		sqlite3 *db;
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1,
		    &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	db_remove(path);

	/* Not a database: refused with a message. */
	db_path(path, sizeof path);
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs("this is not an sqlite file, not at all, no header here\n", f);
		fclose(f);
	}
	err[0] = '\0';
	assert_null(store_open(path, cfg, err, sizeof err));
	assert_true(err[0] != '\0');
	db_remove(path);

	/* Another program's sqlite file (user_version set, other app id). */
	db_path(path, sizeof path);
	sql_exec(path, "CREATE TABLE x(a); PRAGMA user_version = 1;");
	assert_null(store_open(path, cfg, err, sizeof err));
	assert_non_null(strstr(err, "not an onestop database"));
	/* ...and left as it was, not even switched to WAL. */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pragma_journal_mode"
	    " WHERE journal_mode = 'delete'"), 1);
	db_remove(path);
}

static void
test_migrations(void **state)
{
	static const char *const v2[] = {
		"CREATE TABLE v2_notes(x INTEGER);"
		"INSERT INTO v2_notes VALUES(42);"
		"ALTER TABLE tickets ADD COLUMN note TEXT;",
	};
	static const char *const v2_bad[] = {
		"CREATE TABLE v2_half(x INTEGER);"
		"THIS IS NOT SQL;",
	};
	struct config *cfg = *state;
	char path[512], err[256], want[64];
	engine *e;
	store *s;

	/* A version-0 file holding nothing of ours is migrated from scratch. */
	db_path(path, sizeof path);
	sql_exec(path, "CREATE TABLE unrelated(a); INSERT INTO unrelated VALUES(1);");
	assert_int_equal(sql_int(path, "PRAGMA user_version"), 0);
	s = open_ok(path, cfg);
	store_close(s);
	assert_int_equal(sql_int(path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets"), 0);
	assert_int_equal(sql_int(path, "SELECT a FROM unrelated"), 1);

	/* A current file with data, opened by a program with one more step. */
	s = open_ok(path, cfg);
	e = engine_new(cfg);
	assert_int_equal(store_begin(s), 0);
	issue(e, s, T0, 0, -1, 0, ENGINE_CH_KIOSK, 0, "m1");
	assert_int_equal(store_commit(s), 0);
	store_close(s);
	engine_free(e);

	/* A failing step leaves the file exactly at the current version. */
	store_test_set_migrations(v2_bad, 1);
	err[0] = '\0';
	assert_null(store_open(path, cfg, err, sizeof err));
	snprintf(want, sizeof want, "migration to schema version %d",
	    STORE_SCHEMA_VERSION + 1);
	assert_non_null(strstr(err, want));
	assert_int_equal(sql_int(path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'v2_half'"), 0);

	store_test_set_migrations(v2, 1);
	s = open_ok(path, cfg);
	/* The store still works on the migrated file. */
	e = engine_new(cfg);
	assert_int_equal(store_load(s, e, "2025-03-10"), 0);
	assert_non_null(engine_ticket_by_code(e, "m1"));
	assert_int_equal(store_begin(s), 0);
	issue(e, s, T0 + 1, 0, -1, 0, ENGINE_CH_KIOSK, 0, "m2");
	assert_int_equal(store_commit(s), 0);
	store_close(s);
	engine_free(e);
	assert_int_equal(sql_int(path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION + 1);
	assert_int_equal(sql_int(path, "SELECT x FROM v2_notes"), 42);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets"), 2);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets"
	    " WHERE note IS NULL"), 2);

	/* Back to the built-in list: the migrated file is newer, and refused. */
	store_test_set_migrations(NULL, 0);
	err[0] = '\0';
	assert_null(store_open(path, cfg, err, sizeof err));
	assert_non_null(strstr(err, "newer"));
	snprintf(want, sizeof want, "version %d", STORE_SCHEMA_VERSION + 1);
	assert_non_null(strstr(err, want));
	assert_int_equal(sql_int(path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION + 1);
	db_remove(path);
}

static void
test_roundtrip(void **state)
{
	struct config *cfg = *state;
	const struct engine_ticket *const *open1, *const *open2;
	char path[512], day[11];
	engine *e1, *e2;
	store *s;
	int64_t last, id, a, b;
	int i, n1, n2, nsaw[8] = { 0 };

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	e1 = engine_new(cfg);
	last = drive_day(e1, s);
	store_close(s);

	s = open_ok(path, cfg);
	e2 = engine_new(cfg);
	engine_day_of(T0, cfg->day_start_hour, day);
	assert_int_equal(store_load(s, e2, day), 0);
	assert_string_equal(engine_day(e2), engine_day(e1));
	assert_int_equal(engine_last_event_id(e2), engine_last_event_id(e1));
	for (id = 1; id <= last; id++) {
		const struct engine_ticket *t = engine_ticket_by_id(e1, id);

		ticket_equal(t, engine_ticket_by_id(e2, id));
		ticket_equal(t, engine_ticket_by_code(e2, t->code));
		nsaw[t->state]++;
	}
	assert_null(engine_ticket_by_id(e2, last + 1));
	/* The day really covered the states the test claims. */
	assert_true(nsaw[ENGINE_T_DONE] >= 1);
	assert_true(nsaw[ENGINE_T_SERVING] >= 1);
	assert_true(nsaw[ENGINE_T_CALLED] >= 1);
	assert_true(nsaw[ENGINE_T_WAITING] >= 1);
	assert_true(nsaw[ENGINE_T_CANCELLED] >= 1);
	for (i = 0; i < cfg->ncounters; i++)
		counter_equal(engine_counter(e1, i), engine_counter(e2, i));
	assert_int_equal(engine_counter(e2, 2)->state, ENGINE_C_PAUSED);
	assert_string_equal(engine_counter(e2, 2)->reason, "Nghỉ trưa");
	for (i = 0; i < cfg->nqueues; i++) {
		queue_equal(engine_queue(e1, i), engine_queue(e2, i));
		assert_int_equal(engine_waiting_count(e1, i),
		    engine_waiting_count(e2, i));
	}
	n1 = engine_open_tickets(e1, &open1);
	n2 = engine_open_tickets(e2, &open2);
	assert_int_equal(n1, n2);
	assert_true(n1 >= 4);

	/* Both engines go on identically: same next id, number, position. */
	{
		struct engine_cmd c = cmd_new(ENGINE_ISSUE, T0 + 3600, -1);
		struct engine_result r1, r2;

		c.queue = 0;
		c.channel = ENGINE_CH_KIOSK;
		snprintf(c.code, sizeof c.code, "%s", "next1");
		assert_int_equal(engine_exec(e1, &c, &r1), 0);
		a = r1.ticket;
		assert_int_equal(engine_exec(e2, &c, &r2), 0);
		b = r2.ticket;
		assert_int_equal(a, b);
		assert_int_equal(a, last + 1);
		ticket_equal(engine_ticket_by_id(e1, a), engine_ticket_by_id(e2, b));
		assert_int_equal(r1.nevents, r2.nevents);
		assert_int_equal(r1.events[0].id, r2.events[0].id);
		/* ...and the store takes it (no number or id used twice). */
		assert_int_equal(store_begin(s), 0);
		assert_int_equal(store_apply(s, &r2), 0);
		assert_int_equal(store_commit(s), 0);
		c = cmd_new(ENGINE_CALL_NEXT, T0 + 3601, 2);
		assert_int_equal(engine_exec(e1, &c, &r1), -ENGINE_ECLOSED);
	}
	store_close(s);
	engine_free(e1);
	engine_free(e2);

	/* Rows carry codes and numbers: checked in the file itself. */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets WHERE"
	    " queue NOT IN ('TP-HT', 'TP-CT', 'XD-GP')"), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM counters WHERE"
	    " number NOT IN (3, 7, 12)"), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM counters"), 3);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets WHERE"
	    " code = 'a1' AND procedure = '1.000001' AND kiosk = 'kiosk-1'"
	    " AND department = 'TP'"), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets WHERE"
	    " code = 'a2' AND priority = 'elderly' AND channel = 'kiosk'"), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets WHERE"
	    " code = 'a4' AND priority = '' AND channel = 'counter'"
	    " AND procedure IS NULL"), 1);
	/* The department is the current queue's (after transfers). */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets WHERE"
	    " department <> CASE queue WHEN 'XD-GP' THEN 'XD' ELSE 'TP' END"), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets WHERE"
	    " transfers > 0"), 2);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM ticket_times"
	    " WHERE state = 'done' AND service_s = 300 AND rating = 2"), 1);
	db_remove(path);
}

static void
test_codes_not_indexes(void **state)
{
	struct config *cfg = *state, *cfg2;
	char path[512], day[11], *tmp;
	engine *e1, *e2;
	store *s;
	int64_t last, id, expect_skipped;
	int loaded = 0, i, rc;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	e1 = engine_new(cfg);
	last = drive_day(e1, s);
	store_close(s);

	/*
	 * The next config: queues in another order without TP-CT, counters
	 * in another order without number 7, kiosks swapped, priority
	 * classes swapped.
	 */
	cfg2 = cfg_new();
	tmp = cfg2->queues[0].code;
	cfg2->queues[0].code = cfg2->queues[2].code;
	cfg2->queues[2].code = tmp;
	cfg2->queues[0].department = 1;
	cfg2->queues[2].department = 0;
	free(cfg2->queues[1].code);
	free(cfg2->queues[1].name);
	cfg2->queues[1] = cfg2->queues[2];
	cfg2->nqueues = 2;                       /* XD-GP, TP-HT */
	cfg2->counters[0].number = 12;
	cfg2->counters[1].number = 3;
	free(cfg2->counters[2].name);
	free(cfg2->counters[2].area);
	cfg2->ncounters = 2;                     /* 12, 3 */
	for (i = 0; i < cfg2->ncounters; i++)
		cfg2->counters[i].nserves = 0;
	tmp = cfg2->kiosks[0].id;
	cfg2->kiosks[0].id = cfg2->kiosks[1].id;
	cfg2->kiosks[1].id = tmp;
	tmp = cfg2->priority[1].code;
	cfg2->priority[1].code = cfg2->priority[2].code;
	cfg2->priority[2].code = tmp;
	for (i = 0; i < cfg2->nprocedures; i++)
		cfg2->procedures[i].queue = -1;      /* not used by the store */

	expect_skipped = sql_int(path, "SELECT (SELECT count(*) FROM tickets"
	    " WHERE queue = 'TP-CT') + (SELECT count(*) FROM queues"
	    " WHERE code = 'TP-CT') + (SELECT count(*) FROM counters"
	    " WHERE number = 7)");
	assert_true(expect_skipped >= 3);

	s = open_ok(path, cfg);
	store_set_config(s, cfg2);
	e2 = engine_new(cfg2);
	engine_day_of(T0, cfg2->day_start_hour, day);
	rc = store_load(s, e2, day);
	assert_int_equal(rc, expect_skipped);
	assert_non_null(strstr(store_errmsg(s), "skipped"));
	for (id = 1; id <= last; id++) {
		const struct engine_ticket *a = engine_ticket_by_id(e1, id);
		const struct engine_ticket *b = engine_ticket_by_id(e2, id);

		if (strcmp(cfg->queues[a->queue].code, "TP-CT") == 0) {
			assert_null(b);
			continue;
		}
		assert_non_null(b);
		loaded++;
		assert_string_equal(cfg->queues[a->queue].code,
		    cfg2->queues[b->queue].code);
		if (a->counter < 0 || cfg->counters[a->counter].number == 7)
			assert_int_equal(b->counter, -1);
		else
			assert_int_equal(cfg->counters[a->counter].number,
			    cfg2->counters[b->counter].number);
		if (a->kiosk < 0)
			assert_int_equal(b->kiosk, -1);
		else
			assert_string_equal(cfg->kiosks[a->kiosk].id,
			    cfg2->kiosks[b->kiosk].id);
		if (a->priority == 0)
			assert_int_equal(b->priority, 0);
		else
			assert_string_equal(cfg->priority[a->priority].code,
			    cfg2->priority[b->priority].code);
		if (a->procedure < 0)
			assert_int_equal(b->procedure, -1);
		else
			assert_string_equal(cfg->procedures[a->procedure].code,
			    cfg2->procedures[b->procedure].code);
		assert_int_equal(a->number, b->number);
		assert_int_equal(a->state, b->state);
	}
	assert_true(loaded >= 3);
	/* Counter 12 is index 2 before, index 0 now; 3 is 0 -> 1. */
	{
		struct engine_counter c12 = *engine_counter(e1, 2);
		struct engine_counter c3 = *engine_counter(e1, 0);

		c12.index = 0;
		c3.index = 1;
		/* The engine drops a held ticket it does not have. */
		if (engine_ticket_by_id(e2, c12.ticket) == NULL)
			c12.ticket = 0;
		if (engine_ticket_by_id(e2, c3.ticket) == NULL)
			c3.ticket = 0;
		counter_equal(&c12, engine_counter(e2, 0));
		counter_equal(&c3, engine_counter(e2, 1));
	}
	{
		struct engine_queue q = *engine_queue(e1, 0);  /* TP-HT */

		q.index = 1;
		queue_equal(&q, engine_queue(e2, 1));
		q = *engine_queue(e1, 2);                      /* XD-GP */
		q.index = 0;
		queue_equal(&q, engine_queue(e2, 0));
	}
	/* Events read back with the new config's indexes. */
	{
		struct engine_event ev[256];
		int n = store_events_after(s, 0, ev, 256), k, seen = 0;

		assert_true(n > 10);
		for (k = 0; k < n; k++) {
			if (ev[k].type == ENGINE_EV_ISSUED && ev[k].ticket > 0) {
				const struct engine_ticket *a =
				    engine_ticket_by_id(e1, ev[k].ticket);

				if (a->priority > 0) {
					assert_string_equal(
					    cfg->priority[a->priority].code,
					    cfg2->priority[ev[k].value].code);
					seen++;
				}
			}
			if (ev[k].counter >= 0)
				assert_int_not_equal(
				    cfg2->counters[ev[k].counter].number, 7);
		}
		assert_int_equal(seen, 2);
	}
	store_close(s);
	engine_free(e1);
	engine_free(e2);
	cfg_delete(cfg2);
	db_remove(path);
}

/* A hand-made ticket of queue 0 (valid for the test config). */
static struct engine_ticket
ticket_new(int64_t id, const char *code, const char *day, int number)
{
	struct engine_ticket t;

	memset(&t, 0, sizeof t);
	t.id = id;
	snprintf(t.code, sizeof t.code, "%s", code);
	snprintf(t.day, sizeof t.day, "%s", day);
	t.number = number;
	t.queue = 0;
	t.procedure = -1;
	t.kiosk = -1;
	t.counter = -1;
	t.assigned_counter = -1;
	t.channel = ENGINE_CH_KIOSK;
	t.state = ENGINE_T_WAITING;
	t.order = id;
	t.issued_at = t.enqueued_at = T0 + id;
	return t;
}

/* A result of one ISSUED event and one ticket row. */
static struct engine_result
result_one(const struct engine_ticket **tp, struct engine_event *ev,
    int64_t evid)
{
	struct engine_result r;

	memset(ev, 0, sizeof *ev);
	ev->id = evid;
	ev->type = ENGINE_EV_ISSUED;
	ev->at = (*tp)->issued_at;
	ev->ticket = (*tp)->id;
	ev->number = (*tp)->number;
	ev->queue = (*tp)->queue;
	ev->counter = -1;
	memset(&r, 0, sizeof r);
	r.nevents = 1;
	r.events = ev;
	r.ntickets = 1;
	r.tickets = tp;
	r.ticket = (*tp)->id;
	return r;
}

static void
test_events_after(void **state)
{
	struct config *cfg = *state;
	struct engine_event ev[12], out[16];
	struct engine_result r;
	char path[512];
	store *s;
	int i, n;

	memset(ev, 0, sizeof ev);
	for (i = 0; i < 12; i++) {
		ev[i].id = 100 + i * 3;     /* ids need not be consecutive */
		ev[i].type = ENGINE_EV_COUNTER_OPENED;
		ev[i].at = T0 + i;
		ev[i].queue = -1;
		ev[i].counter = i % 3;
		ev[i].staff = i;
	}
	ev[1].type = ENGINE_EV_ISSUED;      /* value: priority 2 */
	ev[1].ticket = 9;
	ev[1].number = 1009;
	ev[1].queue = 0;
	ev[1].counter = -1;
	ev[1].value = 2;
	ev[2].type = ENGINE_EV_TRANSFERRED; /* value: queue 2 */
	ev[2].queue = 1;
	ev[2].value = 2;
	ev[3].type = ENGINE_EV_TRANSFERRED; /* to a counter: value -1 */
	ev[3].value = -1;
	ev[4].type = ENGINE_EV_RATED;
	ev[4].value = 4;
	ev[5].type = ENGINE_EV_COUNTER_PAUSED;
	snprintf(ev[5].reason, sizeof ev[5].reason, "%s", "Họp giao ban");
	ev[6].type = ENGINE_EV_DAY_CLOSED;
	ev[6].counter = -1;
	ev[6].value = 17;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	memset(&r, 0, sizeof r);
	r.nevents = 12;
	r.events = ev;
	/* Outside a batch, store_apply is its own transaction. */
	assert_int_equal(store_apply(s, &r), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM events"), 12);

	n = store_events_after(s, 0, out, 5);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++)
		assert_int_equal(out[i].id, ev[i].id);
	n = store_events_after(s, out[4].id, out, 16);
	assert_int_equal(n, 7);
	assert_int_equal(out[0].id, ev[5].id);
	assert_int_equal(out[6].id, ev[11].id);
	n = store_events_after(s, ev[10].id - 1, out, 16);   /* between ids */
	assert_int_equal(n, 2);
	assert_int_equal(out[0].id, ev[10].id);
	assert_int_equal(store_events_after(s, ev[11].id, out, 16), 0);
	assert_int_equal(store_events_after(s, 0, out, 0), 0);
	assert_int_equal(store_events_after(s, -5, out, 16), 12);
	assert_int_equal(store_events_after(s, 0, NULL, 3), -1);

	/* Every field comes back. */
	for (i = 0; i < 12; i++) {
		assert_int_equal(out[i].id, ev[i].id);
		assert_int_equal(out[i].type, ev[i].type);
		assert_int_equal(out[i].at, ev[i].at);
		assert_int_equal(out[i].ticket, ev[i].ticket);
		assert_int_equal(out[i].number, ev[i].number);
		assert_int_equal(out[i].queue, ev[i].queue);
		assert_int_equal(out[i].counter, ev[i].counter);
		assert_int_equal(out[i].staff, ev[i].staff);
		assert_int_equal(out[i].value, ev[i].value);
		assert_string_equal(out[i].reason, ev[i].reason);
	}
	assert_int_equal(sql_int(path, "SELECT count(*) FROM events WHERE"
	    " type = 'issued' AND value_code = 'disabled' AND queue = 'TP-HT'"),
	    1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM events WHERE"
	    " type = 'transferred' AND value_code = 'XD-GP'"), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM events WHERE"
	    " counter = 12"), 4);       /* index 2: ev[2], [5], [8], [11] */

	/* An event id used twice is refused; nothing of that apply stays. */
	ev[11].id = 10000;
	r.events = &ev[10];
	r.nevents = 2;                      /* ev[10] exists already */
	assert_int_equal(store_apply(s, &r), -1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM events"), 12);
	/* A bad index in a result is refused, not written as garbage. */
	ev[11].queue = 99;
	r.events = &ev[11];
	r.nevents = 1;
	assert_int_equal(store_apply(s, &r), -1);
	assert_non_null(strstr(store_errmsg(s), "out of range"));
	store_close(s);
	db_remove(path);
}

static void
test_batches(void **state)
{
	struct config *cfg = *state;
	struct engine_ticket t1 = ticket_new(1, "b1", "2025-03-10", 1001);
	struct engine_ticket t2 = ticket_new(2, "b2", "2025-03-10", 1001);
	struct engine_ticket t3 = ticket_new(3, "b3", "2025-03-10", 1003);
	const struct engine_ticket *p1 = &t1, *p2 = &t2, *p3 = &t3;
	struct engine_event e1, e2, e3, out[4];
	struct engine_result r1 = result_one(&p1, &e1, 1);
	struct engine_result r2 = result_one(&p2, &e2, 2);
	struct engine_result r3 = result_one(&p3, &e3, 3);
	char path[512];
	store *s;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	assert_int_equal(store_commit(s), -1);
	assert_non_null(strstr(store_errmsg(s), "no transaction"));
	assert_int_equal(store_rollback(s), 0);

	/* Nothing of a batch is visible to another reader before commit. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_begin(s), -1);
	assert_int_equal(store_apply(s, &r1), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets"), 0);
	/* UNIQUE(day, number): the same number twice in a day is refused by
	 * the database; the failing command undoes only itself (its event
	 * too), the rest of the batch goes on. */
	assert_int_equal(store_apply(s, &r2), -1);
	assert_non_null(strstr(store_errmsg(s), "UNIQUE"));
	assert_non_null(strstr(store_errmsg(s), "ticket 2"));
	assert_int_equal(store_apply(s, &r3), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets"), 2);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets WHERE"
	    " id = 2"), 0);
	assert_int_equal(store_events_after(s, 0, out, 4), 2);
	assert_int_equal(out[0].id, 1);
	assert_int_equal(out[1].id, 3);

	/* The same number on another day is fine; a code used twice is not. */
	t2.day[9] = '1';                    /* 2025-03-11 */
	e2.id = 4;
	assert_int_equal(store_apply(s, &r2), 0);
	snprintf(t2.code, sizeof t2.code, "%s", "b1");
	t2.id = 5;
	e2.id = 5;
	assert_int_equal(store_apply(s, &r2), -1);

	/* A rolled-back batch leaves nothing. */
	assert_int_equal(store_begin(s), 0);
	snprintf(t2.code, sizeof t2.code, "%s", "b5");
	t2.number = 1005;
	assert_int_equal(store_apply(s, &r2), 0);
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets"), 3);
	assert_int_equal(sql_int(path, "SELECT max(id) FROM events"), 4);

	/* A batch still open at close is not committed. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_apply(s, &r2), 0);
	store_close(s);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets"), 3);
	db_remove(path);
}

static void
test_crash(void **state)
{
	struct config *cfg = *state;
	char path[512], day[11], ok = 0;
	struct engine_event out[64];
	struct engine_result r;
	struct engine_cmd c;
	int64_t committed_events;
	engine *e;
	store *s;
	pid_t pid;
	int fd[2], status, i;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	e = engine_new(cfg);
	assert_int_equal(store_begin(s), 0);
	issue(e, s, T0, 0, -1, 0, ENGINE_CH_KIOSK, 0, "c1");
	issue(e, s, T0 + 1, 1, -1, 0, ENGINE_CH_KIOSK, 0, "c2");
	assert_int_equal(store_commit(s), 0);
	committed_events = engine_last_event_id(e);
	store_close(s);

	/* The child writes a big batch, says so, and dies before COMMIT. */
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fd[0]);
		s = store_open(path, cfg, NULL, 0);
		if (s == NULL || store_begin(s) != 0)
			_exit(2);
		for (i = 0; i < 200; i++) {
			c = cmd_new(ENGINE_ISSUE, T0 + 10 + i, -1);
			c.queue = i % 3;
			snprintf(c.code, sizeof c.code, "k%u", (unsigned)i & 0xffu);
			if (engine_exec(e, &c, &r) != 0 || store_apply(s, &r) != 0)
				_exit(3);
		}
		if (write(fd[1], "1", 1) != 1)
			_exit(4);
		raise(SIGKILL);
		_exit(5);
	}
	close(fd[1]);
	assert_int_equal(read(fd[0], &ok, 1), 1);
	assert_int_equal(ok, '1');
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);

	/* Reopen: the committed batch is there, nothing of the child's. */
	s = open_ok(path, cfg);
	engine_free(e);
	e = engine_new(cfg);
	engine_day_of(T0, cfg->day_start_hour, day);
	assert_int_equal(store_load(s, e, day), 0);
	assert_non_null(engine_ticket_by_code(e, "c1"));
	assert_non_null(engine_ticket_by_code(e, "c2"));
	assert_null(engine_ticket_by_code(e, "k0"));
	assert_null(engine_ticket_by_id(e, 3));
	assert_int_equal(engine_last_event_id(e), committed_events);
	assert_int_equal(store_events_after(s, 0, out, 64), committed_events);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM tickets"), 2);
	/* The numbering goes on from the committed state. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(issue(e, s, T0 + 500, 0, -1, 0, ENGINE_CH_KIOSK, 0,
	    "c3"), 3);
	assert_int_equal(engine_ticket_by_id(e, 3)->number, 1002);
	assert_int_equal(store_commit(s), 0);
	store_close(s);
	engine_free(e);
	db_remove(path);
}

static int nlisted;

static void
list_cb(const struct store_user *u, void *arg)
{
	(void)arg;
	assert_true(u->id > 0);
	nlisted++;
}

static void
test_users(void **state)
{
	struct config *cfg = *state;
	struct store_user u, got;
	char path[512], token[65];
	store *s;
	int id;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	memset(&u, 0, sizeof u);
	snprintf(u.name, sizeof u.name, "%s", "nv01");
	snprintf(u.full_name, sizeof u.full_name, "%s", "Nguyễn Thị Hoà");
	u.role = STORE_ROLE_STAFF;
	u.ncounters = 3;
	u.counters[0] = 3;
	u.counters[1] = 12;
	u.counters[2] = 7;

	/* Refusals that cost no hashing. */
	assert_int_equal(store_user_add(s, &u, ""), -1);
	assert_non_null(strstr(store_errmsg(s), "password"));
	assert_int_equal(store_user_add(s, &u, NULL), -1);
	{
		struct store_user bad = u;

		snprintf(bad.name, sizeof bad.name, "%s", "nv 01");
		assert_int_equal(store_user_add(s, &bad, "x"), -1);
		bad.name[0] = '\0';
		assert_int_equal(store_user_add(s, &bad, "x"), -1);
		bad = u;
		bad.role = 0;
		assert_int_equal(store_user_add(s, &bad, "x"), -1);
		bad = u;
		bad.counters[1] = 100;
		assert_int_equal(store_user_add(s, &bad, "x"), -1);
		bad = u;
		bad.ncounters = STORE_MAX_USER_COUNTERS + 1;
		assert_int_equal(store_user_add(s, &bad, "x"), -1);
	}
	assert_int_equal(sql_int(path, "SELECT count(*) FROM users"), 0);

	assert_int_equal(store_user_add(s, &u, "mật khẩu 1"), 0);   /* hash 1 */
	assert_int_equal(store_user_add(s, &u, "other"), -1);
	assert_non_null(strstr(store_errmsg(s), "already exists"));
	assert_int_equal(sql_int(path, "SELECT count(*) FROM users"), 1);
	/* The password is not stored in clear. */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM users WHERE"
	    " pwhash LIKE '$argon2id$%' AND instr(pwhash, 'mật') = 0"), 1);

	assert_int_equal(store_user_get(s, "nv01", &got), 1);
	assert_true(got.id > 0);
	id = got.id;
	assert_string_equal(got.full_name, "Nguyễn Thị Hoà");
	assert_int_equal(got.role, STORE_ROLE_STAFF);
	assert_int_equal(got.ncounters, 3);
	assert_int_equal(got.counters[0], 3);
	assert_int_equal(got.counters[1], 12);
	assert_int_equal(got.counters[2], 7);
	assert_int_equal(got.disabled, 0);
	assert_int_equal(store_user_get(s, "nobody", &got), 0);
	assert_int_equal(store_user_get_id(s, id, &got), 1);
	assert_string_equal(got.name, "nv01");
	assert_int_equal(store_user_get_id(s, id + 1, &got), 0);

	memset(&got, 0, sizeof got);
	assert_int_equal(store_user_check(s, "nv01", "mật khẩu 1", &got), 1);
	assert_int_equal(got.id, id);
	assert_int_equal(store_user_check(s, "nv01", "mật khẩu 2", &got), 0);
	assert_int_equal(store_user_check(s, "ghost", "mật khẩu 1", &got), 0);
	assert_int_equal(store_user_check(s, NULL, NULL, NULL), 0);

	/* Update: counters and role change; then disabled refuses login. */
	u.ncounters = 1;
	u.counters[0] = 5;
	u.role = STORE_ROLE_MANAGER;
	assert_int_equal(store_user_update(s, &u), 0);
	assert_int_equal(store_user_get(s, "nv01", &got), 1);
	assert_int_equal(got.ncounters, 1);
	assert_int_equal(got.counters[0], 5);
	assert_int_equal(got.role, STORE_ROLE_MANAGER);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM users WHERE"
	    " counters = '5' AND role = 'manager'"), 1);
	u.disabled = 1;
	assert_int_equal(store_user_update(s, &u), 0);
	assert_int_equal(store_user_check(s, "nv01", "mật khẩu 1", &got), 0);
	u.disabled = 0;
	assert_int_equal(store_user_update(s, &u), 0);
	{
		struct store_user none = u;

		snprintf(none.name, sizeof none.name, "%s", "nobody");
		assert_int_equal(store_user_update(s, &none), -1);
	}

	/* New password: the old one no longer works. */
	assert_int_equal(store_user_set_password(s, "nv01", "mới", NULL), 0);
	assert_int_equal(store_user_check(s, "nv01", "mật khẩu 1", NULL), 0);
	assert_int_equal(store_user_check(s, "nv01", "mới", NULL), 1);
	assert_int_equal(store_user_set_password(s, "nv01", "", NULL), -1);
	assert_int_equal(store_user_set_password(s, "ghost", "x", NULL), -1);

	nlisted = 0;
	assert_int_equal(store_user_list(s, list_cb, NULL), 1);
	assert_int_equal(nlisted, 1);

	/* Deleting the user deletes their sessions. */
	assert_int_equal(store_session_create(s, id, T0, T0 + 100, token), 0);
	assert_int_equal(store_session_check(s, token, T0, &got), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sessions"), 1);
	assert_int_equal(store_user_delete(s, "nv01"), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sessions"), 0);
	assert_int_equal(store_session_check(s, token, T0, &got), 0);
	assert_int_equal(store_user_get(s, "nv01", &got), 0);
	assert_int_equal(store_user_delete(s, "nv01"), -1);
	assert_int_equal(store_user_list(s, list_cb, NULL), 0);

	/* Role names both ways. */
	assert_string_equal(store_role_name(STORE_ROLE_ADMIN), "admin");
	assert_string_equal(store_role_name(STORE_ROLE_DISPLAY), "display");
	assert_int_equal(store_role_parse("kiosk"), STORE_ROLE_KIOSK);
	assert_int_equal(store_role_parse("staff"), STORE_ROLE_STAFF);
	assert_int_equal(store_role_parse("root"), 0);
	assert_int_equal(store_role_parse(""), 0);
	assert_int_equal(store_role_parse(NULL), 0);
	store_close(s);
	db_remove(path);
}

static int
is_hex64(const char *t)
{
	int i;

	for (i = 0; i < 64; i++)
		if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
			return 0;
	return t[64] == '\0';
}

static void
test_sessions(void **state)
{
	struct config *cfg = *state;
	struct store_user u, got;
	char path[512], t1[65], t2[65], dev[65], bad[80];
	store *s;
	int i;
	static const char *const malformed[] = {
		"", "a", "abc", "0123456789abcdef",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd\xc3\xa9",
		"' OR 1=1 --", "%s%s%s%n", "\xff\xfe",
	};

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	memset(&u, 0, sizeof u);
	snprintf(u.name, sizeof u.name, "%s", "kiosk-1");
	u.role = STORE_ROLE_KIOSK;
	assert_int_equal(store_user_add(s, &u, "device secret"), 0);
	assert_int_equal(store_user_get(s, "kiosk-1", &u), 1);

	assert_int_equal(store_session_create(s, u.id, T0, T0 + 100, t1), 0);
	assert_int_equal(store_session_create(s, u.id, T0, T0 + 100, t2), 0);
	assert_int_equal(store_session_create(s, u.id, T0, 0, dev), 0);
	assert_true(is_hex64(t1));
	assert_true(is_hex64(t2));
	assert_string_not_equal(t1, t2);
	assert_int_equal(store_session_create(s, u.id + 99, T0, 0, bad), -1);
	assert_int_equal(store_session_create(s, u.id, T0, -1, bad), -1);
	/* Only hashes are stored: no token appears in the file's rows. */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sessions"), 3);
	{
		char sql[256];

		snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE"
		    " token_hash IN ('%s', '%s', '%s')", t1, t2, dev);
		assert_int_equal(sql_int(path, sql), 0);
		assert_int_equal(sql_int(path, "SELECT count(*) FROM sessions"
		    " WHERE length(token_hash) = 64"), 3);
	}

	/* Expiry: valid strictly before `expires`; 0 = never. */
	memset(&got, 0, sizeof got);
	assert_int_equal(store_session_check(s, t1, T0 + 99, &got), 1);
	assert_string_equal(got.name, "kiosk-1");
	assert_int_equal(got.role, STORE_ROLE_KIOSK);
	assert_int_equal(store_session_check(s, t1, T0 + 100, &got), 0);
	assert_int_equal(store_session_check(s, dev, INT64_MAX, NULL), 1);

	/* Unknown and malformed tokens are simply not valid. */
	for (i = 0; i < 64; i++)
		bad[i] = "0123456789abcdef"[i % 16];
	bad[64] = '\0';
	assert_int_equal(store_session_check(s, bad, T0, &got), 0);
	for (i = 0; i < (int)(sizeof malformed / sizeof malformed[0]); i++) {
		assert_int_equal(store_session_check(s, malformed[i], T0, &got), 0);
		assert_int_equal(store_session_delete(s, malformed[i]), 0);
	}
	assert_int_equal(store_session_check(s, NULL, T0, &got), 0);
	assert_int_equal(store_session_delete(s, NULL), 0);
	/* Upper case is not what we hand out, and is not accepted. */
	snprintf(bad, sizeof bad, "%s", t1);
	for (i = 0; i < 64; i++)
		if (bad[i] >= 'a' && bad[i] <= 'f')
			bad[i] = (char)(bad[i] - 'a' + 'A');
	if (strcmp(bad, t1) != 0)
		assert_int_equal(store_session_check(s, bad, T0, &got), 0);
	/* A token with more after it is not the token. */
	snprintf(bad, sizeof bad, "%sx", t1);
	assert_int_equal(store_session_check(s, bad, T0, &got), 0);

	/* A disabled user's sessions end, and do not come back after. */
	u.disabled = 1;
	assert_int_equal(store_user_update(s, &u), 0);
	assert_int_equal(store_session_check(s, dev, T0, &got), 0);
	u.disabled = 0;
	assert_int_equal(store_user_update(s, &u), 0);
	assert_int_equal(store_session_check(s, dev, T0, &got), 0);
	assert_int_equal(store_session_create(s, u.id, T0, T0 + 100, t1), 0);
	assert_int_equal(store_session_create(s, u.id, T0, T0 + 100, t2), 0);
	assert_int_equal(store_session_create(s, u.id, T0, 0, dev), 0);

	/* Delete. */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sessions"), 3);
	assert_int_equal(store_session_delete(s, t2), 0);
	assert_int_equal(store_session_check(s, t2, T0, &got), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sessions"), 2);
	assert_int_equal(store_session_delete(s, t2), 0);
	assert_int_equal(store_session_check(s, t1, T0, &got), 1);

	/* Purge drops the expired ones only. */
	assert_int_equal(store_session_purge(s, T0 + 50), 0);
	assert_int_equal(store_session_purge(s, T0 + 100), 1);
	assert_int_equal(store_session_check(s, dev, T0 + 200, &got), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sessions"), 1);
	store_close(s);
	db_remove(path);
}

/* A user's sessions end when their password changes or they are disabled,
 * in the same write; only a device's token never expires; a device's old
 * tokens end on request (a new token); people and devices stay apart. */
static void
test_sessions_end(void **state)
{
	struct config *cfg = *state;
	struct store_user p, d, got;
	char path[512], a[65], b[65], c[65], k1[65], k2[65], sql[256];
	store *s;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	memset(&p, 0, sizeof p);
	snprintf(p.name, sizeof p.name, "%s", "nv01");
	p.role = STORE_ROLE_STAFF;
	assert_int_equal(store_user_add(s, &p, "password-1"), 0);
	assert_int_equal(store_user_get(s, "nv01", &p), 1);
	memset(&d, 0, sizeof d);
	snprintf(d.name, sizeof d.name, "%s", "kiosk-1");
	d.role = STORE_ROLE_KIOSK;
	assert_int_equal(store_user_add(s, &d, "device secret"), 0);
	assert_int_equal(store_user_get(s, "kiosk-1", &d), 1);

	/* A person's session must expire; a device's may not. */
	assert_int_equal(store_session_create(s, p.id, T0, 0, a), -1);
	assert_int_equal(store_errcode(s), STORE_EINVAL);
	assert_int_equal(store_session_create(s, p.id + 99, T0, T0 + 100, a), -1);
	assert_int_equal(store_errcode(s), STORE_ENOENT);
	assert_int_equal(store_session_create(s, d.id, T0, 0, k1), 0);

	/* A password set ends every session of the user but keep_token's. */
	assert_int_equal(store_session_create(s, p.id, T0, T0 + 100, a), 0);
	assert_int_equal(store_session_create(s, p.id, T0, T0 + 100, b), 0);
	assert_int_equal(store_session_create(s, p.id, T0, T0 + 100, c), 0);
	assert_int_equal(store_user_set_password(s, "nv01", "password-2", b), 0);
	assert_int_equal(store_session_check(s, a, T0, &got), 0);
	assert_int_equal(store_session_check(s, b, T0, &got), 1);
	assert_int_equal(store_session_check(s, c, T0, &got), 0);
	assert_int_equal(store_session_check(s, k1, T0, &got), 1);
	assert_int_equal(store_user_set_password(s, "nv01", "password-3", NULL), 0);
	assert_int_equal(store_session_check(s, b, T0, &got), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sessions"), 1);

	/* In one write with the password: a batch rolled back keeps both. */
	assert_int_equal(store_session_create(s, p.id, T0, T0 + 100, a), 0);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_user_set_password(s, "nv01", "password-4", NULL), 0);
	assert_int_equal(store_session_check(s, a, T0, &got), 0);
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(store_session_check(s, a, T0, &got), 1);
	assert_int_equal(store_user_check(s, "nv01", "password-3", NULL), 1);
	/* An unknown user: nothing happens. */
	assert_int_equal(store_user_set_password(s, "ghost", "password-5", NULL), -1);
	assert_int_equal(store_errcode(s), STORE_ENOENT);

	/* Disabling ends the sessions for good (enabling does not bring them
	   back); a change that keeps the user enabled ends none. */
	p.ncounters = 1;
	p.counters[0] = 3;
	assert_int_equal(store_user_update(s, &p), 0);
	assert_int_equal(store_session_check(s, a, T0, &got), 1);
	p.disabled = 1;
	assert_int_equal(store_user_update(s, &p), 0);
	p.disabled = 0;
	assert_int_equal(store_user_update(s, &p), 0);
	assert_int_equal(store_session_check(s, a, T0, &got), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sessions"
	    " WHERE user_id <> (SELECT id FROM users WHERE name = 'kiosk-1')"), 0);

	/* A device never becomes a person, nor a person a device. */
	d.role = STORE_ROLE_ADMIN;
	assert_int_equal(store_user_update(s, &d), -1);
	assert_int_equal(store_errcode(s), STORE_EINVAL);
	d.role = STORE_ROLE_DISPLAY;
	assert_int_equal(store_user_update(s, &d), 0);
	p.role = STORE_ROLE_KIOSK;
	assert_int_equal(store_user_update(s, &p), -1);
	assert_int_equal(store_errcode(s), STORE_EINVAL);
	p.role = STORE_ROLE_STAFF;
	assert_int_equal(store_session_check(s, k1, T0, &got), 1);
	assert_int_equal(got.role, STORE_ROLE_DISPLAY);

	/* A device's new token: the old ones end. */
	assert_int_equal(store_session_end_user(s, d.id, NULL), 1);
	assert_int_equal(store_session_create(s, d.id, T0, 0, k2), 0);
	assert_int_equal(store_session_check(s, k1, T0, &got), 0);
	assert_int_equal(store_session_check(s, k2, T0, &got), 1);
	assert_int_equal(store_session_create(s, p.id, T0, T0 + 100, a), 0);
	assert_int_equal(store_session_end_user(s, p.id, a), 0);
	assert_int_equal(store_session_check(s, a, T0, &got), 1);

	/* A never-expiring person's row (an older version's) is no session,
	   and the purge removes it with the expired ones. */
	snprintf(sql, sizeof sql, "INSERT INTO sessions(token_hash, user_id,"
	    " created_at, expires) VALUES('%064d', %d, 0, 0)", 7, p.id);
	sql_exec(path, sql);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sessions"), 3);
	assert_int_equal(store_session_purge(s, T0), 1);
	assert_int_equal(store_session_purge(s, T0 + 100), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sessions"), 1);
	assert_int_equal(store_session_check(s, k2, T0 + 1000000, &got), 1);
	store_close(s);
	db_remove(path);
}

/* Board event keys: written in the batch, atomic with it, one per board. */
static int
collect_bus_key(struct store_bus_key *out, int max, int *n,
    const struct store_bus_key *k)
{
	if (*n < max)
		out[*n] = *k;
	return ++*n;
}

struct bus_keys_acc {
	struct store_bus_key k[8];
	int n;
};

static void
bus_key_cb(const struct store_bus_key *k, void *arg)
{
	struct bus_keys_acc *a = arg;

	collect_bus_key(a->k, 8, &a->n, k);
}

static void
test_bus_keys(void **state)
{
	struct config *cfg = *state;
	struct store_bus_key k = { .line = "rs485-1", .address = 103, .boot = 7,
	    .seq = 1, .uptime = 42, .at = T0 };
	struct bus_keys_acc acc;
	char path[512];
	engine *e;
	store *s;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	e = engine_new(cfg);
	memset(&acc, 0, sizeof acc);
	assert_int_equal(store_bus_keys(s, bus_key_cb, &acc), 0);

	/* In a batch with a command: committed together. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_bus_mark(s, &k), 0);
	issue(e, s, T0, 0, -1, 0, ENGINE_CH_KIOSK, 0, "b1");
	assert_int_equal(store_commit(s), 0);

	/* A rolled-back batch leaves the previous key. */
	k.seq = 2;
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_bus_mark(s, &k), 0);
	assert_int_equal(store_rollback(s), 0);
	memset(&acc, 0, sizeof acc);
	assert_int_equal(store_bus_keys(s, bus_key_cb, &acc), 1);
	assert_int_equal(acc.k[0].seq, 1);

	/* Replaced per board; another board gets its own row. */
	k.seq = 3;
	k.uptime = 50;
	assert_int_equal(store_bus_mark(s, &k), 0);
	k.address = 201;
	k.seq = 9;
	assert_int_equal(store_bus_mark(s, &k), 0);

	/* Bad keys are refused with a message. */
	k.seq = 0;
	assert_int_equal(store_bus_mark(s, &k), -1);
	assert_non_null(strstr(store_errmsg(s), "bad key"));
	k.seq = 1;
	k.address = 248;
	assert_int_equal(store_bus_mark(s, &k), -1);
	store_close(s);
	engine_free(e);

	/* Reopened: both keys, in order, with every field. */
	s = open_ok(path, cfg);
	memset(&acc, 0, sizeof acc);
	assert_int_equal(store_bus_keys(s, bus_key_cb, &acc), 2);
	assert_string_equal(acc.k[0].line, "rs485-1");
	assert_int_equal(acc.k[0].address, 103);
	assert_int_equal(acc.k[0].boot, 7);
	assert_int_equal(acc.k[0].seq, 3);
	assert_int_equal(acc.k[0].uptime, 50);
	assert_int_equal(acc.k[0].at, T0);
	assert_int_equal(acc.k[1].address, 201);
	assert_int_equal(acc.k[1].seq, 9);
	store_close(s);
	db_remove(path);
}

static void
test_meta(void **state)
{
	struct config *cfg = *state;
	char path[512], v[64], small[4];
	store *s;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	assert_int_equal(store_meta_get(s, "catalogue_version", v, sizeof v), 0);
	assert_string_equal(v, "");
	assert_int_equal(store_meta_set(s, "catalogue_version", "2025-03"), 0);
	assert_int_equal(store_meta_get(s, "catalogue_version", v, sizeof v), 1);
	assert_string_equal(v, "2025-03");
	assert_int_equal(store_meta_set(s, "catalogue_version", "Tháng ba"), 0);
	assert_int_equal(store_meta_get(s, "catalogue_version", v, sizeof v), 1);
	assert_string_equal(v, "Tháng ba");
	assert_int_equal(store_meta_get(s, "catalogue_version", small,
	    sizeof small), -1);
	assert_non_null(strstr(store_errmsg(s), "longer"));
	assert_int_equal(store_meta_get(s, "catalogue_version", v, 0), -1);
	assert_int_equal(store_meta_set(s, "k", NULL), -1);
	assert_int_equal(store_meta_set(s, "'; DROP TABLE meta; --", "x"), 0);
	assert_int_equal(store_meta_get(s, "'; DROP TABLE meta; --", v,
	    sizeof v), 1);
	assert_string_equal(v, "x");
	store_close(s);
	/* Kept across a reopen. */
	s = open_ok(path, cfg);
	assert_int_equal(store_meta_get(s, "catalogue_version", v, sizeof v), 1);
	assert_string_equal(v, "Tháng ba");
	store_close(s);
	db_remove(path);
}

struct audit_acc {
	int n;
	int64_t id[8];
	char action[8][32], who[8][64], before[8][128], after[8][128];
};

static void
audit_cb(const struct store_audit *a, void *arg)
{
	struct audit_acc *acc = arg;

	if (acc->n == 8)
		return;
	acc->id[acc->n] = a->id;
	snprintf(acc->action[acc->n], sizeof acc->action[0], "%s", a->action);
	snprintf(acc->who[acc->n], sizeof acc->who[0], "%s", a->who);
	snprintf(acc->before[acc->n], sizeof acc->before[0], "%s",
	    a->before != NULL ? a->before : "NULL");
	snprintf(acc->after[acc->n], sizeof acc->after[0], "%s",
	    a->after != NULL ? a->after : "NULL");
	acc->n++;
}

/*
 * The audit log: rows commit or roll back with their batch, filter by who,
 * action and time, come newest first, and can never be changed: the store
 * has no function for it and the table refuses UPDATE and DELETE from any
 * connection.
 */
static void
test_audit(void **state)
{
	struct config *cfg = *state;
	struct store_audit a = { .at = T0, .who = "admin", .role = "admin",
	    .client = "127.0.0.1", .action = "user.add", .target = "nv01",
	    .before = NULL, .after = "{\"name\":\"nv01\",\"full_name\":\"Nguyễn Văn A\"}" };
	struct store_audit_filter f;
	struct audit_acc acc;
	char path[512];
	store *s;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	memset(&acc, 0, sizeof acc);
	assert_int_equal(store_audit_list(s, NULL, audit_cb, &acc), 0);

	/* In a batch: committed with it, or gone with a rollback. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_audit_add(s, &a), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_begin(s), 0);
	a.action = "user.delete";
	assert_int_equal(store_audit_add(s, &a), 0);
	assert_int_equal(store_rollback(s), 0);
	memset(&acc, 0, sizeof acc);
	assert_int_equal(store_audit_list(s, NULL, audit_cb, &acc), 1);

	/* Outside a batch, its own transaction. */
	a.at = T0 + 100;
	a.who = "ql01";
	a.role = "manager";
	a.action = "day.close";
	a.target = "";
	a.before = "{\"waiting\":3}";
	a.after = "{\"cancelled\":3}";
	assert_int_equal(store_audit_add(s, &a), 0);

	/* Bad rows are refused: no who, no action, JSON that is not JSON,
	   text that is not UTF-8. */
	a.after = "{not json";
	assert_int_equal(store_audit_add(s, &a), -1);
	a.after = NULL;
	a.who = "";
	assert_int_equal(store_audit_add(s, &a), -1);
	assert_int_equal(store_errcode(s), STORE_EINVAL);
	a.who = "ql01";
	a.action = NULL;
	assert_int_equal(store_audit_add(s, &a), -1);
	a.action = "day.close";
	a.target = "\xff\xfe";
	assert_int_equal(store_audit_add(s, &a), -1);
	assert_int_equal(store_errcode(s), STORE_EINVAL);

	/* Newest first, every field back. */
	memset(&acc, 0, sizeof acc);
	assert_int_equal(store_audit_list(s, NULL, audit_cb, &acc), 2);
	assert_string_equal(acc.action[0], "day.close");
	assert_string_equal(acc.who[0], "ql01");
	assert_string_equal(acc.before[0], "{\"waiting\":3}");
	assert_string_equal(acc.after[0], "{\"cancelled\":3}");
	assert_string_equal(acc.action[1], "user.add");
	assert_string_equal(acc.before[1], "NULL");
	assert_string_equal(acc.after[1], "{\"name\":\"nv01\",\"full_name\":\"Nguyễn Văn A\"}");
	assert_true(acc.id[0] > acc.id[1]);

	/* Filters: who, action, time range [from, to), limit; values are bound,
	   never SQL. */
	memset(&f, 0, sizeof f);
	f.who = "admin";
	memset(&acc, 0, sizeof acc);
	assert_int_equal(store_audit_list(s, &f, audit_cb, &acc), 1);
	assert_string_equal(acc.action[0], "user.add");
	f.who = NULL;
	f.action = "day.close";
	memset(&acc, 0, sizeof acc);
	assert_int_equal(store_audit_list(s, &f, audit_cb, &acc), 1);
	f.action = "' OR 1=1 --";
	assert_int_equal(store_audit_list(s, &f, audit_cb, &acc), 0);
	f.action = NULL;
	f.from = T0 + 1;
	memset(&acc, 0, sizeof acc);
	assert_int_equal(store_audit_list(s, &f, audit_cb, &acc), 1);
	assert_string_equal(acc.action[0], "day.close");
	f.from = T0;
	f.to = T0 + 100;
	memset(&acc, 0, sizeof acc);
	assert_int_equal(store_audit_list(s, &f, audit_cb, &acc), 1);
	assert_string_equal(acc.action[0], "user.add");
	f.to = 0;
	f.limit = 1;
	memset(&acc, 0, sizeof acc);
	assert_int_equal(store_audit_list(s, &f, audit_cb, &acc), 1);
	assert_string_equal(acc.action[0], "day.close");
	store_close(s);

	/* No other connection can change or delete a row either. */
	{
		sqlite3 *db;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET who = 'x'",
		    NULL, NULL, NULL), SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit",
		    NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	assert_int_equal(sql_int(path, "SELECT count(*) FROM audit"), 2);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM audit WHERE who = 'x'"), 0);
	db_remove(path);
}

/* The caller's mistakes are told apart from the store failing. */
static void
test_error_codes(void **state)
{
	struct config *cfg = *state;
	struct store_user u;
	char path[512], longname[STORE_NAME_LEN + 1];
	store *s;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	memset(&u, 0, sizeof u);
	u.role = STORE_ROLE_STAFF;
	snprintf(u.name, sizeof u.name, "%s", "a{b}");
	assert_int_equal(store_user_add(s, &u, "password-1"), -1);
	assert_int_equal(store_errcode(s), STORE_EINVAL);
	snprintf(u.name, sizeof u.name, "%s", "\xc3\xa9");       /* é */
	assert_int_equal(store_user_add(s, &u, "password-1"), -1);
	assert_int_equal(store_errcode(s), STORE_EINVAL);
	snprintf(u.name, sizeof u.name, "%s", "bad name!");
	assert_int_equal(store_user_add(s, &u, "password-1"), -1);
	assert_int_equal(store_errcode(s), STORE_EINVAL);
	assert_false(store_user_name_valid("bad name!"));
	assert_false(store_user_name_valid(""));
	assert_false(store_user_name_valid(NULL));
	memset(longname, 'a', sizeof longname);
	longname[STORE_NAME_LEN] = '\0';                  /* 64 bytes */
	assert_false(store_user_name_valid(longname));
	longname[STORE_NAME_LEN - 1] = '\0';              /* 63 bytes */
	assert_true(store_user_name_valid(longname));
	assert_true(store_user_name_valid("kiosk-1.tang_2@x"));
	/* A full name cut inside a character is refused, never stored. */
	snprintf(u.name, sizeof u.name, "%s", "nv01");
	snprintf(u.full_name, sizeof u.full_name, "%s", "Nguy\xe1\xbb");
	assert_int_equal(store_user_add(s, &u, "password-1"), -1);
	assert_int_equal(store_errcode(s), STORE_EINVAL);
	snprintf(u.full_name, sizeof u.full_name, "%s", "Nguyễn Văn An");
	assert_int_equal(store_user_add(s, &u, "password-1"), 0);
	assert_int_equal(store_user_add(s, &u, "password-1"), -1);
	assert_int_equal(store_errcode(s), STORE_EEXIST);
	assert_int_equal(store_user_delete(s, "nobody"), -1);
	assert_int_equal(store_errcode(s), STORE_ENOENT);
	assert_int_equal(store_user_set_password(s, "nobody", "password-2", NULL), -1);
	assert_int_equal(store_errcode(s), STORE_ENOENT);
	snprintf(u.name, sizeof u.name, "%s", "nobody");
	assert_int_equal(store_user_update(s, &u), -1);
	assert_int_equal(store_errcode(s), STORE_ENOENT);
	assert_int_equal(store_user_delete(s, "nv01"), 0);
	store_close(s);
	db_remove(path);
}

/*
 * The database file deleted (its directory removed) or replaced while
 * open: every later write is refused with STORE_ELOST, also a batch that
 * was open when it happened, and it stays refused.
 */
static void
test_lost_file(void **state)
{
	struct config *cfg = *state;
	char path[512], other[540];
	engine *e;
	store *s;

	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	e = engine_new(cfg);
	assert_int_equal(store_verify(s), 0);
	assert_int_equal(store_begin(s), 0);
	issue(e, s, T0, 0, -1, 0, ENGINE_CH_KIOSK, 0, "l1");
	assert_int_equal(store_commit(s), 0);
	/* Deleted between begin and commit: the commit is refused. */
	assert_int_equal(store_begin(s), 0);
	issue(e, s, T0 + 1, 0, -1, 0, ENGINE_CH_KIOSK, 0, "l2");
	db_remove(path);
	assert_int_equal(store_commit(s), -1);
	assert_int_equal(store_errcode(s), STORE_ELOST);
	assert_non_null(strstr(store_errmsg(s), "deleted or replaced"));
	assert_true(store_lost(s));
	assert_int_equal(store_begin(s), -1);
	assert_int_equal(store_errcode(s), STORE_ELOST);
	assert_int_equal(store_meta_set(s, "k", "v"), -1);
	assert_int_equal(store_errcode(s), STORE_ELOST);
	assert_int_equal(store_verify(s), -1);
	engine_free(e);
	store_close(s);

	/* Replaced by another file at the same path: refused too, and stays
	 * refused once it is back. */
	db_path(path, sizeof path);
	s = open_ok(path, cfg);
	snprintf(other, sizeof other, "%s.moved", path);
	assert_int_equal(rename(path, other), 0);
	sql_exec(path, "CREATE TABLE x(y)");
	assert_int_equal(store_begin(s), -1);
	assert_int_equal(store_errcode(s), STORE_ELOST);
	assert_non_null(strstr(store_errmsg(s), "another file"));
	assert_int_equal(rename(other, path), 0);
	assert_int_equal(store_begin(s), -1);
	store_close(s);
	db_remove(path);
	db_remove(other);
}

/* A path the daemon cannot use is refused before anything is opened. */
static void
test_check_path(void **state)
{
	struct config *cfg = *state;
	char err[512], path[600];

	assert_int_equal(store_check_path(tmpdir, err, sizeof err), -1);
	assert_non_null(strstr(err, "is a directory"));
	assert_null(store_open(tmpdir, cfg, err, sizeof err));
	assert_non_null(strstr(err, "is a directory"));
	snprintf(path, sizeof path, "%s/no/such/dir/x.db", tmpdir);
	assert_int_equal(store_check_path(path, err, sizeof err), -1);
	assert_non_null(strstr(err, "No such file"));
	assert_int_equal(store_check_path("/dev/null", err, sizeof err), -1);
	assert_non_null(strstr(err, "not a regular file"));
	snprintf(path, sizeof path, "%s/new.db", tmpdir);
	assert_int_equal(store_check_path(path, err, sizeof err), 0);
	assert_int_equal(store_check_path(":memory:", err, sizeof err), 0);
}

/* ---- main ---------------------------------------------------------------- */

static int
group_setup(void **state)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof tmpdir, "%s/test_store.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	*state = cfg_new();
	return 0;
}

static int
group_teardown(void **state)
{
	cfg_delete(*state);
	store_test_set_migrations(NULL, 0);
	return rmdir(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_schema),
		cmocka_unit_test(test_migrations),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_codes_not_indexes),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_events_after),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_sessions_end),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_bus_keys),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_lost_file),
		cmocka_unit_test(test_check_path),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
