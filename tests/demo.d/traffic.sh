# traffic.sh - sourced by tests/run-demo.sh: simulated visitors and staff
# for the demo centre.  Once onestopd is ready, onestop-sim feeds it a
# simulated day through the API (logged in as the demo manager, who may act
# on every counter), in real time by default, day after day, so the boards,
# displays and pages show a living centre.
#   ONESTOP_DEMO_TRAFFIC=0   no traffic
#   ONESTOP_DEMO_SPEED=N     time compression (default 1: real time, so what
#                            the statistics record is what a centre sees;
#                            30 makes a busy show, with 30x shorter times)
# The feed logs in as the demo manager and opens every counter; stopped by
# Ctrl-C it leaves them open with its tickets called.  A marker file says so,
# and a later run without traffic closes that day first (as the manager:
# open tickets cancelled, counters closed), so the centre starts quiet.
demo_traffic_start() {
	if [ "${ONESTOP_DEMO_TRAFFIC:-1}" = 0 ]; then
		[ -e "$DEMO/traffic.on" ] || return 0
		local tok
		tok=$(curl -s -X POST "http://127.0.0.1:$PORT/api/v1/login" \
			-d '{"user":"quanly","password":"quanly-demo"}' |
			sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
		if [ -n "$tok" ] && curl -sf -X POST -H "Authorization: Bearer $tok" \
			"http://127.0.0.1:$PORT/api/v1/day/close" \
			-d '{"reason":"Tắt luồng khách mô phỏng"}' >/dev/null; then
			rm -f "$DEMO/traffic.on"
			echo "  traffic: off; the simulated visitors' day was closed (counters closed, their tickets cancelled)"
		else
			echo "  traffic: off, but closing the simulated day failed" >&2
		fi
		return 0
	fi
	[ -x "$B/onestop-sim" ] || { echo "traffic: $B/onestop-sim not built" >&2; return 0; }
	"$B/onestop-sim" --feed "http://127.0.0.1:$PORT" -c "$INI" \
		-u quanly -P quanly-demo -x "${ONESTOP_DEMO_SPEED:-1}" --loop \
		"$ROOT/config/demo/days/demo.day" 2>"$DEMO/traffic.log" &
	pids+=($!)
	: >"$DEMO/traffic.on"
	echo "  traffic: simulated visitors at ${ONESTOP_DEMO_SPEED:-1}x real time (log: $DEMO/traffic.log; ONESTOP_DEMO_TRAFFIC=0 turns it off)"
}
demo_after_start+=(demo_traffic_start)
