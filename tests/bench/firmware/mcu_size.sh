#!/bin/bash
# mcu_size.sh - flash and RAM use of the two board images (built by make
# firmware, a prerequisite of make bench): the production STM32F030F4 image
# against its 16 KB / 4 KB part (14 KB for code, 2 KB NVM log), and the qemu
# mps2-an385 image against the same budget.  Env B.  Fails over budget.
set -eu
rc=0
report() { # elf label flash_budget
	local elf=$1 label=$2 budget=$3 text data bss flash ram
	[ -f "$elf" ] || { echo "no image $elf: run make firmware"; rc=1; return; }
	read -r text data bss _ < <(arm-none-eabi-size "$elf" | sed -n 2p)
	flash=$((text + data)); ram=$((data + bss))
	echo "board image ($label, -Os, newlib-nano): flash $flash B of $budget ($((flash * 100 / budget))%), RAM $ram B of 4096 ($((ram * 100 / 4096))%, 1024 B stack reserved)"
	arm-none-eabi-size -A "$elf" | awk '$1 ~ /^\.(text|data|bss|noinit|stack)$/ && $2 > 0 { printf "  %-10s %6d\n", $1, $2 }'
	[ $flash -le "$budget" ] && [ $ram -le 4096 ] || { echo "  OVER BUDGET"; rc=1; }
}
report "${B:-build}/mcu/onestop-board-stm32f030.elf" "STM32F030F4, Cortex-M0 at 8 MHz; 2048 B NVM log besides" 14336
report "${B:-build}/mcu/onestop-board-mps2.elf" "qemu mps2-an385, Cortex-M3" 16384
exit $rc
