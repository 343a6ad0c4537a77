/*
 * estimate.h - the engine's estimator: people ahead of a waiting ticket and
 * its estimated wait, from a play-out of the routing rules forward from the
 * engine's current state, with what the day's ended tickets taught (service,
 * walk-up, no-shows, a free counter's time to call).  host/docs/engine.md,
 * *Estimates*, says what it models and why.
 *
 * Core-internal: the engine (engine.c) calls it, with the engine's private
 * state (engine_private.h); everyone else reads estimates through
 * engine_position() and friends in core/engine.h.  Pure: no I/O, no clock.
 */
#ifndef ONESTOP_ESTIMATE_H
#define ONESTOP_ESTIMATE_H

#include "core/engine_private.h"

/* Count ended ticket p (DONE / NO_SHOW, of the current day) in e->learn. */
void estimate_learn_add(engine *e, const struct tk *p);
/* Recount e->learn from the day's ticket rows (restore, rollover). */
void estimate_recount(engine *e);

/*
 * People ahead of waiting ticket p (listed, or about to be issued when p is
 * not yet listed) and its estimated wait in seconds, from a play-out of p
 * alone.
 */
void estimate_position(const engine *e, const struct tk *p, int *ahead,
    int *est);
/*
 * The same figures for a listed waiting ticket, from the positions of every
 * waiting ticket computed once per engine version and kept in e->live.
 */
void estimate_position_live(const engine *e, const struct tk *p, int *ahead,
    int *est);

/*
 * The figures of a ticket of queue q and priority prio issued now
 * (engine_queue_estimate): those of estimate_position, from the live
 * play-out's checkpoint where that ticket would first come up.
 */
void estimate_queue(const engine *e, int q, int prio, int *ahead, int *est);

/*
 * The range a visitor is shown for an estimate of est seconds, from how the
 * day's waits fell against their printed estimates: 1 with *lo < *hi (s,
 * multiples of 5 minutes) for a long wait, 0 with *lo = *hi = est for a
 * short one.
 */
int estimate_range(const engine *e, int est, int *lo, int *hi);

/* Waiting ticket p enters / leaves the engine's waiting lists (its fields
 * unchanged in between): the estimator keeps them in arrival order. */
void estimate_wait_add(engine *e, struct tk *p);
void estimate_wait_del(engine *e, struct tk *p);

/* The live positions' cache (owned by the engine: new in engine_new, free
 * in engine_free). */
struct estimate_cache *estimate_cache_new(void);
void estimate_cache_free(struct estimate_cache *lc);

#endif
