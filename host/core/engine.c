/*
 * engine.c - the queue engine: the state of one service day (tickets,
 * counters, per-queue numbering and interleave state), the commands that
 * change it and the call-next routing policy.  The estimated wait (a
 * play-out of that routing from the current state) is in estimate.c, which
 * shares the state below through engine_private.h.
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

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/vntext.h"
#include "common/xmalloc.h"
#include "core/engine_private.h"
#include "core/estimate.h"

#define EWMA_ALPHA 0.2
#define DEFAULT_CLOSE_REASON "Kết thúc ngày làm việc"

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

/* The ticket with id, or NULL (shared with estimate.c). */
struct tk *
engine_find_id(const engine *e, int64_t id)
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
		estimate_wait_del(e, p);
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
	estimate_wait_add(e, p);
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
int64_t
engine_target_s(const engine *e, const struct tk *p)
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
			int64_t tgt = engine_target_s(e, p), by;

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
	e->booked = xcalloc((size_t)cfg->nqueues + 1, sizeof *e->booked);
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
	e->live = estimate_cache_new();
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
	free(e->booked);
	free(e->learn);
	free(e->serves);
	free(e->nserves);
	free(e->ev);
	free(e->rt);
	free(e->rc);
	free(e->cmark);
	free(e->rq);
	free(e->qmark);
	estimate_cache_free(e->live);
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
	if ((p = engine_find_id(e, t->id)) != NULL) {
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
	estimate_recount(e);

	/* A counter only holds a ticket that is called/serving at it. */
	for (c = 0; c < e->cfg->ncounters; c++) {
		struct engine_counter *ec = &e->counters[c];
		struct tk *p;

		if (ec->ticket == 0)
			continue;
		p = engine_find_id(e, ec->ticket);
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
	return engine_find_id(e, e->counters[c].ticket);
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
		if ((p = engine_find_id(e, cmd->ticket)) == NULL)
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
	estimate_recount(e);
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
		estimate_position(e, n, &n->t.ahead, &n->t.est_wait_s);
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
			estimate_learn_add(e, p);
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
		estimate_learn_add(e, p);
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
		estimate_learn_add(e, p);
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
		struct tk *r = ec->last_ticket ? engine_find_id(e, ec->last_ticket) : NULL;
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
	/* No version bump here: a refused command changes nothing, and the
	   state before an accepted one at the same "now" is the state after
	   the last, whose estimates (the hall) still hold. */
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
		e->version++;
	}
	if ((err = check_state(e, cmd, day, &p, &res->passed_queue)) != 0) {
		/* After a rollover check_after_close ruled this out. */
		return -err;
	}
	if (e->day[0] == '\0') {
		memcpy(e->day, day, sizeof e->day);
		e->version++;
	}
	if (e->now != cmd->now)
		e->version++;        /* the estimates count from "now" */
	e->now = cmd->now;
	apply(e, cmd, p, res);
	e->version++;                /* the estimate at issue saw the state
	                                before the command */

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
	struct tk *p = engine_find_id(e, id);

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
	if (queue < 0 || queue >= e->cfg->nqueues)
		return -ENGINE_ENOQUEUE;
	estimate_queue(e, queue, priority, ahead, est_wait_s);
	return 0;
}

int
engine_estimate_range(const engine *e, int est_s, int *low_s, int *high_s)
{
	return estimate_range(e, est_s, low_s, high_s);
}

/* The waiting ticket with this id in *pp; 0, or -ENGINE_E... */
static int
waiting_ticket(const engine *e, int64_t ticket, const struct tk **pp)
{
	const struct tk *p = engine_find_id(e, ticket);

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
	int rc = waiting_ticket(e, ticket, &p);

	if (rc < 0)
		return rc;
	estimate_position_live(e, p, ahead, est_wait_s);
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
	estimate_position(e, p, ahead, est_wait_s);
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

/* ---- refusals explained ------------------------------------------------ */

/* A message being built: appends while there is room (cut later on a
 * character boundary by vntext_copy_utf8). */
struct xp {
	char buf[512];
	size_t n;
};

static void xp_add(struct xp *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
xp_add(struct xp *x, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (x->n >= sizeof x->buf - 1)
		return;
	va_start(ap, fmt);
	w = vsnprintf(x->buf + x->n, sizeof x->buf - x->n, fmt, ap);
	va_end(ap);
	if (w > 0)
		x->n += (size_t)w < sizeof x->buf - x->n ? (size_t)w :
		    sizeof x->buf - x->n - 1;
}

/* "Quầy 3": the counter's configured name. */
static const char *
xp_counter(const engine *e, int c)
{
	if (c < 0 || c >= e->cfg->ncounters)
		return "quầy";
	return e->cfg->counters[c].name != NULL ? e->cfg->counters[c].name : "Quầy";
}

static const char *
xp_queue(const engine *e, int q)
{
	if (q < 0 || q >= e->cfg->nqueues || e->cfg->queues[q].name == NULL)
		return "?";
	return e->cfg->queues[q].name;
}

/*
 * What ticket t is doing, after "số 0012" (or "số này"), as seen from
 * counter c: "đang được phục vụ", "đang được gọi tại Quầy 2"...
 */
static void
xp_ticket_state(const engine *e, struct xp *x, const struct engine_ticket *t,
    int c)
{
	int here = t->counter == c;

	switch (t->state) {
	case ENGINE_T_WAITING:
		if (t->assigned_counter >= 0 && t->assigned_counter != c)
			xp_add(x, "đang chờ %s", xp_counter(e, t->assigned_counter));
		else
			xp_add(x, "đang chờ");
		break;
	case ENGINE_T_CALLED:
		xp_add(x, "đang được gọi");
		if (!here)
			xp_add(x, " tại %s", xp_counter(e, t->counter));
		break;
	case ENGINE_T_SERVING:
		xp_add(x, "đang được phục vụ");
		if (!here)
			xp_add(x, " tại %s", xp_counter(e, t->counter));
		break;
	case ENGINE_T_PARKED:
		xp_add(x, "đang tạm gác");
		if (t->assigned_counter != c)
			xp_add(x, " ở %s", xp_counter(e, t->assigned_counter));
		break;
	case ENGINE_T_DONE:
		xp_add(x, "đã được phục vụ xong");
		break;
	case ENGINE_T_NO_SHOW:
		xp_add(x, "đã được tính là vắng mặt");
		break;
	case ENGINE_T_CANCELLED:
		xp_add(x, "đã bị hủy");
		break;
	default:
		xp_add(x, "ở trạng thái không cho phép thao tác này");
		break;
	}
}

/* "Không thể gọi lại", "Không thể gọi số 0012"...: the action refused. */
static void
xp_action(struct xp *x, const struct engine_cmd *cmd)
{
	switch (cmd->type) {
	case ENGINE_ISSUE: xp_add(x, "Không thể cấp số"); break;
	case ENGINE_CALL_NEXT: xp_add(x, "Không thể gọi số tiếp theo"); break;
	case ENGINE_CALL_SPECIFIC:
		if (cmd->number >= 1 && cmd->number <= NUMBER_MAX)
			xp_add(x, "Không thể gọi số %04d", cmd->number);
		else
			xp_add(x, "Không thể gọi số này");
		break;
	case ENGINE_RECALL: xp_add(x, "Không thể gọi lại"); break;
	case ENGINE_START: xp_add(x, "Không thể bắt đầu phục vụ"); break;
	case ENGINE_FINISH: xp_add(x, "Không thể kết thúc"); break;
	case ENGINE_NO_SHOW: xp_add(x, "Không thể ghi vắng mặt"); break;
	case ENGINE_TRANSFER: xp_add(x, "Không thể chuyển"); break;
	case ENGINE_PARK: xp_add(x, "Không thể tạm gác"); break;
	case ENGINE_UNPARK:
		if (cmd->number >= 1 && cmd->number <= NUMBER_MAX)
			xp_add(x, "Không thể đưa số %04d lại hàng chờ", cmd->number);
		else
			xp_add(x, "Không thể đưa số này lại hàng chờ");
		break;
	case ENGINE_COUNTER_OPEN: xp_add(x, "Không thể mở quầy"); break;
	case ENGINE_COUNTER_PAUSE: xp_add(x, "Không thể tạm dừng quầy"); break;
	case ENGINE_COUNTER_CLOSE: xp_add(x, "Không thể đóng quầy"); break;
	case ENGINE_RATE: xp_add(x, "Không thể ghi đánh giá"); break;
	case ENGINE_CANCEL: xp_add(x, "Không thể hủy vé"); break;
	case ENGINE_DAY_CLOSE: xp_add(x, "Không thể kết thúc ngày làm việc"); break;
	default: xp_add(x, "Không thể thực hiện"); break;
	}
}

/* Why a field check (EINVAL) failed, in words. */
static void
xp_invalid(const engine *e, struct xp *x, const struct engine_cmd *cmd)
{
	const struct config *cfg = e->cfg;

	if (cmd->now <= 0 || !reason_ok(cmd->reason)) {
		xp_add(x, "yêu cầu không hợp lệ");
		return;
	}
	switch (cmd->type) {
	case ENGINE_ISSUE:
		if (cmd->priority < 0 || cmd->priority > cfg->npriority)
			xp_add(x, "không có loại ưu tiên này");
		else if (cmd->channel < ENGINE_CH_KIOSK || cmd->channel > ENGINE_CH_API)
			xp_add(x, "không có kênh lấy số này");
		else if (cmd->kiosk < -1 || cmd->kiosk >= cfg->nkiosks)
			xp_add(x, "không có ki-ốt này");
		else
			xp_add(x, "mã vé không hợp lệ");
		return;
	case ENGINE_CALL_SPECIFIC:
	case ENGINE_UNPARK:
		xp_add(x, "số vé phải từ 1 đến %d", NUMBER_MAX);
		return;
	case ENGINE_TRANSFER:
		if (cmd->to_queue < 0 && cmd->to_counter < 0)
			xp_add(x, "chưa chọn hàng đợi hoặc quầy nhận");
		else if (cmd->to_queue >= 0 && cmd->to_counter >= 0)
			xp_add(x, "chọn hàng đợi hoặc quầy nhận, không chọn cả hai");
		else if (cmd->to_counter == cmd->counter)
			xp_add(x, "không thể chuyển sang chính %s",
			    xp_counter(e, cmd->counter));
		else
			xp_add(x, "yêu cầu không hợp lệ");
		return;
	case ENGINE_RATE:
		xp_add(x, "mức đánh giá phải từ 1 đến 4");
		return;
	default:
		xp_add(x, "yêu cầu không hợp lệ");
		return;
	}
}

/* Counter c is closed or paused (ECLOSED), in words. */
static void
xp_closed(const engine *e, struct xp *x, int c)
{
	const struct engine_counter *ec = &e->counters[c];

	if (ec->state == ENGINE_C_PAUSED) {
		xp_add(x, "%s đang tạm dừng", xp_counter(e, c));
		if (ec->reason[0] != '\0')
			xp_add(x, " (%s)", ec->reason);
	} else {
		xp_add(x, "%s đang đóng", xp_counter(e, c));
	}
}

/* Why (err) the state refused cmd, in words. */
static void
xp_reason(const engine *e, struct xp *x, const struct engine_cmd *cmd, int err)
{
	const struct config *cfg = e->cfg;
	int c = cmd->counter >= 0 && cmd->counter < cfg->ncounters ?
	    cmd->counter : -1;
	const struct tk *p = NULL;
	const int named = cmd->type == ENGINE_CALL_SPECIFIC ||
	    cmd->type == ENGINE_UNPARK;
	char day[11];

	if (cmd->number >= 1 && cmd->number <= NUMBER_MAX)
		p = e->by_number[cmd->number];
	/* A command of a later day was refused before that day's close. */
	if (cmd->now > 0 && e->day[0] != '\0') {
		engine_day_of(cmd->now, cfg->day_start_hour, day);
		if (strcmp(day, e->day) > 0 && check_after_close(cmd) == err) {
			xp_add(x, "đã sang ngày làm việc mới, các quầy đã đóng"
			    " và các vé của ngày trước đã kết thúc");
			return;
		}
	}
	switch (err) {
	case ENGINE_EINVAL:
		xp_invalid(e, x, cmd);
		return;
	case ENGINE_ENOQUEUE:
		xp_add(x, cmd->type == ENGINE_ISSUE ?
		    "không có hàng đợi hoặc thủ tục này" : "không có hàng đợi này");
		return;
	case ENGINE_ENOCOUNTER:
		if (cmd->type == ENGINE_TRANSFER && c >= 0)
			xp_add(x, "không có quầy nhận này");
		else
			xp_add(x, "không có quầy này");
		return;
	case ENGINE_ENOTICKET:
		if (cmd->type == ENGINE_CANCEL) {
			xp_add(x, "không tìm thấy vé này");
		} else if (p != NULL && named && strcmp(p->t.day, e->day) == 0) {
			xp_add(x, "số này ");
			xp_ticket_state(e, x, &p->t, c);
		} else if (named) {
			xp_add(x, "hôm nay chưa cấp số này");
		} else {
			xp_add(x, "không tìm thấy vé");
		}
		return;
	case ENGINE_ECLOSED:
		if (c < 0) {
			xp_add(x, "quầy đang đóng hoặc tạm dừng");
		} else if (e->counters[c].state == ENGINE_C_OPEN) {
			xp_add(x, "%s đang mở", xp_counter(e, c));
		} else if (cmd->type == ENGINE_COUNTER_CLOSE) {
			xp_add(x, "%s đã đóng rồi", xp_counter(e, c));
		} else {
			xp_closed(e, x, c);
			if (cmd->type != ENGINE_COUNTER_PAUSE)
				xp_add(x, "; hãy mở quầy trước");
		}
		return;
	case ENGINE_EBUSY: {
		const struct tk *h = c >= 0 ? held(e, c) : NULL;

		if (h == NULL) {
			xp_add(x, "quầy đang phục vụ một vé khác");
			return;
		}
		xp_add(x, "%s %s số %04d", xp_counter(e, c),
		    h->t.state == ENGINE_T_SERVING ? "đang phục vụ" : "đang gọi",
		    h->t.number);
		xp_add(x, cmd->type == ENGINE_CALL_NEXT ||
		    cmd->type == ENGINE_CALL_SPECIFIC ?
		    "; hãy kết thúc, chuyển hoặc tạm gác số này trước" :
		    "; hãy kết thúc, chuyển hoặc tạm gác số này trước khi rời quầy");
		return;
	}
	case ENGINE_EIDLE:
		xp_add(x, "%s chưa gọi số nào", c >= 0 ? xp_counter(e, c) : "quầy");
		return;
	case ENGINE_EEMPTY:
		xp_add(x, "không còn ai chờ ở các hàng đợi mà %s phục vụ",
		    xp_counter(e, c));
		return;
	case ENGINE_ESTATE: {
		const struct tk *t = NULL;

		if (cmd->type == ENGINE_CANCEL)
			t = engine_find_id(e, cmd->ticket);
		else if (named)
			t = p;
		else if (c >= 0)
			t = held(e, c);
		if (t == NULL) {
			xp_add(x, "vé không ở trạng thái cho phép thao tác này");
			return;
		}
		if (named)
			xp_add(x, "số này ");
		else
			xp_add(x, "số %04d ", t->t.number);
		xp_ticket_state(e, x, &t->t, c);
		if (cmd->type == ENGINE_UNPARK && t->t.state != ENGINE_T_PARKED)
			xp_add(x, ", không phải đang tạm gác");
		return;
	}
	case ENGINE_EEXHAUSTED: {
		int q = cmd->queue;

		if (q < 0 && cmd->procedure >= 0 && cmd->procedure < cfg->nprocedures &&
		    cfg->procedures != NULL)
			q = cfg->procedures[cmd->procedure].queue;

		if (q >= 0 && q < cfg->nqueues)
			xp_add(x, "hàng đợi %s đã dùng hết các số từ %d đến %d hôm nay",
			    xp_queue(e, q), cfg->queues[q].number_first,
			    cfg->queues[q].number_last);
		else
			xp_add(x, "hàng đợi đã hết số thứ tự trong ngày");
		return;
	}
	case ENGINE_ENOTSERVED:
		if (p == NULL) {
			xp_add(x, "%s không phục vụ vé này", xp_counter(e, c));
		} else if (p->t.state == ENGINE_T_PARKED && p->t.assigned_counter != c) {
			xp_add(x, "số này đang tạm gác ở %s",
			    xp_counter(e, p->t.assigned_counter));
		} else if (p->t.assigned_counter >= 0 && p->t.assigned_counter != c) {
			xp_add(x, "số này đã được chuyển cho %s",
			    xp_counter(e, p->t.assigned_counter));
		} else {
			xp_add(x, "%s không phục vụ hàng đợi %s", xp_counter(e, c),
			    xp_queue(e, p->t.queue));
		}
		return;
	case ENGINE_EDUPCODE:
		xp_add(x, "mã vé đã được dùng, hãy thử lại");
		return;
	default:
		xp_add(x, "%s", engine_strerror(err));
		return;
	}
}

char *
engine_explain(const engine *e, const struct engine_cmd *cmd, int err,
    char *buf, size_t len)
{
	struct xp x;

	if (len == 0)
		return buf;
	if (err < 0)
		err = -err;
	x.n = 0;
	x.buf[0] = '\0';
	if (cmd == NULL || err == ENGINE_OK) {
		xp_add(&x, "%s.", engine_strerror(err));
	} else {
		xp_action(&x, cmd);
		xp_add(&x, ": ");
		xp_reason(e, &x, cmd, err);
		xp_add(&x, ".");
	}
	vntext_copy_utf8(buf, len, x.buf);
	return buf;
}

int
engine_recalls_left(const engine *e, const struct engine_ticket *t)
{
	int left;

	if (t == NULL || t->state != ENGINE_T_CALLED)
		return -1;
	left = 1 + e->cfg->policy.recall_limit - t->calls;
	return left > 0 ? left : 0;
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

/* See engine.h. */
uint64_t
engine_version(const engine *e)
{
	return e->version;
}

void
engine_set_booked(engine *e, int queue, int n)
{
	if (queue < 0 || queue >= e->cfg->nqueues || n < 0 || e->booked[queue] == n)
		return;
	e->booked[queue] = n;
	e->version++;            /* the estimates change */
}
