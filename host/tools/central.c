/*
 * central.c - onestop-central: the province's dashboard.  Serves, from the
 * central PostgreSQL the centres export to (host/docs/export.md), every
 * centre's figures side by side, live and over any date range, to the
 * province's accounts:
 *
 *   onestop-central -f CONNINFO_FILE [-l ADDR] [-p PORT] [--sl-goal PCT]
 *   onestop-central -f CONNINFO_FILE --init-schema   the central schema, the
 *                                                    accounts and rollup tables
 *   onestop-central -f CONNINFO_FILE --rollup        closed days into
 *                                                    central_legs (run hourly)
 *   onestop-central -f CONNINFO_FILE --add-user NAME ROLE [CENTRE] < password
 *                     ROLE: province (every centre) or centre (only CENTRE)
 *
 *   GET  /login, POST /login (user, password)   the login form; a session cookie
 *   POST /logout (csrf)                         ends the session
 *   GET  /?from=&to=&centre=                    the dashboard page
 *   GET  /print?...                             the printable report
 *   GET  /report.csv?...                        the same as CSV (UTF-8, BOM)
 *   GET  /api/v1/report?...                     the same as JSON, and live
 *
 * The security rules are onestopd's (host/docs/api.md): sessions in HttpOnly
 * SameSite=Strict cookies (kept in PostgreSQL as a hash of the token, so
 * they outlive a restart), a CSRF token bound to the session on every POST,
 * Origin (or Referer) must name this host on a POST, logins throttled.  A
 * centre account sees its own centre only: asking for another is 403.
 * Prints "onestop-central: listening on http://ADDR:PORT" when ready.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "common/strnum.h"
#include "common/urlhost.h"
#include "common/xmalloc.h"
#include "core/central_schema.h"
#include "tools/central.h"

#define CENTRAL_BODY_MAX 4096

static volatile sig_atomic_t central_stop;

/* A request's state across libmicrohttpd's calls: the body of a POST. */
struct creq {
	char body[CENTRAL_BODY_MAX + 1];
	size_t len;
	int too_big;
};

static void
on_signal(int sig)
{
	(void)sig;
	central_stop = 1;
}

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned code, const char *ctype, char *body,
    size_t len, const char *const *headers)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	MHD_add_response_header(resp, "Content-Type", ctype);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none';"
	    " style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
	for (; headers != NULL && headers[0] != NULL; headers += 2)
		MHD_add_response_header(resp, headers[0], headers[1]);
	rc = MHD_queue_response(conn, code, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* A short page in Vietnamese (an error, or a form's answer). */
static enum MHD_Result
reply_text(struct MHD_Connection *conn, unsigned code, const char *text)
{
	char *s = xstrdup(text);

	return reply(conn, code, "text/plain; charset=utf-8", s, strlen(s), NULL);
}

static enum MHD_Result
redirect(struct MHD_Connection *conn, const char *to, const char *cookie)
{
	const char *h[] = { "Location", to, cookie != NULL ? "Set-Cookie" : NULL, cookie, NULL };

	return reply(conn, 303, "text/plain; charset=utf-8", xstrdup(""), 0, h);
}

static enum MHD_Result
login_page(struct MHD_Connection *conn, unsigned code, const char *message,
    const char *const *headers)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<title>Đăng nhập: các trung tâm phục vụ hành chính công</title>"
	    "<style>body{font-family:sans-serif;margin:3em}label{display:block;margin:.5em 0}"
	    "p.err{color:#a00}</style></head><body><h1>Đăng nhập</h1>"
	    "<p>Báo cáo các trung tâm phục vụ hành chính công của tỉnh.</p>");
	if (message != NULL) {
		buf_printf(&b, "<p class=\"err\" id=\"err\">");
		buf_html(&b, message);
		buf_printf(&b, "</p>");
	}
	buf_printf(&b, "<form method=\"post\" action=\"/login\">"
	    "<label>Tên đăng nhập <input name=\"user\" autocomplete=\"username\" required></label>"
	    "<label>Mật khẩu <input name=\"password\" type=\"password\""
	    " autocomplete=\"current-password\" required></label>"
	    "<button>Đăng nhập</button></form></body></html>\n");
	return reply(conn, code, "text/html; charset=utf-8", b.p, b.len, headers);
}

/* A POST must not come from another site's page: Origin (or Referer), when
   the browser sends one, names our Host. */
static int
same_origin(struct MHD_Connection *conn)
{
	const char *o = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	char oh[256];

	if (o == NULL)
		o = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Referer");
	if (o == NULL)
		return 1;
	return host != NULL && urlhost(o, oh, sizeof oh) == 0 && strcasecmp(oh, host) == 0;
}

static void
client_addr(struct MHD_Connection *conn, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	snprintf(out, outlen, "?");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    out, (socklen_t)outlen);
	else if (sa != NULL && sa->sa_family == AF_INET6) {
		struct in6_addr a6 = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		memset(a6.s6_addr + 8, 0, 8);        /* one client holds a /64 */
		inet_ntop(AF_INET6, &a6, out, (socklen_t)outlen);
	}
}

static enum MHD_Result
do_login(struct MHD_Connection *conn, const char *body)
{
	char user[128], pw[256], addr[64], token[CENTRAL_TOKEN_HEX], cookie[200], msg[160];
	char retry[16];
	int retry_s = 0;
	const char *h[] = { "Retry-After", retry, NULL };

	if (!same_origin(conn))
		return login_page(conn, 403, "Yêu cầu đăng nhập đến từ trang của máy chủ khác;"
		    " hãy mở trang đăng nhập của hệ thống.", NULL);
	if (central_form_field(body, "user", user, sizeof user) < 0 ||
	    central_form_field(body, "password", pw, sizeof pw) < 0)
		return login_page(conn, 400, "Hãy nhập tên đăng nhập và mật khẩu.", NULL);
	client_addr(conn, addr, sizeof addr);
	switch (central_login(user, pw, addr, token, &retry_s)) {
	case CL_OK:
		sodium_memzero(pw, sizeof pw);
		snprintf(cookie, sizeof cookie, "central_session=%s; Path=/; HttpOnly;"
		    " SameSite=Strict; Max-Age=%d", token, CENTRAL_SESSION_S);
		sodium_memzero(token, sizeof token);
		return redirect(conn, "/", cookie);
	case CL_BAD:
		sodium_memzero(pw, sizeof pw);
		return login_page(conn, 401, "Sai tên đăng nhập hoặc mật khẩu.", NULL);
	case CL_LOCKED:
	case CL_BUSY:
		sodium_memzero(pw, sizeof pw);
		snprintf(retry, sizeof retry, "%d", retry_s);
		snprintf(msg, sizeof msg, retry_s > 1 ? "Đăng nhập sai quá nhiều lần; hãy thử"
		    " lại sau %d giây." : "Hệ thống đang bận kiểm tra đăng nhập; hãy thử lại"
		    " sau %d giây.", retry_s);
		return login_page(conn, retry_s > 1 ? 429 : 503, msg, h);
	default:
		sodium_memzero(pw, sizeof pw);
		return login_page(conn, 503, "Không đọc được dữ liệu tài khoản.", NULL);
	}
}

/* The range of the request for u: 0, or the HTTP code of the refusal with
   its message (central_range_parse). */
static unsigned
range_of(struct MHD_Connection *conn, const struct central_user *u, struct central_range *rg,
    const char **msg)
{
	return central_range_parse(
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "from"),
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "to"),
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "centre"),
	    u, time(NULL), rg, msg);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_len, void **state)
{
	struct creq *q = *state;
	const char *token = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "central_session");
	const char *msg = NULL;
	struct central_user u;
	struct central_range rg;
	char err[512], csrf[CENTRAL_TOKEN_HEX], given[CENTRAL_TOKEN_HEX + 8];
	struct buf b;
	int post = strcmp(method, "POST") == 0, authed, rc = 0;
	unsigned code;

	(void)cls;
	(void)version;
	if (post && q == NULL) {            /* the headers: the body comes next */
		*state = xcalloc(1, sizeof *q);
		return MHD_YES;
	}
	if (post && *upload_len > 0) {
		if (q->len + *upload_len > CENTRAL_BODY_MAX)
			q->too_big = 1;
		else {
			memcpy(q->body + q->len, upload, *upload_len);
			q->len += *upload_len;
			q->body[q->len] = '\0';
		}
		*upload_len = 0;
		return MHD_YES;
	}
	if (post && q->too_big)
		return reply_text(conn, 413, "Yêu cầu quá lớn.\n");
	if (!post && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply_text(conn, 405, "Phương thức không được hỗ trợ.\n");
	if (strcmp(url, "/login") == 0)
		return post ? do_login(conn, q->body) : login_page(conn, 200, NULL, NULL);
	if ((authed = central_session(token, &u)) < 0)
		return reply_text(conn, 503, "Không đọc được cơ sở dữ liệu của tỉnh.\n");
	if (strcmp(url, "/logout") == 0 && post) {
		if (!authed)
			return redirect(conn, "/login", NULL);
		if (!same_origin(conn) || central_form_field(q->body, "csrf", given, sizeof given) < 0 ||
		    !central_csrf_ok(token, given))
			return reply_text(conn, 403, "Thiếu mã chống giả mạo yêu cầu (CSRF) hoặc mã"
			    " không đúng, hoặc yêu cầu đến từ trang của máy chủ khác; hãy tải lại"
			    " trang.\n");
		central_logout(token);
		return redirect(conn, "/login", "central_session=; Path=/; HttpOnly;"
		    " SameSite=Strict; Max-Age=0");
	}
	if (post)
		return reply_text(conn, 405, "Phương thức không được hỗ trợ.\n");
	if (strcmp(url, "/") != 0 && strcmp(url, "/print") != 0 &&
	    strcmp(url, "/report.csv") != 0 && strcmp(url, "/api/v1/report") != 0)
		return reply_text(conn, 404, "Không có trang này.\n");
	if (!authed)
		return strcmp(url, "/api/v1/report") == 0 || strcmp(url, "/report.csv") == 0 ?
		    reply_text(conn, 401, "Cần đăng nhập.\n") : redirect(conn, "/login", NULL);
	if ((code = range_of(conn, &u, &rg, &msg)) != 0)
		return reply_text(conn, code, msg);
	buf_init(&b);
	if (strcmp(url, "/report.csv") == 0)
		rc = central_csv(&b, &rg, err, sizeof err);
	else if (strcmp(url, "/api/v1/report") == 0)
		rc = central_json(&b, &rg, err, sizeof err);
	else {
		central_csrf_of(token, csrf);
		rc = central_page(&b, &rg, &u, csrf, strcmp(url, "/print") == 0, err, sizeof err);
	}
	if (rc != 0) {
		free(b.p);
		fprintf(stderr, "onestop-central: %s", err);
		return reply_text(conn, 503, "Không đọc được cơ sở dữ liệu của tỉnh.\n");
	}
	if (strcmp(url, "/report.csv") == 0) {
		char disp[96];
		const char *h[] = { "Content-Disposition", disp, NULL };

		snprintf(disp, sizeof disp, "attachment; filename=\"bao-cao-%s-%s.csv\"",
		    rg.from, rg.to);
		return reply(conn, 200, "text/csv; charset=utf-8", b.p, b.len, h);
	}
	return reply(conn, 200, strcmp(url, "/api/v1/report") == 0 ? "application/json" :
	    "text/html; charset=utf-8", b.p, b.len, NULL);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **state,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	if (*state != NULL) {
		sodium_memzero(*state, sizeof(struct creq));
		free(*state);
		*state = NULL;
	}
}

/* The conninfo file: one line, mode 0600 or stricter.  NULL after a message. */
static char *
read_conninfo(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	struct stat sb;
	size_t n;

	if (f != NULL && (fstat(fileno(f), &sb) != 0 || (sb.st_mode & 077) != 0)) {
		fprintf(stderr, "onestop-central: %s: must be mode 0600 (it holds the "
		    "password)\n", path);
		fclose(f);
		return NULL;
	}
	if (f == NULL || fgets(line, sizeof line, f) == NULL) {
		fprintf(stderr, "onestop-central: %s: %s\n", path,
		    f == NULL ? strerror(errno) : "empty");
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	fclose(f);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return xstrdup(line);
}

static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;    /* "relation ... already exists, skipping" */
}

/* Make the schema (the exporter's text, under its lock) and the accounts.
   0 or 1. */
static int
init_schema(const char *conninfo)
{
	static const char *const steps[] = { "BEGIN",
		"SELECT pg_advisory_xact_lock(1330533204)", central_schema_sql,
		central_dashboard_sql, central_sessions_sql, "COMMIT" };
	PGconn *pg = PQconnectdb(conninfo);
	size_t i;

	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "onestop-central: %s", PQerrorMessage(pg));
		PQfinish(pg);
		return 1;
	}
	PQsetNoticeProcessor(pg, quiet, NULL);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		PGresult *r = PQexec(pg, steps[i]);

		if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "onestop-central: schema: %s", PQresultErrorMessage(r));
			PQclear(r);
			PQfinish(pg);
			return 1;
		}
		PQclear(r);
	}
	PQfinish(pg);
	printf("onestop-central: the central schema is ready\n");
	return 0;
}

/*
 * --rollup: the closed days into central_legs (core/central_schema.c), one
 * transaction under a session lock so that two runs do not roll the same
 * day twice.  Prints the days rolled.  0 or 1.
 */
static int
rollup(const char *conninfo)
{
	PGconn *pg = PQconnectdb(conninfo);
	PGresult *r;
	long long days = 0;
	int i, rc = 0;

	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "onestop-central: %s", PQerrorMessage(pg));
		PQfinish(pg);
		return 1;
	}
	PQclear(PQexec(pg, "SELECT pg_advisory_lock(1330533205)"));
	for (i = 0; central_rollup_steps[i] != NULL; i++) {
		r = PQexec(pg, central_rollup_steps[i]);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			days = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		else if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "onestop-central: rollup: %s", PQresultErrorMessage(r));
			PQclear(r);
			rc = 1;
			break;
		}
		PQclear(r);
	}
	PQfinish(pg);          /* an open transaction ends with the connection */
	if (rc == 0)
		printf("onestop-central: %lld days rolled up\n", days);
	return rc;
}

/* --add-user NAME ROLE [CENTRE], the password on the first line of stdin. */
static int
add_user(const char *name, int argc, char **argv)
{
	char pw[1024];
	size_t n;
	int rc;

	if (argc < 1 || argc > 2) {
		fprintf(stderr, "usage: onestop-central -f FILE --add-user NAME ROLE [CENTRE]"
		    " < password\n");
		return 2;
	}
	if (fgets(pw, sizeof pw, stdin) == NULL)
		pw[0] = '\0';
	n = strlen(pw);
	while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
		pw[--n] = '\0';
	rc = central_add_user(name, argv[0], argc == 2 ? argv[1] : NULL, pw);
	sodium_memzero(pw, sizeof pw);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: onestop-central -f CONNINFO_FILE [-l ADDR] [-p PORT]"
	    " [--sl-goal PCT]\n"
	    "       onestop-central -f CONNINFO_FILE --init-schema\n"
	    "       onestop-central -f CONNINFO_FILE --rollup\n"
	    "       onestop-central -f CONNINFO_FILE --add-user NAME province|centre [CENTRE]"
	    " < password\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "init-schema", no_argument, NULL, 'I' },
		{ "rollup", no_argument, NULL, 'R' },
		{ "add-user", required_argument, NULL, 'U' },
		{ "sl-goal", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	int init = 0, roll = 0, rc;
	const char *file = NULL, *addr = "127.0.0.1", *newuser = NULL;
	long long port = 8090, goal;
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct sigaction sig;
	char *conninfo;
	int ch;

	while ((ch = getopt_long(argc, argv, "f:l:p:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'I': init = 1; break;
		case 'R': roll = 1; break;
		case 'U': newuser = optarg; break;
		case 'f': file = optarg; break;
		case 'l': addr = optarg; break;
		case 'g':
			if (strnum_parse(optarg, 1, 100, &goal) != 0) {
				fprintf(stderr, "onestop-central: bad --sl-goal %s (1-100)\n", optarg);
				return 2;
			}
			central_sl_goal = (double)goal;
			break;
		case 'p':
			if (strnum_parse(optarg, 0, 65535, &port) != 0) {
				fprintf(stderr, "onestop-central: bad port %s\n", optarg);
				return 2;
			}
			break;
		default:
			usage();
			return ch == 'h' ? 0 : 2;
		}
	}
	if (file == NULL || (newuser == NULL && optind != argc)) {
		usage();
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "onestop-central: libsodium cannot be initialised\n");
		return 1;
	}
	if ((conninfo = read_conninfo(file)) == NULL)
		return 1;
	if (init || roll) {
		rc = init ? init_schema(conninfo) : rollup(conninfo);
		free(conninfo);
		return rc;
	}
	central_db_init(conninfo);
	free(conninfo);
	if (newuser != NULL) {
		rc = add_user(newuser, argc - optind, argv + optind);
		central_db_fini();
		return rc;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "onestop-central: bad IPv4 address %s\n", addr);
		central_db_fini();
		return 2;
	}
	memset(&sig, 0, sizeof sig);
	sig.sa_handler = on_signal;
	sigaction(SIGTERM, &sig, NULL);
	sigaction(SIGINT, &sig, NULL);
	sig.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sig, NULL);
	central_auth_init();
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
	    NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, 4u,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "onestop-central: cannot listen on %s:%lld\n", addr, port);
		central_auth_fini();
		central_db_fini();
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "onestop-central: listening on http://%s:%u\n", addr,
	    info != NULL ? (unsigned)info->port : (unsigned)port);
	fflush(stderr);
	while (!central_stop)
		pause();
	MHD_stop_daemon(d);
	central_auth_fini();
	central_db_fini();
	return 0;
}
