/*
 * bus_test.c - onestopd and the counter boards end to end: the real daemon
 * masters the board simulator over a pty with real libmodbus frames.
 *
 *   1. keypad: Next on caller 103 calls at counter 3, number board 3 shows
 *      it flashing, the hall board adds the row, the event stream shows the
 *      call; Recall, Finish, a rating after finish (stored on the ticket), a
 *      rating with no ticket just served (kept without a ticket), No-show,
 *      digits + Transfer, Pause / resume, digits + Next.
 *   2. 10 % of the simulator's answers corrupted: every press applied once.
 *   3. a caller and a number board unplugged: offline in the API, presses
 *      kept on the board, applied once when plugged back, display re-sent.
 *   4. the simulator SIGKILLed and restarted (boot counts and sequence
 *      numbers start again): the line reopens and new presses that reuse
 *      the old (boot, seq) are still applied, once each.
 *   5. the daemon SIGKILLed as soon as a press is committed (before its ack):
 *      after the restart it is acknowledged, not applied again.
 *   6. park: the number board and the keypad of the counter go blank when
 *      it parks its ticket (and after a finish); a refused press is
 *      explained in /api/v1/boards.
 * Each step checks the store's event counts against the presses made.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "busrig.h"
#include "firmware/proto/board_regs.h"

#define BAUD 115200
#define SPEC "1-3:number,101-103:caller,201-203:rating,241:hall:0"

static int failures;
static struct hn_daemon D;
static struct br_sim S;
static struct hn_http H;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		failures++; \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
} while (0)

static const char BOARDS_INI[] =
	"[board bus-test/1]\nrole = number\ncounter = 1\n\n"
	"[board bus-test/2]\nrole = number\ncounter = 2\n\n"
	"[board bus-test/3]\nrole = number\ncounter = 3\n\n"
	"[board bus-test/101]\nrole = caller\ncounter = 1\n\n"
	"[board bus-test/102]\nrole = caller\ncounter = 2\n\n"
	"[board bus-test/103]\nrole = caller\ncounter = 3\n\n"
	"[board bus-test/201]\nrole = rating\ncounter = 1\n\n"
	"[board bus-test/202]\nrole = rating\ncounter = 2\n\n"
	"[board bus-test/203]\nrole = rating\ncounter = 3\n\n"
	"[board bus-test/241]\nrole = hall\narea = Khu A\n";

/* Sleep a little while waiting on a condition with a deadline. */
static void
nap(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static int64_t
last_event_id(void)
{
	return br_sql(D.db, "SELECT coalesce(max(id), 0) FROM events");
}

/* Press a key on the simulator; the answer says one event was queued. */
static int
press(int addr, const char *key)
{
	char ans[256];

	if (br_ctl(&S, ans, sizeof ans, "press %d %s", addr, key) != 0) {
		fprintf(stderr, "press %d %s: %s\n", addr, key, ans);
		return -1;
	}
	return 0;
}

/* Type the digits of n, then the key. */
static int
press_typed(int addr, int n, const char *key)
{
	char digits[16], k[2] = { 0, 0 };

	snprintf(digits, sizeof digits, "%d", n);
	for (char *p = digits; *p; p++) {
		k[0] = *p;
		if (press(addr, k) != 0)
			return -1;
	}
	return press(addr, key);
}

/* Wait until the board's FIFO is empty (every press acknowledged). */
static int
wait_fifo_empty(int addr, int timeout_ms)
{
	double end = hn_now_ms() + timeout_ms;
	char ans[512];

	while (hn_now_ms() < end) {
		if (br_ctl(&S, ans, sizeof ans, "state %d", addr) == 0 &&
		    br_field(ans, "fifo") == 0)
			return 0;
		nap();
	}
	fprintf(stderr, "board %d: FIFO not emptied: %s\n", addr, ans);
	return -1;
}

/* Wait until the board's status no longer says it was offline: the master
 * acknowledged the bit (HR_STATUS_ACK). */
static int
wait_was_offline_acked(int addr, int timeout_ms)
{
	double end = hn_now_ms() + timeout_ms;
	char ans[512];

	while (hn_now_ms() < end) {
		if (br_ctl(&S, ans, sizeof ans, "state %d", addr) == 0 &&
		    br_field(ans, "offline") == 0 &&
		    !(br_field(ans, "status") & BOARD_ST_WAS_OFFLINE))
			return 0;
		nap();
	}
	fprintf(stderr, "board %d: was offline not acknowledged: %s\n", addr, ans);
	return -1;
}

/* Wait until the API shows the board in `state`. */
static int
wait_board_state(int addr, const char *state, int timeout_ms)
{
	double end = hn_now_ms() + timeout_ms;

	while (hn_now_ms() < end) {
		cJSON *all, *b = br_board(&H, addr, &all);
		int ok = b != NULL && hn_str(b, "state") != NULL &&
		    strcmp(hn_str(b, "state"), state) == 0;
		cJSON_Delete(all);
		if (ok)
			return 0;
		nap();
	}
	fprintf(stderr, "board %d never became %s\n", addr, state);
	return -1;
}

static long
board_num(int addr, const char *path1, const char *name)
{
	cJSON *all, *b = br_board(&H, addr, &all), *o;
	long v = -1;

	if (b != NULL) {
		o = path1 != NULL ? cJSON_GetObjectItem(b, path1) : b;
		v = (long)hn_num(o, name, -1);
	}
	cJSON_Delete(all);
	return v;
}

static int
waitface(int addr, const char *text)
{
	char ans[512];

	if (br_ctl(&S, ans, sizeof ans, "waitface %d %s 5000", addr, text) != 0) {
		fprintf(stderr, "board %d: face without '%s': %s\n", addr, text, ans);
		return -1;
	}
	return 0;
}

static int
issue(const char *queue, int n, int *first)
{
	char body[64];

	snprintf(body, sizeof body, "{\"queue\":\"%s\"}", queue);
	for (int i = 0; i < n; i++) {
		cJSON *o = NULL;
		if (hn_req(&H, "POST", "/api/v1/tickets", body, &o) != 201) {
			cJSON_Delete(o);
			return -1;
		}
		if (i == 0 && first != NULL)
			*first = (int)hn_num(cJSON_GetObjectItem(o, "ticket"), "number", -1);
		cJSON_Delete(o);
	}
	return 0;
}

/* Wait for an event of type at counter after `after`; its number. */
static int
sse(int64_t after, const char *type, int counter, int64_t *id)
{
	cJSON *o = NULL;
	int64_t got = br_sse_wait(D.port, H.token, after, type, counter, 5000, &o);
	int number = -1;

	if (got < 0)
		fprintf(stderr, "no '%s' event at counter %d after %lld\n", type,
		    counter, (long long)after);
	else
		number = cJSON_IsNumber(cJSON_GetObjectItem(o, "number")) ?
		    (int)hn_num(o, "number", -1) : 0;
	if (id != NULL)
		*id = got;
	cJSON_Delete(o);
	return number;
}

static void
test_keypad(void)
{
	char q[256], face[64];
	int64_t at = last_event_id(), id;
	int n1, n2, n3, n, first;

	CHECK(issue("TP-BT", 30, &first) == 0, "issue");
	at = last_event_id();
	/* Next */
	CHECK(press(103, "next") == 0, "press");
	n1 = sse(at, "called", 3, &id);
	CHECK(n1 == first, "called %d, expected %d", n1, first);
	snprintf(face, sizeof face, "number=%04d", n1);
	CHECK(waitface(3, face) == 0, "number board 3");
	{
		char ans[256];
		CHECK(br_ctl(&S, ans, sizeof ans, "face 3") == 0 && strstr(ans, "flash=1") != NULL,
		    "number board 3 flashes: %s", ans);
	}
	snprintf(face, sizeof face, "number=%04d", n1);
	CHECK(waitface(103, face) == 0, "caller 103");
	snprintf(face, sizeof face, "rows=%04d>03", n1);
	CHECK(waitface(241, face) == 0, "hall board");
	/* Recall, Finish, a rating */
	CHECK(press(103, "recall") == 0, "press");
	CHECK(sse(id, "recalled", 3, &id) == n1, "recalled");
	CHECK(press(103, "finish") == 0, "press");
	CHECK(sse(id, "finished", 3, &id) == n1, "finished");
	CHECK(waitface(203, "prompt=1") == 0, "rating prompt");
	CHECK(press(203, "vsat") == 0, "press");
	CHECK(sse(id, "rated", 3, &id) == n1, "rated the ticket served");
	snprintf(q, sizeof q, "SELECT rating FROM tickets WHERE number = %d", n1);
	CHECK(br_sql(D.db, q) == 1, "rating stored on the ticket");
	CHECK(waitface(203, "prompt=0") == 0, "prompt cleared");
	/* A second rating: no ticket just served any more -> kept alone. */
	CHECK(press(203, "dissat") == 0, "press");
	CHECK(sse(id, "rated", 3, &id) == 0, "rating without a ticket");
	CHECK(br_sql(D.db, q) == 1, "the served ticket keeps its rating");
	CHECK(br_sql(D.db, "SELECT count(*) FROM events WHERE type = 'rated'"
	    " AND ticket_id IS NULL AND value = 4") == 1, "lone rating stored");
	/* Next, No-show */
	CHECK(press(103, "next") == 0, "press");
	n2 = sse(id, "called", 3, &id);
	CHECK(n2 == n1 + 1, "called %d", n2);
	CHECK(press(103, "noshow") == 0, "press");
	CHECK(sse(id, "no_show", 3, &id) == n2, "no-show");
	/* Next, digits + Transfer to counter 2 */
	CHECK(press(103, "next") == 0, "press");
	n3 = sse(id, "called", 3, &id);
	CHECK(n3 == n2 + 1, "called %d", n3);
	CHECK(press_typed(103, 2, "transfer") == 0, "press");
	CHECK(sse(id, "transferred", 3, &id) == n3, "transferred");
	snprintf(q, sizeof q, "SELECT assigned_counter FROM tickets WHERE number = %d", n3);
	CHECK(br_sql(D.db, q) == 2, "transferred to counter 2");
	/* Pause, resume */
	CHECK(press(103, "pause") == 0, "press");
	CHECK(sse(id, "counter_paused", 3, &id) >= 0, "paused");
	CHECK(waitface(103, "lamp=paused") == 0, "lamp paused");
	CHECK(waitface(3, "lamp=paused") == 0, "number board lamp paused");
	CHECK(press(103, "pause") == 0, "press");
	CHECK(sse(id, "counter_opened", 3, &id) >= 0, "resumed");
	CHECK(waitface(103, "lamp=open") == 0, "lamp open");
	/* digits + Next: that number */
	CHECK(press_typed(103, n3 + 3, "next") == 0, "press");
	n = sse(id, "called", 3, &id);
	CHECK(n == n3 + 3, "called %d, typed %d", n, n3 + 3);
	CHECK(wait_fifo_empty(103, 5000) == 0 && wait_fifo_empty(203, 5000) == 0, "acked");
	/* Exactly the presses made. */
	CHECK(br_count(D.db, "called", 3) == 4, "called %ld", br_count(D.db, "called", 3));
	CHECK(br_count(D.db, "recalled", 3) == 1, "recalled");
	CHECK(br_count(D.db, "finished", 3) == 1, "finished");
	CHECK(br_count(D.db, "no_show", 3) == 1, "no_show");
	CHECK(br_count(D.db, "transferred", 3) == 1, "transferred");
	CHECK(br_count(D.db, "rated", 3) == 2, "rated");
	CHECK(br_count(D.db, "counter_paused", 3) == 1, "paused");
	CHECK(board_num(103, NULL, "presses") == 10, "presses %ld", board_num(103, NULL, "presses"));
	fprintf(stderr, "ok keypad: next, recall, finish, rating, no-show, transfer, pause, typed next\n");
}

/* The number a board shows now, from the simulator ("----" = blank). */
static int
shown_is(int addr, const char *want)
{
	char ans[512], face[32];

	if (br_ctl(&S, ans, sizeof ans, "face %d", addr) != 0)
		return 0;
	snprintf(face, sizeof face, "number=%s ", want);
	if (strstr(ans, face) == NULL) {
		fprintf(stderr, "board %d shows: %s (want number=%s)\n", addr, ans, want);
		return 0;
	}
	return 1;
}

/*
 * Park at counter 3: its number board and keypad stop showing the parked
 * number (blank: the number register takes 0..9999 or 0xFFFF, the face
 * shows "----"), and the same after a finish from the keypad.  A refused
 * press (Recall with nothing called) is explained in /api/v1/boards.
 */
static void
test_park(void)
{
	char face[64], path[64];
	int64_t id = last_event_id();
	cJSON *all, *b;
	int n;

	CHECK(issue("TP-BT", 3, NULL) == 0, "issue");
	(void)hn_req(&H, "POST", "/api/v1/counters/3/open", "{}", NULL);   /* may be open */
	(void)hn_req(&H, "POST", "/api/v1/counters/3/finish", "{}", NULL); /* may hold none */
	id = last_event_id();
	CHECK(press(103, "next") == 0, "press");
	n = sse(id, "called", 3, &id);
	snprintf(face, sizeof face, "number=%04d", n);
	CHECK(waitface(3, face) == 0 && waitface(103, face) == 0, "called %d shown", n);
	snprintf(path, sizeof path, "/api/v1/counters/%d/park", 3);
	CHECK(hn_req(&H, "POST", path, "{}", NULL) == 200, "park");
	CHECK(sse(id, "parked", 3, &id) == n, "parked");
	CHECK(waitface(3, "number=----") == 0, "number board 3 blank after the park");
	CHECK(waitface(103, "number=----") == 0, "keypad 103 blank after the park");
	CHECK(shown_is(3, "----"), "number board 3 shows the parked number");
	/* Call it back: shown again; finish from the keypad: blank again. */
	snprintf(face, sizeof face, "{\"number\":%d}", n);
	CHECK(hn_req(&H, "POST", "/api/v1/counters/3/call", face, NULL) == 200, "call back");
	snprintf(face, sizeof face, "number=%04d", n);
	CHECK(waitface(3, face) == 0, "number board 3 shows %d again", n);
	CHECK(press(103, "finish") == 0, "press");
	CHECK(sse(id, "finished", 3, &id) == n, "finished");
	CHECK(waitface(3, "number=----") == 0, "number board 3 blank after the finish");
	CHECK(shown_is(103, "----"), "keypad 103 blank after the finish");
	/* Recall with nothing called: refused, and why. */
	CHECK(press(103, "recall") == 0, "press");
	CHECK(wait_fifo_empty(103, 5000) == 0, "acked");
	b = br_board(&H, 103, &all);
	CHECK(b != NULL && hn_str(b, "last_message") != NULL &&
	    strcmp(hn_str(b, "last_message"), "Không thể gọi lại: Quầy 3 chưa gọi số nào.") == 0,
	    "refusal explained: %s", b != NULL && hn_str(b, "last_message") ?
	    hn_str(b, "last_message") : "(none)");
	cJSON_Delete(all);
	fprintf(stderr, "ok park: number board and keypad blank after park and finish,"
	    " a refused press explained\n");
}

/* Counts of calls per counter before a step. */
static long c1, c2, c3;

static void
counts(void)
{
	c1 = br_count(D.db, "called", 1);
	c2 = br_count(D.db, "called", 2);
	c3 = br_count(D.db, "called", 3);
}

static void
test_corruption(void)
{
	char ans[256];
	long crc = 0;

	CHECK(issue("TP-LL", 40, NULL) == 0 && issue("TP-HT", 40, NULL) == 0, "issue");
	counts();
	CHECK(br_ctl(&S, ans, sizeof ans, "corrupt 10") == 0, "corrupt");
	for (int i = 0; i < 8; i++) {
		CHECK(press(101, "next") == 0, "press");
		CHECK(press(102, "next") == 0, "press");
		if (i % 4 == 3) {
			CHECK(wait_fifo_empty(101, 20000) == 0, "fifo 101");
			CHECK(wait_fifo_empty(102, 20000) == 0, "fifo 102");
		}
	}
	CHECK(wait_fifo_empty(101, 20000) == 0 && wait_fifo_empty(102, 20000) == 0, "acked");
	CHECK(br_ctl(&S, ans, sizeof ans, "corrupt 0") == 0, "corrupt 0");
	br_ctl(&S, ans, sizeof ans, "stats");
	CHECK(br_field(ans, "corrupted") > 0, "nothing corrupted: %s", ans);
	CHECK(br_count(D.db, "called", 1) == c1 + 8, "counter 1 called %ld, want %ld",
	    br_count(D.db, "called", 1), c1 + 8);
	CHECK(br_count(D.db, "called", 2) == c2 + 8, "counter 2 called %ld, want %ld",
	    br_count(D.db, "called", 2), c2 + 8);
	for (int a = 101; a <= 102; a++)
		crc += board_num(a, "master", "crc_errors") + board_num(a, "master", "errors") +
		    board_num(a, "master", "timeouts");
	fprintf(stderr, "ok corruption: 16 presses applied once with 10%% of answers"
	    " corrupted (%s; master saw %ld bad answers on the two keypads)\n", ans, crc);
}

static void
test_unplug(void)
{
	char ans[256], face[64], q[256];
	int last;

	CHECK(issue("TP-HT", 8, NULL) == 0, "issue");
	counts();
	CHECK(br_ctl(&S, ans, sizeof ans, "unplug 102") == 0 &&
	    br_ctl(&S, ans, sizeof ans, "unplug 2") == 0, "unplug");
	CHECK(wait_board_state(102, "offline", 10000) == 0, "102 offline");
	CHECK(wait_board_state(2, "offline", 10000) == 0, "2 offline");
	for (int i = 0; i < 3; i++)
		CHECK(press(102, "next") == 0, "press while unplugged");
	/* A call from another channel while the number board is away. */
	(void)hn_req(&H, "POST", "/api/v1/counters/2/open", "{}", NULL);   /* may be open */
	(void)hn_req(&H, "POST", "/api/v1/counters/2/finish", "{}", NULL); /* may hold none */
	CHECK(hn_req(&H, "POST", "/api/v1/counters/2/next", "{}", NULL) == 200, "web next");
	CHECK(br_count(D.db, "called", 2) == c2 + 1, "nothing from the unplugged keypad yet");
	CHECK(waitface(2, "offline=1") == 0, "number board 2 shows offline");
	CHECK(br_ctl(&S, ans, sizeof ans, "plug 102") == 0 &&
	    br_ctl(&S, ans, sizeof ans, "plug 2") == 0, "plug");
	CHECK(wait_board_state(102, "online", 10000) == 0, "102 online");
	CHECK(wait_fifo_empty(102, 10000) == 0, "acked after plug");
	CHECK(br_count(D.db, "called", 2) == c2 + 4, "called %ld want %ld",
	    br_count(D.db, "called", 2), c2 + 4);
	snprintf(q, sizeof q, "SELECT number FROM events WHERE type = 'called'"
	    " AND counter = 2 ORDER BY id DESC LIMIT 1");
	last = (int)br_sql(D.db, q);
	snprintf(face, sizeof face, "number=%04d", last);
	CHECK(waitface(2, face) == 0, "number board 2 re-synchronised");
	CHECK(waitface(2, "offline=0") == 0, "number board 2 online");
	CHECK(wait_was_offline_acked(2, 5000) == 0, "board 2's was-offline bit acknowledged");
	fprintf(stderr, "ok unplug: offline shown, 3 presses kept and applied once, display re-sent,"
	    " was-offline acknowledged\n");
}

static void
test_sim_restart(void)
{
	char ans[256];
	long presses;

	CHECK(issue("TP-BT", 20, NULL) == 0, "issue");
	/* Make sure the old key was read well after the board's boot. */
	{
		double end = hn_now_ms() + 10000;
		while (board_num(103, NULL, "uptime") < 4 && hn_now_ms() < end)
			nap();
	}
	CHECK(press(103, "next") == 0, "press");
	CHECK(wait_fifo_empty(103, 5000) == 0, "acked");
	br_ctl(&S, ans, sizeof ans, "state 103");
	presses = br_field(ans, "next_seq") - 1;   /* seq of the last press */
	counts();
	br_sim_stop(&S, SIGKILL);
	unlink(S.link);
	CHECK(wait_board_state(103, "offline", 10000) == 0, "offline after the kill");
	CHECK(br_sim_start(&S, D.dir, SPEC, BAUD, 0) == 0, "restart the simulator");
	CHECK(wait_board_state(103, "online", 15000) == 0, "online after the restart");
	/* The same sequence numbers again, from boot count 1 again. */
	for (long i = 0; i < presses; i++) {
		CHECK(press(103, "next") == 0, "press");
		CHECK(wait_fifo_empty(103, 5000) == 0, "acked");
	}
	br_ctl(&S, ans, sizeof ans, "state 103");
	CHECK(br_field(ans, "next_seq") - 1 == presses, "sequence reused: %s", ans);
	CHECK(br_count(D.db, "called", 3) == c3 + presses, "called %ld want %ld",
	    br_count(D.db, "called", 3), c3 + presses);
	fprintf(stderr, "ok simulator restart: line reopened, %ld presses reusing old"
	    " (boot, seq) applied once each\n", presses);
}

static void
test_daemon_kill(void)
{
	long dups = 0, hits = 0, before = 0;
	char ans[256];

	CHECK(issue("TP-LL", 8, NULL) == 0, "issue");
	for (int i = 0; i < 6; i++) {
		int64_t at = last_event_id(), id;
		long committed, fifo;

		int pfd;

		counts();
		pfd = br_ctl_send(&S, "press 101 next");   /* answered after release */
		CHECK(pfd >= 0, "press");
		/* Watch the store (read-only, WAL) for the commit, and kill the
		 * daemon at once: the line acknowledges a few ms later. */
		{
			double end = hn_now_ms() + 5000;
			struct timespec ts = { 0, 500 * 1000 };
			while (br_count(D.db, "called", 1) == c1 && hn_now_ms() < end)
				nanosleep(&ts, NULL);
		}
		id = last_event_id();
		CHECK(id > at, "no call committed");
		hn_stop(&D, SIGKILL);
		CHECK(br_ctl_answer(pfd, ans, sizeof ans) == 0, "press: %s", ans);
		committed = br_count(D.db, "called", 1) - c1;
		fifo = br_ctl(&S, ans, sizeof ans, "state 101") == 0 ? br_field(ans, "fifo") : -1;
		hits += committed == 1 && fifo == 1;
		before += committed == 0;
		CHECK(hn_start(&D) == 0, "restart");
		hn_http_set_port(&H, D.port);
		CHECK(wait_fifo_empty(101, 10000) == 0, "acked after the restart");
		CHECK(br_count(D.db, "called", 1) == c1 + 1, "round %d: called %ld want %ld",
		    i, br_count(D.db, "called", 1), c1 + 1);
		if (committed == 1 && fifo == 1) {
			long dup = board_num(101, NULL, "duplicates");
			CHECK(dup == 1, "round %d: committed, not acked, restarted:"
			    " duplicates %ld", i, dup);
			dups += dup;
		}
	}
	CHECK(hits >= 1, "no kill fell between commit and ack");
	fprintf(stderr, "ok daemon SIGKILL: 6 presses applied once; %ld kills fell"
	    " between commit and ack (each then only acknowledged: %ld), %ld before"
	    " the commit\n", hits, dups, before);
}

int
main(void)
{
	int keep = getenv("KEEP") != NULL;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (hn_init(&D, "bus") != 0)
		return 1;
	S.out = -1;
	{
		/* the line's port is the simulator's link in the test's folder */
		char link[600];
		snprintf(link, sizeof link, "%s/rs485", D.dir);
		if (br_write_ini(&D, link, BAUD, BOARDS_INI) != 0)
			return 1;
	}
	if (hn_add_user(&D, "admin", "admin", NULL, "bus-test-pw") != 0 ||
	    br_sim_start(&S, D.dir, SPEC, BAUD, 0) != 0 || hn_start(&D) != 0) {
		br_sim_stop(&S, SIGTERM);
		hn_cleanup(&D, 1);
		return 1;
	}
	hn_http_init(&H, D.port, NULL);
	if (hn_login(&H, "admin", "bus-test-pw") != 0) {
		fprintf(stderr, "login failed\n");
		failures++;
		goto out;
	}
	for (int a = 1; a <= 3; a++)
		CHECK(wait_board_state(a, "online", 10000) == 0 &&
		    wait_board_state(100 + a, "online", 10000) == 0, "online");
	{
		const char *only = getenv("BUS_TESTS");   /* e.g. "kill,unplug" */
#define RUN(name, fn) do { if (only == NULL || strstr(only, name) != NULL) { \
	double t0 = hn_now_ms(); fn(); \
	fprintf(stderr, "   (%s: %.1f s)\n", name, (hn_now_ms() - t0) / 1000); } } while (0)
		RUN("keypad", test_keypad);
		RUN("park", test_park);
		RUN("corrupt", test_corruption);
		RUN("unplug", test_unplug);
		RUN("restart", test_sim_restart);
		RUN("kill", test_daemon_kill);
	}
out:
	hn_http_free(&H);
	br_sim_stop(&S, SIGTERM);
	hn_cleanup(&D, failures > 0 || keep);
	if (failures > 0)
		fprintf(stderr, "bus_test: %d failures (files kept in %s)\n", failures, D.dir);
	else
		fprintf(stderr, "bus_test: all passed\n");
	curl_global_cleanup();
	return failures > 0;
}
