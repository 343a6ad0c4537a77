/*
 * sse.c - Server-Sent Events parser (see sse.h).  Keeps one line buffer
 * and one event (id, type, data) being built.
 */
#include "displays/sse.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

struct sse {
	sse_event_fn fn;
	void *arg;
	char *line;             /* current line, not NUL-terminated */
	size_t llen, lcap;
	int skip_line;          /* line too long: drop until its end */
	int bad_event;          /* event had a dropped line: do not dispatch */
	int last_cr;            /* previous byte was CR (for CRLF) */
	char *data;
	size_t dlen, dcap;
	int has_data;
	char type[64];
	char id[64];            /* id of the event being built */
	char last_id[64];       /* last id dispatched or set */
	unsigned long comments, dropped;
};

sse *
sse_new(sse_event_fn fn, void *arg)
{
	sse *p = xcalloc(1, sizeof *p);

	p->fn = fn;
	p->arg = arg;
	return p;
}

void
sse_free(sse *p)
{
	if (p == NULL)
		return;
	free(p->line);
	free(p->data);
	free(p);
}

/* Drop the event being built. */
static void
sse_clear_event(sse *p)
{
	p->dlen = 0;
	p->has_data = 0;
	p->type[0] = '\0';
	p->bad_event = 0;
}

void
sse_reset(sse *p)
{
	p->llen = 0;
	p->skip_line = 0;
	p->last_cr = 0;
	sse_clear_event(p);
}

const char *
sse_last_id(const sse *p)
{
	return p->last_id;
}

unsigned long
sse_comments(const sse *p)
{
	return p->comments;
}

unsigned long
sse_dropped(const sse *p)
{
	return p->dropped;
}

static void
sse_copy_field(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* Handle one complete line (without its end). */
static void
sse_line(sse *p, const char *l, size_t n)
{
	const char *colon, *v;
	size_t flen, vlen;

	if (n == 0) {
		if (p->has_data && !p->bad_event) {
			if (p->dlen + 1 > p->dcap) {
				p->dcap = p->dlen + 1;
				p->data = xreallocarray(p->data, p->dcap, 1);
			}
			p->data[p->dlen] = '\0';
			memcpy(p->last_id, p->id, sizeof p->last_id);
			p->fn(p->arg, p->id, p->type[0] ? p->type : "message", p->data);
		}
		sse_clear_event(p);
		return;
	}
	if (l[0] == ':') {
		p->comments++;
		return;
	}
	colon = memchr(l, ':', n);
	flen = colon != NULL ? (size_t)(colon - l) : n;
	v = colon != NULL ? colon + 1 : l + n;
	vlen = colon != NULL ? n - flen - 1 : 0;
	if (vlen > 0 && v[0] == ' ') {
		v++;
		vlen--;
	}
	if (flen == 4 && memcmp(l, "data", 4) == 0) {
		size_t need = p->dlen + vlen + 2;

		if (need > p->dcap) {
			p->dcap = need * 2;
			p->data = xreallocarray(p->data, p->dcap, 1);
		}
		if (p->has_data)
			p->data[p->dlen++] = '\n';
		memcpy(p->data + p->dlen, v, vlen);
		p->dlen += vlen;
		p->has_data = 1;
	} else if (flen == 5 && memcmp(l, "event", 5) == 0) {
		sse_copy_field(p->type, sizeof p->type, v, vlen);
	} else if (flen == 2 && memcmp(l, "id", 2) == 0) {
		if (memchr(v, '\0', vlen) == NULL) {
			sse_copy_field(p->id, sizeof p->id, v, vlen);
			memcpy(p->last_id, p->id, sizeof p->last_id);
		}
	}
	/* "retry" and unknown fields are ignored. */
}

void
sse_feed(sse *p, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\n' && p->last_cr) {
			p->last_cr = 0;
			continue;
		}
		p->last_cr = c == '\r';
		if (c == '\n' || c == '\r') {
			if (p->skip_line) {
				p->skip_line = 0;
				p->bad_event = 1;
			} else {
				sse_line(p, p->line, p->llen);
			}
			p->llen = 0;
			continue;
		}
		if (p->skip_line)
			continue;
		if (p->llen >= SSE_MAX_LINE) {
			p->skip_line = 1;
			p->dropped++;
			p->llen = 0;
			continue;
		}
		if (p->llen + 1 > p->lcap) {
			p->lcap = p->lcap ? p->lcap * 2 : 256;
			p->line = xreallocarray(p->line, p->lcap, 1);
		}
		p->line[p->llen++] = c;
	}
}
