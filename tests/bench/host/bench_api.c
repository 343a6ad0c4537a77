/*
 * bench_api.c - durable commands per second through the HTTP API of the real
 * onestopd (own temp dir, own port), with 1 and with 16 concurrent clients
 * on keep-alive connections, p50/p99 latency, and this machine's own fsync
 * rate measured in the same run and the same directory (4 KiB write +
 * fdatasync), so the figure reads as a ratio: commands per fsync.  Group
 * commit is what lets 16 clients go above 1 command per fsync.  Then the
 * daemon's RSS with a full day loaded (3,000 tickets issued, two thirds of
 * them served), and the time of GET /api/v1/state with the third still
 * waiting.
 *
 * A command is one durable write: issue a ticket, or a counter's next or
 * finish.  Each client cycles issue -> next -> finish on its own counter.
 * Refusals (409, e.g. another counter took the ticket) are counted apart and
 * not in the rate.
 *
 *   bench_api [-n CYCLES_PER_CLIENT] [-d TICKETS_FOR_THE_DAY]
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
#define MAX_CLIENTS 16
#define MAX_Q 128

struct client {
	pthread_t th;
	struct hn_http h;
	int counter;              /* counter number it drives */
	int queue0;               /* first queue index it issues into */
	int cycles;
	int skip_every;           /* serve no ticket every Nth cycle (0 = none) */
	double *lat;              /* ms per successful command */
	size_t nlat;
	long refused, failed;
	long issued, served;
};

static char token[128];
static int port;
static int nqueues;
static char queues[MAX_Q][32];
static char qdept[MAX_Q][16];
static int ncounters;
static int counters[100];
static char cdept[100][16];

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Timed request; counts and keeps the latency of a success. */
static long
timed(struct client *c, const char *path, const char *body, cJSON **out)
{
	double t0 = hn_now_ms();
	long st = hn_req(&c->h, "POST", path, body, out);

	if (st >= 200 && st < 300)
		c->lat[c->nlat++] = hn_now_ms() - t0;
	else if (st < 0 || st >= 500)
		c->failed++;
	else
		c->refused++;
	return st;
}

static void *
client_main(void *arg)
{
	struct client *c = arg;
	char path[96], body[96];
	int i, q = c->queue0;

	for (i = 0; i < c->cycles; i++) {
		long st = 0;
		int tries;

		for (tries = 0; tries < nqueues; tries++) {
			snprintf(body, sizeof body, "{\"queue\":\"%s\"}", queues[q]);
			st = timed(c, "/api/v1/tickets", body, NULL);
			if (st != 409)
				break;
			q = (q + 1) % nqueues;    /* range used up: next queue */
		}
		if (st == 201)
			c->issued++;
		if (c->skip_every > 0 && i % c->skip_every == c->skip_every - 1)
			continue;
		snprintf(path, sizeof path, "/api/v1/counters/%d/next", c->counter);
		if (timed(c, path, NULL, NULL) != 200)
			continue;
		snprintf(path, sizeof path, "/api/v1/counters/%d/finish", c->counter);
		if (timed(c, path, NULL, NULL) == 200)
			c->served++;
	}
	return NULL;
}

/* Learn queues and counters (with departments) from the state. */
static int
learn(void)
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
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "queues")) {
		if (nqueues == MAX_Q)
			break;
		s = hn_str(it, "code");
		snprintf(queues[nqueues], sizeof queues[0], "%s", s ? s : "?");
		s = hn_str(it, "department");
		snprintf(qdept[nqueues], sizeof qdept[0], "%s", s ? s : "?");
		nqueues++;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "counters")) {
		if (ncounters == 99)
			break;
		counters[ncounters] = (int)hn_num(it, "number", 0);
		s = hn_str(it, "department");
		snprintf(cdept[ncounters], sizeof cdept[0], "%s", s ? s : "?");
		ncounters++;
	}
	cJSON_Delete(st);
	hn_http_free(&h);
	return nqueues > 0 && ncounters > 0 ? 0 : -1;
}

/* First queue of counter k's department (a queue it serves in the demo). */
static int
queue_of_counter(int k)
{
	int i;

	for (i = 0; i < nqueues; i++)
		if (strcmp(qdept[i], cdept[k]) == 0)
			return i;
	return 0;
}

/* Open every counter. */
static void
open_all(void)
{
	struct hn_http h;
	char path[64];
	int k;

	hn_http_init(&h, port, token);
	for (k = 0; k < ncounters; k++) {
		snprintf(path, sizeof path, "/api/v1/counters/%d/open", counters[k]);
		hn_req(&h, "POST", path, NULL, NULL);
	}
	hn_http_free(&h);
}

/*
 * Run n clients for `cycles` cycles each (the first `extra` clients one
 * more); print one line unless label is NULL.  Adds the tickets issued and served to *issued and *served.
 */
static double
run_clients(int n, int cycles, int extra, int skip_every, double fsyncs,
    const char *label, long *issued, long *served)
{
	struct client c[MAX_CLIENTS];
	double t0, secs, *all, rate;
	size_t total = 0, k;
	long refused = 0, failed = 0;
	int i;

	memset(c, 0, sizeof c);
	for (i = 0; i < n; i++) {
		int ck = i % ncounters;

		c[i].counter = counters[ck];
		c[i].queue0 = queue_of_counter(ck);
		c[i].cycles = cycles + (i < extra);
		c[i].skip_every = skip_every;
		c[i].lat = calloc((size_t)c[i].cycles * ((size_t)nqueues + 2) + 1,
		    sizeof *c[i].lat);
		hn_http_init(&c[i].h, port, token);
	}
	t0 = hn_now_ms();
	for (i = 0; i < n; i++)
		pthread_create(&c[i].th, NULL, client_main, &c[i]);
	for (i = 0; i < n; i++)
		pthread_join(c[i].th, NULL);
	secs = (hn_now_ms() - t0) / 1000.0;
	for (i = 0; i < n; i++)
		total += c[i].nlat;
	all = calloc(total + 1, sizeof *all);
	for (i = 0, k = 0; i < n; i++) {
		memcpy(all + k, c[i].lat, c[i].nlat * sizeof *all);
		k += c[i].nlat;
		refused += c[i].refused;
		failed += c[i].failed;
		*issued += c[i].issued;
		*served += c[i].served;
		free(c[i].lat);
		hn_http_free(&c[i].h);
	}
	qsort(all, total, sizeof *all, cmp_double);
	rate = secs > 0 ? (double)total / secs : 0;
	if (label != NULL)
		printf("bench api: %d client%s: %.0f cmd/s, p50 %.1f ms, p99 %.1f ms; "
	    "fsync %.0f/s; ratio %.2f (%zu commands, %ld refused, %ld failed)%s\n",
	    n, n == 1 ? "" : "s", rate,
	    total ? all[total / 2] : 0.0,
	    total ? all[(size_t)((double)total * 0.99)] : 0.0,
	    fsyncs, fsyncs > 0 ? rate / fsyncs : 0.0, total, refused, failed, label);
	fflush(stdout);
	free(all);
	return rate;
}

/* write + fdatasync of 4 KiB, repeatedly for ~1.5 s, in dir. */
static double
fsync_rate(const char *dir)
{
	char path[600], block[4096];
	double t0, t;
	long n = 0;
	int fd;

	snprintf(path, sizeof path, "%s/fsync.tmp", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 0;
	memset(block, 'x', sizeof block);
	t0 = hn_now_ms();
	do {
		if (pwrite(fd, block, sizeof block, (off_t)(n % 16) * 4096) !=
		    (ssize_t)sizeof block || fdatasync(fd) != 0)
			break;
		n++;
		t = hn_now_ms();
	} while (t - t0 < 1500);
	t = hn_now_ms();
	close(fd);
	unlink(path);
	return (double)n * 1000.0 / (t - t0);
}

/* Start a daemon in a fresh dir with an admin logged in. */
static int
start(struct hn_daemon *d, const char *tag)
{
	struct hn_http h;

	if (hn_init(d, tag) < 0)
		return -1;
	if (hn_add_user(d, "admin", "admin", NULL, PASSWORD) < 0 || hn_start(d) < 0)
		return -1;
	port = d->port;
	hn_http_init(&h, port, NULL);
	if (hn_login(&h, "admin", PASSWORD) < 0) {
		hn_http_free(&h);
		return -1;
	}
	snprintf(token, sizeof token, "%s", h.token);
	hn_http_free(&h);
	nqueues = ncounters = 0;
	if (learn() < 0) {
		fprintf(stderr, "bench_api: cannot read the state\n");
		return -1;
	}
	open_all();
	return 0;
}

/* Issue `tickets` with 16 clients, serving two of every three. */
static void
full_day(struct hn_daemon *d, int tickets)
{
	long rss0 = hn_rss_kib(d), rss, issued = 0, served = 0;
	double t0 = hn_now_ms();

	run_clients(MAX_CLIENTS, tickets / MAX_CLIENTS, tickets % MAX_CLIENTS, 3, 0,
	    NULL, &issued, &served);
	rss = hn_rss_kib(d);
	printf("bench api: full day: %ld tickets issued, %ld served in %.1f s; "
	    "daemon RSS %.1f MiB (%.1f MiB at start)\n", issued, served,
	    (hn_now_ms() - t0) / 1000.0, (double)rss / 1024.0, (double)rss0 / 1024.0);
}

/* GET /api/v1/state with the full day's tickets still waiting: each
 * waiting ticket carries its live estimate. */
static void
state_timing(void)
{
	struct hn_http h;
	double ms[15], t;
	int i, n = 0, waiting = -1;

	hn_http_init(&h, port, token);
	for (i = 0; i < 15; i++) {
		cJSON *st = NULL;

		t = hn_now_ms();
		if (hn_req(&h, "GET", "/api/v1/state", NULL, &st) != 200 ||
		    st == NULL) {
			cJSON_Delete(st);
			break;
		}
		ms[n++] = hn_now_ms() - t;
		waiting = cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(st, "waiting"));
		cJSON_Delete(st);
	}
	hn_http_free(&h);
	if (n == 0) {
		printf("bench api: GET /api/v1/state failed\n");
		return;
	}
	qsort(ms, (size_t)n, sizeof ms[0], cmp_double);
	printf("bench api: GET /api/v1/state with %d waiting (each with its "
	    "live estimate): median %.1f ms, max %.1f ms over %d requests\n",
	    waiting, ms[n / 2], ms[n - 1], n);
}

int
main(int argc, char **argv)
{
	struct hn_daemon d;
	int ch, cycles = 100, tickets = 3000;
	long issued = 0, served = 0;
	double fs;
	char *end;
	long v;

	while ((ch = getopt(argc, argv, "n:d:")) != -1) {
		errno = 0;
		v = strtol(optarg != NULL ? optarg : "", &end, 10);
		if (errno != 0 || *end != '\0' || v < 1 || v > 100000) {
			fprintf(stderr, "usage: bench_api [-n CYCLES] [-d TICKETS]\n");
			return 2;
		}
		if (ch == 'n')
			cycles = (int)v;
		else if (ch == 'd')
			tickets = (int)v;
		else
			return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	if (start(&d, "bench") < 0) {
		hn_cleanup(&d, 1);
		return 1;
	}
	fs = fsync_rate(d.dir);
	printf("bench api: fsync %.0f/s (4 KiB write + fdatasync in %s)\n", fs,
	    d.dir);
	run_clients(1, cycles * 3, 0, 0, fs, "", &issued, &served);
	run_clients(MAX_CLIENTS, cycles, 0, 0, fs, "", &issued, &served);
	hn_cleanup(&d, 0);

	if (start(&d, "benchday") < 0) {
		hn_cleanup(&d, 1);
		return 1;
	}
	full_day(&d, tickets);
	state_timing();
	hn_cleanup(&d, 0);
	curl_global_cleanup();
	return 0;
}
