/*
 * config.h - the centre's configuration: an INI file (read with inih) for the
 * centre, departments, queues, counters and policy, and a CSV procedure
 * catalogue (read with libcsv).
 *
 * Parsing builds a fresh struct config, validates it as a whole, and only then
 * hands it to the caller (the daemon swaps it in).  Every error names
 * "file:line: what is wrong".  Unknown sections and keys are errors.
 *
 * Indexes: departments, queues, counters and procedures are referred to by
 * their index in the arrays below (0-based).  Counter *numbers* (1..99, what
 * the boards and people show) are distinct from their index.
 */
#ifndef ONESTOP_CONFIG_H
#define ONESTOP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_DEPARTMENTS 64
#define CONFIG_MAX_QUEUES 128
#define CONFIG_MAX_COUNTERS 99
#define CONFIG_MAX_SERVES CONFIG_MAX_QUEUES /* queues one counter may serve */
#define CONFIG_MAX_OPEN_HOURS 4 /* [policy] open_hours: sessions a day */
#define CONFIG_MAX_PRIORITY 8      /* priority classes, besides "normal" (0) */
#define CONFIG_MAX_KIOSKS 32
#define CONFIG_MAX_PROCEDURES 5000
#define CONFIG_MAX_KEYWORDS 16      /* keywords of one procedure */
#define CONFIG_KEYWORD_MAX 100      /* bytes in one keyword */
#define CONFIG_MAX_PRINTERS 32
#define CONFIG_MAX_LINES 8         /* RS-485 lines */
#define CONFIG_MAX_BOARDS 247      /* boards over all lines */
#define CONFIG_MAX_HOLIDAYS 64     /* [booking] holidays */

enum config_level {
	CONFIG_PRIMARY = 0,
	CONFIG_BACKUP = 1,
};

struct config_department {
	char *code;              /* short id, e.g. "TP" (ASCII, [A-Za-z0-9_-]) */
	char *name;              /* "Sở Tư pháp" (UTF-8, NFC) */
};

struct config_queue {
	char *code;              /* short id, e.g. "TP-HT" */
	char *name;              /* "Hộ tịch" */
	int department;          /* index into departments */
	int number_first;        /* first ticket number of the day, 1..9999 */
	int number_last;         /* last; ranges of queues never overlap */
	int target_wait_min;     /* waiting-time target in minutes (> 0) */
	int service_min;         /* initial estimate of one service, minutes */
	int transfer_keeps_place;/* a ticket transferred *into* this queue keeps
	                            its original arrival order (1) or goes to the
	                            back (0); -1 = policy default */
	int sms_near_ahead;      /* SMS when this many are ahead; -1 = [sms] */
	int booking_capacity;    /* appointments per slot (0: not bookable);
	                            -1 in the parse = [booking] capacity */
	int remote_cap;          /* remote (online) tickets a day (0: none);
	                            -1 in the parse = [booking] remote_cap */
};

struct config_serve {
	int queue;               /* index into queues */
	enum config_level level;
};

struct config_counter {
	int number;              /* 1..99, unique, shown on boards */
	char *name;              /* "Quầy 5" */
	int department;          /* index into departments */
	char *area;              /* hall / area name, for hall boards and screens */
	int nserves;
	struct config_serve serves[CONFIG_MAX_SERVES];
};

struct config_priority_class {
	char *code;              /* "elderly", "disabled", "pregnant", "veteran",
	                            "appointment" ... ASCII */
	char *name;              /* "Người cao tuổi" */
};

/* Call-next policy; every rule has a name in the INI [policy] section. */
struct config_policy {
	int priority_interleave;     /* call one priority ticket after this many
	                                normal calls of the same queue (0 = a
	                                waiting priority ticket always goes first) */
	int priority_max_consecutive;/* never more priority calls in a row in a
	                                queue while a normal ticket waits (>= 1) */
	int target_override;         /* 1: a ticket past its queue target
	                                outranks every rule below */
	int backup_past_target;      /* 1: a backup queue is served before the
	                                primary when its ticket is past target */
	int priority_first_free;     /* 1: a priority ticket of any queue a
	                                counter serves (also backup) may go
	                                before the normal ones of the queue it
	                                would serve, within both queues'
	                                interleave and cap */
	int recall_limit;            /* recalls allowed; one more = no-show */
	int transfer_keeps_place;    /* default for queues that do not say */
	int rating_window_s;         /* a rating this long after finish attaches
	                                to the ticket just served */
	int daily_reset;             /* 1: numbers restart every service day */
	int nopen_hours;             /* opening hours (0 = not given): the
	                                estimate expects visitors only inside
	                                them, and a counter paused between them
	                                back at the next opening */
	int open_from_s[CONFIG_MAX_OPEN_HOURS]; /* seconds since local */
	int open_to_s[CONFIG_MAX_OPEN_HOURS];   /* midnight, ascending */
	int pause_expected_min;      /* the estimate expects a paused counter
	                                back this long after it paused (0: a
	                                paused counter takes no part) */
};

/* [booking]: appointments and remote tickets (host/core/booking.h). */
struct config_booking {
	int slot_min;                /* length of a slot, minutes */
	int capacity;                /* default appointments per slot (0: none) */
	int nhours;                  /* sessions a day in which slots lie; */
	int from_s[CONFIG_MAX_OPEN_HOURS];  /* 0 = [policy] open_hours, else */
	int to_s[CONFIG_MAX_OPEN_HOURS];    /* 07:30-11:30, 13:30-17:00 */
	unsigned closed_wdays;       /* bit d (0 = Sunday .. 6 = Saturday) */
	int nholidays;               /* closed dates, as YYYYMMDD */
	int holidays[CONFIG_MAX_HOLIDAYS];
	int horizon_days;            /* bookable up to this many days ahead */
	int early_min;               /* check-in accepted this early, */
	int late_min;                /* and this late (then: a normal ticket) */
	int remote_cap;              /* default remote tickets a queue a day */
	int reminder_hour;           /* SMS reminders of tomorrow's bookings from */
	int address_limit;           /* public bookings and remote tickets an */
	int phone_limit;             /* address, bookings a phone, before a wait */
};

struct config_kiosk {
	char *id;                    /* "kiosk-1" */
	char *name;
	char *printer;               /* printer id, or NULL */
	int printer_index;           /* index into printers, or -1 */
};

/* [printer ID]: a ticket printer and how to reach it. */
struct config_printer {
	char *id;                    /* "printer-1" */
	char *driver;                /* "usb", "serial", "tcp", "file" */
	char *device;                /* usb: "04b8:0202" or "" (any printer class);
	                                serial: "/dev/ttyUSB0"; tcp: "host:9100";
	                                file: a path */
	int baud;                    /* serial only */
	char *flow;                  /* serial: "none", "rtscts", "xonxoff" */
	int paper_dots;              /* 384 (58 mm) or 576 (80 mm) */
	char *codepage;              /* "raster" (no Vietnamese code page) or a
	                                printer code page name, e.g. "cp1258" */
	int native_qr;               /* 1: printer has GS ( k QR */
};

/* [line ID]: one RS-485 line mastered through libmodbus RTU. */
struct config_line {
	char *id;                    /* "line-1" */
	char *port;                  /* "/dev/ttyUSB1" */
	int baud;                    /* 9600..115200 */
	char parity;                 /* 'N', 'E' or 'O' */
	int rs485;                   /* 1: TIOCSRS485 (real adapters only) */
};

/* [board LINE/ADDRESS]: a board on a line. */
struct config_board {
	int line;                    /* index into lines */
	int address;                 /* Modbus slave address 1..247 */
	char *role;                  /* "number", "caller", "rating", "hall" */
	int counter;                 /* counter index (number/caller/rating), -1 */
	char *area;                  /* hall boards: the area they show, or NULL */
};

struct config_procedure {
	char *code;                  /* "1.001234" national procedure code */
	char *name;                  /* Vietnamese name, NFC */
	char *folded;                /* name folded for search (vntext_fold) */
	int department;              /* index into departments */
	char *field;                 /* lĩnh vực */
	int queue;                   /* index into queues */
	int target_wait_min;         /* 0 = the queue's target */
	char *fee;                   /* "50.000 đồng", free text */
	char *processing_time;       /* "5 ngày làm việc" */
	char *documents;             /* documents to bring, "; "-separated */
	char *keywords;              /* everyday names, "; "-separated, NFC
	                                ("sổ đỏ; bìa đỏ"); "" when none */
	char *folded_keywords;       /* the same folded, one keyword after
	                                another, ';' between ("so do;bia do") */
	char *folded_field;          /* field folded for search */
	int line;                    /* line in the CSV file, for messages */
};

struct config {
	/* [centre] */
	char *centre_name;
	char *centre_address;
	char *footer;                /* ticket footer text */
	char *public_url;            /* base of the status page URL on tickets */
	char *catalogue_path;        /* procedure CSV, relative to the INI */
	int day_start_hour;          /* service day starts at this local hour */

	/* [daemon] */
	char *listen;                /* an IPv4 or IPv6 address, no brackets
	                                and no port: "127.0.0.1", "::1" (the
	                                INI may say "[::1]:8080", which sets
	                                port too) */
	int port;                    /* 8080 */
	char *database;              /* sqlite path, relative to the INI */
	int listen_line;             /* INI lines of listen and database, */
	int database_line;           /* 0 when defaulted (for messages) */

	/* [export] (host/docs/export.md): events to a central PostgreSQL.
	   export_conninfo_file NULL = no [export] section, no export. */
	char *export_conninfo_file;  /* libpq conninfo, mode 0600, relative
	                                to the INI */
	char *export_centre_code;    /* the centre's key in the central DB */
	int export_batch;            /* events per central transaction, 500 */
	int export_poll_ms;          /* look for new events this often, 100 */
	int export_retry_max_s;      /* longest back-off after a failure, 30 */
	int export_timeout_s;        /* a call with no answer this long is
	                                dropped (a silent network), 30 */
	int export_line;             /* line of [export], 0 = none */

	struct config_policy policy;
	struct config_booking booking;

	/* [sms]: notifications through Kannel (host/docs/notify.md) */
	struct config_sms {
		int enabled;
		char *url;           /* smsbox sendsms, "http://h:13013/cgi-bin/sendsms" */
		char *username, *password;
		char *from;          /* sender id, "" = Kannel's default */
		char *dlr_url;       /* this daemon as Kannel reaches it, "" = no reports */
		int near_ahead;      /* SMS when this many are ahead (0 = none) */
		int keep_days;       /* phone numbers purged after this many days */
		int max_age_min;     /* a ticket message unsent this long is dropped */
		int retry_max_s;     /* back-off cap */
		int timeout_s;       /* one sendsms request */
	} sms;

	int ndepartments;
	struct config_department departments[CONFIG_MAX_DEPARTMENTS];
	int nqueues;
	struct config_queue queues[CONFIG_MAX_QUEUES];
	int ncounters;
	struct config_counter counters[CONFIG_MAX_COUNTERS];
	int npriority;               /* classes 1..npriority; 0 = normal */
	struct config_priority_class priority[CONFIG_MAX_PRIORITY + 1];
	int nkiosks;
	struct config_kiosk kiosks[CONFIG_MAX_KIOSKS];

	int nprinters;
	struct config_printer printers[CONFIG_MAX_PRINTERS];
	int nlines;
	struct config_line lines[CONFIG_MAX_LINES];
	int nboards;
	struct config_board boards[CONFIG_MAX_BOARDS];

	int nprocedures;
	struct config_procedure *procedures; /* heap array of nprocedures */

	char *path;                  /* the INI file this came from */
};

/*
 * Parse the INI at path and the catalogue it names.  On success *out holds a
 * validated config (free with config_free) and 0 is returned.  On failure -1
 * is returned, *out is NULL, and err holds "file:line: message".
 */
int config_load(const char *path, struct config **out, char *err, size_t errlen);

/* Parse only an INI text (no catalogue); name is used in messages. */
int config_parse_ini(const char *text, size_t len, const char *name,
    struct config **out, char *err, size_t errlen);

/*
 * Parse a procedure catalogue (CSV text) against cfg's departments and
 * queues.  On success the new array replaces nothing: it is returned in
 * *procs and *nprocs (free with config_procedures_free).  On any bad row -1 is
 * returned, nothing is allocated, and err names "name:line: message".
 */
int config_parse_catalogue(const struct config *cfg, const char *text,
    size_t len, const char *name, struct config_procedure **procs,
    int *nprocs, char *err, size_t errlen);

/*
 * A listen address as an operator writes it: "127.0.0.1", "0.0.0.0", "::1",
 * "::", "[::1]", "127.0.0.1:8080", "[::1]:8080" (no host names).  Fills
 * host[hostlen] with the bare address and *port with the port, or -1 when
 * the text has none.  0, or -1 with a message in err.
 */
int config_listen_parse(const char *text, char *host, size_t hostlen,
    int *port, char *err, size_t errlen);

/*
 * The socket address for a bare address host (IPv4 or IPv6, as left by
 * config_listen_parse) and port: a sockaddr_in or sockaddr_in6 in *ss, its
 * size in *sslen.  0, or -1 with a message in err.
 */
struct sockaddr_storage;
int config_listen_addr(const char *host, int port, struct sockaddr_storage *ss,
    unsigned *sslen, char *err, size_t errlen);

/* A date "YYYY-MM-DD" (the first 10 bytes at p) as YYYYMMDD, or -1 when it
 * is not one (2026-02-30 is not). */
int config_parse_date(const char *p);

void config_procedures_free(struct config_procedure *procs, int nprocs);
void config_free(struct config *cfg);

/* Lookups by code / number; -1 when absent. */
int config_queue_index(const struct config *cfg, const char *code);
int config_department_index(const struct config *cfg, const char *code);
int config_counter_index(const struct config *cfg, int number);
/* Index of kiosk id, or -1. */
int config_kiosk_index(const struct config *cfg, const char *id);
int config_procedure_index(const struct config *cfg, const char *code);
int config_priority_index(const struct config *cfg, const char *code);

/*
 * The counters a ticket names to its holder, the same on the paper, the
 * kiosk's screen and the status page: the counter it was transferred to
 * (assigned, a counter index, -1 = none); else the counters for which its
 * queue is a primary queue or, when there are none, those that back it up.
 * Listing backups too would name every counter of a centre where any
 * counter may help any queue (serves = ..., *:backup); the board and the
 * voice say which one calls.  Fills out[] with at most max counter indexes
 * in the INI's order and returns how many.
 */
int config_ticket_counters(const struct config *cfg, int queue, int assigned,
    int *out, int max);

/*
 * The configuration written back as INI text, and changed live.
 *
 * An override is one key of one existing section, as the INI names them:
 * section "counter 5", "queue TP-HT", "department TP", "policy", "centre";
 * key "serves"; value as it would be written in the INI.  config_write_ini
 * returns the INI text of cfg with the overrides in place of the keys'
 * values (malloc'd, caller frees; every key written explicitly, so parsing
 * the text gives the same configuration).  config_with_overrides builds a
 * fresh config from cfg with the overrides applied, validated by the very
 * parser and checks of the INI (config_parse_ini): *out is a new config
 * without procedures (the caller moves cfg's catalogue over, which stays
 * valid as long as no queue or department changes code or department), or
 * -1 with err ("(live):LINE: what is wrong", or an unknown section or key).
 */
struct config_override {
	const char *section;
	const char *key;
	const char *value;
};
char *config_write_ini(const struct config *cfg, const struct config_override *ov,
    int nov);
int config_with_overrides(const struct config *cfg, const struct config_override *ov,
    int nov, struct config **out, char *err, size_t errlen);

/*
 * The catalogue procs[0..n-1] (department and queue indexes into cfg) as
 * CSV text in the catalogue format, every field quoted, with the optional
 * keywords column: parsing it gives the same procedures.  malloc'd.
 */
char *config_write_catalogue(const struct config *cfg,
    const struct config_procedure *procs, int n);

#endif
