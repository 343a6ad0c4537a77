#!/bin/sh
# ops.sh - backup under load and restore, and /metrics scraped by a real
# Prometheus (tests/integration/host/ops.c; host/docs/operations.md).
set -eu
B=${B:-build}
exec "$B/tests/integration/host/ops" "$@"
