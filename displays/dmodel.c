/*
 * dmodel.c - the wall display's model (see dmodel.h): JSON of the state
 * and of events (cJSON) into plain structs, the call history, waiting
 * counts kept by the set of waiting ticket ids, and the announce decision.
 */
#include "displays/dmodel.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/vntext.h"
#include "common/xmalloc.h"

void
dmodel_init(struct dmodel *m)
{
	memset(m, 0, sizeof *m);
	m->max_age_s = 30;
}

void
dmodel_free(struct dmodel *m)
{
	free(m->waiting);
	m->waiting = NULL;
	m->nwaiting = m->capwaiting = 0;
}

/* ---- filter -------------------------------------------------------------- */

/* Parse a decimal integer in [lo, hi] from s..end exactly. */
static int
dmodel_parse_int(const char *s, size_t n, long lo, long hi, long *out)
{
	char buf[24], *end;
	long v;

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno != 0 || *end != '\0' || end == buf || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
dmodel_filter_counters(struct dmodel_filter *f, const char *spec)
{
	int list[DMODEL_MAX_FILTER], n = 0;
	const char *p = spec;

	while (*p != '\0') {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *dash;
		long a, b, i;

		while (len > 0 && *p == ' ') {
			p++;
			len--;
		}
		while (len > 0 && p[len - 1] == ' ')
			len--;
		dash = memchr(p, '-', len);
		if (dash != NULL) {
			if (dmodel_parse_int(p, (size_t)(dash - p), 1, 99, &a) != 0 ||
			    dmodel_parse_int(dash + 1, len - (size_t)(dash - p) - 1, 1, 99, &b) != 0 ||
			    b < a)
				return -1;
		} else {
			if (dmodel_parse_int(p, len, 1, 99, &a) != 0)
				return -1;
			b = a;
		}
		for (i = a; i <= b; i++) {
			if (n >= DMODEL_MAX_FILTER)
				return -1;
			list[n++] = (int)i;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	memcpy(f->counters, list, sizeof list);
	f->ncounters = n;
	return 0;
}

int
dmodel_filter_codes(struct dmodel_filter *f, int queues, const char *spec)
{
	char list[DMODEL_MAX_FILTER][32];
	size_t width = queues ? sizeof f->queues[0] : sizeof f->departments[0];
	int n = 0, i;
	const char *p = spec;

	while (*p != '\0') {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		while (len > 0 && *p == ' ') {
			p++;
			len--;
		}
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len == 0 || len >= width || n >= DMODEL_MAX_FILTER)
			return -1;
		memcpy(list[n], p, len);
		list[n][len] = '\0';
		n++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	for (i = 0; i < n; i++) {
		if (queues)
			snprintf(f->queues[i], sizeof f->queues[i], "%s", list[i]);
		else
			snprintf(f->departments[i], sizeof f->departments[i], "%s", list[i]);
	}
	if (queues)
		f->nqueues = n;
	else
		f->ndepartments = n;
	return 0;
}

static int
dmodel_dept_ok(const struct dmodel_filter *f, const char *dept)
{
	int i;

	if (f->ndepartments == 0)
		return 1;
	for (i = 0; i < f->ndepartments; i++)
		if (strcmp(f->departments[i], dept) == 0)
			return 1;
	return 0;
}

int
dmodel_counter_visible(const struct dmodel *m, const struct dmodel_counter *c)
{
	const struct dmodel_filter *f = &m->filter;
	int i, ok = f->ncounters == 0;

	for (i = 0; i < f->ncounters && !ok; i++)
		ok = f->counters[i] == c->number;
	if (!ok || !dmodel_dept_ok(f, c->department))
		return 0;
	return f->area[0] == '\0' || strcmp(f->area, c->area) == 0;
}

int
dmodel_queue_visible(const struct dmodel *m, const struct dmodel_queue *q)
{
	const struct dmodel_filter *f = &m->filter;
	int i;

	if (!dmodel_dept_ok(f, q->department))
		return 0;
	if (f->nqueues == 0)
		return 1;
	for (i = 0; i < f->nqueues; i++)
		if (strcmp(f->queues[i], q->code) == 0)
			return 1;
	return 0;
}

/* ---- JSON helpers -------------------------------------------------------- */

static void
dmodel_str(char *dst, size_t cap, const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	snprintf(dst, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

/* A number member as int64 (dflt when absent, null or not a number). */
static int64_t
dmodel_num(const cJSON *o, const char *name, int64_t dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(v) || v->valuedouble < -9e15 || v->valuedouble > 9e15)
		return dflt;
	return (int64_t)v->valuedouble;
}

static int
dmodel_queue_index(const struct dmodel *m, const char *code)
{
	int i;

	for (i = 0; i < m->nqueues; i++)
		if (strcmp(m->queues[i].code, code) == 0)
			return i;
	return -1;
}

struct dmodel_counter *
dmodel_counter_by_number(struct dmodel *m, int number)
{
	int i;

	for (i = 0; i < m->ncounters; i++)
		if (m->counters[i].number == number)
			return &m->counters[i];
	return NULL;
}

/* ---- waiting set --------------------------------------------------------- */

static void
dmodel_waiting_add(struct dmodel *m, int64_t ticket, int queue)
{
	size_t i;

	if (queue < 0 || queue >= m->nqueues)
		return;
	for (i = 0; i < m->nwaiting; i++)
		if (m->waiting[i].ticket == ticket)
			return;
	if (m->nwaiting == m->capwaiting) {
		m->capwaiting = m->capwaiting ? m->capwaiting * 2 : 64;
		m->waiting = xreallocarray(m->waiting, m->capwaiting, sizeof *m->waiting);
	}
	m->waiting[m->nwaiting].ticket = ticket;
	m->waiting[m->nwaiting].queue = queue;
	m->nwaiting++;
	m->queues[queue].waiting++;
}

static void
dmodel_waiting_remove(struct dmodel *m, int64_t ticket)
{
	size_t i;

	for (i = 0; i < m->nwaiting; i++) {
		if (m->waiting[i].ticket != ticket)
			continue;
		if (m->queues[m->waiting[i].queue].waiting > 0)
			m->queues[m->waiting[i].queue].waiting--;
		m->waiting[i] = m->waiting[--m->nwaiting];
		return;
	}
}

/* ---- history ------------------------------------------------------------- */

static int
dmodel_history_has(const struct dmodel *m, int64_t event_id)
{
	int i;

	for (i = 0; i < m->nhistory && event_id != 0; i++)
		if (m->history[i].event_id == event_id)
			return 1;
	return 0;
}

/* Insert c keeping newest first (by time, then event id). */
static void
dmodel_history_add(struct dmodel *m, const struct dmodel_call *c)
{
	int i, pos = 0;

	while (pos < m->nhistory && (m->history[pos].at > c->at ||
	    (m->history[pos].at == c->at && m->history[pos].event_id > c->event_id)))
		pos++;
	if (pos >= DMODEL_HISTORY)
		return;
	if (m->nhistory < DMODEL_HISTORY)
		m->nhistory++;
	for (i = m->nhistory - 1; i > pos; i--)
		m->history[i] = m->history[i - 1];
	m->history[pos] = *c;
}

/* 1 when the two calls are of the same ticket (by id, else by number at
 * the same counter). */
static int
dmodel_same_ticket(const struct dmodel_call *a, const struct dmodel_call *b)
{
	if (a->ticket != 0 && b->ticket != 0)
		return a->ticket == b->ticket;
	return a->number == b->number && a->counter == b->counter;
}

/*
 * Put c in the history, one row per ticket: a row of the same ticket that
 * is older (a recall, a later call) is taken out and c goes in at its
 * place by time (the top, for a new call); a row that is newer stays and c
 * is dropped; the same call known from a snapshot (no event id, same
 * time, not a recall) only gets c's event id.
 */
static void
dmodel_history_put(struct dmodel *m, const struct dmodel_call *c)
{
	int i;

	for (i = 0; i < m->nhistory; i++) {
		struct dmodel_call *h = &m->history[i];

		if (!dmodel_same_ticket(h, c))
			continue;
		if (h->at > c->at)
			return;
		if (h->at == c->at && !c->recall && (h->event_id == 0 || c->event_id == 0)) {
			if (h->event_id == 0)
				h->event_id = c->event_id;
			return;
		}
		memmove(h, h + 1, (size_t)(m->nhistory - i - 1) * sizeof *h);
		m->nhistory--;
		break;
	}
	dmodel_history_add(m, c);
}

/* ---- state --------------------------------------------------------------- */

static enum dmodel_cstate
dmodel_cstate_of(const char *s)
{
	if (strcmp(s, "open") == 0)
		return DMODEL_C_OPEN;
	if (strcmp(s, "paused") == 0)
		return DMODEL_C_PAUSED;
	return DMODEL_C_CLOSED;
}

int
dmodel_apply_state(struct dmodel *m, const char *json, int64_t now_ms)
{
	cJSON *root = cJSON_Parse(json), *arr, *it;
	int64_t last;
	int first = !m->loaded, i, n;
	char buf[32];

	if (root == NULL || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return -1;
	}
	last = dmodel_num(root, "last_event_id", -1);
	if (last < 0) {
		cJSON_Delete(root);
		return -1;
	}
	if (m->loaded && last < m->last_event_id && last >= m->state_event_id) {
		/* Older than events already applied (the stream was ahead of
		 * this answer): it would undo them; the next one will do. */
		cJSON_Delete(root);
		return 0;
	}
	dmodel_str(m->centre, sizeof m->centre, root, "centre");
	{
		const cJSON *nt = cJSON_GetObjectItemCaseSensitive(root, "notice");

		/* Whole characters only: the notice is drawn as it is. */
		vntext_copy_utf8(m->notice, sizeof m->notice,
		    cJSON_IsString(nt) ? nt->valuestring : "");
	}
	dmodel_str(buf, sizeof buf, root, "day");
	if (m->loaded && strcmp(buf, m->day) != 0)
		m->nhistory = 0;    /* a new service day */
	snprintf(m->day, sizeof m->day, "%s", buf);

	n = 0;
	arr = cJSON_GetObjectItemCaseSensitive(root, "queues");
	cJSON_ArrayForEach(it, arr) {
		struct dmodel_queue *q;

		if (n >= DMODEL_MAX_QUEUES)
			break;
		q = &m->queues[n++];
		dmodel_str(q->code, sizeof q->code, it, "code");
		dmodel_str(q->name, sizeof q->name, it, "name");
		dmodel_str(q->department, sizeof q->department, it, "department");
		q->waiting = 0;
	}
	m->nqueues = n;

	m->nwaiting = 0;
	arr = cJSON_GetObjectItemCaseSensitive(root, "waiting");
	cJSON_ArrayForEach(it, arr) {
		char st[16], qc[32];

		dmodel_str(st, sizeof st, it, "state");
		dmodel_str(qc, sizeof qc, it, "queue");
		if (strcmp(st, "waiting") == 0)
			dmodel_waiting_add(m, dmodel_num(it, "id", 0), dmodel_queue_index(m, qc));
	}
	/* The daemon's count wins over ours where it gives one. */
	arr = cJSON_GetObjectItemCaseSensitive(root, "queues");
	i = 0;
	cJSON_ArrayForEach(it, arr) {
		int64_t w = dmodel_num(it, "waiting", -1);

		if (i >= m->nqueues)
			break;
		if (w >= 0 && w <= INT_MAX)
			m->queues[i].waiting = (int)w;
		i++;
	}

	n = 0;
	arr = cJSON_GetObjectItemCaseSensitive(root, "counters");
	cJSON_ArrayForEach(it, arr) {
		struct dmodel_counter c, *old;
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "ticket");

		if (n >= DMODEL_MAX_COUNTERS)
			break;
		memset(&c, 0, sizeof c);
		c.number = (int)dmodel_num(it, "number", 0);
		dmodel_str(c.name, sizeof c.name, it, "name");
		dmodel_str(c.department, sizeof c.department, it, "department");
		dmodel_str(c.area, sizeof c.area, it, "area");
		dmodel_str(buf, sizeof buf, it, "state");
		c.state = dmodel_cstate_of(buf);
		if (cJSON_IsObject(t)) {
			c.ticket_id = dmodel_num(t, "id", 0);
			c.ticket_number = (int)dmodel_num(t, "number", 0);
			c.called_at = dmodel_num(t, "called_at", 0);
		}
		old = dmodel_counter_by_number(m, c.number);
		if (old != NULL && old->ticket_id == c.ticket_id)
			c.seen_ms = old->seen_ms;
		else if (!first && c.ticket_id != 0)
			c.seen_ms = now_ms;       /* a call we missed: show it fresh */
		/* A call the history does not hold yet (missed while away, or
		 * known only from this snapshot at start). */
		if (c.ticket_number > 0 && c.called_at > 0 && dmodel_counter_visible(m, &c)) {
			struct dmodel_call call = { .number = c.ticket_number, .counter = c.number,
			    .at = c.called_at, .seen_ms = first ? 0 : now_ms, .ticket = c.ticket_id };

			dmodel_history_put(m, &call);
		}
		m->counters[n++] = c;
	}
	m->ncounters = n;

	if (first || last < m->last_event_id)
		m->last_event_id = last;   /* start, or the daemon's store is new */
	m->state_event_id = last;
	m->loaded = 1;
	cJSON_Delete(root);
	return 0;
}

/* ---- events -------------------------------------------------------------- */

static void
dmodel_counter_clear(struct dmodel_counter *c, int64_t ticket)
{
	if (c != NULL && (ticket == 0 || c->ticket_id == ticket)) {
		c->ticket_id = 0;
		c->ticket_number = 0;
	}
}

int
dmodel_apply_event(struct dmodel *m, const char *json, int64_t now_unix,
    int64_t now_ms, struct dmodel_call *announce)
{
	cJSON *o = cJSON_Parse(json);
	char type[24], qcode[32];
	int64_t id, at, ticket, value;
	int number, counter, q, effect, ret = 0;
	struct dmodel_counter *c;

	if (o == NULL || !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return -1;
	}
	id = dmodel_num(o, "id", -1);
	dmodel_str(type, sizeof type, o, "type");
	if (id <= 0 || type[0] == '\0') {
		cJSON_Delete(o);
		return -1;
	}
	at = dmodel_num(o, "at", 0);
	ticket = dmodel_num(o, "ticket", 0);
	number = (int)dmodel_num(o, "number", 0);
	counter = (int)dmodel_num(o, "counter", 0);
	value = dmodel_num(o, "value", -1);
	dmodel_str(qcode, sizeof qcode, o, "queue");
	cJSON_Delete(o);
	if (id <= m->last_event_id)
		return 0;
	m->last_event_id = id;
	effect = id > m->state_event_id;
	q = dmodel_queue_index(m, qcode);
	c = counter > 0 ? dmodel_counter_by_number(m, counter) : NULL;

	if (strcmp(type, "called") == 0 || strcmp(type, "recalled") == 0) {
		struct dmodel_call call = { .event_id = id, .number = number, .counter = counter,
		    .recall = type[0] == 'r', .at = at, .seen_ms = now_ms, .ticket = ticket };

		if (effect) {
			dmodel_waiting_remove(m, ticket);
			if (c != NULL) {
				c->ticket_id = ticket;
				c->ticket_number = number;
				c->called_at = at;
				c->seen_ms = now_ms;
				if (c->state == DMODEL_C_CLOSED)
					c->state = DMODEL_C_OPEN;
			}
		}
		if (c != NULL && dmodel_counter_visible(m, c) && number > 0 &&
		    !dmodel_history_has(m, id)) {
			dmodel_history_put(m, &call);
			if (now_unix - at <= m->max_age_s && at - now_unix <= m->max_age_s) {
				*announce = call;
				ret = 1;
			}
		}
		return ret;
	}
	if (!effect)
		return 0;
	if (strcmp(type, "issued") == 0) {
		dmodel_waiting_add(m, ticket, q);
	} else if (strcmp(type, "finished") == 0 || strcmp(type, "no_show") == 0) {
		dmodel_counter_clear(c, ticket);
	} else if (strcmp(type, "transferred") == 0) {
		dmodel_counter_clear(c, ticket);
		if (value >= 0 && value < m->nqueues)
			q = (int)value;
		dmodel_waiting_add(m, ticket, q);
	} else if (strcmp(type, "parked") == 0) {
		dmodel_counter_clear(c, ticket);
		dmodel_waiting_remove(m, ticket);
	} else if (strcmp(type, "unparked") == 0) {
		dmodel_waiting_add(m, ticket, q);
	} else if (strcmp(type, "cancelled") == 0) {
		dmodel_waiting_remove(m, ticket);
	} else if (strcmp(type, "counter_opened") == 0) {
		if (c != NULL)
			c->state = DMODEL_C_OPEN;
	} else if (strcmp(type, "counter_paused") == 0) {
		if (c != NULL)
			c->state = DMODEL_C_PAUSED;
	} else if (strcmp(type, "counter_closed") == 0) {
		if (c != NULL) {
			c->state = DMODEL_C_CLOSED;
			dmodel_counter_clear(c, 0);
		}
	} else if (strcmp(type, "day_closed") == 0) {
		int i;

		m->nwaiting = 0;
		for (i = 0; i < m->nqueues; i++)
			m->queues[i].waiting = 0;
		for (i = 0; i < m->ncounters; i++) {
			m->counters[i].state = DMODEL_C_CLOSED;
			dmodel_counter_clear(&m->counters[i], 0);
		}
		m->nhistory = 0;
	}
	return 0;
}
