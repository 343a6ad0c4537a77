/*
 * central.h - what the files of onestop-central share (host/docs/export.md,
 * "The province's dashboard"): the growing text buffer, the one PostgreSQL
 * connection with its prepared statements (central_db.c), the accounts and
 * sessions (central_auth.c), the figures and their pages (central_report.c)
 * and what a request's bytes say (central_form.c).
 * Private to host/tools/central*.c.
 */
#ifndef ONESTOP_CENTRAL_H
#define ONESTOP_CENTRAL_H

#include <stddef.h>
#include <time.h>

#include <libpq-fe.h>

/* ---- text ------------------------------------------------------------ */

struct buf {
	char *p;                 /* NUL-terminated, owned (free) */
	size_t len, cap;
};

void buf_init(struct buf *b);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s escaped for HTML text and attribute values. */
void buf_html(struct buf *b, const char *s);
/* s as one CSV field (quoted when needed; a leading = + - @ cannot start a
   spreadsheet formula). */
void buf_csv(struct buf *b, const char *s);

/* ---- the database (central_db.c) -------------------------------------- */

enum central_q {
	CQ_LIVE,                 /* $1 now (unix s), $2 today, $3 local hour, $4 centre|NULL */
	CQ_REPORT,               /* $1 from, $2 to, $3 centre|NULL */
	CQ_USER,                 /* $1 name */
	CQ_ADD_USER,             /* $1 name, $2 hash, $3 role, $4 centre|NULL */
	CQ_CENTRES,              /* the centres' codes and names */
	/* sessions (central_sessions_sql): statements from here on may wait
	   for --init-schema */
	CQ_SESSION_ADD,          /* $1 token hash, $2 name, $3 expires (unix s) */
	CQ_SESSION_GET,          /* $1 token hash, $2 now: name, role, centre */
	CQ_SESSION_END,          /* $1 token hash */
	CQ_SESSION_PURGE,        /* $1 now: the expired ones */
	CQ_N
};

void central_db_init(const char *conninfo);
void central_db_fini(void);
/*
 * Run prepared statement q with n text parameters (NULL = SQL NULL), on the
 * one connection (under its lock; made again, and the statements prepared
 * again, when it failed).  The result, or NULL with the message in err.
 * Caller PQclear()s.
 */
PGresult *central_db_run(enum central_q q, int n, const char *const *v, char *err,
    size_t errlen);

/* ---- accounts and sessions (central_auth.c) --------------------------- */

#define CENTRAL_SESSION_S (12 * 3600)
#define CENTRAL_TOKEN_HEX 65

/* The sessions' table (--init-schema, after the accounts): a hash of each
   token, never the token; the export roles may not read it. */
extern const char central_sessions_sql[];

struct central_user {
	char name[64];
	int province;            /* 1: every centre; 0: only centre */
	char centre[40];
};

enum central_login {
	CL_OK, CL_BAD, CL_LOCKED, CL_BUSY, CL_ERROR
};

void central_auth_init(void);
void central_auth_fini(void);
/* Check name and password of addr (throttled as onestopd's logins); on CL_OK
   a new session's token; on CL_LOCKED the seconds to wait in *retry_s. */
enum central_login central_login(const char *name, const char *password, const char *addr,
    char token[CENTRAL_TOKEN_HEX], int *retry_s);
/* 1 and the user when token is a live session (of an account still
   enabled), 0 when not, -1 when the database cannot tell. */
int central_session(const char *token, struct central_user *u);
void central_logout(const char *token);
/* The CSRF token bound to session token (its hash under a label of its
   own, not the stored one: the same across restarts), hex. */
void central_csrf_of(const char *token, char out[CENTRAL_TOKEN_HEX]);
/* 1 when given is the CSRF token of token (constant time). */
int central_csrf_ok(const char *token, const char *given);
/* --add-user: make or replace an account.  0, or 1 with a message printed. */
int central_add_user(const char *name, const char *role, const char *centre,
    const char *password);

/* ---- figures and pages (central_report.c) ------------------------------ */

struct central_range {
	char from[11], to[11];   /* YYYY-MM-DD */
	char centre[40];         /* "" = every centre the user may see */
};

extern double central_sl_goal;   /* service level below this (%) is late */

/* ---- what a request says (central_form.c) ----------------------------- */

#define CENTRAL_MAX_DAYS 3700    /* the longest range of a report */

/*
 * The value of field name in an application/x-www-form-urlencoded body
 * (NUL-terminated), '+' and %XX decoded, into out: its length, or -1 when
 * absent, too long for outlen, or not text (a NUL inside, not UTF-8).
 */
int central_form_field(const char *body, const char *name, char *out, size_t outlen);
/* 1 when s is YYYY-MM-DD of a real day, its local noon in *t; else 0. */
int central_day_parse(const char *s, time_t *t);
/* 1 when s is "" or a centre code (up to 32 of A-Z a-z 0-9 _ - .). */
int central_code_ok(const char *s);
/*
 * The range of a report from the query's from, to, centre (NULL: absent;
 * from defaults to today at now, to to from) for user u: 0 with *rg, or the
 * HTTP status of the refusal (400, 403) with its message in *msg.
 */
unsigned central_range_parse(const char *from, const char *to, const char *centre,
    const struct central_user *u, time_t now, struct central_range *rg, const char **msg);

/* The dashboard page (print = the printable report), CSV, JSON of the range,
   for user u (whose rights the caller has checked).  0, or -1 with err. */
int central_page(struct buf *b, const struct central_range *r, const struct central_user *u,
    const char *csrf, int print, char *err, size_t errlen);
int central_csv(struct buf *b, const struct central_range *r, char *err, size_t errlen);
int central_json(struct buf *b, const struct central_range *r, char *err, size_t errlen);

#endif
