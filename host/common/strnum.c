/*
 * strnum.c - strict decimal integers (strtoll with end, range and errno
 * checks, and no leading blanks or signs that strtoll would let through).
 */
#include "common/strnum.h"

#include <errno.h>
#include <stdlib.h>

int
strnum_parse(const char *s, long long lo, long long hi, long long *out)
{
	const char *d;
	char *end;
	long long v;

	if (s == NULL)
		return -1;
	d = *s == '-' ? s + 1 : s;
	if (*d < '0' || *d > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}
