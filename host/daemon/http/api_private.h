/*
 * api_private.h - what the HTTP modules share: the request, the route
 * table, answers, JSON body checks and authentication.  The server is
 * server.c, the routes routes.c, their handlers one file per resource
 * (r_session.c, r_tickets.c, r_public.c, r_bookings.c, r_counters.c,
 * r_catalogue.c, r_accounts.c, r_state.c, r_stats.c, r_metrics.c,
 * r_audit.c, r_admin.c, r_notify.c, sse.c, static.c).  Nothing outside the
 * HTTP layer includes this header.
 */
#ifndef ONESTOP_API_PRIVATE_H
#define ONESTOP_API_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "daemon/http/api.h"
#include "daemon/dev/devprint.h"
#include "daemon/notify/notify.h"
#include "core/store.h"

#define ROLE(r) (1u << (r))
#define ROLES_PEOPLE (ROLE(STORE_ROLE_STAFF) | ROLE(STORE_ROLE_MANAGER) | ROLE(STORE_ROLE_ADMIN))
#define ROLES_MANAGE (ROLE(STORE_ROLE_MANAGER) | ROLE(STORE_ROLE_ADMIN))

struct sse_streams;
struct req;
struct api_public;

/* A route's roles when it needs no login. */
#define API_PUBLIC 0u
/* Route flags. */
#define API_QUERY_TOKEN 1u       /* the token may come as ?token= (EventSource) */
#define API_MAX_ARGS 4           /* {} segments of a pattern */
#define API_MAX_SEGS 8           /* segments of a path */

/* One route (routes.c): see there for the patterns. */
struct api_route {
	const char *method;      /* "GET" (also answers HEAD), "POST", ... */
	const char *path;        /* "/api/v1/tickets/{id}/cancel" */
	unsigned roles;          /* ROLE() mask, or API_PUBLIC */
	size_t body_max;         /* bytes; more is a 413 */
	void (*handler)(struct req *r);
	/* Instead of handler: starts a stream; MHD_YES when it queued one. */
	enum MHD_Result (*stream)(struct req *r);
	const char *file;        /* pages: the file; counters: the action */
	unsigned flags;          /* API_QUERY_TOKEN */
};

extern const struct api_route api_routes[];
extern const size_t api_nroutes;

/*
 * The route of method and url, with r->arg and r->id filled from the path
 * (r->path holds the segments).  NULL with *status 404 (no such path) or
 * 405 (the path exists for other methods).
 */
const struct api_route *api_route_find(const char *method, const char *url,
    struct req *r, unsigned *status);

struct api {
	core *core;
	loop *loop;
	struct MHD_Daemon *mhd;
	int fd;
	int port;
	struct sse_streams *streams;     /* the streams thread (sse.c) */
	int closing;             /* api_quiesce: new requests are refused */
	int listen_fd;           /* taken back from libmicrohttpd by it, or -1 */
	struct req *waiting;     /* suspended until their answer is made */
	unsigned sse_count;      /* open streams */
	uint64_t tick_timer;
	char *web_root;          /* static pages, or NULL */
	devbus *devbus;          /* RS-485 lines, or NULL */
	devprint *devprint;      /* ticket printers, or NULL */
	void (*export_state)(void *, struct api_export_state *);  /* or NULL */
	void *export_arg;
	struct pwcheck *pw;      /* password checks off the core thread */
	/* GET /api/v1/state without the devices, as sent last time, and what
	   it was made from (r_state.c) */
	char *state_text;
	uint64_t state_version;
	int64_t state_event;
	/* CSRF tokens: a keyed hash of the session token (r_session.c) */
	unsigned char csrf_key[32];
	/* login failures by user, by address, who logged in from where, and
	   busy refusals by address (r_session.c) */
	struct throttle *fail_user, *fail_addr, *trusted, *busy;
	struct api_public *pub;  /* visitors' ticket streams (r_public.c), or NULL */
	struct guard *guard;     /* connection deadlines, accept policy */
	struct statswork *statswork;     /* statistics off the core thread */
	uint64_t state_generation;       /* core_generation (engine rebuilt) */
	notify *notify;          /* SMS notifications (r_notify.c), or NULL */
	struct throttle *sms_addr, *sms_ticket;  /* phones given, by address, by ticket */
	/* public bookings and remote tickets, by address; bookings by phone
	   (r_bookings.c) */
	struct throttle *book_addr, *book_phone;
};

enum req_phase { REQ_READING, REQ_WAITING, REQ_READY, REQ_STREAM };

struct req {
	api *a;
	struct MHD_Connection *conn;
	char *body;
	size_t len, cap, max;
	int too_large;
	enum req_phase phase;
	unsigned status;
	char *out;
	const char *ctype;
	struct store_user user;
	char *set_cookie[2];     /* Set-Cookie headers of the answer */
	int64_t ticket;          /* printing: the ticket being printed */
	int printer;             /* printing: printer index */
	int reprint;
	int login_found;         /* login: the user exists */
	char login_user[STORE_NAME_LEN];  /* login: the name tried (cut) */
	char login_addr[64];     /* login: the client's address */
	int retry_after;         /* > 0: a Retry-After header (s) */
	const char *method;
	const struct api_route *route;   /* NULL: route_status says why */
	unsigned route_status;
	char path[512];          /* the path's segments (arg points here) */
	const char *arg[API_MAX_ARGS];   /* the {} segments */
	int64_t id;              /* the {id} segment */
	int stream_done;         /* its event stream has ended: close */
	struct req *wprev, *wnext;       /* api->waiting */
	int suspended;           /* in api->waiting */
};

/* The event stream's bounds: host/docs/api.md. */
#define API_SSE_RING_N 8192              /* events formatted for all streams */
#define API_SSE_RING_BYTES (4u << 20)    /* their text at most */
#define API_SSE_LAG_MAX (256u << 10)     /* a stream further behind is dropped */
#define API_SSE_SNDBUF (16 << 10)        /* socket send buffer of a stream */
#define API_SSE_EVERY_MS 10              /* new events written at most this often */

enum api_kind { K_STR = 1, K_INT, K_BOOL, K_INTS };

struct api_field {
	const char *name;
	enum api_kind kind;
	int required;
};

/*
 * Answers.  Each takes over what it is given and sets the request's answer;
 * an answer given while a batch is open is held until the commit.
 */
void api_reply_raw(struct req *r, unsigned status, const char *ctype, char *body);
void api_reply_json(struct req *r, unsigned status, cJSON *o);
void api_error(struct req *r, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void api_engine_error(struct req *r, int rc);
void api_engine_refused(struct req *r, int rc, const struct engine_cmd *cmd);

/* The body as a JSON object with only spec's fields, or NULL (answered 400). */
cJSON *api_body(struct req *r, const struct api_field *spec);
const char *api_str(const cJSON *o, const char *name);
int api_int(const cJSON *o, const char *name, int dflt);

/* 0 when the caller holds one of roles (r->user filled); else answered, -1.
 * The server calls it with the route's roles before the handler. */
int api_auth(struct req *r, unsigned roles, int allow_query);
int api_may_act_on(const struct store_user *u, int number);
/* The session token of the request, or NULL; *from_cookie tells whether it
 * came from the cookie. */
const char *api_token(struct req *r, int allow_query, int *from_cookie);

/*
 * CSRF (r_session.c): a session's CSRF token is a keyed hash (libsodium
 * generichash, a random key kept in the store's meta) of its session token,
 * as API_CSRF_HEX - 1 hex characters.  api_session_init loads or makes the
 * key; api_csrf_ok says whether a hex header is the token's.
 */
#define API_CSRF_HEX 49
void api_session_init(api *a);
void api_session_fini(api *a);
void api_csrf_of(const api *a, const char *token, char out[API_CSRF_HEX]);
int api_csrf_matches(const api *a, const char *token, const char *header);
/* 1 when the request's Origin (or, without one, its Referer) names the
 * request's Host, or when it has neither; 0 when it names another. */
int api_same_origin(struct req *r);

/* An answer made outside the handler (after a print, a password check) is
 * released to the server. */
void api_release(struct req *r);

#define API_SESSION_S (12 * 3600)
#define API_PING_MS 15000

/* Printers that cannot print and boards offline: [{kind, id, state}]. */
cJSON *api_devices_offline(api *a);

cJSON *api_user_json(const struct store_user *u);

/* The event stream (sse.c): its thread started, stopped (every stream given
 * back to the server to close), freed; and every stream ended, so that the
 * clients reconnect. */
void api_sse_init(api *a);
void api_sse_stop(api *a);
void api_sse_fini(api *a);
void api_sse_restart(api *a);

/* ---- the handlers of the route table, by file ---- */
/* r_session.c */
void api_login(struct req *r);
void api_logout(struct req *r);
void api_me(struct req *r);
/* r_tickets.c */
void api_issue(struct req *r);
void api_ticket(struct req *r);
void api_cancel(struct req *r);
void api_reprint(struct req *r);
/* r_session.c: the client's address as text ("" when unknown); an IPv6
 * client counts as its /64. */
void api_client_addr(struct req *r, char *out, size_t outlen);
/* r_notify.c */
void api_notify_subscribe(struct req *r);
void api_notify_reminders(struct req *r);
void api_notify_dlr(struct req *r);
void api_notify_free(api *a);
/* The rate limits of the public booking routes ([booking] address_limit,
 * phone_limit, read at start): r_bookings.c. */
void api_bookings_init(api *a);
void api_bookings_fini(api *a);
/*
 * Count one attempt of key against t: 0 when it may go on, else -1 with a
 * 429 too_many_attempts answered, Retry-After set and why (a Vietnamese
 * sentence that ends before "hãy thử lại sau N giây.") in its message.
 */
int api_rate_limit(struct req *r, struct throttle *t, const char *key,
    const char *why);
/* core_after_commit callback of an issue to print at r->printer: prints
 * r->ticket, then answers as POST /api/v1/tickets does. */
void api_issue_committed(void *arg, int ok);
/* r_bookings.c */
void api_public_slots(struct req *r);
void api_public_book(struct req *r);
void api_public_booking(struct req *r);
void api_public_booking_qr(struct req *r);
void api_public_booking_cancel(struct req *r);
void api_public_booking_move(struct req *r);
void api_public_remote(struct req *r);
void api_booking_checkin(struct req *r);
void api_stats_bookings(struct req *r);
/* r_public.c */
void api_public_ticket(struct req *r);
void api_status_page(struct req *r);
enum MHD_Result api_public_events(struct req *r);
/* The server stops: end the visitors' streams (before the last commit and
 * MHD runs), then free what they used (after MHD_stop_daemon). */
void api_public_close(api *a);
void api_public_free(api *a);
/* r_counters.c */
void api_counter_action(struct req *r);
void api_day_close(struct req *r);
/* r_catalogue.c */
void api_procedures(struct req *r);
void api_procedure(struct req *r);
void api_departments(struct req *r);
void api_import(struct req *r);
/* r_accounts.c */
void api_users_list(struct req *r);
void api_users_add(struct req *r);
void api_users_change(struct req *r);
void api_users_delete(struct req *r);
void api_devices(struct req *r);
/* r_audit.c: the audit log, and the audited actions (each runs the
   resource's handler, then writes its row in the same batch) */
void api_audit_list(struct req *r);
void api_audited_users_add(struct req *r);
void api_audited_users_change(struct req *r);
void api_audited_users_delete(struct req *r);
void api_audited_devices(struct req *r);
void api_audited_day_close(struct req *r);
void api_audited_import(struct req *r);
/*
 * Write an audit row for r's caller into the open batch (opening one);
 * takes before and after (either may be NULL).  0, or -1 with the batch
 * made to fail (core_fail_batch): the action's answer becomes
 * store_failed and nothing of it is kept.
 */
int api_audit(struct req *r, const char *action, const char *target,
    cJSON *before, cJSON *after);
/* r_admin.c */
void api_notice_get(struct req *r);
void api_notice_set(struct req *r);
void api_config_get(struct req *r);
void api_config_set(struct req *r);
void api_import_preview(struct req *r);
void api_procedure_change(struct req *r);
/* r_state.c */
void api_healthz(struct req *r);
void api_state(struct req *r);
void api_printers(struct req *r);
void api_boards(struct req *r);
/* r_stats.c */
void api_stats_live(struct req *r);
void api_stats_report(struct req *r);
void api_stats_counter_today(struct req *r);
/* r_metrics.c */
void api_metrics(struct req *r);
/* sse.c */
enum MHD_Result api_events(struct req *r);
/* static.c */
void api_page(struct req *r);

#endif
