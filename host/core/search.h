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
 * any case, NFC or NFD).  Every word of the folded query must match the
 * start of a word of the folded name (or the procedure code exactly).
 * When the query has diacritics, names whose NFC lower-case form contains
 * the query's lower-case words with the same marks rank higher than names
 * that only match when folded ("Đăng ký" ranks "đăng ký" above "dạng ký").
 * Ranking also favours: whole-word over prefix matches, matches at the
 * start of the name, query words in order, shorter names.  Ties keep the
 * catalogue order.  Fills at most max hits into out, best first; returns
 * the count, or -1 if query is not valid UTF-8.
 */
int search_catalogue(const struct config *cfg, const char *query,
    struct search_hit *out, int max);

#endif
