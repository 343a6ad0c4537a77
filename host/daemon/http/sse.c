/*
 * sse.c - the event stream, GET /api/v1/events (Server-Sent Events).  Each
 * client reads committed events from the store after the last id it was
 * sent, so a client that reconnects with Last-Event-ID gets exactly what it
 * missed.  A client with nothing to read is suspended until the next commit
 * or the ping timer wakes it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/log.h"
#include "common/strnum.h"
#include "common/xmalloc.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"

#define API_SSE_BATCH 64

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

/* Fill the client's buffer with committed events after last_sent. */
static void
api_sse_fill(struct sse *s)
{
	const struct config *cfg = core_config(s->a->core);
	int64_t committed = core_committed_event_id(s->a->core);
	struct engine_event evs[API_SSE_BATCH];
	int i, n;

	if (s->ping) {
		api_sse_append(s, ": ping\n\n", 8);
		s->ping = 0;
	}
	while (s->last_sent < committed && s->len < 65536) {
		n = store_events_after(core_store(s->a->core), s->last_sent, evs, API_SSE_BATCH);
		if (n <= 0) {
			if (n < 0)
				log_warnx("event stream: %s", store_errmsg(core_store(s->a->core)));
			break;
		}
		for (i = 0; i < n && evs[i].id <= committed; i++) {
			cJSON *o = apijson_event(cfg, &evs[i]);
			char *data = apijson_print(o), *line;
			int len = xasprintf(&line, "id: %" PRId64 "\nevent: %s\ndata: %s\n\n",
			    evs[i].id, engine_event_name(evs[i].type), data);
			api_sse_append(s, line, (size_t)len);
			free(line);
			free(data);
			cJSON_Delete(o);
			s->last_sent = evs[i].id;
		}
		if (i < n)
			break;
	}
}

static ssize_t
api_sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse *s = cls;
	size_t n;

	(void)pos;
	if (s->closed)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (s->off == s->len) {
		s->off = s->len = 0;
		api_sse_fill(s);
	}
	if (s->len == 0) {
		if (!s->suspended) {
			s->suspended = 1;
			MHD_suspend_connection(s->conn);
		}
		return 0;
	}
	n = s->len - s->off < max ? s->len - s->off : max;
	memcpy(buf, s->buf + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void
api_sse_free(void *cls)
{
	struct sse *s = cls;

	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		s->a->sse_head = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
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

void
api_events_committed(api *a)
{
	int64_t id = core_committed_event_id(a->core);

	if (id != a->sse_woken_id) {
		a->sse_woken_id = id;
		api_sse_wake(a, 0, 0);
	}
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
	const char *h;
	struct MHD_Response *resp;
	struct sse *s;
	long long last = -1;
	enum MHD_Result ret;

	h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
	if (h == NULL)
		h = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "last_event_id");
	if (h != NULL && strnum_parse(h, 0, INT64_MAX, &last) != 0) {
		api_error(r, 400, "bad_value", "Last-Event-ID không hợp lệ.");
		return MHD_NO;
	}
	s = xcalloc(1, sizeof *s);
	s->a = r->a;
	s->conn = r->conn;
	s->last_sent = last >= 0 ? last : core_committed_event_id(r->a->core);
	api_sse_append(s, "retry: 2000\n\n", 13);
	s->next = r->a->sse_head;
	if (s->next != NULL)
		s->next->prev = s;
	r->a->sse_head = s;
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

