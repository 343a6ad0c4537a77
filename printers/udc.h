/*
 * udc.h - Vietnamese as the printer's own text through user-defined
 * characters (ESC & / ESC % / ESC ?), so that a line costs one byte a
 * character plus 37 bytes for each letter the printer has not been given
 * yet, instead of a raster image of ~1 KB.
 *
 * Glyphs: every letter of Vietnamese (and the rest of Latin-1, Latin
 * Extended-A/B and Extended Additional, a few punctuation marks and the
 * dong sign) drawn once per process with DejaVu Sans Mono through FreeType
 * into Font A's 12 x 24 cell, kept as ESC & column data (3 bytes a column,
 * top bit first).  The same table lets the emulator tell which letter a
 * downloaded pattern is.
 *
 * Codes: a printer has one user-defined character per code 32..126, and
 * with ESC % 1 a code that has one prints it, a code that has none prints
 * the resident character.  A map follows what the printer holds during one
 * ticket (ESC @ clears it) and plans each printed line: the ASCII codes the
 * line uses must hold no user-defined character (cancelled with ESC ?), its
 * other letters get codes (kept from earlier lines, else a free code, else
 * the least recently used one, redefined).  Definitions are only sent
 * between lines, never while a line is in the printer's line buffer.
 */
#ifndef ONESTOP_UDC_H
#define ONESTOP_UDC_H

#include <stddef.h>
#include <stdint.h>

struct escpos_buf;

#define UDC_W 12                 /* Font A cell */
#define UDC_H 24
#define UDC_Y 3                  /* bytes a column (ESC & y) */
#define UDC_BYTES (UDC_W * UDC_Y)
#define UDC_FIRST 32             /* codes 32..126 */
#define UDC_CODES 95
#define UDC_PX 20                /* glyph size: the emulator's Font A */

/* Draw the glyph table (once per process, thread-safe).  0, or -1 when
 * no font loads (then udc_glyph finds nothing). */
int udc_init(void);

/* ESC & column data (UDC_BYTES) of code point cp, or NULL when the table
 * has no glyph for it.  Valid for the life of the process. */
const uint8_t *udc_glyph(uint32_t cp);

/* The code point whose glyph is exactly data (UDC_BYTES bytes), Vietnamese
 * letters first where two look the same; 0 when none is. */
uint32_t udc_recognise(const uint8_t *data);

/* What the printer holds during one ticket. */
struct udc_map {
	uint32_t cp[UDC_CODES];  /* defined at code UDC_FIRST + i; 0 = none */
	unsigned used[UDC_CODES];/* line that last used it */
	unsigned line;           /* lines planned so far */
	int on;                  /* ESC % 1 sent */
	unsigned defined;        /* characters sent with ESC & (figures) */
};

/* A printer after ESC @: nothing defined, ESC % 0. */
void udc_map_init(struct udc_map *m);

/*
 * Plan one printed line of n code points.  On success appends to cmds the
 * ESC ? / ESC & / ESC % commands the line needs before its bytes, writes the
 * n bytes to send into out, updates the map and returns 0.  Returns -1 and
 * changes nothing when the line cannot go as text: a code point outside
 * ASCII 32..126 without a glyph, a control character, non-ASCII with
 * allow_udc 0 (another font than Font A is selected), or more distinct
 * letters than the codes its ASCII leaves free.
 */
int udc_map_line(struct udc_map *m, const uint32_t *cps, size_t n,
    int allow_udc, struct escpos_buf *cmds, uint8_t *out);

#endif
