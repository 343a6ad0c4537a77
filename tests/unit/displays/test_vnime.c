/*
 * test_vnime.c - Telex composition: every mark and tone, tone placement
 * (modern style: hoà, khoẻ, thuý, of marked vowels, of ươ, with qu/gi),
 * the tone moving as the word grows, undo by typing a key again, upper
 * case, words after other text, decomposed input, backspace by whole
 * character, and a buffer too small.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "displays/vnime.h"

/* Type keys (ASCII) one by one into an empty buffer. */
static const char *
telex(const char *keys)
{
	static char buf[128];

	buf[0] = '\0';
	for (; *keys != '\0'; keys++)
		assert_int_equal(vnime_key(buf, sizeof buf, (unsigned char)*keys), 0);
	return buf;
}

#define T(keys, want) assert_string_equal(telex(keys), want)

static void
test_marks(void **state)
{
	(void)state;
	T("aa", "â");
	T("aw", "ă");
	T("ee", "ê");
	T("oo", "ô");
	T("ow", "ơ");
	T("uw", "ư");
	T("dd", "đ");
	T("w", "ư");
	T("tw", "tư");
	T("uow", "ươ");
	T("nguoiw", "ngươi");
	T("quow", "quơ");
	T("tieeng", "tiêng");
	T("tieng" "e", "tiêng");
	T("dung" "d", "đung");
	T("abc", "abc");
	T("khai sinh", "khai sinh");
	T("dang ky khai sinh", "dang ky khai sinh");
}

static void
test_tones(void **state)
{
	(void)state;
	T("as", "á");
	T("af", "à");
	T("ar", "ả");
	T("ax", "ã");
	T("aj", "ạ");
	T("asz", "a");
	T("tieengs", "tiếng");
	T("tiengs" "e", "tiếng");      /* the mark after the tone */
	T("dduwowngf", "đường");
	T("duongf" "dw", "đường");     /* d and w typed last */
	T("vieetj", "việt");
	T("hoaf", "hoà");
	T("hoafn", "hoàn");            /* the tone moves: final consonant */
	T("khoer", "khoẻ");
	T("thuys", "thuý");
	T("cuar", "của");
	T("kiaf", "kìa");
	T("mais", "mái");
	T("ngoaif", "ngoài");
	T("khuyur", "khuỷu");
	T("toans", "toán");
	T("quas", "quá");
	T("giowf", "giờ");
	T("gif", "gì");
	T("giaf", "già");
	T("nguwowif", "người");
	T("muwas", "mứa");
	T("cuwus", "cứu");
	T("thuwowngs", "thướng");
	T("chuwngs thuwcj", "chứng thực");
	T("ddaat ddai", "đât đai");
	T("ddaats ddai", "đất đai");
	T("hooj tichj", "hộ tịch");
	T("xaay duwngj", "xây dựng");
	T("lys lichj tuw phaps", "lý lịch tư pháp");
}

static void
test_undo_and_case(void **state)
{
	(void)state;
	T("ass", "as");
	T("aaa", "aa");
	T("aww", "aw");
	T("ddd", "dd");
	T("uoww", "uow");
	T("z", "z");
	T("bz", "bz");
	T("s", "s");
	T("Vieetj Nam", "Việt Nam");
	T("DDUWOWNGF", "ĐƯỜNG");
	T("Hoaf", "Hoà");
	T("Ddaats", "Đất");
	T("afs", "á");                 /* a new tone replaces the old */
}

static void
test_type_and_backspace(void **state)
{
	char buf[64] = "";

	(void)state;
	/* An SDL_TEXTINPUT, composed already, then Telex keys. */
	assert_int_equal(vnime_type(buf, sizeof buf, "đăng ký "), 0);
	assert_int_equal(vnime_type(buf, sizeof buf, "khai sinh"), 0);
	assert_string_equal(buf, "đăng ký khai sinh");
	/* Decomposed input (e + circumflex + acute) comes out NFC. */
	buf[0] = '\0';
	assert_int_equal(vnime_type(buf, sizeof buf, "tie\xcc\x82\xcc\x81ng"), 0);
	assert_string_equal(buf, "tiếng");
	vnime_backspace(buf);
	vnime_backspace(buf);
	assert_string_equal(buf, "tiế");
	vnime_backspace(buf);
	assert_string_equal(buf, "ti");
	vnime_backspace(buf);
	vnime_backspace(buf);
	vnime_backspace(buf);
	assert_string_equal(buf, "");
	/* Control characters are not typed. */
	assert_int_equal(vnime_key(buf, sizeof buf, '\n'), -1);
	assert_string_equal(buf, "");
}

static void
test_full_buffer(void **state)
{
	char buf[6] = "";

	(void)state;
	assert_int_equal(vnime_type(buf, sizeof buf, "tieng"), 0);
	/* "tiéng" is 6 bytes and its NUL: does not fit, text unchanged. */
	assert_int_equal(vnime_key(buf, sizeof buf, 's'), -1);
	assert_string_equal(buf, "tieng");
	buf[0] = '\0';
	assert_int_equal(vnime_type(buf, sizeof buf, "abcde"), 0);
	assert_int_equal(vnime_key(buf, sizeof buf, 'f'), -1);
	assert_string_equal(buf, "abcde");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_tones),
		cmocka_unit_test(test_undo_and_case),
		cmocka_unit_test(test_type_and_backspace),
		cmocka_unit_test(test_full_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
