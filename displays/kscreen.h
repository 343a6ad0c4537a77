/*
 * kscreen.h - the kiosk's screens: its state (struct kiosk, filled by
 * kiosk_main.c from the daemon's answers and the visitor's taps) and the
 * drawing of each screen from that state.  Drawing records every button
 * (box, label, action) and every text shown, which the tap handler, the
 * test script and the unit tests (test_kscreen: pixels of what is drawn)
 * read.  No request is made here.
 */
#ifndef ONESTOP_KSCREEN_H
#define ONESTOP_KSCREEN_H

#include <stdint.h>
#include <stdio.h>

#include <SDL.h>
#include <cjson/cJSON.h>

#include "displays/draw.h"
#include "displays/kreq.h"

enum screen { S_HOME, S_FIELDS, S_PROCS, S_SEARCH, S_PROC, S_PRIORITY, S_TICKET, S_ERROR,
	S_CODE };

enum action { A_NONE, A_DEPT, A_FIELD, A_PROC, A_BACK, A_HOME, A_SEARCH, A_KEY,
	A_PRIORITY, A_PRIO_SET, A_TAKE, A_PAGE, A_LANG, A_RETRY,
	A_APPT, A_CODE_KEY, A_CHECKIN };

/* What an answer of the request worker is for. */
enum tag { T_NONE, T_DEPTS, T_PROCS, T_SEARCH, T_TICKET, T_TICKET_STATE, T_PING, T_CHECKIN };

/* Kinds of button: one text size for all buttons of a kind on a screen. */
enum kind { K_GRID, K_LIST, K_NAV, K_KEY, K_KEY_WIDE, K_PAGER, K_ACTION, K_KINDS };

struct button {
	SDL_Rect r;
	char label[160];
	enum action act;
	int arg;
	enum kind kind;
	SDL_Color bg, fg;
	int px;                     /* the size asked for the label */
	struct draw_fitted fit;     /* what was drawn */
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
	char code[16];              /* the booking code typed (S_CODE) */
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
	struct draw_fitted title_fit; /* the header's title as drawn */
	struct draw_fitted wait_fit;  /* the ticket screen's ahead-and-wait
	                                 line as drawn */
	int w, h;
	draw *d;
	kreq *req;
	FILE *trace;
};

/* Draw the current screen on k->d (k->w x k->h), recording buttons and texts. */
void kscreen_render(struct kiosk *k);
/* Department i of the start screen's list, or NULL. */
const cJSON *kscreen_dept(struct kiosk *k, int i);
/* The procedures the list screen shows (the department's field, or every
 * search result): up to max into out; returns how many there are. */
int kscreen_proc_list(struct kiosk *k, const cJSON **out, int max);

#endif
