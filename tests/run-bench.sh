#!/bin/bash
# run-bench.sh BUILD BENCH... - run each benchmark (program or script) from
# the repo root with env B=BUILD; they print their own figures.
set -u
export B=$1; shift
rc=0
for b in "$@"; do
	echo "== $(basename "$b")"
	"$b" || { echo "bench $(basename "$b") failed"; rc=1; }
done
exit $rc
