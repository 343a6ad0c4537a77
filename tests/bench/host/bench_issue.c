/*
 * bench_issue.c - issuing tickets as fast as the real onestopd takes them
 * durably: C concurrent clients on keep-alive connections issue tickets
 * round the demo centre's queues while the hall fills from 0 to N waiting
 * (nobody is served), with this machine's fsync rate measured in the same
 * run and folder.  Each answer is sent only after its commit, so the rate
 * over the fsync rate says how many commands share one fsync (group
 * commit).  bench_issue.sh runs it beside a PostgreSQL peer doing the same
 * durable transaction.
 *
 *   bench_issue [-c CLIENTS] [-t TICKETS]
 *
 * Prints one line "bench issue: C clients, 0 -> N waiting: X/s, p50 A ms,
 * p99 B ms, F fsync/s, R per fsync".  Clients use source addresses
 * 127.0.0.1..127.0.0.8 in turn, as a hall's kiosks and consoles come from
 * several machines.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../integration/host/harness.h"

#define PASSWORD "bench-pass-1"
#define MAX_CLIENTS 256
#define MAX_Q 128

struct client {
	pthread_t th;
	struct hn_http h;
	int first;                /* first queue index */
	double *lat;
	size_t nlat;
	long failed;
};

static int nqueues;
static char queues[MAX_Q][32];
static int remaining;         /* tickets still to issue (shared) */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One more ticket to issue?  (Shared budget.) */
static int
take(void)
{
	int ok;

	pthread_mutex_lock(&mu);
	ok = remaining > 0;
	remaining -= ok;
	pthread_mutex_unlock(&mu);
	return ok;
}

static void *
client_main(void *arg)
{
	struct client *c = arg;
	char body[96];
	int q = c->first;

	while (take()) {
		double t0 = 0;
		long st = 409;
		int tries;

		/* A queue whose number range is used up (409) passes the ticket
		   to the next queue. */
		for (tries = 0; tries < nqueues && st == 409; tries++) {
			snprintf(body, sizeof body, "{\"queue\":\"%s\"}", queues[q]);
			t0 = hn_now_ms();
			st = hn_req(&c->h, "POST", "/api/v1/tickets", body, NULL);
			q = (q + 1) % nqueues;
		}
		if (st == 201)
			c->lat[c->nlat++] = hn_now_ms() - t0;
		else
			c->failed++;
	}
	return NULL;
}

/* The queue codes, from the state. */
static int
learn(int port, const char *token)
{
	struct hn_http h;
	cJSON *st = NULL;
	const cJSON *it;
	const char *s;

	hn_http_init(&h, port, token);
	if (hn_req(&h, "GET", "/api/v1/state", NULL, &st) != 200 || st == NULL) {
		hn_http_free(&h);
		return -1;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "queues"))
		if ((s = hn_str(it, "code")) != NULL && nqueues < MAX_Q)
			snprintf(queues[nqueues++], sizeof queues[0], "%s", s);
	cJSON_Delete(st);
	hn_http_free(&h);
	return nqueues > 0 ? 0 : -1;
}

/* fsyncs per second in dir: 4 KiB write + fdatasync, for about a second. */
static double
fsync_rate(const char *dir)
{
	char path[600], buf[4096];
	double t0, t;
	int fd, n = 0;

	snprintf(path, sizeof path, "%s/fsync-probe", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return 0;
	memset(buf, 'x', sizeof buf);
	t0 = hn_now_ms();
	do {
		if (pwrite(fd, buf, sizeof buf, 0) != (ssize_t)sizeof buf ||
		    fdatasync(fd) != 0)
			break;
		n++;
		t = hn_now_ms();
	} while (t - t0 < 1000);
	close(fd);
	unlink(path);
	return n / ((hn_now_ms() - t0) / 1000.0);
}

int
main(int argc, char **argv)
{
	static struct client cl[MAX_CLIENTS];
	struct hn_daemon d;
	struct hn_http adm;
	int ch, nclients = 16, tickets = 3000, i, ok = 0;
	double t0, secs, fs, *all;
	size_t n = 0;
	long failed = 0, v;
	char *end;

	while ((ch = getopt(argc, argv, "c:t:")) != -1) {
		errno = 0;
		v = strtol(optarg != NULL ? optarg : "", &end, 10);
		if (errno != 0 || *end != '\0' || v < 1 || v > 100000 ||
		    (ch == 'c' && v > MAX_CLIENTS)) {
			fprintf(stderr, "usage: bench_issue [-c CLIENTS] [-t TICKETS]\n");
			return 2;
		}
		if (ch == 'c')
			nclients = (int)v;
		else if (ch == 't')
			tickets = (int)v;
		else
			return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (hn_init(&d, "bench-issue") != 0 ||
	    hn_add_user(&d, "admin", "admin", NULL, PASSWORD) != 0 ||
	    hn_start(&d) != 0)
		goto out;
	hn_http_init(&adm, d.port, NULL);
	if (hn_login(&adm, "admin", PASSWORD) != 0 || learn(d.port, adm.token) != 0) {
		fprintf(stderr, "bench_issue: login or state failed\n");
		hn_http_free(&adm);
		goto out;
	}
	fs = fsync_rate(d.dir);
	remaining = tickets;
	for (i = 0; i < nclients; i++) {
		char src[32];

		hn_http_init(&cl[i].h, d.port, adm.token);
		snprintf(src, sizeof src, "127.0.0.%d", 1 + i % 8);
		curl_easy_setopt(cl[i].h.curl, CURLOPT_INTERFACE, src);
		cl[i].first = i % nqueues;
		cl[i].lat = calloc((size_t)tickets, sizeof(double));
		if (cl[i].lat == NULL)
			goto out;
	}
	t0 = hn_now_ms();
	for (i = 0; i < nclients; i++)
		pthread_create(&cl[i].th, NULL, client_main, &cl[i]);
	for (i = 0; i < nclients; i++)
		pthread_join(cl[i].th, NULL);
	secs = (hn_now_ms() - t0) / 1000.0;
	all = calloc((size_t)tickets, sizeof(double));
	for (i = 0; i < nclients && all != NULL; i++) {
		memcpy(all + n, cl[i].lat, cl[i].nlat * sizeof(double));
		n += cl[i].nlat;
		failed += cl[i].failed;
		free(cl[i].lat);
		hn_http_free(&cl[i].h);
	}
	if (all != NULL && n > 0) {
		qsort(all, n, sizeof *all, cmp_double);
		printf("bench issue: %d clients, 0 -> %zu waiting: %.0f/s, p50 %.1f ms, "
		    "p99 %.1f ms, %.0f fsync/s, %.2f per fsync%s\n", nclients, n,
		    n / secs, all[n / 2], all[(size_t)(n * 0.99)], fs,
		    fs > 0 ? n / secs / fs : 0, failed ? " (some refused)" : "");
		if (failed)
			printf("bench issue: %ld requests refused or failed\n", failed);
		ok = 1;
	}
	free(all);
	hn_http_free(&adm);
out:
	hn_cleanup(&d, !ok);
	curl_global_cleanup();
	return ok ? 0 : 1;
}
