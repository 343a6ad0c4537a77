#!/bin/bash
# sim_conformance.sh - Modbus conformance of a simulated bus of several
# boards (onestop-boardsim on a pty) against two independent masters:
# libmodbus (mbconf: every register, exceptions, bad frames, broadcast,
# config, key events with poll/ack, faults, collisions) and mbpoll (reads
# and writes of every board).  Env B = build dir.  Run from the repo root.
set -u
B=${B:-build}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

boards="1-3:number,4:caller,5:rating,6:hall,7:caller:12"
mkfifo "$tmp/out"
"$B/onestop-boardsim" --link "$tmp/bus" --boards "$boards" --control "$tmp/ctl" \
	--faces "$tmp/faces" >"$tmp/out" &
pid=$!
exec 3<"$tmp/out"
read -r -t 10 word pty <&3 || { echo "simulator not ready"; exit 1; }
[ "$word" = ready ] || { echo "unexpected: $word $pty"; exit 1; }
echo "simulator ready on $pty"

"$B/tests/integration/firmware/mbconf" "$tmp/bus" \
	1:number,2:number,3:number,4:caller,5:rating,6:hall,7:caller "$tmp/ctl" || exit 1

# The faces file has one line per board.
[ "$(wc -l <"$tmp/faces")" -eq 7 ] || { echo "faces: wrong line count"; cat "$tmp/faces"; exit 1; }
grep -q '^addr=7 role=caller counter=12' "$tmp/faces" || { echo "faces: board 7"; cat "$tmp/faces"; exit 1; }

# mbpoll: 0-based references (-0), one poll (-1).
mbp() { mbpoll -m rtu -b 19200 -P none -0 -1 -o 1 "$@" 2>&1; }
fail=0
for a in 1 2 3 4 5 6 7; do
	out=$(mbp -a $a -t 3 -r 9 -c 2 "$tmp/bus")
	role=$(sed -n 's/^\[9\]:[[:space:]]*\([0-9]*\).*/\1/p' <<<"$out")
	ver=$(sed -n 's/^\[10\]:[[:space:]]*\([0-9]*\).*/\1/p' <<<"$out")
	case $a in 1|2|3) want=1;; 4|7) want=2;; 5) want=3;; 6) want=4;; esac
	if [ "$role" != "$want" ] || [ "$ver" != 257 ]; then
		echo "mbpoll board $a: role '$role' version '$ver'"; echo "$out"; fail=1
	fi
	mbp -a $a -t 4 -r 1 "$tmp/bus" $((500 + a)) >/dev/null || { echo "mbpoll write $a failed"; fail=1; }
	out=$(mbp -a $a -t 4 -r 1 -c 1 "$tmp/bus")
	got=$(sed -n 's/^\[1\]:[[:space:]]*\([0-9]*\).*/\1/p' <<<"$out")
	[ "$got" = $((500 + a)) ] || { echo "mbpoll board $a: number '$got'"; echo "$out"; fail=1; }
done
# FC16 through mbpoll: two hall rows at once
mbp -a 6 -t 4 -r 7 "$tmp/bus" 1234 5 4321 6 >/dev/null || { echo "mbpoll FC16 failed"; fail=1; }
out=$(mbp -a 6 -t 4 -r 7 -c 4 "$tmp/bus")
[ "$(sed -n 's/^\[[0-9]*\]:[[:space:]]*\([0-9]*\).*/\1/p' <<<"$out" | tr '\n' ' ')" = "1234 5 4321 6 " ] ||
	{ echo "mbpoll FC16 read back"; echo "$out"; fail=1; }
# an exception through mbpoll: out of range value
out=$(mbp -a 1 -t 4 -r 3 "$tmp/bus" 99)
grep -qi "illegal data value" <<<"$out" || { echo "mbpoll: no exception"; echo "$out"; fail=1; }
# the face of board 1 shows what mbpoll wrote
# (board 1 went through the factory reset in mbconf: counter 0)
grep -q "^addr=1 role=number counter=00 offline=0 number=0501" "$tmp/faces" || { echo "face 1"; cat "$tmp/faces"; fail=1; }
[ $fail -eq 0 ] || exit 1
echo "mbpoll: ok"
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] || { echo "simulator exit $rc on SIGTERM"; exit 1; }
[ ! -e "$tmp/bus" ] || { echo "pty link left behind"; exit 1; }
echo "sim_conformance: ok"
