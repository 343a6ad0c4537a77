#!/bin/sh
# bench_sms.sh - time from a call (its commit) to its SMS handed to the
# gateway, p50/p99 (tests/integration/host/sms.c --bench).
set -eu
B=${B:-build}
"$B/tests/integration/host/sms" --bench "${SMS_BENCH_N:-300}"
# The same through a real Kannel, to the operator's side (fakesmsc).
[ -x /usr/sbin/bearerbox ] || { echo "bench_sms: no Kannel, skipped"; exit 0; }
exec "$B/tests/integration/host/sms" --bench-kannel "${SMS_BENCH_KANNEL_N:-100}"
