/*
 * xmalloc.h - allocation that succeeds or ends the process with a message.
 * Callers never test for NULL.  Sizes are checked for overflow.
 */
#ifndef ONESTOP_XMALLOC_H
#define ONESTOP_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* Append n bytes of p to the growable buffer *buf (*len used of *cap). */
void xappend(char **buf, size_t *len, size_t *cap, const void *p, size_t n);
char *xstrndup(const char *s, size_t n);
int xasprintf(char **ret, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int xvasprintf(char **ret, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
