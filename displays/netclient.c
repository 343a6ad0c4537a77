/*
 * netclient.c - the display's network thread (see netclient.h).  One
 * curl multi handle drives the event stream and, when wanted, a state
 * refresh at the same time.  A silent stream (no byte, not even the 15 s
 * ping, for NETCLIENT_IDLE_MS) counts as cut.
 */
#include "displays/netclient.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "displays/sse.h"
#include "common/xmalloc.h"

#define NETCLIENT_IDLE_MS 40000
#define NETCLIENT_REFRESH_MS 2000
#define NETCLIENT_MAX_BODY (8 * 1024 * 1024)

struct body {
	char *p;
	size_t len, cap;
	int too_big;
};

struct netclient {
	char *base;
	char *auth;                 /* "Authorization: Bearer ..." or NULL */
	void (*wake)(void *);
	void *wake_arg;
	pthread_t thread;
	pthread_mutex_t mu;
	struct netclient_msg *q;
	int qlen, qcap;
	volatile int stop;
	CURLM *multi;

	/* network thread only */
	sse *parser;
	int64_t last_id;            /* -1 = none yet */
	int64_t last_byte_ms;
	int events_since_refresh;
	int up;
};

int64_t
netclient_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
netclient_push(netclient *n, enum netclient_kind kind, int64_t id, const char *text)
{
	pthread_mutex_lock(&n->mu);
	if (n->qlen == n->qcap) {
		n->qcap = n->qcap ? n->qcap * 2 : 64;
		n->q = xreallocarray(n->q, (size_t)n->qcap, sizeof *n->q);
	}
	n->q[n->qlen].kind = kind;
	n->q[n->qlen].id = id;
	n->q[n->qlen].text = text != NULL ? xstrdup(text) : NULL;
	n->q[n->qlen].at_ms = netclient_now_ms();
	n->qlen++;
	pthread_mutex_unlock(&n->mu);
	if (n->wake != NULL)
		n->wake(n->wake_arg);
}

int
netclient_take(netclient *n, struct netclient_msg *out, int max)
{
	int k;

	pthread_mutex_lock(&n->mu);
	k = n->qlen < max ? n->qlen : max;
	memcpy(out, n->q, (size_t)k * sizeof *out);
	memmove(n->q, n->q + k, (size_t)(n->qlen - k) * sizeof *n->q);
	n->qlen -= k;
	pthread_mutex_unlock(&n->mu);
	return k;
}

void
netclient_msg_free(struct netclient_msg *m)
{
	free(m->text);
	m->text = NULL;
}

static size_t
netclient_body_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;

	if (b->len + n > NETCLIENT_MAX_BODY) {
		b->too_big = 1;
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

static void
netclient_on_event(void *arg, const char *id, const char *type, const char *data)
{
	netclient *n = arg;
	char *end;
	long long v;

	(void)type;
	v = strtoll(id, &end, 10);
	if (end == id || *end != '\0' || v <= 0)
		return;   /* every event of onestopd has an id */
	if (v > n->last_id || n->last_id < 0)
		n->last_id = v;
	n->events_since_refresh++;
	netclient_push(n, NETCLIENT_EVENT, v, data);
}

static size_t
netclient_stream_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	netclient *n = arg;
	size_t len = size * nmemb;

	n->last_byte_ms = netclient_now_ms();
	if (!n->up) {
		n->up = 1;
		netclient_push(n, NETCLIENT_UP, 0, NULL);
	}
	sse_feed(n->parser, p, len);
	return n->stop ? 0 : len;
}

static CURL *
netclient_easy(netclient *n, const char *path, struct curl_slist **hdrs)
{
	CURL *c = curl_easy_init();
	char url[1024];

	if (c == NULL)
		return NULL;
	snprintf(url, sizeof url, "%s%s", n->base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	*hdrs = NULL;
	if (n->auth != NULL)
		*hdrs = curl_slist_append(*hdrs, n->auth);
	return c;
}

/* GET /api/v1/state into a message; 0 or -1 (why in err). */
static int
netclient_get_state(netclient *n, char *err, size_t errlen)
{
	struct curl_slist *h;
	CURL *c = netclient_easy(n, "/api/v1/state", &h);
	struct body b = { NULL, 0, 0, 0 };
	long status = 0;
	CURLcode rc;
	int ret = -1;

	if (c == NULL) {
		snprintf(err, errlen, "curl init failed");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, netclient_body_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "state: %s", curl_easy_strerror(rc));
	} else if (status != 200 || b.p == NULL) {
		snprintf(err, errlen, "state: HTTP %ld", status);
	} else {
		cJSON *o = cJSON_Parse(b.p);
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, "last_event_id");

		if (cJSON_IsNumber(l) && l->valuedouble >= 0) {
			if (n->last_id < 0 || (int64_t)l->valuedouble < n->last_id)
				n->last_id = (int64_t)l->valuedouble;
			netclient_push(n, NETCLIENT_STATE, (int64_t)l->valuedouble, b.p);
			ret = 0;
		} else {
			snprintf(err, errlen, "state: not the expected JSON");
		}
		cJSON_Delete(o);
	}
	n->events_since_refresh = 0;
	free(b.p);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return ret;
}

/* Follow the stream until it ends, fails, falls silent or stop is set. */
static void
netclient_stream(netclient *n, char *err, size_t errlen)
{
	struct curl_slist *h, *rh = NULL;
	CURL *s = netclient_easy(n, "/api/v1/events", &h), *r = NULL;
	struct body rb = { NULL, 0, 0, 0 };
	char last[64];
	int64_t last_refresh = netclient_now_ms();
	int running = 1;

	if (s == NULL) {
		snprintf(err, errlen, "curl init failed");
		return;
	}
	snprintf(last, sizeof last, "Last-Event-ID: %lld", (long long)n->last_id);
	h = curl_slist_append(h, last);
	h = curl_slist_append(h, "Accept: text/event-stream");
	curl_easy_setopt(s, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(s, CURLOPT_WRITEFUNCTION, netclient_stream_cb);
	curl_easy_setopt(s, CURLOPT_WRITEDATA, n);
	curl_easy_setopt(s, CURLOPT_TCP_KEEPALIVE, 1L);
	sse_reset(n->parser);
	n->last_byte_ms = netclient_now_ms();
	curl_multi_add_handle(n->multi, s);
	while (running && !n->stop) {
		CURLMsg *m;
		int left, still = 0;
		int64_t now;

		curl_multi_perform(n->multi, &still);
		while ((m = curl_multi_info_read(n->multi, &left)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			if (m->easy_handle == s) {
				long status = 0;

				curl_easy_getinfo(s, CURLINFO_RESPONSE_CODE, &status);
				if (m->data.result != CURLE_OK)
					snprintf(err, errlen, "events: %s",
					    curl_easy_strerror(m->data.result));
				else
					snprintf(err, errlen, "events: ended (HTTP %ld)", status);
				running = 0;
			} else if (m->easy_handle == r) {
				long status = 0;

				curl_easy_getinfo(r, CURLINFO_RESPONSE_CODE, &status);
				if (m->data.result == CURLE_OK && status == 200 && rb.p != NULL)
					netclient_push(n, NETCLIENT_STATE, 0, rb.p);
				curl_multi_remove_handle(n->multi, r);
				curl_easy_cleanup(r);
				curl_slist_free_all(rh);
				r = NULL;
				rh = NULL;
				free(rb.p);
				memset(&rb, 0, sizeof rb);
			}
		}
		if (!running)
			break;
		now = netclient_now_ms();
		if (now - n->last_byte_ms > NETCLIENT_IDLE_MS) {
			snprintf(err, errlen, "events: silent for %d s", NETCLIENT_IDLE_MS / 1000);
			break;
		}
		/* Refresh the waiting counts now and then while events come. */
		if (r == NULL && n->events_since_refresh > 0 &&
		    now - last_refresh >= NETCLIENT_REFRESH_MS) {
			r = netclient_easy(n, "/api/v1/state", &rh);
			if (r != NULL) {
				curl_easy_setopt(r, CURLOPT_HTTPHEADER, rh);
				curl_easy_setopt(r, CURLOPT_WRITEFUNCTION, netclient_body_cb);
				curl_easy_setopt(r, CURLOPT_WRITEDATA, &rb);
				curl_easy_setopt(r, CURLOPT_TIMEOUT_MS, 10000L);
				curl_multi_add_handle(n->multi, r);
			}
			n->events_since_refresh = 0;
			last_refresh = now;
		}
		curl_multi_poll(n->multi, NULL, 0, 250, NULL);
	}
	if (r != NULL) {
		curl_multi_remove_handle(n->multi, r);
		curl_easy_cleanup(r);
		curl_slist_free_all(rh);
		free(rb.p);
	}
	curl_multi_remove_handle(n->multi, s);
	curl_easy_cleanup(s);
	curl_slist_free_all(h);
}

static void *
netclient_main(void *arg)
{
	netclient *n = arg;
	int backoff = 200, was_up = 1;
	char err[256];

	while (!n->stop) {
		err[0] = '\0';
		if (netclient_get_state(n, err, sizeof err) == 0) {
			backoff = 200;
			n->up = 0;
			netclient_stream(n, err, sizeof err);
		}
		if (n->stop)
			break;
		if (n->up || was_up)
			netclient_push(n, NETCLIENT_DOWN, 0, err);
		was_up = n->up = 0;
		/* Back off (interruptible by netclient_stop's wakeup). */
		curl_multi_poll(n->multi, NULL, 0, backoff, NULL);
		backoff = backoff * 2 > 2000 ? 2000 : backoff * 2;
	}
	return NULL;
}

netclient *
netclient_start(const char *base, const char *token, void (*wake)(void *), void *arg)
{
	netclient *n = xcalloc(1, sizeof *n);
	size_t bl = strlen(base);

	n->base = xstrdup(base);
	while (bl > 0 && n->base[bl - 1] == '/')
		n->base[--bl] = '\0';
	if (token != NULL && *token != '\0')
		xasprintf(&n->auth, "Authorization: Bearer %s", token);
	n->wake = wake;
	n->wake_arg = arg;
	n->last_id = -1;
	n->parser = sse_new(netclient_on_event, n);
	pthread_mutex_init(&n->mu, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	n->multi = curl_multi_init();
	if (pthread_create(&n->thread, NULL, netclient_main, n) != 0) {
		curl_multi_cleanup(n->multi);
		sse_free(n->parser);
		free(n->auth);
		free(n->base);
		free(n);
		return NULL;
	}
	return n;
}

void
netclient_stop(netclient *n)
{
	int i;

	if (n == NULL)
		return;
	n->stop = 1;
	curl_multi_wakeup(n->multi);
	pthread_join(n->thread, NULL);
	curl_multi_cleanup(n->multi);
	for (i = 0; i < n->qlen; i++)
		free(n->q[i].text);
	free(n->q);
	sse_free(n->parser);
	pthread_mutex_destroy(&n->mu);
	free(n->auth);
	free(n->base);
	free(n);
}
