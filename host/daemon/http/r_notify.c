/*
 * r_notify.c - the SMS routes (host/docs/notify.md):
 *   POST /api/v1/public/tickets/{code}/notify {"phone":"0901234123"}: the
 *     holder of a waiting ticket asks for SMS; public, so rate-limited by
 *     client address and by ticket; the answer shows the number masked;
 *   GET /api/v1/public/sms/{id}/dlr?k=SECRET&s=TYPE: Kannel's delivery
 *     report for outbox message id; the secret is the message's own, so
 *     nobody else can write a report;
 *   POST /api/v1/sms/reminders (admin): the day-before reminders of
 *     tomorrow's bookings now, instead of waiting for [booking]
 *     reminder_hour (operations, tests); queued once per booking.
 */
#include <stdio.h>
#include <string.h>

#include <microhttpd.h>

#include "common/strnum.h"
#include "common/xmalloc.h"
#include "core/loop.h"
#include "daemon/http/api_private.h"
#include "common/throttle.h"

/* A client address gives 10 phones, a ticket 3, then each more waits 60 s,
 * 120 s, ... up to 15 minutes. */
#define SMS_ADDR_FREE 10
#define SMS_TICKET_FREE 3
#define SMS_LOCK_BASE_MS 60000
#define SMS_LOCK_MAX_MS (15 * 60 * 1000)

void
api_set_notify(api *a, notify *n)
{
	a->notify = n;
	if (a->sms_addr == NULL) {
		a->sms_addr = throttle_new(4096, SMS_ADDR_FREE, SMS_LOCK_BASE_MS, SMS_LOCK_MAX_MS);
		a->sms_ticket = throttle_new(4096, SMS_TICKET_FREE, SMS_LOCK_BASE_MS,
		    SMS_LOCK_MAX_MS);
	}
}

void
api_notify_free(api *a)
{
	throttle_free(a->sms_addr);
	throttle_free(a->sms_ticket);
	a->sms_addr = a->sms_ticket = NULL;
}

void
api_notify_subscribe(struct req *r)
{
	static const struct api_field spec[] = { { "phone", K_STR, 1 }, { NULL, 0, 0 } };
	const struct engine_ticket *t;
	char addr[64], masked[NOTIFY_MASK_LEN];
	cJSON *b, *o;
	int rc;

	if (!notify_active(r->a->notify)) {
		api_error(r, 409, "sms_off", "Trung tâm chưa bật nhắn tin SMS.");
		return;
	}
	api_client_addr(r, addr, sizeof addr);
	if (api_rate_limit(r, r->a->sms_addr, addr, "Đã đăng ký quá nhiều lần") != 0)
		return;
	if ((b = api_body(r, spec)) == NULL)
		return;
	if ((t = engine_ticket_by_code(core_engine(r->a->core), r->arg[0])) == NULL) {
		cJSON_Delete(b);
		api_error(r, 404, "not_found", "Không tìm thấy vé.");
		return;
	}
	if (api_rate_limit(r, r->a->sms_ticket, r->arg[0], "Đã đăng ký quá nhiều lần") != 0) {
		cJSON_Delete(b);
		return;
	}
	rc = notify_subscribe(r->a->notify, t->id, api_str(b, "phone"), masked);
	cJSON_Delete(b);
	switch (-rc) {
	case 0:
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "notify", 1);
		cJSON_AddStringToObject(o, "phone", masked);
		api_reply_json(r, 200, o);
		break;
	case NOTIFY_EPHONE:
		api_error(r, 400, "bad_value", "Số điện thoại di động không hợp lệ "
		    "(ví dụ 0901234567).");
		break;
	case NOTIFY_ESTATE:
		api_error(r, 409, "bad_state", "Vé không còn chờ đến lượt.");
		break;
	case NOTIFY_EOFF:
		api_error(r, 409, "sms_off", "Trung tâm chưa bật nhắn tin SMS.");
		break;
	default:
		api_error(r, 500, "store_failed", "Không lưu được số điện thoại.");
		break;
	}
}

void
api_notify_dlr(struct req *r)
{
	const char *k = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "k");
	const char *s = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "s");
	long long type;
	int rc;

	if (s == NULL || strnum_parse(s, 0, 255, &type) != 0) {
		api_error(r, 400, "bad_value", "Thiếu loại báo cáo (s).");
		return;
	}
	rc = notify_dlr(r->a->notify, r->id, k, (int)type);
	if (rc > 0)
		api_reply_raw(r, 200, "text/plain; charset=utf-8", xstrdup("ok\n"));
	else if (rc == 0)
		api_error(r, 404, "not_found", "Không tìm thấy tin nhắn.");
	else
		api_error(r, 500, "store_failed", "Không lưu được báo cáo.");
}

void
api_notify_reminders(struct req *r)
{
	struct notify_reminders got;
	cJSON *o;

	switch (-notify_reminders_run(r->a->notify, &got)) {
	case 0:
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "day", got.day);
		cJSON_AddNumberToObject(o, "bookings", got.bookings);
		cJSON_AddNumberToObject(o, "queued", got.queued);
		cJSON_AddNumberToObject(o, "already", got.already);
		cJSON_AddNumberToObject(o, "skipped", got.skipped);
		api_reply_json(r, 200, o);
		break;
	case NOTIFY_EOFF:
		api_error(r, 409, "sms_off", "Trung tâm chưa bật nhắn tin SMS.");
		break;
	default:
		api_error(r, 500, "store_failed", "Không lưu được tin nhắc lịch hẹn.");
		break;
	}
}
