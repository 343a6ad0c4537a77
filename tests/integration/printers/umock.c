/*
 * umock.c - helpers for the umockdev tests (see umock.h): the preload
 * re-exec, the emulator process, control file and page waits.
 */
#include "umock.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Re-exec under the preload when it is not active. */
void
umock_ensure_preload(char **argv)
{
	const char *pre = getenv("LD_PRELOAD");
	const char *asan = getenv("ASAN_OPTIONS");
	char buf[1024];

	if (pre && strstr(pre, "libumockdev-preload"))
		return;
	snprintf(buf, sizeof buf, "libumockdev-preload.so.0%s%s",
	    pre && pre[0] ? ":" : "", pre ? pre : "");
	setenv("LD_PRELOAD", buf, 1);
	/* the preload comes before the ASan runtime in the library list */
	snprintf(buf, sizeof buf, "%s%sverify_asan_link_order=0",
	    asan ? asan : "", asan && asan[0] ? ":" : "");
	setenv("ASAN_OPTIONS", buf, 1);
	execv("/proc/self/exe", argv);
	perror("exec under libumockdev-preload");
	exit(1);
}

/* An environment without the preload and the testbed. */
static char **
umock_clean_env(void)
{
	size_t n = 0, i, j = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 1, sizeof *env);
	if (env == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0 &&
		    strncmp(environ[i], "UMOCKDEV_DIR=", 13) != 0)
			env[j++] = environ[i];
	return env;
}

/* Start the emulator on a pty. */
int
umock_start_emu(const char *link, const char *outdir, const char *control,
    pid_t *pid, FILE **out)
{
	char emu[512], line[512], *argv[10], **env;
	const char *b = getenv("B") ? getenv("B") : "build";
	posix_spawn_file_actions_t fa;
	int pfd[2], i = 0, rc;

	snprintf(emu, sizeof emu, "%s/onestop-printemu", b);
	if (pipe(pfd) < 0)
		return -1;
	argv[i++] = emu; argv[i++] = (char *)"serve";
	argv[i++] = (char *)"--pty"; argv[i++] = (char *)link;
	argv[i++] = (char *)"--out"; argv[i++] = (char *)outdir;
	if (control) {
		argv[i++] = (char *)"--control";
		argv[i++] = (char *)control;
	}
	argv[i] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	env = umock_clean_env();
	rc = env ? posix_spawn(pid, emu, &fa, NULL, argv, env) : -1;
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		return -1;
	}
	*out = fdopen(pfd[0], "r");
	while (*out && fgets(line, sizeof line, *out) != NULL)
		if (strncmp(line, "ready pty ", 10) == 0)
			return 0;
	return -1;
}

/* Stop the emulator. */
void
umock_stop_emu(pid_t *pid, FILE **out)
{
	if (*pid > 0) {
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
		*pid = -1;
	}
	if (*out) {
		fclose(*out);
		*out = NULL;
	}
}

/* Replace the control file. */
int
umock_set_control(const char *control, const char *text)
{
	char tmp[512];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", control);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fputs(text, f);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, control);
}

/* Wait for a page's text. */
int
umock_wait_page(const char *outdir, int n, char *buf, size_t len)
{
	char path[512];
	ssize_t got;
	int i, fd;

	snprintf(path, sizeof path, "%s/ticket-%04d.txt", outdir, n);
	for (i = 0; i < 300; i++) {
		if ((fd = open(path, O_RDONLY)) >= 0) {
			got = read(fd, buf, len - 1);
			close(fd);
			buf[got > 0 ? got : 0] = '\0';
			return 1;
		}
		poll(NULL, 0, 50);
	}
	return 0;
}

int
umock_wait_event(struct printer *prn, enum printer_event_type type,
    struct printer_event *ev)
{
	int i;

	for (i = 0; i < 300; i++) {
		struct pollfd pfd = { printer_fd(prn), POLLIN, 0 };
		while (printer_next_event(prn, ev))
			if (ev->type == type)
				return 1;
		poll(&pfd, 1, 100);
	}
	return 0;
}
