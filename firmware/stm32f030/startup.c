/*
 * startup.c - reset and vector table of the STM32F030 image: copy .data
 * from flash, clear .bss, set the clock (HSI 8 MHz), run main().  Faults and
 * unexpected interrupts stop in a loop until the watchdog (armed first thing
 * in main) resets the board, which counts it in IR_WDT_RESETS.
 */
#include <stdint.h>

#include "stm32f030/f030.h"
#include "stm32f030/f030_regs.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);
void f030_reset(void);
void f030_fault(void);

/* Reset: memory, clock, then main (which never returns). */
void f030_reset(void)
{
	uint32_t *src = &_sidata, *dst = &_sdata;

	while (dst < &_edata)
		*dst++ = *src++;
	for (dst = &_sbss; dst < &_ebss; dst++)
		*dst = 0;
	f030_clock_init();
	(void)main();
	for (;;)
		;
}

/* Any fault or unexpected interrupt: stop here until the watchdog bites. */
void f030_fault(void)
{
	for (;;)
		;
}

#define F f030_fault

/* 16 system exceptions, then the F030's IRQs 0..27 (RM0360 table 30);
 * used: 19 TIM14, 27 USART1. */
__attribute__((section(".vectors"), used))
static void (*const vectors[16 + F030_IRQ_COUNT])(void) = {
	(void (*)(void))(uintptr_t)&_estack,
	f030_reset,
	F,                 /* NMI */
	F,                 /* HardFault */
	0, 0, 0, 0, 0, 0, 0,
	F,                 /* SVCall */
	0, 0,
	F,                 /* PendSV */
	f030_systick_isr,  /* SysTick */
	F, F, F, F, F, F, F, F, F, F,  /* IRQ 0..9: WWDG .. DMA ch1 */
	F, F, F, F, F, F, F, F, F,     /* IRQ 10..18: DMA, ADC, TIM1, TIM3 */
	f030_tim14_isr,    /* IRQ 19: TIM14 */
	F, F, F, F, F, F, F,           /* IRQ 20..26: TIM16/17, I2C1, SPI1 */
	f030_usart1_isr,   /* IRQ 27: USART1 */
};
