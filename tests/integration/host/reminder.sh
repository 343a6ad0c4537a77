#!/bin/sh
# reminder.sh - the day-before SMS reminder of bookings through a real
# Kannel (bearerbox, smsbox, fakesmsc): once per live booking, none for a
# cancelled one, nothing twice across a second run and a restart
# (tests/integration/host/reminder.c; host/docs/notify.md).
set -eu
B=${B:-build}
exec "$B/tests/integration/host/reminder" "$@"
