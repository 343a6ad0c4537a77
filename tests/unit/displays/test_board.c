/*
 * test_board.c - the wall display's picture against golden PNGs at
 * 1920x1080, 1366x768 and portrait 1080x1920, with long Vietnamese names and
 * 4-digit numbers, a flashing call, and the "reconnecting" mark; plus
 * fitted text never wider than its box and identical pictures from
 * identical input.  GOLDEN_UPDATE=1 rewrites the golden files
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

/* A state JSON with n counters (every fifth closed, one paused). */
static char *
make_state(int n)
{
	size_t cap = 65536, len = 0;
	char *s = malloc(cap);
	int i;

	len += (size_t)snprintf(s + len, cap - len, "{\"day\":\"2025-11-28\","
	    "\"centre\":\"Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế – Bộ phận một cửa\","
	    "\"last_event_id\":500,\"queues\":[");
	for (i = 0; i < 8; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s{\"code\":\"Q%d\",\"name\":\"%s\","
		    "\"department\":\"D%d\",\"waiting\":%d}", i ? "," : "", i, dept_names[i], i % 3,
		    (i * 37) % 120);
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
make_model(struct dmodel *m, int n)
{
	char *json = make_state(n), ev[256];
	struct dmodel_call call;

	dmodel_init(m);
	assert_int_equal(dmodel_apply_state(m, json, 1000), 0);
	free(json);
	/* Two fresh calls: counter 2 (flashing at the chosen instant) and a
	 * recall at counter 4. */
	snprintf(ev, sizeof ev, "{\"id\":501,\"type\":\"called\",\"at\":%lld,\"ticket\":900,"
	    "\"number\":9876,\"queue\":\"Q1\",\"counter\":4}", (long long)WALL - 20);
	dmodel_apply_event(m, ev, WALL, 20000, &call);
	snprintf(ev, sizeof ev, "{\"id\":502,\"type\":\"called\",\"at\":%lld,\"ticket\":901,"
	    "\"number\":1023,\"queue\":\"Q0\",\"counter\":2}", (long long)WALL - 1);
	dmodel_apply_event(m, ev, WALL, 30000, &call);
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
golden(const char *name, int w, int h, int ncounters, int64_t now_ms, int connected)
{
	struct dmodel m;
	struct board_opts o;
	struct pic p;
	char path[256];
	uint32_t *want, *got;
	int gw, gh;
	long bad;

	make_model(&m, ncounters);
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

			snprintf(ev, sizeof ev, "{\"id\":503,\"type\":\"called\",\"at\":%lld,"
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
