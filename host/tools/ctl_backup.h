/*
 * ctl_backup.h - `onestopctl backup`: a consistent copy of the database
 * while onestopd runs (core/backup.h), with rotation for the nightly timer
 * (config/onestop-backup.timer).  Documented in host/docs/operations.md.
 */
#ifndef ONESTOP_CTL_BACKUP_H
#define ONESTOP_CTL_BACKUP_H

/* Run `backup [OPTIONS] TARGET` (argv[0] is "backup"); the exit code:
 * 0 done, 2 usage error, 3 the copy failed. */
int ctl_backup(int argc, char **argv);

#endif
