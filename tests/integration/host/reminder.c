/*
 * reminder.c - the day-before SMS reminder of bookings, end to end
 * (host/docs/notify.md, "Reminders").
 *
 * A real Kannel (bearerbox, smsbox, fakesmsc as the operator) and the real
 * onestopd with [sms] and [booking].  Bookings for tomorrow are made on
 * the public route (one is then cancelled), one for the day after; the
 * admin route POST /api/v1/sms/reminders runs the daily job now (the
 * daemon runs it by itself from [booking] reminder_hour, set here to an
 * hour the job never runs at, so nothing but the route starts it).  What
 * fakesmsc receives is read: each live booking of tomorrow gets one
 * reminder in GSM-7 Vietnamese without diacritics, the cancelled one and
 * the later day's none; running the job again, and again after a
 * restart, queues nothing twice and sends nothing twice.  A booking for
 * tomorrow made after the day's run is queued at once (no other run).
 * Then, with the gateway stopped so that reminders stay queued: a booking
 * cancelled, one moved to the day after, one moved to another time
 * tomorrow and one moved from the day after to tomorrow; when the gateway
 * is back, the operator receives only the new times, never the cancelled
 * or the old ones (their rows are 'withdrawn').  The test runs in a time
 * zone where it is noon, so that the day's window (until 21:00) is open
 * whatever the hour.
 *
 * Processes are started by this program and stopped by pid; readiness is a
 * line of their output, never a sleep.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "peers.h"

#define PW_ADMIN "admin-password-1"

/* The local date days from now, as YYYY-MM-DD and as DD/MM/YYYY. */
static void
local_day(int days, char iso[11], char vn[11])
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mday += days;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	mktime(&tm);
	strftime(iso, 11, "%Y-%m-%d", &tm);
	strftime(vn, 11, "%d/%m/%Y", &tm);
}

/* A zone where it is now noon (POSIX TZ: "TST+4" is UTC-4), for the test
 * and the daemon it starts. */
static void
noon_zone(void)
{
	time_t t = time(NULL);
	struct tm g;
	char tz[32];

	gmtime_r(&t, &g);
	snprintf(tz, sizeof tz, "TST%+d", g.tm_hour - 12);
	setenv("TZ", tz, 1);
	tzset();
}

/* POST /api/v1/public/bookings/{code}/{what} with body; the status. */
static long
post(struct hn_http *h, const char *code, const char *what, const char *body)
{
	char path[128];

	snprintf(path, sizeof path, "/api/v1/public/bookings/%s/%s", code, what);
	return hn_req(h, "POST", path, body, NULL);
}

/* Book proc at day and time for phone; the code into code; the status. */
static long
book(struct hn_http *h, const char *proc, const char *day, const char *time,
    const char *phone, char code[16])
{
	char body[512];
	cJSON *o = NULL, *b;
	long st;

	snprintf(body, sizeof body, "{\"procedure\":\"%s\",\"day\":\"%s\",\"time\":\"%s\","
	    "\"name\":\"Nguyễn Thị Hoà\",\"phone\":\"%s\"}", proc, day, time, phone);
	st = hn_req(h, "POST", "/api/v1/public/bookings", body, &o);
	b = cJSON_GetObjectItem(o, "booking");
	snprintf(code, 16, "%s", b != NULL && hn_str(b, "code") != NULL ? hn_str(b, "code") : "");
	cJSON_Delete(o);
	return st;
}

/* Run the job now; its counts. */
static long
remind(struct hn_http *h, int *bookings, int *queued, int *already)
{
	cJSON *o = NULL;
	long st = hn_req(h, "POST", "/api/v1/sms/reminders", "{}", &o);

	*bookings = (int)hn_num(o, "bookings", -1);
	*queued = (int)hn_num(o, "queued", -1);
	*already = (int)hn_num(o, "already", -1);
	cJSON_Delete(o);
	return st;
}

int
main(void)
{
	struct kannel k;
	struct hn_daemon d;
	struct hn_http h, pub;
	char url[256], proc[64], tom[11], tomvn[11], after[11], aftervn[11];
	char ca[16], cb[16], cc[16], cd[16], ce[16], cf[16], cg[16], ch[16], path[96];
	char want[256], body[128];
	int nb = -1, nq = -1, na = -1;
	cJSON *o = NULL, *s;
	long st;

	signal(SIGPIPE, SIG_IGN);
	noon_zone();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (access(BEARERBOX, X_OK) != 0 || access(FAKESMSC, X_OK) != 0) {
		fprintf(stderr, "reminder: Kannel is not installed (config/install-deps.sh: "
		    "kannel kannel-extras)\n");
		return 1;
	}
	memset(&k, 0, sizeof k);
	memset(&d, 0, sizeof d);
	if (hn_init(&d, "reminder") != 0 || kannel_conf(&k, d.dir) != 0 ||
	    kannel_start(&k) != 0) {
		fprintf(stderr, "reminder: Kannel does not start\n");
		hn_cleanup(&d, 1);
		return 1;
	}
	/* Every day bookable; reminder_hour 22: the daily job (which stops at
	   21:00) never runs by itself during the test. */
	if (ini_replace_section(d.ini, "booking", "[booking]\nslot_min = 30\n"
	    "hours = 07:30-11:30, 13:30-17:00\ncapacity = 4\nclosed_days = none\n"
	    "horizon_days = 3\nreminder_hour = 22\n\n") != 0) {
		fprintf(stderr, "reminder: no [booking] in %s\n", d.ini);
		return 1;
	}
	d.want_port = hn_free_port();
	snprintf(url, sizeof url, "http://127.0.0.1:%d/cgi-bin/sendsms", k.sendsms);
	if (daemon_sms_ini(&d, url, 0, 5) != 0 ||
	    hn_add_user(&d, "admin", "admin", NULL, PW_ADMIN) != 0 || hn_start(&d) != 0) {
		fprintf(stderr, "reminder: onestopd does not start (log %s)\n", d.logpath);
		kannel_stop(&k);
		hn_cleanup(&d, 1);
		return 1;
	}
	hn_http_init(&h, d.port, NULL);
	hn_http_init(&pub, d.port, NULL);
	hn_check(hn_login(&h, "admin", PW_ADMIN) == 0, "admin logs in");

	st = hn_req(&pub, "GET", "/api/v1/procedures?q=dang+ky+khai+sinh&limit=1", NULL, &o);
	s = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "procedures"), 0);
	snprintf(proc, sizeof proc, "%s", s != NULL && hn_str(s, "code") ? hn_str(s, "code") : "");
	cJSON_Delete(o);
	hn_check(st == 200 && proc[0] != '\0', "a bookable procedure (%s)", proc);

	local_day(1, tom, tomvn);
	local_day(2, after, aftervn);
	hn_check(book(&pub, proc, tom, "09:00", "0901110001", ca) == 201 &&
	    book(&pub, proc, tom, "09:00", "0901110002", cb) == 201 &&
	    book(&pub, proc, tom, "14:30", "+84 90 111 0003", cc) == 201 &&
	    book(&pub, proc, after, "09:00", "0901110004", cd) == 201,
	    "three bookings for tomorrow (%s), one for the day after", tom);
	snprintf(path, sizeof path, "/api/v1/public/bookings/%s/cancel", cb);
	hn_check(hn_req(&pub, "POST", path, "{}", NULL) == 200, "the second is cancelled");

	hn_check(hn_req(&pub, "POST", "/api/v1/sms/reminders", "{}", NULL) == 401,
	    "the job's route is not public");
	st = remind(&h, &nb, &nq, &na);
	hn_check(st == 200 && nb == 2 && nq == 2 && na == 0,
	    "the job now: tomorrow's 2 live bookings, 2 reminders queued "
	    "(bookings %d, queued %d, before %d)", nb, nq, na);
	snprintf(want, sizeof want, "<1022 0901110001 text Trung tam Phuc vu hanh chinh cong "
	    "tinh Tien Giang: Nhac lich hen luc 09:00 ngay %s, thu tuc ", tomvn);
	hn_check(fake_wait(&k, want, 1, 15000) == 0, "the operator receives the first: %s…",
	    want);
	snprintf(want, sizeof want, "<1022 0901110003 text Trung tam Phuc vu hanh chinh cong "
	    "tinh Tien Giang: Nhac lich hen luc 14:30 ngay %s, thu tuc ", tomvn);
	hn_check(fake_wait(&k, want, 1, 15000) == 0, "and the third (number given as +84): "
	    "%s…", want);
	hn_check(fake_count(&k, "Xin den dung gio va mang theo giay to.>") == 2,
	    "both in Vietnamese without diacritics, ending \"Xin den dung gio va mang "
	    "theo giay to.\"");
	hn_check(fake_count(&k, "0901110002") == 0, "the cancelled booking gets none");
	hn_check(fake_count(&k, "0901110004") == 0, "the day after's booking gets none yet");

	st = remind(&h, &nb, &nq, &na);
	hn_check(st == 200 && nb == 2 && nq == 0 && na == 2,
	    "the job again: nothing queued, 2 queued before (queued %d, before %d)", nq, na);

	/* Kannel's delivery reports come after the send: let the last ones in
	   before the restart (one that arrives while onestopd stops can kill
	   it before "sent" is written; the message then goes again). */
	hn_check(db_wait(&d, &h, "SELECT count(*) FROM sms_outbox WHERE state = 'sent'"
	    " AND dlr = 1", 2, 15000) == 0, "both are delivered (their last reports in)");
	hn_stop(&d, SIGTERM);
	hn_check(hn_start(&d) == 0, "onestopd restarts");
	hn_http_set_port(&h, d.port);
	hn_http_set_port(&pub, d.port);
	hn_check(hn_login(&h, "admin", PW_ADMIN) == 0, "admin logs in again");
	st = remind(&h, &nb, &nq, &na);
	hn_check(st == 200 && nq == 0 && na == 2,
	    "after the restart the job queues nothing again (queued %d, before %d)", nq, na);
	/* Today's run is over: a booking for tomorrow made now is queued at
	   once and arrives without another run. */
	hn_check(book(&pub, proc, tom, "10:00", "0901110005", ce) == 201, "a new booking "
	    "for tomorrow");
	snprintf(want, sizeof want, "<1022 0901110005 text Trung tam Phuc vu hanh chinh cong "
	    "tinh Tien Giang: Nhac lich hen luc 10:00 ngay %s, thu tuc ", tomvn);
	hn_check(fake_wait(&k, want, 1, 15000) == 0,
	    "its reminder arrives with no other run of the job");
	st = remind(&h, &nb, &nq, &na);
	hn_check(st == 200 && nb == 3 && nq == 0 && na == 3,
	    "the next run finds it queued (bookings %d, queued %d, before %d)", nb, nq, na);
	hn_check(fake_count(&k, "<1022 0901110001 text ") == 1 &&
	    fake_count(&k, "<1022 0901110003 text ") == 1,
	    "the first two reminders were received once each (restart, second run)");

	/* The gateway stops: reminders queued now stay pending. */
	kannel_stop(&k);
	hn_check(book(&pub, proc, tom, "10:30", "0901110006", cf) == 201 &&
	    book(&pub, proc, tom, "11:00", "0901110007", cg) == 201 &&
	    book(&pub, proc, tom, "14:00", "0901110008", ch) == 201,
	    "three more bookings for tomorrow while the gateway is down");
	hn_check(db_int(&d, "SELECT count(*) FROM sms_outbox WHERE kind = 'reminder'"
	    " AND state = 'pending'") == 3, "their 3 reminders are queued, unsent");
	st = remind(&h, &nb, &nq, &na);
	hn_check(st == 200 && nb == 6 && nq == 0 && na == 6,
	    "a run of the job finds them queued (bookings %d, queued %d, before %d)",
	    nb, nq, na);
	hn_check(post(&pub, cf, "cancel", "{}") == 200,
	    "the first of them is cancelled");
	snprintf(body, sizeof body, "{\"day\":\"%s\",\"time\":\"09:30\"}", after);
	hn_check(post(&pub, cg, "move", body) == 200,
	    "the second is moved to the day after");
	snprintf(body, sizeof body, "{\"day\":\"%s\",\"time\":\"16:00\"}", tom);
	hn_check(post(&pub, ch, "move", body) == 200,
	    "the third is moved to 16:00 tomorrow");
	snprintf(body, sizeof body, "{\"day\":\"%s\",\"time\":\"15:00\"}", tom);
	hn_check(post(&pub, cd, "move", body) == 200,
	    "the day after's booking is moved to 15:00 tomorrow");
	hn_check(db_int(&d, "SELECT count(*) FROM sms_outbox WHERE kind = 'reminder'"
	    " AND state = 'withdrawn'") == 3 &&
	    db_int(&d, "SELECT count(*) FROM sms_outbox WHERE kind = 'reminder'"
	    " AND state = 'withdrawn' AND phone IN ('0901110006', '0901110007',"
	    " '0901110008')") == 3,
	    "the cancelled one's, the moved ones' old reminders are withdrawn");
	hn_check(db_int(&d, "SELECT count(*) FROM sms_outbox WHERE kind = 'reminder'"
	    " AND state = 'pending' AND phone IN ('0901110008', '0901110004')") == 2 &&
	    db_int(&d, "SELECT count(*) FROM sms_outbox WHERE state = 'pending'") == 2,
	    "the new times of tomorrow are queued, nothing else");

	hn_check(kannel_start(&k) == 0, "the gateway is back (same ports)");
	snprintf(want, sizeof want, "<1022 0901110008 text Trung tam Phuc vu hanh chinh cong "
	    "tinh Tien Giang: Nhac lich hen luc 16:00 ngay %s, thu tuc ", tomvn);
	hn_check(fake_wait(&k, want, 1, 15000) == 0, "the operator receives the new time: "
	    "%s…", want);
	snprintf(want, sizeof want, "<1022 0901110004 text Trung tam Phuc vu hanh chinh cong "
	    "tinh Tien Giang: Nhac lich hen luc 15:00 ngay %s, thu tuc ", tomvn);
	hn_check(fake_wait(&k, want, 1, 15000) == 0, "and the one moved to tomorrow: %s…",
	    want);
	hn_check(db_wait(&d, &h, "SELECT count(*) FROM sms_outbox WHERE kind = 'reminder'"
	    " AND state = 'sent'", 5, 15000) == 0 &&
	    db_int(&d, "SELECT count(*) FROM sms_outbox WHERE state = 'pending'") == 0,
	    "5 reminders sent, none pending");
	hn_check(fake_count(&k, "0901110006") == 0 && fake_count(&k, "0901110007") == 0,
	    "the cancelled booking and the one moved to the day after got nothing");
	hn_check(fake_count(&k, "<1022 0901110008 text ") == 1,
	    "the one moved within tomorrow got one reminder, not its old time");
	hn_check(db_int(&d, "SELECT count(*) FROM sms_outbox WHERE kind = 'reminder'"
	    " AND state = 'withdrawn'") == 3, "the 3 withdrawn stay withdrawn");
	hn_check(db_wait(&d, &h, "SELECT count(*) FROM sms_outbox WHERE state = 'sent'"
	    " AND dlr = 1 AND phone IN ('0901110008', '0901110004')", 2, 15000) == 0,
	    "the two new ones are delivered");
	kannel_stop(&k);
	for (int i = 0; i < k.nfake; i++)
		proc_free(&k.fake[i]);
	hn_http_free(&h);
	hn_http_free(&pub);
	hn_cleanup(&d, hn_failures > 0);
	return hn_summary("reminder");
}
