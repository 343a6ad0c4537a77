/*
 * onestopd.c - the onestop daemon: loads the centre's configuration, opens
 * the store, restores the day, and serves the HTTP API from one event loop.
 *
 *   onestopd -c centre.ini [-l ADDR] [-p PORT] [-d DB] [-v] [-s]
 *   onestopd -c centre.ini -n                       check the config, exit
 *   onestopd -c centre.ini [-d DB] --restore FILE   replace the database
 *                                                   with a backup, exit
 *   onestopd -c centre.ini --add-user NAME --role ROLE [--counters 1,2]
 *            [--full-name TEXT]                     password on stdin
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sqlite3.h>

#include "daemon/http/api.h"
#include "core/backup.h"
#include "core/booking.h"
#include "core/config.h"
#include "core/core.h"
#include "daemon/dev/devbus.h"
#include "daemon/dev/devprint.h"
#include "daemon/export/export.h"
#include "daemon/notify/notify.h"
#include "common/log.h"
#include "core/loop.h"
#include "core/store.h"
#include "common/strnum.h"
#include "common/vntext.h"
#include "common/xmalloc.h"

static volatile sig_atomic_t onestopd_stop;

static void
onestopd_on_signal(int sig)
{
	(void)sig;
	onestopd_stop = 1;
}

/*
 * Raise the soft limit on open files to the hard one: the HTTP server keeps
 * up to GUARD_CONN_MAX connections (host/docs/api.md), more than the usual
 * soft limit of 1024, and a refused accept() would leave them in the backlog.
 */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		log_warn("cannot raise the open file limit");
}

static void __attribute__((noreturn))
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: onestopd [-c centre.ini] [-l ADDR] [-p PORT] [-d DB] [-w DIR] [-v] [-s]\n"
	    "       onestopd [-c centre.ini] -n\n"
	    "       onestopd [-c centre.ini] [-d DB] --add-user NAME --role ROLE\n"
	    "                [--counters 1,2] [--full-name TEXT]   (password on stdin)\n"
	    "       onestopd [-c centre.ini] [-d DB] --restore FILE\n"
	    "  -c FILE   the centre's configuration (default /etc/onestop/centre.ini)\n"
	    "  -l ADDR   listen address (overrides [daemon] listen)\n"
	    "  -p PORT   port, 0 = any free port (overrides [daemon] port)\n"
	    "  -d DB     sqlite database (overrides [daemon] database)\n"
	    "  -w DIR    serve the web pages (staff console, dashboard) from DIR\n"
	    "  -n        check the configuration and exit (non-zero on any error)\n"
	    "  --restore FILE  check the backup FILE (onestopctl backup) and make it\n"
	    "            the database; refused while an onestopd runs on it\n"
	    "  -v        debug logging;  -s  log to syslog\n");
	exit(rc);
}

static int
parse_int(const char *s, long lo, long hi, long *out)
{
	long long v;

	if (strnum_parse(s, lo, hi, &v) != 0)
		return -1;
	*out = (long)v;
	return 0;
}

/* Add a user to the store; the password comes from stdin (one line). */
static int
add_user(store *st, const char *name, const char *role, const char *counters,
    const char *full_name)
{
	struct store_user u;
	char pw[256], *save = NULL, *tok, *list;
	size_t n;
	long v;

	memset(&u, 0, sizeof u);
	if (strlen(name) == 0 || strlen(name) >= sizeof u.name) {
		fprintf(stderr, "onestopd: bad user name\n");
		return 1;
	}
	snprintf(u.name, sizeof u.name, "%s", name);
	if ((u.role = store_role_parse(role)) == 0) {
		fprintf(stderr, "onestopd: unknown role \"%s\" (staff, manager, admin, kiosk, display)\n", role);
		return 1;
	}
	if (full_name != NULL &&
	    !vntext_copy_utf8(u.full_name, sizeof u.full_name, full_name)) {
		fprintf(stderr, "onestopd: the full name is longer than %zu bytes"
		    " or not valid UTF-8\n", sizeof u.full_name - 1);
		return 1;
	}
	if (counters != NULL) {
		list = xstrdup(counters);
		for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
			if (u.ncounters == STORE_MAX_USER_COUNTERS || parse_int(tok, 1, 99, &v) != 0) {
				fprintf(stderr, "onestopd: bad counter list \"%s\"\n", counters);
				free(list);
				return 1;
			}
			u.counters[u.ncounters++] = (int)v;
		}
		free(list);
	}
	if (fgets(pw, sizeof pw, stdin) == NULL) {
		fprintf(stderr, "onestopd: no password on standard input\n");
		return 1;
	}
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (n < 8) {
		fprintf(stderr, "onestopd: the password must have at least 8 characters\n");
		return 1;
	}
	if (store_user_add(st, &u, pw) != 0) {
		fprintf(stderr, "onestopd: cannot add user: %s\n", store_errmsg(st));
		return 1;
	}
	fprintf(stderr, "onestopd: user %s added (%s)\n", u.name, store_role_name(u.role));
	return 0;
}

/* A database in a file (not ":memory:" or a "file:" URI): it has a lock. */
static int
db_is_file(const char *path)
{
	return strcmp(path, ":memory:") != 0 && strncmp(path, "file:", 5) != 0;
}

/* onestopd --restore FILE: check FILE, make it the database; exit code. */
static int
restore_database(const char *file, const char *db)
{
	char err[1024];
	struct stat sb;
	int version = 0, had;

	if (!db_is_file(db)) {
		fprintf(stderr, "onestopd: --restore: %s không phải một tệp\n", db);
		return 1;
	}
	had = stat(db, &sb) == 0 && sb.st_size > 0;
	if (backup_restore(file, db, &version, err, sizeof err) != 0) {
		fprintf(stderr, "onestopd: khôi phục thất bại: %s\n", err);
		return 1;
	}
	fprintf(stderr, "onestopd: đã khôi phục %s vào %s (lược đồ phiên bản %d,"
	    " integrity_check ok)\n", file, db, version);
	if (had)
		fprintf(stderr, "onestopd: cơ sở dữ liệu trước khi khôi phục được giữ"
		    " ở %s.before-restore\n", db);
	return 0;
}

/* The exporter's state for /metrics (api.h), from its atomics. */
static void
export_metrics_state(void *arg, struct api_export_state *o)
{
	struct export_status st;

	export_status(arg, &st);
	o->acked = st.acked;
	o->oldest_at = st.oldest_at;
	o->connected = st.connected;
	o->failures = st.failures;
}

/*
 * At the start of a new service day, close the old one even when nobody
 * acts: the boards and displays must not show yesterday's calls.
 */
static int64_t
day_watch(void *arg)
{
	core *c = arg;
	struct engine_cmd cmd = engine_cmd_make(ENGINE_DAY_CLOSE);
	struct engine_result res;
	const char *day = engine_day(core_engine(c));
	char today[11];
	int rc;

	engine_day_of(core_now(), core_config(c)->day_start_hour, today);
	if (day[0] != '\0' && strcmp(day, today) < 0) {
		snprintf(cmd.reason, sizeof cmd.reason, "Tự động kết thúc ngày làm việc");
		if ((rc = core_exec(c, &cmd, &res)) != 0)
			log_warnx("automatic day close: %s", engine_strerror(-rc));
		else
			log_info("service day %s closed, now %s", day, today);
	}
	return 30000;
}

/* Notice a removed database even while nobody writes (logged loudly). */
static int64_t
store_watch(void *arg)
{
	core_check_store(arg);
	return 2000;
}

/* The appointments of the coming hour, for the walk-ins' estimates. */
static int64_t
booking_watch(void *arg)
{
	booking_refresh(arg, core_now());
	return 60 * 1000;
}

#define SESSION_PURGE_MS (3600 * 1000)

/* Delete the expired sessions, in the open batch when there is one; at the
 * start (before the first request) and hourly. */
static void
session_purge_now(core *c)
{
	int n = store_session_purge(core_store(c), core_now());

	if (n < 0)
		log_warnx("purging expired sessions: %s", store_errmsg(core_store(c)));
	else if (n > 0)
		log_info("%d expired sessions purged", n);
}

static int64_t
session_purge(void *arg)
{
	core *c = arg;

	if (core_begin(c) != 0)
		log_warnx("purging expired sessions: cannot begin a batch");
	else
		session_purge_now(c);
	return SESSION_PURGE_MS;
}

/* Where a setting came from, for messages: "-d", "file:line" or "file". */
static void
setting_origin(char *out, size_t outlen, const struct config *cfg,
    int from_option, const char *option, int line)
{
	if (from_option)
		snprintf(out, outlen, "%s", option);
	else if (line > 0)
		snprintf(out, outlen, "%s:%d", cfg->path, line);
	else
		snprintf(out, outlen, "%s", cfg->path);
}

/*
 * Apply the command line over the INI and check what the start needs
 * beyond the INI's own rules: the listen address (-l may carry a port,
 * "[::1]:8080") and a database the daemon can write.  Used by -n and by the
 * start alike, so -n says ok only for what the start accepts.  0, or -1
 * with "origin: message" in err.
 */
static int
settings_apply(struct config *cfg, const char *addr, long port, const char *db,
    char *err, size_t errlen)
{
	char host[64], where[400], msg[512];
	int lport;

	if (addr != NULL) {
		if (config_listen_parse(addr, host, sizeof host, &lport, msg,
		    sizeof msg) != 0) {
			snprintf(err, errlen, "-l %s: %s", addr, msg);
			return -1;
		}
		free(cfg->listen);
		cfg->listen = xstrdup(host);
		if (lport >= 0)
			cfg->port = lport;
	}
	if (port >= 0)
		cfg->port = (int)port;
	if (db != NULL) {
		free(cfg->database);
		cfg->database = xstrdup(db);
	}
	if (store_check_path(cfg->database, msg, sizeof msg) != 0) {
		setting_origin(where, sizeof where, cfg, db != NULL, "-d",
		    cfg->database_line);
		snprintf(err, errlen, "%s: database: %s", where, msg);
		return -1;
	}
	if (cfg->export_conninfo_file != NULL) {
		char *ci;

		if (export_read_conninfo(cfg->export_conninfo_file, &ci, msg,
		    sizeof msg) != 0) {
			snprintf(err, errlen, "%s:%d: export: %s", cfg->path,
			    cfg->export_line, msg);
			return -1;
		}
		free(ci);
	}
	return 0;
}

/*
 * Commit the turn's batch, then let the HTTP server send the answers it
 * released; if that ran new commands, come back at once instead of sleeping.
 */
static void
before_sleep(void *arg)
{
	void **ctx = arg;

	core_flush(ctx[0]);
	api_events_committed(ctx[1]);
	if (api_run(ctx[1]))
		loop_no_sleep(ctx[2]);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "add-user", required_argument, NULL, 'A' },
		{ "role", required_argument, NULL, 'R' },
		{ "counters", required_argument, NULL, 'C' },
		{ "full-name", required_argument, NULL, 'F' },
		{ "restore", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	const char *cfgpath = "/etc/onestop/centre.ini", *addr = NULL, *db = NULL;
	const char *add = NULL, *role = NULL, *counters = NULL, *full_name = NULL;
	const char *web = NULL, *restore = NULL;
	int ch, check = 0, verbose = 0, use_syslog = 0, rc, v6, lock = -1;
	long port = -1;
	struct config *cfg;
	char err[1024];
	store *st;
	core *c;
	loop *l;
	api *a = NULL;
	devbus *bus = NULL;
	devprint *prn = NULL;
	exporter *xp = NULL;
	notify *ntf = NULL;
	void *ctx[3];
	struct sigaction sa;
	sigset_t mask;

	/* No memory statistics in sqlite: they take one process-wide mutex on
	   every allocation, which the statistics worker's reports and the core
	   thread's commits would contend for (before any other sqlite call). */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

	while ((ch = getopt_long(argc, argv, "c:l:p:d:w:nvsh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': cfgpath = optarg; break;
		case 'l': addr = optarg; break;
		case 'p':
			if (parse_int(optarg, 0, 65535, &port) != 0)
				usage(2);
			break;
		case 'd': db = optarg; break;
		case 'w': web = optarg; break;
		case 'n': check = 1; break;
		case 'v': verbose = 1; break;
		case 's': use_syslog = 1; break;
		case 'A': add = optarg; break;
		case 'R': role = optarg; break;
		case 'C': counters = optarg; break;
		case 'F': full_name = optarg; break;
		case 'B': restore = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (optind != argc || (add != NULL && role == NULL) ||
	    (restore != NULL && (add != NULL || check)))
		usage(2);
	log_init("onestopd", verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO, use_syslog);

	if (config_load(cfgpath, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "onestopd: %s\n", err);
		return 1;
	}
	if (settings_apply(cfg, addr, port, db, err, sizeof err) != 0) {
		fprintf(stderr, "onestopd: %s\n", err);
		config_free(cfg);
		return 1;
	}
	if (check) {
		printf("%s: ok: %d departments, %d queues, %d counters, %d procedures\n",
		    cfgpath, cfg->ndepartments, cfg->nqueues, cfg->ncounters, cfg->nprocedures);
		config_free(cfg);
		return 0;
	}
	if (restore != NULL) {
		rc = restore_database(restore, cfg->database);
		config_free(cfg);
		return rc;
	}
	/* The daemon holds the database's lock while it runs: a restore
	   (or a second daemon) on the same file is refused meanwhile. */
	if (add == NULL && db_is_file(cfg->database) &&
	    (lock = backup_lock(cfg->database, err, sizeof err)) < 0) {
		fprintf(stderr, "onestopd: %s\n", err);
		config_free(cfg);
		return 1;
	}
	if ((st = store_open(cfg->database, cfg, err, sizeof err)) == NULL) {
		char where[600];

		setting_origin(where, sizeof where, cfg, db != NULL, "-d",
		    cfg->database_line);
		fprintf(stderr, "onestopd: %s: database %s: %s\n", where,
		    cfg->database, err);
		config_free(cfg);
		return 1;
	}
	if (add != NULL) {
		rc = add_user(st, add, role, counters, full_name);
		store_close(st);
		config_free(cfg);
		return rc;
	}
	if ((c = core_new(cfg, st, err, sizeof err)) == NULL) {
		fprintf(stderr, "onestopd: %s\n", err);
		store_close(st);
		config_free(cfg);
		return 1;
	}

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onestopd_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	/* Blocked before any thread starts, so every thread inherits it and
	   only the loop's thread, while it sleeps, takes them: a signal
	   taken by another thread would not wake the loop. */
	pthread_sigmask(SIG_BLOCK, &mask, NULL);

	raise_nofile();
	l = loop_new();
	/* What starts is stopped below, in the reverse order, whether the
	   start went through or not (every stop takes NULL). */
	rc = 1;
	if ((a = api_start(c, l, core_config(c)->listen, core_config(c)->port, err,
	    sizeof err)) == NULL)
		goto out;
	if (web != NULL)
		api_set_web_root(a, web);
	if ((bus = devbus_start(c, l, err, sizeof err)) == NULL)
		goto out;
	api_set_devbus(a, bus);
	if ((prn = devprint_start(c, l, err, sizeof err)) == NULL)
		goto out;
	api_set_devprint(a, prn);
	if (core_config(c)->export_conninfo_file != NULL &&
	    (xp = export_start(core_config(c), core_config(c)->database, err,
	    sizeof err)) == NULL)
		goto out;
	if ((ntf = notify_start(c, l, err, sizeof err)) == NULL)
		goto out;
	api_set_notify(a, ntf);
	if (xp != NULL)
		api_set_export(a, export_metrics_state, xp);
	ctx[0] = c;
	ctx[1] = a;
	ctx[2] = l;
	loop_add_timer(l, 1000, day_watch, c);
	loop_add_timer(l, 2000, store_watch, c);
	booking_refresh(c, core_now());
	loop_add_timer(l, 60 * 1000, booking_watch, c);
	session_purge_now(c);
	loop_add_timer(l, SESSION_PURGE_MS, session_purge, c);
	loop_set_before_sleep(l, before_sleep, ctx);
	log_info("%s: day %s, %d counters, %d procedures, last event %lld",
	    core_config(c)->centre_name, engine_day(core_engine(c)),
	    core_config(c)->ncounters, core_config(c)->nprocedures,
	    (long long)core_committed_event_id(c));
	v6 = strchr(core_config(c)->listen, ':') != NULL;
	fprintf(stderr, "onestopd: listening on http://%s%s%s:%d\n", v6 ? "[" : "",
	    core_config(c)->listen, v6 ? "]" : "", api_port(a));
	fflush(stderr);

	rc = loop_run(l, &onestopd_stop, &mask) == 0 ? 0 : 1;
	if (rc != 0)
		log_warn("event loop");
	err[0] = '\0';
out:
	if (err[0] != '\0')
		fprintf(stderr, "onestopd: %s\n", err);
	api_quiesce(a);          /* no new request while the rest stops */
	core_flush(c);
	export_stop(xp);
	devprint_stop(prn);
	devbus_stop(bus);
	core_flush(c);
	api_stop(a);
	notify_stop(ntf);
	loop_free(l);
	core_free(c);
	store_close(st);
	if (lock >= 0)
		close(lock);
	if (rc == 0 || err[0] == '\0')
		log_info("stopped");
	return rc;
}
