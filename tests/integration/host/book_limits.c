/*
 * book_limits.c - hostile visitors of the public booking routes
 * (host/docs/api.md, "Appointments"): one person inventing phone numbers
 * to fill every slot, one phone booking from many addresses, one address
 * taking remote tickets for today.  The real onestopd with the demo's
 * limits ([booking] address_limit 20, phone_limit 3, the defaults): past
 * them a 429 too_many_attempts with Retry-After and a Vietnamese message,
 * nothing written; another address and another phone go on as before.
 * Addresses are loopback ones (127.0.x.y) the client binds to.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "peers.h"

/* A visitor's connection from loopback address addr. */
static void
visitor(struct hn_http *v, int port, const char *addr)
{
	hn_http_init(v, port, NULL);
	curl_easy_setopt(v->curl, CURLOPT_INTERFACE, addr);
}

/* The last answer's Retry-After in seconds, 0 when none. */
static long
retry_after(struct hn_http *v)
{
	struct curl_header *hd;

	if (curl_easy_header(v->curl, "Retry-After", 0, CURLH_HEADER, -1, &hd) != CURLHE_OK)
		return 0;
	return strtol(hd->value, NULL, 10);
}

/* Whether the last answer is a 429 in Vietnamese with want in it. */
static int
refused(struct hn_http *v, long st, const char *want)
{
	return st == 429 && v->body != NULL && strstr(v->body, "too_many_attempts") != NULL &&
	    strstr(v->body, want) != NULL && strstr(v->body, "hãy thử lại sau") != NULL &&
	    retry_after(v) >= 60;
}

static long
book(struct hn_http *v, const char *proc, const char *day, int slot, const char *phone)
{
	char body[512];

	snprintf(body, sizeof body, "{\"procedure\":\"%s\",\"day\":\"%s\",\"time\":"
	    "\"%02d:%02d\",\"name\":\"Trần Văn Bảo\",\"phone\":\"%s\"}", proc, day,
	    8 + slot / 2, slot % 2 * 30, phone);
	return hn_req(v, "POST", "/api/v1/public/bookings", body, NULL);
}

int
main(void)
{
	struct hn_daemon d;
	struct hn_http v, w;
	char proc[64], day[11], phone[16], body[128];
	time_t now = time(NULL);
	struct tm tm;
	cJSON *o = NULL, *s;
	long st = 0;
	int i, ok;

	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	memset(&d, 0, sizeof d);
	/* Every day bookable, a large capacity: only the limits stop anyone. */
	if (hn_init(&d, "book-limits") != 0 || ini_replace_section(d.ini, "booking",
	    "[booking]\nslot_min = 30\nhours = 00:00-24:00\ncapacity = 100\n"
	    "closed_days = none\nhorizon_days = 3\nremote_cap = 100\n\n") != 0 ||
	    hn_start(&d) != 0) {
		fprintf(stderr, "book_limits: onestopd does not start\n");
		hn_cleanup(&d, 1);
		return 1;
	}
	localtime_r(&now, &tm);
	tm.tm_mday += 1;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	mktime(&tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);

	visitor(&v, d.port, "127.0.0.2");
	st = hn_req(&v, "GET", "/api/v1/procedures?q=dang+ky+khai+sinh&limit=1", NULL, &o);
	s = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "procedures"), 0);
	snprintf(proc, sizeof proc, "%s", s != NULL && hn_str(s, "code") ? hn_str(s, "code") : "");
	cJSON_Delete(o);
	hn_check(st == 200 && proc[0] != '\0', "a bookable procedure (%s)", proc);

	/* One address, invented numbers. */
	for (i = 0, ok = 0; i < 40; i++) {
		snprintf(phone, sizeof phone, "09%08d", 12340000 + i);
		if ((st = book(&v, proc, day, i % 20, phone)) != 201)
			break;
		ok++;
	}
	hn_check(ok == 20, "one address books 20 with invented numbers (%d)", ok);
	hn_check(refused(&v, st, "Đã đặt lịch quá nhiều lần từ địa chỉ này"),
	    "the 21st: 429 too_many_attempts, Retry-After %ld, \"%.120s\"", retry_after(&v),
	    v.body != NULL ? v.body : "");
	snprintf(phone, sizeof phone, "09%08d", 12349999);
	hn_check(refused(&v, book(&v, proc, day, 30, phone), "quá nhiều lần"),
	    "and the next at once: still 429");
	hn_check(refused(&v, hn_req(&v, "POST", "/api/v1/public/remote-tickets",
	    "{\"queue\":\"TP-HT\"}", NULL), "quá nhiều lần"),
	    "a remote ticket from the same address: 429 too");
	visitor(&w, d.port, "127.0.0.3");
	snprintf(phone, sizeof phone, "09%08d", 22340000);
	hn_check(book(&w, proc, day, 0, phone) == 201, "another address books at once");
	hn_http_free(&w);
	hn_http_free(&v);

	/* One phone from many addresses. */
	for (i = 0, ok = 0; i < 6; i++) {
		char addr[32];

		snprintf(addr, sizeof addr, "127.0.1.%d", 10 + i);
		visitor(&v, d.port, addr);
		if ((st = book(&v, proc, day, 20 + i, "0987000111")) != 201) {
			hn_check(refused(&v, st, "Số điện thoại này đã đặt lịch quá nhiều lần"),
			    "the phone's %dth booking from its %dth address: 429, Retry-After "
			    "%ld", i + 1, i + 1, retry_after(&v));
			hn_http_free(&v);
			break;
		}
		ok++;
		hn_http_free(&v);
	}
	hn_check(ok == 3, "one phone books 3 slots from 3 addresses, then no more (%d)", ok);
	visitor(&v, d.port, "127.0.1.99");
	hn_check(book(&v, proc, day, 26, "+84 987 000 112") == 201,
	    "another phone from a fresh address books");
	hn_http_free(&v);

	/* Remote tickets from one address. */
	visitor(&v, d.port, "127.0.2.2");
	snprintf(body, sizeof body, "{\"queue\":\"TP-HT\"}");
	for (i = 0, ok = 0; i < 30; i++) {
		if ((st = hn_req(&v, "POST", "/api/v1/public/remote-tickets", body, NULL)) != 201)
			break;
		ok++;
	}
	hn_check(ok == 20 && refused(&v, st, "Đã lấy số quá nhiều lần từ địa chỉ này"),
	    "one address takes 20 remote tickets, then 429 (%d, %ld)", ok, st);
	hn_http_free(&v);
	visitor(&v, d.port, "127.0.2.3");
	hn_check(hn_req(&v, "POST", "/api/v1/public/remote-tickets", body, NULL) == 201,
	    "another address takes one");
	hn_http_free(&v);

	hn_check(db_int(&d, "SELECT count(*) FROM bookings") == 25, "25 bookings stored "
	    "(20 + 1 + 3 + 1), nothing of the refused ones");
	hn_check(db_int(&d, "SELECT count(*) FROM tickets WHERE channel = 'online'") == 21,
	    "21 remote tickets");

	hn_cleanup(&d, hn_failures > 0);
	return hn_summary("book_limits");
}
