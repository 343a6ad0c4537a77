/*
 * kscreen.c - the kiosk's screens (see kscreen.h): home (departments),
 * fields, procedures (paged), search with its on-screen keyboard, a
 * procedure's page, priority classes, the ticket and the error screen.
 */
#include "displays/kscreen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "displays/ktrans.h"
#include "displays/netclient.h"
#include "common/waittext.h"
#include "common/xmalloc.h"

static const SDL_Color K_BG = { 0xf4, 0xf6, 0xfa, 255 };
static const SDL_Color K_HEAD = { 0x0d, 0x47, 0xa1, 255 };
static const SDL_Color K_BTN = { 0xff, 0xff, 0xff, 255 };
static const SDL_Color K_EDGE = { 0xb0, 0xbe, 0xd4, 255 };
static const SDL_Color K_TEXT = { 0x1a, 0x23, 0x33, 255 };
static const SDL_Color K_DIM = { 0x55, 0x63, 0x77, 255 };
static const SDL_Color K_WHITE = { 0xff, 0xff, 0xff, 255 };
static const SDL_Color K_GO = { 0x2e, 0x7d, 0x32, 255 };
static const SDL_Color K_PRIO = { 0xc6, 0x28, 0x28, 255 };
static const SDL_Color K_NUM = { 0x0d, 0x47, 0xa1, 255 };
static const SDL_Color K_WARN_BG = { 0xff, 0xf3, 0xe0, 255 };

/* Vietnamese or English for the kiosk's own words. */
static const char *
L(const struct kiosk *k, const char *vi, const char *en)
{
	return k->english ? en : vi;
}

static const char *
jstr(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static int
jnum(const cJSON *o, const char *name, int dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valueint : dflt;
}

/* Department i of the list, or NULL. */
const cJSON *
kscreen_dept(struct kiosk *k, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(k->departments,
	    "departments"), i);
}

/* The procedures shown on the list screen: filtered by field (or all
 * search results). */
int
kscreen_proc_list(struct kiosk *k, const cJSON **out, int max)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(k->procs, "procedures"), *p;
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(kscreen_dept(k, k->dept), "fields");
	const cJSON *f = k->screen == S_SEARCH ? NULL : cJSON_GetArrayItem(fields, k->field);
	int n = 0;

	cJSON_ArrayForEach(p, arr) {
		if (f != NULL && cJSON_IsString(f) && strcmp(jstr(p, "field"), f->valuestring) != 0)
			continue;
		if (n < max)
			out[n] = p;
		n++;
	}
	return n;
}

/* ---- drawing ------------------------------------------------------------- */

static SDL_Rect
R(int x, int y, int w, int h)
{
	SDL_Rect r = { x, y, w, h };

	return r;
}

static void
ktext(struct kiosk *k, const char *s, SDL_Rect r, int px, int bold, SDL_Color c,
    enum draw_align a)
{
	if (k->ntexts < MAX_TEXTS)
		k->texts[k->ntexts++] = xstrdup(s);
	draw_text(k->d, s, r, px, bold, c, a);
}

/* Text on up to maxlines lines, centred. */
static void
ktext_lines_fit(struct kiosk *k, const char *s, SDL_Rect r, int px, int bold, SDL_Color c,
    int maxlines, struct draw_fitted *out)
{
	if (k->ntexts < MAX_TEXTS)
		k->texts[k->ntexts++] = xstrdup(s);
	draw_text_lines(k->d, s, r, px, bold, c, DRAW_CENTRE, maxlines, out);
}

static void
ktext_lines(struct kiosk *k, const char *s, SDL_Rect r, int px, int bold, SDL_Color c,
    int maxlines)
{
	ktext_lines_fit(k, s, r, px, bold, c, maxlines, NULL);
}

/*
 * A button: recorded now, drawn by kbutton_flush at the end of the frame,
 * when the text size of its kind is known (the smallest size at which
 * every label of that kind fits its button whole).  px is the size wanted.
 */
static void
kbutton(struct kiosk *k, SDL_Rect r, const char *label, enum action act, int arg,
    SDL_Color bg, SDL_Color fg, int px, enum kind kind)
{
	struct button *b;

	if (k->nbuttons == MAX_BUTTONS)
		return;
	b = &k->buttons[k->nbuttons++];
	memset(b, 0, sizeof *b);
	b->r = r;
	snprintf(b->label, sizeof b->label, "%s", label);
	b->act = act;
	b->arg = arg;
	b->px = px;
	b->bg = bg;
	b->fg = fg;
	b->kind = kind;
}

/* The box a button's text goes in: a margin that suits a one-letter key
 * as well as a wide button. */
static SDL_Rect
kbutton_text_box(SDL_Rect r)
{
	int mx = r.w / 10 < r.h / 5 ? r.w / 10 : r.h / 5, my = r.h / 12;

	if (mx < 3)
		mx = 3;
	return R(r.x + mx, r.y + my, r.w - 2 * mx, r.h - 2 * my);
}

/* Lines a kind's labels may take: keys one, big buttons of the grids and
 * lists three (where they are tall enough), the others two. */
static int
kind_lines(enum kind kind)
{
	return kind == K_KEY || kind == K_KEY_WIDE || kind == K_PAGER ? 1 :
	    kind == K_GRID || kind == K_LIST ? 3 : 2;
}

/* Draw the frame's buttons, one text size per kind. */
static void
kbutton_flush(struct kiosk *k)
{
	int size[K_KINDS], i;

	for (i = 0; i < K_KINDS; i++)
		size[i] = 0;
	for (i = 0; i < k->nbuttons; i++) {
		struct button *b = &k->buttons[i];
		SDL_Rect t = kbutton_text_box(b->r);
		int s = draw_fit_lines(k->d, b->label, t.w, t.h, b->px, 1, kind_lines(b->kind));

		if (size[b->kind] == 0 || s < size[b->kind])
			size[b->kind] = s;
	}
	for (i = 0; i < k->nbuttons; i++) {
		struct button *b = &k->buttons[i];

		b->px = size[b->kind];
		draw_fill(k->d, b->r, b->bg);
		draw_frame(k->d, b->r, 2, K_EDGE);
		draw_text_lines(k->d, b->label, kbutton_text_box(b->r), b->px, 1, b->fg, DRAW_CENTRE,
		    kind_lines(b->kind), &b->fit);
		if (k->ntexts < MAX_TEXTS)
			k->texts[k->ntexts++] = xstrdup(b->label);
	}
}

/* Name of priority class i, in English when the kiosk knows it. */
static const char *
prio_name(const struct kiosk *k, int i)
{
	const char *en = k->english ? ktrans_priority(k->prio_code[i]) : NULL;

	return en != NULL ? en : k->prio_name[i];
}

/* Header with the title and, below the content, the navigation row. */
static void
kiosk_chrome(struct kiosk *k, const char *title, int back)
{
	int hh = k->h / 10, u = k->h / 40, fy = k->h - hh;

	draw_fill(k->d, R(0, 0, k->w, hh), K_HEAD);
	if (k->ntexts < MAX_TEXTS)
		k->texts[k->ntexts++] = xstrdup(title);
	draw_text_lines(k->d, title, R(u * 2, hh / 12, k->w - u * 4, hh - hh / 6), hh * 40 / 100, 1,
	    K_WHITE, DRAW_LEFT, 2, &k->title_fit);
	/* The catalogue has no English: say so where its names are shown. */
	if (k->english && k->screen != S_PRIORITY && k->screen != S_TICKET &&
	    k->screen != S_ERROR)
		ktext(k, "Names and documents are in Vietnamese only.",
		    R(u, hh, k->w - 2 * u, u), u * 65 / 100, 0, K_DIM, DRAW_CENTRE);
	if (back) {
		kbutton(k, R(u, fy + u / 2, k->w / 4, hh - u), L(k, "Quay lại", "Back"), A_BACK, 0,
		    K_BTN, K_TEXT, hh * 35 / 100, K_NAV);
		kbutton(k, R(k->w - k->w / 4 - u, fy + u / 2, k->w / 4, hh - u),
		    L(k, "Trang đầu", "Home"), A_HOME, 0, K_BTN, K_TEXT, hh * 35 / 100, K_NAV);
	}
}

/* A grid of n buttons from labels in the box. */
static void
kiosk_grid(struct kiosk *k, SDL_Rect box, int n, int cols, const char *(*label)(struct kiosk *,
    int), enum action act)
{
	int rows = (n + cols - 1) / cols, i, gap = k->h / 60;

	if (rows < 3)
		rows = 3;
	for (i = 0; i < n; i++) {
		int cw = box.w / cols, ch = box.h / rows;

		kbutton(k, R(box.x + (i % cols) * cw + gap / 2, box.y + (i / cols) * ch + gap / 2,
		    cw - gap, ch - gap), label(k, i), act, i, K_BTN, K_TEXT,
		    ch * 30 / 100 < k->h / 28 ? ch * 30 / 100 : k->h / 28, K_GRID);
	}
}

static const char *
dept_label(struct kiosk *k, int i)
{
	return jstr(kscreen_dept(k, i), "name");
}

static const char *
field_label(struct kiosk *k, int i)
{
	const cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(kscreen_dept(k,
	    k->dept), "fields"), i);

	return cJSON_IsString(f) ? f->valuestring : "";
}

static void
kiosk_draw_home(struct kiosk *k)
{
	int hh = k->h / 10, u = k->h / 40, n, avail, sw, pw, lw;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(k->departments, "departments");
	char pr[160];

	kiosk_chrome(k, k->title ? k->title : L(k, "Lấy số thứ tự – Chọn lĩnh vực cần giải quyết",
	    "Take a number – choose a department"), 0);
	n = cJSON_GetArraySize(arr);
	kiosk_grid(k, R(u, hh + u, k->w - 2 * u, k->h - 3 * hh - 2 * u), n, k->w > k->h ? 3 : 2,
	    dept_label, A_DEPT);
	/* Bottom row: search, priority (the longest label: "Ưu tiên: Người có
	 * công với cách mạng"), language; one text size for the three. */
	avail = k->w - 4 * u;
	sw = avail * 28 / 100;
	pw = avail * 50 / 100;
	lw = avail - sw - pw;
	/* A booked visitor types (or scans) the booking code. */
	kbutton(k, R(u, k->h - 2 * hh + u / 2, k->w - 2 * u, hh - u), L(k,
	    "Có lịch hẹn – nhập mã lịch hẹn", "I have an appointment – enter my code"), A_APPT,
	    0, K_NUM, K_WHITE, hh * 35 / 100, K_ACTION);
	kbutton(k, R(u, k->h - hh + u / 2, sw, hh - u), L(k, "Tìm thủ tục", "Search"),
	    A_SEARCH, 0, K_GO, K_WHITE, hh * 35 / 100, K_NAV);
	if (k->allow_priority && k->nprio > 0) {
		snprintf(pr, sizeof pr, "%s%s%s", L(k, "Ưu tiên", "Priority"), k->prio ? ": " : "",
		    k->prio ? prio_name(k, k->prio - 1) : "");
		kbutton(k, R(2 * u + sw, k->h - hh + u / 2, pw, hh - u), pr, A_PRIORITY, 0,
		    k->prio ? K_PRIO : K_BTN, k->prio ? K_WHITE : K_PRIO, hh * 35 / 100, K_NAV);
	}
	kbutton(k, R(k->w - u - lw, k->h - hh + u / 2, lw, hh - u),
	    k->english ? "Tiếng Việt" : "English", A_LANG, 0, K_BTN, K_DIM, hh * 35 / 100, K_NAV);
}

static void
kiosk_draw_fields(struct kiosk *k)
{
	int hh = k->h / 10, u = k->h / 40;
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(kscreen_dept(k, k->dept), "fields");

	kiosk_chrome(k, dept_label(k, k->dept), 1);
	kiosk_grid(k, R(u, hh + u, k->w - 2 * u, k->h - 2 * hh - 2 * u),
	    cJSON_GetArraySize(fields), 2, field_label, A_FIELD);
}

static void
kiosk_draw_list(struct kiosk *k, SDL_Rect box, int per_page)
{
	const cJSON *list[512];
	int n = kscreen_proc_list(k, list, 512), i, rh = box.h / per_page, gap = k->h / 80;
	int pages = (n + per_page - 1) / per_page;

	if (k->page >= pages)
		k->page = pages > 0 ? pages - 1 : 0;
	for (i = k->page * per_page; i < n && i < 512 && i < (k->page + 1) * per_page; i++) {
		int y = box.y + (i - k->page * per_page) * rh;

		kbutton(k, R(box.x, y + gap / 2, box.w, rh - gap), jstr(list[i], "name"), A_PROC, i,
		    K_BTN, K_TEXT, rh * 30 / 100 < k->h / 32 ? rh * 30 / 100 : k->h / 32, K_LIST);
	}
	if (n == 0 && k->screen == S_SEARCH && k->query[0] != '\0')
		ktext(k, L(k, "Không tìm thấy thủ tục phù hợp.", "No procedure found."), box,
		    k->h / 30, 0, K_DIM, DRAW_CENTRE);
	if (pages > 1) {
		int hh = k->h / 10, u = k->h / 40;
		char pg[32];

		snprintf(pg, sizeof pg, "%d / %d", k->page + 1, pages);
		kbutton(k, R(k->w / 2 - k->w / 8 - u, k->h - hh + u / 2, k->w / 8, hh - u), "‹",
		    A_PAGE, -1, K_BTN, K_TEXT, hh * 45 / 100, K_PAGER);
		kbutton(k, R(k->w / 2 + u, k->h - hh + u / 2, k->w / 8, hh - u), "›", A_PAGE, 1,
		    K_BTN, K_TEXT, hh * 45 / 100, K_PAGER);
		ktext(k, pg, R(k->w / 2 - k->w / 4, k->h - hh - hh / 2, k->w / 2, hh / 2), hh / 4, 0,
		    K_DIM, DRAW_CENTRE);
	}
}

static void
kiosk_draw_procs(struct kiosk *k)
{
	int hh = k->h / 10, u = k->h / 40;

	kiosk_chrome(k, field_label(k, k->field), 1);
	kiosk_draw_list(k, R(u, hh + u, k->w - 2 * u, k->h - 2 * hh - hh / 2 - 2 * u), 7);
}

static const char *const kb_rows[4] = { "1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm" };

static void
kiosk_draw_search(struct kiosk *k)
{
	int hh = k->h / 10, u = k->h / 40, y = hh + u, kh = k->h / 13, r, i;
	char box[96], key[4];

	kiosk_chrome(k, L(k, "Tìm thủ tục (gõ có dấu hoặc không dấu)",
	    "Find a procedure (with or without accents)"), 1);
	snprintf(box, sizeof box, "%s_", k->query);
	draw_fill(k->d, R(u, y, k->w - 2 * u, hh * 8 / 10), K_BTN);
	draw_frame(k->d, R(u, y, k->w - 2 * u, hh * 8 / 10), 3, K_NUM);
	ktext(k, box, R(2 * u, y, k->w - 4 * u, hh * 8 / 10), hh * 45 / 100, 0, K_TEXT, DRAW_LEFT);
	y += hh;
	kiosk_draw_list(k, R(u, y, k->w - 2 * u, k->h - y - 5 * kh - hh - 2 * u), 3);
	y = k->h - hh - 5 * kh;
	/* How to type the marks (Telex, vnime.c). */
	ktext_lines(k, L(k, "Gõ dấu kiểu Telex: aa=â aw=ă dd=đ ee=ê oo=ô ow=ơ uw=ư, "
	    "s f r x j = sắc huyền hỏi ngã nặng, z bỏ dấu",
	    "Accents by Telex: aa=â aw=ă dd=đ ee=ê oo=ô ow=ơ uw=ư, "
	    "tones s f r x j, z removes"), R(u, y - 2 * u, k->w - 2 * u, 2 * u), u * 55 / 100, 0,
	    K_DIM, 2);
	for (r = 0; r < 4; r++) {
		int n = (int)strlen(kb_rows[r]), kw = (k->w - 2 * u) / 11;
		int x0 = (k->w - n * kw) / 2;

		for (i = 0; i < n; i++) {
			key[0] = kb_rows[r][i];
			key[1] = '\0';
			kbutton(k, R(x0 + i * kw + 2, y + r * kh + 2, kw - 4, kh - 4), key, A_KEY,
			    kb_rows[r][i], K_BTN, K_TEXT, kh * 45 / 100, K_KEY);
		}
	}
	kbutton(k, R(k->w / 4, y + 4 * kh + 2, k->w / 3, kh - 4), L(k, "Dấu cách", "Space"), A_KEY,
	    ' ', K_BTN, K_TEXT, kh * 35 / 100, K_KEY_WIDE);
	kbutton(k, R(k->w / 4 + k->w / 3 + u, y + 4 * kh + 2, k->w / 4, kh - 4), L(k, "Xoá", "Delete"),
	    A_KEY, '\b', K_BTN, K_TEXT, kh * 35 / 100, K_KEY_WIDE);
}

/* The keys of a booking code: digits 2-9 and the letters but I, L, O. */
static const char *const code_rows[4] = { "23456789", "ABCDEFGHJK", "MNPQRSTUVW", "XYZ" };

static void
kiosk_draw_code(struct kiosk *k)
{
	int hh = k->h / 10, u = k->h / 40, y = hh + u, kh = k->h / 12, r, i;
	char box[32], key[4];

	kiosk_chrome(k, L(k, "Có lịch hẹn – nhập mã lịch hẹn", "Appointment – enter your code"), 1);
	snprintf(box, sizeof box, "%s_", k->code);
	draw_fill(k->d, R(u, y, k->w - 2 * u, hh), K_BTN);
	draw_frame(k->d, R(u, y, k->w - 2 * u, hh), 3, K_NUM);
	ktext(k, box, R(2 * u, y, k->w - 4 * u, hh), hh * 60 / 100, 1, K_TEXT, DRAW_CENTRE);
	y += hh + u;
	ktext_lines(k, L(k, "Mã gồm 8 chữ và số trên giấy hẹn hoặc trang đặt lịch. "
	    "Có thể đưa mã QR vào máy quét.", "The 8 letters and digits of your booking. "
	    "You may also scan its QR code."), R(u, y, k->w - 2 * u, 2 * hh / 2), hh * 28 / 100,
	    0, K_DIM, 2);
	y = k->h - 2 * hh - 4 * kh;
	for (r = 0; r < 4; r++) {
		int n = (int)strlen(code_rows[r]), kw = (k->w - 2 * u) / 11;
		int x0 = (k->w - (r == 3 ? 6 : n) * kw) / 2;

		for (i = 0; i < n; i++) {
			key[0] = code_rows[r][i];
			key[1] = '\0';
			kbutton(k, R(x0 + i * kw + 2, y + r * kh + 2, kw - 4, kh - 4), key, A_CODE_KEY,
			    code_rows[r][i], K_BTN, K_TEXT, kh * 45 / 100, K_KEY);
		}
	}
	kbutton(k, R((k->w - 6 * ((k->w - 2 * u) / 11)) / 2 + 3 * ((k->w - 2 * u) / 11) + 2,
	    y + 3 * kh + 2, 3 * ((k->w - 2 * u) / 11) - 4, kh - 4), L(k, "Xoá", "Delete"),
	    A_CODE_KEY, '\b', K_BTN, K_TEXT, kh * 35 / 100, K_KEY_WIDE);
	kbutton(k, R(k->w / 4, k->h - 2 * hh + u, k->w / 2, hh * 85 / 100), L(k, "Xác nhận",
	    "Confirm"), A_CHECKIN, 0, K_GO, K_WHITE, hh * 38 / 100, K_ACTION);
}

static void
kiosk_draw_proc(struct kiosk *k)
{
	int hh = k->h / 10, u = k->h / 40, y = hh + u, lh = k->h / 22, i;
	char line[600], docs[2048];
	const char *p;

	kiosk_chrome(k, L(k, "Thông tin thủ tục", "About this procedure"), 1);
	y += draw_text_wrap(k->d, jstr(k->proc, "name"), R(2 * u, y, k->w - 4 * u, lh * 3),
	    lh * 8 / 10, 1, K_TEXT);
	if (k->ntexts < MAX_TEXTS)
		k->texts[k->ntexts++] = xstrdup(jstr(k->proc, "name"));
	y += u;
	if (k->english) {
		/* What the catalogue says in a known pattern, in English; the rest
		 * as it is, marked. */
		char en[300];
		int ok = ktrans_fee(jstr(k->proc, "fee"), en, sizeof en);

		snprintf(line, sizeof line, "Fee: %s%s", en, ok ? "" : " (Vietnamese only)");
	} else {
		snprintf(line, sizeof line, "Lệ phí: %s", jstr(k->proc, "fee"));
	}
	ktext(k, line, R(2 * u, y, k->w - 4 * u, lh), lh * 6 / 10, 0, K_TEXT, DRAW_LEFT);
	y += lh;
	if (k->english) {
		char en[300];
		int ok = ktrans_time(jstr(k->proc, "processing_time"), en, sizeof en);

		snprintf(line, sizeof line, "Processing time: %s%s", en,
		    ok ? "" : " (Vietnamese only)");
	} else {
		snprintf(line, sizeof line, "Thời hạn giải quyết: %s",
		    jstr(k->proc, "processing_time"));
	}
	ktext(k, line, R(2 * u, y, k->w - 4 * u, lh), lh * 6 / 10, 0, K_TEXT, DRAW_LEFT);
	y += lh + u / 2;
	ktext(k, L(k, "Giấy tờ cần mang theo:", "Documents to bring (in Vietnamese only):"),
	    R(2 * u, y, k->w - 4 * u, lh), lh * 6 / 10, 1, K_TEXT, DRAW_LEFT);
	y += lh;
	/* One bullet line per "; "-separated document. */
	snprintf(docs, sizeof docs, "%s", jstr(k->proc, "documents"));
	p = docs;
	for (i = 0; *p != '\0' && y + lh < k->h - 2 * hh - u; i++) {
		size_t n = strcspn(p, ";");

		snprintf(line, sizeof line, "• %.*s", (int)n, p);
		y += draw_text_wrap(k->d, line, R(3 * u, y, k->w - 5 * u, lh * 2), lh * 55 / 100, 0,
		    K_DIM);
		p += n;
		while (*p == ';' || *p == ' ')
			p++;
	}
	snprintf(line, sizeof line, "%s%s%s", L(k, "Lấy số thứ tự", "Take a number"),
	    k->prio ? " – " : "", k->prio ? prio_name(k, k->prio - 1) : "");
	kbutton(k, R(k->w / 4, k->h - 2 * hh, k->w / 2, hh * 85 / 100), line, A_TAKE, 0, K_GO,
	    K_WHITE, hh * 38 / 100, K_ACTION);
}

static const char *
prio_label(struct kiosk *k, int i)
{
	return i == 0 ? L(k, "Không ưu tiên", "No priority") : prio_name(k, i - 1);
}

static void
kiosk_draw_priority(struct kiosk *k)
{
	int hh = k->h / 10, u = k->h / 40;

	kiosk_chrome(k, L(k, "Đối tượng ưu tiên", "Priority visitors"), 1);
	kiosk_grid(k, R(u, hh + u, k->w - 2 * u, k->h - 2 * hh - 2 * u), k->nprio + 1, 1,
	    prio_label, A_PRIO_SET);
}

static void
kiosk_draw_ticket(struct kiosk *k)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(k->ticket, "ticket");
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(k->ticket, "printed");
	int hh = k->h / 10, u = k->h / 40, y = hh + u, lh = k->h / 20;
	char line[400];

	/* The daemon voids a ticket nothing was printed for (unless its job is
	 * kept to print later): then the number is no good, say so. */
	if (strcmp(jstr(t, "state"), "cancelled") == 0) {
		kiosk_chrome(k, L(k, "Chưa lấy được số", "No number was issued"), 0);
		draw_fill(k->d, R(2 * u, y + u, k->w - 4 * u, lh * 5), K_WARN_BG);
		snprintf(line, sizeof line, "%s%s%s", L(k, "Máy in không in được vé",
		    "The printer could not print your ticket"), jstr(k->ticket, "print_error")[0] ?
		    ": " : ".", jstr(k->ticket, "print_error"));
		ktext_lines(k, line, R(3 * u, y + u, k->w - 6 * u, lh * 2), lh * 6 / 10, 1, K_PRIO, 2);
		ktext_lines(k, L(k, "Số vừa cấp đã bị huỷ. Xin mời lấy số lại hoặc đến bàn hướng dẫn.",
		    "That number was cancelled. Please take a number again or go to the help desk."),
		    R(3 * u, y + u + lh * 2, k->w - 6 * u, lh * 3), lh * 55 / 100, 0, K_TEXT, 3);
		kbutton(k, R(k->w / 3, k->h - hh - u, k->w / 3, hh * 8 / 10), L(k, "Xong", "Done"),
		    A_HOME, 0, K_GO, K_WHITE, hh * 38 / 100, K_ACTION);
		return;
	}
	kiosk_chrome(k, L(k, "Số thứ tự của bạn", "Your number"), 0);
	snprintf(line, sizeof line, "%04d", jnum(t, "number", 0));
	ktext(k, line, R(0, y, k->w, k->h / 4), k->h / 5, 1, K_NUM, DRAW_CENTRE);
	y += k->h / 4;
	ktext_lines(k, jstr(t, "procedure_name")[0] ? jstr(t, "procedure_name") :
	    jstr(t, "queue_name"), R(2 * u, y, k->w - 4 * u, lh * 2), lh * 6 / 10, 1, K_TEXT, 2);
	y += lh * 2;
	if (k->counters[0] != '\0') {
		snprintf(line, sizeof line, "%s: %s", L(k, "Mời đến quầy", "Go to counter"),
		    k->counters);
		ktext_lines(k, line, R(2 * u, y, k->w - 4 * u, lh), lh * 6 / 10, 0, K_TEXT, 1);
		y += lh;
	}
	if (jnum(t, "est_low_s", 0) < jnum(t, "est_high_s", 0)) {
		/* a long wait: the range the daemon gave ("khoảng 40–55 phút") */
		char wait[64];

		waittext_format(wait, sizeof wait, 0, jnum(t, "est_low_s", 0),
		    jnum(t, "est_high_s", 0), k->english);
		snprintf(line, sizeof line, k->english ? "%d people ahead, %s" :
		    "Trước bạn còn %d người, chờ %s", jnum(t, "ahead", 0), wait);
	} else
		snprintf(line, sizeof line, k->english ? "%d people ahead, about %d minutes" :
		    "Trước bạn còn %d người, chờ khoảng %d phút", jnum(t, "ahead", 0),
		    jnum(t, "est_wait_min", 0));
	ktext_lines_fit(k, line, R(2 * u, y, k->w - 4 * u, lh * 2), lh * 6 / 10, 0, K_TEXT, 2,
	    &k->wait_fit);
	y += lh * 2 + u;
	if (cJSON_IsFalse(pr)) {
		const char *why = jstr(k->ticket, "print_error");
		int staff = k->on_print_fail != NULL && strcmp(k->on_print_fail, "staff") == 0;

		draw_fill(k->d, R(2 * u, y, k->w - 4 * u, lh * 4), K_WARN_BG);
		snprintf(line, sizeof line, "%s%s%s", L(k, "Máy in không in được vé",
		    "The printer could not print your ticket"), why[0] ? ": " : ".", why);
		ktext_lines(k, line, R(3 * u, y, k->w - 6 * u, lh * 3 / 2), lh * 55 / 100, 1, K_PRIO,
		    2);
		ktext_lines(k, staff ? L(k, "Xin mời đến bàn hướng dẫn, cán bộ sẽ hỗ trợ bạn.",
		    "Please go to the help desk; staff will assist you.") :
		    L(k, "Xin ghi nhớ hoặc chụp lại số trên màn hình; số của bạn vẫn được gọi.",
		    "Please note or photograph the number on screen; it will be called."),
		    R(3 * u, y + lh * 3 / 2, k->w - 6 * u, lh * 5 / 2), lh * 55 / 100, 0, K_TEXT, 3);
	} else if (cJSON_IsTrue(pr)) {
		ktext_lines(k, L(k, "Xin mời nhận vé in bên dưới.",
		    "Please take your printed ticket below."), R(2 * u, y, k->w - 4 * u, lh),
		    lh * 55 / 100, 0, K_DIM, 1);
	}
	kbutton(k, R(k->w / 3, k->h - hh - u, k->w / 3, hh * 8 / 10), L(k, "Xong", "Done"), A_HOME,
	    0, K_GO, K_WHITE, hh * 38 / 100, K_ACTION);
}

static void
kiosk_draw_error(struct kiosk *k)
{
	int hh = k->h / 10, u = k->h / 40;

	kiosk_chrome(k, L(k, "Xin lỗi", "Sorry"), 0);
	draw_text_wrap(k->d, k->error, R(3 * u, k->h / 3, k->w - 6 * u, k->h / 4), k->h / 26, 0,
	    K_TEXT);
	if (k->ntexts < MAX_TEXTS)
		k->texts[k->ntexts++] = xstrdup(k->error);
	if (k->was_offline)
		ktext(k, k->offline ? L(k, "Đang kết nối lại…", "Reconnecting…") :
		    L(k, "Đã kết nối lại. Mời bạn thử lại.", "Connected again. Please try again."),
		    R(3 * u, k->h * 7 / 12, k->w - 6 * u, k->h / 16), k->h / 30, 1,
		    k->offline ? K_PRIO : K_GO, DRAW_LEFT);
	kbutton(k, R(k->w / 2 - k->w / 3 - u, k->h - 2 * hh, k->w / 3, hh * 8 / 10),
	    L(k, "Thử lại", "Try again"), A_RETRY, 0, K_GO, K_WHITE, hh * 38 / 100, K_ACTION);
	kbutton(k, R(k->w / 2 + u, k->h - 2 * hh, k->w / 3, hh * 8 / 10),
	    L(k, "Trang đầu", "Home"), A_HOME, 0, K_BTN, K_TEXT, hh * 38 / 100, K_ACTION);
}

void
kscreen_render(struct kiosk *k)
{
	SDL_Renderer *r = draw_renderer(k->d);
	int i;

	for (i = 0; i < k->ntexts; i++)
		free(k->texts[i]);
	k->ntexts = 0;
	k->nbuttons = 0;
	draw_frame_begin(k->d);
	SDL_SetRenderDrawColor(r, K_BG.r, K_BG.g, K_BG.b, 255);
	SDL_RenderClear(r);
	switch (k->screen) {
	case S_HOME: kiosk_draw_home(k); break;
	case S_FIELDS: kiosk_draw_fields(k); break;
	case S_PROCS: kiosk_draw_procs(k); break;
	case S_SEARCH: kiosk_draw_search(k); break;
	case S_PROC: kiosk_draw_proc(k); break;
	case S_PRIORITY: kiosk_draw_priority(k); break;
	case S_TICKET: kiosk_draw_ticket(k); break;
	case S_ERROR: kiosk_draw_error(k); break;
	case S_CODE: kiosk_draw_code(k); break;
	}
	kbutton_flush(k);
	/* A request taking its time, or the daemon away: say so, in the header. */
	if (k->offline && k->screen != S_ERROR) {
		int hh = k->h / 10;

		draw_fill(k->d, R(0, hh - hh / 4, k->w, hh / 4), K_WARN_BG);
		ktext(k, L(k, "Đang kết nối lại…", "Reconnecting…"), R(0, hh - hh / 4, k->w, hh / 4),
		    hh / 6, 1, K_PRIO, DRAW_CENTRE);
	} else if (k->want != T_NONE && netclient_now_ms() - k->busy_since > 300) {
		int hh = k->h / 10;

		draw_fill(k->d, R(0, hh - hh / 4, k->w, hh / 4), K_WARN_BG);
		ktext(k, L(k, "Đang tải…", "Loading…"), R(0, hh - hh / 4, k->w, hh / 4), hh / 6, 1,
		    K_TEXT, DRAW_CENTRE);
	}
}
