#!/bin/sh
# audit.sh - the audit log and the notice line against the real daemon
# (tests/integration/host/audit_test.c).
set -eu
B=${B:-build}
exec "$B/tests/integration/host/audit_test"
