/*
 * engine.c - the queue engine: the state of one service day (tickets,
 * counters, per-queue numbering and interleave state), the commands that
 * change it, the call-next routing policy, and the estimated wait (a
 * play-out of that routing from the current state).
 *
 * Every command is checked in full before anything changes, so a refused
 * command leaves no trace.  A successful one lists its events and every
 * changed row in the result (each row once), for the store to write in one
 * transaction.  A command of a later service day first closes the old day
 * inside the same result (see engine_exec and host/docs/engine.md).
 *
 * Storage: each ticket is a separately allocated struct tk that wraps the
 * public struct engine_ticket, so pointers handed out stay put.  Indexes:
 * hash tables by id and by public code, a number -> ticket table for the
 * day, the list of open tickets, per queue the waiting tickets assigned to
 * no counter, and per counter the waiting tickets assigned to it.  All lists
 * are unordered arrays with O(1) removal (each ticket knows its slot);
 * call-next scans the waiting tickets of the served queues once.
 */
#include "core/engine.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xmalloc.h"

#define NUMBER_MAX 9999
#define EWMA_ALPHA 0.2
#define SERVICE_CLAMP_S (4 * 3600)
#define RESIDUAL_FLOOR 0.3      /* a service past its mean: this much left */
#define SERVICE_PRIOR_N 10      /* weight of the configured service time */
#define GAP_MAX_S 120           /* call gaps learned: at most this long */
#define ARRIVAL_WINDOW_S 3600   /* arrival rates: over the last hour */
#define ARRIVAL_MIN_S 1200      /* ... or since the first ticket; none
                                   before the day has run this long */
#define PLAY_HORIZON_S (8 * 3600) /* the play-out gives up after this */
#define PLAY_MAX_STEPS 100000
#define DEFAULT_CLOSE_REASON "Kết thúc ngày làm việc"

/* What the estimator learns from the day's ended tickets of one queue. */
struct learn {
	int64_t svc_sum;             /* DONE: service (as for the EWMA), s */
	int64_t walk_sum;            /* DONE and started: call -> start, s */
	int64_t ns_sum;              /* NO_SHOW: calls x (end - last call), s */
	int64_t gap_sum;             /* issued with a free counter: wait, s */
	int done, walk_n, ns, gap_n;
};

/* A ticket with its slots in the engine's lists. */
struct tk {
	struct engine_ticket t;
	int open_idx;        /* in e->open, -1 */
	int list_idx;        /* in its queue's or counter's waiting list, -1 */
	int list_kind;       /* 0 none, 1 queue list, 2 counter list */
	unsigned mark;       /* result generation it was last listed in */
};

/* A growable array of ticket pointers. */
struct tlist {
	struct tk **v;
	int n, cap;
};

/* Open-addressing hash set of tickets (insert only; rebuilt on drops). */
struct thash {
	struct tk **slot;
	size_t cap;          /* power of two, 0 = empty */
	size_t n;
};

/* One (queue, level) a counter serves, deduplicated. */
struct serve {
	int queue;
	int level;
};

/* A waiting ticket's live position (engine_position), cached. */
struct livepos {
	int64_t id;
	int ahead, est;
};

struct livecache {
	unsigned long version;           /* engine version they are of */
	int n, cap;
	struct livepos *v;               /* by id */
};

struct engine {
	const struct config *cfg;
	char day[11];                    /* current service day, "" = none */
	int64_t now;                     /* time of the command being run */
	struct learn *learn;             /* per queue: the day's ended tickets
	                                    (derived from them; see learn_add) */
	int64_t last_ticket_id;
	int64_t last_event_id;

	struct tlist all;                /* every ticket in memory */
	struct thash by_id;
	struct thash by_code;
	struct tk *by_number[NUMBER_MAX + 1];
	unsigned char issued[NUMBER_MAX + 1]; /* numbers issued in e->day */
	struct engine_ticket **openv;    /* open tickets (rows of struct tk) */
	int nopen, opencap;
	struct tlist *qwait;             /* per queue: waiting, unassigned */
	int *qwait_total;                /* per queue: waiting, any assignment */
	struct tlist *cwait;             /* per counter: waiting, assigned to it */

	struct engine_counter *counters;
	struct engine_queue *queues;
	struct serve (*serves)[CONFIG_MAX_SERVES]; /* per counter */
	int *nserves;

	/* The result of the last command. */
	unsigned gen;
	struct engine_event *ev;
	int nev, evcap;
	struct engine_ticket **rt;
	int nrt, rtcap;
	const struct engine_counter **rc;
	int nrc;
	unsigned *cmark;
	const struct engine_queue **rq;
	int nrq;
	unsigned *qmark;

	struct tlist grave;              /* dropped, freed at the next command */

	unsigned long version;           /* changes with every state change */
	struct livecache *live;          /* filled by engine_position */
};

/* ---- small helpers ---------------------------------------------------- */

/* The wrapper of a public ticket row. */
static struct tk *
tk_of(const struct engine_ticket *t)
{
	return (struct tk *)(void *)((char *)(uintptr_t)t - offsetof(struct tk, t));
}

/* Append p to l, growing it. */
static void
tlist_push(struct tlist *l, struct tk *p)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, (size_t)l->cap, sizeof *l->v);
	}
	l->v[l->n++] = p;
}

/* FNV-1a of a string. */
static size_t
hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL & SIZE_MAX;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= (size_t)1099511628211ULL;
	}
	return h;
}

/* A mixing hash of an id. */
static size_t
hash_id(int64_t id)
{
	uint64_t x = (uint64_t)id;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

/* Hash of a ticket under the table's key (0 = id, 1 = code). */
static size_t
thash_key(const struct tk *p, int bycode)
{
	return bycode ? hash_str(p->t.code) : hash_id(p->t.id);
}

/* Insert p (the key must not be present). */
static void
thash_insert(struct thash *h, struct tk *p, int bycode)
{
	size_t i;

	if ((h->n + 1) * 2 > h->cap) {
		struct tk **old = h->slot;
		size_t oldcap = h->cap, j;

		h->cap = h->cap ? h->cap * 2 : 256;
		h->slot = xcalloc(h->cap, sizeof *h->slot);
		h->n = 0;
		for (j = 0; j < oldcap; j++)
			if (old[j] != NULL)
				thash_insert(h, old[j], bycode);
		free(old);
	}
	i = thash_key(p, bycode) & (h->cap - 1);
	while (h->slot[i] != NULL)
		i = (i + 1) & (h->cap - 1);
	h->slot[i] = p;
	h->n++;
}

/* Empty the table, keeping its storage. */
static void
thash_clear(struct thash *h)
{
	if (h->cap > 0)
		memset(h->slot, 0, h->cap * sizeof *h->slot);
	h->n = 0;
}

/* The ticket with id, or NULL. */
static struct tk *
find_id(const engine *e, int64_t id)
{
	const struct thash *h = &e->by_id;
	size_t i;

	if (h->cap == 0)
		return NULL;
	for (i = hash_id(id) & (h->cap - 1); h->slot[i] != NULL;
	    i = (i + 1) & (h->cap - 1))
		if (h->slot[i]->t.id == id)
			return h->slot[i];
	return NULL;
}

/* The ticket with public code, or NULL. */
static struct tk *
find_code(const engine *e, const char *code)
{
	const struct thash *h = &e->by_code;
	size_t i;

	if (h->cap == 0)
		return NULL;
	for (i = hash_str(code) & (h->cap - 1); h->slot[i] != NULL;
	    i = (i + 1) & (h->cap - 1))
		if (strcmp(h->slot[i]->t.code, code) == 0)
			return h->slot[i];
	return NULL;
}

/* Whether a ticket state is open (not final). */
static int
state_open(enum engine_ticket_state s)
{
	return s == ENGINE_T_WAITING || s == ENGINE_T_CALLED ||
	    s == ENGINE_T_SERVING || s == ENGINE_T_PARKED;
}

/* Whether ticket p is a priority ticket. */
static int
is_prio(const struct tk *p)
{
	return p->t.priority > 0;
}

/* Remove p from whatever lists its state put it in. */
static void
tk_unlist(engine *e, struct tk *p)
{
	struct tlist *l = NULL;

	if (p->list_kind == 1) {
		l = &e->qwait[p->t.queue];
		e->qwait_total[p->t.queue]--;
	} else if (p->list_kind == 2) {
		l = &e->cwait[p->t.assigned_counter];
		e->qwait_total[p->t.queue]--;
	}
	if (l != NULL) {
		l->v[p->list_idx] = l->v[--l->n];
		l->v[p->list_idx]->list_idx = p->list_idx;
	}
	p->list_kind = 0;
	p->list_idx = -1;
	if (p->open_idx >= 0) {
		e->openv[p->open_idx] = e->openv[--e->nopen];
		tk_of(e->openv[p->open_idx])->open_idx = p->open_idx;
		p->open_idx = -1;
	}
}

/* Put p in the lists its current state calls for. */
static void
tk_list(engine *e, struct tk *p)
{
	struct tlist *l = NULL;

	if (state_open(p->t.state)) {
		if (e->nopen == e->opencap) {
			e->opencap = e->opencap ? e->opencap * 2 : 64;
			e->openv = xreallocarray(e->openv, (size_t)e->opencap,
			    sizeof *e->openv);
		}
		p->open_idx = e->nopen;
		e->openv[e->nopen++] = &p->t;
	}
	if (p->t.state != ENGINE_T_WAITING)
		return;
	if (p->t.assigned_counter >= 0 &&
	    p->t.assigned_counter < e->cfg->ncounters) {
		l = &e->cwait[p->t.assigned_counter];
		p->list_kind = 2;
	} else {
		l = &e->qwait[p->t.queue];
		p->list_kind = 1;
	}
	e->qwait_total[p->t.queue]++;
	p->list_idx = l->n;
	tlist_push(l, p);
}

/* Record ticket p as changed by this command. */
static void
touch_t(engine *e, struct tk *p)
{
	if (p->mark == e->gen)
		return;
	p->mark = e->gen;
	if (e->nrt == e->rtcap) {
		e->rtcap = e->rtcap ? e->rtcap * 2 : 16;
		e->rt = xreallocarray(e->rt, (size_t)e->rtcap, sizeof *e->rt);
	}
	e->rt[e->nrt++] = &p->t;
}

/* Record counter c as changed by this command. */
static void
touch_c(engine *e, int c)
{
	if (e->cmark[c] == e->gen)
		return;
	e->cmark[c] = e->gen;
	e->rc[e->nrc++] = &e->counters[c];
}

/* Record queue q as changed by this command. */
static void
touch_q(engine *e, int q)
{
	if (e->qmark[q] == e->gen)
		return;
	e->qmark[q] = e->gen;
	e->rq[e->nrq++] = &e->queues[q];
}

/* Append an event (id assigned here) and return it for the caller to fill. */
static struct engine_event *
add_event(engine *e, enum engine_event_type type, int64_t at,
    const struct tk *p, int counter, int staff, int value)
{
	struct engine_event *ev;

	if (e->nev == e->evcap) {
		e->evcap = e->evcap ? e->evcap * 2 : 32;
		e->ev = xreallocarray(e->ev, (size_t)e->evcap, sizeof *e->ev);
	}
	ev = &e->ev[e->nev++];
	memset(ev, 0, sizeof *ev);
	ev->id = ++e->last_event_id;
	ev->type = type;
	ev->at = at;
	ev->ticket = p ? p->t.id : 0;
	ev->number = p ? p->t.number : 0;
	ev->queue = p ? p->t.queue : -1;
	ev->counter = counter;
	ev->staff = staff;
	ev->value = value;
	return ev;
}

/* Copy a reason into dst (always NUL-terminated). */
static void
set_reason(char dst[ENGINE_REASON_LEN], const char *src)
{
	snprintf(dst, ENGINE_REASON_LEN, "%s", src);
}

/* Waiting-time target of ticket p in seconds; 0 = none. */
static int64_t
target_s(const engine *e, const struct tk *p)
{
	const struct config *cfg = e->cfg;
	int pr = p->t.procedure;

	if (pr >= 0 && pr < cfg->nprocedures && cfg->procedures != NULL &&
	    cfg->procedures[pr].queue == p->t.queue &&
	    cfg->procedures[pr].target_wait_min > 0)
		return (int64_t)cfg->procedures[pr].target_wait_min * 60;
	if (cfg->queues[p->t.queue].target_wait_min > 0)
		return (int64_t)cfg->queues[p->t.queue].target_wait_min * 60;
	return 0;
}

/* ---- days and numbers ------------------------------------------------- */

void
engine_day_of(int64_t t, int day_start_hour, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL) {
		snprintf(out, 11, "1970-01-01");
		return;
	}
	if (tm.tm_hour < day_start_hour) {
		/* The service day is the previous calendar day. */
		tm.tm_mday -= 1;
		tm.tm_hour = 12;
		tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		tt = mktime(&tm);
		localtime_r(&tt, &tm);
	}
	{
		char buf[48];

		snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday);
		memcpy(out, buf, 10);
		out[10] = '\0';
	}
}

/*
 * The number the next ISSUE in queue q gets, or 0 when the range is used up
 * today.  Does not change anything.  day is the day of the issue.
 */
static int
peek_number(const engine *e, int q, const char *day)
{
	const struct config_queue *cq = &e->cfg->queues[q];
	const struct engine_queue *eq = &e->queues[q];
	int first = cq->number_first, last = cq->number_last, n, i, span;

	if (first < 1)
		first = 1;
	if (last > NUMBER_MAX)
		last = NUMBER_MAX;
	if (last < first)
		return 0;
	n = eq->next_number;
	if (strcmp(eq->day, day) != 0 && e->cfg->policy.daily_reset)
		n = first;
	if (n < first)
		n = first;
	span = last - first + 1;
	/* From next_number on, wrapping, the first number not issued today:
	 * with daily_reset next_number only grows within a day (except after
	 * an explicit day close), so this is "the range is the day's supply";
	 * without, numbering runs on across days and wraps. */
	if (n > last)
		n = first;
	for (i = 0; i < span; i++) {
		if (!e->issued[n])
			return n;
		n = n == last ? first : n + 1;
	}
	return 0;
}

/* ---- routing ---------------------------------------------------------- */

/* Which kind the interleave calls next: 1 priority, 0 normal. */
static int
interleave_kind(const struct config_policy *pol, int has_norm, int has_prio,
    int normal_run, int priority_run)
{
	if (!has_prio)
		return 0;
	if (!has_norm)
		return 1;
	if (pol->priority_max_consecutive > 0 &&
	    priority_run >= pol->priority_max_consecutive)
		return 0;
	if (pol->priority_interleave <= 0)
		return 1;
	return normal_run >= pol->priority_interleave;
}

/* Whether a is before b in arrival order (ties by id). */
static int
before(const struct tk *a, const struct tk *b)
{
	if (a->t.order != b->t.order)
		return a->t.order < b->t.order;
	return a->t.id < b->t.id;
}

/* Per served queue, what the scan found. */
struct qscan {
	int queue;
	int level;
	struct tk *head, *norm, *prio;
};

/*
 * The ticket call-next at counter c would pick at time now, or NULL.  Pure:
 * changes nothing.  The rules are described in host/docs/engine.md.  In
 * *passed the queue whose normal tickets a priority ticket of another queue
 * goes before (rule 3a), else -1.
 */
static struct tk *
route(const engine *e, int c, int64_t now, int *passed)
{
	const struct config_policy *pol = &e->cfg->policy;
	const struct tlist *cw = &e->cwait[c];
	struct qscan qs[CONFIG_MAX_SERVES];
	struct tk *over[2] = { NULL, NULL }, *best = NULL;
	int64_t overby[2] = { 0, 0 };
	int i, j, level, nlevel[2] = { 0, 0 };

	*passed = -1;
	/* 0. Tickets assigned to this counter (transferred or unparked). */
	for (i = 0; i < cw->n; i++)
		if (best == NULL || before(cw->v[i], best))
			best = cw->v[i];
	if (best != NULL)
		return best;

	/* One pass over the served queues' unassigned waiting tickets. */
	for (i = 0; i < e->nserves[c]; i++) {
		const struct tlist *l = &e->qwait[e->serves[c][i].queue];
		struct qscan *s = &qs[i];

		s->queue = e->serves[c][i].queue;
		s->level = e->serves[c][i].level;
		s->head = s->norm = s->prio = NULL;
		for (j = 0; j < l->n; j++) {
			struct tk *p = l->v[j];
			int64_t tgt = target_s(e, p), by;

			if (s->head == NULL || before(p, s->head))
				s->head = p;
			if (is_prio(p)) {
				if (s->prio == NULL || before(p, s->prio))
					s->prio = p;
			} else if (s->norm == NULL || before(p, s->norm))
				s->norm = p;
			by = now - p->t.enqueued_at - tgt;
			if (tgt > 0 && by > 0 && (over[s->level] == NULL ||
			    by > overby[s->level] || (by == overby[s->level] &&
			    before(p, over[s->level])))) {
				over[s->level] = p;
				overby[s->level] = by;
			}
		}
		if (s->head != NULL)
			nlevel[s->level]++;
	}

	/* 1. Past target outranks (primary; backup when configured). */
	if (!pol->target_override)
		over[CONFIG_PRIMARY] = NULL;
	if (!pol->backup_past_target && !(pol->target_override &&
	    nlevel[CONFIG_PRIMARY] == 0))
		over[CONFIG_BACKUP] = NULL;
	if (over[0] != NULL && over[1] != NULL)
		return overby[1] > overby[0] ? over[1] : over[0];
	if (over[0] != NULL)
		return over[0];
	if (over[1] != NULL)
		return over[1];

	/* 2. Primary level first; backup only when no primary ticket waits. */
	level = nlevel[CONFIG_PRIMARY] > 0 ? CONFIG_PRIMARY : CONFIG_BACKUP;
	if (nlevel[level] == 0)
		return NULL;

	/* 3. The queue whose head arrived first, then the interleave. */
	best = NULL;
	j = -1;
	for (i = 0; i < e->nserves[c]; i++)
		if (qs[i].level == level && qs[i].head != NULL &&
		    (best == NULL || before(qs[i].head, best))) {
			best = qs[i].head;
			j = i;
		}
	{
		const struct engine_queue *eq = &e->queues[qs[j].queue];
		int pj = -1;

		/* 3a. The earliest priority ticket of any served queue whose
		 * interleave lets it go, when queue j's would let one go too. */
		for (i = 0; pol->priority_first_free && i < e->nserves[c]; i++) {
			const struct engine_queue *iq = &e->queues[qs[i].queue];

			if (i != j && qs[i].prio != NULL && (pj < 0 ||
			    before(qs[i].prio, qs[pj].prio)) &&
			    interleave_kind(pol, qs[i].norm != NULL, 1,
			    iq->normal_run, iq->priority_run))
				pj = i;
		}
		if (pj >= 0 && (qs[j].prio == NULL ||
		    before(qs[pj].prio, qs[j].prio)) && (qs[j].norm == NULL ||
		    interleave_kind(pol, 1, 1, eq->normal_run,
		    eq->priority_run))) {
			if (qs[j].norm != NULL)
				*passed = qs[j].queue;
			return qs[pj].prio;
		}
		if (interleave_kind(pol, qs[j].norm != NULL,
		    qs[j].prio != NULL, eq->normal_run, eq->priority_run))
			return qs[j].prio;
		/* 4. Arrival order. */
		return qs[j].norm;
	}
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

/* Clamp a duration in seconds to 0..SERVICE_CLAMP_S. */
static int64_t
clamp_s(int64_t d)
{
	return d < 0 ? 0 : d > SERVICE_CLAMP_S ? SERVICE_CLAMP_S : d;
}

/*
 * Count ended ticket p (of the current day) in what the estimator learns.
 * Only fields that never change after the end are read, and sums do not
 * depend on order, so counting the day's rows again on restore (recount)
 * gives the same figures.
 */
static void
learn_add(engine *e, const struct tk *p)
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

/* ---- the play-out behind the estimate ----------------------------------- */

/* A ticket in the play-out: a waiting one, or one expected to arrive. */
struct vtk {
	double key;                  /* arrival order: waiting ones < 0, then
	                                expected ones by seconds from now */
	const struct tk *p;          /* NULL for an expected arrival */
	int taken;
};

/* A growable list of play-out tickets (indexes), in arrival order. */
struct vlist {
	int *v;
	int n, cap, h;               /* h: first not yet taken, maybe */
};

/* A ticket's deadline (enqueued + target) in a queue's overdue list. */
struct vdue {
	int64_t due;
	int idx;
};

/* A queue in the play-out. */
struct vqueue {
	struct vlist norm, prio;     /* unassigned, by kind */
	struct vdue *due;            /* waiting ones with a target, by due */
	int nd, hd;
	int nr, pr;                  /* interleave runs */
	double gap[2], next[2];      /* expected arrivals: normal, priority:
	                                seconds between, next at (0 = none) */
};

/* The play-out: waiting tickets per queue and per counter. */
struct play {
	const engine *e;
	int64_t now;
	struct vtk *t;
	int nt, cap;
	int nreal;                   /* t[0..nreal-1]: the tickets waiting now;
	                                the rest are expected arrivals */
	struct vqueue *q;
	struct vlist *asg;           /* per counter: assigned to it */
	struct vdue *dpool;
};

/* qsort: tickets in arrival order. */
static int
cmp_vtk(const void *a, const void *b)
{
	const struct tk *x = ((const struct vtk *)a)->p;
	const struct tk *y = ((const struct vtk *)b)->p;

	return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

/* qsort: deadlines, earliest first, then arrival order. */
static int
cmp_vdue(const void *a, const void *b)
{
	const struct vdue *x = a, *y = b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Append idx to l. */
static void
vpush(struct vlist *l, int idx)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xreallocarray(l->v, (size_t)l->cap, sizeof *l->v);
	}
	l->v[l->n++] = idx;
}

/* First not yet taken ticket of l, or -1. */
static int
vhead(const struct play *P, struct vlist *l)
{
	while (l->h < l->n && P->t[l->v[l->h]].taken)
		l->h++;
	return l->h < l->n ? l->v[l->h] : -1;
}

/* First not yet taken entry of vq's deadline list, or NULL. */
static const struct vdue *
vdue_head(const struct play *P, struct vqueue *vq)
{
	while (vq->hd < vq->nd && P->t[vq->due[vq->hd].idx].taken)
		vq->hd++;
	return vq->hd < vq->nd ? &vq->due[vq->hd] : NULL;
}

/* Add a play-out ticket; returns its index. */
static int
vadd(struct play *P, double key, const struct tk *p)
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
 * issued in the last ARRIVAL_WINDOW_S (or since the day's first ticket), as
 * seconds between arrivals in vq->gap (0 = none expected).  Nothing is
 * extrapolated before the day has run ARRIVAL_MIN_S.
 */
static void
play_rates(struct play *P)
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
		if (p->t.issued_at > P->now - ARRIVAL_WINDOW_S &&
		    p->t.issued_at <= P->now)
			P->q[p->t.queue].gap[is_prio(p)] += 1;
	}
	span = first > 0 ? P->now - first : 0;
	if (span > ARRIVAL_WINDOW_S)
		span = ARRIVAL_WINDOW_S;
	for (q = 0; q < e->cfg->nqueues; q++)
		for (i = 0; i < 2; i++) {
			struct vqueue *vq = &P->q[q];

			vq->gap[i] = vq->gap[i] > 0 && span >= ARRIVAL_MIN_S ?
			    (double)span / vq->gap[i] : 0;
			vq->next[i] = vq->gap[i];
		}
}

/*
 * Build the play-out of the waiting tickets at time now, with target (a
 * waiting ticket, listed or about to be issued, or NULL) among them.
 * Returns target's index (-1 for NULL).
 */
static int
play_build(struct play *P, const engine *e, const struct tk *target,
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
				vadd(P, 0, e->qwait[q].v[i]);
	for (c = 0; c < cfg->ncounters; c++)
		for (i = 0; i < e->cwait[c].n; i++)
			if (e->cwait[c].v[i] != target)
				vadd(P, 0, e->cwait[c].v[i]);
	if (target != NULL)
		vadd(P, 0, target);
	nreal = P->nreal = P->nt;
	qsort(P->t, (size_t)nreal, sizeof *P->t, cmp_vtk);

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
		struct vqueue *vq = &P->q[p->t.queue];

		P->t[i].key = i - nreal;
		if (p == target)
			ti = i;
		if (ac >= 0 && ac < cfg->ncounters)
			vpush(&P->asg[ac], i);
		else
			vpush(is_prio(p) ? &vq->prio : &vq->norm, i);
	}
	/* Deadlines, per queue into the shared pool. */
	for (q = 0; q < cfg->nqueues; q++) {
		struct vqueue *vq = &P->q[q];
		int k;

		vq->due = P->dpool + off;
		for (k = 0; k < vq->norm.n + vq->prio.n; k++) {
			int idx = k < vq->norm.n ? vq->norm.v[k] :
			    vq->prio.v[k - vq->norm.n];
			int64_t tgt = target_s(e, P->t[idx].p);

			if (tgt <= 0)
				continue;
			vq->due[vq->nd].due = P->t[idx].p->t.enqueued_at + tgt;
			vq->due[vq->nd].idx = idx;
			vq->nd++;
		}
		if (vq->nd > 1)
			qsort(vq->due, (size_t)vq->nd, sizeof *vq->due, cmp_vdue);
		off += vq->nd;
	}
	play_rates(P);
	return ti;
}

/* Free what play_build allocated. */
static void
play_free(struct play *P)
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
play_arrive(struct play *P, int q, double at)
{
	struct vqueue *vq = &P->q[q];
	int k;

	for (k = 0; k < 2; k++)
		while (vq->gap[k] > 0 && vq->next[k] <= at) {
			vpush(k ? &vq->prio : &vq->norm,
			    vadd(P, vq->next[k], NULL));
			vq->next[k] += vq->gap[k];
		}
}

/* Whether play-out ticket x is a priority one of its queue's list. */
static int
vprio(const struct play *P, int x, int q)
{
	const struct vqueue *vq = &P->q[q];
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
play_pick(struct play *P, int c, double at, int *qq, int *pp, int *passed)
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
	if ((x = vhead(P, &P->asg[c])) >= 0) {
		*qq = P->t[x].p->t.queue;
		*pp = is_prio(P->t[x].p);
		return x;
	}
	for (i = 0; i < e->nserves[c]; i++) {
		int q = e->serves[c][i].queue, lv = e->serves[c][i].level;
		struct vqueue *vq = &P->q[q];
		const struct vdue *d;

		play_arrive(P, q, at);
		hn[i] = vhead(P, &vq->norm);
		hp[i] = vhead(P, &vq->prio);
		head[i] = hn[i] < 0 ? hp[i] : hp[i] < 0 ? hn[i] :
		    P->t[hn[i]].key < P->t[hp[i]].key ? hn[i] : hp[i];
		if (head[i] < 0)
			continue;
		nlevel[lv]++;
		if ((d = vdue_head(P, vq)) != NULL && now - d->due > 0 &&
		    (over[lv] < 0 || now - d->due > overby[lv] ||
		    (now - d->due == overby[lv] && d->idx < over[lv]))) {
			over[lv] = d->idx;
			overq[lv] = q;
			overby[lv] = now - d->due;
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
		*pp = vprio(P, over[level], overq[level]);
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
		const struct vqueue *iq = &P->q[e->serves[c][i].queue];

		if (i != j && hp[i] >= 0 && (pj < 0 ||
		    P->t[hp[i]].key < P->t[hp[pj]].key) &&
		    interleave_kind(pol, hn[i] >= 0, 1, iq->nr, iq->pr))
			pj = i;
	}
	if (pj >= 0 && (hp[j] < 0 || P->t[hp[pj]].key < P->t[hp[j]].key)) {
		const struct vqueue *vq = &P->q[e->serves[c][j].queue];

		if (hn[j] < 0 || interleave_kind(pol, 1, 1, vq->nr, vq->pr)) {
			if (hn[j] >= 0)
				*passed = e->serves[c][j].queue;
			*qq = e->serves[c][pj].queue;
			*pp = 1;
			return hp[pj];
		}
	}
	{
		const struct vqueue *vq = &P->q[e->serves[c][j].queue];

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
play_run(struct play *P, int ti, double *when)
{
	const engine *e = P->e;
	int nc = e->cfg->ncounters, c, best, x, q, pr, pq, steps = 0, left;
	double *free_at = xcalloc((size_t)nc + 1, sizeof *free_at), res = -1;
	unsigned char *alive = xcalloc((size_t)nc + 1, 1);
	struct learned L;

	learned(e, &L);
	left = P->nreal;
	for (c = 0; c < nc; c++) {
		const struct engine_counter *ec = &e->counters[c];
		const struct tk *t;

		if (ec->state != ENGINE_C_OPEN)
			continue;
		alive[c] = 1;
		if (ec->ticket != 0 && (t = find_id(e, ec->ticket)) != NULL)
			free_at[c] = residual_s(e, &L, t, P->now);
		else
			free_at[c] = L.gap;
	}
	for (;;) {
		best = -1;
		for (c = 0; c < nc; c++)
			if (alive[c] && (best < 0 || free_at[c] < free_at[best]))
				best = c;
		if (best < 0 || free_at[best] > PLAY_HORIZON_S ||
		    ++steps > PLAY_MAX_STEPS)
			break;
		x = play_pick(P, best, free_at[best], &q, &pr, &pq);
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
		free_at[best] += hold_s(e, &L, q);
	}
	free(free_at);
	free(alive);
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
 * Estimated wait in seconds of waiting ticket p (listed, or about to be
 * issued) with ahead people before it in its queue.
 */
static int
estimate(const engine *e, const struct tk *p, int ahead)
{
	struct play P;
	int ti = play_build(&P, e, p, e->now);
	double w = play_run(&P, ti, NULL);

	play_free(&P);
	return est_seconds(e, p->t.queue, ahead, w);
}

/* People ahead of p (waiting, or about to be issued) in its queue. */
static int
ahead_of(const engine *e, const struct tk *p)
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
	return sim_ahead(e, q, is_prio(p), own, other);
}

/*
 * Position of p (waiting, or about to be issued when p is not yet listed):
 * people ahead and the estimate.
 */
static void
position(const engine *e, const struct tk *p, int *ahead, int *est)
{
	*ahead = ahead_of(e, p);
	*est = estimate(e, p, *ahead);
}

/* qsort/bsearch: live positions by ticket id. */
static int
cmp_livepos(const void *a, const void *b)
{
	const struct livepos *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/*
 * The positions of every waiting ticket from one play-out (play_run with
 * when), kept in e->live until the engine changes: GET /state with a
 * thousand waiting costs one play-out instead of a thousand.
 */
static void
live_positions(const engine *e)
{
	struct livecache *lc = e->live;
	struct play P;
	double *when;
	int i;

	play_build(&P, e, NULL, e->now);
	when = xreallocarray(NULL, (size_t)P.nreal + 1, sizeof *when);
	for (i = 0; i < P.nreal; i++)
		when[i] = -1;
	(void)play_run(&P, -1, when);
	if (P.nreal > lc->cap) {
		lc->cap = P.nreal;
		lc->v = xreallocarray(lc->v, (size_t)lc->cap, sizeof *lc->v);
	}
	lc->n = 0;
	for (i = 0; i < P.nreal; i++) {
		const struct tk *p = P.t[i].p;
		struct livepos *lp = &lc->v[lc->n++];

		lp->id = p->t.id;
		lp->ahead = ahead_of(e, p);
		lp->est = est_seconds(e, p->t.queue, lp->ahead, when[i]);
	}
	if (lc->n > 1)
		qsort(lc->v, (size_t)lc->n, sizeof *lc->v, cmp_livepos);
	lc->version = e->version;
	free(when);
	play_free(&P);
}

/* ---- lifecycle -------------------------------------------------------- */

struct engine_cmd
engine_cmd_make(enum engine_cmd_type type)
{
	struct engine_cmd cmd;

	memset(&cmd, 0, sizeof cmd);
	cmd.type = type;
	cmd.counter = cmd.queue = cmd.procedure = cmd.kiosk = -1;
	cmd.to_queue = cmd.to_counter = cmd.keep_place = -1;
	return cmd;
}

engine *
engine_new(const struct config *cfg)
{
	engine *e = xcalloc(1, sizeof *e);
	int q, c, i, j;

	e->cfg = cfg;
	e->qwait = xcalloc((size_t)cfg->nqueues + 1, sizeof *e->qwait);
	e->qwait_total = xcalloc((size_t)cfg->nqueues + 1, sizeof *e->qwait_total);
	e->cwait = xcalloc((size_t)cfg->ncounters + 1, sizeof *e->cwait);
	e->counters = xcalloc((size_t)cfg->ncounters + 1, sizeof *e->counters);
	e->queues = xcalloc((size_t)cfg->nqueues + 1, sizeof *e->queues);
	e->learn = xcalloc((size_t)cfg->nqueues + 1, sizeof *e->learn);
	e->serves = xcalloc((size_t)cfg->ncounters + 1, sizeof *e->serves);
	e->nserves = xcalloc((size_t)cfg->ncounters + 1, sizeof *e->nserves);
	e->rc = xcalloc((size_t)cfg->ncounters + 1, sizeof *e->rc);
	e->cmark = xcalloc((size_t)cfg->ncounters + 1, sizeof *e->cmark);
	e->rq = xcalloc((size_t)cfg->nqueues + 1, sizeof *e->rq);
	e->qmark = xcalloc((size_t)cfg->nqueues + 1, sizeof *e->qmark);
	for (q = 0; q < cfg->nqueues; q++) {
		e->queues[q].index = q;
		e->queues[q].next_number = cfg->queues[q].number_first;
		e->queues[q].service_ewma_s = cfg->queues[q].service_min * 60.0;
	}
	for (c = 0; c < cfg->ncounters; c++) {
		const struct config_counter *cc = &cfg->counters[c];

		e->counters[c].index = c;
		e->counters[c].state = ENGINE_C_CLOSED;
		for (i = 0; i < cc->nserves && i < CONFIG_MAX_SERVES; i++) {
			int sq = cc->serves[i].queue, lv = cc->serves[i].level;

			if (sq < 0 || sq >= cfg->nqueues)
				continue;
			lv = lv == CONFIG_BACKUP ? CONFIG_BACKUP : CONFIG_PRIMARY;
			for (j = 0; j < e->nserves[c]; j++)
				if (e->serves[c][j].queue == sq)
					break;
			if (j < e->nserves[c]) {
				if (lv < e->serves[c][j].level)
					e->serves[c][j].level = lv;
				continue;
			}
			e->serves[c][j].queue = sq;
			e->serves[c][j].level = lv;
			e->nserves[c]++;
		}
	}
	e->gen = 1;
	e->version = 1;
	e->live = xcalloc(1, sizeof *e->live);
	return e;
}

/* Free the tickets waiting in the graveyard. */
static void
grave_flush(engine *e)
{
	int i;

	for (i = 0; i < e->grave.n; i++)
		free(e->grave.v[i]);
	e->grave.n = 0;
}

void
engine_free(engine *e)
{
	int i;

	if (e == NULL)
		return;
	grave_flush(e);
	free(e->grave.v);
	for (i = 0; i < e->all.n; i++)
		free(e->all.v[i]);
	free(e->all.v);
	free(e->by_id.slot);
	free(e->by_code.slot);
	free(e->openv);
	for (i = 0; i < e->cfg->nqueues; i++)
		free(e->qwait[i].v);
	for (i = 0; i < e->cfg->ncounters; i++)
		free(e->cwait[i].v);
	free(e->qwait);
	free(e->qwait_total);
	free(e->cwait);
	free(e->counters);
	free(e->queues);
	free(e->learn);
	free(e->serves);
	free(e->nserves);
	free(e->ev);
	free(e->rt);
	free(e->rc);
	free(e->cmark);
	free(e->rq);
	free(e->qmark);
	free(e->live->v);
	free(e->live);
	free(e);
}

/* Enter p in the number table (an open ticket wins over a closed one). */
static void
number_index(engine *e, struct tk *p)
{
	int n = p->t.number;
	struct tk *o;

	if (n < 1 || n > NUMBER_MAX)
		return;
	o = e->by_number[n];
	if (o == NULL || !state_open(o->t.state) || state_open(p->t.state))
		e->by_number[n] = p;
	if (strcmp(p->t.day, e->day) == 0)
		e->issued[n] = 1;
}

/* Add a fully filled ticket to every index. */
static void
tk_add(engine *e, struct tk *p)
{
	p->open_idx = p->list_idx = -1;
	p->list_kind = 0;
	tlist_push(&e->all, p);
	thash_insert(&e->by_id, p, 0);
	thash_insert(&e->by_code, p, 1);
	tk_list(e, p);
	number_index(e, p);
}

/* Rebuild the number table and issued set for e->day. */
static void
rebuild_numbers(engine *e)
{
	int i;

	memset(e->by_number, 0, sizeof e->by_number);
	memset(e->issued, 0, sizeof e->issued);
	for (i = 0; i < e->all.n; i++)
		number_index(e, e->all.v[i]);
}

/* ---- restore ---------------------------------------------------------- */

void
engine_restore_ticket(engine *e, const struct engine_ticket *t)
{
	struct tk *p;

	e->version++;
	if (t->queue < 0 || t->queue >= e->cfg->nqueues)
		return;
	if ((p = find_id(e, t->id)) != NULL) {
		/* A second row for the same id replaces the first. */
		tk_unlist(e, p);
		if (strcmp(p->t.code, t->code) != 0) {
			p->t = *t;
			p->t.code[ENGINE_CODE_LEN] = '\0';
			thash_insert(&e->by_code, p, 1);
		} else
			p->t = *t;
		tk_list(e, p);
		return;
	}
	p = xcalloc(1, sizeof *p);
	p->t = *t;
	p->t.code[ENGINE_CODE_LEN] = '\0';
	p->t.day[10] = '\0';
	if (p->t.assigned_counter >= e->cfg->ncounters)
		p->t.assigned_counter = -1;
	tk_add(e, p);
	if (t->id > e->last_ticket_id)
		e->last_ticket_id = t->id;
}

void
engine_restore_counter(engine *e, const struct engine_counter *c)
{
	e->version++;
	if (c->index < 0 || c->index >= e->cfg->ncounters)
		return;
	e->counters[c->index] = *c;
	e->counters[c->index].reason[ENGINE_REASON_LEN - 1] = '\0';
}

void
engine_restore_queue(engine *e, const struct engine_queue *q)
{
	struct engine_queue *eq;

	e->version++;
	if (q->index < 0 || q->index >= e->cfg->nqueues)
		return;
	eq = &e->queues[q->index];
	*eq = *q;
	eq->day[10] = '\0';
	if (!(eq->service_ewma_s > 0))
		eq->service_ewma_s = e->cfg->queues[q->index].service_min * 60.0;
}

void
engine_restore_ids(engine *e, int64_t last_ticket_id, int64_t last_event_id)
{
	e->version++;
	if (last_ticket_id > e->last_ticket_id)
		e->last_ticket_id = last_ticket_id;
	if (last_event_id > e->last_event_id)
		e->last_event_id = last_event_id;
}

/* Per queue, the day's tickets now in it and the priority ones. */
static void
recount(engine *e)
{
	int i;

	memset(e->learn, 0, (size_t)e->cfg->nqueues * sizeof *e->learn);
	for (i = 0; i < e->all.n; i++) {
		const struct tk *p = e->all.v[i];

		if (strcmp(p->t.day, e->day) != 0 || p->t.queue < 0 ||
		    p->t.queue >= e->cfg->nqueues)
			continue;
		learn_add(e, p);
	}
}

void
engine_restore_done(engine *e)
{
	int i, c;

	e->version++;
	/* The current day: the latest day any row belongs to. */
	e->day[0] = '\0';
	for (i = 0; i < e->all.n; i++)
		if (strcmp(e->all.v[i]->t.day, e->day) > 0)
			memcpy(e->day, e->all.v[i]->t.day, sizeof e->day);
	for (i = 0; i < e->cfg->nqueues; i++)
		if (strcmp(e->queues[i].day, e->day) > 0)
			memcpy(e->day, e->queues[i].day, sizeof e->day);
	rebuild_numbers(e);
	recount(e);

	/* A counter only holds a ticket that is called/serving at it. */
	for (c = 0; c < e->cfg->ncounters; c++) {
		struct engine_counter *ec = &e->counters[c];
		struct tk *p;

		if (ec->ticket == 0)
			continue;
		p = find_id(e, ec->ticket);
		if (p == NULL || p->t.counter != c ||
		    (p->t.state != ENGINE_T_CALLED &&
		    p->t.state != ENGINE_T_SERVING))
			ec->ticket = 0;
	}
}

/* ---- commands --------------------------------------------------------- */

/* Whether the code is 1..ENGINE_CODE_LEN characters of [a-z0-9]. */
static int
code_ok(const char *code)
{
	size_t i;

	for (i = 0; i <= ENGINE_CODE_LEN; i++) {
		char ch = code[i];

		if (ch == '\0')
			return i > 0;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
			return 0;
	}
	return 0;
}

/* Whether a reason buffer is NUL-terminated. */
static int
reason_ok(const char *r)
{
	return memchr(r, '\0', ENGINE_REASON_LEN) != NULL;
}

/* Checks that need no state: ranges and indexes.  0 or an engine_error. */
static int
check_fields(const engine *e, const struct engine_cmd *cmd)
{
	const struct config *cfg = e->cfg;
	int needs_counter = 1;

	if (cmd->now <= 0)
		return ENGINE_EINVAL;
	if (!reason_ok(cmd->reason))
		return ENGINE_EINVAL;
	switch (cmd->type) {
	case ENGINE_ISSUE:
	case ENGINE_CANCEL:
	case ENGINE_DAY_CLOSE:
		needs_counter = 0;
		break;
	case ENGINE_CALL_NEXT:
	case ENGINE_CALL_SPECIFIC:
	case ENGINE_RECALL:
	case ENGINE_START:
	case ENGINE_FINISH:
	case ENGINE_NO_SHOW:
	case ENGINE_TRANSFER:
	case ENGINE_PARK:
	case ENGINE_UNPARK:
	case ENGINE_COUNTER_OPEN:
	case ENGINE_COUNTER_PAUSE:
	case ENGINE_COUNTER_CLOSE:
	case ENGINE_RATE:
		break;
	default:
		return ENGINE_EINVAL;
	}
	if (needs_counter && (cmd->counter < 0 || cmd->counter >= cfg->ncounters))
		return ENGINE_ENOCOUNTER;
	switch (cmd->type) {
	case ENGINE_ISSUE:
		if (cmd->queue < -1 || cmd->queue >= cfg->nqueues ||
		    cmd->procedure < -1 || cmd->procedure >= cfg->nprocedures)
			return ENGINE_ENOQUEUE;
		if (cmd->queue < 0) {
			if (cmd->procedure < 0 || cfg->procedures == NULL ||
			    cfg->procedures[cmd->procedure].queue < 0 ||
			    cfg->procedures[cmd->procedure].queue >= cfg->nqueues)
				return ENGINE_ENOQUEUE;
		}
		if (cmd->priority < 0 || cmd->priority > cfg->npriority)
			return ENGINE_EINVAL;
		if (cmd->channel < ENGINE_CH_KIOSK || cmd->channel > ENGINE_CH_API)
			return ENGINE_EINVAL;
		if (cmd->kiosk < -1 || cmd->kiosk >= cfg->nkiosks)
			return ENGINE_EINVAL;
		if (!code_ok(cmd->code))
			return ENGINE_EINVAL;
		break;
	case ENGINE_CALL_SPECIFIC:
	case ENGINE_UNPARK:
		if (cmd->number < 1 || cmd->number > NUMBER_MAX)
			return ENGINE_EINVAL;
		break;
	case ENGINE_TRANSFER:
		if ((cmd->to_queue >= 0) == (cmd->to_counter >= 0))
			return ENGINE_EINVAL;
		if (cmd->keep_place < -1 || cmd->keep_place > 1)
			return ENGINE_EINVAL;
		if (cmd->to_queue >= cfg->nqueues)
			return ENGINE_ENOQUEUE;
		if (cmd->to_counter >= cfg->ncounters)
			return ENGINE_ENOCOUNTER;
		if (cmd->to_counter == cmd->counter)
			return ENGINE_EINVAL;
		break;
	case ENGINE_RATE:
		if (cmd->value < 1 || cmd->value > 4)
			return ENGINE_EINVAL;
		break;
	case ENGINE_CANCEL:
		if (cmd->ticket <= 0)
			return ENGINE_ENOTICKET;
		break;
	default:
		break;
	}
	return 0;
}

/*
 * The refusal a command gets right after a day close: every counter
 * closed, no ticket left.  0 when it can go through.
 */
static int
check_after_close(const struct engine_cmd *cmd)
{
	switch (cmd->type) {
	case ENGINE_CALL_NEXT:
	case ENGINE_CALL_SPECIFIC:
	case ENGINE_COUNTER_PAUSE:
	case ENGINE_COUNTER_CLOSE:
		return ENGINE_ECLOSED;
	case ENGINE_RECALL:
	case ENGINE_START:
	case ENGINE_FINISH:
	case ENGINE_NO_SHOW:
	case ENGINE_TRANSFER:
	case ENGINE_PARK:
		return ENGINE_EIDLE;
	case ENGINE_UNPARK:
	case ENGINE_CANCEL:
		return ENGINE_ENOTICKET;
	default:
		return 0;
	}
}

/* The ticket counter c holds (called/serving), or NULL. */
static struct tk *
held(const engine *e, int c)
{
	if (e->counters[c].ticket == 0)
		return NULL;
	return find_id(e, e->counters[c].ticket);
}

/* Whether counter c may call ticket p (served queue or assigned to c). */
static int
may_call(const engine *e, int c, const struct tk *p)
{
	int i;

	if (p->t.assigned_counter >= 0)
		return p->t.assigned_counter == c;
	for (i = 0; i < e->nserves[c]; i++)
		if (e->serves[c][i].queue == p->t.queue)
			return 1;
	return 0;
}

/* State checks of a command against the current state.  0 or an error. */
static int
check_state(const engine *e, const struct engine_cmd *cmd, const char *day,
    struct tk **tp, int *passed)
{
	int64_t now = cmd->now;
	const struct engine_counter *ec = NULL;
	struct tk *p = NULL;
	int q;

	if (cmd->counter >= 0 && cmd->counter < e->cfg->ncounters)
		ec = &e->counters[cmd->counter];
	*tp = NULL;
	switch (cmd->type) {
	case ENGINE_ISSUE:
		q = cmd->queue >= 0 ? cmd->queue :
		    e->cfg->procedures[cmd->procedure].queue;
		if (find_code(e, cmd->code) != NULL)
			return ENGINE_EDUPCODE;
		if (peek_number(e, q, e->day[0] ? e->day : day) == 0)
			return ENGINE_EEXHAUSTED;
		return 0;
	case ENGINE_CALL_NEXT:
		if (ec->state != ENGINE_C_OPEN)
			return ENGINE_ECLOSED;
		if (ec->ticket != 0)
			return ENGINE_EBUSY;
		if ((p = route(e, cmd->counter, now, passed)) == NULL)
			return ENGINE_EEMPTY;
		*tp = p;
		return 0;
	case ENGINE_CALL_SPECIFIC:
		if (ec->state != ENGINE_C_OPEN)
			return ENGINE_ECLOSED;
		if (ec->ticket != 0)
			return ENGINE_EBUSY;
		p = e->by_number[cmd->number];
		if (p == NULL || (p->t.state != ENGINE_T_WAITING &&
		    p->t.state != ENGINE_T_PARKED))
			return ENGINE_ENOTICKET;
		if (!may_call(e, cmd->counter, p))
			return ENGINE_ENOTSERVED;
		*tp = p;
		return 0;
	case ENGINE_RECALL:
	case ENGINE_NO_SHOW:
	case ENGINE_START:
		if ((p = held(e, cmd->counter)) == NULL)
			return ENGINE_EIDLE;
		if (p->t.state != ENGINE_T_CALLED)
			return ENGINE_ESTATE;
		*tp = p;
		return 0;
	case ENGINE_FINISH:
	case ENGINE_TRANSFER:
	case ENGINE_PARK:
		if ((p = held(e, cmd->counter)) == NULL)
			return ENGINE_EIDLE;
		if (p->t.state != ENGINE_T_CALLED &&
		    p->t.state != ENGINE_T_SERVING)
			return ENGINE_ESTATE;
		*tp = p;
		return 0;
	case ENGINE_UNPARK:
		p = e->by_number[cmd->number];
		if (p == NULL)
			return ENGINE_ENOTICKET;
		if (p->t.state != ENGINE_T_PARKED)
			return ENGINE_ESTATE;
		if (p->t.assigned_counter != cmd->counter)
			return ENGINE_ENOTSERVED;
		*tp = p;
		return 0;
	case ENGINE_COUNTER_OPEN:
		return 0;
	case ENGINE_COUNTER_PAUSE:
		if (ec->state == ENGINE_C_CLOSED)
			return ENGINE_ECLOSED;
		if (ec->ticket != 0)
			return ENGINE_EBUSY;
		return 0;
	case ENGINE_COUNTER_CLOSE:
		if (ec->state == ENGINE_C_CLOSED)
			return ENGINE_ECLOSED;
		if (ec->ticket != 0)
			return ENGINE_EBUSY;
		return 0;
	case ENGINE_RATE:
		return 0;
	case ENGINE_CANCEL:
		if ((p = find_id(e, cmd->ticket)) == NULL)
			return ENGINE_ENOTICKET;
		if (p->t.state != ENGINE_T_WAITING &&
		    p->t.state != ENGINE_T_PARKED)
			return ENGINE_ESTATE;
		*tp = p;
		return 0;
	case ENGINE_DAY_CLOSE:
		return 0;
	}
	return ENGINE_EINVAL;
}

/* qsort: tickets by decreasing id. */
static int
cmp_id_desc(const void *a, const void *b)
{
	const struct engine_ticket *x = *(const struct engine_ticket *const *)a;
	const struct engine_ticket *y = *(const struct engine_ticket *const *)b;

	return (x->id < y->id) - (x->id > y->id);
}

/* Close the day: cancel open tickets, close counters, reset numbering. */
static void
do_day_close(engine *e, int64_t now, int staff, const char *reason)
{
	int i, c, ncancel = 0;
	struct engine_event *ev;

	if (reason == NULL || reason[0] == '\0')
		reason = DEFAULT_CLOSE_REASON;
	/* In id order, so the same state always yields the same events. */
	if (e->nopen > 1)
		qsort(e->openv, (size_t)e->nopen, sizeof *e->openv, cmp_id_desc);
	for (i = 0; i < e->nopen; i++)
		tk_of(e->openv[i])->open_idx = i;
	/* The open list shrinks from its end as tickets leave it. */
	while (e->nopen > 0) {
		struct tk *p = tk_of(e->openv[e->nopen - 1]);
		int at = p->t.state == ENGINE_T_CALLED ||
		    p->t.state == ENGINE_T_SERVING ? p->t.counter : -1;

		tk_unlist(e, p);
		if (at >= 0 && at < e->cfg->ncounters &&
		    e->counters[at].ticket == p->t.id) {
			e->counters[at].ticket = 0;
			touch_c(e, at);
		}
		p->t.state = ENGINE_T_CANCELLED;
		p->t.finished_at = now;
		touch_t(e, p);
		ev = add_event(e, ENGINE_EV_CANCELLED, now, p, at, staff, 0);
		set_reason(ev->reason, reason);
		ncancel++;
	}
	for (c = 0; c < e->cfg->ncounters; c++) {
		struct engine_counter *ec = &e->counters[c];

		if (ec->ticket != 0) {
			ec->ticket = 0;
			touch_c(e, c);
		}
		if (ec->state == ENGINE_C_CLOSED)
			continue;
		ec->state = ENGINE_C_CLOSED;
		ec->since = now;
		ec->reason[0] = '\0';
		touch_c(e, c);
		ev = add_event(e, ENGINE_EV_COUNTER_CLOSED, now, NULL, c, staff, 0);
		set_reason(ev->reason, reason);
	}
	for (i = 0; i < e->cfg->nqueues; i++) {
		struct engine_queue *eq = &e->queues[i];

		if (e->cfg->policy.daily_reset &&
		    eq->next_number != e->cfg->queues[i].number_first) {
			eq->next_number = e->cfg->queues[i].number_first;
			touch_q(e, i);
		}
	}
	ev = add_event(e, ENGINE_EV_DAY_CLOSED, now, NULL, -1, staff, ncancel);
	set_reason(ev->reason, reason);
}

/* Day rollover to day: close the old day, drop its tickets, start day. */
static void
rollover(engine *e, int64_t now, const char *day)
{
	int i, n = 0, c;

	do_day_close(e, now, 0, NULL);
	/* Nothing is open now: every ticket in memory is of an old day. */
	for (i = 0; i < e->all.n; i++) {
		struct tk *p = e->all.v[i];

		if (strcmp(p->t.day, day) == 0)
			e->all.v[n++] = p;
		else
			tlist_push(&e->grave, p);
	}
	e->all.n = n;
	thash_clear(&e->by_id);
	thash_clear(&e->by_code);
	for (i = 0; i < e->all.n; i++) {
		thash_insert(&e->by_id, e->all.v[i], 0);
		thash_insert(&e->by_code, e->all.v[i], 1);
	}
	memcpy(e->day, day, sizeof e->day);
	rebuild_numbers(e);
	recount(e);
	for (i = 0; i < e->cfg->nqueues; i++) {
		struct engine_queue *eq = &e->queues[i];

		memcpy(eq->day, day, sizeof eq->day);
		if (e->cfg->policy.daily_reset)
			eq->next_number = e->cfg->queues[i].number_first;
		eq->normal_run = eq->priority_run = 0;
		touch_q(e, i);
	}
	for (c = 0; c < e->cfg->ncounters; c++) {
		if (e->counters[c].last_ticket != 0) {
			e->counters[c].last_ticket = 0;
			e->counters[c].last_finished_at = 0;
			touch_c(e, c);
		}
	}
}

/* Give ticket p to counter c as a fresh call; passed: the queue whose
 * normal tickets it went before (rule 3a), or -1. */
static void
do_call(engine *e, const struct engine_cmd *cmd, struct tk *p, int passed)
{
	int c = cmd->counter;
	struct engine_counter *ec = &e->counters[c];
	struct engine_queue *eq = &e->queues[p->t.queue];
	int was_parked = p->t.state == ENGINE_T_PARKED;

	tk_unlist(e, p);
	p->t.state = ENGINE_T_CALLED;
	p->t.counter = c;
	p->t.assigned_counter = -1;
	p->t.called_at = cmd->now;
	p->t.started_at = 0;
	p->t.calls = 1;
	p->t.staff = cmd->staff;
	tk_list(e, p);
	touch_t(e, p);
	ec->ticket = p->t.id;
	ec->last_ticket = 0;       /* a rating now is for someone else */
	ec->last_finished_at = 0;
	if (cmd->staff != 0)
		ec->staff = cmd->staff;
	touch_c(e, c);
	if (is_prio(p)) {
		eq->priority_run++;
		eq->normal_run = 0;
	} else {
		eq->normal_run++;
		eq->priority_run = 0;
	}
	touch_q(e, p->t.queue);
	if (passed >= 0) {
		/* The passed queue's normal visitors waited for this call: it
		 * counts in that queue's interleave and cap as well. */
		e->queues[passed].priority_run++;
		e->queues[passed].normal_run = 0;
		touch_q(e, passed);
	}
	add_event(e, ENGINE_EV_CALLED, cmd->now, p, c, cmd->staff,
	    was_parked ? 2 : 1);
}

/* Counter c lets go of its ticket. */
static void
release(engine *e, int c)
{
	e->counters[c].ticket = 0;
	touch_c(e, c);
}

/* Run a command already checked; p is the ticket check_state found. */
static void
apply(engine *e, const struct engine_cmd *cmd, struct tk *p,
    struct engine_result *res)
{
	const struct config *cfg = e->cfg;
	int64_t now = cmd->now;
	int c = cmd->counter, q, keep;
	struct engine_counter *ec = c >= 0 && c < cfg->ncounters ?
	    &e->counters[c] : NULL;
	struct engine_event *ev;

	switch (cmd->type) {
	case ENGINE_ISSUE: {
		struct tk *n = xcalloc(1, sizeof *n);
		struct engine_queue *eq;
		int num;

		q = cmd->queue >= 0 ? cmd->queue :
		    cfg->procedures[cmd->procedure].queue;
		eq = &e->queues[q];
		num = peek_number(e, q, e->day);
		n->t.id = ++e->last_ticket_id;
		memcpy(n->t.code, cmd->code, sizeof n->t.code);
		memcpy(n->t.day, e->day, sizeof n->t.day);
		n->t.number = num;
		n->t.queue = q;
		n->t.procedure = cmd->procedure;
		n->t.priority = cmd->priority;
		n->t.channel = cmd->channel;
		n->t.kiosk = cmd->kiosk;
		n->t.state = ENGINE_T_WAITING;
		n->t.counter = -1;
		n->t.assigned_counter = -1;
		n->t.order = e->last_event_id + 1;  /* the ISSUED event's id */
		n->t.issued_at = n->t.enqueued_at = now;
		n->list_idx = n->open_idx = -1;
		position(e, n, &n->t.ahead, &n->t.est_wait_s);
		tk_add(e, n);
		memcpy(eq->day, e->day, sizeof eq->day);
		eq->next_number = num + 1;
		touch_q(e, q);
		touch_t(e, n);
		add_event(e, ENGINE_EV_ISSUED, now, n, -1, cmd->staff,
		    cmd->priority);
		res->ticket = n->t.id;
		return;
	}
	case ENGINE_CALL_NEXT:
	case ENGINE_CALL_SPECIFIC:
		do_call(e, cmd, p, res->passed_queue);
		break;
	case ENGINE_RECALL:
		if (p->t.calls + 1 > 1 + cfg->policy.recall_limit) {
			tk_unlist(e, p);
			p->t.state = ENGINE_T_NO_SHOW;
			p->t.finished_at = now;
			tk_list(e, p);
			learn_add(e, p);
			release(e, c);
			add_event(e, ENGINE_EV_NO_SHOW, now, p, c, cmd->staff,
			    p->t.calls);
		} else {
			p->t.calls++;
			p->t.called_at = now;
			add_event(e, ENGINE_EV_RECALLED, now, p, c, cmd->staff,
			    p->t.calls);
		}
		touch_t(e, p);
		break;
	case ENGINE_START:
		p->t.state = ENGINE_T_SERVING;
		p->t.started_at = now;
		touch_t(e, p);
		add_event(e, ENGINE_EV_STARTED, now, p, c, cmd->staff, 0);
		break;
	case ENGINE_FINISH: {
		struct engine_queue *eq = &e->queues[p->t.queue];
		int64_t from = p->t.started_at > 0 ? p->t.started_at :
		    p->t.called_at, dur = now - from;

		if (dur < 0)
			dur = 0;
		if (dur > SERVICE_CLAMP_S)
			dur = SERVICE_CLAMP_S;
		tk_unlist(e, p);
		p->t.state = ENGINE_T_DONE;
		p->t.finished_at = now;
		tk_list(e, p);
		learn_add(e, p);
		touch_t(e, p);
		release(e, c);
		ec->last_ticket = p->t.id;
		ec->last_finished_at = now;
		eq->service_ewma_s = EWMA_ALPHA * (double)dur +
		    (1 - EWMA_ALPHA) * eq->service_ewma_s;
		touch_q(e, p->t.queue);
		add_event(e, ENGINE_EV_FINISHED, now, p, c, cmd->staff,
		    (int)dur);
		break;
	}
	case ENGINE_NO_SHOW:
		tk_unlist(e, p);
		p->t.state = ENGINE_T_NO_SHOW;
		p->t.finished_at = now;
		tk_list(e, p);
		learn_add(e, p);
		touch_t(e, p);
		release(e, c);
		add_event(e, ENGINE_EV_NO_SHOW, now, p, c, cmd->staff,
		    p->t.calls);
		break;
	case ENGINE_TRANSFER: {
		int to_q = cmd->to_queue >= 0 ? cmd->to_queue : p->t.queue;

		keep = cmd->keep_place;
		if (keep < 0)
			keep = cfg->queues[to_q].transfer_keeps_place;
		if (keep < 0)
			keep = cfg->policy.transfer_keeps_place;
		tk_unlist(e, p);
		p->t.state = ENGINE_T_WAITING;
		p->t.queue = to_q;
		p->t.counter = -1;
		p->t.assigned_counter = cmd->to_counter >= 0 ? cmd->to_counter : -1;
		p->t.enqueued_at = now;
		p->t.started_at = 0;
		p->t.calls = 0;
		p->t.transfers++;
		if (!keep)
			p->t.order = e->last_event_id + 1; /* TRANSFERRED's id */
		tk_list(e, p);
		touch_t(e, p);
		release(e, c);
		ev = add_event(e, ENGINE_EV_TRANSFERRED, now, p, c, cmd->staff,
		    cmd->to_queue);
		if (cmd->to_counter >= 0)
			snprintf(ev->reason, sizeof ev->reason, "%s",
			    cfg->counters[cmd->to_counter].name ?
			    cfg->counters[cmd->to_counter].name : "");
		break;
	}
	case ENGINE_PARK:
		tk_unlist(e, p);
		p->t.state = ENGINE_T_PARKED;
		p->t.counter = -1;
		p->t.assigned_counter = c;
		tk_list(e, p);
		touch_t(e, p);
		release(e, c);
		add_event(e, ENGINE_EV_PARKED, now, p, c, cmd->staff, 0);
		break;
	case ENGINE_UNPARK:
		tk_unlist(e, p);
		p->t.state = ENGINE_T_WAITING;
		p->t.assigned_counter = c;
		tk_list(e, p);
		touch_t(e, p);
		add_event(e, ENGINE_EV_UNPARKED, now, p, c, cmd->staff, 0);
		break;
	case ENGINE_COUNTER_OPEN:
		ec->state = ENGINE_C_OPEN;
		ec->since = now;
		ec->staff = cmd->staff;
		ec->reason[0] = '\0';
		touch_c(e, c);
		add_event(e, ENGINE_EV_COUNTER_OPENED, now, NULL, c, cmd->staff, 0);
		break;
	case ENGINE_COUNTER_PAUSE:
		ec->state = ENGINE_C_PAUSED;
		ec->since = now;
		set_reason(ec->reason, cmd->reason);
		touch_c(e, c);
		ev = add_event(e, ENGINE_EV_COUNTER_PAUSED, now, NULL, c,
		    cmd->staff, 0);
		set_reason(ev->reason, cmd->reason);
		break;
	case ENGINE_COUNTER_CLOSE:
		ec->state = ENGINE_C_CLOSED;
		ec->since = now;
		ec->reason[0] = '\0';
		touch_c(e, c);
		ev = add_event(e, ENGINE_EV_COUNTER_CLOSED, now, NULL, c,
		    cmd->staff, 0);
		set_reason(ev->reason, cmd->reason);
		break;
	case ENGINE_RATE: {
		struct tk *r = ec->last_ticket ? find_id(e, ec->last_ticket) : NULL;
		int64_t age = now - ec->last_finished_at;

		if (r != NULL && r->t.rating == 0 && r->t.state == ENGINE_T_DONE &&
		    age >= 0 && age <= cfg->policy.rating_window_s) {
			r->t.rating = cmd->value;
			touch_t(e, r);
			add_event(e, ENGINE_EV_RATED, now, r, c, cmd->staff,
			    cmd->value);
			res->ticket = r->t.id;
		} else {
			ev = add_event(e, ENGINE_EV_RATED, now, NULL, c,
			    cmd->staff, cmd->value);
			ev->number = 0;
		}
		return;
	}
	case ENGINE_CANCEL:
		tk_unlist(e, p);
		p->t.state = ENGINE_T_CANCELLED;
		p->t.finished_at = now;
		tk_list(e, p);
		touch_t(e, p);
		ev = add_event(e, ENGINE_EV_CANCELLED, now, p, -1, cmd->staff, 0);
		set_reason(ev->reason, cmd->reason);
		break;
	case ENGINE_DAY_CLOSE:
		do_day_close(e, now, cmd->staff, cmd->reason);
		return;
	}
	if (p != NULL)
		res->ticket = p->t.id;
}

int
engine_exec(engine *e, const struct engine_cmd *cmd, struct engine_result *res)
{
	char day[11];
	struct tk *p = NULL;
	int err, newday;

	memset(res, 0, sizeof *res);
	res->passed_queue = -1;
	e->version++;
	grave_flush(e);
	e->nev = e->nrt = e->nrc = e->nrq = 0;
	e->gen++;
	if (e->gen == 0)
		e->gen = 1;

	if ((err = check_fields(e, cmd)) != 0)
		return -err;
	engine_day_of(cmd->now, e->cfg->day_start_hour, day);
	/* A clock that went back stays in the current day. */
	newday = e->day[0] != '\0' && strcmp(day, e->day) > 0;
	if (newday) {
		/* Refuse before the day close, which would change things. */
		if ((err = check_after_close(cmd)) != 0)
			return -err;
		rollover(e, cmd->now, day);
	}
	if ((err = check_state(e, cmd, day, &p, &res->passed_queue)) != 0) {
		/* After a rollover check_after_close ruled this out. */
		return -err;
	}
	if (e->day[0] == '\0')
		memcpy(e->day, day, sizeof e->day);
	e->now = cmd->now;
	apply(e, cmd, p, res);

	res->nevents = e->nev;
	res->events = e->ev;
	res->ntickets = e->nrt;
	res->tickets = (const struct engine_ticket *const *)e->rt;
	res->ncounters = e->nrc;
	res->counters = (const struct engine_counter *const *)e->rc;
	res->nqueues = e->nrq;
	res->queues = (const struct engine_queue *const *)e->rq;
	return 0;
}

/* ---- read access ------------------------------------------------------ */

const struct engine_ticket *
engine_ticket_by_id(const engine *e, int64_t id)
{
	struct tk *p = find_id(e, id);

	return p ? &p->t : NULL;
}

const struct engine_ticket *
engine_ticket_by_code(const engine *e, const char *code)
{
	struct tk *p;

	if (code == NULL || memchr(code, '\0', ENGINE_CODE_LEN + 1) == NULL)
		return NULL;
	p = find_code(e, code);
	return p ? &p->t : NULL;
}

const struct engine_counter *
engine_counter(const engine *e, int index)
{
	if (index < 0 || index >= e->cfg->ncounters)
		return NULL;
	return &e->counters[index];
}

const struct engine_queue *
engine_queue(const engine *e, int index)
{
	if (index < 0 || index >= e->cfg->nqueues)
		return NULL;
	return &e->queues[index];
}

int
engine_open_tickets(const engine *e, const struct engine_ticket *const **out)
{
	*out = (const struct engine_ticket *const *)e->openv;
	return e->nopen;
}

int
engine_queue_estimate(const engine *e, int queue, int priority, int *ahead,
    int *est_wait_s)
{
	struct tk n;

	if (queue < 0 || queue >= e->cfg->nqueues)
		return -ENGINE_ENOQUEUE;
	/* A ticket issued now comes after every waiting one. */
	memset(&n, 0, sizeof n);
	n.t.id = INT64_MAX;
	n.t.order = INT64_MAX;
	n.t.queue = queue;
	n.t.procedure = -1;
	n.t.priority = priority;
	n.t.assigned_counter = -1;
	n.t.counter = -1;
	n.t.state = ENGINE_T_WAITING;
	n.t.issued_at = n.t.enqueued_at = e->now;
	n.list_idx = n.open_idx = -1;
	position(e, &n, ahead, est_wait_s);
	return 0;
}

/* The waiting ticket with this id in *pp; 0, or -ENGINE_E... */
static int
waiting_ticket(const engine *e, int64_t ticket, const struct tk **pp)
{
	const struct tk *p = find_id(e, ticket);

	if (p == NULL)
		return -ENGINE_ENOTICKET;
	if (p->t.state != ENGINE_T_WAITING)
		return -ENGINE_ESTATE;
	*pp = p;
	return 0;
}

int
engine_position(const engine *e, int64_t ticket, int *ahead, int *est_wait_s)
{
	const struct tk *p;
	const struct livepos *lp;
	struct livepos key;
	int rc = waiting_ticket(e, ticket, &p);

	if (rc < 0)
		return rc;
	if (e->live->version != e->version)
		live_positions(e);
	key.id = ticket;
	lp = e->live->n == 0 ? NULL : bsearch(&key, e->live->v,
	    (size_t)e->live->n, sizeof key, cmp_livepos);
	if (lp == NULL) {            /* not expected: every waiting one is in */
		position(e, p, ahead, est_wait_s);
		return 0;
	}
	*ahead = lp->ahead;
	*est_wait_s = lp->est;
	return 0;
}

int
engine_position_one(const engine *e, int64_t ticket, int *ahead,
    int *est_wait_s)
{
	const struct tk *p;
	int rc = waiting_ticket(e, ticket, &p);

	if (rc < 0)
		return rc;
	position(e, p, ahead, est_wait_s);
	return 0;
}

int
engine_waiting_count(const engine *e, int queue)
{
	if (queue < 0 || queue >= e->cfg->nqueues)
		return 0;
	return e->qwait_total[queue];
}

const char *
engine_day(const engine *e)
{
	return e->day;
}

int64_t
engine_last_event_id(const engine *e)
{
	return e->last_event_id;
}

/* ---- names and messages ----------------------------------------------- */

const char *
engine_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ENGINE_OK: return "Thành công";
	case ENGINE_EINVAL: return "Yêu cầu không hợp lệ";
	case ENGINE_ENOQUEUE: return "Không có hàng đợi hoặc thủ tục này";
	case ENGINE_ENOCOUNTER: return "Không có quầy này";
	case ENGINE_ENOTICKET: return "Không tìm thấy vé";
	case ENGINE_ECLOSED: return "Quầy đang đóng hoặc tạm dừng";
	case ENGINE_EBUSY: return "Quầy đang phục vụ một vé khác";
	case ENGINE_EIDLE: return "Quầy chưa gọi vé nào";
	case ENGINE_EEMPTY: return "Không còn ai chờ ở quầy này";
	case ENGINE_ESTATE: return "Vé không ở trạng thái cho phép thao tác này";
	case ENGINE_EEXHAUSTED: return "Đã hết số thứ tự của hàng đợi trong ngày";
	case ENGINE_ENOTSERVED: return "Quầy không phục vụ vé này";
	case ENGINE_EDUPCODE: return "Mã vé đã được dùng";
	default: return "Lỗi không xác định";
	}
}

const char *
engine_error_code(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ENGINE_OK: return "ok";
	case ENGINE_EINVAL: return "invalid";
	case ENGINE_ENOQUEUE: return "no_queue";
	case ENGINE_ENOCOUNTER: return "no_counter";
	case ENGINE_ENOTICKET: return "no_ticket";
	case ENGINE_ECLOSED: return "counter_closed";
	case ENGINE_EBUSY: return "counter_busy";
	case ENGINE_EIDLE: return "counter_idle";
	case ENGINE_EEMPTY: return "queue_empty";
	case ENGINE_ESTATE: return "bad_state";
	case ENGINE_EEXHAUSTED: return "numbers_exhausted";
	case ENGINE_ENOTSERVED: return "not_served";
	case ENGINE_EDUPCODE: return "duplicate_code";
	default: return "unknown";
	}
}

/* Names come from the one vocabulary (proto/vocab.c). */
const char *
engine_event_name(enum engine_event_type t)
{
	const char *n = vocab_name(VOCAB_EVENT, (int)t);

	return n != NULL ? n : "unknown";
}

const char *
engine_ticket_state_name(enum engine_ticket_state s)
{
	const char *n = vocab_name(VOCAB_TICKET_STATE, (int)s);

	return n != NULL ? n : "unknown";
}

const char *
engine_counter_state_name(enum engine_counter_state s)
{
	const char *n = vocab_name(VOCAB_COUNTER_STATE, (int)s);

	return n != NULL ? n : "unknown";
}
