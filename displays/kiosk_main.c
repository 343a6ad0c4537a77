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
#include "displays/kreq.h"
#include "displays/kscreen.h"
#include "common/log.h"
#include "displays/netclient.h"
#include "displays/vnime.h"
#include "common/xmalloc.h"

static const char *const screen_name[] = { "home", "fields", "procedures", "search",
	"procedure", "priority", "ticket", "error", "code" };

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

	kiosk_urlenc(jstr(kscreen_dept(k, k->dept), "code"), enc, sizeof enc);
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
	case T_CHECKIN:
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

/* ---- input --------------------------------------------------------------- */

static void
kiosk_go(struct kiosk *k, enum screen s)
{
	if (s != k->screen)
		ktrace(k, "screen %s", screen_name[s]);
	k->screen = s;
}

/* Check in the booking of the code typed: the daemon issues (and prints)
 * the ticket, answered as a ticket is. */
static void
kiosk_checkin(struct kiosk *k)
{
	cJSON *req = cJSON_CreateObject();
	char path[128], enc[64], *body;

	if (k->code[0] == '\0')
		return;
	kiosk_urlenc(k->code, enc, sizeof enc);
	snprintf(path, sizeof path, "/api/v1/bookings/%s/checkin", enc);
	if (k->kiosk_id != NULL)
		cJSON_AddStringToObject(req, "kiosk", k->kiosk_id);
	body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	ksend(k, T_CHECKIN, "POST", path, body, 8000);
	free(body);
}

/* One character of a booking code (any case, or '\b'). */
static void
kiosk_code_key(struct kiosk *k, int ch)
{
	size_t n = strlen(k->code);

	if (ch == '\b') {
		if (n > 0)
			k->code[n - 1] = '\0';
		return;
	}
	if (ch >= 'a' && ch <= 'z')
		ch -= 'a' - 'A';
	if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) || n + 1 >= 13)
		return;
	k->code[n] = (char)ch;
	k->code[n + 1] = '\0';
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
		int n = kscreen_proc_list(k, list, 512);

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
	case A_KEY:
		/* Telex: "tieengs" gives "tiếng" (vnime.c). */
		if (b->arg == '\b')
			vnime_backspace(k->query);
		else
			vnime_key(k->query, sizeof k->query, (uint32_t)b->arg);
		kiosk_search(k);
		break;
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
	case A_APPT:
		k->want = T_NONE;
		k->code[0] = '\0';
		kiosk_go(k, S_CODE);
		break;
	case A_CODE_KEY:
		kiosk_code_key(k, b->arg);
		break;
	case A_CHECKIN:
		kiosk_checkin(k);
		break;
	}
	if (k->screen != before && (k->screen == S_ERROR || k->screen == S_TICKET))
		ktrace(k, "screen %s", screen_name[k->screen]);
}

/* Text from a physical keyboard (composed by the OS, or Telex typed on a
 * plain keyboard): into the search box, opening the search screen from
 * anywhere but a ticket or error screen. */
static void
kiosk_typed(struct kiosk *k, const char *text)
{
	k->last_input_ms = netclient_now_ms();
	if (k->screen == S_CODE) {
		/* The code typed, or a barcode reader's (it types like a
		 * keyboard and ends with Enter). */
		ktrace(k, "typed \"%s\"", text);
		for (; *text != '\0'; text++)
			kiosk_code_key(k, (unsigned char)*text);
		return;
	}
	if (k->screen == S_TICKET || k->screen == S_ERROR || k->screen == S_PROC)
		return;
	if (k->screen != S_SEARCH) {
		struct button b;

		memset(&b, 0, sizeof b);
		b.act = A_SEARCH;
		kiosk_act(k, &b);
	}
	ktrace(k, "typed \"%s\"", text);
	vnime_type(k->query, sizeof k->query, text);
	kiosk_search(k);
}

/* Keys of a physical keyboard that are not text: backspace, and enter
 * (opens the first procedure found). */
static void
kiosk_keydown(struct kiosk *k, SDL_Keycode key)
{
	struct button b;

	memset(&b, 0, sizeof b);
	if (k->screen == S_CODE && (key == SDLK_BACKSPACE || key == SDLK_RETURN ||
	    key == SDLK_KP_ENTER)) {
		k->last_input_ms = netclient_now_ms();
		b.act = key == SDLK_BACKSPACE ? A_CODE_KEY : A_CHECKIN;
		b.arg = '\b';
		ktrace(k, "key %s", key == SDLK_BACKSPACE ? "backspace" : "enter");
		if (b.act == A_CHECKIN && k->want != T_NONE)
			return;
		kiosk_act(k, &b);
		return;
	}
	if (k->screen != S_SEARCH)
		return;
	k->last_input_ms = netclient_now_ms();
	if (key == SDLK_BACKSPACE) {
		b.act = A_KEY;
		b.arg = '\b';
	} else if ((key == SDLK_RETURN || key == SDLK_KP_ENTER) && k->procs != NULL) {
		b.act = A_PROC;
		b.arg = 0;
	} else {
		return;
	}
	ktrace(k, "key %s", key == SDLK_BACKSPACE ? "backspace" : "enter");
	kiosk_act(k, &b);
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
			if (k->want != T_NONE && (b.act == A_DEPT || b.act == A_TAKE ||
			    b.act == A_CHECKIN)) {
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
	} else if (strncmp(l, "text ", 5) == 0) {
		/* A physical keyboard's text, as SDL delivers it. */
		SDL_Event ev;

		SDL_zero(ev);
		ev.type = SDL_TEXTINPUT;
		snprintf(ev.text.text, sizeof ev.text.text, "%s", arg);
		SDL_PushEvent(&ev);
		s->at++;
		return 1;
	} else if (strncmp(l, "key ", 4) == 0) {
		SDL_Event ev;

		SDL_zero(ev);
		ev.type = SDL_KEYDOWN;
		ev.key.keysym.sym = strcmp(arg, "enter") == 0 ? SDLK_RETURN : SDLK_BACKSPACE;
		SDL_PushEvent(&ev);
		s->at++;
		return 1;
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
	SDL_StartTextInput();   /* a physical keyboard types into the search */
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
		if (k.screen == S_HOME)
			kiosk_want_departments(&k);
		kscreen_render(&k);
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
				case SDL_TEXTINPUT:
					kiosk_typed(&k, ev.text.text);
					break;
				case SDL_KEYDOWN:
					if (ev.key.keysym.sym == SDLK_ESCAPE && a.windowed)
						running = 0;
					else
						kiosk_keydown(&k, ev.key.keysym.sym);
					break;
				}
			} while (running && SDL_PollEvent(&ev));
		}
		if (k.screen != S_HOME && now - k.last_input_ms > (int64_t)idle * 1000) {
			struct button home;

			memset(&home, 0, sizeof home);
			home.act = A_HOME;

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
