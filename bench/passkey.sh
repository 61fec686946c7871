#!/usr/bin/env bash
# Server CPU of a passkey sign-in next to a password sign-in (bench/README.md "Passkey sign-in"), in one run, on the
# packaged jar in the prod profile (generated key, rate limits off, mail off, passkeys for rp-id bench.test with the
# origin https://bench.test). USERS users (64) are registered over the API, their e-mail marked verified in the
# database, and each signs in and registers one passkey through the API (bench/PasskeyLoad.java, a software
# authenticator on webauthn4j's model classes). Then a WARMUP-second warm-up of each kind (20), and for each client
# count in CLIENTS ("1 8") ROUNDS (2) x (SECONDS (15) of passkey sign-ins, SECONDS of password sign-ins).
#   bash bench/passkey.sh
# PostgreSQL: as root on a Debian machine, the system cluster (started if down, stopped again at the end), in a
# fresh database; otherwise BENCH_JDBC_URL / BENCH_DB_USER / BENCH_DB_PASSWORD (an empty database, it is filled).
# Needs the packaged app (./mvnw package -DskipTests), java, psql, curl, openssl; the client's jars (webauthn4j-core,
# Jackson) come from the Maven project's own dependencies. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/database.sh
. bench/packaged.sh
users=${USERS:-64} clients=${CLIENTS:-"1 8"} seconds=${SECONDS_PER_PHASE:-15} warmup=${WARMUP:-20} rounds=${ROUNDS:-2}
port=18095
log() { echo "[passkey bench $(date -u +%T)] $*" >&2; }
bench_prepare

# ---- the load generator, compiled against the project's own jars ----
bench_load_generator '/(webauthn4j-core|jackson-databind|jackson-core|jackson-annotations|jackson-dataformat-cbor)-[0-9][^/]*\.jar$' bench/PasskeyLoad.java

# ---- PostgreSQL ----
bench_database gatehouse_passkey_bench

# ---- the service ----
bench_start_service $port GATEHOUSE_PASSKEYS_RP_ID=bench.test GATEHOUSE_PASSKEYS_ORIGINS=https://bench.test

stamp=$(date -u +%Y%m%dT%H%MZ) prefix=bench-$RANDOM password=bench-password-$RANDOM-$RANDOM
results=bench/results/$stamp-passkey load0=$(cut -d' ' -f1-3 /proc/loadavg)
log "registering $users users"
bench_register_users $port "$prefix" "$users" "$password"
sql "update users set email_verified = true"
log "passkeys, warm-up and load"
table=$(java -cp "$load_cp" PasskeyLoad "http://127.0.0.1:$port" https://bench.test bench.test "$prefix" "$users" \
  "$password" "$app_pid" "$(getconf CLK_TCK)" "$(tr ' ' , <<<"$clients")" "$seconds" "$warmup" "$rounds" "$results.csv")
rss=$(( $(awk '/VmRSS/ {print $2}' "/proc/$app_pid/status") / 1024 ))
cat > "$results.md" <<MD
# Passkey sign-in against password sign-in, $stamp

\`bash bench/passkey.sh\` (USERS=$users, CLIENTS="$clients", SECONDS_PER_PHASE=$seconds, WARMUP=$warmup, ROUNDS=$rounds),
commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + working tree'),
$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(java -version 2>&1 | head -1),
PostgreSQL $(sql 'show server_version' | cut -d' ' -f1). Load average (1, 5, 15 min) at start $load0, at the end
$(cut -d' ' -f1-3 /proc/loadavg); RSS of the service at the end $rss MB. The app: the packaged jar, prod profile, -Xmx512m
-XX:+UseParallelGC, RS256, Argon2id at its defaults, rate limits off, mail off, rp-id bench.test. The load generator
(bench/PasskeyLoad.java, JDK HttpClient, ES256 software authenticator) on the same cores.

A passkey sign-in is two calls, POST /api/auth/passkeys/login/options and POST /api/auth/passkeys/login; its latency
and server CPU cover both. A password sign-in is POST /api/auth/login. The kinds alternate in the same run (after a
${warmup} s warm-up of each), on the same $users users; CPU per sign-in = utime + stime of the service over the phase
/ successful sign-ins.

$table
MD
cat "$results.md"
