/*
 * test_notify.c - unit tests of host/daemon/notify: the outbox (one row per
 * (kind, ref), due times, retries, delivery reports checked by secret, the
 * purge of phone numbers), phone parsing and masking, and the notifier on a
 * real core and store: "near" and "called" are queued in the same
 * transaction as the event that makes them (a second connection sees
 * nothing before the commit), once per (kind, ticket), as GSM-7; a booking
 * reminder is one more kind, withdrawn ones are never due; a pre-commit
 * hook that fails fails its batch.
 *
 * Run from the repository root (make does), or set ONESTOP_ROOT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/gsm7.h"
#include "common/xmalloc.h"
#include "core/config.h"
#include "core/core.h"
#include "core/loop.h"
#include "core/store.h"
#include "daemon/notify/notify.h"
#include "daemon/notify/outbox.h"
#include "daemon/notify/sender.h"

static char tmpdir[] = "/tmp/onestop-test-notify-XXXXXX";
static char dbpath[300];

static core *
open_core(store **stp, int sms)
{
	const char *root = getenv("ONESTOP_ROOT");
	struct config *cfg;
	char path[600], err[512];
	core *c;

	snprintf(path, sizeof path, "%s/config/demo/centre.ini", root ? root : ".");
	if (config_load(path, &cfg, err, sizeof err) != 0)
		fail_msg("%s", err);
	if (sms) {
		/* A gateway nobody listens on: nothing is sent in these tests. */
		cfg->sms.url = xstrdup("http://127.0.0.1:9/cgi-bin/sendsms");
		cfg->sms.username = xstrdup("u");
		cfg->sms.password = xstrdup("p");
		cfg->sms.near_ahead = 1;
	}
	unlink(dbpath);
	*stp = store_open(dbpath, cfg, err, sizeof err);
	assert_non_null(*stp);
	c = core_new(cfg, *stp, err, sizeof err);
	assert_non_null(c);
	return c;
}

/* A count from a second connection: what is committed. */
static long long
committed(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
test_phone(void **state)
{
	char p[16], m[NOTIFY_MASK_LEN];

	(void)state;
	assert_int_equal(notify_phone_parse("0901234123", p), 0);
	assert_string_equal(p, "0901234123");
	assert_int_equal(notify_phone_parse("+84 90 123 4123", p), 0);
	assert_string_equal(p, "0901234123");
	assert_int_equal(notify_phone_parse("84-38.123.4567", p), 0);
	assert_string_equal(p, "0381234567");
	assert_int_equal(notify_phone_parse("0241234567", p), -1);   /* a land line */
	assert_int_equal(notify_phone_parse("090123412", p), -1);
	assert_int_equal(notify_phone_parse("09012341234", p), -1);
	assert_int_equal(notify_phone_parse("0901a34123", p), -1);
	assert_int_equal(notify_phone_parse("", p), -1);
	assert_int_equal(notify_phone_parse(NULL, p), -1);
	notify_phone_mask("0901234123", m);
	assert_string_equal(m, "09xx xxx 123");
	/* Kannel's answers: 0 and 3 took the message, anything else did not. */
	assert_true(sender_accepted(202, "0: Accepted for delivery"));
	assert_true(sender_accepted(202, "3: Queued for later delivery"));
	assert_false(sender_accepted(503, "0: Accepted for delivery"));
	assert_false(sender_accepted(202, "Sender missing and no global set, rejected"));
	assert_false(sender_accepted(403, "Authorization failed for sendsms"));
	assert_false(sender_accepted(200, NULL));
}

static void
test_outbox(void **state)
{
	struct outbox_msg m[4];
	char err[256], phone[OUTBOX_PHONE_LEN];
	store *st;
	core *c = open_core(&st, 0);
	outbox *o = outbox_new(st, err, sizeof err);

	(void)state;
	assert_non_null(o);
	assert_int_equal(outbox_enqueue(o, OUTBOX_CALLED, 7, "0901234123", "Moi so 1001",
	    1000, 5000), 1);
	assert_int_equal(outbox_enqueue(o, OUTBOX_CALLED, 7, "0901234123", "other", 1001,
	    5000), 0);
	assert_int_equal(outbox_enqueue(o, OUTBOX_NEAR, 7, "0901234123", "near", 1000, 5000), 1);
	assert_int_equal(outbox_enqueue(o, OUTBOX_REMINDER, 7, "0901234123", "hen", 1000,
	    5000), 1);
	assert_int_equal(outbox_exists(o, OUTBOX_CALLED, 7), 1);
	assert_int_equal(outbox_exists(o, OUTBOX_CALLED, 8), 0);
	assert_int_equal(outbox_due(o, 999, m, 4), 0);
	assert_int_equal(outbox_due(o, 1000, m, 4), 3);
	assert_string_equal(m[0].text, "Moi so 1001");
	assert_int_equal(m[0].kind, OUTBOX_CALLED);
	assert_int_equal((int)strlen(m[0].secret), 32);
	/* A retry is not due before its time; a sent one never again. */
	assert_int_equal(outbox_mark_retry(o, m[0].id, 1100, "HTTP 503"), 0);
	assert_int_equal(outbox_mark_sent(o, m[1].id, 1000), 0);
	assert_int_equal(outbox_due(o, 1050, m + 2, 2), 1);
	assert_int_equal(outbox_due(o, 1100, m + 2, 2), 2);
	assert_int_equal(m[3].id, m[0].id);        /* oldest due first */
	assert_int_equal(m[3].attempts, 1);
	assert_int_equal(outbox_count(o, "sent"), 1);
	/* Withdrawn (a cancelled booking's reminder): never due again; sent
	 * ones stay sent; queueing it again makes it pending with the new
	 * text, queueing a pending or sent one changes nothing. */
	assert_int_equal(outbox_enqueue(o, OUTBOX_REMINDER, 70, "0901234124", "hen 2", 1000,
	    5000), 1);
	assert_int_equal(outbox_enqueue(o, OUTBOX_REMINDER, 71, "0901234125", "hen 3", 1000,
	    5000), 1);
	assert_int_equal(outbox_withdraw(o, OUTBOX_REMINDER, 70, 70), 1);
	assert_int_equal(outbox_withdraw(o, OUTBOX_REMINDER, 70, 70), 0);
	assert_int_equal(outbox_withdraw(o, OUTBOX_NEAR, 0, 100), 0);   /* sent */
	assert_int_equal(outbox_count(o, "withdrawn"), 1);
	{
		struct outbox_msg d[8];
		int k = outbox_due(o, 1100, d, 8), i;

		for (i = 0; i < k; i++)
			assert_true(d[i].ref != 70);
		assert_int_equal(k, 3);         /* called 7, reminder 7, 71 */
	}
	assert_int_equal(outbox_enqueue(o, OUTBOX_REMINDER, 70, "0901234124", "hen 2b", 1001,
	    5000), 1);
	assert_int_equal(outbox_enqueue(o, OUTBOX_REMINDER, 70, "0901234124", "hen 2c", 1002,
	    5000), 0);
	assert_int_equal(outbox_enqueue(o, OUTBOX_NEAR, 7, "0901234123", "again", 1002, 5000), 0);
	assert_int_equal(committed("SELECT count(*) FROM sms_outbox WHERE ref = 70"
	    " AND state = 'pending' AND text = 'hen 2b' AND attempts = 0"), 1);
	assert_int_equal(outbox_withdraw(o, OUTBOX_REMINDER, 70, 71), 2);
	assert_int_equal(outbox_count(o, "withdrawn"), 2);
	/* Delivery reports: only with the message's own secret. */
	assert_int_equal(outbox_dlr(o, m[1].id, "00000000000000000000000000000000", 1, 1200), 0);
	assert_int_equal(outbox_dlr(o, m[1].id, NULL, 1, 1200), 0);
	assert_int_equal(outbox_dlr(o, 999, m[1].secret, 1, 1200), 0);
	assert_int_equal(outbox_dlr(o, m[1].id, m[1].secret, 1, 1200), 1);
	/* Expired messages are not due; purged phones are gone. */
	assert_int_equal(outbox_due(o, 5001, m, 4), 0);
	assert_int_equal(outbox_phone_set(o, 7, "0901234123", 1000), 0);
	assert_int_equal(outbox_phone_get(o, 7, phone), 1);
	assert_string_equal(phone, "0901234123");
	assert_int_equal(outbox_purge(o, 1001), 6);     /* 1 phone + 5 messages */
	assert_int_equal(outbox_phone_get(o, 7, phone), 0);
	assert_int_equal(outbox_count(o, "pending"), 0);
	assert_int_equal(committed("SELECT count(*) FROM sms_outbox WHERE phone IS NOT NULL"), 0);
	assert_int_equal(committed("SELECT count(*) FROM sms_phones WHERE phone IS NOT NULL"), 0);
	outbox_free(o);
	core_free(c);
	store_close(st);
}

static int
cmd(core *c, enum engine_cmd_type type, const char *queue, int counter)
{
	struct engine_cmd k = engine_cmd_make(type);
	struct engine_result res;

	k.channel = ENGINE_CH_API;
	if (queue != NULL)
		k.queue = config_queue_index(core_config(c), queue);
	if (counter > 0)
		k.counter = config_counter_index(core_config(c), counter);
	return core_exec(c, &k, &res);
}

static void
test_notify_same_transaction(void **state)
{
	const struct engine_ticket *const *open;
	int64_t id[3];
	char err[256], masked[NOTIFY_MASK_LEN];
	store *st;
	core *c = open_core(&st, 1);
	loop *l = loop_new();
	notify *n = notify_start(c, l, err, sizeof err);
	int i, k, num1 = 0;

	(void)state;
	assert_non_null(n);
	assert_true(notify_active(n));
	assert_int_equal(cmd(c, ENGINE_COUNTER_OPEN, NULL, 1), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(cmd(c, ENGINE_ISSUE, "TP-LL", 0), 0);
	core_flush(c);
	k = engine_open_tickets(core_engine(c), &open);
	assert_int_equal(k, 3);
	for (i = 0; i < 3; i++) {
		int j = open[i]->number - core_config(c)->queues[config_queue_index(
		    core_config(c), "TP-LL")].number_first;
		id[j] = open[i]->id;
		if (j == 1)
			num1 = open[i]->number;
	}
	/* Ticket 2 has 1 ahead: "near" at once, in the same batch. */
	assert_int_equal(notify_subscribe(n, id[1], "0901234222", masked), 0);
	assert_string_equal(masked, "09xx xxx 222");
	assert_int_equal(notify_subscribe(n, id[2], "0901234333", masked), 0);
	assert_int_equal(notify_subscribe(n, id[2], "12", masked), -NOTIFY_EPHONE);
	assert_int_equal(committed("SELECT count(*) FROM sms_outbox"), 0);
	core_flush(c);
	assert_int_equal(committed("SELECT count(*) FROM sms_outbox WHERE kind = 'near'"), 1);
	assert_int_equal(committed("SELECT count(*) FROM sms_phones"), 2);

	/* The call of ticket 1 moves ticket 3 within reach: its "near" is
	   written in the call's own transaction. */
	assert_int_equal(cmd(c, ENGINE_CALL_NEXT, NULL, 1), 0);
	assert_int_equal(committed("SELECT count(*) FROM sms_outbox"), 1);
	core_flush(c);
	assert_int_equal(committed("SELECT count(*) FROM sms_outbox WHERE kind = 'near'"), 2);
	assert_int_equal(notify_subscribe(n, id[0], "0901234111", masked), -NOTIFY_ESTATE);

	/* Ticket 2 is called: "called", once, even when recalled. */
	assert_int_equal(cmd(c, ENGINE_START, NULL, 1), 0);
	assert_int_equal(cmd(c, ENGINE_FINISH, NULL, 1), 0);
	assert_int_equal(cmd(c, ENGINE_CALL_NEXT, NULL, 1), 0);
	core_flush(c);
	assert_int_equal(cmd(c, ENGINE_RECALL, NULL, 1), 0);
	core_flush(c);
	assert_int_equal(committed("SELECT count(*) FROM sms_outbox WHERE kind = 'called'"), 1);
	{
		char want[200], sql[300];

		snprintf(want, sizeof want, "Trung tam Phuc vu hanh chinh cong tinh Tien Giang:"
		    " Moi so %04d den Quay 1 (Khu A).", num1);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM sms_outbox WHERE kind = 'called'"
		    " AND text = '%s' AND phone = '0901234222'", want);
		assert_int_equal(committed(sql), 1);
	}
	/* A booking's reminder: one more kind, once per booking and start. */
	assert_int_equal(notify_reminder(n, 42, core_now() + 86400, "0901234999",
	    "Nhắc lịch hẹn: 8:30 ngày 03/12 tại Trung tâm."), 1);
	assert_int_equal(notify_reminder(n, 42, core_now() + 86400, "0901234999", "x"), 0);
	core_flush(c);
	assert_int_equal(committed("SELECT count(*) FROM sms_outbox WHERE kind = 'reminder'"
	    " AND text = 'Nhac lich hen: 8:30 ngay 03/12 tai Trung tam.'"), 1);
	{
		char *txt = notify_text_reminder(core_config(c), 1764725400, "Đăng ký khai sinh");
		char *g = gsm7_from_utf8(txt, 160);

		/* 1764725400 is 2025-12-03 01:30 UTC, 08:30 in Vietnam (TZ set in main) */
		assert_string_equal(g, "Trung tam Phuc vu hanh chinh cong tinh Tien Giang: Nhac "
		    "lich hen luc 08:30 ngay 03/12/2025, thu tuc Dang ky khai sinh. Xin den "
		    "dung gio va mang theo giay to.");
		free(g);
		free(txt);
	}
	notify_stop(n);
	loop_free(l);
	core_free(c);
	store_close(st);
}

static int
failing_hook(void *arg, const struct engine_event *evs, size_t n)
{
	(void)evs;
	(void)n;
	return *(int *)arg;
}

static void
test_precommit_failure_fails_batch(void **state)
{
	store *st;
	core *c = open_core(&st, 0);
	int fail = 1;
	int64_t before;

	(void)state;
	core_add_precommit(c, failing_hook, &fail);
	before = core_committed_event_id(c);
	assert_int_equal(cmd(c, ENGINE_COUNTER_OPEN, NULL, 1), 0);
	core_flush(c);
	assert_int_equal(core_committed_event_id(c), before);
	assert_int_equal(committed("SELECT count(*) FROM events"), 0);
	fail = 0;
	assert_int_equal(cmd(c, ENGINE_COUNTER_OPEN, NULL, 1), 0);
	core_flush(c);
	assert_int_equal(committed("SELECT count(*) FROM events"), 1);
	core_free(c);
	store_close(st);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/t.db", tmpdir);
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
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_outbox),
		cmocka_unit_test(test_notify_same_transaction),
		cmocka_unit_test(test_precommit_failure_fails_batch),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
