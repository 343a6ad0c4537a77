/*
 * keys.c - debouncing of a whole key matrix sample at once: simple, and a
 * chattering key only delays the others by the debounce time.
 */
#include "core/keys.h"

/* See keys.h. */
void keys_init(keys *k, uint32_t raw, uint32_t now_us)
{
	k->stable = raw;
	k->raw = raw;
	k->since_us = now_us;
}

/* See keys.h. */
uint32_t keys_update(keys *k, uint32_t raw, uint32_t now_us)
{
	uint32_t pressed;

	if (raw != k->raw) {
		k->raw = raw;
		k->since_us = now_us;
		return 0;
	}
	if (raw == k->stable || now_us - k->since_us < KEYS_DEBOUNCE_US)
		return 0;
	pressed = raw & ~k->stable;
	k->stable = raw;
	return pressed;
}
