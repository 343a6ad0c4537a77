/*
 * r_audit.c - the audit log of admin and manager actions: who, when, from
 * which client address, what, and the before and after as JSON.
 *
 * The log wraps the handlers of the actions it records instead of living
 * inside them: api_audited_* runs the resource's own handler (r_accounts.c,
 * r_counters.c, r_catalogue.c, r_admin.c) and, when that answered a success
 * whose answer is held for the open batch, adds the row to the same batch.
 * The row and the change are then one transaction: both are committed or,
 * when the row cannot be written, the batch is failed (core_fail_batch) and
 * the caller gets 500 store_failed with nothing changed.  A refused action
 * writes no row.  The catalogue import is the exception: the core commits
 * before it replaces the catalogue (core_replace_catalogue), so its row is
 * written in the batch right after.
 *
 * GET /api/v1/audit lists the rows (newest first) with filters who, action,
 * from, to (YYYY-MM-DD, local days, both included), as JSON or as CSV
 * (format=csv).  No route changes a row; the store has no function for it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/log.h"
#include "common/strnum.h"
#include "common/xmalloc.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"

/* The client's whole address as text ("" when unknown); the session's
 * api_client_addr keeps an IPv6 client's /64 only, as throttling wants. */
static void
audit_client_addr(struct req *r, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	out[0] = '\0';
	if (r->conn == NULL || (ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS)) == NULL ||
	    (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    out, (socklen_t)outlen);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    out, (socklen_t)outlen);
}

/* Did the handler answer a success that waits for the open batch? */
static int
api_succeeded(struct req *r)
{
	return r->status >= 200 && r->status < 300 && core_in_batch(r->a->core);
}

int
api_audit(struct req *r, const char *action, const char *target, cJSON *before,
    cJSON *after)
{
	struct store_audit a;
	char client[64];
	char *b = before != NULL ? cJSON_PrintUnformatted(before) : NULL;
	char *f = after != NULL ? cJSON_PrintUnformatted(after) : NULL;
	int rc = -1;

	cJSON_Delete(before);
	cJSON_Delete(after);
	audit_client_addr(r, client, sizeof client);
	memset(&a, 0, sizeof a);
	a.at = core_now();
	a.who = r->user.name;
	a.role = store_role_name(r->user.role);
	a.client = client;
	a.action = action;
	a.target = target != NULL ? target : "";
	a.before = b;
	a.after = f;
	if (core_begin(r->a->core) == 0 &&
	    store_audit_add(core_store(r->a->core), &a) == 0)
		rc = 0;
	else {
		log_warnx("audit: %s by %s not recorded: %s", action, r->user.name,
		    store_errmsg(core_store(r->a->core)));
		core_fail_batch(r->a->core);
	}
	free(b);
	free(f);
	return rc;
}

/* A user as the log keeps it (never a password), or NULL when absent. */
static cJSON *
api_audit_user(struct req *r, const char *name)
{
	struct store_user u;

	if (name == NULL || store_user_get(core_store(r->a->core), name, &u) != 1)
		return NULL;
	return api_user_json(&u);
}

static int
api_is_device(enum store_role role)
{
	return role == STORE_ROLE_KIOSK || role == STORE_ROLE_DISPLAY ||
	    role == STORE_ROLE_METRICS;
}

/* POST /api/v1/users, audited. */
void
api_audited_users_add(struct req *r)
{
	cJSON *b;
	const char *name;

	api_users_add(r);
	if (!api_succeeded(r))
		return;
	b = cJSON_ParseWithLength(r->body != NULL ? r->body : "", r->len);
	name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "name"));
	api_audit(r, "user.add", name, NULL, api_audit_user(r, name));
	cJSON_Delete(b);
}

/* PATCH /api/v1/users/{name}, audited: user.password when only the
   password changes, else user.change. */
void
api_audited_users_change(struct req *r)
{
	const char *name = r->arg[0];
	cJSON *before = api_audit_user(r, name), *after, *b;
	int pw, others;

	api_users_change(r);
	if (!api_succeeded(r)) {
		cJSON_Delete(before);
		return;
	}
	b = cJSON_ParseWithLength(r->body != NULL ? r->body : "", r->len);
	pw = cJSON_GetObjectItemCaseSensitive(b, "password") != NULL;
	others = cJSON_GetArraySize(b) - pw;
	cJSON_Delete(b);
	after = api_audit_user(r, name);
	if (pw && after != NULL)
		cJSON_AddBoolToObject(after, "password_changed", 1);
	api_audit(r, pw && others == 0 ? "user.password" : "user.change", name,
	    before, after);
}

/* DELETE /api/v1/users/{name}, audited: device.revoke for a device. */
void
api_audited_users_delete(struct req *r)
{
	const char *name = r->arg[0];
	struct store_user u;
	int device = store_user_get(core_store(r->a->core), name, &u) == 1 &&
	    api_is_device(u.role);
	cJSON *before = api_audit_user(r, name);

	api_users_delete(r);
	if (!api_succeeded(r)) {
		cJSON_Delete(before);
		return;
	}
	api_audit(r, device ? "device.revoke" : "user.delete", name, before, NULL);
}

/* POST /api/v1/devices, audited (the token is never logged). */
void
api_audited_devices(struct req *r)
{
	cJSON *b, *after;
	const char *name;

	api_devices(r);
	if (!api_succeeded(r))
		return;
	b = cJSON_ParseWithLength(r->body != NULL ? r->body : "", r->len);
	name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "name"));
	after = api_audit_user(r, name);
	if (after != NULL)
		cJSON_DeleteItemFromObject(after, "counters");
	api_audit(r, "device.create", name, NULL, after);
	cJSON_Delete(b);
}

/* POST /api/v1/day/close, audited with what was open before. */
void
api_audited_day_close(struct req *r)
{
	const struct engine_ticket *const *open;
	int n = engine_open_tickets(core_engine(r->a->core), &open);
	cJSON *before = cJSON_CreateObject(), *after, *ans;

	cJSON_AddNumberToObject(before, "open_tickets", n);
	api_day_close(r);
	if (!api_succeeded(r)) {
		cJSON_Delete(before);
		return;
	}
	ans = cJSON_Parse(r->out != NULL ? r->out : "");
	after = cJSON_CreateObject();
	cJSON_AddNumberToObject(after, "cancelled",
	    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(ans, "cancelled")));
	cJSON_Delete(ans);
	api_audit(r, "day.close", engine_day(core_engine(r->a->core)), before, after);
}

/* POST /api/v1/procedures/import, audited with the catalogue's size. */
void
api_audited_import(struct req *r)
{
	int before = core_config(r->a->core)->nprocedures;
	cJSON *b, *a;

	api_import(r);
	if (r->status < 200 || r->status >= 300)
		return;
	b = cJSON_CreateObject();
	cJSON_AddNumberToObject(b, "procedures", before);
	a = cJSON_CreateObject();
	cJSON_AddNumberToObject(a, "procedures", core_config(r->a->core)->nprocedures);
	if (api_audit(r, "catalogue.import", "", b, a) != 0) {
		/* The catalogue is already replaced; say the log missed it. */
		log_warnx("audit: catalogue import by %s is not in the log", r->user.name);
	}
}

/* A local day "YYYY-MM-DD" as the unix time of its midnight; -1 if bad. */
static int64_t
api_audit_day(const char *s, int next)
{
	struct tm tm;
	long long y, m, d;
	char buf[5];

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	memcpy(buf, s, 4);
	buf[4] = '\0';
	if (strnum_parse(buf, 2000, 2999, &y) != 0)
		return -1;
	memcpy(buf, s + 5, 2);
	buf[2] = '\0';
	if (strnum_parse(buf, 1, 12, &m) != 0)
		return -1;
	memcpy(buf, s + 8, 2);
	if (strnum_parse(buf, 1, 31, &d) != 0)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d;
	tm.tm_isdst = -1;
	/* 2026-02-31 is not a day: mktime would make it March 3rd. */
	if (mktime(&tm) == (time_t)-1 || tm.tm_mday != (int)d || tm.tm_mon != (int)m - 1)
		return -1;
	if (next) {
		tm.tm_mday++;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
	}
	return (int64_t)mktime(&tm);
}

struct audit_out {
	cJSON *arr;              /* JSON */
	char *csv;               /* CSV */
	size_t len, cap;
};

static void
csv_put(struct audit_out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->csv = xreallocarray(o->csv, o->cap, 1);
	}
	memcpy(o->csv + o->len, s, n);
	o->len += n;
	o->csv[o->len] = '\0';
}

/* One CSV field (RFC 4180: quoted when it holds , " CR or LF), then sep. */
static void
csv_field(struct audit_out *o, const char *s, char sep)
{
	const char *p;

	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL)
		csv_put(o, s, strlen(s));
	else {
		csv_put(o, "\"", 1);
		for (p = s; *p != '\0'; p++) {
			csv_put(o, p, 1);
			if (*p == '"')
				csv_put(o, p, 1);
		}
		csv_put(o, "\"", 1);
	}
	csv_put(o, &sep, 1);
}

static void
api_audit_row(const struct store_audit *a, void *arg)
{
	struct audit_out *o = arg;
	char when[32], id[24];
	struct tm tm;
	time_t t = (time_t)a->at;

	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	if (o->arr != NULL) {
		cJSON *x = cJSON_CreateObject();

		cJSON_AddNumberToObject(x, "id", (double)a->id);
		cJSON_AddNumberToObject(x, "at", (double)a->at);
		cJSON_AddStringToObject(x, "time", when);
		cJSON_AddStringToObject(x, "who", a->who);
		cJSON_AddStringToObject(x, "role", a->role);
		cJSON_AddStringToObject(x, "client", a->client);
		cJSON_AddStringToObject(x, "action", a->action);
		cJSON_AddStringToObject(x, "target", a->target);
		cJSON_AddItemToObject(x, "before", a->before != NULL ?
		    cJSON_Parse(a->before) : cJSON_CreateNull());
		cJSON_AddItemToObject(x, "after", a->after != NULL ?
		    cJSON_Parse(a->after) : cJSON_CreateNull());
		cJSON_AddItemToArray(o->arr, x);
		return;
	}
	snprintf(id, sizeof id, "%" PRId64, a->id);
	csv_field(o, id, ',');
	csv_field(o, when, ',');
	csv_field(o, a->who, ',');
	csv_field(o, a->role, ',');
	csv_field(o, a->client, ',');
	csv_field(o, a->action, ',');
	csv_field(o, a->target, ',');
	csv_field(o, a->before, ',');
	csv_field(o, a->after, '\r');
	csv_put(o, "\n", 1);
}

/* GET /api/v1/audit?who=&action=&from=&to=&limit=&format=json|csv. */
void
api_audit_list(struct req *r)
{
	const char *who = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "who");
	const char *action = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "action");
	const char *from = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "from");
	const char *to = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "to");
	const char *lim = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "limit");
	const char *format = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "format");
	struct store_audit_filter f;
	struct audit_out o;
	long long limit = 0;
	int csv;

	memset(&f, 0, sizeof f);
	memset(&o, 0, sizeof o);
	if (format == NULL || *format == '\0')
		format = "json";
	if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0) {
		api_error(r, 400, "bad_value", "Định dạng phải là json hoặc csv.");
		return;
	}
	csv = strcmp(format, "csv") == 0;
	if (from != NULL && *from != '\0' && (f.from = api_audit_day(from, 0)) < 0) {
		api_error(r, 400, "bad_value", "Ngày bắt đầu phải có dạng NNNN-TT-NN, ví dụ 2026-12-01.");
		return;
	}
	if (to != NULL && *to != '\0' && (f.to = api_audit_day(to, 1)) < 0) {
		api_error(r, 400, "bad_value", "Ngày kết thúc phải có dạng NNNN-TT-NN, ví dụ 2026-12-01.");
		return;
	}
	if (f.to > 0 && f.to <= f.from) {
		api_error(r, 400, "bad_value", "Ngày kết thúc phải từ ngày bắt đầu trở đi.");
		return;
	}
	if (lim != NULL && strnum_parse(lim, 1, 100000, &limit) != 0) {
		api_error(r, 400, "bad_value", "Tham số \"limit\" phải từ 1 đến 100000.");
		return;
	}
	if ((who != NULL && strlen(who) > 63) || (action != NULL && strlen(action) > 31)) {
		api_error(r, 400, "bad_value", "Bộ lọc người thực hiện hoặc thao tác quá dài.");
		return;
	}
	f.who = who;
	f.action = action;
	f.limit = limit > 0 ? (int)limit : csv ? 0 : 500;
	if (csv)
		csv_put(&o, "id,time,who,role,client,action,target,before,after\r\n", 52);
	else
		o.arr = cJSON_CreateArray();
	if (store_audit_list(core_store(r->a->core), &f, api_audit_row, &o) < 0) {
		cJSON_Delete(o.arr);
		free(o.csv);
		api_error(r, 500, "store_failed", "Không đọc được nhật ký thao tác.");
		return;
	}
	if (csv) {
		api_reply_raw(r, 200, "text/csv; charset=utf-8", o.csv);
		return;
	}
	{
		cJSON *ans = cJSON_CreateObject();

		cJSON_AddItemToObject(ans, "audit", o.arr);
		api_reply_json(r, 200, ans);
	}
}
