/*
 * test_kscreen.c - what a visitor sees on the kiosk's screens, checked in
 * pixels, at every supported size (1080x1920 portrait, the normal one;
 * 768x1024; 600x960; 1920x1080 landscape), in Vietnamese and English.
 *
 * - The search keyboard: every key's label is in the font, the key's box
 *   holds ink of the label's colour, and that ink is the label's glyph as
 *   rendered alone at the key's size (same extent, same pixels): a key
 *   drawn blank, shrunk, cut or as a missing-glyph box fails.
 * - Buttons: the text drawn is the whole label (no "…"), its ink stays
 *   inside the button, and every button of one kind on a screen has the
 *   same text size; the title is not cut either.
 *
 * Rendering: SDL's software renderer on a memory surface; the screens are
 * written to $B/test-logs/kscreen-*.png to look at.
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

#include "displays/draw.h"
#include "displays/kscreen.h"
#include "displays/vnime.h"
#include "common/vntext.h"

/* The demo centre's departments (config/demo/centre.ini), a few fields. */
static const char *const demo_depts[] = {
	"Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Xây dựng", "Sở Tài nguyên và Môi trường",
	"Sở Lao động - Thương binh và Xã hội", "Sở Giao thông vận tải", "Sở Y tế",
	"Công an tỉnh", "Sở Công Thương", "Sở Nông nghiệp và Phát triển nông thôn",
	"Sở Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch", "Sở Nội vụ",
	"Sở Thông tin và Truyền thông", "Bảo hiểm xã hội tỉnh",
};

static const int sizes[][2] = { { 1080, 1920 }, { 768, 1024 }, { 600, 960 }, { 1920, 1080 } };

struct pic {
	SDL_Surface *s;
	SDL_Renderer *r;
	struct kiosk k;
};

static void
pic_open(struct pic *p, int w, int h, enum screen screen, int english)
{
	char err[256];
	cJSON *arr;
	size_t i;
	static const char *const prio[][2] = { { "elderly", "Người cao tuổi" },
		{ "disabled", "Người khuyết tật" }, { "pregnant", "Phụ nữ mang thai" },
		{ "veteran", "Người có công với cách mạng" } };

	memset(p, 0, sizeof *p);
	p->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
	assert_non_null(p->s);
	p->r = SDL_CreateSoftwareRenderer(p->s);
	assert_non_null(p->r);
	p->k.d = draw_new(p->r, NULL, NULL, err, sizeof err);
	assert_non_null(p->k.d);
	p->k.w = w;
	p->k.h = h;
	p->k.screen = screen;
	p->k.english = english;
	p->k.allow_priority = 1;
	p->k.nprio = 4;
	for (i = 0; i < 4; i++) {
		snprintf(p->k.prio_code[i], sizeof p->k.prio_code[i], "%s", prio[i][0]);
		snprintf(p->k.prio_name[i], sizeof p->k.prio_name[i], "%s", prio[i][1]);
	}
	p->k.departments = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(p->k.departments, "departments");
	for (i = 0; i < sizeof demo_depts / sizeof demo_depts[0]; i++) {
		cJSON *d = cJSON_CreateObject(), *f;

		cJSON_AddStringToObject(d, "code", "X");
		cJSON_AddStringToObject(d, "name", demo_depts[i]);
		f = cJSON_AddArrayToObject(d, "fields");
		cJSON_AddItemToArray(f, cJSON_CreateString("Hộ tịch, quốc tịch"));
		cJSON_AddItemToArray(f, cJSON_CreateString(
		    "Môi trường, tài nguyên nước, khoáng sản"));
		cJSON_AddItemToArray(f, cJSON_CreateString("Lý lịch tư pháp"));
		cJSON_AddItemToArray(arr, d);
	}
}

static void
pic_close(struct pic *p)
{
	int i;

	for (i = 0; i < p->k.ntexts; i++)
		free(p->k.texts[i]);
	cJSON_Delete(p->k.departments);
	cJSON_Delete(p->k.procs);
	draw_free(p->k.d);
	SDL_DestroyRenderer(p->r);
	SDL_FreeSurface(p->s);
}

/* Draw the screen (as the kiosk does every frame) and save it to look at. */
static void
pic_render(struct pic *p, const char *name)
{
	char path[512];
	const char *b = getenv("B") ? getenv("B") : "build";
	int i;

	for (i = 0; i < p->k.ntexts; i++)
		free(p->k.texts[i]);
	p->k.ntexts = 0;
	kscreen_render(&p->k);
	snprintf(path, sizeof path, "%s/test-logs/kscreen-%s-%dx%d%s.png", b, name, p->k.w,
	    p->k.h, p->k.english ? "-en" : "");
	draw_save_png(p->r, p->k.w, p->k.h, path);
}

static uint32_t
px_at(const SDL_Surface *s, int x, int y)
{
	return ((const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch))[x];
}

static int
far_from(uint32_t p, SDL_Color c, int tol)
{
	int r = (int)((p >> 16) & 0xff) - c.r, g = (int)((p >> 8) & 0xff) - c.g,
	    b = (int)(p & 0xff) - c.b;

	return r > tol || r < -tol || g > tol || g < -tol || b > tol || b < -tol;
}

/* Bounding box of the pixels in r that are not bg (ink); w = 0 when none.
 * *near_fg: how many are within 40 of fg on every channel. */
static SDL_Rect
ink_box(const SDL_Surface *s, SDL_Rect r, SDL_Color bg, SDL_Color fg, long *near_fg)
{
	int x, y, x0 = r.x + r.w, y0 = r.y + r.h, x1 = -1, y1 = -1;

	*near_fg = 0;
	for (y = r.y; y < r.y + r.h; y++)
		for (x = r.x; x < r.x + r.w; x++) {
			uint32_t p = px_at(s, x, y);

			if (!far_from(p, bg, 48))
				continue;
			if (!far_from(p, fg, 40))
				(*near_fg)++;
			if (x < x0) x0 = x;
			if (y < y0) y0 = y;
			if (x > x1) x1 = x;
			if (y > y1) y1 = y;
		}
	if (x1 < 0)
		return (SDL_Rect){ 0, 0, 0, 0 };
	return (SDL_Rect){ x0, y0, x1 - x0 + 1, y1 - y0 + 1 };
}

/* The inside of a button (within its 2-pixel frame). */
static SDL_Rect
inside(SDL_Rect r)
{
	return (SDL_Rect){ r.x + 3, r.y + 3, r.w - 6, r.h - 6 };
}

/*
 * The key's label against the same text rendered alone (SDL_ttf at the
 * key's size, blended on the key's colour): the ink boxes must have the
 * same size and their pixels agree.  Prints why when they do not.
 */
static int
key_matches_glyph(struct pic *p, const struct button *b)
{
	TTF_Font *f = TTF_OpenFont(draw_find_font(1), b->px);
	SDL_Surface *g, *ref;
	SDL_Rect kin, rin, all;
	long nk, nr, bad = 0;
	int x, y, ok = 1;

	assert_non_null(f);
	g = TTF_RenderUTF8_Blended(f, b->label, b->fg);
	assert_non_null(g);
	ref = SDL_CreateRGBSurfaceWithFormat(0, g->w + 8, g->h + 8, 32, SDL_PIXELFORMAT_ARGB8888);
	SDL_FillRect(ref, NULL, SDL_MapRGB(ref->format, b->bg.r, b->bg.g, b->bg.b));
	SDL_SetSurfaceBlendMode(g, SDL_BLENDMODE_BLEND);
	SDL_BlitSurface(g, NULL, ref, &(SDL_Rect){ 4, 4, g->w, g->h });
	all = (SDL_Rect){ 0, 0, ref->w, ref->h };
	rin = ink_box(ref, all, b->bg, b->fg, &nr);
	kin = ink_box(p->s, inside(b->r), b->bg, b->fg, &nk);
	if (kin.w == 0 || nk == 0) {
		fprintf(stderr, "%dx%d: key \"%s\": no ink of the label's colour\n", p->k.w, p->k.h,
		    b->label);
		ok = 0;
	} else if (abs(kin.w - rin.w) > 1 || abs(kin.h - rin.h) > 1) {
		fprintf(stderr, "%dx%d: key \"%s\": ink %dx%d, the glyph alone %dx%d at %d px\n",
		    p->k.w, p->k.h, b->label, kin.w, kin.h, rin.w, rin.h, b->px);
		ok = 0;
	} else {
		for (y = 0; y < rin.h && y < kin.h; y++)
			for (x = 0; x < rin.w && x < kin.w; x++) {
				uint32_t a = px_at(p->s, kin.x + x, kin.y + y), c = px_at(ref, rin.x + x,
				    rin.y + y);
				SDL_Color cc = { (Uint8)(c >> 16), (Uint8)(c >> 8), (Uint8)c, 255 };

				bad += far_from(a, cc, 24);
			}
		if (bad * 50 > (long)rin.w * rin.h) {
			fprintf(stderr, "%dx%d: key \"%s\": %ld of %d pixels differ from the glyph\n",
			    p->k.w, p->k.h, b->label, bad, rin.w * rin.h);
			ok = 0;
		}
	}
	SDL_FreeSurface(ref);
	SDL_FreeSurface(g);
	TTF_CloseFont(f);
	return ok;
}

static void
test_keyboard(void **state)
{
	size_t i;
	int lang, failed = 0;

	(void)state;
	for (lang = 0; lang < 2; lang++)
		for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			struct pic p;
			int j, keys = 0;

			pic_open(&p, sizes[i][0], sizes[i][1], S_SEARCH, lang);
			pic_render(&p, "search");
			for (j = 0; j < p.k.nbuttons; j++) {
				const struct button *b = &p.k.buttons[j];

				if (b->act != A_KEY)
					continue;
				keys++;
				if (!draw_has_glyphs(p.k.d, b->label, 1)) {
					fprintf(stderr, "%dx%d: key \"%s\": not in the font\n", p.k.w,
					    p.k.h, b->label);
					failed++;
				} else if (!key_matches_glyph(&p, b)) {
					failed++;
				}
			}
			/* 10 digits, 26 letters, space, delete. */
			assert_true(keys >= 38);
			pic_close(&p);
		}
	assert_int_equal(failed, 0);
}

/* The words of s, one space between them (for comparing line breaks). */
static void
words(const char *s, char *out, size_t outlen)
{
	size_t n = 0;
	int sp = 0;

	for (; *s != '\0' && n + 1 < outlen; s++) {
		if (*s == ' ' || *s == '\n') {
			sp = n > 0;
			continue;
		}
		if (sp && n + 2 < outlen)
			out[n++] = ' ';
		sp = 0;
		out[n++] = *s;
	}
	out[n] = '\0';
}

/*
 * Every button of the screen: its whole label drawn (the lines drawn are
 * the label's words, nothing cut), the ink inside the button and about as
 * wide as the lines measured (less the side bearings), and one size for all buttons of one kind; the title
 * whole.  Returns the number of faults (printed).
 */
static int
check_buttons(struct pic *p, const char *screen)
{
	int size[K_KINDS] = { 0 }, i, j, bad = 0;

	if (p->k.title_fit.cut) {
		fprintf(stderr, "%dx%d %s: title cut\n", p->k.w, p->k.h, screen);
		bad++;
	}
	for (i = 0; i < p->k.nbuttons; i++) {
		const struct button *b = &p->k.buttons[i];
		char want[512], got[512], *nfc = vntext_nfc(b->label);
		size_t n = 0;
		SDL_Rect ink;
		long nfg;

		words(nfc, want, sizeof want);
		free(nfc);
		got[0] = '\0';
		for (j = 0; j < b->fit.nlines; j++)
			n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", j ? " " : "",
			    b->fit.line[j]);
		words(got, got, sizeof got);
		ink = ink_box(p->s, inside(b->r), b->bg, b->fg, &nfg);
		if (b->fit.cut || strcmp(want, got) != 0) {
			fprintf(stderr, "%dx%d %s: \"%s\" drawn as \"%s\"\n", p->k.w, p->k.h, screen,
			    b->label, got);
			bad++;
		} else if (b->fit.px != b->px) {
			fprintf(stderr, "%dx%d %s: \"%s\" at %d px, its kind at %d\n", p->k.w, p->k.h,
			    screen, b->label, b->fit.px, b->px);
			bad++;
		} else if (ink.w == 0 || nfg == 0 || ink.w > b->fit.w + 2 ||
		    (vntext_length(want) > 3 && ink.w < b->fit.w * 85 / 100) ||
		    ink.x <= b->r.x + 3 || ink.x + ink.w >= b->r.x + b->r.w - 3 ||
		    ink.y <= b->r.y + 3 || ink.y + ink.h >= b->r.y + b->r.h - 3) {
			fprintf(stderr, "%dx%d %s: \"%s\": ink %d,%d %dx%d in button %d,%d %dx%d "
			    "(lines %d wide)\n", p->k.w, p->k.h, screen, b->label, ink.x, ink.y, ink.w,
			    ink.h, b->r.x, b->r.y, b->r.w, b->r.h, b->fit.w);
			bad++;
		}
		if (size[b->kind] == 0)
			size[b->kind] = b->px;
		else if (size[b->kind] != b->px) {
			fprintf(stderr, "%dx%d %s: \"%s\" at %d px, others of its kind at %d\n",
			    p->k.w, p->k.h, screen, b->label, b->px, size[b->kind]);
			bad++;
		}
		/* Not shrunk to a size hard to read (1/64 of the screen's height). */
		if (b->px < p->k.h / 64) {
			fprintf(stderr, "%dx%d %s: \"%s\" only %d px\n", p->k.w, p->k.h, screen,
			    b->label, b->px);
			bad++;
		}
	}
	return bad;
}

static void
test_buttons(void **state)
{
	static const enum screen screens[] = { S_HOME, S_FIELDS, S_PRIORITY, S_SEARCH, S_PROC,
		S_ERROR, S_TICKET, S_CODE };
	static const char *const names[] = { "home", "fields", "priority", "search",
		"procedure", "error", "ticket", "code" };
	size_t i, s;
	int lang, bad = 0, prio;

	(void)state;
	for (lang = 0; lang < 2; lang++)
		for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
			for (s = 0; s < sizeof screens / sizeof screens[0]; s++)
				for (prio = 0; prio <= (screens[s] == S_HOME ? 4 : 0); prio++) {
					struct pic p;

					pic_open(&p, sizes[i][0], sizes[i][1], screens[s], lang);
					p.k.prio = prio;
					p.k.dept = 4;   /* Sở Lao động - Thương binh và Xã hội */
					p.k.proc = cJSON_CreateObject();
					cJSON_AddStringToObject(p.k.proc, "name", "Đăng ký khai sinh");
					cJSON_AddStringToObject(p.k.proc, "fee", "Miễn phí");
					cJSON_AddStringToObject(p.k.proc, "processing_time",
					    "Trong ngày làm việc");
					cJSON_AddStringToObject(p.k.proc, "documents",
					    "Tờ khai theo mẫu; Giấy chứng sinh");
					snprintf(p.k.error, sizeof p.k.error, "Có lỗi xảy ra");
					p.k.ticket = cJSON_Parse("{\"ticket\":{\"number\":1023,"
					    "\"procedure_name\":\"Cấp phép thi công nút giao đấu nối vào "
					    "đường bộ đang khai thác\",\"ahead\":4,\"est_wait_min\":12},"
					    "\"printed\":false,\"print_error\":\"hết giấy\"}");
					snprintf(p.k.counters, sizeof p.k.counters, "3, 4, 12");
					snprintf(p.k.code, sizeof p.k.code, "K7M2QX9A");
					if (screens[s] == S_SEARCH) {
						/* Typed by Telex; two results with long names. */
						assert_int_equal(vnime_type(p.k.query, sizeof p.k.query,
						    "dduwowngf booj"), 0);
						assert_string_equal(p.k.query, "đường bộ");
						p.k.procs = cJSON_Parse("{\"procedures\":[{\"name\":"
						    "\"Cấp giấy phép lái xe quốc tế (IDP) và đổi giấy phép lái xe "
						    "do ngành Giao thông vận tải cấp\"},{\"name\":\"Cấp phép "
						    "thi công nút giao đấu nối vào đường bộ\"}]}");
						assert_non_null(p.k.procs);
					}
					pic_render(&p, prio ? "home-prio" : names[s]);
					bad += check_buttons(&p, names[s]);
					cJSON_Delete(p.k.proc);
					cJSON_Delete(p.k.ticket);
					pic_close(&p);
				}
	assert_int_equal(bad, 0);
}

/* A ticket the daemon voided (nothing printed): no number to note. */
static void
test_ticket_voided(void **state)
{
	struct pic p;

	(void)state;
	pic_open(&p, 1080, 1920, S_TICKET, 0);
	p.k.ticket = cJSON_Parse("{\"ticket\":{\"number\":1200,\"state\":\"cancelled\","
	    "\"procedure_name\":\"Đăng ký khai sinh\"},\"printed\":false,"
	    "\"print_error\":\"hết giấy\"}");
	pic_render(&p, "ticket-voided");
	assert_int_equal(check_buttons(&p, "ticket-voided"), 0);
	{
		int i, said = 0, number = 0, called = 0;

		for (i = 0; i < p.k.ntexts; i++) {
			said += strstr(p.k.texts[i], "đã bị huỷ") != NULL;
			number += strstr(p.k.texts[i], "1200") != NULL;
			called += strstr(p.k.texts[i], "vẫn được gọi") != NULL;
		}
		assert_int_equal(said, 1);
		assert_int_equal(number, 0);
		assert_int_equal(called, 0);
	}
	cJSON_Delete(p.k.ticket);
	pic_close(&p);
}

/*
 * A long wait on the ticket screen: the range the daemon answered
 * (est_low_s < est_high_s), whole on the screen at every size, in both
 * languages; a short one keeps its figure.
 */
static void
test_ticket_range(void **state)
{
	static const char *const want[2][2] = {
		{ "Trước bạn còn 41 người, chờ khoảng 40–55 phút",
		  "41 people ahead, about 40–55 min" },
		{ "Trước bạn còn 2 người, chờ khoảng 4 phút",
		  "2 people ahead, about 4 minutes" },
	};
	static const char *const json[2] = {
		"{\"ticket\":{\"number\":3108,\"procedure_name\":\"Đăng ký kết hôn\","
		    "\"ahead\":41,\"est_wait_min\":48,\"est_low_s\":2400,"
		    "\"est_high_s\":3300},\"printed\":true}",
		"{\"ticket\":{\"number\":3109,\"procedure_name\":\"Đăng ký kết hôn\","
		    "\"ahead\":2,\"est_wait_min\":4,\"est_low_s\":230,"
		    "\"est_high_s\":230},\"printed\":true}",
	};
	size_t i;
	int lang, w, j;

	(void)state;
	for (w = 0; w < 2; w++)
		for (lang = 0; lang < 2; lang++)
			for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
				struct pic p;
				char got[512];
				size_t n = 0;

				pic_open(&p, sizes[i][0], sizes[i][1], S_TICKET, lang);
				p.k.ticket = cJSON_Parse(json[w]);
				assert_non_null(p.k.ticket);
				pic_render(&p, w == 0 ? "ticket-range" : "ticket-short");
				/* The lines drawn are the whole sentence, not cut. */
				assert_false(p.k.wait_fit.cut);
				got[0] = '\0';
				for (j = 0; j < p.k.wait_fit.nlines; j++)
					n += (size_t)snprintf(got + n, sizeof got - n, "%s%s",
					    j ? " " : "", p.k.wait_fit.line[j]);
				assert_string_equal(got, want[w][lang]);
				assert_int_equal(check_buttons(&p, "ticket-range"), 0);
				cJSON_Delete(p.k.ticket);
				pic_close(&p);
			}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyboard),
		cmocka_unit_test(test_buttons),
		cmocka_unit_test(test_ticket_voided),
		cmocka_unit_test(test_ticket_range),
	};
	char dir[512];
	int rc;

	snprintf(dir, sizeof dir, "%s/test-logs", getenv("B") ? getenv("B") : "build");
	if (SDL_Init(0) != 0 || TTF_Init() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	TTF_Quit();
	SDL_Quit();
	(void)dir;
	return rc;
}
