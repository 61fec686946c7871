#!/usr/bin/env bash
# The example resource server's CPU per request with and without clients/resource-server (bench/README.md
# "Revocation feed"), in one run: the packaged Gatehouse in the prod profile (generated key, rate limits off, mail off,
# the feed on, a 1 h access-token ttl) and two instances of examples/resource-server (the library installed and the
# example built first), one following the feed and one with gatehouse.revocation-feed.enabled=false. Before the
# load, REVOKED (10000) sessions are signed in and logged out, so the library holds that many facts. Then a
# WARMUP-second warm-up of each (20), and for each client count in CLIENTS ("1 8") ROUNDS (3) x (SECONDS (15) against
# the one with the library, SECONDS against the one without), GET /api/orders with one valid token.
#   bash bench/resource-server.sh
# PostgreSQL: as root on a Debian machine, the system cluster (started if down, stopped again at the end), in a
# fresh database; otherwise BENCH_JDBC_URL / BENCH_DB_USER / BENCH_DB_PASSWORD. Needs the packaged app
# (./mvnw package -DskipTests), java, psql, curl, openssl. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/database.sh
. bench/packaged.sh
clients=${CLIENTS:-"1 8"} seconds=${SECONDS_PER_PHASE:-15} warmup=${WARMUP:-20} rounds=${ROUNDS:-3} revoked=${REVOKED:-10000}
port=18099
log() { echo "[resource-server bench $(date -u +%T)] $*" >&2; }
bench_prepare
with_pid= without_pid=
stop_examples() { for pid in $with_pid $without_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }
trap 'stop_examples; bench_cleanup' EXIT

# ---- the load generator, the library and the example ----
bench_load_generator '/slf4j-api-[0-9][^/]*\.jar$' bench/ResourceServerLoad.java
(cd clients/resource-server && ../../mvnw -B -q install -DskipTests)
(cd examples/resource-server && ../../mvnw -B -q package -DskipTests)

# ---- PostgreSQL and Gatehouse ----
bench_database gatehouse_rs_bench
secret=$(openssl rand -hex 32)
bench_start_service $port GATEHOUSE_REVOCATION_FEED_SECRETS="$secret" GATEHOUSE_ACCESS_TOKEN_TTL=PT1H \
  GATEHOUSE_JWT_ISSUER=https://bench.test GATEHOUSE_JWT_AUDIENCE=bench

# ---- the two examples ----
start_example() { # <port> <enabled>
  env -i PATH="$PATH" QUARKUS_HTTP_PORT="$1" GATEHOUSE_JWKS_URL="http://127.0.0.1:$port/.well-known/jwks.json" \
    GATEHOUSE_ISSUER=https://bench.test GATEHOUSE_AUDIENCE=bench GATEHOUSE_URL="http://127.0.0.1:$port" \
    GATEHOUSE_REVOCATION_FEED_SECRET="$secret" GATEHOUSE_REVOCATION_FEED_ENABLED="$2" \
    java -Xmx256m -XX:+UseParallelGC -jar examples/resource-server/target/quarkus-app/quarkus-run.jar > "$work/example-$1.log" 2>&1 &
}
start_example 18201 true; with_pid=$!
start_example 18202 false; without_pid=$!
for p in 18201 18202; do
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$p/q/health/ready" >/dev/null && break; sleep 0.1; done
done

# ---- facts for the library to hold, and the token ----
stamp=$(date -u +%Y%m%dT%H%MZ) password=bench-password-$RANDOM-$RANDOM email=bench-$RANDOM@bench.invalid
results=bench/results/$stamp-resource-server load0=$(cut -d' ' -f1-3 /proc/loadavg)
bench_register_users $port "${email%@*}" 1 "$password"
user="${email%@*}-1@bench.invalid"
login() { curl -sf -H 'Content-Type: application/json' -d "{\"email\":\"$user\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/auth/login"; }
log "revoking $revoked sessions (facts inserted as the revocations would write them)"
sql "insert into revocation_facts (kind, sid, at) select 'session', gen_random_uuid(), now() from generate_series(1, $revoked)"
token=$(login | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
for _ in $(seq 1 100); do
  facts=$(curl -s "http://127.0.0.1:18201/q/health/ready" | tr -d ' \n' | sed -n 's/.*"facts":\([0-9]*\).*/\1/p')
  [ "${facts:-0}" -ge "$revoked" ] && break; sleep 0.1
done
log "the library holds ${facts:-?} facts; load"
table=$(java -cp "$load_cp" ResourceServerLoad http://127.0.0.1:18201 "$with_pid" http://127.0.0.1:18202 "$without_pid" \
  "$(getconf CLK_TCK)" "$token" "$(tr ' ' , <<<"$clients")" "$seconds" "$warmup" "$rounds" "$results.csv")
cat > "$results.md" <<MD
# The example resource server with and without the revocation-feed library, $stamp

\`bash bench/resource-server.sh\` (CLIENTS="$clients", SECONDS_PER_PHASE=$seconds, WARMUP=$warmup, ROUNDS=$rounds,
REVOKED=$revoked), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src clients examples || echo ' + working tree'),
$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(java -version 2>&1 | head -1),
PostgreSQL $(sql 'show server_version' | cut -d' ' -f1). Load average (1, 5, 15 min) at start $load0, at the end
$(cut -d' ' -f1-3 /proc/loadavg). Gatehouse: the packaged jar, prod profile, the feed on. The examples: the packaged
examples/resource-server, -Xmx256m -XX:+UseParallelGC, one with clients/resource-server following the feed (holding
${facts:-?} revoked sessions) and one with gatehouse.revocation-feed.enabled=false. The load generator
(bench/ResourceServerLoad.java, JDK HttpClient, GET /api/orders with one valid RS256 token) on the same cores.
CPU per request = utime + stime of that example's process over the phase / successful requests.

$table
MD
cat "$results.md"
