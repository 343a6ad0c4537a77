/*
 * sse.c - the event stream, GET /api/v1/events (Server-Sent Events), on a
 * thread of its own.
 *
 * The core thread reads each committed event from the store and formats it
 * once (api_events_committed); the text goes to the streams thread, which
 * keeps the last of them in a ring shared by every stream and writes them to
 * the streams' sockets.  So a thousand displays cost the core thread one
 * formatting an event, not a thousand writes.
 *
 * A stream's connection stays libmicrohttpd's, suspended, so it counts
 * against the server's limits (in all and per address) and the guard's; the
 * core thread answers the request's head itself, then lends the socket to
 * the streams thread, which writes the head and the events with writev
 * straight from the ring.  When the stream ends (the client went away, it
 * was dropped, the streams restart, the daemon stops) the streams thread
 * gives it back and the core thread resumes the connection, which
 * libmicrohttpd then closes.
 *
 * A client that (re)connects with a Last-Event-ID older than the ring is
 * lent back to the core thread, which reads what it missed from the store,
 * API_SSE_CATCHUP bytes at a time, as the client reads them: it gets exactly
 * what it missed.
 *
 * What a stream may hold is bounded: its socket's send buffer is set small
 * (API_SSE_SNDBUF), and a stream that has more than API_SSE_LAG_MAX bytes of
 * the ring still to send, or whose next event has left the ring, is dropped:
 * its connection is reset, and the client reconnects with its Last-Event-ID
 * and loses nothing.  The streams thread writes new events at most every
 * API_SSE_EVERY_MS, so under load the events of several commits go out in
 * one write per stream.
 *
 * Who owns a stream: the core thread while it answers the request and
 * while it reads a catch-up; the streams thread otherwise.  A stream changes
 * hands only through the two queues below, under the mutex.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/log.h"
#include "common/strnum.h"
#include "common/xmalloc.h"
#include "core/loop.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"

#define API_SSE_BATCH 64
#define API_SSE_CATCHUP 65536         /* bytes of one store read for a stream */
#define API_SSE_IOV 64                /* events of one write */
#define API_SSE_EPOLL_N 256
#define API_SSE_NICE 10                /* the streams thread's nice value */
#define API_SSE_BACK 8                /* streams given back, taken a turn */

/* The head of a stream's answer, then its first line. */
static const char sse_head[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n"
    "X-Accel-Buffering: no\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Connection: close\r\n"
    "\r\n";
static const char sse_retry[] = "retry: 2000\n\n";

/* One formatted event. */
struct sse_ent {
	int64_t id;
	char *text;
	size_t len;
	uint64_t pos;            /* bytes of the ring's events before this one */
};

/* The streams thread's ring of events. */
struct sse_ring {
	struct sse_ent *ent;     /* API_SSE_RING_N slots, oldest at head */
	size_t head, n;
	size_t bytes;            /* text held */
	int64_t last;            /* id of the newest event in (or before) the ring */
	uint64_t end;            /* pos after the newest */
};

enum sse_state {
	SSE_LIVE,                /* the streams thread's, writing */
	SSE_CATCHUP,             /* lent to the core thread for a store read */
	SSE_ENDED                /* given back: the connection is to be closed */
};

struct sse {
	struct MHD_Connection *conn;
	struct req *r;
	int fd;
	enum sse_state state;
	int64_t last_sent;       /* the last event id it was sent in full */
	size_t part;             /* bytes sent of the event after last_sent */
	char *buf;               /* its own text: head, retry, ping, catch-up */
	size_t len, off, cap;
	int in_ring;             /* it has reached the ring */
	int blocked;             /* its socket is full: wait for EPOLLOUT */
	int head_only;           /* HEAD: the head, then the end */
	unsigned epoch;          /* the streams' restart it began in */
	uint64_t start_end;      /* the ring's end when it began */
	struct sse *prev, *next;         /* the streams thread's list */
	struct sse *qnext;               /* a queue */
};

/* What the core thread sends the streams thread. */
enum sse_msg_kind { SSE_M_EVENT, SSE_M_STREAM, SSE_M_RESTART };

struct sse_msg {
	enum sse_msg_kind kind;
	int64_t id;              /* EVENT: its id */
	char *text;              /* EVENT: its text */
	size_t len;
	struct sse *s;           /* STREAM: a stream, new or back from the store */
	struct sse_msg *next;
};

struct sse_streams {
	pthread_t th;
	pthread_mutex_t mu;
	/* under mu */
	struct sse_msg *in_head, *in_tail;       /* to the streams thread */
	struct sse *out_head, *out_tail;         /* to the core thread */
	int stop;
	int in_fd, out_fd;       /* eventfds: wake the streams thread, the core */
	/* the core thread's */
	int64_t filled;          /* the newest event sent to the streams thread */
	int stopped;
	/* the streams thread's */
	int ep;
	struct sse_ring ring;
	struct sse *head;
	unsigned epoch;
	int dirty;               /* events not yet written */
	int64_t swept_ms, ping_ms;
};

/* ---- both threads ---- */

static void
sse_wake_fd(int fd)
{
	uint64_t one = 1;

	while (write(fd, &one, sizeof one) < 0 && errno == EINTR)
		;
}

static void
sse_drain_fd(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof n) < 0 && errno == EINTR)
		;
}

static void
sse_append(struct sse *s, const char *text, size_t n)
{
	xappend(&s->buf, &s->len, &s->cap, text, n);
}

/* To the core thread: s ended, or wants the store. */
static void
sse_give_back(struct sse_streams *t, struct sse *s, enum sse_state state)
{
	int was_empty;

	s->state = state;
	s->qnext = NULL;
	pthread_mutex_lock(&t->mu);
	was_empty = t->out_head == NULL;
	if (t->out_tail != NULL)
		t->out_tail->qnext = s;
	else
		t->out_head = s;
	t->out_tail = s;
	pthread_mutex_unlock(&t->mu);
	if (was_empty)
		sse_wake_fd(t->out_fd);
}

/* To the streams thread: a list of messages. */
static void
sse_send(struct sse_streams *t, struct sse_msg *first, struct sse_msg *last)
{
	int was_empty;

	pthread_mutex_lock(&t->mu);
	was_empty = t->in_head == NULL;
	if (t->in_tail != NULL)
		t->in_tail->next = first;
	else
		t->in_head = first;
	t->in_tail = last;
	pthread_mutex_unlock(&t->mu);
	if (was_empty)
		sse_wake_fd(t->in_fd);
}

/* ---- the streams thread ---- */

static struct sse_ent *
sse_at(struct sse_ring *g, size_t i)
{
	return &g->ent[(g->head + i) % API_SSE_RING_N];
}

static void
sse_push(struct sse_ring *g, int64_t id, char *text, size_t len)
{
	struct sse_ent *e;

	while (g->n > 0 && (g->n == API_SSE_RING_N || g->bytes + len > API_SSE_RING_BYTES)) {
		e = sse_at(g, 0);
		g->bytes -= e->len;
		free(e->text);
		e->text = NULL;
		g->head = (g->head + 1) % API_SSE_RING_N;
		g->n--;
	}
	e = sse_at(g, g->n);
	e->id = id;
	e->text = text;
	e->len = len;
	e->pos = g->end;
	g->n++;
	g->bytes += len;
	g->end += len;
	g->last = id;
}

/*
 * Index in the ring of the first event after id: 0..n (n: none yet), or -1
 * when events after id have already left the ring.
 */
static long
sse_find(const struct sse_ring *g, int64_t id)
{
	size_t lo = 0, hi = g->n;

	if (id >= g->last)
		return (long)g->n;
	if (g->n == 0 || g->ent[g->head].id > id + 1)
		return -1;
	while (lo < hi) {           /* first entry with its id > id */
		size_t mid = (lo + hi) / 2;

		if (g->ent[(g->head + mid) % API_SSE_RING_N].id <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo;
}

/* The stream leaves the streams thread: out of its list and its epoll. */
static void
sse_unlink(struct sse_streams *t, struct sse *s)
{
	epoll_ctl(t->ep, EPOLL_CTL_DEL, s->fd, NULL);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		t->head = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

static void
sse_end(struct sse_streams *t, struct sse *s)
{
	sse_unlink(t, s);
	sse_give_back(t, s, SSE_ENDED);
}

/* Drop the stream: reset, so the client sees the end and reconnects. */
static void
sse_drop(struct sse_streams *t, struct sse *s)
{
	/* Reset, not FIN: a FIN would wait behind the data the client does
	   not read, and the socket would outlive the connection. */
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	log_debug("event stream: a client %" PRId64 " events behind dropped",
	    t->ring.last - s->last_sent);
	setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	shutdown(s->fd, SHUT_RDWR);
	sse_end(t, s);
}

/*
 * How far s has fallen behind: the bytes of the ring committed since it
 * began that it has still to send (its next event, index i, is in the
 * ring).  What was already in the ring when it began is what it missed
 * (a reconnect's Last-Event-ID), not lag.
 */
static uint64_t
sse_lag(const struct sse_ring *g, const struct sse *s, long i)
{
	uint64_t next;

	if ((size_t)i == g->n)
		return 0;
	next = g->ent[(g->head + (size_t)i) % API_SSE_RING_N].pos + s->part;
	return g->end - (next > s->start_end ? next : s->start_end);
}

/*
 * Write what s has to send: its own buffer, then the ring from the event
 * after last_sent, until the socket is full or nothing is left.  It may end
 * the stream, drop it or lend it to the core thread for the store.
 */
static void
sse_flush(struct sse_streams *t, struct sse *s)
{
	struct sse_ring *g = &t->ring;
	struct iovec iov[API_SSE_IOV + 1];
	ssize_t w;
	size_t k, n, take;
	long i;
	int niov;

	while (!s->blocked) {
		niov = 0;
		if (s->off < s->len) {
			iov[niov].iov_base = s->buf + s->off;
			iov[niov++].iov_len = s->len - s->off;
		}
		if (s->head_only) {
			if (niov == 0) {
				sse_end(t, s);
				return;
			}
			i = (long)g->n;
		} else if ((i = sse_find(g, s->last_sent)) < 0) {
			if (niov > 0)
				i = (long)g->n;      /* its own text first */
			else if (s->in_ring) {
				sse_drop(t, s);      /* its next event left the ring */
				return;
			} else {
				/* Behind the ring: the core thread reads the store. */
				sse_unlink(t, s);
				sse_give_back(t, s, SSE_CATCHUP);
				return;
			}
		} else if (niov == 0)
			s->in_ring = 1;
		for (k = (size_t)i; k < g->n && niov < API_SSE_IOV + 1; k++) {
			struct sse_ent *e = sse_at(g, k);
			size_t skip = k == (size_t)i ? s->part : 0;

			iov[niov].iov_base = e->text + skip;
			iov[niov++].iov_len = e->len - skip;
		}
		if (niov == 0)
			return;                  /* all sent */
		w = writev(s->fd, iov, niov);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				s->blocked = 1;
				break;
			}
			sse_end(t, s);           /* the client has gone */
			return;
		}
		n = (size_t)w;
		if (s->off < s->len) {
			take = s->len - s->off < n ? s->len - s->off : n;
			s->off += take;
			n -= take;
			if (s->off == s->len)
				s->off = s->len = 0;
		}
		for (k = (size_t)i; n > 0 && k < g->n; k++) {
			struct sse_ent *e = sse_at(g, k);

			take = e->len - s->part < n ? e->len - s->part : n;
			s->part += take;
			n -= take;
			if (s->part < e->len)
				break;
			s->part = 0;
			s->last_sent = e->id;
		}
	}
	/* The socket is full: drop the stream once too far behind. */
	if (!s->head_only && s->in_ring) {
		i = sse_find(g, s->last_sent);
		if (i < 0 || sse_lag(g, s, i) > API_SSE_LAG_MAX)
			sse_drop(t, s);
	}
}

/* A stream arrives: new, or back from the core thread with what it read. */
static void
sse_adopt(struct sse_streams *t, struct sse *s)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
	    .data.ptr = s };

	if (s->state == SSE_ENDED || (s->state == SSE_CATCHUP && s->epoch != t->epoch)) {
		sse_give_back(t, s, SSE_ENDED);  /* the store failed; a restart */
		return;
	}
	if (s->state == SSE_LIVE) {
		s->epoch = t->epoch;
		s->start_end = t->ring.end;
	}
	s->state = SSE_LIVE;
	s->blocked = 0;
	if (epoll_ctl(t->ep, EPOLL_CTL_ADD, s->fd, &ev) != 0) {
		log_warn("event stream: epoll_ctl");
		sse_give_back(t, s, SSE_ENDED);
		return;
	}
	s->next = t->head;
	if (s->next != NULL)
		s->next->prev = s;
	s->prev = NULL;
	t->head = s;
	sse_flush(t, s);
}

/* End every stream (the streams restart, or the thread stops). */
static void
sse_end_all(struct sse_streams *t)
{
	while (t->head != NULL)
		sse_end(t, t->head);
	t->epoch++;
}

/* Take the core thread's messages; 1 when it says stop. */
static int
sse_take(struct sse_streams *t)
{
	struct sse_msg *m, *next;
	int stop;

	sse_drain_fd(t->in_fd);
	pthread_mutex_lock(&t->mu);
	m = t->in_head;
	t->in_head = t->in_tail = NULL;
	stop = t->stop;
	pthread_mutex_unlock(&t->mu);
	for (; m != NULL; m = next) {
		next = m->next;
		switch (m->kind) {
		case SSE_M_EVENT:
			sse_push(&t->ring, m->id, m->text, m->len);
			t->dirty = 1;
			break;
		case SSE_M_STREAM:
			sse_adopt(t, m->s);
			break;
		case SSE_M_RESTART:
			sse_end_all(t);
			break;
		}
		free(m);
	}
	return stop;
}

static void
sse_ping_all(struct sse_streams *t)
{
	struct sse *s, *next;

	for (s = t->head; s != NULL; s = next) {
		next = s->next;
		if (s->off == s->len && s->part == 0 && !s->blocked) {
			sse_append(s, ": ping\n\n", 8);
			sse_flush(t, s);
		}
	}
}

static void
sse_sweep(struct sse_streams *t)
{
	struct sse *s, *next;

	t->dirty = 0;
	for (s = t->head; s != NULL; s = next) {
		next = s->next;              /* s may leave the list */
		sse_flush(t, s);
	}
}

static void
sse_on_socket(struct sse_streams *t, struct sse *s, uint32_t events)
{
	char junk[512];
	ssize_t n;

	if (events & EPOLLIN) {
		/* A stream's client has nothing to say: what it sends is
		   dropped, and its end ends the stream. */
		while ((n = recv(s->fd, junk, sizeof junk, 0)) > 0)
			;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			sse_end(t, s);
			return;
		}
	}
	if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		sse_end(t, s);
		return;
	}
	if (events & EPOLLOUT) {
		s->blocked = 0;
		sse_flush(t, s);
	}
}

static void *
sse_main(void *arg)
{
	struct sse_streams *t = arg;
	struct epoll_event evs[API_SSE_EPOLL_N];
	int64_t now, wait;
	int i, n, stop = 0;

	/* Under load the commands come first: the core thread's answers
	   before the displays' events (Linux sets a thread's nice value). */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), API_SSE_NICE) != 0)
		log_debug("event stream: setpriority: %s", strerror(errno));
	t->swept_ms = t->ping_ms = loop_now_ms();
	while (!stop) {
		now = loop_now_ms();
		wait = t->ping_ms + API_PING_MS - now;
		if (t->dirty && t->swept_ms + API_SSE_EVERY_MS - now < wait)
			wait = t->swept_ms + API_SSE_EVERY_MS - now;
		if (wait < 0)
			wait = 0;
		n = epoll_wait(t->ep, evs, API_SSE_EPOLL_N, (int)(wait > INT_MAX ? INT_MAX : wait));
		if (n < 0 && errno != EINTR)
			fatal("event stream: epoll_wait");
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL)
				stop |= sse_take(t);
			else
				sse_on_socket(t, evs[i].data.ptr, evs[i].events);
		}
		now = loop_now_ms();
		if (t->dirty && now - t->swept_ms >= API_SSE_EVERY_MS) {
			t->swept_ms = now;
			sse_sweep(t);
		}
		if (now - t->ping_ms >= API_PING_MS) {
			t->ping_ms = now;
			sse_ping_all(t);
		}
	}
	sse_end_all(t);
	return NULL;
}

/* ---- the core thread ---- */

/* "id: ...\nevent: ...\ndata: ...\n\n" of ev (malloc'd, *len set). */
static char *
sse_format(const struct config *cfg, const struct engine_event *ev, size_t *len)
{
	cJSON *o = apijson_event(cfg, ev);
	char *data = apijson_print(o), *line;
	int n = xasprintf(&line, "id: %" PRId64 "\nevent: %s\ndata: %s\n\n",
	    ev->id, engine_event_name(ev->type), data);

	free(data);
	cJSON_Delete(o);
	*len = (size_t)n;
	return line;
}

/*
 * Read up to max events after *after (to upto at most) from the store and
 * give each's text to fn; *after becomes the last one read.  Returns the
 * bytes given, or -1 when the store failed.
 */
static long
sse_read_store(api *a, int64_t *after, int64_t upto, size_t max_bytes,
    void (*fn)(void *, int64_t, char *, size_t), void *arg)
{
	const struct config *cfg = core_config(a->core);
	struct engine_event evs[API_SSE_BATCH];
	size_t bytes = 0;
	int i, n;

	while (*after < upto && bytes < max_bytes) {
		n = store_events_after(core_store(a->core), *after, evs, API_SSE_BATCH);
		if (n <= 0) {
			if (n < 0) {
				log_warnx("event stream: %s", store_errmsg(core_store(a->core)));
				return -1;
			}
			break;
		}
		for (i = 0; i < n && evs[i].id <= upto; i++) {
			size_t len;
			char *text = sse_format(cfg, &evs[i], &len);

			fn(arg, evs[i].id, text, len);
			bytes += len;
			*after = evs[i].id;
		}
		if (i < n)
			break;
	}
	return (long)bytes;
}

struct sse_batch {
	struct sse_msg *first, *last;
};

static void
sse_batch_add(void *arg, int64_t id, char *text, size_t len)
{
	struct sse_batch *b = arg;
	struct sse_msg *m = xcalloc(1, sizeof *m);

	m->kind = SSE_M_EVENT;
	m->id = id;
	m->text = text;
	m->len = len;
	if (b->last != NULL)
		b->last->next = m;
	else
		b->first = m;
	b->last = m;
}

/* Send the streams thread the events committed since the last time. */
static void
sse_fill(api *a)
{
	struct sse_streams *t = a->streams;
	struct sse_batch b = { NULL, NULL };

	(void)sse_read_store(a, &t->filled, core_committed_event_id(a->core), SIZE_MAX,
	    sse_batch_add, &b);          /* what it read, even if it failed later */
	if (b.first != NULL)
		sse_send(t, b.first, b.last);
}

static void
sse_catchup_add(void *arg, int64_t id, char *text, size_t len)
{
	struct sse *s = arg;

	(void)id;
	sse_append(s, text, len);
	free(text);
}

static void
sse_free(api *a, struct sse *s)
{
	a->sse_count--;
	s->r->stream_done = 1;
	MHD_resume_connection(s->conn);
	free(s->buf);
	free(s);
}

/*
 * The streams given back: close the ended, read the store for the behind;
 * API_SSE_BACK of them a loop turn, so that a thousand dropped at once do
 * not hold the commands back.
 */
static void
sse_on_back(int fd, short revents, void *arg)
{
	api *a = arg;
	struct sse_streams *t = a->streams;
	struct sse *s, *next;
	int n;

	(void)revents;
	sse_drain_fd(fd);
	pthread_mutex_lock(&t->mu);
	s = t->out_head;
	for (n = 1; s != NULL && s->qnext != NULL && (n < API_SSE_BACK || t->stopped); n++)
		s = s->qnext;
	next = s;
	s = t->out_head;
	if (next == NULL || next->qnext == NULL)
		t->out_head = t->out_tail = NULL;
	else {
		t->out_head = next->qnext;
		next->qnext = NULL;
		sse_wake_fd(t->out_fd);          /* the rest next turn */
	}
	pthread_mutex_unlock(&t->mu);
	for (; s != NULL; s = next) {
		next = s->qnext;
		if (s->state == SSE_CATCHUP && !t->stopped) {
			struct sse_msg *m = xcalloc(1, sizeof *m);
			long got = sse_read_store(a, &s->last_sent, t->filled,
			    API_SSE_CATCHUP, sse_catchup_add, s);

			if (got < 0 && s->len == 0)
				s->state = SSE_ENDED;    /* it reconnects, tries again */
			else if (got == 0)
				s->last_sent = t->filled;        /* none in the store */
			m->kind = SSE_M_STREAM;
			m->s = s;
			sse_send(t, m, m);
		} else
			sse_free(a, s);
	}
}

/* New events are committed: send them to the streams thread. */
void
api_events_committed(api *a)
{
	if (a->streams->filled < core_committed_event_id(a->core))
		sse_fill(a);
}

/* End every stream: the clients reconnect (and reload the state). */
void
api_sse_restart(api *a)
{
	struct sse_msg *m = xcalloc(1, sizeof *m);

	m->kind = SSE_M_RESTART;
	sse_send(a->streams, m, m);
}

void
api_sse_init(api *a)
{
	struct sse_streams *t = xcalloc(1, sizeof *t);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	int rc;

	t->filled = core_committed_event_id(a->core);
	t->ring.last = t->filled;
	t->ring.ent = xcalloc(API_SSE_RING_N, sizeof *t->ring.ent);
	pthread_mutex_init(&t->mu, NULL);
	if ((t->in_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0 ||
	    (t->out_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0 ||
	    (t->ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    epoll_ctl(t->ep, EPOLL_CTL_ADD, t->in_fd, &ev) != 0)
		fatal("event stream: eventfd/epoll");
	if ((rc = pthread_create(&t->th, NULL, sse_main, t)) != 0) {
		errno = rc;
		fatal("event stream: pthread_create");
	}
	a->streams = t;
	loop_add_fd(a->loop, t->out_fd, POLLIN, sse_on_back, a);
}

/*
 * Stop the streams thread and give every stream back (api_stop, before the
 * server's last turns close their connections).
 */
void
api_sse_stop(api *a)
{
	struct sse_streams *t = a->streams;

	if (t == NULL || t->stopped)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = 1;
	pthread_mutex_unlock(&t->mu);
	sse_wake_fd(t->in_fd);
	pthread_join(t->th, NULL);
	t->stopped = 1;
	/* A stream lent for the store and sent back after the thread's last
	   look: it is in the queue still. */
	sse_take(t);
	sse_end_all(t);
	sse_on_back(t->out_fd, POLLIN, a);
}

/* Free what is left (api_stop, after the server has closed the streams). */
void
api_sse_fini(api *a)
{
	struct sse_streams *t = a->streams;
	struct sse_ring *g;
	size_t i;

	if (t == NULL)
		return;
	api_sse_stop(a);
	loop_del_fd(a->loop, t->out_fd);
	g = &t->ring;
	for (i = 0; i < g->n; i++)
		free(sse_at(g, i)->text);
	free(g->ent);
	close(t->ep);
	close(t->in_fd);
	close(t->out_fd);
	pthread_mutex_destroy(&t->mu);
	free(t);
	a->streams = NULL;
}

enum MHD_Result
api_events(struct req *r)
{
	const union MHD_ConnectionInfo *ci;
	struct sse_streams *t = r->a->streams;
	struct sse_msg *m;
	const char *h;
	struct sse *s;
	long long last = -1;
	int sndbuf = API_SSE_SNDBUF, on = 1, off = 0;

	h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
	if (h == NULL)
		h = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "last_event_id");
	if (h != NULL && strnum_parse(h, 0, INT64_MAX, &last) != 0) {
		api_error(r, 400, "bad_value", "Last-Event-ID không hợp lệ.");
		return MHD_NO;
	}
	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (t->stopped || ci == NULL) {
		api_error(r, 503, "busy", "Máy chủ đang dừng.");
		return MHD_NO;
	}
	api_events_committed(r->a);
	s = xcalloc(1, sizeof *s);
	s->conn = r->conn;
	s->r = r;
	s->fd = ci->connect_fd;
	s->state = SSE_LIVE;
	s->last_sent = last >= 0 ? last : t->filled;
	if (s->last_sent > t->filled)
		s->last_sent = t->filled;      /* an id from the future */
	s->head_only = strcmp(r->method, "HEAD") == 0;
	sse_append(s, sse_head, sizeof sse_head - 1);
	if (!s->head_only)
		sse_append(s, sse_retry, sizeof sse_retry - 1);
	/* What the kernel holds for a client that does not read is bounded
	   too; and each write goes out at once (they are whole events). */
	setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	setsockopt(s->fd, IPPROTO_TCP, TCP_CORK, &off, sizeof off);
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	r->a->sse_count++;
	r->phase = REQ_STREAM;
	/* The connection stays the server's, suspended; its socket is the
	   streams thread's until it gives the stream back. */
	MHD_suspend_connection(r->conn);
	m = xcalloc(1, sizeof *m);
	m->kind = SSE_M_STREAM;
	m->s = s;
	sse_send(t, m, m);
	return MHD_YES;
}
