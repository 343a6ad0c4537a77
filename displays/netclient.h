/*
 * netclient.h - the wall display's link to onestopd, on its own thread with
 * libcurl: load the full state, then follow the event stream from the last
 * event id seen (Last-Event-ID), refresh the state now and then while
 * events arrive (waiting counts), and on any failure mark itself
 * disconnected and start again after a short back-off.  What it learns goes
 * into a queue of messages that the render thread drains each frame.
 */
#ifndef ONESTOP_NETCLIENT_H
#define ONESTOP_NETCLIENT_H

#include <stdint.h>

enum netclient_kind {
	NETCLIENT_STATE = 1,        /* text: the GET /api/v1/state JSON */
	NETCLIENT_EVENT,            /* text: the event's JSON; id */
	NETCLIENT_UP,               /* the stream is open */
	NETCLIENT_DOWN,             /* text: why */
};

struct netclient_msg {
	enum netclient_kind kind;
	int64_t id;
	char *text;                 /* malloc'd; freed by netclient_msg_free */
	int64_t at_ms;              /* monotonic ms when received */
};

typedef struct netclient netclient;

/*
 * Start the thread.  base: "http://127.0.0.1:8080"; token may be NULL.
 * wake(arg) is called (from the network thread) after messages were
 * queued, e.g. to push an SDL event.
 */
netclient *netclient_start(const char *base, const char *token,
    void (*wake)(void *), void *arg);
/* Stop the thread and free everything. */
void netclient_stop(netclient *n);
/* Take up to max messages (oldest first); returns how many. */
int netclient_take(netclient *n, struct netclient_msg *out, int max);
void netclient_msg_free(struct netclient_msg *m);

/* Monotonic milliseconds (CLOCK_MONOTONIC), shared by the display. */
int64_t netclient_now_ms(void);

#endif
