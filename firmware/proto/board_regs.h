/*
 * board_regs.h - the Modbus register map of the onestop counter boards.
 *
 * Shared by the firmware (firmware/core) and the host's bus master.  This
 * header is the contract: every register is listed here with its meaning,
 * range and access.  Addresses are the 0-based protocol addresses that go in
 * the frame (libmodbus and mbpoll -0 use them as is; mbpoll without -0 adds 1).
 *
 * Boards are Modbus RTU slaves on one RS-485 line, 8 data bits, no parity,
 * 1 stop bit, at the baud rate stored on the board (default 19,200).  Function
 * codes: 03 read holding, 04 read input, 06 write single, 16 write multiple,
 * 08 diagnostics (sub-functions 00, 0A-0F, 12; 00 echoes request data of
 * any length, 0..250 bytes, the others take two), 43/14 device identification
 * (basic objects 0-2).  Address 0 is broadcast: 06 and 16 to the display
 * registers are executed by every board and never answered.
 *
 * Exceptions: 01 unknown function; 02 a register outside the table; 03 a
 * count or value out of range; 04 a configuration write while locked.
 *
 * POLL / ACK PROTOCOL (exactly-once key presses and ratings)
 *   1. The host polls a board with ONE read: FC04, address 0, count
 *      BOARD_IR_POLL_COUNT (9).  It gets status, the event FIFO's length and
 *      its head event (sequence number, kind, key, typed value, age), the
 *      board's boot count and uptime.
 *   2. If IR_EVT_SEQ != 0, the host applies the head event and commits it,
 *      keyed by (board, IR_BOOT_COUNT, IR_EVT_SEQ), then acknowledges with
 *      ONE write: FC06, HR_EVT_ACK = that sequence number.  The board removes
 *      the head only if the value equals the head's sequence number; any
 *      other value is accepted and ignored, so a repeated ack is harmless.
 *   3. If the ack or its reply is lost, the next poll shows the same head:
 *      the host finds (boot, seq) already committed, does not apply it again
 *      and acks again.  After a host restart the committed (boot, seq) comes
 *      from its store.  Sequence numbers grow by one per event within a boot
 *      (1..65535, then 1 again; 0 means "none"); IR_BOOT_COUNT changes at
 *      every reset of the board, whose FIFO (in RAM) is then empty: events
 *      not yet acknowledged when a board loses power are lost.
 *   The FIFO holds BOARD_EVT_DEPTH events; a press when it is full is
 *   dropped and counted in IR_EVT_DROPPED.
 *
 * STATUS ACK (the "was offline" bit survives a lost reply)
 *   BOARD_ST_WAS_OFFLINE is set when a frame reaches a board that showed
 *   "offline", and stays set, in every read of IR_STATUS, until the host
 *   acknowledges it: FC06, HR_STATUS_ACK = the bits to clear (write 1 to
 *   clear; only BOARD_ST_ACKABLE bits, others are ignored).  An ack clears
 *   only bits that a read of IR_STATUS has already shown, so an offline spell
 *   that ends between the host's read and its ack is reported again.  A lost
 *   read reply or a lost ack therefore costs one more resync, never the news.
 *   (Firmware 1.0 cleared the bit on the read and answers this write with
 *   exception 02.)
 *
 * CONFIGURATION (stored on the board, non-volatile)
 *   Address, baud, role and counter number are written into HR_CFG_*
 *   (staged) and take effect with HR_CFG_COMMIT = 1, which saves them and
 *   applies them after the reply has been sent with the old address and
 *   baud.  These writes need the unlock sequence: HR_UNLOCK = KEY1 then KEY2
 *   (two separate writes, in order); the board stays unlocked for
 *   BOARD_UNLOCK_SECONDS after the last configuration write, and locks after
 *   a commit.  Broadcast writes to configuration registers are refused
 *   (ignored).  A factory reset (key 0 held for BOARD_FACTORY_SECONDS from
 *   power-up) sets address 247, 19,200 baud and counter 0, keeping role and
 *   serial number.
 */
#ifndef ONESTOP_BOARD_REGS_H
#define ONESTOP_BOARD_REGS_H

#define BOARD_FW_VERSION 0x0101          /* major << 8 | minor: 1.1 */
#define BOARD_FW_VERSION_TEXT "1.1"      /* FC43/14 object 2 */
#define BOARD_VENDOR_NAME "onestop"
#define BOARD_PRODUCT_CODE "OSB-1"

/* Board roles (IR_ROLE, HR_CFG_ROLE). */
enum board_role {
	BOARD_ROLE_NUMBER = 1,   /* counter display: 4-digit number, 2-digit counter, lamp */
	BOARD_ROLE_CALLER = 2,   /* caller keypad at the staff desk */
	BOARD_ROLE_RATING = 3,   /* rating keypad facing the visitor: four faces */
	BOARD_ROLE_HALL = 4      /* hall sign: rows of "number -> counter" */
};

/* ---- input registers (FC04, read only) ---------------------------------- */
enum board_ir {
	BOARD_IR_STATUS = 0,       /* BOARD_ST_* bits */
	BOARD_IR_EVT_COUNT = 1,    /* events waiting in the FIFO, 0..BOARD_EVT_DEPTH */
	BOARD_IR_EVT_SEQ = 2,      /* sequence number of the head event; 0 = FIFO empty */
	BOARD_IR_EVT_CODE = 3,     /* head event: kind << 8 | key (BOARD_EVK_*, BOARD_KEY_* / BOARD_RATE_*) */
	BOARD_IR_EVT_VALUE = 4,    /* head event: number typed before the key (0..9999), 0xFFFF = none */
	BOARD_IR_EVT_AGE = 5,      /* head event: seconds since the press (saturates at 65535) */
	BOARD_IR_BOOT_COUNT = 6,   /* resets since manufacture (NVM), part of the event key */
	BOARD_IR_UPTIME_HI = 7,    /* seconds since reset, high word */
	BOARD_IR_UPTIME_LO = 8,    /* seconds since reset, low word */
	BOARD_IR_ROLE = 9,         /* enum board_role currently running */
	BOARD_IR_FW_VERSION = 10,  /* BOARD_FW_VERSION */
	BOARD_IR_SERIAL_HI = 11,   /* serial number (set at production), high word */
	BOARD_IR_SERIAL_LO = 12,   /* serial number, low word */
	BOARD_IR_CRC_ERRORS = 13,  /* frames with a bad CRC seen on the line (wraps) */
	BOARD_IR_FRAME_ERRORS = 14,/* frames too short, malformed, or broken by a 1.5-char gap */
	BOARD_IR_OVERRUNS = 15,    /* UART overruns and frames longer than 256 bytes */
	BOARD_IR_WDT_RESETS = 16,  /* resets caused by the watchdog (NVM) */
	BOARD_IR_BUS_MSGS = 17,    /* frames with a good CRC seen on the line (wraps) */
	BOARD_IR_SLAVE_MSGS = 18,  /* frames addressed to this board or broadcast (wraps) */
	BOARD_IR_EXCEPTIONS = 19,  /* exception responses sent */
	BOARD_IR_EVT_DROPPED = 20, /* presses lost because the FIFO was full */
	BOARD_IR_COUNT = 21
};
#define BOARD_IR_POLL_COUNT 9      /* one FC04 read of 0..8 is a complete poll */

/* IR_STATUS bits. */
#define BOARD_ST_EVENT 0x0001      /* the FIFO is not empty */
#define BOARD_ST_UNLOCKED 0x0002   /* configuration writes are allowed now */
#define BOARD_ST_FACTORY 0x0004    /* a factory reset happened at this boot */
#define BOARD_ST_NVM_BAD 0x0008    /* NVM was blank or corrupt: defaults in use */
#define BOARD_ST_WAS_OFFLINE 0x0010/* the board showed "offline"; kept until HR_STATUS_ACK */
#define BOARD_ST_WDT 0x0020        /* this boot was caused by the watchdog */
#define BOARD_ST_ACKABLE BOARD_ST_WAS_OFFLINE /* bits HR_STATUS_ACK clears */

/* ---- holding registers (FC03 read, FC06/FC16 write) ---------------------- */
enum board_hr {
	BOARD_HR_EVT_ACK = 0,      /* write: sequence number of the head to remove; read: last removed */
	BOARD_HR_NUMBER = 1,       /* number shown, 0..9999; 0xFFFF = blank */
	BOARD_HR_FLASH = 2,        /* seconds to flash the number (new call), 0..60; reads time left */
	BOARD_HR_BRIGHTNESS = 3,   /* 0 (dim) .. 15 (full), default 10 */
	BOARD_HR_LAMP = 4,         /* counter status lamp: BOARD_LAMP_* */
	BOARD_HR_PROMPT = 5,       /* rating keypad: 1 = ask for a rating (faces lit); cleared by a rating */
	BOARD_HR_OFFLINE_S = 6,    /* seconds without a poll before "offline" is shown, 2..600, default 5 */
	BOARD_HR_HALL_BASE = 7,    /* hall rows: row r number at 7+2r, its counter at 8+2r, r = 0..7 */
	BOARD_HR_UNLOCK = 23,      /* write KEY1 then KEY2 to unlock configuration; reads 1 if unlocked */
	BOARD_HR_CFG_ADDRESS = 24, /* slave address 1..247 */
	BOARD_HR_CFG_BAUD = 25,    /* BOARD_BAUD_* code */
	BOARD_HR_CFG_ROLE = 26,    /* enum board_role */
	BOARD_HR_CFG_COUNTER = 27, /* the counter's number shown on the board, 0..99 (0 = none) */
	BOARD_HR_CFG_COMMIT = 28,  /* write BOARD_COMMIT_*; reads 0 */
	BOARD_HR_STATUS_ACK = 29,  /* write: IR_STATUS bits to clear (BOARD_ST_ACKABLE); reads 0 */
	BOARD_HR_COUNT = 30
};
#define BOARD_HALL_ROWS 8          /* row 0 is the latest call; 0xFFFF number = empty row */

#define BOARD_UNLOCK_KEY1 0xA5C3
#define BOARD_UNLOCK_KEY2 0x3C5A
#define BOARD_UNLOCK_SECONDS 60
#define BOARD_FACTORY_SECONDS 3

enum board_commit {
	BOARD_COMMIT_SAVE = 1,     /* save staged config to NVM, apply after the reply */
	BOARD_COMMIT_REBOOT = 2,   /* reset the board after the reply */
	BOARD_COMMIT_DEFAULTS = 3  /* stage factory defaults (then SAVE) */
};

enum board_baud {
	BOARD_BAUD_9600 = 0, BOARD_BAUD_19200 = 1, BOARD_BAUD_38400 = 2,
	BOARD_BAUD_57600 = 3, BOARD_BAUD_115200 = 4
};

enum board_lamp {
	BOARD_LAMP_OFF = 0, BOARD_LAMP_OPEN = 1, BOARD_LAMP_PAUSED = 2, BOARD_LAMP_CLOSED = 3
};

/* ---- events -------------------------------------------------------------- */
#define BOARD_EVT_DEPTH 8

enum board_evk {
	BOARD_EVK_KEY = 1,         /* caller keypad key; value = number typed before it */
	BOARD_EVK_RATING = 2       /* rating keypad face */
};

/* Caller keypad keys (event key codes).  Digits typed before a key become
 * the event's value: digits + NEXT = call that number, digits + TRANSFER =
 * transfer to that counter/queue.  CLEAR drops the typed digits (no event). */
enum board_key {
	BOARD_KEY_NEXT = 1, BOARD_KEY_RECALL = 2, BOARD_KEY_FINISH = 3,
	BOARD_KEY_NOSHOW = 4, BOARD_KEY_TRANSFER = 5, BOARD_KEY_PAUSE = 6
};

/* Rating keypad faces (event key codes). */
enum board_rate {
	BOARD_RATE_VERY_SATISFIED = 1, BOARD_RATE_SATISFIED = 2,
	BOARD_RATE_NEUTRAL = 3, BOARD_RATE_DISSATISFIED = 4
};

#endif
