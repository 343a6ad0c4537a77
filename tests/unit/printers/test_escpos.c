/*
 * test_escpos.c - status bytes both ways, fault words, and the decoder:
 * text and sizes, alignment, raster, QR, cuts, reports of what it does not
 * understand, DLE EOT inside raster data, commands split across feeds,
 * CP1258 combining marks, a job interrupted by a fault, user-defined
 * characters (ESC & / ESC % / ESC ?).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printers/escpos.h"
#include "printers/escpos_decode.h"
#include "printers/font.h"
#include "printers/udc.h"

struct rec {
	int pages;
	char text[4096];
	int w, h, black;
	int status[16];
	size_t status_off[16];
	int nstatus;
	char reports[4096];
	int nreports;
	size_t report_off;
};

static void
rec_page(void *arg, const struct bitmap *bm, const char *text)
{
	struct rec *r = arg;
	int i;

	r->pages++;
	snprintf(r->text + strlen(r->text), sizeof r->text - strlen(r->text),
	    "%s", text);
	r->w = bm->w;
	r->h = bm->h;
	r->black = 0;
	for (i = 0; i < bm->w * bm->h; i++)
		r->black += bm->pix[i];
}

static void
rec_status(void *arg, int n, size_t off)
{
	struct rec *r = arg;

	if (r->nstatus < 16) {
		r->status_off[r->nstatus] = off;
		r->status[r->nstatus++] = n;
	}
}

static void
rec_report(void *arg, size_t off, const char *msg)
{
	struct rec *r = arg;

	if (r->nreports++ == 0)
		r->report_off = off;
	snprintf(r->reports + strlen(r->reports),
	    sizeof r->reports - strlen(r->reports), "%s\n", msg);
}

static const struct escpos_decoder_cb cb = { rec_page, rec_status, rec_report };

static struct escpos_decoder *
dec(struct rec *r, int font)
{
	char err[128];
	struct escpos_decoder *d;

	memset(r, 0, sizeof *r);
	d = escpos_decoder_new(384, &cb, r, font ? FONT_MONO : NULL, err,
	    sizeof err);
	assert_non_null(d);
	return d;
}

static void
feed(struct escpos_decoder *d, const char *s, size_t n)
{
	escpos_decoder_feed(d, (const uint8_t *)s, n);
}

static void
test_status_roundtrip(void **state __attribute__((unused)))
{
	unsigned f, got;
	int n;

	(void)state;
	for (f = 0; f < 32; f++) {
		got = 0;
		for (n = 1; n <= 4; n++) {
			uint8_t r = escpos_status_reply(f, n);
			int st = escpos_status_parse(n, r);
			assert_int_equal(r & 0x93, 0x12);
			assert_true(st >= 0);
			got |= (unsigned)st;
		}
		/* the causes come back; offline is implied by any of them */
		assert_int_equal(got & (ESCPOS_ST_PAPER_END | ESCPOS_ST_COVER_OPEN |
		    ESCPOS_ST_ERROR), f & (ESCPOS_ST_PAPER_END |
		    ESCPOS_ST_COVER_OPEN | ESCPOS_ST_ERROR));
		assert_int_equal(!!(got & ESCPOS_ST_NEAR_END),
		    !!(f & (ESCPOS_ST_NEAR_END | ESCPOS_ST_PAPER_END)));
		assert_int_equal(!!(got & ESCPOS_ST_OFFLINE), !!(f &
		    (ESCPOS_ST_OFFLINE | ESCPOS_ST_PAPER_END |
		    ESCPOS_ST_COVER_OPEN | ESCPOS_ST_ERROR)));
	}
	assert_int_equal(escpos_status_reply(0, 1), 0x12);
	assert_int_equal(escpos_status_reply(ESCPOS_ST_PAPER_END, 4), 0x7E);
	assert_int_equal(escpos_status_parse(1, 0x00), -1);  /* ASB byte */
	assert_int_equal(escpos_status_parse(1, 0xFF), -1);
	assert_int_equal(escpos_status_parse(5, 0x12), -1);
}

static void
test_faults_parse(void **state __attribute__((unused)))
{
	unsigned f;
	int slow;
	long after;
	char err[64], names[64];

	(void)state;
	assert_int_equal(escpos_faults_parse("paper-out, cover-open\nslow=40",
	    &f, &slow, &after, err, sizeof err), 0);
	assert_int_equal(f, ESCPOS_ST_PAPER_END | ESCPOS_ST_COVER_OPEN);
	assert_int_equal(slow, 40);
	assert_int_equal(after, -1);
	assert_int_equal(escpos_faults_parse("ok paper-out-after=12", &f, &slow,
	    &after, err, sizeof err), 0);
	assert_int_equal(f, 0);
	assert_int_equal(after, 12);
	assert_int_equal(escpos_faults_parse("paper-gone", &f, &slow, NULL, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "paper-gone"));
	assert_int_equal(escpos_faults_parse("slow=x", &f, &slow, NULL, err,
	    sizeof err), -1);
	escpos_faults_name(ESCPOS_ST_PAPER_END | ESCPOS_ST_OFFLINE, names,
	    sizeof names);
	assert_string_equal(names, "paper-end,offline");
	escpos_faults_name(0, names, sizeof names);
	assert_string_equal(names, "ok");
}

static void
test_text_and_cut(void **state __attribute__((unused)))
{
	struct rec r;
	struct escpos_decoder *d = dec(&r, 1);
	static const char s[] = "\x1b@\x1b" "a\x01Hello\n\x1d!\x11" "AB\n"
	    "\x1dV\x01";

	feed(d, s, sizeof s - 1);
	assert_int_equal(r.pages, 1);
	assert_string_equal(r.text, "Hello\nAB\n[cut]\n");
	assert_int_equal(r.nreports, 0);
	assert_int_equal(r.w, 384);
	assert_true(r.h >= 30 + 48);       /* one line, one double line */
	assert_true(r.black > 50);
	escpos_decoder_end(d);
	assert_int_equal(r.nreports, 0);    /* nothing left over */
	escpos_decoder_free(d);
}

static void
test_split_feed(void **state __attribute__((unused)))
{
	struct rec r;
	struct escpos_decoder *d = dec(&r, 0);
	static const char s[] = "\x1b@AB\x1b" "d\x02" "C\n\x1dV\x41\x10";
	size_t i;

	for (i = 0; i < sizeof s - 1; i++)
		feed(d, s + i, 1);           /* one byte at a time */
	assert_int_equal(r.pages, 1);
	assert_string_equal(r.text, "AB\nC\n[cut]\n");
	assert_int_equal(r.nreports, 0);
	escpos_decoder_free(d);
}

static void
test_raster_and_dle_eot_inside(void **state __attribute__((unused)))
{
	struct rec r;
	struct escpos_decoder *d = dec(&r, 0);
	/* 2 bytes x 3 rows; the data holds 10 04 02 */
	static const char s[] = "\x1d" "v0\x00\x02\x00\x03\x00"
	    "\xff\x10\x04\x02\x80\x01" "\x10\x04\x01" "\x1dV\x00";

	feed(d, s, sizeof s - 1);
	assert_int_equal(r.nstatus, 2);
	assert_int_equal(r.status[0], 2);   /* acted on inside the data */
	assert_int_equal(r.status_off[0], 9);
	assert_int_equal(r.status[1], 1);
	assert_int_equal(r.pages, 1);
	assert_string_equal(r.text, "[raster 16x3]\n[cut]\n");
	/* 0xff 0x10 / 0x04 0x02 / 0x80 0x01 -> 8+1+1+1+1+1 dots */
	assert_int_equal(r.black, 13);
	assert_int_equal(r.nreports, 0);
	escpos_decoder_free(d);
}

static void
test_qr(void **state __attribute__((unused)))
{
	struct rec r;
	struct escpos_decoder *d = dec(&r, 0);
	struct escpos_buf b;

	escpos_buf_init(&b);
	escpos_qr(&b, "https://x.vn/t/1", 4, 'M');
	escpos_cmd(&b, 3, 0x1D, 0x56, 0);
	escpos_decoder_feed(d, b.data, b.len);
	assert_int_equal(r.pages, 1);
	assert_string_equal(r.text, "[qr https://x.vn/t/1]\n[cut]\n");
	assert_int_equal(r.h, 25 * 4);      /* version 2-M, 4 dots a module */
	assert_int_equal(r.nreports, 0);
	escpos_buf_free(&b);
	escpos_decoder_free(d);
}

static void
test_reports(void **state __attribute__((unused)))
{
	struct rec r;
	struct escpos_decoder *d = dec(&r, 0);
	static const char s[] = "AB\x1b\x99" "C\x07\n\x1d\x76\x31";

	feed(d, s, sizeof s - 1);
	assert_int_equal(r.nreports, 3);    /* ESC 0x99, BEL, GS v 1 */
	assert_int_equal(r.report_off, 2);
	assert_non_null(strstr(r.reports, "unknown ESC 0x99"));
	assert_non_null(strstr(r.reports, "control byte 0x07"));
	assert_non_null(strstr(r.reports, "unknown GS v 0x31"));
	escpos_decoder_end(d);
	/* the page was never cut: reported, and handed over */
	assert_non_null(strstr(r.reports, "without a cut"));
	assert_int_equal(r.pages, 1);
	escpos_decoder_free(d);
}

static void
test_incomplete_and_huge(void **state __attribute__((unused)))
{
	struct rec r;
	struct escpos_decoder *d = dec(&r, 0);
	static const char huge[] = "\x1dv0\x00\xff\xff\xff\xff";

	feed(d, huge, sizeof huge - 1);      /* 524280 x 65535: refused */
	assert_non_null(strstr(r.reports, "too large"));
	escpos_decoder_end(d);
	assert_non_null(strstr(r.reports, "skipped data"));
	escpos_decoder_free(d);
	d = dec(&r, 0);
	feed(d, "\x1d(k\x10\x00\x31", 6);
	escpos_decoder_end(d);
	assert_non_null(strstr(r.reports, "inside a command"));
	escpos_decoder_free(d);
}

static void
test_cp1258(void **state __attribute__((unused)))
{
	struct rec r;
	struct escpos_decoder *d = dec(&r, 1);
	/* "Thủ tục" in CP1258: u + hook (D2), u + dot below (F2) */
	static const char s[] = "\x1bt\x34Th" "u\xd2 tu\xf2" "c\n\x1dV\x01";

	feed(d, s, sizeof s - 1);
	assert_int_equal(r.nreports, 0);
	assert_string_equal(r.text, "Thủ tục\n[cut]\n");
	escpos_decoder_free(d);
}

/* 32 cells on 384 dots: 30 letters + "u" + hook + "c" is 33 cells when the
 * hook takes a cell of its own, 32 when it joins the "u". */
static void
test_marks_apart_and_wrap(void **state __attribute__((unused)))
{
	struct rec r;
	struct escpos_decoder *d = dec(&r, 1);
	static const char s[] = "\x1bt\x34" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "u\xd2" "c\n\x1dV\x01";

	feed(d, s, sizeof s - 1);
	assert_int_equal(r.nreports, 0);
	assert_string_equal(r.text,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaủc\n[cut]\n");
	escpos_decoder_free(d);

	/* marks apart: the printer wraps the line, and that is reported; the
	 * text still reads NFC */
	d = dec(&r, 1);
	escpos_decoder_set_marks_apart(d, 1);
	feed(d, s, sizeof s - 1);
	assert_int_equal(r.nreports, 1);
	assert_non_null(strstr(r.reports, "wider than 384 dots"));
	assert_string_equal(r.text,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaủ\nc\n[cut]\n");
	escpos_decoder_free(d);

	/* a 33-character ASCII line: wrapped and reported either way */
	d = dec(&r, 0);
	feed(d, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 34);
	escpos_decoder_end(d);
	assert_int_equal(escpos_decoder_reports(d), 2);   /* wrap, no cut */
	assert_non_null(strstr(r.text,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\na\n"));
	escpos_decoder_free(d);
}

static void
test_offline_interrupts(void **state __attribute__((unused)))
{
	struct rec r;
	struct escpos_decoder *d = dec(&r, 0);

	feed(d, "\x1b@ONE\n\x1dv0\x00\x01\x00\x10\x00\xff", 15);
	escpos_decoder_set_offline(d, 1);    /* paper runs out */
	feed(d, "\xff\xff\x10\x04\x04rest", 9);
	assert_int_equal(r.nstatus, 1);     /* still answers */
	escpos_decoder_set_offline(d, 0);
	feed(d, "junk\x1b@TWO\n\x1dV\x01", 14);
	assert_int_equal(r.pages, 2);
	assert_non_null(strstr(r.text, "ONE\n[partial:"));
	assert_non_null(strstr(r.text, "[interrupted]\nTWO\n[cut]\n"));
	escpos_decoder_free(d);
}

/* ESC & 3 c c 12 <glyph> */
static void
define(struct escpos_decoder *d, int code, const uint8_t *g, int x)
{
	char cmd[6 + UDC_BYTES];

	cmd[0] = 0x1B; cmd[1] = '&'; cmd[2] = 3;
	cmd[3] = (char)code; cmd[4] = (char)code; cmd[5] = (char)x;
	memcpy(cmd + 6, g, (size_t)(3 * x));
	feed(d, cmd, 6 + (size_t)(3 * x));
}

static void
test_udc(void **state)
{
	const uint8_t *e = udc_glyph(0x1EC7), *o = udc_glyph(0x1ED7);  /* ệ ỗ */
	uint8_t ones[UDC_BYTES];
	struct escpos_decoder *d;
	struct rec r;
	int bits = 0, i, k;

	(void)state;
	assert_non_null(e);
	assert_non_null(o);
	for (i = 0; i < UDC_BYTES; i++)
		for (k = 0; k < 8; k++)
			bits += (e[i] >> k) & 1;
	memset(ones, 0xFF, sizeof ones);

	/* defined, selected: the pattern, named by its letter; a code
	 * without one prints the resident character */
	d = dec(&r, 0);
	feed(d, "\x1b@", 2);
	define(d, '!', e, 12);
	feed(d, "\x1b%\x01!\n", 5);
	escpos_decoder_feed(d, (const uint8_t *)"\x1dV\x01", 3);
	assert_int_equal(r.pages, 1);
	assert_string_equal(r.text, "ệ\n[cut]\n");
	assert_int_equal(r.black, bits);       /* no font: only the pattern */
	/* split byte by byte, then ESC % 0, ESC ?, ESC @ */
	memset(r.text, 0, sizeof r.text);
	{
		char cmd[6 + UDC_BYTES];
		cmd[0] = 0x1B; cmd[1] = '&'; cmd[2] = 3; cmd[3] = '#';
		cmd[4] = '#'; cmd[5] = 12;
		memcpy(cmd + 6, o, UDC_BYTES);
		for (i = 0; i < (int)sizeof cmd; i++)
			feed(d, cmd + i, 1);
	}
	feed(d, "#!a\n", 4);
	feed(d, "\x1b%\x00#!\n", 6);
	feed(d, "\x1b%\x01\x1b?!#!\n", 9);
	feed(d, "\x1b@\x1b%\x01#\n", 6);
	feed(d, "\x1dV\x01", 3);
	assert_string_equal(r.text, "ỗệa\n#!\nỗ!\n#\n[cut]\n");
	assert_int_equal(r.nreports, 0);
	escpos_decoder_free(d);

	/* an unknown pattern; Font B keeps its own */
	d = dec(&r, 0);
	define(d, '$', ones, 12);
	feed(d, "\x1bM\x01", 3);
	define(d, '!', ones, 9);
	feed(d, "\x1b%\x01$!\x1bM\x00!$\n\x1dV\x01", 14);
	assert_string_equal(r.text, "$\xef\xbf\xbd!\xef\xbf\xbd\n[cut]\n");
	assert_int_equal(r.nreports, 0);
	escpos_decoder_free(d);

	/* changed while in the line buffer; malformed definitions */
	d = dec(&r, 0);
	define(d, '!', e, 12);
	feed(d, "\x1b%\x01!", 4);
	define(d, '!', o, 12);
	assert_int_equal(r.nreports, 1);
	assert_non_null(strstr(r.reports, "line buffer"));
	feed(d, "\x1b?!", 3);
	assert_int_equal(r.nreports, 2);
	feed(d, "\n\x1b&\x00!!", 6);                 /* y = 0 */
	feed(d, "\x1b&\x03\x30\x21", 5);             /* c1 > c2 */
	feed(d, "\x1b&\x03\x21\x7f", 5);             /* c2 > 126 */
	feed(d, "\x1b&\x03!!\x0d", 6);               /* 13 dots */
	feed(d, "\x1b?\x10", 3);
	assert_int_equal(r.nreports, 7);
	assert_non_null(strstr(r.reports, "13 dots wide"));
	/* stream ends inside a definition */
	feed(d, "\x1b&\x03!\"\x0c", 6);
	escpos_decoder_end(d);
	assert_non_null(strstr(r.reports, "inside a command"));
	escpos_decoder_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_roundtrip),
		cmocka_unit_test(test_faults_parse),
		cmocka_unit_test(test_text_and_cut),
		cmocka_unit_test(test_split_feed),
		cmocka_unit_test(test_raster_and_dle_eot_inside),
		cmocka_unit_test(test_qr),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_incomplete_and_huge),
		cmocka_unit_test(test_cp1258),
		cmocka_unit_test(test_marks_apart_and_wrap),
		cmocka_unit_test(test_offline_interrupts),
		cmocka_unit_test(test_udc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
