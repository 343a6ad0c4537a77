/*
 * apijson.h - engine and config objects as cJSON values, the shapes written
 * down in host/docs/api.md.  Indexes become codes and counter numbers here.
 * Every function returns a new cJSON tree the caller owns (cJSON_Delete).
 */
#ifndef ONESTOP_APIJSON_H
#define ONESTOP_APIJSON_H

#include <cjson/cJSON.h>

#include "core/config.h"
#include "core/engine.h"

cJSON *apijson_ticket(const struct config *cfg, const engine *e,
    const struct engine_ticket *t);
cJSON *apijson_public_ticket(const struct config *cfg, const engine *e,
    const struct engine_ticket *t);
cJSON *apijson_counter(const struct config *cfg, const engine *e,
    const struct engine_counter *c);
cJSON *apijson_event(const struct config *cfg, const struct engine_event *ev);
cJSON *apijson_state(const struct config *cfg, const engine *e, int64_t last_event_id);
cJSON *apijson_procedure(const struct config *cfg, int index);
cJSON *apijson_departments(const struct config *cfg);

/* Print compactly into a malloc'd string (never NULL). */
char *apijson_print(const cJSON *v);

#endif
