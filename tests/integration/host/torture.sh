#!/bin/sh
# torture.sh - crash torture of onestopd (tests/integration/host/torture.c):
# random commands from 4 client threads while the daemon is SIGKILLed at
# random moments, TORTURE_KILLS times (default 200), seeded (TORTURE_SEED);
# after every restart the store, the event log and the restored state are
# checked.  First a short self-test: with one committed event hidden from
# the checker (-X), the checks must report a violation.
set -u
B=${B:-build}
T="$B/tests/integration/host/torture"
seed=${TORTURE_SEED:-20261128}

if "$T" -k 3 -s "$seed" -X >"${TMPDIR:-/tmp}/torture-selftest.$$" 2>&1; then
	cat "${TMPDIR:-/tmp}/torture-selftest.$$"
	rm -f "${TMPDIR:-/tmp}/torture-selftest.$$"
	echo "torture.sh: the self-test saw no violation: the checks do not bite"
	exit 1
fi
grep -c VIOLATION "${TMPDIR:-/tmp}/torture-selftest.$$" | sed 's/^/torture.sh: self-test: violations reported as expected: /'
rm -f "${TMPDIR:-/tmp}/torture-selftest.$$"
exec "$T" -k "${TORTURE_KILLS:-200}" -s "$seed" -t "${TORTURE_THREADS:-4}"
