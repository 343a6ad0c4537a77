/*
 * boardsim.c - onestop-boardsim: the board firmware's core on the host,
 * serving a whole RS-485 bus of simulated boards on a pseudo-terminal.
 *
 *   onestop-boardsim [--link PATH] [--boards SPEC] [--baud N] [--faces FILE|-]
 *                    [--control PATH|-] [--seed N]
 *
 * SPEC is a comma list of ADDR[-ADDR]:ROLE[:COUNTER], ROLE one of number,
 * caller, rating, hall (default "1:number"); COUNTER defaults to the address
 * (mod 100).  Each board's NVM record is written from SPEC before it boots,
 * as the installer would have configured it.  Every byte the master writes
 * reaches every plugged board, stamped with the time it was read; a board's
 * response goes back on the pty (boards do not hear each other: on the real
 * line RE and DE are tied).  Two boards answering in the same turn of the
 * loop are counted as a collision ("stats").
 *
 * Prints "ready PTY" on stdout once serving.  --faces writes one line per
 * board to FILE (rewritten atomically) whenever a face changes, or prints
 * the changed lines on stdout with "-".  The control channel (a unix socket,
 * or stdin with "-") takes one command a line and answers one line,
 * "ok ..." or "err ...":
 *   press ADDR KEY          press and release (answers once released,
 *   hold ADDR KEY MS        with "events=N seq=S" pushed meanwhile)
 *   unplug ADDR | plug ADDR stop / resume hearing and answering
 *   corrupt PCT             flip a bit in PCT % of the responses
 *   reboot ADDR [KEY [MS]]  power-cycle, optionally holding KEY (factory)
 *   state ADDR | face ADDR  the board's state / face line
 *   waitface ADDR TEXT MS   answer "ok FACE" once the face line contains
 *                           TEXT, "err timeout" after MS milliseconds
 *   stats                   collisions, frames, corruptions
 *   quit                    exit (as SIGTERM)
 * KEY: next recall finish noshow transfer pause clear 0-9 (caller),
 * vsat sat neutral dissat (rating), service (any role).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/board.h"

#define MAX_BOARDS 247
#define MAX_CLIENTS 8
#define PRESS_MS 100u
#define FACTORY_HOLD_MS 3500u

typedef struct simboard {
	board b;
	board_port port;
	int used;
	int unplugged;
	int reboot_pending;
	uint32_t keys;
	uint8_t nvm[NVCFG_SIZE];
	int nvm_ok;
	int face_dirty;
	char face_line[256];
	/* a press or hold in progress, answered to client `waiter` */
	int waiter;           /* client index, -1 none */
	int holding;
	uint32_t release_us;
	uint16_t seq_before;
	int reboot_hold;      /* reply with factory= */
	/* a waitface in progress */
	int face_waiter;      /* client index, -1 none */
	uint32_t face_deadline_us;
	char face_sub[64];
} simboard;

typedef struct client {
	int fd;               /* -1 = free */
	char buf[512];
	size_t len;
} client;

static simboard boards[MAX_BOARDS + 1];   /* indexed by slot */
static int nboards;
static client clients[MAX_CLIENTS];
static int pty_fd = -1;
static int stdin_control;
static int corrupt_pct;
static unsigned long collisions, corrupted, responses, rx_bytes;
static int senders_this_turn;
static uint32_t rng_state = 12345;
static const char *faces_path;
static volatile sig_atomic_t stop;
static uint32_t sim_baud = 19200;
static uint8_t sim_baud_code = BOARD_BAUD_19200;

static uint32_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
}

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* ---- the port of a simulated board ---------------------------------------- */

static uint32_t sp_now(void *arg) { (void)arg; return mono_us(); }
static void sp_de(void *arg, int on) { (void)arg; (void)on; }
static void sp_baud(void *arg, uint32_t baud) { (void)arg; (void)baud; }
static uint32_t sp_keys(void *arg) { return ((simboard *)arg)->keys; }
static void sp_kick(void *arg) { (void)arg; }
static void sp_reboot(void *arg) { ((simboard *)arg)->reboot_pending = 1; }

static void sp_write(void *arg, const uint8_t *buf, uint16_t len)
{
	uint8_t out[MBSLAVE_ADU_MAX];
	size_t off = 0;

	(void)arg;
	if (len > sizeof out)
		return;
	memcpy(out, buf, len);
	if (corrupt_pct > 0 && (int)(rng() % 100) < corrupt_pct) {
		out[rng() % len] ^= (uint8_t)(1u << (rng() % 8));
		corrupted++;
	}
	responses++;
	if (++senders_this_turn > 1)
		collisions++;
	while (off < len) {
		ssize_t n = write(pty_fd, out + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* nobody reading and the buffer is full: the line drops it */
		off += (size_t)n;
	}
}

static int sp_nvm_read(void *arg, uint8_t *buf, uint16_t len)
{
	simboard *s = arg;
	if (!s->nvm_ok || len > NVCFG_SIZE)
		return -1;
	memcpy(buf, s->nvm, len);
	return 0;
}

static int sp_nvm_write(void *arg, const uint8_t *buf, uint16_t len)
{
	simboard *s = arg;
	if (len > NVCFG_SIZE)
		return -1;
	memcpy(s->nvm, buf, len);
	s->nvm_ok = 1;
	return 0;
}

static const char *lamp_name(uint8_t l)
{
	static const char *names[] = { "off", "open", "paused", "closed" };
	return l < 4 ? names[l] : "?";
}

static const char *notice_name(uint8_t n)
{
	static const char *names[] = { "none", "thanks", "factory", "hold" };
	return n < 4 ? names[n] : "?";
}

/* Render a face as one line of key=value words. */
static void face_format(const board_face *f, char *out, size_t size)
{
	char num[8] = "----";
	int n;

	if (f->number != 0xFFFF)
		snprintf(num, sizeof num, "%04u", f->number);
	n = snprintf(out, size, "addr=%u role=%s counter=%02u offline=%u", f->address,
	    board_role_name(f->role), f->counter, f->offline);
	switch (f->role) {
	case BOARD_ROLE_NUMBER:
		snprintf(out + n, size - (size_t)n, " number=%s flash=%u lamp=%s bright=%u notice=%s",
		    num, f->flashing, lamp_name(f->lamp), f->brightness, notice_name(f->notice));
		break;
	case BOARD_ROLE_CALLER:
		if (f->typed_len)
			snprintf(out + n, size - (size_t)n, " number=%s typed=%u lamp=%s notice=%s", num,
			    f->typed, lamp_name(f->lamp), notice_name(f->notice));
		else
			snprintf(out + n, size - (size_t)n, " number=%s typed=- lamp=%s notice=%s", num,
			    lamp_name(f->lamp), notice_name(f->notice));
		break;
	case BOARD_ROLE_RATING:
		snprintf(out + n, size - (size_t)n, " prompt=%u notice=%s", f->prompt, notice_name(f->notice));
		break;
	default: {
		size_t len = (size_t)n;
		len += (size_t)snprintf(out + len, size - len, " bright=%u rows=", f->brightness);
		for (int i = 0; i < BOARD_HALL_ROWS && len < size; i++) {
			if (f->hall[i][0] == 0xFFFF)
				len += (size_t)snprintf(out + len, size - len, "%s-", i ? "," : "");
			else
				len += (size_t)snprintf(out + len, size - len, "%s%04u>%02u", i ? "," : "",
				    f->hall[i][0], f->hall[i][1]);
		}
		break;
	}
	}
}

static void sp_show(void *arg, const board_face *face)
{
	simboard *s = arg;
	char line[256];

	face_format(face, line, sizeof line);
	if (strcmp(line, s->face_line) != 0) {
		snprintf(s->face_line, sizeof s->face_line, "%s", line);
		s->face_dirty = 1;
	}
}

/* ---- boards ------------------------------------------------------------------ */

static simboard *find_board(long addr)
{
	for (int i = 0; i < nboards; i++)
		if (boards[i].used && boards[i].b.cfg.address == addr)
			return &boards[i];
	return NULL;
}

static int add_board(long addr, uint8_t role, long counter)
{
	simboard *s;
	nvcfg c;

	if (nboards >= MAX_BOARDS || find_board(addr))
		return -1;
	s = &boards[nboards++];
	memset(s, 0, sizeof *s);
	s->used = 1;
	s->waiter = -1;
	s->face_waiter = -1;
	nvcfg_defaults(&c, role, 0x51000000u + (uint32_t)addr);
	c.address = (uint8_t)addr;
	c.baud = sim_baud_code;
	c.counter = (uint8_t)counter;
	nvcfg_encode(&c, s->nvm);
	s->nvm_ok = 1;
	s->port = (board_port){ .arg = s, .margin_us = 1000, .now_us = sp_now, .uart_de = sp_de,
		.uart_write = sp_write, .uart_set_baud = sp_baud, .show = sp_show, .keys = sp_keys,
		.nvm_read = sp_nvm_read, .nvm_write = sp_nvm_write, .wdt_kick = sp_kick,
		.reset_was_wdt = NULL, .reboot = sp_reboot };
	board_init(&s->b, &s->port);
	mbslave_set_baud(&s->b.mb, sim_baud, s->port.margin_us);
	return 0;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int role_from_name(const char *s)
{
	for (int r = BOARD_ROLE_NUMBER; r <= BOARD_ROLE_HALL; r++)
		if (strcmp(s, board_role_name((uint8_t)r)) == 0)
			return r;
	return -1;
}

/* Parse --boards; returns -1 with a message on stderr. */
static int parse_boards(const char *spec)
{
	char buf[1024], *save = NULL;

	if (strlen(spec) >= sizeof buf)
		return -1;
	strcpy(buf, spec);
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *f[3] = { item, NULL, NULL }, *dash;
		long a, z, counter = -1;
		int role;

		for (int i = 1; i < 3; i++) {
			char *c = f[i - 1] ? strchr(f[i - 1], ':') : NULL;
			if (c) {
				*c = 0;
				f[i] = c + 1;
			}
		}
		if (!f[1] || (role = role_from_name(f[1])) < 0)
			goto bad;
		dash = strchr(f[0], '-');
		if (dash)
			*dash = 0;
		if (parse_long(f[0], 1, 247, &a) || parse_long(dash ? dash + 1 : f[0], a, 247, &z))
			goto bad;
		if (f[2] && parse_long(f[2], 0, 99, &counter))
			goto bad;
		for (long x = a; x <= z; x++)
			if (add_board(x, (uint8_t)role, counter >= 0 ? counter : x % 100) != 0) {
				fprintf(stderr, "boardsim: board %ld twice\n", x);
				return -1;
			}
	}
	return nboards ? 0 : -1;
bad:
	fprintf(stderr, "boardsim: bad --boards item (ADDR[-ADDR]:ROLE[:COUNTER])\n");
	return -1;
}

/* Key bits of a key name for a role; 0 if unknown. */
static uint32_t key_bits(const char *name, uint8_t role)
{
	static const char *caller[] = { "next", "recall", "finish", "noshow", "transfer", "pause" };
	static const char *rating[] = { "vsat", "sat", "neutral", "dissat" };

	if (strcmp(name, "service") == 0)
		return BOARD_KB_SERVICE;
	if (role == BOARD_ROLE_CALLER) {
		for (unsigned i = 0; i < 6; i++)
			if (strcmp(name, caller[i]) == 0)
				return BOARD_KB_FUNC(i + 1);
		if (strcmp(name, "clear") == 0)
			return BOARD_KB_CLEAR;
		if (name[0] >= '0' && name[0] <= '9' && name[1] == 0)
			return BOARD_KB_DIGIT(name[0] - '0');
	}
	if (role == BOARD_ROLE_RATING)
		for (unsigned i = 0; i < 4; i++)
			if (strcmp(name, rating[i]) == 0)
				return BOARD_KB_RATE(i + 1);
	return 0;
}

/* ---- control channel -------------------------------------------------------- */

static void reply(int ci, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(int ci, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	if (ci < 0) {
		fwrite(line, 1, (size_t)n, stdout);
		fflush(stdout);
	} else if (clients[ci].fd >= 0) {
		if (write(clients[ci].fd, line, (size_t)n) < 0) {
			/* the client went away: it is closed on its next read */
		}
	}
}

static void state_line(int ci, simboard *s)
{
	const board *b = &s->b;
	const mbslave_counters *c = &b->mb.cnt;

	reply(ci, "ok addr=%u role=%s counter=%u number=%u flash=%u bright=%u lamp=%u prompt=%u "
	    "offline=%u unplugged=%d fifo=%u next_seq=%u acked=%u dropped=%u boot=%u baud=%lu "
	    "unlocked=%d crc_errors=%u frame_errors=%u overruns=%u bus_msgs=%u slave_msgs=%u "
	    "exceptions=%u status=%u",
	    b->cfg.address, board_role_name(b->cfg.role), b->cfg.counter, b->number, b->flashing,
	    b->brightness, b->lamp, b->prompt, b->offline, s->unplugged, b->fifo.count,
	    b->fifo.next_seq, b->fifo.last_acked, b->fifo.dropped, b->cfg.boot_count,
	    (unsigned long)nvcfg_baud(b->cfg.baud), b->unlock_stage == 2, c->crc_errors,
	    c->frame_errors, c->overruns, c->bus_msgs, c->slave_msgs, c->exceptions, b->status);
}

/* Start holding key bits on s for ms, answering client ci when released. */
static void start_hold(simboard *s, int ci, uint32_t bits, uint32_t ms)
{
	s->keys = bits;
	s->holding = 1;
	s->waiter = ci;
	s->release_us = mono_us() + ms * 1000u;
	s->seq_before = s->b.fifo.next_seq;
}

static void command(int ci, char *line)
{
	char *argv[6], *save = NULL;
	int argc = 0;
	long addr = 0, v;
	simboard *s = NULL;

	for (char *t = strtok_r(line, " \t\r", &save); t && argc < 6; t = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = t;
	if (argc == 0)
		return;
	if (strcmp(argv[0], "stats") == 0) {
		reply(ci, "ok boards=%d collisions=%lu responses=%lu corrupted=%lu rx_bytes=%lu",
		    nboards, collisions, responses, corrupted, rx_bytes);
		return;
	}
	if (strcmp(argv[0], "quit") == 0) {
		reply(ci, "ok");
		stop = 1;
		return;
	}
	if (strcmp(argv[0], "corrupt") == 0) {
		if (argc != 2 || parse_long(argv[1], 0, 100, &v))
			{ reply(ci, "err usage: corrupt PCT"); return; }
		corrupt_pct = (int)v;
		{ reply(ci, "ok"); return; }
	}
	if (argc < 2 || parse_long(argv[1], 1, 247, &addr) || !(s = find_board(addr)))
		{ reply(ci, "err no such board"); return; }
	if (s->waiter >= 0 || s->reboot_pending)
		{ reply(ci, "err board busy"); return; }
	if (strcmp(argv[0], "state") == 0) {
		state_line(ci, s);
	} else if (strcmp(argv[0], "face") == 0) {
		reply(ci, "ok %s", s->face_line);
	} else if (strcmp(argv[0], "waitface") == 0) {
		if (argc != 4 || parse_long(argv[3], 1, 600000, &v) || strlen(argv[2]) >= sizeof s->face_sub
		    || s->face_waiter >= 0) {
			reply(ci, "err usage: waitface ADDR TEXT MS");
			return;
		}
		snprintf(s->face_sub, sizeof s->face_sub, "%s", argv[2]);
		s->face_waiter = ci;
		s->face_deadline_us = mono_us() + (uint32_t)v * 1000u;
	} else if (strcmp(argv[0], "unplug") == 0 || strcmp(argv[0], "plug") == 0) {
		s->unplugged = argv[0][0] == 'u';
		reply(ci, "ok");
	} else if (strcmp(argv[0], "press") == 0 || strcmp(argv[0], "hold") == 0) {
		uint32_t bits = argc >= 3 ? key_bits(argv[2], s->b.cfg.role) : 0;
		long ms = PRESS_MS;
		if (!bits)
			{ reply(ci, "err unknown key for this role"); return; }
		if (argv[0][0] == 'h' && (argc != 4 || parse_long(argv[3], 1, 600000, &ms)))
			{ reply(ci, "err usage: hold ADDR KEY MS"); return; }
		start_hold(s, ci, bits, (uint32_t)ms);
	} else if (strcmp(argv[0], "reboot") == 0) {
		uint32_t bits = argc >= 3 ? key_bits(argv[2], s->b.cfg.role) : 0;
		long ms = FACTORY_HOLD_MS;
		if (argc >= 3 && !bits)
			{ reply(ci, "err unknown key for this role"); return; }
		if (argc >= 4 && parse_long(argv[3], 1, 600000, &ms))
			{ reply(ci, "err bad hold time"); return; }
		s->keys = bits;
		board_init(&s->b, &s->port);
		if (bits) {
			start_hold(s, ci, bits, (uint32_t)ms);
			s->reboot_hold = 1;
		} else {
			reply(ci, "ok boot=%u", s->b.cfg.boot_count);
		}
	} else {
		reply(ci, "err unknown command");
	}
}

/* Finish holds whose time is up, once the board has seen the release. */
static void run_holds(void)
{
	uint32_t now = mono_us();

	for (int i = 0; i < nboards; i++) {
		simboard *s = &boards[i];
		if (s->holding && (int32_t)(now - s->release_us) >= 0) {
			s->holding = 0;
			s->keys = 0;
		}
		if (s->waiter >= 0 && !s->holding && s->b.keys.stable == 0) {
			if (s->reboot_hold)
				reply(s->waiter, "ok factory=%d address=%u", (s->b.status & BOARD_ST_FACTORY) != 0,
				    s->b.cfg.address);
			else
				reply(s->waiter, "ok events=%u seq=%u", (uint16_t)(s->b.fifo.next_seq - s->seq_before),
				    (uint16_t)(s->b.fifo.next_seq - 1));
			s->waiter = -1;
			s->reboot_hold = 0;
		}
		if (s->face_waiter >= 0) {
			if (strstr(s->face_line, s->face_sub)) {
				reply(s->face_waiter, "ok %s", s->face_line);
				s->face_waiter = -1;
			} else if ((int32_t)(now - s->face_deadline_us) >= 0) {
				reply(s->face_waiter, "err timeout %s", s->face_line);
				s->face_waiter = -1;
			}
		}
	}
}

static void forget_client(int ci)
{
	close(clients[ci].fd);
	clients[ci].fd = -1;
	clients[ci].len = 0;
	for (int i = 0; i < nboards; i++)
	{
		if (boards[i].waiter == ci)
			boards[i].waiter = -1;
		if (boards[i].face_waiter == ci)
			boards[i].face_waiter = -1;
	}
}

/* Read from a control client (or stdin for ci < 0) and run whole lines. */
static void client_input(int ci, int fd, client *c)
{
	ssize_t n = read(fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
	char *nl;

	if (n <= 0) {
		if (ci >= 0)
			forget_client(ci);
		else
			stop = 1; /* stdin closed */
		return;
	}
	c->len += (size_t)n;
	while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
		size_t used = (size_t)(nl - c->buf) + 1;
		*nl = 0;
		command(ci, c->buf);
		if (ci >= 0 && c->fd < 0)
			return;
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
	}
	if (c->len == sizeof c->buf - 1)
		c->len = 0; /* an overlong line is dropped */
}

/* ---- faces ---------------------------------------------------------------- */

static void write_faces(void)
{
	int dirty = 0;

	for (int i = 0; i < nboards; i++)
		dirty |= boards[i].face_dirty;
	if (!dirty || !faces_path)
		return;
	if (strcmp(faces_path, "-") == 0) {
		for (int i = 0; i < nboards; i++)
			if (boards[i].face_dirty)
				printf("face %s\n", boards[i].face_line);
		fflush(stdout);
	} else {
		char tmp[PATH_MAX];
		FILE *f;
		snprintf(tmp, sizeof tmp, "%s.tmp", faces_path);
		f = fopen(tmp, "w");
		if (!f)
			return;
		for (int i = 0; i < nboards; i++)
			fprintf(f, "%s\n", boards[i].face_line);
		if (fclose(f) == 0)
			(void)rename(tmp, faces_path);
	}
	for (int i = 0; i < nboards; i++)
		boards[i].face_dirty = 0;
}

/* ---- main ----------------------------------------------------------------- */

static int open_pty(const char *link, char *name, size_t size)
{
	struct termios t;
	int fd = posix_openpt(O_RDWR | O_NOCTTY), sfd;

	if (fd < 0 || grantpt(fd) || unlockpt(fd) || ptsname_r(fd, name, size))
		return -1;
	/* Keep the slave open ourselves so that the master never sees a hangup
	 * between two clients; make it raw (no echo, no line discipline). */
	sfd = open(name, O_RDWR | O_NOCTTY);
	if (sfd < 0 || tcgetattr(sfd, &t))
		return -1;
	cfmakeraw(&t);
	if (tcsetattr(sfd, TCSANOW, &t))
		return -1;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (link) {
		(void)unlink(link);
		if (symlink(name, link)) {
			perror(link);
			return -1;
		}
	}
	return fd;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof sa.sun_path)
		return -1;
	strcpy(sa.sun_path, path);
	(void)unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 4))
		return -1;
	return fd;
}

static void usage(void)
{
	fprintf(stderr, "usage: onestop-boardsim [--link PATH] [--boards SPEC] [--baud N] "
	    "[--faces FILE|-] [--control PATH|-] [--seed N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *link = NULL, *spec = "1:number", *control = NULL;
	char ptyname[128];
	long baud = 19200, seed = 12345;
	int lfd = -1;
	client in = { .fd = 0 };
	struct sigaction sa = { .sa_handler = on_signal };

	for (int i = 1; i < argc; i += 2) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		if (!strcmp(o, "--link")) link = v;
		else if (!strcmp(o, "--boards")) spec = v;
		else if (!strcmp(o, "--faces")) faces_path = v;
		else if (!strcmp(o, "--control")) control = v;
		else if (!strcmp(o, "--baud")) { if (parse_long(v, 1200, 1000000, &baud)) usage(); }
		else if (!strcmp(o, "--seed")) { if (parse_long(v, 1, LONG_MAX, &seed)) usage(); }
		else usage();
	}
	rng_state = (uint32_t)seed;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;
	sim_baud = (uint32_t)baud;
	for (uint8_t k = 0; k <= BOARD_BAUD_115200; k++)
		if (nvcfg_baud(k) == sim_baud)
			sim_baud_code = k;
	if (parse_boards(spec))
		return 2;
	pty_fd = open_pty(link, ptyname, sizeof ptyname);
	if (pty_fd < 0) {
		fprintf(stderr, "boardsim: cannot create the pseudo-terminal\n");
		return 1;
	}
	if (control && strcmp(control, "-") == 0) {
		stdin_control = 1;
	} else if (control && (lfd = listen_unix(control)) < 0) {
		fprintf(stderr, "boardsim: cannot listen on %s\n", control);
		return 1;
	}
	printf("ready %s\n", ptyname);
	fflush(stdout);

	while (!stop) {
		struct pollfd pfd[3 + MAX_CLIENTS];
		int n = 0, cidx[3 + MAX_CLIENTS];
		uint32_t wait = 10000, now;

		for (int i = 0; i < nboards; i++) {
			uint32_t w = board_wait_us(&boards[i].b);
			if (w < wait)
				wait = w;
		}
		pfd[n] = (struct pollfd){ .fd = pty_fd, .events = POLLIN };
		cidx[n++] = -3;
		if (lfd >= 0) {
			pfd[n] = (struct pollfd){ .fd = lfd, .events = POLLIN };
			cidx[n++] = -2;
		}
		if (stdin_control) {
			pfd[n] = (struct pollfd){ .fd = 0, .events = POLLIN };
			cidx[n++] = -1;
		}
		for (int i = 0; i < MAX_CLIENTS; i++)
			if (clients[i].fd >= 0) {
				pfd[n] = (struct pollfd){ .fd = clients[i].fd, .events = POLLIN };
				cidx[n++] = i;
			}
		if (poll(pfd, (nfds_t)n, (int)((wait + 999) / 1000)) < 0 && errno != EINTR)
			break;
		senders_this_turn = 0;
		now = mono_us();
		if (pfd[0].revents & POLLIN) {
			uint8_t buf[512];
			ssize_t got = read(pty_fd, buf, sizeof buf);
			for (ssize_t k = 0; k < got; k++)
				for (int i = 0; i < nboards; i++)
					if (!boards[i].unplugged)
						board_rx(&boards[i].b, buf[k], now);
			if (got > 0)
				rx_bytes += (unsigned long)got;
		}
		for (int i = 0; i < nboards; i++) {
			board_poll(&boards[i].b);
			if (boards[i].reboot_pending) {
				boards[i].reboot_pending = 0;
				board_init(&boards[i].b, &boards[i].port);
			}
		}
		run_holds();
		write_faces();
		for (int k = 1; k < n; k++) {
			if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (cidx[k] == -2) {
				int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
				int slot = -1;
				for (int i = 0; i < MAX_CLIENTS && fd >= 0; i++)
					if (clients[i].fd < 0) {
						slot = i;
						break;
					}
				if (slot < 0) {
					if (fd >= 0)
						close(fd);
				} else {
					clients[slot].fd = fd;
					clients[slot].len = 0;
				}
			} else if (cidx[k] == -1) {
				client_input(-1, 0, &in);
			} else {
				client_input(cidx[k], clients[cidx[k]].fd, &clients[cidx[k]]);
			}
		}
	}
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			close(clients[i].fd);
	if (lfd >= 0) {
		close(lfd);
		(void)unlink(control);
	}
	if (link)
		(void)unlink(link);
	close(pty_fd);
	return 0;
}
