/*
 * mbslave.h - a Modbus RTU slave: framing by inter-character timing, CRC,
 * function codes 03, 04, 06, 16, 08 and 43/14, exceptions and broadcast.
 *
 * The caller owns the struct (no heap) and feeds it bytes with their arrival
 * time; mbslave_poll() closes a frame once the line has been silent for 3.5
 * characters (plus the port's timer margin) and returns the response to send,
 * if any.  Register access goes through mbslave_ops, so this file knows
 * nothing of the board's register map.  Nothing from the wire is trusted:
 * every length is checked against the frame and the buffers.
 *
 * Timing: 11 bits per character (the spec's worst case); above 19,200 baud
 * the spec's fixed 750 us / 1,750 us.  A gap longer than 1.5 characters
 * inside a frame spoils the frame (counted, dropped).  After the slave has
 * transmitted, the line counts as idle: the next byte starts a new frame.
 */
#ifndef ONESTOP_MBSLAVE_H
#define ONESTOP_MBSLAVE_H

#include <stdint.h>

#define MBSLAVE_ADU_MAX 256
#define MBSLAVE_BROADCAST 0

/* One signed status: 0 ok, positive = Modbus exception code, negative = internal. */
typedef enum mb_status {
	MB_OK = 0,
	MB_EX_ILLEGAL_FUNCTION = 1,
	MB_EX_ILLEGAL_ADDRESS = 2,
	MB_EX_ILLEGAL_VALUE = 3,
	MB_EX_DEVICE_FAILURE = 4,
	MB_ERR_INTERNAL = -1
} mb_status;

/* Register access.  Each returns MB_OK or an exception code.
 * read: table is 3 (holding) or 4 (input); fill out[0..n).  n is 1..125.
 * write: vals are n big-endian register values from the frame (n 1..123);
 *   the callee validates all of them before changing anything.
 *   broadcast is 1 for address 0.
 * devid: for FC43/14, the text of object id (0..2) or NULL. */
typedef struct mbslave_ops {
	mb_status (*read)(void *ctx, uint8_t table, uint16_t addr, uint16_t n, uint16_t *out);
	mb_status (*write)(void *ctx, uint16_t addr, uint16_t n, const uint8_t *vals, int broadcast);
	const char *(*devid)(void *ctx, uint8_t object);
} mbslave_ops;

typedef struct mbslave_counters {
	uint16_t bus_msgs;     /* good CRC, any address */
	uint16_t crc_errors;   /* bad CRC */
	uint16_t frame_errors; /* too short, malformed, 1.5-char gap */
	uint16_t overruns;     /* longer than MBSLAVE_ADU_MAX, or UART overrun */
	uint16_t slave_msgs;   /* to us or broadcast */
	uint16_t exceptions;   /* exception responses sent */
	uint16_t no_response;  /* broadcasts executed without reply */
} mbslave_counters;

enum mbslave_rx_state { MBSLAVE_IDLE, MBSLAVE_RECEIVING, MBSLAVE_DISCARD };

typedef struct mbslave {
	const mbslave_ops *ops;
	void *ctx;
	uint8_t address;
	uint8_t state;            /* enum mbslave_rx_state */
	uint16_t rx_len;
	uint32_t t15_us, t35_us;  /* including the margin */
	uint32_t last_us;         /* arrival of the last byte */
	mbslave_counters cnt;
	uint8_t rx[MBSLAVE_ADU_MAX];
	uint8_t tx[MBSLAVE_ADU_MAX];
} mbslave;

/* Set up a slave at address (1..247) and baud; margin_us is added to both
 * silences to cover the timer's resolution and delivery jitter. */
void mbslave_init(mbslave *s, const mbslave_ops *ops, void *ctx, uint8_t address,
    uint32_t baud, uint32_t margin_us);
/* Change the baud rate used for the silences (margin kept). */
void mbslave_set_baud(mbslave *s, uint32_t baud, uint32_t margin_us);
/* Feed one received byte that arrived at now_us.  Call mbslave_poll(now_us) first. */
void mbslave_rx(mbslave *s, uint8_t byte, uint32_t now_us);
/* Count a UART overrun reported by the port; spoils the frame in progress. */
void mbslave_overrun(mbslave *s);
/* Close the frame if the line has been silent long enough and process it.
 * Returns the response length (0 = nothing to send); the response is s->tx. */
uint16_t mbslave_poll(mbslave *s, uint32_t now_us);
/* Microseconds until mbslave_poll() has work (0 = now), UINT32_MAX if idle. */
uint32_t mbslave_wait_us(const mbslave *s, uint32_t now_us);
/* Tell the receiver the slave just finished transmitting: line idle. */
void mbslave_tx_done(mbslave *s);
/* Process one complete ADU (address..CRC).  Returns the response length in
 * s->tx, 0 for none (foreign, broadcast, bad CRC, malformed). */
uint16_t mbslave_process(mbslave *s, const uint8_t *adu, uint16_t len);

#endif
