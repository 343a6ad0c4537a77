/*
 * engine.h - the queue engine: tickets, counters, routing and numbering.
 *
 * Pure C, no I/O, no clock of its own: every command carries the time it
 * happens at ("now", unix seconds), and randomness (the ticket's public code)
 * comes in the command too.  Commands go in, events come out, and the result
 * lists every ticket, counter and queue row the command changed so the store
 * can write exactly those rows in the same transaction as the events.
 *
 * The engine keeps the state of one service day: the day's tickets, the
 * counters, and each queue's next number.  On start the daemon restores that
 * state from the store with the engine_restore_* calls, in any order, then
 * engine_restore_done().
 *
 * Thread-safety: none; the daemon's core thread owns the engine.
 */
#ifndef ONESTOP_ENGINE_H
#define ONESTOP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "proto/vocab.h"

typedef struct engine engine;

#define ENGINE_CODE_LEN 10        /* public ticket code, [a-z0-9], +1 NUL */
#define ENGINE_REASON_LEN 64

enum engine_cmd_type {
	ENGINE_ISSUE = 1,     /* queue or procedure, priority, channel, kiosk, code */
	ENGINE_CALL_NEXT,     /* counter */
	ENGINE_CALL_SPECIFIC, /* counter, number (a waiting/parked ticket) */
	ENGINE_RECALL,        /* counter: call the called ticket again */
	ENGINE_START,         /* counter: called -> serving */
	ENGINE_FINISH,        /* counter: called or serving -> done */
	ENGINE_NO_SHOW,       /* counter: called -> no-show */
	ENGINE_TRANSFER,      /* counter, to_queue or to_counter, keep_place */
	ENGINE_PARK,          /* counter: called/serving -> parked */
	ENGINE_UNPARK,        /* counter, number: parked -> waiting (for that counter) */
	ENGINE_COUNTER_OPEN,  /* counter */
	ENGINE_COUNTER_PAUSE, /* counter, reason */
	ENGINE_COUNTER_CLOSE, /* counter */
	ENGINE_RATE,          /* counter, value 1..4 */
	ENGINE_CANCEL,        /* ticket (by id): waiting/parked -> cancelled */
	ENGINE_DAY_CLOSE,     /* all open tickets cancelled, counters closed,
	                         numbers reset when the policy says so */
};

/* Why a command was refused (engine_exec returns the negated value). */
enum engine_error {
	ENGINE_OK = 0,
	ENGINE_EINVAL = 1,      /* a field out of range */
	ENGINE_ENOQUEUE,        /* unknown queue or procedure */
	ENGINE_ENOCOUNTER,      /* unknown counter */
	ENGINE_ENOTICKET,       /* no such ticket (or not in a fitting state) */
	ENGINE_ECLOSED,         /* counter closed or paused */
	ENGINE_EBUSY,           /* counter still has a called/serving ticket */
	ENGINE_EIDLE,           /* counter has no called/serving ticket */
	ENGINE_EEMPTY,          /* nothing waiting this counter may serve */
	ENGINE_ESTATE,          /* ticket not in a state that allows this */
	ENGINE_EEXHAUSTED,      /* the queue's number range is used up today */
	ENGINE_ENOTSERVED,      /* counter does not serve that queue */
	ENGINE_EDUPCODE,        /* public code already used (caller retries) */
};

struct engine_cmd {
	enum engine_cmd_type type;
	int64_t now;                 /* unix seconds */
	int counter;                 /* counter index, or -1 */
	int staff;                   /* user id acting, 0 = none/device */
	int64_t ticket;              /* ticket id (CANCEL) */
	int number;                  /* ticket number (CALL_SPECIFIC, UNPARK) */
	int queue;                   /* ISSUE: queue index, or -1 to use procedure */
	int procedure;               /* ISSUE: procedure index, or -1 */
	int priority;                /* ISSUE: 0 normal, 1..npriority */
	enum engine_channel channel; /* ISSUE */
	int kiosk;                   /* ISSUE: kiosk index, or -1 */
	char code[ENGINE_CODE_LEN + 1]; /* ISSUE: public code chosen by caller */
	int to_queue;                /* TRANSFER: queue index, or -1 */
	int to_counter;              /* TRANSFER: counter index, or -1 */
	int keep_place;              /* TRANSFER: 1 keep, 0 back, -1 configured */
	int value;                   /* RATE: 1 very satisfied .. 4 dissatisfied */
	char reason[ENGINE_REASON_LEN]; /* PAUSE, CANCEL, DAY_CLOSE */
};

struct engine_ticket {
	int64_t id;                  /* 1, 2, ... over the store's life */
	char code[ENGINE_CODE_LEN + 1];
	char day[11];                /* service day "YYYY-MM-DD" */
	int number;                  /* 1..9999 */
	int queue;                   /* current queue (after transfers) */
	int procedure;               /* -1 when issued by queue */
	int priority;
	enum engine_channel channel;
	int kiosk;
	enum engine_ticket_state state;
	int counter;                 /* counter calling/serving/last served, -1 */
	int assigned_counter;        /* only this counter may call it, -1 = any */
	int staff;                   /* staff of the last call */
	int64_t order;               /* arrival order key within the day */
	int64_t issued_at;
	int64_t enqueued_at;         /* issue, or the last transfer into a queue */
	int64_t called_at;           /* last call (0 = never) */
	int64_t started_at;
	int64_t finished_at;         /* done / no-show / cancelled time */
	int calls;                   /* calls incl. recalls at the current counter */
	int transfers;
	int rating;                  /* 0 = none */
	int est_wait_s;              /* estimate given at issue */
	int ahead;                   /* people ahead at issue */
};

struct engine_counter {
	int index;                   /* into config counters */
	enum engine_counter_state state;
	int64_t ticket;              /* called/serving ticket id, 0 = none */
	int64_t last_ticket;         /* last finished ticket (for ratings) */
	int64_t last_finished_at;
	int64_t since;               /* time of the last state change */
	int staff;
	char reason[ENGINE_REASON_LEN]; /* pause reason */
};

/* Per-queue durable counters: numbering and the interleave state. */
struct engine_queue {
	int index;                   /* into config queues */
	char day[11];                /* the day next_number belongs to */
	int next_number;
	int normal_run;              /* normal calls since the last priority call */
	int priority_run;            /* priority calls in a row */
	double service_ewma_s;       /* recent mean service time, seconds */
};

struct engine_event {
	int64_t id;                  /* increasing over the store's life */
	enum engine_event_type type;
	int64_t at;
	int64_t ticket;              /* 0 when about a counter only */
	int number;
	int queue;                   /* -1 when none */
	int counter;                 /* counter index, -1 when none */
	int staff;
	int value;                   /* RATED: rating; TRANSFERRED: to_queue;
	                                RECALLED: call count; ISSUED: priority */
	char reason[ENGINE_REASON_LEN];
};

#define ENGINE_MAX_EVENTS 16     /* per command, except DAY_CLOSE (see below) */

/*
 * What one command did.  The arrays point into engine-owned memory that
 * stays valid until the next engine_exec() (or engine_free()).  DAY_CLOSE may
 * yield many events; nevents is not bounded by ENGINE_MAX_EVENTS there.
 */
struct engine_result {
	int nevents;
	const struct engine_event *events;
	int ntickets;
	const struct engine_ticket *const *tickets;   /* changed rows */
	int ncounters;
	const struct engine_counter *const *counters; /* changed rows */
	int nqueues;
	const struct engine_queue *const *queues;     /* changed rows */
	int64_t ticket;              /* the ticket acted on, 0 = none */
	int passed_queue;            /* CALL_NEXT: the queue whose normal
	                                tickets a priority ticket of another
	                                queue went before (priority_first_free),
	                                else -1 */
};

/*
 * A command of the given type with every optional field at "none": no
 * counter, queue, procedure, kiosk or transfer target (-1), the configured
 * transfer rule (keep_place -1), priority normal, now 0, no code or reason.
 */
struct engine_cmd engine_cmd_make(enum engine_cmd_type type);

/* cfg must outlive the engine. */
engine *engine_new(const struct config *cfg);
void engine_free(engine *e);

/*
 * Run one command.  Returns 0 and fills *res, or returns -ENGINE_E... and
 * changes nothing (res is then empty).  The day of a command is derived from
 * cmd->now and the config's day_start_hour (local time of the process's TZ).
 */
int engine_exec(engine *e, const struct engine_cmd *cmd, struct engine_result *res);

/* Text for an engine_error (positive value), Vietnamese, for people. */
const char *engine_strerror(int err);
/*
 * Why cmd was refused with err (either sign), for people: the action and
 * what stands in its way now, e.g. "Không thể gọi lại: số 0012 đang được
 * phục vụ."  Built from the command and the engine's current state, so call
 * it right after the refusal, before any other command.  Writes at most len
 * bytes (NUL included, never a split character) to buf and returns buf.
 */
char *engine_explain(const engine *e, const struct engine_cmd *cmd, int err,
    char *buf, size_t len);
/*
 * How many more recalls of called ticket t still call it: 0 means the next
 * recall makes it a no-show (policy recall_limit).  -1 when t is not called.
 */
int engine_recalls_left(const engine *e, const struct engine_ticket *t);
/* Short ASCII names for events / states / errors, used in JSON. */
const char *engine_event_name(enum engine_event_type t);
const char *engine_ticket_state_name(enum engine_ticket_state s);
const char *engine_counter_state_name(enum engine_counter_state s);
const char *engine_error_code(int err);

/* Restore from the store (before any engine_exec). */
void engine_restore_ticket(engine *e, const struct engine_ticket *t);
void engine_restore_counter(engine *e, const struct engine_counter *c);
void engine_restore_queue(engine *e, const struct engine_queue *q);
/* Highest ticket id and event id ever used. */
void engine_restore_ids(engine *e, int64_t last_ticket_id, int64_t last_event_id);
void engine_restore_done(engine *e);

/* Read access for the API (full state, status pages). */
const struct engine_ticket *engine_ticket_by_id(const engine *e, int64_t id);
const struct engine_ticket *engine_ticket_by_code(const engine *e, const char *code);
const struct engine_counter *engine_counter(const engine *e, int index);
const struct engine_queue *engine_queue(const engine *e, int index);
/* Open tickets of the day (waiting, called, serving, parked), in no order. */
int engine_open_tickets(const engine *e, const struct engine_ticket *const **out);
/*
 * People ahead of an open waiting ticket, and its current estimated wait.
 * The first call after a change computes every waiting ticket's in one
 * play-out and keeps them until the next change (not thread-safe: call it
 * from the thread that runs the engine).
 */
int engine_position(const engine *e, int64_t ticket, int *ahead, int *est_wait_s);
/* The same figures from a play-out of this ticket alone (tests, bench). */
int engine_position_one(const engine *e, int64_t ticket, int *ahead,
    int *est_wait_s);
/* People ahead of, and the estimated wait for, a ticket issued now. */
int engine_queue_estimate(const engine *e, int queue, int priority, int *ahead,
    int *est_wait_s);
/*
 * What a visitor is told for an estimated wait of est_s seconds (printed,
 * live or a queue's): from 4 minutes on a range, learnt from how the day's
 * waits fell against the estimates printed on their tickets (the narrowest
 * window of wait / estimate that held 80 % of them, in the estimate's band
 * — 4-8, 8-16, 16-32, 32+ min — or all bands pooled; 0.6-1.8 x the
 * estimate until 30 such tickets were called), its ends rounded out to 5
 * minutes (the low end may be 0): returns 1 with *low_s < *high_s.  A
 * shorter wait: returns 0 with *low_s = *high_s = est_s (one figure).
 * common/waittext.h words it.  host/docs/engine.md, *The range*.
 */
int engine_estimate_range(const engine *e, int est_s, int *low_s,
    int *high_s);
/* Waiting tickets in a queue. */
int engine_waiting_count(const engine *e, int queue);
/*
 * Appointments booked in queue for the coming hour and not checked in yet
 * (core/booking.c keeps it): the estimate expects them as priority
 * arrivals spread over the hour, on top of the day's own rate, so a walk-in
 * is told the wait the interleave will give it once they come.  n >= 0;
 * not stored (booking_refresh sets it again after a restart).
 */
void engine_set_booked(engine *e, int queue, int n);
const char *engine_day(const engine *e);  /* current service day */
int64_t engine_last_event_id(const engine *e);

/* The service day ("YYYY-MM-DD") that unix time t falls in. */
void engine_day_of(int64_t t, int day_start_hour, char out[11]);

/*
 * A number that changes whenever anything the engine shows may have changed
 * (every accepted command, a command at a new "now" or on a new day, every
 * restore; not a refused command): what is computed from the engine — the
 * state, the estimates — can be kept while it stays the same.
 */
uint64_t engine_version(const engine *e);

#endif
