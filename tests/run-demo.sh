#!/bin/bash
# run-demo.sh BUILD - the demo centre: onestopd on config/demo with its own
# data folder, demo accounts, and every part that is built (board simulator
# on a virtual RS-485 line, virtual printers, wall display, kiosk).  Ctrl-C
# ends it; only the processes started here are stopped, by pid.
set -u
B=${1:-build}
ROOT=$(pwd)
DEMO=${ONESTOP_DEMO_DIR:-$ROOT/build/demo}
PORT=${ONESTOP_DEMO_PORT:-8080}
mkdir -p "$DEMO" /tmp/onestop-demo
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT INT TERM

DB=$DEMO/onestop.db
INI=$ROOT/config/demo/centre.ini
"$B/onestopd" -c "$INI" -n || exit 1

# Demo accounts (only on a fresh database).
if [ ! -e "$DB" ]; then
	echo "quantri-demo" | "$B/onestopd" -c "$INI" -d "$DB" --add-user admin --role admin --full-name "Quản trị hệ thống"
	echo "quanly-demo" | "$B/onestopd" -c "$INI" -d "$DB" --add-user quanly --role manager --full-name "Trần Thị Quản Lý"
	for n in 1 2 3 4 5 6 7 8; do
		echo "canbo-demo" | "$B/onestopd" -c "$INI" -d "$DB" --add-user "canbo$n" --role staff --counters "$n" --full-name "Cán bộ quầy $n"
	done
	# A centre with a past: ONESTOP_DEMO_HISTORY days (default 28) of
	# simulated days written into the store at real scale, so the reports
	# and charts show what a manager sees (0 = none).
	hist_days=${ONESTOP_DEMO_HISTORY:-28}
	if [ "$hist_days" != 0 ] && [ -x "$B/onestop-sim" ]; then
		"$B/onestop-sim" --history "$hist_days" --db "$DB" -c "$INI" \
			"$ROOT/config/demo/days/normal.day" || echo "history: not written" >&2
	fi
fi

# Extra parts register themselves here as they land (boards, printers,
# display, kiosk, traffic).
for part in "$ROOT"/tests/demo.d/*.sh; do
	[ -e "$part" ] && . "$part"
done

fifo=$DEMO/onestopd.fifo
rm -f "$fifo"; mkfifo "$fifo"
"$B/onestopd" -c "$INI" -d "$DB" -p "$PORT" -w "$ROOT/host/web" 2>"$fifo" &
pids+=($!)
exec 3<"$fifo"
# Wait for the readiness line, not a fixed time.
ready=0
while IFS= read -r line <&3; do
	echo "$line" >&2
	case $line in *"listening on"*) ready=1; break;; esac
done
[ $ready = 1 ] || { echo "onestopd did not start"; exit 1; }
cat <&3 >&2 &
pids+=($!)

cat <<MSG

  onestop demo centre is running.
    API and pages:   http://127.0.0.1:$PORT/   (health: /healthz)
    accounts:        admin / quantri-demo   quanly / quanly-demo   canbo1..canbo8 / canbo-demo
    command line:    $B/onestopctl -u http://127.0.0.1:$PORT login canbo1
                     $B/onestopctl status
    data folder:     $DEMO   (delete it to start afresh)
  Ctrl-C stops everything.

MSG
for hook in "${demo_after_start[@]:-}"; do [ -n "$hook" ] && $hook; done
wait "${pids[0]}"
