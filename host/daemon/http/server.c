/*
 * server.c - the HTTP server of onestopd with libmicrohttpd: requests,
 * answers, JSON bodies, authentication, and the dispatch through the route
 * table (routes.c) to the handlers (r_*.c, sse.c, static.c).
 *
 * A request's route is found when its headers arrive, so the route's body
 * limit bounds what is read; once the body is in, the route's roles are
 * checked here, and only then does its handler run against the core.  An answer that shows state
 * changed in the open batch is held (the connection suspended) until the
 * batch is committed; if the commit fails the answer becomes a 500.
 * Event-stream clients read committed events formatted once into a ring
 * (sse.c), or from the store when behind it, so a client that reconnects
 * with Last-Event-ID gets exactly what it missed.
 */
#include "daemon/http/api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <sodium.h>

#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"
#include "daemon/http/guard.h"
#include "common/log.h"
#include "daemon/http/pwcheck.h"
#include "daemon/http/statswork.h"
#include "common/strnum.h"
#include "common/vntext.h"
#include "core/search.h"
#include "common/urlhost.h"
#include "common/xmalloc.h"

#define API_NOROUTE_MAX 4096     /* body read of a request no route takes */
#define API_STOPPING "Hệ thống đang dừng; xin thử lại sau ít phút."

/* ---- answers ------------------------------------------------------------- */

/* A request suspended until its answer is made: in a->waiting meanwhile. */
static void
api_suspend(struct req *r)
{
	r->wprev = NULL;
	r->wnext = r->a->waiting;
	if (r->wnext != NULL)
		r->wnext->wprev = r;
	r->a->waiting = r;
	r->suspended = 1;
	MHD_suspend_connection(r->conn);
}

static void
api_resume(struct req *r)
{
	if (!r->suspended)
		return;
	if (r->wprev != NULL)
		r->wprev->wnext = r->wnext;
	else
		r->a->waiting = r->wnext;
	if (r->wnext != NULL)
		r->wnext->wprev = r->wprev;
	r->suspended = 0;
	MHD_resume_connection(r->conn);
}

static void
api_commit_done(void *arg, int ok)
{
	struct req *r = arg;

	if (!ok) {
		free(r->out);
		r->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		r->ctype = "application/json";
		r->out = xstrdup("{\"error\":\"store_failed\",\"message\":"
		    "\"Không ghi được dữ liệu; thao tác chưa được thực hiện.\"}");
	}
	r->phase = REQ_READY;
	api_resume(r);
}

/* Take body (malloc'd) as the answer; held until commit if a batch is open. */
void
api_reply_raw(struct req *r, unsigned status, const char *ctype, char *body)
{
	free(r->out);
	r->status = status;
	r->ctype = ctype;
	r->out = body;
	if (core_in_batch(r->a->core)) {
		r->phase = REQ_WAITING;
		core_after_commit(r->a->core, api_commit_done, r);
	} else
		r->phase = REQ_READY;
}

/*
 * A suspended request whose answer was just made outside the HTTP handler:
 * resume it now, unless the answer is held for a commit (which resumes it).
 */
void
api_release(struct req *r)
{
	if (r->phase == REQ_READY)
		api_resume(r);
}

void
api_reply_json(struct req *r, unsigned status, cJSON *o)
{
	char *s = apijson_print(o);

	cJSON_Delete(o);
	api_reply_raw(r, status, "application/json; charset=utf-8", s);
}

void
api_error(struct req *r, unsigned status, const char *code, const char *fmt, ...)
{
	cJSON *o = cJSON_CreateObject();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(o, "error", code);
	cJSON_AddStringToObject(o, "message", msg);
	api_reply_json(r, status, o);
}

/* Answer a refused engine command or a store failure. */
void
api_engine_error(struct req *r, int rc)
{
	api_engine_refused(r, rc, NULL);
}

/*
 * The same, with the command that was refused (NULL: the error's sentence
 * alone): the message says what was refused and why, from the engine's
 * state right now (engine_explain).
 */
void
api_engine_refused(struct req *r, int rc, const struct engine_cmd *cmd)
{
	char why[256];
	int err = -rc;
	unsigned status;

	if (err == CORE_ESTORE) {
		api_error(r, 500, "store_failed",
		    "Không ghi được dữ liệu; thao tác chưa được thực hiện.");
		return;
	}
	switch (err) {
	case ENGINE_EINVAL: status = 400; break;
	case ENGINE_ENOQUEUE:
	case ENGINE_ENOCOUNTER: status = 404; break;
	default: status = 409; break;
	}
	api_error(r, status, engine_error_code(err), "%s",
	    engine_explain(core_engine(r->a->core), cmd, err, why, sizeof why));
}

/* ---- request parsing ----------------------------------------------------- */

/*
 * Parse the body as a JSON object whose fields are all in spec with the right
 * kinds.  Returns the object (caller deletes) or NULL after answering 400.
 * An empty body is an empty object.
 */
cJSON *
api_body(struct req *r, const struct api_field *spec)
{
	const struct api_field *f;
	cJSON *o, *v;

	if (r->len == 0)
		o = cJSON_CreateObject();
	else if (!vntext_valid_utf8(r->body, r->len) ||
	    (o = cJSON_ParseWithLength(r->body, r->len)) == NULL) {
		api_error(r, 400, "invalid_json", "Nội dung yêu cầu không phải JSON hợp lệ.");
		return NULL;
	}
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		api_error(r, 400, "invalid_json", "Nội dung yêu cầu phải là một đối tượng JSON.");
		return NULL;
	}
	cJSON_ArrayForEach(v, o) {
		for (f = spec; f->name != NULL && strcmp(f->name, v->string) != 0; f++)
			;
		if (f->name == NULL) {
			api_error(r, 400, "unknown_field", "Trường không được hỗ trợ: \"%.64s\".", v->string);
			cJSON_Delete(o);
			return NULL;
		}
		switch (f->kind) {
		case K_STR:
			if (!cJSON_IsString(v))
				goto bad;
			break;
		case K_INT:
			if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble ||
			    v->valuedouble < -1e15 || v->valuedouble > 1e15)
				goto bad;
			break;
		case K_BOOL:
			if (!cJSON_IsBool(v))
				goto bad;
			break;
		case K_INTS: {
			const cJSON *x;
			if (!cJSON_IsArray(v))
				goto bad;
			cJSON_ArrayForEach(x, v)
				if (!cJSON_IsNumber(x) || x->valuedouble != (int)x->valuedouble)
					goto bad;
			break;
		}
		}
		continue;
bad:
		api_error(r, 400, "bad_type", "Trường \"%s\" có kiểu không đúng.", f->name);
		cJSON_Delete(o);
		return NULL;
	}
	for (f = spec; f->name != NULL; f++) {
		if (f->required && cJSON_GetObjectItemCaseSensitive(o, f->name) == NULL) {
			api_error(r, 400, "missing_field", "Thiếu trường \"%s\".", f->name);
			cJSON_Delete(o);
			return NULL;
		}
	}
	return o;
}

const char *
api_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
api_int(const cJSON *o, const char *name, int dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? (int)v->valuedouble : dflt;
}

/* ---- authentication ------------------------------------------------------ */

/*
 * The session token of the request, or NULL; *from_cookie tells whether it
 * came from the session cookie (then CSRF rules apply).
 */
const char *
api_token(struct req *r, int allow_query, int *from_cookie)
{
	const char *h, *c;

	*from_cookie = 0;
	h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0)
		return h + 7;
	c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "onestop_session");
	if (c != NULL) {
		*from_cookie = 1;
		return c;
	}
	if (allow_query)
		return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "token");
	return NULL;
}

int
api_same_origin(struct req *r)
{
	const char *host, *o;
	char oh[256];

	o = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Origin");
	if (o == NULL)
		o = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Referer");
	if (o == NULL)
		return 1;        /* not a browser, or one that tells nothing */
	host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
	return host != NULL && urlhost(o, oh, sizeof oh) == 0 &&
	    strcasecmp(oh, host) == 0;
}

/*
 * A page authenticated by its cookie must prove, for anything but a read,
 * that it comes from our own pages: the header X-CSRF-Token must be the
 * CSRF token of this session (a keyed hash of the session token, which the
 * page reads from the onestop_csrf cookie; another site's page can make the
 * browser send the cookies but cannot read them, and a token made for
 * another session does not pass), and Origin (or Referer) must not name
 * another host.  0 after answering 403 csrf.
 */
static int
api_csrf_ok(struct req *r, const char *token)
{
	if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
		return 1;
	if (!api_same_origin(r)) {
		api_error(r, 403, "csrf", "Yêu cầu đến từ trang của máy chủ khác;"
		    " thao tác không được thực hiện.");
		return 0;
	}
	if (!api_csrf_matches(r->a, token, MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, "X-CSRF-Token"))) {
		api_error(r, 403, "csrf", "Thiếu mã chống giả mạo yêu cầu (CSRF) hoặc"
		    " mã không đúng; hãy tải lại trang.");
		return 0;
	}
	return 1;
}

/* 0 when the caller holds one of roles; otherwise answers 401/403, -1. */
int
api_auth(struct req *r, unsigned roles, int allow_query)
{
	int rc, from_cookie;
	const char *tok = api_token(r, allow_query, &from_cookie);

	if (tok == NULL) {
		api_error(r, 401, "unauthorized", "Cần đăng nhập.");
		return -1;
	}
	if (from_cookie && !api_csrf_ok(r, tok))
		return -1;
	rc = store_session_check(core_store(r->a->core), tok, core_now(), &r->user);
	if (rc < 0) {
		api_error(r, 500, "store_failed", "Không đọc được dữ liệu phiên đăng nhập.");
		return -1;
	}
	if (rc == 0) {
		api_error(r, 401, "unauthorized", "Phiên đăng nhập không hợp lệ hoặc đã hết hạn.");
		return -1;
	}
	if ((roles & ROLE(r->user.role)) == 0) {
		api_error(r, 403, "forbidden", "Tài khoản không có quyền thực hiện thao tác này.");
		return -1;
	}
	return 0;
}

/* Staff act only on their own counters. */
int
api_may_act_on(const struct store_user *u, int number)
{
	int i;

	if (u->role == STORE_ROLE_MANAGER || u->role == STORE_ROLE_ADMIN)
		return 1;
	if (u->role != STORE_ROLE_STAFF)
		return 0;
	for (i = 0; i < u->ncounters; i++)
		if (u->counters[i] == number)
			return 1;
	return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

/*
 * Run the request's route: refuse what no route takes (404/405) or what is
 * too large (413), check the caller's role against the route's, then call
 * its handler.  Streams: returns MHD_YES when the handler queued a stream.
 */
static enum MHD_Result
api_dispatch(struct req *r)
{
	const struct api_route *rt = r->route;

	if (r->a->closing) {
		api_error(r, 503, "busy", API_STOPPING);
		return MHD_NO;
	}
	if (rt == NULL) {
		if (r->route_status == 405)
			api_error(r, 405, "method_not_allowed", "Phương thức không được hỗ trợ.");
		else
			api_error(r, 404, "not_found", "Không có địa chỉ này.");
		return MHD_NO;
	}
	if (r->too_large) {
		api_error(r, 413, "too_large", "Nội dung yêu cầu quá lớn.");
		return MHD_NO;
	}
	if (rt->roles != API_PUBLIC &&
	    api_auth(r, rt->roles, (rt->flags & API_QUERY_TOKEN) != 0) != 0)
		return MHD_NO;
	if (rt->stream != NULL)
		return rt->stream(r);
	rt->handler(r);
	return MHD_NO;
}

static enum MHD_Result
api_queue_answer(struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *out = r->out;

	r->out = NULL;
	if (out == NULL) {
		/* Every route answers; this is the net under a route that forgot. */
		log_warnx("http: a %s request got no answer from its route", r->method);
		r->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		r->ctype = "application/json";
		out = xstrdup("{\"error\":\"internal\",\"message\":\"Lỗi nội bộ.\"}");
	}
	resp = MHD_create_response_from_buffer(strlen(out), out, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", r->ctype);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (r->set_cookie[0] != NULL)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie[0]);
	if (r->set_cookie[1] != NULL)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie[1]);
	if (r->retry_after > 0) {
		char ra[16];

		snprintf(ra, sizeof ra, "%d", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
api_handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	api *a = cls;
	struct req *r = *con_cls;

	(void)version;
	if (r == NULL) {
		r = xcalloc(1, sizeof *r);
		r->a = a;
		r->conn = conn;
		r->method = method;
		r->route = api_route_find(method, url, r, &r->route_status);
		r->max = r->route != NULL ? r->route->body_max : API_NOROUTE_MAX;
		*con_cls = r;
		guard_phase(conn, GUARD_BODY);
		return MHD_YES;
	}
	if (r->phase == REQ_READING && *upload_data_size > 0) {
		size_t n = *upload_data_size;
		if (r->len + n > r->max)
			r->too_large = 1;
		else {
			if (r->len + n + 1 > r->cap) {
				r->cap = (r->len + n + 1) * 2;
				if (r->cap > r->max + 1)
					r->cap = r->max + 1;
				r->body = xreallocarray(r->body, r->cap, 1);
			}
			memcpy(r->body + r->len, upload_data, n);
			r->len += n;
			r->body[r->len] = '\0';
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	switch (r->phase) {
	case REQ_READING:
		guard_phase(conn, GUARD_ANSWER);
		if (api_dispatch(r) == MHD_YES) {
			guard_phase(conn, GUARD_STREAM);
			return MHD_YES;      /* a stream was queued */
		}
		if (r->phase == REQ_STREAM)
			return MHD_NO;       /* a stream that could not be queued */
		if (r->phase == REQ_WAITING) {
			api_suspend(r);
			return MHD_YES;
		}
		return api_queue_answer(r);
	case REQ_READY:
		return api_queue_answer(r);
	case REQ_WAITING:
		return MHD_YES;
	case REQ_STREAM:
		/* An event stream given back by its thread (sse.c) is closed. */
		return r->stream_done ? MHD_NO : MHD_YES;
	}
	return MHD_NO;
}

static void
api_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)toe;
	/* The connection waits for its next request's headers. */
	guard_phase(conn, GUARD_HEADERS);
	if (r == NULL)
		return;
	free(r->body);
	free(r->out);
	free(r->set_cookie[0]);
	free(r->set_cookie[1]);
	free(r);
	*con_cls = NULL;
}

static void __attribute__((format(printf, 2, 0)))
api_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("http: %s", msg);
}

static void
api_on_fd(int fd, short revents, void *arg)
{
	api *a = arg;

	(void)fd;
	(void)revents;
	MHD_run(a->mhd);
}

int
api_run(api *a)
{
	MHD_UNSIGNED_LONG_LONG t;

	/* The first run takes the resumed connections back in and queues
	   their answers; the second writes what the first made ready (the
	   sockets were writable all along, so epoll would not say so again). */
	MHD_run(a->mhd);
	MHD_run(a->mhd);
	/* libmicrohttpd may still hold ready connections of its own (a
	   keep-alive connection whose next request came while it was busy):
	   it says so with a zero timeout, and then the loop must not sleep. */
	if (MHD_get_timeout(a->mhd, &t) == MHD_YES && t == 0)
		return 1;
	return core_in_batch(a->core);
}

static int64_t
api_tick(void *arg)
{
	api *a = arg;
	MHD_UNSIGNED_LONG_LONG t;

	MHD_run(a->mhd);
	if (MHD_get_timeout(a->mhd, &t) == MHD_YES && t < 1000)
		return (int64_t)(t > 0 ? t : 1);
	return 1000;
}

api *
api_start(core *c, loop *l, const char *addr, int port, char *err, size_t errlen)
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	unsigned sslen;
	api *a;

	if (config_listen_addr(addr, port, &ss, &sslen, err, errlen) != 0)
		return NULL;
	a = xcalloc(1, sizeof *a);
	a->core = c;
	a->loop = l;
	a->listen_fd = -1;
	api_sse_init(a);
	a->guard = guard_new(l);
	/* Limits: host/docs/api.md.  The idle timeout restarts on every byte;
	   the guard's deadlines (guard.h) do not. */
	a->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
	    (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	    (uint16_t)port, guard_accept, a->guard, api_handler, a,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)GUARD_CONN_MAX,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)GUARD_PER_ADDR,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    MHD_OPTION_NOTIFY_CONNECTION, guard_notify, a->guard,
	    MHD_OPTION_NOTIFY_COMPLETED, api_completed, a,
	    MHD_OPTION_EXTERNAL_LOGGER, api_mhd_log, a,
	    MHD_OPTION_END);
	if (a->mhd == NULL) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s", addr, port, strerror(errno));
		guard_free(a->guard);
		api_sse_fini(a);
		free(a);
		return NULL;
	}
	info = MHD_get_daemon_info(a->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	a->fd = info->epoll_fd;
	info = MHD_get_daemon_info(a->mhd, MHD_DAEMON_INFO_BIND_PORT);
	a->port = info != NULL ? info->port : port;
	loop_add_fd(l, a->fd, POLLIN, api_on_fd, a);
	a->pw = pwcheck_start(l);
	api_session_init(a);
	api_bookings_init(a);
	a->statswork = statswork_start(l, core_config(c));
	a->tick_timer = loop_add_timer(l, 1000, api_tick, a);
	return a;
}

void
api_set_devprint(api *a, devprint *d)
{
	a->devprint = d;
}

void
api_set_export(api *a, void (*fn)(void *arg, struct api_export_state *st), void *arg)
{
	a->export_state = fn;
	a->export_arg = arg;
}

void
api_set_devbus(api *a, devbus *d)
{
	a->devbus = d;
}

void
api_set_web_root(api *a, const char *dir)
{
	free(a->web_root);
	a->web_root = dir != NULL ? xstrdup(dir) : NULL;
}

int
api_port(const api *a)
{
	return a->port;
}

void
api_quiesce(api *a)
{
	MHD_socket fd;

	if (a == NULL || a->closing)
		return;
	a->closing = 1;
	if ((fd = MHD_quiesce_daemon(a->mhd)) != MHD_INVALID_SOCKET)
		a->listen_fd = fd;
}

void
api_stop(api *a)
{
	struct req *r;
	int i;

	if (a == NULL)
		return;
	api_quiesce(a);
	/* End the streams (their connections close in the turns below); the
	   workers answer what they hold. */
	api_sse_stop(a);
	api_public_close(a);
	pwcheck_stop(a->pw);
	a->pw = NULL;
	api_session_fini(a);
	statswork_stop(a->statswork);
	a->statswork = NULL;
	/* What waits for a commit is answered by it; a request that came on a
	   kept-alive connection meanwhile is answered 503 (api_quiesce), after
	   a commit if one was open.  A few turns see them all out. */
	for (i = 0; i < 8; i++) {
		core_flush(a->core);
		MHD_run(a->mhd);
		MHD_run(a->mhd);
		if (a->waiting == NULL)
			break;
	}
	/* Anything still waiting (nothing should): 503, so that no connection
	   is left suspended when the server stops. */
	while ((r = a->waiting) != NULL) {
		log_warnx("http: an answer still waiting at the stop: 503");
		free(r->out);
		r->status = 503;
		r->ctype = "application/json; charset=utf-8";
		r->out = xstrdup("{\"error\":\"busy\",\"message\":\"" API_STOPPING "\"}");
		r->phase = REQ_READY;
		api_resume(r);
	}
	MHD_run(a->mhd);
	MHD_run(a->mhd);
	loop_del_fd(a->loop, a->fd);
	loop_del_timer(a->loop, a->tick_timer);
	MHD_stop_daemon(a->mhd);
	if (a->listen_fd >= 0)
		close(a->listen_fd);
	free(a->state_text);
	api_public_free(a);
	api_sse_fini(a);
	guard_free(a->guard);
	api_notify_free(a);
	api_bookings_fini(a);
	free(a->web_root);
	free(a);
}
