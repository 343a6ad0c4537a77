/*
 * escpos.h - the ESC/POS byte language as the host speaks it (the
 * decoder, the printer's side, is escpos_decode.h).
 *
 * Encoding: a growing byte buffer with helpers for the commands the ticket
 * uses (raster images in chunks, native QR).  Status: the meaning of the
 * real-time status replies (DLE EOT n) on the host side, and the replies a
 * printer with given faults sends (the emulator and the file driver).
 */
#ifndef ONESTOP_ESCPOS_H
#define ONESTOP_ESCPOS_H

#include <stddef.h>
#include <stdint.h>

#include "printers/bitmap.h"

/* Printer conditions (bit set = condition present). */
#define ESCPOS_ST_PAPER_END   0x01u
#define ESCPOS_ST_NEAR_END    0x02u
#define ESCPOS_ST_COVER_OPEN  0x04u
#define ESCPOS_ST_OFFLINE     0x08u
#define ESCPOS_ST_ERROR       0x10u
#define ESCPOS_ST_GONE        0x20u  /* no answer / no device (host side) */
/* Conditions under which a ticket cannot be printed. */
#define ESCPOS_ST_CANNOT_PRINT (ESCPOS_ST_PAPER_END | ESCPOS_ST_COVER_OPEN | \
	ESCPOS_ST_OFFLINE | ESCPOS_ST_ERROR | ESCPOS_ST_GONE)

/* ---- encoding ---- */

struct escpos_buf {
	uint8_t *data;
	size_t len, cap;
};

void escpos_buf_init(struct escpos_buf *b);
void escpos_buf_free(struct escpos_buf *b);
void escpos_put(struct escpos_buf *b, const void *p, size_t n);
void escpos_putc(struct escpos_buf *b, uint8_t c);
/* Append a literal command: escpos_cmd(b, 3, 0x1B, 0x61, 1). */
void escpos_cmd(struct escpos_buf *b, int n, ...);

/* Rows [y, y+h) of bm, columns [x, x+bytes*8), as GS v 0 images of at most
 * chunk_rows rows each. */
void escpos_raster(struct escpos_buf *b, const struct bitmap *bm, int x,
    int y, int bytes, int h, int chunk_rows);

/* The same with GS v 0 mode m (0 normal, 1 double width, 2 double
 * height, 3 both: every dot printed 2 x 2). */
void escpos_raster_mode(struct escpos_buf *b, const struct bitmap *bm, int x,
    int y, int bytes, int h, int chunk_rows, int m);

/* Native QR (GS ( k, model 2): module size 1..16, ec 'L','M','Q','H'. */
void escpos_qr(struct escpos_buf *b, const char *data, int module, char ec);

/* ---- status ---- */

/* The reply byte a printer with faults (ESCPOS_ST_*) sends to DLE EOT n
 * (n = 1..4). */
uint8_t escpos_status_reply(unsigned faults, int n);

/* Conditions one reply to DLE EOT n tells; -1 when the byte is not a
 * status reply (does not match 0xx1xx10). */
int escpos_status_parse(int n, uint8_t reply);

/* Parse a fault list: words separated by spaces, commas or newlines:
 * "ok", "paper-out" (or "paper-end"), "near-end", "cover-open", "offline",
 * "error", "gone", "slow=MS" (ms per 1 KiB received), "paper-out-after=N"
 * (paper ends after N more bytes of print data; *paper_after = N, else
 * -1; paper_after may be NULL).  0 or -1 with err naming the bad word. */
int escpos_faults_parse(const char *text, unsigned *faults, int *slow_ms,
    long *paper_after, char *err, size_t errlen);

/* Names of the conditions in faults, e.g. "paper-end,cover-open" or "ok";
 * writes into out (always terminated). */
void escpos_faults_name(unsigned faults, char *out, size_t outlen);

#endif
