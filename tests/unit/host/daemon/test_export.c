/*
 * test_export.c - unit tests of host/daemon/export/export.c's parts that
 * need no server: the conninfo file's rules (owner, mode 0600, no symlink,
 * size, text; trailing white space cut) and the refusals of export_start.
 * The thread against a real PostgreSQL is tests/integration/host/export.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/export/export.h"

static char dir[64];

static void
put(const char *name, const char *text, size_t len, mode_t mode, char *path, size_t plen)
{
	FILE *f;

	snprintf(path, plen, "%s/%s", dir, name);
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_conninfo(void **state)
{
	char path[128], link[128], err[256], *ci, big[5000];

	(void)state;
	put("ok", "host=/tmp dbname=x password=bí mật\n \n", strlen("host=/tmp dbname=x password=bí mật\n \n"), 0600, path, sizeof path);
	assert_int_equal(export_read_conninfo(path, &ci, err, sizeof err), 0);
	assert_string_equal(ci, "host=/tmp dbname=x password=bí mật");
	free(ci);
	put("ro", "host=/tmp", 9, 0400, path, sizeof path);
	assert_int_equal(export_read_conninfo(path, &ci, err, sizeof err), 0);
	free(ci);

	/* others or the group may read it: refused, the mode named */
	put("g", "host=/tmp", 9, 0640, path, sizeof path);
	assert_int_equal(export_read_conninfo(path, &ci, err, sizeof err), -1);
	assert_null(ci);
	assert_non_null(strstr(err, "0640"));
	put("o", "host=/tmp", 9, 0604, path, sizeof path);
	assert_int_equal(export_read_conninfo(path, &ci, err, sizeof err), -1);

	/* a symlink, a directory, a missing file */
	put("target", "host=/tmp", 9, 0600, path, sizeof path);
	snprintf(link, sizeof link, "%s/link", dir);
	unlink(link);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(export_read_conninfo(link, &ci, err, sizeof err), -1);
	assert_int_equal(export_read_conninfo(dir, &ci, err, sizeof err), -1);
	snprintf(path, sizeof path, "%s/none", dir);
	assert_int_equal(export_read_conninfo(path, &ci, err, sizeof err), -1);

	/* empty, white space only, a NUL inside, longer than 4 KiB */
	put("empty", "", 0, 0600, path, sizeof path);
	assert_int_equal(export_read_conninfo(path, &ci, err, sizeof err), -1);
	put("blank", " \n\t\n", 4, 0600, path, sizeof path);
	assert_int_equal(export_read_conninfo(path, &ci, err, sizeof err), -1);
	put("nul", "host=a\0b", 8, 0600, path, sizeof path);
	assert_int_equal(export_read_conninfo(path, &ci, err, sizeof err), -1);
	memset(big, 'a', sizeof big);
	put("big", big, 4097, 0600, path, sizeof path);
	assert_int_equal(export_read_conninfo(path, &ci, err, sizeof err), -1);
	assert_non_null(strstr(err, "4096"));
	put("max", big, 4096, 0600, path, sizeof path);
	assert_int_equal(export_read_conninfo(path, &ci, err, sizeof err), 0);
	assert_int_equal(strlen(ci), 4096);
	free(ci);
}

static void
test_start_refusals(void **state)
{
	struct config cfg;
	char path[128], err[256];

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	/* no [export] section */
	assert_null(export_start(&cfg, "/tmp/x.db", err, sizeof err));
	put("ci", "host=/tmp", 9, 0600, path, sizeof path);
	cfg.export_conninfo_file = path;
	cfg.export_centre_code = (char *)"TG";
	cfg.export_batch = 10;
	cfg.export_poll_ms = 10;
	cfg.export_retry_max_s = 1;
	/* a database only this connection could see */
	assert_null(export_start(&cfg, ":memory:", err, sizeof err));
	assert_null(export_start(&cfg, "file:x.db?mode=memory", err, sizeof err));
	/* a conninfo file others may read */
	chmod(path, 0644);
	assert_null(export_start(&cfg, "/tmp/x.db", err, sizeof err));
	assert_non_null(strstr(err, "0644"));
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/onestop-test-export-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conninfo),
		cmocka_unit_test(test_start_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
