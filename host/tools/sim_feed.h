/*
 * sim_feed.h - onestop-sim's feed mode: a simulated day played into a
 * running onestopd through its HTTP API (libcurl, keep-alive; cJSON),
 * time compressed by a factor, stopped cleanly by SIGTERM or SIGINT.
 */
#ifndef ONESTOP_SIM_FEED_H
#define ONESTOP_SIM_FEED_H

#include "core/config.h"
#include "tools/sim.h"

/*
 * Log in as user at base URL ("http://127.0.0.1:8080") and play day d (and,
 * with loop, the following days, seed + 1, ...) at speed times real time.
 * Prints progress to stderr.  Returns 0 when stopped by a signal or the day
 * ended, -1 on an error (message printed).
 */
int sim_feed(const struct config *cfg, const struct sim_day *d,
    const char *url, const char *user, const char *password, double speed,
    int loop);

#endif
