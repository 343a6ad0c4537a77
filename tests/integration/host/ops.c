/*
 * ops.c - the operations of host/docs/operations.md against the real
 * programs (each case in its own temp dir and port; readiness by the
 * programs' own lines or answers with a deadline, never a fixed sleep; only
 * the pids started here are stopped):
 *
 *   backup   `onestopctl backup` of a running daemon while a client keeps
 *            issuing tickets: commands are acknowledged during the backup,
 *            rotation keeps the newest N; `onestopd --restore` is refused
 *            while the daemon runs and for a broken, foreign or too new
 *            file; restored into a fresh dir, the file passes
 *            integrity_check and a daemon started on it has every ticket
 *            acknowledged before the backup started
 *   metrics  GET /metrics: 401 without a token, 403 for a kiosk, the
 *            metrics token reads nothing else; `promtool check metrics`
 *            accepts the text; a real Prometheus (Debian's) started on
 *            loopback scrapes it with the token from a credentials_file and
 *            its query API answers onestop_queue_waiting
 *
 *   ops [CASE...]     all cases when none is named
 *
 * Environment: B (build dir), ONESTOPCTL, PROMETHEUS, PROMTOOL.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"

#define PW_ADMIN "admin-pass-1"
#define WATCHDOG_S 300
#define PREFILL 400
#define LOAD_MAX 3000
#define PROM_DEADLINE_MS 90000.0

static char ctl_bin[512];

/*
 * Run argv (NULL-terminated) with stdin from in_path (NULL: /dev/null),
 * stdout+stderr into out.  Returns the exit code, -1 when it did not exit.
 */
static int
run(const char *const *argv, const char *in_path, char *out, size_t outlen)
{
	int op[2], status;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(op) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int in = open(in_path != NULL ? in_path : "/dev/null", O_RDONLY);

		dup2(in, 0);
		dup2(op[1], 1);
		dup2(op[1], 2);
		close(op[0]);
		close(op[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	hn_watch_pid(pid);
	close(op[1]);
	while ((n = read(op[0], out + used, outlen - 1 - used)) > 0) {
		used += (size_t)n;
		if (used + 1 >= outlen)
			break;
	}
	out[used] = '\0';
	close(op[0]);
	if (waitpid(pid, &status, 0) < 0)
		status = -1;
	hn_unwatch_pid(pid);
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Run a shell-free program found on PATH (or the env override). */
static void
find_bin(char *out, size_t outlen, const char *env, const char *name)
{
	const char *e = getenv(env), *path = getenv("PATH");
	char cand[1024];

	if (e != NULL && *e != '\0') {
		snprintf(out, outlen, "%s", e);
		return;
	}
	snprintf(out, outlen, "/usr/bin/%s", name);
	while (path != NULL && *path != '\0') {
		size_t len = strcspn(path, ":");

		if (len + strlen(name) + 2 < sizeof cand) {
			memcpy(cand, path, len);
			cand[len] = '/';
			strcpy(cand + len + 1, name);
			if (access(cand, X_OK) == 0 && strlen(cand) < outlen) {
				memcpy(out, cand, strlen(cand) + 1);
				return;
			}
		}
		path += len + (path[len] == ':');
	}
}

/* ---- backup and restore ---------------------------------------------- */

struct acked {
	int64_t id;
	int number;
	double at_ms;        /* when the answer came */
};

struct load {
	int port;
	char token[128];
	char **queues;
	int nqueues;
	volatile int stop;
	pthread_mutex_t mu;
	struct acked *t;
	int n;
	int refused;
};

/* Issue one ticket in queue q; its id and number, or -1. */
static int
issue(struct hn_http *h, const char *q, struct acked *out)
{
	char body[128];
	cJSON *ans = NULL, *t;
	long st;

	snprintf(body, sizeof body, "{\"queue\":\"%s\",\"print\":false}", q);
	st = hn_req(h, "POST", "/api/v1/tickets", body, &ans);
	t = cJSON_GetObjectItemCaseSensitive(ans, "ticket");
	if (st != 201 || t == NULL) {
		cJSON_Delete(ans);
		return -1;
	}
	out->id = (int64_t)hn_num(t, "id", 0);
	out->number = (int)hn_num(t, "number", 0);
	out->at_ms = hn_now_ms();
	cJSON_Delete(ans);
	return 0;
}

static void
load_add(struct load *L, const struct acked *a)
{
	pthread_mutex_lock(&L->mu);
	if (L->n < PREFILL + LOAD_MAX)
		L->t[L->n++] = *a;
	pthread_mutex_unlock(&L->mu);
}

/* The client that keeps issuing tickets while the backup runs. */
static void *
load_main(void *arg)
{
	struct load *L = arg;
	struct hn_http h;
	struct acked a;
	int i;

	hn_http_init(&h, L->port, L->token);
	for (i = 0; !L->stop && i < LOAD_MAX; i++) {
		if (issue(&h, L->queues[(i * 7) % L->nqueues], &a) == 0)
			load_add(L, &a);
		else
			L->refused++;
	}
	hn_http_free(&h);
	return NULL;
}

/* An sqlite file made by hand: sql run on a new file at path. */
static int
make_db(const char *path, const char *sql)
{
	sqlite3 *db;
	int rc;

	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* One text answer of sql on the file at path, into out. */
static int
query1(const char *path, const char *sql, char *out, size_t outlen)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc = -1;

	out[0] = '\0';
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
			rc = 0;
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return rc;
}

static int
count_files(const char *dir, const char *prefix)
{
	char cmdout[8192], *p, *save = NULL;
	const char *argv[] = { "/bin/ls", "-1", dir, NULL };
	int n = 0;

	if (run(argv, NULL, cmdout, sizeof cmdout) != 0)
		return -1;
	for (p = strtok_r(cmdout, "\n", &save); p != NULL; p = strtok_r(NULL, "\n", &save))
		n += strncmp(p, prefix, strlen(prefix)) == 0;
	return n;
}

static void
case_backup(void)
{
	struct hn_daemon D, R;
	struct hn_http h;
	struct load L;
	pthread_t th;
	cJSON *st = NULL, *q;
	char dir[600], file[900], out[8192], path[900], val[64];
	double t0, t1;
	int i, rc, before = 0, during = 0, missing = 0, wrong = 0, nbackups;
	struct acked a;

	memset(&L, 0, sizeof L);
	pthread_mutex_init(&L.mu, NULL);
	if (hn_init(&D, "ops-backup") != 0 ||
	    hn_add_user(&D, "admin", "admin", NULL, PW_ADMIN) != 0 ||
	    hn_start(&D) != 0) {
		hn_check(0, "backup: start the daemon");
		hn_cleanup(&D, 1);
		return;
	}
	hn_http_init(&h, D.port, NULL);
	hn_check(hn_login(&h, "admin", PW_ADMIN) == 0, "backup: admin logs in");
	hn_req(&h, "GET", "/api/v1/state", NULL, &st);
	cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(st, "queues")) {
		L.queues = realloc(L.queues, (size_t)(L.nqueues + 1) * sizeof *L.queues);
		L.queues[L.nqueues++] = strdup(hn_str(q, "code"));
	}
	cJSON_Delete(st);
	hn_check(L.nqueues > 1, "backup: the centre has %d queues", L.nqueues);
	if (L.nqueues < 2)
		goto out;
	L.t = calloc(PREFILL + LOAD_MAX, sizeof *L.t);
	for (i = 0; i < PREFILL; i++)
		if (issue(&h, L.queues[i % L.nqueues], &a) == 0)
			load_add(&L, &a);
	hn_check(L.n == PREFILL, "backup: %d tickets issued before the load", L.n);

	/* Rotation: two older backups and a file that is not one. */
	snprintf(dir, sizeof dir, "%s/backups", D.dir);
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/onestop-20200101-000000.db", dir);
	make_db(path, "CREATE TABLE x(y)");
	snprintf(path, sizeof path, "%s/onestop-20200102-000000.db", dir);
	make_db(path, "CREATE TABLE x(y)");
	snprintf(path, sizeof path, "%s/notes.txt", dir);
	make_db(path, "CREATE TABLE x(y)");

	L.port = D.port;
	snprintf(L.token, sizeof L.token, "%s", h.token);
	if (pthread_create(&th, NULL, load_main, &L) != 0) {
		hn_check(0, "backup: start the load");
		goto out;
	}
	/* Wait until the load is really running: its first answers. */
	for (t0 = hn_now_ms(); hn_now_ms() - t0 < 30000.0;) {
		int n;

		pthread_mutex_lock(&L.mu);
		n = L.n;
		pthread_mutex_unlock(&L.mu);
		if (n >= PREFILL + 20)
			break;
		sched_yield();
	}
	snprintf(path, sizeof path, "%s/", dir);
	{
		const char *argv[] = { ctl_bin, "backup", "-d", D.db, "--keep", "2",
		    "--step-pages", "1", "--pause-ms", "3", path, NULL };

		t0 = hn_now_ms();
		rc = run(argv, NULL, out, sizeof out);
		t1 = hn_now_ms();
	}
	L.stop = 1;
	pthread_join(th, NULL);
	hn_check(rc == 0 && strstr(out, "Đã sao lưu") != NULL,
	    "backup: onestopctl backup under load exits 0 in %.0f ms: %s", t1 - t0, out);
	pthread_mutex_lock(&L.mu);
	for (i = 0; i < L.n; i++) {
		if (L.t[i].at_ms < t0)
			before++;
		else if (L.t[i].at_ms < t1)
			during++;
	}
	pthread_mutex_unlock(&L.mu);
	hn_check(during >= 3, "backup: %d tickets acknowledged during the backup,"
	    " %d before it", during, before);
	nbackups = count_files(dir, "onestop-");
	snprintf(path, sizeof path, "%s/onestop-20200101-000000.db", dir);
	hn_check(nbackups == 2 && access(path, F_OK) != 0,
	    "backup: --keep 2 leaves the 2 newest backups (%d), the oldest is gone", nbackups);
	snprintf(path, sizeof path, "%s/notes.txt", dir);
	hn_check(access(path, F_OK) == 0, "backup: rotation leaves other files alone");
	{
		char lsout[4096], *p, *save = NULL;
		const char *argv[] = { "/bin/ls", "-1", dir, NULL };

		file[0] = '\0';
		run(argv, NULL, lsout, sizeof lsout);
		for (p = strtok_r(lsout, "\n", &save); p != NULL; p = strtok_r(NULL, "\n", &save))
			if (strncmp(p, "onestop-2020", 12) != 0 && strncmp(p, "onestop-", 8) == 0)
				snprintf(file, sizeof file, "%s/%s", dir, p);
	}
	hn_check(file[0] != '\0', "backup: the new backup is %s", file);

	/* A restore while the daemon runs on the database is refused. */
	{
		const char *argv[] = { D.bin, "-c", D.ini, "-d", D.db, "--restore", file, NULL };

		rc = run(argv, NULL, out, sizeof out);
		hn_check(rc != 0 && strstr(out, "đang chạy") != NULL,
		    "restore: refused while onestopd runs on the database: %s", out);
	}
	hn_stop(&D, SIGTERM);

	/* Broken, foreign and too new files are refused. */
	if (hn_init(&R, "ops-restore") != 0) {
		hn_check(0, "restore: temp dir");
		goto out;
	}
	{
		static const struct { const char *sql, *what, *says; } bad[] = {
			{ NULL, "a file that is not sqlite", "không phải cơ sở dữ liệu sqlite" },
			{ "CREATE TABLE t(x)", "an sqlite file of another program",
			  "không phải cơ sở dữ liệu onestop" },
			{ "PRAGMA application_id = 1330533204; PRAGMA user_version = 99;"
			  " CREATE TABLE t(x)", "a file of a newer schema", "mới hơn" },
		};
		size_t k;

		for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			const char *argv[] = { R.bin, "-c", R.ini, "-d", R.db, "--restore", path, NULL };
			FILE *f;

			snprintf(path, sizeof path, "%s/bad%zu.db", R.dir, k);
			if (bad[k].sql == NULL) {
				if ((f = fopen(path, "w")) != NULL) {
					fputs("onestop? no, just text, long enough to be read as a header.\n", f);
					fclose(f);
				}
			} else
				make_db(path, bad[k].sql);
			rc = run(argv, NULL, out, sizeof out);
			hn_check(rc != 0 && strstr(out, bad[k].says) != NULL &&
			    access(R.db, F_OK) != 0,
			    "restore: %s is refused and nothing is written: %s", bad[k].what, out);
		}
	}
	{
		const char *argv[] = { R.bin, "-c", R.ini, "-d", R.db, "--restore", file, NULL };

		rc = run(argv, NULL, out, sizeof out);
		hn_check(rc == 0, "restore: into a fresh dir: %s", out);
	}
	hn_check(query1(R.db, "PRAGMA integrity_check", val, sizeof val) == 0 &&
	    strcmp(val, "ok") == 0, "restore: the restored database passes"
	    " integrity_check (%s)", val);
	if (hn_start(&R) != 0) {
		hn_check(0, "restore: a daemon starts on the restored database");
		hn_cleanup(&R, 1);
		goto out;
	}
	hn_http_set_port(&h, R.port);
	h.token[0] = '\0';
	hn_check(hn_login(&h, "admin", PW_ADMIN) == 0, "restore: the restored users log in");
	pthread_mutex_lock(&L.mu);
	for (i = 0; i < L.n; i++) {
		char p[64];
		cJSON *ans = NULL;
		long s;

		if (L.t[i].at_ms >= t0)
			continue;
		snprintf(p, sizeof p, "/api/v1/tickets/%lld", (long long)L.t[i].id);
		s = hn_req(&h, "GET", p, NULL, &ans);
		if (s != 200)
			missing++;
		else if ((int)hn_num(cJSON_GetObjectItemCaseSensitive(ans, "ticket"),
		    "number", -1) != L.t[i].number)
			wrong++;
		cJSON_Delete(ans);
	}
	pthread_mutex_unlock(&L.mu);
	hn_check(missing == 0 && wrong == 0, "restore: all %d tickets acknowledged before"
	    " the backup started are there (%d missing, %d with another number)",
	    before, missing, wrong);
	hn_stop(&R, SIGTERM);
	hn_cleanup(&R, hn_failures > 0);
out:
	hn_http_free(&h);
	if (D.pid > 0)
		hn_stop(&D, SIGTERM);
	hn_cleanup(&D, hn_failures > 0);
	for (i = 0; i < L.nqueues; i++)
		free(L.queues[i]);
	free(L.queues);
	free(L.t);
}

/* ---- metrics ------------------------------------------------------------ */

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* A device token of role; "" on failure. */
static void
device(struct hn_http *h, const char *name, const char *role, char *tok, size_t len)
{
	char body[128];
	cJSON *ans = NULL;

	snprintf(body, sizeof body, "{\"name\":\"%s\",\"role\":\"%s\"}", name, role);
	tok[0] = '\0';
	if (hn_req(h, "POST", "/api/v1/devices", body, &ans) == 201 && hn_str(ans, "token"))
		snprintf(tok, len, "%s", hn_str(ans, "token"));
	cJSON_Delete(ans);
}

/* The value of a Prometheus instant query's first sample, or NULL. */
static char *
prom_value(struct hn_http *p, const char *query)
{
	char path[512];
	cJSON *ans = NULL, *res, *v;
	char *out = NULL;

	snprintf(path, sizeof path, "/api/v1/query?query=%s", query);
	if (hn_req(p, "GET", path, NULL, &ans) == 200 &&
	    (res = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ans,
	    "data"), "result")) != NULL && cJSON_GetArraySize(res) > 0 &&
	    (v = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(res, 0), "value")) != NULL &&
	    cJSON_IsString(cJSON_GetArrayItem(v, 1)))
		out = strdup(cJSON_GetArrayItem(v, 1)->valuestring);
	cJSON_Delete(ans);
	return out;
}

static void
case_metrics(void)
{
	struct hn_daemon D;
	struct hn_http h, m;
	char mtok[128], ktok[128], path[700], yml[2048], out[8192], prom[512], tool[512];
	char *val = NULL, *body;
	struct acked a;
	pid_t pid = 0;
	long s;
	int i, port, status;
	double t0;

	if (hn_init(&D, "ops-metrics") != 0 ||
	    hn_add_user(&D, "admin", "admin", NULL, PW_ADMIN) != 0 ||
	    hn_start(&D) != 0) {
		hn_check(0, "metrics: start the daemon");
		hn_cleanup(&D, 1);
		return;
	}
	hn_http_init(&h, D.port, NULL);
	hn_http_init(&m, D.port, NULL);
	hn_check(hn_login(&h, "admin", PW_ADMIN) == 0, "metrics: admin logs in");
	device(&h, "prometheus", "metrics", mtok, sizeof mtok);
	device(&h, "kiosk-x", "kiosk", ktok, sizeof ktok);
	hn_check(mtok[0] != '\0' && ktok[0] != '\0', "metrics: metrics and kiosk device tokens");
	for (i = 0; i < 3; i++)
		hn_check(issue(&h, "TP-HT", &a) == 0, "metrics: ticket %d issued in TP-HT", i + 1);

	s = hn_req(&m, "GET", "/metrics", NULL, NULL);
	hn_check(s == 401, "metrics: no token: %ld", s);
	snprintf(m.token, sizeof m.token, "%s", ktok);
	s = hn_req(&m, "GET", "/metrics", NULL, NULL);
	hn_check(s == 403, "metrics: a kiosk token: %ld", s);
	snprintf(m.token, sizeof m.token, "%s", mtok);
	s = hn_req(&m, "GET", "/api/v1/state", NULL, NULL);
	hn_check(s == 403, "metrics: the metrics token cannot read the state: %ld", s);
	s = hn_req(&m, "GET", "/metrics", NULL, NULL);
	body = m.body != NULL ? strndup(m.body, m.len) : strdup("");
	hn_check(s == 200 && strstr(body, "onestop_queue_waiting{queue=\"TP-HT\"} 3\n") != NULL &&
	    strstr(body, "onestop_commands_total{type=\"issue\",result=\"ok\"} 3\n") != NULL &&
	    strstr(body, "# TYPE onestop_commit_duration_seconds histogram\n") != NULL &&
	    strstr(body, "onestop_printer_ready{printer=\"kiosk-1\"}") != NULL &&
	    strstr(body, "onestop_board_up{") != NULL &&
	    strstr(body, "onestop_sse_clients 0\n") != NULL &&
	    strstr(body, "onestop_http_connections ") != NULL &&
	    strstr(body, "onestop_queue_longest_wait_seconds{queue=\"TP-LL\"} 0\n") != NULL &&
	    strstr(body, "onestop_queue_longest_wait_seconds{queue=\"TP-HT\"} ") != NULL,
	    "metrics: the metrics token reads /metrics (%ld, %zu bytes)", s, strlen(body));
	hn_check(strstr(body, "onestop_commit_duration_seconds_count 0\n") == NULL &&
	    strstr(body, "onestop_commit_duration_seconds_count ") != NULL,
	    "metrics: the commits are counted in the histogram");
	snprintf(path, sizeof path, "%s/metrics.txt", D.dir);
	write_file(path, body);
	free(body);

	/* An event-stream client (onestopctl tail) is counted while connected. */
	{
		char url[64];
		pid_t tail;
		int seen = 0, devnull;

		snprintf(url, sizeof url, "http://127.0.0.1:%d", D.port);
		if ((tail = fork()) == 0) {
			devnull = open("/dev/null", O_RDWR);
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
			execl(ctl_bin, ctl_bin, "-u", url, "-t", h.token, "tail", (char *)NULL);
			_exit(127);
		}
		hn_watch_pid(tail);
		for (t0 = hn_now_ms(); tail > 0 && !seen && hn_now_ms() - t0 < 20000.0;) {
			struct timespec ts = { 0, 20 * 1000 * 1000 };

			if (hn_req(&m, "GET", "/metrics", NULL, NULL) == 200 && m.body != NULL)
				seen = strstr(m.body, "onestop_sse_clients 1\n") != NULL &&
				    strstr(m.body, "onestop_http_connections 1\n") == NULL;
			if (!seen)
				nanosleep(&ts, NULL);     /* poll interval */
		}
		hn_check(seen, "metrics: a connected event-stream client is counted"
		    " (onestop_sse_clients 1, 2 HTTP connections or more)");
		if (tail > 0) {
			kill(tail, SIGTERM);
			waitpid(tail, &status, 0);
		}
		hn_unwatch_pid(tail);
	}

	find_bin(tool, sizeof tool, "PROMTOOL", "promtool");
	{
		const char *argv[] = { tool, "check", "metrics", NULL };
		int rc = run(argv, path, out, sizeof out);

		hn_check(rc == 0, "metrics: promtool check metrics accepts the text (%s): %s",
		    tool, out);
	}

	/* A real Prometheus scrapes it with the token from a file. */
	snprintf(path, sizeof path, "%s/prom-token", D.dir);
	write_file(path, mtok);
	snprintf(yml, sizeof yml,
	    "global:\n"
	    "  scrape_interval: 1s\n"
	    "  scrape_timeout: 1s\n"
	    "scrape_configs:\n"
	    "  - job_name: onestop\n"
	    "    metrics_path: /metrics\n"
	    "    authorization:\n"
	    "      type: Bearer\n"
	    "      credentials_file: %s\n"
	    "    static_configs:\n"
	    "      - targets: ['127.0.0.1:%d']\n", path, D.port);
	snprintf(path, sizeof path, "%s/prometheus.yml", D.dir);
	write_file(path, yml);
	find_bin(prom, sizeof prom, "PROMETHEUS", "prometheus");
	port = hn_free_port();
	if ((pid = fork()) == 0) {
		char a1[800], a2[800], a3[64], logp[800];
		int fd;

		snprintf(logp, sizeof logp, "%s/prometheus.log", D.dir);
		fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		snprintf(a1, sizeof a1, "--config.file=%s", path);
		snprintf(a2, sizeof a2, "--storage.tsdb.path=%s/tsdb", D.dir);
		snprintf(a3, sizeof a3, "--web.listen-address=127.0.0.1:%d", port);
		execl(prom, prom, a1, a2, a3, (char *)NULL);
		_exit(127);
	}
	hn_watch_pid(pid);
	hn_check(pid > 0 && port > 0, "metrics: %s started on 127.0.0.1:%d (pid %d)",
	    prom, port, (int)pid);
	hn_http_free(&m);
	hn_http_init(&m, port, NULL);
	m.timeout_ms = 2000;
	/* Poll the query API until the value is there, with a deadline; each
	   round waits on the answer, and on the child so a crash ends it. */
	for (t0 = hn_now_ms(); pid > 0 && hn_now_ms() - t0 < PROM_DEADLINE_MS;) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		free(val);
		val = prom_value(&m, "onestop_queue_waiting%7Bqueue%3D%22TP-HT%22%7D");
		if (val != NULL || waitpid(pid, &status, WNOHANG) == pid)
			break;
		nanosleep(&ts, NULL);     /* the poll interval, not a wait for readiness */
	}
	hn_check(val != NULL && strcmp(val, "3") == 0, "metrics: Prometheus's query API"
	    " answers onestop_queue_waiting{queue=\"TP-HT\"} = %s after %.1f s",
	    val != NULL ? val : "(none)", (hn_now_ms() - t0) / 1000.0);
	free(val);
	val = prom_value(&m, "up%7Bjob%3D%22onestop%22%7D");
	hn_check(val != NULL && strcmp(val, "1") == 0, "metrics: the scrape target is up (%s)",
	    val != NULL ? val : "(none)");
	free(val);
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
	}
	hn_unwatch_pid(pid);
	hn_http_free(&m);
	hn_http_free(&h);
	hn_stop(&D, SIGTERM);
	hn_cleanup(&D, hn_failures > 0);
}

int
main(int argc, char **argv)
{
	static const struct hn_case cases[] = {
		{ "backup", case_backup },
		{ "metrics", case_metrics },
	};
	const char *b = getenv("B");

	hn_watchdog("ops", WATCHDOG_S);
	snprintf(ctl_bin, sizeof ctl_bin, "%s/onestopctl", b != NULL && *b ? b : "build");
	if (getenv("ONESTOPCTL") != NULL)
		snprintf(ctl_bin, sizeof ctl_bin, "%s", getenv("ONESTOPCTL"));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	hn_run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
	curl_global_cleanup();
	return hn_summary("ops");
}
