/*
 * backup.c - online backup, check and restore of the onestop database with
 * sqlite's backup API (sqlite3_backup_init/step/finish); the rules are in
 * backup.h and host/docs/operations.md.
 */
#include "core/backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/store.h"
#include "common/xmalloc.h"

#define BACKUP_BUSY_MS 5000
#define BACKUP_PREFIX "onestop-"
#define BACKUP_SUFFIX ".db"

/* Open path with flags; NULL and err on failure. */
static sqlite3 *
backup_open(const char *path, int flags, char *err, size_t errlen)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "không mở được %s: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "hết bộ nhớ");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, BACKUP_BUSY_MS);
	return db;
}

/* fsync the file at path, then the directory holding it. */
static int
backup_sync(const char *path)
{
	char *copy;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	if (rc != 0)
		return -1;
	copy = xstrdup(path);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		rc = fsync(fd);
		close(fd);
	} else
		rc = -1;
	free(copy);
	return rc;
}

/*
 * Copy every page of src into dst, step_pages a step (-1: all at once),
 * pause_ms between steps.
 * The caller holds what transactions it needs.  0, or -1 with err.
 */
static int
backup_pages(sqlite3 *dst, sqlite3 *src, int step_pages, int pause_ms,
    const char *what, char *err, size_t errlen)
{
	sqlite3_backup *b;
	int rc, waited = 0;

	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(dst));
		return -1;
	}
	do {
		rc = sqlite3_backup_step(b, step_pages);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			if (waited >= BACKUP_BUSY_MS)
				break;
			sqlite3_sleep(10);
			waited += 10;
			rc = SQLITE_OK;
		} else if (rc == SQLITE_OK && pause_ms > 0)
			sqlite3_sleep(pause_ms);
	} while (rc == SQLITE_OK);
	if (sqlite3_backup_finish(b) != SQLITE_OK || rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", what, rc == SQLITE_DONE ?
		    sqlite3_errmsg(dst) : sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

int
backup_copy(const char *src, const char *dst, int step_pages, int pause_ms,
    char *err, size_t errlen)
{
	sqlite3 *s = NULL, *d = NULL;
	char *part, msg[512];
	int rc = -1;

	xasprintf(&part, "%s.part", dst);
	unlink(part);
	if ((s = backup_open(src, SQLITE_OPEN_READONLY, err, errlen)) == NULL)
		goto out;
	/* One read transaction over every step: the copy is one snapshot,
	   and the writer's commits between two steps do not restart it. */
	if (sqlite3_exec(s, "BEGIN; SELECT count(*) FROM sqlite_master;", NULL,
	    NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "không đọc được %s: %s", src, sqlite3_errmsg(s));
		goto out;
	}
	if ((d = backup_open(part, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    err, errlen)) == NULL)
		goto out;
	snprintf(msg, sizeof msg, "sao lưu %s vào %s", src, part);
	if (backup_pages(d, s, step_pages > 0 ? step_pages : -1, pause_ms, msg,
	    err, errlen) != 0)
		goto out;
	sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
	/* The copy carries the source's WAL flag: make it one plain file. */
	if (sqlite3_exec(d, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", part, sqlite3_errmsg(d));
		goto out;
	}
	if (sqlite3_close(d) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", part, sqlite3_errmsg(d));
		goto out;
	}
	d = NULL;
	if (backup_check(part, NULL, err, errlen) != 0)
		goto out;
	if (backup_sync(part) != 0 || rename(part, dst) != 0 || backup_sync(dst) != 0) {
		snprintf(err, errlen, "không ghi được %s: %s", dst, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (d != NULL)
		sqlite3_close(d);
	if (s != NULL)
		sqlite3_close(s);
	if (rc != 0)
		unlink(part);
	free(part);
	return rc;
}

/* One integer PRAGMA; 0 or -1. */
static int
backup_pragma(sqlite3 *db, const char *sql, long long *out)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int
backup_check(const char *path, int *version, char *err, size_t errlen)
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	long long appid = 0, ver = 0;
	const char *txt;
	struct stat sb;
	int rc = -1;

	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s không phải một tệp thường", path);
		return -1;
	}
	if ((db = backup_open(path, SQLITE_OPEN_READONLY, err, errlen)) == NULL)
		return -1;
	if (backup_pragma(db, "PRAGMA application_id", &appid) != 0 ||
	    backup_pragma(db, "PRAGMA user_version", &ver) != 0) {
		snprintf(err, errlen, "%s không phải cơ sở dữ liệu sqlite đọc được: %s",
		    path, sqlite3_errmsg(db));
		goto out;
	}
	if (appid != STORE_APPLICATION_ID || ver < 1) {
		snprintf(err, errlen, "%s không phải cơ sở dữ liệu onestop"
		    " (application_id %lld, phiên bản %lld)", path, appid, ver);
		goto out;
	}
	if (ver > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s có lược đồ phiên bản %lld, mới hơn phiên bản"
		    " %d của chương trình này: hãy dùng onestop mới hơn", path, ver,
		    STORE_SCHEMA_VERSION);
		goto out;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "%s: không kiểm tra được: %s", path,
		    sqlite3_errmsg(db));
		goto out;
	}
	txt = (const char *)sqlite3_column_text(st, 0);
	if (txt == NULL || strcmp(txt, "ok") != 0) {
		snprintf(err, errlen, "%s bị hỏng (integrity_check: %.200s)", path,
		    txt != NULL ? txt : "?");
		goto out;
	}
	if (version != NULL)
		*version = (int)ver;
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int
backup_lock(const char *db, char *err, size_t errlen)
{
	char *path;
	int fd, e;

	xasprintf(&path, "%s.lock", db);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) < 0) {
		e = errno;
		snprintf(err, errlen, "không mở được tệp khóa %s: %s", path, strerror(e));
		free(path);
		errno = e;
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		e = errno;
		if (e == EWOULDBLOCK)
			snprintf(err, errlen, "một onestopd khác đang chạy trên cơ sở dữ"
			    " liệu %s (đang giữ %s): hãy dừng nó trước", db, path);
		else
			snprintf(err, errlen, "không khóa được %s: %s", path, strerror(e));
		close(fd);
		free(path);
		errno = e;
		return -1;
	}
	free(path);
	return fd;
}

int
backup_restore(const char *file, const char *db, int *version, char *err,
    size_t errlen)
{
	sqlite3 *s = NULL, *d = NULL;
	char *keep = NULL, msg[512];
	struct stat sb;
	int lock, rc = -1;

	if ((lock = backup_lock(db, err, errlen)) < 0)
		return -1;
	if (backup_check(file, version, err, errlen) != 0)
		goto out;
	if (stat(db, &sb) == 0 && sb.st_size > 0) {
		xasprintf(&keep, "%s.before-restore", db);
		if (backup_copy(db, keep, -1, 0, err, errlen) != 0) {
			size_t n = strlen(err);

			snprintf(err + n, errlen - n, "; chưa khôi phục gì");
			goto out;
		}
	}
	if ((s = backup_open(file, SQLITE_OPEN_READONLY, err, errlen)) == NULL ||
	    (d = backup_open(db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err,
	    errlen)) == NULL)
		goto out;
	/* All pages in one step: one write transaction of db, so a crash
	   leaves db either as it was or fully restored. */
	snprintf(msg, sizeof msg, "khôi phục %s vào %s", file, db);
	if (backup_pages(d, s, -1, 0, msg, err, errlen) != 0)
		goto out;
	if (sqlite3_close(d) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", db, sqlite3_errmsg(d));
		goto out;
	}
	d = NULL;
	rc = backup_check(db, version, err, errlen);
out:
	if (d != NULL)
		sqlite3_close(d);
	if (s != NULL)
		sqlite3_close(s);
	free(keep);
	close(lock);
	return rc;
}

void
backup_name(char *out, size_t outlen, const char *dir, time_t t)
{
	struct tm tm;
	char stamp[32];

	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	snprintf(out, outlen, "%s/" BACKUP_PREFIX "%s" BACKUP_SUFFIX, dir, stamp);
}

/* Whether name is exactly onestop-YYYYMMDD-HHMMSS.db. */
static int
backup_is_name(const char *name)
{
	static const char shape[] = BACKUP_PREFIX "99999999-999999" BACKUP_SUFFIX;
	size_t i;

	if (strlen(name) != sizeof shape - 1)
		return 0;
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == '9' ? (name[i] < '0' || name[i] > '9') : name[i] != shape[i])
			return 0;
	}
	return 1;
}

static int
backup_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
backup_rotate(const char *dir, int keep, char *err, size_t errlen)
{
	DIR *dp;
	struct dirent *de;
	char **names = NULL, *path;
	size_t n = 0, cap = 0, i;
	int removed = 0, rc = 0;

	if (keep < 1) {
		snprintf(err, errlen, "số bản sao lưu giữ lại phải từ 1 trở lên");
		return -1;
	}
	if ((dp = opendir(dir)) == NULL) {
		snprintf(err, errlen, "không đọc được thư mục %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (!backup_is_name(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xreallocarray(names, cap, sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (n > 0)
		qsort(names, n, sizeof *names, backup_cmp);
	for (i = 0; i + (size_t)keep < n; i++) {
		xasprintf(&path, "%s/%s", dir, names[i]);
		if (unlink(path) == 0)
			removed++;
		else if (rc == 0) {
			snprintf(err, errlen, "không xóa được %s: %s", path, strerror(errno));
			rc = -1;
		}
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc == 0 ? removed : -1;
}
