#!/bin/bash
# run.sh - the browser tests: make sure playwright-core is installed into
# $B/npm (from the npm registry, pinned in package.json; never a browser
# download: Debian's chromium is used), then run web_test.js and
# admin_test.js with node (each starts its own daemon).
set -eu
cd "$(dirname "$0")/../../.."
B=${B:-build}
if [ ! -d "$B/npm/node_modules/playwright-core" ]; then
	ver=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' tests/integration/web/package.json)
	npm install --prefix "$B/npm" --no-audit --no-fund --no-save "playwright-core@$ver" >/dev/null
fi
[ -x /usr/bin/chromium ] || { echo "chromium is not installed (config/install-deps.sh)"; exit 1; }
export PLAYWRIGHT_CORE="$PWD/$B/npm/node_modules/playwright-core" B
rc=0
node tests/integration/web/web_test.js || rc=1
node tests/integration/web/admin_test.js || rc=1
exit $rc
