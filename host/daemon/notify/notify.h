/*
 * notify.h - SMS to visitors (host/docs/notify.md): when they are a few
 * places away, when they are called, and a booking's reminder the day
 * before, through Kannel's sendsms interface, from a durable outbox.
 *
 * On the core thread: a pre-commit hook of the core queues each message in
 * the outbox in the same transaction as the event that makes it; after the
 * commit the sender thread (sender.h) hands it to the gateway; its answer
 * is written back in the next batch (sent, or a retry with exponential
 * back-off).  Nothing is sent that is not committed, nothing committed is
 * lost across restarts, and one (kind, ticket) is queued once.
 */
#ifndef ONESTOP_NOTIFY_H
#define ONESTOP_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/store.h"
#include "core/loop.h"

typedef struct notify notify;

#define NOTIFY_EPHONE 1          /* not a Vietnamese mobile number */
#define NOTIFY_ESTATE 2          /* the ticket is no longer waiting */
#define NOTIFY_ESTORE 3          /* the store failed */
#define NOTIFY_EOFF 4            /* no [sms] section, or enabled = no */

#define NOTIFY_MASK_LEN 24

/*
 * Start (always: without an active [sms] section the object is inert and
 * refuses subscriptions with NOTIFY_EOFF).  NULL with err on failure.
 */
notify *notify_start(core *c, loop *l, char *err, size_t errlen);
/* Stop the sender (a request in progress is waited for) and free. */
void notify_stop(notify *n);
int notify_active(const notify *n);

/*
 * Attach phone (as typed) to waiting ticket id, in the open batch: the
 * number is kept keep_days; when the ticket is already near its turn the
 * "near" message is queued at once.  masked gets the number as it may be
 * shown ("09xx xxx 123").  0, or -NOTIFY_E*.
 */
int notify_subscribe(notify *n, int64_t ticket, const char *phone,
    char masked[NOTIFY_MASK_LEN]);

/*
 * A booking's reminder: text (UTF-8, made GSM-7 here) to phone, queued once
 * per booking and start at (unix s), dropped when unsent at that start.
 * In the open batch.  1 queued, 0 already queued, or -NOTIFY_E*.
 */
int notify_reminder(notify *n, int64_t booking, int64_t at, const char *phone,
    const char *text);

/*
 * Booking b was just made, cancelled or moved (b as it is now), in the open
 * batch: its reminders not yet sent are withdrawn (never sent), but for
 * the one of its own day and time while it is booked; when it is
 * for tomorrow, still booked, and today's run of the reminders is over
 * (before 21:00), its reminder is queued at once.  1 queued, 0, or
 * -NOTIFY_ESTORE (the batch should not commit).  Without [sms]: 0.
 */
int notify_booking_changed(notify *n, const struct store_booking *b);

/*
 * The day-before reminders now: one for each of tomorrow's bookings still
 * booked with a phone (booking_reminders), queued in the open batch; a
 * booking reminded before is counted in already and queued again never.
 * The daemon runs it once a day from [booking] reminder_hour; the admin
 * route POST /api/v1/sms/reminders runs it at once.  Either counts as the
 * day's run (notify_booking_changed).  0 with *out, or
 * -NOTIFY_EOFF / -NOTIFY_ESTORE.
 */
struct notify_reminders {
	char day[11];                /* tomorrow, YYYY-MM-DD */
	int bookings;                /* still booked, with a phone */
	int queued, already, skipped;  /* skipped: not a mobile number */
};
int notify_reminders_run(notify *n, struct notify_reminders *out);

/* A delivery report from Kannel (type dlr) for message id with its
 * secret: 1 recorded, 0 unknown id or wrong secret, -NOTIFY_ESTORE. */
int notify_dlr(notify *n, int64_t id, const char *secret, int dlr);

/* "0901234123" from what a visitor typed ("+84 90 123 4123", "090.123.4123"):
 * 0, or -1 when it is not a Vietnamese mobile number. */
int notify_phone_parse(const char *in, char out[16]);
/* A phone as it may be logged or shown: "09xx xxx 123". */
void notify_phone_mask(const char *phone, char out[NOTIFY_MASK_LEN]);

/* The message texts, UTF-8 with full diacritics (made GSM-7 when queued):
 * malloc'd. */
char *notify_text_near(const struct config *cfg, const struct engine_ticket *t,
    int ahead, int est_wait_s);
char *notify_text_called(const struct config *cfg, const struct engine_ticket *t,
    int counter);
/* A booking's reminder: at (unix s, shown in local time), for procedure
 * (a name, or NULL). */
char *notify_text_reminder(const struct config *cfg, int64_t at, const char *procedure);

#endif
