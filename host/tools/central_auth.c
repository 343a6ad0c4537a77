/*
 * central_auth.c - onestop-central's accounts and sessions, with onestopd's
 * rules (host/docs/api.md, Security): accounts in the central PostgreSQL
 * (central_users), passwords hashed with common/pwhash (argon2id, the same
 * limits, the same dummy check for an unknown name), logins throttled by
 * name and by address with common/throttle's login limits (a user at an
 * address they logged in from before gets past a lock on their name), sessions of 12 h
 * held in memory (a restart logs everyone out) behind random 256-bit tokens,
 * and a CSRF token bound to each session (a keyed hash of its token).
 *
 * Threads: libmicrohttpd's pool calls in; the session table and the
 * throttles are under one lock, the password check runs outside it, at
 * most CENTRAL_CHECKS at once (a flood of logins answers "busy", it does not
 * hold every thread of the pool).
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

#define CENTRAL_SESSIONS 1024
#define CENTRAL_CHECKS 2

struct session {
	char token[CENTRAL_TOKEN_HEX];   /* "" = free slot */
	int64_t expires_ms;              /* monotonic */
	struct central_user user;
};

static pthread_mutex_t auth_mu = PTHREAD_MUTEX_INITIALIZER;
static struct session sessions[CENTRAL_SESSIONS];
static unsigned char csrf_key[crypto_generichash_KEYBYTES];
static throttle *fail_user, *fail_addr, *trusted;
static int checks_running;

void
central_auth_init(void)
{
	randombytes_buf(csrf_key, sizeof csrf_key);
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
	sodium_memzero(csrf_key, sizeof csrf_key);
	sodium_memzero(sessions, sizeof sessions);
	throttle_free(fail_user);
	throttle_free(fail_addr);
	throttle_free(trusted);
}

/* A new session for u: the token in token.  The oldest goes when all are taken. */
static void
session_open(const struct central_user *u, char token[CENTRAL_TOKEN_HEX])
{
	unsigned char raw[32];
	int64_t now = loop_now_ms();
	int i, slot = 0;

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, CENTRAL_TOKEN_HEX, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	pthread_mutex_lock(&auth_mu);
	for (i = 0; i < CENTRAL_SESSIONS; i++) {
		if (sessions[i].token[0] == '\0' || sessions[i].expires_ms <= now) {
			slot = i;
			break;
		}
		if (sessions[i].expires_ms < sessions[slot].expires_ms)
			slot = i;
	}
	memcpy(sessions[slot].token, token, CENTRAL_TOKEN_HEX);
	sessions[slot].expires_ms = now + (int64_t)CENTRAL_SESSION_S * 1000;
	sessions[slot].user = *u;
	pthread_mutex_unlock(&auth_mu);
}

/* The slot of token, or -1; under auth_mu. */
static int
session_find(const char *token)
{
	int64_t now = loop_now_ms();
	int i;

	if (token == NULL || strlen(token) != CENTRAL_TOKEN_HEX - 1)
		return -1;
	for (i = 0; i < CENTRAL_SESSIONS; i++)
		if (sessions[i].token[0] != '\0' && sessions[i].expires_ms > now &&
		    sodium_memcmp(sessions[i].token, token, CENTRAL_TOKEN_HEX - 1) == 0)
			return i;
	return -1;
}

int
central_session(const char *token, struct central_user *u)
{
	int i;

	pthread_mutex_lock(&auth_mu);
	if ((i = session_find(token)) >= 0)
		*u = sessions[i].user;
	pthread_mutex_unlock(&auth_mu);
	return i >= 0;
}

void
central_logout(const char *token)
{
	int i;

	pthread_mutex_lock(&auth_mu);
	if ((i = session_find(token)) >= 0)
		memset(&sessions[i], 0, sizeof sessions[i]);
	pthread_mutex_unlock(&auth_mu);
}

void
central_csrf_of(const char *token, char out[CENTRAL_TOKEN_HEX])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token),
	    csrf_key, sizeof csrf_key);
	sodium_bin2hex(out, CENTRAL_TOKEN_HEX, h, sizeof h);
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
	session_open(&u, token);
	return CL_OK;
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
