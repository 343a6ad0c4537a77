# tests/web.mk - statistics and web pages (issue 7): the browser tests of the
# staff console and manager dashboard, and the statistics benchmark.
# Included by the Makefile with "-include tests/web.mk".

# Headless Debian chromium driven by playwright-core (installed from npm into
# $(B)/npm by the script itself; node_modules never enter the tree).
INTEGRATION_TESTS += tests/integration/web/run.sh
# The visitor's status page /t/CODE on a 360 px phone (issue 14).
INTEGRATION_TESTS += tests/integration/web/status.sh
# The province's dashboard on a real PostgreSQL (issue 18).
INTEGRATION_TESTS += tests/integration/web/central.sh

# 2,000,000 tickets (BENCH_TICKETS=N for fewer): month, year, live timings.
BENCHES += $(B)/tests/bench/stats/bench_stats
$(B)/tests/bench/stats/bench_stats: $(B)/tests/bench/stats/bench_stats.o $(DAEMON_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(DAEMON_LINK) $(PKG_LIBS) $(PRINTERS_LIBS)
