# host/daemon/daemon.mk - onestopd: the HTTP server and its routes (http/),
# the device threads (dev/: RS-485 lines, printers), the statistics (stats/),
# SMS notifications (notify/: the outbox and its sender thread)
# and the daemon's main.  Uses core/, common/, printers/ and the board
# register map (firmware/proto/).

DAEMON_SRCS := $(wildcard host/daemon/http/*.c host/daemon/dev/*.c host/daemon/stats/*.c \
	host/daemon/export/*.c host/daemon/notify/*.c)
DAEMON_OBJS := $(DAEMON_SRCS:%.c=$(B)/%.o)
$(B)/host/daemon/%.o: INC = -Ihost -I.

$(LIB_DAEMON): $(DAEMON_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

DAEMON_LINK = $(LIB_DAEMON) $(LIB_PRINTERS) $(LIB_CORE) $(LIB_PROTO) $(LIB_COMMON)
PROGRAMS += $(B)/onestopd
$(B)/onestopd: $(B)/host/daemon/onestopd.o $(DAEMON_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(DAEMON_LINK) $(PKG_LIBS) $(PRINTERS_LIBS)

# Unit tests: tests/unit/host/daemon/test_NAME.c, one per module.
DAEMON_UNIT_TESTS := $(patsubst %.c,$(B)/%,$(wildcard tests/unit/host/daemon/test_*.c))
UNIT_TESTS += $(DAEMON_UNIT_TESTS)
$(DAEMON_UNIT_TESTS): %: %.o $(DAEMON_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(DAEMON_LINK) $(PKG_LIBS) $(PRINTERS_LIBS) $(CMOCKA_LIBS)

# Integration tests of the daemon: tests/integration/host/*.sh.
# tsan.sh runs some of them again against the ThreadSanitizer build (make
# check-tsan).
INTEGRATION_TESTS += $(sort $(filter-out tests/integration/host/tsan.sh,\
	$(wildcard tests/integration/host/*.sh)))

# Fuzz target: raw bytes over loopback into the in-process HTTP API.
FUZZ_TARGETS += host/http
build/fuzz/fuzz-host-http: $(B)/tests/fuzz/host/daemon/fuzz_http.o $(DAEMON_LINK)
	$(CC) -fsanitize=fuzzer,address,undefined -o $@ $< $(DAEMON_LINK) $(PKG_LIBS) $(PRINTERS_LIBS)
