/*
 * throttle.c - login failure throttling by key: a fixed table of entries
 * found by a keyed hash of the key, 8 slots of neighbourhood each.  See
 * throttle.h for the rules.
 */
#include "common/throttle.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/xmalloc.h"

#define THROTTLE_WAYS 8
#define THROTTLE_MARK_MS ((int64_t)7 * 24 * 3600 * 1000)

struct entry {
	uint64_t h;                  /* keyed hash of the key, 0 = empty */
	int failures;
	int64_t last_fail;           /* ms of the last failure */
	int64_t locked_until;        /* ms; 0 = not locked */
	int64_t marked_at;           /* ms of the mark; 0 = none */
	int64_t used;                /* ms of the last use (for eviction) */
};

struct throttle {
	struct entry *e;
	size_t mask;
	int free;
	int64_t base_ms, max_ms;
	unsigned char key[crypto_shorthash_KEYBYTES];
};

throttle *
throttle_new(size_t slots, int free, int64_t base_ms, int64_t max_ms)
{
	throttle *t = xcalloc(1, sizeof *t);
	size_t n = THROTTLE_WAYS;

	while (n < slots)
		n *= 2;
	t->e = xcalloc(n, sizeof *t->e);
	t->mask = n - 1;
	t->free = free;
	t->base_ms = base_ms;
	t->max_ms = max_ms;
	randombytes_buf(t->key, sizeof t->key);
	return t;
}

void
throttle_free(throttle *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t);
}

static uint64_t
throttle_hash(const throttle *t, const char *key)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h = 0;
	size_t i;

	crypto_shorthash(out, (const unsigned char *)key, strlen(key), t->key);
	for (i = 0; i < sizeof out; i++)
		h = h << 8 | out[i];
	return h != 0 ? h : 1;
}

/* Whether an entry holds nothing worth keeping at now. */
static int
throttle_idle(const struct entry *e, int64_t now)
{
	int fails = e->failures > 0 && (now < e->locked_until ||
	    now - e->last_fail < THROTTLE_FORGET_MS);
	int mark = e->marked_at != 0 && now - e->marked_at < THROTTLE_MARK_MS;

	return e->h == 0 || (!fails && !mark);
}

/* The entry of key, or NULL; with make, a fresh one when there is none. */
static struct entry *
throttle_find(throttle *t, const char *key, int64_t now, int make)
{
	uint64_t h = throttle_hash(t, key);
	struct entry *victim = NULL, *e;
	size_t i;

	for (i = 0; i < THROTTLE_WAYS; i++) {
		e = &t->e[(h + i) & t->mask];
		if (e->h == h) {
			if (throttle_idle(e, now)) {
				memset(e, 0, sizeof *e);
				e->h = h;
			}
			e->used = now;
			return e;
		}
	}
	if (!make)
		return NULL;
	/* An idle slot, else the least recently used unlocked one, else the
	   least recently used. */
	for (i = 0; i < THROTTLE_WAYS; i++) {
		e = &t->e[(h + i) & t->mask];
		if (throttle_idle(e, now)) {
			victim = e;
			break;
		}
		if (victim == NULL ||
		    ((e->locked_until <= now) > (victim->locked_until <= now)) ||
		    ((e->locked_until <= now) == (victim->locked_until <= now) &&
		    e->used < victim->used))
			victim = e;
	}
	memset(victim, 0, sizeof *victim);
	victim->h = h;
	victim->used = now;
	return victim;
}

int64_t
throttle_wait(throttle *t, const char *key, int64_t now_ms)
{
	struct entry *e = throttle_find(t, key, now_ms, 0);

	return e != NULL && e->locked_until > now_ms ? e->locked_until - now_ms : 0;
}

int64_t
throttle_fail(throttle *t, const char *key, int64_t now_ms)
{
	struct entry *e = throttle_find(t, key, now_ms, 1);
	int64_t lock;
	int k;

	if (e->failures < INT_MAX)
		e->failures++;
	e->last_fail = now_ms;
	if (e->failures < t->free)
		return 0;
	/* base << (failures - free), without overflowing. */
	lock = t->base_ms;
	for (k = t->free; k < e->failures && lock < t->max_ms; k++)
		lock *= 2;
	if (lock > t->max_ms)
		lock = t->max_ms;
	e->locked_until = now_ms + lock;
	return lock;
}

int
throttle_failures(throttle *t, const char *key, int64_t now_ms)
{
	struct entry *e = throttle_find(t, key, now_ms, 0);

	return e != NULL ? e->failures : 0;
}

void
throttle_forget(throttle *t, const char *key)
{
	uint64_t h = throttle_hash(t, key);
	size_t i;

	for (i = 0; i < THROTTLE_WAYS; i++)
		if (t->e[(h + i) & t->mask].h == h)
			memset(&t->e[(h + i) & t->mask], 0, sizeof t->e[0]);
}

void
throttle_mark(throttle *t, const char *key, int64_t now_ms)
{
	throttle_find(t, key, now_ms, 1)->marked_at = now_ms > 0 ? now_ms : 1;
}

int
throttle_marked(throttle *t, const char *key, int64_t now_ms)
{
	struct entry *e = throttle_find(t, key, now_ms, 0);

	return e != NULL && e->marked_at != 0;
}
