/*
 * outbox.h - the durable SMS outbox and the visitors' phone numbers, two
 * tables of the store's file (schema v3, host/core/store.c) written through
 * the store's own connection, so that a row commits with the core's batch.
 *
 * One row per (kind, ref): enqueueing the same kind for the same ticket (or
 * booking and start) twice is a no-op, so a message is never queued twice,
 * whatever the caller retries; only a withdrawn row is queued again.
 * Every statement is prepared once and every value bound.  Functions
 * return 0 (or a count) and -1 on an sqlite failure; call them on the core
 * thread only, writes inside a batch (core_begin).
 */
#ifndef ONESTOP_OUTBOX_H
#define ONESTOP_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

typedef struct outbox outbox;

#define OUTBOX_PHONE_LEN 16      /* "0901234123" and its NUL, with room */
#define OUTBOX_SECRET_LEN 33     /* 32 hex and NUL */
#define OUTBOX_TEXT_LEN 161      /* one SMS of GSM-7 and NUL */

/* Kinds of message; the names are what the table holds. */
enum outbox_kind { OUTBOX_NEAR, OUTBOX_CALLED, OUTBOX_REMINDER, OUTBOX_NKINDS };
const char *outbox_kind_name(enum outbox_kind k);

struct outbox_msg {
	int64_t id;
	enum outbox_kind kind;
	int64_t ref;
	char phone[OUTBOX_PHONE_LEN];
	char text[OUTBOX_TEXT_LEN];
	char secret[OUTBOX_SECRET_LEN];
	int attempts;
};

/* NULL with err on failure; the store must outlive it. */
outbox *outbox_new(store *st, char *err, size_t errlen);
void outbox_free(outbox *o);
const char *outbox_errmsg(const outbox *o);

/* Remember ticket's phone (given at now), replacing an earlier one. */
int outbox_phone_set(outbox *o, int64_t ticket, const char *phone, int64_t now);
/* The phone of ticket into out: 1 found, 0 none (or purged), -1. */
int outbox_phone_get(outbox *o, int64_t ticket, char out[OUTBOX_PHONE_LEN]);
/* Call fn for each ticket with a phone given at or after since. */
int outbox_phones(outbox *o, int64_t since,
    void (*fn)(void *arg, int64_t ticket, const char *phone), void *arg);

/*
 * Queue text for phone as (kind, ref), to be sent from now on and dropped
 * when unsent at expires_at.  1 queued (or a withdrawn one pending again,
 * with this text), 0 already there (nothing changed), -1.  A fresh random
 * secret authenticates its delivery reports.
 */
int outbox_enqueue(outbox *o, enum outbox_kind kind, int64_t ref,
    const char *phone, const char *text, int64_t now, int64_t expires_at);
/* Withdraw the pending messages of kind with ref_lo <= ref <= ref_hi: they
 * become 'withdrawn' and are never sent (one already handed to the gateway
 * is recorded as sent when it answers).  The count, or -1. */
int outbox_withdraw(outbox *o, enum outbox_kind kind, int64_t ref_lo, int64_t ref_hi);
/* Whether (kind, ref) was ever queued: 1, 0, -1. */
int outbox_exists(outbox *o, enum outbox_kind kind, int64_t ref);

/*
 * Up to max pending messages due at now and not expired, oldest first,
 * into msgs; the count, or -1.  Reads only.
 */
int outbox_due(outbox *o, int64_t now, struct outbox_msg *msgs, int max);
/* When the next pending message is due (unix s), 0 when none, -1. */
int64_t outbox_next_due(outbox *o);
/* The gateway took message id at now. */
int outbox_mark_sent(outbox *o, int64_t id, int64_t now);
/* It did not: try again at next_at; error says why (cut). */
int outbox_mark_retry(outbox *o, int64_t id, int64_t next_at, const char *error);
/* A delivery report of type dlr for id, if secret is the message's: 1
 * recorded, 0 no such message or a wrong secret, -1. */
int outbox_dlr(outbox *o, int64_t id, const char *secret, int dlr, int64_t now);

/* Mark pending messages past their expiry (or purged) expired; the count. */
int outbox_expire(outbox *o, int64_t now);

/* Forget the phone numbers given (and messages made) before cutoff: the
 * phones become NULL, unsent messages expire.  The rows changed, or -1. */
int outbox_purge(outbox *o, int64_t cutoff);

/* For tests and reports: counts of messages by state ("pending", "sent",
 * "expired", "withdrawn"). */
int outbox_count(outbox *o, const char *state);

#endif
