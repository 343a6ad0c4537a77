/*
 * apijson.c - JSON shapes of tickets, counters, events, state, procedures.
 */
#include "daemon/http/apijson.h"

#include <stdlib.h>
#include <string.h>

#include "common/waittext.h"
#include "common/xmalloc.h"

/* The channel's name (proto/vocab.c); "api" for none. */
static const char *
apijson_channel(enum engine_channel ch)
{
	const char *n = vocab_name(VOCAB_CHANNEL, (int)ch);

	return n != NULL ? n : "api";
}

/* Add n as a number, or null when absent (n <= 0 for times, < 0 else). */
static void
apijson_add_time(cJSON *o, const char *name, int64_t t)
{
	if (t > 0)
		cJSON_AddNumberToObject(o, name, (double)t);
	else
		cJSON_AddNullToObject(o, name);
}

/*
 * The estimate est (s) as a visitor is told it: est_wait_min (whole
 * minutes, rounded up: the field of old), est_low_s / est_high_s (the
 * range of a long wait, engine_estimate_range; both est for one figure)
 * and est_text, its Vietnamese words ("khoảng 40–55 phút", "3 phút").
 * e NULL: one figure.
 */
static void
apijson_add_estimate(cJSON *o, const engine *e, int est)
{
	int lo = est, hi = est;
	char text[64];

	if (e != NULL)
		engine_estimate_range(e, est, &lo, &hi);
	waittext_format(text, sizeof text, est, lo, hi, 0);
	cJSON_AddNumberToObject(o, "est_wait_min", (est + 59) / 60);
	cJSON_AddNumberToObject(o, "est_low_s", lo);
	cJSON_AddNumberToObject(o, "est_high_s", hi);
	cJSON_AddStringToObject(o, "est_text", text);
}

static void
apijson_add_counter_number(cJSON *o, const char *name,
    const struct config *cfg, int index)
{
	if (index >= 0 && index < cfg->ncounters)
		cJSON_AddNumberToObject(o, name, cfg->counters[index].number);
	else
		cJSON_AddNullToObject(o, name);
}

/* "counters": [2, 3], the counters the ticket names (config_ticket_counters). */
static void
apijson_add_ticket_counters(cJSON *o, const struct config *cfg,
    const struct engine_ticket *t)
{
	int idx[CONFIG_MAX_COUNTERS], n, i;
	cJSON *arr = cJSON_AddArrayToObject(o, "counters");

	n = config_ticket_counters(cfg, t->queue, t->assigned_counter, idx, CONFIG_MAX_COUNTERS);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(cfg->counters[idx[i]].number));
}

static void
apijson_add_queue(cJSON *o, const struct config *cfg, int q)
{
	if (q >= 0 && q < cfg->nqueues) {
		const struct config_queue *cq = &cfg->queues[q];
		cJSON_AddStringToObject(o, "queue", cq->code);
		cJSON_AddStringToObject(o, "queue_name", cq->name);
		cJSON_AddStringToObject(o, "department",
		    cfg->departments[cq->department].code);
	} else {
		cJSON_AddNullToObject(o, "queue");
		cJSON_AddNullToObject(o, "queue_name");
		cJSON_AddNullToObject(o, "department");
	}
}

cJSON *
apijson_ticket(const struct config *cfg, const engine *e,
    const struct engine_ticket *t)
{
	cJSON *o = cJSON_CreateObject();
	int ahead = t->ahead, est = t->est_wait_s;

	cJSON_AddNumberToObject(o, "id", (double)t->id);
	cJSON_AddStringToObject(o, "code", t->code);
	cJSON_AddStringToObject(o, "day", t->day);
	cJSON_AddNumberToObject(o, "number", t->number);
	apijson_add_queue(o, cfg, t->queue);
	if (t->procedure >= 0 && t->procedure < cfg->nprocedures) {
		cJSON_AddStringToObject(o, "procedure", cfg->procedures[t->procedure].code);
		cJSON_AddStringToObject(o, "procedure_name", cfg->procedures[t->procedure].name);
	} else {
		cJSON_AddNullToObject(o, "procedure");
		cJSON_AddNullToObject(o, "procedure_name");
	}
	if (t->priority > 0 && t->priority <= cfg->npriority) {
		cJSON_AddStringToObject(o, "priority", cfg->priority[t->priority].code);
		cJSON_AddStringToObject(o, "priority_name", cfg->priority[t->priority].name);
	} else {
		cJSON_AddNullToObject(o, "priority");
		cJSON_AddNullToObject(o, "priority_name");
	}
	cJSON_AddStringToObject(o, "channel", apijson_channel(t->channel));
	if (t->kiosk >= 0 && t->kiosk < cfg->nkiosks)
		cJSON_AddStringToObject(o, "kiosk", cfg->kiosks[t->kiosk].id);
	else
		cJSON_AddNullToObject(o, "kiosk");
	cJSON_AddStringToObject(o, "state", engine_ticket_state_name(t->state));
	apijson_add_counter_number(o, "counter", cfg, t->counter);
	apijson_add_counter_number(o, "assigned_counter", cfg, t->assigned_counter);
	apijson_add_ticket_counters(o, cfg, t);
	apijson_add_time(o, "issued_at", t->issued_at);
	apijson_add_time(o, "enqueued_at", t->enqueued_at);
	apijson_add_time(o, "called_at", t->called_at);
	apijson_add_time(o, "started_at", t->started_at);
	apijson_add_time(o, "finished_at", t->finished_at);
	cJSON_AddNumberToObject(o, "calls", t->calls);
	cJSON_AddNumberToObject(o, "transfers", t->transfers);
	if (t->rating > 0)
		cJSON_AddNumberToObject(o, "rating", t->rating);
	else
		cJSON_AddNullToObject(o, "rating");
	if (t->state == ENGINE_T_WAITING && e != NULL)
		engine_position(e, t->id, &ahead, &est);
	cJSON_AddNumberToObject(o, "ahead", ahead);
	apijson_add_estimate(o, e, est);
	return o;
}

cJSON *
apijson_public_ticket(const struct config *cfg, const engine *e,
    const struct engine_ticket *t)
{
	cJSON *o = cJSON_CreateObject(), *areas;
	int idx[CONFIG_MAX_COUNTERS], ahead = 0, est = 0, n, i, j, at;

	cJSON_AddStringToObject(o, "centre", cfg->centre_name);
	cJSON_AddNumberToObject(o, "number", t->number);
	apijson_add_queue(o, cfg, t->queue);
	if (t->procedure >= 0 && t->procedure < cfg->nprocedures)
		cJSON_AddStringToObject(o, "procedure_name", cfg->procedures[t->procedure].name);
	else
		cJSON_AddNullToObject(o, "procedure_name");
	cJSON_AddStringToObject(o, "state", engine_ticket_state_name(t->state));
	if (t->state == ENGINE_T_WAITING)
		engine_position(e, t->id, &ahead, &est);
	cJSON_AddNumberToObject(o, "ahead", ahead);
	apijson_add_estimate(o, e, est);
	/* The counters it names and their areas, each area once. */
	apijson_add_ticket_counters(o, cfg, t);
	areas = cJSON_AddArrayToObject(o, "areas");
	n = config_ticket_counters(cfg, t->queue, t->assigned_counter, idx, CONFIG_MAX_COUNTERS);
	for (i = 0; i < n; i++) {
		const char *a = cfg->counters[idx[i]].area;
		for (j = 0; a != NULL && j < i && (cfg->counters[idx[j]].area == NULL ||
		    strcmp(cfg->counters[idx[j]].area, a) != 0); j++)
			;
		if (a != NULL && j == i)
			cJSON_AddItemToArray(areas, cJSON_CreateString(a));
	}
	/* Where to go, while called or served. */
	at = t->state == ENGINE_T_CALLED || t->state == ENGINE_T_SERVING ? t->counter : -1;
	apijson_add_counter_number(o, "counter", cfg, at);
	if (at >= 0 && at < cfg->ncounters) {
		cJSON_AddStringToObject(o, "counter_name", cfg->counters[at].name);
		if (cfg->counters[at].area != NULL)
			cJSON_AddStringToObject(o, "counter_area", cfg->counters[at].area);
		else
			cJSON_AddNullToObject(o, "counter_area");
	} else {
		cJSON_AddNullToObject(o, "counter_name");
		cJSON_AddNullToObject(o, "counter_area");
	}
	apijson_add_time(o, "issued_at", t->issued_at);
	apijson_add_time(o, "called_at", t->called_at);
	cJSON_AddNumberToObject(o, "calls", at >= 0 ? t->calls : 0);
	return o;
}

cJSON *
apijson_counter(const struct config *cfg, const engine *e,
    const struct engine_counter *c)
{
	const struct config_counter *cc = &cfg->counters[c->index];
	const struct engine_ticket *t;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "number", cc->number);
	cJSON_AddStringToObject(o, "name", cc->name);
	cJSON_AddStringToObject(o, "department", cfg->departments[cc->department].code);
	if (cc->area != NULL)
		cJSON_AddStringToObject(o, "area", cc->area);
	else
		cJSON_AddNullToObject(o, "area");
	cJSON_AddStringToObject(o, "state", engine_counter_state_name(c->state));
	{
		cJSON *sv = cJSON_AddArrayToObject(o, "serves");
		int k;
		for (k = 0; k < cc->nserves; k++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "queue", cfg->queues[cc->serves[k].queue].code);
			cJSON_AddStringToObject(x, "level",
			    cc->serves[k].level == CONFIG_PRIMARY ? "primary" : "backup");
			cJSON_AddItemToArray(sv, x);
		}
	}
	if (c->ticket != 0 && (t = engine_ticket_by_id(e, c->ticket)) != NULL)
		cJSON_AddItemToObject(o, "ticket", apijson_ticket(cfg, e, t));
	else
		cJSON_AddNullToObject(o, "ticket");
	apijson_add_time(o, "since", c->since);
	cJSON_AddStringToObject(o, "reason", c->reason);
	cJSON_AddNumberToObject(o, "staff", c->staff);
	return o;
}

cJSON *
apijson_event(const struct config *cfg, const struct engine_event *ev)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)ev->id);
	cJSON_AddStringToObject(o, "type", engine_event_name(ev->type));
	cJSON_AddNumberToObject(o, "at", (double)ev->at);
	if (ev->ticket > 0)
		cJSON_AddNumberToObject(o, "ticket", (double)ev->ticket);
	else
		cJSON_AddNullToObject(o, "ticket");
	if (ev->number > 0)
		cJSON_AddNumberToObject(o, "number", ev->number);
	else
		cJSON_AddNullToObject(o, "number");
	if (ev->queue >= 0 && ev->queue < cfg->nqueues)
		cJSON_AddStringToObject(o, "queue", cfg->queues[ev->queue].code);
	else
		cJSON_AddNullToObject(o, "queue");
	apijson_add_counter_number(o, "counter", cfg, ev->counter);
	cJSON_AddNumberToObject(o, "staff", ev->staff);
	cJSON_AddNumberToObject(o, "value", ev->value);
	cJSON_AddStringToObject(o, "reason", ev->reason);
	return o;
}

cJSON *
apijson_state(const struct config *cfg, const engine *e, int64_t last_event_id)
{
	const struct engine_ticket *const *open;
	cJSON *o = cJSON_CreateObject(), *arr;
	int i, n;

	cJSON_AddStringToObject(o, "day", engine_day(e));
	cJSON_AddStringToObject(o, "centre", cfg->centre_name);
	cJSON_AddNumberToObject(o, "last_event_id", (double)last_event_id);
	arr = cJSON_AddArrayToObject(o, "queues");
	for (i = 0; i < cfg->nqueues; i++) {
		const struct config_queue *q = &cfg->queues[i];
		const struct engine_queue *eq = engine_queue(e, i);
		cJSON *qo = cJSON_CreateObject();
		int waiting = engine_waiting_count(e, i);
		cJSON_AddStringToObject(qo, "code", q->code);
		cJSON_AddStringToObject(qo, "name", q->name);
		cJSON_AddStringToObject(qo, "department", cfg->departments[q->department].code);
		cJSON_AddNumberToObject(qo, "waiting", waiting);
		cJSON_AddNumberToObject(qo, "target_wait_min", q->target_wait_min);
		cJSON_AddNumberToObject(qo, "service_min",
		    eq != NULL ? (int)(eq->service_ewma_s / 60.0 + 0.5) : q->service_min);
		{
			int ahead = 0, est = 0;
			engine_queue_estimate(e, i, 0, &ahead, &est);
			apijson_add_estimate(qo, e, est);
		}
		cJSON_AddItemToArray(arr, qo);
	}
	arr = cJSON_AddArrayToObject(o, "counters");
	for (i = 0; i < cfg->ncounters; i++) {
		const struct engine_counter *c = engine_counter(e, i);
		if (c != NULL)
			cJSON_AddItemToArray(arr, apijson_counter(cfg, e, c));
	}
	arr = cJSON_AddArrayToObject(o, "waiting");
	n = engine_open_tickets(e, &open);
	for (i = 0; i < n; i++)
		if (open[i]->state == ENGINE_T_WAITING || open[i]->state == ENGINE_T_PARKED)
			cJSON_AddItemToArray(arr, apijson_ticket(cfg, e, open[i]));
	return o;
}

cJSON *
apijson_procedure(const struct config *cfg, int index)
{
	const struct config_procedure *p = &cfg->procedures[index];
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "code", p->code);
	cJSON_AddStringToObject(o, "name", p->name);
	cJSON_AddStringToObject(o, "department", cfg->departments[p->department].code);
	cJSON_AddStringToObject(o, "department_name", cfg->departments[p->department].name);
	cJSON_AddStringToObject(o, "field", p->field ? p->field : "");
	cJSON_AddStringToObject(o, "queue", cfg->queues[p->queue].code);
	cJSON_AddStringToObject(o, "fee", p->fee ? p->fee : "");
	cJSON_AddStringToObject(o, "processing_time", p->processing_time ? p->processing_time : "");
	cJSON_AddStringToObject(o, "documents", p->documents ? p->documents : "");
	cJSON_AddNumberToObject(o, "target_wait_min", p->target_wait_min > 0 ?
	    p->target_wait_min : cfg->queues[p->queue].target_wait_min);
	return o;
}

cJSON *
apijson_departments(const struct config *cfg)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "departments");
	int d, i;

	for (d = 0; d < cfg->ndepartments; d++) {
		cJSON *dep = cJSON_CreateObject(), *fields;
		cJSON_AddStringToObject(dep, "code", cfg->departments[d].code);
		cJSON_AddStringToObject(dep, "name", cfg->departments[d].name);
		fields = cJSON_AddArrayToObject(dep, "fields");
		/* Distinct fields in catalogue order. */
		for (i = 0; i < cfg->nprocedures; i++) {
			const struct config_procedure *p = &cfg->procedures[i];
			const cJSON *f;
			int seen = 0;
			if (p->department != d || p->field == NULL)
				continue;
			cJSON_ArrayForEach(f, fields)
				if (strcmp(f->valuestring, p->field) == 0) {
					seen = 1;
					break;
				}
			if (!seen)
				cJSON_AddItemToArray(fields, cJSON_CreateString(p->field));
		}
		cJSON_AddItemToArray(arr, dep);
	}
	return o;
}

char *
apijson_print(const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);

	if (s == NULL)
		return xstrdup("null");
	return s;
}
