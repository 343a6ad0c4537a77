/*
 * test_printer.c - the printer thread with the file driver: a job prints,
 * a printer that cannot print fails the job at once without printing, a
 * job that fails half way is kept and reprinted (marked) when the printer
 * is back, status changes are events, unknown drivers are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "printers/printer_conf.h"
#include "printers/escpos.h"
#include "printers/escpos_decode.h"
#include "printers/printer.h"
#include "printers/ticket_samples.h"

struct fx {
	char dir[64], out[128], fault[160];
	struct printer_conf pc;
	struct printer *p;
};

/* Wait (bounded) for the next event of the given type, skipping others. */
static int
wait_event(struct printer *p, enum printer_event_type type,
    struct printer_event *ev)
{
	int i;

	for (i = 0; i < 200; i++) {
		struct pollfd pfd = { printer_fd(p), POLLIN, 0 };
		while (printer_next_event(p, ev))
			if (ev->type == type)
				return 1;
		poll(&pfd, 1, 100);
	}
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static long
file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct printer_options opt = { 50, 2000, 500 };
	char err[256];

	snprintf(f->dir, sizeof f->dir, "/tmp/test_printer.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->out, sizeof f->out, "%s/out.bin", f->dir);
	snprintf(f->fault, sizeof f->fault, "%s.fault", f->out);
	f->pc = ticket_samples_get(ticket_samples_find("t58-raster"))->printer;
	f->pc.driver = (char *)"file";
	f->pc.device = f->out;
	f->p = printer_start(&f->pc, &opt, err, sizeof err);
	assert_non_null(f->p);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	printer_stop(f->p);
	unlink(f->out);
	unlink(f->fault);
	rmdir(f->dir);
	free(f);
	return 0;
}

static const struct ticket_print *
sample(void)
{
	return &ticket_samples_get(ticket_samples_find("t58-raster"))->ticket;
}

/* Decode a byte file and count pages and reports. */
static void
decode_file(const char *path, int *pages, int *reports)
{
	static const struct escpos_decoder_cb cb = { NULL, NULL, NULL };
	struct escpos_decoder *d;
	char err[128];
	uint8_t buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	d = escpos_decoder_new(384, &cb, NULL, NULL, err, sizeof err);
	assert_non_null(d);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		escpos_decoder_feed(d, buf, n);
	escpos_decoder_end(d);
	*pages = escpos_decoder_pages(d);
	*reports = escpos_decoder_reports(d);
	escpos_decoder_free(d);
	fclose(f);
}

static void
test_prints(void **state)
{
	struct fx *f = *state;
	struct printer_event ev;
	int pages, reports;

	assert_int_equal(printer_submit(f->p, sample(), 42), 0);
	assert_true(wait_event(f->p, PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.job_id, 42);
	assert_int_equal(ev.reprint, 0);
	assert_true(ev.bytes > 1000);
	assert_int_equal(file_size(f->out), (long)ev.bytes);
	assert_true(ev.t_submit_ns <= ev.t_encoded_ns);
	assert_true(ev.t_encoded_ns <= ev.t_sent_ns);
	assert_int_equal(printer_status(f->p), 0);
	decode_file(f->out, &pages, &reports);
	assert_int_equal(pages, 1);
	assert_int_equal(reports, 0);
}

static void
test_cannot_print(void **state)
{
	static const struct {
		const char *fault;
		unsigned bit;
	} cases[] = {
		{ "paper-out", PRINTER_ST_PAPER_END },
		{ "cover-open", PRINTER_ST_COVER_OPEN },
		{ "offline", PRINTER_ST_OFFLINE },
		{ "error", PRINTER_ST_ERROR },
	};
	struct fx *f = *state;
	struct printer_event ev;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		write_file(f->fault, cases[i].fault);
		assert_int_equal(printer_submit(f->p, sample(), 100 + i), 0);
		assert_true(wait_event(f->p, PRINTER_EV_JOB_FAILED, &ev));
		assert_int_equal(ev.job_id, 100 + i);
		assert_int_equal(ev.kept, 0);
		assert_true(ev.status & cases[i].bit);
		assert_true(printer_status(f->p) & cases[i].bit);
		/* nothing was written */
		assert_true(file_size(f->out) <= 0);
	}
	/* back to ok: a status event says so, and jobs print again */
	write_file(f->fault, "ok");
	assert_true(wait_event(f->p, PRINTER_EV_STATUS, &ev));
	assert_int_equal(ev.status, 0);
	assert_int_equal(printer_submit(f->p, sample(), 7), 0);
	assert_true(wait_event(f->p, PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.job_id, 7);
}

static void
test_near_end_still_prints(void **state)
{
	struct fx *f = *state;
	struct printer_event ev;

	write_file(f->fault, "near-end");
	assert_int_equal(printer_submit(f->p, sample(), 9), 0);
	assert_true(wait_event(f->p, PRINTER_EV_JOB_DONE, &ev));
	assert_true(ev.status & PRINTER_ST_NEAR_END);
	assert_true(printer_status(f->p) & PRINTER_ST_NEAR_END);
}

static void
test_half_way_reprint(void **state)
{
	struct fx *f = *state;
	struct printer_event ev;
	int pages, reports;
	long first;

	write_file(f->fault, "paper-out-after=3000");
	assert_int_equal(printer_submit(f->p, sample(), 77), 0);
	assert_true(wait_event(f->p, PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.job_id, 77);
	assert_int_equal(ev.kept, 1);
	assert_true(ev.status & PRINTER_ST_PAPER_END);
	first = file_size(f->out);
	assert_int_equal(first, 3000);
	/* a new ticket while the paper is out is refused, not queued */
	assert_int_equal(printer_submit(f->p, sample(), 78), 0);
	assert_true(wait_event(f->p, PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.job_id, 78);
	assert_int_equal(ev.kept, 0);
	/* paper back: the kept job prints by itself, as a reprint */
	write_file(f->fault, "ok");
	assert_true(wait_event(f->p, PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.job_id, 77);
	assert_int_equal(ev.reprint, 1);
	assert_int_equal(file_size(f->out), first + (long)ev.bytes);
	/* the cut-short ticket ends inside a command, the reprint is whole */
	decode_file(f->out, &pages, &reports);
	assert_true(pages >= 1);
}

static void
test_gone(void **state)
{
	struct fx *f = *state;
	struct printer_event ev;

	write_file(f->fault, "gone");
	assert_int_equal(printer_submit(f->p, sample(), 5), 0);
	assert_true(wait_event(f->p, PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.kept, 0);
	assert_true(ev.status & PRINTER_ST_GONE);
	write_file(f->fault, "");
	assert_int_equal(printer_submit(f->p, sample(), 6), 0);
	assert_true(wait_event(f->p, PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.job_id, 6);
}

static void
test_staff_reprint_flag(void **state)
{
	struct fx *f = *state;
	struct printer_event ev;
	struct ticket_print t = *sample();

	t.reprint = 1;
	assert_int_equal(printer_submit(f->p, &t, 11), 0);
	assert_true(wait_event(f->p, PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.reprint, 1);
}

static void
test_unknown_driver(void **state)
{
	struct printer_conf pc;
	char err[128];

	(void)state;
	memset(&pc, 0, sizeof pc);
	pc.id = (char *)"x";
	pc.driver = (char *)"parallel";
	assert_null(printer_start(&pc, NULL, err, sizeof err));
	assert_non_null(strstr(err, "parallel"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cannot_print, setup, teardown),
		cmocka_unit_test_setup_teardown(test_near_end_still_prints, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_half_way_reprint, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staff_reprint_flag, setup,
		    teardown),
		cmocka_unit_test(test_unknown_driver),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
