/*
 * test_pwcheck.c - password checks on the worker thread: right and wrong
 * passwords against real argon2id hashes, answers on the loop's thread in
 * the order asked, jobs still queued at stop answered "no", each lane
 * bounded (a full lane refuses at once), and the first lane checked before
 * the second.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <string.h>

#include <sodium.h>

#include "core/loop.h"
#include "daemon/http/pwcheck.h"

static char hash[crypto_pwhash_STRBYTES];
static int answers[64], nanswers;
static pthread_t loop_thread;

static void
on_done(void *arg, int ok)
{
	assert_true(pthread_equal(pthread_self(), loop_thread));
	answers[nanswers++] = (int)(intptr_t)arg * 10 + ok;
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	loop_thread = pthread_self();
	return crypto_pwhash_str(hash, "mật khẩu đúng", strlen("mật khẩu đúng"),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

static void
test_checks_answer_in_order_on_the_loop(void **state)
{
	loop *l = loop_new();
	pwcheck *p = pwcheck_start(l);
	int turns;

	(void)state;
	nanswers = 0;
	assert_int_equal(pwcheck_submit(p, hash, "mật khẩu đúng", PWCHECK_OTHER, on_done, (void *)1), 0);
	assert_int_equal(pwcheck_submit(p, hash, "sai", PWCHECK_OTHER, on_done, (void *)2), 0);
	assert_int_equal(pwcheck_submit(p, "not a hash", "mật khẩu đúng", PWCHECK_OTHER, on_done, (void *)3), 0);
	assert_int_equal(pwcheck_submit(p, hash, "mật khẩu đúng", PWCHECK_OTHER, on_done, (void *)4), 0);
	for (turns = 0; nanswers < 4 && turns < 100000; turns++)
		loop_run_once(l, 1000);
	assert_int_equal(nanswers, 4);
	assert_int_equal(answers[0], 11);
	assert_int_equal(answers[1], 20);
	assert_int_equal(answers[2], 30);
	assert_int_equal(answers[3], 41);
	pwcheck_stop(p);
	loop_free(l);
}

static void
test_stop_answers_pending_jobs_with_no(void **state)
{
	loop *l = loop_new();
	pwcheck *p = pwcheck_start(l);
	int i;

	(void)state;
	nanswers = 0;
	for (i = 0; i < 6; i++)
		assert_int_equal(pwcheck_submit(p, hash, "mật khẩu đúng", PWCHECK_OTHER, on_done,
		    (void *)5), 0);
	pwcheck_stop(p);
	/* Every job is answered exactly once, by its check or by the stop. */
	assert_int_equal(nanswers, 6);
	for (i = 0; i < 6; i++)
		assert_true(answers[i] == 50 || answers[i] == 51);
	loop_free(l);
}

static void
test_lanes_bounded_first_lane_first(void **state)
{
	loop *l = loop_new();
	pwcheck *p = pwcheck_start(l);
	int i, k, turns;

	(void)state;
	nanswers = 0;
	pwcheck_test_hold(p, 1);
	/* Filled last lane first: the order of the answers is the lanes'. */
	for (k = PWCHECK_LANES - 1; k >= 0; k--) {
		for (i = 0; i < PWCHECK_QUEUE_MAX; i++)
			assert_int_equal(pwcheck_submit(p, hash, k == PWCHECK_OTHER ?
			    "sai" : "mật khẩu đúng", (enum pwcheck_lane)k, on_done,
			    (void *)(intptr_t)(k + 1)), 0);
		/* A full lane refuses at once; done is never called for it. */
		assert_int_equal(pwcheck_submit(p, hash, "sai", (enum pwcheck_lane)k,
		    on_done, (void *)9), -1);
	}
	pwcheck_test_hold(p, 0);
	for (turns = 0; nanswers < PWCHECK_LANES * PWCHECK_QUEUE_MAX &&
	    turns < 100000; turns++)
		loop_run_once(l, 1000);
	assert_int_equal(nanswers, PWCHECK_LANES * PWCHECK_QUEUE_MAX);
	for (i = 0; i < nanswers; i++) {
		k = i / PWCHECK_QUEUE_MAX;
		assert_int_equal(answers[i], (k + 1) * 10 + (k != PWCHECK_OTHER));
	}
	/* Room again once checked. */
	assert_int_equal(pwcheck_submit(p, hash, "sai", PWCHECK_OTHER, on_done,
	    (void *)2), 0);
	pwcheck_stop(p);
	loop_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks_answer_in_order_on_the_loop),
		cmocka_unit_test(test_stop_answers_pending_jobs_with_no),
		cmocka_unit_test(test_lanes_bounded_first_lane_first),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
