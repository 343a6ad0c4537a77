/*
 * benchnet.h - a lean HTTP/1.1 client for the benchmarks that load the
 * daemon from many connections at once (bench_issue, bench_streams): one
 * blocking keep-alive socket per client, TCP_NODELAY, a fixed request
 * written in one send and the answer read by its Content-Length, so that
 * the client costs the machine about what pgbench costs its peer (libcurl
 * costs more CPU per request than the daemon's answer on a 2-core machine).
 * Also the event-stream socket: a nonblocking GET /api/v1/events.
 */
#ifndef ONESTOP_BENCHNET_H
#define ONESTOP_BENCHNET_H

#include <stddef.h>
#include <stdint.h>

struct bn_conn {
	int fd;                 /* -1 when closed */
	char src[32];           /* source address (127.0.0.x) */
	int port;
	char *buf;              /* what was read: the answer, then the next */
	size_t len, cap;
};

/* hn_tcp_from's nonblocking socket from src to 127.0.0.1:port (the connect
 * started, SO_RCVBUF rcvbuf when > 0), with TCP_NODELAY.  -1 on failure. */
int bn_tcp(const char *src, int port, int rcvbuf);
/* Open c to port from src (blocking).  0 or -1. */
int bn_open(struct bn_conn *c, const char *src, int port);
void bn_close(struct bn_conn *c);
/*
 * One request on c (reconnecting once when the daemon closed the idle
 * connection): method path with the bearer token (NULL: none) and the JSON
 * body (NULL: none).  Returns the status, or -1; *answer (if not NULL)
 * points at the NUL-terminated body, valid until the next call on c.
 */
long bn_req(struct bn_conn *c, const char *method, const char *path,
    const char *token, const char *body, const char **answer);
/* A nonblocking socket (SO_RCVBUF rcvbuf when > 0) that has sent GET
 * /api/v1/events (HTTP/1.0: the events come unchunked until the close)
 * from src with token, resuming after last (0: from now).  -1 on failure. */
int bn_stream_open(const char *src, int port, const char *token, int rcvbuf,
    int64_t last);
/* CPU time (user + system) of process pid so far in ms; 0 when unknown. */
double bn_cpu_ms(int pid);

/* What one bn_issue run measured. */
struct bn_issued {
	size_t n;               /* tickets issued (answered 201) */
	long failed;            /* requests refused or failed */
	double secs;            /* wall time of the run */
	double *lat;            /* n latencies in ms, sorted */
	/* By ticket id 1..maxid: when its request was sent and its answer
	   read (hn_now_ms), 0 for none. */
	double *sent, *answered;
	int64_t maxid;
};

/*
 * The queue codes of the daemon on port (GET /api/v1/state with token),
 * kept for bn_issue.  0 or -1.
 */
int bn_learn_queues(int port, const char *token);
/*
 * nclients clients on keep-alive connections (from 127.0.0.1..8 in turn)
 * issue tickets round the queues until tickets are issued, each at most
 * one every every_ms (0: as fast as answered); a queue whose number range
 * is used up (409) passes the ticket to the next.  Ticket ids up to
 * BN_MAX_ID are timed.  0 or -1 (could not connect); out is freed by
 * bn_issued_free.
 */
#define BN_MAX_ID 100000
int bn_issue(int port, const char *token, int nclients, int tickets, int every_ms,
    struct bn_issued *out);
void bn_issued_free(struct bn_issued *out);
/* qsort comparison of doubles, ascending. */
int bn_cmp_double(const void *a, const void *b);
/* p50, p99, max of v[0..n) (sorted here) into out[3]; 0s when n is 0. */
void bn_pcts(double *v, size_t n, double out[3]);
/* The daemon's last committed event id (GET /healthz), -1 on failure. */
int64_t bn_last_event(int port);

/* A numeric option of a bench: -letter N, 1 <= N <= max, into *val. */
struct bn_opt {
	int letter;
	int *val;
	long max;
};
/* Parse argv by the n opts; 0, or 2 after printing "usage: " usage. */
int bn_getopts(int argc, char **argv, const struct bn_opt *opts, int n,
    const char *usage);

#endif
