/*
 * test_gsm7.c - unit tests of host/common/gsm7.c: every Vietnamese vowel
 * with every tone, upper and lower case, NFC and NFD, loses its marks and
 * keeps its case; đ/Đ become d/D; what GSM-7 cannot carry is replaced;
 * cutting keeps whole words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uninorm.h>

#include "common/gsm7.h"

static void
expect(const char *in, size_t max, const char *want)
{
	char *out = gsm7_from_utf8(in, max);

	assert_non_null(out);
	assert_string_equal(out, want);
	assert_true(gsm7_is_plain(out));
	free(out);
}

static void
test_vowels(void **state)
{
	static const char *const rows[][2] = {
		{ "aàáảãạăằắẳẵặâầấẩẫậ", "aaaaaaaaaaaaaaaaaa" },
		{ "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", "AAAAAAAAAAAAAAAAAA" },
		{ "eèéẻẽẹêềếểễệ", "eeeeeeeeeeee" }, { "EÈÉẺẼẸÊỀẾỂỄỆ", "EEEEEEEEEEEE" },
		{ "iìíỉĩị", "iiiiii" }, { "IÌÍỈĨỊ", "IIIIII" },
		{ "oòóỏõọôồốổỗộơờớởỡợ", "oooooooooooooooooo" },
		{ "OÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", "OOOOOOOOOOOOOOOOOO" },
		{ "uùúủũụưừứửữự", "uuuuuuuuuuuu" }, { "UÙÚỦŨỤƯỪỨỬỮỰ", "UUUUUUUUUUUU" },
		{ "yỳýỷỹỵ", "yyyyyy" }, { "YỲÝỶỸỴ", "YYYYYY" },
		{ "đĐ", "dD" },
	};
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		uint8_t *nfd;

		expect(rows[i][0], 0, rows[i][1]);
		nfd = u8_normalize(UNINORM_NFD, (const uint8_t *)rows[i][0],
		    strlen(rows[i][0]), NULL, &n);
		assert_non_null(nfd);
		nfd = realloc(nfd, n + 1);
		nfd[n] = 0;
		expect((const char *)nfd, 0, rows[i][1]);
		free(nfd);
	}
}

static void
test_sentences(void **state)
{
	(void)state;
	expect("Mời số 1023 đến Quầy 2 (Khu A).", 0, "Moi so 1023 den Quay 2 (Khu A).");
	expect("Trung tâm Phục vụ hành chính công tỉnh Tiền Giang", 0,
	    "Trung tam Phuc vu hanh chinh cong tinh Tien Giang");
	expect("Đăng ký khai sinh – “bản sao”…", 0, "Dang ky khai sinh - \"ban sao\"...");
	expect("a\n\tb  [c] {d} ~ € 中", 0, "a b ?c? ?d? ? ? ?");
	expect("  trống  ", 0, "trong");
	assert_null(gsm7_from_utf8("\xff\xfe", 0));
	assert_false(gsm7_is_plain("a[b"));
	assert_false(gsm7_is_plain("Mời"));
}

static void
test_cut(void **state)
{
	(void)state;
	expect("Số 1023 còn 3 người phía trước", 12, "So 1023 con");
	expect("abcdefghijklmnop", 5, "abcde");
	expect("abc", 3, "abc");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vowels),
		cmocka_unit_test(test_sentences),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
