/*
 * fuzz_http.c - libFuzzer target for the daemon's HTTP layer: every input is
 * sent as raw bytes over a real loopback TCP connection to the real API
 * (libmicrohttpd, routing, authentication, JSON bodies, engine, store) running
 * in this process on the demo centre, and the loop is turned until the server
 * answers or closes.  "@TOKEN@" in an input becomes an admin session token,
 * so authenticated handlers are reached too.
 *
 * Run from the repository root (the demo config is read from config/demo/).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/http/api.h"
#include "core/config.h"
#include "core/core.h"
#include "core/loop.h"
#include "core/store.h"
#include "common/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	loop *l;
	api *a;
	core *c;
	char token[65];
	int port;
} fz;

static void
fuzz_http_before_sleep(void *arg)
{
	(void)arg;
	core_flush(fz.c);
	api_events_committed(fz.a);
}

static void
fuzz_http_setup(void)
{
	struct config *cfg;
	struct store_user u;
	char err[512], dir[] = "/tmp/onestop-fuzz-http-XXXXXX";
	store *st;

	if (mkdtemp(dir) == NULL)
		abort();
	if (config_load("config/demo/centre.ini", &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "fuzz_http: %s (run from the repository root)\n", err);
		abort();
	}
	free(cfg->database);
	xasprintf(&cfg->database, "%s/db", dir);
	/* An import or a procedure edit must never rewrite the repository's
	   catalogue: without a path the core replaces it in memory only. */
	free(cfg->catalogue_path);
	cfg->catalogue_path = NULL;
	if ((st = store_open(cfg->database, cfg, err, sizeof err)) == NULL)
		abort();
	memset(&u, 0, sizeof u);
	snprintf(u.name, sizeof u.name, "admin");
	u.role = STORE_ROLE_ADMIN;
	if (store_user_add(st, &u, "fuzz-password") != 0 ||
	    store_user_get(st, "admin", &u) != 1 ||
	    store_session_create(st, u.id, 0, INT64_MAX, fz.token) != 0)
		abort();
	if ((fz.c = core_new(cfg, st, err, sizeof err)) == NULL)
		abort();
	fz.l = loop_new();
	if ((fz.a = api_start(fz.c, fz.l, "127.0.0.1", 0, err, sizeof err)) == NULL)
		abort();
	loop_set_before_sleep(fz.l, fuzz_http_before_sleep, NULL);
	fz.port = api_port(fz.a);
}

/* The input with @TOKEN@ replaced (malloc'd, *outlen long). */
static char *
fuzz_http_expand(const uint8_t *data, size_t size, size_t *outlen)
{
	static const char mark[] = "@TOKEN@";
	char *out = xmalloc(size * 10 + 1);
	size_t i = 0, o = 0;

	while (i < size) {
		if (size - i >= sizeof mark - 1 && memcmp(data + i, mark, sizeof mark - 1) == 0) {
			memcpy(out + o, fz.token, 64);
			o += 64;
			i += sizeof mark - 1;
		} else
			out[o++] = (char)data[i++];
	}
	*outlen = o;
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in sin;
	char buf[65536], *req;
	size_t len, off = 0;
	ssize_t n;
	int fd, turns, idle = 0;

	if (fz.l == NULL)
		fuzz_http_setup();
	req = fuzz_http_expand(data, size, &len);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0)
		abort();
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)fz.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 && errno != EINPROGRESS)
		abort();
	for (turns = 0; turns < 1000; turns++) {
		if (off < len) {
			n = send(fd, req + off, len - off, MSG_NOSIGNAL);
			if (n > 0)
				off += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != ENOTCONN)
				break;
			if (off == len)
				shutdown(fd, SHUT_WR);
		}
		loop_run_once(fz.l, 1);
		n = recv(fd, buf, sizeof buf, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			break;
		/* Done when the server has been quiet for a while after the
		   whole input went out (keep-alive and streams stay open). */
		idle = n > 0 ? 0 : idle + 1;
		if (off == len && idle > 20)
			break;
	}
	close(fd);
	/* Let the server see the close. */
	loop_run_once(fz.l, 0);
	free(req);
	return 0;
}
