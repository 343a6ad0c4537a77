/*
 * fuzz_frame.c - libFuzzer target for the board's Modbus frame handling:
 * the input goes (1) byte by byte through the receiver with inter-character
 * gaps drawn from the input's own first byte (frames split, merged, spoilt
 * by 1.5-char gaps, overlong), and (2) as one ADU with its CRC made valid,
 * to an address that matches, so every function code, length check and
 * register write of the board is reached.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/board.h"
#include "core/crc16.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t now;
static uint8_t nvm[NVCFG_SIZE];
static uint32_t f_now(void *a) { (void)a; return now; }
static void f_de(void *a, int on) { (void)a; (void)on; }
static void f_write(void *a, const uint8_t *b, uint16_t n)
{
	(void)a;
	if (n < 5 || n > MBSLAVE_ADU_MAX || crc16_modbus(b, n) != 0)
		__builtin_trap(); /* every response is well formed */
}
static void f_baud(void *a, uint32_t b) { (void)a; (void)b; }
static void f_show(void *a, const board_face *f) { (void)a; (void)f; }
static uint32_t f_keys(void *a) { (void)a; return 0; }
static int f_rd(void *a, uint8_t *b, uint16_t n) { (void)a; memcpy(b, nvm, n); return 0; }
static int f_wr(void *a, const uint8_t *b, uint16_t n) { (void)a; memcpy(nvm, b, n); return 0; }
static void f_kick(void *a) { (void)a; }
static void f_reboot(void *a) { (void)a; }
static const board_port port = { NULL, 100, f_now, f_de, f_write, f_baud, f_show, f_keys,
	f_rd, f_wr, f_kick, NULL, f_reboot };
static board b;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t adu[MBSLAVE_ADU_MAX];
	uint32_t gaps = size ? data[0] : 0;
	uint16_t crc;
	nvcfg c;

	nvcfg_defaults(&c, (uint8_t)(size > 1 ? 1 + data[1] % 4 : 1), 1);
	c.address = 1;
	nvcfg_encode(&c, nvm);
	now = 0;
	board_init(&b, &port);
	/* the unlock is done, so that configuration writes are reached too */
	if (size > 2 && (data[2] & 1))
		b.unlock_stage = 2;
	for (size_t i = 0; i < size; i++) {
		gaps = gaps * 1103515245u + 12345u;
		now += (gaps >> 16) % 8 == 0 ? 3000 : (gaps >> 16) % 8 == 1 ? 1200 : 50;
		board_rx(&b, data[i], now);
		if ((gaps >> 20) % 16 == 0) {
			now += 100;
			board_poll(&b);
		}
	}
	now += 100000;
	board_poll(&b);
	if (size >= 2 && size <= MBSLAVE_ADU_MAX - 2) {
		memcpy(adu, data, size);
		adu[0] = data[0] % 2 ? 1 : 0; /* to us, or broadcast */
		crc = crc16_modbus(adu, size);
		adu[size] = (uint8_t)crc;
		adu[size + 1] = (uint8_t)(crc >> 8);
		uint16_t n = mbslave_process(&b.mb, adu, (uint16_t)(size + 2));
		if (n)
			f_write(NULL, b.mb.tx, n);
	}
	return 0;
}
