/*
 * ticketgen.c - test helper for the golden pictures and the bench: writes
 * the ESC/POS bytes of named sample tickets, and compares two PNGs dot by
 * dot.
 *
 *   ticketgen list
 *   ticketgen CASE OUT.bin        prints "bytes N"
 *   ticketgen cmp A.png B.png     exit 0 when every dot is the same
 *   ticketgen url CASE            prints the status URL the QR code holds
 *   ticketgen quiet PNG           finds the QR code in the picture by its
 *                                 finder patterns and prints the white
 *                                 around it in modules on each side; exit
 *                                 0 when every side has 4 (ISO/IEC 18004),
 *                                 1 when one has less, 2 when no QR code
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printers/bitmap.h"
#include "printers/printer_conf.h"
#include "printers/ticket.h"
#include "printers/ticket_samples.h"

/* 1 when the 7 x 7 module finder pattern (module m dots) has its top-left
 * corner at (x, y): every dot of each module as the pattern wants it. */
static int
finder_at(const struct bitmap *bm, int x, int y, int m)
{
	int r, c, i, j, want;

	if (x < 0 || y < 0 || x + 7 * m > bm->w || y + 7 * m > bm->h)
		return 0;
	for (r = 0; r < 7; r++)
		for (c = 0; c < 7; c++) {
			want = r == 0 || r == 6 || c == 0 || c == 6 ||
			    (r >= 2 && r <= 4 && c >= 2 && c <= 4);
			for (i = 0; i < m; i++)
				for (j = 0; j < m; j++)
					if (bitmap_get(bm, x + c * m + j,
					    y + r * m + i) != want)
						return 0;
		}
	return 1;
}

/* Length of the run of colour v from (x, y) rightwards. */
static int
run(const struct bitmap *bm, int x, int y, int v)
{
	int n = 0;

	while (x + n < bm->w && bitmap_get(bm, x + n, y) == v)
		n++;
	return n;
}

/* A finder pattern whose 1:1:3:1:1 band starts at row y, at or right of
 * x: its left edge in *fx and module in *fm; 0 when none. */
static int
finder_in_row(const struct bitmap *bm, int x, int y, int *fx, int *fm)
{
	int m, a, b, c, d, e;

	for (; x < bm->w; x++) {
		if (!bitmap_get(bm, x, y) || (x > 0 && bitmap_get(bm, x - 1, y)))
			continue;
		a = run(bm, x, y, 1);
		b = run(bm, x + a, y, 0);
		c = run(bm, x + a + b, y, 1);
		d = run(bm, x + a + b + c, y, 0);
		e = run(bm, x + a + b + c + d, y, 1);
		m = a;
		if (b == m && c == 3 * m && d == m && e == m &&
		    finder_at(bm, x, y - 2 * m, m)) {
			*fx = x;
			*fm = m;
			return 1;
		}
	}
	return 0;
}

/* 1 when the rectangle is white and on the picture. */
static int
white(const struct bitmap *bm, int x0, int y0, int w, int h)
{
	int x, y;

	if (x0 < 0 || y0 < 0 || x0 + w > bm->w || y0 + h > bm->h)
		return 0;
	for (y = y0; y < y0 + h; y++)
		for (x = x0; x < x0 + w; x++)
			if (bitmap_get(bm, x, y))
				return 0;
	return 1;
}

/* ticketgen quiet PNG */
static int
quiet(const char *png)
{
	char err[256];
	struct bitmap *bm = bitmap_read_png(png, err, sizeof err);
	int x, y, m, x2, m2, s, k, side[4], i, ok = 1;
	static const char *names[4] = { "left", "right", "top", "bottom" };

	if (bm == NULL) {
		fprintf(stderr, "ticketgen: %s\n", err);
		return 2;
	}
	for (y = 0; y < bm->h; y++)
		if (finder_in_row(bm, 0, y, &x, &m))
			break;
	if (y == bm->h) {
		printf("no QR code found\n");
		bitmap_free(bm);
		return 2;
	}
	/* the top-right finder: the last one on the same row */
	x2 = x;
	for (k = x + 7 * m; finder_in_row(bm, k, y, &k, &m2); k += 7 * m2)
		if (m2 == m)
			x2 = k;
	s = x2 + 7 * m - x;
	y -= 2 * m;
	if (x2 == x || !finder_at(bm, x, y + s - 7 * m, m)) {
		printf("no QR code found (finder patterns incomplete)\n");
		bitmap_free(bm);
		return 2;
	}
	/* white dots beyond each edge, over the symbol's span plus the
	 * corners of a 4-module zone */
	for (i = 0; i < 4; i++)
		for (side[i] = 0; side[i] < 40 * m; side[i]++) {
			int d = side[i] + 1, z = 4 * m;
			if (!(i == 0 ? white(bm, x - d, y - z, 1, s + 2 * z) :
			    i == 1 ? white(bm, x + s + d - 1, y - z, 1, s + 2 * z) :
			    i == 2 ? white(bm, x - z, y - d, s + 2 * z, 1) :
			    white(bm, x - z, y + s + d - 1, s + 2 * z, 1)))
				break;
		}
	printf("qr at %d,%d, %d dots, module %d; quiet zone in modules:", x, y,
	    s, m);
	for (i = 0; i < 4; i++) {
		printf(" %s %d", names[i], side[i] / m);
		if (side[i] < 4 * m)
			ok = 0;
	}
	printf("\n");
	bitmap_free(bm);
	return ok ? 0 : 1;
}

int
main(int argc, char **argv)
{
	char err[256];

	setenv("TZ", "ICT-7", 1);
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		int i;
		for (i = 0; i < ticket_samples_count(); i++)
			printf("%s\n", ticket_samples_name(i));
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "cmp") == 0) {
		struct bitmap *a = bitmap_read_png(argv[2], err, sizeof err);
		struct bitmap *b = a ? bitmap_read_png(argv[3], err, sizeof err) :
		    NULL;
		long diff = 0;
		int x, y;
		if (a == NULL || b == NULL) {
			fprintf(stderr, "ticketgen: %s\n", err);
			bitmap_free(a);
			return 2;
		}
		if (a->w != b->w || a->h != b->h) {
			printf("size differs: %dx%d vs %dx%d\n", a->w, a->h, b->w,
			    b->h);
			bitmap_free(a); bitmap_free(b);
			return 1;
		}
		for (y = 0; y < a->h; y++)
			for (x = 0; x < a->w; x++)
				diff += bitmap_get(a, x, y) != bitmap_get(b, x, y);
		bitmap_free(a); bitmap_free(b);
		if (diff) {
			printf("%ld dots differ\n", diff);
			return 1;
		}
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "quiet") == 0)
		return quiet(argv[2]);
	if (argc == 3 && strcmp(argv[1], "url") == 0) {
		int i = ticket_samples_find(argv[2]);
		if (i < 0)
			return 2;
		printf("%s\n", ticket_samples_get(i)->ticket.url);
		return 0;
	}
	if (argc == 3) {
		int i = ticket_samples_find(argv[1]);
		struct ticket_encoder *e;
		uint8_t *bytes;
		size_t len;
		FILE *f;
		if (i < 0) {
			fprintf(stderr, "ticketgen: no case %s\n", argv[1]);
			return 2;
		}
		if ((e = ticket_encoder_new(err, sizeof err)) == NULL ||
		    ticket_encode(e, &ticket_samples_get(i)->printer,
		    &ticket_samples_get(i)->ticket, &bytes, &len, err,
		    sizeof err) < 0) {
			fprintf(stderr, "ticketgen: %s\n", err);
			ticket_encoder_free(e);
			return 1;
		}
		ticket_encoder_free(e);
		if ((f = fopen(argv[2], "wb")) == NULL ||
		    fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
			perror(argv[2]);
			free(bytes);
			return 1;
		}
		free(bytes);
		printf("bytes %zu\n", len);
		return 0;
	}
	fprintf(stderr, "usage: ticketgen list | CASE OUT.bin | cmp A B | "
	    "url CASE | quiet PNG\n");
	return 2;
}
