/*
 * transport.c - the driver table.
 */
#include "printers/transport.h"

#include <string.h>

static const struct transport_ops *const transport_table[] = {
	&transport_usb, &transport_serial, &transport_tcp, &transport_file,
};

/* Look a driver up by name. */
const struct transport_ops *
transport_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof transport_table / sizeof transport_table[0]; i++)
		if (strcmp(transport_table[i]->name, name) == 0)
			return transport_table[i];
	return NULL;
}
