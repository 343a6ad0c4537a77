#!/bin/bash
# mcu_size.sh - flash and RAM use of the board image (built by make firmware,
# a prerequisite of make bench), against the 16 KB / 4 KB budget.  Env B.
set -eu
elf=${B:-build}/mcu/onestop-board-mps2.elf
[ -f "$elf" ] || { echo "no image: run make firmware"; exit 1; }
read -r text data bss _ < <(arm-none-eabi-size "$elf" | sed -n 2p)
flash=$((text + data)); ram=$((data + bss))
echo "board image (mps2-an385, Cortex-M3, -Os, newlib-nano): flash $flash B of 16384 ($((flash * 100 / 16384))%), RAM $ram B of 4096 ($((ram * 100 / 4096))%, 1024 B stack included)"
arm-none-eabi-size -A "$elf" | awk '$1 ~ /^\.(text|data|bss|noinit|stack)$/ && $2 > 0 { printf "  %-10s %6d\n", $1, $2 }'
