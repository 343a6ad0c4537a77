/*
 * sim.h - the day simulator: seeded synthetic (or replayed) days of walk-in
 * visitors driven through the real queue engine, and the figures that come
 * out of them (waits, service levels, utilisation, estimate accuracy).
 *
 * A day is described by struct sim_day (parsed from a small text file, see
 * host/docs/sim.md).  sim_generate() draws the day's visitors from it and the
 * centre's config: arrival times, procedure, priority, service time, whether
 * they answer the call, and transfers.  The visitors are fixed data, so the
 * same visitors can be run against several policy variants of the config
 * (sim_config_variant) with sim_run().  The run is an event queue on a
 * simulated clock; simulated staff open counters, call, recall, start, finish,
 * mark no-shows, transfer and pause.  Commands go through a backend: the
 * engine in-process (sim_engine_backend) or anything else that speaks engine
 * commands (the feed mode of onestop-sim drives onestopd over HTTP).
 *
 * Randomness: a xoshiro256** generator seeded through splitmix64, written
 * here, so a seed gives the same day on every machine.  Library code: never
 * prints; errors come back as text.
 */
#ifndef ONESTOP_SIM_H
#define ONESTOP_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/engine.h"

/* ---- the generator ------------------------------------------------------ */

struct sim_rng {
	uint64_t s[4];
};

/* Seed through splitmix64 (any seed, also 0, gives a valid state). */
void sim_rng_seed(struct sim_rng *r, uint64_t seed);
/* xoshiro256**: next 64 random bits. */
uint64_t sim_rng_next(struct sim_rng *r);
/* Uniform in [0, 1) with 53 bits. */
double sim_rng_unit(struct sim_rng *r);
/* Uniform integer in [lo, hi] (lo <= hi). */
int sim_rng_range(struct sim_rng *r, int lo, int hi);
/* Standard normal (Box-Muller, one value per call). */
double sim_rng_normal(struct sim_rng *r);

/* ---- a day -------------------------------------------------------------- */

#define SIM_MAX_SESSIONS 4
#define SIM_EST_BANDS 24        /* bands of the estimate, sim_est_band() */
#define SIM_WAIT_BINS 241       /* minutes of wait, 0..240+ */
#define SIM_MAX_PAUSES 64
#define SIM_NAME_LEN 32

struct sim_pause {
	int counter;                 /* counter index */
	int at;                      /* seconds since local midnight */
	int duration_s;
};

struct sim_day {
	char name[SIM_NAME_LEN];
	uint64_t seed;
	int year, month, mday;       /* the service day */
	double visitors;             /* expected visitors at scale 1 */
	double scale;                /* arrivals multiplier (1.3 = peak day) */
	int nsessions;               /* opening hours, seconds since midnight */
	int open_s[SIM_MAX_SESSIONS], close_s[SIM_MAX_SESSIONS];
	double hour_weight[24];      /* relative arrival rate per hour of day */
	double dept_weight[CONFIG_MAX_DEPARTMENTS]; /* mix factor, 1 = as the
	                                counters' capacity says */
	double queue_weight[CONFIG_MAX_QUEUES];     /* mix factor per queue */
	double priority_share;       /* visitors in a priority class */
	double no_show_share;        /* visitors gone when called */
	double late_share;           /* visitors answering only the first recall */
	double transfer_share;       /* visitors sent on to another queue */
	double booked_share;         /* visitors who booked a slot (sim_book) */
	double service_sigma;        /* log-normal sigma of service times */
	double service_scale;        /* multiplier on the queues' service times */
	int walk_min_s, walk_max_s;  /* call -> visitor at the counter */
	int delay_min_s, delay_max_s;/* staff: free -> next call */
	int recall_after_s;          /* staff recall a silent call after this */
	int late_min[CONFIG_MAX_COUNTERS]; /* first opening late by; -1 absent */
	int npauses;
	struct sim_pause pauses[SIM_MAX_PAUSES];
};

/* Defaults: a normal weekday (07:30-11:30, 13:30-17:00, two peaks). */
void sim_day_default(struct sim_day *d);
/*
 * Parse a day file's text over defaults already in *d; names resolve against
 * cfg (departments by code, counters by number).  Returns 0, or -1 with
 * "name:line: message" in err.
 */
int sim_day_parse(struct sim_day *d, const struct config *cfg,
    const char *text, size_t len, const char *name, char *err, size_t errlen);
/* Read and parse a day file (defaults first). */
int sim_day_load(struct sim_day *d, const struct config *cfg,
    const char *path, char *err, size_t errlen);
/* Unix time of local midnight of the day (process TZ). */
int64_t sim_day_midnight(const struct sim_day *d);

/* ---- visitors ----------------------------------------------------------- */

enum sim_answer {
	SIM_ANSWERS = 0,             /* comes when called */
	SIM_LATE,                    /* comes after the first recall */
	SIM_GONE,                    /* left: no-show after the recalls */
};

struct sim_visitor {
	int arrive;                  /* seconds since local midnight */
	int procedure;               /* catalogue index, -1 */
	int queue;                   /* queue index */
	int priority;                /* 0 normal, 1..npriority */
	enum sim_answer answer;
	int walk_s;                  /* call -> at the counter */
	int service_s;               /* first service */
	int transfer_queue;          /* -1, or sent there after the first service */
	int service2_s;              /* service at the second queue */
	int slot;                    /* booked: the slot's start (seconds since
	                                midnight, never 0); 0 a walk-in */
};

/*
 * Draw the day's visitors (sorted by arrival) for cfg.  *out is a heap
 * array (free()) of *n visitors.  Same day and config -> same visitors.
 */
void sim_generate(const struct sim_day *d, const struct config *cfg,
    struct sim_visitor **out, int *n);

/*
 * Make share of the visitors (0..1) booked visitors, from a generator of
 * their own (so the walk-ins' draws stay those of the day without
 * bookings): each takes the slot of cfg's [booking] slot_min grid (from
 * each session's opening) that starts nearest its arrival, comes within 10 minutes
 * either side of the slot's start (never before the session, nor more than
 * early_min before the slot: the kiosk would refuse the check-in), and
 * checks in: the "appointment" priority class when within late_min of the
 * start, else a normal ticket.  Re-sorts v by arrival.  sim_generate calls
 * it for the day's booked_share.
 */
void sim_book(const struct sim_day *d, const struct config *cfg,
    struct sim_visitor *v, int n, double share);

/* ---- policy variants ---------------------------------------------------- */

enum sim_variant {
	SIM_CONFIGURED = 0,          /* the config as it is */
	SIM_FIFO,                    /* own-department queues only, all primary,
	                                arrival order, priority first uncapped,
	                                no target override */
	SIM_POOLED,                  /* one queue, every counter, arrival order */
	SIM_NVARIANTS
};

const char *sim_variant_name(enum sim_variant v);
/*
 * A copy of cfg changed for variant v (strings shared with cfg, so cfg must
 * outlive it).  Free with sim_config_free.  For SIM_POOLED every queue maps
 * to queue 0 and the catalogue is dropped (sim_run maps visitors).
 */
struct config *sim_config_variant(const struct config *cfg, enum sim_variant v);
/*
 * How much cross-training the centre needs: a copy of cfg whose counters
 * keep their primary queues and their own department's backups, lose other
 * departments' backups, and take as backups the primary queues of the k
 * counters on each side of them in the config's order (their neighbours in
 * the hall); k < 0: every queue of the centre.  Free with sim_config_free.
 */
struct config *sim_config_crosstrain(const struct config *cfg, int k);
void sim_config_free(struct config *c);

/* ---- running a day ------------------------------------------------------ */

/* What a backend reports of one accepted command. */
struct sim_reply {
	int64_t ticket;              /* the ticket acted on, 0 = none */
	enum engine_ticket_state state; /* its state after the command */
	int est_wait_s, ahead;       /* ISSUE: the ticket's estimate */
	int passed_queue;            /* CALL_NEXT: engine_result.passed_queue
	                                (-1 when the backend cannot tell) */
};

struct sim_backend {
	/* Run cmd (cmd->now = simulated unix time); 0 or -ENGINE_E... */
	int (*exec)(void *arg, const struct engine_cmd *cmd, struct sim_reply *rep);
	/* The live position of a waiting ticket (what its status page shows);
	 * 0 or -ENGINE_E...  NULL: not measured. */
	int (*position)(void *arg, int64_t ticket, int *ahead, int *est_s);
	/* The range shown for an estimate of est_s (engine_estimate_range:
	 * 1 with *low_s < *high_s, 0 for a single figure), asked right after
	 * the ISSUE or the position it is for.  NULL: not measured. */
	int (*range)(void *arg, int est_s, int *low_s, int *high_s);
	/* Called before each simulated instant t is acted on; non-zero stops
	 * the run (feed mode sleeps here).  NULL: full speed. */
	int (*wait_until)(void *arg, int64_t t);
	void *arg;
	/* 1: a refused command does not stop the run; the counter's agent
	 * lets go of its ticket and calls again (a live daemon may be used by
	 * people at the same time). */
	int lenient;
};

/* A backend on an engine in this process (e must outlive the backend). */
void sim_engine_backend(struct sim_backend *b, engine *e);

#define SIM_PROBE_S 300          /* status page read 5 min after issue */

struct sim_stats {
	int n;
	double mean;                 /* seconds */
	int median, p90, max;        /* seconds; nearest rank */
};

/* Figures of one run. */
struct sim_report {
	int visitors, called, served, no_shows, transfers, cancelled;
	struct sim_stats wait, wait_normal, wait_prio;
	/* Booked visitors from their slot's start (or their later arrival);
	 * walk-ins (the others) from their arrival. */
	struct sim_stats wait_booked, wait_walkin;
	struct sim_stats qwait[CONFIG_MAX_QUEUES];    /* by the issue queue */
	double service_level[CONFIG_MAX_QUEUES];      /* wait <= target, 0..1 */
	double utilisation[CONFIG_MAX_COUNTERS];      /* busy / open, -1 never open */
	int open_s[CONFIG_MAX_COUNTERS], busy_s[CONFIG_MAX_COUNTERS];
	int qlongest[CONFIG_MAX_QUEUES];              /* most waiting at once */
	int longest_queue, longest_len, longest_at;   /* at = s since midnight */
	/* Estimated wait at issue against the wait that followed. */
	int est_n;
	int est_err_median, est_err_p90;              /* |est - wait|, seconds */
	double est_within;           /* wait <= estimate as printed (whole min) */
	double est_bias;             /* mean (est - wait), seconds */
	/* Waits by band of the estimate (sim_est_band), in whole minutes
	 * (the last bin: that long or longer): how far apart the waits of
	 * visitors given the same estimate fell. */
	int est_hist[SIM_EST_BANDS][SIM_WAIT_BINS];
	int est_errhist[SIM_WAIT_BINS];  /* |est - wait|, whole minutes */
	/* The status page's live estimate, read SIM_PROBE_S after issue from
	 * every visitor still waiting then, against the rest of the wait. */
	int live_n;
	int live_err_median, live_err_p90;            /* seconds */
	int live_ticket_median, live_ticket_p90;      /* the ticket's error
	                                                 for the same visitors */
	double live_within;          /* rest of wait <= estimate as shown */
	/* The ranges shown for long waits (sim_backend.range), on the ticket
	 * (rng) and the status page (lrng, the visitors of live_n): how many
	 * were shown one, how many of those were called inside it, its median
	 * width; over every visitor of the row, the p90 of the distance from
	 * the wait to what was shown (0 inside a range; a single figure's
	 * error) and of the range's midpoint's error. */
	int rng_n, rng_in, rng_width_median, rng_dist_p90, rng_mid_p90;
	int lrng_n, lrng_in, lrng_width_median, lrng_dist_p90, lrng_mid_p90;
	/* The oracle (sim_run_oracle; 0 when not run): on a sample of tickets
	 * the median of many futures played from the true state, against the
	 * wait that followed, beside this estimate's error on the same
	 * tickets; at issue and, for those still waiting, on the status page. */
	int oracle_n, oracle_live_n;
	int oracle_err_median, oracle_err_p90;        /* seconds */
	int oracle_ours_median, oracle_ours_p90;
	int oracle_live_err_median, oracle_live_err_p90;
	int oracle_live_ours_median, oracle_live_ours_p90;
	int refused;                 /* refusals ignored (lenient backend) */
	int prio_run_max;            /* most priority calls in a row in a queue
	                                while a normal ticket of it waited */
	int end_s;                   /* last event, seconds since midnight */
};

/*
 * Run the visitors through backend b for day d and config cfg (the config
 * the backend's engine uses; a SIM_POOLED config maps every visitor to queue
 * 0).  orig is the centre's real config (queue targets for the figures).
 * Fills *rep.  Returns 0, or -1 when the backend stopped the run or a
 * command failed unexpectedly (err says which).
 */
int sim_run(const struct sim_day *d, const struct config *orig,
    const struct config *cfg, const struct sim_visitor *v, int n,
    const struct sim_backend *b, struct sim_report *rep, char *err,
    size_t errlen);

/* Generate, build an engine on the variant config, run, free. */
int sim_run_variant(const struct sim_day *d, const struct config *cfg,
    const struct sim_visitor *v, int n, enum sim_variant var,
    struct sim_report *rep, char *err, size_t errlen);

/*
 * The oracle: the best any single-number estimate could do.  For every
 * every-th ticket issued, at its issue and again when its status page is
 * read, the run forks futures times (fork(2): each child holds the whole
 * state of the run, the engine's included) and each child plays the rest
 * of the day with fresh draws from the day's own distributions: arrivals
 * from then on, the services, answers and transfers of the visitors not
 * yet called, the rest of the services under way (given how long they have
 * run), the staff's delays; the day's plan (sessions, absences, pauses) is
 * known, but for the pauses not yet begun with unplanned.  The median of the futures' waits is the oracle's estimate.
 * Deterministic per day seed.
 */
struct sim_oracle {
	int futures;                 /* futures per estimate (> 0) */
	int every;                   /* sample every every-th ticket (> 0) */
	int unplanned;               /* 1: the pauses of the plan not yet begun
	                                (on the counter) are unknown to it, as
	                                to the engine: left out of the futures */
	int engine_rates;            /* 1: the futures' arrivals at the engine's
	                                own expectation (each queue's and kind's
	                                rate of the last hour, until the session
	                                closes) instead of the day's profile */
};

/* sim_run_variant(SIM_CONFIGURED) with the oracle's figures in rep. */
int sim_run_oracle(const struct sim_day *d, const struct config *cfg,
    const struct sim_visitor *v, int n, const struct sim_oracle *o,
    struct sim_report *rep, char *err, size_t errlen);

/* Figures of a sample of seconds (the array is sorted in place). */
void sim_stats_of(int *x, int n, struct sim_stats *s);
/* The band (0..SIM_EST_BANDS-1) of an estimate of est_s seconds: whole
 * minutes 0-5, then wider bands up to 150 minutes and more. */
int sim_est_band(int est_s);

#endif
