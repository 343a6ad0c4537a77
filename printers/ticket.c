/*
 * ticket.c - the ticket's layout and its ESC/POS encoding.
 *
 * Lines go one of two ways.  A line the printer can print with its own
 * font (ASCII, or text its code page holds) is sent as text, wrapped at
 * the characters per line of Font A.  Any other line is drawn with Noto
 * Sans into a raster block; consecutive raster lines with the same
 * alignment share one block, which is cropped to its ink and sent as GS v 0
 * with the printer doing the alignment (ESC a), so white space costs
 * nothing.  The QR code is GS ( k on printers that have it, otherwise a
 * raster of libqrencode's modules.
 *
 * With codepage "udc" every line goes as printer text in Font A: ASCII as
 * itself, other letters as user-defined characters (udc.h) defined just
 * before the line that first needs them; a line that cannot (a character
 * without a glyph, not Font A, too many distinct letters) goes as raster,
 * and the raster QR code is sent at half resolution with GS v 0 mode 3
 * (each dot printed 2 x 2), a quarter of the bytes for the same modules.
 */
#include "printers/ticket.h"

#include <errno.h>
#include <iconv.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <unistr.h>

#include "printers/printer_conf.h"
#include "printers/escpos.h"
#include "printers/font.h"
#include "printers/udc.h"
#include "common/waittext.h"
#include "common/xmalloc.h"

#define TICKET_CHUNK_ROWS 256       /* rows per GS v 0 command */
#define TICKET_PROC_LINES 6         /* procedure name lines at most */
#define TICKET_ADDR_LINES 3         /* address lines at most */
#define TICKET_QR_QUIET 4           /* white modules around the QR code
                                       (ISO/IEC 18004) */

struct ticket_encoder {
	struct font *regular;
	struct font *bold;
};

/* Deep copy. */
struct ticket_print *
ticket_print_dup(const struct ticket_print *t)
{
	struct ticket_print *c = xmalloc(sizeof *c);

	*c = *t;
#define DUP(f) c->f = t->f ? xstrdup(t->f) : NULL
	DUP(centre); DUP(address); DUP(number); DUP(priority); DUP(queue);
	DUP(procedure); DUP(counters); DUP(url); DUP(footer);
#undef DUP
	return c;
}

/* Free a copy made by ticket_print_dup. */
void
ticket_print_free(struct ticket_print *t)
{
	if (t == NULL)
		return;
	free((char *)t->centre); free((char *)t->address);
	free((char *)t->number); free((char *)t->priority);
	free((char *)t->queue); free((char *)t->procedure);
	free((char *)t->counters); free((char *)t->url);
	free((char *)t->footer);
	free(t);
}

/* Load the two fonts. */
struct ticket_encoder *
ticket_encoder_new(char *err, size_t errlen)
{
	struct ticket_encoder *e = xcalloc(1, sizeof *e);

	e->regular = font_open(FONT_SANS, FONT_SANS_FALLBACK, err, errlen);
	e->bold = font_open(FONT_SANS_BOLD, FONT_SANS_BOLD_FALLBACK, err, errlen);
	if (e->regular == NULL || e->bold == NULL) {
		ticket_encoder_free(e);
		return NULL;
	}
	udc_init();      /* the glyph table, drawn now rather than at a ticket */
	return e;
}

/* Free an encoder. */
void
ticket_encoder_free(struct ticket_encoder *e)
{
	if (e == NULL)
		return;
	font_close(e->regular);
	font_close(e->bold);
	free(e);
}

/* ESC t number of a code page name. */
int
ticket_codepage(const char *name)
{
	char *end;
	long v;

	if (name == NULL)
		return -1;
	if (strcmp(name, "cp1258") == 0)
		return 52;
	if (strncmp(name, "cp1258:", 7) == 0) {
		v = strtol(name + 7, &end, 10);
		if (end == name + 7 || *end != '\0' || v < 0 || v > 255)
			return -1;
		return (int)v;
	}
	return -1;
}

enum { AL_LEFT = 0, AL_CENTRE = 1 };

struct lay {
	struct ticket_encoder *e;
	struct escpos_buf b;
	int paper;
	int table;               /* ESC t number, -1 = raster only */
	iconv_t cd;              /* UTF-8 -> CP1258 when table >= 0 */
	int align;               /* last ESC a sent, -1 = none */
	struct bitmap *blk;      /* raster block being built, or NULL */
	int blk_align, blk_y;
	int feed;                /* paper feed owed before the next item */
	int cell;                /* width of a printer character: 12 or 9 */
	int udc;                 /* codepage "udc": user-defined characters */
	struct udc_map map;      /* what the printer holds (udc) */
};

/* Send the feed owed. */
static void
lay_feed(struct lay *l)
{
	while (l->feed > 0) {
		int n = l->feed > 255 ? 255 : l->feed;
		escpos_cmd(&l->b, 3, 0x1B, 0x4A, n);
		l->feed -= n;
	}
}

/* Send ESC a when it changes. */
static void
lay_align(struct lay *l, int a)
{
	if (l->align != a) {
		escpos_cmd(&l->b, 3, 0x1B, 0x61, a);
		l->align = a;
	}
}

/* Send the raster block, cropped to its ink. */
static void
lay_flush(struct lay *l)
{
	int x0, y0, x1, y1, bytes;

	if (l->blk == NULL)
		return;
	if (bitmap_bbox(l->blk, &x0, &y0, &x1, &y1) == 0) {
		if (l->blk_align == AL_LEFT)
			x0 = 0;
		bytes = (x1 - x0 + 7) / 8;
		lay_align(l, l->blk_align);
		/* white above and below the ink costs a feed, not rows */
		l->feed += y0;
		lay_feed(l);
		escpos_raster(&l->b, l->blk, x0, y0, bytes, y1 - y0,
		    TICKET_CHUNK_ROWS);
		l->feed = l->blk_y - y1;
	} else
		l->feed += l->blk_y;
	bitmap_free(l->blk);
	l->blk = NULL;
}

/* Text in the printer's code page, or NULL when it cannot hold it. */
static char *
lay_cp(struct lay *l, const char *s, size_t *n)
{
	size_t il = strlen(s), ol = il * 3 + 4;
	char *out = xmalloc(ol), *ip = (char *)s, *op = out;
	int ascii = 1;
	size_t i;

	for (i = 0; i < il; i++)
		if ((unsigned char)s[i] >= 0x80)
			ascii = 0;
	if (ascii) {
		memcpy(out, s, il);
		*n = il;
		return out;
	}
	if (l->table < 0) {
		free(out);
		return NULL;
	}
	iconv(l->cd, NULL, NULL, NULL, NULL);
	if (iconv(l->cd, &ip, &il, &op, &ol) == (size_t)-1 ||
	    iconv(l->cd, NULL, NULL, &op, &ol) == (size_t)-1) {
		free(out);
		return NULL;
	}
	*n = (size_t)(op - out);
	return out;
}

/* Printer cells code point cp takes: 1, or in a code page such as CP1258
 * the bytes it becomes (base letter + combining tone mark = 2), since many
 * printers print each mark in a cell of its own. */
static int
lay_cells(struct lay *l, unsigned cp)
{
	char in[4], out[8], *ip = in, *op = out;
	size_t il, ol = sizeof out;

	if (cp < 0x80 || l == NULL || l->table < 0)
		return 1;
	if (cp < 0x800) {
		in[0] = (char)(0xC0 | cp >> 6);
		in[1] = (char)(0x80 | (cp & 0x3F));
		il = 2;
	} else if (cp < 0x10000) {
		in[0] = (char)(0xE0 | cp >> 12);
		in[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		in[2] = (char)(0x80 | (cp & 0x3F));
		il = 3;
	} else
		return 1;
	iconv(l->cd, NULL, NULL, NULL, NULL);
	if (iconv(l->cd, &ip, &il, &op, &ol) == (size_t)-1 ||
	    iconv(l->cd, NULL, NULL, &op, &ol) == (size_t)-1 || op == out)
		return 1;
	return (int)(op - out);
}

/* Word-wrap s to lines of at most cpl printer cells (lay_cells; l NULL:
 * one a code point); *cut (may be NULL) is set to 1 when text was left
 * over after max_lines. */
static int
lay_wrap_cells(struct lay *l, const char *s, int cpl, int max_lines,
    char ***lines, int *cut_out)
{
	size_t len = strlen(s), start = 0, i, cut, last_space;
	int n = 0, count, w;
	unsigned cp;

	*lines = NULL;
	while (start < len && n < max_lines) {
		while (start < len && s[start] == ' ')
			start++;
		if (start >= len)
			break;
		i = start;
		count = 0;
		last_space = 0;
		cut = len;
		while (i < len) {
			int k = font_utf8_next(s + i, len - i, &cp);
			if (cp == ' ')
				last_space = i;
			w = lay_cells(l, cp);
			if (count + w > cpl && i > start) {
				cut = (last_space > start) ? last_space : i;
				break;
			}
			count += w;
			i += (size_t)k;
		}
		*lines = xreallocarray(*lines, (size_t)n + 1, sizeof **lines);
		{
			size_t e = cut;
			while (e > start && s[e - 1] == ' ')
				e--;
			(*lines)[n++] = xstrndup(s + start, e - start);
		}
		start = cut;
	}
	while (start < len && s[start] == ' ')
		start++;
	if (cut_out)
		*cut_out = start < len;
	return n;
}

/* One line drawn with f at px (smaller when it does not fit the paper)
 * as its own raster block. */
static void
lay_raster_line(struct lay *l, struct font *f, const char *line, int align,
    int px)
{
	int w = font_width(f, line, px), x, asc, lh;

	while (w > l->paper - 8 && px > 12)
		w = font_width(f, line, --px);
	asc = font_ascent(f, px);
	lh = font_line_height(f, px);
	x = align == AL_CENTRE ? (l->paper - w) / 2 : 0;
	lay_flush(l);
	l->blk = bitmap_new(l->paper, lh);
	l->blk_align = align;
	l->blk_y = lh;
	font_draw(f, l->blk, x, asc, line, px);
}

/* The code points of a UTF-8 line (malloc'd, *n long). */
static uint32_t *
lay_u32(const char *s, size_t *n)
{
	size_t len = strlen(s), i = 0;
	uint32_t *cps = xreallocarray(NULL, len + 1, sizeof *cps);
	unsigned cp;

	*n = 0;
	while (i < len) {
		i += (size_t)font_utf8_next(s + i, len - i, &cp);
		cps[(*n)++] = cp;
	}
	return cps;
}

/* Plan line (n code points) with the user-defined characters and append
 * the commands it needs to l->b; the bytes to send go to out.  0, or -1
 * when it cannot go as text (nothing appended). */
static int
lay_udc_plan(struct lay *l, const uint32_t *cps, size_t n, uint8_t *out)
{
	struct escpos_buf cmds;

	escpos_buf_init(&cmds);
	if (udc_map_line(&l->map, cps, n, l->cell == 12, &cmds, out) < 0)
		return -1;
	escpos_put(&l->b, cmds.data, cmds.len);
	escpos_buf_free(&cmds);
	return 0;
}

/*
 * A paragraph as Font A text with user-defined characters, wrapped at the
 * characters per line; "…" ends it when cut after max_lines.  A line that
 * cannot go as text is drawn as raster at px.
 */
static void
lay_text_udc(struct lay *l, const char *s, int align, int bold, int px,
    int mag, int max_lines)
{
	struct font *f = bold ? l->e->bold : l->e->regular;
	int cpl = l->paper / (l->cell * mag), i, nl, cut, attrs = 0;
	char **lines;

	nl = lay_wrap_cells(NULL, s, cpl, max_lines, &lines, &cut);
	if (cut && nl > 0) {
		/* room for the ellipsis: drop characters, then spaces */
		char *t = lines[nl - 1];
		size_t len = strlen(t), cps = 0, k;
		for (k = 0; k < len; k++)
			cps += ((unsigned char)t[k] & 0xC0) != 0x80;
		while (len > 0 && cps + 1 > (size_t)cpl) {
			while (len > 0 && ((unsigned char)t[len - 1] & 0xC0) == 0x80)
				len--;
			if (len > 0)
				len--;
			cps--;
		}
		while (len > 0 && t[len - 1] == ' ')
			len--;
		t[len] = '\0';
		xasprintf(&lines[nl - 1], "%s…", t);
		free(t);
	}
	for (i = 0; i < nl; i++) {
		size_t n;
		uint32_t *cps = lay_u32(lines[i], &n);
		uint8_t *out = xmalloc(n + 1);

		lay_flush(l);
		if (lay_udc_plan(l, cps, n, out) == 0) {
			lay_feed(l);
			lay_align(l, align);
			if (!attrs) {
				if (bold)
					escpos_cmd(&l->b, 3, 0x1B, 0x45, 1);
				if (mag > 1)
					escpos_cmd(&l->b, 3, 0x1D, 0x21,
					    (mag - 1) << 4 | (mag - 1));
				attrs = 1;
			}
			escpos_put(&l->b, out, n);
			escpos_putc(&l->b, 0x0A);
		} else
			lay_raster_line(l, f, lines[i], align, px);
		free(out);
		free(cps);
	}
	font_lines_free(lines, nl);
	if (attrs && mag > 1)
		escpos_cmd(&l->b, 3, 0x1D, 0x21, 0);
	if (attrs && bold)
		escpos_cmd(&l->b, 3, 0x1B, 0x45, 0);
}

/*
 * One paragraph of text: as printer text when the printer can print all of
 * it, else as raster drawn at px.  mag = printer font magnification (1..8)
 * for the text way.
 */
static void
lay_text(struct lay *l, const char *utf8, int align, int bold, int px,
    int mag, int max_lines)
{
	struct font *f = bold ? l->e->bold : l->e->regular;
	char *s, *bytes, **lines;
	size_t n, slen;
	int i, nl;

	if (utf8 == NULL || utf8[0] == '\0')
		return;
	s = (char *)u8_normalize(UNINORM_NFC, (const uint8_t *)utf8,
	    strlen(utf8) + 1, NULL, &slen);
	if (s == NULL)
		s = xstrdup(utf8);
	if (l->udc) {
		lay_text_udc(l, s, align, bold, px, mag, max_lines);
		free(s);
		return;
	}
	bytes = lay_cp(l, s, &n);
	if (bytes != NULL) {
		free(bytes);
		lay_flush(l);
		lay_feed(l);
		lay_align(l, align);
		if (bold)
			escpos_cmd(&l->b, 3, 0x1B, 0x45, 1);
		if (mag > 1)
			escpos_cmd(&l->b, 3, 0x1D, 0x21, (mag - 1) << 4 | (mag - 1));
		nl = lay_wrap_cells(l, s, l->paper / (l->cell * mag),
		    max_lines, &lines, NULL);
		for (i = 0; i < nl; i++) {
			bytes = lay_cp(l, lines[i], &n);
			if (bytes != NULL)
				escpos_put(&l->b, bytes, n);
			escpos_putc(&l->b, 0x0A);
			free(bytes);
		}
		font_lines_free(lines, nl);
		if (mag > 1)
			escpos_cmd(&l->b, 3, 0x1D, 0x21, 0);
		if (bold)
			escpos_cmd(&l->b, 3, 0x1B, 0x45, 0);
		free(s);
		return;
	}
	/* raster: one image per line, cropped to its ink */
	nl = font_wrap(f, s, px, l->paper - 8, max_lines, &lines);
	for (i = 0; i < nl; i++)
		lay_raster_line(l, f, lines[i], align, px);
	font_lines_free(lines, nl);
	free(s);
}

/*
 * The QR code of url, native or raster, with TICKET_QR_QUIET modules of
 * white on every side: the feed before it is made at least that (the ink
 * of a text line may reach its cell's bottom), the image is centred on
 * paper at least that much wider, and a feed of that much follows.
 */
static int
lay_qr(struct lay *l, const char *url, int native, char *err, size_t errlen)
{
	int module = l->paper >= 576 ? 6 : 5;
	QRcode *q;
	struct bitmap *bm;
	int r, c, size, quad, quiet;

	lay_flush(l);
	if (native) {
		/* GS ( k prints no quiet zone of its own; the LF after it
		 * feeds a line (30 dots or more), more than 4 modules */
		quiet = TICKET_QR_QUIET * module;
		if (l->feed < quiet)
			l->feed = quiet;
		lay_feed(l);
		lay_align(l, AL_CENTRE);
		escpos_qr(&l->b, url, module, 'M');
		escpos_putc(&l->b, 0x0A);
		return 0;
	}
	q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (q == NULL) {
		snprintf(err, errlen, "QR code: cannot encode %zu bytes: %s",
		    strlen(url), strerror(errno));
		return -1;
	}
	if (l->udc)
		module = 6;      /* printed 2 x 2: 3 dots a module sent */
	/* smaller modules when the image (whole bytes, centred by the
	 * printer) leaves less than the quiet zone at its left */
	for (;; module--) {
		if (module < 1) {
			snprintf(err, errlen, "QR code: %d modules do not fit "
			    "%d dots with their quiet zone", q->width, l->paper);
			QRcode_free(q);
			return -1;
		}
		/* at half resolution when the modules are an even number of
		 * dots */
		quad = l->udc && module % 2 == 0 ? 2 : 1;
		size = (q->width * module / quad + 7) / 8 * 8 * quad;
		if ((l->paper - size) / 2 >= TICKET_QR_QUIET * module)
			break;
	}
	quiet = TICKET_QR_QUIET * module;     /* printed dots */
	size = q->width * module;
	if (l->feed < quiet)
		l->feed = quiet;
	lay_feed(l);
	lay_align(l, AL_CENTRE);
	module /= quad;
	size /= quad;
	bm = bitmap_new(size, size);
	for (r = 0; r < q->width; r++)
		for (c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				bitmap_fill(bm, c * module, r * module, module,
				    module);
	escpos_raster_mode(&l->b, bm, 0, 0, (size + 7) / 8, size,
	    TICKET_CHUNK_ROWS, quad == 2 ? 3 : 0);
	escpos_cmd(&l->b, 3, 0x1B, 0x4A, quiet);
	bitmap_free(bm);
	QRcode_free(q);
	return 0;
}

/* Lay out and encode a ticket. */
int
ticket_encode(struct ticket_encoder *e, const struct printer_conf *pc,
    const struct ticket_print *t, uint8_t **out, size_t *outlen, char *err,
    size_t errlen)
{
	struct lay l;
	char line[512], when[64];
	struct tm tm;
	size_t i, nlen;
	int mag, rc = 0;

	*out = NULL;
	*outlen = 0;
	memset(&l, 0, sizeof l);
	l.e = e;
	l.paper = pc->paper_dots;
	l.align = -1;
	l.cd = (iconv_t)-1;
	if (l.paper != 384 && l.paper != 576) {
		snprintf(err, errlen, "paper_dots %d: must be 384 or 576", l.paper);
		return -1;
	}
	if (pc->codepage == NULL || strcmp(pc->codepage, "raster") == 0)
		l.table = -1;
	else if (strcmp(pc->codepage, "udc") == 0) {
		l.table = -1;
		l.udc = 1;
		udc_map_init(&l.map);
		if (udc_init() < 0) {
			snprintf(err, errlen, "codepage udc: no font for the "
			    "user-defined characters");
			return -1;
		}
	} else if ((l.table = ticket_codepage(pc->codepage)) < 0) {
		snprintf(err, errlen, "unknown code page \"%s\"", pc->codepage);
		return -1;
	}
	if (t->number == NULL || t->number[0] == '\0') {
		snprintf(err, errlen, "ticket has no number");
		return -1;
	}
	nlen = strlen(t->number);
	for (i = 0; i < nlen; i++)
		if ((unsigned char)t->number[i] < 0x21 ||
		    (unsigned char)t->number[i] > 0x7E || nlen > 8) {
			snprintf(err, errlen, "ticket number must be 1-8 "
			    "printable ASCII characters");
			return -1;
		}
	if (l.table >= 0 &&
	    (l.cd = iconv_open("CP1258", "UTF-8")) == (iconv_t)-1) {
		snprintf(err, errlen, "iconv CP1258: %s", strerror(errno));
		return -1;
	}
	escpos_buf_init(&l.b);

	l.cell = 12;
	escpos_cmd(&l.b, 2, 0x1B, 0x40);                 /* initialise */
	escpos_cmd(&l.b, 2, 0x1C, 0x2E);                 /* no Kanji mode */
	if (l.table >= 0)
		escpos_cmd(&l.b, 3, 0x1B, 0x74, l.table);
	if (t->reprint)
		lay_text(&l, "*** BẢN IN LẠI ***", AL_CENTRE, 1, 28, 1, 1);
	lay_text(&l, t->centre, AL_CENTRE, 1, 26, 1, 3);
	lay_text(&l, t->address, AL_CENTRE, 0, 20, 1, TICKET_ADDR_LINES);
	if (t->address && t->address[0]) {
		lay_flush(&l);
		l.feed += 8;
	}
	lay_text(&l, "SỐ THỨ TỰ", AL_CENTRE, 0, 22, 1, 1);

	/* the big number in the printer's font */
	lay_flush(&l);
	lay_feed(&l);
	lay_align(&l, AL_CENTRE);
	mag = l.paper / (12 * (int)nlen);
	mag = mag > (l.paper >= 576 ? 8 : 6) ? (l.paper >= 576 ? 8 : 6) : mag;
	if (mag < 1)
		mag = 1;
	if (l.udc) {
		/* its digits must print as the printer's own */
		uint8_t nb[8];
		size_t nn;
		uint32_t *cps = lay_u32(t->number, &nn);
		lay_udc_plan(&l, cps, nn, nb);      /* ASCII: cannot fail */
		free(cps);
	}
	escpos_cmd(&l.b, 3, 0x1B, 0x45, 1);
	escpos_cmd(&l.b, 3, 0x1D, 0x21, (mag - 1) << 4 | (mag - 1));
	escpos_put(&l.b, t->number, nlen);
	escpos_putc(&l.b, 0x0A);
	escpos_cmd(&l.b, 3, 0x1D, 0x21, 0);
	escpos_cmd(&l.b, 3, 0x1B, 0x45, 0);

	/* the priority class, as prominent as the queue, above it */
	lay_text(&l, t->priority, AL_CENTRE, 1, 30, 2, 2);
	if (t->priority && t->priority[0]) {
		lay_flush(&l);
		l.feed += 8;
	}
	lay_text(&l, t->queue, AL_CENTRE, 1, 30, 2, 2);
	lay_text(&l, t->procedure, AL_CENTRE, 0, 24, 1, TICKET_PROC_LINES);
	lay_flush(&l);
	l.feed += 16;
	if (t->counters && t->counters[0]) {
		snprintf(line, sizeof line, "Quầy phục vụ: %s", t->counters);
		lay_text(&l, line, AL_LEFT, 0, 24, 1, 2);
	}
	if (t->ahead >= 0) {
		snprintf(line, sizeof line, "Số người chờ trước bạn: %d",
		    t->ahead);
		lay_text(&l, line, AL_LEFT, 0, 24, 1, 1);
	}
	if (t->wait_min >= 0) {
		char wait[64];

		waittext_format(wait, sizeof wait, t->wait_min * 60,
		    t->wait_low_s, t->wait_high_s, 0);
		snprintf(line, sizeof line, "Thời gian chờ dự kiến: %s", wait);
		lay_text(&l, line, AL_LEFT, 0, 24, 1, 2);
	}
	localtime_r(&t->issued, &tm);
	strftime(when, sizeof when, "%H:%M %d/%m/%Y", &tm);
	snprintf(line, sizeof line, "Giờ lấy số: %s", when);
	lay_text(&l, line, AL_LEFT, 0, 24, 1, 1);
	lay_flush(&l);

	if (t->url && t->url[0]) {
		l.feed += 16;
		if (lay_qr(&l, t->url, pc->native_qr, err, errlen) < 0)
			rc = -1;
		else {
			escpos_cmd(&l.b, 3, 0x1B, 0x4D, 1);     /* Font B */
			l.cell = 9;
			lay_text(&l, t->url, AL_CENTRE, 0, 18, 1, 3);
			escpos_cmd(&l.b, 3, 0x1B, 0x4D, 0);
			l.cell = 12;
		}
	}
	lay_text(&l, t->footer, AL_CENTRE, 0, 20, 1, 3);
	lay_flush(&l);
	l.feed = 0;
	escpos_cmd(&l.b, 3, 0x1B, 0x64, 4);              /* to the cutter */
	escpos_cmd(&l.b, 3, 0x1D, 0x56, 1);              /* partial cut */

	if (l.cd != (iconv_t)-1)
		iconv_close(l.cd);
	if (rc < 0) {
		escpos_buf_free(&l.b);
		return -1;
	}
	*out = l.b.data;
	*outlen = l.b.len;
	return 0;
}
