/*
 * escpos.c - ESC/POS encoding helpers and status bytes: what the host sends
 * a printer, the reply byte a printer gives to DLE EOT n and its parse, and
 * the fault words of the emulator and the file driver.  The decoder (the
 * printer's side of the language) is escpos_decode.c.
 */
#include "printers/escpos.h"

#include <iconv.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <unistr.h>

#include "common/xmalloc.h"

/* ---------------------------------------------------------------- encoding */

/* An empty buffer. */
void
escpos_buf_init(struct escpos_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Free the buffer's bytes. */
void
escpos_buf_free(struct escpos_buf *b)
{
	free(b->data);
	escpos_buf_init(b);
}

/* Append n bytes. */
void
escpos_put(struct escpos_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n)
			cap *= 2;
		b->data = xreallocarray(b->data, cap, 1);
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

/* Append one byte. */
void
escpos_putc(struct escpos_buf *b, uint8_t c)
{
	escpos_put(b, &c, 1);
}

/* Append n literal bytes given as ints. */
void
escpos_cmd(struct escpos_buf *b, int n, ...)
{
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		escpos_putc(b, (uint8_t)va_arg(ap, int));
	va_end(ap);
}

/* GS v 0 images in chunks. */
void
escpos_raster(struct escpos_buf *b, const struct bitmap *bm, int x, int y,
    int bytes, int h, int chunk_rows)
{
	escpos_raster_mode(b, bm, x, y, bytes, h, chunk_rows, 0);
}

/* GS v 0 images in chunks, mode m. */
void
escpos_raster_mode(struct escpos_buf *b, const struct bitmap *bm, int x,
    int y, int bytes, int h, int chunk_rows, int m)
{
	uint8_t *rows;
	int done, n;

	if (bytes <= 0 || h <= 0)
		return;
	if (chunk_rows <= 0)
		chunk_rows = 256;
	rows = xmalloc((size_t)bytes * (size_t)(h < chunk_rows ? h : chunk_rows));
	for (done = 0; done < h; done += n) {
		n = h - done < chunk_rows ? h - done : chunk_rows;
		escpos_cmd(b, 8, 0x1D, 0x76, 0x30, m, bytes & 0xFF,
		    (bytes >> 8) & 0xFF, n & 0xFF, (n >> 8) & 0xFF);
		bitmap_pack(bm, x, y + done, bytes, n, rows);
		escpos_put(b, rows, (size_t)bytes * (size_t)n);
	}
	free(rows);
}

/* Native QR, model 2. */
void
escpos_qr(struct escpos_buf *b, const char *data, int module, char ec)
{
	size_t len = strlen(data), n = len + 3;
	int e = ec == 'L' ? 48 : ec == 'Q' ? 50 : ec == 'H' ? 51 : 49;

	if (module < 1) module = 1;
	if (module > 16) module = 16;
	escpos_cmd(b, 9, 0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 0x32, 0);
	escpos_cmd(b, 8, 0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, module);
	escpos_cmd(b, 8, 0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, e);
	escpos_cmd(b, 8, 0x1D, 0x28, 0x6B, (int)(n & 0xFF), (int)((n >> 8) & 0xFF),
	    0x31, 0x50, 0x30);
	escpos_put(b, data, len);
	escpos_cmd(b, 8, 0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30);
}

/* ------------------------------------------------------------------ status */

/* Reply byte for DLE EOT n. */
uint8_t
escpos_status_reply(unsigned faults, int n)
{
	uint8_t r = 0x12;

	switch (n) {
	case 1:
		if (faults & (ESCPOS_ST_PAPER_END | ESCPOS_ST_COVER_OPEN |
		    ESCPOS_ST_OFFLINE | ESCPOS_ST_ERROR))
			r |= 0x08;
		break;
	case 2:
		if (faults & ESCPOS_ST_COVER_OPEN)
			r |= 0x04;
		if (faults & ESCPOS_ST_PAPER_END)
			r |= 0x20;
		if (faults & ESCPOS_ST_ERROR)
			r |= 0x40;
		break;
	case 3:
		if (faults & ESCPOS_ST_ERROR)
			r |= 0x20;
		break;
	case 4:
		if (faults & (ESCPOS_ST_NEAR_END | ESCPOS_ST_PAPER_END))
			r |= 0x0C;
		if (faults & ESCPOS_ST_PAPER_END)
			r |= 0x60;
		break;
	default:
		break;
	}
	return r;
}

/* Decode a reply to DLE EOT n. */
int
escpos_status_parse(int n, uint8_t r)
{
	int st = 0;

	if ((r & 0x93) != 0x12)
		return -1;
	switch (n) {
	case 1:
		if (r & 0x08)
			st |= ESCPOS_ST_OFFLINE;
		break;
	case 2:
		if (r & 0x04)
			st |= ESCPOS_ST_COVER_OPEN;
		if (r & 0x20)
			st |= ESCPOS_ST_PAPER_END;
		if (r & 0x40)
			st |= ESCPOS_ST_ERROR;
		break;
	case 3:
		if (r & 0x68)
			st |= ESCPOS_ST_ERROR;
		break;
	case 4:
		if (r & 0x0C)
			st |= ESCPOS_ST_NEAR_END;
		if (r & 0x60)
			st |= ESCPOS_ST_PAPER_END;
		break;
	default:
		return -1;
	}
	return st;
}

static const struct {
	const char *name;
	unsigned bit;
} escpos_fault_names[] = {
	{ "paper-end", ESCPOS_ST_PAPER_END },
	{ "paper-out", ESCPOS_ST_PAPER_END },
	{ "near-end", ESCPOS_ST_NEAR_END },
	{ "cover-open", ESCPOS_ST_COVER_OPEN },
	{ "offline", ESCPOS_ST_OFFLINE },
	{ "error", ESCPOS_ST_ERROR },
	{ "gone", ESCPOS_ST_GONE },
};

/* Parse "paper-out cover-open slow=50". */
int
escpos_faults_parse(const char *text, unsigned *faults, int *slow_ms,
    long *paper_after, char *err, size_t errlen)
{
	char word[64];
	const char *p = text;
	size_t n, i;

	*faults = 0;
	*slow_ms = 0;
	if (paper_after)
		*paper_after = -1;
	for (;;) {
		while (*p == ' ' || *p == ',' || *p == '\n' || *p == '\t' ||
		    *p == '\r')
			p++;
		if (*p == '\0')
			return 0;
		n = strcspn(p, " ,\n\t\r");
		if (n >= sizeof word) {
			snprintf(err, errlen, "fault word too long");
			return -1;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if (strcmp(word, "ok") == 0)
			continue;
		if (strncmp(word, "slow=", 5) == 0) {
			char *end;
			long v = strtol(word + 5, &end, 10);
			if (end == word + 5 || *end != '\0' || v < 0 || v > 60000) {
				snprintf(err, errlen, "bad slow value: %s", word);
				return -1;
			}
			*slow_ms = (int)v;
			continue;
		}
		if (strncmp(word, "paper-out-after=", 16) == 0) {
			char *end;
			long v = strtol(word + 16, &end, 10);
			if (end == word + 16 || *end != '\0' || v < 0 ||
			    v > 100000000) {
				snprintf(err, errlen, "bad value: %s", word);
				return -1;
			}
			if (paper_after)
				*paper_after = v;
			continue;
		}
		for (i = 0; i < sizeof escpos_fault_names /
		    sizeof escpos_fault_names[0]; i++)
			if (strcmp(word, escpos_fault_names[i].name) == 0)
				break;
		if (i == sizeof escpos_fault_names / sizeof escpos_fault_names[0]) {
			snprintf(err, errlen, "unknown fault: %s", word);
			return -1;
		}
		*faults |= escpos_fault_names[i].bit;
	}
}

/* Names of set conditions. */
void
escpos_faults_name(unsigned faults, char *out, size_t outlen)
{
	size_t i, used = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (i = 0; i < sizeof escpos_fault_names / sizeof escpos_fault_names[0];
	    i++) {
		if (!(faults & escpos_fault_names[i].bit) ||
		    strcmp(escpos_fault_names[i].name, "paper-out") == 0)
			continue;
		used += (size_t)snprintf(out + used, used < outlen ? outlen - used : 0,
		    "%s%s", used ? "," : "", escpos_fault_names[i].name);
		if (used >= outlen)
			return;
	}
	if (used == 0)
		snprintf(out, outlen, "ok");
}

