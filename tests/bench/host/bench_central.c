/*
 * bench_central.c - a year's province report (issue 18 item 5): one centre's
 * year of simulated days (onestop-sim --history) exported through the real
 * exporter of a real onestopd to a real PostgreSQL, copied in SQL under
 * BENCH_CENTRES - 1 more centre codes (INSERT ... SELECT changing the
 * centre), then the year's printable report of every centre (per centre,
 * department and procedure) asked of the real onestop-central over HTTP by a
 * province account: once from the events alone, then, after
 * `onestop-central --rollup` (timed), p50 and max of BENCH_RUNS runs.
 *
 *   bench_central      BENCH_DAYS (365), BENCH_CENTRES (12), BENCH_RUNS (3)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "../../integration/host/harness.h"
#include "../../integration/host/pgtest.h"

static struct pgtest PG;

static int
envint(const char *name, int dflt, int lo, int hi)
{
	const char *s = getenv(name);
	int v = s != NULL && *s ? atoi(s) : dflt;

	return v < lo ? lo : v > hi ? hi : v;
}

static const char *
bdir(void)
{
	const char *b = getenv("B");

	return b != NULL && *b ? b : "build";
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The one number sql answers, or -1 (the message printed unless quiet). */
static long long
one(PGconn *pg, const char *sql, int quiet)
{
	PGresult *r = PQexec(pg, sql);
	long long v = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else if (PQresultStatus(r) != PGRES_COMMAND_OK && !quiet)
		fprintf(stderr, "bench_central: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	return v;
}

int
main(void)
{
	int days = envint("BENCH_DAYS", 365, 7, 3660), ncent = envint("BENCH_CENTRES", 12, 1, 99);
	int runs = envint("BENCH_RUNS", 3, 1, 50), i, port = 0;
	char cmd[2048], path[700], end[16], from[16];
	double t0, ms[50], deadline, before;
	struct hn_daemon d;
	struct hn_http h;
	time_t now = time(NULL), t;
	struct tm tm;
	long long last = 0, acked = -1, nev, ntk;
	PGconn *pg;
	FILE *f, *errf;
	pid_t dash;

	static const char login[] = "user=tinh&password=bench-tinh-1";

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);    /* each step as it ends */
	t = now - 86400;
	localtime_r(&t, &tm);
	strftime(end, sizeof end, "%Y-%m-%d", &tm);
	t = now - 86400 * (time_t)days;
	localtime_r(&t, &tm);
	strftime(from, sizeof from, "%Y-%m-%d", &tm);
	if (pgtest_init(&PG, "bench-central") != 0 || pgtest_start(&PG) != 0 ||
	    hn_init(&d, "bench-central") != 0)
		return 1;
	t0 = hn_now_ms();
	snprintf(cmd, sizeof cmd, "'%s/onestop-sim' --history %d --end %s --db '%s' -c '%s' -s 7"
	    " 2>/dev/null", bdir(), days, end, d.db, d.ini);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_central: onestop-sim --history failed\n");
		return 1;
	}
	printf("bench_central: %d simulated days written in %.1f s\n", days,
	    (hn_now_ms() - t0) / 1000);
	snprintf(path, sizeof path, "%s/central.conninfo", d.dir);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fprintf(f, "%s\n", PG.conninfo);
	fclose(f);
	chmod(path, 0600);
	if ((f = fopen(d.ini, "a")) == NULL)
		return 1;
	fprintf(f, "\n[export]\nconninfo_file = central.conninfo\ncentre_code = TG-Y1\n");
	fclose(f);
	if (hn_add_user(&d, "admin", "admin", NULL, "bench-admin-1") != 0 || hn_start(&d) != 0)
		return 1;
	pg = PQconnectdb(PG.conninfo);
	snprintf(cmd, sizeof cmd, "sqlite3 -readonly '%s' 'SELECT max(id) FROM events'", d.db);
	if ((f = popen(cmd, "r")) != NULL) {
		if (fscanf(f, "%lld", &last) != 1)
			last = 0;
		pclose(f);
	}
	t0 = hn_now_ms();
	deadline = t0 + 3600 * 1000.0;
	while (hn_now_ms() < deadline &&
	    /* -1 until the exporter has made the schema */
	    (acked = one(pg, "SELECT coalesce((SELECT acked FROM centres WHERE code = 'TG-Y1'), 0)",
	    1)) < last) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);    /* polling a condition, with a deadline */
	}
	printf("bench_central: one centre-year, %lld events, exported in %.1f s\n", acked,
	    (hn_now_ms() - t0) / 1000);
	hn_stop(&d, SIGTERM);
	t0 = hn_now_ms();
	if (pgtest_copy_centre(pg, "TG-Y1", "TG-Y", ncent) != 0)
		return 1;
	PQclear(PQexec(pg, "VACUUM ANALYZE"));
	nev = one(pg, "SELECT count(*) FROM events", 0);
	ntk = one(pg, "SELECT count(*) FROM tickets", 0);
	printf("bench_central: copied to %d centres in %.1f s: %lld tickets, %lld events\n",
	    ncent, (hn_now_ms() - t0) / 1000, ntk, nev);

	snprintf(path, sizeof path, "%s/province.conninfo", PG.dir);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fprintf(f, "%s\n", PG.conninfo);
	fclose(f);
	chmod(path, 0600);
	snprintf(cmd, sizeof cmd, "'%s/onestop-central' -f '%s' --init-schema >/dev/null &&"
	    " echo bench-tinh-1 | '%s/onestop-central' -f '%s' --add-user tinh province >/dev/null",
	    bdir(), path, bdir(), path);
	if (system(cmd) != 0)
		return 1;
	dash = pgtest_dashboard(bdir(), path, &port, &errf);
	hn_http_init(&h, port, NULL);
	h.timeout_ms = 1800 * 1000;
	curl_easy_setopt(h.curl, CURLOPT_COOKIEFILE, "");
	if (hn_req_raw(&h, "POST", "/login", "application/x-www-form-urlencoded", login,
	    strlen(login), NULL) != 303) {
		fprintf(stderr, "bench_central: the province cannot log in\n");
		return 1;
	}
	snprintf(path, sizeof path, "/print?from=%s&to=%s", from, end);
	/* once from the events alone (no day rolled up yet) */
	t0 = hn_now_ms();
	if (hn_req(&h, "GET", path, NULL, NULL) != 200)
		return 1;
	before = hn_now_ms() - t0;
	printf("bench_central: year report without rollups: %.1f s\n", before / 1000);
	t0 = hn_now_ms();
	snprintf(cmd, sizeof cmd, "'%s/onestop-central' -f '%s/province.conninfo' --rollup",
	    bdir(), PG.dir);
	if (system(cmd) != 0)
		return 1;
	printf("bench_central: --rollup of every closed day (once): %.1f s\n",
	    (hn_now_ms() - t0) / 1000);
	for (i = 0; i < runs; i++) {
		long st;

		t0 = hn_now_ms();
		st = hn_req(&h, "GET", path, NULL, NULL);
		ms[i] = hn_now_ms() - t0;
		if (st != 200) {
			fprintf(stderr, "bench_central: the report answered %ld\n", st);
			return 1;
		}
	}
	qsort(ms, (size_t)runs, sizeof ms[0], cmp_double);
	printf("bench_central: year report (%s..%s), %d centres x %d days, %lld tickets,"
	    " %lld events, rolled up: p50 %.0f ms, max %.0f ms (%d runs, %zu bytes of page);"
	    " %.1fx faster than without\n", from, end, ncent, days, ntk, nev, ms[runs / 2],
	    ms[runs - 1], runs, h.len, before / ms[runs / 2]);
	hn_http_free(&h);
	kill(dash, SIGTERM);
	waitpid(dash, NULL, 0);
	fclose(errf);
	PQfinish(pg);
	hn_cleanup(&d, 0);
	pgtest_cleanup(&PG, 0);
	return 0;
}
