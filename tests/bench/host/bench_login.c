/*
 * bench_login.c - a real login's latency during a login flood, against the
 * real onestopd (own temp dir, own port): 150 clients, each from its own
 * loopback address (127.0.0.2 ... 127.0.0.151, bound with CURLOPT_INTERFACE)
 * and with its own unknown user name, send bad logins back to back, each
 * again as soon as it is answered.  Meanwhile the admin logs in from
 * 127.0.0.1, where they logged in once before the flood, again and again:
 * the figures are those logins' latencies (min, median, max), beside the
 * same login with no flood, and first logins of other users from addresses
 * never seen (their checks wait in the second lane, which the flood leaves
 * once each of its addresses has failed or been refused busy).  The flood's
 * answers are counted by status (401 checked and wrong, 429 locked, 503
 * busy).
 *
 *   bench_login [-n REAL_LOGINS] [-c FLOOD_CLIENTS]
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../integration/host/harness.h"

#define PASSWORD "bench-pass-1"
#define MAX_FLOOD 250

struct flood {
	pthread_t th;
	int port, n;
	volatile int stop;
	long answers[600];          /* by HTTP status */
	long sent, errors, done;
	pthread_mutex_t mu;         /* done, and on: */
	pthread_cond_t cv;
	int on;                     /* every client has had two answers */
};

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static CURL *
login_handle(int port, const char *addr, const char *user, const char *pw,
    struct curl_slist *hdr)
{
	CURL *c = curl_easy_init();
	char url[128], iface[64], body[256];

	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/login", port);
	snprintf(iface, sizeof iface, "host!%s", addr);
	snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\"}", user, pw);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
	curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 60000L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	return c;
}

/* The flood: n handles in one multi, each re-sent when answered. */
static void *
flood_main(void *arg)
{
	struct flood *f = arg;
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *c[MAX_FLOOD];
	CURLM *m = curl_multi_init();
	CURLMsg *msg;
	char addr[32], user[32];
	int i, running, left;
	long st;

	hdr = curl_slist_append(hdr, "Expect:");
	for (i = 0; i < f->n; i++) {
		snprintf(addr, sizeof addr, "127.0.0.%d", 2 + i);
		snprintf(user, sizeof user, "ghost-%d", i);
		c[i] = login_handle(f->port, addr, user, "wrong-pass", hdr);
		curl_multi_add_handle(m, c[i]);
		f->sent++;
	}
	while (!f->stop) {
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			st = 0;
			if (msg->data.result == CURLE_OK)
				curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &st);
			if (st > 0 && st < 600)
				f->answers[st]++;
			else
				f->errors++;
			curl_multi_remove_handle(m, msg->easy_handle);
			curl_multi_add_handle(m, msg->easy_handle);   /* again */
			f->sent++;
			if (++f->done == 2L * f->n) {
				pthread_mutex_lock(&f->mu);
				f->on = 1;
				pthread_cond_signal(&f->cv);
				pthread_mutex_unlock(&f->mu);
			}
		}
		curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	for (i = 0; i < f->n; i++) {
		curl_multi_remove_handle(m, c[i]);
		curl_easy_cleanup(c[i]);
	}
	curl_multi_cleanup(m);
	curl_slist_free_all(hdr);
	return NULL;
}

/* One login from addr; its latency (ms) into *ms; the status. */
static long
timed_login(int port, const char *addr, const char *user, const char *pw, double *ms)
{
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *c;
	long st = -1;
	double t0;

	hdr = curl_slist_append(hdr, "Expect:");
	c = login_handle(port, addr, user, pw, hdr);
	t0 = hn_now_ms();
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	*ms = hn_now_ms() - t0;
	curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	return st;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct hn_daemon d;
	struct flood f;
	double lat[200], newlat[5], idle;
	long st;
	int i, nreal = 20, nok = 0, nnew = 0, opt;

	memset(&f, 0, sizeof f);
	pthread_mutex_init(&f.mu, NULL);
	pthread_cond_init(&f.cv, NULL);
	f.n = 150;
	while ((opt = getopt(argc, argv, "n:c:")) != -1) {
		if (opt == 'n')
			nreal = atoi(optarg);
		else if (opt == 'c')
			f.n = atoi(optarg);
		else {
			fprintf(stderr, "usage: bench_login [-n REAL_LOGINS] [-c FLOOD_CLIENTS]\n");
			return 2;
		}
	}
	if (nreal < 1 || nreal > 200 || f.n < 1 || f.n > MAX_FLOOD) {
		fprintf(stderr, "bench_login: -n 1..200, -c 1..%d\n", MAX_FLOOD);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (hn_init(&d, "bench-login") != 0 ||
	    hn_add_user(&d, "admin", "admin", NULL, PASSWORD) != 0 ||
	    hn_add_user(&d, "nv01", "staff", "1", PASSWORD) != 0 ||
	    hn_start(&d) != 0) {
		fprintf(stderr, "bench_login: cannot start onestopd\n");
		return 1;
	}
	/* The admin's desk: a login there before the flood, the idle figure. */
	st = timed_login(d.port, "127.0.0.1", "admin", PASSWORD, &idle);
	if (st != 200) {
		fprintf(stderr, "bench_login: the first login: HTTP %ld\n", st);
		hn_cleanup(&d, 1);
		return 1;
	}
	f.port = d.port;
	pthread_create(&f.th, NULL, flood_main, &f);
	/* Once the flood has had two answers per client, it is on. */
	pthread_mutex_lock(&f.mu);
	while (!f.on)
		pthread_cond_wait(&f.cv, &f.mu);
	pthread_mutex_unlock(&f.mu);
	for (i = 0; i < nreal; i++) {
		st = timed_login(d.port, "127.0.0.1", "admin", PASSWORD, &lat[i]);
		nok += st == 200;
	}
	for (i = 0; i < 5; i++) {
		char addr[32];

		snprintf(addr, sizeof addr, "127.0.0.%d", 250 - i);
		st = timed_login(d.port, addr, "nv01", PASSWORD, &newlat[i]);
		nnew += st == 200;
	}
	f.stop = 1;
	pthread_join(f.th, NULL);
	qsort(lat, (size_t)nreal, sizeof lat[0], cmp_double);
	printf("login with no flood: %.0f ms\n", idle);
	printf("real login during a flood of %d concurrent bad logins from %d"
	    " addresses: %d/%d ok, min %.0f ms, median %.0f ms, max %.0f ms\n",
	    f.n, f.n, nok, nreal, lat[0], lat[nreal / 2], lat[nreal - 1]);
	qsort(newlat, 5, sizeof newlat[0], cmp_double);
	printf("first logins of another user from 5 new addresses during the flood:"
	    " %d/5 ok, min %.0f ms, median %.0f ms, max %.0f ms\n", nnew,
	    newlat[0], newlat[2], newlat[4]);
	printf("flood: %ld sent, answered 401 %ld, 429 %ld, 503 %ld, errors %ld\n",
	    f.sent, f.answers[401], f.answers[429], f.answers[503], f.errors);
	hn_cleanup(&d, 0);
	curl_global_cleanup();
	return nok == nreal ? 0 : 1;
}
