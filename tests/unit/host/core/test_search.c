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
#include "../../../bench/search/relevance.h"

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

	/* What covers much less of the query than the best is left out: every
	 * hit has both words in its name or keywords; scores are
	 * non-increasing. */
	n = search_catalogue(demo, "khai sinh", h, 20);
	assert_true(n >= 4);
	for (i = 0; i < n; i++) {
		const struct config_procedure *p = &demo->procedures[h[i].procedure];

		if (strstr(p->folded, "khai sinh") == NULL)
			assert_non_null(strstr(p->folded_keywords, "khai sinh"));
		if (i > 0)
			assert_true(h[i].score <= h[i - 1].score);
	}
	/* A word that matches nothing costs its weight, it does not fail the
	 * query (it did before the ranking of issue 14). */
	assert_string_equal(first("khai sinh zzqx"), "Đăng ký khai sinh");
	assert_int_equal(search_catalogue(demo, "zzqx", h, 20), 0);
	assert_int_equal(search_catalogue(demo, "", h, 20), 0);
	assert_int_equal(search_catalogue(demo, "bad \xff", h, 20), -1);
	assert_int_equal(search_catalogue(demo, "dang ky", h, 3), 3);
}

/* Name of the hit of rank k (0-based) for query over the demo, or "-". */
static const char *
nth(const char *query, int k)
{
	struct search_hit h[20];
	int n = search_catalogue(demo, query, h, 20);

	return n > k ? demo->procedures[h[k].procedure].name : "-";
}

/* Everyday names, fields, i/y, joined words, fillers, partial words. */
static void
test_search_visitors(void **state)
{
	struct search_hit h[100];
	int n, i, land = 0;

	(void)state;
	/* Keywords carry the everyday names. */
	assert_string_equal(first("sổ đỏ"), "Đăng ký, cấp Giấy chứng nhận quyền "
	    "sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất "
	    "lần đầu");
	assert_string_equal(first("so do"), first("sổ đỏ"));
	assert_string_equal(first("làm hộ chiếu"), "Cấp hộ chiếu phổ thông ở trong nước");
	assert_string_equal(first("đổi bằng lái xe"), "Cấp đổi giấy phép lái xe");
	assert_string_equal(first("doi bang lai"), "Cấp đổi giấy phép lái xe");
	assert_string_equal(first("cccd"), "Cấp thẻ căn cước cho người từ đủ 14 "
	    "tuổi trở lên");
	/* i = y, words typed joined, no marks. */
	assert_string_equal(first("dang ki ket hon"), "Đăng ký kết hôn");
	assert_string_equal(first("đăng kí kết hôn"), "Đăng ký kết hôn");
	assert_string_equal(first("kethon"), "Đăng ký kết hôn");
	assert_string_equal(first("dangkykethon"), "Đăng ký kết hôn");
	assert_string_equal(first("li lich tu phap"), "Cấp Phiếu lý lịch tư pháp");
	/* Filler words weigh little. */
	assert_string_equal(first("xin thủ tục làm giấy khai sinh"), "Đăng ký khai sinh");
	/* The field is searched: "đất đai" finds the land procedures. */
	n = search_catalogue(demo, "đất đai", h, 100);
	for (i = 0; i < n; i++)
		land += strcmp(demo->procedures[h[i].procedure].field, "Đất đai") == 0;
	assert_true(land >= 60);
	/* A whole word before a longer word it starts ("tru": trú, not
	 * trung); marks choose between words that fold alike. */
	assert_non_null(strstr(first("tru"), "trú"));
	assert_string_equal(first("cấp lái"), nth("cấp lái", 0));
	assert_non_null(strstr(first("cấp lái xe"), "lái xe"));
	assert_null(strstr(first("cấp lại giấy phép lái xe"), "đổi"));
}

/* The relevance set: the procedure a visitor asks for is in the first
 * three hits for at least 90 % of the queries. */
static void
test_search_relevance(void **state)
{
	static struct rel_set set;
	char path[1024];
	double r3;
	int i;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/bench/search/queries.tsv", root());
	assert_int_equal(rel_load(&set, path), 0);
	assert_true(set.n >= 60);
	rel_run(&set, demo);
	assert_int_equal(set.unknown, 0);
	r3 = rel_recall(&set, 3);
	printf("info: %d queries: recall@1 %.3f, recall@3 %.3f, MRR %.3f\n",
	    set.n, rel_recall(&set, 1), r3, rel_mrr(&set));
	for (i = 0; i < set.n; i++)
		if (set.q[i].rank == 0 || set.q[i].rank > 3)
			printf("info: not in the first 3: %s (rank %d)\n",
			    set.q[i].query, set.q[i].rank);
	assert_true(r3 >= 0.9);
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
	/* Without marks "Dạng ký mẫu" and "Đăng ký mẫu" tie: catalogue order.
	 * "Đăng ký" lacks "mẫu", the rarest word: less than half the best. */
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
		cmocka_unit_test_setup_teardown(test_search_visitors, load_demo,
		    free_demo),
		cmocka_unit_test_setup_teardown(test_search_relevance, load_demo,
		    free_demo),
		cmocka_unit_test(test_search_ranking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
