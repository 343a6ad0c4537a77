/*
 * bench_bus.c - the RS-485 line's figures with 32 boards (16 counters: a
 * number board and a caller keypad each) at 19,200 and 115,200 baud: the
 * full poll cycle, and the latency from a key press (Next) at a keypad to
 * the new number on its counter's number board and to the SSE event, p50
 * and p99, next to the bound the bus's own bit time sets for that traffic:
 *
 *   debounce (20 ms, on the board) + waiting for the poll (half a cycle for
 *   p50, a whole cycle for p99) + the poll's wire time + the FC16 display
 *   write's wire time (the SSE event needs no write: the poll only).
 *
 * Each transaction is paced to its wire time by the master, so the pty of
 * the simulator keeps the real line's timing.  Presses come at random
 * phases of the cycle (seeded).  Output: one table per baud rate.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/dev/bus.h"
#include "../../integration/bus/busrig.h"
#include "firmware/proto/board_regs.h"

#define NCOUNTERS 16
#define PRESSES 120
#define DEBOUNCE_MS 20.0

static struct hn_daemon D;
static struct br_sim S;
static struct hn_http H;

/* Face changes seen on the simulator's stdout, and SSE calls. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static double face_at[NCOUNTERS + 1];
static int face_num[NCOUNTERS + 1];
static double sse_at[NCOUNTERS + 1];
static int sse_num[NCOUNTERS + 1];
static volatile int stopping;

static void *
face_reader(void *arg)
{
	FILE *f = fdopen(S.out, "r");
	char line[512];

	(void)arg;
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		long a = br_field(line, "addr"), n = br_field(line, "number");
		if (strstr(line, "role=number") == NULL || a < 1 || a > NCOUNTERS)
			continue;
		pthread_mutex_lock(&mu);
		if (n != face_num[a]) {
			face_num[a] = (int)n;
			face_at[a] = hn_now_ms();
		}
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static size_t
sse_write(char *p, size_t size, size_t n, void *arg)
{
	static char buf[1 << 16];
	static size_t len;
	char *blk;

	(void)arg;
	size *= n;
	if (len + size >= sizeof buf)
		len = 0;
	memcpy(buf + len, p, size);
	len += size;
	buf[len] = '\0';
	while ((blk = strstr(buf, "\n\n")) != NULL) {
		char *data = strstr(buf, "data: ");
		*blk = '\0';
		if (data != NULL) {
			cJSON *o = cJSON_Parse(data + 6);
			const char *t = hn_str(o, "type");
			int c = (int)hn_num(o, "counter", -1);
			if (t != NULL && strcmp(t, "called") == 0 && c >= 1 && c <= NCOUNTERS) {
				pthread_mutex_lock(&mu);
				sse_at[c] = hn_now_ms();
				sse_num[c] = (int)hn_num(o, "number", -1);
				pthread_mutex_unlock(&mu);
			}
			cJSON_Delete(o);
		}
		len -= (size_t)(blk + 2 - buf);
		memmove(buf, blk + 2, len + 1);
	}
	return stopping ? 0 : size;
}

static void *
sse_reader(void *arg)
{
	char url[512];
	CURL *c = curl_easy_init();

	(void)arg;
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/events?token=%s", D.port, H.token);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sse_write);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_perform(c);
	curl_easy_cleanup(c);
	return NULL;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
pct(double *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);
	return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

static int
run(int baud)
{
	char boards[8192], spec[128], link[600], ans[256];
	size_t off = 0;
	double disp[PRESSES], ev[PRESSES], cycle_ms = 0;
	int nd = 0, ne = 0, ncycle = 0;
	pthread_t fr, sr;
	uint64_t rng = 20261128;
	struct bus_timing t;
	int rc = -1;

	memset(face_num, 0, sizeof face_num);
	stopping = 0;
	for (int c = 1; c <= NCOUNTERS; c++)
		off += (size_t)snprintf(boards + off, sizeof boards - off,
		    "[board bus-test/%d]\nrole = number\ncounter = %d\n\n", c, c);
	for (int c = 1; c <= NCOUNTERS; c++)
		off += (size_t)snprintf(boards + off, sizeof boards - off,
		    "[board bus-test/%d]\nrole = caller\ncounter = %d\n\n", 100 + c, c);
	snprintf(spec, sizeof spec, "1-%d:number,101-%d:caller", NCOUNTERS, 100 + NCOUNTERS);
	if (hn_init(&D, "busbench") != 0)
		return -1;
	snprintf(link, sizeof link, "%s/rs485", D.dir);
	if (br_write_ini(&D, link, baud, boards) != 0 ||
	    hn_add_user(&D, "admin", "admin", NULL, "bench-pw-1") != 0 ||
	    br_sim_start(&S, D.dir, spec, baud, 1) != 0 || hn_start(&D) != 0)
		goto out;
	hn_http_init(&H, D.port, NULL);
	if (hn_login(&H, "admin", "bench-pw-1") != 0)
		goto out;
	if (getenv("BENCH_DEBUG") != NULL)
		fprintf(stderr, "started, %.0f ms\n", hn_now_ms());
	pthread_create(&fr, NULL, face_reader, NULL);
	pthread_create(&sr, NULL, sse_reader, NULL);
	/* Tickets in every queue, every counter opened. */
	{
		cJSON *st = NULL, *q;
		hn_req(&H, "GET", "/api/v1/state", NULL, &st);
		cJSON_ArrayForEach(q, cJSON_GetObjectItem(st, "queues")) {
			char body[96];
			snprintf(body, sizeof body, "{\"queue\":\"%s\"}", hn_str(q, "code"));
			for (int i = 0; i < 14; i++)
				hn_req(&H, "POST", "/api/v1/tickets", body, NULL);
		}
		cJSON_Delete(st);
		for (int c = 1; c <= NCOUNTERS; c++) {
			char path[64];
			snprintf(path, sizeof path, "/api/v1/counters/%d/open", c);
			hn_req(&H, "POST", path, "{}", NULL);
		}
	}
	if (getenv("BENCH_DEBUG") != NULL)
		fprintf(stderr, "tickets issued, %.0f ms\n", hn_now_ms());
	/* Every board online before measuring. */
	for (double end = hn_now_ms() + 20000; hn_now_ms() < end;) {
		cJSON *all, *b = br_board(&H, 1, &all), *x;
		int online = 0;
		(void)b;
		cJSON_ArrayForEach(x, cJSON_GetObjectItem(all, "boards"))
			online += hn_str(x, "state") && strcmp(hn_str(x, "state"), "online") == 0;
		cJSON_Delete(all);
		if (online == 2 * NCOUNTERS)
			break;
		usleep(50000);
	}
	if (getenv("BENCH_DEBUG") != NULL)
		fprintf(stderr, "online, %.0f ms\n", hn_now_ms());
	bus_timing_of(baud, 'N', &t);
	for (int i = 0; i < PRESSES; i++) {
		int c = 1 + (int)hn_randn(&rng, NCOUNTERS), fd;
		double t0, fa = 0, sa = 0;
		int before_face, before_sse;

		/* a random phase of the poll cycle */
		usleep((useconds_t)hn_randn(&rng, 32 * (unsigned)bus_wire_us(&t, BUS_POLL_REQ, BUS_POLL_RSP)));
		pthread_mutex_lock(&mu);
		before_face = face_num[c];
		before_sse = sse_num[c];
		pthread_mutex_unlock(&mu);
		t0 = hn_now_ms();
		fd = br_ctl_send(&S, "press %d next", 100 + c);
		for (double end = t0 + 5000; hn_now_ms() < end;) {
			pthread_mutex_lock(&mu);
			if (fa == 0 && face_num[c] != before_face && face_at[c] >= t0)
				fa = face_at[c];
			if (sa == 0 && sse_num[c] != before_sse && sse_at[c] >= t0)
				sa = sse_at[c];
			pthread_mutex_unlock(&mu);
			if (fa > 0 && sa > 0)
				break;
			usleep(200);
		}
		br_ctl_answer(fd, ans, sizeof ans);
		if (getenv("BENCH_DEBUG") != NULL)
			fprintf(stderr, "press %d at %d: %s face %.1f sse %.1f\n", i, c, ans,
			    fa > 0 ? fa - t0 : -1, sa > 0 ? sa - t0 : -1);
		if (fa > 0)
			disp[nd++] = fa - t0;
		if (sa > 0)
			ev[ne++] = sa - t0;
	}
	{
		cJSON *all = NULL, *l;
		hn_req(&H, "GET", "/api/v1/boards", NULL, &all);
		l = cJSON_GetArrayItem(cJSON_GetObjectItem(all, "lines"), 0);
		cycle_ms = hn_num(l, "cycle_ms", 0);
		ncycle = (int)hn_num(l, "cycle_polls", 0);
		cJSON_Delete(all);
	}
	qsort(disp, (size_t)nd, sizeof *disp, cmp_d);
	qsort(ev, (size_t)ne, sizeof *ev, cmp_d);
	{
		double poll = bus_wire_us(&t, BUS_POLL_REQ, BUS_POLL_RSP) / 1000.0;
		double wr = bus_wire_us(&t, BUS_WRITE_REQ(2), BUS_WRITE_RSP) / 1000.0;
		double cyc = 2 * NCOUNTERS * poll;
		printf("%d baud, %d boards on one line (%d presses, %d shown, %d events):\n",
		    baud, 2 * NCOUNTERS, PRESSES, nd, ne);
		printf("  poll cycle        measured %7.1f ms (%d polls)   bound %7.1f ms (%d x %.2f ms of wire)\n",
		    cycle_ms, ncycle, cyc, 2 * NCOUNTERS, poll);
		if (nd > 0)
			printf("  press -> display  p50 %7.1f ms  p99 %7.1f ms   bound p50 %7.1f  p99 %7.1f ms   p99/bound %.2f\n",
			    pct(disp, nd, 0.5), pct(disp, nd, 0.99),
			    DEBOUNCE_MS + cyc / 2 + poll + wr, DEBOUNCE_MS + cyc + poll + wr,
			    pct(disp, nd, 0.99) / (DEBOUNCE_MS + cyc + poll + wr));
		if (ne > 0)
			printf("  press -> SSE      p50 %7.1f ms  p99 %7.1f ms   bound p50 %7.1f  p99 %7.1f ms   p99/bound %.2f\n",
			    pct(ev, ne, 0.5), pct(ev, ne, 0.99),
			    DEBOUNCE_MS + cyc / 2 + poll, DEBOUNCE_MS + cyc + poll,
			    pct(ev, ne, 0.99) / (DEBOUNCE_MS + cyc + poll));
	}
	rc = nd == PRESSES && ne == PRESSES ? 0 : -1;
	stopping = 1;
	hn_stop(&D, SIGTERM);
	pthread_join(sr, NULL);
	br_sim_stop(&S, SIGTERM);
	pthread_join(fr, NULL);
	hn_http_free(&H);
out:
	br_sim_stop(&S, SIGTERM);
	hn_cleanup(&D, rc != 0);
	return rc;
}

int
main(void)
{
	int rc = 0;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	S.out = -1;
	if (run(19200) != 0)
		rc = 1;
	if (run(115200) != 0)
		rc = 1;
	curl_global_cleanup();
	return rc;
}
