#!/bin/bash
# bench_issue.sh - issuing tickets in onestopd beside a PostgreSQL peer doing
# the same durable transaction, in one run on one disk:
#   - PostgreSQL from Debian, initdb'd in a temp dir, on a Unix socket there
#     (no TCP port), fsync and synchronous_commit on, stopped by its pid;
#     pgbench with prepared statements runs "take the queue's next number
#     (UPDATE ... RETURNING) + insert the ticket" with 16 and 64 clients;
#   - build/tests/bench/host/bench_issue with 16 and 64 clients, the hall
#     filling from 0 to 3,000 waiting, with the fsync rate of the same run.
# The two alternate, round by round (5 each, a fresh daemon each round), so
# that what else loads the machine weighs on both alike.  Prints each round,
# then each side's median and spread and the ratios onestopd / PostgreSQL and
# onestopd / fsync rate, median and spread of the rounds' pairs.
# BENCH_ISSUE_TICKETS=N for another hall size, BENCH_ISSUE_ROUNDS=R for
# another number of rounds.
set -u
B=${B:-build}
N=${BENCH_ISSUE_TICKETS:-3000}
R=${BENCH_ISSUE_ROUNDS:-5}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
T=$(mktemp -d /tmp/onestop-bench-pg-XXXXXX)
pgpid=""
cleanup() {
	# postgres ends its children and exits on SIGTERM (smart shutdown is
	# not needed: the data is thrown away); wait for that pid alone.
	if [ -n "$pgpid" ] && kill "$pgpid" 2>/dev/null; then
		wait "$pgpid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT

if [ -x "$PGBIN/initdb" ] && [ "$(id -u)" != 0 -o -n "$(command -v runuser)" ]; then
	# PostgreSQL refuses to run as root: as root, run it as nobody.
	as() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
	[ "$(id -u)" = 0 ] && chown nobody "$T"
	as "$PGBIN/initdb" -D "$T/pg" -A trust -U bench >"$T/initdb.log" 2>&1 || {
		echo "bench issue: initdb failed"; cat "$T/initdb.log"; exit 1; }
	as "$PGBIN/postgres" -D "$T/pg" -k "$T" -c listen_addresses= -c fsync=on \
		-c synchronous_commit=on -c max_connections=100 >"$T/pg.log" 2>&1 &
	pgpid=$!
	for _ in $(seq 1 600); do
		as "$PGBIN/pg_isready" -q -h "$T" -U bench -d postgres && break
		kill -0 "$pgpid" 2>/dev/null || { echo "bench issue: postgres did not start"; cat "$T/pg.log"; exit 1; }
		sleep 0.05    # a bench polling a server's readiness, not a test
	done
	as "$PGBIN/psql" -q -h "$T" -U bench -d postgres -c "
		CREATE TABLE numbers (queue int PRIMARY KEY, next int NOT NULL);
		INSERT INTO numbers SELECT q, 0 FROM generate_series(1, 24) q;
		CREATE TABLE tickets (id bigserial PRIMARY KEY, queue int NOT NULL,
			number int NOT NULL, issued timestamptz NOT NULL);" >/dev/null
	cat >"$T/issue.sql" <<'EOF'
\set q random(1, 24)
BEGIN;
UPDATE numbers SET next = next + 1 WHERE queue = :q RETURNING next \gset
INSERT INTO tickets (queue, number, issued) VALUES (:q, :next, now());
COMMIT;
EOF
	[ "$(id -u)" = 0 ] && chown nobody "$T/issue.sql"
	pg_round() {   # one pgbench round of $1 clients: its tx/s
		as "$PGBIN/pgbench" -n -h "$T" -U bench -M prepared -c "$1" -j 2 \
			-t $(( (N + $1 - 1) / $1 )) -f "$T/issue.sql" postgres 2>&1 |
			sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1
	}
else
	echo "bench issue: no PostgreSQL server here ($PGBIN); the peer is skipped"
fi

# The median of the numbers given, and their spread "min-max".
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
	printf "%.0f (%d rounds: %.0f-%.0f)", v[int((NR + 1) / 2)], NR, v[1], v[NR] }'; }
ratio() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
	printf "%.2fx (rounds %.2f-%.2f)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }

# Rounds alternate between the two servers, so that what else loads the
# machine meanwhile weighs on both alike; each ratio is one round's pair.
for c in 16 64; do
	pg=() os=() fs=() rp=() rf=()
	for _ in $(seq 1 "$R"); do
		if [ -n "$pgpid" ]; then
			p=$(pg_round "$c")
			[ -n "$p" ] || { echo "bench issue: pgbench failed"; exit 1; }
			pg+=("$p")
		fi
		line=$("$B/tests/bench/host/bench_issue" -c "$c" -t "$N" -r 1) || { echo "$line"; exit 1; }
		echo "$line"
		o=$(echo "$line" | sed -n 's/.*waiting: \([0-9]*\)\/s.*/\1/p')
		f=$(echo "$line" | sed -n 's/.* \([0-9]*\) fsync\/s.*/\1/p')
		os+=("$o") fs+=("$f")
		rf+=("$(awk -v o="$o" -v f="$f" 'BEGIN { print (f > 0 ? o / f : 0) }')")
		[ -n "$pgpid" ] && rp+=("$(awk -v o="$o" -v p="$p" 'BEGIN { print o / p }')")
	done
	echo "bench issue: $c clients: onestopd $(median "${os[@]}") tickets/s, disk $(median "${fs[@]}") fsync/s"
	[ -n "$pgpid" ] && echo "bench issue: $c clients: PostgreSQL peer $(median "${pg[@]}") tx/s"
	[ -n "$pgpid" ] && echo "bench issue: $c clients: onestopd / PostgreSQL peer $(ratio "${rp[@]}") (goal >= 1)"
	echo "bench issue: $c clients: onestopd / fsync rate $(ratio "${rf[@]}") (goal >= 0.5)"
done
