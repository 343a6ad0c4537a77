/*
 * test_vntext.c - unit tests of host/common/vntext.c: UTF-8 validation,
 * NFC, folding of every Vietnamese vowel with every tone (NFC and NFD
 * input), and ellipsizing on character boundaries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uninorm.h>

#include "common/vntext.h"

/* Each row: a base vowel, then the vowel with its 6 tones (none first). */
static const char *const vowels_lower[] = {
	"a", "aàáảãạ", "a", "ăằắẳẵặ", "a", "âầấẩẫậ",
	"e", "eèéẻẽẹ", "e", "êềếểễệ", "i", "iìíỉĩị",
	"o", "oòóỏõọ", "o", "ôồốổỗộ", "o", "ơờớởỡợ",
	"u", "uùúủũụ", "u", "ưừứửữự", "y", "yỳýỷỹỵ",
};
static const char *const vowels_upper[] = {
	"a", "AÀÁẢÃẠ", "a", "ĂẰẮẲẴẶ", "a", "ÂẦẤẨẪẬ",
	"e", "EÈÉẺẼẸ", "e", "ÊỀẾỂỄỆ", "i", "IÌÍỈĨỊ",
	"o", "OÒÓỎÕỌ", "o", "ÔỒỐỔỖỘ", "o", "ƠỜỚỞỠỢ",
	"u", "UÙÚỦŨỤ", "u", "ƯỪỨỬỮỰ", "y", "YỲÝỶỸỴ",
};

/* Byte length of the UTF-8 character at s. */
static size_t
charlen(const char *s)
{
	unsigned char c = (unsigned char)*s;

	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* Check every vowel of a table folds to its base, NFC and NFD alike. */
static void
check_vowels(const char *const *table, size_t n)
{
	size_t i;
	int count = 0;

	for (i = 0; i < n; i += 2) {
		const char *p = table[i + 1];

		while (*p != '\0') {
			size_t k = charlen(p);
			char one[8], *f, *nfd_in;

			memcpy(one, p, k);
			one[k] = '\0';
			f = vntext_fold(one);
			assert_non_null(f);
			if (strcmp(f, table[i]) != 0)
				fail_msg("fold(%s) = '%s', want '%s'", one, f,
				    table[i]);
			free(f);
			/* The same letter decomposed (NFD): folding agrees
			 * and NFC gives back the one code point. */
			{
				size_t dl = 0;
				uint8_t *d = u8_normalize(UNINORM_NFD,
				    (const uint8_t *)one, k, NULL, &dl);
				char *c;

				assert_non_null(d);
				nfd_in = malloc(dl + 1);
				assert_non_null(nfd_in);
				memcpy(nfd_in, d, dl);
				nfd_in[dl] = '\0';
				free(d);
				f = vntext_fold(nfd_in);
				assert_string_equal(f, table[i]);
				free(f);
				c = vntext_nfc(nfd_in);
				assert_string_equal(c, one);
				free(c);
				free(nfd_in);
			}
			assert_int_equal(vntext_length(one), 1);
			if (count % 6 != 0 || (unsigned char)one[0] >= 0x80)
				assert_true(vntext_has_diacritics(one));
			else
				assert_false(vntext_has_diacritics(one));
			p += k;
			count++;
		}
	}
	assert_int_equal(count, 72);
}

static void
test_fold_vowels(void **state)
{
	(void)state;
	check_vowels(vowels_lower, sizeof(vowels_lower) / sizeof(vowels_lower[0]));
	check_vowels(vowels_upper, sizeof(vowels_upper) / sizeof(vowels_upper[0]));
}

static void
test_fold_words(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "Đăng ký khai sinh", "dang ky khai sinh" },
		{ "đĐ", "dd" },
		/* NFD: Đa + breve, ng, ky + acute. */
		{ "\xc4\x90" "a\xcc\x86ng ky\xcc\x81", "dang ky" },
		{ "  Cấp lại (bản sao), số 1/2!  ", "cap lai ban sao so 1 2" },
		{ "Sở Lao động - Thương binh và Xã hội", "so lao dong thuong binh va xa hoi" },
		{ "NGƯỜI CAO TUỔI", "nguoi cao tuoi" },
		{ "…—«»", "" },
		{ "", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *f = vntext_fold(cases[i].in);

		assert_non_null(f);
		if (strcmp(f, cases[i].out) != 0)
			fail_msg("fold('%s') = '%s', want '%s'", cases[i].in, f,
			    cases[i].out);
		free(f);
	}
	assert_null(vntext_fold("bad \xff"));
	assert_null(vntext_nfc("bad \xc3"));
}

static void
test_nfc_and_valid(void **state)
{
	char *n;

	(void)state;
	n = vntext_nfc("ti\xcc\xa3" "ch Ho\xcc\xa3\xcc\x82");      /* NFD */
	assert_string_equal(n, "tịch Hộ");
	free(n);
	/* Marks in the non-canonical order still compose. */
	n = vntext_nfc("Ho\xcc\x82\xcc\xa3");
	assert_string_equal(n, "Hộ");
	free(n);
	assert_true(vntext_valid_utf8("Đăng ký", strlen("Đăng ký")));
	assert_true(vntext_valid_utf8("", 0));
	assert_false(vntext_valid_utf8("a\0b", 3));           /* NUL inside */
	assert_false(vntext_valid_utf8("\xc0\xaf", 2));       /* overlong */
	assert_false(vntext_valid_utf8("\xed\xa0\x80", 3));   /* surrogate */
	assert_false(vntext_valid_utf8("\xe1\xba", 2));       /* truncated */
	assert_false(vntext_valid_utf8("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_int_equal(vntext_length("Đăng ký"), 7);
	assert_int_equal(vntext_length("Đa\xcc\x86ng"), 5);   /* NFD: 5 points */
	assert_false(vntext_has_diacritics("dang ky"));
	assert_true(vntext_has_diacritics("dang kỳ"));
	assert_true(vntext_has_diacritics("đ"));
}

static void
test_ellipsize(void **state)
{
	const char *s = "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ";
	size_t len = vntext_length(s), max;
	char *e;

	(void)state;
	e = vntext_ellipsize(s, 100);
	assert_string_equal(e, s);
	free(e);
	e = vntext_ellipsize("Đăng ký khai sinh", 12);
	assert_string_equal(e, "Đăng ký…");
	free(e);
	e = vntext_ellipsize("Đăngkýkhaisinh", 5);
	assert_string_equal(e, "Đăng…");
	free(e);
	e = vntext_ellipsize("Đăng", 0);
	assert_string_equal(e, "");
	free(e);
	for (max = 1; max <= len + 1; max++) {
		size_t n, body;

		e = vntext_ellipsize(s, max);
		n = strlen(e);
		assert_true(vntext_valid_utf8(e, n));
		assert_true(vntext_length(e) <= max);
		if (max >= len) {
			assert_string_equal(e, s);
		} else {
			assert_true(n >= 3);
			assert_memory_equal(e + n - 3, "\xe2\x80\xa6", 3);
			body = n - 3;
			/* The kept text is a prefix of s ending on a whole
			 * character, never inside a multi-byte one. */
			assert_memory_equal(e, s, body);
			assert_true(((unsigned char)s[body] & 0xc0) != 0x80);
		}
		free(e);
	}
}

/* Fixed-size fields: the copy is valid UTF-8 at every size, never a split
 * character, and says whether it was cut. */
static void
test_copy_utf8(void **state)
{
	const char *s = "Nghỉ giải lao, đợi cán bộ kỹ thuật sửa máy in";
	char buf[64];
	size_t size, n;

	(void)state;
	for (size = 1; size <= sizeof buf; size++) {
		int all = vntext_copy_utf8(buf, size, s);

		n = strlen(buf);
		assert_true(n < size);
		assert_true(vntext_valid_utf8(buf, n));
		assert_memory_equal(buf, s, n);
		assert_int_equal(all, n == strlen(s));
		/* Cut before a whole character, and only when the next one
		 * does not fit. */
		if (!all) {
			assert_true(((unsigned char)s[n] & 0xc0) != 0x80);
			assert_true(n + 4 >= size - 1);
		}
	}
	/* 'ệ' is 3 bytes: "Việt" in 4 bytes keeps "Vi". */
	assert_int_equal(vntext_copy_utf8(buf, 5, "Việt"), 0);
	assert_string_equal(buf, "Vi");
	assert_int_equal(vntext_copy_utf8(buf, sizeof buf, "Việt"), 1);
	assert_string_equal(buf, "Việt");
	/* An invalid byte ends the copy. */
	assert_int_equal(vntext_copy_utf8(buf, sizeof buf, "ab\xe1\xba" "cd"), 0);
	assert_string_equal(buf, "ab");
	assert_int_equal(vntext_copy_utf8(buf, sizeof buf, NULL), 1);
	assert_string_equal(buf, "");
	assert_int_equal(vntext_copy_utf8(buf, 0, "x"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_vowels),
		cmocka_unit_test(test_fold_words),
		cmocka_unit_test(test_nfc_and_valid),
		cmocka_unit_test(test_ellipsize),
		cmocka_unit_test(test_copy_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
