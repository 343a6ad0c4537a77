/*
 * r_tickets.c - tickets: POST /api/v1/tickets (issue, and print at a kiosk),
 * GET /api/v1/tickets/{id}, POST .../cancel and .../reprint.  What a
 * visitor sees without a login (the status page /t/{code}, the public
 * ticket) is in r_public.c.
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

/* Answer a suspended request from outside the HTTP handler. */
static void
api_reply_later(struct req *r, unsigned status, cJSON *o)
{
	api_reply_json(r, status, o);
	api_release(r);
}

/* The ticket (as now) with the print outcome. */
static cJSON *
api_print_answer(struct req *r, int printed, const char *reason)
{
	engine *e = core_engine(r->a->core);
	const struct engine_ticket *t = engine_ticket_by_id(e, r->ticket);
	cJSON *o = cJSON_CreateObject();

	if (t != NULL)
		cJSON_AddItemToObject(o, "ticket", apijson_ticket(core_config(r->a->core), e, t));
	else
		cJSON_AddNullToObject(o, "ticket");
	cJSON_AddBoolToObject(o, "printed", printed);
	if (reason != NULL)
		cJSON_AddStringToObject(o, "print_error", reason);
	else
		cJSON_AddNullToObject(o, "print_error");
	return o;
}

/* The print job of an issued ticket (or a reprint) ended: answer.  A
 * ticket that printed nothing was voided by the printers' layer. */
static void
api_issue_printed(void *arg, int printed, int kept, const char *reason)
{
	struct req *r = arg;

	(void)kept;
	api_reply_later(r, r->reprint ? 200 : 201, api_print_answer(r, printed, reason));
}

/* The issue is committed: print it (or answer the failure). */
void
api_issue_committed(void *arg, int ok)
{
	struct req *r = arg;

	if (!ok) {
		r->phase = REQ_READING;	/* not waiting any more: answer now */
		api_reply_later(r, 500, cJSON_Parse("{\"error\":\"store_failed\","
		    "\"message\":\"Không ghi được dữ liệu; thao tác chưa được thực hiện.\"}"));
		return;
	}
	if (devprint_print(r->a->devprint, r->printer, r->ticket, r->reprint,
	    api_issue_printed, r) != 0)
		api_issue_printed(r, 0, 0, "Hàng đợi máy in đầy.");
}

void
api_reprint(struct req *r)
{
	int64_t id = r->id;
	static const struct api_field spec[] = { { "kiosk", K_STR, 0 }, { NULL, 0, 0 } };
	const struct config *cfg = core_config(r->a->core);
	const struct engine_ticket *t = engine_ticket_by_id(core_engine(r->a->core), id);
	char why[128];
	const char *k;
	cJSON *b;
	int kiosk;

	if ((b = api_body(r, spec)) == NULL)
		return;
	k = api_str(b, "kiosk");
	kiosk = k != NULL ? config_kiosk_index(cfg, k) : -1;
	cJSON_Delete(b);
	if (t == NULL) {
		api_error(r, 404, "not_found", "Không tìm thấy vé.");
		return;
	}
	if (k == NULL)
		kiosk = t->kiosk;
	if (r->a->devprint == NULL || (r->printer = devprint_kiosk_printer(r->a->devprint, kiosk)) < 0) {
		api_error(r, 409, "no_printer", "Không có máy in cho vé này; hãy chọn ki-ốt có máy in.");
		return;
	}
	if (!devprint_ready(r->a->devprint, r->printer, why, sizeof why)) {
		api_error(r, 409, "printer_unavailable", "%s", why);
		return;
	}
	r->ticket = id;
	r->reprint = 1;
	r->phase = REQ_WAITING;
	if (devprint_print(r->a->devprint, r->printer, id, 1, api_issue_printed, r) != 0) {
		r->phase = REQ_READING;
		api_error(r, 503, "busy", "Hàng đợi máy in đầy.");
	}
}

void
api_issue(struct req *r)
{
	static const struct api_field spec[] = {
		{ "queue", K_STR, 0 }, { "procedure", K_STR, 0 }, { "priority", K_STR, 0 },
		{ "channel", K_STR, 0 }, { "kiosk", K_STR, 0 }, { "print", K_BOOL, 0 },
		{ NULL, 0, 0 } };
	const struct config *cfg = core_config(r->a->core);
	const cJSON *pv;
	char why[128];
	int print;
	struct engine_cmd cmd = engine_cmd_make(ENGINE_ISSUE);
	struct engine_result res;
	const struct engine_ticket *t;
	const char *q, *p, *pr, *ch, *k;
	cJSON *b, *o;
	int rc;

	if ((b = api_body(r, spec)) == NULL)
		return;
	q = api_str(b, "queue");
	p = api_str(b, "procedure");
	pr = api_str(b, "priority");
	ch = api_str(b, "channel");
	k = api_str(b, "kiosk");
	if ((q == NULL) == (p == NULL)) {
		api_error(r, 400, "bad_value", "Cần đúng một trong hai trường \"queue\" hoặc \"procedure\".");
		goto out;
	}
	if (q != NULL && (cmd.queue = config_queue_index(cfg, q)) < 0) {
		api_error(r, 404, "not_found", "Không có hàng đợi \"%.32s\".", q);
		goto out;
	}
	if (p != NULL && (cmd.procedure = config_procedure_index(cfg, p)) < 0) {
		api_error(r, 404, "not_found", "Không có thủ tục mã \"%.32s\".", p);
		goto out;
	}
	if (pr != NULL && *pr != '\0' && strcmp(pr, "normal") != 0 &&
	    (cmd.priority = config_priority_index(cfg, pr)) <= 0) {
		api_error(r, 400, "bad_value", "Không có đối tượng ưu tiên \"%.32s\".", pr);
		goto out;
	}
	if (cmd.priority < 0)
		cmd.priority = 0;
	cmd.channel = r->user.role == STORE_ROLE_KIOSK ? ENGINE_CH_KIOSK : ENGINE_CH_COUNTER;
	if (ch != NULL &&
	    (cmd.channel = (enum engine_channel)vocab_value(VOCAB_CHANNEL, ch)) == 0) {
		api_error(r, 400, "bad_value", "Kênh lấy số không hợp lệ.");
		goto out;
	}
	if (k == NULL && r->user.role == STORE_ROLE_KIOSK)
		k = r->user.name;
	if (k != NULL) {
		cmd.kiosk = config_kiosk_index(cfg, k);
		if (cmd.kiosk < 0 && api_str(b, "kiosk") != NULL) {
			api_error(r, 404, "not_found", "Không có ki-ốt \"%.32s\".", k);
			goto out;
		}
	}
	cmd.staff = r->user.role == STORE_ROLE_KIOSK ? 0 : r->user.id;
	/* A kiosk with a printer prints, unless asked not to ("print": false,
	   the number shown on screen only). */
	pv = cJSON_GetObjectItemCaseSensitive(b, "print");
	r->printer = r->a->devprint != NULL ? devprint_kiosk_printer(r->a->devprint, cmd.kiosk) : -1;
	print = r->printer >= 0 && (pv == NULL || cJSON_IsTrue(pv));
	if (print && !devprint_ready(r->a->devprint, r->printer, why, sizeof why)) {
		api_error(r, 409, "printer_unavailable", "%s Vé chưa được cấp.", why);
		goto out;
	}
	if ((rc = core_exec(r->a->core, &cmd, &res)) != 0) {
		api_engine_refused(r, rc, &cmd);
		goto out;
	}
	if (print) {
		r->ticket = res.ticket;
		r->reprint = 0;
		r->phase = REQ_WAITING;
		core_after_commit(r->a->core, api_issue_committed, r);
		goto out;
	}
	t = engine_ticket_by_id(core_engine(r->a->core), res.ticket);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "ticket", apijson_ticket(cfg, core_engine(r->a->core), t));
	cJSON_AddNullToObject(o, "printed");
	cJSON_AddNullToObject(o, "print_error");
	api_reply_json(r, 201, o);
out:
	cJSON_Delete(b);
}

static void
api_ticket_reply(struct req *r, int64_t id)
{
	engine *e = core_engine(r->a->core);
	const struct engine_ticket *t = engine_ticket_by_id(e, id);
	cJSON *o;

	if (t == NULL) {
		api_error(r, 404, "not_found", "Không tìm thấy vé.");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "ticket", apijson_ticket(core_config(r->a->core), e, t));
	api_reply_json(r, 200, o);
}

/* The counter (index) a ticket belongs to: the one it is held for, or the
 * one calling or serving it; -1 when it waits for any counter. */
static int
api_ticket_counter(const struct engine_ticket *t)
{
	if (t == NULL)
		return -1;
	if (t->assigned_counter >= 0)
		return t->assigned_counter;
	if (t->state == ENGINE_T_CALLED || t->state == ENGINE_T_SERVING)
		return t->counter;
	return -1;
}

void
api_cancel(struct req *r)
{
	int64_t id = r->id;
	static const struct api_field spec[] = { { "reason", K_STR, 0 }, { NULL, 0, 0 } };
	struct engine_cmd cmd = engine_cmd_make(ENGINE_CANCEL);
	const struct config *cfg = core_config(r->a->core);
	const struct engine_ticket *t;
	struct engine_result res;
	const char *reason;
	cJSON *b;
	int rc, c;

	if ((b = api_body(r, spec)) == NULL)
		return;
	/* A ticket held for one counter (parked there, or sent to it) is that
	   counter's: staff cancel it only where they may act, as for the
	   counter's other actions. */
	t = engine_ticket_by_id(core_engine(r->a->core), id);
	if ((c = api_ticket_counter(t)) >= 0 && c < cfg->ncounters &&
	    !api_may_act_on(&r->user, cfg->counters[c].number)) {
		cJSON_Delete(b);
		api_error(r, 403, "forbidden", "Tài khoản không được thao tác trên quầy %d.",
		    cfg->counters[c].number);
		return;
	}
	cmd.ticket = id;
	cmd.staff = r->user.id;
	if ((reason = api_str(b, "reason")) != NULL)
		vntext_copy_utf8(cmd.reason, sizeof cmd.reason, reason);
	cJSON_Delete(b);
	if ((rc = core_exec(r->a->core, &cmd, &res)) != 0) {
		api_engine_refused(r, rc, &cmd);
		return;
	}
	api_ticket_reply(r, id);
}

/* GET /api/v1/tickets/{id}. */
void
api_ticket(struct req *r)
{
	api_ticket_reply(r, r->id);
}
