/*
 * core.c - engine + store + group commit.
 *
 * The engine is mutated at once so that later commands of the same turn see
 * earlier ones; the store writes follow in the same open transaction.  If a
 * write or the commit fails, the transaction is rolled back and the engine is
 * rebuilt from the store, so memory never holds what the disk does not.
 */
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"
#include "common/xmalloc.h"

struct core_waiter {
	core_commit_fn *fn;
	void *arg;
};

struct core_listener {
	core_event_fn *fn;
	void *arg;
};

struct core {
	struct config *cfg;
	store *st;
	engine *eng;
	int in_batch;
	int batch_failed;
	int64_t committed_event_id;
	struct core_waiter *waiters;
	size_t nwaiters, capwaiters;
	uint64_t commits, batched_cmds;
	struct engine_event *events;        /* this batch's events */
	size_t nevents, capevents;
	struct core_listener listeners[8];
	int nlisteners;
	struct { core_precommit_fn *fn; void *arg; } precommit[4];
	int nprecommit;
	struct core_metrics m;              /* for GET /metrics */
	int lost_told;                      /* the loud line was logged */
	struct timespec lost_last;          /* the last reminder */
	struct config *cfg_pending;         /* changed in the open batch */
	struct config **retired;            /* replaced configs, freed last */
	size_t nretired;
	uint64_t generation;                /* engine rebuilds */
	char *notice;                       /* hall notice line, committed */
	char *notice_pending;               /* written in the open batch */
};

/* Commit time buckets, seconds: an fsync on an SSD is ~1 ms, on an SD
   card or a busy disk tens of ms. */
const double core_commit_bounds[CORE_COMMIT_BOUNDS] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
};

const struct core_metrics *
core_metrics(const core *c)
{
	return &c->m;
}

/* Count one command of type t with the result of core_exec. */
static int
core_count(core *c, enum engine_cmd_type t, int rc)
{
	size_t i = (size_t)t < CORE_CMD_TYPES ? (size_t)t : 0;

	if (rc == 0)
		c->m.cmd_ok[i]++;
	else if (rc == -CORE_ESTORE)
		c->m.cmd_failed[i]++;
	else
		c->m.cmd_refused[i]++;
	return rc;
}

/* Count one commit that took from t0 to now. */
static void
core_count_commit(core *c, const struct timespec *t0, int ok)
{
	struct timespec t1;
	double s;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
	if (!ok) {
		c->m.commit_failures++;
		return;
	}
	for (i = 0; i < CORE_COMMIT_BOUNDS && s > core_commit_bounds[i]; i++)
		;
	c->m.commit_bucket[i]++;
	c->m.commits++;
	c->m.commit_sum_s += s;
}

int64_t
core_now(void)
{
	return (int64_t)time(NULL);
}

/* Build a fresh engine from the store; NULL on failure. */
static engine *
core_load(core *c, char *err, size_t errlen)
{
	engine *e = engine_new(c->cfg);
	char day[11];
	int skipped;

	engine_day_of(core_now(), c->cfg->day_start_hour, day);
	if ((skipped = store_load(c->st, e, day)) < 0) {
		snprintf(err, errlen, "loading the store: %s", store_errmsg(c->st));
		engine_free(e);
		return NULL;
	}
	if (skipped > 0)
		log_warnx("store: %d rows refer to codes the config no longer has: %s",
		    skipped, store_errmsg(c->st));
	return e;
}

struct core_ovlist {
	struct config_override *ov;
	int n, cap;
};

static void
core_ov_add(const char *section, const char *key, const char *value, void *arg)
{
	struct core_ovlist *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->ov = xreallocarray(l->ov, (size_t)l->cap, sizeof *l->ov);
	}
	l->ov[l->n].section = xstrdup(section);
	l->ov[l->n].key = xstrdup(key);
	l->ov[l->n].value = xstrdup(value);
	l->n++;
}

/* Keep a replaced config until core_free. */
static void
core_retire(core *c, struct config *old)
{
	c->retired = xreallocarray(c->retired, c->nretired + 1, sizeof *c->retired);
	c->retired[c->nretired++] = old;
}

/* Move cfg's catalogue into to. */
static void
core_move_catalogue(struct config *from, struct config *to)
{
	to->procedures = from->procedures;
	to->nprocedures = from->nprocedures;
	from->procedures = NULL;
	from->nprocedures = 0;
}

/*
 * At start: the configuration changed live (the store's overrides) over
 * the INI's.  An override the INI no longer allows (its queue removed, say)
 * is skipped with a warning; the others still apply.
 */
static void
core_apply_overrides(core *c)
{
	struct core_ovlist l = { NULL, 0, 0 };
	struct config *cur = c->cfg, *next;
	char err[512];
	int i, applied = 0;

	if (store_override_list(c->st, core_ov_add, &l) <= 0) {
		free(l.ov);
		return;
	}
	if (config_with_overrides(cur, l.ov, l.n, &next, err, sizeof err) == 0) {
		cur = next;
		applied = l.n;
	} else {
		for (i = 0; i < l.n; i++) {
			if (config_with_overrides(cur, &l.ov[i], 1, &next, err, sizeof err) != 0) {
				log_warnx("config: the change [%s] %s = %s made in the admin"
				    " pages no longer fits the INI, skipped: %s",
				    l.ov[i].section, l.ov[i].key, l.ov[i].value, err);
				continue;
			}
			if (cur != c->cfg)
				config_free(cur);
			cur = next;
			applied++;
		}
	}
	if (cur != c->cfg) {
		core_move_catalogue(c->cfg, cur);
		core_retire(c, c->cfg);
		c->cfg = cur;
		store_set_config(c->st, cur);
	}
	log_info("config: %d of %d changes made in the admin pages applied", applied, l.n);
	for (i = 0; i < l.n; i++) {
		free((char *)l.ov[i].section);
		free((char *)l.ov[i].key);
		free((char *)l.ov[i].value);
	}
	free(l.ov);
}

core *
core_new(struct config *cfg, store *st, char *err, size_t errlen)
{
	core *c = xcalloc(1, sizeof *c);

	c->cfg = cfg;
	c->st = st;
	core_apply_overrides(c);
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to initialise");
		goto fail;
	}
	if ((c->eng = core_load(c, err, errlen)) == NULL)
		goto fail;
	c->committed_event_id = engine_last_event_id(c->eng);
	{
		char notice[CORE_NOTICE_MAX];

		if (store_meta_get(st, "notice", notice, sizeof notice) != 1)
			notice[0] = '\0';
		c->notice = xstrdup(notice);
	}
	return c;
fail:
	/* The caller frees the config it gave: give it back whole. */
	if (c->nretired > 0) {
		core_move_catalogue(c->cfg, c->retired[0]);
		store_set_config(st, c->retired[0]);
		config_free(c->cfg);
		c->retired[0] = NULL;
		while (c->nretired > 1)
			config_free(c->retired[--c->nretired]);
	}
	free(c->retired);
	free(c);
	return NULL;
}

void
core_free(core *c)
{
	if (c == NULL)
		return;
	if (c->in_batch)
		store_rollback(c->st);
	engine_free(c->eng);
	config_free(c->cfg);
	free(c->events);
	free(c->waiters);
	free(c->notice);
	free(c->notice_pending);
	config_free(c->cfg_pending);
	while (c->nretired > 0)
		config_free(c->retired[--c->nretired]);
	free(c->retired);
	free(c);
}

engine *
core_engine(core *c)
{
	return c->eng;
}

store *
core_store(core *c)
{
	return c->st;
}

const struct config *
core_config(core *c)
{
	return c->cfg;
}

int
core_in_batch(const core *c)
{
	return c->in_batch;
}

void
core_fail_batch(core *c)
{
	if (c->in_batch)
		c->batch_failed = 1;
}

int64_t
core_committed_event_id(const core *c)
{
	return c->committed_event_id;
}

/*
 * Say it loudly when the database file is gone: once at once, then a
 * reminder at most every minute while commands keep being refused.
 */
static void
core_tell_lost(core *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (c->lost_told && now.tv_sec - c->lost_last.tv_sec < 60)
		return;
	log_warnx("store: DATABASE LOST, NOTHING CAN BE SAVED: %s. Every"
	    " command is refused (store_failed) until the database is back"
	    " and onestopd is restarted.", store_errmsg(c->st));
	c->lost_told = 1;
	c->lost_last = now;
}

int
core_check_store(core *c)
{
	if (store_verify(c->st) == 0)
		return 0;
	core_tell_lost(c);
	return -1;
}

int
core_begin(core *c)
{
	if (c->in_batch)
		return c->batch_failed ? -1 : 0;
	if (store_begin(c->st) != 0) {
		if (store_lost(c->st))
			core_tell_lost(c);
		else
			log_warnx("store: begin: %s", store_errmsg(c->st));
		return -1;
	}
	c->in_batch = 1;
	c->batch_failed = 0;
	return 0;
}

/*
 * A public ticket code: 10 characters of an unambiguous alphabet, each
 * uniform (a random byte below the largest multiple of the alphabet's size
 * picks one, a byte above it is skipped), from one read of the system's
 * random source for the whole code rather than one per character.
 */
static void
core_random_code(char out[ENGINE_CODE_LEN + 1])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	const unsigned n = sizeof alphabet - 1, lim = 256 / n * n;
	unsigned char rnd[32];
	size_t i = 0, k = sizeof rnd;

	while (i < ENGINE_CODE_LEN) {
		if (k == sizeof rnd) {
			randombytes_buf(rnd, sizeof rnd);
			k = 0;
		}
		if (rnd[k] < lim)
			out[i++] = alphabet[rnd[k] % n];
		k++;
	}
	out[ENGINE_CODE_LEN] = '\0';
}

static int core_exec_one(core *c, struct engine_cmd *cmd,
    struct engine_result *res);

int
core_exec(core *c, struct engine_cmd *cmd, struct engine_result *res)
{
	return core_count(c, cmd->type, core_exec_one(c, cmd, res));
}

static int
core_exec_one(core *c, struct engine_cmd *cmd, struct engine_result *res)
{
	int rc, tries;

	if (cmd->now == 0)
		cmd->now = core_now();
	if (core_begin(c) != 0)
		return -CORE_ESTORE;
	for (tries = 0; tries < 8; tries++) {
		if (cmd->type == ENGINE_ISSUE && (tries > 0 || cmd->code[0] == '\0'))
			core_random_code(cmd->code);
		rc = engine_exec(c->eng, cmd, res);
		if (rc != -ENGINE_EDUPCODE)
			break;
	}
	if (rc != 0)
		return rc;
	c->batched_cmds++;
	if ((c->nlisteners > 0 || c->nprecommit > 0) && res->nevents > 0) {
		if (c->nevents + (size_t)res->nevents > c->capevents) {
			c->capevents = (c->nevents + (size_t)res->nevents) * 2;
			c->events = xreallocarray(c->events, c->capevents, sizeof *c->events);
		}
		memcpy(c->events + c->nevents, res->events,
		    (size_t)res->nevents * sizeof *res->events);
		c->nevents += (size_t)res->nevents;
	}
	if (store_apply(c->st, res) != 0) {
		log_warnx("store: apply: %s", store_errmsg(c->st));
		/* The engine already changed: the whole batch must fail. */
		c->batch_failed = 1;
		return -CORE_ESTORE;
	}
	return 0;
}


const char *
core_notice(const core *c)
{
	return c->notice;
}

/* After the commit of a notice: the committed text becomes the notice. */
static void
core_notice_done(void *arg, int ok)
{
	core *c = arg;

	if (c->notice_pending == NULL)
		return;
	if (ok) {
		free(c->notice);
		c->notice = c->notice_pending;
	} else
		free(c->notice_pending);
	c->notice_pending = NULL;
}

int
core_set_notice(core *c, const char *text)
{
	if (text == NULL || strlen(text) >= CORE_NOTICE_MAX || core_begin(c) != 0 ||
	    store_meta_set(c->st, "notice", text) != 0)
		return -1;
	if (c->notice_pending == NULL)
		core_after_commit(c, core_notice_done, c);
	free(c->notice_pending);
	c->notice_pending = xstrdup(text);
	return 0;
}

void
core_after_commit(core *c, core_commit_fn *fn, void *arg)
{
	if (c->nwaiters == c->capwaiters) {
		c->capwaiters = c->capwaiters ? c->capwaiters * 2 : 64;
		c->waiters = xreallocarray(c->waiters, c->capwaiters, sizeof *c->waiters);
	}
	c->waiters[c->nwaiters++] = (struct core_waiter){ fn, arg };
}

void
core_flush(core *c)
{
	char err[256];
	engine *e;
	size_t i, n;
	int ok = 1;


	if (c->in_batch) {
		struct timespec t0;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; !c->batch_failed && i < (size_t)c->nprecommit; i++)
			if (c->precommit[i].fn(c->precommit[i].arg, c->events,
			    c->nevents) != 0)
				c->batch_failed = 1;
		if (c->batch_failed || store_commit(c->st) != 0) {
			if (store_lost(c->st))
				core_tell_lost(c);
			else if (!c->batch_failed)
				log_warnx("store: commit: %s", store_errmsg(c->st));
			store_rollback(c->st);
			ok = 0;
		}
		core_count_commit(c, &t0, ok);
		c->in_batch = 0;
		c->batch_failed = 0;
		if (ok) {
			c->commits++;
			c->committed_event_id = engine_last_event_id(c->eng);
			for (i = 0; i < c->nevents; i++) {
				int k;
				for (k = 0; k < c->nlisteners; k++)
					c->listeners[k].fn(c->listeners[k].arg, &c->events[i]);
			}
		} else {
			/* Forget what the failed batch did in memory. */
			if ((e = core_load(c, err, sizeof err)) == NULL)
				fatalx("cannot reload the store after a failed commit: %s", err);
			engine_free(c->eng);
			c->eng = e;
			c->generation++;
			c->committed_event_id = engine_last_event_id(c->eng);
		}
	}
	c->nevents = 0;
	/* Callbacks may register new waiters (for the next batch): run
	   them from a list of their own. */
	{
		struct core_waiter *w = c->waiters;
		n = c->nwaiters;
		c->waiters = NULL;
		c->nwaiters = c->capwaiters = 0;
		for (i = 0; i < n; i++)
			w[i].fn(w[i].arg, ok);
		free(w);
	}
}

int
core_replace_catalogue(core *c, struct config_procedure *procs, int n,
    char *err, size_t errlen)
{
	struct config_procedure *old = c->cfg->procedures;
	int nold = c->cfg->nprocedures;
	engine *e;

	core_flush(c);
	c->cfg->procedures = procs;
	c->cfg->nprocedures = n;
	if ((e = core_load(c, err, errlen)) == NULL) {
		c->cfg->procedures = old;
		c->cfg->nprocedures = nold;
		config_procedures_free(procs, n);
		return -1;
	}
	engine_free(c->eng);
	c->eng = e;
	c->generation++;
	config_procedures_free(old, nold);
	return 0;
}

uint64_t
core_generation(const core *c)
{
	return c->generation;
}

int
core_replace_config(core *c, struct config *cfg, char *err, size_t errlen)
{
	struct config *old = c->cfg;
	engine *e;

	if (c->in_batch)
		core_flush(c);
	core_move_catalogue(old, cfg);
	c->cfg = cfg;
	store_set_config(c->st, cfg);
	if ((e = core_load(c, err, errlen)) == NULL) {
		core_move_catalogue(cfg, old);
		c->cfg = old;
		store_set_config(c->st, old);
		config_free(cfg);
		return -1;
	}
	engine_free(c->eng);
	c->eng = e;
	c->generation++;
	core_retire(c, old);
	return 0;
}

/* After the commit of a configuration change: swap it in, or drop it. */
static void
core_config_done(void *arg, int ok)
{
	core *c = arg;
	struct config *cfg = c->cfg_pending;
	char err[512];

	c->cfg_pending = NULL;
	if (cfg == NULL)
		return;
	if (!ok) {
		config_free(cfg);
		return;
	}
	if (core_replace_config(c, cfg, err, sizeof err) != 0)
		log_warnx("config: a committed change could not be swapped in: %s;"
		    " it applies at the next start", err);
}

int
core_change_config(core *c, const struct config_override *ov, int nov,
    char *err, size_t errlen)
{
	const struct config *base = c->cfg_pending != NULL ? c->cfg_pending : c->cfg;
	struct config *next;
	int i;

	for (i = 0; i < nov; i++)
		if (strncmp(ov[i].section, "queue ", 6) == 0 &&
		    strcmp(ov[i].key, "department") == 0) {
			snprintf(err, errlen, "Không đổi được sở, ngành của hàng đợi:"
			    " danh mục thủ tục gắn hàng đợi với sở, ngành của nó.");
			return -CORE_EBADINPUT;
		}
	if (config_with_overrides(base, ov, nov, &next, err, errlen) != 0)
		return -CORE_EBADINPUT;
	if (core_begin(c) != 0) {
		config_free(next);
		snprintf(err, errlen, "Không ghi được cấu hình.");
		return -CORE_ESTORE;
	}
	for (i = 0; i < nov; i++)
		if (store_override_set(c->st, ov[i].section, ov[i].key, ov[i].value,
		    core_now()) != 0) {
			snprintf(err, errlen, "Không ghi được cấu hình: %s", store_errmsg(c->st));
			config_free(next);
			c->batch_failed = 1;
			return -CORE_ESTORE;
		}
	if (c->cfg_pending == NULL)
		core_after_commit(c, core_config_done, c);
	else
		config_free(c->cfg_pending);
	c->cfg_pending = next;
	return 0;
}

/* Write text to path + ".new" and fsync it; 0, or -1 with errno. */
static int
core_write_synced(const char *tmp, const char *text, size_t len)
{
	int fd;
	size_t off = 0;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	return close(fd);
fail:
	{
		int e = errno ? errno : EIO;
		close(fd);
		unlink(tmp);
		errno = e;
	}
	return -1;
}

/* fsync the directory that holds path (the rename inside it is durable). */
static int
core_sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd, rc = -1;

	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

/* Import a catalogue CSV; see core.h for the order of the steps. */
int
core_import_catalogue(core *c, const char *text, size_t len, int *n,
    char *err, size_t errlen)
{
	const char *path = c->cfg->catalogue_path;
	struct config_procedure *procs;
	char *tmp = NULL;
	int np;

	if (config_parse_catalogue(c->cfg, text, len, "import", &procs, &np, err,
	    errlen) != 0)
		return -CORE_EBADINPUT;
	if (np == 0) {
		config_procedures_free(procs, np);
		snprintf(err, errlen, "Tệp danh mục không có thủ tục nào; danh mục "
		    "hiện tại được giữ nguyên.");
		return -CORE_EBADINPUT;
	}
	if (path != NULL) {
		xasprintf(&tmp, "%s.new", path);
		if (core_write_synced(tmp, text, len) != 0) {
			snprintf(err, errlen, "Không ghi được tệp danh mục %s: %s; "
			    "danh mục hiện tại được giữ nguyên.", tmp, strerror(errno));
			config_procedures_free(procs, np);
			free(tmp);
			return -CORE_ESTORE;
		}
	}
	if (core_replace_catalogue(c, procs, np, err, errlen) != 0) {
		if (tmp != NULL)
			unlink(tmp);
		free(tmp);
		return -CORE_ESTORE;
	}
	if (tmp != NULL && (rename(tmp, path) != 0 || core_sync_dir(path) != 0)) {
		log_warn("catalogue: imported %d procedures but could not make %s "
		    "the catalogue file", np, path);
		snprintf(err, errlen, "Danh mục mới đang dùng nhưng chưa ghi được vào "
		    "tệp %s (%s): sau khi khởi động lại sẽ là danh mục cũ.", path,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return -CORE_ESTORE;
	}
	free(tmp);
	*n = np;
	return 0;
}

void
core_add_listener(core *c, core_event_fn *fn, void *arg)
{
	if (c->nlisteners == (int)(sizeof c->listeners / sizeof c->listeners[0]))
		fatalx("core: too many event listeners");
	c->listeners[c->nlisteners++] = (struct core_listener){ fn, arg };
}

void
core_add_precommit(core *c, core_precommit_fn *fn, void *arg)
{
	if (c->nprecommit == (int)(sizeof c->precommit / sizeof c->precommit[0]))
		fatalx("core: too many pre-commit hooks");
	c->precommit[c->nprecommit].fn = fn;
	c->precommit[c->nprecommit++].arg = arg;
}

void
core_remove_listener(core *c, core_event_fn *fn, void *arg)
{
	int i;

	for (i = 0; i < c->nlisteners; i++)
		if (c->listeners[i].fn == fn && c->listeners[i].arg == arg) {
			memmove(&c->listeners[i], &c->listeners[i + 1],
			    (size_t)(c->nlisteners - i - 1) * sizeof c->listeners[0]);
			c->nlisteners--;
			return;
		}
}
