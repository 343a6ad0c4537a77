/*
 * pgtest.h - a real PostgreSQL for the export test and bench: initdb in a
 * temp dir, the server on a Unix socket there (no TCP port), in a process
 * group of its own so that it (postmaster and backends) is killed, stopped
 * and continued by its own pid, never by name.  As root the server runs as
 * nobody (PostgreSQL refuses root).  Also what the dashboard's test and
 * bench share: copying a centre in the central schema, starting
 * onestop-central.
 */
#ifndef ONESTOP_TEST_PGTEST_H
#define ONESTOP_TEST_PGTEST_H

#include <stdio.h>
#include <sys/types.h>

#include <libpq-fe.h>

struct pgtest {
	char bin[512];          /* PGBIN or the newest /usr/lib/postgresql/N/bin */
	char dir[512];          /* temp dir: pg/ data, the socket, logs */
	char conninfo[1024];    /* host=DIR dbname=postgres user=onestop */
	pid_t pid;              /* the postmaster (= its process group), 0 = none */
};

/* Make the temp dir (tag in its name) and initdb.  0 or -1 (message printed). */
int pgtest_init(struct pgtest *p, const char *tag);
/* Start the server and wait until it answers (deadline 30 s).  0 or -1. */
int pgtest_start(struct pgtest *p);
/* Send sig to the server's process group; SIGKILL/SIGQUIT/SIGTERM also reap it. */
void pgtest_signal(struct pgtest *p, int sig);
/* Copy centre code's rows (configuration, tickets, events, acked) in the
   central schema as centres prefix2 .. prefixN.  0, or -1 (message printed). */
int pgtest_copy_centre(PGconn *pg, const char *code, const char *prefix, int n);
/* Start B/onestop-central -f conninfo_file -p 0 and read the port of its
   readiness line into *port (0 when it never said); its stderr stays open in
   *errf.  The pid, or -1. */
pid_t pgtest_dashboard(const char *b, const char *conninfo_file, int *port, FILE **errf);
/* Stop the server (immediate shutdown) and remove the dir unless keep. */
void pgtest_cleanup(struct pgtest *p, int keep);

#endif
