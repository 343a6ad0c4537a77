/*
 * mbconf.c - Modbus conformance of the counter boards, as an independent
 * master (libmodbus) over a serial line (a pty of the simulator, or qemu's).
 *
 *   mbconf PORT SPEC [CONTROL]
 *
 * SPEC lists the boards on the line, ADDR:ROLE[,ADDR:ROLE...].  Without
 * CONTROL (the simulator's control socket) only what a master alone can do
 * is tested: every register read and written, exceptions, FC08, FC43/14,
 * bad CRC, truncated frames, garbage, merged frames, broadcast, address and
 * configuration change.  With CONTROL also key presses and the poll/ack
 * protocol, unplugged boards, corrupted responses, offline faces, factory
 * reset, and that no two boards ever answered at once.  Without CONTROL but
 * with MBCONF_FACES=FILE (the qemu image's face lines, UART1) the first
 * board's "was offline" bit is tested as well.
 * Prints one line per check; exits 1 if any failed.
 */
#include <errno.h>
#include <modbus.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "proto/board_regs.h"

#define MAXB 32
static int naddr, addrs[MAXB], roles[MAXB];
static modbus_t *mb;
static int failures, checks, ctl = -1;
static char ctl_reply[1024];

#define CHECK(cond, ...) do { checks++; if (!(cond)) { failures++; printf("FAIL %s:%d: ", __func__, __LINE__); \
	printf(__VA_ARGS__); printf(" [%s]\n", #cond); } } while (0)

static int role_of(const char *s)
{
	static const char *n[] = { "number", "caller", "rating", "hall" };
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, n[i]))
			return i + 1;
	return -1;
}

/* Send a control line, wait (bounded) for the one-line answer; 0 if "ok". */
static int control(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int control(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	size_t len = 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	if (write(ctl, line, (size_t)n) != n)
		return -1;
	while (len < sizeof ctl_reply - 1) {
		struct pollfd p = { .fd = ctl, .events = POLLIN };
		if (poll(&p, 1, 30000) <= 0 || read(ctl, ctl_reply + len, 1) != 1)
			return -1;
		if (ctl_reply[len] == '\n')
			break;
		len++;
	}
	ctl_reply[len] = 0;
	return strncmp(ctl_reply, "ok", 2) == 0 ? 0 : -1;
}

/* Integer value of key=N in the last control reply, -1 if absent. */
static long reply_field(const char *key)
{
	char pat[64];
	const char *p;
	snprintf(pat, sizeof pat, " %s=", key);
	p = strstr(ctl_reply, pat);
	return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

/*
 * A request that got no answer at all (ETIMEDOUT) is sent again, at most
 * twice, as a real master does: under qemu the host's scheduling can split
 * a request frame (firmware/mcu/mps2.c) and the board then rightly ignores
 * both halves.  Exceptions, bad CRCs and wrong answers are never sent
 * again, and a check that expects silence still gets it every time; the
 * requests sent again are counted in the summary.
 */
static int resent;

static int again(int rc, int *tries, const char *what, int addr, int reg)
{
	if (rc == -1 && errno == ETIMEDOUT && (*tries)++ < 2) {
		resent++;
		printf("mbconf: board %d: no answer to %s of register %d, sent "
		    "again\n", addr, what, reg);
		return 1;
	}
	return 0;
}

/* One read, never sent again: for the checks that expect silence. */
static int rd_once(int addr, int fc, int reg, int n, uint16_t *out)
{
	modbus_set_slave(mb, addr);
	return fc == 3 ? modbus_read_registers(mb, reg, n, out) : modbus_read_input_registers(mb, reg, n, out);
}

static int rd(int addr, int fc, int reg, int n, uint16_t *out)
{
	int rc, tries = 0;

	do
		rc = rd_once(addr, fc, reg, n, out);
	while (again(rc, &tries, fc == 3 ? "FC03" : "FC04", addr, reg));
	return rc;
}

static int wr(int addr, int reg, int v)
{
	int rc, tries = 0;

	modbus_set_slave(mb, addr);
	do
		rc = modbus_write_register(mb, reg, (uint16_t)v);
	while (again(rc, &tries, "FC06", addr, reg));
	return rc;
}

static int wrs(int addr, int reg, int n, const uint16_t *v)
{
	int rc, tries = 0;

	modbus_set_slave(mb, addr);
	do
		rc = modbus_write_registers(mb, reg, n, v);
	while (again(rc, &tries, "FC16", addr, reg));
	return rc;
}

static uint16_t crc16(const uint8_t *p, size_t n)
{
	uint16_t crc = 0xFFFF;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
	}
	return crc;
}

/* Raw request straight on the fd (libmodbus 3.1.6 cannot parse FC08 or
 * FC43 answers): CRC added, the answer read until the line is quiet for
 * 100 ms after its first byte, or 500 ms without any.  Returns its length
 * (CRC checked, -1 if bad) or 0 for no answer. */
static int raw_once(int addr, const uint8_t *pdu, int n, uint8_t *rsp)
{
	uint8_t req[260];
	int fd = modbus_get_socket(mb), len = 0;
	uint16_t crc;

	modbus_flush(mb);
	req[0] = (uint8_t)addr;
	memcpy(req + 1, pdu, (size_t)n);
	crc = crc16(req, (size_t)n + 1);
	req[n + 1] = (uint8_t)crc;
	req[n + 2] = (uint8_t)(crc >> 8);
	if (write(fd, req, (size_t)n + 3) != n + 3)
		return -1;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t got;
		if (poll(&p, 1, len ? 100 : 500) <= 0)
			break;
		got = read(fd, rsp + len, (size_t)(MODBUS_RTU_MAX_ADU_LENGTH - len));
		if (got <= 0)
			break;
		len += (int)got;
	}
	if (len == 0)
		return 0;
	return len >= 4 && crc16(rsp, (size_t)len) == 0 ? len : -1;
}

/* raw_once, sent again (at most twice) when nothing at all came back. */
static int raw(int addr, const uint8_t *pdu, int n, uint8_t *rsp)
{
	int len, tries = 0;

	while ((len = raw_once(addr, pdu, n, rsp)) == 0 && tries++ < 2) {
		resent++;
		printf("mbconf: board %d: no answer to raw FC%02u, sent again\n",
		    addr, pdu[0]);
	}
	return len;
}

/* A raw request answered by exception ex. */
static int raw_exception(int addr, const uint8_t *pdu, int n, int ex)
{
	uint8_t rsp[MODBUS_RTU_MAX_ADU_LENGTH];
	return raw(addr, pdu, n, rsp) == 5 && rsp[0] == addr && rsp[1] == (pdu[0] | 0x80) && rsp[2] == ex;
}

/* Bytes straight on the line; returns 1 if anything at all came back. */
static int junk(const uint8_t *b, size_t n)
{
	uint8_t rsp[MODBUS_RTU_MAX_ADU_LENGTH];
	int fd = modbus_get_socket(mb);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (write(fd, b, n) != (ssize_t)n)
		return -1;
	/* the response timeout of a real master is the bound */
	if (poll(&p, 1, 300) > 0) {
		(void)!read(fd, rsp, sizeof rsp);
		return 1;
	}
	return 0;
}

static void test_identity_and_read_all(int i)
{
	uint16_t ir[BOARD_IR_COUNT], hr[BOARD_HR_COUNT], one;
	int a = addrs[i];

	CHECK(rd(a, 4, 0, BOARD_IR_COUNT, ir) == BOARD_IR_COUNT, "board %d: read all input: %s", a, modbus_strerror(errno));
	CHECK(ir[BOARD_IR_ROLE] == roles[i], "board %d: role %u", a, ir[BOARD_IR_ROLE]);
	CHECK(ir[BOARD_IR_FW_VERSION] == BOARD_FW_VERSION, "board %d: version", a);
	CHECK(ir[BOARD_IR_BOOT_COUNT] >= 1, "board %d: boot count", a);
	CHECK(rd(a, 3, 0, BOARD_HR_COUNT, hr) == BOARD_HR_COUNT, "board %d: read all holding", a);
	CHECK(hr[BOARD_HR_CFG_ADDRESS] == a, "board %d: cfg address %u", a, hr[BOARD_HR_CFG_ADDRESS]);
	/* every register alone, in both tables */
	for (int r = 0; r < BOARD_IR_COUNT; r++)
		CHECK(rd(a, 4, r, 1, &one) == 1, "board %d: input %d", a, r);
	for (int r = 0; r < BOARD_HR_COUNT; r++)
		CHECK(rd(a, 3, r, 1, &one) == 1, "board %d: holding %d", a, r);
	CHECK(rd(a, 4, BOARD_IR_COUNT, 1, &one) == -1 && errno == EMBXILADD, "board %d: input past end", a);
	CHECK(rd(a, 3, BOARD_HR_COUNT - 1, 2, hr) == -1 && errno == EMBXILADD, "board %d: holding past end", a);
}

static void test_write_display(int i)
{
	uint16_t v[BOARD_HR_COUNT];
	int a = addrs[i];
	const struct { int reg, val, bad; } w[] = {
		{ BOARD_HR_NUMBER, 1000 + a, 10000 }, { BOARD_HR_FLASH, 0, 61 },
		{ BOARD_HR_BRIGHTNESS, 7, 16 }, { BOARD_HR_LAMP, BOARD_LAMP_OPEN, 4 },
		{ BOARD_HR_PROMPT, 0, 2 }, { BOARD_HR_OFFLINE_S, 30, 1 },
	};
	for (size_t k = 0; k < sizeof w / sizeof w[0]; k++) {
		CHECK(wr(a, w[k].reg, w[k].val) == 1, "board %d: write %d", a, w[k].reg);
		CHECK(rd(a, 3, w[k].reg, 1, v) == 1 && v[0] == w[k].val, "board %d: read back %d = %u", a, w[k].reg, v[0]);
		CHECK(wr(a, w[k].reg, w[k].bad) == -1 && errno == EMBXILVAL, "board %d: bad value %d", a, w[k].reg);
	}
	uint16_t rows[2 * BOARD_HALL_ROWS];
	for (int r = 0; r < BOARD_HALL_ROWS; r++) {
		rows[2 * r] = (uint16_t)(10 * a + r);
		rows[2 * r + 1] = (uint16_t)(r + 1);
	}
	CHECK(wrs(a, BOARD_HR_HALL_BASE, 2 * BOARD_HALL_ROWS, rows) == 2 * BOARD_HALL_ROWS, "board %d: FC16 hall", a);
	CHECK(rd(a, 3, BOARD_HR_HALL_BASE, 2 * BOARD_HALL_ROWS, v) == 2 * BOARD_HALL_ROWS &&
	    !memcmp(v, rows, sizeof rows), "board %d: hall read back", a);
	rows[3] = 100; /* one counter out of range spoils the whole write */
	rows[0] = 1;
	CHECK(wrs(a, BOARD_HR_HALL_BASE, 4, rows) == -1 && errno == EMBXILVAL, "board %d: FC16 bad", a);
	CHECK(rd(a, 3, BOARD_HR_HALL_BASE, 1, v) == 1 && v[0] == 10 * a, "board %d: FC16 atomic", a);
	CHECK(wrs(a, BOARD_HR_COUNT - 1, 2, rows) == -1 && errno == EMBXILADD, "board %d: FC16 past end", a);
	/* configuration is locked */
	CHECK(wr(a, BOARD_HR_CFG_COUNTER, 5) == -1 && errno == EMBXSFAIL, "board %d: locked", a);
	CHECK(wr(a, BOARD_HR_CFG_ADDRESS, 99) == -1 && errno == EMBXSFAIL, "board %d: locked", a);
}

/* FC08/00 (return query data) echoes any data length: 0 bytes up to the
 * 250 of the largest RTU frame (256 bytes); the answer is the request. */
static void test_fc08_echo(int a)
{
	static const int lens[] = { 0, 1, 2, 7, 250 };
	uint8_t pdu[3 + 250], rsp[MODBUS_RTU_MAX_ADU_LENGTH];
	int n;

	for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
		int len = lens[k];
		pdu[0] = 8;
		pdu[1] = 0;
		pdu[2] = 0;
		for (int j = 0; j < len; j++)
			pdu[3 + j] = (uint8_t)(0x3C + 11 * j + a);
		n = raw(a, pdu, 3 + len, rsp);
		CHECK(n == 3 + len + 3 && rsp[0] == a && !memcmp(rsp + 1, pdu, (size_t)(3 + len)),
		    "board %d: FC08/00 echo of %d bytes (answer %d bytes)", a, len, n);
	}
}

static void test_raw_functions(int i)
{
	uint8_t rsp[MODBUS_RTU_MAX_ADU_LENGTH];
	int a = addrs[i], n;
	const uint8_t cnt0[] = { 3, 0, 0, 0, 0 }, cnt126[] = { 4, 0, 0, 0, 126 };
	const uint8_t diag[] = { 8, 0, 0, 0x5A, 0xA5 }, diag_bus[] = { 8, 0, 0x0B, 0, 0 };
	const uint8_t devid[] = { 0x2B, 0x0E, 1, 0 }, coils[] = { 1, 0, 0, 0, 1 };

	CHECK(raw_exception(a, cnt0, 5, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE), "board %d: count 0", a);
	CHECK(raw_exception(a, cnt126, 5, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE), "board %d: count 126", a);
	CHECK(raw_exception(a, coils, 5, MODBUS_EXCEPTION_ILLEGAL_FUNCTION), "board %d: FC01 refused", a);
	n = raw(a, diag, 5, rsp);
	CHECK(n == 8 && rsp[4] == 0x5A && rsp[5] == 0xA5, "board %d: FC08 echo (%d)", a, n);
	test_fc08_echo(a);
	n = raw(a, diag_bus, 5, rsp);
	CHECK(n == 8 && (rsp[4] << 8 | rsp[5]) > 0, "board %d: FC08 bus count", a);
	n = raw(a, devid, 4, rsp);
	CHECK(n > 12 && rsp[1] == 0x2B && rsp[7] == 3 && rsp[9] == strlen(BOARD_VENDOR_NAME) &&
	    !memcmp(rsp + 10, BOARD_VENDOR_NAME, strlen(BOARD_VENDOR_NAME)), "board %d: FC43/14 (%d)", a, n);
}

/* A valid frame for addr reading one input register, with its CRC. */
static void make_frame(int addr, uint8_t *f)
{
	uint8_t p[6] = { (uint8_t)addr, 4, 0, BOARD_IR_CRC_ERRORS, 0, 1 };
	uint16_t crc = 0xFFFF;
	for (int i = 0; i < 6; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
	}
	memcpy(f, p, 6);
	f[6] = (uint8_t)crc;
	f[7] = (uint8_t)(crc >> 8);
}

static void test_bad_frames(void)
{
	uint16_t before, after, v;
	uint8_t f[8], g[32];
	int a = addrs[0];

	CHECK(rd(a, 4, BOARD_IR_CRC_ERRORS, 1, &before) == 1, "crc count");
	make_frame(a, f);
	f[7] ^= 0x40;
	CHECK(junk(f, 8) == 0, "bad CRC answered");
	CHECK(rd(a, 4, BOARD_IR_CRC_ERRORS, 1, &after) == 1 && after == before + 1, "crc errors %u -> %u", before, after);
	make_frame(a, f);
	CHECK(junk(f, 5) == 0, "truncated frame answered");
	CHECK(rd(a, 4, 0, 1, &v) == 1, "read after truncated frame");
	for (int i = 0; i < 32; i++)
		g[i] = (uint8_t)(0x37 * i + 11);
	CHECK(junk(g, sizeof g) == 0, "garbage answered");
	CHECK(rd(a, 4, 0, 1, &v) == 1, "read after garbage");
	/* garbage glued to a valid frame, no silence between: one bad frame */
	memcpy(g + 24, f, 8);
	CHECK(junk(g + 20, 12) == 0, "merged frame answered");
	/* a frame for a board that is not on the line */
	make_frame(231, f);
	CHECK(junk(f, 8) == 0, "foreign frame answered");
	CHECK(rd(a, 4, 0, 1, &v) == 1, "read after foreign frame");
	/* broadcast read: never answered */
	make_frame(0, f);
	CHECK(junk(f, 8) == 0, "broadcast read answered");
}

static void test_broadcast(void)
{
	uint16_t v;
	/* libmodbus 3.1.6 waits for an answer to a broadcast too: the timeout
	 * proves that no board answered */
	modbus_set_response_timeout(mb, 0, 200000);
	modbus_set_slave(mb, 0);
	CHECK(modbus_write_register(mb, BOARD_HR_NUMBER, 4321) == -1 && errno == ETIMEDOUT, "broadcast answered");
	modbus_set_response_timeout(mb, 0, 500000);
	for (int i = 0; i < naddr; i++)
		CHECK(rd(addrs[i], 3, BOARD_HR_NUMBER, 1, &v) == 1 && v == 4321, "board %d after broadcast: %u", addrs[i], v);
	/* a broadcast configuration write is refused */
	modbus_set_slave(mb, 0);
	modbus_set_response_timeout(mb, 0, 200000);
	(void)modbus_write_register(mb, BOARD_HR_UNLOCK, BOARD_UNLOCK_KEY1);
	(void)modbus_write_register(mb, BOARD_HR_UNLOCK, BOARD_UNLOCK_KEY2);
	modbus_set_response_timeout(mb, 0, 500000);
	CHECK(rd(addrs[0], 3, BOARD_HR_UNLOCK, 1, &v) == 1 && v == 0, "unlocked by broadcast");
}

static void unlock(int a)
{
	CHECK(wr(a, BOARD_HR_UNLOCK, BOARD_UNLOCK_KEY1) == 1 && wr(a, BOARD_HR_UNLOCK, BOARD_UNLOCK_KEY2) == 1, "unlock %d", a);
}

static void test_config(void)
{
	int a = addrs[0], moved = a == 200 ? 201 : 200;
	uint16_t v, old;

	CHECK(rd(a, 3, BOARD_HR_CFG_COUNTER, 1, &old) == 1, "counter");
	unlock(a);
	CHECK(rd(a, 3, BOARD_HR_UNLOCK, 1, &v) == 1 && v == 1, "unlocked");
	CHECK(wr(a, BOARD_HR_CFG_BAUD, 9) == -1 && errno == EMBXILVAL, "bad baud");
	CHECK(wr(a, BOARD_HR_CFG_COUNTER, 77) == 1, "stage counter");
	CHECK(wr(a, BOARD_HR_CFG_ADDRESS, moved) == 1, "stage address");
	CHECK(wr(a, BOARD_HR_CFG_COMMIT, BOARD_COMMIT_SAVE) == 1, "commit answered from the old address");
	CHECK(rd(moved, 3, BOARD_HR_CFG_COUNTER, 1, &v) == 1 && v == 77, "new address answers, counter %u", v);
	modbus_set_response_timeout(mb, 0, 300000);
	CHECK(rd_once(a, 3, 0, 1, &v) == -1, "old address still answers");
	modbus_set_response_timeout(mb, 0, 500000);
	CHECK(rd(moved, 3, BOARD_HR_UNLOCK, 1, &v) == 1 && v == 0, "locked after commit");
	unlock(moved);
	CHECK(wr(moved, BOARD_HR_CFG_ADDRESS, a) == 1 && wr(moved, BOARD_HR_CFG_COUNTER, old) == 1 &&
	    wr(moved, BOARD_HR_CFG_COMMIT, BOARD_COMMIT_SAVE) == 1, "move back");
	CHECK(rd(a, 3, BOARD_HR_CFG_COUNTER, 1, &v) == 1 && v == old, "back at %d", a);
}

/* ---- with the simulator's control channel --------------------------------- */

static int find_role(int role)
{
	for (int i = 0; i < naddr; i++)
		if (roles[i] == role)
			return addrs[i];
	return -1;
}

static void test_events(void)
{
	int c = find_role(BOARD_ROLE_CALLER), r = find_role(BOARD_ROLE_RATING);
	uint16_t p[BOARD_IR_POLL_COUNT];

	if (c < 0 || r < 0) {
		printf("skip events: needs a caller and a rating board\n");
		return;
	}
	CHECK(control("press %d 3", c) == 0 && control("press %d 7", c) == 0, "digits");
	CHECK(control("press %d next", c) == 0 && reply_field("events") == 1, "next: %s", ctl_reply);
	long seq = reply_field("seq");
	CHECK(control("hold %d recall 1500", c) == 0 && reply_field("events") == 1, "held key repeats: %s", ctl_reply);
	CHECK(rd(c, 4, 0, BOARD_IR_POLL_COUNT, p) == BOARD_IR_POLL_COUNT, "poll");
	CHECK(p[BOARD_IR_EVT_COUNT] == 2 && p[BOARD_IR_EVT_SEQ] == seq && p[BOARD_IR_EVT_VALUE] == 37 &&
	    p[BOARD_IR_EVT_CODE] == (BOARD_EVK_KEY << 8 | BOARD_KEY_NEXT) && (p[BOARD_IR_STATUS] & BOARD_ST_EVENT),
	    "head: count %u seq %u value %u code %x", p[1], p[2], p[4], p[3]);
	/* ack lost: the host acks again; a stale ack does nothing */
	CHECK(wr(c, BOARD_HR_EVT_ACK, (int)seq) == 1 && wr(c, BOARD_HR_EVT_ACK, (int)seq) == 1, "ack twice");
	CHECK(rd(c, 4, 0, BOARD_IR_POLL_COUNT, p) == BOARD_IR_POLL_COUNT && p[BOARD_IR_EVT_COUNT] == 1 &&
	    p[BOARD_IR_EVT_SEQ] == seq + 1 && p[BOARD_IR_EVT_CODE] == (BOARD_EVK_KEY << 8 | BOARD_KEY_RECALL),
	    "second event: count %u seq %u", p[1], p[2]);
	CHECK(wr(c, BOARD_HR_EVT_ACK, (int)seq) == 1, "stale ack");
	CHECK(rd(c, 4, BOARD_IR_EVT_COUNT, 1, p) == 1 && p[0] == 1, "stale ack removed an event");
	CHECK(wr(c, BOARD_HR_EVT_ACK, (int)seq + 1) == 1, "ack 2");
	CHECK(rd(c, 4, 0, BOARD_IR_POLL_COUNT, p) == BOARD_IR_POLL_COUNT && p[BOARD_IR_EVT_SEQ] == 0 &&
	    !(p[BOARD_IR_STATUS] & BOARD_ST_EVENT), "fifo empty");
	/* rating */
	CHECK(wr(r, BOARD_HR_PROMPT, 1) == 1 && control("waitface %d prompt=1 2000", r) == 0, "prompt shown");
	CHECK(control("press %d sat", r) == 0 && reply_field("events") == 1, "rating");
	CHECK(rd(r, 4, 0, BOARD_IR_POLL_COUNT, p) == BOARD_IR_POLL_COUNT &&
	    p[BOARD_IR_EVT_CODE] == (BOARD_EVK_RATING << 8 | BOARD_RATE_SATISFIED), "rating event %x", p[3]);
	CHECK(control("waitface %d notice=thanks 2000", r) == 0 && strstr(ctl_reply, "prompt=0"), "thanks: %s", ctl_reply);
	CHECK(wr(r, BOARD_HR_EVT_ACK, p[BOARD_IR_EVT_SEQ]) == 1, "ack rating");
}

/* The board has just come back from "offline" and at least one read of its
 * status has been lost or ignored: the bit is still there, in every read,
 * until the master writes HR_STATUS_ACK. */
static void test_was_offline_ack(int a)
{
	uint16_t p[BOARD_IR_POLL_COUNT], v = 0;

	CHECK(rd(a, 4, BOARD_IR_STATUS, 1, &v) == 1 && (v & BOARD_ST_WAS_OFFLINE),
	    "board %d: was offline lost with the reply (status %x)", a, v);
	CHECK(rd(a, 4, 0, BOARD_IR_POLL_COUNT, p) == BOARD_IR_POLL_COUNT &&
	    (p[BOARD_IR_STATUS] & BOARD_ST_WAS_OFFLINE), "board %d: was offline cleared by a read (status %x)",
	    a, p[BOARD_IR_STATUS]);
	CHECK(wr(a, BOARD_HR_STATUS_ACK, BOARD_ST_WAS_OFFLINE) == 1, "board %d: status ack: %s", a,
	    modbus_strerror(errno));
	CHECK(rd(a, 4, BOARD_IR_STATUS, 1, &v) == 1 && !(v & BOARD_ST_WAS_OFFLINE),
	    "board %d: was offline kept after the ack (status %x)", a, v);
	CHECK(wr(a, BOARD_HR_STATUS_ACK, BOARD_ST_WAS_OFFLINE) == 1 &&
	    rd(a, 4, BOARD_IR_STATUS, 1, &v) == 1 && !(v & BOARD_ST_WAS_OFFLINE),
	    "board %d: a repeated ack (status %x)", a, v);
}

static void test_faults(void)
{
	int a = addrs[0];
	uint16_t v, p[BOARD_IR_POLL_COUNT];

	CHECK(control("unplug %d", a) == 0, "unplug");
	modbus_set_response_timeout(mb, 0, 300000);
	CHECK(rd_once(a, 4, 0, 1, &v) == -1 && errno == ETIMEDOUT, "unplugged board answered");
	CHECK(control("plug %d", a) == 0 && rd(a, 4, 0, 1, &v) == 1, "plugged back");
	CHECK(control("corrupt 100") == 0, "corrupt");
	CHECK(rd(a, 4, 0, 1, &v) == -1 && errno == EMBBADCRC, "corrupted response accepted: %s", modbus_strerror(errno));
	modbus_flush(mb);
	CHECK(control("corrupt 0") == 0 && rd(a, 4, 0, 1, &v) == 1, "clean again");
	modbus_set_response_timeout(mb, 0, 500000);
	/* offline: after HR_OFFLINE_S without polls the face says so */
	CHECK(wr(a, BOARD_HR_OFFLINE_S, 2) == 1, "offline time");
	CHECK(control("waitface %d offline=1 5000", a) == 0, "offline shown: %s", ctl_reply);
	/* the reply to the first poll after it is lost on the line: the
	 * board still says it was offline until the master acknowledges */
	CHECK(control("corrupt 100") == 0, "corrupt");
	CHECK(rd_once(a, 4, 0, BOARD_IR_POLL_COUNT, p) == -1, "corrupted poll accepted");
	modbus_flush(mb);
	CHECK(control("corrupt 0") == 0, "corrupt 0");
	CHECK(control("waitface %d offline=0 2000", a) == 0, "online again");
	test_was_offline_ack(a);
	/* factory reset: service key held at power-up */
	CHECK(control("reboot %d service 1000", a) == 0 && reply_field("factory") == 0, "short hold: %s", ctl_reply);
	CHECK(control("reboot %d service", a) == 0 && reply_field("factory") == 1 && reply_field("address") == 247,
	    "factory reset: %s", ctl_reply);
	CHECK(rd(247, 4, BOARD_IR_STATUS, 1, &v) == 1 && (v & BOARD_ST_FACTORY), "answers at 247");
	unlock(247);
	CHECK(wr(247, BOARD_HR_CFG_ADDRESS, a) == 1 && wr(247, BOARD_HR_CFG_COMMIT, BOARD_COMMIT_SAVE) == 1, "readdress");
	CHECK(rd(a, 4, 0, 1, &v) == 1, "back at %d", a);
	CHECK(control("stats") == 0 && reply_field("collisions") == 0, "two boards answered at once: %s", ctl_reply);
}

/* Wait (at most ms) until the last "face " line of the file has text in it:
 * woken by inotify when the file grows, never by a timer alone. */
static int wait_face_file(const char *path, const char *text, int ms)
{
	static char buf[1 << 16];
	int in = inotify_init1(IN_CLOEXEC), rc = -1;
	struct timespec t0, t;

	if (in < 0 || inotify_add_watch(in, path, IN_MODIFY) < 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		FILE *f = fopen(path, "r");
		size_t n = 0;
		char *last = NULL, *p;
		int left;

		if (f) {
			if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > (long)sizeof buf - 1)
				(void)fseek(f, -(long)(sizeof buf - 1), SEEK_END);
			else
				rewind(f);
			n = fread(buf, 1, sizeof buf - 1, f);
			fclose(f);
		}
		buf[n] = 0;
		for (p = buf; (p = strstr(p, "face ")) != NULL; p++)
			last = p;
		if (last && (p = strchr(last, '\n')) != NULL) {
			*p = 0;
			if (strstr(last, text)) {
				rc = 0;
				break;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd pf = { .fd = in, .events = POLLIN };
		if (left <= 0 || poll(&pf, 1, left) <= 0)
			break;
		(void)!read(in, buf, sizeof buf);
	}
out:
	if (in >= 0)
		close(in);
	return rc;
}

/* Without the simulator (qemu): the board goes offline for real, the reply
 * to the first read after it is read and thrown away, then the ack. */
static void test_offline_faces(const char *faces)
{
	static const uint8_t poll_pdu[] = { 4, 0, 0, 0, BOARD_IR_POLL_COUNT };
	uint8_t rsp[MODBUS_RTU_MAX_ADU_LENGTH];
	int a = addrs[0];

	CHECK(wr(a, BOARD_HR_OFFLINE_S, 2) == 1, "board %d: offline time", a);
	CHECK(wait_face_file(faces, "offline=1", 5000) == 0, "board %d: offline not shown in %s", a, faces);
	CHECK(raw(a, poll_pdu, sizeof poll_pdu, rsp) == 5 + 2 * BOARD_IR_POLL_COUNT,
	    "board %d: poll answered", a);   /* and its answer ignored */
	CHECK(wait_face_file(faces, "offline=0", 2000) == 0, "board %d: online again", a);
	test_was_offline_ack(a);
	CHECK(wr(a, BOARD_HR_OFFLINE_S, 30) == 1, "board %d: offline time back", a);
}

static int connect_control(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || strlen(path) >= sizeof sa.sun_path)
		return -1;
	strcpy(sa.sun_path, path);
	return connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 ? fd : -1;
}

int main(int argc, char **argv)
{
	char spec[512], *save = NULL;

	if (argc < 3 || argc > 4 || strlen(argv[2]) >= sizeof spec) {
		fprintf(stderr, "usage: mbconf PORT ADDR:ROLE[,...] [CONTROL]\n");
		return 2;
	}
	strcpy(spec, argv[2]);
	for (char *t = strtok_r(spec, ",", &save); t && naddr < MAXB; t = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(t, ':'), *end;
		long a = strtol(t, &end, 10);
		if (!colon || end != colon || a < 1 || a > 247 || role_of(colon + 1) < 0) {
			fprintf(stderr, "mbconf: bad board %s\n", t);
			return 2;
		}
		addrs[naddr] = (int)a;
		roles[naddr++] = role_of(colon + 1);
	}
	if (argc == 4 && (ctl = connect_control(argv[3])) < 0) {
		fprintf(stderr, "mbconf: cannot connect to %s\n", argv[3]);
		return 2;
	}
	mb = modbus_new_rtu(argv[1], 19200, 'N', 8, 1);
	if (!mb || modbus_connect(mb) < 0) {
		fprintf(stderr, "mbconf: %s: %s\n", argv[1], modbus_strerror(errno));
		return 2;
	}
	modbus_set_error_recovery(mb, MODBUS_ERROR_RECOVERY_NONE);
	modbus_set_debug(mb, getenv("MBCONF_DEBUG") != NULL);
	modbus_flush(mb);
	for (int i = 0; i < naddr; i++) {
		test_identity_and_read_all(i);
		test_write_display(i);
		test_raw_functions(i);
	}
	test_bad_frames();
	test_broadcast();
	test_config();
	if (ctl >= 0) {
		test_events();
		test_faults();
	} else if (getenv("MBCONF_FACES")) {
		test_offline_faces(getenv("MBCONF_FACES"));
	}
	printf("mbconf: %d checks, %d failed (%d requests sent again after no "
	    "answer at all)\n", checks, failures, resent);
	modbus_close(mb);
	modbus_free(mb);
	if (ctl >= 0)
		close(ctl);
	return failures ? 1 : 0;
}
