/*
 * m0_bench.c - the board core on a Cortex-M0 (qemu's microbit, an nRF51:
 * the same ARMv6-M core as the STM32F030, which qemu does not model), fed
 * three requests through a stub port.  Each measured stretch sits between
 * bench_mark_start() and bench_mark_end(); m0_insns.sh counts the
 * instructions executed in between from qemu's execution trace.  Order of
 * the stretches: FC04 poll bytes in, FC04 frame closed and answered, FC06
 * bytes, FC06 answered, FC16 (16 registers) bytes, FC16 answered, an idle
 * poll.  Each request must get its full answer; exits through semihosting
 * with failure otherwise.
 */
#include <stdint.h>
#include <string.h>

#include "core/board.h"
#include "core/crc16.h"

extern uint32_t _estack;
void bench_reset(void);
void bench_mark_start(void);
void bench_mark_end(void);

static uint32_t t_now;
static uint8_t nvm[NVCFG_SIZE];
static volatile uint16_t sent;
static board the_board;

static uint32_t p_now(void *a) { (void)a; return t_now; }
static void p_de(void *a, int on) { (void)a; (void)on; }
static void p_write(void *a, const uint8_t *buf, uint16_t n) { (void)a; (void)buf; sent = n; }
static void p_baud(void *a, uint32_t baud) { (void)a; (void)baud; }
static void p_show(void *a, const board_face *f) { (void)a; (void)f; }
static uint32_t p_keys(void *a) { (void)a; return 0; }
static int p_rd(void *a, uint8_t *buf, uint16_t n) { (void)a; memcpy(buf, nvm, n); return 0; }
static int p_wr(void *a, const uint8_t *buf, uint16_t n) { (void)a; memcpy(nvm, buf, n); return 0; }
static void p_kick(void *a) { (void)a; }
static void p_reboot(void *a) { (void)a; }

static const board_port port = {
	NULL, 100, p_now, p_de, p_write, p_baud, p_show, p_keys, p_rd, p_wr, p_kick, NULL, p_reboot
};

/* Markers: never inlined, so their addresses appear in the trace. */
__attribute__((noinline)) void bench_mark_start(void) { __asm volatile ("nop"); }
__attribute__((noinline)) void bench_mark_end(void) { __asm volatile ("nop"); }

static int failed;

/* Send request f[0..n) (CRC appended) byte by byte at 19,200 baud spacing,
 * then the poll that closes and answers it; the answer must be want bytes. */
static void request(uint8_t *f, int n, uint16_t want)
{
	uint16_t c = crc16_modbus(f, (size_t)n);

	f[n] = (uint8_t)c;
	f[n + 1] = (uint8_t)(c >> 8);
	bench_mark_start();
	for (int i = 0; i < n + 2; i++) {
		t_now += 573;
		board_rx(&the_board, f[i], t_now);
	}
	bench_mark_end();
	t_now += 2500;
	sent = 0;
	bench_mark_start();
	board_poll(&the_board);
	bench_mark_end();
	if (sent != want)
		failed = 1;
}

/* Semihosting SYS_EXIT: application exit (qemu exits 0) or run-time
 * error (qemu exits 1). */
static void semi_exit(int ok)
{
	register uint32_t r0 __asm("r0") = 0x18;
	register uint32_t r1 __asm("r1") = ok ? 0x20026 : 0x20023;
	__asm volatile ("bkpt 0xab" : : "r"(r0), "r"(r1) : "memory");
}

/* Reset: no .data/.bss set-up needed beyond zeroed RAM (qemu starts clear). */
void bench_reset(void)
{
	uint8_t poll[16] = { 247, 4, 0, 0, 0, 9 };
	uint8_t ack[16] = { 247, 6, 0, 0, 0, 1 };
	uint8_t hall[48] = { 247, 16, 0, 7, 0, 16, 32 };

	board_init(&the_board, &port);
	t_now = 1000000;
	board_poll(&the_board);
	request(poll, 6, 5 + 2 * 9);
	request(ack, 6, 8);
	request(hall, 7 + 32, 8);
	bench_mark_start();
	board_poll(&the_board);
	bench_mark_end();
	semi_exit(!failed);
	for (;;)
		;
}

__attribute__((section(".vectors"), used))
static void (*const vectors[2])(void) = { (void (*)(void))(uintptr_t)&_estack, bench_reset };
