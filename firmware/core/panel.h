/*
 * panel.h - the face of a board as the bytes of a chain of 8-bit shift
 * registers (74HC595, or TPIC6B595 for large digits) that drive 7-segment
 * digits and lamps statically, one register per digit.  Portable: the MCU
 * port shifts the bytes out on SPI; host tests check the picture.
 *
 * Chain order: byte 0 goes to the register nearest the MCU (shifted out
 * last).  Byte 0 is the lamp register; then per row r (0..7) six digit
 * registers: the 4-digit number (thousands first) and the 2-digit counter.
 * A role uses the first panel_length() bytes: number and caller boards one
 * row (7 registers), rating boards the lamp register only, the hall sign 8
 * rows (49 registers).  A digit register's bits 0..6 are segments a..g,
 * bit 7 the decimal point; 1 = lit.
 *
 * Lamp register bits by role:
 *   number, caller, hall: 0 open (green), 1 paused (amber), 2 closed (red),
 *     3 offline, 4 notice (thanks / factory reset), 5 caller: digits typed
 *   rating: 0..3 the faces (very satisfied .. dissatisfied), lit while the
 *     host asks for a rating; 3 offline is bit 5 here; 4 thanks
 */
#ifndef ONESTOP_PANEL_H
#define ONESTOP_PANEL_H

#include <stdint.h>

#include "core/board.h"

#define PANEL_ROW_BYTES 6
#define PANEL_MAX (1 + BOARD_HALL_ROWS * PANEL_ROW_BYTES)   /* 49 */

#define PANEL_LAMP_OPEN 0x01
#define PANEL_LAMP_PAUSED 0x02
#define PANEL_LAMP_CLOSED 0x04
#define PANEL_LAMP_OFFLINE 0x08
#define PANEL_LAMP_NOTICE 0x10
#define PANEL_LAMP_TYPED 0x20
#define PANEL_RATE_FACE(r) (1u << ((r) - 1))   /* rating: BOARD_RATE_* */
#define PANEL_RATE_THANKS 0x10
#define PANEL_RATE_OFFLINE 0x20

#define PANEL_SEG_BLANK 0x00
#define PANEL_SEG_DASH 0x40

/* Registers in the chain of a board of role (1 for an unknown role). */
uint16_t panel_length(uint8_t role);
/* Segments of a decimal digit 0..9 (bit 0 = a .. bit 6 = g). */
uint8_t panel_digit(uint8_t d);
/* Fill out[0..panel_length(face->role)) with the picture; returns the length. */
uint16_t panel_render(const board_face *face, uint8_t *out);
/* /OE duty in 1/1000 for brightness 0..15 (perceptual steps; 0 is dim, not off). */
uint16_t panel_duty(uint8_t brightness);

#endif
