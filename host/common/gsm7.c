/*
 * gsm7.c - Vietnamese text as GSM-7 for SMS: marks dropped, case kept
 * (gsm7.h).  libunistring decomposes (NFD); the base letters that remain
 * are ASCII for every Vietnamese letter but đ/Đ, mapped here.
 */
#include "common/gsm7.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>
#include <unistr.h>

#include "common/log.h"
#include "common/xmalloc.h"

/* ASCII characters of the GSM-7 default alphabet (one septet each). */
static int
gsm7_plain_char(unsigned char ch)
{
	if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9'))
		return 1;
	/* Not in the basic table: [ ] { } \ ^ ~ | ` (escape table or none). */
	return ch != '\0' && strchr(" !\"#%&'()*+,-./:;<=>?@$_\n", ch) != NULL;
}

int
gsm7_is_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if (!gsm7_plain_char((unsigned char)*s) || *s == '\n')
			return 0;
	return 1;
}

char *
gsm7_from_utf8(const char *s, size_t max)
{
	size_t len = strlen(s), n = 0, o = 0;
	uint8_t *d;
	const uint8_t *p, *end;
	char *out;

	if (u8_check((const uint8_t *)s, len) != NULL)
		return NULL;
	if ((d = u8_normalize(UNINORM_NFD, (const uint8_t *)s, len, NULL, &n)) == NULL)
		fatalx("gsm7: out of memory");
	out = xmalloc(n + 1);
	for (p = d, end = d + n; p < end;) {
		ucs4_t uc;
		int k = u8_mbtouc(&uc, p, (size_t)(end - p));

		p += k;
		if (uc >= 0x300 && uc <= 0x36f)
			continue;              /* a tone or vowel mark */
		if (uc == 0x111)
			uc = 'd';
		else if (uc == 0x110)
			uc = 'D';
		else if (uc == '\n' || uc == '\r' || uc == '\t' || uc == 0xa0)
			uc = ' ';
		else if (uc == 0x2026) {       /* …: 3 bytes in, 3 out */
			memcpy(out + o, "...", 3);
			o += 3;
			continue;
		} else if (uc == 0x2013 || uc == 0x2014)
			uc = '-';
		else if (uc == 0x201c || uc == 0x201d)
			uc = '"';
		else if (uc == 0x2018 || uc == 0x2019)
			uc = '\'';
		if (uc >= 0x80 || !gsm7_plain_char((unsigned char)uc))
			uc = '?';
		if (uc == ' ' && (o == 0 || out[o - 1] == ' '))
			continue;              /* runs of spaces collapse */
		out[o++] = (char)uc;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	free(d);
	if (max > 0 && o > max) {
		size_t cut = max;

		while (cut > max / 2 && out[cut] != ' ')
			cut--;
		if (out[cut] != ' ')
			cut = max;
		while (cut > 0 && out[cut - 1] == ' ')
			cut--;
		out[cut] = '\0';
	}
	return out;
}
