/*
 * central_db.c - onestop-central's one PostgreSQL connection and every
 * statement it runs, each prepared once per connection and run with its
 * values as parameters (never in the SQL text).  libmicrohttpd's threads
 * share the connection under one lock; a connection that failed is made
 * again, and its statements prepared again, by the next request.
 *
 * The figures are those of the centres' own statistics (host/docs/stats.md)
 * over the view legs (core/central_schema.c), read through legs_fast(from,
 * to): the rolled days from central_legs, the others from their tickets'
 * events only (legs_open).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/xmalloc.h"
#include "tools/central.h"

/* The aggregates of a group of legs: the columns 5..20 of CQ_REPORT. */
#define CENTRAL_AGGS \
    " count(*) FILTER (WHERE seq = 0) AS issued," \
    " count(*) FILTER (WHERE outcome = 'served') AS served," \
    " count(*) FILTER (WHERE outcome = 'no_show') AS no_show," \
    " round(100.0 * count(*) FILTER (WHERE outcome = 'no_show')" \
    "  / NULLIF(count(*) FILTER (WHERE seq = 0), 0), 1) AS no_show_pct," \
    " count(wait_s) AS wait_n, round(avg(wait_s), 1) AS wait_mean," \
    " percentile_disc(0.5) WITHIN GROUP (ORDER BY wait_s) AS wait_median," \
    " percentile_disc(0.9) WITHIN GROUP (ORDER BY wait_s) AS wait_p90," \
    " max(wait_s) AS wait_max, round(avg(service_s), 1) AS service_mean," \
    " count(*) FILTER (WHERE outcome = 'served' AND wait_s IS NOT NULL" \
    "  AND target_wait_s > 0) AS sl_n," \
    " count(*) FILTER (WHERE outcome = 'served' AND wait_s <= target_wait_s) AS sl_in," \
    " round(100.0 * count(*) FILTER (WHERE outcome = 'served' AND wait_s <= target_wait_s)" \
    "  / NULLIF(count(*) FILTER (WHERE outcome = 'served' AND wait_s IS NOT NULL" \
    "  AND target_wait_s > 0), 0), 1) AS sl_pct," \
    " count(rating) AS rating_n," \
    " round(100.0 * count(*) FILTER (WHERE rating IN (1, 2)) / NULLIF(count(rating), 0), 1)" \
    "  AS satisfied_pct," \
    " max(target_wait_s) AS target"

static const char *const central_sql[CQ_N] = {
	[CQ_LIVE] =
	    "SELECT c.code, c.name, c.acked,"
	    " to_char(er.received_at, 'YYYY-MM-DD HH24:MI:SS'), d.day::text,"
	    " coalesce(w.waiting, 0), w.longest, coalesce(w.over, 0), coalesce(oc.n, 0)"
	    " FROM centres c"
	    " CROSS JOIN LATERAL (SELECT $2::date - CASE WHEN $3::int < c.day_start_hour"
	    "  THEN 1 ELSE 0 END AS day) d"
	    " LEFT JOIN events er ON er.centre = c.code AND er.id = c.acked"
	    " LEFT JOIN LATERAL (SELECT count(*) AS waiting, max($1::bigint - l.enq) AS longest,"
	    "  count(*) FILTER (WHERE $1::bigint - l.enq > l.target_wait_s) AS over"
	    "  FROM legs_in(d.day, d.day) l WHERE l.centre = c.code AND l.day = d.day"
	    "  AND l.outcome = 'open' AND l.call_at IS NULL) w ON true"
	    " LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE x.type = 'counter_opened') AS n"
	    "  FROM (SELECT DISTINCT ON (e.counter) e.type FROM events e WHERE e.centre = c.code"
	    "  AND e.type IN ('counter_opened', 'counter_paused', 'counter_closed')"
	    "  AND e.at >= $1::bigint - 86400 ORDER BY e.counter, e.id DESC) x) oc ON true"
	    " WHERE $4::text IS NULL OR c.code = $4::text"
	    " ORDER BY c.name, c.code",
	[CQ_REPORT] =
	    "SELECT r.g, r.centre, coalesce(c.name, r.centre),"
	    " CASE r.g WHEN 1 THEN coalesce(r.department, '') WHEN 2 THEN coalesce(r.procedure, '')"
	    "  ELSE '' END,"
	    " CASE r.g WHEN 1 THEN coalesce(d.name, r.department, '')"
	    "  WHEN 2 THEN coalesce(p.name, r.procedure, '(lấy số theo hàng đợi)') ELSE '' END,"
	    " r.issued, r.served, r.no_show, r.no_show_pct, r.wait_n, r.wait_mean, r.wait_median,"
	    " r.wait_p90, r.wait_max, r.service_mean, r.sl_n, r.sl_in, r.sl_pct, r.rating_n,"
	    " r.satisfied_pct, r.target"
	    " FROM (SELECT GROUPING(l.department, l.procedure) AS g, l.centre, l.department,"
	    "  l.procedure," CENTRAL_AGGS
	    "  FROM legs_fast($1::date, $2::date) l"
	    "  WHERE l.day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR l.centre = $3::text)"
	    "  GROUP BY GROUPING SETS ((l.centre), (l.centre, l.department),"
	    "  (l.centre, l.procedure))) r"
	    " LEFT JOIN centres c ON c.code = r.centre"
	    " LEFT JOIN departments d ON r.g = 1 AND d.centre = r.centre AND d.code = r.department"
	    " LEFT JOIN procedures p ON r.g = 2 AND p.centre = r.centre AND p.code = r.procedure"
	    " ORDER BY r.g DESC, 3, r.centre, 4",
	[CQ_USER] =
	    "SELECT pwhash, role, coalesce(centre, ''), disabled FROM central_users WHERE name = $1",
	[CQ_ADD_USER] =
	    "WITH gone AS (DELETE FROM central_sessions WHERE name = $1)"
	    " INSERT INTO central_users (name, pwhash, role, centre) VALUES ($1, $2, $3, $4)"
	    " ON CONFLICT (name) DO UPDATE SET pwhash = EXCLUDED.pwhash, role = EXCLUDED.role,"
	    " centre = EXCLUDED.centre, disabled = false",
	[CQ_CENTRES] = "SELECT code, name FROM centres ORDER BY name, code",
	[CQ_SESSION_ADD] =
	    "INSERT INTO central_sessions (token_hash, name, expires_at) VALUES ($1, $2, $3)",
	[CQ_SESSION_GET] =
	    "SELECT u.name, u.role, coalesce(u.centre, '') FROM central_sessions s"
	    " JOIN central_users u ON u.name = s.name"
	    " WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled",
	[CQ_SESSION_END] = "DELETE FROM central_sessions WHERE token_hash = $1",
	[CQ_SESSION_PURGE] = "DELETE FROM central_sessions WHERE expires_at <= $1",
};

static pthread_mutex_t central_mu = PTHREAD_MUTEX_INITIALIZER;
static PGconn *central_pg;
static char *central_conninfo;

void
central_db_init(const char *conninfo)
{
	central_conninfo = xstrdup(conninfo);
}

void
central_db_fini(void)
{
	if (central_pg != NULL)
		PQfinish(central_pg);
	central_pg = NULL;
	free(central_conninfo);
	central_conninfo = NULL;
}

/* Connect and prepare every statement; 0, or -1 with err (connection kept
   for PQfinish). */
static int
central_connect(char *err, size_t errlen)
{
	char name[16];
	int i;

	if (central_pg != NULL)
		PQfinish(central_pg);
	central_pg = PQconnectdb(central_conninfo);
	if (PQstatus(central_pg) != CONNECTION_OK) {
		snprintf(err, errlen, "%s", PQerrorMessage(central_pg));
		return -1;
	}
	/* A year's report sorts millions of legs for its percentiles: in
	   memory rather than in files (4 MB by default; 3.2 s instead of 14 s
	   for 12 centre-years, tests/bench/host/bench_central.c). */
	PQclear(PQexec(central_pg, "SET work_mem = '64MB'"));
	for (i = 0; i < CQ_N; i++) {
		PGresult *r;

		snprintf(name, sizeof name, "cq%d", i);
		r = PQprepare(central_pg, name, central_sql[i], 0, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			snprintf(err, errlen, "%s", PQresultErrorMessage(r));
			PQclear(r);
			/* a statement whose table is missing (an old schema) is
			   refused only when it runs */
			if (i == CQ_USER || i == CQ_ADD_USER || i >= CQ_SESSION_ADD)
				continue;
			return -1;
		}
		PQclear(r);
	}
	return 0;
}

PGresult *
central_db_run(enum central_q q, int n, const char *const *v, char *err, size_t errlen)
{
	char name[16];
	PGresult *r = NULL;
	int attempt;

	if (central_conninfo == NULL) {
		snprintf(err, errlen, "no database\n");
		return NULL;
	}
	snprintf(name, sizeof name, "cq%d", (int)q);
	pthread_mutex_lock(&central_mu);
	for (attempt = 0; attempt < 2; attempt++) {
		if ((central_pg == NULL || PQstatus(central_pg) != CONNECTION_OK) &&
		    central_connect(err, errlen) != 0)
			continue;
		r = PQexecPrepared(central_pg, name, n, v, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK)
			break;
		snprintf(err, errlen, "%s", PQresultErrorMessage(r));
		PQclear(r);
		r = NULL;
		if (PQstatus(central_pg) == CONNECTION_OK)
			break;       /* the statement failed, not the connection */
	}
	pthread_mutex_unlock(&central_mu);
	return r;
}
