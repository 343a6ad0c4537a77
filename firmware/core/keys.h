/*
 * keys.h - key debouncing: a change of the raw key bits counts only once
 * they have been stable for KEYS_DEBOUNCE_US.  Only presses (debounced down
 * edges) are reported; a held key never repeats, and it must be released
 * (debounced) before it can be pressed again.
 */
#ifndef ONESTOP_KEYS_H
#define ONESTOP_KEYS_H

#include <stdint.h>

#define KEYS_DEBOUNCE_US 20000u

typedef struct keys {
	uint32_t stable;    /* debounced state */
	uint32_t raw;       /* last raw sample */
	uint32_t since_us;  /* when raw last changed */
} keys;

/* Start with raw as the stable state (keys held at power-up do not press). */
void keys_init(keys *k, uint32_t raw, uint32_t now_us);
/* Sample raw key bits at now_us; returns the bits newly pressed (debounced). */
uint32_t keys_update(keys *k, uint32_t raw, uint32_t now_us);

#endif
