/*
 * estimate_ref.c - the estimator's play-out as it was before the fast path
 * (host/core/estimate.c before issue 19): one play-out built from scratch
 * per estimate, people ahead by a scan of the queue.  Kept, unchanged but
 * for the ref_ names and two deliberate rule changes (issue 14 item 10: a
 * paused counter back at its pause start + pause_expected_min; expected
 * arrivals only in the next hour), as the reference the fast path must
 * equal exactly;
 * included by test_engine.c, which reads the engine's private state.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xmalloc.h"
#include "core/engine_private.h"

#define REF_RESIDUAL_FLOOR 0.3
#define REF_SERVICE_PRIOR_N 10
#define REF_ARRIVAL_WINDOW_S 3600
#define REF_ARRIVAL_MIN_S 1200
#define REF_ARRIVAL_HORIZON_S 3600
#define REF_PLAY_HORIZON_S (8 * 3600)
#define REF_PLAY_MAX_STEPS 100000

/*
 * Mean service of queue q: the day's services (start -> finish) with the
 * configured service time counted as REF_SERVICE_PRIOR_N of them.
 */
static double
ref_svc_s(const engine *e, int q)
{
	const struct learn *l = &e->learn[q];

	return (REF_SERVICE_PRIOR_N * e->cfg->queues[q].service_min * 60.0 +
	    (double)l->svc_sum) / (REF_SERVICE_PRIOR_N + l->done);
}

/* The day's means over all queues: call -> start, a no-show's hold (all
 * its calls), the share of no-shows, and a free counter's time to call. */
struct ref_learned {
	double walk, ns_hold, ns_share, gap;
};

/* Pool what the day taught over every queue (0 where nothing yet). */
static void
ref_learned(const engine *e, struct ref_learned *o)
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
ref_hold_s(const engine *e, const struct ref_learned *L, int q)
{
	return (1 - L->ns_share) * (L->walk + ref_svc_s(e, q)) +
	    L->ns_share * L->ns_hold + L->gap;
}

/*
 * Expected seconds until a counter holding ticket t (called or serving) at
 * now is free to call the next.
 */
static double
ref_residual_s(const engine *e, const struct ref_learned *L, const struct tk *t,
    int64_t now)
{
	double svc = ref_svc_s(e, t->t.queue), rem;

	if (t->t.started_at <= 0)
		return ref_hold_s(e, L, t->t.queue);
	rem = svc - (double)(now - t->t.started_at);
	if (rem < svc * REF_RESIDUAL_FLOOR)
		rem = svc * REF_RESIDUAL_FLOOR;
	return rem + L->gap;
}

/* ---- the play-out behind the estimate ----------------------------------- */

/* A ticket in the play-out: a waiting one, or one expected to arrive. */
struct ref_vtk {
	double key;                  /* arrival order: waiting ones < 0, then
	                                expected ones by seconds from now */
	const struct tk *p;          /* NULL for an expected arrival */
	int taken;
};

/* A growable list of play-out tickets (indexes), in arrival order. */
struct ref_vlist {
	int *v;
	int n, cap, h;               /* h: first not yet taken, maybe */
};

/* A ticket's deadline (enqueued + target) in a queue's overdue list. */
struct ref_vdue {
	int64_t due;
	int idx;
};

/* A queue in the play-out. */
struct ref_vqueue {
	struct ref_vlist norm, prio;     /* unassigned, by kind */
	struct ref_vdue *due;            /* waiting ones with a target, by due */
	int nd, hd;
	int nr, pr;                  /* interleave runs */
	double gap[2], next[2];      /* expected arrivals: normal, priority:
	                                seconds between, next at (0 = none) */

};

/* The play-out: waiting tickets per queue and per counter. */
struct ref_play {
	const engine *e;
	int64_t now;
	struct ref_vtk *t;
	int nt, cap;
	int nreal;                   /* t[0..nreal-1]: the tickets waiting now;
	                                the rest are expected arrivals */
	struct ref_vqueue *q;
	struct ref_vlist *asg;           /* per counter: assigned to it */
	struct ref_vdue *dpool;
	double until;                /* expected arrivals up to this, s */
};

/* qsort: tickets in arrival order. */
static int
ref_cmp_vtk(const void *a, const void *b)
{
	const struct tk *x = ((const struct ref_vtk *)a)->p;
	const struct tk *y = ((const struct ref_vtk *)b)->p;

	return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

/* qsort: deadlines, earliest first, then arrival order. */
static int
ref_cmp_vdue(const void *a, const void *b)
{
	const struct ref_vdue *x = a, *y = b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Append idx to l. */
static void
ref_vpush(struct ref_vlist *l, int idx)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xreallocarray(l->v, (size_t)l->cap, sizeof *l->v);
	}
	l->v[l->n++] = idx;
}

/* First not yet taken ticket of l, or -1. */
static int
ref_vhead(const struct ref_play *P, struct ref_vlist *l)
{
	while (l->h < l->n && P->t[l->v[l->h]].taken)
		l->h++;
	return l->h < l->n ? l->v[l->h] : -1;
}

/* First not yet taken entry of vq's deadline list, or NULL. */
static const struct ref_vdue *
ref_vdue_head(const struct ref_play *P, struct ref_vqueue *vq)
{
	while (vq->hd < vq->nd && P->t[vq->due[vq->hd].idx].taken)
		vq->hd++;
	return vq->hd < vq->nd ? &vq->due[vq->hd] : NULL;
}

/* Add a play-out ticket; returns its index. */
static int
ref_vadd(struct ref_play *P, double key, const struct tk *p)
{
	if (P->nt == P->cap) {
		P->cap = P->cap ? P->cap * 2 : 64;
		P->t = xreallocarray(P->t, (size_t)P->cap, sizeof *P->t);
	}
	P->t[P->nt].key = key;
	P->t[P->nt].p = p;
	P->t[P->nt].taken = 0;
	return P->nt++;
}

/*
 * Arrival rates of the day per queue and kind: the tickets now in the queue
 * issued in the last REF_ARRIVAL_WINDOW_S (or since the day's first ticket), as
 * seconds between arrivals in vq->gap (0 = none expected).  Nothing is
 * extrapolated before the day has run REF_ARRIVAL_MIN_S.
 */
static void
ref_play_rates(struct ref_play *P)
{
	const engine *e = P->e;
	int64_t first = 0, span;
	int i, q;

	for (i = 0; i < e->all.n; i++) {
		const struct tk *p = e->all.v[i];

		if (strcmp(p->t.day, e->day) != 0)
			continue;
		if (first == 0 || p->t.issued_at < first)
			first = p->t.issued_at;
		if (p->t.issued_at > P->now - REF_ARRIVAL_WINDOW_S &&
		    p->t.issued_at <= P->now)
			P->q[p->t.queue].gap[is_prio(p)] += 1;
	}
	span = first > 0 ? P->now - first : 0;
	if (span > REF_ARRIVAL_WINDOW_S)
		span = REF_ARRIVAL_WINDOW_S;
	for (q = 0; q < e->cfg->nqueues; q++)
		for (i = 0; i < 2; i++) {
			struct ref_vqueue *vq = &P->q[q];

			vq->gap[i] = vq->gap[i] > 0 && span >= REF_ARRIVAL_MIN_S ?
			    (double)span / vq->gap[i] : 0;
			vq->next[i] = vq->gap[i];
		}
	/* Appointments booked for the coming hour (engine_set_booked): priority
	   arrivals spread over the hour, on top of the day's rate. */
	for (q = 0; q < e->cfg->nqueues; q++)
		if (e->booked[q] > 0) {
			struct ref_vqueue *vq = &P->q[q];
			double rate = (vq->gap[1] > 0 ? 1.0 / vq->gap[1] : 0) +
			    e->booked[q] / 3600.0;

			vq->gap[1] = 1.0 / rate;
			vq->next[1] = vq->gap[1];
		}
}

/* Seconds since local midnight of t. */
static int
ref_sod(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

/*
 * Expected arrivals: over the next REF_ARRIVAL_HORIZON_S, or with
 * open_hours until the session now is in closes (none between them).
 */
static double
ref_until(const engine *e, int64_t now)
{
	const struct config_policy *pol = &e->cfg->policy;
	int s, sod = ref_sod(now);

	if (pol->nopen_hours == 0)
		return REF_ARRIVAL_HORIZON_S;
	for (s = 0; s < pol->nopen_hours; s++)
		if (sod >= pol->open_from_s[s] && sod < pol->open_to_s[s])
			return pol->open_to_s[s] - sod;
	return 0;
}

/*
 * Unix time paused counter ec is expected back, or -1 (takes no part):
 * pause start + pause_expected_min; with open_hours, a pause begun outside
 * them not before the next opening, and none after the last.
 */
static int64_t
ref_pause_back(const engine *e, const struct engine_counter *ec)
{
	const struct config_policy *pol = &e->cfg->policy;
	int64_t back = ec->since + (int64_t)pol->pause_expected_min * 60;
	int s, sod = ref_sod(ec->since), inside = 0, next = -1;

	if (pol->pause_expected_min <= 0)
		return -1;
	if (pol->nopen_hours == 0)
		return back;
	for (s = 0; s < pol->nopen_hours; s++) {
		if (sod >= pol->open_from_s[s] && sod < pol->open_to_s[s])
			inside = 1;
		if (next < 0 && pol->open_from_s[s] > sod)
			next = s;
	}
	if (inside)
		return back;
	if (next < 0)
		return -1;
	if (ec->since + pol->open_from_s[next] - sod > back)
		back = ec->since + pol->open_from_s[next] - sod;
	return back;
}

/*
 * Build the play-out of the waiting tickets at time now, with target (a
 * waiting ticket, listed or about to be issued, or NULL) among them.
 * Returns target's index (-1 for NULL).
 */
static int
ref_play_build(struct ref_play *P, const engine *e, const struct tk *target,
    int64_t now)
{
	const struct config *cfg = e->cfg;
	int q, c, i, ti = -1, off = 0, nreal;

	memset(P, 0, sizeof *P);
	P->e = e;
	P->now = now;
	for (q = 0; q < cfg->nqueues; q++)
		for (i = 0; i < e->qwait[q].n; i++)
			if (e->qwait[q].v[i] != target)
				ref_vadd(P, 0, e->qwait[q].v[i]);
	for (c = 0; c < cfg->ncounters; c++)
		for (i = 0; i < e->cwait[c].n; i++)
			if (e->cwait[c].v[i] != target)
				ref_vadd(P, 0, e->cwait[c].v[i]);
	if (target != NULL)
		ref_vadd(P, 0, target);
	nreal = P->nreal = P->nt;
	qsort(P->t, (size_t)nreal, sizeof *P->t, ref_cmp_vtk);

	P->q = xcalloc((size_t)cfg->nqueues + 1, sizeof *P->q);
	P->asg = xcalloc((size_t)cfg->ncounters + 1, sizeof *P->asg);
	P->dpool = xcalloc((size_t)nreal + 1, sizeof *P->dpool);
	for (q = 0; q < cfg->nqueues; q++) {
		P->q[q].nr = e->queues[q].normal_run;
		P->q[q].pr = e->queues[q].priority_run;
	}
	for (i = 0; i < nreal; i++) {
		const struct tk *p = P->t[i].p;
		int ac = p->t.assigned_counter;
		struct ref_vqueue *vq = &P->q[p->t.queue];

		P->t[i].key = i - nreal;
		if (p == target)
			ti = i;
		if (ac >= 0 && ac < cfg->ncounters)
			ref_vpush(&P->asg[ac], i);
		else
			ref_vpush(is_prio(p) ? &vq->prio : &vq->norm, i);
	}
	/* Deadlines, per queue into the shared pool. */
	for (q = 0; q < cfg->nqueues; q++) {
		struct ref_vqueue *vq = &P->q[q];
		int k;

		vq->due = P->dpool + off;
		for (k = 0; k < vq->norm.n + vq->prio.n; k++) {
			int idx = k < vq->norm.n ? vq->norm.v[k] :
			    vq->prio.v[k - vq->norm.n];
			int64_t tgt = engine_target_s(e, P->t[idx].p);

			if (tgt <= 0)
				continue;
			vq->due[vq->nd].due = P->t[idx].p->t.enqueued_at + tgt;
			vq->due[vq->nd].idx = idx;
			vq->nd++;
		}
		if (vq->nd > 1)
			qsort(vq->due, (size_t)vq->nd, sizeof *vq->due, ref_cmp_vdue);
		off += vq->nd;
	}
	ref_play_rates(P);
	P->until = ref_until(e, now);
	return ti;
}

/* Free what play_build allocated. */
static void
ref_play_free(struct ref_play *P)
{
	int i;

	for (i = 0; i < P->e->cfg->nqueues; i++) {
		free(P->q[i].norm.v);
		free(P->q[i].prio.v);
	}
	for (i = 0; i < P->e->cfg->ncounters; i++)
		free(P->asg[i].v);
	free(P->t);
	free(P->q);
	free(P->asg);
	free(P->dpool);
}

/* The expected arrivals of queue q up to at seconds from now. */
static void
ref_play_arrive(struct ref_play *P, int q, double at)
{
	struct ref_vqueue *vq = &P->q[q];
	int k;

	for (k = 0; k < 2; k++)
		while (vq->gap[k] > 0 && vq->next[k] <= at &&
		    vq->next[k] <= P->until) {
			ref_vpush(k ? &vq->prio : &vq->norm,
			    ref_vadd(P, vq->next[k], NULL));
			vq->next[k] += vq->gap[k];
		}
}

/* Whether play-out ticket x is a priority one of its queue's list. */
static int
ref_vprio(const struct ref_play *P, int x, int q)
{
	const struct ref_vqueue *vq = &P->q[q];
	int i;

	for (i = vq->prio.h; i < vq->prio.n; i++)
		if (vq->prio.v[i] == x)
			return 1;
	return 0;
}

/*
 * The ticket counter c would call at time at (seconds from now) in the
 * play-out, or -1: the rules of route() on the play-out's tickets.  In *qq
 * the queue it is taken from, in *pp whether it is a priority one, and in
 * *passed the queue rule 3a passed over (or -1).
 */
static int
ref_play_pick(struct ref_play *P, int c, double at, int *qq, int *pp, int *passed)
{
	const engine *e = P->e;
	const struct config_policy *pol = &e->cfg->policy;
	int64_t now = P->now + (int64_t)at;
	int head[CONFIG_MAX_SERVES], hn[CONFIG_MAX_SERVES], hp[CONFIG_MAX_SERVES];
	int over[2] = { -1, -1 }, overq[2] = { -1, -1 }, nlevel[2] = { 0, 0 };
	int64_t overby[2] = { 0, 0 };
	int i, level, j, x, pj = -1;

	*passed = -1;
	/* 0. Tickets assigned to this counter. */
	if ((x = ref_vhead(P, &P->asg[c])) >= 0) {
		*qq = P->t[x].p->t.queue;
		*pp = is_prio(P->t[x].p);
		return x;
	}
	for (i = 0; i < e->nserves[c]; i++) {
		int q = e->serves[c][i].queue, lv = e->serves[c][i].level, k, a;
		struct ref_vqueue *vq = &P->q[q];
		const struct ref_vdue *d;
		int64_t tgt = (int64_t)e->cfg->queues[q].target_wait_min * 60;

		ref_play_arrive(P, q, at);
		hn[i] = ref_vhead(P, &vq->norm);
		hp[i] = ref_vhead(P, &vq->prio);
		head[i] = hn[i] < 0 ? hp[i] : hp[i] < 0 ? hn[i] :
		    P->t[hn[i]].key < P->t[hp[i]].key ? hn[i] : hp[i];
		if (head[i] < 0)
			continue;
		nlevel[lv]++;
		if ((d = ref_vdue_head(P, vq)) != NULL && now - d->due > 0 &&
		    (over[lv] < 0 || now - d->due > overby[lv] ||
		    (now - d->due == overby[lv] &&
		    P->t[d->idx].key < P->t[over[lv]].key))) {
			over[lv] = d->idx;
			overq[lv] = q;
			overby[lv] = now - d->due;
		}
		/* The first expected visitor of each kind not yet called, due
		 * at its arrival + the queue's target. */
		for (k = 0; tgt > 0 && k < 2; k++) {
			const struct ref_vlist *l = k ? &vq->prio : &vq->norm;
			int64_t by;

			for (a = l->h; a < l->n; a++)
				if (P->t[l->v[a]].p == NULL && !P->t[l->v[a]].taken)
					break;
			if (a == l->n)
				continue;
			x = l->v[a];
			by = now - (P->now + (int64_t)P->t[x].key + tgt);
			if (by > 0 && (over[lv] < 0 || by > overby[lv] ||
			    (by == overby[lv] && P->t[x].key <
			    P->t[over[lv]].key))) {
				over[lv] = x;
				overq[lv] = q;
				overby[lv] = by;
			}
		}
	}
	/* 1. Past target outranks. */
	if (!pol->target_override)
		over[CONFIG_PRIMARY] = -1;
	if (!pol->backup_past_target && !(pol->target_override &&
	    nlevel[CONFIG_PRIMARY] == 0))
		over[CONFIG_BACKUP] = -1;
	if (over[0] >= 0 && over[1] >= 0)
		level = overby[1] > overby[0];
	else
		level = over[0] >= 0 ? 0 : over[1] >= 0 ? 1 : -1;
	if (level >= 0) {
		*qq = overq[level];
		*pp = ref_vprio(P, over[level], overq[level]);
		return over[level];
	}
	/* 2. Primary first. */
	level = nlevel[CONFIG_PRIMARY] > 0 ? CONFIG_PRIMARY : CONFIG_BACKUP;
	if (nlevel[level] == 0)
		return -1;
	/* 3. The queue whose head came first, then the interleave. */
	j = -1;
	for (i = 0; i < e->nserves[c]; i++)
		if (e->serves[c][i].level == level && head[i] >= 0 &&
		    (j < 0 || P->t[head[i]].key < P->t[head[j]].key))
			j = i;
	/* 3a. A priority ticket of another served queue. */
	for (i = 0; pol->priority_first_free && i < e->nserves[c]; i++) {
		const struct ref_vqueue *iq = &P->q[e->serves[c][i].queue];

		if (i != j && hp[i] >= 0 && (pj < 0 ||
		    P->t[hp[i]].key < P->t[hp[pj]].key) &&
		    interleave_kind(pol, hn[i] >= 0, 1, iq->nr, iq->pr))
			pj = i;
	}
	if (pj >= 0 && (hp[j] < 0 || P->t[hp[pj]].key < P->t[hp[j]].key)) {
		const struct ref_vqueue *vq = &P->q[e->serves[c][j].queue];

		if (hn[j] < 0 || interleave_kind(pol, 1, 1, vq->nr, vq->pr)) {
			if (hn[j] >= 0)
				*passed = e->serves[c][j].queue;
			*qq = e->serves[c][pj].queue;
			*pp = 1;
			return hp[pj];
		}
	}
	{
		const struct ref_vqueue *vq = &P->q[e->serves[c][j].queue];

		*qq = e->serves[c][j].queue;
		*pp = interleave_kind(pol, hn[j] >= 0, hp[j] >= 0, vq->nr,
		    vq->pr);
		return *pp ? hp[j] : hn[j];
	}
}

/*
 * Seconds until target (index ti in the play-out) is called: the open
 * counters become free when their current tickets are expected to end and
 * call the waiting tickets by the routing rules, each holding the counter
 * for its queue's expected time.  -1 when no open counter would call it.
 * With when (nreal entries, filled with -1 by the caller) the play-out goes
 * on until every ticket waiting now is called, and when[i] is the seconds
 * until ticket i is: the same figures one play-out per ticket would give,
 * since each of those is a prefix of this one.
 */
static double
ref_play_run(struct ref_play *P, int ti, double *when)
{
	const engine *e = P->e;
	int nc = e->cfg->ncounters, c, best, x, q, pr, pq, steps = 0, left;
	double *free_at = xcalloc((size_t)nc + 1, sizeof *free_at), res = -1;
	unsigned char *alive = xcalloc((size_t)nc + 1, 1);
	struct ref_learned L;

	ref_learned(e, &L);
	left = P->nreal;
	for (c = 0; c < nc; c++) {
		const struct engine_counter *ec = &e->counters[c];
		const struct tk *t;

		if (ec->state == ENGINE_C_PAUSED &&
		    ref_pause_back(e, ec) >= 0) {
			/* Back when expected, not before now, then calls
			 * after the call delay. */
			int64_t back = ref_pause_back(e, ec);

			alive[c] = 1;
			free_at[c] = (back > P->now ? (double)(back - P->now) :
			    0) + L.gap;
			continue;
		}
		if (ec->state != ENGINE_C_OPEN)
			continue;
		alive[c] = 1;
		if (ec->ticket != 0 && (t = engine_find_id(e, ec->ticket)) != NULL)
			free_at[c] = ref_residual_s(e, &L, t, P->now);
		else
			free_at[c] = L.gap;
	}
	for (;;) {
		best = -1;
		for (c = 0; c < nc; c++)
			if (alive[c] && (best < 0 || free_at[c] < free_at[best]))
				best = c;
		if (best < 0 || free_at[best] > REF_PLAY_HORIZON_S ||
		    ++steps > REF_PLAY_MAX_STEPS)
			break;
		x = ref_play_pick(P, best, free_at[best], &q, &pr, &pq);
		if (x < 0) {
			alive[best] = 0;
			continue;
		}
		if (x == ti) {
			res = free_at[best];
			break;
		}
		if (when != NULL && x < P->nreal) {
			when[x] = free_at[best];
			if (--left == 0)
				break;
		}
		P->t[x].taken = 1;
		if (pq >= 0) {
			P->q[pq].pr++;
			P->q[pq].nr = 0;
		}
		if (pr) {
			P->q[q].pr++;
			P->q[q].nr = 0;
		} else {
			P->q[q].nr++;
			P->q[q].pr = 0;
		}
		free_at[best] += ref_hold_s(e, &L, q);
	}
	free(free_at);
	free(alive);
	return res;
}

/* The estimate in whole seconds from a play-out's w (-1: never called). */
static int
ref_est_seconds(const engine *e, int q, int ahead, double w)
{
	if (w < 0)                   /* no open counter calls it: one assumed */
		w = (double)ahead * ref_svc_s(e, q);
	if (w > 1e8)
		w = 1e8;
	return (int)(w + 0.5);
}

/*
 * Estimated wait in seconds of waiting ticket p (listed, or about to be
 * issued) with ahead people before it in its queue.
 */
static int
ref_estimate(const engine *e, const struct tk *p, int ahead)
{
	struct ref_play P;
	int ti = ref_play_build(&P, e, p, e->now);
	double w = ref_play_run(&P, ti, NULL);

	ref_play_free(&P);
	return ref_est_seconds(e, p->t.queue, ahead, w);
}

/*
 * People ahead of a ticket of kind prio in queue q, given own_ahead tickets
 * of its kind before it and other tickets of the other kind: the interleave
 * played forward from the queue's current runs.
 */
static int
ref_sim_ahead(const engine *e, int q, int prio, int own_ahead, int other)
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

/* People ahead of p (waiting, or about to be issued) in its queue. */
static int
ref_ahead_of(const engine *e, const struct tk *p)
{
	int own = 0, other = 0, i, q = p->t.queue;

	if (p->t.assigned_counter >= 0 &&
	    p->t.assigned_counter < e->cfg->ncounters) {
		const struct tlist *l = &e->cwait[p->t.assigned_counter];

		for (i = 0; i < l->n; i++)
			if (l->v[i] != p && before(l->v[i], p))
				own++;
		return own;
	}
	for (i = 0; i < e->qwait[q].n; i++) {
		const struct tk *o = e->qwait[q].v[i];

		if (o == p)
			continue;
		if (is_prio(o) != is_prio(p))
			other++;
		else if (before(o, p))
			own++;
	}
	return ref_sim_ahead(e, q, is_prio(p), own, other);
}

/* The position of p as the engine computed it before the fast path. */
static void
ref_position(const engine *e, const struct tk *p, int *ahead, int *est)
{
	*ahead = ref_ahead_of(e, p);
	*est = ref_estimate(e, p, *ahead);
}

