/*
 * gsm7.h - text for an SMS gateway that takes the GSM 03.38 default
 * alphabet (GSM-7): Vietnamese without its diacritics, case kept.
 *
 * vntext_fold is for search (lower case, punctuation gone); an SMS must
 * stay readable: "Mời số 1023 đến Quầy 2." becomes "Moi so 1023 den Quay
 * 2.".  Tone and vowel marks are dropped (NFD, then every combining mark
 * U+0300..U+036F goes), đ -> d and Đ -> D, and what GSM-7 cannot carry in
 * one septet is replaced: other letters and symbols by '?', line breaks and
 * tabs by a space.  The result is 7-bit ASCII, each character one septet.
 */
#ifndef ONESTOP_GSM7_H
#define ONESTOP_GSM7_H

#include <stddef.h>

/* The GSM-7 form of UTF-8 s (malloc'd, caller frees), cut to at most max
 * characters (0: no limit) on a word boundary when it can; NULL when s is
 * not valid UTF-8. */
char *gsm7_from_utf8(const char *s, size_t max);

/* 1 when every byte of s is a single-septet GSM-7 character. */
int gsm7_is_plain(const char *s);

#endif
