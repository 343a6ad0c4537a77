/*
 * config.c - the centre's configuration: the INI file (read with inih) and the
 * procedure catalogue (CSV, read with libcsv), parsed into a fresh struct
 * config and validated as a whole before the caller sees it.
 *
 * INI: inih is driven through ini_parse_stream() with our own line reader,
 * which counts lines (so every message names "file:line"), spots section
 * headers itself (so an empty section still exists and duplicates are
 * caught), and refuses over-long lines.  Keys are described by one table per
 * section kind; references between sections (queue -> department, counter ->
 * queues, kiosk -> printer, board -> line and counter) are resolved after
 * the whole file is read, so sections may come in any order.
 *
 * CSV: the text is fed to libcsv one physical line at a time, which gives
 * the line a row starts on.  Any bad row fails the whole catalogue and frees
 * what was built.
 */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <csv.h>
#include <ini.h>
#include <unistr.h>

#include "common/log.h"
#include "common/vntext.h"
#include "common/xmalloc.h"

#define CONFIG_INI_MAX_LINE 4000          /* bytes in one INI line */
#define CONFIG_INI_MAX_SIZE (4u << 20)    /* bytes in an INI file */
#define CONFIG_CSV_MAX_SIZE (64u << 20)   /* bytes in a catalogue */
#define CONFIG_ID_MAX 32                  /* bytes in a code or id */
#define CONFIG_MAX_KEYS 12                /* keys of one section kind */
#define CONFIG_CSV_COLS 10                /* the last one is optional */
#define CONFIG_CSV_REQUIRED 9

/* ---- INI: section kinds and their keys ---------------------------------- */

enum config_kind {
	K_CENTRE, K_DAEMON, K_POLICY, K_SMS, K_DEPARTMENT, K_QUEUE, K_COUNTER,
	K_PRIORITY, K_KIOSK, K_PRINTER, K_LINE, K_BOARD, K_EXPORT, K_BOOKING,
	K_NKINDS
};

enum config_type {
	T_TEXT,      /* UTF-8 text, stored NFC (char *) */
	T_INT,       /* integer within [min, max] (int) */
	T_BOOL,      /* yes/no, true/false, on/off, 1/0 (int) */
	T_ENUM,      /* one word of choices (char *) */
	T_SPECIAL,   /* parsed by config_special() */
};

struct config_keydef {
	const char *name;
	enum config_type type;
	size_t off;              /* offset in the section's struct */
	int min, max;            /* T_INT range */
	int required;
	int empty_ok;            /* T_TEXT may be "" */
	const char *choices;     /* T_ENUM: space-separated words */
};

#define CK(f) offsetof(struct config, f)
#define PK(f) offsetof(struct config_policy, f)
#define QK(f) offsetof(struct config_queue, f)
#define NK(f) offsetof(struct config_counter, f)
#define RK(f) offsetof(struct config_printer, f)
#define LK(f) offsetof(struct config_line, f)
#define BK(f) offsetof(struct config_board, f)
#define GK(f) offsetof(struct config_booking, f)

static const struct config_keydef config_keys_centre[] = {
	{ "name", T_TEXT, CK(centre_name), 0, 0, 1, 0, NULL },
	{ "address", T_TEXT, CK(centre_address), 0, 0, 0, 1, NULL },
	{ "footer", T_TEXT, CK(footer), 0, 0, 0, 1, NULL },
	{ "public_url", T_TEXT, CK(public_url), 0, 0, 0, 1, NULL },
	{ "catalogue", T_TEXT, CK(catalogue_path), 0, 0, 1, 0, NULL },
	{ "day_start_hour", T_INT, CK(day_start_hour), 0, 23, 0, 0, NULL },
};
static const struct config_keydef config_keys_daemon[] = {
	{ "listen", T_TEXT, CK(listen), 0, 0, 0, 0, NULL },
	{ "port", T_INT, CK(port), 1, 65535, 0, 0, NULL },
	{ "database", T_TEXT, CK(database), 0, 0, 0, 0, NULL },
};
static const struct config_keydef config_keys_export[] = {
	{ "conninfo_file", T_TEXT, CK(export_conninfo_file), 0, 0, 1, 0, NULL },
	{ "centre_code", T_TEXT, CK(export_centre_code), 0, 0, 1, 0, NULL },
	{ "batch", T_INT, CK(export_batch), 1, 10000, 0, 0, NULL },
	{ "poll_ms", T_INT, CK(export_poll_ms), 10, 10000, 0, 0, NULL },
	{ "retry_max_s", T_INT, CK(export_retry_max_s), 1, 3600, 0, 0, NULL },
	{ "timeout_s", T_INT, CK(export_timeout_s), 1, 3600, 0, 0, NULL },
};
static const struct config_keydef config_keys_policy[] = {
	{ "priority_interleave", T_INT, PK(priority_interleave), 0, 100, 0, 0, NULL },
	{ "priority_max_consecutive", T_INT, PK(priority_max_consecutive), 1, 100, 0, 0, NULL },
	{ "target_override", T_BOOL, PK(target_override), 0, 1, 0, 0, NULL },
	{ "backup_past_target", T_BOOL, PK(backup_past_target), 0, 1, 0, 0, NULL },
	{ "priority_first_free", T_BOOL, PK(priority_first_free), 0, 1, 0, 0, NULL },
	{ "recall_limit", T_INT, PK(recall_limit), 0, 10, 0, 0, NULL },
	{ "transfer_keeps_place", T_BOOL, PK(transfer_keeps_place), 0, 1, 0, 0, NULL },
	{ "rating_window_s", T_INT, PK(rating_window_s), 0, 3600, 0, 0, NULL },
	{ "daily_reset", T_BOOL, PK(daily_reset), 0, 1, 0, 0, NULL },
	{ "pause_expected_min", T_INT, PK(pause_expected_min), 0, 480, 0, 0, NULL },
	{ "open_hours", T_SPECIAL, 0, 0, 0, 0, 0, NULL },
};
#define SK(f) offsetof(struct config_sms, f)
static const struct config_keydef config_keys_sms[] = {
	{ "enabled", T_BOOL, SK(enabled), 0, 1, 0, 0, NULL },
	{ "url", T_TEXT, SK(url), 0, 0, 1, 0, NULL },
	{ "username", T_TEXT, SK(username), 0, 0, 1, 0, NULL },
	{ "password", T_TEXT, SK(password), 0, 0, 1, 0, NULL },
	{ "from", T_TEXT, SK(from), 0, 0, 0, 1, NULL },
	{ "dlr_url", T_TEXT, SK(dlr_url), 0, 0, 0, 1, NULL },
	{ "near_ahead", T_INT, SK(near_ahead), 0, 50, 0, 0, NULL },
	{ "keep_days", T_INT, SK(keep_days), 1, 365, 0, 0, NULL },
	{ "max_age_min", T_INT, SK(max_age_min), 1, 1440, 0, 0, NULL },
	{ "retry_max_s", T_INT, SK(retry_max_s), 1, 3600, 0, 0, NULL },
	{ "timeout_s", T_INT, SK(timeout_s), 1, 120, 0, 0, NULL },
};
static const struct config_keydef config_keys_department[] = {
	{ "name", T_TEXT, offsetof(struct config_department, name), 0, 0, 1, 0, NULL },
};
static const struct config_keydef config_keys_queue[] = {
	{ "name", T_TEXT, QK(name), 0, 0, 1, 0, NULL },
	{ "department", T_SPECIAL, 0, 0, 0, 1, 0, NULL },
	{ "numbers", T_SPECIAL, 0, 0, 0, 1, 0, NULL },
	{ "target_wait", T_INT, QK(target_wait_min), 1, 720, 1, 0, NULL },
	{ "service_time", T_INT, QK(service_min), 1, 480, 0, 0, NULL },
	{ "transfer_keeps_place", T_BOOL, QK(transfer_keeps_place), 0, 1, 0, 0, NULL },
	{ "sms_near_ahead", T_INT, QK(sms_near_ahead), 0, 50, 0, 0, NULL },
	{ "booking_capacity", T_INT, QK(booking_capacity), 0, 1000, 0, 0, NULL },
	{ "remote_cap", T_INT, QK(remote_cap), 0, 9999, 0, 0, NULL },
};
static const struct config_keydef config_keys_counter[] = {
	{ "name", T_TEXT, NK(name), 0, 0, 0, 0, NULL },
	{ "department", T_SPECIAL, 0, 0, 0, 1, 0, NULL },
	{ "area", T_TEXT, NK(area), 0, 0, 0, 1, NULL },
	{ "serves", T_SPECIAL, 0, 0, 0, 1, 0, NULL },
};
static const struct config_keydef config_keys_priority[] = {
	{ "name", T_TEXT, offsetof(struct config_priority_class, name), 0, 0, 1, 0, NULL },
};
static const struct config_keydef config_keys_kiosk[] = {
	{ "name", T_TEXT, offsetof(struct config_kiosk, name), 0, 0, 1, 0, NULL },
	{ "printer", T_TEXT, offsetof(struct config_kiosk, printer), 0, 0, 0, 0, NULL },
};
static const struct config_keydef config_keys_printer[] = {
	{ "driver", T_ENUM, RK(driver), 0, 0, 1, 0, "usb serial tcp file" },
	{ "device", T_TEXT, RK(device), 0, 0, 0, 1, NULL },
	{ "baud", T_INT, RK(baud), 1200, 921600, 0, 0, NULL },
	{ "flow", T_ENUM, RK(flow), 0, 0, 0, 0, "none rtscts xonxoff" },
	{ "paper_dots", T_INT, RK(paper_dots), 128, 2048, 0, 0, NULL },
	{ "codepage", T_TEXT, RK(codepage), 0, 0, 0, 0, NULL },
	{ "native_qr", T_BOOL, RK(native_qr), 0, 1, 0, 0, NULL },
};
static const struct config_keydef config_keys_line[] = {
	{ "port", T_TEXT, LK(port), 0, 0, 1, 0, NULL },
	{ "baud", T_INT, LK(baud), 1200, 115200, 0, 0, NULL },
	{ "parity", T_SPECIAL, 0, 0, 0, 0, 0, NULL },
	{ "rs485", T_BOOL, LK(rs485), 0, 1, 0, 0, NULL },
};
static const struct config_keydef config_keys_board[] = {
	{ "role", T_ENUM, BK(role), 0, 0, 1, 0, "number caller rating hall" },
	{ "counter", T_SPECIAL, 0, 0, 0, 0, 0, NULL },
	{ "area", T_TEXT, BK(area), 0, 0, 0, 0, NULL },
};

static const struct config_keydef config_keys_booking[] = {
	{ "slot_min", T_INT, GK(slot_min), 5, 240, 0, 0, NULL },
	{ "capacity", T_INT, GK(capacity), 0, 1000, 0, 0, NULL },
	{ "hours", T_SPECIAL, 0, 0, 0, 0, 0, NULL },
	{ "closed_days", T_SPECIAL, 0, 0, 0, 0, 0, NULL },
	{ "holidays", T_SPECIAL, 0, 0, 0, 0, 0, NULL },
	{ "horizon_days", T_INT, GK(horizon_days), 1, 365, 0, 0, NULL },
	{ "early_min", T_INT, GK(early_min), 0, 240, 0, 0, NULL },
	{ "late_min", T_INT, GK(late_min), 0, 240, 0, 0, NULL },
	{ "remote_cap", T_INT, GK(remote_cap), 0, 9999, 0, 0, NULL },
	{ "reminder_hour", T_INT, GK(reminder_hour), 0, 23, 0, 0, NULL },
	{ "address_limit", T_INT, GK(address_limit), 1, 1000000, 0, 0, NULL },
	{ "phone_limit", T_INT, GK(phone_limit), 1, 1000000, 0, 0, NULL },
};

struct config_kinddef {
	const char *name;
	int has_id;
	int max;
	const struct config_keydef *keys;
	int nkeys;
};

#define KEYS(a) a, (int)(sizeof(a) / sizeof(a[0]))
static const struct config_kinddef config_kinds[K_NKINDS] = {
	[K_CENTRE] = { "centre", 0, 1, KEYS(config_keys_centre) },
	[K_DAEMON] = { "daemon", 0, 1, KEYS(config_keys_daemon) },
	[K_POLICY] = { "policy", 0, 1, KEYS(config_keys_policy) },
	[K_SMS] = { "sms", 0, 1, KEYS(config_keys_sms) },
	[K_DEPARTMENT] = { "department", 1, CONFIG_MAX_DEPARTMENTS, KEYS(config_keys_department) },
	[K_QUEUE] = { "queue", 1, CONFIG_MAX_QUEUES, KEYS(config_keys_queue) },
	[K_COUNTER] = { "counter", 1, CONFIG_MAX_COUNTERS, KEYS(config_keys_counter) },
	[K_PRIORITY] = { "priority", 1, CONFIG_MAX_PRIORITY, KEYS(config_keys_priority) },
	[K_KIOSK] = { "kiosk", 1, CONFIG_MAX_KIOSKS, KEYS(config_keys_kiosk) },
	[K_PRINTER] = { "printer", 1, CONFIG_MAX_PRINTERS, KEYS(config_keys_printer) },
	[K_LINE] = { "line", 1, CONFIG_MAX_LINES, KEYS(config_keys_line) },
	[K_BOARD] = { "board", 1, CONFIG_MAX_BOARDS, KEYS(config_keys_board) },
	[K_EXPORT] = { "export", 0, 1, KEYS(config_keys_export) },
	[K_BOOKING] = { "booking", 0, 1, KEYS(config_keys_booking) },
};

/* What the parser knows about one section: where it and its keys are. */
struct config_pobj {
	int line;                          /* line of the [header] */
	int keyline[CONFIG_MAX_KEYS];      /* line of each key, 0 = absent */
	char *id;                          /* the id after the kind word */
};

/* State of one INI parse. */
struct config_pstate {
	struct config *cfg;
	const char *name;
	char *err;
	size_t errlen;
	int failed;

	const char *text;                  /* the reader's input */
	size_t len, pos;
	int lineno, at_line_start;

	int kind, idx;                     /* current section, kind -1 = none */
	int nobj[K_NKINDS];
	struct config_pobj *obj[K_NKINDS];

	/* References resolved after the whole file is read. */
	char *queue_dept[CONFIG_MAX_QUEUES];
	char *counter_dept[CONFIG_MAX_COUNTERS];
	char *counter_serves[CONFIG_MAX_COUNTERS];
	int board_counter[CONFIG_MAX_BOARDS];
	char *board_line[CONFIG_MAX_BOARDS];
};

/*
 * Record the first error as "name:line: message" into err (errlen bytes);
 * later ones are dropped (*failed says one was recorded).  The INI's and
 * the catalogue's parsers both report through it.
 */
static void __attribute__((format(printf, 6, 0)))
config_verr(int *failed, char *err, size_t errlen, const char *name, int line,
    const char *fmt, va_list ap)
{
	int n;

	if (*failed)
		return;
	*failed = 1;
	if (err == NULL || errlen == 0)
		return;
	n = snprintf(err, errlen, "%s:%d: ", name, line);
	if (n < 0 || (size_t)n >= errlen)
		return;
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
}

/* An error of the INI (see config_verr). */
static void __attribute__((format(printf, 3, 4)))
config_perr(struct config_pstate *st, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	config_verr(&st->failed, st->err, st->errlen, st->name, line, fmt, ap);
	va_end(ap);
}

/* Plain message without a line, for I/O errors. */
static void __attribute__((format(printf, 3, 4)))
config_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Strict decimal integer in [min, max]; 0 on success. */
static int
config_parse_int(const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s) || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* yes/no style boolean; 0 on success. */
static int
config_parse_bool(const char *s, int *out)
{
	static const char *yes[] = { "1", "yes", "true", "on" };
	static const char *no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* 1 when s is a valid code or id: 1..32 of [A-Za-z0-9_.-]. */
static int
config_valid_id(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > CONFIG_ID_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '_' && c != '-' && c != '.')
			return 0;
	}
	return 1;
}

/* 1 when word is one of the space-separated words of choices. */
static int
config_in_choices(const char *word, const char *choices)
{
	size_t n = strlen(word);
	const char *p = choices;

	if (n == 0)
		return 0;
	while (*p != '\0') {
		size_t k = strcspn(p, " ");

		if (k == n && strncmp(p, word, n) == 0)
			return 1;
		p += k;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/* Base address of section object idx of kind k. */
static void *
config_obj_base(struct config *cfg, int k, int idx)
{
	switch (k) {
	case K_CENTRE:
	case K_DAEMON:
	case K_EXPORT:
		return cfg;
	case K_POLICY:
		return &cfg->policy;
	case K_SMS:
		return &cfg->sms;
	case K_DEPARTMENT:
		return &cfg->departments[idx];
	case K_QUEUE:
		return &cfg->queues[idx];
	case K_COUNTER:
		return &cfg->counters[idx];
	case K_PRIORITY:
		return &cfg->priority[idx + 1];     /* 0 is "normal" */
	case K_KIOSK:
		return &cfg->kiosks[idx];
	case K_PRINTER:
		return &cfg->printers[idx];
	case K_LINE:
		return &cfg->lines[idx];
	case K_BOARD:
		return &cfg->boards[idx];
	case K_BOOKING:
		return &cfg->booking;
	default:
		return NULL;
	}
}

/* Index of key name in kind k's table, or -1. */
static int
config_key_index(int k, const char *name)
{
	int i;

	for (i = 0; i < config_kinds[k].nkeys; i++)
		if (strcmp(config_kinds[k].keys[i].name, name) == 0)
			return i;
	return -1;
}

/* Line of key name in object idx of kind k, or the section's line. */
static int
config_key_line(const struct config_pstate *st, int k, int idx, const char *name)
{
	int ki = config_key_index(k, name);
	const struct config_pobj *o = &st->obj[k][idx];

	if (ki >= 0 && o->keyline[ki] > 0)
		return o->keyline[ki];
	return o->line;
}

/* Start a section from the text between '[' and ']'; errors recorded. */
static void
config_section_begin(struct config_pstate *st, const char *s, size_t n)
{
	char buf[128], *kind, *id, *extra, *save = NULL;
	struct config *cfg = st->cfg;
	struct config_pobj *o;
	int k, i, idx;

	st->kind = -1;
	if (n >= sizeof(buf)) {
		config_perr(st, st->lineno, "section name too long");
		return;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	kind = strtok_r(buf, " \t", &save);
	id = kind ? strtok_r(NULL, " \t", &save) : NULL;
	extra = id ? strtok_r(NULL, " \t", &save) : NULL;
	if (kind == NULL) {
		config_perr(st, st->lineno, "empty section name");
		return;
	}
	for (k = 0; k < K_NKINDS; k++)
		if (strcmp(kind, config_kinds[k].name) == 0)
			break;
	if (k == K_NKINDS) {
		config_perr(st, st->lineno, "unknown section [%.*s]", (int)n, s);
		return;
	}
	if (config_kinds[k].has_id && id == NULL) {
		config_perr(st, st->lineno, "section [%s] needs an id, e.g. [%s ID]",
		    kind, kind);
		return;
	}
	if ((!config_kinds[k].has_id && id != NULL) || extra != NULL) {
		config_perr(st, st->lineno, "unexpected words in section [%.*s]",
		    (int)n, s);
		return;
	}
	if (!config_kinds[k].has_id) {
		if (st->nobj[k] > 0) {
			config_perr(st, st->lineno, "duplicate section [%s] "
			    "(first on line %d)", kind, st->obj[k][0].line);
			return;
		}
	} else {
		int num = 0, addr = 0;
		char *slash = NULL;

		if (k == K_COUNTER) {
			if (config_parse_int(id, 1, 99, &num) != 0) {
				config_perr(st, st->lineno, "counter number must "
				    "be 1-99, got '%s'", id);
				return;
			}
		} else if (k == K_BOARD) {
			slash = strchr(id, '/');
			if (slash == NULL || !config_valid_id(id,
			    (size_t)(slash - id)) ||
			    config_parse_int(slash + 1, 1, 247, &addr) != 0) {
				config_perr(st, st->lineno, "board must be "
				    "[board LINE/ADDRESS] with address 1-247, "
				    "got '%s'", id);
				return;
			}
		} else if (!config_valid_id(id, strlen(id))) {
			config_perr(st, st->lineno, "bad %s id '%s' (1-%d of "
			    "A-Z a-z 0-9 _ - .)", kind, id, CONFIG_ID_MAX);
			return;
		}
		for (i = 0; i < st->nobj[k]; i++) {
			const struct config_pobj *p = &st->obj[k][i];
			int same;

			if (k == K_COUNTER)
				same = cfg->counters[i].number == num;
			else if (k == K_BOARD)
				same = cfg->boards[i].address == addr &&
				    strlen(st->board_line[i]) == (size_t)(slash - id) &&
				    strncmp(st->board_line[i], id,
				    (size_t)(slash - id)) == 0;
			else
				same = strcmp(p->id, id) == 0;
			if (same) {
				config_perr(st, st->lineno, "duplicate section "
				    "[%s %s] (first on line %d)", kind, id,
				    p->line);
				return;
			}
		}
		if (st->nobj[k] >= config_kinds[k].max) {
			config_perr(st, st->lineno, "too many [%s] sections "
			    "(at most %d)", kind, config_kinds[k].max);
			return;
		}
		idx = st->nobj[k];
		switch (k) {
		case K_DEPARTMENT:
			cfg->departments[idx].code = xstrdup(id);
			cfg->ndepartments++;
			break;
		case K_QUEUE:
			cfg->queues[idx].code = xstrdup(id);
			cfg->queues[idx].department = -1;
			cfg->queues[idx].service_min = 10;
			cfg->queues[idx].transfer_keeps_place = -1;
			cfg->queues[idx].sms_near_ahead = -1;
			cfg->queues[idx].booking_capacity = -1;
			cfg->queues[idx].remote_cap = -1;
			cfg->nqueues++;
			break;
		case K_COUNTER:
			cfg->counters[idx].number = num;
			cfg->counters[idx].department = -1;
			cfg->ncounters++;
			break;
		case K_PRIORITY:
			cfg->priority[idx + 1].code = xstrdup(id);
			cfg->npriority++;
			break;
		case K_KIOSK:
			cfg->kiosks[idx].id = xstrdup(id);
			cfg->kiosks[idx].printer_index = -1;
			cfg->nkiosks++;
			break;
		case K_PRINTER:
			cfg->printers[idx].id = xstrdup(id);
			cfg->printers[idx].baud = 9600;
			cfg->printers[idx].paper_dots = 576;
			cfg->nprinters++;
			break;
		case K_LINE:
			cfg->lines[idx].id = xstrdup(id);
			cfg->lines[idx].baud = 19200;
			cfg->lines[idx].parity = 'N';  /* our boards: 8N1 */
			cfg->nlines++;
			break;
		case K_BOARD:
			cfg->boards[idx].line = -1;
			cfg->boards[idx].address = addr;
			cfg->boards[idx].counter = -1;
			st->board_line[idx] = xstrndup(id, (size_t)(slash - id));
			cfg->nboards++;
			break;
		default:
			break;
		}
	}
	idx = st->nobj[k]++;
	o = &st->obj[k][idx];
	o->line = st->lineno;
	o->id = xstrdup(id ? id : "");
	st->kind = k;
	st->idx = idx;
}

/* Look at a whole line before inih does: count it, find section headers. */
static void
config_line_begin(struct config_pstate *st)
{
	const char *p = st->text + st->pos, *end, *nl, *close, *q;

	nl = memchr(p, '\n', st->len - st->pos);
	end = nl ? nl : st->text + st->len;
	if (end - p > CONFIG_INI_MAX_LINE) {
		config_perr(st, st->lineno, "line too long (more than %d bytes)",
		    CONFIG_INI_MAX_LINE);
		return;
	}
	if (st->lineno == 1 && end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p >= end || *p != '[')
		return;
	close = memchr(p, ']', (size_t)(end - p));
	if (close == NULL) {
		config_perr(st, st->lineno, "section header without ']'");
		return;
	}
	for (q = close + 1; q < end && isspace((unsigned char)*q); q++)
		;
	if (q < end && *q != ';' && *q != '#') {
		config_perr(st, st->lineno, "unexpected text after section "
		    "header");
		return;
	}
	config_section_begin(st, p + 1, (size_t)(close - p - 1));
}

/* inih reader: fgets over the text, counting lines. */
static char *
config_ini_reader(char *buf, int num, void *stream)
{
	struct config_pstate *st = stream;
	size_t n = 0, max;

	if (st->failed || st->pos >= st->len || num < 2)
		return NULL;
	if (st->at_line_start) {
		st->lineno++;
		config_line_begin(st);
		if (st->failed)
			return NULL;
	}
	max = (size_t)num - 1;
	while (n < max && st->pos < st->len) {
		char c = st->text[st->pos++];

		buf[n++] = c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	st->at_line_start = buf[n - 1] == '\n';
	return buf;
}

/* Parse "HH:MM" at *s into seconds since midnight, advancing *s; 0 or -1. */
static int
config_parse_hm(const char **s, int *out)
{
	const char *p = *s;
	int h, m;

	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
	    p[2] != ':' || !isdigit((unsigned char)p[3]) ||
	    !isdigit((unsigned char)p[4]))
		return -1;
	h = (p[0] - '0') * 10 + (p[1] - '0');
	m = (p[3] - '0') * 10 + (p[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*out = h * 3600 + m * 60;
	p += 5;
	while (isspace((unsigned char)*p))
		p++;
	*s = p;
	return 0;
}

/* Parse "HH:MM-HH:MM, ..." into *nout, fromo[], too[]; 0, or -1 (unchanged). */
static int
config_parse_sessions(const char *value, int *nout, int *fromo, int *too)
{
	int from[CONFIG_MAX_OPEN_HOURS], to[CONFIG_MAX_OPEN_HOURS], n = 0, i;
	const char *p = value;

	for (;;) {
		if (n == CONFIG_MAX_OPEN_HOURS ||
		    config_parse_hm(&p, &from[n]) != 0 || *p++ != '-' ||
		    config_parse_hm(&p, &to[n]) != 0 || to[n] <= from[n] ||
		    (n > 0 && from[n] < to[n - 1]))
			return -1;
		n++;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return -1;
	}
	*nout = n;
	for (i = 0; i < n; i++) {
		fromo[i] = from[i];
		too[i] = to[i];
	}
	return 0;
}

/* Parse open_hours "HH:MM-HH:MM, ..." into pol; 0, or -1 (pol unchanged). */
static int
config_parse_hours(const char *value, struct config_policy *pol)
{
	return config_parse_sessions(value, &pol->nopen_hours, pol->open_from_s,
	    pol->open_to_s);
}

/* Parse closed_days "sat, sun" (mon tue wed thu fri sat sun, or "none")
 * into a bit mask; 0, or -1. */
static int
config_parse_wdays(const char *value, unsigned *out)
{
	static const char *const names[7] = { "sun", "mon", "tue", "wed", "thu",
	    "fri", "sat" };
	const char *p = value;
	unsigned m = 0;
	int d;

	while (isspace((unsigned char)*p))
		p++;
	if (strcmp(p, "none") == 0) {
		*out = 0;
		return 0;
	}
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		for (d = 0; d < 7; d++)
			if (strncmp(p, names[d], 3) == 0)
				break;
		if (d == 7)
			return -1;
		m |= 1u << d;
		p += 3;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return -1;
	}
	*out = m;
	return 0;
}

/* A real date "YYYY-MM-DD" at p (10 bytes) as YYYYMMDD, or -1. */
int
config_parse_date(const char *p)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d, i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? p[i] != '-' : !isdigit((unsigned char)p[i]))
			return -1;
	y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	m = (p[5] - '0') * 10 + (p[6] - '0');
	d = (p[8] - '0') * 10 + (p[9] - '0');
	if (y < 2000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return -1;
	return y * 10000 + m * 100 + d;
}

/* Parse holidays "2026-01-01, 2026-04-30, ..." into b; 0, or -1. */
static int
config_parse_holidays(const char *value, struct config_booking *b)
{
	int v[CONFIG_MAX_HOLIDAYS], n = 0;
	const char *p = value;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (n == CONFIG_MAX_HOLIDAYS || strlen(p) < 10 ||
		    (v[n] = config_parse_date(p)) < 0)
			return -1;
		n++;
		p += 10;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return -1;
	}
	b->nholidays = n;
	memcpy(b->holidays, v, (size_t)n * sizeof v[0]);
	return 0;
}

/* Keys parsed by hand: references, number ranges, parity, board counter,
 * opening hours. */
static void
config_special(struct config_pstate *st, const char *key, const char *value)
{
	struct config *cfg = st->cfg;
	int k = st->kind, i = st->idx;

	if (k == K_QUEUE && strcmp(key, "department") == 0) {
		st->queue_dept[i] = xstrdup(value);
	} else if (k == K_QUEUE && strcmp(key, "numbers") == 0) {
		char a[16], b[16];
		const char *dash = strchr(value, '-');
		size_t la, lb;
		int first, last;

		if (dash == NULL)
			goto badrange;
		la = (size_t)(dash - value);
		lb = strlen(dash + 1);
		while (la > 0 && isspace((unsigned char)value[la - 1]))
			la--;
		dash++;
		while (*dash != '\0' && isspace((unsigned char)*dash)) {
			dash++;
			lb--;
		}
		if (la == 0 || la >= sizeof(a) || lb == 0 || lb >= sizeof(b))
			goto badrange;
		memcpy(a, value, la);
		a[la] = '\0';
		memcpy(b, dash, lb);
		b[lb] = '\0';
		if (config_parse_int(a, 1, 9999, &first) != 0 ||
		    config_parse_int(b, 1, 9999, &last) != 0 || first > last)
			goto badrange;
		cfg->queues[i].number_first = first;
		cfg->queues[i].number_last = last;
	} else if (k == K_COUNTER && strcmp(key, "department") == 0) {
		st->counter_dept[i] = xstrdup(value);
	} else if (k == K_COUNTER && strcmp(key, "serves") == 0) {
		st->counter_serves[i] = xstrdup(value);
	} else if (k == K_LINE && strcmp(key, "parity") == 0) {
		if (strlen(value) != 1 || strchr("NEOneo", value[0]) == NULL) {
			config_perr(st, st->lineno, "parity must be N, E or O, "
			    "got '%s'", value);
			return;
		}
		cfg->lines[i].parity = (char)toupper((unsigned char)value[0]);
	} else if (k == K_POLICY && strcmp(key, "open_hours") == 0) {
		if (config_parse_hours(value, &cfg->policy) != 0)
			config_perr(st, st->lineno, "open_hours must be up to %d "
			    "'HH:MM-HH:MM' separated by commas, each ending after "
			    "it starts and after the one before, got '%s'",
			    CONFIG_MAX_OPEN_HOURS, value);
	} else if (k == K_BOOKING && strcmp(key, "hours") == 0) {
		if (config_parse_sessions(value, &cfg->booking.nhours,
		    cfg->booking.from_s, cfg->booking.to_s) != 0)
			config_perr(st, st->lineno, "hours must be up to %d "
			    "'HH:MM-HH:MM' separated by commas, each ending after "
			    "it starts and after the one before, got '%s'",
			    CONFIG_MAX_OPEN_HOURS, value);
	} else if (k == K_BOOKING && strcmp(key, "closed_days") == 0) {
		if (config_parse_wdays(value, &cfg->booking.closed_wdays) != 0)
			config_perr(st, st->lineno, "closed_days must be 'none' or "
			    "days among mon tue wed thu fri sat sun separated by "
			    "commas, got '%s'", value);
	} else if (k == K_BOOKING && strcmp(key, "holidays") == 0) {
		if (config_parse_holidays(value, &cfg->booking) != 0)
			config_perr(st, st->lineno, "holidays must be up to %d "
			    "dates YYYY-MM-DD separated by commas, got '%s'",
			    CONFIG_MAX_HOLIDAYS, value);
	} else if (k == K_BOARD && strcmp(key, "counter") == 0) {
		if (config_parse_int(value, 1, 99, &st->board_counter[i]) != 0)
			config_perr(st, st->lineno, "counter must be a counter "
			    "number 1-99, got '%s'", value);
	}
	return;
badrange:
	config_perr(st, st->lineno, "numbers must be 'first-last' within "
	    "1-9999 with first <= last, got '%s'", value);
}

/* inih handler: one key = value inside the current section. */
static int
config_ini_handler(void *user, const char *section, const char *key,
    const char *value)
{
	struct config_pstate *st = user;
	const struct config_keydef *kd;
	struct config_pobj *o;
	char *base;
	int ki;

	(void)section;
	if (st->failed)
		return 1;
	if (st->kind < 0) {
		config_perr(st, st->lineno, "key '%s' outside a section", key);
		return 0;
	}
	ki = config_key_index(st->kind, key);
	if (ki < 0) {
		config_perr(st, st->lineno, "unknown key '%s' in [%s]", key,
		    config_kinds[st->kind].name);
		return 0;
	}
	o = &st->obj[st->kind][st->idx];
	if (o->keyline[ki] > 0) {
		config_perr(st, st->lineno, "duplicate key '%s' (first on line "
		    "%d)", key, o->keyline[ki]);
		return 0;
	}
	o->keyline[ki] = st->lineno;
	kd = &config_kinds[st->kind].keys[ki];
	base = config_obj_base(st->cfg, st->kind, st->idx);
	switch (kd->type) {
	case T_TEXT: {
		char *s;

		if (*value == '\0' && !kd->empty_ok) {
			config_perr(st, st->lineno, "empty value for '%s'", key);
			return 0;
		}
		if ((s = vntext_nfc(value)) == NULL) {
			config_perr(st, st->lineno, "invalid UTF-8 in '%s'", key);
			return 0;
		}
		free(*(char **)(base + kd->off));
		*(char **)(base + kd->off) = s;
		break;
	}
	case T_INT:
		if (config_parse_int(value, kd->min, kd->max,
		    (int *)(base + kd->off)) != 0) {
			config_perr(st, st->lineno, "'%s' must be an integer "
			    "%d-%d, got '%s'", key, kd->min, kd->max, value);
			return 0;
		}
		break;
	case T_BOOL:
		if (config_parse_bool(value, (int *)(base + kd->off)) != 0) {
			config_perr(st, st->lineno, "'%s' must be yes or no, "
			    "got '%s'", key, value);
			return 0;
		}
		break;
	case T_ENUM:
		if (!config_in_choices(value, kd->choices)) {
			config_perr(st, st->lineno, "'%s' must be one of: %s; "
			    "got '%s'", key, kd->choices, value);
			return 0;
		}
		free(*(char **)(base + kd->off));
		*(char **)(base + kd->off) = xstrdup(value);
		break;
	case T_SPECIAL:
		config_special(st, key, value);
		break;
	}
	return st->failed ? 0 : 1;
}

/* Set a string field to a default when the INI did not give it. */
static void
config_default(char **field, const char *def)
{
	if (*field == NULL)
		*field = xstrdup(def);
}

/* Parse a counter's serves list at line; 0 on success. */
static int
config_parse_serves(struct config_pstate *st, int ci, const char *list,
    int line)
{
	struct config_counter *c = &st->cfg->counters[ci];
	char *copy = xstrdup(list), *item, *save = NULL;
	int rc = -1, q, star = -1;	/* level of '*', -1 = none */

	c->nserves = 0;
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		char *colon, *end;
		enum config_level level = CONFIG_PRIMARY;
		int j;

		while (isspace((unsigned char)*item))
			item++;
		end = item + strlen(item);
		while (end > item && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if ((colon = strchr(item, ':')) != NULL) {
			char *ce = colon;

			while (ce > item && isspace((unsigned char)ce[-1]))
				ce--;
			*ce = '\0';
			colon++;
			while (isspace((unsigned char)*colon))
				colon++;
			if (strcmp(colon, "backup") == 0)
				level = CONFIG_BACKUP;
			else if (strcmp(colon, "primary") != 0) {
				config_perr(st, line, "counter %d: level must "
				    "be primary or backup, got '%s'", c->number,
				    colon);
				goto out;
			}
		}
		if (*item == '\0') {
			config_perr(st, line, "counter %d: empty item in serves",
			    c->number);
			goto out;
		}
		if (strcmp(item, "*") == 0) {
			/* Every queue not listed by name, expanded below. */
			if (star >= 0) {
				config_perr(st, line, "counter %d: '*' listed "
				    "twice in serves", c->number);
				goto out;
			}
			star = (int)level;
			continue;
		}
		if ((q = config_queue_index(st->cfg, item)) < 0) {
			config_perr(st, line, "counter %d: serves unknown queue "
			    "'%s'", c->number, item);
			goto out;
		}
		for (j = 0; j < c->nserves; j++)
			if (c->serves[j].queue == q) {
				config_perr(st, line, "counter %d: queue '%s' "
				    "listed twice in serves", c->number, item);
				goto out;
			}
		if (c->nserves >= CONFIG_MAX_SERVES) {
			config_perr(st, line, "counter %d: serves more than %d "
			    "queues", c->number, CONFIG_MAX_SERVES);
			goto out;
		}
		c->serves[c->nserves].queue = q;
		c->serves[c->nserves].level = level;
		c->nserves++;
	}
	for (q = 0; star >= 0 && q < st->cfg->nqueues; q++) {
		int j, named = 0;

		for (j = 0; j < c->nserves; j++)
			named |= c->serves[j].queue == q;
		if (named)
			continue;
		if (c->nserves >= CONFIG_MAX_SERVES) {
			config_perr(st, line, "counter %d: serves more than %d "
			    "queues", c->number, CONFIG_MAX_SERVES);
			goto out;
		}
		c->serves[c->nserves].queue = q;
		c->serves[c->nserves].level = (enum config_level)star;
		c->nserves++;
	}
	if (c->nserves == 0) {
		config_perr(st, line, "counter %d: serves no queue", c->number);
		goto out;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

/* Report the first required key missing in any section; 0 if none. */
static int
config_check_required(struct config_pstate *st)
{
	int k, i, ki;

	for (k = 0; k < K_NKINDS; k++)
		for (i = 0; i < st->nobj[k]; i++)
			for (ki = 0; ki < config_kinds[k].nkeys; ki++) {
				const struct config_keydef *kd =
				    &config_kinds[k].keys[ki];
				const struct config_pobj *o = &st->obj[k][i];

				if (!kd->required || o->keyline[ki] > 0)
					continue;
				config_perr(st, o->line, "[%s%s%s]: missing "
				    "key '%s'", config_kinds[k].name,
				    *o->id ? " " : "", o->id, kd->name);
				return -1;
			}
	return 0;
}

/* qsort_r order for range checks: queue indexes by number_first. */
static int
config_range_cmp(const void *a, const void *b, void *arg)
{
	const struct config *cfg = arg;
	const struct config_queue *x = &cfg->queues[*(const int *)a];
	const struct config_queue *y = &cfg->queues[*(const int *)b];

	return (x->number_first > y->number_first) -
	    (x->number_first < y->number_first);
}

/* Split a listen address into the bare address and a port; see config.h. */
int
config_listen_parse(const char *text, char *host, size_t hostlen, int *port,
    char *err, size_t errlen)
{
	const char *end, *colon, *portstr = NULL;
	struct sockaddr_storage ss;
	unsigned sslen;
	size_t n;
	int v;

	*port = -1;
	if (text == NULL || *text == '\0') {
		config_seterr(err, errlen, "empty listen address");
		return -1;
	}
	if (text[0] == '[') {
		/* [v6] or [v6]:port */
		if ((end = strchr(text, ']')) == NULL) {
			config_seterr(err, errlen, "listen address \"%s\": '[' "
			    "without ']'", text);
			return -1;
		}
		n = (size_t)(end - text - 1);
		if (end[1] == ':')
			portstr = end + 2;
		else if (end[1] != '\0') {
			config_seterr(err, errlen, "listen address \"%s\": "
			    "unexpected text after ']'", text);
			return -1;
		}
		text++;
	} else if ((colon = strchr(text, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		/* a.b.c.d:port (one colon: IPv6 has at least two) */
		n = (size_t)(colon - text);
		portstr = colon + 1;
	} else
		n = strlen(text);
	if (n == 0 || n >= hostlen) {
		config_seterr(err, errlen, "listen address \"%s\" is empty or "
		    "too long", text);
		return -1;
	}
	memcpy(host, text, n);
	host[n] = '\0';
	if (portstr != NULL) {
		if (config_parse_int(portstr, 0, 65535, &v) != 0) {
			config_seterr(err, errlen, "listen address: bad port "
			    "\"%s\" (0-65535)", portstr);
			return -1;
		}
		*port = v;
	}
	return config_listen_addr(host, 0, &ss, &sslen, err, errlen);
}

/* The socket address of a bare IPv4 or IPv6 address; see config.h. */
int
config_listen_addr(const char *host, int port, struct sockaddr_storage *ss,
    unsigned *sslen, char *err, size_t errlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (port < 0 || port > 65535) {
		config_seterr(err, errlen, "port %d out of range", port);
		return -1;
	}
	if (host != NULL && inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*sslen = sizeof *sin;
		return 0;
	}
	if (host != NULL && inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof *sin6;
		return 0;
	}
	config_seterr(err, errlen, "listen address \"%s\" is not an IPv4 or "
	    "IPv6 address (for example 127.0.0.1, 0.0.0.0, ::1, [::1]:8080)",
	    host != NULL ? host : "");
	return -1;
}

/* Check [daemon] listen (file:line); bare address in cfg->listen, its port
 * (if any) in cfg->port. */
static int
config_validate_listen(struct config_pstate *st)
{
	struct config *cfg = st->cfg;
	char host[INET6_ADDRSTRLEN + 8], msg[256];
	int port, have = st->nobj[K_DAEMON] > 0;
	int pline = 0;

	if (have) {
		cfg->listen_line = st->obj[K_DAEMON][0].keyline[
		    config_key_index(K_DAEMON, "listen")];
		cfg->database_line = st->obj[K_DAEMON][0].keyline[
		    config_key_index(K_DAEMON, "database")];
		pline = st->obj[K_DAEMON][0].keyline[
		    config_key_index(K_DAEMON, "port")];
	}
	if (cfg->listen == NULL)
		return 0;
	if (config_listen_parse(cfg->listen, host, sizeof host, &port, msg,
	    sizeof msg) != 0) {
		config_perr(st, cfg->listen_line, "%s", msg);
		return -1;
	}
	if (port >= 0) {
		if (pline > 0 && port != cfg->port) {
			config_perr(st, cfg->listen_line, "listen says port %d "
			    "but 'port' on line %d says %d", port, pline,
			    cfg->port);
			return -1;
		}
		if (port == 0) {
			config_perr(st, cfg->listen_line, "listen: port 0 is "
			    "only for tests (onestopd -p 0)");
			return -1;
		}
		cfg->port = port;
	}
	free(cfg->listen);
	cfg->listen = xstrdup(host);
	return 0;
}

/*
 * [booking] as a whole: its hours default to [policy] open_hours; a queue
 * that books or takes remote tickets needs hours; queue keys left out take
 * the section's values.
 */
static int
config_validate_booking(struct config_pstate *st)
{
	struct config *cfg = st->cfg;
	struct config_booking *b = &cfg->booking;
	int line = st->nobj[K_BOOKING] > 0 ? st->obj[K_BOOKING][0].line : 0;
	int i, used = 0;

	if (b->nhours == 0) {
		b->nhours = cfg->policy.nopen_hours;
		memcpy(b->from_s, cfg->policy.open_from_s, sizeof b->from_s);
		memcpy(b->to_s, cfg->policy.open_to_s, sizeof b->to_s);
	}
	for (i = 0; i < cfg->nqueues; i++) {
		struct config_queue *q = &cfg->queues[i];

		if (q->booking_capacity < 0)
			q->booking_capacity = b->capacity;
		if (q->remote_cap < 0)
			q->remote_cap = b->remote_cap;
		if ((q->booking_capacity > 0 || q->remote_cap > 0) && used == 0)
			used = st->obj[K_QUEUE][i].line;
	}
	if (used > 0 && b->nhours == 0) {
		config_perr(st, line > 0 ? line : used, "booking: appointments or "
		    "remote tickets need opening hours ([booking] hours or "
		    "[policy] open_hours)");
		return -1;
	}
	for (i = 0; i < b->nhours; i++)
		if (b->to_s[i] - b->from_s[i] < b->slot_min * 60) {
			int l = config_key_line(st, K_BOOKING, 0, "slot_min");

			if (l == line)
				l = config_key_line(st, K_BOOKING, 0, "hours");
			if (l == 0)
				l = config_key_line(st, K_POLICY, 0, "open_hours");
			config_perr(st, l > 0 ? l : 1, "booking: session %d is "
			    "shorter than one slot of %d minutes", i + 1,
			    b->slot_min);
			return -1;
		}
	return 0;
}

/* Validate the parsed INI as a whole; resolve references; set defaults. */
static int
config_validate(struct config_pstate *st)
{
	struct config *cfg = st->cfg;
	int eof = st->lineno > 0 ? st->lineno : 1;
	int order[CONFIG_MAX_QUEUES];
	int i, j;

	if (st->nobj[K_CENTRE] == 0) {
		config_perr(st, eof, "missing section [centre]");
		return -1;
	}
	if (config_check_required(st) != 0)
		return -1;
	if (cfg->ndepartments == 0) {
		config_perr(st, eof, "no [department CODE] section");
		return -1;
	}
	if (cfg->nqueues == 0) {
		config_perr(st, eof, "no [queue CODE] section");
		return -1;
	}
	if (cfg->ncounters == 0) {
		config_perr(st, eof, "no [counter N] section");
		return -1;
	}
	config_default(&cfg->centre_address, "");
	config_default(&cfg->footer, "");
	config_default(&cfg->public_url, "");
	if (cfg->sms.url != NULL && strncmp(cfg->sms.url, "http://", 7) != 0 &&
	    strncmp(cfg->sms.url, "https://", 8) != 0) {
		config_perr(st, config_key_line(st, K_SMS, 0, "url"), "[sms] url must "
		    "start with http:// or https:// (Kannel's sendsms URL)");
		return -1;
	}
	if (config_validate_listen(st) != 0)
		return -1;
	config_default(&cfg->listen, "127.0.0.1");
	config_default(&cfg->database, "onestop.db");
	if (st->nobj[K_EXPORT] > 0) {
		cfg->export_line = st->obj[K_EXPORT][0].line;
		if (!config_valid_id(cfg->export_centre_code,
		    strlen(cfg->export_centre_code))) {
			config_perr(st, config_key_line(st, K_EXPORT, 0,
			    "centre_code"), "export: bad centre_code '%s' (1-%d of "
			    "A-Z a-z 0-9 _ - .)", cfg->export_centre_code,
			    CONFIG_ID_MAX);
			return -1;
		}
	}

	for (i = 0; i < cfg->nqueues; i++) {
		struct config_queue *q = &cfg->queues[i];

		q->department = config_department_index(cfg, st->queue_dept[i]);
		if (q->department < 0) {
			config_perr(st, config_key_line(st, K_QUEUE, i,
			    "department"), "queue %s: unknown department '%s'",
			    q->code, st->queue_dept[i]);
			return -1;
		}
		order[i] = i;
	}
	qsort_r(order, (size_t)cfg->nqueues, sizeof(order[0]), config_range_cmp,
	    cfg);
	for (i = 1; i < cfg->nqueues; i++) {
		const struct config_queue *a = &cfg->queues[order[i - 1]];
		const struct config_queue *b = &cfg->queues[order[i]];
		int later = order[i] > order[i - 1] ? order[i] : order[i - 1];
		const struct config_queue *l = &cfg->queues[later];
		const struct config_queue *e = l == a ? b : a;

		if (b->number_first <= a->number_last) {
			config_perr(st, config_key_line(st, K_QUEUE, later,
			    "numbers"), "queue %s: numbers %d-%d overlap queue "
			    "%s (%d-%d)", l->code, l->number_first,
			    l->number_last, e->code, e->number_first,
			    e->number_last);
			return -1;
		}
	}

	if (config_validate_booking(st) != 0)
		return -1;

	for (i = 0; i < cfg->ncounters; i++) {
		struct config_counter *c = &cfg->counters[i];

		c->department = config_department_index(cfg, st->counter_dept[i]);
		if (c->department < 0) {
			config_perr(st, config_key_line(st, K_COUNTER, i,
			    "department"), "counter %d: unknown department "
			    "'%s'", c->number, st->counter_dept[i]);
			return -1;
		}
		if (config_parse_serves(st, i, st->counter_serves[i],
		    config_key_line(st, K_COUNTER, i, "serves")) != 0)
			return -1;
		if (c->name == NULL)
			xasprintf(&c->name, "Quầy %d", c->number);
		config_default(&c->area, "");
	}

	for (i = 0; i < cfg->nprinters; i++) {
		struct config_printer *p = &cfg->printers[i];

		if (strcmp(p->driver, "usb") != 0 && (p->device == NULL ||
		    *p->device == '\0')) {
			config_perr(st, st->obj[K_PRINTER][i].line, "printer %s: "
			    "driver %s needs a device", p->id, p->driver);
			return -1;
		}
		if (p->paper_dots % 8 != 0) {
			config_perr(st, config_key_line(st, K_PRINTER, i,
			    "paper_dots"), "printer %s: paper_dots must be a "
			    "multiple of 8", p->id);
			return -1;
		}
		config_default(&p->device, "");
		config_default(&p->flow, "none");
		config_default(&p->codepage, "raster");
	}

	for (i = 0; i < cfg->nkiosks; i++) {
		struct config_kiosk *k = &cfg->kiosks[i];

		if (k->printer == NULL)
			continue;
		for (j = 0; j < cfg->nprinters; j++)
			if (strcmp(cfg->printers[j].id, k->printer) == 0)
				k->printer_index = j;
		if (k->printer_index < 0) {
			config_perr(st, config_key_line(st, K_KIOSK, i,
			    "printer"), "kiosk %s: unknown printer '%s'", k->id,
			    k->printer);
			return -1;
		}
	}

	for (i = 0; i < cfg->nboards; i++) {
		struct config_board *b = &cfg->boards[i];
		int line = st->obj[K_BOARD][i].line;
		int hall = strcmp(b->role, "hall") == 0;

		for (j = 0; j < cfg->nlines; j++)
			if (strcmp(cfg->lines[j].id, st->board_line[i]) == 0)
				b->line = j;
		if (b->line < 0) {
			config_perr(st, line, "board %s/%d: unknown line '%s'",
			    st->board_line[i], b->address, st->board_line[i]);
			return -1;
		}
		if (hall && st->board_counter[i] != 0) {
			config_perr(st, config_key_line(st, K_BOARD, i,
			    "counter"), "board %s/%d: a hall board has no "
			    "counter", st->board_line[i], b->address);
			return -1;
		}
		if (!hall && st->board_counter[i] == 0) {
			config_perr(st, line, "board %s/%d: role %s needs "
			    "'counter'", st->board_line[i], b->address, b->role);
			return -1;
		}
		if (!hall && b->area != NULL) {
			config_perr(st, config_key_line(st, K_BOARD, i, "area"),
			    "board %s/%d: only hall boards have an area",
			    st->board_line[i], b->address);
			return -1;
		}
		if (!hall) {
			b->counter = config_counter_index(cfg,
			    st->board_counter[i]);
			if (b->counter < 0) {
				config_perr(st, config_key_line(st, K_BOARD, i,
				    "counter"), "board %s/%d: unknown counter "
				    "%d", st->board_line[i], b->address,
				    st->board_counter[i]);
				return -1;
			}
		}
	}
	return 0;
}

/* Free the parser's own state (not the config). */
static void
config_pstate_free(struct config_pstate *st)
{
	int k, i;

	for (k = 0; k < K_NKINDS; k++) {
		for (i = 0; i < st->nobj[k]; i++)
			free(st->obj[k][i].id);
		free(st->obj[k]);
	}
	for (i = 0; i < CONFIG_MAX_QUEUES; i++)
		free(st->queue_dept[i]);
	for (i = 0; i < CONFIG_MAX_COUNTERS; i++) {
		free(st->counter_dept[i]);
		free(st->counter_serves[i]);
	}
	for (i = 0; i < CONFIG_MAX_BOARDS; i++)
		free(st->board_line[i]);
	free(st);
}

/* Line number of byte offset off in text. */
static int
config_line_of(const char *text, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

/* Parse only an INI text (no catalogue); see config.h. */
int
config_parse_ini(const char *text, size_t len, const char *name,
    struct config **out, char *err, size_t errlen)
{
	struct config_pstate *st;
	struct config *cfg;
	const uint8_t *bad;
	const char *nul;
	bool s_multi, s_inline, s_stack, s_realloc, s_stop, s_novalue;
	int s_max, s_init, r, k, rc = -1;

	*out = NULL;
	if (name == NULL)
		name = "(config)";
	st = xcalloc(1, sizeof(*st));
	cfg = xcalloc(1, sizeof(*cfg));
	st->cfg = cfg;
	st->name = name;
	st->err = err;
	st->errlen = errlen;
	st->text = text ? text : "";
	st->len = text ? len : 0;
	st->at_line_start = 1;
	st->kind = -1;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	for (k = 0; k < K_NKINDS; k++)
		st->obj[k] = xcalloc((size_t)config_kinds[k].max,
		    sizeof(struct config_pobj));

	cfg->port = 8080;
	cfg->export_batch = 500;
	cfg->export_poll_ms = 100;
	cfg->export_retry_max_s = 30;
	cfg->export_timeout_s = 30;
	cfg->policy.priority_interleave = 3;
	cfg->policy.priority_max_consecutive = 2;
	cfg->policy.target_override = 1;
	cfg->policy.backup_past_target = 1;
	cfg->policy.priority_first_free = 1;
	cfg->policy.recall_limit = 2;
	cfg->policy.transfer_keeps_place = 1;
	cfg->policy.rating_window_s = 120;
	cfg->policy.daily_reset = 1;
	cfg->policy.pause_expected_min = 20;
	cfg->sms.enabled = 1;
	cfg->sms.near_ahead = 3;
	cfg->sms.keep_days = 2;
	cfg->sms.max_age_min = 120;
	cfg->sms.retry_max_s = 300;
	cfg->sms.timeout_s = 10;
	cfg->booking.slot_min = 30;
	cfg->booking.closed_wdays = 1u << 0;       /* Sunday */
	cfg->booking.horizon_days = 14;
	cfg->booking.reminder_hour = 17;
	cfg->booking.address_limit = 20;
	cfg->booking.phone_limit = 3;
	cfg->booking.early_min = 15;
	cfg->booking.late_min = 15;
	cfg->priority[0].code = xstrdup("normal");
	cfg->priority[0].name = xstrdup("Thông thường");

	if ((nul = memchr(st->text, '\0', st->len)) != NULL) {
		config_perr(st, config_line_of(st->text,
		    (size_t)(nul - st->text)), "NUL byte in text");
		goto out;
	}
	if ((bad = u8_check((const uint8_t *)st->text, st->len)) != NULL) {
		config_perr(st, config_line_of(st->text,
		    (size_t)((const char *)bad - st->text)), "invalid UTF-8");
		goto out;
	}

	/* inih's knobs are process-wide: set ours, restore theirs after. */
	s_multi = ini_allow_multiline;
	s_inline = ini_allow_inline_comments;
	s_stack = ini_use_stack;
	s_realloc = ini_allow_realloc;
	s_stop = ini_stop_on_first_error;
	s_novalue = ini_allow_no_value;
	s_max = ini_max_line;
	s_init = ini_initial_alloc;
	ini_allow_multiline = false;
	ini_allow_inline_comments = false;
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_stop_on_first_error = true;
	ini_allow_no_value = false;
	ini_max_line = CONFIG_INI_MAX_LINE + 16;
	ini_initial_alloc = 256;
	r = ini_parse_stream(config_ini_reader, st, config_ini_handler, st);
	ini_allow_multiline = s_multi;
	ini_allow_inline_comments = s_inline;
	ini_use_stack = s_stack;
	ini_allow_realloc = s_realloc;
	ini_stop_on_first_error = s_stop;
	ini_allow_no_value = s_novalue;
	ini_max_line = s_max;
	ini_initial_alloc = s_init;

	if (r > 0)
		config_perr(st, r, "syntax error: expected [section], "
		    "key = value, or a comment (; or #)");
	else if (r < 0)
		config_perr(st, st->lineno, "cannot parse (out of memory)");
	if (st->failed)
		goto out;
	if (config_validate(st) != 0)
		goto out;
	cfg->path = xstrdup(name);
	rc = 0;
out:
	config_pstate_free(st);
	if (rc != 0)
		config_free(cfg);
	else
		*out = cfg;
	return rc;
}

/* ---- CSV catalogue ------------------------------------------------------ */

enum config_col {
	COL_CODE, COL_NAME, COL_DEPARTMENT, COL_FIELD, COL_QUEUE,
	COL_TARGET, COL_FEE, COL_TIME, COL_DOCUMENTS, COL_KEYWORDS
};

static const char *const config_col_names[CONFIG_CSV_COLS] = {
	"code", "name", "department", "field", "queue", "target_wait_min",
	"fee", "processing_time", "documents", "keywords"
};

/*
 * The most bytes a field of each column may hold: a name is read on a
 * ticket, a kiosk button and every answer that lists procedures, so a
 * catalogue with a megabyte in one cell is refused, not served.
 */
static const size_t config_col_max[CONFIG_CSV_COLS] = {
	[COL_CODE] = 64, [COL_NAME] = 600, [COL_DEPARTMENT] = 64,
	[COL_FIELD] = 300, [COL_QUEUE] = 64, [COL_TARGET] = 16,
	[COL_FEE] = 600, [COL_TIME] = 300, [COL_DOCUMENTS] = 8000,
	[COL_KEYWORDS] = CONFIG_MAX_KEYWORDS * (CONFIG_KEYWORD_MAX + 2),
};

#define CONFIG_CSV_MAXFIELDS 32
#define CONFIG_HASH_SIZE 16384           /* > 2 * CONFIG_MAX_PROCEDURES */

struct config_cstate {
	const struct config *cfg;
	const char *name;
	char *err;
	size_t errlen;
	int failed;

	int line;                        /* physical line being fed */
	int row_line;                    /* line the current row starts on */
	int in_row;
	int nfields;                     /* fields of the current row */
	char *f[CONFIG_CSV_MAXFIELDS];
	size_t flen[CONFIG_CSV_MAXFIELDS];

	int header_done;
	int ncols;
	int col[CONFIG_CSV_MAXFIELDS];   /* position -> enum config_col */

	struct config_procedure *procs;
	int n, cap;
	int *hash;                       /* procedure index + 1, 0 = empty */
};

/* An error of the catalogue (see config_verr). */
static void __attribute__((format(printf, 3, 4)))
config_cerr(struct config_cstate *cs, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	config_verr(&cs->failed, cs->err, cs->errlen, cs->name, line, fmt, ap);
	va_end(ap);
}

/* Drop the fields of the current row. */
static void
config_row_clear(struct config_cstate *cs)
{
	int i;

	for (i = 0; i < cs->nfields && i < CONFIG_CSV_MAXFIELDS; i++) {
		free(cs->f[i]);
		cs->f[i] = NULL;
	}
	cs->nfields = 0;
}

/* libcsv field callback: keep a copy of the field. */
static void
config_csv_field(void *s, size_t len, void *data)
{
	struct config_cstate *cs = data;

	if (cs->failed)
		return;
	if (!cs->in_row) {
		cs->in_row = 1;
		cs->row_line = cs->line;
	}
	if (cs->nfields < CONFIG_CSV_MAXFIELDS) {
		char *copy = xmalloc(len + 1);

		if (len > 0 && s != NULL)
			memcpy(copy, s, len);
		else
			len = 0;
		copy[len] = '\0';
		cs->f[cs->nfields] = copy;
		cs->flen[cs->nfields] = len;
	}
	cs->nfields++;
}

/* Trimmed copy of field text (ASCII spaces). */
static char *
config_trim_dup(const char *s)
{
	const char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

/* FNV-1a of a code, for the duplicate check. */
static unsigned
config_hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Check the header row and map its columns. */
static void
config_csv_header(struct config_cstate *cs)
{
	int seen[CONFIG_CSV_COLS] = { 0 };
	int i, c;

	if (cs->nfields > CONFIG_CSV_MAXFIELDS) {
		config_cerr(cs, cs->row_line, "dòng tiêu đề có quá nhiều cột");
		return;
	}
	for (i = 0; i < cs->nfields; i++) {
		char *h = config_trim_dup(cs->f[i]);

		for (c = 0; c < CONFIG_CSV_COLS; c++)
			if (strcasecmp(h, config_col_names[c]) == 0)
				break;
		if (c == CONFIG_CSV_COLS || seen[c]) {
			config_cerr(cs, cs->row_line, "dòng tiêu đề có cột '%s' %s", h,
			    c == CONFIG_CSV_COLS ? "không biết" : "lặp lại");
			free(h);
			return;
		}
		free(h);
		seen[c] = 1;
		cs->col[i] = c;
	}
	for (c = 0; c < CONFIG_CSV_REQUIRED; c++)
		if (!seen[c]) {
			config_cerr(cs, cs->row_line, "dòng tiêu đề thiếu cột '%s' "
			    "(cần: code, name, department, field, queue, "
			    "target_wait_min, fee, processing_time, documents)",
			    config_col_names[c]);
			return;
		}
	cs->ncols = cs->nfields;
	cs->header_done = 1;
}

/* Free one procedure's strings. */
static void
config_procedure_clear(struct config_procedure *p)
{
	free(p->code);
	free(p->name);
	free(p->folded);
	free(p->field);
	free(p->fee);
	free(p->processing_time);
	free(p->documents);
	free(p->keywords);
	free(p->folded_keywords);
	free(p->folded_field);
	memset(p, 0, sizeof(*p));
}

/* Append "sep" (when *s is not empty) and t to the malloc'd string *s. */
static void
config_append(char **s, const char *sep, const char *t)
{
	char *r;

	xasprintf(&r, "%s%s%s", *s, **s != '\0' ? sep : "", t);
	free(*s);
	*s = r;
}

/*
 * Parse the keywords field s of procedure p ("sổ đỏ; bìa đỏ"): at most
 * CONFIG_MAX_KEYWORDS entries separated by ';', each trimmed, non-empty,
 * at most CONFIG_KEYWORD_MAX bytes and with a letter or digit.  Sets
 * p->keywords (NFC, "; " between) and p->folded_keywords (';' between);
 * 0, or -1 with the error recorded.
 */
static int
config_keywords(struct config_cstate *cs, struct config_procedure *p,
    const char *s)
{
	char *nfc = vntext_nfc(s), *out, *fout, *e;
	int n = 0, rc = -1;
	const char *k;

	if (nfc == NULL)
		return -1;                   /* cannot happen: UTF-8 checked */
	out = xstrdup("");
	fout = xstrdup("");
	for (k = nfc; ; k = e + 1) {
		char *t, *f;
		size_t tl;

		e = strchr(k, ';');
		if (e == NULL)
			e = (char *)k + strlen(k);
		t = xstrndup(k, (size_t)(e - k));
		f = config_trim_dup(t);
		free(t);
		t = f;
		tl = strlen(t);
		if (tl == 0) {
			if (n == 0 && *e == '\0') {     /* the field is blank */
				free(t);
				break;
			}
			config_cerr(cs, p->line, "thủ tục %s: có từ khoá trống "
			    "(các từ khoá cách nhau bằng ';')", p->code);
			free(t);
			goto out;
		}
		if (++n > CONFIG_MAX_KEYWORDS) {
			config_cerr(cs, p->line, "thủ tục %s: quá %d từ khoá",
			    p->code, CONFIG_MAX_KEYWORDS);
			free(t);
			goto out;
		}
		if (tl > CONFIG_KEYWORD_MAX) {
			config_cerr(cs, p->line, "thủ tục %s: từ khoá thứ %d dài "
			    "quá %d byte", p->code, n, CONFIG_KEYWORD_MAX);
			free(t);
			goto out;
		}
		f = vntext_fold(t);
		if (f == NULL || *f == '\0') {
			config_cerr(cs, p->line, "thủ tục %s: từ khoá '%s' không "
			    "có chữ hay số", p->code, t);
			free(f);
			free(t);
			goto out;
		}
		config_append(&out, "; ", t);
		config_append(&fout, ";", f);
		free(f);
		free(t);
		if (*e == '\0')
			break;
	}
	p->keywords = out;
	p->folded_keywords = fout;
	out = fout = NULL;
	rc = 0;
out:
	free(out);
	free(fout);
	free(nfc);
	return rc;
}

/* Turn the current row into a procedure; errors recorded. */
static void
config_csv_row(struct config_cstate *cs)
{
	const char *v[CONFIG_CSV_COLS];
	struct config_procedure p;
	int i, dep, q, line = cs->row_line;
	unsigned h;

	if (cs->nfields != cs->ncols) {
		config_cerr(cs, line, "cần %d trường, có %d", cs->ncols,
		    cs->nfields);
		return;
	}
	v[COL_KEYWORDS] = "";
	for (i = 0; i < cs->nfields; i++) {
		if (!vntext_valid_utf8(cs->f[i], cs->flen[i])) {
			config_cerr(cs, line, "cột '%s' không phải UTF-8 hợp lệ",
			    config_col_names[cs->col[i]]);
			return;
		}
		if (cs->flen[i] > config_col_max[cs->col[i]]) {
			config_cerr(cs, line, "cột '%s' dài %zu byte, quá giới hạn "
			    "%zu byte", config_col_names[cs->col[i]], cs->flen[i],
			    config_col_max[cs->col[i]]);
			return;
		}
		v[cs->col[i]] = cs->f[i];
	}
	memset(&p, 0, sizeof(p));
	p.line = line;
	p.code = config_trim_dup(v[COL_CODE]);
	if (!config_valid_id(p.code, strlen(p.code))) {
		config_cerr(cs, line, "mã thủ tục '%s' không hợp lệ (1-%d ký tự "
		    "A-Z a-z 0-9 _ - .)", p.code, CONFIG_ID_MAX);
		goto fail;
	}
	{
		char *t = config_trim_dup(v[COL_NAME]);

		p.name = vntext_nfc(t);
		free(t);
	}
	if (p.name == NULL || *p.name == '\0') {
		config_cerr(cs, line, "thủ tục %s: tên trống", p.code);
		goto fail;
	}
	{
		char *d = config_trim_dup(v[COL_DEPARTMENT]);

		dep = config_department_index(cs->cfg, d);
		if (dep < 0)
			config_cerr(cs, line, "thủ tục %s: không có sở, ngành "
			    "'%s'", p.code, d);
		free(d);
		if (dep < 0)
			goto fail;
	}
	{
		char *qs = config_trim_dup(v[COL_QUEUE]);

		q = config_queue_index(cs->cfg, qs);
		if (q < 0)
			config_cerr(cs, line, "thủ tục %s: không có hàng đợi '%s'",
			    p.code, qs);
		else if (cs->cfg->queues[q].department != dep)
			config_cerr(cs, line, "thủ tục %s: hàng đợi %s thuộc "
			    "%s, không thuộc %s", p.code, qs,
			    cs->cfg->departments[cs->cfg->queues[q].department].code,
			    cs->cfg->departments[dep].code);
		free(qs);
		if (cs->failed)
			goto fail;
	}
	p.department = dep;
	p.queue = q;
	{
		char *t = config_trim_dup(v[COL_TARGET]);
		int bad = *t != '\0' && config_parse_int(t, 1, 720,
		    &p.target_wait_min) != 0;

		if (bad)
			config_cerr(cs, line, "thủ tục %s: target_wait_min "
			    "phải để trống hoặc là số phút 1-720, không phải '%s'",
			    p.code, t);
		free(t);
		if (bad)
			goto fail;
	}
	h = config_hash(p.code) & (CONFIG_HASH_SIZE - 1);
	while (cs->hash[h] != 0) {
		const struct config_procedure *o = &cs->procs[cs->hash[h] - 1];

		if (strcmp(o->code, p.code) == 0) {
			config_cerr(cs, line, "mã thủ tục '%s' lặp lại (đã có ở "
			    "dòng %d)", p.code, o->line);
			goto fail;
		}
		h = (h + 1) & (CONFIG_HASH_SIZE - 1);
	}
	if (cs->n >= CONFIG_MAX_PROCEDURES) {
		config_cerr(cs, line, "quá %d thủ tục",
		    CONFIG_MAX_PROCEDURES);
		goto fail;
	}
	p.folded = vntext_fold(p.name);
	{
		char *t;

		t = config_trim_dup(v[COL_FIELD]);
		p.field = vntext_nfc(t);
		free(t);
		t = config_trim_dup(v[COL_FEE]);
		p.fee = vntext_nfc(t);
		free(t);
		t = config_trim_dup(v[COL_TIME]);
		p.processing_time = vntext_nfc(t);
		free(t);
		t = config_trim_dup(v[COL_DOCUMENTS]);
		p.documents = vntext_nfc(t);
		free(t);
	}
	p.folded_field = vntext_fold(p.field);
	if (config_keywords(cs, &p, v[COL_KEYWORDS]) != 0)
		goto fail;
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 256;
		cs->procs = xreallocarray(cs->procs, (size_t)cs->cap,
		    sizeof(*cs->procs));
	}
	cs->procs[cs->n++] = p;
	cs->hash[h] = cs->n;
	return;
fail:
	config_procedure_clear(&p);
}

/* libcsv row callback: header or procedure. */
static void
config_csv_eol(int c, void *data)
{
	struct config_cstate *cs = data;

	(void)c;
	if (!cs->failed) {
		if (!cs->in_row) {
			cs->in_row = 1;
			cs->row_line = cs->line;
		}
		if (!cs->header_done)
			config_csv_header(cs);
		else
			config_csv_row(cs);
	}
	config_row_clear(cs);
	cs->in_row = 0;
}

/* 1 when the n bytes at s are only blanks. */
static int
config_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Parse a procedure catalogue; see config.h. */
int
config_parse_catalogue(const struct config *cfg, const char *text,
    size_t len, const char *name, struct config_procedure **procs,
    int *nprocs, char *err, size_t errlen)
{
	struct config_cstate cs;
	struct csv_parser parser;
	size_t pos = 0;
	int rc = -1;

	*procs = NULL;
	*nprocs = 0;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	memset(&cs, 0, sizeof(cs));
	cs.cfg = cfg;
	cs.name = name ? name : "(catalogue)";
	cs.err = err;
	cs.errlen = errlen;
	cs.line = 1;
	if (text == NULL)
		len = 0;
	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)
	    != 0) {
		config_cerr(&cs, 1, "cannot start the CSV parser");
		return -1;
	}
	cs.hash = xcalloc(CONFIG_HASH_SIZE, sizeof(*cs.hash));
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && !cs.failed) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t chunk = nl ? (size_t)(nl - (text + pos)) + 1 : len - pos;

		if (!cs.in_row && !config_blank(text + pos, chunk)) {
			cs.in_row = 1;
			cs.row_line = cs.line;
		}
		if (csv_parse(&parser, text + pos, chunk, config_csv_field,
		    config_csv_eol, &cs) != chunk)
			config_cerr(&cs, cs.line, "CSV syntax: %s",
			    csv_strerror(csv_error(&parser)));
		pos += chunk;
		if (nl != NULL)
			cs.line++;
	}
	if (!cs.failed && csv_fini(&parser, config_csv_field, config_csv_eol,
	    &cs) != 0)
		config_cerr(&cs, cs.row_line, "CSV syntax: unterminated quoted "
		    "field in the row starting here");
	if (!cs.failed && !cs.header_done)
		config_cerr(&cs, 1, "no header row (need: code, name, "
		    "department, field, queue, target_wait_min, fee, "
		    "processing_time, documents)");
	config_row_clear(&cs);
	csv_free(&parser);
	free(cs.hash);
	if (cs.failed) {
		config_procedures_free(cs.procs, cs.n);
		return -1;
	}
	*procs = cs.procs;
	*nprocs = cs.n;
	rc = 0;
	return rc;
}

void
config_procedures_free(struct config_procedure *procs, int nprocs)
{
	int i;

	if (procs == NULL)
		return;
	for (i = 0; i < nprocs; i++)
		config_procedure_clear(&procs[i]);
	free(procs);
}

/* ---- loading from files ------------------------------------------------- */

/* Read a whole regular file (at most max bytes), NUL-terminated; 0 on success. */
static int
config_read_file(const char *path, size_t max, char **text, size_t *len)
{
	struct stat sb;
	char *buf;
	size_t off = 0;
	int fd;

	*text = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || (uintmax_t)sb.st_size > max) {
		close(fd);
		errno = S_ISREG(sb.st_mode) ? EFBIG : EINVAL;
		return -1;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (off < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)sb.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	*text = buf;
	*len = off;
	return 0;
}

/* Make a relative path in *p relative to dir instead. */
static void
config_resolve(char **p, const char *dir)
{
	char *r;

	if (*p == NULL || (*p)[0] == '/' || (*p)[0] == '\0' ||
	    strncmp(*p, ":memory:", 8) == 0 || strncmp(*p, "file:", 5) == 0)
		return;
	xasprintf(&r, "%s/%s", dir, *p);
	free(*p);
	*p = r;
}

/* Parse the INI at path and the catalogue it names; see config.h. */
int
config_load(const char *path, struct config **out, char *err, size_t errlen)
{
	struct config *cfg;
	char *text, *dir, *slash;
	size_t len;
	int rc;

	*out = NULL;
	if (config_read_file(path, CONFIG_INI_MAX_SIZE, &text, &len) != 0) {
		config_seterr(err, errlen, "%s: cannot read: %s", path,
		    strerror(errno));
		return -1;
	}
	rc = config_parse_ini(text, len, path, &cfg, err, errlen);
	free(text);
	if (rc != 0)
		return -1;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	config_resolve(&cfg->catalogue_path, dir);
	config_resolve(&cfg->database, dir);
	config_resolve(&cfg->export_conninfo_file, dir);
	free(dir);

	if (config_read_file(cfg->catalogue_path, CONFIG_CSV_MAX_SIZE, &text,
	    &len) != 0) {
		config_seterr(err, errlen, "%s: cannot read catalogue: %s",
		    cfg->catalogue_path, strerror(errno));
		config_free(cfg);
		return -1;
	}
	rc = config_parse_catalogue(cfg, text, len, cfg->catalogue_path,
	    &cfg->procedures, &cfg->nprocedures, err, errlen);
	free(text);
	if (rc != 0) {
		config_free(cfg);
		return -1;
	}
	*out = cfg;
	return 0;
}

/* Free a config and everything it holds; NULL is fine. */
void
config_free(struct config *cfg)
{
	int i;

	if (cfg == NULL)
		return;
	free(cfg->centre_name);
	free(cfg->centre_address);
	free(cfg->footer);
	free(cfg->public_url);
	free(cfg->catalogue_path);
	free(cfg->listen);
	free(cfg->database);
	free(cfg->export_conninfo_file);
	free(cfg->export_centre_code);
	free(cfg->sms.url);
	free(cfg->sms.username);
	free(cfg->sms.password);
	free(cfg->sms.from);
	free(cfg->sms.dlr_url);
	for (i = 0; i < cfg->ndepartments; i++) {
		free(cfg->departments[i].code);
		free(cfg->departments[i].name);
	}
	for (i = 0; i < cfg->nqueues; i++) {
		free(cfg->queues[i].code);
		free(cfg->queues[i].name);
	}
	for (i = 0; i < cfg->ncounters; i++) {
		free(cfg->counters[i].name);
		free(cfg->counters[i].area);
	}
	for (i = 0; i <= cfg->npriority && i <= CONFIG_MAX_PRIORITY; i++) {
		free(cfg->priority[i].code);
		free(cfg->priority[i].name);
	}
	for (i = 0; i < cfg->nkiosks; i++) {
		free(cfg->kiosks[i].id);
		free(cfg->kiosks[i].name);
		free(cfg->kiosks[i].printer);
	}
	for (i = 0; i < cfg->nprinters; i++) {
		free(cfg->printers[i].id);
		free(cfg->printers[i].driver);
		free(cfg->printers[i].device);
		free(cfg->printers[i].flow);
		free(cfg->printers[i].codepage);
	}
	for (i = 0; i < cfg->nlines; i++) {
		free(cfg->lines[i].id);
		free(cfg->lines[i].port);
	}
	for (i = 0; i < cfg->nboards; i++) {
		free(cfg->boards[i].role);
		free(cfg->boards[i].area);
	}
	config_procedures_free(cfg->procedures, cfg->nprocedures);
	free(cfg->path);
	free(cfg);
}

/* ---- lookups ------------------------------------------------------------ */

int
config_queue_index(const struct config *cfg, const char *code)
{
	int i;

	for (i = 0; code != NULL && i < cfg->nqueues; i++)
		if (strcmp(cfg->queues[i].code, code) == 0)
			return i;
	return -1;
}

int
config_department_index(const struct config *cfg, const char *code)
{
	int i;

	for (i = 0; code != NULL && i < cfg->ndepartments; i++)
		if (strcmp(cfg->departments[i].code, code) == 0)
			return i;
	return -1;
}

int
config_counter_index(const struct config *cfg, int number)
{
	int i;

	for (i = 0; i < cfg->ncounters; i++)
		if (cfg->counters[i].number == number)
			return i;
	return -1;
}

int
config_kiosk_index(const struct config *cfg, const char *id)
{
	int i;

	for (i = 0; id != NULL && i < cfg->nkiosks; i++)
		if (cfg->kiosks[i].id != NULL && strcmp(cfg->kiosks[i].id, id) == 0)
			return i;
	return -1;
}

int
config_procedure_index(const struct config *cfg, const char *code)
{
	int i;

	for (i = 0; code != NULL && i < cfg->nprocedures; i++)
		if (strcmp(cfg->procedures[i].code, code) == 0)
			return i;
	return -1;
}

int
config_priority_index(const struct config *cfg, const char *code)
{
	int i;

	for (i = 0; code != NULL && i <= cfg->npriority; i++)
		if (cfg->priority[i].code != NULL &&
		    strcmp(cfg->priority[i].code, code) == 0)
			return i;
	return -1;
}

int
config_ticket_counters(const struct config *cfg, int queue, int assigned,
    int *out, int max)
{
	int level, i, k, n = 0;

	if (max <= 0)
		return 0;
	if (assigned >= 0 && assigned < cfg->ncounters) {
		out[0] = assigned;
		return 1;
	}
	for (level = CONFIG_PRIMARY; level <= CONFIG_BACKUP && n == 0; level++)
		for (i = 0; i < cfg->ncounters && n < max; i++)
			for (k = 0; k < cfg->counters[i].nserves; k++)
				if (cfg->counters[i].serves[k].queue == queue &&
				    (int)cfg->counters[i].serves[k].level == level) {
					out[n++] = i;
					break;
				}
	return n;
}

/* ---- writing the configuration back as INI --------------------------------- */

struct config_buf {
	char *s;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
config_bprintf(struct config_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s != NULL ? b->s + b->len : NULL,
		    b->s != NULL ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			fatalx("config: cannot format");
		if (b->s != NULL && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
}

/* The id of object idx of kind k as it follows the kind word; NULL none. */
static void
config_obj_id(const struct config *cfg, int k, int idx, char *out, size_t outlen)
{
	out[0] = '\0';
	switch (k) {
	case K_DEPARTMENT: snprintf(out, outlen, "%s", cfg->departments[idx].code); break;
	case K_QUEUE: snprintf(out, outlen, "%s", cfg->queues[idx].code); break;
	case K_COUNTER: snprintf(out, outlen, "%d", cfg->counters[idx].number); break;
	case K_PRIORITY: snprintf(out, outlen, "%s", cfg->priority[idx + 1].code); break;
	case K_KIOSK: snprintf(out, outlen, "%s", cfg->kiosks[idx].id); break;
	case K_PRINTER: snprintf(out, outlen, "%s", cfg->printers[idx].id); break;
	case K_LINE: snprintf(out, outlen, "%s", cfg->lines[idx].id); break;
	case K_BOARD:
		snprintf(out, outlen, "%s/%d", cfg->lines[cfg->boards[idx].line].id,
		    cfg->boards[idx].address);
		break;
	default: break;
	}
}

static int
config_nobjs(const struct config *cfg, int k)
{
	switch (k) {
	case K_CENTRE: case K_DAEMON: case K_POLICY: return 1;
	case K_DEPARTMENT: return cfg->ndepartments;
	case K_QUEUE: return cfg->nqueues;
	case K_COUNTER: return cfg->ncounters;
	case K_PRIORITY: return cfg->npriority;
	case K_KIOSK: return cfg->nkiosks;
	case K_PRINTER: return cfg->nprinters;
	case K_LINE: return cfg->nlines;
	case K_BOARD: return cfg->nboards;
	case K_SMS: return cfg->sms.url != NULL ? 1 : 0;
	case K_EXPORT: return cfg->export_conninfo_file != NULL ? 1 : 0;
	case K_BOOKING: return 1;
	default: return 0;
	}
}

/* Sessions "07:30-11:30, 13:30-17:00" into b. */
static void
config_write_sessions(struct config_buf *b, int n, const int *from_s,
    const int *to_s)
{
	int i;

	for (i = 0; i < n; i++)
		config_bprintf(b, "%s%02d:%02d-%02d:%02d", i > 0 ? ", " : "",
		    from_s[i] / 3600, from_s[i] / 60 % 60, to_s[i] / 3600,
		    to_s[i] / 60 % 60);
}

/* Value of a T_SPECIAL key as the INI writes it into b; 0 when absent. */
static int
config_special_value(const struct config *cfg, int k, int idx, const char *key,
    struct config_buf *b)
{
	int i;

	if (k == K_QUEUE && strcmp(key, "department") == 0)
		config_bprintf(b, "%s", cfg->departments[cfg->queues[idx].department].code);
	else if (k == K_QUEUE && strcmp(key, "numbers") == 0)
		config_bprintf(b, "%d-%d", cfg->queues[idx].number_first,
		    cfg->queues[idx].number_last);
	else if (k == K_COUNTER && strcmp(key, "department") == 0)
		config_bprintf(b, "%s", cfg->departments[cfg->counters[idx].department].code);
	else if (k == K_COUNTER && strcmp(key, "serves") == 0) {
		const struct config_counter *c = &cfg->counters[idx];

		for (i = 0; i < c->nserves; i++)
			config_bprintf(b, "%s%s%s", i > 0 ? ", " : "",
			    cfg->queues[c->serves[i].queue].code,
			    c->serves[i].level == CONFIG_BACKUP ? ":backup" : "");
	} else if (k == K_POLICY && strcmp(key, "open_hours") == 0) {
		if (cfg->policy.nopen_hours == 0)
			return 0;
		config_write_sessions(b, cfg->policy.nopen_hours,
		    cfg->policy.open_from_s, cfg->policy.open_to_s);
	} else if (k == K_BOOKING && strcmp(key, "hours") == 0) {
		if (cfg->booking.nhours == 0)
			return 0;
		config_write_sessions(b, cfg->booking.nhours, cfg->booking.from_s,
		    cfg->booking.to_s);
	} else if (k == K_BOOKING && strcmp(key, "closed_days") == 0) {
		static const char *const wd[] = { "sun", "mon", "tue", "wed", "thu",
		    "fri", "sat" };
		int n = 0;

		for (i = 1; i <= 7; i++)      /* mon..sun */
			if (cfg->booking.closed_wdays & (1u << (i % 7)))
				config_bprintf(b, "%s%s", n++ ? ", " : "", wd[i % 7]);
		if (n == 0)
			config_bprintf(b, "none");
	} else if (k == K_BOOKING && strcmp(key, "holidays") == 0) {
		if (cfg->booking.nholidays == 0)
			return 0;
		for (i = 0; i < cfg->booking.nholidays; i++) {
			int d = cfg->booking.holidays[i];

			config_bprintf(b, "%s%04d-%02d-%02d", i > 0 ? ", " : "",
			    d / 10000, d / 100 % 100, d % 100);
		}
	} else if (k == K_LINE && strcmp(key, "parity") == 0)
		config_bprintf(b, "%c", cfg->lines[idx].parity);
	else if (k == K_BOARD && strcmp(key, "counter") == 0) {
		if (cfg->boards[idx].counter < 0)
			return 0;
		config_bprintf(b, "%d", cfg->counters[cfg->boards[idx].counter].number);
	} else
		return 0;
	return 1;
}

/* The override of (section, key), or NULL. */
static const char *
config_override_of(const struct config_override *ov, int nov, const char *section,
    const char *key)
{
	int i;

	for (i = nov - 1; i >= 0; i--)
		if (strcmp(ov[i].section, section) == 0 && strcmp(ov[i].key, key) == 0)
			return ov[i].value;
	return NULL;
}

char *
config_write_ini(const struct config *cfg, const struct config_override *ov, int nov)
{
	struct config_buf b = { NULL, 0, 0 };
	int k, idx, ki;

	config_bprintf(&b, "; The live configuration, written by onestopd.  The INI\n"
	    "; file is the bootstrap; changes made in the admin pages are kept\n"
	    "; in the database and are included here.\n");
	for (k = 0; k < K_NKINDS; k++) {
		const struct config_kinddef *kd = &config_kinds[k];

		for (idx = 0; idx < config_nobjs(cfg, k); idx++) {
			char id[80], section[128];
			const void *base = config_obj_base((struct config *)cfg, k, idx);

			config_obj_id(cfg, k, idx, id, sizeof id);
			snprintf(section, sizeof section, "%s%s%s", kd->name,
			    kd->has_id ? " " : "", id);
			config_bprintf(&b, "\n[%s]\n", section);
			for (ki = 0; ki < kd->nkeys; ki++) {
				const struct config_keydef *kk = &kd->keys[ki];
				const char *o = config_override_of(ov, nov, section, kk->name);
				const char *s;
				int v;

				if (o != NULL) {
					config_bprintf(&b, "%s = %s\n", kk->name, o);
					continue;
				}
				switch (kk->type) {
				case T_TEXT:
				case T_ENUM:
					s = *(char *const *)(const void *)((const char *)base + kk->off);
					/* A config made without a catalogue file (tests). */
					if (s == NULL && k == K_CENTRE && strcmp(kk->name, "catalogue") == 0)
						s = "(none)";
					if (s != NULL && (*s != '\0' || !kk->empty_ok))
						config_bprintf(&b, "%s = %s\n", kk->name, s);
					break;
				case T_INT:
					v = *(const int *)(const void *)((const char *)base + kk->off);
					/* onestopd -p 0 listens on any free port: not an
					   INI value */
					if (v >= kk->min && v <= kk->max)
						config_bprintf(&b, "%s = %d\n", kk->name, v);
					break;
				case T_BOOL:
					v = *(const int *)(const void *)((const char *)base + kk->off);
					if (v >= 0)
						config_bprintf(&b, "%s = %s\n", kk->name, v ? "yes" : "no");
					break;
				case T_SPECIAL: {
					struct config_buf sb = { NULL, 0, 0 };

					if (config_special_value(cfg, k, idx, kk->name, &sb))
						config_bprintf(&b, "%s = %s\n", kk->name, sb.s);
					free(sb.s);
					break;
				}
				}
			}
		}
	}
	return b.s;
}

/* Is (section, key) in cfg: an existing section and one of its kind's keys? */
static int
config_override_known(const struct config *cfg, const struct config_override *o)
{
	int k, idx;

	for (k = 0; k < K_NKINDS; k++) {
		const struct config_kinddef *kd = &config_kinds[k];
		size_t n = strlen(kd->name);

		if (strncmp(o->section, kd->name, n) != 0)
			continue;
		if (!kd->has_id && o->section[n] != '\0')
			continue;
		if (kd->has_id && o->section[n] != ' ')
			continue;
		for (idx = 0; idx < config_nobjs(cfg, k); idx++) {
			char id[80];

			config_obj_id(cfg, k, idx, id, sizeof id);
			if (!kd->has_id || strcmp(o->section + n + 1, id) == 0)
				return config_key_index(k, o->key) >= 0;
		}
	}
	return 0;
}

int
config_with_overrides(const struct config *cfg, const struct config_override *ov,
    int nov, struct config **out, char *err, size_t errlen)
{
	char *text;
	int i, rc;

	*out = NULL;
	for (i = 0; i < nov; i++) {
		if (ov[i].section == NULL || ov[i].key == NULL || ov[i].value == NULL ||
		    strchr(ov[i].value, '\n') != NULL || strchr(ov[i].value, '\r') != NULL) {
			config_seterr(err, errlen, "override %d: missing or a line break", i + 1);
			return -1;
		}
		if (!config_override_known(cfg, &ov[i])) {
			config_seterr(err, errlen, "[%s] %s: no such section or key",
			    ov[i].section, ov[i].key);
			return -1;
		}
	}
	text = config_write_ini(cfg, ov, nov);
	rc = config_parse_ini(text, strlen(text), "(live)", out, err, errlen);
	free(text);
	if (rc != 0)
		return -1;
	free((*out)->path);
	(*out)->path = xstrdup(cfg->path != NULL ? cfg->path : "(live)");
	/* What the command line set (-l, -p, -d) stays as it is. */
	(*out)->listen_line = cfg->listen_line;
	(*out)->database_line = cfg->database_line;
	(*out)->port = cfg->port;
	free((*out)->catalogue_path);
	(*out)->catalogue_path = cfg->catalogue_path != NULL ? xstrdup(cfg->catalogue_path) : NULL;
	free((*out)->listen);
	(*out)->listen = cfg->listen != NULL ? xstrdup(cfg->listen) : NULL;
	free((*out)->database);
	(*out)->database = cfg->database != NULL ? xstrdup(cfg->database) : NULL;
	return 0;
}

/* One CSV field, always quoted ("" for a quote). */
static void
config_csv_put(struct config_buf *b, const char *s, int last)
{
	const char *p;

	config_bprintf(b, "\"");
	for (p = s != NULL ? s : ""; *p != '\0'; p++)
		config_bprintf(b, *p == '"' ? "\"\"" : "%c", *p);
	config_bprintf(b, last ? "\"\r\n" : "\",");
}

char *
config_write_catalogue(const struct config *cfg, const struct config_procedure *procs,
    int n)
{
	struct config_buf b = { NULL, 0, 0 };
	char num[16];
	int i;

	config_bprintf(&b, "code,name,department,field,queue,target_wait_min,fee,"
	    "processing_time,documents,keywords\r\n");
	for (i = 0; i < n; i++) {
		const struct config_procedure *p = &procs[i];

		config_csv_put(&b, p->code, 0);
		config_csv_put(&b, p->name, 0);
		config_csv_put(&b, cfg->departments[p->department].code, 0);
		config_csv_put(&b, p->field, 0);
		config_csv_put(&b, cfg->queues[p->queue].code, 0);
		if (p->target_wait_min > 0)
			snprintf(num, sizeof num, "%d", p->target_wait_min);
		else
			num[0] = '\0';
		config_csv_put(&b, num, 0);
		config_csv_put(&b, p->fee, 0);
		config_csv_put(&b, p->processing_time, 0);
		config_csv_put(&b, p->documents, 0);
		config_csv_put(&b, p->keywords, 1);
	}
	return b.s;
}
