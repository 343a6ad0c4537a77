/*
 * ctl_text.c - display width, padding and Vietnamese event lines for
 * onestopctl.  Width comes from libunistring (uniwidth), which knows that a
 * precomposed "ế" takes one column and a combining mark none.
 */
#include "tools/ctl_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistr.h>
#include <uniwidth.h>

int
ctl_text_width(const char *s)
{
	size_t n = strlen(s);

	if (u8_check((const uint8_t *)s, n) != NULL)
		return (int)n;
	return u8_strwidth((const uint8_t *)s, "UTF-8");
}

/* Append len bytes of s to out, cutting on a character boundary. */
static void
append(char *out, size_t outlen, const char *s, size_t len)
{
	size_t used = strlen(out);

	if (used + 1 >= outlen)
		return;
	if (len > outlen - 1 - used) {
		len = outlen - 1 - used;
		/* Do not end inside a multi-byte character. */
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(out + used, s, len);
	out[used + len] = '\0';
}

/* Append n spaces to out. */
static void
spaces(char *out, size_t outlen, int n)
{
	while (n-- > 0)
		append(out, outlen, " ", 1);
}

void
ctl_text_pad(char *out, size_t outlen, const char *s, int width, int right)
{
	int w = ctl_text_width(s);

	if (right)
		spaces(out, outlen, width - w);
	append(out, outlen, s, strlen(s));
	if (!right)
		spaces(out, outlen, width - w);
}

const char *
ctl_text_counter_state(const char *state)
{
	if (state == NULL)
		return "?";
	if (strcmp(state, "open") == 0)
		return "Mở";
	if (strcmp(state, "paused") == 0)
		return "Tạm nghỉ";
	if (strcmp(state, "closed") == 0)
		return "Đóng";
	return state;
}

const char *
ctl_text_ticket_state(const char *state)
{
	static const struct { const char *code, *name; } names[] = {
		{ "waiting", "Đang chờ" },
		{ "called", "Đang gọi" },
		{ "serving", "Đang phục vụ" },
		{ "parked", "Tạm gác" },
		{ "done", "Đã xong" },
		{ "no_show", "Vắng mặt" },
		{ "cancelled", "Đã hủy" },
	};
	size_t i;

	if (state == NULL)
		return "?";
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(state, names[i].code) == 0)
			return names[i].name;
	return state;
}

const char *
ctl_text_rating(int value)
{
	switch (value) {
	case 1: return "Rất hài lòng";
	case 2: return "Hài lòng";
	case 3: return "Bình thường";
	case 4: return "Không hài lòng";
	default: return "?";
	}
}

void
ctl_text_event(const struct ctl_event *ev, char *out, size_t outlen)
{
	char hms[16] = "--:--:--";
	char what[512];
	const char *t = ev->type != NULL ? ev->type : "";
	const char *q = ev->queue != NULL ? ev->queue : "";
	const char *r = ev->reason != NULL ? ev->reason : "";
	time_t at = (time_t)ev->at;
	struct tm tm;
	int n = ev->number, c = ev->counter;

	if (localtime_r(&at, &tm) != NULL)
		strftime(hms, sizeof hms, "%H:%M:%S", &tm);

	if (strcmp(t, "issued") == 0)
		snprintf(what, sizeof what, "Cấp số %d (hàng %s)", n, q);
	else if (strcmp(t, "called") == 0)
		snprintf(what, sizeof what, "Gọi số %d đến quầy %d", n, c);
	else if (strcmp(t, "recalled") == 0)
		snprintf(what, sizeof what, "Gọi lại số %d đến quầy %d", n, c);
	else if (strcmp(t, "started") == 0)
		snprintf(what, sizeof what, "Quầy %d bắt đầu phục vụ số %d", c, n);
	else if (strcmp(t, "finished") == 0)
		snprintf(what, sizeof what, "Quầy %d đã phục vụ xong số %d", c, n);
	else if (strcmp(t, "no_show") == 0)
		snprintf(what, sizeof what, "Số %d vắng mặt tại quầy %d", n, c);
	else if (strcmp(t, "transferred") == 0)
		snprintf(what, sizeof what, "Quầy %d chuyển số %d sang hàng %s",
		    c, n, q);
	else if (strcmp(t, "parked") == 0)
		snprintf(what, sizeof what, "Quầy %d tạm gác số %d", c, n);
	else if (strcmp(t, "unparked") == 0)
		snprintf(what, sizeof what, "Số %d trở lại hàng chờ (quầy %d)",
		    n, c);
	else if (strcmp(t, "counter_opened") == 0)
		snprintf(what, sizeof what, "Quầy %d mở cửa", c);
	else if (strcmp(t, "counter_paused") == 0)
		snprintf(what, sizeof what, "Quầy %d tạm nghỉ%s%s", c,
		    *r ? ": " : "", r);
	else if (strcmp(t, "counter_closed") == 0)
		snprintf(what, sizeof what, "Quầy %d đóng cửa", c);
	else if (strcmp(t, "rated") == 0)
		snprintf(what, sizeof what, "Quầy %d được đánh giá: %s", c,
		    ctl_text_rating(ev->value));
	else if (strcmp(t, "cancelled") == 0)
		snprintf(what, sizeof what, "Hủy số %d%s%s", n, *r ? ": " : "", r);
	else if (strcmp(t, "day_closed") == 0)
		snprintf(what, sizeof what, "Kết thúc ngày làm việc");
	else
		snprintf(what, sizeof what, "Sự kiện %s (số %d, quầy %d)", t, n, c);

	out[0] = '\0';
	append(out, outlen, hms, strlen(hms));
	append(out, outlen, " ", 1);
	append(out, outlen, what, strlen(what));
}

void
ctl_text_dur(double secs, char *out, size_t outlen)
{
	long s;

	if (isnan(secs)) {
		snprintf(out, outlen, "—");
		return;
	}
	s = secs > 0 ? lround(secs) : 0;
	if (s >= 3600)
		snprintf(out, outlen, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, outlen, "%ld:%02ld", s / 60, s % 60);
}

void
ctl_text_count(long v, char *out, size_t outlen)
{
	char digits[32], buf[48];
	int n, i, j = 0;

	n = snprintf(digits, sizeof digits, "%ld", v < 0 ? -v : v);
	if (v < 0)
		buf[j++] = '-';
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[j++] = '.';
		buf[j++] = digits[i];
	}
	buf[j] = '\0';
	snprintf(out, outlen, "%s", buf);
}

void
ctl_text_dec(double v, int dec, char *out, size_t outlen)
{
	char *p, whole[48], num[64];
	double a;

	if (isnan(v)) {
		snprintf(out, outlen, "—");
		return;
	}
	if (dec < 0)
		dec = 0;
	if (dec > 6)
		dec = 6;
	snprintf(num, sizeof num, "%.*f", dec, v);
	/* Group the whole part as a count, then the decimals after a comma. */
	a = fabs(v);
	p = strchr(num, '.');
	if (a >= 1e15) {
		if (p != NULL)
			*p = ',';
		snprintf(out, outlen, "%s", num);
		return;
	}
	ctl_text_count(strtol(num, NULL, 10), whole, sizeof whole);
	if (num[0] == '-' && whole[0] != '-') {
		memmove(whole + 1, whole, strlen(whole) + 1);
		whole[0] = '-';
	}
	if (p != NULL)
		snprintf(out, outlen, "%s,%s", whole, p + 1);
	else
		snprintf(out, outlen, "%s", whole);
}
