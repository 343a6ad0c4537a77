/*
 * it_display_shot.c - onestop-display --screenshot against a real onestopd,
 * headless (SDL_VIDEODRIVER=offscreen), on a quiet centre (no ticket, no
 * call: nothing changes after the state arrives):
 *  - the first screenshot is written only after the full state and the
 *    stream are there: its trace line comes after "state" and "up" and
 *    says loaded=1 connected=1, and the picture holds no pixel of the
 *    amber "Đang kết nối lại…" mark (the frame of the start, before the
 *    state, would);
 *  - the notice line set by an admin (PUT /api/v1/notice) reaches a
 *    running display without a restart (the change ends the stream, the
 *    display reloads the state): white text appears in the bottom strip,
 *    which was empty;
 *  - with nothing listening on the daemon's port, the first screenshot
 *    comes after the failure is known ("down"), and shows the mark.
 * KEEP=1 keeps the temp dir (the pictures) even when the test passes.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../host/harness.h"
#include "displays/draw.h"
#include "dproc.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, \
	__LINE__, #c); goto out; } } while (0)

/* The reconnecting mark's colour (board.c C_WARN) as draw_load_png gives it. */
#define AMBER 0xffffb300u

static int
device_token(struct hn_http *h, const char *name, const char *path)
{
	char body[128];
	cJSON *o = NULL;
	long st;
	int rc = -1;

	snprintf(body, sizeof body, "{\"name\":\"%s\",\"role\":\"display\"}", name);
	st = hn_req(h, "POST", "/api/v1/devices", body, &o);
	if (st == 201 && hn_str(o, "token") != NULL)
		rc = dd_write(path, hn_str(o, "token"));
	cJSON_Delete(o);
	return rc;
}

/* Pixels of the amber mark in the PNG at path, or -1. */
static long
amber_pixels(const char *path)
{
	uint32_t *px;
	int w, h;
	long i, n = 0;

	if (draw_load_png(path, &px, &w, &h) != 0)
		return -1;
	for (i = 0; i < (long)w * h; i++)
		n += px[i] == AMBER;
	free(px);
	return n;
}

/*
 * The trace up to its first "screenshot" line: 0 when that line exists,
 * with *state / *up / *down set when such lines came before it, and the
 * line itself in shot.
 */
static int
first_shot(const char *trace, int *state, int *up, int *down, char *shot, size_t n)
{
	FILE *f = fopen(trace, "r");
	char line[512];
	int rc = -1;

	*state = *up = *down = 0;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, " screenshot ") != NULL) {
			snprintf(shot, n, "%s", line);
			rc = 0;
			break;
		}
		*state |= strstr(line, " state ") != NULL;
		*up |= strstr(line, " up") != NULL;
		*down |= strstr(line, " down") != NULL;
	}
	fclose(f);
	return rc;
}

/* Start the display on url; its trace, log and picture under dir/tag.*. */
static pid_t
spawn_display(const char *dir, const char *tag, const char *url, const char *tok,
    char *trace, char *shot, size_t n)
{
	char dlog[600], bin[512];
	const char *b = getenv("B") ? getenv("B") : "build";

	snprintf(trace, n, "%s/%s.trace", dir, tag);
	snprintf(shot, n, "%s/%s.png", dir, tag);
	snprintf(dlog, sizeof dlog, "%s/%s.log", dir, tag);
	snprintf(bin, sizeof bin, "%s/onestop-display", b);
	{
		const char *argv[] = { bin, "-u", url, "-t", tok, "-W", "960", "-H", "540",
			"--fps", "30", "--no-audio", "--trace", trace, "--screenshot", shot,
			"--every", "5", NULL };
		const char *env[] = { "SDL_VIDEODRIVER=offscreen", NULL };

		return dd_spawn(argv, env, dlog);
	}
}

static int
stop_display(pid_t p)
{
	int st = 0;

	if (p <= 0)
		return 0;
	kill(p, SIGTERM);
	waitpid(p, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* White pixels (notice text) in the bottom strip of the PNG at path, or -1. */
static long
notice_pixels(const char *path)
{
	uint32_t *px;
	int w, h;
	long i, n = 0;

	if (draw_load_png(path, &px, &w, &h) != 0)
		return -1;
	for (i = (long)w * (h - h * 7 / 100); i < (long)w * h; i++)
		n += px[i] == 0xffffffffu;
	free(px);
	return n;
}

int
main(void)
{
	struct dd d;
	struct hn_http adm;
	char tok[600], url[64], trace[600], shot[600], line[512];
	int ok = 0, state, up, down;
	long amber;
	pid_t disp = 0;

	if (dd_init(&d, "itshot") != 0 || dd_add_user(&d, "admin", "admin", "matkhau-1") != 0 ||
	    dd_start(&d) != 0) {
		fprintf(stderr, "cannot start onestopd\n");
		return 1;
	}
	hn_http_init(&adm, d.port, NULL);
	CHECK(hn_login(&adm, "admin", "matkhau-1") == 0);
	snprintf(tok, sizeof tok, "%s/display.token", d.dir);
	CHECK(device_token(&adm, "display-1", tok) == 0);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", d.port);

	/* A quiet centre: the first picture is the centre's, not the start's. */
	disp = spawn_display(d.dir, "quiet", url, tok, trace, shot, sizeof trace);
	CHECK(disp > 0);
	CHECK(dd_wait_line(trace, " screenshot ", 1, 30) == 0);
	amber = amber_pixels(shot);
	CHECK(first_shot(trace, &state, &up, &down, line, sizeof line) == 0);
	printf("first screenshot: %s", line);
	printf("  before it: state %d, up %d, down %d; amber pixels %ld\n", state, up, down,
	    amber);
	CHECK(state && up);
	CHECK(strstr(line, "loaded=1 connected=1") != NULL);
	CHECK(amber == 0);
	CHECK(notice_pixels(shot) == 0);
	/* The admin sets the notice: the running display shows it. */
	CHECK(hn_req(&adm, "PUT", "/api/v1/notice",
	    "{\"notice\":\"Chiều thứ Bảy trung tâm nghỉ làm việc.\"}", NULL) == 200);
	CHECK(dd_wait_line(trace, " state ", 2, 30) == 0);
	{
		int k = dd_count(trace, " screenshot ");

		CHECK(dd_wait_line(trace, " screenshot ", k + 1, 30) == 0);
	}
	printf("  notice pixels after PUT /api/v1/notice: %ld\n", notice_pixels(shot));
	CHECK(notice_pixels(shot) > 100);
	CHECK(stop_display(disp) == 0);
	disp = 0;

	/* Nothing listening: the first picture comes once the failure is known,
	 * and says so. */
	dd_kill(&d);
	disp = spawn_display(d.dir, "down", url, tok, trace, shot, sizeof trace);
	CHECK(disp > 0);
	CHECK(dd_wait_line(trace, " screenshot ", 1, 30) == 0);
	amber = amber_pixels(shot);
	CHECK(first_shot(trace, &state, &up, &down, line, sizeof line) == 0);
	printf("no daemon, first screenshot: %s", line);
	printf("  before it: state %d, up %d, down %d; amber pixels %ld\n", state, up, down,
	    amber);
	CHECK(down && !state && !up);
	CHECK(strstr(line, "loaded=0 connected=0") != NULL);
	CHECK(amber > 0);
	CHECK(stop_display(disp) == 0);
	disp = 0;
	ok = 1;
out:
	if (disp > 0)
		stop_display(disp);
	dd_kill(&d);
	hn_http_free(&adm);
	if (!ok || getenv("KEEP") != NULL) {
		fprintf(stderr, "kept %s for inspection\n", d.dir);
		return !ok;
	}
	{
		char cmd[400];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", d.dir);
		if (system(cmd) != 0)
			return 1;
	}
	printf("it_display_shot: ok\n");
	return 0;
}
