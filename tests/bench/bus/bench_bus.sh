#!/bin/sh
# bench_bus.sh - RS-485 line figures (tests/bench/bus/bench_bus.c).
set -u
B=${B:-build}
exec "$B/tests/bench/bus/bench_bus"
