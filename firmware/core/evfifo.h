/*
 * evfifo.h - the board's event FIFO: key presses and ratings waiting for the
 * host, each with a sequence number, removed only when the host acknowledges
 * that exact number (see the poll/ack protocol in proto/board_regs.h).
 */
#ifndef ONESTOP_EVFIFO_H
#define ONESTOP_EVFIFO_H

#include <stdint.h>
#include "proto/board_regs.h"

typedef struct evfifo_ev {
	uint16_t seq;     /* 1..65535 */
	uint8_t kind;     /* BOARD_EVK_* */
	uint8_t key;      /* BOARD_KEY_* or BOARD_RATE_* */
	uint16_t value;   /* typed number or 0xFFFF */
	uint32_t t_ms;    /* board time of the press */
} evfifo_ev;

typedef struct evfifo {
	evfifo_ev ev[BOARD_EVT_DEPTH];
	uint8_t head, count;
	uint16_t next_seq;    /* sequence number of the next push */
	uint16_t last_acked;  /* sequence number last removed, 0 = none */
	uint16_t dropped;     /* pushes refused because full */
} evfifo;

/* Empty FIFO; the first event gets sequence number 1. */
void evfifo_init(evfifo *f);
/* Queue an event; returns its sequence number, or 0 if full (counted). */
uint16_t evfifo_push(evfifo *f, uint8_t kind, uint8_t key, uint16_t value, uint32_t t_ms);
/* The oldest event, or NULL if empty.  Valid until the next push/ack. */
const evfifo_ev *evfifo_head(const evfifo *f);
/* Remove the head if its sequence number is seq: returns 1; otherwise 0 and nothing changes. */
int evfifo_ack(evfifo *f, uint16_t seq);

#endif
