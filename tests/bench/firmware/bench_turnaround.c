/*
 * bench_turnaround.c - request-to-response turnaround of the board core on
 * the host: CPU time from the first byte of a request handed to board_rx()
 * to the response handed to the UART, for the host's poll (FC04, 9
 * registers), an ack (FC06) and a hall update (FC16, 16 registers).  The
 * line's silences are not included (the fake clock jumps over them).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/board.h"
#include "core/crc16.h"

static uint32_t now;
static uint8_t nvm[NVCFG_SIZE];
static unsigned long sent;
static uint32_t f_now(void *a) { (void)a; return now; }
static void f_de(void *a, int on) { (void)a; (void)on; }
static void f_write(void *a, const uint8_t *b, uint16_t n) { (void)a; (void)b; sent += n; }
static void f_baud(void *a, uint32_t b) { (void)a; (void)b; }
static void f_show(void *a, const board_face *f) { (void)a; (void)f; }
static uint32_t f_keys(void *a) { (void)a; return 0; }
static int f_rd(void *a, uint8_t *b, uint16_t n) { (void)a; memcpy(b, nvm, n); return 0; }
static int f_wr(void *a, const uint8_t *b, uint16_t n) { (void)a; memcpy(nvm, b, n); return 0; }
static void f_kick(void *a) { (void)a; }
static void f_reboot(void *a) { (void)a; }
static const board_port port = { NULL, 0, f_now, f_de, f_write, f_baud, f_show, f_keys,
	f_rd, f_wr, f_kick, NULL, f_reboot };

static double secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Mean microseconds per request for n rounds of frame f (CRC added). */
static double run(board *b, const uint8_t *pdu, size_t len, int n)
{
	uint8_t f[64];
	uint16_t c;
	double t0, t = 0;
	unsigned long before = sent;

	memcpy(f, pdu, len);
	c = crc16_modbus(f, len);
	f[len] = (uint8_t)c;
	f[len + 1] = (uint8_t)(c >> 8);
	for (int i = 0; i < n; i++) {
		t0 = secs();
		for (size_t k = 0; k < len + 2; k++)
			board_rx(b, f[k], now);
		now += 5000; /* past the 3.5-character silence */
		board_poll(b);
		t += secs() - t0;
	}
	if (sent == before)
		fprintf(stderr, "bench: no response\n");
	return t / n * 1e6;
}

int main(void)
{
	static board b;
	nvcfg c;
	const uint8_t poll[] = { 1, 4, 0, 0, 0, BOARD_IR_POLL_COUNT };
	const uint8_t ack[] = { 1, 6, 0, BOARD_HR_EVT_ACK, 0, 7 };
	uint8_t hall[7 + 32] = { 1, 16, 0, BOARD_HR_HALL_BASE, 0, 16, 32 };
	const int n = 200000;

	nvcfg_defaults(&c, BOARD_ROLE_HALL, 1);
	c.address = 1;
	nvcfg_encode(&c, nvm);
	board_init(&b, &port);
	for (int i = 0; i < 16; i++)
		hall[8 + 2 * i] = (uint8_t)(i % 2 ? i : 100 + i);
	printf("firmware core turnaround on the host (mean of %d, line silences excluded):\n", n);
	printf("  FC04 poll, 9 registers:   %.2f us\n", run(&b, poll, sizeof poll, n));
	printf("  FC06 ack:                 %.2f us\n", run(&b, ack, sizeof ack, n));
	printf("  FC16 hall, 16 registers:  %.2f us\n", run(&b, hall, sizeof hall, n));
	printf("  wire time of the FC04 poll at 19,200 baud: %.2f ms (8 + 23 bytes, 11 bits)\n",
	    31 * 11 / 19.2);
	return sent ? 0 : 1;
}
