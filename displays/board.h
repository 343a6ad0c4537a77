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

/* 1 while some call flashes at now_ms (the screen must be redrawn). */
int board_animating(const struct dmodel *m, const struct board_opts *o,
    int64_t now_ms);

#endif
