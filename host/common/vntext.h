/*
 * vntext.h - Vietnamese text helpers: NFC normalisation (libunistring),
 * diacritic folding for search, and procedure search with ranking.
 *
 * Folding maps a UTF-8 string to lower-case ASCII words: every Vietnamese
 * letter loses its tone and vowel marks ("Đăng ký" -> "dang ky"), "đ" -> "d",
 * punctuation becomes a single space, runs of spaces collapse, no leading or
 * trailing space.  Input may be NFC or NFD.
 */
#ifndef ONESTOP_VNTEXT_H
#define ONESTOP_VNTEXT_H

#include <stddef.h>

struct config;

/* 1 when s is valid UTF-8 of length len (no NUL inside), else 0. */
int vntext_valid_utf8(const char *s, size_t len);

/* NFC copy of s (malloc'd, caller frees), or NULL if s is not valid UTF-8. */
char *vntext_nfc(const char *s);

/* Folded copy of s (malloc'd, caller frees), or NULL if not valid UTF-8. */
char *vntext_fold(const char *s);

/* 1 when s has any letter with a Vietnamese diacritic (or đ/Đ). */
int vntext_has_diacritics(const char *s);

struct vntext_hit {
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
int vntext_search(const struct config *cfg, const char *query,
    struct vntext_hit *out, int max);

/*
 * Shorten UTF-8 text to at most max_chars characters on a character (not
 * byte) boundary, preferring a word boundary, appending "…" when cut.
 * Returns a malloc'd string.
 */
char *vntext_ellipsize(const char *s, size_t max_chars);

/* Number of characters (code points) in valid UTF-8 s. */
size_t vntext_length(const char *s);

#endif
