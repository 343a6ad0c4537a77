/*
 * it_display.c - the wall display against a real onestopd, headless
 * (SDL_VIDEODRIVER=offscreen, SDL_AUDIODRIVER=disk):
 *  - five calls made within a second are announced in order, each once,
 *    one at a time, and the audio output is at least as long as them;
 *  - the daemon is killed: the display marks itself reconnecting; it is
 *    restarted on the same port and a call is made at once: the display
 *    recovers by itself and shows that call (event id traced as shown);
 *  - a screenshot is written.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../host/harness.h"
#include "dproc.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, \
	__LINE__, #c); goto out; } } while (0)

static int
device_token(struct hn_http *h, const char *name, const char *role, const char *path)
{
	char body[128];
	cJSON *o = NULL;
	long st;
	int rc = -1;

	snprintf(body, sizeof body, "{\"name\":\"%s\",\"role\":\"%s\"}", name, role);
	st = hn_req(h, "POST", "/api/v1/devices", body, &o);
	if (st == 201 && hn_str(o, "token") != NULL)
		rc = dd_write(path, hn_str(o, "token"));
	cJSON_Delete(o);
	return rc;
}

/* POST and return the "id" of the ticket acted on, or -1. */
static long
post(struct hn_http *h, const char *path, const char *body)
{
	cJSON *o = NULL;
	long st = hn_req(h, "POST", path, body, &o), id = -1;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "ticket");

	if ((st == 200 || st == 201) && cJSON_IsObject(t))
		id = (long)hn_num(t, "number", -1);
	else if (st == 200 || st == 201)
		id = 0;
	else
		fprintf(stderr, "POST %s: %ld\n", path, st);
	cJSON_Delete(o);
	return id;
}

int
main(void)
{
	struct dd d;
	struct hn_http adm, kio;
	char trace[600], audio[600], shot[600], tok[600], ktok[600], url[64], dlog[600];
	char envtrace[700], envaudio[700], want[64], line[256];
	const char *b = getenv("B") ? getenv("B") : "build";
	char bin[512];
	int i, ok = 0, numbers[5];
	pid_t disp = 0;
	long last_ev;
	FILE *f;

	if (dd_init(&d, "itdisp") != 0 || dd_add_user(&d, "admin", "admin", "matkhau-1") != 0 ||
	    dd_start(&d) != 0) {
		fprintf(stderr, "cannot start onestopd\n");
		return 1;
	}
	hn_http_init(&adm, d.port, NULL);
	hn_http_init(&kio, d.port, NULL);
	CHECK(hn_login(&adm, "admin", "matkhau-1") == 0);
	snprintf(tok, sizeof tok, "%s/display.token", d.dir);
	snprintf(ktok, sizeof ktok, "%s/kiosk.token", d.dir);
	CHECK(device_token(&adm, "display-1", "display", tok) == 0);
	CHECK(device_token(&adm, "kiosk-1", "kiosk", ktok) == 0);
	f = fopen(ktok, "r");
	CHECK(f != NULL && fgets(kio.token, sizeof kio.token, f) != NULL);
	fclose(f);

	snprintf(trace, sizeof trace, "%s/trace", d.dir);
	snprintf(audio, sizeof audio, "%s/audio.raw", d.dir);
	snprintf(shot, sizeof shot, "%s/screen.png", d.dir);
	snprintf(dlog, sizeof dlog, "%s/display.log", d.dir);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", d.port);
	snprintf(bin, sizeof bin, "%s/onestop-display", b);
	snprintf(envtrace, sizeof envtrace, "SDL_VIDEODRIVER=offscreen");
	snprintf(envaudio, sizeof envaudio, "SDL_DISKAUDIOFILE=%s", audio);
	{
		const char *argv[] = { bin, "-u", url, "-t", tok, "-W", "960", "-H", "540", "--fps", "30",
			"--trace", trace, "--screenshot", shot, "--every", "1", "--max-age", "120",
			"--notice", "Chào mừng quý khách", NULL };
		const char *env[] = { envtrace, "SDL_AUDIODRIVER=disk", envaudio,
			"SDL_DISKAUDIODELAY=5", NULL };

		disp = dd_spawn(argv, env, dlog);
	}
	CHECK(disp > 0);
	CHECK(dd_wait_line(trace, " up", 1, 30) == 0);

	/* Five tickets, five counters, five calls in a row. */
	{
		/* Queues the counters 1..5 of the demo centre serve. */
		static const char *const q[5] = { "TP-LL", "TP-LL", "TP-BT", "KH-DN", "KH-DN" };

		for (i = 0; i < 5; i++) {
			char body[96];

			snprintf(body, sizeof body, "{\"queue\":\"%s\",\"kiosk\":\"kiosk-1\"}", q[i]);
			CHECK(post(&kio, "/api/v1/tickets", body) > 0);
		}
	}
	for (i = 1; i <= 5; i++) {
		char path[64];

		snprintf(path, sizeof path, "/api/v1/counters/%d/open", i);
		CHECK(post(&adm, path, NULL) >= 0);
	}
	for (i = 1; i <= 5; i++) {
		char path[64];

		snprintf(path, sizeof path, "/api/v1/counters/%d/next", i);
		numbers[i - 1] = (int)post(&adm, path, NULL);
		CHECK(numbers[i - 1] > 0);
	}
	CHECK(dd_wait_line(trace, "announce-end", 5, 120) == 0);
	{
		/* In order, each once, never overlapping. */
		int starts = 0, ends = 0, playing = 0;
		long total = 0;
		struct stat st;

		f = fopen(trace, "r");
		CHECK(f != NULL);
		while (fgets(line, sizeof line, f) != NULL) {
			long long ms, ev;
			int num, ctr;
			size_t n;

			if (sscanf(line, "%lld announce-start %lld %d %d %zu", &ms, &ev, &num, &ctr,
			    &n) == 5) {
				CHECK(!playing);
				CHECK(starts < 5 && num == numbers[starts] && ctr == starts + 1);
				playing = 1;
				starts++;
				total += (long)n;
			} else if (strstr(line, "announce-end") != NULL) {
				CHECK(playing);
				playing = 0;
				ends++;
			}
		}
		fclose(f);
		CHECK(starts == 5 && ends == 5);
		CHECK(stat(audio, &st) == 0 && st.st_size >= total * 2);
		printf("announced 5 calls in order; %ld samples, audio file %lld bytes\n", total,
		    (long long)st.st_size);
	}

	/* Kill the daemon: the display notices and marks itself. */
	dd_kill(&d);
	CHECK(dd_wait_line(trace, " down", 1, 60) == 0);
	CHECK(dd_start(&d) == 0);
	CHECK(d.port == atoi(url + strlen("http://127.0.0.1:")));
	/* A call made right after the restart, before or while the display
	 * reconnects. */
	CHECK(post(&kio, "/api/v1/tickets", "{\"procedure\":\"1.001007\",\"kiosk\":\"kiosk-1\"}") > 0);
	CHECK(post(&adm, "/api/v1/counters/1/finish", NULL) >= 0);
	CHECK(post(&adm, "/api/v1/counters/1/next", NULL) > 0);
	{
		cJSON *o = NULL;

		CHECK(hn_req(&adm, "GET", "/healthz", NULL, &o) == 200);
		last_ev = (long)hn_num(o, "last_event_id", -1);
		cJSON_Delete(o);
	}
	CHECK(dd_wait_line(trace, " up", 2, 60) == 0);
	snprintf(want, sizeof want, "shown %ld\n", last_ev);
	CHECK(dd_wait_line(trace, want, 1, 60) == 0);
	CHECK(dd_wait_line(trace, "screenshot", 2, 30) == 0);
	printf("reconnected after a daemon restart; the call of event %ld was shown\n", last_ev);
	ok = 1;
out:
	if (disp > 0) {
		int st = 0;

		kill(disp, SIGTERM);
		waitpid(disp, &st, 0);
		if (ok && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
			fprintf(stderr, "display exit status %d\n", st);
			ok = 0;
		}
	}
	dd_kill(&d);
	hn_http_free(&adm);
	hn_http_free(&kio);
	if (!ok) {
		fprintf(stderr, "kept %s for inspection\n", d.dir);
		return 1;
	}
	{
		char cmd[400];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", d.dir);
		if (system(cmd) != 0)
			return 1;
	}
	printf("it_display: ok\n");
	return 0;
}
