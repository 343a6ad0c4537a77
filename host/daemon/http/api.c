/*
 * api.c - HTTP API and Server-Sent Events with libmicrohttpd, cJSON bodies.
 *
 * Requests are read whole (bounded), routed, checked (role, counter, JSON
 * fields and types), then run against the core.  An answer that shows state
 * changed in the open batch is held (the connection suspended) until the
 * batch is committed; if the commit fails the answer becomes a 500.
 * Event-stream clients read committed events from the store, so a client
 * that reconnects with Last-Event-ID gets exactly what it missed.
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
#include "common/log.h"
#include "daemon/http/pwcheck.h"
#include "common/strnum.h"
#include "common/vntext.h"
#include "core/search.h"
#include "common/xmalloc.h"

#define API_BODY_MAX (256 * 1024)
#define API_IMPORT_MAX (4 * 1024 * 1024)
#define API_SESSION_S (12 * 3600)
#define API_PING_MS 15000
#define API_SSE_BATCH 64


/* ---- answers ------------------------------------------------------------- */

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
	MHD_resume_connection(r->conn);
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
static void
api_release(struct req *r)
{
	if (r->phase == REQ_READY)
		MHD_resume_connection(r->conn);
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
	api_error(r, status, engine_error_code(err), "%s", engine_strerror(err));
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
static const char *
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

/*
 * A page authenticated by its cookie must prove, for anything but a read,
 * that it can read the CSRF cookie (double submit): another site's page can
 * make the browser send the cookies but cannot read them.
 */
static int
api_csrf_ok(struct req *r)
{
	const char *c, *h;

	if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
		return 1;
	c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "onestop_csrf");
	h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
	return c != NULL && h != NULL && strlen(c) >= 32 && strlen(c) == strlen(h) &&
	    sodium_memcmp(c, h, strlen(c)) == 0;
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
	if (from_cookie && !api_csrf_ok(r)) {
		api_error(r, 403, "csrf", "Thiếu mã chống giả mạo yêu cầu (CSRF); hãy tải lại trang.");
		return -1;
	}
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

/* ---- handlers ------------------------------------------------------------ */

/* The password was checked on the worker thread: open the session or refuse. */
static void
api_login_checked(void *arg, int ok)
{
	struct req *r = arg;
	struct store_user *u = &r->user;
	store *st = core_store(r->a->core);
	char token[65];
	int64_t now = core_now();
	cJSON *o, *arr;
	int i;

	r->phase = REQ_READING;	/* answer through the usual path */
	if (!ok || !r->login_found || u->disabled || u->role == STORE_ROLE_KIOSK ||
	    u->role == STORE_ROLE_DISPLAY) {
		api_error(r, 401, "bad_login", "Sai tên đăng nhập hoặc mật khẩu.");
		goto out;
	}
	if (core_begin(r->a->core) != 0 ||
	    store_session_create(st, u->id, now, now + API_SESSION_S, token) != 0) {
		api_error(r, 500, "store_failed", "Không tạo được phiên đăng nhập.");
		goto out;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", token);
	cJSON_AddStringToObject(o, "user", u->name);
	cJSON_AddStringToObject(o, "full_name", u->full_name);
	cJSON_AddStringToObject(o, "role", store_role_name(u->role));
	arr = cJSON_AddArrayToObject(o, "counters");
	for (i = 0; i < u->ncounters; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(u->counters[i]));
	cJSON_AddNumberToObject(o, "expires", (double)(now + API_SESSION_S));
	{
		unsigned char raw[24];
		char csrf[49];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(csrf, sizeof csrf, raw, sizeof raw);
		xasprintf(&r->set_cookie[0], "onestop_session=%s; Path=/; HttpOnly; "
		    "SameSite=Strict; Max-Age=%d", token, API_SESSION_S);
		xasprintf(&r->set_cookie[1], "onestop_csrf=%s; Path=/; SameSite=Strict; "
		    "Max-Age=%d", csrf, API_SESSION_S);
		cJSON_AddStringToObject(o, "csrf", csrf);
	}
	api_reply_json(r, 200, o);
out:
	api_release(r);
}

/*
 * Login: the user's hash is read here, the argon2id check runs on the
 * password worker (it costs ~0.1 s of CPU by design), and the request waits,
 * suspended, for api_login_checked.
 */
static void
api_login(struct req *r)
{
	static const struct api_field spec[] = {
		{ "user", K_STR, 1 }, { "password", K_STR, 1 }, { NULL, 0, 0 } };
	char hash[crypto_pwhash_STRBYTES];
	cJSON *b;
	int rc;

	if ((b = api_body(r, spec)) == NULL)
		return;
	rc = store_user_login_hash(core_store(r->a->core), api_str(b, "user"), &r->user,
	    hash, sizeof hash);
	if (rc < 0) {
		cJSON_Delete(b);
		api_error(r, 500, "store_failed", "Không đọc được dữ liệu tài khoản.");
		return;
	}
	r->login_found = rc;
	r->phase = REQ_WAITING;
	pwcheck_submit(r->a->pw, hash, api_str(b, "password"), api_login_checked, r);
	cJSON_Delete(b);
}

static cJSON *
api_user_json(const struct store_user *u)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	int i;

	cJSON_AddStringToObject(o, "name", u->name);
	cJSON_AddStringToObject(o, "full_name", u->full_name);
	cJSON_AddStringToObject(o, "role", store_role_name(u->role));
	arr = cJSON_AddArrayToObject(o, "counters");
	for (i = 0; i < u->ncounters; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(u->counters[i]));
	cJSON_AddBoolToObject(o, "disabled", u->disabled);
	return o;
}

/* Answer a suspended request from outside the HTTP handler. */
static void
api_reply_later(struct req *r, unsigned status, cJSON *o)
{
	api_reply_json(r, status, o);
	api_release(r);
}

/* The ticket (as now) with the print outcome. */
static cJSON *
api_print_answer(struct req *r, int printed, const char *reason)
{
	engine *e = core_engine(r->a->core);
	const struct engine_ticket *t = engine_ticket_by_id(e, r->ticket);
	cJSON *o = cJSON_CreateObject();

	if (t != NULL)
		cJSON_AddItemToObject(o, "ticket", apijson_ticket(core_config(r->a->core), e, t));
	else
		cJSON_AddNullToObject(o, "ticket");
	cJSON_AddBoolToObject(o, "printed", printed);
	if (reason != NULL)
		cJSON_AddStringToObject(o, "print_error", reason);
	else
		cJSON_AddNullToObject(o, "print_error");
	return o;
}

/*
 * The print job of an issued ticket ended.  When nothing was printed the
 * ticket is voided (cancelled; its number is never given again), so no
 * visitor holds a number that the system shows as waiting without paper.
 */
static void
api_issue_printed(void *arg, int printed, int kept, const char *reason)
{
	struct req *r = arg;
	struct engine_cmd cmd = engine_cmd_make(ENGINE_CANCEL);
	struct engine_result res;

	if (!printed && !kept && !r->reprint) {
		cmd.ticket = r->ticket;
		snprintf(cmd.reason, sizeof cmd.reason, "Máy in không in được vé");
		if (core_exec(r->a->core, &cmd, &res) != 0)
			log_warnx("cannot void ticket %lld after a failed print",
			    (long long)r->ticket);
	}
	api_reply_later(r, r->reprint ? 200 : 201, api_print_answer(r, printed, reason));
}

/* The issue is committed: print it (or answer the failure). */
static void
api_issue_committed(void *arg, int ok)
{
	struct req *r = arg;

	if (!ok) {
		r->phase = REQ_READING;	/* not waiting any more: answer now */
		api_reply_later(r, 500, cJSON_Parse("{\"error\":\"store_failed\","
		    "\"message\":\"Không ghi được dữ liệu; thao tác chưa được thực hiện.\"}"));
		return;
	}
	if (devprint_print(r->a->devprint, r->printer, r->ticket, r->reprint,
	    api_issue_printed, r) != 0)
		api_issue_printed(r, 0, 0, "Hàng đợi máy in đầy.");
}

static void
api_reprint(struct req *r, int64_t id)
{
	static const struct api_field spec[] = { { "kiosk", K_STR, 0 }, { NULL, 0, 0 } };
	const struct config *cfg = core_config(r->a->core);
	const struct engine_ticket *t = engine_ticket_by_id(core_engine(r->a->core), id);
	char why[128];
	const char *k;
	cJSON *b;
	int kiosk;

	if ((b = api_body(r, spec)) == NULL)
		return;
	k = api_str(b, "kiosk");
	for (kiosk = 0; k != NULL && kiosk < cfg->nkiosks && strcmp(cfg->kiosks[kiosk].id, k) != 0; kiosk++)
		;
	cJSON_Delete(b);
	if (t == NULL) {
		api_error(r, 404, "not_found", "Không tìm thấy vé.");
		return;
	}
	if (k == NULL)
		kiosk = t->kiosk;
	if (r->a->devprint == NULL || (r->printer = devprint_kiosk_printer(r->a->devprint, kiosk)) < 0) {
		api_error(r, 409, "no_printer", "Không có máy in cho vé này; hãy chọn ki-ốt có máy in.");
		return;
	}
	if (!devprint_ready(r->a->devprint, r->printer, why, sizeof why)) {
		api_error(r, 409, "printer_unavailable", "%s", why);
		return;
	}
	r->ticket = id;
	r->reprint = 1;
	r->phase = REQ_WAITING;
	if (devprint_print(r->a->devprint, r->printer, id, 1, api_issue_printed, r) != 0) {
		r->phase = REQ_READING;
		api_error(r, 503, "busy", "Hàng đợi máy in đầy.");
	}
}

static void
api_issue(struct req *r)
{
	static const struct api_field spec[] = {
		{ "queue", K_STR, 0 }, { "procedure", K_STR, 0 }, { "priority", K_STR, 0 },
		{ "channel", K_STR, 0 }, { "kiosk", K_STR, 0 }, { "print", K_BOOL, 0 },
		{ NULL, 0, 0 } };
	const struct config *cfg = core_config(r->a->core);
	const cJSON *pv;
	char why[128];
	int print;
	struct engine_cmd cmd = engine_cmd_make(ENGINE_ISSUE);
	struct engine_result res;
	const struct engine_ticket *t;
	const char *q, *p, *pr, *ch, *k;
	cJSON *b, *o;
	int rc;

	if (api_auth(r, ROLES_PEOPLE | ROLE(STORE_ROLE_KIOSK), 0) != 0)
		return;
	if ((b = api_body(r, spec)) == NULL)
		return;
	q = api_str(b, "queue");
	p = api_str(b, "procedure");
	pr = api_str(b, "priority");
	ch = api_str(b, "channel");
	k = api_str(b, "kiosk");
	if ((q == NULL) == (p == NULL)) {
		api_error(r, 400, "bad_value", "Cần đúng một trong hai trường \"queue\" hoặc \"procedure\".");
		goto out;
	}
	if (q != NULL && (cmd.queue = config_queue_index(cfg, q)) < 0) {
		api_error(r, 404, "not_found", "Không có hàng đợi \"%.32s\".", q);
		goto out;
	}
	if (p != NULL && (cmd.procedure = config_procedure_index(cfg, p)) < 0) {
		api_error(r, 404, "not_found", "Không có thủ tục mã \"%.32s\".", p);
		goto out;
	}
	if (pr != NULL && *pr != '\0' && strcmp(pr, "normal") != 0 &&
	    (cmd.priority = config_priority_index(cfg, pr)) <= 0) {
		api_error(r, 400, "bad_value", "Không có đối tượng ưu tiên \"%.32s\".", pr);
		goto out;
	}
	if (cmd.priority < 0)
		cmd.priority = 0;
	cmd.channel = r->user.role == STORE_ROLE_KIOSK ? ENGINE_CH_KIOSK : ENGINE_CH_COUNTER;
	if (ch != NULL) {
		if (strcmp(ch, "kiosk") == 0) cmd.channel = ENGINE_CH_KIOSK;
		else if (strcmp(ch, "counter") == 0) cmd.channel = ENGINE_CH_COUNTER;
		else if (strcmp(ch, "online") == 0) cmd.channel = ENGINE_CH_ONLINE;
		else if (strcmp(ch, "api") == 0) cmd.channel = ENGINE_CH_API;
		else {
			api_error(r, 400, "bad_value", "Kênh lấy số không hợp lệ.");
			goto out;
		}
	}
	if (k == NULL && r->user.role == STORE_ROLE_KIOSK)
		k = r->user.name;
	if (k != NULL) {
		int i;
		for (i = 0; i < cfg->nkiosks && strcmp(cfg->kiosks[i].id, k) != 0; i++)
			;
		if (i == cfg->nkiosks && api_str(b, "kiosk") != NULL) {
			api_error(r, 404, "not_found", "Không có ki-ốt \"%.32s\".", k);
			goto out;
		}
		cmd.kiosk = i < cfg->nkiosks ? i : -1;
	}
	cmd.staff = r->user.role == STORE_ROLE_KIOSK ? 0 : r->user.id;
	/* A kiosk with a printer prints, unless asked not to ("print": false,
	   the number shown on screen only). */
	pv = cJSON_GetObjectItemCaseSensitive(b, "print");
	r->printer = r->a->devprint != NULL ? devprint_kiosk_printer(r->a->devprint, cmd.kiosk) : -1;
	print = r->printer >= 0 && (pv == NULL || cJSON_IsTrue(pv));
	if (print && !devprint_ready(r->a->devprint, r->printer, why, sizeof why)) {
		api_error(r, 409, "printer_unavailable", "%s Vé chưa được cấp.", why);
		goto out;
	}
	if ((rc = core_exec(r->a->core, &cmd, &res)) != 0) {
		api_engine_error(r, rc);
		goto out;
	}
	if (print) {
		r->ticket = res.ticket;
		r->reprint = 0;
		r->phase = REQ_WAITING;
		core_after_commit(r->a->core, api_issue_committed, r);
		goto out;
	}
	t = engine_ticket_by_id(core_engine(r->a->core), res.ticket);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "ticket", apijson_ticket(cfg, core_engine(r->a->core), t));
	cJSON_AddNullToObject(o, "printed");
	cJSON_AddNullToObject(o, "print_error");
	api_reply_json(r, 201, o);
out:
	cJSON_Delete(b);
}

static void
api_ticket_reply(struct req *r, int64_t id)
{
	engine *e = core_engine(r->a->core);
	const struct engine_ticket *t = engine_ticket_by_id(e, id);
	cJSON *o;

	if (t == NULL) {
		api_error(r, 404, "not_found", "Không tìm thấy vé.");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "ticket", apijson_ticket(core_config(r->a->core), e, t));
	api_reply_json(r, 200, o);
}

static void
api_cancel(struct req *r, int64_t id)
{
	static const struct api_field spec[] = { { "reason", K_STR, 0 }, { NULL, 0, 0 } };
	struct engine_cmd cmd = engine_cmd_make(ENGINE_CANCEL);
	struct engine_result res;
	const char *reason;
	cJSON *b;
	int rc;

	if ((b = api_body(r, spec)) == NULL)
		return;
	cmd.ticket = id;
	cmd.staff = r->user.id;
	if ((reason = api_str(b, "reason")) != NULL)
		vntext_copy_utf8(cmd.reason, sizeof cmd.reason, reason);
	cJSON_Delete(b);
	if ((rc = core_exec(r->a->core, &cmd, &res)) != 0) {
		api_engine_error(r, rc);
		return;
	}
	api_ticket_reply(r, id);
}

static const struct {
	const char *name;
	enum engine_cmd_type type;
} api_actions[] = {
	{ "open", ENGINE_COUNTER_OPEN }, { "pause", ENGINE_COUNTER_PAUSE },
	{ "close", ENGINE_COUNTER_CLOSE }, { "next", ENGINE_CALL_NEXT },
	{ "call", ENGINE_CALL_SPECIFIC }, { "recall", ENGINE_RECALL },
	{ "start", ENGINE_START }, { "finish", ENGINE_FINISH },
	{ "no-show", ENGINE_NO_SHOW }, { "transfer", ENGINE_TRANSFER },
	{ "park", ENGINE_PARK }, { "unpark", ENGINE_UNPARK }, { "rate", ENGINE_RATE },
};

static void
api_counter_action(struct req *r, const char *num, const char *action)
{
	static const struct api_field spec[] = {
		{ "reason", K_STR, 0 }, { "number", K_INT, 0 }, { "queue", K_STR, 0 },
		{ "counter", K_INT, 0 }, { "keep_place", K_BOOL, 0 }, { "value", K_INT, 0 },
		{ NULL, 0, 0 } };
	const struct config *cfg = core_config(r->a->core);
	struct engine_cmd cmd;
	struct engine_result res;
	const struct engine_counter *c;
	const struct engine_ticket *t;
	const cJSON *kp;
	long long n;
	size_t i;
	const char *s;
	cJSON *b, *o;
	int rc, counter;

	if (api_auth(r, ROLES_PEOPLE, 0) != 0)
		return;
	if (strnum_parse(num, 1, 99, &n) != 0 ||
	    (counter = config_counter_index(cfg, (int)n)) < 0) {
		api_error(r, 404, "not_found", "Không có quầy số %.8s.", num);
		return;
	}
	for (i = 0; i < sizeof api_actions / sizeof api_actions[0] &&
	    strcmp(api_actions[i].name, action) != 0; i++)
		;
	if (i == sizeof api_actions / sizeof api_actions[0]) {
		api_error(r, 404, "not_found", "Không có thao tác \"%.32s\".", action);
		return;
	}
	if (!api_may_act_on(&r->user, (int)n)) {
		api_error(r, 403, "forbidden", "Tài khoản không được thao tác trên quầy %d.", (int)n);
		return;
	}
	if ((b = api_body(r, spec)) == NULL)
		return;
	cmd = engine_cmd_make(api_actions[i].type);
	cmd.counter = counter;
	cmd.staff = r->user.id;
	if ((s = api_str(b, "reason")) != NULL)
		vntext_copy_utf8(cmd.reason, sizeof cmd.reason, s);
	cmd.number = api_int(b, "number", 0);
	cmd.value = api_int(b, "value", 0);
	if ((kp = cJSON_GetObjectItemCaseSensitive(b, "keep_place")) != NULL)
		cmd.keep_place = cJSON_IsTrue(kp);
	if ((s = api_str(b, "queue")) != NULL &&
	    (cmd.to_queue = config_queue_index(cfg, s)) < 0) {
		api_error(r, 404, "not_found", "Không có hàng đợi \"%.32s\".", s);
		goto out;
	}
	if (cJSON_GetObjectItemCaseSensitive(b, "counter") != NULL &&
	    (cmd.to_counter = config_counter_index(cfg, api_int(b, "counter", 0))) < 0) {
		api_error(r, 404, "not_found", "Không có quầy số %d.", api_int(b, "counter", 0));
		goto out;
	}
	if ((cmd.type == ENGINE_CALL_SPECIFIC || cmd.type == ENGINE_UNPARK) &&
	    (cmd.number < 1 || cmd.number > 9999)) {
		api_error(r, 400, "bad_value", "Cần số vé từ 1 đến 9999 (trường \"number\").");
		goto out;
	}
	if (cmd.type == ENGINE_RATE && (cmd.value < 1 || cmd.value > 4)) {
		api_error(r, 400, "bad_value", "Mức đánh giá phải từ 1 đến 4.");
		goto out;
	}
	if (cmd.type == ENGINE_TRANSFER && (cmd.to_queue < 0) == (cmd.to_counter < 0)) {
		api_error(r, 400, "bad_value", "Chuyển vé cần đúng một trong \"queue\" hoặc \"counter\".");
		goto out;
	}
	if ((rc = core_exec(r->a->core, &cmd, &res)) != 0) {
		api_engine_error(r, rc);
		goto out;
	}
	c = engine_counter(core_engine(r->a->core), cmd.counter);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "counter", apijson_counter(cfg, core_engine(r->a->core), c));
	if (res.ticket != 0 &&
	    (t = engine_ticket_by_id(core_engine(r->a->core), res.ticket)) != NULL)
		cJSON_AddItemToObject(o, "ticket", apijson_ticket(cfg, core_engine(r->a->core), t));
	else
		cJSON_AddNullToObject(o, "ticket");
	api_reply_json(r, 200, o);
out:
	cJSON_Delete(b);
}

static void
api_day_close(struct req *r)
{
	static const struct api_field spec[] = { { "reason", K_STR, 0 }, { NULL, 0, 0 } };
	struct engine_cmd cmd = engine_cmd_make(ENGINE_DAY_CLOSE);
	struct engine_result res;
	const char *reason;
	cJSON *b, *o;
	int rc, i, cancelled = 0;

	if (api_auth(r, ROLES_MANAGE, 0) != 0 || (b = api_body(r, spec)) == NULL)
		return;
	cmd.staff = r->user.id;
	vntext_copy_utf8(cmd.reason, sizeof cmd.reason,
	    (reason = api_str(b, "reason")) != NULL ? reason : "Kết thúc ngày làm việc");
	cJSON_Delete(b);
	if ((rc = core_exec(r->a->core, &cmd, &res)) != 0) {
		api_engine_error(r, rc);
		return;
	}
	for (i = 0; i < res.nevents; i++)
		cancelled += res.events[i].type == ENGINE_EV_CANCELLED;
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "cancelled", cancelled);
	api_reply_json(r, 200, o);
}

static void
api_procedures(struct req *r)
{
	const struct config *cfg = core_config(r->a->core);
	const char *q = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "q");
	const char *lim = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "limit");
	const char *dep = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "department");
	long long limit = 20;
	struct search_hit *hits;
	cJSON *o, *arr;
	int i, n, d = -1;

	if (lim != NULL && strnum_parse(lim, 1, 2000, &limit) != 0) {
		api_error(r, 400, "bad_value", "Tham số \"limit\" phải từ 1 đến 2000.");
		return;
	}
	if (dep != NULL && (d = config_department_index(cfg, dep)) < 0) {
		api_error(r, 404, "not_found", "Không có sở, ngành \"%.32s\".", dep);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "procedures");
	if (q != NULL && *q != '\0') {
		hits = xcalloc((size_t)(d >= 0 ? cfg->nprocedures : limit), sizeof *hits);
		n = search_catalogue(cfg, q, hits, d >= 0 ? cfg->nprocedures : (int)limit);
		if (n < 0) {
			free(hits);
			cJSON_Delete(o);
			api_error(r, 400, "bad_value", "Chuỗi tìm kiếm không phải UTF-8 hợp lệ.");
			return;
		}
		for (i = 0; i < n && cJSON_GetArraySize(arr) < limit; i++)
			if (d < 0 || cfg->procedures[hits[i].procedure].department == d)
				cJSON_AddItemToArray(arr, apijson_procedure(cfg, hits[i].procedure));
		free(hits);
	} else {
		for (i = 0; i < cfg->nprocedures && cJSON_GetArraySize(arr) < limit; i++)
			if (d < 0 || cfg->procedures[i].department == d)
				cJSON_AddItemToArray(arr, apijson_procedure(cfg, i));
	}
	api_reply_json(r, 200, o);
}

/* Replace the catalogue file atomically with text; 0 or -1 (errno). */
static int
api_write_file(const char *path, const char *text, size_t len)
{
	char *tmp;
	int fd, rc = -1;

	xasprintf(&tmp, "%s.new", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		goto out;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

static void
api_import(struct req *r)
{
	struct config_procedure *procs;
	char err[512];
	int n;
	cJSON *o;

	if (api_auth(r, ROLE(STORE_ROLE_ADMIN), 0) != 0)
		return;
	if (config_parse_catalogue(core_config(r->a->core), r->body, r->len, "import",
	    &procs, &n, err, sizeof err) != 0) {
		api_error(r, 400, "bad_row", "%s", err);
		return;
	}
	if (core_config(r->a->core)->catalogue_path != NULL &&
	    api_write_file(core_config(r->a->core)->catalogue_path, r->body, r->len) != 0) {
		config_procedures_free(procs, n);
		api_error(r, 500, "store_failed", "Không ghi được tệp danh mục: %s.", strerror(errno));
		return;
	}
	if (core_replace_catalogue(r->a->core, procs, n, err, sizeof err) != 0) {
		api_error(r, 500, "store_failed", "%s", err);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "imported", n);
	api_reply_json(r, 200, o);
}

/* Counter list "1,2,5" or a JSON array into u. */
static int
api_user_counters(const cJSON *arr, struct store_user *u)
{
	const cJSON *x;

	u->ncounters = 0;
	cJSON_ArrayForEach(x, arr) {
		if (u->ncounters == STORE_MAX_USER_COUNTERS || x->valueint < 1 || x->valueint > 99)
			return -1;
		u->counters[u->ncounters++] = x->valueint;
	}
	return 0;
}

static void
api_user_list_one(const struct store_user *u, void *arg)
{
	cJSON_AddItemToArray(arg, api_user_json(u));
}

/*
 * Answer a failed user or device write: the caller's mistake is 400 (with
 * invalid, a Vietnamese sentence), 404 or 409; only the store failing is a
 * 500 store_failed.
 */
static void
api_store_error(struct req *r, const char *invalid, const char *failed)
{
	switch (store_errcode(core_store(r->a->core))) {
	case STORE_EINVAL:
		api_error(r, 400, "bad_value", "%s", invalid);
		break;
	case STORE_ENOENT:
		api_error(r, 404, "not_found", "Không tìm thấy tài khoản.");
		break;
	case STORE_EEXIST:
		api_error(r, 409, "exists", "Tài khoản đã có.");
		break;
	default:
		api_error(r, 500, "store_failed", "%s", failed);
		break;
	}
}

#define API_BAD_USER_NAME "Tên tài khoản chỉ gồm chữ cái không dấu, chữ số" \
	" và các dấu . _ - @ (1 đến 63 ký tự)."
#define API_BAD_DEVICE_NAME "Tên thiết bị chỉ gồm chữ cái không dấu, chữ số" \
	" và các dấu . _ - @ (1 đến 63 ký tự)."

static void
api_users(struct req *r, const char *method, const char *name)
{
	static const struct api_field spec[] = {
		{ "name", K_STR, 0 }, { "password", K_STR, 0 }, { "role", K_STR, 0 },
		{ "full_name", K_STR, 0 }, { "counters", K_INTS, 0 }, { "disabled", K_BOOL, 0 },
		{ NULL, 0, 0 } };
	store *st = core_store(r->a->core);
	struct store_user u;
	const char *s, *pw;
	cJSON *b = NULL, *o, *arr;
	int rc;

	if (api_auth(r, ROLE(STORE_ROLE_ADMIN), 0) != 0)
		return;
	if (strcmp(method, "GET") == 0 && name == NULL) {
		o = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(o, "users");
		if (store_user_list(st, api_user_list_one, arr) < 0) {
			cJSON_Delete(o);
			api_error(r, 500, "store_failed", "Không đọc được danh sách tài khoản.");
			return;
		}
		api_reply_json(r, 200, o);
		return;
	}
	if (strcmp(method, "DELETE") == 0 && name != NULL) {
		if (core_begin(r->a->core) != 0) {
			api_error(r, 500, "store_failed", "Không xoá được tài khoản.");
			return;
		}
		if ((rc = store_user_delete(st, name)) < 0) {
			api_store_error(r, API_BAD_USER_NAME, "Không xoá được tài khoản.");
			return;
		}
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "ok", 1);
		api_reply_json(r, 200, o);
		return;
	}
	if ((b = api_body(r, spec)) == NULL)
		return;
	memset(&u, 0, sizeof u);
	if (strcmp(method, "POST") == 0 && name == NULL) {
		if ((s = api_str(b, "name")) == NULL || (pw = api_str(b, "password")) == NULL ||
		    api_str(b, "role") == NULL) {
			api_error(r, 400, "missing_field", "Cần \"name\", \"password\" và \"role\".");
			goto out;
		}
		snprintf(u.name, sizeof u.name, "%s", s);
		if ((u.role = store_role_parse(api_str(b, "role"))) == 0 ||
		    u.role == STORE_ROLE_KIOSK || u.role == STORE_ROLE_DISPLAY ||
		    strlen(pw) < 8 || *s == '\0' || strlen(s) >= sizeof u.name) {
			api_error(r, 400, "bad_value", "Vai trò không hợp lệ, tên trống hoặc mật khẩu ngắn hơn 8 ký tự.");
			goto out;
		}
		if ((s = api_str(b, "full_name")) != NULL)
			vntext_copy_utf8(u.full_name, sizeof u.full_name, s);
		if (api_user_counters(cJSON_GetObjectItemCaseSensitive(b, "counters"), &u) != 0) {
			api_error(r, 400, "bad_value", "Danh sách quầy không hợp lệ.");
			goto out;
		}
		if (store_user_get(st, u.name, &u) == 1) {
			api_error(r, 409, "exists", "Tài khoản \"%s\" đã có.", u.name);
			goto out;
		}
		if (core_begin(r->a->core) != 0) {
			api_error(r, 500, "store_failed", "Không tạo được tài khoản.");
			goto out;
		}
		if (store_user_add(st, &u, pw) != 0) {
			api_store_error(r, API_BAD_USER_NAME, "Không tạo được tài khoản.");
			goto out;
		}
		api_reply_json(r, 201, api_user_json(&u));
		goto out;
	}
	if (strcmp(method, "PATCH") == 0 && name != NULL) {
		const cJSON *v;
		if ((rc = store_user_get(st, name, &u)) <= 0) {
			api_error(r, rc < 0 ? 500 : 404, rc < 0 ? "store_failed" : "not_found",
			    "Không tìm thấy tài khoản.");
			goto out;
		}
		if (api_str(b, "name") != NULL) {
			api_error(r, 400, "bad_value", "Không đổi được tên đăng nhập.");
			goto out;
		}
		if ((s = api_str(b, "role")) != NULL && ((u.role = store_role_parse(s)) == 0 ||
		    u.role == STORE_ROLE_KIOSK || u.role == STORE_ROLE_DISPLAY)) {
			api_error(r, 400, "bad_value", "Vai trò không hợp lệ.");
			goto out;
		}
		if ((s = api_str(b, "full_name")) != NULL)
			vntext_copy_utf8(u.full_name, sizeof u.full_name, s);
		if ((v = cJSON_GetObjectItemCaseSensitive(b, "counters")) != NULL &&
		    api_user_counters(v, &u) != 0) {
			api_error(r, 400, "bad_value", "Danh sách quầy không hợp lệ.");
			goto out;
		}
		if ((v = cJSON_GetObjectItemCaseSensitive(b, "disabled")) != NULL)
			u.disabled = cJSON_IsTrue(v);
		pw = api_str(b, "password");
		if (pw != NULL && strlen(pw) < 8) {
			api_error(r, 400, "bad_value", "Mật khẩu phải có ít nhất 8 ký tự.");
			goto out;
		}
		if (core_begin(r->a->core) != 0) {
			api_error(r, 500, "store_failed", "Không cập nhật được tài khoản.");
			goto out;
		}
		if (store_user_update(st, &u) != 0 ||
		    (pw != NULL && store_user_set_password(st, name, pw) != 0)) {
			api_store_error(r, "Họ tên hoặc danh sách quầy không hợp lệ.",
			    "Không cập nhật được tài khoản.");
			goto out;
		}
		api_reply_json(r, 200, api_user_json(&u));
		goto out;
	}
	api_error(r, 405, "method_not_allowed", "Phương thức không được hỗ trợ.");
out:
	cJSON_Delete(b);
}

static void
api_devices(struct req *r)
{
	static const struct api_field spec[] = {
		{ "name", K_STR, 1 }, { "role", K_STR, 1 }, { NULL, 0, 0 } };
	store *st = core_store(r->a->core);
	struct store_user u;
	unsigned char pw[24];
	char hex[49], token[65];
	cJSON *b, *o;

	if (api_auth(r, ROLE(STORE_ROLE_ADMIN), 0) != 0 || (b = api_body(r, spec)) == NULL)
		return;
	memset(&u, 0, sizeof u);
	snprintf(u.name, sizeof u.name, "%s", api_str(b, "name"));
	u.role = store_role_parse(api_str(b, "role"));
	if ((u.role != STORE_ROLE_KIOSK && u.role != STORE_ROLE_DISPLAY) || u.name[0] == '\0') {
		api_error(r, 400, "bad_value", "Thiết bị cần tên và vai trò kiosk hoặc display.");
		goto out;
	}
	if (!store_user_name_valid(api_str(b, "name"))) {
		api_error(r, 400, "bad_value", API_BAD_DEVICE_NAME);
		goto out;
	}
	/* A device never logs in with a password: give it a random one. */
	randombytes_buf(pw, sizeof pw);
	sodium_bin2hex(hex, sizeof hex, pw, sizeof pw);
	if (core_begin(r->a->core) != 0 ||
	    (store_user_get(st, u.name, &u) != 1 && store_user_add(st, &u, hex) != 0) ||
	    store_user_get(st, u.name, &u) != 1 ||
	    store_session_create(st, u.id, core_now(), 0, token) != 0) {
		api_error(r, 500, "store_failed", "Không tạo được mã thiết bị.");
		goto out;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", u.name);
	cJSON_AddStringToObject(o, "role", store_role_name(u.role));
	cJSON_AddStringToObject(o, "token", token);
	api_reply_json(r, 201, o);
out:
	cJSON_Delete(b);
}

/* The page a ticket's QR code leads to. */
static void
api_status_page(struct req *r, const char *code)
{
	const struct config *cfg = core_config(r->a->core);
	engine *e = core_engine(r->a->core);
	const struct engine_ticket *t = engine_ticket_by_code(e, code);
	char *page, state[256];
	int ahead = 0, est = 0;

	if (t == NULL) {
		api_reply_raw(r, 404, "text/html; charset=utf-8", xstrdup(
		    "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\">"
		    "<title>Không tìm thấy vé</title><p>Không tìm thấy vé này. "
		    "Vé chỉ tra cứu được trong ngày lấy số.</p></html>"));
		return;
	}
	switch (t->state) {
	case ENGINE_T_WAITING:
		engine_position(e, t->id, &ahead, &est);
		snprintf(state, sizeof state, "Đang chờ. Trước bạn còn %d người, "
		    "thời gian chờ dự kiến khoảng %d phút.", ahead, (est + 59) / 60);
		break;
	case ENGINE_T_CALLED:
	case ENGINE_T_SERVING:
		snprintf(state, sizeof state, "Mời bạn đến quầy số %d.",
		    t->counter >= 0 ? cfg->counters[t->counter].number : 0);
		break;
	case ENGINE_T_PARKED:
		snprintf(state, sizeof state, "Hồ sơ đang tạm dừng; cán bộ sẽ gọi lại bạn.");
		break;
	case ENGINE_T_DONE:
		snprintf(state, sizeof state, "Đã phục vụ xong. Cảm ơn bạn.");
		break;
	case ENGINE_T_NO_SHOW:
		snprintf(state, sizeof state, "Vé đã bị bỏ qua vì không có mặt khi được gọi.");
		break;
	case ENGINE_T_CANCELLED:
		snprintf(state, sizeof state, "Vé đã huỷ.");
		break;
	}
	xasprintf(&page, "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<meta http-equiv=\"refresh\" content=\"15\"><title>Số %04d</title>"
	    "<style>body{font-family:sans-serif;text-align:center;margin:2em}"
	    "b{font-size:4em;display:block}</style></head><body>"
	    "<p>%s</p><b>%04d</b><p>%s</p><p>%s</p></body></html>",
	    t->number, cfg->centre_name, t->number,
	    t->queue >= 0 ? cfg->queues[t->queue].name : "", state);
	api_reply_raw(r, 200, "text/html; charset=utf-8", page);
}

/* ---- event stream -------------------------------------------------------- */

static void
api_sse_append(struct sse *s, const char *text, size_t n)
{
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->buf = xreallocarray(s->buf, s->cap, 1);
	}
	memcpy(s->buf + s->len, text, n);
	s->len += n;
}

/* Fill the client's buffer with committed events after last_sent. */
static void
api_sse_fill(struct sse *s)
{
	const struct config *cfg = core_config(s->a->core);
	int64_t committed = core_committed_event_id(s->a->core);
	struct engine_event evs[API_SSE_BATCH];
	int i, n;

	if (s->ping) {
		api_sse_append(s, ": ping\n\n", 8);
		s->ping = 0;
	}
	while (s->last_sent < committed && s->len < 65536) {
		n = store_events_after(core_store(s->a->core), s->last_sent, evs, API_SSE_BATCH);
		if (n <= 0) {
			if (n < 0)
				log_warnx("event stream: %s", store_errmsg(core_store(s->a->core)));
			break;
		}
		for (i = 0; i < n && evs[i].id <= committed; i++) {
			cJSON *o = apijson_event(cfg, &evs[i]);
			char *data = apijson_print(o), *line;
			int len = xasprintf(&line, "id: %" PRId64 "\nevent: %s\ndata: %s\n\n",
			    evs[i].id, engine_event_name(evs[i].type), data);
			api_sse_append(s, line, (size_t)len);
			free(line);
			free(data);
			cJSON_Delete(o);
			s->last_sent = evs[i].id;
		}
		if (i < n)
			break;
	}
}

static ssize_t
api_sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse *s = cls;
	size_t n;

	(void)pos;
	if (s->closed)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (s->off == s->len) {
		s->off = s->len = 0;
		api_sse_fill(s);
	}
	if (s->len == 0) {
		if (!s->suspended) {
			s->suspended = 1;
			MHD_suspend_connection(s->conn);
		}
		return 0;
	}
	n = s->len - s->off < max ? s->len - s->off : max;
	memcpy(buf, s->buf + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void
api_sse_free(void *cls)
{
	struct sse *s = cls;

	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		s->a->sse_head = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	free(s->buf);
	free(s);
}

static void
api_sse_wake(api *a, int ping, int close)
{
	struct sse *s;

	for (s = a->sse_head; s != NULL; s = s->next) {
		s->ping |= ping;
		s->closed |= close;
		if (s->suspended) {
			s->suspended = 0;
			MHD_resume_connection(s->conn);
		}
	}
}

void
api_events_committed(api *a)
{
	int64_t id = core_committed_event_id(a->core);

	if (id != a->sse_woken_id) {
		a->sse_woken_id = id;
		api_sse_wake(a, 0, 0);
	}
}

static int64_t
api_ping(void *arg)
{
	api_sse_wake(arg, 1, 0);
	return API_PING_MS;
}

static enum MHD_Result
api_events(struct req *r)
{
	const char *h;
	struct MHD_Response *resp;
	struct sse *s;
	long long last = -1;
	enum MHD_Result ret;

	if (api_auth(r, ROLES_PEOPLE | ROLE(STORE_ROLE_DISPLAY) | ROLE(STORE_ROLE_KIOSK), 1) != 0)
		return MHD_NO;
	h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
	if (h == NULL)
		h = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "last_event_id");
	if (h != NULL && strnum_parse(h, 0, INT64_MAX, &last) != 0) {
		api_error(r, 400, "bad_value", "Last-Event-ID không hợp lệ.");
		return MHD_NO;
	}
	s = xcalloc(1, sizeof *s);
	s->a = r->a;
	s->conn = r->conn;
	s->last_sent = last >= 0 ? last : core_committed_event_id(r->a->core);
	api_sse_append(s, "retry: 2000\n\n", 13);
	s->next = r->a->sse_head;
	if (s->next != NULL)
		s->next->prev = s;
	r->a->sse_head = s;
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, api_sse_read, s,
	    api_sse_free);
	MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	ret = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->phase = REQ_STREAM;
	return ret;
}

/* ---- routing ------------------------------------------------------------- */

/* Printers' and boards' state into a state object (for managers). */
static void
api_add_devices(api *a, cJSON *o)
{
	cJSON *d;

	if (a->devprint != NULL) {
		d = devprint_json(a->devprint);
		cJSON_AddItemToObject(o, "printers", cJSON_DetachItemFromObject(d, "printers"));
		cJSON_Delete(d);
	}
	if (a->devbus != NULL) {
		d = devbus_boards_json(a->devbus);
		cJSON_AddItemToObject(o, "boards", cJSON_DetachItemFromObject(d, "boards"));
		cJSON_Delete(d);
	}
}

cJSON *
api_devices_offline(api *a)
{
	cJSON *arr = cJSON_CreateArray(), *d, *x;

	if (a->devprint != NULL) {
		d = devprint_json(a->devprint);
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "printers")) {
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "ready")))
				continue;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "kind", "printer");
			cJSON_AddStringToObject(o, "id", cJSON_GetObjectItemCaseSensitive(x, "id")->valuestring);
			cJSON_AddStringToObject(o, "state", cJSON_GetObjectItemCaseSensitive(x, "status")->valuestring);
			cJSON_AddItemToArray(arr, o);
		}
		cJSON_Delete(d);
	}
	if (a->devbus != NULL) {
		d = devbus_boards_json(a->devbus);
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "lines")) {
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(x, "state");
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(x, "id");
			if (!cJSON_IsString(st) || strcmp(st->valuestring, "closed") != 0 ||
			    !cJSON_IsString(id))
				continue;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "kind", "line");
			cJSON_AddStringToObject(o, "id", id->valuestring);
			cJSON_AddStringToObject(o, "state", "closed");
			cJSON_AddItemToArray(arr, o);
		}
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "boards")) {
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(x, "state");
			char id[64];
			if (!cJSON_IsString(st) || strcmp(st->valuestring, "offline") != 0)
				continue;
			snprintf(id, sizeof id, "%s/%d",
			    cJSON_GetObjectItemCaseSensitive(x, "line")->valuestring,
			    cJSON_GetObjectItemCaseSensitive(x, "address")->valueint);
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "kind", "board");
			cJSON_AddStringToObject(o, "id", id);
			cJSON_AddStringToObject(o, "state", "offline");
			cJSON_AddItemToArray(arr, o);
		}
		cJSON_Delete(d);
	}
	return arr;
}

/* Split path into at most max segments (modifies path). */
static int
api_split(char *path, char **seg, int max)
{
	int n = 0;
	char *p = path, *save = NULL;

	while ((p = strtok_r(p, "/", &save)) != NULL && n < max) {
		seg[n++] = p;
		p = NULL;
	}
	return p != NULL ? -1 : n;
}

static int
api_is(const char *method, const char *want)
{
	return strcmp(method, want) == 0;
}

/* Content type by file name ending. */
static const char *
api_mime(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" }, { ".svg", "image/svg+xml" },
		{ ".png", "image/png" }, { ".json", "application/json" },
		{ ".ico", "image/x-icon" }, { ".woff2", "font/woff2" } };
	size_t i, n = strlen(name), e;

	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		e = strlen(types[i].ext);
		if (n > e && strcmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

/*
 * Static pages: / and /staff, /manager, /report name pages of the web root;
 * /web/NAME any file there.  Names are one segment of [A-Za-z0-9._-] not
 * starting with a dot, so nothing outside the root can be named.  Returns 1
 * when answered.
 */
static int
api_static(struct req *r, const char *url, char **seg, int n)
{
	static const struct { const char *path, *file; } pages[] = {
		{ "/", "index.html" }, { "/staff", "staff.html" },
		{ "/manager", "manager.html" }, { "/report", "report.html" } };
	const char *file = NULL, *p;
	char *path, *data;
	struct stat sb;
	size_t i;
	FILE *f;

	if (r->a->web_root == NULL)
		return 0;
	for (i = 0; i < sizeof pages / sizeof pages[0]; i++)
		if (strcmp(url, pages[i].path) == 0)
			file = pages[i].file;
	if (file == NULL && n == 2 && strcmp(seg[0], "web") == 0) {
		file = seg[1];
		if (file[0] == '.')
			return 0;
		for (p = file; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
				return 0;
	}
	if (file == NULL)
		return 0;
	xasprintf(&path, "%s/%s", r->a->web_root, file);
	f = fopen(path, "rb");
	free(path);
	if (f == NULL)
		return 0;
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > 8 * 1024 * 1024) {
		fclose(f);
		return 0;
	}
	data = xmalloc((size_t)sb.st_size + 1);
	if (fread(data, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		fclose(f);
		free(data);
		return 0;
	}
	fclose(f);
	data[sb.st_size] = '\0';
	/* Text files only: the answer is sent by strlen. */
	if (memchr(data, '\0', (size_t)sb.st_size) != NULL) {
		free(data);
		return 0;
	}
	api_reply_raw(r, 200, api_mime(file), data);
	return 1;
}

/* Route a complete request; returns MHD_NO only for a stream set-up error. */
static void
api_route(struct req *r, const char *method, const char *url)
{
	char path[512], *seg[8];
	long long id;
	int n;

	if (strlen(url) >= sizeof path) {
		api_error(r, 404, "not_found", "Không có địa chỉ này.");
		return;
	}
	strcpy(path, url);
	n = api_split(path, seg, 8);
	if (r->too_large) {
		api_error(r, 413, "too_large", "Nội dung yêu cầu quá lớn.");
		return;
	}
	if (n == 1 && strcmp(seg[0], "healthz") == 0) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "ok", 1);
		cJSON_AddStringToObject(o, "day", engine_day(core_engine(r->a->core)));
		cJSON_AddNumberToObject(o, "last_event_id",
		    (double)core_committed_event_id(r->a->core));
		api_reply_json(r, 200, o);
		return;
	}
	if (n == 2 && strcmp(seg[0], "t") == 0 && api_is(method, "GET")) {
		api_status_page(r, seg[1]);
		return;
	}
	if (api_is(method, "GET") && api_static(r, url, seg, n))
		return;
	if (n < 3 || strcmp(seg[0], "api") != 0 || strcmp(seg[1], "v1") != 0) {
		api_error(r, 404, "not_found", "Không có địa chỉ này.");
		return;
	}
#define ROUTE(cond, m) if (cond) { if (!api_is(method, m)) goto not_allowed;
#define END return; }
	ROUTE(n == 3 && strcmp(seg[2], "login") == 0, "POST") api_login(r); END
	ROUTE(n == 3 && strcmp(seg[2], "logout") == 0, "POST")
		if (api_auth(r, ~0u, 0) == 0) {
			cJSON *o = cJSON_CreateObject();
			int from_cookie;
			if (core_begin(r->a->core) != 0 ||
			    store_session_delete(core_store(r->a->core),
			    api_token(r, 0, &from_cookie)) != 0) {
				cJSON_Delete(o);
				api_error(r, 500, "store_failed", "Không đăng xuất được.");
				return;
			}
			cJSON_AddBoolToObject(o, "ok", 1);
			r->set_cookie[0] = xstrdup("onestop_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
			r->set_cookie[1] = xstrdup("onestop_csrf=; Path=/; SameSite=Strict; Max-Age=0");
			api_reply_json(r, 200, o);
		}
	END
	ROUTE(n == 3 && strcmp(seg[2], "me") == 0, "GET")
		if (api_auth(r, ~0u, 0) == 0)
			api_reply_json(r, 200, api_user_json(&r->user));
	END
	ROUTE(n == 3 && strcmp(seg[2], "tickets") == 0, "POST") api_issue(r); END
	if (n >= 4 && strcmp(seg[2], "tickets") == 0) {
		if (strnum_parse(seg[3], 1, INT64_MAX, &id) != 0) {
			api_error(r, 404, "not_found", "Không tìm thấy vé.");
			return;
		}
		ROUTE(n == 4, "GET")
			if (api_auth(r, ROLES_PEOPLE, 0) == 0)
				api_ticket_reply(r, id);
		END
		ROUTE(n == 5 && strcmp(seg[4], "cancel") == 0, "POST")
			if (api_auth(r, ROLES_PEOPLE, 0) == 0)
				api_cancel(r, id);
		END
		ROUTE(n == 5 && strcmp(seg[4], "reprint") == 0, "POST")
			if (api_auth(r, ROLES_PEOPLE, 0) == 0)
				api_reprint(r, id);
		END
	}
	ROUTE(n == 5 && strcmp(seg[2], "public") == 0 && strcmp(seg[3], "tickets") == 0, "GET")
		const struct engine_ticket *t =
		    engine_ticket_by_code(core_engine(r->a->core), seg[4]);
		if (t == NULL)
			api_error(r, 404, "not_found", "Không tìm thấy vé.");
		else
			api_reply_json(r, 200, apijson_public_ticket(core_config(r->a->core),
			    core_engine(r->a->core), t));
	END
	ROUTE(n == 5 && strcmp(seg[2], "counters") == 0, "POST")
		api_counter_action(r, seg[3], seg[4]);
	END
	ROUTE(n == 3 && strcmp(seg[2], "state") == 0, "GET")
		if (api_auth(r, ROLES_PEOPLE | ROLE(STORE_ROLE_KIOSK) | ROLE(STORE_ROLE_DISPLAY), 0) == 0) {
			cJSON *o = apijson_state(core_config(r->a->core),
			    core_engine(r->a->core), core_committed_event_id(r->a->core));
			api_add_devices(r->a, o);
			api_reply_json(r, 200, o);
		}
	END
	ROUTE(n == 3 && strcmp(seg[2], "procedures") == 0, "GET") api_procedures(r); END
	ROUTE(n == 4 && strcmp(seg[2], "procedures") == 0 && strcmp(seg[3], "import") == 0, "POST")
		api_import(r);
	END
	ROUTE(n == 4 && strcmp(seg[2], "procedures") == 0, "GET")
		int p = config_procedure_index(core_config(r->a->core), seg[3]);
		if (p < 0)
			api_error(r, 404, "not_found", "Không có thủ tục mã \"%.32s\".", seg[3]);
		else
			api_reply_json(r, 200, apijson_procedure(core_config(r->a->core), p));
	END
	ROUTE(n == 3 && strcmp(seg[2], "departments") == 0, "GET")
		api_reply_json(r, 200, apijson_departments(core_config(r->a->core)));
	END
	ROUTE(n == 4 && strcmp(seg[2], "day") == 0 && strcmp(seg[3], "close") == 0, "POST")
		api_day_close(r);
	END
	if (n == 3 && strcmp(seg[2], "users") == 0) {
		api_users(r, method, NULL);
		return;
	}
	if (n == 4 && strcmp(seg[2], "users") == 0) {
		api_users(r, method, seg[3]);
		return;
	}
	ROUTE(n == 3 && strcmp(seg[2], "devices") == 0, "POST") api_devices(r); END
	ROUTE(n == 3 && strcmp(seg[2], "printers") == 0, "GET")
		if (api_auth(r, ROLES_PEOPLE, 0) == 0) {
			if (r->a->devprint != NULL)
				api_reply_json(r, 200, devprint_json(r->a->devprint));
			else
				api_reply_json(r, 200, cJSON_Parse("{\"printers\":[]}"));
		}
	END
	ROUTE(n == 3 && strcmp(seg[2], "boards") == 0, "GET")
		if (api_auth(r, ROLES_PEOPLE, 0) == 0) {
			if (r->a->devbus != NULL)
				api_reply_json(r, 200, devbus_boards_json(r->a->devbus));
			else
				api_reply_json(r, 200, cJSON_Parse("{\"boards\":[]}"));
		}
	END
	if (strcmp(seg[2], "stats") == 0) {
		api_stats_route(r, method, seg, n);
		return;
	}
#undef ROUTE
#undef END
	api_error(r, 404, "not_found", "Không có địa chỉ này.");
	return;
not_allowed:
	api_error(r, 405, "method_not_allowed", "Phương thức không được hỗ trợ.");
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
		r->max = strstr(url, "/procedures/import") != NULL ? API_IMPORT_MAX : API_BODY_MAX;
		*con_cls = r;
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
		if (api_is(method, "GET") && strcmp(url, "/api/v1/events") == 0) {
			if (api_events(r) == MHD_YES)
				return MHD_YES;
			if (r->phase == REQ_READY)
				return api_queue_answer(r);
			if (r->phase == REQ_WAITING) {
				MHD_suspend_connection(conn);
				return MHD_YES;
			}
			return MHD_NO;
		}
		api_route(r, method, url);
		if (r->phase == REQ_WAITING) {
			MHD_suspend_connection(conn);
			return MHD_YES;
		}
		return api_queue_answer(r);
	case REQ_READY:
		return api_queue_answer(r);
	case REQ_WAITING:
	case REQ_STREAM:
		return MHD_YES;
	}
	return MHD_NO;
}

static void
api_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
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
	a->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
	    (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	    (uint16_t)port, NULL, NULL, api_handler, a,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)512,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)256,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)128,
	    MHD_OPTION_NOTIFY_COMPLETED, api_completed, a,
	    MHD_OPTION_EXTERNAL_LOGGER, api_mhd_log, a,
	    MHD_OPTION_END);
	if (a->mhd == NULL) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s", addr, port, strerror(errno));
		free(a);
		return NULL;
	}
	info = MHD_get_daemon_info(a->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	a->fd = info->epoll_fd;
	info = MHD_get_daemon_info(a->mhd, MHD_DAEMON_INFO_BIND_PORT);
	a->port = info != NULL ? info->port : port;
	loop_add_fd(l, a->fd, POLLIN, api_on_fd, a);
	a->pw = pwcheck_start(l);
	a->tick_timer = loop_add_timer(l, 1000, api_tick, a);
	a->ping_timer = loop_add_timer(l, API_PING_MS, api_ping, a);
	return a;
}

void
api_set_devprint(api *a, devprint *d)
{
	a->devprint = d;
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
api_stop(api *a)
{
	if (a == NULL)
		return;
	/* End the streams; every other suspended answer was released by the
	   final commit. */
	api_sse_wake(a, 0, 1);
	pwcheck_stop(a->pw);
	core_flush(a->core);
	MHD_run(a->mhd);
	MHD_run(a->mhd);
	loop_del_fd(a->loop, a->fd);
	loop_del_timer(a->loop, a->tick_timer);
	loop_del_timer(a->loop, a->ping_timer);
	MHD_stop_daemon(a->mhd);
	free(a->web_root);
	free(a);
}
