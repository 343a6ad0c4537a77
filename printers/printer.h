/*
 * printer.h - one ticket printer: its own thread, its job queue, its
 * status, and the messages it sends to the daemon's core.
 *
 * The core never blocks on a printer.  It starts one with printer_start(),
 * hands it tickets with printer_submit() (returns at once), polls
 * printer_fd() for POLLIN and then calls printer_next_event() until it
 * returns 0.  printer_status() is the last known state, safe from any
 * thread.
 *
 * A job: the thread asks the printer's status (DLE EOT 1, 2, 4; USB
 * GET_PORT_STATUS when the printer does not answer).  If it cannot print
 * (paper end, cover open, offline, error, gone) the job fails at once with
 * kept = 0: nothing was printed, the kiosk refuses and no number is spent.
 * Otherwise the ticket is encoded (ticket_encode), sent, and the status is
 * asked again.  If sending stopped short or the printer stopped during the
 * job, the job fails with kept = 1: the thread keeps it and prints it again,
 * marked "BẢN IN LẠI" (reprint), as soon as the status is back to ok; that
 * ends in a JOB_DONE event with reprint = 1 and the same job_id.  Staff
 * reprints are ordinary jobs with ticket->reprint = 1.
 */
#ifndef ONESTOP_PRINTER_H
#define ONESTOP_PRINTER_H

#include <stddef.h>
#include <stdint.h>

#include "printers/escpos.h"
#include "printers/ticket.h"

struct printer_conf;

/* Status bits (several may be set); 0 = ready. */
#define PRINTER_ST_PAPER_END   ESCPOS_ST_PAPER_END
#define PRINTER_ST_NEAR_END    ESCPOS_ST_NEAR_END    /* can still print */
#define PRINTER_ST_COVER_OPEN  ESCPOS_ST_COVER_OPEN
#define PRINTER_ST_OFFLINE     ESCPOS_ST_OFFLINE
#define PRINTER_ST_ERROR       ESCPOS_ST_ERROR
#define PRINTER_ST_GONE        ESCPOS_ST_GONE        /* absent / no answer */
#define PRINTER_ST_CANNOT_PRINT ESCPOS_ST_CANNOT_PRINT

#define PRINTER_QUEUE_MAX 64

enum printer_event_type {
	PRINTER_EV_JOB_DONE = 1,  /* the ticket printed in full */
	PRINTER_EV_JOB_FAILED,    /* see kept */
	PRINTER_EV_STATUS,        /* status changed (status, reason) */
};

struct printer_event {
	enum printer_event_type type;
	uint64_t job_id;
	int reprint;             /* DONE: printed as a reprint */
	int kept;                /* FAILED: 1 = printed in part, will be
	                            reprinted when the printer is back;
	                            0 = nothing printed */
	unsigned status;         /* PRINTER_ST_* when the event was made */
	char reason[200];        /* FAILED / STATUS: why, for people */
	size_t bytes;            /* DONE: bytes sent */
	uint64_t t_submit_ns;    /* DONE: CLOCK_MONOTONIC at printer_submit */
	uint64_t t_encoded_ns;   /*       bytes ready to send */
	uint64_t t_sent_ns;      /*       last byte handed to the transport */
};

struct printer_options {
	int poll_ms;             /* status poll while idle (default 2000) */
	int io_timeout_ms;       /* a write, or the reply after a job
	                            (default 5000) */
	int reply_ms;            /* one status reply otherwise (default 1000) */
};

struct printer;

/*
 * Start the printer's thread for pc (copied; driver chosen by pc->driver).
 * opt may be NULL for defaults.  Returns NULL with err set only for an
 * unknown driver; an absent device is not an error (status GONE, retried
 * at every poll).
 */
struct printer *printer_start(const struct printer_conf *pc,
    const struct printer_options *opt, char *err, size_t errlen);

/* Queue a ticket (copied).  0, or -1 with errno EAGAIN when the queue is
 * full.  Never blocks on the device. */
int printer_submit(struct printer *p, const struct ticket_print *t,
    uint64_t job_id);

/* An fd that is readable when events wait. */
int printer_fd(const struct printer *p);

/* Take the next event: 1 and *ev filled, or 0 when there is none. */
int printer_next_event(struct printer *p, struct printer_event *ev);

/* Last known status (PRINTER_ST_* bits); thread-safe. */
unsigned printer_status(struct printer *p);

/* Names of status bits, "ok" when none: "paper-end,cover-open". */
void printer_status_name(unsigned status, char *out, size_t outlen);

/* Stop the thread (finishing the write in progress, at most one
 * timeout), drop queued jobs, free everything. */
void printer_stop(struct printer *p);

#endif
