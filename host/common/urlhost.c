/*
 * urlhost.c - the host of an Origin or Referer (urlhost.h).
 */
#include "common/urlhost.h"

#include <string.h>

int
urlhost(const char *url, char *out, size_t outlen)
{
	const char *p = strstr(url, "://"), *end;

	if (p == NULL)
		return -1;
	p += 3;
	end = p + strcspn(p, "/?#");
	if (end == p || (size_t)(end - p) >= outlen || memchr(p, '@', (size_t)(end - p)))
		return -1;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return 0;
}
