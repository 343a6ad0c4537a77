/*
 * font.h - text to dots with FreeType: measure, wrap and draw UTF-8 lines
 * into a bitmap.  Used by the ticket layout (Vietnamese lines sent as raster)
 * and by the emulator (the printer's own character font).  One font object
 * belongs to one thread (FreeType libraries are not shared between threads).
 */
#ifndef ONESTOP_FONT_H
#define ONESTOP_FONT_H

#include <stddef.h>
#include <stdint.h>

#include "printers/bitmap.h"

/* Font files from Debian (fonts-noto-core, fonts-dejavu-core). */
#define FONT_SANS "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
#define FONT_SANS_BOLD "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"
#define FONT_SANS_FALLBACK "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define FONT_SANS_BOLD_FALLBACK \
	"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
#define FONT_MONO "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

struct font;

/* Open the first of path / fallback (fallback may be NULL) that loads.
 * NULL with err set when neither does. */
struct font *font_open(const char *path, const char *fallback, char *err,
    size_t errlen);
void font_close(struct font *f);

/* Width in dots of s at px pixels (invalid UTF-8 counts as U+FFFD). */
int font_width(struct font *f, const char *s, int px);

/* Ascent and full line height in dots at px. */
int font_ascent(struct font *f, int px);
int font_line_height(struct font *f, int px);

/* Draw s with its baseline at (x, baseline); returns the pen advance. */
int font_draw(struct font *f, struct bitmap *bm, int x, int baseline,
    const char *s, int px);

/* Draw one code point scaled into a cell: the glyph is rendered at px
 * pixels and every dot becomes sx x sy dots (the printer's own font). */
void font_draw_cell(struct font *f, struct bitmap *bm, int x, int top,
    unsigned cp, int px, int cell_w, int cell_h, int sx, int sy);

/*
 * Render cp into a cell_w x cell_h character cell (the printer's Font A
 * cell for user-defined characters) with its baseline at row baseline and
 * its advance centred: dots gets cell_w * cell_h bytes, row-major, 1 = ink.
 * The glyph is drawn at px pixels and its ink centred; a glyph wider than
 * the cell is narrowed, one whose marks do not fit above is moved down by
 * at most 2 rows, else lowered (both down to 2/3 of px) until it fits.
 * Returns 0, or -1 when the font has no glyph for cp.
 */
int font_cell(struct font *f, unsigned cp, int px, int cell_w, int cell_h,
    int baseline, uint8_t *dots);

/* 1 when the font has a glyph for code point cp. */
int font_has(struct font *f, unsigned cp);

/*
 * Break s into lines no wider than maxw at px, at spaces where possible
 * (a word wider than a line is cut between characters).  Returns the
 * number of lines; *lines is a malloc'd array of malloc'd strings (free
 * with font_lines_free).  At most max_lines lines; when cut, the last line
 * ends with "…".
 */
int font_wrap(struct font *f, const char *s, int px, int maxw, int max_lines,
    char ***lines);
void font_lines_free(char **lines, int n);

/* Decode one UTF-8 code point from s (at most len bytes); returns bytes
 * used (>= 1) and sets *cp (U+FFFD on a bad sequence). */
int font_utf8_next(const char *s, size_t len, unsigned *cp);

#endif
