/*
 * test_mbslave.c - the Modbus RTU slave alone, behind a stub register bank:
 * each function code, the exception paths, CRC and address filtering,
 * broadcast, malformed frames, and framing by inter-character timing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/crc16.h"
#include "core/mbslave.h"

#define NREG 10
static uint16_t hold[NREG], input[NREG];
static int writes;

static mb_status st_read(void *ctx, uint8_t table, uint16_t addr, uint16_t n, uint16_t *out)
{
	(void)ctx;
	if ((uint32_t)addr + n > NREG)
		return MB_EX_ILLEGAL_ADDRESS;
	memcpy(out, (table == 3 ? hold : input) + addr, n * sizeof *out);
	return MB_OK;
}

static mb_status st_write(void *ctx, uint16_t addr, uint16_t n, const uint8_t *v, int bcast)
{
	(void)ctx;
	(void)bcast;
	if ((uint32_t)addr + n > NREG)
		return MB_EX_ILLEGAL_ADDRESS;
	for (uint16_t i = 0; i < n; i++)
		if (v[2 * i] == 0xEE)
			return MB_EX_ILLEGAL_VALUE;
	for (uint16_t i = 0; i < n; i++)
		hold[addr + i] = (uint16_t)(v[2 * i] << 8 | v[2 * i + 1]);
	writes++;
	return MB_OK;
}

static const char *st_devid(void *ctx, uint8_t o)
{
	(void)ctx;
	return o == 0 ? "acme" : o == 1 ? "X1" : o == 2 ? "9.9" : NULL;
}

static const mbslave_ops ops = { st_read, st_write, st_devid };
static mbslave s;

static int setup(void **state)
{
	(void)state;
	for (int i = 0; i < NREG; i++) {
		hold[i] = (uint16_t)(100 + i);
		input[i] = (uint16_t)(200 + i);
	}
	writes = 0;
	mbslave_init(&s, &ops, NULL, 17, 19200, 0);
	return 0;
}

/* Append the CRC to f[0..n) and process; returns the response length. */
static uint16_t req(uint8_t *f, uint16_t n)
{
	uint16_t c = crc16_modbus(f, n);
	f[n] = (uint8_t)c;
	f[n + 1] = (uint8_t)(c >> 8);
	return mbslave_process(&s, f, (uint16_t)(n + 2));
}

/* The response has a good CRC and is from address 17. */
static void check_resp(uint16_t len)
{
	assert_true(len >= 5);
	assert_int_equal(crc16_modbus(s.tx, len), 0);
	assert_int_equal(s.tx[0], 17);
}

static void check_exception(uint16_t len, uint8_t fc, uint8_t ex)
{
	assert_int_equal(len, 5);
	check_resp(len);
	assert_int_equal(s.tx[1], fc | 0x80);
	assert_int_equal(s.tx[2], ex);
}

static void test_fc03_fc04(void **state)
{
	uint8_t f[16] = { 17, 3, 0, 2, 0, 3 };
	uint16_t len = req(f, 6);
	(void)state;
	assert_int_equal(len, 5 + 6);
	check_resp(len);
	assert_int_equal(s.tx[2], 6);
	assert_int_equal(s.tx[3] << 8 | s.tx[4], 102);
	assert_int_equal(s.tx[7] << 8 | s.tx[8], 104);
	f[1] = 4;
	len = req(f, 6);
	assert_int_equal(s.tx[3] << 8 | s.tx[4], 202);
	/* count 0 and 126: illegal value; past the end: illegal address */
	f[5] = 0;
	check_exception(req(f, 6), 4, MB_EX_ILLEGAL_VALUE);
	f[4] = 0; f[5] = 126;
	check_exception(req(f, 6), 4, MB_EX_ILLEGAL_VALUE);
	f[3] = 8; f[5] = 3;
	check_exception(req(f, 6), 4, MB_EX_ILLEGAL_ADDRESS);
	f[2] = 0xFF; f[3] = 0xFF; f[5] = 1;
	check_exception(req(f, 6), 4, MB_EX_ILLEGAL_ADDRESS);
	assert_int_equal(s.cnt.exceptions, 4);
	assert_int_equal(s.cnt.slave_msgs, 6);
}

static void test_fc06_fc16(void **state)
{
	uint8_t f[40] = { 17, 6, 0, 4, 0x12, 0x34 };
	uint16_t len = req(f, 6);
	(void)state;
	assert_int_equal(len, 8);
	assert_memory_equal(s.tx, f, 8); /* echo */
	assert_int_equal(hold[4], 0x1234);
	f[4] = 0xEE;
	check_exception(req(f, 6), 6, MB_EX_ILLEGAL_VALUE);
	assert_int_equal(hold[4], 0x1234);

	uint8_t m[40] = { 17, 16, 0, 1, 0, 3, 6, 0, 1, 0, 2, 0, 3 };
	len = req(m, 13);
	assert_int_equal(len, 8);
	check_resp(len);
	assert_int_equal(s.tx[5], 3);
	assert_int_equal(hold[1], 1);
	assert_int_equal(hold[3], 3);
	/* byte count disagreeing with the count: illegal value, nothing written */
	m[5] = 2;
	check_exception(req(m, 13), 16, MB_EX_ILLEGAL_VALUE);
	m[5] = 3; m[4] = 0;
	m[11] = 0xEE; /* one bad value spoils the whole write */
	hold[1] = 0;
	check_exception(req(m, 13), 16, MB_EX_ILLEGAL_VALUE);
	assert_int_equal(hold[1], 0);
	/* byte count disagreeing with the frame length: ignored */
	m[11] = 0; m[6] = 8;
	assert_int_equal(req(m, 13), 0);
	assert_int_equal(writes, 2);
}

static void test_fc08_fc43_unknown(void **state)
{
	uint8_t f[16] = { 17, 8, 0, 0, 0xAB, 0xCD };
	uint16_t len = req(f, 6);
	(void)state;
	assert_int_equal(len, 8);
	assert_memory_equal(s.tx, f, 8);
	f[3] = 0x0E; /* slave message count: this one is the second */
	len = req(f, 6);
	assert_int_equal(s.tx[4] << 8 | s.tx[5], 2);
	f[3] = 0x0A; /* clear counters */
	req(f, 6);
	assert_int_equal(s.cnt.slave_msgs, 0);
	f[3] = 0x05; /* unsupported sub-function */
	check_exception(req(f, 6), 8, MB_EX_ILLEGAL_FUNCTION);

	uint8_t d[8] = { 17, 0x2B, 0x0E, 1, 0 };
	len = req(d, 5);
	check_resp(len);
	assert_int_equal(s.tx[7], 3); /* three objects */
	assert_int_equal(s.tx[8], 0);
	assert_int_equal(s.tx[9], 4);
	assert_memory_equal(s.tx + 10, "acme", 4);
	d[3] = 4; d[4] = 2;
	len = req(d, 5);
	assert_int_equal(s.tx[7], 1);
	assert_int_equal(s.tx[8], 2);
	assert_memory_equal(s.tx + 10, "9.9", 3);
	d[4] = 7;
	check_exception(req(d, 5), 0x2B, MB_EX_ILLEGAL_ADDRESS);
	d[3] = 2;
	check_exception(req(d, 5), 0x2B, MB_EX_ILLEGAL_VALUE);

	uint8_t u[8] = { 17, 0x01, 0, 0, 0, 1 };
	check_exception(req(u, 6), 0x01, MB_EX_ILLEGAL_FUNCTION);
}

/* FC08/00 echoes the request whatever its data length, up to the largest
 * frame (250 data bytes = 256-byte ADU), also when the frame comes in byte by
 * byte; the other sub-functions take exactly two data bytes. */
static void test_fc08_echo_lengths(void **state)
{
	static const uint16_t lens[] = { 0, 1, 2, 3, 7, 64, 249, 250 };
	uint8_t f[MBSLAVE_ADU_MAX + 8];
	uint16_t len;
	(void)state;

	for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
		uint16_t n = lens[k];
		f[0] = 17; f[1] = 8; f[2] = 0; f[3] = 0;
		for (uint16_t i = 0; i < n; i++)
			f[4 + i] = (uint8_t)(0xA5 ^ (7 * i + k));
		len = req(f, (uint16_t)(4 + n));
		assert_int_equal(len, 6 + n);
		check_resp(len);
		assert_memory_equal(s.tx, f, 6 + n);
	}
	/* the largest frame through the receiver, timed */
	f[0] = 17; f[1] = 8; f[2] = 0; f[3] = 0;
	for (uint16_t i = 0; i < 250; i++)
		f[4 + i] = (uint8_t)i;
	uint16_t c = crc16_modbus(f, 254);
	f[254] = (uint8_t)c;
	f[255] = (uint8_t)(c >> 8);
	for (uint16_t i = 0; i < MBSLAVE_ADU_MAX; i++)
		mbslave_rx(&s, f[i], 1000 + i);
	len = mbslave_poll(&s, 1000 + MBSLAVE_ADU_MAX + s.t35_us);
	assert_int_equal(len, MBSLAVE_ADU_MAX);
	assert_memory_equal(s.tx, f, MBSLAVE_ADU_MAX);
	mbslave_tx_done(&s);
	/* 251 data bytes do not fit a frame: nothing */
	uint16_t over = s.cnt.overruns;
	for (uint16_t i = 0; i < MBSLAVE_ADU_MAX + 1; i++)
		mbslave_rx(&s, f[i % MBSLAVE_ADU_MAX], 5000 + i);
	assert_int_equal(mbslave_poll(&s, 5000 + MBSLAVE_ADU_MAX + 1 + s.t35_us), 0);
	assert_int_equal(s.cnt.overruns, over + 1);
	/* no sub-function at all, or a counter with three data bytes: ignored */
	uint16_t fe = s.cnt.frame_errors;
	f[0] = 17; f[1] = 8; f[2] = 0;
	assert_int_equal(req(f, 3), 0);
	f[2] = 0; f[3] = 0x0B; f[4] = 0; f[5] = 0; f[6] = 0;
	assert_int_equal(req(f, 7), 0);
	assert_int_equal(s.cnt.frame_errors, fe + 2);
	/* broadcast: never echoed */
	f[0] = 0; f[1] = 8; f[2] = 0; f[3] = 0; f[4] = 1;
	assert_int_equal(req(f, 5), 0);
}

static void test_crc_address_broadcast_malformed(void **state)
{
	uint8_t f[16] = { 17, 3, 0, 0, 0, 1 };
	(void)state;
	req(f, 6);
	f[6] ^= 1;
	assert_int_equal(mbslave_process(&s, f, 8), 0);
	assert_int_equal(s.cnt.crc_errors, 1);
	f[0] = 18;
	assert_int_equal(req(f, 6), 0);           /* foreign */
	assert_int_equal(s.cnt.bus_msgs, 2);
	assert_int_equal(s.cnt.slave_msgs, 1);
	f[0] = 0;
	assert_int_equal(req(f, 6), 0);           /* broadcast read: ignored */
	uint8_t w[16] = { 0, 6, 0, 2, 0, 77 };
	assert_int_equal(req(w, 6), 0);           /* broadcast write: done, not answered */
	assert_int_equal(hold[2], 77);
	w[4] = 0xEE;
	assert_int_equal(req(w, 6), 0);           /* even its exception is not sent */
	assert_int_equal(s.cnt.exceptions, 0);
	assert_int_equal(s.cnt.no_response, 3);
	/* too short, wrong lengths for the function */
	assert_int_equal(mbslave_process(&s, f, 3), 0);
	uint8_t g[16] = { 17, 3, 0, 0, 0 };
	assert_int_equal(req(g, 5), 0);
	uint8_t h[16] = { 17, 6, 0, 0, 0, 1, 2 };
	assert_int_equal(req(h, 7), 0);
	uint8_t m[16] = { 17, 16, 0, 0 };
	assert_int_equal(req(m, 4), 0);
	assert_int_equal(s.cnt.frame_errors, 4);
}

/* Feed bytes 1 us apart starting at t. */
static void feed(const uint8_t *b, uint16_t n, uint32_t t)
{
	for (uint16_t i = 0; i < n; i++)
		mbslave_rx(&s, b[i], t + i);
}

static void test_framing_timing(void **state)
{
	uint8_t f[16] = { 17, 3, 0, 0, 0, 2 };
	uint16_t c = crc16_modbus(f, 6);
	uint32_t t = 0xFFFFFF00u; /* across the wrap of the clock */
	(void)state;
	f[6] = (uint8_t)c;
	f[7] = (uint8_t)(c >> 8);
	assert_int_equal(mbslave_wait_us(&s, t), UINT32_MAX);
	feed(f, 8, t);
	/* not yet silent for 3.5 characters (2005 us at 19,200) */
	assert_int_equal(mbslave_poll(&s, t + 7 + 1000), 0);
	assert_true(mbslave_wait_us(&s, t + 7 + 1000) > 0);
	assert_int_equal(mbslave_poll(&s, t + 7 + s.t35_us), 9);
	mbslave_tx_done(&s);
	/* a 1.5-character gap inside the frame spoils it */
	t += 100000;
	feed(f, 4, t);
	feed(f + 4, 4, t + 3 + s.t15_us + 10);
	assert_int_equal(mbslave_poll(&s, t + 100000), 0);
	assert_int_equal(s.cnt.frame_errors, 1);
	/* a gap just under 1.5 characters is fine */
	t += 200000;
	feed(f, 4, t);
	feed(f + 4, 4, t + 3 + s.t15_us - 10);
	assert_int_equal(mbslave_poll(&s, t + 100000), 9);
	/* two frames without the silence between them merge: dropped by CRC */
	t += 200000;
	feed(f, 8, t);
	feed(f, 8, t + 8);
	assert_int_equal(mbslave_poll(&s, t + 100000), 0);
	assert_int_equal(s.cnt.crc_errors, 1);
	/* more than 256 bytes: overrun, dropped; then the next frame works */
	t += 200000;
	for (int i = 0; i < 300; i++)
		mbslave_rx(&s, 0x55, t);
	assert_int_equal(mbslave_poll(&s, t + 100000), 0);
	assert_int_equal(s.cnt.overruns, 1);
	feed(f, 8, t + 200000);
	assert_int_equal(mbslave_poll(&s, t + 300000), 9);
	/* a UART overrun spoils the frame in progress */
	feed(f, 4, t + 400000);
	mbslave_overrun(&s);
	feed(f + 4, 4, t + 400004);
	assert_int_equal(mbslave_poll(&s, t + 500000), 0);
	assert_int_equal(s.cnt.overruns, 2);
}

static void test_timing_constants(void **state)
{
	(void)state;
	mbslave_set_baud(&s, 9600, 0);
	assert_int_equal(s.t35_us, 4010);  /* 3.5 * 11 bits / 9600 */
	assert_int_equal(s.t15_us, 1719);
	mbslave_set_baud(&s, 115200, 500);
	assert_int_equal(s.t35_us, 1750 + 500);
	assert_int_equal(s.t15_us, 750 + 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fc03_fc04, setup),
		cmocka_unit_test_setup(test_fc06_fc16, setup),
		cmocka_unit_test_setup(test_fc08_fc43_unknown, setup),
		cmocka_unit_test_setup(test_fc08_echo_lengths, setup),
		cmocka_unit_test_setup(test_crc_address_broadcast_malformed, setup),
		cmocka_unit_test_setup(test_framing_timing, setup),
		cmocka_unit_test_setup(test_timing_constants, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
