/*
 * bench_display.c - figures of the wall display.
 *  1. Frame time at 1920x1080 with 40 counters, a flashing call and the
 *     scrolling notice (a full redraw every frame), drawn by SDL's software
 *     renderer into memory: p50/p99 per frame and the CPU share of one core
 *     that 60 frames per second would cost.  No GPU and no screen here, so
 *     this is the worst case (a real screen uses an accelerated renderer).
 *  2. Delay from a call's commit to its number on screen: the real
 *     onestop-display (offscreen, 1920x1080) against a real onestopd; the
 *     time from the answer of POST .../next (sent after the commit) to the
 *     end of the first frame presented with that event.
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
#include "board.h"
#include "dmodel.h"
#include "draw.h"

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

static int
frames(void)
{
	enum { N = 600 };
	static double ft[N];
	char json[32768], ev[256];
	size_t len = 0;
	struct dmodel m;
	struct board_opts o;
	struct dmodel_call call;
	SDL_Surface *s;
	SDL_Renderer *r;
	draw *d;
	struct rusage a, b;
	double t0, sum = 0, cpu;
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
	board_render(d, &m, &o, 1920, 1080, 0, 1764322500, 1);   /* warm the caches */
	getrusage(RUSAGE_SELF, &a);
	t0 = now_ms();
	for (i = 0; i < N; i++) {
		double f0 = now_ms();

		board_render(d, &m, &o, 1920, 1080, 20 + i * 1000 / 60, 1764322500, 1);
		ft[i] = now_ms() - f0;
		sum += ft[i];
	}
	getrusage(RUSAGE_SELF, &b);
	cpu = (double)(b.ru_utime.tv_sec - a.ru_utime.tv_sec + b.ru_stime.tv_sec -
	    a.ru_stime.tv_sec) * 1e3 + (double)(b.ru_utime.tv_usec - a.ru_utime.tv_usec +
	    b.ru_stime.tv_usec - a.ru_stime.tv_usec) / 1e3;
	qsort(ft, N, sizeof ft[0], cmp_d);
	printf("frame 1920x1080, 40 counters, software renderer: p50 %.2f ms, p99 %.2f ms, "
	    "max %.2f ms (%d frames in %.0f ms)\n", ft[N / 2], ft[N * 99 / 100], ft[N - 1], N,
	    now_ms() - t0);
	printf("CPU at 60 frames/s: %.1f%% of one core (CPU %.0f ms for %d frames = %.1f s "
	    "of display) - goal < 20%%\n", cpu / ((double)N / 60.0 * 1000.0) * 100.0, cpu, N,
	    (double)N / 60.0);
	draw_free(d);
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(s);
	TTF_Quit();
	dmodel_free(&m);
	return 0;
}

static int
latency(void)
{
	enum { CALLS = 15 };
	struct dd d;
	struct hn_http adm;
	char tok[600], trace[600], url[64], bin[512], want[64], line[256], log[600];
	const char *b = getenv("B") ? getenv("B") : "build";
	double lat[CALLS];
	cJSON *o = NULL;
	pid_t dp;
	int i, n = 0;

	if (dd_init(&d, "benchdisp") != 0 || dd_add_user(&d, "admin", "admin", "pw-bench-1") != 0 ||
	    dd_start(&d) != 0)
		return -1;
	hn_http_init(&adm, d.port, NULL);
	if (hn_login(&adm, "admin", "pw-bench-1") != 0 ||
	    hn_req(&adm, "POST", "/api/v1/devices", "{\"name\":\"display-1\",\"role\":\"display\"}",
	    &o) != 201)
		goto out;
	snprintf(tok, sizeof tok, "%s/token", d.dir);
	dd_write(tok, hn_str(o, "token"));
	cJSON_Delete(o);
	o = NULL;
	snprintf(trace, sizeof trace, "%s/trace", d.dir);
	snprintf(log, sizeof log, "%s/display.log", d.dir);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", d.port);
	snprintf(bin, sizeof bin, "%s/onestop-display", b);
	{
		const char *argv[] = { bin, "-u", url, "-t", tok, "-W", "1920", "-H", "1080",
			"--trace", trace, "--no-audio", NULL };
		const char *env[] = { "SDL_VIDEODRIVER=offscreen", NULL };

		dp = dd_spawn(argv, env, log);
	}
	if (dd_wait_line(trace, " up", 1, 30) != 0)
		goto stop;
	hn_req(&adm, "POST", "/api/v1/counters/1/open", NULL, NULL);
	for (i = 0; i < CALLS; i++) {
		double t0, t1;
		long ev;
		FILE *f;

		hn_req(&adm, "POST", "/api/v1/tickets", "{\"queue\":\"TP-LL\"}", NULL);
		if (i > 0)
			hn_req(&adm, "POST", "/api/v1/counters/1/finish", NULL, NULL);
		t0 = hn_now_ms();
		if (hn_req(&adm, "POST", "/api/v1/counters/1/next", NULL, NULL) != 200)
			break;
		t1 = hn_now_ms();
		if (hn_req(&adm, "GET", "/healthz", NULL, &o) != 200)
			break;
		ev = (long)hn_num(o, "last_event_id", -1);
		cJSON_Delete(o);
		o = NULL;
		snprintf(want, sizeof want, "shown %ld\n", ev);
		if (dd_wait_line(trace, want, 1, 10) != 0)
			break;
		f = fopen(trace, "r");
		while (f != NULL && fgets(line, sizeof line, f) != NULL) {
			long long ms;
			long id;

			if (sscanf(line, "%lld shown %ld", &ms, &id) == 2 && id == ev) {
				lat[n++] = (double)ms - t1;
				(void)t0;
				break;
			}
		}
		if (f != NULL)
			fclose(f);
	}
	if (n > 0) {
		qsort(lat, (size_t)n, sizeof lat[0], cmp_d);
		printf("call committed -> number on screen (1920x1080, offscreen): p50 %.0f ms, "
		    "max %.0f ms over %d calls (ms clock; goal < 100 ms)\n", lat[n / 2], lat[n - 1], n);
	}
stop:
	kill(dp, SIGTERM);
	waitpid(dp, NULL, 0);
	if (dd_count(trace, "stats") > 0) {
		FILE *f = fopen(trace, "r");

		while (f != NULL && fgets(line, sizeof line, f) != NULL)
			if (strstr(line, "stats") != NULL)
				printf("display process over the run (%s", strchr(line, ' ') + 1);
		if (f != NULL)
			fclose(f);
	}
out:
	dd_kill(&d);
	hn_http_free(&adm);
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", d.dir);
		if (system(cmd) != 0)
			return -1;
	}
	return n > 0 ? 0 : -1;
}

int
main(void)
{
	int rc = frames();

	if (latency() != 0)
		rc = -1;
	return rc == 0 ? 0 : 1;
}
