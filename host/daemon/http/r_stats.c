/*
 * r_stats.c - statistics routes under /api/v1/stats (see host/docs/stats.md):
 *
 *   GET /api/v1/stats/live                     manager admin: live dashboard
 *   GET /api/v1/stats/report?from&to&by&...    manager admin: a report as
 *       JSON, or one breakdown as CSV (format=csv) or SVG (format=svg&metric=)
 *   GET /api/v1/stats/counters/{n}/today       staff (own counter), manager,
 *       admin: the counter's own numbers for today
 *
 * The statistics handle (its own sqlite connection, see stats.h) is opened
 * on first use on the daemon's database path and closed at exit.  Every
 * query parameter is checked here and reaches SQL only as a bound value.
 */
#include "daemon/http/api_private.h"
#include "common/strnum.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "core/engine.h"
#include "daemon/stats/stats.h"
#include "common/xmalloc.h"

#define API_STATS_MAX_DAYS 3700      /* about ten years */

static stats *api_stats_handle;

static void
api_stats_atexit(void)
{
	stats_close(api_stats_handle);
	api_stats_handle = NULL;
}

/* The handle, opened on first use; NULL (answered 500) on failure. */
static stats *
api_stats_get(struct req *r)
{
	const struct config *cfg = core_config(r->a->core);
	char err[256];

	if (api_stats_handle == NULL) {
		api_stats_handle = stats_open(cfg->database, NULL, cfg, err, sizeof err);
		if (api_stats_handle == NULL) {
			api_error(r, 500, "store_failed", "Không mở được dữ liệu thống kê (%.200s).", err);
			return NULL;
		}
		atexit(api_stats_atexit);
	}
	stats_set_config(api_stats_handle, cfg);
	return api_stats_handle;
}

/* The current service day (the engine's, or today's before any command). */
static void
api_stats_today(struct req *r, char out[11])
{
	const char *d = engine_day(core_engine(r->a->core));

	if (d != NULL && d[0] != '\0')
		snprintf(out, 11, "%s", d);
	else
		engine_day_of(core_now(), core_config(r->a->core)->day_start_hour, out);
}

static const char *
api_arg(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* A code filter: 1..47 chars of [A-Za-z0-9._-]; NULL when absent. */
static int
api_stats_code(struct req *r, const char *name, const char **out)
{
	const char *v = api_arg(r, name), *p;

	*out = NULL;
	if (v == NULL || v[0] == '\0')
		return 0;
	if (strlen(v) > 47)
		goto bad;
	for (p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			goto bad;
	*out = v;
	return 0;
bad:
	api_error(r, 400, "bad_value", "Giá trị của \"%s\" không hợp lệ.", name);
	return -1;
}

/* Fill q from the query string; -1 when answered 400. */
static int
api_stats_query(struct req *r, struct stats_query *q, enum stats_by *first)
{
	const char *from = api_arg(r, "from"), *to = api_arg(r, "to");
	const char *by = api_arg(r, "by"), *v;
	char today[11];
	long long n;

	api_stats_today(r, today);
	memset(q, 0, sizeof *q);
	*first = STATS_BY_TOTAL;
	if (from == NULL || from[0] == '\0')
		from = today;
	if (to == NULL || to[0] == '\0')
		to = from;
	if (stats_parse_day(from) != 0 || stats_parse_day(to) != 0 || strcmp(from, to) > 0) {
		api_error(r, 400, "bad_value", "Khoảng ngày không hợp lệ (dạng YYYY-MM-DD, từ ≤ đến).");
		return -1;
	}
	snprintf(q->from, sizeof q->from, "%s", from);
	snprintf(q->to, sizeof q->to, "%s", to);
	if (by != NULL && by[0] != '\0') {
		char buf[160], *tok, *save = NULL;
		int b;

		if (strlen(by) >= sizeof buf) {
			api_error(r, 400, "bad_value", "Giá trị của \"by\" quá dài.");
			return -1;
		}
		strcpy(buf, by);
		for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
			if (strcmp(tok, "all") == 0) {
				q->by |= STATS_BY_ALL;
				if (*first == STATS_BY_TOTAL)
					*first = STATS_BY_DAY;
				continue;
			}
			if ((b = stats_by_parse(tok)) <= 0) {
				api_error(r, 400, "bad_value", "Không có cách chia \"%.32s\".", tok);
				return -1;
			}
			q->by |= 1u << b;
			if (*first == STATS_BY_TOTAL)
				*first = (enum stats_by)b;
		}
	}
	if (api_stats_code(r, "department", &q->department) != 0 ||
	    api_stats_code(r, "queue", &q->queue) != 0 ||
	    api_stats_code(r, "procedure", &q->procedure) != 0)
		return -1;
	if ((v = api_arg(r, "counter")) != NULL && v[0] != '\0') {
		if (strnum_parse(v, 1, 99, &n) != 0) {
			api_error(r, 400, "bad_value", "Số quầy không hợp lệ.");
			return -1;
		}
		q->counter = (int)n;
	}
	if ((v = api_arg(r, "staff")) != NULL && v[0] != '\0') {
		if (strnum_parse(v, 1, 2147483647, &n) != 0) {
			api_error(r, 400, "bad_value", "Mã nhân viên không hợp lệ.");
			return -1;
		}
		q->staff = (int)n;
	}
	return 0;
}

void
api_stats_report(struct req *r)
{
	struct stats_query q;
	enum stats_by first;
	const char *format = api_arg(r, "format"), *metric = api_arg(r, "metric");
	stats *st;
	cJSON *rep;
	char *text;

	if (api_stats_query(r, &q, &first) != 0)
		return;
	if (format == NULL || format[0] == '\0')
		format = "json";
	if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "svg") != 0) {
		api_error(r, 400, "bad_value", "Định dạng phải là json, csv hoặc svg.");
		return;
	}
	if (strcmp(format, "svg") == 0 && (first == STATS_BY_TOTAL || !stats_metric_known(metric))) {
		api_error(r, 400, "bad_value", "Biểu đồ cần \"by\" và một \"metric\" hợp lệ.");
		return;
	}
	{
		struct tm ta, tb;
		memset(&ta, 0, sizeof ta);
		memset(&tb, 0, sizeof tb);
		strptime(q.from, "%Y-%m-%d", &ta);
		strptime(q.to, "%Y-%m-%d", &tb);
		if ((timegm(&tb) - timegm(&ta)) / 86400 >= API_STATS_MAX_DAYS) {
			api_error(r, 400, "bad_value", "Khoảng ngày quá dài (tối đa %d ngày).",
			    API_STATS_MAX_DAYS);
			return;
		}
	}
	if ((st = api_stats_get(r)) == NULL)
		return;
	if ((rep = stats_report(st, &q, core_now())) == NULL) {
		api_error(r, 500, "store_failed", "Không tính được thống kê (%.200s).", stats_errmsg(st));
		return;
	}
	if (strcmp(format, "json") == 0) {
		api_reply_json(r, 200, rep);
		return;
	}
	text = strcmp(format, "csv") == 0 ? stats_csv(rep, first) : stats_svg(rep, first, metric);
	cJSON_Delete(rep);
	if (text == NULL) {
		api_error(r, 400, "bad_value", "Không tạo được nội dung yêu cầu.");
		return;
	}
	api_reply_raw(r, 200, strcmp(format, "csv") == 0 ? "text/csv; charset=utf-8" :
	    "image/svg+xml; charset=utf-8", text);
}

/* GET /api/v1/stats/live: the live dashboard. */
void
api_stats_live(struct req *r)
{
	stats *st;
	cJSON *o;

	if ((st = api_stats_get(r)) == NULL)
		return;
	if ((o = stats_live(st, core_now())) == NULL) {
		api_error(r, 500, "store_failed", "Không tính được thống kê (%.200s).",
		    stats_errmsg(st));
		return;
	}
	cJSON_ReplaceItemInObjectCaseSensitive(o, "devices_offline",
	    api_devices_offline(r->a));
	api_reply_json(r, 200, o);
}

/* GET /api/v1/stats/counters/{n}/today: a counter's own day so far. */
void
api_stats_counter_today(struct req *r)
{
	struct stats_query q;
	long long num;
	stats *st;
	cJSON *o;

	if (strnum_parse(r->arg[0], 1, 99, &num) != 0) {
		api_error(r, 404, "not_found", "Không có quầy này.");
		return;
	}
	if (!api_may_act_on(&r->user, (int)num)) {
		api_error(r, 403, "forbidden", "Tài khoản không được xem quầy này.");
		return;
	}
	if ((st = api_stats_get(r)) == NULL)
		return;
	memset(&q, 0, sizeof q);
	api_stats_today(r, q.from);
	snprintf(q.to, sizeof q.to, "%s", q.from);
	q.counter = (int)num;
	if ((o = stats_report(st, &q, core_now())) == NULL) {
		api_error(r, 500, "store_failed", "Không tính được thống kê (%.200s).",
		    stats_errmsg(st));
		return;
	}
	api_reply_json(r, 200, o);
}
