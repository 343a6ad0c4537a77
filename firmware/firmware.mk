# firmware.mk - the counter board firmware: the portable core, the host
# board simulator, its tests, and two Cortex-M images (arm-none-eabi-gcc,
# newlib-nano): the production one for the STM32F030F4 and one for qemu's
# mps2-an385.  Included by the top Makefile.
#
#   make firmware         both images, with their flash and RAM use
#   make firmware-check   (in make check) the STM32F030 image's vector table
#                         and layout checked, and the mps2 image booted in
#                         qemu with the Modbus conformance tests against it

FW_CORE_SRCS := $(wildcard firmware/core/*.c)
FW_CORE_OBJS := $(FW_CORE_SRCS:%.c=$(B)/%.o)
LIB_FW := $(B)/libonestop-fw.a
# The firmware is a world of its own: it names "core/..." and "proto/..."
# under firmware/ and nothing else (the host includes the register map as
# "firmware/proto/board_regs.h").
$(B)/firmware/%.o $(B)/tests/unit/firmware/%.o $(B)/tests/bench/firmware/%.o \
$(B)/tests/fuzz/firmware/%.o $(B)/tests/integration/firmware/%.o: INC = -Ifirmware

$(LIB_FW): $(FW_CORE_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The board simulator: the core on the host, serving a bus on a pty.
PROGRAMS += $(B)/onestop-boardsim
$(B)/onestop-boardsim: $(B)/firmware/sim/boardsim.o $(LIB_FW)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

# Unit tests: tests/unit/firmware/test_NAME.c, one per module.
FW_UNIT_SRCS := $(wildcard tests/unit/firmware/test_*.c)
FW_UNIT_TESTS := $(FW_UNIT_SRCS:tests/unit/firmware/%.c=$(B)/tests/unit/firmware/%)
UNIT_TESTS += $(FW_UNIT_TESTS)
$(B)/tests/unit/firmware/%: $(B)/tests/unit/firmware/%.o $(LIB_FW)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS)

# The conformance master (libmodbus), used by the integration scripts and
# by firmware-check against the qemu image.
FW_MBCONF := $(B)/tests/integration/firmware/mbconf
$(B)/tests/integration/firmware/mbconf.o: tests/integration/firmware/mbconf.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags libmodbus) -c -o $@ $<
$(FW_MBCONF): $(B)/tests/integration/firmware/mbconf.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(shell pkg-config --libs libmodbus)
build: $(FW_MBCONF)
INTEGRATION_TESTS += $(sort $(wildcard tests/integration/firmware/*.sh))

# Fuzzing the frame parser (the whole slave behind the board's registers).
FUZZ_TARGETS += firmware/frame
build/fuzz/fuzz-firmware-frame: $(B)/tests/fuzz/firmware/fuzz_frame.o $(LIB_FW)
	$(CC) -fsanitize=fuzzer,address,undefined -o $@ $^

# Bench: request-to-response turnaround of the core; the image's size.
FW_BENCH := $(B)/tests/bench/firmware/bench_turnaround
BENCHES += $(FW_BENCH) tests/bench/firmware/mcu_size.sh
$(FW_BENCH): $(B)/tests/bench/firmware/bench_turnaround.o $(LIB_FW)
	$(CC) $(ALL_LDFLAGS) -o $@ $^
_bench: firmware

# ---- the MCU image -------------------------------------------------------------
# Cortex-M3 on qemu's mps2-an385 (CMSDK UART, SysTick, GPIO for DE).  The
# linker script holds it to 16 KB of flash and 4 KB of RAM: a bigger image
# does not link.

MCU_CC := arm-none-eabi-gcc
MCU_SIZE := arm-none-eabi-size
MCU_CFLAGS := -mcpu=cortex-m3 -mthumb -Os -g -std=c11 -ffunction-sections -fdata-sections \
	-ffreestanding $(WARN) -Ifirmware -MMD -MP
MCU_LDFLAGS := -mcpu=cortex-m3 -mthumb -nostartfiles --specs=nano.specs -Wl,--gc-sections \
	-T firmware/mcu/mps2-an385.ld
MCU_SRCS := $(FW_CORE_SRCS) $(wildcard firmware/mcu/*.c)
MCU_OBJS := $(MCU_SRCS:firmware/%.c=$(B)/mcu/%.o)
MCU_ELF := $(B)/mcu/onestop-board-mps2.elf

$(B)/mcu/%.o: firmware/%.c
	@mkdir -p $(@D)
	$(MCU_CC) $(MCU_CFLAGS) -c -o $@ $<

$(MCU_ELF): $(MCU_OBJS) firmware/mcu/mps2-an385.ld
	$(MCU_CC) $(MCU_LDFLAGS) -Wl,-Map=$(B)/mcu/onestop-board.map -o $@ $(MCU_OBJS)

# ---- the production image: STM32F030F4 (Cortex-M0, 16 KB flash, 4 KB RAM) --------
# The same core built for ARMv6-M with the port in firmware/stm32f030.  The
# linker script gives code 14 KB (the last two 1 KB pages are the NVM log)
# and RAM 4 KB with a 1 KB stack: a bigger image does not link.  It cannot
# run here (qemu models no STM32F0); firmware-check inspects it instead.

F030_CFLAGS := -mcpu=cortex-m0 -mthumb -Os -g -std=c11 -ffunction-sections -fdata-sections \
	-ffreestanding $(WARN) -Ifirmware -MMD -MP
F030_LDFLAGS := -mcpu=cortex-m0 -mthumb -nostartfiles --specs=nano.specs -Wl,--gc-sections \
	-T firmware/stm32f030/stm32f030f4.ld
F030_SRCS := $(FW_CORE_SRCS) $(wildcard firmware/stm32f030/*.c)
F030_OBJS := $(F030_SRCS:firmware/%.c=$(B)/f030/%.o)
F030_ELF := $(B)/mcu/onestop-board-stm32f030.elf
F030_BIN := $(F030_ELF:.elf=.bin)

$(B)/f030/%.o: firmware/%.c
	@mkdir -p $(@D)
	$(MCU_CC) $(F030_CFLAGS) -c -o $@ $<

$(F030_ELF): $(F030_OBJS) firmware/stm32f030/stm32f030f4.ld
	@mkdir -p $(@D)
	$(MCU_CC) $(F030_LDFLAGS) -Wl,-Map=$(B)/mcu/onestop-board-stm32f030.map -o $@ $(F030_OBJS)

$(F030_BIN): $(F030_ELF)
	arm-none-eabi-objcopy -O binary $< $@

# Bench: the core's instructions per request on a Cortex-M0, counted in
# qemu's microbit (an nRF51: same ARMv6-M core) from its execution trace.
M0_BENCH := $(B)/tests/bench/firmware/m0_bench.elf
F030_CORE_OBJS := $(FW_CORE_SRCS:firmware/%.c=$(B)/f030/%.o)
$(B)/f030/tests/bench/firmware/m0_bench.o: tests/bench/firmware/m0_bench.c
	@mkdir -p $(@D)
	$(MCU_CC) $(F030_CFLAGS) -c -o $@ $<
$(M0_BENCH): $(B)/f030/tests/bench/firmware/m0_bench.o $(F030_CORE_OBJS) tests/bench/firmware/m0_bench.ld
	@mkdir -p $(@D)
	$(MCU_CC) -mcpu=cortex-m0 -mthumb -nostartfiles --specs=nano.specs -Wl,--gc-sections \
		-T tests/bench/firmware/m0_bench.ld -o $@ $(B)/f030/tests/bench/firmware/m0_bench.o $(F030_CORE_OBJS)
BENCHES += tests/bench/firmware/m0_insns.sh
_bench: $(M0_BENCH)

.PHONY: firmware firmware-check
firmware: $(MCU_ELF) $(F030_BIN)
	@$(MCU_SIZE) $(MCU_ELF) | awk 'NR==2 { printf "firmware: %s flash %d bytes (of 16384), RAM %d bytes (of 4096, stack included)\n", "$(MCU_ELF)", $$1+$$2, $$2+$$3 }'
	@$(MCU_SIZE) $(F030_ELF) | awk 'NR==2 { printf "firmware: %s flash %d bytes (of 14336 for code; 16384 with the 2048 B NVM log), RAM %d bytes (of 4096, stack included)\n", "$(F030_ELF)", $$1+$$2, $$2+$$3 }'

firmware-check: firmware $(FW_MBCONF)
	@tests/integration/firmware/f030/check-image $(F030_ELF) $(F030_BIN)
	@B=$(B) tests/integration/firmware/qemu/run-qemu-conformance $(MCU_ELF)

CHECK_EXTRA += firmware-check
