/*
 * f030.c - the board port on the STM32F030F4 (pin map and parts in f030.h
 * and firmware/README.md).  Every wait on the hardware is bounded by a loop
 * count: a stuck peripheral costs a timeout (and the watchdog), never a
 * hang.  Frame timing: each received byte is stamped in the USART interrupt
 * with the microsecond clock (SysTick has the higher priority, so the clock
 * reads consistently inside it); the core closes frames from the stamps.
 * Transmission uses the USART's own driver enable: DE rises DEAT before the
 * start bit and falls DEDT after the last stop bit, so uart_de is empty and
 * uart_write only has to wait for transmission complete (TC).
 *
 * Build option: F030_PARITY 2 for 8E1 (the register map has no parity
 * setting; the core's silences already count 11 bits a character).
 */
#include "stm32f030/f030.h"
#include "stm32f030/f030_regs.h"
#include "core/nvlog.h"
#include "core/panel.h"

#include <stddef.h>
#include <stdint.h>

#ifndef F030_PARITY
#define F030_PARITY 0
#endif

#define WAIT_LOOPS 200000u     /* >= 30 ms at 48 MHz: far beyond any wait but flash */
#define FLASH_LOOPS 2000000u   /* >= 300 ms: a page erase takes up to 40 ms */
#define WAIT_CHAR_LOOPS 60000u /* one character at 9,600 baud is ~9,000 loops at 48 MHz */
#define DE_TIME 16u            /* DE lead/lag: one bit time (16 samples) */
#define PWM_CLK_HZ 8000000u    /* TIM3 counts at 8 MHz ... */
#define PWM_TOP 1000u          /* ... to 1000: 8 kHz, 0.125 us steps */
#define KEY_BYTES 3            /* 74HC165 registers read (24 inputs) */
#define RING 32u

/* Pins. */
#define PIN_DE 1     /* PA1 AF1 */
#define PIN_LATCH 4  /* PA4 out */
#define PIN_SCK 5    /* PA5 AF0 */
#define PIN_MISO 6   /* PA6 AF0 */
#define PIN_MOSI 7   /* PA7 AF0 */
#define PIN_TX 9     /* PA9 AF1 */
#define PIN_RX 10    /* PA10 AF1 */
#define PIN_OE 1     /* PB1 AF1 TIM3_CH4 */
#define PIN_PL 0     /* PF0 out */
#define PIN_LED 1    /* PF1 out */

extern const uint8_t _nvm_start[];   /* linker script: the last two pages */

static struct { uint32_t t; uint8_t byte; uint8_t err; } ring[RING];
static volatile uint32_t ring_head, ring_tail, rx_lost;
static volatile uint32_t ms_ticks;
static volatile uint8_t woke;
static uint8_t was_wdt;
static uint8_t panel_buf[PANEL_MAX];
static uint32_t sysclk_hz = F030_HSI_HZ;

/* Wait until (reg & mask) == want, at most loops turns: 0, or -1 on timeout. */
static int wait_reg(uint32_t reg, uint32_t mask, uint32_t want, uint32_t loops)
{
	while (loops--)
		if ((F030_REG(reg) & mask) == want)
			return 0;
	return -1;
}

/* Set a field of 'width' bits for pin in the register at reg. */
static void set_field(uint32_t reg, int pin, int width, uint32_t v)
{
	uint32_t mask = ((1u << width) - 1u) << (pin * width);
	F030_REG(reg) = (F030_REG(reg) & ~mask) | (v << (pin * width));
}

/* A pin as alternate function af. */
static void pin_af(uint32_t port, int pin, uint32_t af)
{
	set_field(port + (pin < 8 ? GPIO_AFRL : GPIO_AFRH), pin % 8, 4, af);
	set_field(port + GPIO_MODER, pin, 2, GPIO_MODE_AF);
	set_field(port + GPIO_OSPEEDR, pin, 2, 3u);
}

static void pin_out(uint32_t port, int pin, int level)
{
	F030_REG(port + GPIO_BSRR) = level ? (1u << pin) : (1u << (pin + 16));
	set_field(port + GPIO_MODER, pin, 2, GPIO_MODE_OUT);
}

static void pin_set(uint32_t port, int pin, int level)
{
	F030_REG(port + GPIO_BSRR) = level ? (1u << pin) : (1u << (pin + 16));
}

static void irq_enable(uint32_t irq, uint32_t prio)
{
	set_field(NVIC_IPR(irq), (int)(irq % 4u), 8, prio << 6);
	F030_REG(NVIC_ISER) = 1u << irq;
}

/* ---- clock ---------------------------------------------------------------- */

/* See f030.h.  HSI is the reset clock: make sure it runs, give the flash
 * its wait state (1 WS above 24 MHz) before speeding up, then the PLL. */
uint32_t f030_clock_init(void)
{
	uint32_t cfgr;

	F030_REG(RCC_CR) |= RCC_CR_HSION;
	(void)wait_reg(RCC_CR, RCC_CR_HSIRDY, RCC_CR_HSIRDY, WAIT_LOOPS);
	F030_REG(RCC_CFGR) &= ~(RCC_CFGR_SW_MASK | RCC_CFGR_HPRE_MASK | RCC_CFGR_PPRE_MASK);
	(void)wait_reg(RCC_CFGR, RCC_CFGR_SWS_MASK, 0, WAIT_LOOPS);
	sysclk_hz = F030_HSI_HZ;
	F030_REG(RCC_CR) &= ~RCC_CR_PLLON;
	if (wait_reg(RCC_CR, RCC_CR_PLLRDY, 0, WAIT_LOOPS) != 0)
		return sysclk_hz;
	cfgr = F030_REG(RCC_CFGR) & ~(RCC_CFGR_PLLSRC | RCC_CFGR_PLLMUL_MASK);
	F030_REG(RCC_CFGR) = cfgr | RCC_CFGR_PLLMUL(F030_PLL_HZ / (F030_HSI_HZ / 2u));
	F030_REG(FLASH_ACR) = (F030_REG(FLASH_ACR) & ~FLASH_ACR_LATENCY_MASK) | 1u | FLASH_ACR_PRFTBE;
	F030_REG(RCC_CR) |= RCC_CR_PLLON;
	if (wait_reg(RCC_CR, RCC_CR_PLLRDY, RCC_CR_PLLRDY, WAIT_LOOPS) != 0)
		return sysclk_hz;
	F030_REG(RCC_CFGR) = (F030_REG(RCC_CFGR) & ~RCC_CFGR_SW_MASK) | RCC_CFGR_SW_PLL;
	if (wait_reg(RCC_CFGR, RCC_CFGR_SWS_MASK, RCC_CFGR_SWS_PLL, WAIT_LOOPS) != 0) {
		F030_REG(RCC_CFGR) &= ~RCC_CFGR_SW_MASK;   /* back to HSI */
		return sysclk_hz;
	}
	sysclk_hz = F030_PLL_HZ;
	return sysclk_hz;
}

/* See f030.h. */
void f030_systick_isr(void)
{
	ms_ticks++;
}

/* Microseconds since boot, wrapping at 2^32. */
static uint32_t now_us(void)
{
	uint32_t ms, v;
	do {
		ms = ms_ticks;
		v = F030_REG(SYST_CVR);
	} while (ms != ms_ticks);
	return ms * 1000u + (sysclk_hz / 1000u - 1u - v) / (sysclk_hz / 1000000u);
}

/* See f030.h. */
void f030_tim14_isr(void)
{
	F030_REG(TIM14 + TIM_SR) = 0;
	woke = 1;
}

/* See f030.h. */
void f030_sleep(uint32_t us)
{
	if (us == 0)
		return;
	if (us > 0xFFFFu)
		us = 0xFFFFu;
	F030_REG(TIM14 + TIM_CR1) = 0;
	woke = 0;
	F030_REG(TIM14 + TIM_SR) = 0;
	F030_REG(TIM14 + TIM_CNT) = 0;
	F030_REG(TIM14 + TIM_ARR) = us;
	F030_REG(TIM14 + TIM_CR1) = TIM_CR1_OPM | TIM_CR1_URS | TIM_CR1_CEN;
	/* With interrupts masked, a byte that arrives after the check still
	 * ends the wfi; its handler runs after cpsie. */
	__asm volatile ("cpsid i" ::: "memory");
	if (ring_head == ring_tail && !woke)
		__asm volatile ("wfi");
	__asm volatile ("cpsie i" ::: "memory");
}

/* ---- RS-485 ----------------------------------------------------------------- */

/* See f030.h.  One byte (or an error) per interrupt, stamped on arrival. */
void f030_usart1_isr(void)
{
	uint32_t isr = F030_REG(USART1 + USART_ISR);
	uint8_t err = 0;

	if (isr & (USART_ISR_PE | USART_ISR_FE | USART_ISR_NF | USART_ISR_ORE)) {
		F030_REG(USART1 + USART_ICR) = USART_ICR_ERRORS;
		err = 1;
	}
	if (isr & USART_ISR_RXNE) {
		uint8_t c = (uint8_t)F030_REG(USART1 + USART_RDR);
		uint32_t h = ring_head;
		if (h - ring_tail >= RING) {
			rx_lost++;
			return;
		}
		ring[h % RING].byte = c;
		ring[h % RING].err = err;
		ring[h % RING].t = now_us();
		ring_head = h + 1;
	} else if (err) {
		rx_lost++;
	}
}

/* See f030.h. */
void f030_drain(board *b)
{
	while (ring_tail != ring_head) {
		uint32_t t = ring_tail;
		__asm volatile ("" ::: "memory");   /* read the entry after the head */
		board_rx(b, ring[t % RING].byte, ring[t % RING].t);
		if (ring[t % RING].err)
			board_uart_error(b);
		ring_tail = t + 1;
	}
	if (rx_lost) {
		rx_lost = 0;
		board_uart_error(b);
	}
}

static uint32_t p_now(void *arg) { (void)arg; return now_us(); }

/* The USART drives DE itself (CR3.DEM). */
static void p_de(void *arg, int on) { (void)arg; (void)on; }

static void p_write(void *arg, const uint8_t *buf, uint16_t len)
{
	(void)arg;
	F030_REG(USART1 + USART_ICR) = USART_ICR_TCCF;
	for (uint16_t i = 0; i < len; i++) {
		if (wait_reg(USART1 + USART_ISR, USART_ISR_TXE, USART_ISR_TXE, WAIT_CHAR_LOOPS) != 0)
			break;
		F030_REG(USART1 + USART_TDR) = buf[i];
	}
	(void)wait_reg(USART1 + USART_ISR, USART_ISR_TC, USART_ISR_TC, 2 * WAIT_CHAR_LOOPS);
}

static void p_baud(void *arg, uint32_t baud)
{
	uint32_t cr1 = USART_CR1_TE | USART_CR1_RE | USART_CR1_RXNEIE |
	    (DE_TIME << USART_CR1_DEAT_SHIFT) | (DE_TIME << USART_CR1_DEDT_SHIFT);

	(void)arg;
	if (F030_PARITY == 2)
		cr1 |= USART_CR1_M0 | USART_CR1_PCE;
	if (baud == 0)
		baud = 19200;
	(void)wait_reg(USART1 + USART_ISR, USART_ISR_TC, USART_ISR_TC, 2 * WAIT_CHAR_LOOPS);
	F030_REG(USART1 + USART_CR1) = 0;          /* BRR, M, PCE, DE times need UE = 0 */
	F030_REG(USART1 + USART_CR3) = USART_CR3_DEM;
	F030_REG(USART1 + USART_BRR) = (sysclk_hz + baud / 2u) / baud;
	F030_REG(USART1 + USART_CR1) = cr1;
	F030_REG(USART1 + USART_CR1) = cr1 | USART_CR1_UE;
}

/* ---- display and keys on SPI1 ------------------------------------------------ */

/* SPI mode: 0 (CPOL 0) for the 595s, which sample MOSI on the rising edge;
 * 2 (CPOL 1, sample on the falling edge) for the 165s, which shift on the
 * rising edge. */
static void spi_mode(uint32_t cpol)
{
	uint32_t br = sysclk_hz > F030_HSI_HZ ? 4u : 1u;   /* 1.5 MHz or 2 MHz */
	uint32_t cr1 = SPI_CR1_MSTR | (br << SPI_CR1_BR_SHIFT) | SPI_CR1_SSM | SPI_CR1_SSI | cpol;

	if ((F030_REG(SPI1 + SPI_CR1) & ~SPI_CR1_SPE) == cr1)
		return;
	(void)wait_reg(SPI1 + SPI_SR, SPI_SR_BSY, 0, WAIT_LOOPS);
	F030_REG(SPI1 + SPI_CR1) = cr1;
	F030_REG(SPI1 + SPI_CR1) = cr1 | SPI_CR1_SPE;
}

/* One byte each way; 0xFF if the SPI does not answer. */
static uint8_t spi_xfer(uint8_t out)
{
	if (wait_reg(SPI1 + SPI_SR, SPI_SR_TXE, SPI_SR_TXE, WAIT_LOOPS) != 0)
		return 0xFF;
	F030_REG8(SPI1 + SPI_DR) = out;
	if (wait_reg(SPI1 + SPI_SR, SPI_SR_RXNE, SPI_SR_RXNE, WAIT_LOOPS) != 0)
		return 0xFF;
	return F030_REG8(SPI1 + SPI_DR);
}

/* The face: shift the chain (far end first), latch, set brightness and LED. */
static void p_show(void *arg, const board_face *f)
{
	uint16_t n = panel_render(f, panel_buf);

	(void)arg;
	spi_mode(0);
	while (n--)
		(void)spi_xfer(panel_buf[n]);
	(void)wait_reg(SPI1 + SPI_SR, SPI_SR_BSY, 0, WAIT_LOOPS);
	pin_set(GPIOA, PIN_LATCH, 1);
	pin_set(GPIOA, PIN_LATCH, 0);
	F030_REG(TIM3 + TIM_CCR4) = panel_duty(f->brightness);
	pin_set(GPIOF, PIN_LED, !f->offline);
}

/* Keys: load the 165s, clock in KEY_BYTES; inputs are active low (button
 * to ground, pull-up), input i of register k is bit 8k+i (BOARD_KB_*). */
static uint32_t p_keys(void *arg)
{
	uint32_t raw = 0;

	(void)arg;
	spi_mode(SPI_CR1_CPOL);
	pin_set(GPIOF, PIN_PL, 0);
	pin_set(GPIOF, PIN_PL, 0); /* /PL pulse >= 20 ns (one write is 21 ns at 48 MHz) */
	pin_set(GPIOF, PIN_PL, 1);
	for (int i = 0; i < KEY_BYTES; i++)
		raw |= (uint32_t)(uint8_t)~spi_xfer(0) << (8 * i);
	return raw;
}

/* ---- NVM in flash --------------------------------------------------------- */

static void flash_unlock(void)
{
	if (F030_REG(FLASH_CR) & FLASH_CR_LOCK) {
		F030_REG(FLASH_KEYR) = FLASH_KEY1;
		F030_REG(FLASH_KEYR) = FLASH_KEY2;
	}
}

/* End a flash operation: 0 if it completed (EOP) without error. */
static int flash_done(void)
{
	int rc = wait_reg(FLASH_SR, FLASH_SR_BSY, 0, FLASH_LOOPS);
	uint32_t sr = F030_REG(FLASH_SR);

	if (!(sr & FLASH_SR_EOP) || (sr & (FLASH_SR_PGERR | FLASH_SR_WRPRTERR)))
		rc = -1;
	F030_REG(FLASH_SR) = FLASH_SR_EOP | FLASH_SR_PGERR | FLASH_SR_WRPRTERR;
	F030_REG(FLASH_CR) = FLASH_CR_LOCK;
	return rc;
}

static int nvm_erase(void *arg, uint32_t off)
{
	uint32_t addr = (uint32_t)(uintptr_t)_nvm_start + off;
	int rc;

	(void)arg;
	flash_unlock();
	if (wait_reg(FLASH_SR, FLASH_SR_BSY, 0, WAIT_LOOPS) != 0)
		return -1;
	F030_REG(FLASH_SR) = FLASH_SR_EOP | FLASH_SR_PGERR | FLASH_SR_WRPRTERR;
	F030_REG(FLASH_CR) = FLASH_CR_PER;
	F030_REG(FLASH_AR) = addr;
	F030_REG(FLASH_CR) = FLASH_CR_PER | FLASH_CR_STRT;
	rc = flash_done();
	for (uint32_t i = 0; rc == 0 && i < FLASH_PAGE_SIZE; i += 4)
		if (F030_REG(addr + i) != 0xFFFFFFFFu)
			rc = -1;
	return rc;
}

static int nvm_program16(void *arg, uint32_t off, uint16_t v)
{
	uint32_t addr = (uint32_t)(uintptr_t)_nvm_start + off;

	(void)arg;
	flash_unlock();
	if (wait_reg(FLASH_SR, FLASH_SR_BSY, 0, WAIT_LOOPS) != 0)
		return -1;
	F030_REG(FLASH_SR) = FLASH_SR_EOP | FLASH_SR_PGERR | FLASH_SR_WRPRTERR;
	F030_REG(FLASH_CR) = FLASH_CR_PG;
	*(volatile uint16_t *)(uintptr_t)addr = v;
	return flash_done();
}

static const nvlog_flash nvm = {
	NULL, _nvm_start, FLASH_PAGE_SIZE, nvm_erase, nvm_program16
};

static int p_nvm_read(void *arg, uint8_t *buf, uint16_t len)
{
	(void)arg;
	return nvlog_read(&nvm, buf, len);
}

static int p_nvm_write(void *arg, const uint8_t *buf, uint16_t len)
{
	(void)arg;
	return nvlog_write(&nvm, buf, len);
}

/* ---- watchdog, reset ---------------------------------------------------------- */

static void p_kick(void *arg)
{
	(void)arg;
	F030_REG(IWDG_KR) = IWDG_KEY_RELOAD;
}

static int p_was_wdt(void *arg) { (void)arg; return was_wdt; }

static void p_reboot(void *arg)
{
	(void)arg;
	__asm volatile ("dsb" ::: "memory");
	F030_REG(SCB_AIRCR) = SCB_AIRCR_SYSRESET;
	for (;;)
		;
}

/* Start the IWDG: LSI / 32 = 1,250 Hz nominal, reload 1,250: 1 s (0.8 s
 * with the fastest LSI).  Once started it cannot be stopped. */
static void wdt_start(void)
{
	F030_REG(IWDG_KR) = IWDG_KEY_START;
	F030_REG(IWDG_KR) = IWDG_KEY_ACCESS;
	F030_REG(IWDG_PR) = 3;
	F030_REG(IWDG_RLR) = 1250;
	(void)wait_reg(IWDG_SR, 0x3u, 0, WAIT_LOOPS);
	F030_REG(IWDG_KR) = IWDG_KEY_RELOAD;
}

/* See f030.h. */
void f030_init(board_port *port)
{
	was_wdt = (F030_REG(RCC_CSR) & RCC_CSR_IWDGRSTF) != 0;
	F030_REG(RCC_CSR) |= RCC_CSR_RMVF;
	wdt_start();

	F030_REG(RCC_AHBENR) |= RCC_AHBENR_IOPA | RCC_AHBENR_IOPB | RCC_AHBENR_IOPF;
	F030_REG(RCC_APB2ENR) |= RCC_APB2ENR_USART1 | RCC_APB2ENR_SPI1;
	F030_REG(RCC_APB1ENR) |= RCC_APB1ENR_TIM3 | RCC_APB1ENR_TIM14;

	/* Clock: SysTick 1 ms at the highest priority; TIM14 at 1 MHz. */
	F030_REG(SYST_RVR) = sysclk_hz / 1000u - 1u;
	F030_REG(SYST_CVR) = 0;
	F030_REG(SCB_SHPR3) &= ~(0xFFu << 24);
	F030_REG(SYST_CSR) = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
	F030_REG(TIM14 + TIM_PSC) = sysclk_hz / 1000000u - 1u;
	F030_REG(TIM14 + TIM_CR1) = TIM_CR1_URS;
	F030_REG(TIM14 + TIM_EGR) = TIM_EGR_UG;   /* load the prescaler */
	F030_REG(TIM14 + TIM_SR) = 0;
	F030_REG(TIM14 + TIM_DIER) = TIM_DIER_UIE;
	irq_enable(IRQ_TIM14, 2);

	/* Display: latch low, /OE PWM dark until the first face. */
	pin_out(GPIOA, PIN_LATCH, 0);
	pin_out(GPIOF, PIN_PL, 1);
	pin_out(GPIOF, PIN_LED, 0);
	pin_af(GPIOA, PIN_SCK, 0);
	pin_af(GPIOA, PIN_MISO, 0);
	pin_af(GPIOA, PIN_MOSI, 0);
	F030_REG(SPI1 + SPI_CR2) = SPI_CR2_DS_8BIT | SPI_CR2_FRXTH;
	spi_mode(0);
	F030_REG(TIM3 + TIM_PSC) = sysclk_hz / PWM_CLK_HZ - 1u;
	F030_REG(TIM3 + TIM_ARR) = PWM_TOP - 1u;
	F030_REG(TIM3 + TIM_CCR4) = 0;
	F030_REG(TIM3 + TIM_CCMR2) = TIM_CCMR2_OC4M_PWM1 | TIM_CCMR2_OC4PE;
	F030_REG(TIM3 + TIM_CCER) = TIM_CCER_CC4E | TIM_CCER_CC4P;
	F030_REG(TIM3 + TIM_EGR) = TIM_EGR_UG;
	F030_REG(TIM3 + TIM_CR1) = TIM_CR1_ARPE | TIM_CR1_CEN;
	pin_af(GPIOB, PIN_OE, 1);

	/* RS-485: USART1 with hardware DE; RX pulled up (transceiver off while
	 * we drive the line). */
	pin_af(GPIOA, PIN_TX, 1);
	pin_af(GPIOA, PIN_RX, 1);
	set_field(GPIOA + GPIO_PUPDR, PIN_RX, 2, GPIO_PULL_UP);
	pin_af(GPIOA, PIN_DE, 1);
	p_baud(NULL, nvcfg_baud(NVCFG_DEFAULT_BAUD));
	irq_enable(IRQ_USART1, 1);

	port->arg = NULL;
	port->margin_us = F030_MARGIN_US;
	port->now_us = p_now;
	port->uart_de = p_de;
	port->uart_write = p_write;
	port->uart_set_baud = p_baud;
	port->show = p_show;
	port->keys = p_keys;
	port->nvm_read = p_nvm_read;
	port->nvm_write = p_nvm_write;
	port->wdt_kick = p_kick;
	port->reset_was_wdt = p_was_wdt;
	port->reboot = p_reboot;
}
