/*
 * r_metrics.c - GET /metrics: what onestopd is doing, in the Prometheus
 * text exposition format (version 0.0.4), for a Prometheus server that
 * scrapes it with a `metrics` device token (host/docs/operations.md).
 *
 * Everything is read on the core thread at scrape time from what the core,
 * the engine, the device threads' last reports and the HTTP server already
 * hold: a scrape costs one pass over the open tickets and writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/xmalloc.h"
#include "core/core.h"
#include "daemon/http/api_private.h"

#define METRICS_CTYPE "text/plain; version=0.0.4; charset=utf-8"

/* The engine's command types as metric labels (engine_cmd_type). */
static const char *const metrics_cmd_names[CORE_CMD_TYPES] = {
	[ENGINE_ISSUE] = "issue",
	[ENGINE_CALL_NEXT] = "call_next",
	[ENGINE_CALL_SPECIFIC] = "call_specific",
	[ENGINE_RECALL] = "recall",
	[ENGINE_START] = "start",
	[ENGINE_FINISH] = "finish",
	[ENGINE_NO_SHOW] = "no_show",
	[ENGINE_TRANSFER] = "transfer",
	[ENGINE_PARK] = "park",
	[ENGINE_UNPARK] = "unpark",
	[ENGINE_COUNTER_OPEN] = "counter_open",
	[ENGINE_COUNTER_PAUSE] = "counter_pause",
	[ENGINE_COUNTER_CLOSE] = "counter_close",
	[ENGINE_RATE] = "rate",
	[ENGINE_CANCEL] = "cancel",
	[ENGINE_DAY_CLOSE] = "day_close",
};

/* A label value with \ " and newlines escaped as the format wants. */
static void
metrics_label(FILE *f, const char *v)
{
	for (; v != NULL && *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void
metrics_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
metrics_commands(FILE *f, const struct core_metrics *m)
{
	static const char *const results[] = { "ok", "refused", "store_failed" };
	const uint64_t *by[] = { m->cmd_ok, m->cmd_refused, m->cmd_failed };
	size_t t, k;

	metrics_head(f, "onestop_commands_total", "counter",
	    "Commands run through the engine, by type and result.");
	for (t = 1; t < CORE_CMD_TYPES; t++)
		for (k = 0; k < 3; k++)
			fprintf(f, "onestop_commands_total{type=\"%s\",result=\"%s\"} %llu\n",
			    metrics_cmd_names[t], results[k],
			    (unsigned long long)by[k][t]);
}

static void
metrics_commits(FILE *f, const struct core_metrics *m)
{
	uint64_t cum = 0;
	int i;

	metrics_head(f, "onestop_commit_duration_seconds", "histogram",
	    "Time of one group commit into sqlite (COMMIT with its fsync).");
	for (i = 0; i < CORE_COMMIT_BOUNDS; i++) {
		cum += m->commit_bucket[i];
		fprintf(f, "onestop_commit_duration_seconds_bucket{le=\"%g\"} %llu\n",
		    core_commit_bounds[i], (unsigned long long)cum);
	}
	cum += m->commit_bucket[CORE_COMMIT_BOUNDS];
	fprintf(f, "onestop_commit_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "onestop_commit_duration_seconds_sum %.6f\n"
	    "onestop_commit_duration_seconds_count %llu\n",
	    (unsigned long long)cum, m->commit_sum_s, (unsigned long long)cum);
	metrics_head(f, "onestop_commit_failures_total", "counter",
	    "Group commits that failed (their commands had no effect).");
	fprintf(f, "onestop_commit_failures_total %llu\n",
	    (unsigned long long)m->commit_failures);
}

/* Waiting tickets and the longest current wait, per queue. */
static void
metrics_queues(FILE *f, core *c)
{
	const struct config *cfg = core_config(c);
	const struct engine_ticket *const *t;
	int64_t now = core_now(), *oldest;
	int i, n;

	oldest = xcalloc((size_t)cfg->nqueues + 1, sizeof *oldest);
	n = engine_open_tickets(core_engine(c), &t);
	for (i = 0; i < n; i++) {
		int q = t[i]->queue;

		if (t[i]->state != ENGINE_T_WAITING || q < 0 || q >= cfg->nqueues)
			continue;
		if (oldest[q] == 0 || t[i]->issued_at < oldest[q])
			oldest[q] = t[i]->issued_at;
	}
	metrics_head(f, "onestop_queue_waiting", "gauge",
	    "Tickets waiting in the queue now.");
	for (i = 0; i < cfg->nqueues; i++) {
		fputs("onestop_queue_waiting{queue=\"", f);
		metrics_label(f, cfg->queues[i].code);
		fprintf(f, "\"} %d\n", engine_waiting_count(core_engine(c), i));
	}
	metrics_head(f, "onestop_queue_longest_wait_seconds", "gauge",
	    "How long the longest-waiting ticket of the queue has waited since"
	    " issue (0 when nobody waits).");
	for (i = 0; i < cfg->nqueues; i++) {
		int64_t w = oldest[i] > 0 && now > oldest[i] ? now - oldest[i] : 0;

		fputs("onestop_queue_longest_wait_seconds{queue=\"", f);
		metrics_label(f, cfg->queues[i].code);
		fprintf(f, "\"} %lld\n", (long long)w);
	}
	free(oldest);
}

static void
metrics_counters(FILE *f, core *c)
{
	static const enum engine_counter_state states[] = {
		ENGINE_C_CLOSED, ENGINE_C_OPEN, ENGINE_C_PAUSED };
	const struct config *cfg = core_config(c);
	int i, k, n;

	metrics_head(f, "onestop_counters", "gauge", "Counters by state.");
	for (k = 0; k < 3; k++) {
		for (n = 0, i = 0; i < cfg->ncounters; i++)
			n += engine_counter(core_engine(c), i)->state == states[k];
		fprintf(f, "onestop_counters{state=\"%s\"} %d\n",
		    engine_counter_state_name(states[k]), n);
	}
}

/* Boards and printers from the device threads' last reports. */
static void
metrics_devices(FILE *f, api *a)
{
	const cJSON *x;
	cJSON *d;

	if (a->devbus != NULL) {
		d = devbus_boards_json(a->devbus);
		metrics_head(f, "onestop_board_up", "gauge",
		    "1 when the counter board answers on its RS-485 line, 0 when"
		    " offline or not heard from yet.");
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "boards")) {
			const cJSON *cn = cJSON_GetObjectItemCaseSensitive(x, "counter");

			fputs("onestop_board_up{line=\"", f);
			metrics_label(f, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "line")));
			fprintf(f, "\",address=\"%d\",role=\"",
			    (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(x, "address")));
			metrics_label(f, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "role")));
			if (cJSON_IsNumber(cn))
				fprintf(f, "\",counter=\"%d", (int)cn->valuedouble);
			fprintf(f, "\"} %d\n", strcmp(cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(x, "state")), "online") == 0);
		}
		cJSON_Delete(d);
	}
	if (a->devprint != NULL) {
		d = devprint_json(a->devprint);
		metrics_head(f, "onestop_printer_ready", "gauge",
		    "1 when the ticket printer can print, else 0.");
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "printers")) {
			fputs("onestop_printer_ready{printer=\"", f);
			metrics_label(f, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "id")));
			fprintf(f, "\"} %d\n", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "ready")));
		}
		metrics_head(f, "onestop_printer_status", "gauge",
		    "1, with the printer's last reported status as a label (ok,"
		    " near-end, paper-end, cover-open, offline, ...).");
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "printers")) {
			fputs("onestop_printer_status{printer=\"", f);
			metrics_label(f, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "id")));
			fputs("\",status=\"", f);
			metrics_label(f, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "status")));
			fputs("\"} 1\n", f);
		}
		cJSON_Delete(d);
	}
}

static void
metrics_server(FILE *f, api *a)
{
	const union MHD_DaemonInfo *info;
	metrics_head(f, "onestop_sse_clients", "gauge",
	    "Clients of the event stream (displays, consoles) connected now.");
	fprintf(f, "onestop_sse_clients %u\n", a->sse_count);
	info = MHD_get_daemon_info(a->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	metrics_head(f, "onestop_http_connections", "gauge",
	    "HTTP connections open now (event streams included).");
	fprintf(f, "onestop_http_connections %u\n", info != NULL ? info->num_connections : 0);
	metrics_head(f, "onestop_last_event_id", "gauge",
	    "Id of the last committed event.");
	fprintf(f, "onestop_last_event_id %lld\n",
	    (long long)core_committed_event_id(a->core));
	metrics_head(f, "onestop_store_lost", "gauge",
	    "1 once the database file was found deleted or replaced (every"
	    " write is refused until onestopd restarts on it).");
	fprintf(f, "onestop_store_lost %d\n", store_lost(core_store(a->core)));
}

/* The export to the central PostgreSQL, when there is one (export.md). */
static void
metrics_export(FILE *f, api *a)
{
	struct api_export_state st;
	int64_t last = core_committed_event_id(a->core), lag, age = 0;

	if (a->export_state == NULL)
		return;
	a->export_state(a->export_arg, &st);
	lag = last > st.acked ? last - st.acked : 0;
	if (lag > 0 && st.oldest_at > 0 && core_now() > st.oldest_at)
		age = core_now() - st.oldest_at;
	metrics_head(f, "onestop_export_connected", "gauge",
	    "1 while the exporter is connected to the central database.");
	fprintf(f, "onestop_export_connected %d\n", st.connected);
	metrics_head(f, "onestop_export_acked_event_id", "gauge",
	    "Id of the last event the central database acknowledged (0 until"
	    " the first contact after a start).");
	fprintf(f, "onestop_export_acked_event_id %lld\n", (long long)st.acked);
	metrics_head(f, "onestop_export_lag_events", "gauge",
	    "Committed events the central database does not hold yet.");
	fprintf(f, "onestop_export_lag_events %lld\n", (long long)lag);
	metrics_head(f, "onestop_export_lag_seconds", "gauge",
	    "Age of the oldest event the central database does not hold yet"
	    " (0 when it holds them all).");
	fprintf(f, "onestop_export_lag_seconds %lld\n", (long long)age);
	metrics_head(f, "onestop_export_failures_total", "counter",
	    "Failed connects and calls to the central database (each one is"
	    " retried after a back-off).");
	fprintf(f, "onestop_export_failures_total %llu\n", (unsigned long long)st.failures);
}

void
api_metrics(struct req *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL) {
		api_error(r, 503, "busy", "Không đủ bộ nhớ để trả lời.");
		return;
	}
	metrics_commands(f, core_metrics(r->a->core));
	metrics_commits(f, core_metrics(r->a->core));
	metrics_queues(f, r->a->core);
	metrics_counters(f, r->a->core);
	metrics_devices(f, r->a);
	metrics_server(f, r->a);
	metrics_export(f, r->a);
	if (fclose(f) != 0) {
		free(buf);
		api_error(r, 503, "busy", "Không đủ bộ nhớ để trả lời.");
		return;
	}
	api_reply_raw(r, 200, METRICS_CTYPE, buf);
}
