# bus.sh - sourced by tests/run-demo.sh before onestopd starts: the board
# simulator serving the demo config's RS-485 line on a pty (the line's port
# is its link), with one simulated board per [board] section.  Faces go to
# $DEMO/boards.faces (one line per board), the control socket is
# $DEMO/boards.ctl (e.g. `echo "press 101 next" | socat - UNIX-CONNECT:...`).
bus_port=$(awk -F' *= *' '/^\[line /{l=1;next} /^\[/{l=0} l&&$1=="port"{print $2; exit}' "$INI")
bus_baud=$(awk -F' *= *' '/^\[line /{l=1;next} /^\[/{l=0} l&&$1=="baud"{print $2; exit}' "$INI")
bus_spec=$(awk -F' *= *' '
	function flush() { if (addr != "") { s = s sep addr ":" role ":" (counter == "" ? 0 : counter); sep = "," } addr = "" }
	/^\[board / { flush(); a = $0; sub(/.*\//, "", a); sub(/\].*/, "", a); addr = a; role = ""; counter = ""; next }
	/^\[/ { flush(); next }
	addr != "" && $1 == "role" { role = $2 }
	addr != "" && $1 == "counter" { counter = $2 }
	END { flush(); print s }' "$INI")
if [ -n "$bus_port" ] && [ -n "$bus_spec" ] && [ -x "$B/onestop-boardsim" ]; then
	mkdir -p "$(dirname "$bus_port")"
	bus_fifo=$DEMO/boardsim.fifo
	rm -f "$bus_fifo"; mkfifo "$bus_fifo"
	"$B/onestop-boardsim" --link "$bus_port" --boards "$bus_spec" --baud "${bus_baud:-19200}" \
		--faces "$DEMO/boards.faces" --control "$DEMO/boards.ctl" >"$bus_fifo" &
	pids+=($!)
	exec 4<"$bus_fifo"
	bus_ready=0
	while IFS= read -r bus_line <&4; do
		case $bus_line in ready*) bus_ready=1; break;; esac
	done
	if [ $bus_ready = 1 ]; then
		cat <&4 >/dev/null &
		pids+=($!)
		echo "boards: simulator on $bus_port ($bus_spec); faces in $DEMO/boards.faces," \
			"control socket $DEMO/boards.ctl" >&2
	else
		echo "boards: the simulator did not start" >&2
	fi
fi
