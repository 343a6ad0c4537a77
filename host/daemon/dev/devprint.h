/*
 * devprint.h - the ticket printers in the daemon.  Each [printer] of the
 * config runs in its own thread (printers/printer.h); this module turns a
 * committed ticket into a print job for its kiosk's printer and reports the
 * job's end back to whoever asked, on the core thread.
 */
#ifndef ONESTOP_DEVPRINT_H
#define ONESTOP_DEVPRINT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/core.h"
#include "core/loop.h"

typedef struct devprint devprint;

/*
 * printed: 1 the ticket came out whole; 0 it did not: kept = 1 when part of
 * it printed and the printer will print it again (marked reprint) once it is
 * back, kept = 0 when nothing printed.  reason is for people (Vietnamese).
 */
typedef void devprint_done_fn(void *arg, int printed, int kept, const char *reason);

devprint *devprint_start(core *c, loop *l, char *err, size_t errlen);
void devprint_stop(devprint *d);

/* The printer index of kiosk k (config), or -1 when it has none. */
int devprint_kiosk_printer(devprint *d, int kiosk);

/* 1 when printer p can print now; else 0 and why in reason. */
int devprint_ready(devprint *d, int printer, char *reason, size_t len);

/*
 * Print the (committed) ticket on printer p.  When nothing of a new ticket
 * (reprint 0) could be printed, the ticket is voided (cancelled, its number
 * never given again) before done is told.  done is called exactly once,
 * later, from the loop (never from inside this call).  -1 when the job cannot
 * even be queued (done is not called).
 */
int devprint_print(devprint *d, int printer, int64_t ticket, int reprint,
    devprint_done_fn *done, void *arg);

/* {"printers":[{"id","status","ready","queued"}]} for managers. */
cJSON *devprint_json(devprint *d);

#endif
