/*
 * test_board.c - the wall display's picture against golden PNGs at
 * 1920x1080, 1366x768 and portrait 1080x1920, with long Vietnamese names and
 * 4-digit numbers, a flashing call, a recall (listed once, "gọi lại"
 * badge), the "reconnecting" mark and the demo centre's 24 queues (both
 * pages of the waiting counts); every code point drawn is in the font (no
 * missing-glyph box); the waiting layout at each supported size; fitted
 * text never wider than its box and identical pictures from identical
 * input.  GOLDEN_UPDATE=1 rewrites the golden files
 * (`make displays-golden`).  Rendering: SDL's software renderer on a
 * memory surface (no video driver needed), time zone fixed to UTC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <SDL.h>
#include <SDL_ttf.h>
#include <uninorm.h>
#include <unistr.h>

#include "displays/board.h"
#include "displays/dmodel.h"
#include "displays/draw.h"

#define GOLDEN_DIR "tests/golden/displays"
#define WALL ((time_t)1764322500)   /* Fri 2025-11-28 09:35 UTC */

static const char *const dept_names[] = {
	"Hộ tịch", "Chứng thực", "Đăng ký doanh nghiệp", "Cấp phép xây dựng",
	"Đất đai – Cấp giấy chứng nhận quyền sử dụng đất và quyền sở hữu nhà ở",
	"Lao động – Thương binh và Xã hội", "Giao thông vận tải", "Y tế",
};

/* The 24 queues of the demo centre (config/demo/centre.ini). */
static const char *const demo_queues[24] = {
	"Lý lịch tư pháp", "Hộ tịch, quốc tịch", "Bổ trợ tư pháp", "Đăng ký doanh nghiệp",
	"Đầu tư, đấu thầu", "Cấp phép, quy hoạch xây dựng", "Hoạt động xây dựng, nhà ở",
	"Đất đai", "Môi trường, tài nguyên nước, khoáng sản", "Việc làm, giáo dục nghề nghiệp",
	"Người có công, bảo trợ xã hội", "Giấy phép lái xe", "Vận tải, phương tiện",
	"Khám bệnh, chữa bệnh", "Dược, mỹ phẩm, an toàn thực phẩm", "Xuất nhập cảnh",
	"Con dấu, phương tiện, an ninh trật tự", "Công Thương",
	"Nông nghiệp và phát triển nông thôn", "Giáo dục và đào tạo",
	"Văn hóa, thể thao và du lịch", "Nội vụ, tôn giáo, thi đua khen thưởng",
	"Thông tin và truyền thông", "Bảo hiểm xã hội, bảo hiểm y tế",
};

/*
 * A state JSON with n counters (every fifth closed, one paused) and nq
 * queues (8: the long names above; otherwise the demo centre's, then
 * numbered ones).
 */
static char *
make_state_q(int n, int nq)
{
	size_t cap = 65536, len = 0;
	char *s = malloc(cap);
	int i;

	len += (size_t)snprintf(s + len, cap - len, "{\"day\":\"2025-11-28\","
	    "\"centre\":\"Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế – Bộ phận một cửa\","
	    "\"last_event_id\":500,\"queues\":[");
	for (i = 0; i < nq; i++) {
		char nm[64];

		if (nq == 8)
			snprintf(nm, sizeof nm, "%s", dept_names[i]);
		else if (i < 24)
			snprintf(nm, sizeof nm, "%s", demo_queues[i]);
		else
			snprintf(nm, sizeof nm, "Lĩnh vực %d", i + 1);
		len += (size_t)snprintf(s + len, cap - len, "%s{\"code\":\"Q%d\",\"name\":\"%s\","
		    "\"department\":\"D%d\",\"waiting\":%d}", i ? "," : "", i, nm, i % 3,
		    (i * 37) % 120);
	}
	len += (size_t)snprintf(s + len, cap - len, "],\"counters\":[");
	for (i = 1; i <= n; i++) {
		const char *st = i % 5 == 0 ? "closed" : i == 7 ? "paused" : "open";
		int num = i % 5 == 0 || i == 7 ? 0 : 1000 + i * 211 % 8999;

		len += (size_t)snprintf(s + len, cap - len, "%s{\"number\":%d,\"name\":\"%s%d\","
		    "\"department\":\"D%d\",\"area\":\"A\",\"state\":\"%s\",\"ticket\":",
		    i > 1 ? "," : "", i, i == 3 ? "Quầy tiếp nhận hồ sơ đất đai số " : "Quầy ", i,
		    i % 3, st);
		if (num > 0)
			len += (size_t)snprintf(s + len, cap - len, "{\"id\":%d,\"number\":%d,"
			    "\"called_at\":%lld}}", i, num, (long long)WALL - 600 + i * 7);
		else
			len += (size_t)snprintf(s + len, cap - len, "null}");
	}
	snprintf(s + len, cap - len, "],\"waiting\":[]}");
	return s;
}

static void
make_model_q(struct dmodel *m, int n, int nq)
{
	char *json = make_state_q(n, nq), ev[256];
	struct dmodel_call call;

	dmodel_init(m);
	assert_int_equal(dmodel_apply_state(m, json, 1000), 0);
	free(json);
	/* Three fresh calls: counter 4, a recall at counter 6 (its ticket
	 * from the snapshot: listed once, with the "gọi lại" badge), and
	 * counter 2 (flashing at the chosen instant). */
	snprintf(ev, sizeof ev, "{\"id\":501,\"type\":\"called\",\"at\":%lld,\"ticket\":900,"
	    "\"number\":9876,\"queue\":\"Q1\",\"counter\":4}", (long long)WALL - 20);
	assert_int_equal(dmodel_apply_event(m, ev, WALL, 20000, &call), 1);
	snprintf(ev, sizeof ev, "{\"id\":502,\"type\":\"recalled\",\"at\":%lld,\"ticket\":6,"
	    "\"number\":2266,\"queue\":\"Q1\",\"counter\":6}", (long long)WALL - 10);
	assert_int_equal(dmodel_apply_event(m, ev, WALL, 25000, &call), 1);
	snprintf(ev, sizeof ev, "{\"id\":503,\"type\":\"called\",\"at\":%lld,\"ticket\":901,"
	    "\"number\":1023,\"queue\":\"Q0\",\"counter\":2}", (long long)WALL - 1);
	assert_int_equal(dmodel_apply_event(m, ev, WALL, 30000, &call), 1);
}

static void
make_model(struct dmodel *m, int n)
{
	make_model_q(m, n, 8);
}

static const char notice[] = "Công dân vui lòng chuẩn bị đầy đủ giấy tờ trước khi đến quầy. "
    "Thời gian làm việc: sáng 7 giờ 30 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ.";

struct pic {
	SDL_Surface *s;
	SDL_Renderer *r;
	draw *d;
};

static void
pic_open(struct pic *p, int w, int h)
{
	char err[256];

	p->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
	assert_non_null(p->s);
	p->r = SDL_CreateSoftwareRenderer(p->s);
	assert_non_null(p->r);
	p->d = draw_new(p->r, NULL, NULL, err, sizeof err);
	assert_non_null(p->d);
}

static void
pic_close(struct pic *p)
{
	draw_free(p->d);
	SDL_DestroyRenderer(p->r);
	SDL_FreeSurface(p->s);
}

static void
golden_q(const char *name, int w, int h, int ncounters, int nq, int64_t now_ms, int connected)
{
	struct dmodel m;
	struct board_opts o;
	struct pic p;
	char path[256];
	uint32_t *want, *got;
	int gw, gh;
	long bad;

	make_model_q(&m, ncounters, nq);
	board_opts_default(&o);
	o.notice = notice;
	pic_open(&p, w, h);
	board_render(p.d, &m, &o, w, h, now_ms, WALL, connected);
	snprintf(path, sizeof path, "%s/%s.png", GOLDEN_DIR, name);
	if (getenv("GOLDEN_UPDATE") != NULL) {
		assert_int_equal(draw_save_png(p.r, w, h, path), 0);
		fprintf(stderr, "wrote %s\n", path);
	}
	assert_int_equal(draw_load_png(path, &want, &gw, &gh), 0);
	assert_int_equal(gw, w);
	assert_int_equal(gh, h);
	got = malloc((size_t)w * (size_t)h * 4);
	assert_int_equal(SDL_RenderReadPixels(p.r, NULL, SDL_PIXELFORMAT_ARGB8888, got, w * 4), 0);
	bad = draw_diff(want, got, (long)w * h, 0);
	if (bad != 0) {
		snprintf(path, sizeof path, "%s/%s.actual.png", getenv("TMPDIR") ? getenv("TMPDIR") :
		    "/tmp", name);
		draw_save_png(p.r, w, h, path);
		fprintf(stderr, "%s: %ld pixels differ; actual picture in %s\n", name, bad, path);
	}
	assert_int_equal(bad, 0);
	free(want);
	free(got);
	pic_close(&p);
	dmodel_free(&m);
}

static void
golden(const char *name, int w, int h, int ncounters, int64_t now_ms, int connected)
{
	golden_q(name, w, h, ncounters, 8, now_ms, connected);
}

static void
test_golden_1080(void **state)
{
	(void)state;
	/* 30.2 s: the call of 30.0 s flashes (first phase). */
	golden("wall-1920x1080", 1920, 1080, 12, 30200, 1);
}

static void
test_golden_768(void **state)
{
	(void)state;
	/* Second flash phase, and the reconnecting mark. */
	golden("wall-1366x768", 1366, 768, 12, 30700, 0);
}

static void
test_golden_portrait(void **state)
{
	(void)state;
	golden("wall-1080x1920-portrait", 1080, 1920, 12, 60000, 1);
}

static void
test_golden_40(void **state)
{
	(void)state;
	golden("wall-1920x1080-40", 1920, 1080, 40, 30200, 1);
}

/* The demo centre's 24 queues: both pages of the waiting counts. */
static void
test_golden_24q(void **state)
{
	(void)state;
	golden_q("wall-1920x1080-24q-page1", 1920, 1080, 28, 24, 30200, 1);
	golden_q("wall-1920x1080-24q-page2", 1920, 1080, 28, 24, 35200, 1);
	golden_q("wall-1080x1920-24q-page2", 1080, 1920, 28, 24, 65200, 1);
}

/* The strings a board drew (through board_opts.on_text). */
struct texts {
	int n;
	char *s[4096];
	int bold[4096];
};

static void
texts_hook(void *arg, const char *text, int bold)
{
	struct texts *t = arg;
	int i;

	for (i = 0; i < t->n; i++)
		if (t->bold[i] == bold && strcmp(t->s[i], text) == 0)
			return;
	assert_true(t->n < 4096);
	t->s[t->n] = strdup(text);
	t->bold[t->n++] = bold;
}

static void
texts_free(struct texts *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	t->n = 0;
}

/* 1 when t drew a string equal to s. */
static int
texts_has(const struct texts *t, const char *s)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->s[i], s) == 0)
			return 1;
	return 0;
}

/*
 * No missing-glyph box: every code point of every string the board draws
 * (as draw.c draws it: NFC), and the "…" of shortened text, is in the font
 * it is drawn with (Noto Sans, else DejaVu Sans, regular and bold).  The
 * boards: each golden's input (a recall listed, the reconnecting mark, 40
 * counters, both pages of 24 queues) at each size, connected or not, with
 * a recall on top (the latest call's line changes).
 */
static void
test_glyphs(void **state)
{
	static const int sizes[][2] = { { 1920, 1080 }, { 1366, 768 }, { 1280, 720 },
		{ 1080, 1920 } };
	struct texts *t = calloc(1, sizeof *t);
	TTF_Font *font[2];
	size_t k;
	int b, i, checked = 0;

	(void)state;
	for (b = 0; b < 2; b++) {
		assert_non_null(draw_find_font(b));
		font[b] = TTF_OpenFont(draw_find_font(b), 24);
		assert_non_null(font[b]);
	}
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		static const int nc[3] = { 12, 40, 28 }, nq[3] = { 8, 8, 24 };
		int v;

		for (v = 0; v < 3; v++) {
			struct dmodel m;
			struct board_opts o;
			struct pic p;
			struct dmodel_call call;
			char ev[256];
			int64_t ms;

			make_model_q(&m, nc[v], nq[v]);
			board_opts_default(&o);
			o.notice = notice;
			o.on_text = texts_hook;
			o.on_text_arg = t;
			pic_open(&p, sizes[k][0], sizes[k][1]);
			for (ms = 30200; ms <= 50200; ms += 5000)
				board_render(p.d, &m, &o, sizes[k][0], sizes[k][1], ms, WALL,
				    ms != 35200);
			/* A recall as the latest call. */
			snprintf(ev, sizeof ev, "{\"id\":600,\"type\":\"recalled\",\"at\":%lld,"
			    "\"ticket\":900,\"number\":9876,\"queue\":\"Q1\",\"counter\":4}",
			    (long long)WALL);
			assert_int_equal(dmodel_apply_event(&m, ev, WALL, 51000, &call), 1);
			board_render(p.d, &m, &o, sizes[k][0], sizes[k][1], 51000, WALL, 1);
			pic_close(&p);
			dmodel_free(&m);
		}
	}
	texts_hook(t, "…", 0);
	texts_hook(t, "…", 1);
	for (i = 0; i < t->n; i++) {
		size_t len = 0;
		uint8_t *nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)t->s[i], strlen(t->s[i]),
		    NULL, &len);
		const uint8_t *q = nfc, *end;
		ucs4_t uc;

		assert_non_null(nfc);
		end = nfc + len;
		while (q < end) {
			int l = u8_mbtouc(&uc, q, (size_t)(end - q));

			if (!TTF_GlyphIsProvided32(font[t->bold[i]], uc))
				fprintf(stderr, "no glyph for U+%04X in \"%s\" (%s)\n", (unsigned)uc,
				    t->s[i], t->bold[i] ? "bold" : "regular");
			assert_true(TTF_GlyphIsProvided32(font[t->bold[i]], uc));
			q += l;
			checked++;
		}
		free(nfc);
	}
	fprintf(stderr, "%d strings, %d code points, every one in the font\n", t->n, checked);
	/* The strings of a recall and of the reconnecting mark were drawn. */
	assert_true(texts_has(t, "gọi lại"));
	assert_true(texts_has(t, "Xin nhắc lại: mời công dân có số"));
	assert_true(texts_has(t, "Đang kết nối lại…"));
	for (b = 0; b < 2; b++)
		TTF_CloseFont(font[b]);
	texts_free(t);
	free(t);
}

/*
 * The waiting counts of the demo centre's 24 queues (and of 1..40 queues)
 * at each supported size: every queue on exactly one page, pages shown in
 * turn so that each is on screen within a few seconds, every row inside
 * the screen, not overlapping another, at least 24 px (and 1/32 of the
 * short side) high with room for the name and the count; and the board
 * really draws each queue's name on its page.
 */
static void
test_waiting_layout(void **state)
{
	static const struct { int w, h, max_pages_24; } sizes[] = {
		{ 1920, 1080, 2 }, { 1366, 768, 2 }, { 1080, 1920, 2 }, { 1280, 720, 3 },
	};
	struct board_qbox box[DMODEL_MAX_QUEUES];
	size_t k;

	(void)state;
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		int w = sizes[k].w, h = sizes[k].h, nq;
		int min_rh = (w < h ? w : h) / 32 > 24 ? (w < h ? w : h) / 32 : 24;

		for (nq = 1; nq <= 40; nq++) {
			struct dmodel m;
			int seen[DMODEL_MAX_QUEUES] = { 0 }, pages, pg, i, j, n;

			make_model_q(&m, 28, nq);
			n = board_waiting_page(&m, w, h, 0, &pages, box, DMODEL_MAX_QUEUES);
			assert_true(pages >= 1 && n > 0);
			if (nq == 24) {
				printf("%dx%d, 24 queues: %d page(s) of %d, rows %d px, %d column(s)\n",
				    w, h, pages, n, box[0].box.h, box[n - 1].box.x > box[0].box.x ? 2 : 1);
				assert_true(pages <= sizes[k].max_pages_24);
			}
			/* Up to the demo centre's 24: every page once in <= 15 s. */
			if (nq <= 24)
				assert_true(pages * 5000 <= 15000);
			for (pg = 0; pg < pages; pg++) {
				n = board_waiting_page(&m, w, h, pg, &pages, box, DMODEL_MAX_QUEUES);
				assert_true(n > 0);
				for (i = 0; i < n; i++) {
					SDL_Rect b = box[i].box;

					assert_true(box[i].queue >= 0 && box[i].queue < nq);
					seen[box[i].queue]++;
					assert_true(b.x >= 0 && b.y >= 0 && b.x + b.w <= w && b.y + b.h <= h);
					assert_true(b.h >= min_rh);
					assert_true(box[i].name.w >= 5 * min_rh && box[i].count.w >= min_rh * 3 / 2);
					assert_true(box[i].name.x + box[i].name.w <= box[i].count.x);
					assert_true(box[i].count.x + box[i].count.w <= b.x + b.w);
					for (j = 0; j < i; j++)
						assert_false(SDL_HasIntersection(&b, &box[j].box));
				}
			}
			for (i = 0; i < nq; i++)
				assert_int_equal(seen[i], 1);
			/* The picture: each page draws its queues' names. */
			if (nq == 24) {
				struct texts *t = calloc(1, sizeof *t);
				struct board_opts o;
				struct pic p;

				board_opts_default(&o);
				o.on_text = texts_hook;
				o.on_text_arg = t;
				pic_open(&p, w, h);
				for (pg = 0; pg < pages; pg++) {
					assert_int_equal(board_page_at(&o, pages, 60000 + pg * o.page_ms),
					    (60000 / o.page_ms + pg) % pages);
					board_render(p.d, &m, &o, w, h, 60000 + pg * o.page_ms, WALL, 1);
				}
				for (i = 0; i < 24; i++)
					assert_true(texts_has(t, demo_queues[i]));
				pic_close(&p);
				texts_free(t);
				free(t);
			}
			dmodel_free(&m);
		}
	}
}

/* Fitted text is never wider than its box, whatever its length. */
static void
test_fit(void **state)
{
	struct pic p;
	int wdt;

	(void)state;
	pic_open(&p, 400, 100);
	wdt = draw_text(p.d, dept_names[4], (SDL_Rect){ 0, 0, 300, 60 }, 40, 1,
	    (SDL_Color){ 255, 255, 255, 255 }, DRAW_LEFT);
	assert_true(wdt > 100 && wdt <= 300);
	wdt = draw_text(p.d, "Hộ tịch", (SDL_Rect){ 0, 0, 300, 60 }, 40, 1,
	    (SDL_Color){ 255, 255, 255, 255 }, DRAW_LEFT);
	assert_int_equal(wdt, draw_text_width(p.d, "Hộ tịch", 40, 1));
	/* NFD input is drawn as its NFC form: same width. */
	assert_int_equal(draw_text(p.d, "Ho\xcc\x82\xcc\xa3 ti\xcc\xa3\x63h",
	    (SDL_Rect){ 0, 0, 300, 60 }, 40, 1, (SDL_Color){ 255, 255, 255, 255 }, DRAW_LEFT), wdt);
	assert_true(draw_text(p.d, "Quầy 5", (SDL_Rect){ 0, 0, 8, 60 }, 40, 0,
	    (SDL_Color){ 255, 255, 255, 255 }, DRAW_LEFT) <= 8);
	pic_close(&p);
}

/* Same input, same pixels; a different instant flashes differently. */
static void
test_deterministic(void **state)
{
	struct dmodel m;
	struct board_opts o;
	uint32_t *a[3];
	int i;

	(void)state;
	make_model(&m, 12);
	board_opts_default(&o);
	o.notice = notice;
	for (i = 0; i < 3; i++) {
		struct pic p;

		pic_open(&p, 640, 360);
		board_render(p.d, &m, &o, 640, 360, i < 2 ? 30200 : 30700, WALL, 1);
		a[i] = malloc(640 * 360 * 4);
		SDL_RenderReadPixels(p.r, NULL, SDL_PIXELFORMAT_ARGB8888, a[i], 640 * 4);
		pic_close(&p);
	}
	assert_int_equal(draw_diff(a[0], a[1], 640 * 360, 0), 0);
	assert_true(draw_diff(a[0], a[2], 640 * 360, 0) > 500);
	assert_true(board_animating(&m, &o, 30200));
	assert_false(board_animating(&m, &o, 60000));
	for (i = 0; i < 3; i++)
		free(a[i]);
	dmodel_free(&m);
}

/* The full picture of (m, now_ms, wall, connected) in immediate mode. */
static uint32_t *
full_picture(const struct dmodel *m, const struct board_opts *o, int w, int h, int64_t now_ms,
    time_t wall, int connected)
{
	struct pic p;
	uint32_t *px = malloc((size_t)w * (size_t)h * 4);

	pic_open(&p, w, h);
	board_render(p.d, m, o, w, h, now_ms, wall, connected);
	assert_int_equal(SDL_RenderReadPixels(p.r, NULL, SDL_PIXELFORMAT_ARGB8888, px, w * 4), 0);
	pic_close(&p);
	return px;
}

/* Area of the dirty boxes. */
static long
dirty_area(const SDL_Rect *r, int n)
{
	long a = 0;
	int i;

	for (i = 0; i < n; i++)
		a += (long)r[i].w * r[i].h;
	return a;
}

/*
 * Retained mode paints only what changed, and the picture after each
 * partial repaint is exactly the full picture of the same input: flash
 * phases, the notice scrolling, a new call, the flash ending, the
 * reconnecting mark, the minute turning.
 */
static void
test_retained_same_as_full(void **state)
{
	static const struct { int64_t now; int dt_wall, connected, call; } step[] = {
		{ 30200, 0, 1, 0 }, { 30216, 0, 1, 0 }, { 30216, 0, 1, 0 }, { 30700, 0, 1, 0 },
		{ 31210, 0, 1, 0 }, { 31300, 0, 1, 1 }, { 31900, 0, 0, 0 }, { 50000, 0, 0, 0 },
		{ 50016, 0, 1, 0 }, { 50032, 60, 1, 0 }, { 50032, 60, 1, 0 },
	};
	const int w = 1920, h = 1080;
	struct dmodel m;
	struct board_opts o;
	struct pic p;
	SDL_Rect dirty[8];
	uint32_t *got = malloc((size_t)w * h * 4), *want;
	size_t i;
	int n;

	(void)state;
	make_model(&m, 40);
	board_opts_default(&o);
	o.notice = notice;
	pic_open(&p, w, h);
	draw_set_retained(p.d, 1);
	for (i = 0; i < sizeof step / sizeof step[0]; i++) {
		if (step[i].call) {
			struct dmodel_call call;
			char ev[256];

			snprintf(ev, sizeof ev, "{\"id\":510,\"type\":\"called\",\"at\":%lld,"
			    "\"ticket\":902,\"number\":4321,\"queue\":\"Q2\",\"counter\":11}",
			    (long long)WALL);
			assert_int_equal(dmodel_apply_event(&m, ev, WALL, step[i].now, &call), 1);
		}
		board_render(p.d, &m, &o, w, h, step[i].now, WALL + step[i].dt_wall,
		    step[i].connected);
		n = draw_frame_end(p.d, w, h, dirty, 8);
		if (i == 0)
			assert_int_equal(dirty_area(dirty, n), (long)w * h);
		else if (i == 2 || i == 10)
			assert_int_equal(n, 0);    /* same input: nothing painted */
		else if (i == 8)
			/* Only the notice moved (and the mark went): a strip. */
			assert_true(n > 0 && dirty_area(dirty, n) < (long)w * h / 8);
		else
			assert_true(n > 0 && dirty_area(dirty, n) < (long)w * h);
		want = full_picture(&m, &o, w, h, step[i].now, WALL + step[i].dt_wall,
		    step[i].connected);
		assert_int_equal(SDL_RenderReadPixels(p.r, NULL, SDL_PIXELFORMAT_ARGB8888, got, w * 4),
		    0);
		if (draw_diff(want, got, (long)w * h, 0) != 0)
			fprintf(stderr, "step %zu: %ld pixels differ\n", i,
			    draw_diff(want, got, (long)w * h, 0));
		assert_int_equal(draw_diff(want, got, (long)w * h, 0), 0);
		free(want);
	}
	/* Invalidation repaints everything, still the same picture. */
	draw_invalidate(p.d);
	board_render(p.d, &m, &o, w, h, 50032, WALL + 60, 1);
	n = draw_frame_end(p.d, w, h, dirty, 8);
	assert_int_equal(dirty_area(dirty, n), (long)w * h);
	free(got);
	pic_close(&p);
	dmodel_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_1080),
		cmocka_unit_test(test_golden_768),
		cmocka_unit_test(test_golden_portrait),
		cmocka_unit_test(test_golden_40),
		cmocka_unit_test(test_golden_24q),
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test(test_waiting_layout),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_retained_same_as_full),
	};
	int rc;

	setenv("TZ", "UTC", 1);
	tzset();
	if (TTF_Init() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	TTF_Quit();
	SDL_Quit();
	return rc;
}
