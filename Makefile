# onestop - one non-recursive Makefile for everything.
#
#   make            build everything (into build/)
#   make check      every test: the layers, unit, integration, fuzz
#                   (bounded), a sanitizer build (build/san) running the
#                   unit tests again, and the daemon under ThreadSanitizer
#                   (build/tsan)
#   make test T=engine   one module's unit test
#   make layers     no #include points upward or sideways
#   make run        the demo centre
#   make bench      benchmarks, with figures and ratios
#   make fuzz       the fuzz targets for longer (FUZZ_SECONDS, default 300)
#   make valgrind   unit tests under valgrind
#   make install    PREFIX=/usr/local DESTDIR=
#
# The entry points first make sure the Debian packages are installed
# (config/install-deps.sh), then run the real work in a sub-make so that
# pkg-config sees the packages.  Per-folder fragments (firmware/firmware.mk,
# printers/printers.mk, displays/displays.mk) add their own programs and
# tests to the lists below.

.SUFFIXES:
.DEFAULT_GOAL := all
SHELL := /bin/bash

B ?= build
PREFIX ?= /usr/local
DESTDIR ?=
SANITIZE ?=
WERROR ?= 1
FUZZ_SECONDS ?= 300
FUZZ_CHECK_SECONDS ?= 20
CC ?= cc

PKGS := libmodbus libusb-1.0 libserialport sdl2 SDL2_ttf sqlite3 libmicrohttpd \
	libcjson inih libsodium libqrencode libcurl espeak-ng libpng16 libpq
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = -Wl,--as-needed $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lunistring -lm -lpthread

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wpointer-arith -Wwrite-strings -Wundef -Wvla \
	-Wold-style-definition -Wnull-dereference -Wimplicit-fallthrough
ifeq ($(WERROR),1)
WARN += -Werror
endif

# Quiet by default; V=1 shows every command.
ifeq ($(V),1)
Q :=
else
Q := @
endif

OPT ?= -O2
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -g $(OPT) $(WARN) -MMD -MP
ifneq ($(SANITIZE),)
CFLAGS_BASE += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS_SAN := -fsanitize=$(SANITIZE)
endif
ALL_CFLAGS = $(CFLAGS_BASE) $(INC) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS_SAN) $(LDFLAGS)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

# Libraries of the folders, lowest layer last (rules in the fragments).
LIB_COMMON := $(B)/libonestop-common.a
LIB_PROTO := $(B)/libonestop-proto.a
LIB_CORE := $(B)/libonestop-core.a
LIB_PRINTERS := $(B)/libonestop-printers.a
LIB_DISPLAYS := $(B)/libonestop-displays.a
LIB_DAEMON := $(B)/libonestop-daemon.a
LIB_TOOLS := $(B)/libonestop-tools.a
# What a host program or test links, each library once, in layer order.
LINK_HOST = $(LIB_TOOLS) $(LIB_DAEMON) $(LIB_PRINTERS) $(LIB_CORE) $(LIB_PROTO) $(LIB_COMMON)

# Lists that the fragments append to.
PROGRAMS :=          # installed binaries
UNIT_TESTS :=        # cmocka binaries, run by check-unit (normal and san)
INTEGRATION_TESTS := # scripts or binaries, run by check-integration
FUZZ_TARGETS :=      # names: tests/fuzz/fuzz_NAME.c, linked with LIB_*
FUZZ_LIBS :=         # extra objects for fuzz builds (per fragment)
BENCHES :=           # programs or scripts run by make bench
CHECK_EXTRA :=       # other check steps (targets)
CLEAN_EXTRA :=

# ---- the layers ----------------------------------------------------------------
#
# Each folder's fragment lists its sources, builds its library and names the
# include roots its objects may use (INC, set per folder as a pattern-specific
# variable).  Includes name the layer ("core/engine.h", "printers/ticket.h");
# `make layers` (tests/layers.sh, part of make check) fails on an include that
# points upward or sideways.  Link lines name each library once, in layer
# order: $(LINK_HOST) below.  See host/docs/layers.md.

# The default for anything not covered by a folder (tests narrow it).
$(B)/%.o: INC = -Ihost -I.

# Default rule of every object.
$(B)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

include host/common/common.mk
include host/proto/proto.mk
include host/core/core.mk
include printers/printers.mk
include displays/displays.mk
include host/daemon/daemon.mk
include host/tools/tools.mk
include firmware/firmware.mk
include tests/tests.mk
include tests/bus.mk
include tests/sim.mk
include tests/web.mk

# ---- entry points ------------------------------------------------------------

.PHONY: all deps build check run bench fuzz valgrind install install-files clean layers test _test \
	check-unit check-integration check-san check-tsan check-fuzz _check _run _bench _fuzz

deps:
	@sh config/install-deps.sh

all: deps
	@$(MAKE) --no-print-directory -j$(NPROC) build

build: $(PROGRAMS) $(UNIT_TESTS)

# Builds run on every core; tests run one at a time.
NPROC := $(shell nproc 2>/dev/null || echo 2)

check: deps
	@$(MAKE) --no-print-directory -j$(NPROC) build
	@$(MAKE) --no-print-directory _check

# Everything, with one closing line "N passed, N failed" per phase from
# tests/run-tests.sh; any failure fails the whole.
_check: build
	@$(MAKE) --no-print-directory layers
	@tests/run-tests.sh unit $(UNIT_TESTS)
	@B=$(B) tests/run-tests.sh integration $(INTEGRATION_TESTS)
	@$(MAKE) --no-print-directory check-san
	@$(MAKE) --no-print-directory check-tsan
	@$(MAKE) --no-print-directory check-fuzz FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS)
	@for t in $(CHECK_EXTRA); do $(MAKE) --no-print-directory $$t || exit 1; done
	@echo "check: $(words layers unit integration unit-san daemon-tsan fuzz $(CHECK_EXTRA)) passed, 0 failed"

# No #include points upward or sideways (host/docs/layers.md).
layers:
	@tests/layers.sh --self-test
	@tests/layers.sh

# One module's unit test, for the newcomer: make test T=engine.
test: deps
	@$(MAKE) --no-print-directory _test
_test:
	@t='$(filter %/test_$(T),$(UNIT_TESTS))'; \
	if [ -z "$(T)" ] || [ -z "$$t" ]; then \
		echo "usage: make test T=NAME, NAME one of:"; \
		echo "  $(sort $(patsubst test_%,%,$(notdir $(UNIT_TESTS))))" | fold -s -w 76; \
		exit 2; \
	fi; \
	$(MAKE) --no-print-directory -j$(NPROC) $$t && tests/run-tests.sh unit $$t

check-unit: build
	@tests/run-tests.sh unit $(UNIT_TESTS)

check-integration: build
	@B=$(B) tests/run-tests.sh integration $(INTEGRATION_TESTS)

# The unit tests again, built with ASan and UBSan.
check-san:
	@$(MAKE) --no-print-directory -j$(NPROC) B=build/san SANITIZE=address,undefined OPT=-O1 build
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		tests/run-tests.sh unit-san $(subst $(B)/,build/san/,$(UNIT_TESTS))

# The daemon built with ThreadSanitizer (build/tsan) under the API, hostile
# traffic and operations tests: any report from its threads fails.
check-tsan:
	@$(MAKE) --no-print-directory -j$(NPROC) B=build/tsan SANITIZE=thread OPT=-O1 build/tsan/onestopd
	@B=$(B) TSAN_B=build/tsan tests/run-tests.sh daemon-tsan tests/integration/host/tsan.sh

# libFuzzer targets, built with clang into build/fuzz.
FUZZ_BINS = $(foreach t,$(FUZZ_TARGETS),build/fuzz/fuzz-$(subst /,-,$(t)))
check-fuzz fuzz:
	@[ -z "$(FUZZ_TARGETS)" ] || $(MAKE) --no-print-directory -j$(NPROC) B=build/fuzz CC=clang \
		SANITIZE=fuzzer-no-link,address,undefined OPT=-O1 FUZZ_BUILD=1 $(FUZZ_BINS)
	@tests/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BINS)


valgrind: build
	@VALGRIND=1 tests/run-tests.sh valgrind $(UNIT_TESTS)

run: deps
	@$(MAKE) --no-print-directory _run

_run: build
	@tests/run-demo.sh $(B)

bench: deps
	@$(MAKE) --no-print-directory _bench

_bench: build $(BENCHES)
	@tests/run-bench.sh $(B) $(BENCHES)

# make install: the programs, the web pages, the systemd units (with PREFIX
# written into their paths), the udev rules, and the production template of
# the configuration (config/production/) into /etc/onestop, where a file that
# exists is never overwritten: a differing new version goes beside it as
# NAME.new (config/install-conf.sh).  The demo centre goes to
# $(PREFIX)/share/onestop/demo/ as an example.  tests/integration/install.sh
# installs twice into a DESTDIR with an edit in between.
CONF_FILES := config/production/centre.ini config/production/procedures.csv
UNIT_FILES := config/onestopd.service config/onestop-backup.service \
	config/onestop-backup.timer

install: build
	@$(MAKE) --no-print-directory install-files

install-files:
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)/lib/systemd/system \
		$(DESTDIR)/lib/udev/rules.d $(DESTDIR)$(PREFIX)/share/onestop/web \
		$(DESTDIR)$(PREFIX)/share/onestop/demo
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	@sh config/install-conf.sh $(DESTDIR)/etc/onestop $(CONF_FILES)
	for u in $(UNIT_FILES); do \
		sed 's|/usr/local/|$(PREFIX)/|g' $$u > $(DESTDIR)/lib/systemd/system/$$(basename $$u).tmp && \
		chmod 644 $(DESTDIR)/lib/systemd/system/$$(basename $$u).tmp && \
		mv $(DESTDIR)/lib/systemd/system/$$(basename $$u).tmp \
			$(DESTDIR)/lib/systemd/system/$$(basename $$u) || exit 1; \
	done
	install -m 644 config/60-onestop.rules $(DESTDIR)/lib/udev/rules.d/
	install -m 644 host/web/* $(DESTDIR)$(PREFIX)/share/onestop/web/
	install -m 644 config/demo/*.ini config/demo/*.csv $(DESTDIR)$(PREFIX)/share/onestop/demo/
	install -m 644 config/README.md $(DESTDIR)$(PREFIX)/share/onestop/README.md

clean:
	rm -rf build $(CLEAN_EXTRA)

-include $(shell find build -name '*.d' 2>/dev/null)
.SECONDARY:
