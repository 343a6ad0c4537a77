/*
 * api_stats.c - statistics routes under /api/v1/stats (placeholder until
 * the statistics module lands: every call answers 404).
 */
#include "api_private.h"

void
api_stats_route(struct req *r, const char *method, char **seg, int n)
{
	(void)method;
	(void)seg;
	(void)n;
	api_error(r, 404, "not_found", "Chưa có thống kê.");
}
