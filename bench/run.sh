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
# floors of bench/Floors.java measured in the same run (before and after each JDK's cells, the
# lower of the two kept: this machine's speed drifts within a run). Then the peer, Keycloak
# (PEER_VERSION, its Quarkus distribution from Maven Central, on JDK 25 with the same heap, on the
# same PostgreSQL), gets the same load: password grant, refresh_token grant (each client its newest
# refresh token), userinfo with a valid access token. Loopback only; stops by itself.
#
# Environment: JAVA17, JAVA25 (java binaries), JDKS ("17 25"), SECONDS_PER_CELL (15), WARMUP (10),
# CLIENTS ("1 8 32"), PEER (keycloak; "none" skips it), PEER_VERSION (26.7.3), BENCH_JAVA_OPTS (-Xmx512m -XX:+UseParallelGC:
# a production heap, not 1/4 of the machine, and the options of docker/Dockerfile.jvm; the peer
# keeps its own options, with the same 512 MB heap), BENCH_JDBC_URL + BENCH_DB_USER + BENCH_DB_PASSWORD (use that database).
# Needs: wrk, curl, openssl; psql for the lock-wait sampling (skipped without it).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA17=${JAVA17:-$(command -v java)}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JDKS=${JDKS:-17 25}
seconds=${SECONDS_PER_CELL:-15}
warmup=${WARMUP:-10}
clients=${CLIENTS:-1 8 32}
peer=${PEER:-keycloak}
peer_version=${PEER_VERSION:-26.7.3}
# Bouncy Castle's Argon2 (the floor's reference) runs at half speed in about one JVM in 5-10 unless
# its quarter round is inlined (bench/README.md); Gatehouse's own Argon2id needs no such help.
argon2_jit="-XX:CompileCommand=quiet -XX:CompileCommand=inline,org.bouncycastle.crypto.generators.Argon2BytesGenerator::quarterRound"
java_opts=${BENCH_JAVA_OPTS:--Xmx512m -XX:+UseParallelGC}
port=18080
kc_port=18180
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
kc_pid=
pg_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$kc_pid" ] && { kill "$kc_pid" 2>/dev/null; wait "$kc_pid" 2>/dev/null; } || true
  [ -n "$pg_pid" ] && { exec 7>&- || true; wait "$pg_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
for tool in wrk curl openssl; do
  command -v $tool >/dev/null || { echo "bench: $tool is needed (Debian: apt-get install wrk curl openssl postgresql-client)" >&2; exit 1; }
done
log() { echo "[bench $(date -u +%T)] $*" >&2; }

# ---- PostgreSQL -------------------------------------------------------------------------------
if [ -n "${BENCH_JDBC_URL:-}" ]; then
  jdbc=$BENCH_JDBC_URL db_user=${BENCH_DB_USER:-postgres} db_password=${BENCH_DB_PASSWORD:-}
  database="given: $jdbc"
elif command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters -h 2>/dev/null)" ] && [ "$(id -u)" = 0 ]; then
  read -r pg_version pg_cluster pg_port _ < <(pg_lsclusters -h | head -1)
  pg_ctlcluster "$pg_version" "$pg_cluster" start 2>/dev/null || true
  for name in gatehouse_bench keycloak_bench; do # a fresh database and its owner for each server
    (cd /tmp && su postgres -c "psql -q -p $pg_port" >/dev/null) <<SQL
drop database if exists $name;
do \$\$ begin
  if not exists (select from pg_roles where rolname = '$name') then
    create role $name login password '$name';
  end if;
end \$\$;
create database $name owner $name;
SQL
  done
  jdbc="jdbc:postgresql://127.0.0.1:$pg_port/gatehouse_bench" db_user=gatehouse_bench db_password=gatehouse_bench
  peer_jdbc="jdbc:postgresql://127.0.0.1:$pg_port/keycloak_bench" peer_db_user=keycloak_bench peer_db_password=keycloak_bench
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
# Elsewhere the peer shares Gatehouse's database: its tables have other names.
peer_jdbc=${peer_jdbc:-$jdbc} peer_db_user=${peer_db_user:-$db_user} peer_db_password=${peer_db_password:-$db_password}
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
gatehouse_jar=$(ls "$work"/app/app/gatehouse-*.jar)

echo "server,jdk,signing,argon2,endpoint,clients,requests,rps,p50_ms,p90_ms,p99_ms,errors,server_cpu_ms_per_req,loadgen_cpu_ms_per_req,max_lock_waits" > "$csv"
: > "$work/floors-raw.csv"; : > "$work/runs.txt"
floors() { # <jdk> <java>: one more measurement of each floor; the summary keeps the lowest
  "$2" $argon2_jit -cp "$bcprov:$gatehouse_jar" bench/Floors.java | sed "s/^floor,/$1,/" >> "$work/floors-raw.csv"
}

# ---- Servers ----------------------------------------------------------------------------------
# target: which server the load goes to (gatehouse or keycloak); server_pid: whose CPU is counted.
target=gatehouse
server_pid=
wait_ready() { # <url> <pid of the launcher> <log>
  until curl -sf -o /dev/null "$1"; do
    kill -0 "$2" 2>/dev/null || { tail -50 "$3" >&2; exit 1; }
    sleep 0.02
  done
}
start_server() { # <java> <key> [VAR=value...]
  local java=$1 key=$2; shift 2
  local t0; t0=$(date +%s%N)
  (cd "$work/app" && exec env QUARKUS_HTTP_PORT=$port QUARKUS_DATASOURCE_JDBC_URL="$jdbc" \
    QUARKUS_DATASOURCE_USERNAME="$db_user" QUARKUS_DATASOURCE_PASSWORD="$db_password" \
    GATEHOUSE_JWT_SIGNING_KEY_FILES="$key" GATEHOUSE_JWT_ISSUER=https://bench.gatehouse \
    GATEHOUSE_JWT_AUDIENCE=bench GATEHOUSE_RATE_LIMIT_ENABLED=false "$@" \
    "$java" $java_opts -jar quarkus-run.jar) >> "$raw/server.log" 2>&1 &
  app_pid=$! server_pid=$! target=gatehouse
  wait_ready "http://127.0.0.1:$port/q/health/ready" "$app_pid" "$raw/server.log"
  ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
stop_server() { kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=; }
server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
rss_mb() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status") / 1024 )); }

json_field() { sed -nE "s/.*\"$1\":\"([^\"]+)\".*/\1/p"; }
login_token() { # <email> <accessToken|refreshToken>
  if [ "$target" = keycloak ]; then
    local field=access_token; [ "$2" = refreshToken ] && field=refresh_token
    curl -s --data-urlencode grant_type=password --data-urlencode client_id=bench --data-urlencode scope=openid \
      --data-urlencode "username=$1" --data-urlencode "password=$password" \
      "http://127.0.0.1:$kc_port/realms/bench/protocol/openid-connect/token" | json_field "$field"
  else
    curl -s -H 'Content-Type: application/json' -d "{\"email\":\"$1\",\"password\":\"$password\"}" \
      "http://127.0.0.1:$port/api/auth/login" | json_field "$2"
  fi
}

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

# The peer: Keycloak's Quarkus distribution, a realm "bench" with a public client "bench" (direct
# access grants on: the password grant is the closest to Gatehouse's login) and the same users
# with the same password, hashed by the peer's defaults (Argon2id m=7168, t=5, p=1). Everything
# else is the peer's default configuration, in its production mode (`start --optimized`).
start_peer() {
  local cache="${PEER_CACHE:-$HOME/.cache/gatehouse-bench}"
  local dist="$cache/keycloak-quarkus-dist-$peer_version.tar.gz"
  if [ ! -f "$dist" ]; then
    log "fetching Keycloak $peer_version from Maven Central"
    ./mvnw -B -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$peer_version:tar.gz" \
      -DoutputDirectory="$cache" > "$raw/peer-fetch.log" 2>&1
  fi
  tar xzf "$dist" -C "$work"
  local home="$work/keycloak-$peer_version"
  mkdir -p "$home/data/import"
  {
    echo '{"realm":"bench","enabled":true,"sslRequired":"none",'
    echo '"clients":[{"clientId":"bench","enabled":true,"publicClient":true,"directAccessGrantsEnabled":true,"standardFlowEnabled":false}],'
    echo '"users":['
    local i=0
    while read -r email; do
      [ $i -gt 0 ] && echo ','; i=$((i + 1))
      echo "{\"username\":\"$email\",\"email\":\"$email\",\"firstName\":\"Bench\",\"lastName\":\"User $i\",\"emailVerified\":true,\"enabled\":true,"
      echo " \"credentials\":[{\"type\":\"password\",\"value\":\"$password\",\"temporary\":false}]}"
    done < "$work/users.txt"
    echo ']}'
  } > "$home/data/import/bench-realm.json"
  export JAVA_HOME; JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA25")")")
  log "Keycloak $peer_version: build (PostgreSQL, local cache)"
  "$home/bin/kc.sh" build --db=postgres --health-enabled=true --cache=local > "$raw/peer-build.log" 2>&1
  local t0; t0=$(date +%s%N)
  # The peer's own JVM options (G1 with its tuning) and its own heap default outside containers,
  # which has the same 512 MB maximum as Gatehouse's.
  JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" KC_BOOTSTRAP_ADMIN_USERNAME=bench-admin \
    KC_BOOTSTRAP_ADMIN_PASSWORD="$(openssl rand -hex 16)" \
    "$home/bin/kc.sh" start --optimized --import-realm --http-enabled=true --http-port=$kc_port \
    --http-management-port=$((kc_port + 10)) --hostname-strict=false \
    --db-url="$peer_jdbc" --db-username="$peer_db_user" --db-password="$peer_db_password" > "$raw/peer.log" 2>&1 &
  kc_pid=$!
  wait_ready "http://127.0.0.1:$((kc_port + 10))/health/ready" "$kc_pid" "$raw/peer.log"
  ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  server_pid=$(pgrep -P "$kc_pid" java) target=keycloak
}
stop_peer() { kill "$kc_pid"; wait "$kc_pid" 2>/dev/null || true; kc_pid=; }

# ---- One cell ---------------------------------------------------------------------------------
to_ms() { awk '{v = $1; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; printf "%.2f", v}'; }
wrk_run() { # <endpoint> <clients> <duration> <output>
  local endpoint=$1 c=$2 duration=$3 out=$4 threads=$(( $2 < 2 ? 1 : 2 ))
  local base="http://127.0.0.1:$port" login=/api/auth/login refresh=/api/auth/refresh me=/api/users/me protocol=gatehouse
  if [ "$target" = keycloak ]; then
    base="http://127.0.0.1:$kc_port/realms/bench/protocol/openid-connect" protocol=oidc
    login=/token refresh=/token me=/userinfo
  fi
  case $endpoint in
    login) wrk -t$threads -c"$c" -d"$duration" --timeout 10s --latency -s bench/wrk/auth.lua \
             "$base$login" -- login "$work/users.txt" $threads "$password" $protocol > "$out" ;;
    refresh)
      wrk -t$threads -c"$c" -d"$duration" --timeout 10s --latency -s bench/wrk/auth.lua \
        "$base$refresh" -- refresh "$work/tokens.txt" $threads - $protocol > "$out" ;;
    me) wrk -t$threads -c"$c" -d"$duration" --timeout 10s --latency -H "Authorization: Bearer $access_token" \
          "$base$me" > "$out" ;;
  esac
}
cell() { # <server> <jdk> <signing> <argon2> <endpoint> <clients>
  local server=$1 jdk=$2 signing=$3 argon2=$4 endpoint=$5 c=$6
  local name="$server-$jdk-$signing-$argon2-$endpoint-c$c"
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
  echo "$server,$jdk,$signing,$argon2,$endpoint,$c,$requests,$rps,$p50,$p90,$p99,$errors,$server_ms,$loadgen_ms,${max_waits:-}" >> "$csv"
  log "$name: $rps req/s, p99 $p99 ms, errors $errors, server CPU $server_ms ms/req, lock waits ${max_waits:-n/a}"
}
warm_up() { # <label>: JIT warm-up of the whole server, not reported (each cell has its own as well)
  fresh_sessions 8
  wrk_run refresh 8 "${warmup}s" "$raw/$1-warmup-refresh.txt"
  wrk_run login 8 "${warmup}s" "$raw/$1-warmup-login.txt"
  access_token=$(login_token "$(tail -1 "$work/users.txt")" accessToken)
  wrk_run me 8 "${warmup}s" "$raw/$1-warmup-me.txt"
}

# ---- The matrix -------------------------------------------------------------------------------
for jdk in $JDKS; do
  java_bin=$JAVA17; [ "$jdk" = 25 ] && java_bin=$JAVA25
  jdk_version=$("$java_bin" -version 2>&1 | head -1 | sed -E 's/.*version "([^"]+)".*/\1/')
  log "JDK $jdk_version: floors"
  floors "$jdk" "$java_bin"

  log "JDK $jdk_version: RS256, default Argon2id"
  start_server "$java_bin" "$work/rsa.pem"
  echo "gatehouse,$jdk,$jdk_version,startup_ms,$ready_ms" >> "$work/runs.txt"
  create_users
  warm_up "$jdk"
  for endpoint in login refresh me; do
    # a session of its own for /me, made just before (the other cells' logins may evict older ones)
    if [ "$endpoint" = me ]; then access_token=$(login_token "$(tail -1 "$work/users.txt")" accessToken); fi
    for c in $clients; do cell gatehouse "$jdk" RS256 default "$endpoint" "$c"; done
  done
  echo "gatehouse,$jdk,$jdk_version,rss_after_mb,$(rss_mb)" >> "$work/runs.txt"
  stop_server

  log "JDK $jdk_version: login at the peer's Argon2id parameters (m=7168, t=5, p=1)"
  start_server "$java_bin" "$work/rsa.pem" GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB=7168 \
    GATEHOUSE_PASSWORD_ARGON2_ITERATIONS=5 GATEHOUSE_PASSWORD_ARGON2_PARALLELISM=1
  while read -r email; do login_token "$email" accessToken > /dev/null; done < "$work/users.txt" # re-hash all
  for c in $clients; do cell gatehouse "$jdk" RS256 peer login "$c"; done
  stop_server

  log "JDK $jdk_version: ES256"
  start_server "$java_bin" "$work/ec.pem"
  fresh_sessions 8
  wrk_run refresh 8 "${warmup}s" "$raw/$jdk-es256-warmup-refresh.txt"
  for endpoint in refresh me; do
    if [ "$endpoint" = me ]; then access_token=$(login_token "$(tail -1 "$work/users.txt")" accessToken); fi
    for c in $clients; do cell gatehouse "$jdk" ES256 default "$endpoint" "$c"; done
  done
  stop_server

  log "JDK $jdk_version: floors again"
  floors "$jdk" "$java_bin"
done

if [ "$peer" = keycloak ]; then
  [ -s "$work/users.txt" ] || for i in $(seq 1 $users); do echo "bench-$i-$stamp@bench.invalid"; done > "$work/users.txt"
  peer_jdk_version=$("$JAVA25" -version 2>&1 | head -1 | sed -E 's/.*version "([^"]+)".*/\1/')
  start_peer
  echo "keycloak-$peer_version,25,$peer_jdk_version,startup_ms,$ready_ms" >> "$work/runs.txt"
  warm_up peer
  for endpoint in login refresh me; do
    if [ "$endpoint" = me ]; then access_token=$(login_token "$(tail -1 "$work/users.txt")" accessToken); fi
    for c in $clients; do cell "keycloak-$peer_version" 25 RS256 peer "$endpoint" "$c"; done
  done
  echo "keycloak-$peer_version,25,$peer_jdk_version,rss_after_mb,$(rss_mb)" >> "$work/runs.txt"
  stop_peer
fi
# The lower of each floor's measurements: drift only ever makes the machine slower.
sort -t, -k1,2 -k3,3g "$work/floors-raw.csv" | awk -F, '!seen[$1 FS $2]++' > "$work/floors.csv"

# ---- Summary ----------------------------------------------------------------------------------
{
  echo "# Gatehouse benchmark $stamp"
  echo
  echo "- command: \`bash bench/run.sh\` (SECONDS_PER_CELL=$seconds after a ${warmup} s warm-up per cell, clients: $clients; server JVM options: $java_opts)"
  echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"); load generator (wrk) on the same cores"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo ' (with uncommitted changes)'); database: $database"
  while IFS=, read -r server jdk version what value; do
    echo "- $server on JDK $version: $what $value"
  done < "$work/runs.txt"
  echo
  echo "## Floors (one core, the JDK's providers; Bouncy Castle's Argon2id and Gatehouse's own; the lower of the measurements before and after the JDK's cells)"
  echo
  echo "| JDK | operation | ms |"
  echo "|---|---|---|"
  awk -F, '{printf "| %s | %s | %s |\n", $1, $2, $3}' "$work/floors.csv"
  echo
  echo "## Cells"
  echo
  echo "Server CPU and load-generator CPU are milliseconds per request. Ratio: server CPU over the"
  echo "request's floor (refresh: one signature; login: one Bouncy Castle Argon2id hash at the same parameters; /me: the 0.1 ms target)."
  echo "Own-hash ratio (Gatehouse's logins): server CPU over one hash of Gatehouse's own Argon2id, single-threaded."
  echo "The peer's rows: login is its password grant, refresh its refresh_token grant, me its userinfo."
  echo
  echo "| server | JDK | signing | Argon2id | endpoint | clients | req/s | p50 ms | p90 ms | p99 ms | errors | server CPU | ratio | own-hash ratio | wrk CPU | lock waits |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  tail -n +2 "$csv" | while IFS=, read -r who jdk signing argon2 endpoint c requests rps p50 p90 p99 errors server loadgen waits; do
    case $endpoint in
      refresh) floor=$(awk -F, -v j="$jdk" -v op="$signing sign" '$1 == j && $2 == op {print $3}' "$work/floors.csv") ;;
      login) params="m=19456 t=2 p=1"; [ "$argon2" = peer ] && params="m=7168 t=5 p=1"
             floor=$(awk -F, -v j="$jdk" -v op="Argon2id $params" '$1 == j && $2 == op {print $3}' "$work/floors.csv") ;;
      me) floor=0.1 ;;
    esac
    ratio=$(awk -v s="$server" -v f="$floor" 'BEGIN {if (f > 0) printf "%.2fx", s / f}')
    own=
    if [ "$endpoint" = login ] && [ "$who" = gatehouse ]; then
      own=$(awk -F, -v j="$jdk" -v op="Gatehouse Argon2id $params" '$1 == j && $2 == op {print $3}' "$work/floors.csv")
      own=$(awk -v s="$server" -v f="$own" 'BEGIN {if (f > 0) printf "%.2fx", s / f}')
    fi
    argon_label=$argon2; [ "$endpoint" = login ] || argon_label="-"
    echo "| $who | $jdk | $signing | $argon_label | $endpoint | $c | $rps | $p50 | $p90 | $p99 | $errors | $server | $ratio | ${own:--} | $loadgen | ${waits:-n/a} |"
  done
  if grep -q '^keycloak' "$csv"; then
    echo
    echo "## Against the peer (same run, same load; throughput ratio Gatehouse / $(grep -m1 -o '^keycloak[^,]*' "$csv")"
    echo
    echo "| cell | Gatehouse req/s | peer req/s | ratio |"
    echo "|---|---|---|---|"
    for pair in "refresh default 32" "me default 32" "login peer 8" "refresh default 8" "me default 8" "login peer 32"; do
      set -- $pair
      for jdk in $JDKS; do
        ours=$(awk -F, -v j="$jdk" -v e="$1" -v a="$2" -v c="$3" '$1 == "gatehouse" && $2 == j && $3 == "RS256" && $5 == e && $6 == c && (e != "login" || $4 == a) {print $8}' "$csv")
        theirs=$(awk -F, -v e="$1" -v c="$3" '$1 ~ /^keycloak/ && $5 == e && $6 == c {print $8}' "$csv")
        [ -n "$ours" ] && [ -n "$theirs" ] || continue
        case $1 in login) label="login, both at m=7168 t=5 p=1" ;; me) label="/me vs userinfo" ;; *) label=$1 ;; esac
        echo "| $label at $3 clients, Gatehouse on JDK $jdk | $ours | $theirs | $(awk -v a="$ours" -v b="$theirs" 'BEGIN {printf "%.2fx", a / b}') |"
      done
    done
  fi
} > "$md"
cat "$md"
log "wrote $csv and $md (raw wrk output in $raw, not committed)"
