/*
 * test_sim.c - unit tests of the day simulator (host/tools/sim.c): the random
 * generator against reference values, the day generator (seed -> same day,
 * shares and ranges), the day-file parser and its errors, the two baseline
 * configs, and the figures of tiny hand-made days whose waits are known
 * exactly (including the engine's estimate for each ticket).
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

#include "core/config.h"
#include "core/engine.h"
#include "tools/sim.h"

static struct config cfg;
static struct config_procedure procs[3];

/* Two departments: TP with queues A (counter 1) and B (counter 2, A as
 * backup); XD with queue C (counter 3, B as backup). */
static void
cfg_init(void)
{
	memset(&cfg, 0, sizeof cfg);
	memset(procs, 0, sizeof procs);
	cfg.day_start_hour = 4;
	cfg.ndepartments = 2;
	cfg.departments[0].code = (char *)"TP";
	cfg.departments[0].name = (char *)"Sở Tư pháp";
	cfg.departments[1].code = (char *)"XD";
	cfg.departments[1].name = (char *)"Sở Xây dựng";
	cfg.nqueues = 3;
	cfg.queues[0] = (struct config_queue){ .code = (char *)"A",
	    .name = (char *)"Hộ tịch", .department = 0, .number_first = 1001,
	    .number_last = 1999, .target_wait_min = 10, .service_min = 10,
	    .transfer_keeps_place = -1, .sms_near_ahead = -1,
	    .booking_capacity = 0, .remote_cap = 0 };
	cfg.queues[1] = (struct config_queue){ .code = (char *)"B",
	    .name = (char *)"Chứng thực", .department = 0, .number_first = 2001,
	    .number_last = 2999, .target_wait_min = 30, .service_min = 5,
	    .transfer_keeps_place = -1, .sms_near_ahead = -1,
	    .booking_capacity = 0, .remote_cap = 0 };
	cfg.queues[2] = (struct config_queue){ .code = (char *)"C",
	    .name = (char *)"Xây dựng", .department = 1, .number_first = 3001,
	    .number_last = 3999, .target_wait_min = 30, .service_min = 15,
	    .transfer_keeps_place = -1, .sms_near_ahead = -1,
	    .booking_capacity = 0, .remote_cap = 0 };
	cfg.ncounters = 3;
	cfg.counters[0] = (struct config_counter){ .number = 1,
	    .name = (char *)"Quầy 1", .department = 0, .nserves = 1,
	    .serves = { { 0, CONFIG_PRIMARY } } };
	cfg.counters[1] = (struct config_counter){ .number = 2,
	    .name = (char *)"Quầy 2", .department = 0, .nserves = 2,
	    .serves = { { 1, CONFIG_PRIMARY }, { 0, CONFIG_BACKUP } } };
	cfg.counters[2] = (struct config_counter){ .number = 3,
	    .name = (char *)"Quầy 3", .department = 1, .nserves = 2,
	    .serves = { { 2, CONFIG_PRIMARY }, { 1, CONFIG_BACKUP } } };
	cfg.npriority = 2;
	cfg.priority[1].code = (char *)"elderly";
	cfg.priority[2].code = (char *)"disabled";
	procs[0] = (struct config_procedure){ .code = (char *)"1.001",
	    .department = 0, .queue = 0 };
	procs[1] = (struct config_procedure){ .code = (char *)"1.002",
	    .department = 0, .queue = 1 };
	procs[2] = (struct config_procedure){ .code = (char *)"1.003",
	    .department = 1, .queue = 2 };
	cfg.nprocedures = 3;
	cfg.procedures = procs;
	cfg.policy.priority_interleave = 3;
	cfg.policy.priority_max_consecutive = 2;
	cfg.policy.target_override = 1;
	cfg.policy.backup_past_target = 1;
	cfg.policy.recall_limit = 1;
	cfg.policy.transfer_keeps_place = 1;
	cfg.policy.rating_window_s = 60;
	cfg.policy.daily_reset = 1;
}

static void
test_rng_reference(void **state)
{
	struct sim_rng r;

	(void)state;
	/* splitmix64(0)'s first output is the published test value. */
	sim_rng_seed(&r, 0);
	assert_true(r.s[0] == 0xe220a8397b1dcdafULL);
	/* xoshiro256** from seed 1 (computed independently). */
	sim_rng_seed(&r, 1);
	assert_true(sim_rng_next(&r) == 0xb3f2af6d0fc710c5ULL);
	assert_true(sim_rng_next(&r) == 0x853b559647364ceaULL);
	assert_true(sim_rng_next(&r) == 0x92f89756082a4514ULL);
	for (int i = 0; i < 10000; i++) {
		double u = sim_rng_unit(&r);
		int k = sim_rng_range(&r, 3, 7);

		assert_true(u >= 0 && u < 1);
		assert_true(k >= 3 && k <= 7);
	}
}

static void
test_generate_repeatable(void **state)
{
	struct sim_day d;
	struct sim_visitor *a, *b, *c;
	int na, nb, nc, i, prio = 0, gone = 0, late = 0, perq[3] = { 0 };

	(void)state;
	cfg_init();
	sim_day_default(&d);
	d.seed = 42;
	sim_generate(&d, &cfg, &a, &na);
	sim_generate(&d, &cfg, &b, &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, (size_t)na * sizeof *a);
	d.seed = 43;
	sim_generate(&d, &cfg, &c, &nc);
	assert_true(nc != na || memcmp(a, c, (size_t)na * sizeof *a) != 0);
	/* About 600 visitors (Poisson: sd about 25). */
	assert_true(na > 500 && na < 700);
	for (i = 0; i < na; i++) {
		const struct sim_visitor *v = &a[i];

		assert_true(i == 0 || v->arrive >= a[i - 1].arrive);
		assert_true((v->arrive >= d.open_s[0] && v->arrive < d.close_s[0]) ||
		    (v->arrive >= d.open_s[1] && v->arrive < d.close_s[1]));
		assert_true(v->queue >= 0 && v->queue < 3);
		assert_int_equal(procs[v->procedure].queue, v->queue);
		assert_true(v->priority >= 0 && v->priority <= 2);
		assert_true(v->service_s >= 30 && v->service_s <= 4 * 3600);
		assert_true(v->walk_s >= d.walk_min_s && v->walk_s <= d.walk_max_s);
		assert_true(v->transfer_queue != v->queue);
		prio += v->priority > 0;
		gone += v->answer == SIM_GONE;
		late += v->answer == SIM_LATE;
		perq[v->queue]++;
	}
	/* Shares near the day's (8 %, 4 %, 5 %). */
	assert_true(prio > na * 0.04 && prio < na * 0.13);
	assert_true(gone > 0 && gone < na * 0.09);
	assert_true(late > 0 && late < na * 0.10);
	/* Capacity / service: A 1/600, B 1/300, C 1/900 -> B busiest. */
	assert_true(perq[1] > perq[0] && perq[0] > perq[2]);
	free(a);
	free(b);
	free(c);
}

static void
test_mix_and_scale(void **state)
{
	struct sim_day d;
	struct sim_visitor *a, *b;
	int na, nb, i, xd_a = 0, xd_b = 0;

	(void)state;
	cfg_init();
	sim_day_default(&d);
	sim_generate(&d, &cfg, &a, &na);
	d.scale = 1.3;
	d.dept_weight[1] = 3.0;
	sim_generate(&d, &cfg, &b, &nb);
	assert_true(nb > na * 1.15 && nb < na * 1.45);
	for (i = 0; i < na; i++)
		xd_a += a[i].queue == 2;
	for (i = 0; i < nb; i++)
		xd_b += b[i].queue == 2;
	assert_true((double)xd_b / nb > 1.8 * xd_a / na);
	free(a);
	free(b);
}

/* Parse text into d over defaults; returns the parser's result. */
static int
parse(struct sim_day *d, const char *text, char *err, size_t errlen)
{
	sim_day_default(d);
	return sim_day_parse(d, &cfg, text, strlen(text), "t.day", err, errlen);
}

static void
test_day_parse(void **state)
{
	struct sim_day d;
	char err[256];

	(void)state;
	cfg_init();
	assert_int_equal(parse(&d,
	    "# a day\n"
	    "name test\nseed 77\ndate 2026-04-01\nvisitors 120\nscale 1.5\n"
	    "session 08:00 11:00   # morning\n"
	    "session 13:00 16:30\n"
	    "hour 8 1\nhour 9 3.5\nhour 13 2\n"
	    "priority 0.2\nno_show 0.1\nlate 0\ntransfer 0.05\nsigma 0.3\n"
	    "walk 0 0\ndelay 1 2\nrecall_after 30\n"
	    "mix XD 2.5\nqueue_mix B 0.5\nabsent 2\nopens_late 3 15\n"
	    "pause 1 09:30 20\n", err, sizeof err), 0);
	assert_string_equal(d.name, "test");
	assert_true(d.seed == 77);
	assert_int_equal(d.year, 2026);
	assert_int_equal(d.month, 4);
	assert_int_equal(d.nsessions, 2);
	assert_int_equal(d.open_s[0], 8 * 3600);
	assert_int_equal(d.close_s[1], 16 * 3600 + 1800);
	assert_true(d.hour_weight[9] == 3.5 && d.hour_weight[10] == 0);
	assert_true(d.priority_share == 0.2 && d.late_share == 0);
	assert_true(d.dept_weight[1] == 2.5 && d.queue_weight[1] == 0.5);
	assert_int_equal(d.late_min[1], -1);
	assert_int_equal(d.late_min[2], 15);
	assert_int_equal(d.npauses, 1);
	assert_int_equal(d.pauses[0].counter, 0);
	assert_int_equal(d.pauses[0].at, 9 * 3600 + 1800);
	assert_int_equal(d.pauses[0].duration_s, 1200);
	assert_int_equal(d.recall_after_s, 30);

	/* Errors name the line. */
	assert_int_equal(parse(&d, "name x\nfoo 1\n", err, sizeof err), -1);
	assert_string_equal(err, "t.day:2: unknown key 'foo'");
	assert_int_equal(parse(&d, "session 11:00 08:00\n", err, sizeof err), -1);
	assert_non_null(strstr(err, "t.day:1:"));
	assert_int_equal(parse(&d, "\n\nsession 8:00 11:00\n", err, sizeof err), -1);
	assert_non_null(strstr(err, "t.day:3:"));
	assert_int_equal(parse(&d, "absent 9\n", err, sizeof err), -1);
	assert_int_equal(parse(&d, "mix ZZ 1\n", err, sizeof err), -1);
	assert_int_equal(parse(&d, "visitors 12x\n", err, sizeof err), -1);
	assert_int_equal(parse(&d, "priority 1.5\n", err, sizeof err), -1);
	assert_int_equal(parse(&d, "seed -3\n", err, sizeof err), -1);
	assert_int_equal(parse(&d, "walk 1\n", err, sizeof err), -1);
	assert_int_equal(parse(&d, "date 2026-13-01\n", err, sizeof err), -1);
	assert_int_equal(parse(&d, "pause 1 25:00 10\n", err, sizeof err), -1);
	assert_int_equal(parse(&d, "no_show 0.6\nlate 0.6\n", err, sizeof err), -1);
	/* Every opening hour weighted 0: no arrivals possible. */
	assert_int_equal(parse(&d, "session 08:00 09:00\nhour 10 1\n", err,
	    sizeof err), -1);
	/* A refused file leaves the defaults. */
	assert_string_equal(d.name, "default");
}

static void
test_baselines(void **state)
{
	struct config *f, *p;
	int c;

	(void)state;
	cfg_init();
	f = sim_config_variant(&cfg, SIM_FIFO);
	/* Counter 2: A (own department backup) becomes primary. */
	assert_int_equal(f->counters[1].nserves, 2);
	assert_int_equal(f->counters[1].serves[1].queue, 0);
	assert_int_equal(f->counters[1].serves[1].level, CONFIG_PRIMARY);
	/* Counter 3: B (another department's) is dropped. */
	assert_int_equal(f->counters[2].nserves, 1);
	assert_int_equal(f->counters[2].serves[0].queue, 2);
	assert_int_equal(f->policy.priority_interleave, 0);
	assert_int_equal(f->policy.target_override, 0);
	assert_int_equal(f->policy.backup_past_target, 0);
	assert_int_equal(f->policy.priority_first_free, 0);
	/* The original is untouched. */
	assert_int_equal(cfg.counters[2].nserves, 2);
	assert_int_equal(cfg.counters[1].serves[1].level, CONFIG_BACKUP);

	p = sim_config_variant(&cfg, SIM_POOLED);
	assert_int_equal(p->nqueues, 1);
	assert_int_equal(p->nprocedures, 0);
	for (c = 0; c < p->ncounters; c++) {
		assert_int_equal(p->counters[c].nserves, 1);
		assert_int_equal(p->counters[c].serves[0].queue, 0);
		assert_int_equal(p->counters[c].serves[0].level, CONFIG_PRIMARY);
	}
	assert_int_equal(p->queues[0].number_last, 9999);
	sim_config_free(f);
	sim_config_free(p);
}

/* The cross-training variant: own department kept, neighbours' primary
 * queues added as backups, other departments' backups dropped. */
static void
test_crosstrain(void **state)
{
	struct config *x;
	int c;

	(void)state;
	cfg_init();
	/* k = 0: counter 3 (XD) loses its backup of B (TP); counter 2 keeps
	 * A (own department). */
	x = sim_config_crosstrain(&cfg, 0);
	assert_int_equal(x->counters[2].nserves, 1);
	assert_int_equal(x->counters[2].serves[0].queue, 2);
	assert_int_equal(x->counters[1].nserves, 2);
	assert_int_equal(x->counters[1].serves[1].level, CONFIG_BACKUP);
	sim_config_free(x);
	/* k = 1: counter 1 backs up B (counter 2's primary), counter 3 backs
	 * up B again (its neighbour counter 2), not A (two away). */
	x = sim_config_crosstrain(&cfg, 1);
	assert_int_equal(x->counters[0].nserves, 2);
	assert_int_equal(x->counters[0].serves[1].queue, 1);
	assert_int_equal(x->counters[0].serves[1].level, CONFIG_BACKUP);
	assert_int_equal(x->counters[2].nserves, 2);
	assert_int_equal(x->counters[2].serves[1].queue, 1);
	/* Counter 2 gets C from counter 3; its primary B stays primary. */
	assert_int_equal(x->counters[1].nserves, 3);
	assert_int_equal(x->counters[1].serves[0].level, CONFIG_PRIMARY);
	assert_int_equal(x->counters[1].serves[2].queue, 2);
	sim_config_free(x);
	/* k < 0: every queue, primaries unchanged. */
	x = sim_config_crosstrain(&cfg, -1);
	for (c = 0; c < x->ncounters; c++) {
		assert_int_equal(x->counters[c].nserves, 3);
		assert_int_equal(x->counters[c].serves[0].level, CONFIG_PRIMARY);
		assert_int_equal(x->counters[c].serves[0].queue,
		    cfg.counters[c].serves[0].queue);
	}
	/* The original is untouched. */
	assert_int_equal(cfg.counters[2].nserves, 2);
	assert_int_equal(cfg.counters[0].nserves, 1);
	sim_config_free(x);
}

/* A day 08:00-12:00 with no staff delays and visitors at the counter at
 * once. */
static void
tiny_day(struct sim_day *d)
{
	sim_day_default(d);
	d->nsessions = 1;
	d->open_s[0] = 8 * 3600;
	d->close_s[0] = 12 * 3600;
	d->delay_min_s = d->delay_max_s = 0;
	d->walk_min_s = d->walk_max_s = 0;
	d->recall_after_s = 45;
}

/* A visitor of queue q at 08:mm:ss with service s. */
static struct sim_visitor
vis(int q, int mm, int ss, int service)
{
	struct sim_visitor v;

	memset(&v, 0, sizeof v);
	v.arrive = 8 * 3600 + mm * 60 + ss;
	v.procedure = -1;
	v.queue = q;
	v.answer = SIM_ANSWERS;
	v.service_s = service;
	v.transfer_queue = -1;
	return v;
}

static void
test_figures_hand_day(void **state)
{
	static struct sim_report r;
	struct sim_day d;
	struct sim_visitor v[3];
	char err[256];

	(void)state;
	cfg_init();
	tiny_day(&d);
	/* Queue C, counter 3 alone (B, its backup, stays empty). */
	v[0] = vis(2, 0, 0, 600);
	v[1] = vis(2, 1, 0, 300);
	v[2] = vis(2, 2, 0, 60);
	assert_int_equal(sim_run_variant(&d, &cfg, v, 3, SIM_CONFIGURED, &r,
	    err, sizeof err), 0);
	/* Called 08:00, 08:10, 08:15: waits 0, 540, 780 s. */
	assert_int_equal(r.visitors, 3);
	assert_int_equal(r.called, 3);
	assert_int_equal(r.served, 3);
	assert_int_equal(r.wait.n, 3);
	assert_true(r.wait.mean == 440.0);
	assert_int_equal(r.wait.median, 540);
	assert_int_equal(r.wait.p90, 780);
	assert_int_equal(r.wait.max, 780);
	assert_int_equal(r.qwait[2].n, 3);
	assert_int_equal(r.qwait[0].n, 0);
	/* Target 30 min: all within; longest queue 2 (at 08:02). */
	assert_true(r.service_level[2] == 1.0);
	assert_int_equal(r.qlongest[2], 2);
	assert_int_equal(r.longest_queue, 2);
	assert_int_equal(r.longest_at, 8 * 3600 + 120);
	/* Busy 08:00-08:16 of 08:00-12:00. */
	assert_int_equal(r.busy_s[2], 960);
	assert_int_equal(r.open_s[2], 4 * 3600);
	assert_true(r.utilisation[2] == 960.0 / (4 * 3600));
	/* Estimates: 0 (counter free); 900 - 60 left of the first service
	 * (15 min mean); 1 ahead x 900 + 900 - 120 left.  Errors 0, 300, 900. */
	assert_int_equal(r.est_n, 3);
	assert_int_equal(r.est_err_median, 300);
	assert_int_equal(r.est_err_p90, 900);
	assert_true(r.est_within == 1.0);
	/* By band of the estimate (0, 14, 28 min) the waits in minutes (0,
	 * 9, 13); the errors in minutes (0, 5, 15). */
	assert_int_equal(sim_est_band(0), 0);
	assert_int_equal(sim_est_band(59), 0);
	assert_int_equal(sim_est_band(300), 5);
	assert_int_equal(sim_est_band(840), 9);
	assert_int_equal(sim_est_band(1680), 12);
	assert_int_equal(sim_est_band(150 * 60), SIM_EST_BANDS - 1);
	assert_int_equal(sim_est_band(1000 * 60), SIM_EST_BANDS - 1);
	assert_int_equal(r.est_hist[0][0], 1);
	assert_int_equal(r.est_hist[9][9], 1);
	assert_int_equal(r.est_hist[12][13], 1);
	assert_int_equal(r.est_errhist[0], 1);
	assert_int_equal(r.est_errhist[5], 1);
	assert_int_equal(r.est_errhist[15], 1);
	assert_int_equal(r.end_s, 12 * 3600);
}

static void
test_figures_noshow_priority(void **state)
{
	static struct sim_report r;
	struct sim_day d;
	struct sim_visitor v[5];
	char err[256];

	(void)state;
	cfg_init();
	tiny_day(&d);
	/* Queue A, counter 1 only (2 serves A as backup but is busy with B
	 * from 08:00 to 09:00). */
	v[0] = vis(1, 0, 0, 3600);
	v[1] = vis(0, 0, 0, 100);
	v[1].answer = SIM_GONE;        /* called 08:00, recall 08:00:45,
	                                  no-show 08:01:30 */
	v[2] = vis(0, 0, 10, 100);
	v[3] = vis(0, 0, 20, 100);     /* priority */
	v[3].priority = 1;
	v[4] = vis(0, 0, 15, 100);
	/* Arrival order of the array is not required to be sorted for sim_run,
	 * but keep it sorted as the generator does. */
	{
		struct sim_visitor t = v[3];

		v[3] = v[4];
		v[4] = t;
	}
	/* One priority call after each normal call. */
	cfg.policy.priority_interleave = 1;
	assert_int_equal(sim_run_variant(&d, &cfg, v, 5, SIM_CONFIGURED, &r,
	    err, sizeof err), 0);
	assert_int_equal(r.no_shows, 1);
	assert_int_equal(r.served, 4);
	/* After the no-show (a normal call) the priority visitor of 08:00:20
	 * goes first at 08:01:30 (70 s) while two normal ones wait; then
	 * 08:00:10 at 08:03:10 (180 s) and 08:00:15 at 08:04:50 (275 s). */
	assert_int_equal(r.wait_prio.n, 1);
	assert_int_equal(r.wait_prio.max, 70);
	assert_int_equal(r.wait_normal.n, 4);
	assert_int_equal(r.wait_normal.median, 0);
	assert_int_equal(r.wait_normal.max, 275);
	assert_true(r.wait_normal.mean == (0 + 0 + 180 + 275) / 4.0);
	assert_int_equal(r.prio_run_max, 1);
	/* Against dept-FIFO: priority goes first there too, so the same. */
	assert_int_equal(sim_run_variant(&d, &cfg, v, 5, SIM_FIFO, &r,
	    err, sizeof err), 0);
	assert_int_equal(r.no_shows, 1);
}

/* Rule 3a by hand: counter 3 (C primary, B backup) calls B's priority
 * visitor before C's normal one, and the cap counts it in C. */
static void
test_figures_priority_first_free(void **state)
{
	static struct sim_report r;
	struct sim_day d;
	struct sim_visitor v[4];
	char err[256];

	(void)state;
	cfg_init();
	tiny_day(&d);
	cfg.policy.priority_interleave = 1;
	v[0] = vis(1, 0, 0, 3600);     /* B: counter 2 until 09:00 */
	v[1] = vis(2, 0, 0, 600);      /* C: counter 3 until 08:10 */
	v[2] = vis(2, 1, 0, 100);      /* C, normal, 08:01 */
	v[3] = vis(1, 2, 0, 100);      /* B, priority, 08:02 */
	v[3].priority = 1;
	cfg.policy.priority_first_free = 1;
	assert_int_equal(sim_run_variant(&d, &cfg, v, 4, SIM_CONFIGURED, &r,
	    err, sizeof err), 0);
	/* 08:10:00 the priority visitor (480 s), 08:11:40 the normal one
	 * (640 s), who was passed once. */
	assert_int_equal(r.wait_prio.n, 1);
	assert_int_equal(r.wait_prio.max, 480);
	assert_int_equal(r.wait_normal.max, 640);
	assert_int_equal(r.prio_run_max, 1);
	/* Without the rule counter 3 serves its own queue first. */
	cfg.policy.priority_first_free = 0;
	assert_int_equal(sim_run_variant(&d, &cfg, v, 4, SIM_CONFIGURED, &r,
	    err, sizeof err), 0);
	assert_int_equal(r.wait_prio.max, 580);
	assert_int_equal(r.wait_normal.max, 540);
	assert_int_equal(r.prio_run_max, 0);
}

/* The status-page probe: an engine backend that also records what the
 * status page showed, so the figures can be checked against it. */
struct probe_rec {
	struct sim_backend inner;
	int n;
	int64_t ticket[8];
	int est[8];
	int issued, issue_est[8];    /* the estimates printed on the tickets */
};

static int
probe_exec(void *arg, const struct engine_cmd *cmd, struct sim_reply *rep)
{
	struct probe_rec *pr = arg;
	int rc = pr->inner.exec(pr->inner.arg, cmd, rep);

	if (rc == 0 && cmd->type == ENGINE_ISSUE && pr->issued < 8)
		pr->issue_est[pr->issued++] = rep->est_wait_s;
	return rc;
}

static int
probe_position(void *arg, int64_t ticket, int *ahead, int *est)
{
	struct probe_rec *pr = arg;
	int rc = pr->inner.position(pr->inner.arg, ticket, ahead, est);

	if (rc == 0 && pr->n < 8) {
		pr->ticket[pr->n] = ticket;
		pr->est[pr->n++] = *est;
	}
	return rc;
}

/* A range backend for the figures: 500-700 s whatever the estimate. */
static int
fixed_range(void *arg, int est, int *lo, int *hi)
{
	(void)arg;
	(void)est;
	*lo = 500;
	*hi = 700;
	return 1;
}

static void
test_status_page_probe(void **state)
{
	static struct sim_report r;
	static struct probe_rec pr;
	struct sim_backend b;
	struct sim_day d;
	struct sim_visitor v[4];
	engine *e;
	char err[256];
	int rest[2], e2, e3, lo, hi;

	(void)state;
	cfg_init();
	tiny_day(&d);
	cfg.policy.priority_interleave = 1;
	cfg.policy.priority_first_free = 1;
	/* As in test_figures_priority_first_free: called 08:00, 08:00,
	 * 08:11:40 and 08:10:00. */
	v[0] = vis(1, 0, 0, 3600);
	v[1] = vis(2, 0, 0, 600);
	v[2] = vis(2, 1, 0, 100);
	v[3] = vis(1, 2, 0, 100);
	v[3].priority = 1;
	e = engine_new(&cfg);
	memset(&pr, 0, sizeof pr);
	sim_engine_backend(&pr.inner, e);
	b = pr.inner;
	b.exec = probe_exec;
	b.position = probe_position;
	b.range = fixed_range;
	b.arg = &pr;
	assert_int_equal(sim_run(&d, &cfg, &cfg, v, 4, &b, &r, err,
	    sizeof err), 0);
	engine_free(e);
	/* The range 500-700 s against the waits 0, 0, 640 and 480 s: one
	 * inside; distances 500, 500, 0, 20; the midpoint's errors 600, 600,
	 * 40, 120.  On the status page the rests 340 and 180 s: none inside,
	 * 160 and 320 s away. */
	assert_int_equal(r.rng_n, 4);
	assert_int_equal(r.rng_in, 1);
	assert_int_equal(r.rng_width_median, 200);
	assert_int_equal(r.rng_dist_p90, 500);
	assert_int_equal(r.rng_mid_p90, 600);
	assert_int_equal(r.lrng_n, 2);
	assert_int_equal(r.lrng_in, 0);
	assert_int_equal(r.lrng_dist_p90, 320);
	assert_int_equal(r.lrng_mid_p90, 420);
	/* Read at 08:06 (v2) and 08:07 (v3): the two called before 08:05
	 * were not. */
	assert_int_equal(pr.n, 2);
	assert_int_equal(r.live_n, 2);
	e2 = pr.est[0];
	e3 = pr.est[1];
	rest[0] = 5 * 60 + 40;     /* 08:06:00 -> 08:11:40 */
	rest[1] = 3 * 60;          /* 08:07:00 -> 08:10:00 */
	lo = abs(e2 - rest[0]);
	hi = abs(e3 - rest[1]);
	if (lo > hi) {
		int t = lo;

		lo = hi;
		hi = t;
	}
	assert_int_equal(r.live_err_median, lo);
	assert_int_equal(r.live_err_p90, hi);
	assert_true(r.live_within == ((rest[0] <= (e2 + 59) / 60 * 60) +
	    (rest[1] <= (e3 + 59) / 60 * 60)) / 2.0);
	/* The same visitors' tickets: 640 s and 480 s of wait. */
	assert_int_equal(pr.issued, 4);
	lo = abs(pr.issue_est[2] - 640);
	hi = abs(pr.issue_est[3] - 480);
	assert_int_equal(r.live_ticket_median, lo < hi ? lo : hi);
	assert_int_equal(r.live_ticket_p90, lo < hi ? hi : lo);
}

static void
test_transfer_and_pooled(void **state)
{
	static struct sim_report r;
	struct sim_day d;
	struct sim_visitor v[2];
	char err[256];

	(void)state;
	cfg_init();
	tiny_day(&d);
	v[0] = vis(0, 0, 0, 100);
	v[0].transfer_queue = 1;       /* then B for 200 s at counter 2 */
	v[0].service2_s = 200;
	v[1] = vis(0, 0, 30, 50);      /* counter 2 (A backup) calls it at
	                                  once: wait 0 */
	assert_int_equal(sim_run_variant(&d, &cfg, v, 2, SIM_CONFIGURED, &r,
	    err, sizeof err), 0);
	assert_int_equal(r.transfers, 1);
	assert_int_equal(r.served, 2);
	assert_int_equal(r.wait.max, 0);
	assert_int_equal(r.busy_s[0], 100);
	assert_int_equal(r.busy_s[1], 250);
	/* Dept-FIFO: counter 2 serves A too (same department). */
	assert_int_equal(sim_run_variant(&d, &cfg, v, 2, SIM_FIFO, &r,
	    err, sizeof err), 0);
	assert_int_equal(r.busy_s[1], 250);
	/* Pooled: one queue; the transferred part is done at the same
	 * counter, so counter 1 works 300 s, and v1 goes to counter 2. */
	assert_int_equal(sim_run_variant(&d, &cfg, v, 2, SIM_POOLED, &r,
	    err, sizeof err), 0);
	assert_int_equal(r.transfers, 0);
	assert_int_equal(r.busy_s[0], 300);
	assert_int_equal(r.busy_s[1], 50);
	assert_int_equal(r.served, 2);
}

/* An engine command at time t, with a fresh ticket code. */
static struct engine_cmd
cmd_at(enum engine_cmd_type type, int64_t t, int counter, int queue)
{
	struct engine_cmd cmd = engine_cmd_make(type);
	static unsigned code;

	cmd.now = t;
	cmd.counter = counter;
	cmd.queue = queue;
	cmd.channel = ENGINE_CH_KIOSK;
	snprintf(cmd.code, sizeof cmd.code, "e%u", ++code % 100000u);
	return cmd;
}

/* Run one engine command at time t; returns the engine's answer. */
static int
eng(engine *e, enum engine_cmd_type type, int64_t t, int counter, int queue,
    struct engine_result *res)
{
	struct engine_cmd cmd = cmd_at(type, t, counter, queue);

	return engine_exec(e, &cmd, res);
}

/*
 * The estimator the simulator measures: the play-out (a backup counter
 * helps only once its own queue is empty) and what it learns from the
 * day's ended tickets (service, call -> start, a free counter's delay).
 */
static void
test_estimate_playout(void **state)
{
	struct sim_day d;
	struct engine_result res;
	engine *e;
	int64_t t, a1, b1, b3;
	int ahead, est;

	(void)state;
	cfg_init();
	tiny_day(&d);
	t = sim_day_midnight(&d) + 8 * 3600;
	e = engine_new(&cfg);
	/* Counter 2 alone: primary B, backup A. */
	assert_int_equal(eng(e, ENGINE_COUNTER_OPEN, t, 1, -1, &res), 0);
	assert_int_equal(eng(e, ENGINE_ISSUE, t, -1, 1, &res), 0);
	b1 = res.ticket;
	assert_int_equal(engine_ticket_by_id(e, b1)->est_wait_s, 0);
	/* A waits for B1's 5 min first (the old rule said 0: counter free). */
	assert_int_equal(eng(e, ENGINE_ISSUE, t + 1, -1, 0, &res), 0);
	a1 = res.ticket;
	assert_int_equal(engine_ticket_by_id(e, a1)->ahead, 0);
	assert_int_equal(engine_ticket_by_id(e, a1)->est_wait_s, 300);
	/* B1: called after 10 s, at the counter 20 s later, served 200 s. */
	assert_int_equal(eng(e, ENGINE_CALL_NEXT, t + 10, 1, -1, &res), 0);
	assert_true(res.ticket == b1);
	assert_int_equal(eng(e, ENGINE_START, t + 30, 1, -1, &res), 0);
	assert_int_equal(eng(e, ENGINE_FINISH, t + 230, 1, -1, &res), 0);
	/* Learned: service (10 x 300 + 200) / 11, walk 20, call delay 10. */
	assert_int_equal(eng(e, ENGINE_ISSUE, t + 240, -1, 1, &res), 0);
	assert_int_equal(engine_ticket_by_id(e, res.ticket)->est_wait_s, 10);
	assert_int_equal(eng(e, ENGINE_ISSUE, t + 241, -1, 1, &res), 0);
	b3 = res.ticket;
	assert_int_equal(engine_ticket_by_id(e, b3)->ahead, 1);
	assert_int_equal(engine_ticket_by_id(e, b3)->est_wait_s,
	    (int)(10 + 20 + 3200.0 / 11 + 10 + 0.5));
	/* Live: A1 now comes after B2 and B3. */
	assert_int_equal(engine_position(e, a1, &ahead, &est), 0);
	assert_int_equal(ahead, 0);
	assert_int_equal(est, (int)(10 + 2 * (20 + 3200.0 / 11 + 10) + 0.5));
	engine_free(e);

	/* The play-out follows rule 3a: with priority_first_free a priority
	 * visitor of A (backup) goes before B's normal one at counter 2, who
	 * then waits for A's 10 minutes; without it, A waits for B's 5. */
	for (int rule = 0; rule <= 1; rule++) {
		cfg_init();
		cfg.policy.priority_interleave = 0;
		cfg.policy.priority_first_free = rule;
		e = engine_new(&cfg);
		assert_int_equal(eng(e, ENGINE_COUNTER_OPEN, t, 1, -1, &res), 0);
		assert_int_equal(eng(e, ENGINE_ISSUE, t, -1, 1, &res), 0);
		b1 = res.ticket;
		{
			struct engine_cmd c = cmd_at(ENGINE_ISSUE, t + 1, -1, 0);

			c.priority = 1;
			assert_int_equal(engine_exec(e, &c, &res), 0);
		}
		a1 = res.ticket;
		assert_int_equal(engine_ticket_by_id(e, a1)->est_wait_s,
		    rule ? 0 : 300);
		assert_int_equal(engine_position(e, b1, &ahead, &est), 0);
		assert_int_equal(est, rule ? 600 : 0);
		engine_free(e);
	}
}

static void
test_stats_ranks(void **state)
{
	struct sim_stats s;
	int x[10] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	int one[1] = { 42 };

	(void)state;
	sim_stats_of(x, 10, &s);
	assert_int_equal(s.median, 5);   /* rank ceil(5) */
	assert_int_equal(s.p90, 9);      /* rank ceil(9) */
	assert_int_equal(s.max, 10);
	assert_true(s.mean == 5.5);
	sim_stats_of(one, 1, &s);
	assert_int_equal(s.median, 42);
	assert_int_equal(s.p90, 42);
	sim_stats_of(x, 0, &s);
	assert_int_equal(s.n, 0);
}

static void
test_full_day_runs(void **state)
{
	static struct sim_report a, b;
	struct sim_day d;
	struct sim_visitor *v;
	char err[256];
	int n;

	(void)state;
	cfg_init();
	sim_day_default(&d);
	d.visitors = 150;
	d.npauses = 1;
	d.pauses[0] = (struct sim_pause){ 1, 9 * 3600, 900 };
	d.late_min[2] = 30;
	sim_generate(&d, &cfg, &v, &n);
	assert_int_equal(sim_run_variant(&d, &cfg, v, n, SIM_CONFIGURED, &a,
	    err, sizeof err), 0);
	assert_int_equal(sim_run_variant(&d, &cfg, v, n, SIM_CONFIGURED, &b,
	    err, sizeof err), 0);
	/* Repeatable to the second. */
	assert_memory_equal(&a, &b, sizeof a);
	assert_int_equal(a.visitors, n);
	assert_int_equal(a.called + a.cancelled, n);
	assert_int_equal(a.cancelled, 0);
	assert_true(a.served + a.no_shows == n);
	for (int c = 0; c < cfg.ncounters; c++)
		assert_true(a.utilisation[c] >= 0 && a.utilisation[c] <= 1);
	for (int v2 = 0; v2 < SIM_NVARIANTS; v2++)
		assert_int_equal(sim_run_variant(&d, &cfg, v, n,
		    (enum sim_variant)v2, &b, err, sizeof err), 0);
	free(v);
}

/* Booked visitors (sim_book): 30 % of the day's visitors, each on its
 * slot's grid, within 10 min of its start, of the appointment class; the
 * walk-ins are the day's own visitors, untouched. */
static void
test_book(void **state)
{
	struct sim_day d;
	struct sim_visitor *a, *b;
	int na, nb, i, j, booked = 0, same = 0;

	(void)state;
	cfg_init();
	cfg.npriority = 3;
	cfg.priority[3].code = (char *)"appointment";
	cfg.booking.slot_min = 30;
	cfg.booking.early_min = 15;
	cfg.booking.late_min = 15;
	sim_day_default(&d);
	d.seed = 42;
	sim_generate(&d, &cfg, &a, &na);
	d.booked_share = 0.3;
	sim_generate(&d, &cfg, &b, &nb);
	assert_int_equal(na, nb);
	for (i = 0; i < nb; i++) {
		const struct sim_visitor *v = &b[i];

		assert_true(i == 0 || v->arrive >= b[i - 1].arrive);
		if (v->slot == 0) {
			for (j = 0; j < na; j++)
				if (memcmp(&a[j], v, sizeof *v) == 0)
					break;
			same += j < na;
			continue;
		}
		booked++;
		assert_true(v->slot == d.open_s[0] + (v->slot - d.open_s[0]) / 1800 * 1800 ||
		    v->slot == d.open_s[1] + (v->slot - d.open_s[1]) / 1800 * 1800);
		assert_true(abs(v->arrive - v->slot) <= 600);
		assert_int_equal(v->priority, 3);
	}
	assert_true(booked > nb * 0.24 && booked < nb * 0.36);
	assert_int_equal(same, nb - booked);
	free(a);
	free(b);
}

/* A booked visitor's wait runs from the slot (or a later arrival). */
static void
test_figures_booked(void **state)
{
	static struct sim_report r;
	struct sim_day d;
	struct sim_visitor v[3];
	char err[256];

	(void)state;
	cfg_init();
	tiny_day(&d);
	/* Queue C, counter 3 alone: called 08:00, 08:10, 08:15. */
	v[0] = vis(2, 0, 0, 600);
	v[1] = vis(2, 1, 0, 300);
	v[1].slot = 8 * 3600 + 300;    /* booked 08:05, came 08:01 */
	v[2] = vis(2, 2, 0, 60);
	assert_int_equal(sim_run_variant(&d, &cfg, v, 3, SIM_CONFIGURED, &r,
	    err, sizeof err), 0);
	assert_int_equal(r.wait.max, 780);
	assert_int_equal(r.wait_booked.n, 1);
	assert_int_equal(r.wait_booked.max, 300);   /* 08:10 - 08:05, not 540 */
	assert_int_equal(r.wait_walkin.n, 2);
	assert_int_equal(r.wait_walkin.median, 0);
	assert_int_equal(r.wait_walkin.max, 780);
	/* Booked 08:00:30 but came 08:01: from the arrival. */
	v[1].slot = 8 * 3600 + 30;
	assert_int_equal(sim_run_variant(&d, &cfg, v, 3, SIM_CONFIGURED, &r,
	    err, sizeof err), 0);
	assert_int_equal(r.wait_booked.max, 540);
}

/*
 * The oracle on a day whose future holds no chance: services of exactly
 * the mean (sigma 0), no arrivals to come, nobody missing; but counter 3,
 * the only one for queue C, takes a 20-minute pause the engine cannot
 * know of.  Every future is then the day itself, so the oracle is exact
 * where the engine's estimate is 15-20 minutes short, and the run's own
 * figures are those without the oracle; the oracle that knows only the
 * pauses begun is 20 minutes short too.
 */
static void
test_oracle_known_future(void **state)
{
	static struct sim_report r, plain;
	const struct sim_oracle o = { 7, 1, 0, 0 }, ou = { 7, 1, 1, 0 };
	struct sim_day d;
	struct sim_visitor v[4];
	char err[256];
	int i;

	(void)state;
	cfg_init();
	tiny_day(&d);
	d.visitors = 0;
	d.service_sigma = 0;
	d.no_show_share = d.late_share = d.transfer_share = 0;
	d.npauses = 1;
	d.pauses[0] = (struct sim_pause){ 2, 8 * 3600 + 300, 1200 };
	for (i = 0; i < 4; i++)
		v[i] = vis(2, i, 0, 900);   /* C: 15 min */
	assert_int_equal(sim_run_variant(&d, &cfg, v, 4, SIM_CONFIGURED,
	    &plain, err, sizeof err), 0);
	assert_int_equal(plain.oracle_n, 0);
	assert_int_equal(sim_run_oracle(&d, &cfg, v, 4, &o, &r, err,
	    sizeof err), 0);
	/* 08:00 at once; the pause from 08:15 to 08:35; then every 15 min:
	 * 08:01 waits 34 min, 08:02 48, 08:03 62. */
	assert_int_equal(r.wait.max, 62 * 60);
	assert_int_equal(r.wait.max, plain.wait.max);
	assert_int_equal(r.est_err_p90, plain.est_err_p90);
	assert_int_equal(r.live_err_p90, plain.live_err_p90);
	assert_int_equal(r.oracle_n, 4);
	assert_int_equal(r.oracle_err_median, 0);
	assert_int_equal(r.oracle_err_p90, 0);
	assert_true(r.oracle_ours_p90 >= 19 * 60);
	assert_int_equal(r.oracle_ours_p90, plain.est_err_p90);
	/* The three still waiting at 5 min read the status page at 08:06-08:08
	 * (before the pause): the oracle exact there too. */
	assert_int_equal(r.oracle_live_n, 3);
	assert_int_equal(r.oracle_live_err_p90, 0);
	assert_true(r.oracle_live_ours_p90 >= 15 * 60);
	/* The oracle that knows only pauses begun on the counter misses it
	 * too: at issue it is to come, at 08:06-08:08 it waits for the
	 * counter to be free. */
	assert_int_equal(sim_run_oracle(&d, &cfg, v, 4, &ou, &r, err,
	    sizeof err), 0);
	assert_int_equal(r.oracle_n, 4);
	assert_int_equal(r.oracle_err_p90, 20 * 60);
	assert_int_equal(r.oracle_live_err_p90, 20 * 60);
	assert_int_equal(r.wait.max, plain.wait.max);
}

/*
 * The oracle on a random day: the same figures from the same seed, none
 * from another run's state (the run's own figures are unchanged), and an
 * error that is not zero where the future is random.
 */
static void
test_oracle_deterministic(void **state)
{
	static struct sim_report a, b, plain;
	const struct sim_oracle o = { 9, 5, 0, 0 }, oe = { 9, 5, 1, 1 };
	struct sim_day d;
	struct sim_visitor *v;
	char err[256];
	int n;

	(void)state;
	cfg_init();
	tiny_day(&d);
	d.visitors = 160;
	d.seed = 7;
	sim_generate(&d, &cfg, &v, &n);
	assert_true(n > 100);
	assert_int_equal(sim_run_variant(&d, &cfg, v, n, SIM_CONFIGURED,
	    &plain, err, sizeof err), 0);
	assert_int_equal(sim_run_oracle(&d, &cfg, v, n, &o, &a, err,
	    sizeof err), 0);
	assert_int_equal(sim_run_oracle(&d, &cfg, v, n, &o, &b, err,
	    sizeof err), 0);
	assert_int_equal(a.oracle_n, (n + 4) / 5);
	assert_int_equal(a.oracle_n, b.oracle_n);
	assert_int_equal(a.oracle_err_median, b.oracle_err_median);
	assert_int_equal(a.oracle_err_p90, b.oracle_err_p90);
	assert_int_equal(a.oracle_live_n, b.oracle_live_n);
	assert_int_equal(a.oracle_live_err_p90, b.oracle_live_err_p90);
	assert_true(a.oracle_err_p90 > 0);
	assert_int_equal(a.wait.p90, plain.wait.p90);
	/* The oracle with the engine's arrivals: its own futures, as
	 * repeatable. */
	assert_int_equal(sim_run_oracle(&d, &cfg, v, n, &oe, &a, err,
	    sizeof err), 0);
	assert_int_equal(sim_run_oracle(&d, &cfg, v, n, &oe, &b, err,
	    sizeof err), 0);
	assert_int_equal(a.oracle_n, (n + 4) / 5);
	assert_int_equal(a.oracle_err_p90, b.oracle_err_p90);
	assert_int_equal(a.oracle_live_err_p90, b.oracle_live_err_p90);
	assert_int_equal(a.est_err_p90, plain.est_err_p90);
	assert_int_equal(a.est_err_p90, plain.est_err_p90);
	assert_int_equal(a.live_err_p90, plain.live_err_p90);
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_reference),
		cmocka_unit_test(test_generate_repeatable),
		cmocka_unit_test(test_mix_and_scale),
		cmocka_unit_test(test_day_parse),
		cmocka_unit_test(test_baselines),
		cmocka_unit_test(test_crosstrain),
		cmocka_unit_test(test_figures_hand_day),
		cmocka_unit_test(test_figures_noshow_priority),
		cmocka_unit_test(test_figures_priority_first_free),
		cmocka_unit_test(test_status_page_probe),
		cmocka_unit_test(test_transfer_and_pooled),
		cmocka_unit_test(test_estimate_playout),
		cmocka_unit_test(test_oracle_known_future),
		cmocka_unit_test(test_oracle_deterministic),
		cmocka_unit_test(test_stats_ranks),
		cmocka_unit_test(test_full_day_runs),
		cmocka_unit_test(test_book),
		cmocka_unit_test(test_figures_booked),
	};

	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
