/*
 * transport_tcp.c - network printers on TCP port 9100 (device "host:port",
 * port 9100 when left out).  Non-blocking socket, poll() for every timeout.
 */
#include "printers/transport.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "printers/printer_conf.h"
#include "common/xmalloc.h"

#define TCP_CONNECT_MS 3000

struct tcp_h {
	int fd;
};

/* Connect with a timeout. */
static void *
tcp_open(const struct printer_conf *pc, char *err, size_t errlen)
{
	char host[256], port[16];
	const char *dev = pc->device ? pc->device : "", *colon;
	struct addrinfo hints, *res, *ai;
	struct tcp_h *h;
	int fd = -1, rc, one = 1;

	colon = strrchr(dev, ':');
	if (colon == NULL) {
		snprintf(host, sizeof host, "%s", dev);
		snprintf(port, sizeof port, "9100");
	} else {
		char *end;
		long v = strtol(colon + 1, &end, 10);
		if ((size_t)(colon - dev) >= sizeof host || end == colon + 1 ||
		    *end != '\0' || v < 1 || v > 65535) {
			snprintf(err, errlen, "tcp: bad device \"%s\"", dev);
			return NULL;
		}
		memcpy(host, dev, (size_t)(colon - dev));
		host[colon - dev] = '\0';
		snprintf(port, sizeof port, "%ld", v);
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "tcp %s: %s", dev, gai_strerror(rc));
		return NULL;
	}
	snprintf(err, errlen, "tcp %s: no address", dev);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct pollfd pfd;
		int soerr = 0;
		socklen_t sl = sizeof soerr;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
		    errno != EINPROGRESS) {
			snprintf(err, errlen, "tcp %s: %s", dev, strerror(errno));
			close(fd);
			fd = -1;
			continue;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, TCP_CONNECT_MS) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 ||
		    soerr != 0) {
			snprintf(err, errlen, "tcp %s: %s", dev,
			    soerr ? strerror(soerr) : "connect timed out");
			close(fd);
			fd = -1;
			continue;
		}
		break;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return NULL;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	h = xmalloc(sizeof *h);
	h->fd = fd;
	return h;
}

/* Write with a deadline. */
static ssize_t
tcp_write(void *vh, const uint8_t *buf, size_t len, int timeout_ms)
{
	struct tcp_h *h = vh;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		struct pollfd pfd = { h->fd, POLLOUT, 0 };
		int rc = poll(&pfd, 1, timeout_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -1;
		if (rc == 0)
			break;              /* timeout: report what went */
		n = send(h->fd, buf + done, len - done, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return done > 0 ? (ssize_t)done : -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* Read with a timeout; 0 = nothing came. */
static ssize_t
tcp_read(void *vh, uint8_t *buf, size_t len, int timeout_ms)
{
	struct tcp_h *h = vh;
	struct pollfd pfd = { h->fd, POLLIN, 0 };
	ssize_t n;
	int rc;

	do
		rc = poll(&pfd, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return 0;
	n = recv(h->fd, buf, len, 0);
	if (n == 0)
		return -1;                  /* the printer closed */
	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	return n;
}

/* Close. */
static void
tcp_close(void *vh)
{
	struct tcp_h *h = vh;

	close(h->fd);
	free(h);
}

const struct transport_ops transport_tcp = {
	"tcp", tcp_open, tcp_write, tcp_read, NULL, tcp_close,
};
