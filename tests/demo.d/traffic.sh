# traffic.sh - sourced by tests/run-demo.sh: simulated visitors and staff
# for the demo centre.  Once onestopd is ready, onestop-sim feeds it a
# simulated day through the API (logged in as the demo manager, who may act
# on every counter), 30x real time by default, day after day, so the boards,
# displays and pages show a living centre.
#   ONESTOP_DEMO_TRAFFIC=0   no traffic
#   ONESTOP_DEMO_SPEED=N     time compression (default 30)
demo_traffic_start() {
	[ "${ONESTOP_DEMO_TRAFFIC:-1}" = 0 ] && return 0
	[ -x "$B/onestop-sim" ] || { echo "traffic: $B/onestop-sim not built" >&2; return 0; }
	"$B/onestop-sim" --feed "http://127.0.0.1:$PORT" -c "$INI" \
		-u quanly -P quanly-demo -x "${ONESTOP_DEMO_SPEED:-30}" --loop \
		"$ROOT/config/demo/days/demo.day" 2>"$DEMO/traffic.log" &
	pids+=($!)
	echo "  traffic: simulated visitors at ${ONESTOP_DEMO_SPEED:-30}x real time (log: $DEMO/traffic.log; ONESTOP_DEMO_TRAFFIC=0 turns it off)"
}
demo_after_start+=(demo_traffic_start)
