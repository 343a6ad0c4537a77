#!/bin/bash
# central.sh - the browser test of the province's dashboard (onestop-central
# on a real PostgreSQL; central_test.js), through run.sh.
exec "$(dirname "$0")/run.sh" central_test.js
