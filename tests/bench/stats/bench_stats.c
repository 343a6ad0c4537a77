/*
 * bench_stats.c - statistics at the scale of a large centre's years.
 *
 * Builds a store (the real schema, via store_open on the demo centre) with
 * BENCH_TICKETS tickets (default 2,000,000) over working days (Monday to
 * Friday, Saturday mornings) with arrivals shaped by hour (morning peak,
 * smaller afternoon peak) and weekday (Monday busiest), each with its events
 * (issued, called, started, finished or no-show, sometimes recalled,
 * transferred or rated); then times: the first sync of the statistics (all
 * events into legs), the daily rollups, a month's full report (every
 * breakdown), a year's full report, and the live dashboard query.  Figures
 * are printed; goals: month < 200 ms, year < 1 s, live < 10 ms.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "stats.h"
#include "store.h"

static uint64_t rng = 88172645463325252ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void
die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_stats: %s: %s\n", what, msg);
	exit(1);
}

/* Relative arrivals per hour 7..16 and per weekday (0 = Sunday). */
static const int hour_w[24] = { [7] = 6, [8] = 14, [9] = 16, [10] = 13, [11] = 7,
	[13] = 8, [14] = 12, [15] = 10, [16] = 5 };
static const int wday_w[7] = { 0, 130, 110, 100, 100, 95, 40 };

int
main(void)
{
	const char *env = getenv("BENCH_TICKETS");
	long total = env ? strtol(env, NULL, 10) : 2000000, made = 0, nevents = 0;
	struct config *cfg;
	char err[512], dir[] = "/tmp/bench_stats.XXXXXX", db[128], sp[128], cmd[160];
	sqlite3 *w;
	sqlite3_stmt *ti, *ei;
	store *s;
	stats *st;
	struct timespec t0;
	int64_t day0, evid = 0, lastday = 0;
	int hsum = 0, h, d;
	double ms;

	if (total < 1000)
		total = 1000;
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	if (config_load("config/demo/centre.ini", &cfg, err, sizeof err) != 0)
		die("config", err);
	if (mkdtemp(dir) == NULL)
		die("mkdtemp", strerror(errno));
	snprintf(db, sizeof db, "%s/o.db", dir);
	snprintf(sp, sizeof sp, "%s/o.stats", dir);
	if ((s = store_open(db, cfg, err, sizeof err)) == NULL)
		die("store", err);
	store_close(s);
	if (sqlite3_open(db, &w) != SQLITE_OK)
		die("open", sqlite3_errmsg(w));
	sqlite3_exec(w, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(w, "INSERT INTO tickets(id, code, day, number, queue, department,"
	    " procedure, channel, state, counter, staff, ord, issued_at, enqueued_at, called_at,"
	    " started_at, finished_at, calls, rating) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'kiosk',"
	    " ?8, ?9, ?10, ?1, ?11, ?11, ?12, ?13, ?14, 1, ?15)", -1, &ti, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(w, "INSERT INTO events(id, type, at, ticket_id, number, queue,"
	    " counter, staff, value, value_code) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	    -1, &ei, NULL) != SQLITE_OK)
		die("prepare", sqlite3_errmsg(w));
	for (h = 0; h < 24; h++)
		hsum += hour_w[h];
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Days from 2022-01-03 on, about 2,000 tickets on an average weekday. */
	day0 = 1641142800;   /* 2022-01-03 00:00 +07 */
	for (d = 0; made < total; d++) {
		int64_t dstart = day0 + (int64_t)d * 86400;
		time_t tt = (time_t)dstart + 12 * 3600;
		struct tm tm;
		char day[11];
		long n, i;
		int num = 1;

		localtime_r(&tt, &tm);
		if (wday_w[tm.tm_wday] == 0)
			continue;
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		n = 2000L * wday_w[tm.tm_wday] / 100 + (long)rnd(200) - 100;
		if (n > total - made)
			n = total - made;
		for (i = 0; i < n; i++) {
			int64_t id = ++made, issued, call, start, fin;
			uint32_t x = rnd((uint32_t)hsum);
			int q = (int)rnd((uint32_t)cfg->nqueues), c = 1 + (int)rnd(28), kind = (int)rnd(100);
			int rating = 0, k;
			char code[24];
			const char *state = "done";
			struct { const char *type; int64_t at; int value; const char *vc; } ev[8];
			int ne = 0;

			for (h = 0; x >= (uint32_t)hour_w[h]; h++)
				x -= (uint32_t)hour_w[h];
			if (tm.tm_wday == 6 && h > 11)
				h = 8 + (int)rnd(3);
			issued = dstart + h * 3600 + rnd(3600);
			call = issued + 60 + rnd(40 * 60);
			start = call + 10 + rnd(60);
			fin = start + 120 + rnd(25 * 60);
			ev[ne].type = "issued"; ev[ne].at = issued; ev[ne].value = 0; ev[ne++].vc = NULL;
			ev[ne].type = "called"; ev[ne].at = call; ev[ne].value = 0; ev[ne++].vc = NULL;
			if (kind < 6) {
				ev[ne].type = "recalled"; ev[ne].at = call + 40; ev[ne].value = 2; ev[ne++].vc = NULL;
				ev[ne].type = "no_show"; ev[ne].at = call + 100; ev[ne].value = 0; ev[ne++].vc = NULL;
				state = "no_show";
				start = fin = 0;
			} else {
				if (kind < 10) {
					int q2 = (int)rnd((uint32_t)cfg->nqueues);
					ev[ne].type = "transferred"; ev[ne].at = call + 90; ev[ne].value = 0;
					ev[ne++].vc = cfg->queues[q2].code;
					ev[ne].type = "called"; ev[ne].at = call + 90 + rnd(900); ev[ne].value = 0;
					ev[ne++].vc = NULL;
					q = q2;
					start = ev[ne - 1].at + 15;
					fin = start + 120 + rnd(20 * 60);
				}
				ev[ne].type = "started"; ev[ne].at = start; ev[ne].value = 0; ev[ne++].vc = NULL;
				ev[ne].type = "finished"; ev[ne].at = fin; ev[ne].value = 0; ev[ne++].vc = NULL;
				if (kind < 55) {
					rating = 1 + (int)rnd(4);
					ev[ne].type = "rated"; ev[ne].at = fin + 20; ev[ne].value = rating;
					ev[ne++].vc = NULL;
				}
			}
			snprintf(code, sizeof code, "t%lld", (long long)id);
			sqlite3_bind_int64(ti, 1, id);
			sqlite3_bind_text(ti, 2, code, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ti, 3, day, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(ti, 4, num++);
			sqlite3_bind_text(ti, 5, cfg->queues[q].code, -1, SQLITE_STATIC);
			sqlite3_bind_text(ti, 6, cfg->departments[cfg->queues[q].department].code, -1, SQLITE_STATIC);
			if (cfg->nprocedures > 0)
				sqlite3_bind_text(ti, 7, cfg->procedures[rnd((uint32_t)cfg->nprocedures)].code,
				    -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(ti, 7);
			sqlite3_bind_text(ti, 8, state, -1, SQLITE_STATIC);
			sqlite3_bind_int(ti, 9, c);
			sqlite3_bind_int(ti, 10, 100 + c);
			sqlite3_bind_int64(ti, 11, issued);
			sqlite3_bind_int64(ti, 12, call);
			sqlite3_bind_int64(ti, 13, start);
			sqlite3_bind_int64(ti, 14, fin);
			sqlite3_bind_int(ti, 15, rating);
			if (sqlite3_step(ti) != SQLITE_DONE)
				die("ticket", sqlite3_errmsg(w));
			sqlite3_reset(ti);
			for (k = 0; k < ne; k++) {
				sqlite3_bind_int64(ei, 1, ++evid);
				sqlite3_bind_text(ei, 2, ev[k].type, -1, SQLITE_STATIC);
				sqlite3_bind_int64(ei, 3, ev[k].at);
				sqlite3_bind_int64(ei, 4, id);
				sqlite3_bind_int(ei, 5, num - 1);
				sqlite3_bind_text(ei, 6, cfg->queues[q].code, -1, SQLITE_STATIC);
				sqlite3_bind_int(ei, 7, c);
				sqlite3_bind_int(ei, 8, 100 + c);
				sqlite3_bind_int(ei, 9, ev[k].value);
				if (ev[k].vc)
					sqlite3_bind_text(ei, 10, ev[k].vc, -1, SQLITE_STATIC);
				else
					sqlite3_bind_null(ei, 10);
				if (sqlite3_step(ei) != SQLITE_DONE)
					die("event", sqlite3_errmsg(w));
				sqlite3_reset(ei);
				nevents++;
			}
		}
		lastday = dstart;
	}
	sqlite3_finalize(ti);
	sqlite3_finalize(ei);
	sqlite3_exec(w, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(w);
	printf("store: %ld tickets, %ld events, %d calendar days, built in %.1f s\n",
	    made, nevents, d, ms_since(&t0) / 1e3);

	if ((st = stats_open(db, sp, cfg, err, sizeof err)) == NULL)
		die("stats", err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (stats_sync(st, 0) < 0)
		die("sync", stats_errmsg(st));
	printf("first sync (all events into legs, once): %.1f s\n", ms_since(&t0) / 1e3);
	{
		char today[11], monthf[11], yearf[11];
		time_t tt = (time_t)lastday + 12 * 3600;
		struct tm tm;
		struct stats_query q;
		cJSON *r;
		int pass;

		localtime_r(&tt, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (stats_rollup(st, today) < 0)
			die("rollup", stats_errmsg(st));
		printf("daily rollups (all closed days, once): %.1f s\n", ms_since(&t0) / 1e3);
		tm.tm_mday = 1;
		tm.tm_mon -= 1;
		mktime(&tm);
		strftime(monthf, sizeof monthf, "%Y-%m-01", &tm);
		tm.tm_year -= 1;
		mktime(&tm);
		strftime(yearf, sizeof yearf, "%Y-%m-%d", &tm);
		for (pass = 0; pass < 3; pass++) {
			memset(&q, 0, sizeof q);
			q.by = STATS_BY_ALL;
			snprintf(q.from, sizeof q.from, "%s", monthf);
			snprintf(q.to, sizeof q.to, "%.8s31", monthf);
			if (stats_parse_day(q.to) != 0)
				snprintf(q.to, sizeof q.to, "%.8s30", monthf);
			if (stats_parse_day(q.to) != 0)
				snprintf(q.to, sizeof q.to, "%.8s28", monthf);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if ((r = stats_report(st, &q, lastday + 12 * 3600)) == NULL)
				die("month", stats_errmsg(st));
			ms = ms_since(&t0);
			printf("month report %s..%s, every breakdown, %s: %.1f ms (%d issued) goal < 200 ms\n",
			    q.from, q.to, cJSON_IsTrue(cJSON_GetObjectItem(r, "exact")) ? "exact" : "rollups",
			    ms, (int)cJSON_GetObjectItem(cJSON_GetObjectItem(r, "total"), "issued")->valuedouble);
			cJSON_Delete(r);
			snprintf(q.from, sizeof q.from, "%s", yearf);
			snprintf(q.to, sizeof q.to, "%s", today);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if ((r = stats_report(st, &q, lastday + 12 * 3600)) == NULL)
				die("year", stats_errmsg(st));
			ms = ms_since(&t0);
			printf("year report %s..%s, every breakdown, %s: %.1f ms (%d issued) goal < 1000 ms\n",
			    q.from, q.to, cJSON_IsTrue(cJSON_GetObjectItem(r, "exact")) ? "exact" : "rollups", ms, (int)cJSON_GetObjectItem(cJSON_GetObjectItem(r, "total"),
			    "issued")->valuedouble);
			cJSON_Delete(r);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if ((r = stats_live(st, lastday + 12 * 3600)) == NULL)
				die("live", stats_errmsg(st));
			ms = ms_since(&t0);
			printf("live dashboard query: %.2f ms goal < 10 ms\n", ms);
			cJSON_Delete(r);
		}
	}
	stats_close(st);
	config_free(cfg);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
