/*
 * bus.c - one RS-485 line's thread: libmodbus RTU master of the counter
 * boards (firmware/proto/board_regs.h).
 *
 * The thread owns the modbus context and every board's line-side state.  Its
 * loop takes one step at a time, in this order of urgency:
 *   1. drain the command pipe (writes and acks from the core);
 *   2. a display write that is due (FC16 of a run of dirty registers): a
 *      call pre-empts polling;
 *   3. an acknowledgement that is due: first a poll that shows the same head
 *      (boot, seq) on a board that has not reset, then the FC06 ack (a poll
 *      that shows ST_WAS_OFFLINE is followed by an FC06 of HR_STATUS_ACK);
 *   4. the next poll of the round robin (one FC04 of 9 input registers);
 *      a board that is offline is tried again only when its back-off ends.
 * Every transaction first keeps the 3.5-character silence after the last one
 * (libmodbus does not) and lasts at least its wire time, so that a pty line
 * behaves like the real one in time.  Timeouts come from the baud rate.
 * A board that fails three transactions in a row is offline (one message);
 * the first answer again makes it online and re-sends its whole display.
 * A port that errors (vanished adapter, closed pty) is closed and reopened
 * with back-off; a read that gave nothing (libmodbus says ECONNRESET) only
 * counts as gone when the fd says so (bus_port_gone), else it is no answer.
 * Messages to the core go through a pipe (blocking writes: the thread may
 * wait for the core, never the other way round).
 */
#include "daemon/dev/bus.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <modbus/modbus.h>
#include <modbus/modbus-rtu.h>

#include "firmware/proto/board_regs.h"
#include "common/xmalloc.h"

#define BUS_FAILS_OFFLINE 3          /* failed transactions in a row */
#define BUS_BACKOFF_MIN_MS 250
#define BUS_BACKOFF_MAX_MS 8000
#define BUS_REOPEN_MIN_MS 200
#define BUS_REOPEN_MAX_MS 5000
#define BUS_DIAG_EVERY_MS 10000      /* read input registers 9..20 */
#define BUS_DIAG_FIRST 9
#define BUS_DIAG_COUNT 12
#define BUS_BRIGHTNESS 10

enum lb_state { LB_UNKNOWN = 0, LB_ONLINE, LB_OFFLINE };

struct lboard {
	struct bus_line_board conf;
	enum lb_state state;
	int fails;
	int64_t next_try_ms;         /* offline: next attempt */
	int64_t backoff_ms;
	/* display shadow: what the board should show */
	uint16_t want[BOARD_HR_UNLOCK];
	uint32_t dirty;              /* bit r: holding register r to write */
	int flash_once;              /* want[FLASH] is a one-shot trigger */
	int counter_checked;         /* HR_CFG_COUNTER verified since online */
	/* events */
	int ev_pending;              /* reported, the core has not answered */
	uint32_t epoch;              /* +1 at every reset of the board seen */
	int ack_due;
	uint16_t ack_boot, ack_seq;
	uint16_t boot;               /* last seen */
	uint32_t uptime;
	int seen;                    /* boot/uptime known */
	int64_t next_diag_ms;
	struct bus_board_stats st;
	char why[96];                /* last error text */
};

struct bus_line {
	struct bus_line_conf conf;
	struct bus_timing tm;
	pthread_t thread;
	int running;
	int cmd_rd, cmd_wr;          /* core -> thread */
	int msg_rd, msg_wr;          /* thread -> core */
	int stop_rd, stop_wr;        /* bus_line_stop wakes the thread */
	atomic_int stopping;          /* bus_line_stop to the thread */
	modbus_t *mb;
	int open_failed;             /* reported closed since the last open */
	int64_t reopen_ms, reopen_backoff;
	int64_t last_end_us;         /* end of the last transaction */
	int rr;                      /* round-robin position */
	int64_t cycle_start_us;
	int cycle_polls;
	int cycle_diag;              /* a diagnostics read done this cycle */
	int nboards;
	struct lboard *b;
	char cbuf[sizeof(struct bus_cmd)]; /* a command being read */
	size_t chave;
};

/* ---- pure helpers --------------------------------------------------------- */

void
bus_timing_of(int baud, char parity, struct bus_timing *t)
{
	if (baud <= 0)
		baud = 19200;
	t->bits = 10 + (parity == 'E' || parity == 'O');
	t->char_us = ((int64_t)t->bits * 1000000 + baud - 1) / baud;
	t->silence_us = baud > 19200 ? 1750 : (t->char_us * 7 + 1) / 2;
	/* The request goes out after write() returns: count it, the silence,
	 * the board's turnaround and the adapter in the response timeout. */
	t->response_us = BUS_POLL_REQ * t->char_us + t->silence_us + BUS_MARGIN_US;
	t->byte_us = t->silence_us + BUS_MARGIN_US / 2;
}

int64_t
bus_wire_us(const struct bus_timing *t, int req_bytes, int rsp_bytes)
{
	return (int64_t)(req_bytes + rsp_bytes) * t->char_us + 2 * t->silence_us;
}

int
bus_key_is_dup(const struct bus_key *k, uint16_t boot, uint16_t seq,
    int64_t uptime, int64_t now)
{
	int64_t then, drift, slack;

	if (!k->valid || k->boot != boot || k->seq != seq || seq == 0)
		return 0;
	if (uptime < k->uptime)
		return 0;                /* the board reset since */
	then = k->at - k->uptime;    /* its boot instant, seen at the commit */
	drift = (now - uptime) - then;
	if (drift < 0)
		drift = -drift;
	slack = BUS_BOOT_SLACK_S + (now > k->at ? (now - k->at) / 1000 : 0);
	return drift <= slack;
}

/* ---- time ------------------------------------------------------------------ */

static int64_t
bus_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Sleep until monotonic time t (us); returns early on a stop request. */
static void
bus_sleep_until(int64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000,
	    .tv_nsec = (long)(t % 1000000) * 1000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* ---- messages ---------------------------------------------------------------- */

/* Send a message to the core (blocking: the core drains its pipe). */
static void
bus_post(bus_line *l, struct bus_msg *m)
{
	const char *p = (const char *)m;
	size_t off = 0;

	while (off < sizeof *m && !l->stopping) {
		ssize_t n = write(l->msg_wr, p + off, sizeof *m - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd[2] = { { .fd = l->msg_wr, .events = POLLOUT },
			    { .fd = l->stop_rd, .events = POLLIN } };
			(void)poll(pfd, 2, 100);
			continue;
		}
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

static void
bus_post_board(bus_line *l, struct lboard *b, int type, const char *text)
{
	struct bus_msg m;

	memset(&m, 0, sizeof m);
	m.type = type;
	m.address = b->conf.address;
	m.boot = b->boot;
	m.uptime = b->uptime;
	m.stats = b->st;
	if (text != NULL)
		snprintf(m.text, sizeof m.text, "%s", text);
	bus_post(l, &m);
}

/* ---- the port -------------------------------------------------------------------- */

static void
bus_close(bus_line *l, const char *why)
{
	struct bus_msg m;

	if (l->mb != NULL) {
		modbus_close(l->mb);
		modbus_free(l->mb);
		l->mb = NULL;
	}
	if (!l->open_failed) {
		memset(&m, 0, sizeof m);
		m.type = BUS_MSG_LINE_CLOSED;
		snprintf(m.text, sizeof m.text, "%s", why);
		bus_post(l, &m);
		l->open_failed = 1;
	}
	l->reopen_backoff = l->reopen_backoff ? l->reopen_backoff * 2 : BUS_REOPEN_MIN_MS;
	if (l->reopen_backoff > BUS_REOPEN_MAX_MS)
		l->reopen_backoff = BUS_REOPEN_MAX_MS;
	l->reopen_ms = bus_mono_us() / 1000 + l->reopen_backoff;
	/* No board can answer on a closed line: offline until it does. */
	for (int i = 0; i < l->nboards; i++) {
		struct lboard *b = &l->b[i];

		b->fails = 0;
		b->next_try_ms = 0;
		b->backoff_ms = 0;
		if (b->state == LB_ONLINE) {
			b->state = LB_OFFLINE;
			bus_post_board(l, b, BUS_MSG_OFFLINE, "line closed");
		}
	}
}

/* Open the port; 0, or -1 (closed message sent once). */
static int
bus_open(bus_line *l)
{
	struct bus_msg m;
	char why[128];
	modbus_t *mb;

	mb = modbus_new_rtu(l->conf.port, l->conf.baud, l->conf.parity, 8, 1);
	if (mb == NULL) {
		snprintf(why, sizeof why, "%s", modbus_strerror(errno));
		bus_close(l, why);
		return -1;
	}
	if (modbus_connect(mb) != 0) {
		snprintf(why, sizeof why, "%s", modbus_strerror(errno));
		modbus_free(mb);
		bus_close(l, why);
		return -1;
	}
	if (l->conf.rs485 && modbus_rtu_set_serial_mode(mb, MODBUS_RTU_RS485) != 0) {
		snprintf(why, sizeof why, "RS-485 mode: %s", modbus_strerror(errno));
		modbus_close(mb);
		modbus_free(mb);
		bus_close(l, why);
		return -1;
	}
	modbus_set_error_recovery(mb, MODBUS_ERROR_RECOVERY_NONE);
	modbus_set_response_timeout(mb, (uint32_t)(l->tm.response_us / 1000000),
	    (uint32_t)(l->tm.response_us % 1000000));
	modbus_set_byte_timeout(mb, (uint32_t)(l->tm.byte_us / 1000000),
	    (uint32_t)(l->tm.byte_us % 1000000));
	l->mb = mb;
	l->open_failed = 0;
	l->reopen_backoff = 0;
	l->last_end_us = bus_mono_us();
	memset(&m, 0, sizeof m);
	m.type = BUS_MSG_LINE_OPEN;
	m.text[0] = '\0';
	bus_post(l, &m);
	return 0;
}

int
bus_port_gone(int fd, int e)
{
	struct pollfd p;
	struct termios t;

	if (e == EIO || e == ENXIO || e == ENODEV || e == EBADF || e == EPIPE)
		return 1;
	if (e != ECONNRESET)
		return 0;
	/* libmodbus's name for a read that gave 0 bytes: ask the port itself. */
	if (fd < 0)
		return 1;
	p.fd = fd;
	p.events = POLLIN | POLLOUT;
	p.revents = 0;
	if (poll(&p, 1, 0) < 0 || (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
		return 1;
	return tcgetattr(fd, &t) != 0;
}

/* ---- boards ------------------------------------------------------------------------ */

/* Mark the whole display of b to be written again (not the flash). */
static void
bus_resync(struct lboard *b)
{
	b->dirty = 0;
	switch (b->conf.role) {
	case BOARD_ROLE_NUMBER:
	case BOARD_ROLE_CALLER:
		b->dirty |= 1u << BOARD_HR_NUMBER | 1u << BOARD_HR_BRIGHTNESS |
		    1u << BOARD_HR_LAMP;
		break;
	case BOARD_ROLE_RATING:
		b->dirty |= 1u << BOARD_HR_BRIGHTNESS | 1u << BOARD_HR_PROMPT;
		break;
	case BOARD_ROLE_HALL:
		b->dirty |= 1u << BOARD_HR_BRIGHTNESS;
		for (int r = BOARD_HR_HALL_BASE; r < BOARD_HR_UNLOCK; r++)
			b->dirty |= 1u << r;
		break;
	default:
		break;
	}
	if (b->flash_once)
		b->dirty |= 1u << BOARD_HR_FLASH;
	b->counter_checked = 0;
}

static struct lboard *
bus_board(bus_line *l, int address)
{
	for (int i = 0; i < l->nboards; i++)
		if (l->b[i].conf.address == address)
			return &l->b[i];
	return NULL;
}

/* Record the outcome of a transaction with b (rc < 0: failed, errno set). */
static void
bus_outcome(bus_line *l, struct lboard *b, int rc, int e, const char *what)
{
	int64_t now_ms = bus_mono_us() / 1000;

	if (rc >= 0) {
		b->st.polls++;
		b->fails = 0;
		b->backoff_ms = 0;
		if (b->state != LB_ONLINE) {
			b->state = LB_ONLINE;
			bus_resync(b);
			b->next_diag_ms = 0;
			bus_post_board(l, b, BUS_MSG_ONLINE, NULL);
		}
		return;
	}
	if (e >= EMBXILFUN && e <= EMBXGTAR) {
		/* An exception: the board is there and refused this request. */
		b->st.errors++;
		snprintf(b->why, sizeof b->why, "%s: %s", what, modbus_strerror(e));
		bus_outcome(l, b, 0, 0, what);
		b->st.polls--;
		return;
	}
	if (e == ETIMEDOUT)
		b->st.timeouts++;
	else if (e == EMBBADCRC)
		b->st.crc_errors++;
	else
		b->st.errors++;
	snprintf(b->why, sizeof b->why, "%s: %s", what, modbus_strerror(e));
	b->fails++;
	if (b->fails >= BUS_FAILS_OFFLINE) {
		if (b->state != LB_OFFLINE) {
			b->state = LB_OFFLINE;
			bus_post_board(l, b, BUS_MSG_OFFLINE, b->why);
		}
		b->backoff_ms = b->backoff_ms ? b->backoff_ms * 2 : BUS_BACKOFF_MIN_MS;
		if (b->backoff_ms > BUS_BACKOFF_MAX_MS)
			b->backoff_ms = BUS_BACKOFF_MAX_MS;
		b->next_try_ms = now_ms + b->backoff_ms;
	}
	bus_post_board(l, b, BUS_MSG_STATS, b->why);
}

/*
 * Before a transaction: keep the silence after the last one and select the
 * slave.  After it: last the wire time at least; on an error let the line go
 * quiet and drop what arrived.
 */
static void
bus_pre(bus_line *l, int address)
{
	int64_t t = l->last_end_us + l->tm.silence_us;

	if (bus_mono_us() < t)
		bus_sleep_until(t);
	modbus_set_slave(l->mb, address);
}

static void
bus_post_tx(bus_line *l, int64_t start, int req, int rsp, int rc)
{
	int64_t min_end = start + (int64_t)(req + rsp) * l->tm.char_us + l->tm.silence_us;

	if (rc < 0 && l->mb != NULL) {
		/* a late or broken answer must not be read as the next one */
		int64_t quiet = bus_mono_us() + (int64_t)rsp * l->tm.char_us + l->tm.silence_us;
		bus_sleep_until(quiet);
		modbus_flush(l->mb);
	}
	if (bus_mono_us() < min_end)
		bus_sleep_until(min_end);
	l->last_end_us = bus_mono_us();
}

/* One transaction; returns the libmodbus rc, errno kept in *e. */
static int
bus_tx_read(bus_line *l, struct lboard *b, int fc, int addr, int n, uint16_t *out, int *e)
{
	int64_t start;
	int rc;

	bus_pre(l, b->conf.address);
	start = bus_mono_us();
	rc = fc == 4 ? modbus_read_input_registers(l->mb, addr, n, out) :
	    modbus_read_registers(l->mb, addr, n, out);
	*e = errno;
	bus_post_tx(l, start, BUS_POLL_REQ, 5 + 2 * n, rc);
	return rc;
}

static int
bus_tx_write(bus_line *l, struct lboard *b, int addr, int n, const uint16_t *v, int *e)
{
	int64_t start;
	int rc;

	bus_pre(l, b->conf.address);
	start = bus_mono_us();
	if (n == 1)
		rc = modbus_write_register(l->mb, addr, v[0]);
	else
		rc = modbus_write_registers(l->mb, addr, n, v);
	*e = errno;
	bus_post_tx(l, start, n == 1 ? BUS_ACK_REQ : BUS_WRITE_REQ(n),
	    BUS_WRITE_RSP, rc);
	return rc;
}

/*
 * A port-level error closes the line; 1 when it did.  A 0-byte read on a
 * port that is still there is no answer: *e becomes ETIMEDOUT.
 */
static int
bus_check_port(bus_line *l, int rc, int *e)
{
	char why[128];

	if (rc >= 0)
		return 0;
	if (!bus_port_gone(modbus_get_socket(l->mb), *e)) {
		if (*e == ECONNRESET)
			*e = ETIMEDOUT;
		return 0;
	}
	snprintf(why, sizeof why, "%s", strerror(*e));
	bus_close(l, why);
	return 1;
}

/* Poll b: one FC04 of the 9 poll registers; report a new head. */
static int
bus_poll(bus_line *l, struct lboard *b)
{
	uint16_t r[BOARD_IR_POLL_COUNT];
	uint32_t uptime;
	int rc, e;

	rc = bus_tx_read(l, b, 4, 0, BOARD_IR_POLL_COUNT, r, &e);
	if (bus_check_port(l, rc, &e))
		return -1;
	if (rc == BOARD_IR_POLL_COUNT) {
		uptime = (uint32_t)r[BOARD_IR_UPTIME_HI] << 16 | r[BOARD_IR_UPTIME_LO];
		if (b->seen && (r[BOARD_IR_BOOT_COUNT] != b->boot || uptime < b->uptime)) {
			/* The board reset: its FIFO is new, a due ack is void. */
			b->ack_due = 0;
			b->epoch++;
			if (b->state == LB_ONLINE)
				bus_resync(b);
		}
		b->boot = r[BOARD_IR_BOOT_COUNT];
		b->uptime = uptime;
		b->seen = 1;
	} else if (rc >= 0) {
		rc = -1;
		e = EMBBADDATA;
	}
	bus_outcome(l, b, rc, e, "poll");
	if (rc < 0)
		return -1;
	if (r[BOARD_IR_STATUS] & BOARD_ST_WAS_OFFLINE) {
		/* It showed "offline": send everything again, then clear the
		 * bit (it stays set until acknowledged, so a lost reply above
		 * only means this is done once more).  Firmware 1.0 cleared it
		 * on the read and refuses the ack: its exception is counted. */
		uint16_t v = BOARD_ST_WAS_OFFLINE;

		bus_resync(b);
		rc = bus_tx_write(l, b, BOARD_HR_STATUS_ACK, 1, &v, &e);
		if (bus_check_port(l, rc, &e))
			return -1;
		bus_outcome(l, b, rc, e, "status ack");
		if (rc < 0 && !(e >= EMBXILFUN && e <= EMBXGTAR))
			return -1;   /* the next poll shows it again */
	}
	if (b->ack_due) {
		if (r[BOARD_IR_EVT_SEQ] == b->ack_seq && r[BOARD_IR_BOOT_COUNT] == b->ack_boot) {
			uint16_t v = b->ack_seq;
			rc = bus_tx_write(l, b, BOARD_HR_EVT_ACK, 1, &v, &e);
			if (bus_check_port(l, rc, &e))
				return -1;
			bus_outcome(l, b, rc, e, "ack");
			if (rc < 0)
				return -1;   /* stays due: the next poll tries again */
			b->st.acks++;
		}
		/* acked now, or the head is no longer that event */
		b->ack_due = 0;
		b->ev_pending = 0;
		return 0;
	}
	if (r[BOARD_IR_EVT_SEQ] != 0 && !b->ev_pending) {
		struct bus_msg m;

		memset(&m, 0, sizeof m);
		m.type = BUS_MSG_EVENT;
		m.address = b->conf.address;
		m.status = r[BOARD_IR_STATUS];
		m.seq = r[BOARD_IR_EVT_SEQ];
		m.code = r[BOARD_IR_EVT_CODE];
		m.value = r[BOARD_IR_EVT_VALUE];
		m.age = r[BOARD_IR_EVT_AGE];
		m.boot = b->boot;
		m.uptime = b->uptime;
		m.read_ms = bus_mono_us() / 1000;
		m.epoch = b->epoch;
		b->ev_pending = 1;
		bus_post(l, &m);
	}
	return 0;
}

/* Write the dirty display registers of b (one FC16 of their span). */
static int
bus_write_display(bus_line *l, struct lboard *b)
{
	uint16_t v[BOARD_HR_UNLOCK];
	int lo = -1, hi = -1, rc, e, n;

	/* The first run of consecutive dirty registers (never a clean one). */
	for (int r = 1; r < BOARD_HR_UNLOCK; r++)
		if (b->dirty & 1u << r) {
			if (lo < 0)
				lo = r;
			hi = r;
		} else if (lo >= 0) {
			break;
		}
	if (lo < 0)
		return 0;
	n = hi - lo + 1;
	for (int i = 0; i < n; i++)
		v[i] = b->want[lo + i];
	rc = bus_tx_write(l, b, lo, n, v, &e);
	if (bus_check_port(l, rc, &e))
		return -1;
	bus_outcome(l, b, rc, e, "write");
	if (rc < 0 && !(e >= EMBXILFUN && e <= EMBXGTAR))
		return -1;               /* retried; an exception is not */
	for (int r = lo; r <= hi; r++)
		b->dirty &= ~(1u << r);
	if (lo <= BOARD_HR_FLASH && hi >= BOARD_HR_FLASH)
		b->flash_once = 0;
	b->st.writes++;
	return 0;
}

/* After (re)connecting: make the board's stored counter number right. */
static int
bus_check_counter(bus_line *l, struct lboard *b)
{
	uint16_t cur, v;
	int rc, e;

	b->counter_checked = 1;
	if (b->conf.counter <= 0 || b->conf.role == BOARD_ROLE_HALL)
		return 0;
	rc = bus_tx_read(l, b, 3, BOARD_HR_CFG_COUNTER, 1, &cur, &e);
	if (bus_check_port(l, rc, &e))
		return -1;
	bus_outcome(l, b, rc, e, "read counter");
	if (rc < 0) {
		b->counter_checked = e >= EMBXILFUN && e <= EMBXGTAR;
		return -1;
	}
	if (cur == b->conf.counter)
		return 0;
	{
		static const int regs[4] = { BOARD_HR_UNLOCK, BOARD_HR_UNLOCK,
		    BOARD_HR_CFG_COUNTER, BOARD_HR_CFG_COMMIT };
		const uint16_t vals[4] = { BOARD_UNLOCK_KEY1, BOARD_UNLOCK_KEY2,
		    (uint16_t)b->conf.counter, BOARD_COMMIT_SAVE };
		for (int i = 0; i < 4; i++) {
			v = vals[i];
			rc = bus_tx_write(l, b, regs[i], 1, &v, &e);
			if (bus_check_port(l, rc, &e))
				return -1;
			bus_outcome(l, b, rc, e, "set counter");
			if (rc < 0) {
				b->counter_checked = e >= EMBXILFUN && e <= EMBXGTAR;
				return -1;
			}
		}
	}
	return 0;
}

/* Read the board's own counters and report them. */
static void
bus_diag(bus_line *l, struct lboard *b)
{
	uint16_t r[BUS_DIAG_COUNT];
	int rc, e;

	b->next_diag_ms = bus_mono_us() / 1000 + BUS_DIAG_EVERY_MS;
	rc = bus_tx_read(l, b, 4, BUS_DIAG_FIRST, BUS_DIAG_COUNT, r, &e);
	if (bus_check_port(l, rc, &e))
		return;
	bus_outcome(l, b, rc, e, "diagnostics");
	if (rc == BUS_DIAG_COUNT) {
		b->st.role = r[BOARD_IR_ROLE - BUS_DIAG_FIRST];
		b->st.fw_version = r[BOARD_IR_FW_VERSION - BUS_DIAG_FIRST];
		b->st.serial_hi = r[BOARD_IR_SERIAL_HI - BUS_DIAG_FIRST];
		b->st.serial_lo = r[BOARD_IR_SERIAL_LO - BUS_DIAG_FIRST];
		b->st.crc_seen = r[BOARD_IR_CRC_ERRORS - BUS_DIAG_FIRST];
		b->st.frame_errors = r[BOARD_IR_FRAME_ERRORS - BUS_DIAG_FIRST];
		b->st.overruns = r[BOARD_IR_OVERRUNS - BUS_DIAG_FIRST];
		b->st.wdt_resets = r[BOARD_IR_WDT_RESETS - BUS_DIAG_FIRST];
		b->st.bus_msgs = r[BOARD_IR_BUS_MSGS - BUS_DIAG_FIRST];
		b->st.slave_msgs = r[BOARD_IR_SLAVE_MSGS - BUS_DIAG_FIRST];
		b->st.exceptions = r[BOARD_IR_EXCEPTIONS - BUS_DIAG_FIRST];
		b->st.dropped = r[BOARD_IR_EVT_DROPPED - BUS_DIAG_FIRST];
	}
	b->st.boot = b->boot;
	b->st.uptime = b->uptime;
	bus_post_board(l, b, BUS_MSG_STATS, b->why[0] ? b->why : NULL);
}

/* ---- commands from the core ----------------------------------------------------------- */

static void
bus_command(bus_line *l, const struct bus_cmd *c)
{
	struct lboard *b = bus_board(l, c->address);

	if (b == NULL)
		return;
	switch (c->type) {
	case BUS_CMD_WRITE:
		if (c->start < 1 || c->count < 1 || c->count > BUS_MAX_REGS ||
		    c->start + c->count > BOARD_HR_UNLOCK)
			return;
		for (int i = 0; i < c->count; i++) {
			int r = c->start + i;
			b->want[r] = c->values[i];
			b->dirty |= 1u << r;
			if (r == BOARD_HR_FLASH)
				b->flash_once = c->values[i] != 0;
		}
		break;
	case BUS_CMD_ACK:
		if (c->epoch != b->epoch) {
			/* read before a reset: the head now is another event */
			b->ev_pending = 0;
			break;
		}
		b->ack_due = 1;
		b->ack_boot = c->boot;
		b->ack_seq = c->seq;
		break;
	case BUS_CMD_RELEASE:
		b->ev_pending = 0;
		b->ack_due = 0;
		break;
	default:
		break;
	}
}

/* Read every whole command waiting; -1 when the pipe is closed. */
static int
bus_drain(bus_line *l)
{
	ssize_t n;

	for (;;) {
		n = read(l->cmd_rd, l->cbuf + l->chave, sizeof l->cbuf - l->chave);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0;            /* EAGAIN: nothing more now */
		if (n == 0)
			return -1;
		l->chave += (size_t)n;
		if (l->chave == sizeof l->cbuf) {
			struct bus_cmd c;
			memcpy(&c, l->cbuf, sizeof c);
			l->chave = 0;
			bus_command(l, &c);
		}
	}
}

/* ---- the loop ---------------------------------------------------------------------------- */

/* The board that needs something most, and what: 2 write, 1 ack, 3 counter. */
static struct lboard *
bus_urgent(bus_line *l, int *what)
{
	/* Displays first: a called number is what people wait for; the
	 * ack only frees the board's FIFO slot. */
	for (int i = 0; i < l->nboards; i++)
		if (l->b[i].dirty && l->b[i].state == LB_ONLINE) {
			*what = 2;
			return &l->b[i];
		}
	for (int i = 0; i < l->nboards; i++)
		if (l->b[i].ack_due && l->b[i].state != LB_OFFLINE) {
			*what = 1;
			return &l->b[i];
		}
	for (int i = 0; i < l->nboards; i++)
		if (!l->b[i].counter_checked && l->b[i].state == LB_ONLINE) {
			*what = 3;
			return &l->b[i];
		}
	return NULL;
}

/* The next board to poll in the round robin, or NULL (sleep *wait_ms). */
static struct lboard *
bus_next_poll(bus_line *l, int64_t *wait_ms)
{
	int64_t now_ms = bus_mono_us() / 1000, soonest = -1;

	for (int pass = 0; pass < 2; pass++) {
		while (l->rr < l->nboards) {
			struct lboard *b = &l->b[l->rr++];

			if (b->state == LB_OFFLINE && b->next_try_ms > now_ms) {
				if (soonest < 0 || b->next_try_ms < soonest)
					soonest = b->next_try_ms;
				continue;
			}
			return b;
		}
		/* A whole cycle is done. */
		if (l->cycle_polls > 0) {
			struct bus_msg m;

			memset(&m, 0, sizeof m);
			m.type = BUS_MSG_CYCLE;
			m.value_us = bus_mono_us() - l->cycle_start_us;
			m.address = l->cycle_polls;
			bus_post(l, &m);
		}
		l->cycle_start_us = bus_mono_us();
		l->cycle_polls = 0;
		l->cycle_diag = 0;
		l->rr = 0;
	}
	*wait_ms = soonest < 0 ? 1000 : soonest - now_ms;
	return NULL;
}

/* Wait for a command or a stop, at most ms. */
static void
bus_wait(bus_line *l, int64_t ms)
{
	struct pollfd pfd[2] = { { .fd = l->cmd_rd, .events = POLLIN },
	    { .fd = l->stop_rd, .events = POLLIN } };

	if (ms < 0)
		ms = 0;
	if (ms > 1000)
		ms = 1000;
	(void)poll(pfd, 2, (int)ms);
}

static void *
bus_thread(void *arg)
{
	bus_line *l = arg;

	l->cycle_start_us = bus_mono_us();
	while (!l->stopping) {
		struct lboard *b;
		int what = 0;
		int64_t wait_ms = 0;

		if (bus_drain(l) < 0)
			break;
		if (l->mb == NULL) {
			int64_t now_ms = bus_mono_us() / 1000;
			if (now_ms < l->reopen_ms) {
				bus_wait(l, l->reopen_ms - now_ms);
				continue;
			}
			if (bus_open(l) != 0)
				continue;
		}
		if ((b = bus_urgent(l, &what)) != NULL) {
			if (what == 1)
				(void)bus_poll(l, b);        /* polls, then acks */
			else if (what == 2)
				(void)bus_write_display(l, b);
			else
				(void)bus_check_counter(l, b);
			continue;
		}
		if ((b = bus_next_poll(l, &wait_ms)) == NULL) {
			bus_wait(l, wait_ms);
			continue;
		}
		/* At most one diagnostics read a cycle, so cycles stay even. */
		if (b->state == LB_ONLINE && !l->cycle_diag &&
		    b->next_diag_ms <= bus_mono_us() / 1000) {
			l->cycle_diag = 1;
			bus_diag(l, b);
		}
		if (l->mb != NULL) {
			(void)bus_poll(l, b);
			l->cycle_polls++;
		}
	}
	return NULL;
}

/* ---- life ------------------------------------------------------------------------------------ */

static int
bus_pipe(int fds[2], int nonblock_rd, int nonblock_wr)
{
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	if (nonblock_rd)
		fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	if (nonblock_wr)
		fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
	return 0;
}

bus_line *
bus_line_start(const struct bus_line_conf *conf, char *err, size_t errlen)
{
	bus_line *l;
	int cmd[2], msg[2], stp[2];

	if (conf->nboards < 0 || conf->nboards > BUS_MAX_BOARDS) {
		snprintf(err, errlen, "line %s: bad number of boards", conf->id);
		return NULL;
	}
	if (conf->parity != 'N' && conf->parity != 'E' && conf->parity != 'O') {
		snprintf(err, errlen, "line %s: parity must be N, E or O", conf->id);
		return NULL;
	}
	if (bus_pipe(cmd, 1, 1) != 0 || bus_pipe(msg, 1, 1) != 0 || bus_pipe(stp, 1, 1) != 0) {
		snprintf(err, errlen, "line %s: pipe: %s", conf->id, strerror(errno));
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	l->conf = *conf;
	bus_timing_of(conf->baud, conf->parity, &l->tm);
	l->cmd_rd = cmd[0];
	l->cmd_wr = cmd[1];
	l->msg_rd = msg[0];
	l->msg_wr = msg[1];
	l->stop_rd = stp[0];
	l->stop_wr = stp[1];
	l->open_failed = 0;
	l->nboards = conf->nboards;
	l->b = xcalloc(conf->nboards > 0 ? (size_t)conf->nboards : 1, sizeof *l->b);
	for (int i = 0; i < conf->nboards; i++) {
		struct lboard *b = &l->b[i];
		b->conf = conf->boards[i];
		b->want[BOARD_HR_NUMBER] = 0xFFFF;
		b->want[BOARD_HR_BRIGHTNESS] = BUS_BRIGHTNESS;
		b->want[BOARD_HR_LAMP] = BOARD_LAMP_OFF;
		for (int r = 0; r < BOARD_HALL_ROWS; r++)
			b->want[BOARD_HR_HALL_BASE + 2 * r] = 0xFFFF;
	}
	if (pthread_create(&l->thread, NULL, bus_thread, l) != 0) {
		snprintf(err, errlen, "line %s: cannot start its thread", conf->id);
		l->running = 0;
		bus_line_stop(l);
		return NULL;
	}
	l->running = 1;
	return l;
}

void
bus_line_stop(bus_line *l)
{
	if (l == NULL)
		return;
	l->stopping = 1;
	if (l->running) {
		(void)write(l->stop_wr, "x", 1);
		pthread_join(l->thread, NULL);
	}
	if (l->mb != NULL) {
		modbus_close(l->mb);
		modbus_free(l->mb);
	}
	close(l->cmd_rd);
	close(l->cmd_wr);
	close(l->msg_rd);
	close(l->msg_wr);
	close(l->stop_rd);
	close(l->stop_wr);
	free(l->b);
	free(l);
}

int
bus_line_fd(const bus_line *l)
{
	return l->msg_rd;
}

int
bus_line_cmd_fd(const bus_line *l)
{
	return l->cmd_wr;
}

int
bus_line_read(bus_line *l, struct bus_msg *m)
{
	ssize_t n;

	/* Messages are written whole (< PIPE_BUF) and read whole. */
	do
		n = read(l->msg_rd, m, sizeof *m);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return -1;
	if ((size_t)n != sizeof *m)
		return -1;
	return 1;
}

int
bus_line_send(bus_line *l, const struct bus_cmd *c)
{
	ssize_t n;

	do
		n = write(l->cmd_wr, c, sizeof *c);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	return (size_t)n == sizeof *c ? 0 : -1;
}
