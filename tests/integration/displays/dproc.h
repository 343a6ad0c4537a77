/*
 * dproc.h - what the displays' integration tests and benchmarks share:
 * onestopd started on a port that stays the same across a restart (the
 * readiness line read from its stderr, never a sleep), child programs
 * started with an environment, and lines awaited in a trace file.
 */
#ifndef ONESTOP_DPROC_H
#define ONESTOP_DPROC_H

#include <sys/types.h>

struct dd {
	char dir[256], db[512], ini[512], bin[512], log[512];
	pid_t pid;
	int port;                   /* 0 before the first start */
};

/* Temp dir, paths; 0 or -1. */
int dd_init(struct dd *d, const char *tag);
/* Add a user (password on stdin); 0 or -1. */
int dd_add_user(struct dd *d, const char *name, const char *role, const char *pw);
/* Start on d->port (0 = any, then remembered); waits for "listening on". */
int dd_start(struct dd *d);
/* Kill (SIGKILL) and reap. */
void dd_kill(struct dd *d);
/* Start argv with extra "NAME=VALUE" env entries (NULL-terminated). */
pid_t dd_spawn(const char *const argv[], const char *const env[], const char *log);
/* Wait for a line of path containing want (after skip such lines) for up
 * to timeout_s; 0 or -1. */
int dd_wait_line(const char *path, const char *want, int count, int timeout_s);
/* Count lines of path containing want. */
int dd_count(const char *path, const char *want);
/* Wait for path to exist (up to timeout_s); 0 or -1. */
int dd_wait_file(const char *path, int timeout_s);
/* Write text to path. */
int dd_write(const char *path, const char *text);

#endif
