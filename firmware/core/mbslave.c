/*
 * mbslave.c - Modbus RTU slave: the receive state machine (idle, receiving,
 * discarding until silence), the ADU check (length, CRC, address) and the
 * function codes.  Responses are built in s->tx; every index into a frame is
 * checked against the frame's length first.
 */
#include "core/mbslave.h"
#include "core/crc16.h"

#include <stddef.h>
#include <string.h>

#define FC_READ_HOLDING 0x03
#define FC_READ_INPUT 0x04
#define FC_WRITE_SINGLE 0x06
#define FC_DIAGNOSTICS 0x08
#define FC_WRITE_MULTIPLE 0x10
#define FC_MEI 0x2B
#define MEI_DEVICE_ID 0x0E

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* Silence of n/2 characters at baud, in microseconds (11 bits a character). */
static uint32_t half_chars_us(uint32_t baud, uint32_t halves)
{
	if (baud == 0)
		baud = 19200;
	if (baud > 19200)
		return halves == 3 ? 750 : 1750;
	return (uint32_t)((11ull * 1000000ull * halves + baud) / (2ull * baud));
}

/* See mbslave.h. */
void mbslave_set_baud(mbslave *s, uint32_t baud, uint32_t margin_us)
{
	s->t15_us = half_chars_us(baud, 3) + margin_us;
	s->t35_us = half_chars_us(baud, 7) + margin_us;
}

/* See mbslave.h. */
void mbslave_init(mbslave *s, const mbslave_ops *ops, void *ctx, uint8_t address,
    uint32_t baud, uint32_t margin_us)
{
	memset(s, 0, sizeof *s);
	s->ops = ops;
	s->ctx = ctx;
	s->address = address;
	s->state = MBSLAVE_IDLE;
	mbslave_set_baud(s, baud, margin_us);
}

/* See mbslave.h. */
void mbslave_rx(mbslave *s, uint8_t byte, uint32_t now_us)
{
	uint32_t gap = now_us - s->last_us;

	s->last_us = now_us;
	switch (s->state) {
	case MBSLAVE_IDLE:
		s->rx[0] = byte;
		s->rx_len = 1;
		s->state = MBSLAVE_RECEIVING;
		break;
	case MBSLAVE_RECEIVING:
		if (gap >= s->t35_us) {
			/* The previous frame was never polled: it is lost. */
			s->cnt.frame_errors++;
			s->rx[0] = byte;
			s->rx_len = 1;
		} else if (gap > s->t15_us) {
			s->cnt.frame_errors++;
			s->state = MBSLAVE_DISCARD;
		} else if (s->rx_len >= MBSLAVE_ADU_MAX) {
			s->cnt.overruns++;
			s->state = MBSLAVE_DISCARD;
		} else {
			s->rx[s->rx_len++] = byte;
		}
		break;
	default:
		break; /* discarding until the line is silent */
	}
}

/* See mbslave.h. */
void mbslave_overrun(mbslave *s)
{
	s->cnt.overruns++;
	if (s->state == MBSLAVE_RECEIVING)
		s->state = MBSLAVE_DISCARD;
}

/* See mbslave.h. */
uint32_t mbslave_wait_us(const mbslave *s, uint32_t now_us)
{
	uint32_t gap;

	if (s->state == MBSLAVE_IDLE)
		return UINT32_MAX;
	gap = now_us - s->last_us;
	return gap >= s->t35_us ? 0 : s->t35_us - gap;
}

/* See mbslave.h. */
uint16_t mbslave_poll(mbslave *s, uint32_t now_us)
{
	uint8_t state = s->state;

	if (state == MBSLAVE_IDLE || now_us - s->last_us < s->t35_us)
		return 0;
	s->state = MBSLAVE_IDLE;
	if (state != MBSLAVE_RECEIVING)
		return 0;
	return mbslave_process(s, s->rx, s->rx_len);
}

/* See mbslave.h. */
void mbslave_tx_done(mbslave *s)
{
	s->state = MBSLAVE_IDLE;
	s->rx_len = 0;
}

/* Append the CRC to a response of len bytes in s->tx; return the full length. */
static uint16_t finish(mbslave *s, uint16_t len)
{
	uint16_t crc = crc16_modbus(s->tx, len);
	s->tx[len] = (uint8_t)crc;
	s->tx[len + 1] = (uint8_t)(crc >> 8);
	return (uint16_t)(len + 2);
}

/* Build an exception response to function fc. */
static uint16_t exception(mbslave *s, uint8_t fc, mb_status ex)
{
	s->cnt.exceptions++;
	s->tx[0] = s->address;
	s->tx[1] = (uint8_t)(fc | 0x80);
	s->tx[2] = (uint8_t)(ex > 0 ? ex : MB_EX_DEVICE_FAILURE);
	return finish(s, 3);
}

/* FC03/FC04: pdu = fc, addr, count (5 bytes). */
static uint16_t fc_read(mbslave *s, const uint8_t *pdu, uint16_t plen)
{
	uint16_t regs[125];
	uint16_t addr, n;
	mb_status st;

	if (plen != 5) {
		s->cnt.frame_errors++;
		return 0;
	}
	addr = get16(pdu + 1);
	n = get16(pdu + 3);
	if (n < 1 || n > 125)
		return exception(s, pdu[0], MB_EX_ILLEGAL_VALUE);
	st = s->ops->read(s->ctx, pdu[0] == FC_READ_HOLDING ? 3 : 4, addr, n, regs);
	if (st != MB_OK)
		return exception(s, pdu[0], st);
	s->tx[0] = s->address;
	s->tx[1] = pdu[0];
	s->tx[2] = (uint8_t)(2 * n);
	for (uint16_t i = 0; i < n; i++)
		put16(s->tx + 3 + 2 * i, regs[i]);
	return finish(s, (uint16_t)(3 + 2 * n));
}

/* FC06: pdu = fc, addr, value (5 bytes); the reply echoes the request. */
static uint16_t fc_write_single(mbslave *s, const uint8_t *pdu, uint16_t plen, int bcast)
{
	mb_status st;

	if (plen != 5) {
		s->cnt.frame_errors++;
		return 0;
	}
	st = s->ops->write(s->ctx, get16(pdu + 1), 1, pdu + 3, bcast);
	if (st != MB_OK)
		return exception(s, pdu[0], st);
	s->tx[0] = s->address;
	memcpy(s->tx + 1, pdu, 5);
	return finish(s, 6);
}

/* FC16: pdu = fc, addr, count, byte count, values. */
static uint16_t fc_write_multiple(mbslave *s, const uint8_t *pdu, uint16_t plen, int bcast)
{
	uint16_t addr, n;
	mb_status st;

	if (plen < 6 || plen != 6 + pdu[5]) {
		s->cnt.frame_errors++;
		return 0;
	}
	addr = get16(pdu + 1);
	n = get16(pdu + 3);
	if (n < 1 || n > 123 || pdu[5] != 2 * n)
		return exception(s, pdu[0], MB_EX_ILLEGAL_VALUE);
	st = s->ops->write(s->ctx, addr, n, pdu + 6, bcast);
	if (st != MB_OK)
		return exception(s, pdu[0], st);
	s->tx[0] = s->address;
	memcpy(s->tx + 1, pdu, 5);
	return finish(s, 6);
}

/* FC08: pdu = fc, sub-function, data.  Sub-function 00 (return query data)
 * echoes the request whatever its data length (0..250 bytes: the frame is at
 * most MBSLAVE_ADU_MAX, so the echo fits s->tx); the others take exactly two
 * data bytes. */
static uint16_t fc_diagnostics(mbslave *s, const uint8_t *pdu, uint16_t plen)
{
	uint16_t sub, val;

	if (plen < 3) {
		s->cnt.frame_errors++;
		return 0;
	}
	sub = get16(pdu + 1);
	if (sub == 0x00) {
		s->tx[0] = s->address;
		memcpy(s->tx + 1, pdu, plen);
		return finish(s, (uint16_t)(plen + 1));
	}
	if (plen != 5) {
		s->cnt.frame_errors++;
		return 0;
	}
	switch (sub) {
	case 0x0A: memset(&s->cnt, 0, sizeof s->cnt); val = 0; break;
	case 0x0B: val = s->cnt.bus_msgs; break;
	case 0x0C: val = s->cnt.crc_errors; break;
	case 0x0D: val = s->cnt.exceptions; break;
	case 0x0E: val = s->cnt.slave_msgs; break;
	case 0x0F: val = s->cnt.no_response; break;
	case 0x12: val = s->cnt.overruns; break;
	default: return exception(s, pdu[0], MB_EX_ILLEGAL_FUNCTION);
	}
	s->tx[0] = s->address;
	s->tx[1] = pdu[0];
	put16(s->tx + 2, sub);
	put16(s->tx + 4, val);
	return finish(s, 6);
}

/* FC43/14: pdu = fc, 0x0E, read code (1 basic stream, 4 one object), object id. */
static uint16_t fc_device_id(mbslave *s, const uint8_t *pdu, uint16_t plen)
{
	uint8_t code, obj, last;
	uint16_t len = 8;

	if (plen != 4 || pdu[1] != MEI_DEVICE_ID) {
		if (plen != 4)
			s->cnt.frame_errors++;
		return plen != 4 ? 0 : exception(s, pdu[0], MB_EX_ILLEGAL_FUNCTION);
	}
	code = pdu[2];
	obj = pdu[3];
	if (code != 1 && code != 4)
		return exception(s, pdu[0], MB_EX_ILLEGAL_VALUE);
	if (obj > 2) {
		if (code == 4)
			return exception(s, pdu[0], MB_EX_ILLEGAL_ADDRESS);
		obj = 0;
	}
	last = code == 4 ? obj : 2;
	s->tx[0] = s->address;
	s->tx[1] = FC_MEI;
	s->tx[2] = MEI_DEVICE_ID;
	s->tx[3] = code;
	s->tx[4] = 0x81;  /* basic, stream and individual access */
	s->tx[5] = 0x00;  /* no more follows */
	s->tx[6] = 0x00;  /* next object id */
	s->tx[7] = (uint8_t)(last - obj + 1);
	for (uint8_t o = obj; o <= last; o++) {
		const char *txt = s->ops->devid ? s->ops->devid(s->ctx, o) : NULL;
		size_t n = txt ? strlen(txt) : 0;
		if (n > 64)
			n = 64;
		s->tx[len++] = o;
		s->tx[len++] = (uint8_t)n;
		if (n)
			memcpy(s->tx + len, txt, n);
		len = (uint16_t)(len + n);
	}
	return finish(s, len);
}

/* See mbslave.h. */
uint16_t mbslave_process(mbslave *s, const uint8_t *adu, uint16_t len)
{
	const uint8_t *pdu;
	uint16_t plen, crc, out;
	int bcast;

	if (len < 4 || len > MBSLAVE_ADU_MAX) {
		s->cnt.frame_errors++;
		return 0;
	}
	crc = crc16_modbus(adu, (size_t)len - 2);
	if (adu[len - 2] != (uint8_t)crc || adu[len - 1] != (uint8_t)(crc >> 8)) {
		s->cnt.crc_errors++;
		return 0;
	}
	s->cnt.bus_msgs++;
	if (adu[0] != s->address && adu[0] != MBSLAVE_BROADCAST)
		return 0;
	s->cnt.slave_msgs++;
	bcast = adu[0] == MBSLAVE_BROADCAST;
	pdu = adu + 1;
	plen = (uint16_t)(len - 3);
	if (bcast) {
		/* Only writes are meant for everyone; nothing is ever answered
		 * (so no exception is counted as sent either). */
		uint16_t ex = s->cnt.exceptions;
		if (pdu[0] == FC_WRITE_SINGLE)
			(void)fc_write_single(s, pdu, plen, 1);
		else if (pdu[0] == FC_WRITE_MULTIPLE)
			(void)fc_write_multiple(s, pdu, plen, 1);
		s->cnt.exceptions = ex;
		s->cnt.no_response++;
		return 0;
	}
	switch (pdu[0]) {
	case FC_READ_HOLDING:
	case FC_READ_INPUT: out = fc_read(s, pdu, plen); break;
	case FC_WRITE_SINGLE: out = fc_write_single(s, pdu, plen, 0); break;
	case FC_WRITE_MULTIPLE: out = fc_write_multiple(s, pdu, plen, 0); break;
	case FC_DIAGNOSTICS: out = fc_diagnostics(s, pdu, plen); break;
	case FC_MEI: out = fc_device_id(s, pdu, plen); break;
	default: out = exception(s, pdu[0], MB_EX_ILLEGAL_FUNCTION); break;
	}
	return out;
}
