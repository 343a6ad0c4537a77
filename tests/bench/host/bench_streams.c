/*
 * bench_streams.c - issue 19's goal for the event stream: with S event
 * streams open that do read (as S displays and phones would), C clients
 * issue T tickets into a fresh hall; the same without any stream, on
 * another fresh daemon, is the baseline.  Rounds alternate the two.
 *
 *   bench_streams [-s STREAMS] [-c CLIENTS] [-t TICKETS] [-r ROUNDS]
 *
 * Prints, with ratios:
 *   - tickets/s with the streams over tickets/s with none (goal >= 0.8);
 *   - whether every stream got every event: the ids each one read are
 *     checked in order, none missing, none twice (a stream that the daemon
 *     drops reconnects with Last-Event-ID, as EventSource does, and must
 *     still see each event once);
 *   - commit -> stream read: for each (stream, event of an issued ticket),
 *     the time the stream's reader read the event minus the time the
 *     ticket's answer was read by its client (the answer is sent only
 *     after the commit, so this is a lower bound of commit -> read, 0 when
 *     the stream was first), and minus the time its request was sent (an
 *     upper bound).  p50 / p99 / max of both; goal p99 < 50 ms.
 *
 * And, for reference, the machine's own fan-out: the same readers on the
 * same number of loopback streams, fed the same event text by a plain loop
 * of this process that holds every event from the start (no daemon, no
 * commit; it writes each stream as much as its socket takes).  Its events
 * a second, over the events a ticket makes, say what rate the loopback and
 * the readers carry here at all; the daemon's rate beside the streams is
 * printed as a share of it (it can exceed 1: the daemon's smaller writes,
 * at most every 10 ms, suit the readers better than the loop's bulk).
 *
 * The streams come from 127.0.0.20..29 (the daemon allows 128 connections
 * an address), each on a nonblocking socket; two reader threads serve them
 * with epoll.  All times are this process's monotonic clock (hn_now_ms).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../integration/host/harness.h"
#include "benchnet.h"

#define PASSWORD "bench-pass-1"
#define MAX_STREAMS 2000
#define READERS 2
#define MAX_ROUNDS 9
#define PACED_CLIENTS 4          /* the paced part: 4 clients, */
#define PACED_EVERY_MS 40        /* one ticket each every 40 ms (100/s), */
#define PACED_TICKETS 300        /* for 3 s */

struct strm {
	int fd;
	int in_body;             /* the headers are read */
	int hdr;                 /* how much of "\r\n\r\n" was just read */
	int ready;               /* the retry line came: the stream is open */
	int64_t last;            /* id of the last event read */
	long missing, twice, reconnects;
	long long bytes;         /* read in all */
	char line[128];          /* the start of the line being read */
	size_t ll;
	int cur;                 /* index of the event whose lines come, -1 */
	float *at;               /* read time of each event (ms after t0), 0 = not */
};

static struct strm st[MAX_STREAMS];
static int nstreams = 1000, port;
static char token[128];
static int64_t first;            /* the last event id before the round */
static int nev;                  /* events a round can hold (at[] size) */
static int64_t *ev_ticket;       /* ticket of each event (stream 0 parses it) */
static double t0;
static volatile int stop;

static void
stream_src(int i, char *src, size_t len)
{
	snprintf(src, len, "127.0.0.%d", 20 + i % 10);
}

/* One line of stream i's events (NUL-terminated, at most 127 bytes kept). */
static void
stream_line(struct strm *s, int i, const char *l, double now)
{
	if (strncmp(l, "retry:", 6) == 0) {
		__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
		return;
	}
	if (strncmp(l, "id: ", 4) == 0) {
		int64_t id = strtoll(l + 4, NULL, 10);

		s->cur = -1;
		if (id <= s->last) {
			s->twice++;
			return;
		}
		if (id > s->last + 1)
			s->missing += id - s->last - 1;
		__atomic_store_n(&s->last, id, __ATOMIC_RELEASE);
		if (id - first - 1 < nev) {
			s->cur = (int)(id - first - 1);
			s->at[s->cur] = (float)(now - t0);
		}
		return;
	}
	if (i == 0 && s->cur >= 0 && strncmp(l, "data: ", 6) == 0) {
		const char *p = strstr(l, "\"ticket\":");

		if (p != NULL)
			ev_ticket[s->cur] = strtoll(p + 9, NULL, 10);
	}
}

/* Feed n bytes read on stream i to its parser. */
static void
stream_bytes(struct strm *s, int i, const char *b, size_t n, double now)
{
	static const char eoh[] = "\r\n\r\n";
	size_t k;

	for (k = 0; k < n; k++) {
		if (!s->in_body) {
			s->hdr = b[k] == eoh[s->hdr] ? s->hdr + 1 : (b[k] == '\r');
			s->in_body = s->hdr == 4;
			continue;
		}
		if (b[k] != '\n') {
			/* The id and the data's head are in the first bytes. */
			if (s->ll < sizeof s->line - 1)
				s->line[s->ll++] = b[k];
			continue;
		}
		s->line[s->ll] = '\0';
		s->ll = 0;
		stream_line(s, i, s->line, now);
	}
}

static int
stream_connect(struct strm *s, int i, int ep)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	char src[32];

	stream_src(i, src, sizeof src);
	s->in_body = s->hdr = 0;
	s->ll = 0;
	s->cur = -1;
	s->fd = bn_stream_open(src, port, token, 0, s->last > first ? s->last : 0);
	if (s->fd < 0)
		return -1;
	ev.data.u32 = (uint32_t)i;
	return epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev);
}

struct reader {
	pthread_t th;
	int lo, hi;              /* its streams */
	int ep;
	long failed;             /* streams that could not (re)connect */
};

/* Serve streams lo..hi-1: read what comes, reconnect what ends. */
static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	static __thread char buf[65536];
	struct epoll_event evs[128];
	int i, k, n;

	for (i = r->lo; i < r->hi; i++)
		if (stream_connect(&st[i], i, r->ep) != 0)
			r->failed++;
	while (!stop) {
		if ((n = epoll_wait(r->ep, evs, 128, 100)) <= 0)
			continue;
		for (k = 0; k < n; k++) {
			struct strm *s = &st[evs[k].data.u32];
			ssize_t got;
			double now = hn_now_ms();

			i = (int)evs[k].data.u32;
			while ((got = read(s->fd, buf, sizeof buf)) > 0) {
				__atomic_store_n(&s->bytes, s->bytes + got, __ATOMIC_RELEASE);
				stream_bytes(s, i, buf, (size_t)got, now);
			}
			if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
				/* Dropped: back at once with Last-Event-ID. */
				epoll_ctl(r->ep, EPOLL_CTL_DEL, s->fd, NULL);
				close(s->fd);
				s->reconnects++;
				if (stream_connect(s, i, r->ep) != 0)
					r->failed++;
			}
		}
	}
	return NULL;
}

/* Every stream closed, at the event `first`, with room for n events' times. */
static void
streams_reset(int n)
{
	int i;

	nev = n;
	ev_ticket = calloc((size_t)nev, sizeof *ev_ticket);
	for (i = 0; i < nstreams; i++) {
		memset(&st[i], 0, sizeof st[i]);
		st[i].fd = -1;
		st[i].last = first;
		st[i].at = calloc((size_t)nev, sizeof *st[i].at);
		if (st[i].at == NULL || ev_ticket == NULL) {
			perror("bench_streams");
			exit(1);
		}
	}
}

/* Start the READERS reader threads over the streams; returns READERS. */
static int
readers_start(struct reader *rd)
{
	int nr;

	for (nr = 0; nr < READERS; nr++) {
		rd[nr].lo = nstreams * nr / READERS;
		rd[nr].hi = nstreams * (nr + 1) / READERS;
		rd[nr].ep = epoll_create1(EPOLL_CLOEXEC);
		rd[nr].failed = 0;
		pthread_create(&rd[nr].th, NULL, reader_main, &rd[nr]);
	}
	return nr;
}

/* Stop the nr reader threads; the streams they could not (re)connect. */
static long
readers_stop(struct reader *rd, int nr)
{
	long failed = 0;

	stop = 1;
	while (nr > 0) {
		nr--;
		pthread_join(rd[nr].th, NULL);
		close(rd[nr].ep);
		failed += rd[nr].failed;
	}
	return failed;
}

/* Streams whose last id read is below id. */
static int
behind(int64_t id)
{
	int i, n = 0;

	for (i = 0; i < nstreams; i++)
		n += __atomic_load_n(&st[i].last, __ATOMIC_ACQUIRE) < id;
	return n;
}

struct round {
	double rate, cpu;            /* tickets/s, daemon CPU ms a ticket */
	long failed;
	/* with streams */
	long missing, twice, reconnects, late, connfail;
	double mbs;                  /* MB/s the streams read, flat out */
	double evbytes;              /* bytes an event on a stream */
	double evpt;                 /* events a ticket, flat out */
	double lo[2][3], hi[2][3];   /* p50/p99/max from answer / from send,
	                                flat out [0] and paced [1] */
	int64_t events;
};

/* One round on a fresh daemon: C clients issue T tickets, beside S streams if
 * streams.  0 or -1. */
static int
run_round(int streams, int nclients, int tickets, struct round *out)
{
	struct reader rd[READERS];
	struct hn_daemon d;
	struct hn_http adm;
	struct bn_issued is, paced;
	struct pollfd none;
	double c0, t1;
	int64_t final;
	int i, ok = 0, nr = 0;

	memset(out, 0, sizeof *out);
	memset(&is, 0, sizeof is);
	memset(&paced, 0, sizeof paced);
	if (hn_init(&d, "bench-streams") != 0 ||
	    hn_add_user(&d, "admin", "admin", NULL, PASSWORD) != 0 || hn_start(&d) != 0)
		goto out;
	port = d.port;
	hn_http_init(&adm, d.port, NULL);
	if (hn_login(&adm, "admin", PASSWORD) != 0 || bn_learn_queues(d.port, adm.token) != 0) {
		fprintf(stderr, "bench_streams: login or state failed\n");
		hn_http_free(&adm);
		goto out;
	}
	snprintf(token, sizeof token, "%s", adm.token);
	hn_http_free(&adm);
	first = bn_last_event(port);
	t0 = hn_now_ms();
	stop = 0;
	if (streams) {
		streams_reset((tickets + PACED_TICKETS) * 2 + 64);
		nr = readers_start(rd);
		/* Until every stream is open (bounded: 30 s). */
		for (i = 0; i < 3000; i++) {
			int k, open = 0;

			for (k = 0; k < nstreams; k++)
				open += __atomic_load_n(&st[k].ready, __ATOMIC_ACQUIRE);
			if (open == nstreams)
				break;
			poll(&none, 0, 10);
		}
		if (i == 3000) {
			fprintf(stderr, "bench_streams: not every stream opened\n");
			goto stop;
		}
	}
	c0 = bn_cpu_ms(d.pid);
	t1 = hn_now_ms();
	if (bn_issue(d.port, token, nclients, tickets, 0, &is) != 0 || is.n == 0) {
		fprintf(stderr, "bench_streams: the clients could not connect\n");
		goto stop;
	}
	out->cpu = (bn_cpu_ms(d.pid) - c0) / (double)is.n;
	out->rate = (double)is.n / is.secs;
	out->failed = is.failed;
	ok = 1;
	if (!streams)
		goto stop;
	/* Every stream has every event, at most 30 s after the last answer;
	   then the paced part, and the same. */
	final = bn_last_event(port);
	for (i = 0; i < 3000 && behind(final) > 0; i++)
		poll(&none, 0, 10);
	{
		long long b = 0;

		for (i = 0; i < nstreams; i++)
			b += __atomic_load_n(&st[i].bytes, __ATOMIC_ACQUIRE);
		out->mbs = (double)b / 1e6 / ((hn_now_ms() - t1) / 1000.0);
		out->evbytes = final > first ? (double)b / nstreams / (double)(final - first) : 0;
		out->evpt = (double)(final - first) / (double)is.n;
	}
	if (bn_issue(d.port, token, PACED_CLIENTS, PACED_TICKETS, PACED_EVERY_MS,
	    &paced) != 0) {
		fprintf(stderr, "bench_streams: the paced clients could not connect\n");
		ok = 0;
		goto stop;
	}
	final = bn_last_event(port);
	out->events = final - first;
	for (i = 0; i < 3000 && behind(final) > 0; i++)
		poll(&none, 0, 10);
	out->late = behind(final);
stop:
	out->connfail += readers_stop(rd, nr);
	if (streams) {
		size_t n[2] = { 0, 0 }, cap = (size_t)nstreams *
		    (size_t)(out->events > 0 ? out->events : 1);
		double *lo[2], *hi[2];
		int k, ph;

		for (ph = 0; ph < 2; ph++) {
			lo[ph] = calloc(cap, sizeof *lo[ph]);
			hi[ph] = calloc(cap, sizeof *hi[ph]);
			if (lo[ph] == NULL || hi[ph] == NULL) {
				perror("bench_streams");
				exit(1);
			}
		}
		for (i = 0; i < nstreams; i++) {
			out->missing += st[i].missing;
			out->twice += st[i].twice;
			out->reconnects += st[i].reconnects;
			if (st[i].fd >= 0)
				close(st[i].fd);
			for (k = 0; ok && k < out->events && k < nev; k++) {
				int64_t tk = ev_ticket[k];
				double at = st[i].at[k] + t0;
				const struct bn_issued *w;

				if (st[i].at[k] == 0 || tk <= 0 || tk > BN_MAX_ID)
					continue;
				ph = is.answered[tk] > 0 ? 0 : 1;
				w = ph == 0 ? &is : &paced;
				if (w->answered == NULL || w->answered[tk] == 0 || n[ph] == cap)
					continue;
				lo[ph][n[ph]] = at > w->answered[tk] ? at - w->answered[tk] : 0;
				hi[ph][n[ph]] = at - w->sent[tk];
				n[ph]++;
			}
			free(st[i].at);
		}
		for (ph = 0; ph < 2; ph++) {
			bn_pcts(lo[ph], n[ph], out->lo[ph]);
			bn_pcts(hi[ph], n[ph], out->hi[ph]);
			free(lo[ph]);
			free(hi[ph]);
		}
		free(ev_ticket);
		ev_ticket = NULL;
	}
	bn_issued_free(&paced);
	bn_issued_free(&is);
out:
	hn_cleanup(&d, !ok);
	return ok ? 0 : -1;
}

#define FAN_EVENTS 3000
#define FAN_SNDBUF (16 << 10)    /* as the daemon's streams */

/* Accept n connections on ls (bounded: 30 s); -1 if they did not come. */
static int
fan_accept(int ls, int *fds, int n)
{
	struct pollfd p = { .fd = ls, .events = POLLIN };
	int i, one = 1, sndbuf = FAN_SNDBUF;

	for (i = 0; i < n; i++) {
		if (poll(&p, 1, 30000) != 1 || (fds[i] = accept(ls, NULL, NULL)) < 0)
			return -1;
		fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
		setsockopt(fds[i], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
		setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	return 0;
}

/*
 * The ceiling: FAN_EVENTS events of evbytes each to every stream, written
 * as fast as the sockets take them; *evps events a second through all of
 * them, *mbs MB/s read in all.  0 or -1.
 */
static int
run_fanout(int evbytes, double *evps, double *mbs)
{
	static int fds[MAX_STREAMS];
	static size_t off[MAX_STREAMS];
	struct reader rd[READERS];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	struct epoll_event ev, evs[256];
	struct pollfd none;
	char *text, pad[256];
	size_t len = 0, cap;
	int ls, ep, i, k, n, nr, left, one = 1, ok = -1;
	double t1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(ls, 4096) != 0 || getsockname(ls, (struct sockaddr *)&sa, &sl) != 0) {
		perror("bench_streams: fan-out listener");
		return -1;
	}
	port = ntohs(sa.sin_port);
	/* The text: a head, the retry line, then events of evbytes bytes. */
	cap = 64 + (size_t)FAN_EVENTS * (size_t)(evbytes + 64);
	text = malloc(cap);
	len = (size_t)snprintf(text, cap, "HTTP/1.0 200 OK\r\n\r\nretry: 2000\n\n");
	for (i = 1; i <= FAN_EVENTS; i++) {
		int m = snprintf(text + len, cap - len, "id: %d\nevent: issued\ndata: "
		    "{\"id\":%d,\"type\":\"issued\",\"ticket\":%d,\"pad\":\"\"}\n\n", i, i, i);
		int want = evbytes - m;

		if (want > 0) {      /* pad the data to the daemon's event size */
			memset(pad, 'x', (size_t)(want < 255 ? want : 255));
			pad[want < 255 ? want : 255] = '\0';
			m = snprintf(text + len, cap - len, "id: %d\nevent: issued\ndata: "
			    "{\"id\":%d,\"type\":\"issued\",\"ticket\":%d,\"pad\":\"%s\"}\n\n",
			    i, i, i, pad);
		}
		len += (size_t)m;
	}
	first = 0;
	streams_reset(FAN_EVENTS + 64);
	t0 = hn_now_ms();
	stop = 0;
	nr = readers_start(rd);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (fan_accept(ls, fds, nstreams) != 0) {
		fprintf(stderr, "bench_streams: fan-out: the streams did not connect\n");
		goto stop;
	}
	t1 = hn_now_ms();
	for (i = 0; i < nstreams; i++) {
		off[i] = 0;
		ev.events = EPOLLOUT | EPOLLET;
		ev.data.u32 = (uint32_t)i;
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	for (left = nstreams; left > 0;) {
		if ((n = epoll_wait(ep, evs, 256, 30000)) <= 0)
			break;
		for (k = 0; k < n; k++) {
			ssize_t w;

			i = (int)evs[k].data.u32;
			while (off[i] < len && (w = write(fds[i], text + off[i], len - off[i])) > 0)
				off[i] += (size_t)w;
			if (off[i] == len) {
				epoll_ctl(ep, EPOLL_CTL_DEL, fds[i], NULL);
				left--;
			}
		}
	}
	for (i = 0; i < 3000 && behind(FAN_EVENTS) > 0; i++)
		poll(&none, 0, 10);
	if (left == 0 && behind(FAN_EVENTS) == 0) {
		double secs = (hn_now_ms() - t1) / 1000.0;

		*evps = FAN_EVENTS / secs;
		*mbs = (double)len * nstreams / 1e6 / secs;
		ok = 0;
	} else
		fprintf(stderr, "bench_streams: fan-out: %d streams not done\n", left);
stop:
	readers_stop(rd, nr);
	for (i = 0; i < nstreams; i++) {
		if (st[i].fd >= 0)
			close(st[i].fd);
		if (fds[i] > 0)
			close(fds[i]);
		fds[i] = -1;
		free(st[i].at);
	}
	free(ev_ticket);
	ev_ticket = NULL;
	free(text);
	close(ep);
	close(ls);
	return ok;
}

static int
cmp_rate(const void *a, const void *b)
{
	const struct round *x = a, *y = b;

	return x->rate < y->rate ? -1 : x->rate > y->rate;
}

int
main(int argc, char **argv)
{
	static struct round none[MAX_ROUNDS], with[MAX_ROUNDS];
	int nclients = 16, tickets = 3000, rounds = 3, i, ph;
	long missing = 0, twice = 0, reconnects = 0, late = 0, connfail = 0;
	double ratio[MAX_ROUNDS], lat[2][4][MAX_ROUNDS], maxlat[2][2] = { { 0 } };

	{
		const struct bn_opt opts[] = { { 's', &nstreams, MAX_STREAMS },
		    { 'c', &nclients, 256 }, { 't', &tickets, 100000 },
		    { 'r', &rounds, MAX_ROUNDS } };

		if (bn_getopts(argc, argv, opts, 4,
		    "bench_streams [-s STREAMS] [-c CLIENTS] [-t TICKETS] [-r ROUNDS]") != 0)
			return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	hn_raise_nofile();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (i = 0; i < rounds; i++) {
		if (run_round(0, nclients, tickets, &none[i]) != 0 ||
		    run_round(1, nclients, tickets, &with[i]) != 0) {
			curl_global_cleanup();
			return 1;
		}
		ratio[i] = with[i].rate / none[i].rate;
		for (ph = 0; ph < 2; ph++) {
			lat[ph][0][i] = with[i].lo[ph][0];
			lat[ph][1][i] = with[i].hi[ph][0];
			lat[ph][2][i] = with[i].lo[ph][1];
			lat[ph][3][i] = with[i].hi[ph][1];
			if (with[i].lo[ph][2] > maxlat[ph][0])
				maxlat[ph][0] = with[i].lo[ph][2];
			if (with[i].hi[ph][2] > maxlat[ph][1])
				maxlat[ph][1] = with[i].hi[ph][2];
		}
		missing += with[i].missing;
		twice += with[i].twice;
		reconnects += with[i].reconnects;
		late += with[i].late;
		connfail += with[i].connfail;
		printf("bench streams: round %d: %d clients, %d tickets: %.0f/s with no stream "
		    "(daemon CPU %.3f ms a ticket), %.0f/s beside %d reading streams (%.3f ms) "
		    "= %.2fx, the streams reading %.0f MB/s in all (%.0f bytes an event); "
		    "commit -> stream read p99 %.1f-%.1f ms flat out, %.1f-%.1f ms "
		    "at 100/s\n", i + 1, nclients, tickets, none[i].rate, none[i].cpu,
		    with[i].rate, nstreams, with[i].cpu, ratio[i], with[i].mbs,
		    with[i].evbytes, with[i].lo[0][1],
		    with[i].hi[0][1], with[i].lo[1][1], with[i].hi[1][1]);
	}
	qsort(none, (size_t)rounds, sizeof *none, cmp_rate);
	qsort(with, (size_t)rounds, sizeof *with, cmp_rate);
	qsort(ratio, (size_t)rounds, sizeof *ratio, bn_cmp_double);
	for (ph = 0; ph < 2; ph++)
		for (i = 0; i < 4; i++)
			qsort(lat[ph][i], (size_t)rounds, sizeof lat[ph][i][0], bn_cmp_double);
	printf("bench streams: %d clients issuing %d tickets: %.0f/s with no stream, %.0f/s "
	    "beside %d reading streams: %.2fx (%d rounds: %.2f-%.2f; goal >= 0.8)\n",
	    nclients, tickets, none[rounds / 2].rate, with[rounds / 2].rate, nstreams,
	    ratio[rounds / 2], rounds, ratio[0], ratio[rounds - 1]);
	{
		double evps = 0, mbs = 0, evpt = with[rounds / 2].evpt, most;

		if (run_fanout((int)(with[rounds / 2].evbytes + 0.5), &evps, &mbs) == 0 &&
		    evpt > 0) {
			most = evps / evpt;
			printf("bench streams: this machine's fan-out: %d loopback streams carry "
			    "%.0f events/s (%.0f MB/s read) from a plain loop holding every "
			    "event; at %.2f events a ticket that is %.0f tickets/s = %.2fx "
			    "the rate with no stream; beside the streams the daemon reached %.2f "
			    "of it\n", nstreams, evps, mbs, evpt, most,
			    most / none[rounds / 2].rate, with[rounds / 2].rate / most);
		}
	}
	printf("bench streams: every stream got every event: %s (%ld missing, %ld twice, "
	    "%ld not at the last event 30 s on, %ld reconnects after a drop, %ld failed "
	    "connects)\n", missing == 0 && twice == 0 && late == 0 && connfail == 0 ?
	    "yes" : "NO", missing, twice, late, reconnects, connfail);
	for (ph = 0; ph < 2; ph++)
		printf("bench streams: commit -> stream read, %s, from the answer (lower "
		    "bound) / from the request (upper bound): p50 %.1f / %.1f ms, p99 %.1f / "
		    "%.1f ms (rounds' median; p99 %.1f-%.1f / %.1f-%.1f), max %.1f / %.1f ms; "
		    "goal p99 < 50 ms\n", ph == 0 ? "issuing flat out" :
		    "4 clients issuing 100 tickets/s", lat[ph][0][rounds / 2],
		    lat[ph][1][rounds / 2], lat[ph][2][rounds / 2], lat[ph][3][rounds / 2],
		    lat[ph][2][0], lat[ph][2][rounds - 1], lat[ph][3][0],
		    lat[ph][3][rounds - 1], maxlat[ph][0], maxlat[ph][1]);
	curl_global_cleanup();
	return missing == 0 && twice == 0 && late == 0 && connfail == 0 ? 0 : 1;
}
