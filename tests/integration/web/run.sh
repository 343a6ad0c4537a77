#!/bin/bash
# run.sh - the browser tests: make sure playwright-core is installed into
# $B/npm (from the npm registry, pinned in package.json; never a browser
# download: Debian's chromium is used), then run web_test.js and
# staff_test.js, report_test.js, admin_test.js and booking_test.js with
# node (each starts its own daemon), or only the test named as the argument
# (status_test.js).
set -eu
cd "$(dirname "$0")/../../.."
B=${B:-build}
if [ ! -d "$B/npm/node_modules/playwright-core" ]; then
	ver=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' tests/integration/web/package.json)
	npm install --prefix "$B/npm" --no-audit --no-fund --no-save "playwright-core@$ver" >/dev/null
fi
[ -x /usr/bin/chromium ] || { echo "chromium is not installed (config/install-deps.sh)"; exit 1; }
command -v pdftotext >/dev/null || { echo "pdftotext is not installed (poppler-utils, config/install-deps.sh)"; exit 1; }
export PLAYWRIGHT_CORE="$PWD/$B/npm/node_modules/playwright-core" B
if [ $# -gt 0 ]; then
	exec node "tests/integration/web/$1"
fi
# WEB_TESTS="staff" runs one of them.
rc=0
for t in ${WEB_TESTS:-web staff report admin booking}; do
	node "tests/integration/web/${t}_test.js" || rc=1
done
exit $rc
