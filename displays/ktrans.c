/*
 * ktrans.c - English for the catalogue's fees and times (see ktrans.h).
 * Only whole patterns are translated; anything else is left in Vietnamese
 * for the caller to mark as such.
 */
#include "displays/ktrans.h"

#include <stdio.h>
#include <string.h>

#include "common/strnum.h"

/* Copy vi into out; returns 0 (not translated). */
static int
ktrans_copy(const char *vi, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", vi);
	return 0;
}

/*
 * A Vietnamese amount ("1.000.000", dots between thousands) at s, as
 * English ("1,000,000") into out; returns the bytes read, 0 if none.
 */
static size_t
ktrans_amount(const char *s, char *out, size_t outlen)
{
	size_t i = 0, n = 0;

	if (outlen == 0)
		return 0;
	while ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && i > 0)) {
		if (s[i] == '.') {
			/* A separator: exactly three digits must follow. */
			if (!(s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9' &&
			    s[i + 3] >= '0' && s[i + 3] <= '9'))
				break;
			if (n + 1 < outlen)
				out[n++] = ',';
		} else if (n + 1 < outlen) {
			out[n++] = s[i];
		}
		i++;
	}
	out[n < outlen ? n : outlen - 1] = '\0';
	return i;
}

int
ktrans_fee(const char *vi, char *out, size_t outlen)
{
	static const char *const units[][2] = {
		{ "hồ sơ", "application" }, { "lần", "time" }, { "giấy phép", "licence" },
		{ "bản", "copy" }, { "trang", "page" },
	};
	char num[64];
	size_t k, i;

	if (strcmp(vi, "Miễn phí") == 0 || strcmp(vi, "Không") == 0 || strcmp(vi, "0 đồng") == 0) {
		snprintf(out, outlen, "Free");
		return 1;
	}
	if (strcmp(vi, "Theo quy định của Bộ Tài chính") == 0) {
		snprintf(out, outlen, "As set by the Ministry of Finance");
		return 1;
	}
	k = ktrans_amount(vi, num, sizeof num);
	if (k == 0 || strncmp(vi + k, " đồng", strlen(" đồng")) != 0)
		return ktrans_copy(vi, out, outlen);
	k += strlen(" đồng");
	if (vi[k] == '\0') {
		snprintf(out, outlen, "%s VND", num);
		return 1;
	}
	if (vi[k] != '/')
		return ktrans_copy(vi, out, outlen);
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(vi + k + 1, units[i][0]) == 0) {
			snprintf(out, outlen, "%s VND per %s", num, units[i][1]);
			return 1;
		}
	return ktrans_copy(vi, out, outlen);
}

int
ktrans_time(const char *vi, char *out, size_t outlen)
{
	char num[16];
	size_t k;
	long long n;

	if (strcmp(vi, "Trong ngày làm việc") == 0 || strcmp(vi, "Trong ngày") == 0) {
		snprintf(out, outlen, "The same working day");
		return 1;
	}
	for (k = 0; vi[k] >= '0' && vi[k] <= '9' && k + 1 < sizeof num; k++)
		num[k] = vi[k];
	num[k] = '\0';
	if (k == 0 || strnum_parse(num, 0, 3650, &n) != 0)
		return ktrans_copy(vi, out, outlen);
	if (strcmp(vi + k, " ngày làm việc") == 0) {
		snprintf(out, outlen, "%lld working day%s", n, n == 1 ? "" : "s");
		return 1;
	}
	if (strcmp(vi + k, " ngày") == 0) {
		snprintf(out, outlen, "%lld day%s", n, n == 1 ? "" : "s");
		return 1;
	}
	if (strcmp(vi + k, " tháng") == 0) {
		snprintf(out, outlen, "%lld month%s", n, n == 1 ? "" : "s");
		return 1;
	}
	return ktrans_copy(vi, out, outlen);
}

const char *
ktrans_priority(const char *code)
{
	static const char *const names[][2] = {
		{ "elderly", "Elderly person" }, { "disabled", "Person with a disability" },
		{ "pregnant", "Pregnant woman" }, { "veteran", "Veteran or person of merit" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(code, names[i][0]) == 0)
			return names[i][1];
	return NULL;
}
