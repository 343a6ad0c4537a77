/*
 * central_form.c - what onestop-central reads from a request's bytes, apart
 * from the server and the database so that it can be fuzzed alone
 * (tests/fuzz/host/tools/fuzz_central.c): a field of a form body
 * (application/x-www-form-urlencoded: the login's user and password, the
 * logout's csrf) and the range of a report (from, to, centre of the query).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "common/vntext.h"
#include "tools/central.h"

int
central_form_field(const char *body, const char *name, char *out, size_t outlen)
{
	size_t n = strlen(name);
	const char *p = body, *end;

	while (*p != '\0') {
		end = p + strcspn(p, "&");
		if ((size_t)(end - p) > n && strncmp(p, name, n) == 0 && p[n] == '=') {
			size_t m = (size_t)(end - p) - n - 1, k;

			if (m >= outlen)
				return -1;
			memcpy(out, p + n + 1, m);
			out[m] = '\0';
			for (k = 0; k < m; k++)
				if (out[k] == '+')
					out[k] = ' ';
			m = MHD_http_unescape(out);
			/* "%00" would cut the value short where C reads it, and
			   PostgreSQL refuses text that is not UTF-8. */
			if (strlen(out) != m || !vntext_valid_utf8(out, m)) {
				out[0] = '\0';
				return -1;
			}
			return (int)m;
		}
		p = *end == '&' ? end + 1 : end;
	}
	return -1;
}

int
central_day_parse(const char *s, time_t *t)
{
	struct tm tm;
	const char *end;
	char back[11];

	if (s == NULL || strlen(s) != 10)
		return 0;
	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0')
		return 0;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	*t = mktime(&tm);
	strftime(back, sizeof back, "%Y-%m-%d", &tm);
	return strcmp(back, s) == 0;       /* 2026-02-30 is not a day */
}

int
central_code_ok(const char *s)
{
	size_t n = strlen(s);

	return n <= 32 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-.") == n;
}

unsigned
central_range_parse(const char *from, const char *to, const char *centre,
    const struct central_user *u, time_t now, struct central_range *rg, const char **msg)
{
	time_t t0, t1;
	struct tm tm;

	memset(rg, 0, sizeof *rg);
	localtime_r(&now, &tm);
	strftime(rg->from, sizeof rg->from, "%Y-%m-%d", &tm);
	if (from != NULL && *from != '\0')
		snprintf(rg->from, sizeof rg->from, "%.10s", from);
	snprintf(rg->to, sizeof rg->to, "%s", rg->from);
	if (to != NULL && *to != '\0')
		snprintf(rg->to, sizeof rg->to, "%.10s", to);
	if ((from != NULL && strlen(from) > 10) || (to != NULL && strlen(to) > 10) ||
	    !central_day_parse(rg->from, &t0) || !central_day_parse(rg->to, &t1)) {
		*msg = "Ngày phải có dạng YYYY-MM-DD.\n";
		return 400;
	}
	if (t1 < t0 || (t1 - t0) / 86400 >= CENTRAL_MAX_DAYS) {
		*msg = "Khoảng ngày không hợp lệ: ngày đầu phải trước ngày cuối, nhiều nhất"
		    " 3.700 ngày.\n";
		return 400;
	}
	if (centre == NULL)
		centre = "";
	if (!central_code_ok(centre)) {
		*msg = "Mã trung tâm không hợp lệ.\n";
		return 400;
	}
	if (!u->province) {
		if (*centre != '\0' && strcmp(centre, u->centre) != 0) {
			*msg = "Tài khoản này chỉ xem được trung tâm của mình.\n";
			return 403;
		}
		centre = u->centre;
	}
	snprintf(rg->centre, sizeof rg->centre, "%s", centre);
	return 0;
}
