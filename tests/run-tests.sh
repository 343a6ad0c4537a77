#!/bin/bash
# run-tests.sh PHASE TEST... - run each test program or script, print one line
# per test and a closing "PHASE: N passed, N failed".  Exit 1 if any failed.
# Output of a failing test is shown; of a passing one, kept in build/test-logs.
# VALGRIND=1 runs each under valgrind (leaks and errors fail the test).
set -u
phase=$1; shift
logdir=${B:-build}/test-logs/$phase
mkdir -p "$logdir"
pass=0; fail=0; failed=()
for t in "$@"; do
	name=$(basename "$t")
	# Two folders may hold tests of the same name: the log keeps the path.
	log=$logdir/$(echo "${t#"${B:-build}"/}" | tr '/' '_').log
	start=$SECONDS
	if [ "${VALGRIND:-0}" = 1 ]; then
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			"$t" >"$log" 2>&1 </dev/null
	else
		"$t" >"$log" 2>&1 </dev/null
	fi
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		printf '  ok    %-40s (%ds)\n' "$name" $((SECONDS - start))
	else
		fail=$((fail + 1)); failed+=("$name")
		printf '  FAIL  %-40s (exit %d)\n' "$name" $rc
		tail -n 40 "$log" | sed 's/^/        /'
	fi
done
echo "$phase: $pass passed, $fail failed"
[ $fail -eq 0 ]
