/*
 * test_core.c - the core's group commit on the demo centre and a real sqlite
 * file: nothing is committed (or reported committed) before core_flush, the
 * after-commit callbacks and the event listeners run once per batch in order,
 * and a batch whose commit really fails (the file size limit is lowered under
 * the write-ahead log, so sqlite's write gets EFBIG) has no effect at all:
 * the engine is rebuilt from the store and the next command behaves as if the
 * failed batch had never been.
 *
 * Run from the repository root (make does), or set ONESTOP_ROOT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/core.h"
#include "core/engine.h"
#include "core/store.h"

static char tmpdir[] = "/tmp/onestop-test-core-XXXXXX";
static char dbpath[300];

struct rec {
	int commits_ok, commits_failed;
	int nevents;
	int64_t ids[64];
	enum engine_event_type types[64];
};

static void
on_commit(void *arg, int ok)
{
	struct rec *r = arg;

	if (ok)
		r->commits_ok++;
	else
		r->commits_failed++;
}

static void
on_event(void *arg, const struct engine_event *ev)
{
	struct rec *r = arg;

	if (r->nevents < 64) {
		r->ids[r->nevents] = ev->id;
		r->types[r->nevents] = ev->type;
	}
	r->nevents++;
}

static core *
open_core(store **stp)
{
	const char *root = getenv("ONESTOP_ROOT");
	struct config *cfg;
	char path[600], err[512];
	core *c;

	snprintf(path, sizeof path, "%s/config/demo/centre.ini", root ? root : ".");
	if (config_load(path, &cfg, err, sizeof err) != 0)
		fail_msg("%s", err);
	*stp = store_open(dbpath, cfg, err, sizeof err);
	assert_non_null(*stp);
	c = core_new(cfg, *stp, err, sizeof err);
	assert_non_null(c);
	return c;
}

static struct engine_cmd
cmd_of(enum engine_cmd_type type, const struct config *cfg, const char *queue, int counter_number)
{
	struct engine_cmd cmd = engine_cmd_make(type);

	cmd.channel = ENGINE_CH_API;

	if (queue != NULL)
		cmd.queue = config_queue_index(cfg, queue);
	if (counter_number > 0)
		cmd.counter = config_counter_index(cfg, counter_number);
	return cmd;
}

static void
test_batch_is_invisible_until_flushed(void **state)
{
	struct engine_result res;
	struct engine_cmd cmd;
	struct rec rec = { 0 };
	store *st;
	core *c;
	int64_t before;
	int i;

	(void)state;
	unlink(dbpath);
	c = open_core(&st);
	core_add_listener(c, on_event, &rec);
	before = core_committed_event_id(c);
	assert_false(core_in_batch(c));

	cmd = cmd_of(ENGINE_COUNTER_OPEN, core_config(c), NULL, 1);
	assert_int_equal(core_exec(c, &cmd, &res), 0);
	for (i = 0; i < 3; i++) {
		cmd = cmd_of(ENGINE_ISSUE, core_config(c), "TP-LL", 0);
		assert_int_equal(core_exec(c, &cmd, &res), 0);
	}
	core_after_commit(c, on_commit, &rec);
	core_after_commit(c, on_commit, &rec);

	/* Nothing is committed, reported or heard of yet. */
	assert_true(core_in_batch(c));
	assert_int_equal(core_committed_event_id(c), before);
	assert_int_equal(rec.commits_ok, 0);
	assert_int_equal(rec.nevents, 0);

	core_flush(c);
	assert_false(core_in_batch(c));
	assert_int_equal(rec.commits_ok, 2);
	assert_int_equal(rec.commits_failed, 0);
	/* One open + three issues, in order, with increasing ids. */
	assert_int_equal(rec.nevents, 4);
	assert_int_equal(rec.types[0], ENGINE_EV_COUNTER_OPENED);
	for (i = 1; i < 4; i++) {
		assert_int_equal(rec.types[i], ENGINE_EV_ISSUED);
		assert_true(rec.ids[i] == rec.ids[i - 1] + 1);
	}
	assert_true(core_committed_event_id(c) == rec.ids[3]);

	/* A second flush with nothing in the batch tells nobody anything. */
	core_flush(c);
	assert_int_equal(rec.commits_ok, 2);
	assert_int_equal(rec.nevents, 4);

	/* A listener taken back hears no more. */
	core_remove_listener(c, on_event, &rec);
	cmd = cmd_of(ENGINE_ISSUE, core_config(c), "TP-LL", 0);
	assert_int_equal(core_exec(c, &cmd, &res), 0);
	core_flush(c);
	assert_int_equal(rec.nevents, 4);
	core_free(c);
	store_close(st);
}

/*
 * Ticket codes: 10 characters of the alphabet, each letter as likely as any
 * other.  5,000 codes are 50,000 letters; a chi-square over the 31 letters
 * above 80 (30 degrees of freedom: about one uniform run in a million) says
 * the draw is biased, as "random byte % 31" would be (its first 8 letters
 * an eighth more likely: a chi-square near 140 here).
 */
static void
test_ticket_codes_are_uniform(void **state)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	const struct config *cfg;
	struct engine_result res;
	struct engine_cmd cmd;
	long count[31] = { 0 }, letters = 0;
	double chi = 0, expect;
	store *st;
	core *c;
	int i, q, issued = 0;

	(void)state;
	unlink(dbpath);
	c = open_core(&st);
	cfg = core_config(c);
	for (i = 0; issued < 5000 && i < 20000; i++) {
		const struct engine_ticket *t;
		const char *p;

		q = i % cfg->nqueues;
		cmd = cmd_of(ENGINE_ISSUE, cfg, cfg->queues[q].code, 0);
		if (core_exec(c, &cmd, &res) != 0)
			continue;             /* that queue's numbers are used up */
		t = engine_ticket_by_id(core_engine(c), res.ticket);
		assert_non_null(t);
		assert_int_equal(strlen(t->code), ENGINE_CODE_LEN);
		for (p = t->code; *p != '\0'; p++) {
			const char *at = strchr(alphabet, *p);

			assert_non_null(at);
			count[at - alphabet]++;
			letters++;
		}
		issued++;
	}
	core_flush(c);
	assert_int_equal(issued, 5000);
	expect = (double)letters / 31;
	for (i = 0; i < 31; i++)
		chi += (count[i] - expect) * (count[i] - expect) / expect;
	assert_true(chi < 80);
	core_free(c);
	store_close(st);
}

/* The size of the write-ahead log now. */
static off_t
wal_size(void)
{
	char p[320];
	struct stat sb;

	snprintf(p, sizeof p, "%s-wal", dbpath);
	return stat(p, &sb) == 0 ? sb.st_size : 0;
}

static void
test_failed_commit_has_no_effect(void **state)
{
	struct engine_result res;
	struct engine_cmd cmd;
	struct rec rec = { 0 };
	struct rlimit old, lim;
	const struct engine_ticket *t;
	int64_t committed, failed_id;
	int first_number, failed_number;
	store *st;
	core *c;

	(void)state;
	unlink(dbpath);
	c = open_core(&st);
	core_add_listener(c, on_event, &rec);
	cmd = cmd_of(ENGINE_ISSUE, core_config(c), "TP-HT", 0);
	assert_int_equal(core_exec(c, &cmd, &res), 0);
	first_number = engine_ticket_by_id(core_engine(c), res.ticket)->number;
	core_flush(c);
	committed = core_committed_event_id(c);
	assert_int_equal(rec.nevents, 1);

	/* The next batch: one more ticket, whose commit cannot be written. */
	cmd = cmd_of(ENGINE_ISSUE, core_config(c), "TP-HT", 0);
	assert_int_equal(core_exec(c, &cmd, &res), 0);
	failed_id = res.ticket;
	failed_number = engine_ticket_by_id(core_engine(c), failed_id)->number;
	assert_int_equal(failed_number, first_number + 1);
	core_after_commit(c, on_commit, &rec);

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)wal_size();
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	core_flush(c);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);

	assert_int_equal(rec.commits_failed, 1);
	assert_int_equal(rec.commits_ok, 0);
	/* GET /metrics counts it apart from the commits that worked. */
	assert_int_equal(core_metrics(c)->commit_failures, 1);
	assert_int_equal(core_metrics(c)->commits, 1);
	/* Listeners never heard of the failed batch. */
	assert_int_equal(rec.nevents, 1);
	assert_true(core_committed_event_id(c) == committed);
	/* The engine forgot the ticket: it was never shown to anyone, so its
	   number is free again, and the next ticket takes it. */
	assert_null(engine_ticket_by_id(core_engine(c), failed_id));
	assert_int_equal(engine_waiting_count(core_engine(c),
	    config_queue_index(core_config(c), "TP-HT")), 1);
	cmd = cmd_of(ENGINE_ISSUE, core_config(c), "TP-HT", 0);
	assert_int_equal(core_exec(c, &cmd, &res), 0);
	t = engine_ticket_by_id(core_engine(c), res.ticket);
	assert_int_equal(t->number, failed_number);
	core_flush(c);
	assert_int_equal(rec.nevents, 2);
	core_free(c);
	store_close(st);

	/* And the file agrees after a restart. */
	c = open_core(&st);
	assert_int_equal(engine_waiting_count(core_engine(c),
	    config_queue_index(core_config(c), "TP-HT")), 2);
	core_free(c);
	store_close(st);
}

static void
test_refused_command_leaves_the_batch_closed(void **state)
{
	struct engine_result res;
	struct engine_cmd cmd;
	store *st;
	core *c;
	int rc;

	(void)state;
	unlink(dbpath);
	c = open_core(&st);
	/* Calling at a closed counter is refused by the engine... */
	cmd = cmd_of(ENGINE_CALL_NEXT, core_config(c), NULL, 1);
	rc = core_exec(c, &cmd, &res);
	assert_int_equal(rc, -ENGINE_ECLOSED);
	assert_int_equal(res.nevents, 0);
	/* ...and commits nothing (an empty batch commits fine). */
	core_flush(c);
	assert_false(core_in_batch(c));
	assert_int_equal(core_committed_event_id(c), 0);
	core_free(c);
	store_close(st);
}

/* What GET /metrics reads: commands by type and result, commit times. */
static void
test_metrics_count_commands_and_commits(void **state)
{
	const struct core_metrics *m;
	struct engine_result res;
	struct engine_cmd cmd;
	uint64_t n = 0;
	store *st;
	core *c;
	int i;

	(void)state;
	unlink(dbpath);
	c = open_core(&st);
	m = core_metrics(c);
	for (i = 0; i < 3; i++) {
		cmd = cmd_of(ENGINE_ISSUE, core_config(c), "TP-HT", 0);
		assert_int_equal(core_exec(c, &cmd, &res), 0);
		core_flush(c);
	}
	cmd = cmd_of(ENGINE_CALL_NEXT, core_config(c), NULL, 1);
	assert_int_equal(core_exec(c, &cmd, &res), -ENGINE_ECLOSED);
	core_flush(c);
	assert_int_equal(m->cmd_ok[ENGINE_ISSUE], 3);
	assert_int_equal(m->cmd_refused[ENGINE_ISSUE], 0);
	assert_int_equal(m->cmd_refused[ENGINE_CALL_NEXT], 1);
	assert_int_equal(m->cmd_ok[ENGINE_CALL_NEXT], 0);
	assert_int_equal(m->cmd_failed[ENGINE_ISSUE], 0);
	/* Four batches (the refused command's is empty), each in one bucket. */
	assert_int_equal(m->commits, 4);
	for (i = 0; i <= CORE_COMMIT_BOUNDS; i++)
		n += m->commit_bucket[i];
	assert_int_equal(n, 4);
	assert_true(m->commit_sum_s > 0.0);
	for (i = 1; i < CORE_COMMIT_BOUNDS; i++)
		assert_true(core_commit_bounds[i] > core_commit_bounds[i - 1]);
	core_free(c);
	store_close(st);
}

/* Read a whole small file into buf; its length, or -1. */
static long
slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (long)n;
}

/*
 * A catalogue import: an empty one is refused and changes nothing (neither
 * the catalogue nor its file); a good one replaces both, the file only
 * after the replace, whole.
 */
static void
test_import_catalogue(void **state)
{
	static const char header[] = "code,name,department,field,queue,"
	    "target_wait_min,fee,processing_time,documents\n";
	static const char one[] = "code,name,department,field,queue,"
	    "target_wait_min,fee,processing_time,documents\n"
	    "T.1,Đăng ký khai sinh,TP,Hộ tịch,TP-HT,,,,\n";
	char path[320], buf[512], err[512];
	struct config *cfg;
	store *st;
	core *c;
	int n = -1, before;

	(void)state;
	c = open_core(&st);
	cfg = (struct config *)core_config(c);
	snprintf(path, sizeof path, "%s/catalogue.csv", tmpdir);
	free(cfg->catalogue_path);
	cfg->catalogue_path = strdup(path);
	assert_non_null(cfg->catalogue_path);
	before = cfg->nprocedures;
	assert_true(before > 1000);

	assert_int_equal(core_import_catalogue(c, header, strlen(header), &n,
	    err, sizeof err), -CORE_EBADINPUT);
	assert_non_null(strstr(err, "không có thủ tục nào"));
	assert_int_equal(core_config(c)->nprocedures, before);
	assert_int_equal(slurp(path, buf, sizeof buf), -1);   /* no file made */

	assert_int_equal(core_import_catalogue(c, one, strlen(one), &n, err,
	    sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(core_config(c)->nprocedures, 1);
	assert_int_equal(slurp(path, buf, sizeof buf), (long)strlen(one));
	assert_string_equal(buf, one);
	snprintf(buf, sizeof buf, "%s.new", path);
	assert_int_equal(access(buf, F_OK), -1);              /* renamed away */
	core_free(c);
	store_close(st);
	unlink(path);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/core.db", tmpdir);
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	return 0;
}

static int
teardown(void **state)
{
	char p[320];

	(void)state;
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	rmdir(tmpdir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_is_invisible_until_flushed),
		cmocka_unit_test(test_failed_commit_has_no_effect),
		cmocka_unit_test(test_refused_command_leaves_the_batch_closed),
		cmocka_unit_test(test_metrics_count_commands_and_commits),
		cmocka_unit_test(test_import_catalogue),
		cmocka_unit_test(test_ticket_codes_are_uniform),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
