#!/bin/sh
# install-deps.sh - make sure every Debian package the build, the demo and the
# tests need is installed.  As root it runs apt-get; otherwise it prints the
# exact command to run and fails.  Quick when nothing is missing.
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev valgrind
libmodbus-dev libusb-1.0-0-dev libserialport-dev libsdl2-dev libsdl2-ttf-dev
libsqlite3-dev sqlite3 libmicrohttpd-dev libcjson-dev libinih-dev libcsv-dev
libsodium-dev libqrencode-dev libcurl4-openssl-dev libespeak-ng-dev
espeak-ng-data libcmocka-dev libunistring-dev libpng-dev libfreetype-dev
fonts-noto-core fonts-dejavu-core gcc-arm-none-eabi libnewlib-arm-none-eabi
qemu-system-arm socat mbpoll chromium umockdev libumockdev-dev zbar-tools
libzbar-dev sox curl prometheus poppler-utils libpq-dev postgresql kannel
kannel-extras"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# node and npm drive the browser tests; any install of them will do.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "install-deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q || true
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
else
	echo "install-deps: missing Debian packages:$missing" >&2
	echo "run as root:  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
