# tests/bus.mk - the RS-485 bus tests and benchmark (host/daemon/dev/bus.c, devbus.c
# against the board simulator): the end-to-end and fault test program, its
# script, and the latency benchmark.  Included by the top Makefile with
# `-include tests/bus.mk`; uses the host harness of tests/tests.mk.

BUS_RIG := $(B)/tests/integration/bus/busrig.o $(B)/tests/integration/host/harness.o
BUS_TEST := $(B)/tests/integration/bus/bus_test
BUS_BENCH := $(B)/tests/bench/bus/bench_bus


$(BUS_TEST): $(B)/tests/integration/bus/bus_test.o $(BUS_RIG)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUS_BENCH): $(B)/tests/bench/bus/bench_bus.o $(BUS_RIG) $(DAEMON_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(DAEMON_LINK) $(PKG_LIBS) $(PRINTERS_LIBS)

build: $(BUS_TEST) $(BUS_BENCH)

INTEGRATION_TESTS += tests/integration/bus/bus.sh
BENCHES += tests/bench/bus/bench_bus.sh
