/*
 * crc16.h - the Modbus CRC-16 (polynomial 0xA001 reflected, initial 0xFFFF).
 * Table-free so that it costs a few dozen bytes of flash on the board.
 */
#ifndef ONESTOP_CRC16_H
#define ONESTOP_CRC16_H

#include <stddef.h>
#include <stdint.h>

/* CRC of len bytes; the frame carries it low byte first. */
uint16_t crc16_modbus(const uint8_t *buf, size_t len);

#endif
