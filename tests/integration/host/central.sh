#!/bin/sh
# central.sh - the province's dashboard (onestop-central) over real HTTP, on a
# real PostgreSQL fed by two exporting centres: logins and roles, the range's
# figures per centre, department and procedure against each centre's own
# report, live, CSV, print (tests/integration/host/central.c).
set -eu
B=${B:-build}
exec "$B/tests/integration/host/central" "$@"
