/*
 * ticket_samples.h - named sample tickets with their printer settings:
 * the golden pictures, the bench and a printer's test page use them.
 */
#ifndef ONESTOP_TICKET_SAMPLES_H
#define ONESTOP_TICKET_SAMPLES_H

#include "printers/printer_conf.h"
#include "printers/ticket.h"

struct ticket_sample {
	const char *name;
	struct printer_conf printer;
	struct ticket_print ticket;
};

int ticket_samples_count(void);
const char *ticket_samples_name(int i);
const struct ticket_sample *ticket_samples_get(int i);
/* Index of the sample called name, or -1. */
int ticket_samples_find(const char *name);

#endif
