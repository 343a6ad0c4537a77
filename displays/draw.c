/*
 * draw.c - fitted text, a texture cache and PNG screenshots (see draw.h).
 * The cache maps (text, box, size, weight, colour) to a texture; entries
 * unused for DRAW_KEEP_FRAMES frames go when the cache is over its size.
 *
 * Retained mode (the wall display): the fills and copies of a frame are
 * recorded and matched against the previous frame's list (equal commands,
 * order kept); only the boxes of the commands left unmatched are painted
 * again (the whole new list replayed under a clip per dirty rectangle).  A
 * pixel outside those boxes is covered by the same commands in the same
 * order as before, so it keeps its value: the picture is the one a full
 * redraw gives, bit for bit (test_board checks it).
 */
#include "displays/draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_ttf.h>
#include <png.h>

#include "common/vntext.h"
#include "common/xmalloc.h"

#define DRAW_FONTS 64
#define DRAW_CACHE 1024
#define DRAW_KEEP_FRAMES 240
#define DRAW_MAX_DIRTY 16
#define DRAW_RESYNC 64

enum { DRAW_OP_FILL = 1, DRAW_OP_COPY };

/* One recorded fill or copy; textures compared by serial, never by pointer. */
struct draw_cmd {
	int op;
	SDL_Rect dst, src;          /* src: copies only */
	SDL_Color c;                /* fills only */
	unsigned long serial;       /* copies: the cache entry's serial */
	SDL_Texture *tex;           /* copies: valid for the current list only */
};

struct draw_list {
	struct draw_cmd *v;
	int n, cap;
};

struct draw_font {
	int px, bold;
	TTF_Font *f;
};

struct draw_entry {
	uint64_t hash;
	char *key;              /* full key, to rule out hash collisions */
	SDL_Texture *tex;
	int w, h;
	unsigned long used;     /* frame last used */
	unsigned long serial;   /* unique per texture made */
};

/* A cached layout of draw_text_lines / draw_fit_lines. */
struct draw_layout {
	uint64_t hash;
	char *key;
	struct draw_fitted f;
};

#define DRAW_LAYOUTS 512

struct draw {
	SDL_Renderer *r;
	char *path[2];
	struct draw_font fonts[DRAW_FONTS];
	int nfonts;
	struct draw_entry *cache;
	int ncache, capcache;
	unsigned long frame, renders, serial;
	int retained;
	struct draw_list cur, prev; /* retained mode: this frame's and the last */
	int prev_w, prev_h;         /* size of the last frame painted, 0 = none */
	struct draw_layout layouts[DRAW_LAYOUTS];
	int nlayouts;               /* emptied when full */
};

const char *
draw_find_font(int bold)
{
	static const char *const regular[] = {
		"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
		"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	};
	static const char *const heavy[] = {
		"/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
		"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
	};
	const char *const *list = bold ? heavy : regular;
	int i;

	for (i = 0; i < 2; i++)
		if (access(list[i], R_OK) == 0)
			return list[i];
	return NULL;
}

draw *
draw_new(SDL_Renderer *r, const char *regular, const char *bold, char *err,
    size_t errlen)
{
	draw *d;
	const char *p0 = regular ? regular : draw_find_font(0);
	const char *p1 = bold ? bold : draw_find_font(1);

	if (p0 == NULL || p1 == NULL) {
		snprintf(err, errlen, "no font with Vietnamese letters found "
		    "(install fonts-noto-core or fonts-dejavu-core)");
		return NULL;
	}
	if (!TTF_WasInit() && TTF_Init() != 0) {
		snprintf(err, errlen, "SDL_ttf: %s", TTF_GetError());
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	d->r = r;
	d->capcache = DRAW_CACHE;
	d->cache = xcalloc((size_t)d->capcache, sizeof *d->cache);
	d->path[0] = xstrdup(p0);
	d->path[1] = xstrdup(p1);
	return d;
}

void
draw_free(draw *d)
{
	int i;

	if (d == NULL)
		return;
	for (i = 0; i < d->ncache; i++) {
		SDL_DestroyTexture(d->cache[i].tex);
		free(d->cache[i].key);
	}
	free(d->cache);
	for (i = 0; i < d->nlayouts; i++)
		free(d->layouts[i].key);
	free(d->cur.v);
	free(d->prev.v);
	for (i = 0; i < d->nfonts; i++)
		TTF_CloseFont(d->fonts[i].f);
	free(d->path[0]);
	free(d->path[1]);
	free(d);
}

SDL_Renderer *
draw_renderer(draw *d)
{
	return d->r;
}

void
draw_stats(draw *d, int *textures, unsigned long *renders)
{
	*textures = d->ncache;
	*renders = d->renders;
}

/* The font at px (clamped 6..600), opened on first use; NULL on error. */
static TTF_Font *
draw_font(draw *d, int px, int bold)
{
	int i;

	if (px < 6)
		px = 6;
	if (px > 600)
		px = 600;
	bold = bold != 0;
	for (i = 0; i < d->nfonts; i++)
		if (d->fonts[i].px == px && d->fonts[i].bold == bold)
			return d->fonts[i].f;
	if (d->nfonts == DRAW_FONTS) {
		/* Drop the oldest; its textures stay valid. */
		TTF_CloseFont(d->fonts[0].f);
		memmove(d->fonts, d->fonts + 1, sizeof d->fonts[0] * (DRAW_FONTS - 1));
		d->nfonts--;
	}
	d->fonts[d->nfonts].f = TTF_OpenFont(d->path[bold], px);
	if (d->fonts[d->nfonts].f == NULL)
		return NULL;
	d->fonts[d->nfonts].px = px;
	d->fonts[d->nfonts].bold = bold;
	return d->fonts[d->nfonts++].f;
}

void
draw_frame_begin(draw *d)
{
	int i, j;

	d->frame++;
	if (d->retained) {
		/* This frame's list starts empty; the last one is kept to compare. */
		struct draw_list t = d->prev;

		d->prev = d->cur;
		d->cur = t;
		d->cur.n = 0;
	}
	if (d->ncache < DRAW_CACHE * 3 / 4)
		return;
	for (i = j = 0; i < d->ncache; i++) {
		if (d->frame - d->cache[i].used > DRAW_KEEP_FRAMES) {
			SDL_DestroyTexture(d->cache[i].tex);
			free(d->cache[i].key);
		} else {
			d->cache[j++] = d->cache[i];
		}
	}
	d->ncache = j;
}

/* Append a command to this frame's list. */
static void
draw_record(draw *d, const struct draw_cmd *c)
{
	if (d->cur.n == d->cur.cap) {
		d->cur.cap = d->cur.cap ? d->cur.cap * 2 : 256;
		d->cur.v = xreallocarray(d->cur.v, (size_t)d->cur.cap, sizeof *d->cur.v);
	}
	d->cur.v[d->cur.n++] = *c;
}

/* Paint one command now. */
static void
draw_exec(draw *d, const struct draw_cmd *c)
{
	if (c->op == DRAW_OP_FILL) {
		SDL_SetRenderDrawBlendMode(d->r, c->c.a == 255 ? SDL_BLENDMODE_NONE :
		    SDL_BLENDMODE_BLEND);
		SDL_SetRenderDrawColor(d->r, c->c.r, c->c.g, c->c.b, c->c.a);
		SDL_RenderFillRect(d->r, &c->dst);
	} else {
		SDL_RenderCopy(d->r, c->tex, &c->src, &c->dst);
	}
}

/* A copy of (part of) a cached texture: painted now or recorded. */
static void
draw_copy(draw *d, const struct draw_entry *e, const SDL_Rect *src, const SDL_Rect *dst)
{
	struct draw_cmd c;

	memset(&c, 0, sizeof c);
	c.op = DRAW_OP_COPY;
	c.src = src != NULL ? *src : (SDL_Rect){ 0, 0, e->w, e->h };
	c.dst = *dst;
	c.serial = e->serial;
	c.tex = e->tex;
	if (d->retained)
		draw_record(d, &c);
	else
		SDL_RenderCopy(d->r, e->tex, src, dst);
}

void
draw_set_retained(draw *d, int on)
{
	d->retained = on != 0;
	d->cur.n = d->prev.n = 0;
	d->prev_w = d->prev_h = 0;
}

void
draw_invalidate(draw *d)
{
	d->prev_w = d->prev_h = 0;
}

static int
draw_cmd_equal(const struct draw_cmd *a, const struct draw_cmd *b)
{
	if (a->op != b->op || a->dst.x != b->dst.x || a->dst.y != b->dst.y ||
	    a->dst.w != b->dst.w || a->dst.h != b->dst.h)
		return 0;
	if (a->op == DRAW_OP_FILL)
		return a->c.r == b->c.r && a->c.g == b->c.g && a->c.b == b->c.b && a->c.a == b->c.a;
	return a->serial == b->serial && a->src.x == b->src.x && a->src.y == b->src.y &&
	    a->src.w == b->src.w && a->src.h == b->src.h;
}

/* Add r (clipped to the screen) to the dirty set, merging overlapping or
 * touching boxes; when full, into the box it grows least. */
static void
draw_dirty_add(SDL_Rect *set, int *n, SDL_Rect r, int w, int h)
{
	SDL_Rect scr = { 0, 0, w, h }, u;
	int i, best = -1;
	long grow = 0;

	if (!SDL_IntersectRect(&r, &scr, &r))
		return;
	for (;;) {
		for (i = 0; i < *n; i++) {
			SDL_Rect a = set[i];

			/* Overlapping or touching: one box. */
			if (r.x <= a.x + a.w && a.x <= r.x + r.w && r.y <= a.y + a.h &&
			    a.y <= r.y + r.h)
				break;
		}
		if (i == *n)
			break;
		SDL_UnionRect(&set[i], &r, &r);
		set[i] = set[--*n];
	}
	if (*n < DRAW_MAX_DIRTY) {
		set[(*n)++] = r;
		return;
	}
	for (i = 0; i < *n; i++) {
		long g;

		SDL_UnionRect(&set[i], &r, &u);
		g = (long)u.w * u.h - (long)set[i].w * set[i].h;
		if (best < 0 || g < grow) {
			best = i;
			grow = g;
		}
	}
	SDL_UnionRect(&set[best], &r, &u);
	set[best] = set[--*n];
	draw_dirty_add(set, n, u, w, h);
}

int
draw_frame_end(draw *d, int w, int h, SDL_Rect *dirty, int max)
{
	SDL_Rect set[DRAW_MAX_DIRTY];
	int n = 0, i, k, na, nb;

	if (!d->retained) {
		if (max > 0)
			dirty[0] = (SDL_Rect){ 0, 0, w, h };
		return max > 0;
	}
	na = d->prev.n;
	nb = d->cur.n;
	if (d->prev_w != w || d->prev_h != h) {
		set[n++] = (SDL_Rect){ 0, 0, w, h };
	} else {
		/*
		 * An order-keeping match of equal commands (greedy, resyncing
		 * over a short look-ahead when some were added or removed);
		 * every command left unmatched, old or new, is dirty.
		 */
		i = k = 0;
		while (i < na || k < nb) {
			int skip_a = -1, skip_b = -1, t;

			if (i < na && k < nb && draw_cmd_equal(&d->prev.v[i], &d->cur.v[k])) {
				i++;
				k++;
				continue;
			}
			for (t = 1; t <= DRAW_RESYNC && skip_a < 0 && skip_b < 0; t++) {
				if (k < nb && i + t < na && draw_cmd_equal(&d->prev.v[i + t], &d->cur.v[k]))
					skip_a = t;
				else if (i < na && k + t < nb &&
				    draw_cmd_equal(&d->prev.v[i], &d->cur.v[k + t]))
					skip_b = t;
			}
			if (skip_a > 0) {
				for (t = 0; t < skip_a; t++)
					draw_dirty_add(set, &n, d->prev.v[i++].dst, w, h);
			} else if (skip_b > 0) {
				for (t = 0; t < skip_b; t++)
					draw_dirty_add(set, &n, d->cur.v[k++].dst, w, h);
			} else {
				if (i < na)
					draw_dirty_add(set, &n, d->prev.v[i++].dst, w, h);
				if (k < nb)
					draw_dirty_add(set, &n, d->cur.v[k++].dst, w, h);
			}
		}
	}
	for (k = 0; k < n; k++) {
		SDL_RenderSetClipRect(d->r, &set[k]);
		for (i = 0; i < nb; i++)
			if (SDL_HasIntersection(&d->cur.v[i].dst, &set[k]))
				draw_exec(d, &d->cur.v[i]);
	}
	if (n > 0)
		SDL_RenderSetClipRect(d->r, NULL);
	d->prev_w = w;
	d->prev_h = h;
	for (k = 0; k < n && k < max; k++)
		dirty[k] = set[k];
	if (n > max && max > 0) {
		/* The caller wants fewer boxes: their union. */
		for (k = max; k < n; k++)
			SDL_UnionRect(&dirty[max - 1], &set[k], &dirty[max - 1]);
		n = max;
	}
	return n;
}

void
draw_fill(draw *d, SDL_Rect r, SDL_Color c)
{
	if (d->retained) {
		struct draw_cmd cmd;

		memset(&cmd, 0, sizeof cmd);
		cmd.op = DRAW_OP_FILL;
		cmd.dst = r;
		cmd.c = c;
		draw_record(d, &cmd);
		return;
	}
	SDL_SetRenderDrawBlendMode(d->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(d->r, c.r, c.g, c.b, c.a);
	SDL_RenderFillRect(d->r, &r);
}

void
draw_frame(draw *d, SDL_Rect r, int thick, SDL_Color c)
{
	SDL_Rect s;

	s = (SDL_Rect){ r.x, r.y, r.w, thick };
	draw_fill(d, s, c);
	s = (SDL_Rect){ r.x, r.y + r.h - thick, r.w, thick };
	draw_fill(d, s, c);
	s = (SDL_Rect){ r.x, r.y, thick, r.h };
	draw_fill(d, s, c);
	s = (SDL_Rect){ r.x + r.w - thick, r.y, thick, r.h };
	draw_fill(d, s, c);
}

static uint64_t
draw_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int
draw_measure(draw *d, const char *text, int px, int bold)
{
	TTF_Font *f = draw_font(d, px, bold);
	int w = 0, h = 0;

	if (f == NULL || text[0] == '\0' || TTF_SizeUTF8(f, text, &w, &h) != 0)
		return 0;
	return w;
}

int
draw_text_width(draw *d, const char *text, int px, int bold)
{
	return draw_measure(d, text, px, bold);
}

/*
 * Find or make the texture for key; on a miss, fit() is not needed: the
 * caller passes the final string and size.
 */
static struct draw_entry *
draw_lookup(draw *d, const char *key)
{
	uint64_t h = draw_hash(key);
	int i;

	for (i = 0; i < d->ncache; i++)
		if (d->cache[i].hash == h && strcmp(d->cache[i].key, key) == 0) {
			d->cache[i].used = d->frame;
			return &d->cache[i];
		}
	return NULL;
}

static struct draw_entry *
draw_store(draw *d, const char *key, const char *text, int px, int bold,
    SDL_Color c)
{
	TTF_Font *f = draw_font(d, px, bold);
	SDL_Surface *s;
	struct draw_entry *e;

	if (f == NULL || text[0] == '\0')
		return NULL;
	s = TTF_RenderUTF8_Blended(f, text, c);
	if (s == NULL)
		return NULL;
	if (d->ncache == d->capcache) {
		/* Full: drop the least recently used, unless this frame uses it
		 * (a recorded list may point at it): then grow. */
		int i, old = 0;

		for (i = 1; i < d->ncache; i++)
			if (d->cache[i].used < d->cache[old].used)
				old = i;
		if (d->cache[old].used == d->frame) {
			d->capcache *= 2;
			d->cache = xreallocarray(d->cache, (size_t)d->capcache, sizeof *d->cache);
		} else {
			SDL_DestroyTexture(d->cache[old].tex);
			free(d->cache[old].key);
			d->cache[old] = d->cache[--d->ncache];
		}
	}
	e = &d->cache[d->ncache];
	e->tex = SDL_CreateTextureFromSurface(d->r, s);
	e->w = s->w;
	e->h = s->h;
	SDL_FreeSurface(s);
	if (e->tex == NULL)
		return NULL;
	e->key = xstrdup(key);
	e->hash = draw_hash(key);
	e->used = d->frame;
	e->serial = ++d->serial;
	d->renders++;
	d->ncache++;
	return e;
}

/* Fit text into w at up to px: *out (malloc'd) and *outpx. */
static void
draw_fit(draw *d, const char *text, int w, int px, int bold, char **out, int *outpx)
{
	int minpx = px * 6 / 10, size = px, tw;
	size_t lo, hi, n;
	char *s;

	if (minpx < 6)
		minpx = 6;
	tw = draw_measure(d, text, size, bold);
	if (tw > w && tw > 0) {
		size = (int)((long)px * w / tw);
		if (size < minpx)
			size = minpx;
		if (size > px)
			size = px;
		while (size > minpx && draw_measure(d, text, size, bold) > w)
			size--;
		while (size < px && draw_measure(d, text, size + 1, bold) <= w)
			size++;
	}
	*outpx = size;
	if (draw_measure(d, text, size, bold) <= w) {
		*out = xstrdup(text);
		return;
	}
	/* Shorten: the longest prefix (in characters) that fits with "…". */
	n = vntext_length(text);
	lo = 0;
	hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;

		s = vntext_ellipsize(text, mid);
		if (draw_measure(d, s, size, bold) <= w)
			lo = mid;
		else
			hi = mid - 1;
		free(s);
	}
	if (lo == 0) {
		/* Nothing but "…" would fit: a blank is worse than small text
		 * (a one-letter key drew nothing): shrink below the floor. */
		while (size > 6 && draw_measure(d, text, size, bold) > w)
			size--;
		*outpx = size;
		*out = xstrdup(draw_measure(d, text, size, bold) <= w ? text : "");
		return;
	}
	*out = vntext_ellipsize(text, lo);
	/* ellipsize prefers a word boundary, so a shorter cut may be wider
	 * than the measured one never: check once more. */
	if (draw_measure(d, *out, size, bold) > w) {
		free(*out);
		*out = xstrdup("");
	}
}

int
draw_text(draw *d, const char *text, SDL_Rect box, int px, int bold, SDL_Color c,
    enum draw_align align)
{
	char key[1024];
	struct draw_entry *e;
	SDL_Rect dst;

	if (text == NULL || text[0] == '\0' || box.w <= 0 || box.h <= 0)
		return 0;
	snprintf(key, sizeof key, "F%d,%d,%d,%d,%02x%02x%02x%02x|%s", box.w, px, bold,
	    box.h, c.r, c.g, c.b, c.a, text);
	e = draw_lookup(d, key);
	if (e == NULL) {
		char *nfc = vntext_nfc(text), *fitted;
		int size;

		if (nfc == NULL)
			nfc = xstrdup("?");
		draw_fit(d, nfc, box.w, px, bold, &fitted, &size);
		e = draw_store(d, key, fitted, size, bold, c);
		free(fitted);
		free(nfc);
		if (e == NULL)
			return 0;
	}
	dst.w = e->w;
	dst.h = e->h;
	dst.y = box.y + (box.h - e->h) / 2;
	dst.x = align == DRAW_LEFT ? box.x : align == DRAW_CENTRE ?
	    box.x + (box.w - e->w) / 2 : box.x + box.w - e->w;
	draw_copy(d, e, NULL, &dst);
	return e->w;
}

void
draw_text_at(draw *d, const char *text, int x, SDL_Rect clip, int px, int bold,
    SDL_Color c)
{
	char key[4096];
	struct draw_entry *e;
	SDL_Rect src, dst;

	if (text == NULL || text[0] == '\0')
		return;
	snprintf(key, sizeof key, "A%d,%d,%02x%02x%02x%02x|%s", px, bold, c.r, c.g, c.b,
	    c.a, text);
	e = draw_lookup(d, key);
	if (e == NULL) {
		char *nfc = vntext_nfc(text);

		e = draw_store(d, key, nfc ? nfc : "?", px, bold, c);
		free(nfc);
		if (e == NULL)
			return;
	}
	/* Clip by hand (source and destination) so it works on any renderer. */
	dst.x = x;
	dst.y = clip.y + (clip.h - e->h) / 2;
	dst.w = e->w;
	dst.h = e->h;
	src = (SDL_Rect){ 0, 0, e->w, e->h };
	if (dst.x < clip.x) {
		src.x = clip.x - dst.x;
		src.w -= src.x;
		dst.x = clip.x;
	}
	if (dst.x + src.w > clip.x + clip.w)
		src.w = clip.x + clip.w - dst.x;
	if (src.w <= 0)
		return;
	if (dst.y < clip.y) {
		src.y = clip.y - dst.y;
		src.h -= src.y;
		dst.y = clip.y;
	}
	if (dst.y + src.h > clip.y + clip.h)
		src.h = clip.y + clip.h - dst.y;
	if (src.h <= 0)
		return;
	dst.w = src.w;
	dst.h = src.h;
	draw_copy(d, e, &src, &dst);
}

int
draw_text_wrap(draw *d, const char *text, SDL_Rect box, int px, int bold, SDL_Color c)
{
	TTF_Font *f = draw_font(d, px, bold);
	int lh = f != NULL ? TTF_FontLineSkip(f) : px, y = box.y, maxlines;
	const char *p = text;
	char line[1024];

	if (f == NULL || box.h < lh)
		return 0;
	maxlines = box.h / lh;
	while (*p != '\0' && maxlines > 0) {
		size_t len = 0, best = 0;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		/* Grow word by word while it fits. */
		for (;;) {
			size_t next = len;

			while (p[next] == ' ')
				next++;
			while (p[next] != '\0' && p[next] != ' ' && p[next] != '\n')
				next++;
			if (next >= sizeof line)
				break;
			memcpy(line, p, next);
			line[next] = '\0';
			if (best > 0 && draw_measure(d, line, px, bold) > box.w)
				break;
			best = next;
			len = next;
			if (p[next] == '\0' || p[next] == '\n')
				break;
		}
		if (best == 0)
			break;
		memcpy(line, p, best);
		line[best] = '\0';
		p += best;
		if (*p == '\n')
			p++;
		maxlines--;
		if (maxlines == 0 && *p != '\0') {
			/* Last line that fits, more text after it: mark it cut. */
			char more[1100];

			snprintf(more, sizeof more, "%s …", line);
			draw_text(d, more, (SDL_Rect){ box.x, y, box.w, lh }, px, bold, c, DRAW_LEFT);
		} else {
			draw_text(d, line, (SDL_Rect){ box.x, y, box.w, lh }, px, bold, c, DRAW_LEFT);
		}
		y += lh;
	}
	return y - box.y;
}

/* ---- text on lines ---------------------------------------------------------- */

static int
draw_lineskip(draw *d, int px, int bold)
{
	TTF_Font *f = draw_font(d, px, bold);

	return f != NULL ? TTF_FontLineSkip(f) : px;
}

/*
 * Greedy word wrap of text at size px into at most n lines of width w (a
 * word never split).  Returns 1 when all of it fits; 0 otherwise, with the
 * lines placed so far in f and *rest at the first byte not placed.
 */
static int
draw_wrap(draw *d, const char *text, int w, int px, int bold, int n, struct draw_fitted *f,
    size_t *rest)
{
	const char *p = text;
	char line[256];

	f->nlines = 0;
	f->w = 0;
	while (*p == ' ' || *p == '\n')
		p++;
	while (*p != '\0') {
		size_t len = 0, best = 0;
		int bw = 0;

		if (f->nlines == n) {
			*rest = (size_t)(p - text);
			return 0;
		}
		for (;;) {
			size_t next = len;
			int tw;

			while (p[next] == ' ')
				next++;
			while (p[next] != '\0' && p[next] != ' ' && p[next] != '\n')
				next++;
			if (next >= sizeof line)
				break;
			memcpy(line, p, next);
			line[next] = '\0';
			tw = draw_measure(d, line, px, bold);
			if (tw > w) {
				if (best == 0) {
					/* One word wider than the box: it does not fit. */
					*rest = (size_t)(p - text);
					return 0;
				}
				break;
			}
			best = next;
			bw = tw;
			len = next;
			if (p[next] == '\0' || p[next] == '\n')
				break;
		}
		if (best == 0) {
			*rest = (size_t)(p - text);
			return 0;
		}
		memcpy(f->line[f->nlines], p, best);
		f->line[f->nlines][best] = '\0';
		if (bw > f->w)
			f->w = bw;
		f->nlines++;
		p += best;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	*rest = (size_t)(p - text);
	return 1;
}

/* Lines allowed at px in a box h high. */
static int
draw_lines_allowed(draw *d, int h, int px, int bold, int maxlines)
{
	int n = h / draw_lineskip(d, px, bold);

	if (maxlines > DRAW_MAX_LINES)
		maxlines = DRAW_MAX_LINES;
	if (n > maxlines)
		n = maxlines;
	return n < 1 ? 1 : n;
}

static int
draw_fits(draw *d, const char *text, int w, int h, int px, int bold, int maxlines,
    struct draw_fitted *f)
{
	size_t rest;

	return draw_wrap(d, text, w, px, bold, draw_lines_allowed(d, h, px, bold, maxlines), f,
	    &rest);
}

/* The largest size in lo..hi at which text fits whole, or 0. */
static int
draw_fit_range(draw *d, const char *text, int w, int h, int lo, int hi, int bold, int maxlines)
{
	struct draw_fitted f;

	if (lo < 6)
		lo = 6;
	if (hi < lo)
		return 0;
	if (draw_fits(d, text, w, h, hi, bold, maxlines, &f))
		return hi;
	if (!draw_fits(d, text, w, h, lo, bold, maxlines, &f))
		return 0;
	/* Invariant: fits at lo, not at hi. */
	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;

		if (draw_fits(d, text, w, h, mid, bold, maxlines, &f))
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The longest prefix of s (characters) that fits w at px with "…", or "". */
static void
draw_shorten(draw *d, const char *s, int w, int px, int bold, char *out, size_t outlen)
{
	size_t lo = 0, hi = vntext_length(s);
	char *t;

	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;

		t = vntext_ellipsize(s, mid);
		if (draw_measure(d, t, px, bold) <= w)
			lo = mid;
		else
			hi = mid - 1;
		free(t);
	}
	t = lo > 0 ? vntext_ellipsize(s, lo) : xstrdup("");
	if (draw_measure(d, t, px, bold) > w)
		t[0] = '\0';
	snprintf(out, outlen, "%s", t);
	free(t);
}

/* Lay text (NFC) out in w x h at up to px: see draw_text_lines. */
static void
draw_layout_make(draw *d, const char *text, int w, int h, int px, int bold, int maxlines,
    struct draw_fitted *f)
{
	int minpx = px * 6 / 10, size, n, i;
	size_t rest;

	memset(f, 0, sizeof *f);
	size = draw_fit_range(d, text, w, h, minpx, px, bold, maxlines);
	if (size == 0 && strchr(text, ' ') == NULL)
		size = draw_fit_range(d, text, w, h, 6, minpx, bold, maxlines);
	if (size > 0) {
		draw_fits(d, text, w, h, size, bold, maxlines, f);
		f->px = size;
	} else {
		/* Too long even small: the lines that fit, the last one cut. */
		size = minpx < 6 ? 6 : minpx;
		n = draw_lines_allowed(d, h, size, bold, maxlines);
		if (!draw_wrap(d, text, w, size, bold, n, f, &rest)) {
			if (f->nlines == n)
				f->nlines--;    /* the last line: the rest of the text, cut */
			rest = 0;
			for (i = 0; i < f->nlines; i++) {
				const char *at = strstr(text + rest, f->line[i]);

				rest = at != NULL ? (size_t)(at - text) + strlen(f->line[i]) : rest;
			}
			while (text[rest] == ' ' || text[rest] == '\n')
				rest++;
			draw_shorten(d, text + rest, w, size, bold, f->line[f->nlines],
			    sizeof f->line[0]);
			f->nlines++;
			f->cut = 1;
		}
		f->px = size;
		f->w = 0;
		for (i = 0; i < f->nlines; i++) {
			int tw = draw_measure(d, f->line[i], size, bold);

			if (tw > f->w)
				f->w = tw;
		}
	}
	f->h = f->nlines * draw_lineskip(d, f->px, bold);
}

/* The cached layout (made on a miss) of text in w x h at px. */
static const struct draw_fitted *
draw_layout(draw *d, const char *text, int w, int h, int px, int bold, int maxlines)
{
	char key[1200];
	uint64_t hash;
	struct draw_layout *l;
	char *nfc;
	int i;

	snprintf(key, sizeof key, "%d,%d,%d,%d,%d|%s", w, h, px, bold != 0, maxlines, text);
	hash = draw_hash(key);
	for (i = 0; i < d->nlayouts; i++)
		if (d->layouts[i].hash == hash && strcmp(d->layouts[i].key, key) == 0)
			return &d->layouts[i].f;
	if (d->nlayouts == DRAW_LAYOUTS) {
		for (i = 0; i < d->nlayouts; i++)
			free(d->layouts[i].key);
		d->nlayouts = 0;
	}
	l = &d->layouts[d->nlayouts++];
	l->hash = hash;
	l->key = xstrdup(key);
	nfc = vntext_nfc(text);
	draw_layout_make(d, nfc != NULL ? nfc : "?", w, h, px, bold, maxlines, &l->f);
	free(nfc);
	return &l->f;
}

int
draw_text_lines(draw *d, const char *text, SDL_Rect box, int px, int bold, SDL_Color c,
    enum draw_align align, int maxlines, struct draw_fitted *out)
{
	const struct draw_fitted *f;
	int i, ls, y;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (text == NULL || text[0] == '\0' || box.w <= 0 || box.h <= 0)
		return 0;
	f = draw_layout(d, text, box.w, box.h, px, bold, maxlines);
	ls = draw_lineskip(d, f->px, bold);
	y = box.y + (box.h - f->h) / 2;
	for (i = 0; i < f->nlines; i++)
		draw_text(d, f->line[i], (SDL_Rect){ box.x, y + i * ls, box.w, ls }, f->px, bold, c,
		    align);
	if (out != NULL)
		*out = *f;
	return f->w;
}

int
draw_fit_lines(draw *d, const char *text, int w, int h, int px, int bold, int maxlines)
{
	const struct draw_fitted *f;

	if (text == NULL || text[0] == '\0')
		return px;
	/* Fitted whole at f->px, or cut: then even 60% was too big. */
	f = draw_layout(d, text, w, h, px, bold, maxlines);
	if (!f->cut)
		return f->px;
	{
		char *nfc = vntext_nfc(text);
		int s = draw_fit_range(d, nfc != NULL ? nfc : text, w, h, 6, px, bold, maxlines);

		free(nfc);
		return s > 0 ? s : 6;
	}
}

int
draw_has_glyphs(draw *d, const char *text, int bold)
{
	TTF_Font *f = draw_font(d, 24, bold);
	char *nfc = vntext_nfc(text);
	const unsigned char *p = (const unsigned char *)(nfc != NULL ? nfc : text);
	int ok = f != NULL;

	while (ok && *p != '\0') {
		Uint32 cp;
		int n = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4, i;

		cp = n == 1 ? *p : n == 2 ? *p & 0x1f : n == 3 ? *p & 0x0f : *p & 0x07;
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				ok = 0;
				break;
			}
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (!ok)
			break;
		if (!TTF_GlyphIsProvided32(f, cp))
			ok = 0;
		p += n;
	}
	free(nfc);
	return ok;
}

/* ---- PNG ------------------------------------------------------------------- */

int
draw_save_png(SDL_Renderer *r, int w, int h, const char *path)
{
	png_image img;
	uint8_t *px;
	int ok;

	if (w <= 0 || h <= 0)
		return -1;
	px = xreallocarray(NULL, (size_t)w * (size_t)h, 3);
	if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_RGB24, px, w * 3) != 0) {
		free(px);
		return -1;
	}
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)h;
	img.format = PNG_FORMAT_RGB;
	ok = png_image_write_to_file(&img, path, 0, px, w * 3, NULL);
	free(px);
	return ok ? 0 : -1;
}

int
draw_load_png(const char *path, uint32_t **out, int *w, int *h)
{
	png_image img;
	uint32_t *px;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		return -1;
	if (img.width == 0 || img.height == 0 || img.width > 16384 || img.height > 16384) {
		png_image_free(&img);
		return -1;
	}
	img.format = PNG_FORMAT_BGRA;   /* 0xAARRGGBB in a little-endian uint32 */
	px = xreallocarray(NULL, (size_t)img.width * img.height, 4);
	if (!png_image_finish_read(&img, NULL, px, 0, NULL)) {
		free(px);
		png_image_free(&img);
		return -1;
	}
	*out = px;
	*w = (int)img.width;
	*h = (int)img.height;
	return 0;
}

long
draw_diff(const uint32_t *a, const uint32_t *b, long n, int tol)
{
	long i, bad = 0;

	for (i = 0; i < n; i++) {
		int k;

		if (a[i] == b[i])
			continue;
		for (k = 0; k < 24; k += 8) {
			int d = (int)((a[i] >> k) & 0xff) - (int)((b[i] >> k) & 0xff);

			if (d > tol || d < -tol) {
				bad++;
				break;
			}
		}
	}
	return bad;
}
