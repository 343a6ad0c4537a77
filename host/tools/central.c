/*
 * central.c - onestop-central: the province's dashboard.  Serves, from the
 * central PostgreSQL the centres export to (host/docs/export.md), one page
 * with every centre's figures of a day and the same as JSON:
 *
 *   onestop-central -f CONNINFO_FILE [-l ADDR] [-p PORT]
 *   onestop-central -f CONNINFO_FILE --init-schema   make the central schema
 *                                                    (idempotent) and exit
 *
 *   GET /                          the page (Vietnamese), ?day=YYYY-MM-DD
 *   GET /api/v1/centres?day=...    {"day","centres":[{"code","name","acked",
 *                                   "last_received","issued","served",
 *                                   "no_show","no_show_pct","wait_mean_s",
 *                                   "wait_p90_s","service_mean_s",
 *                                   "service_level_pct"}]}
 *
 * The figures come from the central view `legs` with the definitions of
 * the centres' own statistics (host/docs/stats.md).  One PostgreSQL
 * connection, used under a mutex by libmicrohttpd's thread, made again when
 * it fails.  The day is checked (YYYY-MM-DD) and goes to SQL as a parameter.
 * Prints "onestop-central: listening on http://ADDR:PORT" when ready.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>
#include <microhttpd.h>

#include "core/central_schema.h"
#include "common/strnum.h"
#include "common/xmalloc.h"

static volatile sig_atomic_t central_stop;
static pthread_mutex_t central_mu = PTHREAD_MUTEX_INITIALIZER;
static PGconn *central_pg;
static char *central_conninfo;

static const char central_sql[] =
    "SELECT c.code, c.name, c.acked,"
    " to_char(c.last_received, 'YYYY-MM-DD HH24:MI:SS'),"
    " coalesce(l.issued, 0), coalesce(l.served, 0), coalesce(l.no_show, 0),"
    " round(100.0 * l.no_show / NULLIF(l.issued, 0), 1), l.wait_mean, l.wait_p90,"
    " l.service_mean, round(100.0 * l.sl_in / NULLIF(l.sl_n, 0), 1)"
    " FROM (SELECT code, name, acked, (SELECT max(received_at) FROM events e"
    "   WHERE e.centre = centres.code) AS last_received FROM centres) c"
    " LEFT JOIN (SELECT centre, count(*) FILTER (WHERE seq = 0) AS issued,"
    "   count(*) FILTER (WHERE outcome = 'served') AS served,"
    "   count(*) FILTER (WHERE outcome = 'no_show') AS no_show,"
    "   round(avg(wait_s), 1) AS wait_mean,"
    "   percentile_disc(0.9) WITHIN GROUP (ORDER BY wait_s) AS wait_p90,"
    "   round(avg(service_s), 1) AS service_mean,"
    "   count(*) FILTER (WHERE outcome = 'served' AND wait_s IS NOT NULL"
    "    AND target_wait_s > 0) AS sl_n,"
    "   count(*) FILTER (WHERE outcome = 'served' AND wait_s <= target_wait_s) AS sl_in"
    "  FROM legs WHERE day = $1::date GROUP BY centre) l ON l.centre = c.code"
    " ORDER BY c.name, c.code";

static void
on_signal(int sig)
{
	(void)sig;
	central_stop = 1;
}

/* Whether s is YYYY-MM-DD of a real day. */
static int
day_valid(const char *s)
{
	struct tm tm;
	const char *end;

	if (s == NULL || strlen(s) != 10)
		return 0;
	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%d", &tm);
	return end != NULL && *end == '\0';
}

/* The figures of day, or NULL (message in err). Caller PQclear()s. */
static PGresult *
central_query(const char *day, char *err, size_t errlen)
{
	const char *v[1] = { day };
	PGresult *r = NULL;
	int attempt;

	pthread_mutex_lock(&central_mu);
	for (attempt = 0; attempt < 2; attempt++) {
		if (central_pg == NULL || PQstatus(central_pg) != CONNECTION_OK) {
			if (central_pg != NULL)
				PQfinish(central_pg);
			central_pg = PQconnectdb(central_conninfo);
		}
		if (PQstatus(central_pg) != CONNECTION_OK) {
			snprintf(err, errlen, "%s", PQerrorMessage(central_pg));
			continue;
		}
		r = PQexecParams(central_pg, central_sql, 1, NULL, v, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK)
			break;
		snprintf(err, errlen, "%s", PQresultErrorMessage(r));
		PQclear(r);
		r = NULL;
		PQreset(central_pg);
	}
	pthread_mutex_unlock(&central_mu);
	return r;
}

struct buf {
	char *p;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 1;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
}

/* Text for HTML, escaped. */
static void
bhtml(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': bprintf(b, "&amp;"); break;
		case '<': bprintf(b, "&lt;"); break;
		case '>': bprintf(b, "&gt;"); break;
		case '"': bprintf(b, "&quot;"); break;
		case '\'': bprintf(b, "&#39;"); break;
		default: bprintf(b, "%c", *s); break;
		}
	}
}

static const char *
cell(PGresult *r, int i, int j)
{
	return PQgetisnull(r, i, j) ? "–" : PQgetvalue(r, i, j);
}

static void
page_html(struct buf *b, PGresult *r, const char *day)
{
	static const char *const head[] = { "Trung tâm", "Sự kiện đã nhận",
		"Nhận lần cuối", "Số vé đã cấp", "Đã phục vụ", "Vắng mặt",
		"Tỷ lệ vắng mặt (%)", "Chờ trung bình (giây)", "Chờ P90 (giây)",
		"Phục vụ trung bình (giây)", "Tỷ lệ đạt chuẩn (%)" };
	size_t k;
	int i, j;

	bprintf(b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<title>Toàn tỉnh: các trung tâm phục vụ hành chính công</title>"
	    "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
	    "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}"
	    "td:first-child,th:first-child{text-align:left}</style></head><body>"
	    "<h1>Các trung tâm phục vụ hành chính công, ngày %s</h1>"
	    "<form method=\"get\"><label>Ngày <input name=\"day\" type=\"date\" value=\"%s\">"
	    "</label> <button>Xem</button></form><table><tr>", day, day);
	for (k = 0; k < sizeof head / sizeof head[0]; k++)
		bprintf(b, "<th>%s</th>", head[k]);
	bprintf(b, "</tr>\n");
	for (i = 0; i < PQntuples(r); i++) {
		bprintf(b, "<tr><td>");
		bhtml(b, PQgetvalue(r, i, 1));
		bprintf(b, " (");
		bhtml(b, PQgetvalue(r, i, 0));
		bprintf(b, ")</td>");
		for (j = 2; j < 12; j++) {
			bprintf(b, "<td>");
			bhtml(b, cell(r, i, j));
			bprintf(b, "</td>");
		}
		bprintf(b, "</tr>\n");
	}
	bprintf(b, "</table><p>Thời gian chờ = lần gọi cuối − lúc lấy số (hoặc lúc "
	    "chuyển); thời gian phục vụ = lúc kết thúc − lúc bắt đầu phục vụ; tỷ lệ "
	    "đạt chuẩn = số lượt phục vụ xong có thời gian chờ không quá chỉ tiêu của "
	    "hàng đợi / số lượt phục vụ xong; tỷ lệ vắng mặt = số vé vắng mặt / số vé "
	    "đã cấp.</p></body></html>\n");
}

static char *
page_json(PGresult *r, const char *day)
{
	static const char *const num[] = { NULL, NULL, "acked", NULL, "issued", "served",
		"no_show", "no_show_pct", "wait_mean_s", "wait_p90_s", "service_mean_s",
		"service_level_pct" };
	cJSON *o = cJSON_CreateObject(), *arr, *c;
	char *s;
	int i, j;

	cJSON_AddStringToObject(o, "day", day);
	arr = cJSON_AddArrayToObject(o, "centres");
	for (i = 0; i < PQntuples(r); i++) {
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "code", PQgetvalue(r, i, 0));
		cJSON_AddStringToObject(c, "name", PQgetvalue(r, i, 1));
		if (PQgetisnull(r, i, 3))
			cJSON_AddNullToObject(c, "last_received");
		else
			cJSON_AddStringToObject(c, "last_received", PQgetvalue(r, i, 3));
		for (j = 2; j < 12; j++) {
			if (num[j] == NULL)
				continue;
			if (PQgetisnull(r, i, j))
				cJSON_AddNullToObject(c, num[j]);
			else
				cJSON_AddNumberToObject(c, num[j], strtod(PQgetvalue(r, i, j), NULL));
		}
		cJSON_AddItemToArray(arr, c);
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned code, const char *ctype, char *body)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	MHD_add_response_header(resp, "Content-Type", ctype);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	rc = MHD_queue_response(conn, code, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_len, void **state)
{
	const char *day = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "day");
	char today[16], err[512];
	struct buf b = { NULL, 0, 0 };
	PGresult *r;
	time_t now;
	struct tm tm;
	int json;

	(void)cls; (void)version; (void)upload; (void)upload_len; (void)state;
	if (strcmp(method, "GET") != 0)
		return reply(conn, 405, "text/plain; charset=utf-8", xstrdup("405\n"));
	json = strcmp(url, "/api/v1/centres") == 0;
	if (!json && strcmp(url, "/") != 0)
		return reply(conn, 404, "text/plain; charset=utf-8",
		    xstrdup("Không có trang này.\n"));
	if (day == NULL || *day == '\0') {
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		day = today;
	} else if (!day_valid(day)) {
		return reply(conn, 400, "text/plain; charset=utf-8",
		    xstrdup("Ngày phải có dạng YYYY-MM-DD.\n"));
	}
	if ((r = central_query(day, err, sizeof err)) == NULL) {
		fprintf(stderr, "onestop-central: %s", err);
		return reply(conn, 503, "text/plain; charset=utf-8",
		    xstrdup("Không kết nối được cơ sở dữ liệu trung tâm.\n"));
	}
	if (json) {
		char *s = page_json(r, day);

		PQclear(r);
		return reply(conn, 200, "application/json", s);
	}
	b.cap = 8192;
	b.p = xmalloc(b.cap);
	page_html(&b, r, day);
	PQclear(r);
	return reply(conn, 200, "text/html; charset=utf-8", b.p);
}

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

/* Make the schema (the exporter's text, under the same lock).  0 or 1. */
static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;    /* "relation ... already exists, skipping" */
}

static int
init_schema(void)
{
	static const char *const steps[] = { "BEGIN",
		"SELECT pg_advisory_xact_lock(1330533204)", central_schema_sql, "COMMIT" };
	PGconn *pg = PQconnectdb(central_conninfo);
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "init-schema", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	int init = 0;
	const char *file = NULL, *addr = "127.0.0.1";
	long long port = 8090;
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct sigaction sig;
	int ch;

	while ((ch = getopt_long(argc, argv, "f:l:p:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'I': init = 1; break;
		case 'f': file = optarg; break;
		case 'l': addr = optarg; break;
		case 'p':
			if (strnum_parse(optarg, 0, 65535, &port) != 0) {
				fprintf(stderr, "onestop-central: bad port %s\n", optarg);
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: onestop-central -f CONNINFO_FILE [-l ADDR] [-p PORT]\n");
			return ch == 'h' ? 0 : 2;
		}
	}
	if (file == NULL) {
		fprintf(stderr, "usage: onestop-central -f CONNINFO_FILE [-l ADDR] [-p PORT]\n");
		return 2;
	}
	if ((central_conninfo = read_conninfo(file)) == NULL)
		return 1;
	if (init) {
		int rc = init_schema();

		free(central_conninfo);
		return rc;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "onestop-central: bad IPv4 address %s\n", addr);
		return 2;
	}
	memset(&sig, 0, sizeof sig);
	sig.sa_handler = on_signal;
	sigaction(SIGTERM, &sig, NULL);
	sigaction(SIGINT, &sig, NULL);
	sig.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sig, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
	    NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "onestop-central: cannot listen on %s:%lld\n", addr, port);
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "onestop-central: listening on http://%s:%u\n", addr,
	    info != NULL ? (unsigned)info->port : (unsigned)port);
	fflush(stderr);
	while (!central_stop)
		pause();
	MHD_stop_daemon(d);
	if (central_pg != NULL)
		PQfinish(central_pg);
	free(central_conninfo);
	return 0;
}
