/*
 * escpos_decode.h - the streaming ESC/POS decoder: bytes in, pages (dots
 * and text) out, status queries reported as a printer acts on them.  Used
 * by the emulator (onestop-printemu) and the tests.
 */
#ifndef ONESTOP_ESCPOS_DECODE_H
#define ONESTOP_ESCPOS_DECODE_H

#include <stddef.h>
#include <stdint.h>

struct bitmap;

/* ---- decoding ---- */

struct escpos_decoder;

struct escpos_decoder_cb {
	/* A page ended by a cut (or by escpos_decoder_end): its dots and the
	 * text found on it (UTF-8, one line per printed line, markers for
	 * images, QR codes and the cut).  Both valid only during the call. */
	void (*page)(void *arg, const struct bitmap *bm, const char *text);
	/* DLE EOT n was received (also inside other commands' data, as real
	 * printers act on it); answer it with escpos_status_reply. */
	void (*status)(void *arg, int n, size_t offset);
	/* Something not understood or malformed, at stream offset. */
	void (*report)(void *arg, size_t offset, const char *msg);
};

/* A decoder for paper_dots wide paper.  font may be NULL (text is then
 * collected but not drawn).  NULL with err set if the font cannot load. */
struct escpos_decoder *escpos_decoder_new(int paper_dots,
    const struct escpos_decoder_cb *cb, void *arg, const char *font,
    char *err, size_t errlen);

/* Feed bytes; commands split across calls are handled. */
void escpos_decoder_feed(struct escpos_decoder *d, const uint8_t *buf,
    size_t len);

/* A printer that prints each CP1258 combining tone mark (code table 52)
 * in a cell of its own, as many do, rather than over the letter before it
 * (the default).  The text still reads NFC.  Either way a text line wider
 * than the paper is wrapped, as a printer does, and reported. */
void escpos_decoder_set_marks_apart(struct escpos_decoder *d, int apart);

/* A printer that cannot print (paper end, cover open) still answers
 * status but drops print data; the page is then marked partial. */
void escpos_decoder_set_offline(struct escpos_decoder *d, int offline);

/* End of stream: report an incomplete command, and hand over a page that
 * was never cut (reported too). */
void escpos_decoder_end(struct escpos_decoder *d);

/* Counts so far: pages emitted, reports made. */
int escpos_decoder_pages(const struct escpos_decoder *d);
int escpos_decoder_reports(const struct escpos_decoder *d);

void escpos_decoder_free(struct escpos_decoder *d);

#endif
