/*
 * engine_private.h - what the engine (engine.c) and its estimator
 * (estimate.c) share: the engine's state, the ticket wrapper and the small
 * ordering rules both apply.  Not for use outside host/core/engine.c and
 * host/core/estimate.c; everyone else goes through core/engine.h.
 */
#ifndef ONESTOP_ENGINE_PRIVATE_H
#define ONESTOP_ENGINE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/engine.h"

#define NUMBER_MAX 9999
#define SERVICE_CLAMP_S (4 * 3600)

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

struct estimate_cache;           /* estimate.c: live positions per version */

struct engine {
	const struct config *cfg;
	char day[11];                    /* current service day, "" = none */
	int64_t now;                     /* time of the command being run */
	struct learn *learn;             /* per queue: the day's ended tickets
	                                    (derived from them; see
	                                    estimate_learn_add) */
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

	int *booked;                     /* per queue: appointments expected in
	                                    the coming hour (engine_set_booked) */
	unsigned long version;           /* changes with every state change */
	struct estimate_cache *live;     /* filled by engine_position */
};

/* The ticket with id, or NULL (engine.c). */
struct tk *engine_find_id(const engine *e, int64_t id);
/* Waiting-time target of ticket p in seconds; 0 = none (engine.c). */
int64_t engine_target_s(const engine *e, const struct tk *p);

/* Whether ticket p is a priority ticket. */
static inline int
is_prio(const struct tk *p)
{
	return p->t.priority > 0;
}

/* Whether a is before b in arrival order (ties by id). */
static inline int
before(const struct tk *a, const struct tk *b)
{
	if (a->t.order != b->t.order)
		return a->t.order < b->t.order;
	return a->t.id < b->t.id;
}

/* Which kind the interleave calls next: 1 priority, 0 normal. */
static inline int
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

/* Clamp a duration in seconds to 0..SERVICE_CLAMP_S. */
static inline int64_t
clamp_s(int64_t d)
{
	return d < 0 ? 0 : d > SERVICE_CLAMP_S ? SERVICE_CLAMP_S : d;
}

#endif
