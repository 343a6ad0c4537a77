/*
 * test_routes.c - walks the route table (host/daemon/http/routes.c) and
 * proves, over a real loopback connection to the real HTTP server running
 * in this process on the demo centre, that every route refuses every role
 * it does not name (403), refuses a caller without a session unless it is
 * public (401), and lets through every role it names (neither 401 nor 403:
 * the handler ran and answered, whatever it thought of the empty body).
 * Also: a path of another method is a 405, an unknown path a 404, and a
 * body larger than the route's limit a 413.
 *
 * Run from the repository root (the demo config is read from config/demo/).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "common/xmalloc.h"
#include "core/config.h"
#include "core/core.h"
#include "core/loop.h"
#include "core/store.h"
#include "daemon/http/api.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"

static const int roles[] = { STORE_ROLE_STAFF, STORE_ROLE_MANAGER,
	STORE_ROLE_ADMIN, STORE_ROLE_KIOSK, STORE_ROLE_DISPLAY, STORE_ROLE_METRICS };
#define NROLES (int)(sizeof roles / sizeof roles[0])

static struct {
	loop *l;
	api *a;
	core *c;
	store *st;
	int64_t uid[NROLES];
	int port;
	char dir[64];
} T;

static void
before_sleep(void *arg)
{
	(void)arg;
	core_flush(T.c);
	api_events_committed(T.a);
	if (api_run(T.a))
		loop_no_sleep(T.l);
}

static int
setup(void **state)
{
	struct config *cfg;
	char err[512];
	int i;

	(void)state;
	snprintf(T.dir, sizeof T.dir, "/tmp/onestop-test-routes-XXXXXX");
	if (mkdtemp(T.dir) == NULL)
		return -1;
	if (config_load("config/demo/centre.ini", &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "test_routes: %s (run from the repository root)\n", err);
		return -1;
	}
	free(cfg->database);
	xasprintf(&cfg->database, "%s/db", T.dir);
	free(cfg->catalogue_path);
	cfg->catalogue_path = NULL;
	if ((T.st = store_open(cfg->database, cfg, err, sizeof err)) == NULL)
		return -1;
	for (i = 0; i < NROLES; i++) {
		struct store_user u;

		memset(&u, 0, sizeof u);
		snprintf(u.name, sizeof u.name, "user%d", i);
		u.role = roles[i];
		if (roles[i] == STORE_ROLE_STAFF) {
			u.counters[0] = 1;      /* the routes' {} is "1" */
			u.ncounters = 1;
		}
		if (store_user_add(T.st, &u, "route-test-password") != 0 ||
		    store_user_get(T.st, u.name, &u) != 1)
			return -1;
		T.uid[i] = u.id;
	}
	if ((T.c = core_new(cfg, T.st, err, sizeof err)) == NULL)
		return -1;
	T.l = loop_new();
	if ((T.a = api_start(T.c, T.l, "127.0.0.1", 0, err, sizeof err)) == NULL)
		return -1;
	loop_set_before_sleep(T.l, before_sleep, NULL);
	T.port = api_port(T.a);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	api_stop(T.a);
	core_free(T.c);
	store_close(T.st);
	loop_free(T.l);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", T.dir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * Send one request and return the status of its answer (-1: none).  Only
 * the status line is waited for, so an event stream answers too.
 */
static const char *body_text;   /* request(): the body, NULL = spaces */
static char answer[1 << 20];   /* the last answer, headers and body */
static size_t answer_len;

static int
request(const char *method, const char *path, const char *token, size_t body_len)
{
	struct sockaddr_in sin;
	char head[1024], *buf = answer, *req;
	size_t len, off = 0, got = 0;
	int fd, turns, status = -1;

	snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n%s%s%sContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", method, path,
	    token ? "Authorization: Bearer " : "", token ? token : "",
	    token ? "\r\n" : "", body_len);
	len = strlen(head) + body_len;
	req = xmalloc(len);
	memcpy(req, head, strlen(head));
	memset(req + strlen(head), ' ', body_len);
	if (body_text != NULL)
		memcpy(req + strlen(head), body_text, body_len);
	else if (body_len >= 2) {
		req[strlen(head)] = '{';
		req[len - 1] = '}';
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)T.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0 ||
	    errno == EINPROGRESS);
	answer[0] = '\0';
	for (turns = 0; turns < 20000; turns++) {
		ssize_t n;

		if (off < len) {
			n = send(fd, req + off, len - off, MSG_NOSIGNAL);
			if (n > 0)
				off += (size_t)n;
		}
		loop_run_once(T.l, 5);
		n = recv(fd, buf + got, sizeof answer - 1 - got, 0);
		if (n > 0) {
			got += (size_t)n;
			buf[got] = '\0';
			if (status < 0 && strstr(buf, "\r\n") != NULL)
				sscanf(buf, "HTTP/1.%*d %d", &status);
			/* A stream never ends: its status line is enough. */
			if (status >= 0 && strstr(buf, "text/event-stream") != NULL)
				break;
		} else if (n == 0)
			break;
	}
	close(fd);
	answer_len = got;
	loop_run_once(T.l, 0);
	free(req);
	return status;
}

/* A request with a JSON body of the given text (request() sends spaces). */
static int
request_body(const char *method, const char *path, const char *token,
    const char *json)
{
	int st;

	body_text = json;
	st = request(method, path, token, strlen(json));
	body_text = NULL;
	return st;
}

/* The route's pattern with {} and {id} as "1". */
static void
fill(const char *pattern, char *out, size_t outlen)
{
	size_t o = 0;
	const char *p = pattern;

	while (*p != '\0' && o + 2 < outlen) {
		if (strncmp(p, "{id}", 4) == 0) {
			out[o++] = '1';
			p += 4;
		} else if (strncmp(p, "{}", 2) == 0) {
			out[o++] = '1';
			p += 2;
		} else
			out[o++] = *p++;
	}
	out[o] = '\0';
}

/* A fresh session of role index i (a route may end the one it is given);
 * only a device's never expires. */
static void
session(int i, char token[65])
{
	struct store_user u;

	assert_int_equal(store_user_get_id(T.st, T.uid[i], &u), 1);
	assert_int_equal(store_session_create(T.st, T.uid[i], 0,
	    store_role_is_device(u.role) ? 0 : INT64_MAX, token), 0);
}

static void
test_roles(void **state)
{
	size_t i;
	int k, checked = 0;

	(void)state;
	for (i = 0; i < api_nroutes; i++) {
		const struct api_route *rt = &api_routes[i];
		char path[256], token[65];
		int st;

		fill(rt->path, path, sizeof path);
		st = request(rt->method, path, NULL, 2);
		if (rt->roles == API_PUBLIC) {
			if (st == 401 || st == 403)
				fail_msg("%s %s: public, but %d without a session",
				    rt->method, rt->path, st);
		} else if (st != 401)
			fail_msg("%s %s: %d without a session, not 401", rt->method,
			    rt->path, st);
		checked++;
		for (k = 0; k < NROLES; k++) {
			int allowed = rt->roles == API_PUBLIC ||
			    (rt->roles & ROLE(roles[k])) != 0;

			session(k, token);
			st = request(rt->method, path, token, 2);
			if (st < 0)
				fail_msg("%s %s as %s: no answer", rt->method, rt->path,
				    store_role_name(roles[k]));
			if (allowed && (st == 401 || st == 403))
				fail_msg("%s %s as %s: %d, but the table allows it",
				    rt->method, rt->path, store_role_name(roles[k]), st);
			if (!allowed && st != 403)
				fail_msg("%s %s as %s: %d, not 403", rt->method, rt->path,
				    store_role_name(roles[k]), st);
			checked++;
		}
	}
	print_message("%d route × caller checks over %zu routes\n", checked,
	    api_nroutes);
	assert_true(api_nroutes >= 30);
}

static void
test_not_found_and_limits(void **state)
{
	char token[65];
	size_t i;

	(void)state;
	session(2, token);      /* admin */
	assert_int_equal(request("GET", "/api/v1/nothing-here", token, 0), 404);
	assert_int_equal(request("GET", "/api/v1/tickets/abc", token, 0), 404);
	assert_int_equal(request("DELETE", "/api/v1/state", token, 0), 405);
	assert_int_equal(request("PUT", "/api/v1/users/x", token, 2), 405);
	/* Every route with a body limit refuses one byte more. */
	for (i = 0; i < api_nroutes; i++) {
		const struct api_route *rt = &api_routes[i];
		char path[256];

		if (strcmp(rt->method, "POST") != 0 || rt->body_max > 1024 * 1024)
			continue;
		fill(rt->path, path, sizeof path);
		session(2, token);
		if (request(rt->method, path, token, rt->body_max + 1) != 413)
			fail_msg("%s %s: a body of %zu bytes was not a 413", rt->method,
			    rt->path, rt->body_max + 1);
	}
}

/* The body of the last answer (after the headers). */
static const char *
answer_body(void)
{
	const char *b = strstr(answer, "\r\n\r\n");

	return b != NULL ? b + 4 : "";
}

/*
 * GET /api/v1/state is served from a copy kept per engine version: after
 * every command it must be exactly what the engine says now.
 */
static void
test_state_cache(void **state)
{
	static const char *const cmds[][2] = {
		{ "/api/v1/tickets", "{\"queue\":\"TP-LL\"}" },
		{ "/api/v1/counters/1/open", "{}" },
		{ "/api/v1/tickets", "{\"queue\":\"TP-LL\"}" },
		{ "/api/v1/counters/1/next", "{}" },
		{ "/api/v1/counters/1/pause", "{\"reason\":\"Họp\"}" },
	};
	char token[65], *want;
	size_t i;

	(void)state;
	session(2, token);
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		cJSON *o;
		int st;

		st = request_body("POST", cmds[i][0], token, cmds[i][1]);
		assert_true(st >= 200 && st < 500);
		assert_int_equal(request("GET", "/api/v1/state", token, 0), 200);
		o = apijson_state(core_config(T.c), core_engine(T.c),
		    core_committed_event_id(T.c));
		cJSON_AddStringToObject(o, "notice", core_notice(T.c));
		want = apijson_print(o);
		cJSON_Delete(o);
		assert_string_equal(answer_body(), want);
		free(want);
		/* And again, from the copy. */
		assert_int_equal(request("GET", "/api/v1/state", token, 0), 200);
		o = apijson_state(core_config(T.c), core_engine(T.c),
		    core_committed_event_id(T.c));
		cJSON_AddStringToObject(o, "notice", core_notice(T.c));
		want = apijson_print(o);
		cJSON_Delete(o);
		assert_string_equal(answer_body(), want);
		free(want);
	}
}

/*
 * The audit log can be read and never changed: the only routes under
 * /api/v1/audit are GETs, for admins alone, and any other method there is
 * refused before a handler runs.
 */
static void
test_audit_read_only(void **state)
{
	static const char *const methods[] = { "POST", "PUT", "PATCH", "DELETE" };
	char token[65];
	size_t i;
	int n = 0;

	(void)state;
	for (i = 0; i < api_nroutes; i++) {
		const struct api_route *rt = &api_routes[i];

		if (strncmp(rt->path, "/api/v1/audit", 13) != 0)
			continue;
		if (strcmp(rt->method, "GET") != 0)
			fail_msg("%s %s: the audit log must not be changed", rt->method,
			    rt->path);
		assert_int_equal(rt->roles, ROLE(STORE_ROLE_ADMIN));
		n++;
	}
	assert_int_equal(n, 1);
	for (i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		session(2, token);
		assert_int_equal(request(methods[i], "/api/v1/audit", token, 2), 405);
		session(2, token);
		assert_int_equal(request(methods[i], "/api/v1/audit/1", token, 2), 404);
	}
}

/* Open an event stream as token; the socket once its headers came, or -1. */
static int
stream_open(const char *token)
{
	struct sockaddr_in sin;
	char req[512], buf[4096];
	size_t got = 0;
	int fd, turns;

	/* Connection: close, so that the end of the stream is the end of the
	   connection (the server ends it with the last chunk). */
	snprintf(req, sizeof req, "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\nAuthorization: Bearer %s\r\n\r\n", token);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)T.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0 ||
	    errno == EINPROGRESS);
	for (turns = 0; turns < 2000; turns++) {
		ssize_t n;

		loop_run_once(T.l, 5);
		if (turns == 1 && send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
			break;
		n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
		if (n > 0) {
			got += (size_t)n;
			buf[got] = '\0';
			if (strstr(buf, "text/event-stream") != NULL && strstr(buf, "\r\n\r\n") != NULL)
				return fd;
		} else if (n == 0)
			break;
	}
	close(fd);
	return -1;
}

/* 1 when the stream fd was ended by the server within a few loop turns. */
static int
stream_ended(int fd)
{
	char buf[4096];
	int turns;

	for (turns = 0; turns < 200; turns++) {
		ssize_t n;

		loop_run_once(T.l, 5);
		while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
			;
		if (n == 0)
			return 1;
	}
	return 0;
}

/*
 * A committed notice or configuration change ends the event streams, so
 * displays and consoles reload the state; a refused one does not.
 */
static void
test_changes_restart_streams(void **state)
{
	char token[65], disp[65];
	int fd;

	(void)state;
	session(2, token);
	session(4, disp);       /* display */
	fd = stream_open(disp);
	assert_true(fd >= 0);
	assert_int_equal(request_body("PUT", "/api/v1/notice", token, "{\"notice\":\"a\\nb\"}"), 400);
	assert_false(stream_ended(fd));
	assert_int_equal(request_body("POST", "/api/v1/config", token,
	    "{\"changes\":[{\"section\":\"counter 1\",\"key\":\"serves\",\"value\":\"NOPE\"}]}"), 400);
	assert_false(stream_ended(fd));
	assert_int_equal(request_body("PUT", "/api/v1/notice", token,
	    "{\"notice\":\"Chiều nay nghỉ\"}"), 200);
	assert_true(stream_ended(fd));
	close(fd);
	assert_string_equal(core_notice(T.c), "Chiều nay nghỉ");
	fd = stream_open(disp);
	assert_true(fd >= 0);
	assert_int_equal(request_body("POST", "/api/v1/config", token,
	    "{\"changes\":[{\"section\":\"counter 1\",\"key\":\"area\",\"value\":\"Khu Z\"}]}"), 200);
	assert_true(stream_ended(fd));
	close(fd);
	assert_string_equal(core_config(T.c)->counters[0].area, "Khu Z");
	assert_int_equal(request_body("PUT", "/api/v1/notice", token, "{\"notice\":\"\"}"), 200);
}

static void
count_row(const struct store_audit *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
}

/*
 * An action and its audit row are one transaction: with the audit table
 * gone (dropped behind the daemon's back), adding a user, setting the
 * notice and changing the configuration all answer 500 and leave nothing
 * of the change.  Runs last: it breaks the database.
 */
static void
test_audit_atomic(void **state)
{
	char token[65], path[128], *msg = NULL;
	struct store_user u;
	sqlite3 *db;
	int n = 0;
	const char *cname = core_config(T.c)->counters[0].name;
	char before[128];

	(void)state;
	snprintf(before, sizeof before, "%s", cname);
	session(2, token);
	assert_int_equal(request_body("POST", "/api/v1/users", token,
	    "{\"name\":\"atomic0\",\"password\":\"atomic-pass-0\",\"role\":\"staff\"}"), 201);
	assert_int_equal(store_user_get(T.st, "atomic0", &u), 1);
	assert_true(store_audit_list(T.st, NULL, count_row, &n) >= 1);

	snprintf(path, sizeof path, "%s/db", T.dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, "DROP TABLE audit", NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("DROP TABLE audit: %s", msg);
	sqlite3_close(db);

	assert_int_equal(request_body("POST", "/api/v1/users", token,
	    "{\"name\":\"atomic1\",\"password\":\"atomic-pass-1\",\"role\":\"staff\"}"), 500);
	assert_int_equal(store_user_get(T.st, "atomic1", &u), 0);
	if (request_body("PUT", "/api/v1/notice", token,
	    "{\"notice\":\"Không được lưu\"}") != 500)
		fail_msg("PUT notice: %s", answer);
	assert_string_equal(core_notice(T.c), "");
	if (request_body("POST", "/api/v1/config", token,
	    "{\"changes\":[{\"section\":\"counter 1\",\"key\":\"name\",\"value\":\"Không được lưu\"}]}") != 500)
		fail_msg("POST config: %s", answer);
	assert_string_equal(core_config(T.c)->counters[0].name, before);
	session(2, token);
	assert_int_equal(request_body("DELETE", "/api/v1/users/atomic0", token, ""), 500);
	assert_int_equal(store_user_get(T.st, "atomic0", &u), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_not_found_and_limits),
		cmocka_unit_test(test_state_cache),
		cmocka_unit_test(test_audit_read_only),
		cmocka_unit_test(test_changes_restart_streams),
		cmocka_unit_test(test_audit_atomic),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
