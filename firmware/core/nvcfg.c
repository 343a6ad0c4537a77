/*
 * nvcfg.c - encoding of the configuration record (little endian):
 *   0 'O' 1 'B' 2 version 3 address 4 baud 5 role 6 counter 7 reserved
 *   8..11 serial 12..13 boot count 14..15 watchdog resets 16..17 reserved
 *   18..19 CRC-16 of bytes 0..17
 */
#include "core/nvcfg.h"
#include "core/crc16.h"
#include "proto/board_regs.h"

#include <string.h>

#define NVCFG_VERSION 1

/* See nvcfg.h. */
void nvcfg_defaults(nvcfg *c, uint8_t role, uint32_t serial)
{
	memset(c, 0, sizeof *c);
	c->address = NVCFG_DEFAULT_ADDRESS;
	c->baud = NVCFG_DEFAULT_BAUD;
	c->role = (role >= BOARD_ROLE_NUMBER && role <= BOARD_ROLE_HALL) ? role : BOARD_ROLE_NUMBER;
	c->serial = serial;
}

/* See nvcfg.h. */
uint32_t nvcfg_baud(uint8_t code)
{
	static const uint32_t rates[] = { 9600, 19200, 38400, 57600, 115200 };
	return code < sizeof rates / sizeof rates[0] ? rates[code] : 0;
}

/* See nvcfg.h. */
int nvcfg_valid(const nvcfg *c)
{
	return c->address >= 1 && c->address <= 247 && nvcfg_baud(c->baud) != 0 &&
	    c->role >= BOARD_ROLE_NUMBER && c->role <= BOARD_ROLE_HALL && c->counter <= 99;
}

/* See nvcfg.h. */
void nvcfg_encode(const nvcfg *c, uint8_t *out)
{
	uint16_t crc;

	memset(out, 0, NVCFG_SIZE);
	out[0] = 'O';
	out[1] = 'B';
	out[2] = NVCFG_VERSION;
	out[3] = c->address;
	out[4] = c->baud;
	out[5] = c->role;
	out[6] = c->counter;
	for (int i = 0; i < 4; i++)
		out[8 + i] = (uint8_t)(c->serial >> (8 * i));
	out[12] = (uint8_t)c->boot_count;
	out[13] = (uint8_t)(c->boot_count >> 8);
	out[14] = (uint8_t)c->wdt_resets;
	out[15] = (uint8_t)(c->wdt_resets >> 8);
	crc = crc16_modbus(out, NVCFG_SIZE - 2);
	out[18] = (uint8_t)crc;
	out[19] = (uint8_t)(crc >> 8);
}

/* See nvcfg.h. */
int nvcfg_decode(const uint8_t *in, uint16_t len, nvcfg *c)
{
	nvcfg t;
	uint16_t crc;

	if (len < NVCFG_SIZE || in[0] != 'O' || in[1] != 'B' || in[2] != NVCFG_VERSION)
		return -1;
	crc = crc16_modbus(in, NVCFG_SIZE - 2);
	if (in[18] != (uint8_t)crc || in[19] != (uint8_t)(crc >> 8))
		return -1;
	t.address = in[3];
	t.baud = in[4];
	t.role = in[5];
	t.counter = in[6];
	t.serial = (uint32_t)in[8] | (uint32_t)in[9] << 8 | (uint32_t)in[10] << 16 | (uint32_t)in[11] << 24;
	t.boot_count = (uint16_t)(in[12] | in[13] << 8);
	t.wdt_resets = (uint16_t)(in[14] | in[15] << 8);
	if (!nvcfg_valid(&t))
		return -1;
	*c = t;
	return 0;
}
