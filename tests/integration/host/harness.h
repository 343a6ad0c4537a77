/*
 * harness.h - what the host integration tests and the API benchmark share:
 * start the real onestopd in its own temp dir on a free port (`-p 0`, the
 * port read back from the readiness line, never a sleep), add users with
 * --add-user, kill it by pid, and talk JSON to it over libcurl keep-alive
 * connections.
 */
#ifndef ONESTOP_TEST_HARNESS_H
#define ONESTOP_TEST_HARNESS_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

struct hn_daemon {
	char bin[512];          /* path of onestopd */
	char ini[512];          /* the centre's INI */
	char dir[256];          /* temp dir (owned: removed by hn_cleanup) */
	char db[512];           /* dir/onestop.db */
	char logpath[512];      /* dir/onestopd.log: all its stderr */
	pid_t pid;              /* 0 when not running */
	int port;               /* the port it listens on (from its line) */
	int want_port;          /* hn_start: 0 = any free port (-p 0) */
	const char *listen;     /* hn_start: -l ADDR; NULL = 127.0.0.1, "" = no
	                           -l (the INI's listen) */
	/* the stderr reader */
	pthread_t reader;
	int reader_running;
	int errfd;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int ready, ended;
};

/*
 * Fill d from the environment (ONESTOPD or $B/onestopd, ONESTOP_INI or
 * config/demo/centre.ini) and make a fresh temp dir.  0 or -1 (message
 * printed).
 */
int hn_init(struct hn_daemon *d, const char *tag);
/* Copy the INI src into dir/centre.ini with the demo's device paths moved
 * into dir (see harness.c); the new path in out.  0 or -1. */
int hn_private_ini(const char *src, const char *dir, char *out, size_t outlen);
/* Run onestopd --add-user; 0 when it exited 0. */
int hn_add_user(struct hn_daemon *d, const char *name, const char *role,
    const char *counters, const char *password);
/* Start the daemon and wait for its readiness line.  0 or -1. */
int hn_start(struct hn_daemon *d);
/* SIGKILL (sig = SIGKILL) or SIGTERM the daemon started by hn_start, reap it. */
int hn_stop(struct hn_daemon *d, int sig);
/* Stop the daemon if running, remove the temp dir (keep it when keep != 0). */
void hn_cleanup(struct hn_daemon *d, int keep);
/* The daemon's VmRSS in KiB, or -1. */
long hn_rss_kib(const struct hn_daemon *d);

/* One keep-alive client connection. */
struct hn_http {
	CURL *curl;
	char base[64];          /* http://127.0.0.1:PORT */
	char token[128];        /* "" = none */
	char *body;             /* last answer's body */
	size_t len, cap;
	int timeout_ms;         /* per request, 0 = 30 s */
};

void hn_http_init(struct hn_http *h, int port, const char *token);
void hn_http_set_port(struct hn_http *h, int port);
void hn_http_free(struct hn_http *h);
/*
 * One request with an optional JSON text body.  Returns the HTTP status, or
 * -1 on a transport error (refused, reset, timeout).  On a JSON answer *out
 * (if out != NULL) gets the parsed body (caller deletes), else NULL.
 */
long hn_req(struct hn_http *h, const char *method, const char *path,
    const char *body, cJSON **out);
/* Same with a raw body and content type. */
long hn_req_raw(struct hn_http *h, const char *method, const char *path,
    const char *ctype, const char *body, size_t len, cJSON **out);
/* Log in; 0 and the token in h->token, or -1. */
int hn_login(struct hn_http *h, const char *user, const char *password);

/* JSON member helpers: number (dflt when absent), string (NULL). */
double hn_num(const cJSON *o, const char *name, double dflt);
const char *hn_str(const cJSON *o, const char *name);

/* A small seeded PRNG (xorshift64*) so runs repeat. */
uint64_t hn_rand(uint64_t *state);
/* Uniform in [0, n). */
unsigned hn_randn(uint64_t *state, unsigned n);

/* A free loopback TCP port for a server a test starts (below the ephemeral
 * range, never the same twice in a process).  Exits on failure. */
int hn_free_port(void);

/* Monotonic milliseconds. */
double hn_now_ms(void);

/* ---- what the test programs share ------------------------------------- */

/* Checks run and failed so far by hn_check. */
extern int hn_checks, hn_failures;
/* Count one check and print "ok   MSG" or "FAIL MSG" on stdout (newlines in
 * the message folded to '|', so one check is one line). */
void hn_check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, printing only a failure: for tests of thousands of checks
 * (the central figures against each centre's, group by group). */
void hn_expect(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "NAME: N checks, M failed"; the exit status: 1 on any failure. */
int hn_summary(const char *name);

/*
 * Give the test seconds in all: past that SIGALRM kills (SIGKILL) every
 * daemon hn_start started and hn_stop has not reaped, and every pid given to
 * hn_watch_pid, writes "NAME: watchdog: stuck, giving up" and exits 1.
 * Also ignores SIGPIPE.  name must stay valid (a string literal).
 */
void hn_watchdog(const char *name, unsigned seconds);
/* Have the watchdog kill pid too (a child the test forked), until
 * hn_unwatch_pid.  At most 8 at once; more are not watched. */
void hn_watch_pid(pid_t pid);
void hn_unwatch_pid(pid_t pid);

/* One named case of a test program; hn_run_cases runs those named on the
 * command line (argv[1..]), or all of them when none is. */
struct hn_case {
	const char *name;
	void (*fn)(void);
};
void hn_run_cases(const struct hn_case *cases, size_t n, int argc, char **argv);

/* Add the user "admin" (role admin) with password, start d and log a new
 * client h in as admin.  0 (the caller frees h), or -1 with nothing in h to
 * free (d may be running: hn_cleanup stops it). */
int hn_start_admin(struct hn_daemon *d, struct hn_http *h, const char *password);

/* The value of the unlabelled metric name in h's GET /metrics, or -1. */
double hn_metric(struct hn_http *h, const char *name);

/* An answer's "error" code ("" when absent); 1 when it has a non-empty
 * "message" (the text for people). */
const char *hn_err_code(const cJSON *ans);
int hn_has_message(const cJSON *ans);

/* The whole of a file, NUL-terminated, its length in *len (len may be
 * NULL); the caller frees.  NULL when it cannot be read. */
char *hn_slurp(const char *path, size_t *len);
/* rm -r path (nothing when it does not exist). */
void hn_remove_tree(const char *path);

/* A TCP socket from src (a loopback address, e.g. "127.0.0.2") to
 * 127.0.0.1:port, the connect started; rcvbuf > 0 sets a small receive
 * buffer first.  Blocking unless nonblock.  -1 on failure. */
int hn_tcp_from(const char *src, int port, int rcvbuf, int nonblock);
/* An event stream from src: method ("GET", "HEAD") /api/v1/events with
 * token, after last_id (no Last-Event-ID when last_id < 0), as HTTP/1.0 so
 * that it comes without chunks; the request sent on a blocking socket
 * (rcvbuf as hn_tcp_from).  The socket, or -1. */
int hn_stream_open(const char *method, const char *src, int port, const char *token,
    int64_t last_id, int rcvbuf);
/* Raise the soft limit of open files to the hard one (for many sockets). */
void hn_raise_nofile(void);

#endif
