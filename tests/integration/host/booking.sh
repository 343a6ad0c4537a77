#!/bin/sh
# booking.sh - appointments and remote tickets through the real daemon
# (tests/integration/host/booking_test.c).
set -eu
B=${B:-build}
exec "$B/tests/integration/host/booking_test"
