/*
 * bench_estimate.c - what the estimator costs the daemon's core thread in a
 * big hall: 64 counters, 24 queues, every counter primary on one queue and
 * backup on all the others (the demo centre's cross-training), all of them
 * busy, with 100, 1,000 and 5,000 tickets waiting (issued over the last
 * hour, 8 % priority) after a morning that taught the estimator its means.
 *
 * Printed per level, medians over the repetitions:
 *   issue       one ISSUE command (its people-ahead and estimate included)
 *               and the range its answer shows (engine_estimate_range)
 *   positions   engine_position() and the range of every waiting ticket
 *               right after a change (what GET /api/v1/state and the status
 *               pages need)
 *   queues      engine_queue_estimate() and the range of every queue (the
 *               queue list of GET /api/v1/state: "a ticket issued now would
 *               wait ...")
 *   state       positions + queues of one repetition: the estimator's part
 *               of GET /api/v1/state after a change (goal: < 20 ms, and
 *               issue < 1 ms, with 5,000 waiting)
 *
 *   bench_estimate [-r REPS] [LEVEL...]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/engine.h"

#define NQ 24
#define NC 64
#define MAX_LEVELS 8

static struct config cfg;
static char qcode[NQ][8], cname[NC][16];
static int code_seq;

/* Monotonic milliseconds. */
static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n > 0 ? v[n / 2] : 0;
}

/* The hall: 24 queues (service 5-15 min, targets 15-45 min), 64 counters. */
static void
hall(void)
{
	int q, c, i;

	memset(&cfg, 0, sizeof cfg);
	cfg.day_start_hour = 5;
	cfg.ndepartments = 1;
	cfg.departments[0].code = (char *)"TT";
	cfg.departments[0].name = (char *)"Trung tâm";
	cfg.nqueues = NQ;
	for (q = 0; q < NQ; q++) {
		snprintf(qcode[q], sizeof qcode[q], "Q%02d", q);
		cfg.queues[q] = (struct config_queue){ .code = qcode[q],
		    .name = qcode[q], .department = 0,
		    .number_first = 1 + q * 400, .number_last = (q + 1) * 400,
		    .target_wait_min = 15 + 15 * (q % 3),
		    .service_min = 5 + 5 * (q % 3), .transfer_keeps_place = -1,
		    .sms_near_ahead = -1, .booking_capacity = 0,
		    .remote_cap = 0 };
	}
	cfg.ncounters = NC;
	for (c = 0; c < NC; c++) {
		struct config_counter *cc = &cfg.counters[c];

		snprintf(cname[c], sizeof cname[c], "Quầy %d", c + 1);
		cc->number = c + 1;
		cc->name = cname[c];
		cc->serves[0] = (struct config_serve){ c % NQ, CONFIG_PRIMARY };
		cc->nserves = 1;
		for (i = 0; i < NQ; i++)
			if (i != c % NQ)
				cc->serves[cc->nserves++] =
				    (struct config_serve){ i, CONFIG_BACKUP };
	}
	cfg.npriority = 2;
	cfg.priority[1].code = (char *)"elderly";
	cfg.priority[2].code = (char *)"disabled";
	cfg.policy.priority_interleave = 3;
	cfg.policy.priority_max_consecutive = 2;
	cfg.policy.target_override = 1;
	cfg.policy.priority_first_free = 1;
	cfg.policy.recall_limit = 2;
	cfg.policy.rating_window_s = 60;
	cfg.policy.daily_reset = 1;
}

/* Run a command (the bench's commands are all valid); the ticket acted on. */
static int64_t
run(engine *e, struct engine_cmd *cmd)
{
	struct engine_result res;
	int rc = engine_exec(e, cmd, &res);

	if (rc < 0) {
		fprintf(stderr, "bench_estimate: command %d refused: %s\n",
		    (int)cmd->type, engine_error_code(-rc));
		exit(1);
	}
	return res.ticket;
}

static struct engine_cmd
cmd_at(enum engine_cmd_type type, int64_t now, int c)
{
	struct engine_cmd cmd = engine_cmd_make(type);

	cmd.now = now;
	cmd.counter = c;
	cmd.channel = ENGINE_CH_KIOSK;
	return cmd;
}

/* Issue a ticket; with_range: and the range of its estimate, as the
 * answer to the kiosk shows it. */
static void
issue_r(engine *e, int64_t now, unsigned k, int with_range)
{
	struct engine_cmd cmd = cmd_at(ENGINE_ISSUE, now, -1);
	const struct engine_ticket *t;
	int64_t id;
	int lo, hi;

	cmd.queue = (int)(k * 7 % NQ);
	cmd.priority = k % 12 == 5 ? 1 : 0;
	snprintf(cmd.code, sizeof cmd.code, "b%d", ++code_seq % 100000000);
	id = run(e, &cmd);
	if (with_range && (t = engine_ticket_by_id(e, id)) != NULL)
		engine_estimate_range(e, t->est_wait_s, &lo, &hi);
}

static void
issue(engine *e, int64_t now, unsigned k)
{
	issue_r(e, now, k, 0);
}

/* A hall at 10:00 with `waiting` tickets waiting and every counter busy. */
static engine *
setup(int waiting, int64_t *clock)
{
	engine *e = engine_new(&cfg);
	struct tm tm;
	int64_t t;
	int c, i;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 2;
	tm.tm_mday = 2;
	tm.tm_hour = 7;
	tm.tm_min = 30;
	tm.tm_isdst = -1;
	t = (int64_t)mktime(&tm);
	for (c = 0; c < NC; c++) {
		struct engine_cmd cmd = cmd_at(ENGINE_COUNTER_OPEN, t, c);

		run(e, &cmd);
	}
	/* The morning: 640 visitors served, 10 per counter. */
	for (i = 0; i < 640; i++) {
		struct engine_cmd cmd;

		c = i % NC;
		issue(e, t, (unsigned)i);
		cmd = cmd_at(ENGINE_CALL_NEXT, t + 10, c);
		run(e, &cmd);
		cmd = cmd_at(ENGINE_START, t + 40, c);
		run(e, &cmd);
		cmd = cmd_at(ENGINE_FINISH, t + 40 + 300 + (i * 37) % 600, c);
		run(e, &cmd);
		if (c == NC - 1)
			t += 900 / (NC / 8);
	}
	/* The last hour's arrivals, then every counter takes one. */
	t += 60;
	for (i = 0; i < waiting + NC; i++)
		issue(e, t + (int64_t)i * 3600 / (waiting + NC), (unsigned)i + 1);
	t += 3600;
	for (c = 0; c < NC; c++) {
		struct engine_cmd cmd = cmd_at(ENGINE_CALL_NEXT, t, c);

		run(e, &cmd);
		if (c % 2 == 0) {
			cmd = cmd_at(ENGINE_START, t + 20, c);
			run(e, &cmd);
		}
	}
	*clock = t + 30;
	return e;
}

/* Every waiting ticket's position; returns how many. */
static int
all_positions(engine *e)
{
	const struct engine_ticket *const *open;
	int n = engine_open_tickets(e, &open), i, k = 0, ahead, est, lo, hi;

	for (i = 0; i < n; i++)
		if (open[i]->state == ENGINE_T_WAITING &&
		    engine_position(e, open[i]->id, &ahead, &est) == 0) {
			engine_estimate_range(e, est, &lo, &hi);
			k++;
		}
	return k;
}

static void
bench_level(int waiting, int reps)
{
	double *ti = calloc((size_t)reps, sizeof *ti);
	double *tp = calloc((size_t)reps, sizeof *tp);
	double *tq = calloc((size_t)reps, sizeof *tq);
	double *ts = calloc((size_t)reps, sizeof *ts);
	int64_t t;
	engine *e = setup(waiting, &t);
	int r, q, n = 0;

	for (r = 0; r < reps; r++) {
		double t0;
		int ahead, est, lo, hi;

		t0 = now_ms();
		issue_r(e, t, (unsigned)r, 1);
		ti[r] = now_ms() - t0;
		t0 = now_ms();
		n = all_positions(e);
		tp[r] = now_ms() - t0;
		t0 = now_ms();
		for (q = 0; q < NQ; q++) {
			engine_queue_estimate(e, q, 0, &ahead, &est);
			engine_estimate_range(e, est, &lo, &hi);
		}
		tq[r] = now_ms() - t0;
		ts[r] = tp[r] + tq[r];
		t += 2;
	}
	{
		double mi = median(ti, reps), ms = median(ts, reps);

		printf("  %5d waiting (%5d positions): issue %7.3f ms   positions "
		    "%7.2f ms   queue estimates (%d) %7.2f ms   state %7.2f ms",
		    waiting, n, mi, median(tp, reps), NQ, median(tq, reps), ms);
		if (waiting == 5000)
			printf("   issue / 1 ms %.2f %s, state / 20 ms %.2f %s",
			    mi, mi < 1 ? "ok" : "MISSED", ms / 20,
			    ms < 20 ? "ok" : "MISSED");
		printf("\n");
	}
	engine_free(e);
	free(ti);
	free(tp);
	free(tq);
	free(ts);
}

int
main(int argc, char **argv)
{
	int levels[MAX_LEVELS] = { 100, 1000, 5000 }, nlevels = 3, reps = 15;
	int i, given = 0;

	for (i = 1; i < argc; i++) {
		char *end;
		long v;

		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			v = strtol(argv[++i], &end, 10);
			if (*end != '\0' || v < 1 || v > 10000) {
				fprintf(stderr, "bench_estimate: bad -r\n");
				return 2;
			}
			reps = (int)v;
			continue;
		}
		v = strtol(argv[i], &end, 10);
		if (*end != '\0' || v < 0 || v > 8000) {
			fprintf(stderr, "usage: bench_estimate [-r REPS] "
			    "[LEVEL...] (levels 0..8000)\n");
			return 2;
		}
		if (!given++)
			nlevels = 0;
		if (nlevels < MAX_LEVELS)
			levels[nlevels++] = (int)v;
	}
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	hall();
	printf("estimator cost, %d counters (all busy), %d queues, every counter "
	    "backs up every queue; medians of %d repetitions:\n", NC, NQ, reps);
	for (i = 0; i < nlevels; i++)
		bench_level(levels[i], reps);
	return 0;
}
