/*
 * relay.h - a TCP relay of the export test's own, between a centre's
 * exporter and PostgreSQL, that cuts the network path on command
 * (tests/integration/host/relay.c).
 *
 * It runs in a process of its own (forked, ended by its pid), listens on a
 * loopback port and forwards every connection to the server's Unix socket.
 * The test drives it through a socket pair; each command returns once the
 * relay has done it:
 *
 *   RELAY_HOLE   black hole: every open connection stops being forwarded
 *                while both its sockets stay open, and new ones are
 *                accepted and never forwarded.  The relay's kernel still
 *                acknowledges what the exporter sends and answers its
 *                keepalives, as a NAT or firewall that lost the flow, or a
 *                hung server host, do: only the exporter's own timeout ends
 *                such a call.  A held connection stays dead for good, as a
 *                dropped flow does.
 *   RELAY_RESET  every connection (held ones too) is reset (RST).
 *   RELAY_BACK   new connections are forwarded again.
 */
#ifndef ONESTOP_TEST_RELAY_H
#define ONESTOP_TEST_RELAY_H

#include <sys/types.h>

#define RELAY_HOLE 'h'
#define RELAY_RESET 'r'
#define RELAY_BACK 'b'

struct relay {
	pid_t pid;               /* 0 = not running */
	int ctl;                 /* the test's end of the control socket */
	int port;                /* where it listens, on 127.0.0.1 */
	unsigned long forwarded; /* connections forwarded, as of the last command */
};

/* Start it, forwarding to the Unix socket at path.  0 or -1. */
int relay_start(struct relay *r, const char *path);
/* One command (RELAY_*); 0 once the relay has done it, -1 if it is gone. */
int relay_cmd(struct relay *r, char cmd);
/* End it (by its pid) and reap it. */
void relay_stop(struct relay *r);

#endif
