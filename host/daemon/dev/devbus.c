/*
 * devbus.c - the counter boards in the core thread: one bus_line (thread)
 * per [line] of the config, messages in through the loop, commands out
 * through a queue that never blocks the core.
 *
 * A key event becomes engine commands with its key (line, address, boot,
 * seq) written by store_bus_mark in the same batch; once the batch is
 * committed the line is told to acknowledge it, and if the batch failed it
 * is told to read it again.  A head that is the last committed key of its
 * board (bus_key_is_dup) is only acknowledged again.  A press the engine
 * refuses (counter busy, nothing waiting...) is recorded and acknowledged
 * too: it was applied, as a refusal, once.  Committed events (through
 * core_add_listener) become display writes: the number board and caller
 * keypad of the counter, the rating keypad's prompt, the hall boards of the
 * counter's area.  See host/docs/bus.md.
 */
#include "daemon/dev/devbus.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/dev/bus.h"
#include "common/log.h"
#include "firmware/proto/board_regs.h"
#include "common/xmalloc.h"

#define DEVBUS_FLASH_S 10
#define DEVBUS_PAUSE_REASON "Tạm dừng từ bàn phím"

enum db_state { DB_UNKNOWN = 0, DB_ONLINE, DB_OFFLINE };

struct dboard {
	int line;                    /* index into lines */
	int address;
	int role;                    /* enum board_role */
	int counter;                 /* counter index, -1 */
	const char *area;            /* hall: area shown, NULL = all */
	enum db_state state;
	char reason[96];
	int64_t since;               /* unix time of the last state change */
	struct bus_board_stats st;
	struct bus_key last;         /* last committed event key */
	uint32_t presses, duplicates, refused;
	char last_key[16];
	char last_result[32];
	char last_message[256];      /* why the last press was refused, "" */
	uint16_t hall[2 * BOARD_HALL_ROWS];
};

struct dline {
	devbus *d;
	int index;
	bus_line *bl;
	int open;
	char reason[96];
	int64_t cycle_us;
	int cycle_polls;
	struct bus_cmd *q;           /* commands waiting for room in the pipe */
	size_t nq, capq;
	int watching_out;
};

struct devbus {
	core *core;
	loop *loop;
	int nlines;
	struct dline lines[CONFIG_MAX_LINES];
	int nboards;
	struct dboard *b;
};

struct dpending {
	devbus *d;
	struct dboard *b;
	struct bus_key key;
	uint32_t epoch;
	int rc;                      /* the engine's answer */
};

static const char *const devbus_role_names[] = {
	[BOARD_ROLE_NUMBER] = "number", [BOARD_ROLE_CALLER] = "caller",
	[BOARD_ROLE_RATING] = "rating", [BOARD_ROLE_HALL] = "hall",
};

static int
devbus_role(const char *name)
{
	for (int r = BOARD_ROLE_NUMBER; r <= BOARD_ROLE_HALL; r++)
		if (name != NULL && strcmp(name, devbus_role_names[r]) == 0)
			return r;
	return -1;
}

/* ---- sending to a line (never blocks) -------------------------------------- */

static void devbus_flush_line(struct dline *ln);

static void
devbus_on_writable(int fd, short revents, void *arg)
{
	(void)fd;
	(void)revents;
	devbus_flush_line(arg);
}

/* Write queued commands while the pipe takes them; watch it when full. */
static void
devbus_flush_line(struct dline *ln)
{
	size_t i = 0;

	while (i < ln->nq && bus_line_send(ln->bl, &ln->q[i]) == 0)
		i++;
	memmove(ln->q, ln->q + i, (ln->nq - i) * sizeof *ln->q);
	ln->nq -= i;
	if (ln->nq > 0 && !ln->watching_out) {
		loop_add_fd(ln->d->loop, bus_line_cmd_fd(ln->bl), POLLOUT,
		    devbus_on_writable, ln);
		ln->watching_out = 1;
	} else if (ln->nq == 0 && ln->watching_out) {
		loop_del_fd(ln->d->loop, bus_line_cmd_fd(ln->bl));
		ln->watching_out = 0;
	}
}

static void
devbus_send(devbus *d, const struct dboard *b, const struct bus_cmd *c)
{
	struct dline *ln = &d->lines[b->line];

	if (ln->nq == ln->capq) {
		ln->capq = ln->capq ? ln->capq * 2 : 64;
		ln->q = xreallocarray(ln->q, ln->capq, sizeof *ln->q);
	}
	ln->q[ln->nq] = *c;
	ln->q[ln->nq].address = b->address;
	ln->nq++;
	devbus_flush_line(ln);
}

/* Write n holding registers from start on board b. */
static void
devbus_write(devbus *d, const struct dboard *b, int start, int n, const uint16_t *v)
{
	struct bus_cmd c;

	memset(&c, 0, sizeof c);
	c.type = BUS_CMD_WRITE;
	c.start = start;
	c.count = n;
	memcpy(c.values, v, (size_t)n * sizeof *v);
	devbus_send(d, b, &c);
}

static void
devbus_write1(devbus *d, const struct dboard *b, int reg, uint16_t v)
{
	devbus_write(d, b, reg, 1, &v);
}

/* ---- what the boards show ------------------------------------------------------ */

static uint16_t
devbus_lamp(const struct engine_counter *ec)
{
	if (ec == NULL)
		return BOARD_LAMP_OFF;
	switch (ec->state) {
	case ENGINE_C_OPEN: return BOARD_LAMP_OPEN;
	case ENGINE_C_PAUSED: return BOARD_LAMP_PAUSED;
	default: return BOARD_LAMP_CLOSED;
	}
}

/* The number a counter's boards show: its called/serving ticket, or blank. */
static uint16_t
devbus_counter_number(devbus *d, int counter)
{
	engine *e = core_engine(d->core);
	const struct engine_counter *ec = engine_counter(e, counter);
	const struct engine_ticket *t;

	if (ec == NULL || ec->ticket == 0 || (t = engine_ticket_by_id(e, ec->ticket)) == NULL)
		return 0xFFFF;
	return (uint16_t)t->number;
}

static int
devbus_in_area(devbus *d, const struct dboard *b, int counter)
{
	const struct config *cfg = core_config(d->core);

	if (counter < 0 || counter >= cfg->ncounters)
		return 0;
	if (b->area == NULL)
		return 1;
	return cfg->counters[counter].area != NULL &&
	    strcmp(cfg->counters[counter].area, b->area) == 0;
}

/* Put (number, counter number) on top of a hall board's rows. */
static void
devbus_hall_push(devbus *d, struct dboard *b, int number, int counter_no)
{
	uint16_t rows[2 * BOARD_HALL_ROWS];
	int n = 0;

	rows[n++] = (uint16_t)number;
	rows[n++] = (uint16_t)counter_no;
	for (int r = 0; r < BOARD_HALL_ROWS && n < 2 * BOARD_HALL_ROWS; r++) {
		if (b->hall[2 * r] == 0xFFFF)
			continue;
		if (b->hall[2 * r + 1] == counter_no || b->hall[2 * r] == number)
			continue;            /* a counter shows one row */
		rows[n++] = b->hall[2 * r];
		rows[n++] = b->hall[2 * r + 1];
	}
	while (n < 2 * BOARD_HALL_ROWS) {
		rows[n++] = 0xFFFF;
		rows[n++] = 0;
	}
	memcpy(b->hall, rows, sizeof rows);
	devbus_write(d, b, BOARD_HR_HALL_BASE, 2 * BOARD_HALL_ROWS, b->hall);
}

/* Send a board everything it should show now (at start). */
static void
devbus_sync_board(devbus *d, struct dboard *b)
{
	const struct engine_counter *ec = b->counter >= 0 ?
	    engine_counter(core_engine(d->core), b->counter) : NULL;
	uint16_t v[4];

	switch (b->role) {
	case BOARD_ROLE_NUMBER:
	case BOARD_ROLE_CALLER:
		v[0] = b->counter >= 0 ? devbus_counter_number(d, b->counter) : 0xFFFF;
		devbus_write1(d, b, BOARD_HR_NUMBER, v[0]);
		devbus_write1(d, b, BOARD_HR_LAMP, devbus_lamp(ec));
		break;
	case BOARD_ROLE_RATING:
		devbus_write1(d, b, BOARD_HR_PROMPT, 0);
		break;
	case BOARD_ROLE_HALL: {
		const struct engine_ticket *const *open;
		const struct config *cfg = core_config(d->core);
		int n = engine_open_tickets(core_engine(d->core), &open);
		/* rows of the called/serving tickets, the latest call on top */
		for (int r = 0; r < BOARD_HALL_ROWS; r++) {
			b->hall[2 * r] = 0xFFFF;
			b->hall[2 * r + 1] = 0;
		}
		for (int pass = 0; pass < BOARD_HALL_ROWS; pass++) {
			const struct engine_ticket *best = NULL;
			for (int i = 0; i < n; i++) {
				const struct engine_ticket *t = open[i];
				int shown = 0;
				if ((t->state != ENGINE_T_CALLED && t->state != ENGINE_T_SERVING) ||
				    !devbus_in_area(d, b, t->counter))
					continue;
				for (int r = 0; r < pass; r++)
					shown |= b->hall[2 * r] == t->number;
				if (!shown && (best == NULL || t->called_at > best->called_at ||
				    (t->called_at == best->called_at && t->id > best->id)))
					best = t;
			}
			if (best == NULL)
				break;
			b->hall[2 * pass] = (uint16_t)best->number;
			b->hall[2 * pass + 1] = (uint16_t)cfg->counters[best->counter].number;
		}
		devbus_write(d, b, BOARD_HR_HALL_BASE, 2 * BOARD_HALL_ROWS, b->hall);
		break;
	}
	default:
		break;
	}
}

/* A committed event: update the boards it concerns. */
static void
devbus_on_engine_event(void *arg, const struct engine_event *ev)
{
	devbus *d = arg;
	const struct config *cfg = core_config(d->core);
	int c = ev->counter;

	for (int i = 0; i < d->nboards; i++) {
		struct dboard *b = &d->b[i];
		const struct engine_counter *ec;

		if (ev->type == ENGINE_EV_DAY_CLOSED) {
			devbus_sync_board(d, b);
			continue;
		}
		if (b->role == BOARD_ROLE_HALL) {
			if ((ev->type == ENGINE_EV_CALLED || ev->type == ENGINE_EV_RECALLED) &&
			    devbus_in_area(d, b, c))
				devbus_hall_push(d, b, ev->number, cfg->counters[c].number);
			continue;
		}
		if (c < 0 || b->counter != c)
			continue;
		ec = engine_counter(core_engine(d->core), c);
		switch (ev->type) {
		case ENGINE_EV_CALLED:
		case ENGINE_EV_RECALLED:
			if (b->role == BOARD_ROLE_NUMBER) {
				uint16_t v[2] = { (uint16_t)ev->number, DEVBUS_FLASH_S };
				devbus_write(d, b, BOARD_HR_NUMBER, 2, v);
			} else if (b->role == BOARD_ROLE_CALLER) {
				devbus_write1(d, b, BOARD_HR_NUMBER, (uint16_t)ev->number);
			} else if (b->role == BOARD_ROLE_RATING && ev->type == ENGINE_EV_CALLED) {
				devbus_write1(d, b, BOARD_HR_PROMPT, 0);
			}
			break;
		case ENGINE_EV_FINISHED:
		case ENGINE_EV_NO_SHOW:
		case ENGINE_EV_TRANSFERRED:
		case ENGINE_EV_PARKED:
			/* The counter let its ticket go: its number board and
			 * keypad show what it holds now, blank when nothing (a
			 * parked or served number is no longer called here). */
			if (b->role == BOARD_ROLE_NUMBER) {
				uint16_t v[2] = { devbus_counter_number(d, c), 0 };
				devbus_write(d, b, BOARD_HR_NUMBER, 2, v);
			} else if (b->role == BOARD_ROLE_CALLER) {
				devbus_write1(d, b, BOARD_HR_NUMBER, devbus_counter_number(d, c));
			}
			if (b->role == BOARD_ROLE_RATING && ev->type == ENGINE_EV_FINISHED)
				devbus_write1(d, b, BOARD_HR_PROMPT, 1);
			break;
		case ENGINE_EV_RATED:
			if (b->role == BOARD_ROLE_RATING)
				devbus_write1(d, b, BOARD_HR_PROMPT, 0);
			break;
		case ENGINE_EV_COUNTER_OPENED:
		case ENGINE_EV_COUNTER_PAUSED:
		case ENGINE_EV_COUNTER_CLOSED:
			if (b->role == BOARD_ROLE_NUMBER || b->role == BOARD_ROLE_CALLER) {
				devbus_write1(d, b, BOARD_HR_LAMP, devbus_lamp(ec));
				if (ev->type == ENGINE_EV_COUNTER_CLOSED)
					devbus_write1(d, b, BOARD_HR_NUMBER, 0xFFFF);
			}
			break;
		default:
			break;
		}
	}
}

/* ---- key events -------------------------------------------------------------------- */

static const char *
devbus_key_name(int kind, int key)
{
	static const char *const keys[] = { "?", "next", "recall", "finish",
	    "noshow", "transfer", "pause" };
	static const char *const faces[] = { "?", "vsat", "sat", "neutral", "dissat" };

	if (kind == BOARD_EVK_KEY && key >= 1 && key <= 6)
		return keys[key];
	if (kind == BOARD_EVK_RATING && key >= 1 && key <= 4)
		return faces[key];
	return "?";
}

static int
devbus_exec(devbus *d, enum engine_cmd_type type, int counter, int staff,
    struct engine_cmd *out)
{
	struct engine_result res;

	*out = engine_cmd_make(type);
	out->counter = counter;
	out->staff = staff;
	return core_exec(d->core, out, &res);
}

static int
devbus_exec_cmd(devbus *d, struct engine_cmd *cmd)
{
	struct engine_result res;

	return core_exec(d->core, cmd, &res);
}

int
devbus_key_command(devbus *d, int counter, int kind, int key, int value,
    struct engine_cmd *last)
{
	const struct engine_counter *ec = engine_counter(core_engine(d->core), counter);
	struct engine_cmd dummy, *cmd = last != NULL ? last : &dummy;
	int staff = ec != NULL ? ec->staff : 0, rc;

	*cmd = engine_cmd_make((enum engine_cmd_type)0);   /* no command yet */
	cmd->counter = counter;
	if (ec == NULL)
		return -ENGINE_ENOCOUNTER;
	if (kind == BOARD_EVK_RATING) {
		/* The engine refuses a value outside 1..4. */
		*cmd = engine_cmd_make(ENGINE_RATE);
		cmd->counter = counter;
		cmd->staff = staff;
		cmd->value = key;
		return devbus_exec_cmd(d, cmd);
	}
	if (kind != BOARD_EVK_KEY)
		return -ENGINE_EINVAL;
	switch (key) {
	case BOARD_KEY_NEXT:
		/* Next opens a closed or paused counter, finishes the ticket
		 * held, then calls (the typed number, or the next one). */
		if (ec->state != ENGINE_C_OPEN &&
		    (rc = devbus_exec(d, ENGINE_COUNTER_OPEN, counter, staff, cmd)) != 0)
			return rc;
		ec = engine_counter(core_engine(d->core), counter);
		if (ec->ticket != 0 &&
		    (rc = devbus_exec(d, ENGINE_FINISH, counter, staff, cmd)) != 0)
			return rc;
		if (value != 0xFFFF) {
			*cmd = engine_cmd_make(ENGINE_CALL_SPECIFIC);
			cmd->counter = counter;
			cmd->staff = staff;
			cmd->number = value;
			return devbus_exec_cmd(d, cmd);
		}
		return devbus_exec(d, ENGINE_CALL_NEXT, counter, staff, cmd);
	case BOARD_KEY_RECALL:
		return devbus_exec(d, ENGINE_RECALL, counter, staff, cmd);
	case BOARD_KEY_FINISH:
		return devbus_exec(d, ENGINE_FINISH, counter, staff, cmd);
	case BOARD_KEY_NOSHOW:
		return devbus_exec(d, ENGINE_NO_SHOW, counter, staff, cmd);
	case BOARD_KEY_TRANSFER: {
		int to;
		*cmd = engine_cmd_make(ENGINE_TRANSFER);
		cmd->counter = counter;
		cmd->staff = staff;
		if (value == 0xFFFF)
			return -ENGINE_EINVAL;   /* type the counter's number first */
		to = config_counter_index(core_config(d->core), value);
		if (to < 0) {
			cmd->to_counter = core_config(d->core)->ncounters;  /* none such */
			return -ENGINE_ENOCOUNTER;
		}
		cmd->to_counter = to;
		return devbus_exec_cmd(d, cmd);
	}
	case BOARD_KEY_PAUSE:
		if (ec->state == ENGINE_C_PAUSED)
			return devbus_exec(d, ENGINE_COUNTER_OPEN, counter, staff, cmd);
		*cmd = engine_cmd_make(ENGINE_COUNTER_PAUSE);
		cmd->counter = counter;
		cmd->staff = staff;
		snprintf(cmd->reason, sizeof cmd->reason, "%s", DEVBUS_PAUSE_REASON);
		return devbus_exec_cmd(d, cmd);
	default:
		return -ENGINE_EINVAL;
	}
}

static void
devbus_answer(devbus *d, struct dboard *b, int type, const struct bus_key *k,
    uint32_t epoch)
{
	struct bus_cmd c;

	memset(&c, 0, sizeof c);
	c.type = type;
	c.boot = k->boot;
	c.seq = k->seq;
	c.epoch = epoch;
	devbus_send(d, b, &c);
}

/* After the batch holding a press: acknowledge it, or have it read again. */
static void
devbus_committed(void *arg, int ok)
{
	struct dpending *p = arg;
	struct dboard *b = p->b;

	if (ok) {
		b->last = p->key;
		b->presses++;
		if (p->rc != 0) {
			b->refused++;
			snprintf(b->last_result, sizeof b->last_result, "%s",
			    engine_error_code(-p->rc));
		} else {
			snprintf(b->last_result, sizeof b->last_result, "ok");
		}
		devbus_answer(p->d, b, BUS_CMD_ACK, &p->key, p->epoch);
	} else {
		snprintf(b->last_result, sizeof b->last_result, "store_failed");
		devbus_answer(p->d, b, BUS_CMD_RELEASE, &p->key, p->epoch);
	}
	free(p);
}

static void
devbus_on_key(devbus *d, struct dboard *b, const struct bus_msg *m)
{
	const struct config *cfg = core_config(d->core);
	struct store_bus_key sk;
	struct dpending *p;
	struct bus_key k;
	struct engine_cmd cmd;
	int64_t now = core_now();
	int kind = m->code >> 8, key = m->code & 0xFF, rc;

	k = (struct bus_key){ 1, m->boot, m->seq, m->uptime, now };
	snprintf(b->last_key, sizeof b->last_key, "%s", devbus_key_name(kind, key));
	if (bus_key_is_dup(&b->last, m->boot, m->seq, m->uptime, now)) {
		b->duplicates++;
		devbus_answer(d, b, BUS_CMD_ACK, &k, m->epoch);
		return;
	}
	memset(&sk, 0, sizeof sk);
	snprintf(sk.line, sizeof sk.line, "%s", cfg->lines[b->line].id);
	sk.address = b->address;
	sk.boot = m->boot;
	sk.seq = m->seq;
	sk.uptime = m->uptime;
	sk.at = now;
	if (core_begin(d->core) != 0 || store_bus_mark(core_store(d->core), &sk) != 0) {
		log_warnx("board %s/%d: cannot record a key: %s", cfg->lines[b->line].id,
		    b->address, store_errmsg(core_store(d->core)));
		devbus_answer(d, b, BUS_CMD_RELEASE, &k, m->epoch);
		return;
	}
	if (b->counter < 0 || (b->role != BOARD_ROLE_CALLER && b->role != BOARD_ROLE_RATING))
		rc = 0;                  /* a service key: nothing to do */
	else
		rc = devbus_key_command(d, b->counter, kind, key, m->value, &cmd);
	b->last_message[0] = '\0';
	if (rc != 0 && rc != -CORE_ESTORE) {
		/* Explained now, before any other command changes the state. */
		if (cmd.now == 0)
			cmd.now = now;
		engine_explain(core_engine(d->core), &cmd, rc, b->last_message,
		    sizeof b->last_message);
		log_info("board %s/%d: key %s refused (%s): %s", cfg->lines[b->line].id,
		    b->address, b->last_key, engine_error_code(-rc), b->last_message);
	}
	p = xcalloc(1, sizeof *p);
	p->d = d;
	p->b = b;
	p->key = k;
	p->epoch = m->epoch;
	p->rc = rc == -CORE_ESTORE ? 0 : rc;
	core_after_commit(d->core, devbus_committed, p);
}

/* ---- messages from a line --------------------------------------------------------- */

static struct dboard *
devbus_board(devbus *d, int line, int address)
{
	for (int i = 0; i < d->nboards; i++)
		if (d->b[i].line == line && d->b[i].address == address)
			return &d->b[i];
	return NULL;
}

static void
devbus_on_msg(struct dline *ln, const struct bus_msg *m)
{
	devbus *d = ln->d;
	const struct config *cfg = core_config(d->core);
	const char *id = cfg->lines[ln->index].id;
	struct dboard *b = devbus_board(d, ln->index, m->address);

	switch (m->type) {
	case BUS_MSG_LINE_OPEN:
		ln->open = 1;
		ln->reason[0] = '\0';
		log_info("line %s: %s open", id, cfg->lines[ln->index].port);
		return;
	case BUS_MSG_LINE_CLOSED:
		ln->open = 0;
		snprintf(ln->reason, sizeof ln->reason, "%s", m->text);
		log_warnx("line %s: %s closed (%s), reopening", id,
		    cfg->lines[ln->index].port, m->text);
		return;
	case BUS_MSG_CYCLE:
		ln->cycle_us = m->value_us;
		ln->cycle_polls = m->address;
		return;
	default:
		break;
	}
	if (b == NULL)
		return;
	switch (m->type) {
	case BUS_MSG_EVENT:
		devbus_on_key(d, b, m);
		break;
	case BUS_MSG_ONLINE:
		if (b->state != DB_ONLINE)
			log_info("board %s/%d (%s): online", id, b->address,
			    devbus_role_names[b->role]);
		b->state = DB_ONLINE;
		b->reason[0] = '\0';
		b->since = core_now();
		b->st = m->stats;
		break;
	case BUS_MSG_OFFLINE:
		if (b->state != DB_OFFLINE)
			log_warnx("board %s/%d (%s): offline: %s", id, b->address,
			    devbus_role_names[b->role], m->text);
		b->state = DB_OFFLINE;
		snprintf(b->reason, sizeof b->reason, "%s", m->text);
		b->since = core_now();
		b->st = m->stats;
		break;
	case BUS_MSG_STATS:
		b->st = m->stats;
		break;
	default:
		break;
	}
}

static void
devbus_on_readable(int fd, short revents, void *arg)
{
	struct dline *ln = arg;
	struct bus_msg m;
	int n = 0, rc;

	(void)fd;
	(void)revents;
	/* A bounded number per turn, so one busy line cannot starve the loop. */
	while (n++ < 256 && (rc = bus_line_read(ln->bl, &m)) == 1)
		devbus_on_msg(ln, &m);
}

/* ---- life ------------------------------------------------------------------------- */

static void
devbus_load_key(const struct store_bus_key *k, void *arg)
{
	devbus *d = arg;
	const struct config *cfg = core_config(d->core);

	for (int i = 0; i < d->nboards; i++) {
		struct dboard *b = &d->b[i];
		if (b->address == k->address && strcmp(cfg->lines[b->line].id, k->line) == 0)
			b->last = (struct bus_key){ 1, (uint16_t)k->boot, (uint16_t)k->seq,
			    k->uptime, k->at };
	}
}

devbus *
devbus_start(core *c, loop *l, char *err, size_t errlen)
{
	const struct config *cfg = core_config(c);
	devbus *d = xcalloc(1, sizeof *d);

	d->core = c;
	d->loop = l;
	d->nboards = cfg->nboards;
	d->b = xcalloc(cfg->nboards > 0 ? (size_t)cfg->nboards : 1, sizeof *d->b);
	for (int i = 0; i < cfg->nboards; i++) {
		const struct config_board *cb = &cfg->boards[i];
		struct dboard *b = &d->b[i];

		b->line = cb->line;
		b->address = cb->address;
		b->role = devbus_role(cb->role);
		b->counter = cb->counter;
		b->area = cb->area;
		if (b->role < 0 || b->line < 0 || b->line >= cfg->nlines) {
			snprintf(err, errlen, "board %d: bad role or line", cb->address);
			devbus_stop(d);
			return NULL;
		}
	}
	if (store_bus_keys(core_store(c), devbus_load_key, d) < 0) {
		snprintf(err, errlen, "reading board keys: %s", store_errmsg(core_store(c)));
		devbus_stop(d);
		return NULL;
	}
	for (int i = 0; i < cfg->nlines; i++) {
		const struct config_line *cl = &cfg->lines[i];
		struct bus_line_conf *lc = xcalloc(1, sizeof *lc);
		struct dline *ln = &d->lines[i];

		snprintf(lc->id, sizeof lc->id, "%s", cl->id);
		if (snprintf(lc->port, sizeof lc->port, "%s", cl->port != NULL ?
		    cl->port : "") >= (int)sizeof lc->port || cl->port == NULL) {
			snprintf(err, errlen, "line %s: no port or port name too long", cl->id);
			free(lc);
			devbus_stop(d);
			return NULL;
		}
		lc->baud = cl->baud;
		lc->parity = cl->parity;
		lc->rs485 = cl->rs485;
		for (int k = 0; k < d->nboards; k++) {
			struct dboard *b = &d->b[k];
			if (b->line != i)
				continue;
			lc->boards[lc->nboards].address = b->address;
			lc->boards[lc->nboards].role = b->role;
			lc->boards[lc->nboards].counter = b->counter >= 0 ?
			    cfg->counters[b->counter].number : 0;
			lc->nboards++;
		}
		ln->d = d;
		ln->index = i;
		ln->bl = bus_line_start(lc, err, errlen);
		free(lc);
		if (ln->bl == NULL) {
			devbus_stop(d);
			return NULL;
		}
		d->nlines++;
		loop_add_fd(l, bus_line_fd(ln->bl), POLLIN, devbus_on_readable, ln);
	}
	for (int i = 0; i < d->nboards; i++)
		devbus_sync_board(d, &d->b[i]);
	core_add_listener(c, devbus_on_engine_event, d);
	return d;
}

void
devbus_stop(devbus *d)
{
	if (d == NULL)
		return;
	for (int i = 0; i < d->nlines; i++) {
		struct dline *ln = &d->lines[i];
		if (ln->bl == NULL)
			continue;
		loop_del_fd(d->loop, bus_line_fd(ln->bl));
		if (ln->watching_out)
			loop_del_fd(d->loop, bus_line_cmd_fd(ln->bl));
		bus_line_stop(ln->bl);
		free(ln->q);
	}
	free(d->b);
	free(d);
}

static const char *
devbus_state_name(enum db_state s)
{
	return s == DB_ONLINE ? "online" : s == DB_OFFLINE ? "offline" : "unknown";
}

cJSON *
devbus_boards_json(devbus *d)
{
	const struct config *cfg = core_config(d->core);
	cJSON *o = cJSON_CreateObject(), *lines, *boards;

	lines = cJSON_AddArrayToObject(o, "lines");
	for (int i = 0; i < d->nlines; i++) {
		const struct dline *ln = &d->lines[i];
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "id", cfg->lines[i].id);
		cJSON_AddStringToObject(j, "port", cfg->lines[i].port);
		cJSON_AddNumberToObject(j, "baud", cfg->lines[i].baud);
		cJSON_AddStringToObject(j, "state", ln->open ? "open" : "closed");
		cJSON_AddStringToObject(j, "reason", ln->reason);
		cJSON_AddNumberToObject(j, "cycle_ms", (double)ln->cycle_us / 1000.0);
		cJSON_AddNumberToObject(j, "cycle_polls", ln->cycle_polls);
		cJSON_AddItemToArray(lines, j);
	}
	boards = cJSON_AddArrayToObject(o, "boards");
	for (int i = 0; i < d->nboards; i++) {
		const struct dboard *b = &d->b[i];
		cJSON *j = cJSON_CreateObject(), *m;
		char fw[16];

		cJSON_AddStringToObject(j, "line", cfg->lines[b->line].id);
		cJSON_AddNumberToObject(j, "address", b->address);
		cJSON_AddStringToObject(j, "role", devbus_role_names[b->role]);
		if (b->counter >= 0)
			cJSON_AddNumberToObject(j, "counter", cfg->counters[b->counter].number);
		else
			cJSON_AddNullToObject(j, "counter");
		if (b->area != NULL)
			cJSON_AddStringToObject(j, "area", b->area);
		cJSON_AddStringToObject(j, "state", devbus_state_name(b->state));
		cJSON_AddStringToObject(j, "reason", b->reason);
		cJSON_AddNumberToObject(j, "since", (double)b->since);
		if (b->st.fw_version != 0) {
			snprintf(fw, sizeof fw, "%u.%u", b->st.fw_version >> 8,
			    b->st.fw_version & 0xFF);
			cJSON_AddStringToObject(j, "firmware", fw);
		} else {
			cJSON_AddNullToObject(j, "firmware");
		}
		cJSON_AddNumberToObject(j, "serial",
		    (double)((uint32_t)b->st.serial_hi << 16 | b->st.serial_lo));
		cJSON_AddNumberToObject(j, "boot", b->st.boot);
		cJSON_AddNumberToObject(j, "uptime", b->st.uptime);
		cJSON_AddNumberToObject(j, "presses", b->presses);
		cJSON_AddNumberToObject(j, "duplicates", b->duplicates);
		cJSON_AddNumberToObject(j, "refused", b->refused);
		cJSON_AddStringToObject(j, "last_key", b->last_key);
		cJSON_AddStringToObject(j, "last_result", b->last_result);
		cJSON_AddStringToObject(j, "last_message", b->last_message);
		m = cJSON_AddObjectToObject(j, "master");
		cJSON_AddNumberToObject(m, "polls", b->st.polls);
		cJSON_AddNumberToObject(m, "timeouts", b->st.timeouts);
		cJSON_AddNumberToObject(m, "crc_errors", b->st.crc_errors);
		cJSON_AddNumberToObject(m, "errors", b->st.errors);
		cJSON_AddNumberToObject(m, "writes", b->st.writes);
		cJSON_AddNumberToObject(m, "acks", b->st.acks);
		m = cJSON_AddObjectToObject(j, "board_counters");
		cJSON_AddNumberToObject(m, "crc_errors", b->st.crc_seen);
		cJSON_AddNumberToObject(m, "frame_errors", b->st.frame_errors);
		cJSON_AddNumberToObject(m, "overruns", b->st.overruns);
		cJSON_AddNumberToObject(m, "exceptions", b->st.exceptions);
		cJSON_AddNumberToObject(m, "dropped", b->st.dropped);
		cJSON_AddNumberToObject(m, "wdt_resets", b->st.wdt_resets);
		cJSON_AddItemToArray(boards, j);
	}
	return o;
}
