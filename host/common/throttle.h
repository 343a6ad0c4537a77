/*
 * throttle.h - slowing down repeated login failures, by key (a user name, a
 * client address, a user at an address).  A key may fail `free` times; each
 * failure after that locks it for a delay that doubles (base, 2 base, 4
 * base, ... up to max), and an attempt while locked is refused at once,
 * without checking a password (and without counting as a failure).  A key
 * forgets its failures after THROTTLE_FORGET_MS without one, or when told
 * (a success).  A key can also be marked (a user who logged in from an
 * address): the mark is what lets that user past a lock on their name.
 *
 * Memory is bounded: a fixed table whose keys are hashed with a random key
 * (SipHash), so nobody can aim at one slot; when a slot's neighbourhood is
 * full the least recently used entry goes, an unlocked one first.  Pure: the
 * time (monotonic milliseconds) comes from the caller; one thread.
 */
#ifndef ONESTOP_THROTTLE_H
#define ONESTOP_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct throttle throttle;

#define THROTTLE_FORGET_MS (15 * 60 * 1000)

/*
 * The rules for logins, onestopd's (daemon/http/r_session.c) and
 * onestop-central's alike: a user name may fail 5 times, an address 10
 * times (a shared desk), before each further failure locks it for 5 s,
 * 10 s, 20 s ... up to 15 minutes.
 */
#define THROTTLE_LOGIN_SLOTS 4096
#define THROTTLE_LOGIN_USER_FREE 5
#define THROTTLE_LOGIN_ADDR_FREE 10
#define THROTTLE_LOGIN_BASE_MS 5000
#define THROTTLE_LOGIN_MAX_MS (15 * 60 * 1000)

/* A table of slots entries (rounded up to a power of two). */
throttle *throttle_new(size_t slots, int free, int64_t base_ms, int64_t max_ms);
void throttle_free(throttle *t);

/* Milliseconds key must still wait (0: it may try now). */
int64_t throttle_wait(throttle *t, const char *key, int64_t now_ms);
/* Count a failure of key; returns the lock it now has (ms, 0 = none). */
int64_t throttle_fail(throttle *t, const char *key, int64_t now_ms);
/* Failures of key not yet forgotten. */
int throttle_failures(throttle *t, const char *key, int64_t now_ms);
/* Forget key's failures and mark (a success). */
void throttle_forget(throttle *t, const char *key);
/* Mark key at now (kept like a failure record: until forgotten or evicted). */
void throttle_mark(throttle *t, const char *key, int64_t now_ms);
int throttle_marked(throttle *t, const char *key, int64_t now_ms);

#endif
