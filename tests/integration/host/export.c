/*
 * export.c - issue 18 against the real programs: two onestopd centres
 * export to one real PostgreSQL (Debian's, initdb'd in a temp dir, on a Unix
 * socket there, no TCP port; started and stopped by its pid, as nobody when
 * run as root), fed by API calls (issue, call, start, finish, no-show,
 * transfer, rate).  While they are fed, at seeded random steps the
 * PostgreSQL server is killed (SIGKILL) and restarted, and a centre is
 * killed (SIGKILL) and restarted on its database.  Then:
 *
 *   - each centre's central acked id reaches its last committed event;
 *   - the central events of each centre are exactly its own events table,
 *     every column, each once (no id missing, none extra);
 *   - the central figures of the legs view (config/central and
 *     host/docs/export.md) for each centre's day equal the centre's own
 *     /api/v1/stats/report: issued, served, no-shows, no-show %, wait and
 *     service n / mean / median / p90 / max, service level;
 *   - the same for a third centre whose store holds four past days of
 *     minutes-long waits (service level about 50 %), over the range and a day;
 *   - a lost commit answer (acked moved back) is sent again without harm;
 *   - while the server hangs (SIGSTOP), every command answers within 1 s
 *     and a centre stops (SIGTERM) within 5 s;
 *   - centre A reaches the server over TCP through the test's relay
 *     (relay.c), with [export] timeout_s = 2 and keepalives and
 *     tcp_user_timeout of 1-2 s in its conninfo; while both centres are
 *     fed, at random steps the relay black-holes the path (both sockets kept
 *     open, nothing forwarded: the kernel still acknowledges, so only the
 *     exporter's own timeout ends the call), resets every connection, or
 *     both; after each, A's export catches up within CUT_BOUND_MS on a new
 *     connection, and A's commands answer within 1 s meanwhile (with
 *     timeout_s = 3600 the first black hole is never recovered from);
 *   - GET /metrics of centre B: the export lag is 0 while the server is up;
 *     with the server killed, it rises (events, and seconds past 2),
 *     connected is 0 and the failures count; restarted, the lag is 0 again;
 *   - the second centre writes as a role with SELECT/INSERT/UPDATE only;
 *   - onestop-central --init-schema, twice (its pages and logins:
 *     tests/integration/host/central.c);
 *   - onestopd -n refuses a conninfo file that others may read, and a
 *     centre_code that is not an id.
 *
 *   export [SEED]
 *
 * Environment: B (build dir), PGBIN (default: the newest
 * /usr/lib/postgresql/N/bin).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "harness.h"
#include "pgtest.h"
#include "relay.h"

#define PW "export-admin-1"
#define NCENTRES 2
#define STEPS 1400
#define WATCHDOG_S 240

/* Centre A reaches the server through the relay, with short timeouts:
   after a cut it must have caught up within CUT_BOUND_MS (3 timeouts and
   2 back-offs, and 3 s to send); it never would without them. */
#define CUT_TIMEOUT_S 2
#define CUT_BOUND_MS ((3 * CUT_TIMEOUT_S + 2 * 1 + 3) * 1000.0)

static struct pgtest PG;
static struct relay RL;

static void
on_alarm(int sig)
{
	static const char msg[] = "export: watchdog: stuck, giving up\n";

	(void)sig;
	if (write(2, msg, sizeof msg - 1) < 0) {
		/* nothing to do */
	}
	if (PG.pid > 0)
		kill(-PG.pid, SIGKILL);
	if (RL.pid > 0)
		kill(RL.pid, SIGKILL);
	_exit(1);
}

/* Make the centre's temp dir: [export] in its INI, its conninfo file. */
static int
centre_init(struct hn_daemon *d, int k)
{
	char path[600];
	FILE *f;

	if (hn_init(d, k == 0 ? "export-a" : k == 1 ? "export-b" : "export-h") != 0)
		return -1;
	snprintf(path, sizeof path, "%s/central.conninfo", d->dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	/* centre A goes through the relay, over TCP, with short timeouts;
	   centre B writes as a role that may only read, insert and update
	   the tables the schema's owner makes (host/docs/export.md) */
	if (k == 0)
		fprintf(f, "host=127.0.0.1 port=%d dbname=postgres user=onestop "
		    "connect_timeout=%d keepalives_idle=1 keepalives_interval=1 "
		    "keepalives_count=2 tcp_user_timeout=%d\n", RL.port, CUT_TIMEOUT_S,
		    CUT_TIMEOUT_S * 1000);
	else
		fprintf(f, "%s%s\n", PG.conninfo, k == 1 ? " user=tg_cailay" : "");
	fclose(f);
	chmod(path, 0600);
	if ((f = fopen(d->ini, "a")) == NULL)
		return -1;
	fprintf(f, "\n[export]\nconninfo_file = central.conninfo\n"
	    "centre_code = %s\nbatch = 40\npoll_ms = 20\nretry_max_s = 1\n",
	    k == 0 ? "TG-MYTHO" : k == 1 ? "TG-CAILAY" : "TG-HISTORY");
	if (k == 0)
		fprintf(f, "timeout_s = %d\n", CUT_TIMEOUT_S);
	fclose(f);
	return hn_add_user(d, "admin", "admin", NULL, PW);
}

/* onestopd -n with the conninfo file readable by others: refused. */
static void
test_conninfo_mode(struct hn_daemon *d)
{
	char path[600];
	int status;
	pid_t pid;

	snprintf(path, sizeof path, "%s/central.conninfo", d->dir);
	chmod(path, 0644);
	if ((pid = fork()) == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(d->bin, d->bin, "-c", d->ini, "-n", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	hn_expect(WIFEXITED(status) && WEXITSTATUS(status) == 1,
	    "onestopd -n refuses a conninfo file of mode 0644");
	chmod(path, 0600);
	if ((pid = fork()) == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(d->bin, d->bin, "-c", d->ini, "-n", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	hn_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "onestopd -n accepts it at 0600");
	{
		/* a centre_code that is not a code, named by file:line */
		char bad[700], cmd[4096], out[512] = "";
		FILE *p;

		snprintf(bad, sizeof bad, "%s/bad.ini", d->dir);
		snprintf(cmd, sizeof cmd, "sed 's/^centre_code = .*/centre_code = Mỹ Tho/' '%s' > '%s'"
		    " && '%s' -c '%s' -n 2>&1", d->ini, bad, d->bin, bad);
		if ((p = popen(cmd, "r")) != NULL) {
			if (fgets(out, sizeof out, p) == NULL)
				out[0] = '\0';
			status = pclose(p);
		}
		hn_expect(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
		    strstr(out, "bad.ini:") != NULL && strstr(out, "centre_code") != NULL,
		    "onestopd -n refuses centre_code = Mỹ Tho with file:line: %s", out);
	}
}

struct centre {
	struct hn_daemon d;
	struct hn_http h;
	int up;
	int phase[4];            /* per counter 1..4: the next action */
	char day[16];
};

static const char *const queues[] = { "TP-LL", "TP-HT", "TP-BT", "KH-DN" };

static int
centre_up(struct centre *c)
{
	if (hn_start(&c->d) != 0)
		return -1;
	hn_http_set_port(&c->h, c->d.port);
	if (hn_login(&c->h, "admin", PW) != 0)
		return -1;
	c->up = 1;
	return 0;
}

/* One random command at centre c. */
static void
centre_step(struct centre *c, uint64_t *rng)
{
	static const char *const cycle[] = { "next", "start", "finish", "rate" };
	char path[96], body[64];
	unsigned r = hn_randn(rng, 100);
	int k = (int)hn_randn(rng, 4);
	long code;

	if (r < 45) {
		snprintf(body, sizeof body, "{\"queue\":\"%s\"}", queues[hn_randn(rng, 4)]);
		hn_req(&c->h, "POST", "/api/v1/tickets", body, NULL);
		return;
	}
	if (c->phase[k] == 1 && r < 52) {
		snprintf(path, sizeof path, "/api/v1/counters/%d/no-show", k + 1);
		if (hn_req(&c->h, "POST", path, NULL, NULL) == 200)
			c->phase[k] = 0;
		return;
	}
	if (c->phase[k] == 1 && r < 57) {
		snprintf(path, sizeof path, "/api/v1/counters/%d/transfer", k + 1);
		snprintf(body, sizeof body, "{\"queue\":\"%s\"}", queues[(k + 1) % 4]);
		if (hn_req(&c->h, "POST", path, body, NULL) == 200)
			c->phase[k] = 0;
		return;
	}
	snprintf(path, sizeof path, "/api/v1/counters/%d/%s", k + 1, cycle[c->phase[k]]);
	snprintf(body, sizeof body, "{\"value\":%u}", 1 + hn_randn(rng, 4));
	code = hn_req(&c->h, "POST", path, c->phase[k] == 3 ? body : NULL, NULL);
	/* Whatever was refused (nothing waiting, a state restored after a
	   crash), the next action comes next time. */
	c->phase[k] = code == 200 || c->phase[k] != 0 ? (c->phase[k] + 1) % 4 : 0;
}

/* The centre's events as text lines, one per event, in id order. */
static char *
local_events(const char *db, int64_t *last, long *n)
{
	sqlite3 *s;
	sqlite3_stmt *q;
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap);

	*last = 0;
	*n = 0;
	out[0] = '\0';
	if (sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return out;
	sqlite3_busy_timeout(s, 5000);
	if (sqlite3_prepare_v2(s, "SELECT id, type, at, coalesce(ticket_id, ''),"
	    " coalesce(number, ''), coalesce(queue, ''), coalesce(counter, ''),"
	    " coalesce(staff, ''), coalesce(value, ''), coalesce(value_code, ''),"
	    " coalesce(reason, '') FROM events ORDER BY id", -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step(q) == SQLITE_ROW) {
			char line[512];
			int m = snprintf(line, sizeof line, "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n",
			    sqlite3_column_text(q, 0), sqlite3_column_text(q, 1),
			    sqlite3_column_text(q, 2), sqlite3_column_text(q, 3),
			    sqlite3_column_text(q, 4), sqlite3_column_text(q, 5),
			    sqlite3_column_text(q, 6), sqlite3_column_text(q, 7),
			    sqlite3_column_text(q, 8), sqlite3_column_text(q, 9),
			    sqlite3_column_text(q, 10));

			while (len + (size_t)m + 1 > cap)
				out = realloc(out, cap *= 2);
			memcpy(out + len, line, (size_t)m + 1);
			len += (size_t)m;
			*last = sqlite3_column_int64(q, 0);
			(*n)++;
		}
		sqlite3_finalize(q);
	}
	sqlite3_close(s);
	return out;
}

static char *
central_events(PGconn *pg, const char *centre, long *n)
{
	const char *v[1] = { centre };
	PGresult *r = PQexecParams(pg, "SELECT id, type, at, coalesce(ticket_id::text, ''),"
	    " coalesce(number::text, ''), coalesce(queue, ''), coalesce(counter::text, ''),"
	    " coalesce(staff::text, ''), coalesce(value::text, ''), coalesce(value_code, ''),"
	    " coalesce(reason, '') FROM events WHERE centre = $1 ORDER BY id",
	    1, NULL, v, NULL, NULL, 0);
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap);
	int i, j;

	out[0] = '\0';
	*n = 0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "export: central events: %s", PQresultErrorMessage(r));
		PQclear(r);
		return out;
	}
	for (i = 0; i < PQntuples(r); i++) {
		for (j = 0; j < 11; j++) {
			const char *s = PQgetvalue(r, i, j);
			size_t m = strlen(s);

			while (len + m + 2 > cap)
				out = realloc(out, cap *= 2);
			memcpy(out + len, s, m);
			len += m;
			out[len++] = j == 10 ? '\n' : '|';
		}
		out[len] = '\0';
	}
	*n = PQntuples(r);
	PQclear(r);
	return out;
}

/* One integer the query (its ?1, ?2, if any, bound to a, b) answers from
   the centre's store, or -1. */
static int64_t
local_int(const char *db, const char *sql, int64_t a, int64_t b)
{
	sqlite3 *s;
	sqlite3_stmt *q;
	int64_t n = -1;

	if (sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(s, 5000) == SQLITE_OK &&
	    sqlite3_prepare_v2(s, sql, -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_bind_parameter_count(q) == 2) {
			sqlite3_bind_int64(q, 1, a);
			sqlite3_bind_int64(q, 2, b);
		}
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	sqlite3_close(s);
	return n;
}

/* Events with lo < id <= hi in the centre's store / centrally. */
static int64_t
count_local(const char *db, int64_t lo, int64_t hi)
{
	return local_int(db, "SELECT count(*) FROM events WHERE id > ?1 AND id <= ?2", lo, hi);
}

static int64_t
count_central(PGconn *pg, const char *centre, int64_t lo, int64_t hi)
{
	char a[32], b[32];
	const char *v[3] = { centre, a, b };
	PGresult *r;
	int64_t n = -1;

	snprintf(a, sizeof a, "%" PRId64, lo);
	snprintf(b, sizeof b, "%" PRId64, hi);
	r = PQexecParams(pg, "SELECT count(*) FROM events WHERE centre = $1 AND id > $2::bigint"
	    " AND id <= $3::bigint", 3, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

static int64_t
central_acked(PGconn *pg, const char *centre)
{
	const char *v[1] = { centre };
	PGresult *r = PQexecParams(pg, "SELECT acked FROM centres WHERE code = $1",
	    1, NULL, v, NULL, NULL, 0);
	int64_t a = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		a = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return a;
}

/*
 * The same figures as a report's total and its queues, from the central
 * legs view (config/central/report.sql says the same in a file for people).
 */
static const char central_report_sql[] =
    "SELECT CASE WHEN GROUPING(queue) = 1 THEN '' ELSE queue END,"
    " count(*) FILTER (WHERE seq = 0),"
    " count(*) FILTER (WHERE seq > 0),"
    " count(*) FILTER (WHERE outcome = 'served'),"
    " count(*) FILTER (WHERE outcome = 'no_show'),"
    " count(*) FILTER (WHERE outcome = 'cancelled'),"
    " count(*) FILTER (WHERE outcome = 'transferred'),"
    " count(*) FILTER (WHERE outcome = 'open'),"
    " count(wait_s), round(avg(wait_s), 1),"
    " percentile_disc(0.5) WITHIN GROUP (ORDER BY wait_s),"
    " percentile_disc(0.9) WITHIN GROUP (ORDER BY wait_s), max(wait_s),"
    " count(service_s), round(avg(service_s), 1),"
    " percentile_disc(0.5) WITHIN GROUP (ORDER BY service_s),"
    " percentile_disc(0.9) WITHIN GROUP (ORDER BY service_s), max(service_s),"
    " count(*) FILTER (WHERE outcome = 'served' AND wait_s IS NOT NULL AND target_wait_s > 0),"
    " count(*) FILTER (WHERE outcome = 'served' AND wait_s <= target_wait_s),"
    " count(rating)"
    " FROM legs WHERE centre = $1 AND day BETWEEN $2::date AND $3::date"
    " GROUP BY GROUPING SETS ((), (queue))";

static double
jnum(const cJSON *o, const char *a, const char *b)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b != NULL)
		x = cJSON_GetObjectItemCaseSensitive(x, b);
	return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

static double
pnum(PGresult *r, int i, int j)
{
	return PQgetisnull(r, i, j) ? NAN : strtod(PQgetvalue(r, i, j), NULL);
}

/* Compare one report group g with the central row of the same key; 0 = same. */
static int
compare_group(const cJSON *g, PGresult *r, const char *code, const char *key)
{
	static const struct { const char *a, *b; } f[] = {
		{ "issued", NULL }, { "transferred_in", NULL }, { "served", NULL },
		{ "no_show", NULL }, { "cancelled", NULL }, { "transferred_out", NULL },
		{ "open", NULL },
		{ "wait", "n" }, { "wait", "mean_s" }, { "wait", "median_s" },
		{ "wait", "p90_s" }, { "wait", "max_s" },
		{ "service", "n" }, { "service", "mean_s" }, { "service", "median_s" },
		{ "service", "p90_s" }, { "service", "max_s" },
		{ "service_level", "n" }, { "service_level", "within" },
		{ "rating", "n" },
	};
	double mine, central, iss, ns, nsp;
	int i, row = -1, before = hn_failures;
	size_t j;

	for (i = 0; i < PQntuples(r); i++)
		if (strcmp(PQgetvalue(r, i, 0), key) == 0)
			row = i;
	if (row < 0) {
		hn_expect(0, "%s: queue '%s' of the report has no central row", code, key);
		return -1;
	}
	for (j = 0; j < sizeof f / sizeof f[0]; j++) {
		mine = jnum(g, f[j].a, f[j].b);
		central = pnum(r, row, (int)j + 1);
		hn_expect((isnan(mine) && isnan(central)) || fabs(mine - central) < 1e-9,
		    "%s [%s]: %s%s%s: centre %g, central %g", code, key, f[j].a,
		    f[j].b ? "." : "", f[j].b ? f[j].b : "", mine, central);
	}
	/* no-show % = no-shows / issued, rounded as the centre rounds */
	iss = pnum(r, row, 1);
	ns = pnum(r, row, 4);
	nsp = iss > 0 ? round(1000.0 * ns / iss) / 10.0 : 0;
	hn_expect(fabs(jnum(g, "no_show_pct", NULL) - nsp) < 1e-9,
	    "%s [%s]: no_show_pct: centre %g, central %g", code, key,
	    jnum(g, "no_show_pct", NULL), nsp);
	return hn_failures == before ? 0 : -1;
}

static void
compare_report(PGconn *pg, struct centre *c, const char *code, const char *from,
    const char *to)
{
	char path[128];
	const char *v[3] = { code, from, to };
	cJSON *ans = NULL, *q, *g;
	PGresult *r;
	int before = hn_failures, nq = 0, tin = 0;

	snprintf(path, sizeof path, "/api/v1/stats/report?from=%s&to=%s&by=queue",
	    from, to);
	hn_expect(hn_req(&c->h, "GET", path, NULL, &ans) == 200 && ans != NULL,
	    "%s: the centre's report", code);
	r = PQexecParams(pg, central_report_sql, 3, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		hn_expect(0, "%s: central report: %s", code, PQresultErrorMessage(r));
		PQclear(r);
		cJSON_Delete(ans);
		return;
	}
	compare_group(cJSON_GetObjectItemCaseSensitive(ans, "total"), r, code, "");
	q = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ans, "by"), "queue");
	cJSON_ArrayForEach(g, q) {
		const char *key = hn_str(g, "key");

		compare_group(g, r, code, key ? key : "?");
		tin += (int)jnum(g, "transferred_in", NULL);
		nq++;
	}
	hn_expect(nq + 1 == PQntuples(r), "%s: %d queues in the report, %d central", code, nq,
	    PQntuples(r) - 1);
	hn_expect(tin > 0, "%s: the day has transferred legs (%d)", code, tin);
	{
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(ans, "total");

		printf("export: %s %s..%s: %.0f issued, %.0f served, %.0f no-show, %d "
		    "transferred in, wait mean %.1f s p90 %.0f s max %.0f s, service mean "
		    "%.1f s, service level %g %%, %d queues: centre and central %s\n", code,
		    from, to, jnum(t, "issued", NULL), jnum(t, "served", NULL),
		    jnum(t, "no_show", NULL), tin, jnum(t, "wait", "mean_s"),
		    jnum(t, "wait", "p90_s"), jnum(t, "wait", "max_s"),
		    jnum(t, "service", "mean_s"), jnum(t, "service_level", "pct"), nq,
		    hn_failures == before ? "agree" : "DIFFER");
	}
	PQclear(r);
	cJSON_Delete(ans);
}


/* ---- a history of days with real-sized times -------------------------------------- */

struct hev {
	int64_t at, ticket;
	int ord;                 /* order within the ticket */
	const char *type, *queue, *to;
	int counter, value, number;
};

static struct hev *hevs;
static int nhev, caphev;

static void
hev_add(int64_t at, int64_t ticket, int *ord, const char *type, const char *queue,
    int counter, int value, const char *to, int number)
{
	if (nhev == caphev) {
		caphev = caphev ? caphev * 2 : 4096;
		hevs = realloc(hevs, (size_t)caphev * sizeof *hevs);
	}
	hevs[nhev++] = (struct hev){ at, ticket, (*ord)++, type, queue, to, counter, value,
		number };
}

static int
hev_cmp(const void *a, const void *b)
{
	const struct hev *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->ticket != y->ticket)
		return x->ticket < y->ticket ? -1 : 1;
	return x->ord - y->ord;
}

/*
 * One leg from enq in queue q at counter c: waits up to 70 minutes (the
 * demo's targets are 15-45), recalls, no-shows, cancels, finishes straight
 * from "called", services of 2-25 minutes, ratings; a transfer (when
 * allowed) opens a second leg.  Returns the ticket's last time; *state the
 * final state.
 */
static int64_t
hist_leg(uint64_t *rng, int64_t id, int *ord, int64_t enq, int q, int number,
    int may_transfer, const char **state)
{
	static const char *const qs[] = { "TP-LL", "TP-HT", "TP-BT", "KH-DN" };
	unsigned r = hn_randn(rng, 100);
	int64_t t = enq + hn_randn(rng, 4200), start;
	int c = 1 + q;

	if (r < 3) {
		hev_add(t, id, ord, "cancelled", qs[q], 0, 0, NULL, number);
		*state = "cancelled";
		return t;
	}
	hev_add(t, id, ord, "called", qs[q], c, 1, NULL, number);
	if (hn_randn(rng, 100) < 12) {
		t += 60 + hn_randn(rng, 120);
		hev_add(t, id, ord, "recalled", qs[q], c, 2, NULL, number);
	}
	if (r < 11) {
		t += 120;
		hev_add(t, id, ord, "no_show", qs[q], c, 0, NULL, number);
		*state = "no_show";
		return t;
	}
	start = t + 10 + hn_randn(rng, 60);
	if (hn_randn(rng, 100) >= 10)
		hev_add(start, id, ord, "started", qs[q], c, 0, NULL, number);
	if (may_transfer && r < 18) {
		t = start + 60 + hn_randn(rng, 300);
		hev_add(t, id, ord, "transferred", qs[q], c, 0, qs[(q + 1) % 4], number);
		return hist_leg(rng, id, ord, t, (q + 1) % 4, number, 0, state);
	}
	t = start + 120 + hn_randn(rng, 1380);
	hev_add(t, id, ord, "finished", qs[q], c, 0, NULL, number);
	*state = "done";
	if (hn_randn(rng, 100) < 60)
		hev_add(t + 5 + hn_randn(rng, 60), id, ord, "rated", qs[q], c,
		    1 + (int)hn_randn(rng, 4), NULL, number);
	return t;
}

/*
 * Write ndays days before today (ticket rows and their events, in time
 * order) into the daemon's database, made by --add-user with the real
 * schema.  from/to get the range.  0 or -1.
 */
static int
write_history(const char *db, int ndays, char *from, char *to)
{
	static const char *const qs[] = { "TP-LL", "TP-HT", "TP-BT", "KH-DN" };
	static const char *const dept[] = { "TP", "TP", "TP", "KH" };
	uint64_t rng = 1818;
	sqlite3 *s;
	sqlite3_stmt *ti, *ev;
	int64_t id = 0, eid = 0;
	int d, i, rc = 0;

	if (sqlite3_open(db, &s) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(s, 5000);
	if (sqlite3_prepare_v2(s, "INSERT INTO tickets(id, code, day, number, queue, department,"
	    " procedure, channel, state, ord, issued_at, enqueued_at) VALUES (?1, 'h' || ?1, ?2, ?3,"
	    " ?4, ?5, NULL, 'kiosk', ?6, ?1, ?7, ?7)", -1, &ti, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s, "INSERT INTO events(id, type, at, ticket_id, number, queue,"
	    " counter, staff, value, value_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9)",
	    -1, &ev, NULL) != SQLITE_OK) {
		fprintf(stderr, "export: history: %s\n", sqlite3_errmsg(s));
		sqlite3_close(s);
		return -1;
	}
	sqlite3_exec(s, "BEGIN", NULL, NULL, NULL);
	for (d = ndays; d >= 1; d--) {
		time_t now = time(NULL) - (time_t)d * 86400;
		struct tm tm;
		char day[16];
		int64_t base;

		localtime_r(&now, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		if (d == ndays)
			snprintf(from, 16, "%s", day);
		snprintf(to, 16, "%s", day);
		tm.tm_hour = 7;
		tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		base = (int64_t)mktime(&tm);
		for (i = 0; i < 300; i++) {
			const char *state = "done";
			int q = (int)hn_randn(&rng, 4), ord = 0;
			int64_t at = base + (int64_t)i * 90 + hn_randn(&rng, 90);

			id++;
			hev_add(at, id, &ord, "issued", qs[q], 0, 0, NULL, i + 1);
			hist_leg(&rng, id, &ord, at, q, i + 1, 1, &state);
			sqlite3_bind_int64(ti, 1, id);
			sqlite3_bind_text(ti, 2, day, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(ti, 3, i + 1);
			sqlite3_bind_text(ti, 4, qs[q], -1, SQLITE_STATIC);
			sqlite3_bind_text(ti, 5, dept[q], -1, SQLITE_STATIC);
			sqlite3_bind_text(ti, 6, state, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ti, 7, at);
			if (sqlite3_step(ti) != SQLITE_DONE)
				rc = -1;
			sqlite3_reset(ti);
		}
	}
	qsort(hevs, (size_t)nhev, sizeof *hevs, hev_cmp);
	for (i = 0; i < nhev; i++) {
		sqlite3_bind_int64(ev, 1, ++eid);
		sqlite3_bind_text(ev, 2, hevs[i].type, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ev, 3, hevs[i].at);
		sqlite3_bind_int64(ev, 4, hevs[i].ticket);
		sqlite3_bind_int(ev, 5, hevs[i].number);
		sqlite3_bind_text(ev, 6, hevs[i].queue, -1, SQLITE_STATIC);
		if (hevs[i].counter > 0)
			sqlite3_bind_int(ev, 7, hevs[i].counter);
		else
			sqlite3_bind_null(ev, 7);
		sqlite3_bind_int(ev, 8, hevs[i].value);
		if (hevs[i].to != NULL)
			sqlite3_bind_text(ev, 9, hevs[i].to, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ev, 9);
		if (sqlite3_step(ev) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(ev);
	}
	if (sqlite3_exec(s, "COMMIT", NULL, NULL, NULL) != SQLITE_OK || rc != 0) {
		fprintf(stderr, "export: history: %s\n", sqlite3_errmsg(s));
		rc = -1;
	}
	sqlite3_finalize(ti);
	sqlite3_finalize(ev);
	sqlite3_close(s);
	free(hevs);
	return rc;
}

/*
 * A third centre with four past days of minutes-long waits (service levels
 * below 100 %, recalls, transfers, finishes straight from "called"):
 * exported, its central figures equal its report, over the range and for
 * its first day.
 */
static void
test_history(PGconn *pg)
{
	struct centre h;
	char from[16] = "", to[16] = "";
	double deadline;
	int64_t acked = -1;

	memset(&h, 0, sizeof h);
	hn_http_init(&h.h, 0, NULL);
	h.h.timeout_ms = 30000;
	if (centre_init(&h.d, 2) != 0 || write_history(h.d.db, 4, from, to) != 0 ||
	    centre_up(&h) != 0) {
		hn_expect(0, "the history centre starts (see %s)", h.d.logpath);
		hn_cleanup(&h.d, 1);
		return;
	}
	deadline = hn_now_ms() + 60000;
	while (hn_now_ms() < deadline &&
	    (acked = central_acked(pg, "TG-HISTORY")) < (int64_t)nhev) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);    /* polling a condition, with a deadline */
	}
	hn_expect(acked >= (int64_t)nhev, "TG-HISTORY: exported %" PRId64 " of %d", acked, nhev);
	compare_report(pg, &h, "TG-HISTORY", from, to);
	compare_report(pg, &h, "TG-HISTORY", from, from);
	hn_http_free(&h.h);
	hn_cleanup(&h.d, hn_failures > 0);
}

/* onestop-central --init-schema makes the schema, twice without harm. */
static void
test_init_schema(void)
{
	const char *b = getenv("B");
	char bin[512], conn[600], cmd[1400];
	PGconn *pg;
	PGresult *r;
	FILE *f;
	int i, rc[2];

	snprintf(bin, sizeof bin, "%s/onestop-central", b != NULL && *b ? b : "build");
	snprintf(conn, sizeof conn, "%s/province2.conninfo", PG.dir);
	if ((f = fopen(conn, "w")) == NULL)
		return;
	fprintf(f, "host=%s dbname=province2 user=onestop\n", PG.dir);
	fclose(f);
	chmod(conn, 0600);
	snprintf(cmd, sizeof cmd, "'%s' -f '%s' --init-schema >/dev/null", bin, conn);
	for (i = 0; i < 2; i++)
		rc[i] = system(cmd);
	hn_expect(rc[0] == 0 && rc[1] == 0, "onestop-central --init-schema, twice");
	snprintf(cmd, sizeof cmd, "host=%s dbname=province2 user=onestop", PG.dir);
	pg = PQconnectdb(cmd);
	r = PQexec(pg, "SELECT to_regclass('legs') IS NOT NULL AND to_regclass('events') IS NOT NULL");
	hn_expect(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "t") == 0,
	    "--init-schema made the tables and the view");
	PQclear(r);
	PQfinish(pg);
}

/* ---- the network path cut (relay.c) ----------------------------------------------- */

/* The id of the centre's last committed event (0 when none, -1 on error). */
static int64_t
local_last(const char *db)
{
	return local_int(db, "SELECT coalesce(max(id), 0) FROM events", 0, 0);
}

/*
 * Cut centre A's network path at random steps while both centres are fed:
 * a black hole that comes back, a reset of every connection, a black hole
 * ended by a reset, a black hole again.  After each, the central acked id
 * of A must reach A's last event (as of the path's return) within
 * CUT_BOUND_MS, through a new connection of the relay; every command at A
 * meanwhile answers within 1 s.
 */
static void
test_cuts(struct centre *C, uint64_t *rng)
{
	static const char *const what[] = { "a black hole", "a reset",
		"a black hole ended by a reset", "a black hole" };
	const int ncuts = (int)(sizeof what / sizeof what[0]);
	int cut = 0, state = 0, step, hold = 0, next = 20 + (int)hn_randn(rng, 60), k;
	double t_back = 0, worst_cmd = 0, t0, ms;
	int64_t target = 0;
	unsigned long fwd = 0;

	for (step = 0; cut < ncuts; step++) {
		if (state == 0 && step >= next) {
			/* the cut, at this random step */
			fwd = RL.forwarded;
			if (relay_cmd(&RL, cut == 1 ? RELAY_RESET : RELAY_HOLE) != 0)
				break;
			state = cut == 1 ? 2 : 1;
			hold = step + 30 + (int)hn_randn(rng, 120);
			if (state == 2) {
				t_back = hn_now_ms();
				target = local_last(C[0].d.db);
			}
		} else if (state == 1 && step >= hold) {
			/* the path comes back (a reset first, for the third) */
			if ((cut == 2 && relay_cmd(&RL, RELAY_RESET) != 0) ||
			    relay_cmd(&RL, RELAY_BACK) != 0)
				break;
			state = 2;
			t_back = hn_now_ms();
			target = local_last(C[0].d.db);
		} else if (state == 2) {
			PGconn *pg = PQconnectdb(PG.conninfo);
			int64_t acked = central_acked(pg, "TG-MYTHO");

			PQfinish(pg);
			ms = hn_now_ms() - t_back;
			relay_cmd(&RL, RELAY_BACK);    /* no change: reads the count */
			if ((acked >= target && RL.forwarded > fwd) || ms > CUT_BOUND_MS) {
				hn_expect(acked >= target && RL.forwarded > fwd,
				    "after %s, TG-MYTHO's export caught up (%" PRId64 " of %"
				    PRId64 ") in %.0f ms, bound %.0f ms, on a new connection "
				    "(%lu forwarded since)", what[cut], acked, target, ms,
				    CUT_BOUND_MS, RL.forwarded - fwd);
				printf("export: the network path cut by %s (held %d steps): "
				    "caught up in %.0f ms after it came back (timeout_s %d)\n",
				    what[cut], cut == 1 ? 0 : hold - (next), ms, CUT_TIMEOUT_S);
				cut++;
				state = 0;
				next = step + 20 + (int)hn_randn(rng, 80);
			}
		}
		for (k = 0; k < NCENTRES; k++) {
			t0 = hn_now_ms();
			centre_step(&C[k], rng);
			if (k == 0 && state != 0 && hn_now_ms() - t0 > worst_cmd)
				worst_cmd = hn_now_ms() - t0;
		}
	}
	hn_expect(cut == ncuts, "the %d cuts of the network path were made (%d)", ncuts, cut);
	hn_expect(worst_cmd < 1000, "centre TG-MYTHO answered while its path was cut: "
	    "worst %.0f ms", worst_cmd);
	printf("export: while the path was cut, TG-MYTHO's commands took at most %.0f ms\n",
	    worst_cmd);
}

/* ---- the export's lag in /metrics ------------------------------------------------ */

/* A sample's value in the last /metrics answer, NAN when absent. */
static double
metric(const struct hn_http *m, const char *name)
{
	char key[96];
	const char *p;

	snprintf(key, sizeof key, "\n%s ", name);
	if (m->body == NULL || (p = strstr(m->body, key)) == NULL)
		return NAN;
	return strtod(p + strlen(key), NULL);
}

/* Scrape until cond holds for the sample values (deadline ms); 1 if it did. */
static int
scrape_until(struct hn_http *m, double ms, int want_down)
{
	double deadline = hn_now_ms() + ms;

	while (hn_now_ms() < deadline) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if (hn_req(m, "GET", "/metrics", NULL, NULL) == 200) {
			double ev = metric(m, "onestop_export_lag_events"),
			    s = metric(m, "onestop_export_lag_seconds"),
			    up = metric(m, "onestop_export_connected");

			if (want_down ? ev >= 1 && s >= 2 && up == 0 :
			    ev == 0 && s == 0 && up == 1)
				return 1;
		}
		nanosleep(&ts, NULL);    /* polling a condition, with a deadline */
	}
	return 0;
}

/*
 * GET /metrics of centre B with a metrics token: no lag while the server is
 * up; killed, the lag rises (a ticket issued meanwhile: events, and seconds
 * past 2) and the failures count; restarted, the lag is 0 again.
 */
static void
test_metrics_lag(struct centre *c)
{
	struct hn_http m;
	cJSON *ans = NULL;
	double f0, a0;
	long code;
	int ok;

	hn_expect(hn_req(&c->h, "POST", "/api/v1/devices",
	    "{\"name\":\"prometheus\",\"role\":\"metrics\"}", &ans) == 201 &&
	    hn_str(ans, "token") != NULL, "metrics: a metrics device token");
	hn_http_init(&m, c->d.port, hn_str(ans, "token") ? hn_str(ans, "token") : "");
	cJSON_Delete(ans);
	ok = scrape_until(&m, 15000, 0);
	hn_expect(ok, "metrics: no export lag, connected, while the server is up");
	if (access("/usr/bin/promtool", X_OK) == 0 && m.body != NULL) {
		/* the export's lines are in the format Prometheus reads */
		char path[600], cmd[800];
		FILE *f;

		snprintf(path, sizeof path, "%s/metrics.txt", c->d.dir);
		if ((f = fopen(path, "w")) != NULL) {
			fputs(m.body, f);
			fclose(f);
		}
		snprintf(cmd, sizeof cmd, "promtool check metrics < '%s' >/dev/null 2>&1", path);
		hn_expect(system(cmd) == 0 && strstr(m.body, "# TYPE onestop_export_lag_seconds gauge"),
		    "metrics: promtool check metrics accepts the text with the export's lines");
	}
	f0 = metric(&m, "onestop_export_failures_total");
	a0 = metric(&m, "onestop_export_acked_event_id");
	hn_expect(a0 > 0 && a0 == metric(&m, "onestop_last_event_id"),
	    "metrics: the acked id %.0f is the last event %.0f", a0,
	    metric(&m, "onestop_last_event_id"));
	pgtest_signal(&PG, SIGKILL);
	/* a queue the steps do not use: its numbers are not used up */
	code = hn_req(&c->h, "POST", "/api/v1/tickets", "{\"queue\":\"GT-VT\"}", NULL);
	hn_expect(code == 201, "metrics: a ticket while the server is down (%ld: %s)", code,
	    c->h.body ? c->h.body : "");
	ok = scrape_until(&m, 15000, 1);
	hn_expect(ok && metric(&m, "onestop_export_failures_total") > f0 &&
	    metric(&m, "onestop_export_acked_event_id") == a0,
	    "metrics: the server down: lag %g events, %g s, connected %g, failures %g "
	    "(were %g)", metric(&m, "onestop_export_lag_events"),
	    metric(&m, "onestop_export_lag_seconds"), metric(&m, "onestop_export_connected"),
	    metric(&m, "onestop_export_failures_total"), f0);
	printf("export: /metrics with the server down: lag %g events, %g s, %g failures\n",
	    metric(&m, "onestop_export_lag_events"), metric(&m, "onestop_export_lag_seconds"),
	    metric(&m, "onestop_export_failures_total") - f0);
	hn_expect(pgtest_start(&PG) == 0, "postgres restarts");
	ok = scrape_until(&m, 15000, 0);
	hn_expect(ok && metric(&m, "onestop_export_acked_event_id") > a0,
	    "metrics: the server back, the lag is 0 again (%g events, %g s)",
	    metric(&m, "onestop_export_lag_events"), metric(&m, "onestop_export_lag_seconds"));
	hn_http_free(&m);
}

int
main(int argc, char **argv)
{
	static const char *const codes[NCENTRES] = { "TG-MYTHO", "TG-CAILAY" };
	struct centre C[NCENTRES];
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 18, rng;
	int i, k, step, pg_down_at = -1, centre_down_at = -1, down = -1;
	int kills_pg = 0, kills_centre = 0, rewound = 0, stopped_at = -1, lost = 0;
	int64_t lost_lo = 0, lost_hi = 0;
	double lost_t = 0, back_ms = -1;
	int quiet;
	double worst_ms = 0, t0, stop_ms = -1;
	PGconn *pg;

	signal(SIGALRM, on_alarm);
	alarm(WATCHDOG_S);
	signal(SIGPIPE, SIG_IGN);
	rng = seed;
	if (pgtest_init(&PG, "export") != 0 || pgtest_start(&PG) != 0) {
		pgtest_cleanup(&PG, 1);
		return 1;
	}
	{
		char sock[600];

		snprintf(sock, sizeof sock, "%s/.s.PGSQL.5432", PG.dir);
		if (relay_start(&RL, sock) != 0) {
			pgtest_cleanup(&PG, 1);
			return 1;
		}
	}
	pg = PQconnectdb(PG.conninfo);
	PQclear(PQexec(pg, "CREATE ROLE tg_cailay LOGIN"));
	PQclear(PQexec(pg, "ALTER DEFAULT PRIVILEGES FOR ROLE onestop IN SCHEMA public"
	    " GRANT SELECT, INSERT, UPDATE ON TABLES TO tg_cailay"));
	PQclear(PQexec(pg, "CREATE DATABASE province2"));
	PQfinish(pg);
	test_init_schema();

	memset(C, 0, sizeof C);
	for (k = 0; k < NCENTRES; k++) {
		hn_http_init(&C[k].h, 0, NULL);
		C[k].h.timeout_ms = 10000;
		if (centre_init(&C[k].d, k) != 0 || centre_up(&C[k]) != 0) {
			fprintf(stderr, "export: centre %d did not start (see %s)\n", k,
			    C[k].d.logpath);
			pgtest_cleanup(&PG, 1);
			return 1;
		}
		for (i = 1; i <= 4; i++) {
			char path[64];

			snprintf(path, sizeof path, "/api/v1/counters/%d/open", i);
			hn_req(&C[k].h, "POST", path, NULL, NULL);
		}
	}

	for (step = 0; step < STEPS; step++) {
		/* Lose the answer of a commit: the central acked id goes back 50
		   events, as when a COMMIT reached the server but its answer did
		   not; the next connection sends them again. */
		if (step == STEPS / 3 && PG.pid > 0 && pg_down_at < 0) {
			pg = PQconnectdb(PG.conninfo);
			PQclear(PQexec(pg, "UPDATE centres SET acked = GREATEST(acked - 50, 0)"));
			PQfinish(pg);
			pgtest_signal(&PG, SIGKILL);
			kills_pg++;
			rewound = 1;
			pg_down_at = step;
		}
		/* The central database loses rows under a busy centre (restored
		   from an older backup): they are sent again. */
		if (step == STEPS * 2 / 3 && PG.pid > 0 && pg_down_at < 0 && stopped_at < 0 &&
		    down < 0) {
			pg = PQconnectdb(PG.conninfo);
			PQclear(PQexec(pg, "BEGIN"));
			lost_hi = central_acked(pg, "TG-CAILAY");
			lost_lo = lost_hi > 100 ? lost_hi - 100 : 0;
			PQclear(PQexec(pg, "UPDATE centres SET acked = GREATEST(acked - 100, 0)"
			    " WHERE code = 'TG-CAILAY'"));
			PQclear(PQexec(pg, "DELETE FROM events e USING centres c WHERE"
			    " e.centre = c.code AND c.code = 'TG-CAILAY' AND e.id > c.acked"));
			PQclear(PQexec(pg, "COMMIT"));
			PQfinish(pg);
			lost = step;
			lost_t = hn_now_ms();
		}
		/* ... by the next batches, under load, with no reconnect between
		   (no kills meanwhile; 8 s at most) */
		if (lost > 0 && back_ms < 0) {
			int64_t here = count_local(C[1].d.db, lost_lo, lost_hi), there;

			pg = PQconnectdb(PG.conninfo);
			there = count_central(pg, "TG-CAILAY", lost_lo, lost_hi);
			PQfinish(pg);
			if (here > 0 && there == here)
				back_ms = hn_now_ms() - lost_t;
			else if (hn_now_ms() - lost_t > 8000) {
				hn_expect(0, "the %" PRId64 " events the central database lost came "
				    "back within 8 s (%" PRId64 ")", here, there);
				back_ms = 1e9;
			}
		}
		/* A server that hangs (a cut network): the centres serve on. */
		if (step == STEPS / 2 && PG.pid > 0 && pg_down_at < 0) {
			pgtest_signal(&PG, SIGSTOP);
			stopped_at = step;
		} else if (stopped_at >= 0 && step - stopped_at == 60 && down < 0) {
			/* a centre stops (SIGTERM) while the server hangs: at once,
			   not after the exporter's call (a Unix socket has no
			   timeout at all) */
			t0 = hn_now_ms();
			hn_stop(&C[0].d, SIGTERM);
			stop_ms = hn_now_ms() - t0;
			C[0].up = 0;
			hn_expect(centre_up(&C[0]) == 0, "centre %s restarts", codes[0]);
		} else if (stopped_at >= 0 && step - stopped_at > 150) {
			pgtest_signal(&PG, SIGCONT);
			stopped_at = -1;
		}
		quiet = lost > 0 && back_ms < 0;
		if (!quiet && stopped_at < 0 && pg_down_at < 0 && PG.pid > 0 &&
		    hn_randn(&rng, 200) == 0) {
			pgtest_signal(&PG, SIGKILL);
			kills_pg++;
			pg_down_at = step;
		} else if (pg_down_at >= 0 && step - pg_down_at > 20 + (int)hn_randn(&rng, 60)) {
			hn_expect(pgtest_start(&PG) == 0, "postgres restarts after a kill");
			pg_down_at = -1;
		}
		if (!quiet && down < 0 && hn_randn(&rng, 250) == 0) {
			down = (int)hn_randn(&rng, NCENTRES);
			hn_stop(&C[down].d, SIGKILL);
			C[down].up = 0;
			kills_centre++;
			centre_down_at = step;
		} else if (down >= 0 && step - centre_down_at > 10 + (int)hn_randn(&rng, 40)) {
			hn_expect(centre_up(&C[down]) == 0, "centre %s restarts", codes[down]);
			down = -1;
		}
		for (k = 0; k < NCENTRES; k++)
			if (C[k].up) {
				t0 = hn_now_ms();
				centre_step(&C[k], &rng);
				if (stopped_at >= 0 && hn_now_ms() - t0 > worst_ms)
					worst_ms = hn_now_ms() - t0;
			}
	}
	if (stopped_at >= 0)
		pgtest_signal(&PG, SIGCONT);
	if (PG.pid == 0)
		hn_expect(pgtest_start(&PG) == 0, "postgres restarts");
	if (down >= 0)
		hn_expect(centre_up(&C[down]) == 0, "centre %s restarts", codes[down]);
	hn_expect(rewound, "the run lost a commit's answer");
	hn_expect(lost && back_ms >= 0 && back_ms < 8000,
	    "the rows the central database lost under a busy centre came back in %.0f ms",
	    back_ms);
	printf("export: the central database lost 100 rows of a busy centre: back in %.0f ms\n",
	    back_ms);
	hn_expect(stop_ms >= 0 && stop_ms < 5000,
	    "a centre stopped in %.0f ms while the server hung", stop_ms);
	printf("export: while the server hung, commands took at most %.0f ms and a "
	    "centre stopped in %.0f ms\n", worst_ms, stop_ms);
	/* fsync of a command on this disk is ms; a centre that waited for
	   the hung server would take seconds (keepalive, tcp_user_timeout). */
	hn_expect(worst_ms < 1000, "the centres answered while the server hung: worst %.0f ms",
	    worst_ms);
	test_cuts(C, &rng);
	test_metrics_lag(&C[1]);

	pg = PQconnectdb(PG.conninfo);
	hn_expect(PQstatus(pg) == CONNECTION_OK, "the test connects: %s", PQerrorMessage(pg));
	for (k = 0; k < NCENTRES; k++) {
		int64_t last, acked = -1;
		long nl, nc;
		char *mine = local_events(C[k].d.db, &last, &nl), *theirs;
		double deadline = hn_now_ms() + 60000;
		cJSON *ans = NULL;

		/* The export catches up: its acked id reaches the last event. */
		while (hn_now_ms() < deadline && (acked = central_acked(pg, codes[k])) < last) {
			struct timespec ts = { 0, 20 * 1000 * 1000 };

			nanosleep(&ts, NULL);    /* polling a condition, with a deadline */
		}
		hn_expect(acked == last, "%s: central acked %" PRId64 " = last event %" PRId64,
		    codes[k], acked, last);
		theirs = central_events(pg, codes[k], &nc);
		hn_expect(nl > 500 && nl == nc && strcmp(mine, theirs) == 0,
		    "%s: the central events equal the centre's (%ld here, %ld central)",
		    codes[k], nl, nc);
		printf("export: %s: %ld events here, %ld central\n", codes[k], nl, nc);
		free(mine);
		free(theirs);
		if (hn_req(&C[k].h, "GET", "/api/v1/stats/live", NULL, &ans) == 200)
			snprintf(C[k].day, sizeof C[k].day, "%s",
			    hn_str(ans, "day") ? hn_str(ans, "day") : "");
		cJSON_Delete(ans);
		compare_report(pg, &C[k], codes[k], C[k].day, C[k].day);
		{
			/* the configuration the events refer to, Vietnamese intact */
			const char *v[1] = { codes[k] };
			PGresult *r = PQexecParams(pg, "SELECT (SELECT count(*) FROM procedures"
			    " WHERE centre = $1), (SELECT name FROM departments WHERE centre = $1"
			    " AND code = 'TP'), (SELECT name FROM queues WHERE centre = $1 AND"
			    " code = 'TP-HT'), (SELECT target_wait_s FROM queues WHERE centre = $1"
			    " AND code = 'TP-HT'), (SELECT name FROM counters WHERE centre = $1 AND"
			    " number = 2), (SELECT string_agg(name, ',') FROM staff WHERE centre = $1)",
			    1, NULL, v, NULL, NULL, 0);
			int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;

			hn_expect(ok && strcmp(PQgetvalue(r, 0, 0), "1490") == 0 &&
			    strcmp(PQgetvalue(r, 0, 1), "Sở Tư pháp") == 0 &&
			    strcmp(PQgetvalue(r, 0, 2), "Hộ tịch, quốc tịch") == 0 &&
			    strcmp(PQgetvalue(r, 0, 4), "Quầy 2") == 0 &&
			    strcmp(PQgetvalue(r, 0, 5), "admin") == 0,
			    "%s: the central configuration: %s procedures, %s, %s (%s s), %s, staff %s",
			    codes[k], ok ? PQgetvalue(r, 0, 0) : "?", ok ? PQgetvalue(r, 0, 1) : "?",
			    ok ? PQgetvalue(r, 0, 2) : "?", ok ? PQgetvalue(r, 0, 3) : "?",
			    ok ? PQgetvalue(r, 0, 4) : "?", ok ? PQgetvalue(r, 0, 5) : "?");
			PQclear(r);
		}
	}
	test_history(pg);
	PQfinish(pg);
	test_conninfo_mode(&C[0].d);
	hn_expect(kills_pg > 0 && kills_centre > 0, "the run killed postgres (%d) and a centre (%d)",
	    kills_pg, kills_centre);

	for (k = 0; k < NCENTRES; k++) {
		hn_http_free(&C[k].h);
		hn_cleanup(&C[k].d, hn_failures > 0);
	}
	relay_stop(&RL);
	pgtest_cleanup(&PG, hn_failures > 0);
	printf("export: seed %" PRIu64 ", postgres killed %d times, a centre %d times: "
	    "%d passed, %d failed\n", seed, kills_pg, kills_centre, hn_checks - hn_failures, hn_failures);
	return hn_failures ? 1 : 0;
}
