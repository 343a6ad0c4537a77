# host/tools/tools.mk - the programs people run beside the daemon:
# onestopctl (the HTTP API's command line) and onestop-sim (simulated days
# through the real engine: reports, the policy bench, the demo's feed).
# Uses core/ and common/; talks to the daemon only over HTTP (onestop-sim
# --history writes a store itself, before any daemon has it open).
# onestop-central (central.c) serves the province's dashboard from the
# central PostgreSQL.

TOOLS_MAINS := host/tools/onestopctl.c host/tools/onestop_sim.c host/tools/central.c
TOOLS_SRCS := $(filter-out $(TOOLS_MAINS),$(wildcard host/tools/*.c))
TOOLS_OBJS := $(TOOLS_SRCS:%.c=$(B)/%.o)
$(B)/host/tools/%.o: INC = -Ihost

$(LIB_TOOLS): $(TOOLS_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

TOOLS_LINK = $(LIB_TOOLS) $(LIB_CORE) $(LIB_PROTO) $(LIB_COMMON)
PROGRAMS += $(B)/onestopctl $(B)/onestop-sim
$(B)/onestopctl: $(B)/host/tools/onestopctl.o $(TOOLS_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TOOLS_LINK) $(PKG_LIBS)
$(B)/onestop-sim: $(B)/host/tools/onestop_sim.o $(TOOLS_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TOOLS_LINK) $(PKG_LIBS)
# The province's dashboard over the central PostgreSQL (host/docs/export.md).
PROGRAMS += $(B)/onestop-central
$(B)/onestop-central: $(B)/host/tools/central.o $(TOOLS_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TOOLS_LINK) $(PKG_LIBS)

# Unit tests: tests/unit/host/tools/test_NAME.c, one per module.
TOOLS_UNIT_TESTS := $(patsubst %.c,$(B)/%,$(wildcard tests/unit/host/tools/test_*.c))
UNIT_TESTS += $(TOOLS_UNIT_TESTS)
$(TOOLS_UNIT_TESTS): %: %.o $(TOOLS_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TOOLS_TEST_LINK) $(TOOLS_LINK) $(PKG_LIBS) $(CMOCKA_LIBS)
# The history test reads what it wrote back through the statistics.
$(B)/tests/unit/host/tools/test_sim_history: TOOLS_TEST_LINK = $(LIB_DAEMON) $(LIB_PRINTERS)
$(B)/tests/unit/host/tools/test_sim_history: $(LIB_DAEMON) $(LIB_PRINTERS)

# Fuzz target: what onestop-central reads from a request (central_form.c,
# tests/fuzz/host/tools/fuzz_central.c), without PostgreSQL.
FUZZ_TARGETS += host/central
build/fuzz/fuzz-host-central: $(B)/tests/fuzz/host/tools/fuzz_central.o $(TOOLS_LINK)
	$(CC) -fsanitize=fuzzer,address,undefined -o $@ $< $(TOOLS_LINK) $(PKG_LIBS)
