/*
 * nvcfg.h - the board's configuration as stored in non-volatile memory: a
 * 20-byte record with a magic, a version and a CRC, so that a blank or torn
 * record is detected and factory defaults used instead.
 */
#ifndef ONESTOP_NVCFG_H
#define ONESTOP_NVCFG_H

#include <stdint.h>

#define NVCFG_SIZE 20
#define NVCFG_DEFAULT_ADDRESS 247
#define NVCFG_DEFAULT_BAUD 1       /* BOARD_BAUD_19200 */

typedef struct nvcfg {
	uint8_t address;      /* 1..247 */
	uint8_t baud;         /* BOARD_BAUD_* */
	uint8_t role;         /* BOARD_ROLE_* */
	uint8_t counter;      /* 0..99 */
	uint32_t serial;
	uint16_t boot_count;
	uint16_t wdt_resets;
} nvcfg;

/* Factory defaults for a board of role, keeping serial. */
void nvcfg_defaults(nvcfg *c, uint8_t role, uint32_t serial);
/* 1 if every field is in range. */
int nvcfg_valid(const nvcfg *c);
/* Serialise c into out[NVCFG_SIZE]. */
void nvcfg_encode(const nvcfg *c, uint8_t *out);
/* Parse a record; 0 on success, -1 (c untouched) if blank, corrupt or out of range. */
int nvcfg_decode(const uint8_t *in, uint16_t len, nvcfg *c);
/* Baud rate of a BOARD_BAUD_* code, 0 if unknown. */
uint32_t nvcfg_baud(uint8_t code);

#endif
