/*
 * devbus.c - placeholder until the RS-485 master lands: no lines.
 */
#include "devbus.h"

#include <stdlib.h>

#include "xmalloc.h"

struct devbus {
	core *core;
};

devbus *
devbus_start(core *c, loop *l, char *err, size_t errlen)
{
	devbus *d = xcalloc(1, sizeof *d);

	(void)l;
	(void)err;
	(void)errlen;
	d->core = c;
	return d;
}

void
devbus_stop(devbus *d)
{
	free(d);
}

cJSON *
devbus_boards_json(devbus *d)
{
	cJSON *o = cJSON_CreateObject();

	(void)d;
	cJSON_AddArrayToObject(o, "boards");
	return o;
}
