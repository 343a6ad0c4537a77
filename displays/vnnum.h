/*
 * vnnum.h - reading numbers aloud the Vietnamese way, and the call sentence
 * the wall display announces.  Pure functions, no allocation.
 *
 * Rules (northern usage, as announced in service centres): 15 "mười lăm",
 * 21 "hai mươi mốt", 24 "hai mươi tư", 105 "một trăm linh năm",
 * 1023 "một nghìn không trăm hai mươi ba", 2004 "hai nghìn không trăm linh
 * bốn".  A group after a higher one always says its hundreds ("không trăm").
 */
#ifndef ONESTOP_VNNUM_H
#define ONESTOP_VNNUM_H

#include <stddef.h>

#define VNNUM_MAX 999999999L

/*
 * Write the words for n (0..VNNUM_MAX) into out (UTF-8, NFC, words separated
 * by one space).  Returns the length written, or -1 when n is out of range or
 * out is too small (out then holds "").
 */
int vnnum_words(long n, char *out, size_t outlen);

/*
 * The call sentence "Mời công dân có số <number> đến quầy số <counter>",
 * numbers in words; a recall starts with "Xin nhắc lại. ".  Returns the
 * length, or -1 (out holds "").
 */
int vnnum_call_sentence(int number, int counter, int recall, char *out,
    size_t outlen);

#endif
