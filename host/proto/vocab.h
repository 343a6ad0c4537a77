/*
 * vocab.h - the project's one vocabulary: the values of events, ticket and
 * counter states, channels and roles, and the one table of their names.
 *
 * The names are what the store writes in its rows, what the API and the
 * event stream send, and what the web pages and onestopctl read: changing
 * one is a change of the file format and of the API (test_vocab pins them).
 * The enums keep the names the engine and the store have always used for
 * them (ENGINE_EV_*, STORE_ROLE_*); this header is where they are defined.
 */
#ifndef ONESTOP_VOCAB_H
#define ONESTOP_VOCAB_H

enum engine_event_type {
	ENGINE_EV_ISSUED = 1,
	ENGINE_EV_CALLED,
	ENGINE_EV_RECALLED,
	ENGINE_EV_STARTED,
	ENGINE_EV_FINISHED,
	ENGINE_EV_NO_SHOW,
	ENGINE_EV_TRANSFERRED,
	ENGINE_EV_PARKED,
	ENGINE_EV_UNPARKED,
	ENGINE_EV_COUNTER_OPENED,
	ENGINE_EV_COUNTER_PAUSED,
	ENGINE_EV_COUNTER_CLOSED,
	ENGINE_EV_RATED,
	ENGINE_EV_CANCELLED,
	ENGINE_EV_DAY_CLOSED,
};

enum engine_ticket_state {
	ENGINE_T_WAITING = 1,
	ENGINE_T_CALLED,
	ENGINE_T_SERVING,
	ENGINE_T_PARKED,
	ENGINE_T_DONE,
	ENGINE_T_NO_SHOW,
	ENGINE_T_CANCELLED,
};

enum engine_counter_state {
	ENGINE_C_CLOSED = 1,
	ENGINE_C_OPEN,          /* open; busy when ticket != 0 */
	ENGINE_C_PAUSED,
};

enum engine_channel {
	ENGINE_CH_KIOSK = 1,
	ENGINE_CH_COUNTER,      /* issued by staff (guidance counter) */
	ENGINE_CH_ONLINE,       /* booked online */
	ENGINE_CH_API,
};

enum store_role {
	STORE_ROLE_STAFF = 1,
	STORE_ROLE_MANAGER,
	STORE_ROLE_ADMIN,
	STORE_ROLE_KIOSK,     /* device: issue tickets, read procedures */
	STORE_ROLE_DISPLAY,   /* device: read state and events */
	STORE_ROLE_METRICS,   /* device: read GET /metrics (Prometheus) */
};

/* The kinds of value that have names. */
enum vocab_kind {
	VOCAB_EVENT,            /* enum engine_event_type */
	VOCAB_TICKET_STATE,     /* enum engine_ticket_state */
	VOCAB_COUNTER_STATE,    /* enum engine_counter_state */
	VOCAB_CHANNEL,          /* enum engine_channel */
	VOCAB_ROLE,             /* enum store_role */
	VOCAB_KINDS
};

/* The name of value v of kind k ("issued", "waiting", ...), or NULL when v
 * is not a value of k. */
const char *vocab_name(enum vocab_kind k, int v);

/* The value named name of kind k, or 0 when none is (NULL too). */
int vocab_value(enum vocab_kind k, const char *name);

/* The largest value of kind k (values run 1..vocab_max(k)). */
int vocab_max(enum vocab_kind k);

#endif
