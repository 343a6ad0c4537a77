/*
 * busrig.h - what the bus tests and the bus benchmark share, on top of the
 * host harness (tests/integration/host/harness.h): a centre INI whose line
 * is a pty of the board simulator, the simulator itself (started, killed by
 * pid, its control socket and its readiness line), the event stream read
 * until a wanted event, and counts of committed events in the store.
 */
#ifndef ONESTOP_BUSRIG_H
#define ONESTOP_BUSRIG_H

#include <stdint.h>
#include <sys/types.h>

#include "../host/harness.h"

struct br_sim {
	char bin[512];
	char link[512];          /* the pty link (the line's port) */
	char ctl[512];           /* control socket */
	char faces[512];         /* faces file */
	char boards[512];        /* --boards SPEC */
	int baud;
	pid_t pid;
	int out;                 /* its stdout (faces "-" when bench) */
};

/*
 * Write dir/centre.ini: the demo centre with its [line]/[board] sections
 * replaced by one line at port link, baud, and the boards in `boards` (INI
 * text of [board ...] sections).  Sets d->ini.  0 or -1.
 */
int br_write_ini(struct hn_daemon *d, const char *link, int baud, const char *boards);

/* Start the simulator (paths under dir) and wait for "ready". 0 or -1. */
int br_sim_start(struct br_sim *s, const char *dir, const char *spec, int baud,
    int faces_stdout);
/* Kill it (sig) by pid and reap it. */
void br_sim_stop(struct br_sim *s, int sig);
/* One control command; the answer line (without newline) in ans. 0 or -1. */
int br_ctl(struct br_sim *s, char *ans, size_t anslen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Send a command without waiting: the fd to pass to br_ctl_answer, or -1. */
int br_ctl_send(struct br_sim *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Read the answer of br_ctl_send and close fd; 0 when "ok ...". */
int br_ctl_answer(int fd, char *ans, size_t anslen);
/* A field "name=value" of a state/face line as a number (-1 if absent). */
long br_field(const char *line, const char *name);

/*
 * Read the event stream from after_id until an event of `type` (and counter
 * number `counter` unless 0) arrives or timeout_ms passes.  Returns its id
 * (and the data in *out when out != NULL, caller deletes) or -1.
 */
int64_t br_sse_wait(int port, const char *token, int64_t after_id,
    const char *type, int counter, int timeout_ms, cJSON **out);

/* Committed events of a type (and counter number unless 0) in the store. */
long br_count(const char *db, const char *type, int counter);
/* Any one integer the SQL gives on the store (read only), -1 on error. */
long br_sql(const char *db, const char *sql);

/* GET /api/v1/boards; the board at address (caller deletes), or NULL. */
cJSON *br_board(struct hn_http *h, int address, cJSON **all);

#endif
