/*
 * notify.c - SMS notifications on the core thread (notify.h).
 *
 * The watch list holds the tickets of the day that have a phone, with the
 * kinds already queued for each.  At every batch's pre-commit:
 *   - a "called" event of a watched ticket queues "called" (a recall finds
 *     it queued: the outbox keeps one per (kind, ticket));
 *   - every watched ticket still waiting whose place is now within its
 *     queue's near_ahead queues "near" (engine_position; the engine holds
 *     the batch's state, which is what commits).
 * After the commit, the pump hands due messages to the sender thread; it
 * reads the outbox only while no batch is open, so it sees committed rows
 * only.  A result is written in a batch of its own: sent, or a retry at
 * now + min(retry_max_s, 2^attempts s).
 */
#include "daemon/notify/notify.h"

#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "common/gsm7.h"
#include "common/log.h"
#include "common/xmalloc.h"
#include "core/booking.h"
#include "daemon/notify/outbox.h"
#include "daemon/notify/sender.h"

#define NOTIFY_INFLIGHT 8        /* jobs handed to the thread at once */
#define NOTIFY_TICK_MS 1000
#define NOTIFY_PURGE_MS (60 * 1000)
#define NOTIFY_SMS_CHARS 160
#define NOTIFY_REMIND_MS (60 * 1000)
#define NOTIFY_REMIND_UNTIL 21       /* no reminder sent in the night */
/* A reminder's ref: booking id x NOTIFY_REF_SPAN + its start in minutes
 * since 1970, so that a booking moved to another time has a row of its own. */
#define NOTIFY_REF_SPAN INT64_C(1000000000)

struct notify_watch {
	int64_t ticket;
	char phone[OUTBOX_PHONE_LEN];
	int near_done, called_done;
};

struct notify {
	core *core;
	loop *loop;
	const struct config_sms *cfg;
	int active;
	outbox *ob;
	sender *snd;
	struct notify_watch *w;
	size_t nw, capw;
	struct { int64_t id; int attempts; } inflight[NOTIFY_INFLIGHT];
	int ninflight;
	int pump_waiting;            /* an after-commit pump is registered */
	uint64_t tick, purge, remind;
	char reminded[11];           /* the day the reminders last ran */
};

/* ---- phone numbers ----------------------------------------------------- */

int
notify_phone_parse(const char *in, char out[16])
{
	char d[24];
	size_t n = 0;
	const char *p = in;

	if (in == NULL)
		return -1;
	if (*p == '+')
		p++;
	for (; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n == sizeof d - 1)
				return -1;
			d[n++] = *p;
		} else if (*p != ' ' && *p != '.' && *p != '-')
			return -1;
	}
	d[n] = '\0';
	if (n == 11 && strncmp(d, "84", 2) == 0) {
		memmove(d + 1, d + 2, 10);
		d[0] = '0';
		n = 10;
	}
	/* Vietnamese mobile numbers: 0 and 9 digits, 03/05/07/08/09. */
	if (n != 10 || d[0] != '0' || strchr("35789", d[1]) == NULL)
		return -1;
	memcpy(out, d, 11);
	return 0;
}

void
notify_phone_mask(const char *phone, char out[NOTIFY_MASK_LEN])
{
	size_t n = strlen(phone);

	if (n < 6)
		snprintf(out, NOTIFY_MASK_LEN, "xxx");
	else
		snprintf(out, NOTIFY_MASK_LEN, "%.2sxx xxx %s", phone, phone + n - 3);
}

/* ---- texts ------------------------------------------------------------- */

/* "Quầy 2, 3" / "Quầy 4 (Khu A)": the counters the ticket names. */
static void
notify_counters(const struct config *cfg, const struct engine_ticket *t,
    char *out, size_t len)
{
	int idx[CONFIG_MAX_COUNTERS], n, i;
	size_t o;

	n = config_ticket_counters(cfg, t->queue, t->assigned_counter, idx,
	    CONFIG_MAX_COUNTERS);
	o = (size_t)snprintf(out, len, n > 1 ? "các quầy " : "quầy ");
	for (i = 0; i < n && o + 8 < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%d", i ? ", " : "",
		    cfg->counters[idx[i]].number);
	if (n == 0)
		out[0] = '\0';
}

char *
notify_text_near(const struct config *cfg, const struct engine_ticket *t,
    int ahead, int est_wait_s)
{
	char counters[200], *s;
	int min = (est_wait_s + 59) / 60;

	notify_counters(cfg, t, counters, sizeof counters);
	if (ahead <= 0)
		xasprintf(&s, "%s: Số %04d sắp đến lượt, không còn ai phía trước. "
		    "Xin có mặt gần %s.", cfg->centre_name, t->number, counters);
	else
		xasprintf(&s, "%s: Số %04d sắp đến lượt: còn %d người phía trước, "
		    "khoảng %d phút. Xin có mặt gần %s.", cfg->centre_name, t->number,
		    ahead, min, counters);
	return s;
}

char *
notify_text_called(const struct config *cfg, const struct engine_ticket *t,
    int counter)
{
	const struct config_counter *c = counter >= 0 && counter < cfg->ncounters ?
	    &cfg->counters[counter] : NULL;
	char *s;

	if (c == NULL)
		xasprintf(&s, "%s: Mời số %04d đến quầy.", cfg->centre_name, t->number);
	else if (c->area != NULL && c->area[0] != '\0')
		xasprintf(&s, "%s: Mời số %04d đến %s (%s).", cfg->centre_name,
		    t->number, c->name, c->area);
	else
		xasprintf(&s, "%s: Mời số %04d đến %s.", cfg->centre_name, t->number,
		    c->name);
	return s;
}

char *
notify_text_reminder(const struct config *cfg, int64_t at, const char *procedure)
{
	time_t t = (time_t)at;
	struct tm tm;
	char when[32], *s;

	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%H:%M ngày %d/%m/%Y", &tm);
	if (procedure != NULL && procedure[0] != '\0')
		xasprintf(&s, "%s: Nhắc lịch hẹn lúc %s, thủ tục %s. Xin đến đúng giờ "
		    "và mang theo giấy tờ.", cfg->centre_name, when, procedure);
	else
		xasprintf(&s, "%s: Nhắc lịch hẹn lúc %s. Xin đến đúng giờ và mang theo "
		    "giấy tờ.", cfg->centre_name, when);
	return s;
}

/* ---- the watch list ------------------------------------------------------ */

static struct notify_watch *
notify_watch_find(notify *n, int64_t ticket)
{
	size_t i;

	for (i = 0; i < n->nw; i++)
		if (n->w[i].ticket == ticket)
			return &n->w[i];
	return NULL;
}

static struct notify_watch *
notify_watch_add(notify *n, int64_t ticket, const char *phone)
{
	struct notify_watch *w = notify_watch_find(n, ticket);

	if (w == NULL) {
		if (n->nw == n->capw) {
			n->capw = n->capw ? n->capw * 2 : 32;
			n->w = xreallocarray(n->w, n->capw, sizeof *n->w);
		}
		w = &n->w[n->nw++];
		memset(w, 0, sizeof *w);
		w->ticket = ticket;
	}
	snprintf(w->phone, sizeof w->phone, "%s", phone);
	return w;
}

static void
notify_watch_drop(notify *n, struct notify_watch *w)
{
	*w = n->w[--n->nw];
}

/* ---- queueing -------------------------------------------------------------- */

static void notify_after_commit(void *arg, int ok);

/* After this batch commits, pump (once per batch). */
static void
notify_pump_later(notify *n)
{
	if (!n->pump_waiting) {
		n->pump_waiting = 1;
		core_after_commit(n->core, notify_after_commit, n);
	}
}

/* Queue text (UTF-8) as GSM-7; 1 queued, 0 was there, -1. */
static int
notify_queue(notify *n, enum outbox_kind kind, int64_t ref, const char *phone,
    const char *text, int64_t expires_at)
{
	char *g = gsm7_from_utf8(text, NOTIFY_SMS_CHARS), masked[NOTIFY_MASK_LEN];
	int64_t now = core_now();
	int rc;

	if (g == NULL)
		g = xstrdup("?");
	rc = outbox_enqueue(n->ob, kind, ref, phone, g, now, expires_at);
	if (rc < 0)
		log_warnx("sms: %s", outbox_errmsg(n->ob));
	else if (rc > 0) {
		notify_phone_mask(phone, masked);
		log_debug("sms: queued %s for %lld to %s", outbox_kind_name(kind),
		    (long long)ref, masked);
		notify_pump_later(n);
	}
	free(g);
	return rc;
}

/* The near_ahead of queue q. */
static int
notify_near_ahead(notify *n, int q)
{
	const struct config *cfg = core_config(n->core);

	if (q >= 0 && q < cfg->nqueues && cfg->queues[q].sms_near_ahead >= 0)
		return cfg->queues[q].sms_near_ahead;
	return n->cfg->near_ahead;
}

static int
notify_final(enum engine_ticket_state s)
{
	return s == ENGINE_T_DONE || s == ENGINE_T_NO_SHOW || s == ENGINE_T_CANCELLED;
}

/* Queue "near" for w when its place is within reach; -1 on a store error. */
static int
notify_check_near(notify *n, struct notify_watch *w, const struct engine_ticket *t)
{
	const struct config *cfg = core_config(n->core);
	int ahead = 0, est = 0, lim;
	char *text;

	if (w->near_done)
		return 0;
	if (t->state != ENGINE_T_WAITING) {
		w->near_done = 1;            /* called (or gone) first: no "near" */
		return 0;
	}
	if ((lim = notify_near_ahead(n, t->queue)) <= 0)
		return 0;
	if (engine_position(core_engine(n->core), t->id, &ahead, &est) != 0 ||
	    ahead > lim)
		return 0;
	text = notify_text_near(cfg, t, ahead, est);
	w->near_done = 1;
	if (notify_queue(n, OUTBOX_NEAR, t->id, w->phone, text,
	    core_now() + (int64_t)n->cfg->max_age_min * 60) < 0) {
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

/* The core's pre-commit hook: queue what this batch's events make. */
static int
notify_precommit(void *arg, const struct engine_event *evs, size_t nev)
{
	notify *n = arg;
	engine *e = core_engine(n->core);
	size_t i;

	if (n->ob == NULL || nev == 0 || n->nw == 0)
		return 0;
	for (i = 0; i < nev; i++) {
		struct notify_watch *w;
		const struct engine_ticket *t;
		char *text;

		if (evs[i].type != ENGINE_EV_CALLED ||
		    (w = notify_watch_find(n, evs[i].ticket)) == NULL || w->called_done)
			continue;
		if ((t = engine_ticket_by_id(e, evs[i].ticket)) == NULL)
			continue;
		text = notify_text_called(core_config(n->core), t, evs[i].counter);
		w->called_done = w->near_done = 1;
		if (notify_queue(n, OUTBOX_CALLED, t->id, w->phone, text,
		    core_now() + (int64_t)n->cfg->max_age_min * 60) < 0) {
			free(text);
			return -1;
		}
		free(text);
	}
	for (i = 0; i < n->nw;) {
		struct notify_watch *w = &n->w[i];
		const struct engine_ticket *t = engine_ticket_by_id(e, w->ticket);

		if (t == NULL || notify_final(t->state) || (w->near_done && w->called_done)) {
			notify_watch_drop(n, w);
			continue;
		}
		if (notify_check_near(n, w, t) != 0)
			return -1;
		i++;
	}
	return 0;
}

int
notify_subscribe(notify *n, int64_t ticket, const char *phone,
    char masked[NOTIFY_MASK_LEN])
{
	const struct engine_ticket *t = engine_ticket_by_id(core_engine(n->core), ticket);
	struct notify_watch *w;
	char p[16];
	int r;

	if (!n->active)
		return -NOTIFY_EOFF;
	if (notify_phone_parse(phone, p) != 0)
		return -NOTIFY_EPHONE;
	if (t == NULL || t->state != ENGINE_T_WAITING)
		return -NOTIFY_ESTATE;
	if (core_begin(n->core) != 0 || outbox_phone_set(n->ob, ticket, p, core_now()) != 0)
		return -NOTIFY_ESTORE;
	notify_phone_mask(p, masked);
	w = notify_watch_add(n, ticket, p);
	if ((r = outbox_exists(n->ob, OUTBOX_NEAR, ticket)) < 0)
		return -NOTIFY_ESTORE;
	w->near_done = r;
	if (notify_check_near(n, w, t) != 0)
		return -NOTIFY_ESTORE;
	log_info("sms: ticket %04d will be told at %s", t->number, masked);
	return 0;
}

int
notify_reminder(notify *n, int64_t booking, int64_t at, const char *phone,
    const char *text)
{
	char p[16];
	int rc;

	if (!n->active)
		return -NOTIFY_EOFF;
	if (notify_phone_parse(phone, p) != 0)
		return -NOTIFY_EPHONE;
	if (core_begin(n->core) != 0)
		return -NOTIFY_ESTORE;
	rc = notify_queue(n, OUTBOX_REMINDER, booking * NOTIFY_REF_SPAN + at / 60, p, text, at);
	return rc < 0 ? -NOTIFY_ESTORE : rc;
}

int
notify_dlr(notify *n, int64_t id, const char *secret, int dlr)
{
	int rc;

	if (!n->active)
		return 0;
	if (core_begin(n->core) != 0)
		return -NOTIFY_ESTORE;
	if ((rc = outbox_dlr(n->ob, id, secret, dlr, core_now())) < 0) {
		log_warnx("sms: %s", outbox_errmsg(n->ob));
		return -NOTIFY_ESTORE;
	}
	if (rc > 0)
		log_info("sms: message %lld: delivery report %d", (long long)id, dlr);
	return rc;
}

/* ---- the day-before reminders --------------------------------------------- */

/* Today's local date at core_now() into today (YYYY-MM-DD); the hour. */
static int
notify_today(char today[11])
{
	time_t now = (time_t)core_now();
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(today, 11, "%Y-%m-%d", &tm);
	return tm.tm_hour;
}

int
notify_reminders_run(notify *n, struct notify_reminders *out)
{
	const struct config *cfg;
	struct booking_reminder *r;
	int k, i, rc;

	memset(out, 0, sizeof *out);
	if (!notify_active(n))
		return -NOTIFY_EOFF;
	cfg = core_config(n->core);
	if ((k = booking_reminders(n->core, core_now(), out->day, &r)) < 0) {
		log_warnx("sms: reminders: %s", store_errmsg(core_store(n->core)));
		return -NOTIFY_ESTORE;
	}
	out->bookings = k;
	for (i = 0; i < k; i++) {
		char *text = notify_text_reminder(cfg, r[i].at, r[i].procedure);

		rc = notify_reminder(n, r[i].id, r[i].at, r[i].phone, text);
		free(text);
		if (rc == 1)
			out->queued++;
		else if (rc == 0)
			out->already++;
		else if (rc == -NOTIFY_EPHONE)
			out->skipped++;
		else {
			free(r);
			return rc;
		}
	}
	free(r);
	(void)notify_today(n->reminded);
	if (k > 0)
		log_info("sms: reminders for %s: %d bookings, %d queued, %d queued before",
		    out->day, k, out->queued, out->already);
	return 0;
}

int
notify_booking_changed(notify *n, const struct store_booking *b)
{
	struct booking_reminder r;
	char today[11], *text;
	int64_t lo, hi, keep;
	int hour, k = 0, k2 = 0, rc;

	if (!notify_active(n))
		return 0;
	if (core_begin(n->core) != 0)
		return -NOTIFY_ESTORE;
	/* Every reminder of b but the one of its time while it is booked. */
	lo = b->id * NOTIFY_REF_SPAN;
	hi = lo + NOTIFY_REF_SPAN - 1;
	keep = strcmp(b->state, "booked") == 0 ? lo + booking_start(b) / 60 : -1;
	if (keep > lo)
		k = outbox_withdraw(n->ob, OUTBOX_REMINDER, lo, keep - 1);
	if (k >= 0)
		k2 = outbox_withdraw(n->ob, OUTBOX_REMINDER, keep > lo ? keep + 1 : lo, hi);
	if (k < 0 || k2 < 0) {
		log_warnx("sms: %s", outbox_errmsg(n->ob));
		return -NOTIFY_ESTORE;
	}
	if (k + k2 > 0)
		log_info("sms: booking %s: its reminder is withdrawn", b->code);
	/* Tomorrow's, once today's run is over: at once, until the night. */
	hour = notify_today(today);
	if (strcmp(today, n->reminded) != 0 || hour >= NOTIFY_REMIND_UNTIL ||
	    booking_reminder_of(n->core, b, core_now(), &r) == 0)
		return 0;
	text = notify_text_reminder(core_config(n->core), r.at, r.procedure);
	rc = notify_reminder(n, r.id, r.at, r.phone, text);
	free(text);
	if (rc == 1)
		log_info("sms: booking %s: reminder queued (made after today's run)", b->code);
	return rc == -NOTIFY_EPHONE ? 0 : rc;
}

/* Once a day from [booking] reminder_hour (local) until NOTIFY_REMIND_UNTIL:
 * tomorrow's reminders.  A restart runs it again that day; the outbox keeps
 * one reminder per booking and start, so nothing is queued twice.  After
 * the run, notify_booking_changed queues the bookings made for tomorrow. */
static int64_t
notify_remind(void *arg)
{
	notify *n = arg;
	struct notify_reminders got;
	char today[11];
	int hour = notify_today(today);

	if (hour >= core_config(n->core)->booking.reminder_hour &&
	    hour < NOTIFY_REMIND_UNTIL && strcmp(today, n->reminded) != 0)
		(void)notify_reminders_run(n, &got);
	return NOTIFY_REMIND_MS;
}

/* ---- sending ------------------------------------------------------------- */

/* Append s percent-encoded (RFC 3986 unreserved kept). */
static void
notify_esc(char **buf, size_t *len, size_t *cap, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (*len + 4 > *cap) {
			*cap = (*len + 4) * 2;
			*buf = xreallocarray(*buf, *cap, 1);
		}
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			(*buf)[(*len)++] = (char)c;
		else {
			(*buf)[(*len)++] = '%';
			(*buf)[(*len)++] = hex[c >> 4];
			(*buf)[(*len)++] = hex[c & 15];
		}
	}
	(*buf)[*len] = '\0';
}

static void
notify_lit(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t k = strlen(s);

	if (*len + k + 1 > *cap) {
		*cap = (*len + k + 1) * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	memcpy(*buf + *len, s, k + 1);
	*len += k;
}

/* The sendsms URL of m (malloc'd). */
static char *
notify_url(notify *n, const struct outbox_msg *m)
{
	const struct config_sms *c = n->cfg;
	size_t len = 0, cap = 256;
	char *u = xmalloc(cap), *dlr;

	u[0] = '\0';
	notify_lit(&u, &len, &cap, c->url);
	notify_lit(&u, &len, &cap, strchr(c->url, '?') ? "&username=" : "?username=");
	notify_esc(&u, &len, &cap, c->username);
	notify_lit(&u, &len, &cap, "&password=");
	notify_esc(&u, &len, &cap, c->password);
	if (c->from != NULL && c->from[0] != '\0') {
		notify_lit(&u, &len, &cap, "&from=");
		notify_esc(&u, &len, &cap, c->from);
	}
	notify_lit(&u, &len, &cap, "&to=");
	notify_esc(&u, &len, &cap, m->phone);
	notify_lit(&u, &len, &cap, "&coding=0&text=");
	notify_esc(&u, &len, &cap, m->text);
	if (c->dlr_url != NULL && c->dlr_url[0] != '\0') {
		/* Kannel replaces %d by the report's type when it calls back. */
		xasprintf(&dlr, "%s/api/v1/public/sms/%lld/dlr?k=%s&s=%%d", c->dlr_url,
		    (long long)m->id, m->secret);
		notify_lit(&u, &len, &cap, "&dlr-mask=31&dlr-url=");
		notify_esc(&u, &len, &cap, dlr);
		free(dlr);
	}
	return u;
}

static int
notify_inflight(const notify *n, int64_t id)
{
	int i;

	for (i = 0; i < n->ninflight; i++)
		if (n->inflight[i].id == id)
			return 1;
	return 0;
}

/* Hand due messages to the thread; only outside a batch (committed rows). */
static void
notify_pump(notify *n)
{
	struct outbox_msg m[NOTIFY_INFLIGHT * 2];
	int k, i;

	if (!n->active || core_in_batch(n->core) || n->ninflight >= NOTIFY_INFLIGHT)
		return;
	if ((k = outbox_due(n->ob, core_now(), m, NOTIFY_INFLIGHT * 2)) < 0) {
		log_warnx("sms: %s", outbox_errmsg(n->ob));
		return;
	}
	for (i = 0; i < k && n->ninflight < NOTIFY_INFLIGHT; i++) {
		char masked[NOTIFY_MASK_LEN];

		if (notify_inflight(n, m[i].id))
			continue;
		notify_phone_mask(m[i].phone, masked);
		log_debug("sms: sending %lld (%s) to %s, attempt %d", (long long)m[i].id,
		    outbox_kind_name(m[i].kind), masked, m[i].attempts + 1);
		n->inflight[n->ninflight].id = m[i].id;
		n->inflight[n->ninflight++].attempts = m[i].attempts;
		sender_submit(n->snd, m[i].id, notify_url(n, &m[i]));
	}
}

static void
notify_after_commit(void *arg, int ok)
{
	notify *n = arg;

	(void)ok;
	n->pump_waiting = 0;
	notify_pump(n);
}

/* Back-off after the attempts so far: 2, 4, 8, ... s up to retry_max_s. */
static int64_t
notify_backoff(const notify *n, int attempts)
{
	int64_t d = 2;

	while (attempts-- > 0 && d < n->cfg->retry_max_s)
		d *= 2;
	return d < n->cfg->retry_max_s ? d : n->cfg->retry_max_s;
}

/* Results from the thread: written in a batch. */
static void
notify_on_fd(int fd, short revents, void *arg)
{
	notify *n = arg;
	struct sender_result r;
	int i, att;

	(void)fd;
	(void)revents;
	while (sender_next_result(n->snd, &r) == 1) {
		att = 0;
		for (i = 0; i < n->ninflight && n->inflight[i].id != r.id; i++)
			;
		if (i < n->ninflight) {
			att = n->inflight[i].attempts;
			n->inflight[i] = n->inflight[--n->ninflight];
		}
		if (core_begin(n->core) != 0) {
			log_warnx("sms: message %lld: cannot record the gateway's answer"
			    " (it may be sent again)", (long long)r.id);
			continue;
		}
		if (r.ok) {
			log_debug("sms: message %lld handed to the gateway", (long long)r.id);
			if (outbox_mark_sent(n->ob, r.id, core_now()) != 0)
				log_warnx("sms: %s", outbox_errmsg(n->ob));
		} else {
			/* att: the attempts before this one */
			int64_t next = core_now() + notify_backoff(n, att);

			log_warnx("sms: message %lld: gateway: %s; retrying", (long long)r.id,
			    r.error);
			if (outbox_mark_retry(n->ob, r.id, next, r.error) != 0)
				log_warnx("sms: %s", outbox_errmsg(n->ob));
		}
		notify_pump_later(n);
	}
}

static int64_t
notify_tick(void *arg)
{
	notify *n = arg;

	notify_pump(n);
	return core_in_batch(n->core) ? 100 : NOTIFY_TICK_MS;
}

static void
notify_purge_now(notify *n)
{
	int64_t cutoff = core_now() - (int64_t)n->cfg->keep_days * 86400;
	int k;

	if (core_begin(n->core) != 0)
		return;
	if ((k = outbox_purge(n->ob, cutoff)) < 0 ||
	    outbox_expire(n->ob, core_now()) < 0)
		log_warnx("sms: %s", outbox_errmsg(n->ob));
	else if (k > 0)
		log_info("sms: %d phone numbers older than %d days forgotten", k,
		    n->cfg->keep_days);
}

static int64_t
notify_purge(void *arg)
{
	notify_purge_now(arg);
	return NOTIFY_PURGE_MS;
}

/* Rebuild the watch list at start: today's tickets with a phone. */
static void
notify_load_one(void *arg, int64_t ticket, const char *phone)
{
	notify *n = arg;
	const struct engine_ticket *t = engine_ticket_by_id(core_engine(n->core), ticket);
	struct notify_watch *w;

	if (t == NULL || notify_final(t->state))
		return;
	w = notify_watch_add(n, ticket, phone);
	w->near_done = outbox_exists(n->ob, OUTBOX_NEAR, ticket) != 0;
	w->called_done = outbox_exists(n->ob, OUTBOX_CALLED, ticket) != 0;
}

notify *
notify_start(core *c, loop *l, char *err, size_t errlen)
{
	const struct config *cfg = core_config(c);
	notify *n = xcalloc(1, sizeof *n);

	n->core = c;
	n->loop = l;
	n->cfg = &cfg->sms;
	n->active = cfg->sms.url != NULL && cfg->sms.enabled;
	if (!n->active)
		return n;
	if ((n->ob = outbox_new(core_store(c), err, errlen)) == NULL) {
		free(n);
		return NULL;
	}
	if (outbox_phones(n->ob, core_now() - (int64_t)cfg->sms.keep_days * 86400,
	    notify_load_one, n) != 0) {
		snprintf(err, errlen, "sms: %s", outbox_errmsg(n->ob));
		outbox_free(n->ob);
		free(n);
		return NULL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	n->snd = sender_start(cfg->sms.timeout_s);
	loop_add_fd(l, sender_fd(n->snd), POLLIN, notify_on_fd, n);
	core_add_precommit(c, notify_precommit, n);
	notify_purge_now(n);
	n->tick = loop_add_timer(l, 0, notify_tick, n);
	n->purge = loop_add_timer(l, NOTIFY_PURGE_MS, notify_purge, n);
	n->remind = loop_add_timer(l, 0, notify_remind, n);
	log_info("sms: through %s, %zu tickets watched", cfg->sms.url, n->nw);
	return n;
}

int
notify_active(const notify *n)
{
	return n != NULL && n->active;
}

void
notify_stop(notify *n)
{
	if (n == NULL)
		return;
	if (n->active) {
		loop_del_timer(n->loop, n->tick);
		loop_del_timer(n->loop, n->purge);
		loop_del_timer(n->loop, n->remind);
		loop_del_fd(n->loop, sender_fd(n->snd));
		/* What the gateway took while we stop is marked sent now, so
		   a clean stop never sends a message twice. */
		sender_stop(n->snd);
		n->active = 0;               /* nothing more is pumped */
		notify_on_fd(sender_fd(n->snd), POLLIN, n);
		core_flush(n->core);
		sender_free(n->snd);
		outbox_free(n->ob);
	}
	free(n->w);
	free(n);
}
