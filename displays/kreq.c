/*
 * kreq.c - the kiosk's request worker (see kreq.h): one thread, one
 * curl easy handle, one job slot guarded by a mutex; a condition variable
 * wakes the worker, the caller's wake() tells the render thread.
 */
#include "displays/kreq.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "common/xmalloc.h"

#define KREQ_MAX_BODY (8u * 1024 * 1024)

enum kreq_state { KREQ_IDLE, KREQ_QUEUED, KREQ_RUNNING, KREQ_DONE };

struct kreq {
	char *base, *auth;
	void (*wake)(void *);
	void *wake_arg;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;

	/* the job, under mu */
	enum kreq_state state;
	int tag;
	char method[8];
	char *path, *body;
	long timeout_ms;
	struct kreq_answer ans;
};

struct kreq_buf {
	char *p;
	size_t len;
};

static size_t
kreq_body_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct kreq_buf *b = arg;
	size_t n = size * nmemb;

	if (b->len + n > KREQ_MAX_BODY)
		return 0;
	b->p = xreallocarray(b->p, b->len + n + 1, 1);
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

/* Perform one request with c; status (-1 unreachable) and parsed JSON. */
static long
kreq_perform(kreq *q, CURL *c, const char *method, const char *path, const char *body,
    long timeout_ms, cJSON **json)
{
	struct curl_slist *h = NULL;
	struct kreq_buf b = { NULL, 0 };
	char url[1024];
	long status = -1;

	*json = NULL;
	curl_easy_reset(c);
	snprintf(url, sizeof url, "%s%s", q->base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 2000 ? timeout_ms : 2000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, kreq_body_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (q->auth != NULL)
		h = curl_slist_append(h, q->auth);
	if (body != NULL) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (curl_easy_perform(c) == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (b.p != NULL)
			*json = cJSON_Parse(b.p);
	}
	curl_slist_free_all(h);
	free(b.p);
	return status;
}

static void *
kreq_main(void *arg)
{
	kreq *q = arg;
	CURL *c = curl_easy_init();

	pthread_mutex_lock(&q->mu);
	for (;;) {
		char method[8], *path, *body;
		long timeout, status;
		cJSON *json;

		while (!q->stop && q->state != KREQ_QUEUED)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->stop)
			break;
		q->state = KREQ_RUNNING;
		memcpy(method, q->method, sizeof method);
		path = q->path;
		body = q->body;
		timeout = q->timeout_ms;
		q->path = q->body = NULL;
		pthread_mutex_unlock(&q->mu);
		status = c != NULL ? kreq_perform(q, c, method, path, body, timeout, &json) : -1;
		if (c == NULL)
			json = NULL;
		free(path);
		free(body);
		pthread_mutex_lock(&q->mu);
		q->ans.tag = q->tag;
		q->ans.status = status;
		q->ans.json = json;
		q->state = KREQ_DONE;
		pthread_mutex_unlock(&q->mu);
		if (q->wake != NULL)
			q->wake(q->wake_arg);
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	if (c != NULL)
		curl_easy_cleanup(c);
	return NULL;
}

kreq *
kreq_start(const char *base, const char *token, void (*wake)(void *), void *arg)
{
	kreq *q = xcalloc(1, sizeof *q);
	size_t bl;

	q->base = xstrdup(base);
	bl = strlen(q->base);
	while (bl > 0 && q->base[bl - 1] == '/')
		q->base[--bl] = '\0';
	if (token != NULL && *token != '\0')
		xasprintf(&q->auth, "Authorization: Bearer %s", token);
	q->wake = wake;
	q->wake_arg = arg;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pthread_create(&q->thread, NULL, kreq_main, q) != 0) {
		pthread_cond_destroy(&q->cv);
		pthread_mutex_destroy(&q->mu);
		free(q->auth);
		free(q->base);
		free(q);
		return NULL;
	}
	return q;
}

void
kreq_stop(kreq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	if (q->state == KREQ_DONE)
		cJSON_Delete(q->ans.json);
	free(q->path);
	free(q->body);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q->auth);
	free(q->base);
	free(q);
}

int
kreq_submit(kreq *q, int tag, const char *method, const char *path, const char *body,
    long timeout_ms)
{
	pthread_mutex_lock(&q->mu);
	if (q->state != KREQ_IDLE) {
		pthread_mutex_unlock(&q->mu);
		return -1;
	}
	q->tag = tag;
	snprintf(q->method, sizeof q->method, "%s", method);
	q->path = xstrdup(path);
	q->body = body != NULL ? xstrdup(body) : NULL;
	q->timeout_ms = timeout_ms > 0 ? timeout_ms : 8000;
	q->state = KREQ_QUEUED;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

int
kreq_busy(kreq *q)
{
	int busy;

	pthread_mutex_lock(&q->mu);
	busy = q->state != KREQ_IDLE;
	pthread_mutex_unlock(&q->mu);
	return busy;
}

int
kreq_take(kreq *q, struct kreq_answer *out)
{
	int got = 0;

	pthread_mutex_lock(&q->mu);
	if (q->state == KREQ_DONE) {
		*out = q->ans;
		memset(&q->ans, 0, sizeof q->ans);
		q->state = KREQ_IDLE;
		got = 1;
	}
	pthread_mutex_unlock(&q->mu);
	return got;
}
