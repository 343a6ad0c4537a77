/*
 * draw.h - text and boxes on an SDL_Renderer for the wall display and the
 * kiosk: SDL2_ttf fonts (Noto Sans, else DejaVu Sans, from Debian) opened per
 * pixel size, text fitted to its box (shrunk down to 60%, then shortened
 * with "…" on a word boundary: never overflowing), rendered textures kept in
 * a cache so a steady screen costs only copies; and PNG screenshots.
 */
#ifndef ONESTOP_DRAW_H
#define ONESTOP_DRAW_H

#include <stdint.h>

#include <SDL.h>

typedef struct draw draw;

enum draw_align { DRAW_LEFT = 0, DRAW_CENTRE, DRAW_RIGHT };

/* Path of a Vietnamese-capable font (bold or regular), or NULL. */
const char *draw_find_font(int bold);

/* A drawing context on r; fonts from the paths (NULL = draw_find_font). */
draw *draw_new(SDL_Renderer *r, const char *regular, const char *bold,
    char *err, size_t errlen);
void draw_free(draw *d);
SDL_Renderer *draw_renderer(draw *d);
/* Start a frame: textures unused for a while are dropped. */
void draw_frame_begin(draw *d);
/*
 * Retained mode on/off (off by default): fills and text are recorded from
 * draw_frame_begin to draw_frame_end instead of painted at once; see
 * draw_frame_end.  Turning it on forgets the last frame (next is full).
 */
void draw_set_retained(draw *d, int on);
/* Retained mode: the next draw_frame_end repaints the whole w x h. */
void draw_invalidate(draw *d);
/*
 * End a frame of w x h.  Retained mode: paints only where this frame's
 * commands differ from the last frame's (all of it after a size change or
 * draw_invalidate), the result being the picture a full redraw gives; the
 * boxes painted go to dirty (at most max, the rest merged into the last),
 * and their count is returned: 0 = nothing changed.  Immediate mode: the
 * whole screen, 1.
 */
int draw_frame_end(draw *d, int w, int h, SDL_Rect *dirty, int max);

void draw_fill(draw *d, SDL_Rect r, SDL_Color c);
void draw_frame(draw *d, SDL_Rect r, int thick, SDL_Color c);

/*
 * Text fitted into box: the largest size up to px (pixels) whose width
 * fits, not below 60% of px; beyond that the text is shortened with "…"
 * (and when not even one character fits with "…", the text is shrunk
 * further instead of vanishing).  Vertically centred.  Returns the width
 * drawn.
 */
int draw_text(draw *d, const char *text, SDL_Rect box, int px, int bold,
    SDL_Color c, enum draw_align align);
/* Text at natural size px with its left edge at x, clipped to clip. */
void draw_text_at(draw *d, const char *text, int x, SDL_Rect clip, int px,
    int bold, SDL_Color c);
/* Natural width of text at px. */
int draw_text_width(draw *d, const char *text, int px, int bold);
/*
 * Word-wrap text into lines of at most box.w at px, drawn from box.y;
 * lines that do not fit in box.h are dropped, the last shown ends in "…".
 * Returns the height used.
 */
int draw_text_wrap(draw *d, const char *text, SDL_Rect box, int px, int bold,
    SDL_Color c);

/*
 * Text in a box on up to maxlines lines (word-wrapped, at most
 * DRAW_MAX_LINES), the block vertically centred, each line aligned: at px
 * when it fits, else the largest smaller size that fits whole, not below
 * 60% of px; beyond that the last line is shortened with "…" (a single word
 * too wide for the box is shrunk further rather than dropped).  What was
 * drawn goes to *out when out is not NULL.  Returns the widest line's width.
 */
#define DRAW_MAX_LINES 3
struct draw_fitted {
	int px;                         /* size used */
	int nlines;
	int cut;                        /* 1: shortened with "…" */
	int w, h;                       /* the block's size */
	char line[DRAW_MAX_LINES][256]; /* the lines drawn (NFC) */
};
int draw_text_lines(draw *d, const char *text, SDL_Rect box, int px, int bold,
    SDL_Color c, enum draw_align align, int maxlines, struct draw_fitted *out);
/*
 * The largest size up to px at which text fits w x h whole on up to
 * maxlines lines (6 at least: then it may not fit).  Callers take the
 * smallest over a kind of button, so all buttons of that kind match.
 */
int draw_fit_lines(draw *d, const char *text, int w, int h, int px, int bold,
    int maxlines);
/* 1 when the font has a glyph for every character of text (UTF-8). */
int draw_has_glyphs(draw *d, const char *text, int bold);

/* Cache figures: textures held, renders done (misses). */
void draw_stats(draw *d, int *textures, unsigned long *renders);

/* Save the renderer's w x h pixels as PNG (RGB).  0 or -1. */
int draw_save_png(SDL_Renderer *r, int w, int h, const char *path);
/* Load a PNG as 0xAARRGGBB pixels (malloc'd).  0 or -1. */
int draw_load_png(const char *path, uint32_t **px, int *w, int *h);
/* Compare two pixel arrays: count of pixels whose channels differ by more
 * than tol. */
long draw_diff(const uint32_t *a, const uint32_t *b, long n, int tol);

#endif
