/*
 * board.h - the wall display's picture: a pure function of the model, the
 * options, the screen size and the injected clocks (local milliseconds for
 * flashing and scrolling, unix time for the clock shown), so that golden
 * pictures are deterministic.  Landscape and portrait layouts.
 */
#ifndef ONESTOP_BOARD_H
#define ONESTOP_BOARD_H

#include <stdint.h>
#include <time.h>

#include "displays/dmodel.h"
#include "displays/draw.h"

struct board_opts {
	const char *title;          /* NULL = the centre's name from the state */
	const char *notice;         /* scrolling line, NULL/"" = none */
	int flash_ms;               /* how long a new call flashes (10000) */
	int history;                /* calls listed (6) */
	int notice_px_per_s;        /* scrolling speed (120) */
	int page_ms;                /* waiting counts: each page shown this long
	                               when they need more than one (5000) */
	/* Tests: called with every string drawn (before fitting) and whether
	 * it is bold; NULL = none. */
	void (*on_text)(void *arg, const char *text, int bold);
	void *on_text_arg;
};

void board_opts_default(struct board_opts *o);

/*
 * Draw the whole screen (w x h) into d's renderer (starts a frame of d:
 * in d's retained mode, draw_frame_end then paints what changed).  now_ms: local monotonic
 * ms; wall: unix time for the clock (shown in the local time zone);
 * connected: 0 shows the discreet "reconnecting" mark.
 */
void board_render(draw *d, const struct dmodel *m, const struct board_opts *o,
    int w, int h, int64_t now_ms, time_t wall, int connected);

/*
 * The waiting counts ("Đang chờ").  Every queue the screen shows gets a
 * row: one column, or two when they do not fit in one, rows no lower than
 * a readable minimum (24 px, or 1/32 of the screen's short side); when even
 * that is not enough, pages of equal size shown in turn, each page_ms.
 * One queue's row on screen: the whole row, its name, its count.
 */
struct board_qbox {
	int queue;                  /* index into m->queues */
	SDL_Rect box, name, count;
};

/*
 * The rows of page `page` (0-based; taken modulo the page count) of the
 * waiting panel on a w x h screen: up to max into out, the number on that
 * page returned; *pages gets the page count (>= 1).  Pure (board_render
 * draws exactly these).
 */
int board_waiting_page(const struct dmodel *m, int w, int h, int page, int *pages,
    struct board_qbox *out, int max);

/* The page shown at now_ms out of pages. */
int board_page_at(const struct board_opts *o, int pages, int64_t now_ms);

/* 1 while some call flashes at now_ms (the screen must be redrawn). */
int board_animating(const struct dmodel *m, const struct board_opts *o,
    int64_t now_ms);

#endif
