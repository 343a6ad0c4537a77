/*
 * dmodel.h - what the wall display knows: the centre's state loaded from
 * GET /api/v1/state, kept current by applying the event stream, plus the
 * history of calls and the decision to announce one.  Pure: no I/O, no
 * SDL, the clocks are passed in (unix seconds for the daemon's times, a
 * local monotonic millisecond clock for flashing).
 *
 * Ordering rules.  Events carry increasing ids.  An event whose id is at or
 * below the last one applied is ignored (a replay after reconnect).  An event
 * at or below the id of the last state snapshot only adds to the call
 * history (the snapshot already holds its effect on counters and queues).
 * A call is announced only once, only for a counter this screen shows, and
 * only while it is fresh (its time at most max_age_s behind now): a call made
 * while the display was disconnected is shown but not announced hours later.
 *
 * The history holds one row per ticket: a recall (or a later call of the
 * same ticket) moves that ticket's row to the top, fresh again (it flashes
 * and is announced again); the other rows stay.
 */
#ifndef ONESTOP_DMODEL_H
#define ONESTOP_DMODEL_H

#include <stddef.h>
#include <stdint.h>

#define DMODEL_MAX_COUNTERS 99
#define DMODEL_MAX_QUEUES 128
#define DMODEL_HISTORY 16
#define DMODEL_MAX_FILTER 64

enum dmodel_cstate { DMODEL_C_CLOSED = 0, DMODEL_C_OPEN, DMODEL_C_PAUSED };

struct dmodel_counter {
	int number;                 /* 1..99 */
	char name[96];              /* "Quầy 5" */
	char department[24];
	char area[96];
	enum dmodel_cstate state;
	int64_t ticket_id;          /* 0 = none */
	int ticket_number;          /* 0 = none */
	int64_t called_at;          /* unix s of the last call, 0 = none */
	int64_t seen_ms;            /* local ms we learned of that call, 0 = at start */
};

struct dmodel_queue {
	char code[32];
	char name[160];
	char department[24];
	int waiting;
};

struct dmodel_call {
	int64_t event_id;           /* 0 = from a state snapshot */
	int number;
	int counter;                /* counter number */
	int recall;
	int64_t at;                 /* unix s */
	int64_t seen_ms;            /* local ms (0 = known at start: no flash) */
	int64_t ticket;             /* ticket id (0 = not known) */
};

/* Which counters and queues this screen shows; empty lists = all. */
struct dmodel_filter {
	int ncounters;
	int counters[DMODEL_MAX_FILTER];        /* counter numbers */
	int ndepartments;
	char departments[DMODEL_MAX_FILTER][24];
	int nqueues;
	char queues[DMODEL_MAX_FILTER][32];
	char area[96];                          /* "" = any */
};

struct dmodel_waiting {
	int64_t ticket;
	int queue;                  /* index into queues */
};

struct dmodel {
	char centre[256];
	char notice[1024];          /* the state's notice line, "" = none */
	char day[32];
	int loaded;                 /* a state snapshot has been applied */
	int64_t last_event_id;      /* last event applied (or snapshot at start) */
	int64_t state_event_id;     /* last_event_id of the last snapshot */
	int ncounters;
	struct dmodel_counter counters[DMODEL_MAX_COUNTERS];
	int nqueues;
	struct dmodel_queue queues[DMODEL_MAX_QUEUES];
	int nhistory;
	struct dmodel_call history[DMODEL_HISTORY];  /* newest first, one per ticket */
	struct dmodel_waiting *waiting;              /* open waiting tickets */
	size_t nwaiting, capwaiting;
	int max_age_s;              /* announce calls at most this old (30) */
	struct dmodel_filter filter;
};

void dmodel_init(struct dmodel *m);
void dmodel_free(struct dmodel *m);

/*
 * Parse a filter list: counters "1-8,12", departments / queues "TP,XD".
 * 0 or -1 (bad item; f unchanged for that list).
 */
int dmodel_filter_counters(struct dmodel_filter *f, const char *spec);
int dmodel_filter_codes(struct dmodel_filter *f, int queues, const char *spec);

/* 1 when the filter lets this counter / queue show. */
int dmodel_counter_visible(const struct dmodel *m, const struct dmodel_counter *c);
int dmodel_queue_visible(const struct dmodel *m, const struct dmodel_queue *q);

/*
 * Apply a GET /api/v1/state answer (JSON text).  0, or -1 when it does not
 * parse (the model is unchanged).
 */
int dmodel_apply_state(struct dmodel *m, const char *json, int64_t now_ms);

/*
 * Apply one event of the stream (the SSE data, JSON text).  Returns 1 when
 * it is a call to announce (filled into *announce), 0 when applied or
 * ignored, -1 when it does not parse.
 */
int dmodel_apply_event(struct dmodel *m, const char *json, int64_t now_unix,
    int64_t now_ms, struct dmodel_call *announce);

/* The counter with this number, or NULL. */
struct dmodel_counter *dmodel_counter_by_number(struct dmodel *m, int number);

#endif
