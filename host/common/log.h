/*
 * log.h - the one log module.  The level is checked before formatting.
 * log_warn/fatal append strerror(errno); log_warnx/fatalx do not.  Output goes
 * to stderr (foreground) or syslog (as a service, log_init(..., 1)).
 * log_escape() makes device bytes printable before they are logged.
 */
#ifndef ONESTOP_LOG_H
#define ONESTOP_LOG_H

#include <stddef.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_init(const char *ident, enum log_level level, int use_syslog);
void log_set_level(enum log_level level);
int log_enabled(enum log_level level);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Escape len bytes of buf into out (always NUL-terminated, cut to outlen). */
void log_escape(const void *buf, size_t len, char *out, size_t outlen);

#endif
