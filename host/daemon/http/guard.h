/*
 * guard.h - the HTTP server's defence against clients that hold connections
 * without using them (slowloris): a deadline per phase of a request that
 * bytes trickled in do not extend, and an accept policy that keeps room for
 * new addresses when a few addresses hold many connections.  The figures are
 * in host/docs/api.md ("Limits").
 *
 * libmicrohttpd's own idle timeout restarts on every byte received, so one
 * header byte every few seconds keeps a connection forever.  The guard keeps
 * one record per connection (MHD_OPTION_NOTIFY_CONNECTION), moves it through
 * the phases below as the server sees the request, and a loop timer shuts
 * down the socket of any connection past its phase's deadline; the server
 * then sees the connection end and closes it.
 */
#ifndef ONESTOP_GUARD_H
#define ONESTOP_GUARD_H

#include <sys/socket.h>

#include <microhttpd.h>

#include "core/loop.h"

typedef struct guard guard;

#define GUARD_CONN_MAX 2048       /* connections in all */
#define GUARD_PER_ADDR 128        /* connections of one address */
#define GUARD_CROWDED 1536        /* past this many open connections... */
#define GUARD_CROWD_ADDR 16       /* ...an address holding this many is refused */
#define GUARD_HEADERS_S 10        /* a request's headers, from connect or the last answer */
#define GUARD_BODY_S 30           /* its body, from the end of its headers */
#define GUARD_ANSWER_S 300        /* computing and taking its answer (not a stream) */

enum guard_phase {
	GUARD_HEADERS,           /* waiting for a request's headers */
	GUARD_BODY,              /* headers in, reading the body */
	GUARD_ANSWER,            /* the body is in: computing or sending the answer */
	GUARD_STREAM             /* an event stream: bounded by its buffer (sse.c) */
};

guard *guard_new(loop *l);
void guard_free(guard *g);

/* For MHD_start_daemon: the accept policy and the connection notifier (cls = g). */
enum MHD_Result guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
void guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe);

/* The request on conn entered phase p (the deadline restarts). */
void guard_phase(struct MHD_Connection *conn, enum guard_phase p);

/* Open connections now, and the connections closed by a deadline so far. */
unsigned guard_open(const guard *g);
unsigned long guard_closed(const guard *g);

#endif
