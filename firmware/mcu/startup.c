/*
 * startup.c - reset and vector table of the Cortex-M3 image: copy .data,
 * clear .bss, run main(); faults stop in a loop (the watchdog resets).
 */
#include <stdint.h>

#include "mcu/mps2.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);
void mcu_reset(void);
void mcu_fault(void);

/* Reset: set up memory, then main (which never returns). */
void mcu_reset(void)
{
	uint32_t *src = &_sidata, *dst = &_sdata;

	while (dst < &_edata)
		*dst++ = *src++;
	for (dst = &_sbss; dst < &_ebss; dst++)
		*dst = 0;
	(void)main();
	for (;;)
		;
}

/* Any fault: stop here until the watchdog bites. */
void mcu_fault(void)
{
	for (;;)
		;
}

/* 16 system exceptions, then IRQ 0 (UART0 RX) .. 1 (UART0 TX). */
__attribute__((section(".vectors"), used))
static void (*const vectors[16 + 2])(void) = {
	(void (*)(void))(uintptr_t)&_estack,
	mcu_reset,
	mcu_fault,        /* NMI */
	mcu_fault,        /* HardFault */
	mcu_fault,        /* MemManage */
	mcu_fault,        /* BusFault */
	mcu_fault,        /* UsageFault */
	0, 0, 0, 0,
	mcu_fault,        /* SVCall */
	mcu_fault,        /* DebugMon */
	0,
	mcu_fault,        /* PendSV */
	mps2_systick_isr, /* SysTick */
	mps2_uart_rx_isr, /* IRQ 0: UART0 RX */
	mcu_fault,        /* IRQ 1: UART0 TX (not enabled) */
};
