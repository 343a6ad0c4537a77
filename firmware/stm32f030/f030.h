/*
 * f030.h - the production port of the board core: an STM32F030F4P6
 * (Cortex-M0, 16 KB flash, 4 KB RAM, TSSOP-20) at 48 MHz: HSI 8 MHz / 2
 * x 12 by the PLL (if the PLL does not lock, it stays on HSI 8 MHz and
 * every rate below is derived from the clock actually running).
 *
 *   RS-485   USART1 PA9 TX, PA10 RX (pull-up), PA1 hardware driver enable
 *            (USART1_DE, CR3.DEM) to DE + /RE of the transceiver; RX by
 *            interrupt into a ring of bytes stamped with their arrival time.
 *   clock    SysTick 1 ms + its counter: microseconds at 1/48 us resolution;
 *            TIM14 one-shot wakes the main loop at the core's next deadline.
 *   display  SPI1 (PA5 SCK, PA7 MOSI) into a chain of 74HC595 / TPIC6B595,
 *            PA4 latch (RCK), PB1 TIM3_CH4 PWM on /OE for brightness.
 *   keys     the same SCK into a chain of 74HC165, PA6 MISO, PF0 /PL.
 *   lamp     PF1 on-board LED: lit while the master polls.
 *   NVM      the last two 1 KB flash pages, written as a log (core/nvlog).
 *   watchdog IWDG, about 1 s, armed before board_init, fed by board_poll.
 *
 * The interrupt handlers never call into the core; the main loop hands it
 * the received bytes (f030_drain) and sleeps until the next interrupt or
 * deadline (f030_sleep).
 */
#ifndef ONESTOP_F030_H
#define ONESTOP_F030_H

#include <stdint.h>

#include "core/board.h"

#define F030_HSI_HZ 8000000u
#define F030_PLL_HZ 48000000u
#define F030_MARGIN_US 100u   /* interrupt latency and stall jitter on byte stamps */

/* Run from the PLL at 48 MHz (HSI / 2 x 12), with bounded waits; on a
 * timeout stay on HSI.  Returns the system clock in Hz (from the reset handler). */
uint32_t f030_clock_init(void);
/* Arm the watchdog, set up the peripherals, fill *port. */
void f030_init(board_port *port);
/* Hand the bytes received since the last call to the board, in order. */
void f030_drain(board *b);
/* Sleep until an interrupt, at most us microseconds (0 = return at once). */
void f030_sleep(uint32_t us);
void f030_systick_isr(void);
void f030_usart1_isr(void);
void f030_tim14_isr(void);

#endif
