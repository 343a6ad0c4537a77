/*
 * r_stats.c - statistics routes under /api/v1/stats (see host/docs/stats.md):
 *
 *   GET /api/v1/stats/live                     manager admin: live dashboard
 *   GET /api/v1/stats/report?from&to&by&...    manager admin: a report as
 *       JSON, or one breakdown as CSV (format=csv) or SVG (format=svg&metric=)
 *   GET /api/v1/stats/counters/{n}/today       staff (own counter), manager,
 *       admin: the counter's own numbers for today
 *
 * The handlers check the request on the core thread, then hand it to the
 * statistics worker (statswork.h: its own thread and sqlite connection), so
 * that a year's report or the first sync after a restart never holds the
 * core; the request waits, suspended, and is answered when the worker is
 * done.  Every query parameter is checked here and reaches SQL only as a
 * bound value.
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
#include "daemon/http/apijson.h"
#include "daemon/http/statswork.h"
#include "daemon/stats/stats.h"
#include "common/xmalloc.h"

#define API_STATS_MAX_DAYS 3700      /* about ten years */

enum api_stats_kind { JOB_REPORT, JOB_LIVE, JOB_COUNTER };

/*
 * One statistics request on the worker (statswork.h): the query is copied
 * in here, the worker fills rep or text and err, the done function answers.
 */
struct api_stats_job {
	struct req *r;
	enum api_stats_kind kind;
	struct stats_query q;
	char department[48], queue[48], procedure[48];
	enum stats_by first;
	char format[8], metric[32];
	int64_t now;
	cJSON *rep;              /* JSON answers */
	char *text;              /* CSV or SVG answers */
	char err[256];           /* "" ok */
	int bad;                 /* CSV/SVG could not be made: a 400 */
};

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

/* On the worker: compute the job's answer. */
static void
api_stats_run(stats *st, void *arg)
{
	struct api_stats_job *j = arg;

	if (j->kind == JOB_LIVE)
		j->rep = stats_live(st, j->now);
	else
		j->rep = stats_report(st, &j->q, j->now);
	if (j->rep == NULL) {
		snprintf(j->err, sizeof j->err, "%s", stats_errmsg(st));
		return;
	}
	if (j->kind != JOB_REPORT)
		return;
	/* A year's report with every breakdown is about a megabyte of JSON:
	   print it here, not on the core thread. */
	if (strcmp(j->format, "json") == 0)
		j->text = apijson_print(j->rep);
	else if (strcmp(j->format, "csv") == 0)
		j->text = stats_csv(j->rep, j->first);
	else
		j->text = stats_svg(j->rep, j->first, j->metric);
	cJSON_Delete(j->rep);
	j->rep = NULL;
	j->bad = j->text == NULL;
}

static const char *
api_stats_ctype(const char *format)
{
	if (strcmp(format, "csv") == 0)
		return "text/csv; charset=utf-8";
	if (strcmp(format, "svg") == 0)
		return "image/svg+xml; charset=utf-8";
	return "application/json; charset=utf-8";
}

/* On the core thread: answer the job's request. */
static void
api_stats_done(void *arg, const char *err)
{
	struct api_stats_job *j = arg;
	struct req *r = j->r;

	if (err != NULL)
		api_error(r, 500, "store_failed", "Không mở được dữ liệu thống kê (%.200s).", err);
	else if (j->err[0] != '\0')
		api_error(r, 500, "store_failed", "Không tính được thống kê (%.200s).", j->err);
	else if (j->bad)
		api_error(r, 400, "bad_value", "Không tạo được nội dung yêu cầu.");
	else if (j->text != NULL) {
		api_reply_raw(r, 200, api_stats_ctype(j->format), j->text);
		j->text = NULL;
	} else {
		if (j->kind == JOB_LIVE)
			cJSON_ReplaceItemInObjectCaseSensitive(j->rep, "devices_offline",
			    api_devices_offline(r->a));
		api_reply_json(r, 200, j->rep);
		j->rep = NULL;
	}
	cJSON_Delete(j->rep);
	free(j->text);
	free(j);
	api_release(r);
}

/* Copy the query's filters into the job (the request's strings stay put). */
static void
api_stats_submit(struct req *r, struct api_stats_job *j)
{
	if (j->q.department != NULL) {
		snprintf(j->department, sizeof j->department, "%s", j->q.department);
		j->q.department = j->department;
	}
	if (j->q.queue != NULL) {
		snprintf(j->queue, sizeof j->queue, "%s", j->q.queue);
		j->q.queue = j->queue;
	}
	if (j->q.procedure != NULL) {
		snprintf(j->procedure, sizeof j->procedure, "%s", j->q.procedure);
		j->q.procedure = j->procedure;
	}
	j->r = r;
	j->now = core_now();
	r->phase = REQ_WAITING;
	statswork_submit(r->a->statswork, api_stats_run, api_stats_done, j);
}

void
api_stats_report(struct req *r)
{
	struct api_stats_job *j;
	struct stats_query q;
	enum stats_by first;
	const char *format = api_arg(r, "format"), *metric = api_arg(r, "metric");

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
	j = xcalloc(1, sizeof *j);
	j->kind = JOB_REPORT;
	j->q = q;
	j->first = first;
	snprintf(j->format, sizeof j->format, "%s", format);
	if (metric != NULL)
		snprintf(j->metric, sizeof j->metric, "%s", metric);
	api_stats_submit(r, j);
}

/* GET /api/v1/stats/live: the live dashboard. */
void
api_stats_live(struct req *r)
{
	struct api_stats_job *j = xcalloc(1, sizeof *j);

	j->kind = JOB_LIVE;
	api_stats_submit(r, j);
}

/* GET /api/v1/stats/counters/{n}/today: a counter's own day so far. */
void
api_stats_counter_today(struct req *r)
{
	struct api_stats_job *j;
	long long num;

	if (strnum_parse(r->arg[0], 1, 99, &num) != 0) {
		api_error(r, 404, "not_found", "Không có quầy này.");
		return;
	}
	if (!api_may_act_on(&r->user, (int)num)) {
		api_error(r, 403, "forbidden", "Tài khoản không được xem quầy này.");
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->kind = JOB_COUNTER;
	api_stats_today(r, j->q.from);
	snprintf(j->q.to, sizeof j->q.to, "%s", j->q.from);
	j->q.counter = (int)num;
	api_stats_submit(r, j);
}
