/*
 * relay.c - the export test's TCP relay that cuts the network path on
 * command (relay.h).
 *
 * One poll loop in the forked child: the listening socket, the control
 * socket and, per connection, the client (the exporter) and the upstream
 * (PostgreSQL's Unix socket) with one buffer each way.  A side is read only
 * while the buffer it fills is empty, so nothing is queued beyond 64 KiB a
 * direction; a held connection is simply left out of the poll set.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "relay.h"

#define RELAY_MAX 64
#define RELAY_BUF 65536

struct leg {
	int fd;
	char buf[RELAY_BUF];     /* read from fd, to write to the other side */
	size_t off, len;
};

struct pair {
	struct leg c, u;         /* client (exporter), upstream (server) */
	int held;                /* black-holed: never forwarded again */
};

static struct pair *pairs[RELAY_MAX];

static void
pair_close(int i, int reset)
{
	struct pair *p = pairs[i];
	struct linger lg = { 1, 0 };

	if (reset)
		setsockopt(p->c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(p->c.fd);
	if (p->u.fd >= 0)
		close(p->u.fd);
	free(p);
	pairs[i] = NULL;
}

static int
upstream(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One side's events: read its socket into its buffer (when that is
   empty), write the other side's buffer to it; -1 when the connection is
   over. */
static int
leg_io(struct leg *me, struct leg *other, short revents)
{
	ssize_t n;

	if ((revents & (POLLIN | POLLHUP | POLLERR)) && me->len == 0) {
		n = read(me->fd, me->buf, sizeof me->buf);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return -1;
		if (n > 0) {
			me->off = 0;
			me->len = (size_t)n;
		}
	}
	if ((revents & POLLOUT) && other->len > 0) {
		n = send(me->fd, other->buf + other->off, other->len, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (n > 0) {
			other->off += (size_t)n;
			other->len -= (size_t)n;
		}
	}
	return 0;
}

static void
relay_main(int lfd, int ctl, const char *path)
{
	struct pollfd p[2 + 2 * RELAY_MAX];
	int who[2 + 2 * RELAY_MAX];
	int hole = 0, i, n, k;
	unsigned long forwarded = 0;

	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		n = 0;
		p[n++] = (struct pollfd){ .fd = ctl, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0; i < RELAY_MAX; i++) {
			struct pair *q = pairs[i];

			if (q == NULL || q->held)
				continue;
			who[n] = i;
			p[n++] = (struct pollfd){ .fd = q->c.fd, .events =
			    (q->c.len == 0 ? POLLIN : 0) | (q->u.len > 0 ? POLLOUT : 0) };
			who[n] = i;
			p[n++] = (struct pollfd){ .fd = q->u.fd, .events =
			    (q->u.len == 0 ? POLLIN : 0) | (q->c.len > 0 ? POLLOUT : 0) };
		}
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (p[0].revents != 0) {
			char cmd, ans[32];

			if (read(ctl, &cmd, 1) != 1)
				_exit(0);
			for (i = 0; i < RELAY_MAX; i++) {
				if (pairs[i] == NULL)
					continue;
				if (cmd == RELAY_HOLE)
					pairs[i]->held = 1;
				else if (cmd == RELAY_RESET)
					pair_close(i, 1);
			}
			if (cmd == RELAY_HOLE)
				hole = 1;
			else if (cmd == RELAY_BACK)
				hole = 0;
			k = snprintf(ans, sizeof ans, "%lu\n", forwarded);
			if (write(ctl, ans, (size_t)k) != k)
				_exit(1);
			continue;        /* the poll set changed */
		}
		if (p[1].revents & POLLIN) {
			int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

			for (i = 0; c >= 0 && i < RELAY_MAX && pairs[i] != NULL; i++)
				;
			if (c >= 0 && i == RELAY_MAX) {
				close(c);
			} else if (c >= 0) {
				struct pair *q = calloc(1, sizeof *q);

				q->c.fd = c;
				q->held = hole;
				q->u.fd = hole ? -1 : upstream(path);
				pairs[i] = q;
				if (!hole && q->u.fd < 0)
					pair_close(i, 1);    /* the server is down */
				else if (!hole)
					forwarded++;
			}
		}
		for (k = 2; k < n; k += 2) {
			struct pair *q = pairs[who[k]];

			if (q == NULL)
				continue;
			if (leg_io(&q->c, &q->u, p[k].revents) != 0 ||
			    leg_io(&q->u, &q->c, p[k + 1].revents) != 0)
				pair_close(who[k], 0);
		}
	}
}

int
relay_start(struct relay *r, const char *path)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int lfd, sv[2];

	memset(r, 0, sizeof *r);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 64) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len) != 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		perror("relay");
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	r->port = ntohs(sa.sin_port);
	if ((r->pid = fork()) == 0) {
		close(sv[0]);
		relay_main(lfd, sv[1], path);
		_exit(0);
	}
	close(lfd);
	close(sv[1]);
	r->ctl = sv[0];
	if (r->pid < 0) {
		r->pid = 0;
		close(r->ctl);
		return -1;
	}
	return 0;
}

int
relay_cmd(struct relay *r, char cmd)
{
	char ans[32];
	size_t len = 0;

	if (r->pid <= 0 || write(r->ctl, &cmd, 1) != 1)
		return -1;
	while (len < sizeof ans - 1 && read(r->ctl, ans + len, 1) == 1)
		if (ans[len++] == '\n') {
			ans[len] = '\0';
			r->forwarded = strtoul(ans, NULL, 10);
			return 0;
		}
	return -1;
}

void
relay_stop(struct relay *r)
{
	if (r->pid <= 0)
		return;
	close(r->ctl);           /* it exits on EOF; the kill is for a stuck one */
	kill(r->pid, SIGKILL);
	waitpid(r->pid, NULL, 0);
	r->pid = 0;
}
