/*
 * bench_issue.c - issuing tickets as fast as the real onestopd takes them
 * durably: C concurrent clients on keep-alive connections issue tickets
 * round the demo centre's queues while the hall fills from 0 to N waiting
 * (nobody is served), with this machine's fsync rate measured in the same
 * run and folder.  Each answer is sent only after its commit, so the rate
 * over the fsync rate says how many commands share one fsync (group
 * commit).  bench_issue.sh runs it beside a PostgreSQL peer doing the same
 * durable transaction.
 *
 *   bench_issue [-c CLIENTS] [-t TICKETS] [-r ROUNDS]
 *
 * Each round is a fresh daemon filling its hall from 0; the figures are the
 * median round's, with the spread of the rounds.  Prints one line "bench
 * issue: C clients, 0 -> N waiting: X/s (R rounds: MIN-MAX), p50 A ms, p99
 * B ms, daemon CPU D ms a command, F fsync/s, R per fsync".  The clients
 * are benchnet's lean ones (a client as light as pgbench, TCP_NODELAY);
 * they use source addresses 127.0.0.1..127.0.0.8 in turn, as a hall's
 * kiosks and consoles come from several machines.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../integration/host/harness.h"
#include "benchnet.h"

#define PASSWORD "bench-pass-1"
#define MAX_CLIENTS 256
#define MAX_ROUNDS 15

/* fsyncs per second in dir: 4 KiB write + fdatasync, for about a second. */
static double
fsync_rate(const char *dir)
{
	char path[600], buf[4096];
	double t0, t;
	int fd, n = 0;

	snprintf(path, sizeof path, "%s/fsync-probe", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return 0;
	memset(buf, 'x', sizeof buf);
	t0 = hn_now_ms();
	do {
		if (pwrite(fd, buf, sizeof buf, 0) != (ssize_t)sizeof buf ||
		    fdatasync(fd) != 0)
			break;
		n++;
		t = hn_now_ms();
	} while (t - t0 < 1000);
	close(fd);
	unlink(path);
	return n / ((hn_now_ms() - t0) / 1000.0);
}

/* What one round measured. */
struct round {
	double rate, p50, p99, cpu, fsync;
	size_t n;
	long failed;
};

/* A fresh daemon, its hall filled from 0 by nclients issuing tickets. */
static int
run_round(int nclients, int tickets, struct round *out)
{
	struct hn_daemon d;
	struct hn_http adm;
	struct bn_issued is;
	double c0;
	int ok = 0;

	memset(out, 0, sizeof *out);
	if (hn_init(&d, "bench-issue") != 0 ||
	    hn_add_user(&d, "admin", "admin", NULL, PASSWORD) != 0 ||
	    hn_start(&d) != 0)
		goto out;
	hn_http_init(&adm, d.port, NULL);
	if (hn_login(&adm, "admin", PASSWORD) != 0 || bn_learn_queues(d.port, adm.token) != 0) {
		fprintf(stderr, "bench_issue: login or state failed\n");
		hn_http_free(&adm);
		goto out;
	}
	out->fsync = fsync_rate(d.dir);
	c0 = bn_cpu_ms(d.pid);
	if (bn_issue(d.port, adm.token, nclients, tickets, 0, &is) == 0 && is.n > 0) {
		out->cpu = (bn_cpu_ms(d.pid) - c0) / (double)is.n;
		out->n = is.n;
		out->failed = is.failed;
		out->rate = (double)is.n / is.secs;
		out->p50 = is.lat[is.n / 2];
		out->p99 = is.lat[(size_t)((double)is.n * 0.99)];
		ok = 1;
	} else
		fprintf(stderr, "bench_issue: the clients could not connect\n");
	bn_issued_free(&is);
	hn_http_free(&adm);
out:
	hn_cleanup(&d, !ok);
	return ok ? 0 : -1;
}

static int
cmp_round(const void *a, const void *b)
{
	const struct round *x = a, *y = b;

	return x->rate < y->rate ? -1 : x->rate > y->rate;
}

int
main(int argc, char **argv)
{
	static struct round r[MAX_ROUNDS];
	int nclients = 16, tickets = 3000, rounds = 3, i;
	double fs[MAX_ROUNDS];
	const struct round *m;

	{
		const struct bn_opt opts[] = { { 'c', &nclients, MAX_CLIENTS },
		    { 't', &tickets, 100000 }, { 'r', &rounds, MAX_ROUNDS } };

		if (bn_getopts(argc, argv, opts, 3,
		    "bench_issue [-c CLIENTS] [-t TICKETS] [-r ROUNDS]") != 0)
			return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (i = 0; i < rounds; i++)
		if (run_round(nclients, tickets, &r[i]) != 0) {
			curl_global_cleanup();
			return 1;
		}
	for (i = 0; i < rounds; i++)
		fs[i] = r[i].fsync;
	qsort(fs, (size_t)rounds, sizeof *fs, bn_cmp_double);
	qsort(r, (size_t)rounds, sizeof *r, cmp_round);
	m = &r[rounds / 2];
	printf("bench issue: %d clients, 0 -> %zu waiting: %.0f/s (%d rounds: %.0f-%.0f), "
	    "p50 %.1f ms, p99 %.1f ms, daemon CPU %.3f ms a command, %.0f fsync/s, "
	    "%.2f per fsync%s\n", nclients, m->n, m->rate, rounds, r[0].rate,
	    r[rounds - 1].rate, m->p50, m->p99, m->cpu, fs[rounds / 2],
	    fs[rounds / 2] > 0 ? m->rate / fs[rounds / 2] : 0,
	    m->failed ? " (some refused)" : "");
	if (m->failed)
		printf("bench issue: %ld requests refused or failed\n", m->failed);
	curl_global_cleanup();
	return 0;
}
