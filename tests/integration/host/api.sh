#!/bin/sh
# api.sh - the HTTP API and onestopctl against the real daemon
# (tests/integration/host/api_test.c).
set -eu
B=${B:-build}
exec "$B/tests/integration/host/api_test"
