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
 *   bench_export [-n TICKETS] [-c CLIENTS]
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

static int64_t
q_int(PGconn *pg, const char *sql)
{
	const char *v[1] = { CENTRE };
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

/* Wait until the centre's acked id reaches last (deadline 120 s); 0 or -1. */
static int
wait_acked(PGconn **pg, int64_t last)
{
	double deadline = hn_now_ms() + 120000;

	while (hn_now_ms() < deadline) {
		struct timespec ts = { 0, 2 * 1000 * 1000 };

		if (PQstatus(*pg) != CONNECTION_OK) {
			PQfinish(*pg);
			*pg = PQconnectdb(PG.conninfo);
		}
		if (q_int(*pg, "SELECT acked FROM centres WHERE code = $1") >= last)
			return 0;
		nanosleep(&ts, NULL);    /* polling a condition, with a deadline */
	}
	return -1;
}

int
main(int argc, char **argv)
{
	struct hn_daemon d;
	struct client cl[MAX_CLIENTS];
	int n = 4000, nc = 4, i, j, opt, total = 0;
	double t0, t1, *lag;
	int64_t last, events;
	char path[600];
	PGconn *pg;
	PGresult *r;
	FILE *f;

	while ((opt = getopt(argc, argv, "n:c:")) != -1) {
		if (opt == 'n')
			n = atoi(optarg) > 0 ? atoi(optarg) : n;
		else if (opt == 'c')
			nc = atoi(optarg) > 0 && atoi(optarg) <= MAX_CLIENTS ? atoi(optarg) : nc;
	}
	signal(SIGPIPE, SIG_IGN);
	if (pgtest_init(&PG, "bench-export") != 0 || pgtest_start(&PG) != 0) {
		pgtest_cleanup(&PG, 0);
		printf("bench export: no PostgreSQL server here; skipped\n");
		return 0;
	}
	if (hn_init(&d, "bench-export") != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/central.conninfo", d.dir);
	if ((f = fopen(path, "w")) == NULL)
		goto fail;
	fprintf(f, "%s\n", PG.conninfo);
	fclose(f);
	chmod(path, 0600);
	if ((f = fopen(d.ini, "a")) == NULL)
		goto fail;
	fprintf(f, "\n[export]\nconninfo_file = central.conninfo\ncentre_code = " CENTRE "\n");
	fclose(f);
	if (hn_add_user(&d, "admin", "admin", NULL, PW) != 0 || hn_start(&d) != 0)
		goto fail;
	pg = PQconnectdb(PG.conninfo);

	/* lag */
	t0 = hn_now_ms();
	for (i = 0; i < nc; i++) {
		cl[i].port = d.port;
		cl[i].n = n / nc;
		cl[i].k = i;
		cl[i].done = 0;
		cl[i].ids = calloc((size_t)cl[i].n, sizeof *cl[i].ids);
		cl[i].at_ms = calloc((size_t)cl[i].n, sizeof *cl[i].at_ms);
		pthread_create(&cl[i].th, NULL, client_main, &cl[i]);
	}
	for (i = 0; i < nc; i++) {
		pthread_join(cl[i].th, NULL);
		total += cl[i].done;
	}
	t1 = hn_now_ms();
	last = 0;
	{
		/* the last committed event id: the highest central one once acked
		   stops moving; read it from the centre's own database */
		char cmd[700];
		FILE *p;

		snprintf(cmd, sizeof cmd, "sqlite3 -readonly '%s' 'SELECT max(id) FROM events'", d.db);
		if ((p = popen(cmd, "r")) != NULL) {
			if (fscanf(p, "%" SCNd64, &last) != 1)
				last = 0;
			pclose(p);
		}
	}
	if (last <= 0 || wait_acked(&pg, last) != 0) {
		fprintf(stderr, "bench export: the export did not catch up (last %" PRId64 ")\n", last);
		goto fail;
	}
	r = PQexecParams(pg, "SELECT ticket_id, extract(epoch FROM pg_xact_commit_timestamp(xmin))"
	    " * 1000 FROM events WHERE centre = $1 AND type = 'issued'", 1, NULL,
	    (const char *const[]){ CENTRE }, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "bench export: %s", PQresultErrorMessage(r));
		PQclear(r);
		goto fail;
	}
	lag = calloc((size_t)total + 1, sizeof *lag);
	{
		int m = 0, row;

		for (row = 0; row < PQntuples(r); row++) {
			int64_t id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
			double at = strtod(PQgetvalue(r, row, 1), NULL);

			for (i = 0; i < nc; i++)
				for (j = 0; j < cl[i].done; j++)
					if (cl[i].ids[j] == id)
						lag[m++] = at - cl[i].at_ms[j];
		}
		PQclear(r);
		qsort(lag, (size_t)m, sizeof *lag, cmp_d);
		printf("bench export: lag from the centre's answer to the central commit, "
		    "%d tickets by %d clients at %.0f/s: p50 %.0f ms, p99 %.0f ms, max %.0f ms "
		    "(poll_ms 100, batch 500)\n", m, nc, total / ((t1 - t0) / 1000.0),
		    lag[m / 2], lag[m * 99 / 100 < m ? m * 99 / 100 : m - 1], lag[m - 1]);
		free(lag);
	}

	/* rate: everything again */
	events = q_int(pg, "SELECT count(*) FROM events WHERE centre = $1");
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
	if (wait_acked(&pg, last) != 0)
		goto fail;
	t1 = hn_now_ms();
	{
		/* streaming alone: from the first batch's commit to the last's */
		double span = (double)q_int(pg, "SELECT ((extract(epoch FROM"
		    " max(pg_xact_commit_timestamp(xmin))) - extract(epoch FROM"
		    " min(pg_xact_commit_timestamp(xmin)))) * 1e6)::bigint FROM events"
		    " WHERE centre = $1") / 1000.0;

		printf("bench export: %" PRId64 " events sent again from event 0: %.0f events/s "
		    "in batches of 500 (%.0f ms from the first batch's commit to the last's); "
		    "%.0f ms from the server's restart (reconnect back-off, configuration "
		    "with %d procedures)\n", events, span > 0 ? (events - 500) / (span / 1000.0) : 0,
		    span, t1 - t0, (int)q_int(pg, "SELECT count(*) FROM procedures WHERE centre = $1"));
	}
	PQfinish(pg);
	hn_cleanup(&d, 0);
	pgtest_cleanup(&PG, 0);
	return 0;
fail:
	hn_cleanup(&d, 1);
	pgtest_cleanup(&PG, 1);
	return 1;
}
