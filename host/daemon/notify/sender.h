/*
 * sender.h - the SMS sender thread: HTTP GETs to the gateway (libcurl),
 * one at a time, off the core thread, so a gateway that is down, slow or
 * hanging never holds up a command.
 *
 * The core submits jobs (an id and the whole URL) and reads results when
 * sender_fd() is readable (an eventfd): each job gives exactly one result,
 * after the gateway answered, failed or timed out (timeout_s).  A job the
 * thread has not started when sender_stop() runs gives no result (it is
 * still pending in the outbox and is sent after the restart); one it was
 * sending is finished first, and its result can be read after the stop.
 */
#ifndef ONESTOP_SENDER_H
#define ONESTOP_SENDER_H

#include <stdint.h>

typedef struct sender sender;

struct sender_result {
	int64_t id;
	int ok;                  /* the gateway took the message */
	long status;             /* HTTP status, 0 when none */
	char error[160];         /* why not (ASCII), "" when ok */
	int64_t done_ms;         /* monotonic ms when the answer came */
};

/* The gateway took a message when it answers 2xx with a body starting
 * "0:" (Accepted for delivery) or "3:" (Queued for later delivery). */
int sender_accepted(long status, const char *body);

sender *sender_start(int timeout_s);
/* Stop and join the thread (waits for a request in progress, at most
 * timeout_s); the results it gave can still be read. */
void sender_stop(sender *s);
/* Stop if running, then free it with the jobs and results left. */
void sender_free(sender *s);
int sender_fd(const sender *s);
/* Queue a GET of url (takes it over) as job id. */
void sender_submit(sender *s, int64_t id, char *url);
/* Next result: 1 with *r filled, 0 when none is ready. */
int sender_next_result(sender *s, struct sender_result *r);

#endif
