/*
 * sse.h - a Server-Sent Events parser (text/event-stream), fed with the
 * bytes as they arrive, in any pieces.  Pure: no I/O, no threads.
 *
 * Lines end in LF, CRLF or CR.  "data:" lines accumulate (joined by LF), "id:"
 * sets the last event id, "event:" the type, ":" lines are comments (pings),
 * a blank line dispatches.  A line longer than SSE_MAX_LINE is dropped with
 * the event it belongs to (never trust a length from the wire).
 */
#ifndef ONESTOP_SSE_H
#define ONESTOP_SSE_H

#include <stddef.h>

#define SSE_MAX_LINE 65536

/* Called for each complete event; strings are valid only during the call. */
typedef void (*sse_event_fn)(void *arg, const char *id, const char *type,
    const char *data);

typedef struct sse sse;

/* A new parser calling fn(arg, ...) for every event. */
sse *sse_new(sse_event_fn fn, void *arg);
void sse_free(sse *p);
/* Forget a partial line and event (after a reconnect); keeps last id. */
void sse_reset(sse *p);
/* Feed len bytes. */
void sse_feed(sse *p, const char *buf, size_t len);
/* The last event id seen ("" when none). */
const char *sse_last_id(const sse *p);
/* Comment lines seen (pings), and lines dropped as too long. */
unsigned long sse_comments(const sse *p);
unsigned long sse_dropped(const sse *p);

#endif
