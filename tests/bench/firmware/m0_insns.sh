#!/bin/bash
# m0_insns.sh - instructions the board core executes per request on a
# Cortex-M0 (ARMv6-M, as the STM32F030): m0_bench.elf run in qemu's microbit
# with one instruction per translation block and the execution trace on,
# counted between the bench's markers.  Instruction counts, not time; the
# µs figure assumes ~1.3 cycles an instruction at 48 MHz (M0, flash with 1
# wait state and prefetch).  Env B.
set -eu
elf=${B:-build}/tests/bench/firmware/m0_bench.elf
[ -f "$elf" ] || { echo "no $elf: run make bench"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
addr() { arm-none-eabi-nm "$elf" | awk -v s="$1" '$3 == s { print $1 }'; }
start=$(addr bench_mark_start) end=$(addr bench_mark_end)
timeout 120 qemu-system-arm -M microbit -kernel "$elf" -display none -monitor none -serial null \
	-semihosting-config enable=on,target=native -singlestep -d exec,nochain -D "$tmp/trace"
mapfile -t n < <(awk -v s="$start" -v e="$end" '{ split($4, a, "/"); pc = a[2] }
	pc == s { on = 1; k = 0; next } pc == e && on { print k - 1; on = 0 } on { k++ }' "$tmp/trace")
[ ${#n[@]} -eq 7 ] || { echo "expected 7 measured stretches, got ${#n[@]}"; exit 1; }
us() { awk -v i="$1" 'BEGIN { printf "%.0f", i * 1.3 / 48 }'; }
echo "core on Cortex-M0 (instructions; ~us at 48 MHz):"
printf '  FC04 poll of 9:   %5d per byte in (8 bytes), %5d to close and answer (~%s us)\n' $((n[0] / 8)) "${n[1]}" "$(us "${n[1]}")"
printf '  FC06 ack:         %5d per byte in (8 bytes), %5d to close and answer (~%s us)\n' $((n[2] / 8)) "${n[3]}" "$(us "${n[3]}")"
printf '  FC16 of 16 regs:  %5d per byte in (41 bytes), %5d to close and answer (~%s us)\n' $((n[4] / 41)) "${n[5]}" "$(us "${n[5]}")"
printf '  idle board_poll:  %5d (~%s us)\n' "${n[6]}" "$(us "${n[6]}")"
