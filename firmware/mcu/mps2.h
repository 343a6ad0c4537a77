/*
 * mps2.h - the port of the board core to qemu's mps2-an385 (Cortex-M3 at
 * 25 MHz): CMSDK UART0 as the RS-485 line (RX by interrupt into a ring of
 * time-stamped bytes), SysTick as the microsecond clock, GPIO0 pin 0 as the
 * driver enable, the FPGA LEDs and buttons as display and keys, UART1 as a
 * text rendering of the face, NVM in a RAM section.
 */
#ifndef ONESTOP_MPS2_H
#define ONESTOP_MPS2_H

#include "core/board.h"

/* Set up clocks, UARTs, GPIO; fill *port. */
void mps2_init(board_port *port);
/* Hand the bytes received since the last call to the board. */
void mps2_drain(board *b);
/* Sleep until the next interrupt. */
void mps2_idle(void);
void mps2_systick_isr(void);
void mps2_uart_rx_isr(void);

#endif
