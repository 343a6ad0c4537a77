/*
 * peers.c - Kannel, child processes and INI sections for the SMS and
 * booking tests (peers.h).  Processes are started in the test's temp dir
 * and stopped by pid.
 */
#include "peers.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

/* ---- a child process whose output is collected ---------------------------- */

static void *
proc_reader(void *arg)
{
	struct proc *p = arg;
	char buf[4096];
	ssize_t n;

	while ((n = read(p->fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
		if (n <= 0)
			continue;
		pthread_mutex_lock(&p->mu);
		if (p->len + (size_t)n + 1 > p->cap) {
			p->cap = (p->len + (size_t)n + 1) * 2;
			p->out = realloc(p->out, p->cap);
		}
		memcpy(p->out + p->len, buf, (size_t)n);
		p->len += (size_t)n;
		p->out[p->len] = '\0';
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	pthread_mutex_lock(&p->mu);
	p->ended = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Start argv with stdout and stderr into p. */
int
proc_start(struct proc *p, const char *name, const char *const argv[])
{
	int fds[2];

	memset(p, 0, sizeof *p);
	p->name = name;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pipe(fds) != 0)
		return -1;
	if ((p->pid = fork()) == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(fds[1]);
	p->fd = fds[0];
	pthread_create(&p->reader, NULL, proc_reader, p);
	return 0;
}

/* Occurrences of s in what p printed (p->mu held). */
static int
proc_count_locked(struct proc *p, const char *s)
{
	const char *q = p->out;
	int n = 0;

	while (q != NULL && (q = strstr(q, s)) != NULL) {
		n++;
		q += strlen(s);
	}
	return n;
}

int
proc_count(struct proc *p, const char *s)
{
	int n;

	pthread_mutex_lock(&p->mu);
	n = proc_count_locked(p, s);
	pthread_mutex_unlock(&p->mu);
	return n;
}

/* Wait until p printed s at least n times; 0, or -1 after timeout_ms. */
int
proc_wait(struct proc *p, const char *s, int n, int timeout_ms)
{
	struct timespec dl;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->mu);
	while (proc_count_locked(p, s) < n && !p->ended && rc == 0)
		rc = pthread_cond_timedwait(&p->cv, &p->mu, &dl);
	rc = proc_count_locked(p, s) >= n ? 0 : -1;
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/* Stop p by its pid (SIGTERM), reap it, join the reader. */
void
proc_stop(struct proc *p)
{
	int st;

	struct pollfd pf = { .fd = -1, .events = POLLIN };

	if (p->pid <= 0)
		return;
	/* SIGTERM, and 15 s to go (a pidfd says when it has); then SIGKILL:
	   smsbox once waited for ever in its shutdown, and the test with it. */
	pf.fd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	kill(p->pid, SIGTERM);
	if (pf.fd >= 0 && poll(&pf, 1, 15000) == 0) {
		fprintf(stderr, "peers: pid %d still running 15 s after SIGTERM: SIGKILL\n",
		    (int)p->pid);
		kill(p->pid, SIGKILL);
	}
	if (pf.fd >= 0)
		close(pf.fd);
	waitpid(p->pid, &st, 0);
	p->pid = 0;
	pthread_join(p->reader, NULL);
	close(p->fd);
}

void
proc_free(struct proc *p)
{
	proc_stop(p);
	free(p->out);
	p->out = NULL;
	p->len = p->cap = 0;
}

/* ---- Kannel ------------------------------------------------------------------ */

int
kannel_conf(struct kannel *k, const char *dir)
{
	FILE *f;

	k->admin = hn_free_port();
	k->box = hn_free_port();
	k->smsc = hn_free_port();
	k->sendsms = hn_free_port();
	snprintf(k->conf, sizeof k->conf, "%s/kannel.conf", dir);
	if ((f = fopen(k->conf, "w")) == NULL)
		return -1;
	fprintf(f,
	    "group = core\nadmin-port = %d\nadmin-password = adm\n"
	    "admin-interface = 127.0.0.1\nsmsbox-port = %d\n"
	    "box-allow-ip = 127.0.0.1\nlog-level = 1\ndlr-storage = internal\n\n"
	    "group = smsc\nsmsc = fake\nsmsc-id = fake\nport = %d\n"
	    "connect-allow-ip = 127.0.0.1\n\n"
	    "group = smsbox\nbearerbox-host = 127.0.0.1\nsendsms-port = %d\n"
	    "sendsms-interface = 127.0.0.1\nlog-level = 1\n\n"
	    "group = sendsms-user\nusername = onestop\npassword = kannel-pw\n"
	    "max-messages = 1\n\n"
	    "group = sms-service\nkeyword = default\ntext = \"ok\"\n",
	    k->admin, k->box, k->smsc, k->sendsms);
	return fclose(f);
}

/* Start bearerbox, then smsbox and fakesmsc once it listens; 0 or -1. */
int
kannel_start(struct kannel *k)
{
	char port[16];
	const char *bb[] = { BEARERBOX, k->conf, NULL };
	const char *sb[] = { SMSBOX, k->conf, NULL };
	const char *fs[] = { FAKESMSC, "-H", "127.0.0.1", "-r", port, "-m", "0", "1 2 text x", NULL };
	struct proc *fake = &k->fake[k->nfake++];

	snprintf(port, sizeof port, "%d", k->smsc);
	if (proc_start(&k->bb, "bearerbox", bb) != 0 ||
	    proc_wait(&k->bb, "Start-up done", 1, 15000) != 0) {
		fprintf(stderr, "bearerbox did not start:\n%s\n", k->bb.out ? k->bb.out : "");
		return -1;
	}
	if (proc_start(&k->sb, "smsbox", sb) != 0 ||
	    proc_wait(&k->bb, "Client connected", 1, 15000) != 0) {
		fprintf(stderr, "smsbox did not connect:\n%s\n", k->sb.out ? k->sb.out : "");
		return -1;
	}
	if (proc_start(fake, "fakesmsc", fs) != 0 ||
	    proc_wait(&k->bb, "Fakesmsc client connected", 1, 15000) != 0) {
		fprintf(stderr, "fakesmsc did not connect:\n%s\n", fake->out ? fake->out : "");
		return -1;
	}
	/* smsbox answers sendsms once it says so. */
	if (proc_wait(&k->sb, "Set up send sms service", 1, 15000) != 0) {
		fprintf(stderr, "smsbox has no sendsms service:\n%s\n", k->sb.out ? k->sb.out : "");
		return -1;
	}
	return 0;
}

void
kannel_stop(struct kannel *k)
{
	proc_stop(&k->sb);
	proc_stop(&k->bb);
	if (k->nfake > 0)
		proc_stop(&k->fake[k->nfake - 1]);
	free(k->sb.out);
	free(k->bb.out);
	k->sb.out = k->bb.out = NULL;
	k->sb.len = k->sb.cap = k->bb.len = k->bb.cap = 0;
}

/* Times s was received by the operator, over every fakesmsc run. */
int
fake_count(struct kannel *k, const char *s)
{
	int i, n = 0;

	for (i = 0; i < k->nfake; i++)
		n += proc_count(&k->fake[i], s);
	return n;
}

/* Wait until the current fakesmsc received s (n times over all runs). */
int
fake_wait(struct kannel *k, const char *s, int n, int timeout_ms)
{
	struct proc *cur = &k->fake[k->nfake - 1];
	int before = fake_count(k, s) - proc_count(cur, s);

	return proc_wait(cur, s, n - before, timeout_ms);
}

/* Append an [sms] section (and a queue override) to the daemon's INI. */
int
daemon_sms_ini(struct hn_daemon *d, const char *url, int near, int timeout_s)
{
	FILE *f = fopen(d->ini, "a");

	if (f == NULL)
		return -1;
	fprintf(f, "\n[sms]\nurl = %s\nusername = onestop\npassword = kannel-pw\n"
	    "from = 1022\ndlr_url = http://127.0.0.1:%d\nnear_ahead = %d\n"
	    "keep_days = 1\nmax_age_min = 60\nretry_max_s = 1\ntimeout_s = %d\n",
	    url, d->want_port, near, timeout_s);
	return fclose(f);
}

/* One integer from the daemon's database (read-only, beside it: WAL). */
long long
db_int(const struct hn_daemon *d, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open_v2(d->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(db, 2000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

/* Wait until sql answers at least want (polling the file while the
 * daemon's sender works; each round waits on a request to the daemon). */
int
db_wait(const struct hn_daemon *d, struct hn_http *h, const char *sql,
    long long want, int timeout_ms)
{
	double end = hn_now_ms() + timeout_ms;

	while (hn_now_ms() < end) {
		struct pollfd none;

		if (db_int(d, sql) >= want)
			return 0;
		hn_req(h, "GET", "/healthz", NULL, NULL);
		poll(&none, 0, 20);          /* between two reads of the file */
	}
	return db_int(d, sql) >= want ? 0 : -1;
}

int
ini_replace_section(const char *path, const char *name, const char *text)
{
	char head[96];
	char *all, *a, *b;
	long n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	snprintf(head, sizeof head, "\n[%s]\n", name);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	all = calloc(1, (size_t)n + 1);
	if (n < 0 || fread(all, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(all);
		return -1;
	}
	fclose(f);
	if ((a = strstr(all, head)) == NULL) {
		free(all);
		return -1;
	}
	b = strstr(a + 2, "\n[");
	if ((f = fopen(path, "w")) == NULL) {
		free(all);
		return -1;
	}
	fprintf(f, "%.*s\n%s%s", (int)(a - all), all, text, b != NULL ? b + 1 : "");
	free(all);
	return fclose(f);
}
