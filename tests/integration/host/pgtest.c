/*
 * pgtest.c - a real PostgreSQL in a temp dir for the tests (pgtest.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "harness.h"
#include "pgtest.h"

/* Become nobody when root (PostgreSQL refuses to run as root). */
static void
drop_root(void)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return;
	if ((pw = getpwnam("nobody")) == NULL || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		_exit(126);
}

static void
to_log(const char *log)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0666);

	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
}

static void
nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int
pgtest_init(struct pgtest *p, const char *tag)
{
	const char *env = getenv("PGBIN"), *tmp = getenv("TMPDIR");
	char data[600], log[600], initdb[600];
	int status;
	pid_t pid;
	glob_t g;

	memset(p, 0, sizeof *p);
	if (env != NULL && *env != '\0')
		snprintf(p->bin, sizeof p->bin, "%s", env);
	else if (glob("/usr/lib/postgresql/*/bin", 0, NULL, &g) == 0 && g.gl_pathc > 0) {
		snprintf(p->bin, sizeof p->bin, "%s", g.gl_pathv[g.gl_pathc - 1]);
		globfree(&g);
	}
	snprintf(initdb, sizeof initdb, "%s/initdb", p->bin);
	if (access(initdb, X_OK) != 0) {
		fprintf(stderr, "pgtest: no PostgreSQL server here (%s): %s\n", initdb,
		    strerror(errno));
		return -1;
	}
	snprintf(p->dir, sizeof p->dir, "%s/onestop-%s-pg-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp", tag);
	if (mkdtemp(p->dir) == NULL) {
		perror("pgtest: mkdtemp");
		return -1;
	}
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("nobody");

		if (pw == NULL || chown(p->dir, pw->pw_uid, pw->pw_gid) != 0) {
			perror("pgtest: chown");
			return -1;
		}
	}
	snprintf(p->conninfo, sizeof p->conninfo, "host=%s dbname=postgres user=onestop",
	    p->dir);
	snprintf(data, sizeof data, "%s/pg", p->dir);
	snprintf(log, sizeof log, "%s/initdb.log", p->dir);
	if ((pid = fork()) == 0) {
		to_log(log);
		drop_root();
		execl(initdb, initdb, "-D", data, "-A", "trust", "-U", "onestop", "-E",
		    "UTF8", "--locale=C", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "pgtest: initdb failed; see %s\n", log);
		return -1;
	}
	return 0;
}

int
pgtest_start(struct pgtest *p)
{
	char data[600], log[600], path[600];
	double deadline;
	int attempt, status;

	snprintf(data, sizeof data, "%s/pg", p->dir);
	snprintf(log, sizeof log, "%s/pg.log", p->dir);
	snprintf(path, sizeof path, "%s/postgres", p->bin);
	for (attempt = 0; attempt < 50; attempt++) {
		if ((p->pid = fork()) == 0) {
			setpgid(0, 0);
			to_log(log);
			drop_root();
			execl(path, path, "-D", data, "-k", p->dir, "-c", "listen_addresses=",
			    "-c", "fsync=on", "-c", "max_connections=20",
			    "-c", "track_commit_timestamp=on", (char *)NULL);
			_exit(127);
		}
		if (p->pid < 0)
			return -1;
		setpgid(p->pid, p->pid);
		deadline = hn_now_ms() + 30000;
		while (hn_now_ms() < deadline) {
			if (PQping(p->conninfo) == PQPING_OK)
				return 0;
			if (waitpid(p->pid, &status, WNOHANG) == p->pid)
				break;    /* a killed server's leftovers: try again */
			nap_ms(20);       /* polling readiness, with a deadline */
		}
		if (hn_now_ms() >= deadline) {
			pgtest_signal(p, SIGKILL);
			return -1;
		}
		p->pid = 0;
		nap_ms(100);
	}
	fprintf(stderr, "pgtest: postgres did not start; see %s\n", log);
	return -1;
}

void
pgtest_signal(struct pgtest *p, int sig)
{
	if (p->pid <= 0)
		return;
	kill(-p->pid, sig);
	if (sig == SIGKILL || sig == SIGQUIT || sig == SIGTERM) {
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
	}
}

void
pgtest_cleanup(struct pgtest *p, int keep)
{
	char cmd[700];

	if (p->pid > 0) {
		kill(-p->pid, SIGCONT);
		pgtest_signal(p, SIGQUIT);
	}
	if (keep) {
		fprintf(stderr, "pgtest: kept %s\n", p->dir);
		return;
	}
	if (p->dir[0] != '\0') {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", p->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "pgtest: could not remove %s\n", p->dir);
	}
}

/* The copies: the same rows, another centre code ($1 source, $2 prefix, $3 n). */
static const char *const copy_steps[] = {
	"INSERT INTO centres (code, name, address, day_start_hour, acked, config_at)"
	" SELECT $2 || k, name || ' số ' || k, address, day_start_hour, acked, config_at"
	" FROM centres, generate_series(2, $3::int) k WHERE code = $1",
	"INSERT INTO departments SELECT $2 || k, code, name FROM departments,"
	" generate_series(2, $3::int) k WHERE centre = $1",
	"INSERT INTO queues SELECT $2 || k, code, name, department, target_wait_s FROM queues,"
	" generate_series(2, $3::int) k WHERE centre = $1",
	"INSERT INTO counters SELECT $2 || k, number, name, department, area FROM counters,"
	" generate_series(2, $3::int) k WHERE centre = $1",
	"INSERT INTO procedures SELECT $2 || k, code, name, department, field, queue"
	" FROM procedures, generate_series(2, $3::int) k WHERE centre = $1",
	"INSERT INTO staff SELECT $2 || k, id, name, full_name FROM staff,"
	" generate_series(2, $3::int) k WHERE centre = $1",
	"INSERT INTO tickets SELECT $2 || k, id, day, number, queue, procedure, priority,"
	" channel, issued_at FROM tickets, generate_series(2, $3::int) k WHERE centre = $1",
	"INSERT INTO events SELECT $2 || k, id, type, at, ticket_id, number, queue, counter,"
	" staff, value, value_code, reason, received_at FROM events, generate_series(2, $3::int) k"
	" WHERE centre = $1",
	NULL
};

int
pgtest_copy_centre(PGconn *pg, const char *code, const char *prefix, int n)
{
	char nb[16];
	const char *v[3] = { code, prefix, nb };
	int i;

	snprintf(nb, sizeof nb, "%d", n);
	for (i = 0; copy_steps[i] != NULL; i++) {
		PGresult *r = PQexecParams(pg, copy_steps[i], 3, NULL, v, NULL, NULL, 0);

		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "pgtest: copy of %s: %s", code, PQresultErrorMessage(r));
			PQclear(r);
			return -1;
		}
		PQclear(r);
	}
	return 0;
}

pid_t
pgtest_dashboard(const char *b, const char *conninfo_file, int *port, FILE **errf)
{
	char bin[600], line[256];
	int errp[2];
	pid_t pid;

	snprintf(bin, sizeof bin, "%s/onestop-central", b);
	*port = 0;
	*errf = NULL;
	if (pipe(errp) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(errp[1], 2);
		close(errp[0]);
		close(errp[1]);
		execl(bin, bin, "-f", conninfo_file, "-p", "0", (char *)NULL);
		_exit(127);
	}
	close(errp[1]);
	*errf = fdopen(errp[0], "r");
	while (*errf != NULL && fgets(line, sizeof line, *errf) != NULL)
		if (sscanf(line, "onestop-central: listening on http://127.0.0.1:%d", port) == 1)
			break;
	return pid;
}
