/*
 * search.c - procedure search over the catalogue, with ranking.
 *
 * A query is folded (common/vntext: no marks, lower case, words) and each of
 * its words is looked for in every procedure's texts: the name, the keywords
 * (everyday names the catalogue carries: "sổ đỏ", "bằng lái"), the field
 * (lĩnh vực) and the department, each text with a weight.  A query word
 * matches a word whole, as a prefix (less; the last word of the query, still
 * being typed, more), or spread over two or three words typed joined
 * ("kethon" = "kết hôn"); "i" and "y" that spell the same syllable are equal
 * ("ki" = "ky", "li" = "ly", "sĩ" = "sỹ").  A word weighs by how rare it is
 * in the catalogue (filler words like "làm", "xin", "thủ tục" weigh little),
 * and a procedure scores by the weight of the query it covers, plus bonuses
 * for query words found next to each other in one text, for covering one of
 * its keywords or its whole name, and for a name that starts with the query.
 * Query words that match nothing only cost their weight: the query does not
 * fail.  When the query carries marks, a word spelt with other marks ("dạng"
 * for "đăng") counts less.
 *
 * Two passes: the first finds, cheaply, which words match where (for the
 * weights and the cut: a procedure covering less than 60 % of what the best
 * one covers is dropped); the second scores the procedures that are left,
 * choosing for every query word the place that gives the best total.
 */
#include "core/search.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "common/vntext.h"
#include "common/xmalloc.h"
#include "core/config.h"

#define SEARCH_MAX_QWORDS 16      /* words of a query considered */
#define SEARCH_MAX_DWORDS 256     /* words of one procedure's texts */
#define SEARCH_MAX_CANDS 8        /* places kept per query word */
#define SEARCH_SIG 16             /* bytes of a word's marks signature */
#define SEARCH_CUT 0.6            /* keep what covers 60 % of the best */
#define SEARCH_CODE_SCORE 10000000

/* The texts of a procedure, and how much a match in each counts. */
enum search_src { SRC_NAME, SRC_KEYWORD, SRC_FIELD, SRC_DEPT, SRC_N };
static const double search_src_weight[SRC_N] = { 1.0, 1.0, 0.5, 0.3 };

/* Match qualities. */
#define Q_WHOLE 1.0
#define Q_JOINED 0.9
#define Q_PREFIX_LAST 0.6         /* prefix, last word of the query */
#define Q_PREFIX 0.3              /* prefix, another word */
#define Q_OTHER_MARKS 0.6         /* factor: the same word with other marks */
#define FILLER_WEIGHT 0.2         /* factor on a filler word's weight */

/* Bonuses, as fractions of the weight they are about. */
#define B_ADJACENT 0.3            /* two query words next to each other */
#define B_INORDER 0.05            /* two query words in order in one text */
#define B_KEYWORD 0.4             /* a keyword covered whole */
#define B_EXACT 0.3               /* the query is a keyword or the name */
#define B_START 0.1               /* the name starts with the query */

/* Words that say little about the procedure (folded). */
static const char *const search_fillers[] = {
	"lam", "xin", "toi", "em", "muon", "can", "dau", "nao", "gi", "cho",
	"ve", "viec", "giup", "nha", "voi", "cua", "duoc", "oi", "nhe", "a",
	"ak", "the nao", "thu tuc", "ho so", "o dau", "bao nhieu", NULL
};

/* A word inside a larger string: pointer and byte length. */
struct search_span {
	const char *p;
	size_t len;
};

/* A word of a procedure's texts. */
struct search_dword {
	const char *p;
	size_t len;
	int src;                      /* enum search_src */
	int seg;                      /* text (each keyword is its own) */
	int pos;                      /* index within its text */
	const char *sig;              /* marks signature, or NULL */
};

/* One procedure's words (and, with marks, their signatures). */
struct search_doc {
	struct search_dword w[SEARCH_MAX_DWORDS];
	int n;
	int nseg;
	int seglen[SEARCH_MAX_DWORDS]; /* words of each text */
	int segsrc[SEARCH_MAX_DWORDS];
	int name_words;
	char sigbuf[SEARCH_MAX_DWORDS][SEARCH_SIG];
};

/* The parsed query, shared by the scoring of every procedure. */
struct search_query {
	char *folded;
	struct search_span w[SEARCH_MAX_QWORDS];
	int n;
	int filler[SEARCH_MAX_QWORDS];
	char sig[SEARCH_MAX_QWORDS][SEARCH_SIG];  /* "" = no marks typed */
	int marks;                    /* the query has marks */
	double weight[SEARCH_MAX_QWORDS];
	char *code;                   /* trimmed query, for code matches */
	char **dept;                  /* folded department names */
	int ndept;
};

/* A place where a query word matches. */
struct search_cand {
	double q;                     /* quality x text weight */
	int seg, pos, end;            /* text, first and last word */
	int src;
};

/* ---- words -------------------------------------------------------------- */

/* 1 when the folded word s (n bytes) is consonants + i/y, or "qu" + i/y:
 * the syllables spelt with either letter (kí/ký, lí/lý, sĩ/sỹ, quí/quý). */
static int
search_iy_word(const char *s, size_t n)
{
	size_t k;

	if (n == 0 || (s[n - 1] != 'i' && s[n - 1] != 'y'))
		return 0;
	for (k = 0; k + 1 < n; k++) {
		if (strchr("bcdghklmnpqrstvx", s[k]) != NULL && s[k] != '\0')
			continue;
		if (k == 1 && s[0] == 'q' && s[1] == 'u')
			continue;
		return 0;
	}
	return 1;
}

/* 1 when folded words a and b are the same word (i/y as above). */
static int
search_eq(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn || an == 0)
		return 0;
	if (memcmp(a, b, an - 1) != 0)
		return 0;
	if (a[an - 1] == b[an - 1])
		return 1;
	return search_iy_word(a, an) && search_iy_word(b, bn);
}

/* Marks signature code of a combining mark or of đ. */
static char
search_mark_code(ucs4_t uc)
{
	switch (uc) {
	case 0x0300: return '1';      /* huyền */
	case 0x0301: return '2';      /* sắc */
	case 0x0303: return '3';      /* ngã */
	case 0x0309: return '4';      /* hỏi */
	case 0x0323: return '5';      /* nặng */
	case 0x0302: return 'c';      /* circumflex: â ê ô */
	case 0x0306: return 'b';      /* breve: ă */
	case 0x031b: return 'h';      /* horn: ơ ư */
	case 0x0110: case 0x0111: return 'd';
	default: return 'x';
	}
}

/*
 * Marks signatures of the words of s (any form), tokenised as folding does:
 * for each word the codes of its marks in order, so that two words with the
 * same folded letters are spelt alike when their signatures are equal.
 * Fills at most max signatures; returns the word count (which may exceed
 * max), or -1 when s cannot be read.
 */
static int
search_sigs(const char *s, char (*sig)[SEARCH_SIG], int max)
{
	uint8_t *nfd;
	size_t len = 0, i, k = 0;
	int n = 0, in = 0;

	if (s == NULL)
		return -1;
	nfd = u8_normalize(UNINORM_NFD, (const uint8_t *)s, strlen(s), NULL,
	    &len);
	if (nfd == NULL)
		return -1;
	for (i = 0; i < len;) {
		ucs4_t uc;
		int m = u8_mbtouc(&uc, nfd + i, len - i);

		i += (size_t)(m > 0 ? m : 1);
		if (uc_is_general_category(uc, UC_CATEGORY_Mn)) {
			if (in && n <= max && k + 1 < SEARCH_SIG) {
				sig[n - 1][k++] = search_mark_code(uc);
				sig[n - 1][k] = '\0';
			}
			continue;
		}
		if (uc_is_alnum(uc)) {
			if (!in) {
				in = 1;
				n++;
				k = 0;
			}
			if ((uc == 0x0110 || uc == 0x0111) && n <= max &&
			    k + 1 < SEARCH_SIG)
				sig[n - 1][k++] = 'd';
			if (n <= max)
				sig[n - 1][k] = '\0';
			continue;
		}
		in = 0;
	}
	free(nfd);
	return n;
}

/* Split folded text s into words of source src, appending to d; ';' (in
 * keywords) starts a new text. */
static void
search_doc_add(struct search_doc *d, const char *s, int src)
{
	int pos = 0, first = d->n;

	if (s == NULL || *s == '\0')
		return;
	if (d->nseg >= SEARCH_MAX_DWORDS)
		return;
	d->segsrc[d->nseg] = src;
	d->seglen[d->nseg] = 0;
	while (*s != '\0' && d->n < SEARCH_MAX_DWORDS) {
		const char *e;

		if (*s == ' ') {
			s++;
			continue;
		}
		if (*s == ';') {
			s++;
			if (pos > 0 && d->nseg + 1 < SEARCH_MAX_DWORDS) {
				d->nseg++;
				d->segsrc[d->nseg] = src;
				d->seglen[d->nseg] = 0;
				pos = 0;
			}
			continue;
		}
		e = s + strcspn(s, " ;");
		d->w[d->n].p = s;
		d->w[d->n].len = (size_t)(e - s);
		d->w[d->n].src = src;
		d->w[d->n].seg = d->nseg;
		d->w[d->n].pos = pos++;
		d->w[d->n].sig = NULL;
		d->seglen[d->nseg]++;
		d->n++;
		s = e;
	}
	if (pos > 0)
		d->nseg++;
	if (src == SRC_NAME)
		d->name_words = d->n - first;
}

/* Attach the marks signatures of the NFC text s to the words of source
 * src in d, when both tokenisations agree on the word count. */
static void
search_doc_sigs(struct search_doc *d, const char *s, int src)
{
	char (*sig)[SEARCH_SIG];
	int i, first = -1, count = 0, n;

	for (i = 0; i < d->n; i++)
		if (d->w[i].src == src) {
			if (first < 0)
				first = i;
			count++;
		}
	if (count == 0 || s == NULL)
		return;
	sig = &d->sigbuf[first];
	n = search_sigs(s, sig, count);
	if (n != count)
		return;
	for (i = 0; i < count; i++)
		d->w[first + i].sig = d->sigbuf[first + i];
}

/* Build the words of procedure p (with signatures when marks is set). */
static void
search_doc_build(struct search_doc *d, const struct config_procedure *p,
    const struct search_query *q, int marks)
{
	d->n = 0;
	d->nseg = 0;
	d->name_words = 0;
	search_doc_add(d, p->folded, SRC_NAME);
	search_doc_add(d, p->folded_keywords, SRC_KEYWORD);
	search_doc_add(d, p->folded_field, SRC_FIELD);
	if (p->department >= 0 && p->department < q->ndept)
		search_doc_add(d, q->dept[p->department], SRC_DEPT);
	if (marks) {
		search_doc_sigs(d, p->name, SRC_NAME);
		search_doc_sigs(d, p->keywords, SRC_KEYWORD);
		search_doc_sigs(d, p->field, SRC_FIELD);
	}
}

/* ---- matching ----------------------------------------------------------- */

/* Factor for marks: query signature qs against doc word signature ds. */
static double
search_marks_factor(const char *qs, const char *ds, int prefix)
{
	if (qs == NULL || qs[0] == '\0' || ds == NULL)
		return 1.0;
	if (prefix ? strncmp(ds, qs, strlen(qs)) == 0 : strcmp(ds, qs) == 0)
		return 1.0;
	return Q_OTHER_MARKS;
}

/* Keep candidate c among the best SEARCH_MAX_CANDS of cs (count *n). */
static void
search_keep(struct search_cand *cs, int *n, const struct search_cand *c)
{
	int i, worst = 0;

	if (*n < SEARCH_MAX_CANDS) {
		cs[(*n)++] = *c;
		return;
	}
	for (i = 1; i < *n; i++)
		if (cs[i].q < cs[worst].q)
			worst = i;
	if (c->q > cs[worst].q)
		cs[worst] = *c;
}

/*
 * Places where query word i matches in d, best kept in cs (at most
 * SEARCH_MAX_CANDS); returns their count.  *best gets the best quality.
 */
static int
search_cands(const struct search_query *q, int i, const struct search_doc *d,
    struct search_cand *cs, double *best)
{
	const struct search_span *w = &q->w[i];
	const char *qs = q->marks ? q->sig[i] : NULL;
	int last = i == q->n - 1, j, n = 0;

	*best = 0;
	for (j = 0; j < d->n; j++) {
		const struct search_dword *dw = &d->w[j];
		struct search_cand c;
		double v = 0;
		int end = j;

		if (search_eq(w->p, w->len, dw->p, dw->len))
			v = Q_WHOLE * search_marks_factor(qs, dw->sig, 0);
		else if (dw->len > w->len && memcmp(dw->p, w->p, w->len) == 0)
			v = (last ? Q_PREFIX_LAST : Q_PREFIX) *
			    search_marks_factor(qs, dw->sig, 1);
		else if (w->len > dw->len && w->len >= 4) {
			/* Joined: this word and the next one to three. */
			size_t off = 0;
			int k;

			for (k = j; k < d->n && k < j + 4 &&
			    d->w[k].seg == dw->seg; k++) {
				const struct search_dword *x = &d->w[k];

				if (w->len - off < x->len ||
				    !search_eq(w->p + off, x->len, x->p, x->len))
					break;
				off += x->len;
				if (off == w->len) {
					if (k > j) {
						v = Q_JOINED;
						end = k;
					}
					break;
				}
			}
		}
		if (v <= 0)
			continue;
		c.q = v * search_src_weight[dw->src];
		c.seg = dw->seg;
		c.pos = dw->pos;
		c.end = dw->pos + (end - j);
		c.src = dw->src;
		if (c.q > *best)
			*best = c.q;
		search_keep(cs, &n, &c);
	}
	return n;
}

/* Phase 1: best quality of every query word in procedure p into best[];
 * returns 1 when some word matches. */
static int
search_quick(const struct search_query *q, const struct config_procedure *p,
    struct search_doc *d, double *best, int *in_text)
{
	struct search_cand cs[SEARCH_MAX_CANDS];
	int i, j, any = 0;

	search_doc_build(d, p, q, 0);
	for (i = 0; i < q->n; i++) {
		int n = search_cands(q, i, d, cs, &best[i]);

		in_text[i] = 0;
		for (j = 0; j < n; j++)
			if (cs[j].src == SRC_NAME || cs[j].src == SRC_KEYWORD)
				in_text[i] = 1;
		any |= n > 0;
	}
	return any;
}

/*
 * Phase 2: the score of procedure p (see the top of the file), choosing the
 * place of every query word that gives the best total (a small dynamic
 * programme over the query words: the bonus for two words next to each
 * other depends on both places).
 */
static double
search_full(const struct search_query *q, const struct config_procedure *p,
    struct search_doc *d)
{
	struct search_cand cs[SEARCH_MAX_QWORDS][SEARCH_MAX_CANDS];
	int nc[SEARCH_MAX_QWORDS], from[SEARCH_MAX_QWORDS][SEARCH_MAX_CANDS];
	double val[SEARCH_MAX_QWORDS][SEARCH_MAX_CANDS];
	int pick[SEARCH_MAX_QWORDS];
	double carried = 0, total, wsum = 0, best;
	int i, j, k, prev = -1, s;

	search_doc_build(d, p, q, q->marks);
	for (i = 0; i < q->n; i++) {
		nc[i] = q->weight[i] > 0 ? search_cands(q, i, d, cs[i], &best) : 0;
		pick[i] = -1;
		wsum += q->weight[i];
		for (j = 0; j < nc[i]; j++) {
			double base = q->weight[i] * cs[i][j].q, v = carried + base;

			from[i][j] = -1;
			if (prev == i - 1 && prev >= 0)
				for (k = 0; k < nc[prev]; k++) {
					const struct search_cand *a = &cs[prev][k];
					const struct search_cand *b = &cs[i][j];
					double bonus = 0, t;

					if (a->seg == b->seg && b->pos == a->end + 1)
						bonus = B_ADJACENT * (q->weight[prev] *
						    a->q + base) / 2;
					else if (a->seg == b->seg && b->pos > a->end)
						bonus = B_INORDER * (q->weight[prev] *
						    a->q + base) / 2;
					t = val[prev][k] + base + bonus;
					if (t > v) {
						v = t;
						from[i][j] = k;
					}
				}
			val[i][j] = v;
		}
		if (nc[i] > 0) {
			carried = val[i][0];
			for (j = 1; j < nc[i]; j++)
				if (val[i][j] > carried)
					carried = val[i][j];
			prev = i;
		}
	}
	if (prev < 0)
		return 0;
	total = carried;
	/* Back-track the chosen places. */
	for (j = 0, k = 1; k < nc[prev]; k++)
		if (val[prev][k] > val[prev][j])
			j = k;
	for (i = prev; i >= 0; ) {
		int f;

		pick[i] = j;
		f = from[i][j];
		if (f >= 0) {
			j = f;
			i--;
			continue;
		}
		/* Came from the carried best: the best place of an earlier
		 * word with candidates. */
		for (i--; i >= 0 && nc[i] == 0; i--)
			;
		if (i < 0)
			break;
		for (j = 0, k = 1; k < nc[i]; k++)
			if (val[i][k] > val[i][j])
				j = k;
	}
	/* Keywords or the name covered whole (by any of the places found, not
	 * only the chosen ones); the query being one of them. */
	for (s = 0; s < d->nseg; s++) {
		unsigned char cov[SEARCH_MAX_DWORDS];
		double in = 0;
		int covered = 0, all = 1, x;

		if (d->segsrc[s] != SRC_KEYWORD && d->segsrc[s] != SRC_NAME)
			continue;
		memset(cov, 0, sizeof(cov));
		for (i = 0; i < q->n; i++) {
			double bq = 0;
			int bj = -1;

			for (j = 0; j < nc[i]; j++)
				if (cs[i][j].seg == s && cs[i][j].q > bq) {
					bq = cs[i][j].q;
					bj = j;
				}
			for (x = bj >= 0 ? cs[i][bj].pos : 1; bj >= 0 &&
			    x <= cs[i][bj].end && x < SEARCH_MAX_DWORDS; x++)
				cov[x] = 1;
			in += q->weight[i] * bq;
			if (bq <= 0 && !q->filler[i] && q->weight[i] > 0)
				all = 0;
		}
		for (x = 0; x < d->seglen[s] && x < SEARCH_MAX_DWORDS; x++)
			covered += cov[x];
		if (covered < d->seglen[s])
			continue;
		if (d->segsrc[s] == SRC_KEYWORD)
			total += B_KEYWORD * in;
		if (all)
			total += B_EXACT * wsum;
	}
	/* The name starts with the query's first content word. */
	for (i = 0; i < q->n; i++) {
		if (pick[i] < 0 || q->filler[i])
			continue;
		if (cs[i][pick[i]].src == SRC_NAME && cs[i][pick[i]].pos == 0)
			total += B_START * q->weight[i] * cs[i][pick[i]].q;
		break;
	}
	return total;
}

/* ---- the query ---------------------------------------------------------- */

/* Split the folded query into words and mark the filler ones. */
static void
search_query_words(struct search_query *q)
{
	const char *s = q->folded;
	int i, f;

	q->n = 0;
	while (*s != '\0' && q->n < SEARCH_MAX_QWORDS) {
		const char *e;

		if (*s == ' ') {
			s++;
			continue;
		}
		e = strchr(s, ' ');
		if (e == NULL)
			e = s + strlen(s);
		q->w[q->n].p = s;
		q->w[q->n].len = (size_t)(e - s);
		q->n++;
		s = e;
	}
	for (i = 0; i < q->n; i++)
		q->filler[i] = 0;
	for (f = 0; search_fillers[f] != NULL; f++) {
		const char *fw = search_fillers[f], *sp = strchr(fw, ' ');

		for (i = 0; i < q->n; i++) {
			if (sp == NULL) {
				if (q->w[i].len == strlen(fw) &&
				    memcmp(q->w[i].p, fw, q->w[i].len) == 0)
					q->filler[i] = 1;
			} else if (i + 1 < q->n &&
			    q->w[i].len == (size_t)(sp - fw) &&
			    memcmp(q->w[i].p, fw, q->w[i].len) == 0 &&
			    q->w[i + 1].len == strlen(sp + 1) &&
			    memcmp(q->w[i + 1].p, sp + 1, q->w[i + 1].len) == 0)
				q->filler[i] = q->filler[i + 1] = 1;
		}
	}
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
	struct search_doc *d;
	struct search_hit *all;
	double *best, *cover, top = 0;
	int *in_text, df[SEARCH_MAX_QWORDS] = { 0 };
	int anydf[SEARCH_MAX_QWORDS] = { 0 };
	size_t qlen, b, e;
	int i, j, np, nhits = 0, content = 0;

	if (query == NULL || !vntext_valid_utf8(query, strlen(query)))
		return -1;
	if (cfg == NULL || max <= 0 || cfg->nprocedures <= 0)
		return 0;
	np = cfg->nprocedures;
	memset(&q, 0, sizeof(q));
	qlen = strlen(query);
	if ((q.folded = vntext_fold_n(query, qlen)) == NULL)
		return -1;
	search_query_words(&q);
	if (vntext_has_diacritics(query)) {
		char sig[SEARCH_MAX_QWORDS][SEARCH_SIG];
		char *t = xstrndup(query, qlen);

		memset(sig, 0, sizeof(sig));
		j = search_sigs(t, sig, SEARCH_MAX_QWORDS);
		if (j == q.n || (q.n == SEARCH_MAX_QWORDS && j > q.n)) {
			q.marks = 1;
			memcpy(q.sig, sig, sizeof(sig));
		}
		free(t);
	}
	for (b = 0; b < qlen && (query[b] == ' ' || query[b] == '\t'); b++)
		;
	for (e = qlen; e > b && (query[e - 1] == ' ' || query[e - 1] == '\t' ||
	    query[e - 1] == '\n' || query[e - 1] == '\r'); e--)
		;
	q.code = xstrndup(query + b, e - b);
	q.ndept = cfg->ndepartments;
	q.dept = q.ndept > 0 ? xcalloc((size_t)q.ndept, sizeof(*q.dept)) : NULL;
	for (i = 0; i < q.ndept; i++)
		q.dept[i] = cfg->departments[i].name != NULL ?
		    vntext_fold(cfg->departments[i].name) : NULL;

	d = xmalloc(sizeof(*d));
	all = xcalloc((size_t)np, sizeof(*all));
	best = xcalloc((size_t)np * SEARCH_MAX_QWORDS, sizeof(*best));
	in_text = xcalloc((size_t)np * SEARCH_MAX_QWORDS, sizeof(*in_text));
	cover = xcalloc((size_t)np, sizeof(*cover));

	/* Phase 1: where each word matches; the words' weights. */
	for (i = 0; i < np && q.n > 0; i++) {
		double *bi = &best[(size_t)i * SEARCH_MAX_QWORDS];
		int *ti = &in_text[(size_t)i * SEARCH_MAX_QWORDS];

		if (!search_quick(&q, &cfg->procedures[i], d, bi, ti))
			continue;
		for (j = 0; j < q.n; j++) {
			df[j] += ti[j];
			anydf[j] += bi[j] > 0;
		}
	}
	for (j = 0; j < q.n; j++) {
		q.weight[j] = anydf[j] == 0 ? 0 :
		    log((np + 1.0) / (df[j] + 0.5));
		if (q.filler[j])
			q.weight[j] *= FILLER_WEIGHT;
		if (anydf[j] > 0 && !q.filler[j])
			content = 1;
	}
	for (i = 0; i < np && q.n > 0; i++) {
		const double *bi = &best[(size_t)i * SEARCH_MAX_QWORDS];
		int has = 0;

		for (j = 0; j < q.n; j++) {
			cover[i] += q.weight[j] * bi[j];
			has |= bi[j] > 0 && !q.filler[j];
		}
		if (content && !has)
			cover[i] = 0;
		if (cover[i] > top)
			top = cover[i];
	}

	/* Phase 2: score what covers enough; a code goes first. */
	for (i = 0; i < np; i++) {
		const struct config_procedure *p = &cfg->procedures[i];
		double s;

		if (q.code[0] != '\0' && p->code != NULL &&
		    strcasecmp(q.code, p->code) == 0) {
			all[nhits].procedure = i;
			all[nhits].score = SEARCH_CODE_SCORE;
			nhits++;
			continue;
		}
		if (top <= 0 || cover[i] <= 0 || cover[i] < SEARCH_CUT * top)
			continue;
		s = search_full(&q, p, d);
		all[nhits].procedure = i;
		all[nhits].score = (int)lround(s * 1000) - d->name_words;
		if (all[nhits].score < 1)
			all[nhits].score = 1;
		nhits++;
	}
	qsort(all, (size_t)nhits, sizeof(*all), search_hit_cmp);
	if (nhits > max)
		nhits = max;
	if (nhits > 0)
		memcpy(out, all, (size_t)nhits * sizeof(*out));
	for (i = 0; i < q.ndept; i++)
		free(q.dept[i]);
	free(q.dept);
	free(cover);
	free(in_text);
	free(best);
	free(all);
	free(d);
	free(q.folded);
	free(q.code);
	return nhits;
}
