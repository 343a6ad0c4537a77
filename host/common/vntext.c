/*
 * vntext.c - Vietnamese text helpers on top of libunistring: UTF-8
 * validation, NFC normalisation, diacritic folding for search, and
 * character-safe ellipsizing.  (Procedure search is core/search.c.)
 *
 * Folding decomposes (NFD), drops the combining marks (tones, breve,
 * circumflex, horn), maps đ/Đ to d, lower-cases, and turns everything that
 * is not a letter or digit into one space.
 */
#include "common/vntext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "common/xmalloc.h"

/* Output buffer that grows; used by folding. */
struct vntext_buf {
	char *s;
	size_t len, cap;
};

/* Append n bytes to b, growing it as needed. */
static void
vntext_buf_add(struct vntext_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 64;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* 1 when s is valid UTF-8 of length len (no NUL inside), else 0. */
int
vntext_valid_utf8(const char *s, size_t len)
{
	if (s == NULL)
		return 0;
	if (memchr(s, '\0', len) != NULL)
		return 0;
	return u8_check((const uint8_t *)s, len) == NULL;
}

/* Normalise s (valid UTF-8, length len) to form nf; malloc'd, NUL-ended. */
static char *
vntext_normalize(const char *s, size_t len, uninorm_t nf, size_t *outlen)
{
	uint8_t *r;
	size_t n = 0;
	char *out;

	if (len == 0) {
		if (outlen)
			*outlen = 0;
		return xstrdup("");
	}
	r = u8_normalize(nf, (const uint8_t *)s, len, NULL, &n);
	if (r == NULL)
		return NULL;
	out = xmalloc(n + 1);
	memcpy(out, r, n);
	out[n] = '\0';
	free(r);
	if (outlen)
		*outlen = n;
	return out;
}

/* NFC copy of s (malloc'd, caller frees), or NULL if s is not valid UTF-8. */
char *
vntext_nfc(const char *s)
{
	size_t len;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if (!vntext_valid_utf8(s, len))
		return NULL;
	return vntext_normalize(s, len, UNINORM_NFC, NULL);
}

/* Fold len bytes of valid UTF-8 s; malloc'd result. */
char *
vntext_fold_n(const char *s, size_t len)
{
	struct vntext_buf b = { NULL, 0, 0 };
	char *nfd;
	size_t n, i;
	int space = 0;

	if ((nfd = vntext_normalize(s, len, UNINORM_NFD, &n)) == NULL)
		return NULL;
	vntext_buf_add(&b, "", 0);
	for (i = 0; i < n;) {
		ucs4_t uc;
		int k = u8_mbtouc(&uc, (const uint8_t *)nfd + i, n - i);
		uint8_t enc[6];
		int m;

		i += (size_t)k;
		if (uc_is_general_category(uc, UC_CATEGORY_Mn))
			continue;             /* tone or vowel mark */
		if (uc == 0x0110 || uc == 0x0111)
			uc = 'd';             /* Đ, đ */
		uc = uc_tolower(uc);
		if (!uc_is_alnum(uc)) {
			space = b.len > 0;
			continue;
		}
		if (space) {
			vntext_buf_add(&b, " ", 1);
			space = 0;
		}
		if ((m = u8_uctomb(enc, uc, (int)sizeof(enc))) > 0)
			vntext_buf_add(&b, enc, (size_t)m);
	}
	free(nfd);
	return b.s;
}

/* Folded copy of s (malloc'd, caller frees), or NULL if not valid UTF-8. */
char *
vntext_fold(const char *s)
{
	size_t len;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if (!vntext_valid_utf8(s, len))
		return NULL;
	return vntext_fold_n(s, len);
}

/* 1 when s has any letter with a Vietnamese diacritic (or đ/Đ). */
int
vntext_has_diacritics(const char *s)
{
	char *nfd;
	size_t n, i;
	int found = 0;

	if (s == NULL || !vntext_valid_utf8(s, strlen(s)))
		return 0;
	if ((nfd = vntext_normalize(s, strlen(s), UNINORM_NFD, &n)) == NULL)
		return 0;
	for (i = 0; i < n && !found;) {
		ucs4_t uc;

		i += (size_t)u8_mbtouc(&uc, (const uint8_t *)nfd + i, n - i);
		if (uc == 0x0110 || uc == 0x0111 ||
		    uc_is_general_category(uc, UC_CATEGORY_Mn))
			found = 1;
	}
	free(nfd);
	return found;
}

/* Copy whole UTF-8 characters of src into dst[size]; see vntext.h. */
int
vntext_copy_utf8(char *dst, size_t size, const char *src)
{
	size_t len, n = 0;
	ucs4_t uc;
	int k;

	if (size == 0)
		return src == NULL || *src == '\0';
	if (src == NULL) {
		dst[0] = '\0';
		return 1;
	}
	len = strlen(src);
	while (n < len) {
		k = u8_mbtoucr(&uc, (const uint8_t *)src + n, len - n);
		if (k <= 0 || n + (size_t)k > size - 1)
			break;
		n += (size_t)k;
	}
	memmove(dst, src, n);
	dst[n] = '\0';
	return n == len;
}

/* Number of characters (code points) in valid UTF-8 s. */
size_t
vntext_length(const char *s)
{
	if (s == NULL)
		return 0;
	return u8_mbsnlen((const uint8_t *)s, strlen(s));
}

/* Shorten s to max_chars characters on a character boundary; see vntext.h. */
char *
vntext_ellipsize(const char *s, size_t max_chars)
{
	static const char ell[] = "\xe2\x80\xa6";      /* … */
	size_t len, keep, cut = 0, chars = 0, lastsp = 0, spchars = 0;
	char *r;

	if (s == NULL)
		return xstrdup("");
	if (vntext_length(s) <= max_chars)
		return xstrdup(s);
	if (max_chars == 0)
		return xstrdup("");
	len = strlen(s);
	keep = max_chars - 1;
	while (chars < keep && cut < len) {
		ucs4_t uc;
		int k = u8_mbtouc(&uc, (const uint8_t *)s + cut, len - cut);

		if (uc == ' ') {
			lastsp = cut;
			spchars = chars;
		}
		cut += (size_t)k;
		chars++;
	}
	/* Prefer a word boundary when it keeps at least half the text. */
	if (cut < len && s[cut] != ' ' && lastsp > 0 && spchars * 2 >= keep)
		cut = lastsp;
	while (cut > 0 && strchr(" ,;:-", s[cut - 1]) != NULL)
		cut--;
	r = xmalloc(cut + sizeof(ell));
	memcpy(r, s, cut);
	memcpy(r + cut, ell, sizeof(ell));
	return r;
}
