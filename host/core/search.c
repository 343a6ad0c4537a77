/*
 * search.c - procedure search over the catalogue, with ranking.
 *
 * The folded query (common/vntext) is matched against the folded names the
 * catalogue already holds (struct config_procedure.folded); when the query
 * carries marks, the NFC lower-case words are compared too so that exact
 * spellings rank first.
 */
#include "core/search.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "common/vntext.h"
#include "common/xmalloc.h"
#include "core/config.h"

#define SEARCH_MAX_WORDS 64       /* words of a name considered by search */
#define SEARCH_MAX_QWORDS 16      /* words of a query considered by search */

/* A word inside a larger string: pointer and byte length. */
struct search_span {
	const char *p;
	size_t len;
};

/* Split the space-separated folded string s into at most max spans. */
static int
search_split_folded(const char *s, struct search_span *w, int max)
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
search_lower_words(const char *s, struct search_span *w, int max, int *n)
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
search_starts(const struct search_span *a, const struct search_span *q)
{
	return a->len >= q->len && memcmp(a->p, q->p, q->len) == 0;
}

/* The parsed query, shared by the scoring of every procedure. */
struct search_query {
	char *folded;
	struct search_span fw[SEARCH_MAX_QWORDS];
	int nf;
	char *lower;                  /* NULL when the query has no marks */
	struct search_span lw[SEARCH_MAX_QWORDS];
	int nl;
	char *code;                   /* trimmed query, for code matches */
};

/* Score procedure p against q; -1 when it does not match. */
static int
search_score(const struct config_procedure *p, const struct search_query *q)
{
	struct search_span nw[SEARCH_MAX_WORDS], rw[SEARCH_MAX_WORDS];
	int m[SEARCH_MAX_QWORDS], whole[SEARCH_MAX_QWORDS];
	int marks[SEARCH_MAX_QWORDS];
	int n, nr = 0, i, j, prev = -1, inorder = 1, contiguous = 1;
	int score = 0, allmarks = 1;
	char *lower = NULL;

	if (q->code[0] != '\0' && strcasecmp(q->code, p->code) == 0)
		return 100000;
	if (q->nf == 0 || p->folded == NULL)
		return -1;
	n = search_split_folded(p->folded, nw, SEARCH_MAX_WORDS);
	if (q->lower != NULL) {
		lower = search_lower_words(p->name, rw, SEARCH_MAX_WORDS, &nr);
		if (nr != n)
			nr = 0;       /* tokenisations disagree: folded only */
	}
	for (i = 0; i < q->nf; i++) {
		int best = -1, bestj = -1;

		for (j = 0; j < n; j++) {
			int v, w, mk = 0;

			if (!search_starts(&nw[j], &q->fw[i]))
				continue;
			w = nw[j].len == q->fw[i].len;
			if (nr > 0 && i < q->nl)
				mk = search_starts(&rw[j], &q->lw[i]);
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
		marks[i] = nr > 0 && i < q->nl && search_starts(&rw[bestj], &q->lw[i]);
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
	score += SEARCH_MAX_WORDS - n;     /* shorter names first */
	return score;
}

/* qsort order: score descending, then catalogue order. */
static int
search_hit_cmp(const void *a, const void *b)
{
	const struct search_hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->procedure > y->procedure) - (x->procedure < y->procedure);
}

/* Search the catalogue; see search.h for the rules and ranking. */
int
search_catalogue(const struct config *cfg, const char *query,
    struct search_hit *out, int max)
{
	struct search_query q;
	struct search_hit *all;
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
	q.nf = search_split_folded(q.folded, q.fw, SEARCH_MAX_QWORDS);
	if (vntext_has_diacritics(query))
		q.lower = search_lower_words(query, q.lw, SEARCH_MAX_QWORDS,
		    &q.nl);
	for (b = 0; b < qlen && (query[b] == ' ' || query[b] == '\t'); b++)
		;
	for (e = qlen; e > b && (query[e - 1] == ' ' || query[e - 1] == '\t' ||
	    query[e - 1] == '\n' || query[e - 1] == '\r'); e--)
		;
	q.code = xstrndup(query + b, e - b);

	all = xcalloc((size_t)cfg->nprocedures, sizeof(*all));
	for (i = 0; i < cfg->nprocedures; i++) {
		int s = search_score(&cfg->procedures[i], &q);

		if (s >= 0) {
			all[nhits].procedure = i;
			all[nhits].score = s;
			nhits++;
		}
	}
	qsort(all, (size_t)nhits, sizeof(*all), search_hit_cmp);
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

