#!/bin/bash
# golden.sh - every sample ticket (58/80 mm, raster and code page, native
# and raster QR, long wrapped procedure, 4-digit number, reprint) is encoded,
# printed by the emulator, and compared dot by dot with its golden picture in
# tests/golden/printers/; the QR code is read back from the picture with
# zbarimg and must give the ticket's URL, and found in the picture by its
# finder patterns with 4 modules of white on every side; the emulator must
# understand every byte.  The code page ticket is printed again by a printer
# that gives each tone mark its own cell: no line may be wider than the
# paper.  GOLDEN_UPDATE=1 rewrites the golden pictures (make
# printers-golden).
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
	# ISO/IEC 18004: 4 modules of white around the symbol
	q=$($gen quiet "$tmp/$c-1.png") || { echo "FAIL $c: QR quiet zone: $q"; fail=1; }
	want=$($gen url "$c")
	got=$(zbarimg -q --raw "$tmp/$c-1.png" 2>/dev/null)
	[ "$got" = "$want" ] || { echo "FAIL $c: QR gives '$got', want '$want'"; fail=1; }
	# the number is printed in the printer's font, so it is in the text
	num=${want##*-}
	grep -qx "$num" "$tmp/$c.txt" || { echo "FAIL $c: number $num not found in text"; fail=1; }
	[ $fail = 0 ] && echo "ok $c"
done
# the code page ticket carries its Vietnamese as text: it must read back,
# with the address under the centre and the priority class under the number
grep -q 'Cấp đổi giấy chứng nhận quyền sử dụng' "$tmp/t80-cp1258.txt" ||
	{ echo "FAIL t80-cp1258: Vietnamese text not read back"; fail=1; }
in_order() {   # CASE LINE... : these whole lines, one after the other
	local c=$1
	shift
	local IFS=$'\n' text
	text=$(<"$tmp/$c.txt")
	[[ $text$'\n' == *$'\n'"$*"$'\n'* ]] ||
		{ echo "FAIL $c: lines not read back in order: $*"; fail=1; }
}
in_order t80-cp1258 'Thiên Huế' 'Số 01 Lê Lai, phường Vĩnh Ninh, thành phố' \
	'Huế, tỉnh Thừa Thiên Huế' 'SỐ THỨ TỰ' 2517 'Phụ nữ mang thai' 'Đất đai'
# ... and on a printer that prints each CP1258 tone mark in its own cell
# every line still fits the paper (the emulator reports a line it wraps)
c=t80-cp1258
if ! $emu decode "$tmp/$c.bin" --paper 576 --marks apart --text "$tmp/$c-apart.txt" \
	>"$tmp/$c-apart.out" 2>&1; then
	echo "FAIL $c: with tone marks in cells of their own:"; cat "$tmp/$c-apart.out"; fail=1
fi
in_order t80-cp1258-apart 'SỐ THỨ TỰ' 2517 'Phụ nữ mang thai' 'Đất đai'
# user-defined characters: every Vietnamese line is printer text whose
# downloaded letters read back (the emulator names each pattern by the
# letter it is); the only raster left is a QR code on printers without one
udc_text() {   # CASE RASTER-IMAGES TEXT...
	local c=$1 n=$2 got
	shift 2
	got=$(grep -c '^\[raster' "$tmp/$c.txt")
	[ "$got" = "$n" ] || { echo "FAIL $c: $got raster images, want $n"; fail=1; }
	grep -q $'\xef\xbf\xbd' "$tmp/$c.txt" && { echo "FAIL $c: unknown pattern"; fail=1; }
	for t in "$@"; do
		grep -qF -- "$t" "$tmp/$c.txt" || { echo "FAIL $c: '$t' not read back"; fail=1; }
	done
}
udc_text t58-udc 1 'Trung tâm Phục vụ hành chính' 'SỐ THỨ TỰ' 'Hộ tịch' \
	'thông thủ tục hành chính)' 'Giờ lấy số: 08:15 28/11/2026' 'đến lượt.'
in_order t58-udc 'công tỉnh Thừa Thiên Huế' 'Số 01 Lê Lai, phường Vĩnh Ninh,' \
	'thành phố Huế, tỉnh Thừa Thiên' 'Huế' 'SỐ THỨ TỰ' 1024 'Người cao tuổi' 'Hộ tịch'
udc_text t80-udc 0 'Cấp đổi giấy chứng nhận quyền sử dụng đất, quyền' 'Đất đai'
in_order t80-udc 'SỐ THỨ TỰ' 2517 'Đất đai'
udc_text t58-udc-reprint 1 '*** BẢN IN LẠI ***' 'Đầu tư'
udc_text t80-udc-marks 1 'Tư pháp – Hộ tịch' 'dữ liệu; đăng ký kết hôn ngày lễ;' \
	'ẤN, ẦU, ẪN, ỄN, ỖN, ỮA; quyết'
in_order t80-udc-marks 'Số 01 Lê Lai, phường Vĩnh Ninh, thành phố Huế,' \
	'tỉnh Thừa Thiên Huế' 'SỐ THỨ TỰ' 3108 'Người có công với cách' 'mạng' \
	'Tư pháp – Hộ tịch'
exit $fail
