/*
 * vntext.c - Vietnamese text helpers on top of libunistring: UTF-8
 * validation, NFC normalisation, diacritic folding for search, procedure
 * search with ranking, and character-safe ellipsizing.
 *
 * Folding decomposes (NFD), drops the combining marks (tones, breve,
 * circumflex, horn), maps đ/Đ to d, lower-cases, and turns everything that
 * is not a letter or digit into one space.  Search matches the folded query
 * against the folded names the catalogue already holds (struct
 * config_procedure.folded) and, when the query carries marks, compares the
 * NFC lower-case words too so that exact spellings rank first.
 */
#include "vntext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "config.h"
#include "xmalloc.h"

#define VNTEXT_MAX_WORDS 64       /* words of a name considered by search */
#define VNTEXT_MAX_QWORDS 16      /* words of a query considered by search */

/* A word inside a larger string: pointer and byte length. */
struct vntext_span {
	const char *p;
	size_t len;
};

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
static char *
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

/* Split the space-separated folded string s into at most max spans. */
static int
vntext_split_folded(const char *s, struct vntext_span *w, int max)
{
	int n = 0;

	while (*s != '\0' && n < max) {
		const char *e;

		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		e = strchr(s, ' ');
		if (e == NULL)
			e = s + strlen(s);
		w[n].p = s;
		w[n].len = (size_t)(e - s);
		n++;
		s = e;
	}
	return n;
}

/*
 * Lower-case NFC words of s, tokenised like folding does (letters, digits
 * and their marks form words).  Returns the malloc'd lower-case text that
 * the spans point into (caller frees), or NULL; *n gets the word count.
 */
static char *
vntext_lower_words(const char *s, struct vntext_span *w, int max, int *n)
{
	uint8_t *low;
	size_t len = 0, i, start = 0;
	char *text;
	int in = 0;

	*n = 0;
	low = u8_tolower((const uint8_t *)s, strlen(s), "vi", UNINORM_NFC, NULL,
	    &len);
	if (low == NULL)
		return NULL;
	text = xmalloc(len + 1);
	memcpy(text, low, len);
	text[len] = '\0';
	free(low);
	for (i = 0; i <= len;) {
		ucs4_t uc = ' ';
		int k = 1, word;

		if (i < len)
			k = u8_mbtouc(&uc, (const uint8_t *)text + i, len - i);
		word = i < len && (uc_is_alnum(uc) || uc == 0x0111 ||
		    uc_is_general_category(uc, UC_CATEGORY_Mn));
		if (word && !in) {
			in = 1;
			start = i;
		} else if (!word && in) {
			in = 0;
			if (*n < max) {
				w[*n].p = text + start;
				w[*n].len = i - start;
				(*n)++;
			}
		}
		i += (size_t)k;
	}
	return text;
}

/* 1 when span a starts with span q. */
static int
vntext_starts(const struct vntext_span *a, const struct vntext_span *q)
{
	return a->len >= q->len && memcmp(a->p, q->p, q->len) == 0;
}

/* The parsed query, shared by the scoring of every procedure. */
struct vntext_query {
	char *folded;
	struct vntext_span fw[VNTEXT_MAX_QWORDS];
	int nf;
	char *lower;                  /* NULL when the query has no marks */
	struct vntext_span lw[VNTEXT_MAX_QWORDS];
	int nl;
	char *code;                   /* trimmed query, for code matches */
};

/* Score procedure p against q; -1 when it does not match. */
static int
vntext_score(const struct config_procedure *p, const struct vntext_query *q)
{
	struct vntext_span nw[VNTEXT_MAX_WORDS], rw[VNTEXT_MAX_WORDS];
	int m[VNTEXT_MAX_QWORDS], whole[VNTEXT_MAX_QWORDS];
	int marks[VNTEXT_MAX_QWORDS];
	int n, nr = 0, i, j, prev = -1, inorder = 1, contiguous = 1;
	int score = 0, allmarks = 1;
	char *lower = NULL;

	if (q->code[0] != '\0' && strcasecmp(q->code, p->code) == 0)
		return 100000;
	if (q->nf == 0 || p->folded == NULL)
		return -1;
	n = vntext_split_folded(p->folded, nw, VNTEXT_MAX_WORDS);
	if (q->lower != NULL) {
		lower = vntext_lower_words(p->name, rw, VNTEXT_MAX_WORDS, &nr);
		if (nr != n)
			nr = 0;       /* tokenisations disagree: folded only */
	}
	for (i = 0; i < q->nf; i++) {
		int best = -1, bestj = -1;

		for (j = 0; j < n; j++) {
			int v, w, mk = 0;

			if (!vntext_starts(&nw[j], &q->fw[i]))
				continue;
			w = nw[j].len == q->fw[i].len;
			if (nr > 0 && i < q->nl)
				mk = vntext_starts(&rw[j], &q->lw[i]);
			v = mk * 4 + w * 2 + (j > prev);
			if (v > best) {
				best = v;
				bestj = j;
			}
		}
		if (bestj < 0) {
			free(lower);
			return -1;
		}
		m[i] = bestj;
		whole[i] = nw[bestj].len == q->fw[i].len;
		marks[i] = nr > 0 && i < q->nl && vntext_starts(&rw[bestj], &q->lw[i]);
		if (bestj <= prev)
			inorder = 0;
		if (i > 0 && bestj != m[i - 1] + 1)
			contiguous = 0;
		prev = bestj;
	}
	free(lower);
	for (i = 0; i < q->nf; i++) {
		score += whole[i] ? 30 : 10;
		if (q->lower != NULL) {
			if (marks[i])
				score += 25;
			else
				allmarks = 0;
		}
	}
	if (q->lower != NULL && allmarks)
		score += 1000;
	if (m[0] == 0)
		score += 40;
	if (inorder && q->nf > 1)
		score += 20;
	if (inorder && contiguous && q->nf > 1)
		score += 30;
	if (strcmp(p->folded, q->folded) == 0)
		score += 100;
	score += VNTEXT_MAX_WORDS - n;     /* shorter names first */
	return score;
}

/* qsort order: score descending, then catalogue order. */
static int
vntext_hit_cmp(const void *a, const void *b)
{
	const struct vntext_hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->procedure > y->procedure) - (x->procedure < y->procedure);
}

/* Search the catalogue; see vntext.h for the rules and ranking. */
int
vntext_search(const struct config *cfg, const char *query,
    struct vntext_hit *out, int max)
{
	struct vntext_query q;
	struct vntext_hit *all;
	size_t qlen, b, e;
	int i, nhits = 0;

	if (query == NULL || !vntext_valid_utf8(query, strlen(query)))
		return -1;
	if (cfg == NULL || max <= 0 || cfg->nprocedures <= 0)
		return 0;
	memset(&q, 0, sizeof(q));
	qlen = strlen(query);
	if ((q.folded = vntext_fold_n(query, qlen)) == NULL)
		return -1;
	q.nf = vntext_split_folded(q.folded, q.fw, VNTEXT_MAX_QWORDS);
	if (vntext_has_diacritics(query))
		q.lower = vntext_lower_words(query, q.lw, VNTEXT_MAX_QWORDS,
		    &q.nl);
	for (b = 0; b < qlen && (query[b] == ' ' || query[b] == '\t'); b++)
		;
	for (e = qlen; e > b && (query[e - 1] == ' ' || query[e - 1] == '\t' ||
	    query[e - 1] == '\n' || query[e - 1] == '\r'); e--)
		;
	q.code = xstrndup(query + b, e - b);

	all = xcalloc((size_t)cfg->nprocedures, sizeof(*all));
	for (i = 0; i < cfg->nprocedures; i++) {
		int s = vntext_score(&cfg->procedures[i], &q);

		if (s >= 0) {
			all[nhits].procedure = i;
			all[nhits].score = s;
			nhits++;
		}
	}
	qsort(all, (size_t)nhits, sizeof(*all), vntext_hit_cmp);
	if (nhits > max)
		nhits = max;
	if (nhits > 0)
		memcpy(out, all, (size_t)nhits * sizeof(*out));
	free(all);
	free(q.folded);
	free(q.lower);
	free(q.code);
	return nhits;
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
