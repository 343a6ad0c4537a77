/*
 * onestop_sim.c - onestop-sim: whole simulated days through the real engine
 * (host/tools/sim.c), with their figures; the policy benchmark (--bench: dept-FIFO,
 * onestop's policy and the pooled bound side by side on the standard days,
 * with the goals checked, and the same days with 30 % booked visitors); and
 * the feed mode (--feed URL, sim_feed.c) that
 * plays a day into a running onestopd through its HTTP API.
 *
 *   onestop-sim [-c INI] [-p onestop|dept-fifo|pooled|all] [-q] [-k]
 *               [-r REPS] [-s SEED] DAYFILE...
 *   onestop-sim --bench [-c INI] [-D DAYSDIR] [-r REPS]
 *   onestop-sim --estimate [-c INI] [-D DAYSDIR] [-r REPS]   (its estimate
 *               tables alone, on the five days)
 *   onestop-sim --oracle FUTURES [-c INI] [-D DAYSDIR] [-r REPS]   (the
 *               estimate against the oracle, sim_run_oracle)
 *   onestop-sim --feed URL [-c INI] [-u USER] [-P PASSWORD] [-x SPEED]
 *               [--loop] [DAYFILE]
 *
 * Without a day file the day is generated from the config with defaults.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/engine.h"
#include "tools/sim.h"
#include "tools/sim_feed.h"
#include "tools/sim_history.h"
#include "core/store.h"
#include "common/xmalloc.h"

#define MAX_DAYS 16
#define EST_REPS 40             /* repetitions behind the estimate figures */
#define ORACLE_EVERY 25          /* the oracle: every 25th ticket */
#define ORACLE_REPS 10           /* ... of this many seeds in the bench */
#define ORACLE_FUTURES 50        /* ... with this many futures each */
#define BENCH_REPS 40           /* --bench default: 10 seeds left the
                                 * routing ratios +-0.08 from seed luck */

/* Minutes from seconds, for printing. */
static double
mn(double s)
{
	return s / 60.0;
}

/* One line of wait figures. */
static void
print_stats(const char *label, const struct sim_stats *s)
{
	printf("  %-10s n=%-5d mean %5.1f  median %5.1f  p90 %5.1f  max %5.1f min\n",
	    label, s->n, mn(s->mean), mn(s->median), mn(s->p90), mn(s->max));
}

/* HH:MM of seconds since midnight. */
static const char *
hm(int s, char buf[8])
{
	snprintf(buf, 8, "%02d:%02d", s / 3600 % 100, s / 60 % 60);
	return buf;
}

/* The full report of one run. */
static void
print_report(const struct config *cfg, const struct config *vc,
    const struct sim_day *d, enum sim_variant var, const struct sim_report *r,
    int queues, int counters)
{
	char b1[8];
	int q, c;

	printf("day %s (seed %llu, %04d-%02d-%02d), policy %s: %d visitors, "
	    "%d served, %d no-shows, %d transfers, %d never called\n",
	    d->name, (unsigned long long)d->seed, d->year, d->month, d->mday,
	    sim_variant_name(var), r->visitors, r->served, r->no_shows,
	    r->transfers, r->cancelled);
	print_stats("wait", &r->wait);
	print_stats("normal", &r->wait_normal);
	print_stats("priority", &r->wait_prio);
	printf("  estimate   median error %.1f min, p90 error %.1f min, called "
	    "within the estimate %.0f%%, bias %+.1f min (n=%d)\n",
	    mn(r->est_err_median), mn(r->est_err_p90), 100 * r->est_within,
	    mn(r->est_bias), r->est_n);
	if (r->live_n > 0)
		printf("  status page, %d min after issue: median error %.1f min, "
		    "p90 error %.1f min, called within the estimate shown %.0f%% "
		    "(n=%d still waiting then; their tickets: %.1f / %.1f min)\n",
		    SIM_PROBE_S / 60, mn(r->live_err_median),
		    mn(r->live_err_p90), 100 * r->live_within, r->live_n,
		    mn(r->live_ticket_median), mn(r->live_ticket_p90));
	printf("  longest queue %s: %d waiting at %s; priority calls in a row "
	    "while normal visitors waited: %d (cap %d)\n",
	    r->longest_queue >= 0 ? vc->queues[r->longest_queue].code : "-",
	    r->longest_len, hm(r->longest_at, b1), r->prio_run_max,
	    cfg->policy.priority_max_consecutive);
	if (queues) {
		printf("  %-6s %5s %6s %6s %6s %6s %5s %7s\n", "queue", "n",
		    "mean", "median", "p90", "max", "SL%", "longest");
		for (q = 0; q < cfg->nqueues; q++) {
			const struct sim_stats *s = &r->qwait[q];

			printf("  %-6s %5d %6.1f %6.1f %6.1f %6.1f %5.0f %7d\n",
			    cfg->queues[q].code, s->n, mn(s->mean), mn(s->median),
			    mn(s->p90), mn(s->max), 100 * r->service_level[q],
			    q < vc->nqueues ? r->qlongest[q] : 0);
		}
	}
	if (counters) {
		printf("  utilisation:");
		for (c = 0; c < cfg->ncounters; c++) {
			if (r->utilisation[c] < 0)
				printf(" %d:-", cfg->counters[c].number);
			else
				printf(" %d:%.0f%%", cfg->counters[c].number,
				    100 * r->utilisation[c]);
		}
		printf("\n");
	}
}

/* Run day d (its seed + rep) under variant var; returns 0 or -1. */
static int
run_one(const struct config *cfg, const struct sim_day *d, int rep,
    enum sim_variant var, struct sim_report *r)
{
	struct sim_day dd = *d;
	struct sim_visitor *v;
	char err[256];
	int n, rc;

	dd.seed = d->seed + (uint64_t)rep;
	sim_generate(&dd, cfg, &v, &n);
	rc = sim_run_variant(&dd, cfg, v, n, var, r, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "onestop-sim: day %s: %s\n", d->name, err);
	free(v);
	return rc;
}

/* Averages over the repetitions of one day and variant. */
struct agg {
	double p90, p90_norm, p90_prio, median, mean, max;
	double p90_booked, p90_walkin;     /* a day with bookings (sim_book) */
	double est_med, est_p90, est_within, est_bias;
	double est_p90_min, est_p90_max;   /* over the repetitions */
	double live_med, live_p90, live_within; /* means over reps with any */
	double live_tmed, live_tp90;       /* the same visitors' tickets */
	int live_reps, live_n;
	/* The ranges (sim_report rng_*, lrng_*): counts summed, the rest
	 * means over the repetitions (the status page's: over those with
	 * any visitor still waiting). */
	int rng_n, rng_in, lrng_n, lrng_in, rng_reps, lrng_reps;
	double rng_width, rng_dist, rng_mid, lrng_width, lrng_dist, lrng_mid;
	int prio_run_max;
	double visitors;
	int hist[SIM_EST_BANDS][SIM_WAIT_BINS]; /* waits by estimate band,
	                                           summed over the reps */
	int errhist[SIM_WAIT_BINS];        /* |est - wait|, the same */
};

/* Run reps repetitions; fill *a. */
static int
run_agg(const struct config *cfg, const struct sim_day *d, int reps,
    enum sim_variant var, struct agg *a)
{
	static struct sim_report r;
	int i, b, w;

	memset(a, 0, sizeof *a);
	for (i = 0; i < reps; i++) {
		if (run_one(cfg, d, i, var, &r) < 0)
			return -1;
		a->p90 += r.wait.p90;
		a->p90_norm += r.wait_normal.p90;
		a->p90_prio += r.wait_prio.p90;
		a->p90_booked += r.wait_booked.p90;
		a->p90_walkin += r.wait_walkin.p90;
		a->median += r.wait.median;
		a->mean += r.wait.mean;
		a->max += r.wait.max;
		a->est_med += r.est_err_median;
		a->est_p90 += r.est_err_p90;
		a->est_within += r.est_within;
		a->est_bias += r.est_bias;
		if (i == 0 || r.est_err_p90 < a->est_p90_min)
			a->est_p90_min = r.est_err_p90;
		if (i == 0 || r.est_err_p90 > a->est_p90_max)
			a->est_p90_max = r.est_err_p90;
		a->visitors += r.visitors;
		if (r.live_n > 0) {
			a->live_med += r.live_err_median;
			a->live_p90 += r.live_err_p90;
			a->live_within += r.live_within;
			a->live_tmed += r.live_ticket_median;
			a->live_tp90 += r.live_ticket_p90;
			a->live_reps++;
			a->live_n += r.live_n;
			a->lrng_n += r.lrng_n;
			a->lrng_in += r.lrng_in;
			a->lrng_width += r.lrng_width_median;
			a->lrng_reps += r.lrng_n > 0;
			a->lrng_dist += r.lrng_dist_p90;
			a->lrng_mid += r.lrng_mid_p90;
		}
		a->rng_n += r.rng_n;
		a->rng_in += r.rng_in;
		a->rng_reps += r.rng_n > 0;
		a->rng_width += r.rng_width_median;
		a->rng_dist += r.rng_dist_p90;
		a->rng_mid += r.rng_mid_p90;
		if (r.prio_run_max > a->prio_run_max)
			a->prio_run_max = r.prio_run_max;
		for (b = 0; b < SIM_EST_BANDS; b++)
			for (w = 0; w < SIM_WAIT_BINS; w++)
				a->hist[b][w] += r.est_hist[b][w];
		for (w = 0; w < SIM_WAIT_BINS; w++)
			a->errhist[w] += r.est_errhist[w];
	}
	a->p90 /= reps;
	a->p90_norm /= reps;
	a->p90_prio /= reps;
	a->p90_booked /= reps;
	a->p90_walkin /= reps;
	a->median /= reps;
	a->mean /= reps;
	a->max /= reps;
	a->est_med /= reps;
	a->est_p90 /= reps;
	a->est_within /= reps;
	a->est_bias /= reps;
	a->visitors /= reps;
	if (a->live_reps > 0) {
		a->live_med /= a->live_reps;
		a->live_p90 /= a->live_reps;
		a->live_within /= a->live_reps;
		a->live_tmed /= a->live_reps;
		a->live_tp90 /= a->live_reps;
		a->lrng_dist /= a->live_reps;
		a->lrng_mid /= a->live_reps;
	}
	/* A median width only where a range was shown. */
	a->rng_width /= a->rng_reps > 0 ? a->rng_reps : 1;
	a->lrng_width /= a->lrng_reps > 0 ? a->lrng_reps : 1;
	a->rng_dist /= reps;
	a->rng_mid /= reps;
	return 0;
}

/* Mean p90 (all, normal, priority) over reps of day d on config vc. */
static int
run_cfg(const struct config *cfg, const struct config *vc,
    const struct sim_day *d, int reps, double out[3])
{
	static struct sim_report r;
	int i;

	out[0] = out[1] = out[2] = 0;
	for (i = 0; i < reps; i++) {
		struct sim_day dd = *d;
		struct sim_visitor *v;
		struct sim_backend b;
		engine *e = engine_new(vc);
		char err[256];
		int n, rc;

		dd.seed = d->seed + (uint64_t)i;
		sim_generate(&dd, cfg, &v, &n);
		sim_engine_backend(&b, e);
		rc = sim_run(&dd, cfg, vc, v, n, &b, &r, err, sizeof err);
		engine_free(e);
		free(v);
		if (rc < 0) {
			fprintf(stderr, "onestop-sim: day %s: %s\n", d->name, err);
			return -1;
		}
		out[0] += r.wait.p90;
		out[1] += r.wait_normal.p90;
		out[2] += r.wait_prio.p90;
	}
	for (i = 0; i < 3; i++)
		out[i] /= reps;
	return 0;
}

/* What each rule buys: the configured policy with one rule taken away. */
static int
ablation(const struct config *cfg, const struct sim_day *days, int ndays,
    int reps)
{
	static const char *names[] = {
		"onestop (all rules)", "without backup counters",
		"backup_past_target flipped", "without target_override",
		"priority first, uncapped", "without priority_first_free",
	};
	int k, i, c, j;

	printf("what each rule buys: p90 wait all / normal / priority, minutes\n");
	for (k = 0; k < (int)(sizeof names / sizeof names[0]); k++) {
		struct config *vc = sim_config_variant(cfg, SIM_CONFIGURED);

		if (k == 1)
			for (c = 0; c < vc->ncounters; c++) {
				struct config_counter *cc = &vc->counters[c];
				int n = 0;

				for (j = 0; j < cc->nserves; j++)
					if (cc->serves[j].level == CONFIG_PRIMARY)
						cc->serves[n++] = cc->serves[j];
				cc->nserves = n;
			}
		if (k == 2)
			vc->policy.backup_past_target = !cfg->policy.backup_past_target;
		if (k == 3)
			vc->policy.target_override = 0;
		if (k == 4) {
			vc->policy.priority_interleave = 0;
			vc->policy.priority_max_consecutive = 100;
		}
		if (k == 5)
			vc->policy.priority_first_free = 0;
		printf("  %-28s", names[k]);
		for (i = 0; i < ndays; i++) {
			double x[3];

			if (run_cfg(cfg, vc, &days[i], reps, x) < 0) {
				sim_config_free(vc);
				return -1;
			}
			printf("  %s %5.1f/%5.1f/%5.1f", days[i].name, mn(x[0]),
			    mn(x[1]), mn(x[2]));
		}
		printf("\n");
		sim_config_free(vc);
	}
	return 0;
}

/*
 * How much cross-training buys: the configured policy on the centre's
 * counters with backups from k neighbours on each side (sim.h), p90 wait and
 * its ratio to the pooled bound per day; the smallest k within 1.2x on every
 * day is named.
 */
static int
crosstrain(const struct config *cfg, const struct sim_day *days, int ndays,
    int reps, const double *pooled)
{
	static const int ks[] = { 0, 1, 2, 4, 8, 12, -1 };
	int n = (int)(sizeof ks / sizeof ks[0]), i, x, q, c, j, met = -2;

	printf("cross-training: p90 wait in minutes (ratio to the pooled "
	    "bound) with the configured policy\n  when each counter also backs "
	    "up its k neighbours' queues (other departments' backups dropped):\n");
	for (x = 0; x < n; x++) {
		struct config *vc = sim_config_crosstrain(cfg, ks[x]);
		int lo = vc->ncounters, all = 1;
		double sum = 0;
		char label[40];

		for (q = 0; q < vc->nqueues; q++) {
			int cnt = 0;

			for (c = 0; c < vc->ncounters; c++)
				for (j = 0; j < vc->counters[c].nserves; j++)
					cnt += vc->counters[c].serves[j].queue == q;
			sum += cnt;
			if (cnt < lo)
				lo = cnt;
		}
		if (ks[x] < 0)
			snprintf(label, sizeof label, "every queue");
		else if (ks[x] == 0)
			snprintf(label, sizeof label, "own department only");
		else
			snprintf(label, sizeof label, "k = %d", ks[x]);
		printf("  %-20s counters per queue min %2d mean %4.1f ", label,
		    lo, sum / vc->nqueues);
		for (i = 0; i < ndays; i++) {
			double o[3];

			if (run_cfg(cfg, vc, &days[i], reps, o) < 0) {
				sim_config_free(vc);
				return -1;
			}
			printf("  %s %5.1f (%5.2f)", days[i].name, mn(o[0]),
			    pooled[i] > 0 ? o[0] / pooled[i] : INFINITY);
			all &= pooled[i] > 0 && o[0] <= 1.2 * pooled[i];
		}
		printf("\n");
		if (all && met == -2)
			met = ks[x];
		sim_config_free(vc);
	}
	if (met == -2)
		printf("  no k brings every day within 1.2x of the pooled bound\n");
	else if (met < 0)
		printf("  within 1.2x of the pooled bound on every day only when "
		    "every counter may serve every queue\n");
	else
		printf("  within 1.2x of the pooled bound on every day from "
		    "k = %d\n", met);
	return 0;
}

/* Print "ok" or "MISSED". */
static const char *
verdict(int ok)
{
	return ok ? "ok" : "MISSED";
}

/*
 * The spread of the waits behind one estimate: the p90, in seconds, of
 * |wait - the median wait of the visitors whose estimate fell in the same
 * band| over all visitors of a's repetitions (waits in whole minutes).  No
 * relabelling of these estimates (one figure per band) does better at the
 * p90 than about this.
 */
static double
est_spread(const struct agg *a)
{
	static int dev[SIM_WAIT_BINS];
	long n = 0, k = 0;
	int b, w, med;

	memset(dev, 0, sizeof dev);
	for (b = 0; b < SIM_EST_BANDS; b++) {
		long nb = 0, c = 0;

		for (w = 0; w < SIM_WAIT_BINS; w++)
			nb += a->hist[b][w];
		if (nb == 0)
			continue;
		for (med = 0; med < SIM_WAIT_BINS; med++)
			if ((c += a->hist[b][med]) * 2 >= nb)
				break;
		for (w = 0; w < SIM_WAIT_BINS; w++)
			dev[abs(w - med)] += a->hist[b][w];
		n += nb;
	}
	for (w = 0; w < SIM_WAIT_BINS; w++)
		if ((k += dev[w]) * 10 >= n * 9)
			return w * 60.0;
	return 0;
}

/* The p90 of a's estimate errors pooled over its repetitions, seconds
 * (whole minutes, as est_spread). */
static double
est_pooled_p90(const struct agg *a)
{
	long n = 0, k = 0;
	int w;

	for (w = 0; w < SIM_WAIT_BINS; w++)
		n += a->errhist[w];
	for (w = 0; w < SIM_WAIT_BINS; w++)
		if ((k += a->errhist[w]) * 10 >= n * 9)
			return w * 60.0;
	return 0;
}

/* The days whose estimates the bench measures: the routing days first. */
static const char *const est_names[] = {
	"normal", "peak", "short", "overload", "pause"
};
#define EST_NDAYS ((int)(sizeof est_names / sizeof est_names[0]))

/*
 * The range table: for the ticket and the status page, the share of
 * visitors shown a range, how many of them were called inside it, its
 * median width, and over every visitor the p90 of the distance from the
 * wait to what was shown and of the midpoint's error (goals on the
 * overloaded day: 6 and 4 min, as for the single figure).
 */
static void
range_table(const struct sim_day *d, const struct agg *est, int reps)
{
	int i, live;

	printf("the range shown for a long wait (engine_estimate_range, "
	    "\"khoảng 40–55 phút\"), %d repetitions: shown to (share of the "
	    "row's visitors), called inside it, its median width; over all: "
	    "p90 distance from the wait to what was shown (0 inside), p90 "
	    "error of the midpoint (a single figure: its error); minutes:\n",
	    reps);
	for (live = 0; live < 2; live++) {
		printf("  %s\n", live ? "status page" : "ticket");
		for (i = 0; i < EST_NDAYS; i++) {
			const struct agg *o = &est[i];
			int n = live ? o->lrng_n : o->rng_n;
			int in = live ? o->lrng_in : o->rng_in;
			int all = live ? o->live_n : (int)(o->visitors * reps);
			double dist = live ? o->lrng_dist : o->rng_dist;

			if (live && o->live_reps == 0) {
				printf("    %-8s nobody waited %d min\n",
				    d[i].name, SIM_PROBE_S / 60);
				continue;
			}
			printf("    %-8s shown %3.0f%%  inside %3.0f%%  width "
			    "%4.1f  distance p90 %5.1f %s  midpoint p90 %5.1f\n",
			    d[i].name, all > 0 ? 100.0 * n / all : 0,
			    n > 0 ? 100.0 * in / n : 0,
			    mn(live ? o->lrng_width : o->rng_width), mn(dist),
			    i == 3 ? verdict(dist <= (live ? 240 : 360)) :
			    "      ", mn(live ? o->lrng_mid : o->rng_mid));
		}
	}
}

/*
 * The estimate tables: the printed estimate and the status page's live one
 * against the waits that followed, on every day of est_names (files in
 * dir), over at least EST_REPS seeds.  routed: the bench's aggregates of
 * the first three days when they were run with as many seeds (else NULL).
 */
static int
estimate_tables(const struct config *cfg, const char *dir, int reps,
    struct agg (*routed)[SIM_NVARIANTS])
{
	struct sim_day d[EST_NDAYS];
	struct agg est[EST_NDAYS];
	char path[1024], err[512];
	int i, ereps;

	/* The estimate's tail varies a lot from seed to seed: at least
	 * EST_REPS repetitions, whatever -r says. */
	ereps = reps < EST_REPS ? EST_REPS : reps;
	for (i = 0; i < EST_NDAYS; i++) {
		snprintf(path, sizeof path, "%s/%s.day", dir, est_names[i]);
		if (sim_day_load(&d[i], cfg, path, err, sizeof err) < 0) {
			fprintf(stderr, "onestop-sim: %s\n", err);
			return -1;
		}
		if (routed != NULL && i < 3 && ereps == reps)
			est[i] = routed[i][SIM_CONFIGURED];
		else if (run_agg(cfg, &d[i], ereps, SIM_CONFIGURED, &est[i]) < 0)
			return -1;
	}
	printf("estimated wait on the ticket vs the wait that followed (onestop, "
	    "%d repetitions; p90 error: mean (lowest-highest) over them; "
	    "pooled p90: over all their visitors; spread: the pooled p90 of "
	    "|wait - median wait at the same estimate|, the floor for any "
	    "relabelling; whole minutes):\n", ereps);
	for (i = 0; i < EST_NDAYS; i++) {
		const struct agg *o = &est[i];
		/* Goals: normal day median 2 / p90 6; overload p90 6. */
		int gm = i == 0, gp = i == 0 || i == 3;

		printf("  %-8s median error %4.1f min %s  p90 error %5.1f min "
		    "(%4.1f-%4.1f) %s  called within the estimate %3.0f%%  "
		    "bias %+.1f min  pooled p90 %3.0f, spread %3.0f min\n",
		    d[i].name,
		    mn(o->est_med), gm ? verdict(o->est_med <= 120) : "      ",
		    mn(o->est_p90), mn(o->est_p90_min), mn(o->est_p90_max),
		    gp ? verdict(o->est_p90 <= 360) : "      ",
		    100 * o->est_within, mn(o->est_bias),
		    mn(est_pooled_p90(o)), mn(est_spread(o)));
	}
	printf("the status page's live estimate, read %d min after issue by "
	    "those still waiting, vs the rest of their wait:\n",
	    SIM_PROBE_S / 60);
	for (i = 0; i < EST_NDAYS; i++) {
		const struct agg *o = &est[i];

		if (o->live_reps == 0)
			printf("  %-8s nobody waited %d min\n", d[i].name,
			    SIM_PROBE_S / 60);
		else
			printf("  %-8s median error %4.1f min  p90 error %5.1f "
			    "min %s  called within the estimate shown %3.0f%%  "
			    "(%d visitors over %d repetitions; their tickets' "
			    "errors %.1f / %.1f min)\n", d[i].name,
			    mn(o->live_med), mn(o->live_p90),
			    i == 3 ? verdict(o->live_p90 <= 240) : "      ",
			    100 * o->live_within, o->live_n, ereps,
			    mn(o->live_tmed), mn(o->live_tp90));
	}
	range_table(d, est, ereps);
	return 0;
}

#define BENCH_BOOKED 0.30       /* share of visitors who booked a slot */

/* The same days with 30 % of the visitors booked (sim_book): booked
 * visitors' p90 wait after their slot, walk-ins' against the day without
 * bookings (a[i][SIM_CONFIGURED], the same seeds). */
static int
appointments(const struct config *cfg, const struct sim_day *days, int ndays,
    int reps, struct agg (*a)[SIM_NVARIANTS])
{
	static struct agg b;
	int i;

	printf("appointments: %.0f %% of visitors booked a slot of %d min, come within "
	    "10 min of its start and check in (the appointment class); onestop, p90 "
	    "wait in minutes:\n", BENCH_BOOKED * 100, cfg->booking.slot_min);
	printf("  %-8s %18s %10s %18s %18s\n", "day", "booked from slot",
	    "walk-ins", "without bookings", "walk-ins/without");
	for (i = 0; i < ndays; i++) {
		struct sim_day d = days[i];
		double w, o = a[i][SIM_CONFIGURED].p90;

		d.booked_share = BENCH_BOOKED;
		if (run_agg(cfg, &d, reps, SIM_CONFIGURED, &b) < 0)
			return -1;
		w = b.p90_walkin;
		printf("  %-8s %18.1f %10.1f %18.1f %18.2f\n", d.name, mn(b.p90_booked),
		    mn(w), mn(o), o > 0 ? w / o : 0);
	}
	return 0;
}

/* The oracle's figures of one day over reps seeds: f[8] the means over the
 * seeds of the oracle's and the engine's median / p90 errors (ticket, then
 * status page), n[2] the tickets and status pages sampled. */
static int
oracle_day(const struct config *cfg, const struct sim_day *d, int reps,
    const struct sim_oracle *o, double f[8], int n[2])
{
	static struct sim_report r;
	char err[512];
	int k, j;

	memset(f, 0, 8 * sizeof *f);
	n[0] = n[1] = 0;
	for (k = 0; k < reps; k++) {
		struct sim_day dd = *d;
		struct sim_visitor *v;
		int nv, rc;

		dd.seed = d->seed + (uint64_t)k;
		sim_generate(&dd, cfg, &v, &nv);
		rc = sim_run_oracle(&dd, cfg, v, nv, o, &r, err, sizeof err);
		free(v);
		if (rc < 0) {
			fprintf(stderr, "onestop-sim: day %s: %s\n", d->name, err);
			return -1;
		}
		f[0] += r.oracle_err_median;
		f[1] += r.oracle_err_p90;
		f[2] += r.oracle_ours_median;
		f[3] += r.oracle_ours_p90;
		f[4] += r.oracle_live_err_median;
		f[5] += r.oracle_live_err_p90;
		f[6] += r.oracle_live_ours_median;
		f[7] += r.oracle_live_ours_p90;
		n[0] += r.oracle_n;
		n[1] += r.oracle_live_n;
	}
	for (j = 0; j < 8; j++)
		f[j] = mn(f[j] / reps);
	return 0;
}

/*
 * The oracle's table: on every day of est_names over reps seeds, every
 * ORACLE_EVERY-th ticket estimated by the median of futures futures
 * (sim_run_oracle), against the wait that followed, beside the engine's
 * estimate of the same tickets; at issue and on the status page.  Three
 * oracles: one that knows the day's planned pauses, one that knows only
 * those begun (as the engine does), and one that also expects only the
 * arrivals the engine expects (sim_oracle.engine_rates).
 */
static int
oracle_table(const struct config *cfg, const char *dir, int reps, int futures)
{
	char path[1024], err[512];
	int i, u;

	printf("the oracle: every %dth ticket of %d seeds estimated by the "
	    "median of %d futures played from the true state with the day's "
	    "own distributions, the best any single figure can do (\"plan\": "
	    "knows the day's pauses to come; \"begun\": only those begun, as "
	    "the engine; \"rates\": that, and the arrivals the engine expects "
	    "instead of the day's profile); error median / p90 in minutes, "
	    "means over the seeds, against onestop's estimate of the same "
	    "tickets:\n",
	    ORACLE_EVERY, reps, futures);
	for (i = 0; i < EST_NDAYS; i++) {
		struct sim_day d;
		double f[3][8];
		int n[3][2];

		snprintf(path, sizeof path, "%s/%s.day", dir, est_names[i]);
		if (sim_day_load(&d, cfg, path, err, sizeof err) < 0) {
			fprintf(stderr, "onestop-sim: %s\n", err);
			return -1;
		}
		for (u = 0; u < 3; u++) {
			const struct sim_oracle o = { futures, ORACLE_EVERY,
			    u > 0, u > 1 };

			if (oracle_day(cfg, &d, reps, &o, f[u], n[u]) < 0)
				return -1;
		}
		printf("  %-8s ticket: oracle plan %4.1f / %4.1f, begun %4.1f / "
		    "%4.1f, rates %4.1f / %4.1f, onestop %4.1f / %4.1f (%d)   "
		    "status page: oracle plan %4.1f / %4.1f, begun %4.1f / "
		    "%4.1f, rates %4.1f / %4.1f, onestop %4.1f / %4.1f (%d)\n",
		    d.name, f[0][0], f[0][1], f[1][0], f[1][1], f[2][0],
		    f[2][1], f[0][2], f[0][3], n[0][0], f[0][4], f[0][5],
		    f[1][4], f[1][5], f[2][4], f[2][5], f[0][6], f[0][7],
		    n[0][1]);
	}
	return 0;
}

/* The policy benchmark over the standard days; returns 0 (figures are
 * printed as they are, goals marked; a missed goal is not a failure). */
static int
bench(const struct config *cfg, const char *dir, int reps)
{
	static const char *names[] = { "normal", "peak", "short" };
	struct sim_day days[3];
	struct agg a[3][SIM_NVARIANTS];
	char path[1024], err[512];
	int i, v;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s.day", dir, names[i]);
		if (sim_day_load(&days[i], cfg, path, err, sizeof err) < 0) {
			fprintf(stderr, "onestop-sim: %s\n", err);
			return -1;
		}
		for (v = 0; v < SIM_NVARIANTS; v++)
			if (run_agg(cfg, &days[i], reps, (enum sim_variant)v,
			    &a[i][v]) < 0)
				return -1;
	}
	printf("policy benchmark: %s, %d seeded repetitions of each day "
	    "(figures are means over them)\n", cfg->path ? cfg->path : "config",
	    reps);
	printf("p90 wait, minutes:\n");
	printf("  %-8s %8s %9s %9s %8s   %-22s %-22s\n", "day", "visitors",
	    "dept-fifo", "onestop", "pooled", "onestop/fifo (<=0.75)",
	    "onestop/pooled (<=1.2)");
	for (i = 0; i < 3; i++) {
		double f = a[i][SIM_FIFO].p90, o = a[i][SIM_CONFIGURED].p90;
		double p = a[i][SIM_POOLED].p90;
		double rf = f > 0 ? o / f : 0, rp = p > 0 ? o / p : INFINITY;
		char c1[32], c2[32];

		snprintf(c1, sizeof c1, "%.2f %s", rf,
		    i == 0 ? "(info)" : verdict(rf <= 0.75));
		snprintf(c2, sizeof c2, "%.2f %s", rp, verdict(rp <= 1.2));
		printf("  %-8s %8.0f %9.1f %9.1f %8.1f   %-22s %-22s\n",
		    days[i].name, a[i][SIM_CONFIGURED].visitors, mn(f), mn(o),
		    mn(p), c1, c2);
	}
	printf("median / mean / max wait, minutes (dept-fifo | onestop | pooled):\n");
	for (i = 0; i < 3; i++) {
		printf("  %-8s", days[i].name);
		for (v = 0; v < SIM_NVARIANTS; v++) {
			const int order[] = { SIM_FIFO, SIM_CONFIGURED, SIM_POOLED };
			const struct agg *x = &a[i][order[v]];

			printf("  %5.1f %5.1f %5.1f %s", mn(x->median), mn(x->mean),
			    mn(x->max), v < 2 ? "|" : "");
		}
		printf("\n");
	}
	printf("priority vs normal visitors, p90 wait in seconds (onestop; "
	    "dept-fifo calls priority first, uncapped):\n");
	for (i = 0; i < 3; i++) {
		const struct agg *o = &a[i][SIM_CONFIGURED];
		const struct agg *f = &a[i][SIM_FIFO];

		printf("  %-8s priority %5.1f s normal %5.1f s %s;  most priority "
		    "calls in a row while normal waited %d (cap %d) %s;  "
		    "dept-fifo: priority %.0f s normal %.0f s, run %d\n",
		    days[i].name, o->p90_prio, o->p90_norm,
		    verdict(o->p90_prio < o->p90_norm), o->prio_run_max,
		    cfg->policy.priority_max_consecutive,
		    verdict(o->prio_run_max <= cfg->policy.priority_max_consecutive),
		    f->p90_prio, f->p90_norm, f->prio_run_max);
	}
	if (appointments(cfg, days, 3, reps, a) < 0)
		return -1;
	if (estimate_tables(cfg, dir, reps, a) < 0 ||
	    oracle_table(cfg, dir, ORACLE_REPS, ORACLE_FUTURES) < 0)
		return -1;
	if (ablation(cfg, days, 3, reps) < 0)
		return -1;
	{
		double pooled[3];

		for (i = 0; i < 3; i++)
			pooled[i] = a[i][SIM_POOLED].p90;
		return crosstrain(cfg, days, 3, reps, pooled);
	}
}

/* --history: DAYS simulated past days written into the store at db. */
static int
write_history(const struct config *cfg, const struct sim_day *tmpl, const char *db,
    int ndays, uint64_t seed, int64_t now)
{
	struct sim_history_report rep;
	char err[512];
	store *s;
	int rc;

	if (db == NULL) {
		fprintf(stderr, "onestop-sim: --history needs --db FILE\n");
		return -1;
	}
	if ((s = store_open(db, cfg, err, sizeof err)) == NULL) {
		fprintf(stderr, "onestop-sim: %s\n", err);
		return -1;
	}
	rc = sim_history_run(cfg, s, tmpl, ndays, now, seed, &rep, err,
	    sizeof err);
	store_close(s);
	if (rc != 0) {
		fprintf(stderr, "onestop-sim: history: %s\n", err);
		return -1;
	}
	fprintf(stderr, "onestop-sim: history: %d days (%d closed) in %s: %ld visitors, "
	    "%ld served, %ld no-shows, %ld transfers, %ld ratings (%ld unattached)%s%s\n",
	    rep.days, rep.closed, db, rep.visitors, rep.served, rep.no_shows, rep.transfers,
	    rep.ratings, rep.unattached, rep.bad_day[0] ? ", bad day " : "", rep.bad_day);
	return 0;
}

/* Usage text. */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: onestop-sim [-c INI] [-p onestop|dept-fifo|pooled|all] [-q] [-k]\n"
	    "                   [-r REPS] [-s SEED] [DAYFILE...]\n"
	    "       onestop-sim --bench [-c INI] [-D DAYSDIR] [-r REPS]\n"
	    "       onestop-sim --estimate [-c INI] [-D DAYSDIR] [-r REPS]\n"
	    "       onestop-sim --oracle FUTURES [-c INI] [-D DAYSDIR] [-r REPS]\n"
	    "       onestop-sim --feed URL [-c INI] [-u USER] [-P PASSWORD] [-x SPEED]\n"
	    "                   [--loop] [DAYFILE]\n"
	    "       onestop-sim --history DAYS --db FILE [--end YYYY-MM-DD] [-c INI] [-s SEED]\n"
	    "                   [DAYFILE]\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "policy", required_argument, NULL, 'p' },
		{ "queues", no_argument, NULL, 'q' },
		{ "counters", no_argument, NULL, 'k' },
		{ "reps", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "bench", no_argument, NULL, 'b' },
		{ "estimate", no_argument, NULL, 'e' },
		{ "oracle", required_argument, NULL, 'O' },
		{ "days", required_argument, NULL, 'D' },
		{ "feed", required_argument, NULL, 'f' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'P' },
		{ "speed", required_argument, NULL, 'x' },
		{ "loop", no_argument, NULL, 'l' },
		{ "history", required_argument, NULL, 'H' },
		{ "db", required_argument, NULL, 'd' },
		{ "end", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ini = "config/demo/centre.ini", *policy = "onestop";
	const char *daysdir = "config/demo/days", *feed = NULL;
	const char *user = "quanly", *password = "quanly-demo", *db = NULL;
	int64_t hist_now = 0;
	struct config *cfg;
	struct sim_day days[MAX_DAYS];
	char err[512];
	int ch, ndays = 0, reps = 1, do_bench = 0, do_est = 0, queues = 0, counters = 0;
	int loop = 0, rc = 0, i, v, history = 0, futures = 0;
	double speed = 30;
	long long seed = -1;

	while ((ch = getopt_long(argc, argv, "c:p:qkr:s:beO:D:f:u:P:x:lH:d:E:h", longopts,
	    NULL)) != -1) {
		char *end;

		switch (ch) {
		case 'c': ini = optarg; break;
		case 'p': policy = optarg; break;
		case 'q': queues = 1; break;
		case 'k': counters = 1; break;
		case 'r':
			reps = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || reps < 1 || reps > 1000) {
				fprintf(stderr, "onestop-sim: bad -r (1-1000)\n");
				return 2;
			}
			break;
		case 's':
			seed = strtoll(optarg, &end, 10);
			if (*end != '\0' || seed < 0) {
				fprintf(stderr, "onestop-sim: bad -s\n");
				return 2;
			}
			break;
		case 'b': do_bench = 1; break;
		case 'e': do_est = 1; break;
		case 'O':
			futures = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || futures < 1 || futures > 10000) {
				fprintf(stderr, "onestop-sim: bad --oracle "
				    "(1-10000)\n");
				return 2;
			}
			break;
		case 'D': daysdir = optarg; break;
		case 'f': feed = optarg; break;
		case 'u': user = optarg; break;
		case 'P': password = optarg; break;
		case 'x':
			speed = strtod(optarg, &end);
			if (*end != '\0' || !(speed >= 0.1 && speed <= 10000)) {
				fprintf(stderr, "onestop-sim: bad -x (0.1-10000)\n");
				return 2;
			}
			break;
		case 'l': loop = 1; break;
		case 'H':
			history = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || history < 1 || history > 3660) {
				fprintf(stderr, "onestop-sim: bad --history (1-3660 days)\n");
				return 2;
			}
			break;
		case 'd': db = optarg; break;
		case 'E': {
			/* The last day written: "now" is noon of the day after. */
			struct tm tm;
			int y, m, dd;
			char c;

			if (sscanf(optarg, "%4d-%2d-%2d%c", &y, &m, &dd, &c) != 3 ||
			    m < 1 || m > 12 || dd < 1 || dd > 31) {
				fprintf(stderr, "onestop-sim: bad --end (YYYY-MM-DD)\n");
				return 2;
			}
			memset(&tm, 0, sizeof tm);
			tm.tm_year = y - 1900;
			tm.tm_mon = m - 1;
			tm.tm_mday = dd + 1;
			tm.tm_hour = 12;
			tm.tm_isdst = -1;
			hist_now = (int64_t)mktime(&tm);
			break;
		}
		default:
			usage();
			return ch == 'h' ? 0 : 2;
		}
	}
	if (config_load(ini, &cfg, err, sizeof err) < 0) {
		fprintf(stderr, "onestop-sim: %s\n", err);
		return 1;
	}
	for (; optind < argc; optind++) {
		if (ndays == MAX_DAYS) {
			fprintf(stderr, "onestop-sim: at most %d days\n", MAX_DAYS);
			config_free(cfg);
			return 2;
		}
		if (sim_day_load(&days[ndays], cfg, argv[optind], err,
		    sizeof err) < 0) {
			fprintf(stderr, "onestop-sim: %s\n", err);
			config_free(cfg);
			return 1;
		}
		ndays++;
	}
	if (ndays == 0) {
		sim_day_default(&days[0]);
		ndays = 1;
	}
	if (seed >= 0)
		for (i = 0; i < ndays; i++)
			days[i].seed = (uint64_t)seed;

	if (history > 0) {
		rc = write_history(cfg, &days[0], db, history, seed >= 0 ? (uint64_t)seed :
		    days[0].seed, hist_now > 0 ? hist_now : (int64_t)time(NULL)) < 0;
	} else if (feed != NULL) {
		rc = sim_feed(cfg, &days[0], feed, user, password, speed, loop) < 0;
	} else if (futures > 0) {
		rc = oracle_table(cfg, daysdir, reps > 1 ? reps : ORACLE_REPS,
		    futures) < 0;
	} else if (do_est) {
		rc = estimate_tables(cfg, daysdir, reps > 1 ? reps : EST_REPS,
		    NULL) < 0;
	} else if (do_bench) {
		rc = bench(cfg, daysdir, reps > 1 ? reps : BENCH_REPS) < 0;
	} else {
		for (i = 0; i < ndays && rc == 0; i++)
			for (v = 0; v < SIM_NVARIANTS && rc == 0; v++) {
				static struct sim_report r;
				struct config *vc;
				int k;

				if (strcmp(policy, "all") != 0 &&
				    strcmp(policy, sim_variant_name((enum sim_variant)v)) != 0)
					continue;
				vc = sim_config_variant(cfg, (enum sim_variant)v);
				for (k = 0; k < reps && rc == 0; k++) {
					rc = run_one(cfg, &days[i], k,
					    (enum sim_variant)v, &r) < 0;
					if (rc == 0)
						print_report(cfg, vc, &days[i],
						    (enum sim_variant)v, &r, queues,
						    counters);
				}
				sim_config_free(vc);
			}
	}
	config_free(cfg);
	return rc;
}
