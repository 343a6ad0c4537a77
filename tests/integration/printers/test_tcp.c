/*
 * test_tcp.c - the printer thread over the TCP driver against the real
 * emulator (onestop-printemu serve): a ticket prints and reads back; paper
 * out and cover open before a job refuse it; paper out during a job keeps
 * it and reprints it, marked, once the paper is back; a slow printer still
 * prints; a printer that is gone refuses.  The emulator is started with
 * port 0 and its "ready" line gives the port; the test waits on events and
 * on the emulator's files, never on time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "printers/printer_conf.h"
#include "printers/printer.h"
#include "printers/ticket_samples.h"

extern char **environ;

static char dir[64], outdir[128], control[128], device[64];
static pid_t emu_pid = -1;
static FILE *emu_out;
static struct printer *prn;

/* Start the emulator and read its ready line. */
static int
start_emu(void)
{
	char emu[512], line[256], *argv[9];
	const char *b = getenv("B") ? getenv("B") : "build";
	posix_spawn_file_actions_t fa;
	int pfd[2];

	snprintf(emu, sizeof emu, "%s/onestop-printemu", b);
	if (pipe(pfd) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	argv[0] = emu; argv[1] = (char *)"serve";
	argv[2] = (char *)"--tcp"; argv[3] = (char *)"127.0.0.1:0";
	argv[4] = (char *)"--out"; argv[5] = outdir;
	argv[6] = (char *)"--control"; argv[7] = control; argv[8] = NULL;
	if (posix_spawn(&emu_pid, emu, &fa, NULL, argv, environ) != 0)
		return -1;
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	emu_out = fdopen(pfd[0], "r");
	while (fgets(line, sizeof line, emu_out) != NULL)
		if (sscanf(line, "ready tcp %63s", device) == 1)
			return 0;
	return -1;
}

static void
stop_emu(void)
{
	if (emu_pid > 0) {
		kill(emu_pid, SIGTERM);
		waitpid(emu_pid, NULL, 0);
		emu_pid = -1;
	}
	if (emu_out) {
		fclose(emu_out);
		emu_out = NULL;
	}
}

static void
set_control(const char *text)
{
	char tmp[160];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", control);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(rename(tmp, control), 0);
}

/* Bounded wait for an event of a type. */
static int
wait_event(enum printer_event_type type, struct printer_event *ev)
{
	int i;

	for (i = 0; i < 300; i++) {
		struct pollfd pfd = { printer_fd(prn), POLLIN, 0 };
		while (printer_next_event(prn, ev))
			if (ev->type == type)
				return 1;
		poll(&pfd, 1, 100);
	}
	return 0;
}

/* Bounded wait for the emulator's page n; its text in buf. */
static int
wait_page(int n, char *buf, size_t len)
{
	char path[256];
	int i, fd;
	ssize_t got;

	snprintf(path, sizeof path, "%s/ticket-%04d.txt", outdir, n);
	for (i = 0; i < 300; i++) {
		if ((fd = open(path, O_RDONLY)) >= 0) {
			got = read(fd, buf, len - 1);
			close(fd);
			buf[got > 0 ? got : 0] = '\0';
			return 1;
		}
		poll(NULL, 0, 50);
	}
	return 0;
}

static int
exists_page(int n)
{
	char path[256];
	snprintf(path, sizeof path, "%s/ticket-%04d.txt", outdir, n);
	return access(path, F_OK) == 0;
}

static const struct ticket_print *
ticket(void)
{
	return &ticket_samples_get(ticket_samples_find("t80-raster"))->ticket;
}

static int
setup(void **state)
{
	struct printer_conf pc;
	struct printer_options opt = { 50, 3000, 1000 };
	char err[256];

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_tcp.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(outdir, sizeof outdir, "%s/out", dir);
	snprintf(control, sizeof control, "%s/control", dir);
	set_control("ok");
	assert_int_equal(start_emu(), 0);
	pc = ticket_samples_get(ticket_samples_find("t80-raster"))->printer;
	pc.driver = (char *)"tcp";
	pc.device = device;
	prn = printer_start(&pc, &opt, err, sizeof err);
	assert_non_null(prn);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[200];

	(void)state;
	printer_stop(prn);
	stop_emu();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

static void
test_faults(void **state)
{
	struct printer_event ev;
	char text[8192], path[256];

	(void)state;
	/* 1: prints and reads back */
	assert_int_equal(printer_submit(prn, ticket(), 1), 0);
	assert_true(wait_event(PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.job_id, 1);
	assert_true(wait_page(1, text, sizeof text));
	assert_non_null(strstr(text, "\n1024\n"));
	assert_non_null(strstr(text, "[qr https://hcc.example.vn/t/20261128-1024]"));
	assert_non_null(strstr(text, "[cut]"));
	snprintf(path, sizeof path, "%s/reports.log", outdir);
	assert_int_equal(access(path, F_OK), -1);    /* all understood */

	/* 2: paper out before the job: refused, nothing printed */
	set_control("paper-out");
	assert_int_equal(printer_submit(prn, ticket(), 2), 0);
	assert_true(wait_event(PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.job_id, 2);
	assert_int_equal(ev.kept, 0);
	assert_true(ev.status & PRINTER_ST_PAPER_END);
	assert_string_equal(ev.reason, "Máy in hết giấy.");

	/* 3: cover open */
	set_control("cover-open");
	assert_int_equal(printer_submit(prn, ticket(), 3), 0);
	assert_true(wait_event(PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.job_id, 3);
	assert_int_equal(ev.kept, 0);
	assert_true(ev.status & PRINTER_ST_COVER_OPEN);
	assert_string_equal(ev.reason, "Nắp máy in đang mở.");
	assert_false(exists_page(2));

	/* 4: paper runs out during the job: kept, reprinted when back */
	set_control("paper-out-after=3000");
	assert_true(wait_event(PRINTER_EV_STATUS, &ev));
	assert_int_equal(ev.status, 0);
	assert_int_equal(printer_submit(prn, ticket(), 4), 0);
	assert_true(wait_event(PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.job_id, 4);
	assert_int_equal(ev.kept, 1);
	assert_true(ev.status & PRINTER_ST_PAPER_END);
	assert_non_null(strstr(ev.reason, "Máy in dừng khi đang in vé"));
	assert_non_null(strstr(ev.reason, "Máy in hết giấy."));
	set_control("ok");
	assert_true(wait_event(PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.job_id, 4);
	assert_int_equal(ev.reprint, 1);
	assert_true(wait_page(2, text, sizeof text));    /* the cut-short one */
	assert_non_null(strstr(text, "[partial:"));
	assert_non_null(strstr(text, "[interrupted]"));
	assert_true(wait_page(3, text, sizeof text));    /* the reprint */
	assert_null(strstr(text, "[partial"));
	assert_non_null(strstr(text, "\n1024\n"));
	assert_non_null(strstr(text, "[cut]"));

	/* 5: a slow printer still prints */
	set_control("slow=5");
	assert_int_equal(printer_submit(prn, ticket(), 5), 0);
	assert_true(wait_event(PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.job_id, 5);
	assert_true(wait_page(4, text, sizeof text));
	assert_non_null(strstr(text, "[cut]"));

	/* 6: offline without a cause: refused, said as offline, not as an
	   error */
	set_control("offline");
	assert_int_equal(printer_submit(prn, ticket(), 6), 0);
	assert_true(wait_event(PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.job_id, 6);
	assert_int_equal(ev.kept, 0);
	assert_true(ev.status & PRINTER_ST_OFFLINE);
	assert_false(ev.status & PRINTER_ST_ERROR);
	assert_string_equal(ev.reason, "Máy in đang tạm ngừng (offline).");
	set_control("ok");

	/* 7: the printer is gone */
	stop_emu();
	assert_int_equal(printer_submit(prn, ticket(), 7), 0);
	assert_true(wait_event(PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.job_id, 7);
	assert_int_equal(ev.kept, 0);
	assert_true(ev.status & PRINTER_ST_GONE);
	assert_non_null(strstr(ev.reason, "máy in"));
	assert_true(printer_status(prn) & PRINTER_ST_GONE);
}

/* A restarted emulator goes on after the pictures already in its folder. */
static void
test_restart_keeps_pages(void **state)
{
	struct printer_conf pc;
	struct printer_options opt = { 50, 3000, 1000 };
	struct printer_event ev;
	char text[8192], err[256];
	struct stat st1, st2;
	char path[256];

	(void)state;
	assert_int_equal(printer_submit(prn, ticket(), 1), 0);
	assert_true(wait_event(PRINTER_EV_JOB_DONE, &ev));
	assert_true(wait_page(1, text, sizeof text));
	snprintf(path, sizeof path, "%s/ticket-0001.png", outdir);
	assert_int_equal(stat(path, &st1), 0);
	printer_stop(prn);
	stop_emu();
	assert_int_equal(start_emu(), 0);
	pc = ticket_samples_get(ticket_samples_find("t80-raster"))->printer;
	pc.driver = (char *)"tcp";
	pc.device = device;
	prn = printer_start(&pc, &opt, err, sizeof err);
	assert_non_null(prn);
	assert_int_equal(printer_submit(prn, ticket(), 2), 0);
	assert_true(wait_event(PRINTER_EV_JOB_DONE, &ev));
	assert_true(wait_page(2, text, sizeof text));
	assert_non_null(strstr(text, "\n1024\n"));
	assert_int_equal(stat(path, &st2), 0);
	assert_true(st1.st_ino == st2.st_ino && st1.st_mtime == st2.st_mtime);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_keeps_pages, setup, teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
