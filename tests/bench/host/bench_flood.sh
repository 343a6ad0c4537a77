#!/bin/sh
# bench_flood.sh - the daemon under hostile traffic (bench_flood.c).  Its
# report part needs a large store: BENCH_STORE=DIR names one made by
# bench_stats (o.db, o.info); without it one of BENCH_TICKETS (default
# 2,000,000) is made here by bench_stats in a temporary folder, removed at
# the end.
set -eu
B=${B:-build}
tmp=
if [ -z "${BENCH_STORE:-}" ]; then
	tmp=$(mktemp -d /tmp/onestop-bench-flood-XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	echo "bench flood: making a store of ${BENCH_TICKETS:-2000000} tickets with bench_stats"
	BENCH_STORE=$tmp BENCH_RUNS=1 "$B/tests/bench/stats/bench_stats" >/dev/null
	BENCH_STORE=$tmp
fi
BENCH_STORE=$BENCH_STORE "$B/tests/bench/host/bench_flood" "$@"
