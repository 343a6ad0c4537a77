/*
 * panel.c - rendering of a board face into shift-register bytes: digits as
 * 7-segment patterns, lamps as bits (the layout is in panel.h).  Notices use
 * the digits of row 0: "----" while the factory key is held at power-up,
 * "dEF " after a factory reset.  A flashing number is blanked in its off
 * phase; the counter digits stay.
 */
#include "core/panel.h"

#include <string.h>

static const uint8_t seg_digits[10] = {
	0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F
};

#define SEG_d 0x5E
#define SEG_E 0x79
#define SEG_F 0x71

/* See panel.h. */
uint8_t panel_digit(uint8_t d)
{
	return d < 10 ? seg_digits[d] : PANEL_SEG_BLANK;
}

/* See panel.h. */
uint16_t panel_length(uint8_t role)
{
	switch (role) {
	case BOARD_ROLE_NUMBER:
	case BOARD_ROLE_CALLER: return 1 + PANEL_ROW_BYTES;
	case BOARD_ROLE_HALL: return PANEL_MAX;
	default: return 1;
	}
}

/* n digits of v (most significant first) into out; leading positions
 * beyond 'shown' digits from the right are blank. */
static void put_digits(uint8_t *out, int n, uint16_t v, int shown)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (n - i <= shown) ? seg_digits[v % 10] : PANEL_SEG_BLANK;
		v /= 10;
	}
}

/* One row: number (0xFFFF or !lit = blank) and counter (0 = blank). */
static void put_row(uint8_t *row, uint16_t number, uint16_t counter, int lit)
{
	if (number <= 9999 && lit)
		put_digits(row, 4, number, 4);
	else
		memset(row, PANEL_SEG_BLANK, 4);
	if (counter >= 1 && counter <= 99)
		put_digits(row + 4, 2, counter, 2);
	else
		memset(row + 4, PANEL_SEG_BLANK, 2);
}

/* The lamp register of a number, caller or hall board. */
static uint8_t lamps(const board_face *f)
{
	static const uint8_t lamp_bits[4] = { 0, PANEL_LAMP_OPEN, PANEL_LAMP_PAUSED, PANEL_LAMP_CLOSED };
	uint8_t v = f->lamp < 4 ? lamp_bits[f->lamp] : 0;

	if (f->offline)
		v |= PANEL_LAMP_OFFLINE;
	if (f->notice == BOARD_NOTICE_THANKS || f->notice == BOARD_NOTICE_FACTORY)
		v |= PANEL_LAMP_NOTICE;
	if (f->role == BOARD_ROLE_CALLER && f->typed_len)
		v |= PANEL_LAMP_TYPED;
	return v;
}

/* See panel.h. */
uint16_t panel_render(const board_face *f, uint8_t *out)
{
	uint16_t len = panel_length(f->role);
	uint8_t *row = out + 1;

	memset(out, 0, len);
	if (f->role == BOARD_ROLE_RATING) {
		if (f->prompt)
			out[0] |= 0x0F;
		if (f->notice != BOARD_NOTICE_NONE)
			out[0] |= PANEL_RATE_THANKS;
		if (f->offline)
			out[0] |= PANEL_RATE_OFFLINE;
		return len;
	}
	if (len == 1)
		return len;
	out[0] = lamps(f);
	if (f->role == BOARD_ROLE_HALL) {
		for (int r = 0; r < BOARD_HALL_ROWS; r++) {
			uint16_t num = f->hall[r][0];
			put_row(row + r * PANEL_ROW_BYTES, num, num == 0xFFFF ? 0 : f->hall[r][1],
			    r != 0 || f->lit);
		}
	} else {
		put_row(row, f->number, f->counter, f->lit);
		if (f->role == BOARD_ROLE_CALLER && f->typed_len)
			put_digits(row, 4, f->typed, f->typed_len);
	}
	if (f->notice == BOARD_NOTICE_HOLD) {
		memset(row, PANEL_SEG_DASH, 4);
	} else if (f->notice == BOARD_NOTICE_FACTORY) {
		row[0] = SEG_d;
		row[1] = SEG_E;
		row[2] = SEG_F;
		row[3] = PANEL_SEG_BLANK;
	}
	return len;
}

/* See panel.h. */
uint16_t panel_duty(uint8_t brightness)
{
	uint32_t b = brightness > 15 ? 15u : brightness;
	return (uint16_t)((b + 1) * (b + 1) * 1000u / 256u);
}
