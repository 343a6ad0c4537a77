#!/bin/sh
# bench_booking.sh - bookings per second the API takes durably: 2,000
# bookings from 8 keep-alive clients, each committed (group commit,
# synchronous=FULL) before its answer (tests/integration/host/booking_test.c).
set -eu
B=${B:-build}
exec "$B/tests/integration/host/booking_test" --bench 2000
