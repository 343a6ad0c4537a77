/*
 * r_state.c - what the centre is doing now: GET /healthz, GET /api/v1/state
 * (tickets, counters, queues; printers and boards for people), GET
 * /api/v1/printers and /api/v1/boards, and the devices offline that the
 * dashboard lists.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/log.h"
#include "common/strnum.h"
#include "common/xmalloc.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"

/* Printers' and boards' state into a state object (for managers). */
static void
api_add_devices(api *a, cJSON *o)
{
	cJSON *d;

	if (a->devprint != NULL) {
		d = devprint_json(a->devprint);
		cJSON_AddItemToObject(o, "printers", cJSON_DetachItemFromObject(d, "printers"));
		cJSON_Delete(d);
	}
	if (a->devbus != NULL) {
		d = devbus_boards_json(a->devbus);
		cJSON_AddItemToObject(o, "boards", cJSON_DetachItemFromObject(d, "boards"));
		cJSON_Delete(d);
	}
}

cJSON *
api_devices_offline(api *a)
{
	cJSON *arr = cJSON_CreateArray(), *d, *x;

	if (a->devprint != NULL) {
		d = devprint_json(a->devprint);
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "printers")) {
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "ready")))
				continue;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "kind", "printer");
			cJSON_AddStringToObject(o, "id", cJSON_GetObjectItemCaseSensitive(x, "id")->valuestring);
			cJSON_AddStringToObject(o, "state", cJSON_GetObjectItemCaseSensitive(x, "status")->valuestring);
			cJSON_AddItemToArray(arr, o);
		}
		cJSON_Delete(d);
	}
	if (a->devbus != NULL) {
		d = devbus_boards_json(a->devbus);
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "lines")) {
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(x, "state");
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(x, "id");
			if (!cJSON_IsString(st) || strcmp(st->valuestring, "closed") != 0 ||
			    !cJSON_IsString(id))
				continue;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "kind", "line");
			cJSON_AddStringToObject(o, "id", id->valuestring);
			cJSON_AddStringToObject(o, "state", "closed");
			cJSON_AddItemToArray(arr, o);
		}
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "boards")) {
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(x, "state");
			char id[64];
			if (!cJSON_IsString(st) || strcmp(st->valuestring, "offline") != 0)
				continue;
			snprintf(id, sizeof id, "%s/%d",
			    cJSON_GetObjectItemCaseSensitive(x, "line")->valuestring,
			    cJSON_GetObjectItemCaseSensitive(x, "address")->valueint);
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "kind", "board");
			cJSON_AddStringToObject(o, "id", id);
			cJSON_AddStringToObject(o, "state", "offline");
			cJSON_AddItemToArray(arr, o);
		}
		cJSON_Delete(d);
	}
	return arr;
}

/* GET /healthz: alive, the day and the last committed event. */
void
api_healthz(struct req *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddBoolToObject(o, "ok", 1);
	cJSON_AddStringToObject(o, "day", engine_day(core_engine(r->a->core)));
	cJSON_AddNumberToObject(o, "last_event_id",
	    (double)core_committed_event_id(r->a->core));
	api_reply_json(r, 200, o);
}

/*
 * GET /api/v1/state.  The engine's part is serialised once per engine
 * version and committed event (a display or console that reloads the state
 * on every event costs one serialisation per change, not one per client);
 * the printers and boards, which change apart from the engine, are added to
 * each answer.
 */
void
api_state(struct req *r)
{
	api *a = r->a;
	const engine *e = core_engine(a->core);
	int64_t committed = core_committed_event_id(a->core);
	cJSON *dev;
	char *dtext, *out;
	size_t n, m;

	if (a->state_text == NULL || a->state_version != engine_version(e) ||
	    a->state_event != committed ||
	    a->state_generation != core_generation(a->core)) {
		cJSON *o = apijson_state(core_config(a->core), e, committed);

		free(a->state_text);
		a->state_text = apijson_print(o);
		cJSON_Delete(o);
		a->state_version = engine_version(e);
		a->state_event = committed;
		a->state_generation = core_generation(a->core);
	}
	dev = cJSON_CreateObject();
	cJSON_AddStringToObject(dev, "notice", core_notice(a->core));
	api_add_devices(a, dev);
	if (cJSON_GetArraySize(dev) == 0) {
		cJSON_Delete(dev);
		api_reply_raw(r, 200, "application/json; charset=utf-8",
		    xstrdup(a->state_text));
		return;
	}
	/* {engine...} + {devices...} -> {engine...,devices...} */
	dtext = apijson_print(dev);
	cJSON_Delete(dev);
	n = strlen(a->state_text);
	m = strlen(dtext);
	out = xmalloc(n + m + 1);
	memcpy(out, a->state_text, n - 1);
	out[n - 1] = ',';
	memcpy(out + n, dtext + 1, m - 1);
	out[n + m - 1] = '\0';
	free(dtext);
	api_reply_raw(r, 200, "application/json; charset=utf-8", out);
}

/* GET /api/v1/printers. */
void
api_printers(struct req *r)
{
	if (r->a->devprint != NULL)
		api_reply_json(r, 200, devprint_json(r->a->devprint));
	else
		api_reply_json(r, 200, cJSON_Parse("{\"printers\":[]}"));
}

/* GET /api/v1/boards. */
void
api_boards(struct req *r)
{
	if (r->a->devbus != NULL)
		api_reply_json(r, 200, devbus_boards_json(r->a->devbus));
	else
		api_reply_json(r, 200, cJSON_Parse("{\"boards\":[]}"));
}
