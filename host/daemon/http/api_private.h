/*
 * api_private.h - what the HTTP modules share: the request, answers, JSON
 * body checks and authentication.  Route modules (api_stats.c, ...) use
 * these; nothing outside the HTTP layer includes this header.
 */
#ifndef ONESTOP_API_PRIVATE_H
#define ONESTOP_API_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "daemon/http/api.h"
#include "daemon/dev/devprint.h"
#include "core/store.h"

#define ROLE(r) (1u << (r))
#define ROLES_PEOPLE (ROLE(STORE_ROLE_STAFF) | ROLE(STORE_ROLE_MANAGER) | ROLE(STORE_ROLE_ADMIN))
#define ROLES_MANAGE (ROLE(STORE_ROLE_MANAGER) | ROLE(STORE_ROLE_ADMIN))

struct sse;

struct api {
	core *core;
	loop *loop;
	struct MHD_Daemon *mhd;
	int fd;
	int port;
	struct sse *sse_head;
	int64_t sse_woken_id;
	uint64_t tick_timer, ping_timer;
	char *web_root;          /* static pages, or NULL */
	devbus *devbus;          /* RS-485 lines, or NULL */
	devprint *devprint;      /* ticket printers, or NULL */
	struct pwcheck *pw;      /* password checks off the core thread */
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
	const char *method;
};

struct sse {
	api *a;
	struct MHD_Connection *conn;
	int64_t last_sent;
	char *buf;
	size_t len, off, cap;
	int suspended, ping, closed;
	struct sse *prev, *next;
};

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

/* The body as a JSON object with only spec's fields, or NULL (answered 400). */
cJSON *api_body(struct req *r, const struct api_field *spec);
const char *api_str(const cJSON *o, const char *name);
int api_int(const cJSON *o, const char *name, int dflt);

/* 0 when the caller holds one of roles (r->user filled); else answered, -1. */
int api_auth(struct req *r, unsigned roles, int allow_query);
int api_may_act_on(const struct store_user *u, int number);

/* Printers that cannot print and boards offline: [{kind, id, state}]. */
cJSON *api_devices_offline(api *a);

/*
 * Statistics routes (api_stats.c): /api/v1/stats...; seg[] are the path's
 * segments ("api", "v1", "stats", ...), n their count.
 */
void api_stats_route(struct req *r, const char *method, char **seg, int n);

#endif
