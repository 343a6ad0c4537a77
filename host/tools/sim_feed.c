/*
 * sim_feed.c - onestop-sim's feed mode: a sim_backend that turns engine
 * commands into onestopd API calls (host/docs/api.md) over one keep-alive
 * libcurl handle, and paces the simulated clock against the monotonic
 * clock at SPEED times real time.  SIGTERM/SIGINT set a flag; the pacing
 * sleep checks it every 100 ms, so the program stops within a request.
 */
#include "tools/sim_feed.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/engine.h"
#include "common/xmalloc.h"

static volatile sig_atomic_t stop_flag;

/* SIGTERM / SIGINT: stop at the next pacing point. */
static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct feed {
	const struct config *cfg;
	CURL *curl;
	struct curl_slist *hdr;
	char base[512];
	double speed;
	int64_t sim0;                /* simulated unix time of wall0 */
	double wall0;                /* monotonic seconds */
	int last_hour;
	int issued, calls, errors;
};

/* Response body accumulator. */
struct body {
	char *p;
	size_t n;
};

/* libcurl write callback: append (bounded at 4 MiB). */
static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;

	if (b->n + n > 4u << 20)
		return 0;
	b->p = xreallocarray(b->p, b->n + n + 1, 1);
	memcpy(b->p + b->n, ptr, n);
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

/* Monotonic seconds. */
static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * POST path with a JSON body (consumed, may be NULL).  Returns the HTTP
 * status (0 = no answer) and in *out the parsed answer (caller deletes).
 */
static long
post(struct feed *f, const char *path, cJSON *body, cJSON **out)
{
	char url[1024], *text;
	struct body b = { NULL, 0 };
	long status = 0;
	CURLcode rc;

	*out = NULL;
	text = body != NULL ? cJSON_PrintUnformatted(body) : xstrdup("{}");
	cJSON_Delete(body);
	snprintf(url, sizeof url, "%s%s", f->base, path);
	curl_easy_setopt(f->curl, CURLOPT_URL, url);
	curl_easy_setopt(f->curl, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, &b);
	rc = curl_easy_perform(f->curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &status);
	else
		fprintf(stderr, "onestop-sim: %s: %s\n", url, curl_easy_strerror(rc));
	if (b.p != NULL)
		*out = cJSON_Parse(b.p);
	free(b.p);
	free(text);
	return status;
}

/* The engine error a refusal's "error" code names, or EINVAL. */
static int
refusal(const cJSON *j)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	int k;

	if (cJSON_IsString(e))
		for (k = 1; k <= ENGINE_EDUPCODE; k++)
			if (strcmp(e->valuestring, engine_error_code(k)) == 0)
				return k;
	return ENGINE_EINVAL;
}

/* A ticket object's fields into rep. */
static void
ticket_reply(const cJSON *t, struct sim_reply *rep)
{
	const cJSON *x;
	int s;

	if (!cJSON_IsObject(t))
		return;
	if (cJSON_IsNumber(x = cJSON_GetObjectItemCaseSensitive(t, "id")))
		rep->ticket = (int64_t)x->valuedouble;
	if (cJSON_IsNumber(x = cJSON_GetObjectItemCaseSensitive(t, "ahead")))
		rep->ahead = (int)x->valuedouble;
	if (cJSON_IsNumber(x = cJSON_GetObjectItemCaseSensitive(t, "est_wait_min")))
		rep->est_wait_s = (int)x->valuedouble * 60;
	if (cJSON_IsString(x = cJSON_GetObjectItemCaseSensitive(t, "state")))
		for (s = ENGINE_T_WAITING; s <= ENGINE_T_CANCELLED; s++)
			if (strcmp(x->valuestring,
			    engine_ticket_state_name((enum engine_ticket_state)s)) == 0)
				rep->state = (enum engine_ticket_state)s;
}

/* Backend exec: one engine command as one API call. */
static int
feed_exec(void *arg, const struct engine_cmd *cmd, struct sim_reply *rep)
{
	struct feed *f = arg;
	const struct config *cfg = f->cfg;
	cJSON *body = cJSON_CreateObject(), *ans, *plain = NULL;
	const char *action = NULL;
	char path[128];
	long st;
	int rc = 0;

	if (cmd->type == ENGINE_ISSUE) {
		if (cmd->procedure >= 0)
			cJSON_AddStringToObject(body, "procedure",
			    cfg->procedures[cmd->procedure].code);
		else
			cJSON_AddStringToObject(body, "queue",
			    cfg->queues[cmd->queue].code);
		if (cmd->priority > 0)
			cJSON_AddStringToObject(body, "priority",
			    cfg->priority[cmd->priority].code);
		/* Every third visitor takes the ticket at a kiosk, so its
		   printer prints (the demo's virtual printers); when the
		   printer cannot print the visitor asks at the counter. */
		if (cfg->nkiosks > 0 && f->issued % 3 == 0) {
			plain = cJSON_Duplicate(body, 1);
			cJSON_AddStringToObject(plain, "channel", "api");
			cJSON_AddStringToObject(body, "kiosk",
			    cfg->kiosks[(f->issued / 3) % cfg->nkiosks].id);
			cJSON_AddStringToObject(body, "channel", "kiosk");
		} else
			cJSON_AddStringToObject(body, "channel", "api");
		snprintf(path, sizeof path, "/api/v1/tickets");
		f->issued++;
	} else {
		switch (cmd->type) {
		case ENGINE_COUNTER_OPEN: action = "open"; break;
		case ENGINE_COUNTER_PAUSE:
			action = "pause";
			cJSON_AddStringToObject(body, "reason", cmd->reason);
			break;
		case ENGINE_COUNTER_CLOSE: action = "close"; break;
		case ENGINE_CALL_NEXT: action = "next"; f->calls++; break;
		case ENGINE_RECALL: action = "recall"; break;
		case ENGINE_START: action = "start"; break;
		case ENGINE_FINISH: action = "finish"; break;
		case ENGINE_NO_SHOW: action = "no-show"; break;
		case ENGINE_TRANSFER:
			action = "transfer";
			cJSON_AddStringToObject(body, "queue",
			    cfg->queues[cmd->to_queue].code);
			break;
		default:
			cJSON_Delete(body);
			return -ENGINE_EINVAL;
		}
		snprintf(path, sizeof path, "/api/v1/counters/%d/%s",
		    cfg->counters[cmd->counter].number, action);
	}
	st = post(f, path, body, &ans);
	if (plain != NULL && st == 409) {
		cJSON_Delete(ans);
		st = post(f, path, plain, &ans);
		plain = NULL;
	}
	cJSON_Delete(plain);
	if (st >= 200 && st < 300) {
		ticket_reply(cJSON_GetObjectItemCaseSensitive(ans, "ticket"), rep);
	} else {
		rc = st == 409 ? -refusal(ans) : -ENGINE_EINVAL;
		if (st != 409 && f->errors++ < 20)
			fprintf(stderr, "onestop-sim: POST %s: HTTP %ld\n", path, st);
	}
	cJSON_Delete(ans);
	return rc;
}

/* Backend pacing: sleep until simulated time t is due; 1 = stop. */
static int
feed_wait(void *arg, int64_t t)
{
	struct feed *f = arg;
	double due = f->wall0 + (double)(t - f->sim0) / f->speed;
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) != NULL && tm.tm_hour != f->last_hour) {
		f->last_hour = tm.tm_hour;
		fprintf(stderr, "onestop-sim: simulated %02d:00, %d tickets issued,"
		    " %d calls\n", tm.tm_hour, f->issued, f->calls);
	}
	while (!stop_flag) {
		double left = due - mono();
		struct timespec ts;

		if (left <= 0)
			return 0;
		if (left > 0.1)
			left = 0.1;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
	}
	return 1;
}

/* Log in; 0 or -1. */
static int
login(struct feed *f, const char *user, const char *password)
{
	cJSON *body = cJSON_CreateObject(), *ans, *tok;
	char hdr[160];
	long st;

	cJSON_AddStringToObject(body, "user", user);
	cJSON_AddStringToObject(body, "password", password);
	st = post(f, "/api/v1/login", body, &ans);
	tok = cJSON_GetObjectItemCaseSensitive(ans, "token");
	if (st != 200 || !cJSON_IsString(tok) || strlen(tok->valuestring) > 128) {
		fprintf(stderr, "onestop-sim: login as %s failed (HTTP %ld)\n",
		    user, st);
		cJSON_Delete(ans);
		return -1;
	}
	snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", tok->valuestring);
	f->hdr = curl_slist_append(f->hdr, hdr);
	curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, f->hdr);
	cJSON_Delete(ans);
	return 0;
}

int
sim_feed(const struct config *cfg, const struct sim_day *d, const char *url,
    const char *user, const char *password, double speed, int loop)
{
	struct feed f;
	struct sigaction sa;
	struct sim_day day = *d;
	int rc = 0, c;

	memset(&f, 0, sizeof f);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	f.cfg = cfg;
	f.speed = speed;
	snprintf(f.base, sizeof f.base, "%s", url);
	if (strlen(f.base) > 0 && f.base[strlen(f.base) - 1] == '/')
		f.base[strlen(f.base) - 1] = '\0';
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    (f.curl = curl_easy_init()) == NULL) {
		fprintf(stderr, "onestop-sim: libcurl init failed\n");
		return -1;
	}
	f.hdr = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(f.curl, CURLOPT_HTTPHEADER, f.hdr);
	curl_easy_setopt(f.curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(f.curl, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(f.curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(f.curl, CURLOPT_TCP_KEEPALIVE, 1L);
	if (login(&f, user, password) < 0) {
		rc = -1;
		goto out;
	}
	/* Counters left holding a ticket by an earlier run: let them go. */
	for (c = 0; c < cfg->ncounters; c++) {
		struct engine_cmd cmd;
		struct sim_reply rep;

		memset(&cmd, 0, sizeof cmd);
		cmd.type = ENGINE_FINISH;
		cmd.counter = c;
		(void)feed_exec(&f, &cmd, &rep);
	}
	fprintf(stderr, "onestop-sim: feeding %s as %s at %gx real time\n",
	    f.base, user, speed);
	while (!stop_flag) {
		struct sim_visitor *v;
		struct sim_report *rep = xcalloc(1, sizeof *rep);
		struct sim_backend b;
		char err[256];
		int n, r;

		sim_generate(&day, cfg, &v, &n);
		f.sim0 = sim_day_midnight(&day) + (day.nsessions > 0 ?
		    day.open_s[0] : 0);
		f.wall0 = mono();
		f.last_hour = -1;
		b.exec = feed_exec;
		b.position = NULL;      /* not measured over HTTP */
		b.range = NULL;
		b.wait_until = feed_wait;
		b.arg = &f;
		b.lenient = 1;
		fprintf(stderr, "onestop-sim: day %s, seed %llu, %d visitors\n",
		    day.name, (unsigned long long)day.seed, n);
		r = sim_run(&day, cfg, cfg, v, n, &b, rep, err, sizeof err);
		free(v);
		if (r == 0)
			fprintf(stderr, "onestop-sim: day done: %d called, p90 wait "
			    "%.1f min, %d refusals\n", rep->called,
			    rep->wait.p90 / 60.0, rep->refused);
		free(rep);
		if (r < 0 && !stop_flag) {
			fprintf(stderr, "onestop-sim: %s\n", err);
			rc = -1;
			break;
		}
		if (!loop)
			break;
		day.seed++;
	}
	if (stop_flag)
		fprintf(stderr, "onestop-sim: stopped\n");
out:
	curl_easy_cleanup(f.curl);
	curl_slist_free_all(f.hdr);
	curl_global_cleanup();
	return rc;
}
