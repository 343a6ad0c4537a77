/*
 * main.c - the board image's main loop: received bytes to the core, the
 * core's poll, then sleep until the next interrupt (SysTick every 1 ms or
 * a received byte).
 */
#include "core/board.h"
#include "mcu/mps2.h"

static board the_board;
static board_port the_port;

int main(void)
{
	mps2_init(&the_port);
	board_init(&the_board, &the_port);
	for (;;) {
		mps2_drain(&the_board);
		board_poll(&the_board);
		mps2_idle();
	}
}
