/*
 * fuzz_escpos.c - libFuzzer target for the emulator's ESC/POS decoder.
 * The input is fed in two parts split at a point taken from its first
 * byte (commands cut across feeds), with the printer going offline and
 * back between them when the second byte is odd (the resync path), and
 * the second part fed one byte at a time when bit 1 of the second byte is
 * set (every command, ESC & definitions included, cut at every byte).
 * Seeds include tickets with user-defined characters (t58-udc,
 * t80-udc-marks) and malformed ESC & / ESC % / ESC ? (udc-misc).
 */
#include <stddef.h>
#include <stdint.h>

#include "printers/escpos.h"
#include "printers/escpos_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fz_page(void *arg, const struct bitmap *bm, const char *text)
{
	size_t *n = arg;

	*n += (size_t)bm->h + (text[0] != '\0');
}

static void
fz_status(void *arg, int n, size_t off)
{
	(void)arg; (void)n; (void)off;
}

static void
fz_report(void *arg, size_t off, const char *msg)
{
	(void)arg; (void)off; (void)msg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct escpos_decoder_cb cb = { fz_page, fz_status,
	    fz_report };
	struct escpos_decoder *d;
	char err[128];
	size_t seen = 0, cut;

	d = escpos_decoder_new(size > 0 && (data[0] & 1) ? 384 : 576, &cb, &seen,
	    NULL, err, sizeof err);
	if (d == NULL)
		return 0;
	cut = size > 0 ? (size_t)data[0] * size / 256 : 0;
	escpos_decoder_feed(d, data, cut);
	if (size > 1 && (data[1] & 1)) {
		escpos_decoder_set_offline(d, 1);
		escpos_decoder_set_offline(d, 0);
	}
	if (size > 1 && (data[1] & 2) && size - cut <= 4096) {
		size_t i;
		for (i = cut; i < size; i++)
			escpos_decoder_feed(d, data + i, 1);
	} else
		escpos_decoder_feed(d, data + cut, size - cut);
	escpos_decoder_end(d);
	escpos_decoder_free(d);
	return 0;
}
