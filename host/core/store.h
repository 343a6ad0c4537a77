/*
 * store.h - the durable store: one sqlite file in WAL mode, synchronous=FULL.
 *
 * The daemon is the only writer.  A batch of commands (one loop turn) is one
 * transaction: store_begin(), store_apply() for each command's engine result,
 * store_commit().  Nothing of a batch is visible to anyone before the commit
 * returns 0.  The schema is versioned with PRAGMA user_version and migrated on
 * open.  Every statement is prepared once and bound; no text ever reaches SQL
 * except as a bound parameter.
 *
 * Errors: functions return 0 (or a count) on success and -1 on failure, with
 * a message available from store_errmsg() and its kind from store_errcode():
 * the caller's mistakes (a bad name, no such user, a duplicate) are told
 * apart from the store failing, so an API can answer 400/404/409 for the
 * first and 500 only for the second.
 *
 * A database whose file is deleted or replaced while the daemon runs (its
 * directory removed, say) would take every write into a file nobody will
 * ever read again.  The store notices: before each write transaction and
 * each commit it compares the path's st_dev/st_ino with those of the file it
 * opened, and from then on refuses every write with STORE_ELOST.
 */
#ifndef ONESTOP_STORE_H
#define ONESTOP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

typedef struct store store;

/* What kind of failure the last -1 was (store_errcode). */
enum store_error {
	STORE_EOK = 0,
	STORE_EIO,          /* sqlite or the file failed: the store's fault */
	STORE_EINVAL,       /* the caller's value is refused (name, length) */
	STORE_ENOENT,       /* no such user */
	STORE_EEXIST,       /* the user exists already */
	STORE_ELOST,        /* the database file was deleted or replaced */
};

#define STORE_SCHEMA_VERSION 5
/* PRAGMA application_id of an onestop database: "ONST". */
#define STORE_APPLICATION_ID 0x4f4e5354


#define STORE_NAME_LEN 64
#define STORE_MAX_USER_COUNTERS 16

struct store_user {
	int id;
	char name[STORE_NAME_LEN];        /* login, ASCII */
	char full_name[128];              /* UTF-8 */
	enum store_role role;
	int ncounters;                    /* staff: counter numbers allowed */
	int counters[STORE_MAX_USER_COUNTERS];
	int disabled;
};

/*
 * Open (creating and migrating as needed).  NULL and a message on failure.
 * Rows refer to queues, procedures, departments and kiosks by their codes and
 * to counters by their numbers, never by array index, so the configuration
 * can change between runs; cfg maps codes to the engine's indexes and must
 * outlive the store (store_set_config swaps it after a reload).  A stored code
 * that the config no longer has loads as -1 (queue: the ticket is skipped
 * with a message in store_errmsg, and counted in the return of store_load).
 */
store *store_open(const char *path, const struct config *cfg, char *err,
    size_t errlen);
void store_set_config(store *s, const struct config *cfg);
void store_close(store *s);
const char *store_errmsg(const store *s);
/* The kind of the last failure (STORE_EIO when unsure). */
enum store_error store_errcode(const store *s);
/* 1 once the database file is found deleted or replaced (writes refused). */
int store_lost(const store *s);
/* Compare the path with the open file now: 0 still the same, -1 lost. */
int store_verify(store *s);

/*
 * Whether path can hold the daemon's database, checked the way store_open
 * does before opening: not a directory, an existing file readable and
 * writable, its directory (where sqlite makes the -wal and -shm files)
 * writable.  For onestopd -n.  0, or -1 with a message in err.
 */
int store_check_path(const char *path, char *err, size_t errlen);

/*
 * The store's sqlite connection, for modules that keep tables of their own
 * in the same file and transactions (host/daemon/notify/outbox.c).  They
 * prepare their own statements, bind every value, and write only inside
 * the core's batch.
 */
struct sqlite3;
struct sqlite3 *store_sqlite(store *s);

int store_begin(store *s);
/* Write the events and changed rows of one command's result. */
int store_apply(store *s, const struct engine_result *r);
int store_commit(store *s);
int store_rollback(store *s);

/*
 * Restore into e every ticket that is still open (any day) and every ticket
 * of `day`, all counters, all queue rows, and the last ticket and event ids;
 * then calls engine_restore_done().  Returns the number of rows skipped
 * because the config no longer knows them (0 normally), or -1.
 */
int store_load(store *s, engine *e, const char *day);

/*
 * Events with id > after, in id order, at most max of them into out.
 * Returns the count (0..max) or -1.
 */
int store_events_after(store *s, int64_t after, struct engine_event *out, int max);

/*
 * Users.  Passwords are hashed with argon2id (libsodium crypto_pwhash_str).
 * Names are 1..63 bytes of [A-Za-z0-9._@-] (store_user_name_valid); the full
 * name is valid UTF-8.  add refuses duplicates (STORE_EEXIST), bad names and
 * empty passwords (STORE_EINVAL); set_password, update and delete return -1
 * with STORE_ENOENT when there is no such user.  Deleting a user deletes
 * their sessions, and so does disabling them (update with disabled set) or
 * setting their password, in the same write.  Devices (kiosk, display) are
 * users with the same name rule, in the same table: a name is a person's or
 * a device's, never both, and update refuses to turn one into the other
 * (STORE_EINVAL).
 */
int store_user_name_valid(const char *name);
int store_user_add(store *s, const struct store_user *u, const char *password);
/* The new password and the end of the user's sessions, but the one of
 * keep_token (NULL: all), in one write. */
int store_user_set_password(store *s, const char *name, const char *password,
    const char *keep_token);
int store_user_update(store *s, const struct store_user *u); /* by name */
int store_user_delete(store *s, const char *name);
/* 1 found, 0 not found, -1 error. */
int store_user_get(store *s, const char *name, struct store_user *out);
int store_user_get_id(store *s, int id, struct store_user *out);
/* 1 name and password match an enabled user (out filled), 0 not, -1 error. */
int store_user_check(store *s, const char *name, const char *password,
    struct store_user *out);
/*
 * For checking a password away from the core thread: 1 and the user (maybe
 * disabled) with its argon2id hash, 0 when there is no such user (the hash
 * of a password nobody knows is filled in, so the check costs the same), -1
 * on error.  hashlen: at least crypto_pwhash_STRBYTES (128).
 */
int store_user_login_hash(store *s, const char *name, struct store_user *out,
    char *hash, size_t hashlen);
/* List users: calls fn for each; returns count or -1. */
int store_user_list(store *s, void (*fn)(const struct store_user *, void *), void *arg);

/*
 * Sessions and device tokens.  A token is 32 random bytes as 64 hex chars,
 * returned once; only its hash is stored.  expires = 0 means never: device
 * tokens only (create refuses it for a person with STORE_EINVAL, and check
 * and purge treat a person's never-expiring row as no session).
 * store_session_check fills *user and returns 1 when the token is valid at
 * time now, 0 when not, -1 on error.
 */
int store_session_create(store *s, int user_id, int64_t now, int64_t expires,
    char token[65]);
int store_session_check(store *s, const char *token, int64_t now,
    struct store_user *user);
/* 0 when the session is gone (also when there was none), -1 error. */
int store_session_delete(store *s, const char *token);
/* Delete the sessions expired at now (and people's never-expiring rows);
 * returns how many, or -1. */
int store_session_purge(store *s, int64_t now);
/* Delete user_id's sessions but the one of keep_token (NULL: all): a device
 * given a new token, a person logged out everywhere.  How many, or -1. */
int store_session_end_user(store *s, int user_id, const char *keep_token);

/*
 * Key/value settings kept with the data (e.g. the catalogue's version).
 * get: 1 found (copied into out), 0 absent, -1 error (also when the value
 * does not fit in outlen).
 */
int store_meta_get(store *s, const char *key, char *out, size_t outlen);
int store_meta_set(store *s, const char *key, const char *value);

/*
 * Counter boards (host/daemon/dev/devbus.c): the last committed event key (board,
 * boot count, sequence number) of each board, by line id and address.
 * store_bus_mark writes it (replacing the board's previous key) inside the
 * open batch, so it commits or fails with the command the event became;
 * outside a batch it is its own transaction.  store_bus_keys calls fn for
 * every stored key and returns how many, or -1.
 */
struct store_bus_key {
	char line[64];                    /* [line ID] */
	int address;                      /* 1..247 */
	int boot;                         /* board's boot count, 0..65535 */
	int seq;                          /* event sequence number, 1..65535 */
	int64_t uptime;                   /* board uptime (s) when it was read */
	int64_t at;                       /* unix time of the commit */
};
int store_bus_mark(store *s, const struct store_bus_key *k);
int store_bus_keys(store *s, void (*fn)(const struct store_bus_key *, void *),
    void *arg);

/*
 * The audit log: one row per admin or manager action, written inside the
 * action's own transaction (the open batch), so the row and the change
 * commit or fail together.  Rows are never changed or deleted: the store
 * has no function for it and the table's triggers refuse it.
 * store_audit_add: who and action are required; every text valid UTF-8;
 * before and after are JSON text (checked by sqlite's json_valid) or NULL.
 * -1 with STORE_EINVAL for a bad row.
 * store_audit_list: newest first, the rows matching every filter given
 * (who, action: exact, NULL or "" any; from <= at < to, to 0 = no end;
 * limit 0 = all); fn sees each row, its texts valid only during the call.
 * Returns the count, or -1.
 */
#define STORE_AUDIT_JSON_MAX (64 * 1024)
struct store_audit {
	int64_t id;                       /* list: the row id; add: unused */
	int64_t at;                       /* unix seconds */
	const char *who, *role, *client, *action, *target;
	const char *before, *after;       /* JSON or NULL */
};
struct store_audit_filter {
	const char *who, *action;
	int64_t from, to;
	int limit;
};
int store_audit_add(store *s, const struct store_audit *a);
int store_audit_list(store *s, const struct store_audit_filter *f,
    void (*fn)(const struct store_audit *, void *), void *arg);

/*
 * Configuration changed live (host/core/config.h, struct config_override):
 * one INI key of one section per row, replaced when set again.  set writes
 * into the open batch (or is its own transaction); list calls fn for every
 * row, oldest change first, and returns the count or -1.
 */
int store_override_set(store *s, const char *section, const char *key,
    const char *value, int64_t at);
int store_override_list(store *s, void (*fn)(const char *section, const char *key,
    const char *value, void *arg), void *arg);

/*
 * Appointments (host/core/booking.c; schema v5, table `bookings`).  One row
 * per booking, found by its code; `phone` is the normalised mobile number
 * (0xxxxxxxxx), personal data: never in a public answer, masked in logs.
 * The SMS outbox may read the table.  Writes go into the open batch (the
 * caller's core_begin), so a booking commits with the batch or not at all.
 * put inserts or replaces the row of b->code.  get: 1 found, 0 not, -1.
 * taken: the live (booked or checked-in) bookings of a queue's slot;
 * phone_taken: those of a phone at a day and slot, but the one of code
 * (NULL: none).  online_count: the day's tickets of a queue issued online.
 * slots calls fn for each slot of a queue's day with live bookings.
 */
#define STORE_BOOKING_CODE_LEN 8
struct store_booking {
	int64_t id;
	char code[STORE_BOOKING_CODE_LEN + 1];
	char queue[33];                   /* queue code */
	char procedure[33];               /* procedure code, "" when none */
	char day[11];                     /* YYYY-MM-DD, local */
	int slot_s;                       /* slot start, seconds after midnight */
	char name[128];                   /* UTF-8 */
	char phone[16];                   /* 0xxxxxxxxx */
	char state[12];                   /* booked cancelled checked_in */
	int64_t created_at, updated_at;
	int64_t ticket_id;                /* the check-in's ticket, 0 */
};
int store_booking_put(store *s, const struct store_booking *b);
int store_booking_get(store *s, const char *code, struct store_booking *out);
int store_booking_taken(store *s, const char *queue, const char *day, int slot_s);
int store_booking_phone_taken(store *s, const char *phone, const char *day,
    int slot_s, const char *code);
int store_booking_slots(store *s, const char *queue, const char *day,
    void (*fn)(int slot_s, int n, void *arg), void *arg);
int store_online_count(store *s, const char *queue, const char *day);
/* The live bookings (booked, not checked in) of day per queue with a slot
 * starting in [from_s, to_s): fn(queue, n) each; how many queues, or -1. */
int store_booking_upcoming(store *s, const char *day, int from_s, int to_s,
    void (*fn)(const char *queue, int n, void *arg), void *arg);
/* Every booking of days from..to (YYYY-MM-DD, inclusive), in day order:
 * fn(day, queue, slot_s, state) each; how many, or -1. */
int store_booking_each(store *s, const char *from, const char *to,
    void (*fn)(const char *day, const char *queue, int slot_s, const char *state,
    void *arg), void *arg);

/* The bookings of day still booked (not cancelled, not checked in) that
 * have a phone, in slot order: fn(booking) each, which must not use the
 * store; how many, or -1.  For the day-before SMS reminder. */
int store_booking_to_remind(store *s, const char *day,
    void (*fn)(const struct store_booking *b, void *arg), void *arg);

const char *store_role_name(enum store_role r);
/* 1 for kiosk and display. */
int store_role_is_device(enum store_role r);
/* 0 when the name is not a role. */
enum store_role store_role_parse(const char *name);

/*
 * Tests only: append nextra migration steps after the built-in ones for the
 * next store_open calls (extra[0] takes a file from STORE_SCHEMA_VERSION to
 * STORE_SCHEMA_VERSION + 1, ...); NULL goes back to the built-in list.  Lets
 * the tests add a "v2" and check migration, atomicity and refusal.
 */
void store_test_set_migrations(const char *const *extra, int nextra);

#endif
