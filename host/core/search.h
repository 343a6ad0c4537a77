/*
 * search.h - procedure search over the catalogue (kiosk and API).
 */
#ifndef ONESTOP_SEARCH_H
#define ONESTOP_SEARCH_H

struct config;

struct search_hit {
	int procedure;     /* index into cfg->procedures */
	int score;         /* higher is better */
};

/*
 * Search the catalogue for query (any form: with or without diacritics,
 * any case, NFC or NFD).  The folded query's words (at most 16) are looked
 * for in each procedure's name, keywords, field and department (weights
 * 1, 1, 0.5, 0.3); a word matches a word whole, as a prefix (the last query
 * word more than the others), or over two to four words typed joined
 * ("kethon"); "i" and "y" of the same syllable are equal ("ki" = "ky").
 * Rare words weigh more, filler words ("làm", "xin", "thủ tục") little.  A
 * procedure scores by the weight of the query it covers, plus bonuses for
 * query words next to each other, for covering a keyword or the name whole,
 * and for a name that starts with the query; a word that matches nothing
 * only costs its weight.  Procedures covering less than 60 % of what the
 * best one covers are left out.  When the query has marks, a word spelt
 * with other marks counts less ("lái" ranks "lái xe" above "cấp lại").
 * The procedure code typed exactly comes first.  Among equals shorter
 * names go first, then catalogue order.  Fills at most max hits into out,
 * best first; returns the count, or -1 if query is not valid UTF-8.
 */
int search_catalogue(const struct config *cfg, const char *query,
    struct search_hit *out, int max);

#endif
