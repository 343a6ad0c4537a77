/*
 * nvlog.h - the NVM record kept in flash pages as an append-only log, for
 * ports whose non-volatile memory is NOR flash (erase a page to 0xFF, then
 * program half-words once).
 *
 * The area is NVLOG_PAGES pages.  Each write appends one slot of
 * NVLOG_SLOT_SIZE bytes: a 16-bit sequence number, the record (up to
 * NVLOG_REC_MAX bytes, zero padded) and a CRC-16 of both.  A read returns
 * the valid slot with the newest sequence number.  Only when the page in use
 * is full is the other page erased and written; the newest record stays
 * in the full page until its successor is programmed and verified.  So a
 * power cut at any instant (torn program, torn erase) leaves the previous
 * record readable, a blank area reads as "none" (the caller uses defaults),
 * and a page is erased once every NVLOG_SLOTS writes (the board writes at
 * every boot: the flash's 1,000 erase cycles last 1,000 x NVLOG_SLOTS boots).
 *
 * Portable: flash is reached through struct nvlog_flash, read through a
 * memory-mapped pointer; host tests give it an array with NOR semantics.
 */
#ifndef ONESTOP_NVLOG_H
#define ONESTOP_NVLOG_H

#include <stdint.h>

#define NVLOG_REC_MAX 20                          /* NVCFG_SIZE */
#define NVLOG_SLOT_SIZE (2 + NVLOG_REC_MAX + 2)  /* seq, record, CRC: 24 */
#define NVLOG_PAGES 2

typedef struct nvlog_flash {
	void *arg;
	const volatile uint8_t *base; /* the area, NVLOG_PAGES * page_size bytes, read directly */
	uint16_t page_size;           /* bytes per erase page, a multiple of 2 */
	/* Erase the page starting at byte offset off: 0, or -1 on error.
	 * May block for the flash's erase time. */
	int (*erase)(void *arg, uint32_t off);
	/* Program the half-word v at byte offset off (even, erased): 0 or -1. */
	int (*program16)(void *arg, uint32_t off, uint16_t v);
} nvlog_flash;

/* Copy the newest valid record into rec (len <= NVLOG_REC_MAX bytes):
 * 0, or -1 (rec untouched) if the area holds none (blank or all corrupt). */
int nvlog_read(const nvlog_flash *f, uint8_t *rec, uint16_t len);
/* Append rec (len <= NVLOG_REC_MAX) as the newest record, erasing the other
 * page when the current one is full; programs, then verifies by reading
 * back (a failed slot is skipped, up to 3 tries).  0, or -1 on error. */
int nvlog_write(const nvlog_flash *f, const uint8_t *rec, uint16_t len);
/* Slots per page for f (how many writes between two erases of a page). */
uint16_t nvlog_slots(const nvlog_flash *f);

#endif
