/*
 * harness.c - start/stop the real onestopd for tests and benchmarks, and a
 * small JSON-over-libcurl client.  The daemon's stderr goes through a pipe
 * read by a thread that copies it to dir/onestopd.log and watches for the
 * line "onestopd: listening on http://ADDR:PORT": readiness is that line,
 * never a sleep.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <ftw.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READY_TIMEOUT_S 60   /* a safety net only: readiness is the line */

/*
 * Write dir/centre.ini: a copy of src in which every device path of the
 * demo (under /tmp/onestop-demo/: printer files, the RS-485 line) names the
 * test's own folder instead, and a relative catalogue is named by its
 * absolute path.  A test or benchmark then never touches a device it did not
 * create, even while the demo runs on the same machine.  out gets the path;
 * 0 or -1.
 */
int
hn_private_ini(const char *src, const char *dir, char *out, size_t outlen)
{
	static const char demo[] = "/tmp/onestop-demo/";
	char srcdir[PATH_MAX], line[4096];
	FILE *in, *f;

	if (realpath(src, srcdir) == NULL)
		return -1;
	*strrchr(srcdir, '/') = '\0';
	if ((size_t)snprintf(out, outlen, "%s/centre.ini", dir) >= outlen)
		return -1;
	if ((in = fopen(src, "r")) == NULL)
		return -1;
	if ((f = fopen(out, "w")) == NULL) {
		fclose(in);
		return -1;
	}
	while (fgets(line, sizeof line, in) != NULL) {
		char *at = strstr(line, demo), *v;

		if (strncmp(line, "catalogue", 9) == 0 && (v = strchr(line, '=')) != NULL) {
			for (v++; *v == ' ' || *v == '\t'; v++)
				;
			if (*v != '/') {
				fprintf(f, "catalogue = %s/%s", srcdir, v);
				continue;
			}
		}
		if (at != NULL)
			fprintf(f, "%.*s%s/%s", (int)(at - line), line, dir,
			    at + sizeof demo - 1);
		else
			fputs(line, f);
	}
	fclose(in);
	return fclose(f) == 0 ? 0 : -1;
}

int
hn_init(struct hn_daemon *d, const char *tag)
{
	const char *b = getenv("B"), *bin = getenv("ONESTOPD");
	const char *ini = getenv("ONESTOP_INI"), *tmp = getenv("TMPDIR");

	memset(d, 0, sizeof *d);
	d->errfd = -1;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	if (bin != NULL && *bin != '\0')
		snprintf(d->bin, sizeof d->bin, "%s", bin);
	else
		snprintf(d->bin, sizeof d->bin, "%s/onestopd",
		    b != NULL && *b != '\0' ? b : "build");
	snprintf(d->ini, sizeof d->ini, "%s",
	    ini != NULL && *ini != '\0' ? ini : "config/demo/centre.ini");
	if (access(d->bin, X_OK) != 0) {
		fprintf(stderr, "harness: %s: %s\n", d->bin, strerror(errno));
		return -1;
	}
	if (access(d->ini, R_OK) != 0) {
		fprintf(stderr, "harness: %s: %s\n", d->ini, strerror(errno));
		return -1;
	}
	snprintf(d->dir, sizeof d->dir, "%s/onestop-%s-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp", tag);
	if (mkdtemp(d->dir) == NULL) {
		fprintf(stderr, "harness: mkdtemp %s: %s\n", d->dir, strerror(errno));
		d->dir[0] = '\0';
		return -1;
	}
	snprintf(d->db, sizeof d->db, "%s/onestop.db", d->dir);
	snprintf(d->logpath, sizeof d->logpath, "%s/onestopd.log", d->dir);
	{
		char src[sizeof d->ini];

		memcpy(src, d->ini, sizeof src);
		if (hn_private_ini(src, d->dir, d->ini, sizeof d->ini) != 0) {
			fprintf(stderr, "harness: cannot copy %s into %s\n", src, d->dir);
			return -1;
		}
	}
	return 0;
}

int
hn_add_user(struct hn_daemon *d, const char *name, const char *role,
    const char *counters, const char *password)
{
	int in[2], status, logfd;
	pid_t pid;
	size_t len = strlen(password);

	if (pipe(in) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		const char *argv[16];
		int n = 0;

		dup2(in[0], 0);
		close(in[0]);
		close(in[1]);
		logfd = open(d->logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (logfd >= 0) {
			dup2(logfd, 1);
			dup2(logfd, 2);
			close(logfd);
		}
		argv[n++] = d->bin;
		argv[n++] = "-c";
		argv[n++] = d->ini;
		argv[n++] = "-d";
		argv[n++] = d->db;
		argv[n++] = "--add-user";
		argv[n++] = name;
		argv[n++] = "--role";
		argv[n++] = role;
		if (counters != NULL) {
			argv[n++] = "--counters";
			argv[n++] = counters;
		}
		argv[n] = NULL;
		execv(d->bin, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	if (write(in[1], password, len) != (ssize_t)len || write(in[1], "\n", 1) != 1)
		fprintf(stderr, "harness: cannot pass the password\n");
	close(in[1]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "harness: --add-user %s failed (see %s)\n", name,
		    d->logpath);
		return -1;
	}
	return 0;
}

/* Reader thread: copy the daemon's stderr to the log, spot readiness. */
static void *
reader_main(void *arg)
{
	struct hn_daemon *d = arg;
	static const char key[] = "onestopd: listening on http://";
	char buf[4096], line[1024];
	size_t ll = 0;
	ssize_t n, i;
	int logfd = open(d->logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);

	while ((n = read(d->errfd, buf, sizeof buf)) > 0 ||
	    (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		if (logfd >= 0 && write(logfd, buf, (size_t)n) != n)
			(void)0;
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (ll + 1 < sizeof line)
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			if (strncmp(line, key, sizeof key - 1) == 0) {
				char *colon = strrchr(line, ':'), *end;
				long port = colon != NULL ? strtol(colon + 1, &end, 10) : 0;

				pthread_mutex_lock(&d->mu);
				if (colon != NULL && *end == '\0' && port > 0 && port < 65536) {
					d->port = (int)port;
					d->ready = 1;
				}
				pthread_cond_broadcast(&d->cv);
				pthread_mutex_unlock(&d->mu);
			}
		}
	}
	if (logfd >= 0)
		close(logfd);
	pthread_mutex_lock(&d->mu);
	d->ended = 1;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

int
hn_start(struct hn_daemon *d)
{
	int err[2];
	pid_t pid;
	struct timespec deadline;
	int ok;

	if (pipe2(err, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		char port[16];

		dup2(err[1], 2);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		snprintf(port, sizeof port, "%d", d->want_port);
		if (d->listen != NULL && d->listen[0] == '\0')
			execl(d->bin, d->bin, "-c", d->ini, "-d", d->db, "-p",
			    port, (char *)NULL);
		else
			execl(d->bin, d->bin, "-c", d->ini, "-d", d->db, "-p",
			    port, "-l", d->listen != NULL ? d->listen :
			    "127.0.0.1", (char *)NULL);
		_exit(127);
	}
	close(err[1]);
	d->pid = pid;
	hn_watch_pid(pid);
	d->errfd = err[0];
	d->ready = d->ended = 0;
	d->port = 0;
	if (pthread_create(&d->reader, NULL, reader_main, d) != 0) {
		close(err[0]);
		hn_stop(d, SIGKILL);
		return -1;
	}
	d->reader_running = 1;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += READY_TIMEOUT_S;
	pthread_mutex_lock(&d->mu);
	while (!d->ready && !d->ended)
		if (pthread_cond_timedwait(&d->cv, &d->mu, &deadline) == ETIMEDOUT)
			break;
	ok = d->ready;
	pthread_mutex_unlock(&d->mu);
	if (!ok) {
		fprintf(stderr, "harness: onestopd did not become ready (log %s)\n",
		    d->logpath);
		hn_stop(d, SIGKILL);
		return -1;
	}
	return 0;
}

int
hn_stop(struct hn_daemon *d, int sig)
{
	int status = 0;

	if (d->pid > 0) {
		kill(d->pid, sig);
		while (waitpid(d->pid, &status, 0) < 0 && errno == EINTR)
			;
		hn_unwatch_pid(d->pid);
		d->pid = 0;
	}
	if (d->reader_running) {
		pthread_join(d->reader, NULL);
		d->reader_running = 0;
	}
	if (d->errfd >= 0) {
		close(d->errfd);
		d->errfd = -1;
	}
	return status;
}

/* nftw callback: remove one entry (children come first, FTW_DEPTH). */
static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* rm -r path (a daemon's dir holds the store, logs and the CLI tests' home
 * dirs). */
void
hn_remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void
hn_cleanup(struct hn_daemon *d, int keep)
{
	hn_stop(d, SIGTERM);
	if (d->dir[0] != '\0') {
		if (keep)
			fprintf(stderr, "harness: kept %s\n", d->dir);
		else
			hn_remove_tree(d->dir);
	}
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
}

long
hn_rss_kib(const struct hn_daemon *d)
{
	char path[64], line[256];
	FILE *f;
	long kib = -1;

	snprintf(path, sizeof path, "/proc/%d/status", (int)d->pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0) {
			char *end;

			kib = strtol(line + 6, &end, 10);
			break;
		}
	fclose(f);
	return kib;
}

/* ---- client ------------------------------------------------------------- */

/* libcurl write callback into h->body. */
static size_t
http_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct hn_http *h = arg;
	size_t n = size * nmemb;

	if (h->len + n + 1 > h->cap) {
		size_t cap = (h->len + n + 1) * 2;
		char *p = realloc(h->body, cap);

		if (p == NULL)
			return 0;
		h->body = p;
		h->cap = cap;
	}
	memcpy(h->body + h->len, ptr, n);
	h->len += n;
	h->body[h->len] = '\0';
	return n;
}

void
hn_http_init(struct hn_http *h, int port, const char *token)
{
	memset(h, 0, sizeof *h);
	h->curl = curl_easy_init();
	hn_http_set_port(h, port);
	if (token != NULL)
		snprintf(h->token, sizeof h->token, "%s", token);
}

void
hn_http_set_port(struct hn_http *h, int port)
{
	snprintf(h->base, sizeof h->base, "http://127.0.0.1:%d", port);
}

void
hn_http_free(struct hn_http *h)
{
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	free(h->body);
	memset(h, 0, sizeof *h);
}

long
hn_req_raw(struct hn_http *h, const char *method, const char *path,
    const char *ctype, const char *body, size_t len, cJSON **out)
{
	struct curl_slist *hdr = NULL;
	char url[1024], line[256];
	long status = 0;
	CURLcode rc;

	if (out != NULL)
		*out = NULL;
	h->len = 0;
	if (h->body != NULL)
		h->body[0] = '\0';
	snprintf(url, sizeof url, "%s%s", h->base, path);
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS,
	    (long)(h->timeout_ms > 0 ? h->timeout_ms : 30000));
	if (h->token[0] != '\0') {
		snprintf(line, sizeof line, "Authorization: Bearer %s", h->token);
		hdr = curl_slist_append(hdr, line);
	}
	if (body != NULL) {
		snprintf(line, sizeof line, "Content-Type: %s", ctype);
		hdr = curl_slist_append(hdr, line);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	}
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdr);
	rc = curl_easy_perform(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK)
		return -1;
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (out != NULL && h->len > 0)
		*out = cJSON_Parse(h->body);
	return status;
}

long
hn_req(struct hn_http *h, const char *method, const char *path,
    const char *body, cJSON **out)
{
	return hn_req_raw(h, method, path, "application/json", body,
	    body != NULL ? strlen(body) : 0, out);
}

int
hn_login(struct hn_http *h, const char *user, const char *password)
{
	char body[512];
	cJSON *ans;
	const char *tok;
	long st;

	h->token[0] = '\0';
	snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\"}",
	    user, password);
	st = hn_req(h, "POST", "/api/v1/login", body, &ans);
	tok = hn_str(ans, "token");
	if (st != 200 || tok == NULL) {
		fprintf(stderr, "harness: login %s: HTTP %ld %s\n", user, st,
		    h->body != NULL ? h->body : "");
		cJSON_Delete(ans);
		return -1;
	}
	snprintf(h->token, sizeof h->token, "%s", tok);
	cJSON_Delete(ans);
	return 0;
}

double
hn_num(const cJSON *o, const char *name, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

const char *
hn_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

uint64_t
hn_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

unsigned
hn_randn(uint64_t *s, unsigned n)
{
	return n == 0 ? 0 : (unsigned)(hn_rand(s) % n);
}

double
hn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * A free loopback TCP port for a server the test starts.  Taken below the
 * kernel's ephemeral range (32768 up), so that no outgoing connection of
 * this machine can take it between this check and the server's bind, and
 * never the same one twice in a run.
 */
int
hn_free_port(void)
{
	static int used[64], nused;
	static unsigned seed;
	int tries, i;

	if (seed == 0)
		seed = (unsigned)getpid() * 2654435761u;
	for (tries = 0; tries < 1000; tries++) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		int fd, port, dup = 0, one = 1;

		seed = seed * 1103515245u + 12345u;
		port = 20000 + (int)((seed >> 8) % 12000);
		for (i = 0; i < nused; i++)
			dup |= used[i] == port;
		if (dup)
			continue;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa.sin_port = htons((uint16_t)port);
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			break;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
			close(fd);
			if (nused < (int)(sizeof used / sizeof used[0]))
				used[nused++] = port;
			return port;
		}
		close(fd);
	}
	perror("hn_free_port");
	exit(2);
}


/* ---- what the test programs share ------------------------------------- */

int hn_checks, hn_failures;

/* Count one check; print it unless it passed and quiet. */
static void
hn_vcheck(int ok, int quiet, const char *fmt, va_list ap)
{
	va_list again;
	char small[1024], *msg = small, *p;
	int n;

	hn_checks++;
	if (!ok)
		hn_failures++;
	if (ok && quiet)
		return;
	va_copy(again, ap);
	n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1)) != NULL)
		vsnprintf(msg, (size_t)n + 1, fmt, again);
	else if (msg == NULL)
		msg = small;
	va_end(again);
	for (p = msg; *p != '\0'; p++)
		if (*p == '\n')
			*p = '|';
	printf("%s %s\n", ok ? "ok  " : "FAIL", msg);
	fflush(stdout);
	if (msg != small)
		free(msg);
}

void
hn_check(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hn_vcheck(ok, 0, fmt, ap);
	va_end(ap);
}

void
hn_expect(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hn_vcheck(ok, 1, fmt, ap);
	va_end(ap);
}

int
hn_summary(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, hn_checks, hn_failures);
	return hn_failures > 0;
}

/* The watchdog's state: only set outside the handler, read inside it. */
static const char *watch_name = "test";
static volatile pid_t watched[8];

void
hn_watch_pid(pid_t pid)
{
	size_t i;

	for (i = 0; i < sizeof watched / sizeof watched[0]; i++)
		if (watched[i] == 0) {
			watched[i] = pid;
			return;
		}
}

void
hn_unwatch_pid(pid_t pid)
{
	size_t i;

	for (i = 0; i < sizeof watched / sizeof watched[0]; i++)
		if (watched[i] == pid)
			watched[i] = 0;
}

/* SIGALRM: only async-signal-safe calls (kill, write, _exit). */
static void
watchdog_fire(int sig)
{
	static const char msg[] = ": watchdog: stuck, giving up\n";
	size_t i;

	(void)sig;
	for (i = 0; i < sizeof watched / sizeof watched[0]; i++)
		if (watched[i] > 0)
			kill(watched[i], SIGKILL);
	if (write(2, watch_name, strlen(watch_name)) < 0 ||
	    write(2, msg, sizeof msg - 1) < 0)
		_exit(1);
	_exit(1);
}

void
hn_watchdog(const char *name, unsigned seconds)
{
	watch_name = name;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, watchdog_fire);
	alarm(seconds);
}

void
hn_run_cases(const struct hn_case *cases, size_t n, int argc, char **argv)
{
	size_t i;
	int a, ran;

	for (i = 0; i < n; i++) {
		ran = argc < 2;
		for (a = 1; a < argc; a++)
			ran |= strcmp(argv[a], cases[i].name) == 0;
		if (ran)
			cases[i].fn();
	}
}

int
hn_start_admin(struct hn_daemon *d, struct hn_http *h, const char *password)
{
	if (hn_add_user(d, "admin", "admin", NULL, password) != 0 ||
	    hn_start(d) != 0)
		return -1;
	hn_http_init(h, d->port, NULL);
	if (hn_login(h, "admin", password) != 0) {
		hn_http_free(h);
		return -1;
	}
	return 0;
}

double
hn_metric(struct hn_http *h, const char *name)
{
	const char *p;
	size_t n = strlen(name);

	if (hn_req(h, "GET", "/metrics", NULL, NULL) != 200 || h->body == NULL)
		return -1;
	for (p = h->body; (p = strstr(p, name)) != NULL; p += n)
		if ((p == h->body || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return -1;
}

const char *
hn_err_code(const cJSON *ans)
{
	const char *e = hn_str(ans, "error");

	return e != NULL ? e : "";
}

int
hn_has_message(const cJSON *ans)
{
	const char *m = hn_str(ans, "message");

	return m != NULL && *m != '\0';
}

char *
hn_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	do {
		if (n + 65536 + 1 > cap) {
			cap = (n + 65536 + 1) * 2;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

int
hn_tcp_from(const char *src, int port, int rcvbuf, int nonblock)
{
	struct sockaddr_in sa, da;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	inet_pton(AF_INET, src, &sa.sin_addr);
	memset(&da, 0, sizeof da);
	da.sin_family = AF_INET;
	da.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &da.sin_addr);
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    (connect(fd, (struct sockaddr *)&da, sizeof da) != 0 && errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

int
hn_stream_open(const char *method, const char *src, int port, const char *token,
    int64_t last_id, int rcvbuf)
{
	char req[512], last[48] = "";
	int fd = hn_tcp_from(src, port, rcvbuf, 0), n;
	size_t off = 0;

	if (fd < 0)
		return -1;
	if (last_id >= 0)
		snprintf(last, sizeof last, "Last-Event-ID: %lld\r\n", (long long)last_id);
	n = snprintf(req, sizeof req, "%s /api/v1/events HTTP/1.0\r\nHost: t\r\n"
	    "Authorization: Bearer %s\r\n%s\r\n", method, token, last);
	while (n > 0 && (size_t)n < sizeof req && off < (size_t)n) {
		ssize_t k = write(fd, req + off, (size_t)n - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	if (n <= 0 || off != (size_t)n) {
		close(fd);
		return -1;
	}
	return fd;
}

void
hn_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}
