/*
 * r_admin.c - settings changed live from the admin pages: the notice line
 * of the hall displays (GET/PUT /api/v1/notice).  The core keeps it (in the
 * store's meta, so it survives a restart) and GET /api/v1/state serves it
 * as "notice".  Every change is audited in the same batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/vntext.h"
#include "common/xmalloc.h"
#include "daemon/http/api_private.h"

#define API_NOTICE_CHARS 200

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
	api_reply_json(r, 200, api_notice_json(text));
out:
	free(text);
	cJSON_Delete(b);
}
