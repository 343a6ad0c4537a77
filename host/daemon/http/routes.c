/*
 * routes.c - every HTTP route of onestopd in one table: method, path
 * pattern, who may call it, how large a body it takes, and its handler.
 * Who may call what is read here and nowhere else: the server checks the
 * roles before a handler runs (server.c, api_handler), and
 * tests/unit/host/daemon/test_routes.c walks this table to prove that every
 * route refuses every role it does not name.  Handlers still check what the
 * table cannot say (staff act only on their own counters: api_may_act_on).
 *
 * Patterns: literal segments, "{id}" (a positive integer, in r->id) and
 * "{}" (any one segment, in r->arg[] in order).  A path that matches a
 * route of another method is a 405; no match at all, a 404.
 */
#include <stdint.h>
#include <string.h>

#include "common/strnum.h"
#include "daemon/http/api_private.h"

#define KB (size_t)1024
#define BODY (256 * KB)          /* JSON bodies */
#define NOBODY (4 * KB)          /* GET: a stray body is refused past this */
#define SMALL (4 * KB)           /* a visitor's form: a booking, a code */
#define IMPORT (4 * 1024 * KB)   /* a catalogue CSV */

#define STAFF ROLE(STORE_ROLE_STAFF)
#define MANAGER ROLE(STORE_ROLE_MANAGER)
#define ADMIN ROLE(STORE_ROLE_ADMIN)
#define KIOSK ROLE(STORE_ROLE_KIOSK)
#define DISPLAY ROLE(STORE_ROLE_DISPLAY)
#define METRICS ROLE(STORE_ROLE_METRICS)
#define PEOPLE (STAFF | MANAGER | ADMIN)
#define MANAGE (MANAGER | ADMIN)
#define ANYONE (PEOPLE | KIOSK | DISPLAY)
#define PUBLIC API_PUBLIC

#define COUNTER(action) \
	{ "POST", "/api/v1/counters/{}/" action, PEOPLE, BODY, api_counter_action, NULL, action, 0 }

const struct api_route api_routes[] = {
	/* method  path                          roles   body    handler */
	{ "GET",  "/healthz",                    PUBLIC, NOBODY, api_healthz, NULL, NULL, 0 },
	/* Prometheus scrapes with a metrics device token (operations.md). */
	{ "GET",  "/metrics",                    METRICS | ADMIN, NOBODY, api_metrics, NULL, NULL, 0 },
	{ "GET",  "/",                           PUBLIC, NOBODY, api_page, NULL, "index.html", 0 },
	{ "GET",  "/staff",                      PUBLIC, NOBODY, api_page, NULL, "staff.html", 0 },
	{ "GET",  "/manager",                    PUBLIC, NOBODY, api_page, NULL, "manager.html", 0 },
	{ "GET",  "/report",                     PUBLIC, NOBODY, api_page, NULL, "report.html", 0 },
	{ "GET",  "/web/{}",                     PUBLIC, NOBODY, api_page, NULL, NULL, 0 },
	{ "GET",  "/t/{}",                       PUBLIC, NOBODY, api_status_page, NULL, NULL, 0 },
	{ "GET",  "/dat-lich",                   PUBLIC, NOBODY, api_page, NULL, "booking.html", 0 },
	{ "GET",  "/booking",                    PUBLIC, NOBODY, api_page, NULL, "booking.html", 0 },

	{ "POST", "/api/v1/login",               PUBLIC, BODY,   api_login, NULL, NULL, 0 },
	{ "POST", "/api/v1/logout",              ANYONE, BODY,   api_logout, NULL, NULL, 0 },
	{ "GET",  "/api/v1/me",                  ANYONE, NOBODY, api_me, NULL, NULL, 0 },

	{ "POST", "/api/v1/tickets",             PEOPLE | KIOSK, BODY, api_issue, NULL, NULL, 0 },
	{ "GET",  "/api/v1/tickets/{id}",        PEOPLE, NOBODY, api_ticket, NULL, NULL, 0 },
	{ "POST", "/api/v1/tickets/{id}/cancel", PEOPLE, BODY,   api_cancel, NULL, NULL, 0 },
	{ "POST", "/api/v1/tickets/{id}/reprint", PEOPLE, BODY,  api_reprint, NULL, NULL, 0 },
	{ "GET",  "/api/v1/public/tickets/{}",   PUBLIC, NOBODY, api_public_ticket, NULL, NULL, 0 },
	{ "GET",  "/api/v1/public/tickets/{}/events", PUBLIC, NOBODY, NULL, api_public_events,
	  NULL, 0 },
	/* SMS (host/docs/notify.md): a visitor gives a phone (rate-limited);
	   Kannel reports a delivery, the message's secret in the query. */
	{ "POST", "/api/v1/public/tickets/{}/notify", PUBLIC, 1 * KB, api_notify_subscribe,
	  NULL, NULL, 0 },
	{ "GET",  "/api/v1/public/sms/{id}/dlr",  PUBLIC, NOBODY, api_notify_dlr, NULL, NULL, 0 },
	{ "POST", "/api/v1/sms/reminders",       ADMIN,  SMALL,  api_notify_reminders, NULL, NULL, 0 },

	/* Appointments and remote tickets (r_bookings.c). */
	{ "GET",  "/api/v1/public/slots",        PUBLIC, NOBODY, api_public_slots, NULL, NULL, 0 },
	{ "POST", "/api/v1/public/bookings",     PUBLIC, SMALL,  api_public_book, NULL, NULL, 0 },
	{ "GET",  "/api/v1/public/bookings/{}",  PUBLIC, NOBODY, api_public_booking, NULL, NULL, 0 },
	{ "GET",  "/api/v1/public/bookings/{}/qr.svg", PUBLIC, NOBODY, api_public_booking_qr,
	  NULL, NULL, 0 },
	{ "POST", "/api/v1/public/bookings/{}/cancel", PUBLIC, SMALL, api_public_booking_cancel,
	  NULL, NULL, 0 },
	{ "POST", "/api/v1/public/bookings/{}/move", PUBLIC, SMALL, api_public_booking_move,
	  NULL, NULL, 0 },
	{ "POST", "/api/v1/public/remote-tickets", PUBLIC, SMALL, api_public_remote, NULL, NULL, 0 },
	{ "POST", "/api/v1/bookings/{}/checkin", PEOPLE | KIOSK, SMALL, api_booking_checkin,
	  NULL, NULL, 0 },

	COUNTER("open"), COUNTER("pause"), COUNTER("close"), COUNTER("next"),
	COUNTER("call"), COUNTER("recall"), COUNTER("start"), COUNTER("finish"),
	COUNTER("no-show"), COUNTER("transfer"), COUNTER("park"), COUNTER("unpark"),
	COUNTER("rate"),
	{ "POST", "/api/v1/day/close",           MANAGE, BODY,   api_audited_day_close, NULL, NULL, 0 },

	{ "GET",  "/api/v1/state",               ANYONE, NOBODY, api_state, NULL, NULL, 0 },
	{ "GET",  "/api/v1/events",              PEOPLE | DISPLAY, NOBODY, NULL, api_events, NULL,
	  API_QUERY_TOKEN },
	{ "GET",  "/api/v1/printers",            PEOPLE, NOBODY, api_printers, NULL, NULL, 0 },
	{ "GET",  "/api/v1/boards",              PEOPLE, NOBODY, api_boards, NULL, NULL, 0 },

	{ "GET",  "/api/v1/procedures",          PUBLIC, NOBODY, api_procedures, NULL, NULL, 0 },
	{ "POST", "/api/v1/procedures/import",   ADMIN,  IMPORT, api_audited_import, NULL, NULL, 0 },
	{ "POST", "/api/v1/procedures/import/preview", ADMIN, IMPORT, api_import_preview, NULL, NULL, 0 },
	{ "GET",  "/api/v1/procedures/{}",       PUBLIC, NOBODY, api_procedure, NULL, NULL, 0 },
	{ "PATCH", "/api/v1/procedures/{}",      ADMIN,  BODY,   api_procedure_change, NULL, NULL, 0 },
	{ "GET",  "/api/v1/departments",         PUBLIC, NOBODY, api_departments, NULL, NULL, 0 },

	{ "GET",  "/api/v1/users",               ADMIN,  NOBODY, api_users_list, NULL, NULL, 0 },
	{ "POST", "/api/v1/users",               ADMIN,  BODY,   api_audited_users_add, NULL, NULL, 0 },
	{ "PATCH", "/api/v1/users/{}",           ADMIN,  BODY,   api_audited_users_change, NULL, NULL, 0 },
	{ "DELETE", "/api/v1/users/{}",          ADMIN,  BODY,   api_audited_users_delete, NULL, NULL, 0 },
	{ "POST", "/api/v1/devices",             ADMIN,  BODY,   api_audited_devices, NULL, NULL, 0 },

	/* The audit log is read-only: no route changes or deletes a row. */
	{ "GET",  "/api/v1/audit",               ADMIN,  NOBODY, api_audit_list, NULL, NULL, 0 },
	{ "GET",  "/api/v1/notice",              ANYONE, NOBODY, api_notice_get, NULL, NULL, 0 },
	{ "PUT",  "/api/v1/notice",              ADMIN,  BODY,   api_notice_set, NULL, NULL, 0 },
	{ "GET",  "/api/v1/config",              ADMIN,  NOBODY, api_config_get, NULL, NULL, 0 },
	{ "POST", "/api/v1/config",              ADMIN,  BODY,   api_config_set, NULL, NULL, 0 },
	{ "GET",  "/admin",                      PUBLIC, NOBODY, api_page, NULL, "admin.html", 0 },

	{ "GET",  "/api/v1/stats/live",          MANAGE, NOBODY, api_stats_live, NULL, NULL, 0 },
	{ "GET",  "/api/v1/stats/report",        MANAGE, NOBODY, api_stats_report, NULL, NULL, 0 },
	{ "GET",  "/api/v1/stats/bookings",      MANAGE, NOBODY, api_stats_bookings, NULL, NULL, 0 },
	{ "GET",  "/api/v1/stats/counters/{}/today", PEOPLE, NOBODY, api_stats_counter_today,
	  NULL, NULL, 0 },
};
const size_t api_nroutes = sizeof api_routes / sizeof api_routes[0];

/*
 * Does path (split into seg[0..n-1]) match pattern?  On a match, {} segments
 * go to args (at most API_MAX_ARGS) and {id} to *id.
 */
static int
api_route_match(const char *pattern, char **seg, int n, const char **args,
    int64_t *id)
{
	int i = 0, k = 0;
	const char *p = pattern;

	while (*p == '/')
		p++;
	while (*p != '\0') {
		size_t len = strcspn(p, "/");
		long long v;

		if (i == n)
			return 0;
		if (len == 4 && strncmp(p, "{id}", 4) == 0) {
			if (strnum_parse(seg[i], 1, INT64_MAX, &v) != 0)
				return 0;
			*id = v;
		} else if (len == 2 && strncmp(p, "{}", 2) == 0) {
			if (k == API_MAX_ARGS)
				return 0;
			args[k++] = seg[i];
		} else if (strlen(seg[i]) != len || strncmp(p, seg[i], len) != 0)
			return 0;
		i++;
		p += len;
		while (*p == '/')
			p++;
	}
	return i == n;
}

/* The route of method and path; see api_private.h. */
const struct api_route *
api_route_find(const char *method, const char *url, struct req *r, unsigned *status)
{
	char *seg[API_MAX_SEGS], *p, *save = NULL;
	const char *args[API_MAX_ARGS];
	int64_t id = 0;
	int n = 0, path_known = 0;
	size_t i;

	*status = 404;
	if (strlen(url) >= sizeof r->path)
		return NULL;
	strcpy(r->path, url);
	for (p = strtok_r(r->path, "/", &save); p != NULL; p = strtok_r(NULL, "/", &save)) {
		if (n == API_MAX_SEGS)
			return NULL;
		seg[n++] = p;
	}
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (i = 0; i < api_nroutes; i++) {
		const struct api_route *rt = &api_routes[i];

		memset(args, 0, sizeof args);
		if (!api_route_match(rt->path, seg, n, args, &id))
			continue;
		path_known = 1;
		if (strcmp(rt->method, method) != 0)
			continue;
		memcpy(r->arg, args, sizeof r->arg);
		r->id = id;
		*status = 200;
		return rt;
	}
	if (path_known)
		*status = 405;
	return NULL;
}
