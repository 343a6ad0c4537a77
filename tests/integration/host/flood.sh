#!/bin/sh
# flood.sh - hostile traffic against the real onestopd
# (tests/integration/host/flood.c): trickling connections, event streams
# that never read, a report computed while commands are answered.
set -eu
B=${B:-build}
exec "$B/tests/integration/host/flood" "$@"
