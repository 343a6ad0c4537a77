/*
 * bench_printers.c - figures for ticket printing (make bench):
 *   - bytes per ticket for every sample (58/80 mm, raster/code page);
 *   - time from printer_submit() to bytes ready and to the last byte sent,
 *     p50/p99 over many tickets (file driver, so the device adds nothing);
 *   - at 9,600 and 115,200 baud (8N1, 10 bits a byte) the time the serial
 *     line needs for each ticket against the mechanical bound: its length
 *     (from the emulator's picture) printed by a 250 mm/s head at 8 dots/mm.
 * Goals checked and printed: ready within 50 ms (p99), and the line is not
 * the bottleneck at 115,200 baud (per encoding: raster, cp1258, udc).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "printers/printer_conf.h"
#include "printers/escpos.h"
#include "printers/escpos_decode.h"
#include "printers/printer.h"
#include "printers/ticket.h"
#include "printers/ticket_samples.h"

#define RUNS 200

static int page_h;

/* CLOCK_MONOTONIC in ns, as the printer's event times. */
static uint64_t
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
on_page(void *arg, const struct bitmap *bm, const char *text)
{
	(void)arg;
	(void)text;
	page_h = bm->h;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int
main(void)
{
	static const struct escpos_decoder_cb cb = { on_page, NULL, NULL };
	static uint64_t ready[RUNS], sent[RUNS], done[RUNS];
	struct ticket_encoder *e;
	char err[256], dir[] = "/tmp/bench_printers.XXXXXX", out[64];
	int i, k, fails = 0, line_ok[3] = { 1, 1, 1 };
	static const char *const modes[3] = { "raster", "cp1258", "udc" };
	uint64_t t0;

	setenv("TZ", "ICT-7", 1);
	t0 = bench_now();
	if ((e = ticket_encoder_new(err, sizeof err)) == NULL) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	printf("printers: encoder start (fonts, udc glyph table; once per "
	    "printer thread): %.1f ms\n", (bench_now() - t0) / 1e6);
	printf("printers: bytes per ticket, serial line time vs 250 mm/s head\n");
	printf("  %-16s %7s %7s %9s %10s %9s %s\n", "ticket", "bytes", "mm",
	    "head ms", "9600 ms", "115200 ms", "line/head at 115200");
	for (i = 0; i < ticket_samples_count(); i++) {
		const struct ticket_sample *s = ticket_samples_get(i);
		struct escpos_decoder *d;
		uint8_t *b;
		size_t n;
		double mm, head, l96, l115;

		if (ticket_encode(e, &s->printer, &s->ticket, &b, &n, err,
		    sizeof err) < 0) {
			fprintf(stderr, "bench: %s\n", err);
			return 1;
		}
		d = escpos_decoder_new(s->printer.paper_dots, &cb, NULL, NULL,
		    err, sizeof err);
		escpos_decoder_feed(d, b, n);
		escpos_decoder_end(d);
		escpos_decoder_free(d);
		free(b);
		mm = page_h / 8.0;
		head = mm / 250.0 * 1000.0;
		l96 = (double)n * 10.0 / 9600.0 * 1000.0;
		l115 = (double)n * 10.0 / 115200.0 * 1000.0;
		k = strcmp(s->printer.codepage, "raster") == 0 ? 0 :
		    strcmp(s->printer.codepage, "udc") == 0 ? 2 : 1;
		if (l115 > head)
			line_ok[k] = 0;
		printf("  %-16s %7zu %7.1f %9.0f %10.0f %9.0f %.2f%s\n",
		    s->name, n, mm, head, l96, l115, l115 / head,
		    l115 > head ? "  (line is the bottleneck)" : "");
	}
	ticket_encoder_free(e);

	/* submit -> ready / last byte, through the printer thread, for the
	 * raster and the udc 58 mm tickets */
	for (k = 0; k < 2; k++) {
		int si = ticket_samples_find(k == 0 ? "t58-raster" : "t58-udc");
		struct printer_conf pc = ticket_samples_get(si)->printer;
		const struct ticket_print *t = &ticket_samples_get(si)->ticket;
		struct printer_options opt = { 1000, 5000, 1000 };
		struct printer *p;
		struct printer_event ev;
		int got = 0;

		snprintf(dir, sizeof dir, "/tmp/bench_printers.XXXXXX");
		if (mkdtemp(dir) == NULL)
			return 1;
		snprintf(out, sizeof out, "%s/out.bin", dir);
		pc.driver = (char *)"file";
		pc.device = out;
		if ((p = printer_start(&pc, &opt, err, sizeof err)) == NULL) {
			fprintf(stderr, "bench: %s\n", err);
			return 1;
		}
		for (i = 0; i < RUNS; i++) {
			printer_submit(p, t, (uint64_t)i);
			/* one at a time: a kiosk issues one ticket at a time */
			for (;;) {
				struct pollfd pfd = { printer_fd(p), POLLIN, 0 };
				if (printer_next_event(p, &ev)) {
					if (ev.type == PRINTER_EV_JOB_DONE) {
						ready[got] = ev.t_encoded_ns - ev.t_submit_ns;
						sent[got] = ev.t_sent_ns - ev.t_submit_ns;
						done[got++] = bench_now() - ev.t_submit_ns;
						break;
					}
					if (ev.type == PRINTER_EV_JOB_FAILED) {
						fails++;
						break;
					}
					continue;
				}
				poll(&pfd, 1, 1000);
			}
		}
		printer_stop(p);
		unlink(out);
		rmdir(dir);
		qsort(ready, (size_t)got, sizeof ready[0], cmp_u64);
		qsort(sent, (size_t)got, sizeof sent[0], cmp_u64);
		qsort(done, (size_t)got, sizeof done[0], cmp_u64);
		if (got == 0)
			return 1;
		printf("printers: submit -> ready to send (%s, %d tickets): "
		    "p50 %.2f ms, p99 %.2f ms (goal < 50 ms: %s)\n",
		    ticket_samples_name(si), got, ready[got / 2] / 1e6,
		    ready[got * 99 / 100] / 1e6,
		    ready[got * 99 / 100] < 50000000u ? "met" : "MISSED");
		printf("printers: submit -> last byte sent (file driver): "
		    "p50 %.2f ms, p99 %.2f ms\n", sent[got / 2] / 1e6,
		    sent[got * 99 / 100] / 1e6);
		printf("printers: submit -> JOB_DONE received (file driver, "
		    "status asked before and after): p50 %.2f ms, p99 %.2f ms "
		    "(goal tens of ms: %s)\n", done[got / 2] / 1e6,
		    done[got * 99 / 100] / 1e6,
		    done[got * 99 / 100] < 50000000u ? "met" : "MISSED");
	}
	for (k = 0; k < 3; k++)
		printf("printers: serial line never the bottleneck at 115200, "
		    "%s tickets: %s\n", modes[k], line_ok[k] ? "met" : "NOT met");
	return fails ? 1 : 0;
}
