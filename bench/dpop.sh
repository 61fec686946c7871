#!/usr/bin/env bash
# Server CPU a DPoP proof adds to a refresh (bench/README.md "DPoP"), in one run, on the packaged jar in the prod
# profile (generated key, rate limits off, mail off). USERS users (64) are registered over the API; each signs in
# without a proof (an unbound session) and with one from its own P-256 key (a bound session; bench/DpopLoad.java,
# proofs signed with jose4j). Then a WARMUP-second warm-up of each kind (20), and for each client count in CLIENTS
# ("1 8") ROUNDS (3) x (SECONDS (15) of bound refreshes, SECONDS of unbound refreshes).
#   bash bench/run.sh --dpop        (or bash bench/dpop.sh)
# PostgreSQL: as root on a Debian machine, the system cluster (started if down, stopped again at the end), in a
# fresh database; otherwise BENCH_JDBC_URL / BENCH_DB_USER / BENCH_DB_PASSWORD (an empty database, it is filled).
# Needs the packaged app (./mvnw package -DskipTests), java, psql, curl, openssl; the client's jars (jose4j, slf4j-api) come from
# the Maven project's own dependencies. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/database.sh
. bench/packaged.sh
users=${USERS:-64} clients=${CLIENTS:-"1 8"} seconds=${SECONDS_PER_PHASE:-15} warmup=${WARMUP:-20} rounds=${ROUNDS:-3}
port=18097
log() { echo "[dpop bench $(date -u +%T)] $*" >&2; }
bench_prepare

# ---- the load generator, compiled against the project's own jars ----
bench_load_generator '/(jose4j|slf4j-api)-[0-9][^/]*\.jar$' bench/DpopLoad.java

# ---- PostgreSQL ----
bench_database gatehouse_dpop_bench

# ---- the service ----
bench_start_service $port GATEHOUSE_HTTP_PUBLIC_BASE_URL="http://127.0.0.1:$port"

stamp=$(date -u +%Y%m%dT%H%MZ) prefix=bench-$RANDOM password=bench-password-$RANDOM-$RANDOM
results=bench/results/$stamp-dpop load0=$(cut -d' ' -f1-3 /proc/loadavg)
log "registering $users users"
bench_register_users $port "$prefix" "$users" "$password"
log "sign-ins, warm-up and load"
table=$(java -cp "$load_cp" DpopLoad "http://127.0.0.1:$port" "$prefix" "$users" "$password" "$app_pid" \
  "$(getconf CLK_TCK)" "$(tr ' ' , <<<"$clients")" "$seconds" "$warmup" "$rounds" "$results.csv")
rss=$(( $(awk '/VmRSS/ {print $2}' "/proc/$app_pid/status") / 1024 ))
proofs=$(sql 'select count(*) from dpop_proofs')
cat > "$results.md" <<MD
# Refresh of a DPoP-bound session against an unbound one, $stamp

\`bash bench/run.sh --dpop\` (USERS=$users, CLIENTS="$clients", SECONDS_PER_PHASE=$seconds, WARMUP=$warmup, ROUNDS=$rounds),
commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + working tree'),
$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(java -version 2>&1 | head -1),
PostgreSQL $(sql 'show server_version' | cut -d' ' -f1). Load average (1, 5, 15 min) at start $load0, at the end
$(cut -d' ' -f1-3 /proc/loadavg); RSS of the service at the end $rss MB; used proofs kept at the end: $proofs rows.
The app: the packaged jar, prod profile, -Xmx512m -XX:+UseParallelGC, RS256 access tokens, rate limits off, mail off,
gatehouse.http.public-base-url set. The load generator (bench/DpopLoad.java, JDK HttpClient, ES256 proofs signed with
jose4j before each timed request) on the same cores.

A bound refresh is POST /api/auth/refresh with a fresh DPoP proof from the session's key: the server verifies the
ES256 proof, stores its jti and rotates. An unbound refresh is the same call without a proof. The kinds alternate in
the same run (after a ${warmup} s warm-up of each), on the same $users users; CPU per refresh = utime + stime of the
service over the phase / successful refreshes.

$table
MD
cat "$results.md"
