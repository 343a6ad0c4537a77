/*
 * sim_history.h - a centre's past written into its store: simulated service
 * days (sim.h's visitors and staff, run through the real engine) at real
 * scale, committed through the store (core/store.h) with the real
 * timestamps of past days, so the statistics, reports and charts of a new
 * demo show what a manager will see.  Staff press the rating keypad after a
 * service (worse marks after a long wait), now and then when no ticket can
 * take the press (an unattached rating), and one day in the range is a bad
 * day (more visitors, two counters missing, slower services).
 *
 * Library code: never prints; errors come back as text.
 */
#ifndef ONESTOP_SIM_HISTORY_H
#define ONESTOP_SIM_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/store.h"
#include "tools/sim.h"

/* What was written. */
struct sim_history_report {
	int days;                    /* service days simulated (Sundays skipped) */
	int closed;                  /* days without visitors (Sundays) */
	long visitors, served, no_shows, transfers, ratings, unattached;
	char bad_day[11];            /* "YYYY-MM-DD" of the bad day, "" none */
};

/*
 * Simulate the ndays calendar days before the service day of now (ending
 * yesterday) from the template day tmpl (its date and seed are replaced;
 * seed + the day's number seeds each day) and write them into s, one
 * transaction per day, each day closed at its end.  Mondays are busier,
 * Saturdays have the morning session only, Sundays are closed.  Staff ids
 * are those of the users "canboN" for counter number N when they exist.
 * cfg must be the store's config.  Returns 0, or -1 with a message in err.
 */
int sim_history_run(const struct config *cfg, store *s, const struct sim_day *tmpl,
    int ndays, int64_t now, uint64_t seed, struct sim_history_report *rep,
    char *err, size_t errlen);

#endif
