/*
 * ctl_backup.c - `onestopctl backup [-c INI | -d DB] [--keep N]
 * [--step-pages N] [--pause-ms N] FILE|DIR/`.
 *
 * The copy is made by this process from the database file, not over HTTP:
 * it needs no token (the nightly timer keeps no admin password), the daemon
 * does no work for it, and it works whether the daemon runs or not.  It
 * reads through its own read-only sqlite connection in one read
 * transaction, which in WAL mode never blocks onestopd's writes
 * (core/backup.h).  A DIR target (an existing directory, or a path ending
 * in '/') gets DIR/onestop-YYYYMMDD-HHMMSS.db and, with --keep N, only the
 * newest N such files stay.
 */
#include "tools/ctl_backup.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/backup.h"
#include "core/config.h"
#include "common/strnum.h"

#define CTL_BACKUP_INI "/etc/onestop/centre.ini"

/* The database path of the INI (malloc'd), or NULL after a message. */
static char *
ctl_backup_db_of(const char *ini)
{
	struct config *cfg;
	char err[1024], *db;

	if (config_load(ini, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "onestopctl: %s\n", err);
		return NULL;
	}
	db = strdup(cfg->database);
	config_free(cfg);
	if (db == NULL)
		fprintf(stderr, "onestopctl: hết bộ nhớ\n");
	return db;
}

static int
ctl_backup_usage(const char *msg)
{
	fprintf(stderr, "onestopctl: %s\n"
	    "Cách dùng: onestopctl backup [-c TỆP.ini | -d CSDL] [--keep N]"
	    " [--step-pages N] [--pause-ms N] TỆP|THƯ_MỤC/\n", msg);
	return 2;
}

int
ctl_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep", required_argument, NULL, 'k' },
		{ "step-pages", required_argument, NULL, 's' },
		{ "pause-ms", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ini = CTL_BACKUP_INI, *dbopt = NULL, *target;
	char *db, path[4096], err[1024];
	long long keep = 0, step = BACKUP_STEP_PAGES, pause = 0;
	struct stat sb;
	int ch, dir, version = 0, removed;
	size_t tlen;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:d:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': ini = optarg; break;
		case 'd': dbopt = optarg; break;
		case 'k':
			if (strnum_parse(optarg, 1, 10000, &keep) != 0)
				return ctl_backup_usage("--keep cần một số từ 1 đến 10000");
			break;
		case 's':
			if (strnum_parse(optarg, 1, 1 << 20, &step) != 0)
				return ctl_backup_usage("--step-pages cần một số từ 1 trở lên");
			break;
		case 'p':
			if (strnum_parse(optarg, 0, 10000, &pause) != 0)
				return ctl_backup_usage("--pause-ms cần một số từ 0 đến 10000");
			break;
		default:
			return ctl_backup_usage("tùy chọn không đúng");
		}
	}
	if (optind != argc - 1)
		return ctl_backup_usage("cần đúng một tệp hoặc thư mục đích");
	target = argv[optind];
	tlen = strlen(target);
	dir = (tlen > 0 && target[tlen - 1] == '/') ||
	    (stat(target, &sb) == 0 && S_ISDIR(sb.st_mode));
	if (keep > 0 && !dir)
		return ctl_backup_usage("--keep chỉ dùng với một thư mục đích (THƯ_MỤC/)");
	if ((db = dbopt != NULL ? strdup(dbopt) : ctl_backup_db_of(ini)) == NULL)
		return 3;
	if (dir) {
		if (mkdir(target, 0750) != 0 && errno != EEXIST) {
			fprintf(stderr, "onestopctl: không tạo được thư mục %s: %s\n",
			    target, strerror(errno));
			free(db);
			return 3;
		}
		while (tlen > 1 && target[tlen - 1] == '/')
			tlen--;
		snprintf(path, sizeof path, "%.*s", (int)tlen, target);
		{
			char d[4096];

			snprintf(d, sizeof d, "%s", path);
			backup_name(path, sizeof path, d, time(NULL));
		}
	} else
		snprintf(path, sizeof path, "%s", target);

	if (backup_copy(db, path, (int)step, (int)pause, err, sizeof err) != 0 ||
	    backup_check(path, &version, err, sizeof err) != 0) {
		fprintf(stderr, "onestopctl: sao lưu thất bại: %s\n", err);
		free(db);
		return 3;
	}
	if (stat(path, &sb) != 0)
		sb.st_size = 0;
	printf("Đã sao lưu %s vào %s (%lld KiB, lược đồ phiên bản %d, integrity_check ok).\n",
	    db, path, (long long)(sb.st_size + 1023) / 1024, version);
	free(db);
	if (keep > 0) {
		char d[4096];

		snprintf(d, sizeof d, "%.*s", (int)tlen, target);
		if ((removed = backup_rotate(d, (int)keep, err, sizeof err)) < 0) {
			fprintf(stderr, "onestopctl: %s\n", err);
			return 3;
		}
		if (removed > 0)
			printf("Đã xóa %d bản sao lưu cũ (giữ %lld bản mới nhất).\n",
			    removed, keep);
	}
	return 0;
}
