/*
 * board.c - the wall display's layout (see board.h).
 *
 * Landscape: header (centre name, clock, date), a grid of counters (name,
 * the number served now; flashing while a call is new), a side panel with
 * the latest call in big type, the last calls and the waiting counts per
 * queue, and the scrolling notice at the bottom.  Portrait stacks the
 * latest call above the grid and puts the lists side by side below it.
 */
#include "displays/board.h"

#include <stdio.h>
#include <string.h>

static const SDL_Color C_BG = { 0x0b, 0x1e, 0x3a, 255 };
static const SDL_Color C_HEAD = { 0x12, 0x3a, 0x6b, 255 };
static const SDL_Color C_CELL = { 0x16, 0x32, 0x5c, 255 };
static const SDL_Color C_CELL_OFF = { 0x12, 0x22, 0x38, 255 };
static const SDL_Color C_PANEL = { 0x10, 0x2a, 0x4e, 255 };
static const SDL_Color C_WHITE = { 0xff, 0xff, 0xff, 255 };
static const SDL_Color C_DIM = { 0x9f, 0xb3, 0xcc, 255 };
static const SDL_Color C_OFF = { 0x5d, 0x70, 0x88, 255 };
static const SDL_Color C_NUM = { 0xff, 0xd5, 0x4f, 255 };
static const SDL_Color C_FLASH = { 0xf2, 0xb1, 0x34, 255 };
static const SDL_Color C_FLASH2 = { 0xd8, 0x43, 0x15, 255 };
static const SDL_Color C_DARK = { 0x10, 0x18, 0x24, 255 };
static const SDL_Color C_WARN = { 0xff, 0xb3, 0x00, 255 };
static const SDL_Color C_FOOT = { 0x08, 0x15, 0x29, 255 };

void
board_opts_default(struct board_opts *o)
{
	memset(o, 0, sizeof *o);
	o->flash_ms = 10000;
	o->history = 6;
	o->notice_px_per_s = 120;
}

/* 0 none, 1 flash on, 2 flash off phase (still new). */
static int
board_flash(int64_t seen_ms, const struct board_opts *o, int64_t now_ms)
{
	int64_t age = now_ms - seen_ms;

	if (seen_ms <= 0 || age < 0 || age >= o->flash_ms)
		return 0;
	return (age / 500) % 2 == 0 ? 1 : 2;
}

int
board_animating(const struct dmodel *m, const struct board_opts *o, int64_t now_ms)
{
	int i;

	for (i = 0; i < m->ncounters; i++)
		if (board_flash(m->counters[i].seen_ms, o, now_ms))
			return 1;
	return 0;
}

static void
board_number(char *buf, size_t n, int number)
{
	if (number > 0)
		snprintf(buf, n, "%04d", number);
	else
		snprintf(buf, n, "—");
}

static SDL_Rect
rect(int x, int y, int w, int h)
{
	SDL_Rect r = { x, y, w, h };

	return r;
}

static void
board_header(draw *d, const struct dmodel *m, const struct board_opts *o,
    SDL_Rect r, time_t wall, int connected)
{
	static const char *const wd[7] = { "Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư",
		"Thứ Năm", "Thứ Sáu", "Thứ Bảy" };
	struct tm tm;
	char clock[16], date[64];
	int pad = r.h / 8, cw = r.h * 3;
	const char *title = o->title != NULL && o->title[0] ? o->title :
	    m->centre[0] ? m->centre : "Trung tâm Phục vụ hành chính công";

	draw_fill(d, r, C_HEAD);
	localtime_r(&wall, &tm);
	snprintf(clock, sizeof clock, "%02d:%02d", tm.tm_hour, tm.tm_min);
	snprintf(date, sizeof date, "%s, %02d/%02d/%04d", wd[tm.tm_wday % 7], tm.tm_mday,
	    tm.tm_mon + 1, tm.tm_year + 1900);
	draw_text(d, title, rect(r.x + pad * 2, r.y, r.w - cw - pad * 6, r.h), r.h * 45 / 100,
	    1, C_WHITE, DRAW_LEFT);
	draw_text(d, clock, rect(r.x + r.w - cw - pad * 2, r.y + pad / 2, cw, r.h * 58 / 100),
	    r.h * 50 / 100, 1, C_WHITE, DRAW_RIGHT);
	draw_text(d, date, rect(r.x + r.w - cw - pad * 2, r.y + r.h * 58 / 100, cw,
	    r.h * 36 / 100), r.h * 22 / 100, 0, C_DIM, DRAW_RIGHT);
	if (!connected) {
		/* Discreet: a small amber mark under the title. */
		int mh = r.h / 4;
		SDL_Rect dot = rect(r.x + r.w - cw - pad * 2 - mh * 9, r.y + r.h - mh - pad / 2,
		    mh / 2, mh / 2);

		dot.y += mh / 4;
		draw_fill(d, dot, C_WARN);
		draw_text(d, "Đang kết nối lại…", rect(dot.x + mh, r.y + r.h - mh - pad / 2,
		    mh * 8, mh), mh * 8 / 10, 0, C_WARN, DRAW_LEFT);
	}
}

static void
board_grid(draw *d, const struct dmodel *m, const struct board_opts *o,
    SDL_Rect r, int64_t now_ms)
{
	const struct dmodel_counter *vis[DMODEL_MAX_COUNTERS];
	int n = 0, i, cols, best_cols = 1, rows, gap;
	double best = -1;

	for (i = 0; i < m->ncounters; i++)
		if (dmodel_counter_visible(m, &m->counters[i]))
			vis[n++] = &m->counters[i];
	if (n == 0) {
		draw_text(d, "Chưa có quầy nào", r, r.h / 10, 0, C_DIM, DRAW_CENTRE);
		return;
	}
	/* The column count giving the biggest cells of aspect about 1.6. */
	for (cols = 1; cols <= n; cols++) {
		double cw, ch, s;

		rows = (n + cols - 1) / cols;
		cw = (double)r.w / cols;
		ch = (double)r.h / rows;
		s = cw / 1.6 < ch ? cw / 1.6 : ch;
		if (s > best + 0.5) {
			best = s;
			best_cols = cols;
		}
	}
	cols = best_cols;
	rows = (n + cols - 1) / cols;
	gap = r.w / 160 + 2;
	for (i = 0; i < n; i++) {
		const struct dmodel_counter *c = vis[i];
		int cx = r.x + (i % cols) * r.w / cols, cy = r.y + (i / cols) * r.h / rows;
		int cw = r.w / cols - gap, ch = r.h / rows - gap;
		int fl = board_flash(c->seen_ms, o, now_ms) && c->ticket_number > 0;
		SDL_Rect cell = rect(cx + gap / 2, cy + gap / 2, cw, ch);
		SDL_Color bg = c->state == DMODEL_C_CLOSED ? C_CELL_OFF : C_CELL;
		SDL_Color fg = C_NUM, nm = C_DIM;
		char num[16];

		if (fl == 1) {
			bg = C_FLASH;
			fg = C_DARK;
			nm = C_DARK;
		} else if (fl == 2) {
			bg = C_FLASH2;
			fg = C_WHITE;
			nm = C_WHITE;
		}
		draw_fill(d, cell, bg);
		draw_text(d, c->name[0] ? c->name : "Quầy", rect(cell.x + cw / 20, cell.y,
		    cw - cw / 10, ch * 32 / 100), ch * 22 / 100, 1,
		    c->state == DMODEL_C_CLOSED ? C_OFF : nm, DRAW_CENTRE);
		if (c->state == DMODEL_C_CLOSED) {
			draw_text(d, "Đóng", rect(cell.x, cell.y + ch * 32 / 100, cw, ch * 62 / 100),
			    ch * 28 / 100, 0, C_OFF, DRAW_CENTRE);
		} else if (c->state == DMODEL_C_PAUSED && c->ticket_number == 0) {
			draw_text(d, "Tạm dừng", rect(cell.x, cell.y + ch * 32 / 100, cw,
			    ch * 62 / 100), ch * 26 / 100, 0, C_DIM, DRAW_CENTRE);
		} else {
			board_number(num, sizeof num, c->ticket_number);
			draw_text(d, num, rect(cell.x + cw / 20, cell.y + ch * 30 / 100,
			    cw - cw / 10, ch * 66 / 100), ch * 56 / 100, 1,
			    c->ticket_number > 0 ? fg : C_OFF, DRAW_CENTRE);
		}
	}
}

/* The latest call in big type. */
static void
board_latest(draw *d, const struct dmodel *m, const struct board_opts *o,
    SDL_Rect r, int64_t now_ms)
{
	const struct dmodel_call *c = m->nhistory > 0 ? &m->history[0] : NULL;
	int fl = c != NULL ? board_flash(c->seen_ms, o, now_ms) : 0;
	SDL_Color bg = fl == 1 ? C_FLASH : fl == 2 ? C_FLASH2 : C_PANEL;
	SDL_Color fg = fl == 1 ? C_DARK : fl == 2 ? C_WHITE : C_NUM;
	SDL_Color tx = fl == 1 ? C_DARK : C_WHITE;
	char num[16], ctr[64];

	draw_fill(d, r, bg);
	draw_text(d, "Mời công dân có số", rect(r.x, r.y + r.h * 4 / 100, r.w, r.h * 18 / 100),
	    r.h * 13 / 100, 0, tx, DRAW_CENTRE);
	if (c == NULL) {
		draw_text(d, "—", rect(r.x, r.y + r.h / 4, r.w, r.h / 2), r.h * 40 / 100, 1, fg,
		    DRAW_CENTRE);
		return;
	}
	board_number(num, sizeof num, c->number);
	snprintf(ctr, sizeof ctr, "đến quầy số %d", c->counter);
	draw_text(d, num, rect(r.x, r.y + r.h * 20 / 100, r.w, r.h * 52 / 100), r.h * 48 / 100, 1,
	    fg, DRAW_CENTRE);
	draw_text(d, ctr, rect(r.x, r.y + r.h * 72 / 100, r.w, r.h * 24 / 100), r.h * 19 / 100, 1,
	    tx, DRAW_CENTRE);
}

static void
board_history(draw *d, const struct dmodel *m, const struct board_opts *o,
    SDL_Rect r, int64_t now_ms)
{
	int rows = o->history > 0 ? o->history : 1, i, rh, head = r.h / (rows + 2);
	char num[16], ctr[64];

	draw_fill(d, r, C_PANEL);
	draw_text(d, "Các số vừa gọi", rect(r.x + r.w / 20, r.y, r.w * 9 / 10, head), head * 6 / 10,
	    1, C_DIM, DRAW_LEFT);
	rh = (r.h - head) / rows;
	for (i = 1; i <= rows && i < m->nhistory; i++) {
		const struct dmodel_call *c = &m->history[i];
		int y = r.y + head + (i - 1) * rh;
		SDL_Color fg = board_flash(c->seen_ms, o, now_ms) ? C_FLASH : C_WHITE;

		board_number(num, sizeof num, c->number);
		snprintf(ctr, sizeof ctr, "%s %d", c->recall ? "↻ Quầy" : "Quầy", c->counter);
		draw_text(d, num, rect(r.x + r.w / 20, y, r.w * 45 / 100, rh), rh * 70 / 100, 1, fg,
		    DRAW_LEFT);
		draw_text(d, ctr, rect(r.x + r.w / 2, y, r.w * 45 / 100, rh), rh * 55 / 100, 0, fg,
		    DRAW_RIGHT);
	}
}

static void
board_waiting(draw *d, const struct dmodel *m, SDL_Rect r)
{
	int vis[DMODEL_MAX_QUEUES], n = 0, i, head, rh, rows, busy = 0;
	char cnt[16];

	draw_fill(d, r, C_PANEL);
	head = r.h / 7;
	rh = (r.h - head) / 4;
	if (rh > head)
		rh = head;
	rows = (r.h - head) / (rh > 0 ? rh : 1);
	for (i = 0; i < m->nqueues; i++)
		if (dmodel_queue_visible(m, &m->queues[i]))
			busy += m->queues[i].waiting > 0;
	/* Too many queues for the panel: those with people waiting. */
	for (i = 0; i < m->nqueues; i++)
		if (dmodel_queue_visible(m, &m->queues[i]) &&
		    (busy < rows || m->queues[i].waiting > 0))
			vis[n++] = i;
	if (n > rows * 2 / 3 && n <= rows * 2) {
		rh = (r.h - head) / (n > 4 ? n : 4);
		if (rh < head * 6 / 10)
			rh = head * 6 / 10;
		rows = (r.h - head) / rh;
	} else if (n <= rows * 2 / 3) {
		rows = n;
	}
	draw_text(d, "Đang chờ", rect(r.x + r.w / 20, r.y, r.w * 9 / 10, head), head * 6 / 10, 1,
	    C_DIM, DRAW_LEFT);
	for (i = 0; i < n && i < rows; i++) {
		const struct dmodel_queue *q = &m->queues[vis[i]];
		int y = r.y + head + i * rh;

		if (i == rows - 1 && n > rows) {
			draw_text(d, "…", rect(r.x + r.w / 20, y, r.w * 70 / 100, rh), rh * 55 / 100, 0,
			    C_DIM, DRAW_LEFT);
			break;
		}
		snprintf(cnt, sizeof cnt, "%d", q->waiting);
		draw_text(d, q->name[0] ? q->name : q->code, rect(r.x + r.w / 20, y, r.w * 70 / 100,
		    rh), rh * 60 / 100, 0, C_WHITE, DRAW_LEFT);
		draw_text(d, cnt, rect(r.x + r.w * 75 / 100, y, r.w * 20 / 100, rh), rh * 65 / 100, 1,
		    C_NUM, DRAW_RIGHT);
	}
}

static void
board_notice(draw *d, const struct board_opts *o, SDL_Rect r, int64_t now_ms)
{
	int px = r.h * 55 / 100, tw, x;
	int64_t period;

	draw_fill(d, r, C_FOOT);
	if (o->notice == NULL || o->notice[0] == '\0')
		return;
	tw = draw_text_width(d, o->notice, px, 0);
	if (tw <= 0)
		return;
	if (tw <= r.w - r.h) {
		draw_text(d, o->notice, r, px, 0, C_WHITE, DRAW_CENTRE);
		return;
	}
	/* Scroll right to left, entering from the right edge. */
	period = (int64_t)(r.w + tw) * 1000 / (o->notice_px_per_s > 0 ? o->notice_px_per_s : 120);
	x = r.x + r.w - (int)((now_ms % period) * (r.w + tw) / period);
	draw_text_at(d, o->notice, x, r, px, 0, C_WHITE);
}

void
board_render(draw *d, const struct dmodel *m, const struct board_opts *o, int w, int h,
    int64_t now_ms, time_t wall, int connected)
{
	int head, foot, gap;

	draw_frame_begin(d);
	draw_fill(d, rect(0, 0, w, h), C_BG);
	if (w >= h) {
		int side, bx, bh, y;

		head = h * 10 / 100;
		foot = h * 7 / 100;
		gap = h / 100 + 2;
		side = w * 34 / 100;
		bx = w - side - gap;
		bh = h - head - foot - gap * 2;
		y = head + gap;
		board_header(d, m, o, rect(0, 0, w, head), wall, connected);
		board_grid(d, m, o, rect(gap, y, bx - gap * 2, bh), now_ms);
		board_latest(d, m, o, rect(bx, y, side, bh * 34 / 100), now_ms);
		board_history(d, m, o, rect(bx, y + bh * 34 / 100 + gap, side,
		    bh * 36 / 100 - gap), now_ms);
		board_waiting(d, m, rect(bx, y + bh * 70 / 100 + gap, side, bh * 30 / 100 - gap));
		board_notice(d, o, rect(0, h - foot, w, foot), now_ms);
	} else {
		int y, lh, gh, bh;

		head = h * 7 / 100;
		foot = h * 5 / 100;
		gap = w / 100 + 2;
		y = head + gap;
		lh = h * 16 / 100;
		gh = h * 44 / 100;
		bh = h - head - foot - lh - gh - gap * 4;
		board_header(d, m, o, rect(0, 0, w, head), wall, connected);
		board_latest(d, m, o, rect(gap, y, w - gap * 2, lh), now_ms);
		y += lh + gap;
		board_grid(d, m, o, rect(gap, y, w - gap * 2, gh), now_ms);
		y += gh + gap;
		board_history(d, m, o, rect(gap, y, w / 2 - gap * 2, bh), now_ms);
		board_waiting(d, m, rect(w / 2, y, w / 2 - gap, bh));
		board_notice(d, o, rect(0, h - foot, w, foot), now_ms);
	}
}
