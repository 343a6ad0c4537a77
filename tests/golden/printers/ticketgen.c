/*
 * ticketgen.c - test helper for the golden pictures and the bench: writes
 * the ESC/POS bytes of named sample tickets, and compares two PNGs dot by
 * dot.
 *
 *   ticketgen list
 *   ticketgen CASE OUT.bin        prints "bytes N"
 *   ticketgen cmp A.png B.png     exit 0 when every dot is the same
 *   ticketgen url CASE            prints the status URL the QR code holds
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printers/bitmap.h"
#include "printers/printer_conf.h"
#include "printers/ticket.h"
#include "printers/ticket_samples.h"

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
	    "url CASE\n");
	return 2;
}
