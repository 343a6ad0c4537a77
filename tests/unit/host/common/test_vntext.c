/*
 * test_vntext.c - unit tests of host/vntext.c: UTF-8 validation, NFC,
 * folding of every Vietnamese vowel with every tone (NFC and NFD input),
 * search over the demo catalogue and over a tiny catalogue built here, and
 * ellipsizing on character boundaries.
 *
 * Run from the repository root (make does), or set ONESTOP_ROOT.
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

#include "config.h"
#include "vntext.h"

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

static const char *
root(void)
{
	const char *r = getenv("ONESTOP_ROOT");

	return r && *r ? r : ".";
}

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

static struct config *demo;

static int
load_demo(void **state)
{
	char path[1024], err[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/config/demo/centre.ini", root());
	if (config_load(path, &demo, err, sizeof(err)) != 0) {
		fprintf(stderr, "demo config: %s\n", err);
		return -1;
	}
	return 0;
}

static int
free_demo(void **state)
{
	(void)state;
	config_free(demo);
	demo = NULL;
	return 0;
}

/* Name of the first hit for query over the demo, asserting a hit exists. */
static const char *
first(const char *query)
{
	struct vntext_hit h[10];
	int n = vntext_search(demo, query, h, 10);

	if (n <= 0)
		fail_msg("no hit for '%s'", query);
	return demo->procedures[h[0].procedure].name;
}

static void
test_search_demo(void **state)
{
	struct vntext_hit h[20];
	int n, i, idx;

	(void)state;
	assert_string_equal(first("dang ky khai sinh"), "Đăng ký khai sinh");
	assert_string_equal(first("đăng ký khai sinh"), "Đăng ký khai sinh");
	assert_string_equal(first("ĐĂNG KÝ KHAI SINH"), "Đăng ký khai sinh");
	assert_string_equal(first("\xc4\x91" "a\xcc\x86ng ky\xcc\x81 khai sinh"),
	    "Đăng ký khai sinh");                            /* NFD query */
	assert_string_equal(first("  dang   ky, ket hon "), "Đăng ký kết hôn");
	assert_string_equal(first("phieu ly lich tu phap"), "Cấp Phiếu lý lịch tư pháp");
	assert_string_equal(first("cap doi giay phep lai xe"), "Cấp đổi giấy phép lái xe");
	assert_string_equal(first("giay phep xay dung nha o rieng le"),
	    "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ");
	assert_string_equal(first("thanh lap doanh nghiep tu nhan"),
	    "Đăng ký thành lập doanh nghiệp tư nhân");
	/* Prefixes of words match too. */
	assert_string_equal(first("dang ky kh sinh"), "Đăng ký khai sinh");

	/* A procedure code finds its procedure first. */
	idx = 0;
	for (i = 0; i < demo->nprocedures; i++)
		if (strcmp(demo->procedures[i].name, "Đăng ký kết hôn") == 0)
			idx = i;
	n = vntext_search(demo, demo->procedures[idx].code, h, 5);
	assert_true(n >= 1);
	assert_int_equal(h[0].procedure, idx);

	/* Every query word must match; scores are non-increasing. */
	n = vntext_search(demo, "khai sinh", h, 20);
	assert_true(n >= 4);
	for (i = 0; i < n; i++) {
		assert_non_null(strstr(demo->procedures[h[i].procedure].folded,
		    "khai sinh"));
		if (i > 0)
			assert_true(h[i].score <= h[i - 1].score);
	}
	assert_int_equal(vntext_search(demo, "khai sinh zzqx", h, 20), 0);
	assert_int_equal(vntext_search(demo, "", h, 20), 0);
	assert_int_equal(vntext_search(demo, "bad \xff", h, 20), -1);
	assert_int_equal(vntext_search(demo, "dang ky", h, 3), 3);
}

/* A catalogue of three names built by hand for ranking rules. */
static void
test_search_ranking(void **state)
{
	struct config cfg;
	struct config_procedure p[4];
	struct vntext_hit h[4];
	const char *names[] = { "Dạng ký mẫu", "Đăng ký mẫu", "Mẫu đăng ký",
	    "Đăng ký" };
	int i, n;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	memset(p, 0, sizeof(p));
	for (i = 0; i < 4; i++) {
		p[i].code = (char *)(i == 0 ? "A.1" : i == 1 ? "A.2" : i == 2 ?
		    "A.3" : "A.4");
		p[i].name = (char *)names[i];
		p[i].folded = vntext_fold(names[i]);
	}
	cfg.procedures = p;
	cfg.nprocedures = 4;

	/* With marks: the exact spelling beats "dạng", start beats middle,
	 * the exact whole name beats a longer one. */
	n = vntext_search(&cfg, "đăng ký", h, 4);
	assert_int_equal(n, 4);
	assert_int_equal(h[0].procedure, 3);
	assert_int_equal(h[1].procedure, 1);
	assert_int_equal(h[2].procedure, 2);
	assert_int_equal(h[3].procedure, 0);
	/* Without marks "Dạng ký mẫu" and "Đăng ký mẫu" tie: catalogue order. */
	n = vntext_search(&cfg, "dang ky mau", h, 4);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].procedure, 0);
	assert_int_equal(h[1].procedure, 1);
	assert_int_equal(h[0].score, h[1].score);
	assert_int_equal(h[2].procedure, 2);     /* words out of order */
	/* Marks in the query select: "dạng" ranks Dạng first. */
	n = vntext_search(&cfg, "dạng ký mẫu", h, 4);
	assert_int_equal(h[0].procedure, 0);
	/* Code lookup, case-insensitive. */
	n = vntext_search(&cfg, "a.3", h, 4);
	assert_true(n >= 1);
	assert_int_equal(h[0].procedure, 2);
	for (i = 0; i < 4; i++)
		free(p[i].folded);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_vowels),
		cmocka_unit_test(test_fold_words),
		cmocka_unit_test(test_nfc_and_valid),
		cmocka_unit_test_setup_teardown(test_search_demo, load_demo,
		    free_demo),
		cmocka_unit_test(test_search_ranking),
		cmocka_unit_test(test_ellipsize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
