/*
 * hostile.c - hostile input and a hostile environment against the real
 * onestopd (each case in its own temp dir, on its own port, readiness by the
 * daemon's line, never a sleep; only the pids started here are killed):
 *
 *   utf8     a 200-byte Vietnamese pause reason, cancel reason and full name
 *            through the API: every answer stays valid UTF-8
 *   names    client mistakes in user and device names, and deleting an
 *            unknown user, are 400/404 with a Vietnamese message, not 500
 *   lost     the database directory removed while running: writes are
 *            refused with store_failed and a loud log line, none is
 *            acknowledged
 *   unwritable  a database that cannot be written (a directory, a read-only
 *            file or directory) stops the start with a clear message, and
 *            onestopd -n refuses it too, naming file:line
 *   check    onestopd -n says ok exactly for the listen addresses the start
 *            accepts, naming file:line for the others
 *   ipv6     listen = ::1 and -l [::1]: the API answers on ::1
 *   devices  a device named like a person is refused (409, no token); a
 *            device made again gets a new token and its old one is revoked;
 *            a device never takes a person's role
 *   sessions a password reset, disabling or deleting a user ends their
 *            sessions; expired sessions are purged at the start
 *   cancel   staff cannot cancel a ticket parked at another counter (403)
 *   csrf     a cookie write needs the CSRF token of its own session (not
 *            any cookie equal to the header), and is refused when Origin or
 *            Referer names another host; so is a login
 *   logins   repeated bad logins lock the name, then the address, answered
 *            429 with Retry-After without a password check (a user who
 *            logged in from an address before still can there); a burst of
 *            logins beyond the password queue's bound is refused 503 busy
 *
 *   hostile [CASE...]     all cases when none is named
 *
 * Prints "ok"/"FAIL" per check and exits 1 on any failure.  More hostile
 * cases (bodies, headers, config fuzz) belong here as they come.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"
#include "peers.h"

#define PW_ADMIN "admin-pass-1"
#define WATCHDOG_S 240
#define NOBODY 65534
#define PWCHECK_BOUND 8         /* host/daemon/http/pwcheck.h PWCHECK_QUEUE_MAX */


/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k, len;
		unsigned cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

/* 1 when the file at path holds needle. */
static int
file_has(const char *path, const char *needle)
{
	char *text = hn_slurp(path, NULL);
	int has = text != NULL && strstr(text, needle) != NULL;

	free(text);
	return has;
}

/*
 * Run onestopd with args (NULL-terminated), as the user NOBODY when as_nobody
 * and we are root, collecting its stderr and stdout into out.  A daemon that
 * gets as far as its readiness line is killed at once: returns -2 then,
 * else its exit status (-1 when it did not exit normally).
 */
static int
run_daemon(const char *bin, const char *const *args, int as_nobody, char *out,
    size_t outlen)
{
	const char *argv[24];
	int p[2], status, n = 0, started = 0;
	size_t len = 0;
	ssize_t k;
	pid_t pid;

	argv[n++] = bin;
	while (*args != NULL && n < 23)
		argv[n++] = *args++;
	argv[n] = NULL;
	out[0] = '\0';
	if (pipe(p) < 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		if (as_nobody && geteuid() == 0 && (setgroups(0, NULL) != 0 ||
		    setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
			_exit(126);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	hn_watch_pid(pid);
	close(p[1]);
	while ((k = read(p[0], out + len, outlen - 1 - len)) > 0 ||
	    (k < 0 && errno == EINTR)) {
		if (k < 0)
			continue;
		len += (size_t)k;
		out[len] = '\0';
		if (strstr(out, "onestopd: listening on") != NULL) {
			started = 1;
			kill(pid, SIGKILL);
			break;
		}
		if (len + 1 >= outlen)
			break;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	hn_unwatch_pid(pid);
	if (started)
		return -2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Write a copy of the demo INI to path with [daemon]'s listen and database
 * lines replaced (NULL keeps the line) and the catalogue by absolute path.
 * Returns the line number of the listen line (the same for database + 2).
 */
static int
write_ini(const struct hn_daemon *d, const char *path, const char *listen,
    const char *database)
{
	char line[4096], cwd[1024], dir[1024], *slash;
	int lineno = 0, listen_line = 0, in_daemon = 0;
	FILE *in = fopen(d->ini, "r"), *out = fopen(path, "w");

	if (in == NULL || out == NULL || getcwd(cwd, sizeof cwd) == NULL) {
		fprintf(stderr, "hostile: cannot copy %s to %s\n", d->ini, path);
		exit(1);
	}
	snprintf(dir, sizeof dir, "%s", d->ini);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	while (fgets(line, sizeof line, in) != NULL) {
		lineno++;
		if (line[0] == '[')
			in_daemon = strncmp(line, "[daemon]", 8) == 0;
		if (strncmp(line, "catalogue = ", 12) == 0 && line[12] != '/') {
			line[strcspn(line, "\n")] = '\0';
			fprintf(out, "catalogue = %s%s%s/%s\n", dir[0] == '/' ? "" :
			    cwd, dir[0] == '/' ? "" : "/", dir, line + 12);
		} else if (in_daemon && strncmp(line, "listen = ", 9) == 0) {
			listen_line = lineno;
			if (listen != NULL)
				fprintf(out, "listen = %s\n", listen);
			else
				fputs(line, out);
		} else if (in_daemon && strncmp(line, "database = ", 11) == 0 &&
		    database != NULL)
			fprintf(out, "database = %s\n", database);
		else
			fputs(line, out);
	}
	fclose(in);
	fclose(out);
	return listen_line;
}

/* ---- utf8 ------------------------------------------------------------- */

/*
 * 200+ bytes of Vietnamese where bytes 63 and 127 fall inside a character,
 * so that a cut by bytes shows.
 */
static void
long_vietnamese(char *out, size_t outlen, size_t cut1, size_t cut2)
{
	static const char *const words[] = { "Nghỉ ", "giải ", "lao ", "để ",
	    "sửa ", "máy ", "in ", "vé ", "ở ", "quầy ", "tiếp ", "nhận ",
	    "hồ ", "sơ ", "đất ", "đai ", "ạ " };
	size_t nwords = sizeof words / sizeof words[0], n, w, first;

	/* Start at another word until both cuts fall inside a character. */
	for (first = 0; first < nwords; first++) {
		n = 0;
		out[0] = '\0';
		for (w = first; n < 210 && n + 8 < outlen; w++)
			n += (size_t)snprintf(out + n, outlen - n, "%s",
			    words[w % nwords]);
		if (((unsigned char)out[cut1] & 0xc0) == 0x80 &&
		    ((unsigned char)out[cut2] & 0xc0) == 0x80)
			return;
	}
}

static void
case_utf8(void)
{
	struct hn_daemon d;
	struct hn_http h;
	char text[512], body[1024];
	cJSON *ans = NULL, *arr, *it;
	const char *got;
	long st;
	int found = 0;

	if (hn_init(&d, "hostile-utf8") != 0 || hn_start_admin(&d, &h, PW_ADMIN) != 0) {
		hn_check(0, "utf8: daemon started");
		return;
	}
	long_vietnamese(text, sizeof text, 63, 127);
	hn_check(strlen(text) >= 200 && ((unsigned char)text[63] & 0xc0) == 0x80 &&
	    ((unsigned char)text[127] & 0xc0) == 0x80,
	    "utf8: the %zu-byte text has a character across bytes 63 and 127",
	    strlen(text));

	/* Pause reason (a 64-byte field). */
	st = hn_req(&h, "POST", "/api/v1/counters/1/open", NULL, NULL);
	hn_check(st == 200, "utf8: open counter 1 (HTTP %ld)", st);
	snprintf(body, sizeof body, "{\"reason\":\"%s\"}", text);
	st = hn_req(&h, "POST", "/api/v1/counters/1/pause", body, NULL);
	hn_check(st == 200 && utf8_valid((unsigned char *)h.body, h.len),
	    "utf8: pause with a %zu-byte reason: HTTP %ld, answer valid UTF-8",
	    strlen(text), st);
	st = hn_req(&h, "GET", "/api/v1/state", NULL, &ans);
	hn_check(st == 200 && utf8_valid((unsigned char *)h.body, h.len),
	    "utf8: /api/v1/state is valid UTF-8 (HTTP %ld, %zu bytes)", st, h.len);
	arr = cJSON_GetObjectItemCaseSensitive(ans, "counters");
	cJSON_ArrayForEach(it, arr) {
		if (hn_num(it, "number", 0) != 1)
			continue;
		got = hn_str(it, "reason");
		found = got != NULL && strlen(got) > 0 && strlen(got) <= 63 &&
		    strncmp(got, text, strlen(got)) == 0;
	}
	hn_check(found, "utf8: counter 1's reason is a whole-character prefix of"
	    " the one sent, at most 63 bytes");
	cJSON_Delete(ans);

	/* Full name (a 128-byte field), on create and on change. */
	snprintf(body, sizeof body, "{\"name\":\"nv-utf8\",\"password\":"
	    "\"staff-pass-1\",\"role\":\"staff\",\"full_name\":\"%s\","
	    "\"counters\":[1]}", text);
	st = hn_req(&h, "POST", "/api/v1/users", body, NULL);
	hn_check(st == 201 && utf8_valid((unsigned char *)h.body, h.len),
	    "utf8: create a user with a %zu-byte full name: HTTP %ld, answer"
	    " valid UTF-8", strlen(text), st);
	st = hn_req(&h, "GET", "/api/v1/users", NULL, &ans);
	hn_check(st == 200 && utf8_valid((unsigned char *)h.body, h.len),
	    "utf8: /api/v1/users is valid UTF-8 (HTTP %ld)", st);
	found = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(ans, "users")) {
		const char *nm = hn_str(it, "name");

		got = hn_str(it, "full_name");
		if (nm != NULL && strcmp(nm, "nv-utf8") == 0)
			found = got != NULL && strlen(got) > 63 &&
			    strlen(got) <= 127 &&
			    strncmp(got, text, strlen(got)) == 0;
	}
	hn_check(found, "utf8: the full name is kept as a whole-character prefix,"
	    " at most 127 bytes");
	cJSON_Delete(ans);
	snprintf(body, sizeof body, "{\"full_name\":\"x%s\"}", text);
	st = hn_req(&h, "PATCH", "/api/v1/users/nv-utf8", body, NULL);
	hn_check(st == 200 && utf8_valid((unsigned char *)h.body, h.len),
	    "utf8: change the full name: HTTP %ld, answer valid UTF-8", st);
	st = hn_req(&h, "GET", "/api/v1/users", NULL, NULL);
	hn_check(st == 200 && utf8_valid((unsigned char *)h.body, h.len),
	    "utf8: /api/v1/users still valid UTF-8");

	/* A cancel reason and a day close reason go into the events. */
	st = hn_req(&h, "POST", "/api/v1/tickets", "{\"queue\":\"TP-HT\","
	    "\"print\":false}", &ans);
	hn_check(st == 201, "utf8: issue a ticket (HTTP %ld)", st);
	if (st == 201) {
		char path[64];

		snprintf(path, sizeof path, "/api/v1/tickets/%.0f/cancel",
		    hn_num(cJSON_GetObjectItemCaseSensitive(ans, "ticket"), "id", 0));
		snprintf(body, sizeof body, "{\"reason\":\"%s\"}", text + 1);
		st = hn_req(&h, "POST", path, body, NULL);
		hn_check(st == 200 && utf8_valid((unsigned char *)h.body, h.len),
		    "utf8: cancel with a long reason: HTTP %ld, valid UTF-8", st);
	}
	cJSON_Delete(ans);
	hn_http_free(&h);
	/* The events (with their reasons) come back from the store after a
	 * restart: still valid UTF-8. */
	hn_stop(&d, SIGTERM);
	if (hn_start(&d) == 0) {
		hn_http_init(&h, d.port, NULL);
		if (hn_login(&h, "admin", PW_ADMIN) == 0) {
			st = hn_req(&h, "GET", "/api/v1/state", NULL, NULL);
			hn_check(st == 200 && utf8_valid((unsigned char *)h.body,
			    h.len), "utf8: /api/v1/state after a restart is"
			    " valid UTF-8");
		} else
			hn_check(0, "utf8: login after restart");
		hn_http_free(&h);
	} else
		hn_check(0, "utf8: restart");
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- names -------------------------------------------------------------- */

static void
expect_refusal(struct hn_http *h, const char *method, const char *path,
    const char *body, long want, const char *want_code, const char *what)
{
	cJSON *ans = NULL;
	long st = hn_req(h, method, path, body, &ans);

	hn_check(st == want && strcmp(hn_err_code(ans), want_code) == 0 &&
	    hn_has_message(ans), "names: %s -> %ld %s (got %ld %s %s)", what, want,
	    want_code, st, hn_err_code(ans), h->body != NULL ? h->body : "");
	cJSON_Delete(ans);
}

static void
case_names(void)
{
	struct hn_daemon d;
	struct hn_http h;
	char body[512], longname[200];
	long st;

	if (hn_init(&d, "hostile-names") != 0 || hn_start_admin(&d, &h, PW_ADMIN) != 0) {
		hn_check(0, "names: daemon started");
		return;
	}
	expect_refusal(&h, "POST", "/api/v1/users", "{\"name\":\"a{b}\","
	    "\"password\":\"staff-pass-1\",\"role\":\"staff\"}", 400,
	    "bad_value", "user name a{b}");
	expect_refusal(&h, "POST", "/api/v1/users", "{\"name\":\"\xc3\xa9\","
	    "\"password\":\"staff-pass-1\",\"role\":\"staff\"}", 400,
	    "bad_value", "user name \xc3\xa9");
	expect_refusal(&h, "POST", "/api/v1/devices", "{\"name\":\"bad name!\","
	    "\"role\":\"kiosk\"}", 400, "bad_value", "device name 'bad name!'");
	memset(longname, 'k', 100);
	longname[100] = '\0';
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"role\":\"kiosk\"}",
	    longname);
	expect_refusal(&h, "POST", "/api/v1/devices", body, 400, "bad_value",
	    "a 100-byte device name (was cut to 63 and accepted)");
	expect_refusal(&h, "DELETE", "/api/v1/users/nobody", NULL, 404,
	    "not_found", "DELETE an unknown user");
	expect_refusal(&h, "PATCH", "/api/v1/users/nobody",
	    "{\"full_name\":\"X\"}", 404, "not_found", "PATCH an unknown user");
	/* What is right still works. */
	st = hn_req(&h, "POST", "/api/v1/users", "{\"name\":\"nv.01@tp\","
	    "\"password\":\"staff-pass-1\",\"role\":\"staff\"}", NULL);
	hn_check(st == 201, "names: user nv.01@tp created (HTTP %ld)", st);
	expect_refusal(&h, "POST", "/api/v1/users", "{\"name\":\"nv.01@tp\","
	    "\"password\":\"staff-pass-1\",\"role\":\"staff\"}", 409,
	    "exists", "the same user again");
	st = hn_req(&h, "DELETE", "/api/v1/users/nv.01@tp", NULL, NULL);
	hn_check(st == 200, "names: user nv.01@tp deleted (HTTP %ld)", st);
	st = hn_req(&h, "POST", "/api/v1/devices", "{\"name\":\"kiosk-1\","
	    "\"role\":\"kiosk\"}", NULL);
	hn_check(st == 201, "names: device kiosk-1 created (HTTP %ld)", st);
	hn_http_free(&h);
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- lost --------------------------------------------------------------- */

static void
case_lost(void)
{
	struct hn_daemon d;
	struct hn_http h;
	char data[300];
	cJSON *ans = NULL;
	long st;
	int i, acked = 0, refused = 0, before;

	if (hn_init(&d, "hostile-lost") != 0) {
		hn_check(0, "lost: init");
		return;
	}
	snprintf(data, sizeof data, "%s/data", d.dir);
	mkdir(data, 0755);
	snprintf(d.db, sizeof d.db, "%s/onestop.db", data);
	if (hn_start_admin(&d, &h, PW_ADMIN) != 0) {
		hn_check(0, "lost: daemon started");
		hn_cleanup(&d, 1);
		return;
	}
	st = hn_req(&h, "POST", "/api/v1/tickets", "{\"queue\":\"TP-HT\","
	    "\"print\":false}", NULL);
	hn_check(st == 201, "lost: a ticket before (HTTP %ld)", st);
	before = st == 201;
	hn_remove_tree(data);
	hn_check(access(data, F_OK) != 0, "lost: %s removed", data);
	for (i = 0; i < 20; i++) {
		st = hn_req(&h, "POST", "/api/v1/tickets", "{\"queue\":\"TP-HT\","
		    "\"print\":false}", &ans);
		if (st == 201)
			acked++;
		else if (st == 500 && strcmp(hn_err_code(ans), "store_failed") == 0)
			refused++;
		cJSON_Delete(ans);
		ans = NULL;
	}
	hn_check(acked == 0 && refused == 20, "lost: 20 commands after the removal:"
	    " %d acknowledged, %d refused with 500 store_failed", acked, refused);
	st = hn_req(&h, "POST", "/api/v1/users", "{\"name\":\"nv02\","
	    "\"password\":\"staff-pass-1\",\"role\":\"staff\"}", &ans);
	hn_check(st == 500 && strcmp(hn_err_code(ans), "store_failed") == 0,
	    "lost: adding a user is refused too (HTTP %ld %s)", st, hn_err_code(ans));
	cJSON_Delete(ans);
	hn_http_free(&h);
	hn_stop(&d, SIGTERM);
	hn_check(file_has(d.logpath, "DATABASE LOST"), "lost: the log says"
	    " DATABASE LOST (%s)", d.logpath);
	(void)before;
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- unwritable ---------------------------------------------------------- */

static void
case_unwritable(void)
{
	struct hn_daemon d;
	char ini[600], out[8192], rodir[300], db[400], want[700];
	const char *args[12];
	int line, rc;

	if (hn_init(&d, "hostile-unwritable") != 0) {
		hn_check(0, "unwritable: init");
		return;
	}
	/* database = /tmp: a directory. */
	snprintf(ini, sizeof ini, "%s/dir.ini", d.dir);
	line = write_ini(&d, ini, NULL, "/tmp") + 2;
	snprintf(want, sizeof want, "%s:%d: database: /tmp is a directory", ini,
	    line);
	args[0] = "-c"; args[1] = ini; args[2] = "-n"; args[3] = NULL;
	rc = run_daemon(d.bin, args, 0, out, sizeof out);
	hn_check(rc == 1 && strstr(out, want) != NULL, "unwritable: -n with"
	    " database = /tmp exits 1 naming %s (rc %d: %s)", want, rc, out);
	args[2] = "-p"; args[3] = "0"; args[4] = NULL;
	rc = run_daemon(d.bin, args, 0, out, sizeof out);
	hn_check(rc == 1 && strstr(out, want) != NULL, "unwritable: the start with"
	    " database = /tmp stops naming %s (rc %d: %s)", want, rc, out);

	/* A read-only file in a read-only directory (for root: run as nobody,
	 * the files root's). */
	snprintf(rodir, sizeof rodir, "%s/ro", d.dir);
	mkdir(rodir, 0755);
	snprintf(db, sizeof db, "%s/onestop.db", rodir);
	args[0] = "-c"; args[1] = d.ini; args[2] = "-d"; args[3] = db;
	args[4] = "--add-user"; args[5] = "admin"; args[6] = "--role";
	args[7] = "admin"; args[8] = NULL;
	/* --add-user reads the password from stdin (here /dev/null): it fails
	 * after creating the database, which is all we need. */
	run_daemon(d.bin, args, 0, out, sizeof out);
	hn_check(access(db, F_OK) == 0, "unwritable: %s created", db);
	chmod(db, 0444);
	chmod(rodir, 0555);
	chmod(d.dir, 0755);
	args[0] = "-c"; args[1] = d.ini; args[2] = "-d"; args[3] = db;
	args[4] = "-p"; args[5] = "0"; args[6] = "-l"; args[7] = "127.0.0.1";
	args[8] = NULL;
	rc = run_daemon(d.bin, args, 1, out, sizeof out);
	hn_check(rc == 1 && strstr(out, "-d: database") != NULL &&
	    strstr(out, "cannot write") != NULL, "unwritable: the start with a"
	    " read-only database stops with a clear message (rc %d: %s)", rc,
	    out);
	args[4] = "-n"; args[5] = NULL;
	rc = run_daemon(d.bin, args, 1, out, sizeof out);
	hn_check(rc == 1 && strstr(out, "cannot write") != NULL, "unwritable: -n"
	    " refuses the read-only database too (rc %d: %s)", rc, out);
	/* A writable file in a read-only directory: the -wal cannot be made. */
	chmod(db, 0666);
	rc = run_daemon(d.bin, args, 1, out, sizeof out);
	hn_check(rc == 1 && strstr(out, "cannot create files") != NULL,
	    "unwritable: -n refuses a database whose directory is read-only"
	    " (rc %d: %s)", rc, out);
	chmod(rodir, 0755);
	chmod(d.dir, 0700);
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- check (-n) ------------------------------------------------------------ */

static void
case_check(void)
{
	static const char *const good[] = { "::1", "[::1]", "[::1]:8080",
	    "127.0.0.1", "0.0.0.0", "::" };
	static const char *const bad[] = { "not-an-address", "localhost",
	    "[::1]:9090", "1.2.3.4.5", "[::1" };
	struct hn_daemon d;
	char ini[600], out[8192], want[700], db[400];
	const char *args[8];
	size_t i;
	int line, rc, rc2;

	if (hn_init(&d, "hostile-check") != 0) {
		hn_check(0, "check: init");
		return;
	}
	snprintf(ini, sizeof ini, "%s/c.ini", d.dir);
	snprintf(db, sizeof db, "%s/onestop.db", d.dir);
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		write_ini(&d, ini, good[i], db);
		args[0] = "-c"; args[1] = ini; args[2] = "-n"; args[3] = NULL;
		rc = run_daemon(d.bin, args, 0, out, sizeof out);
		/* And the start agrees (on a free port). */
		args[2] = "-p"; args[3] = "0"; args[4] = NULL;
		rc2 = run_daemon(d.bin, args, 0, out + strlen(out),
		    sizeof out - strlen(out));
		hn_check(rc == 0 && rc2 == -2, "check: listen = %s: -n ok (rc %d)"
		    " and the start listens (rc %d): %s", good[i], rc, rc2, out);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		line = write_ini(&d, ini, bad[i], db);
		snprintf(want, sizeof want, "%s:%d: listen", ini, line);
		args[0] = "-c"; args[1] = ini; args[2] = "-n"; args[3] = NULL;
		rc = run_daemon(d.bin, args, 0, out, sizeof out);
		args[2] = "-p"; args[3] = "0"; args[4] = NULL;
		rc2 = run_daemon(d.bin, args, 0, out + strlen(out),
		    sizeof out - strlen(out));
		hn_check(rc == 1 && rc2 == 1 && strstr(out, want) != NULL,
		    "check: listen = %s: -n (rc %d) and the start (rc %d) refuse"
		    " it naming %s: %s", bad[i], rc, rc2, want, out);
	}
	/* -l on the command line is checked by -n too. */
	write_ini(&d, ini, NULL, db);
	args[0] = "-c"; args[1] = ini; args[2] = "-n"; args[3] = "-l";
	args[4] = "not-an-address"; args[5] = NULL;
	rc = run_daemon(d.bin, args, 0, out, sizeof out);
	hn_check(rc == 1 && strstr(out, "-l not-an-address") != NULL,
	    "check: -n -l not-an-address refused (rc %d: %s)", rc, out);
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- ipv6 ---------------------------------------------------------------- */

static void
case_ipv6(void)
{
	struct hn_daemon d;
	struct hn_http h;
	char ini[sizeof d.ini];
	long st;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (hn_init(&d, "hostile-ipv6") != 0) {
			hn_check(0, "ipv6: init");
			return;
		}
		if (pass == 0) {
			d.listen = "[::1]";      /* -l [::1] */
		} else {
			snprintf(ini, sizeof ini, "%.256s/v6.ini", d.dir);
			write_ini(&d, ini, "::1", NULL);
			snprintf(d.ini, sizeof d.ini, "%s", ini);
			d.listen = "";           /* the INI's listen = ::1 */
		}
		if (hn_start(&d) != 0) {
			hn_check(0, "ipv6: %s: the daemon listens",
			    pass ? "listen = ::1" : "-l [::1]");
			hn_cleanup(&d, 1);
			continue;
		}
		hn_check(file_has(d.logpath, "listening on http://[::1]:"),
		    "ipv6: %s: readiness line names http://[::1]:%d",
		    pass ? "listen = ::1" : "-l [::1]", d.port);
		hn_http_init(&h, d.port, NULL);
		snprintf(h.base, sizeof h.base, "http://[::1]:%d", d.port);
		st = hn_req(&h, "GET", "/healthz", NULL, NULL);
		hn_check(st == 200, "ipv6: %s: GET http://[::1]:%d/healthz -> %ld",
		    pass ? "listen = ::1" : "-l [::1]", d.port, st);
		hn_http_set_port(&h, d.port);   /* 127.0.0.1: not listened on */
		h.timeout_ms = 5000;
		st = hn_req(&h, "GET", "/healthz", NULL, NULL);
		hn_check(st == -1, "ipv6: nothing answers on 127.0.0.1:%d (%ld)",
		    d.port, st);
		hn_http_free(&h);
		hn_cleanup(&d, hn_failures > 0);
	}
}

/* ---- devices ------------------------------------------------------------- */

/* Status of GET path with token tok (a fresh client). */
static long
status_with(int port, const char *tok, const char *method, const char *path)
{
	struct hn_http h;
	long st;

	hn_http_init(&h, port, tok);
	st = hn_req(&h, method, path, NULL, NULL);
	hn_http_free(&h);
	return st;
}

/* POST /api/v1/devices; the token into tok ("" when refused). */
static long
make_device(struct hn_http *h, const char *name, const char *role, char tok[128])
{
	char body[256];
	cJSON *ans = NULL;
	long st;

	snprintf(body, sizeof body, "{\"name\":\"%s\",\"role\":\"%s\"}", name, role);
	st = hn_req(h, "POST", "/api/v1/devices", body, &ans);
	snprintf(tok, 128, "%s", hn_str(ans, "token") != NULL ? hn_str(ans, "token") : "");
	cJSON_Delete(ans);
	return st;
}

static void
case_devices(void)
{
	struct hn_daemon d;
	struct hn_http h;
	char t1[128], t2[128], t3[128];
	cJSON *ans = NULL, *it;
	long st;
	int roles_ok = 1;

	if (hn_init(&d, "hostile-devices") != 0 || hn_start_admin(&d, &h, PW_ADMIN) != 0) {
		hn_check(0, "devices: daemon started");
		return;
	}
	st = hn_req(&h, "POST", "/api/v1/users", "{\"name\":\"nv01\","
	    "\"password\":\"staff-pass-1\",\"role\":\"staff\",\"counters\":[1]}", NULL);
	hn_check(st == 201, "devices: staff nv01 created (HTTP %ld)", st);
	/* A person's name is never a device's: no token with their role. */
	st = make_device(&h, "nv01", "kiosk", t1);
	hn_check(st == 409 && t1[0] == '\0', "devices: a device named like staff"
	    " nv01 -> 409, no token (got %ld %s)", st, h.body);
	st = make_device(&h, "admin", "display", t1);
	hn_check(st == 409 && t1[0] == '\0', "devices: a device named like the"
	    " admin -> 409, no token (got %ld %s)", st, h.body);
	st = hn_req(&h, "GET", "/api/v1/users", NULL, &ans);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(ans, "users")) {
		const char *nm = hn_str(it, "name"), *role = hn_str(it, "role");

		if (nm != NULL && role != NULL &&
		    ((strcmp(nm, "nv01") == 0 && strcmp(role, "staff") != 0) ||
		    (strcmp(nm, "admin") == 0 && strcmp(role, "admin") != 0)))
			roles_ok = 0;
	}
	cJSON_Delete(ans);
	hn_check(st == 200 && roles_ok, "devices: nv01 and admin keep their roles");
	/* A device again: a new token, the old one revoked. */
	st = make_device(&h, "kiosk-1", "kiosk", t1);
	hn_check(st == 201 && t1[0] != '\0', "devices: kiosk-1 made (HTTP %ld)", st);
	hn_check(status_with(d.port, t1, "GET", "/api/v1/state") == 200,
	    "devices: kiosk-1's token works");
	st = make_device(&h, "kiosk-1", "kiosk", t2);
	hn_check(st == 201 && t2[0] != '\0' && strcmp(t1, t2) != 0,
	    "devices: kiosk-1 made again: a new token (HTTP %ld)", st);
	st = status_with(d.port, t1, "GET", "/api/v1/state");
	hn_check(st == 401, "devices: the old token of kiosk-1 is revoked (HTTP %ld)", st);
	hn_check(status_with(d.port, t2, "GET", "/api/v1/state") == 200,
	    "devices: the new token works");
	/* Made again as a display: a display token, the kiosk one revoked. */
	st = make_device(&h, "kiosk-1", "display", t3);
	{
		struct hn_http k;

		hn_http_init(&k, d.port, t3);
		hn_req(&k, "GET", "/api/v1/me", NULL, &ans);
		hn_check(st == 201 && status_with(d.port, t2, "GET", "/api/v1/state") == 401 &&
		    hn_str(ans, "role") != NULL && strcmp(hn_str(ans, "role"), "display") == 0,
		    "devices: made again as a display: the kiosk token revoked, the new"
		    " token is a display's (HTTP %ld %s)", st, k.body);
		cJSON_Delete(ans);
		hn_http_free(&k);
	}
	/* A device never takes a person's role. */
	st = hn_req(&h, "PATCH", "/api/v1/users/kiosk-1", "{\"role\":\"admin\"}", &ans);
	hn_check(st == 409 && hn_has_message(ans), "devices: PATCH a device's role to"
	    " admin -> 409 (got %ld %s)", st, h.body);
	cJSON_Delete(ans);
	st = status_with(d.port, t3, "GET", "/api/v1/users");
	hn_check(st == 403, "devices: the device's token still cannot list users"
	    " (HTTP %ld)", st);
	/* Disabling a device ends its token. */
	st = hn_req(&h, "PATCH", "/api/v1/users/kiosk-1", "{\"disabled\":true}", NULL);
	hn_check(st == 200, "devices: kiosk-1 disabled (HTTP %ld)", st);
	hn_req(&h, "PATCH", "/api/v1/users/kiosk-1", "{\"disabled\":false}", NULL);
	st = status_with(d.port, t3, "GET", "/api/v1/state");
	hn_check(st == 401, "devices: its token ended, also once enabled again"
	    " (HTTP %ld)", st);
	hn_http_free(&h);
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- sessions ------------------------------------------------------------ */

/* Log in as user on a fresh client; the token into tok ("" on failure). */
static void
login_as(int port, const char *user, const char *pw, char tok[128])
{
	struct hn_http h;

	hn_http_init(&h, port, NULL);
	if (hn_login(&h, user, pw) == 0)
		snprintf(tok, 128, "%s", h.token);
	else
		tok[0] = '\0';
	hn_http_free(&h);
}

static int
db_exec(const struct hn_daemon *d, const char *sql)
{
	sqlite3 *db;
	int rc;

	if (sqlite3_open(d->db, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

static void
case_sessions(void)
{
	struct hn_daemon d;
	struct hn_http h;
	char s1[128], s2[128], s3[128], a2[128];
	long st;

	if (hn_init(&d, "hostile-sessions") != 0 || hn_start_admin(&d, &h, PW_ADMIN) != 0) {
		hn_check(0, "sessions: daemon started");
		return;
	}
	st = hn_req(&h, "POST", "/api/v1/users", "{\"name\":\"nv01\","
	    "\"password\":\"staff-pass-1\",\"role\":\"staff\",\"counters\":[1]}", NULL);
	hn_check(st == 201, "sessions: staff nv01 created (HTTP %ld)", st);
	login_as(d.port, "nv01", "staff-pass-1", s1);
	login_as(d.port, "nv01", "staff-pass-1", s2);
	hn_check(s1[0] != '\0' && s2[0] != '\0' &&
	    status_with(d.port, s1, "GET", "/api/v1/me") == 200,
	    "sessions: nv01 logged in twice");
	/* A password reset ends every session of the user. */
	st = hn_req(&h, "PATCH", "/api/v1/users/nv01", "{\"password\":\"staff-pass-2\"}", NULL);
	hn_check(st == 200, "sessions: nv01's password reset (HTTP %ld)", st);
	hn_check(status_with(d.port, s1, "GET", "/api/v1/me") == 401 &&
	    status_with(d.port, s2, "GET", "/api/v1/me") == 401,
	    "sessions: both of nv01's sessions ended with the reset");
	login_as(d.port, "nv01", "staff-pass-1", s3);
	hn_check(s3[0] == '\0', "sessions: the old password no longer logs in");
	login_as(d.port, "nv01", "staff-pass-2", s3);
	hn_check(s3[0] != '\0', "sessions: the new one does");
	/* Disabling ends them, enabling again does not bring them back. */
	st = hn_req(&h, "PATCH", "/api/v1/users/nv01", "{\"disabled\":true}", NULL);
	hn_check(st == 200 && status_with(d.port, s3, "GET", "/api/v1/me") == 401,
	    "sessions: disabling nv01 ends its session (HTTP %ld)", st);
	hn_req(&h, "PATCH", "/api/v1/users/nv01", "{\"disabled\":false}", NULL);
	hn_check(status_with(d.port, s3, "GET", "/api/v1/me") == 401,
	    "sessions: ... and enabling it again does not bring it back");
	/* Deleting ends them too. */
	login_as(d.port, "nv01", "staff-pass-2", s3);
	st = hn_req(&h, "DELETE", "/api/v1/users/nv01", NULL, NULL);
	hn_check(s3[0] != '\0' && st == 200 &&
	    status_with(d.port, s3, "GET", "/api/v1/me") == 401,
	    "sessions: deleting nv01 ends its session (HTTP %ld)", st);
	/* The admin changing their own password keeps this session only. */
	login_as(d.port, "admin", PW_ADMIN, a2);
	st = hn_req(&h, "PATCH", "/api/v1/users/admin", "{\"password\":\"admin-pass-2\"}", NULL);
	hn_check(st == 200 && hn_req(&h, "GET", "/api/v1/me", NULL, NULL) == 200 &&
	    status_with(d.port, a2, "GET", "/api/v1/me") == 401,
	    "sessions: the admin's own password change keeps the session that"
	    " made it and ends the other (HTTP %ld)", st);
	hn_http_free(&h);

	/* Expired sessions (and a person's never-expiring row, as an older
	   version wrote) are purged at the start. */
	hn_stop(&d, SIGTERM);
	st = db_exec(&d, "INSERT INTO sessions(token_hash, user_id, created_at,"
	    " expires) SELECT printf('%064d', 1), id, 0, 1000 FROM users"
	    " WHERE name = 'admin'; INSERT INTO sessions(token_hash, user_id,"
	    " created_at, expires) SELECT printf('%064d', 2), id, 0, 0 FROM users"
	    " WHERE name = 'admin'");
	hn_check(st == 0 && db_int(&d, "SELECT count(*) FROM sessions WHERE"
	    " token_hash LIKE '000%'") == 2, "sessions: an expired and a"
	    " never-expiring admin session put in the database");
	if (hn_start(&d) == 0) {
		hn_check(db_int(&d, "SELECT count(*) FROM sessions WHERE token_hash"
		    " LIKE '000%'") == 0 && db_int(&d, "SELECT count(*) FROM"
		    " sessions") >= 1, "sessions: both are purged at the start,"
		    " the live one stays");
	} else
		hn_check(0, "sessions: restart");
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- cancel -------------------------------------------------------------- */

static void
case_cancel(void)
{
	struct hn_daemon d;
	struct hn_http h, n1, n2;
	char path[80];
	cJSON *ans = NULL;
	long st;
	double id1 = 0, id2 = 0;

	if (hn_init(&d, "hostile-cancel") != 0 ||
	    hn_add_user(&d, "nv1", "staff", "1", "staff-pass-1") != 0 ||
	    hn_add_user(&d, "nv2", "staff", "2", "staff-pass-2") != 0 ||
	    hn_start_admin(&d, &h, PW_ADMIN) != 0) {
		hn_check(0, "cancel: daemon started");
		return;
	}
	hn_http_init(&n1, d.port, NULL);
	hn_http_init(&n2, d.port, NULL);
	hn_check(hn_login(&n1, "nv1", "staff-pass-1") == 0 &&
	    hn_login(&n2, "nv2", "staff-pass-2") == 0, "cancel: nv1 (counter 1)"
	    " and nv2 (counter 2) logged in");
	/* Counter 2 calls a ticket and parks it: it is counter 2's. */
	st = hn_req(&n2, "POST", "/api/v1/counters/2/open", NULL, NULL);
	hn_req(&n2, "POST", "/api/v1/tickets", "{\"queue\":\"TP-HT\",\"print\":false}", &ans);
	id1 = hn_num(cJSON_GetObjectItemCaseSensitive(ans, "ticket"), "id", 0);
	cJSON_Delete(ans);
	hn_req(&n2, "POST", "/api/v1/tickets", "{\"queue\":\"TP-HT\",\"print\":false}", &ans);
	id2 = hn_num(cJSON_GetObjectItemCaseSensitive(ans, "ticket"), "id", 0);
	cJSON_Delete(ans);
	if (hn_req(&n2, "POST", "/api/v1/counters/2/next", NULL, NULL) != 200 ||
	    hn_req(&n2, "POST", "/api/v1/counters/2/park", NULL, &ans) != 200)
		st = -1;
	hn_check(st == 200 && id1 > 0 && id2 > 0 && strcmp(hn_str(
	    cJSON_GetObjectItemCaseSensitive(ans, "ticket"), "state") ?
	    hn_str(cJSON_GetObjectItemCaseSensitive(ans, "ticket"), "state") : "",
	    "parked") == 0, "cancel: counter 2 parked ticket %.0f (%s)", id1, n2.body);
	cJSON_Delete(ans);
	snprintf(path, sizeof path, "/api/v1/tickets/%.0f/cancel", id1);
	st = hn_req(&n1, "POST", path, NULL, &ans);
	hn_check(st == 403 && strcmp(hn_err_code(ans), "forbidden") == 0 &&
	    hn_has_message(ans), "cancel: nv1 cancels the ticket parked at counter 2"
	    " -> 403 (got %ld %s)", st, n1.body);
	cJSON_Delete(ans);
	snprintf(path, sizeof path, "/api/v1/tickets/%.0f", id1);
	hn_req(&n2, "GET", path, NULL, &ans);
	hn_check(strcmp(hn_str(cJSON_GetObjectItemCaseSensitive(ans, "ticket"),
	    "state") ? hn_str(cJSON_GetObjectItemCaseSensitive(ans, "ticket"),
	    "state") : "", "parked") == 0, "cancel: ... and it is still parked");
	cJSON_Delete(ans);
	snprintf(path, sizeof path, "/api/v1/tickets/%.0f/cancel", id1);
	st = hn_req(&n2, "POST", path, NULL, NULL);
	hn_check(st == 200, "cancel: nv2 (counter 2) cancels it (HTTP %ld)", st);
	/* A ticket that waits for any counter: any staff may cancel it. */
	snprintf(path, sizeof path, "/api/v1/tickets/%.0f/cancel", id2);
	st = hn_req(&n1, "POST", path, NULL, NULL);
	hn_check(st == 200, "cancel: nv1 cancels a ticket waiting in a queue"
	    " (HTTP %ld)", st);
	hn_http_free(&n1);
	hn_http_free(&n2);
	hn_http_free(&h);
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- csrf ---------------------------------------------------------------- */

static size_t
raw_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	char *out = arg;
	size_t have = strlen(out), n = size * nmemb;

	if (have + n >= 4096)
		n = 4095 - have;
	memcpy(out + have, ptr, n);
	out[have + n] = '\0';
	return size * nmemb;
}

/*
 * One request with the given extra header lines (NULL-terminated) and a
 * JSON body; the answer's body into out[4096].  The HTTP status, or -1.
 */
static long
raw_req(int port, const char *method, const char *path,
    const char *const *headers, const char *body, char *out)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hdr = NULL;
	char url[256];
	long status = -1;

	out[0] = '\0';
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, raw_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body != NULL ? body : "");
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, "Expect:");
	for (; headers != NULL && *headers != NULL; headers++)
		hdr = curl_slist_append(hdr, *headers);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return status;
}

/* Log in; token and csrf from the answer. */
static int
login_csrf(int port, const char *user, const char *pw, char tok[128], char csrf[128])
{
	char body[256], out[4096];
	cJSON *ans;
	int ok;

	snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\"}", user, pw);
	if (raw_req(port, "POST", "/api/v1/login", NULL, body, out) != 200)
		return -1;
	ans = cJSON_Parse(out);
	ok = hn_str(ans, "token") != NULL && hn_str(ans, "csrf") != NULL;
	if (ok) {
		snprintf(tok, 128, "%s", hn_str(ans, "token"));
		snprintf(csrf, 128, "%s", hn_str(ans, "csrf"));
	}
	cJSON_Delete(ans);
	return ok ? 0 : -1;
}

/* A cookie write (POST /api/v1/counters/1/open) with the session cookie,
 * an onestop_csrf cookie, and optional X-CSRF-Token, Origin and Referer. */
static long
cookie_write(int port, const char *session, const char *csrf_cookie,
    const char *csrf_header, const char *origin, const char *referer, char *out)
{
	char cookie[400], hcsrf[200], horigin[300], href[300];
	const char *h[5];
	int n = 0;

	snprintf(cookie, sizeof cookie, "Cookie: onestop_session=%s%s%s", session,
	    csrf_cookie != NULL ? "; onestop_csrf=" : "", csrf_cookie != NULL ? csrf_cookie : "");
	h[n++] = cookie;
	if (csrf_header != NULL) {
		snprintf(hcsrf, sizeof hcsrf, "X-CSRF-Token: %s", csrf_header);
		h[n++] = hcsrf;
	}
	if (origin != NULL) {
		snprintf(horigin, sizeof horigin, "Origin: %s", origin);
		h[n++] = horigin;
	}
	if (referer != NULL) {
		snprintf(href, sizeof href, "Referer: %s", referer);
		h[n++] = href;
	}
	h[n] = NULL;
	return raw_req(port, "POST", "/api/v1/counters/1/open", h, "{}", out);
}

static void
case_csrf(void)
{
	static const char forged[] = "0123456789abcdef0123456789abcdef0123456789abcdef";
	struct hn_daemon d;
	struct hn_http h;
	char ta[128], ca[128], tb[128], cb[128], out[4096], self[128], selfref[160];
	const char *evil_origin[] = { "Origin: http://evil.example", NULL };
	long st;

	if (hn_init(&d, "hostile-csrf") != 0 || hn_start_admin(&d, &h, PW_ADMIN) != 0) {
		hn_check(0, "csrf: daemon started");
		return;
	}
	snprintf(self, sizeof self, "http://127.0.0.1:%d", d.port);
	snprintf(selfref, sizeof selfref, "http://127.0.0.1:%d/staff", d.port);
	hn_check(login_csrf(d.port, "admin", PW_ADMIN, ta, ca) == 0 &&
	    login_csrf(d.port, "admin", PW_ADMIN, tb, cb) == 0 && strcmp(ca, cb) != 0,
	    "csrf: two sessions, two CSRF tokens");
	st = cookie_write(d.port, ta, ca, ca, NULL, NULL, out);
	hn_check(st == 200, "csrf: cookie write with its session's CSRF token -> 200"
	    " (got %ld %s)", st, st == 200 ? "" : out);
	st = cookie_write(d.port, ta, ca, ca, self, NULL, out);
	hn_check(st == 200, "csrf: ... and Origin %s -> 200 (got %ld %s)", self, st,
	    st == 200 ? "" : out);
	st = cookie_write(d.port, ta, ca, ca, NULL, selfref, out);
	hn_check(st == 200, "csrf: ... and Referer %s -> 200 (got %ld %s)", selfref,
	    st, st == 200 ? "" : out);
	/* Bound to the session: another session's token, or any cookie equal
	   to the header, does not pass. */
	st = cookie_write(d.port, ta, cb, cb, NULL, NULL, out);
	hn_check(st == 403 && strstr(out, "\"csrf\"") != NULL, "csrf: the CSRF token of"
	    " another session -> 403 csrf (got %ld %s)", st, out);
	st = cookie_write(d.port, ta, forged, forged, NULL, NULL, out);
	hn_check(st == 403 && strstr(out, "\"csrf\"") != NULL, "csrf: a made-up"
	    " onestop_csrf cookie equal to the header -> 403 csrf (got %ld %s)", st, out);
	st = cookie_write(d.port, ta, ca, NULL, NULL, NULL, out);
	hn_check(st == 403, "csrf: no header -> 403 (got %ld)", st);
	/* Another site's page. */
	st = cookie_write(d.port, ta, ca, ca, "http://evil.example", NULL, out);
	hn_check(st == 403 && strstr(out, "\"csrf\"") != NULL, "csrf: Origin"
	    " http://evil.example -> 403 csrf (got %ld %s)", st, out);
	st = cookie_write(d.port, ta, ca, ca, "null", NULL, out);
	hn_check(st == 403, "csrf: Origin null -> 403 (got %ld)", st);
	snprintf(out, sizeof out, "http://127.0.0.1:%d.evil.example", d.port);
	st = cookie_write(d.port, ta, ca, ca, out, NULL, out);
	hn_check(st == 403, "csrf: Origin http://127.0.0.1:%d.evil.example -> 403"
	    " (got %ld)", d.port, st);
	st = cookie_write(d.port, ta, ca, ca, NULL, "http://evil.example/page", out);
	hn_check(st == 403, "csrf: no Origin, Referer http://evil.example/page -> 403"
	    " (got %ld %s)", st, out);
	st = raw_req(d.port, "POST", "/api/v1/login", evil_origin,
	    "{\"user\":\"admin\",\"password\":\"" PW_ADMIN "\"}", out);
	hn_check(st == 403 && strstr(out, "token") == NULL, "csrf: a login from"
	    " another site's page -> 403, no session (got %ld %s)", st, out);
	/* A restart keeps the sessions and their CSRF tokens. */
	hn_http_free(&h);
	hn_stop(&d, SIGTERM);
	if (hn_start(&d) == 0) {
		st = cookie_write(d.port, ta, ca, ca, NULL, NULL, out);
		hn_check(st == 200, "csrf: after a restart the session's CSRF token"
		    " still passes (got %ld %s)", st, st == 200 ? "" : out);
	} else
		hn_check(0, "csrf: restart");
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- logins -------------------------------------------------------------- */

struct login_ans {
	char body[4096];
	int retry_after;             /* the Retry-After header, 0 = none */
	long status;
};

static size_t
login_header(char *buf, size_t size, size_t n, void *arg)
{
	struct login_ans *a = arg;
	size_t len = size * n;

	if (len > 13 && strncasecmp(buf, "Retry-After:", 12) == 0)
		a->retry_after = atoi(buf + 12);
	return len;
}

/* A curl handle for a login of user/pw from the loopback address addr. */
static CURL *
login_handle(int port, const char *addr, const char *user, const char *pw,
    struct login_ans *a, char *body, size_t bodylen, struct curl_slist **hdr)
{
	CURL *c = curl_easy_init();
	char url[128], iface[64];

	memset(a, 0, sizeof *a);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/login", port);
	snprintf(iface, sizeof iface, "host!%s", addr);
	snprintf(body, bodylen, "{\"user\":\"%s\",\"password\":\"%s\"}", user, pw);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
	curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, raw_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, login_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 60000L);
	*hdr = curl_slist_append(NULL, "Content-Type: application/json");
	*hdr = curl_slist_append(*hdr, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdr);
	return c;
}

/* One login from addr; the status (-1 on a transport error). */
static long
login_from(int port, const char *addr, const char *user, const char *pw,
    struct login_ans *a)
{
	struct curl_slist *hdr;
	char body[256];
	CURL *c = login_handle(port, addr, user, pw, a, body, sizeof body, &hdr);

	a->status = -1;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return a->status;
}

#define BURST 40

/* BURST bad logins at once, from 127.0.0.<first + i> as ghost-<i>. */
static void
login_burst(int port, int first, struct login_ans *ans)
{
	CURL *c[BURST];
	struct curl_slist *hdr[BURST];
	CURLM *m = curl_multi_init();
	char body[256], addr[32], user[32];
	int i, running = 1;

	for (i = 0; i < BURST; i++) {
		snprintf(addr, sizeof addr, "127.0.0.%d", first + i);
		snprintf(user, sizeof user, "ghost-%d", i);
		c[i] = login_handle(port, addr, user, "wrong-pass", &ans[i], body,
		    sizeof body, &hdr[i]);
		ans[i].status = -1;
		curl_multi_add_handle(m, c[i]);
	}
	while (running) {
		curl_multi_perform(m, &running);
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	for (i = 0; i < BURST; i++) {
		curl_easy_getinfo(c[i], CURLINFO_RESPONSE_CODE, &ans[i].status);
		curl_multi_remove_handle(m, c[i]);
		curl_easy_cleanup(c[i]);
		curl_slist_free_all(hdr[i]);
	}
	curl_multi_cleanup(m);
}

static void
case_logins(void)
{
	static struct login_ans burst[BURST];
	struct hn_daemon d;
	struct hn_http h;
	struct login_ans a;
	char user[32];
	long st;
	int i, n401 = 0, n503 = 0, other = 0, busy_ok = 1;

	if (hn_init(&d, "hostile-logins") != 0 ||
	    hn_add_user(&d, "nv01", "staff", "1", "staff-pass-1") != 0 ||
	    hn_start_admin(&d, &h, PW_ADMIN) != 0) {
		hn_check(0, "logins: daemon started");
		return;
	}
	/* Per user: 5 failures, then refused at once, even the right password. */
	for (i = 0; i < 5; i++)
		st = login_from(d.port, "127.0.0.2", "nv01", "wrong-pass", &a);
	hn_check(st == 401, "logins: 5 bad logins as nv01 -> 401 (last %ld)", st);
	st = login_from(d.port, "127.0.0.2", "nv01", "staff-pass-1", &a);
	hn_check(st == 429 && a.retry_after >= 1 && strstr(a.body,
	    "too_many_attempts") != NULL && strstr(a.body, "thử lại sau") != NULL,
	    "logins: then even the right password -> 429 with Retry-After %d"
	    " (got %ld %s)", a.retry_after, st, a.body);
	st = login_from(d.port, "127.0.0.3", "nv01", "staff-pass-1", &a);
	hn_check(st == 429, "logins: ... also from another address: the lock is on"
	    " the name (got %ld)", st);
	/* Nobody locks a colleague out: the admin logged in from 127.0.0.1
	   before, and still can there while the name is locked elsewhere. */
	for (i = 0; i < 5; i++)
		login_from(d.port, "127.0.0.4", "admin", "wrong-pass", &a);
	st = login_from(d.port, "127.0.0.4", "admin", PW_ADMIN, &a);
	hn_check(st == 429, "logins: admin's name locked from 127.0.0.4 (got %ld)", st);
	st = login_from(d.port, "127.0.0.1", "admin", PW_ADMIN, &a);
	hn_check(st == 200, "logins: the admin still logs in from 127.0.0.1, where"
	    " they logged in before (got %ld %s)", st, a.body);
	/* Per address: 10 failures with 10 names, then the address is refused. */
	for (i = 0; i < 10; i++) {
		snprintf(user, sizeof user, "spray-%d", i);
		st = login_from(d.port, "127.0.0.5", user, "wrong-pass", &a);
	}
	hn_check(st == 401, "logins: 10 bad logins from 127.0.0.5 with 10 names ->"
	    " 401 (last %ld)", st);
	st = login_from(d.port, "127.0.0.5", "spray-10", "wrong-pass", &a);
	hn_check(st == 429 && a.retry_after >= 1, "logins: the 11th name from"
	    " 127.0.0.5 -> 429 at once (got %ld)", st);
	/* The queue of password checks is bounded: a burst is refused busy. */
	login_burst(d.port, 10, burst);
	for (i = 0; i < BURST; i++) {
		if (burst[i].status == 401)
			n401++;
		else if (burst[i].status == 503) {
			n503++;
			busy_ok &= burst[i].retry_after >= 1 &&
			    strstr(burst[i].body, "\"busy\"") != NULL &&
			    strstr(burst[i].body, "đang bận") != NULL;
		} else
			other++;
	}
	hn_check(n503 > 0 && other == 0 && busy_ok, "logins: %d logins at once from"
	    " %d addresses: %d checked (401), %d refused 503 busy with"
	    " Retry-After and a Vietnamese message, %d other", BURST, BURST, n401,
	    n503, other);
	hn_check(n401 <= PWCHECK_BOUND + 2, "logins: at most the bound (%d) and the"
	    " running check waited (%d did)", PWCHECK_BOUND, n401);
	st = login_from(d.port, "127.0.0.1", "admin", PW_ADMIN, &a);
	hn_check(st == 200, "logins: after the burst the admin logs in (got %ld)", st);
	hn_http_free(&h);
	hn_cleanup(&d, hn_failures > 0);
}

/* ---- main ---------------------------------------------------------------- */

static const struct hn_case cases[] = {
	{ "utf8", case_utf8 },
	{ "names", case_names },
	{ "lost", case_lost },
	{ "unwritable", case_unwritable },
	{ "check", case_check },
	{ "ipv6", case_ipv6 },
	{ "devices", case_devices },
	{ "sessions", case_sessions },
	{ "cancel", case_cancel },
	{ "csrf", case_csrf },
	{ "logins", case_logins },
};

int
main(int argc, char **argv)
{
	hn_watchdog("hostile", WATCHDOG_S);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	hn_run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
	curl_global_cleanup();
	return hn_summary("hostile");
}
