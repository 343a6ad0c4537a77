/*
 * test_search.c - unit tests of host/core/search.c: search over the demo
 * catalogue and over a tiny catalogue built here for the ranking rules.
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

#include "common/vntext.h"
#include "core/config.h"
#include "core/search.h"

static const char *
root(void)
{
	const char *r = getenv("ONESTOP_ROOT");

	return r && *r ? r : ".";
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
	struct search_hit h[10];
	int n = search_catalogue(demo, query, h, 10);

	if (n <= 0)
		fail_msg("no hit for '%s'", query);
	return demo->procedures[h[0].procedure].name;
}

static void
test_search_demo(void **state)
{
	struct search_hit h[20];
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
	n = search_catalogue(demo, demo->procedures[idx].code, h, 5);
	assert_true(n >= 1);
	assert_int_equal(h[0].procedure, idx);

	/* Every query word must match; scores are non-increasing. */
	n = search_catalogue(demo, "khai sinh", h, 20);
	assert_true(n >= 4);
	for (i = 0; i < n; i++) {
		assert_non_null(strstr(demo->procedures[h[i].procedure].folded,
		    "khai sinh"));
		if (i > 0)
			assert_true(h[i].score <= h[i - 1].score);
	}
	assert_int_equal(search_catalogue(demo, "khai sinh zzqx", h, 20), 0);
	assert_int_equal(search_catalogue(demo, "", h, 20), 0);
	assert_int_equal(search_catalogue(demo, "bad \xff", h, 20), -1);
	assert_int_equal(search_catalogue(demo, "dang ky", h, 3), 3);
}

/* A catalogue of three names built by hand for ranking rules. */
static void
test_search_ranking(void **state)
{
	struct config cfg;
	struct config_procedure p[4];
	struct search_hit h[4];
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
	n = search_catalogue(&cfg, "đăng ký", h, 4);
	assert_int_equal(n, 4);
	assert_int_equal(h[0].procedure, 3);
	assert_int_equal(h[1].procedure, 1);
	assert_int_equal(h[2].procedure, 2);
	assert_int_equal(h[3].procedure, 0);
	/* Without marks "Dạng ký mẫu" and "Đăng ký mẫu" tie: catalogue order. */
	n = search_catalogue(&cfg, "dang ky mau", h, 4);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].procedure, 0);
	assert_int_equal(h[1].procedure, 1);
	assert_int_equal(h[0].score, h[1].score);
	assert_int_equal(h[2].procedure, 2);     /* words out of order */
	/* Marks in the query select: "dạng" ranks Dạng first. */
	n = search_catalogue(&cfg, "dạng ký mẫu", h, 4);
	assert_int_equal(h[0].procedure, 0);
	/* Code lookup, case-insensitive. */
	n = search_catalogue(&cfg, "a.3", h, 4);
	assert_true(n >= 1);
	assert_int_equal(h[0].procedure, 2);
	for (i = 0; i < 4; i++)
		free(p[i].folded);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_search_demo, load_demo,
		    free_demo),
		cmocka_unit_test(test_search_ranking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
