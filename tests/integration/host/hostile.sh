#!/bin/sh
# hostile.sh - hostile input and a hostile environment against the real
# onestopd (tests/integration/host/hostile.c): long Vietnamese text in
# fixed-size fields, client mistakes in names, the database removed while
# running, a database that cannot be written, onestopd -n against the start,
# listening on IPv6, and access control under hostile traffic: devices named
# like people, sessions that outlive a password, a ticket cancelled at
# another counter, CSRF and Origin, and login floods.
set -eu
B=${B:-build}
exec "$B/tests/integration/host/hostile" "$@"
