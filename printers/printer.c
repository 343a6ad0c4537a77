/*
 * printer.c - a printer's thread: job queue, status queries, reprint of a
 * job that failed half way, events to the core through an eventfd.
 *
 * Locking: one mutex guards the job queue, the kept job, the event queue,
 * the status and the stop flag.  The thread never holds it during device
 * I/O.  The eventfd is written under the mutex and reset under it when the
 * event queue is found empty, so the core never misses a wake-up.
 *
 * Odd printers: replies left in the input (a DLE EOT byte pair inside
 * raster data makes the printer answer mid-job; a query that timed out may
 * be answered late) are drained before every query, and a reply is only
 * taken when it matches the 0xx1xx10 pattern of DLE EOT replies (automatic
 * status pushes and junk are skipped).  A printer that answers no DLE EOT
 * is asked through the transport's port_status (USB GET_PORT_STATUS).
 */
#include "printers/printer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "printers/printer_conf.h"
#include "printers/transport.h"
#include "common/xmalloc.h"

struct printer_job {
	struct printer_job *next;
	uint64_t id;
	struct ticket_print *t;
	int auto_reprint;        /* failed half way before: print as reprint */
	uint64_t t_submit;
};

struct printer_evnode {
	struct printer_evnode *next;
	struct printer_event ev;
};

struct printer {
	/* configuration (copied) */
	struct printer_conf pc;
	struct printer_options opt;
	const struct transport_ops *ops;

	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int efd;

	/* guarded by mu */
	struct printer_job *head, *tail;
	int njobs;
	struct printer_job *kept;
	struct printer_evnode *ev_head, *ev_tail;
	unsigned status;
	int stop;

	/* thread only */
	void *h;                 /* transport handle, NULL = closed */
	char open_err[200];
	struct ticket_encoder *enc;
	char enc_err[200];
};

/* Monotonic time in ns. */
static uint64_t
printer_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Status names. */
void
printer_status_name(unsigned status, char *out, size_t outlen)
{
	escpos_faults_name(status, out, outlen);
}

/* Queue an event and wake the core (takes the lock). */
static void
printer_emit(struct printer *p, const struct printer_event *ev)
{
	struct printer_evnode *n = xmalloc(sizeof *n);
	uint64_t one = 1;

	n->ev = *ev;
	n->next = NULL;
	pthread_mutex_lock(&p->mu);
	if (p->ev_tail)
		p->ev_tail->next = n;
	else
		p->ev_head = n;
	p->ev_tail = n;
	if (write(p->efd, &one, sizeof one) < 0) {
		/* the counter cannot overflow in practice; nothing to do */
	}
	pthread_mutex_unlock(&p->mu);
}

/* Record a new status; emit STATUS when it changed. */
static void
printer_set_status(struct printer *p, unsigned st, const char *why)
{
	struct printer_event ev;
	unsigned old;

	pthread_mutex_lock(&p->mu);
	old = p->status;
	p->status = st;
	pthread_mutex_unlock(&p->mu);
	if (old == st)
		return;
	memset(&ev, 0, sizeof ev);
	ev.type = PRINTER_EV_STATUS;
	ev.status = st;
	if (why && why[0])
		snprintf(ev.reason, sizeof ev.reason, "%s", why);
	else
		printer_status_name(st, ev.reason, sizeof ev.reason);
	printer_emit(p, &ev);
}

/* Close the transport (device gone or confused). */
static void
printer_close(struct printer *p)
{
	if (p->h) {
		p->ops->close(p->h);
		p->h = NULL;
	}
}

/* Open the transport if closed; 0 when open. */
static int
printer_connect(struct printer *p)
{
	if (p->h)
		return 0;
	p->h = p->ops->open(&p->pc, p->open_err, sizeof p->open_err);
	return p->h ? 0 : -1;
}

/* Ask DLE EOT n; the reply byte, -1 on no reply, -2 when the device is
 * gone. */
static int
printer_ask(struct printer *p, int n, int timeout_ms)
{
	uint8_t q[3] = { 0x10, 0x04, (uint8_t)n }, buf[64];
	uint64_t deadline = printer_now() + (uint64_t)timeout_ms * 1000000u;
	ssize_t got, i;

	if (p->ops->write(p->h, q, 3, timeout_ms) != 3)
		return -2;
	for (;;) {
		uint64_t now = printer_now();
		int left = now >= deadline ? 0 :
		    (int)((deadline - now) / 1000000u);
		if (left == 0)
			return -1;
		got = p->ops->read(p->h, buf, sizeof buf, left);
		if (got < 0)
			return -2;
		/* the first byte that looks like a status reply */
		for (i = 0; i < got; i++)
			if ((buf[i] & 0x93) == 0x12)
				return buf[i];
	}
}

/*
 * Query the printer's status into *st with a reason for people.  Drains
 * stale input first.  first_ms bounds the wait for the first reply (long
 * after a job: the query waits behind the job's bytes).
 */
static unsigned
printer_query(struct printer *p, int first_ms, char *why, size_t whylen)
{
	static const int which[] = { 1, 2, 4 };
	uint8_t junk[64];
	unsigned st = 0, ps;
	int i, r, answered = 0, k;

	why[0] = '\0';
	if (printer_connect(p) < 0) {
		snprintf(why, whylen, "Không kết nối được máy in (%.120s).", p->open_err);
		return PRINTER_ST_GONE;
	}
	for (k = 0; k < 16 && p->ops->read(p->h, junk, sizeof junk, 0) > 0; k++)
		;
	for (i = 0; i < 3; i++) {
		r = printer_ask(p, which[i], i == 0 ? first_ms : p->opt.reply_ms);
		if (r == -2) {
			printer_close(p);
			snprintf(why, whylen, "Mất kết nối với máy in (lỗi đọc ghi).");
			return PRINTER_ST_GONE;
		}
		if (r < 0) {
			if (i == 0)
				break;  /* no answer at all: try the port */
			continue;
		}
		answered++;
		st |= (unsigned)escpos_status_parse(which[i], (uint8_t)r);
	}
	if (answered == 0) {
		if (p->ops->port_status && p->ops->port_status(p->h, &ps) == 0)
			st = ps;
		else {
			snprintf(why, whylen, "Máy in không trả lời.");
			printer_close(p);
			return PRINTER_ST_GONE;
		}
	}
	/* offline with a known cause: the cause says it */
	if ((st & PRINTER_ST_OFFLINE) && (st & (PRINTER_ST_PAPER_END |
	    PRINTER_ST_COVER_OPEN | PRINTER_ST_ERROR)))
		st &= ~PRINTER_ST_OFFLINE;
	if (st & PRINTER_ST_PAPER_END)
		snprintf(why, whylen, "Máy in hết giấy.");
	else if (st & PRINTER_ST_COVER_OPEN)
		snprintf(why, whylen, "Nắp máy in đang mở.");
	else if (st & PRINTER_ST_ERROR)
		snprintf(why, whylen, "Máy in báo lỗi.");
	else if (st & PRINTER_ST_OFFLINE)
		snprintf(why, whylen, "Máy in đang tạm ngừng (offline).");
	else if (st & PRINTER_ST_NEAR_END)
		snprintf(why, whylen, "Giấy sắp hết.");
	return st;
}

/* Fail a job: emit JOB_FAILED. */
static void
printer_fail(struct printer *p, struct printer_job *j, int kept,
    unsigned st, const char *why)
{
	struct printer_event ev;

	memset(&ev, 0, sizeof ev);
	{
	const char *w = why && why[0] ? why : "Máy in không in được.";
	size_t n = strlen(w);

	if (n >= sizeof ev.reason)
		n = sizeof ev.reason - 1;
	memcpy(ev.reason, w, n);
	ev.reason[n] = '\0';
	}
	ev.type = PRINTER_EV_JOB_FAILED;
	ev.job_id = j->id;
	ev.kept = kept;
	ev.status = st;
	printer_emit(p, &ev);
}

/* Free a job. */
static void
printer_job_free(struct printer_job *j)
{
	if (j == NULL)
		return;
	ticket_print_free(j->t);
	free(j);
}

/* Keep j to print again when the printer is back. */
static void
printer_keep(struct printer *p, struct printer_job *j)
{
	j->auto_reprint = 1;
	pthread_mutex_lock(&p->mu);
	if (p->kept) {
		/* one kept job at most: the newer one waits at the front */
		j->next = p->head;
		p->head = j;
		if (p->tail == NULL)
			p->tail = j;
		p->njobs++;
	} else
		p->kept = j;
	pthread_mutex_unlock(&p->mu);
}

/* Run one job. */
static void
printer_run(struct printer *p, struct printer_job *j)
{
	struct printer_event ev;
	char why[200], err[512];
	uint8_t *bytes = NULL;
	size_t len = 0;
	uint64_t t_enc;
	unsigned st;
	ssize_t n;

	st = printer_query(p, p->opt.reply_ms, why, sizeof why);
	printer_set_status(p, st, why);
	if (st & PRINTER_ST_CANNOT_PRINT) {
		if (j->auto_reprint)
			printer_keep(p, j);     /* still waiting for the printer */
		else {
			printer_fail(p, j, 0, st, why);
			printer_job_free(j);
		}
		return;
	}
	if (p->enc == NULL)
		p->enc = ticket_encoder_new(p->enc_err, sizeof p->enc_err);
	if (j->auto_reprint)
		j->t->reprint = 1;
	if (p->enc == NULL || ticket_encode(p->enc, &p->pc, j->t, &bytes, &len,
	    err, sizeof err) < 0) {
		printer_fail(p, j, 0, st, p->enc ? err : p->enc_err);
		printer_job_free(j);
		return;
	}
	t_enc = printer_now();
	n = p->ops->write(p->h, bytes, len, p->opt.io_timeout_ms);
	free(bytes);
	if (n < (ssize_t)len) {
		if (n < 0)
			printer_close(p);
		st = printer_query(p, p->opt.reply_ms, why, sizeof why);
		printer_set_status(p, st, why);
		snprintf(err, sizeof err, "Máy in dừng khi đang in vé (đã nhận "
		    "%zd trên %zu byte)%s%s", n < 0 ? 0 : n, len, why[0] ? ": " : ".",
		    why);
		if (n <= 0 && !j->auto_reprint) {
			printer_fail(p, j, 0, st, err);
			printer_job_free(j);
		} else {
			if (!j->auto_reprint)
				printer_fail(p, j, 1, st, err);
			printer_keep(p, j);
		}
		return;
	}
	memset(&ev, 0, sizeof ev);
	ev.t_sent_ns = printer_now();
	st = printer_query(p, p->opt.io_timeout_ms, why, sizeof why);
	printer_set_status(p, st, why);
	if (st & PRINTER_ST_CANNOT_PRINT) {
		snprintf(err, sizeof err, "Máy in dừng khi đang in vé: %s", why);
		if (!j->auto_reprint)
			printer_fail(p, j, 1, st, err);
		printer_keep(p, j);
		return;
	}
	ev.type = PRINTER_EV_JOB_DONE;
	ev.job_id = j->id;
	ev.reprint = j->t->reprint;
	ev.status = st;
	ev.bytes = len;
	ev.t_submit_ns = j->t_submit;
	ev.t_encoded_ns = t_enc;
	printer_emit(p, &ev);
	printer_job_free(j);
}

/* The thread. */
static void *
printer_main(void *arg)
{
	struct printer *p = arg;
	struct printer_job *j;
	struct timespec until;
	char why[200];
	unsigned st;
	int poll_due = 1;

	/* fonts load once, before the first ticket is asked for */
	p->enc = ticket_encoder_new(p->enc_err, sizeof p->enc_err);
	for (;;) {
		pthread_mutex_lock(&p->mu);
		if (!poll_due) {
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += p->opt.poll_ms / 1000;
			until.tv_nsec += (long)(p->opt.poll_ms % 1000) * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			while (!p->stop && p->head == NULL &&
			    !(p->kept && !(p->status & PRINTER_ST_CANNOT_PRINT))) {
				if (pthread_cond_timedwait(&p->cv, &p->mu,
				    &until) == ETIMEDOUT) {
					poll_due = 1;
					break;
				}
			}
		}
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		j = NULL;
		if (p->kept && !(p->status & PRINTER_ST_CANNOT_PRINT)) {
			j = p->kept;
			p->kept = NULL;
		} else if (p->head && !poll_due) {
			j = p->head;
			p->head = j->next;
			if (p->head == NULL)
				p->tail = NULL;
			p->njobs--;
			j->next = NULL;
		}
		pthread_mutex_unlock(&p->mu);
		if (j) {
			printer_run(p, j);
			continue;
		}
		poll_due = 0;
		st = printer_query(p, p->opt.reply_ms, why, sizeof why);
		printer_set_status(p, st, why);
	}
	printer_close(p);
	ticket_encoder_free(p->enc);
	return NULL;
}

/* Start a printer. */
struct printer *
printer_start(const struct printer_conf *pc,
    const struct printer_options *opt, char *err, size_t errlen)
{
	const struct transport_ops *ops = transport_find(pc->driver);
	struct printer *p;
	pthread_condattr_t ca;

	if (ops == NULL) {
		snprintf(err, errlen, "printer %s: unknown driver \"%s\"",
		    pc->id ? pc->id : "?", pc->driver ? pc->driver : "");
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->ops = ops;
	p->pc = *pc;
#define DUP(f) p->pc.f = pc->f ? xstrdup(pc->f) : NULL
	DUP(id); DUP(driver); DUP(device); DUP(flow); DUP(codepage);
#undef DUP
	p->opt.poll_ms = opt && opt->poll_ms > 0 ? opt->poll_ms : 2000;
	p->opt.io_timeout_ms = opt && opt->io_timeout_ms > 0 ?
	    opt->io_timeout_ms : 5000;
	p->opt.reply_ms = opt && opt->reply_ms > 0 ? opt->reply_ms : 1000;
	p->status = PRINTER_ST_GONE;      /* until the first query */
	if ((p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	if ((errno = pthread_create(&p->thread, NULL, printer_main, p)) != 0) {
		snprintf(err, errlen, "pthread_create: %s", strerror(errno));
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
		close(p->efd);
		goto fail;
	}
	return p;
fail:
	free((void *)p->pc.id); free((void *)p->pc.driver); free((void *)p->pc.device);
	free((void *)p->pc.flow); free((void *)p->pc.codepage);
	free(p);
	return NULL;
}

/* Queue a ticket. */
int
printer_submit(struct printer *p, const struct ticket_print *t,
    uint64_t job_id)
{
	struct printer_job *j;

	pthread_mutex_lock(&p->mu);
	if (p->njobs >= PRINTER_QUEUE_MAX) {
		pthread_mutex_unlock(&p->mu);
		errno = EAGAIN;
		return -1;
	}
	pthread_mutex_unlock(&p->mu);
	j = xcalloc(1, sizeof *j);
	j->id = job_id;
	j->t = ticket_print_dup(t);
	j->t_submit = printer_now();
	pthread_mutex_lock(&p->mu);
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	p->njobs++;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

/* The eventfd. */
int
printer_fd(const struct printer *p)
{
	return p->efd;
}

/* Pop one event. */
int
printer_next_event(struct printer *p, struct printer_event *ev)
{
	struct printer_evnode *n;
	uint64_t v;

	pthread_mutex_lock(&p->mu);
	n = p->ev_head;
	if (n == NULL) {
		if (read(p->efd, &v, sizeof v) < 0) {
			/* EAGAIN: already reset */
		}
		pthread_mutex_unlock(&p->mu);
		return 0;
	}
	p->ev_head = n->next;
	if (p->ev_head == NULL)
		p->ev_tail = NULL;
	pthread_mutex_unlock(&p->mu);
	*ev = n->ev;
	free(n);
	return 1;
}

/* Last known status. */
unsigned
printer_status(struct printer *p)
{
	unsigned st;

	pthread_mutex_lock(&p->mu);
	st = p->status;
	pthread_mutex_unlock(&p->mu);
	return st;
}

/* Stop and free. */
void
printer_stop(struct printer *p)
{
	struct printer_job *j;
	struct printer_evnode *n;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	while ((j = p->head) != NULL) {
		p->head = j->next;
		printer_job_free(j);
	}
	printer_job_free(p->kept);
	while ((n = p->ev_head) != NULL) {
		p->ev_head = n->next;
		free(n);
	}
	close(p->efd);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free((void *)p->pc.id); free((void *)p->pc.driver); free((void *)p->pc.device);
	free((void *)p->pc.flow); free((void *)p->pc.codepage);
	free(p);
}
