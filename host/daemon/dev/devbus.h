/*
 * devbus.h - the RS-485 lines in the daemon: one thread per line masters
 * the counter boards through libmodbus and talks to the core only by
 * messages.  Key presses become engine commands (applied exactly once,
 * acknowledged after their commit); committed calls update the boards.
 */
#ifndef ONESTOP_DEVBUS_H
#define ONESTOP_DEVBUS_H

#include <cjson/cJSON.h>

#include "core/core.h"
#include "core/loop.h"

typedef struct devbus devbus;

/*
 * Start every [line] of the core's config (none is fine).  NULL with a
 * message in err when a line's configuration cannot work at all; a port
 * that is missing or vanishes is retried, not an error.
 */
devbus *devbus_start(core *c, loop *l, char *err, size_t errlen);
void devbus_stop(devbus *d);

/*
 * Run the engine command(s) a key of a board at counter index `counter`
 * means (kind/key as in board_regs.h, value = the number typed, 0xFFFF
 * none) in the open batch: 0, or the negated engine error / -CORE_ESTORE.
 * Next opens the counter if needed and finishes the ticket held before it
 * calls; digits + Next calls that number; digits + Transfer transfers to
 * the counter of that number; Pause toggles pause / open; a rating face
 * rates the ticket just finished.  *last (when not NULL) holds the last
 * command tried: on a refusal, the refused one, for engine_explain (its
 * type 0 when the key means no command).
 */
int devbus_key_command(devbus *d, int counter, int kind, int key, int value,
    struct engine_cmd *last);

/* Boards and their state: {"boards":[{line, address, role, counter, state, ...}]}. */
cJSON *devbus_boards_json(devbus *d);

#endif
