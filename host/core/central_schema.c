/*
 * central_schema.c - the schema of the province's central PostgreSQL
 * (host/docs/export.md): made by the exporter (daemon/export) when missing,
 * or once by the province with `onestop-central --init-schema`.  Both run
 * this text; every statement is idempotent (IF NOT EXISTS, OR REPLACE).
 */
#include "core/central_schema.h"

#include <stddef.h>

/*
 * One row per leg (host/docs/stats.md): seq = transfers before the
 * event; a transfer closes its leg and opens the next one (in its
 * value_code queue, or the same queue for a transfer to a counter).
 * The last call counts for the wait; a finish straight from "called"
 * serves from the call.
 */
#define LEGS_SELECT(FILTER) \
    " WITH e AS (" \
    "  SELECT centre, ticket_id AS ticket, id, type, at, queue, value_code," \
    "   counter, staff, value," \
    "   COALESCE(count(*) FILTER (WHERE type = 'transferred') OVER (PARTITION BY" \
    "    centre, ticket_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND" \
    "    1 PRECEDING), 0) AS seq" \
    "  FROM events WHERE ticket_id > 0" FILTER ")," \
    " b AS (" \
    "  SELECT centre, ticket, seq," \
    "   (array_agg(at ORDER BY id DESC) FILTER (WHERE type IN ('called', 'recalled')))[1] AS call_at," \
    "   count(*) FILTER (WHERE type IN ('called', 'recalled')) AS calls," \
    "   (array_agg(at ORDER BY id DESC) FILTER (WHERE type = 'started'))[1] AS started_at," \
    "   (array_agg(type ORDER BY id DESC) FILTER (WHERE type IN ('called', 'recalled'," \
    "    'finished', 'no_show', 'cancelled', 'transferred')))[1] AS last," \
    "   (array_agg(at ORDER BY id DESC) FILTER (WHERE type IN ('finished', 'no_show'," \
    "    'cancelled', 'transferred')))[1] AS finish_at," \
    "   (array_agg(counter ORDER BY id DESC) FILTER (WHERE type IN ('called', 'recalled')))[1] AS counter," \
    "   (array_agg(staff ORDER BY id DESC) FILTER (WHERE type IN ('called', 'recalled')))[1] AS staff," \
    "   (array_agg(value ORDER BY id DESC) FILTER (WHERE type = 'rated' AND value BETWEEN 1 AND 4))[1] AS rating," \
    "   (array_agg(queue ORDER BY id) FILTER (WHERE type = 'issued'))[1] AS issued_queue," \
    "   min(at) FILTER (WHERE type = 'issued') AS issued_at" \
    "  FROM e GROUP BY centre, ticket, seq)," \
    " o AS (SELECT centre, ticket, seq + 1 AS seq, at, COALESCE(value_code, queue) AS queue" \
    "  FROM e WHERE type = 'transferred')" \
    " SELECT t.centre, t.day, t.id AS ticket, l.seq, t.procedure, t.priority," \
    "  l.queue, q.department, l.enq, l.call_at, l.calls, l.start_at, l.finish_at," \
    "  l.outcome, l.counter, l.staff, l.rating," \
    "  CASE WHEN l.call_at IS NOT NULL THEN GREATEST(l.call_at - l.enq, 0) END AS wait_s," \
    "  CASE WHEN l.outcome = 'served' AND l.start_at IS NOT NULL AND l.finish_at >= l.start_at" \
    "   THEN l.finish_at - l.start_at END AS service_s," \
    "  q.target_wait_s" \
    " FROM (SELECT COALESCE(b.centre, o.centre) AS centre, COALESCE(b.ticket, o.ticket) AS ticket," \
    "   COALESCE(b.seq, o.seq) AS seq," \
    "   CASE WHEN COALESCE(b.seq, o.seq) = 0 THEN b.issued_queue ELSE o.queue END AS queue," \
    "   CASE WHEN COALESCE(b.seq, o.seq) = 0 THEN b.issued_at ELSE o.at END AS enq," \
    "   b.call_at, COALESCE(b.calls, 0) AS calls," \
    "   CASE WHEN b.last = 'finished' THEN COALESCE(b.started_at, b.call_at) ELSE b.started_at END AS start_at," \
    "   b.finish_at," \
    "   CASE b.last WHEN 'finished' THEN 'served' WHEN 'no_show' THEN 'no_show'" \
    "    WHEN 'cancelled' THEN 'cancelled' WHEN 'transferred' THEN 'transferred'" \
    "    ELSE 'open' END AS outcome," \
    "   b.counter, b.staff, b.rating" \
    "  FROM b FULL JOIN o ON o.centre = b.centre AND o.ticket = b.ticket AND o.seq = b.seq) l" \
    " JOIN tickets t ON t.centre = l.centre AND t.id = l.ticket" \
    " LEFT JOIN queues q ON q.centre = l.centre AND q.code = l.queue"

const char central_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS centres ("
    " code text PRIMARY KEY,"
    " name text NOT NULL,"
    " address text NOT NULL DEFAULT '',"
    " day_start_hour int NOT NULL DEFAULT 0,"
    " acked bigint NOT NULL DEFAULT 0,"           /* last event id stored */
    " config_at timestamptz);"
    "CREATE TABLE IF NOT EXISTS departments ("
    " centre text NOT NULL REFERENCES centres, code text NOT NULL,"
    " name text NOT NULL, PRIMARY KEY (centre, code));"
    "CREATE TABLE IF NOT EXISTS queues ("
    " centre text NOT NULL REFERENCES centres, code text NOT NULL,"
    " name text NOT NULL, department text NOT NULL,"
    " target_wait_s int NOT NULL, PRIMARY KEY (centre, code));"
    "CREATE TABLE IF NOT EXISTS counters ("
    " centre text NOT NULL REFERENCES centres, number int NOT NULL,"
    " name text NOT NULL, department text NOT NULL, area text NOT NULL DEFAULT '',"
    " PRIMARY KEY (centre, number));"
    "CREATE TABLE IF NOT EXISTS procedures ("
    " centre text NOT NULL REFERENCES centres, code text NOT NULL,"
    " name text NOT NULL, department text NOT NULL, field text NOT NULL DEFAULT '',"
    " queue text NOT NULL, PRIMARY KEY (centre, code));"
    "CREATE TABLE IF NOT EXISTS staff ("
    " centre text NOT NULL REFERENCES centres, id int NOT NULL,"
    " name text NOT NULL, full_name text NOT NULL DEFAULT '',"
    " PRIMARY KEY (centre, id));"
    /* What does not change after issue: the service day, the procedure. */
    "CREATE TABLE IF NOT EXISTS tickets ("
    " centre text NOT NULL REFERENCES centres, id bigint NOT NULL,"
    " day date NOT NULL, number int NOT NULL, queue text NOT NULL,"
    " procedure text, priority text NOT NULL DEFAULT '', channel text NOT NULL,"
    " issued_at bigint NOT NULL, PRIMARY KEY (centre, id));"
    "CREATE INDEX IF NOT EXISTS tickets_day ON tickets (day, centre);"
    "CREATE TABLE IF NOT EXISTS events ("
    " centre text NOT NULL REFERENCES centres, id bigint NOT NULL,"
    " type text NOT NULL, at bigint NOT NULL, ticket_id bigint, number int,"
    " queue text, counter int, staff int, value bigint, value_code text,"
    " reason text, received_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
    " PRIMARY KEY (centre, id));"
    "CREATE INDEX IF NOT EXISTS events_ticket ON events (centre, ticket_id, id);"
    "CREATE OR REPLACE VIEW legs AS" LEGS_SELECT("") ";"
    /* The same legs of the tickets of the days d0..d1 only: a query of a
       range reads those tickets' events (events_ticket), not every day's. */
    "CREATE OR REPLACE FUNCTION legs_in(d0 date, d1 date) RETURNS SETOF legs"
    " LANGUAGE sql STABLE AS $legs$" LEGS_SELECT(" AND (centre, ticket_id) IN (SELECT centre, id"
    " FROM tickets WHERE day BETWEEN $1 AND $2)") "$legs$;"
    /* the live count of open counters: the last counter event of each */
    "CREATE INDEX IF NOT EXISTS events_counter ON events (centre, counter, id)"
    " WHERE type IN ('counter_opened', 'counter_paused', 'counter_closed');";

/*
 * What only onestop-central makes (--init-schema; the exporter never runs
 * this): the accounts, and the rollup of closed days.
 *
 * The accounts: a centre's export role may get every table of the schema by
 * default privileges (host/docs/export.md); central_users is taken back from
 * every role that may write events, so no centre can read a hash or make
 * itself a province account.
 *
 * The rollup: central_legs holds the legs of the days in central_days
 * (`onestop-central --rollup`, central_rollup_steps), central_rollup the
 * acked id of each centre it saw.  legs_fast(d0, d1) is legs_in(d0, d1)
 * read from central_legs for the rolled days and from the events for the
 * others: the same rows.
 */
const char central_dashboard_sql[] =
    "CREATE TABLE IF NOT EXISTS central_users ("
    " name text PRIMARY KEY,"
    " pwhash text NOT NULL,"                      /* argon2id, common/pwhash */
    " role text NOT NULL CHECK (role IN ('province', 'centre')),"
    " centre text,"                               /* the centre of a 'centre' */
    " disabled boolean NOT NULL DEFAULT false,"
    " created_at timestamptz NOT NULL DEFAULT now(),"
    " CHECK ((role = 'centre') = (centre IS NOT NULL)));"
    "DO $take$ DECLARE r record; BEGIN"
    " FOR r IN SELECT DISTINCT grantee FROM information_schema.role_table_grants"
    "  WHERE table_name = 'events' AND privilege_type = 'INSERT'"
    "  AND grantee <> current_user LOOP"
    "  EXECUTE format('REVOKE ALL ON central_users FROM %I', r.grantee);"
    " END LOOP; END $take$;"
    "CREATE TABLE IF NOT EXISTS central_legs AS SELECT * FROM legs WITH NO DATA;"
    "CREATE INDEX IF NOT EXISTS central_legs_day ON central_legs (day, centre);"
    "CREATE TABLE IF NOT EXISTS central_days (centre text NOT NULL, day date NOT NULL,"
    " PRIMARY KEY (centre, day));"
    "CREATE TABLE IF NOT EXISTS central_rollup (centre text PRIMARY KEY, acked bigint NOT NULL);"
    /* The tickets of the days not rolled, centre by centre (tickets_day).
       A function of its own in PL/pgSQL, so that the planner takes them for
       the few they are (ROWS) and reads their events through events_ticket,
       not every event (bench_central). */
    "CREATE OR REPLACE FUNCTION tickets_open(d0 date, d1 date)"
    " RETURNS TABLE (o_centre text, o_id bigint) LANGUAGE plpgsql STABLE ROWS 2000 AS $f$"
    " BEGIN RETURN QUERY SELECT tk.centre, tk.id FROM centres c"
    "  CROSS JOIN generate_series(d0, d1, '1 day') g(d)"
    "  JOIN tickets tk ON tk.day = g.d::date AND tk.centre = c.code"
    "  WHERE NOT EXISTS (SELECT 1 FROM central_days r WHERE r.centre = c.code"
    "  AND r.day = g.d::date); END $f$;"
    "CREATE OR REPLACE FUNCTION legs_open(d0 date, d1 date) RETURNS SETOF legs"
    " LANGUAGE sql STABLE AS $legs$" LEGS_SELECT(" AND (centre, ticket_id) IN (SELECT o_centre,"
    " o_id FROM tickets_open($1, $2))") "$legs$;"
    "CREATE OR REPLACE FUNCTION legs_fast(d0 date, d1 date) RETURNS SETOF legs"
    " LANGUAGE sql STABLE AS $legs$ SELECT * FROM central_legs WHERE day BETWEEN $1 AND $2"
    " UNION ALL SELECT * FROM legs_open($1, $2) $legs$;";

/*
 * One rollup, statement by statement, in one REPEATABLE READ transaction
 * (centres.acked and the events it covers are one snapshot), under a session
 * lock the caller takes first (a transaction's lock would come after its
 * snapshot):
 *   - a day that got events since the last rollup (a late rating, a ticket
 *     open across midnight) is dropped, to be rolled again;
 *   - every day before each centre's latest day that is not rolled is rolled;
 *   - the acked ids are kept for the next time.
 * The step "SELECT count(*) FROM todo" answers the days rolled.
 */
const char *const central_rollup_steps[] = {
	"BEGIN ISOLATION LEVEL REPEATABLE READ",
	"CREATE TEMP TABLE touched ON COMMIT DROP AS SELECT DISTINCT t.centre, t.day"
	" FROM central_rollup r JOIN events e ON e.centre = r.centre AND e.id > r.acked"
	" JOIN tickets t ON t.centre = e.centre AND t.id = e.ticket_id",
	"DELETE FROM central_days d USING touched x WHERE d.centre = x.centre AND d.day = x.day",
	"DELETE FROM central_legs l USING touched x WHERE l.centre = x.centre AND l.day = x.day",
	"CREATE TEMP TABLE todo ON COMMIT DROP AS SELECT DISTINCT t.centre, t.day FROM tickets t"
	" JOIN (SELECT centre, max(day) AS last FROM tickets GROUP BY centre) m"
	" ON m.centre = t.centre WHERE t.day < m.last AND NOT EXISTS (SELECT 1 FROM"
	" central_days d WHERE d.centre = t.centre AND d.day = t.day)",
	"INSERT INTO central_legs" LEGS_SELECT(" AND (centre, ticket_id) IN (SELECT tk.centre, tk.id"
	" FROM tickets tk JOIN todo USING (centre, day))"),
	"INSERT INTO central_days SELECT centre, day FROM todo",
	"INSERT INTO central_rollup SELECT code, acked FROM centres"
	" ON CONFLICT (centre) DO UPDATE SET acked = EXCLUDED.acked",
	"SELECT count(*) FROM todo",
	"COMMIT",
	NULL
};
