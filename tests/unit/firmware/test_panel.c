/*
 * test_panel.c - faces rendered into shift-register bytes: digits, blank
 * and flashing numbers, the caller's typed digits, hall rows, lamps per
 * role, notices, and the brightness duty curve.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/panel.h"

/* Decode a digit register back to '0'..'9', ' ', '-', or '?'. */
static char glyph(uint8_t seg)
{
	if (seg == PANEL_SEG_BLANK)
		return ' ';
	if (seg == PANEL_SEG_DASH)
		return '-';
	for (uint8_t d = 0; d < 10; d++)
		if (panel_digit(d) == seg)
			return (char)('0' + d);
	return '?';
}

/* Row r of a rendered chain as text "NNNN CC". */
static void row_text(const uint8_t *out, int r, char *txt)
{
	const uint8_t *row = out + 1 + r * PANEL_ROW_BYTES;
	for (int i = 0; i < 4; i++)
		txt[i] = glyph(row[i]);
	txt[4] = ' ';
	txt[5] = glyph(row[4]);
	txt[6] = glyph(row[5]);
	txt[7] = 0;
}

static void face_init(board_face *f, uint8_t role)
{
	memset(f, 0, sizeof *f);
	f->role = role;
	f->lit = 1;
	f->number = 0xFFFF;
	for (int r = 0; r < BOARD_HALL_ROWS; r++)
		f->hall[r][0] = 0xFFFF;
}

static void test_digits(void **state)
{
	(void)state;
	/* ten distinct patterns, none blank or a dash, 8 lights all of a..g */
	for (uint8_t a = 0; a < 10; a++) {
		assert_int_not_equal(panel_digit(a), PANEL_SEG_BLANK);
		assert_int_not_equal(panel_digit(a), PANEL_SEG_DASH);
		assert_int_equal(panel_digit(a) & 0x80, 0);
		for (uint8_t b = 0; b < a; b++)
			assert_int_not_equal(panel_digit(a), panel_digit(b));
	}
	assert_int_equal(panel_digit(8), 0x7F);
	assert_int_equal(panel_digit(1), 0x06); /* segments b and c */
	assert_int_equal(panel_digit(10), PANEL_SEG_BLANK);
}

static void test_number(void **state)
{
	board_face f;
	uint8_t out[PANEL_MAX];
	char t[8];
	(void)state;
	face_init(&f, BOARD_ROLE_NUMBER);
	f.number = 42;
	f.counter = 3;
	f.lamp = BOARD_LAMP_OPEN;
	assert_int_equal(panel_render(&f, out), 7);
	row_text(out, 0, t);
	assert_string_equal(t, "0042 03");
	assert_int_equal(out[0], PANEL_LAMP_OPEN);
	/* flash off phase: number blank, counter kept */
	f.flashing = 1;
	f.lit = 0;
	panel_render(&f, out);
	row_text(out, 0, t);
	assert_string_equal(t, "     03");
	/* blank number, no counter; offline and paused lamps */
	face_init(&f, BOARD_ROLE_NUMBER);
	f.offline = 1;
	f.lamp = BOARD_LAMP_PAUSED;
	panel_render(&f, out);
	row_text(out, 0, t);
	assert_string_equal(t, "       ");
	assert_int_equal(out[0], PANEL_LAMP_PAUSED | PANEL_LAMP_OFFLINE);
	f.number = 9999;
	f.counter = 99;
	f.lamp = BOARD_LAMP_CLOSED;
	f.offline = 0;
	panel_render(&f, out);
	row_text(out, 0, t);
	assert_string_equal(t, "9999 99");
	assert_int_equal(out[0], PANEL_LAMP_CLOSED);
}

static void test_caller_typed(void **state)
{
	board_face f;
	uint8_t out[PANEL_MAX];
	char t[8];
	(void)state;
	face_init(&f, BOARD_ROLE_CALLER);
	f.number = 1234;
	f.counter = 12;
	f.typed_len = 2;
	f.typed = 5;
	assert_int_equal(panel_render(&f, out), 7);
	row_text(out, 0, t);
	assert_string_equal(t, "  05 12");
	assert_true(out[0] & PANEL_LAMP_TYPED);
	f.typed_len = 0;
	panel_render(&f, out);
	row_text(out, 0, t);
	assert_string_equal(t, "1234 12");
	assert_false(out[0] & PANEL_LAMP_TYPED);
}

static void test_hall(void **state)
{
	board_face f;
	uint8_t out[PANEL_MAX];
	char t[8];
	(void)state;
	face_init(&f, BOARD_ROLE_HALL);
	f.hall[0][0] = 1001;
	f.hall[0][1] = 7;
	f.hall[1][0] = 2;
	f.hall[1][1] = 15;
	f.hall[2][1] = 9; /* empty row: its counter is not shown */
	assert_int_equal(panel_render(&f, out), PANEL_MAX);
	row_text(out, 0, t);
	assert_string_equal(t, "1001 07");
	row_text(out, 1, t);
	assert_string_equal(t, "0002 15");
	row_text(out, 2, t);
	assert_string_equal(t, "       ");
	row_text(out, 7, t);
	assert_string_equal(t, "       ");
	/* a flashing call blinks row 0 only */
	f.flashing = 1;
	f.lit = 0;
	panel_render(&f, out);
	row_text(out, 0, t);
	assert_string_equal(t, "     07");
	row_text(out, 1, t);
	assert_string_equal(t, "0002 15");
}

static void test_rating_and_notices(void **state)
{
	board_face f;
	uint8_t out[PANEL_MAX];
	char t[8];
	(void)state;
	face_init(&f, BOARD_ROLE_RATING);
	assert_int_equal(panel_render(&f, out), 1);
	assert_int_equal(out[0], 0);
	f.prompt = 1;
	panel_render(&f, out);
	assert_int_equal(out[0], PANEL_RATE_FACE(BOARD_RATE_VERY_SATISFIED) |
	    PANEL_RATE_FACE(BOARD_RATE_SATISFIED) | PANEL_RATE_FACE(BOARD_RATE_NEUTRAL) |
	    PANEL_RATE_FACE(BOARD_RATE_DISSATISFIED));
	f.prompt = 0;
	f.notice = BOARD_NOTICE_THANKS;
	f.offline = 1;
	panel_render(&f, out);
	assert_int_equal(out[0], PANEL_RATE_THANKS | PANEL_RATE_OFFLINE);
	/* notices on a number board */
	face_init(&f, BOARD_ROLE_NUMBER);
	f.number = 12;
	f.notice = BOARD_NOTICE_HOLD;
	panel_render(&f, out);
	row_text(out, 0, t);
	assert_string_equal(t, "----   ");
	f.notice = BOARD_NOTICE_FACTORY;
	panel_render(&f, out);
	assert_int_equal(out[1], 0x5E);
	assert_int_equal(out[2], 0x79);
	assert_true(out[0] & PANEL_LAMP_NOTICE);
	/* an unknown role drives the lamp register only, dark */
	face_init(&f, 9);
	assert_int_equal(panel_render(&f, out), 1);
	assert_int_equal(out[0], 0);
}

static void test_duty(void **state)
{
	(void)state;
	assert_int_equal(panel_duty(15), 1000);
	assert_int_equal(panel_duty(200), 1000);
	assert_true(panel_duty(0) > 0);
	for (uint8_t b = 1; b <= 15; b++)
		assert_true(panel_duty(b) > panel_duty((uint8_t)(b - 1)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digits),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_caller_typed),
		cmocka_unit_test(test_hall),
		cmocka_unit_test(test_rating_and_notices),
		cmocka_unit_test(test_duty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
