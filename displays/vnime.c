/*
 * vnime.c - Telex composition (see vnime.h).  The text is taken apart
 * into letters (base, mark, tone, case) from its NFD form, the key applied
 * to the last word, the word's tone placed again, and the text put back
 * together and normalised to NFC (libunistring).
 */
#include "displays/vnime.h"

#include <stdlib.h>
#include <string.h>

#include <uninorm.h>
#include <unistr.h>

#define VN_MAX 256              /* characters of text handled */

enum mark { M_NONE, M_CIRC, M_BREVE, M_HORN, M_STROKE };
enum tone { T_NONE, T_ACUTE, T_GRAVE, T_HOOK, T_TILDE, T_DOT };

/* Combining marks, by enum mark / enum tone (0 = none). */
static const uint32_t mark_cp[] = { 0, 0x0302, 0x0306, 0x031b, 0 };
static const uint32_t tone_cp[] = { 0, 0x0301, 0x0300, 0x0309, 0x0303, 0x0323 };

/* One character: a letter a-z with its mark, tone and case, or any other
 * code point (base = that, letter = 0) with its combining marks kept. */
struct vch {
	uint32_t base;
	int letter, upper;
	enum mark mark;
	enum tone tone;
	uint32_t other[4];          /* other combining marks, kept as they came */
	int nother;
};

static int
is_vowel(const struct vch *c)
{
	return c->letter && strchr("aeiouy", (int)c->base) != NULL;
}

/* Parse UTF-8 text into v (at most VN_MAX); returns the count or -1. */
static int
vn_parse(const char *text, struct vch *v)
{
	size_t len = 0;
	uint8_t *nfd = u8_normalize(UNINORM_NFD, (const uint8_t *)text, strlen(text), NULL, &len);
	const uint8_t *p, *end;
	int n = 0;

	if (nfd == NULL && len > 0)
		return -1;
	for (p = nfd, end = nfd + len; p < end;) {
		ucs4_t cp;
		int k = u8_mbtouc(&cp, p, (size_t)(end - p)), i;
		struct vch *c;

		p += k;
		for (i = 1; i < 6 && cp != tone_cp[i]; i++)
			;
		if (n > 0 && i < 6 && v[n - 1].letter && v[n - 1].tone == T_NONE) {
			v[n - 1].tone = (enum tone)i;
			continue;
		}
		for (i = 1; i < 4 && cp != mark_cp[i]; i++)
			;
		if (n > 0 && i < 4 && v[n - 1].letter && v[n - 1].mark == M_NONE) {
			v[n - 1].mark = (enum mark)i;
			continue;
		}
		if (n > 0 && cp >= 0x0300 && cp <= 0x036f) {
			if (v[n - 1].nother < 4)
				v[n - 1].other[v[n - 1].nother++] = cp;
			continue;
		}
		if (n == VN_MAX) {
			free(nfd);
			return -1;
		}
		c = &v[n++];
		memset(c, 0, sizeof *c);
		if (cp >= 'a' && cp <= 'z') {
			c->base = cp;
			c->letter = 1;
		} else if (cp >= 'A' && cp <= 'Z') {
			c->base = cp - 'A' + 'a';
			c->letter = c->upper = 1;
		} else if (cp == 0x0111 || cp == 0x0110) {
			c->base = 'd';
			c->letter = 1;
			c->upper = cp == 0x0110;
			c->mark = M_STROKE;
		} else {
			c->base = cp;
		}
	}
	free(nfd);
	return n;
}

/* Put v back together as NFC into text (size bytes); 0 or -1. */
static int
vn_format(const struct vch *v, int n, char *text, size_t size)
{
	uint8_t buf[VN_MAX * 16], *nfc;
	size_t len = 0, out = 0;
	int i, j;

	for (i = 0; i < n; i++) {
		const struct vch *c = &v[i];
		uint32_t cps[8];
		int ncp = 0;

		if (c->letter && c->mark == M_STROKE)
			cps[ncp++] = c->upper ? 0x0110 : 0x0111;
		else if (c->letter)
			cps[ncp++] = c->upper ? c->base - 'a' + 'A' : c->base;
		else
			cps[ncp++] = c->base;
		if (c->letter && c->mark != M_NONE && c->mark != M_STROKE)
			cps[ncp++] = mark_cp[c->mark];
		if (c->letter && c->tone != T_NONE)
			cps[ncp++] = tone_cp[c->tone];
		for (j = 0; j < c->nother; j++)
			cps[ncp++] = c->other[j];
		for (j = 0; j < ncp; j++) {
			int k = u8_uctomb(buf + len, cps[j], (int)(sizeof buf - len));

			if (k <= 0)
				return -1;
			len += (size_t)k;
		}
	}
	if (len == 0) {
		if (size == 0)
			return -1;
		text[0] = '\0';
		return 0;
	}
	nfc = u8_normalize(UNINORM_NFC, buf, len, NULL, &out);
	if (nfc == NULL)
		return -1;
	if (out + 1 > size) {
		free(nfc);
		return -1;
	}
	memcpy(text, nfc, out);
	text[out] = '\0';
	free(nfc);
	return 0;
}

/* The index where the last word (letters only) of v starts. */
static int
vn_word_start(const struct vch *v, int n)
{
	while (n > 0 && v[n - 1].letter)
		n--;
	return n;
}

/*
 * The vowel that takes the tone in the word w[0..n), or -1 when it has no
 * vowel.  See vnime.h for the rules.
 */
static int
vn_tone_pos(const struct vch *w, int n)
{
	int s, e, i, nv, marked = -1;

	/* The last run of vowels. */
	for (e = n; e > 0 && !is_vowel(&w[e - 1]); e--)
		;
	if (e == 0)
		return -1;
	for (s = e; s > 0 && is_vowel(&w[s - 1]); s--)
		;
	/* "qu" and "gi" followed by a vowel: the u / i belongs to the consonant. */
	if (e - s > 1 && s > 0 && ((w[s - 1].base == 'q' && w[s].base == 'u') ||
	    (w[s - 1].base == 'g' && w[s].base == 'i' && s == 1)))
		s++;
	nv = e - s;
	for (i = s; i < e; i++)
		if (w[i].mark != M_NONE)
			marked = i;     /* the last marked one: ơ of ươ */
	if (marked >= 0)
		return marked;
	if (nv == 1)
		return s;
	if (e < n)
		return e - 1;       /* a final consonant: the last vowel */
	if (nv >= 3)
		return s + 1;
	if ((w[s].base == 'o' && (w[s + 1].base == 'a' || w[s + 1].base == 'e')) ||
	    (w[s].base == 'u' && w[s + 1].base == 'y'))
		return s + 1;
	return s;
}

/* Append a plain character for key. */
static int
vn_append(struct vch *v, int *n, uint32_t key)
{
	struct vch *c;

	if (*n == VN_MAX)
		return -1;
	c = &v[(*n)++];
	memset(c, 0, sizeof *c);
	if (key >= 'a' && key <= 'z') {
		c->base = key;
		c->letter = 1;
	} else if (key >= 'A' && key <= 'Z') {
		c->base = key - 'A' + 'a';
		c->letter = c->upper = 1;
	} else {
		c->base = key;
	}
	return 0;
}

/* The Telex tone of a key, or -1; z is T_NONE. */
static int
vn_tone_key(uint32_t k)
{
	switch (k | 0x20) {
	case 's': return T_ACUTE;
	case 'f': return T_GRAVE;
	case 'r': return T_HOOK;
	case 'x': return T_TILDE;
	case 'j': return T_DOT;
	case 'z': return T_NONE;
	}
	return -1;
}

/*
 * Apply key to the word w[ws..*n) of v (tone already taken off into
 * *tone): 1 when composed, 0 when key is to be appended as a letter.
 */
static int
vn_compose(struct vch *v, int ws, int n, uint32_t key, enum tone *tone)
{
	uint32_t k = key | 0x20;
	int t = vn_tone_key(key), i;

	if (key > 0x7f || !((key >= 'a' && key <= 'z') || (key >= 'A' && key <= 'Z')))
		return 0;
	if (t >= 0) {
		if (vn_tone_pos(v + ws, n - ws) < 0)
			return 0;
		if (t == T_NONE) {
			if (*tone == T_NONE)
				return 0;
			*tone = T_NONE;
			return 1;
		}
		if (*tone == (enum tone)t) {
			*tone = T_NONE;     /* undo: the letter itself */
			return 0;
		}
		*tone = (enum tone)t;
		return 1;
	}
	if (k == 'd') {
		/* The word's first letter, when it is its only d. */
		if (n - ws < 1 || v[ws].base != 'd')
			return 0;
		for (i = ws + 1; i < n; i++)
			if (v[i].base == 'd')
				return 0;
		if (v[ws].mark == M_STROKE) {
			v[ws].mark = M_NONE;
			return 0;
		}
		v[ws].mark = M_STROKE;
		return 1;
	}
	if (k == 'a' || k == 'e' || k == 'o') {
		for (i = n - 1; i >= ws; i--)
			if (v[i].letter && v[i].base == k)
				break;
		if (i < ws)
			return 0;
		/* Only a vowel of the syllable's end: at most two letters after
		 * it (tieng + e -> tiêng). */
		if (i + 3 < n)
			return 0;
		if (v[i].mark == M_CIRC) {
			v[i].mark = M_NONE;
			return 0;
		}
		v[i].mark = M_CIRC;
		return 1;
	}
	if (k == 'w') {
		int a = -1;

		for (i = n - 1; i >= ws; i--)
			if (v[i].letter && (v[i].base == 'a' || v[i].base == 'o' || v[i].base == 'u')) {
				a = i;
				break;
			}
		if (a < 0) {
			/* w alone: ư, at the start of a word or after its consonants. */
			for (i = ws; i < n; i++)
				if (is_vowel(&v[i]))
					return 0;
			return -2;
		}
		if (v[a].base == 'o' && a > ws && v[a - 1].base == 'u' &&
		    !(a - 1 > ws && v[a - 2].base == 'q')) {
			if (v[a].mark == M_HORN && v[a - 1].mark == M_HORN) {
				v[a].mark = v[a - 1].mark = M_NONE;
				return 0;
			}
			v[a].mark = v[a - 1].mark = M_HORN;
			return 1;
		}
		if (v[a].base == 'a') {
			if (v[a].mark == M_BREVE) {
				v[a].mark = M_NONE;
				return 0;
			}
			v[a].mark = M_BREVE;
			return 1;
		}
		if (v[a].mark == M_HORN) {
			v[a].mark = M_NONE;
			return 0;
		}
		v[a].mark = M_HORN;
		return 1;
	}
	return 0;
}

int
vnime_key(char *text, size_t size, uint32_t key)
{
	struct vch v[VN_MAX];
	int n = vn_parse(text, v), ws, i, r, pos;
	enum tone tone = T_NONE;

	if (n < 0 || key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0) || key > 0x10ffff)
		return -1;
	ws = vn_word_start(v, n);
	for (i = ws; i < n; i++)
		if (v[i].tone != T_NONE) {
			if (tone == T_NONE)
				tone = v[i].tone;
			v[i].tone = T_NONE;
		}
	r = vn_compose(v, ws, n, key, &tone);
	if (r == -2) {
		if (vn_append(v, &n, key) != 0)
			return -1;
		v[n - 1].base = 'u';
		v[n - 1].mark = M_HORN;
	} else if (r == 0 && vn_append(v, &n, key) != 0) {
		return -1;
	}
	if (tone != T_NONE && (pos = vn_tone_pos(v + ws, n - ws)) >= 0)
		v[ws + pos].tone = tone;
	{
		char out[VN_MAX * 4 + 1];

		if (vn_format(v, n, out, sizeof out) != 0 || strlen(out) + 1 > size)
			return -1;
		memcpy(text, out, strlen(out) + 1);
	}
	return 0;
}

int
vnime_type(char *text, size_t size, const char *utf8)
{
	const uint8_t *p = (const uint8_t *)utf8, *end = p + strlen(utf8);
	int rc = 0;

	/* Marks typed apart (a decomposed keyboard) join their letter. */
	while (p < end) {
		ucs4_t cp;
		int k = u8_mbtouc(&cp, p, (size_t)(end - p));

		p += k;
		if (cp >= 0x0300 && cp <= 0x036f) {
			size_t n = strlen(text);
			uint8_t *nfc;
			size_t out = 0;
			char buf[VN_MAX * 4 + 8];

			if (n + 4 >= sizeof buf) {
				rc = -1;
				continue;
			}
			memcpy(buf, text, n);
			n += (size_t)u8_uctomb((uint8_t *)buf + n, cp, 4);
			nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)buf, n, NULL, &out);
			if (nfc != NULL && out + 1 <= size) {
				memcpy(text, nfc, out);
				text[out] = '\0';
			} else {
				rc = -1;
			}
			free(nfc);
			continue;
		}
		if (vnime_key(text, size, cp) != 0)
			rc = -1;
	}
	return rc;
}

void
vnime_backspace(char *text)
{
	struct vch v[VN_MAX];
	int n = vn_parse(text, v);

	if (n <= 0)
		return;
	if (vn_format(v, n - 1, text, strlen(text) + 1) != 0)
		text[0] = '\0';
}
