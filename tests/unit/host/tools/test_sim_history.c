/*
 * test_sim_history.c - the history mode of onestop-sim: simulated past days
 * written into a store, then read back by the statistics as a manager
 * would: every open day has visitors, the Sunday none, and the figures a
 * report shows are those of a real centre (waits above zero, no-shows,
 * transfers, ratings attached and unattached, a service level below 100 %).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/store.h"
#include "daemon/stats/stats.h"
#include "tools/sim.h"
#include "tools/sim_history.h"

static double
num(const cJSON *o, const char *a, const char *b)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b != NULL)
		x = cJSON_GetObjectItemCaseSensitive(x, b);
	return cJSON_IsNumber(x) ? x->valuedouble : -1;
}

static void
test_history_days(void **state)
{
	char dir[] = "/tmp/test_sim_history.XXXXXX", db[300], err[512], cmd[400];
	struct config *cfg;
	struct sim_day tmpl;
	struct sim_history_report rep;
	struct stats_query q;
	const cJSON *g;
	cJSON *r, *r7;
	stats *st;
	store *s;
	int64_t now = 1773489600;   /* 2026-03-14 12:00 UTC, a Saturday */
	int days_with = 0;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/o.db", dir);
	if (config_load("config/demo/centre.ini", &cfg, err, sizeof err) != 0)
		fail_msg("config: %s", err);
	sim_day_default(&tmpl);
	s = store_open(db, cfg, err, sizeof err);
	assert_non_null(s);
	/* Counter 1's staff: the history signs its commands with this user. */
	{
		struct store_user u;

		memset(&u, 0, sizeof u);
		snprintf(u.name, sizeof u.name, "canbo1");
		snprintf(u.full_name, sizeof u.full_name, "Cán bộ quầy 1");
		u.role = STORE_ROLE_STAFF;
		u.ncounters = 1;
		u.counters[0] = 1;
		assert_int_equal(store_user_add(s, &u, "mat-khau-1"), 0);
	}
	if (sim_history_run(cfg, s, &tmpl, 10, now, 7, &rep, err, sizeof err) != 0)
		fail_msg("history: %s", err);
	store_close(s);
	/* 2026-03-04 .. 2026-03-13: nine open days, Sunday the 8th closed. */
	assert_int_equal(rep.days, 9);
	assert_int_equal(rep.closed, 1);
	assert_true(rep.bad_day[0] != '\0');
	assert_true(rep.ratings > 0 && rep.unattached > 0 && rep.no_shows > 0);

	st = stats_open(db, NULL, cfg, err, sizeof err);
	if (st == NULL)
		fail_msg("stats: %s", err);
	memset(&q, 0, sizeof q);
	snprintf(q.from, sizeof q.from, "2026-03-04");
	snprintf(q.to, sizeof q.to, "2026-03-13");
	q.by = 1u << STATS_BY_DAY | 1u << STATS_BY_STAFF;
	r = stats_report(st, &q, now);        /* 10 days: the rollups */
	assert_non_null(r);
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "by"), "day")) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(g, "key");
		if (num(g, "issued", NULL) > 0)
			days_with++;
		assert_string_not_equal(k->valuestring, "2026-03-08");
	}
	assert_int_equal(days_with, 9);
	/* Only counter 1 has a user: every staff group is that user, by name. */
	{
		int nstaff = 0;

		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "by"), "staff")) {
			assert_string_equal(cJSON_GetObjectItemCaseSensitive(g, "label")->valuestring, "Cán bộ quầy 1");
			assert_true(num(g, "served", NULL) > 0);
			nstaff++;
		}
		assert_int_equal(nstaff, 1);
	}
	g = cJSON_GetObjectItemCaseSensitive(r, "total");
	assert_true(num(g, "issued", NULL) == (double)rep.visitors);
	assert_true(num(g, "no_show", NULL) > 0);
	assert_true(num(g, "transferred_out", NULL) > 0);
	assert_true(num(g, "wait", "mean_s") > 60);
	assert_true(num(g, "wait", "median_s") > 0);
	assert_true(num(g, "service", "mean_s") > 120);
	assert_true(num(g, "rating", "n") == (double)rep.ratings);
	assert_true(num(g, "rating", "satisfied_pct") > 0 && num(g, "rating", "satisfied_pct") < 100);
	assert_true(num(g, "service_level", "pct") > 0 && num(g, "service_level", "pct") < 100);
	assert_true(num(r, "unattached_ratings", "n") == (double)rep.unattached);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "exact")));
	/* The exact path (7 days) counts the unattached ratings the same way. */
	snprintf(q.from, sizeof q.from, "2026-03-07");
	r7 = stats_report(st, &q, now);
	assert_non_null(r7);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r7, "exact")));
	assert_true(num(r7, "unattached_ratings", "n") > 0);
	assert_true(num(r7, "unattached_ratings", "n") <= num(r, "unattached_ratings", "n"));
	/* A day without visitors: no-show % is undefined, not 0. */
	snprintf(q.from, sizeof q.from, "2026-03-08");
	snprintf(q.to, sizeof q.to, "2026-03-08");
	cJSON_Delete(r7);
	r7 = stats_report(st, &q, now);
	assert_non_null(r7);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(r7, "total"), "no_show_pct")));
	cJSON_Delete(r7);
	cJSON_Delete(r);
	stats_close(st);
	config_free(cfg);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
