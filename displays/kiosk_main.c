/*
 * kiosk_main.c - onestop-kiosk, the touch-screen ticket kiosk and lookup
 * terminal: departments -> fields -> procedures (or search with an
 * on-screen keyboard, with or without diacritics), a procedure's page (fee,
 * processing time, documents), then a ticket from onestopd for this kiosk
 * (the daemon prints it) with number, counters, people ahead and estimated
 * wait; a plain message when the printer cannot print.  Touch first, the
 * mouse works too.  Back to the start screen after an idle time.  Every
 * request is independent (libcurl, short timeouts) and runs on a worker
 * thread (kreq), so the screen never freezes: a slow request shows
 * "Đang tải…", an unreachable daemon the "try again" screen and
 * "Đang kết nối lại…" while the kiosk checks /healthz every second.
 *
 * Tests drive it with --script: synthetic SDL touch events on the buttons
 * named by their labels, checks on the text shown, screenshots.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <ini.h>

#include "common/strnum.h"
#include "displays/draw.h"
#include "displays/kreq.h"
#include "common/log.h"
#include "displays/netclient.h"
#include "common/xmalloc.h"

enum screen { S_HOME, S_FIELDS, S_PROCS, S_SEARCH, S_PROC, S_PRIORITY, S_TICKET, S_ERROR };
static const char *const screen_name[] = { "home", "fields", "procedures", "search",
	"procedure", "priority", "ticket", "error" };

enum action { A_NONE, A_DEPT, A_FIELD, A_PROC, A_BACK, A_HOME, A_SEARCH, A_KEY,
	A_PRIORITY, A_PRIO_SET, A_TAKE, A_PAGE, A_LANG, A_RETRY };

/* What an answer of the request worker is for. */
enum tag { T_NONE, T_DEPTS, T_PROCS, T_SEARCH, T_TICKET, T_TICKET_STATE, T_PING };

struct button {
	SDL_Rect r;
	char label[160];
	enum action act;
	int arg;
};

#define MAX_BUTTONS 128
#define MAX_TEXTS 256
#define MAX_PRIO 8

struct kiosk {
	/* options */
	char *url, *token, *kiosk_id, *on_print_fail, *title;
	int idle_s, ticket_idle_s, english, allow_priority;
	int nprio;
	char prio_code[MAX_PRIO][32], prio_name[MAX_PRIO][96];

	/* state */
	enum screen screen, back_to;
	cJSON *departments;         /* {"departments":[...]} */
	cJSON *procs;               /* current list */
	cJSON *proc;                /* the procedure shown (borrowed from procs) */
	cJSON *ticket;              /* the last answer of POST /tickets */
	char counters[128];         /* counters serving the ticket's department */
	int dept, field, page, prio;
	char query[64];
	char error[256];
	int64_t last_input_ms;
	int want;                   /* tag of the answer awaited, T_NONE = none */
	int64_t busy_since;         /* when the awaited request was sent */
	int search_again;           /* the query changed while a search ran */
	int offline, was_offline;   /* daemon unreachable (now / for this error) */
	int64_t next_ping;
	cJSON *new_ticket;          /* POST /tickets answer waiting for the counters */
	struct {                    /* a request held while the worker was busy */
		int tag;
		char method[8], path[512];
		char *body;
		long timeout_ms;
	} held;
	unsigned long frames;

	/* frame */
	struct button buttons[MAX_BUTTONS];
	int nbuttons;
	char *texts[MAX_TEXTS];
	int ntexts;
	int w, h;
	draw *d;
	kreq *req;
	FILE *trace;
};

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

static void ktrace(struct kiosk *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
ktrace(struct kiosk *k, const char *fmt, ...)
{
	va_list ap;

	if (k->trace == NULL)
		return;
	fprintf(k->trace, "%lld ", (long long)netclient_now_ms());
	va_start(ap, fmt);
	vfprintf(k->trace, fmt, ap);
	va_end(ap);
	fputc('\n', k->trace);
	fflush(k->trace);
}

/* Vietnamese or English for the kiosk's own words. */
static const char *
L(const struct kiosk *k, const char *vi, const char *en)
{
	return k->english ? en : vi;
}

/* ---- requests ------------------------------------------------------------ */

/* Send a request on the worker and await its answer (tagged); 0 or -1
 * when another is still running. */
static int
ksend(struct kiosk *k, enum tag tag, const char *method, const char *path, const char *body,
    long timeout_ms)
{
	if (kreq_submit(k->req, tag, method, path, body, timeout_ms) != 0) {
		/* Only a ping can be in the way: hold this one until it ends. */
		if (tag == T_PING || k->held.tag != T_NONE)
			return -1;
		k->held.tag = tag;
		snprintf(k->held.method, sizeof k->held.method, "%s", method);
		snprintf(k->held.path, sizeof k->held.path, "%s", path);
		k->held.body = body != NULL ? xstrdup(body) : NULL;
		k->held.timeout_ms = timeout_ms;
	} else {
		ktrace(k, "request %s %s", method, path);
	}
	if (tag != T_PING) {
		k->want = tag;
		k->busy_since = netclient_now_ms();
	}
	return 0;
}

/* Send the held request once the worker is free. */
static void
ksend_held(struct kiosk *k)
{
	if (k->held.tag == T_NONE || kreq_submit(k->req, k->held.tag, k->held.method,
	    k->held.path, k->held.body, k->held.timeout_ms) != 0)
		return;
	ktrace(k, "request %s %s", k->held.method, k->held.path);
	free(k->held.body);
	k->held.body = NULL;
	k->held.tag = T_NONE;
}

static void
kiosk_fail(struct kiosk *k, long status, const cJSON *ans)
{
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(ans, "message");

	k->was_offline = status < 0;
	if (status < 0) {
		snprintf(k->error, sizeof k->error, "%s", L(k,
		    "Hệ thống đang tạm gián đoạn. Xin vui lòng thử lại sau giây lát.",
		    "The system is briefly unavailable. Please try again in a moment."));
		if (!k->offline)
			ktrace(k, "offline");
		k->offline = 1;
		k->next_ping = netclient_now_ms() + 1000;
	}
	else if (cJSON_IsString(msg))
		snprintf(k->error, sizeof k->error, "%s", msg->valuestring);
	else
		snprintf(k->error, sizeof k->error, "%s (HTTP %ld)", L(k, "Có lỗi xảy ra",
		    "Something went wrong"), status);
	k->back_to = k->screen == S_ERROR ? S_HOME : k->screen;
	k->screen = S_ERROR;
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

/* Ask for the departments if the start screen has none (once at a time). */
static void
kiosk_want_departments(struct kiosk *k)
{
	if (k->departments == NULL && k->want == T_NONE && k->held.tag == T_NONE && !k->offline)
		ksend(k, T_DEPTS, "GET", "/api/v1/departments", NULL, 8000);
}

static const cJSON *
kiosk_dept(struct kiosk *k, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(k->departments,
	    "departments"), i);
}

/* URL-encode s into out. */
static void
kiosk_urlenc(const char *s, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *s != '\0' && n + 4 < outlen; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, outlen - n, "%%%02X", c);
	}
	out[n] = '\0';
}

static void
kiosk_set_procs(struct kiosk *k, cJSON *ans)
{
	cJSON_Delete(k->procs);
	k->procs = ans;
	k->page = 0;
}

/* Ask for the procedures of the department (all fields; the screen
 * filters); the answer opens the fields screen. */
static void
kiosk_load_procs(struct kiosk *k)
{
	char path[256], enc[64];

	kiosk_urlenc(jstr(kiosk_dept(k, k->dept), "code"), enc, sizeof enc);
	snprintf(path, sizeof path, "/api/v1/procedures?department=%s&limit=500", enc);
	ksend(k, T_PROCS, "GET", path, NULL, 8000);
}

/* Search for the query (again when the answer of an older query comes). */
static void
kiosk_search(struct kiosk *k)
{
	char path[256], enc[200];

	if (k->want == T_SEARCH) {
		k->search_again = 1;
		return;
	}
	k->search_again = 0;
	if (k->query[0] == '\0') {
		kiosk_set_procs(k, NULL);
		return;
	}
	kiosk_urlenc(k->query, enc, sizeof enc);
	snprintf(path, sizeof path, "/api/v1/procedures?q=%s&limit=6", enc);
	ksend(k, T_SEARCH, "GET", path, NULL, 8000);
}

/* The procedures shown on the list screen: filtered by field (or all
 * search results). */
static int
kiosk_proc_list(struct kiosk *k, const cJSON **out, int max)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(k->procs, "procedures"), *p;
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(kiosk_dept(k, k->dept), "fields");
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

/* Ask for a ticket of the procedure shown (the daemon prints it). */
static void
kiosk_take_ticket(struct kiosk *k)
{
	cJSON *req = cJSON_CreateObject();
	char *body;

	cJSON_AddStringToObject(req, "procedure", jstr(k->proc, "code"));
	if (k->prio > 0)
		cJSON_AddStringToObject(req, "priority", k->prio_code[k->prio - 1]);
	cJSON_AddStringToObject(req, "channel", "kiosk");
	if (k->kiosk_id != NULL)
		cJSON_AddStringToObject(req, "kiosk", k->kiosk_id);
	body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	ksend(k, T_TICKET, "POST", "/api/v1/tickets", body, 8000);
	free(body);
}

/* The ticket screen, with the counters the ticket names (its "counters");
 * st_ans, the state, is no longer read here (may be NULL). */
static void
kiosk_show_ticket(struct kiosk *k, const cJSON *st_ans)
{
	cJSON *ans = k->new_ticket;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(ans, "ticket"), *arr, *c;
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(ans, "printed");
	size_t n = 0;

	k->new_ticket = NULL;
	cJSON_Delete(k->ticket);
	k->ticket = ans;
	k->counters[0] = '\0';
	/* The counters the ticket names, as printed on it (the daemon's
	   config_ticket_counters, the ticket's "counters"). */
	(void)st_ans;
	arr = cJSON_GetObjectItemCaseSensitive(t, "counters");
	cJSON_ArrayForEach(c, arr) {
		if (!cJSON_IsNumber(c) || n + 8 >= sizeof k->counters)
			continue;
		n += (size_t)snprintf(k->counters + n, sizeof k->counters - n, "%s%d",
		    n ? ", " : "", (int)c->valuedouble);
	}
	ktrace(k, "ticket %d printed=%s", jnum(t, "number", 0),
	    cJSON_IsTrue(pr) ? "yes" : cJSON_IsFalse(pr) ? "no" : "none");
	k->screen = S_TICKET;
	k->prio = 0;
}

static void kiosk_go(struct kiosk *k, enum screen s);

/* An answer of the worker: applied if it is the one awaited. */
static void
kiosk_answer(struct kiosk *k, struct kreq_answer *a)
{
	long st = a->status;
	cJSON *ans = a->json;
	enum screen before = k->screen;

	ktrace(k, "answer %ld", st);
	if (a->tag == T_PING) {
		if (st == 200) {
			k->offline = 0;
			ktrace(k, "reconnected");
		} else {
			k->next_ping = netclient_now_ms() + 1000;
		}
		cJSON_Delete(ans);
		return;
	}
	if (a->tag != k->want) {
		cJSON_Delete(ans);     /* the visitor went elsewhere meanwhile */
		return;
	}
	k->want = T_NONE;
	if (st >= 0 && k->offline) {
		k->offline = 0;
		ktrace(k, "reconnected");
	}
	switch (a->tag) {
	case T_DEPTS:
		if (st == 200 && cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(ans, "departments"))) {
			k->departments = ans;
			ans = NULL;
		} else {
			kiosk_fail(k, st, ans);
			k->back_to = S_HOME;
		}
		break;
	case T_PROCS:
		if (st == 200) {
			kiosk_set_procs(k, ans);
			ans = NULL;
			kiosk_go(k, S_FIELDS);
		} else {
			kiosk_fail(k, st, ans);
		}
		break;
	case T_SEARCH:
		if (st == 200) {
			kiosk_set_procs(k, ans);
			ans = NULL;
		} else {
			k->search_again = 0;
			kiosk_fail(k, st, ans);
		}
		if (k->search_again && k->screen == S_SEARCH)
			kiosk_search(k);
		break;
	case T_TICKET:
		if (st != 201 || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(ans, "ticket"))) {
			kiosk_fail(k, st, ans);
			break;
		}
		cJSON_Delete(k->new_ticket);
		k->new_ticket = ans;
		ans = NULL;
		/* The counters open for it; the ticket is shown whatever comes. */
		if (ksend(k, T_TICKET_STATE, "GET", "/api/v1/state", NULL, 3000) != 0)
			kiosk_show_ticket(k, NULL);
		break;
	case T_TICKET_STATE:
		kiosk_show_ticket(k, st == 200 ? ans : NULL);
		break;
	}
	cJSON_Delete(ans);
	if (k->screen != before && (k->screen == S_ERROR || k->screen == S_TICKET))
		ktrace(k, "screen %s", screen_name[k->screen]);
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

static void
kbutton(struct kiosk *k, SDL_Rect r, const char *label, enum action act, int arg,
    SDL_Color bg, SDL_Color fg, int px)
{
	draw_fill(k->d, r, bg);
	draw_frame(k->d, r, 2, K_EDGE);
	ktext(k, label, R(r.x + px / 2, r.y, r.w - px, r.h), px, 1, fg, DRAW_CENTRE);
	if (k->nbuttons < MAX_BUTTONS) {
		struct button *b = &k->buttons[k->nbuttons++];

		b->r = r;
		snprintf(b->label, sizeof b->label, "%s", label);
		b->act = act;
		b->arg = arg;
	}
}

/* Header with the title and, below the content, the navigation row. */
static void
kiosk_chrome(struct kiosk *k, const char *title, int back)
{
	int hh = k->h / 10, u = k->h / 40, fy = k->h - hh;

	draw_fill(k->d, R(0, 0, k->w, hh), K_HEAD);
	ktext(k, title, R(u * 2, 0, k->w - u * 4, hh), hh * 45 / 100, 1, K_WHITE, DRAW_LEFT);
	if (back) {
		kbutton(k, R(u, fy + u / 2, k->w / 4, hh - u), L(k, "Quay lại", "Back"), A_BACK, 0,
		    K_BTN, K_TEXT, hh * 35 / 100);
		kbutton(k, R(k->w - k->w / 4 - u, fy + u / 2, k->w / 4, hh - u),
		    L(k, "Trang đầu", "Start"), A_HOME, 0, K_BTN, K_TEXT, hh * 35 / 100);
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
		    ch * 30 / 100 < k->h / 28 ? ch * 30 / 100 : k->h / 28);
	}
}

static const char *
dept_label(struct kiosk *k, int i)
{
	return jstr(kiosk_dept(k, i), "name");
}

static const char *
field_label(struct kiosk *k, int i)
{
	const cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(kiosk_dept(k,
	    k->dept), "fields"), i);

	return cJSON_IsString(f) ? f->valuestring : "";
}

static void
kiosk_draw_home(struct kiosk *k)
{
	int hh = k->h / 10, u = k->h / 40, n;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(k->departments, "departments");
	char pr[160];

	kiosk_chrome(k, k->title ? k->title : L(k, "Lấy số thứ tự – Chọn lĩnh vực cần giải quyết",
	    "Take a number – choose a department"), 0);
	n = cJSON_GetArraySize(arr);
	kiosk_grid(k, R(u, hh + u, k->w - 2 * u, k->h - 2 * hh - 2 * u), n, k->w > k->h ? 3 : 2,
	    dept_label, A_DEPT);
	kbutton(k, R(u, k->h - hh + u / 2, k->w / 3, hh - u), L(k, "Tìm thủ tục", "Search"),
	    A_SEARCH, 0, K_GO, K_WHITE, hh * 35 / 100);
	if (k->allow_priority && k->nprio > 0) {
		snprintf(pr, sizeof pr, "%s%s%s", L(k, "Ưu tiên", "Priority"), k->prio ? ": " : "",
		    k->prio ? k->prio_name[k->prio - 1] : "");
		kbutton(k, R(k->w / 3 + 2 * u, k->h - hh + u / 2, k->w / 3, hh - u), pr, A_PRIORITY, 0,
		    k->prio ? K_PRIO : K_BTN, k->prio ? K_WHITE : K_PRIO, hh * 32 / 100);
	}
	kbutton(k, R(k->w - k->w / 6 - u, k->h - hh + u / 2, k->w / 6, hh - u),
	    k->english ? "Tiếng Việt" : "English", A_LANG, 0, K_BTN, K_DIM, hh * 30 / 100);
}

static void
kiosk_draw_fields(struct kiosk *k)
{
	int hh = k->h / 10, u = k->h / 40;
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(kiosk_dept(k, k->dept), "fields");

	kiosk_chrome(k, dept_label(k, k->dept), 1);
	kiosk_grid(k, R(u, hh + u, k->w - 2 * u, k->h - 2 * hh - 2 * u),
	    cJSON_GetArraySize(fields), 2, field_label, A_FIELD);
}

static void
kiosk_draw_list(struct kiosk *k, SDL_Rect box, int per_page)
{
	const cJSON *list[512];
	int n = kiosk_proc_list(k, list, 512), i, rh = box.h / per_page, gap = k->h / 80;
	int pages = (n + per_page - 1) / per_page;

	if (k->page >= pages)
		k->page = pages > 0 ? pages - 1 : 0;
	for (i = k->page * per_page; i < n && i < 512 && i < (k->page + 1) * per_page; i++) {
		int y = box.y + (i - k->page * per_page) * rh;

		kbutton(k, R(box.x, y + gap / 2, box.w, rh - gap), jstr(list[i], "name"), A_PROC, i,
		    K_BTN, K_TEXT, rh * 30 / 100 < k->h / 32 ? rh * 30 / 100 : k->h / 32);
	}
	if (n == 0 && k->screen == S_SEARCH && k->query[0] != '\0')
		ktext(k, L(k, "Không tìm thấy thủ tục phù hợp.", "No procedure found."), box,
		    k->h / 30, 0, K_DIM, DRAW_CENTRE);
	if (pages > 1) {
		int hh = k->h / 10, u = k->h / 40;
		char pg[32];

		snprintf(pg, sizeof pg, "%d / %d", k->page + 1, pages);
		kbutton(k, R(k->w / 2 - k->w / 8 - u, k->h - hh + u / 2, k->w / 8, hh - u), "‹",
		    A_PAGE, -1, K_BTN, K_TEXT, hh * 45 / 100);
		kbutton(k, R(k->w / 2 + u, k->h - hh + u / 2, k->w / 8, hh - u), "›", A_PAGE, 1,
		    K_BTN, K_TEXT, hh * 45 / 100);
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
	kiosk_draw_list(k, R(u, y, k->w - 2 * u, k->h - y - 5 * kh - hh - u), 5);
	y = k->h - hh - 5 * kh;
	for (r = 0; r < 4; r++) {
		int n = (int)strlen(kb_rows[r]), kw = (k->w - 2 * u) / 11;
		int x0 = (k->w - n * kw) / 2;

		for (i = 0; i < n; i++) {
			key[0] = kb_rows[r][i];
			key[1] = '\0';
			kbutton(k, R(x0 + i * kw + 2, y + r * kh + 2, kw - 4, kh - 4), key, A_KEY,
			    kb_rows[r][i], K_BTN, K_TEXT, kh * 45 / 100);
		}
	}
	kbutton(k, R(k->w / 4, y + 4 * kh + 2, k->w / 3, kh - 4), L(k, "Dấu cách", "Space"), A_KEY,
	    ' ', K_BTN, K_TEXT, kh * 35 / 100);
	kbutton(k, R(k->w / 4 + k->w / 3 + u, y + 4 * kh + 2, k->w / 6, kh - 4), "⌫", A_KEY, '\b',
	    K_BTN, K_TEXT, kh * 45 / 100);
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
	snprintf(line, sizeof line, "%s: %s", L(k, "Lệ phí", "Fee"), jstr(k->proc, "fee"));
	ktext(k, line, R(2 * u, y, k->w - 4 * u, lh), lh * 6 / 10, 0, K_TEXT, DRAW_LEFT);
	y += lh;
	snprintf(line, sizeof line, "%s: %s", L(k, "Thời hạn giải quyết", "Processing time"),
	    jstr(k->proc, "processing_time"));
	ktext(k, line, R(2 * u, y, k->w - 4 * u, lh), lh * 6 / 10, 0, K_TEXT, DRAW_LEFT);
	y += lh + u / 2;
	ktext(k, L(k, "Giấy tờ cần mang theo:", "Documents to bring:"), R(2 * u, y, k->w - 4 * u,
	    lh), lh * 6 / 10, 1, K_TEXT, DRAW_LEFT);
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
	    k->prio ? " – " : "", k->prio ? k->prio_name[k->prio - 1] : "");
	kbutton(k, R(k->w / 4, k->h - 2 * hh, k->w / 2, hh * 85 / 100), line, A_TAKE, 0, K_GO,
	    K_WHITE, hh * 38 / 100);
}

static const char *
prio_label(struct kiosk *k, int i)
{
	return i == 0 ? L(k, "Không ưu tiên", "No priority") : k->prio_name[i - 1];
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

	kiosk_chrome(k, L(k, "Số thứ tự của bạn", "Your number"), 0);
	snprintf(line, sizeof line, "%04d", jnum(t, "number", 0));
	ktext(k, line, R(0, y, k->w, k->h / 4), k->h / 5, 1, K_NUM, DRAW_CENTRE);
	y += k->h / 4;
	ktext(k, jstr(t, "procedure_name")[0] ? jstr(t, "procedure_name") : jstr(t, "queue_name"),
	    R(2 * u, y, k->w - 4 * u, lh), lh * 6 / 10, 1, K_TEXT, DRAW_CENTRE);
	y += lh;
	if (k->counters[0] != '\0') {
		snprintf(line, sizeof line, "%s: %s", L(k, "Mời đến quầy", "Go to counter"),
		    k->counters);
		ktext(k, line, R(2 * u, y, k->w - 4 * u, lh), lh * 6 / 10, 0, K_TEXT, DRAW_CENTRE);
		y += lh;
	}
	snprintf(line, sizeof line, k->english ? "%d people ahead, about %d minutes" :
	    "Trước bạn còn %d người, chờ khoảng %d phút", jnum(t, "ahead", 0),
	    jnum(t, "est_wait_min", 0));
	ktext(k, line, R(2 * u, y, k->w - 4 * u, lh), lh * 6 / 10, 0, K_TEXT, DRAW_CENTRE);
	y += lh + u;
	if (cJSON_IsFalse(pr)) {
		const char *why = jstr(k->ticket, "print_error");
		int staff = k->on_print_fail != NULL && strcmp(k->on_print_fail, "staff") == 0;

		draw_fill(k->d, R(2 * u, y, k->w - 4 * u, lh * 3), K_WARN_BG);
		snprintf(line, sizeof line, "%s%s%s", L(k, "Máy in không in được vé",
		    "The printer could not print your ticket"), why[0] ? ": " : ".", why);
		ktext(k, line, R(3 * u, y, k->w - 6 * u, lh), lh * 55 / 100, 1, K_PRIO, DRAW_LEFT);
		ktext(k, staff ? L(k, "Xin mời đến bàn hướng dẫn, cán bộ sẽ hỗ trợ bạn.",
		    "Please go to the help desk; staff will assist you.") :
		    L(k, "Xin ghi nhớ hoặc chụp lại số trên màn hình; số của bạn vẫn được gọi.",
		    "Please note or photograph the number on screen; it will be called."),
		    R(3 * u, y + lh, k->w - 6 * u, lh * 2), lh * 55 / 100, 0, K_TEXT, DRAW_LEFT);
	} else if (cJSON_IsTrue(pr)) {
		ktext(k, L(k, "Xin mời nhận vé in bên dưới.", "Please take your printed ticket below."),
		    R(2 * u, y, k->w - 4 * u, lh), lh * 55 / 100, 0, K_DIM, DRAW_CENTRE);
	}
	kbutton(k, R(k->w / 3, k->h - hh - u, k->w / 3, hh * 8 / 10), L(k, "Xong", "Done"), A_HOME,
	    0, K_GO, K_WHITE, hh * 38 / 100);
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
	    L(k, "Thử lại", "Try again"), A_RETRY, 0, K_GO, K_WHITE, hh * 35 / 100);
	kbutton(k, R(k->w / 2 + u, k->h - 2 * hh, k->w / 3, hh * 8 / 10),
	    L(k, "Trang đầu", "Start"), A_HOME, 0, K_BTN, K_TEXT, hh * 35 / 100);
}

static void
kiosk_render(struct kiosk *k)
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
	if (k->screen == S_HOME)
		kiosk_want_departments(k);
	switch (k->screen) {
	case S_HOME: kiosk_draw_home(k); break;
	case S_FIELDS: kiosk_draw_fields(k); break;
	case S_PROCS: kiosk_draw_procs(k); break;
	case S_SEARCH: kiosk_draw_search(k); break;
	case S_PROC: kiosk_draw_proc(k); break;
	case S_PRIORITY: kiosk_draw_priority(k); break;
	case S_TICKET: kiosk_draw_ticket(k); break;
	case S_ERROR: kiosk_draw_error(k); break;
	}
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

/* ---- input --------------------------------------------------------------- */

static void
kiosk_go(struct kiosk *k, enum screen s)
{
	if (s != k->screen)
		ktrace(k, "screen %s", screen_name[s]);
	k->screen = s;
}

static void
kiosk_act(struct kiosk *k, const struct button *b)
{
	enum screen before = k->screen;

	switch (b->act) {
	case A_NONE:
		break;
	case A_DEPT:
		k->dept = b->arg;
		kiosk_load_procs(k);
		break;
	case A_FIELD:
		k->field = b->arg;
		k->page = 0;
		kiosk_go(k, S_PROCS);
		break;
	case A_PROC: {
		const cJSON *list[512];
		int n = kiosk_proc_list(k, list, 512);

		if (b->arg < n && b->arg < 512) {
			k->proc = (cJSON *)(void *)list[b->arg];
			k->back_to = k->screen;
			kiosk_go(k, S_PROC);
		}
		break;
	}
	case A_BACK:
		k->want = T_NONE;
		kiosk_go(k, k->screen == S_PROC ? k->back_to : k->screen == S_PROCS ? S_FIELDS :
		    S_HOME);
		break;
	case A_HOME:
		k->want = T_NONE;              /* an answer still coming is dropped */
		k->search_again = 0;
		k->query[0] = '\0';
		k->prio = 0;
		cJSON_Delete(k->departments);   /* fresh on every visitor */
		k->departments = NULL;
		kiosk_go(k, S_HOME);
		break;
	case A_SEARCH:
		k->want = T_NONE;
		k->query[0] = '\0';
		kiosk_set_procs(k, NULL);
		kiosk_go(k, S_SEARCH);
		break;
	case A_KEY: {
		size_t n = strlen(k->query);

		if (b->arg == '\b') {
			/* Drop one UTF-8 character. */
			while (n > 0 && ((unsigned char)k->query[n - 1] & 0xc0) == 0x80)
				n--;
			if (n > 0)
				n--;
			k->query[n] = '\0';
		} else if (n + 1 < sizeof k->query) {
			k->query[n] = (char)b->arg;
			k->query[n + 1] = '\0';
		}
		kiosk_search(k);
		break;
	}
	case A_PRIORITY:
		kiosk_go(k, S_PRIORITY);
		break;
	case A_PRIO_SET:
		k->prio = b->arg;
		kiosk_go(k, S_HOME);
		break;
	case A_TAKE:
		kiosk_take_ticket(k);
		break;
	case A_PAGE:
		k->page += b->arg;
		if (k->page < 0)
			k->page = 0;
		break;
	case A_LANG:
		k->english = !k->english;
		break;
	case A_RETRY:
		k->offline = 0;                /* try at once, not at the next ping */
		kiosk_go(k, k->back_to);
		break;
	}
	if (k->screen != before && (k->screen == S_ERROR || k->screen == S_TICKET))
		ktrace(k, "screen %s", screen_name[k->screen]);
}

static void
kiosk_tap(struct kiosk *k, int x, int y)
{
	int i;

	k->last_input_ms = netclient_now_ms();
	for (i = 0; i < k->nbuttons; i++) {
		SDL_Rect *r = &k->buttons[i].r;

		if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h) {
			struct button b = k->buttons[i];

			/* While an answer is awaited, only what needs no answer. */
			if (k->want != T_NONE && (b.act == A_DEPT || b.act == A_TAKE)) {
				ktrace(k, "tap \"%s\" ignored (busy)", b.label);
				return;
			}
			ktrace(k, "tap \"%s\"", b.label);
			kiosk_act(k, &b);
			return;
		}
	}
}

/* Push a synthetic finger down/up at the centre of the button labelled
 * label (exact, else prefix); 0, or -1 when there is none on screen. */
static int
kiosk_synth_tap(struct kiosk *k, const char *label)
{
	int i, pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < k->nbuttons; i++) {
			struct button *b = &k->buttons[i];
			SDL_Event ev;

			if (pass == 0 ? strcmp(b->label, label) != 0 :
			    strncmp(b->label, label, strlen(label)) != 0)
				continue;
			SDL_zero(ev);
			ev.type = SDL_FINGERDOWN;
			ev.tfinger.touchId = 1;
			ev.tfinger.fingerId = 1;
			ev.tfinger.x = (float)(b->r.x + b->r.w / 2) / (float)k->w;
			ev.tfinger.y = (float)(b->r.y + b->r.h / 2) / (float)k->h;
			ev.tfinger.pressure = 1.0f;
			SDL_PushEvent(&ev);
			ev.type = SDL_FINGERUP;
			SDL_PushEvent(&ev);
			return 0;
		}
	return -1;
}

static int
kiosk_shows(struct kiosk *k, const char *text)
{
	int i;

	for (i = 0; i < k->ntexts; i++)
		if (strstr(k->texts[i], text) != NULL)
			return 1;
	return 0;
}

/* ---- script (tests) ------------------------------------------------------ */

struct script {
	char **lines;
	int n, at, tries;
	char key[4];                /* pending keys of a "type" line */
	const char *typing;
};

static void
script_load(struct script *s, const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[512];

	if (f == NULL)
		fatal("%s", path);
	while (fgets(buf, sizeof buf, f) != NULL) {
		buf[strcspn(buf, "\r\n")] = '\0';
		if (buf[0] == '\0' || buf[0] == '#')
			continue;
		s->lines = xreallocarray(s->lines, (size_t)s->n + 1, sizeof *s->lines);
		s->lines[s->n++] = xstrdup(buf);
	}
	fclose(f);
}

/* Run the script's next step after a frame; returns 1 to go on, 0 when
 * done, -1 when a step failed (exit status 3). */
static int
script_step(struct kiosk *k, struct script *s, SDL_Renderer *r)
{
	const char *l, *arg;

	if (s->at >= s->n)
		return 0;
	l = s->lines[s->at];
	arg = strchr(l, ' ') ? strchr(l, ' ') + 1 : "";
	if (strncmp(l, "tap ", 4) == 0) {
		if (kiosk_synth_tap(k, arg) == 0) {
			s->at++;
			s->tries = 0;
			return 1;
		}
	} else if (strncmp(l, "type ", 5) == 0) {
		if (s->typing == NULL)
			s->typing = arg;
		if (*s->typing == '\0') {
			s->typing = NULL;
			s->at++;
			return 1;
		}
		s->key[0] = *s->typing == ' ' ? '\0' : *s->typing;
		s->key[1] = '\0';
		if (kiosk_synth_tap(k, s->key[0] ? s->key : L(k, "Dấu cách", "Space")) == 0) {
			s->typing++;
			s->tries = 0;
			return 1;
		}
	} else if (strncmp(l, "expect ", 7) == 0) {
		if (kiosk_shows(k, arg)) {
			ktrace(k, "expect ok \"%s\"", arg);
			s->at++;
			s->tries = 0;
			return 1;
		}
	} else if (strncmp(l, "touch-file ", 11) == 0) {
		FILE *f = fopen(arg, "w");

		if (f != NULL)
			fclose(f);
		s->at++;
		return 1;
	} else if (strncmp(l, "wait-file ", 10) == 0) {
		if (access(arg, F_OK) == 0) {
			s->at++;
			s->tries = 0;
			return 1;
		}
		if (++s->tries > 2400) {
			log_warnx("script: %s never came", arg);
			return -1;
		}
		return 1;
	} else if (strncmp(l, "shot ", 5) == 0) {
		draw_save_png(r, k->w, k->h, arg);
		s->at++;
		return 1;
	} else if (strcmp(l, "quit") == 0) {
		return 0;
	} else {
		log_warnx("script: unknown step: %s", l);
		return -1;
	}
	if (++s->tries > 600) {
		int i;

		log_warnx("script: step failed: %s (screen %s)", l, screen_name[k->screen]);
		for (i = 0; i < k->ntexts; i++)
			log_warnx("  shown: %s", k->texts[i]);
		return -1;
	}
	return 1;
}

/* ---- main ---------------------------------------------------------------- */

static Uint32 kwake_event;

/* From the request worker: an answer is ready (wakes the event wait). */
static void
kwake(void *arg)
{
	SDL_Event ev;

	(void)arg;
	SDL_zero(ev);
	ev.type = kwake_event;
	SDL_PushEvent(&ev);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: onestop-kiosk [-c kiosk.ini] [-u URL] [-t TOKEN_FILE] [-k KIOSK_ID]\n"
	    "  [-W WIDTH -H HEIGHT] [--windowed] [--english] [--no-priority]\n"
	    "  [--priority code:Name,...] [--on-print-fail screen|staff] [--idle S]\n"
	    "  [--title TEXT] [--script FILE] [--trace FILE]\n");
	exit(2);
}

static char *
read_token(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[512];

	if (f == NULL)
		fatal("token file %s", path);
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n \t")] = '\0';
	return xstrdup(buf);
}

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	long long v;

	if (strnum_parse(s, lo, hi, &v) != 0)
		return -1;
	*out = (long)v;
	return 0;
}

static int
parse_priority(struct kiosk *k, const char *spec)
{
	const char *p = spec;

	k->nprio = 0;
	while (*p != '\0' && k->nprio < MAX_PRIO) {
		size_t n = strcspn(p, ","), c;
		const char *colon = memchr(p, ':', n);

		if (colon == NULL || colon == p)
			return -1;
		c = (size_t)(colon - p);
		snprintf(k->prio_code[k->nprio], sizeof k->prio_code[0], "%.*s", (int)c, p);
		snprintf(k->prio_name[k->nprio], sizeof k->prio_name[0], "%.*s", (int)(n - c - 1),
		    colon + 1);
		k->nprio++;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

struct kargs {
	struct kiosk *k;
	char *token_file, *script, *trace;
	long w, h;
	int windowed;
};

/* One option by name (INI [kiosk] or command line); 0 or -1. */
static int
kiosk_opt(struct kargs *a, const char *name, const char *v)
{
	struct kiosk *k = a->k;
	long n;

	if (strcmp(name, "url") == 0) {
		free(k->url);
		k->url = xstrdup(v);
	} else if (strcmp(name, "token-file") == 0) {
		free(a->token_file);
		a->token_file = xstrdup(v);
	} else if (strcmp(name, "kiosk") == 0) {
		free(k->kiosk_id);
		k->kiosk_id = xstrdup(v);
	} else if (strcmp(name, "title") == 0) {
		free(k->title);
		k->title = xstrdup(v);
	} else if (strcmp(name, "on-print-fail") == 0) {
		if (strcmp(v, "screen") != 0 && strcmp(v, "staff") != 0)
			return -1;
		free(k->on_print_fail);
		k->on_print_fail = xstrdup(v);
	} else if (strcmp(name, "priority") == 0) {
		if (strcmp(v, "no") == 0)
			k->allow_priority = 0;
		else if (parse_priority(k, v) != 0)
			return -1;
	} else if (strcmp(name, "idle") == 0) {
		if (parse_long(v, 5, 3600, &n) != 0)
			return -1;
		k->idle_s = (int)n;
	} else if (strcmp(name, "width") == 0) {
		return parse_long(v, 320, 16384, &a->w);
	} else if (strcmp(name, "height") == 0) {
		return parse_long(v, 240, 16384, &a->h);
	} else if (strcmp(name, "english") == 0) {
		k->english = strcmp(v, "yes") == 0;
	} else {
		return -1;
	}
	return 0;
}

static int
kiosk_ini_cb(void *arg, const char *section, const char *name, const char *value)
{
	char key[64];
	size_t i;

	if (strcmp(section, "kiosk") != 0)
		return 0;
	snprintf(key, sizeof key, "%s", name);
	for (i = 0; key[i] != '\0'; i++)
		if (key[i] == '_')
			key[i] = '-';
	return kiosk_opt(arg, key, value) == 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "url", required_argument, NULL, 'u' },
		{ "token-file", required_argument, NULL, 't' },
		{ "kiosk", required_argument, NULL, 'k' },
		{ "width", required_argument, NULL, 'W' },
		{ "height", required_argument, NULL, 'H' },
		{ "on-print-fail", required_argument, NULL, 1 },
		{ "priority", required_argument, NULL, 1 },
		{ "idle", required_argument, NULL, 1 },
		{ "title", required_argument, NULL, 1 },
		{ "script", required_argument, NULL, 2 },
		{ "trace", required_argument, NULL, 3 },
		{ "windowed", no_argument, NULL, 4 },
		{ "english", no_argument, NULL, 5 },
		{ "no-priority", no_argument, NULL, 6 },
		{ NULL, 0, NULL, 0 },
	};
	struct kiosk k;
	struct kargs a;
	struct script sc;
	char err[256];
	SDL_Window *win;
	SDL_Renderer *r;
	int ch, idx, i, running = 1, rc = 0, offscreen;

	memset(&k, 0, sizeof k);
	memset(&a, 0, sizeof a);
	memset(&sc, 0, sizeof sc);
	a.k = &k;
	a.w = 1080;
	a.h = 1920;
	k.url = xstrdup("http://127.0.0.1:8080");
	k.idle_s = 60;
	k.ticket_idle_s = 20;
	k.allow_priority = 1;
	parse_priority(&k, "elderly:Người cao tuổi,disabled:Người khuyết tật,"
	    "pregnant:Phụ nữ mang thai,veteran:Người có công với cách mạng");
	log_init("onestop-kiosk", LOG_LVL_INFO, 0);
	for (i = 1; i < argc - 1; i++)
		if (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) {
			int e = ini_parse(argv[i + 1], kiosk_ini_cb, &a);

			if (e != 0)
				fatalx("%s:%d: bad line (or file unreadable)", argv[i + 1], e);
		}
	while ((ch = getopt_long(argc, argv, "c:u:t:k:W:H:", longopts, &idx)) != -1) {
		const char *name = NULL;

		switch (ch) {
		case 'c': break;
		case 'u': name = "url"; break;
		case 't': name = "token-file"; break;
		case 'k': name = "kiosk"; break;
		case 'W': name = "width"; break;
		case 'H': name = "height"; break;
		case 1: name = longopts[idx].name; break;
		case 2: a.script = optarg; break;
		case 3: a.trace = optarg; break;
		case 4: a.windowed = 1; break;
		case 5: k.english = 1; break;
		case 6: k.allow_priority = 0; break;
		default: usage();
		}
		if (name != NULL && kiosk_opt(&a, name, optarg) != 0)
			fatalx("bad value for %s: %s", name, optarg);
	}
	if (optind != argc)
		usage();
	if (a.token_file != NULL)
		k.token = read_token(a.token_file);
	if (a.script != NULL)
		script_load(&sc, a.script);
	if (a.trace != NULL && (k.trace = fopen(a.trace, "a")) == NULL)
		fatal("%s", a.trace);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
		fatalx("SDL: %s", SDL_GetError());
	offscreen = strcmp(SDL_GetCurrentVideoDriver(), "offscreen") == 0 ||
	    strcmp(SDL_GetCurrentVideoDriver(), "dummy") == 0;
	if (TTF_Init() != 0)
		fatalx("SDL_ttf: %s", TTF_GetError());
	/* Touches are handled as touches; no mouse events made from them. */
	SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
	win = SDL_CreateWindow("onestop-kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
	    (int)a.w, (int)a.h, a.windowed || offscreen ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
	if (win == NULL)
		fatalx("SDL window: %s", SDL_GetError());
	r = SDL_CreateRenderer(win, -1, offscreen ? SDL_RENDERER_SOFTWARE :
	    SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
	if (r == NULL && (r = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE)) == NULL)
		fatalx("SDL renderer: %s", SDL_GetError());
	if ((k.d = draw_new(r, NULL, NULL, err, sizeof err)) == NULL)
		fatalx("%s", err);
	kwake_event = SDL_RegisterEvents(1);
	if ((k.req = kreq_start(k.url, k.token, kwake, NULL)) == NULL)
		fatalx("cannot start the request thread");
	k.last_input_ms = netclient_now_ms();
	ktrace(&k, "screen home");
	while (running) {
		SDL_Event ev;
		int64_t now = netclient_now_ms();
		int idle = k.screen == S_TICKET ? k.ticket_idle_s : k.idle_s;

		struct kreq_answer ans;

		while (kreq_take(k.req, &ans))
			kiosk_answer(&k, &ans);
		ksend_held(&k);
		if (k.offline && now >= k.next_ping && ksend(&k, T_PING, "GET", "/healthz", NULL,
		    2000) == 0)
			k.next_ping = now + 1000;
		SDL_GetRendererOutputSize(r, &k.w, &k.h);
		kiosk_render(&k);
		SDL_RenderPresent(r);
		/* Tests see that the screen keeps drawing (e.g. while a request hangs). */
		if (++k.frames % 10 == 0)
			ktrace(&k, "frame %lu", k.frames);
		if (a.script != NULL) {
			int st = script_step(&k, &sc, r);

			if (st <= 0) {
				rc = st < 0 ? 3 : 0;
				break;
			}
		}
		if (SDL_WaitEventTimeout(&ev, 50)) {
			do {
				switch (ev.type) {
				case SDL_QUIT:
					running = 0;
					break;
				case SDL_FINGERUP:
					kiosk_tap(&k, (int)(ev.tfinger.x * (float)k.w),
					    (int)(ev.tfinger.y * (float)k.h));
					break;
				case SDL_MOUSEBUTTONUP:
					if (ev.button.which != SDL_TOUCH_MOUSEID)
						kiosk_tap(&k, ev.button.x, ev.button.y);
					break;
				case SDL_KEYDOWN:
					if (ev.key.keysym.sym == SDLK_ESCAPE && a.windowed)
						running = 0;
					break;
				}
			} while (running && SDL_PollEvent(&ev));
		}
		if (k.screen != S_HOME && now - k.last_input_ms > (int64_t)idle * 1000) {
			struct button home = { { 0, 0, 0, 0 }, "", A_HOME, 0 };

			ktrace(&k, "idle");
			kiosk_act(&k, &home);
			k.last_input_ms = now;
		}
	}
	for (i = 0; i < k.ntexts; i++)
		free(k.texts[i]);
	for (i = 0; i < sc.n; i++)
		free(sc.lines[i]);
	free(sc.lines);
	kreq_stop(k.req);
	cJSON_Delete(k.departments);
	cJSON_Delete(k.procs);
	cJSON_Delete(k.ticket);
	draw_free(k.d);
	SDL_DestroyRenderer(r);
	SDL_DestroyWindow(win);
	TTF_Quit();
	SDL_Quit();
	cJSON_Delete(k.new_ticket);
	free(k.held.body);
	curl_global_cleanup();
	if (k.trace != NULL)
		fclose(k.trace);
	free(k.url); free(k.token); free(k.kiosk_id); free(k.on_print_fail); free(k.title);
	free(a.token_file);
	return rc;
}
