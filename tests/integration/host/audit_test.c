/*
 * audit_test.c - the audit log against the real daemon: every admin and
 * manager action through the real API leaves exactly its row (who, role,
 * client address, action, target, before and after), a refused action
 * leaves none, no password or token is ever written, the filters and the
 * CSV answer, nobody but an admin reads it, no method changes it, and it
 * survives a restart.  Also the notice line: stored, served in the state,
 * bad input refused with a Vietnamese message.  The daemon runs on its own
 * copy of the demo catalogue (an import rewrites the file).  Prints
 * "ok"/"FAIL" per check and exits 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define PW_ADMIN "admin-pass-1"
#define PW_STAFF "staff-pass-1"
#define PW_MANAGER "manager-pass-1"
#define WATCHDOG_S 120

static struct hn_daemon D;

/* Point D's INI at a copy of the demo catalogue inside D.dir. */
static int
private_catalogue(void)
{
	char csv[600], ini[600], *text, *line, *save = NULL;
	size_t len;
	FILE *f;

	snprintf(csv, sizeof csv, "%s/procedures.csv", D.dir);
	if ((text = hn_slurp("config/demo/procedures.csv", &len)) == NULL)
		return -1;
	f = fopen(csv, "wb");
	if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		free(text);
		return -1;
	}
	free(text);
	if ((text = hn_slurp(D.ini, NULL)) == NULL)
		return -1;
	snprintf(ini, sizeof ini, "%s.new", D.ini);
	if ((f = fopen(ini, "w")) == NULL) {
		free(text);
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "catalogue", 9) == 0 && strchr(line, '=') != NULL)
			fprintf(f, "catalogue = %s\n", csv);
		else
			fprintf(f, "%s\n", line);
	}
	free(text);
	if (fclose(f) != 0 || rename(ini, D.ini) != 0)
		return -1;
	return 0;
}

/* The log as admin sees it, with a query; NULL when it did not answer 200. */
static cJSON *
audit(struct hn_http *h, const char *query)
{
	char path[256];
	cJSON *ans = NULL;

	snprintf(path, sizeof path, "/api/v1/audit%s", query);
	if (hn_req(h, "GET", path, NULL, &ans) != 200) {
		cJSON_Delete(ans);
		return NULL;
	}
	return ans;
}

static int
rows(const cJSON *ans)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ans, "audit"));
}

static const cJSON *
row(const cJSON *ans, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ans, "audit"), i);
}

static int
str_is(const cJSON *o, const char *name, const char *want)
{
	const char *s = hn_str(o, name);

	return s != NULL && strcmp(s, want) == 0;
}

/* A member of the row's before or after object. */
static const cJSON *
side(const cJSON *r, const char *which, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r,
	    which), name);
}

/* The number of rows now; -1 when the log does not answer. */
static int
count(struct hn_http *h)
{
	cJSON *a = audit(h, "");
	int n = a != NULL ? rows(a) : -1;

	cJSON_Delete(a);
	return n;
}

/* Run argv (stdout and stderr to the log) with env NAME=VALUE pairs; its
   exit status, or -1. */
static int
run(const char *const *argv, const char *token)
{
	char url[64];
	pid_t pid;
	int st;

	snprintf(url, sizeof url, "http://127.0.0.1:%d", D.port);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int fd = open(D.logpath, O_WRONLY | O_APPEND);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		setenv("ONESTOP_URL", url, 1);
		if (token != NULL)
			setenv("ONESTOP_TOKEN", token, 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int
main(void)
{
	static const char *const want[] = { "catalogue.import", "day.close",
		"notice.set", "user.delete", "device.revoke", "device.create",
		"user.password", "user.change", "user.add" };
	struct hn_http adm, staff, mgr;
	cJSON *ans = NULL, *log = NULL;
	const cJSON *r;
	char *csv = NULL, day[16], q[128];
	const char *token;
	size_t csvlen = 0;
	long code;
	int i, n, ok;

	hn_watchdog("audit_test", WATCHDOG_S);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (hn_init(&D, "audit") < 0 || private_catalogue() < 0 ||
	    hn_add_user(&D, "admin", "admin", NULL, PW_ADMIN) < 0 ||
	    hn_add_user(&D, "nv01", "staff", "1", PW_STAFF) < 0 ||
	    hn_add_user(&D, "ql", "manager", NULL, PW_MANAGER) < 0 ||
	    hn_start(&D) < 0) {
		fprintf(stderr, "audit_test: cannot start the daemon\n");
		hn_cleanup(&D, 1);
		return 1;
	}
	hn_http_init(&adm, D.port, NULL);
	hn_http_init(&staff, D.port, NULL);
	hn_http_init(&mgr, D.port, NULL);
	hn_check(hn_login(&adm, "admin", PW_ADMIN) == 0 && hn_login(&staff, "nv01",
	    PW_STAFF) == 0 && hn_login(&mgr, "ql", PW_MANAGER) == 0, "logins");
	hn_check(count(&adm) == 0, "a fresh database has an empty log (logins are not admin actions)");

	/* Users: add, a refused duplicate, change, reset the password. */
	code = hn_req(&adm, "POST", "/api/v1/users", "{\"name\":\"nv02\","
	    "\"password\":\"secret-pass-2\",\"role\":\"staff\","
	    "\"full_name\":\"Trần Thị Bình\",\"counters\":[2,3]}", NULL);
	hn_check(code == 201, "admin adds nv02 (got %ld)", code);
	code = hn_req(&adm, "POST", "/api/v1/users", "{\"name\":\"nv02\","
	    "\"password\":\"secret-pass-2\",\"role\":\"staff\"}", &ans);
	hn_check(code == 409 && hn_has_message(ans), "adding nv02 again: 409 with a message (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&adm, "POST", "/api/v1/users", "{\"name\":\"x y\","
	    "\"password\":\"secret-pass-2\",\"role\":\"staff\"}", NULL);
	hn_check(code == 400, "a bad user name: 400 (got %ld)", code);
	code = hn_req(&staff, "POST", "/api/v1/users", "{\"name\":\"nv09\","
	    "\"password\":\"secret-pass-2\",\"role\":\"admin\"}", NULL);
	hn_check(code == 403, "staff cannot add users: 403 (got %ld)", code);
	hn_check(count(&adm) == 1, "refused actions leave no row: 1 row");
	code = hn_req(&adm, "PATCH", "/api/v1/users/nv02",
	    "{\"disabled\":true,\"counters\":[4]}", NULL);
	hn_check(code == 200, "admin disables nv02 and moves it to counter 4 (got %ld)", code);
	code = hn_req(&adm, "PATCH", "/api/v1/users/nv02",
	    "{\"password\":\"new-secret-9\"}", NULL);
	hn_check(code == 200, "admin resets nv02's password (got %ld)", code);
	code = hn_req(&adm, "PATCH", "/api/v1/users/nobody", "{\"disabled\":true}", NULL);
	hn_check(code == 404, "changing an unknown user: 404 (got %ld)", code);

	/* A device: created (token shown once), then revoked. */
	code = hn_req(&adm, "POST", "/api/v1/devices",
	    "{\"name\":\"display-9\",\"role\":\"display\"}", &ans);
	token = hn_str(ans, "token");
	hn_check(code == 201 && token != NULL && strlen(token) == 64,
	    "admin creates a display token (got %ld)", code);
	snprintf(q, sizeof q, "%s", token != NULL ? token : "none");
	cJSON_Delete(ans);
	code = hn_req(&adm, "DELETE", "/api/v1/users/display-9", NULL, NULL);
	hn_check(code == 200, "admin revokes display-9 (got %ld)", code);
	code = hn_req(&adm, "DELETE", "/api/v1/users/nv02", NULL, NULL);
	hn_check(code == 200, "admin deletes nv02 (got %ld)", code);

	/* The notice line. */
	code = hn_req(&adm, "PUT", "/api/v1/notice",
	    "{\"notice\":\"Chiều thứ Bảy trung tâm nghỉ làm việc.\"}", NULL);
	hn_check(code == 200, "admin sets the notice line (got %ld)", code);
	code = hn_req(&adm, "PUT", "/api/v1/notice", "{\"notice\":\"hai\\ndòng\"}", &ans);
	hn_check(code == 400 && hn_has_message(ans), "a notice of two lines: 400 with a message (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&adm, "PUT", "/api/v1/notice", "{\"notice\":5}", NULL);
	hn_check(code == 400, "a notice that is a number: 400 (got %ld)", code);
	code = hn_req(&mgr, "PUT", "/api/v1/notice", "{\"notice\":\"x\"}", NULL);
	hn_check(code == 403, "a manager cannot set the notice: 403 (got %ld)", code);
	code = hn_req(&staff, "GET", "/api/v1/state", NULL, &ans);
	hn_check(code == 200 && str_is(ans, "notice", "Chiều thứ Bảy trung tâm nghỉ làm việc."),
	    "the state serves the notice");
	cJSON_Delete(ans);

	/* A manager closes the day; the catalogue is imported (a bad one is not). */
	code = hn_req(&mgr, "POST", "/api/v1/day/close", "{\"reason\":\"Hết giờ\"}", NULL);
	hn_check(code == 200, "the manager closes the day (got %ld)", code);
	code = hn_req_raw(&adm, "POST", "/api/v1/procedures/import", "text/csv",
	    "code,name\n1,x\n", 14, &ans);
	hn_check(code == 400 && hn_has_message(ans), "a bad catalogue: 400 (got %ld %s)", code,
	    hn_err_code(ans));
	cJSON_Delete(ans);
	{
		char path[600], *text;
		size_t len;

		snprintf(path, sizeof path, "%s/procedures.csv", D.dir);
		text = hn_slurp(path, &len);
		code = text != NULL ? hn_req_raw(&adm, "POST", "/api/v1/procedures/import",
		    "text/csv", text, len, NULL) : -1;
		hn_check(code == 200, "admin imports the catalogue (got %ld)", code);
		free(text);
	}

	/* Exactly the expected rows, newest first. */
	log = audit(&adm, "");
	n = rows(log);
	ok = n == (int)(sizeof want / sizeof want[0]);
	for (i = 0; ok && i < n; i++)
		ok = str_is(row(log, i), "action", want[i]);
	hn_check(ok, "the log holds exactly the %zu actions, newest first (got %d rows)",
	    sizeof want / sizeof want[0], n);
	ok = 1;
	for (i = 0; i < n; i++) {
		r = row(log, i);
		ok = ok && str_is(r, "client", "127.0.0.1") && hn_num(r, "at", 0) > 0 &&
		    str_is(r, "who", i == 1 ? "ql" : "admin") &&
		    str_is(r, "role", i == 1 ? "manager" : "admin");
	}
	hn_check(ok, "every row names who (admin, the manager for day.close), their role and 127.0.0.1");
	r = row(log, 8);
	hn_check(str_is(r, "target", "nv02") && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r,
	    "before")) && str_is(cJSON_GetObjectItemCaseSensitive(r, "after"), "full_name",
	    "Trần Thị Bình"), "user.add: nothing before, the user after");
	r = row(log, 7);
	hn_check(cJSON_IsFalse(side(r, "before", "disabled")) &&
	    cJSON_IsTrue(side(r, "after", "disabled")) &&
	    cJSON_GetArrayItem(side(r, "before", "counters"), 0)->valueint == 2 &&
	    cJSON_GetArrayItem(side(r, "after", "counters"), 0)->valueint == 4,
	    "user.change: disabled false -> true, counters [2,3] -> [4]");
	r = row(log, 6);
	hn_check(cJSON_IsTrue(side(r, "after", "password_changed")),
	    "user.password: says the password changed");
	r = row(log, 5);
	hn_check(str_is(r, "target", "display-9") && str_is(cJSON_GetObjectItemCaseSensitive(r,
	    "after"), "role", "display"), "device.create: the device and its role");
	r = row(log, 4);
	hn_check(str_is(r, "target", "display-9") && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r,
	    "after")), "device.revoke: the device before, nothing after");
	r = row(log, 2);
	hn_check(str_is(cJSON_GetObjectItemCaseSensitive(r, "before"), "notice", "") &&
	    str_is(cJSON_GetObjectItemCaseSensitive(r, "after"), "notice",
	    "Chiều thứ Bảy trung tâm nghỉ làm việc."), "notice.set: \"\" -> the notice");
	r = row(log, 1);
	hn_check(cJSON_IsNumber(side(r, "before", "open_tickets")) &&
	    cJSON_IsNumber(side(r, "after", "cancelled")), "day.close: open tickets before, cancelled after");
	r = row(log, 0);
	hn_check(side(r, "before", "procedures") != NULL &&
	    side(r, "before", "procedures")->valueint > 1000 &&
	    side(r, "after", "procedures")->valueint == side(r, "before", "procedures")->valueint,
	    "catalogue.import: procedures before and after");
	{
		char *text = cJSON_PrintUnformatted(log);

		hn_check(text != NULL && strstr(text, "secret-pass-2") == NULL &&
		    strstr(text, "new-secret-9") == NULL && strstr(text, q) == NULL,
		    "no password and no device token in the log");
		free(text);
	}
	snprintf(day, sizeof day, "%s", hn_str(row(log, 0), "time") != NULL ?
	    hn_str(row(log, 0), "time") : "2000-01-01");
	day[10] = '\0';
	cJSON_Delete(log);

	/* Filters. */
	log = audit(&adm, "?who=ql");
	hn_check(log != NULL && rows(log) == 1 && str_is(row(log, 0), "action", "day.close"),
	    "filter who=ql: the day close only");
	cJSON_Delete(log);
	log = audit(&adm, "?action=user.change");
	hn_check(log != NULL && rows(log) == 1, "filter action=user.change: one row");
	cJSON_Delete(log);
	snprintf(q, sizeof q, "?from=%s&to=%s&who=admin", day, day);
	log = audit(&adm, q);
	hn_check(log != NULL && rows(log) == 8, "filter today, who=admin: 8 rows (got %d)",
	    log != NULL ? rows(log) : -1);
	cJSON_Delete(log);
	log = audit(&adm, "?from=2000-01-01&to=2000-01-31");
	hn_check(log != NULL && rows(log) == 0, "filter January 2000: nothing");
	cJSON_Delete(log);
	code = hn_req(&adm, "GET", "/api/v1/audit?from=2026-02-31", NULL, &ans);
	hn_check(code == 400 && hn_has_message(ans), "from=2026-02-31: 400 with a message (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&adm, "GET", "/api/v1/audit?to=hôm+qua", NULL, &ans);
	hn_check(code == 400 && hn_has_message(ans), "to=hôm qua: 400 (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&adm, "GET", "/api/v1/audit?format=xml", NULL, &ans);
	hn_check(code == 400 && hn_has_message(ans), "format=xml: 400 (got %ld)", code);
	cJSON_Delete(ans);

	/* CSV. */
	code = hn_req(&adm, "GET", "/api/v1/audit?format=csv", NULL, NULL);
	if (adm.body != NULL) {
		csv = strdup(adm.body);
		csvlen = adm.len;
	}
	n = 0;
	for (i = 0; csv != NULL && (size_t)i < csvlen; i++)
		n += csv[i] == '\n';
	hn_check(code == 200 && csv != NULL && strncmp(csv,
	    "id,time,who,role,client,action,target,before,after\r\n", 52) == 0 && n == 10,
	    "CSV: the header and 9 rows (got %ld, %d lines)", code, n);
	hn_check(csv != NULL && strstr(csv, ",ql,manager,127.0.0.1,day.close,") != NULL &&
	    strstr(csv, "\"{\"\"name\"\":\"\"nv02\"\"") != NULL,
	    "CSV: fields as in JSON, JSON quoted RFC 4180 style");
	free(csv);

	/* Only admins read it; nobody changes it. */
	code = hn_req(&mgr, "GET", "/api/v1/audit", NULL, NULL);
	hn_check(code == 403, "a manager cannot read the log: 403 (got %ld)", code);
	code = hn_req(&staff, "GET", "/api/v1/audit?format=csv", NULL, NULL);
	hn_check(code == 403, "staff cannot read the CSV: 403 (got %ld)", code);
	code = hn_req(&adm, "DELETE", "/api/v1/audit", NULL, NULL);
	hn_check(code == 405, "DELETE /api/v1/audit: 405 (got %ld)", code);
	code = hn_req(&adm, "PATCH", "/api/v1/audit", "{}", NULL);
	hn_check(code == 405, "PATCH /api/v1/audit: 405 (got %ld)", code);
	code = hn_req(&adm, "POST", "/api/v1/audit", "{}", NULL);
	hn_check(code == 405, "POST /api/v1/audit: 405 (got %ld)", code);
	code = hn_req(&adm, "DELETE", "/api/v1/audit/1", NULL, NULL);
	hn_check(code == 404, "DELETE /api/v1/audit/1: 404 (got %ld)", code);

	/* Kept over a restart, and the notice too. */
	hn_stop(&D, SIGTERM);
	hn_check(hn_start(&D) == 0, "restart");
	hn_http_set_port(&adm, D.port);
	hn_http_set_port(&mgr, D.port);
	hn_http_set_port(&staff, D.port);
	hn_check(count(&adm) == 9, "after the restart: the 9 rows");
	code = hn_req(&adm, "GET", "/api/v1/notice", NULL, &ans);
	hn_check(code == 200 && str_is(ans, "notice", "Chiều thứ Bảy trung tâm nghỉ làm việc."),
	    "after the restart: the notice");
	cJSON_Delete(ans);


	/* The configuration, changed live and kept. */
	code = hn_req(&mgr, "GET", "/api/v1/config", NULL, NULL);
	hn_check(code == 403, "a manager cannot read the configuration: 403 (got %ld)", code);
	code = hn_req(&adm, "GET", "/api/v1/config", NULL, &ans);
	{
		const cJSON *c1 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ans, "counters"), 0);

		hn_check(code == 200 && c1 != NULL && hn_num(c1, "number", 0) == 1 &&
		    hn_str(c1, "serves") != NULL, "GET /api/v1/config: counters with what they serve");
		snprintf(q, sizeof q, "%s", hn_str(c1, "name") != NULL ? hn_str(c1, "name") : "");
	}
	cJSON_Delete(ans);
	{
		static const struct {
			const char *body, *want;
		} bad[] = {
			{ "{\"changes\":[{\"section\":\"counter 1\",\"key\":\"serves\",\"value\":\"KHONG-CO\"}]}",
			  "Không có hàng đợi mã \"KHONG-CO\"." },
			{ "{\"changes\":[{\"section\":\"queue TP-HT\",\"key\":\"numbers\",\"value\":\"2001-2100\"}]}",
			  "Dải số 2001-2100 trùng với hàng đợi" },
			{ "{\"changes\":[{\"section\":\"queue TP-HT\",\"key\":\"target_wait\",\"value\":\"0\"}]}",
			  "phải là số nguyên từ 1 đến 720" },
			{ "{\"changes\":[{\"section\":\"daemon\",\"key\":\"port\",\"value\":\"80\"}]}",
			  "Không sửa được \"port\" của [daemon]" },
			{ "{\"changes\":[{\"section\":\"counter 99\",\"key\":\"name\",\"value\":\"x\"}]}",
			  "Không có [counter 99]" },
			{ "{\"changes\":[{\"section\":\"counter 1\",\"key\":\"name\",\"value\":\"\"}]}",
			  "Cần nhập tên quầy." },
			{ "{\"changes\":[{\"section\":\"counter 1\",\"key\":\"name\",\"value\":\"Quầy mới\"},"
			  "{\"section\":\"counter 1\",\"key\":\"serves\",\"value\":\"TP-HT:sometimes\"}]}",
			  "Mức phục vụ phải là primary hoặc backup" },
			{ "{\"changes\":[]}", "Cần \"changes\"" },
			{ "{\"changes\":[{\"section\":\"counter \xff\",\"key\":\"name\",\"value\":\"x\"}]}",
			  "Tên mục hoặc tên khoá không hợp lệ." },
			{ "{\"changes\":[{\"section\":\"counter 1\",\"key\":\"name\"}]}", "ba chuỗi" },
		};
		size_t k;

		for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			code = hn_req(&adm, "POST", "/api/v1/config", bad[k].body, &ans);
			hn_check(code == 400 && hn_str(ans, "message") != NULL &&
			    strstr(hn_str(ans, "message"), bad[k].want) != NULL,
			    "bad change %zu: 400 \"%s\" (got %ld %s)", k, bad[k].want, code,
			    hn_str(ans, "message") ? hn_str(ans, "message") : "");
			cJSON_Delete(ans);
		}
	}
	code = hn_req(&adm, "GET", "/api/v1/state", NULL, &ans);
	hn_check(code == 200 && str_is(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ans,
	    "counters"), 0), "name", q), "the refused changes changed nothing (counter 1 is \"%s\")", q);
	cJSON_Delete(ans);
	hn_check(count(&adm) == 9, "and wrote no audit row");
	code = hn_req(&adm, "POST", "/api/v1/config", "{\"changes\":["
	    "{\"section\":\"counter 1\",\"key\":\"name\",\"value\":\"Quầy tiếp nhận 1\"},"
	    "{\"section\":\"counter 1\",\"key\":\"area\",\"value\":\"Khu D\"},"
	    "{\"section\":\"counter 1\",\"key\":\"serves\",\"value\":\"TP-HT, TP-LL:backup\"},"
	    "{\"section\":\"queue TP-HT\",\"key\":\"target_wait\",\"value\":\"25\"}]}", &ans);
	hn_check(code == 200 && hn_num(ans, "changed", 0) == 4, "admin changes counter 1 and queue TP-HT (got %ld %s)",
	    code, hn_str(ans, "message") ? hn_str(ans, "message") : "");
	cJSON_Delete(ans);
	code = hn_req(&staff, "GET", "/api/v1/state", NULL, &ans);
	{
		const cJSON *c1 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ans, "counters"), 0);
		const cJSON *sv = cJSON_GetObjectItemCaseSensitive(c1, "serves"), *qq;
		int target = 0;

		cJSON_ArrayForEach(qq, cJSON_GetObjectItemCaseSensitive(ans, "queues"))
			if (str_is(qq, "code", "TP-HT"))
				target = (int)hn_num(qq, "target_wait_min", 0);
		hn_check(str_is(c1, "name", "Quầy tiếp nhận 1") && str_is(c1, "area", "Khu D") &&
		    cJSON_GetArraySize(sv) == 2 && str_is(cJSON_GetArrayItem(sv, 1), "level", "backup") &&
		    target == 25, "live, no restart: the state shows the new counter 1 and TP-HT's target 25");
	}
	cJSON_Delete(ans);
	log = audit(&adm, "?action=config.change");
	r = row(log, 0);
	hn_check(log != NULL && rows(log) == 1 && str_is(r, "target", "counter 1") &&
	    str_is(cJSON_GetObjectItemCaseSensitive(r, "before"), "[queue TP-HT] target_wait", "30") &&
	    str_is(cJSON_GetObjectItemCaseSensitive(r, "after"), "[queue TP-HT] target_wait", "25") &&
	    str_is(cJSON_GetObjectItemCaseSensitive(r, "after"), "[counter 1] name", "Quầy tiếp nhận 1") &&
	    str_is(cJSON_GetObjectItemCaseSensitive(r, "before"), "[counter 1] name", q),
	    "config.change in the log: before and after of every key");
	cJSON_Delete(log);
	code = hn_req(&adm, "POST", "/api/v1/counters/1/open", NULL, NULL);
	hn_check(code == 200, "counter 1 opens with its new configuration (got %ld)", code);
	hn_stop(&D, SIGTERM);
	hn_check(hn_start(&D) == 0, "restart");
	hn_http_set_port(&adm, D.port);
	hn_http_set_port(&mgr, D.port);
	hn_http_set_port(&staff, D.port);
	code = hn_req(&adm, "GET", "/api/v1/state", NULL, &ans);
	{
		const cJSON *c1 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ans, "counters"), 0);

		hn_check(str_is(c1, "name", "Quầy tiếp nhận 1") && str_is(c1, "state", "open"),
		    "after the restart: the change is kept (the INI is unchanged) and counter 1 still open");
	}
	cJSON_Delete(ans);
	code = hn_req(&adm, "GET", "/api/v1/config?format=ini", NULL, NULL);
	hn_check(code == 200 && adm.body != NULL && strstr(adm.body,
	    "[counter 1]\nname = Quầy tiếp nhận 1\ndepartment = TP\narea = Khu D\nserves = TP-HT, TP-LL:backup\n") != NULL &&
	    strstr(adm.body, "[queue TP-HT]\nname = ") != NULL, "GET /api/v1/config?format=ini: the live INI");


	{
		char ctl[600], out[600], *text;
		const char *b = getenv("B");
		const char *argv_ctl[] = { ctl, "config", "export", out, NULL };
		const char *argv_n[] = { D.bin, "-n", "-c", out, NULL };

		snprintf(ctl, sizeof ctl, "%s/onestopctl", b != NULL && *b != '\0' ? b : "build");
		snprintf(out, sizeof out, "%s/live.ini", D.dir);
		hn_check(run(argv_ctl, adm.token) == 0, "onestopctl config export %s", out);
		text = hn_slurp(out, NULL);
		hn_check(text != NULL && strstr(text, "[counter 1]\nname = Quầy tiếp nhận 1\n") != NULL &&
		    strstr(text, "target_wait = 25\n") != NULL, "the exported INI has the live changes");
		free(text);
		hn_check(run(argv_n, NULL) == 0, "and onestopd -n accepts it as a bootstrap INI");
		hn_check(run(argv_ctl, staff.token) == 4, "onestopctl config export as staff: exit 4 (refused)");
	}


	/* The catalogue: a preview that changes nothing, one procedure edited. */
	n = count(&adm);
	{
		static const char csv2[] =
		    "code,name,department,field,queue,target_wait_min,fee,processing_time,documents\n"
		    "1.001007,Cấp Phiếu lý lịch tư pháp,TP,Lý lịch tư pháp,TP-LL,,200.000 đồng/hồ sơ,"
		    "07 ngày làm việc,Tờ khai\n"
		    "9.999999,Thủ tục thử mới,TP,Lý lịch tư pháp,TP-LL,,Miễn phí,01 ngày,Tờ khai\n";
		const cJSON *ch;

		code = hn_req_raw(&adm, "POST", "/api/v1/procedures/import/preview", "text/csv",
		    csv2, sizeof csv2 - 1, &ans);
		ch = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ans, "changed"), 0);
		hn_check(code == 200 && hn_num(ans, "procedures", 0) == 2 &&
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ans, "added")) == 1 &&
		    str_is(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ans, "added"), 0), "code", "9.999999") &&
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ans, "removed")) ==
		    (int)hn_num(ans, "current", 0) - 1 && str_is(ch, "code", "1.001007") &&
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ch, "fields")) == 3,
		    "import preview: 1 added, the rest removed, 1.001007 changed in fee, documents, keywords (got %ld)", code);
		cJSON_Delete(ans);
		code = hn_req_raw(&adm, "POST", "/api/v1/procedures/import/preview", "text/csv",
		    "code,name\n1,x\n", 14, &ans);
		hn_check(code == 400 && hn_has_message(ans), "a bad preview: 400 with a message");
		cJSON_Delete(ans);
		code = hn_req(&adm, "GET", "/api/v1/procedures/9.999999", NULL, NULL);
		hn_check(code == 404 && count(&adm) == n, "the preview changed nothing and wrote no row");
	}
	code = hn_req(&adm, "PATCH", "/api/v1/procedures/1.001007", "{\"queue\":\"KHONG-CO\"}", &ans);
	hn_check(code == 400 && hn_has_message(ans), "a procedure moved to an unknown queue: 400 (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&adm, "PATCH", "/api/v1/procedures/1.001007", "{\"target_wait_min\":999}", &ans);
	hn_check(code == 400 && hn_has_message(ans), "a target of 999 minutes: 400 (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&adm, "PATCH", "/api/v1/procedures/0.000000", "{\"fee\":\"x\"}", NULL);
	hn_check(code == 404, "an unknown procedure: 404 (got %ld)", code);
	code = hn_req(&staff, "PATCH", "/api/v1/procedures/1.001007", "{\"fee\":\"x\"}", NULL);
	hn_check(code == 403, "staff cannot edit a procedure: 403 (got %ld)", code);
	code = hn_req(&adm, "PATCH", "/api/v1/procedures/1.001007",
	    "{\"fee\":\"200.000 đồng/hồ sơ\",\"keywords\":\"lý lịch tư pháp; phiếu số 1\"}", &ans);
	hn_check(code == 200 && str_is(ans, "fee", "200.000 đồng/hồ sơ"), "admin edits 1.001007's fee and keywords (got %ld)", code);
	cJSON_Delete(ans);
	code = hn_req(&staff, "GET", "/api/v1/procedures?q=phieu+so+1&limit=3", NULL, &ans);
	hn_check(code == 200 && str_is(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ans,
	    "procedures"), 0), "code", "1.001007"), "live: search finds it by the new keyword");
	cJSON_Delete(ans);
	log = audit(&adm, "?action=catalogue.edit");
	r = row(log, 0);
	hn_check(log != NULL && rows(log) == 1 && str_is(r, "target", "1.001007") &&
	    str_is(cJSON_GetObjectItemCaseSensitive(r, "before"), "fee", "150.000 đồng/hồ sơ") &&
	    str_is(cJSON_GetObjectItemCaseSensitive(r, "after"), "fee", "200.000 đồng/hồ sơ"),
	    "catalogue.edit in the log: the fee before and after");
	cJSON_Delete(log);
	{
		char path[600], *text;

		snprintf(path, sizeof path, "%s/procedures.csv", D.dir);
		text = hn_slurp(path, NULL);
		hn_check(text != NULL && strstr(text, "\"1.001007\",\"Cấp Phiếu lý lịch tư pháp\"") != NULL &&
		    strstr(text, "\"200.000 đồng/hồ sơ\"") != NULL, "the catalogue file holds the edit");
		free(text);
	}

	hn_http_free(&adm);
	hn_http_free(&staff);
	hn_http_free(&mgr);
	hn_summary("audit_test");
	hn_cleanup(&D, hn_failures > 0);
	curl_global_cleanup();
	return hn_failures > 0;
}
