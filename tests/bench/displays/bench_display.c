/*
 * bench_display.c - figures of the wall display at 1920x1080 with 40
 * counters, a flashing call and the scrolling notice (the notice moves
 * every frame: the display can never sit idle).
 *  1. Frame time in memory (SDL's software renderer, no screen): a full
 *     redraw of every frame, and the display's way, retained mode (only
 *     what changed is painted): p50/p99 per frame and the CPU share of one
 *     core that 60 frames per second costs.
 *  2. The real onestop-display (offscreen driver) against a real onestopd
 *     whose centre has 40 counters, all open and serving: the delay from
 *     a call's commit (the answer of POST .../next, sent after the commit)
 *     to the end of the first frame presented with that event, over 50
 *     calls (p50/p99/max); then the process's CPU (/proc/PID/stat, user +
 *     system) over a fixed 10 s window at 60 frames/s with a call every
 *     second, and its own frame-time figures.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "../../integration/host/harness.h"
#include "../../integration/displays/dproc.h"
#include "displays/board.h"
#include "displays/dmodel.h"
#include "displays/draw.h"

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Render N frames 1/60 s apart; prints the figures under name. */
static void
frames_run(const char *name, draw *d, struct dmodel *m, struct board_opts *o)
{
	enum { N = 600 };
	static double ft[N];
	struct rusage a, b;
	SDL_Rect dirty[16];
	double cpu, t0;
	long area = 0;
	int i;

	board_render(d, m, o, 1920, 1080, 0, 1764322500, 1);   /* warm the caches */
	draw_frame_end(d, 1920, 1080, dirty, 16);
	getrusage(RUSAGE_SELF, &a);
	t0 = now_ms();
	for (i = 0; i < N; i++) {
		double f0 = now_ms();
		int k, n;

		board_render(d, m, o, 1920, 1080, 20 + i * 1000 / 60, 1764322500, 1);
		n = draw_frame_end(d, 1920, 1080, dirty, 16);
		ft[i] = now_ms() - f0;
		for (k = 0; k < n; k++)
			area += (long)dirty[k].w * dirty[k].h;
	}
	getrusage(RUSAGE_SELF, &b);
	cpu = (double)(b.ru_utime.tv_sec - a.ru_utime.tv_sec + b.ru_stime.tv_sec -
	    a.ru_stime.tv_sec) * 1e3 + (double)(b.ru_utime.tv_usec - a.ru_utime.tv_usec +
	    b.ru_stime.tv_usec - a.ru_stime.tv_usec) / 1e3;
	qsort(ft, N, sizeof ft[0], cmp_d);
	printf("frame 1920x1080, 40 counters, %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
	    "painted %.1f%% of the screen per frame; %d frames in %.0f ms\n", name, ft[N / 2],
	    ft[N * 99 / 100], ft[N - 1], 100.0 * (double)area / N / (1920.0 * 1080.0), N,
	    now_ms() - t0);
	printf("  CPU at 60 frames/s: %.1f%% of one core (CPU %.0f ms for %d frames = %.1f s "
	    "of display) - goal < 20%%\n", cpu / ((double)N / 60.0 * 1000.0) * 100.0, cpu, N,
	    (double)N / 60.0);
}

static int
frames(void)
{
	char json[32768], ev[256];
	size_t len = 0;
	struct dmodel m;
	struct board_opts o;
	struct dmodel_call call;
	SDL_Surface *s;
	SDL_Renderer *r;
	draw *d;
	int i;

	len += (size_t)snprintf(json + len, sizeof json - len, "{\"day\":\"x\",\"centre\":"
	    "\"Trung tâm Phục vụ hành chính công tỉnh\",\"last_event_id\":1,\"queues\":["
	    "{\"code\":\"A\",\"name\":\"Hộ tịch\",\"department\":\"D\",\"waiting\":12}],"
	    "\"counters\":[");
	for (i = 1; i <= 40; i++)
		len += (size_t)snprintf(json + len, sizeof json - len, "%s{\"number\":%d,\"name\":"
		    "\"Quầy %d\",\"department\":\"D\",\"state\":\"open\",\"ticket\":{\"id\":%d,"
		    "\"number\":%d,\"called_at\":100}}", i > 1 ? "," : "", i, i, i, 1000 + i * 17);
	snprintf(json + len, sizeof json - len, "],\"waiting\":[]}");
	dmodel_init(&m);
	if (dmodel_apply_state(&m, json, 1) != 0)
		return -1;
	board_opts_default(&o);
	o.notice = "Công dân vui lòng chuẩn bị đầy đủ giấy tờ trước khi đến quầy. Thời gian "
	    "làm việc: sáng 7 giờ 30 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ. Xin cảm ơn.";
	o.flash_ms = 100000;
	snprintf(ev, sizeof ev, "{\"id\":2,\"type\":\"called\",\"at\":100,\"ticket\":99,"
	    "\"number\":2024,\"queue\":\"A\",\"counter\":7}");
	dmodel_apply_event(&m, ev, 100, 10, &call);
	TTF_Init();
	s = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
	r = SDL_CreateSoftwareRenderer(s);
	d = draw_new(r, NULL, NULL, json, sizeof json);
	if (d == NULL)
		return -1;
	frames_run("full redraw of every frame", d, &m, &o);
	draw_set_retained(d, 1);
	frames_run("retained (changed parts only)", d, &m, &o);
	draw_free(d);
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(s);
	TTF_Quit();
	dmodel_free(&m);
	return 0;
}

/* The test's copy of the demo centre (src, its device paths already in
 * the test's folder) with counters 29..40 added (all serving TP-LL): 40. */
static int
write_ini(const char *src, const char *path)
{
	FILE *in = fopen(src, "r"), *out = fopen(path, "w");
	char line[1024];
	int i, ok = in != NULL && out != NULL;

	while (ok && fgets(line, sizeof line, in) != NULL)
		fputs(line, out);
	for (i = 29; ok && i <= 40; i++)
		fprintf(out, "\n[counter %d]\nname = Quầy %d\ndepartment = TP\narea = Khu C\n"
		    "serves = TP-LL\n", i, i);
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

/* One call at counter c (a TP-LL ticket issued first); the event id of the
 * call and the monotonic ms of the answer, or -1. */
static long
call_at(struct hn_http *adm, int c, double *t_answer)
{
	char path[64];
	cJSON *o = NULL;
	long ev;

	hn_req(adm, "POST", "/api/v1/tickets", "{\"queue\":\"TP-LL\"}", NULL);
	snprintf(path, sizeof path, "/api/v1/counters/%d/finish", c);
	hn_req(adm, "POST", path, NULL, NULL);
	snprintf(path, sizeof path, "/api/v1/counters/%d/next", c);
	if (hn_req(adm, "POST", path, NULL, NULL) != 200)
		return -1;
	*t_answer = hn_now_ms();
	if (hn_req(adm, "GET", "/healthz", NULL, &o) != 200)
		return -1;
	ev = (long)hn_num(o, "last_event_id", -1);
	cJSON_Delete(o);
	return ev;
}

/* The ms of "shown ID" in the trace, or -1; *rx: when the network thread
 * had the event. */
static double
shown_at(const char *trace, long ev, double *rx)
{
	char want[64], line[256];
	double at = -1;
	FILE *f;

	snprintf(want, sizeof want, "shown %ld\n", ev);
	if (dd_wait_line(trace, want, 1, 10) != 0)
		return -1;
	f = fopen(trace, "r");
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		long long ms, r;
		long id;

		if (sscanf(line, "%*d event %ld rx %lld", &id, &r) == 2 && id == ev)
			*rx = (double)r;
		if (sscanf(line, "%lld shown %ld", &ms, &id) == 2 && id == ev) {
			at = (double)ms;
			break;
		}
	}
	if (f != NULL)
		fclose(f);
	return at;
}

/* User + system CPU seconds of pid so far, or -1. */
static double
proc_cpu_s(pid_t pid)
{
	char path[64], buf[2048], *p;
	unsigned long long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the ")" of the command name: state is field 3, utime 14. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int
display_process(void)
{
	enum { CALLS = 50, WINDOW_S = 10 };
	struct dd d;
	struct hn_http adm;
	char tok[600], trace[600], url[64], bin[512], line[256], log[600], ini[512];
	const char *b = getenv("B") ? getenv("B") : "build";
	double lat[CALLS], net[CALLS], scr[CALLS], c0, c1, w0, w1;
	cJSON *o = NULL, *st = NULL;
	const cJSON *cs, *c;
	pid_t dp = -1;
	int i, n = 0, ok = 0;

	if (dd_init(&d, "benchdisp") != 0)
		return -1;
	snprintf(ini, sizeof ini, "%s/centre-40.ini", d.dir);
	if (write_ini(d.ini, ini) != 0)
		goto out;
	snprintf(d.ini, sizeof d.ini, "%s", ini);
	if (dd_add_user(&d, "admin", "admin", "pw-bench-1") != 0 || dd_start(&d) != 0)
		goto out;
	hn_http_init(&adm, d.port, NULL);
	if (hn_login(&adm, "admin", "pw-bench-1") != 0 ||
	    hn_req(&adm, "POST", "/api/v1/devices", "{\"name\":\"display-1\",\"role\":\"display\"}",
	    &o) != 201)
		goto http;
	snprintf(tok, sizeof tok, "%s/token", d.dir);
	dd_write(tok, hn_str(o, "token"));
	cJSON_Delete(o);
	o = NULL;
	/* Every counter open and serving a ticket of its first queue. */
	if (hn_req(&adm, "GET", "/api/v1/state", NULL, &st) != 200)
		goto http;
	cs = cJSON_GetObjectItemCaseSensitive(st, "counters");
	cJSON_ArrayForEach(c, cs) {
		const cJSON *sv = cJSON_GetObjectItemCaseSensitive(c, "serves");
		const char *q = hn_str(cJSON_GetArrayItem(sv, 0), "queue");
		char path[64], body[96];
		int num = (int)hn_num(c, "number", 0);

		if (q == NULL)
			continue;
		snprintf(path, sizeof path, "/api/v1/counters/%d/open", num);
		hn_req(&adm, "POST", path, NULL, NULL);
		snprintf(body, sizeof body, "{\"queue\":\"%s\"}", q);
		hn_req(&adm, "POST", "/api/v1/tickets", body, NULL);
		snprintf(path, sizeof path, "/api/v1/counters/%d/next", num);
		hn_req(&adm, "POST", path, NULL, NULL);
		n++;
	}
	printf("centre with %d counters, all open and serving\n", n);
	n = 0;
	snprintf(trace, sizeof trace, "%s/trace", d.dir);
	snprintf(log, sizeof log, "%s/display.log", d.dir);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", d.port);
	snprintf(bin, sizeof bin, "%s/onestop-display", b);
	{
		const char *argv[] = { bin, "-u", url, "-t", tok, "-W", "1920", "-H", "1080",
			"--trace", trace, "--no-audio", "--notice", "Công dân vui lòng chuẩn bị "
			"đầy đủ giấy tờ trước khi đến quầy. Thời gian làm việc: sáng 7 giờ 30 – 11 "
			"giờ 30, chiều 13 giờ 30 – 17 giờ. Xin cảm ơn.", NULL };
		const char *env[] = { "SDL_VIDEODRIVER=offscreen", NULL };

		dp = dd_spawn(argv, env, log);
	}
	if (dp < 0 || dd_wait_line(trace, " up", 1, 30) != 0)
		goto stop;
	/* Calls one after the other at counters 29..40. */
	for (i = 0; i < CALLS; i++) {
		double t1 = 0, at, rx = -1;
		long ev = call_at(&adm, 29 + i % 12, &t1);

		if (ev < 0 || (at = shown_at(trace, ev, &rx)) < 0 || rx < 0)
			break;
		lat[n] = at - t1;
		net[n] = rx - t1;
		scr[n++] = at - rx;
	}
	if (n > 0) {
		qsort(lat, (size_t)n, sizeof lat[0], cmp_d);
		qsort(net, (size_t)n, sizeof net[0], cmp_d);
		qsort(scr, (size_t)n, sizeof scr[0], cmp_d);
		printf("call committed -> number on screen (1920x1080, offscreen): p50 %.0f ms, "
		    "p99 %.0f ms, max %.0f ms over %d calls (goal < 100 ms)\n", lat[n / 2],
		    lat[(n * 99) / 100], lat[n - 1], n);
		printf("  of which answer -> event at the display's network thread: p50 %.0f ms, "
		    "max %.0f ms; event -> presented: p50 %.0f ms, max %.0f ms\n", net[n / 2],
		    net[n - 1], scr[n / 2], scr[n - 1]);
	}
	/* CPU over a fixed window, a call every second. */
	c0 = proc_cpu_s(dp);
	w0 = hn_now_ms();
	for (i = 0; i < WINDOW_S; i++) {
		struct timespec t;
		double t1, next = w0 + (i + 1) * 1000.0;

		call_at(&adm, 29 + i % 12, &t1);
		t1 = next - hn_now_ms();
		if (t1 > 0) {
			t.tv_sec = (time_t)(t1 / 1000);
			t.tv_nsec = (long)((t1 - (double)t.tv_sec * 1000) * 1e6);
			nanosleep(&t, NULL);
		}
	}
	c1 = proc_cpu_s(dp);
	w1 = hn_now_ms();
	if (c0 >= 0 && c1 >= 0)
		printf("onestop-display process, 60 frames/s, notice scrolling, a call a second: "
		    "CPU %.1f%% of one core over %.1f s (/proc user+system; goal < 20%%)\n",
		    100.0 * (c1 - c0) / ((w1 - w0) / 1000.0), (w1 - w0) / 1000.0);
	ok = n == CALLS;
stop:
	if (dp > 0) {
		kill(dp, SIGTERM);
		waitpid(dp, NULL, 0);
	}
	if (dd_count(trace, "stats") > 0) {
		FILE *f = fopen(trace, "r");

		while (f != NULL && fgets(line, sizeof line, f) != NULL)
			if (strstr(line, "stats") != NULL)
				printf("display process over the whole run (%s", strchr(line, ' ') + 1);
		if (f != NULL)
			fclose(f);
	}
http:
	cJSON_Delete(st);
	hn_http_free(&adm);
out:
	dd_kill(&d);
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", d.dir);
		if (system(cmd) != 0)
			return -1;
	}
	return ok ? 0 : -1;
}

int
main(void)
{
	int rc = frames();

	if (display_process() != 0)
		rc = -1;
	return rc == 0 ? 0 : 1;
}
