# displays.sh - demo part: the wall display and the kiosk (sourced by
# tests/run-demo.sh).  After the daemon is ready it makes device tokens
# (once per demo folder) and starts onestop-display, and onestop-kiosk
# when there is an X display.  Without $DISPLAY the wall display runs
# offscreen and writes a screenshot into the demo folder every 5 seconds.

displays_demo_start() {
	local url="http://127.0.0.1:$PORT" admin tok
	[ -x "$B/onestop-display" ] || return 0
	if [ ! -s "$DEMO/display.token" ] || [ ! -s "$DEMO/kiosk-1.token" ]; then
		admin=$(curl -s -X POST "$url/api/v1/login" \
			-d '{"user":"admin","password":"quantri-demo"}' |
			sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
		[ -n "$admin" ] || { echo "displays: cannot log in as admin"; return 0; }
		for dev in display:display kiosk-1:kiosk; do
			tok=$(curl -s -X POST -H "Authorization: Bearer $admin" "$url/api/v1/devices" \
				-d "{\"name\":\"${dev%%:*}\",\"role\":\"${dev##*:}\"}" |
				sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
			echo "$tok" >"$DEMO/${dev%%:*}.token"
		done
	fi
	local notice="Chào mừng quý khách đến Trung tâm Phục vụ hành chính công. Vui lòng lấy số tại ki-ốt và chú ý bảng số, loa gọi."
	if [ -z "${DISPLAY:-}" ]; then
		echo "  wall display: no X display, running offscreen; screenshot every 5 s in $DEMO/display.png"
		SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy} \
			"$B/onestop-display" -u "$url" -t "$DEMO/display.token" \
			--screenshot "$DEMO/display.png" --every 5 --notice "$notice" \
			2>>"$DEMO/display.log" &
		pids+=($!)
	else
		"$B/onestop-display" -u "$url" -t "$DEMO/display.token" --windowed \
			-W 1366 -H 768 --notice "$notice" 2>>"$DEMO/display.log" &
		pids+=($!)
		if [ -x "$B/onestop-kiosk" ]; then
			"$B/onestop-kiosk" -u "$url" -t "$DEMO/kiosk-1.token" -k kiosk-1 --windowed \
				-W 600 -H 960 2>>"$DEMO/kiosk.log" &
			pids+=($!)
			echo "  kiosk: window 'onestop-kiosk' (kiosk-1)"
		fi
		echo "  wall display: window 'onestop-display' (log in $DEMO/display.log)"
	fi
}
demo_after_start+=(displays_demo_start)
