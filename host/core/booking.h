/*
 * booking.h - appointments (a day and a slot of a queue, booked ahead) and
 * remote tickets (a number for today taken without coming in).
 *
 * The rules live here, not in the HTTP layer: which days and slots may be
 * booked ([booking] and the queues' booking_capacity / remote_cap,
 * config/README.md), what a Vietnamese mobile number is, what a check-in
 * issues (host/docs/api.md, "Appointments").  Every write goes into the
 * core's open batch (core_begin), so a booking is one transaction with
 * whatever else the loop turn did, and its answer waits for the commit.
 * The daemon's single writer makes "check the capacity, then insert" one
 * step: no other request runs in between.
 *
 * Errors: functions return 0 or a negated booking_error, with the Vietnamese
 * sentence a person reads in msg.
 */
#ifndef ONESTOP_BOOKING_H
#define ONESTOP_BOOKING_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/store.h"

#define BOOKING_MAX_SLOTS 288        /* slots of one day (5-minute slots) */
#define BOOKING_PHONE_LEN 16

enum booking_error {
	BOOKING_EINVAL = 1,          /* 400 bad_value: a field is wrong */
	BOOKING_ENOTBOOKABLE,        /* 409 not_bookable: the queue does not */
	BOOKING_ECLOSED,             /* 409 closed: day closed, past, too far */
	BOOKING_EFULL,               /* 409 slot_full */
	BOOKING_EDUP,                /* 409 duplicate: the phone has that slot */
	BOOKING_ENOENT,              /* 404 not_found: no such code */
	BOOKING_ESTATE,              /* 409 bad_state: cancelled, checked in */
	BOOKING_EEARLY,              /* 409 too_early: before the window */
	BOOKING_EWRONGDAY,           /* 409 wrong_day: not today's booking */
	BOOKING_ECAP,                /* 409 remote_full: the daily cap */
	BOOKING_ELATE,               /* 409 past_closing: the wait ends after */
	BOOKING_EENGINE,             /* 409 the engine refused (msg says) */
	BOOKING_ESTORE,              /* 500 store_failed */
};

/* The ASCII error code and the HTTP status of a (positive) booking_error. */
const char *booking_error_code(int err);
unsigned booking_error_status(int err);

/*
 * A Vietnamese mobile number as people type it: 0xxxxxxxxx (10 digits, the
 * second 3, 5, 7, 8 or 9), or +84 / 84 and the 9 digits after the 0;
 * spaces, dots and dashes between digits are ignored.  0 with the number as
 * 0xxxxxxxxx in out, or -1.
 */
int booking_phone_normalize(const char *in, char out[BOOKING_PHONE_LEN]);
/* The number for logs: "091****678". */
void booking_phone_mask(const char *phone, char out[BOOKING_PHONE_LEN]);
/* A booking code as typed (any case, spaces and dashes ignored) as it is
 * stored; 0, or -1 when it cannot be one. */
int booking_code_normalize(const char *in, char out[STORE_BOOKING_CODE_LEN + 1]);

/* One slot of a day: its start (seconds after local midnight), its capacity
 * and the live bookings in it. */
struct booking_slot {
	int start_s;
	int capacity;
	int taken;
};

/*
 * Whether day (YYYY-MM-DD) can be booked at now: 0, or a negated
 * booking_error with msg ("Trung tâm không làm việc vào Chủ nhật.").
 */
int booking_day_check(const struct config *cfg, const char *day, int64_t now,
    char *msg, size_t len);
/*
 * The slots of queue on day still bookable at now (today: those not begun
 * yet), with their bookings: how many (0 when the day is closed), or a
 * negated booking_error.
 */
int booking_day_slots(core *c, int queue, const char *day, int64_t now,
    struct booking_slot *out, int max);
/* The local date of now, YYYY-MM-DD; and of now + days. */
void booking_today(int64_t now, int days, char out[11]);

struct booking_request {
	int queue;                   /* queue index */
	int procedure;               /* procedure index, or -1 */
	char day[11];                /* YYYY-MM-DD */
	int slot_s;                  /* slot start, seconds after midnight */
	const char *name;            /* as typed (trimmed, NFC here) */
	const char *phone;           /* as typed */
};

/* Book: *out is the new booking (code filled). */
int booking_create(core *c, const struct booking_request *rq, int64_t now,
    struct store_booking *out, char *msg, size_t len);
/* The booking of a code as typed: 0 with *out, or -BOOKING_ENOENT. */
int booking_find(core *c, const char *code, struct store_booking *out,
    char *msg, size_t len);
int booking_cancel(core *c, const char *code, int64_t now,
    struct store_booking *out, char *msg, size_t len);
/* Move to another day and slot of the same queue. */
int booking_move(core *c, const char *code, const char *day, int slot_s,
    int64_t now, struct store_booking *out, char *msg, size_t len);
/*
 * Check in (at the kiosk, or staff for the visitor): issues the ticket of
 * the booking's queue and procedure, of the "appointment" priority class
 * from early_min before the slot to late_min after its start (*on_time 1),
 * a normal ticket later (*on_time 0); earlier than the window it is refused
 * (-BOOKING_EEARLY, msg says when to come back), as is a booking of another
 * day.  kiosk: kiosk index or -1; staff: user id or 0.  *ticket the ticket
 * issued.
 */
int booking_checkin(core *c, const char *code, int64_t now, int kiosk,
    int staff, struct store_booking *out, int64_t *ticket, int *on_time,
    char *msg, size_t len);
/*
 * A remote ticket for today (channel online): refused when the queue takes
 * none, today is closed or over, the day's cap is reached, or the queue's
 * estimate ends after the last session closes.  *ticket the ticket issued.
 */
int booking_remote(core *c, int queue, int procedure, int64_t now,
    int64_t *ticket, char *msg, size_t len);

/*
 * Tell the engine how many appointments each queue expects in the coming
 * hour (booked, not checked in, slot from late_min ago to an hour ahead),
 * for the walk-ins' estimates (engine_set_booked).  The booking calls here
 * do it themselves; the daemon calls it at the start and every minute, as
 * slots come into the hour.  0, or -BOOKING_ESTORE.
 */
int booking_refresh(core *c, int64_t now);

/*
 * What became of the bookings of days from..to (YYYY-MM-DD) at now, per
 * queue (index; a queue no longer configured is left out): booked ahead
 * (all but cancelled), checked in, cancelled, and no-shows: still booked
 * when the check-in window of the slot (late_min after its start) closed.
 * Fills out[0..nqueues-1] (zeroed first); 0, or -BOOKING_ESTORE.
 */
struct booking_stats {
	int booked, checked_in, cancelled, no_show;
};
int booking_stats(core *c, const char *from, const char *to, int64_t now,
    struct booking_stats *out);

/*
 * Tomorrow's bookings (the local date after now's, into day) to remind by
 * SMS: still booked, with a phone.  *out (malloc'd, caller frees; NULL when
 * none) gets each one's id, phone, start (unix s) and procedure name (the
 * configuration's, NULL when none).  How many, or -BOOKING_ESTORE.
 */
struct booking_reminder {
	int64_t id;
	char phone[BOOKING_PHONE_LEN];
	int64_t at;
	const char *procedure;
};
int booking_reminders(core *c, int64_t now, char day[11],
    struct booking_reminder **out);
/* Unix time of b's start (its day and slot, local), 0 for a bad day. */
int64_t booking_start(const struct store_booking *b);
/*
 * b's reminder into *r when b is one booking_reminders would list now (for
 * tomorrow, still booked, with a phone): 1; else 0 and *r untouched.
 */
int booking_reminder_of(core *c, const struct store_booking *b, int64_t now,
    struct booking_reminder *r);

#endif
