/*
 * r_session.c - logging in and out: POST /api/v1/login (the argon2id check
 * runs on the password worker, behind the login throttles), POST
 * /api/v1/logout, GET /api/v1/me; and the CSRF tokens bound to sessions
 * (their key, kept in the store's meta).  host/docs/api.md, Security.
 */
#include <sodium.h>

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/log.h"
#include "common/strnum.h"
#include "common/xmalloc.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"
#include "daemon/http/pwcheck.h"
#include "common/throttle.h"

#define API_CSRF_META "csrf_key"

/*
 * Login throttling: a user name may fail 5 times, an address 10 times (a
 * shared desk), before each further failure locks it for 5 s, 10 s, 20 s
 * ... up to 15 minutes; attempts while locked are answered 429 at once.  A
 * user who logged in from an address before gets past a lock on their name
 * there (so nobody locks a colleague out by typing their name), and their
 * check goes in the password worker's first lane; a name and address with
 * no failures, and an address never refused busy, go in the second; the
 * rest in the third.  A busy refusal marks the address for 15 minutes.
 */
#define API_THROTTLE_SLOTS THROTTLE_LOGIN_SLOTS
#define API_USER_FREE THROTTLE_LOGIN_USER_FREE
#define API_ADDR_FREE THROTTLE_LOGIN_ADDR_FREE
#define API_LOCK_BASE_MS THROTTLE_LOGIN_BASE_MS
#define API_LOCK_MAX_MS THROTTLE_LOGIN_MAX_MS

static int64_t
api_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The client's address as text ("" when unknown). */
void
api_client_addr(struct req *r, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	out[0] = '\0';
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    out, (socklen_t)outlen);
	else if (sa->sa_family == AF_INET6) {
		struct in6_addr a6 = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		/* One IPv6 client holds a whole /64: count it as one address. */
		if (!IN6_IS_ADDR_V4MAPPED(&a6))
			memset(a6.s6_addr + 8, 0, 8);
		inet_ntop(AF_INET6, &a6, out, (socklen_t)outlen);
	}
}

/* "user\naddr": the key of a user at an address. */
static void
api_pair_key(const struct req *r, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s\n%s", r->login_user, r->login_addr);
}

/*
 * Load the CSRF key from the store's meta, or make one and keep it there,
 * so CSRF tokens stay valid across a restart as the sessions do.  When the
 * store cannot keep it the key lives in memory only (pages then need a new
 * login after a restart).
 */
void
api_session_init(api *a)
{
	store *st = core_store(a->core);
	char hex[2 * sizeof a->csrf_key + 1];
	size_t n = 0;

	if (store_meta_get(st, API_CSRF_META, hex, sizeof hex) == 1 &&
	    sodium_hex2bin(a->csrf_key, sizeof a->csrf_key, hex, strlen(hex),
	    NULL, &n, NULL) == 0 && n == sizeof a->csrf_key)
		goto out;
	randombytes_buf(a->csrf_key, sizeof a->csrf_key);
	sodium_bin2hex(hex, sizeof hex, a->csrf_key, sizeof a->csrf_key);
	if (store_meta_set(st, API_CSRF_META, hex) != 0)
		log_warnx("cannot keep the CSRF key in the store: %s; pages must"
		    " log in again after a restart", store_errmsg(st));
out:
	sodium_memzero(hex, sizeof hex);
	a->fail_user = throttle_new(API_THROTTLE_SLOTS, API_USER_FREE,
	    API_LOCK_BASE_MS, API_LOCK_MAX_MS);
	a->fail_addr = throttle_new(API_THROTTLE_SLOTS, API_ADDR_FREE,
	    API_LOCK_BASE_MS, API_LOCK_MAX_MS);
	a->trusted = throttle_new(API_THROTTLE_SLOTS, 1, API_LOCK_BASE_MS,
	    API_LOCK_MAX_MS);
	/* Busy refusals by address: counted, never locking. */
	a->busy = throttle_new(API_THROTTLE_SLOTS, INT32_MAX, API_LOCK_BASE_MS,
	    API_LOCK_MAX_MS);
}

void
api_session_fini(api *a)
{
	sodium_memzero(a->csrf_key, sizeof a->csrf_key);
	throttle_free(a->fail_user);
	throttle_free(a->fail_addr);
	throttle_free(a->trusted);
	throttle_free(a->busy);
}

/* Count a login's outcome against its user and address. */
static void
api_login_outcome(struct req *r, int ok)
{
	api *a = r->a;
	char pair[sizeof r->login_user + sizeof r->login_addr + 2];
	int64_t now = api_mono_ms();

	api_pair_key(r, pair, sizeof pair);
	if (ok) {
		throttle_forget(a->fail_user, r->login_user);
		throttle_mark(a->trusted, pair, now);
		return;
	}
	throttle_fail(a->fail_user, r->login_user, now);
	throttle_fail(a->fail_addr, r->login_addr, now);
	throttle_forget(a->trusted, pair);
}

/* The CSRF token bound to session token: keyed hash, hex. */
void
api_csrf_of(const api *a, const char *token, char out[API_CSRF_HEX])
{
	unsigned char h[(API_CSRF_HEX - 1) / 2];

	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token),
	    a->csrf_key, sizeof a->csrf_key);
	sodium_bin2hex(out, API_CSRF_HEX, h, sizeof h);
}

/* 1 when header is the CSRF token of the session token (constant time). */
int
api_csrf_matches(const api *a, const char *token, const char *header)
{
	char want[API_CSRF_HEX];

	if (token == NULL || header == NULL || strlen(header) != API_CSRF_HEX - 1)
		return 0;
	api_csrf_of(a, token, want);
	return sodium_memcmp(want, header, API_CSRF_HEX - 1) == 0;
}

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
	if (!ok || !r->login_found || u->disabled ||
	    store_role_is_device(u->role)) {
		api_login_outcome(r, 0);
		api_error(r, 401, "bad_login", "Sai tên đăng nhập hoặc mật khẩu.");
		goto out;
	}
	api_login_outcome(r, 1);
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
		char csrf[API_CSRF_HEX];

		api_csrf_of(r->a, token, csrf);
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
void
api_login(struct req *r)
{
	static const struct api_field spec[] = {
		{ "user", K_STR, 1 }, { "password", K_STR, 1 }, { NULL, 0, 0 } };
	char hash[crypto_pwhash_STRBYTES], pair[sizeof r->login_user + sizeof r->login_addr + 2];
	int64_t wait, now = api_mono_ms();
	enum pwcheck_lane lane;
	cJSON *b;
	int rc, trusted;

	/* Another site's page must not log the browser in (to an account of
	   its choosing) either. */
	if (!api_same_origin(r)) {
		api_error(r, 403, "csrf", "Yêu cầu đăng nhập đến từ trang của máy chủ"
		    " khác; hãy mở trang đăng nhập của hệ thống.");
		return;
	}
	if ((b = api_body(r, spec)) == NULL)
		return;
	snprintf(r->login_user, sizeof r->login_user, "%s", api_str(b, "user"));
	api_client_addr(r, r->login_addr, sizeof r->login_addr);
	api_pair_key(r, pair, sizeof pair);
	/* Locked: answered at once, no password checked. */
	trusted = throttle_marked(r->a->trusted, pair, now);
	wait = throttle_wait(r->a->fail_addr, r->login_addr, now);
	if (!trusted && throttle_wait(r->a->fail_user, r->login_user, now) > wait)
		wait = throttle_wait(r->a->fail_user, r->login_user, now);
	if (wait > 0) {
		cJSON_Delete(b);
		r->retry_after = (int)((wait + 999) / 1000);
		api_error(r, 429, "too_many_attempts", "Đăng nhập sai quá nhiều lần;"
		    " hãy thử lại sau %d giây.", r->retry_after);
		return;
	}
	rc = store_user_login_hash(core_store(r->a->core), api_str(b, "user"), &r->user,
	    hash, sizeof hash);
	if (rc < 0) {
		cJSON_Delete(b);
		api_error(r, 500, "store_failed", "Không đọc được dữ liệu tài khoản.");
		return;
	}
	r->login_found = rc;
	if (trusted)
		lane = PWCHECK_KNOWN;
	else if (throttle_failures(r->a->fail_addr, r->login_addr, now) == 0 &&
	    throttle_failures(r->a->fail_user, r->login_user, now) == 0 &&
	    throttle_failures(r->a->busy, r->login_addr, now) == 0)
		lane = PWCHECK_CLEAN;
	else
		lane = PWCHECK_OTHER;
	if (pwcheck_submit(r->a->pw, hash, api_str(b, "password"), lane,
	    api_login_checked, r) != 0) {
		cJSON_Delete(b);
		throttle_fail(r->a->busy, r->login_addr, now);
		r->retry_after = 1;
		api_error(r, 503, "busy", "Hệ thống đang bận kiểm tra đăng nhập;"
		    " hãy thử lại sau ít giây.");
		return;
	}
	r->phase = REQ_WAITING;
	cJSON_Delete(b);
}

/* POST /api/v1/logout: end this session, clear the cookies. */
void
api_logout(struct req *r)
{
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

/* GET /api/v1/me: who the caller is. */
void
api_me(struct req *r)
{
	api_reply_json(r, 200, api_user_json(&r->user));
}
