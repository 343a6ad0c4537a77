/*
 * board.h - the board application: one portable core for the four roles
 * (number display, caller keypad, rating keypad, hall sign), on top of the
 * Modbus slave, the event FIFO, the key debouncer and the NVM record.
 *
 * The hardware is reached only through struct board_port, filled by a port
 * (firmware/sim: the host simulator; firmware/mcu: the Cortex-M image).  The
 * caller allocates struct board (no heap).  Threading: everything runs in
 * one context (the main loop); only the port's own interrupt handlers may
 * run concurrently, and they never call into the core.
 *
 * Main loop contract: the port calls board_rx() for every received byte in
 * arrival order, with the time it arrived, and board_poll() at least every
 * 10 ms and whenever board_wait_us() has elapsed.
 */
#ifndef ONESTOP_BOARD_H
#define ONESTOP_BOARD_H

#include <stdint.h>

#include "core/evfifo.h"
#include "core/keys.h"
#include "core/mbslave.h"
#include "core/nvcfg.h"
#include "proto/board_regs.h"

/* Raw key bits returned by board_port.keys, per role.  Bit 0 is the key that
 * a factory reset holds at power-up (the service button on displays). */
#define BOARD_KB_SERVICE 0x0001u
#define BOARD_KB_FUNC(k) (1u << ((k) - 1))   /* caller: BOARD_KEY_NEXT..PAUSE -> bits 0..5 */
#define BOARD_KB_CLEAR 0x0040u                /* caller: clear the typed digits */
#define BOARD_KB_DIGIT(d) (1u << (8 + (d)))   /* caller: digits 0..9 -> bits 8..17 */
#define BOARD_KB_RATE(r) (1u << ((r) - 1))   /* rating: BOARD_RATE_* -> bits 0..3 */

enum board_notice {
	BOARD_NOTICE_NONE = 0,
	BOARD_NOTICE_THANKS = 1,   /* rating taken: "thank you" for 3 s */
	BOARD_NOTICE_FACTORY = 2,  /* factory reset done, for 3 s */
	BOARD_NOTICE_HOLD = 3      /* factory key held at power-up: keep holding */
};

/* What the board shows; the port renders it (LEDs, segments, a text line). */
typedef struct board_face {
	uint8_t role;        /* BOARD_ROLE_* */
	uint8_t address;     /* slave address (shown by the simulator only) */
	uint8_t offline;     /* no master for HR_OFFLINE_S seconds */
	uint8_t flashing;    /* a new call is flashing */
	uint8_t lit;         /* flash phase: 1 = number visible now */
	uint8_t brightness;  /* 0..15 */
	uint8_t lamp;        /* BOARD_LAMP_* */
	uint8_t prompt;      /* rating keypad: faces lit, asking for a rating */
	uint8_t counter;     /* counter number 0..99 */
	uint8_t notice;      /* enum board_notice */
	uint8_t typed_len;   /* caller: digits typed (0 = none) */
	uint8_t pad;
	uint16_t number;     /* 0..9999, 0xFFFF blank */
	uint16_t typed;      /* caller: the typed number */
	uint16_t hall[BOARD_HALL_ROWS][2]; /* hall: number, counter per row */
} board_face;

/* The hardware, as callbacks with one argument.  All are called from the
 * main loop only; none may call back into the core. */
typedef struct board_port {
	void *arg;
	/* Margin added to the 1.5 / 3.5 character silences: the timer's
	 * resolution plus the jitter of byte delivery (bursts on emulators). */
	uint32_t margin_us;
	/* Free-running microseconds, wrapping at 2^32.  Never blocks. */
	uint32_t (*now_us)(void *arg);
	/* RS-485 driver enable: 1 before a response, 0 after it. */
	void (*uart_de)(void *arg, int on);
	/* Send len bytes; returns once the last stop bit has left the line
	 * (so that DE can drop).  Blocks at most len character times. */
	void (*uart_write)(void *arg, const uint8_t *buf, uint16_t len);
	/* Reprogram the UART for baud (8N1). */
	void (*uart_set_baud)(void *arg, uint32_t baud);
	/* Show a face; called only when it changed.  Must not block long. */
	void (*show)(void *arg, const board_face *face);
	/* Raw key bits (BOARD_KB_*), 1 = pressed; not debounced. */
	uint32_t (*keys)(void *arg);
	/* Read/write the NVM record of len bytes (at most NVCFG_SIZE): 0 or -1.
	 * Write may block for the flash's erase/program time. */
	int (*nvm_read)(void *arg, uint8_t *buf, uint16_t len);
	int (*nvm_write)(void *arg, const uint8_t *buf, uint16_t len);
	/* Feed the watchdog (started by the port before board_init). */
	void (*wdt_kick)(void *arg);
	/* 1 if this boot was caused by the watchdog (may be NULL). */
	int (*reset_was_wdt)(void *arg);
	/* Reset the board; does not return on hardware.  The simulator calls
	 * board_init() again. */
	void (*reboot)(void *arg);
} board_port;

enum board_pending { BOARD_PEND_NONE = 0, BOARD_PEND_APPLY = 1, BOARD_PEND_REBOOT = 2 };

typedef struct board {
	const board_port *port;
	mbslave mb;
	evfifo fifo;
	keys keys;
	nvcfg cfg;             /* running configuration */
	nvcfg staged;          /* HR_CFG_* before commit */
	uint16_t status;       /* BOARD_ST_* sticky bits */
	uint16_t status_seen;  /* BOARD_ST_ACKABLE bits a read has shown since set */
	uint16_t number, brightness, lamp, prompt, offline_s;
	uint16_t hall[BOARD_HALL_ROWS * 2];
	uint32_t last_us, us_acc, ms_acc;
	uint32_t now_ms;       /* board clock, wraps */
	uint32_t uptime_s;
	uint32_t flash_until_ms;
	uint32_t last_poll_ms; /* last frame to us or broadcast */
	uint16_t last_slave_msgs;
	uint8_t flashing;
	uint8_t offline;
	uint8_t unlock_stage;  /* 0 locked, 1 KEY1 seen, 2 unlocked */
	uint8_t pending;       /* enum board_pending, done after the reply */
	uint32_t unlock_until_ms;
	uint16_t typed;
	uint8_t typed_len;
	uint8_t notice;
	uint32_t typed_ms;
	uint32_t notice_until_ms;
	uint8_t factory_pending;
	uint8_t wait_release;  /* ignore keys until all are released */
	uint8_t face_valid;
	uint32_t factory_ms;
	board_face face;       /* last shown */
} board;

/* Start the board: load the NVM record (defaults if bad), count the boot,
 * start the factory-reset check if the service key is held. */
void board_init(board *b, const board_port *port);
/* One received byte that arrived at t_us (may send a response first). */
void board_rx(board *b, uint8_t byte, uint32_t t_us);
/* The port saw a UART overrun or framing error. */
void board_uart_error(board *b);
/* Run timers, close frames, read keys, refresh the face, feed the watchdog. */
void board_poll(board *b);
/* Microseconds until board_poll() must run again (at most 10 ms). */
uint32_t board_wait_us(const board *b);
/* Name of a role ("number", "caller", "rating", "hall"), "?" if unknown. */
const char *board_role_name(uint8_t role);

#endif
