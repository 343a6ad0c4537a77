/*
 * test_worker.c - the worker thread of core/worker.h: jobs run on the worker
 * and are done on the loop's thread in the order they ran; a lane is taken
 * before the next and refuses when full; worker_hold waits for the job
 * running and keeps the next from starting; a stop answers the jobs that
 * never ran with ran = 0, each exactly once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/worker.h"

static pthread_t loop_thread;
static int answers[64], nanswers;
static _Atomic int ran_on_loop;       /* a run function ran on the loop's thread */
static int gate[2];                    /* a job that reads it waits for a byte */

struct job {
	int id, wait_gate;
	_Atomic int started;
	volatile int finished;
};

static void
run(void *arg)
{
	struct job *j = arg;
	char c;

	if (pthread_equal(pthread_self(), loop_thread))
		ran_on_loop = 1;
	j->started = 1;
	if (j->wait_gate)
		while (read(gate[0], &c, 1) != 1)
			;
	j->finished = 1;
}

static void
done(void *arg, int ran)
{
	struct job *j = arg;

	assert_true(pthread_equal(pthread_self(), loop_thread));
	answers[nanswers++] = j->id * 10 + ran;
}

static void
drain(loop *l, int want)
{
	int turns;

	for (turns = 0; nanswers < want && turns < 100000; turns++)
		loop_run_once(l, 1000);
	assert_int_equal(nanswers, want);
}

static int
setup(void **state)
{
	(void)state;
	loop_thread = pthread_self();
	return pipe(gate);
}

static void
test_runs_on_the_worker_done_on_the_loop_in_order(void **state)
{
	loop *l = loop_new();
	worker *w = worker_start(l, "test", 0, 1, 0);
	struct job j[5];
	int i;

	(void)state;
	nanswers = 0;
	ran_on_loop = 0;
	for (i = 0; i < 5; i++) {
		j[i] = (struct job){ .id = i + 1 };
		assert_int_equal(worker_submit(w, 0, run, done, &j[i]), 0);
	}
	drain(l, 5);
	assert_int_equal(ran_on_loop, 0);
	for (i = 0; i < 5; i++) {
		assert_int_equal(answers[i], (i + 1) * 10 + 1);
		assert_int_equal(j[i].finished, 1);
	}
	worker_stop(w);
	loop_free(l);
}

static void
test_lanes_first_first_and_bounded(void **state)
{
	loop *l = loop_new();
	worker *w = worker_start(l, "test", 0, 2, 3);
	struct job j[8];
	int i, k = 0;

	(void)state;
	nanswers = 0;
	worker_hold(w);
	/* Lane 1 filled first, then lane 0: lane 0 still runs first. */
	for (i = 0; i < 3; i++, k++) {
		j[k] = (struct job){ .id = 20 + i };
		assert_int_equal(worker_submit(w, 1, run, done, &j[k]), 0);
	}
	j[k] = (struct job){ .id = 29 };
	assert_int_equal(worker_submit(w, 1, run, done, &j[k]), -1);   /* full */
	for (i = 0; i < 3; i++, k++) {
		j[k] = (struct job){ .id = 10 + i };
		assert_int_equal(worker_submit(w, 0, run, done, &j[k]), 0);
	}
	worker_release(w);
	drain(l, 6);
	for (i = 0; i < 3; i++) {
		assert_int_equal(answers[i], (10 + i) * 10 + 1);
		assert_int_equal(answers[3 + i], (20 + i) * 10 + 1);
	}
	/* Room again once run. */
	j[7] = (struct job){ .id = 30 };
	assert_int_equal(worker_submit(w, 1, run, done, &j[7]), 0);
	drain(l, 7);
	worker_stop(w);
	loop_free(l);
}

struct holder {
	worker *w;
	struct job *running;
	_Atomic int holding, held;
	int finished_when_held;
};

static void *
holder_main(void *arg)
{
	struct holder *h = arg;

	h->holding = 1;
	worker_hold(h->w);
	h->finished_when_held = h->running->finished;
	h->held = 1;
	return NULL;
}

static void
test_hold_waits_for_the_running_job(void **state)
{
	loop *l = loop_new();
	worker *w = worker_start(l, "test", 0, 1, 0);
	struct job first = { .id = 1, .wait_gate = 1 }, second = { .id = 2 };
	struct holder h = { .w = w, .running = &first };
	pthread_t th;

	(void)state;
	nanswers = 0;
	assert_int_equal(worker_submit(w, 0, run, done, &first), 0);
	while (!first.started)              /* running, held at the gate */
		;
	assert_int_equal(pthread_create(&th, NULL, holder_main, &h), 0);
	while (!h.holding)
		;
	assert_int_equal(write(gate[1], "x", 1), 1);       /* let the first end */
	pthread_join(th, NULL);
	/* The hold came back only once the running job had finished. */
	assert_int_equal(h.finished_when_held, 1);
	drain(l, 1);
	/* Held: the next job waits in its lane until released. */
	assert_int_equal(worker_submit(w, 0, run, done, &second), 0);
	worker_release(w);
	drain(l, 2);
	assert_int_equal(answers[1], 21);
	worker_stop(w);
	loop_free(l);
}

static void
test_stop_answers_jobs_never_run(void **state)
{
	loop *l = loop_new();
	worker *w = worker_start(l, "test", 5, 1, 0);
	struct job j[3];
	int i;

	(void)state;
	nanswers = 0;
	worker_hold(w);
	for (i = 0; i < 3; i++) {
		j[i] = (struct job){ .id = i + 1 };
		assert_int_equal(worker_submit(w, 0, run, done, &j[i]), 0);
	}
	worker_stop(w);
	assert_int_equal(nanswers, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(answers[i], (i + 1) * 10);
		assert_int_equal(j[i].finished, 0);
	}
	loop_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_on_the_worker_done_on_the_loop_in_order),
		cmocka_unit_test(test_lanes_first_first_and_bounded),
		cmocka_unit_test(test_hold_waits_for_the_running_job),
		cmocka_unit_test(test_stop_answers_jobs_never_run),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
