/*
 * sim.c - the day simulator (see sim.h and host/docs/sim.md): a seeded
 * generator of visitor days, the day-file parser, the policy variants of a
 * config, and the event-driven run of one day through an engine backend with
 * simulated staff, plus the figures of the run.
 *
 * The run is a binary heap of timed events (ties broken by insertion order,
 * so a run is a pure function of its inputs).  Each counter has an agent: a
 * small state machine (off, idle, calling, busy, paused, on break) whose
 * scheduled events carry a generation number so a pause can cancel a
 * pending call.  Visitors are fixed data drawn before the run; a run only
 * decides who is called when.
 */
#include "tools/sim.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "common/xmalloc.h"

/* ---- random numbers: splitmix64 seeding, xoshiro256** ------------------ */

/* splitmix64 step: the seeding sequence. */
static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

/* Rotate left. */
static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double
sim_rng_unit(struct sim_rng *r)
{
	return (double)(sim_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int
sim_rng_range(struct sim_rng *r, int lo, int hi)
{
	uint64_t span = (uint64_t)((int64_t)hi - lo) + 1;

	return lo + (int)(sim_rng_next(r) % span);
}

double
sim_rng_normal(struct sim_rng *r)
{
	double u = sim_rng_unit(r), v = sim_rng_unit(r);

	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* ---- day descriptions --------------------------------------------------- */

void
sim_day_default(struct sim_day *d)
{
	/* Weights of the hours: morning peak 9-10, early-afternoon 14. */
	static const double hw[24] = {
		[7] = 1.0, [8] = 2.2, [9] = 2.6, [10] = 2.0, [11] = 0.8,
		[13] = 1.2, [14] = 2.2, [15] = 1.6, [16] = 0.8,
	};
	int i;

	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "default");
	d->seed = 1;
	d->year = 2026;
	d->month = 3;
	d->mday = 2;
	d->visitors = 600;
	d->scale = 1.0;
	d->nsessions = 2;
	d->open_s[0] = 7 * 3600 + 30 * 60;
	d->close_s[0] = 11 * 3600 + 30 * 60;
	d->open_s[1] = 13 * 3600 + 30 * 60;
	d->close_s[1] = 17 * 3600;
	memcpy(d->hour_weight, hw, sizeof hw);
	for (i = 0; i < CONFIG_MAX_DEPARTMENTS; i++)
		d->dept_weight[i] = 1.0;
	for (i = 0; i < CONFIG_MAX_QUEUES; i++)
		d->queue_weight[i] = 1.0;
	d->priority_share = 0.08;
	d->no_show_share = 0.04;
	d->late_share = 0.05;
	d->transfer_share = 0.03;
	d->service_sigma = 0.5;
	d->service_scale = 1.0;
	d->walk_min_s = 15;
	d->walk_max_s = 60;
	d->delay_min_s = 5;
	d->delay_max_s = 25;
	d->recall_after_s = 45;
	/* late_min all 0: every counter opens on time. */
}

/* Error "name:line: message" into err; returns -1. */
static int
perr(char *err, size_t errlen, const char *name, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int
perr(char *err, size_t errlen, const char *name, int line, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s:%d: %s", name, line, msg);
	return -1;
}

/* Strict integer in [lo, hi]. */
static int
parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* Strict finite number in [lo, hi]. */
static int
parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < lo ||
	    v > hi)
		return -1;
	*out = v;
	return 0;
}

/* "HH:MM" (00:00-24:00) into seconds since midnight. */
static int
parse_hm(const char *s, int *out)
{
	int h, m;
	char hb[3], mb[3];

	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	memcpy(hb, s, 2);
	hb[2] = '\0';
	memcpy(mb, s + 3, 2);
	mb[2] = '\0';
	if (hb[0] < '0' || hb[0] > '9' || mb[0] < '0' || mb[0] > '9' ||
	    parse_int(hb, 0, 24, &h) < 0 || parse_int(mb, 0, 59, &m) < 0 ||
	    (h == 24 && m != 0))
		return -1;
	*out = h * 3600 + m * 60;
	return 0;
}

/* A counter index from its number text, or -1. */
static int
counter_arg(const struct config *cfg, const char *s)
{
	int num;

	if (parse_int(s, 1, 99, &num) < 0)
		return -1;
	return config_counter_index(cfg, num);
}

#define SIM_MAX_TOKENS 8

/* Apply one tokenised line; returns 0 or -1 with err. */
static int
day_line(struct sim_day *d, const struct config *cfg, char **tok, int nt,
    const char *name, int line, int *seen_session, int *seen_hour,
    char *err, size_t errlen)
{
	const char *k = tok[0];
	double x;
	int a, b, c;

#define NEED(n) do { if (nt != (n) + 1) return perr(err, errlen, name, line, \
	"'%s' takes %d value(s)", k, (n)); } while (0)
#define BAD(what) return perr(err, errlen, name, line, "%s: bad %s", k, (what))

	if (strcmp(k, "name") == 0) {
		NEED(1);
		if (strlen(tok[1]) >= sizeof d->name)
			BAD("name (too long)");
		snprintf(d->name, sizeof d->name, "%s", tok[1]);
	} else if (strcmp(k, "seed") == 0) {
		char *end;
		unsigned long long v;

		NEED(1);
		errno = 0;
		v = strtoull(tok[1], &end, 10);
		if (errno != 0 || end == tok[1] || *end != '\0' || tok[1][0] == '-')
			BAD("seed");
		d->seed = (uint64_t)v;
	} else if (strcmp(k, "date") == 0) {
		char y[5], mo[3], da[3];

		NEED(1);
		if (strlen(tok[1]) != 10 || tok[1][4] != '-' || tok[1][7] != '-')
			BAD("date (YYYY-MM-DD)");
		memcpy(y, tok[1], 4);
		y[4] = '\0';
		memcpy(mo, tok[1] + 5, 2);
		mo[2] = '\0';
		memcpy(da, tok[1] + 8, 2);
		da[2] = '\0';
		if (parse_int(y, 2000, 2100, &a) < 0 || parse_int(mo, 1, 12, &b) < 0 ||
		    parse_int(da, 1, 31, &c) < 0)
			BAD("date (YYYY-MM-DD)");
		d->year = a;
		d->month = b;
		d->mday = c;
	} else if (strcmp(k, "visitors") == 0) {
		NEED(1);
		if (parse_num(tok[1], 0, 100000, &d->visitors) < 0)
			BAD("count (0-100000)");
	} else if (strcmp(k, "scale") == 0) {
		NEED(1);
		if (parse_num(tok[1], 0, 10, &d->scale) < 0)
			BAD("factor (0-10)");
	} else if (strcmp(k, "session") == 0) {
		NEED(2);
		if (!*seen_session)
			d->nsessions = 0;
		*seen_session = 1;
		if (d->nsessions == SIM_MAX_SESSIONS)
			return perr(err, errlen, name, line, "at most %d sessions",
			    SIM_MAX_SESSIONS);
		if (parse_hm(tok[1], &a) < 0 || parse_hm(tok[2], &b) < 0 || b <= a)
			BAD("times (HH:MM HH:MM, opening before closing)");
		if (d->nsessions > 0 && a < d->close_s[d->nsessions - 1])
			BAD("times (sessions in order, not overlapping)");
		d->open_s[d->nsessions] = a;
		d->close_s[d->nsessions] = b;
		d->nsessions++;
	} else if (strcmp(k, "hour") == 0) {
		NEED(2);
		if (!*seen_hour)
			memset(d->hour_weight, 0, sizeof d->hour_weight);
		*seen_hour = 1;
		if (parse_int(tok[1], 0, 23, &a) < 0 ||
		    parse_num(tok[2], 0, 1000, &d->hour_weight[a]) < 0)
			BAD("hour weight (HOUR 0-23, WEIGHT 0-1000)");
	} else if (strcmp(k, "booked") == 0) {
		NEED(1);
		if (parse_num(tok[1], 0, 1, &d->booked_share) < 0)
			BAD("share (0-1)");
	} else if (strcmp(k, "priority") == 0 || strcmp(k, "no_show") == 0 ||
	    strcmp(k, "late") == 0 || strcmp(k, "transfer") == 0) {
		NEED(1);
		if (parse_num(tok[1], 0, 1, &x) < 0)
			BAD("share (0-1)");
		if (k[0] == 'p')
			d->priority_share = x;
		else if (k[0] == 'n')
			d->no_show_share = x;
		else if (k[0] == 'l')
			d->late_share = x;
		else
			d->transfer_share = x;
	} else if (strcmp(k, "sigma") == 0) {
		NEED(1);
		if (parse_num(tok[1], 0, 3, &d->service_sigma) < 0)
			BAD("sigma (0-3)");
	} else if (strcmp(k, "service_scale") == 0) {
		NEED(1);
		if (parse_num(tok[1], 0.05, 20, &d->service_scale) < 0)
			BAD("factor (0.05-20)");
	} else if (strcmp(k, "walk") == 0 || strcmp(k, "delay") == 0) {
		NEED(2);
		if (parse_int(tok[1], 0, 3600, &a) < 0 ||
		    parse_int(tok[2], 0, 3600, &b) < 0 || b < a)
			BAD("range (MIN MAX seconds, 0-3600)");
		if (k[0] == 'w') {
			d->walk_min_s = a;
			d->walk_max_s = b;
		} else {
			d->delay_min_s = a;
			d->delay_max_s = b;
		}
	} else if (strcmp(k, "recall_after") == 0) {
		NEED(1);
		if (parse_int(tok[1], 1, 3600, &d->recall_after_s) < 0)
			BAD("seconds (1-3600)");
	} else if (strcmp(k, "mix") == 0) {
		NEED(2);
		if ((a = config_department_index(cfg, tok[1])) < 0)
			BAD("department code");
		if (parse_num(tok[2], 0, 100, &d->dept_weight[a]) < 0)
			BAD("factor (0-100)");
	} else if (strcmp(k, "queue_mix") == 0) {
		NEED(2);
		if ((a = config_queue_index(cfg, tok[1])) < 0)
			BAD("queue code");
		if (parse_num(tok[2], 0, 100, &d->queue_weight[a]) < 0)
			BAD("factor (0-100)");
	} else if (strcmp(k, "absent") == 0) {
		NEED(1);
		if ((a = counter_arg(cfg, tok[1])) < 0)
			BAD("counter number");
		d->late_min[a] = -1;
	} else if (strcmp(k, "opens_late") == 0) {
		NEED(2);
		if ((a = counter_arg(cfg, tok[1])) < 0)
			BAD("counter number");
		if (parse_int(tok[2], 0, 600, &d->late_min[a]) < 0)
			BAD("minutes (0-600)");
	} else if (strcmp(k, "pause") == 0) {
		NEED(3);
		if ((a = counter_arg(cfg, tok[1])) < 0)
			BAD("counter number");
		if (parse_hm(tok[2], &b) < 0)
			BAD("time (HH:MM)");
		if (parse_int(tok[3], 1, 600, &c) < 0)
			BAD("minutes (1-600)");
		if (d->npauses == SIM_MAX_PAUSES)
			return perr(err, errlen, name, line, "at most %d pauses",
			    SIM_MAX_PAUSES);
		d->pauses[d->npauses].counter = a;
		d->pauses[d->npauses].at = b;
		d->pauses[d->npauses].duration_s = c * 60;
		d->npauses++;
	} else {
		return perr(err, errlen, name, line, "unknown key '%s'", k);
	}
	return 0;
#undef NEED
#undef BAD
}

int
sim_day_parse(struct sim_day *d, const struct config *cfg, const char *text,
    size_t len, const char *name, char *err, size_t errlen)
{
	struct sim_day nd = *d;
	int line = 0, seen_session = 0, seen_hour = 0;
	size_t pos = 0;
	double tw = 0;
	int i;

	while (pos < len) {
		char buf[512], *tok[SIM_MAX_TOKENS], *p, *save = NULL;
		size_t e = pos, l;
		int nt = 0;

		while (e < len && text[e] != '\n')
			e++;
		l = e - pos;
		line++;
		if (l >= sizeof buf)
			return perr(err, errlen, name, line, "line too long");
		memcpy(buf, text + pos, l);
		buf[l] = '\0';
		pos = e + 1;
		if (memchr(buf, '\0', l) != NULL)
			return perr(err, errlen, name, line, "NUL byte");
		if ((p = strchr(buf, '#')) != NULL)
			*p = '\0';
		for (p = strtok_r(buf, " \t\r", &save); p != NULL;
		    p = strtok_r(NULL, " \t\r", &save)) {
			if (nt == SIM_MAX_TOKENS)
				return perr(err, errlen, name, line,
				    "too many values");
			tok[nt++] = p;
		}
		if (nt == 0)
			continue;
		if (day_line(&nd, cfg, tok, nt, name, line, &seen_session,
		    &seen_hour, err, errlen) < 0)
			return -1;
	}
	for (i = 0; i < nd.nsessions; i++) {
		int t;

		for (t = nd.open_s[i]; t < nd.close_s[i]; t += 60)
			tw += nd.hour_weight[t / 3600 % 24];
	}
	if (nd.visitors > 0 && tw <= 0)
		return perr(err, errlen, name, line,
		    "no arrivals possible: every opening hour has weight 0");
	if (nd.priority_share > 0 && cfg->npriority == 0)
		nd.priority_share = 0;
	if (nd.no_show_share + nd.late_share > 1)
		return perr(err, errlen, name, line,
		    "no_show + late is more than 1");
	*d = nd;
	return 0;
}

int
sim_day_load(struct sim_day *d, const struct config *cfg, const char *path,
    char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text;
	size_t n;
	int rc;

	sim_day_default(d);
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	text = xmalloc(65536 + 1);
	n = fread(text, 1, 65536 + 1, f);
	if (ferror(f) || n > 65536) {
		snprintf(err, errlen, "%s: %s", path,
		    n > 65536 ? "file too large (64 KiB at most)" : "read error");
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	rc = sim_day_parse(d, cfg, text, n, path, err, errlen);
	free(text);
	return rc;
}

int64_t
sim_day_midnight(const struct sim_day *d)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = d->year - 1900;
	tm.tm_mon = d->month - 1;
	tm.tm_mday = d->mday;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* ---- the generator ------------------------------------------------------ */

/* Mean service of queue q in seconds for day d. */
static double
mean_service_s(const struct sim_day *d, const struct config *cfg, int q)
{
	int m = cfg->queues[q].service_min > 0 ? cfg->queues[q].service_min : 10;

	return m * 60.0 * d->service_scale;
}

/* Log-normal service time with the queue's mean, clamped to 30 s..4 h. */
static int
draw_service(struct sim_rng *r, const struct sim_day *d,
    const struct config *cfg, int q)
{
	double mean = mean_service_s(d, cfg, q), s = d->service_sigma;
	double mu = log(mean) - s * s / 2, x = exp(mu + s * sim_rng_normal(r));

	if (x < 30)
		x = 30;
	if (x > 4 * 3600)
		x = 4 * 3600;
	return (int)(x + 0.5);
}

/*
 * Per queue: the share of visitors.  From the config, a queue gets visitors
 * in proportion to the capacity the centre gave it (each counter's time
 * split evenly over its primary queues) divided by its mean service, so the
 * load is even; the day's department mix (and queue mix) multiplies that.
 */
static void
queue_weights(const struct sim_day *d, const struct config *cfg, double *w)
{
	int q, c, i;

	for (q = 0; q < cfg->nqueues; q++)
		w[q] = 0;
	for (c = 0; c < cfg->ncounters; c++) {
		const struct config_counter *cc = &cfg->counters[c];
		int np = 0;

		for (i = 0; i < cc->nserves; i++)
			np += cc->serves[i].level == CONFIG_PRIMARY;
		for (i = 0; i < cc->nserves; i++)
			if (cc->serves[i].level == CONFIG_PRIMARY)
				w[cc->serves[i].queue] += 1.0 / np;
	}
	for (q = 0; q < cfg->nqueues; q++)
		w[q] = w[q] / mean_service_s(d, cfg, q) *
		    d->dept_weight[cfg->queues[q].department] * d->queue_weight[q];
}

/* Pick index from cumulative weights cw[0..n-1] (cw[n-1] > 0). */
static int
pick(struct sim_rng *r, const double *cw, int n)
{
	double u = sim_rng_unit(r) * cw[n - 1];
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (cw[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* A queue of department dep other than q (same department first), or -1. */
static int
other_queue(struct sim_rng *r, const struct config *cfg, int q)
{
	int cand[CONFIG_MAX_QUEUES], n = 0, i, dep = cfg->queues[q].department;

	for (i = 0; i < cfg->nqueues; i++)
		if (i != q && cfg->queues[i].department == dep)
			cand[n++] = i;
	if (n == 0)
		for (i = 0; i < cfg->nqueues; i++)
			if (i != q)
				cand[n++] = i;
	return n > 0 ? cand[sim_rng_range(r, 0, n - 1)] : -1;
}

static int
cmp_arrive(const void *a, const void *b)
{
	const struct sim_visitor *x = a, *y = b;

	return (x->arrive > y->arrive) - (x->arrive < y->arrive);
}

void
sim_book(const struct sim_day *d, const struct config *cfg,
    struct sim_visitor *v, int n, double share)
{
	const struct config_booking *b = &cfg->booking;
	int len = (b->slot_min > 0 ? b->slot_min : 30) * 60, i, s;
	int appt = config_priority_index(cfg, "appointment");
	struct sim_rng r;

	sim_rng_seed(&r, d->seed ^ 0x9e3779b97f4a7c15ull);
	for (i = 0; i < n; i++) {
		struct sim_visitor *p = &v[i];
		int at;

		if (sim_rng_unit(&r) >= share) {
			(void)sim_rng_next(&r);       /* the same draws per visitor */
			continue;
		}
		at = sim_rng_range(&r, -600, 600);
		for (s = 0; s < d->nsessions; s++)
			if (p->arrive >= d->open_s[s] && p->arrive < d->close_s[s])
				break;
		if (s == d->nsessions)
			continue;
		/* The slot starting nearest the arrival, so that booking moves
		   arrivals as much later as earlier. */
		p->slot = d->open_s[s] + (p->arrive - d->open_s[s] + len / 2) / len * len;
		if (p->slot + len > d->close_s[s] && p->slot - len >= d->open_s[s])
			p->slot -= len;
		if (p->slot == 0)              /* 0 means a walk-in */
			continue;
		at += p->slot;
		if (at < p->slot - b->early_min * 60)
			at = p->slot - b->early_min * 60;
		if (at < d->open_s[s])
			at = d->open_s[s];
		if (at >= d->close_s[s])
			at = d->close_s[s] - 1;
		p->arrive = at;
		p->priority = appt > 0 && at <= p->slot + b->late_min * 60 ? appt : 0;
	}
	qsort(v, (size_t)n, sizeof *v, cmp_arrive);
}

/*
 * What a visitor of queue p->queue only shows when called: the answer
 * (from u2), the walk, the services and the transfer (from u3).
 */
static void
draw_hidden(struct sim_rng *r, const struct sim_day *d,
    const struct config *cfg, struct sim_visitor *p, double u2, double u3)
{
	int q = p->queue;

	p->answer = u2 < d->no_show_share ? SIM_GONE :
	    u2 < d->no_show_share + d->late_share ? SIM_LATE : SIM_ANSWERS;
	p->walk_s = sim_rng_range(r, d->walk_min_s, d->walk_max_s);
	p->service_s = draw_service(r, d, cfg, q);
	p->transfer_queue = other_queue(r, cfg, q);
	p->service2_s = p->transfer_queue >= 0 ?
	    draw_service(r, d, cfg, p->transfer_queue) : 0;
	if (u3 >= d->transfer_share || p->answer == SIM_GONE)
		p->transfer_queue = -1;
}

void
sim_generate(const struct sim_day *d, const struct config *cfg,
    struct sim_visitor **out, int *nout)
{
	struct sim_rng r;
	double qw[CONFIG_MAX_QUEUES], cw[CONFIG_MAX_QUEUES];
	double tw = 0, rate_per_w;
	int *dprocs = NULL, *dstart, *dcount, i, s, n = 0, cap = 0, nd;
	struct sim_visitor *v = NULL;

	sim_rng_seed(&r, d->seed);
	nd = cfg->nqueues;
	queue_weights(d, cfg, qw);
	for (i = 0; i < nd; i++)
		cw[i] = (i > 0 ? cw[i - 1] : 0) + qw[i];
	/* Procedures by queue. */
	dstart = xcalloc((size_t)nd + 1, sizeof *dstart);
	dcount = xcalloc((size_t)nd + 1, sizeof *dcount);
	if (cfg->nprocedures > 0)
		dprocs = xcalloc((size_t)cfg->nprocedures, sizeof *dprocs);
	for (i = 0; i < cfg->nprocedures; i++)
		dcount[cfg->procedures[i].queue]++;
	for (i = 1; i <= nd; i++)
		dstart[i] = dstart[i - 1] + dcount[i - 1];
	memset(dcount, 0, ((size_t)nd + 1) * sizeof *dcount);
	for (i = 0; i < cfg->nprocedures; i++) {
		int pq = cfg->procedures[i].queue;

		dprocs[dstart[pq] + dcount[pq]++] = i;
	}

	/* Arrivals: Poisson with a rate constant over each minute. */
	for (s = 0; s < d->nsessions; s++) {
		int t;

		for (t = d->open_s[s]; t < d->close_s[s]; t += 60)
			tw += d->hour_weight[t / 3600 % 24];
	}
	rate_per_w = tw > 0 && nd > 0 && cw[nd - 1] > 0 ?
	    d->visitors * d->scale / tw / 60.0 : 0;  /* visitors/s per weight */
	for (s = 0; s < d->nsessions && rate_per_w > 0; s++) {
		double t = d->open_s[s], need = -log(1.0 - sim_rng_unit(&r));

		while (t < d->close_s[s]) {
			double slice_end = floor(t / 60) * 60 + 60, lam, have;

			if (slice_end > d->close_s[s])
				slice_end = d->close_s[s];
			lam = rate_per_w * d->hour_weight[(int)(t / 3600) % 24];
			have = lam * (slice_end - t);
			if (lam <= 0 || need > have) {
				need -= have;
				t = slice_end;
				continue;
			}
			t += need / lam;
			need = -log(1.0 - sim_rng_unit(&r));
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				v = xreallocarray(v, (size_t)cap, sizeof *v);
			}
			{
				struct sim_visitor *p = &v[n++];
				int q = pick(&r, cw, nd);
				double u1 = sim_rng_unit(&r), u2 = sim_rng_unit(&r);
				double u3 = sim_rng_unit(&r);
				int pclass = cfg->npriority > 0 ?
				    sim_rng_range(&r, 1, cfg->npriority) : 0;

				memset(p, 0, sizeof *p);
				p->arrive = (int)t;
				p->procedure = dcount[q] > 0 ?
				    dprocs[dstart[q] + sim_rng_range(&r, 0,
				    dcount[q] - 1)] : -1;
				p->queue = q;
				p->priority = u1 < d->priority_share ? pclass : 0;
				draw_hidden(&r, d, cfg, p, u2, u3);
			}
		}
	}
	free(dprocs);
	free(dstart);
	free(dcount);
	if (d->booked_share > 0)
		sim_book(d, cfg, v, n, d->booked_share);
	*out = v;
	*nout = n;
}

/* ---- policy variants ---------------------------------------------------- */

const char *
sim_variant_name(enum sim_variant v)
{
	switch (v) {
	case SIM_CONFIGURED: return "onestop";
	case SIM_FIFO: return "dept-fifo";
	case SIM_POOLED: return "pooled";
	case SIM_NVARIANTS: break;
	}
	return "?";
}

struct config *
sim_config_variant(const struct config *cfg, enum sim_variant v)
{
	struct config *c = xmalloc(sizeof *c);
	int i, j, n;

	*c = *cfg;
	if (v == SIM_FIFO) {
		for (i = 0; i < c->ncounters; i++) {
			struct config_counter *cc = &c->counters[i];

			for (j = n = 0; j < cc->nserves; j++) {
				int q = cc->serves[j].queue;

				if (cfg->queues[q].department != cc->department &&
				    cc->serves[j].level != CONFIG_PRIMARY)
					continue;
				cc->serves[n].queue = q;
				cc->serves[n].level = CONFIG_PRIMARY;
				n++;
			}
			cc->nserves = n;
		}
		c->policy.priority_interleave = 0;
		c->policy.priority_max_consecutive = 100;
		c->policy.target_override = 0;
		c->policy.backup_past_target = 0;
		c->policy.priority_first_free = 0;
	} else if (v == SIM_POOLED) {
		double svc = 0;

		for (i = 0; i < cfg->nqueues; i++)
			svc += cfg->queues[i].service_min;
		c->nqueues = 1;
		c->queues[0] = cfg->queues[0];
		c->queues[0].code = (char *)"ALL";
		c->queues[0].name = (char *)"Tất cả";
		c->queues[0].number_first = 1;
		c->queues[0].number_last = 9999;
		c->queues[0].service_min = (int)(svc / cfg->nqueues + 0.5);
		c->queues[0].transfer_keeps_place = -1;
		for (i = 0; i < c->ncounters; i++) {
			c->counters[i].nserves = 1;
			c->counters[i].serves[0].queue = 0;
			c->counters[i].serves[0].level = CONFIG_PRIMARY;
		}
		c->nprocedures = 0;
		c->procedures = NULL;
		c->policy.priority_interleave = 0;
		c->policy.priority_max_consecutive = 100;
		c->policy.target_override = 0;
		c->policy.backup_past_target = 0;
		c->policy.priority_first_free = 0;
	}
	return c;
}

/* Append queue q at level lv to counter cc unless it serves q already. */
static void
serve_add(struct config_counter *cc, int q, enum config_level lv)
{
	int j;

	for (j = 0; j < cc->nserves; j++)
		if (cc->serves[j].queue == q)
			return;
	if (cc->nserves < CONFIG_MAX_SERVES) {
		cc->serves[cc->nserves].queue = q;
		cc->serves[cc->nserves].level = lv;
		cc->nserves++;
	}
}

struct config *
sim_config_crosstrain(const struct config *cfg, int k)
{
	struct config *c = xmalloc(sizeof *c);
	int i, j, n, m;

	*c = *cfg;
	for (i = 0; i < c->ncounters; i++) {
		struct config_counter *cc = &c->counters[i];

		for (j = n = 0; j < cc->nserves; j++)
			if (cc->serves[j].level == CONFIG_PRIMARY ||
			    cfg->queues[cc->serves[j].queue].department ==
			    cc->department)
				cc->serves[n++] = cc->serves[j];
		cc->nserves = n;
		for (m = 0; m < cfg->ncounters; m++) {
			const struct config_counter *nb = &cfg->counters[m];

			if (m == i || (k >= 0 && abs(m - i) > k))
				continue;
			for (j = 0; j < nb->nserves; j++)
				if (nb->serves[j].level == CONFIG_PRIMARY)
					serve_add(cc, nb->serves[j].queue,
					    CONFIG_BACKUP);
		}
		if (k < 0)
			for (j = 0; j < cfg->nqueues; j++)
				serve_add(cc, j, CONFIG_BACKUP);
	}
	return c;
}

void
sim_config_free(struct config *c)
{
	free(c);
}

/* ---- figures ------------------------------------------------------------ */

/* qsort order of ints. */
static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int
sim_est_band(int est_s)
{
	static const int lo[SIM_EST_BANDS] = {
		0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 35, 40, 50, 60,
		70, 80, 90, 105, 120, 150
	};
	int m = est_s / 60, b;

	for (b = SIM_EST_BANDS - 1; b > 0 && m < lo[b]; b--)
		;
	return b;
}

/* Nearest-rank percentile p (1..100) of sorted x[0..n-1]. */
static int
rank(const int *x, int n, int p)
{
	int k = (p * n + 99) / 100;

	return x[k > 0 ? k - 1 : 0];
}

void
sim_stats_of(int *x, int n, struct sim_stats *s)
{
	double sum = 0;
	int i;

	memset(s, 0, sizeof *s);
	s->n = n;
	if (n <= 0)
		return;
	qsort(x, (size_t)n, sizeof *x, cmp_int);
	for (i = 0; i < n; i++)
		sum += x[i];
	s->mean = sum / n;
	s->median = rank(x, n, 50);
	s->p90 = rank(x, n, 90);
	s->max = x[n - 1];
}

/* ---- the run ------------------------------------------------------------ */

enum ev_type {
	EV_ARRIVE = 1,   /* a: visitor */
	EV_OPEN,         /* a: counter: session start (or late start) */
	EV_CALL,         /* a: counter */
	EV_RECALL,
	EV_NOSHOW,
	EV_START,
	EV_FINISH,
	EV_PAUSE,        /* a: pause index */
	EV_RESUME,       /* a: counter */
	EV_CLOSE,        /* a: session index */
	EV_PROBE,        /* a: visitor: read the status page */
};

struct ev {
	int64_t t;
	uint64_t seq;
	int type, a;
	unsigned gen;
};

struct heap {
	struct ev *v;
	int n, cap;
	uint64_t seq;
};

/* Whether a goes before b. */
static int
ev_less(const struct ev *a, const struct ev *b)
{
	return a->t != b->t ? a->t < b->t : a->seq < b->seq;
}

/* Push an event. */
static void
heap_push(struct heap *h, int64_t t, int type, int a, unsigned gen)
{
	int i;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 256;
		h->v = xreallocarray(h->v, (size_t)h->cap, sizeof *h->v);
	}
	i = h->n++;
	h->v[i] = (struct ev){ t, h->seq++, type, a, gen };
	while (i > 0 && ev_less(&h->v[i], &h->v[(i - 1) / 2])) {
		struct ev tmp = h->v[i];

		h->v[i] = h->v[(i - 1) / 2];
		h->v[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

/* Restore the heap order below slot i. */
static void
heap_down(struct heap *h, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		struct ev tmp;

		if (l < h->n && ev_less(&h->v[l], &h->v[m]))
			m = l;
		if (r < h->n && ev_less(&h->v[r], &h->v[m]))
			m = r;
		if (m == i)
			break;
		tmp = h->v[i];
		h->v[i] = h->v[m];
		h->v[m] = tmp;
		i = m;
	}
}

/* Pop the earliest event into *out; 0 when empty. */
static int
heap_pop(struct heap *h, struct ev *out)
{
	if (h->n == 0)
		return 0;
	*out = h->v[0];
	h->v[0] = h->v[--h->n];
	heap_down(h, 0);
	return 1;
}

enum agent_state {
	A_OFF = 0,       /* not opened yet (or absent all day) */
	A_IDLE,          /* open, nothing to call: woken by an arrival */
	A_CALLING,       /* an EV_CALL is scheduled */
	A_BUSY,          /* a ticket called or being served */
	A_PAUSED,        /* paused by the day's plan; EV_RESUME scheduled */
	A_BREAK,         /* between sessions (paused) or after the last (closed) */
};

struct agent {
	enum agent_state st;
	unsigned gen;
	int vis;                     /* visitor held, -1 = unknown ticket */
	int second;                  /* serving the second (transferred) leg */
	int recalls;
	int service_s;
	int pending_pause;           /* seconds to pause when free */
	int64_t open_since, busy_since;
};

/* Ticket id -> visitor index (open addressing; ids are never 0). */
struct idmap {
	int64_t *key;
	int *val;
	size_t cap;
};

/* Remember id -> val. */
static void
idmap_put(struct idmap *m, int64_t id, int val)
{
	size_t i = (size_t)((uint64_t)id * 0x9e3779b97f4a7c15ULL >> 20) &
	    (m->cap - 1);

	while (m->key[i] != 0 && m->key[i] != id)
		i = (i + 1) & (m->cap - 1);
	m->key[i] = id;
	m->val[i] = val;
}

/* The visitor of ticket id, or -1. */
static int
idmap_get(const struct idmap *m, int64_t id)
{
	size_t i = (size_t)((uint64_t)id * 0x9e3779b97f4a7c15ULL >> 20) &
	    (m->cap - 1);

	while (m->key[i] != 0) {
		if (m->key[i] == id)
			return m->val[i];
		i = (i + 1) & (m->cap - 1);
	}
	return -1;
}

/* Per visitor, what happened. */
struct outcome {
	int64_t ticket;
	int est_s, ahead;
	int lo_s, hi_s;              /* the range on the ticket (= est_s: a
	                                single figure) */
	int64_t probe_at;            /* status page read at, 0 = not */
	int probe_est_s;             /* the estimate it showed */
	int probe_lo_s, probe_hi_s;  /* and its range */
	int64_t first_call;          /* 0 = never called */
	int done, no_show, transferred;
	int oracle_s, oracle_live_s; /* the oracle's estimates, -1 = none */
};

/* The whole state of one run. */
struct run {
	const struct sim_day *d;
	const struct config *orig, *cfg;
	const struct sim_visitor *v;
	int n;
	const struct sim_backend *b;
	const struct sim_oracle *oracle; /* NULL: none */
	int issued;                  /* tickets issued so far */
	int pooled;
	int64_t mid;                 /* unix time of local midnight */
	struct heap h;
	struct agent ag[CONFIG_MAX_COUNTERS];
	unsigned char serves[CONFIG_MAX_COUNTERS][CONFIG_MAX_QUEUES];
	struct outcome *o;
	struct idmap ids;
	int in_session, session;
	int wait_n[CONFIG_MAX_QUEUES], wait_norm[CONFIG_MAX_QUEUES];
	int *wq;                     /* per visitor: engine queue waited in, -1 */
	int prio_run[CONFIG_MAX_QUEUES];
	struct sim_report *rep;
	struct sim_rng r;            /* staff delays */
	char *err;
	size_t errlen;
	int failed;
};

/* The engine-side queue of a visitor's leg. */
static int
leg_queue(const struct run *R, int vi, int second)
{
	if (R->pooled)
		return 0;
	return second ? R->v[vi].transfer_queue : R->v[vi].queue;
}

/* A command with neutral fields at simulated time t. */
static struct engine_cmd
cmd_of(const struct run *R, enum engine_cmd_type type, int64_t t, int c)
{
	struct engine_cmd cmd = engine_cmd_make(type);

	cmd.now = R->mid + t;
	cmd.counter = c;
	cmd.channel = ENGINE_CH_KIOSK;
	return cmd;
}

/* Run a command; an unexpected refusal fails the run. */
static int
run_exec(struct run *R, struct engine_cmd *cmd, struct sim_reply *rep, int ok_err)
{
	int rc;

	memset(rep, 0, sizeof *rep);
	rep->passed_queue = -1;
	rc = R->b->exec(R->b->arg, cmd, rep);
	if (rc < 0 && -rc != ok_err && R->b->lenient)
		R->rep->refused++;
	else if (rc < 0 && -rc != ok_err && !R->failed) {
		R->failed = 1;
		snprintf(R->err, R->errlen, "command %d at counter %d refused: %s",
		    (int)cmd->type, cmd->counter, engine_error_code(-rc));
	}
	return rc;
}

/* Staff delay before the next call. */
static int
delay(struct run *R)
{
	return sim_rng_range(&R->r, R->d->delay_min_s, R->d->delay_max_s);
}

/* Counter c starts (re)calling after a staff delay. */
static void
agent_call_soon(struct run *R, int c, int64_t t)
{
	struct agent *a = &R->ag[c];

	a->st = A_CALLING;
	a->gen++;
	heap_push(&R->h, t + delay(R), EV_CALL, c, a->gen);
}

/* Account open time of counter c up to t. */
static void
agent_close_time(struct run *R, int c, int64_t t)
{
	struct agent *a = &R->ag[c];

	if (a->open_since >= 0) {
		R->rep->open_s[c] += (int)(t - a->open_since);
		a->open_since = -1;
	}
}

/* Open counter c in the engine at t and start calling. */
static void
agent_open(struct run *R, int c, int64_t t)
{
	struct engine_cmd cmd = cmd_of(R, ENGINE_COUNTER_OPEN, t, c);
	struct sim_reply rep;

	run_exec(R, &cmd, &rep, 0);
	R->ag[c].open_since = t;
	agent_call_soon(R, c, t);
}

/* Counter c stops for a break (between sessions) or closes (last one). */
static void
agent_break(struct run *R, int c, int64_t t)
{
	int last = R->session >= R->d->nsessions - 1;
	struct engine_cmd cmd = cmd_of(R, last ? ENGINE_COUNTER_CLOSE :
	    ENGINE_COUNTER_PAUSE, t, c);
	struct sim_reply rep;

	snprintf(cmd.reason, sizeof cmd.reason, "%s",
	    last ? "Hết giờ làm việc" : "Nghỉ giữa ca");
	run_exec(R, &cmd, &rep, 0);
	agent_close_time(R, c, t);
	R->ag[c].st = A_BREAK;
	R->ag[c].gen++;
}

/* Counter c takes a planned pause of dur seconds (it is free). */
static void
agent_pause(struct run *R, int c, int64_t t, int dur)
{
	struct engine_cmd cmd = cmd_of(R, ENGINE_COUNTER_PAUSE, t, c);
	struct sim_reply rep;

	snprintf(cmd.reason, sizeof cmd.reason, "Tạm nghỉ");
	run_exec(R, &cmd, &rep, 0);
	agent_close_time(R, c, t);
	R->ag[c].st = A_PAUSED;
	R->ag[c].gen++;
	R->ag[c].pending_pause = 0;
	heap_push(&R->h, t + dur, EV_RESUME, c, R->ag[c].gen);
}

/* Counter c let go of its ticket at t: pause, or call the next. */
static void
agent_free(struct run *R, int c, int64_t t)
{
	struct agent *a = &R->ag[c];

	R->rep->busy_s[c] += (int)(t - a->busy_since);
	a->vis = -1;
	if (a->pending_pause > 0)
		agent_pause(R, c, t, a->pending_pause);
	else
		agent_call_soon(R, c, t);
}

/* A ticket of engine queue q waits again (issue or transfer) at t. */
static void
queue_grew(struct run *R, int q, int prio, int64_t t)
{
	int c;

	R->wait_n[q]++;
	R->wait_norm[q] += !prio;
	if (R->wait_n[q] > R->rep->qlongest[q])
		R->rep->qlongest[q] = R->wait_n[q];
	if (R->wait_n[q] > R->rep->longest_len) {
		R->rep->longest_len = R->wait_n[q];
		R->rep->longest_queue = q;
		R->rep->longest_at = (int)t;
	}
	for (c = 0; c < R->cfg->ncounters; c++)
		if (R->ag[c].st == A_IDLE && R->serves[c][q])
			agent_call_soon(R, c, t);
}

static int oracle_estimate(struct run *R, int vi, int64_t t);

/* What the visitor is shown for estimate est: the range, or est twice. */
static void
show_range(struct run *R, int est, int *lo, int *hi)
{
	*lo = *hi = est;
	if (R->b->range != NULL && R->b->range(R->b->arg, est, lo, hi) == 0)
		*lo = *hi = est;
}

/*
 * Count a wait w against what was shown (est, range lo..hi) in the row
 * (n, in, widths[], dist[], mid[]; k visitors so far).
 */
static void
range_count(int w, int est, int lo, int hi, int *n, int *in, int *widths,
    int *dist, int *mid, int k)
{
	if (lo < hi) {
		widths[(*n)++] = hi - lo;
		*in += w >= lo && w <= hi;
		dist[k] = w < lo ? lo - w : w > hi ? w - hi : 0;
		mid[k] = abs((lo + hi) / 2 - w);
	} else
		dist[k] = mid[k] = abs(est - w);
}

/* Visitor vi arrives at t and takes a ticket. */
static void
on_arrive(struct run *R, int vi, int64_t t)
{
	const struct sim_visitor *v = &R->v[vi];
	struct engine_cmd cmd = cmd_of(R, ENGINE_ISSUE, t, -1);
	struct sim_reply rep;
	int q = leg_queue(R, vi, 0), prio = R->pooled ? 0 : v->priority;

	cmd.queue = q;
	cmd.procedure = R->pooled ? -1 : v->procedure;
	cmd.priority = prio;
	snprintf(cmd.code, sizeof cmd.code, "s%d", vi);
	if (run_exec(R, &cmd, &rep, 0) < 0)
		return;
	R->o[vi].ticket = rep.ticket;
	R->o[vi].est_s = rep.est_wait_s;
	R->o[vi].ahead = rep.ahead;
	show_range(R, rep.est_wait_s, &R->o[vi].lo_s, &R->o[vi].hi_s);
	idmap_put(&R->ids, rep.ticket, vi);
	R->wq[vi] = q;
	if (R->b->position != NULL)
		heap_push(&R->h, t + SIM_PROBE_S, EV_PROBE, vi, 0);
	queue_grew(R, q, prio, t);
	if (R->oracle != NULL && R->issued++ % R->oracle->every == 0)
		R->o[vi].oracle_s = oracle_estimate(R, vi, t);
}

/* The visitor looks at the status page: the live estimate, if waiting. */
static void
on_probe(struct run *R, int vi, int64_t t)
{
	struct outcome *oc = &R->o[vi];
	int ahead, est;

	if (oc->ticket == 0 || oc->first_call != 0 || R->wq[vi] < 0)
		return;
	if (R->b->position(R->b->arg, oc->ticket, &ahead, &est) == 0) {
		oc->probe_at = t;
		oc->probe_est_s = est;
		show_range(R, est, &oc->probe_lo_s, &oc->probe_hi_s);
		if (R->oracle != NULL && oc->oracle_s >= 0)
			oc->oracle_live_s = oracle_estimate(R, vi, t);
	}
}

/* Whether a normal visitor who came before vi waits in engine queue q. */
static int
jumps_normal(const struct run *R, int vi, int q)
{
	int j;

	for (j = 0; j < R->n; j++)
		if (R->wq[j] == q && R->v[j].priority == 0 &&
		    R->v[j].arrive < R->v[vi].arrive)
			return 1;
	return 0;
}

/* Counter c calls the next ticket at t. */
static void
on_call(struct run *R, int c, int64_t t)
{
	struct agent *a = &R->ag[c];
	struct engine_cmd cmd = cmd_of(R, ENGINE_CALL_NEXT, t, c);
	struct sim_reply rep;
	int vi, q, prio;

	if (run_exec(R, &cmd, &rep, ENGINE_EEMPTY) < 0) {
		if (R->in_session || R->b->lenient)
			a->st = A_IDLE;
		else
			agent_break(R, c, t);
		return;
	}
	a->st = A_BUSY;
	a->busy_since = t;
	a->recalls = 0;
	vi = a->vis = idmap_get(&R->ids, rep.ticket);
	if (vi < 0) {
		/* A ticket not of this run (feed mode): serve it plainly. */
		a->service_s = 300;
		a->second = 0;
		a->gen++;
		heap_push(&R->h, t + 30, EV_START, c, a->gen);
		return;
	}
	a->second = R->o[vi].first_call != 0 && R->o[vi].transferred;
	a->service_s = a->second ? R->v[vi].service2_s : R->v[vi].service_s;
	/* Pooled: the same counter does the transferred part too. */
	if (R->pooled && R->v[vi].transfer_queue >= 0)
		a->service_s += R->v[vi].service2_s;
	q = leg_queue(R, vi, a->second);
	prio = R->pooled ? 0 : R->v[vi].priority > 0;
	/* The cap: priority calls in a row that each went before a normal
	 * visitor of the queue who came earlier. */
	R->wq[vi] = -1;
	if (prio && R->wait_norm[q] > 0 && jumps_normal(R, vi, q)) {
		if (++R->prio_run[q] > R->rep->prio_run_max)
			R->rep->prio_run_max = R->prio_run[q];
	} else {
		R->prio_run[q] = 0;
	}
	/* The same for the queue whose normal visitors the engine passed
	 * over for this priority ticket of another queue (rule 3a). */
	if (prio && rep.passed_queue >= 0 && rep.passed_queue != q &&
	    R->wait_norm[rep.passed_queue] > 0 &&
	    jumps_normal(R, vi, rep.passed_queue) &&
	    ++R->prio_run[rep.passed_queue] > R->rep->prio_run_max)
		R->rep->prio_run_max = R->prio_run[rep.passed_queue];
	R->wait_n[q]--;
	R->wait_norm[q] -= !prio;
	if (R->o[vi].first_call == 0)
		R->o[vi].first_call = t;
	a->gen++;
	if (a->second || R->v[vi].answer == SIM_ANSWERS)
		heap_push(&R->h, t + R->v[vi].walk_s, EV_START, c, a->gen);
	else if (R->cfg->policy.recall_limit > 0)
		heap_push(&R->h, t + R->d->recall_after_s, EV_RECALL, c, a->gen);
	else
		heap_push(&R->h, t + R->d->recall_after_s, EV_NOSHOW, c, a->gen);
}

/* Counter c recalls its silent ticket at t. */
static void
on_recall(struct run *R, int c, int64_t t)
{
	struct agent *a = &R->ag[c];
	struct engine_cmd cmd = cmd_of(R, ENGINE_RECALL, t, c);
	struct sim_reply rep;

	if (run_exec(R, &cmd, &rep, 0) < 0) {
		agent_free(R, c, t);
		return;
	}
	if (rep.state == ENGINE_T_NO_SHOW) {
		R->o[a->vis].no_show = 1;
		agent_free(R, c, t);
		return;
	}
	a->recalls++;
	a->gen++;
	if (R->v[a->vis].answer == SIM_LATE)
		heap_push(&R->h, t + R->v[a->vis].walk_s, EV_START, c, a->gen);
	else if (a->recalls < R->cfg->policy.recall_limit)
		heap_push(&R->h, t + R->d->recall_after_s, EV_RECALL, c, a->gen);
	else
		heap_push(&R->h, t + R->d->recall_after_s, EV_NOSHOW, c, a->gen);
}

/* Counter c marks its ticket a no-show at t. */
static void
on_noshow(struct run *R, int c, int64_t t)
{
	struct engine_cmd cmd = cmd_of(R, ENGINE_NO_SHOW, t, c);
	struct sim_reply rep;

	if (run_exec(R, &cmd, &rep, 0) < 0) {
		agent_free(R, c, t);
		return;
	}
	R->o[R->ag[c].vis].no_show = 1;
	agent_free(R, c, t);
}

/* Counter c starts serving at t. */
static void
on_start(struct run *R, int c, int64_t t)
{
	struct agent *a = &R->ag[c];
	struct engine_cmd cmd = cmd_of(R, ENGINE_START, t, c);
	struct sim_reply rep;

	if (run_exec(R, &cmd, &rep, 0) < 0) {
		agent_free(R, c, t);
		return;
	}
	a->gen++;
	heap_push(&R->h, t + a->service_s, EV_FINISH, c, a->gen);
}

/* Counter c finishes (or transfers) at t. */
static void
on_finish(struct run *R, int c, int64_t t)
{
	struct agent *a = &R->ag[c];
	int vi = a->vis;
	struct sim_reply rep;

	if (vi >= 0 && !a->second && R->v[vi].transfer_queue >= 0 &&
	    !R->pooled) {
		struct engine_cmd cmd = cmd_of(R, ENGINE_TRANSFER, t, c);
		int q = R->v[vi].transfer_queue;

		cmd.to_queue = q;
		if (run_exec(R, &cmd, &rep, 0) < 0) {
			agent_free(R, c, t);
			return;
		}
		R->o[vi].transferred = 1;
		R->wq[vi] = q;
		R->rep->transfers++;
		agent_free(R, c, t);
		queue_grew(R, q, R->v[vi].priority > 0, t);
		return;
	}
	{
		struct engine_cmd cmd = cmd_of(R, ENGINE_FINISH, t, c);

		if (run_exec(R, &cmd, &rep, 0) < 0) {
			agent_free(R, c, t);
			return;
		}
	}
	if (vi >= 0)
		R->o[vi].done = 1;
	agent_free(R, c, t);
}

/* Planned pause p begins at t. */
static void
on_pause(struct run *R, int p, int64_t t)
{
	const struct sim_pause *sp = &R->d->pauses[p];
	struct agent *a = &R->ag[sp->counter];

	if (a->st == A_IDLE || a->st == A_CALLING)
		agent_pause(R, sp->counter, t, sp->duration_s);
	else if (a->st == A_BUSY)
		a->pending_pause = sp->duration_s;
}

/* The session in which t falls, or -1 (between/after sessions). */
static int
session_at(const struct sim_day *d, int64_t t)
{
	int s;

	for (s = 0; s < d->nsessions; s++)
		if (t >= d->open_s[s] && t < d->close_s[s])
			return s;
	return -1;
}

/* Session s starts at t: counters open (late ones later). */
static void
on_session_open(struct run *R, int s, int64_t t)
{
	int c;

	R->in_session = 1;
	R->session = s;
	for (c = 0; c < R->cfg->ncounters; c++) {
		int late = R->d->late_min[c];

		if (late < 0)
			continue;
		if (s == 0 && late > 0) {
			heap_push(&R->h, t + late * 60, EV_OPEN, c, R->ag[c].gen);
			continue;
		}
		if (R->ag[c].st == A_OFF || R->ag[c].st == A_BREAK)
			agent_open(R, c, t);
	}
}

/* Session s ends at t: idle counters stop; busy ones drain first. */
static void
on_session_close(struct run *R, int s, int64_t t)
{
	int c;

	(void)s;
	R->in_session = 0;
	for (c = 0; c < R->cfg->ncounters; c++)
		if (R->ag[c].st == A_IDLE)
			agent_break(R, c, t);
}

/* Dispatch one event. */
static void
run_event(struct run *R, const struct ev *e)
{
	struct agent *a = e->type >= EV_CALL && e->type <= EV_FINISH ?
	    &R->ag[e->a] : NULL;

	if (a != NULL && e->gen != a->gen)
		return;           /* cancelled by a later change */
	switch (e->type) {
	case EV_ARRIVE:
		on_arrive(R, e->a, e->t);
		break;
	case EV_OPEN:
		if (e->a < 0) {
			on_session_open(R, -e->a - 1, e->t);
		} else if (R->ag[e->a].st == A_OFF && R->in_session) {
			agent_open(R, e->a, e->t);
		}
		break;
	case EV_CALL: on_call(R, e->a, e->t); break;
	case EV_RECALL: on_recall(R, e->a, e->t); break;
	case EV_NOSHOW: on_noshow(R, e->a, e->t); break;
	case EV_START: on_start(R, e->a, e->t); break;
	case EV_FINISH: on_finish(R, e->a, e->t); break;
	case EV_PAUSE: on_pause(R, e->a, e->t); break;
	case EV_RESUME:
		if (R->ag[e->a].st != A_PAUSED || e->gen != R->ag[e->a].gen)
			break;
		if (R->in_session)
			agent_open(R, e->a, e->t);
		else
			R->ag[e->a].st = A_BREAK;
		break;
	case EV_CLOSE:
		on_session_close(R, e->a, e->t);
		break;
	case EV_PROBE:
		on_probe(R, e->a, e->t);
		break;
	default:
		break;
	}
}

/* ---- the oracle (sim_run_oracle) ---------------------------------------- */

/*
 * A service of queue q that has already run for ran seconds: the rest of
 * the day's log-normal given that (inverse of its survival function, by
 * bisection), clamped as draw_service.  The whole service, seconds.
 */
static int
draw_service_after(struct sim_rng *r, const struct sim_day *d,
    const struct config *cfg, int q, int ran)
{
	double mean = mean_service_s(d, cfg, q), s = d->service_sigma;
	double mu = log(mean) - s * s / 2, lo, hi, surv, x;
	int i;

	if (ran < 30 || s <= 0) {    /* below the clamp: any draw will do */
		int y = draw_service(r, d, cfg, q);

		return y > ran ? y : ran + 1;
	}
	lo = (log(ran) - mu) / s;
	surv = 0.5 * erfc(lo / sqrt(2.0)) * (1.0 - sim_rng_unit(r));
	for (i = 0, hi = lo + 10; i < 60; i++) {
		double mid = (lo + hi) / 2;

		if (0.5 * erfc(mid / sqrt(2.0)) > surv)
			lo = mid;
		else
			hi = mid;
	}
	x = exp(mu + s * lo);
	if (x > 4 * 3600)
		x = 4 * 3600;
	return x > ran ? (int)(x + 0.5) : ran + 1;
}

/*
 * Visitors arriving after t as the engine expects them (estimate.c,
 * hall_rates): per queue and kind at the rate of the last hour's arrivals
 * (or since the day's first, none before 20 minutes), a Poisson process
 * until the session in progress closes.  The first m visitors of R are
 * those arrived; into *out (malloc'd), *nout of them.
 */
static void
engine_rule_arrivals(const struct run *R, int m, int64_t t,
    struct sim_rng *g, struct sim_visitor **out, int *nout)
{
	const struct config *cfg = R->orig;
	double cnt[CONFIG_MAX_QUEUES][2];
	int s = session_at(R->d, t), q, k, i, n = 0, cap = 0;
	int64_t span = m > 0 ? t - R->v[0].arrive : 0;
	struct sim_visitor *v = NULL;

	*out = NULL;
	*nout = 0;
	if (span > 3600)
		span = 3600;
	if (s < 0 || span < 1200)
		return;
	memset(cnt, 0, sizeof cnt);
	for (i = 0; i < m; i++)
		if (R->v[i].arrive > t - 3600)
			cnt[R->v[i].queue][R->v[i].priority > 0] += 1;
	for (q = 0; q < cfg->nqueues; q++)
		for (k = 0; k < 2; k++) {
			double rate = cnt[q][k] / (double)span, at = (double)t;

			while (rate > 0) {
				struct sim_visitor *p;

				at += -log(1.0 - sim_rng_unit(g)) / rate;
				if (at >= R->d->close_s[s])
					break;
				if (n == cap) {
					cap = cap ? cap * 2 : 64;
					v = xreallocarray(v, (size_t)cap, sizeof *v);
				}
				p = &v[n++];
				memset(p, 0, sizeof *p);
				p->arrive = (int)at;
				p->procedure = -1;
				p->queue = q;
				p->priority = k && cfg->npriority > 0 ?
				    sim_rng_range(g, 1, cfg->npriority) : k;
				draw_hidden(g, R->d, cfg, p, sim_rng_unit(g),
				    sim_rng_unit(g));
			}
		}
	*out = v;
	*nout = n;
}

/*
 * In a child holding the run at t, when visitor vi (waiting) was estimated:
 * one future, drawn from g.  Arrivals after t come from a fresh day of the
 * same description; the visitors waiting get fresh hidden draws
 * (draw_hidden); the services under way the rest given their run so far;
 * with unplanned, no pause that has not reached the engine; with
 * engine_rates, the arrivals the engine expects.  Returns the
 * seconds from t until vi is called (until the day's end if never), or -1
 * when the run failed.
 */
static int
oracle_future(struct run *R, int vi, int64_t t, struct sim_rng *g)
{
	const struct sim_day *d = R->d;
	const struct config *cfg = R->orig;
	struct sim_backend b = *R->b;
	struct sim_day dd = *d;
	struct sim_visitor *fv, *nv;
	struct ev e;
	int64_t end = t;
	int nf, m, n2, i, k, unplanned, engine_rates;

	b.position = NULL;           /* no status pages in a future */
	b.range = NULL;
	R->b = &b;
	unplanned = R->oracle->unplanned;
	engine_rates = R->oracle->engine_rates;
	R->oracle = NULL;
	for (i = 0; unplanned && i < R->cfg->ncounters; i++)
		R->ag[i].pending_pause = 0;  /* begun, but not on the counter */
	sim_rng_seed(&R->r, sim_rng_next(g));
	dd.seed = sim_rng_next(g);
	for (m = 0; m < R->n && R->v[m].arrive <= t; m++)
		;
	if (engine_rates)
		engine_rule_arrivals(R, m, t, g, &fv, &nf);
	else
		sim_generate(&dd, cfg, &fv, &nf);
	nv = xcalloc((size_t)m + (size_t)nf + 1, sizeof *nv);
	memcpy(nv, R->v, (size_t)m * sizeof *nv);
	for (i = 0; i < m; i++)
		if (R->o[i].first_call == 0) {
			double u2 = sim_rng_unit(g), u3 = sim_rng_unit(g);

			draw_hidden(g, d, cfg, &nv[i], u2, u3);
		}
	for (i = 0, n2 = m; i < nf; i++)
		if (fv[i].arrive > t)
			nv[n2++] = fv[i];
	free(fv);
	/* The events: no more status pages or old arrivals; the services
	 * under way or about to begin drawn again. */
	for (i = 0, k = 0; i < R->h.n; i++) {
		struct ev *x = &R->h.v[i];
		struct agent *a;

		if (x->type == EV_PROBE || (x->type == EV_ARRIVE && x->a >= m) ||
		    (x->type == EV_PAUSE && unplanned))
			continue;
		a = &R->ag[x->a];
		if ((x->type == EV_START || x->type == EV_FINISH) &&
		    x->gen == a->gen && a->vis >= 0) {
			int lq = leg_queue(R, a->vis, a->second);

			if (x->type == EV_START) {
				a->service_s = draw_service(g, d, cfg, lq);
			} else {
				int64_t start = x->t - a->service_s;

				a->service_s = draw_service_after(g, d, cfg, lq,
				    (int)(t - start));
				x->t = start + a->service_s;
			}
		}
		R->h.v[k++] = *x;
	}
	R->h.n = k;
	for (i = k / 2 - 1; i >= 0; i--)
		heap_down(&R->h, i);
	/* The visitors' tables for the new count. */
	R->o = xreallocarray(R->o, (size_t)n2 + 1, sizeof *R->o);
	R->wq = xreallocarray(R->wq, (size_t)n2 + 1, sizeof *R->wq);
	for (i = m; i < n2; i++) {
		memset(&R->o[i], 0, sizeof R->o[i]);
		R->wq[i] = -1;
	}
	if (R->ids.cap < (size_t)n2 * 2) {
		struct idmap old = R->ids;
		size_t j;

		while (R->ids.cap < (size_t)n2 * 4)
			R->ids.cap *= 2;
		R->ids.key = xcalloc(R->ids.cap, sizeof *R->ids.key);
		R->ids.val = xcalloc(R->ids.cap, sizeof *R->ids.val);
		for (j = 0; j < old.cap; j++)
			if (old.key[j] != 0)
				idmap_put(&R->ids, old.key[j], old.val[j]);
	}
	for (i = m; i < n2; i++)
		if (session_at(d, nv[i].arrive) >= 0)
			heap_push(&R->h, nv[i].arrive, EV_ARRIVE, i, 0);
	R->v = nv;
	R->n = n2;
	while (heap_pop(&R->h, &e)) {
		end = e.t;
		run_event(R, &e);
		if (R->failed)
			return -1;
		if (R->o[vi].first_call != 0)
			return (int)(R->o[vi].first_call - t);
	}
	return (int)(end - t);
}

/*
 * The oracle's estimate for waiting visitor vi at t: the median of
 * R->oracle->futures futures, each played in a child of this process
 * (which holds the whole state, the engine's too) and sent back through a
 * pipe; -1 when none could be played.  The run itself is not touched.
 */
static int
oracle_estimate(struct run *R, int vi, int64_t t)
{
	const struct sim_oracle *o = R->oracle;
	int *w = xcalloc((size_t)o->futures, sizeof *w), got = 0, k;
	struct sim_stats st;

	for (k = 0; k < o->futures; k++) {
		int fd[2], x = -1;
		pid_t pid;

		if (pipe(fd) < 0)
			break;
		pid = fork();
		if (pid == 0) {
			struct sim_rng g;

			close(fd[0]);
			sim_rng_seed(&g, R->d->seed ^ (uint64_t)vi << 20 ^
			    (uint64_t)k << 40 ^ (uint64_t)t << 1);
			x = oracle_future(R, vi, t, &g);
			_exit(write(fd[1], &x, sizeof x) == (ssize_t)sizeof x ?
			    0 : 1);
		}
		close(fd[1]);
		if (pid > 0) {
			if (read(fd[0], &x, sizeof x) == (ssize_t)sizeof x &&
			    x >= 0)
				w[got++] = x;
			(void)waitpid(pid, NULL, 0);
		}
		close(fd[0]);
		if (pid < 0)
			break;
	}
	sim_stats_of(w, got, &st);
	free(w);
	return got > 0 ? st.median : -1;
}

/* The median and p90 of x[0..n-1] (sorted in place) into *med, *p90. */
static void
med_p90(int *x, int n, int *med, int *p90)
{
	struct sim_stats st;

	sim_stats_of(x, n, &st);
	*med = st.median;
	*p90 = st.p90;
}

/* Fill the report's figures from the outcomes. */
static void
figures(struct run *R, int64_t end)
{
	struct sim_report *rep = R->rep;
	const struct config *o = R->orig;
	int *all = xcalloc((size_t)R->n + 1, sizeof *all);
	int *nor = xcalloc((size_t)R->n + 1, sizeof *nor);
	int *pri = xcalloc((size_t)R->n + 1, sizeof *pri);
	int *err = xcalloc((size_t)R->n + 1, sizeof *err);
	int *qw = xcalloc((size_t)R->n + 1, sizeof *qw);
	int *lerr = xcalloc((size_t)R->n + 1, sizeof *lerr);
	int *lterr = xcalloc((size_t)R->n + 1, sizeof *lterr);
	int *bkd = xcalloc((size_t)R->n + 1, sizeof *bkd);
	int *wlk = xcalloc((size_t)R->n + 1, sizeof *wlk);
	int *oerr = xcalloc((size_t)R->n + 1, sizeof *oerr);
	int *oours = xcalloc((size_t)R->n + 1, sizeof *oours);
	int *olerr = xcalloc((size_t)R->n + 1, sizeof *olerr);
	int *olours = xcalloc((size_t)R->n + 1, sizeof *olours);
	int *rw = xcalloc((size_t)R->n + 1, sizeof *rw);
	int *rd = xcalloc((size_t)R->n + 1, sizeof *rd);
	int *rm = xcalloc((size_t)R->n + 1, sizeof *rm);
	int *lrw = xcalloc((size_t)R->n + 1, sizeof *lrw);
	int *lrd = xcalloc((size_t)R->n + 1, sizeof *lrd);
	int *lrm = xcalloc((size_t)R->n + 1, sizeof *lrm);
	int no = 0, nol = 0;
	int na = 0, nn = 0, np = 0, ne = 0, nl = 0, within = 0, lwithin = 0;
	int nb = 0, nwk = 0;
	int q, i, c, unused;
	double bias = 0;

	rep->visitors = R->n;
	rep->end_s = (int)end;
	for (i = 0; i < R->n; i++) {
		const struct outcome *oc = &R->o[i];
		int w;

		if (oc->ticket == 0)
			continue;
		if (oc->first_call == 0) {
			/* Never called: waited until the day ended. */
			rep->cancelled++;
			w = (int)(end - R->v[i].arrive);
		} else {
			rep->called++;
			w = (int)(oc->first_call - R->v[i].arrive);
			range_count(w, oc->est_s, oc->lo_s, oc->hi_s,
			    &rep->rng_n, &rep->rng_in, rw, rd, rm, ne);
			err[ne++] = abs(oc->est_s - w);
			rep->est_hist[sim_est_band(oc->est_s)][w / 60 <
			    SIM_WAIT_BINS ? w / 60 : SIM_WAIT_BINS - 1]++;
			rep->est_errhist[err[ne - 1] / 60 < SIM_WAIT_BINS ?
			    err[ne - 1] / 60 : SIM_WAIT_BINS - 1]++;
			bias += oc->est_s - w;
			within += w <= (oc->est_s + 59) / 60 * 60;
			if (oc->probe_at != 0) {
				int rest = (int)(oc->first_call - oc->probe_at);

				range_count(rest, oc->probe_est_s,
				    oc->probe_lo_s, oc->probe_hi_s,
				    &rep->lrng_n, &rep->lrng_in, lrw, lrd, lrm,
				    nl);
				lterr[nl] = abs(oc->est_s - w);
				lerr[nl++] = abs(oc->probe_est_s - rest);
				lwithin += rest <= (oc->probe_est_s + 59) / 60 * 60;
				if (oc->oracle_live_s >= 0) {
					olerr[nol] = abs(oc->oracle_live_s - rest);
					olours[nol++] = lerr[nl - 1];
				}
			}
			if (oc->oracle_s >= 0) {
				oerr[no] = abs(oc->oracle_s - w);
				oours[no++] = err[ne - 1];
			}
		}
		rep->served += oc->done;
		rep->no_shows += oc->no_show;
		all[na++] = w;
		if (R->v[i].priority > 0)
			pri[np++] = w;
		else
			nor[nn++] = w;
		if (R->v[i].slot > 0) {
			/* From the slot, or the later arrival (check-in). */
			int from = R->v[i].slot > R->v[i].arrive ? R->v[i].slot :
			    R->v[i].arrive;
			int64_t till = oc->first_call ? oc->first_call : end;

			bkd[nb++] = till > from ? (int)(till - from) : 0;
		} else
			wlk[nwk++] = w;
	}
	sim_stats_of(bkd, nb, &rep->wait_booked);
	sim_stats_of(wlk, nwk, &rep->wait_walkin);
	sim_stats_of(all, na, &rep->wait);
	sim_stats_of(nor, nn, &rep->wait_normal);
	sim_stats_of(pri, np, &rep->wait_prio);
	rep->est_n = ne;
	med_p90(err, ne, &rep->est_err_median, &rep->est_err_p90);
	rep->est_within = ne > 0 ? (double)within / ne : 0;
	rep->est_bias = ne > 0 ? bias / ne : 0;
	rep->live_n = nl;
	med_p90(lerr, nl, &rep->live_err_median, &rep->live_err_p90);
	rep->live_within = nl > 0 ? (double)lwithin / nl : 0;
	med_p90(lterr, nl, &rep->live_ticket_median, &rep->live_ticket_p90);
	med_p90(rw, rep->rng_n, &rep->rng_width_median, &unused);
	med_p90(rd, ne, &unused, &rep->rng_dist_p90);
	med_p90(rm, ne, &unused, &rep->rng_mid_p90);
	med_p90(lrw, rep->lrng_n, &rep->lrng_width_median, &unused);
	med_p90(lrd, nl, &unused, &rep->lrng_dist_p90);
	med_p90(lrm, nl, &unused, &rep->lrng_mid_p90);
	rep->oracle_n = no;
	med_p90(oerr, no, &rep->oracle_err_median, &rep->oracle_err_p90);
	med_p90(oours, no, &rep->oracle_ours_median, &rep->oracle_ours_p90);
	rep->oracle_live_n = nol;
	med_p90(olerr, nol, &rep->oracle_live_err_median,
	    &rep->oracle_live_err_p90);
	med_p90(olours, nol, &rep->oracle_live_ours_median,
	    &rep->oracle_live_ours_p90);
	for (q = 0; q < o->nqueues; q++) {
		int k = 0, ok = 0;

		for (i = 0; i < R->n; i++) {
			const struct outcome *oc = &R->o[i];
			int64_t tgt;
			int pr = R->v[i].procedure;

			if (R->v[i].queue != q || oc->ticket == 0)
				continue;
			tgt = pr >= 0 && pr < o->nprocedures &&
			    o->procedures[pr].target_wait_min > 0 ?
			    o->procedures[pr].target_wait_min :
			    o->queues[q].target_wait_min;
			qw[k] = oc->first_call ? (int)(oc->first_call -
			    R->v[i].arrive) : (int)(end - R->v[i].arrive);
			ok += oc->first_call != 0 && qw[k] <= tgt * 60;
			k++;
		}
		sim_stats_of(qw, k, &rep->qwait[q]);
		rep->service_level[q] = k > 0 ? (double)ok / k : 1.0;
	}
	for (c = 0; c < R->cfg->ncounters; c++)
		rep->utilisation[c] = rep->open_s[c] > 0 ?
		    (double)rep->busy_s[c] / rep->open_s[c] : -1;
	free(all);
	free(nor);
	free(pri);
	free(bkd);
	free(wlk);
	free(err);
	free(lerr);
	free(lterr);
	free(oerr);
	free(oours);
	free(olerr);
	free(olours);
	free(rw);
	free(rd);
	free(rm);
	free(lrw);
	free(lrd);
	free(lrm);
	free(qw);
}

/* sim_run, with the oracle's figures when o is not NULL. */
static int
run_day(const struct sim_day *d, const struct config *orig,
    const struct config *cfg, const struct sim_visitor *v, int n,
    const struct sim_backend *b, const struct sim_oracle *o,
    struct sim_report *rep, char *err, size_t errlen)
{
	struct run *R = xcalloc(1, sizeof *R);
	struct ev e;
	int64_t end = 0;
	int i, c, rc = 0;

	memset(rep, 0, sizeof *rep);
	rep->longest_queue = -1;
	R->d = d;
	R->orig = orig;
	R->cfg = cfg;
	R->v = v;
	R->n = n;
	R->b = b;
	R->oracle = o != NULL && o->futures > 0 && o->every > 0 ? o : NULL;
	R->rep = rep;
	R->err = err;
	R->errlen = errlen;
	R->pooled = cfg->nqueues != orig->nqueues;
	R->mid = sim_day_midnight(d);
	R->o = xcalloc((size_t)n + 1, sizeof *R->o);
	R->wq = xcalloc((size_t)n + 1, sizeof *R->wq);
	for (i = 0; i < n; i++) {
		R->wq[i] = -1;
		R->o[i].oracle_s = R->o[i].oracle_live_s = -1;
	}
	for (R->ids.cap = 64; R->ids.cap < (size_t)n * 4; R->ids.cap *= 2)
		;
	R->ids.key = xcalloc(R->ids.cap, sizeof *R->ids.key);
	R->ids.val = xcalloc(R->ids.cap, sizeof *R->ids.val);
	sim_rng_seed(&R->r, d->seed ^ 0x5717a9e5ULL);
	R->session = -1;
	for (c = 0; c < cfg->ncounters; c++) {
		R->ag[c].open_since = -1;
		R->ag[c].vis = -1;
		for (i = 0; i < cfg->counters[c].nserves; i++) {
			int q = cfg->counters[c].serves[i].queue;

			if (q >= 0 && q < cfg->nqueues)
				R->serves[c][q] = 1;
		}
	}
	/* Sessions first, so an arrival at the opening instant finds them. */
	for (i = 0; i < d->nsessions; i++) {
		heap_push(&R->h, d->open_s[i], EV_OPEN, -i - 1, 0);
		heap_push(&R->h, d->close_s[i], EV_CLOSE, i, 0);
	}
	for (i = 0; i < d->npauses; i++)
		heap_push(&R->h, d->pauses[i].at, EV_PAUSE, i, 0);
	for (i = 0; i < n; i++)
		if (session_at(d, v[i].arrive) >= 0)
			heap_push(&R->h, v[i].arrive, EV_ARRIVE, i, 0);
	while (heap_pop(&R->h, &e)) {
		if (b->wait_until != NULL && b->wait_until(b->arg, R->mid + e.t)) {
			snprintf(err, errlen, "stopped");
			rc = -1;
			break;
		}
		end = e.t;
		run_event(R, &e);
		if (R->failed) {
			rc = -1;
			break;
		}
	}
	for (c = 0; c < cfg->ncounters; c++)
		agent_close_time(R, c, end);
	figures(R, end);
	free(R->h.v);
	free(R->o);
	free(R->wq);
	free(R->ids.key);
	free(R->ids.val);
	free(R);
	return rc;
}

int
sim_run(const struct sim_day *d, const struct config *orig,
    const struct config *cfg, const struct sim_visitor *v, int n,
    const struct sim_backend *b, struct sim_report *rep, char *err,
    size_t errlen)
{
	return run_day(d, orig, cfg, v, n, b, NULL, rep, err, errlen);
}

/* ---- the in-process engine backend -------------------------------------- */

/* Backend exec on an engine. */
static int
engine_backend_exec(void *arg, const struct engine_cmd *cmd,
    struct sim_reply *rep)
{
	engine *e = arg;
	struct engine_result res;
	const struct engine_ticket *t;
	int rc = engine_exec(e, cmd, &res);

	if (rc < 0)
		return rc;
	rep->ticket = res.ticket;
	rep->passed_queue = res.passed_queue;
	if (res.ticket != 0 && (t = engine_ticket_by_id(e, res.ticket)) != NULL) {
		rep->state = t->state;
		rep->est_wait_s = t->est_wait_s;
		rep->ahead = t->ahead;
	}
	return 0;
}

/* Backend position on an engine: what the status page shows. */
static int
engine_backend_position(void *arg, int64_t ticket, int *ahead, int *est_s)
{
	return engine_position(arg, ticket, ahead, est_s);
}

/* Backend range on an engine: what the ticket and status page show. */
static int
engine_backend_range(void *arg, int est_s, int *low_s, int *high_s)
{
	return engine_estimate_range(arg, est_s, low_s, high_s);
}

void
sim_engine_backend(struct sim_backend *b, engine *e)
{
	b->exec = engine_backend_exec;
	b->position = engine_backend_position;
	b->range = engine_backend_range;
	b->wait_until = NULL;
	b->arg = e;
	b->lenient = 0;
}

/* sim_run_variant, with the oracle when o is not NULL. */
static int
run_variant(const struct sim_day *d, const struct config *cfg,
    const struct sim_visitor *v, int n, enum sim_variant var,
    const struct sim_oracle *o, struct sim_report *rep, char *err,
    size_t errlen)
{
	struct config *vc = sim_config_variant(cfg, var);
	engine *e;
	struct sim_backend b;
	int rc, s;

	/* A centre that gives its opening hours opens by the day's sessions
	 * in the simulation: its engine is told those. */
	if (vc->policy.nopen_hours > 0) {
		vc->policy.nopen_hours = d->nsessions < CONFIG_MAX_OPEN_HOURS ?
		    d->nsessions : CONFIG_MAX_OPEN_HOURS;
		for (s = 0; s < vc->policy.nopen_hours; s++) {
			vc->policy.open_from_s[s] = d->open_s[s];
			vc->policy.open_to_s[s] = d->close_s[s];
		}
	}
	e = engine_new(vc);
	sim_engine_backend(&b, e);
	rc = run_day(d, cfg, vc, v, n, &b, o, rep, err, errlen);
	engine_free(e);
	sim_config_free(vc);
	return rc;
}

int
sim_run_variant(const struct sim_day *d, const struct config *cfg,
    const struct sim_visitor *v, int n, enum sim_variant var,
    struct sim_report *rep, char *err, size_t errlen)
{
	return run_variant(d, cfg, v, n, var, NULL, rep, err, errlen);
}

int
sim_run_oracle(const struct sim_day *d, const struct config *cfg,
    const struct sim_visitor *v, int n, const struct sim_oracle *o,
    struct sim_report *rep, char *err, size_t errlen)
{
	return run_variant(d, cfg, v, n, SIM_CONFIGURED, o, rep, err, errlen);
}
