/*
 * outbox.c - the SMS outbox and phone numbers in the store's sqlite file
 * (outbox.h).  The tables are made by the store's migration v3; this file
 * holds every statement on them, prepared once at outbox_new.
 */
#include "daemon/notify/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "common/xmalloc.h"

enum {
	O_PHONE_SET, O_PHONE_GET, O_PHONES, O_ENQUEUE, O_EXISTS, O_EXPIRE,
	O_DUE, O_NEXT, O_SENT, O_RETRY, O_SECRET, O_DLR, O_PURGE_PHONES,
	O_PURGE_MSGS, O_PURGE_PENDING, O_COUNT, O_WITHDRAW, O_NSTMT
};

static const char *const outbox_sql[O_NSTMT] = {
	[O_PHONE_SET] = "INSERT INTO sms_phones(ticket_id, phone, at) VALUES(?1, ?2, ?3)"
	    " ON CONFLICT(ticket_id) DO UPDATE SET phone = ?2, at = ?3",
	[O_PHONE_GET] = "SELECT phone FROM sms_phones WHERE ticket_id = ?1"
	    " AND phone IS NOT NULL",
	[O_PHONES] = "SELECT ticket_id, phone FROM sms_phones WHERE at >= ?1"
	    " AND phone IS NOT NULL ORDER BY ticket_id",
	[O_ENQUEUE] = "INSERT INTO sms_outbox(kind, ref, phone, text, secret, state,"
	    " next_at, expires_at, created_at) VALUES(?1, ?2, ?3, ?4, ?5, 'pending',"
	    " ?6, ?7, ?6) ON CONFLICT(kind, ref) DO UPDATE SET phone = ?3, text = ?4,"
	    " secret = ?5, state = 'pending', attempts = 0, next_at = ?6,"
	    " expires_at = ?7, last_error = '' WHERE state = 'withdrawn'",
	[O_EXISTS] = "SELECT 1 FROM sms_outbox WHERE kind = ?1 AND ref = ?2",
	[O_EXPIRE] = "UPDATE sms_outbox SET state = 'expired' WHERE state = 'pending'"
	    " AND (expires_at < ?1 OR phone IS NULL)",
	[O_DUE] = "SELECT id, kind, ref, phone, text, secret, attempts FROM sms_outbox"
	    " WHERE state = 'pending' AND next_at <= ?1 AND expires_at >= ?1"
	    " AND phone IS NOT NULL ORDER BY next_at, id LIMIT ?2",
	[O_NEXT] = "SELECT min(next_at) FROM sms_outbox WHERE state = 'pending'",
	[O_SENT] = "UPDATE sms_outbox SET state = 'sent', sent_at = ?2,"
	    " attempts = attempts + 1, last_error = '' WHERE id = ?1"
	    " AND state IN ('pending', 'withdrawn')",
	[O_RETRY] = "UPDATE sms_outbox SET attempts = attempts + 1, next_at = ?2,"
	    " last_error = ?3 WHERE id = ?1 AND state = 'pending'",
	[O_SECRET] = "SELECT secret FROM sms_outbox WHERE id = ?1",
	[O_DLR] = "UPDATE sms_outbox SET dlr = ?2, dlr_at = ?3 WHERE id = ?1",
	[O_PURGE_PHONES] = "UPDATE sms_phones SET phone = NULL WHERE at < ?1"
	    " AND phone IS NOT NULL",
	[O_PURGE_MSGS] = "UPDATE sms_outbox SET phone = NULL WHERE created_at < ?1"
	    " AND phone IS NOT NULL",
	[O_PURGE_PENDING] = "UPDATE sms_outbox SET state = 'expired'"
	    " WHERE state = 'pending' AND phone IS NULL",
	[O_COUNT] = "SELECT count(*) FROM sms_outbox WHERE state = ?1",
	[O_WITHDRAW] = "UPDATE sms_outbox SET state = 'withdrawn' WHERE kind = ?1"
	    " AND ref BETWEEN ?2 AND ?3 AND state = 'pending'",
};

static const char *const outbox_kinds[OUTBOX_NKINDS] = {
	[OUTBOX_NEAR] = "near", [OUTBOX_CALLED] = "called", [OUTBOX_REMINDER] = "reminder",
};

struct outbox {
	sqlite3 *db;
	sqlite3_stmt *st[O_NSTMT];
	char err[256];
};

const char *
outbox_kind_name(enum outbox_kind k)
{
	return (unsigned)k < OUTBOX_NKINDS ? outbox_kinds[k] : "unknown";
}

static enum outbox_kind
outbox_kind_parse(const char *s)
{
	int k;

	for (k = 0; k < OUTBOX_NKINDS; k++)
		if (s != NULL && strcmp(s, outbox_kinds[k]) == 0)
			return (enum outbox_kind)k;
	return OUTBOX_NKINDS;
}

const char *
outbox_errmsg(const outbox *o)
{
	return o->err;
}

outbox *
outbox_new(store *st, char *err, size_t errlen)
{
	outbox *o = xcalloc(1, sizeof *o);
	int i;

	o->db = store_sqlite(st);
	for (i = 0; i < O_NSTMT; i++)
		if (sqlite3_prepare_v3(o->db, outbox_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &o->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "outbox: preparing statement %d: %s", i,
			    sqlite3_errmsg(o->db));
			outbox_free(o);
			return NULL;
		}
	return o;
}

void
outbox_free(outbox *o)
{
	int i;

	if (o == NULL)
		return;
	for (i = 0; i < O_NSTMT; i++)
		sqlite3_finalize(o->st[i]);
	free(o);
}

/* Statement i, reset and ready for binding. */
static sqlite3_stmt *
outbox_stmt(outbox *o, int i)
{
	sqlite3_reset(o->st[i]);
	sqlite3_clear_bindings(o->st[i]);
	return o->st[i];
}

static int
outbox_fail(outbox *o, const char *what)
{
	snprintf(o->err, sizeof o->err, "outbox: %s: %s", what, sqlite3_errmsg(o->db));
	return -1;
}

/* Step a statement that returns no row; changes, or -1. */
static int
outbox_done(outbox *o, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return outbox_fail(o, what);
	return sqlite3_changes(o->db);
}

int
outbox_phone_set(outbox *o, int64_t ticket, const char *phone, int64_t now)
{
	sqlite3_stmt *s = outbox_stmt(o, O_PHONE_SET);

	sqlite3_bind_int64(s, 1, ticket);
	sqlite3_bind_text(s, 2, phone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	return outbox_done(o, s, "saving a phone") < 0 ? -1 : 0;
}

int
outbox_phone_get(outbox *o, int64_t ticket, char out[OUTBOX_PHONE_LEN])
{
	sqlite3_stmt *s = outbox_stmt(o, O_PHONE_GET);
	int rc;

	sqlite3_bind_int64(s, 1, ticket);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(out, OUTBOX_PHONE_LEN, "%s", (const char *)sqlite3_column_text(s, 0));
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : outbox_fail(o, "reading a phone");
}

int
outbox_phones(outbox *o, int64_t since,
    void (*fn)(void *arg, int64_t ticket, const char *phone), void *arg)
{
	sqlite3_stmt *s = outbox_stmt(o, O_PHONES);
	int rc;

	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1));
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : outbox_fail(o, "listing phones");
}

int
outbox_enqueue(outbox *o, enum outbox_kind kind, int64_t ref,
    const char *phone, const char *text, int64_t now, int64_t expires_at)
{
	sqlite3_stmt *s = outbox_stmt(o, O_ENQUEUE);
	unsigned char raw[16];
	char secret[OUTBOX_SECRET_LEN];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(secret, sizeof secret, raw, sizeof raw);
	sqlite3_bind_text(s, 1, outbox_kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ref);
	sqlite3_bind_text(s, 3, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, secret, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 6, now);
	sqlite3_bind_int64(s, 7, expires_at);
	return outbox_done(o, s, "queueing a message");
}

int
outbox_withdraw(outbox *o, enum outbox_kind kind, int64_t ref_lo, int64_t ref_hi)
{
	sqlite3_stmt *s = outbox_stmt(o, O_WITHDRAW);

	sqlite3_bind_text(s, 1, outbox_kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ref_lo);
	sqlite3_bind_int64(s, 3, ref_hi);
	return outbox_done(o, s, "withdrawing messages");
}

int
outbox_exists(outbox *o, enum outbox_kind kind, int64_t ref)
{
	sqlite3_stmt *s = outbox_stmt(o, O_EXISTS);
	int rc;

	sqlite3_bind_text(s, 1, outbox_kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ref);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : outbox_fail(o, "looking up a message");
}

int
outbox_due(outbox *o, int64_t now, struct outbox_msg *msgs, int max)
{
	sqlite3_stmt *s = outbox_stmt(o, O_DUE);
	int rc = SQLITE_DONE, n = 0;

	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, max);
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct outbox_msg *m = &msgs[n++];

		memset(m, 0, sizeof *m);
		m->id = sqlite3_column_int64(s, 0);
		m->kind = outbox_kind_parse((const char *)sqlite3_column_text(s, 1));
		m->ref = sqlite3_column_int64(s, 2);
		snprintf(m->phone, sizeof m->phone, "%s", (const char *)sqlite3_column_text(s, 3));
		snprintf(m->text, sizeof m->text, "%s", (const char *)sqlite3_column_text(s, 4));
		snprintf(m->secret, sizeof m->secret, "%s", (const char *)sqlite3_column_text(s, 5));
		m->attempts = sqlite3_column_int(s, 6);
	}
	if (n < max && rc != SQLITE_DONE) {
		sqlite3_reset(s);
		return outbox_fail(o, "reading due messages");
	}
	sqlite3_reset(s);
	return n;
}

int64_t
outbox_next_due(outbox *o)
{
	sqlite3_stmt *s = outbox_stmt(o, O_NEXT);
	int64_t v = 0;
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? v : outbox_fail(o, "reading the next due time");
}

int
outbox_mark_sent(outbox *o, int64_t id, int64_t now)
{
	sqlite3_stmt *s = outbox_stmt(o, O_SENT);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return outbox_done(o, s, "marking a message sent") < 0 ? -1 : 0;
}

int
outbox_mark_retry(outbox *o, int64_t id, int64_t next_at, const char *error)
{
	sqlite3_stmt *s = outbox_stmt(o, O_RETRY);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, next_at);
	sqlite3_bind_text(s, 3, error, (int)strnlen(error, 200), SQLITE_TRANSIENT);
	return outbox_done(o, s, "scheduling a retry") < 0 ? -1 : 0;
}

int
outbox_dlr(outbox *o, int64_t id, const char *secret, int dlr, int64_t now)
{
	sqlite3_stmt *s = outbox_stmt(o, O_SECRET);
	char want[OUTBOX_SECRET_LEN];
	int rc;

	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? 0 : outbox_fail(o, "reading a secret");
	}
	snprintf(want, sizeof want, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	if (secret == NULL || strlen(secret) != strlen(want) ||
	    sodium_memcmp(secret, want, strlen(want)) != 0)
		return 0;
	s = outbox_stmt(o, O_DLR);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, dlr);
	sqlite3_bind_int64(s, 3, now);
	return outbox_done(o, s, "recording a delivery report") < 0 ? -1 : 1;
}

int
outbox_expire(outbox *o, int64_t now)
{
	sqlite3_stmt *s = outbox_stmt(o, O_EXPIRE);

	sqlite3_bind_int64(s, 1, now);
	return outbox_done(o, s, "expiring messages");
}

int
outbox_purge(outbox *o, int64_t cutoff)
{
	sqlite3_stmt *s;
	int a, b, c;

	s = outbox_stmt(o, O_PURGE_PHONES);
	sqlite3_bind_int64(s, 1, cutoff);
	if ((a = outbox_done(o, s, "purging phones")) < 0)
		return -1;
	s = outbox_stmt(o, O_PURGE_MSGS);
	sqlite3_bind_int64(s, 1, cutoff);
	if ((b = outbox_done(o, s, "purging messages")) < 0)
		return -1;
	if ((c = outbox_done(o, outbox_stmt(o, O_PURGE_PENDING), "expiring purged messages")) < 0)
		return -1;
	(void)c;
	return a + b;
}

int
outbox_count(outbox *o, const char *state)
{
	sqlite3_stmt *s = outbox_stmt(o, O_COUNT);
	int rc, n = -1;

	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? n : outbox_fail(o, "counting messages");
}
