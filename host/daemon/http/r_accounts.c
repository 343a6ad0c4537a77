/*
 * r_accounts.c - people and devices (admin): GET/POST /api/v1/users,
 * PATCH/DELETE /api/v1/users/{name}, POST /api/v1/devices (a device token).
 */
#include <sodium.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/log.h"
#include "common/pwhash.h"
#include "common/strnum.h"
#include "common/vntext.h"
#include "common/xmalloc.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"

cJSON *
api_user_json(const struct store_user *u)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	int i;

	cJSON_AddStringToObject(o, "name", u->name);
	cJSON_AddStringToObject(o, "full_name", u->full_name);
	cJSON_AddStringToObject(o, "role", store_role_name(u->role));
	arr = cJSON_AddArrayToObject(o, "counters");
	for (i = 0; i < u->ncounters; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(u->counters[i]));
	cJSON_AddBoolToObject(o, "disabled", u->disabled);
	return o;
}

/* Counter list "1,2,5" or a JSON array into u. */
static int
api_user_counters(const cJSON *arr, struct store_user *u)
{
	const cJSON *x;

	u->ncounters = 0;
	cJSON_ArrayForEach(x, arr) {
		if (u->ncounters == STORE_MAX_USER_COUNTERS || x->valueint < 1 || x->valueint > 99)
			return -1;
		u->counters[u->ncounters++] = x->valueint;
	}
	return 0;
}

static void
api_user_list_one(const struct store_user *u, void *arg)
{
	cJSON_AddItemToArray(arg, api_user_json(u));
}

/*
 * Answer a failed user or device write: the caller's mistake is 400 (with
 * invalid, a Vietnamese sentence), 404 or 409; only the store failing is a
 * 500 store_failed.
 */
static void
api_store_error(struct req *r, const char *invalid, const char *failed)
{
	switch (store_errcode(core_store(r->a->core))) {
	case STORE_EINVAL:
		api_error(r, 400, "bad_value", "%s", invalid);
		break;
	case STORE_ENOENT:
		api_error(r, 404, "not_found", "Không tìm thấy tài khoản.");
		break;
	case STORE_EEXIST:
		api_error(r, 409, "exists", "Tài khoản đã có.");
		break;
	default:
		api_error(r, 500, "store_failed", "%s", failed);
		break;
	}
}

#define API_BAD_USER_NAME "Tên tài khoản chỉ gồm chữ cái không dấu, chữ số" \
	" và các dấu . _ - @ (1 đến 63 ký tự)."
#define API_BAD_DEVICE_NAME "Tên thiết bị chỉ gồm chữ cái không dấu, chữ số" \
	" và các dấu . _ - @ (1 đến 63 ký tự)."

static void
api_users(struct req *r, const char *method, const char *name)
{
	static const struct api_field spec[] = {
		{ "name", K_STR, 0 }, { "password", K_STR, 0 }, { "role", K_STR, 0 },
		{ "full_name", K_STR, 0 }, { "counters", K_INTS, 0 }, { "disabled", K_BOOL, 0 },
		{ NULL, 0, 0 } };
	store *st = core_store(r->a->core);
	struct store_user u;
	const char *s, *pw;
	cJSON *b = NULL, *o, *arr;
	int rc, from_cookie;

	if (strcmp(method, "GET") == 0 && name == NULL) {
		o = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(o, "users");
		if (store_user_list(st, api_user_list_one, arr) < 0) {
			cJSON_Delete(o);
			api_error(r, 500, "store_failed", "Không đọc được danh sách tài khoản.");
			return;
		}
		api_reply_json(r, 200, o);
		return;
	}
	if (strcmp(method, "DELETE") == 0 && name != NULL) {
		if (core_begin(r->a->core) != 0) {
			api_error(r, 500, "store_failed", "Không xoá được tài khoản.");
			return;
		}
		if ((rc = store_user_delete(st, name)) < 0) {
			api_store_error(r, API_BAD_USER_NAME, "Không xoá được tài khoản.");
			return;
		}
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "ok", 1);
		api_reply_json(r, 200, o);
		return;
	}
	if ((b = api_body(r, spec)) == NULL)
		return;
	memset(&u, 0, sizeof u);
	if (strcmp(method, "POST") == 0 && name == NULL) {
		if ((s = api_str(b, "name")) == NULL || (pw = api_str(b, "password")) == NULL ||
		    api_str(b, "role") == NULL) {
			api_error(r, 400, "missing_field", "Cần \"name\", \"password\" và \"role\".");
			goto out;
		}
		snprintf(u.name, sizeof u.name, "%s", s);
		if ((u.role = store_role_parse(api_str(b, "role"))) == 0 ||
		    store_role_is_device(u.role) ||
		    strlen(pw) < PWHASH_MIN_PASSWORD || *s == '\0' || strlen(s) >= sizeof u.name) {
			api_error(r, 400, "bad_value", "Vai trò không hợp lệ, tên trống hoặc mật khẩu ngắn hơn 8 ký tự.");
			goto out;
		}
		if ((s = api_str(b, "full_name")) != NULL)
			vntext_copy_utf8(u.full_name, sizeof u.full_name, s);
		if (api_user_counters(cJSON_GetObjectItemCaseSensitive(b, "counters"), &u) != 0) {
			api_error(r, 400, "bad_value", "Danh sách quầy không hợp lệ.");
			goto out;
		}
		if (store_user_get(st, u.name, &u) == 1) {
			api_error(r, 409, "exists", "Tài khoản \"%s\" đã có.", u.name);
			goto out;
		}
		if (core_begin(r->a->core) != 0) {
			api_error(r, 500, "store_failed", "Không tạo được tài khoản.");
			goto out;
		}
		if (store_user_add(st, &u, pw) != 0) {
			api_store_error(r, API_BAD_USER_NAME, "Không tạo được tài khoản.");
			goto out;
		}
		api_reply_json(r, 201, api_user_json(&u));
		goto out;
	}
	if (strcmp(method, "PATCH") == 0 && name != NULL) {
		const cJSON *v;
		if ((rc = store_user_get(st, name, &u)) <= 0) {
			api_error(r, rc < 0 ? 500 : 404, rc < 0 ? "store_failed" : "not_found",
			    "Không tìm thấy tài khoản.");
			goto out;
		}
		if (api_str(b, "name") != NULL) {
			api_error(r, 400, "bad_value", "Không đổi được tên đăng nhập.");
			goto out;
		}
		/* A device's token never expires: it never takes a person's role. */
		if ((s = api_str(b, "role")) != NULL && store_role_is_device(u.role)) {
			api_error(r, 409, "device", "\"%s\" là thiết bị; không đổi được vai trò"
			    " của thiết bị thành vai trò của người dùng.", u.name);
			goto out;
		}
		if ((s = api_str(b, "role")) != NULL && ((u.role = store_role_parse(s)) == 0 ||
		    store_role_is_device(u.role))) {
			api_error(r, 400, "bad_value", "Vai trò không hợp lệ.");
			goto out;
		}
		if ((s = api_str(b, "full_name")) != NULL)
			vntext_copy_utf8(u.full_name, sizeof u.full_name, s);
		if ((v = cJSON_GetObjectItemCaseSensitive(b, "counters")) != NULL &&
		    api_user_counters(v, &u) != 0) {
			api_error(r, 400, "bad_value", "Danh sách quầy không hợp lệ.");
			goto out;
		}
		if ((v = cJSON_GetObjectItemCaseSensitive(b, "disabled")) != NULL)
			u.disabled = cJSON_IsTrue(v);
		pw = api_str(b, "password");
		if (pw != NULL && strlen(pw) < PWHASH_MIN_PASSWORD) {
			api_error(r, 400, "bad_value", "Mật khẩu phải có ít nhất 8 ký tự.");
			goto out;
		}
		if (core_begin(r->a->core) != 0) {
			api_error(r, 500, "store_failed", "Không cập nhật được tài khoản.");
			goto out;
		}
		/* A new password ends the user's other sessions (the caller's own
		   stays open when they change their own password). */
		if (store_user_update(st, &u) != 0 ||
		    (pw != NULL && store_user_set_password(st, name, pw,
		    u.id == r->user.id ? api_token(r, 0, &from_cookie) : NULL) != 0)) {
			api_store_error(r, "Họ tên hoặc danh sách quầy không hợp lệ.",
			    "Không cập nhật được tài khoản.");
			goto out;
		}
		api_reply_json(r, 200, api_user_json(&u));
		goto out;
	}
	api_error(r, 405, "method_not_allowed", "Phương thức không được hỗ trợ.");
out:
	cJSON_Delete(b);
}

void
api_devices(struct req *r)
{
	static const struct api_field spec[] = {
		{ "name", K_STR, 1 }, { "role", K_STR, 1 }, { NULL, 0, 0 } };
	store *st = core_store(r->a->core);
	struct store_user u, old;
	unsigned char pw[24];
	char hex[49], token[65];
	cJSON *b, *o;
	int found;

	if ((b = api_body(r, spec)) == NULL)
		return;
	memset(&u, 0, sizeof u);
	snprintf(u.name, sizeof u.name, "%s", api_str(b, "name"));
	u.role = store_role_parse(api_str(b, "role"));
	if (!store_role_is_device(u.role) || u.name[0] == '\0') {
		api_error(r, 400, "bad_value",
		    "Thiết bị cần tên và vai trò kiosk, display hoặc metrics.");
		goto out;
	}
	if (!store_user_name_valid(api_str(b, "name"))) {
		api_error(r, 400, "bad_value", API_BAD_DEVICE_NAME);
		goto out;
	}
	if ((found = store_user_get(st, u.name, &old)) < 0) {
		api_error(r, 500, "store_failed", "Không đọc được dữ liệu tài khoản.");
		goto out;
	}
	/* People and devices never share a name: the token of a device never
	   expires, and must never carry a person's role. */
	if (found && !store_role_is_device(old.role)) {
		api_error(r, 409, "exists", "\"%s\" là tên đăng nhập của một người dùng;"
		    " hãy đặt cho thiết bị một tên khác.", u.name);
		goto out;
	}
	/* A device never logs in with a password: give it a random one. */
	randombytes_buf(pw, sizeof pw);
	sodium_bin2hex(hex, sizeof hex, pw, sizeof pw);
	if (found) {
		old.role = u.role;
		old.disabled = 0;
		u = old;
	}
	/* A new token revokes the device's old ones, in the same write. */
	if (core_begin(r->a->core) != 0 ||
	    (found ? store_user_update(st, &u) : store_user_add(st, &u, hex)) != 0 ||
	    store_user_get(st, u.name, &u) != 1 ||
	    store_session_end_user(st, u.id, NULL) < 0 ||
	    store_session_create(st, u.id, core_now(), 0, token) != 0) {
		sodium_memzero(hex, sizeof hex);
		api_error(r, 500, "store_failed", "Không tạo được mã thiết bị.");
		goto out;
	}
	sodium_memzero(hex, sizeof hex);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", u.name);
	cJSON_AddStringToObject(o, "role", store_role_name(u.role));
	cJSON_AddStringToObject(o, "token", token);
	api_reply_json(r, 201, o);
out:
	cJSON_Delete(b);
}

/* GET /api/v1/users. */
void
api_users_list(struct req *r)
{
	api_users(r, "GET", NULL);
}

/* POST /api/v1/users. */
void
api_users_add(struct req *r)
{
	api_users(r, "POST", NULL);
}

/* PATCH /api/v1/users/{name}. */
void
api_users_change(struct req *r)
{
	api_users(r, "PATCH", r->arg[0]);
}

/* DELETE /api/v1/users/{name}. */
void
api_users_delete(struct req *r)
{
	api_users(r, "DELETE", r->arg[0]);
}
