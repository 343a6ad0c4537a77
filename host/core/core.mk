# host/core/core.mk - the core layer: the engine (routing and the estimate),
# the core with group commit, the sqlite store, the configuration and the
# catalogue search, the event loop.  Uses common/ (and proto/); knows nothing
# of HTTP, devices, printers or displays.

CORE_SRCS := $(wildcard host/core/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(B)/%.o)
$(B)/host/core/%.o: INC = -Ihost

$(LIB_CORE): $(CORE_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# Unit tests: tests/unit/host/core/test_NAME.c, one per module.
CORE_UNIT_TESTS := $(patsubst %.c,$(B)/%,$(wildcard tests/unit/host/core/test_*.c))
UNIT_TESTS += $(CORE_UNIT_TESTS)
$(CORE_UNIT_TESTS): %: %.o $(LIB_CORE) $(LIB_PROTO) $(LIB_COMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB_CORE) $(LIB_PROTO) $(LIB_COMMON) $(PKG_LIBS) $(CMOCKA_LIBS)

# Fuzz targets: the INI and CSV parsers (tests/fuzz/host/core/fuzz_NAME.c).
FUZZ_TARGETS += host/ini host/csv
build/fuzz/fuzz-host-ini build/fuzz/fuzz-host-csv: build/fuzz/fuzz-host-%: \
		$(B)/tests/fuzz/host/core/fuzz_%.o $(LIB_CORE) $(LIB_PROTO) $(LIB_COMMON)
	$(CC) -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_CORE) $(LIB_PROTO) $(LIB_COMMON) $(PKG_LIBS)

# The estimator's cost in a big hall (tests/bench/host/bench_estimate.c).
CORE_BENCH := $(B)/tests/bench/host/bench_estimate
BENCHES += $(CORE_BENCH)
$(CORE_BENCH): $(B)/tests/bench/host/bench_estimate.o $(LIB_CORE) $(LIB_PROTO) $(LIB_COMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB_CORE) $(LIB_PROTO) $(LIB_COMMON) $(PKG_LIBS)

# Search benchmark: relevance (recall@1, recall@3, MRR) over the visitor
# queries of tests/bench/search/queries.tsv, and time per query.
BENCHES += $(B)/tests/bench/search/bench_search
$(B)/tests/bench/search/bench_search: $(B)/tests/bench/search/bench_search.o \
		$(LIB_CORE) $(LIB_PROTO) $(LIB_COMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB_CORE) $(LIB_PROTO) $(LIB_COMMON) $(PKG_LIBS)
