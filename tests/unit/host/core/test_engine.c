/*
 * test_engine.c - unit tests of the queue engine (host/core/engine.c): every
 * command's happy path and refusals, the routing rules one by one, numbering
 * and day rollover, restore equivalence, and a seeded random command sequence
 * checking invariants after every step; the estimator's fast path against
 * the play-out it replaced (estimate_ref.c), reading the engine's private
 * state.  Configs are built by hand here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "common/vntext.h"
#include "core/config.h"
#include "core/engine.h"
#include "core/engine_private.h"

/* The estimator before the fast path: what it must still compute. */
#include "estimate_ref.c"

/* Queues, counters and procedures of the test centre. */
enum { QA, QB, QC, QD, NQ };
enum { C1, C2, C3, C4, NC };

static struct config cfg;
static struct config_procedure procs[2];
static struct engine_result R;
static int code_seq;

/* Fill cfg with the test centre and the default policy. */
static void
cfg_init(void)
{
	memset(&cfg, 0, sizeof cfg);
	memset(procs, 0, sizeof procs);
	cfg.day_start_hour = 5;
	cfg.ndepartments = 1;
	cfg.departments[0].code = (char *)"TP";
	cfg.departments[0].name = (char *)"Sở Tư pháp";
	cfg.nqueues = NQ;
	/* QA 1001..1999, target 15 min, 5 min service. */
	cfg.queues[QA] = (struct config_queue){ .code = (char *)"A",
	    .name = (char *)"Hộ tịch", .department = 0, .number_first = 1001,
	    .number_last = 1999, .target_wait_min = 15, .service_min = 5,
	    .transfer_keeps_place = -1, .sms_near_ahead = -1,
	    .booking_capacity = 0, .remote_cap = 0 };
	cfg.queues[QB] = (struct config_queue){ .code = (char *)"B",
	    .name = (char *)"Chứng thực", .department = 0, .number_first = 2001,
	    .number_last = 2999, .target_wait_min = 30, .service_min = 10,
	    .transfer_keeps_place = -1, .sms_near_ahead = -1,
	    .booking_capacity = 0, .remote_cap = 0 };
	cfg.queues[QC] = (struct config_queue){ .code = (char *)"C",
	    .name = (char *)"Nhỏ", .department = 0, .number_first = 3001,
	    .number_last = 3003, .target_wait_min = 15, .service_min = 5,
	    .transfer_keeps_place = -1, .sms_near_ahead = -1,
	    .booking_capacity = 0, .remote_cap = 0 };
	cfg.queues[QD] = (struct config_queue){ .code = (char *)"D",
	    .name = (char *)"Giữ chỗ", .department = 0, .number_first = 4001,
	    .number_last = 4999, .target_wait_min = 20, .service_min = 5,
	    .transfer_keeps_place = 1, .sms_near_ahead = -1,
	    .booking_capacity = 0, .remote_cap = 0 };
	cfg.ncounters = NC;
	/* C1: A primary, B backup.  C2: B primary.  C3: A and C primary.
	 * C4: D primary. */
	cfg.counters[C1] = (struct config_counter){ .number = 1,
	    .name = (char *)"Quầy 1", .nserves = 2,
	    .serves = { { QA, CONFIG_PRIMARY }, { QB, CONFIG_BACKUP } } };
	cfg.counters[C2] = (struct config_counter){ .number = 2,
	    .name = (char *)"Quầy 2", .nserves = 1,
	    .serves = { { QB, CONFIG_PRIMARY } } };
	cfg.counters[C3] = (struct config_counter){ .number = 3,
	    .name = (char *)"Quầy 3", .nserves = 2,
	    .serves = { { QA, CONFIG_PRIMARY }, { QC, CONFIG_PRIMARY } } };
	cfg.counters[C4] = (struct config_counter){ .number = 4,
	    .name = (char *)"Quầy 4", .nserves = 1,
	    .serves = { { QD, CONFIG_PRIMARY } } };
	cfg.npriority = 2;
	cfg.priority[1].code = (char *)"elderly";
	cfg.priority[2].code = (char *)"disabled";
	cfg.nkiosks = 1;
	cfg.kiosks[0].id = (char *)"kiosk-1";
	procs[0].code = (char *)"1.0001";
	procs[0].queue = QA;
	procs[0].target_wait_min = 5;
	procs[1].code = (char *)"1.0002";
	procs[1].queue = QB;
	procs[1].target_wait_min = 0;
	cfg.nprocedures = 2;
	cfg.procedures = procs;
	cfg.policy.priority_interleave = 2;
	cfg.policy.priority_max_consecutive = 1;
	cfg.policy.target_override = 0;
	cfg.policy.backup_past_target = 0;
	cfg.policy.recall_limit = 2;
	cfg.policy.transfer_keeps_place = 0;
	cfg.policy.rating_window_s = 60;
	cfg.policy.daily_reset = 1;
}

/* Set cfg's opening hours from "HH:MM-HH:MM ..." (well-formed). */
static void
set_hours(const char *s)
{
	int n = 0, h1, m1, h2, m2, used;

	while (n < CONFIG_MAX_OPEN_HOURS &&
	    sscanf(s, " %d:%d-%d:%d%n", &h1, &m1, &h2, &m2, &used) == 4) {
		cfg.policy.open_from_s[n] = h1 * 3600 + m1 * 60;
		cfg.policy.open_to_s[n] = h2 * 3600 + m2 * 60;
		n++;
		s += used;
	}
	cfg.policy.nopen_hours = n;
}

/* Unix time of local day 2026-03-(2+dayoff) at hh:mm (TZ Asia/Ho_Chi_Minh). */
static int64_t
at(int dayoff, int hh, int mm)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 2;
	tm.tm_mday = 2 + dayoff;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

#define T0 at(0, 8, 0)

/* A command of type at time now for counter c, other fields neutral. */
static struct engine_cmd
mk(enum engine_cmd_type type, int64_t now, int c)
{
	struct engine_cmd cmd;

	memset(&cmd, 0, sizeof cmd);
	cmd.type = type;
	cmd.now = now;
	cmd.counter = c;
	cmd.queue = -1;
	cmd.procedure = -1;
	cmd.kiosk = -1;
	cmd.to_queue = -1;
	cmd.to_counter = -1;
	cmd.keep_place = -1;
	cmd.channel = ENGINE_CH_KIOSK;
	return cmd;
}

static int passes;      /* calls where rule 3a passed a queue over */
static long positions_checked;  /* cached vs one-ticket positions compared */

/* Run cmd; on refusal check that the result is empty. */
static int
run(engine *e, const struct engine_cmd *cmd)
{
	int64_t before = engine_last_event_id(e);
	int rc = engine_exec(e, cmd, &R);

	if (rc != 0) {
		assert_int_equal(R.nevents, 0);
		assert_int_equal(R.ntickets, 0);
		assert_int_equal(R.ncounters, 0);
		assert_int_equal(R.nqueues, 0);
		assert_true(engine_last_event_id(e) == before);
	} else {
		int i;

		assert_true(R.nevents >= 1);
		for (i = 0; i < R.nevents; i++)
			assert_true(R.events[i].id == before + 1 + i);
		passes += R.passed_queue >= 0;
	}
	return rc;
}

/* Issue a ticket in queue q with priority; returns its id or -error. */
static int64_t
issue(engine *e, int q, int prio, int64_t now)
{
	struct engine_cmd cmd = mk(ENGINE_ISSUE, now, -1);
	int rc;

	cmd.queue = q;
	cmd.priority = prio;
	snprintf(cmd.code, sizeof cmd.code, "c%d", ++code_seq % 1000000);
	rc = run(e, &cmd);
	return rc < 0 ? rc : R.ticket;
}

/* Run a counter command; returns rc. */
static int
at_counter(engine *e, enum engine_cmd_type type, int c, int64_t now)
{
	struct engine_cmd cmd = mk(type, now, c);

	return run(e, &cmd);
}

/* Call next at c; returns the called ticket id or -error. */
static int64_t
call_next(engine *e, int c, int64_t now)
{
	int rc = at_counter(e, ENGINE_CALL_NEXT, c, now);

	return rc < 0 ? rc : R.ticket;
}

/* Call next at c and finish at once; returns the ticket id or -error. */
static int64_t
serve(engine *e, int c, int64_t now)
{
	int64_t id = call_next(e, c, now);

	if (id > 0)
		assert_int_equal(at_counter(e, ENGINE_FINISH, c, now + 1), 0);
	return id;
}

static const struct engine_ticket *
tkt(engine *e, int64_t id)
{
	const struct engine_ticket *t = engine_ticket_by_id(e, id);

	assert_non_null(t);
	return t;
}

/* Whether the last result has an event of type for ticket (0 = any). */
static int
has_event(enum engine_event_type type, int64_t ticket)
{
	int i;

	for (i = 0; i < R.nevents; i++)
		if (R.events[i].type == type &&
		    (ticket == 0 || R.events[i].ticket == ticket))
			return 1;
	return 0;
}

/* A fresh engine on a fresh default config. */
static engine *
fresh(void)
{
	cfg_init();
	code_seq = 0;
	return engine_new(&cfg);
}

/* Open counter c at now. */
static void
open_counter(engine *e, int c, int64_t now)
{
	assert_int_equal(at_counter(e, ENGINE_COUNTER_OPEN, c, now), 0);
}

/* ---- issue and numbering ---------------------------------------------- */

static void
test_issue(void **state)
{
	engine *e = fresh();
	struct engine_cmd cmd;
	const struct engine_ticket *t;
	int64_t a, b, c;
	int ahead, est;

	(void)state;
	a = issue(e, QA, 0, T0);
	assert_int_equal(a, 1);
	t = tkt(e, a);
	assert_int_equal(t->number, 1001);
	assert_int_equal(t->state, ENGINE_T_WAITING);
	assert_int_equal(t->ahead, 0);
	assert_int_equal(t->est_wait_s, 0);
	assert_string_equal(t->day, "2026-03-02");
	assert_string_equal(engine_day(e), "2026-03-02");
	assert_int_equal(R.nevents, 1);
	assert_int_equal(R.events[0].type, ENGINE_EV_ISSUED);
	assert_int_equal(R.ntickets, 1);
	assert_int_equal(R.nqueues, 1);
	assert_int_equal(R.queues[0]->next_number, 1002);
	assert_ptr_equal(engine_ticket_by_code(e, "c1"), t);

	/* No counter open: one assumed; 5 min service. */
	b = issue(e, QA, 0, T0 + 10);
	assert_int_equal(tkt(e, b)->ahead, 1);
	assert_int_equal(tkt(e, b)->est_wait_s, 300);
	/* Two primary counters and no backup: half the wait per person. */
	open_counter(e, C1, T0 + 11);
	open_counter(e, C3, T0 + 12);
	c = issue(e, QA, 0, T0 + 20);
	assert_int_equal(tkt(e, c)->ahead, 2);
	assert_int_equal(tkt(e, c)->est_wait_s, 300);
	assert_int_equal(engine_position(e, c, &ahead, &est), 0);
	assert_int_equal(ahead, 2);
	assert_int_equal(engine_waiting_count(e, QA), 3);
	/* Backup counts half: QB served by C1 as backup only. */
	b = issue(e, QB, 0, T0 + 21);
	b = issue(e, QB, 0, T0 + 22);
	assert_int_equal(tkt(e, b)->est_wait_s, 1200);  /* 600 / 0.5 */

	/* By procedure: the procedure's queue. */
	cmd = mk(ENGINE_ISSUE, T0 + 30, -1);
	cmd.procedure = 1;
	snprintf(cmd.code, sizeof cmd.code, "proc1");
	assert_int_equal(run(e, &cmd), 0);
	assert_int_equal(tkt(e, R.ticket)->queue, QB);
	assert_int_equal(tkt(e, R.ticket)->procedure, 1);

	/* Refusals. */
	cmd = mk(ENGINE_ISSUE, T0 + 40, -1);
	snprintf(cmd.code, sizeof cmd.code, "x1");
	assert_int_equal(run(e, &cmd), -ENGINE_ENOQUEUE);   /* no queue */
	cmd.queue = NQ;
	assert_int_equal(run(e, &cmd), -ENGINE_ENOQUEUE);
	cmd.queue = QA;
	cmd.priority = 3;
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);
	cmd.priority = 0;
	cmd.channel = 0;
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);
	cmd.channel = ENGINE_CH_ONLINE;
	cmd.kiosk = 1;
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);
	cmd.kiosk = 0;
	snprintf(cmd.code, sizeof cmd.code, "ABC");
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);
	cmd.code[0] = '\0';
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);
	snprintf(cmd.code, sizeof cmd.code, "c1");
	assert_int_equal(run(e, &cmd), -ENGINE_EDUPCODE);
	cmd.now = 0;
	snprintf(cmd.code, sizeof cmd.code, "new");
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);
	/* Nothing moved: the next number follows. */
	cmd.now = T0 + 50;
	assert_int_equal(run(e, &cmd), 0);
	assert_int_equal(tkt(e, R.ticket)->number, 1004);
	assert_int_equal(tkt(e, R.ticket)->channel, ENGINE_CH_ONLINE);
	engine_free(e);
}

static void
test_numbering_exhausted(void **state)
{
	engine *e = fresh();
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_int_equal(tkt(e, issue(e, QC, 0, T0 + i))->number, 3001 + i);
	assert_int_equal(issue(e, QC, 0, T0 + 5), -ENGINE_EEXHAUSTED);
	/* Serving does not give numbers back. */
	open_counter(e, C3, T0 + 6);
	assert_true(serve(e, C3, T0 + 7) > 0);
	assert_int_equal(issue(e, QC, 0, T0 + 9), -ENGINE_EEXHAUSTED);
	/* Other queues are not affected. */
	assert_true(issue(e, QA, 0, T0 + 10) > 0);
	/* The next day the range starts again. */
	assert_int_equal(tkt(e, issue(e, QC, 0, at(1, 7, 0)))->number, 3001);
	engine_free(e);
}

static void
test_numbering_continuous(void **state)
{
	engine *e = fresh();
	int64_t id;

	(void)state;
	cfg.policy.daily_reset = 0;
	assert_int_equal(tkt(e, issue(e, QC, 0, T0))->number, 3001);
	assert_int_equal(tkt(e, issue(e, QC, 0, T0 + 1))->number, 3002);
	/* Next day: numbering goes on, then wraps, never reusing today's. */
	assert_int_equal(tkt(e, issue(e, QC, 0, at(1, 8, 0)))->number, 3003);
	assert_int_equal(tkt(e, issue(e, QC, 0, at(1, 8, 1)))->number, 3001);
	assert_int_equal(tkt(e, issue(e, QC, 0, at(1, 8, 2)))->number, 3002);
	assert_int_equal(issue(e, QC, 0, at(1, 8, 3)), -ENGINE_EEXHAUSTED);
	/* An explicit day close does not make today's numbers reusable. */
	cfg.policy.daily_reset = 1;
	id = issue(e, QA, 0, at(1, 9, 0));
	assert_int_equal(tkt(e, id)->number, 1001);
	assert_int_equal(at_counter(e, ENGINE_DAY_CLOSE, -1, at(1, 17, 0)), 0);
	assert_int_equal(engine_queue(e, QA)->next_number, 1001);
	assert_int_equal(tkt(e, issue(e, QA, 0, at(1, 17, 30)))->number, 1002);
	engine_free(e);
}

/* ---- counter commands ------------------------------------------------- */

static void
test_call_start_finish(void **state)
{
	engine *e = fresh();
	int64_t a, b;
	const struct engine_ticket *t;
	const struct engine_counter *c;

	(void)state;
	a = issue(e, QA, 0, T0);
	b = issue(e, QA, 0, T0 + 1);
	assert_int_equal(call_next(e, C1, T0 + 2), -ENGINE_ECLOSED);
	open_counter(e, C1, T0 + 3);
	assert_int_equal(call_next(e, C2, T0 + 3), -ENGINE_ECLOSED);
	assert_int_equal(at_counter(e, ENGINE_START, C1, T0 + 4), -ENGINE_EIDLE);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C1, T0 + 4), -ENGINE_EIDLE);
	assert_int_equal(at_counter(e, ENGINE_RECALL, C1, T0 + 4), -ENGINE_EIDLE);

	assert_int_equal(call_next(e, C1, T0 + 100), a);
	assert_true(has_event(ENGINE_EV_CALLED, a));
	assert_int_equal(R.ncounters, 1);
	assert_int_equal(R.nqueues, 1);
	assert_int_equal(R.queues[0]->normal_run, 1);
	t = tkt(e, a);
	assert_int_equal(t->state, ENGINE_T_CALLED);
	assert_int_equal(t->counter, C1);
	assert_int_equal(t->calls, 1);
	assert_true(t->called_at == T0 + 100);
	c = engine_counter(e, C1);
	assert_true(c->ticket == a);
	assert_int_equal(call_next(e, C1, T0 + 101), -ENGINE_EBUSY);
	assert_int_equal(at_counter(e, ENGINE_COUNTER_PAUSE, C1, T0 + 101),
	    -ENGINE_EBUSY);
	assert_int_equal(at_counter(e, ENGINE_COUNTER_CLOSE, C1, T0 + 101),
	    -ENGINE_EBUSY);

	assert_int_equal(at_counter(e, ENGINE_START, C1, T0 + 110), 0);
	assert_int_equal(t->state, ENGINE_T_SERVING);
	assert_int_equal(at_counter(e, ENGINE_START, C1, T0 + 111), -ENGINE_ESTATE);
	assert_int_equal(at_counter(e, ENGINE_RECALL, C1, T0 + 111), -ENGINE_ESTATE);
	assert_int_equal(at_counter(e, ENGINE_NO_SHOW, C1, T0 + 111), -ENGINE_ESTATE);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C1, T0 + 210), 0);
	assert_int_equal(t->state, ENGINE_T_DONE);
	assert_true(t->finished_at == T0 + 210);
	assert_true(c->ticket == 0);
	assert_true(c->last_ticket == a);
	assert_true(c->last_finished_at == T0 + 210);
	assert_int_equal(R.events[0].value, 100);
	/* 0.2 * 100 + 0.8 * 300 */
	assert_true(engine_queue(e, QA)->service_ewma_s > 259.9 &&
	    engine_queue(e, QA)->service_ewma_s < 260.1);

	/* Finish without start: from the call. */
	assert_int_equal(call_next(e, C1, T0 + 300), b);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C1, T0 + 350), 0);
	assert_int_equal(R.events[0].value, 50);
	assert_int_equal(call_next(e, C1, T0 + 400), -ENGINE_EEMPTY);
	assert_int_equal(at_counter(e, 99, C1, T0 + 400), -ENGINE_EINVAL);
	assert_int_equal(at_counter(e, ENGINE_CALL_NEXT, NC, T0 + 400),
	    -ENGINE_ENOCOUNTER);
	assert_int_equal(at_counter(e, ENGINE_CALL_NEXT, -1, T0 + 400),
	    -ENGINE_ENOCOUNTER);
	engine_free(e);
}

static void
test_no_show_and_recall_limit(void **state)
{
	engine *e = fresh();
	int64_t a, b;

	(void)state;
	a = issue(e, QA, 0, T0);
	b = issue(e, QA, 0, T0 + 1);
	open_counter(e, C1, T0 + 2);
	assert_int_equal(call_next(e, C1, T0 + 3), a);
	assert_int_equal(at_counter(e, ENGINE_RECALL, C1, T0 + 60), 0);
	assert_true(has_event(ENGINE_EV_RECALLED, a));
	assert_int_equal(R.events[0].value, 2);
	assert_true(tkt(e, a)->called_at == T0 + 60);
	assert_int_equal(at_counter(e, ENGINE_RECALL, C1, T0 + 120), 0);
	assert_int_equal(R.events[0].value, 3);
	assert_int_equal(tkt(e, a)->calls, 3);
	/* recall_limit 2: a third recall makes it a no-show. */
	assert_int_equal(at_counter(e, ENGINE_RECALL, C1, T0 + 180), 0);
	assert_true(has_event(ENGINE_EV_NO_SHOW, a));
	assert_false(has_event(ENGINE_EV_RECALLED, 0));
	assert_int_equal(tkt(e, a)->state, ENGINE_T_NO_SHOW);
	assert_true(engine_counter(e, C1)->ticket == 0);

	assert_int_equal(call_next(e, C1, T0 + 200), b);
	assert_int_equal(at_counter(e, ENGINE_NO_SHOW, C1, T0 + 260), 0);
	assert_int_equal(tkt(e, b)->state, ENGINE_T_NO_SHOW);
	assert_true(tkt(e, b)->finished_at == T0 + 260);
	assert_int_equal(at_counter(e, ENGINE_NO_SHOW, C1, T0 + 261), -ENGINE_EIDLE);

	/* recall_limit 0: the first recall is the no-show. */
	cfg.policy.recall_limit = 0;
	a = issue(e, QA, 0, T0 + 300);
	assert_int_equal(call_next(e, C1, T0 + 301), a);
	assert_int_equal(at_counter(e, ENGINE_RECALL, C1, T0 + 302), 0);
	assert_int_equal(tkt(e, a)->state, ENGINE_T_NO_SHOW);
	engine_free(e);
}

static void
test_call_specific(void **state)
{
	engine *e = fresh();
	struct engine_cmd cmd;
	int64_t a, b, c;

	(void)state;
	a = issue(e, QA, 0, T0);
	b = issue(e, QA, 0, T0 + 1);
	c = issue(e, QB, 0, T0 + 2);
	open_counter(e, C3, T0 + 3);
	cmd = mk(ENGINE_CALL_SPECIFIC, T0 + 4, C3);
	cmd.number = tkt(e, c)->number;
	assert_int_equal(run(e, &cmd), -ENGINE_ENOTSERVED);
	cmd.number = 1500;
	assert_int_equal(run(e, &cmd), -ENGINE_ENOTICKET);
	cmd.number = 0;
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);
	cmd.number = tkt(e, b)->number;
	assert_int_equal(run(e, &cmd), 0);
	assert_int_equal(R.ticket, b);
	assert_int_equal(tkt(e, b)->state, ENGINE_T_CALLED);
	assert_int_equal(run(e, &cmd), -ENGINE_EBUSY);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C3, T0 + 5), 0);
	/* Already done. */
	assert_int_equal(run(e, &cmd), -ENGINE_ENOTICKET);
	assert_int_equal(call_next(e, C3, T0 + 6), a);
	/* A backup queue is served too. */
	assert_int_equal(at_counter(e, ENGINE_FINISH, C3, T0 + 7), 0);
	open_counter(e, C1, T0 + 8);
	cmd = mk(ENGINE_CALL_SPECIFIC, T0 + 9, C1);
	cmd.number = tkt(e, c)->number;
	assert_int_equal(run(e, &cmd), 0);
	assert_int_equal(R.ticket, c);
	engine_free(e);
}

static void
test_counter_states(void **state)
{
	engine *e = fresh();
	struct engine_cmd cmd;
	const struct engine_counter *c = engine_counter(e, C1);

	(void)state;
	assert_int_equal(c->state, ENGINE_C_CLOSED);
	assert_int_equal(at_counter(e, ENGINE_COUNTER_PAUSE, C1, T0), -ENGINE_ECLOSED);
	assert_int_equal(at_counter(e, ENGINE_COUNTER_CLOSE, C1, T0), -ENGINE_ECLOSED);
	cmd = mk(ENGINE_COUNTER_OPEN, T0 + 1, C1);
	cmd.staff = 7;
	assert_int_equal(run(e, &cmd), 0);
	assert_true(has_event(ENGINE_EV_COUNTER_OPENED, 0));
	assert_int_equal(c->state, ENGINE_C_OPEN);
	assert_int_equal(c->staff, 7);
	assert_true(c->since == T0 + 1);
	cmd = mk(ENGINE_COUNTER_PAUSE, T0 + 2, C1);
	snprintf(cmd.reason, sizeof cmd.reason, "Nghỉ trưa");
	assert_int_equal(run(e, &cmd), 0);
	assert_int_equal(c->state, ENGINE_C_PAUSED);
	assert_string_equal(c->reason, "Nghỉ trưa");
	assert_string_equal(R.events[0].reason, "Nghỉ trưa");
	issue(e, QA, 0, T0 + 3);
	assert_int_equal(call_next(e, C1, T0 + 4), -ENGINE_ECLOSED);
	open_counter(e, C1, T0 + 5);
	assert_string_equal(c->reason, "");
	assert_true(call_next(e, C1, T0 + 6) > 0);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C1, T0 + 7), 0);
	assert_int_equal(at_counter(e, ENGINE_COUNTER_CLOSE, C1, T0 + 8), 0);
	assert_int_equal(c->state, ENGINE_C_CLOSED);
	assert_true(has_event(ENGINE_EV_COUNTER_CLOSED, 0));
	/* Unterminated reason. */
	cmd = mk(ENGINE_COUNTER_OPEN, T0 + 9, C1);
	memset(cmd.reason, 'x', sizeof cmd.reason);
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);
	engine_free(e);
}

static void
test_cancel(void **state)
{
	engine *e = fresh();
	struct engine_cmd cmd;
	int64_t a, b, c;

	(void)state;
	a = issue(e, QA, 0, T0);
	b = issue(e, QA, 0, T0 + 1);
	c = issue(e, QA, 0, T0 + 2);
	cmd = mk(ENGINE_CANCEL, T0 + 10, -1);
	cmd.ticket = b;
	snprintf(cmd.reason, sizeof cmd.reason, "Công dân bỏ về");
	assert_int_equal(run(e, &cmd), 0);
	assert_int_equal(tkt(e, b)->state, ENGINE_T_CANCELLED);
	assert_string_equal(R.events[0].reason, "Công dân bỏ về");
	assert_int_equal(engine_waiting_count(e, QA), 2);
	assert_int_equal(run(e, &cmd), -ENGINE_ESTATE);
	cmd.ticket = 999;
	assert_int_equal(run(e, &cmd), -ENGINE_ENOTICKET);
	open_counter(e, C1, T0 + 11);
	assert_int_equal(call_next(e, C1, T0 + 12), a);
	cmd.ticket = a;
	assert_int_equal(run(e, &cmd), -ENGINE_ESTATE);
	/* A parked ticket can be cancelled. */
	assert_int_equal(at_counter(e, ENGINE_PARK, C1, T0 + 13), 0);
	assert_int_equal(run(e, &cmd), 0);
	assert_int_equal(tkt(e, a)->state, ENGINE_T_CANCELLED);
	assert_int_equal(call_next(e, C1, T0 + 14), c);
	engine_free(e);
}

/* ---- rating ----------------------------------------------------------- */

static int
rate(engine *e, int c, int value, int64_t now)
{
	struct engine_cmd cmd = mk(ENGINE_RATE, now, c);

	cmd.value = value;
	return run(e, &cmd);
}

static void
test_rating(void **state)
{
	engine *e = fresh();
	int64_t a, b, c;

	(void)state;
	a = issue(e, QA, 0, T0);
	b = issue(e, QA, 0, T0 + 1);
	c = issue(e, QA, 0, T0 + 2);
	open_counter(e, C1, T0 + 3);
	assert_int_equal(rate(e, C1, 0, T0 + 4), -ENGINE_EINVAL);
	assert_int_equal(rate(e, C1, 5, T0 + 4), -ENGINE_EINVAL);
	/* Nothing finished yet: recorded unattached. */
	assert_int_equal(rate(e, C1, 2, T0 + 4), 0);
	assert_int_equal(R.events[0].type, ENGINE_EV_RATED);
	assert_true(R.events[0].ticket == 0);
	assert_int_equal(R.ntickets, 0);

	assert_int_equal(serve(e, C1, T0 + 10), a);   /* finished at T0 + 11 */
	assert_int_equal(rate(e, C1, 1, T0 + 11 + 60), 0);
	assert_true(R.events[0].ticket == a);
	assert_int_equal(R.events[0].value, 1);
	assert_int_equal(R.ntickets, 1);
	assert_int_equal(tkt(e, a)->rating, 1);
	/* A second press does not overwrite. */
	assert_int_equal(rate(e, C1, 4, T0 + 75), 0);
	assert_true(R.events[0].ticket == 0);
	assert_int_equal(tkt(e, a)->rating, 1);

	/* Too late. */
	assert_int_equal(serve(e, C1, T0 + 100), b);  /* finished at T0 + 101 */
	assert_int_equal(rate(e, C1, 3, T0 + 101 + 61), 0);
	assert_true(R.events[0].ticket == 0);
	assert_int_equal(tkt(e, b)->rating, 0);

	/* The counter called someone else since: never the wrong ticket. */
	a = issue(e, QA, 0, T0 + 200);
	assert_int_equal(call_next(e, C1, T0 + 300), c);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C1, T0 + 301), 0);
	assert_int_equal(call_next(e, C1, T0 + 302), a);
	assert_int_equal(rate(e, C1, 2, T0 + 303), 0);
	assert_true(R.events[0].ticket == 0);
	assert_int_equal(tkt(e, c)->rating, 0);
	assert_int_equal(tkt(e, a)->rating, 0);
	/* Another counter's rating is its own business. */
	assert_int_equal(rate(e, C2, 2, T0 + 304), 0);
	assert_true(R.events[0].ticket == 0);
	engine_free(e);
}

/* ---- routing ---------------------------------------------------------- */

/* Issue a pattern in queue q: 'n' normal, 'p' priority; ids into out. */
static void
issue_pattern(engine *e, int q, const char *pat, int64_t now, int64_t *out)
{
	int i;

	for (i = 0; pat[i] != '\0'; i++)
		out[i] = issue(e, q, pat[i] == 'p' ? 1 : 0, now + i);
}

/* Serve everything at c; the kinds in call order into buf. */
static void
drain_kinds(engine *e, int c, int64_t now, char *buf, size_t len)
{
	size_t n = 0;
	int64_t id;

	while (n + 1 < len && (id = serve(e, c, now + 10 * (int64_t)n)) > 0)
		buf[n++] = tkt(e, id)->priority > 0 ? 'p' : 'n';
	buf[n] = '\0';
	assert_int_equal(id, -ENGINE_EEMPTY);
}

static void
test_interleave_n(void **state)
{
	engine *e = fresh();
	int64_t ids[16];
	char got[32];

	(void)state;
	/* Normal tickets must not starve priority: 2 normal, 1 priority. */
	cfg.policy.priority_interleave = 2;
	cfg.policy.priority_max_consecutive = 1;
	issue_pattern(e, QA, "nnnnnppp", T0, ids);
	open_counter(e, C1, T0 + 100);
	drain_kinds(e, C1, T0 + 200, got, sizeof got);
	assert_string_equal(got, "nnpnnpnp");
	engine_free(e);

	/* Priority ticket arriving after a long normal run goes next. */
	e = fresh();
	issue_pattern(e, QA, "nnnn", T0, ids);
	open_counter(e, C1, T0 + 100);
	assert_int_equal(serve(e, C1, T0 + 101), ids[0]);
	assert_int_equal(serve(e, C1, T0 + 103), ids[1]);
	assert_int_equal(serve(e, C1, T0 + 105), ids[2]);
	ids[4] = issue(e, QA, 2, T0 + 106);
	assert_int_equal(tkt(e, ids[4])->ahead, 0);
	assert_int_equal(serve(e, C1, T0 + 107), ids[4]);
	assert_int_equal(engine_queue(e, QA)->priority_run, 1);
	assert_int_equal(engine_queue(e, QA)->normal_run, 0);
	engine_free(e);
}

static void
test_interleave_zero_cap(void **state)
{
	engine *e = fresh();
	int64_t ids[16];
	char got[32];

	(void)state;
	/* Priority always first, but never more than 2 in a row while a
	 * normal ticket waits. */
	cfg.policy.priority_interleave = 0;
	cfg.policy.priority_max_consecutive = 2;
	issue_pattern(e, QA, "nnppppp", T0, ids);
	open_counter(e, C1, T0 + 100);
	drain_kinds(e, C1, T0 + 200, got, sizeof got);
	assert_string_equal(got, "ppnppnp");
	engine_free(e);

	/* Without a cap that applies (cap 0 = none), priority runs through. */
	e = fresh();
	cfg.policy.priority_interleave = 0;
	cfg.policy.priority_max_consecutive = 0;
	issue_pattern(e, QA, "nnppppp", T0, ids);
	open_counter(e, C1, T0 + 100);
	drain_kinds(e, C1, T0 + 200, got, sizeof got);
	assert_string_equal(got, "pppppnn");
	engine_free(e);

	/* Within a kind, arrival order; ahead counts the interleave. */
	e = fresh();
	cfg.policy.priority_interleave = 0;
	cfg.policy.priority_max_consecutive = 2;
	issue_pattern(e, QA, "nnn", T0, ids);
	ids[3] = issue(e, QA, 1, T0 + 10);
	assert_int_equal(tkt(e, ids[3])->ahead, 0);
	ids[4] = issue(e, QA, 2, T0 + 11);
	assert_int_equal(tkt(e, ids[4])->ahead, 1);
	ids[5] = issue(e, QA, 1, T0 + 12);
	assert_int_equal(tkt(e, ids[5])->ahead, 3);   /* p p n then it */
	ids[6] = issue(e, QA, 0, T0 + 13);
	assert_int_equal(tkt(e, ids[6])->ahead, 6);
	open_counter(e, C1, T0 + 100);
	assert_int_equal(serve(e, C1, T0 + 101), ids[3]);
	assert_int_equal(serve(e, C1, T0 + 103), ids[4]);
	assert_int_equal(serve(e, C1, T0 + 105), ids[0]);
	assert_int_equal(serve(e, C1, T0 + 107), ids[5]);
	engine_free(e);
}

static void
test_target_override(void **state)
{
	engine *e = fresh();
	int64_t a, p, f, g;

	(void)state;
	/* Priority first normally; a normal ticket past its 15 min target
	 * outranks it when target_override is on. */
	cfg.policy.priority_interleave = 0;
	cfg.policy.priority_max_consecutive = 3;
	cfg.policy.target_override = 1;
	a = issue(e, QA, 0, T0);
	p = issue(e, QA, 1, T0 + 14 * 60);
	open_counter(e, C1, T0 + 60);
	assert_int_equal(call_next(e, C1, T0 + 15 * 60 + 1), a);
	engine_free(e);

	e = fresh();
	cfg.policy.priority_interleave = 0;
	cfg.policy.priority_max_consecutive = 3;
	cfg.policy.target_override = 0;
	a = issue(e, QA, 0, T0);
	p = issue(e, QA, 1, T0 + 14 * 60);
	open_counter(e, C1, T0 + 60);
	assert_int_equal(call_next(e, C1, T0 + 15 * 60 + 1), p);
	engine_free(e);

	/* Exactly at the target is not past it. */
	e = fresh();
	cfg.policy.priority_interleave = 0;
	cfg.policy.target_override = 1;
	a = issue(e, QA, 0, T0);
	p = issue(e, QA, 1, T0 + 60);
	open_counter(e, C1, T0 + 60);
	assert_int_equal(call_next(e, C1, T0 + 15 * 60), p);
	engine_free(e);

	/* The procedure's own target (5 min) counts; the most overdue wins. */
	e = fresh();
	cfg.policy.target_override = 1;
	a = issue(e, QA, 0, T0);
	{
		struct engine_cmd cmd = mk(ENGINE_ISSUE, T0 + 60, -1);

		cmd.procedure = 0;
		snprintf(cmd.code, sizeof cmd.code, "proc");
		assert_int_equal(run(e, &cmd), 0);
		f = R.ticket;
	}
	open_counter(e, C1, T0 + 60);
	/* At +7 min: f is 1 min past its 5 min; a is within 15. */
	assert_int_equal(serve(e, C1, T0 + 7 * 60), f);
	assert_int_equal(serve(e, C1, T0 + 7 * 60 + 5), a);
	/* Two overdue in one queue: most past target first, i.e. oldest. */
	a = issue(e, QA, 0, T0 + 1000);
	g = issue(e, QA, 0, T0 + 1001);
	assert_int_equal(serve(e, C1, T0 + 1000 + 20 * 60), a);
	assert_int_equal(serve(e, C1, T0 + 1000 + 21 * 60), g);
	engine_free(e);
}

static void
test_backup_levels(void **state)
{
	engine *e = fresh();
	int64_t b1, a1, b2, a2;

	(void)state;
	/* C1: QA primary, QB backup.  Backup only when primary is empty. */
	b1 = issue(e, QB, 0, T0);
	a1 = issue(e, QA, 0, T0 + 10);
	open_counter(e, C1, T0 + 20);
	assert_int_equal(serve(e, C1, T0 + 30), a1);
	assert_int_equal(serve(e, C1, T0 + 40), b1);
	assert_int_equal(call_next(e, C1, T0 + 50), -ENGINE_EEMPTY);
	/* C2 (QB primary) never sees QA. */
	a1 = issue(e, QA, 0, T0 + 60);
	open_counter(e, C2, T0 + 61);
	assert_int_equal(call_next(e, C2, T0 + 62), -ENGINE_EEMPTY);
	engine_free(e);

	/* A backup ticket past its target (30 min) outranks a fresh primary
	 * ticket when backup_past_target is on... */
	e = fresh();
	cfg.policy.backup_past_target = 1;
	b2 = issue(e, QB, 0, T0);
	a2 = issue(e, QA, 0, T0 + 31 * 60);
	open_counter(e, C1, T0 + 60);
	assert_int_equal(call_next(e, C1, T0 + 31 * 60 + 1), b2);
	engine_free(e);

	/* ...but not when it is off, even with target_override on. */
	e = fresh();
	cfg.policy.backup_past_target = 0;
	cfg.policy.target_override = 1;
	b2 = issue(e, QB, 0, T0);
	a2 = issue(e, QA, 0, T0 + 31 * 60);
	open_counter(e, C1, T0 + 60);
	assert_int_equal(call_next(e, C1, T0 + 31 * 60 + 1), a2);
	engine_free(e);

	/* Overdue primary beats overdue backup when it is more overdue. */
	e = fresh();
	cfg.policy.backup_past_target = 1;
	cfg.policy.target_override = 1;
	a2 = issue(e, QA, 0, T0);                   /* target 15 */
	b2 = issue(e, QB, 0, T0 + 10 * 60);         /* target 30 */
	open_counter(e, C1, T0 + 60);
	/* At +45 min: b2 is 5 min over, a2 is 30 min over. */
	assert_int_equal(serve(e, C1, T0 + 45 * 60), a2);
	assert_int_equal(serve(e, C1, T0 + 45 * 60 + 2), b2);
	engine_free(e);
}

static void
test_priority_first_free(void **state)
{
	engine *e;
	int64_t a1, a2, a3, b1, b2;

	(void)state;
	/* C1: A primary, B backup.  A priority visitor of B goes before A's
	 * normal ones (rule 3a) and counts in A's cap: then A's turn. */
	e = fresh();
	cfg.policy.priority_interleave = 0;
	cfg.policy.priority_max_consecutive = 1;
	cfg.policy.priority_first_free = 1;
	a1 = issue(e, QA, 0, T0);
	b1 = issue(e, QB, 1, T0 + 10);
	b2 = issue(e, QB, 2, T0 + 20);
	open_counter(e, C1, T0 + 30);
	assert_int_equal(call_next(e, C1, T0 + 40), b1);
	assert_int_equal(R.passed_queue, QA);
	assert_int_equal(engine_queue(e, QA)->priority_run, 1);
	assert_int_equal(engine_queue(e, QA)->normal_run, 0);
	assert_int_equal(engine_queue(e, QB)->priority_run, 1);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C1, T0 + 41), 0);
	assert_int_equal(serve(e, C1, T0 + 50), a1);
	assert_int_equal(R.passed_queue, -1);
	/* A is empty now: B is the chosen queue, nothing passed. */
	assert_int_equal(call_next(e, C1, T0 + 60), b2);
	assert_int_equal(R.passed_queue, -1);
	engine_free(e);

	/* Off: primary before backup, the priority visitor waits. */
	e = fresh();
	cfg.policy.priority_interleave = 0;
	cfg.policy.priority_max_consecutive = 1;
	cfg.policy.priority_first_free = 0;
	a1 = issue(e, QA, 0, T0);
	b1 = issue(e, QB, 1, T0 + 10);
	open_counter(e, C1, T0 + 30);
	assert_int_equal(serve(e, C1, T0 + 40), a1);
	assert_int_equal(serve(e, C1, T0 + 50), b1);
	engine_free(e);

	/* With an interleave of 2 the passed queue's normal visitors get
	 * their two calls first. */
	e = fresh();
	cfg.policy.priority_interleave = 2;
	cfg.policy.priority_max_consecutive = 1;
	cfg.policy.priority_first_free = 1;
	a1 = issue(e, QA, 0, T0);
	a2 = issue(e, QA, 0, T0 + 1);
	a3 = issue(e, QA, 0, T0 + 2);
	b1 = issue(e, QB, 1, T0 + 10);
	open_counter(e, C1, T0 + 30);
	assert_int_equal(serve(e, C1, T0 + 40), a1);
	assert_int_equal(serve(e, C1, T0 + 50), a2);
	assert_int_equal(serve(e, C1, T0 + 60), b1);
	assert_int_equal(serve(e, C1, T0 + 70), a3);
	engine_free(e);

	/* A counter that serves only A never sees B's priority visitor;
	 * C2 (B primary) calls it as plain B work. */
	e = fresh();
	cfg.policy.priority_first_free = 1;
	b1 = issue(e, QB, 1, T0);
	a1 = issue(e, QA, 0, T0 + 10);
	open_counter(e, C3, T0 + 20);
	assert_int_equal(serve(e, C3, T0 + 30), a1);
	assert_int_equal(call_next(e, C3, T0 + 40), -ENGINE_EEMPTY);
	open_counter(e, C2, T0 + 50);
	assert_int_equal(call_next(e, C2, T0 + 60), b1);
	assert_int_equal(R.passed_queue, -1);
	engine_free(e);
}

static void
test_several_queues_same_level(void **state)
{
	engine *e = fresh();
	int64_t a1, c1, a2, c2;

	(void)state;
	/* C3 serves QA and QC at primary: earliest head first. */
	c1 = issue(e, QC, 0, T0);
	a1 = issue(e, QA, 0, T0 + 1);
	c2 = issue(e, QC, 0, T0 + 2);
	a2 = issue(e, QA, 0, T0 + 3);
	open_counter(e, C3, T0 + 10);
	assert_int_equal(serve(e, C3, T0 + 20), c1);
	assert_int_equal(serve(e, C3, T0 + 30), a1);
	assert_int_equal(serve(e, C3, T0 + 40), c2);
	assert_int_equal(serve(e, C3, T0 + 50), a2);
	engine_free(e);
}

static void
test_transfer(void **state)
{
	engine *e = fresh();
	struct engine_cmd cmd;
	int64_t x, y, z;
	const struct engine_ticket *t;

	(void)state;
	/* Keep place: x (issued first) is called before y in QB. */
	x = issue(e, QA, 0, T0);
	y = issue(e, QB, 0, T0 + 10);
	open_counter(e, C1, T0 + 20);
	open_counter(e, C2, T0 + 21);
	assert_int_equal(call_next(e, C1, T0 + 30), x);
	cmd = mk(ENGINE_TRANSFER, T0 + 40, C1);
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);      /* no target */
	cmd.to_queue = QB;
	cmd.to_counter = C2;
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);      /* two targets */
	cmd.to_counter = -1;
	cmd.to_queue = NQ;
	assert_int_equal(run(e, &cmd), -ENGINE_ENOQUEUE);
	cmd.to_queue = QB;
	cmd.keep_place = 2;
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);
	cmd.keep_place = 1;
	assert_int_equal(run(e, &cmd), 0);
	assert_true(has_event(ENGINE_EV_TRANSFERRED, x));
	assert_int_equal(R.events[0].value, QB);
	t = tkt(e, x);
	assert_int_equal(t->state, ENGINE_T_WAITING);
	assert_int_equal(t->queue, QB);
	assert_int_equal(t->transfers, 1);
	assert_true(t->enqueued_at == T0 + 40);
	assert_true(engine_counter(e, C1)->ticket == 0);
	assert_int_equal(call_next(e, C2, T0 + 50), x);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C2, T0 + 51), 0);
	assert_int_equal(call_next(e, C2, T0 + 52), y);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C2, T0 + 53), 0);
	engine_free(e);

	/* Lose place (explicit 0, and -1 = policy default 0). */
	for (int mode = 0; mode >= -1; mode--) {
		e = fresh();
		x = issue(e, QA, 0, T0);
		y = issue(e, QB, 0, T0 + 10);
		open_counter(e, C1, T0 + 20);
		open_counter(e, C2, T0 + 21);
		assert_int_equal(call_next(e, C1, T0 + 30), x);
		cmd = mk(ENGINE_TRANSFER, T0 + 40, C1);
		cmd.to_queue = QB;
		cmd.keep_place = mode;
		assert_int_equal(run(e, &cmd), 0);
		assert_int_equal(call_next(e, C2, T0 + 50), y);
		assert_int_equal(at_counter(e, ENGINE_FINISH, C2, T0 + 51), 0);
		assert_int_equal(call_next(e, C2, T0 + 52), x);
		engine_free(e);
	}

	/* QD says transfers into it keep their place (-1 -> queue's 1). */
	e = fresh();
	x = issue(e, QA, 0, T0);
	y = issue(e, QD, 0, T0 + 10);
	open_counter(e, C1, T0 + 20);
	open_counter(e, C4, T0 + 21);
	assert_int_equal(call_next(e, C1, T0 + 30), x);
	cmd = mk(ENGINE_TRANSFER, T0 + 40, C1);
	cmd.to_queue = QD;
	assert_int_equal(run(e, &cmd), 0);
	assert_int_equal(call_next(e, C4, T0 + 50), x);
	engine_free(e);

	/* To a counter: only it may call the ticket, and it comes first. */
	e = fresh();
	x = issue(e, QA, 0, T0);
	y = issue(e, QB, 0, T0 + 1);
	z = issue(e, QA, 0, T0 + 2);
	open_counter(e, C1, T0 + 20);
	open_counter(e, C2, T0 + 21);
	open_counter(e, C3, T0 + 22);
	assert_int_equal(call_next(e, C1, T0 + 30), x);
	cmd = mk(ENGINE_TRANSFER, T0 + 40, C1);
	cmd.to_counter = C1;
	assert_int_equal(run(e, &cmd), -ENGINE_EINVAL);       /* itself */
	cmd.to_counter = NC;
	assert_int_equal(run(e, &cmd), -ENGINE_ENOCOUNTER);
	cmd.to_counter = C2;
	assert_int_equal(run(e, &cmd), 0);
	t = tkt(e, x);
	assert_int_equal(t->assigned_counter, C2);
	assert_int_equal(t->queue, QA);
	assert_int_equal(engine_waiting_count(e, QA), 2);
	/* C3 serves QA but may not take x. */
	assert_int_equal(call_next(e, C3, T0 + 50), z);
	cmd = mk(ENGINE_CALL_SPECIFIC, T0 + 51, C1);
	cmd.number = t->number;
	assert_int_equal(run(e, &cmd), -ENGINE_ENOTSERVED);
	/* C2 does not serve QA but gets x before its own y. */
	assert_int_equal(call_next(e, C2, T0 + 60), x);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C2, T0 + 61), 0);
	assert_int_equal(call_next(e, C2, T0 + 62), y);
	cmd = mk(ENGINE_TRANSFER, T0 + 63, C1);
	cmd.to_queue = QB;
	assert_int_equal(run(e, &cmd), -ENGINE_EIDLE);
	engine_free(e);
}

static void
test_park_unpark(void **state)
{
	engine *e = fresh();
	struct engine_cmd cmd;
	int64_t a, b, c, d;
	int n;

	(void)state;
	a = issue(e, QA, 0, T0);
	b = issue(e, QA, 0, T0 + 1);
	c = issue(e, QA, 0, T0 + 2);
	d = issue(e, QA, 0, T0 + 3);
	open_counter(e, C1, T0 + 10);
	open_counter(e, C3, T0 + 11);
	assert_int_equal(call_next(e, C1, T0 + 20), a);
	assert_int_equal(at_counter(e, ENGINE_START, C1, T0 + 21), 0);
	assert_int_equal(at_counter(e, ENGINE_PARK, C1, T0 + 30), 0);
	assert_int_equal(tkt(e, a)->state, ENGINE_T_PARKED);
	assert_int_equal(tkt(e, a)->assigned_counter, C1);
	assert_true(engine_counter(e, C1)->ticket == 0);
	assert_int_equal(at_counter(e, ENGINE_PARK, C1, T0 + 31), -ENGINE_EIDLE);
	n = tkt(e, a)->number;
	/* Parked is not waiting: call next takes b. */
	assert_int_equal(serve(e, C1, T0 + 40), b);
	/* Only C1 may unpark it, and only a parked ticket. */
	cmd = mk(ENGINE_UNPARK, T0 + 50, C3);
	cmd.number = n;
	assert_int_equal(run(e, &cmd), -ENGINE_ENOTSERVED);
	cmd.number = tkt(e, c)->number;
	cmd.counter = C1;
	assert_int_equal(run(e, &cmd), -ENGINE_ESTATE);
	cmd.number = 1999;
	assert_int_equal(run(e, &cmd), -ENGINE_ENOTICKET);
	cmd.number = n;
	assert_int_equal(run(e, &cmd), 0);
	assert_true(has_event(ENGINE_EV_UNPARKED, a));
	assert_int_equal(tkt(e, a)->state, ENGINE_T_WAITING);
	assert_int_equal(tkt(e, a)->assigned_counter, C1);
	/* C3 serves QA but takes c, not a; C1 takes a first. */
	assert_int_equal(call_next(e, C3, T0 + 60), c);
	assert_int_equal(call_next(e, C1, T0 + 61), a);
	assert_int_equal(tkt(e, a)->assigned_counter, -1);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C1, T0 + 62), 0);
	assert_int_equal(call_next(e, C1, T0 + 63), d);
	/* A parked ticket can be called back directly by its counter. */
	assert_int_equal(at_counter(e, ENGINE_PARK, C1, T0 + 64), 0);
	cmd = mk(ENGINE_CALL_SPECIFIC, T0 + 65, C3);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C3, T0 + 65), 0);
	cmd.number = tkt(e, d)->number;
	assert_int_equal(run(e, &cmd), -ENGINE_ENOTSERVED);
	cmd.counter = C1;
	assert_int_equal(run(e, &cmd), 0);
	assert_int_equal(R.ticket, d);
	assert_int_equal(tkt(e, d)->state, ENGINE_T_CALLED);
	engine_free(e);
}

/* ---- days ------------------------------------------------------------- */

static void
test_day_close(void **state)
{
	engine *e = fresh();
	struct engine_cmd cmd;
	int64_t w, c, s, p, f;
	int i, ncancel = 0;

	(void)state;
	w = issue(e, QA, 0, T0);
	c = issue(e, QA, 0, T0 + 1);
	s = issue(e, QB, 0, T0 + 2);
	p = issue(e, QA, 0, T0 + 3);
	f = issue(e, QA, 0, T0 + 4);
	open_counter(e, C1, T0 + 10);
	open_counter(e, C2, T0 + 10);
	open_counter(e, C3, T0 + 10);
	assert_int_equal(serve(e, C1, T0 + 11), w);
	assert_int_equal(call_next(e, C1, T0 + 20), c);
	assert_int_equal(call_next(e, C2, T0 + 21), s);
	assert_int_equal(at_counter(e, ENGINE_START, C2, T0 + 22), 0);
	assert_int_equal(call_next(e, C3, T0 + 23), p);
	assert_int_equal(at_counter(e, ENGINE_PARK, C3, T0 + 24), 0);
	cmd = mk(ENGINE_DAY_CLOSE, at(0, 17, 30), -1);
	assert_int_equal(run(e, &cmd), 0);
	for (i = 0; i < R.nevents; i++)
		if (R.events[i].type == ENGINE_EV_CANCELLED) {
			ncancel++;
			assert_string_equal(R.events[i].reason,
			    "Kết thúc ngày làm việc");
		}
	assert_int_equal(ncancel, 4);
	assert_int_equal(R.events[R.nevents - 1].type, ENGINE_EV_DAY_CLOSED);
	assert_int_equal(R.events[R.nevents - 1].value, 4);
	assert_int_equal(R.ntickets, 4);
	assert_int_equal(R.ncounters, 3);
	assert_int_equal(tkt(e, c)->state, ENGINE_T_CANCELLED);
	assert_int_equal(tkt(e, s)->state, ENGINE_T_CANCELLED);
	assert_int_equal(tkt(e, p)->state, ENGINE_T_CANCELLED);
	assert_int_equal(tkt(e, f)->state, ENGINE_T_CANCELLED);
	assert_int_equal(tkt(e, w)->state, ENGINE_T_DONE);
	for (i = 0; i < NC; i++) {
		assert_int_equal(engine_counter(e, i)->state, ENGINE_C_CLOSED);
		assert_true(engine_counter(e, i)->ticket == 0);
	}
	assert_int_equal(engine_queue(e, QA)->next_number, 1001);
	/* The day's tickets stay visible. */
	assert_non_null(engine_ticket_by_code(e, "c1"));
	{
		const struct engine_ticket *const *open;

		assert_int_equal(engine_open_tickets(e, &open), 0);
	}
	engine_free(e);
}

static void
test_rollover(void **state)
{
	engine *e = fresh();
	int64_t a, b, c, n1;
	int i, ncancel = 0, dayclosed = 0, issued = 0;

	(void)state;
	/* day_start_hour 5: 03:00 on the 3rd is still the 2nd's service day. */
	a = issue(e, QA, 0, T0);
	b = issue(e, QA, 0, T0 + 1);
	c = issue(e, QB, 0, T0 + 2);
	open_counter(e, C1, T0 + 10);
	assert_int_equal(serve(e, C1, T0 + 11), a);
	assert_int_equal(call_next(e, C1, T0 + 20), b);
	assert_int_equal(tkt(e, c)->state, ENGINE_T_WAITING);
	assert_true(issue(e, QA, 0, at(1, 3, 0)) > 0);
	assert_string_equal(engine_day(e), "2026-03-02");
	assert_int_equal(tkt(e, R.ticket)->number, 1003);

	/* A refused command on the new day changes nothing at all. */
	assert_int_equal(call_next(e, C1, at(1, 7, 0)), -ENGINE_ECLOSED);
	assert_string_equal(engine_day(e), "2026-03-02");
	assert_int_equal(tkt(e, b)->state, ENGINE_T_CALLED);
	assert_int_equal(at_counter(e, ENGINE_FINISH, C1, at(1, 7, 0)),
	    -ENGINE_EIDLE);
	assert_int_equal(tkt(e, b)->state, ENGINE_T_CALLED);
	assert_true(engine_counter(e, C1)->ticket == b);

	/* The first accepted command of the new day closes the old day. */
	n1 = issue(e, QA, 0, at(1, 7, 1));
	assert_true(n1 > 0);
	for (i = 0; i < R.nevents; i++) {
		if (R.events[i].type == ENGINE_EV_CANCELLED)
			ncancel++;
		if (R.events[i].type == ENGINE_EV_DAY_CLOSED) {
			dayclosed++;
			assert_int_equal(issued, 0);
		}
		if (R.events[i].type == ENGINE_EV_ISSUED) {
			issued++;
			assert_true(R.events[i].ticket == n1);
		}
	}
	assert_int_equal(ncancel, 3);        /* b (called), c, and 1003 */
	assert_int_equal(dayclosed, 1);
	assert_int_equal(issued, 1);
	assert_int_equal(R.events[R.nevents - 1].type, ENGINE_EV_ISSUED);
	assert_string_equal(engine_day(e), "2026-03-03");
	assert_int_equal(tkt(e, n1)->number, 1001);
	assert_string_equal(tkt(e, n1)->day, "2026-03-03");
	/* Each changed row once. */
	for (i = 0; i < R.ntickets; i++)
		for (int j = i + 1; j < R.ntickets; j++)
			assert_ptr_not_equal(R.tickets[i], R.tickets[j]);
	for (i = 0; i < R.nqueues; i++)
		for (int j = i + 1; j < R.nqueues; j++)
			assert_ptr_not_equal(R.queues[i], R.queues[j]);
	assert_int_equal(R.ntickets, 4);
	assert_int_equal(R.nqueues, NQ);
	for (i = 0; i < R.ntickets; i++)
		if (R.tickets[i]->id != n1)
			assert_int_equal(R.tickets[i]->state, ENGINE_T_CANCELLED);
	/* Yesterday's tickets are gone from memory. */
	assert_null(engine_ticket_by_id(e, a));
	assert_null(engine_ticket_by_id(e, b));
	assert_null(engine_ticket_by_code(e, "c1"));
	assert_int_equal(engine_counter(e, C1)->state, ENGINE_C_CLOSED);
	assert_true(engine_counter(e, C1)->ticket == 0);
	assert_int_equal(engine_waiting_count(e, QB), 0);
	/* A clock that goes back stays in the current day. */
	assert_true(issue(e, QA, 0, at(0, 16, 0)) > 0);
	assert_string_equal(tkt(e, R.ticket)->day, "2026-03-03");
	assert_int_equal(tkt(e, R.ticket)->number, 1002);
	/* Codes of dropped days may come back. */
	{
		struct engine_cmd cmd = mk(ENGINE_ISSUE, at(1, 8, 0), -1);

		cmd.queue = QA;
		snprintf(cmd.code, sizeof cmd.code, "c1");
		assert_int_equal(run(e, &cmd), 0);
	}
	engine_free(e);
}

static void
test_day_of(void **state)
{
	char d[11];

	(void)state;
	engine_day_of(at(0, 4, 59), 5, d);
	assert_string_equal(d, "2026-03-01");
	engine_day_of(at(0, 5, 0), 5, d);
	assert_string_equal(d, "2026-03-02");
	engine_day_of(at(0, 0, 0), 0, d);
	assert_string_equal(d, "2026-03-02");
	engine_day_of(at(-1, 23, 59), 0, d);
	assert_string_equal(d, "2026-03-01");
	/* Across a month and a year. */
	engine_day_of(at(-1, 2, 0), 5, d);
	assert_string_equal(d, "2026-02-28");
}

/* ---- refusals explained ------------------------------------------------ */

/* Run cmd, which must be refused with err, and check the explanation. */
static void
refused(engine *e, struct engine_cmd cmd, int err, const char *want)
{
	char buf[256];

	assert_int_equal(run(e, &cmd), -err);
	engine_explain(e, &cmd, -err, buf, sizeof buf);
	if (strcmp(buf, want) != 0)
		fail_msg("type %d err %d:\n got  \"%s\"\n want \"%s\"", cmd.type,
		    err, buf, want);
}

/* A counter command with a number. */
static struct engine_cmd
mkn(enum engine_cmd_type type, int64_t now, int c, int number)
{
	struct engine_cmd cmd = mk(type, now, c);

	cmd.number = number;
	return cmd;
}

static void
test_explain(void **state)
{
	engine *e = fresh();
	struct engine_cmd cmd;
	int64_t a, b, t = T0;
	char buf[256];
	int i;

	(void)state;
	a = issue(e, QA, 0, t++);                   /* 1001 */
	b = issue(e, QA, 0, t++);                   /* 1002 */
	(void)b;
	issue(e, QB, 0, t++);                       /* 2001 */

	/* ISSUE */
	cmd = mk(ENGINE_ISSUE, t, -1);
	cmd.queue = QA;
	snprintf(cmd.code, sizeof cmd.code, "x1");
	cmd.priority = 5;
	refused(e, cmd, ENGINE_EINVAL, "Không thể cấp số: không có loại ưu tiên này.");
	cmd.priority = 0;
	cmd.channel = 99;
	refused(e, cmd, ENGINE_EINVAL, "Không thể cấp số: không có kênh lấy số này.");
	cmd.channel = ENGINE_CH_KIOSK;
	cmd.kiosk = 7;
	refused(e, cmd, ENGINE_EINVAL, "Không thể cấp số: không có ki-ốt này.");
	cmd.kiosk = -1;
	snprintf(cmd.code, sizeof cmd.code, "X!");
	refused(e, cmd, ENGINE_EINVAL, "Không thể cấp số: mã vé không hợp lệ.");
	snprintf(cmd.code, sizeof cmd.code, "c1");  /* 1001's */
	refused(e, cmd, ENGINE_EDUPCODE, "Không thể cấp số: mã vé đã được dùng, hãy thử lại.");
	snprintf(cmd.code, sizeof cmd.code, "x1");
	cmd.queue = 99;
	refused(e, cmd, ENGINE_ENOQUEUE, "Không thể cấp số: không có hàng đợi hoặc thủ tục này.");
	for (i = 0; i < 3; i++)
		assert_true(issue(e, QC, 0, t++) > 0);
	cmd.queue = QC;
	refused(e, cmd, ENGINE_EEXHAUSTED,
	    "Không thể cấp số: hàng đợi Nhỏ đã dùng hết các số từ 3001 đến 3003 hôm nay.");

	/* Fields: no time, unknown counter. */
	refused(e, mk(ENGINE_RECALL, 0, C1), ENGINE_EINVAL,
	    "Không thể gọi lại: yêu cầu không hợp lệ.");
	refused(e, mk(ENGINE_CALL_NEXT, t, 9), ENGINE_ENOCOUNTER,
	    "Không thể gọi số tiếp theo: không có quầy này.");
	refused(e, mk(ENGINE_COUNTER_OPEN, t, -1), ENGINE_ENOCOUNTER,
	    "Không thể mở quầy: không có quầy này.");

	/* A closed counter. */
	refused(e, mk(ENGINE_CALL_NEXT, t, C1), ENGINE_ECLOSED,
	    "Không thể gọi số tiếp theo: Quầy 1 đang đóng; hãy mở quầy trước.");
	refused(e, mkn(ENGINE_CALL_SPECIFIC, t, C1, 1001), ENGINE_ECLOSED,
	    "Không thể gọi số 1001: Quầy 1 đang đóng; hãy mở quầy trước.");
	refused(e, mk(ENGINE_COUNTER_PAUSE, t, C1), ENGINE_ECLOSED,
	    "Không thể tạm dừng quầy: Quầy 1 đang đóng.");
	refused(e, mk(ENGINE_COUNTER_CLOSE, t, C1), ENGINE_ECLOSED,
	    "Không thể đóng quầy: Quầy 1 đã đóng rồi.");
	/* A paused one. */
	open_counter(e, C1, t++);
	cmd = mk(ENGINE_COUNTER_PAUSE, t++, C1);
	snprintf(cmd.reason, sizeof cmd.reason, "Họp giao ban");
	assert_int_equal(run(e, &cmd), 0);
	refused(e, mk(ENGINE_CALL_NEXT, t, C1), ENGINE_ECLOSED,
	    "Không thể gọi số tiếp theo: Quầy 1 đang tạm dừng (Họp giao ban);"
	    " hãy mở quầy trước.");
	open_counter(e, C1, t++);

	/* Nothing called yet. */
	refused(e, mk(ENGINE_RECALL, t, C1), ENGINE_EIDLE,
	    "Không thể gọi lại: Quầy 1 chưa gọi số nào.");
	refused(e, mk(ENGINE_START, t, C1), ENGINE_EIDLE,
	    "Không thể bắt đầu phục vụ: Quầy 1 chưa gọi số nào.");
	refused(e, mk(ENGINE_FINISH, t, C1), ENGINE_EIDLE,
	    "Không thể kết thúc: Quầy 1 chưa gọi số nào.");
	refused(e, mk(ENGINE_NO_SHOW, t, C1), ENGINE_EIDLE,
	    "Không thể ghi vắng mặt: Quầy 1 chưa gọi số nào.");
	refused(e, mk(ENGINE_PARK, t, C1), ENGINE_EIDLE,
	    "Không thể tạm gác: Quầy 1 chưa gọi số nào.");
	cmd = mk(ENGINE_TRANSFER, t, C1);
	cmd.to_queue = QB;
	refused(e, cmd, ENGINE_EIDLE, "Không thể chuyển: Quầy 1 chưa gọi số nào.");

	/* Numbers that cannot be called or unparked. */
	refused(e, mkn(ENGINE_CALL_SPECIFIC, t, C1, 0), ENGINE_EINVAL,
	    "Không thể gọi số này: số vé phải từ 1 đến 9999.");
	refused(e, mkn(ENGINE_CALL_SPECIFIC, t, C1, 1500), ENGINE_ENOTICKET,
	    "Không thể gọi số 1500: hôm nay chưa cấp số này.");
	open_counter(e, C2, t++);
	refused(e, mkn(ENGINE_CALL_SPECIFIC, t, C2, 1002), ENGINE_ENOTSERVED,
	    "Không thể gọi số 1002: Quầy 2 không phục vụ hàng đợi Hộ tịch.");
	refused(e, mkn(ENGINE_UNPARK, t, C1, 10000), ENGINE_EINVAL,
	    "Không thể đưa số này lại hàng chờ: số vé phải từ 1 đến 9999.");
	refused(e, mkn(ENGINE_UNPARK, t, C1, 1500), ENGINE_ENOTICKET,
	    "Không thể đưa số 1500 lại hàng chờ: hôm nay chưa cấp số này.");
	refused(e, mkn(ENGINE_UNPARK, t, C1, 1002), ENGINE_ESTATE,
	    "Không thể đưa số 1002 lại hàng chờ: số này đang chờ, không phải đang tạm gác.");

	/* 1001 called at counter 1. */
	assert_int_equal(call_next(e, C1, t++), a);
	refused(e, mk(ENGINE_CALL_NEXT, t, C1), ENGINE_EBUSY,
	    "Không thể gọi số tiếp theo: Quầy 1 đang gọi số 1001;"
	    " hãy kết thúc, chuyển hoặc tạm gác số này trước.");
	refused(e, mk(ENGINE_COUNTER_PAUSE, t, C1), ENGINE_EBUSY,
	    "Không thể tạm dừng quầy: Quầy 1 đang gọi số 1001;"
	    " hãy kết thúc, chuyển hoặc tạm gác số này trước khi rời quầy.");
	refused(e, mk(ENGINE_COUNTER_CLOSE, t, C1), ENGINE_EBUSY,
	    "Không thể đóng quầy: Quầy 1 đang gọi số 1001;"
	    " hãy kết thúc, chuyển hoặc tạm gác số này trước khi rời quầy.");
	open_counter(e, C3, t++);
	refused(e, mkn(ENGINE_CALL_SPECIFIC, t, C3, 1001), ENGINE_ENOTICKET,
	    "Không thể gọi số 1001: số này đang được gọi tại Quầy 1.");
	cmd = mk(ENGINE_CANCEL, t, -1);
	cmd.ticket = a;
	refused(e, cmd, ENGINE_ESTATE, "Không thể hủy vé: số 1001 đang được gọi tại Quầy 1.");
	cmd.ticket = 999;
	refused(e, cmd, ENGINE_ENOTICKET, "Không thể hủy vé: không tìm thấy vé này.");
	cmd = mk(ENGINE_TRANSFER, t, C1);
	refused(e, cmd, ENGINE_EINVAL, "Không thể chuyển: chưa chọn hàng đợi hoặc quầy nhận.");
	cmd.to_queue = QB;
	cmd.to_counter = C2;
	refused(e, cmd, ENGINE_EINVAL,
	    "Không thể chuyển: chọn hàng đợi hoặc quầy nhận, không chọn cả hai.");
	cmd.to_queue = -1;
	cmd.to_counter = C1;
	refused(e, cmd, ENGINE_EINVAL, "Không thể chuyển: không thể chuyển sang chính Quầy 1.");
	cmd.to_counter = 9;
	refused(e, cmd, ENGINE_ENOCOUNTER, "Không thể chuyển: không có quầy nhận này.");
	cmd.to_counter = -1;
	cmd.to_queue = 99;
	refused(e, cmd, ENGINE_ENOQUEUE, "Không thể chuyển: không có hàng đợi này.");
	cmd.to_queue = QB;
	cmd.keep_place = 5;
	refused(e, cmd, ENGINE_EINVAL, "Không thể chuyển: yêu cầu không hợp lệ.");

	/* 1001 being served: no recall, no no-show, no second start. */
	assert_int_equal(at_counter(e, ENGINE_START, C1, t++), 0);
	refused(e, mk(ENGINE_RECALL, t, C1), ENGINE_ESTATE,
	    "Không thể gọi lại: số 1001 đang được phục vụ.");
	refused(e, mk(ENGINE_NO_SHOW, t, C1), ENGINE_ESTATE,
	    "Không thể ghi vắng mặt: số 1001 đang được phục vụ.");
	refused(e, mk(ENGINE_START, t, C1), ENGINE_ESTATE,
	    "Không thể bắt đầu phục vụ: số 1001 đang được phục vụ.");
	refused(e, mk(ENGINE_CALL_NEXT, t, C1), ENGINE_EBUSY,
	    "Không thể gọi số tiếp theo: Quầy 1 đang phục vụ số 1001;"
	    " hãy kết thúc, chuyển hoặc tạm gác số này trước.");
	refused(e, mkn(ENGINE_CALL_SPECIFIC, t, C3, 1001), ENGINE_ENOTICKET,
	    "Không thể gọi số 1001: số này đang được phục vụ tại Quầy 1.");

	/* 1001 parked at counter 1: another counter may not take it. */
	assert_int_equal(at_counter(e, ENGINE_PARK, C1, t++), 0);
	refused(e, mkn(ENGINE_CALL_SPECIFIC, t, C3, 1001), ENGINE_ENOTSERVED,
	    "Không thể gọi số 1001: số này đang tạm gác ở Quầy 1.");
	refused(e, mkn(ENGINE_UNPARK, t, C3, 1001), ENGINE_ENOTSERVED,
	    "Không thể đưa số 1001 lại hàng chờ: số này đang tạm gác ở Quầy 1.");
	/* Transferred to counter 3: counter 1 may not call it. */
	cmd = mkn(ENGINE_CALL_SPECIFIC, t++, C1, 1001);
	assert_int_equal(run(e, &cmd), 0);
	cmd = mk(ENGINE_TRANSFER, t++, C1);
	cmd.to_counter = C3;
	assert_int_equal(run(e, &cmd), 0);
	refused(e, mkn(ENGINE_CALL_SPECIFIC, t, C1, 1001), ENGINE_ENOTSERVED,
	    "Không thể gọi số 1001: số này đã được chuyển cho Quầy 3.");
	/* Done. */
	assert_int_equal(serve(e, C3, t), a);
	t += 2;
	refused(e, mkn(ENGINE_CALL_SPECIFIC, t, C1, 1001), ENGINE_ENOTICKET,
	    "Không thể gọi số 1001: số này đã được phục vụ xong.");

	/* Nothing left for counter 4; ratings out of range; no time. */
	open_counter(e, C4, t++);
	refused(e, mk(ENGINE_CALL_NEXT, t, C4), ENGINE_EEMPTY,
	    "Không thể gọi số tiếp theo: không còn ai chờ ở các hàng đợi mà Quầy 4 phục vụ.");
	cmd = mk(ENGINE_RATE, t, C1);
	cmd.value = 5;
	refused(e, cmd, ENGINE_EINVAL, "Không thể ghi đánh giá: mức đánh giá phải từ 1 đến 4.");
	refused(e, mk(ENGINE_DAY_CLOSE, 0, -1), ENGINE_EINVAL,
	    "Không thể kết thúc ngày làm việc: yêu cầu không hợp lệ.");

	/* The next day: refused before the old day's close. */
	refused(e, mk(ENGINE_RECALL, at(1, 8, 0), C1), ENGINE_EIDLE,
	    "Không thể gọi lại: đã sang ngày làm việc mới, các quầy đã đóng"
	    " và các vé của ngày trước đã kết thúc.");
	refused(e, mk(ENGINE_CALL_NEXT, at(1, 8, 0), C1), ENGINE_ECLOSED,
	    "Không thể gọi số tiếp theo: đã sang ngày làm việc mới, các quầy đã đóng"
	    " và các vé của ngày trước đã kết thúc.");

	/* Every command with every error: a whole sentence that names the
	 * action, cut on a character boundary when the buffer is short. */
	for (int ty = ENGINE_ISSUE; ty <= ENGINE_DAY_CLOSE; ty++) {
		for (int er = ENGINE_EINVAL; er <= ENGINE_EDUPCODE; er++) {
			cmd = mk((enum engine_cmd_type)ty, t, C2);
			engine_explain(e, &cmd, -er, buf, sizeof buf);
			assert_true(strncmp(buf, "Không thể ", strlen("Không thể ")) == 0);
			assert_true(strstr(buf, ": ") != NULL);
			assert_int_equal(buf[strlen(buf) - 1], '.');
			assert_true(vntext_valid_utf8(buf, strlen(buf)));
			/* and with every field pointing somewhere: a ticket, a
			 * number, a procedure, a target (out of range too). */
			cmd.ticket = a;
			cmd.number = 1001;
			cmd.procedure = 1;
			cmd.to_counter = C1;
			engine_explain(e, &cmd, er, buf, sizeof buf);
			assert_int_equal(buf[strlen(buf) - 1], '.');
			cmd.procedure = 99;
			cmd.number = 99999;
			cmd.to_queue = 99;
			engine_explain(e, &cmd, er, buf, sizeof buf);
			assert_int_equal(buf[strlen(buf) - 1], '.');
			for (size_t len = 1; len < 24; len++) {
				char small[24];
				engine_explain(e, &cmd, er, small, len);
				assert_true(strlen(small) < len);
				assert_true(vntext_valid_utf8(small, strlen(small)));
			}
		}
	}
	assert_string_equal(engine_explain(e, NULL, ENGINE_EBUSY, buf, sizeof buf),
	    "Quầy đang phục vụ một vé khác.");
	engine_free(e);
}

/* How many recalls still call the ticket, down to the no-show. */
static void
test_recalls_left(void **state)
{
	engine *e = fresh();
	int64_t a;

	(void)state;
	a = issue(e, QA, 0, T0);
	open_counter(e, C1, T0 + 1);
	assert_int_equal(engine_recalls_left(e, tkt(e, a)), -1);   /* waiting */
	assert_int_equal(call_next(e, C1, T0 + 2), a);
	assert_int_equal(engine_recalls_left(e, tkt(e, a)), 2);
	assert_int_equal(at_counter(e, ENGINE_RECALL, C1, T0 + 60), 0);
	assert_int_equal(engine_recalls_left(e, tkt(e, a)), 1);
	assert_int_equal(at_counter(e, ENGINE_RECALL, C1, T0 + 120), 0);
	assert_int_equal(engine_recalls_left(e, tkt(e, a)), 0);    /* the last one */
	assert_int_equal(at_counter(e, ENGINE_RECALL, C1, T0 + 180), 0);
	assert_int_equal(tkt(e, a)->state, ENGINE_T_NO_SHOW);
	assert_int_equal(tkt(e, a)->calls, 3);
	assert_int_equal(engine_recalls_left(e, tkt(e, a)), -1);
	engine_free(e);
}

static void
test_names(void **state)
{
	int i;

	(void)state;
	assert_string_equal(engine_strerror(ENGINE_EBUSY),
	    "Quầy đang phục vụ một vé khác");
	assert_string_equal(engine_error_code(ENGINE_EBUSY), "counter_busy");
	assert_string_equal(engine_error_code(-ENGINE_EEMPTY), "queue_empty");
	for (i = ENGINE_OK; i <= ENGINE_EDUPCODE; i++) {
		const char *s = engine_error_code(i);

		assert_string_not_equal(s, "unknown");
		for (; *s; s++)
			assert_true((*s >= 'a' && *s <= 'z') || *s == '_');
		assert_string_not_equal(engine_strerror(i), "Lỗi không xác định");
	}
	assert_string_equal(engine_error_code(999), "unknown");
	for (i = ENGINE_EV_ISSUED; i <= ENGINE_EV_DAY_CLOSED; i++)
		assert_string_not_equal(engine_event_name(i), "unknown");
	for (i = ENGINE_T_WAITING; i <= ENGINE_T_CANCELLED; i++)
		assert_string_not_equal(engine_ticket_state_name(i), "unknown");
	assert_string_equal(engine_counter_state_name(ENGINE_C_PAUSED), "paused");
	assert_string_equal(engine_event_name(ENGINE_EV_NO_SHOW), "no_show");
}

/* ---- restore equivalence and random sequences --------------------------- */

/* A toy store: the latest copy of each row the results reported. */
#define MAXT 20000
struct mirror {
	struct engine_ticket t[MAXT];
	unsigned char have[MAXT];
	struct engine_counter c[NC];
	struct engine_queue q[NQ];
	int64_t last_ticket, last_event;
};

/* Apply the last result to the mirror. */
static void
mirror_apply(struct mirror *m)
{
	int i;

	for (i = 0; i < R.ntickets; i++) {
		int64_t id = R.tickets[i]->id;

		assert_true(id > 0 && id < MAXT);
		m->t[id] = *R.tickets[i];
		m->have[id] = 1;
		if (id > m->last_ticket)
			m->last_ticket = id;
	}
	for (i = 0; i < R.ncounters; i++)
		m->c[R.counters[i]->index] = *R.counters[i];
	for (i = 0; i < R.nqueues; i++)
		m->q[R.queues[i]->index] = *R.queues[i];
	if (R.nevents > 0)
		m->last_event = R.events[R.nevents - 1].id;
}

/* A fresh engine restored from the mirror like store_load does: open
 * tickets of any day and every ticket of day. */
static engine *
mirror_restore(const struct mirror *m, const char *day)
{
	engine *e = engine_new(&cfg);
	int64_t id;
	int i;

	/* Reverse order on purpose: restore takes rows in any order. */
	for (id = MAXT - 1; id > 0; id--) {
		const struct engine_ticket *t = &m->t[id];

		if (!m->have[id])
			continue;
		if (strcmp(t->day, day) == 0 || t->state == ENGINE_T_WAITING ||
		    t->state == ENGINE_T_CALLED || t->state == ENGINE_T_SERVING ||
		    t->state == ENGINE_T_PARKED)
			engine_restore_ticket(e, t);
	}
	for (i = 0; i < NC; i++)
		engine_restore_counter(e, &m->c[i]);
	for (i = 0; i < NQ; i++)
		engine_restore_queue(e, &m->q[i]);
	engine_restore_ids(e, m->last_ticket, m->last_event);
	engine_restore_done(e);
	return e;
}

/* xorshift64*, seeded: the tests' only randomness. */
static uint64_t rng_state;

static uint32_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

/* A random command at time now, often aimed at e's real tickets. */
static struct engine_cmd
random_cmd(const engine *e, int64_t now)
{
	const struct engine_ticket *const *open;
	int nopen = engine_open_tickets(e, &open);
	const struct engine_ticket *pick = nopen > 0 && rng() % 2 ?
	    open[rng() % (unsigned)nopen] : NULL;
	static const enum engine_cmd_type types[] = {
		ENGINE_ISSUE, ENGINE_ISSUE, ENGINE_ISSUE, ENGINE_ISSUE,
		ENGINE_CALL_NEXT, ENGINE_CALL_NEXT, ENGINE_CALL_NEXT,
		ENGINE_CALL_SPECIFIC, ENGINE_RECALL, ENGINE_START, ENGINE_START,
		ENGINE_FINISH, ENGINE_FINISH, ENGINE_FINISH, ENGINE_NO_SHOW,
		ENGINE_TRANSFER, ENGINE_PARK, ENGINE_UNPARK, ENGINE_COUNTER_OPEN,
		ENGINE_COUNTER_OPEN, ENGINE_COUNTER_PAUSE, ENGINE_COUNTER_CLOSE,
		ENGINE_RATE, ENGINE_CANCEL,
	};
	struct engine_cmd cmd = mk(types[rng() % (sizeof types / sizeof *types)],
	    now, (int)(rng() % NC));

	cmd.staff = (int)(rng() % 3);
	switch (cmd.type) {
	case ENGINE_ISSUE:
		cmd.queue = rng() % 5 == 0 ? -1 : (int)(rng() % NQ);
		if (cmd.queue < 0)
			cmd.procedure = (int)(rng() % 2);
		cmd.priority = rng() % 4 == 0 ? 1 + (int)(rng() % 2) : 0;
		snprintf(cmd.code, sizeof cmd.code, "r%u", rng() % 100000);
		break;
	case ENGINE_CALL_SPECIFIC:
	case ENGINE_UNPARK: {
		static const int base[NQ] = { 1001, 2001, 3001, 4001 };

		cmd.number = base[rng() % NQ] + (int)(rng() % 12);
		if (pick != NULL) {
			cmd.number = pick->number;
			if (pick->assigned_counter >= 0 && rng() % 4 != 0)
				cmd.counter = pick->assigned_counter;
		}
		break;
	}
	case ENGINE_TRANSFER:
		if (rng() % 2)
			cmd.to_queue = (int)(rng() % NQ);
		else
			cmd.to_counter = (int)(rng() % NC);
		cmd.keep_place = (int)(rng() % 3) - 1;
		break;
	case ENGINE_RATE:
		cmd.value = 1 + (int)(rng() % 4);
		break;
	case ENGINE_CANCEL:
		cmd.ticket = pick ? pick->id : 1 + (int64_t)(rng() % 200);
		break;
	default:
		break;
	}
	return cmd;
}

static int
ticket_eq(const struct engine_ticket *a, const struct engine_ticket *b)
{
	return a->id == b->id && strcmp(a->code, b->code) == 0 &&
	    strcmp(a->day, b->day) == 0 && a->number == b->number &&
	    a->queue == b->queue && a->procedure == b->procedure &&
	    a->priority == b->priority && a->channel == b->channel &&
	    a->kiosk == b->kiosk && a->state == b->state &&
	    a->counter == b->counter &&
	    a->assigned_counter == b->assigned_counter &&
	    a->staff == b->staff && a->order == b->order &&
	    a->issued_at == b->issued_at && a->enqueued_at == b->enqueued_at &&
	    a->called_at == b->called_at && a->started_at == b->started_at &&
	    a->finished_at == b->finished_at && a->calls == b->calls &&
	    a->transfers == b->transfers && a->rating == b->rating &&
	    a->est_wait_s == b->est_wait_s && a->ahead == b->ahead;
}

static int
event_eq(const struct engine_event *a, const struct engine_event *b)
{
	return a->id == b->id && a->type == b->type && a->at == b->at &&
	    a->ticket == b->ticket && a->number == b->number &&
	    a->queue == b->queue && a->counter == b->counter &&
	    a->staff == b->staff && a->value == b->value &&
	    strcmp(a->reason, b->reason) == 0;
}

static int
counter_eq(const struct engine_counter *a, const struct engine_counter *b)
{
	return a->index == b->index && a->state == b->state &&
	    a->ticket == b->ticket && a->last_ticket == b->last_ticket &&
	    a->last_finished_at == b->last_finished_at && a->since == b->since &&
	    a->staff == b->staff && strcmp(a->reason, b->reason) == 0;
}

static int
queue_eq(const struct engine_queue *a, const struct engine_queue *b)
{
	return a->index == b->index && strcmp(a->day, b->day) == 0 &&
	    a->next_number == b->next_number &&
	    a->normal_run == b->normal_run &&
	    a->priority_run == b->priority_run &&
	    a->service_ewma_s == b->service_ewma_s;
}

/* Every row the results reported equals the engine's live row: no change
 * goes unreported.  Tickets of other days have left memory. */
static void
check_mirror(const engine *e, const struct mirror *m)
{
	int64_t id;
	int i;

	for (id = 1; id <= m->last_ticket; id++) {
		const struct engine_ticket *t;

		if (!m->have[id] || strcmp(m->t[id].day, engine_day(e)) != 0)
			continue;
		t = engine_ticket_by_id(e, id);
		assert_non_null(t);
		assert_true(ticket_eq(t, &m->t[id]));
	}
	for (i = 0; i < NC; i++)
		if (m->c[i].state != 0)
			assert_true(counter_eq(engine_counter(e, i), &m->c[i]));
	for (i = 0; i < NQ; i++)
		if (m->q[i].next_number != 0)
			assert_true(queue_eq(engine_queue(e, i), &m->q[i]));
	assert_true(m->last_event == engine_last_event_id(e));
}

/* A copy of one result, to compare two engines' answers. */
struct snap {
	int rc, nev, nt, nc, nq;
	int64_t ticket;
	struct engine_event ev[512];
	struct engine_ticket t[512];
	struct engine_counter c[NC];
	struct engine_queue q[NQ];
};

static void
snap_take(struct snap *s, int rc)
{
	int i;

	memset(s, 0, sizeof *s);
	s->rc = rc;
	s->nev = R.nevents;
	s->nt = R.ntickets;
	s->nc = R.ncounters;
	s->nq = R.nqueues;
	s->ticket = R.ticket;
	assert_true(s->nev <= 512 && s->nt <= 512);
	for (i = 0; i < s->nev; i++)
		s->ev[i] = R.events[i];
	for (i = 0; i < s->nt; i++)
		s->t[i] = *R.tickets[i];
	for (i = 0; i < s->nc; i++)
		s->c[i] = *R.counters[i];
	for (i = 0; i < s->nq; i++)
		s->q[i] = *R.queues[i];
}

static void
snap_compare(const struct snap *a, const struct snap *b)
{
	int i;

	assert_int_equal(a->rc, b->rc);
	assert_int_equal(a->nev, b->nev);
	assert_int_equal(a->nt, b->nt);
	assert_int_equal(a->nc, b->nc);
	assert_int_equal(a->nq, b->nq);
	assert_true(a->ticket == b->ticket);
	for (i = 0; i < a->nev; i++)
		assert_true(event_eq(&a->ev[i], &b->ev[i]));
	for (i = 0; i < a->nt; i++)
		assert_true(ticket_eq(&a->t[i], &b->t[i]));
	for (i = 0; i < a->nc; i++)
		assert_true(counter_eq(&a->c[i], &b->c[i]));
	for (i = 0; i < a->nq; i++)
		assert_true(queue_eq(&a->q[i], &b->q[i]));
}

/* Check the invariants of e; issued tracks (day, number) pairs. */
struct seen {
	char day[11];
	unsigned char num[10000];
};

static void
check_invariants(engine *e)
{
	const struct engine_ticket *const *open;
	int nopen = engine_open_tickets(e, &open), i, c, q;
	int waiting = 0, held = 0, perq[NQ] = { 0 }, first_ahead = 0, first_est = 0;
	const struct engine_ticket *first = NULL;

	for (c = 0; c < NC; c++) {
		const struct engine_counter *ec = engine_counter(e, c);

		if (ec->ticket == 0)
			continue;
		const struct engine_ticket *t = engine_ticket_by_id(e, ec->ticket);

		assert_non_null(t);
		assert_true(t->state == ENGINE_T_CALLED ||
		    t->state == ENGINE_T_SERVING);
		assert_int_equal(t->counter, c);
		assert_int_equal(ec->state, ENGINE_C_OPEN);
		for (int d = c + 1; d < NC; d++)
			assert_true(engine_counter(e, d)->ticket != ec->ticket);
	}
	for (i = 0; i < nopen; i++) {
		const struct engine_ticket *t = open[i];

		assert_ptr_equal(engine_ticket_by_id(e, t->id), t);
		assert_ptr_equal(engine_ticket_by_code(e, t->code), t);
		switch (t->state) {
		case ENGINE_T_WAITING: {
			int a1, e1, a2, e2;

			waiting++;
			perq[t->queue]++;
			/* The cached live position (one play-out for all)
			 * is the one a play-out of this ticket alone gives. */
			assert_int_equal(engine_position(e, t->id, &a1, &e1), 0);
			assert_int_equal(engine_position_one(e, t->id, &a2, &e2), 0);
			assert_int_equal(a1, a2);
			assert_int_equal(e1, e2);
			if (first == NULL) {
				first = t;
				first_ahead = a1;
				first_est = e1;
			}
			positions_checked++;
			break;
		}
		case ENGINE_T_CALLED:
		case ENGINE_T_SERVING:
			held++;
			assert_true(engine_counter(e, t->counter)->ticket == t->id);
			break;
		case ENGINE_T_PARKED:
			assert_true(t->assigned_counter >= 0);
			break;
		default:
			fail_msg("closed ticket %lld in the open list",
			    (long long)t->id);
		}
		if (t->state == ENGINE_T_WAITING) {
			int ahead, est;

			assert_int_equal(engine_position(e, t->id, &ahead, &est), 0);
			assert_true(ahead >= 0 && ahead < nopen);
			assert_true(est >= 0);
		}
	}
	/* The first ticket asked of this version had a play-out of its own;
	   asked again it comes from the live figures of all: the same. */
	if (first != NULL) {
		int a, est;

		assert_int_equal(engine_position(e, first->id, &a, &est), 0);
		assert_int_equal(a, first_ahead);
		assert_int_equal(est, first_est);
	}
	for (q = 0; q < NQ; q++)
		assert_int_equal(engine_waiting_count(e, q), perq[q]);
	for (c = 0; c < NC; c++)
		if (engine_counter(e, c)->ticket != 0)
			held--;
	assert_int_equal(held, 0);
	(void)waiting;
}

/* Record numbers issued by the last result; fail on a repeat in a day. */
static void
check_numbers(struct seen *s)
{
	int i;

	for (i = 0; i < R.nevents; i++) {
		const struct engine_event *ev = &R.events[i];
		const struct engine_ticket *t = NULL;

		if (ev->type != ENGINE_EV_ISSUED)
			continue;
		for (int j = 0; j < R.ntickets; j++)
			if (R.tickets[j]->id == ev->ticket)
				t = R.tickets[j];
		assert_non_null(t);
		if (strcmp(t->day, s->day) != 0) {
			memcpy(s->day, t->day, sizeof s->day);
			memset(s->num, 0, sizeof s->num);
		}
		assert_true(t->number >= 1 && t->number <= 9999);
		assert_int_equal(s->num[t->number], 0);
		s->num[t->number] = 1;
		assert_int_equal(t->number, ev->number);
	}
}

/* Successful commands per type and day closes seen by random_run. */
static int ok_by_type[ENGINE_DAY_CLOSE + 1];
static int day_closes;

/* Run n random commands from *now on e (and on b when given, comparing). */
static void
random_run(engine *e, engine *b, struct mirror *m, struct seen *s,
    int64_t *now, int n)
{
	static struct snap sa, sb;
	int i, rc;

	for (i = 0; i < n; i++) {
		struct engine_cmd cmd;

		*now += rng() % 90;
		/* Now and then the night passes. */
		if (rng() % 400 == 0)
			*now += 15 * 3600;
		cmd = random_cmd(e, *now);
		if (rng() % 300 == 0)
			cmd.type = ENGINE_DAY_CLOSE;
		rc = run(e, &cmd);
		if (rc == 0) {
			ok_by_type[cmd.type]++;
			for (int k = 0; k < R.nevents; k++)
				day_closes += R.events[k].type == ENGINE_EV_DAY_CLOSED;
			mirror_apply(m);
			check_mirror(e, m);
			check_numbers(s);
		} else {
			assert_true(rc < 0 && -rc <= ENGINE_EDUPCODE);
		}
		if (b != NULL) {
			snap_take(&sa, rc);
			rc = run(b, &cmd);
			snap_take(&sb, rc);
			snap_compare(&sa, &sb);
		}
		check_invariants(e);
	}
}

static void
test_restore_equivalence(void **state)
{
	static struct mirror m;
	struct seen s;
	engine *a, *b;
	int64_t now = T0;
	int round, live_restores = 0, called_restores = 0;

	(void)state;
	cfg_init();
	cfg.policy.target_override = 1;
	cfg.policy.backup_past_target = 1;
	cfg.policy.pause_expected_min = 2;   /* paused counters count */
	set_hours("08:00-10:00 10:30-18:00");
	memset(&m, 0, sizeof m);
	memset(&s, 0, sizeof s);
	rng_state = 0x5eed1234abcdULL;
	a = engine_new(&cfg);
	/* The store holds every counter and queue row from the start. */
	for (int i = 0; i < NC; i++)
		m.c[i] = *engine_counter(a, i);
	for (int i = 0; i < NQ; i++)
		m.q[i] = *engine_queue(a, i);
	for (round = 0; round < 12; round++) {
		random_run(a, NULL, &m, &s, &now, 150);
		/* Restart: b from the rows, then both must answer alike. */
		b = mirror_restore(&m, engine_day(a));
		{
			const struct engine_ticket *const *open;
			int n = engine_open_tickets(b, &open);

			live_restores += n > 0;
			for (int k = 0; k < n; k++)
				called_restores += open[k]->state == ENGINE_T_CALLED ||
				    open[k]->state == ENGINE_T_SERVING;
		}
		assert_string_equal(engine_day(a), engine_day(b));
		assert_true(engine_last_event_id(a) == engine_last_event_id(b));
		check_invariants(b);
		/* The range is learnt from the rows: the same after a restart. */
		for (int est = 300; est <= 9600; est *= 2) {
			int la, ha, lb, hb;

			assert_int_equal(engine_estimate_range(a, est, &la, &ha),
			    engine_estimate_range(b, est, &lb, &hb));
			assert_int_equal(la, lb);
			assert_int_equal(ha, hb);
		}
		random_run(a, b, &m, &s, &now, 60);
		engine_free(b);
	}
	engine_free(a);
	/* The restarts happened with people waiting and being served. */
	assert_true(live_restores >= 6);
	assert_true(called_restores >= 3);
}

static void
test_random_invariants(void **state)
{
	static struct mirror m;
	struct seen s;
	engine *e;
	int64_t now = T0;
	int seed;

	(void)state;
	passes = 0;
	positions_checked = 0;
	for (seed = 1; seed <= 4; seed++) {
		cfg_init();
		cfg.policy.priority_interleave = seed % 3;
		cfg.policy.priority_max_consecutive = seed % 2 + 1;
		cfg.policy.target_override = seed % 2;
		cfg.policy.backup_past_target = seed / 2 % 2;
		cfg.policy.priority_first_free = seed != 2;
		cfg.policy.daily_reset = seed != 3;
		cfg.policy.transfer_keeps_place = seed % 2;
		memset(&m, 0, sizeof m);
		memset(&s, 0, sizeof s);
		rng_state = 0x9e3779b97f4a7c15ULL * (uint64_t)seed;
		e = engine_new(&cfg);
		random_run(e, NULL, &m, &s, &now, 3000);
		engine_free(e);
	}
	/* The sequence really exercised every command and several days. */
	for (int t = ENGINE_ISSUE; t <= ENGINE_DAY_CLOSE; t++)
		if (ok_by_type[t] == 0)
			fail_msg("command %d never succeeded", t);
	assert_true(day_closes >= 8);
	/* ...and rule 3a (priority_first_free) passed queues over; the live
	 * positions were compared on many waiting tickets. */
	assert_true(passes > 0);
	assert_true(positions_checked > 1000);
}

/* The reference figures of a ticket issued by cmd now, from the state
 * before it (what ISSUE computes), with the engine's clock at cmd's. */
static void
ref_issue(engine *e, const struct engine_cmd *cmd, int *ahead, int *est)
{
	struct tk n;
	int64_t keep = e->now;

	memset(&n, 0, sizeof n);
	n.t.id = e->last_ticket_id + 1;
	n.t.queue = cmd->queue >= 0 ? cmd->queue :
	    cfg.procedures[cmd->procedure].queue;
	n.t.procedure = cmd->procedure;
	n.t.priority = cmd->priority;
	n.t.state = ENGINE_T_WAITING;
	n.t.counter = n.t.assigned_counter = -1;
	n.t.order = e->last_event_id + 1;
	n.t.issued_at = n.t.enqueued_at = cmd->now;
	n.list_idx = n.open_idx = -1;
	e->now = cmd->now;
	ref_position(e, &n, ahead, est);
	e->now = keep;
}

/* Every figure the estimator gives, against the reference. */
static long ref_checked;

static void
check_against_ref(engine *e)
{
	const struct engine_ticket *const *open;
	int nopen = engine_open_tickets(e, &open), i, q, k;

	for (i = 0; i < nopen; i++) {
		int a1, e1, a2, e2, a3, e3;

		if (open[i]->state != ENGINE_T_WAITING)
			continue;
		assert_int_equal(engine_position(e, open[i]->id, &a1, &e1), 0);
		assert_int_equal(engine_position_one(e, open[i]->id, &a2, &e2), 0);
		ref_position(e, engine_find_id(e, open[i]->id), &a3, &e3);
		assert_int_equal(a1, a3);
		assert_int_equal(e1, e3);
		assert_int_equal(a2, a3);
		assert_int_equal(e2, e3);
		ref_checked++;
	}
	for (q = 0; q < NQ; q++)
		for (k = 0; k <= 1; k++) {
			struct tk n;
			int a1, e1, a2, e2;

			/* engine_queue_estimate's ticket "issued now". */
			memset(&n, 0, sizeof n);
			n.t.id = INT64_MAX;
			n.t.order = INT64_MAX;
			n.t.queue = q;
			n.t.procedure = -1;
			n.t.priority = k;
			n.t.assigned_counter = n.t.counter = -1;
			n.t.state = ENGINE_T_WAITING;
			n.t.issued_at = n.t.enqueued_at = e->now;
			n.list_idx = n.open_idx = -1;
			assert_int_equal(engine_queue_estimate(e, q, k, &a1, &e1), 0);
			ref_position(e, &n, &a2, &e2);
			assert_int_equal(a1, a2);
			assert_int_equal(e1, e2);
		}
}

/* Set cfg's opening hours to n sessions given as minute pairs from the
 * local time of now (all within the day). */
static void
set_hours_from(int64_t now, const int *min, int n)
{
	time_t tt = (time_t)now;
	struct tm tm;
	int sod, i;

	localtime_r(&tt, &tm);
	sod = tm.tm_hour * 3600 + tm.tm_min * 60;
	assert_true(sod + min[2 * n - 1] * 60 < 24 * 3600);
	for (i = 0; i < n; i++) {
		cfg.policy.open_from_s[i] = sod + min[2 * i] * 60;
		cfg.policy.open_to_s[i] = sod + min[2 * i + 1] * 60;
	}
	cfg.policy.nopen_hours = n;
}

/*
 * With opening hours, a counter paused between sessions (lunch) is
 * expected back at the next opening, not pause_expected_min after it
 * paused; one paused after the last session takes no part.
 */
static void
test_pause_open_hours(void **state)
{
	engine *e = fresh();
	int64_t id1, id2;
	int ahead, est;

	(void)state;
	cfg.policy.pause_expected_min = 20;
	set_hours("08:00-11:30 13:30-17:00");
	open_counter(e, C4, at(0, 11, 0));
	/* Lunch from 11:40: back at 13:30. */
	assert_int_equal(at_counter(e, ENGINE_COUNTER_PAUSE, C4, at(0, 11, 40)),
	    0);
	id1 = issue(e, QD, 0, at(0, 12, 0));
	assert_int_equal(tkt(e, id1)->est_wait_s, 90 * 60);
	/* Inside a session: pause start + 20 min, as without hours. */
	open_counter(e, C4, at(0, 13, 30));
	assert_int_equal(serve(e, C4, at(0, 13, 31)), id1);
	assert_int_equal(at_counter(e, ENGINE_COUNTER_PAUSE, C4, at(0, 14, 0)),
	    0);
	id1 = issue(e, QD, 0, at(0, 14, 5));
	assert_int_equal(tkt(e, id1)->est_wait_s, 15 * 60);
	/* Paused after the last session: takes no part (ahead x service). */
	open_counter(e, C4, at(0, 16, 0));
	assert_int_equal(serve(e, C4, at(0, 16, 1)), id1);
	assert_int_equal(at_counter(e, ENGINE_COUNTER_PAUSE, C4, at(0, 17, 5)),
	    0);
	id1 = issue(e, QD, 0, at(0, 17, 10));
	id2 = issue(e, QD, 0, at(0, 17, 11));
	assert_int_equal(tkt(e, id1)->est_wait_s, 0);
	assert_int_equal(engine_position(e, id2, &ahead, &est), 0);
	assert_int_equal(ahead, 1);
	/* The two 1-s services count: (10 x 300 + 2) / 12. */
	assert_int_equal(est, 250);
	engine_free(e);
}

/*
 * A paused counter is expected back at its pause start + pause_expected_min
 * (at once when the pause has run longer), then calls as an open one; with
 * pause_expected_min 0 it takes no part.  Nothing learned yet: hold =
 * service (D: 5 min), no call delay.
 */
static void
test_pause_return(void **state)
{
	engine *e = fresh();
	int64_t id1, id2, id3;
	int ahead, est;

	(void)state;
	cfg.policy.pause_expected_min = 20;
	open_counter(e, C4, T0);
	assert_int_equal(at_counter(e, ENGINE_COUNTER_PAUSE, C4, T0 + 10), 0);
	/* Back at T0 + 10 + 20 min. */
	id1 = issue(e, QD, 0, T0 + 310);
	assert_int_equal(tkt(e, id1)->est_wait_s, 900);
	id2 = issue(e, QD, 0, T0 + 400);
	assert_int_equal(tkt(e, id2)->est_wait_s, 810 + 300);
	assert_int_equal(engine_position(e, id1, &ahead, &est), 0);
	assert_int_equal(est, 810);
	assert_int_equal(engine_position_one(e, id2, &ahead, &est), 0);
	assert_int_equal(est, 1110);
	/* The pause has run past 20 min: back now, never earlier. */
	id3 = issue(e, QD, 0, T0 + 1500);
	assert_int_equal(tkt(e, id3)->est_wait_s, 600);
	assert_int_equal(engine_position(e, id1, &ahead, &est), 0);
	assert_int_equal(est, 0);
	assert_int_equal(engine_position(e, id2, &ahead, &est), 0);
	assert_int_equal(est, 300);
	/* Open again: an open counter, as before. */
	open_counter(e, C4, T0 + 1600);
	assert_int_equal(engine_position(e, id3, &ahead, &est), 0);
	assert_int_equal(est, 600);
	engine_free(e);

	/* pause_expected_min = 0: the paused counter takes no part; with no
	 * counter for D, ahead x service. */
	e = fresh();
	cfg.policy.pause_expected_min = 0;
	open_counter(e, C4, T0);
	assert_int_equal(at_counter(e, ENGINE_COUNTER_PAUSE, C4, T0 + 10), 0);
	id1 = issue(e, QD, 0, T0 + 310);
	assert_int_equal(tkt(e, id1)->est_wait_s, 0);
	id2 = issue(e, QD, 0, T0 + 400);
	assert_int_equal(tkt(e, id2)->est_wait_s, 300);
	/* A closed counter takes no part whatever pause_expected_min says. */
	cfg.policy.pause_expected_min = 20;
	assert_int_equal(at_counter(e, ENGINE_COUNTER_CLOSE, C4, T0 + 500), 0);
	assert_int_equal(engine_position(e, id2, &ahead, &est), 0);
	assert_int_equal(est, 300);
	engine_free(e);
}

/* ---- the range shown for a long wait ------------------------------------ */

/* Restore into e a DONE ticket of T0's day, issued at T0 + i minutes with
 * estimate est, called wait seconds later, calls times. */
static void
restore_waited(engine *e, int i, int est, int wait, int calls)
{
	struct engine_ticket t;

	memset(&t, 0, sizeof t);
	t.id = 1000 + i;
	snprintf(t.code, sizeof t.code, "r%d", i);
	engine_day_of(T0, cfg.day_start_hour, t.day);
	t.number = 1001 + i;
	t.queue = QA;
	t.procedure = -1;
	t.state = ENGINE_T_DONE;
	t.counter = C1;
	t.assigned_counter = -1;
	t.order = i + 1;
	t.issued_at = t.enqueued_at = T0 + 60 * i;
	t.called_at = t.issued_at + wait;
	t.started_at = t.called_at + 30;
	t.finished_at = t.started_at + 300;
	t.calls = calls;
	t.est_wait_s = est;
	engine_restore_ticket(e, &t);
}

/* engine_estimate_range(e, est) returns rc with [lo, hi]. */
static void
expect_range(const engine *e, int est, int rc, int lo, int hi)
{
	int l, h;

	assert_int_equal(engine_estimate_range(e, est, &l, &h), rc);
	assert_int_equal(l, lo);
	assert_int_equal(h, hi);
}

/*
 * engine_estimate_range: a single figure below 4 minutes; the default
 * 0.6-1.8 x until 30 waits are known; then the narrowest window holding
 * 80 % of the waits against their estimates, in the estimate's own band or
 * all bands pooled; ends rounded out to 5 minutes, the low end possibly 0;
 * a huge wait capped; only tickets called once and never transferred.
 */
static void
test_estimate_range(void **state)
{
	engine *e = fresh();
	int lo, hi, i;

	(void)state;
	/* No history yet: a short wait keeps its figure. */
	expect_range(e, 239, 0, 239, 239);
	expect_range(e, 0, 0, 0, 0);
	/* 20 min: 12..36 min, rounded out to 10..40. */
	expect_range(e, 1200, 1, 600, 2400);
	/* 5 min: 3..9, so 0..10 ("dưới 10 phút"). */
	expect_range(e, 300, 1, 0, 600);
	/* A huge wait (10 h): 6 h to at most the estimate itself. */
	expect_range(e, 36000, 1, 21600, 36000);
	engine_free(e);

	/* 29 tickets estimated 20 min who waited 24-24.6: still the
	 * default; the 30th makes the band learnt.  Recalled tickets (their
	 * called_at is the last call) are not counted. */
	e = fresh();
	for (i = 0; i < 29; i++)
		restore_waited(e, i, 1200, 1440 + i, 1);
	for (i = 29; i < 40; i++)
		restore_waited(e, i, 1200, 3000, 2);
	engine_restore_done(e);
	expect_range(e, 1200, 1, 600, 2400);
	engine_free(e);
	e = fresh();
	for (i = 0; i < 30; i++)
		restore_waited(e, i, 1200, 1440 + i, 1);
	engine_restore_done(e);
	/* Every wait was 1.2-1.225 x: 24-24.5 min, rounded out to 20-25. */
	expect_range(e, 1200, 1, 1200, 1500);
	/* 50 min is another band, with nothing in it: all bands pooled
	 * (60-61.25, so 60-65). */
	expect_range(e, 3000, 1, 3600, 3900);
	/* Under 4 min is still a single figure. */
	expect_range(e, 239, 0, 239, 239);
	engine_free(e);

	/* Learnt through commands: 40 tickets of A at one counter, each
	 * called about 1.5 x its estimate after issue; a copy restored from
	 * their rows gives the same ranges, learnt (not the default). */
	e = fresh();
	open_counter(e, C3, T0);
	{
		int64_t ids[40], prev = T0 + 40;
		engine *b;
		int j;

		for (i = 0; i < 40; i++)
			ids[i] = issue(e, QA, 0, T0 + i);
		for (i = 0; i < 40; i++) {
			const struct engine_ticket *t = tkt(e, ids[i]);
			int64_t at = t->issued_at + t->est_wait_s * 3 / 2;

			if (at <= prev + 10)
				at = prev + 20;    /* after the last one finished */
			assert_int_equal(call_next(e, C3, at), ids[i]);
			assert_int_equal(at_counter(e, ENGINE_FINISH, C3, at + 10), 0);
			prev = at;
		}
		b = engine_new(&cfg);
		for (i = 0; i < 40; i++)
			engine_restore_ticket(b, tkt(e, ids[i]));
		engine_restore_done(b);
		for (j = 300; j <= 9600; j *= 2) {
			int lb, hb;

			assert_int_equal(engine_estimate_range(e, j, &lo, &hi), 1);
			assert_int_equal(engine_estimate_range(b, j, &lb, &hb), 1);
			assert_int_equal(lo, lb);
			assert_int_equal(hi, hb);
		}
		/* 40 min: about 1.5 x, so not the default 20-75. */
		engine_estimate_range(e, 2400, &lo, &hi);
		assert_true(lo >= 3000 && hi <= 4800);
		engine_free(b);
	}
	engine_free(e);

	/* The narrowest window: 10 waits at 0.5 x and 40 between 1.0 and
	 * 1.1 x of 30 min: 80 % lies in 1.0-1.1 x, not from 0.5 x. */
	e = fresh();
	for (i = 0; i < 10; i++)
		restore_waited(e, i, 1800, 900, 1);
	for (i = 10; i < 50; i++)
		restore_waited(e, i, 1800, 1800 + 4 * (i - 10), 1);
	engine_restore_done(e);
	expect_range(e, 1800, 1, 1800, 2100);
	engine_free(e);
}

/*
 * The fast estimator (shared hall per version, slotted-in ticket, one
 * play-out for all live positions) gives exactly the figures of the
 * play-out built from scratch: at issue, live, one by one and per queue,
 * after every command of random sequences that let queues grow long.
 */
static void
test_estimate_matches_reference(void **state)
{
	static struct mirror m;
	engine *e;
	int64_t now = T0;
	int seed, i, issues = 0, longest = 0;

	(void)state;
	ref_checked = 0;
	for (seed = 1; seed <= 4; seed++) {
		cfg_init();
		cfg.policy.priority_interleave = seed % 3;
		cfg.policy.priority_max_consecutive = seed % 2 + 1;
		cfg.policy.target_override = seed != 3;
		cfg.policy.backup_past_target = seed / 2 % 2;
		cfg.policy.priority_first_free = seed != 2;
		cfg.policy.transfer_keeps_place = seed % 2;
		/* Paused counters back after 0 (take no part), 1, 3, 8 min:
		 * pauses that end within the play-out and pauses overrun. */
		cfg.policy.pause_expected_min = (int[]){ 0, 1, 0, 3, 8 }[seed];
		/* Opening hours with gaps inside the seed's run (about 3 h
		 * from now) for two seeds: arrivals until the session closes,
		 * none between, pauses begun between sessions back at the
		 * next opening, none after the last. */
		if (seed == 3)
			set_hours_from(now, (const int[]){ 10, 30, 45, 65, 80,
			    100, 115, 135 }, 4);
		else if (seed == 4)
			set_hours_from(now, (const int[]){ 0, 40, 70, 110 }, 2);
		memset(&m, 0, sizeof m);
		rng_state = 0x243f6a8885a308d3ULL * (uint64_t)seed;
		e = engine_new(&cfg);
		for (i = 0; i < 600; i++) {
			struct engine_cmd cmd;
			int rc, ra = 0, rest = 0, check, w;
			char day[11];

			/* A third of the commands in the same second as the
			   one before, as in a burst at the kiosks: the estimate
			   then starts from the figures of the state after it. */
			if (rng() % 3 != 0)
				now += rng() % 40;
			/* Appointments expected in the coming hour
			   (engine_set_booked): now and then, 0 to 7 in a queue. */
			if (seed % 2 == 1 && rng() % 25 == 0)
				engine_set_booked(e, (int)(rng() % NQ), (int)(rng() % 8));
			cmd = random_cmd(e, now);
			/* Phases of heavy arrivals: queues of tens. */
			if ((i / 100) % 2 == 0 && rng() % 3 == 0) {
				cmd = mk(ENGINE_ISSUE, now, -1);
				cmd.queue = (int)(rng() % NQ);
				cmd.priority = rng() % 5 == 0;
				snprintf(cmd.code, sizeof cmd.code, "h%u",
				    rng() % 100000);
			}
			engine_day_of(cmd.now, cfg.day_start_hour, day);
			check = cmd.type == ENGINE_ISSUE &&
			    strcmp(day, engine_day(e)) == 0;
			if (check)
				ref_issue(e, &cmd, &ra, &rest);
			rc = run(e, &cmd);
			if (rc == 0 && check) {
				const struct engine_ticket *t =
				    engine_ticket_by_id(e, R.ticket);

				assert_int_equal(t->ahead, ra);
				assert_int_equal(t->est_wait_s, rest);
				issues++;
			}
			check_against_ref(e);
			w = 0;
			for (int q = 0; q < NQ; q++)
				w += engine_waiting_count(e, q);
			if (w > longest)
				longest = w;
		}
		engine_free(e);
	}
	assert_true(issues > 400);
	assert_true(ref_checked > 50000);
	assert_true(longest >= 30);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue),
		cmocka_unit_test(test_numbering_exhausted),
		cmocka_unit_test(test_numbering_continuous),
		cmocka_unit_test(test_call_start_finish),
		cmocka_unit_test(test_no_show_and_recall_limit),
		cmocka_unit_test(test_call_specific),
		cmocka_unit_test(test_counter_states),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_rating),
		cmocka_unit_test(test_interleave_n),
		cmocka_unit_test(test_interleave_zero_cap),
		cmocka_unit_test(test_target_override),
		cmocka_unit_test(test_backup_levels),
		cmocka_unit_test(test_priority_first_free),
		cmocka_unit_test(test_several_queues_same_level),
		cmocka_unit_test(test_transfer),
		cmocka_unit_test(test_park_unpark),
		cmocka_unit_test(test_day_close),
		cmocka_unit_test(test_rollover),
		cmocka_unit_test(test_day_of),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_recalls_left),
		cmocka_unit_test(test_restore_equivalence),
		cmocka_unit_test(test_random_invariants),
		cmocka_unit_test(test_pause_return),
		cmocka_unit_test(test_pause_open_hours),
		cmocka_unit_test(test_estimate_matches_reference),
		cmocka_unit_test(test_estimate_range),
	};

	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
