/*
 * store.c - the durable store: one sqlite file (WAL, synchronous=FULL,
 * foreign keys on) holding the events, the ticket rows, the counters, the
 * queues' numbering, the users with their argon2id password hashes, the
 * sessions (only a hash of each token) and a few key/value settings.
 *
 * The schema is a list of migrations: entry N (1-based) takes a file from
 * version N-1 to N and PRAGMA user_version records the version reached.  On
 * open, every missing step runs in one transaction; a file from a newer
 * program is refused.  Adding v2 means appending one string to
 * store_builtin_migrations and bumping STORE_SCHEMA_VERSION (a static
 * assertion keeps the two in step).
 *
 * Rows name queues, departments, procedures, kiosks and priority classes by
 * their code and counters by their number; the config given at open maps
 * them to the engine's array indexes both ways.  Every statement is prepared
 * once at open and only ever bound.  See host/docs/store.md.
 */
#include "core/store.h"

#include <sqlite3.h>
#include <sodium.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/pwhash.h"
#include "common/vntext.h"
#include "common/xmalloc.h"

#define STORE_BUSY_TIMEOUT_MS 5000
#define STORE_HASH_HEX (2 * crypto_generichash_BYTES + 1)
#define STORE_TOKEN_BYTES 32

/* ---- schema --------------------------------------------------------------- */

static const char *const store_builtin_migrations[] = {
	/* v1: the initial schema. */
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"          /* the engine's event id */
	" type TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" ticket_id INTEGER,"
	" number INTEGER,"
	" queue TEXT,"                      /* queue code */
	" counter INTEGER,"                 /* counter number */
	" staff INTEGER,"
	" value INTEGER,"
	" value_code TEXT,"                 /* issued: priority code, transferred: queue code */
	" reason TEXT);"
	"CREATE INDEX events_ticket ON events(ticket_id);"
	"CREATE INDEX events_at ON events(at);"
	"CREATE TABLE tickets ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE,"
	" day TEXT NOT NULL,"
	" number INTEGER NOT NULL,"
	" queue TEXT NOT NULL,"
	" department TEXT,"
	" procedure TEXT,"
	" priority TEXT NOT NULL DEFAULT '',"
	" channel TEXT NOT NULL,"
	" kiosk TEXT,"
	" state TEXT NOT NULL,"
	" counter INTEGER,"
	" assigned_counter INTEGER,"
	" staff INTEGER NOT NULL DEFAULT 0,"
	" ord INTEGER NOT NULL,"
	" issued_at INTEGER NOT NULL,"
	" enqueued_at INTEGER NOT NULL,"
	" called_at INTEGER NOT NULL DEFAULT 0,"
	" started_at INTEGER NOT NULL DEFAULT 0,"
	" finished_at INTEGER NOT NULL DEFAULT 0,"
	" calls INTEGER NOT NULL DEFAULT 0,"
	" transfers INTEGER NOT NULL DEFAULT 0,"
	" rating INTEGER NOT NULL DEFAULT 0,"
	" est_wait_s INTEGER NOT NULL DEFAULT 0,"
	" ahead INTEGER NOT NULL DEFAULT 0,"
	" UNIQUE(day, number));"
	"CREATE INDEX tickets_day_queue ON tickets(day, queue);"
	"CREATE INDEX tickets_day_department ON tickets(day, department);"
	"CREATE INDEX tickets_procedure_day ON tickets(procedure, day);"
	"CREATE INDEX tickets_counter_day ON tickets(counter, day);"
	"CREATE INDEX tickets_staff_day ON tickets(staff, day);"
	"CREATE INDEX tickets_open ON tickets(state)"
	" WHERE state IN ('waiting','called','serving','parked');"
	"CREATE VIEW ticket_times AS SELECT t.*,"
	" CASE WHEN t.called_at > 0 THEN t.called_at - t.issued_at END AS wait_s,"
	" CASE WHEN t.state = 'done' AND t.started_at > 0"
	"  AND t.finished_at >= t.started_at THEN t.finished_at - t.started_at"
	" END AS service_s,"
	" CAST(strftime('%H', t.issued_at, 'unixepoch', 'localtime') AS INTEGER)"
	" AS hour FROM tickets t;"
	"CREATE TABLE counters ("
	" number INTEGER PRIMARY KEY,"
	" state TEXT NOT NULL,"
	" ticket_id INTEGER NOT NULL DEFAULT 0,"
	" last_ticket INTEGER NOT NULL DEFAULT 0,"
	" last_finished_at INTEGER NOT NULL DEFAULT 0,"
	" since INTEGER NOT NULL DEFAULT 0,"
	" staff INTEGER NOT NULL DEFAULT 0,"
	" reason TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE queues ("
	" code TEXT PRIMARY KEY,"
	" day TEXT NOT NULL,"
	" next_number INTEGER NOT NULL,"
	" normal_run INTEGER NOT NULL DEFAULT 0,"
	" priority_run INTEGER NOT NULL DEFAULT 0,"
	" service_ewma_s REAL NOT NULL DEFAULT 0);"
	"CREATE TABLE users ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" full_name TEXT NOT NULL DEFAULT '',"
	" pwhash TEXT NOT NULL,"
	" role TEXT NOT NULL,"
	" counters TEXT NOT NULL DEFAULT '',"
	" disabled INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL"
	"  DEFAULT (CAST(strftime('%s','now') AS INTEGER)));"
	"CREATE TABLE sessions ("
	" token_hash TEXT PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" created_at INTEGER NOT NULL,"
	" expires INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY,"
	" value TEXT NOT NULL);",
	/* v2: the last committed event key of each counter board (host/daemon/dev/devbus.c):
	   written in the same transaction as the command the event became, so a
	   press is applied exactly once across daemon restarts. */
	"CREATE TABLE bus_keys ("
	" line TEXT NOT NULL,"              /* the [line ID] */
	" address INTEGER NOT NULL,"        /* Modbus slave address */
	" boot INTEGER NOT NULL,"           /* the board's boot count */
	" seq INTEGER NOT NULL,"            /* the event's sequence number */
	" uptime INTEGER NOT NULL,"         /* the board's uptime (s) when read */
	" at INTEGER NOT NULL,"             /* unix time of the commit */
	" PRIMARY KEY(line, address));",
	/* v3: the audit log of admin and manager actions (r_audit.c).  Rows are
	   only ever added: the store has no statement that changes one, and the
	   triggers refuse an UPDATE or DELETE from anyone else too. */
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" at INTEGER NOT NULL,"             /* unix time */
	" who TEXT NOT NULL,"               /* the user's login name */
	" role TEXT NOT NULL,"              /* their role then */
	" client TEXT NOT NULL,"            /* client address */
	" action TEXT NOT NULL,"            /* e.g. user.add, day.close */
	" target TEXT NOT NULL,"            /* what it acted on ('' none) */
	" before TEXT CHECK (before IS NULL OR json_valid(before)),"
	" after TEXT CHECK (after IS NULL OR json_valid(after)));"
	"CREATE INDEX audit_at ON audit(at);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'audit rows are never changed'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'audit rows are never deleted'); END;"
	/* Configuration changed live from the admin pages: one INI key of one
	   section each, applied over the INI (the bootstrap) at every start. */
	"CREATE TABLE config_overrides ("
	" section TEXT NOT NULL,"           /* "counter 5", "policy" */
	" key TEXT NOT NULL,"
	" value TEXT NOT NULL,"             /* as written in the INI */
	" at INTEGER NOT NULL,"             /* unix time of the change */
	" PRIMARY KEY(section, key));",
	/* v4: SMS notifications (host/daemon/notify/outbox.c, host/docs/notify.md):
	   a visitor's phone per ticket, kept keep_days, and the durable outbox,
	   one row per (kind, ref): a message is never enqueued twice. */
	"CREATE TABLE sms_phones ("
	" ticket_id INTEGER PRIMARY KEY,"   /* tickets.id */
	" phone TEXT,"                      /* NULL once purged */
	" at INTEGER NOT NULL);"            /* unix time it was given */
	"CREATE TABLE sms_outbox ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL,"              /* near called reminder */
	" ref INTEGER NOT NULL,"            /* ticket id (reminder: booking, start) */
	" phone TEXT,"                      /* NULL once purged */
	" text TEXT NOT NULL,"              /* GSM-7 */
	" secret TEXT NOT NULL,"            /* the delivery report's key */
	" state TEXT NOT NULL,"             /* pending sent expired */
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_at INTEGER NOT NULL,"        /* pending: not before */
	" expires_at INTEGER NOT NULL,"     /* pending: dropped after */
	" created_at INTEGER NOT NULL,"
	" sent_at INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT NOT NULL DEFAULT '',"
	" dlr INTEGER NOT NULL DEFAULT 0,"  /* Kannel's last report type */
	" dlr_at INTEGER NOT NULL DEFAULT 0,"
	" UNIQUE(kind, ref));"
	"CREATE INDEX sms_outbox_pending ON sms_outbox(next_at)"
	" WHERE state = 'pending';"
	"CREATE INDEX sms_outbox_created ON sms_outbox(created_at);",
	/* v5: appointments (host/core/booking.c).  phone is personal data;
	   the SMS outbox reads it from here. */
	"CREATE TABLE bookings ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE,"        /* what the visitor types */
	" queue TEXT NOT NULL,"              /* queue code */
	" procedure TEXT NOT NULL DEFAULT '',"
	" day TEXT NOT NULL,"                /* YYYY-MM-DD, local */
	" slot_s INTEGER NOT NULL,"          /* slot start after midnight, s */
	" name TEXT NOT NULL,"
	" phone TEXT NOT NULL,"              /* 0xxxxxxxxx */
	" state TEXT NOT NULL,"              /* booked cancelled checked_in */
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" ticket_id INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX bookings_slot ON bookings(queue, day, slot_s);"
	"CREATE INDEX bookings_phone ON bookings(phone, day, slot_s);",
};

#define STORE_NBUILTIN \
	((int)(sizeof store_builtin_migrations / sizeof store_builtin_migrations[0]))
_Static_assert(sizeof store_builtin_migrations / sizeof store_builtin_migrations[0]
    == STORE_SCHEMA_VERSION, "one migration per schema version");

/* Tests may append steps after the built-in ones (store_test_set_migrations). */
static const char *const *store_extra_migrations;
static int store_nextra_migrations;
#define store_nmigrations (STORE_NBUILTIN + store_nextra_migrations)

/* The SQL that takes a file from version v-1 to v (1 <= v <= nmigrations). */
static const char *
store_migration(int v)
{
	if (v <= STORE_NBUILTIN)
		return store_builtin_migrations[v - 1];
	return store_extra_migrations[v - 1 - STORE_NBUILTIN];
}

/* ---- statements ------------------------------------------------------------ */

enum {
	S_BEGIN, S_COMMIT, S_ROLLBACK, S_SAVEPOINT, S_RELEASE, S_ROLLBACK_TO,
	S_EVENT_PUT, S_TICKET_PUT, S_COUNTER_PUT, S_QUEUE_PUT,
	S_LOAD_TICKETS, S_LOAD_COUNTERS, S_LOAD_QUEUES, S_MAX_TICKET, S_MAX_EVENT,
	S_EVENTS_AFTER,
	S_USER_ADD, S_USER_SETPW, S_USER_UPDATE, S_USER_DELETE, S_USER_GET,
	S_USER_GET_ID, S_USER_LIST,
	S_SESSION_ADD, S_SESSION_CHECK, S_SESSION_DELETE, S_SESSION_PURGE,
	S_SESSION_END_USER, S_SESSION_END_NAME,
	S_META_GET, S_META_SET,
	S_BUS_MARK, S_BUS_KEYS,
	S_AUDIT_ADD, S_AUDIT_LIST, S_OVERRIDE_SET, S_OVERRIDE_LIST,
	S_BOOKING_PUT, S_BOOKING_GET, S_BOOKING_TAKEN, S_BOOKING_PHONE,
	S_BOOKING_SLOTS, S_ONLINE_COUNT, S_BOOKING_EACH, S_BOOKING_UPCOMING,
	S_BOOKING_TO_REMIND,
	S_COUNT
};

#define BOOKING_COLS "id, code, queue, procedure, day, slot_s, name," \
	" phone, state, created_at, updated_at, ticket_id"

#define TICKET_COLS "id, code, day, number, queue, procedure, priority," \
	" channel, kiosk, state, counter, assigned_counter, staff, ord," \
	" issued_at, enqueued_at, called_at, started_at, finished_at, calls," \
	" transfers, rating, est_wait_s, ahead"
#define USER_COLS "id, name, full_name, role, counters, disabled, pwhash"
#define STORE_DEVICE_ROLES "'kiosk', 'display', 'metrics'"

static const char *const store_sql[S_COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT store_apply",
	[S_RELEASE] = "RELEASE store_apply",
	[S_ROLLBACK_TO] = "ROLLBACK TO store_apply",
	[S_EVENT_PUT] = "INSERT INTO events(id, type, at, ticket_id, number,"
	    " queue, counter, staff, value, value_code, reason)"
	    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_TICKET_PUT] = "INSERT INTO tickets(id, code, day, number, queue,"
	    " department, procedure, priority, channel, kiosk, state, counter,"
	    " assigned_counter, staff, ord, issued_at, enqueued_at, called_at,"
	    " started_at, finished_at, calls, transfers, rating, est_wait_s,"
	    " ahead) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
	    " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)"
	    " ON CONFLICT(id) DO UPDATE SET code = excluded.code,"
	    " day = excluded.day, number = excluded.number,"
	    " queue = excluded.queue, department = excluded.department,"
	    " procedure = excluded.procedure, priority = excluded.priority,"
	    " channel = excluded.channel, kiosk = excluded.kiosk,"
	    " state = excluded.state, counter = excluded.counter,"
	    " assigned_counter = excluded.assigned_counter,"
	    " staff = excluded.staff, ord = excluded.ord,"
	    " issued_at = excluded.issued_at, enqueued_at = excluded.enqueued_at,"
	    " called_at = excluded.called_at, started_at = excluded.started_at,"
	    " finished_at = excluded.finished_at, calls = excluded.calls,"
	    " transfers = excluded.transfers, rating = excluded.rating,"
	    " est_wait_s = excluded.est_wait_s, ahead = excluded.ahead",
	[S_COUNTER_PUT] = "INSERT INTO counters(number, state, ticket_id,"
	    " last_ticket, last_finished_at, since, staff, reason)"
	    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT(number) DO UPDATE SET state = excluded.state,"
	    " ticket_id = excluded.ticket_id, last_ticket = excluded.last_ticket,"
	    " last_finished_at = excluded.last_finished_at,"
	    " since = excluded.since, staff = excluded.staff,"
	    " reason = excluded.reason",
	[S_QUEUE_PUT] = "INSERT INTO queues(code, day, next_number, normal_run,"
	    " priority_run, service_ewma_s) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT(code) DO UPDATE SET day = excluded.day,"
	    " next_number = excluded.next_number,"
	    " normal_run = excluded.normal_run,"
	    " priority_run = excluded.priority_run,"
	    " service_ewma_s = excluded.service_ewma_s",
	[S_LOAD_TICKETS] = "SELECT " TICKET_COLS " FROM tickets WHERE day = ?1"
	    " UNION ALL SELECT " TICKET_COLS " FROM tickets"
	    " WHERE state IN ('waiting','called','serving','parked')"
	    " AND day <> ?1 ORDER BY id",
	[S_LOAD_COUNTERS] = "SELECT number, state, ticket_id, last_ticket,"
	    " last_finished_at, since, staff, reason FROM counters"
	    " ORDER BY number",
	[S_LOAD_QUEUES] = "SELECT code, day, next_number, normal_run,"
	    " priority_run, service_ewma_s FROM queues ORDER BY code",
	[S_MAX_TICKET] = "SELECT coalesce(max(id), 0) FROM tickets",
	[S_MAX_EVENT] = "SELECT coalesce(max(id), 0) FROM events",
	[S_EVENTS_AFTER] = "SELECT id, type, at, ticket_id, number, queue,"
	    " counter, staff, value, value_code, reason FROM events"
	    " WHERE id > ?1 ORDER BY id LIMIT ?2",
	[S_USER_ADD] = "INSERT INTO users(name, full_name, pwhash, role,"
	    " counters, disabled) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	[S_USER_SETPW] = "UPDATE users SET pwhash = ?2 WHERE name = ?1",
	[S_USER_UPDATE] = "UPDATE users SET full_name = ?2, role = ?3,"
	    " counters = ?4, disabled = ?5 WHERE name = ?1",
	[S_USER_DELETE] = "DELETE FROM users WHERE name = ?1",
	[S_USER_GET] = "SELECT " USER_COLS " FROM users WHERE name = ?1",
	[S_USER_GET_ID] = "SELECT " USER_COLS " FROM users WHERE id = ?1",
	[S_USER_LIST] = "SELECT " USER_COLS " FROM users ORDER BY name",
	[S_SESSION_ADD] = "INSERT INTO sessions(token_hash, user_id, created_at,"
	    " expires) VALUES(?1, ?2, ?3, ?4)",
	/* A token that never expires is a device's: a person's row with one
	   (written by an older version) is not a session. */
	[S_SESSION_CHECK] = "SELECT u.id, u.name, u.full_name, u.role,"
	    " u.counters, u.disabled, '' FROM sessions s"
	    " JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1"
	    " AND (s.expires > ?2 OR (s.expires = 0 AND u.role IN"
	    " (" STORE_DEVICE_ROLES "))) AND u.disabled = 0",
	[S_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
	[S_SESSION_PURGE] = "DELETE FROM sessions WHERE (expires <> 0"
	    " AND expires <= ?1) OR (expires = 0 AND user_id NOT IN"
	    " (SELECT id FROM users WHERE role IN (" STORE_DEVICE_ROLES ")))",
	[S_SESSION_END_USER] = "DELETE FROM sessions WHERE user_id = ?1"
	    " AND token_hash IS NOT ?2",
	[S_SESSION_END_NAME] = "DELETE FROM sessions WHERE user_id ="
	    " (SELECT id FROM users WHERE name = ?1) AND token_hash IS NOT ?2",
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[S_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2)"
	    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[S_BUS_MARK] = "INSERT INTO bus_keys(line, address, boot, seq, uptime,"
	    " at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT(line, address) DO UPDATE SET boot = excluded.boot,"
	    " seq = excluded.seq, uptime = excluded.uptime, at = excluded.at",
	[S_BUS_KEYS] = "SELECT line, address, boot, seq, uptime, at"
	    " FROM bus_keys ORDER BY line, address",
	[S_AUDIT_ADD] = "INSERT INTO audit(at, who, role, client, action, target,"
	    " before, after) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_AUDIT_LIST] = "SELECT id, at, who, role, client, action, target,"
	    " before, after FROM audit WHERE (?1 IS NULL OR who = ?1)"
	    " AND (?2 IS NULL OR action = ?2) AND at >= ?3 AND at < ?4"
	    " ORDER BY id DESC LIMIT ?5",
	[S_OVERRIDE_SET] = "INSERT INTO config_overrides(section, key, value, at)"
	    " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(section, key) DO UPDATE SET"
	    " value = excluded.value, at = excluded.at",
	[S_OVERRIDE_LIST] = "SELECT section, key, value FROM config_overrides"
	    " ORDER BY at, rowid",
	[S_BOOKING_PUT] = "INSERT INTO bookings(code, queue, procedure, day,"
	    " slot_s, name, phone, state, created_at, updated_at, ticket_id)"
	    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
	    " ON CONFLICT(code) DO UPDATE SET queue = excluded.queue,"
	    " procedure = excluded.procedure, day = excluded.day,"
	    " slot_s = excluded.slot_s, name = excluded.name,"
	    " phone = excluded.phone, state = excluded.state,"
	    " updated_at = excluded.updated_at, ticket_id = excluded.ticket_id",
	[S_BOOKING_GET] = "SELECT " BOOKING_COLS " FROM bookings WHERE code = ?1",
	[S_BOOKING_TO_REMIND] = "SELECT " BOOKING_COLS " FROM bookings"
	    " WHERE day = ?1 AND state = 'booked' AND phone <> ''"
	    " ORDER BY slot_s, id",
	[S_BOOKING_TAKEN] = "SELECT count(*) FROM bookings WHERE queue = ?1"
	    " AND day = ?2 AND slot_s = ?3 AND state <> 'cancelled'",
	[S_BOOKING_PHONE] = "SELECT count(*) FROM bookings WHERE phone = ?1"
	    " AND day = ?2 AND slot_s = ?3 AND state <> 'cancelled'"
	    " AND code IS NOT ?4",
	[S_BOOKING_SLOTS] = "SELECT slot_s, count(*) FROM bookings"
	    " WHERE queue = ?1 AND day = ?2 AND state <> 'cancelled'"
	    " GROUP BY slot_s ORDER BY slot_s",
	[S_ONLINE_COUNT] = "SELECT count(*) FROM tickets WHERE day = ?1"
	    " AND queue = ?2 AND channel = 'online'",
	[S_BOOKING_UPCOMING] = "SELECT queue, count(*) FROM bookings WHERE day = ?1"
	    " AND state = 'booked' AND slot_s >= ?2 AND slot_s < ?3 GROUP BY queue",
	[S_BOOKING_EACH] = "SELECT day, queue, slot_s, state FROM bookings"
	    " WHERE day >= ?1 AND day <= ?2 ORDER BY day, queue, slot_s",
};

struct store {
	sqlite3 *db;
	const struct config *cfg;
	sqlite3_stmt *st[S_COUNT];
	int *proc_sorted;            /* store_load: procedure indexes by code */
	int nproc_sorted;
	char err[512];
	enum store_error code;       /* kind of the last failure */
	char *path;                  /* the file opened, NULL: not a file */
	dev_t dev;                   /* its identity at open */
	ino_t ino;
	int lost;                    /* path no longer names it: no writes */
};

static int store_token_hash(const char *token, char out[]);

/* ---- names of enum values as stored -------------------------------------- */

/* The names written in rows are the one vocabulary's (proto/vocab.c). */

const char *
store_role_name(enum store_role r)
{
	const char *n = vocab_name(VOCAB_ROLE, (int)r);

	return n != NULL ? n : "unknown";
}

enum store_role
store_role_parse(const char *name)
{
	return (enum store_role)vocab_value(VOCAB_ROLE, name);
}

/* The device roles, here and in STORE_DEVICE_ROLES (the SQL form). */
int
store_role_is_device(enum store_role r)
{
	return r == STORE_ROLE_KIOSK || r == STORE_ROLE_DISPLAY ||
	    r == STORE_ROLE_METRICS;
}

/* ---- errors ---------------------------------------------------------------- */

/* Set the error text: what (formatted), then sqlite's message. */
static void __attribute__((format(printf, 2, 3)))
store_fail(store *s, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
	s->code = STORE_EIO;
	n = strlen(s->err);
	snprintf(s->err + n, sizeof s->err - n, ": %s",
	    s->db != NULL ? sqlite3_errmsg(s->db) : "no database");
}

/* Set the error text without sqlite's message (a failure of the store). */
static void __attribute__((format(printf, 2, 3)))
store_failx(store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
	s->code = STORE_EIO;
}

/* Set the error text and its kind (a caller's mistake, a lost file). */
static void __attribute__((format(printf, 3, 4)))
store_failc(store *s, enum store_error code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
	s->code = code;
}

const char *
store_errmsg(const store *s)
{
	return s != NULL ? s->err : "no store";
}

enum store_error
store_errcode(const store *s)
{
	if (s == NULL)
		return STORE_EIO;
	return s->code != STORE_EOK ? s->code : STORE_EIO;
}

int
store_lost(const store *s)
{
	return s != NULL && s->lost;
}

/* ---- the file under the database ------------------------------------------ */

/* 1 when path names a real file (not ":memory:", a URI or a temp db). */
static int
store_is_file_path(const char *path)
{
	return path != NULL && path[0] != '\0' &&
	    strncmp(path, ":memory:", 8) != 0 && strncmp(path, "file:", 5) != 0;
}

int
store_check_path(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	char *dir, *slash;
	int rc = -1;

	if (path == NULL) {
		snprintf(err, errlen, "no database path");
		return -1;
	}
	if (!store_is_file_path(path))
		return 0;
	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "%s is a directory, not a database"
			    " file (give a file name, e.g. %s/onestop.db)", path,
			    path);
			return -1;
		}
		if (!S_ISREG(sb.st_mode)) {
			snprintf(err, errlen, "%s is not a regular file", path);
			return -1;
		}
		if (access(path, R_OK | W_OK) != 0) {
			snprintf(err, errlen, "cannot write the database %s: %s",
			    path, strerror(errno));
			return -1;
		}
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* sqlite creates path-wal and path-shm next to the file. */
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (stat(dir, &sb) != 0)
		snprintf(err, errlen, "the database's directory %s: %s", dir,
		    strerror(errno));
	else if (!S_ISDIR(sb.st_mode))
		snprintf(err, errlen, "the database's directory %s is not a"
		    " directory", dir);
	else if (access(dir, W_OK | X_OK) != 0)
		snprintf(err, errlen, "cannot create files in the database's"
		    " directory %s (sqlite needs its -wal and -shm files there):"
		    " %s", dir, strerror(errno));
	else
		rc = 0;
	free(dir);
	return rc;
}

/* Remember which file the database is, to notice it vanish later. */
static int
store_note_file(store *s, const char *path)
{
	struct stat sb;

	if (!store_is_file_path(path))
		return 0;
	if (stat(path, &sb) != 0) {
		store_failx(s, "%s: %s", path, strerror(errno));
		return -1;
	}
	s->path = xstrdup(path);
	s->dev = sb.st_dev;
	s->ino = sb.st_ino;
	return 0;
}

/*
 * Whether the path still names the file we write into.  When it does not
 * (deleted, its directory removed, replaced), every later write is refused:
 * acknowledging commands into a file that nobody will read again loses them
 * all at the next start.
 */
static int
store_check_file(store *s)
{
	struct stat sb;
	int e;

	if (s->lost) {
		store_failc(s, STORE_ELOST, "the database %s was deleted or"
		    " replaced while in use: writes are refused until onestopd"
		    " is restarted", s->path);
		return -1;
	}
	if (s->path == NULL)
		return 0;
	if ((e = stat(s->path, &sb)) == 0 && sb.st_dev == s->dev &&
	    sb.st_ino == s->ino)
		return 0;
	if (e != 0)
		e = errno;
	s->lost = 1;
	store_failc(s, STORE_ELOST, "the database %s was deleted or replaced"
	    " while in use (%s): writes are refused until onestopd is"
	    " restarted", s->path, e == 0 ? "another file is there now" :
	    strerror(e));
	return -1;
}

int
store_verify(store *s)
{
	return store_check_file(s);
}

/* Before a write outside a batch: the file must still be ours. */
static int
store_write_ok(store *s)
{
	if (s->lost || sqlite3_get_autocommit(s->db))
		return store_check_file(s);
	return 0;
}

/* ---- statement helpers ---------------------------------------------------- */

/* Reset a statement after use and drop its bindings. */
static void
store_reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Step a statement that returns no rows; 0 or -1 with "what: sqlite msg". */
static int
store_run(store *s, int which, const char *what)
{
	sqlite3_stmt *st = s->st[which];
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_fail(s, "%s", what);
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return 0;
}

/* Bind text (NULL binds NULL); the text must outlive the step. */
static int
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* Bind at most max bytes of a fixed char array (NUL-terminated or not). */
static int
bind_array(sqlite3_stmt *st, int i, const char *v, size_t max)
{
	return sqlite3_bind_text(st, i, v, (int)strnlen(v, max), SQLITE_STATIC);
}

/* Bind v, or NULL when v equals none. */
static int
bind_int_or_null(sqlite3_stmt *st, int i, int64_t v, int64_t none)
{
	if (v == none)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, v);
}

/* Column text as a C string ("" for NULL). */
static const char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? (const char *)t : "";
}

/* Column text copied into out[outlen]; -1 when it does not fit. */
static int
col_copy(sqlite3_stmt *st, int i, char *out, size_t outlen)
{
	const char *t = col_text(st, i);
	size_t n = strlen(t);

	if (n >= outlen)
		return -1;
	memcpy(out, t, n + 1);
	return 0;
}

/* Column as an int, -1 when it does not fit in one. */
static int
col_int(sqlite3_stmt *st, int i)
{
	int64_t v = sqlite3_column_int64(st, i);

	return v >= INT_MIN && v <= INT_MAX ? (int)v : -1;
}

/* ---- config lookups (codes <-> indexes) ------------------------------------ */

/*
 * Codes and numbers to indexes are the configuration's lookups
 * (config_queue_index, ...), with one rule of the store's own: a priority
 * code the configuration no longer knows reads as normal (0), so a row
 * written under an older configuration still loads.  Procedures are found
 * by binary search over a sorted index (restoring a day looks up every
 * ticket's procedure among ~1,500).
 */
static int
store_priority_index(const struct config *cfg, const char *code)
{
	int i = code != NULL && *code != '\0' ? config_priority_index(cfg, code) : 0;

	return i > 0 ? i : 0;
}

static int
store_proc_cmp(const void *a, const void *b, void *arg)
{
	const struct config_procedure *p = arg;

	return strcmp(p[*(const int *)a].code, p[*(const int *)b].code);
}

/* Build s->proc_sorted: procedure indexes ordered by code, for bsearch. */
static void
store_proc_sort(store *s)
{
	const struct config *cfg = s->cfg;
	int i, n = 0;

	free(s->proc_sorted);
	s->proc_sorted = NULL;
	s->nproc_sorted = 0;
	if (cfg->nprocedures <= 0 || cfg->procedures == NULL)
		return;
	s->proc_sorted = xreallocarray(NULL, (size_t)cfg->nprocedures, sizeof(int));
	for (i = 0; i < cfg->nprocedures; i++)
		if (cfg->procedures[i].code != NULL)
			s->proc_sorted[n++] = i;
	qsort_r(s->proc_sorted, (size_t)n, sizeof(int), store_proc_cmp,
	    cfg->procedures);
	s->nproc_sorted = n;
}

static int
store_procedure_index(store *s, const char *code)
{
	const struct config_procedure *p = s->cfg->procedures;
	int lo = 0, hi = s->nproc_sorted - 1, mid, c;

	if (code == NULL || *code == '\0' || s->proc_sorted == NULL)
		return -1;
	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(p[s->proc_sorted[mid]].code, code);
		if (c == 0)
			return s->proc_sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Code of queue index q, NULL when out of range. */
static const char *
store_queue_code(const struct config *cfg, int q)
{
	return q >= 0 && q < cfg->nqueues ? cfg->queues[q].code : NULL;
}

/* ---- open, migrate, close ------------------------------------------------- */

void
store_test_set_migrations(const char *const *extra, int nextra)
{
	store_extra_migrations = extra;
	store_nextra_migrations = extra != NULL && nextra > 0 ? nextra : 0;
}

/* Run one PRAGMA (or other statement) that returns one integer into *out. */
static int
store_pragma_int(store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_fail(s, "%s", sql);
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "%s", sql);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Run constant SQL text (possibly several statements). */
static int
store_exec(store *s, const char *sql, const char *what)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		store_failx(s, "%s: %s", what, msg != NULL ? msg :
		    sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * Refuse a file this program cannot use: one from a newer program, or an
 * sqlite file of some other application.  Changes nothing in the file.
 */
static int
store_check_version(store *s, const char *path, int64_t *version)
{
	int64_t appid;

	if (store_pragma_int(s, "PRAGMA user_version", version) < 0 ||
	    store_pragma_int(s, "PRAGMA application_id", &appid) < 0)
		return -1;
	if (*version > store_nmigrations) {
		store_failx(s, "%s has schema version %lld, newer than this"
		    " program's %d: use a newer onestop", path,
		    (long long)*version, store_nmigrations);
		return -1;
	}
	if (*version > 0 && appid != STORE_APPLICATION_ID) {
		store_failx(s, "%s is not an onestop database (application_id"
		    " %lld)", path, (long long)appid);
		return -1;
	}
	return 0;
}

/* Bring the schema up to the newest version, in one transaction. */
static int
store_migrate(store *s, const char *path)
{
	int64_t version;
	char sql[64];
	int v;

	if (store_exec(s, "BEGIN IMMEDIATE", "migration") < 0)
		return -1;
	/* Read again under the write lock: another process may have migrated. */
	if (store_check_version(s, path, &version) < 0)
		goto fail;
	if (version == store_nmigrations)
		return store_exec(s, "COMMIT", "migration");
	for (v = (int)version + 1; v <= store_nmigrations; v++) {
		snprintf(sql, sizeof sql, "migration to schema version %d", v);
		if (store_exec(s, store_migration(v), sql) < 0)
			goto fail;
	}
	/* PRAGMAs take no parameters; these are integers of our own. */
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", store_nmigrations);
	if (store_exec(s, sql, "setting the schema version") < 0)
		goto fail;
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d",
	    STORE_APPLICATION_ID);
	if (store_exec(s, sql, "setting the application id") < 0 ||
	    store_exec(s, "COMMIT", "committing the migration") < 0)
		goto fail;
	return 0;
fail:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Switch the file to WAL and check that it took. */
static int
store_wal(store *s)
{
	sqlite3_stmt *st;
	int ok = 0;

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL) != SQLITE_OK) {
		store_fail(s, "setting WAL mode");
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		ok = strcmp(col_text(st, 0), "wal") == 0;
	else
		store_fail(s, "setting WAL mode");
	sqlite3_finalize(st);
	if (!ok && s->err[0] == '\0')
		store_failx(s, "the database cannot use WAL mode");
	return ok ? 0 : -1;
}

store *
store_open(const char *path, const struct config *cfg, char *err,
    size_t errlen)
{
	int64_t version;
	store *s;
	int i;

	if (path == NULL || cfg == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "store_open: no path or config");
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->cfg = cfg;
	if (sodium_init() < 0) {
		store_failx(s, "libsodium cannot be initialised");
		goto fail;
	}
	/* A database we cannot write stops the start, with a clear reason. */
	if (store_check_path(path, s->err, sizeof s->err) != 0)
		goto fail;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		store_fail(s, "opening %s", path);
		goto fail;
	}
	/* sqlite falls back to read-only when the OS refuses writing. */
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		store_failx(s, "%s can only be opened read-only (file mode,"
		    " owner or a read-only filesystem)", path);
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	if (store_exec(s, "PRAGMA foreign_keys = ON", "enabling foreign keys") < 0)
		goto fail;
	/* Check the version before changing anything in the file. */
	if (store_check_version(s, path, &version) < 0 || store_wal(s) < 0 ||
	    store_exec(s, "PRAGMA synchronous = FULL", "setting synchronous") < 0 ||
	    store_exec(s, "PRAGMA temp_store = MEMORY", "setting temp_store") < 0)
		goto fail;
	if (version < store_nmigrations && store_migrate(s, path) < 0)
		goto fail;
	for (i = 0; i < S_COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
			store_fail(s, "preparing statement %d", i);
			goto fail;
		}
	}
	if (store_note_file(s, path) < 0)
		goto fail;
	s->err[0] = '\0';
	s->code = STORE_EOK;
	return s;
fail:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", s->err);
	store_close(s);
	return NULL;
}

void
store_set_config(store *s, const struct config *cfg)
{
	if (s != NULL && cfg != NULL)
		s->cfg = cfg;
}

void
store_close(store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	if (s->db != NULL) {
		/* An open batch is not committed: it leaves no trace. */
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(s->db);
	}
	free(s->proc_sorted);
	free(s->path);
	free(s);
}

/* ---- transactions ---------------------------------------------------------- */

sqlite3 *
store_sqlite(store *s)
{
	return s->db;
}

int
store_begin(store *s)
{
	if (!sqlite3_get_autocommit(s->db)) {
		store_failx(s, "store_begin: a transaction is already open");
		return -1;
	}
	if (store_check_file(s) < 0)
		return -1;
	return store_run(s, S_BEGIN, "beginning a transaction");
}

int
store_commit(store *s)
{
	if (sqlite3_get_autocommit(s->db)) {
		store_failx(s, "store_commit: no transaction is open");
		return -1;
	}
	/* The last moment to refuse: nothing of the batch is durable yet. */
	if (store_check_file(s) < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (store_run(s, S_COMMIT, "committing") < 0) {
		/* A failed commit has no effect: drop the whole batch. */
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int
store_rollback(store *s)
{
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return store_run(s, S_ROLLBACK, "rolling back");
}

/* ---- apply ----------------------------------------------------------------- */

static int
store_put_event(store *s, const struct engine_event *ev)
{
	const struct config *cfg = s->cfg;
	sqlite3_stmt *st = s->st[S_EVENT_PUT];
	const char *type, *queue = NULL, *vcode = NULL;
	int counter = 0;

	type = vocab_name(VOCAB_EVENT, (int)ev->type);
	if (type == NULL) {
		store_failx(s, "event %lld: unknown type %d", (long long)ev->id,
		    (int)ev->type);
		return -1;
	}
	if (ev->queue >= 0 && (queue = store_queue_code(cfg, ev->queue)) == NULL) {
		store_failx(s, "event %lld: queue index %d out of range",
		    (long long)ev->id, ev->queue);
		return -1;
	}
	if (ev->counter >= 0) {
		if (ev->counter >= cfg->ncounters) {
			store_failx(s, "event %lld: counter index %d out of range",
			    (long long)ev->id, ev->counter);
			return -1;
		}
		counter = cfg->counters[ev->counter].number;
	}
	sqlite3_bind_int64(st, 1, ev->id);
	bind_text(st, 2, type);
	sqlite3_bind_int64(st, 3, ev->at);
	bind_int_or_null(st, 4, ev->ticket, 0);
	bind_int_or_null(st, 5, ev->number, 0);
	bind_text(st, 6, queue);
	bind_int_or_null(st, 7, counter, 0);
	bind_int_or_null(st, 8, ev->staff, 0);
	if (ev->type == ENGINE_EV_ISSUED) {
		/* value: the priority class, stored by code */
		if (ev->value > 0 && ev->value <= cfg->npriority &&
		    ev->value <= CONFIG_MAX_PRIORITY)
			vcode = cfg->priority[ev->value].code;
		else
			vcode = "";
		sqlite3_bind_null(st, 9);
		bind_text(st, 10, vcode);
	} else if (ev->type == ENGINE_EV_TRANSFERRED) {
		/* value: the queue transferred to, stored by code */
		sqlite3_bind_null(st, 9);
		bind_text(st, 10, store_queue_code(cfg, ev->value));
	} else {
		sqlite3_bind_int64(st, 9, ev->value);
		sqlite3_bind_null(st, 10);
	}
	if (!vntext_valid_utf8(ev->reason, strnlen(ev->reason,
	    sizeof ev->reason))) {
		store_failc(s, STORE_EINVAL, "event %lld: the reason is not"
		    " valid UTF-8", (long long)ev->id);
		return -1;
	}
	if (ev->reason[0] != '\0')
		bind_array(st, 11, ev->reason, sizeof ev->reason);
	else
		sqlite3_bind_null(st, 11);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fail(s, "writing event %lld", (long long)ev->id);
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return 0;
}

static int
store_put_ticket(store *s, const struct engine_ticket *t)
{
	const struct config *cfg = s->cfg;
	sqlite3_stmt *st = s->st[S_TICKET_PUT];
	const char *queue, *state, *channel, *dept = NULL, *proc = NULL;
	const char *prio = "", *kiosk = NULL;
	int counter = 0, assigned = 0, d;

	queue = store_queue_code(cfg, t->queue);
	state = vocab_name(VOCAB_TICKET_STATE, (int)t->state);
	channel = vocab_name(VOCAB_CHANNEL, (int)t->channel);
	if (queue == NULL || state == NULL || channel == NULL ||
	    t->priority < 0 || t->priority > cfg->npriority ||
	    t->priority > CONFIG_MAX_PRIORITY ||
	    t->procedure >= cfg->nprocedures || t->kiosk >= cfg->nkiosks ||
	    t->counter >= cfg->ncounters || t->assigned_counter >= cfg->ncounters) {
		store_failx(s, "ticket %lld: a field is out of range (queue %d,"
		    " state %d, channel %d, priority %d, procedure %d, kiosk %d,"
		    " counter %d/%d)", (long long)t->id, t->queue, (int)t->state,
		    (int)t->channel, t->priority, t->procedure, t->kiosk,
		    t->counter, t->assigned_counter);
		return -1;
	}
	d = cfg->queues[t->queue].department;
	if (d >= 0 && d < cfg->ndepartments)
		dept = cfg->departments[d].code;
	if (t->procedure >= 0)
		proc = cfg->procedures[t->procedure].code;
	if (t->priority > 0)
		prio = cfg->priority[t->priority].code;
	if (t->kiosk >= 0)
		kiosk = cfg->kiosks[t->kiosk].id;
	if (t->counter >= 0)
		counter = cfg->counters[t->counter].number;
	if (t->assigned_counter >= 0)
		assigned = cfg->counters[t->assigned_counter].number;

	sqlite3_bind_int64(st, 1, t->id);
	bind_array(st, 2, t->code, sizeof t->code);
	bind_array(st, 3, t->day, sizeof t->day);
	sqlite3_bind_int(st, 4, t->number);
	bind_text(st, 5, queue);
	bind_text(st, 6, dept);
	bind_text(st, 7, proc);
	bind_text(st, 8, prio != NULL ? prio : "");
	bind_text(st, 9, channel);
	bind_text(st, 10, kiosk);
	bind_text(st, 11, state);
	bind_int_or_null(st, 12, counter, 0);
	bind_int_or_null(st, 13, assigned, 0);
	sqlite3_bind_int(st, 14, t->staff);
	sqlite3_bind_int64(st, 15, t->order);
	sqlite3_bind_int64(st, 16, t->issued_at);
	sqlite3_bind_int64(st, 17, t->enqueued_at);
	sqlite3_bind_int64(st, 18, t->called_at);
	sqlite3_bind_int64(st, 19, t->started_at);
	sqlite3_bind_int64(st, 20, t->finished_at);
	sqlite3_bind_int(st, 21, t->calls);
	sqlite3_bind_int(st, 22, t->transfers);
	sqlite3_bind_int(st, 23, t->rating);
	sqlite3_bind_int(st, 24, t->est_wait_s);
	sqlite3_bind_int(st, 25, t->ahead);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fail(s, "writing ticket %lld (%.*s, number %d)",
		    (long long)t->id, (int)strnlen(t->day, sizeof t->day), t->day,
		    t->number);
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return 0;
}

static int
store_put_counter(store *s, const struct engine_counter *c)
{
	sqlite3_stmt *st = s->st[S_COUNTER_PUT];
	const char *state;

	state = vocab_name(VOCAB_COUNTER_STATE, (int)c->state);
	if (c->index < 0 || c->index >= s->cfg->ncounters || state == NULL) {
		store_failx(s, "counter index %d / state %d out of range",
		    c->index, (int)c->state);
		return -1;
	}
	if (!vntext_valid_utf8(c->reason, strnlen(c->reason,
	    sizeof c->reason))) {
		store_failc(s, STORE_EINVAL, "counter %d: the reason is not"
		    " valid UTF-8", s->cfg->counters[c->index].number);
		return -1;
	}
	sqlite3_bind_int(st, 1, s->cfg->counters[c->index].number);
	bind_text(st, 2, state);
	sqlite3_bind_int64(st, 3, c->ticket);
	sqlite3_bind_int64(st, 4, c->last_ticket);
	sqlite3_bind_int64(st, 5, c->last_finished_at);
	sqlite3_bind_int64(st, 6, c->since);
	sqlite3_bind_int(st, 7, c->staff);
	bind_array(st, 8, c->reason, sizeof c->reason);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fail(s, "writing counter %d",
		    s->cfg->counters[c->index].number);
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return 0;
}

static int
store_put_queue(store *s, const struct engine_queue *q)
{
	sqlite3_stmt *st = s->st[S_QUEUE_PUT];
	const char *code = store_queue_code(s->cfg, q->index);

	if (code == NULL) {
		store_failx(s, "queue index %d out of range", q->index);
		return -1;
	}
	bind_text(st, 1, code);
	bind_array(st, 2, q->day, sizeof q->day);
	sqlite3_bind_int(st, 3, q->next_number);
	sqlite3_bind_int(st, 4, q->normal_run);
	sqlite3_bind_int(st, 5, q->priority_run);
	sqlite3_bind_double(st, 6, q->service_ewma_s);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fail(s, "writing queue %s", code);
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return 0;
}

int
store_apply(store *s, const struct engine_result *r)
{
	char saved[sizeof s->err];
	int i, outer;

	if (r == NULL) {
		store_failx(s, "store_apply: no result");
		return -1;
	}
	/* A savepoint per command: a failed apply leaves the batch as it was
	 * before it; outside a batch the savepoint is its own transaction. */
	outer = sqlite3_get_autocommit(s->db);
	if (store_write_ok(s) < 0)
		return -1;
	if (store_run(s, S_SAVEPOINT, "starting a savepoint") < 0)
		return -1;
	for (i = 0; i < r->nevents; i++)
		if (store_put_event(s, &r->events[i]) < 0)
			goto undo;
	for (i = 0; i < r->ntickets; i++)
		if (store_put_ticket(s, r->tickets[i]) < 0)
			goto undo;
	for (i = 0; i < r->ncounters; i++)
		if (store_put_counter(s, r->counters[i]) < 0)
			goto undo;
	for (i = 0; i < r->nqueues; i++)
		if (store_put_queue(s, r->queues[i]) < 0)
			goto undo;
	if (store_run(s, S_RELEASE, outer ? "committing" : "releasing a savepoint") < 0)
		goto undo;
	return 0;
undo:
	memcpy(saved, s->err, sizeof saved);
	if (outer) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	} else if (store_run(s, S_ROLLBACK_TO, "rolling back a savepoint") == 0) {
		store_run(s, S_RELEASE, "releasing a savepoint");
	}
	memcpy(s->err, saved, sizeof saved);
	return -1;
}

/* ---- load ------------------------------------------------------------------ */

/* One row of S_LOAD_TICKETS into *t; 1 ok, 0 skipped (message set), -1 bad. */
static int
store_row_ticket(store *s, sqlite3_stmt *st, struct engine_ticket *t)
{
	const struct config *cfg = s->cfg;
	const char *queue;

	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	if (col_copy(st, 1, t->code, sizeof t->code) < 0 ||
	    col_copy(st, 2, t->day, sizeof t->day) < 0) {
		store_failx(s, "ticket %lld: code or day too long", (long long)t->id);
		return -1;
	}
	t->number = col_int(st, 3);
	queue = col_text(st, 4);
	t->queue = config_queue_index(cfg, queue);
	if (t->queue < 0) {
		store_failx(s, "ticket %lld (%s, number %d): queue '%s' is not in"
		    " the configuration (skipped)", (long long)t->id, t->day,
		    t->number, queue);
		return 0;
	}
	t->procedure = store_procedure_index(s, col_text(st, 5));
	t->priority = store_priority_index(cfg, col_text(st, 6));
	t->channel = (enum engine_channel)vocab_value(VOCAB_CHANNEL, col_text(st, 7));
	t->kiosk = config_kiosk_index(cfg, col_text(st, 8));
	t->state = (enum engine_ticket_state)vocab_value(VOCAB_TICKET_STATE, col_text(st, 9));
	if (t->state == 0 || t->channel == 0) {
		store_failx(s, "ticket %lld: unknown state '%s' or channel '%s'",
		    (long long)t->id, col_text(st, 9), col_text(st, 7));
		return -1;
	}
	t->counter = sqlite3_column_type(st, 10) == SQLITE_NULL ? -1 :
	    config_counter_index(cfg, sqlite3_column_int64(st, 10));
	t->assigned_counter = sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 :
	    config_counter_index(cfg, sqlite3_column_int64(st, 11));
	t->staff = col_int(st, 12);
	t->order = sqlite3_column_int64(st, 13);
	t->issued_at = sqlite3_column_int64(st, 14);
	t->enqueued_at = sqlite3_column_int64(st, 15);
	t->called_at = sqlite3_column_int64(st, 16);
	t->started_at = sqlite3_column_int64(st, 17);
	t->finished_at = sqlite3_column_int64(st, 18);
	t->calls = col_int(st, 19);
	t->transfers = col_int(st, 20);
	t->rating = col_int(st, 21);
	t->est_wait_s = col_int(st, 22);
	t->ahead = col_int(st, 23);
	return 1;
}

/* One row of S_LOAD_COUNTERS into *c; 1 ok, 0 skipped, -1 bad. */
static int
store_row_counter(store *s, sqlite3_stmt *st, struct engine_counter *c)
{
	int64_t number = sqlite3_column_int64(st, 0);

	memset(c, 0, sizeof *c);
	c->index = config_counter_index(s->cfg, number);
	if (c->index < 0) {
		store_failx(s, "counter %lld is not in the configuration (skipped)",
		    (long long)number);
		return 0;
	}
	c->state = (enum engine_counter_state)vocab_value(VOCAB_COUNTER_STATE, col_text(st, 1));
	if (c->state == 0) {
		store_failx(s, "counter %lld: unknown state '%s'",
		    (long long)number, col_text(st, 1));
		return -1;
	}
	c->ticket = sqlite3_column_int64(st, 2);
	c->last_ticket = sqlite3_column_int64(st, 3);
	c->last_finished_at = sqlite3_column_int64(st, 4);
	c->since = sqlite3_column_int64(st, 5);
	c->staff = col_int(st, 6);
	if (col_copy(st, 7, c->reason, sizeof c->reason) < 0) {
		store_failx(s, "counter %lld: reason too long", (long long)number);
		return -1;
	}
	return 1;
}

/* One row of S_LOAD_QUEUES into *q; 1 ok, 0 skipped, -1 bad. */
static int
store_row_queue(store *s, sqlite3_stmt *st, struct engine_queue *q)
{
	const char *code = col_text(st, 0);

	memset(q, 0, sizeof *q);
	q->index = config_queue_index(s->cfg, code);
	if (q->index < 0) {
		store_failx(s, "queue '%s' is not in the configuration (skipped)",
		    code);
		return 0;
	}
	if (col_copy(st, 1, q->day, sizeof q->day) < 0) {
		store_failx(s, "queue '%s': day too long", code);
		return -1;
	}
	q->next_number = col_int(st, 2);
	q->normal_run = col_int(st, 3);
	q->priority_run = col_int(st, 4);
	q->service_ewma_s = sqlite3_column_double(st, 5);
	return 1;
}

/* Step through one load statement; calls the row parser and restorer. */
#define STORE_LOAD_LOOP(which, type, parse, restore)                        \
	do {                                                                \
		sqlite3_stmt *st_ = s->st[which];                           \
		type row_;                                                  \
		int rc_, k_;                                                \
		while ((rc_ = sqlite3_step(st_)) == SQLITE_ROW) {           \
			k_ = parse(s, st_, &row_);                          \
			if (k_ < 0) {                                       \
				store_reset(st_);                           \
				goto fail;                                  \
			}                                                   \
			if (k_ == 0) {                                      \
				skipped++;                                  \
				memcpy(skipmsg, s->err, sizeof skipmsg);    \
				continue;                                   \
			}                                                   \
			restore(e, &row_);                                  \
		}                                                           \
		if (rc_ != SQLITE_DONE) {                                   \
			store_fail(s, "loading (%s)", #which);              \
			store_reset(st_);                                   \
			goto fail;                                          \
		}                                                           \
		store_reset(st_);                                           \
	} while (0)

/* One integer from a one-row statement. */
static int
store_scalar(store *s, int which, int64_t *out)
{
	sqlite3_stmt *st = s->st[which];
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW) {
		store_fail(s, "reading the last ids");
		store_reset(st);
		return -1;
	}
	*out = sqlite3_column_int64(st, 0);
	store_reset(st);
	return 0;
}

int
store_load(store *s, engine *e, const char *day)
{
	char skipmsg[sizeof s->err];
	int64_t last_ticket, last_event;
	int skipped = 0;

	if (e == NULL || day == NULL) {
		store_failx(s, "store_load: no engine or day");
		return -1;
	}
	skipmsg[0] = '\0';
	store_proc_sort(s);
	bind_text(s->st[S_LOAD_TICKETS], 1, day);
	STORE_LOAD_LOOP(S_LOAD_TICKETS, struct engine_ticket, store_row_ticket,
	    engine_restore_ticket);
	STORE_LOAD_LOOP(S_LOAD_COUNTERS, struct engine_counter, store_row_counter,
	    engine_restore_counter);
	STORE_LOAD_LOOP(S_LOAD_QUEUES, struct engine_queue, store_row_queue,
	    engine_restore_queue);
	if (store_scalar(s, S_MAX_TICKET, &last_ticket) < 0 ||
	    store_scalar(s, S_MAX_EVENT, &last_event) < 0)
		goto fail;
	engine_restore_ids(e, last_ticket, last_event);
	engine_restore_done(e);
	free(s->proc_sorted);
	s->proc_sorted = NULL;
	if (skipped > 0)
		store_failx(s, "%d row(s) skipped; the last: %s", skipped, skipmsg);
	else
		s->err[0] = '\0';
	return skipped;
fail:
	free(s->proc_sorted);
	s->proc_sorted = NULL;
	return -1;
}

/* ---- events ---------------------------------------------------------------- */

int
store_events_after(store *s, int64_t after, struct engine_event *out, int max)
{
	sqlite3_stmt *st = s->st[S_EVENTS_AFTER];
	struct engine_event *ev;
	const char *type;
	int n = 0, rc;

	if (max <= 0)
		return 0;
	if (out == NULL) {
		store_failx(s, "store_events_after: no output array");
		return -1;
	}
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, max);
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ev = &out[n];
		memset(ev, 0, sizeof *ev);
		ev->id = sqlite3_column_int64(st, 0);
		type = col_text(st, 1);
		ev->type = (enum engine_event_type)vocab_value(VOCAB_EVENT, type);
		if (ev->type == 0) {
			store_failx(s, "event %lld: unknown type '%s'",
			    (long long)ev->id, type);
			store_reset(st);
			return -1;
		}
		ev->at = sqlite3_column_int64(st, 2);
		ev->ticket = sqlite3_column_int64(st, 3);
		ev->number = col_int(st, 4);
		ev->queue = config_queue_index(s->cfg, col_text(st, 5));
		ev->counter = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 :
		    config_counter_index(s->cfg, sqlite3_column_int64(st, 6));
		ev->staff = col_int(st, 7);
		if (ev->type == ENGINE_EV_ISSUED)
			ev->value = store_priority_index(s->cfg, col_text(st, 9));
		else if (ev->type == ENGINE_EV_TRANSFERRED)
			ev->value = config_queue_index(s->cfg, col_text(st, 9));
		else
			ev->value = col_int(st, 8);
		if (col_copy(st, 10, ev->reason, sizeof ev->reason) < 0) {
			store_failx(s, "event %lld: reason too long",
			    (long long)ev->id);
			store_reset(st);
			return -1;
		}
		n++;
	}
	if (n < max && rc != SQLITE_DONE) {
		store_fail(s, "reading events after %lld", (long long)after);
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return n;
}

/* ---- users ----------------------------------------------------------------- */


/* The rule for login and device names: 1..63 bytes of [A-Za-z0-9._@-]. */
int
store_user_name_valid(const char *name)
{
	size_t n, i;

	if (name == NULL)
		return 0;
	n = strnlen(name, STORE_NAME_LEN);
	if (n == 0 || n >= STORE_NAME_LEN)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-' || c == '@'))
			return 0;
	}
	return 1;
}

/* Check a user's fields before writing them; -1 with STORE_EINVAL. */
static int
store_user_valid(store *s, const struct store_user *u)
{
	size_t n;
	int k;

	if (!store_user_name_valid(u->name)) {
		store_failc(s, STORE_EINVAL, "user name: 1 to %d letters, digits"
		    " or . _ - @", STORE_NAME_LEN - 1);
		return -1;
	}
	n = strnlen(u->full_name, sizeof u->full_name);
	if (n >= sizeof u->full_name) {
		store_failc(s, STORE_EINVAL, "user %s: full name too long",
		    u->name);
		return -1;
	}
	if (!vntext_valid_utf8(u->full_name, n)) {
		store_failc(s, STORE_EINVAL, "user %s: full name is not valid"
		    " UTF-8", u->name);
		return -1;
	}
	if (vocab_name(VOCAB_ROLE, (int)u->role) == NULL) {
		store_failc(s, STORE_EINVAL, "user %s: unknown role %d", u->name,
		    (int)u->role);
		return -1;
	}
	if (u->ncounters < 0 || u->ncounters > STORE_MAX_USER_COUNTERS) {
		store_failc(s, STORE_EINVAL, "user %s: %d counters (at most %d)",
		    u->name, u->ncounters, STORE_MAX_USER_COUNTERS);
		return -1;
	}
	for (k = 0; k < u->ncounters; k++) {
		if (u->counters[k] < 1 || u->counters[k] > CONFIG_MAX_COUNTERS) {
			store_failc(s, STORE_EINVAL, "user %s: counter number %d"
			    " out of range", u->name, u->counters[k]);
			return -1;
		}
	}
	return 0;
}

/* Counter numbers as "1,2,5" into out (big enough for 16 numbers). */
static void
store_counters_fmt(const struct store_user *u, char *out, size_t outlen)
{
	size_t n = 0;
	int k;

	out[0] = '\0';
	for (k = 0; k < u->ncounters && n < outlen; k++)
		n += (size_t)snprintf(out + n, outlen - n, "%s%d", k ? "," : "",
		    u->counters[k]);
}

/* Parse "1,2,5" into u->counters; -1 when malformed. */
static int
store_counters_parse(const char *text, struct store_user *u)
{
	const char *p = text;
	char *end;
	long v;

	u->ncounters = 0;
	while (*p != '\0') {
		if (u->ncounters == STORE_MAX_USER_COUNTERS)
			return -1;
		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno != 0 || v < 1 || v > CONFIG_MAX_COUNTERS)
			return -1;
		u->counters[u->ncounters++] = (int)v;
		if (*end == ',')
			end++;
		else if (*end != '\0')
			return -1;
		p = end;
	}
	return 0;
}

/* Fill *u from a row of USER_COLS; -1 when the row is malformed. */
static int
store_row_user(store *s, sqlite3_stmt *st, struct store_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = col_int(st, 0);
	if (col_copy(st, 1, u->name, sizeof u->name) < 0 ||
	    col_copy(st, 2, u->full_name, sizeof u->full_name) < 0) {
		store_failx(s, "user %d: name too long", u->id);
		return -1;
	}
	u->role = store_role_parse(col_text(st, 3));
	if (u->role == 0) {
		store_failx(s, "user %s: unknown role '%s'", u->name,
		    col_text(st, 3));
		return -1;
	}
	if (store_counters_parse(col_text(st, 4), u) < 0) {
		store_failx(s, "user %s: bad counter list '%s'", u->name,
		    col_text(st, 4));
		return -1;
	}
	u->disabled = sqlite3_column_int(st, 5) != 0;
	return 0;
}

/* Hash a password into out; -1 with a message. */
static int
store_hash_password(store *s, const char *password, char out[crypto_pwhash_STRBYTES])
{
	if (password == NULL || password[0] == '\0') {
		store_failc(s, STORE_EINVAL, "the password is empty");
		return -1;
	}
	if (pwhash_make(password, out) != 0) {
		store_failx(s, "hashing the password failed (out of memory)");
		return -1;
	}
	return 0;
}

/* Look a user up by name or id (stmt S_USER_GET / S_USER_GET_ID). */
static int
store_user_fetch(store *s, int which, const char *name, int id,
    struct store_user *out, char *pwhash, size_t pwlen)
{
	sqlite3_stmt *st = s->st[which];
	struct store_user tmp;
	int rc, found = 0;

	if (which == S_USER_GET)
		bind_text(st, 1, name);
	else
		sqlite3_bind_int(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (store_row_user(s, st, out != NULL ? out : &tmp) < 0)
			goto fail;
		if (pwhash != NULL && col_copy(st, 6, pwhash, pwlen) < 0) {
			store_failx(s, "user %s: stored hash too long",
			    col_text(st, 1));
			goto fail;
		}
		found = 1;
	} else if (rc != SQLITE_DONE) {
		store_fail(s, "reading a user");
		goto fail;
	}
	store_reset(st);
	return found;
fail:
	store_reset(st);
	return -1;
}

int
store_user_add(store *s, const struct store_user *u, const char *password)
{
	char hash[crypto_pwhash_STRBYTES], list[STORE_MAX_USER_COUNTERS * 4 + 1];
	sqlite3_stmt *st = s->st[S_USER_ADD];
	int rc;

	if (u == NULL || store_user_valid(s, u) < 0 || store_write_ok(s) < 0)
		return -1;
	rc = store_user_fetch(s, S_USER_GET, u->name, 0, NULL, NULL, 0);
	if (rc != 0) {
		if (rc > 0)
			store_failc(s, STORE_EEXIST, "user %s already exists",
			    u->name);
		return -1;
	}
	if (store_hash_password(s, password, hash) < 0)
		return -1;
	store_counters_fmt(u, list, sizeof list);
	bind_text(st, 1, u->name);
	bind_text(st, 2, u->full_name);
	bind_text(st, 3, hash);
	bind_text(st, 4, store_role_name(u->role));
	bind_text(st, 5, list);
	sqlite3_bind_int(st, 6, u->disabled != 0);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT_UNIQUE)
			store_failc(s, STORE_EEXIST, "user %s already exists",
			    u->name);
		else
			store_fail(s, "adding user %s", u->name);
		store_reset(st);
		sodium_memzero(hash, sizeof hash);
		return -1;
	}
	store_reset(st);
	sodium_memzero(hash, sizeof hash);
	return 0;
}

/*
 * A write of several statements as one: a savepoint, its own transaction
 * outside a batch.  store_group_end(s, ok) releases it, or rolls it back
 * (keeping the first failure's message) when ok is 0; returns 0 or -1.
 */
static int
store_group_begin(store *s)
{
	if (store_write_ok(s) < 0)
		return -1;
	return store_run(s, S_SAVEPOINT, "starting a savepoint");
}

static int
store_group_end(store *s, int ok)
{
	char saved[sizeof s->err];
	enum store_error code = s->code;

	if (ok && store_run(s, S_RELEASE, "releasing a savepoint") == 0)
		return 0;
	memcpy(saved, s->err, sizeof saved);
	if (store_run(s, S_ROLLBACK_TO, "rolling back a savepoint") == 0)
		store_run(s, S_RELEASE, "releasing a savepoint");
	memcpy(s->err, saved, sizeof saved);
	s->code = ok ? STORE_EIO : code;
	return -1;
}

/* Delete the sessions of user id (or of the user named name when id is 0)
 * but the one of keep_token (NULL: all); how many, or -1. */
static int
store_sessions_end(store *s, int id, const char *name, const char *keep_token)
{
	char keep[STORE_HASH_HEX];
	int which = id != 0 ? S_SESSION_END_USER : S_SESSION_END_NAME;
	sqlite3_stmt *st = s->st[which];

	if (id != 0)
		sqlite3_bind_int(st, 1, id);
	else
		bind_text(st, 1, name);
	if (keep_token != NULL && store_token_hash(keep_token, keep) == 0)
		bind_text(st, 2, keep);
	else
		sqlite3_bind_null(st, 2);
	if (store_run(s, which, "ending a user's sessions") < 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_user_set_password(store *s, const char *name, const char *password,
    const char *keep_token)
{
	char hash[crypto_pwhash_STRBYTES];
	sqlite3_stmt *st = s->st[S_USER_SETPW];
	int ok;

	if (name == NULL || store_write_ok(s) < 0 ||
	    store_hash_password(s, password, hash) < 0)
		return -1;
	/* The new password and the end of the user's other sessions are one
	   write: nobody keeps a session opened with the old password. */
	if (store_group_begin(s) < 0)
		return -1;
	bind_text(st, 1, name);
	bind_text(st, 2, hash);
	ok = store_run(s, S_USER_SETPW, "setting a password") == 0;
	sodium_memzero(hash, sizeof hash);
	if (ok && sqlite3_changes(s->db) == 0) {
		store_failc(s, STORE_ENOENT, "no user %s", name);
		ok = 0;
	}
	ok = ok && store_sessions_end(s, 0, name, keep_token) >= 0;
	return store_group_end(s, ok);
}

int
store_user_update(store *s, const struct store_user *u)
{
	char list[STORE_MAX_USER_COUNTERS * 4 + 1];
	sqlite3_stmt *st = s->st[S_USER_UPDATE];
	struct store_user old;
	int rc, ok;

	if (u == NULL || store_user_valid(s, u) < 0 || store_write_ok(s) < 0)
		return -1;
	if ((rc = store_user_fetch(s, S_USER_GET, u->name, 0, &old, NULL, 0)) <= 0) {
		if (rc == 0)
			store_failc(s, STORE_ENOENT, "no user %s", u->name);
		return -1;
	}
	/* A device's token never expires: a device never becomes a person
	   (its token would carry a person's role), nor a person a device. */
	if (store_role_is_device(old.role) != store_role_is_device(u->role)) {
		store_failc(s, STORE_EINVAL, "user %s: a %s cannot become a %s",
		    u->name, store_role_name(old.role), store_role_name(u->role));
		return -1;
	}
	store_counters_fmt(u, list, sizeof list);
	if (store_group_begin(s) < 0)
		return -1;
	bind_text(st, 1, u->name);
	bind_text(st, 2, u->full_name);
	bind_text(st, 3, store_role_name(u->role));
	bind_text(st, 4, list);
	sqlite3_bind_int(st, 5, u->disabled != 0);
	ok = store_run(s, S_USER_UPDATE, "updating a user") == 0;
	if (ok && sqlite3_changes(s->db) == 0) {
		store_failc(s, STORE_ENOENT, "no user %s", u->name);
		ok = 0;
	}
	/* Disabling ends every session in the same write. */
	if (ok && u->disabled)
		ok = store_sessions_end(s, old.id, NULL, NULL) >= 0;
	return store_group_end(s, ok);
}

int
store_user_delete(store *s, const char *name)
{
	if (name == NULL) {
		store_failc(s, STORE_EINVAL, "store_user_delete: no name");
		return -1;
	}
	if (store_write_ok(s) < 0)
		return -1;
	bind_text(s->st[S_USER_DELETE], 1, name);
	if (store_run(s, S_USER_DELETE, "deleting a user") < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		store_failc(s, STORE_ENOENT, "no user %s", name);
		return -1;
	}
	return 0;
}

int
store_user_get(store *s, const char *name, struct store_user *out)
{
	if (name == NULL || out == NULL) {
		store_failx(s, "store_user_get: no name or output");
		return -1;
	}
	return store_user_fetch(s, S_USER_GET, name, 0, out, NULL, 0);
}

int
store_user_get_id(store *s, int id, struct store_user *out)
{
	if (out == NULL) {
		store_failx(s, "store_user_get_id: no output");
		return -1;
	}
	return store_user_fetch(s, S_USER_GET_ID, NULL, id, out, NULL, 0);
}

int
store_user_login_hash(store *s, const char *name, struct store_user *out,
    char *hash, size_t hashlen)
{
	int found;

	found = name != NULL ? store_user_fetch(s, S_USER_GET, name, 0, out,
	    hash, hashlen) : 0;
	if (found < 0)
		return -1;
	if (!found) {
		/* The same work later whether the name exists or not. */
		snprintf(hash, hashlen, "%s", pwhash_dummy);
		memset(out, 0, sizeof *out);
	}
	return found;
}

int
store_user_check(store *s, const char *name, const char *password,
    struct store_user *out)
{
	char hash[crypto_pwhash_STRBYTES];
	struct store_user u;
	int found, ok;

	if (password == NULL)
		password = "";
	if ((found = store_user_login_hash(s, name, &u, hash, sizeof hash)) < 0)
		return -1;
	/* The same work whether the name exists, is disabled, or not. */
	ok = pwhash_check(hash, password);
	if (!found || !ok || u.disabled)
		return 0;
	if (out != NULL)
		*out = u;
	return 1;
}

int
store_user_list(store *s, void (*fn)(const struct store_user *, void *), void *arg)
{
	sqlite3_stmt *st = s->st[S_USER_LIST];
	struct store_user u;
	int n = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (store_row_user(s, st, &u) < 0) {
			store_reset(st);
			return -1;
		}
		if (fn != NULL)
			fn(&u, arg);
		n++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "listing users");
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return n;
}

/* ---- sessions -------------------------------------------------------------- */

/* Hash of a 64-hex token as 64 hex chars; -1 when the token is malformed. */
static int
store_token_hash(const char *token, char out[])
{
	unsigned char raw[STORE_TOKEN_BYTES], h[crypto_generichash_BYTES];
	size_t n, i;

	if (token == NULL || strnlen(token, 2 * STORE_TOKEN_BYTES + 1) !=
	    2 * STORE_TOKEN_BYTES)
		return -1;
	for (i = 0; i < 2 * STORE_TOKEN_BYTES; i++) {
		char c = token[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
	}
	if (sodium_hex2bin(raw, sizeof raw, token, 2 * STORE_TOKEN_BYTES, NULL,
	    &n, NULL) != 0 || n != sizeof raw)
		return -1;
	crypto_generichash(h, sizeof h, raw, sizeof raw, NULL, 0);
	sodium_bin2hex(out, STORE_HASH_HEX, h, sizeof h);
	sodium_memzero(raw, sizeof raw);
	return 0;
}

int
store_session_create(store *s, int user_id, int64_t now, int64_t expires,
    char token[65])
{
	unsigned char raw[STORE_TOKEN_BYTES];
	char hash[STORE_HASH_HEX];
	sqlite3_stmt *st = s->st[S_SESSION_ADD];
	struct store_user u;
	int rc;

	if (token == NULL || expires < 0) {
		store_failx(s, "store_session_create: no output or bad expiry");
		return -1;
	}
	token[0] = '\0';
	if (store_write_ok(s) < 0)
		return -1;
	/* Only a device's token may never expire; a person's always does. */
	if ((rc = store_user_fetch(s, S_USER_GET_ID, NULL, user_id, &u, NULL,
	    0)) <= 0) {
		if (rc == 0)
			store_failc(s, STORE_ENOENT, "no user with id %d", user_id);
		return -1;
	}
	if (expires == 0 && !store_role_is_device(u.role)) {
		store_failc(s, STORE_EINVAL, "user %s: a %s's session must expire",
		    u.name, store_role_name(u.role));
		return -1;
	}
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, 2 * STORE_TOKEN_BYTES + 1, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	if (store_token_hash(token, hash) < 0) {
		store_failx(s, "store_session_create: token encoding failed");
		token[0] = '\0';
		return -1;
	}
	bind_text(st, 1, hash);
	sqlite3_bind_int(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, expires);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			store_failx(s, "no user with id %d", user_id);
		else
			store_fail(s, "creating a session");
		store_reset(st);
		sodium_memzero(token, 65);
		return -1;
	}
	store_reset(st);
	return 0;
}

int
store_session_check(store *s, const char *token, int64_t now,
    struct store_user *user)
{
	char hash[STORE_HASH_HEX];
	sqlite3_stmt *st = s->st[S_SESSION_CHECK];
	struct store_user tmp;
	int rc, found = 0;

	if (store_token_hash(token, hash) < 0)
		return 0;
	bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (store_row_user(s, st, user != NULL ? user : &tmp) < 0) {
			store_reset(st);
			return -1;
		}
		found = 1;
	} else if (rc != SQLITE_DONE) {
		store_fail(s, "checking a session");
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return found;
}

int
store_session_delete(store *s, const char *token)
{
	char hash[STORE_HASH_HEX];

	/* A malformed or unknown token has no session: nothing to do. */
	if (store_token_hash(token, hash) < 0)
		return 0;
	if (store_write_ok(s) < 0)
		return -1;
	bind_text(s->st[S_SESSION_DELETE], 1, hash);
	return store_run(s, S_SESSION_DELETE, "deleting a session");
}

int
store_session_end_user(store *s, int user_id, const char *keep_token)
{
	if (store_write_ok(s) < 0)
		return -1;
	return store_sessions_end(s, user_id, NULL, keep_token);
}

int
store_session_purge(store *s, int64_t now)
{
	if (store_write_ok(s) < 0)
		return -1;
	sqlite3_bind_int64(s->st[S_SESSION_PURGE], 1, now);
	if (store_run(s, S_SESSION_PURGE, "purging sessions") < 0)
		return -1;
	return sqlite3_changes(s->db);
}

/* ---- meta ------------------------------------------------------------------ */

int
store_meta_get(store *s, const char *key, char *out, size_t outlen)
{
	sqlite3_stmt *st = s->st[S_META_GET];
	int rc, found = 0;

	if (key == NULL || out == NULL || outlen == 0) {
		store_failx(s, "store_meta_get: no key or output");
		return -1;
	}
	out[0] = '\0';
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (col_copy(st, 0, out, outlen) < 0) {
			store_failx(s, "meta %s: value longer than %zu bytes",
			    key, outlen - 1);
			store_reset(st);
			return -1;
		}
		found = 1;
	} else if (rc != SQLITE_DONE) {
		store_fail(s, "reading meta %s", key);
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return found;
}

int
store_meta_set(store *s, const char *key, const char *value)
{
	if (key == NULL || value == NULL) {
		store_failx(s, "store_meta_set: no key or value");
		return -1;
	}
	if (store_write_ok(s) < 0)
		return -1;
	bind_text(s->st[S_META_SET], 1, key);
	bind_text(s->st[S_META_SET], 2, value);
	return store_run(s, S_META_SET, "writing meta");
}

/* ---- counter board event keys ----------------------------------------------- */

int
store_bus_mark(store *s, const struct store_bus_key *k)
{
	sqlite3_stmt *st = s->st[S_BUS_MARK];

	if (k == NULL || k->line[0] == '\0' || k->address < 1 ||
	    k->address > 247 || k->boot < 0 || k->boot > 65535 || k->seq < 1 ||
	    k->seq > 65535 || k->uptime < 0) {
		store_failx(s, "store_bus_mark: bad key");
		return -1;
	}
	if (store_write_ok(s) < 0)
		return -1;
	bind_array(st, 1, k->line, sizeof k->line);
	sqlite3_bind_int(st, 2, k->address);
	sqlite3_bind_int(st, 3, k->boot);
	sqlite3_bind_int(st, 4, k->seq);
	sqlite3_bind_int64(st, 5, k->uptime);
	sqlite3_bind_int64(st, 6, k->at);
	return store_run(s, S_BUS_MARK, "writing a board event key");
}

int
store_bus_keys(store *s, void (*fn)(const struct store_bus_key *, void *),
    void *arg)
{
	sqlite3_stmt *st = s->st[S_BUS_KEYS];
	struct store_bus_key k;
	int rc, n = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&k, 0, sizeof k);
		if (col_copy(st, 0, k.line, sizeof k.line) < 0)
			continue; /* a line id longer than any config allows */
		k.address = sqlite3_column_int(st, 1);
		k.boot = sqlite3_column_int(st, 2);
		k.seq = sqlite3_column_int(st, 3);
		k.uptime = sqlite3_column_int64(st, 4);
		k.at = sqlite3_column_int64(st, 5);
		fn(&k, arg);
		n++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "reading board event keys");
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return n;
}

/* ---- the audit log ------------------------------------------------------------ */

/* Text of an audit row: valid UTF-8 of at most max bytes (NULL: empty). */
static int
store_audit_text_ok(const char *t, size_t max)
{
	size_t n;

	if (t == NULL)
		return 1;
	n = strnlen(t, max + 1);
	return n <= max && vntext_valid_utf8(t, n);
}

int
store_audit_add(store *s, const struct store_audit *a)
{
	sqlite3_stmt *st = s->st[S_AUDIT_ADD];

	if (a == NULL || a->who == NULL || a->who[0] == '\0' || a->action == NULL ||
	    a->action[0] == '\0' || !store_audit_text_ok(a->who, 63) ||
	    !store_audit_text_ok(a->role, 15) || !store_audit_text_ok(a->client, 63) ||
	    !store_audit_text_ok(a->action, 31) || !store_audit_text_ok(a->target, 255) ||
	    !store_audit_text_ok(a->before, STORE_AUDIT_JSON_MAX) ||
	    !store_audit_text_ok(a->after, STORE_AUDIT_JSON_MAX)) {
		store_failc(s, STORE_EINVAL, "audit row: missing or bad text");
		return -1;
	}
	if (store_write_ok(s) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, a->at);
	bind_text(st, 2, a->who);
	bind_text(st, 3, a->role != NULL ? a->role : "");
	bind_text(st, 4, a->client != NULL ? a->client : "");
	bind_text(st, 5, a->action);
	bind_text(st, 6, a->target != NULL ? a->target : "");
	bind_text(st, 7, a->before);
	bind_text(st, 8, a->after);
	return store_run(s, S_AUDIT_ADD, "writing an audit row");
}

int
store_audit_list(store *s, const struct store_audit_filter *f,
    void (*fn)(const struct store_audit *, void *), void *arg)
{
	sqlite3_stmt *st = s->st[S_AUDIT_LIST];
	struct store_audit a;
	int rc, n = 0;

	bind_text(st, 1, f != NULL && f->who != NULL && f->who[0] != '\0' ? f->who : NULL);
	bind_text(st, 2, f != NULL && f->action != NULL && f->action[0] != '\0' ?
	    f->action : NULL);
	sqlite3_bind_int64(st, 3, f != NULL ? f->from : 0);
	sqlite3_bind_int64(st, 4, f != NULL && f->to > 0 ? f->to : INT64_MAX);
	sqlite3_bind_int(st, 5, f != NULL && f->limit > 0 ? f->limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a.id = sqlite3_column_int64(st, 0);
		a.at = sqlite3_column_int64(st, 1);
		a.who = col_text(st, 2);
		a.role = col_text(st, 3);
		a.client = col_text(st, 4);
		a.action = col_text(st, 5);
		a.target = col_text(st, 6);
		a.before = (const char *)sqlite3_column_text(st, 7);
		a.after = (const char *)sqlite3_column_text(st, 8);
		fn(&a, arg);
		n++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "reading the audit log");
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return n;
}

/* ---- appointments ------------------------------------------------------------ */

int
store_booking_put(store *s, const struct store_booking *b)
{
	sqlite3_stmt *st = s->st[S_BOOKING_PUT];

	if (b == NULL || b->code[0] == '\0' || b->queue[0] == '\0' ||
	    strlen(b->day) != 10 || b->phone[0] == '\0' ||
	    !vntext_valid_utf8(b->name, strnlen(b->name, sizeof b->name))) {
		store_failx(s, "store_booking_put: bad booking");
		s->code = STORE_EINVAL;
		return -1;
	}
	if (store_write_ok(s) < 0)
		return -1;
	bind_array(st, 1, b->code, sizeof b->code);
	bind_array(st, 2, b->queue, sizeof b->queue);
	bind_array(st, 3, b->procedure, sizeof b->procedure);
	bind_array(st, 4, b->day, sizeof b->day);
	sqlite3_bind_int(st, 5, b->slot_s);
	bind_array(st, 6, b->name, sizeof b->name);
	bind_array(st, 7, b->phone, sizeof b->phone);
	bind_array(st, 8, b->state, sizeof b->state);
	sqlite3_bind_int64(st, 9, b->created_at);
	sqlite3_bind_int64(st, 10, b->updated_at);
	sqlite3_bind_int64(st, 11, b->ticket_id);
	return store_run(s, S_BOOKING_PUT, "writing a booking");
}

/* The booking of the row st stands on (BOOKING_COLS) into *out: 0, or -1
 * (recorded) when a field does not fit. */
static int
store_booking_row(store *s, sqlite3_stmt *st, struct store_booking *out)
{
	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(st, 0);
	if (col_copy(st, 1, out->code, sizeof out->code) < 0 ||
	    col_copy(st, 2, out->queue, sizeof out->queue) < 0 ||
	    col_copy(st, 3, out->procedure, sizeof out->procedure) < 0 ||
	    col_copy(st, 4, out->day, sizeof out->day) < 0 ||
	    col_copy(st, 6, out->name, sizeof out->name) < 0 ||
	    col_copy(st, 7, out->phone, sizeof out->phone) < 0 ||
	    col_copy(st, 8, out->state, sizeof out->state) < 0) {
		store_failx(s, "booking: a field is too long");
		return -1;
	}
	out->slot_s = sqlite3_column_int(st, 5);
	out->created_at = sqlite3_column_int64(st, 9);
	out->updated_at = sqlite3_column_int64(st, 10);
	out->ticket_id = sqlite3_column_int64(st, 11);
	return 0;
}

int
store_booking_get(store *s, const char *code, struct store_booking *out)
{
	sqlite3_stmt *st = s->st[S_BOOKING_GET];
	int rc, found = 0;

	memset(out, 0, sizeof *out);
	bind_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (store_booking_row(s, st, out) != 0) {
			store_reset(st);
			return -1;
		}
		found = 1;
	} else if (rc != SQLITE_DONE) {
		store_fail(s, "reading a booking");
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return found;
}

int
store_booking_to_remind(store *s, const char *day,
    void (*fn)(const struct store_booking *b, void *arg), void *arg)
{
	sqlite3_stmt *st = s->st[S_BOOKING_TO_REMIND];
	struct store_booking b;
	int rc, n = 0;

	bind_text(st, 1, day);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (store_booking_row(s, st, &b) != 0) {
			store_reset(st);
			return -1;
		}
		fn(&b, arg);
		n++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "reading the bookings to remind");
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return n;
}

/* The one integer a counting statement gives, or -1. */
static int
store_count(store *s, int which, const char *what)
{
	sqlite3_stmt *st = s->st[which];
	int rc, n = -1;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	else
		store_fail(s, "%s", what);
	store_reset(st);
	return n;
}

int
store_booking_taken(store *s, const char *queue, const char *day, int slot_s)
{
	sqlite3_stmt *st = s->st[S_BOOKING_TAKEN];

	bind_text(st, 1, queue);
	bind_text(st, 2, day);
	sqlite3_bind_int(st, 3, slot_s);
	return store_count(s, S_BOOKING_TAKEN, "counting a slot's bookings");
}

int
store_booking_phone_taken(store *s, const char *phone, const char *day,
    int slot_s, const char *code)
{
	sqlite3_stmt *st = s->st[S_BOOKING_PHONE];

	bind_text(st, 1, phone);
	bind_text(st, 2, day);
	sqlite3_bind_int(st, 3, slot_s);
	if (code != NULL)
		bind_text(st, 4, code);
	else
		sqlite3_bind_null(st, 4);
	return store_count(s, S_BOOKING_PHONE, "counting a phone's bookings");
}

int
store_booking_slots(store *s, const char *queue, const char *day,
    void (*fn)(int slot_s, int n, void *arg), void *arg)
{
	sqlite3_stmt *st = s->st[S_BOOKING_SLOTS];
	int rc, n = 0;

	bind_text(st, 1, queue);
	bind_text(st, 2, day);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(sqlite3_column_int(st, 0), sqlite3_column_int(st, 1), arg);
		n++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "reading a day's bookings");
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return n;
}

/* ---- configuration overrides ------------------------------------------------- */

int
store_override_set(store *s, const char *section, const char *key,
    const char *value, int64_t at)
{
	sqlite3_stmt *st = s->st[S_OVERRIDE_SET];

	if (section == NULL || key == NULL || value == NULL || *section == '\0' ||
	    *key == '\0' || !store_audit_text_ok(section, 127) ||
	    !store_audit_text_ok(key, 63) || !store_audit_text_ok(value, 4000)) {
		store_failc(s, STORE_EINVAL, "configuration override: bad text");
		return -1;
	}
	if (store_write_ok(s) < 0)
		return -1;
	bind_text(st, 1, section);
	bind_text(st, 2, key);
	bind_text(st, 3, value);
	sqlite3_bind_int64(st, 4, at);
	return store_run(s, S_OVERRIDE_SET, "writing a configuration override");
}

int
store_override_list(store *s, void (*fn)(const char *section, const char *key,
    const char *value, void *arg), void *arg)
{
	sqlite3_stmt *st = s->st[S_OVERRIDE_LIST];
	int rc, n = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(col_text(st, 0), col_text(st, 1), col_text(st, 2), arg);
		n++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "reading the configuration overrides");
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return n;
}

int
store_online_count(store *s, const char *queue, const char *day)
{
	sqlite3_stmt *st = s->st[S_ONLINE_COUNT];

	bind_text(st, 1, day);
	bind_text(st, 2, queue);
	return store_count(s, S_ONLINE_COUNT, "counting online tickets");
}

int
store_booking_each(store *s, const char *from, const char *to,
    void (*fn)(const char *day, const char *queue, int slot_s, const char *state,
    void *arg), void *arg)
{
	sqlite3_stmt *st = s->st[S_BOOKING_EACH];
	int rc, n = 0;

	bind_text(st, 1, from);
	bind_text(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *day = (const char *)sqlite3_column_text(st, 0);
		const char *queue = (const char *)sqlite3_column_text(st, 1);
		const char *state = (const char *)sqlite3_column_text(st, 3);

		fn(day != NULL ? day : "", queue != NULL ? queue : "",
		    sqlite3_column_int(st, 2), state != NULL ? state : "", arg);
		n++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "reading bookings");
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return n;
}

int
store_booking_upcoming(store *s, const char *day, int from_s, int to_s,
    void (*fn)(const char *queue, int n, void *arg), void *arg)
{
	sqlite3_stmt *st = s->st[S_BOOKING_UPCOMING];
	int rc, n = 0;

	bind_text(st, 1, day);
	sqlite3_bind_int(st, 2, from_s);
	sqlite3_bind_int(st, 3, to_s);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *q = (const char *)sqlite3_column_text(st, 0);

		fn(q != NULL ? q : "", sqlite3_column_int(st, 1), arg);
		n++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "reading the coming bookings");
		store_reset(st);
		return -1;
	}
	store_reset(st);
	return n;
}
