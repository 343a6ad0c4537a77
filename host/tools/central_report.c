/*
 * central_report.c - the province's figures as people and programs read
 * them: the dashboard page (every centre side by side, live and over a date
 * range, per centre, department and procedure, late service highlighted),
 * the printable report, the CSV (UTF-8 with BOM, CRLF, seconds and decimal
 * points, as the centres' own CSV) and the JSON.  The definitions are the
 * centres' own (host/docs/stats.md); the SQL is central_db.c's.
 *
 * Late: a group whose service level is below central_sl_goal (80 % unless
 * --sl-goal), or whose P90 wait is over its target (the largest target of
 * the group's queues); live, a centre with a ticket waiting longer than its
 * queue's target.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "common/xmalloc.h"
#include "tools/central.h"

double central_sl_goal = 80.0;

/* Columns of CQ_REPORT. */
enum { R_G, R_CENTRE, R_CNAME, R_KEY, R_LABEL, R_ISSUED, R_SERVED, R_NOSHOW, R_NOSHOW_PCT,
	R_WAIT_N, R_WAIT_MEAN, R_WAIT_MEDIAN, R_WAIT_P90, R_WAIT_MAX, R_SERVICE_MEAN, R_SL_N,
	R_SL_IN, R_SL_PCT, R_RATING_N, R_SATISFIED, R_TARGET };
/* Columns of CQ_LIVE. */
enum { L_CODE, L_NAME, L_ACKED, L_RECEIVED, L_DAY, L_WAITING, L_LONGEST, L_OVER, L_OPEN };
/* GROUPING() of the three breakdowns. */
enum { G_DEPARTMENT = 1, G_PROCEDURE = 2, G_CENTRE = 3 };

/* ---- text ---------------------------------------------------------------- */

void
buf_init(struct buf *b)
{
	b->cap = 16384;
	b->len = 0;
	b->p = xmalloc(b->cap);
	b->p[0] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 1;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
}

/* Append n bytes of s. */
static void
buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_html(struct buf *b, const char *s)
{
	size_t n;

	/* runs of plain bytes at once: a year's page has 18,000 rows */
	while (*s != '\0') {
		n = strcspn(s, "&<>\"'");
		buf_put(b, s, n);
		s += n;
		switch (*s) {
		case '&': buf_put(b, "&amp;", 5); break;
		case '<': buf_put(b, "&lt;", 4); break;
		case '>': buf_put(b, "&gt;", 4); break;
		case '"': buf_put(b, "&quot;", 6); break;
		case '\'': buf_put(b, "&#39;", 5); break;
		default: return;
		}
		s++;
	}
}

void
buf_csv(struct buf *b, const char *s)
{
	int formula = strchr("=+-@", s[0]) != NULL && s[0] != '\0';

	if (!formula && strpbrk(s, ",\"\r\n") == NULL) {
		buf_printf(b, "%s", s);
		return;
	}
	buf_printf(b, "\"%s", formula ? "'" : "");
	for (; *s != '\0'; s++)
		buf_put(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
	buf_printf(b, "\"");
}

/* ---- values ---------------------------------------------------------------- */

static int
isnull(PGresult *r, int i, int j)
{
	return PQgetisnull(r, i, j);
}

static double
num(PGresult *r, int i, int j)
{
	return isnull(r, i, j) ? NAN : strtod(PQgetvalue(r, i, j), NULL);
}

/* Whether report row i is late (see the head of the file). */
static int
row_late(PGresult *r, int i)
{
	double sl = num(r, i, R_SL_PCT), p90 = num(r, i, R_WAIT_P90), t = num(r, i, R_TARGET);

	return (!isnan(sl) && sl < central_sl_goal) || (!isnan(p90) && !isnan(t) && p90 > t);
}

/* A count with a dot between thousands. */
static void
put_int(struct buf *b, PGresult *r, int i, int j)
{
	const char *s = PQgetvalue(r, i, j);
	size_t n = strlen(s), k;

	if (isnull(r, i, j)) {
		buf_printf(b, "—");
		return;
	}
	for (k = 0; k < n; k++) {
		buf_put(b, s + k, 1);
		if (s[k] != '-' && (n - k - 1) % 3 == 0 && k + 1 < n)
			buf_put(b, ".", 1);
	}
}

/* Seconds as m:ss (minutes may pass 59), "—" when null. */
static void
put_dur(struct buf *b, PGresult *r, int i, int j)
{
	long s;

	if (isnull(r, i, j)) {
		buf_printf(b, "—");
		return;
	}
	s = lround(num(r, i, j));
	buf_printf(b, "%ld:%02ld", s / 60, s % 60);
}

/* A percentage with a decimal comma. */
static void
put_pct(struct buf *b, PGresult *r, int i, int j)
{
	char t[32], *c;

	if (isnull(r, i, j)) {
		buf_printf(b, "—");
		return;
	}
	snprintf(t, sizeof t, "%.1f", num(r, i, j));
	if ((c = strchr(t, '.')) != NULL)
		*c = ',';
	buf_printf(b, "%s %%", t);
}

/* dd/mm/yyyy of YYYY-MM-DD. */
static void
put_day(struct buf *b, const char *d)
{
	buf_printf(b, "%.2s/%.2s/%.4s", d + 8, d + 5, d);
}

/* ---- the page -------------------------------------------------------------- */

static const char page_css[] =
    "body{font-family:'Noto Sans',sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "td,th{border:1px solid #bbb;padding:.25em .5em;text-align:right}"
    "td.t,th.t{text-align:left}th{background:#eef}"
    "tr.late td{background:#fde2e2}td.flag{color:#a00;font-weight:bold}"
    "header{display:flex;gap:1em;align-items:center;justify-content:flex-end}"
    "form.range{margin:1em 0}p.notes{font-size:.9em;max-width:60em}"
    "@page{size:A4 landscape;margin:12mm}"
    "@media print{header,form,nav,.noprint{display:none}body{margin:0;font-size:9pt}"
    "tr.late td{background:#fde2e2;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "h2{break-after:avoid}tr{break-inside:avoid}}";

/* The range table's figure columns: heading, column of the query, how shown. */
static const struct {
	const char *head;
	int col;
	void (*put)(struct buf *, PGresult *, int, int);
} range_cols[] = {
	{ "Đã cấp số", R_ISSUED, put_int },
	{ "Đã phục vụ", R_SERVED, put_int },
	{ "Vắng mặt", R_NOSHOW, put_int },
	{ "Tỷ lệ vắng mặt", R_NOSHOW_PCT, put_pct },
	{ "Chờ TB (phút:giây)", R_WAIT_MEAN, put_dur },
	{ "Chờ trung vị", R_WAIT_MEDIAN, put_dur },
	{ "Chờ P90", R_WAIT_P90, put_dur },
	{ "Chờ lâu nhất", R_WAIT_MAX, put_dur },
	{ "Phục vụ TB", R_SERVICE_MEAN, put_dur },
	{ "Đạt chuẩn", R_SL_PCT, put_pct },
	{ "Mục tiêu chờ", R_TARGET, put_dur },
	{ "Hài lòng", R_SATISFIED, put_pct },
};

static void
range_table(struct buf *b, PGresult *r, int g, const char *id, const char *keyhead)
{
	size_t k;
	int i;

	buf_printf(b, "<table id=\"%s\"><thead><tr><th class=\"t\">Trung tâm</th>", id);
	if (keyhead != NULL)
		buf_printf(b, "<th class=\"t\">%s</th>", keyhead);
	for (k = 0; k < sizeof range_cols / sizeof range_cols[0]; k++)
		buf_printf(b, "<th>%s</th>", range_cols[k].head);
	buf_printf(b, "<th>Cảnh báo</th>");
	buf_printf(b, "</tr></thead><tbody>\n");
	for (i = 0; i < PQntuples(r); i++) {
		int late;

		if (atoi(PQgetvalue(r, i, R_G)) != g)
			continue;
		late = row_late(r, i);
		buf_printf(b, "<tr%s data-centre=\"", late ? " class=\"late\"" : "");
		buf_html(b, PQgetvalue(r, i, R_CENTRE));
		buf_printf(b, "\" data-key=\"");
		buf_html(b, PQgetvalue(r, i, R_KEY));
		buf_printf(b, "\"><td class=\"t\">");
		buf_html(b, PQgetvalue(r, i, R_CNAME));
		buf_printf(b, "</td>");
		if (keyhead != NULL) {
			buf_printf(b, "<td class=\"t\">");
			buf_html(b, PQgetvalue(r, i, R_LABEL));
			buf_printf(b, "</td>");
		}
		for (k = 0; k < sizeof range_cols / sizeof range_cols[0]; k++) {
			buf_printf(b, "<td>");
			range_cols[k].put(b, r, i, range_cols[k].col);
			buf_printf(b, "</td>");
		}
		buf_printf(b, "<td class=\"flag\">%s</td></tr>\n", late ? "Chậm" : "");
	}
	buf_printf(b, "</tbody></table>\n");
}

static void
live_table(struct buf *b, PGresult *l)
{
	int i;

	buf_printf(b, "<h2>Ngay lúc này</h2><table id=\"live\"><thead><tr>"
	    "<th class=\"t\">Trung tâm</th><th>Ngày phục vụ</th><th>Đang chờ</th>"
	    "<th>Quầy đang mở</th><th>Chờ lâu nhất hiện tại (phút:giây)</th>"
	    "<th>Vé quá mục tiêu</th><th>Sự kiện đã nhận</th><th class=\"t\">Nhận lần cuối</th>"
	    "</tr></thead><tbody>\n");
	for (i = 0; i < PQntuples(l); i++) {
		int over = atoi(PQgetvalue(l, i, L_OVER)) > 0;

		buf_printf(b, "<tr%s data-centre=\"", over ? " class=\"late\"" : "");
		buf_html(b, PQgetvalue(l, i, L_CODE));
		buf_printf(b, "\"><td class=\"t\">");
		buf_html(b, PQgetvalue(l, i, L_NAME));
		buf_printf(b, " (");
		buf_html(b, PQgetvalue(l, i, L_CODE));
		buf_printf(b, ")</td><td>");
		put_day(b, PQgetvalue(l, i, L_DAY));
		buf_printf(b, "</td><td>"); put_int(b, l, i, L_WAITING);
		buf_printf(b, "</td><td>"); put_int(b, l, i, L_OPEN);
		buf_printf(b, "</td><td>"); put_dur(b, l, i, L_LONGEST);
		buf_printf(b, "</td><td>"); put_int(b, l, i, L_OVER);
		buf_printf(b, "</td><td>"); put_int(b, l, i, L_ACKED);
		buf_printf(b, "</td><td class=\"t\">");
		buf_html(b, isnull(l, i, L_RECEIVED) ? "—" : PQgetvalue(l, i, L_RECEIVED));
		buf_printf(b, "</td></tr>\n");
	}
	buf_printf(b, "</tbody></table>\n");
}

/* The live figures of r's centres now; NULL with err. */
static PGresult *
live_query(const struct central_range *rg, char *err, size_t errlen)
{
	char now[32], today[16], hour[8];
	const char *v[4] = { now, today, hour, rg->centre[0] != '\0' ? rg->centre : NULL };
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	snprintf(now, sizeof now, "%lld", (long long)t);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	snprintf(hour, sizeof hour, "%d", tm.tm_hour);
	return central_db_run(CQ_LIVE, 4, v, err, errlen);
}

static PGresult *
report_query(const struct central_range *rg, char *err, size_t errlen)
{
	const char *v[3] = { rg->from, rg->to, rg->centre[0] != '\0' ? rg->centre : NULL };

	return central_db_run(CQ_REPORT, 3, v, err, errlen);
}

static void
range_link(struct buf *b, const char *path, const struct central_range *rg)
{
	buf_printf(b, "%s?from=%s&amp;to=%s", path, rg->from, rg->to);
	if (rg->centre[0] != '\0')
		buf_printf(b, "&amp;centre=%s", rg->centre);
}

int
central_page(struct buf *b, const struct central_range *rg, const struct central_user *u,
    const char *csrf, int print, char *err, size_t errlen)
{
	PGresult *r, *l = NULL, *c = NULL;
	char made[32];
	time_t t = time(NULL);
	struct tm tm;
	int i;

	if ((r = report_query(rg, err, errlen)) == NULL)
		return -1;
	if (!print && (l = live_query(rg, err, errlen)) == NULL) {
		PQclear(r);
		return -1;
	}
	if (!print && u->province && (c = central_db_run(CQ_CENTRES, 0, NULL, err, errlen)) == NULL) {
		PQclear(r);
		PQclear(l);
		return -1;
	}
	localtime_r(&t, &tm);
	strftime(made, sizeof made, "%H:%M ngày %d/%m/%Y", &tm);
	buf_printf(b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<title>%s: các trung tâm phục vụ hành chính công</title><style>%s</style></head>"
	    "<body%s>\n", print ? "Báo cáo" : "Toàn tỉnh", page_css, print ? " class=\"print\"" : "");
	if (!print) {
		buf_printf(b, "<header><span id=\"who\">");
		buf_html(b, u->name);
		buf_printf(b, " — %s", u->province ? "cả tỉnh" : "trung tâm ");
		if (!u->province)
			buf_html(b, u->centre);
		buf_printf(b, "</span><form method=\"post\" action=\"/logout\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button>Đăng xuất</button></form></header>\n", csrf);
	}
	buf_printf(b, "<h1>Các trung tâm phục vụ hành chính công, từ ngày ");
	put_day(b, rg->from);
	buf_printf(b, " đến ngày ");
	put_day(b, rg->to);
	buf_printf(b, "</h1>\n");
	if (print) {
		buf_printf(b, "<p>Lập lúc %s.%s", made, rg->centre[0] != '\0' ? " Trung tâm: " : "");
		buf_html(b, rg->centre);
		buf_printf(b, "</p>\n");
	} else {
		buf_printf(b, "<form class=\"range\" id=\"range\" method=\"get\" action=\"/\">"
		    "<label>Từ ngày <input name=\"from\" type=\"date\" value=\"%s\" required></label> "
		    "<label>Đến ngày <input name=\"to\" type=\"date\" value=\"%s\" required></label> ",
		    rg->from, rg->to);
		if (c != NULL) {
			buf_printf(b, "<label>Trung tâm <select name=\"centre\">"
			    "<option value=\"\">Tất cả</option>");
			for (i = 0; i < PQntuples(c); i++) {
				buf_printf(b, "<option value=\"");
				buf_html(b, PQgetvalue(c, i, 0));
				buf_printf(b, "\"%s>", strcmp(PQgetvalue(c, i, 0), rg->centre) == 0 ?
				    " selected" : "");
				buf_html(b, PQgetvalue(c, i, 1));
				buf_printf(b, "</option>");
			}
			buf_printf(b, "</select></label> ");
		}
		buf_printf(b, "<button>Xem</button></form>\n<nav><a id=\"csv\" href=\"");
		range_link(b, "/report.csv", rg);
		buf_printf(b, "\">Tải về CSV</a> · <a id=\"print\" href=\"");
		range_link(b, "/print", rg);
		buf_printf(b, "\">Bản in</a></nav>\n");
		live_table(b, l);
	}
	buf_printf(b, "<h2>Theo trung tâm</h2>\n");
	range_table(b, r, G_CENTRE, "centres", NULL);
	buf_printf(b, "<h2>Theo phòng ban</h2>\n");
	range_table(b, r, G_DEPARTMENT, "departments", "Phòng ban");
	buf_printf(b, "<h2>Theo thủ tục</h2>\n");
	range_table(b, r, G_PROCEDURE, "procedures", "Thủ tục");
	buf_printf(b, "<p class=\"notes\">Thời gian chờ = lần gọi cuối − lúc bắt đầu chờ (lấy số"
	    " hoặc được chuyển đến hàng đợi); thời gian phục vụ = lúc kết thúc − lúc bắt đầu"
	    " phục vụ; đạt chuẩn = số lượt phục vụ xong có thời gian chờ không quá mục tiêu của"
	    " hàng đợi / số lượt phục vụ xong; tỷ lệ vắng mặt = số vé vắng mặt / số vé đã cấp;"
	    " hài lòng = đánh giá «rất hài lòng» và «hài lòng» / số đánh giá; trung vị và P90"
	    " theo hạng gần nhất. Một vé thuộc ngày phục vụ lúc lấy số. Thời gian ghi phút:giây."
	    " <b>Chậm</b> (tô đỏ): đạt chuẩn dưới %.0f %% hoặc chờ P90 quá mục tiêu chờ"
	    " (mục tiêu lớn nhất của các hàng đợi trong nhóm); ngay lúc này: có vé đang chờ quá"
	    " mục tiêu của hàng đợi.</p>\n</body></html>\n", central_sl_goal);
	PQclear(r);
	PQclear(l);
	PQclear(c);
	return 0;
}

/* ---- CSV ------------------------------------------------------------------- */

static const char csv_header[] =
    "Nhóm,Mã trung tâm,Trung tâm,Mã,Tên,Đã cấp số,Đã phục vụ,Vắng mặt,"
    "Tỷ lệ vắng mặt (%; dấu thập phân là dấu chấm),Số lượt chờ,Chờ trung bình (giây),"
    "Chờ trung vị (giây),Chờ phân vị 90 (giây),Chờ lâu nhất (giây),"
    "Phục vụ trung bình (giây),Lượt tính chuẩn,Đạt chuẩn,Tỷ lệ đạt chuẩn (%),"
    "Số đánh giá,Hài lòng (%),Mục tiêu chờ (giây),Chậm\r\n";

int
central_csv(struct buf *b, const struct central_range *rg, char *err, size_t errlen)
{
	static const char *const kind[] = { [G_CENTRE] = "Trung tâm",
		[G_DEPARTMENT] = "Phòng ban", [G_PROCEDURE] = "Thủ tục" };
	PGresult *r = report_query(rg, err, errlen);
	int i, j, g;

	if (r == NULL)
		return -1;
	buf_printf(b, "\xEF\xBB\xBF%s", csv_header);
	for (i = 0; i < PQntuples(r); i++) {
		g = atoi(PQgetvalue(r, i, R_G));
		buf_printf(b, "%s", g >= 1 && g <= 3 ? kind[g] : "");
		for (j = R_CENTRE; j <= R_TARGET; j++) {
			buf_printf(b, ",");
			buf_csv(b, PQgetvalue(r, i, j));
		}
		buf_printf(b, ",%s\r\n", row_late(r, i) ? "có" : "không");
	}
	PQclear(r);
	return 0;
}

/* ---- JSON ------------------------------------------------------------------ */

static void
jnum(cJSON *o, const char *name, PGresult *r, int i, int j)
{
	if (isnull(r, i, j))
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddNumberToObject(o, name, num(r, i, j));
}

static cJSON *
json_group(PGresult *r, int i)
{
	cJSON *o = cJSON_CreateObject(), *x;

	cJSON_AddStringToObject(o, "centre", PQgetvalue(r, i, R_CENTRE));
	cJSON_AddStringToObject(o, "centre_name", PQgetvalue(r, i, R_CNAME));
	cJSON_AddStringToObject(o, "key", PQgetvalue(r, i, R_KEY));
	cJSON_AddStringToObject(o, "label", PQgetvalue(r, i, R_LABEL));
	jnum(o, "issued", r, i, R_ISSUED);
	jnum(o, "served", r, i, R_SERVED);
	jnum(o, "no_show", r, i, R_NOSHOW);
	jnum(o, "no_show_pct", r, i, R_NOSHOW_PCT);
	x = cJSON_AddObjectToObject(o, "wait");
	jnum(x, "n", r, i, R_WAIT_N);
	jnum(x, "mean_s", r, i, R_WAIT_MEAN);
	jnum(x, "median_s", r, i, R_WAIT_MEDIAN);
	jnum(x, "p90_s", r, i, R_WAIT_P90);
	jnum(x, "max_s", r, i, R_WAIT_MAX);
	x = cJSON_AddObjectToObject(o, "service");
	jnum(x, "mean_s", r, i, R_SERVICE_MEAN);
	x = cJSON_AddObjectToObject(o, "service_level");
	jnum(x, "n", r, i, R_SL_N);
	jnum(x, "within", r, i, R_SL_IN);
	jnum(x, "pct", r, i, R_SL_PCT);
	x = cJSON_AddObjectToObject(o, "rating");
	jnum(x, "n", r, i, R_RATING_N);
	jnum(x, "satisfied_pct", r, i, R_SATISFIED);
	jnum(o, "target_s", r, i, R_TARGET);
	cJSON_AddBoolToObject(o, "late", row_late(r, i));
	return o;
}

int
central_json(struct buf *b, const struct central_range *rg, char *err, size_t errlen)
{
	PGresult *r, *l;
	cJSON *o, *arr[4], *x;
	char *s;
	int i;

	if ((r = report_query(rg, err, errlen)) == NULL)
		return -1;
	if ((l = live_query(rg, err, errlen)) == NULL) {
		PQclear(r);
		return -1;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "from", rg->from);
	cJSON_AddStringToObject(o, "to", rg->to);
	cJSON_AddNumberToObject(o, "sl_goal_pct", central_sl_goal);
	x = cJSON_AddArrayToObject(o, "live");
	for (i = 0; i < PQntuples(l); i++) {
		cJSON *c = cJSON_CreateObject();

		cJSON_AddStringToObject(c, "code", PQgetvalue(l, i, L_CODE));
		cJSON_AddStringToObject(c, "name", PQgetvalue(l, i, L_NAME));
		cJSON_AddStringToObject(c, "day", PQgetvalue(l, i, L_DAY));
		jnum(c, "waiting", l, i, L_WAITING);
		jnum(c, "open_counters", l, i, L_OPEN);
		jnum(c, "longest_wait_s", l, i, L_LONGEST);
		jnum(c, "over_target", l, i, L_OVER);
		jnum(c, "acked", l, i, L_ACKED);
		cJSON_AddItemToArray(x, c);
	}
	arr[G_CENTRE] = cJSON_AddArrayToObject(o, "centres");
	arr[G_DEPARTMENT] = cJSON_AddArrayToObject(o, "departments");
	arr[G_PROCEDURE] = cJSON_AddArrayToObject(o, "procedures");
	for (i = 0; i < PQntuples(r); i++) {
		int g = atoi(PQgetvalue(r, i, R_G));

		if (g >= 1 && g <= 3)
			cJSON_AddItemToArray(arr[g], json_group(r, i));
	}
	PQclear(r);
	PQclear(l);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	buf_printf(b, "%s", s);
	free(s);
	return 0;
}
