/*
 * vnnum.c - Vietnamese number words and the call sentence (see vnnum.h).
 * Numbers are read in groups of three digits (nghìn, triệu); inside a group
 * the special forms are mười (10-19), mươi (20-99 tens), mốt (1 after mươi),
 * lăm (5 after a ten), tư (4 after mươi) and linh (0 tens before a unit).
 */
#include "displays/vnnum.h"

#include <stdio.h>
#include <string.h>

static const char *const vnnum_digit[10] = {
	"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
};

struct vnnum_buf {
	char *p;
	size_t len, cap;
	int err;
};

/* Append one word, with a space before it unless it is the first. */
static void
vnnum_put(struct vnnum_buf *b, const char *w)
{
	size_t n = strlen(w), need = n + (b->len > 0);

	if (b->err || b->len + need + 1 > b->cap) {
		b->err = 1;
		return;
	}
	if (b->len > 0)
		b->p[b->len++] = ' ';
	memcpy(b->p + b->len, w, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Words of a group 0..999; full = say hundreds and "linh" even when the
 * hundreds digit is 0 (a group after a higher one). */
static void
vnnum_group(struct vnnum_buf *b, int g, int full)
{
	int h = g / 100, t = g / 10 % 10, u = g % 10;

	if (h > 0 || full) {
		vnnum_put(b, vnnum_digit[h]);
		vnnum_put(b, "trăm");
	}
	if (t == 0) {
		if (u == 0)
			return;
		if (h > 0 || full)
			vnnum_put(b, "linh");
		vnnum_put(b, vnnum_digit[u]);
		return;
	}
	if (t == 1) {
		vnnum_put(b, "mười");
	} else {
		vnnum_put(b, vnnum_digit[t]);
		vnnum_put(b, "mươi");
	}
	switch (u) {
	case 0:
		break;
	case 1:
		vnnum_put(b, t == 1 ? "một" : "mốt");
		break;
	case 4:
		vnnum_put(b, t == 1 ? "bốn" : "tư");
		break;
	case 5:
		vnnum_put(b, "lăm");
		break;
	default:
		vnnum_put(b, vnnum_digit[u]);
		break;
	}
}

int
vnnum_words(long n, char *out, size_t outlen)
{
	static const char *const scale[3] = { "triệu", "nghìn", "" };
	struct vnnum_buf b = { out, 0, outlen, 0 };
	long div[3] = { 1000000L, 1000L, 1L };
	int i, started = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (n < 0 || n > VNNUM_MAX)
		return -1;
	if (n == 0) {
		vnnum_put(&b, vnnum_digit[0]);
		return b.err ? (out[0] = '\0', -1) : (int)b.len;
	}
	for (i = 0; i < 3; i++) {
		int g = (int)(n / div[i] % 1000);

		if (g == 0)
			continue;
		/* A zero group between two others is skipped entirely, but the
		 * next group still reads in full ("một triệu không trăm linh năm"). */
		vnnum_group(&b, g, started);
		if (scale[i][0] != '\0')
			vnnum_put(&b, scale[i]);
		started = 1;
	}
	if (b.err) {
		out[0] = '\0';
		return -1;
	}
	return (int)b.len;
}

int
vnnum_call_sentence(int number, int counter, int recall, char *out,
    size_t outlen)
{
	char num[128], ctr[128];
	int n;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (vnnum_words(number, num, sizeof num) < 0 ||
	    vnnum_words(counter, ctr, sizeof ctr) < 0)
		return -1;
	n = snprintf(out, outlen, "%sMời công dân có số %s đến quầy số %s",
	    recall ? "Xin nhắc lại. " : "", num, ctr);
	if (n < 0 || (size_t)n >= outlen) {
		out[0] = '\0';
		return -1;
	}
	return n;
}
