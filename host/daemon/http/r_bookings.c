/*
 * r_bookings.c - appointments and remote tickets (host/docs/api.md,
 * "Appointments"): the free slots of a procedure's queue, booking, looking
 * up, cancelling and moving by code, the booking code's QR code (public: the
 * visitor's phone page /dat-lich), the check-in at the kiosk or by staff,
 * and a remote ticket for today.  The rules are core/booking.c's; this file
 * reads requests and writes answers.  No answer carries the phone number.
 * A booking made, cancelled or moved tells the SMS reminders in the same
 * batch (notify_booking_changed: an unsent reminder is withdrawn).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <qrencode.h>

#include "common/xmalloc.h"
#include "core/booking.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"
#include "common/throttle.h"

/* Answer a booking_error (negated) with the message. */
static void
api_booking_error(struct req *r, int rc, const char *msg)
{
	api_error(r, booking_error_status(-rc), booking_error_code(-rc), "%s",
	    msg[0] != '\0' ? msg : "Không thực hiện được yêu cầu.");
}

/* After b was made, cancelled or moved: its SMS reminder, in the batch.  0,
 * or -1 with the batch failed and the error answered. */
static int
api_booking_notify(struct req *r, const struct store_booking *b)
{
	if (notify_booking_changed(r->a->notify, b) >= 0)
		return 0;
	core_fail_batch(r->a->core);
	api_booking_error(r, -BOOKING_ESTORE, "Không ghi được dữ liệu; yêu cầu "
	    "chưa được thực hiện.");
	return -1;
}

/* "08:30" as seconds after midnight, or -1. */
static int
api_hhmm(const char *s)
{
	if (s == NULL || strlen(s) != 5 || s[2] != ':' ||
	    s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' ||
	    s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	return ((s[0] - '0') * 10 + (s[1] - '0')) * 3600 +
	    ((s[3] - '0') * 10 + (s[4] - '0')) * 60;
}

static void
api_add_time(cJSON *o, const char *name, int s)
{
	char buf[16];

	snprintf(buf, sizeof buf, "%02d:%02d", s / 3600 % 100, s / 60 % 60);
	cJSON_AddStringToObject(o, name, buf);
}

/* The queue of ?procedure= or ?queue= (or of body fields); -1 answered. */
static int
api_pick_queue(struct req *r, const char *proc, const char *queue, int *procedure)
{
	const struct config *cfg = core_config(r->a->core);
	int q;

	*procedure = -1;
	if ((proc == NULL) == (queue == NULL)) {
		api_error(r, 400, "bad_value", "Hãy chọn một thủ tục.");
		return -1;
	}
	if (proc != NULL) {
		if ((*procedure = config_procedure_index(cfg, proc)) < 0) {
			api_error(r, 404, "not_found", "Không có thủ tục mã \"%.32s\".", proc);
			return -1;
		}
		return cfg->procedures[*procedure].queue;
	}
	if ((q = config_queue_index(cfg, queue)) < 0) {
		api_error(r, 404, "not_found", "Không có hàng đợi \"%.32s\".", queue);
		return -1;
	}
	return q;
}

/* A booking as anyone holding its code may see it: no name, no phone. */
static cJSON *
api_booking_json(struct req *r, const struct store_booking *b)
{
	const struct config *cfg = core_config(r->a->core);
	engine *e = core_engine(r->a->core);
	int q = config_queue_index(cfg, b->queue);
	int p = b->procedure[0] != '\0' ? config_procedure_index(cfg, b->procedure) : -1;
	const struct engine_ticket *t = b->ticket_id > 0 ? engine_ticket_by_id(e, b->ticket_id) : NULL;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "code", b->code);
	cJSON_AddStringToObject(o, "queue", b->queue);
	cJSON_AddStringToObject(o, "queue_name", q >= 0 ? cfg->queues[q].name : "");
	cJSON_AddStringToObject(o, "procedure", b->procedure);
	cJSON_AddStringToObject(o, "procedure_name", p >= 0 ? cfg->procedures[p].name : "");
	cJSON_AddStringToObject(o, "day", b->day);
	api_add_time(o, "time", b->slot_s);
	cJSON_AddStringToObject(o, "state", b->state);
	if (t != NULL) {
		cJSON *tk = cJSON_AddObjectToObject(o, "ticket");

		cJSON_AddStringToObject(tk, "code", t->code);
		cJSON_AddNumberToObject(tk, "number", t->number);
	} else
		cJSON_AddNullToObject(o, "ticket");
	return o;
}

static void
api_booking_reply(struct req *r, unsigned status, const struct store_booking *b)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "booking", api_booking_json(r, b));
	api_reply_json(r, status, o);
}

/* GET /api/v1/public/slots?procedure=CODE (or queue=): every bookable day
 * of the horizon with its slots, and whether a remote ticket can be had. */
void
api_public_slots(struct req *r)
{
	const struct config *cfg = core_config(r->a->core);
	const char *proc = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "procedure");
	const char *queue = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "queue");
	int64_t now = core_now();
	struct booking_slot *slots;
	cJSON *o, *days;
	int q, p, d, i, n;

	if ((q = api_pick_queue(r, proc, queue, &p)) < 0)
		return;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "queue", cfg->queues[q].code);
	cJSON_AddStringToObject(o, "queue_name", cfg->queues[q].name);
	cJSON_AddBoolToObject(o, "bookable", cfg->queues[q].booking_capacity > 0);
	cJSON_AddBoolToObject(o, "remote", cfg->queues[q].remote_cap > 0);
	cJSON_AddNumberToObject(o, "slot_min", cfg->booking.slot_min);
	days = cJSON_AddArrayToObject(o, "days");
	slots = xcalloc(BOOKING_MAX_SLOTS, sizeof *slots);
	for (d = 0; cfg->queues[q].booking_capacity > 0 && d <= cfg->booking.horizon_days; d++) {
		char day[11];
		cJSON *dj, *sj;

		booking_today(now, d, day);
		if ((n = booking_day_slots(r->a->core, q, day, now, slots, BOOKING_MAX_SLOTS)) < 0) {
			free(slots);
			cJSON_Delete(o);
			api_error(r, 500, "store_failed", "Không đọc được dữ liệu.");
			return;
		}
		if (n == 0)
			continue;
		dj = cJSON_CreateObject();
		cJSON_AddStringToObject(dj, "day", day);
		sj = cJSON_AddArrayToObject(dj, "slots");
		for (i = 0; i < n; i++) {
			cJSON *s = cJSON_CreateObject();

			api_add_time(s, "time", slots[i].start_s);
			cJSON_AddNumberToObject(s, "capacity", slots[i].capacity);
			cJSON_AddNumberToObject(s, "left", slots[i].capacity - slots[i].taken);
			cJSON_AddItemToArray(sj, s);
		}
		cJSON_AddItemToArray(days, dj);
	}
	free(slots);
	api_reply_json(r, 200, o);
}

/* An address or a phone past its free attempts waits 60 s, 120 s, ... up
 * to 15 minutes; it forgets them after 15 quiet minutes (throttle.h). */
#define BOOK_LOCK_BASE_MS 60000
#define BOOK_LOCK_MAX_MS (15 * 60 * 1000)

void
api_bookings_init(api *a)
{
	const struct config_booking *b = &core_config(a->core)->booking;

	a->book_addr = throttle_new(4096, b->address_limit, BOOK_LOCK_BASE_MS,
	    BOOK_LOCK_MAX_MS);
	a->book_phone = throttle_new(4096, b->phone_limit, BOOK_LOCK_BASE_MS,
	    BOOK_LOCK_MAX_MS);
}

void
api_bookings_fini(api *a)
{
	throttle_free(a->book_addr);
	throttle_free(a->book_phone);
	a->book_addr = a->book_phone = NULL;
}

int
api_rate_limit(struct req *r, struct throttle *t, const char *key, const char *why)
{
	int64_t now = loop_now_ms(), wait;

	if ((wait = throttle_wait(t, key, now)) > 0) {
		r->retry_after = (int)((wait + 999) / 1000);
		api_error(r, 429, "too_many_attempts", "%s; hãy thử lại sau %d giây.", why,
		    r->retry_after);
		return -1;
	}
	throttle_fail(t, key, now);
	return 0;
}

/* The client's address as the limits key it. */
static int
api_book_addr_ok(struct req *r, const char *why)
{
	char addr[64];

	api_client_addr(r, addr, sizeof addr);
	return api_rate_limit(r, r->a->book_addr, addr, why);
}

/* POST /api/v1/public/bookings: limited by address, then by phone. */
void
api_public_book(struct req *r)
{
	static const struct api_field spec[] = {
		{ "procedure", K_STR, 0 }, { "queue", K_STR, 0 }, { "day", K_STR, 1 },
		{ "time", K_STR, 1 }, { "name", K_STR, 1 }, { "phone", K_STR, 1 },
		{ NULL, 0, 0 } };
	struct booking_request rq;
	struct store_booking b;
	char msg[512] = "";
	cJSON *body;
	char phone[BOOKING_PHONE_LEN];
	int rc;

	if (api_book_addr_ok(r, "Đã đặt lịch quá nhiều lần từ địa chỉ này") != 0)
		return;
	if ((body = api_body(r, spec)) == NULL)
		return;
	if (booking_phone_normalize(api_str(body, "phone"), phone) == 0 &&
	    api_rate_limit(r, r->a->book_phone, phone, "Số điện thoại này đã đặt lịch "
	    "quá nhiều lần") != 0)
		goto out;
	memset(&rq, 0, sizeof rq);
	if ((rq.queue = api_pick_queue(r, api_str(body, "procedure"), api_str(body, "queue"),
	    &rq.procedure)) < 0)
		goto out;
	snprintf(rq.day, sizeof rq.day, "%.10s", api_str(body, "day"));
	if (strlen(api_str(body, "day")) != 10) {
		api_error(r, 400, "bad_value", "Ngày không hợp lệ; hãy chọn một ngày.");
		goto out;
	}
	if ((rq.slot_s = api_hhmm(api_str(body, "time"))) < 0) {
		api_error(r, 400, "bad_value", "Khung giờ không hợp lệ; hãy chọn một "
		    "khung giờ trong danh sách.");
		goto out;
	}
	rq.name = api_str(body, "name");
	rq.phone = api_str(body, "phone");
	if ((rc = booking_create(r->a->core, &rq, core_now(), &b, msg, sizeof msg)) != 0) {
		api_booking_error(r, rc, msg);
		goto out;
	}
	if (api_booking_notify(r, &b) == 0)
		api_booking_reply(r, 201, &b);
out:
	cJSON_Delete(body);
}

/* GET /api/v1/public/bookings/{code} */
void
api_public_booking(struct req *r)
{
	struct store_booking b;
	char msg[256] = "";
	int rc;

	if ((rc = booking_find(r->a->core, r->arg[0], &b, msg, sizeof msg)) != 0) {
		api_booking_error(r, rc, msg);
		return;
	}
	api_booking_reply(r, 200, &b);
}

/* POST /api/v1/public/bookings/{code}/cancel */
void
api_public_booking_cancel(struct req *r)
{
	static const struct api_field spec[] = { { NULL, 0, 0 } };
	struct store_booking b;
	char msg[256] = "";
	cJSON *body;
	int rc;

	if ((body = api_body(r, spec)) == NULL)
		return;
	cJSON_Delete(body);
	if ((rc = booking_cancel(r->a->core, r->arg[0], core_now(), &b, msg, sizeof msg)) != 0) {
		api_booking_error(r, rc, msg);
		return;
	}
	if (api_booking_notify(r, &b) == 0)
		api_booking_reply(r, 200, &b);
}

/* POST /api/v1/public/bookings/{code}/move {"day","time"} */
void
api_public_booking_move(struct req *r)
{
	static const struct api_field spec[] = {
		{ "day", K_STR, 1 }, { "time", K_STR, 1 }, { NULL, 0, 0 } };
	struct store_booking b;
	char msg[512] = "", day[11];
	cJSON *body;
	int rc, slot;

	if ((body = api_body(r, spec)) == NULL)
		return;
	snprintf(day, sizeof day, "%.10s", api_str(body, "day"));
	slot = api_hhmm(api_str(body, "time"));
	if (strlen(api_str(body, "day")) != 10 || slot < 0) {
		cJSON_Delete(body);
		api_error(r, 400, "bad_value", "Hãy chọn một ngày và một khung giờ "
		    "trong danh sách.");
		return;
	}
	cJSON_Delete(body);
	if ((rc = booking_move(r->a->core, r->arg[0], day, slot, core_now(), &b, msg,
	    sizeof msg)) != 0) {
		api_booking_error(r, rc, msg);
		return;
	}
	if (api_booking_notify(r, &b) == 0)
		api_booking_reply(r, 200, &b);
}

/* GET /api/v1/public/bookings/{code}/qr.svg: the code as a QR code. */
void
api_public_booking_qr(struct req *r)
{
	struct store_booking b;
	char msg[256] = "";
	QRcode *q;
	char *svg = NULL, *p;
	size_t cap;
	int rc, x, y, m;

	if ((rc = booking_find(r->a->core, r->arg[0], &b, msg, sizeof msg)) != 0) {
		api_booking_error(r, rc, msg);
		return;
	}
	if ((q = QRcode_encodeString(b.code, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL) {
		api_error(r, 500, "qr_failed", "Không tạo được mã QR.");
		return;
	}
	m = q->width + 8;
	cap = 256 + (size_t)q->width * (size_t)q->width * 40;
	svg = xmalloc(cap);
	p = svg + snprintf(svg, cap, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\"><rect width=\"%d\" "
	    "height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", m, m, m, m);
	for (y = 0; y < q->width; y++)
		for (x = 0; x < q->width; x++)
			if (q->data[y * q->width + x] & 1)
				p += snprintf(p, cap - (size_t)(p - svg), "M%d %dh1v1h-1z",
				    x + 4, y + 4);
	snprintf(p, cap - (size_t)(p - svg), "\"/></svg>");
	QRcode_free(q);
	api_reply_raw(r, 200, "image/svg+xml", svg);
}

/* POST /api/v1/bookings/{code}/checkin (kiosk, staff): issue the ticket;
 * a kiosk with a printer prints it, as POST /api/v1/tickets does. */
void
api_booking_checkin(struct req *r)
{
	static const struct api_field spec[] = {
		{ "kiosk", K_STR, 0 }, { "print", K_BOOL, 0 }, { NULL, 0, 0 } };
	const struct config *cfg = core_config(r->a->core);
	struct store_booking b;
	const struct engine_ticket *t;
	const cJSON *pv;
	char msg[512] = "", why[128];
	const char *k;
	int64_t ticket;
	int rc, kiosk = -1, on_time, print;
	cJSON *body, *o;

	if ((body = api_body(r, spec)) == NULL)
		return;
	k = api_str(body, "kiosk");
	if (k == NULL && r->user.role == STORE_ROLE_KIOSK)
		k = r->user.name;
	if (k != NULL && (kiosk = config_kiosk_index(cfg, k)) < 0 && api_str(body, "kiosk") != NULL) {
		cJSON_Delete(body);
		api_error(r, 404, "not_found", "Không có ki-ốt \"%.32s\".", k);
		return;
	}
	pv = cJSON_GetObjectItemCaseSensitive(body, "print");
	r->printer = r->a->devprint != NULL ? devprint_kiosk_printer(r->a->devprint, kiosk) : -1;
	print = r->printer >= 0 && (pv == NULL || cJSON_IsTrue(pv));
	cJSON_Delete(body);
	if (print && !devprint_ready(r->a->devprint, r->printer, why, sizeof why)) {
		api_error(r, 409, "printer_unavailable", "%s Vé chưa được cấp.", why);
		return;
	}
	if ((rc = booking_checkin(r->a->core, r->arg[0], core_now(), kiosk,
	    r->user.role == STORE_ROLE_KIOSK ? 0 : r->user.id, &b, &ticket, &on_time,
	    msg, sizeof msg)) != 0) {
		api_booking_error(r, rc, msg);
		return;
	}
	if (print) {
		r->ticket = ticket;
		r->reprint = 0;
		r->phase = REQ_WAITING;
		core_after_commit(r->a->core, api_issue_committed, r);
		return;
	}
	t = engine_ticket_by_id(core_engine(r->a->core), ticket);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "ticket", apijson_ticket(cfg, core_engine(r->a->core), t));
	cJSON_AddItemToObject(o, "booking", api_booking_json(r, &b));
	cJSON_AddBoolToObject(o, "on_time", on_time);
	cJSON_AddStringToObject(o, "message", on_time ?
	    "Đã xác nhận lịch hẹn: số của bạn được ưu tiên theo lịch hẹn." :
	    "Bạn đến muộn hơn giờ hẹn: số của bạn là số thường, theo thứ tự.");
	cJSON_AddNullToObject(o, "printed");
	api_reply_json(r, 201, o);
}

/* POST /api/v1/public/remote-tickets {"procedure"} or {"queue"} */
void
api_public_remote(struct req *r)
{
	static const struct api_field spec[] = {
		{ "procedure", K_STR, 0 }, { "queue", K_STR, 0 }, { NULL, 0, 0 } };
	const struct config *cfg = core_config(r->a->core);
	const struct engine_ticket *t;
	char msg[512] = "", *url;
	int64_t ticket;
	int q, p, rc;
	cJSON *body, *o;

	if (api_book_addr_ok(r, "Đã lấy số quá nhiều lần từ địa chỉ này") != 0)
		return;
	if ((body = api_body(r, spec)) == NULL)
		return;
	q = api_pick_queue(r, api_str(body, "procedure"), api_str(body, "queue"), &p);
	cJSON_Delete(body);
	if (q < 0)
		return;
	if ((rc = booking_remote(r->a->core, q, p, core_now(), &ticket, msg, sizeof msg)) != 0) {
		api_booking_error(r, rc, msg);
		return;
	}
	t = engine_ticket_by_id(core_engine(r->a->core), ticket);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", t->code);
	xasprintf(&url, "/t/%s", t->code);
	cJSON_AddStringToObject(o, "url", url);
	free(url);
	cJSON_AddItemToObject(o, "ticket", apijson_public_ticket(cfg, core_engine(r->a->core), t));
	api_reply_json(r, 201, o);
}

static void
api_add_stats(cJSON *o, const struct booking_stats *b)
{
	cJSON_AddNumberToObject(o, "booked", b->booked);
	cJSON_AddNumberToObject(o, "checked_in", b->checked_in);
	cJSON_AddNumberToObject(o, "cancelled", b->cancelled);
	cJSON_AddNumberToObject(o, "no_show", b->no_show);
}

/* GET /api/v1/stats/bookings?from=YYYY-MM-DD&to=YYYY-MM-DD (default today):
 * per queue, booked, checked in, cancelled and no-shows. */
void
api_stats_bookings(struct req *r)
{
	const struct config *cfg = core_config(r->a->core);
	const char *from = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "from");
	const char *to = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "to");
	struct booking_stats *bs, total = { 0, 0, 0, 0 };
	int64_t now = core_now();
	char today[11];
	cJSON *o, *arr;
	int i;

	booking_today(now, 0, today);
	if (from == NULL)
		from = today;
	if (to == NULL)
		to = from;
	if (strlen(from) != 10 || config_parse_date(from) < 0 || strlen(to) != 10 ||
	    config_parse_date(to) < 0 || strcmp(from, to) > 0) {
		api_error(r, 400, "bad_value", "Khoảng ngày không hợp lệ: \"from\" và \"to\" "
		    "là ngày dạng YYYY-MM-DD, \"from\" không sau \"to\".");
		return;
	}
	bs = xcalloc((size_t)cfg->nqueues + 1, sizeof *bs);
	if (booking_stats(r->a->core, from, to, now, bs) != 0) {
		free(bs);
		api_error(r, 500, "store_failed", "Không đọc được dữ liệu.");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "from", from);
	cJSON_AddStringToObject(o, "to", to);
	arr = cJSON_AddArrayToObject(o, "queues");
	for (i = 0; i < cfg->nqueues; i++) {
		cJSON *q;

		if (bs[i].booked + bs[i].cancelled == 0)
			continue;
		q = cJSON_CreateObject();
		cJSON_AddStringToObject(q, "queue", cfg->queues[i].code);
		cJSON_AddStringToObject(q, "queue_name", cfg->queues[i].name);
		api_add_stats(q, &bs[i]);
		cJSON_AddItemToArray(arr, q);
		total.booked += bs[i].booked;
		total.checked_in += bs[i].checked_in;
		total.cancelled += bs[i].cancelled;
		total.no_show += bs[i].no_show;
	}
	api_add_stats(cJSON_AddObjectToObject(o, "total"), &total);
	free(bs);
	api_reply_json(r, 200, o);
}
