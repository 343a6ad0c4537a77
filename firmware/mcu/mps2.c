/*
 * mps2.c - the board port for qemu's mps2-an385.  Registers from the CMSDK
 * and ARMv7-M manuals.  The UART RX interrupt (priority below SysTick, so
 * the clock can be read inside it) stores each byte with its arrival time;
 * the main loop hands them to the core in order.  qemu's UART delivers
 * bytes at host speed, one per turn of its main loop, so the gaps inside a
 * frame are the host's scheduling jitter: frame timing comes from SysTick
 * with a margin of 10 ms (MPS2_MARGIN_US) added to the 1.5 / 3.5 character
 * silences.  A production port uses its timer's resolution (tens of us).
 */
#include "mcu/mps2.h"

#include <stddef.h>
#include <stdint.h>

#define REG(a) (*(volatile uint32_t *)(a))
#define CPU_HZ 25000000u

#define UART0 0x40004000u
#define UART1 0x40005000u
#define UART_DATA 0x00
#define UART_STATE 0x04     /* bit0 TX full, bit1 RX full, bit2 TX overrun, bit3 RX overrun */
#define UART_CTRL 0x08      /* bit0 TX en, bit1 RX en, bit3 RX int en */
#define UART_INT 0x0C       /* status / clear: bit1 RX */
#define UART_BAUDDIV 0x10
#define GPIO0_DATAOUT 0x40010004u
#define GPIO0_OUTENSET 0x40010010u
#define FPGA_LED 0x40028000u
#define FPGA_BUTTON 0x40028008u
#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u
#define NVIC_ISER0 0xE000E100u
#define NVIC_IPR0 0xE000E400u
#define SCB_AIRCR 0xE000ED0Cu

#define MPS2_MARGIN_US 10000u
#define RING 64u
static struct { uint8_t byte; uint32_t t; } ring[RING];
static volatile uint32_t ring_head, ring_tail, rx_errors;
static volatile uint32_t ms_ticks;
static uint32_t baud_now = 19200;
__attribute__((section(".noinit"))) static uint8_t nvm[NVCFG_SIZE];

/* See mps2.h. */
void mps2_systick_isr(void)
{
	ms_ticks++;
}

static uint32_t now_us(void)
{
	uint32_t ms, v;
	do {
		ms = ms_ticks;
		v = REG(SYST_CVR);
	} while (ms != ms_ticks);
	return ms * 1000u + (CPU_HZ / 1000u - 1u - v) / (CPU_HZ / 1000000u);
}

/* See mps2.h. */
void mps2_uart_rx_isr(void)
{
	REG(UART0 + UART_INT) = 2;
	if (REG(UART0 + UART_STATE) & 8) {
		REG(UART0 + UART_STATE) = 8;
		rx_errors++;
	}
	while (REG(UART0 + UART_STATE) & 2) {
		uint8_t c = (uint8_t)REG(UART0 + UART_DATA);
		uint32_t h = ring_head;
		if (h - ring_tail >= RING) {
			rx_errors++;
			continue;
		}
		ring[h % RING].byte = c;
		ring[h % RING].t = now_us();
		ring_head = h + 1;
	}
}

/* See mps2.h. */
void mps2_drain(board *b)
{
	while (ring_tail != ring_head) {
		uint32_t t = ring_tail;
		board_rx(b, ring[t % RING].byte, ring[t % RING].t);
		ring_tail = t + 1;
	}
	if (rx_errors) {
		rx_errors = 0;
		board_uart_error(b);
	}
}

/* See mps2.h. */
void mps2_idle(void)
{
	__asm volatile ("wfi");
}

static uint32_t p_now(void *arg) { (void)arg; return now_us(); }

static void p_de(void *arg, int on)
{
	(void)arg;
	REG(GPIO0_DATAOUT) = on ? 1u : 0u;
}

static void uart_put(uint32_t base, uint8_t c)
{
	while (REG(base + UART_STATE) & 1)
		;
	REG(base + UART_DATA) = c;
}

static void p_write(void *arg, const uint8_t *buf, uint16_t len)
{
	uint32_t t;
	(void)arg;
	for (uint16_t i = 0; i < len; i++)
		uart_put(UART0, buf[i]);
	/* The CMSDK UART has no shift-register-empty flag: once the buffer
	 * is free, wait one more character time for the last stop bit. */
	while (REG(UART0 + UART_STATE) & 1)
		;
	t = now_us();
	while (now_us() - t < 11000000u / baud_now + 1)
		;
}

static void p_baud(void *arg, uint32_t baud)
{
	(void)arg;
	baud_now = baud;
	REG(UART0 + UART_BAUDDIV) = CPU_HZ / baud;
}

static void put_num(uint32_t v, int digits)
{
	char d[10];
	for (int i = digits - 1; i >= 0; i--) {
		d[i] = (char)('0' + v % 10);
		v /= 10;
	}
	for (int i = 0; i < digits; i++)
		uart_put(UART1, (uint8_t)d[i]);
}

static void put_str(const char *s)
{
	while (*s)
		uart_put(UART1, (uint8_t)*s++);
}

/* The face: LED0 = number lit, LED1 = offline; a text line on UART1. */
static void p_show(void *arg, const board_face *f)
{
	(void)arg;
	REG(FPGA_LED) = (f->lit && f->number != 0xFFFF ? 1u : 0u) | (f->offline ? 2u : 0u);
	put_str("face role=");
	put_str(board_role_name(f->role));
	put_str(" counter=");
	put_num(f->counter, 2);
	put_str(" offline=");
	put_num(f->offline, 1);
	put_str(" number=");
	if (f->number == 0xFFFF)
		put_str("----");
	else
		put_num(f->number, 4);
	put_str(" flash=");
	put_num(f->flashing, 1);
	put_str("\r\n");
}

static uint32_t p_keys(void *arg)
{
	(void)arg;
	return REG(FPGA_BUTTON) & 3u;
}

static int p_nvm_read(void *arg, uint8_t *buf, uint16_t len)
{
	(void)arg;
	if (len > NVCFG_SIZE)
		return -1;
	for (uint16_t i = 0; i < len; i++)
		buf[i] = nvm[i];
	return 0;
}

static int p_nvm_write(void *arg, const uint8_t *buf, uint16_t len)
{
	(void)arg;
	if (len > NVCFG_SIZE)
		return -1;
	for (uint16_t i = 0; i < len; i++)
		nvm[i] = buf[i];
	return 0;
}

static void p_kick(void *arg) { (void)arg; }

static void p_reboot(void *arg)
{
	(void)arg;
	REG(SCB_AIRCR) = 0x05FA0004u;
	for (;;)
		;
}

/* See mps2.h. */
void mps2_init(board_port *port)
{
	REG(SYST_RVR) = CPU_HZ / 1000u - 1u;
	REG(SYST_CVR) = 0;
	REG(SYST_CSR) = 7;
	REG(GPIO0_OUTENSET) = 1;
	REG(GPIO0_DATAOUT) = 0;
	REG(UART1 + UART_BAUDDIV) = CPU_HZ / 115200u;
	REG(UART1 + UART_CTRL) = 1;
	REG(UART0 + UART_BAUDDIV) = CPU_HZ / baud_now;
	REG(UART0 + UART_CTRL) = 1 | 2 | 8;
	REG(NVIC_IPR0) = 0x40;   /* UART0 RX below SysTick (priority 0) */
	REG(NVIC_ISER0) = 1;     /* IRQ 0 */
	port->arg = NULL;
	port->margin_us = MPS2_MARGIN_US;
	port->now_us = p_now;
	port->uart_de = p_de;
	port->uart_write = p_write;
	port->uart_set_baud = p_baud;
	port->show = p_show;
	port->keys = p_keys;
	port->nvm_read = p_nvm_read;
	port->nvm_write = p_nvm_write;
	port->wdt_kick = p_kick;
	port->reset_was_wdt = NULL;
	port->reboot = p_reboot;
}
