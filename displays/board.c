/*
 * board.c - the wall display's layout (see board.h).
 *
 * Landscape: header (centre name, clock, date), a grid of counters (name,
 * the number served now; flashing while a call is new), a side panel with
 * the latest call in big type, the last calls and the waiting counts per
 * queue, and the scrolling notice at the bottom.  Portrait stacks the
 * latest call above the grid and puts the lists side by side below it.
 *
 * Every string goes through board_text (and its siblings) so that a test
 * can see each one drawn (struct board_opts.on_text) and check that the
 * font has every glyph: no sign outside what Noto Sans / DejaVu Sans hold
 * (a recall is a "gọi lại" badge, not an arrow sign).
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
static const SDL_Color C_RECALL = { 0x1f, 0x8a, 0x7c, 255 };

/* Minimum height of a waiting row (readable from a few metres). */
#define BOARD_MIN_ROW 24

void
board_opts_default(struct board_opts *o)
{
	memset(o, 0, sizeof *o);
	o->flash_ms = 10000;
	o->history = 6;
	o->notice_px_per_s = 120;
	o->page_ms = 5000;
}

/* draw_text, seen by the test hook first. */
static int
board_text(draw *d, const struct board_opts *o, const char *text, SDL_Rect box, int px,
    int bold, SDL_Color c, enum draw_align align)
{
	if (o->on_text != NULL)
		o->on_text(o->on_text_arg, text, bold);
	return draw_text(d, text, box, px, bold, c, align);
}

/* The panels of a w x h screen (landscape or portrait). */
struct board_panels {
	SDL_Rect head, grid, latest, history, waiting, notice;
};

static SDL_Rect
rect(int x, int y, int w, int h)
{
	SDL_Rect r = { x, y, w, h };

	return r;
}

static void
board_panels(int w, int h, struct board_panels *p)
{
	int head, foot, gap;

	if (w >= h) {
		int side, bx, bh, y;

		head = h * 10 / 100;
		foot = h * 7 / 100;
		gap = h / 100 + 2;
		side = w * 34 / 100;
		bx = w - side - gap;
		bh = h - head - foot - gap * 2;
		y = head + gap;
		p->head = rect(0, 0, w, head);
		p->grid = rect(gap, y, bx - gap * 2, bh);
		p->latest = rect(bx, y, side, bh * 34 / 100);
		p->history = rect(bx, y + bh * 34 / 100 + gap, side, bh * 36 / 100 - gap);
		p->waiting = rect(bx, y + bh * 70 / 100 + gap, side, bh * 30 / 100 - gap);
		p->notice = rect(0, h - foot, w, foot);
	} else {
		int y, lh, gh, bh;

		head = h * 7 / 100;
		foot = h * 5 / 100;
		gap = w / 100 + 2;
		y = head + gap;
		lh = h * 16 / 100;
		gh = h * 44 / 100;
		bh = h - head - foot - lh - gh - gap * 4;
		p->head = rect(0, 0, w, head);
		p->latest = rect(gap, y, w - gap * 2, lh);
		y += lh + gap;
		p->grid = rect(gap, y, w - gap * 2, gh);
		y += gh + gap;
		p->history = rect(gap, y, w / 2 - gap * 2, bh);
		p->waiting = rect(w / 2, y, w / 2 - gap, bh);
		p->notice = rect(0, h - foot, w, foot);
	}
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
	board_text(d, o, title, rect(r.x + pad * 2, r.y, r.w - cw - pad * 6, r.h), r.h * 45 / 100,
	    1, C_WHITE, DRAW_LEFT);
	board_text(d, o, clock, rect(r.x + r.w - cw - pad * 2, r.y + pad / 2, cw, r.h * 58 / 100),
	    r.h * 50 / 100, 1, C_WHITE, DRAW_RIGHT);
	board_text(d, o, date, rect(r.x + r.w - cw - pad * 2, r.y + r.h * 58 / 100, cw,
	    r.h * 36 / 100), r.h * 22 / 100, 0, C_DIM, DRAW_RIGHT);
	if (!connected) {
		/* Discreet: a small amber mark under the title. */
		int mh = r.h / 4;
		SDL_Rect dot = rect(r.x + r.w - cw - pad * 2 - mh * 9, r.y + r.h - mh - pad / 2,
		    mh / 2, mh / 2);

		dot.y += mh / 4;
		draw_fill(d, dot, C_WARN);
		board_text(d, o, "Đang kết nối lại…", rect(dot.x + mh, r.y + r.h - mh - pad / 2,
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
		board_text(d, o, "Chưa có quầy nào", r, r.h / 10, 0, C_DIM, DRAW_CENTRE);
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
		board_text(d, o, c->name[0] ? c->name : "Quầy", rect(cell.x + cw / 20, cell.y,
		    cw - cw / 10, ch * 32 / 100), ch * 22 / 100, 1,
		    c->state == DMODEL_C_CLOSED ? C_OFF : nm, DRAW_CENTRE);
		if (c->state == DMODEL_C_CLOSED) {
			board_text(d, o, "Đóng", rect(cell.x, cell.y + ch * 32 / 100, cw, ch * 62 / 100),
			    ch * 28 / 100, 0, C_OFF, DRAW_CENTRE);
		} else if (c->state == DMODEL_C_PAUSED && c->ticket_number == 0) {
			board_text(d, o, "Tạm dừng", rect(cell.x, cell.y + ch * 32 / 100, cw,
			    ch * 62 / 100), ch * 26 / 100, 0, C_DIM, DRAW_CENTRE);
		} else {
			board_number(num, sizeof num, c->ticket_number);
			board_text(d, o, num, rect(cell.x + cw / 20, cell.y + ch * 30 / 100,
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
	board_text(d, o, c != NULL && c->recall ? "Xin nhắc lại: mời công dân có số" :
	    "Mời công dân có số", rect(r.x, r.y + r.h * 4 / 100, r.w, r.h * 18 / 100),
	    r.h * 13 / 100, 0, tx, DRAW_CENTRE);
	if (c == NULL) {
		board_text(d, o, "—", rect(r.x, r.y + r.h / 4, r.w, r.h / 2), r.h * 40 / 100, 1, fg,
		    DRAW_CENTRE);
		return;
	}
	board_number(num, sizeof num, c->number);
	snprintf(ctr, sizeof ctr, "đến quầy số %d", c->counter);
	board_text(d, o, num, rect(r.x, r.y + r.h * 20 / 100, r.w, r.h * 52 / 100), r.h * 48 / 100, 1,
	    fg, DRAW_CENTRE);
	board_text(d, o, ctr, rect(r.x, r.y + r.h * 72 / 100, r.w, r.h * 24 / 100), r.h * 19 / 100, 1,
	    tx, DRAW_CENTRE);
}

static void
board_history(draw *d, const struct dmodel *m, const struct board_opts *o,
    SDL_Rect r, int64_t now_ms)
{
	int rows = o->history > 0 ? o->history : 1, i, rh, head = r.h / (rows + 2);
	char num[16], ctr[64];

	draw_fill(d, r, C_PANEL);
	board_text(d, o, "Các số vừa gọi", rect(r.x + r.w / 20, r.y, r.w * 9 / 10, head), head * 6 / 10,
	    1, C_DIM, DRAW_LEFT);
	rh = (r.h - head) / rows;
	for (i = 1; i <= rows && i < m->nhistory; i++) {
		const struct dmodel_call *c = &m->history[i];
		int y = r.y + head + (i - 1) * rh;
		SDL_Color fg = board_flash(c->seen_ms, o, now_ms) ? C_FLASH : C_WHITE;

		board_number(num, sizeof num, c->number);
		snprintf(ctr, sizeof ctr, "Quầy %d", c->counter);
		board_text(d, o, num, rect(r.x + r.w / 20, y, r.w * 36 / 100, rh), rh * 70 / 100, 1,
		    fg, DRAW_LEFT);
		if (c->recall) {
			/* A recall: a "gọi lại" badge between number and counter. */
			int px = rh * 46 / 100, bw = draw_text_width(d, "gọi lại", px, 1) + rh / 2;
			SDL_Rect badge;

			if (bw > r.w * 24 / 100)
				bw = r.w * 24 / 100;
			badge = rect(r.x + r.w * 41 / 100, y + rh * 20 / 100, bw, rh * 60 / 100);
			draw_fill(d, badge, C_RECALL);
			board_text(d, o, "gọi lại", badge, px, 1, C_WHITE, DRAW_CENTRE);
		}
		board_text(d, o, ctr, rect(r.x + r.w * 66 / 100, y, r.w * 29 / 100, rh),
		    rh * 55 / 100, 0, fg, DRAW_RIGHT);
	}
}

/*
 * text shortened to fit maxw at px (whole words, then "…"; a first word
 * too long is cut by characters), into out, so that it is drawn at px
 * rather than shrunk: the rows of a list then share one size.
 */
static void
board_shorten_measure(draw *d, const char *text, int px, int bold, int maxw, char *out,
    size_t n)
{
	size_t len = strlen(text), cut;

	snprintf(out, n, "%s", text);
	if (draw_text_width(d, out, px, bold) <= maxw || len + 4 > n)
		return;
	/* Whole words, from the longest prefix down. */
	for (cut = len; cut > 0; cut--) {
		size_t e = cut;

		if (text[cut] != ' ')
			continue;
		while (e > 0 && (text[e - 1] == ' ' || text[e - 1] == ',' || text[e - 1] == '-'))
			e--;
		snprintf(out, n, "%.*s…", (int)e, text);
		if (e > 0 && draw_text_width(d, out, px, bold) <= maxw)
			return;
	}
	/* One long word: by characters. */
	for (cut = len; cut > 0; cut--) {
		if ((text[cut] & 0xc0) == 0x80)
			continue;          /* inside a UTF-8 sequence */
		snprintf(out, n, "%.*s…", (int)cut, text);
		if (draw_text_width(d, out, px, bold) <= maxw)
			return;
	}
	snprintf(out, n, "…");
}

/*
 * board_shorten_measure, remembered: measuring is the dear part and the
 * same names are drawn every frame (24 queues at 1920x1080: 2.8 ms a
 * frame without this, 0.5 ms with it).  The answer depends only on (d's
 * fonts, text, px, bold, maxw), so the board stays a function of its input
 * (one render thread; a draw context freed and another opened at the same
 * address with other fonts would be answered wrongly: the program keeps
 * one, the tests use the same fonts).
 */
static void
board_shorten(draw *d, const char *text, int px, int bold, int maxw, char *out, size_t n)
{
	static struct {
		const draw *d;
		int px, bold, maxw;
		char in[160], out[168];
	} memo[64];
	static unsigned next;
	size_t i;

	if (strlen(text) >= sizeof memo[0].in || n > sizeof memo[0].out) {
		board_shorten_measure(d, text, px, bold, maxw, out, n);
		return;
	}
	for (i = 0; i < sizeof memo / sizeof memo[0]; i++)
		if (memo[i].d == d && memo[i].px == px && memo[i].bold == bold &&
		    memo[i].maxw == maxw && strcmp(memo[i].in, text) == 0) {
			snprintf(out, n, "%s", memo[i].out);
			return;
		}
	board_shorten_measure(d, text, px, bold, maxw, out, n);
	i = next++ % (sizeof memo / sizeof memo[0]);
	memo[i].d = d;
	memo[i].px = px;
	memo[i].bold = bold;
	memo[i].maxw = maxw;
	snprintf(memo[i].in, sizeof memo[i].in, "%s", text);
	snprintf(memo[i].out, sizeof memo[i].out, "%s", out);
}

/* Geometry of the waiting panel r on a w x h screen for n queues. */
struct board_wlay {
	int head, min_rh, rh, rows, cols, colw, pages, per_page;
};

static void
board_wlayout(SDL_Rect r, int w, int h, int n, struct board_wlay *l)
{
	int area, rows_max, iw = r.w - 2 * (r.w / 20);

	memset(l, 0, sizeof *l);
	l->min_rh = (w < h ? w : h) / 32;
	if (l->min_rh < BOARD_MIN_ROW)
		l->min_rh = BOARD_MIN_ROW;
	l->head = r.h / 7;
	if (l->head > l->min_rh * 2)
		l->head = l->min_rh * 2;
	if (l->head < l->min_rh)
		l->head = l->min_rh;
	area = r.h - l->head;
	rows_max = area / l->min_rh;
	if (rows_max < 1)
		rows_max = 1;
	l->cols = 1;
	if (n > rows_max) {
		l->cols = iw / (l->min_rh * 8);
		l->cols = l->cols < 1 ? 1 : l->cols > 2 ? 2 : l->cols;
	}
	l->pages = n > 0 ? (n + rows_max * l->cols - 1) / (rows_max * l->cols) : 1;
	l->per_page = (n + l->pages - 1) / l->pages;
	l->rows = (l->per_page + l->cols - 1) / l->cols;
	if (l->rows < 4)
		l->rows = 4;        /* few queues: rows of a set height, from the top */
	if (l->rows > rows_max)
		l->rows = rows_max;
	l->rh = area / l->rows;
	if (l->rh > l->min_rh * 3 / 2)
		l->rh = l->min_rh * 3 / 2;
	l->colw = iw / l->cols;
}

/* The rows of one page of the panel r (see board_waiting_page). */
static int
board_wpage(const struct dmodel *m, SDL_Rect r, int w, int h, int page, int *pages,
    struct board_qbox *out, int max)
{
	int vis[DMODEL_MAX_QUEUES], n = 0, i, k;
	struct board_wlay l;

	for (i = 0; i < m->nqueues; i++)
		if (dmodel_queue_visible(m, &m->queues[i]))
			vis[n++] = i;
	board_wlayout(r, w, h, n, &l);
	*pages = l.pages;
	page = ((page % l.pages) + l.pages) % l.pages;
	for (k = 0; k < l.per_page && page * l.per_page + k < n && k < max; k++) {
		int col = k / l.rows, row = k % l.rows;
		int cgap = l.cols > 1 ? l.min_rh / 2 : 0;
		int x = r.x + r.w / 20 + col * l.colw, y = r.y + l.head + row * l.rh;
		int bw = l.colw - (col < l.cols - 1 ? cgap : 0), cw = l.rh * 3 / 2;
		struct board_qbox *b = &out[k];

		b->queue = vis[page * l.per_page + k];
		b->box = rect(x, y, bw, l.rh);
		b->name = rect(x, y, bw - cw - l.rh / 4, l.rh);
		b->count = rect(x + bw - cw, y, cw, l.rh);
	}
	return k;
}

int
board_waiting_page(const struct dmodel *m, int w, int h, int page, int *pages,
    struct board_qbox *out, int max)
{
	struct board_panels p;

	board_panels(w, h, &p);
	return board_wpage(m, p.waiting, w, h, page, pages, out, max);
}

int
board_page_at(const struct board_opts *o, int pages, int64_t now_ms)
{
	if (pages <= 1 || o->page_ms <= 0 || now_ms < 0)
		return 0;
	return (int)((now_ms / o->page_ms) % pages);
}

static void
board_waiting(draw *d, const struct dmodel *m, const struct board_opts *o, SDL_Rect r,
    int w, int h, int64_t now_ms)
{
	struct board_qbox box[DMODEL_MAX_QUEUES];
	struct board_wlay l;
	int i, n, pages, page;
	char cnt[32];

	draw_fill(d, r, C_PANEL);
	for (i = n = 0; i < m->nqueues; i++)
		n += dmodel_queue_visible(m, &m->queues[i]);
	board_wlayout(r, w, h, n, &l);
	board_wpage(m, r, w, h, 0, &pages, box, DMODEL_MAX_QUEUES);
	page = board_page_at(o, pages, now_ms);
	n = board_wpage(m, r, w, h, page, &pages, box, DMODEL_MAX_QUEUES);
	board_text(d, o, "Đang chờ", rect(r.x + r.w / 20, r.y, r.w * 6 / 10, l.head),
	    l.head * 6 / 10, 1, C_DIM, DRAW_LEFT);
	if (pages > 1) {
		snprintf(cnt, sizeof cnt, "%d/%d", page + 1, pages);
		board_text(d, o, cnt, rect(r.x + r.w * 70 / 100, r.y, r.w * 25 / 100, l.head),
		    l.head * 55 / 100, 1, C_DIM, DRAW_RIGHT);
	}
	for (i = 0; i < n; i++) {
		const struct dmodel_queue *q = &m->queues[box[i].queue];
		int rh = box[i].box.h;
		/* Side by side, names no bigger than on the smallest rows: more
		 * of each fits. */
		int npx = l.cols > 1 && rh * 55 / 100 > l.min_rh * 65 / 100 ? l.min_rh * 65 / 100 :
		    rh * 55 / 100;
		char name[sizeof q->name + 8];

		snprintf(cnt, sizeof cnt, "%d", q->waiting);
		if (o->on_text != NULL)
			o->on_text(o->on_text_arg, q->name[0] ? q->name : q->code, 0);
		board_shorten(d, q->name[0] ? q->name : q->code, npx, 0, box[i].name.w, name,
		    sizeof name);
		board_text(d, o, name, box[i].name, npx, 0, C_WHITE, DRAW_LEFT);
		board_text(d, o, cnt, box[i].count, rh * 62 / 100, 1, C_NUM, DRAW_RIGHT);
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
		board_text(d, o, o->notice, r, px, 0, C_WHITE, DRAW_CENTRE);
		return;
	}
	/* Scroll right to left, entering from the right edge. */
	period = (int64_t)(r.w + tw) * 1000 / (o->notice_px_per_s > 0 ? o->notice_px_per_s : 120);
	x = r.x + r.w - (int)((now_ms % period) * (r.w + tw) / period);
	if (o->on_text != NULL)
		o->on_text(o->on_text_arg, o->notice, 0);
	draw_text_at(d, o->notice, x, r, px, 0, C_WHITE);
}

void
board_render(draw *d, const struct dmodel *m, const struct board_opts *o, int w, int h,
    int64_t now_ms, time_t wall, int connected)
{
	struct board_panels p;

	board_panels(w, h, &p);
	draw_frame_begin(d);
	draw_fill(d, rect(0, 0, w, h), C_BG);
	board_header(d, m, o, p.head, wall, connected);
	board_latest(d, m, o, p.latest, now_ms);
	board_grid(d, m, o, p.grid, now_ms);
	board_history(d, m, o, p.history, now_ms);
	board_waiting(d, m, o, p.waiting, w, h, now_ms);
	board_notice(d, o, p.notice, now_ms);
}
