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
 * breakdown), a year's full report, and the live dashboard query on the
 * last Monday (the busiest day of the week: its day is complete, so there is
 * more to count than at noon): its first call (which loads the day's legs
 * into memory), then p50 / p99 / max over
 * BENCH_RUNS calls (default 200) with no new events between calls, and over
 * as many with the daemon's traffic of a busy morning between calls (a
 * ticket issued, one called, one finished and rated: the live call first
 * syncs those 5 events).  Figures are printed; goals: month < 200 ms,
 * year < 1 s, live < 10 ms.
 *
 * BENCH_STORE=DIR keeps the generated store in DIR (o.db and o.info) and
 * reuses it when it was made with the same BENCH_TICKETS; the statistics
 * file is always made again, so the first sync and rollups are measured on
 * every run.  Without it the store lives in a temporary folder, removed at
 * the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/config.h"
#include "daemon/stats/stats.h"
#include "core/store.h"

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

/* A positive count from the environment, or def. */
static long
env_count(const char *name, long def, long min, long max)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		die(name, "not a number in range");
	return n;
}

/* Relative arrivals per hour 7..16 and per weekday (0 = Sunday). */
static const int hour_w[24] = { [7] = 6, [8] = 14, [9] = 16, [10] = 13, [11] = 7,
	[13] = 8, [14] = 12, [15] = 10, [16] = 5 };
static const int wday_w[7] = { 0, 130, 110, 100, 100, 95, 40 };

struct built {
	long made, nevents;
	int days;
	int64_t lastday;            /* 00:00 of the last day with tickets */
	int64_t evid;               /* the highest event id */
};

/* Fill the (fresh, store-made) database db with total tickets and their events. */
static void
build_store(const char *db, const struct config *cfg, long total, struct built *bt)
{
	sqlite3 *w;
	sqlite3_stmt *ti, *ei;
	struct timespec t0;
	int64_t day0, evid = 0, lastday = 0;
	long made = 0, nevents = 0;
	int hsum = 0, h, d;

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
	bt->made = made;
	bt->nevents = nevents;
	bt->days = d;
	bt->lastday = lastday;
	bt->evid = evid;
	printf("store: %ld tickets, %ld events, %d calendar days, built in %.1f s\n",
	    made, nevents, d, ms_since(&t0) / 1e3);
}

/* The daemon's traffic on the last day, one transaction per command. */
struct traffic {
	sqlite3 *w;
	sqlite3_stmt *ti, *ev, *up;
	const struct config *cfg;
	int64_t first, evid;        /* first ticket id of the traffic, last event id */
	long k;
	int64_t now;
	char day[11];
};

static void
traffic_event(struct traffic *tr, const char *type, int64_t ticket, int counter, int value)
{
	int q = (int)(ticket % tr->cfg->nqueues);

	sqlite3_bind_int64(tr->ev, 1, ++tr->evid);
	sqlite3_bind_text(tr->ev, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(tr->ev, 3, tr->now);
	sqlite3_bind_int64(tr->ev, 4, ticket);
	sqlite3_bind_int(tr->ev, 5, (int)(ticket - tr->first) + 100000);
	sqlite3_bind_text(tr->ev, 6, tr->cfg->queues[q].code, -1, SQLITE_STATIC);
	sqlite3_bind_int(tr->ev, 7, counter);
	sqlite3_bind_int(tr->ev, 8, counter ? 100 + counter : 0);
	sqlite3_bind_int(tr->ev, 9, value);
	if (sqlite3_step(tr->ev) != SQLITE_DONE)
		die("traffic event", sqlite3_errmsg(tr->w));
	sqlite3_reset(tr->ev);
}

static void
traffic_state(struct traffic *tr, int64_t ticket, const char *state, int counter)
{
	sqlite3_bind_text(tr->up, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int(tr->up, 2, counter);
	sqlite3_bind_int64(tr->up, 3, tr->now);
	sqlite3_bind_int64(tr->up, 4, ticket);
	if (sqlite3_step(tr->up) != SQLITE_DONE)
		die("traffic update", sqlite3_errmsg(tr->w));
	sqlite3_reset(tr->up);
}

static void
traffic_open(struct traffic *tr, const char *db, const struct config *cfg, int64_t first,
    int64_t evid, int64_t now, const char *day)
{
	memset(tr, 0, sizeof *tr);
	tr->cfg = cfg;
	tr->first = first;
	tr->evid = evid;
	tr->now = now;
	snprintf(tr->day, sizeof tr->day, "%s", day);
	if (sqlite3_open(db, &tr->w) != SQLITE_OK)
		die("open", sqlite3_errmsg(tr->w));
	sqlite3_busy_timeout(tr->w, 5000);
	if (sqlite3_prepare_v2(tr->w, "INSERT INTO tickets(id, code, day, number, queue,"
	    " department, channel, state, ord, issued_at, enqueued_at) VALUES(?1, ?2, ?3, ?4, ?5,"
	    " ?6, 'kiosk', 'waiting', ?1, ?7, ?7)", -1, &tr->ti, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(tr->w, "INSERT INTO events(id, type, at, ticket_id, number, queue,"
	    " counter, staff, value) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", -1, &tr->ev,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(tr->w, "UPDATE tickets SET state = ?1, counter = ?2,"
	    " called_at = CASE ?1 WHEN 'called' THEN ?3 ELSE called_at END,"
	    " finished_at = CASE ?1 WHEN 'done' THEN ?3 ELSE finished_at END WHERE id = ?4",
	    -1, &tr->up, NULL) != SQLITE_OK)
		die("traffic prepare", sqlite3_errmsg(tr->w));
}

/* One step: a ticket issued, the one issued 4 steps ago called, 8 steps ago finished. */
static void
traffic_step(struct traffic *tr)
{
	int64_t id = tr->first + tr->k;
	int q = (int)(id % tr->cfg->nqueues), c = 1 + (int)(tr->k % 28);
	char code[32];

	tr->now += 30;
	sqlite3_exec(tr->w, "BEGIN", NULL, NULL, NULL);
	snprintf(code, sizeof code, "live%lld", (long long)id);
	sqlite3_bind_int64(tr->ti, 1, id);
	sqlite3_bind_text(tr->ti, 2, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(tr->ti, 3, tr->day, -1, SQLITE_STATIC);
	sqlite3_bind_int(tr->ti, 4, (int)tr->k + 100000);
	sqlite3_bind_text(tr->ti, 5, tr->cfg->queues[q].code, -1, SQLITE_STATIC);
	sqlite3_bind_text(tr->ti, 6, tr->cfg->departments[tr->cfg->queues[q].department].code,
	    -1, SQLITE_STATIC);
	sqlite3_bind_int64(tr->ti, 7, tr->now);
	if (sqlite3_step(tr->ti) != SQLITE_DONE)
		die("traffic ticket", sqlite3_errmsg(tr->w));
	sqlite3_reset(tr->ti);
	traffic_event(tr, "issued", id, 0, 0);
	if (tr->k >= 4) {
		traffic_event(tr, "called", id - 4, c, 0);
		traffic_state(tr, id - 4, "called", c);
	}
	if (tr->k >= 8) {
		traffic_event(tr, "started", id - 8, c, 0);
		traffic_event(tr, "finished", id - 8, c, 0);
		traffic_event(tr, "rated", id - 8, c, 1 + (int)(tr->k % 4));
		traffic_state(tr, id - 8, "done", c);
	}
	sqlite3_exec(tr->w, "COMMIT", NULL, NULL, NULL);
	tr->k++;
}

/* Remove the traffic's rows again (a kept store stays as generated). */
static void
traffic_close(struct traffic *tr, int64_t made, int64_t evid)
{
	char sql[160];

	sqlite3_finalize(tr->ti);
	sqlite3_finalize(tr->ev);
	sqlite3_finalize(tr->up);
	snprintf(sql, sizeof sql, "DELETE FROM events WHERE id > %lld;"
	    " DELETE FROM tickets WHERE id > %lld;", (long long)evid, (long long)made);
	if (sqlite3_exec(tr->w, sql, NULL, NULL, NULL) != SQLITE_OK)
		die("traffic cleanup", sqlite3_errmsg(tr->w));
	sqlite3_close(tr->w);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sort n timings and print p50, p99 (nearest rank) and the maximum. */
static void
print_dist(const char *what, double *ms, long n)
{
	long r50 = (n * 50 + 99) / 100, r99 = (n * 99 + 99) / 100;

	qsort(ms, (size_t)n, sizeof *ms, cmp_double);
	printf("%s, %ld runs: p50 %.2f ms, p99 %.2f ms, max %.2f ms (goal < 10 ms)\n",
	    what, n, ms[r50 > 0 ? r50 - 1 : 0], ms[r99 > 0 ? r99 - 1 : 0], ms[n - 1]);
}

/* Read the info file of a kept store: 0 when it matches total. */
static int
info_read(const char *path, long total, struct built *bt)
{
	FILE *f = fopen(path, "r");
	long t = 0;
	long long lastday = 0, evid = 0;
	int ok;

	if (f == NULL)
		return -1;
	ok = fscanf(f, "%ld %ld %ld %d %lld %lld", &t, &bt->made, &bt->nevents, &bt->days,
	    &lastday, &evid) == 6;
	fclose(f);
	bt->lastday = lastday;
	bt->evid = evid;
	return ok && t == total ? 0 : -1;
}

static void
unlink_db(const char *path)
{
	char p[300];

	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

int
main(void)
{
	long total = env_count("BENCH_TICKETS", 2000000, 1000, 100000000);
	long runs = env_count("BENCH_RUNS", 200, 1, 100000), i;
	const char *keep = getenv("BENCH_STORE");
	struct config *cfg;
	char err[512], tmpdir[] = "/tmp/bench_stats.XXXXXX", db[300], sp[300], info[300],
	    cmd[400];
	const char *dir;
	store *s;
	stats *st;
	struct timespec t0;
	struct built bt;
	double ms, *live_ms;
	FILE *f;

	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	if (config_load("config/demo/centre.ini", &cfg, err, sizeof err) != 0)
		die("config", err);
	if (keep != NULL && *keep != '\0') {
		if (mkdir(keep, 0755) != 0 && errno != EEXIST)
			die(keep, strerror(errno));
		dir = keep;
	} else if ((dir = mkdtemp(tmpdir)) == NULL) {
		die("mkdtemp", strerror(errno));
	}
	snprintf(db, sizeof db, "%s/o.db", dir);
	snprintf(sp, sizeof sp, "%s/o.stats", dir);
	snprintf(info, sizeof info, "%s/o.info", dir);
	memset(&bt, 0, sizeof bt);
	if (dir == keep && access(db, R_OK) == 0 && info_read(info, total, &bt) == 0) {
		printf("store: %ld tickets, %ld events, %d calendar days, kept in %s\n",
		    bt.made, bt.nevents, bt.days, dir);
	} else {
		unlink(info);
		unlink_db(db);
		if ((s = store_open(db, cfg, err, sizeof err)) == NULL)
			die("store", err);
		store_close(s);
		build_store(db, cfg, total, &bt);
		if (dir == keep) {
			if ((f = fopen(info, "w")) == NULL)
				die(info, strerror(errno));
			fprintf(f, "%ld %ld %ld %d %lld %lld\n", total, bt.made, bt.nevents, bt.days,
			    (long long)bt.lastday, (long long)bt.evid);
			fclose(f);
		}
	}
	unlink_db(sp);

	if ((st = stats_open(db, sp, cfg, err, sizeof err)) == NULL)
		die("stats", err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (stats_sync(st, 0) < 0)
		die("sync", stats_errmsg(st));
	printf("first sync (all events into legs, once): %.1f s\n", ms_since(&t0) / 1e3);
	live_ms = calloc((size_t)runs, sizeof *live_ms);
	if (live_ms == NULL)
		die("calloc", strerror(errno));
	{
		char today[11], monthf[11], yearf[11], liveday[11];
		time_t tt = (time_t)bt.lastday + 12 * 3600;
		int64_t now = bt.lastday + 12 * 3600, livenow = now - 86400;
		struct tm tm;
		struct stats_query q;
		struct traffic tr;
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
			if ((r = stats_report(st, &q, now)) == NULL)
				die("month", stats_errmsg(st));
			ms = ms_since(&t0);
			printf("month report %s..%s, every breakdown, %s: %.1f ms (%d issued) goal < 200 ms\n",
			    q.from, q.to, cJSON_IsTrue(cJSON_GetObjectItem(r, "exact")) ? "exact" : "rollups",
			    ms, (int)cJSON_GetObjectItem(cJSON_GetObjectItem(r, "total"), "issued")->valuedouble);
			cJSON_Delete(r);
			snprintf(q.from, sizeof q.from, "%s", yearf);
			snprintf(q.to, sizeof q.to, "%s", today);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if ((r = stats_report(st, &q, now)) == NULL)
				die("year", stats_errmsg(st));
			ms = ms_since(&t0);
			printf("year report %s..%s, every breakdown, %s: %.1f ms (%d issued) goal < 1000 ms\n",
			    q.from, q.to, cJSON_IsTrue(cJSON_GetObjectItem(r, "exact")) ? "exact" : "rollups",
			    ms, (int)cJSON_GetObjectItem(cJSON_GetObjectItem(r, "total"), "issued")->valuedouble);
			cJSON_Delete(r);
		}
		/* The live dashboard at noon of the last Monday (or the last day). */
		for (;;) {
			tt = (time_t)livenow;
			localtime_r(&tt, &tm);
			if (tm.tm_wday == 1 || livenow <= now - 7 * 86400)
				break;
			livenow -= 86400;
		}
		if (livenow < now - (int64_t)(bt.days - 1) * 86400)
			livenow = now;      /* before the first day of the store */
		tt = (time_t)livenow;
		localtime_r(&tt, &tm);
		strftime(liveday, sizeof liveday, "%Y-%m-%d", &tm);
		now = livenow;
		/* As a browser polls it: nothing new between calls. */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((r = stats_live(st, now)) == NULL)
			die("live", stats_errmsg(st));
		ms = ms_since(&t0);
		printf("live dashboard query on %s, first call (loads the day's %d tickets into memory):"
		    " %.2f ms\n", liveday,
		    (int)cJSON_GetObjectItem(cJSON_GetObjectItem(r, "today"), "issued")->valuedouble, ms);
		cJSON_Delete(r);
		for (i = 0; i < runs; i++) {
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if ((r = stats_live(st, now)) == NULL)
				die("live", stats_errmsg(st));
			live_ms[i] = ms_since(&t0);
			cJSON_Delete(r);
		}
		print_dist("live dashboard query, no new events", live_ms, runs);
		/* ... and with a busy morning's commands in between (5 events a call). */
		traffic_open(&tr, db, cfg, bt.made + 1, bt.evid, now, liveday);
		for (i = 0; i < runs; i++) {
			traffic_step(&tr);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if ((r = stats_live(st, tr.now)) == NULL)
				die("live", stats_errmsg(st));
			live_ms[i] = ms_since(&t0);
			cJSON_Delete(r);
		}
		print_dist("live dashboard query, new events before each call", live_ms, runs);
		traffic_close(&tr, bt.made, bt.evid);
	}
	free(live_ms);
	stats_close(st);
	config_free(cfg);
	if (dir == keep)
		return 0;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
