/*
 * test_board.c - the board application through a fake port (clock, NVM,
 * keys, UART capture): register map, display writes and flashing, the event
 * FIFO with poll/ack, caller digits, ratings, config behind the unlock with
 * commit after the reply, offline indication, factory reset, boot count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/board.h"
#include "core/crc16.h"

static struct fake {
	uint32_t now;
	uint32_t keys;
	uint8_t nvm[NVCFG_SIZE];
	int nvm_ok, nvm_writes;
	uint8_t out[300];
	uint16_t out_len;
	int de, de_during_write, kicks, shows, reboots;
	uint32_t baud;
	board_face face;
} fk;

static uint32_t f_now(void *a) { (void)a; return fk.now; }
static void f_de(void *a, int on) { (void)a; fk.de = on; }
static void f_write(void *a, const uint8_t *b, uint16_t n)
{
	(void)a;
	fk.de_during_write = fk.de;
	memcpy(fk.out, b, n);
	fk.out_len = n;
}
static void f_baud(void *a, uint32_t b) { (void)a; fk.baud = b; }
static void f_show(void *a, const board_face *f) { (void)a; fk.face = *f; fk.shows++; }
static uint32_t f_keys(void *a) { (void)a; return fk.keys; }
static int f_nvm_read(void *a, uint8_t *b, uint16_t n)
{
	(void)a;
	if (!fk.nvm_ok)
		return -1;
	memcpy(b, fk.nvm, n);
	return 0;
}
static int f_nvm_write(void *a, const uint8_t *b, uint16_t n)
{
	(void)a;
	memcpy(fk.nvm, b, n);
	fk.nvm_ok = 1;
	fk.nvm_writes++;
	return 0;
}
static void f_kick(void *a) { (void)a; fk.kicks++; }
static void f_reboot(void *a) { (void)a; fk.reboots++; }

static const board_port port = { NULL, 0, f_now, f_de, f_write, f_baud, f_show, f_keys,
	f_nvm_read, f_nvm_write, f_kick, NULL, f_reboot };
static board b;

/* A fresh board of role at address 5, counter 12. */
static void boot(uint8_t role)
{
	nvcfg c;
	memset(&fk, 0, sizeof fk);
	fk.now = 1000;
	nvcfg_defaults(&c, role, 0x01020304);
	c.address = 5;
	c.counter = 12;
	nvcfg_encode(&c, fk.nvm);
	fk.nvm_ok = 1;
	board_init(&b, &port);
}

/* Advance the clock by ms in 1 ms steps, polling. */
static void run_ms(uint32_t ms)
{
	for (uint32_t i = 0; i < ms; i++) {
		fk.now += 1000;
		board_poll(&b);
	}
}

/* Send a request frame (CRC appended) and poll until answered; returns the response length. */
static uint16_t request(const uint8_t *pdu, uint16_t n, uint8_t addr)
{
	uint8_t f[260];
	uint16_t c;
	f[0] = addr;
	memcpy(f + 1, pdu, n);
	c = crc16_modbus(f, (size_t)n + 1);
	f[n + 1] = (uint8_t)c;
	f[n + 2] = (uint8_t)(c >> 8);
	fk.out_len = 0;
	for (uint16_t i = 0; i < n + 3; i++)
		board_rx(&b, f[i], fk.now);
	run_ms(5);
	if (fk.out_len)
		assert_int_equal(crc16_modbus(fk.out, fk.out_len), 0);
	return fk.out_len;
}

static uint16_t reg(int i) { return (uint16_t)(fk.out[3 + 2 * i] << 8 | fk.out[4 + 2 * i]); }

/* Read n registers of table (3/4) from addr; asserts a normal reply. */
static void read_regs(uint8_t fc, uint16_t addr, uint16_t n)
{
	uint8_t p[5] = { fc, (uint8_t)(addr >> 8), (uint8_t)addr, 0, (uint8_t)n };
	assert_int_equal(request(p, 5, 5), 5 + 2 * n);
}

/* Write one holding register; returns 0 or the exception code. */
static int write_reg(uint16_t r, uint16_t v)
{
	uint8_t p[5] = { 6, 0, (uint8_t)r, (uint8_t)(v >> 8), (uint8_t)v };
	uint16_t n = request(p, 5, 5);
	assert_true(n == 8 || n == 5);
	return n == 5 ? fk.out[2] : 0;
}

static void test_identity_and_boot(void **state)
{
	(void)state;
	boot(BOARD_ROLE_NUMBER);
	read_regs(4, 0, BOARD_IR_COUNT);
	assert_int_equal(reg(BOARD_IR_ROLE), BOARD_ROLE_NUMBER);
	assert_int_equal(reg(BOARD_IR_FW_VERSION), BOARD_FW_VERSION);
	assert_int_equal(reg(BOARD_IR_SERIAL_HI), 0x0102);
	assert_int_equal(reg(BOARD_IR_SERIAL_LO), 0x0304);
	assert_int_equal(reg(BOARD_IR_BOOT_COUNT), 1);
	assert_int_equal(reg(BOARD_IR_EVT_SEQ), 0);
	assert_int_equal(fk.de_during_write, 1);
	assert_int_equal(fk.de, 0);
	assert_true(fk.kicks > 0);
	assert_int_equal(fk.baud, 19200);
	/* a second boot counts */
	board_init(&b, &port);
	read_regs(4, BOARD_IR_BOOT_COUNT, 1);
	assert_int_equal(reg(0), 2);
	/* one past the end: illegal address */
	uint8_t p[5] = { 4, 0, BOARD_IR_COUNT, 0, 1 };
	assert_int_equal(request(p, 5, 5), 5);
	assert_int_equal(fk.out[2], MB_EX_ILLEGAL_ADDRESS);
	/* blank NVM: defaults at address 247, flagged */
	memset(&fk, 0, sizeof fk);
	board_init(&b, &port);
	assert_int_equal(b.cfg.address, 247);
	assert_true(b.status & BOARD_ST_NVM_BAD);
}

static void test_display_and_flash(void **state)
{
	(void)state;
	boot(BOARD_ROLE_NUMBER);
	uint8_t p[] = { 16, 0, BOARD_HR_NUMBER, 0, 2, 4, 0x04, 0xD2, 0, 3 };
	assert_int_equal(request(p, sizeof p, 5), 8);
	assert_int_equal(fk.face.number, 1234);
	assert_int_equal(fk.face.flashing, 1);
	assert_int_equal(fk.face.counter, 12);
	read_regs(3, BOARD_HR_FLASH, 1);
	assert_int_equal(reg(0), 3);
	/* it blinks: the lit phase changes within half a second */
	int lit = fk.face.lit, changed = 0;
	for (int i = 0; i < 600; i++) {
		run_ms(1);
		changed |= fk.face.lit != lit;
	}
	assert_true(changed);
	run_ms(3000);
	assert_int_equal(fk.face.flashing, 0);
	assert_int_equal(fk.face.lit, 1);
	assert_int_equal(write_reg(BOARD_HR_NUMBER, 10000), MB_EX_ILLEGAL_VALUE);
	assert_int_equal(write_reg(BOARD_HR_BRIGHTNESS, 16), MB_EX_ILLEGAL_VALUE);
	assert_int_equal(write_reg(BOARD_HR_BRIGHTNESS, 3), 0);
	assert_int_equal(write_reg(BOARD_HR_LAMP, BOARD_LAMP_PAUSED), 0);
	assert_int_equal(fk.face.brightness, 3);
	assert_int_equal(fk.face.lamp, BOARD_LAMP_PAUSED);
	/* broadcast: applied, not answered; config by broadcast ignored */
	uint8_t bc[] = { 6, 0, BOARD_HR_NUMBER, 0, 42 };
	assert_int_equal(request(bc, 5, 0), 0);
	assert_int_equal(fk.face.number, 42);
	uint8_t bu[] = { 6, 0, BOARD_HR_UNLOCK, 0xA5, 0xC3 };
	assert_int_equal(request(bu, 5, 0), 0);
	assert_int_equal(b.unlock_stage, 0);
}

static void test_events_poll_ack(void **state)
{
	(void)state;
	boot(BOARD_ROLE_CALLER);
	/* digits 4 2, then NEXT: one event carrying 42 */
	uint32_t seq[] = { BOARD_KB_DIGIT(4), BOARD_KB_DIGIT(2), BOARD_KB_FUNC(BOARD_KEY_NEXT) };
	for (int i = 0; i < 3; i++) {
		fk.keys = seq[i];
		run_ms(50);
		fk.keys = 0;
		run_ms(50);
	}
	/* RECALL held for 3 s: one event, no auto-repeat */
	fk.keys = BOARD_KB_FUNC(BOARD_KEY_RECALL);
	run_ms(3000);
	fk.keys = 0;
	run_ms(50);
	read_regs(4, 0, BOARD_IR_POLL_COUNT);
	assert_int_equal(reg(BOARD_IR_EVT_COUNT), 2);
	assert_int_equal(reg(BOARD_IR_EVT_SEQ), 1);
	assert_int_equal(reg(BOARD_IR_EVT_CODE), BOARD_EVK_KEY << 8 | BOARD_KEY_NEXT);
	assert_int_equal(reg(BOARD_IR_EVT_VALUE), 42);
	assert_true(reg(BOARD_IR_STATUS) & BOARD_ST_EVENT);
	/* a stale ack changes nothing; the right one removes the head; repeat harmless */
	assert_int_equal(write_reg(BOARD_HR_EVT_ACK, 7), 0);
	read_regs(4, BOARD_IR_EVT_SEQ, 1);
	assert_int_equal(reg(0), 1);
	assert_int_equal(write_reg(BOARD_HR_EVT_ACK, 1), 0);
	assert_int_equal(write_reg(BOARD_HR_EVT_ACK, 1), 0);
	read_regs(4, 0, BOARD_IR_POLL_COUNT);
	assert_int_equal(reg(BOARD_IR_EVT_COUNT), 1);
	assert_int_equal(reg(BOARD_IR_EVT_SEQ), 2);
	assert_int_equal(reg(BOARD_IR_EVT_CODE), BOARD_EVK_KEY << 8 | BOARD_KEY_RECALL);
	assert_int_equal(reg(BOARD_IR_EVT_VALUE), 0xFFFF);
	assert_int_equal(write_reg(BOARD_HR_EVT_ACK, 2), 0);
	read_regs(4, 0, BOARD_IR_POLL_COUNT);
	assert_int_equal(reg(BOARD_IR_EVT_SEQ), 0);
	assert_false(reg(BOARD_IR_STATUS) & BOARD_ST_EVENT);
	/* two keys together: refused */
	fk.keys = BOARD_KB_FUNC(1) | BOARD_KB_FUNC(2);
	run_ms(50);
	fk.keys = 0;
	run_ms(50);
	assert_int_equal(b.fifo.count, 0);
	/* digits then CLEAR: nothing typed any more */
	fk.keys = BOARD_KB_DIGIT(9);
	run_ms(50);
	assert_int_equal(fk.face.typed_len, 1); /* the press counts on the debounced down edge */
	fk.keys = 0;
	run_ms(50);
	assert_int_equal(fk.face.typed, 9);
	fk.keys = BOARD_KB_CLEAR;
	run_ms(50);
	fk.keys = 0;
	run_ms(50);
	assert_int_equal(fk.face.typed_len, 0);
}

static void test_rating(void **state)
{
	(void)state;
	boot(BOARD_ROLE_RATING);
	assert_int_equal(write_reg(BOARD_HR_PROMPT, 1), 0);
	assert_int_equal(fk.face.prompt, 1);
	fk.keys = BOARD_KB_RATE(BOARD_RATE_NEUTRAL);
	run_ms(40);
	fk.keys = 0;
	run_ms(40);
	assert_int_equal(fk.face.prompt, 0);
	assert_int_equal(fk.face.notice, BOARD_NOTICE_THANKS);
	read_regs(4, 0, BOARD_IR_POLL_COUNT);
	assert_int_equal(reg(BOARD_IR_EVT_CODE), BOARD_EVK_RATING << 8 | BOARD_RATE_NEUTRAL);
	run_ms(3100);
	assert_int_equal(fk.face.notice, BOARD_NOTICE_NONE);
	/* nine presses overflow the FIFO of eight */
	for (int i = 0; i < BOARD_EVT_DEPTH + 1; i++) {
		fk.keys = BOARD_KB_RATE(1);
		run_ms(30);
		fk.keys = 0;
		run_ms(30);
	}
	read_regs(4, BOARD_IR_EVT_DROPPED, 1);
	assert_int_equal(reg(0), 2);
}

static void test_config_unlock_commit(void **state)
{
	(void)state;
	boot(BOARD_ROLE_NUMBER);
	assert_int_equal(write_reg(BOARD_HR_CFG_COUNTER, 7), MB_EX_DEVICE_FAILURE);
	assert_int_equal(write_reg(BOARD_HR_UNLOCK, BOARD_UNLOCK_KEY2), 0); /* wrong order */
	assert_int_equal(write_reg(BOARD_HR_CFG_COUNTER, 7), MB_EX_DEVICE_FAILURE);
	assert_int_equal(write_reg(BOARD_HR_UNLOCK, BOARD_UNLOCK_KEY1), 0);
	assert_int_equal(write_reg(BOARD_HR_UNLOCK, BOARD_UNLOCK_KEY2), 0);
	read_regs(3, BOARD_HR_UNLOCK, 1);
	assert_int_equal(reg(0), 1);
	assert_int_equal(write_reg(BOARD_HR_CFG_COUNTER, 100), MB_EX_ILLEGAL_VALUE);
	assert_int_equal(write_reg(BOARD_HR_CFG_COUNTER, 7), 0);
	assert_int_equal(write_reg(BOARD_HR_CFG_ADDRESS, 33), 0);
	assert_int_equal(write_reg(BOARD_HR_CFG_BAUD, BOARD_BAUD_115200), 0);
	assert_int_equal(fk.face.counter, 12); /* staged only */
	int writes = fk.nvm_writes;
	/* the commit's reply goes out from the old address, then the new one applies */
	assert_int_equal(write_reg(BOARD_HR_CFG_COMMIT, BOARD_COMMIT_SAVE), 0);
	assert_int_equal(fk.out[0], 5);
	assert_int_equal(fk.nvm_writes, writes + 1);
	assert_int_equal(fk.baud, 115200);
	assert_int_equal(fk.face.counter, 7);
	assert_int_equal(b.unlock_stage, 0);
	nvcfg c;
	assert_int_equal(nvcfg_decode(fk.nvm, NVCFG_SIZE, &c), 0);
	assert_int_equal(c.address, 33);
	assert_int_equal(c.counter, 7);
	uint8_t p[5] = { 4, 0, 0, 0, 1 };
	assert_int_equal(request(p, 5, 5), 0);
	assert_int_equal(request(p, 5, 33), 7);
	/* the unlock expires */
	b.unlock_stage = 2;
	b.unlock_until_ms = b.now_ms + 10;
	run_ms(20);
	assert_int_equal(b.unlock_stage, 0);
}

static void test_offline(void **state)
{
	(void)state;
	boot(BOARD_ROLE_NUMBER);
	run_ms(4900);
	assert_int_equal(fk.face.offline, 0);
	run_ms(200);
	assert_int_equal(fk.face.offline, 1);
	/* a poll brings it back and says it was offline, until the host
	 * acknowledges: a read whose reply is lost does not lose it */
	read_regs(4, 0, 1);
	assert_int_equal(fk.face.offline, 0);
	assert_true(reg(0) & BOARD_ST_WAS_OFFLINE);
	read_regs(4, 0, BOARD_IR_POLL_COUNT);
	assert_true(reg(BOARD_IR_STATUS) & BOARD_ST_WAS_OFFLINE);
	read_regs(3, BOARD_HR_STATUS_ACK, 1);
	assert_int_equal(reg(0), 0);
	/* other bits are not cleared by the ack */
	b.status |= BOARD_ST_FACTORY;
	assert_int_equal(write_reg(BOARD_HR_STATUS_ACK, 0xFFFF), 0);
	read_regs(4, 0, 1);
	assert_false(reg(0) & BOARD_ST_WAS_OFFLINE);
	assert_true(reg(0) & BOARD_ST_FACTORY);
	b.status &= (uint16_t)~BOARD_ST_FACTORY;
	/* an ack by broadcast is refused */
	run_ms(5100);
	assert_int_equal(fk.face.offline, 1);
	uint8_t bc[] = { 6, 0, BOARD_HR_STATUS_ACK, 0, BOARD_ST_WAS_OFFLINE };
	assert_int_equal(request(bc, 5, 0), 0);
	assert_int_equal(fk.face.offline, 0);
	read_regs(4, 0, 1);
	assert_true(reg(0) & BOARD_ST_WAS_OFFLINE);
	assert_int_equal(write_reg(BOARD_HR_STATUS_ACK, BOARD_ST_WAS_OFFLINE), 0);
	read_regs(4, 0, 1);
	assert_false(reg(0) & BOARD_ST_WAS_OFFLINE);
	/* an offline spell that the ack itself ends (no read has shown it yet)
	 * is not cleared by that ack */
	run_ms(5100);
	assert_int_equal(fk.face.offline, 1);
	assert_int_equal(write_reg(BOARD_HR_STATUS_ACK, BOARD_ST_WAS_OFFLINE), 0);
	assert_int_equal(fk.face.offline, 0);
	read_regs(4, 0, 1);
	assert_true(reg(0) & BOARD_ST_WAS_OFFLINE);
	/* nor one that ends between the host's read and its ack */
	read_regs(4, 0, 1);
	assert_true(reg(0) & BOARD_ST_WAS_OFFLINE);
	run_ms(5100);
	assert_int_equal(fk.face.offline, 1);
	read_regs(3, BOARD_HR_NUMBER, 1);
	assert_int_equal(fk.face.offline, 0);
	assert_int_equal(write_reg(BOARD_HR_STATUS_ACK, BOARD_ST_WAS_OFFLINE), 0);
	read_regs(4, 0, 1);
	assert_true(reg(0) & BOARD_ST_WAS_OFFLINE);
	assert_int_equal(write_reg(BOARD_HR_STATUS_ACK, BOARD_ST_WAS_OFFLINE), 0);
	read_regs(4, 0, 1);
	assert_false(reg(0) & BOARD_ST_WAS_OFFLINE);
	/* polls to another board do not count */
	run_ms(3000);
	uint8_t p[5] = { 4, 0, 0, 0, 1 };
	assert_int_equal(request(p, 5, 6), 0);
	run_ms(2100);
	assert_int_equal(fk.face.offline, 1);
}

static void test_factory_reset(void **state)
{
	(void)state;
	boot(BOARD_ROLE_CALLER);
	/* released before 3 s: nothing happens */
	fk.keys = BOARD_KB_SERVICE;
	board_init(&b, &port);
	assert_int_equal(fk.face.notice, 0);
	run_ms(1);
	assert_int_equal(fk.face.notice, BOARD_NOTICE_HOLD);
	run_ms(1000);
	fk.keys = 0;
	run_ms(100);
	assert_int_equal(b.cfg.address, 5);
	assert_int_equal(b.fifo.count, 0);   /* the held key was no press */
	/* held 3 s: defaults, role and serial kept */
	fk.keys = BOARD_KB_SERVICE;
	board_init(&b, &port);
	run_ms(3100);
	assert_int_equal(b.cfg.address, 247);
	assert_int_equal(b.cfg.counter, 0);
	assert_int_equal(b.cfg.role, BOARD_ROLE_CALLER);
	assert_int_equal(b.cfg.serial, 0x01020304);
	assert_int_equal(fk.face.notice, BOARD_NOTICE_FACTORY);
	fk.keys = 0;
	run_ms(100);
	assert_int_equal(b.fifo.count, 0);
	nvcfg c;
	assert_int_equal(nvcfg_decode(fk.nvm, NVCFG_SIZE, &c), 0);
	assert_int_equal(c.address, 247);
	uint8_t p[5] = { 4, 0, 0, 0, 1 };
	assert_int_equal(request(p, 5, 247), 7);
	assert_int_equal(request(p, 5, 5), 0);
}

static void test_reboot_command(void **state)
{
	(void)state;
	boot(BOARD_ROLE_HALL);
	assert_int_equal(write_reg(BOARD_HR_CFG_COMMIT, BOARD_COMMIT_REBOOT), MB_EX_DEVICE_FAILURE);
	assert_int_equal(write_reg(BOARD_HR_UNLOCK, BOARD_UNLOCK_KEY1), 0);
	assert_int_equal(write_reg(BOARD_HR_UNLOCK, BOARD_UNLOCK_KEY2), 0);
	assert_int_equal(fk.reboots, 0);
	assert_int_equal(write_reg(BOARD_HR_CFG_COMMIT, BOARD_COMMIT_REBOOT), 0);
	assert_int_equal(fk.reboots, 1);
	/* hall rows */
	uint8_t p[] = { 16, 0, BOARD_HR_HALL_BASE, 0, 2, 4, 0, 101, 0, 9 };
	assert_int_equal(request(p, sizeof p, 5), 8);
	assert_int_equal(fk.face.hall[0][0], 101);
	assert_int_equal(fk.face.hall[0][1], 9);
	assert_int_equal(fk.face.hall[1][0], 0xFFFF);
	assert_int_equal(write_reg(BOARD_HR_HALL_BASE + 1, 100), MB_EX_ILLEGAL_VALUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_and_boot),
		cmocka_unit_test(test_display_and_flash),
		cmocka_unit_test(test_events_poll_ack),
		cmocka_unit_test(test_rating),
		cmocka_unit_test(test_config_unlock_commit),
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_factory_reset),
		cmocka_unit_test(test_reboot_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
