/*
 * stats.h - waiting and service statistics for managers: reports over any
 * date range broken down by day, hour, department, queue, procedure, counter
 * and staff; the live dashboard; CSV and SVG renderings of a report.
 *
 * The statistics never use the store's write connection.  A stats handle
 * owns its own sqlite connection on a derived file (by default the database
 * path + ".stats") and attaches the daemon's database read-only (WAL lets it
 * read while the daemon writes).  stats_sync() turns the events committed
 * since the last sync into "legs" (one ticket's stay in one queue: a
 * transfer closes a leg and opens the next one) and closed days are rolled
 * up on demand into per-day aggregates with 1-minute histograms.  The
 * derived file can be deleted at any time: it is rebuilt from the events.
 * See host/docs/stats.md for the definitions and what is exact.
 *
 * Every function returns NULL / -1 on failure with stats_errmsg() set.
 * Nothing of a request reaches SQL except as a bound parameter.
 */
#ifndef ONESTOP_STATS_H
#define ONESTOP_STATS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/config.h"

typedef struct stats stats;

enum stats_by {
	STATS_BY_TOTAL = 0,
	STATS_BY_DAY,
	STATS_BY_HOUR,
	STATS_BY_DEPARTMENT,
	STATS_BY_QUEUE,
	STATS_BY_PROCEDURE,
	STATS_BY_COUNTER,
	STATS_BY_STAFF,
	STATS_BY_COUNT
};

#define STATS_BY_ALL (((1u << STATS_BY_COUNT) - 1) & ~1u)

struct stats_query {
	char from[11], to[11];      /* service days "YYYY-MM-DD", inclusive */
	unsigned by;                /* bit (1 << STATS_BY_x) per breakdown */
	const char *department;     /* filters: NULL = all */
	const char *queue;
	const char *procedure;
	int counter;                /* counter number, 0 = all */
	int staff;                  /* user id, 0 = all */
};

/*
 * Open.  db_path is the daemon's database (must exist); stats_path the
 * derived file (NULL = db_path + ".stats").  cfg (may be NULL) gives names,
 * targets and the day start hour; it must outlive the handle.
 */
stats *stats_open(const char *db_path, const char *stats_path,
    const struct config *cfg, char *err, size_t errlen);
void stats_close(stats *st);
const char *stats_errmsg(const stats *st);
void stats_set_config(stats *st, const struct config *cfg);

/*
 * Turn at most max_events new events (<= 0: all) into legs.  Returns the
 * number of events read, or -1.
 */
long stats_sync(stats *st, long max_events);

/* Ranges longer than this many days use the daily rollups (default 7). */
void stats_set_exact_days(stats *st, int days);

/*
 * Roll up every closed day before `before` (a service day) that has no
 * rollup yet; returns the number of days rolled up, or -1.
 */
int stats_rollup(stats *st, const char *before);

/*
 * A report (caller frees with cJSON_Delete).  Syncs first.  now is the
 * current time (decides which days are closed).
 */
cJSON *stats_report(stats *st, const struct stats_query *q, int64_t now);

/*
 * The live dashboard (caller frees).  Syncs first.  Today's legs stay in
 * memory between calls (loaded by the first call of a service day, then
 * updated by each sync), so a call costs the new events and the open tickets.
 * Each queue carries its day's figures ("today", a report group, exact);
 * counters carry counts only.
 */
cJSON *stats_live(stats *st, int64_t now);

/*
 * One breakdown of a report as CSV text (UTF-8 with BOM, RFC 4180 quoting)
 * or as an SVG bar chart of metric (see stats_metric_name); caller frees.
 * NULL when the report has no such breakdown or the metric is unknown.
 */
char *stats_csv(const cJSON *report, enum stats_by by);
char *stats_svg(const cJSON *report, enum stats_by by, const char *metric);

/* "day", "hour", ... and back (-1 when unknown; "total" is 0). */
const char *stats_by_name(enum stats_by by);
int stats_by_parse(const char *name);
/* 1 when metric is one stats_svg knows. */
int stats_metric_known(const char *metric);

/* Nearest-rank percentile of n sorted values (p in 0..100); 0 when n = 0. */
int64_t stats_percentile(const int64_t *sorted, long n, int p);

/* "YYYY-MM-DD" valid date: 0 ok, -1 not. */
int stats_parse_day(const char *s);

#endif
