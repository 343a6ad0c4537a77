/*
 * r_public.c - what a visitor's phone sees, with no login: the status page
 * GET /t/{code} that the QR code of every ticket leads to, the ticket as
 * JSON, GET /api/v1/public/tickets/{code}, and the ticket's own event
 * stream, GET /api/v1/public/tickets/{code}/events.
 *
 * All three say the same things, from apijson_public_ticket: the centre,
 * the number, the queue and procedure, the counters the ticket names, how
 * many people are ahead and the estimated wait, the counter calling it.
 * Nothing about other tickets but the count ahead.  The page is whole as
 * the server sends it (a phone without JavaScript reloads it every 30 s);
 * /web/ticket.js then keeps it live from the stream.
 *
 * The stream sends the public ticket ("event: ticket") once it is open and
 * again whenever what it says changes, and ends after a final state (done,
 * no-show, cancelled) or when the ticket is gone ("event: gone": a new
 * day).  It is built from committed state only: a core listener, which
 * runs right after each commit while the engine holds exactly what was
 * committed, recomputes every stream's ticket once per commit and queues
 * the text when it differs from the last one sent.  MHD pulls the bytes
 * later, when a newer batch may already be open, so nothing is read from
 * the engine then.  A stream opened while a batch is open gets its first
 * message after that commit.  The streams are capped (API_PUBLIC_STREAMS
 * in all, API_PUBLIC_PER_TICKET per ticket); past the cap the answer is a
 * 503 and the page polls the JSON instead.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"

#define API_PUBLIC_STREAMS 1024
#define API_PUBLIC_PER_TICKET 8
#define API_PUBLIC_NOJS_REFRESH_S 30

struct pub_stream {
	struct api_public *pub;
	struct MHD_Connection *conn;
	char code[ENGINE_CODE_LEN + 1];
	char *last;              /* the ticket JSON last queued, or NULL */
	char *buf;               /* bytes for MHD, off of len sent */
	size_t len, off, cap;
	int fresh;               /* its first message waits for a commit */
	int ping;                /* send a comment (keeps proxies open) */
	int ending;              /* end once buf is sent */
	int suspended;
	struct pub_stream *prev, *next;
};

struct api_public {
	api *a;
	struct pub_stream *head;
	int n;
	int64_t seen_id;         /* the commit last handled (its last event id) */
	int after_commit;        /* pub_after_commit is registered */
	int closing;             /* the server stops: no new streams */
	uint64_t ping_timer;
};

/* ---- the stream --------------------------------------------------------- */

static void
pub_append(struct pub_stream *s, const char *text, size_t n)
{
	xappend(&s->buf, &s->len, &s->cap, text, n);
}

static void
pub_resume(struct pub_stream *s)
{
	if (s->suspended) {
		s->suspended = 0;
		MHD_resume_connection(s->conn);
	}
}

static int
pub_final(enum engine_ticket_state st)
{
	return st == ENGINE_T_DONE || st == ENGINE_T_NO_SHOW || st == ENGINE_T_CANCELLED;
}

/* Queue the ticket when what it says changed.  Only while the engine holds
 * committed state (a listener, or no batch open). */
static void
pub_refresh(struct pub_stream *s)
{
	core *c = s->pub->a->core;
	const struct engine_ticket *t = engine_ticket_by_code(core_engine(c), s->code);
	char *data, *line;
	cJSON *o;
	int len;

	s->fresh = 0;
	if (s->ending)
		return;
	if (t == NULL) {
		static const char gone[] = "event: gone\ndata: {}\n\n";
		pub_append(s, gone, sizeof gone - 1);
		s->ending = 1;
		pub_resume(s);
		return;
	}
	o = apijson_public_ticket(core_config(c), core_engine(c), t);
	data = apijson_print(o);
	cJSON_Delete(o);
	if (s->last != NULL && strcmp(s->last, data) == 0) {
		free(data);
		return;
	}
	len = xasprintf(&line, "event: ticket\ndata: %s\n\n", data);
	pub_append(s, line, (size_t)len);
	free(line);
	free(s->last);
	s->last = data;
	if (pub_final(t->state))
		s->ending = 1;
	pub_resume(s);
}

/* A commit: every stream to the state just committed. */
static void
pub_on_event(void *arg, const struct engine_event *ev)
{
	struct api_public *p = arg;
	int64_t id = core_committed_event_id(p->a->core);
	struct pub_stream *s;

	(void)ev;
	if (id == p->seen_id)
		return;          /* one batch, many events: once is enough */
	p->seen_id = id;
	for (s = p->head; s != NULL; s = s->next)
		pub_refresh(s);
}

static void pub_fresh(struct api_public *p);

static void
pub_after_commit(void *arg, int ok)
{
	struct api_public *p = arg;

	(void)ok;        /* failed: the engine was reloaded, still committed */
	p->after_commit = 0;
	if (!p->closing)
		pub_fresh(p);
}

/* The first message of new streams: now, or after the open batch. */
static void
pub_fresh(struct api_public *p)
{
	core *c = p->a->core;
	struct pub_stream *s;

	if (core_in_batch(c)) {
		if (!p->after_commit) {
			p->after_commit = 1;
			core_after_commit(c, pub_after_commit, p);
		}
		return;
	}
	for (s = p->head; s != NULL; s = s->next)
		if (s->fresh)
			pub_refresh(s);
}

static int64_t
pub_ping(void *arg)
{
	struct api_public *p = arg;
	struct pub_stream *s;

	for (s = p->head; s != NULL; s = s->next) {
		s->ping = 1;
		pub_resume(s);
	}
	return API_PING_MS;
}

static ssize_t
pub_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct pub_stream *s = cls;
	size_t n;

	(void)pos;
	if (s->off == s->len) {
		s->off = s->len = 0;
		if (s->ping && !s->ending)
			pub_append(s, ": ping\n\n", 8);
		s->ping = 0;
	}
	if (s->len == 0) {
		if (s->ending)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (!s->suspended) {
			s->suspended = 1;
			MHD_suspend_connection(s->conn);
		}
		return 0;
	}
	n = s->len - s->off < max ? s->len - s->off : max;
	memcpy(buf, s->buf + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void
pub_free(void *cls)
{
	struct pub_stream *s = cls;

	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		s->pub->head = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->pub->n--;
	free(s->last);
	free(s->buf);
	free(s);
}

/* The streams' state, made with the first stream. */
static struct api_public *
pub_get(api *a)
{
	struct api_public *p = a->pub;

	if (p == NULL) {
		p = a->pub = xcalloc(1, sizeof *p);
		p->a = a;
		p->seen_id = core_committed_event_id(a->core);
		core_add_listener(a->core, pub_on_event, p);
		p->ping_timer = loop_add_timer(a->loop, API_PING_MS, pub_ping, p);
	}
	return p;
}

void
api_public_close(api *a)
{
	struct pub_stream *s;

	if (a->pub == NULL)
		return;
	a->pub->closing = 1;
	for (s = a->pub->head; s != NULL; s = s->next) {
		s->ending = 1;
		pub_resume(s);
	}
}

void
api_public_free(api *a)
{
	struct api_public *p = a->pub;

	if (p == NULL)
		return;
	if (p->head != NULL || p->after_commit)
		log_warnx("http: visitors' streams left at stop");
	core_remove_listener(a->core, pub_on_event, p);
	loop_del_timer(a->loop, p->ping_timer);
	free(p);
	a->pub = NULL;
}

/* GET /api/v1/public/tickets/{code}/events. */
enum MHD_Result
api_public_events(struct req *r)
{
	const struct engine_ticket *t = engine_ticket_by_code(core_engine(r->a->core), r->arg[0]);
	struct MHD_Response *resp;
	struct api_public *p;
	struct pub_stream *s;
	enum MHD_Result ret;
	int same = 0;

	if (t == NULL) {
		api_error(r, 404, "not_found", "Không tìm thấy vé.");
		return MHD_NO;
	}
	p = pub_get(r->a);
	for (s = p->head; s != NULL; s = s->next)
		same += strcmp(s->code, t->code) == 0;
	if (p->closing || p->n >= API_PUBLIC_STREAMS || same >= API_PUBLIC_PER_TICKET) {
		api_error(r, 503, "busy", "Quá nhiều trang đang theo dõi; trang sẽ tự cập nhật chậm hơn.");
		return MHD_NO;
	}
	s = xcalloc(1, sizeof *s);
	s->pub = p;
	s->conn = r->conn;
	snprintf(s->code, sizeof s->code, "%s", t->code);
	s->fresh = 1;
	pub_append(s, "retry: 3000\n\n", 13);
	s->next = p->head;
	if (s->next != NULL)
		s->next->prev = s;
	p->head = s;
	p->n++;
	pub_fresh(p);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, pub_read, s, pub_free);
	MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	ret = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->phase = REQ_STREAM;
	return ret;
}

/* GET /api/v1/public/tickets/{code}: what anyone holding the code may see. */
void
api_public_ticket(struct req *r)
{
	const struct engine_ticket *t =
	    engine_ticket_by_code(core_engine(r->a->core), r->arg[0]);

	if (t == NULL)
		api_error(r, 404, "not_found", "Không tìm thấy vé.");
	else
		api_reply_json(r, 200, apijson_public_ticket(core_config(r->a->core),
		    core_engine(r->a->core), t));
}

/* ---- the page ----------------------------------------------------------- */

static void
pub_esc(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f); break;
		}
}

static const char *
pub_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
pub_int(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? (int)v->valuedouble : -1;
}

/* The numbers of an array, "2, 3" (or the strings, "Khu A, Khu B"). */
static void
pub_list(FILE *f, const cJSON *arr)
{
	const cJSON *v;
	int n = 0;

	cJSON_ArrayForEach(v, arr) {
		fputs(n++ ? ", " : "", f);
		if (cJSON_IsNumber(v))
			fprintf(f, "%d", (int)v->valuedouble);
		else if (cJSON_IsString(v))
			pub_esc(f, v->valuestring);
	}
}

/* "Quầy 2 · Khu A": the counter's name and area. */
static void
pub_place(FILE *f, const cJSON *o)
{
	const char *name = pub_str(o, "counter_name"), *area = pub_str(o, "counter_area");

	fputs("<p class=\"place\">", f);
	pub_esc(f, name);
	if (area != NULL && *area != '\0') {
		fputs(name != NULL ? " · " : "", f);
		pub_esc(f, area);
	}
	fputs("</p>\n", f);
}

/* The head of a page: its title, the style, no-JS refresh unless final. */
static void
pub_head(FILE *f, const char *title, int refresh)
{
	fputs("<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
	    "<meta name=\"robots\" content=\"noindex\">\n<title>", f);
	pub_esc(f, title);
	fputs("</title>\n<link rel=\"stylesheet\" href=\"/web/ticket.css\">\n", f);
	if (refresh)
		fprintf(f, "<noscript><meta http-equiv=\"refresh\" content=\"%d\"></noscript>\n",
		    API_PUBLIC_NOJS_REFRESH_S);
	fputs("</head>\n<body>\n", f);
}

static void
pub_tail(FILE *f)
{
	fputs("<script src=\"/web/ticket.js\"></script>\n</body></html>\n", f);
}

/* The state part of the page and its title. */
static void
pub_status(FILE *f, const cJSON *o, char *title, size_t tlen)
{
	const char *st = pub_str(o, "state");
	int number = pub_int(o, "number"), ahead = pub_int(o, "ahead");
	int est = pub_int(o, "est_wait_min"), counter = pub_int(o, "counter");
	const cJSON *counters = cJSON_GetObjectItemCaseSensitive(o, "counters");
	const cJSON *areas = cJSON_GetObjectItemCaseSensitive(o, "areas");

	if (st == NULL)
		st = "";
	if (strcmp(st, "waiting") == 0) {
		fputs("<p class=\"chip\">Đang chờ</p>\n", f);
		if (ahead > 0) {
			fprintf(f, "<p class=\"ahead\">Trước bạn còn <b>%d</b> người</p>\n", ahead);
			snprintf(title, tlen, "Số %04d – đang chờ, trước bạn %d người", number, ahead);
		} else {
			fputs("<p class=\"ahead next\">Bạn là người tiếp theo</p>\n", f);
			snprintf(title, tlen, "Số %04d – bạn là người tiếp theo", number);
		}
		if (pub_int(o, "est_low_s") < pub_int(o, "est_high_s")) {
			/* a long wait: the range ("khoảng 40–55 phút") */
			fputs("<p class=\"wait\">Thời gian chờ dự kiến: <b>", f);
			pub_esc(f, pub_str(o, "est_text"));
			fputs("</b></p>\n", f);
		} else if (est > 0)
			fprintf(f, "<p class=\"wait\">Thời gian chờ dự kiến: khoảng <b>%d</b> phút</p>\n",
			    est);
		else
			fputs("<p class=\"wait\">Bạn sẽ được gọi trong ít phút nữa.</p>\n", f);
		if (cJSON_GetArraySize(counters) > 0) {
			fputs("<p class=\"where\">Quầy phục vụ: <b>", f);
			pub_list(f, counters);
			fputs("</b>", f);
			if (cJSON_GetArraySize(areas) > 0) {
				fputs(" · ", f);
				pub_list(f, areas);
			}
			fputs("</p>\n", f);
		}
		fputs("<p class=\"hint\">Xin giữ trang này mở: khi đến lượt bạn, trang sẽ báo "
		    "ngay (và rung, nếu điện thoại cho phép). Xin chú ý bảng số và loa gọi.</p>\n",
		    f);
	} else if (strcmp(st, "called") == 0) {
		fputs("<h1 class=\"call\">Đến lượt bạn!</h1>\n", f);
		fprintf(f, "<p class=\"go\">Mời bạn đến quầy <b>%d</b></p>\n", counter);
		pub_place(f, o);
		if (pub_int(o, "calls") > 1)
			fprintf(f, "<p class=\"again\">Gọi lần thứ %d – xin đến ngay.</p>\n",
			    pub_int(o, "calls"));
		snprintf(title, tlen, "Đến lượt bạn: mời đến quầy %d", counter);
	} else if (strcmp(st, "serving") == 0) {
		fputs("<p class=\"chip\">Đang phục vụ</p>\n", f);
		fprintf(f, "<p class=\"go\">Bạn đang được phục vụ tại quầy <b>%d</b></p>\n", counter);
		pub_place(f, o);
		snprintf(title, tlen, "Số %04d – đang phục vụ tại quầy %d", number, counter);
	} else if (strcmp(st, "parked") == 0) {
		fputs("<p class=\"chip\">Tạm dừng</p>\n<p>Hồ sơ của bạn đang tạm dừng; cán bộ "
		    "sẽ gọi lại bạn. Xin chú ý bảng số và loa gọi.</p>\n", f);
		snprintf(title, tlen, "Số %04d – tạm dừng, chờ gọi lại", number);
	} else if (strcmp(st, "done") == 0) {
		fputs("<p class=\"chip\">Đã xong</p>\n<p class=\"end\">Bạn đã được phục vụ xong. "
		    "Cảm ơn bạn đã sử dụng dịch vụ!</p>\n", f);
		snprintf(title, tlen, "Số %04d – đã phục vụ xong", number);
	} else if (strcmp(st, "no_show") == 0) {
		fputs("<p class=\"chip\">Vắng mặt</p>\n<p class=\"end\">Số của bạn đã được gọi "
		    "nhưng bạn không có mặt tại quầy, nên vé đã bị bỏ qua.</p>\n"
		    "<p>Xin liên hệ bàn hướng dẫn để được hỗ trợ.</p>\n", f);
		snprintf(title, tlen, "Số %04d – vắng mặt, vé đã bị bỏ qua", number);
	} else {
		fputs("<p class=\"chip\">Đã huỷ</p>\n<p class=\"end\">Vé này đã bị huỷ.</p>\n"
		    "<p>Nếu bạn vẫn cần làm thủ tục, xin lấy số mới hoặc hỏi bàn hướng dẫn.</p>\n",
		    f);
		snprintf(title, tlen, "Số %04d – vé đã bị huỷ", number);
	}
}

/* The whole page of ticket o (apijson_public_ticket); malloc'd. */
static char *
pub_page(const char *code, const cJSON *o)
{
	const char *st = pub_str(o, "state"), *proc = pub_str(o, "procedure_name");
	const char *queue = pub_str(o, "queue_name");
	const cJSON *issued = cJSON_GetObjectItemCaseSensitive(o, "issued_at");
	const cJSON *called = cJSON_GetObjectItemCaseSensitive(o, "called_at");
	char *out = NULL, *status = NULL, title[160] = "";
	size_t len = 0, slen = 0;
	int final;
	FILE *f, *sf;

	if (st == NULL)
		st = "";
	final = strcmp(st, "done") == 0 || strcmp(st, "no_show") == 0 ||
	    strcmp(st, "cancelled") == 0;
	/* The state first: it names the title. */
	if ((sf = open_memstream(&status, &slen)) == NULL)
		fatal("open_memstream");
	pub_status(sf, o, title, sizeof title);
	fclose(sf);
	if ((f = open_memstream(&out, &len)) == NULL)
		fatal("open_memstream");
	pub_head(f, title, !final);
	fprintf(f, "<main id=\"ticket\" class=\"st-%s\" data-state=\"%s\" data-code=\"", st, st);
	pub_esc(f, code);
	/* A new call or recall changes data-called: ticket.js vibrates. */
	fprintf(f, "\" data-called=\"%.0f-%d\">\n<p class=\"centre\">",
	    cJSON_IsNumber(called) ? called->valuedouble : 0.0, pub_int(o, "calls"));
	pub_esc(f, pub_str(o, "centre"));
	fprintf(f, "</p>\n<section class=\"num\">\n<p class=\"label\">Số thứ tự của bạn</p>\n"
	    "<p class=\"number\" id=\"number\">%04d</p>\n<p class=\"proc\">", pub_int(o, "number"));
	pub_esc(f, proc != NULL ? proc : queue);
	fputs("</p>\n", f);
	if (proc != NULL && queue != NULL) {
		fputs("<p class=\"queue\">", f);
		pub_esc(f, queue);
		fputs("</p>\n", f);
	}
	fputs("</section>\n<section id=\"status\" class=\"status\" aria-live=\"polite\">\n", f);
	fputs(status, f);
	fputs("</section>\n<footer>\n", f);
	if (cJSON_IsNumber(issued)) {
		time_t at = (time_t)issued->valuedouble;
		struct tm tm;
		char when[64];

		localtime_r(&at, &tm);
		strftime(when, sizeof when, "%H:%M ngày %d/%m/%Y", &tm);
		fprintf(f, "<p class=\"issued\">Lấy số lúc %s</p>\n", when);
	}
	fprintf(f, "<p id=\"live\" class=\"live\">%s</p>\n</footer>\n</main>\n",
	    final ? "" : "Trang tự cập nhật khi có thay đổi.");
	pub_tail(f);
	fclose(f);
	free(status);
	return out;
}

/* GET /t/{code}: the page a ticket's QR code leads to. */
void
api_status_page(struct req *r)
{
	const char *code = r->arg[0];
	engine *e = core_engine(r->a->core);
	const struct engine_ticket *t = engine_ticket_by_code(e, code);
	char *page = NULL;
	size_t len = 0;
	cJSON *o;
	FILE *f;

	if (t == NULL) {
		if ((f = open_memstream(&page, &len)) == NULL)
			fatal("open_memstream");
		pub_head(f, "Không tìm thấy vé", 0);
		fputs("<main id=\"ticket\" class=\"st-gone\" data-state=\"gone\">\n"
		    "<section class=\"status\">\n<h1 class=\"gone\">Không tìm thấy vé</h1>\n"
		    "<p>Không tìm thấy vé này. Vé chỉ tra cứu được trong ngày lấy số; "
		    "xin kiểm tra lại mã QR hoặc đường dẫn trên vé.</p>\n</section>\n</main>\n", f);
		pub_tail(f);
		fclose(f);
		api_reply_raw(r, 404, "text/html; charset=utf-8", page);
		return;
	}
	o = apijson_public_ticket(core_config(r->a->core), e, t);
	page = pub_page(t->code, o);
	cJSON_Delete(o);
	api_reply_raw(r, 200, "text/html; charset=utf-8", page);
}
