/*
 * api_test.c - integration test of the onestopd HTTP API and of onestopctl
 * against the real daemon (own temp dir, own port, readiness line):
 * login, roles, the issue -> call -> serve flow, bad input, procedure
 * search with and without diacritics, the event stream's catch-up with
 * Last-Event-ID, state kept over a restart, and onestopctl's commands with
 * their exit codes.  Prints "ok"/"FAIL" per check and exits 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define PW_ADMIN "admin-pass-1"
#define PW_STAFF "staff-pass-1"
#define PW_MANAGER "manager-pass-1"

static struct hn_daemon D;
static char ctl_bin[512];

#define WATCHDOG_S 300

/* ---- event stream ------------------------------------------------------- */

struct stream {
	CURL *curl;
	char line[8192];
	size_t len;
	int64_t ids[64];
	int64_t tickets[64];
	char types[64][20];
	int n, want;
	long status;
};

static size_t
stream_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct stream *s = arg;
	size_t n = size * nmemb, i;

	if (s->status == 0)
		curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status);
	for (i = 0; i < n; i++) {
		if (ptr[i] != '\n') {
			if (s->len + 1 < sizeof s->line)
				s->line[s->len++] = ptr[i];
			continue;
		}
		s->line[s->len] = '\0';
		if (strncmp(s->line, "data:", 5) == 0 && s->n < 64) {
			cJSON *j = cJSON_Parse(s->line + 5);
			const char *t = hn_str(j, "type");

			s->ids[s->n] = (int64_t)hn_num(j, "id", 0);
			s->tickets[s->n] = (int64_t)hn_num(j, "ticket", 0);
			snprintf(s->types[s->n], sizeof s->types[0], "%s", t ? t : "?");
			s->n++;
			cJSON_Delete(j);
		}
		s->len = 0;
		if (s->n >= s->want)
			return 0;
	}
	return n;
}

/* Read `want` events after `after` (as a Last-Event-ID header). */
static int
read_events(const char *token, int64_t after, int want, struct stream *s)
{
	struct curl_slist *hdr = NULL;
	char url[128], line[256];

	memset(s, 0, sizeof *s);
	s->want = want;
	s->curl = curl_easy_init();
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/events", D.port);
	snprintf(line, sizeof line, "Authorization: Bearer %s", token);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof line, "Last-Event-ID: %" PRId64, after);
	hdr = curl_slist_append(hdr, line);
	curl_easy_setopt(s->curl, CURLOPT_URL, url);
	curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, stream_write);
	curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_perform(s->curl);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(s->curl);
	return s->n;
}

/* ---- the event stream on a raw socket ---------------------------------- */

/*
 * Send `method` /api/v1/events with token and read until `until` is in the
 * answer (or until it ends when until is NULL), 5 s at most; the text read
 * is in out.  Returns the socket (open), or -1.
 */
static int
raw_stream(const char *method, const char *token, const char *until, char *out,
    size_t outlen)
{
	size_t used = 0;
	int fd = hn_stream_open(method, "127.0.0.1", D.port, token, -1, 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	out[0] = '\0';
	if (fd < 0)
		return -1;
	while (used + 1 < outlen && (until == NULL || strstr(out, until) == NULL)) {
		ssize_t n;

		if (poll(&p, 1, 5000) != 1 || (n = read(fd, out + used, outlen - 1 - used)) <= 0)
			break;
		used += (size_t)n;
		out[used] = '\0';
	}
	return fd;
}

/* 1 when fd's stream ends (EOF or reset) within 5 s, reading what comes. */
static int
raw_ends(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[4096];

	while (poll(&p, 1, 5000) == 1)
		if (read(fd, buf, sizeof buf) <= 0)
			return 1;
	return 0;
}

/*
 * The stream's own answer (written by the streams thread, not the HTTP
 * library): its head, the count in /metrics, HEAD, and every stream ended
 * when the notice changes (the clients reconnect and reload the state).
 */
static void
test_stream_head(struct hn_http *adm, const char *token)
{
	char txt[4096], txt2[4096];
	double n;
	int fd, fd2;

	fd = raw_stream("GET", token, "retry: 2000\n\n", txt, sizeof txt);
	hn_check(fd >= 0 && strncmp(txt, "HTTP/1.1 200 OK\r\n", 17) == 0 &&
	    strstr(txt, "\r\nContent-Type: text/event-stream; charset=utf-8\r\n") != NULL &&
	    strstr(txt, "\r\nCache-Control: no-store\r\n") != NULL &&
	    strstr(txt, "\r\nX-Content-Type-Options: nosniff\r\n") != NULL &&
	    strstr(txt, "\r\n\r\nretry: 2000\n\n") != NULL,
	    "stream: 200, text/event-stream in UTF-8, no-store, nosniff, then the retry line "
	    "(got %.60s)", txt);
	fd2 = raw_stream("GET", token, "retry: 2000\n\n", txt2, sizeof txt2);
	n = hn_metric(adm, "onestop_sse_clients");
	hn_check(n == 2, "stream: /metrics counts the two open streams "
	    "(onestop_sse_clients %.0f)", n);
	hn_check(hn_req(adm, "PUT", "/api/v1/notice",
	    "{\"notice\":\"Hệ thống loa gọi số đang được bảo trì.\"}", NULL) == 200 &&
	    fd >= 0 && raw_ends(fd) && fd2 >= 0 && raw_ends(fd2),
	    "stream: a new notice ends both streams (the displays reload the state)");
	n = hn_metric(adm, "onestop_sse_clients");
	hn_check(n == 0, "stream: none left open after they ended "
	    "(onestop_sse_clients %.0f)", n);
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
	fd = raw_stream("HEAD", token, NULL, txt, sizeof txt);
	hn_check(fd >= 0 && strncmp(txt, "HTTP/1.1 200 OK\r\n", 17) == 0 &&
	    strstr(txt, "text/event-stream") != NULL && strstr(txt, "retry:") == NULL &&
	    strstr(txt, "\r\n\r\n") != NULL && txt[strlen(txt) - 1] == '\n' &&
	    strstr(txt, "\r\n\r\n")[4] == '\0',
	    "stream: HEAD answers the head and ends, no body (got %zu bytes)", strlen(txt));
	if (fd >= 0)
		close(fd);
	hn_req(adm, "PUT", "/api/v1/notice", "{\"notice\":\"\"}", NULL);
}

/* ---- a stop under load --------------------------------------------------- */

#define HAMMERS 4
#define HAMMER_MAX 2048

struct hammer {
	pthread_t th;
	const char *token, *queue;
	int port;
	long ok;                 /* answers 201 */
	long other;              /* answers but 201, 409 and 503 */
	int64_t ids[HAMMER_MAX]; /* the tickets answered 201 */
};

/* Issue tickets on one kept-alive connection until it fails. */
static void *
hammer_main(void *arg)
{
	struct hammer *h = arg;
	struct hn_http c;
	char body[64];
	cJSON *ans = NULL;
	long st;

	hn_http_init(&c, h->port, h->token);
	c.timeout_ms = 10000;
	snprintf(body, sizeof body, "{\"queue\":\"%s\"}", h->queue);
	while ((st = hn_req(&c, "POST", "/api/v1/tickets", body, &ans)) > 0) {
		if (st == 201 && h->ok < HAMMER_MAX) {
			h->ids[h->ok] = (int64_t)hn_num(
			    cJSON_GetObjectItemCaseSensitive(ans, "ticket"), "id", 0);
			__atomic_add_fetch(&h->ok, 1, __ATOMIC_RELEASE);
		} else if (st != 201 && st != 409 && st != 503)
			h->other++;
		cJSON_Delete(ans);
		ans = NULL;
	}
	hn_http_free(&c);
	return NULL;
}

/*
 * SIGTERM while four clients issue as fast as they are answered, three
 * times: each stop exits 0 (a request that came in the last turns, or
 * waited for a commit, once left a connection suspended, and the HTTP
 * library aborted the stop), and every ticket answered 201 is there after
 * the restart.  Last of the tests: it uses up the queue's numbers.
 */
static void
test_stop_under_load(const char *token, const char *queue, struct hn_http *adm)
{
	static struct hammer hm[HAMMERS];
	char path[64];
	int k, i, rc, stops_ok = 0;
	long ok = 0, other = 0, missing = 0, n;

	for (k = 0; k < 3; k++) {
		for (i = 0; i < HAMMERS; i++) {
			memset(&hm[i], 0, sizeof hm[i]);
			hm[i].token = token;
			hm[i].queue = queue;
			hm[i].port = D.port;
			pthread_create(&hm[i].th, NULL, hammer_main, &hm[i]);
		}
		/* Until they are under way (bounded: 10 s). */
		for (i = 0; i < 1000 && __atomic_load_n(&hm[0].ok, __ATOMIC_ACQUIRE) +
		    __atomic_load_n(&hm[HAMMERS - 1].ok, __ATOMIC_ACQUIRE) < 20; i++)
			poll(NULL, 0, 10);
		rc = hn_stop(&D, SIGTERM);
		for (i = 0; i < HAMMERS; i++)
			pthread_join(hm[i].th, NULL);
		stops_ok += rc == 0;
		if (hn_start(&D) != 0) {
			hn_check(0, "stop under load: the daemon starts again");
			return;
		}
		hn_http_set_port(adm, D.port);
		for (i = 0; i < HAMMERS; i++) {
			ok += hm[i].ok;
			other += hm[i].other;
			for (n = 0; n < hm[i].ok; n++) {
				snprintf(path, sizeof path, "/api/v1/tickets/%lld",
				    (long long)hm[i].ids[n]);
				missing += hn_req(adm, "GET", path, NULL, NULL) != 200;
			}
		}
	}
	hn_check(stops_ok == 3 && ok >= 3 * 20 && missing == 0 && other == 0,
	    "stop under load: SIGTERM beside 4 clients issuing flat out, 3 times: "
	    "%d exited 0, %ld tickets answered 201, %ld of them missing after the "
	    "restarts, %ld other answers", stops_ok, ok, missing, other);
}

/* ---- onestopctl --------------------------------------------------------- */

/*
 * Run onestopctl with args (NULL-terminated), input on stdin, env
 * ONESTOP_URL set to the daemon and HOME/XDG_CONFIG_HOME to the temp dir.
 * Stdout and stderr into out (both).  Returns the exit code, -1 on error.
 */
static int
run_ctl(const char *input, char *out, size_t outlen, const char *url,
    const char *const *args)
{
	int in[2], op[2], status;
	pid_t pid;
	size_t used = 0;
	ssize_t n;

	if (pipe(in) < 0 || pipe(op) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		const char *argv[32];
		char home[600];
		int k = 0;

		dup2(in[0], 0);
		dup2(op[1], 1);
		dup2(op[1], 2);
		close(in[0]); close(in[1]); close(op[0]); close(op[1]);
		snprintf(home, sizeof home, "%s/home", D.dir);
		mkdir(home, 0700);
		setenv("HOME", home, 1);
		snprintf(home, sizeof home, "%s/xdg", D.dir);
		setenv("XDG_CONFIG_HOME", home, 1);
		setenv("ONESTOP_URL", url, 1);
		unsetenv("ONESTOP_TOKEN");
		setenv("TZ", "Asia/Ho_Chi_Minh", 1);
		argv[k++] = ctl_bin;
		while (*args != NULL && k < 31)
			argv[k++] = *args++;
		argv[k] = NULL;
		execv(ctl_bin, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(op[1]);
	if (input != NULL && write(in[1], input, strlen(input)) < 0)
		(void)0;
	close(in[1]);
	while ((n = read(op[0], out + used, outlen - 1 - used)) > 0) {
		used += (size_t)n;
		if (used + 1 >= outlen)
			break;
	}
	out[used] = '\0';
	close(op[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Start onestopctl with args in the background; its stdout+stderr on *fd. */
static pid_t
spawn_ctl(const char *url, const char *const *args, int *fd)
{
	int op[2];
	pid_t pid;

	if (pipe(op) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		const char *argv[32];
		char home[600];
		int k = 0, devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(op[1], 1);
		dup2(op[1], 2);
		close(op[0]);
		close(op[1]);
		snprintf(home, sizeof home, "%s/xdg", D.dir);
		setenv("XDG_CONFIG_HOME", home, 1);
		setenv("ONESTOP_URL", url, 1);
		argv[k++] = ctl_bin;
		while (*args != NULL && k < 31)
			argv[k++] = *args++;
		argv[k] = NULL;
		execv(ctl_bin, (char *const *)argv);
		_exit(127);
	}
	close(op[1]);
	*fd = op[0];
	return pid;
}

/* Read one line from fd (blocking), without its newline; -1 at EOF. */
static int
read_line(int fd, char *out, size_t outlen)
{
	size_t n = 0;
	char ch;

	while (read(fd, &ch, 1) == 1) {
		if (ch == '\n') {
			out[n] = '\0';
			return 0;
		}
		if (n + 1 < outlen)
			out[n++] = ch;
	}
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

/* Issue a ticket in queue over h; its number, or 0. */
static int
issue_number(struct hn_http *h, const char *queue)
{
	char body[96];
	cJSON *ans;
	int num;

	snprintf(body, sizeof body, "{\"queue\":\"%s\"}", queue);
	if (hn_req(h, "POST", "/api/v1/tickets", body, &ans) != 201) {
		cJSON_Delete(ans);
		return 0;
	}
	num = (int)hn_num(cJSON_GetObjectItemCaseSensitive(ans, "ticket"), "number", 0);
	cJSON_Delete(ans);
	return num;
}

/*
 * onestopctl tail across a daemon crash: it is following the stream when
 * the daemon is killed and restarted on the same port; it reconnects with
 * Last-Event-ID and shows the events issued while it was away.
 */
static void
test_ctl_tail_reconnect(const char *queue)
{
	struct hn_http h;
	char url[64], from[32], line[512], want[64];
	int fd = -1, status, nums[3], i, ok;
	pid_t pid;
	cJSON *hz;

	snprintf(url, sizeof url, "http://127.0.0.1:%d", D.port);
	hn_http_init(&h, D.port, NULL);
	if (hn_login(&h, "admin", PW_ADMIN) < 0 ||
	    hn_req(&h, "GET", "/healthz", NULL, &hz) != 200) {
		hn_check(0, "tail reconnect: setup");
		hn_http_free(&h);
		return;
	}
	snprintf(from, sizeof from, "%.0f", hn_num(hz, "last_event_id", 0));
	cJSON_Delete(hz);
	pid = spawn_ctl(url, (const char *const[]){ "-t", h.token, "tail",
	    "--from", from, "--count", "3", NULL }, &fd);
	hn_watch_pid(pid);
	if (pid < 0) {
		hn_check(0, "tail reconnect: cannot start onestopctl");
		hn_http_free(&h);
		return;
	}
	nums[0] = issue_number(&h, queue);
	ok = read_line(fd, line, sizeof line) == 0;
	snprintf(want, sizeof want, "Cấp số %d ", nums[0]);
	hn_check(ok && strstr(line, want) != NULL, "tail shows the first issue: %s", line);

	/* Crash and restart on the same port while tail is connected. */
	D.want_port = D.port;
	hn_stop(&D, SIGKILL);
	hn_check(hn_start(&D) == 0 && D.port == D.want_port,
	    "daemon restarted on the same port %d", D.want_port);
	D.want_port = 0;
	nums[1] = issue_number(&h, queue);
	nums[2] = issue_number(&h, queue);
	for (i = 1; i < 3; i++) {
		ok = 0;
		while (read_line(fd, line, sizeof line) == 0) {
			if (strncmp(line, "onestopctl:", 11) == 0)
				continue;     /* "mất kết nối, thử lại..." */
			ok = 1;
			break;
		}
		snprintf(want, sizeof want, "Cấp số %d ", nums[i]);
		hn_check(ok && strstr(line, want) != NULL,
		    "tail caught up after the crash: %s", line);
	}
	close(fd);
	waitpid(pid, &status, 0);
	hn_unwatch_pid(pid);
	hn_check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "tail --count 3 exits 0 after three events");
	hn_http_free(&h);
}

#define CTL(input, ...) \
	run_ctl(input, out, sizeof out, url, (const char *const[]){ __VA_ARGS__, NULL })

static void
test_ctl(const char *queue, int64_t last_event)
{
	char out[65536], url[64], path[700], from[32];
	struct stat st;
	int rc;

	snprintf(url, sizeof url, "http://127.0.0.1:%d", D.port);
	snprintf(path, sizeof path, "%s/xdg/onestop/token", D.dir);

	rc = CTL(NULL, "--help");
	hn_check(rc == 0 && strstr(out, "Mã thoát") != NULL, "ctl --help (exit %d)", rc);
	rc = CTL(NULL, "next", "--help");
	hn_check(rc == 0 && strstr(out, "next QUẦY") != NULL, "ctl next --help");
	rc = CTL(NULL, "bogus");
	hn_check(rc == 2, "ctl unknown command: exit 2 (got %d)", rc);
	rc = CTL(NULL, "next", "abc");
	hn_check(rc == 2, "ctl next abc: exit 2 (got %d)", rc);
	rc = CTL(NULL, "whoami");
	hn_check(rc == 4, "ctl whoami before login: exit 4 (got %d)", rc);
	rc = CTL("wrong-password\n", "login", "nv01");
	hn_check(rc == 4, "ctl login with a wrong password: exit 4 (got %d)", rc);
	rc = CTL(PW_STAFF "\n", "login", "nv01");
	hn_check(rc == 0 && strstr(out, "Đã đăng nhập") != NULL,
	    "ctl login nv01: exit 0 (got %d: %.200s)", rc, out);
	hn_check(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "ctl login wrote the token file with mode 0600");
	rc = CTL(NULL, "whoami");
	hn_check(rc == 0 && strstr(out, "nv01") != NULL, "ctl whoami (exit %d)", rc);
	rc = CTL(NULL, "open", "1");
	hn_check(rc == 0 && strstr(out, "Quầy 1") != NULL, "ctl open 1 (exit %d: %.200s)",
	    rc, out);
	rc = CTL(NULL, "open", "2");
	hn_check(rc == 4, "ctl open 2 by staff of counter 1: exit 4 (got %d)", rc);
	rc = CTL(NULL, "issue", queue);
	hn_check(rc == 0 && strstr(out, "Đã cấp") != NULL, "ctl issue %s (exit %d: %.200s)",
	    queue, rc, out);
	rc = CTL(NULL, "issue", "NO-SUCH-QUEUE");
	hn_check(rc == 1 && strstr(out, "onestopctl: ") != NULL,
	    "ctl issue to an unknown queue: exit 1 with the server's message (got %d: %.200s)",
	    rc, out);
	rc = CTL(NULL, "next", "1");
	hn_check(rc == 0 && strstr(out, "gọi số") != NULL, "ctl next 1 (exit %d: %.200s)",
	    rc, out);
	rc = CTL(NULL, "next", "1");
	hn_check(rc == 1, "ctl next 1 while busy: exit 1 (got %d: %.200s)", rc, out);
	rc = CTL(NULL, "start", "1");
	hn_check(rc == 0, "ctl start 1 (exit %d)", rc);
	rc = CTL(NULL, "finish", "1");
	hn_check(rc == 0 && strstr(out, "xong") != NULL, "ctl finish 1 (exit %d)", rc);
	rc = CTL(NULL, "rate", "1", "1");
	hn_check(rc == 0, "ctl rate 1 1 (exit %d: %.200s)", rc, out);
	rc = CTL(NULL, "rate", "1", "7");
	hn_check(rc == 2, "ctl rate 1 7: exit 2 (got %d)", rc);
	rc = CTL(NULL, "pause", "1", "Họp", "giao", "ban");
	hn_check(rc == 0, "ctl pause 1 with a reason (exit %d)", rc);
	rc = CTL(NULL, "status");
	hn_check(rc == 0 && strstr(out, "Quầy 1") != NULL && strstr(out, "Tạm nghỉ") != NULL,
	    "ctl status shows counter 1 paused (exit %d)", rc);
	rc = CTL(NULL, "--json", "status");
	hn_check(rc == 0 && out[0] == '{', "ctl --json status is JSON");
	snprintf(from, sizeof from, "%" PRId64, last_event);
	rc = CTL(NULL, "tail", "--from", from, "--count", "2");
	hn_check(rc == 0 && strstr(out, "Cấp số") != NULL,
	    "ctl tail --from %s --count 2 (exit %d: %.300s)", from, rc, out);
	rc = CTL(NULL, "procedures", "search", "dang", "ky", "khai", "sinh");
	hn_check(rc == 0 && strstr(out, "Đăng ký khai sinh") != NULL,
	    "ctl procedures search (exit %d)", rc);
	rc = CTL(NULL, "user", "list");
	hn_check(rc == 4, "ctl user list by staff: exit 4 (got %d)", rc);
	rc = CTL(NULL, "stats", "--by", "queue");
	hn_check(rc == 4, "ctl stats by staff: exit 4 (got %d)", rc);
	rc = CTL(NULL, "logout");
	hn_check(rc == 0 && stat(path, &st) != 0, "ctl logout removes the token file");
	rc = CTL(NULL, "whoami");
	hn_check(rc == 4, "ctl whoami after logout: exit 4 (got %d)", rc);

	rc = CTL(PW_ADMIN "\n", "login", "admin");
	hn_check(rc == 0, "ctl login admin (exit %d)", rc);
	rc = CTL("new-staff-pass\n", "user", "add", "nv02", "--role", "staff",
	    "--counters", "2,3", "--full-name", "Trần Thị Bình");
	hn_check(rc == 0, "ctl user add nv02 (exit %d: %.200s)", rc, out);
	rc = CTL(NULL, "user", "list");
	hn_check(rc == 0 && strstr(out, "Trần Thị Bình") != NULL, "ctl user list (exit %d)", rc);
	rc = CTL("another-pass-2\n", "user", "passwd", "nv02");
	hn_check(rc == 0, "ctl user passwd nv02 (exit %d)", rc);
	rc = CTL(NULL, "device", "add", "display-1", "--role", "display");
	hn_check(rc == 0 && strlen(out) >= 64, "ctl device add prints a token (exit %d)", rc);
	rc = CTL(NULL, "user", "del", "nv02");
	hn_check(rc == 0, "ctl user del nv02 (exit %d)", rc);
	/* Today's figures: one ticket served at counter 1 above. */
	rc = CTL(NULL, "stats", "--by", "queue");
	hn_check(rc == 0 && strstr(out, "Tổng") != NULL && strstr(out, "Đạt chuẩn") != NULL,
	    "ctl stats --by queue prints a table (exit %d: %.300s)", rc, out);
	rc = CTL(NULL, "stats", "--by", "queue", "--csv");
	hn_check(rc == 0 && strncmp(out, "\xef\xbb\xbf", 3) == 0 && strstr(out, ",Tổng cộng,") != NULL,
	    "ctl stats --csv passes the CSV through (exit %d: %.120s)", rc, out);
	rc = CTL(NULL, "stats", "--by", "queue", "--svg", "wait_p90");
	hn_check(rc == 0 && strstr(out, "<svg") != NULL, "ctl stats --svg (exit %d)", rc);
	rc = CTL(NULL, "stats", "--live");
	hn_check(rc == 0 && strstr(out, "Hôm nay") != NULL, "ctl stats --live (exit %d)", rc);
	rc = CTL(NULL, "stats", "--bogus", "x");
	hn_check(rc == 2, "ctl stats with an unknown option: exit 2 (got %d)", rc);
	rc = CTL(NULL, "boards");
	hn_check(rc == 0 && strstr(out, "Đường") != NULL && strstr(out, "caller") != NULL,
	    "ctl boards lists the configured boards (exit %d: %.200s)", rc, out);
	rc = CTL(NULL, "cancel", "999999");
	hn_check(rc == 1, "ctl cancel of no ticket: exit 1 (got %d: %.200s)", rc, out);
	{
		char bad[64];

		snprintf(bad, sizeof bad, "http://127.0.0.1:%d", 1);
		rc = run_ctl(NULL, out, sizeof out, bad,
		    (const char *const[]){ "status", NULL });
		hn_check(rc == 3, "ctl status with no server: exit 3 (got %d)", rc);
	}
}

int
main(void)
{
	struct hn_http adm, staff, anon, kiosk;
	cJSON *ans = NULL, *st = NULL;
	const cJSON *it, *t;
	char body[512], queue[32] = "", path[128], *big;
	const char *b = getenv("B"), *s, *dept = NULL;
	int64_t tid, tid2, last, before;
	struct stream ev;
	long code;
	int i, found;

	hn_watchdog("api_test", WATCHDOG_S);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(ctl_bin, sizeof ctl_bin, "%s/onestopctl",
	    b != NULL && *b != '\0' ? b : "build");
	if (getenv("ONESTOPCTL") != NULL)
		snprintf(ctl_bin, sizeof ctl_bin, "%s", getenv("ONESTOPCTL"));
	if (hn_init(&D, "api") < 0)
		return 1;
	if (hn_add_user(&D, "admin", "admin", NULL, PW_ADMIN) < 0 ||
	    hn_add_user(&D, "nv01", "staff", "1", PW_STAFF) < 0 ||
	    hn_add_user(&D, "ql", "manager", NULL, PW_MANAGER) < 0 ||
	    hn_start(&D) < 0) {
		hn_cleanup(&D, 1);
		return 1;
	}
	hn_http_init(&anon, D.port, NULL);
	hn_http_init(&adm, D.port, NULL);
	hn_http_init(&staff, D.port, NULL);
	hn_http_init(&kiosk, D.port, NULL);

	/* Login. */
	hn_check(hn_login(&adm, "admin", PW_ADMIN) == 0 && strlen(adm.token) == 64,
	    "login admin gives a 64-hex token");
	hn_check(hn_login(&staff, "nv01", PW_STAFF) == 0, "login nv01");
	code = hn_req(&anon, "POST", "/api/v1/login",
	    "{\"user\":\"nv01\",\"password\":\"wrong\"}", &ans);
	hn_check(code == 401 && strcmp(hn_err_code(ans), "bad_login") == 0 && hn_has_message(ans),
	    "wrong password: 401 bad_login (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&anon, "POST", "/api/v1/login",
	    "{\"user\":\"nobody\",\"password\":\"wrong\"}", &ans);
	hn_check(code == 401 && strcmp(hn_err_code(ans), "bad_login") == 0,
	    "unknown user: the same 401 bad_login (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&staff, "GET", "/api/v1/me", NULL, &ans);
	hn_check(code == 200 && strstr(staff.body, "nv01") != NULL, "GET /me as nv01");
	cJSON_Delete(ans);

	/* No token, bad token. */
	code = hn_req(&anon, "GET", "/api/v1/state", NULL, &ans);
	hn_check(code == 401 && hn_has_message(ans), "state without a token: 401 (got %ld)", code);
	cJSON_Delete(ans);
	snprintf(anon.token, sizeof anon.token, "%064d", 0);
	code = hn_req(&anon, "GET", "/api/v1/state", NULL, NULL);
	hn_check(code == 401, "state with a made-up token: 401 (got %ld)", code);
	anon.token[0] = '\0';

	/* The configuration as the state tells it. */
	code = hn_req(&adm, "GET", "/api/v1/state", NULL, &st);
	hn_check(code == 200 && st != NULL, "GET /api/v1/state as admin");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "counters"))
		if ((int)hn_num(it, "number", 0) == 1)
			dept = hn_str(it, "department");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "queues")) {
		s = hn_str(it, "department");
		if (queue[0] == '\0' && dept != NULL && s != NULL && strcmp(s, dept) == 0)
			snprintf(queue, sizeof queue, "%s", hn_str(it, "code"));
	}
	hn_check(queue[0] != '\0', "a queue of counter 1's department: %s", queue);
	cJSON_Delete(st);

	/* A kiosk device: may issue, may not call. */
	code = hn_req(&adm, "POST", "/api/v1/devices",
	    "{\"name\":\"kiosk-t\",\"role\":\"kiosk\"}", &ans);
	s = hn_str(ans, "token");
	hn_check(code == 201 && s != NULL, "admin creates a kiosk token (got %ld)", code);
	if (s != NULL)
		snprintf(kiosk.token, sizeof kiosk.token, "%s", s);
	cJSON_Delete(ans);
	code = hn_req(&staff, "POST", "/api/v1/devices",
	    "{\"name\":\"kiosk-x\",\"role\":\"kiosk\"}", NULL);
	hn_check(code == 403, "staff cannot create devices: 403 (got %ld)", code);
	code = hn_req(&kiosk, "POST", "/api/v1/counters/1/next", NULL, &ans);
	hn_check(code == 403 && strcmp(hn_err_code(ans), "forbidden") == 0,
	    "kiosk token cannot call next: 403 (got %ld)", code);
	cJSON_Delete(ans);

	/* Flow: issue, state, next, start, finish. */
	code = hn_req(&adm, "GET", "/healthz", NULL, &ans);
	before = (int64_t)hn_num(ans, "last_event_id", -1);
	hn_check(code == 200 && before >= 0, "healthz (last event %" PRId64 ")", before);
	cJSON_Delete(ans);
	snprintf(body, sizeof body, "{\"queue\":\"%s\"}", queue);
	code = hn_req(&kiosk, "POST", "/api/v1/tickets", body, &ans);
	t = cJSON_GetObjectItemCaseSensitive(ans, "ticket");
	tid = (int64_t)hn_num(t, "id", 0);
	hn_check(code == 201 && tid > 0 && hn_num(t, "number", 0) > 0 &&
	    strcmp(hn_str(t, "state") ? hn_str(t, "state") : "", "waiting") == 0,
	    "kiosk issues a ticket in %s: 201, waiting (got %ld)", queue, code);
	cJSON_Delete(ans);
	code = hn_req(&kiosk, "POST", "/api/v1/tickets", body, &ans);
	tid2 = (int64_t)hn_num(cJSON_GetObjectItemCaseSensitive(ans, "ticket"), "id", 0);
	hn_check(code == 201 && tid2 > tid, "a second ticket");
	cJSON_Delete(ans);
	code = hn_req(&kiosk, "GET", "/api/v1/state", NULL, &st);
	found = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "waiting"))
		if ((int64_t)hn_num(it, "id", 0) == tid)
			found = 1;
	hn_check(code == 200 && found, "the ticket is in the state's waiting list");
	cJSON_Delete(st);
	code = hn_req(&staff, "POST", "/api/v1/counters/2/open", NULL, &ans);
	hn_check(code == 403, "staff of counter 1 cannot open counter 2: 403 (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&staff, "POST", "/api/v1/counters/1/next", NULL, &ans);
	hn_check(code == 409 && hn_has_message(ans), "next on a closed counter: 409 (got %ld %s)",
	    code, hn_err_code(ans));
	cJSON_Delete(ans);
	code = hn_req(&staff, "POST", "/api/v1/counters/1/open", NULL, NULL);
	hn_check(code == 200, "staff opens counter 1 (got %ld)", code);
	code = hn_req(&staff, "POST", "/api/v1/counters/1/next", NULL, &ans);
	t = cJSON_GetObjectItemCaseSensitive(ans, "ticket");
	hn_check(code == 200 && (int64_t)hn_num(t, "id", 0) == tid &&
	    strcmp(hn_str(t, "state") ? hn_str(t, "state") : "", "called") == 0,
	    "next calls the first ticket (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&staff, "POST", "/api/v1/counters/1/start", NULL, NULL);
	hn_check(code == 200, "start (got %ld)", code);
	code = hn_req(&staff, "POST", "/api/v1/counters/1/finish", NULL, &ans);
	t = cJSON_GetObjectItemCaseSensitive(ans, "ticket");
	hn_check(code == 200 && strcmp(hn_str(t, "state") ? hn_str(t, "state") : "",
	    "done") == 0, "finish: the ticket is done (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&staff, "POST", "/api/v1/counters/1/finish", NULL, &ans);
	hn_check(code == 409, "finish again: 409 (got %ld %s)", code, hn_err_code(ans));
	cJSON_Delete(ans);
	snprintf(path, sizeof path, "/api/v1/tickets/%" PRId64, tid);
	code = hn_req(&staff, "GET", path, NULL, &ans);
	t = cJSON_GetObjectItemCaseSensitive(ans, "ticket");
	hn_check(code == 200 && strcmp(hn_str(t, "state") ? hn_str(t, "state") : "",
	    "done") == 0 && (int)hn_num(t, "counter", 0) == 1,
	    "GET ticket: done at counter 1");
	cJSON_Delete(ans);

	/* Bad input: 4xx, and the daemon still answers. */
	code = hn_req(&adm, "POST", "/api/v1/tickets", "{\"queue\":", &ans);
	hn_check(code == 400 && strcmp(hn_err_code(ans), "invalid_json") == 0,
	    "malformed JSON: 400 invalid_json (got %ld %s)", code, hn_err_code(ans));
	cJSON_Delete(ans);
	snprintf(body, sizeof body, "{\"queue\":\"%s\",\"colour\":\"red\"}", queue);
	code = hn_req(&adm, "POST", "/api/v1/tickets", body, &ans);
	hn_check(code == 400 && strcmp(hn_err_code(ans), "unknown_field") == 0,
	    "unknown field: 400 unknown_field (got %ld %s)", code, hn_err_code(ans));
	cJSON_Delete(ans);
	code = hn_req(&adm, "POST", "/api/v1/tickets", "{\"queue\":5}", &ans);
	hn_check(code == 400 && strcmp(hn_err_code(ans), "bad_type") == 0,
	    "wrong type: 400 bad_type (got %ld %s)", code, hn_err_code(ans));
	cJSON_Delete(ans);
	code = hn_req(&adm, "POST", "/api/v1/counters/1/rate", "{\"value\":\"x\"}", &ans);
	hn_check(code == 400, "rate with a string: 400 (got %ld %s)", code, hn_err_code(ans));
	cJSON_Delete(ans);
	code = hn_req(&adm, "POST", "/api/v1/tickets", "[1,2,3]", &ans);
	hn_check(code == 400, "an array body: 400 (got %ld %s)", code, hn_err_code(ans));
	cJSON_Delete(ans);
	code = hn_req(&adm, "POST", "/api/v1/counters/100/open", NULL, &ans);
	hn_check(code >= 400 && code < 500, "counter 100: 4xx (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&adm, "POST", "/api/v1/counters/1/fly", NULL, &ans);
	hn_check(code >= 400 && code < 500, "unknown action: 4xx (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&adm, "DELETE", "/api/v1/state", NULL, &ans);
	hn_check(code == 405, "DELETE /api/v1/state: 405 (got %ld)", code);
	cJSON_Delete(ans);
	big = malloc(300 * 1024 + 64);
	if (big != NULL) {
		memset(big, ' ', 300 * 1024);
		memcpy(big, "{\"queue\":\"", 10);
		memcpy(big + 300 * 1024, "\"}", 3);
		code = hn_req(&adm, "POST", "/api/v1/tickets", big, &ans);
		hn_check(code == 413, "a 300 KiB body: 413 (got %ld %s)", code, hn_err_code(ans));
		cJSON_Delete(ans);
		free(big);
	}
	code = hn_req(&adm, "POST", "/api/v1/tickets", "\xff\xfe{}", &ans);
	hn_check(code == 400, "non-UTF-8 body: 400 (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&anon, "GET", "/healthz", NULL, NULL);
	hn_check(code == 200, "the daemon still answers after bad input");

	/* Procedure search, with and without diacritics. */
	for (i = 0; i < 2; i++) {
		const char *q = i == 0 ? "dang+ky+khai+sinh" :
		    "%C4%91%C4%83ng+k%C3%BD+khai+sinh";
		const cJSON *first;

		snprintf(path, sizeof path, "/api/v1/procedures?q=%s&limit=5", q);
		code = hn_req(&anon, "GET", path, NULL, &ans);
		first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ans,
		    "procedures"), 0);
		s = hn_str(first, "name");
		hn_check(code == 200 && s != NULL && strcmp(s, "Đăng ký khai sinh") == 0,
		    "search \"%s\" finds \"Đăng ký khai sinh\" first (got %s)",
		    i == 0 ? "dang ky khai sinh" : "đăng ký khai sinh", s ? s : "nothing");
		cJSON_Delete(ans);
	}

	/* Event stream: a reconnect with Last-Event-ID gets what it missed. */
	read_events(staff.token, before, 2, &ev);
	hn_check(ev.status == 200 && ev.n == 2 && ev.ids[0] == before + 1 &&
	    strcmp(ev.types[0], "issued") == 0 && ev.tickets[0] == tid &&
	    ev.ids[1] > ev.ids[0] && ev.tickets[1] == tid2,
	    "stream from Last-Event-ID %" PRId64 " replays the two issues "
	    "(got %d events, first %" PRId64 " %s)", before, ev.n,
	    ev.n > 0 ? ev.ids[0] : 0, ev.n > 0 ? ev.types[0] : "-");
	code = hn_req(&adm, "GET", "/healthz", NULL, &ans);
	last = (int64_t)hn_num(ans, "last_event_id", -1);
	cJSON_Delete(ans);
	read_events(staff.token, last - 1, 1, &ev);
	hn_check(ev.n == 1 && ev.ids[0] == last, "stream from %" PRId64 " gives event %"
	    PRId64, last - 1, last);
	test_stream_head(&adm, staff.token);
	read_events(kiosk.token, 0, 1, &ev);
	hn_check(ev.status == 403 && ev.n == 0,
	    "kiosk on the event stream: 403, no events (HTTP %ld, %d events)",
	    ev.status, ev.n);

	/* Restart keeps state and sessions; a stream open at the stop ends. */
	{
		char txt[4096];
		int fd = raw_stream("GET", staff.token, "retry: 2000\n\n", txt, sizeof txt), rc;

		rc = hn_stop(&D, SIGTERM);
		hn_check(fd >= 0 && rc == 0 && raw_ends(fd), "stop beside an open stream: "
		    "exit 0 (got %d), the stream ended", rc);
		if (fd >= 0)
			close(fd);
	}
	hn_check(hn_start(&D) == 0, "restart");
	hn_http_set_port(&adm, D.port);
	hn_http_set_port(&staff, D.port);
	hn_http_set_port(&anon, D.port);
	snprintf(path, sizeof path, "/api/v1/tickets/%" PRId64, tid2);
	code = hn_req(&staff, "GET", path, NULL, &ans);
	t = cJSON_GetObjectItemCaseSensitive(ans, "ticket");
	hn_check(code == 200 && strcmp(hn_str(t, "state") ? hn_str(t, "state") : "",
	    "waiting") == 0, "after restart: session valid, ticket 2 still waiting");
	cJSON_Delete(ans);
	code = hn_req(&staff, "GET", "/api/v1/state", NULL, &st);
	found = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "counters"))
		if ((int)hn_num(it, "number", 0) == 1 &&
		    strcmp(hn_str(it, "state") ? hn_str(it, "state") : "", "open") == 0)
			found = 1;
	hn_check(found && (int64_t)hn_num(st, "last_event_id", 0) == last,
	    "after restart: counter 1 open, last event %" PRId64, last);
	cJSON_Delete(st);

	if (access(ctl_bin, X_OK) == 0) {
		test_ctl(queue, before);
		test_ctl_tail_reconnect(queue);
	}
	else
		hn_check(0, "%s is missing", ctl_bin);
	hn_http_set_port(&adm, D.port);
	test_stop_under_load(staff.token, queue, &adm);

	hn_http_free(&anon);
	hn_http_free(&adm);
	hn_http_free(&staff);
	hn_http_free(&kiosk);
	hn_summary("api_test");
	hn_cleanup(&D, hn_failures > 0);
	curl_global_cleanup();
	return hn_failures > 0;
}
