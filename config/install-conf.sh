#!/bin/sh
# install-conf.sh DIR FILE... - install configuration files into DIR the way
# Debian packages treat conffiles: a file that is not there is installed; one
# that is there is never overwritten (the centre edited it): when it differs
# from the new version, that version goes beside it as NAME.new, for the
# admin to compare (diff -u DIR/NAME DIR/NAME.new) and merge.
set -eu
dir=$1; shift
install -d -m 755 "$dir"
for f in "$@"; do
	t=$dir/$(basename "$f")
	if [ ! -e "$t" ]; then
		install -m 644 "$f" "$t"
		echo "install-conf: installed $t"
	elif cmp -s "$f" "$t"; then
		rm -f "$t.new"
	else
		install -m 644 "$f" "$t.new"
		echo "install-conf: kept $t (changed here); the new version is $t.new"
	fi
done
