#!/usr/bin/env bash
# Gatehouse benchmark, one command:   bash bench/run.sh
#
# Builds the packaged JVM service, starts it in the prod profile on a real PostgreSQL (the
# system's cluster if the machine has one, else the embedded one the tests use) with a generated
# key and rate limits off, creates its users, and drives closed-loop load with wrk at 1, 8 and 32
# clients for login, refresh (each client always sends its newest refresh token) and
# GET /api/users/me. Each cell gets a warm-up that is not reported. Per cell: requests/s,
# p50/p90/p99, errors, server CPU ms per request (from /proc of the server), the load generator's
# CPU ms per request, and the most lock waits seen in PostgreSQL while it ran. A request counts as
# an error when it is not 2xx or gets no answer within 10 s (wrk --timeout). Then the same for
# login at the peer's Argon2id parameters and for refresh and /me signed with ES256.
# Runs on JDK 17 (`java`) and JDK 25 (JAVA25); writes bench/results/<stamp>.csv and .md, with the
# floors of bench/Floors.java measured in the same run. Loopback only; stops by itself.
#
# Environment: JAVA17, JAVA25 (java binaries), JDKS ("17 25"), SECONDS_PER_CELL (15), WARMUP (10),
# CLIENTS ("1 8 32"), BENCH_JAVA_OPTS (-Xmx512m: a production heap, not 1/4 of the machine), BENCH_JDBC_URL + BENCH_DB_USER + BENCH_DB_PASSWORD (use that database).
# Needs: wrk, curl, openssl; psql for the lock-wait sampling (skipped without it).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA17=${JAVA17:-$(command -v java)}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JDKS=${JDKS:-17 25}
seconds=${SECONDS_PER_CELL:-15}
warmup=${WARMUP:-10}
clients=${CLIENTS:-1 8 32}
java_opts=${BENCH_JAVA_OPTS:--Xmx512m}
port=18080
password="bench password 123"
users=64
stamp=$(date -u +%Y%m%dT%H%MZ)
results=bench/results
raw=$results/raw/$stamp
mkdir -p "$raw"
csv=$results/$stamp.csv
md=$results/$stamp.md
work=$(mktemp -d)
app_pid=
pg_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$pg_pid" ] && { exec 7>&- || true; wait "$pg_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
for tool in wrk curl openssl; do command -v $tool >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done
log() { echo "[bench $(date -u +%T)] $*" >&2; }

# ---- PostgreSQL -------------------------------------------------------------------------------
if [ -n "${BENCH_JDBC_URL:-}" ]; then
  jdbc=$BENCH_JDBC_URL db_user=${BENCH_DB_USER:-postgres} db_password=${BENCH_DB_PASSWORD:-}
  database="given: $jdbc"
elif command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters -h 2>/dev/null)" ] && [ "$(id -u)" = 0 ]; then
  read -r pg_version pg_cluster pg_port _ < <(pg_lsclusters -h | head -1)
  pg_ctlcluster "$pg_version" "$pg_cluster" start 2>/dev/null || true
  (cd /tmp && su postgres -c "psql -q -p $pg_port" >/dev/null) <<'SQL'
drop database if exists gatehouse_bench;
do $$ begin
  if not exists (select from pg_roles where rolname = 'gatehouse_bench') then
    create role gatehouse_bench login password 'gatehouse_bench';
  end if;
end $$;
create database gatehouse_bench owner gatehouse_bench;
SQL
  jdbc="jdbc:postgresql://127.0.0.1:$pg_port/gatehouse_bench" db_user=gatehouse_bench db_password=gatehouse_bench
  database="system PostgreSQL $(su postgres -c "psql -p $pg_port -Atc 'show server_version'" 2>/dev/null | cut -d' ' -f1) (fresh database)"
else
  log "no system PostgreSQL: starting the embedded one"
  ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
  pg_port=15432
  mkfifo "$work/pg-stdin"
  "$JAVA17" -cp "$(cat "$work/cp.txt")" bench/EmbeddedPg.java $pg_port < "$work/pg-stdin" > "$raw/postgres.log" 2>&1 &
  pg_pid=$!
  exec 7> "$work/pg-stdin"
  until grep -q '^ready' "$raw/postgres.log"; do kill -0 "$pg_pid" || { cat "$raw/postgres.log" >&2; exit 1; }; sleep 0.2; done
  jdbc="jdbc:postgresql://127.0.0.1:$pg_port/postgres" db_user=postgres db_password=
  database="embedded PostgreSQL (zonky)"
fi
psql_url="postgresql://$db_user:$db_password@$(sed -E 's#jdbc:postgresql://##' <<<"$jdbc")"
lock_waits() {
  command -v psql >/dev/null || { echo ""; return; }
  psql "$psql_url" -Atqc "select (select count(*) from pg_locks where not granted) + 0" 2>/dev/null || echo ""
}

# ---- Build, keys, floors ----------------------------------------------------------------------
log "building the packaged service"
./mvnw -B -q package -DskipTests > "$raw/build.log" 2>&1
cp -r target/quarkus-app "$work/app"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/rsa.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/ec.pem" 2>/dev/null
bcprov=$(ls "$work"/app/lib/main/org.bouncycastle.bcprov-*.jar)

echo "jdk,signing,argon2,endpoint,clients,requests,rps,p50_ms,p90_ms,p99_ms,errors,server_cpu_ms_per_req,loadgen_cpu_ms_per_req,max_lock_waits" > "$csv"
: > "$work/floors.csv"; : > "$work/runs.txt"

# ---- Server -----------------------------------------------------------------------------------
start_server() { # <java> <key> [VAR=value...]
  local java=$1 key=$2; shift 2
  local t0; t0=$(date +%s%N)
  (cd "$work/app" && exec env QUARKUS_HTTP_PORT=$port QUARKUS_DATASOURCE_JDBC_URL="$jdbc" \
    QUARKUS_DATASOURCE_USERNAME="$db_user" QUARKUS_DATASOURCE_PASSWORD="$db_password" \
    GATEHOUSE_JWT_SIGNING_KEY_FILES="$key" GATEHOUSE_JWT_ISSUER=https://bench.gatehouse \
    GATEHOUSE_JWT_AUDIENCE=bench GATEHOUSE_RATE_LIMIT_ENABLED=false "$@" \
    "$java" $java_opts -jar quarkus-run.jar) >> "$raw/server.log" 2>&1 &
  app_pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready"; do
    kill -0 "$app_pid" 2>/dev/null || { tail -50 "$raw/server.log" >&2; exit 1; }
    sleep 0.02
  done
  ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
stop_server() { kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=; }
server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$app_pid/stat"; }

post() { curl -s -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$port$1"; }
json_field() { sed -nE "s/.*\"$1\":\"([^\"]+)\".*/\1/p"; }
login_token() { post /api/auth/login "{\"email\":\"$1\",\"password\":\"$password\"}" | json_field "$2"; }

create_users() {
  : > "$work/users.txt"
  for i in $(seq 1 $users); do echo "bench-$i-$stamp@bench.invalid" >> "$work/users.txt"; done
  xargs -P 2 -I{} curl -s -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"{}\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/auth/register" < "$work/users.txt"
}

fresh_sessions() { # <count>: one new session (refresh token) for each of the first <count> users
  : > "$work/tokens.txt"
  for i in $(seq 1 "$1"); do echo "$(login_token "$(sed -n "${i}p" "$work/users.txt")" refreshToken)" >> "$work/tokens.txt"; done
}

# ---- One cell ---------------------------------------------------------------------------------
to_ms() { awk '{v = $1; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; printf "%.2f", v}'; }
wrk_run() { # <endpoint> <clients> <duration> <output>
  local endpoint=$1 c=$2 duration=$3 out=$4 threads=$(( $2 < 2 ? 1 : 2 ))
  case $endpoint in
    login) wrk -t$threads -c"$c" -d"$duration" --timeout 10s --latency -s bench/wrk/auth.lua \
             "http://127.0.0.1:$port/api/auth/login" -- login "$work/users.txt" $threads "$password" > "$out" ;;
    refresh)
      wrk -t$threads -c"$c" -d"$duration" --timeout 10s --latency -s bench/wrk/auth.lua \
        "http://127.0.0.1:$port/api/auth/refresh" -- refresh "$work/tokens.txt" $threads > "$out" ;;
    me) wrk -t$threads -c"$c" -d"$duration" --timeout 10s --latency -H "Authorization: Bearer $access_token" \
          "http://127.0.0.1:$port/api/users/me" > "$out" ;;
  esac
}
cell() { # <jdk> <signing> <argon2> <endpoint> <clients>
  local jdk=$1 signing=$2 argon2=$3 endpoint=$4 c=$5
  local name="$jdk-$signing-$argon2-$endpoint-c$c"
  if [ "$endpoint" = refresh ]; then fresh_sessions "$c"; fi
  wrk_run "$endpoint" "$c" "${warmup}s" "$raw/$name.warmup.txt"
  if [ "$endpoint" = refresh ]; then fresh_sessions "$c"; fi   # the warm-up's tokens are spent
  local max_waits=0 sampler=
  if [ "$c" -ge 8 ]; then
    ( while :; do w=$(lock_waits); if [ -n "$w" ]; then echo "$w"; fi; sleep 0.5; done ) > "$work/waits.txt" 2>/dev/null &
    sampler=$!
  fi
  local cpu0; cpu0=$(server_cpu_ticks)
  local TIMEFORMAT='%U %S'
  { time wrk_run "$endpoint" "$c" "${seconds}s" "$raw/$name.txt" ; } 2> "$work/loadgen-cpu.txt"
  local cpu1; cpu1=$(server_cpu_ticks)
  if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true; max_waits=$(sort -n "$work/waits.txt" | tail -1); fi
  local f="$raw/$name.txt"
  local requests rps p50 p90 p99 non2xx socket errors
  requests=$(awk '/requests in/ {print $1}' "$f")
  rps=$(awk '/Requests\/sec/ {print $2}' "$f")
  p50=$(awk '$1 == "50%" {print $2}' "$f" | to_ms); p90=$(awk '$1 == "90%" {print $2}' "$f" | to_ms)
  p99=$(awk '$1 == "99%" {print $2}' "$f" | to_ms)
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$f"); socket=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$f")
  errors=$(( ${non2xx:-0} + ${socket:-0} ))
  local hz; hz=$(getconf CLK_TCK)
  local server_ms loadgen_ms
  server_ms=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$requests" -v hz="$hz" 'BEGIN {printf "%.3f", (b - a) * 1000 / hz / n}')
  loadgen_ms=$(awk -v n="$requests" '{printf "%.3f", ($1 + $2) * 1000 / n}' "$work/loadgen-cpu.txt")
  echo "$jdk,$signing,$argon2,$endpoint,$c,$requests,$rps,$p50,$p90,$p99,$errors,$server_ms,$loadgen_ms,${max_waits:-}" >> "$csv"
  log "$name: $rps req/s, p99 $p99 ms, errors $errors, server CPU $server_ms ms/req, lock waits ${max_waits:-n/a}"
}

# ---- The matrix -------------------------------------------------------------------------------
for jdk in $JDKS; do
  java_bin=$JAVA17; [ "$jdk" = 25 ] && java_bin=$JAVA25
  jdk_version=$("$java_bin" -version 2>&1 | head -1 | sed -E 's/.*version "([^"]+)".*/\1/')
  log "JDK $jdk_version: floors"
  "$java_bin" -cp "$bcprov" bench/Floors.java | sed "s/^floor,/$jdk,/" >> "$work/floors.csv"

  log "JDK $jdk_version: RS256, default Argon2id"
  start_server "$java_bin" "$work/rsa.pem"
  echo "$jdk,$jdk_version,startup_ms,$ready_ms" >> "$work/runs.txt"
  create_users
  # JIT warm-up of the whole service, not reported: every endpoint, then each cell its own warm-up.
  fresh_sessions 8
  wrk_run refresh 8 "${warmup}s" "$raw/$jdk-warmup-refresh.txt"
  wrk_run login 8 "${warmup}s" "$raw/$jdk-warmup-login.txt"
  access_token=$(login_token "$(tail -1 "$work/users.txt")" accessToken)
  wrk_run me 8 "${warmup}s" "$raw/$jdk-warmup-me.txt"
  for endpoint in login refresh me; do
    # a session of its own for /me, made just before (the other cells' logins may evict older ones)
    if [ "$endpoint" = me ]; then access_token=$(login_token "$(tail -1 "$work/users.txt")" accessToken); fi
    for c in $clients; do cell "$jdk" RS256 default "$endpoint" "$c"; done
  done
  echo "$jdk,$jdk_version,rss_after_mb,$(( $(awk '/VmRSS/ {print $2}' "/proc/$app_pid/status") / 1024 ))" >> "$work/runs.txt"
  stop_server

  log "JDK $jdk_version: login at the peer's Argon2id parameters (m=7168, t=5, p=1)"
  start_server "$java_bin" "$work/rsa.pem" GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB=7168 \
    GATEHOUSE_PASSWORD_ARGON2_ITERATIONS=5 GATEHOUSE_PASSWORD_ARGON2_PARALLELISM=1
  while read -r email; do login_token "$email" accessToken > /dev/null; done < "$work/users.txt" # re-hash all
  for c in $clients; do cell "$jdk" RS256 peer login "$c"; done
  stop_server

  log "JDK $jdk_version: ES256"
  start_server "$java_bin" "$work/ec.pem"
  fresh_sessions 8
  wrk_run refresh 8 "${warmup}s" "$raw/$jdk-es256-warmup-refresh.txt"
  for endpoint in refresh me; do
    if [ "$endpoint" = me ]; then access_token=$(login_token "$(tail -1 "$work/users.txt")" accessToken); fi
    for c in $clients; do cell "$jdk" ES256 default "$endpoint" "$c"; done
  done
  stop_server
done

# ---- Summary ----------------------------------------------------------------------------------
{
  echo "# Gatehouse benchmark $stamp"
  echo
  echo "- command: \`bash bench/run.sh\` (SECONDS_PER_CELL=$seconds after a ${warmup} s warm-up per cell, clients: $clients; server JVM options: $java_opts)"
  echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"); load generator (wrk) on the same cores"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo ' (with uncommitted changes)'); database: $database"
  while IFS=, read -r jdk version what value; do
    echo "- JDK $version: $what $value"
  done < "$work/runs.txt"
  echo
  echo "## Floors (one core, the JDK's providers; Bouncy Castle Argon2id)"
  echo
  echo "| JDK | operation | ms |"
  echo "|---|---|---|"
  awk -F, '{printf "| %s | %s | %s |\n", $1, $2, $3}' "$work/floors.csv"
  echo
  echo "## Cells"
  echo
  echo "Server CPU and load-generator CPU are milliseconds per request. Ratio: server CPU over the"
  echo "request's floor (refresh: one signature; login: one Argon2id hash at the same parameters; /me: the 0.1 ms target)."
  echo
  echo "| JDK | signing | Argon2id | endpoint | clients | req/s | p50 ms | p90 ms | p99 ms | errors | server CPU | ratio | wrk CPU | lock waits |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  tail -n +2 "$csv" | while IFS=, read -r jdk signing argon2 endpoint c requests rps p50 p90 p99 errors server loadgen waits; do
    case $endpoint in
      refresh) floor=$(awk -F, -v j="$jdk" -v op="$signing sign" '$1 == j && $2 == op {print $3}' "$work/floors.csv") ;;
      login) params="m=19456 t=2 p=1"; [ "$argon2" = peer ] && params="m=7168 t=5 p=1"
             floor=$(awk -F, -v j="$jdk" -v op="Argon2id $params" '$1 == j && $2 == op {print $3}' "$work/floors.csv") ;;
      me) floor=0.1 ;;
    esac
    ratio=$(awk -v s="$server" -v f="$floor" 'BEGIN {if (f > 0) printf "%.2fx", s / f}')
    argon_label=$argon2; [ "$endpoint" = login ] || argon_label="-"
    echo "| $jdk | $signing | $argon_label | $endpoint | $c | $rps | $p50 | $p90 | $p99 | $errors | $server | $ratio | $loadgen | ${waits:-n/a} |"
  done
} > "$md"
cat "$md"
log "wrote $csv and $md (raw wrk output in $raw, not committed)"
