/*
 * test_config.c - unit tests of host/core/config.c: the demo centre loads and
 * validates; every kind of INI and CSV error names the right file:line and
 * says what is wrong, and a failed parse returns nothing.
 *
 * Run from the repository root (make does), or set ONESTOP_ROOT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/config.h"
#include "common/vntext.h"

/* A minimal valid INI; BASE_LINES is its line count. */
#define BASE \
	"[centre]\n" \
	"name = Trung tâm Phục vụ hành chính công\n" \
	"catalogue = p.csv\n" \
	"\n" \
	"[department TP]\n" \
	"name = Sở Tư pháp\n" \
	"\n" \
	"[queue TP-HT]\n" \
	"name = Hộ tịch\n" \
	"department = TP\n" \
	"numbers = 1001-1999\n" \
	"target_wait = 30\n" \
	"\n" \
	"[counter 1]\n" \
	"department = TP\n" \
	"serves = TP-HT\n"
#define BASE_LINES 16

/* The repository root: $ONESTOP_ROOT or the current directory. */
static const char *
root(void)
{
	const char *r = getenv("ONESTOP_ROOT");

	return r && *r ? r : ".";
}

/* Parse text as INI "t.ini"; returns rc and leaves the message in err. */
static int
parse(const char *text, struct config **cfg, char *err, size_t errlen)
{
	return config_parse_ini(text, strlen(text), "t.ini", cfg, err, errlen);
}

/* Expect BASE + extra to fail with exactly the message want. */
static void
expect_ini_error(const char *extra, const char *want)
{
	char text[4096], err[512];
	struct config *cfg = (struct config *)1;

	snprintf(text, sizeof(text), "%s%s", BASE, extra);
	assert_int_equal(parse(text, &cfg, err, sizeof(err)), -1);
	assert_null(cfg);
	if (strcmp(err, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", err, want);
}

static void
test_demo_loads(void **state)
{
	char path[1024], err[512];
	struct config *cfg = NULL;
	struct timespec a, b;
	int i, backup = 0, counter_boards = 0, hall = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/config/demo/centre.ini", root());
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (config_load(path, &cfg, err, sizeof(err)) != 0)
		fail_msg("demo config: %s", err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("info: demo centre + %d procedures loaded in %.1f ms\n",
	    cfg->nprocedures, (double)(b.tv_sec - a.tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e6);

	assert_true(cfg->ndepartments >= 8);
	assert_true(cfg->ncounters >= 20);
	assert_true(cfg->nprocedures >= 1400);
	assert_int_equal(cfg->npriority, 5);
	assert_int_equal(config_priority_index(cfg, "elderly"), 1);
	assert_int_equal(config_priority_index(cfg, "normal"), 0);
	assert_int_equal(cfg->nkiosks, 2);
	assert_int_equal(cfg->policy.priority_interleave, 3);
	assert_int_equal(cfg->policy.priority_max_consecutive, 2);
	assert_int_equal(cfg->policy.recall_limit, 2);
	assert_int_equal(cfg->policy.rating_window_s, 120);
	assert_non_null(strstr(cfg->centre_name, "Trung tâm Phục vụ hành chính công"));
	/* The catalogue path was resolved against the INI's directory. */
	assert_non_null(strstr(cfg->catalogue_path, "config/demo/procedures.csv"));

	for (i = 0; i < cfg->nkiosks; i++) {
		int p = cfg->kiosks[i].printer_index;

		assert_true(p >= 0 && p < cfg->nprinters);
		assert_string_equal(cfg->printers[p].id, cfg->kiosks[i].printer);
	}
	for (i = 0; i < cfg->ncounters; i++) {
		const struct config_counter *c = &cfg->counters[i];
		int j;

		assert_true(c->number >= 1 && c->number <= 99);
		assert_true(c->nserves >= 1);
		assert_int_equal(config_counter_index(cfg, c->number), i);
		for (j = 0; j < c->nserves; j++) {
			assert_true(c->serves[j].queue >= 0 &&
			    c->serves[j].queue < cfg->nqueues);
			backup += c->serves[j].level == CONFIG_BACKUP;
		}
	}
	assert_true(backup >= 5);
	/* The demo centre is cross-trained: every counter may call every
	 * queue (its own department's first), see host/docs/sim.md. */
	for (i = 0; i < cfg->ncounters; i++)
		assert_int_equal(cfg->counters[i].nserves, cfg->nqueues);
	assert_int_equal(cfg->policy.priority_first_free, 1);
	for (i = 0; i < cfg->nqueues; i++) {
		const struct config_queue *q = &cfg->queues[i];

		assert_true(q->department >= 0 && q->department < cfg->ndepartments);
		assert_true(q->number_first >= 1 && q->number_last <= 9999);
		assert_true(q->target_wait_min >= 15 && q->target_wait_min <= 45);
	}
	for (i = 0; i < cfg->nboards; i++) {
		if (strcmp(cfg->boards[i].role, "hall") == 0)
			hall++;
		else {
			assert_true(cfg->boards[i].counter >= 0);
			counter_boards++;
		}
	}
	assert_int_equal(hall, 2);
	assert_int_equal(counter_boards, 24);

	for (i = 0; i < cfg->nprocedures; i++) {
		const struct config_procedure *p = &cfg->procedures[i];
		char *n = vntext_nfc(p->name);

		assert_non_null(n);
		assert_string_equal(n, p->name);          /* stored NFC */
		free(n);
		assert_true(p->folded[0] != '\0');
		assert_int_equal(cfg->queues[p->queue].department, p->department);
	}
	assert_true(config_procedure_index(cfg, cfg->procedures[100].code) == 100);
	config_free(cfg);
}

static void
test_minimal_and_defaults(void **state)
{
	struct config *cfg = NULL;
	char err[256];
	/* NFD "Hộ tịch" in a queue name must be stored NFC. */
	const char *text = BASE
	    "\n[queue TP-LL]\nname = Ho\xcc\xa3\xcc\x82 ti\xcc\xa3" "ch\n"
	    "department = TP\nnumbers = 2000 - 2999\ntarget_wait = 15\n"
	    "transfer_keeps_place = no\n"
	    "[counter 2]\ndepartment = TP\nserves = TP-LL, TP-HT : backup\n"
	    "[line l1]\nport = /dev/ttyUSB0\n";

	(void)state;
	if (parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg->nqueues, 2);
	assert_string_equal(cfg->queues[1].name, "Hộ tịch");
	assert_int_equal(cfg->queues[1].number_first, 2000);
	assert_int_equal(cfg->queues[1].number_last, 2999);
	assert_int_equal(cfg->queues[1].transfer_keeps_place, 0);
	assert_int_equal(cfg->queues[0].transfer_keeps_place, -1);
	assert_int_equal(cfg->queues[0].service_min, 10);
	assert_string_equal(cfg->counters[0].name, "Quầy 1");
	assert_int_equal(cfg->counters[1].nserves, 2);
	assert_int_equal(cfg->counters[1].serves[0].queue, 1);
	assert_int_equal(cfg->counters[1].serves[0].level, CONFIG_PRIMARY);
	assert_int_equal(cfg->counters[1].serves[1].queue, 0);
	assert_int_equal(cfg->counters[1].serves[1].level, CONFIG_BACKUP);
	assert_int_equal(cfg->port, 8080);
	assert_string_equal(cfg->listen, "127.0.0.1");
	assert_int_equal(cfg->policy.daily_reset, 1);
	assert_int_equal(cfg->policy.pause_expected_min, 20);
	assert_int_equal(cfg->policy.nopen_hours, 0);
	assert_int_equal(cfg->policy.target_override, 1);
	assert_int_equal(cfg->policy.priority_first_free, 1);
	/* A line defaults to our boards' 19200 8N1. */
	assert_int_equal(cfg->nlines, 1);
	assert_int_equal(cfg->lines[0].baud, 19200);
	assert_int_equal(cfg->lines[0].parity, 'N');
	assert_int_equal(config_queue_index(cfg, "TP-LL"), 1);
	assert_int_equal(config_queue_index(cfg, "XX"), -1);
	assert_int_equal(config_department_index(cfg, "TP"), 0);
	assert_int_equal(config_counter_index(cfg, 2), 1);
	assert_int_equal(config_counter_index(cfg, 3), -1);
	config_free(cfg);
}

static void
test_unknown_key_and_section(void **state)
{
	(void)state;
	expect_ini_error("[policy]\nfoo = 1\n",
	    "t.ini:18: unknown key 'foo' in [policy]");
	expect_ini_error("\n[shop 1]\nname = x\n", "t.ini:18: unknown section [shop 1]");
	expect_ini_error("[department]\n", "t.ini:17: section [department] needs an id, e.g. [department ID]");
	expect_ini_error("[centre x]\n", "t.ini:17: unexpected words in section [centre x]");
	expect_ini_error("[policy\n", "t.ini:17: section header without ']'");
	expect_ini_error("[policy]\nrecall_limit = 1\nrecall_limit = 2\n",
	    "t.ini:19: duplicate key 'recall_limit' (first on line 18)");
	expect_ini_error("\n\n[department TP]\nname = x\n",
	    "t.ini:19: duplicate section [department TP] (first on line 5)");
	expect_ini_error("[centre]\n", "t.ini:17: duplicate section [centre] (first on line 1)");
	expect_ini_error("[policy]\njust words\n",
	    "t.ini:18: syntax error: expected [section], key = value, or a comment (; or #)");
	expect_ini_error("[policy]\ndaily_reset = maybe\n",
	    "t.ini:18: 'daily_reset' must be yes or no, got 'maybe'");
	expect_ini_error("[policy]\nrecall_limit = 2 ; two\n",
	    "t.ini:18: 'recall_limit' must be an integer 0-10, got '2 ; two'");
}

/* [daemon] listen: IPv4 and IPv6, with or without a port; errors name the
 * line, and -n (which uses the same parse) says ok only for these. */
static void
test_listen(void **state)
{
	struct config *cfg = NULL;
	char err[256], text[4096], host[64];
	int port;

	(void)state;
	snprintf(text, sizeof text, "%s[daemon]\nlisten = ::1\n", BASE);
	if (parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cfg->listen, "::1");
	assert_int_equal(cfg->port, 8080);
	assert_int_equal(cfg->listen_line, BASE_LINES + 2);
	config_free(cfg);
	snprintf(text, sizeof text, "%s[daemon]\nlisten = [::1]:9090\n", BASE);
	if (parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cfg->listen, "::1");
	assert_int_equal(cfg->port, 9090);
	config_free(cfg);
	snprintf(text, sizeof text, "%s[daemon]\nlisten = 0.0.0.0:8081\n"
	    "database = /var/lib/onestop/onestop.db\n", BASE);
	if (parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cfg->listen, "0.0.0.0");
	assert_int_equal(cfg->port, 8081);
	assert_int_equal(cfg->database_line, BASE_LINES + 3);
	config_free(cfg);
	expect_ini_error("[daemon]\nlisten = not-an-address\n",
	    "t.ini:18: listen address \"not-an-address\" is not an IPv4 or IPv6"
	    " address (for example 127.0.0.1, 0.0.0.0, ::1, [::1]:8080)");
	expect_ini_error("[daemon]\nlisten = localhost\n",
	    "t.ini:18: listen address \"localhost\" is not an IPv4 or IPv6"
	    " address (for example 127.0.0.1, 0.0.0.0, ::1, [::1]:8080)");
	expect_ini_error("[daemon]\nlisten = [::1\n",
	    "t.ini:18: listen address \"[::1\": '[' without ']'");
	expect_ini_error("[daemon]\nlisten = [::1]x\n",
	    "t.ini:18: listen address \"[::1]x\": unexpected text after ']'");
	expect_ini_error("[daemon]\nlisten = 127.0.0.1:99999\n",
	    "t.ini:18: listen address: bad port \"99999\" (0-65535)");
	expect_ini_error("[daemon]\nport = 8080\nlisten = [::1]:9090\n",
	    "t.ini:19: listen says port 9090 but 'port' on line 18 says 8080");
	expect_ini_error("[daemon]\nlisten = 1.2.3.4.5\n",
	    "t.ini:18: listen address \"1.2.3.4.5\" is not an IPv4 or IPv6"
	    " address (for example 127.0.0.1, 0.0.0.0, ::1, [::1]:8080)");
	/* The split alone, as onestopd -l uses it. */
	assert_int_equal(config_listen_parse("[fe80::1]:1", host, sizeof host,
	    &port, err, sizeof err), 0);
	assert_string_equal(host, "fe80::1");
	assert_int_equal(port, 1);
	assert_int_equal(config_listen_parse("::", host, sizeof host, &port,
	    err, sizeof err), 0);
	assert_string_equal(host, "::");
	assert_int_equal(port, -1);
	assert_int_equal(config_listen_parse("", host, sizeof host, &port, err,
	    sizeof err), -1);
}

static void
test_key_outside_section(void **state)
{
	struct config *cfg = (struct config *)1;
	char err[256];

	(void)state;
	assert_int_equal(parse("; comment\nname = x\n" BASE, &cfg, err,
	    sizeof(err)), -1);
	assert_null(cfg);
	assert_string_equal(err, "t.ini:2: key 'name' outside a section");
}

static void
test_ranges(void **state)
{
	(void)state;
	expect_ini_error("[queue B]\nname = B\ndepartment = TP\n"
	    "numbers = 1500-2500\ntarget_wait = 20\n",
	    "t.ini:20: queue B: numbers 1500-2500 overlap queue TP-HT (1001-1999)");
	/* The later queue is named even when its range comes first. */
	expect_ini_error("[queue B]\nname = B\ndepartment = TP\n"
	    "numbers = 1-1001\ntarget_wait = 20\n",
	    "t.ini:20: queue B: numbers 1-1001 overlap queue TP-HT (1001-1999)");
	expect_ini_error("[queue B]\nname = B\ndepartment = TP\n"
	    "numbers = 0-10\ntarget_wait = 20\n",
	    "t.ini:20: numbers must be 'first-last' within 1-9999 with first <= last, got '0-10'");
	expect_ini_error("[queue B]\nnumbers = 3000-2000\n",
	    "t.ini:18: numbers must be 'first-last' within 1-9999 with first <= last, got '3000-2000'");
	expect_ini_error("[queue B]\nnumbers = 5000-10000\n",
	    "t.ini:18: numbers must be 'first-last' within 1-9999 with first <= last, got '5000-10000'");
	expect_ini_error("[queue B]\ntarget_wait = 0\n",
	    "t.ini:18: 'target_wait' must be an integer 1-720, got '0'");
	expect_ini_error("[counter 100]\n", "t.ini:17: counter number must be 1-99, got '100'");
	expect_ini_error("[counter 01]\n", "t.ini:17: duplicate section [counter 01] (first on line 14)");
	expect_ini_error("[daemon]\nport = 70000\n",
	    "t.ini:18: 'port' must be an integer 1-65535, got '70000'");
}

/* [policy] open_hours: up to four ascending sessions; errors name the line. */
static void
test_open_hours(void **state)
{
	struct config *cfg = NULL;
	char text[4096], err[512];
	static const char *bad[] = {
		"11:30-07:30", "07:30-11:30, 11:00-17:00", "7:30-11:30",
		"07:30-11:30;13:30-17:00", "07:30-24:01", "07:30-11:30,",
		"01:00-02:00, 03:00-04:00, 05:00-06:00, 07:00-08:00, 09:00-10:00",
		"",
	};
	size_t i;

	(void)state;
	snprintf(text, sizeof text, "%s[policy]\nopen_hours = 07:30-11:30 , "
	    "13:30-17:00\npause_expected_min = 0\n", BASE);
	if (parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg->policy.nopen_hours, 2);
	assert_int_equal(cfg->policy.open_from_s[0], 7 * 3600 + 1800);
	assert_int_equal(cfg->policy.open_to_s[0], 11 * 3600 + 1800);
	assert_int_equal(cfg->policy.open_from_s[1], 13 * 3600 + 1800);
	assert_int_equal(cfg->policy.open_to_s[1], 17 * 3600);
	assert_int_equal(cfg->policy.pause_expected_min, 0);
	config_free(cfg);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		char extra[256], want[512];

		snprintf(extra, sizeof extra, "[policy]\nopen_hours = %s\n",
		    bad[i]);
		snprintf(want, sizeof want, "t.ini:18: open_hours must be up to 4 "
		    "'HH:MM-HH:MM' separated by commas, each ending after it "
		    "starts and after the one before, got '%s'", bad[i]);
		expect_ini_error(extra, want);
	}
}

static void
test_required(void **state)
{
	(void)state;
	expect_ini_error("\n[queue B]\nname = B\ndepartment = TP\nnumbers = 2000-2999\n",
	    "t.ini:18: [queue B]: missing key 'target_wait'");
	expect_ini_error("[department X]\n",
	    "t.ini:17: [department X]: missing key 'name'");
	expect_ini_error("[priority elderly]\nname =\n",
	    "t.ini:18: empty value for 'name'");
	{
		struct config *cfg = (struct config *)1;
		char err[256];

		assert_int_equal(parse("[department TP]\nname = x\n", &cfg,
		    err, sizeof(err)), -1);
		assert_string_equal(err, "t.ini:2: missing section [centre]");
	}
}

/* serves = ..., *: every queue not named, at the level given; a name wins. */
static void
test_serves_star(void **state)
{
	struct config *cfg = NULL;
	char err[256];
	const char *text = BASE
	    "[department XD]\nname = Sở Xây dựng\n"
	    "[queue XD-GP]\nname = Cấp phép\ndepartment = XD\n"
	    "numbers = 3001-3999\ntarget_wait = 45\n"
	    "[queue XD-HN]\nname = Hạ tầng\ndepartment = XD\n"
	    "numbers = 4001-4999\ntarget_wait = 45\n"
	    "[counter 2]\ndepartment = XD\nserves = *:backup, XD-GP\n"
	    "[counter 3]\ndepartment = XD\nserves = XD-HN:backup, *\n"
	    "[policy]\npriority_first_free = no\n";

	(void)state;
	if (parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* Counter 2: XD-GP primary (named), then TP-HT and XD-HN backup. */
	assert_int_equal(cfg->counters[1].nserves, 3);
	assert_int_equal(cfg->counters[1].serves[0].queue, 1);
	assert_int_equal(cfg->counters[1].serves[0].level, CONFIG_PRIMARY);
	assert_int_equal(cfg->counters[1].serves[1].queue, 0);
	assert_int_equal(cfg->counters[1].serves[1].level, CONFIG_BACKUP);
	assert_int_equal(cfg->counters[1].serves[2].queue, 2);
	assert_int_equal(cfg->counters[1].serves[2].level, CONFIG_BACKUP);
	/* Counter 3: XD-HN backup as named, the others primary. */
	assert_int_equal(cfg->counters[2].nserves, 3);
	assert_int_equal(cfg->counters[2].serves[0].queue, 2);
	assert_int_equal(cfg->counters[2].serves[0].level, CONFIG_BACKUP);
	assert_int_equal(cfg->counters[2].serves[1].queue, 0);
	assert_int_equal(cfg->counters[2].serves[1].level, CONFIG_PRIMARY);
	assert_int_equal(cfg->counters[2].serves[2].queue, 1);
	assert_int_equal(cfg->counters[2].serves[2].level, CONFIG_PRIMARY);
	assert_int_equal(cfg->policy.priority_first_free, 0);
	config_free(cfg);
}

/* The counters a ticket names: its queue's primary counters, else its
 * backups; the counter it was transferred to before either. */
static void
test_ticket_counters(void **state)
{
	struct config *cfg = NULL;
	char err[256];
	int out[8], n;
	const char *text = BASE
	    "[department XD]\nname = Sở Xây dựng\n"
	    "[queue XD-GP]\nname = Cấp phép\ndepartment = XD\n"
	    "numbers = 3001-3999\ntarget_wait = 45\n"
	    "[queue XD-HN]\nname = Hạ tầng\ndepartment = XD\n"
	    "numbers = 4001-4999\ntarget_wait = 45\n"
	    "[counter 2]\ndepartment = XD\nserves = XD-GP, XD-HN:backup, TP-HT:backup\n"
	    "[counter 7]\ndepartment = XD\nserves = XD-HN:backup\n";

	(void)state;
	if (parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* TP-HT: counter 1 (primary); counter 2 backs it up, not named. */
	n = config_ticket_counters(cfg, 0, -1, out, 8);
	assert_int_equal(n, 1);
	assert_int_equal(cfg->counters[out[0]].number, 1);
	n = config_ticket_counters(cfg, 1, -1, out, 8);
	assert_int_equal(n, 1);
	assert_int_equal(cfg->counters[out[0]].number, 2);
	/* XD-HN has no primary counter: its backups, in the INI's order. */
	n = config_ticket_counters(cfg, 2, -1, out, 8);
	assert_int_equal(n, 2);
	assert_int_equal(cfg->counters[out[0]].number, 2);
	assert_int_equal(cfg->counters[out[1]].number, 7);
	assert_int_equal(config_ticket_counters(cfg, 2, -1, out, 1), 1);
	assert_int_equal(config_ticket_counters(cfg, 2, -1, out, 0), 0);
	/* Transferred to counter 7: that one only. */
	n = config_ticket_counters(cfg, 0, config_counter_index(cfg, 7), out, 8);
	assert_int_equal(n, 1);
	assert_int_equal(cfg->counters[out[0]].number, 7);
	assert_int_equal(config_ticket_counters(cfg, -1, -1, out, 8), 0);
	config_free(cfg);
}

static void
test_references(void **state)
{
	(void)state;
	expect_ini_error("[queue B]\nname = B\ndepartment = ZZ\n"
	    "numbers = 2000-2999\ntarget_wait = 20\n",
	    "t.ini:19: queue B: unknown department 'ZZ'");
	expect_ini_error("[counter 2]\ndepartment = TP\nserves = TP-HT, NOPE:backup\n",
	    "t.ini:19: counter 2: serves unknown queue 'NOPE'");
	expect_ini_error("[counter 2]\ndepartment = TP\nserves = TP-HT:standby\n",
	    "t.ini:19: counter 2: level must be primary or backup, got 'standby'");
	expect_ini_error("[counter 2]\ndepartment = TP\nserves = TP-HT, TP-HT:backup\n",
	    "t.ini:19: counter 2: queue 'TP-HT' listed twice in serves");
	expect_ini_error("[counter 2]\ndepartment = TP\nserves = *, TP-HT, *:backup\n",
	    "t.ini:19: counter 2: '*' listed twice in serves");
	expect_ini_error("[counter 2]\ndepartment = TP\nserves = *:spare\n",
	    "t.ini:19: counter 2: level must be primary or backup, got 'spare'");
	expect_ini_error("[counter 2]\ndepartment = XX\nserves = TP-HT\n",
	    "t.ini:18: counter 2: unknown department 'XX'");
	expect_ini_error("[kiosk k1]\nname = Ki-ốt\nprinter = p9\n",
	    "t.ini:19: kiosk k1: unknown printer 'p9'");
	expect_ini_error("[printer p1]\ndriver = serial\n",
	    "t.ini:17: printer p1: driver serial needs a device");
	expect_ini_error("[printer p1]\ndriver = lpt\n",
	    "t.ini:18: 'driver' must be one of: usb serial tcp file; got 'lpt'");
	expect_ini_error("[board l1/5]\nrole = number\ncounter = 1\n",
	    "t.ini:17: board l1/5: unknown line 'l1'");
	expect_ini_error("[line l1]\nport = /dev/null\n[board l1/5]\nrole = number\ncounter = 7\n",
	    "t.ini:21: board l1/5: unknown counter 7");
	expect_ini_error("[line l1]\nport = /dev/null\n[board l1/5]\nrole = caller\n",
	    "t.ini:19: board l1/5: role caller needs 'counter'");
	expect_ini_error("[line l1]\nport = /dev/null\n[board l1/300]\n",
	    "t.ini:19: board must be [board LINE/ADDRESS] with address 1-247, got 'l1/300'");
	expect_ini_error("[line l1]\nport = /dev/null\n[board l1/5]\nrole = hall\n"
	    "[board l1/05]\nrole = hall\n",
	    "t.ini:21: duplicate section [board l1/05] (first on line 19)");
	expect_ini_error("[line l1]\nport = /dev/null\nparity = X\n",
	    "t.ini:19: parity must be N, E or O, got 'X'");
}

static void
test_bad_text(void **state)
{
	struct config *cfg = (struct config *)1;
	char text[512], err[256];

	(void)state;
	expect_ini_error("[department X]\nname = S\xe1\xbb\n",
	    "t.ini:18: invalid UTF-8");
	snprintf(text, sizeof(text), "%s[department X]\nname = a", BASE);
	assert_int_equal(config_parse_ini(text, strlen(text) + 1, "t.ini",
	    &cfg, err, sizeof(err)), -1);
	assert_null(cfg);
	assert_string_equal(err, "t.ini:18: NUL byte in text");
	/* A line over the limit is refused, not split. */
	{
		size_t n = strlen(BASE);
		char *big = malloc(n + 5000);

		assert_non_null(big);
		memcpy(big, BASE, n);
		memcpy(big + n, "[department X]\nname = ", 22);
		memset(big + n + 22, 'x', 4500);
		big[n + 22 + 4500] = '\0';
		assert_int_equal(parse(big, &cfg, err, sizeof(err)), -1);
		assert_string_equal(err, "t.ini:18: line too long (more than 4000 bytes)");
		free(big);
	}
	/* A tiny error buffer is still NUL-terminated and nothing breaks. */
	assert_int_equal(parse("[x]\n", &cfg, err, 6), -1);
	assert_string_equal(err, "t.ini");
}

/* ---- catalogue ---------------------------------------------------------- */

#define CSV_HEADER "code,name,department,field,queue,target_wait_min,fee,processing_time,documents\n"

/* The base INI with a second department and queue, for catalogue tests. */
static struct config *
small_config(void)
{
	struct config *cfg = NULL;
	char err[256];
	const char *text = BASE "[department XD]\nname = Sở Xây dựng\n"
	    "[queue XD-GP]\nname = Cấp phép\ndepartment = XD\n"
	    "numbers = 3001-3999\ntarget_wait = 45\n";

	if (parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return cfg;
}

/* Expect csv to fail with message want and return nothing. */
static void
expect_csv_error(const char *csv, const char *want)
{
	struct config *cfg = small_config();
	struct config_procedure *p = (struct config_procedure *)1;
	int n = 7;
	char err[512];

	assert_int_equal(config_parse_catalogue(cfg, csv, strlen(csv), "c.csv",
	    &p, &n, err, sizeof(err)), -1);
	assert_null(p);
	assert_int_equal(n, 0);
	if (strcmp(err, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", err, want);
	config_free(cfg);
}

static void
test_csv_quoted(void **state)
{
	struct config *cfg = small_config();
	struct config_procedure *p = NULL;
	int n = 0;
	char err[512];
	const char *csv = "\xef\xbb\xbf" CSV_HEADER
	    "1.000001,Đăng ký khai sinh,TP,Hộ tịch,TP-HT,,Miễn phí,Trong ngày,Tờ khai\n"
	    "1.000002,\"Cấp giấy phép xây dựng, sửa chữa\",XD,Xây dựng,XD-GP,20,"
	    "\"50.000 đồng/lần\",\"15 ngày\nlàm việc\",\"Bản vẽ \"\"A3\"\"; Tờ khai\"\n"
	    "\n"
	    "1.000003,Ca\xcc\x82\xcc\x81p la\xcc\xa3i,TP,,TP-HT, 30 ,,,\n";

	(void)state;
	if (config_parse_catalogue(cfg, csv, strlen(csv), "c.csv", &p, &n, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(n, 3);
	assert_string_equal(p[0].name, "Đăng ký khai sinh");
	assert_string_equal(p[0].folded, "dang ky khai sinh");
	assert_int_equal(p[0].target_wait_min, 0);
	assert_int_equal(p[0].line, 2);
	assert_string_equal(p[1].name, "Cấp giấy phép xây dựng, sửa chữa");
	assert_string_equal(p[1].processing_time, "15 ngày\nlàm việc");
	assert_string_equal(p[1].documents, "Bản vẽ \"A3\"; Tờ khai");
	assert_int_equal(p[1].department, 1);
	assert_int_equal(p[1].queue, 1);
	assert_int_equal(p[1].target_wait_min, 20);
	assert_int_equal(p[1].line, 3);
	assert_string_equal(p[2].name, "Cấp lại");          /* NFD -> NFC */
	assert_string_equal(p[2].folded, "cap lai");
	assert_int_equal(p[2].target_wait_min, 30);
	assert_int_equal(p[2].line, 6);
	config_procedures_free(p, n);
	config_free(cfg);
}

static void
test_csv_bad_rows(void **state)
{
	char *big;

	(void)state;
	/* Every field is bounded: a 3.9 MB name is refused, with its size. */
	big = malloc(4u << 20);
	assert_non_null(big);
	memcpy(big, CSV_HEADER "1.1,", strlen(CSV_HEADER "1.1,"));
	memset(big + strlen(CSV_HEADER "1.1,"), 'a', 3900000);
	strcpy(big + strlen(CSV_HEADER "1.1,") + 3900000, ",TP,f,TP-HT,,,,\n");
	expect_csv_error(big, "c.csv:2: cột 'name' dài 3900000 byte, quá giới "
	    "hạn 600 byte");
	free(big);
	/* A quoted field spanning lines 3-4 must not shift the count. */
	expect_csv_error(CSV_HEADER
	    "1.1,A,TP,f,TP-HT,,,,\n"
	    "1.2,\"B\nb\",TP,f,TP-HT,,,,\n"
	    "1.3,C,ZZ,f,TP-HT,,,,\n",
	    "c.csv:5: thủ tục 1.3: không có sở, ngành 'ZZ'");
	expect_csv_error(CSV_HEADER "1.1,A,TP,f,NOPE,,,,\n",
	    "c.csv:2: thủ tục 1.1: không có hàng đợi 'NOPE'");
	expect_csv_error(CSV_HEADER "1.1,A,TP,f,XD-GP,,,,\n",
	    "c.csv:2: thủ tục 1.1: hàng đợi XD-GP thuộc XD, không thuộc TP");
	expect_csv_error(CSV_HEADER "1.1,A,TP,f,TP-HT,,,,\n1.2, ,TP,f,TP-HT,,,,\n",
	    "c.csv:3: thủ tục 1.2: tên trống");
	expect_csv_error(CSV_HEADER "1.1,A,TP,f,TP-HT,,,,\n1.2,B,TP,f,TP-HT,,,,\n"
	    "1.1,C,TP,f,TP-HT,,,,\n",
	    "c.csv:4: mã thủ tục '1.1' lặp lại (đã có ở dòng 2)");
	expect_csv_error(CSV_HEADER "1.1,A\xff,TP,f,TP-HT,,,,\n",
	    "c.csv:2: cột 'name' không phải UTF-8 hợp lệ");
	expect_csv_error(CSV_HEADER "1.1,A,TP,f,TP-HT,,,\n",
	    "c.csv:2: cần 9 trường, có 8");
	expect_csv_error(CSV_HEADER "1.1,A,TP,f,TP-HT,,,,,\n",
	    "c.csv:2: cần 9 trường, có 10");
	expect_csv_error(CSV_HEADER "1.1,A,TP,f,TP-HT,15p,,,\n",
	    "c.csv:2: thủ tục 1.1: target_wait_min phải để trống hoặc là số phút 1-720, không phải '15p'");
	expect_csv_error(CSV_HEADER "1 1,A,TP,f,TP-HT,,,,\n",
	    "c.csv:2: mã thủ tục '1 1' không hợp lệ (1-32 ký tự A-Z a-z 0-9 _ - .)");
	expect_csv_error(CSV_HEADER "1.1,A,TP,f,TP-HT,,,,\n1.2,\"B,TP,f,TP-HT,,,,\n",
	    "c.csv:3: CSV syntax: unterminated quoted field in the row starting here");
	expect_csv_error(CSV_HEADER "1.1,A\"x\",TP,f,TP-HT,,,,\n",
	    "c.csv:2: CSV syntax: error parsing data while strict checking enabled");
	expect_csv_error("code,name,department,field,queue,fee,processing_time,documents\n",
	    "c.csv:1: dòng tiêu đề thiếu cột 'target_wait_min' (cần: code, name, department, "
	    "field, queue, target_wait_min, fee, processing_time, documents)");
	expect_csv_error("code,name,colour\n", "c.csv:1: dòng tiêu đề có cột 'colour' không biết");
	expect_csv_error("", "c.csv:1: no header row (need: code, name, department, "
	    "field, queue, target_wait_min, fee, processing_time, documents)");
}

static void
test_csv_header_order(void **state)
{
	struct config *cfg = small_config();
	struct config_procedure *p = NULL;
	int n = 0;
	char err[256];
	const char *csv = "name,code,queue,department,field,fee,documents,"
	    "processing_time,target_wait_min\r\n"
	    "Cấp phép,9.1,XD-GP,XD,Xây dựng,Miễn phí,Tờ khai,05 ngày,25\r\n";

	(void)state;
	if (config_parse_catalogue(cfg, csv, strlen(csv), "c.csv", &p, &n, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].code, "9.1");
	assert_string_equal(p[0].fee, "Miễn phí");
	assert_int_equal(p[0].target_wait_min, 25);
	config_procedures_free(p, n);
	config_free(cfg);
}

/* The optional keywords column: loaded, normalised, folded, bounded. */
static void
test_csv_keywords(void **state)
{
	struct config *cfg = small_config();
	struct config_procedure *p = NULL;
	int n = 0;
	char err[512], many[2048], csv[4096];
	const char *ok = "code,name,department,field,queue,target_wait_min,fee,"
	    "processing_time,documents,keywords\n"
	    "1.1,Đăng ký kết hôn,TP,Hộ tịch,TP-HT,,,,, giấy kết hôn ;cưới\n"
	    "1.2,Cấp phép,XD,Xây dựng,XD-GP,,,,,\n"
	    "1.3,Cấp sổ,TP,Hộ tịch,TP-HT,,,,,so\xcc\x82\xcc\x89 đo\xcc\x89\n";
	int i;

	(void)state;
	if (config_parse_catalogue(cfg, ok, strlen(ok), "c.csv", &p, &n, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(n, 3);
	assert_string_equal(p[0].keywords, "giấy kết hôn; cưới");
	assert_string_equal(p[0].folded_keywords, "giay ket hon;cuoi");
	assert_string_equal(p[0].folded_field, "ho tich");
	assert_string_equal(p[1].keywords, "");
	assert_string_equal(p[1].folded_keywords, "");
	assert_string_equal(p[2].keywords, "sổ đỏ");           /* NFD -> NFC */
	config_procedures_free(p, n);
	config_free(cfg);

#define KW_HEADER "code,name,department,field,queue,target_wait_min,fee," \
	"processing_time,documents,keywords\n"
	expect_csv_error(KW_HEADER "1.1,A,TP,f,TP-HT,,,,,a;;b\n",
	    "c.csv:2: thủ tục 1.1: có từ khoá trống (các từ khoá cách nhau bằng ';')");
	expect_csv_error(KW_HEADER "1.1,A,TP,f,TP-HT,,,,,a;\n",
	    "c.csv:2: thủ tục 1.1: có từ khoá trống (các từ khoá cách nhau bằng ';')");
	expect_csv_error(KW_HEADER "1.1,A,TP,f,TP-HT,,,,,a; --- \n",
	    "c.csv:2: thủ tục 1.1: từ khoá '---' không có chữ hay số");
	memset(many, 'x', 101);
	many[101] = '\0';
	snprintf(csv, sizeof(csv), KW_HEADER "1.1,A,TP,f,TP-HT,,,,,%s\n", many);
	expect_csv_error(csv, "c.csv:2: thủ tục 1.1: từ khoá thứ 1 dài quá "
	    "100 byte");
	many[0] = '\0';
	for (i = 0; i < 17; i++)
		strcat(many, i ? ";k" : "k");
	snprintf(csv, sizeof(csv), KW_HEADER "1.1,A,TP,f,TP-HT,,,,,%s\n", many);
	expect_csv_error(csv, "c.csv:2: thủ tục 1.1: quá 16 từ khoá");
	expect_csv_error(KW_HEADER "1.1,A,TP,f,TP-HT,,,,,\xff\n",
	    "c.csv:2: cột 'keywords' không phải UTF-8 hợp lệ");
	expect_csv_error("code,name,department,field,queue,target_wait_min,fee,"
	    "processing_time,documents,keywords,keywords\n",
	    "c.csv:1: dòng tiêu đề có cột 'keywords' lặp lại");
}

static void
test_load_errors(void **state)
{
	struct config *cfg = (struct config *)1;
	char err[512];

	(void)state;
	assert_int_equal(config_load("/nonexistent/centre.ini", &cfg, err,
	    sizeof(err)), -1);
	assert_null(cfg);
	assert_non_null(strstr(err, "/nonexistent/centre.ini: cannot read"));
}

/* Two configs are the same for everything the INI says. */
static void
assert_same_config(const struct config *a, const struct config *b)
{
	char *ta = config_write_ini(a, NULL, 0), *tb = config_write_ini(b, NULL, 0);

	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
}

/*
 * The live configuration written back as INI parses to the same
 * configuration (demo and production), and overrides go through the INI's
 * own checks: a good one changes exactly its key, a bad value, an unknown
 * section or key, or a line break is refused with a message.
 */
static void
test_write_and_override(void **state)
{
	static const char *const files[] = { "config/demo/centre.ini",
		"config/production/centre.ini" };
	char path[1024], err[512];
	struct config *cfg = NULL, *again = NULL, *x = NULL;
	char *text;
	size_t f;
	int c;

	(void)state;
	for (f = 0; f < sizeof files / sizeof files[0]; f++) {
		snprintf(path, sizeof(path), "%s/%s", root(), files[f]);
		if (config_load(path, &cfg, err, sizeof(err)) != 0)
			fail_msg("%s: %s", files[f], err);
		text = config_write_ini(cfg, NULL, 0);
		if (config_parse_ini(text, strlen(text), "written", &again, err, sizeof err) != 0)
			fail_msg("%s written back: %s", files[f], err);
		assert_int_equal(again->nqueues, cfg->nqueues);
		assert_int_equal(again->ncounters, cfg->ncounters);
		assert_int_equal(again->nboards, cfg->nboards);
		for (c = 0; c < cfg->ncounters; c++) {
			assert_int_equal(again->counters[c].nserves, cfg->counters[c].nserves);
			assert_string_equal(again->counters[c].name, cfg->counters[c].name);
		}
		assert_same_config(cfg, again);
		free(text);
		config_free(again);
		again = NULL;
		if (f == 0)
			break;   /* keep the demo for the overrides */
		config_free(cfg);
	}

	{
		const struct config_override ok[] = {
			{ "counter 3", "name", "Quầy tiếp nhận 3" },
			{ "counter 3", "area", "Khu B" },
			{ "counter 3", "serves", "TP-HT, TP-LL:backup" },
			{ "queue TP-HT", "target_wait", "25" },
			{ "policy", "priority_interleave", "4" },
			{ "department TP", "name", "Sở Tư pháp tỉnh" },
		};
		int ci = config_counter_index(cfg, 3), qi = config_queue_index(cfg, "TP-HT");

		assert_int_equal(config_with_overrides(cfg, ok, 6, &x, err, sizeof err), 0);
		assert_string_equal(x->counters[ci].name, "Quầy tiếp nhận 3");
		assert_string_equal(x->counters[ci].area, "Khu B");
		assert_int_equal(x->counters[ci].nserves, 2);
		assert_int_equal(x->counters[ci].serves[1].level, CONFIG_BACKUP);
		assert_int_equal(x->queues[qi].target_wait_min, 25);
		assert_int_equal(x->policy.priority_interleave, 4);
		assert_string_equal(x->departments[config_department_index(cfg, "TP")].name,
		    "Sở Tư pháp tỉnh");
		assert_string_equal(x->path, cfg->path);
		assert_int_equal(x->nprocedures, 0);
		/* Everything else as it was. */
		free(x->counters[ci].name);
		free(x->counters[ci].area);
		free(x->departments[config_department_index(cfg, "TP")].name);
		x->counters[ci] = cfg->counters[ci];
		x->queues[qi].target_wait_min = cfg->queues[qi].target_wait_min;
		x->policy.priority_interleave = cfg->policy.priority_interleave;
		x->departments[config_department_index(cfg, "TP")].name =
		    cfg->departments[config_department_index(cfg, "TP")].name;
		assert_same_config(cfg, x);
		memset(&x->counters[ci], 0, sizeof x->counters[ci]);
		x->departments[config_department_index(cfg, "TP")].name = NULL;
		config_free(x);
		x = NULL;
	}
	{
		static const struct {
			struct config_override o;
			const char *want;
		} bad[] = {
			{ { "counter 3", "serves", "KHONG-CO" }, "unknown queue" },
			{ { "queue TP-HT", "target_wait", "0" }, "target_wait" },
			{ { "queue TP-HT", "numbers", "2001-2100" }, "overlap" },
			{ { "counter 3", "colour", "red" }, "no such section or key" },
			{ { "counter 100", "name", "x" }, "no such section or key" },
			{ { "queue NOPE", "name", "x" }, "no such section or key" },
			{ { "counter 3", "name", "a\nb" }, "line break" },
			{ { "policy", "daily_reset", "perhaps" }, "daily_reset" },
		};
		size_t i;

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			x = (struct config *)1;
			assert_int_equal(config_with_overrides(cfg, &bad[i].o, 1, &x, err,
			    sizeof err), -1);
			assert_null(x);
			if (strstr(err, bad[i].want) == NULL)
				fail_msg("override %zu: \"%s\" does not say \"%s\"", i, err,
				    bad[i].want);
		}
	}
	{
		/* The catalogue written back parses to the same procedures. */
		struct config_procedure *procs = NULL;
		int np = 0, i;

		text = config_write_catalogue(cfg, cfg->procedures, cfg->nprocedures);
		if (config_parse_catalogue(cfg, text, strlen(text), "written", &procs, &np,
		    err, sizeof err) != 0)
			fail_msg("catalogue written back: %s", err);
		assert_int_equal(np, cfg->nprocedures);
		for (i = 0; i < np; i++) {
			assert_string_equal(procs[i].code, cfg->procedures[i].code);
			assert_string_equal(procs[i].name, cfg->procedures[i].name);
			assert_string_equal(procs[i].keywords, cfg->procedures[i].keywords);
			assert_string_equal(procs[i].documents, cfg->procedures[i].documents);
			assert_string_equal(procs[i].fee, cfg->procedures[i].fee);
			assert_int_equal(procs[i].queue, cfg->procedures[i].queue);
			assert_int_equal(procs[i].target_wait_min, cfg->procedures[i].target_wait_min);
		}
		config_procedures_free(procs, np);
		free(text);
	}
	config_free(cfg);
}

/* [sms]: absent means no SMS; present, its keys with their defaults and
 * ranges; a queue may set its own near_ahead. */
static void
test_sms_section(void **state)
{
	char text[4096], err[512];
	struct config *cfg;

	(void)state;
	assert_int_equal(parse(BASE, &cfg, err, sizeof err), 0);
	assert_null(cfg->sms.url);
	assert_int_equal(cfg->queues[0].sms_near_ahead, -1);
	config_free(cfg);
	snprintf(text, sizeof text, "%s\n[sms]\nurl = http://127.0.0.1:13013/cgi-bin/sendsms\n"
	    "username = u\npassword = p\n", BASE);
	assert_int_equal(parse(text, &cfg, err, sizeof err), 0);
	assert_string_equal(cfg->sms.url, "http://127.0.0.1:13013/cgi-bin/sendsms");
	assert_true(cfg->sms.enabled);
	assert_int_equal(cfg->sms.near_ahead, 3);
	assert_int_equal(cfg->sms.keep_days, 2);
	assert_int_equal(cfg->sms.max_age_min, 120);
	assert_int_equal(cfg->sms.retry_max_s, 300);
	assert_int_equal(cfg->sms.timeout_s, 10);
	config_free(cfg);
	snprintf(text, sizeof text, "%s\n[sms]\nurl = http://x/\nusername = u\n"
	    "password = p\nkeep_days = 0\n", BASE);
	assert_int_equal(parse(text, &cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, "keep_days"));
	snprintf(text, sizeof text, "%s\n[sms]\nurl = ftp://x/\nusername = u\n"
	    "password = p\n", BASE);
	assert_int_equal(parse(text, &cfg, err, sizeof err), -1);
	assert_string_equal(err, "t.ini:19: [sms] url must start with http:// or https://"
	    " (Kannel's sendsms URL)");
	snprintf(text, sizeof text, "%s\n[sms]\nusername = u\npassword = p\n", BASE);
	assert_int_equal(parse(text, &cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, "url"));
	snprintf(text, sizeof text, "[centre]\nname = T\ncatalogue = p.csv\n"
	    "[department TP]\nname = S\n[queue TP-HT]\nname = H\ndepartment = TP\n"
	    "numbers = 1001-1999\ntarget_wait = 30\nsms_near_ahead = 5\n"
	    "[counter 1]\ndepartment = TP\nserves = TP-HT\n");
	assert_int_equal(parse(text, &cfg, err, sizeof err), 0);
	assert_int_equal(cfg->queues[0].sms_near_ahead, 5);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_loads),
		cmocka_unit_test(test_sms_section),
		cmocka_unit_test(test_minimal_and_defaults),
		cmocka_unit_test(test_unknown_key_and_section),
		cmocka_unit_test(test_key_outside_section),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_open_hours),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_serves_star),
		cmocka_unit_test(test_ticket_counters),
		cmocka_unit_test(test_bad_text),
		cmocka_unit_test(test_csv_quoted),
		cmocka_unit_test(test_csv_bad_rows),
		cmocka_unit_test(test_csv_header_order),
		cmocka_unit_test(test_csv_keywords),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_write_and_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
