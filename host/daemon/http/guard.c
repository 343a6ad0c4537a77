/*
 * guard.c - per-connection deadlines and the accept policy of the HTTP
 * server (see guard.h).  Every open connection has a record in a list, in
 * the order it last changed phase; the records of each address are counted
 * in a small hash table.  A timer, once a second, shuts down the sockets of
 * the connections past their deadline (with SO_LINGER 0, so that the close
 * resets the connection): shutdown() makes the socket readable at end of
 * file, and libmicrohttpd closes the connection the next time it runs,
 * calling guard_notify() with MHD_CONNECTION_NOTIFY_CLOSED.
 */
#include "daemon/http/guard.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "common/xmalloc.h"

#define GUARD_BUCKETS 1024
#define GUARD_TICK_MS 1000

struct gaddr {
	unsigned char key[16];   /* IPv6, or IPv4 mapped */
	unsigned n;              /* its open connections */
	struct gaddr *next;
};

struct gconn {
	guard *g;
	int fd;
	enum guard_phase phase;
	int64_t since;           /* loop ms when the phase began */
	int shut;                /* its socket was shut down */
	struct gaddr *addr;
	struct gconn *prev, *next;
};

struct guard {
	loop *loop;
	uint64_t timer;
	struct gconn *head, *tail;       /* oldest phase change first */
	struct gaddr *bucket[GUARD_BUCKETS];
	unsigned open;
	unsigned long closed;
};

/* The address as 16 bytes (IPv4 as ::ffff:a.b.c.d); 0, or -1 for another family. */
static int
guard_key(const struct sockaddr *sa, socklen_t len, unsigned char key[16])
{
	if (sa == NULL)
		return -1;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;

		memset(key, 0, 10);
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &s4->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;

		memcpy(key, &s6->sin6_addr, 16);
		return 0;
	}
	return -1;
}

static unsigned
guard_hash(const unsigned char key[16])
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % GUARD_BUCKETS;
}

/* The address's record, created with n = 0 when create != 0 (else NULL). */
static struct gaddr *
guard_addr(guard *g, const unsigned char key[16], int create)
{
	unsigned h = guard_hash(key);
	struct gaddr *a;

	for (a = g->bucket[h]; a != NULL; a = a->next)
		if (memcmp(a->key, key, 16) == 0)
			return a;
	if (!create)
		return NULL;
	a = xcalloc(1, sizeof *a);
	memcpy(a->key, key, 16);
	a->next = g->bucket[h];
	g->bucket[h] = a;
	return a;
}

static void
guard_addr_put(guard *g, struct gaddr *a)
{
	struct gaddr **pp;

	if (a == NULL || --a->n > 0)
		return;
	for (pp = &g->bucket[guard_hash(a->key)]; *pp != a; pp = &(*pp)->next)
		;
	*pp = a->next;
	free(a);
}

static void
guard_unlink(guard *g, struct gconn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		g->tail = c->prev;
	c->prev = c->next = NULL;
}

static void
guard_append(guard *g, struct gconn *c)
{
	c->prev = g->tail;
	c->next = NULL;
	if (g->tail != NULL)
		g->tail->next = c;
	else
		g->head = c;
	g->tail = c;
}

static int64_t
guard_limit_ms(enum guard_phase p)
{
	switch (p) {
	case GUARD_HEADERS: return GUARD_HEADERS_S * 1000;
	case GUARD_BODY: return GUARD_BODY_S * 1000;
	case GUARD_ANSWER: return GUARD_ANSWER_S * 1000;
	case GUARD_STREAM: break;
	}
	return -1;
}

/* Once a second: shut down the connections past their phase's deadline. */
static int64_t
guard_tick(void *arg)
{
	guard *g = arg;
	int64_t now = loop_now_ms();
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct gconn *c;

	/* The list is in order of phase change, but the phases' limits differ,
	   so every record is looked at (a few thousand at most). */
	for (c = g->head; c != NULL; c = c->next) {
		int64_t lim = guard_limit_ms(c->phase);

		if (c->shut || lim < 0 || now - c->since < lim)
			continue;
		c->shut = 1;
		g->closed++;
		log_debug("http: connection %d past its %s deadline: closed", c->fd,
		    c->phase == GUARD_HEADERS ? "headers" : c->phase == GUARD_BODY ?
		    "body" : "answer");
		/* A reset: nothing the client has not read is kept for it. */
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		shutdown(c->fd, SHUT_RDWR);
	}
	return GUARD_TICK_MS;
}

guard *
guard_new(loop *l)
{
	guard *g = xcalloc(1, sizeof *g);

	g->loop = l;
	g->timer = loop_add_timer(l, GUARD_TICK_MS, guard_tick, g);
	return g;
}

/* After MHD_stop_daemon (which has closed every connection). */
void
guard_free(guard *g)
{
	struct gaddr *a;
	int i;

	if (g == NULL)
		return;
	loop_del_timer(g->loop, g->timer);
	while (g->head != NULL) {
		struct gconn *c = g->head;

		guard_unlink(g, c);
		free(c);
	}
	for (i = 0; i < GUARD_BUCKETS; i++)
		while ((a = g->bucket[i]) != NULL) {
			g->bucket[i] = a->next;
			free(a);
		}
	free(g);
}

/*
 * Refuse a new connection from an address that already holds
 * GUARD_CROWD_ADDR when more than GUARD_CROWDED are open: what is left is
 * kept for addresses that hold few.  (libmicrohttpd applies GUARD_PER_ADDR
 * and GUARD_CONN_MAX itself.)
 */
enum MHD_Result
guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	guard *g = cls;
	unsigned char key[16];
	struct gaddr *a;

	if (g->open < GUARD_CROWDED || guard_key(addr, addrlen, key) != 0)
		return MHD_YES;
	a = guard_addr(g, key, 0);
	return a != NULL && a->n >= GUARD_CROWD_ADDR ? MHD_NO : MHD_YES;
}

void
guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	guard *g = cls;
	struct gconn *c;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fi, *ai;
		unsigned char key[16];

		c = xcalloc(1, sizeof *c);
		c->g = g;
		fi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		c->fd = fi != NULL ? fi->connect_fd : -1;
		ai = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ai != NULL && guard_key(ai->client_addr, sizeof(struct sockaddr_in6), key) == 0) {
			c->addr = guard_addr(g, key, 1);
			c->addr->n++;
		}
		c->phase = GUARD_HEADERS;
		c->since = loop_now_ms();
		if (c->fd < 0)
			c->shut = 1;            /* nothing to shut down: never */
		guard_append(g, c);
		g->open++;
		*socket_context = c;
		return;
	}
	if ((c = *socket_context) == NULL)
		return;
	guard_unlink(g, c);
	guard_addr_put(g, c->addr);
	g->open--;
	free(c);
	*socket_context = NULL;
}

void
guard_phase(struct MHD_Connection *conn, enum guard_phase p)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct gconn *c = ci != NULL ? ci->socket_context : NULL;

	if (c == NULL)
		return;
	c->phase = p;
	c->since = loop_now_ms();
	guard_unlink(c->g, c);
	guard_append(c->g, c);
}

unsigned
guard_open(const guard *g)
{
	return g->open;
}

unsigned long
guard_closed(const guard *g)
{
	return g->closed;
}
