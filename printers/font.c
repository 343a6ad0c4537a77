/*
 * font.c - FreeType rendering into one-bit bitmaps.  Glyphs are rendered
 * anti-aliased and thresholded at half grey, which keeps thin Vietnamese
 * tone marks visible at 20-30 px.  No kerning or shaping: Vietnamese in NFC
 * needs none, and it keeps the output identical from run to run.
 */
#include "printers/font.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

#define FONT_CACHE 2048           /* glyphs kept rendered (power of 2) */

struct font_glyph {
	unsigned cp;
	int px;                  /* 0 = empty slot */
	int adv, left, top, w, h;
	uint8_t *bits;           /* w * h, 1 = ink */
};

struct font {
	FT_Library lib;
	FT_Face face;
	int px;                  /* size currently set on face */
	struct font_glyph cache[FONT_CACHE];
};

/* Open path, else fallback. */
struct font *
font_open(const char *path, const char *fallback, char *err, size_t errlen)
{
	struct font *f = xcalloc(1, sizeof *f);

	if (FT_Init_FreeType(&f->lib) != 0) {
		snprintf(err, errlen, "FreeType init failed");
		free(f);
		return NULL;
	}
	if (FT_New_Face(f->lib, path, 0, &f->face) != 0 &&
	    (fallback == NULL ||
	    FT_New_Face(f->lib, fallback, 0, &f->face) != 0)) {
		snprintf(err, errlen, "cannot load font %s%s%s", path,
		    fallback ? " or " : "", fallback ? fallback : "");
		FT_Done_FreeType(f->lib);
		free(f);
		return NULL;
	}
	return f;
}

/* Close a font (NULL is fine). */
void
font_close(struct font *f)
{
	int i;

	if (f == NULL)
		return;
	for (i = 0; i < FONT_CACHE; i++)
		free(f->cache[i].bits);
	FT_Done_Face(f->face);
	FT_Done_FreeType(f->lib);
	free(f);
}

/* Set the pixel size if it changed. */
static void
font_size(struct font *f, int px)
{
	if (f->px != px) {
		FT_Set_Pixel_Sizes(f->face, 0, (FT_UInt)px);
		f->px = px;
	}
}

/* Decode one UTF-8 sequence strictly. */
int
font_utf8_next(const char *s, size_t len, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c;
	int n, i;

	*cp = 0xFFFD;
	if (len == 0)
		return 1;
	c = u[0];
	if (c < 0x80) { *cp = c; return 1; }
	if (c >= 0xC2 && c <= 0xDF) { n = 2; c &= 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { n = 3; c &= 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { n = 4; c &= 0x07; }
	else return 1;
	if ((size_t)n > len)
		return 1;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 1;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 1;
	*cp = c;
	return n;
}

/* The rendered glyph of cp at the current size, from the cache (filled
 * on a miss; a full slot is replaced).  Never NULL. */
static const struct font_glyph *
font_glyph(struct font *f, unsigned cp)
{
	unsigned slot = (cp * 2654435761u ^ (unsigned)f->px * 40503u) &
	    (FONT_CACHE - 1);
	struct font_glyph *g = &f->cache[slot];
	FT_GlyphSlot gs = NULL;
	unsigned r, c;

	if (g->px == f->px && g->cp == cp)
		return g;
	free(g->bits);
	memset(g, 0, sizeof *g);
	g->cp = cp;
	g->px = f->px;
	if (FT_Load_Char(f->face, cp, FT_LOAD_DEFAULT) != 0)
		return g;
	gs = f->face->glyph;
	g->adv = (int)((gs->advance.x + 32) >> 6);
	if (FT_Render_Glyph(gs, FT_RENDER_MODE_NORMAL) != 0)
		return g;
	g->left = gs->bitmap_left;
	g->top = gs->bitmap_top;
	g->w = (int)gs->bitmap.width;
	g->h = (int)gs->bitmap.rows;
	g->bits = xmalloc((size_t)(g->w * g->h) + 1);
	for (r = 0; r < gs->bitmap.rows; r++)
		for (c = 0; c < gs->bitmap.width; c++)
			g->bits[r * (unsigned)g->w + c] =
			    gs->bitmap.buffer[r * (unsigned)gs->bitmap.pitch + c] >= 128;
	return g;
}

/* Advance of one code point in dots. */
static int
font_advance(struct font *f, unsigned cp)
{
	return font_glyph(f, cp)->adv;
}

/* Width of a string. */
int
font_width(struct font *f, const char *s, int px)
{
	size_t len = strlen(s), i = 0;
	unsigned cp;
	int w = 0;

	font_size(f, px);
	while (i < len) {
		i += (size_t)font_utf8_next(s + i, len - i, &cp);
		w += font_advance(f, cp);
	}
	return w;
}

/* Ascent in dots. */
int
font_ascent(struct font *f, int px)
{
	font_size(f, px);
	return (int)((f->face->size->metrics.ascender + 32) >> 6);
}

/* Line height in dots. */
int
font_line_height(struct font *f, int px)
{
	font_size(f, px);
	return (int)((f->face->size->metrics.height + 32) >> 6);
}

/* Draw glyph g at pen (x, baseline), every dot scaled sx x sy. */
static void
font_blit(const struct font_glyph *g, struct bitmap *bm, int x, int baseline,
    int sx, int sy)
{
	int r, c, i, j;

	for (r = 0; r < g->h; r++)
		for (c = 0; c < g->w; c++) {
			if (!g->bits[r * g->w + c])
				continue;
			for (j = 0; j < sy; j++)
				for (i = 0; i < sx; i++)
					bitmap_set(bm, x + (g->left + c) * sx + i,
					    baseline + (r - g->top) * sy + j);
		}
}

/* Draw a string; returns the advance. */
int
font_draw(struct font *f, struct bitmap *bm, int x, int baseline,
    const char *s, int px)
{
	size_t len = strlen(s), i = 0;
	unsigned cp;
	int x0 = x;

	font_size(f, px);
	while (i < len) {
		const struct font_glyph *g;
		i += (size_t)font_utf8_next(s + i, len - i, &cp);
		g = font_glyph(f, cp);
		font_blit(g, bm, x, baseline, 1, 1);
		x += g->adv;
	}
	return x - x0;
}

/* 1 when the font has a glyph for cp. */
int
font_has(struct font *f, unsigned cp)
{
	return FT_Get_Char_Index(f->face, cp) != 0;
}

/* Draw one code point into a scaled character cell. */
void
font_draw_cell(struct font *f, struct bitmap *bm, int x, int top, unsigned cp,
    int px, int cell_w, int cell_h, int sx, int sy)
{
	const struct font_glyph *g;
	int asc;

	font_size(f, px);
	g = font_glyph(f, cp);
	asc = (int)((f->face->size->metrics.ascender + 32) >> 6);
	/* centre the glyph in its cell; baseline so the ascent fits */
	(void)cell_h;
	font_blit(g, bm, x + ((cell_w - g->adv) / 2) * sx, top + asc * sy, sx,
	    sy);
}

/* Append a copy of s[0..n) to the line array. */
static void
font_push(char ***lines, int *n, const char *s, size_t len)
{
	*lines = xreallocarray(*lines, (size_t)*n + 1, sizeof **lines);
	(*lines)[(*n)++] = xstrndup(s, len);
}

/* Cut the last line so that it plus "…" fits maxw. */
static void
font_ellipsize(struct font *f, char **line, int px, int maxw)
{
	size_t len = strlen(*line);
	char *s = xmalloc(len + 4);

	memcpy(s, *line, len + 1);
	for (;;) {
		char *t;
		xasprintf(&t, "%s…", s);
		if (font_width(f, t, px) <= maxw || len == 0) {
			free(*line);
			free(s);
			*line = t;
			return;
		}
		free(t);
		/* drop one code point, then trailing spaces */
		while (len > 0 && ((unsigned char)s[len - 1] & 0xC0) == 0x80)
			len--;
		if (len > 0)
			len--;
		while (len > 0 && s[len - 1] == ' ')
			len--;
		s[len] = '\0';
	}
}

/* Greedy word wrap. */
int
font_wrap(struct font *f, const char *s, int px, int maxw, int max_lines,
    char ***lines)
{
	size_t len = strlen(s), start = 0, i, last_space, cut;
	unsigned cp;
	int n = 0, w, truncated = 0;

	*lines = NULL;
	font_size(f, px);
	while (start < len && s[start] == ' ')
		start++;
	while (start < len) {
		if (n == max_lines) {
			truncated = 1;
			break;
		}
		w = 0;
		i = start;
		last_space = 0;
		cut = len;
		while (i < len) {
			int k = font_utf8_next(s + i, len - i, &cp);
			int a = font_advance(f, cp);
			if (cp == ' ')
				last_space = i;
			if (w + a > maxw && i > start) {
				cut = (last_space > start) ? last_space : i;
				break;
			}
			w += a;
			i += (size_t)k;
		}
		{
			size_t e = cut;
			while (e > start && s[e - 1] == ' ')
				e--;
			font_push(lines, &n, s + start, e - start);
		}
		start = cut;
		while (start < len && s[start] == ' ')
			start++;
	}
	if (truncated && n > 0)
		font_ellipsize(f, &(*lines)[n - 1], px, maxw);
	return n;
}

/* Free a line array. */
void
font_lines_free(char **lines, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* Cells are drawn hinted in one bit: crisper dots and marks at 12 x 24
 * than thresholded grey. */
#define FONT_CELL_LOAD (FT_LOAD_TARGET_MONO)
#define FONT_CELL_MODE FT_RENDER_MODE_MONO
#define FONT_CELL_INK(gs, r, c) \
	((gs)->bitmap.buffer[(r) * (gs)->bitmap.pitch + (c) / 8] & \
	(0x80 >> ((c) % 8)))

/* Render cp fitted into a character cell. */
int
font_cell(struct font *f, unsigned cp, int px, int cell_w, int cell_h,
    int baseline, uint8_t *dots)
{
	FT_GlyphSlot gs = NULL;
	int w = px, h = px, shift = 0, top, x0, r, c, fits = 0;

	memset(dots, 0, (size_t)cell_w * (size_t)cell_h);
	if (cp <= 0x20 || !font_has(f, cp))
		return -1;
	f->px = 0;       /* the cache's size is set again on next use */
	while (w >= px * 2 / 3 && h >= px * 2 / 3) {
		FT_Set_Pixel_Sizes(f->face, (FT_UInt)w, (FT_UInt)h);
		if (FT_Load_Char(f->face, cp, FONT_CELL_LOAD) != 0 ||
		    FT_Render_Glyph(f->face->glyph, FONT_CELL_MODE) != 0)
			return -1;
		gs = f->face->glyph;
		top = baseline - gs->bitmap_top;
		shift = top < 0 ? -top : 0;
		fits = 1;
		if ((int)gs->bitmap.width > cell_w) {
			w--;                 /* too wide: narrower */
			fits = 0;
		}
		if (shift > 2 || top + shift + (int)gs->bitmap.rows > cell_h) {
			h--;                 /* too tall: lower */
			fits = 0;
		}
		if (fits)
			break;
	}
	if (gs == NULL)
		return -1;
	if (!fits)
		shift = 0;       /* drawn at the smallest size, clipped */
	top = baseline - gs->bitmap_top + shift;
	x0 = (cell_w - (int)gs->bitmap.width + 1) / 2;
	for (r = 0; r < (int)gs->bitmap.rows; r++)
		for (c = 0; c < (int)gs->bitmap.width; c++) {
			int y = top + r, x = x0 + c;
			if (y < 0 || y >= cell_h || x < 0 || x >= cell_w)
				continue;
			if (FONT_CELL_INK(gs, r, c))
				dots[y * cell_w + x] = 1;
		}
	return 0;
}
