#!/bin/bash
# bench_sim.sh - the routing policy benchmark, the days with 30 % booked
# visitors, and estimate accuracy over the demo centre's standard days (run
# by `make bench` with B set).
set -eu
exec "${B:-build}/onestop-sim" --bench -c config/demo/centre.ini -D config/demo/days
