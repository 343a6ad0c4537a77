/*
 * estimate.c - the engine's estimator: what the day's ended tickets teach
 * (learn_add, recount), people ahead within a queue (the interleave played
 * forward), and the estimated wait, the time until a ticket is called in a
 * play-out of the routing rules from the engine's current state
 * (host/docs/engine.md, *Estimates*).
 *
 * The play-out copies the waiting tickets into its own lists (struct play),
 * adds the visitors expected to arrive (over the next hour, or until the
 * session closes when [policy] open_hours is given), and lets the open
 * counters, and the paused ones from when they are expected back, call
 * them in turn by the rules of route() in engine.c, each call holding the
 * counter for the learned time.  A play-out for one ticket stops when that
 * ticket is called; the live positions (engine_position) run one play-out
 * until every ticket waiting now is called and keep the figures until the
 * engine's version changes (from the second ticket asked of a version: the
 * first gets a play-out of its own).
 *
 * For a long wait the visitor is told a range (estimate_range): the
 * narrowest window of wait / printed estimate that held most of the day's
 * called tickets, counted from their rows once per version (struct spread).
 */
#include "core/estimate.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xmalloc.h"
#include "core/engine_private.h"

#define RESIDUAL_FLOOR 0.3      /* a service past its mean: this much left */
#define SERVICE_PRIOR_N 10      /* weight of the configured service time */
#define GAP_MAX_S 120           /* call gaps learned: at most this long */
#define ARRIVAL_WINDOW_S 3600   /* arrival rates: over the last hour */
#define ARRIVAL_MIN_S 1200      /* ... or since the first ticket; none
                                   before the day has run this long */
#define ARRIVAL_HORIZON_S 3600  /* expected arrivals: only this far ahead
                                   (without open_hours) */
#define PLAY_HORIZON_S (8 * 3600) /* the play-out gives up after this */
#define PLAY_MAX_STEPS 100000
#define SPREAD_FROM_S 240       /* the spread is learnt from estimates of
                                   at least this long */
#define RANGE_FROM_S SPREAD_FROM_S /* a range is shown from this on */
#define RANGE_COVER 0.8         /* the share of learnt waits a range holds */
#define RANGE_MIN_N 30          /* tickets needed before learnt ratios are
                                   used (a band, else all bands pooled) */
#define RANGE_DEFAULT_LO 0.6    /* until then: wait / estimate from .. */
#define RANGE_DEFAULT_HI 1.8    /* .. to this */
#define RANGE_ROUND_S 300       /* the ends rounded out to 5 minutes */
#define RANGE_MAX_S PLAY_HORIZON_S /* the high end: at most this (or the
                                   estimate, when it is longer) */

/* ---- what the day teaches ----------------------------------------------- */

/*
 * Count ended ticket p (of the current day) in what the estimator learns.
 * Only fields that never change after the end are read, and sums do not
 * depend on order, so counting the day's rows again on restore (recount)
 * gives the same figures.
 */
void
estimate_learn_add(engine *e, const struct tk *p)
{
	struct learn *l;

	if (strcmp(p->t.day, e->day) != 0 || p->t.called_at <= 0 ||
	    p->t.queue < 0 || p->t.queue >= e->cfg->nqueues)
		return;
	l = &e->learn[p->t.queue];
	if (p->t.state == ENGINE_T_DONE) {
		l->done++;
		l->svc_sum += clamp_s(p->t.finished_at - (p->t.started_at > 0 ?
		    p->t.started_at : p->t.called_at));
		if (p->t.started_at > 0) {
			l->walk_n++;
			l->walk_sum += clamp_s(p->t.started_at - p->t.called_at);
		}
	} else if (p->t.state == ENGINE_T_NO_SHOW) {
		l->ns++;
		l->ns_sum += clamp_s((p->t.finished_at - p->t.called_at) *
		    (p->t.calls > 0 ? p->t.calls : 1));
	} else
		return;
	/* Issued with a counter about to call it, called at the first call:
	 * how long a free counter takes to call. */
	if (p->t.ahead == 0 && p->t.est_wait_s < 60 && p->t.calls == 1 &&
	    p->t.transfers == 0 && p->t.called_at - p->t.issued_at >= 0 &&
	    p->t.called_at - p->t.issued_at <= GAP_MAX_S) {
		l->gap_n++;
		l->gap_sum += p->t.called_at - p->t.issued_at;
	}
}

/* Recount what the day taught from its ticket rows. */
void
estimate_recount(engine *e)
{
	int i;

	memset(e->learn, 0, (size_t)e->cfg->nqueues * sizeof *e->learn);
	for (i = 0; i < e->all.n; i++) {
		const struct tk *p = e->all.v[i];

		if (strcmp(p->t.day, e->day) != 0 || p->t.queue < 0 ||
		    p->t.queue >= e->cfg->nqueues)
			continue;
		estimate_learn_add(e, p);
	}
}

/*
 * Mean service of queue q: the day's services (start -> finish) with the
 * configured service time counted as SERVICE_PRIOR_N of them.
 */
static double
svc_s(const engine *e, int q)
{
	const struct learn *l = &e->learn[q];

	return (SERVICE_PRIOR_N * e->cfg->queues[q].service_min * 60.0 +
	    (double)l->svc_sum) / (SERVICE_PRIOR_N + l->done);
}

/* The day's means over all queues: call -> start, a no-show's hold (all
 * its calls), the share of no-shows, and a free counter's time to call. */
struct learned {
	double walk, ns_hold, ns_share, gap;
};

/* Pool what the day taught over every queue (0 where nothing yet). */
static void
learned(const engine *e, struct learned *o)
{
	int64_t ws = 0, nss = 0, gs = 0;
	int wn = 0, n = 0, ns = 0, gn = 0, i;

	for (i = 0; i < e->cfg->nqueues; i++) {
		const struct learn *l = &e->learn[i];

		wn += l->walk_n;
		ws += l->walk_sum;
		n += l->done + l->ns;
		ns += l->ns;
		nss += l->ns_sum;
		gn += l->gap_n;
		gs += l->gap_sum;
	}
	o->walk = wn > 0 ? (double)ws / wn : 0;
	o->ns_hold = ns > 0 ? (double)nss / ns : 0;
	o->ns_share = n > 0 ? (double)ns / n : 0;
	o->gap = gn > 0 ? (double)gs / gn : 0;
}

/*
 * Expected seconds a counter is taken by one ticket of queue q, from its
 * call to the next call: the walk up and the service, or a no-show's
 * recalls, then the time to call the next.
 */
static double
hold_s(const engine *e, const struct learned *L, int q)
{
	return (1 - L->ns_share) * (L->walk + svc_s(e, q)) +
	    L->ns_share * L->ns_hold + L->gap;
}

/*
 * Expected seconds until a counter holding ticket t (called or serving) at
 * now is free to call the next.
 */
static double
residual_s(const engine *e, const struct learned *L, const struct tk *t,
    int64_t now)
{
	double svc = svc_s(e, t->t.queue), rem;

	if (t->t.started_at <= 0)
		return hold_s(e, L, t->t.queue);
	rem = svc - (double)(now - t->t.started_at);
	if (rem < svc * RESIDUAL_FLOOR)
		rem = svc * RESIDUAL_FLOOR;
	return rem + L->gap;
}

/* Seconds since local midnight of unix time t. */
static int
local_sod(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return 0;
	return tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

/*
 * The session of open_hours that local time-of-day sod falls in, or -1;
 * in *next the first session starting after sod (-1: none today).
 */
static int
open_session(const struct config_policy *pol, int sod, int *next)
{
	int s;

	*next = -1;
	for (s = 0; s < pol->nopen_hours; s++) {
		if (sod >= pol->open_from_s[s] && sod < pol->open_to_s[s])
			return s;
		if (pol->open_from_s[s] > sod) {
			*next = s;
			return -1;
		}
	}
	return -1;
}

/*
 * Seconds from now until visitors stop being expected: the next hour, or
 * with open_hours until the session now is in closes (0 between sessions).
 */
static double
arrivals_until_s(const engine *e)
{
	const struct config_policy *pol = &e->cfg->policy;
	int sod, s, next;

	if (pol->nopen_hours == 0)
		return ARRIVAL_HORIZON_S;
	sod = local_sod(e->now);
	s = open_session(pol, sod, &next);
	return s >= 0 ? pol->open_to_s[s] - sod : 0;
}

/*
 * Seconds from now until paused counter ec is expected back: its pause
 * start + pause_expected_min, or with open_hours, for a pause that began
 * outside them, the next opening if later; at once when that has passed.
 * Negative (takes no part) when pause_expected_min is 0, or when it paused
 * after the day's last session.  From the counter row alone (state and
 * since), so a restored engine expects the same.
 */
static double
pause_back_s(const engine *e, const struct engine_counter *ec)
{
	const struct config_policy *pol = &e->cfg->policy;
	int64_t back = ec->since + (int64_t)pol->pause_expected_min * 60;
	int sod, next;

	if (pol->pause_expected_min <= 0)
		return -1;
	if (pol->nopen_hours > 0) {
		sod = local_sod(ec->since);
		if (open_session(pol, sod, &next) < 0) {
			if (next < 0)
				return -1;
			if (ec->since + (pol->open_from_s[next] - sod) > back)
				back = ec->since + (pol->open_from_s[next] - sod);
		}
	}
	return back > e->now ? (double)(back - e->now) : 0;
}

/* ---- the hall: the waiting tickets of one engine version ---------------- */

/*
 * Every estimate of one engine version plays out the same waiting tickets,
 * so what the play-outs share is built once per version (struct hall): the
 * waiting tickets in arrival order (kept sorted as they come and go, so no
 * sort per version), per queue the unassigned ones by kind and the ones
 * with a target by deadline, per counter the assigned ones, the expected
 * arrival rates, the learned means and each open counter's first free
 * time.  A play-out (struct run) then only keeps its own heads, runs and
 * counters' times over those shared lists; the one ticket an estimate is
 * for, when it is not waiting yet (a ticket being issued, or the "issued
 * now" of engine_queue_estimate), is slotted into copies of its own
 * queue's lists.  The figures are those of the play-out built from scratch
 * per estimate (tests/unit/host/core/estimate_ref.c), which the unit test
 * checks after every command of a random sequence.
 */

#define ARRIVAL (-2)            /* a head that is an expected arrival */

/* A ticket's deadline (enqueued + target) in a queue's overdue list. */
struct hdue {
	int64_t due;
	int idx;                     /* rank in the hall (the target: n) */
};

/* A queue of the hall. */
struct hqueue {
	int *v[2];                   /* unassigned waiting, normal / priority:
	                                ranks, in arrival order */
	int n[2];
	struct hdue *due;            /* those with a target, by (due, rank) */
	int nd;
	double gap[2];               /* expected arrivals: seconds between
	                                (0 = none), normal / priority */
	double hold;                 /* hold_s of the queue */
	int64_t tgt;                 /* the queue's target, s (0 = none): an
	                                expected visitor's deadline */
};

/*
 * How the waits of the day's called tickets fell against the estimate they
 * were printed: per band of the estimate (spread_band), a histogram of
 * wait / estimate in bins of 1/SPREAD_BIN_PER.
 */
#define SPREAD_BANDS 4
#define SPREAD_BINS 100
#define SPREAD_BIN_PER 20
struct spread {
	int n[SPREAD_BANDS];
	int hist[SPREAD_BANDS][SPREAD_BINS];
	double lo[SPREAD_BANDS], hi[SPREAD_BANDS]; /* the window shown, x */
};

/* The band (struct spread) of an estimate of est seconds, -1 = none. */
static int
spread_band(int est)
{
	if (est < SPREAD_FROM_S)
		return -1;
	if (est < 2 * SPREAD_FROM_S)
		return 0;
	if (est < 4 * SPREAD_FROM_S)
		return 1;
	if (est < 8 * SPREAD_FROM_S)
		return 2;
	return 3;
}

/*
 * Count called ticket p's wait against its printed estimate in s: a ticket
 * called (now or before) once and never transferred, whose called_at is
 * the end of its wait.  From the row alone, so a restored engine counts
 * the same.
 */
static void
spread_add(struct spread *s, const struct tk *p)
{
	int b = spread_band(p->t.est_wait_s), bin;
	int64_t w = p->t.called_at - p->t.issued_at;

	if (b < 0 || p->t.calls != 1 || p->t.transfers != 0 || w < 0 ||
	    p->t.called_at <= 0)
		return;
	switch (p->t.state) {
	case ENGINE_T_CALLED:
	case ENGINE_T_SERVING:
	case ENGINE_T_DONE:
	case ENGINE_T_NO_SHOW:
		break;
	default:
		return;
	}
	bin = (int)(w * SPREAD_BIN_PER / p->t.est_wait_s);
	if (bin >= SPREAD_BINS)
		bin = SPREAD_BINS - 1;
	s->n[b]++;
	s->hist[b][bin]++;
}

/* What every play-out of one engine version shares. */
struct hall {
	unsigned long version;       /* of the engine; 0 = not built */
	int n;                       /* waiting tickets: c->wait[0..n-1] */
	struct hqueue *q;
	int *asg, *asg_off, *nasg;   /* per counter: assigned ones, ranks */
	int *pool, poolcap;          /* storage of the kind lists */
	struct hdue *dpool;
	int dcap;
	double *free0;               /* per counter: first free (a paused one:
	                                when back), < 0 = takes no part */
	double gap0;                 /* the learned call delay */
	double until;                /* expected arrivals up to this, s */
	double *key;                 /* n + 1: rank - n; slot n: the target */
	int64_t *due_of;             /* n: an unassigned one's deadline in its
	                                queue's list, INT64_MAX: none */
	unsigned char *taken;        /* n + 1: scratch of a run */
	int cap;                     /* of key and taken */
};

/* A waiting ticket's live figures (engine_position), by rank. */
struct livepos {
	int ahead, est;
};

/*
 * Where the live play-out stood when a ticket issued now of one queue and
 * kind would first have come up: the first moment every waiting ticket of
 * that kind list is taken, or every one before it in the queue's deadline
 * list.  Until then the ticket is no list's head, so a play-out with it
 * slotted in makes the same picks; engine_queue_estimate goes on from
 * here instead of playing that prefix again.
 */
struct ck {
	int reached;                 /* 0: the live play-out ended first */
	int picks, steps, nheap;     /* of the play-out by then */
	int cnt;                     /* not yet taken: its kind list */
	int pre;                     /* ... its deadline list before it
	                                (-1: it would have no deadline) */
	int64_t due;                 /* its deadline (0: none) */
};

struct rqueue;

struct estimate_cache {
	struct tk **wait;            /* waiting tickets, in arrival order */
	int nwait, wcap;
	struct hall h;
	unsigned long live_version;  /* of the live figures; 0 = none */
	unsigned long asked_version; /* of the last ticket asked, see below */
	struct livepos *live;
	int livecap;
	double *when;
	/* The checkpoints of the live play-out (live_version): ck[2q + k]
	 * with its copies of the play-out's queues (ckq, nq each), counters'
	 * assigned heads and heap (ckc, 2 nc each) and free times (ckf, nc
	 * each); per rank the pick that took it (stamp, 0 = not taken). */
	struct ck *ck;
	struct rqueue *ckq;
	int *ckc;
	double *ckf;
	int *stamp;
	int stampcap;
	struct spread spread;        /* the day's waits against estimates */
	unsigned long spread_version; /* of spread; 0 = none */
};

/* Position of p in the waiting list (lower bound in arrival order). */
static int
wait_lower(const struct estimate_cache *c, const struct tk *p)
{
	int lo = 0, hi = c->nwait;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (before(c->wait[mid], p))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Rank of listed waiting ticket p, or -1. */
static int
wait_rank(const struct estimate_cache *c, const struct tk *p)
{
	int i = wait_lower(c, p), k;

	if (i < c->nwait && c->wait[i] == p)
		return i;
	for (k = 0; k < c->nwait; k++)       /* equal keys: not expected */
		if (c->wait[k] == p)
			return k;
	return -1;
}

void
estimate_wait_add(engine *e, struct tk *p)
{
	struct estimate_cache *c = e->live;
	int i;

	if (c->nwait == c->wcap) {
		c->wcap = c->wcap ? c->wcap * 2 : 256;
		c->wait = xreallocarray(c->wait, (size_t)c->wcap,
		    sizeof *c->wait);
	}
	i = c->nwait > 0 && before(c->wait[c->nwait - 1], p) ? c->nwait :
	    wait_lower(c, p);
	memmove(c->wait + i + 1, c->wait + i,
	    (size_t)(c->nwait - i) * sizeof *c->wait);
	c->wait[i] = p;
	c->nwait++;
}

void
estimate_wait_del(engine *e, struct tk *p)
{
	struct estimate_cache *c = e->live;
	int i = wait_rank(c, p);

	if (i < 0)
		return;
	memmove(c->wait + i, c->wait + i + 1,
	    (size_t)(c->nwait - i - 1) * sizeof *c->wait);
	c->nwait--;
}

/* qsort: deadlines, earliest first, then arrival order. */
static int
cmp_hdue(const void *a, const void *b)
{
	const struct hdue *x = a, *y = b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * Arrival rates of the day per queue and kind: the tickets now in the queue
 * issued in the last ARRIVAL_WINDOW_S (or since the day's first ticket), as
 * seconds between arrivals in gap (0 = none expected).  Nothing is
 * extrapolated before the day has run ARRIVAL_MIN_S.
 */
static void
hall_rates(const engine *e, struct hall *H)
{
	int64_t first = 0, span, now = e->now;
	int i, q;

	for (q = 0; q < e->cfg->nqueues; q++)
		H->q[q].gap[0] = H->q[q].gap[1] = 0;
	for (i = 0; i < e->all.n; i++) {
		const struct tk *p = e->all.v[i];

		if (strcmp(p->t.day, e->day) != 0)
			continue;
		if (first == 0 || p->t.issued_at < first)
			first = p->t.issued_at;
		if (p->t.issued_at > now - ARRIVAL_WINDOW_S &&
		    p->t.issued_at <= now)
			H->q[p->t.queue].gap[is_prio(p)] += 1;
	}
	span = first > 0 ? now - first : 0;
	if (span > ARRIVAL_WINDOW_S)
		span = ARRIVAL_WINDOW_S;
	for (q = 0; q < e->cfg->nqueues; q++)
		for (i = 0; i < 2; i++) {
			struct hqueue *hq = &H->q[q];

			hq->gap[i] = hq->gap[i] > 0 && span >= ARRIVAL_MIN_S ?
			    (double)span / hq->gap[i] : 0;
		}
	/* Appointments of the coming hour: priority arrivals on top. */
	for (q = 0; q < e->cfg->nqueues; q++)
		if (e->booked[q] > 0) {
			struct hqueue *hq = &H->q[q];
			double rate = (hq->gap[1] > 0 ? 1.0 / hq->gap[1] : 0) +
			    e->booked[q] / (double)ARRIVAL_HORIZON_S;

			hq->gap[1] = 1.0 / rate;
		}
}

/* The hall of e's current version (built when the version changed). */
static struct hall *
hall_get(const engine *e)
{
	struct estimate_cache *c = e->live;
	struct hall *H = &c->h;
	const struct config *cfg = e->cfg;
	int nq = cfg->nqueues, nc = cfg->ncounters, n = c->nwait;
	int i, q, k, off;
	struct learned L;
	double back;

	if (H->version == e->version && H->q != NULL)
		return H;
	if (H->q == NULL) {
		H->q = xcalloc((size_t)nq + 1, sizeof *H->q);
		H->asg_off = xcalloc((size_t)nc + 1, sizeof *H->asg_off);
		H->nasg = xcalloc((size_t)nc + 1, sizeof *H->nasg);
		H->free0 = xcalloc((size_t)nc + 1, sizeof *H->free0);
	}
	H->n = n;
	if (n + 1 > H->cap) {
		H->cap = (n + 1) * 2;
		H->key = xreallocarray(H->key, (size_t)H->cap, sizeof *H->key);
		H->taken = xreallocarray(H->taken, (size_t)H->cap, 1);
		H->due_of = xreallocarray(H->due_of, (size_t)H->cap,
		    sizeof *H->due_of);
		H->pool = xreallocarray(H->pool, (size_t)H->cap, sizeof *H->pool);
		H->dpool = xreallocarray(H->dpool, (size_t)H->cap,
		    sizeof *H->dpool);
	}
	/* Count per list, then lay the lists out in the pool. */
	for (q = 0; q < nq; q++)
		H->q[q].n[0] = H->q[q].n[1] = H->q[q].nd = 0;
	for (i = 0; i < nc; i++)
		H->nasg[i] = 0;
	for (i = 0; i < n; i++) {
		const struct tk *p = c->wait[i];
		int ac = p->t.assigned_counter;

		if (ac >= 0 && ac < nc)
			H->nasg[ac]++;
		else
			H->q[p->t.queue].n[is_prio(p)]++;
	}
	off = 0;
	for (q = 0; q < nq; q++)
		for (k = 0; k < 2; k++) {
			H->q[q].v[k] = H->pool + off;
			off += H->q[q].n[k];
			H->q[q].n[k] = 0;
		}
	H->asg = H->pool + off;
	for (i = 0, off = 0; i < nc; i++) {
		H->asg_off[i] = off;
		off += H->nasg[i];
		H->nasg[i] = 0;
	}
	/* Fill, in arrival order. */
	for (i = 0; i < n; i++) {
		const struct tk *p = c->wait[i];
		int ac = p->t.assigned_counter;
		struct hqueue *hq = &H->q[p->t.queue];

		H->key[i] = i - n;
		H->due_of[i] = INT64_MAX;
		if (ac >= 0 && ac < nc) {
			H->asg[H->asg_off[ac] + H->nasg[ac]++] = i;
			continue;
		}
		hq->v[is_prio(p)][hq->n[is_prio(p)]++] = i;
	}
	/* Deadlines: per queue, its tickets with a target, then sorted by
	 * (due, rank) unless they already are (the usual case). */
	for (q = 0, off = 0; q < nq; q++) {
		struct hqueue *hq = &H->q[q];
		int a = 0, b = 0, sorted = 1;

		hq->due = H->dpool + off;
		/* Merge the two kind lists back into rank order. */
		while (a < hq->n[0] || b < hq->n[1]) {
			int idx = b >= hq->n[1] || (a < hq->n[0] &&
			    hq->v[0][a] < hq->v[1][b]) ? hq->v[0][a++] :
			    hq->v[1][b++];
			int64_t tgt = engine_target_s(e, c->wait[idx]);
			struct hdue *d;

			if (tgt <= 0)
				continue;
			d = &hq->due[hq->nd++];
			d->due = c->wait[idx]->t.enqueued_at + tgt;
			d->idx = idx;
			H->due_of[idx] = d->due;
			if (hq->nd > 1 && d[-1].due > d->due)
				sorted = 0;
		}
		if (!sorted)
			qsort(hq->due, (size_t)hq->nd, sizeof *hq->due, cmp_hdue);
		off += hq->nd;
	}
	hall_rates(e, H);
	learned(e, &L);
	for (q = 0; q < nq; q++) {
		H->q[q].hold = hold_s(e, &L, q);
		H->q[q].tgt = (int64_t)cfg->queues[q].target_wait_min * 60;
	}
	H->gap0 = L.gap;
	H->until = arrivals_until_s(e);
	for (i = 0; i < nc; i++) {
		const struct engine_counter *ec = &e->counters[i];
		const struct tk *t;

		if (ec->state == ENGINE_C_PAUSED)
			H->free0[i] = (back = pause_back_s(e, ec)) < 0 ? -1 :
			    back + L.gap;
		else if (ec->state != ENGINE_C_OPEN)
			H->free0[i] = -1;
		else if (ec->ticket != 0 &&
		    (t = engine_find_id(e, ec->ticket)) != NULL)
			H->free0[i] = residual_s(e, &L, t, e->now);
		else
			H->free0[i] = L.gap;
	}
	H->version = e->version;
	return H;
}

/* ---- a play-out over the hall ------------------------------------------- */

/* A queue in one play-out: its heads in the hall's lists, its runs. */
struct rqueue {
	const int *v[2];             /* the hall's lists (or copies with the
	                                target slotted in) */
	int n[2], h[2];              /* length, first maybe not yet taken */
	const struct hdue *due;
	int nd, hd;
	int nr, pr;                  /* interleave runs */
	double arr[2];               /* next expected arrival, seconds from
	                                now (kind's gap 0: none) */
	int dirty;                   /* a ticket was taken: heads below stale */
	int rh[2];                   /* first waiting one not taken, -1 */
	double rk[2];                /* its key */
	int dh;                      /* first deadline not taken, -1 */
};

/* One play-out. */
struct run {
	const engine *e;
	const struct hall *H;
	struct rqueue *q;
	int *ah;                     /* per counter: first assigned not taken */
	double *free_at;
	int *heap, nheap;            /* open counters by (free_at, index) */
	int tkind;                   /* the slotted-in target's kind, -1 */
	int *tv;                     /* its queue's list of its kind, and its */
	struct hdue *tdue;           /* deadlines, with it slotted in */
	int tdpos;                   /* its place in tdue */
	int steps, picks;            /* loop turns; picks applied */
	struct estimate_cache *ck;   /* the live play-out: keep checkpoints */
};

/* Find queue rq's first tickets not yet taken again (after a take). */
static void
rrefresh(const struct run *R, struct rqueue *rq)
{
	const unsigned char *taken = R->H->taken;
	int k;

	for (k = 0; k < 2; k++) {
		while (rq->h[k] < rq->n[k] && taken[rq->v[k][rq->h[k]]])
			rq->h[k]++;
		rq->rh[k] = rq->h[k] < rq->n[k] ? rq->v[k][rq->h[k]] : -1;
		rq->rk[k] = rq->rh[k] >= 0 ? R->H->key[rq->rh[k]] : 0;
	}
	while (rq->hd < rq->nd && taken[rq->due[rq->hd].idx])
		rq->hd++;
	rq->dh = rq->hd < rq->nd ? rq->hd : -1;
	rq->dirty = 0;
}

/* The first not yet taken of kind k of queue rq at time at: a rank,
 * ARRIVAL, or -1; its key in *key. */
static inline int
rhead(const struct rqueue *rq, const struct hqueue *hq, int k, double at,
    double until, double *key)
{
	if (rq->rh[k] >= 0) {
		*key = rq->rk[k];
		return rq->rh[k];
	}
	if (hq->gap[k] > 0 && rq->arr[k] <= at && rq->arr[k] <= until) {
		*key = rq->arr[k];
		return ARRIVAL;
	}
	return -1;
}

/* Whether heap entry a goes before b: earlier free, then lower index. */
static inline int
heap_less(const struct run *R, int a, int b)
{
	return R->free_at[a] < R->free_at[b] ||
	    (R->free_at[a] == R->free_at[b] && a < b);
}

/* Restore the heap order from slot i down. */
static void
heap_down(struct run *R, int i)
{
	for (;;) {
		int l = 2 * i + 1, m = i, t;

		if (l < R->nheap && heap_less(R, R->heap[l], R->heap[m]))
			m = l;
		if (l + 1 < R->nheap && heap_less(R, R->heap[l + 1], R->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = R->heap[i];
		R->heap[i] = R->heap[m];
		R->heap[m] = t;
		i = m;
	}
}

/* The most overdue ticket of one level so far (x = -1: none). */
struct overdue {
	int x;                       /* a rank, or ARRIVAL */
	int q, kind;                 /* its queue; an arrival's kind */
	int64_t by;                  /* seconds past its deadline */
	double key;                  /* arrival order */
};

/* Keep x (by seconds past its deadline) in o when it is more overdue, or
 * as overdue and earlier in arrival order. */
static inline void
over_consider(struct overdue *o, int x, int q, int kind, int64_t by,
    double key)
{
	if (by > 0 && (o->x == -1 || by > o->by ||
	    (by == o->by && key < o->key))) {
		o->x = x;
		o->q = q;
		o->kind = kind;
		o->by = by;
		o->key = key;
	}
}

/* Consider in o the most overdue of queue q at time at (now: the clock
 * then): its first deadline not taken, and its next expected visitors. */
static inline void
queue_over(const struct run *R, struct overdue *o, int q, double at,
    int64_t now)
{
	const struct hall *H = R->H;
	const struct rqueue *rq = &R->q[q];
	const struct hqueue *hq = &H->q[q];
	int k;

	if (rq->dh >= 0) {
		const struct hdue *d = &rq->due[rq->dh];

		over_consider(o, d->idx, q, -1, now - d->due, H->key[d->idx]);
	}
	/* The next expected visitors, due at arrival + the queue's target:
	 * later visitors of a queue with a shorter target go before. */
	for (k = 0; hq->tgt > 0 && k < 2; k++)
		if (hq->gap[k] > 0 && rq->arr[k] <= at && rq->arr[k] <= H->until)
			over_consider(o, ARRIVAL, q, k, now - (R->e->now +
			    (int64_t)rq->arr[k] + hq->tgt), rq->arr[k]);
}

/*
 * The ticket counter c would call at time at (seconds from now) in the
 * play-out, or -1: the rules of route() in engine.c on the play-out's
 * tickets.  A rank, or ARRIVAL (an expected visitor of queue *qq).  In *qq
 * the queue it is taken from, in *pp whether it is a priority one, and in
 * *passed the queue rule 3a passed over (or -1).
 */
static int
run_pick(struct run *R, int c, double at, int *qq, int *pp, int *passed)
{
	const engine *e = R->e;
	const struct hall *H = R->H;
	const struct config_policy *pol = &e->cfg->policy;
	const struct serve *sv = e->serves[c];
	int ns = e->nserves[c];
	int64_t now = e->now + (int64_t)at;
	int hn[CONFIG_MAX_SERVES], hp[CONFIG_MAX_SERVES];
	double kn[CONFIG_MAX_SERVES], kp[CONFIG_MAX_SERVES], kh[CONFIG_MAX_SERVES];
	struct overdue over[2];
	int nlevel[2] = { 0, 0 };
	int i, level, j, pj = -1;

	*passed = -1;
	over[0].x = over[1].x = -1;
	/* 0. Tickets assigned to this counter. */
	{
		const int *a = H->asg + H->asg_off[c];

		while (R->ah[c] < H->nasg[c] && H->taken[a[R->ah[c]]])
			R->ah[c]++;
		if (R->ah[c] < H->nasg[c]) {
			const struct tk *p = e->live->wait[a[R->ah[c]]];

			*qq = p->t.queue;
			*pp = is_prio(p);
			return a[R->ah[c]];
		}
	}
	for (i = 0; i < ns; i++) {
		int q = sv[i].queue, lv = sv[i].level;
		struct rqueue *rq = &R->q[q];
		const struct hqueue *hq = &H->q[q];

		if (rq->dirty)
			rrefresh(R, rq);
		hn[i] = rhead(rq, hq, 0, at, H->until, &kn[i]);
		hp[i] = rhead(rq, hq, 1, at, H->until, &kp[i]);
		if (hn[i] == -1 && hp[i] == -1)
			continue;
		kh[i] = hn[i] == -1 ? kp[i] : hp[i] == -1 ? kn[i] :
		    kn[i] < kp[i] ? kn[i] : kp[i];
		nlevel[lv]++;
		if (lv == CONFIG_PRIMARY ? pol->target_override :
		    pol->backup_past_target)
			queue_over(R, &over[lv], q, at, now);
	}
	/* Overdue backup tickets count only when no primary queue has any
	 * (below): looked at only then. */
	if (!pol->backup_past_target && pol->target_override &&
	    nlevel[CONFIG_PRIMARY] == 0)
		for (i = 0; i < ns; i++)
			if (sv[i].level == CONFIG_BACKUP &&
			    (hn[i] != -1 || hp[i] != -1))
				queue_over(R, &over[CONFIG_BACKUP], sv[i].queue,
				    at, now);
	/* 1. Past target outranks. */
	if (!pol->target_override)
		over[CONFIG_PRIMARY].x = -1;
	if (!pol->backup_past_target && !(pol->target_override &&
	    nlevel[CONFIG_PRIMARY] == 0))
		over[CONFIG_BACKUP].x = -1;
	if (over[0].x != -1 && over[1].x != -1)
		level = over[1].by > over[0].by;
	else
		level = over[0].x != -1 ? 0 : over[1].x != -1 ? 1 : -1;
	if (level >= 0) {
		int x = over[level].x;

		*qq = over[level].q;
		*pp = x == ARRIVAL ? over[level].kind : x == H->n ? R->tkind :
		    is_prio(e->live->wait[x]);
		return x;
	}
	/* 2. Primary first. */
	level = nlevel[CONFIG_PRIMARY] > 0 ? CONFIG_PRIMARY : CONFIG_BACKUP;
	if (nlevel[level] == 0)
		return -1;
	/* 3. The queue whose head came first, then the interleave. */
	j = -1;
	for (i = 0; i < ns; i++)
		if (sv[i].level == level && (hn[i] != -1 || hp[i] != -1) &&
		    (j < 0 || kh[i] < kh[j]))
			j = i;
	/* 3a. A priority ticket of another served queue. */
	for (i = 0; pol->priority_first_free && i < ns; i++) {
		const struct rqueue *iq = &R->q[sv[i].queue];

		if (i != j && hp[i] != -1 && (pj < 0 || kp[i] < kp[pj]) &&
		    interleave_kind(pol, hn[i] != -1, 1, iq->nr, iq->pr))
			pj = i;
	}
	if (pj >= 0 && (hp[j] == -1 || kp[pj] < kp[j])) {
		const struct rqueue *vq = &R->q[sv[j].queue];

		if (hn[j] == -1 || interleave_kind(pol, 1, 1, vq->nr, vq->pr)) {
			if (hn[j] != -1)
				*passed = sv[j].queue;
			*qq = sv[pj].queue;
			*pp = 1;
			return hp[pj];
		}
	}
	{
		const struct rqueue *vq = &R->q[sv[j].queue];

		*qq = sv[j].queue;
		*pp = interleave_kind(pol, hn[j] != -1, hp[j] != -1, vq->nr,
		    vq->pr);
		return *pp ? hp[j] : hn[j];
	}
}

/*
 * Set up a play-out over hall H.  target: NULL, a listed waiting ticket
 * (rank ti), or a ticket not waiting yet (ti = H->n), which is slotted into
 * its queue's lists at its place in arrival order.
 */
static void
run_init(struct run *R, const engine *e, struct hall *H,
    const struct tk *target, int ti)
{
	const struct config *cfg = e->cfg;
	int q, c, k;

	memset(R, 0, sizeof *R);
	R->e = e;
	R->H = H;
	R->tkind = -1;
	R->q = xcalloc((size_t)cfg->nqueues + 1, sizeof *R->q);
	R->ah = xcalloc((size_t)cfg->ncounters + 1, sizeof *R->ah);
	R->free_at = xcalloc((size_t)cfg->ncounters + 1, sizeof *R->free_at);
	R->heap = xcalloc((size_t)cfg->ncounters + 1, sizeof *R->heap);
	memset(H->taken, 0, (size_t)H->n + 1);
	for (q = 0; q < cfg->nqueues; q++) {
		struct rqueue *rq = &R->q[q];
		const struct hqueue *hq = &H->q[q];

		for (k = 0; k < 2; k++) {
			rq->v[k] = hq->v[k];
			rq->n[k] = hq->n[k];
			rq->arr[k] = hq->gap[k];
		}
		rq->due = hq->due;
		rq->nd = hq->nd;
		rq->nr = e->queues[q].normal_run;
		rq->pr = e->queues[q].priority_run;
		rq->dirty = 1;
	}
	if (target != NULL && ti == H->n) {
		/* Not waiting yet (so assigned to no counter): slot it in. */
		struct rqueue *rq = &R->q[target->t.queue];
		const struct hqueue *hq = &H->q[target->t.queue];
		const struct estimate_cache *lc = e->live;
		int kind = is_prio(target), pos = wait_lower(lc, target), i, at;
		int64_t tgt = engine_target_s(e, target);

		R->tkind = kind;
		H->key[H->n] = pos - H->n - 0.5;
		R->tv = xreallocarray(NULL, (size_t)hq->n[kind] + 1,
		    sizeof *R->tv);
		for (i = 0, at = 0; i < hq->n[kind]; i++) {
			if (hq->v[kind][i] >= pos && at == 0) {
				R->tv[i + at] = H->n;
				at = 1;
			}
			R->tv[i + at] = hq->v[kind][i];
		}
		if (at == 0)
			R->tv[i] = H->n;
		rq->v[kind] = R->tv;
		rq->n[kind] = hq->n[kind] + 1;
		if (tgt > 0) {
			int64_t due = target->t.enqueued_at + tgt;

			R->tdue = xreallocarray(NULL, (size_t)hq->nd + 1,
			    sizeof *R->tdue);
			for (i = 0, at = 0; i < hq->nd; i++) {
				const struct hdue *d = &hq->due[i];

				if (at == 0 && (d->due > due || (d->due == due &&
				    d->idx >= pos))) {
					R->tdue[i + at].due = due;
					R->tdue[i + at].idx = H->n;
					R->tdpos = i;
					at = 1;
				}
				R->tdue[i + at] = *d;
			}
			if (at == 0) {
				R->tdue[i].due = due;
				R->tdue[i].idx = H->n;
				R->tdpos = i;
			}
			rq->due = R->tdue;
			rq->nd = hq->nd + 1;
		}
	}
	for (c = 0; c < cfg->ncounters; c++)
		if (H->free0[c] >= 0) {
			R->free_at[c] = H->free0[c];
			R->heap[R->nheap++] = c;
		}
	for (c = R->nheap / 2 - 1; c >= 0; c--)
		heap_down(R, c);
}

/* Free what run_init allocated. */
static void
run_free(struct run *R)
{
	free(R->q);
	free(R->ah);
	free(R->free_at);
	free(R->heap);
	free(R->tv);
	free(R->tdue);
}

/* Keep the play-out's state as checkpoint i of the live cache. */
static void
ck_save(struct run *R, int i)
{
	struct estimate_cache *lc = R->ck;
	int nq = R->e->cfg->nqueues, nc = R->e->cfg->ncounters;
	struct ck *c = &lc->ck[i];

	c->reached = 1;
	c->picks = R->picks;
	c->steps = R->steps;
	c->nheap = R->nheap;
	memcpy(lc->ckq + (size_t)i * nq, R->q, (size_t)nq * sizeof *R->q);
	memcpy(lc->ckc + (size_t)i * 2 * nc, R->ah, (size_t)nc * sizeof *R->ah);
	memcpy(lc->ckc + (size_t)i * 2 * nc + nc, R->heap,
	    (size_t)nc * sizeof *R->heap);
	memcpy(lc->ckf + (size_t)i * nc, R->free_at,
	    (size_t)nc * sizeof *R->free_at);
}

/* Checkpoint i when a ticket issued now would have come up by now. */
static void
ck_try(struct run *R, int i)
{
	const struct ck *c = &R->ck->ck[i];

	if (!c->reached && (c->cnt == 0 || c->pre == 0))
		ck_save(R, i);
}

/* The ticket "issued now" of queue q and priority prio (a class; 0 =
 * normal), in *n: after every waiting ticket (engine_queue_estimate). */
static void
phantom(const engine *e, int q, int prio, struct tk *n)
{
	memset(n, 0, sizeof *n);
	n->t.id = INT64_MAX;
	n->t.order = INT64_MAX;
	n->t.queue = q;
	n->t.procedure = -1;
	n->t.priority = prio;
	n->t.assigned_counter = -1;
	n->t.counter = -1;
	n->t.state = ENGINE_T_WAITING;
	n->t.issued_at = n->t.enqueued_at = e->now;
	n->list_idx = n->open_idx = -1;
}

/* Start keeping checkpoints in the live play-out R (before its first
 * pick): what is ahead of each queue's and kind's ticket issued now. */
static void
ck_start(struct run *R)
{
	struct estimate_cache *lc = R->e->live;
	const struct hall *H = R->H;
	int nq = R->e->cfg->nqueues, nc = R->e->cfg->ncounters, q, k, i;

	if (lc->ck == NULL) {
		lc->ck = xcalloc((size_t)nq * 2 + 1, sizeof *lc->ck);
		lc->ckq = xcalloc((size_t)nq * 2 * nq + 1, sizeof *lc->ckq);
		lc->ckc = xcalloc((size_t)nq * 4 * nc + 1, sizeof *lc->ckc);
		lc->ckf = xcalloc((size_t)nq * 2 * nc + 1, sizeof *lc->ckf);
	}
	if (H->n + 1 > lc->stampcap) {
		lc->stampcap = (H->n + 1) * 2;
		lc->stamp = xreallocarray(lc->stamp, (size_t)lc->stampcap,
		    sizeof *lc->stamp);
	}
	memset(lc->stamp, 0, (size_t)(H->n + 1) * sizeof *lc->stamp);
	R->ck = lc;
	for (q = 0; q < nq; q++) {
		const struct hqueue *hq = &H->q[q];
		struct tk n;
		int64_t tgt;

		phantom(R->e, q, 0, &n);
		tgt = engine_target_s(R->e, &n);
		for (k = 0; k < 2; k++) {
			struct ck *c = &lc->ck[2 * q + k];

			c->reached = 0;
			c->cnt = hq->n[k];
			c->due = tgt > 0 ? R->e->now + tgt : 0;
			c->pre = -1;
			if (tgt > 0)
				for (i = 0, c->pre = 0; i < hq->nd; i++)
					c->pre += hq->due[i].due <= c->due;
			ck_try(R, 2 * q + k);
		}
	}
}

/* After the live play-out R applied a pick of x (a rank, or ARRIVAL):
 * stamp it, count it off, checkpoint what came up. */
static void
ck_after(struct run *R, int x)
{
	struct estimate_cache *lc = R->ck;
	const struct hall *H = R->H;
	const struct tk *p;
	int q, k, ac;

	R->picks++;
	if (x < 0 || x >= H->n)
		return;
	lc->stamp[x] = R->picks;
	p = lc->wait[x];
	ac = p->t.assigned_counter;
	if (ac >= 0 && ac < R->e->cfg->ncounters)
		return;              /* in no queue's lists */
	q = p->t.queue;
	lc->ck[2 * q + is_prio(p)].cnt--;
	for (k = 0; k < 2; k++) {
		struct ck *c = &lc->ck[2 * q + k];

		if (c->pre > 0 && H->due_of[x] <= c->due)
			c->pre--;
		ck_try(R, 2 * q + k);
	}
}

/*
 * Seconds until target (rank ti, or H->n for a slotted-in one; -1: none)
 * is called: the open counters become free when their current tickets are
 * expected to end and call the waiting tickets by the routing rules, each
 * holding the counter for its queue's expected time.  -1 when no open
 * counter would call it.  With when (H->n entries, filled with -1 by the
 * caller) the play-out goes on until every ticket waiting now is called,
 * and when[i] is the seconds until the ticket of rank i is: the same
 * figures one play-out per ticket would give, since each of those is a
 * prefix of this one.
 */
static double
run_play(struct run *R, int ti, double *when)
{
	const struct hall *H = R->H;
	int left = H->n, best, x, q, pr, pq;
	double res = -1;

	for (;;) {
		if (R->nheap == 0)
			break;
		best = R->heap[0];
		if (R->free_at[best] > PLAY_HORIZON_S ||
		    ++R->steps > PLAY_MAX_STEPS)
			break;
		x = run_pick(R, best, R->free_at[best], &q, &pr, &pq);
		if (x == -1) {
			/* Nothing it may call: it drops out. */
			R->heap[0] = R->heap[--R->nheap];
			heap_down(R, 0);
			continue;
		}
		if (x == ti) {
			res = R->free_at[best];
			break;
		}
		if (when != NULL && x >= 0 && x < H->n)
			when[x] = R->free_at[best], left--;
		if (x == ARRIVAL) {
			R->q[q].arr[pr] += H->q[q].gap[pr];
		} else {
			H->taken[x] = 1;
			R->q[q].dirty = 1;   /* x was in q's lists */
		}
		if (pq >= 0) {
			R->q[pq].pr++;
			R->q[pq].nr = 0;
		}
		if (pr) {
			R->q[q].pr++;
			R->q[q].nr = 0;
		} else {
			R->q[q].nr++;
			R->q[q].pr = 0;
		}
		R->free_at[best] += H->q[q].hold;
		heap_down(R, 0);
		if (R->ck != NULL)
			ck_after(R, x);
		if (when != NULL && left == 0)
			break;
	}
	return res;
}

/* The estimate in whole seconds from a play-out's w (-1: never called). */
static int
est_seconds(const engine *e, int q, int ahead, double w)
{
	if (w < 0)                   /* no open counter calls it: one assumed */
		w = (double)ahead * svc_s(e, q);
	if (w > 1e8)
		w = 1e8;
	return (int)(w + 0.5);
}

/*
 * People ahead of a ticket of kind prio in queue q, given own_ahead tickets
 * of its kind before it and other tickets of the other kind: the interleave
 * played forward from the queue's current runs.
 */
static int
sim_ahead(const engine *e, int q, int prio, int own_ahead, int other)
{
	const struct config_policy *pol = &e->cfg->policy;
	int nr = e->queues[q].normal_run, pr = e->queues[q].priority_run;
	int nnorm = prio ? other : own_ahead, nprio = prio ? own_ahead : other;
	int steps = 0, k;

	for (;;) {
		k = interleave_kind(pol, nnorm > 0 || !prio, nprio > 0 || prio,
		    nr, pr);
		if (k == prio && (prio ? nprio : nnorm) == 0)
			return steps;
		if (k) {
			nprio--;
			pr++;
			nr = 0;
		} else {
			nnorm--;
			nr++;
			pr = 0;
		}
		steps++;
	}
}

/* Lower bound of rank r in a list of ranks (ascending). */
static int
rank_lower(const int *v, int n, int r)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (v[mid] < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * People ahead of p (rank ti, or H->n when not waiting yet: then pos is
 * where it would go) in its queue, or among the tickets assigned to its
 * counter.
 */
static int
hall_ahead(const engine *e, const struct hall *H, const struct tk *p, int ti)
{
	int ac = p->t.assigned_counter, q = p->t.queue, k = is_prio(p), r;

	r = ti < H->n ? ti : wait_lower(e->live, p);
	if (ac >= 0 && ac < e->cfg->ncounters)
		return rank_lower(H->asg + H->asg_off[ac], H->nasg[ac], r);
	return sim_ahead(e, q, k, rank_lower(H->q[q].v[k], H->q[q].n[k], r),
	    H->q[q].n[!k]);
}

void
estimate_position(const engine *e, const struct tk *p, int *ahead, int *est)
{
	struct hall *H = hall_get(e);
	struct run R;
	int ti = p->list_kind != 0 ? wait_rank(e->live, p) : -1;
	double w;

	if (ti < 0)
		ti = H->n;
	*ahead = hall_ahead(e, H, p, ti);
	run_init(&R, e, H, p, ti);
	w = run_play(&R, ti, NULL);
	run_free(&R);
	*est = est_seconds(e, p->t.queue, *ahead, w);
}

/*
 * The people ahead in every queue at once: per queue the interleave played
 * forward once over all its tickets, which is where sim_ahead() of each
 * one stops (it is that same play with the later tickets of its kind
 * left out).  In ahead[rank].
 */
static void
all_ahead(const engine *e, const struct hall *H, struct livepos *lp)
{
	const struct config_policy *pol = &e->cfg->policy;
	int q, c, i;

	for (c = 0; c < e->cfg->ncounters; c++)
		for (i = 0; i < H->nasg[c]; i++)
			lp[H->asg[H->asg_off[c] + i]].ahead = i;
	for (q = 0; q < e->cfg->nqueues; q++) {
		const struct hqueue *hq = &H->q[q];
		int nr = e->queues[q].normal_run, pr = e->queues[q].priority_run;
		int a = 0, b = 0, steps = 0;

		while (a < hq->n[0] || b < hq->n[1]) {
			if (interleave_kind(pol, a < hq->n[0], b < hq->n[1], nr,
			    pr)) {
				lp[hq->v[1][b++]].ahead = steps;
				pr++;
				nr = 0;
			} else {
				lp[hq->v[0][a++]].ahead = steps;
				nr++;
				pr = 0;
			}
			steps++;
		}
	}
}

/*
 * The positions of every waiting ticket from one play-out (run_play with
 * when), kept by rank until the engine changes: GET /state with a
 * thousand waiting costs one play-out instead of a thousand.
 */
static void
live_positions(const engine *e)
{
	struct estimate_cache *lc = e->live;
	struct hall *H = hall_get(e);
	struct run R;
	int i;

	if (H->n + 1 > lc->livecap) {
		lc->livecap = (H->n + 1) * 2;
		lc->live = xreallocarray(lc->live, (size_t)lc->livecap,
		    sizeof *lc->live);
		lc->when = xreallocarray(lc->when, (size_t)lc->livecap,
		    sizeof *lc->when);
	}
	for (i = 0; i < H->n; i++)
		lc->when[i] = -1;
	run_init(&R, e, H, NULL, -1);
	ck_start(&R);
	(void)run_play(&R, -1, lc->when);
	run_free(&R);
	all_ahead(e, H, lc->live);
	for (i = 0; i < H->n; i++)
		lc->live[i].est = est_seconds(e, lc->wait[i]->t.queue,
		    lc->live[i].ahead, lc->when[i]);
	lc->live_version = e->version;
}

struct estimate_cache *
estimate_cache_new(void)
{
	return xcalloc(1, sizeof(struct estimate_cache));
}

void
estimate_cache_free(struct estimate_cache *lc)
{
	if (lc == NULL)
		return;
	free(lc->wait);
	free(lc->h.q);
	free(lc->h.asg_off);
	free(lc->h.nasg);
	free(lc->h.free0);
	free(lc->h.pool);
	free(lc->h.dpool);
	free(lc->h.key);
	free(lc->h.taken);
	free(lc->h.due_of);
	free(lc->ck);
	free(lc->ckq);
	free(lc->ckc);
	free(lc->ckf);
	free(lc->stamp);
	free(lc->live);
	free(lc->when);
	free(lc);
}

void
estimate_queue(const engine *e, int q, int prio, int *ahead, int *est)
{
	struct estimate_cache *lc = e->live;
	int nq = e->cfg->nqueues, nc = e->cfg->ncounters, i, j;
	const struct ck *c;
	struct hall *H;
	struct run R;
	struct tk n;
	double w = -1;

	phantom(e, q, prio, &n);
	if (lc->live_version != e->version)
		live_positions(e);
	H = hall_get(e);
	*ahead = hall_ahead(e, H, &n, H->n);
	j = 2 * q + is_prio(&n);
	c = &lc->ck[j];
	if (c->reached) {
		run_init(&R, e, H, &n, H->n);
		if (c->picks > 0) {
			const struct rqueue *sq = lc->ckq + (size_t)j * nq;

			for (i = 0; i < nq; i++) {
				struct rqueue *rq = &R.q[i];

				rq->h[0] = sq[i].h[0];
				rq->h[1] = sq[i].h[1];
				rq->hd = sq[i].hd;
				rq->nr = sq[i].nr;
				rq->pr = sq[i].pr;
				rq->arr[0] = sq[i].arr[0];
				rq->arr[1] = sq[i].arr[1];
				rq->dirty = 1;
			}
			/* Its deadline slotted in: the head no later than it. */
			if (R.tdue != NULL && R.q[q].hd > R.tdpos)
				R.q[q].hd = R.tdpos;
			memcpy(R.ah, lc->ckc + (size_t)j * 2 * nc,
			    (size_t)nc * sizeof *R.ah);
			memcpy(R.heap, lc->ckc + (size_t)j * 2 * nc + nc,
			    (size_t)nc * sizeof *R.heap);
			memcpy(R.free_at, lc->ckf + (size_t)j * nc,
			    (size_t)nc * sizeof *R.free_at);
			R.nheap = c->nheap;
			R.steps = c->steps;
			for (i = 0; i < H->n; i++)
				H->taken[i] = lc->stamp[i] != 0 &&
				    lc->stamp[i] <= c->picks;
		}
		w = run_play(&R, H->n, NULL);
		run_free(&R);
	}
	*est = est_seconds(e, q, *ahead, w);
}

void
estimate_position_live(const engine *e, const struct tk *p, int *ahead,
    int *est)
{
	struct estimate_cache *lc = e->live;
	int r;

	/* The first ticket asked of a version gets its own play-out (the
	   answer to a command asks one, and the next command changes the
	   version); the second makes the positions of all, for the many that
	   /state and the displays ask.  Both give the same figures. */
	if (lc->live_version != e->version && lc->asked_version != e->version) {
		lc->asked_version = e->version;
		estimate_position(e, p, ahead, est);
		return;
	}
	if (lc->live_version != e->version)
		live_positions(e);
	r = wait_rank(lc, p);
	if (r < 0) {                 /* not expected: every waiting one is in */
		estimate_position(e, p, ahead, est);
		return;
	}
	*ahead = lc->live[r].ahead;
	*est = lc->live[r].est;
}

/* ---- the range shown for a long wait ------------------------------------ */

/*
 * The ratio wait / estimate below which a share p of the counts h[0..]
 * (n in all) fell, read inside a bin as if its counts were spread evenly;
 * where the share is reached at the end of a bin followed by empty ones,
 * the end of that bin for the upper end of a window (upper 1), the start
 * of the next counted bin for its lower end (to within rounding).
 */
static double
ratio_at(const int *h, int n, double p, int upper)
{
	double want = p * n, cum = 0;
	int i;

	for (i = 0; i < SPREAD_BINS; i++) {
		if (h[i] > 0 && (upper ? cum + h[i] >= want - 1e-9 :
		    cum + h[i] > want + 1e-9))
			return (i + (want - cum) / h[i]) / SPREAD_BIN_PER;
		cum += h[i];
	}
	return (double)SPREAD_BINS / SPREAD_BIN_PER;
}

/*
 * The narrowest window [*a, *z] of wait / estimate that holds RANGE_COVER
 * of the n counts of h, its lower end searched in 21 steps.
 */
static void
spread_window(const int *h, int n, double *a, double *z)
{
	int i;

	for (i = 0; i <= 20; i++) {
		double p = (1 - RANGE_COVER) * i / 20;
		double x = ratio_at(h, n, p, 0), y = ratio_at(h, n,
		    p + RANGE_COVER, 1);

		if (i == 0 || y - x < *z - *a) {
			*a = x;
			*z = y;
		}
	}
}

/*
 * The windows of e's current version, per band (counted and computed when
 * the version changed): the band's own once it has RANGE_MIN_N tickets,
 * else all bands pooled, else the default.
 */
static const struct spread *
spread_get(const engine *e)
{
	struct estimate_cache *c = e->live;
	struct spread *s = &c->spread;
	int all[SPREAD_BINS], n = 0, i, b;

	if (c->spread_version == e->version)
		return s;
	memset(s, 0, sizeof *s);
	for (i = 0; i < e->all.n; i++)
		if (strcmp(e->all.v[i]->t.day, e->day) == 0)
			spread_add(s, e->all.v[i]);
	memset(all, 0, sizeof all);
	for (b = 0; b < SPREAD_BANDS; b++) {
		n += s->n[b];
		for (i = 0; i < SPREAD_BINS; i++)
			all[i] += s->hist[b][i];
	}
	for (b = 0; b < SPREAD_BANDS; b++) {
		s->lo[b] = RANGE_DEFAULT_LO;
		s->hi[b] = RANGE_DEFAULT_HI;
		if (s->n[b] >= RANGE_MIN_N)
			spread_window(s->hist[b], s->n[b], &s->lo[b], &s->hi[b]);
		else if (n >= RANGE_MIN_N)
			spread_window(all, n, &s->lo[b], &s->hi[b]);
	}
	c->spread_version = e->version;
	return s;
}

int
estimate_range(const engine *e, int est, int *lo, int *hi)
{
	const struct spread *s;
	int b = spread_band(est);
	int64_t l, u;

	*lo = *hi = est;
	if (est < RANGE_FROM_S || b < 0)
		return 0;
	s = spread_get(e);
	l = (int64_t)(est * s->lo[b]) / RANGE_ROUND_S * RANGE_ROUND_S;
	u = ((int64_t)(est * s->hi[b]) + RANGE_ROUND_S - 1) / RANGE_ROUND_S *
	    RANGE_ROUND_S;
	if (u > RANGE_MAX_S && u > est)
		u = ((int64_t)(est > RANGE_MAX_S ? est : RANGE_MAX_S) +
		    RANGE_ROUND_S - 1) / RANGE_ROUND_S * RANGE_ROUND_S;
	if (l > u - RANGE_ROUND_S)
		l = u - RANGE_ROUND_S;
	if (u < l + RANGE_ROUND_S)
		u = l + RANGE_ROUND_S;
	*lo = (int)l;
	*hi = (int)u;
	return 1;
}
