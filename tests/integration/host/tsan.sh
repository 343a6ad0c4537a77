#!/bin/sh
# tsan.sh - the daemon's threads under ThreadSanitizer: the API, hostile
# traffic (streams that stall, floods) and operations tests, run against
# onestopd built with -fsanitize=thread (make check-tsan builds it in
# build/tsan).  A data race, or any other report, fails: the daemon writes
# its reports into a folder of this run, and that folder must stay empty.
set -eu
B=${B:-build}
T=${TSAN_B:-build/tsan}
[ -x "$T/onestopd" ] || { echo "tsan: $T/onestopd is missing (make check-tsan builds it)"; exit 1; }
dir=$(mktemp -d /tmp/onestop-tsan-XXXXXX)
trap 'rm -rf "$dir"' EXIT
export ONESTOPD="$T/onestopd"
export TSAN_OPTIONS="log_path=$dir/report halt_on_error=0 second_deadlock_stack=1"
rc=0
for t in api ops flood; do
	B=$B "tests/integration/host/$t.sh" >"$dir/$t.out" 2>&1 || { tail -20 "$dir/$t.out"; rc=1; }
	echo "tsan: $t: $(tail -1 "$dir/$t.out")"
done
n=$(ls "$dir" | grep -c '^report' || true)
if [ "$n" -gt 0 ]; then
	echo "tsan: $n reports:"
	cat "$dir"/report* | grep -A14 '^WARNING' | head -80
	rc=1
fi
[ $rc -eq 0 ] && echo "tsan: no report from the daemon's threads"
exit $rc
