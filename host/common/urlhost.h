/*
 * urlhost.h - the host part of an Origin or Referer header, for the
 * same-origin checks of onestopd (daemon/http/server.c) and onestop-central
 * (tools/central.c).
 */
#ifndef ONESTOP_URLHOST_H
#define ONESTOP_URLHOST_H

#include <stddef.h>

/*
 * host[:port] of an origin "scheme://host[:port]" or of a URL
 * "scheme://host[:port]/path" into out; -1 when it names none ("null", a
 * user@ part, too long for out).
 */
int urlhost(const char *url, char *out, size_t outlen);

#endif
