# tests/sim.mk - onestop-sim (the day simulator's program: reports, the
# policy benchmark, the feed mode for `make run`) and its benchmark.  The
# simulator library is host/sim.c (in libonestop-host.a); its unit test
# tests/unit/host/test_sim.c is picked up by the top Makefile.

SIM_OBJS := $(B)/tests/bench/sim/onestop_sim.o $(B)/tests/bench/sim/sim_feed.o
PROGRAMS += $(B)/onestop-sim

$(B)/onestop-sim: $(SIM_OBJS) $(LIB_HOST)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(SIM_OBJS): ALL_CFLAGS += -Itests/bench/sim

BENCHES += tests/bench/sim/bench_sim.sh
