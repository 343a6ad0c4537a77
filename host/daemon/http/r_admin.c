/*
 * r_admin.c - settings changed live from the admin pages: the notice line
 * of the hall displays (GET/PUT /api/v1/notice; the core keeps it in the
 * store's meta, GET /api/v1/state serves it as "notice"), and the
 * configuration (GET/POST /api/v1/config: the centre's texts, the call
 * policy, departments, queues and counters; the core checks a change with
 * the INI's own rules, stores it as an override and swaps the new config in
 * after the commit).  Every change is audited in the same batch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/log.h"
#include "common/strnum.h"
#include "common/vntext.h"
#include "common/xmalloc.h"
#include "daemon/http/api_private.h"

#define API_NOTICE_CHARS 200

/*
 * After a committed notice or configuration change: end every event
 * stream.  Displays and consoles load the full state on every
 * (re)connection (DESIGN.md), so they show the change within the stream's
 * retry delay (2 s) without a new event type.
 */
static void
api_streams_restart(void *arg, int ok)
{
	if (ok)
		api_sse_restart(arg);
}

static cJSON *
api_notice_json(const char *text)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "notice", text);
	return o;
}

/* GET /api/v1/notice. */
void
api_notice_get(struct req *r)
{
	api_reply_json(r, 200, api_notice_json(core_notice(r->a->core)));
}

/* PUT /api/v1/notice {"notice":"…"}: "" clears it. */
void
api_notice_set(struct req *r)
{
	static const struct api_field spec[] = { { "notice", K_STR, 1 }, { NULL, 0, 0 } };
	const unsigned char *p;
	char *text = NULL, *before;
	cJSON *b;

	if ((b = api_body(r, spec)) == NULL)
		return;
	if ((text = vntext_nfc(api_str(b, "notice"))) == NULL) {
		api_error(r, 400, "bad_value", "Dòng thông báo không phải UTF-8 hợp lệ.");
		goto out;
	}
	for (p = (const unsigned char *)text; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f) {
			api_error(r, 400, "bad_value",
			    "Dòng thông báo chỉ có một dòng, không có ký tự điều khiển.");
			goto out;
		}
	if (vntext_length(text) > API_NOTICE_CHARS) {
		api_error(r, 400, "bad_value", "Dòng thông báo dài tối đa %d ký tự.",
		    API_NOTICE_CHARS);
		goto out;
	}
	before = xstrdup(core_notice(r->a->core));
	if (core_set_notice(r->a->core, text) != 0) {
		free(before);
		core_fail_batch(r->a->core);
		api_error(r, 500, "store_failed", "Không lưu được dòng thông báo.");
		goto out;
	}
	if (api_audit(r, "notice.set", "", api_notice_json(before),
	    api_notice_json(text)) != 0) {
		free(before);
		api_error(r, 500, "store_failed", "Không lưu được dòng thông báo.");
		goto out;
	}
	free(before);
	core_after_commit(r->a->core, api_streams_restart, r->a);
	api_reply_json(r, 200, api_notice_json(text));
out:
	free(text);
	cJSON_Delete(b);
}

/* ---- the live configuration -------------------------------------------------- */

/* The keys the admin pages may change, by section kind. */
static const struct {
	const char *kind;        /* the section's first word */
	const char *key;
	char type;               /* t text, T text not empty, i int, b bool, n numbers,
	                            s serves, d department */
	int min, max;
	const char *label;       /* for messages */
} api_config_keys[] = {
	{ "centre", "name", 'T', 0, 0, "tên trung tâm" },
	{ "centre", "address", 't', 0, 0, "địa chỉ" },
	{ "centre", "footer", 't', 0, 0, "dòng cuối vé" },
	{ "policy", "priority_interleave", 'i', 0, 100, "số lượt thường trước một lượt ưu tiên" },
	{ "policy", "priority_max_consecutive", 'i', 1, 100, "số lượt ưu tiên liên tiếp tối đa" },
	{ "policy", "target_override", 'b', 0, 0, "vé quá hạn được gọi trước" },
	{ "policy", "backup_past_target", 'b', 0, 0, "hàng dự phòng quá hạn được gọi trước" },
	{ "policy", "priority_first_free", 'b', 0, 0, "vé ưu tiên đến quầy rảnh đầu tiên" },
	{ "policy", "recall_limit", 'i', 0, 10, "số lần gọi lại" },
	{ "policy", "transfer_keeps_place", 'b', 0, 0, "chuyển giữ thứ tự" },
	{ "policy", "rating_window_s", 'i', 0, 3600, "thời gian đánh giá (giây)" },
	{ "policy", "daily_reset", 'b', 0, 0, "đánh số lại mỗi ngày" },
	{ "department", "name", 'T', 0, 0, "tên sở, ngành" },
	{ "queue", "name", 'T', 0, 0, "tên hàng đợi" },
	{ "queue", "numbers", 'n', 1, 9999, "dải số" },
	{ "queue", "target_wait", 'i', 1, 720, "thời gian chờ mục tiêu (phút)" },
	{ "queue", "service_time", 'i', 1, 480, "thời gian phục vụ ước tính (phút)" },
	{ "queue", "transfer_keeps_place", 'b', 0, 0, "chuyển đến giữ thứ tự" },
	{ "counter", "name", 'T', 0, 0, "tên quầy" },
	{ "counter", "area", 't', 0, 0, "khu vực" },
	{ "counter", "department", 'd', 0, 0, "sở, ngành" },
	{ "counter", "serves", 's', 0, 0, "hàng đợi phục vụ" },
};
#define API_NCONFIG_KEYS (int)(sizeof api_config_keys / sizeof api_config_keys[0])

/* The key's entry, or -1. */
static int
api_config_key(const char *section, const char *key)
{
	size_t n = strcspn(section, " ");
	int i;

	for (i = 0; i < API_NCONFIG_KEYS; i++)
		if (strlen(api_config_keys[i].kind) == n &&
		    strncmp(api_config_keys[i].kind, section, n) == 0 &&
		    strcmp(api_config_keys[i].key, key) == 0)
			return i;
	return -1;
}

/* Strict decimal in [min, max]. */
static int
api_config_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/*
 * Check one change the way a person can be told in Vietnamese; the INI's
 * parser checks everything again.  0, or -1 with msg.
 */
static int
api_config_check(const struct config *cfg, const struct config_override *o,
    char *msg, size_t msglen)
{
	int k, a, b, i;
	const char *lab, *v = o->value, *sp = strchr(o->section, ' ');

	if (strlen(o->section) > 100 || strlen(o->key) > 60 ||
	    !vntext_valid_utf8(o->section, strlen(o->section)) ||
	    !vntext_valid_utf8(o->key, strlen(o->key))) {
		snprintf(msg, msglen, "Tên mục hoặc tên khoá không hợp lệ.");
		return -1;
	}
	k = api_config_key(o->section, o->key);
	if (k < 0) {
		snprintf(msg, msglen, "Không sửa được \"%s\" của [%s] từ trang quản trị.",
		    o->key, o->section);
		return -1;
	}
	lab = api_config_keys[k].label;
	if (sp != NULL) {
		const char *id = sp + 1;
		int found = 0;
		long long num;

		if (strncmp(o->section, "queue ", 6) == 0)
			found = config_queue_index(cfg, id) >= 0;
		else if (strncmp(o->section, "department ", 11) == 0)
			found = config_department_index(cfg, id) >= 0;
		else if (strncmp(o->section, "counter ", 8) == 0)
			found = strnum_parse(id, 1, 99, &num) == 0 &&
			    config_counter_index(cfg, (int)num) >= 0;
		if (!found) {
			snprintf(msg, msglen, "Không có [%s] trong cấu hình.", o->section);
			return -1;
		}
	}
	if (!vntext_valid_utf8(v, strlen(v)) || strlen(v) > 1000) {
		snprintf(msg, msglen, "Giá trị %s không hợp lệ hoặc quá dài.", lab);
		return -1;
	}
	for (i = 0; v[i] != '\0'; i++)
		if ((unsigned char)v[i] < 0x20) {
			snprintf(msg, msglen, "Giá trị %s chỉ có một dòng.", lab);
			return -1;
		}
	if (v[0] == ' ' || (v[0] != '\0' && v[strlen(v) - 1] == ' ')) {
		snprintf(msg, msglen, "Giá trị %s không được bắt đầu hay kết thúc bằng dấu cách.", lab);
		return -1;
	}
	switch (api_config_keys[k].type) {
	case 'T':
		if (*v == '\0') {
			snprintf(msg, msglen, "Cần nhập %s.", lab);
			return -1;
		}
		break;
	case 'i':
		if (api_config_int(v, api_config_keys[k].min, api_config_keys[k].max, &a) != 0) {
			snprintf(msg, msglen, "Giá trị %s phải là số nguyên từ %d đến %d.", lab,
			    api_config_keys[k].min, api_config_keys[k].max);
			return -1;
		}
		break;
	case 'b':
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
			snprintf(msg, msglen, "Giá trị %s phải là yes hoặc no.", lab);
			return -1;
		}
		break;
	case 'n': {
		char first[8], last[8];
		const char *dash = strchr(v, '-');

		if (dash == NULL || dash - v >= (long)sizeof first || strlen(dash + 1) >= sizeof last) {
			snprintf(msg, msglen, "Dải số phải có dạng ĐẦU-CUỐI, ví dụ 1001-1499, trong khoảng 1-9999.");
			return -1;
		}
		memcpy(first, v, (size_t)(dash - v));
		first[dash - v] = '\0';
		snprintf(last, sizeof last, "%s", dash + 1);
		if (api_config_int(first, 1, 9999, &a) != 0 || api_config_int(last, 1, 9999, &b) != 0 ||
		    a > b) {
			snprintf(msg, msglen, "Dải số phải có dạng ĐẦU-CUỐI, ví dụ 1001-1499, trong khoảng 1-9999.");
			return -1;
		}
		for (i = 0; i < cfg->nqueues; i++) {
			const struct config_queue *q = &cfg->queues[i];

			if (strcmp(q->code, sp + 1) != 0 && a <= q->number_last && q->number_first <= b) {
				snprintf(msg, msglen, "Dải số %d-%d trùng với hàng đợi %s (%d-%d).",
				    a, b, q->code, q->number_first, q->number_last);
				return -1;
			}
		}
		break;
	}
	case 'd':
		if (config_department_index(cfg, v) < 0) {
			snprintf(msg, msglen, "Không có sở, ngành mã \"%.32s\".", v);
			return -1;
		}
		break;
	case 's': {
		char *copy = xstrdup(v), *item, *save = NULL;
		int n = 0, bad = 0;

		for (item = strtok_r(copy, ",", &save); item != NULL && !bad;
		    item = strtok_r(NULL, ",", &save)) {
			char *c, *e;

			while (*item == ' ')
				item++;
			for (e = item + strlen(item); e > item && e[-1] == ' ';)
				*--e = '\0';
			if ((c = strchr(item, ':')) != NULL) {
				*c++ = '\0';
				if (strcmp(c, "primary") != 0 && strcmp(c, "backup") != 0) {
					snprintf(msg, msglen, "Mức phục vụ phải là primary hoặc backup,"
					    " không phải \"%.16s\".", c);
					bad = 1;
					break;
				}
			}
			if (strcmp(item, "*") != 0 && config_queue_index(cfg, item) < 0) {
				snprintf(msg, msglen, "Không có hàng đợi mã \"%.32s\".", item);
				bad = 1;
			}
			n++;
		}
		free(copy);
		if (bad)
			return -1;
		if (n == 0) {
			snprintf(msg, msglen, "Quầy cần phục vụ ít nhất một hàng đợi.");
			return -1;
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

/* The value of section/key in INI text written by config_write_ini, or NULL
   (malloc'd). */
static char *
api_ini_value(const char *text, const char *section, const char *key)
{
	char head[160];
	const char *p, *end;
	size_t kl = strlen(key);

	snprintf(head, sizeof head, "\n[%s]\n", section);
	if ((p = strstr(text, head)) == NULL)
		return NULL;
	p += strlen(head);
	while (*p != '\0' && *p != '[') {
		end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > kl + 3 && strncmp(p, key, kl) == 0 &&
		    strncmp(p + kl, " = ", 3) == 0) {
			char *v = xmalloc((size_t)(end - p) - kl - 2);

			memcpy(v, p + kl + 3, (size_t)(end - p) - kl - 3);
			v[(end - p) - (long)kl - 3] = '\0';
			return v;
		}
		p = *end != '\0' ? end + 1 : end;
	}
	return xstrdup("");
}

static cJSON *
api_config_json(const struct config *cfg)
{
	cJSON *o = cJSON_CreateObject(), *arr, *x, *pol;
	const struct config_policy *p = &cfg->policy;
	char *text = config_write_ini(cfg, NULL, 0), *v;
	int i, j;

	x = cJSON_AddObjectToObject(o, "centre");
	cJSON_AddStringToObject(x, "name", cfg->centre_name);
	cJSON_AddStringToObject(x, "address", cfg->centre_address ? cfg->centre_address : "");
	cJSON_AddStringToObject(x, "footer", cfg->footer ? cfg->footer : "");
	pol = cJSON_AddObjectToObject(o, "policy");
	cJSON_AddNumberToObject(pol, "priority_interleave", p->priority_interleave);
	cJSON_AddNumberToObject(pol, "priority_max_consecutive", p->priority_max_consecutive);
	cJSON_AddBoolToObject(pol, "target_override", p->target_override);
	cJSON_AddBoolToObject(pol, "backup_past_target", p->backup_past_target);
	cJSON_AddBoolToObject(pol, "priority_first_free", p->priority_first_free);
	cJSON_AddNumberToObject(pol, "recall_limit", p->recall_limit);
	cJSON_AddBoolToObject(pol, "transfer_keeps_place", p->transfer_keeps_place);
	cJSON_AddNumberToObject(pol, "rating_window_s", p->rating_window_s);
	cJSON_AddBoolToObject(pol, "daily_reset", p->daily_reset);
	arr = cJSON_AddArrayToObject(o, "departments");
	for (i = 0; i < cfg->ndepartments; i++) {
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "code", cfg->departments[i].code);
		cJSON_AddStringToObject(x, "name", cfg->departments[i].name);
		cJSON_AddItemToArray(arr, x);
	}
	arr = cJSON_AddArrayToObject(o, "queues");
	for (i = 0; i < cfg->nqueues; i++) {
		const struct config_queue *q = &cfg->queues[i];
		char numbers[24];

		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "code", q->code);
		cJSON_AddStringToObject(x, "name", q->name);
		cJSON_AddStringToObject(x, "department", cfg->departments[q->department].code);
		snprintf(numbers, sizeof numbers, "%d-%d", q->number_first, q->number_last);
		cJSON_AddStringToObject(x, "numbers", numbers);
		cJSON_AddNumberToObject(x, "target_wait", q->target_wait_min);
		cJSON_AddNumberToObject(x, "service_time", q->service_min);
		cJSON_AddBoolToObject(x, "transfer_keeps_place", q->transfer_keeps_place < 0 ?
		    p->transfer_keeps_place : q->transfer_keeps_place);
		cJSON_AddItemToArray(arr, x);
	}
	arr = cJSON_AddArrayToObject(o, "counters");
	for (i = 0; i < cfg->ncounters; i++) {
		const struct config_counter *c = &cfg->counters[i];
		char section[32];
		cJSON *sv;

		x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "number", c->number);
		cJSON_AddStringToObject(x, "name", c->name);
		cJSON_AddStringToObject(x, "department", cfg->departments[c->department].code);
		cJSON_AddStringToObject(x, "area", c->area ? c->area : "");
		snprintf(section, sizeof section, "counter %d", c->number);
		v = api_ini_value(text, section, "serves");
		cJSON_AddStringToObject(x, "serves", v != NULL ? v : "");
		free(v);
		sv = cJSON_AddArrayToObject(x, "queues");
		for (j = 0; j < c->nserves; j++) {
			cJSON *s = cJSON_CreateObject();

			cJSON_AddStringToObject(s, "queue", cfg->queues[c->serves[j].queue].code);
			cJSON_AddStringToObject(s, "level", c->serves[j].level == CONFIG_BACKUP ?
			    "backup" : "primary");
			cJSON_AddItemToArray(sv, s);
		}
		cJSON_AddItemToArray(arr, x);
	}
	free(text);
	return o;
}

/* GET /api/v1/config: the live configuration (JSON), or ?format=ini. */
void
api_config_get(struct req *r)
{
	const char *format = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "format");
	const struct config *cfg = core_config(r->a->core);

	if (format == NULL || strcmp(format, "json") == 0)
		api_reply_json(r, 200, api_config_json(cfg));
	else if (strcmp(format, "ini") == 0)
		api_reply_raw(r, 200, "text/plain; charset=utf-8", config_write_ini(cfg, NULL, 0));
	else
		api_error(r, 400, "bad_value", "Định dạng phải là json hoặc ini.");
}

/*
 * POST /api/v1/config {"changes":[{"section":"counter 3","key":"serves",
 * "value":"TP-HT, *:backup"}, ...]}: every change or none; audited with the
 * values before and after; applied live once committed.
 */
void
api_config_set(struct req *r)
{
	const struct config *cfg = core_config(r->a->core);
	struct config_override ov[32];
	char msg[512], *text;
	const cJSON *arr, *x;
	cJSON *b, *before, *after;
	int n = 0, rc;

	if ((b = cJSON_ParseWithLength(r->body != NULL ? r->body : "", r->len)) == NULL ||
	    !cJSON_IsObject(b)) {
		cJSON_Delete(b);
		api_error(r, 400, "invalid_json", "Nội dung yêu cầu phải là một đối tượng JSON.");
		return;
	}
	arr = cJSON_GetObjectItemCaseSensitive(b, "changes");
	if (cJSON_GetArraySize(b) != 1 || !cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1 ||
	    cJSON_GetArraySize(arr) > (int)(sizeof ov / sizeof ov[0])) {
		cJSON_Delete(b);
		api_error(r, 400, "bad_value", "Cần \"changes\": từ 1 đến 32 thay đổi.");
		return;
	}
	cJSON_ArrayForEach(x, arr) {
		const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "section"));
		const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "key"));
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "value"));

		if (!cJSON_IsObject(x) || cJSON_GetArraySize(x) != 3 || s == NULL || k == NULL ||
		    v == NULL) {
			cJSON_Delete(b);
			api_error(r, 400, "bad_type", "Mỗi thay đổi gồm đúng ba chuỗi \"section\","
			    " \"key\" và \"value\".");
			return;
		}
		ov[n].section = s;
		ov[n].key = k;
		ov[n].value = v;
		if (api_config_check(cfg, &ov[n], msg, sizeof msg) != 0) {
			cJSON_Delete(b);
			api_error(r, 400, "bad_value", "%s", msg);
			return;
		}
		n++;
	}
	text = config_write_ini(cfg, NULL, 0);
	before = cJSON_CreateObject();
	after = cJSON_CreateObject();
	for (rc = 0; rc < n; rc++) {
		char name[200], *v = api_ini_value(text, ov[rc].section, ov[rc].key);

		snprintf(name, sizeof name, "[%s] %s", ov[rc].section, ov[rc].key);
		cJSON_AddItemToObject(before, name, cJSON_CreateString(v != NULL ? v : ""));
		cJSON_AddItemToObject(after, name, cJSON_CreateString(ov[rc].value));
		free(v);
	}
	free(text);
	if ((rc = core_change_config(r->a->core, ov, n, msg, sizeof msg)) != 0) {
		const char *detail = msg;

		cJSON_Delete(before);
		cJSON_Delete(after);
		cJSON_Delete(b);
		if (strncmp(detail, "(live):", 7) == 0 && (detail = strstr(detail + 7, ": ")) != NULL)
			detail += 2;
		else
			detail = msg;
		if (rc == -CORE_EBADINPUT)
			api_error(r, 400, "bad_value", "Cấu hình mới không hợp lệ (%s); không có gì"
			    " thay đổi.", detail);
		else
			api_error(r, 500, "store_failed", "%s", msg);
		return;
	}
	if (api_audit(r, "config.change", ov[0].section, before, after) != 0) {
		cJSON_Delete(b);
		api_error(r, 500, "store_failed", "Không ghi được cấu hình.");
		return;
	}
	cJSON_Delete(b);
	core_after_commit(r->a->core, api_streams_restart, r->a);
	{
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "changed", n);
		api_reply_json(r, 200, o);
	}
}

/* ---- the procedure catalogue: preview of an import, one procedure edited ---- */

static int
api_str_differs(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") != 0;
}

/* The names of p's fields that differ from q's into arr. */
static void
api_proc_diff(const struct config *cfg, const struct config_procedure *p,
    const struct config_procedure *q, cJSON *arr)
{
	if (api_str_differs(p->name, q->name))
		cJSON_AddItemToArray(arr, cJSON_CreateString("name"));
	if (p->department != q->department)
		cJSON_AddItemToArray(arr, cJSON_CreateString("department"));
	if (api_str_differs(p->field, q->field))
		cJSON_AddItemToArray(arr, cJSON_CreateString("field"));
	if (strcmp(cfg->queues[p->queue].code, cfg->queues[q->queue].code) != 0)
		cJSON_AddItemToArray(arr, cJSON_CreateString("queue"));
	if (p->target_wait_min != q->target_wait_min)
		cJSON_AddItemToArray(arr, cJSON_CreateString("target_wait_min"));
	if (api_str_differs(p->fee, q->fee))
		cJSON_AddItemToArray(arr, cJSON_CreateString("fee"));
	if (api_str_differs(p->processing_time, q->processing_time))
		cJSON_AddItemToArray(arr, cJSON_CreateString("processing_time"));
	if (api_str_differs(p->documents, q->documents))
		cJSON_AddItemToArray(arr, cJSON_CreateString("documents"));
	if (api_str_differs(p->keywords, q->keywords))
		cJSON_AddItemToArray(arr, cJSON_CreateString("keywords"));
}

static cJSON *
api_proc_brief(const struct config_procedure *p)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "code", p->code);
	cJSON_AddStringToObject(o, "name", p->name);
	return o;
}

/* Index of code in procs[0..n-1], or -1 (linear: ~1,500 codes). */
static int
api_proc_find(const struct config_procedure *procs, int n, const char *code)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(procs[i].code, code) == 0)
			return i;
	return -1;
}

/*
 * POST /api/v1/procedures/import/preview: the CSV in the body checked as an
 * import would check it, and what it would change (added, removed, changed
 * with the fields), without changing anything.
 */
void
api_import_preview(struct req *r)
{
	const struct config *cfg = core_config(r->a->core);
	struct config_procedure *procs;
	cJSON *o, *added, *removed, *changed;
	char err[512];
	int n, i, j, same = 0;

	if (config_parse_catalogue(cfg, r->body != NULL ? r->body : "", r->len, "import",
	    &procs, &n, err, sizeof err) != 0) {
		api_error(r, 400, "bad_row", "%s", err);
		return;
	}
	if (n == 0) {
		config_procedures_free(procs, n);
		api_error(r, 400, "bad_row", "Tệp danh mục không có thủ tục nào.");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "procedures", n);
	cJSON_AddNumberToObject(o, "current", cfg->nprocedures);
	added = cJSON_AddArrayToObject(o, "added");
	removed = cJSON_AddArrayToObject(o, "removed");
	changed = cJSON_AddArrayToObject(o, "changed");
	for (i = 0; i < n; i++) {
		if ((j = config_procedure_index(cfg, procs[i].code)) < 0) {
			cJSON_AddItemToArray(added, api_proc_brief(&procs[i]));
			continue;
		}
		{
			cJSON *x = api_proc_brief(&procs[i]);
			cJSON *f = cJSON_AddArrayToObject(x, "fields");

			api_proc_diff(cfg, &cfg->procedures[j], &procs[i], f);
			if (cJSON_GetArraySize(f) > 0) {
				cJSON_AddStringToObject(x, "old_name", cfg->procedures[j].name);
				cJSON_AddItemToArray(changed, x);
			} else {
				cJSON_Delete(x);
				same++;
			}
		}
	}
	for (j = 0; j < cfg->nprocedures; j++)
		if (api_proc_find(procs, n, cfg->procedures[j].code) < 0)
			cJSON_AddItemToArray(removed, api_proc_brief(&cfg->procedures[j]));
	cJSON_AddNumberToObject(o, "unchanged", same);
	config_procedures_free(procs, n);
	api_reply_json(r, 200, o);
}

/* A procedure as the admin edits it (the raw target: 0 = the queue's). */
static cJSON *
api_proc_admin_json(const struct config *cfg, const struct config_procedure *p)
{
	cJSON *o = api_proc_brief(p);

	cJSON_AddStringToObject(o, "department", cfg->departments[p->department].code);
	cJSON_AddStringToObject(o, "field", p->field ? p->field : "");
	cJSON_AddStringToObject(o, "queue", cfg->queues[p->queue].code);
	cJSON_AddNumberToObject(o, "target_wait_min", p->target_wait_min);
	cJSON_AddStringToObject(o, "fee", p->fee ? p->fee : "");
	cJSON_AddStringToObject(o, "processing_time", p->processing_time ? p->processing_time : "");
	cJSON_AddStringToObject(o, "documents", p->documents ? p->documents : "");
	cJSON_AddStringToObject(o, "keywords", p->keywords ? p->keywords : "");
	return o;
}

/*
 * PATCH /api/v1/procedures/{code}: any of name, field, queue (its department
 * follows), target_wait_min (0 = the queue's), fee, processing_time,
 * documents, keywords.  The catalogue is written out with the one change and
 * imported through the core like any import (checked whole, replaced, the
 * file rewritten durably); audited with the procedure before and after.
 */
void
api_procedure_change(struct req *r)
{
	static const struct api_field spec[] = {
		{ "name", K_STR, 0 }, { "field", K_STR, 0 }, { "queue", K_STR, 0 },
		{ "target_wait_min", K_INT, 0 }, { "fee", K_STR, 0 },
		{ "processing_time", K_STR, 0 }, { "documents", K_STR, 0 },
		{ "keywords", K_STR, 0 }, { NULL, 0, 0 } };
	const struct config *cfg = core_config(r->a->core);
	struct config_procedure *copy, np;
	const char *s;
	char err[512], *text;
	cJSON *b, *before, *after;
	int i, n, rc, q;

	if ((i = config_procedure_index(cfg, r->arg[0])) < 0) {
		api_error(r, 404, "not_found", "Không có thủ tục mã \"%.32s\".", r->arg[0]);
		return;
	}
	if ((b = api_body(r, spec)) == NULL)
		return;
	np = cfg->procedures[i];
	if ((s = api_str(b, "name")) != NULL) {
		if (*s == '\0') {
			api_error(r, 400, "bad_value", "Cần nhập tên thủ tục.");
			goto out;
		}
		np.name = (char *)s;
	}
	if ((s = api_str(b, "field")) != NULL)
		np.field = (char *)s;
	if ((s = api_str(b, "queue")) != NULL) {
		if ((q = config_queue_index(cfg, s)) < 0) {
			api_error(r, 400, "bad_value", "Không có hàng đợi mã \"%.32s\".", s);
			goto out;
		}
		np.queue = q;
		np.department = cfg->queues[q].department;
	}
	if (cJSON_GetObjectItemCaseSensitive(b, "target_wait_min") != NULL) {
		np.target_wait_min = api_int(b, "target_wait_min", -1);
		if (np.target_wait_min < 0 || np.target_wait_min > 720) {
			api_error(r, 400, "bad_value", "Thời gian chờ mục tiêu là 0 (theo hàng"
			    " đợi) hoặc từ 1 đến 720 phút.");
			goto out;
		}
	}
	if ((s = api_str(b, "fee")) != NULL)
		np.fee = (char *)s;
	if ((s = api_str(b, "processing_time")) != NULL)
		np.processing_time = (char *)s;
	if ((s = api_str(b, "documents")) != NULL)
		np.documents = (char *)s;
	if ((s = api_str(b, "keywords")) != NULL)
		np.keywords = (char *)s;
	before = api_proc_admin_json(cfg, &cfg->procedures[i]);
	copy = xreallocarray(NULL, (size_t)cfg->nprocedures, sizeof *copy);
	memcpy(copy, cfg->procedures, (size_t)cfg->nprocedures * sizeof *copy);
	copy[i] = np;
	text = config_write_catalogue(cfg, copy, cfg->nprocedures);
	free(copy);
	rc = core_import_catalogue(r->a->core, text, strlen(text), &n, err, sizeof err);
	free(text);
	if (rc != 0) {
		cJSON_Delete(before);
		if (rc == -CORE_EBADINPUT)
			api_error(r, 400, "bad_value", "Thủ tục không hợp lệ (%s); không có gì"
			    " thay đổi.", err);
		else
			api_error(r, 500, "store_failed", "%s", err);
		goto out;
	}
	cfg = core_config(r->a->core);
	i = config_procedure_index(cfg, r->arg[0]);
	after = i >= 0 ? api_proc_admin_json(cfg, &cfg->procedures[i]) : NULL;
	if (api_audit(r, "catalogue.edit", r->arg[0], before, after) != 0)
		log_warnx("audit: the edit of procedure %s is not in the log", r->arg[0]);
	api_reply_json(r, 200, i >= 0 ? api_proc_admin_json(cfg, &cfg->procedures[i]) :
	    cJSON_CreateObject());
out:
	cJSON_Delete(b);
}
