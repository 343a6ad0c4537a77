/*
 * central_auth.c - onestop-central's accounts and sessions, with onestopd's
 * rules (host/docs/api.md, Security): accounts in the central PostgreSQL
 * (central_users), passwords hashed with common/pwhash (argon2id, the same
 * limits, the same dummy check for an unknown name), logins throttled by
 * name and by address with common/throttle's login limits (a user at an
 * address they logged in from before gets past a lock on their name), sessions of 12 h
 * behind random 256-bit tokens, kept in PostgreSQL (central_sessions) as a
 * BLAKE2b hash of the token (keyed with a fixed label), never the token, so
 * that a restart logs nobody out; expired rows are purged at each login.  A
 * CSRF token is bound to each session: its hash under another label.
 *
 * Threads: libmicrohttpd's pool calls in; the throttles are under one lock,
 * the password check runs outside it, at most CENTRAL_CHECKS at once (a
 * flood of logins answers "busy", it does not hold every thread of the
 * pool).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/pwhash.h"
#include "common/throttle.h"
#include "core/loop.h"
#include "core/store.h"
#include "tools/central.h"

#define CENTRAL_CHECKS 2

const char central_sessions_sql[] =
    "CREATE TABLE IF NOT EXISTS central_sessions ("
    " token_hash text PRIMARY KEY,"               /* token_hash(token, key_session) */
    " name text NOT NULL REFERENCES central_users (name) ON DELETE CASCADE,"
    " expires_at bigint NOT NULL,"                /* unix s */
    " created_at timestamptz NOT NULL DEFAULT now());"
    "CREATE INDEX IF NOT EXISTS central_sessions_expires ON central_sessions (expires_at);"
    "DO $take$ DECLARE r record; BEGIN"
    " FOR r IN SELECT DISTINCT grantee FROM information_schema.role_table_grants"
    "  WHERE table_name = 'events' AND privilege_type = 'INSERT'"
    "  AND grantee <> current_user LOOP"
    "  EXECUTE format('REVOKE ALL ON central_sessions FROM %I', r.grantee);"
    " END LOOP; END $take$;";

/* The keys of the two hashes of a token: one names the row, one is the
   CSRF token; neither gives the other, nor the token. */
static const char key_session[] = "onestop-central session v1";
static const char key_csrf[] = "onestop-central csrf v1";

static pthread_mutex_t auth_mu = PTHREAD_MUTEX_INITIALIZER;
static throttle *fail_user, *fail_addr, *trusted;
static int checks_running;

void
central_auth_init(void)
{
	fail_user = throttle_new(THROTTLE_LOGIN_SLOTS, THROTTLE_LOGIN_USER_FREE,
	    THROTTLE_LOGIN_BASE_MS, THROTTLE_LOGIN_MAX_MS);
	fail_addr = throttle_new(THROTTLE_LOGIN_SLOTS, THROTTLE_LOGIN_ADDR_FREE,
	    THROTTLE_LOGIN_BASE_MS, THROTTLE_LOGIN_MAX_MS);
	trusted = throttle_new(THROTTLE_LOGIN_SLOTS, 1, THROTTLE_LOGIN_BASE_MS,
	    THROTTLE_LOGIN_MAX_MS);
}

void
central_auth_fini(void)
{
	throttle_free(fail_user);
	throttle_free(fail_addr);
	throttle_free(trusted);
}

/* The hash of token under key, hex into out. */
static void
token_hash(const char *token, const char *key, char out[CENTRAL_TOKEN_HEX])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token),
	    (const unsigned char *)key, strlen(key));
	sodium_bin2hex(out, CENTRAL_TOKEN_HEX, h, sizeof h);
}

/* Whether token has the form of one: 64 lowercase hex digits. */
static int
token_form(const char *token)
{
	return token != NULL && strlen(token) == CENTRAL_TOKEN_HEX - 1 &&
	    strspn(token, "0123456789abcdef") == CENTRAL_TOKEN_HEX - 1;
}

/* A new session for u: the token in token.  0, or -1 when it cannot be
   kept (token emptied). */
static int
session_open(const struct central_user *u, char token[CENTRAL_TOKEN_HEX])
{
	unsigned char raw[32];
	char hash[CENTRAL_TOKEN_HEX], now[24], exp[24], err[256];
	const char *v[3] = { hash, u->name, exp };
	const char *p[1] = { now };
	time_t t = time(NULL);
	PGresult *r;

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, CENTRAL_TOKEN_HEX, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	token_hash(token, key_session, hash);
	snprintf(now, sizeof now, "%lld", (long long)t);
	snprintf(exp, sizeof exp, "%lld", (long long)t + CENTRAL_SESSION_S);
	if ((r = central_db_run(CQ_SESSION_PURGE, 1, p, err, sizeof err)) == NULL)
		fprintf(stderr, "onestop-central: sessions: %s", err);
	PQclear(r);
	if ((r = central_db_run(CQ_SESSION_ADD, 3, v, err, sizeof err)) == NULL) {
		fprintf(stderr, "onestop-central: sessions: %s", err);
		sodium_memzero(token, CENTRAL_TOKEN_HEX);
		return -1;
	}
	PQclear(r);
	return 0;
}

int
central_session(const char *token, struct central_user *u)
{
	char hash[CENTRAL_TOKEN_HEX], now[24], err[256];
	const char *v[2] = { hash, now };
	PGresult *r;
	int live;

	if (!token_form(token))
		return 0;
	token_hash(token, key_session, hash);
	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	if ((r = central_db_run(CQ_SESSION_GET, 2, v, err, sizeof err)) == NULL) {
		fprintf(stderr, "onestop-central: sessions: %s", err);
		return -1;
	}
	live = PQntuples(r) == 1;
	if (live) {
		memset(u, 0, sizeof *u);
		snprintf(u->name, sizeof u->name, "%s", PQgetvalue(r, 0, 0));
		u->province = strcmp(PQgetvalue(r, 0, 1), "province") == 0;
		snprintf(u->centre, sizeof u->centre, "%s", PQgetvalue(r, 0, 2));
	}
	PQclear(r);
	return live;
}

void
central_logout(const char *token)
{
	char hash[CENTRAL_TOKEN_HEX], err[256];
	const char *v[1] = { hash };
	PGresult *r;

	if (!token_form(token))
		return;
	token_hash(token, key_session, hash);
	if ((r = central_db_run(CQ_SESSION_END, 1, v, err, sizeof err)) == NULL)
		fprintf(stderr, "onestop-central: sessions: %s", err);
	PQclear(r);
}

void
central_csrf_of(const char *token, char out[CENTRAL_TOKEN_HEX])
{
	token_hash(token, key_csrf, out);
}

int
central_csrf_ok(const char *token, const char *given)
{
	char want[CENTRAL_TOKEN_HEX];

	if (token == NULL || given == NULL || strlen(given) != CENTRAL_TOKEN_HEX - 1)
		return 0;
	central_csrf_of(token, want);
	return sodium_memcmp(want, given, CENTRAL_TOKEN_HEX - 1) == 0;
}

enum central_login
central_login(const char *name, const char *password, const char *addr,
    char token[CENTRAL_TOKEN_HEX], int *retry_s)
{
	const char *v[1] = { name };
	char hash[PWHASH_LEN], err[256], pair[256];
	struct central_user u;
	int64_t now = loop_now_ms(), wait;
	int found = 0, ok, disabled = 1;
	PGresult *r;

	/* a user at an address they logged in from before gets past a lock
	   on their name there: nobody locks a colleague out by typing it */
	snprintf(pair, sizeof pair, "%s\n%s", name, addr);
	pthread_mutex_lock(&auth_mu);
	wait = throttle_wait(fail_addr, addr, now);
	if (!throttle_marked(trusted, pair, now) && throttle_wait(fail_user, name, now) > wait)
		wait = throttle_wait(fail_user, name, now);
	if (wait == 0 && checks_running >= CENTRAL_CHECKS)
		wait = -1;
	else if (wait == 0)
		checks_running++;
	pthread_mutex_unlock(&auth_mu);
	if (wait != 0) {
		*retry_s = wait > 0 ? (int)((wait + 999) / 1000) : 1;
		return wait > 0 ? CL_LOCKED : CL_BUSY;
	}
	memset(&u, 0, sizeof u);
	snprintf(hash, sizeof hash, "%s", pwhash_dummy);
	/* A name no account can have is not asked for (it is an unknown name:
	   the same dummy check, the same throttle). */
	r = NULL;
	if (store_user_name_valid(name) &&
	    (r = central_db_run(CQ_USER, 1, v, err, sizeof err)) == NULL) {
		fprintf(stderr, "onestop-central: accounts: %s", err);
		pthread_mutex_lock(&auth_mu);
		checks_running--;
		pthread_mutex_unlock(&auth_mu);
		return CL_ERROR;
	}
	if (r != NULL && PQntuples(r) == 1 && strlen(PQgetvalue(r, 0, 0)) < sizeof hash) {
		found = 1;
		snprintf(hash, sizeof hash, "%s", PQgetvalue(r, 0, 0));
		snprintf(u.name, sizeof u.name, "%s", name);
		u.province = strcmp(PQgetvalue(r, 0, 1), "province") == 0;
		snprintf(u.centre, sizeof u.centre, "%s", PQgetvalue(r, 0, 2));
		disabled = strcmp(PQgetvalue(r, 0, 3), "t") == 0;
	}
	PQclear(r);
	/* The same work whether the name exists, is disabled, or not. */
	ok = pwhash_check(hash, password) && found && !disabled;
	sodium_memzero(hash, sizeof hash);
	pthread_mutex_lock(&auth_mu);
	checks_running--;
	if (ok) {
		throttle_forget(fail_user, name);
		throttle_mark(trusted, pair, now);
	} else {
		throttle_fail(fail_user, name, now);
		throttle_fail(fail_addr, addr, now);
		throttle_forget(trusted, pair);
	}
	pthread_mutex_unlock(&auth_mu);
	if (!ok)
		return CL_BAD;
	return session_open(&u, token) == 0 ? CL_OK : CL_ERROR;
}

/* A centre code: the rule for ids, 1-32 of A-Z a-z 0-9 _ - . */
static int
code_valid(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 32 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-.") == n;
}

int
central_add_user(const char *name, const char *role, const char *centre,
    const char *password)
{
	char hash[PWHASH_LEN], err[512];
	const char *v[4];
	PGresult *r;

	if (!store_user_name_valid(name)) {
		fprintf(stderr, "onestop-central: tên đăng nhập không hợp lệ (1–63 ký tự"
		    " A-Z a-z 0-9 . _ @ -): %s\n", name);
		return 1;
	}
	if (strcmp(role, "province") != 0 && strcmp(role, "centre") != 0) {
		fprintf(stderr, "onestop-central: vai trò phải là province (cả tỉnh) hoặc"
		    " centre (một trung tâm)\n");
		return 1;
	}
	if ((strcmp(role, "centre") == 0) != (centre != NULL) ||
	    (centre != NULL && !code_valid(centre))) {
		fprintf(stderr, "onestop-central: vai trò centre cần mã trung tâm (1–32 ký tự"
		    " A-Z a-z 0-9 _ - .), vai trò province thì không\n");
		return 1;
	}
	if (password == NULL || strlen(password) < PWHASH_MIN_PASSWORD) {
		fprintf(stderr, "onestop-central: mật khẩu phải có ít nhất %d ký tự\n",
		    PWHASH_MIN_PASSWORD);
		return 1;
	}
	if (pwhash_make(password, hash) != 0) {
		fprintf(stderr, "onestop-central: không băm được mật khẩu (hết bộ nhớ)\n");
		return 1;
	}
	v[0] = name;
	v[1] = hash;
	v[2] = role;
	v[3] = centre;
	r = central_db_run(CQ_ADD_USER, 4, v, err, sizeof err);
	sodium_memzero(hash, sizeof hash);
	if (r == NULL) {
		fprintf(stderr, "onestop-central: không lưu được tài khoản: %s", err);
		return 1;
	}
	PQclear(r);
	printf("onestop-central: tài khoản %s (%s%s%s) đã lưu\n", name, role,
	    centre != NULL ? " " : "", centre != NULL ? centre : "");
	return 0;
}
