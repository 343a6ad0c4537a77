/*
 * umock.h - helpers shared by the umockdev tests of the serial and USB
 * drivers: run the test binary under libumockdev-preload (re-executing
 * itself when needed), start the emulator, bounded waits (a page, a
 * printer event).
 */
#ifndef ONESTOP_TEST_UMOCK_H
#define ONESTOP_TEST_UMOCK_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "printers/printer.h"

/* Re-execute argv with libumockdev-preload.so.0 in LD_PRELOAD unless it is
 * already there (and tell ASan that it may come first).  Returns only when
 * the preload is active; exits 1 when the exec fails. */
void umock_ensure_preload(char **argv);

/* Start "onestop-printemu serve --pty LINK --out OUT [--control CONTROL]"
 * from $B (without the preload in its environment); waits for its "ready
 * pty" line.  *pid and *out (its stdout) are set.  0, or -1. */
int umock_start_emu(const char *link, const char *outdir,
    const char *control, pid_t *pid, FILE **out);

/* SIGTERM, wait, close its stdout. */
void umock_stop_emu(pid_t *pid, FILE **out);

/* Write a fault list to the control file atomically. */
int umock_set_control(const char *control, const char *text);

/* Bounded wait (about 15 s) for OUT/ticket-NNNN.txt; its text in buf.
 * 1 when it came. */
int umock_wait_page(const char *outdir, int n, char *buf, size_t len);

/* Bounded wait (about 30 s) for an event of type from prn, read into *ev;
 * the events before it are passed over.  1 when it came. */
int umock_wait_event(struct printer *prn, enum printer_event_type type,
    struct printer_event *ev);

#endif
