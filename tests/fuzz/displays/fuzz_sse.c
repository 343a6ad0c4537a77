/*
 * fuzz_sse.c - libFuzzer target for the wall display's Server-Sent Events
 * parser (displays/sse.c), which reads bytes from the network.  The input
 * (after its first byte) is parsed twice: whole, and cut into pieces whose
 * sizes come from the first byte (1..16 bytes, so CRLF pairs, fields and
 * over-long lines are cut everywhere).  Both must give the same events
 * (count and a hash of id, type and data) and the same last id; every
 * event's id and type fit their fields.  Any difference aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "displays/sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_sum {
	unsigned long n;
	uint64_t h;
};

static uint64_t
fz_hash(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

static void
fz_event(void *arg, const char *id, const char *type, const char *d)
{
	struct fz_sum *s = arg;

	if (strlen(id) >= 64 || strlen(type) >= 64 || type[0] == '\0')
		abort();
	s->n++;
	s->h = fz_hash(fz_hash(fz_hash(s->h, id), type), d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_sum whole = { 0, 1469598103934665603ULL }, cut = whole;
	sse *a, *b;
	size_t off = 0, step;
	unsigned seed;

	if (size < 1)
		return 0;
	seed = data[0];
	data++;
	size--;
	a = sse_new(fz_event, &whole);
	b = sse_new(fz_event, &cut);
	sse_feed(a, (const char *)data, size);
	while (off < size) {
		step = 1 + (seed & 15);
		seed = seed * 1103515245u + 12345u;
		seed ^= seed >> 16;
		if (step > size - off)
			step = size - off;
		sse_feed(b, (const char *)data + off, step);
		off += step;
	}
	if (whole.n != cut.n || whole.h != cut.h || strcmp(sse_last_id(a), sse_last_id(b)) != 0 ||
	    sse_dropped(a) != sse_dropped(b) || sse_comments(a) != sse_comments(b))
		abort();
	/* A reset drops the partial event only; the parser stays usable. */
	sse_reset(b);
	sse_feed(b, "data: x\n\n", 9);
	if (cut.n != whole.n + 1)
		abort();
	sse_free(a);
	sse_free(b);
	return 0;
}
