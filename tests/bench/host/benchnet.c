/*
 * benchnet.c - the benchmarks' lean HTTP client (benchnet.h).  It trusts
 * the daemon it started only as far as the buffer: a header block or body
 * larger than BN_MAX is an error, and Content-Length is parsed strictly.
 */
#include "benchnet.h"

#include <pthread.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../integration/host/harness.h"

#define BN_MAX (4u << 20)       /* headers + body of one answer at most */

int
bn_tcp(const char *src, int port, int rcvbuf)
{
	int one = 1, fd = hn_tcp_from(src, port, rcvbuf, 1);

	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* Wait (5 s at most) until fd's connect is done; 0 or -1. */
static int
bn_connected(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof err;

	if (poll(&p, 1, 5000) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)
		return -1;
	return 0;
}

int
bn_open(struct bn_conn *c, const char *src, int port)
{
	int fd;

	c->fd = -1;
	if (c->buf == NULL) {
		c->cap = 65536;
		if ((c->buf = malloc(c->cap)) == NULL)
			return -1;
	}
	if (src != c->src)
		snprintf(c->src, sizeof c->src, "%s", src);
	c->port = port;
	c->len = 0;
	if ((fd = bn_tcp(src, port, 0)) < 0)
		return -1;
	if (bn_connected(fd) != 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		close(fd);
		return -1;
	}
	c->fd = fd;
	return 0;
}

void
bn_close(struct bn_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

/* The value of header name in the header block h (NUL-terminated), or NULL. */
static const char *
bn_header(const char *h, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = strstr(h, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n"))
		if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':')
			return p + 3 + n + strspn(p + 3 + n, " ");
	return NULL;
}

/* Read more into c->buf (growing it up to BN_MAX); 0 or -1 (closed, error). */
static int
bn_fill(struct bn_conn *c)
{
	ssize_t n;

	if (c->len + 1 >= c->cap) {
		char *p;

		if (c->cap >= BN_MAX || (p = realloc(c->buf, c->cap * 2)) == NULL)
			return -1;
		c->buf = p;
		c->cap *= 2;
	}
	do
		n = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	return 0;
}

/* One try of bn_req on the open connection; -2 when it was found closed
 * before any answer byte (the caller reconnects). */
static long
bn_try(struct bn_conn *c, const char *req, size_t reqlen, const char **answer)
{
	size_t off = 0, hlen, blen;
	const char *end, *cl;
	char *e;
	long status;
	unsigned long long v;

	while (off < reqlen) {
		ssize_t n = send(c->fd, req + off, reqlen - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -2;
		off += (size_t)n;
	}
	c->len = 0;
	c->buf[0] = '\0';
	while ((end = strstr(c->buf, "\r\n\r\n")) == NULL)
		if (bn_fill(c) != 0)
			return c->len == 0 ? -2 : -1;
	hlen = (size_t)(end - c->buf) + 4;
	if (strncmp(c->buf, "HTTP/1.", 7) != 0 || c->len < 12)
		return -1;
	status = strtol(c->buf + 9, &e, 10);
	if (e != c->buf + 12 || status < 100 || status > 599)
		return -1;
	c->buf[hlen - 2] = '\0';             /* the header block alone */
	cl = bn_header(c->buf, "Content-Length");
	if (cl == NULL)
		return -1;                       /* every answer but a stream has one */
	errno = 0;
	v = strtoull(cl, &e, 10);
	if (errno != 0 || e == cl || (*e != '\r' && *e != '\0') || v > BN_MAX)
		return -1;
	blen = (size_t)v;
	c->buf[hlen - 2] = '\r';
	while (c->len < hlen + blen)
		if (bn_fill(c) != 0)
			return -1;
	/* Keep-alive: nothing else is sent before this answer is read whole. */
	memmove(c->buf, c->buf + hlen, blen);
	c->buf[blen] = '\0';
	c->len = 0;
	if (answer != NULL)
		*answer = c->buf;
	return status;
}

long
bn_req(struct bn_conn *c, const char *method, const char *path,
    const char *token, const char *body, const char **answer)
{
	char req[1024];
	size_t blen = body != NULL ? strlen(body) : 0;
	int n, tries;
	long st = -1;

	n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: bench\r\n%s%s%s"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	    method, path, token != NULL ? "Authorization: Bearer " : "",
	    token != NULL ? token : "", token != NULL ? "\r\n" : "", blen,
	    body != NULL ? body : "");
	if (n < 0 || (size_t)n >= sizeof req)
		return -1;
	for (tries = 0; tries < 2; tries++) {
		if (c->fd < 0 && bn_open(c, c->src, c->port) != 0)
			return -1;
		if ((st = bn_try(c, req, (size_t)n, answer)) != -2)
			break;
		close(c->fd);         /* closed while idle: once more, anew */
		c->fd = -1;
	}
	return st < 0 ? -1 : st;
}

int
bn_stream_open(const char *src, int port, const char *token, int rcvbuf, int64_t last)
{
	char req[512];
	int fd = bn_tcp(src, port, rcvbuf), n;

	if (fd < 0)
		return -1;
	if (last > 0)
		n = snprintf(req, sizeof req, "GET /api/v1/events HTTP/1.0\r\nHost: b\r\n"
		    "Authorization: Bearer %s\r\nLast-Event-ID: %lld\r\n\r\n", token,
		    (long long)last);
	else
		n = snprintf(req, sizeof req, "GET /api/v1/events HTTP/1.0\r\nHost: b\r\n"
		    "Authorization: Bearer %s\r\n\r\n", token);
	if (n < 0 || (size_t)n >= sizeof req || bn_connected(fd) != 0 ||
	    write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return fd;
}

double
bn_cpu_ms(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, stt = 0;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After "(comm)": state is field 3, utime 14, stime 15. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	    &ut, &stt) != 2 || hz <= 0)
		return 0;
	return (double)(ut + stt) * 1000.0 / (double)hz;
}

/* ---- issuing ------------------------------------------------------------ */

#define BN_MAX_Q 128
#define BN_MAX_CLIENTS 256

static int bn_nqueues;
static char bn_queues[BN_MAX_Q][32];

/* calloc or exit: a bench without memory has nothing to tell. */
static void *
bn_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL) {
		perror("bench");
		exit(1);
	}
	return p;
}

int
bn_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void
bn_pcts(double *v, size_t n, double out[3])
{
	if (n == 0) {
		out[0] = out[1] = out[2] = 0;
		return;
	}
	qsort(v, n, sizeof *v, bn_cmp_double);
	out[0] = v[n / 2];
	out[1] = v[(size_t)((double)n * 0.99)];
	out[2] = v[n - 1];
}

int64_t
bn_last_event(int port)
{
	struct hn_http h;
	cJSON *o = NULL;
	int64_t id;

	hn_http_init(&h, port, NULL);
	hn_req(&h, "GET", "/healthz", NULL, &o);
	id = (int64_t)hn_num(o, "last_event_id", -1);
	cJSON_Delete(o);
	hn_http_free(&h);
	return id;
}

int
bn_learn_queues(int port, const char *token)
{
	struct hn_http h;
	cJSON *st = NULL;
	const cJSON *it;
	const char *s;

	bn_nqueues = 0;
	hn_http_init(&h, port, token);
	if (hn_req(&h, "GET", "/api/v1/state", NULL, &st) == 200)
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "queues"))
			if ((s = hn_str(it, "code")) != NULL && bn_nqueues < BN_MAX_Q)
				snprintf(bn_queues[bn_nqueues++], sizeof bn_queues[0], "%s", s);
	cJSON_Delete(st);
	hn_http_free(&h);
	return bn_nqueues > 0 ? 0 : -1;
}

struct bn_client {
	pthread_t th;
	struct bn_conn c;
	const char *token;
	int q;                    /* the next queue */
	double *lat;
	size_t nlat;
	long failed;
	struct bn_issued *out;
	int every_ms;             /* pace (0: none) */
	int *remaining;           /* tickets still to issue (shared, under mu) */
	pthread_mutex_t *mu;
};

/* One more ticket to issue?  (The shared budget.) */
static int
bn_take(struct bn_client *c)
{
	int ok;

	pthread_mutex_lock(c->mu);
	ok = *c->remaining > 0;
	*c->remaining -= ok;
	pthread_mutex_unlock(c->mu);
	return ok;
}

static void *
bn_client_main(void *arg)
{
	struct bn_client *c = arg;
	struct bn_issued *out = c->out;
	const char *ans, *p;
	char body[96];

	while (bn_take(c)) {
		double t0 = 0, t1;
		long st = 409, id;
		int tries;

		for (tries = 0; tries < bn_nqueues && st == 409; tries++) {
			snprintf(body, sizeof body, "{\"queue\":\"%s\"}", bn_queues[c->q]);
			t0 = hn_now_ms();
			st = bn_req(&c->c, "POST", "/api/v1/tickets", c->token, body, &ans);
			c->q = (c->q + 1) % bn_nqueues;
		}
		t1 = hn_now_ms();
		if (c->every_ms > 0 && t1 - t0 < c->every_ms) {
			struct pollfd none;

			poll(&none, 0, (int)(c->every_ms - (t1 - t0)));   /* the pace */
		}
		if (st != 201) {
			c->failed++;
			continue;
		}
		c->lat[c->nlat++] = t1 - t0;
		/* {"ticket":{"id":N,...: the first id is the ticket's. */
		if ((p = strstr(ans, "\"id\":")) != NULL &&
		    (id = strtol(p + 5, NULL, 10)) > 0 && id <= out->maxid) {
			out->sent[id] = t0;
			out->answered[id] = t1;
		}
	}
	return NULL;
}

int
bn_issue(int port, const char *token, int nclients, int tickets, int every_ms,
    struct bn_issued *out)
{
	static struct bn_client cl[BN_MAX_CLIENTS];
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	int i, remaining = tickets, rc = 0;
	double t0;

	memset(out, 0, sizeof *out);
	if (nclients > BN_MAX_CLIENTS || bn_nqueues == 0)
		return -1;
	out->maxid = BN_MAX_ID;
	out->sent = bn_calloc((size_t)out->maxid + 1, sizeof *out->sent);
	out->answered = bn_calloc((size_t)out->maxid + 1, sizeof *out->answered);
	out->lat = bn_calloc((size_t)tickets + 1, sizeof *out->lat);
	memset(cl, 0, sizeof cl);
	for (i = 0; i < nclients; i++) {
		char src[32];

		snprintf(src, sizeof src, "127.0.0.%d", 1 + i % 8);
		cl[i].token = token;
		cl[i].q = i % bn_nqueues;
		cl[i].out = out;
		cl[i].every_ms = every_ms;
		cl[i].remaining = &remaining;
		cl[i].mu = &mu;
		cl[i].lat = bn_calloc((size_t)tickets + 1, sizeof *cl[i].lat);
		if (bn_open(&cl[i].c, src, port) != 0)
			rc = -1;
	}
	t0 = hn_now_ms();
	for (i = 0; i < nclients && rc == 0; i++)
		pthread_create(&cl[i].th, NULL, bn_client_main, &cl[i]);
	for (i = 0; i < nclients && rc == 0; i++)
		pthread_join(cl[i].th, NULL);
	out->secs = (hn_now_ms() - t0) / 1000.0;
	for (i = 0; i < nclients; i++) {
		memcpy(out->lat + out->n, cl[i].lat, cl[i].nlat * sizeof *out->lat);
		out->n += cl[i].nlat;
		out->failed += cl[i].failed;
		free(cl[i].lat);
		bn_close(&cl[i].c);
	}
	qsort(out->lat, out->n, sizeof *out->lat, bn_cmp_double);
	return rc;
}

void
bn_issued_free(struct bn_issued *out)
{
	free(out->lat);
	free(out->sent);
	free(out->answered);
	memset(out, 0, sizeof *out);
}

int
bn_getopts(int argc, char **argv, const struct bn_opt *opts, int n, const char *usage)
{
	char spec[64], *end;
	size_t k = 0;
	long v;
	int ch, i;

	for (i = 0; i < n && k + 2 < sizeof spec; i++) {
		spec[k++] = (char)opts[i].letter;
		spec[k++] = ':';
	}
	spec[k] = '\0';
	while ((ch = getopt(argc, argv, spec)) != -1) {
		for (i = 0; i < n && opts[i].letter != ch; i++)
			;
		errno = 0;
		v = strtol(optarg != NULL ? optarg : "", &end, 10);
		if (i == n || errno != 0 || *end != '\0' || v < 1 || v > opts[i].max) {
			fprintf(stderr, "usage: %s\n", usage);
			return 2;
		}
		*opts[i].val = (int)v;
	}
	if (optind != argc) {
		fprintf(stderr, "usage: %s\n", usage);
		return 2;
	}
	return 0;
}
