# tests/sim.mk - the day simulator's benchmark (the program, onestop-sim, is
# built by host/tools/tools.mk; its unit test is tests/unit/host/tools/).

BENCHES += tests/bench/sim/bench_sim.sh
