/*
 * test_crc16.c - the Modbus CRC-16 against published check values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/crc16.h"

/* The CRC-16/MODBUS check value of "123456789". */
static void test_check_value(void **state)
{
	(void)state;
	assert_int_equal(crc16_modbus((const uint8_t *)"123456789", 9), 0x4B37);
}

/* The read-holding example of the Modbus serial guide: 01 03 00 00 00 0A -> C5 CD. */
static void test_known_frame(void **state)
{
	const uint8_t f[] = { 0x01, 0x03, 0x00, 0x00, 0x00, 0x0A };
	uint16_t c = crc16_modbus(f, sizeof f);
	(void)state;
	assert_int_equal(c & 0xFF, 0xC5);
	assert_int_equal(c >> 8, 0xCD);
}

/* Empty input gives the initial value; a frame with its CRC appended gives 0. */
static void test_empty_and_residue(void **state)
{
	uint8_t f[] = { 0x11, 0x06, 0x00, 0x01, 0x00, 0x03, 0, 0 };
	uint16_t c = crc16_modbus(f, 6);
	(void)state;
	assert_int_equal(crc16_modbus(f, 0), 0xFFFF);
	f[6] = (uint8_t)c;
	f[7] = (uint8_t)(c >> 8);
	assert_int_equal(crc16_modbus(f, 8), 0);
	f[3] ^= 0x10;
	assert_int_not_equal(crc16_modbus(f, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_known_frame),
		cmocka_unit_test(test_empty_and_residue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
