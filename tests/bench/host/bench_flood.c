/*
 * bench_flood.c - the real onestopd under hostile traffic, loopback only,
 * bounded in count and time; each part prints its figures beside the same
 * figure without the traffic, and the ratio:
 *
 *   slow     2,000 connections from 8 addresses (127.0.0.10-17) trickling a
 *            header byte a second and reconnecting when closed, for 12 s;
 *            meanwhile another client (127.0.0.1) opens a new connection
 *            every 20 ms for GET /healthz: p50 / p99 / max.  Goal p99 < 100 ms.
 *   streams  1,000 event streams (BENCH_STREAMS) that never read
 *            (127.0.0.20-29), then the same coming back at once when dropped,
 *            while 4 clients issue tickets: command p50 / p99 against none,
 *            and whether a stream that reads got every event.  Goal p99
 *            within 1.5x of none.
 *   report   on a store of BENCH_TICKETS (made by bench_stats in BENCH_STORE,
 *            see bench_flood.sh), issue-command p50 / p99 while a manager
 *            asks for the year report in a loop (the first one also syncs
 *            every event into the statistics), against none.  Goal p99 < 20 ms.
 *
 *   bench_flood [slow|streams|report]...    all when none is named
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../integration/host/harness.h"
#include "benchnet.h"

#define PASSWORD "bench-pass-1"

static int
start(struct hn_daemon *d, const char *tag, char *token, size_t toklen)
{
	struct hn_http h;

	if (hn_init(d, tag) < 0)
		return -1;
	if (hn_start_admin(d, &h, PASSWORD) < 0)
		return -1;
	snprintf(token, toklen, "%s", h.token);
	hn_http_free(&h);
	return 0;
}

/* ---- the probes and the command clients ------------------------------------ */

struct probe {
	pthread_t th;
	int port, n, every_ms;
	double *lat;
	size_t nlat;
	long failed;
};

/* GET /healthz on a new connection each time, n times, every every_ms. */
static void *
probe_main(void *arg)
{
	struct probe *p = arg;
	struct hn_http h;
	int i;

	hn_http_init(&h, p->port, NULL);
	h.timeout_ms = 10000;
	curl_easy_setopt(h.curl, CURLOPT_FORBID_REUSE, 1L);
	for (i = 0; i < p->n; i++) {
		double t0 = hn_now_ms(), t;
		struct pollfd none;

		if (hn_req(&h, "GET", "/healthz", NULL, NULL) == 200)
			p->lat[p->nlat++] = hn_now_ms() - t0;
		else
			p->failed++;
		t = hn_now_ms() - t0;
		if (t < p->every_ms)
			poll(&none, 0, (int)(p->every_ms - t));    /* the pace of the probe */
	}
	hn_http_free(&h);
	return NULL;
}

struct cmds {
	pthread_t th;
	int port;
	const char *token;
	int n;
	int q0;
	double *lat;
	size_t nlat;
	long failed;
	volatile int *stop;      /* when set, stop early (NULL: run n) */
	int every_ms;            /* pace: one command per every_ms (0 = none) */
};

static int cmds_every_ms;        /* the pace of run_cmds' clients */

static char queues[64][16];
static int nqueues;

/* Issue n tickets, round the queues; keep each success's latency. */
static void *
cmds_main(void *arg)
{
	struct cmds *c = arg;
	struct hn_http h;
	char body[64];
	int i, q = c->q0;

	hn_http_init(&h, c->port, c->token);
	for (i = 0; i < c->n && (c->stop == NULL || !*c->stop); i++) {
		long st = 0;
		int tries;
		double t0 = 0;

		for (tries = 0; tries < nqueues; tries++) {
			snprintf(body, sizeof body, "{\"queue\":\"%s\"}", queues[q]);
			t0 = hn_now_ms();
			st = hn_req(&h, "POST", "/api/v1/tickets", body, NULL);
			if (st != 409)
				break;
			q = (q + 1) % nqueues;     /* range used up: the next queue */
		}
		if (st == 201)
			c->lat[c->nlat++] = hn_now_ms() - t0;
		else
			c->failed++;
		q = (q + 1) % nqueues;
		if (c->every_ms > 0 && hn_now_ms() - t0 < c->every_ms) {
			struct pollfd none;

			poll(&none, 0, (int)(c->every_ms - (hn_now_ms() - t0)));
		}
	}
	hn_http_free(&h);
	return NULL;
}

/* Run nc command clients of n commands each; p50/p99/max into out. */
static long
run_cmds(int port, const char *token, int nc, int n, double out[3], volatile int *stop)
{
	struct cmds c[8];
	double *all;
	size_t total = 0;
	long failed = 0;
	int i;

	memset(c, 0, sizeof c);
	for (i = 0; i < nc; i++) {
		c[i].port = port;
		c[i].token = token;
		c[i].n = n;
		c[i].q0 = (i * 5) % nqueues;
		c[i].stop = stop;
		c[i].every_ms = cmds_every_ms;
		c[i].lat = calloc((size_t)n + 1, sizeof(double));
		pthread_create(&c[i].th, NULL, cmds_main, &c[i]);
	}
	all = calloc((size_t)nc * (size_t)n + 1, sizeof *all);
	for (i = 0; i < nc; i++) {
		pthread_join(c[i].th, NULL);
		memcpy(all + total, c[i].lat, c[i].nlat * sizeof *all);
		total += c[i].nlat;
		failed += c[i].failed;
		free(c[i].lat);
	}
	bn_pcts(all, total, out);
	free(all);
	return failed;
}

static int
learn_queues(int port, const char *token)
{
	struct hn_http h;
	cJSON *st = NULL;
	const cJSON *it;

	nqueues = 0;
	hn_http_init(&h, port, token);
	if (hn_req(&h, "GET", "/api/v1/state", NULL, &st) == 200)
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "queues"))
			if (nqueues < 64 && hn_str(it, "code") != NULL)
				snprintf(queues[nqueues++], sizeof queues[0], "%s", hn_str(it, "code"));
	cJSON_Delete(st);
	hn_http_free(&h);
	return nqueues > 0 ? 0 : -1;
}

/* ---- slow ------------------------------------------------------------------ */

#define SLOW_N 2000
#define SLOW_ADDRS 8
#define SLOW_S 12

static void
bench_slow(void)
{
	static const char start_line[] = "GET /healthz HTTP/1.1\r\nHost: bench\r\nX-Slow: ";
	static int fd[SLOW_N], started[SLOW_N];
	static struct pollfd pf[SLOW_N];
	struct hn_daemon d;
	struct probe p0, p1;
	char token[128], src[32], buf[4096];
	double base[3], hit[3], t0, last_tick;
	long reconnects = 0, maxopen = 0;
	int i;

	if (start(&d, "bench-slow", token, sizeof token) < 0) {
		printf("bench flood slow: the daemon does not start\n");
		hn_cleanup(&d, 1);
		return;
	}
	memset(&p0, 0, sizeof p0);
	p0.port = d.port;
	p0.n = 200;
	p0.every_ms = 20;
	p0.lat = calloc((size_t)p0.n, sizeof(double));
	probe_main(&p0);
	bn_pcts(p0.lat, p0.nlat, base);

	for (i = 0; i < SLOW_N; i++) {
		snprintf(src, sizeof src, "127.0.0.%d", 10 + i % SLOW_ADDRS);
		fd[i] = hn_tcp_from(src, d.port, 0, 1);
		started[i] = 0;
	}
	p1 = p0;
	p1.nlat = 0;
	p1.failed = 0;
	p1.n = (SLOW_S - 2) * 1000 / p1.every_ms;
	p1.lat = calloc((size_t)p1.n, sizeof(double));
	t0 = last_tick = hn_now_ms();
	pthread_create(&p1.th, NULL, probe_main, &p1);
	while (hn_now_ms() - t0 < SLOW_S * 1000.0) {
		int tick = hn_now_ms() - last_tick >= 1000.0;
		long open = 0;

		if (tick)
			last_tick = hn_now_ms();
		for (i = 0; i < SLOW_N; i++) {
			pf[i].fd = fd[i];
			pf[i].events = started[i] ? POLLIN : POLLOUT;
			pf[i].revents = 0;
		}
		poll(pf, SLOW_N, 100);
		for (i = 0; i < SLOW_N; i++) {
			int gone = fd[i] < 0;

			if (!gone && (pf[i].revents & (POLLIN | POLLHUP | POLLERR))) {
				ssize_t n = read(fd[i], buf, sizeof buf);

				gone = n == 0 || (n < 0 && errno != EAGAIN);
			}
			if (!gone && !started[i] && (pf[i].revents & POLLOUT)) {
				started[i] = write(fd[i], start_line, sizeof start_line - 1) > 0;
				gone = !started[i];
			} else if (!gone && started[i] && tick)
				gone = write(fd[i], "a", 1) != 1 && errno != EAGAIN;
			if (gone && tick) {
				/* Closed by the server: come back, once a second at most. */
				if (fd[i] >= 0)
					close(fd[i]);
				snprintf(src, sizeof src, "127.0.0.%d", 10 + i % SLOW_ADDRS);
				fd[i] = hn_tcp_from(src, d.port, 0, 1);
				started[i] = 0;
				reconnects++;
			} else if (gone && fd[i] >= 0) {
				close(fd[i]);
				fd[i] = -1;
			}
			open += fd[i] >= 0 && started[i];
		}
		if (open > maxopen)
			maxopen = open;
	}
	pthread_join(p1.th, NULL);
	bn_pcts(p1.lat, p1.nlat, hit);
	for (i = 0; i < SLOW_N; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	printf("bench flood slow: GET /healthz on a new connection, alone: p50 %.2f ms, "
	    "p99 %.2f ms, max %.2f ms (%zu)\n", base[0], base[1], base[2], p0.nlat);
	printf("bench flood slow: beside %d trickling connections from %d addresses "
	    "(%ld connected at most, %ld reconnects in %d s): p50 %.2f ms, p99 %.2f ms, "
	    "max %.2f ms (%zu answered, %ld failed); p99 ratio %.2f (goal p99 < 100 ms)\n",
	    SLOW_N, SLOW_ADDRS, maxopen, reconnects, SLOW_S, hit[0], hit[1], hit[2],
	    p1.nlat, p1.failed, base[1] > 0 ? hit[1] / base[1] : 0.0);
	fflush(stdout);
	free(p0.lat);
	free(p1.lat);
	hn_cleanup(&d, 0);
}

/* ---- streams --------------------------------------------------------------- */

#define STREAMS_MAX 1000
static int streams_n = STREAMS_MAX;     /* BENCH_STREAMS, 1..1000 */
#define STREAMS_CLIENTS 4
#define STREAMS_CMDS 300

struct stalled {
	pthread_t th;
	int port;
	const char *token;
	volatile int stop;
	int reopen;              /* open again what is dropped */
	long reconnects, open, dropped;
};

/*
 * Keep streams_n streams open that never read; reopen those dropped.  epoll
 * for the ends only (EPOLLRDHUP), so that the data arriving on a thousand
 * sockets does not wake this thread: it would take the daemon's CPU.
 */
static void *
stalled_main(void *arg)
{
	static int fd[STREAMS_MAX];
	struct stalled *s = arg;
	struct epoll_event ev, evs[64];
	char src[32];
	int i, ep = epoll_create1(EPOLL_CLOEXEC), n;
	long open = 0;

	for (i = 0; i < streams_n; i++) {
		snprintf(src, sizeof src, "127.0.0.%d", 20 + i % 10);
		fd[i] = bn_stream_open(src, s->port, s->token, 4096, 0);
		if (fd[i] < 0)
			continue;
		ev.events = EPOLLRDHUP;
		ev.data.u32 = (uint32_t)i;
		epoll_ctl(ep, EPOLL_CTL_ADD, fd[i], &ev);
		open++;
	}
	s->open = open;
	while (!s->stop) {
		if ((n = epoll_wait(ep, evs, 64, 100)) <= 0)
			continue;
		for (int k = 0; k < n; k++) {
			i = (int)evs[k].data.u32;
			epoll_ctl(ep, EPOLL_CTL_DEL, fd[i], NULL);
			close(fd[i]);
			fd[i] = -1;
			s->dropped++;
			if (!s->reopen)
				continue;
			snprintf(src, sizeof src, "127.0.0.%d", 20 + i % 10);
			fd[i] = bn_stream_open(src, s->port, s->token, 4096, 0);
			s->reconnects++;
			if (fd[i] >= 0) {
				ev.events = EPOLLRDHUP;
				ev.data.u32 = (uint32_t)i;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd[i], &ev);
			}
		}
	}
	for (i = 0; i < streams_n; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	close(ep);
	return NULL;
}

/* The stream that reads: counts complete events, checks ids in order. */
struct reading {
	pthread_t th;
	int fd;
	long events, gaps;
	int64_t last;
};

static void *
reading_main(void *arg)
{
	struct reading *r = arg;
	char buf[16384], line[64];
	size_t ll = 0;

	for (;;) {
		ssize_t n = read(r->fd, buf, sizeof buf), k;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		for (k = 0; k < n; k++) {
			if (buf[k] != '\n') {
				if (ll < sizeof line - 1)
					line[ll++] = buf[k];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			if (strncmp(line, "id: ", 4) == 0) {
				int64_t id = strtoll(line + 4, NULL, 10);

				if (r->last > 0 && id != r->last + 1)
					r->gaps++;
				r->last = id;
				r->events++;
			}
		}
	}
}

/* One round of commands with a reading stream; and stalled streams if n. */
static void
streams_round(int port, const char *token, int stalled_n, int reopen, double out[3],
    long *failed, struct reading *rd, struct stalled *sg, pid_t pid, double *cpu)
{
	double c0;
	int64_t first = bn_last_event(port), final;
	struct pollfd none;
	struct hn_http m;
	int i;

	memset(rd, 0, sizeof *rd);
	rd->fd = bn_stream_open("127.0.0.2", port, token, 0, first);
	{
		int fl = fcntl(rd->fd, F_GETFL);
		fcntl(rd->fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	pthread_create(&rd->th, NULL, reading_main, rd);
	if (stalled_n > 0) {
		memset(sg, 0, sizeof *sg);
		sg->port = port;
		sg->token = token;
		sg->reopen = reopen;
		pthread_create(&sg->th, NULL, stalled_main, sg);
		/* Until they are all open (the thread opens them first), and
		   open at the daemon too: the scene is streams that stall, not
		   a thousand being opened. */
		for (i = 0; i < 600 && sg->open < streams_n; i++)
			poll(&none, 0, 50);
		hn_http_init(&m, port, token);
		for (i = 0; i < 600 && hn_metric(&m, "onestop_sse_clients") < sg->open + 1; i++)
			poll(&none, 0, 50);
		hn_http_free(&m);
	}
	c0 = bn_cpu_ms(pid);
	*failed = run_cmds(port, token, STREAMS_CLIENTS, STREAMS_CMDS, out, NULL);
	*cpu = (bn_cpu_ms(pid) - c0) / (STREAMS_CLIENTS * STREAMS_CMDS);
	final = bn_last_event(port);
	/* The reading stream: until it has the last event (bounded). */
	for (i = 0; i < 200 && rd->last < final; i++)
		poll(&none, 0, 50);
	shutdown(rd->fd, SHUT_RDWR);
	pthread_join(rd->th, NULL);
	close(rd->fd);
	if (stalled_n > 0) {
		sg->stop = 1;
		pthread_join(sg->th, NULL);
	}
	rd->events = rd->last >= final && rd->gaps == 0 ? (long)(final - first) : -rd->events;
}

#define STREAMS_ROUNDS 5

static void
bench_streams(void)
{
	struct hn_daemon d;
	struct reading rd0, rd1;
	struct stalled sg;
	char token[128];
	double base[3], hit[3], cpu0 = 0, cpu1 = 0, ratio[2][STREAMS_ROUNDS];
	long f0, f1;
	int reopen, round;

	/* Rounds alternate none / stalled / stalled and coming back, so that
	   what else the machine does falls on all three alike; the ratios'
	   median is the figure.  A fresh daemon each round (a day's number
	   ranges hold about three rounds). */
	for (round = 0; round < STREAMS_ROUNDS; round++) {
		if (start(&d, "bench-streams", token, sizeof token) < 0 ||
		    learn_queues(d.port, token) < 0) {
			printf("bench flood streams: the daemon does not start\n");
			hn_cleanup(&d, 1);
			return;
		}
		streams_round(d.port, token, 0, 0, base, &f0, &rd0, &sg, d.pid, &cpu0);
		printf("bench flood streams: round %d: %d clients issuing, no stalled stream: "
		    "p50 %.2f ms, p99 %.2f ms, max %.2f ms (%ld failed), daemon CPU %.3f ms a "
		    "command; the reading stream got %s\n", round + 1, STREAMS_CLIENTS,
		    base[0], base[1], base[2], f0, cpu0,
		    rd0.events > 0 ? "every event" : "NOT every event");
		for (reopen = 0; reopen < 2; reopen++) {
			streams_round(d.port, token, streams_n, reopen, hit, &f1, &rd1, &sg,
			    d.pid, &cpu1);
			ratio[reopen][round] = base[1] > 0 ? hit[1] / base[1] : 0.0;
			printf("bench flood streams: round %d: beside %d streams that never "
			    "read%s (%ld dropped): p50 %.2f ms, p99 %.2f ms, max %.2f ms (%ld "
			    "failed), daemon CPU %.3f ms a command (ratio %.2f); the reading "
			    "stream got %s; p99 ratio %.2f\n", round + 1, streams_n,
			    reopen ? " and come back at once when dropped" : "", sg.dropped,
			    hit[0], hit[1], hit[2], f1, cpu1, cpu0 > 0 ? cpu1 / cpu0 : 0.0,
			    rd1.events > 0 ? "every event" : "NOT every event",
			    ratio[reopen][round]);
		}
		hn_cleanup(&d, 0);
	}
	for (reopen = 0; reopen < 2; reopen++) {
		qsort(ratio[reopen], STREAMS_ROUNDS, sizeof ratio[reopen][0], bn_cmp_double);
		printf("bench flood streams: command p99 beside %d streams that never read%s "
		    "over none: %.2f (%d rounds: %.2f-%.2f; goal < 1.5)\n", streams_n,
		    reopen ? " and come back at once" : "", ratio[reopen][STREAMS_ROUNDS / 2],
		    STREAMS_ROUNDS, ratio[reopen][0], ratio[reopen][STREAMS_ROUNDS - 1]);
	}
	fflush(stdout);
}

/* ---- report ---------------------------------------------------------------- */

static char year_from[16], year_to[16];

struct reporter {
	pthread_t th;
	int port;
	const char *token;
	volatile int stop;
	volatile int first_done;
	long n, failed;
	size_t bytes;            /* the last answer's size */
	double first_ms, *lat;
	size_t nlat, cap;
};

static void *
reporter_main(void *arg)
{
	struct reporter *r = arg;
	struct hn_http h;
	char path[128];

	hn_http_init(&h, r->port, r->token);
	h.timeout_ms = 600000;
	snprintf(path, sizeof path, "/api/v1/stats/report?from=%s&to=%s&by=all",
	    year_from, year_to);
	while (!r->stop) {
		double t0 = hn_now_ms();
		long st = hn_req(&h, "GET", path, NULL, NULL);

		if (st != 200) {
			r->failed++;
			r->first_done = 1;
			break;
		}
		r->bytes = h.len;
		if (r->n++ == 0) {
			r->first_ms = hn_now_ms() - t0;
			r->first_done = 1;
		} else if (r->nlat < r->cap)
			r->lat[r->nlat++] = hn_now_ms() - t0;
	}
	hn_http_free(&h);
	return NULL;
}

/* Copy src to dst; 0 or -1. */
static int
copy_file(const char *src, const char *dst)
{
	char buf[1 << 16];
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	close(out);
	return n < 0 ? -1 : 0;
}

static void
bench_report(void)
{
	const char *dir = getenv("BENCH_STORE");
	struct hn_daemon d;
	struct reporter rp;
	char token[128], src[600], wal[600];
	long long tickets = 0;
	double base[3], hit[3], rep[3], sync[3];
	long f0, f1;

	if (dir == NULL || dir[0] == '\0') {
		printf("bench flood report: BENCH_STORE is not set (bench_flood.sh makes "
		    "the store with bench_stats)\n");
		return;
	}
	if (hn_init(&d, "bench-report") < 0)
		return;
	/* The year before the store's last day (o.info: its 5th field). */
	{
		FILE *f;
		long long v[5] = { 0 };
		time_t last;
		struct tm tm;

		snprintf(src, sizeof src, "%s/o.info", dir);
		if ((f = fopen(src, "r")) != NULL) {
			if (fscanf(f, "%lld %lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3],
			    &v[4]) != 5)
				v[4] = 0;
			fclose(f);
		}
		last = v[4] > 0 ? (time_t)v[4] : time(NULL);
		gmtime_r(&last, &tm);
		strftime(year_to, sizeof year_to, "%Y-%m-%d", &tm);
		last -= 364 * 86400;
		gmtime_r(&last, &tm);
		strftime(year_from, sizeof year_from, "%Y-%m-%d", &tm);
		tickets = v[0];
	}
	snprintf(src, sizeof src, "%s/o.db", dir);
	snprintf(wal, sizeof wal, "%s-wal", d.db);
	if (copy_file(src, d.db) != 0) {
		printf("bench flood report: cannot copy %s\n", src);
		hn_cleanup(&d, 0);
		return;
	}
	snprintf(src, sizeof src, "%s/o.db-wal", dir);
	if (access(src, F_OK) == 0 && copy_file(src, wal) != 0) {
		printf("bench flood report: cannot copy %s\n", src);
		hn_cleanup(&d, 0);
		return;
	}
	if (hn_add_user(&d, "admin", "admin", NULL, PASSWORD) < 0 || hn_start(&d) < 0) {
		printf("bench flood report: the daemon does not start on the store\n");
		hn_cleanup(&d, 1);
		return;
	}
	{
		struct hn_http h;

		hn_http_init(&h, d.port, NULL);
		if (hn_login(&h, "admin", PASSWORD) < 0 || learn_queues(d.port, h.token) < 0) {
			printf("bench flood report: cannot log in\n");
			hn_http_free(&h);
			hn_cleanup(&d, 1);
			return;
		}
		snprintf(token, sizeof token, "%s", h.token);
		hn_http_free(&h);
	}
	/* Two kiosks issuing a ticket every 50 ms each (a day's numbers would
	   run out at full speed). */
	cmds_every_ms = 50;
	run_cmds(d.port, token, 2, 200, base, NULL);
	memset(&rp, 0, sizeof rp);
	rp.port = d.port;
	rp.token = token;
	rp.cap = 10000;
	rp.lat = calloc(rp.cap, sizeof(double));
	pthread_create(&rp.th, NULL, reporter_main, &rp);
	/* While the first report syncs every event of the store, then while
	   the year report comes again and again. */
	f0 = run_cmds(d.port, token, 2, 1000000, sync, &rp.first_done);
	f1 = run_cmds(d.port, token, 2, 300, hit, NULL);
	rp.stop = 1;
	pthread_join(rp.th, NULL);
	bn_pcts(rp.lat, rp.nlat, rep);
	printf("bench flood report: store of %lld tickets, year %s..%s\n", tickets,
	    year_from, year_to);
	printf("bench flood report: 2 clients issuing a ticket every 50 ms each\n");
	printf("bench flood report: issue command, no report running: p50 %.2f ms, "
	    "p99 %.2f ms, max %.2f ms\n", base[0], base[1], base[2]);
	printf("bench flood report: issue command during the first report (%.1f s: it "
	    "syncs every event of the store into the statistics): p50 %.2f ms, p99 %.2f ms, "
	    "max %.2f ms (%ld failed)\n", rp.first_ms / 1000.0, sync[0], sync[1], sync[2], f0);
	printf("bench flood report: issue command while a manager asks for the year "
	    "report in a loop (%zu more reports of %zu KB, p50 %.0f ms each): p50 %.2f ms, p99 %.2f ms, "
	    "max %.2f ms (%ld failed, %ld reports failed); p99 ratio %.2f (goal p99 < 20 ms)\n",
	    rp.nlat, rp.bytes / 1024, rep[0], hit[0], hit[1], hit[2], f1, rp.failed,
	    base[1] > 0 ? hit[1] / base[1] : 0.0);
	fflush(stdout);
	free(rp.lat);
	hn_cleanup(&d, 0);
}

int
main(int argc, char **argv)
{
	int a, all = argc < 2;

	signal(SIGPIPE, SIG_IGN);
	hn_raise_nofile();
	if (getenv("BENCH_STREAMS") != NULL) {
		long n = strtol(getenv("BENCH_STREAMS"), NULL, 10);

		if (n >= 1 && n <= STREAMS_MAX)
			streams_n = (int)n;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (a = 1; a < argc || all; a++) {
		const char *w = all ? NULL : argv[a];

		if (w == NULL || strcmp(w, "slow") == 0)
			bench_slow();
		if (w == NULL || strcmp(w, "streams") == 0)
			bench_streams();
		if (w == NULL || strcmp(w, "report") == 0)
			bench_report();
		if (all)
			break;
	}
	curl_global_cleanup();
	return 0;
}
