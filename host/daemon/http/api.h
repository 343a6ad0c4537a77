/*
 * api.h - the HTTP API and event stream of onestopd (libmicrohttpd driven
 * from the daemon's loop).  The calls are written down in host/docs/api.md.
 *
 * The HTTP daemon runs without threads of its own: its epoll fd is watched by
 * the loop, and connections are suspended while their answer waits for the
 * batch commit (group commit) or, on the event stream, for new events.
 */
#ifndef ONESTOP_API_H
#define ONESTOP_API_H

#include <stdint.h>

#include "core/core.h"
#include "daemon/dev/devbus.h"
#include "daemon/dev/devprint.h"
#include "daemon/notify/notify.h"
#include "core/loop.h"

typedef struct api api;

/*
 * Listen on addr:port (port 0 = any free port) and register with the loop.
 * NULL and a message in err on failure.
 */
api *api_start(core *c, loop *l, const char *addr, int port, char *err,
    size_t errlen);
/*
 * The daemon stops: accept no new connection, and answer every new request
 * 503 busy (so nothing starts that the devices, workers or commits being
 * stopped would leave waiting).  api_stop does it too; the daemon calls it
 * first, before it stops the devices the answers use.
 */
void api_quiesce(api *a);
/* Answer what waits (a commit's answers; anything else 503), close every
 * connection, free. */
void api_stop(api *a);

/* The RS-485 lines, for GET /api/v1/boards. */
void api_set_devbus(api *a, devbus *d);

/* The ticket printers: kiosk tickets print, staff reprint. */
void api_set_devprint(api *a, devprint *d);

/* SMS notifications: visitors give a phone, Kannel reports deliveries. */
void api_set_notify(api *a, notify *n);

/*
 * The exporter's state for GET /metrics (host/docs/operations.md).  fn fills
 * st on the core thread at each scrape, so it must not wait for anything:
 * the exporter publishes these through atomics (daemon/export/export.h).
 */
struct api_export_state {
	int64_t acked;           /* the last event id the central database holds */
	int64_t oldest_at;       /* unix time of the first event after it, 0 none */
	int connected;
	uint64_t failures;
};
void api_set_export(api *a, void (*fn)(void *arg, struct api_export_state *st),
    void *arg);

/* Serve the web pages (staff console, dashboard...) from dir. */
void api_set_web_root(api *a, const char *dir);
int api_port(const api *a);

/* Wake the event-stream clients: new committed events may be there. */
void api_events_committed(api *a);

/*
 * Let the HTTP server send what was resumed since it last ran (answers
 * released by a commit or a print).  Call from the before-sleep hook, after
 * the commit.  Returns 1 when it ran commands that opened a new batch.
 */
int api_run(api *a);

#endif
