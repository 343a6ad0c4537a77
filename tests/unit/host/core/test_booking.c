/*
 * test_booking.c - appointments and remote tickets (host/core/booking.c) on
 * a small centre, the real core and a real sqlite file, with the clock given
 * to every call (TZ=UTC, Wednesday 2026-12-02): Vietnamese mobile numbers,
 * booking codes, the [booking] section's checks with file:line, days that
 * cannot be booked (past, beyond the horizon, a closed weekday, a holiday),
 * a full slot, the same phone twice in a slot, moves and cancels, the
 * check-in window (too early refused with the time to come back, on time =
 * the appointment class, late = a normal ticket, another day refused), and
 * remote tickets (the daily cap, closing time, the estimate past closing).
 * Every refusal is checked to change nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/booking.h"
#include "core/config.h"
#include "core/core.h"
#include "core/engine.h"
#include "core/store.h"

static char tmpdir[] = "/tmp/onestop-test-booking-XXXXXX";
static char dbpath[300];

static const char ini[] =
	"[centre]\nname = Trung tâm thử\ncatalogue = none.csv\n"
	"[department TP]\nname = Sở Tư pháp\n"
	"[queue TP-HT]\nname = Hộ tịch\ndepartment = TP\nnumbers = 1001-1999\n"
	"target_wait = 30\nservice_time = 10\nbooking_capacity = 2\nremote_cap = 3\n"
	"[queue TP-LL]\nname = Lý lịch\ndepartment = TP\nnumbers = 2001-2999\n"
	"target_wait = 30\n"
	"[counter 1]\ndepartment = TP\nserves = TP-HT, TP-LL\n"
	"[priority elderly]\nname = Người cao tuổi\n"
	"[priority appointment]\nname = Có lịch hẹn\n"
	"[booking]\nslot_min = 30\nhours = 07:30-11:30, 13:30-17:00\n"
	"closed_days = sat, sun\nholidays = 2026-12-24\nhorizon_days = 10\n"
	"early_min = 15\nlate_min = 10\n";

/* Unix time of 2026-12-DD HH:MM UTC. */
static int64_t
at(int dd, int hh, int mm)
{
	struct tm tm = { 0 };

	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 11;
	tm.tm_mday = dd;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	return (int64_t)timegm(&tm);
}

static core *
open_core(store **stp)
{
	struct config *cfg;
	char err[512];
	core *c;

	unlink(dbpath);
	if (config_parse_ini(ini, sizeof ini - 1, "t.ini", &cfg, err, sizeof err) != 0)
		fail_msg("%s", err);
	*stp = store_open(dbpath, cfg, err, sizeof err);
	assert_non_null(*stp);
	c = core_new(cfg, *stp, err, sizeof err);
	assert_non_null(c);
	return c;
}

static void
close_core(core *c, store *st)
{
	core_free(c);
	store_close(st);
}

static void
test_phone(void **state)
{
	static const char *const good[][2] = {
		{ "0912345678", "0912345678" }, { "091 234 5678", "0912345678" },
		{ "+84912345678", "0912345678" }, { "84912345678", "0912345678" },
		{ "0912.345.678", "0912345678" }, { "+84 38-123-4567", "0381234567" },
		{ "0701234567", "0701234567" }, { "0581234567", "0581234567" },
	};
	static const char *const bad[] = {
		"", "091234567", "09123456789", "0212345678", "0112345678",
		"+840912345678", "+0912345678", "abc", "0912345678x", "84212345678",
		"091234567 8 9", "๐๙๑๒๓๔๕๖๗๘",
	};
	char out[BOOKING_PHONE_LEN], m[BOOKING_PHONE_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(booking_phone_normalize(good[i][0], out), 0);
		assert_string_equal(out, good[i][1]);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(booking_phone_normalize(bad[i], out), -1);
	booking_phone_mask("0912345678", m);
	assert_string_equal(m, "091****678");
}

static void
test_code(void **state)
{
	char out[STORE_BOOKING_CODE_LEN + 1];

	(void)state;
	assert_int_equal(booking_code_normalize("abcd-2345", out), 0);
	assert_string_equal(out, "ABCD2345");
	assert_int_equal(booking_code_normalize("ABCD234", out), -1);     /* short */
	assert_int_equal(booking_code_normalize("ABCD23456", out), -1);   /* long */
	assert_int_equal(booking_code_normalize("ABCD2340", out), -1);    /* 0 */
	assert_int_equal(booking_code_normalize("ABCDI234", out), -1);    /* I */
	assert_int_equal(booking_code_normalize("AB'; --X", out), -1);
}

/* A config text with [booking] replaced by tail: the error, or "". */
static const char *
config_error(const char *tail)
{
	static char err[512];
	struct config *cfg;
	char text[4096];
	const char *cut = strstr(ini, "[booking]");

	snprintf(text, sizeof text, "%.*s%s", (int)(cut - ini), ini, tail);
	err[0] = '\0';
	if (config_parse_ini(text, strlen(text), "t.ini", &cfg, err, sizeof err) == 0) {
		config_free(cfg);
		return "";
	}
	return err;
}

static void
test_config(void **state)
{
	struct config *cfg;
	char err[512];

	(void)state;
	assert_int_equal(config_parse_ini(ini, sizeof ini - 1, "t.ini", &cfg, err, sizeof err), 0);
	assert_int_equal(cfg->booking.slot_min, 30);
	assert_int_equal(cfg->booking.nhours, 2);
	assert_int_equal(cfg->booking.to_s[1], 17 * 3600);
	assert_int_equal(cfg->booking.closed_wdays, (1u << 0) | (1u << 6));
	assert_int_equal(cfg->booking.nholidays, 1);
	assert_int_equal(cfg->booking.holidays[0], 20261224);
	assert_int_equal(cfg->queues[0].booking_capacity, 2);
	assert_int_equal(cfg->queues[1].booking_capacity, 0);     /* section's 0 */
	assert_int_equal(cfg->queues[1].remote_cap, 0);
	config_free(cfg);

	/* The [booking] section starts on line 26. */
	assert_string_equal(config_error("[booking]\nhours = 07:30-06:00\n"),
	    "t.ini:27: hours must be up to 4 'HH:MM-HH:MM' separated by commas, "
	    "each ending after it starts and after the one before, got '07:30-06:00'");
	assert_string_equal(config_error("[booking]\nhours = 07:30-11:30\n"
	    "closed_days = sunday\n"), "t.ini:28: closed_days must be 'none' or days "
	    "among mon tue wed thu fri sat sun separated by commas, got 'sunday'");
	assert_string_equal(config_error("[booking]\nhours = 07:30-11:30\n"
	    "holidays = 2026-02-30\n"), "t.ini:28: holidays must be up to 64 dates "
	    "YYYY-MM-DD separated by commas, got '2026-02-30'");
	assert_string_equal(config_error("[booking]\nhours = 07:30-08:00\n"
	    "slot_min = 45\n"), "t.ini:28: booking: session 1 is shorter than one "
	    "slot of 45 minutes");
	assert_string_equal(config_error("[booking]\nslot_min = 2\n"),
	    "t.ini:27: 'slot_min' must be an integer 5-240, got '2'");
	assert_string_equal(config_error("[booking]\ncolour = red\n"),
	    "t.ini:27: unknown key 'colour' in [booking]");
	/* A bookable queue (capacity 2) without any hours. */
	assert_string_equal(config_error("[booking]\nslot_min = 20\n"),
	    "t.ini:26: booking: appointments or remote tickets need opening hours "
	    "([booking] hours or [policy] open_hours)");
	assert_string_equal(config_error("[booking]\nhours = 08:00-12:00\n"
	    "closed_days = none\n"), "");
}

static void
test_days(void **state)
{
	store *st;
	core *c = open_core(&st);
	const struct config *cfg = core_config(c);
	int64_t now = at(2, 8, 0);                      /* Wednesday 08:00 */
	struct booking_slot s[BOOKING_MAX_SLOTS];
	char msg[256];

	(void)state;
	assert_int_equal(booking_day_check(cfg, "2026-12-03", now, msg, sizeof msg), 0);
	assert_int_equal(booking_day_check(cfg, "2026-12-01", now, msg, sizeof msg), -BOOKING_ECLOSED);
	assert_string_equal(msg, "Ngày 01/12/2026 đã qua.");
	assert_int_equal(booking_day_check(cfg, "2026-12-13", now, msg, sizeof msg), -BOOKING_ECLOSED);
	assert_string_equal(msg, "Chỉ đặt lịch trước tối đa 10 ngày.");
	assert_int_equal(booking_day_check(cfg, "2026-12-06", now, msg, sizeof msg), -BOOKING_ECLOSED);
	assert_string_equal(msg, "Trung tâm không làm việc vào Chủ nhật.");
	assert_int_equal(booking_day_check(cfg, "2026-12-05", now, msg, sizeof msg), -BOOKING_ECLOSED);
	assert_string_equal(msg, "Trung tâm không làm việc vào Thứ Bảy.");
	assert_int_equal(booking_day_check(cfg, "2026-12-24", at(20, 8, 0), msg, sizeof msg),
	    -BOOKING_ECLOSED);
	assert_string_equal(msg, "Ngày 24/12/2026 là ngày nghỉ; trung tâm không làm việc.");
	assert_int_equal(booking_day_check(cfg, "2026-13-01", now, msg, sizeof msg), -BOOKING_EINVAL);

	/* 8 slots in the morning, 7 in the afternoon; today from 08:30 on. */
	assert_int_equal(booking_day_slots(c, 0, "2026-12-03", now, s, BOOKING_MAX_SLOTS), 15);
	assert_int_equal(s[0].start_s, 7 * 3600 + 1800);
	assert_int_equal(s[8].start_s, 13 * 3600 + 1800);
	assert_int_equal(s[14].start_s, 16 * 3600 + 1800);
	assert_int_equal(booking_day_slots(c, 0, "2026-12-02", now, s, BOOKING_MAX_SLOTS), 13);
	assert_int_equal(s[0].start_s, 8 * 3600 + 1800);
	assert_int_equal(booking_day_slots(c, 0, "2026-12-06", now, s, BOOKING_MAX_SLOTS), 0);
	assert_int_equal(booking_day_slots(c, 1, "2026-12-03", now, s, BOOKING_MAX_SLOTS),
	    -BOOKING_ENOTBOOKABLE);
	close_core(c, st);
}

/* Book TP-HT on day at hh:mm for phone; the return of booking_create. */
static int
book(core *c, const char *day, int hh, int mm, const char *name, const char *phone,
    int64_t now, struct store_booking *b, char *msg, size_t len)
{
	struct booking_request rq = { 0 };
	int rc;

	rq.queue = 0;
	rq.procedure = -1;
	snprintf(rq.day, sizeof rq.day, "%s", day);
	rq.slot_s = hh * 3600 + mm * 60;
	rq.name = name;
	rq.phone = phone;
	rc = booking_create(c, &rq, now, b, msg, len);
	core_flush(c);
	return rc;
}

static int
taken(core *c, const char *day, int hh, int mm)
{
	return store_booking_taken(core_store(c), "TP-HT", day, hh * 3600 + mm * 60);
}

static void
test_book(void **state)
{
	store *st;
	core *c = open_core(&st);
	int64_t now = at(2, 8, 0);
	struct store_booking b1, b2, b, got;
	char msg[512];

	(void)state;
	assert_int_equal(book(c, "2026-12-03", 9, 0, "  Nguyễn Văn An ", "0912345678", now,
	    &b1, msg, sizeof msg), 0);
	assert_string_equal(b1.name, "Nguyễn Văn An");
	assert_string_equal(b1.state, "booked");
	assert_int_equal(strlen(b1.code), 8);
	assert_int_equal(store_booking_get(st, b1.code, &got), 1);
	assert_string_equal(got.phone, "0912345678");
	assert_int_equal(got.slot_s, 9 * 3600);

	/* The same phone (typed otherwise) in the same slot. */
	assert_int_equal(book(c, "2026-12-03", 9, 0, "Nguyễn Văn An", "+84 912 345 678", now,
	    &b, msg, sizeof msg), -BOOKING_EDUP);
	assert_string_equal(msg, "Số điện thoại này đã có lịch hẹn vào khung giờ 09:00 ngày "
	    "03/12/2026; mỗi số điện thoại chỉ đặt một lịch cho một khung giờ.");
	assert_int_equal(taken(c, "2026-12-03", 9, 0), 1);

	assert_int_equal(book(c, "2026-12-03", 9, 0, "Trần Thị Bình", "0387654321", now,
	    &b2, msg, sizeof msg), 0);
	/* Capacity 2: the third is refused, and nothing changes. */
	assert_int_equal(book(c, "2026-12-03", 9, 0, "Lê Văn Cường", "0371112223", now,
	    &b, msg, sizeof msg), -BOOKING_EFULL);
	assert_string_equal(msg, "Khung giờ 09:00 ngày 03/12/2026 của Hộ tịch đã hết chỗ; "
	    "hãy chọn khung giờ khác.");
	assert_int_equal(taken(c, "2026-12-03", 9, 0), 2);

	/* Not a phone, not a name, not a slot, a slot begun. */
	assert_int_equal(book(c, "2026-12-03", 10, 0, "Lê Văn Cường", "0123", now,
	    &b, msg, sizeof msg), -BOOKING_EINVAL);
	assert_string_equal(msg, "Số điện thoại không hợp lệ: hãy nhập số di động Việt Nam, "
	    "ví dụ 0912345678 hoặc +84912345678.");
	assert_int_equal(book(c, "2026-12-03", 10, 0, "   ", "0371112223", now,
	    &b, msg, sizeof msg), -BOOKING_EINVAL);
	assert_int_equal(book(c, "2026-12-03", 10, 0, "A\nB", "0371112223", now,
	    &b, msg, sizeof msg), -BOOKING_EINVAL);
	assert_int_equal(book(c, "2026-12-03", 10, 10, "Lê Văn Cường", "0371112223", now,
	    &b, msg, sizeof msg), -BOOKING_EINVAL);
	assert_int_equal(book(c, "2026-12-03", 12, 0, "Lê Văn Cường", "0371112223", now,
	    &b, msg, sizeof msg), -BOOKING_EINVAL);            /* lunch */
	assert_int_equal(book(c, "2026-12-02", 8, 0, "Lê Văn Cường", "0371112223", now,
	    &b, msg, sizeof msg), -BOOKING_ECLOSED);
	assert_string_equal(msg, "Khung giờ 08:00 ngày 02/12/2026 đã bắt đầu; hãy chọn "
	    "khung giờ sau.");
	assert_int_equal(book(c, "2026-12-06", 9, 0, "Lê Văn Cường", "0371112223", now,
	    &b, msg, sizeof msg), -BOOKING_ECLOSED);
	assert_int_equal(taken(c, "2026-12-03", 10, 0), 0);

	/* Move into the full slot: refused; elsewhere: the old slot frees. */
	assert_int_equal(book(c, "2026-12-03", 10, 0, "Lê Văn Cường", "0371112223", now,
	    &b, msg, sizeof msg), 0);
	assert_int_equal(booking_move(c, b.code, "2026-12-03", 9 * 3600, now, &got, msg,
	    sizeof msg), -BOOKING_EFULL);
	core_flush(c);
	assert_int_equal(taken(c, "2026-12-03", 10, 0), 1);
	assert_int_equal(booking_move(c, b1.code, "2026-12-04", 9 * 3600, now, &got, msg,
	    sizeof msg), 0);
	core_flush(c);
	assert_int_equal(taken(c, "2026-12-03", 9, 0), 1);
	assert_int_equal(taken(c, "2026-12-04", 9, 0), 1);
	assert_string_equal(got.code, b1.code);

	/* Cancel frees the place; twice is refused; a wrong code is not found. */
	assert_int_equal(booking_cancel(c, b2.code, now, &got, msg, sizeof msg), 0);
	core_flush(c);
	assert_int_equal(taken(c, "2026-12-03", 9, 0), 0);
	assert_int_equal(booking_cancel(c, b2.code, now, &got, msg, sizeof msg), -BOOKING_ESTATE);
	assert_int_equal(booking_move(c, b2.code, "2026-12-04", 10 * 3600, now, &got, msg,
	    sizeof msg), -BOOKING_ESTATE);
	assert_int_equal(booking_cancel(c, "ZZZZ2222", now, &got, msg, sizeof msg),
	    -BOOKING_ENOENT);
	assert_string_equal(msg, "Không tìm thấy lịch hẹn mã ZZZZ2222; hãy kiểm tra lại mã.");
	assert_int_equal(booking_find(c, "12", &got, msg, sizeof msg), -BOOKING_ENOENT);
	close_core(c, st);
}

static void
test_checkin(void **state)
{
	store *st;
	core *c = open_core(&st);
	const struct config *cfg = core_config(c);
	struct store_booking b1, b2, b3, got;
	const struct engine_ticket *t;
	int64_t ticket, before = at(1, 16, 0);
	char msg[512];
	int on_time;

	(void)state;
	assert_int_equal(book(c, "2026-12-02", 9, 0, "Nguyễn Văn An", "0912345678", before,
	    &b1, msg, sizeof msg), 0);
	assert_int_equal(book(c, "2026-12-02", 10, 0, "Trần Thị Bình", "0387654321", before,
	    &b2, msg, sizeof msg), 0);
	assert_int_equal(book(c, "2026-12-03", 9, 0, "Lê Văn Cường", "0371112223", before,
	    &b3, msg, sizeof msg), 0);

	/* Too early (08:40 for 09:00, window from 08:45): refused. */
	assert_int_equal(booking_checkin(c, b1.code, at(2, 8, 40), -1, 0, &got, &ticket,
	    &on_time, msg, sizeof msg), -BOOKING_EEARLY);
	assert_string_equal(msg, "Bạn đến sớm: lịch hẹn lúc 09:00. Xin quay lại từ 08:45 "
	    "để lấy số ưu tiên theo lịch hẹn.");
	core_flush(c);
	assert_int_equal(engine_waiting_count(core_engine(c), 0), 0);
	/* Another day's booking. */
	assert_int_equal(booking_checkin(c, b3.code, at(2, 8, 50), -1, 0, &got, &ticket,
	    &on_time, msg, sizeof msg), -BOOKING_EWRONGDAY);
	assert_non_null(strstr(msg, "09:00 ngày 03/12/2026, không phải hôm nay."));
	core_flush(c);
	assert_int_equal(engine_waiting_count(core_engine(c), 0), 0);

	/* On time (lower-case code typed): the appointment class. */
	assert_int_equal(booking_checkin(c, "x", at(2, 8, 50), -1, 0, &got, &ticket, &on_time,
	    msg, sizeof msg), -BOOKING_ENOENT);
	{
		char lower[16];
		size_t i;

		for (i = 0; b1.code[i] != '\0'; i++)
			lower[i] = (char)(b1.code[i] >= 'A' && b1.code[i] <= 'Z' ?
			    b1.code[i] + 32 : b1.code[i]);
		lower[i] = '\0';
		assert_int_equal(booking_checkin(c, lower, at(2, 8, 50), -1, 0, &got, &ticket,
		    &on_time, msg, sizeof msg), 0);
	}
	core_flush(c);
	assert_true(on_time);
	t = engine_ticket_by_id(core_engine(c), ticket);
	assert_non_null(t);
	assert_int_equal(t->priority, config_priority_index(cfg, "appointment"));
	assert_int_equal(t->queue, 0);
	assert_int_equal(store_booking_get(st, b1.code, &got), 1);
	assert_string_equal(got.state, "checked_in");
	assert_true(got.ticket_id == ticket);
	/* Twice: refused, no second ticket. */
	assert_int_equal(booking_checkin(c, b1.code, at(2, 8, 55), -1, 0, &got, &ticket,
	    &on_time, msg, sizeof msg), -BOOKING_ESTATE);
	core_flush(c);
	assert_int_equal(engine_waiting_count(core_engine(c), 0), 1);

	/* 10:11 for 10:00 with late_min 10: a normal ticket. */
	assert_int_equal(booking_checkin(c, b2.code, at(2, 10, 11), -1, 0, &got, &ticket,
	    &on_time, msg, sizeof msg), 0);
	core_flush(c);
	assert_false(on_time);
	t = engine_ticket_by_id(core_engine(c), ticket);
	assert_int_equal(t->priority, 0);

	/* Statistics: at 10:11 nothing is a no-show yet but b1 and b2 are
	   checked in; b3 (tomorrow) waits.  A booking of 09:30 never checked
	   in is a no-show once 09:40 has passed; cancelled ones are apart. */
	{
		struct store_booking b4, b5;
		struct booking_stats bs[2];

		assert_int_equal(book(c, "2026-12-02", 9, 30, "Võ Văn Em", "0901112223", before,
		    &b4, msg, sizeof msg), 0);
		assert_int_equal(book(c, "2026-12-02", 11, 0, "Đỗ Thị Giang", "0902223334", before,
		    &b5, msg, sizeof msg), 0);
		assert_int_equal(booking_cancel(c, b5.code, before, &got, msg, sizeof msg), 0);
		core_flush(c);
		assert_int_equal(booking_stats(c, "2026-12-02", "2026-12-03", at(2, 9, 40), bs), 0);
		assert_int_equal(bs[0].booked, 4);
		assert_int_equal(bs[0].checked_in, 2);
		assert_int_equal(bs[0].cancelled, 1);
		assert_int_equal(bs[0].no_show, 0);      /* 09:30 + 10 min: not yet past */
		assert_int_equal(booking_stats(c, "2026-12-02", "2026-12-03", at(2, 9, 41), bs), 0);
		assert_int_equal(bs[0].no_show, 1);
		assert_int_equal(booking_stats(c, "2026-12-02", "2026-12-02", at(4, 8, 0), bs), 0);
		assert_int_equal(bs[0].booked, 3);
		assert_int_equal(bs[0].no_show, 1);
		assert_int_equal(booking_stats(c, "2026-12-02", "2026-12-03", at(4, 8, 0), bs), 0);
		assert_int_equal(bs[0].no_show, 2);      /* b3's day has passed */
		assert_int_equal(bs[1].booked, 0);
	}
	close_core(c, st);
}

static void
test_remote(void **state)
{
	store *st;
	core *c = open_core(&st);
	const struct config *cfg = core_config(c);
	struct engine_cmd cmd;
	struct engine_result res;
	const struct engine_ticket *t;
	int64_t ticket;
	char msg[512];
	int i;

	(void)state;
	assert_int_equal(booking_remote(c, 1, -1, at(2, 9, 0), &ticket, msg, sizeof msg),
	    -BOOKING_ENOTBOOKABLE);
	assert_string_equal(msg, "Lý lịch không cấp số từ xa; xin đến trung tâm lấy số tại "
	    "ki-ốt.");
	assert_int_equal(booking_remote(c, 0, -1, at(5, 9, 0), &ticket, msg, sizeof msg),
	    -BOOKING_ECLOSED);
	assert_string_equal(msg, "Hôm nay không lấy số từ xa được: Trung tâm không làm việc "
	    "vào Thứ Bảy.");
	assert_int_equal(booking_remote(c, 0, -1, at(2, 17, 0), &ticket, msg, sizeof msg),
	    -BOOKING_ECLOSED);
	assert_string_equal(msg, "Đã hết giờ làm việc hôm nay (đến 17:00); hãy đặt lịch hẹn "
	    "cho ngày khác.");
	for (i = 0; i < 3; i++) {
		assert_int_equal(booking_remote(c, 0, -1, at(2, 9, i), &ticket, msg, sizeof msg), 0);
		core_flush(c);
		t = engine_ticket_by_id(core_engine(c), ticket);
		assert_int_equal(t->channel, ENGINE_CH_ONLINE);
		assert_int_equal(t->kiosk, -1);
	}
	assert_int_equal(booking_remote(c, 0, -1, at(2, 9, 5), &ticket, msg, sizeof msg),
	    -BOOKING_ECAP);
	assert_string_equal(msg, "Hôm nay Hộ tịch đã cấp hết 3 số từ xa; hãy đặt lịch hẹn "
	    "hoặc đến trung tâm lấy số.");
	core_flush(c);
	assert_int_equal(engine_waiting_count(core_engine(c), 0), 3);
	close_core(c, st);

	/* The estimate past closing: 40 walk-ins at 16:00, 10 minutes each,
	   one counter. */
	c = open_core(&st);
	cfg = core_config(c);
	cmd = engine_cmd_make(ENGINE_COUNTER_OPEN);
	cmd.now = at(2, 16, 0);
	cmd.counter = 0;
	assert_int_equal(core_exec(c, &cmd, &res), 0);
	for (i = 0; i < 40; i++) {
		cmd = engine_cmd_make(ENGINE_ISSUE);
		cmd.now = at(2, 16, 0);
		cmd.queue = 0;
		cmd.channel = ENGINE_CH_KIOSK;
		assert_int_equal(core_exec(c, &cmd, &res), 0);
	}
	core_flush(c);
	assert_int_equal(booking_remote(c, 0, -1, at(2, 16, 0), &ticket, msg, sizeof msg),
	    -BOOKING_ELATE);
	assert_non_null(strstr(msg, "quá giờ làm việc hôm nay (đến 17:00); hãy đặt lịch hẹn "
	    "cho ngày khác."));
	core_flush(c);
	assert_int_equal(engine_waiting_count(core_engine(c), 0), 40);
	(void)cfg;
	close_core(c, st);
}

/* Booked appointments of the coming hour lengthen a walk-in's estimate:
 * they come as priority tickets that the interleave puts before it. */
static void
test_estimate(void **state)
{
	store *st;
	core *c = open_core(&st);
	struct engine_cmd cmd;
	struct engine_result res;
	struct store_booking b;
	char msg[512];
	int i, ahead, before, after, again, mm;

	(void)state;
	cmd = engine_cmd_make(ENGINE_COUNTER_OPEN);
	cmd.now = at(2, 8, 0);
	cmd.counter = 0;
	assert_int_equal(core_exec(c, &cmd, &res), 0);
	for (i = 0; i < 12; i++) {
		cmd = engine_cmd_make(ENGINE_ISSUE);
		cmd.now = at(2, 8, 0);
		cmd.queue = 0;
		cmd.channel = ENGINE_CH_KIOSK;
		assert_int_equal(core_exec(c, &cmd, &res), 0);
	}
	core_flush(c);
	assert_int_equal(booking_refresh(c, at(2, 8, 0)), 0);
	assert_int_equal(engine_queue_estimate(core_engine(c), 0, 0, &ahead, &before), 0);
	/* Six appointments at 08:30, 09:00 and 09:30 (two of them within the
	   coming hour at 08:00). */
	for (i = 0, mm = 30; i < 6; i++) {
		char phone[16];

		snprintf(phone, sizeof phone, "09%08d", 10000000 + i);
		assert_int_equal(book(c, "2026-12-02", mm / 60 + 8, mm % 60, "Người Thử", phone,
		    at(2, 8, 0), &b, msg, sizeof msg), 0);
		if (i % 2 == 1)
			mm += 30;
	}
	assert_int_equal(engine_queue_estimate(core_engine(c), 0, 0, &ahead, &after), 0);
	assert_true(after > before);
	/* An hour later than that they are out of the window: as before. */
	assert_int_equal(booking_refresh(c, at(2, 12, 0)), 0);
	assert_int_equal(engine_queue_estimate(core_engine(c), 0, 0, &ahead, &again), 0);
	assert_int_equal(again, before);
	close_core(c, st);
}

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/b.db", tmpdir);
	return 0;
}

static int
teardown(void **state)
{
	char p[400];

	(void)state;
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	rmdir(tmpdir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_code),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_book),
		cmocka_unit_test(test_checkin),
		cmocka_unit_test(test_remote),
		cmocka_unit_test(test_estimate),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
