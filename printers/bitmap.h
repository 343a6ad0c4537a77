/*
 * bitmap.h - a one-bit picture kept as one byte per dot (0 white, 1 black):
 * the canvas the ticket layout draws on and the emulator prints on.  Also
 * packs rows into ESC/POS raster bytes and writes PNG files (libpng).
 */
#ifndef ONESTOP_BITMAP_H
#define ONESTOP_BITMAP_H

#include <stddef.h>
#include <stdint.h>

struct bitmap {
	int w, h;                /* dots */
	int cap_h;               /* rows allocated */
	uint8_t *pix;            /* w * cap_h bytes, row-major, 0 or 1 */
};

/* A white w x h bitmap (free with bitmap_free). */
struct bitmap *bitmap_new(int w, int h);
void bitmap_free(struct bitmap *bm);

/* Make the bitmap at least h rows high (new rows white). */
void bitmap_grow(struct bitmap *bm, int h);

/* Set dot (x, y) black; out-of-range dots are ignored. */
void bitmap_set(struct bitmap *bm, int x, int y);
int bitmap_get(const struct bitmap *bm, int x, int y);

/* Fill the rectangle with black (clipped). */
void bitmap_fill(struct bitmap *bm, int x, int y, int w, int h);

/* Bounding box of black dots: returns 0 and sets *x0..*y1 (exclusive), or
 * -1 when the bitmap is all white. */
int bitmap_bbox(const struct bitmap *bm, int *x0, int *y0, int *x1, int *y1);

/* Pack rows [y, y+h) columns [x, x+bytes*8) into out (bytes*h bytes),
 * MSB = leftmost dot, as GS v 0 wants. */
void bitmap_pack(const struct bitmap *bm, int x, int y, int bytes, int h,
    uint8_t *out);

/* Write the bitmap as a 1-bit greyscale PNG; 0 or -1 with err set. */
int bitmap_write_png(const struct bitmap *bm, const char *path, char *err,
    size_t errlen);

/* Read a PNG written by bitmap_write_png (any PNG: dark = black); the
 * caller frees the result.  NULL with err set on failure. */
struct bitmap *bitmap_read_png(const char *path, char *err, size_t errlen);

#endif
