/*
 * test_backup.c - core/backup.c on real sqlite files in a temp dir: a copy
 * taken while another connection keeps committing is the database of one
 * moment and a single file that passes the checks; the checks refuse a
 * broken, foreign or newer file; the lock is exclusive (a second taker is
 * refused with EWOULDBLOCK until the first lets go); a restore is refused
 * under the lock, keeps the old database as .before-restore, and leaves the
 * database equal to the backup; rotation keeps the newest N of its own names
 * and touches no other file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/backup.h"
#include "core/store.h"

static char tmpdir[] = "/tmp/onestop-test-backup-XXXXXX";

static void
path_of(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", tmpdir, name);
}

static sqlite3 *
db_open(const char *path)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static void
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg != NULL ? msg : "?");
}

static long long
count(const char *path, const char *sql)
{
	sqlite3 *db = db_open(path);
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* An onestop-looking WAL database with n rows in t. */
static void
make_onestop(const char *path, int n, int version)
{
	sqlite3 *db;
	char sql[128];
	int i;

	unlink(path);
	db = db_open(path);
	exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, pad TEXT)");
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
	    STORE_APPLICATION_ID, version);
	exec(db, sql);
	exec(db, "BEGIN");
	for (i = 0; i < n; i++)
		exec(db, "INSERT INTO t(pad) VALUES (hex(randomblob(200)))");
	exec(db, "COMMIT");
	sqlite3_close(db);
}

struct writer {
	char path[300];
	volatile int stop;
	int commits;
};

/* Another connection that commits one row at a time until told to stop. */
static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	sqlite3 *db = db_open(w->path);

	while (!w->stop) {
		exec(db, "INSERT INTO t(pad) VALUES ('late')");
		w->commits++;
	}
	sqlite3_close(db);
	return NULL;
}

static void
test_copy_while_writing(void **state)
{
	char src[300], dst[300], part[320];
	struct writer w;
	pthread_t th;
	long long rows;
	int version = 0;
	char err[512];

	(void)state;
	path_of(src, sizeof src, "live.db");
	path_of(dst, sizeof dst, "copy.db");
	make_onestop(src, 2000, STORE_SCHEMA_VERSION);
	memset(&w, 0, sizeof w);
	snprintf(w.path, sizeof w.path, "%s", src);
	assert_int_equal(pthread_create(&th, NULL, writer_main, &w), 0);
	while (w.commits < 5)
		sched_yield();
	/* Small steps with pauses: the writer commits between them. */
	assert_int_equal(backup_copy(src, dst, 2, 1, err, sizeof err), 0);
	w.stop = 1;
	pthread_join(th, NULL);
	assert_true(w.commits > 10);
	assert_int_equal(backup_check(dst, &version, err, sizeof err), 0);
	assert_int_equal(version, STORE_SCHEMA_VERSION);
	rows = count(dst, "SELECT count(*) FROM t");
	/* One snapshot: every row of before the copy, not all of the later. */
	assert_true(rows >= 2005);
	assert_true(rows < 2000 + w.commits);
	/* A single file: not in WAL mode, no part left over. */
	snprintf(part, sizeof part, "%s.part", dst);
	assert_int_not_equal(access(part, F_OK), 0);
	{
		FILE *f = fopen(dst, "rb");
		unsigned char hdr[20];

		assert_non_null(f);
		assert_int_equal(fread(hdr, 1, sizeof hdr, f), sizeof hdr);
		fclose(f);
		assert_int_equal(hdr[18], 1);      /* 1 = rollback journal, 2 = WAL */
	}
}

static void
test_check_refuses(void **state)
{
	char p[300], err[512];
	FILE *f;
	sqlite3 *db;

	(void)state;
	path_of(p, sizeof p, "text.db");
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("not a database, only some text that is long enough to be read.\n", f);
	fclose(f);
	assert_int_equal(backup_check(p, NULL, err, sizeof err), -1);

	path_of(p, sizeof p, "foreign.db");
	db = db_open(p);
	exec(db, "CREATE TABLE x(y)");
	sqlite3_close(db);
	assert_int_equal(backup_check(p, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "không phải cơ sở dữ liệu onestop"));

	path_of(p, sizeof p, "newer.db");
	make_onestop(p, 1, STORE_SCHEMA_VERSION + 1);
	assert_int_equal(backup_check(p, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "mới hơn"));

	path_of(p, sizeof p, "missing.db");
	assert_int_equal(backup_check(p, NULL, err, sizeof err), -1);

	/* The b-tree header of a page of the table overwritten (4 KiB pages):
	   integrity_check finds it. */
	path_of(p, sizeof p, "broken.db");
	make_onestop(p, 500, 1);
	db = db_open(p);
	exec(db, "PRAGMA journal_mode=DELETE");
	sqlite3_close(db);
	f = fopen(p, "r+b");
	assert_non_null(f);
	fseek(f, 4096 * 2, SEEK_SET);
	fputs("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", f);
	fclose(f);
	assert_int_equal(backup_check(p, NULL, err, sizeof err), -1);
}

static void
test_lock_is_exclusive(void **state)
{
	char db[300], err[512];
	int a, b;

	(void)state;
	path_of(db, sizeof db, "locked.db");
	a = backup_lock(db, err, sizeof err);
	assert_true(a >= 0);
	b = backup_lock(db, err, sizeof err);
	assert_int_equal(b, -1);
	assert_int_equal(errno, EWOULDBLOCK);
	assert_non_null(strstr(err, "đang chạy"));
	close(a);
	b = backup_lock(db, err, sizeof err);
	assert_true(b >= 0);
	close(b);
}

static void
test_restore(void **state)
{
	char db[300], bk[300], keep[320], err[512];
	int lock, version = 0;

	(void)state;
	path_of(db, sizeof db, "prod.db");
	path_of(bk, sizeof bk, "prod-backup.db");
	make_onestop(db, 10, STORE_SCHEMA_VERSION);
	assert_int_equal(backup_copy(db, bk, BACKUP_STEP_PAGES, 0, err, sizeof err), 0);
	/* The day goes on after the backup. */
	{
		sqlite3 *d = db_open(db);

		exec(d, "INSERT INTO t(pad) VALUES ('after the backup')");
		sqlite3_close(d);
	}
	assert_int_equal(count(db, "SELECT count(*) FROM t"), 11);
	/* Refused while someone (a daemon) holds the lock; nothing changes. */
	lock = backup_lock(db, err, sizeof err);
	assert_true(lock >= 0);
	assert_int_equal(backup_restore(bk, db, &version, err, sizeof err), -1);
	assert_non_null(strstr(err, "đang chạy"));
	assert_int_equal(count(db, "SELECT count(*) FROM t"), 11);
	close(lock);
	/* Then it restores, and keeps the database it replaced. */
	assert_int_equal(backup_restore(bk, db, &version, err, sizeof err), 0);
	assert_int_equal(version, STORE_SCHEMA_VERSION);
	assert_int_equal(count(db, "SELECT count(*) FROM t"), 10);
	snprintf(keep, sizeof keep, "%s.before-restore", db);
	assert_int_equal(count(keep, "SELECT count(*) FROM t"), 11);
	/* A bad backup is refused before anything is touched. */
	path_of(bk, sizeof bk, "foreign.db");
	assert_int_equal(backup_restore(bk, db, &version, err, sizeof err), -1);
	assert_int_equal(count(db, "SELECT count(*) FROM t"), 10);
}

static void
touch(const char *dir, const char *name)
{
	char p[400];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
}

static int
exists(const char *dir, const char *name)
{
	char p[400];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static void
test_rotate(void **state)
{
	char dir[300], name[400], err[512];

	(void)state;
	path_of(dir, sizeof dir, "rot");
	assert_int_equal(mkdir(dir, 0700), 0);
	touch(dir, "onestop-20261101-023000.db");
	touch(dir, "onestop-20261102-023000.db");
	touch(dir, "onestop-20261103-023000.db");
	touch(dir, "onestop-20261104-023000.db");
	touch(dir, "onestop-2026110-023000.db");         /* not our name */
	touch(dir, "onestop-20261101-023000.db.part");
	touch(dir, "centre.ini");
	assert_int_equal(backup_rotate(dir, 2, err, sizeof err), 2);
	assert_false(exists(dir, "onestop-20261101-023000.db"));
	assert_false(exists(dir, "onestop-20261102-023000.db"));
	assert_true(exists(dir, "onestop-20261103-023000.db"));
	assert_true(exists(dir, "onestop-20261104-023000.db"));
	assert_true(exists(dir, "onestop-2026110-023000.db"));
	assert_true(exists(dir, "onestop-20261101-023000.db.part"));
	assert_true(exists(dir, "centre.ini"));
	assert_int_equal(backup_rotate(dir, 2, err, sizeof err), 0);
	assert_int_equal(backup_rotate(dir, 0, err, sizeof err), -1);
	/* backup_name makes names rotation knows, in time order. */
	backup_name(name, sizeof name, dir, (time_t)1764300000);
	assert_non_null(strstr(name, "/onestop-2025112"));
	assert_int_equal(strlen(strrchr(name, '/') + 1), strlen("onestop-20261101-023000.db"));
}

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_while_writing),
		cmocka_unit_test(test_check_refuses),
		cmocka_unit_test(test_lock_is_exclusive),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_rotate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
