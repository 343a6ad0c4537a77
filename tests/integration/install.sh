#!/bin/sh
# install.sh - `make install` is safe to run again on a configured machine:
# installed twice into a DESTDIR with an edit of /etc/onestop/centre.ini in
# between, the edit is kept and the new template goes beside it as
# centre.ini.new; the installed default is the production template (the
# state directory's database, a public_url to set, a real listen address),
# not the demo, and it passes onestopd -n; the units are installed with
# StateDirectory=onestop and the backup timer.  Uses the programs already
# built in $B (make check builds them first).
set -eu
B=${B:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/onestop-install-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
etc=$root/etc/onestop
units=$root/lib/systemd/system
failed=0

ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; failed=1; }
check() { what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
inst() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$top" --no-print-directory \
		install-files B="$B" DESTDIR="$root" \
		PREFIX=/usr/local >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; return 1; }
}
hasline() { grep -qx -- "$2" "$1"; }

check "first install into an empty DESTDIR" inst
check "centre.ini is the production template" cmp -s config/production/centre.ini "$etc/centre.ini"
check "centre.ini is not the demo" sh -c "! cmp -s config/demo/centre.ini '$etc/centre.ini'"
check "procedures.csv is installed" cmp -s config/production/procedures.csv "$etc/procedures.csv"
check "database = /var/lib/onestop/onestop.db" hasline "$etc/centre.ini" "database = /var/lib/onestop/onestop.db"
check "a listen address on the network" hasline "$etc/centre.ini" "listen = 0.0.0.0"
check "a public_url to set" grep -q "^public_url = https://" "$etc/centre.ini"
check "no .new file after a first install" sh -c "! ls '$etc' | grep -q '\.new$'"
check "the template passes onestopd -n" "$B/onestopd" -n -c "$etc/centre.ini" -d "$tmp/check.db"
check "onestopd.service has StateDirectory=onestop" hasline "$units/onestopd.service" "StateDirectory=onestop"
check "onestopd.service runs the installed onestopd" grep -q "^ExecStart=/usr/local/bin/onestopd " "$units/onestopd.service"
check "the backup service and timer are installed" test -f "$units/onestop-backup.service" -a -f "$units/onestop-backup.timer"
check "the backup service keeps rotating backups" grep -q "^ExecStart=/usr/local/bin/onestopctl backup .*--keep [0-9]" "$units/onestop-backup.service"
check "the programs are installed" test -x "$root/usr/local/bin/onestopd" -a -x "$root/usr/local/bin/onestopctl"
check "the demo goes to share/onestop/demo" cmp -s config/demo/centre.ini "$root/usr/local/share/onestop/demo/centre.ini"

# The centre fills in its name; the next make install must keep it.
sed -i 's/^name = Trung tâm Phục vụ hành chính công tỉnh \.\.\.$/name = Trung tâm Phục vụ hành chính công tỉnh Quảng Trị/' "$etc/centre.ini"
cp "$etc/centre.ini" "$tmp/edited.ini"
check "the edit is made" grep -q "Quảng Trị" "$etc/centre.ini"
check "second install over the edited file" inst
check "the edited centre.ini is kept as it is" cmp -s "$tmp/edited.ini" "$etc/centre.ini"
check "the new template is beside it as centre.ini.new" cmp -s config/production/centre.ini "$etc/centre.ini.new"
check "install says what it kept" grep -q "kept $etc/centre.ini" "$tmp/install.log"
check "an unchanged procedures.csv gets no .new" test ! -e "$etc/procedures.csv.new"
check "third install: still kept" inst
check "the edited centre.ini is still kept" cmp -s "$tmp/edited.ini" "$etc/centre.ini"

[ $failed -eq 0 ] && echo "install: all checks passed"
exit $failed
