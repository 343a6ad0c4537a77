/*
 * strnum.h - the one strict number parser: a whole decimal integer within
 * bounds, for command lines, config values and request parameters.
 */
#ifndef ONESTOP_STRNUM_H
#define ONESTOP_STRNUM_H

/*
 * Parse all of s as a decimal integer in [lo, hi]: an optional '-' then
 * digits, nothing else (no spaces, no '+', no trailing text).  Returns 0 and
 * sets *out, or -1 (s NULL or empty, not a number, out of range) leaving *out
 * alone.
 */
int strnum_parse(const char *s, long long lo, long long hi, long long *out);

#endif
