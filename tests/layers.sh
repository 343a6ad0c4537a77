#!/bin/bash
# layers.sh - `make layers`: every #include "..." of the tree must name a
# file of its own layer or of a layer below it (host/docs/layers.md).
#
# A layer is a folder; the table below says which layers each may use.  An
# include names its layer from the layer's root ("core/engine.h" is
# host/core/engine.h, "printers/ticket.h" is printers/ticket.h,
# "firmware/proto/board_regs.h" is the board register map); the firmware
# names its own files from firmware/ ("core/board.h").  Tests may include
# anything, and their own helpers by a relative path.
#
# Prints one line per violation and a closing "layers: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")/.." && pwd)

# --self-test: the check must fail on a tree with an upward, a sideways and
# an unnamed include, and pass on the same tree without them.
if [ "${1:-}" = --self-test ]; then
	t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
	mkdir -p "$t/host/common" "$t/host/core" "$t/printers"
	echo '#include "common/a.h"' >"$t/host/core/e.h"
	echo '#include "common/a.h"' >"$t/printers/p.h"
	: >"$t/host/common/a.h"
	(cd "$t" && "$here/tests/layers.sh" --root .) >"$t/ok.out" ||
		{ echo "layers self-test: a clean tree failed"; cat "$t/ok.out"; exit 1; }
	echo '#include "core/e.h"' >>"$t/host/common/a.h"        # upward
	echo '#include "core/e.h"' >>"$t/printers/p.h"           # sideways
	echo '#include "a.h"' >"$t/host/core/f.c"                # unnamed
	if (cd "$t" && "$here/tests/layers.sh" --root .) >"$t/bad.out"; then
		echo "layers self-test: a bad tree passed"; exit 1
	fi
	n=$(grep -c 'may not use\|does not name' "$t/bad.out")
	[ "$n" = 3 ] || { echo "layers self-test: $n of 3 found"; cat "$t/bad.out"; exit 1; }
	echo "layers self-test: 2 passed, 0 failed"
	exit 0
fi
if [ "${1:-}" = --root ]; then cd "$2"; else cd "$here"; fi

# layer: the layers it may include (itself first).
declare -A ALLOW=(
	[common]="common"
	[proto]="proto common"
	[fwproto]="fwproto"
	[core]="core proto common"
	[printers]="printers common"
	[displays]="displays proto common"
	[dstats]="dstats core proto common"
	[ddev]="ddev core proto common printers fwproto"
	[dnotify]="dnotify core proto common"
	[dexport]="dexport core proto common"
	[dhttp]="dhttp dstats ddev dnotify core proto common printers"
	[daemon]="daemon dhttp dstats ddev dexport dnotify core proto common printers fwproto"
	[tools]="tools core proto common"
	[fwcore]="fwcore fwproto"
	[fwmcu]="fwmcu fwcore fwproto"
	[fwstm32f030]="fwstm32f030 fwcore fwproto"
	[fwsim]="fwsim fwcore fwproto"
	[tests]="*"
)

# The layer of a path, or "" when the path is in none.
layer_of() {
	case $1 in
	host/common/*) echo common ;;
	host/proto/*) echo proto ;;
	host/core/*) echo core ;;
	host/daemon/stats/*) echo dstats ;;
	host/daemon/dev/*) echo ddev ;;
	host/daemon/http/*) echo dhttp ;;
	host/daemon/export/*) echo dexport ;;
	host/daemon/notify/*) echo dnotify ;;
	host/daemon/*) echo daemon ;;
	host/tools/*) echo tools ;;
	printers/*) echo printers ;;
	displays/*) echo displays ;;
	firmware/proto/*) echo fwproto ;;
	firmware/core/*) echo fwcore ;;
	firmware/mcu/*) echo fwmcu ;;
	firmware/stm32f030/*) echo fwstm32f030 ;;
	firmware/sim/*) echo fwsim ;;
	tests/*) echo tests ;;
	*) echo "" ;;
	esac
}

# Where an include of file $1 naming $2 points, or "" when nowhere.
resolve() {
	local from=$1 name=$2 dir
	dir=$(dirname "$from")
	case $from in
	firmware/* | tests/unit/firmware/* | tests/bench/firmware/* | \
	tests/fuzz/firmware/* | tests/integration/firmware/*)
		[ -f "firmware/$name" ] && { echo "firmware/$name"; return; } ;;
	*)
		case $name in
		common/* | proto/* | core/* | daemon/* | tools/*)
			[ -f "host/$name" ] && { echo "host/$name"; return; } ;;
		printers/* | displays/* | firmware/proto/*)
			[ -f "$name" ] && { echo "$name"; return; } ;;
		esac ;;
	esac
	# Relative includes: only tests may use them (for their own helpers).
	case $from in
	tests/*) [ -f "$dir/$name" ] && { realpath --relative-to=. "$dir/$name"; return; } ;;
	esac
	echo ""
}

pass=0; fail=0
while IFS= read -r f; do
	from=$(layer_of "$f")
	[ -n "$from" ] || continue
	bad=0
	while IFS=: read -r line inc; do
		name=${inc#*\"}; name=${name%%\"*}
		target=$(resolve "$f" "$name")
		if [ -z "$target" ]; then
			echo "  $f:$line: #include \"$name\" does not name a layer's file"
			bad=1; continue
		fi
		to=$(layer_of "$target")
		allowed=${ALLOW[$from]}
		[ "$allowed" = "*" ] && continue
		case " $allowed " in
		*" $to "*) ;;
		*) echo "  $f:$line: #include \"$name\": $from may not use $to (${target})"
		   bad=1 ;;
		esac
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
	if [ $bad -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done < <(find host printers displays firmware tests -name '*.[ch]' 2>/dev/null | sort)
echo "layers: $pass passed, $fail failed"
[ $fail -eq 0 ]
