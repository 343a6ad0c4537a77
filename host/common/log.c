/*
 * log.c - levels, stderr or syslog, strerror appended on request.
 */
#include "common/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static const char *log_ident = "onestop";
static enum log_level log_level_cur = LOG_LVL_INFO;
static int log_syslog;

void
log_init(const char *ident, enum log_level level, int use_syslog)
{
	log_ident = ident;
	log_level_cur = level;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	log_level_cur = level;
}

int
log_enabled(enum log_level level)
{
	return level <= log_level_cur;
}

static void __attribute__((format(printf, 3, 0)))
log_vlog(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const tag[] = { "error", "warning", "info", "debug" };
	char msg[2048];
	int saved = errno;
	size_t n;

	if (!log_enabled(level))
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (with_errno) {
		n = strlen(msg);
		snprintf(msg + n, sizeof msg - n, ": %s", strerror(saved));
	}
	if (log_syslog)
		syslog(prio[level], "%s", msg);
	else
		fprintf(stderr, "%s: %s: %s\n", log_ident, tag[level], msg);
	errno = saved;
}

#define LOG_FN(name, level, with_errno)					\
	void								\
	name(const char *fmt, ...)					\
	{								\
		va_list ap;						\
		va_start(ap, fmt);					\
		log_vlog(level, with_errno, fmt, ap);			\
		va_end(ap);						\
	}

LOG_FN(log_warn, LOG_LVL_WARN, 1)
LOG_FN(log_warnx, LOG_LVL_WARN, 0)
LOG_FN(log_info, LOG_LVL_INFO, 0)
LOG_FN(log_debug, LOG_LVL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LVL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LVL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_escape(const void *buf, size_t len, char *out, size_t outlen)
{
	const unsigned char *p = buf;
	size_t i, o = 0;

	if (outlen == 0)
		return;
	for (i = 0; i < len && o + 5 < outlen; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			out[o++] = (char)p[i];
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", p[i]);
	}
	out[o] = '\0';
}
