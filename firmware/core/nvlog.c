/*
 * nvlog.c - the NVM record as an append-only log over two flash pages.
 * A slot (little endian): 0..1 sequence number (0xFFFF never used, it reads
 * as blank), 2..21 the record zero padded, 22..23 CRC-16 of bytes 0..21.
 * The newest valid slot of the newest page wins; sequence numbers compare
 * with a signed 16-bit difference, so they may wrap.
 */
#include "core/nvlog.h"
#include "core/crc16.h"

#include <string.h>

#define SEQ_OFF 0
#define REC_OFF 2
#define CRC_OFF (2 + NVLOG_REC_MAX)
#define TRIES 3

/* Where the log stands: per page, slots in use and its newest valid slot. */
typedef struct scan {
	uint16_t used[NVLOG_PAGES];  /* index after the last non-blank slot */
	int16_t best[NVLOG_PAGES];   /* newest valid slot, -1 if none */
	uint16_t seq[NVLOG_PAGES];   /* its sequence number */
} scan;

/* See nvlog.h. */
uint16_t nvlog_slots(const nvlog_flash *f)
{
	return (uint16_t)(f->page_size / NVLOG_SLOT_SIZE);
}

static uint32_t slot_off(const nvlog_flash *f, int page, int slot)
{
	return (uint32_t)page * f->page_size + (uint32_t)slot * NVLOG_SLOT_SIZE;
}

/* Copy one slot out of flash. */
static void slot_get(const nvlog_flash *f, uint32_t off, uint8_t *s)
{
	for (int i = 0; i < NVLOG_SLOT_SIZE; i++)
		s[i] = f->base[off + (uint32_t)i];
}

static int slot_blank(const uint8_t *s)
{
	for (int i = 0; i < NVLOG_SLOT_SIZE; i++)
		if (s[i] != 0xFF)
			return 0;
	return 1;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* 1 if the slot's CRC holds and its sequence number is a real one. */
static int slot_valid(const uint8_t *s)
{
	uint16_t crc = crc16_modbus(s, CRC_OFF);
	return get16(s + SEQ_OFF) != 0xFFFF && get16(s + CRC_OFF) == crc;
}

/* 1 if sequence number a is newer than b. */
static int seq_newer(uint16_t a, uint16_t b) { return (int16_t)(uint16_t)(a - b) > 0; }

/* Survey both pages. */
static void survey(const nvlog_flash *f, scan *sc)
{
	uint8_t s[NVLOG_SLOT_SIZE];
	int n = nvlog_slots(f);

	for (int p = 0; p < NVLOG_PAGES; p++) {
		sc->used[p] = 0;
		sc->best[p] = -1;
		sc->seq[p] = 0;
		for (int i = 0; i < n; i++) {
			slot_get(f, slot_off(f, p, i), s);
			if (!slot_blank(s))
				sc->used[p] = (uint16_t)(i + 1);
		}
		for (int i = sc->used[p] - 1; i >= 0; i--) {
			slot_get(f, slot_off(f, p, i), s);
			if (slot_valid(s)) {
				sc->best[p] = (int16_t)i;
				sc->seq[p] = get16(s + SEQ_OFF);
				break;
			}
		}
	}
}

/* The page holding the newest valid slot, -1 if none. */
static int newest_page(const scan *sc)
{
	int best = -1;

	for (int p = 0; p < NVLOG_PAGES; p++)
		if (sc->best[p] >= 0 && (best < 0 || seq_newer(sc->seq[p], sc->seq[best])))
			best = p;
	return best;
}

/* See nvlog.h. */
int nvlog_read(const nvlog_flash *f, uint8_t *rec, uint16_t len)
{
	uint8_t s[NVLOG_SLOT_SIZE];
	scan sc;
	int p;

	if (len > NVLOG_REC_MAX || nvlog_slots(f) == 0)
		return -1;
	survey(f, &sc);
	p = newest_page(&sc);
	if (p < 0)
		return -1;
	slot_get(f, slot_off(f, p, sc.best[p]), s);
	memcpy(rec, s + REC_OFF, len);
	return 0;
}

/* Program the slot image s at off, then read it back: 0 or -1. */
static int slot_put(const nvlog_flash *f, uint32_t off, const uint8_t *s)
{
	uint8_t back[NVLOG_SLOT_SIZE];

	for (int i = 0; i < NVLOG_SLOT_SIZE; i += 2)
		if (f->program16(f->arg, off + (uint32_t)i, get16(s + i)) != 0)
			return -1;
	slot_get(f, off, back);
	return memcmp(back, s, NVLOG_SLOT_SIZE) == 0 ? 0 : -1;
}

/* See nvlog.h. */
int nvlog_write(const nvlog_flash *f, const uint8_t *rec, uint16_t len)
{
	uint16_t n = nvlog_slots(f);

	if (len > NVLOG_REC_MAX || n == 0 || f->page_size % 2 != 0)
		return -1;
	for (int t = 0; t < TRIES; t++) {
		uint8_t s[NVLOG_SLOT_SIZE];
		scan sc;
		int p, slot;
		uint16_t seq = 0, crc;

		survey(f, &sc);
		p = newest_page(&sc);
		if (p >= 0) {
			seq = (uint16_t)(sc.seq[p] + 1);
			if (seq == 0xFFFF)
				seq = 0;
		}
		if (p >= 0 && sc.used[p] < n) {
			slot = sc.used[p];
		} else {
			/* The page in use is full (or there is none): start the
			 * other one; the newest record stays where it is. */
			p = p < 0 ? 0 : (p + 1) % NVLOG_PAGES;
			if (sc.used[p] != 0 && f->erase(f->arg, slot_off(f, p, 0)) != 0)
				continue;
			slot = 0;
		}
		memset(s, 0, sizeof s);
		s[SEQ_OFF] = (uint8_t)seq;
		s[SEQ_OFF + 1] = (uint8_t)(seq >> 8);
		memcpy(s + REC_OFF, rec, len);
		crc = crc16_modbus(s, CRC_OFF);
		s[CRC_OFF] = (uint8_t)crc;
		s[CRC_OFF + 1] = (uint8_t)(crc >> 8);
		if (slot_put(f, slot_off(f, p, slot), s) == 0)
			return 0;
	}
	return -1;
}
