/*
 * vocab.c - the one table of names of events, states, channels and roles
 * (vocab.h).  Lookups by name are linear: the lists are short.
 */
#include "proto/vocab.h"

#include <stddef.h>
#include <string.h>

static const char *const vocab_event[] = {
	[ENGINE_EV_ISSUED] = "issued",
	[ENGINE_EV_CALLED] = "called",
	[ENGINE_EV_RECALLED] = "recalled",
	[ENGINE_EV_STARTED] = "started",
	[ENGINE_EV_FINISHED] = "finished",
	[ENGINE_EV_NO_SHOW] = "no_show",
	[ENGINE_EV_TRANSFERRED] = "transferred",
	[ENGINE_EV_PARKED] = "parked",
	[ENGINE_EV_UNPARKED] = "unparked",
	[ENGINE_EV_COUNTER_OPENED] = "counter_opened",
	[ENGINE_EV_COUNTER_PAUSED] = "counter_paused",
	[ENGINE_EV_COUNTER_CLOSED] = "counter_closed",
	[ENGINE_EV_RATED] = "rated",
	[ENGINE_EV_CANCELLED] = "cancelled",
	[ENGINE_EV_DAY_CLOSED] = "day_closed",
};

static const char *const vocab_tstate[] = {
	[ENGINE_T_WAITING] = "waiting",
	[ENGINE_T_CALLED] = "called",
	[ENGINE_T_SERVING] = "serving",
	[ENGINE_T_PARKED] = "parked",
	[ENGINE_T_DONE] = "done",
	[ENGINE_T_NO_SHOW] = "no_show",
	[ENGINE_T_CANCELLED] = "cancelled",
};

static const char *const vocab_cstate[] = {
	[ENGINE_C_CLOSED] = "closed",
	[ENGINE_C_OPEN] = "open",
	[ENGINE_C_PAUSED] = "paused",
};

static const char *const vocab_channel[] = {
	[ENGINE_CH_KIOSK] = "kiosk",
	[ENGINE_CH_COUNTER] = "counter",
	[ENGINE_CH_ONLINE] = "online",
	[ENGINE_CH_API] = "api",
};

static const char *const vocab_role[] = {
	[STORE_ROLE_STAFF] = "staff",
	[STORE_ROLE_MANAGER] = "manager",
	[STORE_ROLE_ADMIN] = "admin",
	[STORE_ROLE_KIOSK] = "kiosk",
	[STORE_ROLE_DISPLAY] = "display",
	[STORE_ROLE_METRICS] = "metrics",
};

#define LEN(a) (int)(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *const *names;
	int n;                   /* entries, index 0 unused */
} vocab_tables[VOCAB_KINDS] = {
	[VOCAB_EVENT] = { vocab_event, LEN(vocab_event) },
	[VOCAB_TICKET_STATE] = { vocab_tstate, LEN(vocab_tstate) },
	[VOCAB_COUNTER_STATE] = { vocab_cstate, LEN(vocab_cstate) },
	[VOCAB_CHANNEL] = { vocab_channel, LEN(vocab_channel) },
	[VOCAB_ROLE] = { vocab_role, LEN(vocab_role) },
};

const char *
vocab_name(enum vocab_kind k, int v)
{
	if ((int)k < 0 || k >= VOCAB_KINDS || v <= 0 || v >= vocab_tables[k].n)
		return NULL;
	return vocab_tables[k].names[v];
}

int
vocab_value(enum vocab_kind k, const char *name)
{
	int i;

	if ((int)k < 0 || k >= VOCAB_KINDS || name == NULL)
		return 0;
	for (i = 1; i < vocab_tables[k].n; i++)
		if (vocab_tables[k].names[i] != NULL &&
		    strcmp(vocab_tables[k].names[i], name) == 0)
			return i;
	return 0;
}

int
vocab_max(enum vocab_kind k)
{
	if ((int)k < 0 || k >= VOCAB_KINDS)
		return 0;
	return vocab_tables[k].n - 1;
}
