# printers/printers.mk - ticket printing: the library the daemon links
# (libonestop-printers.a), the decoder (libonestop-escdecode.a), the emulator (onestop-printemu), their tests,
# the fuzz target and the bench.  Included by the top Makefile.

PRINTERS_MAINS := printers/printemu.c
# The decoder (the printer's side) is a library of its own, linked by the
# emulator and the tests but never by onestopd.
PRINTERS_DECODE_SRCS := printers/escpos_decode.c
PRINTERS_LIB_SRCS := $(filter-out $(PRINTERS_MAINS) $(PRINTERS_DECODE_SRCS),$(wildcard printers/*.c))
PRINTERS_LIB_OBJS := $(PRINTERS_LIB_SRCS:%.c=$(B)/%.o)
# printers/ uses common/ only; its objects name "printers/..." and
# "common/..." headers.
$(B)/printers/%.o: INC = -Ihost -I.
LIB_ESCDECODE := $(B)/libonestop-escdecode.a
# What the emulator and the printers' tests link, each library once.
PRINTERS_TEST_LINK = $(LIB_ESCDECODE) $(LIB_PRINTERS) $(LIB_COMMON)
PRINTERS_LIBS := $(shell pkg-config --libs freetype2 libqrencode libpng16 \
	libusb-1.0 libserialport 2>/dev/null) -lunistring -lpthread -lm
PKG_CFLAGS += $(shell pkg-config --cflags freetype2 2>/dev/null)
PRINTERS_UMOCKDEV_CFLAGS = $(shell pkg-config --cflags umockdev-1.0 2>/dev/null)
PRINTERS_UMOCKDEV_LIBS = $(shell pkg-config --libs umockdev-1.0 2>/dev/null)

$(LIB_PRINTERS): $(PRINTERS_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIB_ESCDECODE): $(PRINTERS_DECODE_SRCS:%.c=$(B)/%.o)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

PROGRAMS += $(B)/onestop-printemu
$(B)/onestop-printemu: $(B)/printers/printemu.o $(PRINTERS_TEST_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(PRINTERS_TEST_LINK) $(PRINTERS_LIBS)

# Test helper: writes the bytes of named sample tickets, compares PNGs.
$(B)/tests/printers/ticketgen: $(B)/tests/golden/printers/ticketgen.o $(PRINTERS_TEST_LINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(PRINTERS_TEST_LINK) $(PRINTERS_LIBS)

# Unit tests: tests/unit/printers/test_NAME.c, one per module.
PRINTERS_UNIT_SRCS := $(wildcard tests/unit/printers/test_*.c)
PRINTERS_UNIT_TESTS := $(PRINTERS_UNIT_SRCS:tests/unit/printers/%.c=$(B)/tests/unit/printers/%)
UNIT_TESTS += $(PRINTERS_UNIT_TESTS)
$(B)/tests/unit/printers/%: $(B)/tests/unit/printers/%.o $(PRINTERS_TEST_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(PRINTERS_TEST_LINK) $(PRINTERS_LIBS) $(CMOCKA_LIBS)

# Integration tests: scripts run with B set; they use the emulator and the
# helpers below.
PRINTERS_IT_HELPERS := $(B)/tests/printers/ticketgen
INTEGRATION_TESTS += $(sort $(wildcard tests/integration/printers/*.sh))
build: $(PRINTERS_IT_HELPERS)

# Regenerate the golden pictures after a deliberate layout change.
.PHONY: printers-golden
printers-golden: $(B)/onestop-printemu $(B)/tests/printers/ticketgen
	B=$(B) GOLDEN_UPDATE=1 tests/integration/printers/golden.sh

# Fuzz target: the emulator's decoder.
FUZZ_TARGETS += printers/escpos
build/fuzz/fuzz-printers-escpos: $(B)/tests/fuzz/printers/fuzz_escpos.o $(PRINTERS_TEST_LINK)
	$(CC) -fsanitize=fuzzer,address,undefined -o $@ $(filter %.o,$^) $(PRINTERS_TEST_LINK) $(PRINTERS_LIBS)

# Integration test binaries: tests/integration/printers/test_NAME.c.
PRINTERS_IT_BINS := $(patsubst tests/integration/printers/%.c,$(B)/tests/integration/printers/%,$(wildcard tests/integration/printers/test_*.c))
INTEGRATION_TESTS += $(PRINTERS_IT_BINS)
build: $(PRINTERS_IT_BINS) $(B)/onestop-printemu
$(B)/tests/integration/printers/%: $(B)/tests/integration/printers/%.o $(PRINTERS_TEST_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(PRINTERS_TEST_LINK) $(PRINTERS_LIBS) $(CMOCKA_LIBS)

# The serial and USB drivers under umockdev: these tests link libumockdev
# (glib headers as system headers) and re-execute themselves under
# libumockdev-preload.so.
PRINTERS_UMOCK_TESTS := $(B)/tests/integration/printers/test_serial \
	$(B)/tests/integration/printers/test_usb
PRINTERS_UMOCKDEV_ISYS = $(patsubst -I%,-isystem %,$(PRINTERS_UMOCKDEV_CFLAGS))
$(PRINTERS_UMOCK_TESTS): $(B)/tests/integration/printers/umock.o
$(PRINTERS_UMOCK_TESTS): PRINTERS_LIBS += $(PRINTERS_UMOCKDEV_LIBS)
$(PRINTERS_UMOCK_TESTS:%=%.o): CFLAGS += $(PRINTERS_UMOCKDEV_ISYS)

# Bench: bytes per ticket, latency, serial line time vs the head.
BENCHES += $(B)/tests/bench/printers/bench_printers
$(B)/tests/bench/printers/bench_printers: $(B)/tests/bench/printers/bench_printers.o $(PRINTERS_TEST_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(PRINTERS_TEST_LINK) $(PRINTERS_LIBS)
