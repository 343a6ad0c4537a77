#!/bin/sh
# bench_sms.sh - time from a call (its commit) to its SMS handed to the
# gateway, p50/p99 (tests/integration/host/sms.c --bench).
set -eu
B=${B:-build}
exec "$B/tests/integration/host/sms" --bench "${SMS_BENCH_N:-300}"
