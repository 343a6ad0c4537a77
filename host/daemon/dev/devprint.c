/*
 * devprint.c - printers: jobs from committed tickets, events back to the
 * core thread through each printer's fd.
 *
 * A job remembers who waits for it.  A waiter is answered once: when the job
 * is done, when it fails, or when it has taken too long (the job itself goes
 * on; a later reprint is only logged).
 */
#include "daemon/dev/devprint.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "printers/printer.h"
#include "printers/printer_conf.h"
#include "printers/ticket.h"
#include "common/xmalloc.h"

#define DEVPRINT_WAIT_MS 15000

struct devprint_job {
	uint64_t id;
	int printer;
	int64_t ticket;
	int reprint;
	devprint_done_fn *done;
	void *arg;
	int64_t deadline;
	struct devprint_job *next;
};

struct devprint {
	core *core;
	loop *loop;
	int n;
	struct printer **p;
	unsigned *last_status;
	int *known;                  /* a status came from the printer */
	struct devprint_job *jobs;
	uint64_t next_job;
	uint64_t timer;
};

/* Take the job with this id out of the list; NULL when not there. */
static struct devprint_job *
devprint_take(devprint *d, uint64_t id)
{
	struct devprint_job **jp, *j;

	for (jp = &d->jobs; (j = *jp) != NULL; jp = &j->next)
		if (j->id == id) {
			*jp = j->next;
			return j;
		}
	return NULL;
}

/*
 * A job that printed nothing of a new ticket (not a reprint) voids the
 * ticket: it is cancelled and its number is never given again, so nobody
 * holds a number the system shows as waiting without a paper.  Then the
 * waiter is told.
 */
static void
devprint_finish(devprint *d, struct devprint_job *j, int printed, int kept,
    const char *reason)
{
	if (!printed && !kept && !j->reprint) {
		struct engine_cmd cmd = engine_cmd_make(ENGINE_CANCEL);
		struct engine_result res;

		cmd.ticket = j->ticket;
		snprintf(cmd.reason, sizeof cmd.reason, "Máy in không in được vé");
		if (core_exec(d->core, &cmd, &res) != 0)
			log_warnx("cannot void ticket %lld after a failed print",
			    (long long)j->ticket);
	}
	j->done(j->arg, printed, kept, reason);
	free(j);
}

static void
devprint_on_fd(int fd, short revents, void *arg)
{
	devprint *d = arg;
	struct printer_event ev;
	struct devprint_job *j;
	char st[128];
	int i;

	(void)revents;
	for (i = 0; i < d->n && printer_fd(d->p[i]) != fd; i++)
		;
	if (i == d->n)
		return;
	while (printer_next_event(d->p[i], &ev) == 1) {
		const char *id = core_config(d->core)->printers[i].id;
		d->known[i] = 1;
		switch (ev.type) {
		case PRINTER_EV_STATUS:
			printer_status_name(ev.status, st, sizeof st);
			if (ev.status != d->last_status[i])
				log_info("printer %s: %s%s%s", id, st,
				    ev.reason[0] ? ": " : "", ev.reason);
			d->last_status[i] = ev.status;
			break;
		case PRINTER_EV_JOB_DONE:
			log_debug("printer %s: job %llu printed (%zu bytes)%s", id,
			    (unsigned long long)ev.job_id, ev.bytes,
			    ev.reprint ? ", reprint" : "");
			if ((j = devprint_take(d, ev.job_id)) != NULL)
				devprint_finish(d, j, 1, 0, NULL);
			break;
		case PRINTER_EV_JOB_FAILED:
			log_warnx("printer %s: job %llu failed%s: %s", id,
			    (unsigned long long)ev.job_id,
			    ev.kept ? " half way (will reprint)" : "", ev.reason);
			if ((j = devprint_take(d, ev.job_id)) != NULL)
				devprint_finish(d, j, 0, ev.kept, ev.reason);
			break;
		}
	}
}

/* Answer waiters whose job takes too long (the job goes on). */
static int64_t
devprint_tick(void *arg)
{
	devprint *d = arg;
	struct devprint_job **jp, *j;
	int64_t now = loop_now_ms();

	for (jp = &d->jobs; (j = *jp) != NULL;) {
		if (j->deadline <= now) {
			*jp = j->next;
			devprint_finish(d, j, 0, 1, "Máy in không trả lời kịp; vé "
			    "sẽ được in khi máy in sẵn sàng.");
		} else
			jp = &j->next;
	}
	return 1000;
}

/* The printers' view of a [printer] section (strings borrowed from cp). */
static void
devprint_conf(const struct config_printer *cp, struct printer_conf *pc)
{
	pc->id = cp->id;
	pc->driver = cp->driver;
	pc->device = cp->device;
	pc->baud = cp->baud;
	pc->flow = cp->flow;
	pc->paper_dots = cp->paper_dots;
	pc->codepage = cp->codepage;
	pc->native_qr = cp->native_qr;
}

devprint *
devprint_start(core *c, loop *l, char *err, size_t errlen)
{
	const struct config *cfg = core_config(c);
	devprint *d = xcalloc(1, sizeof *d);
	int i;

	d->core = c;
	d->loop = l;
	d->next_job = 1;
	d->p = xcalloc((size_t)cfg->nprinters + 1, sizeof *d->p);
	d->last_status = xcalloc((size_t)cfg->nprinters + 1, sizeof *d->last_status);
	d->known = xcalloc((size_t)cfg->nprinters + 1, sizeof *d->known);
	for (i = 0; i < cfg->nprinters; i++) {
		struct printer_conf pc;

		devprint_conf(&cfg->printers[i], &pc);
		if ((d->p[i] = printer_start(&pc, NULL, err, errlen)) == NULL) {
			d->n = i;
			devprint_stop(d);
			return NULL;
		}
		d->n = i + 1;
		loop_add_fd(l, printer_fd(d->p[i]), POLLIN, devprint_on_fd, d);
	}
	d->timer = loop_add_timer(l, 1000, devprint_tick, d);
	return d;
}

void
devprint_stop(devprint *d)
{
	struct devprint_job *j;
	int i;

	if (d == NULL)
		return;
	while ((j = d->jobs) != NULL) {
		d->jobs = j->next;
		devprint_finish(d, j, 0, 0, "Hệ thống đang dừng.");
	}
	for (i = 0; i < d->n; i++) {
		loop_del_fd(d->loop, printer_fd(d->p[i]));
		printer_stop(d->p[i]);
	}
	if (d->timer != 0)
		loop_del_timer(d->loop, d->timer);
	free(d->p);
	free(d->last_status);
	free(d->known);
	free(d);
}

int
devprint_kiosk_printer(devprint *d, int kiosk)
{
	const struct config *cfg = core_config(d->core);

	if (kiosk < 0 || kiosk >= cfg->nkiosks)
		return -1;
	return cfg->kiosks[kiosk].printer_index < d->n ? cfg->kiosks[kiosk].printer_index : -1;
}

int
devprint_ready(devprint *d, int printer, char *reason, size_t len)
{
	unsigned st;

	if (printer < 0 || printer >= d->n) {
		snprintf(reason, len, "Không có máy in.");
		return 0;
	}
	/* Until the printer has answered once (just after start) its state is
	   unknown: let the job's own status query decide (a job that cannot
	   print fails at once and the ticket is voided). */
	if (!d->known[printer])
		return 1;
	st = printer_status(d->p[printer]);
	if ((st & PRINTER_ST_CANNOT_PRINT) == 0)
		return 1;
	if (st & PRINTER_ST_PAPER_END)
		snprintf(reason, len, "Máy in hết giấy.");
	else if (st & PRINTER_ST_COVER_OPEN)
		snprintf(reason, len, "Nắp máy in đang mở.");
	else if (st & PRINTER_ST_GONE)
		snprintf(reason, len, "Không kết nối được máy in.");
	else if (st & PRINTER_ST_ERROR)
		snprintf(reason, len, "Máy in đang lỗi.");
	else
		snprintf(reason, len, "Máy in đang tạm ngừng (offline).");
	return 0;
}

/* "3, 4, 5": the counters the ticket names (config_ticket_counters). */
static void
devprint_counters(const struct config *cfg, const struct engine_ticket *t,
    char *out, size_t len)
{
	int idx[CONFIG_MAX_COUNTERS], n, i;
	size_t o = 0;

	out[0] = '\0';
	n = config_ticket_counters(cfg, t->queue, t->assigned_counter, idx, CONFIG_MAX_COUNTERS);
	for (i = 0; i < n && o + 8 < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%d", o ? ", " : "",
		    cfg->counters[idx[i]].number);
}

int
devprint_print(devprint *d, int printer, int64_t ticket, int reprint,
    devprint_done_fn *done, void *arg)
{
	const struct config *cfg = core_config(d->core);
	engine *e = core_engine(d->core);
	const struct engine_ticket *t = engine_ticket_by_id(e, ticket);
	struct ticket_print tp;
	struct devprint_job *j;
	char number[8], counters[160], *url;
	int ahead = 0, est = 0;

	if (t == NULL || printer < 0 || printer >= d->n)
		return -1;
	if (t->state == ENGINE_T_WAITING)
		engine_position(e, t->id, &ahead, &est);
	else {
		ahead = t->ahead;
		est = t->est_wait_s;
	}
	snprintf(number, sizeof number, "%04d", t->number);
	devprint_counters(cfg, t, counters, sizeof counters);
	xasprintf(&url, "%s%s", cfg->public_url != NULL ? cfg->public_url : "", t->code);
	memset(&tp, 0, sizeof tp);
	tp.centre = cfg->centre_name;
	tp.address = cfg->centre_address;
	tp.number = number;
	/* class 0 is normal: nothing printed */
	tp.priority = t->priority > 0 && t->priority <= cfg->npriority ?
	    cfg->priority[t->priority].name : NULL;
	tp.queue = t->queue >= 0 ? cfg->queues[t->queue].name : "";
	tp.procedure = t->procedure >= 0 ? cfg->procedures[t->procedure].name : NULL;
	tp.counters = counters;
	tp.ahead = ahead;
	tp.wait_min = (est + 59) / 60;
	engine_estimate_range(e, est, &tp.wait_low_s, &tp.wait_high_s);
	tp.issued = (time_t)t->issued_at;
	tp.url = url;
	tp.footer = cfg->footer;
	tp.reprint = reprint;
	j = xcalloc(1, sizeof *j);
	j->id = d->next_job++;
	if (printer_submit(d->p[printer], &tp, j->id) != 0) {
		free(url);
		free(j);
		return -1;
	}
	free(url);
	j->printer = printer;
	j->ticket = ticket;
	j->reprint = reprint;
	j->done = done;
	j->arg = arg;
	j->deadline = loop_now_ms() + DEVPRINT_WAIT_MS;
	j->next = d->jobs;
	d->jobs = j;
	return 0;
}

cJSON *
devprint_json(devprint *d)
{
	const struct config *cfg = core_config(d->core);
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "printers");
	char st[128];
	int i;

	for (i = 0; i < d->n; i++) {
		cJSON *p = cJSON_CreateObject();
		unsigned s = printer_status(d->p[i]);
		printer_status_name(s, st, sizeof st);
		cJSON_AddStringToObject(p, "id", cfg->printers[i].id);
		cJSON_AddStringToObject(p, "status", st);
		cJSON_AddBoolToObject(p, "ready", (s & PRINTER_ST_CANNOT_PRINT) == 0);
		cJSON_AddItemToArray(arr, p);
	}
	return o;
}
