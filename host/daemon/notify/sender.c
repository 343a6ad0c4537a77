/*
 * sender.c - the SMS sender thread (sender.h): a queue of jobs and a queue
 * of results under one mutex, a condition variable to wake the thread and
 * an eventfd to wake the core's loop.
 */
#include "daemon/notify/sender.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/log.h"
#include "common/xmalloc.h"

struct sender_job {
	int64_t id;
	char *url;
	struct sender_job *next;
};

struct sender_res {
	struct sender_result r;
	struct sender_res *next;
};

struct sender {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int efd;
	int stop;
	int timeout_s;
	struct sender_job *jobs, **jobs_tail;
	struct sender_res *res, **res_tail;
};

int
sender_accepted(long status, const char *body)
{
	return status >= 200 && status < 300 && body != NULL &&
	    (strncmp(body, "0:", 2) == 0 || strncmp(body, "3:", 2) == 0);
}

static int64_t
sender_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct sender_body {
	char buf[256];
	size_t len;
};

static size_t
sender_write(char *p, size_t size, size_t n, void *arg)
{
	struct sender_body *b = arg;
	size_t len = size * n, room = sizeof b->buf - 1 - b->len;

	memcpy(b->buf + b->len, p, len < room ? len : room);
	b->len += len < room ? len : room;
	b->buf[b->len] = '\0';
	return len;
}

/* One GET; the result in *r. */
static void
sender_get(sender *s, CURL *curl, const char *url, struct sender_result *r)
{
	struct sender_body body = { .len = 0 };
	CURLcode rc;
	size_t i;

	body.buf[0] = '\0';
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sender_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)s->timeout_s);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)s->timeout_s);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(curl);
	r->done_ms = sender_now_ms();
	if (rc != CURLE_OK) {
		snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(rc));
		return;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (sender_accepted(r->status, body.buf)) {
		r->ok = 1;
		return;
	}
	/* The gateway's words, printable ASCII only, for the log and the row. */
	for (i = 0; body.buf[i] != '\0'; i++)
		if ((unsigned char)body.buf[i] < 0x20 || (unsigned char)body.buf[i] > 0x7e)
			body.buf[i] = ' ';
	snprintf(r->error, sizeof r->error, "HTTP %ld: %.120s", r->status, body.buf);
}

static void *
sender_main(void *arg)
{
	sender *s = arg;
	CURL *curl = curl_easy_init();

	if (curl == NULL)
		fatalx("sms: curl_easy_init failed");
	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct sender_job *j;
		struct sender_res *res;
		uint64_t one = 1;

		while (!s->stop && s->jobs == NULL)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->stop)
			break;
		j = s->jobs;
		if ((s->jobs = j->next) == NULL)
			s->jobs_tail = &s->jobs;
		pthread_mutex_unlock(&s->mu);

		res = xcalloc(1, sizeof *res);
		res->r.id = j->id;
		sender_get(s, curl, j->url, &res->r);
		free(j->url);
		free(j);

		pthread_mutex_lock(&s->mu);
		*s->res_tail = res;
		s->res_tail = &res->next;
		if (write(s->efd, &one, sizeof one) < 0 && errno != EAGAIN)
			log_warn("sms: eventfd");
	}
	pthread_mutex_unlock(&s->mu);
	curl_easy_cleanup(curl);
	return NULL;
}

sender *
sender_start(int timeout_s)
{
	sender *s = xcalloc(1, sizeof *s);

	s->timeout_s = timeout_s;
	s->jobs_tail = &s->jobs;
	s->res_tail = &s->res;
	if ((s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		fatal("sms: eventfd");
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->thread, NULL, sender_main, s) != 0)
		fatalx("sms: cannot start the sender thread");
	return s;
}

void
sender_stop(sender *s)
{
	if (s == NULL || s->stop)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
}

void
sender_free(sender *s)
{
	struct sender_job *j;
	struct sender_res *r;

	if (s == NULL)
		return;
	sender_stop(s);
	while ((j = s->jobs) != NULL) {
		s->jobs = j->next;
		free(j->url);
		free(j);
	}
	while ((r = s->res) != NULL) {
		s->res = r->next;
		free(r);
	}
	close(s->efd);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

int
sender_fd(const sender *s)
{
	return s->efd;
}

void
sender_submit(sender *s, int64_t id, char *url)
{
	struct sender_job *j = xcalloc(1, sizeof *j);

	j->id = id;
	j->url = url;
	pthread_mutex_lock(&s->mu);
	*s->jobs_tail = j;
	s->jobs_tail = &j->next;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

int
sender_next_result(sender *s, struct sender_result *out)
{
	struct sender_res *r;
	uint64_t v;

	pthread_mutex_lock(&s->mu);
	if ((r = s->res) == NULL) {
		/* Drain the eventfd while the queue is empty under the lock:
		   the thread writes it only with the lock held. */
		while (read(s->efd, &v, sizeof v) > 0)
			;
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	if ((s->res = r->next) == NULL)
		s->res_tail = &s->res;
	pthread_mutex_unlock(&s->mu);
	*out = r->r;
	free(r);
	return 1;
}
