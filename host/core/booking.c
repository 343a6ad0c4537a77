/*
 * booking.c - appointments and remote tickets: the rules (days, slots,
 * capacity, phone numbers, the check-in window, the remote cap), on top of
 * the core's batch and the store's bookings table.  See booking.h.
 *
 * Dates are local calendar dates; a slot's time is local time too (the
 * process TZ, as the rest of the daemon).  Day arithmetic is done on civil
 * day numbers, so no daylight-saving step can shift a day.
 */
#include "core/booking.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/log.h"
#include "common/vntext.h"
#include "common/xmalloc.h"

static const char booking_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

static const char *const booking_codes[] = {
	[BOOKING_EINVAL] = "bad_value",
	[BOOKING_ENOTBOOKABLE] = "not_bookable",
	[BOOKING_ECLOSED] = "closed",
	[BOOKING_EFULL] = "slot_full",
	[BOOKING_EDUP] = "duplicate",
	[BOOKING_ENOENT] = "not_found",
	[BOOKING_ESTATE] = "bad_state",
	[BOOKING_EEARLY] = "too_early",
	[BOOKING_EWRONGDAY] = "wrong_day",
	[BOOKING_ECAP] = "remote_full",
	[BOOKING_ELATE] = "past_closing",
	[BOOKING_EENGINE] = "refused",
	[BOOKING_ESTORE] = "store_failed",
};

const char *
booking_error_code(int err)
{
	if (err < BOOKING_EINVAL || err > BOOKING_ESTORE)
		return "error";
	return booking_codes[err];
}

unsigned
booking_error_status(int err)
{
	switch (err) {
	case BOOKING_EINVAL:
		return 400;
	case BOOKING_ENOENT:
		return 404;
	case BOOKING_ESTORE:
		return 500;
	default:
		return 409;
	}
}

/* Write a message and return -err. */
static int __attribute__((format(printf, 4, 5)))
booking_fail(int err, char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (msg != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(msg, len, fmt, ap);
		va_end(ap);
	}
	return -err;
}

int
booking_phone_normalize(const char *in, char out[BOOKING_PHONE_LEN])
{
	char d[BOOKING_PHONE_LEN];
	size_t n = 0;
	const char *p = in;
	int plus = 0;

	if (in == NULL)
		return -1;
	while (*p == ' ')
		p++;
	if (*p == '+') {
		plus = 1;
		p++;
	}
	for (; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n + 1 >= sizeof d)
				return -1;
			d[n++] = *p;
		} else if (*p != ' ' && *p != '.' && *p != '-')
			return -1;
	}
	d[n] = '\0';
	if (n == 11 && d[0] == '8' && d[1] == '4') {
		out[0] = '0';
		memcpy(out + 1, d + 2, 10);
	} else if (!plus && n == 10 && d[0] == '0') {
		memcpy(out, d, 11);
	} else
		return -1;
	if (strchr("35789", out[1]) == NULL)
		return -1;
	return 0;
}

void
booking_phone_mask(const char *phone, char out[BOOKING_PHONE_LEN])
{
	size_t n = strnlen(phone, BOOKING_PHONE_LEN - 1), i;

	for (i = 0; i < n; i++)
		out[i] = i < 3 || i + 3 >= n ? phone[i] : '*';
	out[n] = '\0';
}

int
booking_code_normalize(const char *in, char out[STORE_BOOKING_CODE_LEN + 1])
{
	size_t n = 0;

	if (in == NULL)
		return -1;
	for (; *in != '\0'; in++) {
		char ch = (char)toupper((unsigned char)*in);

		if (ch == ' ' || ch == '-')
			continue;
		if (n == STORE_BOOKING_CODE_LEN || strchr(booking_alphabet, ch) == NULL)
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	return n == STORE_BOOKING_CODE_LEN ? 0 : -1;
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static long
booking_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Civil day number of YYYYMMDD. */
static long
booking_dayno(int ymd)
{
	return booking_civil(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

/* Local date of now (+ days) as YYYYMMDD. */
static int
booking_ymd(int64_t now, int days)
{
	time_t t = (time_t)now;
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mday += days;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	mktime(&tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

void
booking_today(int64_t now, int days, char out[11])
{
	char buf[32];
	int ymd = booking_ymd(now, days);

	snprintf(buf, sizeof buf, "%04d-%02d-%02d", ymd / 10000 % 10000,
	    ymd / 100 % 100, ymd % 100);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

/* Seconds after local midnight of now. */
static int
booking_sod(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	localtime_r(&t, &tm);
	return tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

/* Unix time of second sod of local date ymd. */
static int64_t
booking_at(int ymd, int sod)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = ymd / 10000 - 1900;
	tm.tm_mon = ymd / 100 % 100 - 1;
	tm.tm_mday = ymd % 100;
	tm.tm_hour = sod / 3600;
	tm.tm_min = sod / 60 % 60;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static const char *const booking_wday_name[7] = {
	"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy",
};

/* Why the centre is closed on ymd (closed weekday, holiday), or NULL. */
static const char *
booking_closed_why(const struct config *cfg, int ymd, char *buf, size_t len)
{
	int wd = (int)((booking_dayno(ymd) % 7 + 11) % 7);   /* 1970-01-01: Thu */
	int i;

	if (cfg->booking.closed_wdays & (1u << wd)) {
		snprintf(buf, len, "Trung tâm không làm việc vào %s.",
		    booking_wday_name[wd]);
		return buf;
	}
	for (i = 0; i < cfg->booking.nholidays; i++)
		if (cfg->booking.holidays[i] == ymd) {
			snprintf(buf, len, "Ngày %02d/%02d/%04d là ngày nghỉ; trung tâm "
			    "không làm việc.", ymd % 100, ymd / 100 % 100, ymd / 10000);
			return buf;
		}
	return NULL;
}

int
booking_day_check(const struct config *cfg, const char *day, int64_t now,
    char *msg, size_t len)
{
	int ymd, today = booking_ymd(now, 0);
	long diff;
	char why[160];

	if (day == NULL || strlen(day) != 10 || (ymd = config_parse_date(day)) < 0)
		return booking_fail(BOOKING_EINVAL, msg, len, "Ngày không hợp lệ; "
		    "hãy chọn một ngày theo dạng YYYY-MM-DD.");
	diff = booking_dayno(ymd) - booking_dayno(today);
	if (diff < 0)
		return booking_fail(BOOKING_ECLOSED, msg, len, "Ngày %02d/%02d/%04d "
		    "đã qua.", ymd % 100, ymd / 100 % 100, ymd / 10000);
	if (diff > cfg->booking.horizon_days)
		return booking_fail(BOOKING_ECLOSED, msg, len, "Chỉ đặt lịch trước "
		    "tối đa %d ngày.", cfg->booking.horizon_days);
	if (booking_closed_why(cfg, ymd, why, sizeof why) != NULL)
		return booking_fail(BOOKING_ECLOSED, msg, len, "%s", why);
	return 0;
}

struct booking_fill {
	struct booking_slot *s;
	int n;
};

static void
booking_fill_one(int slot_s, int n, void *arg)
{
	struct booking_fill *f = arg;
	int i;

	for (i = 0; i < f->n; i++)
		if (f->s[i].start_s == slot_s)
			f->s[i].taken = n;
}

int
booking_day_slots(core *c, int queue, const char *day, int64_t now,
    struct booking_slot *out, int max)
{
	const struct config *cfg = core_config(c);
	const struct config_booking *b = &cfg->booking;
	int cap, i, t, n = 0, sod = booking_sod(now);
	int today = config_parse_date(day) == booking_ymd(now, 0);
	struct booking_fill f;

	if (queue < 0 || queue >= cfg->nqueues)
		return -BOOKING_EINVAL;
	if ((cap = cfg->queues[queue].booking_capacity) <= 0)
		return -BOOKING_ENOTBOOKABLE;
	if (booking_day_check(cfg, day, now, NULL, 0) != 0)
		return 0;
	for (i = 0; i < b->nhours; i++)
		for (t = b->from_s[i]; t + b->slot_min * 60 <= b->to_s[i];
		    t += b->slot_min * 60) {
			if (today && t <= sod)
				continue;
			if (n == max)
				break;
			out[n++] = (struct booking_slot){ t, cap, 0 };
		}
	f.s = out;
	f.n = n;
	if (store_booking_slots(core_store(c), cfg->queues[queue].code, day,
	    booking_fill_one, &f) < 0)
		return -BOOKING_ESTORE;
	return n;
}

/* Is slot_s a slot start of the configured hours? */
static int
booking_slot_valid(const struct config_booking *b, int slot_s)
{
	int i;

	for (i = 0; i < b->nhours; i++)
		if (slot_s >= b->from_s[i] && slot_s + b->slot_min * 60 <= b->to_s[i] &&
		    (slot_s - b->from_s[i]) % (b->slot_min * 60) == 0)
			return 1;
	return 0;
}

/* "08:30 ngày 03/12/2026" */
static void
booking_when(const char *day, int slot_s, char *buf, size_t len)
{
	snprintf(buf, len, "%02d:%02d ngày %.2s/%.2s/%.4s", slot_s / 3600,
	    slot_s / 60 % 60, day + 8, day + 5, day);
}

/* Check that day and slot of queue can take one more booking by phone
 * (code: the booking being moved, or NULL).  0 or a negated error. */
static int
booking_slot_check(core *c, int queue, const char *day, int slot_s,
    const char *phone, const char *code, int64_t now, char *msg, size_t len)
{
	const struct config *cfg = core_config(c);
	const struct config_queue *q = &cfg->queues[queue];
	char when[48];
	int rc, n;

	if ((rc = booking_day_check(cfg, day, now, msg, len)) != 0)
		return rc;
	if (!booking_slot_valid(&cfg->booking, slot_s))
		return booking_fail(BOOKING_EINVAL, msg, len, "Khung giờ không hợp "
		    "lệ; hãy chọn một khung giờ trong danh sách.");
	booking_when(day, slot_s, when, sizeof when);
	if (config_parse_date(day) == booking_ymd(now, 0) && slot_s <= booking_sod(now))
		return booking_fail(BOOKING_ECLOSED, msg, len, "Khung giờ %s đã "
		    "bắt đầu; hãy chọn khung giờ sau.", when);
	if ((n = store_booking_taken(core_store(c), q->code, day, slot_s)) < 0)
		return -BOOKING_ESTORE;
	if (n >= q->booking_capacity)
		return booking_fail(BOOKING_EFULL, msg, len, "Khung giờ %s của %s "
		    "đã hết chỗ; hãy chọn khung giờ khác.", when, q->name);
	if ((n = store_booking_phone_taken(core_store(c), phone, day, slot_s,
	    code)) < 0)
		return -BOOKING_ESTORE;
	if (n > 0)
		return booking_fail(BOOKING_EDUP, msg, len, "Số điện thoại này đã có "
		    "lịch hẹn vào khung giờ %s; mỗi số điện thoại chỉ đặt một lịch "
		    "cho một khung giờ.", when);
	return 0;
}

int
booking_create(core *c, const struct booking_request *rq, int64_t now,
    struct store_booking *out, char *msg, size_t len)
{
	const struct config *cfg = core_config(c);
	char phone[BOOKING_PHONE_LEN], masked[BOOKING_PHONE_LEN];
	char code[STORE_BOOKING_CODE_LEN + 1];
	char *name = NULL;
	const char *p, *e;
	int rc, tries, i;

	memset(out, 0, sizeof *out);
	if (rq->queue < 0 || rq->queue >= cfg->nqueues)
		return booking_fail(BOOKING_EINVAL, msg, len, "Chưa chọn thủ tục.");
	if (cfg->queues[rq->queue].booking_capacity <= 0)
		return booking_fail(BOOKING_ENOTBOOKABLE, msg, len, "%s không nhận "
		    "đặt lịch hẹn; xin đến trung tâm lấy số.", cfg->queues[rq->queue].name);
	/* The name: trimmed, 1..100 bytes of UTF-8, no control characters. */
	p = rq->name != NULL ? rq->name : "";
	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (i = 0; p + i < e; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			break;
	if (e == p || e - p > 100 || p + i < e ||
	    !vntext_valid_utf8(p, (size_t)(e - p)))
		return booking_fail(BOOKING_EINVAL, msg, len, "Hãy nhập họ và tên "
		    "(tối đa 100 ký tự).");
	if (booking_phone_normalize(rq->phone, phone) != 0)
		return booking_fail(BOOKING_EINVAL, msg, len, "Số điện thoại không "
		    "hợp lệ: hãy nhập số di động Việt Nam, ví dụ 0912345678 hoặc "
		    "+84912345678.");
	if (core_begin(c) != 0)
		return booking_fail(BOOKING_ESTORE, msg, len, "Không ghi được dữ liệu; "
		    "lịch hẹn chưa được đặt.");
	if ((rc = booking_slot_check(c, rq->queue, rq->day, rq->slot_s, phone, NULL,
	    now, msg, len)) != 0)
		return rc;
	for (tries = 0; tries < 8; tries++) {
		struct store_booking other;

		for (i = 0; i < STORE_BOOKING_CODE_LEN; i++)
			out->code[i] = booking_alphabet[randombytes_uniform(
			    sizeof booking_alphabet - 1)];
		out->code[i] = '\0';
		if ((rc = store_booking_get(core_store(c), out->code, &other)) <= 0)
			break;
	}
	if (rc != 0)
		return booking_fail(BOOKING_ESTORE, msg, len, "Không ghi được dữ liệu; "
		    "lịch hẹn chưa được đặt.");
	name = strndup(p, (size_t)(e - p));
	{
		char *nfc = vntext_nfc(name);

		vntext_copy_utf8(out->name, sizeof out->name, nfc != NULL ? nfc : name);
		free(nfc);
	}
	free(name);
	snprintf(out->queue, sizeof out->queue, "%s", cfg->queues[rq->queue].code);
	if (rq->procedure >= 0 && rq->procedure < cfg->nprocedures)
		snprintf(out->procedure, sizeof out->procedure, "%s",
		    cfg->procedures[rq->procedure].code);
	memcpy(out->day, rq->day, sizeof out->day);
	out->slot_s = rq->slot_s;
	memcpy(out->phone, phone, sizeof out->phone);
	snprintf(out->state, sizeof out->state, "booked");
	out->created_at = out->updated_at = now;
	memcpy(code, out->code, sizeof code);
	/* Read back for its id (the SMS reminder's key). */
	if (store_booking_put(core_store(c), out) != 0 ||
	    store_booking_get(core_store(c), code, out) != 1) {
		log_warnx("booking: %s", store_errmsg(core_store(c)));
		return booking_fail(BOOKING_ESTORE, msg, len, "Không ghi được dữ "
		    "liệu; lịch hẹn chưa được đặt.");
	}
	booking_refresh(c, now);
	booking_phone_mask(phone, masked);
	log_info("booking %s: %s %s %02d:%02d, phone %s", out->code, out->queue,
	    out->day, out->slot_s / 3600, out->slot_s / 60 % 60, masked);
	return 0;
}

int
booking_find(core *c, const char *code, struct store_booking *out, char *msg,
    size_t len)
{
	char norm[STORE_BOOKING_CODE_LEN + 1];
	int rc;

	memset(out, 0, sizeof *out);
	if (booking_code_normalize(code, norm) != 0)
		return booking_fail(BOOKING_ENOENT, msg, len, "Mã lịch hẹn không "
		    "đúng: mã gồm 8 chữ và số in trên giấy hẹn; hãy kiểm tra lại.");
	if ((rc = store_booking_get(core_store(c), norm, out)) < 0)
		return booking_fail(BOOKING_ESTORE, msg, len, "Không đọc được dữ liệu.");
	if (rc == 0)
		return booking_fail(BOOKING_ENOENT, msg, len, "Không tìm thấy lịch "
		    "hẹn mã %s; hãy kiểm tra lại mã.", norm);
	return 0;
}

/* A booking that may still change: booked, and not of a past day. */
static int
booking_live(const struct store_booking *b, char *msg, size_t len)
{
	if (strcmp(b->state, "cancelled") == 0)
		return booking_fail(BOOKING_ESTATE, msg, len, "Lịch hẹn %s đã bị huỷ.",
		    b->code);
	if (strcmp(b->state, "checked_in") == 0)
		return booking_fail(BOOKING_ESTATE, msg, len, "Lịch hẹn %s đã được "
		    "xác nhận và lấy số.", b->code);
	return 0;
}

int
booking_cancel(core *c, const char *code, int64_t now,
    struct store_booking *out, char *msg, size_t len)
{
	char today[11];
	int rc;

	if ((rc = booking_find(c, code, out, msg, len)) != 0 ||
	    (rc = booking_live(out, msg, len)) != 0)
		return rc;
	booking_today(now, 0, today);
	if (strcmp(out->day, today) < 0)
		return booking_fail(BOOKING_ESTATE, msg, len, "Lịch hẹn %s đã qua "
		    "ngày hẹn.", out->code);
	if (core_begin(c) != 0)
		return booking_fail(BOOKING_ESTORE, msg, len, "Không ghi được dữ liệu.");
	snprintf(out->state, sizeof out->state, "cancelled");
	out->updated_at = now;
	if (store_booking_put(core_store(c), out) != 0)
		return booking_fail(BOOKING_ESTORE, msg, len, "Không ghi được dữ liệu.");
	booking_refresh(c, now);
	log_info("booking %s: cancelled", out->code);
	return 0;
}

int
booking_move(core *c, const char *code, const char *day, int slot_s,
    int64_t now, struct store_booking *out, char *msg, size_t len)
{
	const struct config *cfg = core_config(c);
	char today[11];
	int rc, q;

	if ((rc = booking_find(c, code, out, msg, len)) != 0 ||
	    (rc = booking_live(out, msg, len)) != 0)
		return rc;
	booking_today(now, 0, today);
	if (strcmp(out->day, today) < 0)
		return booking_fail(BOOKING_ESTATE, msg, len, "Lịch hẹn %s đã qua "
		    "ngày hẹn.", out->code);
	if ((q = config_queue_index(cfg, out->queue)) < 0 ||
	    cfg->queues[q].booking_capacity <= 0)
		return booking_fail(BOOKING_ENOTBOOKABLE, msg, len, "Thủ tục của lịch "
		    "hẹn này không còn nhận đặt lịch.");
	if (day != NULL && strcmp(day, out->day) == 0 && slot_s == out->slot_s)
		return 0;    /* nothing to move */
	if (core_begin(c) != 0)
		return booking_fail(BOOKING_ESTORE, msg, len, "Không ghi được dữ liệu.");
	if ((rc = booking_slot_check(c, q, day, slot_s, out->phone, out->code, now,
	    msg, len)) != 0)
		return rc;
	memcpy(out->day, day, sizeof out->day);
	out->slot_s = slot_s;
	out->updated_at = now;
	if (store_booking_put(core_store(c), out) != 0)
		return booking_fail(BOOKING_ESTORE, msg, len, "Không ghi được dữ liệu.");
	booking_refresh(c, now);
	log_info("booking %s: moved to %s %02d:%02d", out->code, out->day,
	    slot_s / 3600, slot_s / 60 % 60);
	return 0;
}

/* Run an ISSUE: 0 with *ticket, or a negated error with the engine's words. */
static int
booking_issue(core *c, struct engine_cmd *cmd, int64_t *ticket, char *msg,
    size_t len)
{
	struct engine_result res;
	int rc;

	if ((rc = core_exec(c, cmd, &res)) != 0) {
		if (rc == -CORE_ESTORE)
			return booking_fail(BOOKING_ESTORE, msg, len, "Không ghi được "
			    "dữ liệu; chưa cấp số.");
		engine_explain(core_engine(c), cmd, -rc, msg, len);
		return -BOOKING_EENGINE;
	}
	*ticket = res.ticket;
	return 0;
}

int
booking_checkin(core *c, const char *code, int64_t now, int kiosk, int staff,
    struct store_booking *out, int64_t *ticket, int *on_time, char *msg,
    size_t len)
{
	const struct config *cfg = core_config(c);
	struct engine_cmd cmd = engine_cmd_make(ENGINE_ISSUE);
	char today[11], when[48];
	int64_t at;
	int rc, q, early;

	*ticket = 0;
	*on_time = 0;
	if ((rc = booking_find(c, code, out, msg, len)) != 0 ||
	    (rc = booking_live(out, msg, len)) != 0)
		return rc;
	booking_today(now, 0, today);
	booking_when(out->day, out->slot_s, when, sizeof when);
	if (strcmp(out->day, today) != 0)
		return booking_fail(BOOKING_EWRONGDAY, msg, len, "Lịch hẹn %s là lúc "
		    "%s, không phải hôm nay.", out->code, when);
	if ((q = config_queue_index(cfg, out->queue)) < 0)
		return booking_fail(BOOKING_ENOTBOOKABLE, msg, len, "Hàng đợi của lịch "
		    "hẹn này không còn; xin hỏi quầy hướng dẫn.");
	at = booking_at(config_parse_date(out->day), out->slot_s);
	early = cfg->booking.early_min * 60;
	if (now < at - early) {
		int back = out->slot_s - early;

		return booking_fail(BOOKING_EEARLY, msg, len, "Bạn đến sớm: lịch hẹn "
		    "lúc %02d:%02d. Xin quay lại từ %02d:%02d để lấy số ưu tiên theo "
		    "lịch hẹn.", out->slot_s / 3600, out->slot_s / 60 % 60,
		    back / 3600, back / 60 % 60);
	}
	*on_time = now <= at + cfg->booking.late_min * 60;
	cmd.now = now;
	cmd.queue = q;
	cmd.procedure = out->procedure[0] != '\0' ?
	    config_procedure_index(cfg, out->procedure) : -1;
	cmd.priority = *on_time ? config_priority_index(cfg, "appointment") : 0;
	if (cmd.priority < 0)
		cmd.priority = 0;
	cmd.channel = kiosk >= 0 ? ENGINE_CH_KIOSK : ENGINE_CH_COUNTER;
	cmd.kiosk = kiosk;
	cmd.staff = staff;
	if ((rc = booking_issue(c, &cmd, ticket, msg, len)) != 0)
		return rc;
	snprintf(out->state, sizeof out->state, "checked_in");
	out->ticket_id = *ticket;
	out->updated_at = now;
	if (store_booking_put(core_store(c), out) != 0) {
		/* The ticket is in the engine already: the batch must fail. */
		core_fail_batch(c);
		return booking_fail(BOOKING_ESTORE, msg, len, "Không ghi được dữ "
		    "liệu; chưa cấp số.");
	}
	booking_refresh(c, now);
	log_info("booking %s: checked in, ticket %lld%s", out->code,
	    (long long)*ticket, *on_time ? "" : " (late: a normal ticket)");
	return 0;
}

int
booking_remote(core *c, int queue, int procedure, int64_t now, int64_t *ticket,
    char *msg, size_t len)
{
	const struct config *cfg = core_config(c);
	const struct config_booking *b = &cfg->booking;
	const struct config_queue *q;
	struct engine_cmd cmd = engine_cmd_make(ENGINE_ISSUE);
	char why[160], day[11];
	int ymd = booking_ymd(now, 0), sod = booking_sod(now), n, ahead, est;
	int close_s, open_s;
	int64_t from;

	*ticket = 0;
	if (queue < 0 || queue >= cfg->nqueues)
		return booking_fail(BOOKING_EINVAL, msg, len, "Chưa chọn thủ tục.");
	q = &cfg->queues[queue];
	if (q->remote_cap <= 0)
		return booking_fail(BOOKING_ENOTBOOKABLE, msg, len, "%s không cấp số "
		    "từ xa; xin đến trung tâm lấy số tại ki-ốt.", q->name);
	if (b->nhours == 0 || booking_closed_why(cfg, ymd, why, sizeof why) != NULL)
		return booking_fail(BOOKING_ECLOSED, msg, len, "Hôm nay không lấy số "
		    "từ xa được: %s", b->nhours == 0 ? "chưa có giờ làm việc." : why);
	open_s = b->from_s[0];
	close_s = b->to_s[b->nhours - 1];
	if (sod >= close_s)
		return booking_fail(BOOKING_ECLOSED, msg, len, "Đã hết giờ làm việc "
		    "hôm nay (đến %02d:%02d); hãy đặt lịch hẹn cho ngày khác.",
		    close_s / 3600, close_s / 60 % 60);
	engine_day_of(now, cfg->day_start_hour, day);
	if ((n = store_online_count(core_store(c), q->code, day)) < 0)
		return booking_fail(BOOKING_ESTORE, msg, len, "Không đọc được dữ liệu.");
	if (n >= q->remote_cap)
		return booking_fail(BOOKING_ECAP, msg, len, "Hôm nay %s đã cấp hết %d "
		    "số từ xa; hãy đặt lịch hẹn hoặc đến trung tâm lấy số.", q->name,
		    q->remote_cap);
	if (engine_queue_estimate(core_engine(c), queue, 0, &ahead, &est) != 0)
		est = 0;
	from = sod < open_s ? booking_at(ymd, open_s) : now;
	if (from + est > booking_at(ymd, close_s))
		return booking_fail(BOOKING_ELATE, msg, len, "%s hiện phải chờ khoảng "
		    "%d phút, quá giờ làm việc hôm nay (đến %02d:%02d); hãy đặt lịch "
		    "hẹn cho ngày khác.", q->name, (est + 59) / 60, close_s / 3600,
		    close_s / 60 % 60);
	cmd.now = now;
	cmd.queue = queue;
	cmd.procedure = procedure;
	cmd.channel = ENGINE_CH_ONLINE;
	return booking_issue(c, &cmd, ticket, msg, len);
}

struct booking_count {
	const struct config *cfg;
	struct booking_stats *out;
	char today[11];
	int sod, late_s;
};

static void
booking_count_one(const char *day, const char *queue, int slot_s, const char *state,
    void *arg)
{
	struct booking_count *bc = arg;
	int q = config_queue_index(bc->cfg, queue);
	int cmp = strcmp(day, bc->today);
	struct booking_stats *o;

	if (q < 0)
		return;
	o = &bc->out[q];
	if (strcmp(state, "cancelled") == 0) {
		o->cancelled++;
		return;
	}
	o->booked++;
	if (strcmp(state, "checked_in") == 0)
		o->checked_in++;
	else if (cmp < 0 || (cmp == 0 && slot_s + bc->late_s < bc->sod))
		o->no_show++;
}

int
booking_stats(core *c, const char *from, const char *to, int64_t now,
    struct booking_stats *out)
{
	struct booking_count bc;

	bc.cfg = core_config(c);
	bc.out = out;
	booking_today(now, 0, bc.today);
	bc.sod = booking_sod(now);
	bc.late_s = bc.cfg->booking.late_min * 60;
	memset(out, 0, (size_t)bc.cfg->nqueues * sizeof *out);
	if (store_booking_each(core_store(c), from, to, booking_count_one, &bc) < 0)
		return -BOOKING_ESTORE;
	return 0;
}

struct booking_up {
	const struct config *cfg;
	int *n;
};

static void
booking_up_one(const char *queue, int n, void *arg)
{
	struct booking_up *u = arg;
	int q = config_queue_index(u->cfg, queue);

	if (q >= 0)
		u->n[q] = n;
}

int
booking_refresh(core *c, int64_t now)
{
	const struct config *cfg = core_config(c);
	struct booking_up u;
	char today[11];
	int sod = booking_sod(now), q, rc;

	u.cfg = cfg;
	u.n = calloc((size_t)cfg->nqueues + 1, sizeof *u.n);
	if (u.n == NULL)
		return -BOOKING_ESTORE;
	booking_today(now, 0, today);
	rc = store_booking_upcoming(core_store(c), today, sod - cfg->booking.late_min * 60,
	    sod + 3600, booking_up_one, &u);
	if (rc >= 0)
		for (q = 0; q < cfg->nqueues; q++)
			engine_set_booked(core_engine(c), q, u.n[q]);
	free(u.n);
	return rc < 0 ? -BOOKING_ESTORE : 0;
}

struct booking_remind_list {
	const struct config *cfg;
	struct booking_reminder *r;
	int n, cap;
	int ymd;                     /* the day's, YYYYMMDD */
};

/* The reminder of b, a booking of the day ymd, into r. */
static void
booking_reminder_fill(const struct config *cfg, const struct store_booking *b, int ymd,
    struct booking_reminder *r)
{
	int p = b->procedure[0] != '\0' ? config_procedure_index(cfg, b->procedure) : -1;

	r->id = b->id;
	memcpy(r->phone, b->phone, sizeof r->phone);
	r->at = booking_at(ymd, b->slot_s);
	r->procedure = p >= 0 ? cfg->procedures[p].name : NULL;
}

static void
booking_remind_one(const struct store_booking *b, void *arg)
{
	struct booking_remind_list *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->r = xreallocarray(l->r, (size_t)l->cap, sizeof *l->r);
	}
	booking_reminder_fill(l->cfg, b, l->ymd, &l->r[l->n++]);
}

int64_t
booking_start(const struct store_booking *b)
{
	int ymd = config_parse_date(b->day);

	return ymd < 0 ? 0 : booking_at(ymd, b->slot_s);
}

int
booking_reminder_of(core *c, const struct store_booking *b, int64_t now,
    struct booking_reminder *r)
{
	char day[11];

	booking_today(now, 1, day);
	if (strcmp(b->state, "booked") != 0 || b->phone[0] == '\0' ||
	    strcmp(b->day, day) != 0)
		return 0;
	booking_reminder_fill(core_config(c), b, booking_ymd(now, 1), r);
	return 1;
}

int
booking_reminders(core *c, int64_t now, char day[11], struct booking_reminder **out)
{
	struct booking_remind_list l = { core_config(c), NULL, 0, 0, booking_ymd(now, 1) };

	booking_today(now, 1, day);
	*out = NULL;
	if (store_booking_to_remind(core_store(c), day, booking_remind_one, &l) < 0) {
		free(l.r);
		return -BOOKING_ESTORE;
	}
	*out = l.r;
	return l.n;
}
