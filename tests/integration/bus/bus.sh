#!/bin/sh
# bus.sh - onestopd with the board simulator on a pty: keypad end to end and
# exactly-once under faults (tests/integration/bus/bus_test.c).
set -u
B=${B:-build}
exec "$B/tests/integration/bus/bus_test"
