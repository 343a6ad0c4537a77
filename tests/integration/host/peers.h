/*
 * peers.h - what the SMS and booking tests share besides the harness
 * (sms.c, reminder.c, booking_test.c; hostile.c reads the database with
 * it): child processes whose output is
 * collected and waited on (a line, never a sleep), a real Kannel on
 * loopback ports (bearerbox, smsbox, and fakesmsc as the operator, whose
 * output shows every message it receives), the daemon's [sms] and
 * [booking] sections, and reading the daemon's database beside it.
 */
#ifndef ONESTOP_TEST_PEERS_H
#define ONESTOP_TEST_PEERS_H

#include <pthread.h>
#include <sys/types.h>

#include "harness.h"

#define BEARERBOX "/usr/sbin/bearerbox"
#define SMSBOX "/usr/sbin/smsbox"
#define FAKESMSC "/usr/lib/kannel/test/fakesmsc"

struct proc {
	const char *name;
	pid_t pid;
	int fd;
	pthread_t reader;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *out;               /* everything it printed */
	size_t len, cap;
	int ended;
};

struct kannel {
	char conf[600];
	int admin, box, smsc, sendsms;
	struct proc bb, sb, fake[4];
	int nfake;
};

/* Start argv with stdout and stderr into p. */
int proc_start(struct proc *p, const char *name, const char *const argv[]);
/* Occurrences of s in what p printed so far. */
int proc_count(struct proc *p, const char *s);
/* Wait until p printed s at least n times; 0, or -1 after timeout_ms. */
int proc_wait(struct proc *p, const char *s, int n, int timeout_ms);
/* Stop p by its pid (SIGTERM), reap it, join the reader. */
void proc_stop(struct proc *p);
/* Stop p and free what it printed. */
void proc_free(struct proc *p);
/* Free loopback ports and dir/kannel.conf for k: a core, a fake smsc,
 * an smsbox with sendsms user onestop / kannel-pw; 0 or -1. */
int kannel_conf(struct kannel *k, const char *dir);
/* Start bearerbox, then smsbox and fakesmsc once it listens; 0 or -1. */
int kannel_start(struct kannel *k);
/* Stop smsbox, bearerbox and the current fakesmsc (its output is kept). */
void kannel_stop(struct kannel *k);
/* Times s was received by the operator, over every fakesmsc run. */
int fake_count(struct kannel *k, const char *s);
/* Wait until the current fakesmsc received s (n times over all runs). */
int fake_wait(struct kannel *k, const char *s, int n, int timeout_ms);
/* Append an [sms] section (and a queue override) to the daemon's INI. */
int daemon_sms_ini(struct hn_daemon *d, const char *url, int near, int timeout_s);
/* One integer from the daemon's database (read-only, beside it: WAL). */
long long db_int(const struct hn_daemon *d, const char *sql);
/* Wait until sql answers at least want (polling the file while the
 * daemon's sender works; each round waits on a request to the daemon). */
int db_wait(const struct hn_daemon *d, struct hn_http *h, const char *sql,
    long long want, int timeout_ms);

/* Replace the section [name] of the INI at path by text (which starts
 * with its own header line); 0, or -1 when there is no such section. */
int ini_replace_section(const char *path, const char *name, const char *text);

#endif
