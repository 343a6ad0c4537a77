/*
 * ticket.h - what a visitor's ticket says, and its layout encoded as
 * ESC/POS for one printer's configuration.
 *
 * Layout (top to bottom, centred unless noted): [reprint banner], centre
 * name, its address (wrapped, at most 3 lines), "SỐ THỨ TỰ", the big
 * number (printer font, 6x on 58 mm, 8x on 80 mm), the priority class
 * (bold, double size), queue name, procedure name (wrapped, at most 6
 * lines), then left-aligned: counters, people ahead, estimated wait, issue
 * time; the QR code of the status URL (4 modules of white on every side)
 * with the URL under it; the footer; feed and cut.
 *
 * Text a printer font can print (ASCII, or anything in the printer's code
 * page when codepage is not "raster") goes as text; other lines are drawn
 * with Noto Sans (FreeType) and sent as GS v 0 raster images cropped to the
 * ink, so a ticket costs a few KB rather than a whole-page bitmap.  With
 * codepage "udc" all of it is printer text: the Vietnamese letters as
 * user-defined characters (udc.h), about 2-3.5 KB a ticket.
 */
#ifndef ONESTOP_TICKET_H
#define ONESTOP_TICKET_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct printer_conf;

/* What the ticket says.  Strings are UTF-8 (NFC); NULL or "" = omitted. */
struct ticket_print {
	const char *centre;      /* "Trung tâm Phục vụ hành chính công tỉnh …" */
	const char *address;     /* the centre's postal address */
	const char *number;      /* "1024" (ASCII, shown big) */
	const char *priority;    /* priority class, "Người cao tuổi"; NULL or
	                            "" for a normal ticket */
	const char *queue;       /* queue name, "Hộ tịch" */
	const char *procedure;   /* procedure name, may be long */
	const char *counters;    /* "3, 4, 5" */
	int ahead;               /* people ahead; < 0 = omitted */
	int wait_min;            /* estimated wait in minutes; < 0 = omitted */
	int wait_low_s;          /* with wait_low_s < wait_high_s: the range */
	int wait_high_s;         /* of a long wait (engine_estimate_range),
	                            printed instead ("khoảng 40–55 phút") */
	time_t issued;           /* shown in local time (TZ) */
	const char *url;         /* status page URL, in the QR code */
	const char *footer;      /* short text from the config */
	int reprint;             /* 1: marked "BẢN IN LẠI" (reprint) */
};

/* Deep copy of t (free with ticket_print_free). */
struct ticket_print *ticket_print_dup(const struct ticket_print *t);
void ticket_print_free(struct ticket_print *t);

struct ticket_encoder;

/* An encoder with its fonts loaded (one per thread).  NULL with err set
 * when no font loads. */
struct ticket_encoder *ticket_encoder_new(char *err, size_t errlen);
void ticket_encoder_free(struct ticket_encoder *e);

/*
 * Lay out t for printer pc (paper_dots, codepage, native_qr) and encode it.
 * On success returns 0 and *out holds malloc'd bytes (*outlen long) the
 * caller frees.  On failure (bad paper width, unknown code page, QR that
 * cannot be encoded) returns -1 with err set and *out NULL.
 */
int ticket_encode(struct ticket_encoder *e, const struct printer_conf *pc,
    const struct ticket_print *t, uint8_t **out, size_t *outlen, char *err,
    size_t errlen);

/* The ESC t number for a code page name: "cp1258" (Epson 52) or
 * "cp1258:N" (vendor number N); -1 for "raster", "udc" (no ESC t) or
 * unknown names. */
int ticket_codepage(const char *name);

#endif
