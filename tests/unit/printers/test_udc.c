/*
 * test_udc.c - user-defined characters: every Vietnamese letter has a
 * glyph that fits Font A's cell and differs from every other letter's; the
 * per-ticket map, checked end to end by feeding what it plans to the
 * emulator's decoder and reading the text back (pseudo-random Vietnamese
 * lines with a fixed seed, enough distinct letters to force codes to be
 * reused); refusals; one ESC & for a run of consecutive codes.
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

static const char letters[] =
	"àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
	"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ";

/* The letters as code points; returns how many. */
static size_t
letter_cps(uint32_t *out, size_t max)
{
	size_t len = strlen(letters), i = 0, n = 0;
	unsigned cp;

	while (i < len && n < max) {
		i += (size_t)font_utf8_next(letters + i, len - i, &cp);
		out[n++] = cp;
	}
	return n;
}

static void
test_glyphs(void **state)
{
	uint32_t cps[200];
	size_t n = letter_cps(cps, 200), i, j;
	int row, col;

	(void)state;
	assert_int_equal(n, 134);
	assert_int_equal(udc_init(), 0);
	for (i = 0; i < n; i++) {
		const uint8_t *g = udc_glyph(cps[i]);
		int ink = 0, above = 0, below = 0;
		assert_non_null(g);
		/* the table gives back the letter for its own pattern: no two
		 * letters look the same */
		assert_int_equal(udc_recognise(g), cps[i]);
		for (j = 0; j < i; j++)
			assert_memory_not_equal(g, udc_glyph(cps[j]), UDC_BYTES);
		for (col = 0; col < UDC_W; col++)
			for (row = 0; row < UDC_H; row++)
				if (g[col * UDC_Y + row / 8] & (0x80 >> (row % 8))) {
					ink++;
					above += row < 8;
					below += row >= 20;
				}
		assert_true(ink >= 20);
		/* every letter here carries a mark above or below, or is đ/Đ */
		assert_true(above > 0 || below > 0 || cps[i] == 0x111 ||
		    cps[i] == 0x110);
	}
	assert_null(udc_glyph('a'));              /* ASCII is the printer's */
	assert_null(udc_glyph(0x4E2D));           /* no CJK */
	{
		uint8_t blank[UDC_BYTES] = { 0 };
		assert_int_equal(udc_recognise(blank), 0);
	}
}

struct rd {
	char text[65536];
	int reports;
};

static void
rd_page(void *arg, const struct bitmap *bm, const char *text)
{
	struct rd *r = arg;

	(void)bm;
	snprintf(r->text + strlen(r->text), sizeof r->text - strlen(r->text),
	    "%s", text);
}

static void
rd_report(void *arg, size_t off, const char *msg)
{
	struct rd *r = arg;

	(void)off;
	fprintf(stderr, "report: %s\n", msg);
	r->reports++;
}

/* UTF-8 of code points. */
static void
utf8(const uint32_t *cps, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t c = cps[i];
		if (c < 0x80)
			*out++ = (char)c;
		else if (c < 0x800) {
			*out++ = (char)(0xC0 | (c >> 6));
			*out++ = (char)(0x80 | (c & 0x3F));
		} else {
			*out++ = (char)(0xE0 | (c >> 12));
			*out++ = (char)(0x80 | ((c >> 6) & 0x3F));
			*out++ = (char)(0x80 | (c & 0x3F));
		}
	}
	*out = '\0';
}

static void
test_map_roundtrip(void **state)
{
	static const struct escpos_decoder_cb cb = { rd_page, NULL, rd_report };
	static const char ascii[] = " abcdeghiklmnopqrstuvxyABCDGHKLMNPQSTV"
	    "0123456789.,:;()/-";
	static struct rd r;
	static char want[65536];
	uint32_t viet[200], cps[48];
	size_t nviet = letter_cps(viet, 200), i;
	struct escpos_buf b;
	struct udc_map m;
	struct escpos_decoder *d;
	char err[128], line[256];
	unsigned seed = 12345;
	int k;

	(void)state;
	memset(&r, 0, sizeof r);
	want[0] = '\0';
	escpos_buf_init(&b);
	udc_map_init(&m);
	escpos_cmd(&b, 2, 0x1B, 0x40);
	for (k = 0; k < 300; k++) {
		uint8_t out[48];
		size_t n = 1 + (size_t)(k * 7 % 48);
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 3 == 0)
				cps[i] = viet[(seed >> 8) % nviet];
			else
				cps[i] = (unsigned char)ascii[(seed >> 8) %
				    (sizeof ascii - 1)];
		}
		/* printers drop spaces at a line's end: not our concern here */
		if (cps[n - 1] == ' ')
			cps[n - 1] = '.';
		assert_int_equal(udc_map_line(&m, cps, n, 1, &b, out), 0);
		escpos_put(&b, out, n);
		escpos_putc(&b, 0x0A);
		utf8(cps, n, line);
		strcat(want, line);
		strcat(want, "\n");
	}
	escpos_cmd(&b, 3, 0x1D, 0x56, 1);
	strcat(want, "[cut]\n");
	/* more letters were sent than there are codes: codes were reused */
	assert_true(m.defined > UDC_CODES);
	d = escpos_decoder_new(576, &cb, &r, NULL, err, sizeof err);
	assert_non_null(d);
	escpos_decoder_feed(d, b.data, b.len);
	escpos_decoder_end(d);
	escpos_decoder_free(d);
	escpos_buf_free(&b);
	assert_int_equal(r.reports, 0);
	assert_string_equal(r.text, want);
}

static void
test_map_refusals(void **state)
{
	struct udc_map m, before;
	struct escpos_buf b;
	uint32_t cps[100];
	uint8_t out[100];
	int i;

	(void)state;
	udc_map_init(&m);
	escpos_buf_init(&b);
	/* a letter without a glyph */
	cps[0] = 'x';
	cps[1] = 0x4E2D;
	assert_int_equal(udc_map_line(&m, cps, 2, 1, &b, out), -1);
	/* not Font A */
	cps[1] = 0x1EC7;                      /* ệ */
	assert_int_equal(udc_map_line(&m, cps, 2, 0, &b, out), -1);
	/* a control character */
	cps[1] = 0x09;
	assert_int_equal(udc_map_line(&m, cps, 2, 1, &b, out), -1);
	/* all 95 ASCII codes used: no code left for ệ */
	for (i = 0; i < UDC_CODES; i++)
		cps[i] = (uint32_t)(UDC_FIRST + i);
	cps[UDC_CODES] = 0x1EC7;
	assert_int_equal(udc_map_line(&m, cps, UDC_CODES + 1, 1, &b, out), -1);
	assert_int_equal(b.len, 0);
	/* ASCII only, nothing defined: nothing to send */
	assert_int_equal(udc_map_line(&m, cps, UDC_CODES, 1, &b, out), 0);
	assert_int_equal(b.len, 0);
	for (i = 0; i < UDC_CODES; i++)
		assert_int_equal(out[i], UDC_FIRST + i);
	/* refused lines leave the map as it was */
	before = m;
	cps[0] = 0x4E2D;
	assert_int_equal(udc_map_line(&m, cps, 1, 1, &b, out), -1);
	assert_memory_equal(&m, &before, sizeof m);
	escpos_buf_free(&b);
}

static void
test_map_commands(void **state)
{
	struct udc_map m;
	struct escpos_buf b;
	uint32_t cps[8] = { 0x1EC7, 0x1ED7, 'a', 0x1EA5, 0x1EC7 };  /* ệỗaấệ */
	uint8_t out[8];

	(void)state;
	udc_map_init(&m);
	escpos_buf_init(&b);
	assert_int_equal(udc_map_line(&m, cps, 5, 1, &b, out), 0);
	/* one ESC & for three consecutive codes, then ESC % 1 */
	assert_int_equal(b.len, 5 + 3 * (1 + UDC_BYTES) + 3);
	assert_int_equal(b.data[0], 0x1B);
	assert_int_equal(b.data[1], '&');
	assert_int_equal(b.data[2], 3);
	assert_int_equal(b.data[4] - b.data[3], 2);
	assert_memory_equal(b.data + b.len - 3, "\x1b%\x01", 3);
	assert_int_equal(out[0], out[4]);     /* same letter, same code */
	assert_int_equal(out[2], 'a');
	assert_true(out[0] != out[1] && out[1] != out[3] && out[0] != out[3]);
	assert_true(out[0] != 'a' && out[1] != 'a' && out[3] != 'a');
	/* the next line uses the code of ệ as ASCII: cancelled (ESC ?), the
	 * others are kept and nothing is defined again */
	b.len = 0;
	cps[0] = out[0];
	cps[1] = 0x1ED7;
	assert_int_equal(udc_map_line(&m, cps, 2, 1, &b, out), 0);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.data[0], 0x1B);
	assert_int_equal(b.data[1], '?');
	assert_int_equal(b.data[2], cps[0]);
	/* an ASCII line whose codes hold letters: ESC % 0 */
	b.len = 0;
	cps[0] = out[1];
	assert_int_equal(udc_map_line(&m, cps, 1, 1, &b, out), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "\x1b%\x00", 3);
	assert_int_equal(m.on, 0);
	escpos_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test(test_map_roundtrip),
		cmocka_unit_test(test_map_refusals),
		cmocka_unit_test(test_map_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
