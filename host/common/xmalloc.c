/*
 * xmalloc.c - allocation wrappers for the daemon and tools: on failure they
 * print one line and exit, so that callers need no NULL checks.
 */
#include "common/xmalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void __attribute__((noreturn))
xmalloc_fail(const char *what, size_t n, size_t size)
{
	fprintf(stderr, "fatal: %s: %zu x %zu bytes: %s\n", what, n, size,
	    strerror(errno ? errno : ENOMEM));
	exit(1);
}

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		xmalloc_fail("xmalloc", 1, size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		xmalloc_fail("xcalloc", nmemb, size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (SIZE_MAX / nmemb < size) {
		errno = ENOMEM;
		xmalloc_fail("xreallocarray", nmemb, size);
	}
	if ((p = realloc(ptr, nmemb * size)) == NULL)
		xmalloc_fail("xreallocarray", nmemb, size);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		xmalloc_fail("xstrdup", 1, strlen(s) + 1);
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	if ((p = strndup(s, n)) == NULL)
		xmalloc_fail("xstrndup", 1, n + 1);
	return p;
}

int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int n;

	if ((n = vasprintf(ret, fmt, ap)) < 0)
		xmalloc_fail("xvasprintf", 1, 0);
	return n;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}

void
xappend(char **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
	if (n > SIZE_MAX / 2 - *len) {
		errno = EOVERFLOW;
		xmalloc_fail("xappend", *len, n);
	}
	if (*len + n > *cap) {
		*cap = (*len + n) * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	memcpy(*buf + *len, p, n);
	*len += n;
}
