/*
 * sim_history.c - simulated past days written into a store (sim_history.h).
 *
 * A sim_backend on an engine of this process whose every accepted command
 * is also applied to the store, inside one transaction per day, so the
 * events carry the simulated (past) times and the statistics read them as
 * they read the daemon's.  The backend adds what the simulator does not do:
 * the staff of each counter on its commands, and the visitor's press on the
 * rating keypad after a service (and sometimes after a no-show, when no
 * ticket can take it: the engine records it unattached).
 */
#include "tools/sim_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/engine.h"
#include "common/xmalloc.h"

#define HIST_LOAD 1.45            /* visitors x the template's, a weekday */

struct hist {
	const struct config *cfg;
	engine *e;
	store *s;
	struct sim_rng r;            /* ratings */
	int staff[CONFIG_MAX_COUNTERS];
	int bad;                     /* today is the bad day */
	int failed;                  /* the store refused a write */
	struct sim_history_report *rep;
	char err[256];
};

/* Run cmd on the engine and write its result; 0 or -ENGINE_E... */
static int
hist_apply(struct hist *h, const struct engine_cmd *cmd, struct engine_result *res)
{
	int rc = engine_exec(h->e, cmd, res);

	if (rc < 0)
		return rc;
	if (store_apply(h->s, res) != 0) {
		snprintf(h->err, sizeof h->err, "store: %s", store_errmsg(h->s));
		h->failed = 1;
		return -ENGINE_EINVAL;
	}
	return 0;
}

/*
 * The rating a visitor presses: mostly satisfied, worse after a wait past
 * the queue's target and on the bad day.  1 very satisfied .. 4 not.
 */
static int
hist_rating(struct hist *h, const struct engine_ticket *t)
{
	double u = sim_rng_unit(&h->r), shift = 0;
	int target = 0;

	if (t != NULL && t->queue >= 0 && t->queue < h->cfg->nqueues)
		target = h->cfg->queues[t->queue].target_wait_min * 60;
	if (t != NULL && target > 0 && t->called_at - t->enqueued_at > target)
		shift += 0.25;
	if (h->bad)
		shift += 0.15;
	u -= shift;
	if (u < 0.10)
		return 4;
	if (u < 0.22)
		return 3;
	if (u < 0.55)
		return 2;
	return 1;
}

/* A press on the counter's rating keypad at cmd's time. */
static int
hist_rate(struct hist *h, const struct engine_cmd *cmd, const struct engine_ticket *t)
{
	struct engine_cmd r = engine_cmd_make(ENGINE_RATE);
	struct engine_result res;
	int rc;

	r.now = cmd->now;
	r.counter = cmd->counter;
	r.staff = cmd->staff;
	r.value = hist_rating(h, t);
	rc = hist_apply(h, &r, &res);
	if (rc == 0) {
		if (res.ticket != 0)
			h->rep->ratings++;
		else
			h->rep->unattached++;
	}
	return h->failed ? -1 : 0;
}

/* Backend exec: the engine, the store, the staff and the keypad. */
static int
hist_exec(void *arg, const struct engine_cmd *cmd0, struct sim_reply *rep)
{
	struct hist *h = arg;
	struct engine_cmd cmd = *cmd0;
	struct engine_result res;
	const struct engine_ticket *t = NULL;
	int rc;

	if (cmd.counter >= 0 && cmd.counter < h->cfg->ncounters)
		cmd.staff = h->staff[cmd.counter];
	if (cmd.type == ENGINE_ISSUE) {
		/* The simulator numbers codes per day; over many days they must differ. */
		static const char abc[] = "abcdefghijkmnpqrstuvwxyz23456789";
		int k;

		for (k = 0; k < 10; k++)
			cmd.code[k] = abc[sim_rng_next(&h->r) % (sizeof abc - 1)];
		cmd.code[10] = '\0';
	}
	rc = hist_apply(h, &cmd, &res);
	if (rc < 0)
		return rc;
	rep->ticket = res.ticket;
	rep->passed_queue = res.passed_queue;
	if (res.ticket != 0 && (t = engine_ticket_by_id(h->e, res.ticket)) != NULL) {
		rep->state = t->state;
		rep->est_wait_s = t->est_wait_s;
		rep->ahead = t->ahead;
	}
	if (cmd.type == ENGINE_FINISH && t != NULL && t->state == ENGINE_T_DONE &&
	    sim_rng_unit(&h->r) < (h->bad ? 0.55 : 0.7)) {
		struct engine_ticket copy = *t;

		if (hist_rate(h, &cmd, &copy) != 0)
			return -ENGINE_EINVAL;
	} else if (cmd.type == ENGINE_NO_SHOW && sim_rng_unit(&h->r) < 0.25) {
		/* Someone presses the keypad though nobody was served. */
		if (hist_rate(h, &cmd, NULL) != 0)
			return -ENGINE_EINVAL;
	}
	return 0;
}

static int
hist_position(void *arg, int64_t ticket, int *ahead, int *est_s)
{
	struct hist *h = arg;

	return engine_position(h->e, ticket, ahead, est_s);
}

/* The staff id of each counter: user "canboN" for counter number N. */
static void
hist_staff(struct hist *h)
{
	struct store_user u;
	char name[32];
	int c;

	for (c = 0; c < h->cfg->ncounters; c++) {
		snprintf(name, sizeof name, "canbo%d", h->cfg->counters[c].number);
		memset(&u, 0, sizeof u);
		h->staff[c] = store_user_get(h->s, name, &u) == 1 ? u.id : 0;   /* 1 found */
	}
}

/* The day d set to the local calendar day of t; its weekday (0 = Sunday). */
static int
day_at(struct sim_day *d, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	d->year = tm.tm_year + 1900;
	d->month = tm.tm_mon + 1;
	d->mday = tm.tm_mday;
	return tm.tm_wday;
}

/* Make d the bad day: a crowd, two counters missing, slower services. */
static void
make_bad(struct sim_day *d, const struct config *cfg)
{
	int c, gone = 0;

	d->scale *= 1.3;
	d->no_show_share *= 1.8;
	d->service_scale *= 1.15;
	for (c = 1; c < cfg->ncounters && gone < 2; c += 3, gone++)
		d->late_min[c] = -1;
}

int
sim_history_run(const struct config *cfg, store *s, const struct sim_day *tmpl,
    int ndays, int64_t now, uint64_t seed, struct sim_history_report *rep,
    char *err, size_t errlen)
{
	struct hist *h;
	struct sim_backend b;
	struct sim_day today;
	int64_t mid0;
	int i, rc = 0, bad_index;

	memset(rep, 0, sizeof *rep);
	if (ndays < 1 || ndays > 3660) {
		snprintf(err, errlen, "days: 1..3660");
		return -1;
	}
	h = xcalloc(1, sizeof *h);
	h->cfg = cfg;
	h->s = s;
	h->rep = rep;
	h->e = engine_new(cfg);
	sim_rng_seed(&h->r, seed ^ 0x5EED);
	/* Restore what the store already holds (ids go on from there). */
	{
		char day[11];

		engine_day_of(now, cfg->day_start_hour, day);
		if (store_load(s, h->e, day) < 0) {
			snprintf(err, errlen, "store: %s", store_errmsg(s));
			engine_free(h->e);
			free(h);
			return -1;
		}
	}
	hist_staff(h);
	b.exec = hist_exec;
	b.position = hist_position;
	b.range = NULL;
	b.wait_until = NULL;
	b.arg = h;
	b.lenient = 0;
	today = *tmpl;
	day_at(&today, now);
	mid0 = sim_day_midnight(&today);
	/* The bad day: a weekday about a third of the way back. */
	bad_index = ndays >= 3 ? ndays - ndays / 3 : -1;
	for (i = ndays; i >= 1 && rc == 0; i--) {
		struct sim_day d = *tmpl;
		struct sim_visitor *v = NULL;
		struct sim_report *r;
		struct engine_cmd close;
		struct engine_result res;
		int n = 0, wday, end;

		/* Noon of the day i days back (a DST change moves midnight by an hour). */
		wday = day_at(&d, mid0 - (int64_t)i * 86400 + 12 * 3600);
		if (wday == 0) {
			rep->closed++;
			continue;
		}
		d.seed = seed + (uint64_t)i;
		/* The demo's day files load the counters lightly (600 visitors
		 * for 28 counters: waits of seconds); a centre is as busy as its
		 * counters allow, with queues at the peaks (onestop-sim -q: at
		 * 1.45 the p90 wait is about 18 minutes). */
		d.scale *= HIST_LOAD;
		if (wday == 1)
			d.scale *= 1.15;
		else if (wday == 5)
			d.scale *= 0.9;
		else if (wday == 6) {
			d.scale *= 0.45;
			d.nsessions = 1;
			d.open_s[0] = 7 * 3600 + 30 * 60;
			d.close_s[0] = 11 * 3600 + 30 * 60;
			d.npauses = 0;
		}
		h->bad = 0;
		if (bad_index > 0 && i <= bad_index && rep->bad_day[0] == '\0' && wday >= 1 &&
		    wday <= 5) {
			h->bad = 1;
			make_bad(&d, cfg);
			snprintf(rep->bad_day, sizeof rep->bad_day, "%04u-%02u-%02u",
			    (unsigned)d.year % 10000u, (unsigned)d.month % 100u,
			    (unsigned)d.mday % 100u);
		}
		sim_generate(&d, cfg, &v, &n);
		r = xcalloc(1, sizeof *r);
		if (store_begin(s) != 0) {
			snprintf(err, errlen, "store: %s", store_errmsg(s));
			free(v);
			free(r);
			rc = -1;
			break;
		}
		if (sim_run(&d, cfg, cfg, v, n, &b, r, err, errlen) != 0) {
			if (h->failed)
				snprintf(err, errlen, "%s", h->err);
			rc = -1;
		}
		/* Close the day an hour after its last event (before midnight). */
		end = r->end_s + 3600;
		if (end > 86400 - 60)
			end = 86400 - 60;
		close = engine_cmd_make(ENGINE_DAY_CLOSE);
		close.now = sim_day_midnight(&d) + end;
		snprintf(close.reason, sizeof close.reason, "hết giờ làm việc");
		if (rc == 0 && hist_apply(h, &close, &res) != 0) {
			snprintf(err, errlen, "day close: %s", h->failed ? h->err : "refused");
			rc = -1;
		}
		if (rc == 0 && store_commit(s) != 0) {
			snprintf(err, errlen, "store: %s", store_errmsg(s));
			rc = -1;
		}
		if (rc != 0)
			store_rollback(s);
		if (rc == 0) {
			rep->days++;
			rep->visitors += r->visitors;
			rep->served += r->served;
			rep->no_shows += r->no_shows;
			rep->transfers += r->transfers;
		}
		free(v);
		free(r);
	}
	engine_free(h->e);
	free(h);
	return rc;
}
