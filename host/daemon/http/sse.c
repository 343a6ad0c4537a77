/*
 * sse.c - the event stream, GET /api/v1/events (Server-Sent Events).
 *
 * Each committed event is read from the store and formatted once, into a
 * ring of event text shared by every stream (api_events_committed).  A
 * stream is its last event id and how much of the next event it has sent;
 * its read callback copies from the ring straight into libmicrohttpd's
 * buffer, so a stream holds no event text of its own.  A client that
 * (re)connects with a Last-Event-ID older than the ring reads from the store
 * until it reaches the ring, so it gets exactly what it missed.
 *
 * What a stream may hold is bounded: its socket's send buffer is set small
 * (API_SSE_SNDBUF), and a stream that has more than API_SSE_LAG_MAX bytes of
 * the ring still to send, or whose next event has left the ring, is
 * dropped: its connection is reset, and the client reconnects with its
 * Last-Event-ID and loses nothing.  A client with nothing to read is
 * suspended until the next commit or the ping timer wakes it; a commit
 * wakes the streams a slice at a time (api_sse_sweep), after the answers,
 * at most every API_SSE_EVERY_MS and, under load, at most every
 * API_SSE_LOAD times as long as the last sweep took.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/log.h"
#include "common/strnum.h"
#include "common/xmalloc.h"
#include "core/loop.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"

#define API_SSE_BATCH 64
#define API_SSE_CATCHUP 65536         /* store reads of a stream behind the ring */

/* One formatted event in the ring. */
struct sse_ent {
	int64_t id;
	char *text;
	size_t len;
	uint64_t pos;            /* bytes of the ring's events before this one */
};

struct sse_ring {
	struct sse_ent *ent;     /* API_SSE_RING_N slots, oldest at head */
	size_t head, n;
	size_t bytes;            /* text held */
	int64_t last;            /* id of the newest event in (or before) the ring */
	uint64_t end;            /* pos after the newest */
};

/* "id: ...\nevent: ...\ndata: ...\n\n" of ev (malloc'd, *len set). */
static char *
api_sse_format(const struct config *cfg, const struct engine_event *ev, size_t *len)
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

/* The empty ring, starting after the events committed before the server. */
void
api_sse_init(api *a)
{
	a->ring = xcalloc(1, sizeof *a->ring);
	a->ring->ent = xcalloc(API_SSE_RING_N, sizeof *a->ring->ent);
	a->ring->last = core_committed_event_id(a->core);
}

static struct sse_ent *
api_sse_at(struct sse_ring *g, size_t i)
{
	return &g->ent[(g->head + i) % API_SSE_RING_N];
}

static void
api_sse_push(struct sse_ring *g, int64_t id, char *text, size_t len)
{
	struct sse_ent *e;

	while (g->n > 0 && (g->n == API_SSE_RING_N || g->bytes + len > API_SSE_RING_BYTES)) {
		e = api_sse_at(g, 0);
		g->bytes -= e->len;
		free(e->text);
		e->text = NULL;
		g->head = (g->head + 1) % API_SSE_RING_N;
		g->n--;
	}
	e = api_sse_at(g, g->n);
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
api_sse_find(const struct sse_ring *g, int64_t id)
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

/* Read the events committed since the ring's newest, format each once. */
static void
api_sse_ring_fill(api *a)
{
	struct sse_ring *g = a->ring;
	const struct config *cfg = core_config(a->core);
	int64_t committed = core_committed_event_id(a->core);
	struct engine_event evs[API_SSE_BATCH];
	int i, n;

	while (g->last < committed) {
		n = store_events_after(core_store(a->core), g->last, evs, API_SSE_BATCH);
		if (n <= 0) {
			if (n < 0)
				log_warnx("event stream: %s", store_errmsg(core_store(a->core)));
			return;
		}
		for (i = 0; i < n && evs[i].id <= committed; i++) {
			size_t len;
			char *text = api_sse_format(cfg, &evs[i], &len);

			api_sse_push(g, evs[i].id, text, len);
		}
		if (i < n)
			return;
	}
}

static void
api_sse_append(struct sse *s, const char *text, size_t n)
{
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->buf = xreallocarray(s->buf, s->cap, 1);
	}
	memcpy(s->buf + s->len, text, n);
	s->len += n;
}

/* A stream behind the ring: fill its buffer from the store after last_sent. */
static void
api_sse_catch_up(struct sse *s)
{
	const struct config *cfg = core_config(s->a->core);
	int64_t upto = s->a->ring->last;
	struct engine_event evs[API_SSE_BATCH];
	int i, n;

	while (s->last_sent < upto && s->len < API_SSE_CATCHUP &&
	    api_sse_find(s->a->ring, s->last_sent) < 0) {
		n = store_events_after(core_store(s->a->core), s->last_sent, evs, API_SSE_BATCH);
		if (n <= 0) {
			if (n < 0)
				log_warnx("event stream: %s", store_errmsg(core_store(s->a->core)));
			break;
		}
		for (i = 0; i < n && evs[i].id <= upto; i++) {
			size_t len;
			char *text = api_sse_format(cfg, &evs[i], &len);

			api_sse_append(s, text, len);
			free(text);
			s->last_sent = evs[i].id;
		}
		if (i < n)
			break;
	}
}

/* Drop the stream: the client sees the end and reconnects. */
static void
api_sse_drop(struct sse *s)
{
	const union MHD_ConnectionInfo *ci;

	if (s->closed)
		return;
	s->closed = 1;
	s->a->sse_dropped++;
	ci = MHD_get_connection_info(s->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	log_debug("event stream: a client %" PRId64 " events behind dropped",
	    s->a->ring->last - s->last_sent);
	if (ci != NULL) {
		/* Reset, not FIN: a FIN would wait behind the data the client
		   does not read, and the socket would outlive the connection. */
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		shutdown(ci->connect_fd, SHUT_RDWR);
	}
	if (s->suspended) {
		s->suspended = 0;
		MHD_resume_connection(s->conn);
	}
}

static ssize_t
api_sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse *s = cls;
	struct sse_ring *g = s->a->ring;
	size_t n = 0, k;
	long i;

	(void)pos;
	if (s->closed)
		return MHD_CONTENT_READER_END_OF_STREAM;
	/* What the stream's own buffer holds first (the retry line, a ping,
	   events read from the store while it is behind the ring). */
	if (s->off == s->len) {
		s->off = s->len = 0;
		if (s->ping && s->part == 0) {
			api_sse_append(s, ": ping\n\n", 8);
			s->ping = 0;
		}
		if (s->len == 0 && !s->in_ring)
			api_sse_catch_up(s);
	}
	if (s->off < s->len) {
		n = s->len - s->off < max ? s->len - s->off : max;
		memcpy(buf, s->buf + s->off, n);
		s->off += n;
		return (ssize_t)n;
	}
	/* Then the ring, from the event after last_sent. */
	if ((i = api_sse_find(g, s->last_sent)) < 0) {
		if (s->in_ring) {
			/* Its next event has left the ring: it fell behind. */
			api_sse_drop(s);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		i = (long)g->n;     /* the store failed: try again when woken */
	} else
		s->in_ring = 1;
	for (; (size_t)i < g->n && n < max; i++) {
		struct sse_ent *e = api_sse_at(g, (size_t)i);

		k = e->len - s->part;
		if (k > max - n)
			k = max - n;
		memcpy(buf + n, e->text + s->part, k);
		n += k;
		s->part += k;
		if (s->part < e->len)
			break;
		s->part = 0;
		s->last_sent = e->id;
	}
	if (n > 0)
		return (ssize_t)n;
	if (!s->suspended) {
		s->suspended = 1;
		MHD_suspend_connection(s->conn);
	}
	return 0;
}

static void
api_sse_free(void *cls)
{
	struct sse *s = cls;

	if (s->a->sse_cursor == s)
		s->a->sse_cursor = s->next;
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		s->a->sse_head = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->a->sse_count--;
	free(s->buf);
	free(s);
}

void
api_sse_wake(api *a, int ping, int close)
{
	struct sse *s;

	for (s = a->sse_head; s != NULL; s = s->next) {
		s->ping |= ping;
		s->closed |= close;
		if (s->suspended) {
			s->suspended = 0;
			MHD_resume_connection(s->conn);
		}
	}
}

/*
 * The bytes of the ring stream s has still to send, or UINT64_MAX when its
 * next event has left the ring; 0 while it reads from the store.
 */
static uint64_t
api_sse_lag(const struct sse *s)
{
	const struct sse_ring *g = s->a->ring;
	long i;

	if (!s->in_ring)
		return 0;               /* catching up from the store, as it reads */
	if ((i = api_sse_find(g, s->last_sent)) < 0)
		return UINT64_MAX;
	if ((size_t)i == g->n)
		return 0;
	return g->end - g->ent[(g->head + (size_t)i) % API_SSE_RING_N].pos - s->part;
}

static void api_sse_start(api *a);

static int64_t
api_sse_timer(void *arg)
{
	api *a = arg;

	a->sse_timer = 0;
	api_sse_start(a);
	return LOOP_NO_MORE;
}

/*
 * Start a sweep over the streams: now, or when one is under way after it,
 * and never sooner than API_SSE_EVERY_MS after the last one began, nor
 * sooner than API_SSE_LOAD times what the last one took (a timer then
 * starts it).  So a quiet centre's displays hear of a commit within about
 * API_SSE_EVERY_MS, and under load the events of more commits go out
 * together, in one write per stream, and the commands keep the rest of
 * the core thread.
 */
static void
api_sse_start(api *a)
{
	int64_t now = loop_now_ms(), gap, wait;

	if (a->sse_cursor != NULL) {
		a->sse_again = 1;
		return;
	}
	gap = a->sse_took_ms * API_SSE_LOAD;
	if (gap < API_SSE_EVERY_MS)
		gap = API_SSE_EVERY_MS;
	if ((wait = a->sse_swept_ms + gap - now) > 0) {
		if (a->sse_timer == 0)
			a->sse_timer = loop_add_timer(a->loop, wait, api_sse_timer, a);
		return;
	}
	a->sse_swept_ms = now;
	a->sse_cursor = a->sse_head;
}

/* New events are committed: put them in the ring and tell the streams. */
void
api_events_committed(api *a)
{
	int64_t id = core_committed_event_id(a->core);

	if (id == a->sse_woken_id)
		return;
	a->sse_woken_id = id;
	api_sse_ring_fill(a);
	api_sse_start(a);
}

/*
 * One step of the sweep: wake up to API_SSE_SWEEP streams from the cursor
 * (those waiting for events), drop those too far behind.  The server calls
 * it after sending the turn's answers, so that telling a thousand streams
 * never holds an answer back; the loop does not sleep while a sweep is
 * under way.  Returns 1 while it is.
 */
int
api_sse_sweep(api *a)
{
	struct sse *s;
	int n;

	for (n = 0; n < API_SSE_SWEEP && (s = a->sse_cursor) != NULL; n++) {
		a->sse_cursor = s->next;
		if (s->suspended) {
			s->suspended = 0;
			MHD_resume_connection(s->conn);
		} else if (!s->closed && api_sse_lag(s) > API_SSE_LAG_MAX)
			api_sse_drop(s);
	}
	if (a->sse_cursor == NULL) {
		a->sse_took_ms = loop_now_ms() - a->sse_swept_ms;
		if (a->sse_again) {
			a->sse_again = 0;
			api_sse_start(a);
		}
	}
	return a->sse_cursor != NULL;
}

int64_t
api_ping(void *arg)
{
	api_sse_wake(arg, 1, 0);
	return API_PING_MS;
}

enum MHD_Result
api_events(struct req *r)
{
	const union MHD_ConnectionInfo *ci;
	const char *h;
	struct MHD_Response *resp;
	struct sse *s;
	long long last = -1;
	enum MHD_Result ret;
	int sndbuf = API_SSE_SNDBUF;

	h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
	if (h == NULL)
		h = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "last_event_id");
	if (h != NULL && strnum_parse(h, 0, INT64_MAX, &last) != 0) {
		api_error(r, 400, "bad_value", "Last-Event-ID không hợp lệ.");
		return MHD_NO;
	}
	api_sse_ring_fill(r->a);
	s = xcalloc(1, sizeof *s);
	s->a = r->a;
	s->conn = r->conn;
	s->last_sent = last >= 0 ? last : core_committed_event_id(r->a->core);
	if (s->last_sent > r->a->ring->last)
		s->last_sent = r->a->ring->last;      /* an id from the future */
	api_sse_append(s, "retry: 2000\n\n", 13);
	s->next = r->a->sse_head;
	if (s->next != NULL)
		s->next->prev = s;
	r->a->sse_head = s;
	r->a->sse_count++;
	/* What the kernel holds for a client that does not read is bounded too. */
	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci != NULL)
		setsockopt(ci->connect_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, api_sse_read, s,
	    api_sse_free);
	MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	ret = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->phase = REQ_STREAM;
	return ret;
}

/* Free the ring (api_stop, after the server has ended the streams). */
void
api_sse_fini(api *a)
{
	struct sse_ring *g = a->ring;
	size_t i;

	if (a->sse_timer != 0)
		loop_del_timer(a->loop, a->sse_timer);
	a->sse_timer = 0;
	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++)
		free(api_sse_at(g, i)->text);
	free(g->ent);
	free(g);
	a->ring = NULL;
}
