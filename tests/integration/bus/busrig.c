/*
 * busrig.c - the board simulator, a test centre INI, the event stream and
 * store counts for the bus tests and benchmark (see busrig.h).
 */
#include "busrig.h"

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
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

/* Read a whole file into a NUL-terminated heap buffer. */
static char *
br_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

int
br_write_ini(struct hn_daemon *d, const char *link, int baud, const char *boards)
{
	char *text = br_slurp(d->ini), *cut, path[sizeof d->dir + 16], csv[PATH_MAX + 32],
	    dir[PATH_MAX];
	const char *p;
	FILE *f;

	if (text == NULL || realpath(d->ini, dir) == NULL) {
		fprintf(stderr, "busrig: %s: %s\n", d->ini, strerror(errno));
		free(text);
		return -1;
	}
	*strrchr(dir, '/') = '\0';
	snprintf(csv, sizeof csv, "%s/procedures.csv", dir);
	cut = strstr(text, "\n[line ");
	if (cut != NULL)
		*cut = '\0';
	snprintf(path, sizeof path, "%s/centre.ini", d->dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	/* Copy line by line: the catalogue by absolute path, the demo's
	 * printer files into the test's folder. */
	for (p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= 9 && strncmp(p, "catalogue", 9) == 0 &&
		    memchr(p, '/', n) == NULL) {
			fprintf(f, "catalogue = %s\n", csv);
		} else if (n > 19 && memmem(p, n, "/tmp/onestop-demo/", 18) != NULL) {
			const char *at = memmem(p, n, "/tmp/onestop-demo/", 18);
			fprintf(f, "%.*s%s/%.*s\n", (int)(at - p), p, d->dir,
			    (int)(n - (size_t)(at - p) - 18), at + 18);
		} else {
			fprintf(f, "%.*s\n", (int)n, p);
		}
		p += n + (nl != NULL);
	}
	fprintf(f, "\n[line bus-test]\nport = %s\nbaud = %d\nparity = N\nrs485 = no\n\n%s",
	    link, baud, boards);
	free(text);
	if (fclose(f) != 0)
		return -1;
	if (strlen(path) >= sizeof d->ini)
		return -1;
	memcpy(d->ini, path, strlen(path) + 1);
	return 0;
}

int
br_sim_start(struct br_sim *s, const char *dir, const char *spec, int baud,
    int faces_stdout)
{
	const char *b = getenv("B");
	char baudtxt[16], line[256];
	int out[2];
	size_t len = 0;

	if (s->bin[0] == '\0')
		snprintf(s->bin, sizeof s->bin, "%s/onestop-boardsim",
		    b != NULL && *b != '\0' ? b : "build");
	snprintf(s->link, sizeof s->link, "%s/rs485", dir);
	snprintf(s->ctl, sizeof s->ctl, "%s/sim.ctl", dir);
	snprintf(s->faces, sizeof s->faces, "%s", faces_stdout ? "-" : "");
	if (!faces_stdout)
		snprintf(s->faces, sizeof s->faces, "%s/faces", dir);
	snprintf(s->boards, sizeof s->boards, "%s", spec);
	s->baud = baud;
	snprintf(baudtxt, sizeof baudtxt, "%d", baud);
	if (pipe(out) != 0)
		return -1;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		execl(s->bin, s->bin, "--link", s->link, "--boards", spec, "--baud",
		    baudtxt, "--faces", s->faces, "--control", s->ctl, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	s->out = out[0];
	/* The readiness line, read byte by byte (nothing after it is lost). */
	for (;;) {
		char c;
		struct pollfd pfd = { .fd = s->out, .events = POLLIN };
		if (poll(&pfd, 1, 10000) <= 0 || read(s->out, &c, 1) != 1) {
			fprintf(stderr, "busrig: the simulator did not start\n");
			br_sim_stop(s, SIGKILL);
			return -1;
		}
		if (c == '\n') {
			line[len] = '\0';
			if (strncmp(line, "ready ", 6) == 0)
				return 0;
			len = 0;
		} else if (len < sizeof line - 1) {
			line[len++] = c;
		}
	}
}

void
br_sim_stop(struct br_sim *s, int sig)
{
	if (s->pid > 0) {
		kill(s->pid, sig);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	if (s->out > 0) {
		close(s->out);
		s->out = -1;
	}
}

/* Connect to the control socket and send one line; the fd, or -1. */
static int
br_ctl_vsend(struct br_sim *s, const char *fmt, va_list ap)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char cmd[256];
	int fd, n;

	n = vsnprintf(cmd, sizeof cmd - 1, fmt, ap);
	if (n < 0 || (size_t)n >= sizeof cmd - 1)
		return -1;
	cmd[n++] = '\n';
	if (strlen(s->ctl) >= sizeof sa.sun_path)
		return -1;
	memcpy(sa.sun_path, s->ctl, strlen(s->ctl) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    write(fd, cmd, (size_t)n) != n) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
br_ctl_send(struct br_sim *s, const char *fmt, ...)
{
	va_list ap;
	int fd;

	va_start(ap, fmt);
	fd = br_ctl_vsend(s, fmt, ap);
	va_end(ap);
	return fd;
}

int
br_ctl_answer(int fd, char *ans, size_t anslen)
{
	size_t len = 0;

	if (fd < 0)
		return -1;
	ans[0] = '\0';
	while (len < anslen - 1) {
		char c;
		if (read(fd, &c, 1) != 1)
			break;
		if (c == '\n')
			break;
		ans[len++] = c;
	}
	ans[len] = '\0';
	close(fd);
	return strncmp(ans, "ok", 2) == 0 ? 0 : -1;
}

int
br_ctl(struct br_sim *s, char *ans, size_t anslen, const char *fmt, ...)
{
	va_list ap;
	int fd;

	va_start(ap, fmt);
	fd = br_ctl_vsend(s, fmt, ap);
	va_end(ap);
	return br_ctl_answer(fd, ans, anslen);
}

long
br_field(const char *line, const char *name)
{
	size_t n = strlen(name);
	const char *p = line;
	char *end;
	long v;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == line || p[-1] == ' ') && p[n] == '=') {
			errno = 0;
			v = strtol(p + n + 1, &end, 10);
			if (errno == 0 && end != p + n + 1)
				return v;
			return -1;
		}
		p += n;
	}
	return -1;
}

/* ---- the event stream ------------------------------------------------------ */

struct br_sse {
	const char *type;
	int counter;
	char *buf;
	size_t len, cap;
	int64_t found;
	cJSON *data;
};

/* Look at complete blocks in the buffer; 1 when the wanted one is there. */
static int
br_sse_scan(struct br_sse *w)
{
	char *blk;

	while ((blk = memmem(w->buf, w->len, "\n\n", 2)) != NULL) {
		size_t used = (size_t)(blk - w->buf) + 2;
		char *data;

		*blk = '\0';
		data = strstr(w->buf, "data: ");
		if (data != NULL) {
			cJSON *o = cJSON_Parse(data + 6);
			const char *t = o ? hn_str(o, "type") : NULL;
			if (t != NULL && strcmp(t, w->type) == 0 &&
			    (w->counter == 0 || hn_num(o, "counter", -1) == w->counter)) {
				w->found = (int64_t)hn_num(o, "id", -1);
				w->data = o;
				return 1;
			}
			cJSON_Delete(o);
		}
		memmove(w->buf, w->buf + used, w->len - used);
		w->len -= used;
	}
	return 0;
}

static size_t
br_sse_write(char *p, size_t size, size_t n, void *arg)
{
	struct br_sse *w = arg;

	size *= n;
	if (w->len + size + 1 > w->cap) {
		w->cap = (w->len + size + 1) * 2;
		w->buf = realloc(w->buf, w->cap);
		if (w->buf == NULL)
			abort();
	}
	memcpy(w->buf + w->len, p, size);
	w->len += size;
	w->buf[w->len] = '\0';
	return br_sse_scan(w) ? 0 : size;   /* 0 ends the transfer */
}

int64_t
br_sse_wait(int port, const char *token, int64_t after_id, const char *type,
    int counter, int timeout_ms, cJSON **out)
{
	struct br_sse w = { .type = type, .counter = counter, .found = -1 };
	char url[512];
	CURL *c = curl_easy_init();

	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/events?token=%s&last_event_id=%lld",
	    port, token, (long long)after_id);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, br_sse_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &w);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_perform(c);
	curl_easy_cleanup(c);
	free(w.buf);
	if (out != NULL)
		*out = w.data;
	else
		cJSON_Delete(w.data);
	return w.found;
}

/* ---- the store ------------------------------------------------------------ */

long
br_sql(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long v = -1;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return -1;
	}
	sqlite3_busy_timeout(h, 5000);
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = (long)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return v;
}

long
br_count(const char *db, const char *type, int counter)
{
	char sql[256];

	if (counter > 0)
		snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE type = '%s'"
		    " AND counter = %d", type, counter);
	else
		snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE type = '%s'",
		    type);
	return br_sql(db, sql);
}

cJSON *
br_board(struct hn_http *h, int address, cJSON **all)
{
	cJSON *o = NULL, *b;

	*all = NULL;
	if (hn_req(h, "GET", "/api/v1/boards", NULL, &o) != 200 || o == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	*all = o;
	cJSON_ArrayForEach(b, cJSON_GetObjectItem(o, "boards"))
		if (hn_num(b, "address", -1) == address)
			return b;
	return NULL;
}
