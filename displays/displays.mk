# displays/displays.mk - the wall display (onestop-display) and the kiosk
# (onestop-kiosk): SDL2 + SDL2_ttf clients of onestopd's API and event
# stream.  Included by the top Makefile.
#
#   make displays-golden   regenerate tests/golden/displays/*.png after a
#                          deliberate layout change (look at them first)

DISPLAYS_MAINS := displays/display_main.c displays/kiosk_main.c
DISPLAYS_LIB_SRCS := $(filter-out $(DISPLAYS_MAINS),$(wildcard displays/*.c))
DISPLAYS_LIB_OBJS := $(DISPLAYS_LIB_SRCS:%.c=$(B)/%.o)
# displays/ uses common/ only; its objects name "displays/..." and
# "common/..." headers.
$(B)/displays/%.o: INC = -Ihost -I.
DISPLAYS_HOST_OBJS := $(LIB_COMMON)
DISPLAYS_LIBS := $(shell pkg-config --libs sdl2 SDL2_ttf libcurl espeak-ng \
	libcjson inih libpng16 2>/dev/null) -lunistring -lpthread -lm

$(LIB_DISPLAYS): $(DISPLAYS_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

ifneq ($(wildcard displays/display_main.c),)
PROGRAMS += $(B)/onestop-display
$(B)/onestop-display: $(B)/displays/display_main.o $(LIB_DISPLAYS) $(DISPLAYS_HOST_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_DISPLAYS) $(LIB_COMMON) $(DISPLAYS_LIBS)
endif
ifneq ($(wildcard displays/kiosk_main.c),)
PROGRAMS += $(B)/onestop-kiosk
$(B)/onestop-kiosk: $(B)/displays/kiosk_main.o $(LIB_DISPLAYS) $(DISPLAYS_HOST_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_DISPLAYS) $(LIB_COMMON) $(DISPLAYS_LIBS)
endif

# Unit tests: tests/unit/displays/test_NAME.c, one per module.  They run
# headless (the offscreen video and dummy/disk audio drivers are set inside).
DISPLAYS_UNIT_SRCS := $(wildcard tests/unit/displays/test_*.c)
DISPLAYS_UNIT_TESTS := $(DISPLAYS_UNIT_SRCS:tests/unit/displays/%.c=$(B)/tests/unit/displays/%)
UNIT_TESTS += $(DISPLAYS_UNIT_TESTS)
$(B)/tests/unit/displays/%: $(B)/tests/unit/displays/%.o $(LIB_DISPLAYS) $(DISPLAYS_HOST_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_DISPLAYS) $(LIB_COMMON) $(DISPLAYS_LIBS) $(CMOCKA_LIBS)

# Integration tests: C programs against the real onestopd (the host tests'
# harness starts it), run from the repo root with B set.
DISPLAYS_IT_SRCS := $(wildcard tests/integration/displays/it_*.c)
DISPLAYS_IT := $(DISPLAYS_IT_SRCS:tests/integration/displays/%.c=$(B)/tests/integration/displays/%)
DISPLAYS_HARNESS_OBJ := $(B)/tests/integration/host/harness.o \
	$(B)/tests/integration/displays/dproc.o
ifneq ($(wildcard tests/integration/host/harness.c),)
INTEGRATION_TESTS += $(DISPLAYS_IT)
build: $(DISPLAYS_IT)
endif
$(B)/tests/integration/displays/%: $(B)/tests/integration/displays/%.o $(DISPLAYS_HARNESS_OBJ) $(LIB_DISPLAYS) $(DISPLAYS_HOST_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_DISPLAYS) $(LIB_COMMON) $(DISPLAYS_LIBS)

# Benchmarks: frame time and CPU at 1920x1080 with 40 counters (offscreen),
# and the delay from a call's commit to its number on screen.
DISPLAYS_BENCH_SRCS := $(wildcard tests/bench/displays/bench_*.c)
DISPLAYS_BENCHES := $(DISPLAYS_BENCH_SRCS:tests/bench/displays/%.c=$(B)/tests/bench/displays/%)
BENCHES += $(DISPLAYS_BENCHES)
$(B)/tests/bench/displays/%: $(B)/tests/bench/displays/%.o $(DISPLAYS_HARNESS_OBJ) $(LIB_DISPLAYS) $(DISPLAYS_HOST_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_DISPLAYS) $(LIB_COMMON) $(DISPLAYS_LIBS)

.PHONY: displays-golden
displays-golden: $(B)/tests/unit/displays/test_board
	GOLDEN_UPDATE=1 $(B)/tests/unit/displays/test_board

# Fuzz target: the event-stream parser (bytes from the network), built by
# the top Makefile's check-fuzz into build/fuzz with clang.
FUZZ_TARGETS += displays/sse
build/fuzz/fuzz-displays-sse: $(B)/tests/fuzz/displays/fuzz_sse.o $(B)/displays/sse.o $(B)/host/common/xmalloc.o
	$(CC) -fsanitize=fuzzer,address,undefined -o $@ $^
