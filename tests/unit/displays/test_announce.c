/*
 * test_announce.c - the announcer: five calls pushed in the same instant
 * are played one at a time, in order, each once, whole (memory sink and
 * SDL's disk audio driver); sentences joined from recorded clips; the
 * espeak-ng voice produces speech.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <SDL.h>

#include "displays/announce.h"

struct memsink {
	int nblocks;
	int16_t *blocks[16];
	size_t lens[16];
	int order[16];          /* numbers, from the trace */
	int ntrace, overlap, playing;
};

static int
mem_play(void *arg, const int16_t *pcm, size_t n)
{
	struct memsink *m = arg;

	assert_true(m->nblocks < 16);
	m->blocks[m->nblocks] = malloc(n * sizeof *pcm);
	memcpy(m->blocks[m->nblocks], pcm, n * sizeof *pcm);
	m->lens[m->nblocks++] = n;
	return 0;
}

static void
mem_trace(void *arg, const struct dmodel_call *c, int start, const int16_t *pcm,
    size_t samples)
{
	struct memsink *m = arg;

	(void)pcm;
	(void)samples;
	if (start) {
		m->overlap |= m->playing;
		m->playing = 1;
		m->order[m->ntrace++] = c->number;
	} else {
		m->playing = 0;
	}
}

static void
push_five(announce *a, struct dmodel_call *calls)
{
	int i;

	for (i = 0; i < 5; i++) {
		struct dmodel_call c = { 100 + i, 1021 + i, 1 + i, i == 3, 1764300000, 0, 0 };

		calls[i] = c;
		announce_push(a, &c);
	}
}

static void
test_memory_order(void **state)
{
	struct memsink m;
	struct announce_sink sink = { mem_play, &m };
	struct dmodel_call calls[5];
	char err[256] = "";
	announce *a;
	int i;

	(void)state;
	memset(&m, 0, sizeof m);
	a = announce_new(NULL, 1, &sink, err, sizeof err);
	assert_non_null(a);
	assert_string_equal(err, "");
	announce_set_trace(a, mem_trace, &m);
	push_five(a, calls);
	announce_drain(a);
	assert_int_equal(announce_pending(a), 0);
	assert_int_equal(m.nblocks, 5);
	assert_int_equal(m.ntrace, 5);
	assert_false(m.overlap);
	for (i = 0; i < 5; i++) {
		int16_t *pcm;
		size_t n;

		assert_int_equal(m.order[i], 1021 + i);
		/* Each block is what this call renders to: the same chime, then
		 * speech of the same length give or take 2% (espeak-ng's output
		 * varies by a few samples from one run to the next). */
		assert_int_equal(announce_render(a, &calls[i], &pcm, &n), 0);
		assert_memory_equal(pcm, m.blocks[i], (size_t)ANNOUNCE_RATE * 8 / 10 * sizeof *pcm);
		assert_true(n * 100 > m.lens[i] * 98 && n * 100 < m.lens[i] * 102);
		/* Chime (0.8 s + pause) and at least a second of speech. */
		assert_true(m.lens[i] > (size_t)ANNOUNCE_RATE * 2);
		free(pcm);
		free(m.blocks[i]);
	}
	/* A recall says more than a first call of the same length. */
	assert_true(m.lens[3] > m.lens[2]);
	assert_string_equal(announce_voice_name(a, &calls[0]), "espeak-ng");
	announce_free(a);
}

/* Write a mono 16-bit WAV of n samples of value v at rate. */
static void
write_wav(const char *dir, const char *name, size_t n, int16_t v, int rate)
{
	char path[512];
	FILE *f;
	uint32_t u32;
	uint16_t u16;
	size_t i;

	snprintf(path, sizeof path, "%s/%s.wav", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
#define W32(x) (u32 = (x), fwrite(&u32, 4, 1, f))
#define W16(x) (u16 = (x), fwrite(&u16, 2, 1, f))
	fwrite("RIFF", 1, 4, f); W32(36 + n * 2); fwrite("WAVEfmt ", 1, 8, f);
	W32(16); W16(1); W16(1); W32(rate); W32(rate * 2); W16(2); W16(16);
	fwrite("data", 1, 4, f); W32(n * 2);
	for (i = 0; i < n; i++)
		fwrite(&v, 2, 1, f);
#undef W32
#undef W16
	fclose(f);
}

static void
test_clips(void **state)
{
	static const char *const names[] = { "chime", "moi", "den-quay", "mot", "nghin",
		"khong", "tram", "hai", "muoi1", "ba", "nam", "nhac-lai" };
	char dir[] = "/tmp/onestop-clips-XXXXXX", err[256] = "", path[600];
	struct memsink m;
	struct announce_sink sink = { mem_play, &m };
	struct dmodel_call c = { 1, 1023, 5, 0, 0, 0, 0 }, c2 = { 2, 1023, 7, 0, 0, 0, 0 };
	announce *a;
	int16_t *pcm;
	size_t n, i, off;

	(void)state;
	memset(&m, 0, sizeof m);
	assert_non_null(mkdtemp(dir));
	/* Clip k has 100 * (k + 1) samples of value k + 1. */
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		write_wav(dir, names[i], 100 * (i + 1), (int16_t)(i + 1), ANNOUNCE_RATE);
	a = announce_new(dir, 0, &sink, err, sizeof err);
	assert_non_null(a);
	assert_string_equal(announce_voice_name(a, &c), "clips");
	assert_int_equal(announce_render(a, &c, &pcm, &n), 0);
	/* chime moi mot nghin khong tram hai muoi1 ba den-quay nam, pause */
	{
		static const int seq[] = { 0, 1, 3, 4, 5, 6, 7, 8, 9, 2, 10 };
		off = 0;
		for (i = 0; i < sizeof seq / sizeof seq[0]; i++) {
			size_t k, len = 100 * (size_t)(seq[i] + 1);

			for (k = 0; k < len; k++)
				assert_int_equal(pcm[off + k], seq[i] + 1);
			off += len;
		}
		assert_int_equal(n, off + ANNOUNCE_RATE / 2);
	}
	free(pcm);
	/* "bảy" has no clip: no voice at all here (chime only). */
	assert_string_equal(announce_voice_name(a, &c2), "chime only");
	announce_free(a);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s.wav", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

struct played {
	int n;
	int16_t *pcm[8];
	size_t len[8];
};

static void
copy_trace(void *arg, const struct dmodel_call *c, int start, const int16_t *pcm,
    size_t samples)
{
	struct played *p = arg;

	(void)c;
	if (!start || p->n >= 8)
		return;
	p->pcm[p->n] = malloc(samples * sizeof *pcm);
	memcpy(p->pcm[p->n], pcm, samples * sizeof *pcm);
	p->len[p->n++] = samples;
}

/* Through SDL's disk audio driver: the output file holds the five blocks
 * in order, each whole, with only silence between them. */
static void
test_sdl_disk(void **state)
{
	char file[] = "/tmp/onestop-audio-XXXXXX", err[256] = "";
	struct dmodel_call calls[5];
	struct announce_sdl *sdl;
	struct announce_sink sink;
	struct played played = { 0 };
	int16_t *out, **pcm = played.pcm;
	size_t outn, *n = played.len, off = 0, i, k, loud = 0, expect_loud = 0;
	announce *a;
	FILE *f;
	long sz;
	int fd = mkstemp(file);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	setenv("SDL_AUDIODRIVER", "disk", 1);
	setenv("SDL_DISKAUDIOFILE", file, 1);
	setenv("SDL_DISKAUDIODELAY", "5", 1);   /* ms per 1024 samples: ~9x real time */
	sdl = announce_sdl_open(err, sizeof err);
	assert_non_null(sdl);
	sink = announce_sdl_sink(sdl);
	a = announce_new(NULL, 1, &sink, err, sizeof err);
	assert_non_null(a);
	announce_set_trace(a, copy_trace, &played);
	push_five(a, calls);
	announce_drain(a);
	announce_sdl_close(sdl);
	announce_free(a);
	assert_int_equal(played.n, 5);

	f = fopen(file, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	outn = (size_t)sz / 2;
	out = malloc((size_t)sz);
	assert_int_equal(fread(out, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	for (i = 0; i < 5; i++) {
		/* Find block i at or after off, whole. */
		size_t found = (size_t)-1;

		for (k = off; k + n[i] <= outn; k++)
			if (out[k] == pcm[i][0] && memcmp(out + k, pcm[i], n[i] * 2) == 0) {
				found = k;
				break;
			}
		assert_true(found != (size_t)-1);
		/* Nothing but silence before it since the last block. */
		for (k = off; k < found; k++)
			assert_int_equal(out[k], 0);
		off = found + n[i];
	}
	for (k = 0; k < outn; k++)
		loud += out[k] != 0;
	for (i = 0; i < 5; i++) {
		for (k = 0; k < n[i]; k++)
			expect_loud += pcm[i][k] != 0;
		free(pcm[i]);
	}
	/* No other sound anywhere: nothing played twice. */
	assert_int_equal(loud, expect_loud);
	free(out);
	unlink(file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_order),
		cmocka_unit_test(test_clips),
		cmocka_unit_test(test_sdl_disk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
