/*
 * udc.c - user-defined characters: the process-wide glyph table (drawn
 * once under pthread_once, static storage, no heap) and the per-ticket map
 * of the printer's 95 codes.  See udc.h for the protocol.
 */
#include "printers/udc.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "printers/escpos.h"
#include "printers/font.h"

/* Vietnamese letters first: recognition prefers them (Đ and Ð look the
 * same in this font). */
static const char udc_vietnamese[] =
	"àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
	"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ";

static const struct {
	uint32_t first, last;
} udc_ranges[] = {
	{ 0x00A1, 0x024F },      /* Latin-1 Supplement, Extended-A, -B */
	{ 0x1E00, 0x1EFF },      /* Latin Extended Additional */
	{ 0x2010, 0x2027 },      /* dashes, quotes, bullet, ellipsis */
	{ 0x20AB, 0x20AC },      /* dong, euro */
};

#define UDC_TABLE 1024

struct udc_entry {
	uint32_t cp;
	uint8_t data[UDC_BYTES];
};

static struct udc_entry udc_table[UDC_TABLE];
static int udc_count;
static int udc_ok = -1;
static pthread_once_t udc_once = PTHREAD_ONCE_INIT;

/* Index of cp in the table, or -1. */
static int
udc_find(uint32_t cp)
{
	int i;

	for (i = 0; i < udc_count; i++)
		if (udc_table[i].cp == cp)
			return i;
	return -1;
}

/* Draw cp and add it to the table (once). */
static void
udc_add(struct font *f, int baseline, uint32_t cp)
{
	uint8_t dots[UDC_W * UDC_H];
	struct udc_entry *e;
	int c, y, k;

	if (udc_count == UDC_TABLE || udc_find(cp) >= 0 ||
	    font_cell(f, cp, UDC_PX, UDC_W, UDC_H, baseline, dots) < 0)
		return;
	e = &udc_table[udc_count];
	memset(e->data, 0, sizeof e->data);
	for (c = 0; c < UDC_W; c++)
		for (y = 0; y < UDC_H; y++)
			if (dots[y * UDC_W + c]) {
				k = c * UDC_Y + y / 8;
				e->data[k] |= (uint8_t)(0x80 >> (y % 8));
			}
	for (k = 0; k < UDC_BYTES && e->data[k] == 0; k++)
		;
	if (k == UDC_BYTES)
		return;                  /* blank: a space-like character */
	e->cp = cp;
	udc_count++;
}

/* Fill the table. */
static void
udc_build(void)
{
	char err[256];
	struct font *f = font_open(FONT_SANS_FALLBACK, FONT_SANS, err,
	    sizeof err);
	size_t i, len = strlen(udc_vietnamese);
	uint32_t cp;
	int baseline;

	if (f == NULL) {
		udc_ok = -1;
		return;
	}
	baseline = font_ascent(f, UDC_PX);
	for (i = 0; i < len; ) {
		unsigned u;
		i += (size_t)font_utf8_next(udc_vietnamese + i, len - i, &u);
		udc_add(f, baseline, u);
	}
	for (i = 0; i < sizeof udc_ranges / sizeof udc_ranges[0]; i++)
		for (cp = udc_ranges[i].first; cp <= udc_ranges[i].last; cp++)
			udc_add(f, baseline, cp);
	font_close(f);
	udc_ok = 0;
}

/* Build the table once. */
int
udc_init(void)
{
	pthread_once(&udc_once, udc_build);
	return udc_ok;
}

/* Glyph data of cp. */
const uint8_t *
udc_glyph(uint32_t cp)
{
	int i;

	udc_init();
	i = udc_find(cp);
	return i < 0 ? NULL : udc_table[i].data;
}

/* Code point of a glyph. */
uint32_t
udc_recognise(const uint8_t *data)
{
	int i;

	udc_init();
	for (i = 0; i < udc_count; i++)
		if (memcmp(udc_table[i].data, data, UDC_BYTES) == 0)
			return udc_table[i].cp;
	return 0;
}

/* ----------------------------------------------------------------- the map */

/*
 * Codes in the order they are handed out: those least likely to be needed
 * as ASCII in Vietnamese text first (symbols, then letters Vietnamese does
 * not use, then the rest), contiguous where possible so that one ESC &
 * carries several characters.  Codes missing here are appended.
 */
static const char udc_order[] =
	"!\"#$%&'*+;<=>?@[\\]^_`{|}~FJWZfjwzXKQYVERPOUIGBLSMDACNTH"
	"qkxeyvropbsmldiuagcnth9876543210-()/,.: ";

/* A printer after ESC @. */
void
udc_map_init(struct udc_map *m)
{
	memset(m, 0, sizeof *m);
}

static int udc_order_tab[UDC_CODES];
static pthread_once_t udc_order_once = PTHREAD_ONCE_INIT;

/* Fill udc_order_tab from udc_order. */
static void
udc_order_build(void)
{
	int seen[UDC_CODES] = { 0 }, n = 0, i, c;

	for (i = 0; udc_order[i] != '\0'; i++) {
		c = (unsigned char)udc_order[i] - UDC_FIRST;
		if (c >= 0 && c < UDC_CODES && !seen[c]) {
			seen[c] = 1;
			udc_order_tab[n++] = c;
		}
	}
	for (i = 0; i < UDC_CODES; i++)
		if (!seen[i])
			udc_order_tab[n++] = i;
}

/* Plan one printed line. */
int
udc_map_line(struct udc_map *m, const uint32_t *cps, size_t n, int allow_udc,
    struct escpos_buf *cmds, uint8_t *out)
{
	uint8_t ascii[UDC_CODES] = { 0 }, pinned[UDC_CODES] = { 0 };
	uint8_t fresh[UDC_CODES] = { 0 };
	uint32_t need[UDC_CODES];
	int nneed = 0, i, k, free_codes = 0, conflict = 0, unplaced = 0;
	size_t j;

	/* what the line needs */
	for (j = 0; j < n; j++) {
		uint32_t cp = cps[j];
		if (cp >= UDC_FIRST && cp < UDC_FIRST + UDC_CODES) {
			ascii[cp - UDC_FIRST] = 1;
			continue;
		}
		if (cp < 0x80 || !allow_udc)
			return -1;
		for (i = 0; i < nneed && need[i] != cp; i++)
			;
		if (i < nneed)
			continue;
		if (nneed == UDC_CODES || udc_glyph(cp) == NULL)
			return -1;
		need[nneed++] = cp;
	}
	/* letters already held at a code the line does not use as ASCII */
	for (i = 0; i < nneed; i++) {
		for (k = 0; k < UDC_CODES; k++)
			if (m->cp[k] == need[i] && !ascii[k])
				break;
		if (k < UDC_CODES)
			pinned[k] = 1;
		else
			unplaced++;
	}
	for (k = 0; k < UDC_CODES; k++)
		if (!ascii[k] && !pinned[k])
			free_codes++;
	if (unplaced > free_codes)
		return -1;

	/* from here on the plan succeeds */
	if (nneed == 0) {
		for (k = 0; k < UDC_CODES; k++)
			if (ascii[k] && m->cp[k] != 0)
				conflict = 1;
		if (m->on && conflict) {
			escpos_cmd(cmds, 3, 0x1B, 0x25, 0);
			m->on = 0;
		}
		for (j = 0; j < n; j++)
			out[j] = (uint8_t)cps[j];
		m->line++;
		return 0;
	}
	/* ASCII codes of this line must print the resident character */
	for (k = 0; k < UDC_CODES; k++)
		if (ascii[k] && m->cp[k] != 0) {
			escpos_cmd(cmds, 3, 0x1B, 0x3F, UDC_FIRST + k);
			m->cp[k] = 0;
		}
	/* codes for the letters not held: free ones first, then the least
	 * recently used */
	for (i = 0; i < nneed; i++) {
		int best = -1;
		for (k = 0; k < UDC_CODES; k++)
			if (m->cp[k] == need[i] && pinned[k])
				break;
		if (k < UDC_CODES)
			continue;
		pthread_once(&udc_order_once, udc_order_build);
		for (j = 0; j < UDC_CODES; j++) {
			int c = udc_order_tab[j];
			if (ascii[c] || pinned[c])
				continue;
			if (m->cp[c] == 0) {
				best = c;
				break;
			}
			if (best < 0 || m->used[c] < m->used[best])
				best = c;
		}
		/* best >= 0: counted above */
		m->cp[best] = need[i];
		pinned[best] = 1;
		fresh[best] = 1;
	}
	/* define the fresh ones, one ESC & per run of consecutive codes */
	for (k = 0; k < UDC_CODES; ) {
		int e;
		if (!fresh[k]) {
			k++;
			continue;
		}
		for (e = k; e + 1 < UDC_CODES && fresh[e + 1]; e++)
			;
		escpos_cmd(cmds, 5, 0x1B, 0x26, UDC_Y, UDC_FIRST + k,
		    UDC_FIRST + e);
		for (; k <= e; k++) {
			escpos_putc(cmds, UDC_W);
			escpos_put(cmds, udc_glyph(m->cp[k]), UDC_BYTES);
			m->defined++;
		}
	}
	if (!m->on) {
		escpos_cmd(cmds, 3, 0x1B, 0x25, 1);
		m->on = 1;
	}
	for (j = 0; j < n; j++) {
		uint32_t cp = cps[j];
		if (cp < 0x80) {
			out[j] = (uint8_t)cp;
			continue;
		}
		for (k = 0; k < UDC_CODES && !(pinned[k] && m->cp[k] == cp); k++)
			;
		out[j] = (uint8_t)(UDC_FIRST + k);
		m->used[k] = m->line + 1;
	}
	m->line++;
	return 0;
}
