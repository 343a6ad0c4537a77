/*
 * dproc.c - helpers of the displays' integration tests (see dproc.h).
 * Waiting on a trace file polls it every 20 ms: the wait ends on the line,
 * the timeout is only a safety net.
 */
#include "dproc.h"
#include "../host/harness.h"

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
	{
		char src[sizeof d->ini];

		memcpy(src, d->ini, sizeof src);
		if (hn_private_ini(src, d->dir, d->ini, sizeof d->ini) != 0)
			return -1;
	}
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
