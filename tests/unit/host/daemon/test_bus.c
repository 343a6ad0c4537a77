/*
 * test_bus.c - unit tests of host/daemon/dev/bus.c's pure parts: timing from the baud
 * rate and the frame sizes, and the exactly-once rule for event keys; then
 * when a failed read means the port is gone (bus_port_gone on a real pty
 * pair), and one line thread on a real pty whose other side this test
 * plays: a board that says nothing or half an answer, a read that gives 0
 * bytes on the live line (an end-of-file character in canonical mode, what
 * libmodbus reports as ECONNRESET) — none of them may close the line — and
 * the other side really closing (closed, then reopened when a pty is back
 * at the port's path).  The line with real boards is tested against the
 * board simulator (tests/integration/bus/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/loop.h"
#include "daemon/dev/bus.h"
#include "firmware/proto/board_regs.h"

static void
test_timing(void **state)
{
	struct bus_timing t;

	(void)state;
	/* 19,200 8E1: 11 bits, 573 us a character, 3.5 characters of silence. */
	bus_timing_of(19200, 'E', &t);
	assert_int_equal(t.bits, 11);
	assert_int_equal(t.char_us, 573);
	assert_int_equal(t.silence_us, 2006);
	/* 8N1: 10 bits. */
	bus_timing_of(19200, 'N', &t);
	assert_int_equal(t.bits, 10);
	assert_int_equal(t.char_us, 521);
	/* Above 19,200 the silence is fixed at 1,750 us. */
	bus_timing_of(115200, 'N', &t);
	assert_int_equal(t.char_us, 87);
	assert_int_equal(t.silence_us, 1750);
	/* The response timeout covers the request, the silence and the margin,
	 * and stays far below libmodbus's 500 ms default. */
	assert_true(t.response_us >= BUS_POLL_REQ * t.char_us + t.silence_us);
	assert_true(t.response_us < 50000);
	bus_timing_of(9600, 'E', &t);
	assert_true(t.response_us < 50000);
	assert_true(t.byte_us > t.silence_us);
	/* A bad baud falls back to the boards' default. */
	bus_timing_of(0, 'N', &t);
	assert_int_equal(t.char_us, 521);
}

static void
test_frames(void **state)
{
	struct bus_timing t;

	(void)state;
	/* FC04 of 9: request 8 bytes, answer 1+1+1+18+2 = 23. */
	assert_int_equal(BUS_POLL_RSP, 3 + 2 * BOARD_IR_POLL_COUNT + 2);
	assert_int_equal(BUS_WRITE_REQ(2), 13);
	/* The firmware's figure: a poll is 17.8 ms of wire at 19,200 (11 bits). */
	bus_timing_of(19200, 'E', &t);
	assert_int_equal(bus_wire_us(&t, BUS_POLL_REQ, BUS_POLL_RSP),
	    31 * 573 + 2 * 2006);
	assert_true(bus_wire_us(&t, BUS_POLL_REQ, BUS_POLL_RSP) / 1000 == 21);
}

static void
test_dup(void **state)
{
	/* Committed at wall 1000 from a read at board uptime 100 (boot at 900). */
	struct bus_key k = { .valid = 1, .boot = 5, .seq = 7, .uptime = 100, .at = 1000 };
	struct bus_key none = { 0 };

	(void)state;
	/* The same head again, read later: a duplicate. */
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 100, 1000), 1);
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 160, 1060), 1);
	/* ... also a day later within the clock slack. */
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 100 + 86400, 1000 + 86400 + 40), 1);
	/* The next event, another boot, no key at all: new. */
	assert_int_equal(bus_key_is_dup(&k, 5, 8, 160, 1060), 0);
	assert_int_equal(bus_key_is_dup(&k, 6, 7, 160, 1060), 0);
	assert_int_equal(bus_key_is_dup(&none, 5, 7, 100, 1000), 0);
	assert_int_equal(bus_key_is_dup(&k, 5, 0, 100, 1000), 0);
	/* Same boot count and seq after a reset that kept the count (a board
	 * with a blank NVM, a restarted simulator): its uptime went back. */
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 20, 1100), 0);
	/* ... or its boot instant moved on: it booted at 1500, read at 1700. */
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 200, 1700), 0);
	/* Within the slack the boot instant is the same one. */
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 200, 1100 + BUS_BOOT_SLACK_S), 1);
	assert_int_equal(bus_key_is_dup(&k, 5, 7, 200, 1100 + BUS_BOOT_SLACK_S + 1), 0);
}

/* A pty pair: the master (ours) and the slave's name; -1 on failure. */
static int
pty_open(char *name, size_t size)
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (grantpt(fd) || unlockpt(fd) || ptsname_r(fd, name, size)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
test_port_gone(void **state)
{
	char name[64];
	int m, s;

	(void)state;
	m = pty_open(name, sizeof name);
	assert_true(m >= 0);
	s = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK);
	assert_true(s >= 0);
	/* A live line: a 0-byte read (ECONNRESET) or a timeout is no answer. */
	assert_int_equal(bus_port_gone(s, ECONNRESET), 0);
	assert_int_equal(bus_port_gone(s, ETIMEDOUT), 0);
	assert_int_equal(bus_port_gone(s, EPROTO), 0);
	/* The port's own errors are the port's. */
	assert_int_equal(bus_port_gone(s, EIO), 1);
	assert_int_equal(bus_port_gone(s, ENXIO), 1);
	assert_int_equal(bus_port_gone(-1, ECONNRESET), 1);
	/* The other side closed: the slave hangs up, the port is gone. */
	close(m);
	assert_int_equal(bus_port_gone(s, ECONNRESET), 1);
	assert_int_equal(bus_port_gone(s, ETIMEDOUT), 0);
	close(s);
	/* Not a tty at all (a path that became a file). */
	s = open("/dev/null", O_RDWR);
	assert_true(s >= 0);
	assert_int_equal(bus_port_gone(s, ECONNRESET), 1);
	close(s);
}

/* ---- a line thread on a pty whose other side is this test ------------------ */

enum peer_mode { PEER_SILENT, PEER_SHORT, PEER_EOF };

struct rig {
	char dir[64], link[128], name[64];
	int master;
	bus_line *l;
	int opened, closed;          /* LINE_OPEN / LINE_CLOSED seen */
	int requests;                /* reads of requests on the master */
	struct bus_board_stats st;   /* board 1's last STATS */
	int stats;                   /* STATS seen */
};

/* Point r->link at a new pty (atomically); 0 or -1. */
static int
rig_pty(struct rig *r)
{
	char tmp[160];

	r->master = pty_open(r->name, sizeof r->name);
	if (r->master < 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.new", r->link);
	(void)unlink(tmp);
	if (symlink(r->name, tmp) || rename(tmp, r->link))
		return -1;
	return 0;
}

/*
 * Play the board side in mode and take the line's messages until done(r)
 * or timeout_ms; 1 when done.  In PEER_EOF the first request is answered
 * with the end-of-file character, the others with nothing.
 */
static int
rig_run(struct rig *r, enum peer_mode mode, int (*done)(const struct rig *),
    int timeout_ms)
{
	int64_t end = loop_now_ms() + timeout_ms;
	int eof_sent = 0;

	while (!done(r)) {
		struct pollfd p[2] = {
			{ .fd = bus_line_fd(r->l), .events = POLLIN },
			{ .fd = r->master, .events = POLLIN },
		};
		int left = (int)(end - loop_now_ms());
		unsigned char buf[256];
		struct bus_msg m;

		if (left <= 0)
			return 0;
		if (poll(p, r->master >= 0 ? 2 : 1, left) < 0)
			return 0;
		if (p[0].revents & POLLIN) {
			if (bus_line_read(r->l, &m) != 1)
				return 0;
			if (m.type == BUS_MSG_LINE_OPEN)
				r->opened++;
			else if (m.type == BUS_MSG_LINE_CLOSED)
				r->closed++;
			else if (m.type == BUS_MSG_STATS && m.address == 1) {
				r->st = m.stats;
				r->stats++;
			}
		}
		if (r->master >= 0 && (p[1].revents & POLLIN) &&
		    read(r->master, buf, sizeof buf) > 0) {
			static const unsigned char half[] = { 0x01, 0x04, 0x12 };
			static const unsigned char eof[] = { 0x04 };

			r->requests++;
			if (mode == PEER_SHORT)
				assert_int_equal(write(r->master, half, sizeof half), 3);
			else if (mode == PEER_EOF && !eof_sent) {
				assert_int_equal(write(r->master, eof, 1), 1);
				eof_sent = 1;
			}
		}
	}
	return 1;
}

static int
is_open(const struct rig *r)
{
	return r->opened > 0 && r->closed == 0;
}

static int
three_timeouts(const struct rig *r)
{
	return r->closed > 0 || r->st.timeouts >= 3;
}

static int
four_timeouts(const struct rig *r)
{
	return r->closed > 0 || r->st.timeouts >= 4;
}

static int
five_timeouts(const struct rig *r)
{
	return r->closed > 0 || r->st.timeouts >= 5;
}

static int
is_closed(const struct rig *r)
{
	return r->closed > 0;
}

static int
is_reopened(const struct rig *r)
{
	return r->opened > 1;
}

static struct rig r;

/* After test_line_pty, also when an assertion stopped it: the thread, the
   pty, the link and its folder. */
static int
line_pty_teardown(void **state)
{
	(void)state;
	if (r.l != NULL)
		bus_line_stop(r.l);
	r.l = NULL;
	if (r.master >= 0)
		close(r.master);
	r.master = -1;
	if (r.link[0] != '\0')
		(void)unlink(r.link);
	if (r.dir[0] != '\0')
		(void)rmdir(r.dir);
	return 0;
}

static void
test_line_pty(void **state)
{
	struct bus_line_conf conf;
	struct termios t;
	char err[128];
	int s;

	(void)state;
	memset(&r, 0, sizeof r);
	r.master = -1;
	snprintf(r.dir, sizeof r.dir, "/tmp/onestop-busXXXXXX");
	assert_non_null(mkdtemp(r.dir));
	snprintf(r.link, sizeof r.link, "%s/line", r.dir);
	assert_int_equal(rig_pty(&r), 0);

	memset(&conf, 0, sizeof conf);
	snprintf(conf.id, sizeof conf.id, "test");
	snprintf(conf.port, sizeof conf.port, "%s", r.link);
	/* 1,200 baud: a response timeout of 125 ms, far above this test's turn. */
	conf.baud = 1200;
	conf.parity = 'N';
	conf.nboards = 1;
	conf.boards[0].address = 1;
	conf.boards[0].role = BOARD_ROLE_NUMBER;
	r.l = bus_line_start(&conf, err, sizeof err);
	assert_non_null(r.l);
	assert_int_equal(rig_run(&r, PEER_SILENT, is_open, 10000), 1);

	/* No board answers: three timeouts, the line stays open. */
	assert_int_equal(rig_run(&r, PEER_SILENT, three_timeouts, 20000), 1);
	assert_int_equal(r.closed, 0);
	assert_true(r.requests >= 3);
	/* Half an answer, then nothing: timeouts again, still open. */
	assert_int_equal(rig_run(&r, PEER_SHORT, four_timeouts, 20000), 1);
	assert_int_equal(r.closed, 0);

	/* A 0-byte read on the live line: libmodbus says ECONNRESET.  In
	 * canonical mode an end-of-file character makes read() return 0. */
	s = open(r.name, O_RDWR | O_NOCTTY | O_NONBLOCK);
	assert_true(s >= 0);
	assert_int_equal(tcgetattr(s, &t), 0);
	t.c_lflag |= ICANON;
	t.c_cc[VEOF] = 0x04;
	assert_int_equal(tcsetattr(s, TCSANOW, &t), 0);
	assert_int_equal(rig_run(&r, PEER_EOF, five_timeouts, 20000), 1);
	assert_int_equal(r.closed, 0);
	assert_int_equal(r.opened, 1);
	close(s);

	/* The other side really closes: the line is closed... */
	close(r.master);
	r.master = -1;
	assert_int_equal(rig_run(&r, PEER_SILENT, is_closed, 20000), 1);
	assert_int_equal(r.closed, 1);
	/* ... and opened again when a pty is back at the path. */
	assert_int_equal(rig_pty(&r), 0);
	assert_int_equal(rig_run(&r, PEER_SILENT, is_reopened, 20000), 1);
	assert_int_equal(r.opened, 2);

	bus_line_stop(r.l);
	r.l = NULL;
	close(r.master);
	r.master = -1;
	assert_int_equal(unlink(r.link), 0);
	assert_int_equal(rmdir(r.dir), 0);
	r.link[0] = r.dir[0] = '\0';
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timing),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_port_gone),
		cmocka_unit_test_teardown(test_line_pty, line_pty_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
