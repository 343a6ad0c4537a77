#!/bin/bash
# status.sh - the browser test of the visitor's status page /t/CODE
# (status_test.js), through run.sh.
exec "$(dirname "$0")/run.sh" status_test.js
