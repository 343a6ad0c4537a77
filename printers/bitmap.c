/*
 * bitmap.c - one-byte-per-dot pictures, raster packing and PNG files.
 * Sizes are bounded by BITMAP_MAX_* so that a hostile stream cannot make
 * the emulator allocate without limit.
 */
#include "printers/bitmap.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

#define BITMAP_MAX_W 4096
#define BITMAP_MAX_H 65536

/* A white w x h bitmap. */
struct bitmap *
bitmap_new(int w, int h)
{
	struct bitmap *bm = xcalloc(1, sizeof *bm);

	if (w < 1)
		w = 1;
	if (w > BITMAP_MAX_W)
		w = BITMAP_MAX_W;
	if (h < 0)
		h = 0;
	if (h > BITMAP_MAX_H)
		h = BITMAP_MAX_H;
	bm->w = w;
	bm->h = h;
	bm->cap_h = h > 0 ? h : 1;
	bm->pix = xcalloc((size_t)bm->cap_h, (size_t)w);
	return bm;
}

/* Free a bitmap (NULL is fine). */
void
bitmap_free(struct bitmap *bm)
{
	if (bm == NULL)
		return;
	free(bm->pix);
	free(bm);
}

/* Grow to h rows (capped at BITMAP_MAX_H), doubling the allocation. */
void
bitmap_grow(struct bitmap *bm, int h)
{
	int cap;

	if (h > BITMAP_MAX_H)
		h = BITMAP_MAX_H;
	if (h <= bm->h)
		return;
	if (h > bm->cap_h) {
		cap = bm->cap_h;
		while (cap < h)
			cap = cap * 2 > BITMAP_MAX_H ? BITMAP_MAX_H : cap * 2;
		bm->pix = xreallocarray(bm->pix, (size_t)cap, (size_t)bm->w);
		memset(bm->pix + (size_t)bm->cap_h * bm->w, 0,
		    (size_t)(cap - bm->cap_h) * bm->w);
		bm->cap_h = cap;
	}
	bm->h = h;
}

/* Set one dot black. */
void
bitmap_set(struct bitmap *bm, int x, int y)
{
	if (x < 0 || y < 0 || x >= bm->w || y >= bm->h)
		return;
	bm->pix[(size_t)y * bm->w + x] = 1;
}

/* 1 when the dot is black (0 outside). */
int
bitmap_get(const struct bitmap *bm, int x, int y)
{
	if (x < 0 || y < 0 || x >= bm->w || y >= bm->h)
		return 0;
	return bm->pix[(size_t)y * bm->w + x];
}

/* Fill a clipped rectangle black. */
void
bitmap_fill(struct bitmap *bm, int x, int y, int w, int h)
{
	int i, j;

	for (j = y; j < y + h; j++)
		for (i = x; i < x + w; i++)
			bitmap_set(bm, i, j);
}

/* Bounding box of the black dots. */
int
bitmap_bbox(const struct bitmap *bm, int *x0, int *y0, int *x1, int *y1)
{
	int x, y, found = 0;

	*x0 = bm->w; *y0 = bm->h; *x1 = 0; *y1 = 0;
	for (y = 0; y < bm->h; y++) {
		const uint8_t *row = bm->pix + (size_t)y * bm->w;
		for (x = 0; x < bm->w; x++) {
			if (!row[x])
				continue;
			found = 1;
			if (x < *x0) *x0 = x;
			if (x + 1 > *x1) *x1 = x + 1;
			if (y < *y0) *y0 = y;
			if (y + 1 > *y1) *y1 = y + 1;
		}
	}
	return found ? 0 : -1;
}

/* Pack a window of rows into raster bytes. */
void
bitmap_pack(const struct bitmap *bm, int x, int y, int bytes, int h,
    uint8_t *out)
{
	int r, b, k;

	for (r = 0; r < h; r++)
		for (b = 0; b < bytes; b++) {
			uint8_t v = 0;
			for (k = 0; k < 8; k++)
				if (bitmap_get(bm, x + b * 8 + k, y + r))
					v |= (uint8_t)(0x80 >> k);
			*out++ = v;
		}
}

/* Write a 1-bit greyscale PNG. */
int
bitmap_write_png(const struct bitmap *bm, const char *path, char *err,
    size_t errlen)
{
	png_image img;
	uint8_t *grey;
	size_t i, n = (size_t)bm->w * (size_t)bm->h;
	int ok;

	grey = xmalloc(n ? n : 1);
	for (i = 0; i < n; i++)
		grey[i] = bm->pix[i] ? 0 : 255;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)bm->w;
	img.height = (png_uint_32)(bm->h > 0 ? bm->h : 1);
	img.format = PNG_FORMAT_GRAY;
	if (bm->h == 0) {
		free(grey);
		grey = xmalloc((size_t)bm->w);
		memset(grey, 255, (size_t)bm->w);
	}
	ok = png_image_write_to_file(&img, path, 0, grey, 0, NULL);
	if (!ok)
		snprintf(err, errlen, "%s: %s", path, img.message);
	png_image_free(&img);
	free(grey);
	return ok ? 0 : -1;
}

/* Read any PNG as a bitmap (grey < 128 = black). */
struct bitmap *
bitmap_read_png(const char *path, char *err, size_t errlen)
{
	png_image img;
	uint8_t *grey;
	struct bitmap *bm;
	size_t i, n;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path)) {
		snprintf(err, errlen, "%s: %s", path, img.message);
		return NULL;
	}
	if (img.width > BITMAP_MAX_W || img.height > BITMAP_MAX_H) {
		snprintf(err, errlen, "%s: picture too large", path);
		png_image_free(&img);
		return NULL;
	}
	img.format = PNG_FORMAT_GRAY;
	n = (size_t)img.width * img.height;
	grey = xmalloc(n ? n : 1);
	if (!png_image_finish_read(&img, NULL, grey, 0, NULL)) {
		snprintf(err, errlen, "%s: %s", path, img.message);
		png_image_free(&img);
		free(grey);
		return NULL;
	}
	bm = bitmap_new((int)img.width, (int)img.height);
	for (i = 0; i < n; i++)
		bm->pix[i] = grey[i] < 128;
	free(grey);
	return bm;
}
