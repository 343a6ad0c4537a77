/*
 * kreq.h - the kiosk's HTTP requests on a worker thread, so that the
 * screen keeps drawing and answering touches while onestopd is slow or
 * unreachable.  One request at a time (the kiosk never needs two): the
 * render thread submits it, is woken when the answer is there, and takes
 * it.  libcurl with short timeouts; nothing here touches SDL.
 */
#ifndef ONESTOP_KREQ_H
#define ONESTOP_KREQ_H

#include <cjson/cJSON.h>

typedef struct kreq kreq;

struct kreq_answer {
	int tag;                    /* the submitter's tag */
	long status;                /* HTTP status, -1 when unreachable/timed out */
	cJSON *json;                /* parsed body or NULL; the taker deletes it */
};

/*
 * Start the worker.  base: "http://127.0.0.1:8080"; token may be NULL.
 * wake(arg) is called from the worker when an answer is ready.
 */
kreq *kreq_start(const char *base, const char *token, void (*wake)(void *), void *arg);
/* Stop the worker (waits for a request in flight to end) and free. */
void kreq_stop(kreq *q);
/*
 * Submit a request (body: JSON text or NULL; copied).  timeout_ms bounds
 * the whole request.  0, or -1 while another is pending.
 */
int kreq_submit(kreq *q, int tag, const char *method, const char *path, const char *body,
    long timeout_ms);
/* 1 while a request is submitted and its answer not yet taken. */
int kreq_busy(kreq *q);
/* Take the answer if there is one: 1 and *out filled, else 0. */
int kreq_take(kreq *q, struct kreq_answer *out);

#endif
