/*
 * escpos_decode.c - the streaming ESC/POS decoder behind the emulator: the
 * printer's side of the language (escpos.c is the host's).  Linked by the
 * emulator and the tests, never by onestopd.
 *
 * The decoder keeps unconsumed bytes in a pending buffer and parses whole
 * commands from it; a command whose declared length is larger than
 * ESCPOS_MAX_CMD is reported and its data skipped without being stored.
 * Real-time status queries (DLE EOT n) are recognised by a separate scan of
 * every byte as it arrives, like a printer's receive buffer does, so a query
 * hidden inside raster data is answered too.
 *
 * User-defined characters (ESC & / ESC % / ESC ?) are kept per font as the
 * printer keeps them; with ESC % 1 a code that has one prints its pattern,
 * one that has none the resident character.  The text of a page names a
 * user-defined character by the letter its pattern is in udc.c's table
 * (the encoder draws them from that table), U+FFFD when it is none.
 * Redefining or cancelling a character that waits in the line buffer is
 * reported: printers differ on which pattern such a line then prints.
 */
#include "printers/escpos_decode.h"

#include <iconv.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <unistr.h>

#include "common/xmalloc.h"
#include "printers/escpos.h"
#include "printers/font.h"
#include "printers/udc.h"

#define ESCPOS_MAX_CMD (1u << 20)   /* largest command kept whole */
#define ESCPOS_LINE_MAX 256         /* characters in one line buffer */
#define ESCPOS_PAGE_MAX_H 20000     /* dots; more is reported and cut off */

/* ----------------------------------------------------------------- decoder */

struct escpos_cell {
	unsigned cp;             /* Unicode code point */
	uint8_t sx, sy, bold, ul, fontb;
	int16_t udc;             /* user-defined: font * UDC_CODES + code, or -1 */
};

/* One user-defined character as the printer holds it. */
struct escpos_udc {
	uint8_t defined, x, y;
	uint8_t data[UDC_BYTES]; /* y bytes a column, x columns */
	uint32_t cp;             /* the letter it shows, 0 = unknown */
};

struct escpos_decoder {
	struct escpos_decoder_cb cb;
	void *arg;
	struct font *font;
	struct font *font2;      /* for what font lacks (Vietnamese) */
	int paper;

	uint8_t *pend;           /* unconsumed bytes */
	size_t npend, cappend;
	size_t offset;           /* stream offset of pend[0] */
	size_t skip;             /* data bytes still to drop */
	size_t received;         /* bytes fed so far */
	int rt_state;            /* real-time scan: 0, 1 = DLE, 2 = DLE EOT */

	/* attributes */
	int sx, sy, bold, ul, fontb, align, spacing, charsp;
	int margin, area;
	int table;               /* ESC t n */
	int kanji;
	int udc_on;              /* ESC % 1 */
	struct escpos_udc udc[2][UDC_CODES];   /* Font A, Font B */

	/* current line and page */
	struct escpos_cell line[ESCPOS_LINE_MAX];
	int nline;
	int line_w;              /* dots used by the line */
	struct bitmap *page;
	int y;
	int page_marks;          /* anything printed on this page */
	char *text;
	size_t ntext, captext;

	/* QR state */
	int qr_module, qr_ec;
	char *qr_data;

	unsigned cp437[256], cp1252[256], cp1258[256];
	int offline;             /* print data is dropped (fault) */
	int marks_apart;         /* CP1258 tone marks print in their own cell */
	int resync;              /* dropping until the next ESC @ */
	uint8_t last;            /* last byte seen while resyncing */
	size_t dropped;          /* bytes dropped on this page */
	int pages, reports;
};

/* Report at offset. */
static void __attribute__((format(printf, 3, 4)))
dec_report(struct escpos_decoder *d, size_t off, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	d->reports++;
	if (d->cb.report)
		d->cb.report(d->arg, off, msg);
}

/* Append text to the page text. */
static void
dec_text(struct escpos_decoder *d, const char *s, size_t n)
{
	if (d->ntext + n + 1 > d->captext) {
		size_t cap = d->captext ? d->captext : 256;
		while (cap < d->ntext + n + 1)
			cap *= 2;
		d->text = xreallocarray(d->text, cap, 1);
		d->captext = cap;
	}
	memcpy(d->text + d->ntext, s, n);
	d->ntext += n;
	d->text[d->ntext] = '\0';
}

/* Append formatted text. */
static void __attribute__((format(printf, 2, 3)))
dec_textf(struct escpos_decoder *d, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	dec_text(d, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Append one code point as UTF-8. */
static void
dec_text_cp(struct escpos_decoder *d, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) { u[0] = (char)cp; n = 1; }
	else if (cp < 0x800) { u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
	else if (cp < 0x10000) { u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F)); n = 3; }
	else { u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F)); n = 4; }
	dec_text(d, u, n);
}

/* Fill a 256-entry table from an iconv code page (0 = unmapped). */
static void
dec_table(unsigned *t, const char *name)
{
	iconv_t cd = iconv_open("UTF-32LE", name);
	int i;

	for (i = 0; i < 256; i++)
		t[i] = i < 0x80 ? (unsigned)i : 0;
	if (cd == (iconv_t)-1)
		return;
	for (i = 0x80; i < 256; i++) {
		char in = (char)i, *ip = &in;
		uint8_t out[16];
		char *op = (char *)out;
		size_t il = 1, ol = sizeof out;
		iconv(cd, NULL, NULL, NULL, NULL);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
			continue;
		iconv(cd, NULL, NULL, &op, &ol);   /* flush a held base char */
		if (sizeof out - ol >= 4)
			t[i] = (unsigned)out[0] | (unsigned)out[1] << 8 |
			    (unsigned)out[2] << 16 | (unsigned)out[3] << 24;
	}
	iconv_close(cd);
}

/* Reset print attributes (ESC @). */
static void
dec_reset(struct escpos_decoder *d)
{
	d->sx = d->sy = 1;
	d->bold = d->ul = d->fontb = d->align = 0;
	d->spacing = 30;
	d->charsp = 0;
	d->margin = 0;
	d->area = d->paper;
	d->table = 0;
	d->kanji = 0;
	d->udc_on = 0;           /* ESC @ clears user-defined characters */
	memset(d->udc, 0, sizeof d->udc);
	d->qr_module = 3;
	d->qr_ec = 'M';
}

/* A new decoder. */
struct escpos_decoder *
escpos_decoder_new(int paper_dots, const struct escpos_decoder_cb *cb,
    void *arg, const char *font, char *err, size_t errlen)
{
	struct escpos_decoder *d = xcalloc(1, sizeof *d);

	if (font != NULL &&
	    ((d->font = font_open(font, NULL, err, errlen)) == NULL ||
	    (d->font2 = font_open(FONT_SANS, FONT_SANS_FALLBACK, err,
	    errlen)) == NULL)) {
		font_close(d->font);
		free(d);
		return NULL;
	}
	if (paper_dots < 64 || paper_dots > 4096)
		paper_dots = 576;
	d->cb = *cb;
	d->arg = arg;
	d->paper = paper_dots;
	d->page = bitmap_new(paper_dots, 0);
	dec_table(d->cp437, "CP437");
	dec_table(d->cp1252, "CP1252");
	dec_table(d->cp1258, "CP1258");
	dec_reset(d);
	return d;
}

/* Free the decoder. */
void
escpos_decoder_free(struct escpos_decoder *d)
{
	if (d == NULL)
		return;
	font_close(d->font);
	font_close(d->font2);
	bitmap_free(d->page);
	free(d->pend);
	free(d->text);
	free(d->qr_data);
	free(d);
}

int
escpos_decoder_pages(const struct escpos_decoder *d)
{
	return d->pages;
}

int
escpos_decoder_reports(const struct escpos_decoder *d)
{
	return d->reports;
}

/* Make room for h more rows at d->y; returns the usable rows. */
static int
dec_room(struct escpos_decoder *d, int h, size_t off)
{
	if (d->y + h > ESCPOS_PAGE_MAX_H) {
		if (d->y < ESCPOS_PAGE_MAX_H)
			dec_report(d, off, "page longer than %d dots: cut off",
			    ESCPOS_PAGE_MAX_H);
		h = ESCPOS_PAGE_MAX_H - d->y;
		if (h < 0)
			h = 0;
	}
	bitmap_grow(d->page, d->y + h);
	return h;
}

/* Advance the paper by n dots. */
static void
dec_feed(struct escpos_decoder *d, int n, size_t off)
{
	n = dec_room(d, n, off);
	d->y += n;
}

/* Left edge of an item w dots wide under the current alignment. */
static int
dec_x(const struct escpos_decoder *d, int w)
{
	int area = d->area, x;

	if (d->margin + area > d->paper)
		area = d->paper - d->margin;
	if (area < 0)
		area = 0;
	x = d->margin;
	if (d->align == 1)
		x += (area - w) / 2;
	else if (d->align == 2)
		x += area - w;
	return x < 0 ? 0 : x;
}

/* Cell size of a character. */
static void
dec_cell(const struct escpos_decoder *d, const struct escpos_cell *c, int *w,
    int *h)
{
	if (c->udc >= 0)
		*w = (d->udc[c->udc / UDC_CODES][c->udc % UDC_CODES].x +
		    d->charsp) * c->sx;
	else
		*w = ((c->fontb ? 9 : 12) + d->charsp) * c->sx;
	*h = (c->fontb ? 17 : 24) * c->sy;
}

/* Draw a user-defined character's pattern in its cell (ch dots high). */
static void
dec_draw_udc(struct escpos_decoder *d, const struct escpos_cell *c, int x,
    int top, int ch)
{
	const struct escpos_udc *u =
	    &d->udc[c->udc / UDC_CODES][c->udc % UDC_CODES];
	int col, row, rows = u->y * 8;

	if (rows * c->sy > ch)
		rows = ch / c->sy;
	for (col = 0; col < u->x; col++)
		for (row = 0; row < rows; row++)
			if (u->data[col * u->y + row / 8] & (0x80 >> (row % 8))) {
				bitmap_fill(d->page, x + col * c->sx, top + row * c->sy,
				    c->sx, c->sy);
				if (c->bold)     /* emphasis: struck again 1 dot right */
					bitmap_fill(d->page, x + col * c->sx + 1,
					    top + row * c->sy, c->sx, c->sy);
			}
}

/* Print the line buffer (LF). */
static void
dec_flush_line(struct escpos_decoder *d, size_t off)
{
	int i, w = 0, h = 0, x, cw, ch, top;
	size_t text0;

	for (i = 0; i < d->nline; i++) {
		dec_cell(d, &d->line[i], &cw, &ch);
		w += cw;
		if (ch > h)
			h = ch;
	}
	if (d->nline == 0) {
		dec_feed(d, d->spacing, off);
		dec_text(d, "\n", 1);
		return;
	}
	if (h < d->spacing)
		h = d->spacing;
	h = dec_room(d, h, off);
	x = dec_x(d, w);
	text0 = d->ntext;
	for (i = 0; i < d->nline; i++) {
		const struct escpos_cell *c = &d->line[i];
		dec_cell(d, c, &cw, &ch);
		top = d->y + h - ch - (h > ch ? (h - ch) / 2 : 0);
		if (c->udc >= 0)
			dec_draw_udc(d, c, x, top, ch);
		else if (d->font && c->cp > 0x20) {
			struct font *f = font_has(d->font, c->cp) ? d->font :
			    d->font2;
			int px = (c->fontb ? 14 : 20) - (f == d->font2 ? 2 : 0);
			font_draw_cell(f, d->page, x, top, c->cp, px,
			    c->fontb ? 9 : 12, ch / c->sy, c->sx, c->sy);
			if (c->bold)
				font_draw_cell(f, d->page, x + 1, top, c->cp, px,
				    c->fontb ? 9 : 12, ch / c->sy, c->sx, c->sy);
		}
		if (c->ul)
			bitmap_fill(d->page, x, top + ch - 2, cw, 2);
		dec_text_cp(d, c->cp);
		x += cw;
	}
	if (d->marks_apart) {
		/* tone marks in cells of their own: the text reads NFC */
		size_t nn;
		uint8_t *nfc = u8_normalize(UNINORM_NFC,
		    (const uint8_t *)d->text + text0, d->ntext - text0, NULL,
		    &nn);
		if (nfc != NULL) {
			d->ntext = text0;
			dec_text(d, (const char *)nfc, nn);
			free(nfc);
		}
	}
	dec_text(d, "\n", 1);
	d->y += h;
	d->nline = 0;
	d->line_w = 0;
	d->page_marks = 1;
}

/* Flush a partial line before a command that needs the line start. */
static void
dec_line_start(struct escpos_decoder *d, size_t off)
{
	if (d->nline > 0)
		dec_flush_line(d, off);
}

/* Put a character (cp and udc set) with the current attributes in the
 * line, which is printed first when it is full. */
static void
dec_char_add(struct escpos_decoder *d, struct escpos_cell *c, size_t off)
{
	int cw, ch, area = d->area < d->paper ? d->area : d->paper;

	c->sx = (uint8_t)d->sx;
	c->sy = (uint8_t)d->sy;
	c->bold = (uint8_t)d->bold;
	c->ul = (uint8_t)d->ul;
	c->fontb = (uint8_t)d->fontb;
	dec_cell(d, c, &cw, &ch);
	if (d->line_w + cw > area && d->nline > 0)
		/* a layout that meant one line gets two */
		dec_report(d, off, "text line wider than %d dots: the printer "
		    "wraps it", area);
	if (d->line_w + cw > area || d->nline == ESCPOS_LINE_MAX)
		dec_flush_line(d, off);     /* the printer wraps */
	d->line[d->nline++] = *c;
	d->line_w += cw;
}

/* Add one printable byte to the line. */
static void
dec_char(struct escpos_decoder *d, uint8_t b, size_t off)
{
	struct escpos_cell c;
	unsigned cp;

	if (b < 0x80)
		cp = b;
	else if (d->table == 52)
		cp = d->cp1258[b];
	else if (d->table == 16)
		cp = d->cp1252[b];
	else
		cp = d->cp437[b];
	if (d->udc_on && b >= UDC_FIRST && b < UDC_FIRST + UDC_CODES &&
	    d->udc[d->fontb][b - UDC_FIRST].defined) {
		const struct escpos_udc *u = &d->udc[d->fontb][b - UDC_FIRST];
		c.cp = u->cp ? u->cp : 0xFFFD;
		c.udc = (int16_t)(d->fontb * UDC_CODES + b - UDC_FIRST);
		dec_char_add(d, &c, off);
		return;
	}
	c.udc = -1;
	if (d->kanji && b >= 0x80)
		dec_report(d, off, "byte 0x%02X in Kanji mode", b);
	if (cp == 0) {
		dec_report(d, off, "byte 0x%02X undefined in code table %d", b,
		    d->table);
		cp = '?';
	}
	/* combining mark (CP1258): join with the previous character, or on
	 * a printer that prints marks apart take a cell of its own */
	if (cp >= 0x300 && cp < 0x370) {
		if (d->marks_apart && d->nline > 0 &&
		    d->line[d->nline - 1].udc < 0) {
			c.cp = cp;
			dec_char_add(d, &c, off);
			return;
		}
		if (d->nline > 0 && d->line[d->nline - 1].udc < 0) {
			uint32_t pair[2], res[4], *r;
			size_t rn = 4;
			pair[0] = d->line[d->nline - 1].cp;
			pair[1] = cp;
			r = u32_normalize(UNINORM_NFC, pair, 2, res, &rn);
			if (r != NULL && r != res)
				free(r);
			if (r == res && rn == 1) {
				d->line[d->nline - 1].cp = res[0];
				return;
			}
		}
		dec_report(d, off, "combining mark U+%04X with nothing to "
		    "join", cp);
	}
	c.cp = cp;
	dec_char_add(d, &c, off);
}

/* Draw a packed raster image (bytes x rows) at the current line. */
static void
dec_raster(struct escpos_decoder *d, const uint8_t *data, int bytes, int rows,
    int m, size_t off)
{
	int sx = (m == 1 || m == 3 || m == 49 || m == 51) ? 2 : 1;
	int sy = (m == 2 || m == 3 || m == 50 || m == 51) ? 2 : 1;
	int w = bytes * 8 * sx, x0, r, c, k, i, j, h;

	dec_line_start(d, off);
	if (w > d->paper)
		dec_report(d, off, "raster %d dots wide on %d-dot paper: cut "
		    "off", bytes * 8, d->paper);
	x0 = dec_x(d, w > d->paper ? d->paper : w);
	h = dec_room(d, rows * sy, off);
	for (r = 0; r < rows && r * sy < h; r++)
		for (c = 0; c < bytes; c++) {
			uint8_t v = data[(size_t)r * bytes + c];
			if (v == 0)
				continue;
			for (k = 0; k < 8; k++)
				if (v & (0x80 >> k))
					for (j = 0; j < sy; j++)
						for (i = 0; i < sx; i++)
							bitmap_set(d->page, x0 + (c * 8 + k) * sx + i,
							    d->y + r * sy + j);
		}
	d->y += h;
	d->page_marks = 1;
	dec_textf(d, "[raster %dx%d]\n", bytes * 8, rows);
}

/* Print the stored QR symbol. */
static void
dec_qr_print(struct escpos_decoder *d, size_t off)
{
	QRcode *q;
	QRecLevel ec;
	int size, x0, r, c, h;

	dec_line_start(d, off);
	if (d->qr_data == NULL || d->qr_data[0] == '\0') {
		dec_report(d, off, "QR print with no data stored");
		return;
	}
	ec = d->qr_ec == 'L' ? QR_ECLEVEL_L : d->qr_ec == 'Q' ? QR_ECLEVEL_Q :
	    d->qr_ec == 'H' ? QR_ECLEVEL_H : QR_ECLEVEL_M;
	q = QRcode_encodeData((int)strlen(d->qr_data),
	    (const unsigned char *)d->qr_data, 0, ec);
	if (q == NULL) {
		dec_report(d, off, "QR data cannot be encoded (%zu bytes)",
		    strlen(d->qr_data));
		return;
	}
	size = q->width * d->qr_module;
	x0 = dec_x(d, size);
	h = dec_room(d, size, off);
	for (r = 0; r < q->width; r++)
		for (c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1 && r * d->qr_module < h)
				bitmap_fill(d->page, x0 + c * d->qr_module,
				    d->y + r * d->qr_module, d->qr_module,
				    d->qr_module);
	d->y += h;
	d->page_marks = 1;
	dec_textf(d, "[qr %s]\n", d->qr_data);
	QRcode_free(q);
}

/* Hand over the page (cut or end of stream). */
static void
dec_page(struct escpos_decoder *d, const char *how, size_t off)
{
	dec_line_start(d, off);
	if (!d->page_marks) {
		dec_report(d, off, "%s on an empty page", how);
		return;
	}
	if (d->dropped > 0)
		dec_textf(d, "[partial: %zu bytes dropped while not ready]\n",
		    d->dropped);
	dec_textf(d, "[%s]\n", how);
	d->pages++;
	d->dropped = 0;
	if (d->cb.page)
		d->cb.page(d->arg, d->page, d->text ? d->text : "");
	bitmap_free(d->page);
	d->page = bitmap_new(d->paper, 0);
	d->y = 0;
	d->page_marks = 0;
	d->ntext = 0;
	if (d->text)
		d->text[0] = '\0';
}

/* GS ( k: returns bytes used, 0 if incomplete. */
static size_t
dec_gs_paren_k(struct escpos_decoder *d, const uint8_t *p, size_t n,
    size_t off)
{
	size_t len;
	int cn, fn;

	if (n < 5)
		return 0;
	len = (size_t)p[3] | (size_t)p[4] << 8;
	if (n < 5 + len)
		return 0;
	if (len < 2) {
		dec_report(d, off, "GS ( k with length %zu", len);
		return 5 + len;
	}
	cn = p[5];
	fn = p[6];
	if (cn != 0x31) {
		dec_report(d, off, "GS ( k symbol 0x%02X not emulated (only QR)",
		    cn);
		return 5 + len;
	}
	switch (fn) {
	case 0x41:
		if (len >= 4 && p[7] != 0x32 && p[7] != 0x31)
			dec_report(d, off, "QR model %d", p[7]);
		break;
	case 0x43:
		if (len == 3 && p[7] >= 1 && p[7] <= 16)
			d->qr_module = p[7];
		else
			dec_report(d, off, "bad QR module size");
		break;
	case 0x45:
		if (len == 3 && p[7] >= 48 && p[7] <= 51)
			d->qr_ec = "LMQH"[p[7] - 48];
		else
			dec_report(d, off, "bad QR error correction level");
		break;
	case 0x50:
		if (len < 3) {
			dec_report(d, off, "QR store too short");
			break;
		}
		free(d->qr_data);
		d->qr_data = xstrndup((const char *)p + 8, len - 3);
		if (strlen(d->qr_data) != len - 3)
			dec_report(d, off, "QR data holds a NUL byte");
		break;
	case 0x51:
		dec_qr_print(d, off);
		break;
	default:
		dec_report(d, off, "GS ( k QR function 0x%02X not emulated", fn);
		break;
	}
	return 5 + len;
}

/* Report a change to user-defined character code while the line buffer
 * holds it. */
static void
dec_udc_busy(struct escpos_decoder *d, int code, size_t off)
{
	int i, k = d->fontb * UDC_CODES + code - UDC_FIRST;

	for (i = 0; i < d->nline; i++)
		if (d->line[i].udc == k) {
			dec_report(d, off, "user-defined character %d changed "
			    "while in the line buffer", code);
			return;
		}
}

/* ESC & y c1 c2 [x d1 ... d(y*x)]...: returns bytes used, 0 if incomplete. */
static size_t
dec_esc_amp(struct escpos_decoder *d, const uint8_t *p, size_t n, size_t off)
{
	int y, c1, c2, c, x, maxx = d->fontb ? 9 : 12;
	size_t pos;

	if (n < 5)
		return 0;
	y = p[2];
	c1 = p[3];
	c2 = p[4];
	if (y < 1 || y > UDC_Y || c1 < UDC_FIRST || c2 >= UDC_FIRST + UDC_CODES ||
	    c1 > c2) {
		dec_report(d, off, "ESC & y=%d codes %d..%d out of range", y, c1,
		    c2);
		return 5;
	}
	/* all of it first: nothing is defined from a partial command */
	for (pos = 5, c = c1; c <= c2; c++) {
		if (pos >= n)
			return 0;
		x = p[pos];
		if (x > maxx) {
			dec_report(d, off, "ESC & code %d: %d dots wide, font "
			    "holds %d", c, x, maxx);
			return pos + 1;
		}
		if (n < pos + 1 + (size_t)(y * x))
			return 0;
		pos += 1 + (size_t)(y * x);
	}
	for (pos = 5, c = c1; c <= c2; c++) {
		struct escpos_udc *u = &d->udc[d->fontb][c - UDC_FIRST];
		x = p[pos];
		dec_udc_busy(d, c, off);
		memset(u, 0, sizeof *u);
		u->defined = 1;
		u->x = (uint8_t)x;
		u->y = (uint8_t)y;
		memcpy(u->data, p + pos + 1, (size_t)(y * x));
		if (!d->fontb && y == UDC_Y && x == UDC_W)
			u->cp = udc_recognise(u->data);
		pos += 1 + (size_t)(y * x);
	}
	return pos;
}

/* Parse one command at p (n bytes available); returns bytes used, or 0
 * when more bytes are needed. */
static size_t
dec_one(struct escpos_decoder *d, const uint8_t *p, size_t n, size_t off)
{
	size_t need;

	switch (p[0]) {
	case 0x0A:
		dec_flush_line(d, off);
		return 1;
	case 0x0D:
		return 1;
	case 0x10:                       /* real-time commands */
		if (n < 2)
			return 0;
		if (p[1] == 0x04) {
			if (n < 3)
				return 0;
			if (p[2] < 1 || p[2] > 4)
				dec_report(d, off, "DLE EOT %d", p[2]);
			return 3;              /* answered by the real-time scan */
		}
		if (p[1] == 0x05 || p[1] == 0x14) {
			if (n < 3)
				return 0;
			dec_report(d, off, "real-time DLE 0x%02X %d not emulated",
			    p[1], p[2]);
			return 3;
		}
		dec_report(d, off, "unknown DLE 0x%02X", p[1]);
		return 2;
	case 0x1B:
		if (n < 2)
			return 0;
		switch (p[1]) {
		case 0x40:
			dec_line_start(d, off);
			dec_reset(d);
			return 2;
		case 0x32:
			d->spacing = 30;
			return 2;
		case 0x69: case 0x6D:
			dec_page(d, "cut", off);
			return 2;
		case 0x26:
			return dec_esc_amp(d, p, n, off);
		case 0x21: case 0x45: case 0x47: case 0x2D: case 0x61:
		case 0x64: case 0x4A: case 0x33: case 0x74: case 0x4D:
		case 0x20: case 0x52: case 0x7B: case 0x25: case 0x3F:
			if (n < 3)
				return 0;
			break;
		case 0x70:
			if (n < 5)
				return 0;
			dec_report(d, off, "ESC p (drawer kick) ignored");
			return 5;
		case 0x2A:
			if (n < 5)
				return 0;
			need = (size_t)p[3] | (size_t)p[4] << 8;
			if (p[2] == 32 || p[2] == 33)
				need *= 3;
			else if (p[2] > 1) {
				dec_report(d, off, "ESC * mode %d", p[2]);
				return 3;
			}
			if (n < 5 + need)
				return 0;
			dec_report(d, off, "ESC * bit image not drawn");
			return 5 + need;
		default:
			dec_report(d, off, "unknown ESC 0x%02X", p[1]);
			return 2;
		}
		switch (p[1]) {
		case 0x21:
			d->fontb = p[2] & 1;
			d->bold = (p[2] >> 3) & 1;
			d->sy = (p[2] & 0x10) ? 2 : 1;
			d->sx = (p[2] & 0x20) ? 2 : 1;
			d->ul = (p[2] >> 7) & 1;
			break;
		case 0x45: case 0x47: d->bold = p[2] & 1; break;
		case 0x2D: d->ul = (p[2] & 3) != 0 && p[2] != 48; break;
		case 0x61:
			if (p[2] <= 2 || (p[2] >= 48 && p[2] <= 50))
				d->align = p[2] % 48;
			else
				dec_report(d, off, "ESC a %d", p[2]);
			break;
		case 0x64:
			dec_line_start(d, off);
			dec_feed(d, p[2] * d->spacing, off);
			break;
		case 0x4A:
			dec_line_start(d, off);
			dec_feed(d, p[2], off);
			break;
		case 0x33: d->spacing = p[2]; break;
		case 0x4D:
			if (p[2] == 0 || p[2] == 1 || p[2] == 48 || p[2] == 49)
				d->fontb = p[2] & 1;
			else
				dec_report(d, off, "ESC M %d (font) not emulated",
				    p[2]);
			break;
		case 0x20: d->charsp = p[2] > 32 ? 32 : p[2]; break;
		case 0x74:
			if (p[2] != 0 && p[2] != 16 && p[2] != 52)
				dec_report(d, off, "code table %d not emulated "
				    "(shown as CP437)", p[2]);
			d->table = p[2];
			break;
		case 0x52:
			if (p[2] != 0)
				dec_report(d, off, "international set %d not "
				    "emulated", p[2]);
			break;
		case 0x7B:
			if (p[2] & 1)
				dec_report(d, off, "upside-down printing not "
				    "emulated");
			break;
		case 0x25:
			d->udc_on = p[2] & 1;
			break;
		case 0x3F:
			if (p[2] < UDC_FIRST || p[2] >= UDC_FIRST + UDC_CODES) {
				dec_report(d, off, "ESC ? %d out of range", p[2]);
				break;
			}
			dec_udc_busy(d, p[2], off);
			memset(&d->udc[d->fontb][p[2] - UDC_FIRST], 0,
			    sizeof d->udc[0][0]);
			break;
		default:
			break;
		}
		return 3;
	case 0x1D:
		if (n < 2)
			return 0;
		switch (p[1]) {
		case 0x21:
			if (n < 3)
				return 0;
			if ((p[2] & 0x88) != 0)
				dec_report(d, off, "GS ! 0x%02X out of range", p[2]);
			d->sx = ((p[2] >> 4) & 7) + 1;
			d->sy = (p[2] & 7) + 1;
			return 3;
		case 0x76:
			if (n < 3)
				return 0;
			if (p[2] != 0x30) {
				dec_report(d, off, "unknown GS v 0x%02X", p[2]);
				return 3;
			}
			if (n < 8)
				return 0;
			{
				int bytes = p[4] | p[5] << 8, rows = p[6] | p[7] << 8;
				size_t data = (size_t)bytes * (size_t)rows;
				if (data > ESCPOS_MAX_CMD) {
					dec_report(d, off, "raster %dx%d too large: "
					    "skipped", bytes * 8, rows);
					d->skip = data;
					return 8;
				}
				if (n < 8 + data)
					return 0;
				if (p[3] > 3 && (p[3] < 48 || p[3] > 51))
					dec_report(d, off, "GS v 0 mode %d", p[3]);
				dec_raster(d, p + 8, bytes, rows, p[3], off);
				return 8 + data;
			}
		case 0x28:
			if (n < 3)
				return 0;
			if (p[2] == 0x6B)
				return dec_gs_paren_k(d, p, n, off);
			if (n < 5)
				return 0;
			need = (size_t)p[3] | (size_t)p[4] << 8;
			if (n < 5 + need)
				return 0;
			dec_report(d, off, "GS ( 0x%02X (%zu bytes) not emulated",
			    p[2], need);
			return 5 + need;
		case 0x56:
			if (n < 3)
				return 0;
			if (p[2] == 0 || p[2] == 1 || p[2] == 48 || p[2] == 49) {
				dec_page(d, "cut", off);
				return 3;
			}
			if (p[2] == 65 || p[2] == 66 || p[2] == 97 || p[2] == 98 ||
			    p[2] == 103 || p[2] == 104) {
				if (n < 4)
					return 0;
				dec_line_start(d, off);
				dec_feed(d, p[3], off);
				dec_page(d, "cut", off);
				return 4;
			}
			dec_report(d, off, "GS V %d", p[2]);
			return 3;
		case 0x42: case 0x61: case 0x72: case 0x49: case 0x48:
		case 0x66: case 0x68: case 0x77: case 0x4C: case 0x57:
			if (p[1] == 0x4C || p[1] == 0x57) {
				if (n < 4)
					return 0;
				if (p[1] == 0x4C)
					d->margin = p[2] | p[3] << 8;
				else
					d->area = p[2] | p[3] << 8;
				return 4;
			}
			if (n < 3)
				return 0;
			if (p[1] == 0x61 || p[1] == 0x72 || p[1] == 0x49)
				dec_report(d, off, "GS 0x%02X %d (status/ID "
				    "transmission) not answered", p[1], p[2]);
			else
				dec_report(d, off, "GS 0x%02X %d not emulated",
				    p[1], p[2]);
			return 3;
		default:
			dec_report(d, off, "unknown GS 0x%02X", p[1]);
			return 2;
		}
	case 0x1C:
		if (n < 2)
			return 0;
		if (p[1] == 0x2E) {
			d->kanji = 0;
			return 2;
		}
		if (p[1] == 0x26) {
			d->kanji = 1;
			dec_report(d, off, "FS & (Kanji mode) not emulated");
			return 2;
		}
		dec_report(d, off, "unknown FS 0x%02X", p[1]);
		return 2;
	default:
		if (p[0] < 0x20 || p[0] == 0x7F) {
			dec_report(d, off, "control byte 0x%02X", p[0]);
			return 1;
		}
		dec_char(d, p[0], off);
		return 1;
	}
}

/* Real-time scan of arriving bytes for DLE EOT n. */
static void
dec_realtime(struct escpos_decoder *d, const uint8_t *buf, size_t len,
    size_t base)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t b = buf[i];
		if (d->rt_state == 2) {
			d->rt_state = 0;
			if (b >= 1 && b <= 4 && d->cb.status)
				d->cb.status(d->arg, b, base + i - 2);
		}
		if (d->rt_state == 1)
			d->rt_state = b == 0x04 ? 2 : 0;
		else if (b == 0x10)
			d->rt_state = 1;
	}
}

static void escpos_decoder_feed_raw(struct escpos_decoder *d,
    const uint8_t *buf, size_t len);

/* Feed bytes. */
void
escpos_decoder_feed(struct escpos_decoder *d, const uint8_t *buf, size_t len)
{

	dec_realtime(d, buf, len, d->received);
	d->received += len;
	if (d->offline) {
		/* status queries alone do not make a page */
		size_t i, data = 0;
		for (i = 0; i < len; i++) {
			if (i + 2 < len && buf[i] == 0x10 && buf[i + 1] == 0x04) {
				i += 2;
				continue;
			}
			data++;
		}
		if (data > 0) {
			d->dropped += data;
			d->page_marks = 1;
		}
		return;
	}
	if (d->resync) {
		size_t i;
		for (i = 0; i < len; i++) {
			if (d->last == 0x1B && buf[i] == 0x40)
				break;
			d->last = buf[i];
		}
		if (i == len) {
			d->dropped += len;
			d->offset += len;
			return;
		}
		/* the interrupted job ends here; the next starts at ESC @ */
		d->dropped += i;
		d->offset += i;
		d->resync = 0;
		d->last = 0;
		dec_page(d, "interrupted", d->offset);
		escpos_decoder_feed_raw(d, (const uint8_t *)"\x1b", 1);
		buf += i;
		len -= i;
	}
	escpos_decoder_feed_raw(d, buf, len);
}

/* Parse bytes (no real-time scan, no offline handling). */
static void
escpos_decoder_feed_raw(struct escpos_decoder *d, const uint8_t *buf,
    size_t len)
{
	size_t pos = 0, used;

	if (d->skip > 0) {
		size_t k = len < d->skip ? len : d->skip;
		d->skip -= k;
		d->offset += k;
		buf += k;
		len -= k;
	}
	if (d->npend + len > d->cappend) {
		size_t cap = d->cappend ? d->cappend : 4096;
		while (cap < d->npend + len)
			cap *= 2;
		d->pend = xreallocarray(d->pend, cap, 1);
		d->cappend = cap;
	}
	if (len)
		memcpy(d->pend + d->npend, buf, len);
	d->npend += len;
	while (pos < d->npend) {
		used = dec_one(d, d->pend + pos, d->npend - pos, d->offset + pos);
		if (used == 0)
			break;
		pos += used;
		if (d->skip > 0) {
			size_t k = d->npend - pos < d->skip ? d->npend - pos : d->skip;
			d->skip -= k;
			pos += k;
		}
	}
	if (pos > 0 && pos < d->npend)
		memmove(d->pend, d->pend + pos, d->npend - pos);
	d->npend -= pos;
	d->offset += pos;
}

/* CP1258 tone marks in a cell of their own (apart 1) or over the letter
 * before them (0, the default). */
void
escpos_decoder_set_marks_apart(struct escpos_decoder *d, int apart)
{
	d->marks_apart = apart != 0;
}

/* Drop print data (still answering status) while offline is 1. */
void
escpos_decoder_set_offline(struct escpos_decoder *d, int offline)
{
	if (offline && !d->offline) {
		/* what was pending is lost with the job */
		d->dropped += d->npend + d->skip;
		d->offset += d->npend;
		if (d->npend || d->skip || d->nline)
			d->page_marks = 1;
		d->npend = 0;
		d->skip = 0;
		d->nline = 0;
		d->line_w = 0;
	}
	if (!offline && d->offline && (d->dropped > 0 || d->page_marks)) {
		d->resync = 1;
		d->last = 0;
	}
	d->offline = offline;
}

/* End of stream. */
void
escpos_decoder_end(struct escpos_decoder *d)
{
	if (d->npend > 0) {
		dec_report(d, d->offset, "stream ends inside a command (%zu "
		    "bytes: 0x%02X...)", d->npend, d->pend[0]);
		d->offset += d->npend;
		d->npend = 0;
	}
	if (d->skip > 0) {
		dec_report(d, d->offset, "stream ends inside skipped data");
		d->skip = 0;
	}
	if (d->nline > 0 || d->page_marks) {
		dec_report(d, d->offset, "stream ends without a cut");
		dec_line_start(d, d->offset);
		dec_page(d, "end", d->offset);
	}
}
