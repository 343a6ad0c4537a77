/*
 * relevance.h - the search relevance set (tests/bench/search/queries.tsv) and
 * its measures, shared by the unit test of search (recall@3 >= 0.9) and the
 * search benchmark.  A header of static functions: both programs include it.
 *
 * queries.tsv: one query a line, "QUERY TAB CODE [TAB comment]"; lines
 * starting with '#' and blank lines are skipped.
 */
#ifndef ONESTOP_TESTS_RELEVANCE_H
#define ONESTOP_TESTS_RELEVANCE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/search.h"

#define REL_MAX 1000             /* queries in the set */
#define REL_DEPTH 10             /* hits looked at for the reciprocal rank */

struct rel_query {
	char query[256];
	char code[40];
	int rank;                    /* 1-based rank of the expected hit, 0 */
};

struct rel_set {
	struct rel_query q[REL_MAX];
	int n;
	int unknown;                 /* expected codes not in the catalogue */
};

/* Read the set at path into s; 0, or -1 (message on stderr). */
static int
rel_load(struct rel_set *s, const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	s->n = 0;
	if (f == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL && s->n < REL_MAX) {
		char *tab, *code, *end;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		code = tab + 1;
		end = code + strcspn(code, "\t\r\n");
		*end = '\0';
		if (strlen(line) >= sizeof s->q[0].query ||
		    strlen(code) >= sizeof s->q[0].code)
			continue;
		strcpy(s->q[s->n].query, line);
		strcpy(s->q[s->n].code, code);
		s->q[s->n].rank = 0;
		s->n++;
	}
	fclose(f);
	return 0;
}

/* Search every query of s over cfg, recording the expected hit's rank. */
static void
rel_run(struct rel_set *s, const struct config *cfg)
{
	struct search_hit h[REL_DEPTH];
	int i, j, n;

	s->unknown = 0;
	for (i = 0; i < s->n; i++) {
		int want = config_procedure_index(cfg, s->q[i].code);

		s->q[i].rank = 0;
		if (want < 0) {
			s->unknown++;
			continue;
		}
		n = search_catalogue(cfg, s->q[i].query, h, REL_DEPTH);
		for (j = 0; j < n; j++)
			if (h[j].procedure == want) {
				s->q[i].rank = j + 1;
				break;
			}
	}
}

/* Share of queries whose expected hit is within the first k. */
static double
rel_recall(const struct rel_set *s, int k)
{
	int i, hit = 0;

	for (i = 0; i < s->n; i++)
		hit += s->q[i].rank > 0 && s->q[i].rank <= k;
	return s->n > 0 ? (double)hit / s->n : 0;
}

/* Mean reciprocal rank over the first REL_DEPTH hits. */
static double
rel_mrr(const struct rel_set *s)
{
	double sum = 0;
	int i;

	for (i = 0; i < s->n; i++)
		if (s->q[i].rank > 0)
			sum += 1.0 / s->q[i].rank;
	return s->n > 0 ? sum / s->n : 0;
}

#endif
