/*
 * display_main.c - onestop-display, the wall display.  Options from the
 * command line and/or a small INI ([display] section, same names); see
 * displays/README.md.  Threads: this one (SDL events, model, drawing), the
 * network thread (netclient) and the announcer's worker.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <SDL.h>
#include <SDL_ttf.h>
#include <ini.h>

#include "common/strnum.h"
#include "displays/announce.h"
#include "displays/board.h"
#include "displays/dmodel.h"
#include "displays/draw.h"
#include "common/log.h"
#include "displays/netclient.h"
#include "common/xmalloc.h"

struct dopts {
	char *url, *token_file, *counters, *departments, *queues, *area;
	char *notice, *title, *clips, *screenshot, *trace, *font, *font_bold;
	long width, height, max_age, flash_s, history, fps, frames, shot_every;
	int windowed, voice, audio;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: onestop-display [-c display.ini] [-u URL] [-t TOKEN_FILE]\n"
	    "  [--counters 1-8,12] [--departments TP,XD] [--queues TP-HT] [--area NAME]\n"
	    "  [--notice TEXT] [--title TEXT] [-W WIDTH -H HEIGHT] [--windowed]\n"
	    "  [--clips DIR] [--no-voice] [--no-audio] [--max-age S] [--flash S]\n"
	    "  [--history N] [--fps N] [--screenshot FILE.png [--every S]]\n"
	    "  [--trace FILE] [--frames N] [--font F --font-bold F]\n");
	exit(2);
}

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	long long v;

	if (strnum_parse(s, lo, hi, &v) != 0)
		return -1;
	*out = (long)v;
	return 0;
}

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* One option by name (from the INI or the command line); 0 or -1. */
static int
set_opt(struct dopts *o, const char *name, const char *v)
{
	static const struct { const char *name; size_t off; } strs[] = {
		{ "url", offsetof(struct dopts, url) },
		{ "token-file", offsetof(struct dopts, token_file) },
		{ "counters", offsetof(struct dopts, counters) },
		{ "departments", offsetof(struct dopts, departments) },
		{ "queues", offsetof(struct dopts, queues) },
		{ "area", offsetof(struct dopts, area) },
		{ "notice", offsetof(struct dopts, notice) },
		{ "title", offsetof(struct dopts, title) },
		{ "clips", offsetof(struct dopts, clips) },
		{ "screenshot", offsetof(struct dopts, screenshot) },
		{ "trace", offsetof(struct dopts, trace) },
		{ "font", offsetof(struct dopts, font) },
		{ "font-bold", offsetof(struct dopts, font_bold) },
	};
	static const struct { const char *name; size_t off; long lo, hi; } nums[] = {
		{ "width", offsetof(struct dopts, width), 160, 16384 },
		{ "height", offsetof(struct dopts, height), 120, 16384 },
		{ "max-age", offsetof(struct dopts, max_age), 0, 86400 },
		{ "flash", offsetof(struct dopts, flash_s), 0, 600 },
		{ "history", offsetof(struct dopts, history), 1, 15 },
		{ "fps", offsetof(struct dopts, fps), 1, 240 },
		{ "frames", offsetof(struct dopts, frames), 0, 100000000 },
		{ "every", offsetof(struct dopts, shot_every), 1, 86400 },
	};
	size_t i;

	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (strcmp(name, strs[i].name) == 0) {
			set_str((char **)(void *)((char *)o + strs[i].off), v);
			return 0;
		}
	for (i = 0; i < sizeof nums / sizeof nums[0]; i++)
		if (strcmp(name, nums[i].name) == 0)
			return parse_long(v, nums[i].lo, nums[i].hi,
			    (long *)(void *)((char *)o + nums[i].off));
	if (strcmp(name, "windowed") == 0 || strcmp(name, "voice") == 0 ||
	    strcmp(name, "audio") == 0) {
		int b = strcmp(v, "yes") == 0 || strcmp(v, "1") == 0 || strcmp(v, "true") == 0;

		if (!b && strcmp(v, "no") != 0 && strcmp(v, "0") != 0 && strcmp(v, "false") != 0)
			return -1;
		if (name[0] == 'w')
			o->windowed = b;
		else if (name[0] == 'v')
			o->voice = b;
		else
			o->audio = b;
		return 0;
	}
	return -1;
}

static int
ini_cb(void *arg, const char *section, const char *name, const char *value)
{
	char key[64];
	size_t i;

	if (strcmp(section, "display") != 0)
		return 0;
	snprintf(key, sizeof key, "%s", name);
	for (i = 0; key[i] != '\0'; i++)
		if (key[i] == '_')
			key[i] = '-';
	return set_opt(arg, key, value) == 0;
}

static char *
read_token(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	size_t n;

	if (f == NULL)
		fatal("token file %s", path);
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	n = strcspn(buf, "\r\n \t");
	buf[n] = '\0';
	return xstrdup(buf);
}

static Uint32 wake_event;

static void
wake(void *arg)
{
	SDL_Event ev;

	(void)arg;
	SDL_zero(ev);
	ev.type = wake_event;
	SDL_PushEvent(&ev);
}

static FILE *trace_f;
static SDL_mutex *trace_mu;

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line of the trace file, with the monotonic ms first. */
static void
trace(const char *fmt, ...)
{
	va_list ap;

	if (trace_f == NULL)
		return;
	SDL_LockMutex(trace_mu);
	fprintf(trace_f, "%lld ", (long long)netclient_now_ms());
	va_start(ap, fmt);
	vfprintf(trace_f, fmt, ap);
	va_end(ap);
	fputc('\n', trace_f);
	fflush(trace_f);
	SDL_UnlockMutex(trace_mu);
}

static void
trace_announce(void *arg, const struct dmodel_call *c, int start, const int16_t *pcm,
    size_t n)
{
	(void)arg;
	(void)pcm;
	trace("announce-%s %lld %d %d %zu", start ? "start" : "end", (long long)c->event_id,
	    c->number, c->counter, n);
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "url", required_argument, NULL, 'u' },
		{ "token-file", required_argument, NULL, 't' },
		{ "width", required_argument, NULL, 'W' },
		{ "height", required_argument, NULL, 'H' },
		{ "counters", required_argument, NULL, 1 },
		{ "departments", required_argument, NULL, 1 },
		{ "queues", required_argument, NULL, 1 },
		{ "area", required_argument, NULL, 1 },
		{ "notice", required_argument, NULL, 1 },
		{ "title", required_argument, NULL, 1 },
		{ "clips", required_argument, NULL, 1 },
		{ "max-age", required_argument, NULL, 1 },
		{ "flash", required_argument, NULL, 1 },
		{ "history", required_argument, NULL, 1 },
		{ "fps", required_argument, NULL, 1 },
		{ "screenshot", required_argument, NULL, 1 },
		{ "every", required_argument, NULL, 1 },
		{ "trace", required_argument, NULL, 1 },
		{ "frames", required_argument, NULL, 1 },
		{ "font", required_argument, NULL, 1 },
		{ "font-bold", required_argument, NULL, 1 },
		{ "windowed", no_argument, NULL, 2 },
		{ "no-voice", no_argument, NULL, 3 },
		{ "no-audio", no_argument, NULL, 4 },
		{ NULL, 0, NULL, 0 },
	};
	struct dopts o;
	struct dmodel m;
	struct board_opts bo;
	char err[256] = "", *token = NULL;
	SDL_Window *win;
	SDL_Renderer *r;
	draw *d;
	netclient *net;
	announce *ann = NULL;
	struct announce_sdl *sdl_audio = NULL;
	int i, ch, idx, w, h, running = 1, connected = 0, dirty = 1, offscreen, retained;
	int notice_w = -1, notice_h = -1, notice_scrolls = 0;
	char notice_last[1024] = "";
	/* Screenshots: the first only once the picture is the centre's (full
	 * state and stream up) or a failure to connect is known (a "down"),
	 * never the "reconnecting" frame of the start; then at most every
	 * --every s, whenever the picture changed since the last one. */
	int shot_ready = 0, shot_stale = 0, saw_down = 0;
	int64_t last_page = -1;
	long painted = 0;
	int64_t pending_shown[64], last_shot = 0, frame_ms, next_frame;
	int npending = 0;
	long *ft = NULL, nft = 0, capft = 0, frames = 0;
	time_t last_min = 0;
	struct rusage ru0, ru1;
	int64_t t0;

	memset(&o, 0, sizeof o);
	o.url = xstrdup("http://127.0.0.1:8080");
	o.width = 1920;
	o.height = 1080;
	o.max_age = 30;
	o.flash_s = 10;
	o.history = 6;
	o.fps = 60;
	o.shot_every = 5;
	o.voice = o.audio = 1;
	log_init("onestop-display", LOG_LVL_INFO, 0);
	/* The INI first, so that the command line wins. */
	for (i = 1; i < argc - 1; i++)
		if (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) {
			int rc = ini_parse(argv[i + 1], ini_cb, &o);

			if (rc != 0)
				fatalx("%s:%d: bad line (or file unreadable)", argv[i + 1], rc);
		}
	while ((ch = getopt_long(argc, argv, "c:u:t:W:H:", longopts, &idx)) != -1) {
		switch (ch) {
		case 'c':
			break;
		case 'u':
			set_str(&o.url, optarg);
			break;
		case 't':
			set_str(&o.token_file, optarg);
			break;
		case 'W':
			if (set_opt(&o, "width", optarg) != 0)
				usage();
			break;
		case 'H':
			if (set_opt(&o, "height", optarg) != 0)
				usage();
			break;
		case 1:
			if (set_opt(&o, longopts[idx].name, optarg) != 0)
				fatalx("bad value for --%s: %s", longopts[idx].name, optarg);
			break;
		case 2:
			o.windowed = 1;
			break;
		case 3:
			o.voice = 0;
			break;
		case 4:
			o.audio = 0;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	dmodel_init(&m);
	m.max_age_s = (int)o.max_age;
	if (o.counters != NULL && dmodel_filter_counters(&m.filter, o.counters) != 0)
		fatalx("bad counters list: %s", o.counters);
	if (o.departments != NULL && dmodel_filter_codes(&m.filter, 0, o.departments) != 0)
		fatalx("bad departments list: %s", o.departments);
	if (o.queues != NULL && dmodel_filter_codes(&m.filter, 1, o.queues) != 0)
		fatalx("bad queues list: %s", o.queues);
	if (o.area != NULL)
		snprintf(m.filter.area, sizeof m.filter.area, "%s", o.area);
	board_opts_default(&bo);
	bo.notice = o.notice;
	bo.title = o.title;
	bo.flash_ms = (int)o.flash_s * 1000;
	bo.history = (int)o.history;
	if (o.token_file != NULL)
		token = read_token(o.token_file);
	if (o.trace != NULL) {
		trace_f = fopen(o.trace, "a");
		if (trace_f == NULL)
			fatal("%s", o.trace);
	}

	/* The window surface in plain memory, not a GL texture (no GPU is
	 * assumed; the environment can still say otherwise). */
	SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
		fatalx("SDL: %s", SDL_GetError());
	trace_mu = SDL_CreateMutex();
	offscreen = strcmp(SDL_GetCurrentVideoDriver(), "offscreen") == 0 ||
	    strcmp(SDL_GetCurrentVideoDriver(), "dummy") == 0;
	if (TTF_Init() != 0)
		fatalx("SDL_ttf: %s", TTF_GetError());
	win = SDL_CreateWindow("onestop-display", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
	    (int)o.width, (int)o.height,
	    o.windowed || offscreen ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
	if (win == NULL)
		fatalx("SDL window: %s", SDL_GetError());
	SDL_ShowCursor(SDL_DISABLE);
	/*
	 * SDL's software renderer on the window's own surface, painting only
	 * what changed and pushing only those rectangles to the screen
	 * (SDL_UpdateWindowSurfaceRects: an X11 shared-memory put of the
	 * boxes).  Without a surface (some drivers), an accelerated renderer
	 * that redraws everything when something changed.
	 */
	r = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
	retained = r != NULL;
	if (r == NULL)
		r = SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED |
		    SDL_RENDERER_PRESENTVSYNC);
	if (r == NULL)
		fatalx("SDL renderer: %s", SDL_GetError());
	d = draw_new(r, o.font, o.font_bold, err, sizeof err);
	if (d == NULL)
		fatalx("%s", err);
	draw_set_retained(d, retained);
	if (o.audio) {
		sdl_audio = announce_sdl_open(err, sizeof err);
		if (sdl_audio == NULL) {
			log_warnx("no sound: %s", err);
		} else {
			struct announce_sink sink = announce_sdl_sink(sdl_audio);

			err[0] = '\0';
			ann = announce_new(o.clips, o.voice, &sink, err, sizeof err);
			if (err[0] != '\0')
				log_warnx("%s", err);
			if (ann != NULL)
				announce_set_trace(ann, trace_announce, NULL);
		}
	}
	if (offscreen && o.screenshot != NULL)
		log_info("no screen: writing a screenshot to %s every %ld s", o.screenshot,
		    o.shot_every);
	wake_event = SDL_RegisterEvents(1);
	net = netclient_start(o.url, token, wake, NULL);
	if (net == NULL)
		fatalx("cannot start the network thread");
	log_info("showing %s on %s (%s)", o.url, SDL_GetCurrentVideoDriver(),
	    retained ? "software, changed parts only" : "accelerated, full redraws");
	trace("start");

	frame_ms = 1000 / o.fps;
	next_frame = netclient_now_ms();
	getrusage(RUSAGE_SELF, &ru0);
	t0 = netclient_now_ms();
	while (running) {
		struct netclient_msg msgs[64];
		int n, k, shot_due;
		int64_t now, wait;
		time_t wall;
		SDL_Event ev;

		now = netclient_now_ms();
		wait = next_frame - now;
		if (SDL_WaitEventTimeout(&ev, wait > 0 ? (int)wait : 0)) {
			do {
				if (ev.type == SDL_QUIT)
					running = 0;
				else if (ev.type == SDL_WINDOWEVENT) {
					dirty = 1;
					draw_invalidate(d);
				}
				else if (ev.type == SDL_KEYDOWN && ev.key.keysym.sym == SDLK_ESCAPE &&
				    o.windowed)
					running = 0;
			} while (SDL_PollEvent(&ev));
		}
		while ((n = netclient_take(net, msgs, 64)) > 0) {
			now = netclient_now_ms();
			for (k = 0; k < n; k++) {
				struct netclient_msg *mm = &msgs[k];
				struct dmodel_call call;

				switch (mm->kind) {
				case NETCLIENT_STATE:
					if (dmodel_apply_state(&m, mm->text, now) == 0)
						dirty = 1;
					trace("state %lld", (long long)m.state_event_id);
					break;
				case NETCLIENT_EVENT:
					if (dmodel_apply_event(&m, mm->text, (int64_t)time(NULL), now,
					    &call) == 1) {
						trace("announce-queued %lld %d %d", (long long)call.event_id,
						    call.number, call.counter);
						if (ann != NULL)
							announce_push(ann, &call);
					}
					trace("event %lld rx %lld", (long long)mm->id, (long long)mm->at_ms);
					if (npending < 64)
						pending_shown[npending++] = mm->id;
					dirty = 1;
					break;
				case NETCLIENT_UP:
					connected = 1;
					dirty = 1;
					trace("up");
					log_info("connected to %s", o.url);
					break;
				case NETCLIENT_DOWN:
					if (connected || frames == 0)
						log_warnx("reconnecting: %s", mm->text ? mm->text : "");
					connected = 0;
					saw_down = 1;
					dirty = 1;
					trace("down %s", mm->text ? mm->text : "");
					break;
				}
				netclient_msg_free(mm);
			}
		}
		now = netclient_now_ms();
		if (now < next_frame)
			continue;
		next_frame += frame_ms;
		if (next_frame < now)
			next_frame = now + frame_ms;
		wall = time(NULL);
		if (wall / 60 != last_min) {
			last_min = wall / 60;
			dirty = 1;
		}
		if (bo.page_ms > 0 && now / bo.page_ms != last_page) {
			/* The waiting counts may turn a page. */
			last_page = now / bo.page_ms;
			dirty = 1;
		}
		if (!shot_ready && ((m.loaded && connected) || saw_down)) {
			shot_ready = 1;
			dirty = 1;
		}
		SDL_GetRendererOutputSize(r, &w, &h);
		/* The notice line set in the admin pages (the state's "notice")
		   wins over --notice; an empty one leaves --notice. */
		bo.notice = m.notice[0] != '\0' ? m.notice : o.notice;
		if (w != notice_w || h != notice_h ||
		    strcmp(bo.notice != NULL ? bo.notice : "", notice_last) != 0) {
			/* The notice scrolls when wider than its strip. */
			notice_w = w;
			notice_h = h;
			snprintf(notice_last, sizeof notice_last, "%s", bo.notice != NULL ? bo.notice : "");
			notice_scrolls = bo.notice != NULL && draw_text_width(d, bo.notice,
			    h * 7 / 100 * 55 / 100, 0) > w - h / 10;
			dirty = 1;
		}
		/* Redraw only when something moves or changed, or a screenshot is
		 * due (the picture is read before it is presented). */
		shot_due = o.screenshot != NULL && shot_ready && (shot_stale || dirty) &&
		    (last_shot == 0 || now - last_shot >= o.shot_every * 1000);
		if (dirty || shot_due || notice_scrolls || board_animating(&m, &bo, now)) {
			int64_t t1 = netclient_now_ms();
			struct timespec a, b;
			SDL_Rect rects[16];
			int nr;

			clock_gettime(CLOCK_MONOTONIC, &a);
			board_render(d, &m, &bo, w, h, now, wall, connected);
			nr = draw_frame_end(d, w, h, rects, 16);
			if (nr > 0)
				shot_stale = 1;
			/* Retained mode: nothing painted means the surface already
			 * holds this very picture. */
			if (shot_due && shot_stale) {
				char tmp[1100];

				SDL_RenderFlush(r);
				snprintf(tmp, sizeof tmp, "%s.tmp", o.screenshot);
				if (draw_save_png(r, w, h, tmp) == 0 && rename(tmp, o.screenshot) == 0)
					trace("screenshot %s loaded=%d connected=%d", o.screenshot, m.loaded,
					    connected);
				last_shot = t1;
				shot_stale = 0;
			}
			if (nr > 0) {
				SDL_RenderFlush(r);
				if (retained)
					SDL_UpdateWindowSurfaceRects(win, rects, nr);
				else
					SDL_RenderPresent(r);
				painted++;
			}
			clock_gettime(CLOCK_MONOTONIC, &b);
			if (nft == capft) {
				capft = capft ? capft * 2 : 4096;
				ft = xreallocarray(ft, (size_t)capft, sizeof *ft);
			}
			ft[nft++] = (b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000;
			for (k = 0; k < npending; k++)
				trace("shown %lld", (long long)pending_shown[k]);
			npending = 0;
			dirty = 0;
		}
		frames++;
		if (o.frames > 0 && frames >= o.frames)
			running = 0;
	}
	getrusage(RUSAGE_SELF, &ru1);
	if (nft > 0) {
		double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec +
		    ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
		    (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
		    ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
		double wallsec = (double)(netclient_now_ms() - t0) / 1000.0;

		qsort(ft, (size_t)nft, sizeof *ft, cmp_long);
		trace("stats frames=%ld drawn=%ld painted=%ld p50_us=%ld p99_us=%ld max_us=%ld "
		    "cpu_pct=%.1f", frames, nft, painted, ft[nft / 2], ft[nft * 99 / 100],
		    ft[nft - 1], wallsec > 0 ? 100.0 * cpu / wallsec : 0.0);
	}
	trace("exit");
	netclient_stop(net);
	announce_free(ann);
	announce_sdl_close(sdl_audio);
	draw_free(d);
	SDL_DestroyRenderer(r);
	SDL_DestroyWindow(win);
	TTF_Quit();
	SDL_Quit();
	dmodel_free(&m);
	free(ft);
	free(token);
	if (trace_f != NULL)
		fclose(trace_f);
	free(o.url); free(o.token_file); free(o.counters); free(o.departments);
	free(o.queues); free(o.area); free(o.notice); free(o.title); free(o.clips);
	free(o.screenshot); free(o.trace); free(o.font); free(o.font_bold);
	return 0;
}
