# tests/tests.mk - test programs and benchmarks that are not one-per-module
# unit tests: the host's integration test programs (torture, API test) with
# their shared harness, and the API benchmark.  Included by the top Makefile.
#
# TEST_PROGRAMS are built by `make build` (so `make check` has them before
# the integration phase runs the scripts in tests/integration/host/*.sh,
# which the top Makefile lists).

HOST_HARNESS := $(B)/tests/integration/host/harness.o
# Kannel, child processes and INI sections of the SMS and booking tests.
HOST_PEERS := $(B)/tests/integration/host/peers.o
TEST_PROGRAMS += $(B)/tests/integration/host/torture \
	$(B)/tests/integration/host/api_test \
	$(B)/tests/integration/host/hostile \
	$(B)/tests/integration/host/booking_test \
	$(B)/tests/integration/host/ops \
	$(B)/tests/integration/host/flood \
	$(B)/tests/integration/host/audit_test \
	$(B)/tests/bench/host/bench_api \
	$(B)/tests/bench/host/bench_login \
	$(B)/tests/bench/host/bench_flood

$(B)/tests/integration/host/torture: $(B)/tests/integration/host/torture.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/integration/host/api_test: $(B)/tests/integration/host/api_test.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/integration/host/hostile: $(B)/tests/integration/host/hostile.o $(HOST_PEERS) $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/integration/host/booking_test: $(B)/tests/integration/host/booking_test.o $(HOST_PEERS) $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Bookings per second the API takes durably (booking_test --bench).
BENCHES += tests/bench/host/bench_booking.sh

$(B)/tests/integration/host/ops: $(B)/tests/integration/host/ops.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/integration/host/flood: $(B)/tests/integration/host/flood.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/integration/host/audit_test: $(B)/tests/integration/host/audit_test.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/bench/host/bench_api: $(B)/tests/bench/host/bench_api.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Issuing with the hall filling, beside a PostgreSQL peer (bench_issue.sh).
TEST_PROGRAMS += $(B)/tests/bench/host/bench_issue
$(B)/tests/bench/host/bench_issue: $(B)/tests/bench/host/bench_issue.o $(B)/tests/bench/host/benchnet.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
BENCHES += tests/bench/host/bench_issue.sh

# Issuing beside 1,000 event streams that read, against none (issue 19).
TEST_PROGRAMS += $(B)/tests/bench/host/bench_streams
$(B)/tests/bench/host/bench_streams: $(B)/tests/bench/host/bench_streams.o $(B)/tests/bench/host/benchnet.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
BENCHES += $(B)/tests/bench/host/bench_streams

# SMS notifications through a real Kannel and a bad gateway; with --bench,
# the time from a call to its message at the gateway (bench_sms.sh).
TEST_PROGRAMS += $(B)/tests/integration/host/sms
$(B)/tests/integration/host/sms: $(B)/tests/integration/host/sms.o $(HOST_PEERS) $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
BENCHES += tests/bench/host/bench_sms.sh

# Hostile visitors of the public booking routes: rate limits (book_limits.sh).
TEST_PROGRAMS += $(B)/tests/integration/host/book_limits
$(B)/tests/integration/host/book_limits: $(B)/tests/integration/host/book_limits.o $(HOST_PEERS) $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The day-before reminder of bookings through a real Kannel (reminder.sh).
TEST_PROGRAMS += $(B)/tests/integration/host/reminder
$(B)/tests/integration/host/reminder: $(B)/tests/integration/host/reminder.o $(HOST_PEERS) $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/bench/host/bench_login: $(B)/tests/bench/host/bench_login.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/bench/host/bench_flood: $(B)/tests/bench/host/bench_flood.o $(B)/tests/bench/host/benchnet.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

build: $(TEST_PROGRAMS)

# make install, twice into a DESTDIR with an edit in between.
INTEGRATION_TESTS += tests/integration/install.sh

BENCHES += $(B)/tests/bench/host/bench_api $(B)/tests/bench/host/bench_login \
	tests/bench/host/bench_flood.sh

# Issue 18: two centres export to a real PostgreSQL, killed and restarted,
# one of them through a relay that cuts the network path
# (tests/integration/host/export.sh).
TEST_PROGRAMS += $(B)/tests/integration/host/export
$(B)/tests/integration/host/export: $(B)/tests/integration/host/export.o $(B)/tests/integration/host/pgtest.o $(B)/tests/integration/host/relay.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The export's rate and lag against a real PostgreSQL, from one centre and
# from 12 onestopd centres at once (make bench).
TEST_PROGRAMS += $(B)/tests/bench/host/bench_export
$(B)/tests/bench/host/bench_export: $(B)/tests/bench/host/bench_export.o $(B)/tests/integration/host/pgtest.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
BENCHES += $(B)/tests/bench/host/bench_export
build: $(B)/tests/integration/host/export $(B)/tests/bench/host/bench_export

# The province's dashboard over real HTTP on a real PostgreSQL
# (tests/integration/host/central.sh).
TEST_PROGRAMS += $(B)/tests/integration/host/central
$(B)/tests/integration/host/central: $(B)/tests/integration/host/central.o $(B)/tests/integration/host/pgtest.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
build: $(B)/tests/integration/host/central

# A year's province report: 12 centres x 1 year of simulated days (make bench).
TEST_PROGRAMS += $(B)/tests/bench/host/bench_central
$(B)/tests/bench/host/bench_central: $(B)/tests/bench/host/bench_central.o $(B)/tests/integration/host/pgtest.o $(HOST_HARNESS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
BENCHES += $(B)/tests/bench/host/bench_central
build: $(B)/tests/integration/host/central $(B)/tests/bench/host/bench_central
