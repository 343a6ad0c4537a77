/*
 * bus.h - one RS-485 line: a thread that owns the libmodbus RTU context,
 * polls the line's counter boards in a cycle, writes their displays as soon
 * as the core asks (a write pre-empts polling), and acknowledges key events
 * only when the core says they are committed.  The thread talks to the core
 * only by fixed-size messages through two pipes: commands in (bus_line_send,
 * never blocks), messages out (the fd from bus_line_fd, read with
 * bus_line_read from the core's loop).  See host/docs/bus.md.
 *
 * The pure helpers below (timing, event keys) hold the arithmetic and the
 * exactly-once rule so that they can be tested without a line.
 */
#ifndef ONESTOP_BUS_H
#define ONESTOP_BUS_H

#include <stddef.h>
#include <stdint.h>

#define BUS_MAX_BOARDS 247
#define BUS_MAX_REGS 24          /* registers in one write command */

typedef struct bus_line bus_line;

struct bus_line_board {
	int address;             /* 1..247 */
	int role;                /* enum board_role */
	int counter;             /* counter number to keep on the board, 0 none */
};

struct bus_line_conf {
	char id[64];             /* [line ID], for messages */
	char port[256];
	int baud;
	char parity;             /* 'N', 'E', 'O' */
	int rs485;               /* TIOCSRS485 after connect */
	int nboards;
	struct bus_line_board boards[BUS_MAX_BOARDS];
};

/* Core -> line. */
enum bus_cmd_type {
	BUS_CMD_WRITE = 1,       /* holding registers start..start+count-1 */
	BUS_CMD_ACK,             /* the event (boot, seq) is committed: ack it */
	BUS_CMD_RELEASE,         /* not committed: report the head again */
};

struct bus_cmd {
	int type;
	int address;
	int start, count;        /* WRITE: 1..BOARD_HR_UNLOCK-1, <= BUS_MAX_REGS */
	uint16_t boot, seq;      /* ACK */
	uint32_t epoch;          /* ACK: as in the event */
	uint16_t values[BUS_MAX_REGS];
};

/* Line -> core. */
enum bus_msg_type {
	BUS_MSG_EVENT = 1,       /* the head of a board's FIFO */
	BUS_MSG_ONLINE,          /* a board answers (again) */
	BUS_MSG_OFFLINE,         /* a board stopped answering; text = why */
	BUS_MSG_LINE_OPEN,
	BUS_MSG_LINE_CLOSED,     /* text = why */
	BUS_MSG_STATS,           /* a board's counters (periodic) */
	BUS_MSG_CYCLE,           /* a full poll cycle took value_us */
};

struct bus_board_stats {
	uint32_t polls;          /* successful transactions */
	uint32_t timeouts;       /* no answer */
	uint32_t crc_errors;     /* answers with a bad CRC */
	uint32_t errors;         /* other bad answers, exceptions */
	uint32_t writes;         /* display writes done */
	uint32_t acks;           /* acks written */
	/* read from the board (input registers 9..20) */
	uint16_t role, fw_version, serial_hi, serial_lo, crc_seen, frame_errors,
	    overruns, wdt_resets, bus_msgs, slave_msgs, exceptions, dropped;
	uint16_t boot;
	uint32_t uptime;
};

struct bus_msg {
	int type;
	int address;
	uint16_t boot, seq, code, value, age, status;
	uint32_t uptime;         /* seconds, as read with the event */
	int64_t value_us;        /* CYCLE */
	int64_t read_ms;         /* monotonic ms when the event was read */
	uint32_t epoch;          /* EVENT: resets of the board seen so far */
	struct bus_board_stats stats;
	char text[96];
};

/*
 * Start a line's thread.  It opens the port itself and keeps reopening it
 * while it is missing.  NULL with err when the thread cannot start.
 */
bus_line *bus_line_start(const struct bus_line_conf *conf, char *err,
    size_t errlen);
/* Stop the thread, close everything. */
void bus_line_stop(bus_line *l);
/* The fd to watch (POLLIN) for messages. */
int bus_line_fd(const bus_line *l);
/* 1 and *m filled, 0 nothing now, -1 the thread is gone. */
int bus_line_read(bus_line *l, struct bus_msg *m);
/* Queue a command; 0, or -1 with errno EAGAIN when the pipe is full. */
int bus_line_send(bus_line *l, const struct bus_cmd *c);
/* The command pipe's write end (to watch for POLLOUT when it was full). */
int bus_line_cmd_fd(const bus_line *l);

/* ---- pure helpers --------------------------------------------------------- */

/*
 * 1 when a transaction that failed with errno e means the port behind fd is
 * gone (close it, reopen later), 0 when only the boards did not answer.
 * EIO, ENXIO, ENODEV, EBADF and EPIPE are the port's; ECONNRESET is how
 * libmodbus reports a read that gave 0 bytes, which a live tty does when
 * nothing came (or a stray end-of-file), so it is gone only when poll()
 * shows POLLHUP/POLLERR/POLLNVAL or tcgetattr() fails (an unplugged USB
 * adapter, a pty whose other side closed).  Any other e: 0.
 */
int bus_port_gone(int fd, int e);

struct bus_timing {
	int bits;                /* bits per character: 10 + parity */
	int64_t char_us;         /* one character */
	int64_t silence_us;      /* 3.5 characters (1,750 us above 19,200) */
	int64_t response_us;     /* libmodbus response timeout for a poll */
	int64_t byte_us;         /* libmodbus byte timeout */
};

/* Margin for a USB adapter's latency and the board's turnaround. */
#define BUS_MARGIN_US 20000

void bus_timing_of(int baud, char parity, struct bus_timing *t);
/* Wire time of one transaction: request, response, and the silence. */
int64_t bus_wire_us(const struct bus_timing *t, int req_bytes, int rsp_bytes);

/* Frame sizes (RTU ADU bytes). */
#define BUS_POLL_REQ 8
#define BUS_POLL_RSP (5 + 2 * 9)
#define BUS_ACK_REQ 8
#define BUS_ACK_RSP 8
#define BUS_WRITE_REQ(n) (9 + 2 * (n))
#define BUS_WRITE_RSP 8

/*
 * The last committed event key of a board and the exactly-once rule.  A
 * board's FIFO head is either the event last committed (its ack was lost,
 * or the daemon restarted before acking) or a new one.  It is the same one
 * when boot and seq are equal and the board has not reset since: its
 * uptime did not go back, and the boot instant it implies (wall time minus
 * uptime) is within BUS_BOOT_SLACK_S of the one at the commit.
 */
struct bus_key {
	int valid;
	uint16_t boot, seq;
	int64_t uptime;          /* board seconds at the read */
	int64_t at;              /* wall seconds of the commit */
};

#define BUS_BOOT_SLACK_S 3

/* 1 when (boot, seq, uptime) read at wall time now is the committed key. */
int bus_key_is_dup(const struct bus_key *k, uint16_t boot, uint16_t seq,
    int64_t uptime, int64_t now);

#endif
