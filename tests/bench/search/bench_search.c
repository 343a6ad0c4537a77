/*
 * bench_search.c - how well and how fast procedure search answers: over the
 * relevance set (tests/bench/search/queries.tsv, real visitor queries with
 * the procedure they need) and the demo catalogue, prints recall@1,
 * recall@3, the mean reciprocal rank, the queries whose procedure is not in
 * the first three, and the search time per query.
 *
 * Usage: bench_search [CENTRE.INI [QUERIES.TSV]]   (run from the repo root)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/search.h"
#include "relevance.h"

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	const char *ini = argc > 1 ? argv[1] : "config/demo/centre.ini";
	const char *tsv = argc > 2 ? argv[2] : "tests/bench/search/queries.tsv";
	static struct rel_set set;
	struct search_hit h[20];
	struct config *cfg;
	char err[512];
	double t0, t1, worst = 0;
	int i, r, rounds = 20;

	if (config_load(ini, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "bench_search: %s\n", err);
		return 1;
	}
	if (rel_load(&set, tsv) != 0 || set.n == 0)
		return 1;
	rel_run(&set, cfg);
	for (i = 0; i < set.n; i++)
		if (set.q[i].rank == 0 || set.q[i].rank > 3) {
			int want = config_procedure_index(cfg, set.q[i].code);
			int n = search_catalogue(cfg, set.q[i].query, h, 1);

			printf("  miss  %-34s rank %-2d want %s; first: %s\n",
			    set.q[i].query, set.q[i].rank,
			    want >= 0 ? cfg->procedures[want].name :
			    "(not in the catalogue)",
			    n > 0 ? cfg->procedures[h[0].procedure].name : "-");
		}
	printf("search relevance: %d queries over %d procedures: recall@1 %.3f, "
	    "recall@3 %.3f, MRR %.3f (%d expected codes not in the catalogue)\n",
	    set.n, cfg->nprocedures, rel_recall(&set, 1), rel_recall(&set, 3),
	    rel_mrr(&set), set.unknown);

	t0 = now_ms();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < set.n; i++) {
			double a = now_ms(), b;

			search_catalogue(cfg, set.q[i].query, h, 20);
			b = now_ms();
			if (b - a > worst)
				worst = b - a;
		}
	t1 = now_ms();
	printf("search time: %.3f ms a query on average, %.3f ms at most "
	    "(%d rounds of %d queries, 20 hits)\n",
	    (t1 - t0) / (rounds * set.n), worst, rounds, set.n);
	config_free(cfg);
	return 0;
}
