/*
 * flood.c - hostile traffic against the real onestopd (each case in its own
 * temp dir, on its own port; readiness by the daemon's line and by what the
 * sockets say, never a sleep; only the pids started here are killed):
 *
 *   slow     512 connections from 127.0.0.2 and 127.0.0.3 that trickle one
 *            header byte a second: another address still gets /healthz,
 *            and every one of them is closed by the headers deadline
 *            although its bytes keep coming
 *   crowd    1,792 connections from 14 addresses: past 1,536 open an
 *            address holding 16 is refused, a new address still gets in
 *   stall    200 event streams that never read while 1500 commands are
 *            answered: every command is answered, every stalled stream is
 *            dropped, a stream that reads gets every event, and each dropped
 *            stream reconnecting with its Last-Event-ID gets exactly the
 *            events it missed
 *   report   a command is answered while a report is being computed (the
 *            report is held at the worker's test gate, a FIFO named by
 *            ONESTOPD_TEST_STATS_GATE, until the command is answered)
 *
 *   flood [CASE...]     all cases when none is named
 *
 * Prints "ok"/"FAIL" per check and exits 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define PW_ADMIN "admin-pass-1"
#define WATCHDOG_S 200

static int
write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* ---- slow ----------------------------------------------------------------- */

#define SLOW_N 512
#define SLOW_END_S 40            /* bound of the wait for the deadline */

struct slowconn {
	int fd;                  /* -1 once ended (or never connected) */
	int started;             /* connected, the request line written */
};

/*
 * One turn of the trickle: wait up to wait_ms for news on the sockets, end
 * those the server closed, and when tick is set write one more header byte
 * to each open one.  Returns the connections still open.
 */
static int
slow_turn_n(struct slowconn *c, struct pollfd *pf, int nc, int wait_ms, int tick)
{
	char buf[4096];
	int i, open = 0;

	for (i = 0; i < nc; i++) {
		pf[i].fd = c[i].fd;
		pf[i].events = POLLIN;
		pf[i].revents = 0;
	}
	poll(pf, (nfds_t)nc, wait_ms);
	for (i = 0; i < nc; i++) {
		if (c[i].fd < 0)
			continue;
		if (pf[i].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(c[i].fd, buf, sizeof buf);

			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				close(c[i].fd);
				c[i].fd = -1;
				continue;
			}
		}
		if (tick && write(c[i].fd, "a", 1) != 1 && errno != EAGAIN) {
			close(c[i].fd);
			c[i].fd = -1;
			continue;
		}
		open++;
	}
	return open;
}

static int
slow_turn(struct slowconn *c, struct pollfd *pf, int wait_ms, int tick)
{
	return slow_turn_n(c, pf, SLOW_N, wait_ms, tick);
}

/* Connect from src and write a request line and a first header; 0 or -1. */
static int
slow_connect(struct slowconn *c, const char *src, int port)
{
	static const char start[] = "GET /healthz HTTP/1.1\r\nHost: flood\r\nX-Slow: ";
	struct pollfd p1;

	c->started = 0;
	c->fd = hn_tcp_from(src, port, 0, 1);
	p1.fd = c->fd;
	p1.events = POLLOUT;
	if (c->fd >= 0 && poll(&p1, 1, 2000) == 1 && (p1.revents & POLLOUT) &&
	    write_all(c->fd, start, sizeof start - 1) == 0) {
		c->started = 1;
		return 0;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	return -1;
}

static void
case_slow(void)
{
	static struct slowconn c[SLOW_N];
	static struct pollfd pf[SLOW_N];
	struct hn_daemon d;
	struct hn_http h;
	double t0, last_tick;
	long st;
	int i, open, held;

	printf("# slow: %d trickling connections from 127.0.0.2 and 127.0.0.3\n", SLOW_N);
	hn_raise_nofile();
	if (hn_init(&d, "flood-slow") != 0 || hn_start(&d) != 0) {
		hn_check(0, "slow: the daemon starts");
		hn_cleanup(&d, 1);
		return;
	}
	/* One after the other, each connected before the next. */
	for (i = 0; i < SLOW_N; i++)
		slow_connect(&c[i], i % 2 ? "127.0.0.3" : "127.0.0.2", d.port);
	/* Trickle for three ticks, so that the server has taken every
	   connection it will take (and refused the others) by then. */
	t0 = last_tick = hn_now_ms();
	while (hn_now_ms() - t0 < 3000.0) {
		int tick = hn_now_ms() - last_tick >= 1000.0;

		if (tick)
			last_tick = hn_now_ms();
		slow_turn(c, pf, 250, tick);
	}
	held = slow_turn(c, pf, 0, 0);
	hn_http_init(&h, d.port, NULL);
	h.timeout_ms = 5000;
	st = hn_req(&h, "GET", "/healthz", NULL, NULL);
	hn_check(st == 200, "slow: /healthz from 127.0.0.1 answers beside %d trickling "
	    "connections (HTTP %ld)", held, st);
	hn_check(held >= 200, "slow: the trickling connections are held (%d open of %d)",
	    held, SLOW_N);
	/* Trickle a byte a second until the server has closed every one. */
	t0 = last_tick = hn_now_ms();
	open = held;
	while (open > 0 && hn_now_ms() - t0 < SLOW_END_S * 1000.0) {
		int tick = hn_now_ms() - last_tick >= 1000.0;

		if (tick)
			last_tick = hn_now_ms();
		open = slow_turn(c, pf, 250, tick);
	}
	hn_check(open == 0, "slow: every trickling connection is closed by the headers "
	    "deadline although its bytes keep coming (%d still open)", open);
	st = hn_req(&h, "GET", "/healthz", NULL, NULL);
	hn_check(st == 200, "slow: /healthz still answers (HTTP %ld)", st);
	for (i = 0; i < SLOW_N; i++)
		if (c[i].fd >= 0)
			close(c[i].fd);
	hn_http_free(&h);
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- crowd ---------------------------------------------------------------- */

#define CROWD_ADDRS 14           /* x 128 each: more than the 1,536 of GUARD_CROWDED */
#define CROWD_PER 128
#define CROWD_N (CROWD_ADDRS * CROWD_PER)

/*
 * 14 addresses open 128 connections each: past 1,536 open connections an
 * address holding 16 is refused, so at most 1,536 + 16 per address are held,
 * and a new address still gets in.
 */
static void
case_crowd(void)
{
	static struct slowconn c[CROWD_N];
	static struct pollfd pf[CROWD_N];
	struct hn_daemon d;
	struct hn_http h;
	struct slowconn fresh;
	char src[32];
	double t0, last_tick;
	long st;
	int i, held, in;

	printf("# crowd: %d connections from %d addresses\n", CROWD_N, CROWD_ADDRS);
	hn_raise_nofile();
	if (hn_init(&d, "flood-crowd") != 0 || hn_start(&d) != 0) {
		hn_check(0, "crowd: the daemon starts");
		hn_cleanup(&d, 1);
		return;
	}
	for (i = 0; i < CROWD_N; i++) {
		snprintf(src, sizeof src, "127.0.0.%d", 30 + i / CROWD_PER);
		slow_connect(&c[i], src, d.port);
	}
	/* Two ticks for the server to take or refuse each. */
	t0 = last_tick = hn_now_ms();
	while (hn_now_ms() - t0 < 2000.0) {
		int tick = hn_now_ms() - last_tick >= 1000.0;

		if (tick)
			last_tick = hn_now_ms();
		slow_turn_n(c, pf, CROWD_N, 250, tick);
	}
	held = slow_turn_n(c, pf, CROWD_N, 0, 0);
	hn_check(held >= 1536 && held <= 1536 + 2 * 16 + 16, "crowd: past 1,536 connections "
	    "the addresses that hold many are refused (%d held of %d, at most %d)", held,
	    CROWD_N, 1536 + 2 * 16 + 16);
	in = slow_connect(&fresh, "127.0.0.50", d.port) == 0;
	if (in)
		in = slow_turn_n(&fresh, pf, 1, 200, 0) == 1;
	hn_check(in, "crowd: a new address still gets a connection");
	if (fresh.fd >= 0)
		close(fresh.fd);
	hn_http_init(&h, d.port, NULL);
	h.timeout_ms = 5000;
	st = hn_req(&h, "GET", "/healthz", NULL, NULL);
	hn_check(st == 200, "crowd: /healthz from 127.0.0.1 answers (HTTP %ld)", st);
	for (i = 0; i < CROWD_N; i++)
		if (c[i].fd >= 0)
			close(c[i].fd);
	hn_http_free(&h);
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- stall ---------------------------------------------------------------- */

#define STALL_N 200
#define STALL_CMDS 2500

/* The complete events of one stream, as they come. */
struct sseread {
	char *buf;
	size_t len, cap;
	int in_body;             /* past the HTTP headers */
	int64_t *ids;
	size_t nids, capids;
	size_t bytes;            /* all received */
};

static void
sse_feed(struct sseread *s, const char *data, size_t n)
{
	char *p, *end;

	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->buf = realloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->bytes += n;
	s->buf[s->len] = '\0';
	p = s->buf;
	if (!s->in_body) {
		if ((end = strstr(p, "\r\n\r\n")) == NULL)
			return;
		p = end + 4;
		s->in_body = 1;
	}
	while ((end = strstr(p, "\n\n")) != NULL) {
		*end = '\0';
		if (strncmp(p, "id: ", 4) == 0) {
			if (s->nids == s->capids) {
				s->capids = s->capids ? s->capids * 2 : 256;
				s->ids = realloc(s->ids, s->capids * sizeof *s->ids);
			}
			s->ids[s->nids++] = strtoll(p + 4, NULL, 10);
		}
		p = end + 2;
	}
	s->len -= (size_t)(p - s->buf);
	memmove(s->buf, p, s->len);
	s->buf[s->len] = '\0';
}

static int64_t
sse_last(const struct sseread *s)
{
	return s->nids > 0 ? s->ids[s->nids - 1] : 0;
}

/*
 * Read fd into s until the stream ends (1), until s has seen event `until`
 * (0, when until > 0), or until nothing came for idle_ms (-1).
 */
static int
sse_drain(int fd, struct sseread *s, int64_t until, int idle_ms)
{
	char buf[16384];
	struct pollfd pf = { .fd = fd, .events = POLLIN };

	for (;;) {
		ssize_t n;

		if (until > 0 && sse_last(s) >= until)
			return 0;
		if (poll(&pf, 1, idle_ms) <= 0)
			return -1;
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 1;
		sse_feed(s, buf, (size_t)n);
	}
}

/* Read fd into s until its HTTP head is in: 0, or -1 (ended, or 5 s idle). */
static int
sse_head(int fd, struct sseread *s)
{
	char buf[4096];
	struct pollfd pf = { .fd = fd, .events = POLLIN };

	while (!s->in_body) {
		ssize_t n;

		if (poll(&pf, 1, 5000) <= 0)
			return -1;
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		sse_feed(s, buf, (size_t)n);
	}
	return 0;
}

/* The reading stream, on its own thread. */
struct reader {
	int fd;
	struct sseread s;
	pthread_mutex_t mu;
	pthread_cond_t cv;       /* signalled on each read */
	int ended;
};

static void *
reader_main(void *arg)
{
	struct reader *rd = arg;
	char buf[16384];

	for (;;) {
		ssize_t n = read(rd->fd, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		pthread_mutex_lock(&rd->mu);
		if (n <= 0) {
			rd->ended = 1;
			pthread_cond_broadcast(&rd->cv);
			pthread_mutex_unlock(&rd->mu);
			return NULL;
		}
		sse_feed(&rd->s, buf, (size_t)n);
		pthread_cond_broadcast(&rd->cv);
		pthread_mutex_unlock(&rd->mu);
	}
}

/* 1 when a[0..na) == b[0..nb). */
static int
ids_equal(const int64_t *a, size_t na, const int64_t *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0);
}

static void
case_stall(void)
{
	static int fds[STALL_N];
	static struct sseread ss[STALL_N];
	char queues[32][16], body[64];
	struct hn_daemon d;
	struct hn_http h;
	struct reader rd;
	pthread_t th;
	cJSON *o = NULL;
	const cJSON *it;
	int i, nq = 0, q = 0, answered = 0, refused = 0, failed = 0, dropped = 0,
	    complete = 0, ended_all;
	int64_t final;
	struct timespec ts;
	double t0;

	printf("# stall: %d event streams that never read, %d commands\n", STALL_N,
	    STALL_CMDS);
	memset(&rd, 0, sizeof rd);
	pthread_mutex_init(&rd.mu, NULL);
	pthread_cond_init(&rd.cv, NULL);
	if (hn_init(&d, "flood-stall") != 0 || hn_start_admin(&d, &h, PW_ADMIN) != 0) {
		hn_check(0, "stall: the daemon starts");
		hn_cleanup(&d, 1);
		return;
	}
	if (hn_req(&h, "GET", "/api/v1/state", NULL, &o) == 200)
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "queues"))
			if (nq < 32 && hn_str(it, "code") != NULL)
				snprintf(queues[nq++], sizeof queues[0], "%s", hn_str(it, "code"));
	cJSON_Delete(o);
	/* The stalled streams: each reads its answer's head, then never again. */
	for (i = 0; i < STALL_N; i++) {
		memset(&ss[i], 0, sizeof ss[i]);
		fds[i] = hn_stream_open("GET", i % 2 ? "127.0.0.5" : "127.0.0.4", d.port, h.token, 0, 4096);
		if (fds[i] >= 0 && sse_head(fds[i], &ss[i]) != 0) {
			close(fds[i]);
			fds[i] = -1;
		}
	}
	for (i = 0; i < STALL_N && fds[i] >= 0; i++)
		;
	hn_check(i == STALL_N, "stall: %d streams open (%d asked)", i, STALL_N);
	rd.fd = hn_stream_open("GET", "127.0.0.6", d.port, h.token, 0, 0);
	pthread_create(&th, NULL, reader_main, &rd);
	t0 = hn_now_ms();
	for (i = 0; i < STALL_CMDS && nq > 0; i++) {
		long st;
		int tries;

		for (tries = 0; tries < nq; tries++) {
			snprintf(body, sizeof body, "{\"queue\":\"%s\"}", queues[q]);
			st = hn_req(&h, "POST", "/api/v1/tickets", body, NULL);
			if (st != 409)
				break;
			q = (q + 1) % nq;     /* range used up: the next queue */
		}
		if (st == 201)
			answered++;
		else if (st == 409)
			refused++;
		else
			failed++;
		q = (q + 1) % nq;
	}
	hn_check(answered == STALL_CMDS && failed == 0, "stall: every command answered "
	    "beside the stalled streams (%d of %d, %d refused, %d failed, %.1f s)",
	    answered, STALL_CMDS, refused, failed, (hn_now_ms() - t0) / 1000.0);
	o = NULL;
	hn_req(&h, "GET", "/healthz", NULL, &o);
	final = (int64_t)hn_num(o, "last_event_id", -1);
	cJSON_Delete(o);
	/* The reading stream gets every event (a bounded wait on its reads). */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 20;
	pthread_mutex_lock(&rd.mu);
	while (sse_last(&rd.s) < final && !rd.ended &&
	    pthread_cond_timedwait(&rd.cv, &rd.mu, &ts) == 0)
		;
	pthread_mutex_unlock(&rd.mu);
	pthread_mutex_lock(&rd.mu);
	{
		size_t k;
		int inc = rd.s.nids > 0 && rd.s.ids[0] == 1;

		for (k = 1; k < rd.s.nids; k++)
			inc &= rd.s.ids[k] == rd.s.ids[k - 1] + 1;
		hn_check(inc && sse_last(&rd.s) == final, "stall: the stream that reads gets "
		    "every event, 1..%lld in order (%zu events, %zu bytes, last %lld)",
		    (long long)final, rd.s.nids, rd.s.bytes, (long long)sse_last(&rd.s));
	}
	pthread_mutex_unlock(&rd.mu);
	/* Now read the stalled streams: each must end (dropped), and a reconnect
	   after its last complete event must give the rest, exactly. */
	/* All at once: until each has ended or none has said anything for 5 s. */
	for (;;) {
		static struct pollfd pf[STALL_N];
		char buf[16384];
		int n = 0;

		for (i = 0; i < STALL_N; i++) {
			pf[i].fd = fds[i];
			pf[i].events = POLLIN;
			n += fds[i] >= 0;
		}
		if (n == 0 || poll(pf, STALL_N, 5000) <= 0)
			break;
		for (i = 0; i < STALL_N; i++) {
			ssize_t k;

			if (fds[i] < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if ((k = read(fds[i], buf, sizeof buf)) > 0) {
				sse_feed(&ss[i], buf, (size_t)k);
				continue;
			}
			close(fds[i]);
			fds[i] = -1;
			dropped++;
		}
	}
	ended_all = 1;
	for (i = 0; i < STALL_N; i++) {
		if (fds[i] >= 0) {
			ended_all = 0;
			close(fds[i]);
			fds[i] = -1;
		}
		if (sse_last(&ss[i]) < final) {
			int fd = hn_stream_open("GET", i % 2 ? "127.0.0.5" : "127.0.0.4", d.port, h.token,
			    sse_last(&ss[i]), 0);

			/* A new answer: its head first; an event cut by the
			   drop is dropped too (as an EventSource does). */
			ss[i].len = 0;
			ss[i].in_body = 0;
			if (fd >= 0) {
				sse_drain(fd, &ss[i], final, 5000);
				close(fd);
			}
		}
		pthread_mutex_lock(&rd.mu);
		complete += ids_equal(ss[i].ids, ss[i].nids, rd.s.ids, rd.s.nids);
		pthread_mutex_unlock(&rd.mu);
	}
	hn_check(ended_all && dropped == STALL_N, "stall: every stalled stream was dropped "
	    "(%d of %d)", dropped, STALL_N);
	hn_check(complete == STALL_N, "stall: each dropped stream, reconnecting with its "
	    "Last-Event-ID, got every event exactly once (%d of %d)", complete, STALL_N);
	shutdown(rd.fd, SHUT_RDWR);
	pthread_join(th, NULL);
	close(rd.fd);
	for (i = 0; i < STALL_N; i++) {
		free(ss[i].buf);
		free(ss[i].ids);
	}
	free(rd.s.buf);
	free(rd.s.ids);
	hn_http_free(&h);
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- report --------------------------------------------------------------- */

struct reportrun {
	int port;
	char token[128];
	long status;
	int done, gate_open;
	char gate[600];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int gate_fd;
};

static void *
report_main(void *arg)
{
	struct reportrun *rr = arg;
	struct hn_http h;
	long st;

	hn_http_init(&h, rr->port, rr->token);
	h.timeout_ms = 60000;
	st = hn_req(&h, "GET", "/api/v1/stats/report?from=2020-01-01&to=2020-12-31&by=all",
	    NULL, NULL);
	hn_http_free(&h);
	pthread_mutex_lock(&rr->mu);
	rr->status = st;
	rr->done = 1;
	pthread_cond_broadcast(&rr->cv);
	pthread_mutex_unlock(&rr->mu);
	return NULL;
}

/* Opens the gate's write end: returns when the worker waits at the gate. */
static void *
gate_main(void *arg)
{
	struct reportrun *rr = arg;
	int fd = open(rr->gate, O_WRONLY | O_CLOEXEC);

	pthread_mutex_lock(&rr->mu);
	rr->gate_fd = fd;
	rr->gate_open = 1;
	pthread_cond_broadcast(&rr->cv);
	pthread_mutex_unlock(&rr->mu);
	return NULL;
}

static void
case_report(void)
{
	struct hn_daemon d;
	struct hn_http h;
	struct reportrun rr;
	struct timespec ts;
	pthread_t rt, gt;
	long st, hz;
	int done_before, gate, gt_joined = 0;

	printf("# report: a command while a report is being computed\n");
	memset(&rr, 0, sizeof rr);
	rr.gate_fd = -1;
	pthread_mutex_init(&rr.mu, NULL);
	pthread_cond_init(&rr.cv, NULL);
	if (hn_init(&d, "flood-report") != 0) {
		hn_check(0, "report: temp dir");
		return;
	}
	snprintf(rr.gate, sizeof rr.gate, "%s/stats-gate", d.dir);
	if (mkfifo(rr.gate, 0600) != 0) {
		hn_check(0, "report: mkfifo %s: %s", rr.gate, strerror(errno));
		hn_cleanup(&d, 1);
		return;
	}
	setenv("ONESTOPD_TEST_STATS_GATE", rr.gate, 1);
	if (hn_start_admin(&d, &h, PW_ADMIN) != 0) {
		unsetenv("ONESTOPD_TEST_STATS_GATE");
		hn_check(0, "report: the daemon starts");
		hn_cleanup(&d, 1);
		return;
	}
	unsetenv("ONESTOPD_TEST_STATS_GATE");
	rr.port = d.port;
	snprintf(rr.token, sizeof rr.token, "%s", h.token);
	pthread_create(&gt, NULL, gate_main, &rr);
	pthread_create(&rt, NULL, report_main, &rr);
	/* Wait until the report is at the worker's gate, or answered. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 30;
	pthread_mutex_lock(&rr.mu);
	while (!rr.gate_open && !rr.done &&
	    pthread_cond_timedwait(&rr.cv, &rr.mu, &ts) == 0)
		;
	gate = rr.gate_open;
	pthread_mutex_unlock(&rr.mu);
	hn_check(gate, "report: the report is computed off the core thread (it waits at "
	    "the worker's gate)");
	if (gate) {
		st = hn_req(&h, "POST", "/api/v1/tickets", "{\"queue\":\"TP-LL\"}", NULL);
		hz = hn_req(&h, "GET", "/healthz", NULL, NULL);
		pthread_mutex_lock(&rr.mu);
		done_before = rr.done;
		pthread_mutex_unlock(&rr.mu);
		hn_check(st == 201 && hz == 200 && !done_before, "report: a command (HTTP %ld) "
		    "and /healthz (HTTP %ld) are answered while the report is pending",
		    st, hz);
		if (write(rr.gate_fd, "x", 1) != 1)
			hn_check(0, "report: write the gate");
		close(rr.gate_fd);
	} else {
		/* Nothing read the gate: let its opener go. */
		int fd = open(rr.gate, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

		pthread_join(gt, NULL);
		if (rr.gate_fd >= 0)
			close(rr.gate_fd);
		if (fd >= 0)
			close(fd);
		gt_joined = 1;
	}
	pthread_join(rt, NULL);
	if (!gt_joined)
		pthread_join(gt, NULL);
	hn_check(rr.status == 200, "report: the report is answered once let through (HTTP %ld)",
	    rr.status);
	hn_http_free(&h);
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- main ---------------------------------------------------------------- */

static const struct hn_case cases[] = {
	{ "slow", case_slow },
	{ "crowd", case_crowd },
	{ "stall", case_stall },
	{ "report", case_report },
};

int
main(int argc, char **argv)
{
	hn_watchdog("flood", WATCHDOG_S);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	hn_run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
	curl_global_cleanup();
	return hn_summary("flood");
}
