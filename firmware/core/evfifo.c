/*
 * evfifo.c - a fixed ring of BOARD_EVT_DEPTH events with sequence numbers
 * that skip 0 when they wrap.
 */
#include "core/evfifo.h"

#include <stddef.h>
#include <string.h>

/* See evfifo.h. */
void evfifo_init(evfifo *f)
{
	memset(f, 0, sizeof *f);
	f->next_seq = 1;
}

/* See evfifo.h. */
uint16_t evfifo_push(evfifo *f, uint8_t kind, uint8_t key, uint16_t value, uint32_t t_ms)
{
	evfifo_ev *e;
	uint16_t seq;

	if (f->count >= BOARD_EVT_DEPTH) {
		if (f->dropped != UINT16_MAX)
			f->dropped++;
		return 0;
	}
	seq = f->next_seq;
	f->next_seq = (uint16_t)(seq == UINT16_MAX ? 1 : seq + 1);
	e = &f->ev[(f->head + f->count) % BOARD_EVT_DEPTH];
	e->seq = seq;
	e->kind = kind;
	e->key = key;
	e->value = value;
	e->t_ms = t_ms;
	f->count++;
	return seq;
}

/* See evfifo.h. */
const evfifo_ev *evfifo_head(const evfifo *f)
{
	return f->count ? &f->ev[f->head] : NULL;
}

/* See evfifo.h. */
int evfifo_ack(evfifo *f, uint16_t seq)
{
	if (f->count == 0 || seq == 0 || f->ev[f->head].seq != seq)
		return 0;
	f->head = (uint8_t)((f->head + 1) % BOARD_EVT_DEPTH);
	f->count--;
	f->last_acked = seq;
	return 1;
}
