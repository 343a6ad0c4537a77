/*
 * main.c - the STM32F030 board image's main loop: received bytes to the
 * core, the core's poll, then sleep until the next interrupt or the core's
 * next deadline (TIM14), whichever comes first.
 */
#include "core/board.h"
#include "stm32f030/f030.h"

static board the_board;
static board_port the_port;

int main(void)
{
	f030_init(&the_port);
	board_init(&the_board, &the_port);
	for (;;) {
		f030_drain(&the_board);
		board_poll(&the_board);
		f030_sleep(board_wait_us(&the_board));
	}
}
