/*
 * test_nvlog.c - the flash log of the NVM record over a simulated NOR flash
 * (erase sets a page to 0xFF; a half-word is programmed once, into erased
 * cells, else the flash refuses it as the STM32F0 does with PGERR): blank
 * area, round trip, page turns and wear, and a power cut at every step of a
 * write (torn program, torn erase) always leaving the old or the new record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/nvcfg.h"
#include "core/nvlog.h"
#include "proto/board_regs.h"

#define PAGE 1024
#define AREA (NVLOG_PAGES * PAGE)

/* The simulated flash and its fault injection. */
typedef struct sim {
	uint8_t mem[AREA];
	long ops_left;      /* program/erase steps before the power cut, -1 = never */
	int cut;            /* the power was cut: every later step fails */
	int erases[NVLOG_PAGES];
	long programs;
	unsigned seed;
} sim;

/* Take one step; 0 if the power is still on. */
static int step(sim *s)
{
	if (s->cut)
		return -1;
	if (s->ops_left == 0) {
		s->cut = 1;
		return -1;
	}
	if (s->ops_left > 0)
		s->ops_left--;
	return 0;
}

static int sim_erase(void *arg, uint32_t off)
{
	sim *s = arg;

	assert_true(off % PAGE == 0 && off < AREA);
	if (step(s) != 0) {
		/* Torn erase: part of the page erased, the rest random. */
		uint32_t upto = (uint32_t)rand_r(&s->seed) % PAGE;
		memset(s->mem + off, 0xFF, upto);
		for (uint32_t i = upto; i < PAGE; i++)
			s->mem[off + i] = (uint8_t)rand_r(&s->seed);
		return -1;
	}
	memset(s->mem + off, 0xFF, PAGE);
	s->erases[off / PAGE]++;
	return 0;
}

static int sim_program(void *arg, uint32_t off, uint16_t v)
{
	sim *s = arg;

	assert_true(off % 2 == 0 && off + 1 < AREA);
	if (s->mem[off] != 0xFF || s->mem[off + 1] != 0xFF)
		return -1; /* PGERR: not erased */
	if (step(s) != 0) {
		/* Torn program: some bits of the half-word cleared. */
		s->mem[off] &= (uint8_t)(v | rand_r(&s->seed));
		return -1;
	}
	s->mem[off] = (uint8_t)v;
	s->mem[off + 1] = (uint8_t)(v >> 8);
	s->programs++;
	return 0;
}

static void sim_init(sim *s, nvlog_flash *f, unsigned seed)
{
	memset(s, 0, sizeof *s);
	memset(s->mem, 0xFF, sizeof s->mem);
	s->ops_left = -1;
	s->seed = seed;
	f->arg = s;
	f->base = s->mem;
	f->page_size = PAGE;
	f->erase = sim_erase;
	f->program16 = sim_program;
}

/* A record that tells which write it was (n in the boot count). */
static void make_rec(uint8_t *rec, uint16_t n)
{
	nvcfg c;

	nvcfg_defaults(&c, BOARD_ROLE_CALLER, 0x12345678u);
	c.address = (uint8_t)(1 + n % 247);
	c.boot_count = n;
	nvcfg_encode(&c, rec);
}

/* The boot count of the record read back, -1 if none or not decodable. */
static long read_n(const nvlog_flash *f)
{
	uint8_t rec[NVCFG_SIZE];
	nvcfg c;

	if (nvlog_read(f, rec, sizeof rec) != 0)
		return -1;
	assert_int_equal(nvcfg_decode(rec, sizeof rec, &c), 0);
	return c.boot_count;
}

static void test_blank(void **state)
{
	sim s;
	nvlog_flash f;
	uint8_t rec[NVCFG_SIZE];
	(void)state;
	sim_init(&s, &f, 1);
	memset(rec, 0x5A, sizeof rec);
	assert_int_equal(nvlog_read(&f, rec, sizeof rec), -1);
	assert_int_equal(rec[0], 0x5A); /* untouched */
	assert_int_equal(nvlog_slots(&f), PAGE / NVLOG_SLOT_SIZE);
	/* too long a record is refused either way */
	assert_int_equal(nvlog_read(&f, rec, NVLOG_REC_MAX + 1), -1);
	assert_int_equal(nvlog_write(&f, rec, NVLOG_REC_MAX + 1), -1);
}

static void test_round_trip(void **state)
{
	sim s;
	nvlog_flash f;
	uint8_t rec[NVCFG_SIZE], back[NVCFG_SIZE];
	(void)state;
	sim_init(&s, &f, 2);
	make_rec(rec, 7);
	assert_int_equal(nvlog_write(&f, rec, sizeof rec), 0);
	assert_int_equal(nvlog_read(&f, back, sizeof back), 0);
	assert_memory_equal(rec, back, sizeof rec);
	assert_int_equal(s.erases[0] + s.erases[1], 0); /* blank page: no erase needed */
	make_rec(rec, 8);
	assert_int_equal(nvlog_write(&f, rec, sizeof rec), 0);
	assert_int_equal(read_n(&f), 8);
}

/* Many writes: always the newest back; pages alternate; erases are rare. */
static void test_wear(void **state)
{
	sim s;
	nvlog_flash f;
	uint8_t rec[NVCFG_SIZE];
	long n = 5000, slots;
	(void)state;
	sim_init(&s, &f, 3);
	slots = nvlog_slots(&f);
	for (long i = 1; i <= n; i++) {
		make_rec(rec, (uint16_t)i);
		assert_int_equal(nvlog_write(&f, rec, sizeof rec), 0);
		assert_int_equal(read_n(&f), i);
	}
	/* one erase per page turn, but the first two pages start blank */
	assert_int_equal(s.erases[0] + s.erases[1], (n - 1) / slots - 1);
	assert_true(abs(s.erases[0] - s.erases[1]) <= 1);
	assert_int_equal(s.programs, n * NVLOG_SLOT_SIZE / 2);
}

/* A garbage area (never a valid slot) reads as none and is recovered. */
static void test_garbage(void **state)
{
	sim s;
	nvlog_flash f;
	uint8_t rec[NVCFG_SIZE];
	(void)state;
	sim_init(&s, &f, 4);
	for (size_t i = 0; i < sizeof s.mem; i++)
		s.mem[i] = (uint8_t)rand_r(&s.seed);
	assert_int_equal(read_n(&f), -1);
	make_rec(rec, 99);
	assert_int_equal(nvlog_write(&f, rec, sizeof rec), 0);
	assert_int_equal(read_n(&f), 99);
	assert_int_equal(s.erases[0], 1);
}

/* A corrupted newest slot falls back to the one before it. */
static void test_corrupt_newest(void **state)
{
	sim s;
	nvlog_flash f;
	uint8_t rec[NVCFG_SIZE];
	(void)state;
	sim_init(&s, &f, 5);
	for (uint16_t i = 1; i <= 3; i++) {
		make_rec(rec, i);
		assert_int_equal(nvlog_write(&f, rec, sizeof rec), 0);
	}
	s.mem[2 * NVLOG_SLOT_SIZE + 5] ^= 0x10; /* slot 2 = write 3 */
	assert_int_equal(read_n(&f), 2);
	/* the next write goes after the bad slot, not into it */
	make_rec(rec, 4);
	assert_int_equal(nvlog_write(&f, rec, sizeof rec), 0);
	assert_int_equal(read_n(&f), 4);
	assert_int_not_equal(s.mem[3 * NVLOG_SLOT_SIZE], 0xFF);
}

/* A power cut at every step of writes around a page turn: the record read
 * afterwards is the old or the new one, and the next write succeeds. */
static void test_power_cut(void **state)
{
	sim s;
	nvlog_flash f;
	uint8_t rec[NVCFG_SIZE];
	long slots, cuts = 0, olds = 0, news = 0;
	(void)state;
	sim_init(&s, &f, 6);
	slots = nvlog_slots(&f);
	/* Writes up to just before the second page turn (an erase of a page
	 * that holds old records), then each write cut at every step. */
	for (long base = 2 * slots - 3; base <= 2 * slots + 2; base++) {
		for (long k = 0; k <= NVLOG_SLOT_SIZE / 2 + 1; k++) {
			long got;
			sim_init(&s, &f, (unsigned)(100 + base * 50 + k));
			for (long i = 1; i <= base; i++) {
				make_rec(rec, (uint16_t)i);
				assert_int_equal(nvlog_write(&f, rec, sizeof rec), 0);
			}
			s.ops_left = k;
			make_rec(rec, (uint16_t)(base + 1));
			if (nvlog_write(&f, rec, sizeof rec) == 0) {
				assert_int_equal(read_n(&f), base + 1);
				continue;
			}
			cuts++;
			s.cut = 0;
			s.ops_left = -1;
			got = read_n(&f);
			assert_true(got == base || got == base + 1);
			olds += got == base;
			news += got == base + 1;
			make_rec(rec, (uint16_t)(base + 2));
			assert_int_equal(nvlog_write(&f, rec, sizeof rec), 0);
			assert_int_equal(read_n(&f), base + 2);
		}
	}
	assert_true(cuts > 50);
	assert_true(olds > 0); /* the cuts did hit before the new record was whole */
	(void)news;
}

/* Sequence numbers wrap without losing the newest record. */
static void test_seq_wrap(void **state)
{
	sim s;
	nvlog_flash f;
	uint8_t rec[NVCFG_SIZE];
	(void)state;
	sim_init(&s, &f, 7);
	for (long i = 1; i <= 70000; i++) {
		make_rec(rec, (uint16_t)i);
		assert_int_equal(nvlog_write(&f, rec, sizeof rec), 0);
		if (i % 997 == 0 || i > 65530)
			assert_int_equal(read_n(&f), (uint16_t)i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wear),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_corrupt_newest),
		cmocka_unit_test(test_power_cut),
		cmocka_unit_test(test_seq_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
