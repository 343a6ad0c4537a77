#!/bin/sh
# export.sh - two centres export their events to a real PostgreSQL that is
# killed and restarted, as is a centre; every committed event is there once,
# and the central figures equal each centre's report
# (tests/integration/host/export.c; host/docs/export.md).
set -eu
B=${B:-build}
exec "$B/tests/integration/host/export" "$@"
