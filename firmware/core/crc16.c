/*
 * crc16.c - the Modbus CRC-16, bit by bit (no table: flash matters more than
 * speed on the board; a 256-byte frame costs about 2,000 shifts).
 */
#include "core/crc16.h"

/* CRC-16/MODBUS of buf[0..len). */
uint16_t crc16_modbus(const uint8_t *buf, size_t len)
{
	uint16_t crc = 0xFFFF;
	for (size_t i = 0; i < len; i++) {
		crc ^= buf[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
	}
	return crc;
}
