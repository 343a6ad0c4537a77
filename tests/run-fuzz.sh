#!/bin/bash
# run-fuzz.sh SECONDS TARGET... - run each libFuzzer target for SECONDS on its
# seed corpus (tests/fuzz/corpus/NAME, copied so the tree stays clean).
# A crash fails the run and leaves the reproducer in build/fuzz/NAME-crashes.
set -u
secs=$1; shift
pass=0; fail=0
for t in "$@"; do
	name=$(basename "$t"); name=${name#fuzz-}
	seeds=tests/fuzz/corpus/$name
	work=build/fuzz/$name-corpus; crashes=build/fuzz/$name-crashes
	mkdir -p "$work" "$crashes"
	[ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null
	if "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/" "$work" >build/fuzz/$name.log 2>&1; then
		pass=$((pass + 1)); echo "  ok    fuzz $name ($(grep -c . "$work"/* 2>/dev/null | wc -l) inputs, ${secs}s)"
	else
		fail=$((fail + 1)); echo "  FAIL  fuzz $name"; tail -n 30 build/fuzz/$name.log | sed 's/^/        /'
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
