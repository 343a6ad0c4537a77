/*
 * devbus.h - the RS-485 lines in the daemon: one thread per line masters
 * the counter boards through libmodbus and talks to the core only by
 * messages.  Key presses become engine commands (applied exactly once,
 * acknowledged after their commit); committed calls update the boards.
 */
#ifndef ONESTOP_DEVBUS_H
#define ONESTOP_DEVBUS_H

#include <cjson/cJSON.h>

#include "core.h"
#include "loop.h"

typedef struct devbus devbus;

/*
 * Start every [line] of the core's config (none is fine).  NULL with a
 * message in err when a line's configuration cannot work at all; a port
 * that is missing or vanishes is retried, not an error.
 */
devbus *devbus_start(core *c, loop *l, char *err, size_t errlen);
void devbus_stop(devbus *d);

/* Boards and their state: {"boards":[{line, address, role, counter, state, ...}]}. */
cJSON *devbus_boards_json(devbus *d);

#endif
