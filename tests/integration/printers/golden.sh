#!/bin/bash
# golden.sh - every sample ticket (58/80 mm, raster and code page, native
# and raster QR, long wrapped procedure, 4-digit number, reprint) is encoded,
# printed by the emulator, and compared dot by dot with its golden picture in
# tests/golden/printers/; the QR code is read back from the picture with
# zbarimg and must give the ticket's URL; the emulator must understand every
# byte.  GOLDEN_UPDATE=1 rewrites the golden pictures (make printers-golden).
set -u
B=${B:-build}
gen=$B/tests/printers/ticketgen
emu=$B/onestop-printemu
golden=tests/golden/printers
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for c in $($gen list); do
	case $c in t58*) paper=384 ;; *) paper=576 ;; esac
	$gen "$c" "$tmp/$c.bin" >/dev/null || { echo "FAIL $c: encode"; fail=1; continue; }
	if ! $emu decode "$tmp/$c.bin" --paper $paper --png "$tmp/$c-%d.png" \
		--text "$tmp/$c.txt" >"$tmp/$c.out" 2>&1; then
		echo "FAIL $c: emulator reported:"; cat "$tmp/$c.out"; fail=1; continue
	fi
	grep -q '^1 pages, 0 reports$' "$tmp/$c.out" || { echo "FAIL $c: not one clean page"; fail=1; }
	if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
		cp "$tmp/$c-1.png" "$golden/$c.png"; echo "updated $golden/$c.png"
	elif ! $gen cmp "$tmp/$c-1.png" "$golden/$c.png"; then
		echo "FAIL $c: picture differs from $golden/$c.png (kept in build/printers-golden-diff)"
		mkdir -p "$B/printers-golden-diff"; cp "$tmp/$c-1.png" "$B/printers-golden-diff/$c.png"
		fail=1
	fi
	want=$($gen url "$c")
	got=$(zbarimg -q --raw "$tmp/$c-1.png" 2>/dev/null)
	[ "$got" = "$want" ] || { echo "FAIL $c: QR gives '$got', want '$want'"; fail=1; }
	# the number is printed in the printer's font, so it is in the text
	num=${want##*-}
	grep -qx "$num" "$tmp/$c.txt" || { echo "FAIL $c: number $num not found in text"; fail=1; }
	[ $fail = 0 ] && echo "ok $c"
done
# the code page ticket carries its Vietnamese as text: it must read back
grep -q 'Cấp đổi giấy chứng nhận quyền sử dụng đất, quyền' "$tmp/t80-cp1258.txt" ||
	{ echo "FAIL t80-cp1258: Vietnamese text not read back"; fail=1; }
exit $fail
