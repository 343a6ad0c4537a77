/*
 * export.c - the exporter thread: committed events from the daemon's sqlite
 * file to a central PostgreSQL (see export.h and host/docs/export.md).
 *
 * The thread's loop: connect (PQconnectPoll beside the stop pipe), make the
 * schema if missing (core/central_schema.c), write the configuration, read
 * back the centre's acknowledged event id; then, over and over, read up to
 * [export] batch events after it from sqlite (one read transaction: the
 * events and their tickets' rows), send them pipelined in one PostgreSQL
 * transaction that also moves the acknowledged id (from where the batch
 * began only), and sleep poll_ms when there was nothing.  Any failure of
 * the server drops the connection and backs off.  The connection is
 * non-blocking: every wait on it polls the socket and the stop pipe for at
 * most [export] timeout_s (pg_wait).  Every value goes as a
 * parameter of a prepared statement; the only SQL sent as text is constant
 * (the schema, BEGIN, COMMIT).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "daemon/export/export.h"
#include "core/central_schema.h"
#include "common/log.h"
#include "common/xmalloc.h"

#define EXPORT_CONNINFO_MAX 4096
#define EXPORT_BACKOFF_MIN_MS 100
/* With nothing to send, ask the server for the acked id this often: finds
   a dead connection, and a central database restored to an older state. */
#define EXPORT_IDLE_CHECK_MS 5000
/* export_stop waits this long for a call to end before cutting it. */
#define EXPORT_STOP_WAIT_S 1

/* The prepared statements, by name. */
static const struct {
	const char *name, *sql;
	int nparams;
} export_stmts[] = {
	{ "centre", "INSERT INTO centres (code, name, address, day_start_hour, config_at)"
	    " VALUES ($1, $2, $3, $4::int, now()) ON CONFLICT (code) DO UPDATE SET"
	    " name = excluded.name, address = excluded.address,"
	    " day_start_hour = excluded.day_start_hour, config_at = now()"
	    " RETURNING acked", 4 },
	{ "dept", "INSERT INTO departments (centre, code, name) VALUES ($1, $2, $3)"
	    " ON CONFLICT (centre, code) DO UPDATE SET name = excluded.name", 3 },
	{ "queue", "INSERT INTO queues (centre, code, name, department, target_wait_s)"
	    " VALUES ($1, $2, $3, $4, $5::int) ON CONFLICT (centre, code) DO UPDATE SET"
	    " name = excluded.name, department = excluded.department,"
	    " target_wait_s = excluded.target_wait_s", 5 },
	{ "counter", "INSERT INTO counters (centre, number, name, department, area)"
	    " VALUES ($1, $2::int, $3, $4, $5) ON CONFLICT (centre, number) DO UPDATE SET"
	    " name = excluded.name, department = excluded.department, area = excluded.area", 5 },
	{ "proc", "INSERT INTO procedures (centre, code, name, department, field, queue)"
	    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (centre, code) DO UPDATE SET"
	    " name = excluded.name, department = excluded.department,"
	    " field = excluded.field, queue = excluded.queue", 6 },
	{ "staff", "INSERT INTO staff (centre, id, name, full_name) VALUES ($1, $2::int, $3, $4)"
	    " ON CONFLICT (centre, id) DO UPDATE SET name = excluded.name,"
	    " full_name = excluded.full_name", 4 },
	{ "ticket", "INSERT INTO tickets (centre, id, day, number, queue, procedure,"
	    " priority, channel, issued_at) VALUES ($1, $2::bigint, $3::date, $4::int, $5,"
	    " $6, $7, $8, $9::bigint) ON CONFLICT (centre, id) DO NOTHING", 9 },
	{ "event", "INSERT INTO events (centre, id, type, at, ticket_id, number, queue,"
	    " counter, staff, value, value_code, reason) VALUES ($1, $2::bigint, $3,"
	    " $4::bigint, $5::bigint, $6::int, $7, $8::int, $9::int, $10::bigint, $11, $12)"
	    " ON CONFLICT (centre, id) DO NOTHING", 12 },
	/* Move acked on only from where this batch began ($3): a central
	   database that lost rows meanwhile keeps its lower id, and answers
	   it (pg_batch then sends again from there). */
	{ "acked", "UPDATE centres SET acked = CASE WHEN acked >= $3::bigint"
	    " THEN GREATEST(acked, $2::bigint) ELSE acked END WHERE code = $1"
	    " RETURNING acked", 3 },
	{ "getacked", "SELECT acked FROM centres WHERE code = $1", 1 },
};

/* One event read from sqlite, with its ticket's row when it is an issue. */
struct xevent {
	char *v[12];             /* the "event" statement's parameters (text) */
	char *t[9];              /* "ticket"'s, t[0] NULL when none */
	int64_t id;
	int staff;
};

/* One row of the configuration: a prepared statement and its values. */
struct xrow {
	const char *stmt;
	int n;
	char *v[6];
};

struct exporter {
	const struct config *cfg;    /* export_* settings only: the rest is
	                                the core's (a catalogue import replaces
	                                the procedures), copied into rows */
	struct xrow *rows;           /* "centre" first, then the others */
	int nrows;
	char *db_path;
	char *conninfo;
	pthread_t thread;
	int wake[2];             /* export_stop writes, the thread polls */
	atomic_int stop;
	pthread_mutex_t mu;      /* guards sock against pg_drop closing it */
	int sock;                /* the connection's socket, -1 = none */
	_Atomic int64_t acked;
	_Atomic int64_t oldest_at;   /* "at" of the first event after acked,
	                                0 = none known (export_status) */
	atomic_int connected;
	atomic_uint_fast64_t failures;

	/* the thread's own */
	PGconn *pg;
	sqlite3 *db;
	sqlite3_stmt *q_events, *q_user, *q_oldest;
	int backoff_ms;
	int64_t next_id;         /* read events after this */
	int npipe;               /* statements sent since the last sync */
	double last_contact_ms;  /* monotonic time of the last answer */
	int down_logged;
};

/* ---- the conninfo file ------------------------------------------------------- */

int
export_read_conninfo(const char *path, char **out, char *err, size_t errlen)
{
	struct stat sb;
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		snprintf(err, errlen, "conninfo_file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "conninfo_file %s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (sb.st_uid != geteuid() || (sb.st_mode & 077) != 0) {
		snprintf(err, errlen, "conninfo_file %s: must be owned by the daemon's "
		    "user with mode 0600 (it holds the password), is mode %04o",
		    path, (unsigned)(sb.st_mode & 07777));
		close(fd);
		return -1;
	}
	buf = xmalloc(EXPORT_CONNINFO_MAX + 1);
	while ((n = read(fd, buf + len, EXPORT_CONNINFO_MAX + 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n < 0 || len > EXPORT_CONNINFO_MAX) {
		snprintf(err, errlen, "conninfo_file %s: %s", path,
		    n < 0 ? strerror(errno) : "longer than 4096 bytes");
		free(buf);
		return -1;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	buf[len] = '\0';
	if (len == 0 || memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "conninfo_file %s: empty or not text", path);
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

/* ---- sqlite: the daemon's database, read only ---------------------------------- */

static void
x_db_close(exporter *x)
{
	sqlite3_finalize(x->q_events);
	sqlite3_finalize(x->q_user);
	sqlite3_finalize(x->q_oldest);
	sqlite3_close(x->db);
	x->db = NULL;
	x->q_events = x->q_user = x->q_oldest = NULL;
}

static int
x_db_open(exporter *x)
{
	/* The ticket row only for an issue: what the central tickets hold
	   does not change afterwards. */
	static const char q_events[] =
	    "SELECT e.id, e.type, e.at, e.ticket_id, e.number, e.queue, e.counter,"
	    " e.staff, e.value, e.value_code, e.reason,"
	    " t.day, t.number, t.queue, t.procedure, t.priority, t.channel, t.issued_at"
	    " FROM events e LEFT JOIN tickets t ON e.type = 'issued' AND t.id = e.ticket_id"
	    " WHERE e.id > ?1 ORDER BY e.id LIMIT ?2";
	static const char q_user[] = "SELECT name, full_name FROM users WHERE id = ?1";
	static const char q_oldest[] = "SELECT at FROM events WHERE id > ?1 ORDER BY id LIMIT 1";

	if (x->db != NULL)
		return 0;
	if (sqlite3_open_v2(x->db_path, &x->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(x->db, 5000) != SQLITE_OK ||
	    sqlite3_prepare_v3(x->db, q_events, -1, SQLITE_PREPARE_PERSISTENT,
	    &x->q_events, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(x->db, q_user, -1, SQLITE_PREPARE_PERSISTENT,
	    &x->q_user, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(x->db, q_oldest, -1, SQLITE_PREPARE_PERSISTENT,
	    &x->q_oldest, NULL) != SQLITE_OK) {
		log_warnx("export: database %s: %s", x->db_path,
		    x->db ? sqlite3_errmsg(x->db) : "out of memory");
		x_db_close(x);
		return -1;
	}
	return 0;
}

/* Column i as a malloc'd text, NULL for SQL NULL. */
static char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t;

	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	t = sqlite3_column_text(s, i);
	return xstrdup(t != NULL ? (const char *)t : "");
}

static void
xevents_free(struct xevent *ev, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < 12; j++)
			free(ev[i].v[j]);
		for (j = 0; j < 9; j++)
			free(ev[i].t[j]);
	}
}

/* Up to max events after x->next_id into ev; the count, or -1. */
static int
x_read(exporter *x, struct xevent *ev, int max)
{
	sqlite3_stmt *s = x->q_events;
	int n = 0, rc, j;

	sqlite3_bind_int64(s, 1, x->next_id);
	sqlite3_bind_int(s, 2, max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct xevent *e = &ev[n++];

		memset(e, 0, sizeof *e);
		e->id = sqlite3_column_int64(s, 0);
		e->staff = sqlite3_column_int(s, 7);
		e->v[0] = xstrdup(x->cfg->export_centre_code);
		for (j = 0; j < 11; j++)
			e->v[j + 1] = col_text(s, j);
		if (sqlite3_column_type(s, 11) != SQLITE_NULL) {
			e->t[0] = xstrdup(x->cfg->export_centre_code);
			e->t[1] = col_text(s, 3);
			for (j = 0; j < 7; j++)
				e->t[j + 2] = col_text(s, 11 + j);
			if (e->t[7] == NULL)
				e->t[7] = xstrdup("");
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("export: reading events: %s", sqlite3_errmsg(x->db));
		xevents_free(ev, n);
		return -1;
	}
	return n;
}

/* Publish the time of the first event not acknowledged yet (0: none). */
static void
x_oldest(exporter *x)
{
	sqlite3_stmt *s = x->q_oldest;
	int64_t at = 0;

	sqlite3_bind_int64(s, 1, x->next_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		at = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	atomic_store(&x->oldest_at, at);
}

/* ---- PostgreSQL -------------------------------------------------------------- */

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/*
 * Every wait on the server is bounded: the connection is non-blocking, and
 * the thread polls its socket (and the stop pipe) for at most
 * [export] timeout_s at a time.  A network that drops packets silently while
 * something on the path still acknowledges them (a relay, a NAT or a
 * firewall that lost the flow, a server host that hangs) is beyond TCP's
 * keepalives and tcp_user_timeout; this bound ends the call there too.
 * -1 on timeout, stop or error.
 */
static int
pg_wait(exporter *x, short events)
{
	struct pollfd p[2] = {
		{ .fd = PQsocket(x->pg), .events = events },
		{ .fd = x->wake[0], .events = POLLIN },
	};
	int n;

	if (p[0].fd < 0)
		return -1;
	do
		n = poll(p, 2, x->cfg->export_timeout_s * 1000);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		log_warnx("export: no answer from the central database in %d s "
		    "(timeout_s): dropping the connection", x->cfg->export_timeout_s);
	return n > 0 && p[1].revents == 0 ? 0 : -1;
}

/* Send what libpq holds, reading the server's answers meanwhile. */
static int
pg_flush(exporter *x)
{
	int f;

	while ((f = PQflush(x->pg)) == 1)
		if (pg_wait(x, POLLIN | POLLOUT) != 0 || !PQconsumeInput(x->pg))
			return -1;
	return f;
}

/* The next result as PQgetResult, within pg_wait's bound; *fail set (and
   NULL) when the connection failed or timed out. */
static PGresult *
pg_next(exporter *x, int *fail)
{
	*fail = 1;
	if (pg_flush(x) != 0)
		return NULL;
	while (PQisBusy(x->pg))
		if (pg_wait(x, POLLIN) != 0 || !PQconsumeInput(x->pg))
			return NULL;
	*fail = 0;
	return PQgetResult(x->pg);
}

static int
pg_ok(const PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/*
 * After a PQsend*, outside pipeline mode: every result of the call, and
 * the first that failed or else the last (the caller clears it); NULL when
 * the connection failed or timed out (logged).
 */
static PGresult *
pg_results(exporter *x, const char *what)
{
	PGresult *keep = NULL, *r;
	int fail;

	while ((r = pg_next(x, &fail)) != NULL) {
		if (keep == NULL || pg_ok(keep)) {
			PQclear(keep);
			keep = r;
		} else {
			PQclear(r);
		}
	}
	if (fail || keep == NULL) {
		log_warnx("export: %.40s: %s", what, PQerrorMessage(x->pg));
		PQclear(keep);
		return NULL;
	}
	if (!pg_ok(keep)) {
		log_warnx("export: %.40s: %s", what, PQresultErrorMessage(keep));
		PQclear(keep);
		return NULL;
	}
	return keep;
}

/* One value of the answer into out (NULL: none wanted); 0 or -1. */
static int
pg_answer(PGresult *r, char *out, size_t outlen)
{
	int rc = 0;

	if (r == NULL)
		return -1;
	if (out != NULL) {
		if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
			snprintf(out, outlen, "%s", PQgetvalue(r, 0, 0));
		else
			rc = -1;
	}
	PQclear(r);
	return rc;
}

/* Run a prepared statement; 0 when it succeeded, else -1 (logged). */
static int
pg_run(exporter *x, const char *name, int n, const char *const *v, char *out,
    size_t outlen)
{
	if (!PQsendQueryPrepared(x->pg, name, n, v, NULL, NULL, 0)) {
		log_warnx("export: %s: %s", name, PQerrorMessage(x->pg));
		return -1;
	}
	return pg_answer(pg_results(x, name), out, outlen);
}

/* Run constant SQL text (several statements allowed); 0 or -1 (logged). */
static int
pg_simple(exporter *x, const char *sql)
{
	if (!PQsendQuery(x->pg, sql)) {
		log_warnx("export: %.40s: %s", sql, PQerrorMessage(x->pg));
		return -1;
	}
	return pg_answer(pg_results(x, sql), NULL, 0);
}

static void
pg_drop(exporter *x)
{
	atomic_store(&x->connected, 0);
	pthread_mutex_lock(&x->mu);
	x->sock = -1;
	if (x->pg != NULL)
		PQfinish(x->pg);
	x->pg = NULL;
	pthread_mutex_unlock(&x->mu);
}

/*
 * A batch goes in pipeline mode: the statements are sent without waiting
 * for each answer, and read back every EXPORT_PIPE_CHUNK statements at a
 * sync point (a sync inside BEGIN ... COMMIT does not commit).  The chunk
 * bounds what the server has to write back before we read it, so neither
 * side can block the other on a full socket buffer.
 */
#define EXPORT_PIPE_CHUNK 128

/* Queue one prepared statement (NULL name: the text in v[0], no params). */
static int
pq_send(exporter *x, const char *name, int n, const char *const *v)
{
	int ok = name != NULL ? PQsendQueryPrepared(x->pg, name, n, v, NULL, NULL, 0) :
	    PQsendQueryParams(x->pg, v[0], 0, NULL, NULL, NULL, NULL, 0);

	if (!ok) {
		log_warnx("export: send %s: %s", name ? name : v[0], PQerrorMessage(x->pg));
		return -1;
	}
	x->npipe++;
	return 0;
}

/* Sync, and read the answers of every statement queued since the last. */
static int
pq_drain(exporter *x)
{
	PGresult *r;
	int i, rc = 0, fail;

	if (!PQpipelineSync(x->pg)) {
		log_warnx("export: sync: %s", PQerrorMessage(x->pg));
		return -1;
	}
	for (i = 0; i < x->npipe; i++) {
		ExecStatusType st;

		if ((r = pg_next(x, &fail)) == NULL) {
			log_warnx("export: no answer: %s", PQerrorMessage(x->pg));
			return -1;
		}
		st = PQresultStatus(r);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			if (rc == 0 && st != PGRES_PIPELINE_ABORTED)
				log_warnx("export: batch: %s", PQresultErrorMessage(r));
			rc = -1;
		}
		PQclear(r);
		if ((r = pg_next(x, &fail)) != NULL) {   /* the end of that answer */
			PQclear(r);
			return -1;
		}
		if (fail)
			return -1;
	}
	x->npipe = 0;
	r = pg_next(x, &fail);
	if (r == NULL || PQresultStatus(r) != PGRES_PIPELINE_SYNC)
		rc = -1;
	PQclear(r);
	return rc;
}

static int
pq_maybe_drain(exporter *x)
{
	return x->npipe >= EXPORT_PIPE_CHUNK ? pq_drain(x) : 0;
}

/* Staff id's row from sqlite into the central staff table (in the batch). */
static int
pg_staff(exporter *x, int id)
{
	sqlite3_stmt *s = x->q_user;
	char ids[16];
	const char *v[4];
	int rc = 0;

	sqlite3_bind_int(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(ids, sizeof ids, "%d", id);
		v[0] = x->cfg->export_centre_code;
		v[1] = ids;
		v[2] = (const char *)sqlite3_column_text(s, 0);
		v[3] = (const char *)sqlite3_column_text(s, 1);
		if (v[2] == NULL)
			v[2] = "";
		if (v[3] == NULL)
			v[3] = "";
		rc = pq_send(x, "staff", 4, v);
	}
	sqlite3_reset(s);
	return rc;
}

/* The configuration the events refer to, and the centre's acked id. */
static int
pg_config(exporter *x)
{
	static const char *const commit[1] = { "COMMIT" };
	char b[32];
	int i;

	if (pg_simple(x, "BEGIN") != 0)
		return -1;
	if (pg_run(x, x->rows[0].stmt, x->rows[0].n, (const char *const *)x->rows[0].v,
	    b, sizeof b) != 0)
		return -1;
	x->next_id = strtoll(b, NULL, 10);
	/* pipelined: 1,500 procedures are 1,500 round trips otherwise */
	x->npipe = 0;
	if (!PQenterPipelineMode(x->pg))
		return -1;
	for (i = 1; i < x->nrows; i++)
		if (pq_send(x, x->rows[i].stmt, x->rows[i].n,
		    (const char *const *)x->rows[i].v) != 0 || pq_maybe_drain(x) != 0)
			return -1;
	if (pq_send(x, NULL, 0, commit) != 0 || pq_drain(x) != 0 ||
	    !PQexitPipelineMode(x->pg))
		return -1;
	atomic_store(&x->acked, x->next_id);
	return 0;
}

/*
 * PQconnectStartParams and PQconnectPoll, waiting on the socket and on the
 * wake pipe, so export_stop never waits for a connect (connect_timeout
 * still bounds it).  0 connected (x->pg, x->sock set), -1 (x->pg may hold
 * the failed connection for its message).
 */
static int
pg_connect_poll(exporter *x, const char *const *kw, const char *const *val)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	PGconn *pg = PQconnectStartParams(kw, val, 1);
	int n;

	x->pg = pg;
	if (pg == NULL || PQstatus(pg) == CONNECTION_BAD)
		return -1;
	while (st != PGRES_POLLING_OK) {
		struct pollfd p[2] = {
			{ .fd = PQsocket(pg), .events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT },
			{ .fd = x->wake[0], .events = POLLIN },
		};

		if (st == PGRES_POLLING_FAILED || p[0].fd < 0 || atomic_load(&x->stop))
			return -1;
		n = poll(p, 2, x->cfg->export_timeout_s * 1000);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n == 0) {
			log_warnx("export: connecting: no answer in %d s (timeout_s)",
			    x->cfg->export_timeout_s);
			return -1;
		}
		if (p[1].revents != 0)
			return -1;        /* export_stop */
		st = PQconnectPoll(pg);
	}
	pthread_mutex_lock(&x->mu);
	x->sock = PQsocket(pg);
	pthread_mutex_unlock(&x->mu);
	return PQsetnonblocking(pg, 1) == 0 ? 0 : -1;
}

/* The server's notices (a schema made by two at once) go to the debug log. */
static void
pg_notice(void *arg, const char *message)
{
	(void)arg;
	log_debug("export: server: %s", message);
}

/* Connect, make the schema, prepare, write the configuration.  0 or -1. */
static int
pg_connect(exporter *x)
{
	/* Defaults first: the conninfo (expanded from "dbname") overrides
	   them.  Keepalives and tcp_user_timeout end a call on a cut network
	   instead of letting it hang. */
	const char *const kw[] = { "connect_timeout", "keepalives", "keepalives_idle",
		"keepalives_interval", "keepalives_count", "tcp_user_timeout",
		"application_name", "dbname", NULL };
	const char *const val[] = { "10", "1", "10", "5", "3", "30000",
		"onestopd-export", x->conninfo, NULL };
	PGresult *r;
	size_t i;
	char ms[16];
	const char *tv[1] = { ms };
	int have;

	if (pg_connect_poll(x, kw, val) != 0) {
		if (!x->down_logged)
			log_warnx("export: cannot connect to the central database: %s",
			    x->pg ? PQerrorMessage(x->pg) : "out of memory");
		x->down_logged = 1;
		pg_drop(x);
		return -1;
	}
	PQsetNoticeProcessor(x->pg, pg_notice, NULL);
	/* A transaction of ours the network cut off holds its locks (the
	   centre's row) until the server ends it: the server does, when it
	   has waited timeout_s for us inside it. */
	snprintf(ms, sizeof ms, "%d", x->cfg->export_timeout_s * 1000);
	if (!PQsendQueryParams(x->pg, "SELECT set_config("
	    "'idle_in_transaction_session_timeout', $1, false)", 1, NULL, tv, NULL,
	    NULL, 0) || pg_answer(pg_results(x, "idle_in_transaction_session_timeout"),
	    NULL, 0) != 0)
		goto fail;
	/* The schema when it is missing (its last object is the view legs),
	   so a centre's role needs no right to create once it exists.  Two
	   centres making it at once: one waits for the other. */
	if (pg_simple(x, "BEGIN") != 0 ||
	    pg_simple(x, "SELECT pg_advisory_xact_lock(1330533204)") != 0)
		goto fail;
	{
		char t[8];

		if (!PQsendQueryParams(x->pg, "SELECT to_regclass('legs') IS NOT NULL", 0,
		    NULL, NULL, NULL, NULL, 0) ||
		    pg_answer(pg_results(x, "schema"), t, sizeof t) != 0)
			goto fail;
		have = strcmp(t, "t") == 0;
	}
	if ((!have && pg_simple(x, central_schema_sql) != 0) || pg_simple(x, "COMMIT") != 0)
		goto fail;
	if (!have)
		log_info("export: made the central schema");
	for (i = 0; i < sizeof export_stmts / sizeof export_stmts[0]; i++) {
		if (!PQsendPrepare(x->pg, export_stmts[i].name, export_stmts[i].sql,
		    export_stmts[i].nparams, NULL) ||
		    (r = pg_results(x, export_stmts[i].name)) == NULL)
			goto fail;
		PQclear(r);
	}
	if (pg_config(x) != 0)
		goto fail;
	x->last_contact_ms = mono_ms();
	atomic_store(&x->connected, 1);
	log_info("export: connected to the central database as centre %s, "
	    "resuming after event %lld", x->cfg->export_centre_code,
	    (long long)x->next_id);
	x->down_logged = 0;
	return 0;
fail:
	pg_drop(x);
	return -1;
}

/*
 * Send n events in one transaction, pipelined; 0 when committed, -1 when
 * the server failed (the caller drops the connection: whatever was sent is
 * rolled back with it, and sent again on the next one).
 */
static int
pg_batch(exporter *x, struct xevent *ev, int n)
{
	static const char *const begin[1] = { "BEGIN" };
	int staff[64], nstaff = 0, i, j;
	char last[32], prev[32], got[32];
	const char *v[3];
	int64_t a;

	x->npipe = 0;
	if (!PQenterPipelineMode(x->pg) || pq_send(x, NULL, 0, begin) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (ev[i].t[0] != NULL &&
		    pq_send(x, "ticket", 9, (const char *const *)ev[i].t) != 0)
			return -1;
		if (pq_send(x, "event", 12, (const char *const *)ev[i].v) != 0)
			return -1;
		if (ev[i].staff > 0) {
			for (j = 0; j < nstaff && staff[j] != ev[i].staff; j++)
				;
			if (j == nstaff && nstaff < 64) {
				staff[nstaff++] = ev[i].staff;
				if (pg_staff(x, ev[i].staff) != 0)
					return -1;
			}
		}
		if (pq_maybe_drain(x) != 0)
			return -1;
	}
	if (pq_drain(x) != 0 || !PQexitPipelineMode(x->pg))
		return -1;
	snprintf(last, sizeof last, "%lld", (long long)ev[n - 1].id);
	snprintf(prev, sizeof prev, "%lld", (long long)x->next_id);
	v[0] = x->cfg->export_centre_code;
	v[1] = last;
	v[2] = prev;
	if (pg_run(x, "acked", 3, v, got, sizeof got) != 0 || pg_simple(x, "COMMIT") != 0)
		return -1;
	a = strtoll(got, NULL, 10);
	if (a < ev[n - 1].id) {
		log_warnx("export: the central database has events up to %lld only, "
		    "not %lld: sending again from there", (long long)a, (long long)x->next_id);
		x->next_id = a;
	} else {
		x->next_id = ev[n - 1].id;
	}
	atomic_store(&x->acked, x->next_id);
	return 0;
}

/*
 * Idle: every EXPORT_IDLE_CHECK_MS read back the centre's acked id.  A lower
 * one (the central database restored from an older backup) makes the
 * exporter send again from there.  0, or -1 when the server failed.
 */
static int
pg_idle_check(exporter *x, double now_ms)
{
	const char *v[1] = { x->cfg->export_centre_code };
	char b[32];
	int64_t a;

	if (now_ms - x->last_contact_ms < EXPORT_IDLE_CHECK_MS)
		return 0;
	if (pg_run(x, "getacked", 1, v, b, sizeof b) != 0)
		return -1;
	x->last_contact_ms = now_ms;
	a = strtoll(b, NULL, 10);
	if (a < x->next_id) {
		log_warnx("export: the central database has events up to %lld only, "
		    "not %lld: sending again from there", (long long)a,
		    (long long)x->next_id);
		x->next_id = a;
		atomic_store(&x->acked, a);
	}
	return 0;
}

/* ---- the thread ---------------------------------------------------------------- */

/* Sleep ms, or less when export_stop wakes the thread. */
static void
x_sleep(exporter *x, int ms)
{
	struct pollfd p = { .fd = x->wake[0], .events = POLLIN };

	if (!atomic_load(&x->stop))
		(void)poll(&p, 1, ms);
}

/* After a failure (counted for /metrics): wait, longer each time. */
static void
x_backoff(exporter *x)
{
	int max = x->cfg->export_retry_max_s * 1000;

	atomic_fetch_add(&x->failures, 1);
	x_sleep(x, x->backoff_ms);
	x->backoff_ms = x->backoff_ms * 2 > max ? max : x->backoff_ms * 2;
}

static void *
export_main(void *arg)
{
	exporter *x = arg;
	int max = x->cfg->export_batch, n;
	struct xevent *ev = xcalloc((size_t)max, sizeof *ev);

	x->backoff_ms = EXPORT_BACKOFF_MIN_MS;
	while (!atomic_load(&x->stop)) {
		if (x_db_open(x) != 0) {
			x_backoff(x);
			continue;
		}
		x_oldest(x);
		if (x->pg == NULL && pg_connect(x) != 0) {
			x_backoff(x);
			continue;
		}
		if ((n = x_read(x, ev, max)) < 0) {
			x_db_close(x);
			x_backoff(x);
			continue;
		}
		if (n == 0) {
			if (pg_idle_check(x, mono_ms()) != 0) {
				pg_drop(x);
				x_backoff(x);
				continue;
			}
			x->backoff_ms = EXPORT_BACKOFF_MIN_MS;
			x_sleep(x, x->cfg->export_poll_ms);
			continue;
		}
		if (pg_batch(x, ev, n) != 0) {
			xevents_free(ev, n);
			log_warnx("export: the central database failed; %d events "
			    "after %lld will be sent again", n, (long long)x->next_id);
			pg_drop(x);
			x_backoff(x);
			continue;
		}
		xevents_free(ev, n);
		x->last_contact_ms = mono_ms();
		x->backoff_ms = EXPORT_BACKOFF_MIN_MS;
	}
	free(ev);
	pg_drop(x);
	x_db_close(x);
	return NULL;
}

static void
row_add(exporter *x, const char *stmt, int n, ...)
{
	struct xrow *r;
	va_list ap;
	int i;

	x->rows = xreallocarray(x->rows, (size_t)x->nrows + 1, sizeof *x->rows);
	r = &x->rows[x->nrows++];
	memset(r, 0, sizeof *r);
	r->stmt = stmt;
	r->n = n;
	r->v[0] = xstrdup(x->cfg->export_centre_code);
	va_start(ap, n);
	for (i = 1; i < n; i++) {
		const char *v = va_arg(ap, const char *);

		r->v[i] = xstrdup(v != NULL ? v : "");
	}
	va_end(ap);
}

/* Copy, on the core's thread, the configuration the central rows need. */
static void
rows_build(exporter *x, const struct config *c)
{
	char a[32], t[32];
	int i;

	snprintf(a, sizeof a, "%d", c->day_start_hour);
	row_add(x, "centre", 4, c->centre_name, c->centre_address, a);
	for (i = 0; i < c->ndepartments; i++)
		row_add(x, "dept", 3, c->departments[i].code, c->departments[i].name);
	for (i = 0; i < c->nqueues; i++) {
		const struct config_queue *q = &c->queues[i];

		snprintf(t, sizeof t, "%d", q->target_wait_min * 60);
		row_add(x, "queue", 5, q->code, q->name, c->departments[q->department].code, t);
	}
	for (i = 0; i < c->ncounters; i++) {
		const struct config_counter *k = &c->counters[i];

		snprintf(a, sizeof a, "%d", k->number);
		row_add(x, "counter", 5, a, k->name, c->departments[k->department].code, k->area);
	}
	for (i = 0; i < c->nprocedures; i++) {
		const struct config_procedure *p = &c->procedures[i];

		row_add(x, "proc", 6, p->code, p->name, c->departments[p->department].code,
		    p->field, c->queues[p->queue].code);
	}
}

static void
rows_free(exporter *x)
{
	int i, j;

	for (i = 0; i < x->nrows; i++)
		for (j = 0; j < x->rows[i].n; j++)
			free(x->rows[i].v[j]);
	free(x->rows);
}

exporter *
export_start(const struct config *cfg, const char *db_path, char *err, size_t errlen)
{
	exporter *x;
	int e;

	if (cfg->export_conninfo_file == NULL || cfg->export_centre_code == NULL) {
		snprintf(err, errlen, "export: no [export] section");
		return NULL;
	}
	if (strcmp(db_path, ":memory:") == 0 || strncmp(db_path, "file:", 5) == 0) {
		snprintf(err, errlen, "export: needs a database file, not %s", db_path);
		return NULL;
	}
	x = xcalloc(1, sizeof *x);
	x->cfg = cfg;
	x->sock = -1;
	pthread_mutex_init(&x->mu, NULL);
	x->db_path = xstrdup(db_path);
	rows_build(x, cfg);
	if (export_read_conninfo(cfg->export_conninfo_file, &x->conninfo, err, errlen) != 0)
		goto fail;
	if (pipe2(x->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		snprintf(err, errlen, "export: pipe: %s", strerror(errno));
		goto fail;
	}
	if ((e = pthread_create(&x->thread, NULL, export_main, x)) != 0) {
		snprintf(err, errlen, "export: thread: %s", strerror(e));
		close(x->wake[0]);
		close(x->wake[1]);
		goto fail;
	}
	return x;
fail:
	rows_free(x);
	free(x->conninfo);
	free(x->db_path);
	free(x);
	return NULL;
}

void
export_stop(exporter *x)
{
	struct timespec ts;

	if (x == NULL)
		return;
	atomic_store(&x->stop, 1);
	if (write(x->wake[1], "x", 1) < 0) {
		/* the pipe is ours and empty: cannot fail but for EINTR */
	}
	/* Every wait of the thread polls the wake pipe; should a call still
	   not end (inside libpq, beyond our polls), its socket is shut down. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += EXPORT_STOP_WAIT_S;
	if (pthread_timedjoin_np(x->thread, NULL, &ts) != 0) {
		pthread_mutex_lock(&x->mu);
		if (x->sock >= 0)
			shutdown(x->sock, SHUT_RDWR);
		pthread_mutex_unlock(&x->mu);
		pthread_join(x->thread, NULL);
	}
	close(x->wake[0]);
	close(x->wake[1]);
	pthread_mutex_destroy(&x->mu);
	explicit_bzero(x->conninfo, strlen(x->conninfo));
	rows_free(x);
	free(x->conninfo);
	free(x->db_path);
	free(x);
}

int64_t
export_acked(exporter *x)
{
	return atomic_load(&x->acked);
}

void
export_status(exporter *x, struct export_status *st)
{
	st->acked = atomic_load(&x->acked);
	st->oldest_at = atomic_load(&x->oldest_at);
	st->connected = atomic_load(&x->connected);
	st->failures = (uint64_t)atomic_load(&x->failures);
}
