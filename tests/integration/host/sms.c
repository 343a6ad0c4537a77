/*
 * sms.c - SMS notifications end to end (host/docs/notify.md).
 *
 * 1. Kannel: a real bearerbox + smsbox from Debian on loopback ports, with
 *    a config in the test's temp dir, and fakesmsc as the operator's side
 *    (it prints every message it receives).  Tickets are issued through
 *    the real onestopd, phones attached, tickets called; what arrives at
 *    fakesmsc is read: GSM-7 text without diacritics, the right number,
 *    each (kind, ticket) once.  Kannel is stopped mid-way: the message of
 *    a call made meanwhile is retried and arrives once when Kannel is
 *    back; a daemon restart sends nothing again; delivery reports come
 *    back through the public route.
 * 2. A gateway that answers 503, then hangs, then accepts (a tiny HTTP
 *    server in this program): nothing is lost, commands are answered at
 *    once all along.
 * 3. --bench N: N calls with a phone against the accepting tiny gateway;
 *    the time from the call's request to the message at the gateway, and
 *    the call's own round trip (p50/p99).  --bench-kannel N: the same
 *    through a real Kannel, to the message printed by fakesmsc.
 *
 * Processes are started by this program in its temp dir and stopped by
 * pid; readiness is a line of their output or a port that answers, never
 * a sleep.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"
#include "peers.h"

#define PW_ADMIN "admin-password-1"

/* ---- the daemon ------------------------------------------------------------- */

/* Start the daemon of d (hn_init done) with an [sms] section for url. */
static int
daemon_up(struct hn_daemon *d, const char *tag, const char *url, int near,
    int timeout_s, struct hn_http *h)
{
	(void)tag;
	d->want_port = hn_free_port();
	if (daemon_sms_ini(d, url, near, timeout_s) != 0 ||
	    hn_add_user(d, "admin", "admin", NULL, PW_ADMIN) != 0 || hn_start(d) != 0)
		return -1;
	hn_http_init(h, d->port, NULL);
	return hn_login(h, "admin", PW_ADMIN);
}

/* Issue a ticket of queue; its code into code, its number. */
static int
issue_in(struct hn_http *h, const char *queue, char code[16])
{
	cJSON *o = NULL, *t;
	char body[96];
	int number = -1;

	snprintf(body, sizeof body, "{\"queue\":\"%s\",\"print\":false}", queue);
	if (hn_req(h, "POST", "/api/v1/tickets", body, &o) == 201 && (t = cJSON_GetObjectItem(o, "ticket")) != NULL) {
		snprintf(code, 16, "%s", hn_str(t, "code"));
		number = (int)hn_num(t, "number", -1);
	}
	cJSON_Delete(o);
	return number;
}

/* A ticket of TP-LL (counter 1's own queue). */
static int
issue(struct hn_http *h, char code[16])
{
	return issue_in(h, "TP-LL", code);
}

static long
subscribe(struct hn_http *h, const char *code, const char *phone, char *masked, size_t len)
{
	char path[128], body[128];
	cJSON *o = NULL;
	long st;

	snprintf(path, sizeof path, "/api/v1/public/tickets/%s/notify", code);
	snprintf(body, sizeof body, "{\"phone\":\"%s\"}", phone);
	st = hn_req(h, "POST", path, body, &o);
	if (masked != NULL)
		snprintf(masked, len, "%s", o != NULL && hn_str(o, "phone") ? hn_str(o, "phone") : "");
	cJSON_Delete(o);
	return st;
}

static long
counter(struct hn_http *h, int n, const char *action)
{
	char path[96];

	snprintf(path, sizeof path, "/api/v1/counters/%d/%s", n, action);
	return hn_req(h, "POST", path, "{}", NULL);
}

/* ---- 1. Kannel -------------------------------------------------------------- */

static void
test_kannel(void)
{
	struct kannel k;
	struct hn_daemon d;
	struct hn_http h;
	char url[256], c1[16], c2[16], c3[16], c4[16], masked[32], want[256], dl[32];
	int n1, n3, n4;
	double t0;

	memset(&k, 0, sizeof k);
	memset(&d, 0, sizeof d);
	fprintf(stderr, "sms: Kannel (bearerbox, smsbox, fakesmsc)\n");
	if (hn_init(&d, "sms-kannel-dir") != 0 || kannel_conf(&k, d.dir) != 0 ||
	    kannel_start(&k) != 0) {
		hn_check(0, "Kannel starts");
		hn_cleanup(&d, 1);
		return;
	}
	snprintf(url, sizeof url, "http://127.0.0.1:%d/cgi-bin/sendsms", k.sendsms);
	if (daemon_up(&d, "sms-kannel", url, 1, 5, &h) != 0) {
		hn_check(0, "onestopd starts with [sms]");
		kannel_stop(&k);
		hn_cleanup(&d, 1);
		return;
	}
	hn_check(counter(&h, 1, "open") == 200, "counter 1 opens");
	n1 = issue(&h, c1);
	issue(&h, c2);
	n3 = issue(&h, c3);
	n4 = issue(&h, c4);
	hn_check(n1 > 0 && n4 > 0, "four tickets issued");
	hn_check(subscribe(&h, c1, "+84 90 123 4111", masked, sizeof masked) == 200 &&
	    strcmp(masked, "09xx xxx 111") == 0, "a phone is attached; the answer shows it "
	    "masked (%s)", masked);
	hn_check(subscribe(&h, c3, "0901234333", NULL, 0) == 200, "a second phone attached");
	hn_check(subscribe(&h, c4, "12345", NULL, 0) == 400, "a bad number is refused 400");
	hn_check(subscribe(&h, "nosuchcode", "0901234333", NULL, 0) == 404, "an unknown ticket 404");
	{
		cJSON *o = NULL;
		char path[96];

		snprintf(path, sizeof path, "/api/v1/public/tickets/%s", c1);
		hn_req(&h, "GET", path, NULL, &o);
		hn_check(o != NULL && h.body != NULL && strstr(h.body, "4111") == NULL &&
		    strstr(h.body, "phone") == NULL, "the public ticket never shows the phone");
		cJSON_Delete(o);
	}
	/* Ticket 1 is first: "near" at once. */
	snprintf(want, sizeof want, "<1022 0901234111 text ");
	hn_check(fake_wait(&k, want, 1, 15000) == 0, "the first ticket's phone gets its "
	    "\"near\" SMS at once");
	snprintf(want, sizeof want, "So %04d sap den luot, khong con ai phia truoc", n1);
	hn_check(fake_count(&k, want) == 1, "in Vietnamese without diacritics: \"%s\"", want);
	hn_check(counter(&h, 1, "next") == 200, "counter 1 calls the next ticket");
	snprintf(want, sizeof want, "<1022 0901234111 text Trung tam Phuc vu hanh chinh cong "
	    "tinh Tien Giang: Moi so %04d den Quay 1 (Khu A).>", n1);
	hn_check(fake_wait(&k, want, 1, 15000) == 0, "the call arrives at the operator: %s", want);
	snprintf(want, sizeof want, "<1022 0901234333 text ");
	hn_check(fake_wait(&k, want, 1, 15000) == 0, "ticket 3, now one place away, gets "
	    "\"near\"");
	snprintf(want, sizeof want, "So %04d sap den luot: con 1 nguoi phia truoc", n3);
	hn_check(fake_count(&k, want) == 1, "\"%s\"", want);
	hn_check(db_wait(&d, &h, "SELECT count(*) FROM sms_outbox WHERE dlr_at > 0", 1, 15000) == 0,
	    "Kannel's delivery reports reach the public route and are recorded");
	{
		char path[160];

		snprintf(path, sizeof path, "/api/v1/public/sms/1/dlr?k=%032d&s=1", 0);
		hn_check(hn_req(&h, "GET", path, NULL, NULL) == 404, "a report with a wrong "
		    "secret is refused");
	}

	/* Kannel goes away; the call of ticket 3 is made meanwhile. */
	kannel_stop(&k);
	t0 = hn_now_ms();
	hn_check(counter(&h, 1, "start") == 200 && counter(&h, 1, "finish") == 200 &&
	    counter(&h, 1, "next") == 200 && counter(&h, 1, "no-show") == 200 &&
	    counter(&h, 1, "next") == 200, "while Kannel is down, counter 1 serves and "
	    "calls on");
	hn_check(hn_now_ms() - t0 < 2000, "and is answered at once (%.0f ms for 5 commands)",
	    hn_now_ms() - t0);
	hn_check(db_wait(&d, &h, "SELECT attempts FROM sms_outbox WHERE kind = 'called'"
	    " AND state = 'pending'", 2, 20000) == 0, "the call's message is retried "
	    "while the gateway is down");
	hn_check(kannel_start(&k) == 0, "Kannel is back (same ports)");
	snprintf(want, sizeof want, "Moi so %04d den Quay 1", n3);
	hn_check(fake_wait(&k, want, 1, 20000) == 0, "the retried message arrives");
	hn_check(db_wait(&d, &h, "SELECT count(*) FROM sms_outbox WHERE kind = 'called'"
	    " AND state = 'sent'", 2, 10000) == 0, "and is marked sent");
	hn_check(fake_count(&k, want) == 1, "once");

	/* A restart sends nothing again; a recall makes no second message. */
	hn_stop(&d, SIGTERM);
	hn_check(hn_start(&d) == 0, "onestopd restarts");
	hn_http_set_port(&h, d.port);
	hn_check(hn_login(&h, "admin", PW_ADMIN) == 0, "logs in again");
	hn_check(counter(&h, 1, "recall") == 200, "ticket 3 recalled");
	hn_check(subscribe(&h, c4, "0901234444", NULL, 0) == 200, "a phone on ticket 4 "
	    "(next in line: \"near\" at once)");
	snprintf(want, sizeof want, "<1022 0901234444 text ");
	hn_check(fake_wait(&k, want, 1, 15000) == 0, "ticket 4's message arrives");
	snprintf(want, sizeof want, "Moi so %04d den Quay 1", n3);
	hn_check(fake_count(&k, want) == 1, "and nothing came again for ticket 3 (restart, "
	    "recall): each (kind, ticket) once");
	hn_check(fake_count(&k, "<1022 0901234111 text ") == 2, "ticket 1's phone got "
	    "exactly 2 messages (near, called)");
	hn_check(db_int(&d, "SELECT count(*) FROM sms_outbox") == 5, "5 messages in the outbox "
	    "(near and called of tickets 1 and 3, near of ticket 4)");
	snprintf(dl, sizeof dl, "%d", n4);
	(void)dl;
	kannel_stop(&k);
	for (int i = 0; i < k.nfake; i++)
		proc_free(&k.fake[i]);
	hn_http_free(&h);
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- 2. a bad gateway ------------------------------------------------------- */

enum gw_mode { GW_503, GW_HANG, GW_OK };

struct gateway {
	int fd, port;
	pthread_t thread;
	pthread_mutex_t mu;
	enum gw_mode mode;
	int requests, accepted, stop;
	double last_ms;          /* when the last accepted request came */
	char last[1024];         /* its request line */
	int hung[64];
	int nhung;
};

static void *
gateway_main(void *arg)
{
	struct gateway *g = arg;

	for (;;) {
		char buf[4096];
		ssize_t n;
		size_t len = 0;
		int c = accept(g->fd, NULL, NULL);
		enum gw_mode mode;

		if (c < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		pthread_mutex_lock(&g->mu);
		if (g->stop) {
			pthread_mutex_unlock(&g->mu);
			close(c);
			break;
		}
		pthread_mutex_unlock(&g->mu);
		while (len < sizeof buf - 1 && (n = read(c, buf + len, sizeof buf - 1 - len)) > 0) {
			len += (size_t)n;
			buf[len] = '\0';
			if (strstr(buf, "\r\n\r\n") != NULL)
				break;
		}
		buf[len] = '\0';
		pthread_mutex_lock(&g->mu);
		g->requests++;
		mode = g->mode;
		if (mode == GW_OK) {
			g->accepted++;
			g->last_ms = hn_now_ms();
			snprintf(g->last, sizeof g->last, "%.*s", (int)strcspn(buf, "\r"), buf);
		}
		if (mode == GW_HANG && g->nhung < 64)
			g->hung[g->nhung++] = c;
		pthread_mutex_unlock(&g->mu);
		if (mode == GW_503) {
			static const char r[] = "HTTP/1.1 503 Service Unavailable\r\n"
			    "Content-Length: 32\r\nConnection: close\r\n\r\n"
			    "Temporarily unavailable, try la";
			if (write(c, r, sizeof r - 1) < 0) {}
			close(c);
		} else if (mode == GW_OK) {
			static const char r[] = "HTTP/1.1 202 Accepted\r\n"
			    "Content-Length: 24\r\nConnection: close\r\n\r\n"
			    "0: Accepted for delivery";
			if (write(c, r, sizeof r - 1) < 0) {}
			close(c);
		}
	}
	return NULL;
}

static void
gateway_start(struct gateway *g)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	int one = 1;

	memset(g, 0, sizeof *g);
	pthread_mutex_init(&g->mu, NULL);
	g->fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(g->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(g->fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(g->fd, 16) != 0 ||
	    getsockname(g->fd, (struct sockaddr *)&sa, &len) != 0) {
		perror("gateway");
		exit(2);
	}
	g->port = ntohs(sa.sin_port);
	pthread_create(&g->thread, NULL, gateway_main, g);
}

static void
gateway_mode(struct gateway *g, enum gw_mode m)
{
	pthread_mutex_lock(&g->mu);
	g->mode = m;
	pthread_mutex_unlock(&g->mu);
}

static int
gateway_get(struct gateway *g, int *requests)
{
	int a;

	pthread_mutex_lock(&g->mu);
	a = g->accepted;
	if (requests != NULL)
		*requests = g->requests;
	pthread_mutex_unlock(&g->mu);
	return a;
}

static void
gateway_stop(struct gateway *g)
{
	int c, i;
	struct sockaddr_in sa = { .sin_family = AF_INET };

	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	pthread_mutex_unlock(&g->mu);
	/* wake accept() with one connection of our own */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)g->port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&sa, sizeof sa) == 0)
		close(c);
	pthread_join(g->thread, NULL);
	for (i = 0; i < g->nhung; i++)
		close(g->hung[i]);
	close(g->fd);
}

/* Wait until the gateway saw at least n requests (counting every mode). */
static int
gateway_wait_requests(struct gateway *g, struct hn_http *h, int n, int timeout_ms)
{
	double end = hn_now_ms() + timeout_ms;
	int r = 0;

	while (hn_now_ms() < end) {
		gateway_get(g, &r);
		if (r >= n)
			return 0;
		hn_req(h, "GET", "/healthz", NULL, NULL);
	}
	return -1;
}

/* The slowest of k GET /api/v1/state while the gateway misbehaves, ms. */
static double
slowest_command(struct hn_http *h, int k)
{
	double worst = 0;

	while (k-- > 0) {
		double t = hn_now_ms();

		if (hn_req(h, "GET", "/api/v1/state", NULL, NULL) != 200)
			return 1e9;
		if (hn_now_ms() - t > worst)
			worst = hn_now_ms() - t;
	}
	return worst;
}

static void
test_bad_gateway(void)
{
	struct gateway g;
	struct hn_daemon d;
	struct hn_http h;
	char url[128], c1[16], c2[16];
	int requests = 0, n1;
	double worst, t0;

	fprintf(stderr, "sms: a gateway that answers 503, then hangs\n");
	memset(&d, 0, sizeof d);
	gateway_start(&g);
	if (hn_init(&d, "sms-gw") != 0)
		exit(2);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/cgi-bin/sendsms", g.port);
	if (daemon_up(&d, "sms-gw", url, 0, 2, &h) != 0) {
		hn_check(0, "onestopd starts");
		gateway_stop(&g);
		hn_cleanup(&d, 1);
		return;
	}
	counter(&h, 2, "open");
	n1 = issue(&h, c1);
	issue(&h, c2);
	hn_check(subscribe(&h, c1, "0987654321", NULL, 0) == 200 &&
	    subscribe(&h, c2, "0987654322", NULL, 0) == 200, "two phones attached");
	hn_check(counter(&h, 2, "next") == 200, "ticket 1 called");
	hn_check(gateway_wait_requests(&g, &h, 3, 20000) == 0, "a gateway answering 503 is "
	    "retried (3 tries)");
	worst = slowest_command(&h, 20);
	hn_check(worst < 250, "commands are answered meanwhile (slowest of 20: %.1f ms)", worst);
	gateway_mode(&g, GW_HANG);
	gateway_get(&g, &requests);
	hn_check(gateway_wait_requests(&g, &h, requests + 1, 10000) == 0, "the gateway now "
	    "hangs on a request");
	t0 = hn_now_ms();
	hn_check(counter(&h, 2, "start") == 200 && counter(&h, 2, "finish") == 200 &&
	    counter(&h, 2, "next") == 200,
	    "counter 2 calls ticket 2 while the gateway hangs");
	worst = slowest_command(&h, 20);
	hn_check(hn_now_ms() - t0 < 1500 && worst < 250, "answered at once (slowest of 20: "
	    "%.1f ms)", worst);
	hn_check(db_int(&d, "SELECT count(*) FROM sms_outbox WHERE state = 'pending'") == 2,
	    "both messages wait in the outbox");
	gateway_mode(&g, GW_OK);
	t0 = hn_now_ms();
	while (gateway_get(&g, NULL) < 2 && hn_now_ms() - t0 < 20000)
		hn_req(&h, "GET", "/healthz", NULL, NULL);
	hn_check(gateway_get(&g, NULL) == 2, "once the gateway accepts, both arrive "
	    "(%.0f ms after)", hn_now_ms() - t0);
	hn_check(db_wait(&d, &h, "SELECT count(*) FROM sms_outbox WHERE state = 'sent'", 2,
	    10000) == 0, "and are marked sent");
	{
		char want[64];

		snprintf(want, sizeof want, "Moi+so+%04d", n1);
		pthread_mutex_lock(&g.mu);
		hn_check(strstr(g.last, "to=098765432") != NULL && strstr(g.last,
		    "username=onestop") != NULL && strstr(g.last, "dlr-url=") != NULL,
		    "the request carries to, username and dlr-url");
		pthread_mutex_unlock(&g.mu);
		(void)want;
	}
	hn_check(db_int(&d, "SELECT count(*) FROM sms_outbox WHERE state = 'sent'") == 2 &&
	    gateway_get(&g, NULL) == 2, "nothing was accepted twice");
	{
		int i, limited = 0;

		for (i = 0; i < 6 && !limited; i++)
			limited = subscribe(&h, c2, "0987654322", NULL, 0) == 429;
		hn_check(limited && i <= 5, "giving phones is rate-limited per ticket (429 at "
		    "attempt %d)", i + 1);
	}
	hn_http_free(&h);
	hn_cleanup(&d, hn_failures > 0);
	gateway_stop(&g);
}

/* ---- 3. the bench ------------------------------------------------------------ */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
bench(int n)
{
	struct gateway g;
	struct hn_daemon d;
	struct hn_http h;
	char url[128], code[16];
	double *lat = calloc((size_t)n, sizeof *lat), *rtt = calloc((size_t)n, sizeof *rtt);
	double *aft = calloc((size_t)n, sizeof *aft);
	int i, got = 0;

	memset(&d, 0, sizeof d);
	gateway_start(&g);
	gateway_mode(&g, GW_OK);
	if (hn_init(&d, "sms-bench") != 0)
		exit(2);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/cgi-bin/sendsms", g.port);
	if (daemon_up(&d, "sms-bench", url, 0, 5, &h) != 0) {
		fprintf(stderr, "bench: onestopd does not start\n");
		exit(1);
	}
	counter(&h, 1, "open");
	for (i = 0; i < n; i++) {
		double t0, t1, end;
		int before = gateway_get(&g, NULL);

		struct hn_http v;
		char ifname[32];
		long st;

		/* Two queues: each has 199 numbers a day. */
		issue_in(&h, i % 2 ? "TP-HT" : "TP-LL", code);
		/* A visitor of their own address: giving phones is rate-limited
		   by address (10 each), loopback has many. */
		hn_http_init(&v, d.port, NULL);
		snprintf(ifname, sizeof ifname, "127.0.%d.%d", 1 + i / 2000, 2 + (i / 10) % 200);
		curl_easy_setopt(v.curl, CURLOPT_INTERFACE, ifname);
		st = subscribe(&v, code, "0912345678", NULL, 0);
		hn_http_free(&v);
		if (st != 200) {
			fprintf(stderr, "bench: giving a phone answered %ld\n", st);
			break;
		}
		t0 = hn_now_ms();
		if (counter(&h, 1, "next") != 200)
			break;
		t1 = hn_now_ms();
		end = t0 + 10000;
		while (gateway_get(&g, NULL) == before && hn_now_ms() < end) {
			struct pollfd none;

			poll(&none, 0, 0);
		}
		pthread_mutex_lock(&g.mu);
		lat[got] = g.last_ms - t0;
		aft[got] = g.last_ms - t1;
		pthread_mutex_unlock(&g.mu);
		rtt[got++] = t1 - t0;
		counter(&h, 1, "start");
		counter(&h, 1, "finish");
		/* the thread's answer is recorded in a commit of its own */
		hn_req(&h, "GET", "/healthz", NULL, NULL);
	}
	qsort(lat, (size_t)got, sizeof *lat, cmp_double);
	qsort(rtt, (size_t)got, sizeof *rtt, cmp_double);
	qsort(aft, (size_t)got, sizeof *aft, cmp_double);
	if (got == 0) {
		fprintf(stderr, "bench: no sample\n");
		exit(1);
	}
	printf("bench_sms: %d calls with a phone, sendsms to a loopback gateway that accepts\n",
	    got);
	printf("  call request -> message at the gateway: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
	    lat[got / 2], lat[(got * 99) / 100], lat[got - 1]);
	printf("  the call's own round trip (its commit is inside): p50 %.2f ms, p99 %.2f ms\n",
	    rtt[got / 2], rtt[(got * 99) / 100]);
	printf("  call answered -> message at the gateway: p50 %.2f ms, p99 %.2f ms"
	    " (negative: the message came first)\n", aft[got / 2], aft[(got * 99) / 100]);
	printf("  so commit -> handed to the gateway lies between these two, per call\n");
	free(lat);
	free(rtt);
	free(aft);
	hn_http_free(&h);
	hn_cleanup(&d, 0);
	gateway_stop(&g);
}

/* --bench-kannel N: the same calls through a real Kannel; the time from
 * the call's request to the message printed by fakesmsc (the operator). */
static void
bench_kannel(int n)
{
	struct kannel k;
	struct hn_daemon d;
	struct hn_http h;
	char url[256], code[16], want[64];
	double *lat = calloc((size_t)n, sizeof *lat);
	int i, got = 0;

	memset(&k, 0, sizeof k);
	memset(&d, 0, sizeof d);
	if (hn_init(&d, "sms-bench-kannel") != 0 || kannel_conf(&k, d.dir) != 0 ||
	    kannel_start(&k) != 0) {
		fprintf(stderr, "bench: Kannel does not start\n");
		exit(1);
	}
	snprintf(url, sizeof url, "http://127.0.0.1:%d/cgi-bin/sendsms", k.sendsms);
	if (daemon_up(&d, "sms-bench-kannel", url, 0, 5, &h) != 0) {
		fprintf(stderr, "bench: onestopd does not start\n");
		exit(1);
	}
	counter(&h, 1, "open");
	for (i = 0; i < n; i++) {
		struct hn_http v;
		char ifname[32];
		double t0;
		int number = issue_in(&h, i % 2 ? "TP-HT" : "TP-LL", code);

		hn_http_init(&v, d.port, NULL);
		snprintf(ifname, sizeof ifname, "127.0.%d.%d", 1 + i / 2000, 2 + (i / 10) % 200);
		curl_easy_setopt(v.curl, CURLOPT_INTERFACE, ifname);
		if (number < 0 || subscribe(&v, code, "0912345678", NULL, 0) != 200) {
			hn_http_free(&v);
			break;
		}
		hn_http_free(&v);
		snprintf(want, sizeof want, "Moi so %04d den", number);
		t0 = hn_now_ms();
		if (counter(&h, 1, "next") != 200 || fake_wait(&k, want, 1, 10000) != 0)
			break;
		lat[got++] = hn_now_ms() - t0;
		counter(&h, 1, "start");
		counter(&h, 1, "finish");
	}
	if (got == 0) {
		fprintf(stderr, "bench: no sample\n");
		exit(1);
	}
	qsort(lat, (size_t)got, sizeof *lat, cmp_double);
	printf("bench_sms: %d calls with a phone through Kannel (smsbox, bearerbox, fakesmsc)\n",
	    got);
	printf("  call request -> message at the operator (fakesmsc): p50 %.2f ms, p99 %.2f ms,"
	    " max %.2f ms\n", lat[got / 2], lat[(got * 99) / 100], lat[got - 1]);
	free(lat);
	kannel_stop(&k);
	for (i = 0; i < k.nfake; i++)
		proc_free(&k.fake[i]);
	hn_http_free(&h);
	hn_cleanup(&d, 0);
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (argc == 3 && strcmp(argv[1], "--bench") == 0) {
		bench(atoi(argv[2]) > 0 ? atoi(argv[2]) : 200);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "--bench-kannel") == 0) {
		bench_kannel(atoi(argv[2]) > 0 ? atoi(argv[2]) : 100);
		return 0;
	}
	if (access(BEARERBOX, X_OK) != 0 || access(FAKESMSC, X_OK) != 0) {
		fprintf(stderr, "sms: Kannel is not installed (config/install-deps.sh: "
		    "kannel kannel-extras)\n");
		return 1;
	}
	test_kannel();
	test_bad_gateway();
	return hn_summary("sms");
}
