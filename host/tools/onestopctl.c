/*
 * onestopctl.c - command-line client of the onestopd HTTP API (host/docs/
 * api.md) for staff, managers and admins: log in, issue tickets, drive a
 * counter, watch the state and the event stream, manage the catalogue, users
 * and devices.  One request per command over libcurl, JSON with cJSON.
 *
 * Exit codes (for scripts): 0 done, 1 refused by the server (4xx other than
 * authentication), 2 usage error, 3 server unreachable or 5xx, 4 not logged
 * in or forbidden (401/403).  The server's own Vietnamese message is printed
 * on refusals.  Documentation: host/docs/onestopctl.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "tools/ctl_backup.h"
#include "tools/ctl_text.h"
#include "common/strnum.h"
#include "common/xmalloc.h"

enum {
	EXIT_DONE = 0,
	EXIT_REFUSED = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
	EXIT_AUTH = 4,
};

#define DEFAULT_URL "http://127.0.0.1:8080"
#define MAX_BODY (64u << 20)     /* answers larger than this are refused */
#define MAX_PASSWORD 1024

struct ctl {
	const char *url;             /* base, no trailing slash */
	char *token;                 /* NULL when not logged in */
	int json;                    /* --json: print the raw answers */
	CURL *curl;
};

struct buf {
	char *data;
	size_t len;
	int overflow;
};

struct command {
	const char *name;
	int (*run)(struct ctl *, int, char **);
	int needs_token;
	const char *usage;
	const char *help;
};

static const struct command *current;   /* for usage errors */

/* ---- small helpers ------------------------------------------------------ */

/* Print a usage error for the current command and return EXIT_USAGE. */
static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "onestopctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (current != NULL)
		fprintf(stderr, "Cách dùng: onestopctl %s\n", current->usage);
	return EXIT_USAGE;
}

/* Strict integer parse of s into *out within [lo, hi]; 0 ok, -1 not. */
static int
parse_int(const char *s, long lo, long hi, long *out)
{
	long long v;

	if (strnum_parse(s, lo, hi, &v) != 0)
		return -1;
	*out = (long)v;
	return 0;
}

/* 1 when an argument asks for help. */
static int
wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

/* Words argv[from..argc) joined by spaces (malloc'd), "" when none. */
static char *
join_words(int argc, char **argv, int from)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xmalloc(len);
	s[0] = '\0';
	for (i = from; i < argc; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* String member of obj, or dflt when absent or not a string. */
static const char *
jstr(const cJSON *obj, const char *name, const char *dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) && v->valuestring != NULL ? v->valuestring : dflt;
}

/* Number member of obj, or dflt. */
static double
jnum(const cJSON *obj, const char *name, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* ---- token file --------------------------------------------------------- */

/* Path of the token file (malloc'd), NULL when no home is known. */
static char *
token_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *p;

	if (xdg != NULL && *xdg == '/')
		xasprintf(&p, "%s/onestop/token", xdg);
	else if (home != NULL && *home != '\0')
		xasprintf(&p, "%s/.config/onestop/token", home);
	else
		return NULL;
	return p;
}

/* Read the saved token, NULL when there is none. */
static char *
token_load(void)
{
	char *path = token_path();
	char line[256];
	FILE *f;
	size_t n;

	if (path == NULL)
		return NULL;
	f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return NULL;
	if (fgets(line, sizeof line, f) == NULL) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	return n > 0 ? xstrdup(line) : NULL;
}

/* mkdir -p for the directory part of path, mode 0700. */
static int
mkdirs_for(const char *path)
{
	char *dir = xstrdup(path);
	char *p;

	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

/* Save token to the token file, mode 0600.  0 ok, -1 with a message. */
static int
token_save(const char *token)
{
	char *path = token_path();
	int fd;
	size_t len = strlen(token);

	if (path == NULL) {
		fprintf(stderr, "onestopctl: không biết thư mục nhà (HOME) để lưu phiên\n");
		return -1;
	}
	if (mkdirs_for(path) < 0 ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		fprintf(stderr, "onestopctl: %s: %s\n", path, strerror(errno));
		free(path);
		return -1;
	}
	(void)fchmod(fd, 0600);
	if (write(fd, token, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
	    close(fd) < 0) {
		fprintf(stderr, "onestopctl: %s: %s\n", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

/* Remove the token file if it holds token (or any token when NULL). */
static void
token_forget(const char *token)
{
	char *path = token_path();
	char *saved = token_load();

	if (path != NULL && saved != NULL &&
	    (token == NULL || strcmp(saved, token) == 0))
		(void)unlink(path);
	free(saved);
	free(path);
}

/* ---- passwords ---------------------------------------------------------- */

/*
 * Read a password: from the terminal without echo (prompting on stderr) when
 * stdin is a tty, else one line of stdin.  0 ok, -1 on EOF or error.
 */
static int
read_password(const char *prompt, char *out, size_t outlen)
{
	struct termios old, noecho;
	int tty = isatty(STDIN_FILENO);
	size_t n;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		fflush(stderr);
		if (tcgetattr(STDIN_FILENO, &old) < 0)
			return -1;
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		noecho.c_lflag |= ECHONL;
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho) < 0)
			return -1;
	}
	if (fgets(out, (int)outlen, stdin) == NULL) {
		if (tty)
			(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		return -1;
	}
	if (tty)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	return 0;
}

/* A new password: asked twice on a terminal. 0 ok, else an exit code. */
static int
read_new_password(char *out, size_t outlen)
{
	char again[MAX_PASSWORD];

	if (read_password("Mật khẩu mới: ", out, outlen) < 0) {
		fprintf(stderr, "onestopctl: không đọc được mật khẩu\n");
		return EXIT_USAGE;
	}
	if (isatty(STDIN_FILENO)) {
		if (read_password("Nhập lại mật khẩu: ", again, sizeof again) < 0 ||
		    strcmp(out, again) != 0) {
			fprintf(stderr, "onestopctl: hai lần nhập mật khẩu không khớp\n");
			return EXIT_USAGE;
		}
	}
	if (out[0] == '\0') {
		fprintf(stderr, "onestopctl: mật khẩu không được để trống\n");
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- HTTP --------------------------------------------------------------- */

/* libcurl write callback: append to a struct buf, bounded. */
static size_t
buf_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t n = size * nmemb;

	if (b->len + n > MAX_BODY) {
		b->overflow = 1;
		return 0;
	}
	b->data = xreallocarray(b->data, b->len + n + 1, 1);
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/*
 * One HTTP request.  body may be NULL.  On return *status is the HTTP status
 * and out holds the answer (NUL-terminated, caller frees out->data).
 * Returns 0, or -1 when the server could not be reached (message printed).
 */
static int
http(struct ctl *c, const char *method, const char *path, const char *ctype,
    const char *body, size_t bodylen, long *status, struct buf *out)
{
	struct curl_slist *hdr = NULL;
	char *url, *line;
	CURLcode rc;

	memset(out, 0, sizeof *out);
	xasprintf(&url, "%s%s", c->url, path);
	curl_easy_reset(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	if (c->token != NULL) {
		xasprintf(&line, "Authorization: Bearer %s", c->token);
		hdr = curl_slist_append(hdr, line);
		free(line);
	}
	if (body != NULL) {
		xasprintf(&line, "Content-Type: %s", ctype);
		hdr = curl_slist_append(hdr, line);
		free(line);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)bodylen);
	} else if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	}
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdr);
	rc = curl_easy_perform(c->curl);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		fprintf(stderr, "onestopctl: không kết nối được máy chủ %s: %s\n",
		    c->url, out->overflow ? "câu trả lời quá lớn" :
		    curl_easy_strerror(rc));
		free(url);
		free(out->data);
		out->data = NULL;
		return -1;
	}
	free(url);
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
	if (out->data == NULL) {
		out->data = xstrdup("");
		out->len = 0;
	}
	return 0;
}

/* 1 (with a message) when the command needs a session and there is none. */
static int
not_logged_in(const struct ctl *c)
{
	if (c->token != NULL || current == NULL || !current->needs_token)
		return 0;
	fprintf(stderr, "onestopctl: chưa đăng nhập: chạy `onestopctl login TÊN`"
	    " hoặc đặt ONESTOP_TOKEN\n");
	return 1;
}

/* Exit code for an HTTP status. */
static int
status_exit(long status)
{
	if (status >= 200 && status < 300)
		return EXIT_DONE;
	if (status == 401 || status == 403)
		return EXIT_AUTH;
	if (status >= 400 && status < 500)
		return EXIT_REFUSED;
	return EXIT_UNREACHABLE;
}

/* Print the server's refusal: its Vietnamese message, else the status. */
static void
print_refusal(long status, const char *body)
{
	cJSON *j = cJSON_Parse(body);
	const char *msg = jstr(j, "message", NULL);
	const char *code = jstr(j, "error", NULL);

	if (msg != NULL)
		fprintf(stderr, "onestopctl: %s%s%s%s\n", msg,
		    code != NULL ? " (" : "", code != NULL ? code : "",
		    code != NULL ? ")" : "");
	else if (code != NULL)
		fprintf(stderr, "onestopctl: máy chủ từ chối: %s (HTTP %ld)\n",
		    code, status);
	else
		fprintf(stderr, "onestopctl: máy chủ trả lời HTTP %ld\n", status);
	if (status == 401 && (code == NULL || strcmp(code, "bad_login") != 0))
		fprintf(stderr, "onestopctl: hãy đăng nhập: onestopctl login TÊN\n");
	cJSON_Delete(j);
}

/*
 * Send a request with an optional JSON body (consumed) and parse the answer.
 * Returns an exit code; on EXIT_DONE *answer holds the parsed JSON (caller
 * deletes; may be NULL when answer is NULL).  --json prints the raw answer.
 */
static int
call_raw(struct ctl *c, const char *method, const char *path,
    const char *ctype, const char *body, size_t bodylen, cJSON **answer)
{
	struct buf b;
	long status = 0;
	int code;

	if (answer != NULL)
		*answer = NULL;
	if (not_logged_in(c))
		return EXIT_AUTH;
	if (http(c, method, path, ctype, body, bodylen, &status, &b) < 0)
		return EXIT_UNREACHABLE;
	code = status_exit(status);
	if (c->json)
		printf("%s%s", b.data,
		    b.len > 0 && b.data[b.len - 1] != '\n' ? "\n" : "");
	if (code != EXIT_DONE) {
		print_refusal(status, b.data);
		free(b.data);
		return code;
	}
	if (answer != NULL) {
		*answer = cJSON_Parse(b.data);
		if (*answer == NULL) {
			fprintf(stderr, "onestopctl: máy chủ trả lời không phải JSON\n");
			free(b.data);
			return EXIT_UNREACHABLE;
		}
	}
	free(b.data);
	return EXIT_DONE;
}

/* call_raw with a cJSON body (deleted here) or none. */
static int
call(struct ctl *c, const char *method, const char *path, cJSON *body,
    cJSON **answer)
{
	char *text = NULL;
	int code;

	if (body != NULL) {
		text = cJSON_PrintUnformatted(body);
		cJSON_Delete(body);
		if (text == NULL) {
			fprintf(stderr, "onestopctl: hết bộ nhớ\n");
			return EXIT_UNREACHABLE;
		}
	}
	code = call_raw(c, method, path, "application/json", text,
	    text != NULL ? strlen(text) : 0, answer);
	free(text);
	return code;
}

/* ---- printing objects --------------------------------------------------- */

/* One line about a ticket: "số 1023 (Hộ tịch) — Đang chờ". */
static void
print_ticket(const cJSON *t)
{
	const char *pname = jstr(t, "procedure_name", NULL);

	printf("số %d — %s%s%s — %s (phiếu #%.0f, mã %s)\n",
	    (int)jnum(t, "number", 0), jstr(t, "queue_name", jstr(t, "queue", "?")),
	    pname != NULL ? " — " : "", pname != NULL ? pname : "",
	    ctl_text_ticket_state(jstr(t, "state", NULL)), jnum(t, "id", 0),
	    jstr(t, "code", "?"));
}

/* ---- commands ----------------------------------------------------------- */

/* Counters of a user object as "1, 2" into out. */
static void
counters_text(const cJSON *obj, char *out, size_t outlen)
{
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(obj, "counters");
	const cJSON *it;
	size_t used = 0;

	out[0] = '\0';
	if (!cJSON_IsArray(cs))
		return;
	cJSON_ArrayForEach(it, cs) {
		if (!cJSON_IsNumber(it) || used + 8 > outlen)
			continue;
		used += (size_t)snprintf(out + used, outlen - used, "%s%d",
		    used > 0 ? ", " : "", it->valueint);
	}
}


static int
cmd_login(struct ctl *c, int argc, char **argv)
{
	char password[MAX_PASSWORD];
	cJSON *body, *ans = NULL;
	char cs[256];
	const char *token;
	int code;

	if (argc != 2)
		return usage_error("cần đúng một tên đăng nhập");
	if (read_password("Mật khẩu: ", password, sizeof password) < 0) {
		fprintf(stderr, "onestopctl: không đọc được mật khẩu\n");
		return EXIT_USAGE;
	}
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "user", argv[1]);
	cJSON_AddStringToObject(body, "password", password);
	explicit_bzero(password, sizeof password);
	free(c->token);
	c->token = NULL;
	code = call(c, "POST", "/api/v1/login", body, &ans);
	if (code != EXIT_DONE)
		return code;
	token = jstr(ans, "token", NULL);
	if (token == NULL) {
		fprintf(stderr, "onestopctl: máy chủ không trả về phiên đăng nhập\n");
		cJSON_Delete(ans);
		return EXIT_UNREACHABLE;
	}
	if (token_save(token) < 0) {
		cJSON_Delete(ans);
		return EXIT_UNREACHABLE;
	}
	if (!c->json) {
		const char *full = jstr(ans, "full_name", "");

		printf("Đã đăng nhập: %s%s%s%s, vai trò %s", jstr(ans, "user", argv[1]),
		    *full ? " (" : "", full, *full ? ")" : "", jstr(ans, "role", "?"));
		counters_text(ans, cs, sizeof cs);
		if (cs[0] != '\0')
			printf(", quầy %s", cs);
		printf("\n");
	}
	cJSON_Delete(ans);
	return EXIT_DONE;
}

static int
cmd_logout(struct ctl *c, int argc, char **argv)
{
	int code;

	(void)argv;
	if (argc != 1)
		return usage_error("không nhận thêm tham số");
	code = call(c, "POST", "/api/v1/logout", NULL, NULL);
	if (code == EXIT_DONE || code == EXIT_AUTH) {
		token_forget(c->token);
		if (!c->json)
			printf("Đã đăng xuất.\n");
		return EXIT_DONE;
	}
	return code;
}

static int
cmd_whoami(struct ctl *c, int argc, char **argv)
{
	cJSON *ans;
	char cs[256];
	int code;

	(void)argv;
	if (argc != 1)
		return usage_error("không nhận thêm tham số");
	code = call(c, "GET", "/api/v1/me", NULL, &ans);
	if (code != EXIT_DONE)
		return code;
	if (!c->json) {
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(ans, "user");
		const cJSON *src = cJSON_IsObject(u) ? u : ans;

		counters_text(src, cs, sizeof cs);
		printf("%s", jstr(src, "user", jstr(src, "name", "?")));
		if (*jstr(src, "full_name", "") != '\0')
			printf(" — %s", jstr(src, "full_name", ""));
		printf(" — vai trò %s", jstr(src, "role", "?"));
		if (cs[0] != '\0')
			printf(" — quầy %s", cs);
		printf("\n");
	}
	cJSON_Delete(ans);
	return EXIT_DONE;
}

static int
cmd_issue(struct ctl *c, int argc, char **argv)
{
	const char *queue = NULL, *proc = NULL, *prio = NULL, *kiosk = NULL;
	const char *channel = NULL;
	cJSON *body, *ans;
	const cJSON *t, *pe;
	int i, code;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--procedure") == 0 && i + 1 < argc)
			proc = argv[++i];
		else if (strcmp(argv[i], "--priority") == 0 && i + 1 < argc)
			prio = argv[++i];
		else if (strcmp(argv[i], "--kiosk") == 0 && i + 1 < argc)
			kiosk = argv[++i];
		else if (strcmp(argv[i], "--channel") == 0 && i + 1 < argc)
			channel = argv[++i];
		else if (argv[i][0] == '-')
			return usage_error("tùy chọn không rõ: %s", argv[i]);
		else if (queue == NULL)
			queue = argv[i];
		else
			return usage_error("thừa tham số: %s", argv[i]);
	}
	if ((queue == NULL) == (proc == NULL))
		return usage_error("cần một hàng chờ HOẶC --procedure MÃ");
	body = cJSON_CreateObject();
	if (queue != NULL)
		cJSON_AddStringToObject(body, "queue", queue);
	else
		cJSON_AddStringToObject(body, "procedure", proc);
	if (prio != NULL)
		cJSON_AddStringToObject(body, "priority", prio);
	if (channel != NULL)
		cJSON_AddStringToObject(body, "channel", channel);
	if (kiosk != NULL)
		cJSON_AddStringToObject(body, "kiosk", kiosk);
	code = call(c, "POST", "/api/v1/tickets", body, &ans);
	if (code != EXIT_DONE)
		return code;
	if (!c->json) {
		t = cJSON_GetObjectItemCaseSensitive(ans, "ticket");
		printf("Đã cấp ");
		print_ticket(t);
		printf("Trước số này: %d người, ước tính chờ %d phút.\n",
		    (int)jnum(t, "ahead", 0), (int)jnum(t, "est_wait_min", 0));
		pe = cJSON_GetObjectItemCaseSensitive(ans, "print_error");
		if (cJSON_IsString(pe))
			printf("Không in được phiếu: %s\n", pe->valuestring);
	}
	cJSON_Delete(ans);
	return EXIT_DONE;
}

/* POST /api/v1/counters/N/ACTION with body; print what happened. */
static int
counter_action(struct ctl *c, long n, const char *action, cJSON *body)
{
	char path[96];
	cJSON *ans;
	const cJSON *t, *cn;
	int code, num;
	const char *st;

	snprintf(path, sizeof path, "/api/v1/counters/%ld/%s", n, action);
	code = call(c, "POST", path, body, &ans);
	if (code != EXIT_DONE)
		return code;
	if (c->json) {
		cJSON_Delete(ans);
		return EXIT_DONE;
	}
	cn = cJSON_GetObjectItemCaseSensitive(ans, "counter");
	t = cJSON_GetObjectItemCaseSensitive(ans, "ticket");
	num = (int)jnum(t, "number", 0);
	st = jstr(cn, "state", NULL);
	if (strcmp(action, "open") == 0)
		printf("Quầy %ld đã mở.\n", n);
	else if (strcmp(action, "close") == 0)
		printf("Quầy %ld đã đóng.\n", n);
	else if (strcmp(action, "pause") == 0)
		printf("Quầy %ld tạm nghỉ.\n", n);
	else if (!cJSON_IsObject(t))
		printf("Quầy %ld: %s.\n", n, ctl_text_counter_state(st));
	else if (strcmp(action, "next") == 0 || strcmp(action, "call") == 0)
		printf("Quầy %ld gọi số %d (%s).\n", n, num,
		    jstr(t, "queue_name", jstr(t, "queue", "?")));
	else if (strcmp(action, "recall") == 0)
		printf("Quầy %ld gọi lại số %d (%s).\n", n, num,
		    ctl_text_ticket_state(jstr(t, "state", NULL)));
	else if (strcmp(action, "start") == 0)
		printf("Quầy %ld bắt đầu phục vụ số %d.\n", n, num);
	else if (strcmp(action, "finish") == 0)
		printf("Quầy %ld đã phục vụ xong số %d.\n", n, num);
	else if (strcmp(action, "no-show") == 0)
		printf("Số %d vắng mặt tại quầy %ld.\n", num, n);
	else if (strcmp(action, "transfer") == 0)
		printf("Quầy %ld đã chuyển số %d sang %s.\n", n, num,
		    jstr(t, "queue_name", jstr(t, "queue", "?")));
	else if (strcmp(action, "park") == 0)
		printf("Quầy %ld tạm gác số %d.\n", n, num);
	else if (strcmp(action, "unpark") == 0)
		printf("Số %d trở lại hàng chờ của quầy %ld.\n", num, n);
	else if (strcmp(action, "rate") == 0)
		printf("Đã ghi đánh giá cho số %d tại quầy %ld.\n", num, n);
	else {
		printf("Quầy %ld: ", n);
		print_ticket(t);
	}
	cJSON_Delete(ans);
	return EXIT_DONE;
}

/* Counter number argument (1..99), or -1 after a usage message. */
static long
counter_arg(int argc, char **argv, int i)
{
	long n;

	if (i >= argc) {
		usage_error("thiếu số quầy");
		return -1;
	}
	if (parse_int(argv[i], 1, 99, &n) < 0) {
		usage_error("số quầy không hợp lệ: %s (1..99)", argv[i]);
		return -1;
	}
	return n;
}

/* Commands "ACTION N" without more arguments. */
static int
cmd_counter_simple(struct ctl *c, int argc, char **argv)
{
	long n = counter_arg(argc, argv, 1);

	if (n < 0)
		return EXIT_USAGE;
	if (argc != 2)
		return usage_error("thừa tham số: %s", argv[2]);
	return counter_action(c, n, argv[0], NULL);
}

/* Commands "ACTION N NUMBER" (call, unpark). */
static int
cmd_counter_number(struct ctl *c, int argc, char **argv)
{
	long n = counter_arg(argc, argv, 1), num;
	cJSON *body;

	if (n < 0)
		return EXIT_USAGE;
	if (argc != 3 || parse_int(argv[2], 1, 9999, &num) < 0)
		return usage_error("cần số phiếu 1..9999");
	body = cJSON_CreateObject();
	cJSON_AddNumberToObject(body, "number", (double)num);
	return counter_action(c, n, argv[0], body);
}

static int
cmd_pause(struct ctl *c, int argc, char **argv)
{
	long n = counter_arg(argc, argv, 1);
	cJSON *body;
	char *reason;

	if (n < 0)
		return EXIT_USAGE;
	body = cJSON_CreateObject();
	reason = join_words(argc, argv, 2);
	if (reason[0] != '\0')
		cJSON_AddStringToObject(body, "reason", reason);
	free(reason);
	return counter_action(c, n, "pause", body);
}

static int
cmd_rate(struct ctl *c, int argc, char **argv)
{
	long n = counter_arg(argc, argv, 1), v;
	cJSON *body;

	if (n < 0)
		return EXIT_USAGE;
	if (argc != 3 || parse_int(argv[2], 1, 4, &v) < 0)
		return usage_error("cần mức đánh giá 1..4 (1 rất hài lòng .. 4 không hài lòng)");
	body = cJSON_CreateObject();
	cJSON_AddNumberToObject(body, "value", (double)v);
	return counter_action(c, n, "rate", body);
}

static int
cmd_transfer(struct ctl *c, int argc, char **argv)
{
	long n = counter_arg(argc, argv, 1), to = 0;
	const char *queue = NULL;
	int keep = -1, i;
	cJSON *body;

	if (n < 0)
		return EXIT_USAGE;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--queue") == 0 && i + 1 < argc)
			queue = argv[++i];
		else if (strcmp(argv[i], "--counter") == 0 && i + 1 < argc) {
			if (parse_int(argv[++i], 1, 99, &to) < 0)
				return usage_error("số quầy không hợp lệ: %s", argv[i]);
		} else if (strcmp(argv[i], "--keep-place") == 0)
			keep = 1;
		else if (strcmp(argv[i], "--back") == 0)
			keep = 0;
		else
			return usage_error("tham số không rõ: %s", argv[i]);
	}
	if ((queue == NULL) == (to == 0))
		return usage_error("cần --queue HÀNG hoặc --counter SỐ");
	body = cJSON_CreateObject();
	if (queue != NULL)
		cJSON_AddStringToObject(body, "queue", queue);
	else
		cJSON_AddNumberToObject(body, "counter", (double)to);
	if (keep >= 0)
		cJSON_AddBoolToObject(body, "keep_place", keep);
	return counter_action(c, n, "transfer", body);
}

/* Ticket id argument, or -1 after a usage message. */
static long
ticket_arg(int argc, char **argv)
{
	long id;

	if (argc < 2 || parse_int(argv[1], 1, LONG_MAX, &id) < 0) {
		usage_error("cần mã số phiếu (số nguyên dương)");
		return -1;
	}
	return id;
}

static int
cmd_cancel(struct ctl *c, int argc, char **argv)
{
	long id = ticket_arg(argc, argv);
	char path[96];
	cJSON *body = NULL, *ans;
	char *reason;
	int code;

	if (id < 0)
		return EXIT_USAGE;
	reason = join_words(argc, argv, 2);
	if (reason[0] != '\0') {
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "reason", reason);
	}
	free(reason);
	snprintf(path, sizeof path, "/api/v1/tickets/%ld/cancel", id);
	code = call(c, "POST", path, body, &ans);
	if (code == EXIT_DONE && !c->json) {
		printf("Đã hủy ");
		print_ticket(cJSON_GetObjectItemCaseSensitive(ans, "ticket"));
	}
	cJSON_Delete(ans);
	return code;
}

static int
cmd_reprint(struct ctl *c, int argc, char **argv)
{
	long id = ticket_arg(argc, argv);
	char path[96];
	cJSON *ans;
	int code;

	if (id < 0)
		return EXIT_USAGE;
	if (argc != 2)
		return usage_error("thừa tham số: %s", argv[2]);
	snprintf(path, sizeof path, "/api/v1/tickets/%ld/reprint", id);
	code = call(c, "POST", path, NULL, &ans);
	if (code == EXIT_DONE && !c->json)
		printf("Đã gửi lệnh in lại phiếu #%ld.\n", id);
	cJSON_Delete(ans);
	return code;
}

static int
cmd_day_close(struct ctl *c, int argc, char **argv)
{
	cJSON *body = NULL, *ans;
	char *reason = join_words(argc, argv, 1);
	int code;

	if (reason[0] != '\0') {
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "reason", reason);
	}
	free(reason);
	code = call(c, "POST", "/api/v1/day/close", body, &ans);
	if (code == EXIT_DONE && !c->json)
		printf("Đã kết thúc ngày làm việc; hủy %d phiếu còn lại.\n",
		    (int)jnum(ans, "cancelled", 0));
	cJSON_Delete(ans);
	return code;
}

/* Print rows of cells as a table aligned by display width. */
static void
print_table(int nrows, int ncols, char **cells, const int *right)
{
	int widths[16] = { 0 };
	char line[2048];
	size_t len;
	int r, k, w;

	for (r = 0; r < nrows; r++)
		for (k = 0; k < ncols && k < 16; k++) {
			w = ctl_text_width(cells[r * ncols + k]);
			if (w > widths[k])
				widths[k] = w;
		}
	for (r = 0; r < nrows; r++) {
		line[0] = '\0';
		for (k = 0; k < ncols && k < 16; k++) {
			ctl_text_pad(line, sizeof line, cells[r * ncols + k],
			    k == ncols - 1 && !right[k] ? 0 : widths[k], right[k]);
			if (k < ncols - 1)
				ctl_text_pad(line, sizeof line, "  ", 0, 0);
		}
		len = strlen(line);
		while (len > 0 && line[len - 1] == ' ')
			line[--len] = '\0';
		printf("%s\n", line);
	}
}

/* Free a table's cells. */
static void
free_cells(char **cells, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
}

static int
cmd_status(struct ctl *c, int argc, char **argv)
{
	static const int qright[] = { 0, 0, 1, 1 };
	static const int cright[] = { 0, 0, 1, 0 };
	const cJSON *queues, *counters, *it, *t;
	cJSON *ans;
	char **cells;
	int code, n, r;

	(void)argv;
	if (argc != 1)
		return usage_error("không nhận thêm tham số");
	code = call(c, "GET", "/api/v1/state", NULL, &ans);
	if (code != EXIT_DONE || c->json) {
		cJSON_Delete(ans);
		return code;
	}
	printf("%s — ngày %s\n\n", jstr(ans, "centre", "Trung tâm"),
	    jstr(ans, "day", "?"));

	queues = cJSON_GetObjectItemCaseSensitive(ans, "queues");
	n = cJSON_GetArraySize(queues);
	cells = xcalloc((size_t)(n + 1) * 4, sizeof *cells);
	cells[0] = xstrdup("Hàng chờ");
	cells[1] = xstrdup("Mã");
	cells[2] = xstrdup("Đang chờ");
	cells[3] = xstrdup("Ước tính");
	r = 1;
	cJSON_ArrayForEach(it, queues) {
		if (r > n)
			break;
		cells[r * 4] = xstrdup(jstr(it, "name", "?"));
		cells[r * 4 + 1] = xstrdup(jstr(it, "code", "?"));
		xasprintf(&cells[r * 4 + 2], "%d", (int)jnum(it, "waiting", 0));
		if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(it, "est_wait_min")))
			xasprintf(&cells[r * 4 + 3], "%d phút",
			    (int)jnum(it, "est_wait_min", 0));
		else
			cells[r * 4 + 3] = xstrdup("—");
		r++;
	}
	print_table(r, 4, cells, qright);
	free_cells(cells, (n + 1) * 4);
	printf("\n");

	counters = cJSON_GetObjectItemCaseSensitive(ans, "counters");
	n = cJSON_GetArraySize(counters);
	cells = xcalloc((size_t)(n + 1) * 4, sizeof *cells);
	cells[0] = xstrdup("Quầy");
	cells[1] = xstrdup("Trạng thái");
	cells[2] = xstrdup("Số");
	cells[3] = xstrdup("");
	r = 1;
	cJSON_ArrayForEach(it, counters) {
		const char *reason = jstr(it, "reason", "");

		if (r > n)
			break;
		cells[r * 4] = xstrdup(jstr(it, "name", "?"));
		if (*reason != '\0')
			xasprintf(&cells[r * 4 + 1], "%s (%s)",
			    ctl_text_counter_state(jstr(it, "state", NULL)), reason);
		else
			cells[r * 4 + 1] =
			    xstrdup(ctl_text_counter_state(jstr(it, "state", NULL)));
		t = cJSON_GetObjectItemCaseSensitive(it, "ticket");
		if (cJSON_IsObject(t)) {
			xasprintf(&cells[r * 4 + 2], "%d", (int)jnum(t, "number", 0));
			cells[r * 4 + 3] =
			    xstrdup(ctl_text_ticket_state(jstr(t, "state", NULL)));
		} else {
			cells[r * 4 + 2] = xstrdup("—");
			cells[r * 4 + 3] = xstrdup("");
		}
		r++;
	}
	print_table(r, 4, cells, cright);
	free_cells(cells, (n + 1) * 4);
	cJSON_Delete(ans);
	return EXIT_DONE;
}

/* ---- tail: the event stream --------------------------------------------- */

struct sse {
	struct ctl *c;
	char line[65536];
	size_t len;
	int discard;                 /* current line too long: skip it */
	char *data;                  /* data of the event being read */
	int64_t last_id;
	long count, max;             /* events shown; stop after max (0 = no) */
	long status;
	struct buf err;              /* body of a refusal */
};

static volatile sig_atomic_t stop_tail;

/* SIGINT/SIGTERM during tail. */
static void
on_stop(int sig)
{
	(void)sig;
	stop_tail = 1;
}

/* A complete event: print it. */
static void
sse_dispatch(struct sse *s)
{
	cJSON *j;
	struct ctl_event ev;
	char out[1024];

	if (s->data == NULL)
		return;
	if (s->c->json) {
		printf("%s\n", s->data);
	} else if ((j = cJSON_Parse(s->data)) != NULL) {
		memset(&ev, 0, sizeof ev);
		ev.id = (int64_t)jnum(j, "id", 0);
		ev.type = jstr(j, "type", "?");
		ev.at = (int64_t)jnum(j, "at", 0);
		ev.ticket = (int64_t)jnum(j, "ticket", 0);
		ev.number = (int)jnum(j, "number", 0);
		ev.queue = jstr(j, "queue", NULL);
		ev.counter = (int)jnum(j, "counter", 0);
		ev.value = (int)jnum(j, "value", 0);
		ev.reason = jstr(j, "reason", NULL);
		ctl_text_event(&ev, out, sizeof out);
		printf("%s\n", out);
		cJSON_Delete(j);
	}
	fflush(stdout);
	free(s->data);
	s->data = NULL;
	s->count++;
}

/* One line of the stream (without its newline). */
static void
sse_line(struct sse *s, char *line)
{
	char *v;
	long long id;
	char *end;

	if (line[0] == '\0') {
		sse_dispatch(s);
		return;
	}
	if (line[0] == ':')
		return;
	v = strchr(line, ':');
	if (v == NULL)
		v = line + strlen(line);
	else {
		*v++ = '\0';
		if (*v == ' ')
			v++;
	}
	if (strcmp(line, "id") == 0) {
		errno = 0;
		id = strtoll(v, &end, 10);
		if (errno == 0 && *end == '\0' && id > 0)
			s->last_id = id;
	} else if (strcmp(line, "data") == 0) {
		if (s->data == NULL)
			s->data = xstrdup(v);
		else {
			char *joined;

			xasprintf(&joined, "%s\n%s", s->data, v);
			free(s->data);
			s->data = joined;
		}
	}
}

/* libcurl write callback of the stream. */
static size_t
sse_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct sse *s = arg;
	size_t n = size * nmemb, i;

	if (s->status == 0)
		curl_easy_getinfo(s->c->curl, CURLINFO_RESPONSE_CODE, &s->status);
	if (s->status != 200)
		return buf_write(ptr, size, nmemb, &s->err);
	for (i = 0; i < n; i++) {
		char ch = ptr[i];

		if (ch == '\n') {
			if (s->len > 0 && s->line[s->len - 1] == '\r')
				s->len--;
			s->line[s->len] = '\0';
			if (!s->discard)
				sse_line(s, s->line);
			s->len = 0;
			s->discard = 0;
			if (s->max > 0 && s->count >= s->max)
				return 0;
		} else if (s->len + 1 < sizeof s->line) {
			s->line[s->len++] = ch;
		} else {
			s->discard = 1;
		}
	}
	if (stop_tail)
		return 0;
	return n;
}

/* libcurl progress callback: lets Ctrl-C end a quiet stream. */
static int
sse_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c2, curl_off_t d)
{
	(void)arg; (void)a; (void)b; (void)c2; (void)d;
	return stop_tail ? 1 : 0;
}

/* The server's last committed event id (GET /healthz), or -1. */
static int64_t
last_event_id(struct ctl *c)
{
	struct buf b;
	long status = 0;
	cJSON *j;
	int64_t id = -1;

	if (http(c, "GET", "/healthz", NULL, NULL, 0, &status, &b) < 0)
		return -1;
	if (status == 200 && (j = cJSON_Parse(b.data)) != NULL) {
		id = (int64_t)jnum(j, "last_event_id", -1);
		cJSON_Delete(j);
	}
	free(b.data);
	return id;
}

static int
cmd_tail(struct ctl *c, int argc, char **argv)
{
	struct sse s;
	struct curl_slist *hdr;
	struct sigaction sa;
	char *url, *line;
	long v;
	int i, delay = 1, code = EXIT_DONE;

	memset(&s, 0, sizeof s);
	s.c = c;
	s.last_id = -1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc) {
			if (parse_int(argv[++i], 0, LONG_MAX, &v) < 0)
				return usage_error("mã sự kiện không hợp lệ: %s", argv[i]);
			s.last_id = v;
		} else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
			if (parse_int(argv[++i], 1, LONG_MAX, &v) < 0)
				return usage_error("số sự kiện không hợp lệ: %s", argv[i]);
			s.max = v;
		} else
			return usage_error("tham số không rõ: %s", argv[i]);
	}
	if (not_logged_in(c))
		return EXIT_AUTH;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	xasprintf(&url, "%s/api/v1/events", c->url);
	while (!stop_tail) {
		/* Live events only: start from the server's last id, so that a
		   reconnect asks for exactly what was missed. */
		if (s.last_id < 0)
			s.last_id = last_event_id(c);
		hdr = NULL;
		xasprintf(&line, "Authorization: Bearer %s", c->token);
		hdr = curl_slist_append(hdr, line);
		free(line);
		if (s.last_id >= 0) {
			xasprintf(&line, "Last-Event-ID: %" PRId64, s.last_id);
			hdr = curl_slist_append(hdr, line);
			free(line);
		}
		hdr = curl_slist_append(hdr, "Accept: text/event-stream");
		curl_easy_reset(c->curl);
		curl_easy_setopt(c->curl, CURLOPT_URL, url);
		curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, sse_write);
		curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &s);
		curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 10L);
		curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c->curl, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c->curl, CURLOPT_XFERINFOFUNCTION, sse_progress);
		/* The server pings every 15 s: 45 s of silence means a dead link. */
		curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_TIME, 45L);
		s.status = 0;
		s.len = 0;
		s.discard = 0;
		free(s.data);
		s.data = NULL;
		(void)curl_easy_perform(c->curl);
		curl_slist_free_all(hdr);
		if (s.max > 0 && s.count >= s.max)
			break;
		if (s.status != 0 && s.status != 200) {
			print_refusal(s.status, s.err.data != NULL ? s.err.data : "");
			code = status_exit(s.status);
			if (code == EXIT_AUTH || code == EXIT_REFUSED)
				break;
		}
		free(s.err.data);
		memset(&s.err, 0, sizeof s.err);
		if (stop_tail)
			break;
		if (s.status == 200)
			delay = 1;   /* was connected: retry soon */
		fprintf(stderr, "onestopctl: mất kết nối, thử lại sau %d giây…\n", delay);
		sleep((unsigned)delay);
		if (delay < 8)
			delay *= 2;
	}
	free(s.err.data);
	free(s.data);
	free(url);
	return code == EXIT_UNREACHABLE && stop_tail ? EXIT_DONE : code;
}

/* ---- catalogue ---------------------------------------------------------- */

static int
cmd_procedures(struct ctl *c, int argc, char **argv)
{
	cJSON *ans;
	const cJSON *list, *it;
	char *q, *esc, *path;
	int code, k;
	long limit = 20;

	if (argc < 2)
		return usage_error("cần search hoặc import");
	if (strcmp(argv[1], "import") == 0) {
		FILE *f;
		struct buf b = { 0 };
		char chunk[65536];
		size_t n;

		if (argc != 3)
			return usage_error("cần đúng một tệp CSV");
		f = fopen(argv[2], "rb");
		if (f == NULL) {
			fprintf(stderr, "onestopctl: %s: %s\n", argv[2], strerror(errno));
			return EXIT_USAGE;
		}
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			if (buf_write(chunk, 1, n, &b) != n)
				break;
		fclose(f);
		if (b.overflow) {
			fprintf(stderr, "onestopctl: %s: tệp quá lớn\n", argv[2]);
			free(b.data);
			return EXIT_USAGE;
		}
		code = call_raw(c, "POST", "/api/v1/procedures/import",
		    "text/csv; charset=utf-8", b.data != NULL ? b.data : "", b.len, &ans);
		free(b.data);
		if (code == EXIT_DONE && !c->json)
			printf("Đã nhập %d thủ tục.\n", (int)jnum(ans, "imported", 0));
		cJSON_Delete(ans);
		return code;
	}
	if (strcmp(argv[1], "search") != 0)
		return usage_error("lệnh con không rõ: %s", argv[1]);
	k = 2;
	if (k + 1 < argc && strcmp(argv[k], "--limit") == 0) {
		if (parse_int(argv[k + 1], 1, 500, &limit) < 0)
			return usage_error("--limit 1..500");
		k += 2;
	}
	q = join_words(argc, argv, k);
	if (q[0] == '\0') {
		free(q);
		return usage_error("cần từ khóa tìm kiếm");
	}
	esc = curl_easy_escape(c->curl, q, 0);
	free(q);
	xasprintf(&path, "/api/v1/procedures?q=%s&limit=%ld", esc, limit);
	curl_free(esc);
	code = call(c, "GET", path, NULL, &ans);
	free(path);
	if (code != EXIT_DONE || c->json) {
		cJSON_Delete(ans);
		return code;
	}
	list = cJSON_GetObjectItemCaseSensitive(ans, "procedures");
	if (cJSON_GetArraySize(list) == 0)
		printf("Không tìm thấy thủ tục nào.\n");
	cJSON_ArrayForEach(it, list) {
		char cell[64] = "";

		ctl_text_pad(cell, sizeof cell, jstr(it, "code", "?"), 10, 0);
		printf("%s %s\n", cell, jstr(it, "name", "?"));
		printf("%10s %s · %s · hàng %s\n", "", jstr(it, "department_name",
		    jstr(it, "department", "?")), jstr(it, "field", ""),
		    jstr(it, "queue", "?"));
	}
	cJSON_Delete(ans);
	return EXIT_DONE;
}

/* ---- users and devices -------------------------------------------------- */

/* Parse "1,2,5" into a JSON array of counter numbers; NULL if malformed. */
static cJSON *
parse_counters(const char *s)
{
	cJSON *arr = cJSON_CreateArray();
	char *copy = xstrdup(s), *tok, *save = NULL;
	long n;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (parse_int(tok, 1, 99, &n) < 0) {
			free(copy);
			cJSON_Delete(arr);
			return NULL;
		}
		cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)n));
	}
	free(copy);
	return arr;
}

/* "/api/v1/users/NAME" with NAME escaped (malloc'd). */
static char *
user_path(struct ctl *c, const char *name)
{
	char *esc = curl_easy_escape(c->curl, name, 0), *p;

	xasprintf(&p, "/api/v1/users/%s", esc != NULL ? esc : "");
	curl_free(esc);
	return p;
}

static int
cmd_user(struct ctl *c, int argc, char **argv)
{
	char password[MAX_PASSWORD];
	cJSON *body, *ans, *cs = NULL;
	const cJSON *list, *it;
	const char *role = NULL, *full = NULL;
	char *path;
	int i, code;

	if (argc < 2)
		return usage_error("cần add, list, del hoặc passwd");
	if (strcmp(argv[1], "list") == 0) {
		char **cells;
		int n, r;
		static const int right[] = { 0, 0, 0, 0, 0 };

		if (argc != 2)
			return usage_error("không nhận thêm tham số");
		code = call(c, "GET", "/api/v1/users", NULL, &ans);
		if (code != EXIT_DONE || c->json) {
			cJSON_Delete(ans);
			return code;
		}
		list = cJSON_GetObjectItemCaseSensitive(ans, "users");
		n = cJSON_GetArraySize(list);
		cells = xcalloc((size_t)(n + 1) * 5, sizeof *cells);
		cells[0] = xstrdup("Tên");
		cells[1] = xstrdup("Họ tên");
		cells[2] = xstrdup("Vai trò");
		cells[3] = xstrdup("Quầy");
		cells[4] = xstrdup("");
		r = 1;
		cJSON_ArrayForEach(it, list) {
			char counters[256];
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(it, "disabled");

			if (r > n)
				break;
			counters_text(it, counters, sizeof counters);
			cells[r * 5] = xstrdup(jstr(it, "name", "?"));
			cells[r * 5 + 1] = xstrdup(jstr(it, "full_name", ""));
			cells[r * 5 + 2] = xstrdup(jstr(it, "role", "?"));
			cells[r * 5 + 3] = xstrdup(counters);
			cells[r * 5 + 4] = xstrdup(cJSON_IsTrue(d) ? "(đã khóa)" : "");
			r++;
		}
		print_table(r, 5, cells, right);
		free_cells(cells, (n + 1) * 5);
		cJSON_Delete(ans);
		return EXIT_DONE;
	}
	if (argc < 3)
		return usage_error("cần tên người dùng");
	if (strcmp(argv[1], "del") == 0) {
		if (argc != 3)
			return usage_error("thừa tham số: %s", argv[3]);
		path = user_path(c, argv[2]);
		code = call(c, "DELETE", path, NULL, NULL);
		free(path);
		if (code == EXIT_DONE && !c->json)
			printf("Đã xóa người dùng %s.\n", argv[2]);
		return code;
	}
	if (strcmp(argv[1], "passwd") == 0) {
		if (argc != 3)
			return usage_error("thừa tham số: %s", argv[3]);
		if ((code = read_new_password(password, sizeof password)) != 0)
			return code;
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "password", password);
		explicit_bzero(password, sizeof password);
		path = user_path(c, argv[2]);
		code = call(c, "PATCH", path, body, NULL);
		free(path);
		if (code == EXIT_DONE && !c->json)
			printf("Đã đổi mật khẩu của %s.\n", argv[2]);
		return code;
	}
	if (strcmp(argv[1], "add") != 0)
		return usage_error("lệnh con không rõ: %s", argv[1]);
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strcmp(argv[i], "--full-name") == 0 && i + 1 < argc)
			full = argv[++i];
		else if (strcmp(argv[i], "--counters") == 0 && i + 1 < argc) {
			cJSON_Delete(cs);
			if ((cs = parse_counters(argv[++i])) == NULL)
				return usage_error("danh sách quầy không hợp lệ: %s", argv[i]);
		} else {
			cJSON_Delete(cs);
			return usage_error("tham số không rõ: %s", argv[i]);
		}
	}
	if (role == NULL) {
		cJSON_Delete(cs);
		return usage_error("cần --role staff|manager|admin");
	}
	if ((code = read_new_password(password, sizeof password)) != 0) {
		cJSON_Delete(cs);
		return code;
	}
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "name", argv[2]);
	cJSON_AddStringToObject(body, "password", password);
	explicit_bzero(password, sizeof password);
	cJSON_AddStringToObject(body, "role", role);
	if (full != NULL)
		cJSON_AddStringToObject(body, "full_name", full);
	if (cs != NULL)
		cJSON_AddItemToObject(body, "counters", cs);
	code = call(c, "POST", "/api/v1/users", body, NULL);
	if (code == EXIT_DONE && !c->json)
		printf("Đã thêm người dùng %s (%s).\n", argv[2], role);
	return code;
}

static int
cmd_device(struct ctl *c, int argc, char **argv)
{
	cJSON *body, *ans;
	const char *role = NULL;
	int code;

	if (argc < 3 || strcmp(argv[1], "add") != 0)
		return usage_error("cần: device add TÊN --role kiosk|display|metrics");
	if (argc == 5 && strcmp(argv[3], "--role") == 0)
		role = argv[4];
	if (role == NULL)
		return usage_error("cần --role kiosk|display|metrics");
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "name", argv[2]);
	cJSON_AddStringToObject(body, "role", role);
	code = call(c, "POST", "/api/v1/devices", body, &ans);
	if (code == EXIT_DONE && !c->json)
		printf("%s\n", jstr(ans, "token", "?"));
	cJSON_Delete(ans);
	return code;
}

/* backup: a copy of the database file itself (tools/ctl_backup.c). */
static int
cmd_backup(struct ctl *c, int argc, char **argv)
{
	(void)c;
	return ctl_backup(argc, argv);
}

/* ---- the command table -------------------------------------------------- */

/* "m:ss" of seconds (rounded, as the pages), or "—" when the figure is null. */
static void
fmt_dur(const cJSON *v, char **out)
{
	char buf[32];

	ctl_text_dur(cJSON_IsNumber(v) ? v->valuedouble : NAN, buf, sizeof buf);
	*out = xstrdup(buf);
}

/* A percentage with one decimal and a decimal comma ("4,6"), or "—". */
static void
fmt_pct(const cJSON *v, char **out)
{
	char buf[32];

	ctl_text_dec(cJSON_IsNumber(v) ? v->valuedouble : NAN, 1, buf, sizeof buf);
	*out = xstrdup(buf);
}

static int
cmd_boards(struct ctl *c, int argc, char **argv)
{
	static const int right[] = { 0, 1, 0, 1, 0, 0, 1, 1, 1, 0 };
	const cJSON *it;
	cJSON *ans;
	char **cells;
	int code, n, r, k;

	(void)argv;
	if (argc != 1)
		return usage_error("không nhận thêm tham số");
	code = call(c, "GET", "/api/v1/boards", NULL, &ans);
	if (code != EXIT_DONE || c->json) {
		cJSON_Delete(ans);
		return code;
	}
	n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ans, "boards"));
	cells = xcalloc((size_t)(n + 1) * 10, sizeof *cells);
	{
		static const char *const head[] = { "Đường", "Địa chỉ", "Vai trò", "Quầy",
			"Trạng thái", "Phiên bản", "Lần hỏi", "Quá giờ", "Lỗi CRC", "Lý do" };
		for (k = 0; k < 10; k++)
			cells[k] = xstrdup(head[k]);
	}
	r = 1;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(ans, "boards")) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "master");
		const cJSON *cn = cJSON_GetObjectItemCaseSensitive(it, "counter");
		if (r > n)
			break;
		cells[r * 10] = xstrdup(jstr(it, "line", "?"));
		xasprintf(&cells[r * 10 + 1], "%d", (int)jnum(it, "address", 0));
		cells[r * 10 + 2] = xstrdup(jstr(it, "role", "?"));
		if (cJSON_IsNumber(cn))
			xasprintf(&cells[r * 10 + 3], "%d", cn->valueint);
		else
			cells[r * 10 + 3] = xstrdup("—");
		cells[r * 10 + 4] = xstrdup(strcmp(jstr(it, "state", ""), "online") == 0 ?
		    "trực tuyến" : strcmp(jstr(it, "state", ""), "offline") == 0 ?
		    "mất kết nối" : "chưa rõ");
		cells[r * 10 + 5] = xstrdup(jstr(it, "firmware", "—"));
		xasprintf(&cells[r * 10 + 6], "%d", (int)jnum(m, "polls", 0));
		xasprintf(&cells[r * 10 + 7], "%d", (int)jnum(m, "timeouts", 0));
		xasprintf(&cells[r * 10 + 8], "%d", (int)jnum(m, "crc_errors", 0));
		cells[r * 10 + 9] = xstrdup(jstr(it, "reason", ""));
		r++;
	}
	if (n == 0)
		printf("Không có bảng điện tử nào trong cấu hình.\n");
	else
		print_table(r, 10, cells, right);
	free_cells(cells, (n + 1) * 10);
	cJSON_Delete(ans);
	return EXIT_DONE;
}

/* Append "&name=value" (escaped) to the query q. */
static void
query_add(struct ctl *c, char **q, const char *name, const char *value)
{
	char *esc = curl_easy_escape(c->curl, value, 0), *nq;

	xasprintf(&nq, "%s%s%s=%s", *q, **q ? "&" : "", name, esc != NULL ? esc : "");
	curl_free(esc);
	free(*q);
	*q = nq;
}

static int
cmd_stats(struct ctl *c, int argc, char **argv)
{
	static const char *const filters[] = { "from", "to", "by", "department", "queue",
		"procedure", "counter", "staff", NULL };
	static const int right[] = { 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	const char *svg = NULL, *byname = NULL;
	const cJSON *groups, *it;
	char *q = xstrdup(""), *path, **cells;
	int live = 0, csv = 0, i, k, code, n, r;
	cJSON *ans;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--live") == 0) {
			live = 1;
			continue;
		}
		if (strcmp(argv[i], "--csv") == 0) {
			csv = 1;
			continue;
		}
		if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc) {
			svg = argv[++i];
			continue;
		}
		for (k = 0; filters[k] != NULL; k++)
			if (strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, filters[k]) == 0)
				break;
		if (filters[k] == NULL || i + 1 >= argc) {
			free(q);
			return usage_error("không hiểu tham số: %s", argv[i]);
		}
		if (strcmp(filters[k], "by") == 0)
			byname = argv[i + 1];
		query_add(c, &q, filters[k], argv[++i]);
	}
	if (live) {
		free(q);
		code = call(c, "GET", "/api/v1/stats/live", NULL, &ans);
		if (code == EXIT_DONE && !c->json) {
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(ans, "today");
			char *md, *p9, *ns, *sl, *sat;

			fmt_dur(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t,
			    "wait"), "median_s"), &md);
			fmt_dur(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t,
			    "wait"), "p90_s"), &p9);
			fmt_pct(cJSON_GetObjectItemCaseSensitive(t, "no_show_pct"), &ns);
			fmt_pct(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t,
			    "service_level"), "pct"), &sl);
			fmt_pct(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t,
			    "rating"), "satisfied_pct"), &sat);
			printf("Hôm nay: đã cấp số %d, đã phục vụ %d, vắng mặt %d (%s %%), đang chờ %d\n"
			    "  chờ trung vị %s, chờ P90 %s (phút:giây); đạt chuẩn %s %%; hài lòng %s %%;"
			    " đánh giá không gắn với vé %d\n",
			    (int)jnum(t, "issued", 0), (int)jnum(t, "served", 0),
			    (int)jnum(t, "no_show", 0), ns, (int)jnum(t, "open", 0), md, p9, sl, sat,
			    (int)jnum(cJSON_GetObjectItemCaseSensitive(ans, "unattached_ratings"), "n", 0));
			free(md);
			free(p9);
			free(ns);
			free(sl);
			free(sat);
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(ans, "queues")) {
				char *w;
				if (jnum(it, "waiting", 0) == 0)
					continue;
				fmt_dur(cJSON_GetObjectItemCaseSensitive(it, "longest_wait_s"), &w);
				printf("  %s: %d đang chờ, lâu nhất %s%s\n", jstr(it, "name", "?"),
				    (int)jnum(it, "waiting", 0), w,
				    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "over_target")) ?
				    " (quá mục tiêu)" : "");
				free(w);
			}
		}
		cJSON_Delete(ans);
		return code;
	}
	if (csv || svg != NULL) {
		struct buf b;
		long status = 0;
		query_add(c, &q, "format", csv ? "csv" : "svg");
		if (svg != NULL)
			query_add(c, &q, "metric", svg);
		xasprintf(&path, "/api/v1/stats/report?%s", q);
		free(q);
		if (not_logged_in(c)) {
			free(path);
			return EXIT_AUTH;
		}
		if (http(c, "GET", path, NULL, NULL, 0, &status, &b) < 0) {
			free(path);
			return EXIT_UNREACHABLE;
		}
		free(path);
		code = status_exit(status);
		if (code == EXIT_DONE)
			fwrite(b.data, 1, b.len, stdout);
		else
			print_refusal(status, b.data);
		free(b.data);
		return code;
	}
	xasprintf(&path, "/api/v1/stats/report?%s", q);
	free(q);
	code = call(c, "GET", path, NULL, &ans);
	free(path);
	if (code != EXIT_DONE || c->json) {
		cJSON_Delete(ans);
		return code;
	}
	{
		const char *f = jstr(ans, "from", "?"), *t = jstr(ans, "to", "?");

		if (strlen(f) == 10 && strlen(t) == 10)
			printf("Từ ngày %.2s/%.2s/%.4s đến ngày %.2s/%.2s/%.4s", f + 8, f + 5, f,
			    t + 8, t + 5, t);
		else
			printf("Từ %s đến %s", f, t);
	}
	printf("%s\n",
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ans, "exact")) ? "" :
	    " (trung vị và P90 tính từ biểu đồ tần suất theo phút, sai số không quá 30 giây)");
	printf("Thời gian ghi dạng phút:giây; tỷ lệ tính bằng %%, dấu thập phân là dấu phẩy.\n");
	groups = NULL;
	if (byname != NULL) {
		char first[32];
		snprintf(first, sizeof first, "%.*s", (int)strcspn(byname, ","), byname);
		groups = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(ans, "by"), first);
	}
	n = cJSON_GetArraySize(groups) + 1;
	cells = xcalloc((size_t)(n + 1) * 12, sizeof *cells);
	{
		static const char *const head[] = { "Nhóm", "Đã cấp số", "Đã phục vụ",
			"Vắng mặt %", "Chờ TB", "Chờ trung vị", "Chờ P90", "Chờ lâu nhất",
			"Phục vụ TB", "Phục vụ P90", "Đạt chuẩn %", "Hài lòng %" };
		for (k = 0; k < 12; k++)
			cells[k] = xstrdup(head[k]);
	}
	r = 1;
	for (i = 0; i < n; i++) {
		const cJSON *g = i < n - 1 ? cJSON_GetArrayItem(groups, i) :
		    cJSON_GetObjectItemCaseSensitive(ans, "total");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(g, "wait");
		const cJSON *sv = cJSON_GetObjectItemCaseSensitive(g, "service");
		const cJSON *sl = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(g, "service_level"), "pct");
		const cJSON *sat = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(g, "rating"), "satisfied_pct");
		const cJSON *ns = cJSON_GetObjectItemCaseSensitive(g, "no_show_pct");
		char **row = &cells[r * 12];
		row[0] = xstrdup(i < n - 1 ? jstr(g, "label", jstr(g, "key", "?")) : "Tổng cộng");
		{
			char nb[32];

			ctl_text_count((long)jnum(g, "issued", 0), nb, sizeof nb);
			row[1] = xstrdup(nb);
			ctl_text_count((long)jnum(g, "served", 0), nb, sizeof nb);
			row[2] = xstrdup(nb);
		}
		fmt_pct(ns, &row[3]);
		fmt_dur(cJSON_GetObjectItemCaseSensitive(w, "mean_s"), &row[4]);
		fmt_dur(cJSON_GetObjectItemCaseSensitive(w, "median_s"), &row[5]);
		fmt_dur(cJSON_GetObjectItemCaseSensitive(w, "p90_s"), &row[6]);
		fmt_dur(cJSON_GetObjectItemCaseSensitive(w, "max_s"), &row[7]);
		fmt_dur(cJSON_GetObjectItemCaseSensitive(sv, "mean_s"), &row[8]);
		fmt_dur(cJSON_GetObjectItemCaseSensitive(sv, "p90_s"), &row[9]);
		fmt_pct(sl, &row[10]);
		fmt_pct(sat, &row[11]);
		r++;
	}
	print_table(r, 12, cells, right);
	printf("Đánh giá không gắn với vé: %d\n", (int)jnum(cJSON_GetObjectItemCaseSensitive(ans,
	    "unattached_ratings"), "n", 0));
	free_cells(cells, (n + 1) * 12);
	cJSON_Delete(ans);
	return EXIT_DONE;
}

/* Write len bytes to path atomically: path.tmp, fsync, rename.  0 or -1. */
static int
write_atomic(const char *path, const char *data, size_t len)
{
	char *tmp;
	size_t off = 0;
	int fd, e;

	xasprintf(&tmp, "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		free(tmp);
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		fd = -1;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = e;
	return -1;
}

static int
cmd_config(struct ctl *c, int argc, char **argv)
{
	struct buf b;
	long status = 0;
	int code;

	if (argc < 2 || strcmp(argv[1], "export") != 0)
		return usage_error("cần export");
	if (argc > 3)
		return usage_error("thừa tham số: %s", argv[3]);
	if (not_logged_in(c))
		return EXIT_AUTH;
	if (http(c, "GET", "/api/v1/config?format=ini", NULL, NULL, 0, &status, &b) < 0)
		return EXIT_UNREACHABLE;
	if ((code = status_exit(status)) != EXIT_DONE) {
		print_refusal(status, b.data);
		free(b.data);
		return code;
	}
	if (argc == 2) {
		fwrite(b.data, 1, b.len, stdout);
		free(b.data);
		return EXIT_DONE;
	}
	if (write_atomic(argv[2], b.data, b.len) != 0) {
		fprintf(stderr, "onestopctl: %s: %s\n", argv[2], strerror(errno));
		free(b.data);
		return EXIT_USAGE;
	}
	free(b.data);
	fprintf(stderr, "Đã ghi cấu hình đang chạy vào %s.\n", argv[2]);
	return EXIT_DONE;
}

static const struct command commands[] = {
	{ "login", cmd_login, 0, "login TÊN",
	  "Đăng nhập; mật khẩu đọc từ bàn phím (không hiện) hoặc từ stdin.\n"
	  "Phiên được lưu ở $XDG_CONFIG_HOME/onestop/token (~/.config/onestop/token), quyền 0600." },
	{ "logout", cmd_logout, 1, "logout", "Kết thúc phiên và xóa tệp phiên." },
	{ "whoami", cmd_whoami, 1, "whoami", "Cho biết phiên hiện tại là của ai." },
	{ "issue", cmd_issue, 1,
	  "issue (HÀNG | --procedure MÃ) [--priority LOẠI] [--kiosk ID] [--channel KÊNH]",
	  "Cấp một số thứ tự cho hàng chờ hoặc thủ tục.  LOẠI: elderly, disabled,\n"
	  "pregnant, veteran, appointment... theo cấu hình." },
	{ "next", cmd_counter_simple, 1, "next QUẦY", "Gọi số tiếp theo đến quầy." },
	{ "call", cmd_counter_number, 1, "call QUẦY SỐ", "Gọi một số cụ thể đến quầy." },
	{ "recall", cmd_counter_simple, 1, "recall QUẦY", "Gọi lại số đang gọi." },
	{ "start", cmd_counter_simple, 1, "start QUẦY", "Bắt đầu phục vụ số đang gọi." },
	{ "finish", cmd_counter_simple, 1, "finish QUẦY", "Kết thúc phục vụ." },
	{ "no-show", cmd_counter_simple, 1, "no-show QUẦY", "Người được gọi vắng mặt." },
	{ "transfer", cmd_transfer, 1,
	  "transfer QUẦY (--queue HÀNG | --counter SỐ) [--keep-place|--back]",
	  "Chuyển số đang phục vụ sang hàng chờ hoặc quầy khác, giữ chỗ cũ\n"
	  "(--keep-place) hoặc xếp cuối hàng (--back); mặc định theo cấu hình." },
	{ "park", cmd_counter_simple, 1, "park QUẦY",
	  "Tạm gác số đang phục vụ (ví dụ chờ bổ sung giấy tờ)." },
	{ "unpark", cmd_counter_number, 1, "unpark QUẦY SỐ",
	  "Đưa số đã tạm gác trở lại hàng chờ của quầy." },
	{ "open", cmd_counter_simple, 1, "open QUẦY", "Mở quầy." },
	{ "pause", cmd_pause, 1, "pause QUẦY [LÝ DO...]", "Tạm nghỉ quầy." },
	{ "close", cmd_counter_simple, 1, "close QUẦY", "Đóng quầy." },
	{ "rate", cmd_rate, 1, "rate QUẦY MỨC",
	  "Ghi đánh giá cho số vừa phục vụ: 1 rất hài lòng, 2 hài lòng,\n"
	  "3 bình thường, 4 không hài lòng." },
	{ "cancel", cmd_cancel, 1, "cancel MÃ_PHIẾU [LÝ DO...]",
	  "Hủy một phiếu đang chờ hoặc tạm gác (MÃ_PHIẾU là id, không phải số)." },
	{ "day-close", cmd_day_close, 1, "day-close [LÝ DO...]",
	  "Kết thúc ngày: hủy các phiếu còn lại, đóng mọi quầy." },
	{ "status", cmd_status, 1, "status",
	  "Bảng tình hình: hàng chờ (số người chờ, ước tính) và các quầy." },
	{ "tail", cmd_tail, 1, "tail [--from MÃ_SỰ_KIỆN] [--count N]",
	  "Theo dõi luồng sự kiện, mỗi sự kiện một dòng; tự kết nối lại\n"
	  "(Last-Event-ID) nên không bỏ sót.  --from N: phát lại từ sau sự kiện N;\n"
	  "--count N: thoát sau N sự kiện." },
	{ "procedures", cmd_procedures, 0,
	  "procedures (search [--limit N] TỪ_KHÓA... | import TỆP.csv)",
	  "Tìm thủ tục (có dấu hoặc không dấu), hoặc nhập danh mục thủ tục (admin)." },
	{ "user", cmd_user, 1,
	  "user (add TÊN --role VAI_TRÒ [--counters 1,2] [--full-name \"...\"] | list | del TÊN | passwd TÊN)",
	  "Quản lý người dùng (admin).  Mật khẩu đọc từ bàn phím hoặc stdin.\n"
	  "VAI_TRÒ: staff, manager, admin." },
	{ "device", cmd_device, 1, "device add TÊN --role kiosk|display|metrics",
	  "Tạo mã truy cập cho ki-ốt, màn hình hoặc Prometheus (metrics: chỉ đọc\n"
	  "GET /metrics); in mã ra (chỉ một lần)." },
	{ "backup", cmd_backup, 0,
	  "backup [-c TỆP.ini | -d CSDL] [--keep N] [--step-pages N] [--pause-ms N] TỆP|THƯ_MỤC/",
	  "Sao lưu cơ sở dữ liệu khi onestopd đang chạy (đọc trực tiếp tệp CSDL, một\n"
	  "ảnh chụp nhất quán, không làm gián đoạn onestopd).  THƯ_MỤC/: tạo\n"
	  "THƯ_MỤC/onestop-NGÀYTHÁNG-GIỜ.db; --keep N: chỉ giữ N bản mới nhất.\n"
	  "CSDL lấy từ -d, hoặc từ [daemon] database của -c (mặc định\n"
	  "/etc/onestop/centre.ini).  Khôi phục: onestopd --restore TỆP." },
	{ "config", cmd_config, 1, "config export [TỆP.ini]",
	  "Xuất cấu hình đang chạy (tệp INI cùng mọi thay đổi đã làm ở trang quản\n"
	  "trị) ra stdout hoặc ghi an toàn vào TỆP.ini (admin).  Tệp này dùng được\n"
	  "làm tệp INI khởi động (onestopd -n -c TỆP.ini để kiểm tra)." },
	{ "reprint", cmd_reprint, 1, "reprint MÃ_PHIẾU", "In lại phiếu." },
	{ "boards", cmd_boards, 1, "boards",
	    "Các bảng điện tử: vai trò, địa chỉ, trạng thái, phiên bản, lỗi." },
	{ "stats", cmd_stats, 1,
	    "stats [--from NGÀY] [--to NGÀY] [--by queue,hour,...] [--department MÃ] [--queue MÃ]\n"
	    "      [--procedure MÃ] [--counter SỐ] [--staff SỐ] [--csv | --svg CHỈ_SỐ] | stats --live",
	    "Thống kê thời gian chờ, phục vụ, tỉ lệ đạt chỉ tiêu, hài lòng (bảng, CSV hoặc SVG)." },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* The global help. */
static void
usage(FILE *f)
{
	size_t i;

	fprintf(f,
	    "Cách dùng: onestopctl [-u URL] [-t TOKEN] [--json] LỆNH [THAM SỐ...]\n"
	    "\n"
	    "Dòng lệnh cho hệ thống xếp hàng onestop (bộ phận một cửa).\n"
	    "\n"
	    "  -u URL     địa chỉ onestopd (biến ONESTOP_URL; mặc định " DEFAULT_URL ")\n"
	    "  -t TOKEN   mã phiên (biến ONESTOP_TOKEN; mặc định tệp do `login` ghi)\n"
	    "  --json     in nguyên văn câu trả lời JSON của máy chủ\n"
	    "  -h, --help trợ giúp; `onestopctl LỆNH --help` cho từng lệnh\n"
	    "\n"
	    "Lệnh:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f,
	    "\n"
	    "Mã thoát:\n"
	    "  0  thành công\n"
	    "  1  máy chủ từ chối (4xx, trừ xác thực), lời nhắn của máy chủ được in ra\n"
	    "  2  dùng sai lệnh hoặc tham số\n"
	    "  3  không kết nối được máy chủ, hoặc máy chủ lỗi (5xx)\n"
	    "  4  chưa đăng nhập hoặc không có quyền (401/403)\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "url", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl c;
	const char *env;
	size_t i, ulen;
	char *url;
	int ch, code;

	memset(&c, 0, sizeof c);
	env = getenv("ONESTOP_URL");
	c.url = env != NULL && *env != '\0' ? env : DEFAULT_URL;
	env = getenv("ONESTOP_TOKEN");
	if (env != NULL && *env != '\0')
		c.token = xstrdup(env);

	while ((ch = getopt_long(argc, argv, "+u:t:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			c.url = optarg;
			break;
		case 't':
			free(c.token);
			c.token = xstrdup(optarg);
			break;
		case 'j':
			c.json = 1;
			break;
		case 'h':
			usage(stdout);
			free(c.token);
			return EXIT_DONE;
		default:
			usage(stderr);
			free(c.token);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		free(c.token);
		return EXIT_USAGE;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			break;
	if (i == NCOMMANDS) {
		fprintf(stderr, "onestopctl: lệnh không rõ: %s (xem onestopctl --help)\n",
		    argv[0]);
		free(c.token);
		return EXIT_USAGE;
	}
	current = &commands[i];
	if (wants_help(argc, argv)) {
		printf("Cách dùng: onestopctl %s\n\n%s\n", current->usage, current->help);
		free(c.token);
		return EXIT_DONE;
	}

	/* The base URL without trailing slashes. */
	url = xstrdup(c.url);
	ulen = strlen(url);
	while (ulen > 0 && url[ulen - 1] == '/')
		url[--ulen] = '\0';
	c.url = url;

	if (c.token == NULL)
		c.token = token_load();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c.curl = curl_easy_init()) == NULL) {
		fprintf(stderr, "onestopctl: không khởi tạo được libcurl\n");
		free(url);
		free(c.token);
		return EXIT_UNREACHABLE;
	}
	code = current->run(&c, argc, argv);
	curl_easy_cleanup(c.curl);
	curl_global_cleanup();
	free(c.token);
	free(url);
	return code;
}
