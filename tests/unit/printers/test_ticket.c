/*
 * test_ticket.c - layout and encoding: what each configuration sends
 * (text or raster, native or raster QR), the text that reads back through
 * the decoder (address, priority class), word wrap by printer cells (also
 * on a printer that prints CP1258 tone marks in cells of their own), the
 * feed that keeps the raster QR's quiet zone, refusals of bad input, bytes
 * kept small.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printers/printer_conf.h"
#include "printers/escpos.h"
#include "printers/escpos_decode.h"
#include "printers/font.h"
#include "printers/ticket.h"
#include "printers/ticket_samples.h"

struct rd {
	char text[8192];
	int pages, reports, h;
};

static void
rd_page(void *arg, const struct bitmap *bm, const char *text)
{
	struct rd *r = arg;

	r->pages++;
	r->h = bm->h;
	snprintf(r->text, sizeof r->text, "%s", text);
}

static void
rd_report(void *arg, size_t off, const char *msg)
{
	struct rd *r = arg;

	(void)off;
	(void)msg;
	r->reports++;
}

/* The decoder plays a printer that prints CP1258 tone marks apart. */
static int marks_apart;

/* Encode sample name (with changes applied by the caller) and decode. */
static size_t
roundtrip(const struct printer_conf *pc, const struct ticket_print *t,
    struct rd *r, uint8_t **bytes_out)
{
	static const struct escpos_decoder_cb cb = { rd_page, NULL, rd_report };
	struct ticket_encoder *e;
	struct escpos_decoder *d;
	char err[256];
	uint8_t *bytes;
	size_t len;

	memset(r, 0, sizeof *r);
	e = ticket_encoder_new(err, sizeof err);
	assert_non_null(e);
	assert_int_equal(ticket_encode(e, pc, t, &bytes, &len, err, sizeof err),
	    0);
	ticket_encoder_free(e);
	d = escpos_decoder_new(pc->paper_dots, &cb, r, NULL, err, sizeof err);
	assert_non_null(d);
	escpos_decoder_set_marks_apart(d, marks_apart);
	escpos_decoder_feed(d, bytes, len);
	escpos_decoder_end(d);
	escpos_decoder_free(d);
	if (bytes_out)
		*bytes_out = bytes;
	else
		free(bytes);
	return len;
}

static const struct ticket_sample *
sample(const char *name)
{
	int i = ticket_samples_find(name);
	assert_true(i >= 0);
	return ticket_samples_get(i);
}

static int
has(const uint8_t *b, size_t n, const char *pat, size_t pn)
{
	size_t i;

	for (i = 0; i + pn <= n; i++)
		if (memcmp(b + i, pat, pn) == 0)
			return 1;
	return 0;
}

static void
test_raster_58(void **state)
{
	const struct ticket_sample *s = sample("t58-raster");
	struct rd r;
	uint8_t *b;
	size_t n;

	(void)state;
	setenv("TZ", "ICT-7", 1);
	n = roundtrip(&s->printer, &s->ticket, &r, &b);
	assert_int_equal(r.pages, 1);
	assert_int_equal(r.reports, 0);
	/* the number and the URL are printer text; Vietnamese is raster */
	assert_non_null(strstr(r.text, "\n1024\n"));
	assert_non_null(strstr(r.text, "https://hcc.example.vn/t/20261128-1024"));
	assert_null(strstr(r.text, "Hộ tịch"));
	assert_non_null(strstr(r.text, "[raster "));
	/* raster QR, no GS ( k */
	assert_false(has(b, n, "\x1d(k", 3));
	/* no raster image is wider than the paper */
	assert_null(strstr(r.text, "cut off"));
	/* far smaller than the ticket as one full-width image */
	assert_true(n < (size_t)(384 / 8) * (size_t)r.h / 2);
	free(b);
}

static void
test_native_qr_80(void **state)
{
	const struct ticket_sample *s = sample("t80-raster");
	struct rd r;
	uint8_t *b;
	size_t n;

	(void)state;
	n = roundtrip(&s->printer, &s->ticket, &r, &b);
	assert_true(has(b, n, "\x1d(k", 3));
	assert_non_null(strstr(r.text,
	    "[qr https://hcc.example.vn/t/20261128-1024]"));
	free(b);
}

static void
test_codepage_text(void **state)
{
	const struct ticket_sample *s = sample("t80-cp1258");
	struct rd r;
	size_t n;

	(void)state;
	setenv("TZ", "ICT-7", 1);
	n = roundtrip(&s->printer, &s->ticket, &r, NULL);
	assert_int_equal(r.reports, 0);
	assert_null(strstr(r.text, "[raster"));     /* all text */
	assert_non_null(strstr(r.text, "Số người chờ trước bạn: 3\n"));
	assert_non_null(strstr(r.text, "Giờ lấy số: 08:15 28/11/2026\n"));
	assert_non_null(strstr(r.text, "Đất đai\n"));
	assert_true(n < 1500);
}

static void
test_wrap_and_cap(void **state)
{
	struct printer_conf pc = sample("t80-cp1258")->printer;
	struct ticket_print t = sample("t80-cp1258")->ticket;
	char longname[2000];
	struct rd r;
	char *p;
	int lines = 0, i;

	(void)state;
	longname[0] = '\0';
	for (i = 0; i < 40; i++)
		strcat(longname, "thủ tục hành chính ");
	t.procedure = longname;
	roundtrip(&pc, &t, &r, NULL);
	/* every printed line fits 48 characters; at most 6 procedure lines */
	for (p = r.text; (p = strstr(p, "thủ tục")) != NULL; lines++) {
		char *nl = strchr(p, '\n');
		p = nl ? nl + 1 : p + 1;
	}
	assert_true(lines >= 6 && lines <= 14);
	for (p = strtok(r.text, "\n"); p; p = strtok(NULL, "\n")) {
		size_t cps = 0, k;
		for (k = 0; p[k]; k++)
			cps += ((unsigned char)p[k] & 0xC0) != 0x80;
		if (p[0] != '[')
			assert_true(cps <= 48);
	}
}

static void
test_refusals(void **state)
{
	struct printer_conf pc = sample("t58-raster")->printer;
	struct ticket_print t = sample("t58-raster")->ticket;
	struct ticket_encoder *e;
	char err[256];
	uint8_t *b = (uint8_t *)1;
	size_t n;

	(void)state;
	e = ticket_encoder_new(err, sizeof err);
	assert_non_null(e);
	pc.paper_dots = 500;
	assert_int_equal(ticket_encode(e, &pc, &t, &b, &n, err, sizeof err), -1);
	assert_null(b);
	assert_non_null(strstr(err, "500"));
	pc.paper_dots = 384;
	pc.codepage = (char *)"tcvn3";
	assert_int_equal(ticket_encode(e, &pc, &t, &b, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "tcvn3"));
	pc.codepage = (char *)"raster";
	t.number = "Số 1";
	assert_int_equal(ticket_encode(e, &pc, &t, &b, &n, err, sizeof err), -1);
	t.number = "";
	assert_int_equal(ticket_encode(e, &pc, &t, &b, &n, err, sizeof err), -1);
	ticket_encoder_free(e);
	assert_int_equal(ticket_codepage("cp1258"), 52);
	assert_int_equal(ticket_codepage("cp1258:27"), 27);
	assert_int_equal(ticket_codepage("cp1258:x"), -1);
	assert_int_equal(ticket_codepage("raster"), -1);
}

static void
test_reprint_differs(void **state)
{
	const struct ticket_sample *s = sample("t80-cp1258");
	struct ticket_print t = s->ticket;
	struct rd r;

	(void)state;
	t.reprint = 1;
	roundtrip(&s->printer, &t, &r, NULL);
	{
		static const char banner[] = "*** BẢN IN LẠI ***\n";
		assert_memory_equal(r.text, banner, sizeof banner - 1);
	}
}

static void
test_font_wrap(void **state)
{
	char err[128], **lines;
	struct font *f = font_open(FONT_SANS, FONT_SANS_FALLBACK, err,
	    sizeof err);
	int n, i;

	(void)state;
	assert_non_null(f);
	n = font_wrap(f, "Đăng ký khai sinh cho trẻ em", 24, 150, 10, &lines);
	assert_true(n >= 2);
	for (i = 0; i < n; i++)
		assert_true(font_width(f, lines[i], 24) <= 150);
	font_lines_free(lines, n);
	n = font_wrap(f, "một hai ba bốn năm sáu bảy tám", 24, 80, 2, &lines);
	assert_int_equal(n, 2);
	assert_non_null(strstr(lines[1], "…"));
	font_lines_free(lines, n);
	font_close(f);
}

static int
count(const char *s, const char *pat)
{
	int n = 0;

	while ((s = strstr(s, pat)) != NULL) {
		n++;
		s++;
	}
	return n;
}

static void
test_udc_58(void **state)
{
	const struct ticket_sample *s = sample("t58-udc");
	struct rd r;
	uint8_t *b;
	size_t n, nraster;

	(void)state;
	setenv("TZ", "ICT-7", 1);
	nraster = roundtrip(&sample("t58-raster")->printer,
	    &sample("t58-raster")->ticket, &r, NULL);
	n = roundtrip(&s->printer, &s->ticket, &r, &b);
	assert_int_equal(r.pages, 1);
	assert_int_equal(r.reports, 0);
	/* the Vietnamese is printer text now; the one image is the QR code,
	 * sent at half resolution (GS v 0 mode 3) */
	assert_non_null(strstr(r.text, "Trung tâm Phục vụ hành chính\n"));
	assert_non_null(strstr(r.text,
	    "SỐ THỨ TỰ\n1024\nNgười cao tuổi\nHộ tịch\n"));
	assert_non_null(strstr(r.text, "thông thủ tục hành chính)\n"));
	assert_non_null(strstr(r.text, "Thời gian chờ dự kiến: 25 phút\n"));
	assert_int_equal(count(r.text, "[raster "), 1);
	assert_true(has(b, n, "\x1dv0\x03", 4));
	assert_false(has(b, n, "\x1d(k", 3));
	/* a quarter of the raster ticket's bytes at most */
	assert_true(n * 4 < nraster);
	free(b);
}

static void
test_udc_fallback_and_cap(void **state)
{
	struct printer_conf pc = sample("t80-udc")->printer;
	struct ticket_print t = sample("t80-udc")->ticket;
	char longname[2000];
	struct rd r;
	char *p, *last = NULL;
	int i, lines = 0;

	(void)state;
	/* a line with a character no glyph has goes as raster, alone */
	t.procedure = "Đăng ký thường trú cho công dân có giấy tờ 中文 "
	    "tên Hán Nôm, hộ khẩu tại Huế";
	roundtrip(&pc, &t, &r, NULL);
	assert_int_equal(r.reports, 0);
	assert_int_equal(count(r.text, "[raster "), 1);
	assert_non_null(strstr(r.text, "Đất đai\n"));
	assert_non_null(strstr(r.text, "Số người chờ trước bạn: 3\n"));
	/* cut after 6 lines with "…", every line within 48 characters */
	longname[0] = '\0';
	for (i = 0; i < 40; i++)
		strcat(longname, "thủ tục hành chính ");
	t.procedure = longname;
	roundtrip(&pc, &t, &r, NULL);
	assert_int_equal(r.reports, 0);
	for (p = strtok(r.text, "\n"); p; p = strtok(NULL, "\n")) {
		size_t cps = 0, k;
		for (k = 0; p[k]; k++)
			cps += ((unsigned char)p[k] & 0xC0) != 0x80;
		if (p[0] != '[')
			assert_true(cps <= 48);
		if (strstr(p, "thủ tục")) {
			lines++;
			last = p;
		}
	}
	assert_int_equal(lines, 6);
	assert_non_null(last);
	assert_non_null(strstr(last, "…"));
	assert_string_equal(last + strlen(last) - strlen("…"), "…");
}

/* The address under the centre's name, the priority class under the
 * number; neither when absent. */
static void
test_address_priority(void **state)
{
	struct printer_conf pc = sample("t80-cp1258")->printer;
	struct ticket_print t = sample("t80-cp1258")->ticket;
	struct rd r;

	(void)state;
	roundtrip(&pc, &t, &r, NULL);
	assert_int_equal(r.reports, 0);
	assert_non_null(strstr(r.text, "Thiên Huế\n"
	    "Số 01 Lê Lai, phường Vĩnh Ninh, thành phố\n"
	    "Huế, tỉnh Thừa Thiên Huế\nSỐ THỨ TỰ\n2517\n"
	    "Phụ nữ mang thai\nĐất đai\n"));
	t.address = NULL;
	t.priority = "";
	roundtrip(&pc, &t, &r, NULL);
	assert_non_null(strstr(r.text, "Thiên Huế\nSỐ THỨ TỰ\n2517\nĐất đai\n"));
	/* udc: a long class wraps at double size (24 cells on 80 mm) */
	pc = sample("t80-udc-marks")->printer;
	t = sample("t80-udc-marks")->ticket;
	roundtrip(&pc, &t, &r, NULL);
	assert_int_equal(r.reports, 0);
	assert_non_null(strstr(r.text, "Thiên Huế\n"
	    "Số 01 Lê Lai, phường Vĩnh Ninh, thành phố Huế,\n"
	    "tỉnh Thừa Thiên Huế\nSỐ THỨ TỰ\n3108\n"
	    "Người có công với cách\nmạng\nTư pháp – Hộ tịch\n"));
}

/* A long wait prints the range it was given, decoded back as text on the
 * code-page and udc printers (the en dash too; on 58 mm it wraps by
 * words); a short one its figure. */
static void
test_wait_range(void **state)
{
	static const struct {
		const char *name, *range, *under;
	} cases[] = {
		{ "t80-cp1258", "Thời gian chờ dự kiến: khoảng 40–55 phút\n",
		  "Thời gian chờ dự kiến: dưới 10 phút\n" },
		{ "t80-udc", "Thời gian chờ dự kiến: khoảng 40–55 phút\n",
		  "Thời gian chờ dự kiến: dưới 10 phút\n" },
		{ "t58-udc", "Thời gian chờ dự kiến: khoảng\n40–55 phút\n",
		  "Thời gian chờ dự kiến: dưới 10\nphút\n" },
	};
	struct rd r;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct printer_conf pc = sample(cases[i].name)->printer;
		struct ticket_print t = sample(cases[i].name)->ticket;

		t.wait_min = 48;
		t.wait_low_s = 2400;
		t.wait_high_s = 3300;
		roundtrip(&pc, &t, &r, NULL);
		assert_int_equal(r.reports, 0);
		assert_non_null(strstr(r.text, cases[i].range));
		assert_null(strstr(r.text, "48"));
		/* from 0: "dưới" */
		t.wait_min = 6;
		t.wait_low_s = 0;
		t.wait_high_s = 600;
		roundtrip(&pc, &t, &r, NULL);
		assert_non_null(strstr(r.text, cases[i].under));
		/* equal ends: the single figure */
		t.wait_low_s = t.wait_high_s = 360;
		roundtrip(&pc, &t, &r, NULL);
		assert_non_null(strstr(r.text,
		    "Thời gian chờ dự kiến: 6 phút\n"));
	}
}

/* On a printer that gives each CP1258 tone mark a cell of its own no line
 * is wider than the paper (the decoder reports a line it must wrap). */
static void
test_codepage_marks_apart(void **state)
{
	struct printer_conf pc = sample("t80-cp1258")->printer;
	struct ticket_print t = sample("t80-cp1258")->ticket;
	char longname[2000];
	struct rd r;
	int i;

	(void)state;
	marks_apart = 1;
	roundtrip(&pc, &t, &r, NULL);
	assert_int_equal(r.reports, 0);
	assert_non_null(strstr(r.text, "SỐ THỨ TỰ\n2517\nPhụ nữ mang thai\n"));
	/* dense marks: every letter of "ổ ệ ự ẫ" takes two cells */
	longname[0] = '\0';
	for (i = 0; i < 30; i++)
		strcat(longname, "thủ tục hồ sơ quyền sở hữu ");
	t.procedure = longname;
	t.centre = "Trung tâm Phục vụ Hành chính công tỉnh Thừa Thiên Huế và "
	    "Bộ phận Một cửa liên thông hiện đại";
	t.priority = "Người có công với cách mạng";
	roundtrip(&pc, &t, &r, NULL);
	assert_int_equal(r.reports, 0);
	pc.paper_dots = 384;
	roundtrip(&pc, &t, &r, NULL);
	assert_int_equal(r.reports, 0);
}

/* Back to joined marks, also after a failed check. */
static int
marks_joined(void **state)
{
	(void)state;
	marks_apart = 0;
	return 0;
}

/* The feed after a raster QR code is 4 modules at least (the text under it
 * may have ink at its cell's top), and the image is centred with 4 modules
 * of paper each side. */
static void
test_qr_quiet_feed(void **state)
{
	static const char *const names[] = { "t58-raster", "t58-udc",
	    "t80-udc-marks" };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof names / sizeof names[0]; k++) {
		const struct ticket_sample *s = sample(names[k]);
		QRcode *q = QRcode_encodeString(s->ticket.url, 0,
		    QR_ECLEVEL_M, QR_MODE_8, 1);
		struct rd r;
		uint8_t *b;
		size_t n, i;
		int found = 0;

		assert_non_null(q);
		n = roundtrip(&s->printer, &s->ticket, &r, &b);
		for (i = 0; i + 8 <= n; i++) {
			int m, x, y, scale, module;
			if (memcmp(b + i, "\x1dv0", 3) != 0)
				continue;
			m = b[i + 3];
			x = b[i + 4] | b[i + 5] << 8;
			y = b[i + 6] | b[i + 7] << 8;
			i += 8 + (size_t)x * (size_t)y;
			/* the QR: square, rows a whole number of modules */
			if (y % q->width != 0 || y > x * 8 || x * 8 >= y + 8) {
				i--;
				continue;
			}
			scale = m == 3 ? 2 : 1;
			module = y / q->width * scale;
			assert_true(i + 3 <= n);
			assert_memory_equal(b + i, "\x1bJ", 2);
			assert_true(b[i + 2] >= 4 * module);
			assert_true((s->printer.paper_dots - x * 8 * scale) / 2 >=
			    4 * module);
			found++;
		}
		assert_int_equal(found, 1);
		free(b);
		QRcode_free(q);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raster_58),
		cmocka_unit_test(test_native_qr_80),
		cmocka_unit_test(test_codepage_text),
		cmocka_unit_test(test_wrap_and_cap),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_reprint_differs),
		cmocka_unit_test(test_font_wrap),
		cmocka_unit_test(test_udc_58),
		cmocka_unit_test(test_udc_fallback_and_cap),
		cmocka_unit_test(test_address_priority),
		cmocka_unit_test(test_wait_range),
		cmocka_unit_test_teardown(test_codepage_marks_apart,
		    marks_joined),
		cmocka_unit_test(test_qr_quiet_feed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
