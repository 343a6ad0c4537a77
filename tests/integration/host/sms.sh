#!/bin/sh
# sms.sh - SMS notifications through a real Kannel (bearerbox, smsbox,
# fakesmsc) and a gateway that answers 503 or hangs
# (tests/integration/host/sms.c; host/docs/notify.md).
set -eu
B=${B:-build}
exec "$B/tests/integration/host/sms" "$@"
