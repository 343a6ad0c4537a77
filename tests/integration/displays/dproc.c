/*
 * dproc.c - helpers of the displays' integration tests (see dproc.h).
 * Waiting on a trace file polls it every 20 ms: the wait ends on the line,
 * the timeout is only a safety net.
 */
#include "dproc.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * A copy of the demo centre's INI in the test's own directory, its paths
 * under /tmp/onestop-demo/ (printer files, the RS-485 line) moved there:
 * the kiosk's printer then prints into a file of this test, whether or not
 * a demo has made /tmp/onestop-demo (without it every print failed and the
 * daemon voided the ticket).  0 or -1.
 */
static int
dd_own_ini(struct dd *d)
{
	static const char demo[] = "/tmp/onestop-demo/";
	char path[sizeof d->ini], line[4096], src[PATH_MAX], *slash;
	FILE *in, *out;

	/* Relative file names (catalogue = procedures.csv) are the INI's
	 * folder's: they get that folder. */
	if (realpath(d->ini, src) == NULL || (slash = strrchr(src, '/')) == NULL)
		return -1;
	*slash = '\0';
	if ((in = fopen(d->ini, "r")) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/centre.ini", d->dir);
	if ((out = fopen(path, "w")) == NULL) {
		fclose(in);
		return -1;
	}
	while (fgets(line, sizeof line, in) != NULL) {
		char *p = strstr(line, demo), *v;

		if (strncmp(line, "catalogue", 9) == 0 && (v = strchr(line, '=')) != NULL) {
			v++;
			while (*v == ' ')
				v++;
			if (*v != '/') {
				fprintf(out, "catalogue = %s/%s", src, v);
				continue;
			}
		}
		if (p != NULL)
			fprintf(out, "%.*s%s/%s", (int)(p - line), line, d->dir, p + strlen(demo));
		else
			fputs(line, out);
	}
	fclose(in);
	if (fclose(out) != 0)
		return -1;
	snprintf(d->ini, sizeof d->ini, "%s", path);
	return 0;
}

int
dd_init(struct dd *d, const char *tag)
{
	const char *b = getenv("B");

	memset(d, 0, sizeof d[0]);
	if (getenv("ONESTOPD") != NULL && *getenv("ONESTOPD") != '\0')
		snprintf(d->bin, sizeof d->bin, "%s", getenv("ONESTOPD"));
	else
		snprintf(d->bin, sizeof d->bin, "%s/onestopd", b && *b ? b : "build");
	snprintf(d->ini, sizeof d->ini, "%s", getenv("ONESTOP_INI") ? getenv("ONESTOP_INI") :
	    "config/demo/centre.ini");
	snprintf(d->dir, sizeof d->dir, "/tmp/onestop-%s-XXXXXX", tag);
	if (mkdtemp(d->dir) == NULL)
		return -1;
	snprintf(d->db, sizeof d->db, "%s/onestop.db", d->dir);
	snprintf(d->log, sizeof d->log, "%s/onestopd.log", d->dir);
	if (getenv("ONESTOP_INI") == NULL && dd_own_ini(d) != 0)
		return -1;
	return access(d->bin, X_OK) == 0 ? 0 : -1;
}

int
dd_add_user(struct dd *d, const char *name, const char *role, const char *pw)
{
	char cmd[4096];

	snprintf(cmd, sizeof cmd, "echo '%s' | '%s' -c '%s' -d '%s' --add-user '%s' --role '%s' "
	    ">>'%s' 2>&1", pw, d->bin, d->ini, d->db, name, role, d->log);
	return system(cmd) == 0 ? 0 : -1;
}

int
dd_start(struct dd *d)
{
	int fds[2];
	char port[16], line[512];
	FILE *f, *logf;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	snprintf(port, sizeof port, "%d", d->port);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execl(d->bin, d->bin, "-c", d->ini, "-d", d->db, "-p", port, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	d->pid = pid;
	f = fdopen(fds[0], "r");
	logf = fopen(d->log, "a");
	while (fgets(line, sizeof line, f) != NULL) {
		char *p = strstr(line, "listening on http://");

		if (logf != NULL)
			fputs(line, logf);
		if (p != NULL && (p = strrchr(p, ':')) != NULL) {
			d->port = (int)strtol(p + 1, NULL, 10);
			break;
		}
	}
	if (logf != NULL)
		fclose(logf);
	/* Keep draining its stderr in a child so it never blocks on a pipe. */
	if (fork() == 0) {
		char buf[4096];
		ssize_t n;
		int lf = open(d->log, O_WRONLY | O_APPEND | O_CREAT, 0644);

		while ((n = read(fileno(f), buf, sizeof buf)) > 0)
			if (lf >= 0 && write(lf, buf, (size_t)n) < 0)
				break;
		_exit(0);
	}
	fclose(f);
	return d->port > 0 ? 0 : -1;
}

void
dd_kill(struct dd *d)
{
	if (d->pid > 0) {
		kill(d->pid, SIGKILL);
		waitpid(d->pid, NULL, 0);
		d->pid = 0;
	}
}

pid_t
dd_spawn(const char *const argv[], const char *const env[], const char *log)
{
	pid_t pid = fork();
	int i;

	if (pid != 0)
		return pid;
	for (i = 0; env != NULL && env[i] != NULL; i++)
		putenv((char *)(uintptr_t)env[i]);
	if (log != NULL) {
		int fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
	}
	execv(argv[0], (char *const *)(uintptr_t)argv);
	_exit(127);
}

int
dd_count(const char *path, const char *want)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		n += strstr(line, want) != NULL;
	fclose(f);
	return n;
}

int
dd_wait_line(const char *path, const char *want, int count, int timeout_s)
{
	struct timespec t = { 0, 20 * 1000 * 1000 };
	int i;

	for (i = 0; i < timeout_s * 50; i++) {
		if (dd_count(path, want) >= count)
			return 0;
		nanosleep(&t, NULL);
	}
	fprintf(stderr, "timed out waiting for \"%s\" x%d in %s\n", want, count, path);
	return -1;
}

int
dd_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

int
dd_wait_file(const char *path, int timeout_s)
{
	struct timespec t = { 0, 20 * 1000 * 1000 };
	int i;

	for (i = 0; i < timeout_s * 50; i++) {
		if (access(path, F_OK) == 0)
			return 0;
		nanosleep(&t, NULL);
	}
	fprintf(stderr, "timed out waiting for %s\n", path);
	return -1;
}
