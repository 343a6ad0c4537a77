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

#endif
