# printers.sh - demo part: a virtual thermal printer (onestop-printemu) for
# each kiosk, listening on TCP like a network printer on port 9100 would.
# Sourced by tests/run-demo.sh before the daemon starts: it writes a copy of
# the demo INI into the demo folder whose [printer] sections point at the
# emulators, and the daemon is started on that copy.  Each printed ticket
# lands as a PNG and its text in $DEMO/printer-ID/; faults can be set by
# writing e.g. "paper-out" into $DEMO/printer-ID.control.

printers_demo_setup() {
	local ini=$DEMO/centre.ini n=0 id port line
	[ -x "$B/onestop-printemu" ] || return 0
	cp "$INI" "$ini.tmp"
	# The catalogue is found next to the original INI.
	sed -i "s|^catalogue *= *\(.*\)$|catalogue = $ROOT/config/demo/\1|" "$ini.tmp"
	for id in $(sed -n 's/^\[printer \(.*\)\]$/\1/p' "$INI"); do
		n=$((n + 1))
		port=$((PORT + 100 + n))
		mkdir -p "$DEMO/printer-$id"
		: >"$DEMO/printer-$id.control"
		rm -f "$DEMO/printer-$id.fifo"; mkfifo "$DEMO/printer-$id.fifo"
		"$B/onestop-printemu" serve --tcp "127.0.0.1:$port" --out "$DEMO/printer-$id" \
			--control "$DEMO/printer-$id.control" >"$DEMO/printer-$id.fifo" 2>>"$DEMO/printer-$id.log" &
		pids+=($!)
		# Wait for its readiness line.
		while IFS= read -r line; do
			case $line in ready*) break;; esac
		done <"$DEMO/printer-$id.fifo"
		cat "$DEMO/printer-$id.fifo" >>"$DEMO/printer-$id.log" &
		pids+=($!)
		# Point the printer section at the emulator.
		awk -v id="$id" -v dev="127.0.0.1:$port" '
			/^\[/ { sect = $0 }
			sect == "[printer " id "]" && /^driver *=/ { print "driver = tcp"; next }
			sect == "[printer " id "]" && /^device *=/ { print "device = " dev; next }
			{ print }' "$ini.tmp" >"$ini.tmp2" && mv "$ini.tmp2" "$ini.tmp"
		echo "  printer $id: virtual printer on 127.0.0.1:$port, tickets in $DEMO/printer-$id/"
	done
	mv "$ini.tmp" "$ini"
	INI=$ini
}
printers_demo_setup
