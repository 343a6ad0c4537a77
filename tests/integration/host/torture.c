/*
 * torture.c - crash torture of onestopd: several client threads drive random
 * commands over keep-alive connections while the daemon is killed with
 * SIGKILL at a random moment, many times (seeded).  After every kill:
 *
 *  - the sqlite file, opened read-only before the restart: no (day, number)
 *    twice, no ticket held by two counters, a held ticket is called/serving
 *    at that counter;
 *  - the events after the last verified one (read from the same file): ids
 *    strictly increase, and the restarted daemon's last id is the store's;
 *    at the end the whole log replayed over the event stream equals what
 *    was verified round by round;
 *  - every acknowledged command has its one event in the log (an issued
 *    ticket with its id and number, a call with its ticket...), every event
 *    of the round comes from an acknowledged command or one in flight at the
 *    kill (at most one per thread), and refused commands left nothing;
 *  - every event a live stream client saw before the kill is in the log, the
 *    same (nothing was shown that was not committed);
 *  - the restored state (GET /api/v1/state: counters, their tickets, the
 *    waiting and parked tickets) equals the state the log leads to, and
 *    tickets touched in the round read back with the log's state and number;
 *  - no ticket number of a day was issued twice over the whole run.
 *
 *   torture [-k KILLS] [-s SEED] [-t THREADS] [-w WATCHDOG_S] [-v] [-K] [-X]
 *
 * Exit 0 and a summary line when no violation was seen, 1 otherwise.
 * -K keeps the temp dir.  -X is a self-test of the checks: it drops one
 * event read from the store, as a store that lost a commit would, and the
 * run must then report violations.  -w: give up (kill the daemon, exit 1)
 * after this many seconds (default 1800), should anything hang.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"

#define MAX_THREADS 16
#define MAX_COUNTERS 100
#define MAX_QUEUES 128
#define PASSWORD "torture-pass-1"

enum op {
	OP_ISSUE, OP_OPEN, OP_PAUSE, OP_CLOSE, OP_NEXT, OP_CALL, OP_RECALL,
	OP_START, OP_FINISH, OP_NOSHOW, OP_TRANSFER, OP_PARK, OP_UNPARK,
	OP_RATE, OP_CANCEL, OP_COUNT
};

static const char *const op_name[OP_COUNT] = {
	"issue", "open", "pause", "close", "next", "call", "recall", "start",
	"finish", "no-show", "transfer", "park", "unpark", "rate", "cancel",
};

/* Relative weights of the random commands. */
static const unsigned op_weight[OP_COUNT] = {
	24, 9, 2, 2, 16, 3, 4, 10, 10, 4, 4, 3, 3, 3, 4,
};

/* One command a thread sent this round and what became of it. */
struct cmd {
	enum op op;
	int counter;            /* counter number, 0 for issue/cancel */
	int64_t ticket;         /* ticket in the answer (or cancelled id) */
	int number;             /* its number */
	long status;            /* HTTP status, -1 = no answer (in flight) */
	int matched;            /* attributed to an event */
};

struct event {
	int64_t id;
	char type[20];
	int64_t ticket;
	int number;
	int counter;            /* number, 0 = none */
};

struct evlist {
	struct event *v;
	size_t n, cap;
};

/* Model of the state the log leads to. */
struct mticket {
	int number;
	char state[12];
	int counter;
};

struct worker {
	int index;
	pthread_t th;
	uint64_t rng;
	struct hn_http http;
	struct cmd *cmds;
	size_t ncmds, capcmds;
};

static struct {
	int kills, threads, verbose, keep;
	int inject, injected;       /* -X: self-test, one event dropped */
	uint64_t seed;
	struct hn_daemon d;
	char token[128];
	/* configuration seen through the API */
	int ncounters, counters[MAX_COUNTERS];
	int nqueues;
	char queues[MAX_QUEUES][32];
	/* round control */
	atomic_int stop;
	atomic_int acked;
	int target;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running;
	/* tickets known to the clients (ids and numbers), for call/cancel */
	pthread_mutex_t known_mu;
	int64_t *known_id;
	int *known_num;
	size_t nknown, capknown;
	/* verified log and model */
	int64_t verified_id;
	struct evlist log;
	struct mticket *tk;      /* indexed by ticket id */
	size_t ntk;
	char cstate[MAX_COUNTERS][12];
	int64_t cticket[MAX_COUNTERS];
	char day[16];
	unsigned char used[10000];   /* numbers issued in `day` */
	/* live stream */
	pthread_mutex_t live_mu;
	struct evlist live;
	/* results */
	long violations;
	long commands, refused, inflight, events;
	double t_round, t_kill;     /* for -v timings */
} T;

#define FAIL(...) do { \
	T.violations++; \
	fprintf(stderr, "VIOLATION: " __VA_ARGS__); \
	fputc('\n', stderr); \
} while (0)

/* ---- small helpers ------------------------------------------------------ */

static void
evlist_add(struct evlist *l, const struct event *e)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (l->v == NULL)
			abort();
	}
	l->v[l->n++] = *e;
}

static struct mticket *
model_ticket(int64_t id)
{
	if (id <= 0)
		return NULL;
	if ((size_t)id >= T.ntk) {
		size_t n = (size_t)id * 2 + 64;

		T.tk = realloc(T.tk, n * sizeof *T.tk);
		if (T.tk == NULL)
			abort();
		memset(T.tk + T.ntk, 0, (n - T.ntk) * sizeof *T.tk);
		T.ntk = n;
	}
	return &T.tk[id];
}

static int
counter_slot(int number)
{
	return number > 0 && number < MAX_COUNTERS ? number : 0;
}

static void
known_add(int64_t id, int number)
{
	pthread_mutex_lock(&T.known_mu);
	if (T.nknown == T.capknown) {
		T.capknown = T.capknown ? T.capknown * 2 : 256;
		T.known_id = realloc(T.known_id, T.capknown * sizeof *T.known_id);
		T.known_num = realloc(T.known_num, T.capknown * sizeof *T.known_num);
		if (T.known_id == NULL || T.known_num == NULL)
			abort();
	}
	T.known_id[T.nknown] = id;
	T.known_num[T.nknown] = number;
	T.nknown++;
	pthread_mutex_unlock(&T.known_mu);
}

/* A recently issued ticket (id and number), 0 when none yet. */
static int64_t
known_pick(uint64_t *rng, int *number)
{
	int64_t id = 0;
	size_t i;

	pthread_mutex_lock(&T.known_mu);
	if (T.nknown > 0) {
		size_t span = T.nknown < 64 ? T.nknown : 64;

		i = T.nknown - 1 - hn_randn(rng, (unsigned)span);
		id = T.known_id[i];
		*number = T.known_num[i];
	}
	pthread_mutex_unlock(&T.known_mu);
	return id;
}

/* Event from its JSON. */
static void
event_from_json(const cJSON *j, struct event *e)
{
	const char *type = hn_str(j, "type");

	memset(e, 0, sizeof *e);
	e->id = (int64_t)hn_num(j, "id", 0);
	snprintf(e->type, sizeof e->type, "%s", type != NULL ? type : "?");
	e->ticket = (int64_t)hn_num(j, "ticket", 0);
	e->number = (int)hn_num(j, "number", 0);
	e->counter = (int)hn_num(j, "counter", 0);
}

/* ---- event stream reader ------------------------------------------------ */

struct sse {
	char line[65536];
	size_t len;
	char *data;
	int64_t until;          /* stop after this id (0 = never) */
	int64_t last;
	struct evlist *out;
	pthread_mutex_t *mu;    /* guards out when shared */
	long status;
	CURL *curl;
	int bad;
};

static void
sse_event(struct sse *s)
{
	cJSON *j;
	struct event e;

	if (s->data == NULL)
		return;
	j = cJSON_Parse(s->data);
	if (j == NULL) {
		FAIL("event stream: data is not JSON: %.80s", s->data);
		s->bad = 1;
	} else {
		event_from_json(j, &e);
		cJSON_Delete(j);
		if (s->mu != NULL)
			pthread_mutex_lock(s->mu);
		evlist_add(s->out, &e);
		if (s->mu != NULL)
			pthread_mutex_unlock(s->mu);
		s->last = e.id;
	}
	free(s->data);
	s->data = NULL;
}

static size_t
sse_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct sse *s = arg;
	size_t n = size * nmemb, i;

	if (s->status == 0)
		curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status);
	if (s->status != 200)
		return 0;
	for (i = 0; i < n; i++) {
		if (ptr[i] != '\n') {
			if (s->len + 1 < sizeof s->line)
				s->line[s->len++] = ptr[i];
			continue;
		}
		s->line[s->len] = '\0';
		if (s->len == 0)
			sse_event(s);
		else if (strncmp(s->line, "data:", 5) == 0) {
			const char *v = s->line + 5 + (s->line[5] == ' ');

			free(s->data);
			s->data = strdup(v);
		}
		s->len = 0;
		if (s->until > 0 && s->last >= s->until)
			return 0;
	}
	return n;
}

/*
 * Read the stream from after `after`: until event `until` (then return), or
 * until the connection ends (until = 0).  Returns 0, or -1 when the stream
 * could not be read to `until`.
 */
static int
read_stream(int port, int64_t after, int64_t until, struct evlist *out,
    pthread_mutex_t *mu)
{
	struct sse *s = calloc(1, sizeof *s);
	struct curl_slist *hdr = NULL;
	char url[256], auth[256];
	int rc;

	if (s == NULL)
		abort();
	s->until = until;
	s->out = out;
	s->mu = mu;
	s->last = after;
	s->curl = curl_easy_init();
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/events?last_event_id=%"
	    PRId64, port, after);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", T.token);
	hdr = curl_slist_append(hdr, auth);
	curl_easy_setopt(s->curl, CURLOPT_URL, url);
	curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, sse_write);
	curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	if (until > 0)
		curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, 60L);
	(void)curl_easy_perform(s->curl);
	rc = until > 0 && s->last < until ? -1 : 0;
	if (until > 0 && s->status != 200)
		fprintf(stderr, "torture: event stream answered HTTP %ld\n", s->status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(s->curl);
	free(s->data);
	free(s);
	return rc;
}

static void *
live_main(void *arg)
{
	int port = *(int *)arg;

	(void)read_stream(port, T.verified_id, 0, &T.live, &T.live_mu);
	return NULL;
}

/* ---- the client threads ------------------------------------------------- */

static void
worker_record(struct worker *w, const struct cmd *c)
{
	if (w->ncmds == w->capcmds) {
		w->capcmds = w->capcmds ? w->capcmds * 2 : 64;
		w->cmds = realloc(w->cmds, w->capcmds * sizeof *w->cmds);
		if (w->cmds == NULL)
			abort();
	}
	w->cmds[w->ncmds++] = *c;
}

static enum op
pick_op(uint64_t *rng)
{
	unsigned total = 0, r, i;

	for (i = 0; i < OP_COUNT; i++)
		total += op_weight[i];
	r = hn_randn(rng, total);
	for (i = 0; i < OP_COUNT; i++) {
		if (r < op_weight[i])
			return (enum op)i;
		r -= op_weight[i];
	}
	return OP_ISSUE;
}

/* Send one random command; fills c.  Returns the HTTP status or -1. */
static long
worker_send(struct worker *w, struct cmd *c)
{
	char path[128], body[256];
	const char *action = NULL;
	cJSON *ans = NULL;
	const cJSON *t;
	int64_t id;
	int num = 0;
	long st;

	memset(c, 0, sizeof *c);
	c->op = pick_op(&w->rng);
	c->counter = T.counters[hn_randn(&w->rng, (unsigned)T.ncounters)];
	body[0] = '\0';
	switch (c->op) {
	case OP_ISSUE:
		c->counter = 0;
		snprintf(path, sizeof path, "/api/v1/tickets");
		snprintf(body, sizeof body, "{\"queue\":\"%s\"}",
		    T.queues[hn_randn(&w->rng, (unsigned)T.nqueues)]);
		break;
	case OP_CANCEL:
		c->counter = 0;
		id = known_pick(&w->rng, &num);
		if (id == 0)
			id = 1;
		c->ticket = id;
		snprintf(path, sizeof path, "/api/v1/tickets/%" PRId64 "/cancel", id);
		break;
	case OP_OPEN: action = "open"; break;
	case OP_PAUSE:
		action = "pause";
		snprintf(body, sizeof body, "{\"reason\":\"Nghỉ giải lao\"}");
		break;
	case OP_CLOSE: action = "close"; break;
	case OP_NEXT: action = "next"; break;
	case OP_CALL:
	case OP_UNPARK:
		action = c->op == OP_CALL ? "call" : "unpark";
		(void)known_pick(&w->rng, &num);
		snprintf(body, sizeof body, "{\"number\":%d}", num > 0 ? num : 1);
		break;
	case OP_RECALL: action = "recall"; break;
	case OP_START: action = "start"; break;
	case OP_FINISH: action = "finish"; break;
	case OP_NOSHOW: action = "no-show"; break;
	case OP_TRANSFER:
		action = "transfer";
		if (hn_randn(&w->rng, 2) == 0)
			snprintf(body, sizeof body, "{\"queue\":\"%s\",\"keep_place\":%s}",
			    T.queues[hn_randn(&w->rng, (unsigned)T.nqueues)],
			    hn_randn(&w->rng, 2) ? "true" : "false");
		else
			snprintf(body, sizeof body, "{\"counter\":%d}",
			    T.counters[hn_randn(&w->rng, (unsigned)T.ncounters)]);
		break;
	case OP_PARK: action = "park"; break;
	case OP_RATE:
		action = "rate";
		snprintf(body, sizeof body, "{\"value\":%u}", 1 + hn_randn(&w->rng, 4));
		break;
	case OP_COUNT:
		break;
	}
	if (action != NULL)
		snprintf(path, sizeof path, "/api/v1/counters/%d/%s", c->counter, action);
	st = hn_req(&w->http, "POST", path, body[0] ? body : NULL, &ans);
	c->status = st;
	if (st >= 200 && st < 300) {
		t = cJSON_GetObjectItemCaseSensitive(ans, "ticket");
		if (cJSON_IsObject(t)) {
			c->ticket = (int64_t)hn_num(t, "id", 0);
			c->number = (int)hn_num(t, "number", 0);
		} else if (c->op != OP_CANCEL) {
			c->ticket = 0;
		}
		if (c->op == OP_ISSUE && c->ticket > 0)
			known_add(c->ticket, c->number);
	}
	cJSON_Delete(ans);
	return st;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct cmd c;
	long st;

	while (!atomic_load(&T.stop)) {
		st = worker_send(w, &c);
		worker_record(w, &c);
		if (st < 0)
			break;            /* the daemon is gone: c is in flight */
		if (atomic_fetch_add(&T.acked, 1) + 1 >= T.target) {
			pthread_mutex_lock(&T.mu);
			pthread_cond_broadcast(&T.cv);
			pthread_mutex_unlock(&T.mu);
		}
	}
	pthread_mutex_lock(&T.mu);
	T.running--;
	pthread_cond_broadcast(&T.cv);
	pthread_mutex_unlock(&T.mu);
	return NULL;
}

/* ---- checks ------------------------------------------------------------- */

/*
 * The store file itself, read-only, while the daemon is down: the checks
 * below, and the events after the last verified one into *fresh.
 */
static void
check_db(struct evlist *fresh)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	static const char *const q[] = {
		"SELECT day, number, COUNT(*) FROM tickets GROUP BY day, number"
		" HAVING COUNT(*) > 1",
		"SELECT ticket_id, COUNT(*), 0 FROM counters WHERE ticket_id != 0"
		" GROUP BY ticket_id HAVING COUNT(*) > 1",
		"SELECT c.number, c.ticket_id, IFNULL(t.state, 'missing') FROM counters c"
		" LEFT JOIN tickets t ON t.id = c.ticket_id WHERE c.ticket_id != 0 AND"
		" (t.id IS NULL OR t.state NOT IN ('called', 'serving')"
		"  OR t.counter IS NOT c.number)",
	};
	static const char *const what[] = {
		"number issued twice", "ticket held by two counters",
		"counter holds a ticket that is not called/serving there",
	};
	size_t i;

	if (sqlite3_open_v2(T.d.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		FAIL("cannot open %s read-only: %s", T.d.db, sqlite3_errmsg(db));
		sqlite3_close(db);
		return;
	}
	sqlite3_busy_timeout(db, 5000);
	for (i = 0; i < sizeof q / sizeof q[0]; i++) {
		if (sqlite3_prepare_v2(db, q[i], -1, &st, NULL) != SQLITE_OK) {
			FAIL("store query: %s", sqlite3_errmsg(db));
			continue;
		}
		while (sqlite3_step(st) == SQLITE_ROW)
			FAIL("store: %s: %s %s %s", what[i],
			    (const char *)sqlite3_column_text(st, 0),
			    (const char *)sqlite3_column_text(st, 1),
			    (const char *)sqlite3_column_text(st, 2));
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(db, "SELECT id, type, IFNULL(ticket_id, 0),"
	    " IFNULL(number, 0), IFNULL(counter, 0) FROM events WHERE id > ?"
	    " ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		FAIL("store query: %s", sqlite3_errmsg(db));
	} else {
		struct event e;

		sqlite3_bind_int64(st, 1, T.verified_id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			memset(&e, 0, sizeof e);
			e.id = sqlite3_column_int64(st, 0);
			snprintf(e.type, sizeof e.type, "%s",
			    (const char *)sqlite3_column_text(st, 1));
			e.ticket = sqlite3_column_int64(st, 2);
			e.number = sqlite3_column_int(st, 3);
			e.counter = sqlite3_column_int(st, 4);
			evlist_add(fresh, &e);
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

/* Event types an op yields (recall may end in a no-show). */
static int
op_matches(enum op op, const char *type)
{
	switch (op) {
	case OP_ISSUE: return strcmp(type, "issued") == 0;
	case OP_OPEN: return strcmp(type, "counter_opened") == 0;
	case OP_PAUSE: return strcmp(type, "counter_paused") == 0;
	case OP_CLOSE: return strcmp(type, "counter_closed") == 0;
	case OP_NEXT:
	case OP_CALL: return strcmp(type, "called") == 0;
	case OP_RECALL:
		return strcmp(type, "recalled") == 0 || strcmp(type, "no_show") == 0;
	case OP_START: return strcmp(type, "started") == 0;
	case OP_FINISH: return strcmp(type, "finished") == 0;
	case OP_NOSHOW: return strcmp(type, "no_show") == 0;
	case OP_TRANSFER: return strcmp(type, "transferred") == 0;
	case OP_PARK: return strcmp(type, "parked") == 0;
	case OP_UNPARK: return strcmp(type, "unparked") == 0;
	case OP_RATE: return strcmp(type, "rated") == 0;
	case OP_CANCEL: return strcmp(type, "cancelled") == 0;
	case OP_COUNT: break;
	}
	return 0;
}

/* Whether command c (acknowledged) is the one that made event e. */
static int
cmd_made(const struct cmd *c, const struct event *e)
{
	if (!op_matches(c->op, e->type))
		return 0;
	if (c->counter != 0 && e->counter != c->counter)
		return 0;
	if (c->op == OP_OPEN || c->op == OP_PAUSE || c->op == OP_CLOSE ||
	    c->op == OP_RATE)
		return 1;
	return e->ticket == c->ticket;
}

/* Whether an unanswered command could have made event e. */
static int
inflight_made(const struct cmd *c, const struct event *e)
{
	if (!op_matches(c->op, e->type))
		return 0;
	if (c->op == OP_CANCEL)
		return e->ticket == c->ticket;
	return c->counter == 0 || e->counter == c->counter;
}

/* Apply one event of the log to the model. */
static void
model_apply(const struct event *e)
{
	struct mticket *t = model_ticket(e->ticket);
	int c = counter_slot(e->counter);
	const char *ty = e->type;

	if (strcmp(ty, "issued") == 0) {
		if (t == NULL) {
			FAIL("event %" PRId64 ": issued without a ticket", e->id);
			return;
		}
		if (t->number != 0)
			FAIL("event %" PRId64 ": ticket %" PRId64 " issued twice",
			    e->id, e->ticket);
		t->number = e->number;
		snprintf(t->state, sizeof t->state, "waiting");
		t->counter = 0;
		if (e->number <= 0 || e->number > 9999)
			FAIL("event %" PRId64 ": number %d out of range", e->id, e->number);
		else if (T.used[e->number])
			FAIL("number %d issued twice on %s (ticket %" PRId64 ")",
			    e->number, T.day, e->ticket);
		else
			T.used[e->number] = 1;
		return;
	}
	if (strcmp(ty, "counter_opened") == 0) {
		snprintf(T.cstate[c], sizeof T.cstate[c], "open");
		return;
	}
	if (strcmp(ty, "counter_paused") == 0) {
		snprintf(T.cstate[c], sizeof T.cstate[c], "paused");
		return;
	}
	if (strcmp(ty, "counter_closed") == 0) {
		snprintf(T.cstate[c], sizeof T.cstate[c], "closed");
		return;
	}
	if (strcmp(ty, "day_closed") == 0) {
		/* A new service day: numbers may start again. */
		memset(T.used, 0, sizeof T.used);
		return;
	}
	if (strcmp(ty, "rated") == 0 || t == NULL)
		return;
	if (strcmp(ty, "called") == 0 || strcmp(ty, "recalled") == 0) {
		if (strcmp(ty, "called") == 0 && T.cticket[c] != 0)
			FAIL("event %" PRId64 ": counter %d calls %" PRId64
			    " while holding %" PRId64, e->id, c, e->ticket, T.cticket[c]);
		snprintf(t->state, sizeof t->state, "called");
		t->counter = c;
		T.cticket[c] = e->ticket;
	} else if (strcmp(ty, "started") == 0) {
		snprintf(t->state, sizeof t->state, "serving");
	} else if (strcmp(ty, "finished") == 0 || strcmp(ty, "no_show") == 0) {
		snprintf(t->state, sizeof t->state, "%s",
		    ty[0] == 'f' ? "done" : "no_show");
		if (T.cticket[c] == e->ticket)
			T.cticket[c] = 0;
	} else if (strcmp(ty, "transferred") == 0 || strcmp(ty, "parked") == 0) {
		snprintf(t->state, sizeof t->state, "%s",
		    ty[0] == 't' ? "waiting" : "parked");
		t->counter = 0;
		if (T.cticket[c] == e->ticket)
			T.cticket[c] = 0;
	} else if (strcmp(ty, "unparked") == 0) {
		snprintf(t->state, sizeof t->state, "waiting");
	} else if (strcmp(ty, "cancelled") == 0) {
		/* A day close also cancels called and serving tickets. */
		snprintf(t->state, sizeof t->state, "cancelled");
		if (c > 0 && T.cticket[c] == e->ticket)
			T.cticket[c] = 0;
	}
}

/* Fetch and compare the restored state with the model. */
static void
check_state(struct hn_http *h)
{
	cJSON *st = NULL, *ans;
	const cJSON *it, *t;
	char path[96];
	unsigned char *listed;
	size_t i;
	long code;

	code = hn_req(h, "GET", "/api/v1/state", NULL, &st);
	if (code != 200 || st == NULL) {
		FAIL("GET /api/v1/state after restart: HTTP %ld", code);
		cJSON_Delete(st);
		return;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "counters")) {
		int n = (int)hn_num(it, "number", 0), c = counter_slot(n);
		const char *s = hn_str(it, "state");
		int64_t held = 0;

		t = cJSON_GetObjectItemCaseSensitive(it, "ticket");
		if (cJSON_IsObject(t)) {
			const char *ts = hn_str(t, "state");

			held = (int64_t)hn_num(t, "id", 0);
			if (ts == NULL || (strcmp(ts, "called") && strcmp(ts, "serving")))
				FAIL("counter %d holds ticket %" PRId64 " in state %s",
				    n, held, ts ? ts : "?");
		}
		if (s == NULL || strcmp(s, T.cstate[c]) != 0)
			FAIL("counter %d restored %s, the log says %s", n,
			    s ? s : "?", T.cstate[c]);
		if (held != T.cticket[c])
			FAIL("counter %d restored with ticket %" PRId64
			    ", the log says %" PRId64, n, held, T.cticket[c]);
	}
	listed = calloc(T.ntk + 1, 1);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "waiting")) {
		int64_t id = (int64_t)hn_num(it, "id", 0);
		const char *s = hn_str(it, "state");
		struct mticket *m = id > 0 && (size_t)id < T.ntk ? &T.tk[id] : NULL;

		if (m == NULL || m->number == 0) {
			FAIL("restored waiting ticket %" PRId64 " not in the log", id);
			continue;
		}
		listed[id] = 1;
		if (s == NULL || strcmp(s, m->state) != 0 ||
		    (int)hn_num(it, "number", 0) != m->number)
			FAIL("ticket %" PRId64 " restored %s #%d, the log says %s #%d",
			    id, s ? s : "?", (int)hn_num(it, "number", 0), m->state,
			    m->number);
	}
	for (i = 1; i < T.ntk; i++)
		if (T.tk[i].number != 0 && !listed[i] &&
		    (strcmp(T.tk[i].state, "waiting") == 0 ||
		    strcmp(T.tk[i].state, "parked") == 0))
			FAIL("ticket %zu is %s in the log but not restored", i,
			    T.tk[i].state);
	free(listed);
	cJSON_Delete(st);

	/* Tickets this round touched, one by one. */
	for (i = 0; i < T.log.n; i++) {
		const struct event *e = &T.log.v[i];
		struct mticket *m;
		const char *s;

		if (e->id <= T.verified_id || e->ticket <= 0)
			continue;
		m = model_ticket(e->ticket);
		snprintf(path, sizeof path, "/api/v1/tickets/%" PRId64, e->ticket);
		code = hn_req(h, "GET", path, NULL, &ans);
		t = cJSON_GetObjectItemCaseSensitive(ans, "ticket");
		s = hn_str(t, "state");
		if (code != 200 || s == NULL)
			FAIL("GET ticket %" PRId64 ": HTTP %ld", e->ticket, code);
		else if (strcmp(s, m->state) != 0 ||
		    (int)hn_num(t, "number", 0) != m->number)
			FAIL("ticket %" PRId64 " reads %s #%d, the log says %s #%d",
			    e->ticket, s, (int)hn_num(t, "number", 0), m->state,
			    m->number);
		cJSON_Delete(ans);
	}
}

/* Everything after a kill; the daemon is down when called. */
static void
check_round(struct worker *w, int round)
{
	struct hn_http h;
	struct evlist fresh = { 0 };
	cJSON *hz = NULL;
	const char *day;
	int64_t last, prev, dayclose = 0;
	size_t i, j, k, nin = 0, nack = 0;
	char *used;
	int t;

	check_db(&fresh);
	if (hn_start(&T.d) < 0) {
		FAIL("round %d: the daemon does not start again", round);
		return;
	}
	hn_http_init(&h, T.d.port, T.token);
	if (hn_req(&h, "GET", "/healthz", NULL, &hz) != 200 || hz == NULL) {
		FAIL("round %d: /healthz after restart", round);
		cJSON_Delete(hz);
		hn_http_free(&h);
		return;
	}
	last = (int64_t)hn_num(hz, "last_event_id", -1);
	day = hn_str(hz, "day");
	if (day != NULL && *day != '\0')
		snprintf(T.day, sizeof T.day, "%s", day);
	cJSON_Delete(hz);
	if (T.inject && fresh.n > 0) {
		/* Self-test (-X): lose the newest event, as a broken store would. */
		fresh.n--;
		T.inject = 0;
	}
	prev = T.verified_id;
	for (i = 0; i < fresh.n; i++) {
		if (fresh.v[i].id <= prev)
			FAIL("round %d: event id %" PRId64 " after %" PRId64,
			    round, fresh.v[i].id, prev);
		prev = fresh.v[i].id;
	}
	if (last != prev && !T.injected)
		FAIL("round %d: the daemon restarted at event %" PRId64
		    ", the store's last is %" PRId64, round, last, prev);
	/* Attribution: each acknowledged command has its event... */
	used = calloc(fresh.n + 1, 1);
	for (t = 0; t < T.threads; t++)
		for (k = 0; k < w[t].ncmds; k++) {
			struct cmd *c = &w[t].cmds[k];

			if (c->status < 0) {
				nin++;
				continue;
			}
			if (c->status < 200 || c->status >= 300)
				continue;
			nack++;
			for (i = 0; i < fresh.n; i++)
				if (!used[i] && cmd_made(c, &fresh.v[i])) {
					used[i] = 1;
					c->matched = 1;
					break;
				}
			if (!c->matched)
				FAIL("round %d: acknowledged %s (counter %d, ticket %"
				    PRId64 " #%d, HTTP %ld) has no event in the store",
				    round, op_name[c->op], c->counter, c->ticket,
				    c->number, c->status);
		}
	/*
	 * ...and each other event comes from a command in flight, or from the
	 * daemon's own day close at the start of a new service day (it cancels
	 * what is left and closes the counters, then says day_closed).
	 */
	for (i = 0; i < fresh.n; i++)
		if (strcmp(fresh.v[i].type, "day_closed") == 0)
			dayclose = fresh.v[i].id;
	for (i = 0; i < fresh.n; i++) {
		const struct event *e = &fresh.v[i];
		int found = 0;

		if (used[i])
			continue;
		if (e->id <= dayclose && (strcmp(e->type, "cancelled") == 0 ||
		    strcmp(e->type, "counter_closed") == 0 ||
		    strcmp(e->type, "day_closed") == 0))
			continue;
		for (t = 0; t < T.threads && !found; t++)
			for (k = 0; k < w[t].ncmds; k++) {
				struct cmd *c = &w[t].cmds[k];

				if (c->status < 0 && !c->matched && inflight_made(c, e)) {
					c->matched = found = 1;
					break;
				}
			}
		if (!found)
			FAIL("round %d: event %" PRId64 " %s (ticket %" PRId64
			    ", counter %d) from no acknowledged or pending command",
			    round, e->id, e->type, e->ticket, e->counter);
	}
	free(used);

	/* What the live stream showed must be in the log, the same. */
	pthread_mutex_lock(&T.live_mu);
	for (i = 0, j = 0; i < T.live.n; i++) {
		const struct event *s = &T.live.v[i];

		while (j < fresh.n && fresh.v[j].id < s->id)
			j++;
		if (j == fresh.n || fresh.v[j].id != s->id ||
		    strcmp(fresh.v[j].type, s->type) != 0 ||
		    fresh.v[j].ticket != s->ticket ||
		    fresh.v[j].number != s->number ||
		    fresh.v[j].counter != s->counter)
			FAIL("round %d: event %" PRId64 " %s was shown live but is "
			    "not in the store as shown", round, s->id, s->type);
	}
	T.live.n = 0;
	pthread_mutex_unlock(&T.live_mu);

	/* Move the fresh events into the verified log and the model. */
	for (i = 0; i < fresh.n; i++) {
		evlist_add(&T.log, &fresh.v[i]);
		model_apply(&fresh.v[i]);
	}
	check_state(&h);
	if (T.verbose)
		fprintf(stderr, "round %d: %zu acked, %zu in flight, %zu events "
		    "(%" PRId64 "..%" PRId64 ")\n", round, nack, nin, fresh.n,
		    T.verified_id + 1, last);
	T.inflight += (long)nin;
	T.events += (long)fresh.n;
	if (last > T.verified_id)
		T.verified_id = last;
	free(fresh.v);
	hn_http_free(&h);
}

/* The whole log once more from the start: identical to what was verified. */
static void
check_full_log(void)
{
	struct evlist all = { 0 };
	size_t i;

	if (T.verified_id > 0 &&
	    read_stream(T.d.port, 0, T.verified_id, &all, NULL) < 0)
		FAIL("final: could not replay the whole log");
	if (all.n != T.log.n)
		FAIL("final: the log has %zu events, %zu were verified", all.n, T.log.n);
	for (i = 0; i < all.n && i < T.log.n; i++)
		if (all.v[i].id != T.log.v[i].id ||
		    strcmp(all.v[i].type, T.log.v[i].type) != 0 ||
		    all.v[i].ticket != T.log.v[i].ticket ||
		    all.v[i].number != T.log.v[i].number ||
		    all.v[i].counter != T.log.v[i].counter) {
			FAIL("final: event %" PRId64 " changed after it was verified",
			    T.log.v[i].id);
			break;
		}
	free(all.v);
}

/* Learn counters and queues from the state; set the model's start. */
static int
learn_config(void)
{
	struct hn_http h;
	cJSON *st = NULL;
	const cJSON *it;
	const char *s;

	hn_http_init(&h, T.d.port, T.token);
	if (hn_req(&h, "GET", "/api/v1/state", NULL, &st) != 200 || st == NULL) {
		fprintf(stderr, "torture: GET /api/v1/state failed\n");
		hn_http_free(&h);
		return -1;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "counters")) {
		int n = (int)hn_num(it, "number", 0);

		if (n <= 0 || n >= MAX_COUNTERS || T.ncounters == MAX_COUNTERS - 1)
			continue;
		T.counters[T.ncounters++] = n;
		s = hn_str(it, "state");
		snprintf(T.cstate[n], sizeof T.cstate[n], "%s", s ? s : "?");
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st, "queues")) {
		s = hn_str(it, "code");
		if (s != NULL && T.nqueues < MAX_QUEUES)
			snprintf(T.queues[T.nqueues++], sizeof T.queues[0], "%s", s);
	}
	s = hn_str(st, "day");
	snprintf(T.day, sizeof T.day, "%s", s ? s : "");
	T.verified_id = (int64_t)hn_num(st, "last_event_id", 0);
	cJSON_Delete(st);
	hn_http_free(&h);
	if (T.ncounters == 0 || T.nqueues == 0) {
		fprintf(stderr, "torture: the config has no counters or queues\n");
		return -1;
	}
	/* Keep the run focused: at most 8 counters, so calls find tickets. */
	if (T.ncounters > 8)
		T.ncounters = 8;
	return 0;
}

/* One round: run the clients, kill at a random moment, check. */
static void
run_round(int round, uint64_t *rng)
{
	struct worker w[MAX_THREADS];
	pthread_t live;
	int t, status, port = T.d.port, mode = (int)hn_randn(rng, 4);
	struct timespec ts;

	memset(w, 0, sizeof w);
	T.t_round = hn_now_ms();
	atomic_store(&T.stop, 0);
	atomic_store(&T.acked, 0);
	T.target = 1 + (int)hn_randn(rng, 60);
	T.running = T.threads;
	pthread_create(&live, NULL, live_main, &port);
	for (t = 0; t < T.threads; t++) {
		w[t].index = t;
		w[t].rng = hn_rand(rng) | 1;
		hn_http_init(&w[t].http, port, T.token);
		pthread_create(&w[t].th, NULL, worker_main, &w[t]);
	}
	if (mode == 0) {
		/* Kill after a random few milliseconds of traffic. */
		long us = 200 + (long)hn_randn(rng, 8000);

		ts.tv_sec = 0;
		ts.tv_nsec = us * 1000;
		nanosleep(&ts, NULL);
	} else {
		/* Kill after a random number of acknowledged commands. */
		pthread_mutex_lock(&T.mu);
		while (atomic_load(&T.acked) < T.target && T.running > 0)
			pthread_cond_wait(&T.cv, &T.mu);
		pthread_mutex_unlock(&T.mu);
	}
	if (T.verbose)
		fprintf(stderr, "  round ran %.1f ms\n", hn_now_ms() - T.t_round);
	T.t_kill = hn_now_ms();
	status = hn_stop(&T.d, SIGKILL);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		FAIL("round %d: the daemon ended on its own (wait status 0x%x, "
		    "log %s)", round, status, T.d.logpath);
	atomic_store(&T.stop, 1);
	for (t = 0; t < T.threads; t++)
		pthread_join(w[t].th, NULL);
	pthread_join(live, NULL);
	for (t = 0; t < T.threads; t++) {
		size_t k;

		for (k = 0; k < w[t].ncmds; k++)
			if (w[t].cmds[k].status >= 300)
				T.refused++;
		T.commands += (long)w[t].ncmds;
	}
	if (T.verbose)
		fprintf(stderr, "  joined %.1f ms\n", hn_now_ms() - T.t_kill);
	check_round(w, round);
	for (t = 0; t < T.threads; t++) {
		hn_http_free(&w[t].http);
		free(w[t].cmds);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: torture [-k KILLS] [-s SEED] [-t THREADS] [-w WATCHDOG_S] [-v] [-K] [-X]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct hn_http h;
	uint64_t rng;
	long v;
	char *end;
	int ch, round;
	long watchdog = 1800;
	double t0;

	T.kills = 200;
	T.threads = 4;
	T.seed = 20261128;
	while ((ch = getopt(argc, argv, "k:s:t:w:vKX")) != -1) {
		errno = 0;
		switch (ch) {
		case 'k':
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 1 || v > 1000000)
				usage();
			T.kills = (int)v;
			break;
		case 's':
			T.seed = strtoull(optarg, &end, 10);
			if (errno || *end)
				usage();
			break;
		case 't':
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 1 || v > MAX_THREADS)
				usage();
			T.threads = (int)v;
			break;
		case 'w':
			watchdog = strtol(optarg, &end, 10);
			if (errno || *end || watchdog < 1)
				usage();
			break;
		case 'v': T.verbose = 1; break;
		case 'K': T.keep = 1; break;
		case 'X': T.inject = T.injected = 1; break;
		default: usage();
		}
	}
	rng = T.seed * 2 + 1;
	pthread_mutex_init(&T.mu, NULL);
	pthread_cond_init(&T.cv, NULL);
	pthread_mutex_init(&T.known_mu, NULL);
	pthread_mutex_init(&T.live_mu, NULL);
	hn_watchdog("torture", (unsigned)watchdog);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	t0 = hn_now_ms();

	if (hn_init(&T.d, "torture") < 0)
		return 1;
	if (hn_add_user(&T.d, "admin", "admin", NULL, PASSWORD) < 0 ||
	    hn_start(&T.d) < 0) {
		hn_cleanup(&T.d, 1);
		return 1;
	}
	hn_http_init(&h, T.d.port, NULL);
	if (hn_login(&h, "admin", PASSWORD) < 0) {
		hn_http_free(&h);
		hn_cleanup(&T.d, 1);
		return 1;
	}
	snprintf(T.token, sizeof T.token, "%s", h.token);
	hn_http_free(&h);
	if (learn_config() < 0) {
		hn_cleanup(&T.d, 1);
		return 1;
	}

	for (round = 1; round <= T.kills && T.d.pid > 0; round++)
		run_round(round, &rng);
	if (T.d.pid > 0)
		check_full_log();
	else
		FAIL("the daemon did not come back after round %d", round - 1);

	printf("torture: %d kills, seed %" PRIu64 ", %d threads: %ld commands "
	    "(%ld refused, %ld in flight at a kill), %ld events verified, "
	    "%ld violations, %.1f s\n", round - 1, T.seed, T.threads, T.commands,
	    T.refused, T.inflight, T.events, T.violations,
	    (hn_now_ms() - t0) / 1000.0);
	hn_cleanup(&T.d, T.keep || (T.violations > 0 && !T.injected));
	free(T.log.v);
	free(T.live.v);
	free(T.tk);
	free(T.known_id);
	free(T.known_num);
	curl_global_cleanup();
	return T.violations > 0 ? 1 : 0;
}
