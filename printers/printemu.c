/*
 * printemu.c - onestop-printemu, the ESC/POS printer emulator.
 *
 *   onestop-printemu decode IN.bin [--png OUT-%d.png] [--text OUT.txt]
 *                    [--paper 384|576] [--marks joined|apart]
 *   onestop-printemu serve (--tcp HOST:PORT | --pty LINK) --out DIR
 *                    [--control FILE] [--paper 384|576] [--marks ...]
 *
 * --marks apart plays a printer that prints each CP1258 tone mark in a
 * cell of its own (joined, over the letter, by default).
 *
 * decode turns a byte stream into one PNG per ticket (page ended by a cut)
 * and the text it found; everything it does not understand goes to stderr
 * as "offset N: what", and the exit status is 3 when there was any.
 * serve is a virtual printer: it prints "ready tcp HOST:PORT" (or "ready pty
 * LINK") once listening, writes DIR/ticket-NNNN.png then .txt for every
 * page, appends reports to DIR/reports.log, and answers DLE EOT from the
 * faults written in the control file (see escpos_faults_parse: paper-out,
 * near-end, cover-open, offline, error, gone, slow=MS), re-read whenever
 * it changes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/strnum.h"
#include "printers/escpos.h"
#include "printers/escpos_decode.h"
#include "printers/font.h"

static volatile sig_atomic_t emu_quit;

struct emu {
	const char *png_fmt, *text_path, *out_dir, *control;
	FILE *text;
	int pages;
	int reports;
	int fd;                  /* connection to answer on, -1 = none */
	unsigned faults;
	int slow_ms;
	long paper_left;         /* print bytes until paper end, -1 = off */
	struct timespec control_mtime;
	struct escpos_decoder *dec;
};

/* Signal handler: only sets a flag. */
static void
emu_signal(int sig)
{
	(void)sig;
	emu_quit = 1;
}

/* Usage and exit. */
static void __attribute__((noreturn))
emu_usage(void)
{
	fprintf(stderr,
	    "usage: onestop-printemu decode IN.bin [--png OUT-%%d.png] "
	    "[--text OUT.txt] [--paper 384|576] [--marks joined|apart]\n"
	    "       onestop-printemu serve (--tcp HOST:PORT | --pty LINK) "
	    "--out DIR [--control FILE] [--paper 384|576] "
	    "[--marks joined|apart]\n");
	exit(2);
}

/* --marks joined|apart: 1 for apart; usage on anything else. */
static int
emu_marks(const char *s)
{
	if (strcmp(s, "apart") == 0)
		return 1;
	if (strcmp(s, "joined") != 0)
		emu_usage();
	return 0;
}

/* Parse a whole decimal number in [lo, hi]. */
static int
emu_number(const char *s, long lo, long hi, long *out)
{
	long long v;

	if (strnum_parse(s, lo, hi, &v) != 0)
		return -1;
	*out = (long)v;
	return 0;
}

/* Write a file atomically (tmp + rename). */
static int
emu_write_text(const char *path, const char *text)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fputs(text, f);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* Page callback. */
static void
emu_page(void *arg, const struct bitmap *bm, const char *text)
{
	struct emu *e = arg;
	char path[4096], err[256];

	e->pages++;
	if (e->out_dir) {
		/* After a restart: go on past the pictures already there. */
		for (;;) {
			snprintf(path, sizeof path, "%s/ticket-%04d.png",
			    e->out_dir, e->pages);
			if (access(path, F_OK) != 0)
				break;
			e->pages++;
		}
		if (bitmap_write_png(bm, path, err, sizeof err) < 0)
			fprintf(stderr, "printemu: %s\n", err);
		snprintf(path, sizeof path, "%s/ticket-%04d.txt", e->out_dir,
		    e->pages);
		if (emu_write_text(path, text) < 0)
			fprintf(stderr, "printemu: %s: %s\n", path,
			    strerror(errno));
		printf("page %d %s\n", e->pages, path);
		fflush(stdout);
		return;
	}
	if (e->png_fmt) {
		const char *pc = strstr(e->png_fmt, "%d");
		snprintf(path, sizeof path, "%.*s%d%s", (int)(pc - e->png_fmt),
		    e->png_fmt, e->pages, pc + 2);
		if (bitmap_write_png(bm, path, err, sizeof err) < 0)
			fprintf(stderr, "printemu: %s\n", err);
	}
	if (e->text) {
		fprintf(e->text, "=== page %d\n%s", e->pages, text);
		fflush(e->text);
	}
}

/* Report callback. */
static void
emu_report(void *arg, size_t off, const char *msg)
{
	struct emu *e = arg;
	char path[4096];
	FILE *f;

	e->reports++;
	fprintf(stderr, "printemu: offset %zu: %s\n", off, msg);
	if (e->out_dir) {
		snprintf(path, sizeof path, "%s/reports.log", e->out_dir);
		if ((f = fopen(path, "a")) != NULL) {
			fprintf(f, "offset %zu: %s\n", off, msg);
			fclose(f);
		}
	}
}

/* Re-read the control file when it changed. */
static void
emu_control(struct emu *e)
{
	struct stat st;
	char buf[1024], err[128];
	unsigned faults;
	long after = -1;
	int slow;
	ssize_t n;
	int fd;

	if (e->control == NULL)
		return;
	if (stat(e->control, &st) < 0) {
		faults = 0;
		slow = 0;
		memset(&st.st_mtim, 0, sizeof st.st_mtim);
	} else {
		if (st.st_mtim.tv_sec == e->control_mtime.tv_sec &&
		    st.st_mtim.tv_nsec == e->control_mtime.tv_nsec)
			return;
		if ((fd = open(e->control, O_RDONLY)) < 0)
			return;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n < 0)
			return;
		buf[n] = '\0';
		if (escpos_faults_parse(buf, &faults, &slow, &after, err,
		    sizeof err) < 0) {
			fprintf(stderr, "printemu: %s: %s\n", e->control, err);
			return;
		}
	}
	e->control_mtime = st.st_mtim;
	if (faults != e->faults || slow != e->slow_ms) {
		char names[128];
		escpos_faults_name(faults, names, sizeof names);
		printf("faults %s slow=%d\n", names, slow);
		fflush(stdout);
	}
	e->faults = faults;
	e->slow_ms = slow;
	e->paper_left = after;
	escpos_decoder_set_offline(e->dec, (faults & (ESCPOS_ST_PAPER_END |
	    ESCPOS_ST_COVER_OPEN | ESCPOS_ST_OFFLINE | ESCPOS_ST_ERROR |
	    ESCPOS_ST_GONE)) != 0);
}

/* Status callback: answer DLE EOT n. */
static void
emu_status(void *arg, int n, size_t off)
{
	struct emu *e = arg;
	uint8_t r;

	(void)off;
	emu_control(e);
	if (e->fd < 0 || (e->faults & ESCPOS_ST_GONE))
		return;
	r = escpos_status_reply(e->faults, n);
	if (write(e->fd, &r, 1) != 1)
		fprintf(stderr, "printemu: status reply: %s\n", strerror(errno));
}

static const struct escpos_decoder_cb emu_cb = {
	emu_page, emu_status, emu_report,
};

/* decode IN [--png FMT] [--text OUT] [--paper N] */
static int
emu_decode(int argc, char **argv)
{
	struct emu e;
	char err[256];
	uint8_t buf[65536];
	long paper = 576;
	FILE *in;
	size_t n;
	int i, apart = 0;

	memset(&e, 0, sizeof e);
	e.fd = -1;
	if (argc < 1)
		emu_usage();
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--png") == 0 && i + 1 < argc)
			e.png_fmt = argv[++i];
		else if (strcmp(argv[i], "--text") == 0 && i + 1 < argc)
			e.text_path = argv[++i];
		else if (strcmp(argv[i], "--paper") == 0 && i + 1 < argc) {
			if (emu_number(argv[++i], 64, 4096, &paper) < 0)
				emu_usage();
		} else if (strcmp(argv[i], "--marks") == 0 && i + 1 < argc)
			apart = emu_marks(argv[++i]);
		else
			emu_usage();
	}
	if (e.png_fmt && strstr(e.png_fmt, "%d") == NULL) {
		fprintf(stderr, "printemu: --png needs %%d in the name\n");
		return 2;
	}
	if ((in = strcmp(argv[0], "-") ? fopen(argv[0], "rb") : stdin) == NULL) {
		fprintf(stderr, "printemu: %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	if (e.text_path && (e.text = fopen(e.text_path, "w")) == NULL) {
		fprintf(stderr, "printemu: %s: %s\n", e.text_path,
		    strerror(errno));
		return 1;
	}
	e.dec = escpos_decoder_new((int)paper, &emu_cb, &e, FONT_MONO, err,
	    sizeof err);
	if (e.dec == NULL) {
		fprintf(stderr, "printemu: %s\n", err);
		return 1;
	}
	escpos_decoder_set_marks_apart(e.dec, apart);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		escpos_decoder_feed(e.dec, buf, n);
	escpos_decoder_end(e.dec);
	escpos_decoder_free(e.dec);
	if (in != stdin)
		fclose(in);
	if (e.text)
		fclose(e.text);
	printf("%d pages, %d reports\n", e.pages, e.reports);
	return e.reports ? 3 : 0;
}

/* Listen on HOST:PORT; prints the bound address into name. */
static int
emu_listen(const char *spec, char *name, size_t namelen)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	long port;
	int fd, one = 1;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof host ||
	    emu_number(colon + 1, 0, 65535, &port) < 0)
		return -1;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
		close(fd);
		return -1;
	}
	snprintf(name, namelen, "%s:%u", host, ntohs(sa.sin_port));
	return fd;
}

/* Sleep ms milliseconds (the slow-printer fault). */
static void
emu_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !emu_quit)
		;
}

/* serve: one connection at a time (a printer has one host). */
static int
emu_serve(int argc, char **argv)
{
	struct emu e;
	char err[256], name[300], slave[256];
	const char *tcp = NULL, *pty = NULL;
	uint8_t buf[1024];
	long paper = 576;
	int i, lfd = -1, master = -1, sfd = -1, apart = 0;
	struct sigaction sa;

	memset(&e, 0, sizeof e);
	e.fd = -1;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--tcp") == 0 && i + 1 < argc)
			tcp = argv[++i];
		else if (strcmp(argv[i], "--pty") == 0 && i + 1 < argc)
			pty = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			e.out_dir = argv[++i];
		else if (strcmp(argv[i], "--control") == 0 && i + 1 < argc)
			e.control = argv[++i];
		else if (strcmp(argv[i], "--paper") == 0 && i + 1 < argc) {
			if (emu_number(argv[++i], 64, 4096, &paper) < 0)
				emu_usage();
		} else if (strcmp(argv[i], "--marks") == 0 && i + 1 < argc)
			apart = emu_marks(argv[++i]);
		else
			emu_usage();
	}
	if ((tcp == NULL) == (pty == NULL) || e.out_dir == NULL)
		emu_usage();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = emu_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	mkdir(e.out_dir, 0777);

	if (tcp) {
		if ((lfd = emu_listen(tcp, name, sizeof name)) < 0) {
			fprintf(stderr, "printemu: cannot listen on %s: %s\n",
			    tcp, strerror(errno));
			return 1;
		}
		printf("ready tcp %s\n", name);
	} else {
		struct termios tio;
		if (openpty(&master, &sfd, slave, NULL, NULL) < 0) {
			fprintf(stderr, "printemu: openpty: %s\n", strerror(errno));
			return 1;
		}
		tcgetattr(sfd, &tio);
		cfmakeraw(&tio);
		tcsetattr(sfd, TCSANOW, &tio);
		unlink(pty);
		if (symlink(slave, pty) < 0) {
			fprintf(stderr, "printemu: %s: %s\n", pty, strerror(errno));
			return 1;
		}
		printf("ready pty %s %s\n", pty, slave);
		e.fd = master;
	}
	fflush(stdout);

	while (!emu_quit) {
		struct pollfd pfd;
		ssize_t n;

		if (e.dec == NULL) {
			e.dec = escpos_decoder_new((int)paper, &emu_cb, &e,
			    FONT_MONO, err, sizeof err);
			if (e.dec == NULL) {
				fprintf(stderr, "printemu: %s\n", err);
				return 1;
			}
			escpos_decoder_set_marks_apart(e.dec, apart);
			memset(&e.control_mtime, 0xff, sizeof e.control_mtime);
			emu_control(&e);
		}
		if (e.fd < 0) {
			pfd.fd = lfd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 200) <= 0)
				continue;
			e.fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (e.fd >= 0) {
				printf("connected\n");
				fflush(stdout);
			}
			continue;
		}
		pfd.fd = e.fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) <= 0) {
			emu_control(&e);
			continue;
		}
		emu_control(&e);
		n = read(e.fd, buf, sizeof buf);
		if (n <= 0) {
			if (tcp == NULL && n < 0 && errno == EIO) {
				/* pty: nobody has the slave open right now */
				emu_sleep(50);
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			escpos_decoder_end(e.dec);
			escpos_decoder_free(e.dec);
			e.dec = NULL;
			close(e.fd);
			e.fd = -1;
			printf("disconnected\n");
			fflush(stdout);
			continue;
		}
		if (e.paper_left >= 0 && n > e.paper_left) {
			/* the paper runs out part way through these bytes */
			escpos_decoder_feed(e.dec, buf, (size_t)e.paper_left);
			e.faults |= ESCPOS_ST_PAPER_END;
			escpos_decoder_set_offline(e.dec, 1);
			printf("faults paper-end (ran out)\n");
			fflush(stdout);
			escpos_decoder_feed(e.dec, buf + e.paper_left,
			    (size_t)(n - e.paper_left));
			e.paper_left = -1;
		} else {
			if (e.paper_left >= 0)
				e.paper_left -= n;
			escpos_decoder_feed(e.dec, buf, (size_t)n);
		}
		if (e.slow_ms > 0)
			emu_sleep(e.slow_ms);
	}
	if (e.dec) {
		escpos_decoder_end(e.dec);
		escpos_decoder_free(e.dec);
	}
	if (e.fd >= 0)
		close(e.fd);
	if (lfd >= 0)
		close(lfd);
	if (sfd >= 0)
		close(sfd);
	if (pty)
		unlink(pty);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		emu_usage();
	if (strcmp(argv[1], "decode") == 0)
		return emu_decode(argc - 2, argv + 2);
	if (strcmp(argv[1], "serve") == 0)
		return emu_serve(argc - 2, argv + 2);
	emu_usage();
}
