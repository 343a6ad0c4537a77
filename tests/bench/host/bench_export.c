/*
 * bench_export.c - the export of one centre to a real PostgreSQL (Debian's,
 * in a temp dir on a Unix socket, fsync on; tests/integration/host/pgtest.c),
 * with the [export] defaults (batch 500, poll_ms 100):
 *
 *   lag   C clients issue N tickets through the HTTP API; for each, the time
 *         from the answer (the centre's commit is before it) to the commit of
 *         its `issued` row in the central database
 *         (pg_xact_commit_timestamp, track_commit_timestamp = on): p50, p99,
 *         max, in ms, and the centre's issue rate meanwhile;
 *   rate  the central rows of the centre deleted and its acked id set to 0,
 *         the server restarted: the time from the server answering until the
 *         exporter has sent every event again (connect, the configuration
 *         with its procedures, then the events in batches): events/s.
 *
 * and the province: P centres (12) on the same server at once, each its own
 * onestopd with [export] defaults but retry_max_s = 1:
 *
 *   backlog  with the server down, each centre is given B tickets (B
 *            events); the server started, all P send their backlogs at
 *            once: events/s the server takes in total (every central row,
 *            first commit to last) and per centre (min and median of each
 *            centre's own first-to-last), and the time until all are in;
 *   lag      then one client per centre issues L tickets, all P at once:
 *            answer-to-central-commit lag p50, p99, max over all of them.
 *
 *   bench_export [-n TICKETS] [-c CLIENTS] [-p CENTRES] [-b BACKLOG] [-l LIVE]
 */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "../../integration/host/harness.h"
#include "../../integration/host/pgtest.h"

#define PW "bench-export-1"
#define MAX_CLIENTS 16
#define MAX_CENTRES 16
#define CENTRE "BENCH"

static struct pgtest PG;

struct client {
	pthread_t th;
	int port, n, k;
	int64_t *ids;             /* ticket ids issued */
	double *at_ms;            /* wall clock of each answer, ms */
	int done;
};

static double
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void *
client_main(void *arg)
{
	static const char *const queues[] = { "TP-LL", "TP-HT", "TP-BT", "KH-DN", "KH-DT",
		"XD-GP", "XD-HN", "TN-DD", "TN-MT", "LD-VL", "LD-CS", "GT-LX", "GT-VT",
		"YT-HN", "YT-KD", "CA-XC", "CA-PT", "CT-TM", "NN-NN", "GD-VB", "VH-VH",
		"NV-NV", "TT-TT", "BH-XH" };
	struct client *c = arg;
	struct hn_http h;
	char body[64];
	cJSON *ans;
	int i;

	hn_http_init(&h, c->port, NULL);
	if (hn_login(&h, "admin", PW) != 0)
		return NULL;
	for (i = 0; i < c->n; i++) {
		snprintf(body, sizeof body, "{\"queue\":\"%s\"}", queues[(i + c->k) % 24]);
		ans = NULL;
		if (hn_req(&h, "POST", "/api/v1/tickets", body, &ans) == 201) {
			c->at_ms[c->done] = wall_ms();
			c->ids[c->done++] = (int64_t)hn_num(
			    cJSON_GetObjectItemCaseSensitive(ans, "ticket"), "id", 0);
		}
		cJSON_Delete(ans);
	}
	hn_http_free(&h);
	return NULL;
}

/* Start n clients on port (client k of them numbered k0 + k), n tickets
   each, and wait for them; the tickets issued. */
static int
clients_run(struct client *cl, const int *ports, int nc, int n, int k0)
{
	int i, total = 0;

	for (i = 0; i < nc; i++) {
		cl[i].port = ports[i];
		cl[i].n = n;
		cl[i].k = k0 + i;
		cl[i].done = 0;
		cl[i].ids = calloc((size_t)n, sizeof *cl[i].ids);
		cl[i].at_ms = calloc((size_t)n, sizeof *cl[i].at_ms);
		pthread_create(&cl[i].th, NULL, client_main, &cl[i]);
	}
	for (i = 0; i < nc; i++) {
		pthread_join(cl[i].th, NULL);
		total += cl[i].done;
	}
	return total;
}

static void
clients_free(struct client *cl, int nc)
{
	int i;

	for (i = 0; i < nc; i++) {
		free(cl[i].ids);
		free(cl[i].at_ms);
	}
}

/* One integer the query answers for the centre ($1), or -1. */
static int64_t
q_int(PGconn *pg, const char *sql, const char *centre)
{
	const char *v[1] = { centre };
	PGresult *r = PQexecParams(pg, sql, 1, NULL, v, NULL, NULL, 0);
	int64_t x = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
		x = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return x;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Wait until the centre's acked id reaches last (deadline 300 s); 0 or -1. */
static int
wait_acked(PGconn **pg, const char *centre, int64_t last)
{
	double deadline = hn_now_ms() + 300000;

	while (hn_now_ms() < deadline) {
		struct timespec ts = { 0, 2 * 1000 * 1000 };

		if (PQstatus(*pg) != CONNECTION_OK) {
			PQfinish(*pg);
			*pg = PQconnectdb(PG.conninfo);
		}
		if (q_int(*pg, "SELECT acked FROM centres WHERE code = $1", centre) >= last)
			return 0;
		nanosleep(&ts, NULL);    /* polling a condition, with a deadline */
	}
	return -1;
}

/* The last committed event id in a centre's own database, or 0. */
static int64_t
last_event(const char *db)
{
	char cmd[700];
	int64_t last = 0;
	FILE *p;

	snprintf(cmd, sizeof cmd, "sqlite3 -readonly '%s' 'SELECT max(id) FROM events'", db);
	if ((p = popen(cmd, "r")) != NULL) {
		if (fscanf(p, "%" SCNd64, &last) != 1)
			last = 0;
		pclose(p);
	}
	return last;
}

/* A centre's temp dir, INI with [export] as code (plus extra lines), admin. */
static int
centre_make(struct hn_daemon *d, const char *tag, const char *code, const char *extra)
{
	char path[600];
	FILE *f;

	if (hn_init(d, tag) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/central.conninfo", d->dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "%s\n", PG.conninfo);
	fclose(f);
	chmod(path, 0600);
	if ((f = fopen(d->ini, "a")) == NULL)
		return -1;
	fprintf(f, "\n[export]\nconninfo_file = central.conninfo\ncentre_code = %s\n%s",
	    code, extra);
	fclose(f);
	return hn_add_user(d, "admin", "admin", NULL, PW);
}

/*
 * The lag of each ticket the clients issued at the centre: from its answer
 * to the central commit of its `issued` row, appended to lag[*m].  0 or -1.
 */
static int
lags(PGconn *pg, const char *centre, const struct client *cl, int nc, double *lag, int *m)
{
	const char *v[1] = { centre };
	PGresult *r = PQexecParams(pg, "SELECT ticket_id, extract(epoch FROM"
	    " pg_xact_commit_timestamp(xmin)) * 1000 FROM events WHERE centre = $1"
	    " AND type = 'issued'", 1, NULL, v, NULL, NULL, 0);
	int row, i, j;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "bench export: %s", PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	for (row = 0; row < PQntuples(r); row++) {
		int64_t id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
		double at = strtod(PQgetvalue(r, row, 1), NULL);

		for (i = 0; i < nc; i++)
			for (j = 0; j < cl[i].done; j++)
				if (cl[i].ids[j] == id)
					lag[(*m)++] = at - cl[i].at_ms[j];
	}
	PQclear(r);
	return 0;
}

static double
pct(const double *v, int n, int p)
{
	int i = n * p / 100;

	return n == 0 ? 0 : v[i < n ? i : n - 1];
}

/* Sort the m lags and print their p50, p99 and max. */
static void
lag_print(const char *prefix, const char *who, double *lag, int m, double rate)
{
	qsort(lag, (size_t)m, sizeof *lag, cmp_d);
	printf("bench export: %slag from the centre's answer to the central commit, %s, "
	    "%d tickets at %.0f/s: p50 %.0f ms, p99 %.0f ms, max %.0f ms (poll_ms 100, "
	    "batch 500)\n", prefix, who, m, rate, pct(lag, m, 50), pct(lag, m, 99),
	    m > 0 ? lag[m - 1] : 0);
}

/* From the first central commit of the centres whose code is LIKE like to
   the last, in ms. */
static double
commit_span_ms(PGconn *pg, const char *like)
{
	return (double)q_int(pg, "SELECT ((extract(epoch FROM"
	    " max(pg_xact_commit_timestamp(xmin))) - extract(epoch FROM"
	    " min(pg_xact_commit_timestamp(xmin)))) * 1e6)::bigint FROM events"
	    " WHERE centre LIKE $1", like) / 1000.0;
}

/*
 * The province: np centres with nb tickets of backlog each, sent at once
 * when the server starts; then nl tickets each, live, for the lag.  The
 * server is running when called, and again on return.  0 or -1.
 */
static int
province(int np, int nb, int nl)
{
	struct hn_daemon d[MAX_CENTRES];
	struct client cl[MAX_CENTRES];
	char code[MAX_CENTRES][16], tag[32];
	int ports[MAX_CENTRES], i, m = 0, total, rc = -1, started = 0;
	double t0, t1, t_in, span, rates[MAX_CENTRES], *lag = NULL;
	int64_t last[MAX_CENTRES], events = 0;
	PGconn *pg = NULL;

	memset(d, 0, sizeof d);
	memset(ports, 0, sizeof ports);
	pgtest_signal(&PG, SIGKILL);
	for (i = 0; i < np; i++) {
		started = i + 1;
		snprintf(code[i], sizeof code[i], "TG-%02d", i + 1);
		snprintf(tag, sizeof tag, "bench-prov-%02d", i + 1);
		if (centre_make(&d[i], tag, code[i], "retry_max_s = 1\n") != 0 ||
		    hn_start(&d[i]) != 0) {
			fprintf(stderr, "bench export: centre %s did not start\n", code[i]);
			goto out;
		}
		ports[i] = d[i].port;
	}
	/* the backlog, with the server down */
	t0 = hn_now_ms();
	total = clients_run(cl, ports, np, nb, 0);
	t1 = hn_now_ms();
	clients_free(cl, np);
	for (i = 0; i < np; i++)
		events += last[i] = last_event(d[i].db);
	printf("bench export: province: %d centres given %d tickets of backlog in %.1f s "
	    "(%.0f/s), %" PRId64 " events, with the server down\n", np, total,
	    (t1 - t0) / 1000.0, total / ((t1 - t0) / 1000.0), events);
	if (pgtest_start(&PG) != 0)
		goto out;
	t0 = hn_now_ms();
	pg = PQconnectdb(PG.conninfo);
	for (i = 0; i < np; i++)
		if (wait_acked(&pg, code[i], last[i]) != 0) {
			fprintf(stderr, "bench export: %s did not catch up\n", code[i]);
			goto out;
		}
	t_in = hn_now_ms() - t0;
	span = commit_span_ms(pg, "TG-%");
	for (i = 0; i < np; i++) {
		double s = commit_span_ms(pg, code[i]);

		rates[i] = s > 0 ? (double)last[i] / (s / 1000.0) : 0;
	}
	qsort(rates, (size_t)np, sizeof *rates, cmp_d);
	printf("bench export: province: %d centres' backlogs (%" PRId64 " events) sent at "
	    "once: the central server took %.0f events/s in total (%.0f ms from the "
	    "first commit to the last), per centre min %.0f, median %.0f events/s; all in "
	    "%.1f s after the server started (back-off up to 1 s, %d configurations)\n",
	    np, events, span > 0 ? events / (span / 1000.0) : 0, span, rates[0],
	    rates[np / 2], t_in / 1000.0, np);

	/* live, all at once */
	t0 = hn_now_ms();
	total = clients_run(cl, ports, np, nl, 0);
	t1 = hn_now_ms();
	lag = calloc((size_t)total + 1, sizeof *lag);
	for (i = 0; i < np; i++) {
		last[i] = last_event(d[i].db);
		if (wait_acked(&pg, code[i], last[i]) != 0 ||
		    lags(pg, code[i], &cl[i], 1, lag, &m) != 0)
			goto out;
	}
	snprintf(tag, sizeof tag, "%d centres at once", np);
	lag_print("province: ", tag, lag, m, total / ((t1 - t0) / 1000.0));
	rc = 0;
out:
	if (lag != NULL) {
		free(lag);
		clients_free(cl, np);
	}
	PQfinish(pg);
	for (i = 0; i < started; i++)
		hn_cleanup(&d[i], rc != 0);
	if (PG.pid == 0 && pgtest_start(&PG) != 0)
		rc = -1;
	return rc;
}

int
main(int argc, char **argv)
{
	struct hn_daemon d;
	struct client cl[MAX_CLIENTS];
	int n = 4000, nc = 4, np = 12, nb = 2000, nl = 200, i, opt, total, ports[MAX_CLIENTS];
	int m = 0;
	char path[64];
	double t0, t1, *lag;
	int64_t last, events;
	PGconn *pg;

	while ((opt = getopt(argc, argv, "n:c:p:b:l:")) != -1) {
		int v = atoi(optarg);

		if (opt == 'n')
			n = v > 0 ? v : n;
		else if (opt == 'c')
			nc = v > 0 && v <= MAX_CLIENTS ? v : nc;
		else if (opt == 'p')
			np = v > 0 && v <= MAX_CENTRES ? v : np;
		else if (opt == 'b')
			nb = v > 0 ? v : nb;
		else if (opt == 'l')
			nl = v > 0 ? v : nl;
	}
	signal(SIGPIPE, SIG_IGN);
	if (pgtest_init(&PG, "bench-export") != 0 || pgtest_start(&PG) != 0) {
		pgtest_cleanup(&PG, 0);
		printf("bench export: no PostgreSQL server here; skipped\n");
		return 0;
	}
	if (centre_make(&d, "bench-export", CENTRE, "") != 0 || hn_start(&d) != 0)
		goto fail;
	pg = PQconnectdb(PG.conninfo);

	/* lag */
	for (i = 0; i < nc; i++)
		ports[i] = d.port;
	t0 = hn_now_ms();
	total = clients_run(cl, ports, nc, n / nc, 0);
	t1 = hn_now_ms();
	last = last_event(d.db);
	if (last <= 0 || wait_acked(&pg, CENTRE, last) != 0) {
		fprintf(stderr, "bench export: the export did not catch up (last %" PRId64 ")\n", last);
		goto fail;
	}
	lag = calloc((size_t)total + 1, sizeof *lag);
	if (lags(pg, CENTRE, cl, nc, lag, &m) != 0)
		goto fail;
	snprintf(path, sizeof path, "one centre, %d clients", nc);
	lag_print("", path, lag, m, total / ((t1 - t0) / 1000.0));
	free(lag);
	clients_free(cl, nc);

	/* rate: everything again */
	events = q_int(pg, "SELECT count(*) FROM events WHERE centre = $1", CENTRE);
	PQclear(PQexecParams(pg, "DELETE FROM events WHERE centre = $1", 1, NULL,
	    (const char *const[]){ CENTRE }, NULL, NULL, 0));
	PQclear(PQexecParams(pg, "DELETE FROM tickets WHERE centre = $1", 1, NULL,
	    (const char *const[]){ CENTRE }, NULL, NULL, 0));
	PQclear(PQexecParams(pg, "UPDATE centres SET acked = 0 WHERE code = $1", 1, NULL,
	    (const char *const[]){ CENTRE }, NULL, NULL, 0));
	PQfinish(pg);
	pgtest_signal(&PG, SIGKILL);
	if (pgtest_start(&PG) != 0)
		goto fail;
	t0 = hn_now_ms();
	pg = PQconnectdb(PG.conninfo);
	if (wait_acked(&pg, CENTRE, last) != 0)
		goto fail;
	t1 = hn_now_ms();
	{
		/* streaming alone: from the first batch's commit to the last's */
		double span = commit_span_ms(pg, CENTRE);

		printf("bench export: %" PRId64 " events sent again from event 0: %.0f events/s "
		    "in batches of 500 (%.0f ms from the first batch's commit to the last's); "
		    "%.0f ms from the server's restart (reconnect back-off, configuration "
		    "with %d procedures)\n", events, span > 0 ? (events - 500) / (span / 1000.0) : 0,
		    span, t1 - t0, (int)q_int(pg, "SELECT count(*) FROM procedures WHERE centre = $1",
		    CENTRE));
	}
	PQfinish(pg);
	hn_cleanup(&d, 0);
	if (province(np, nb, nl) != 0)
		goto fail_pg;
	pgtest_cleanup(&PG, 0);
	return 0;
fail:
	hn_cleanup(&d, 1);
fail_pg:
	pgtest_cleanup(&PG, 1);
	return 1;
}
