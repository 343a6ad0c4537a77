/*
 * r_counters.c - what a counter does: POST /api/v1/counters/{n}/{action}
 * (open, pause, close, next, call, recall, start, finish, no-show,
 * transfer, park, unpark, rate), and POST /api/v1/day/close.  The engine
 * checks every value (numbers, ratings, transfers) and says why it refuses.
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
#include "common/vntext.h"
#include "common/xmalloc.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"

static const struct {
	const char *name;
	enum engine_cmd_type type;
} api_actions[] = {
	{ "open", ENGINE_COUNTER_OPEN }, { "pause", ENGINE_COUNTER_PAUSE },
	{ "close", ENGINE_COUNTER_CLOSE }, { "next", ENGINE_CALL_NEXT },
	{ "call", ENGINE_CALL_SPECIFIC }, { "recall", ENGINE_RECALL },
	{ "start", ENGINE_START }, { "finish", ENGINE_FINISH },
	{ "no-show", ENGINE_NO_SHOW }, { "transfer", ENGINE_TRANSFER },
	{ "park", ENGINE_PARK }, { "unpark", ENGINE_UNPARK }, { "rate", ENGINE_RATE },
};

void
api_counter_action(struct req *r)
{
	const char *num = r->arg[0], *action = r->route->file;
	static const struct api_field spec[] = {
		{ "reason", K_STR, 0 }, { "number", K_INT, 0 }, { "queue", K_STR, 0 },
		{ "counter", K_INT, 0 }, { "keep_place", K_BOOL, 0 }, { "value", K_INT, 0 },
		{ NULL, 0, 0 } };
	const struct config *cfg = core_config(r->a->core);
	struct engine_cmd cmd;
	struct engine_result res;
	const struct engine_counter *c;
	const struct engine_ticket *t;
	const cJSON *kp;
	long long n;
	size_t i;
	const char *s;
	cJSON *b, *o;
	int rc, counter;

	if (strnum_parse(num, 1, 99, &n) != 0 ||
	    (counter = config_counter_index(cfg, (int)n)) < 0) {
		api_error(r, 404, "not_found", "Không có quầy số %.8s.", num);
		return;
	}
	for (i = 0; i < sizeof api_actions / sizeof api_actions[0] &&
	    strcmp(api_actions[i].name, action) != 0; i++)
		;
	if (i == sizeof api_actions / sizeof api_actions[0]) {
		api_error(r, 404, "not_found", "Không có thao tác \"%.32s\".", action);
		return;
	}
	if (!api_may_act_on(&r->user, (int)n)) {
		api_error(r, 403, "forbidden", "Tài khoản không được thao tác trên quầy %d.", (int)n);
		return;
	}
	if ((b = api_body(r, spec)) == NULL)
		return;
	cmd = engine_cmd_make(api_actions[i].type);
	cmd.counter = counter;
	cmd.staff = r->user.id;
	if ((s = api_str(b, "reason")) != NULL)
		vntext_copy_utf8(cmd.reason, sizeof cmd.reason, s);
	cmd.number = api_int(b, "number", 0);
	cmd.value = api_int(b, "value", 0);
	if ((kp = cJSON_GetObjectItemCaseSensitive(b, "keep_place")) != NULL)
		cmd.keep_place = cJSON_IsTrue(kp);
	if ((s = api_str(b, "queue")) != NULL &&
	    (cmd.to_queue = config_queue_index(cfg, s)) < 0) {
		api_error(r, 404, "not_found", "Không có hàng đợi \"%.32s\".", s);
		goto out;
	}
	if (cJSON_GetObjectItemCaseSensitive(b, "counter") != NULL &&
	    (cmd.to_counter = config_counter_index(cfg, api_int(b, "counter", 0))) < 0) {
		api_error(r, 404, "not_found", "Không có quầy số %d.", api_int(b, "counter", 0));
		goto out;
	}
	if ((rc = core_exec(r->a->core, &cmd, &res)) != 0) {
		api_engine_refused(r, rc, &cmd);
		goto out;
	}
	c = engine_counter(core_engine(r->a->core), cmd.counter);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "counter", apijson_counter(cfg, core_engine(r->a->core), c));
	if (res.ticket != 0 &&
	    (t = engine_ticket_by_id(core_engine(r->a->core), res.ticket)) != NULL) {
		cJSON_AddItemToObject(o, "ticket", apijson_ticket(cfg, core_engine(r->a->core), t));
		/* A called ticket: how many more recalls call it (0: the next
		 * one makes it a no-show). */
		if (t->state == ENGINE_T_CALLED)
			cJSON_AddNumberToObject(o, "recalls_left",
			    engine_recalls_left(core_engine(r->a->core), t));
	} else {
		cJSON_AddNullToObject(o, "ticket");
	}
	api_reply_json(r, 200, o);
out:
	cJSON_Delete(b);
}

void
api_day_close(struct req *r)
{
	static const struct api_field spec[] = { { "reason", K_STR, 0 }, { NULL, 0, 0 } };
	struct engine_cmd cmd = engine_cmd_make(ENGINE_DAY_CLOSE);
	struct engine_result res;
	const char *reason;
	cJSON *b, *o;
	int rc, i, cancelled = 0;

	if ((b = api_body(r, spec)) == NULL)
		return;
	cmd.staff = r->user.id;
	vntext_copy_utf8(cmd.reason, sizeof cmd.reason,
	    (reason = api_str(b, "reason")) != NULL ? reason : "Kết thúc ngày làm việc");
	cJSON_Delete(b);
	if ((rc = core_exec(r->a->core, &cmd, &res)) != 0) {
		api_engine_refused(r, rc, &cmd);
		return;
	}
	for (i = 0; i < res.nevents; i++)
		cancelled += res.events[i].type == ENGINE_EV_CANCELLED;
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "cancelled", cancelled);
	api_reply_json(r, 200, o);
}

