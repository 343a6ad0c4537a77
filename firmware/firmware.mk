# firmware.mk - the counter board firmware: the portable core, the host
# board simulator, its tests, and the Cortex-M image (arm-none-eabi-gcc)
# run in qemu.  Included by the top Makefile.
#
#   make firmware         the MCU image, with its flash and RAM use
#   make firmware-check   (in make check) the image booted in qemu with the
#                         Modbus conformance tests run against it

FW_CORE_SRCS := $(wildcard firmware/core/*.c)
FW_CORE_OBJS := $(FW_CORE_SRCS:%.c=$(B)/%.o)
LIB_FW := $(B)/libonestop-fw.a

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

.PHONY: firmware firmware-check
firmware: $(MCU_ELF)
	@$(MCU_SIZE) $(MCU_ELF) | awk 'NR==2 { printf "firmware: %s flash %d bytes (of 16384), RAM %d bytes (of 4096, stack included)\n", "$(MCU_ELF)", $$1+$$2, $$2+$$3 }'

firmware-check: firmware $(FW_MBCONF)
	@B=$(B) tests/integration/firmware/qemu/run-qemu-conformance $(MCU_ELF)

CHECK_EXTRA += firmware-check
