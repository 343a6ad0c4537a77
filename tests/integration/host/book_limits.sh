#!/bin/sh
# book_limits.sh - hostile visitors of the public booking and remote-ticket
# routes: rate limits per address and per phone, 429 with Retry-After and a
# Vietnamese message (tests/integration/host/book_limits.c).
set -eu
B=${B:-build}
exec "$B/tests/integration/host/book_limits" "$@"
