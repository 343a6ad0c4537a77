/*
 * vntext.h - Vietnamese text helpers: NFC normalisation (libunistring),
 * diacritic folding for search.
 *
 * Folding maps a UTF-8 string to lower-case ASCII words: every Vietnamese
 * letter loses its tone and vowel marks ("Đăng ký" -> "dang ky"), "đ" -> "d",
 * punctuation becomes a single space, runs of spaces collapse, no leading or
 * trailing space.  Input may be NFC or NFD.
 */
#ifndef ONESTOP_VNTEXT_H
#define ONESTOP_VNTEXT_H

#include <stddef.h>

/* 1 when s is valid UTF-8 of length len (no NUL inside), else 0. */
int vntext_valid_utf8(const char *s, size_t len);

/* NFC copy of s (malloc'd, caller frees), or NULL if s is not valid UTF-8. */
char *vntext_nfc(const char *s);

/* Folded copy of s (malloc'd, caller frees), or NULL if not valid UTF-8. */
char *vntext_fold(const char *s);

/* 1 when s has any letter with a Vietnamese diacritic (or đ/Đ). */
int vntext_has_diacritics(const char *s);

/* Folded copy of the first len bytes of s (malloc'd), or NULL. */
char *vntext_fold_n(const char *s, size_t len);

/*
 * Shorten UTF-8 text to at most max_chars characters on a character (not
 * byte) boundary, preferring a word boundary, appending "…" when cut.
 * Returns a malloc'd string.
 */
char *vntext_ellipsize(const char *s, size_t max_chars);

/*
 * Copy src into dst[size] (always NUL-terminated when size > 0), keeping only
 * whole characters: the longest prefix of src that is valid UTF-8 and fits in
 * size - 1 bytes.  A multi-byte character is never split, so the copy is
 * valid UTF-8 whatever src holds (the copy stops at an invalid byte).  For
 * fixed-size text fields.  Returns 1 when all of src was copied, 0 when it
 * was cut (src NULL copies "" and returns 1).
 */
int vntext_copy_utf8(char *dst, size_t size, const char *src);

/* Number of characters (code points) in valid UTF-8 s. */
size_t vntext_length(const char *s);

#endif
