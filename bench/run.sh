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
#
# Baseline mode, one commit against the current tree in one run:
#   bash bench/run.sh --baseline <commit> [--clients 8] [--repeats 5] [--seconds 12] [--warmup 15] [--jdk 17]
# Builds <commit> (git archive into a temporary directory, removed at exit) and the current tree
# (with its uncommitted changes), starts both servers side by side, each on its own fresh database,
# warms each up once (--warmup s of refresh, then of login), then measures login (default Argon2id)
# and refresh (RS256) at --clients clients: --repeats wrk runs of --seconds s per side and cell, one
# server under load at a time, alternately in ABBA order (B C, C B, B C, ...). Before each measured
# run: a 3 s unreported pre-run on that server, its per-request tables emptied, fresh sessions.
# Per run: req/s, p50/p99, errors, server CPU ms per request (/proc of the JVM) and the CPU of its
# database's backends per request. Writes bench/results/<stamp>-baseline.csv (every run, then
# median/min/max/q1/q3 per side and cell, and the ratios of the medians) and -baseline.md, printed
# too, with the line "refresh CPU per request: +x.x % (limit +5 %)". A cell with any error (non-2xx
# or no answer in 10 s) is invalid. `--baseline HEAD` is an A/A run: the noise of the procedure.
# About 10 min with the defaults on 2 cores (builds included). Needs psql as well; no floors, no peer.
#
# Scale mode, the Bearer path and refresh with many sessions in use (bench/README.md "Scale: 100,000 sessions"):
#   bash bench/run.sh --scale [--sessions "64 20000 100000"] [--seconds 15] [--warmup 10] [--repeats-64 3]
#                     [--connections 32] [--jdk 17] [--label before]
# One packaged server (the same JVM options, rate limits off) on a fresh database. Set-up over HTTP
# by bench/ScaleSessions.java (SCALE_SETUP_PARALLEL requests at a time, 4): as many users as the
# largest count, each registered and logged in once. For the set-up's speed the server runs with
# Argon2id m=8 t=1 p=1 (the smallest allowed), and with an access-token ttl of 2 h so that the
# set-up's tokens outlive the run; the results say both. Cells: GET /api/users/me, then POST
# /api/auth/refresh, with each count of sessions in use: wrk at --connections, every request carrying
# another session's token, round-robin over the first N sessions (bench/wrk/scale.lua; refresh: each
# session always sends its newest token, and the sessions whose request was in flight when wrk
# stopped are settled by the helper within the 30 s reuse grace). The smallest count runs
# --repeats-64 times, interleaved (64, 20000, 64, 100000, 64). Warm-up per cell, not reported: one
# pass over its sessions, then --warmup s of its load. Per cell: req/s, p50/p99, errors (a cell with
# any is invalid), server CPU ms per request and its ratio to the median of the smallest count's
# cells, database CPU ms per request, session-state reads (pg_stat_statements: calls of the selects
# from sessions in the measured run; a system cluster that this run starts is started with it
# loaded, else n/a) and scans of the sessions table (pg_stat_user_tables idx_scan + seq_scan, read
# once every backend has flushed its counters). Memory: the used heap after jcmd GC.run, after the
# first smallest-count /me cell and after the largest-count /me cell; (difference) / (largest -
# smallest) is the memory per cached session. Writes bench/results/<stamp>-scale[-<label>].csv and
# .md. SCALE_SERVER_ENV ("VAR=value ...") adds server settings, e.g. cache sizes. About 26 min with
# the defaults on 2 cores (11 min of it the set-up, 4 min the 100,000-session refresh pass). Needs psql and the JDK's jcmd as well; no floors, no peer.
#
#   bash bench/run.sh --dpop
# The server CPU a DPoP proof adds to a refresh: refreshes of sessions bound to a key (each with a fresh
# ES256 proof) alternating with refreshes of unbound ones, in one run (bench/dpop.sh, which says how;
# USERS, CLIENTS, SECONDS_PER_PHASE, WARMUP, ROUNDS). Builds the packaged app first if it is missing.
#
# A system PostgreSQL cluster that was down is started by the run and stopped again at its end
# (left up if other clients use it by then).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --dpop ]; then
  [ $# -eq 1 ] || { echo "bench: --dpop takes no other option (its settings are environment variables, bench/dpop.sh)" >&2; exit 2; }
  [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
  exec bash bench/dpop.sh
fi
. bench/build-commit.sh
cmdline="bash bench/run.sh${*:+ $*}"
baseline= b_clients=8 repeats=5 b_seconds=12 b_warmup=15 b_jdk=17 preroll=3 b_options=
scale= s_sessions="64 20000 100000" s_seconds=15 s_warmup=10 s_repeats=3 s_connections=32 s_label= s_options=
while [ $# -gt 0 ]; do
  case $1 in
    --baseline) baseline=${2:?--baseline needs a commit}; shift 2 ;;
    --scale) scale=1; shift ;;
    --clients|--repeats|--seconds|--warmup|--jdk|--repeats-64|--connections)
      [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $1 needs a positive whole number" >&2; exit 2; }
      case $1 in --clients) b_clients=$2 ;; --repeats) repeats=$2 ;; --seconds) b_seconds=$2 s_seconds=$2 ;;
        --warmup) b_warmup=$2 s_warmup=$2 ;; --jdk) b_jdk=$2 ;; --repeats-64) s_repeats=$2 ;; --connections) s_connections=$2 ;; esac
      case $1 in --clients|--repeats) b_options="$b_options $1" ;; --repeats-64|--connections) s_options="$s_options $1" ;;
        *) b_options="$b_options $1" s_options="$s_options $1" ;; esac
      shift 2 ;;
    --sessions)
      [[ ${2:-} =~ ^[1-9][0-9]*( +[1-9][0-9]*)+$ ]] || { echo "bench: --sessions needs two or more positive whole numbers, e.g. \"64 20000 100000\"" >&2; exit 2; }
      s_sessions=$2 s_options="$s_options $1"; shift 2 ;;
    --label)
      [[ ${2:-} =~ ^[A-Za-z0-9_-]+$ ]] || { echo "bench: --label needs a word ([A-Za-z0-9_-])" >&2; exit 2; }
      s_label=$2 s_options="$s_options $1"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $1 (bash bench/run.sh --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$baseline" ] && [ -n "$scale" ]; then echo "bench: --baseline and --scale are separate runs" >&2; exit 2; fi
if [ -n "$scale" ]; then
  for o in $b_options; do case $o in --clients|--repeats) echo "bench: $o: only with --baseline (--scale has --connections, --repeats-64)" >&2; exit 2 ;; esac; done
  [ "$b_jdk" = 17 ] || [ "$b_jdk" = 25 ] || { echo "bench: --jdk is 17 or 25" >&2; exit 2; }
elif [ -n "$baseline" ]; then
  for o in $s_options; do case $o in --sessions|--repeats-64|--connections|--label) echo "bench: $o: only with --scale" >&2; exit 2 ;; esac; done
elif [ -n "$b_options$s_options" ]; then echo "bench:$b_options$s_options: only with --baseline or --scale" >&2; exit 2; fi
if [ -n "$baseline" ]; then
  baseline_sha=$(git rev-parse --verify -q "$baseline^{commit}") || { echo "bench: no commit $baseline" >&2; exit 2; }
  [ "$b_jdk" = 17 ] || [ "$b_jdk" = 25 ] || { echo "bench: --jdk is 17 or 25" >&2; exit 2; }
fi
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
suffix=${baseline:+-baseline}${scale:+-scale}${s_label:+-$s_label}
results=bench/results
raw=$results/raw/$stamp$suffix
mkdir -p "$raw"
csv=$results/$stamp$suffix.csv
md=$results/$stamp$suffix.md
work=$(mktemp -d)
app_dir=$work/app          # the packaged service start_server runs (baseline mode: one per side)
server_log=$raw/server.log
app_pid=
kc_pid=
pg_pid=
pg_started=                # the system cluster was down and this run started it (stopped again at exit)
other_pids=                # baseline mode: the server that is not in app_pid
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  for pid in $other_pids; do kill "$pid" 2>/dev/null || true; done
  for pid in $app_pid $other_pids; do wait "$pid" 2>/dev/null || true; done
  [ -n "$kc_pid" ] && { kill "$kc_pid" 2>/dev/null; wait "$kc_pid" 2>/dev/null; } || true
  [ -n "$pg_pid" ] && { exec 7>&- || true; wait "$pg_pid" 2>/dev/null || true; }
  if [ -n "$pg_started" ]; then # the system cluster was down: stop it again, unless someone else uses it by now
    local others
    others=$(cd /tmp && runuser -u postgres -- psql -X -At -p "$pg_port" -d postgres -c \
      "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()" 2>/dev/null || echo 1)
    if [ "$others" = 0 ]; then pg_ctlcluster "$pg_version" "$pg_cluster" stop -m fast 2>/dev/null || true
    else echo "[bench] the system PostgreSQL $pg_version/$pg_cluster stays up: $others other connections" >&2; fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT
for tool in wrk curl openssl ${baseline:+psql} ${scale:+psql}; do
  command -v $tool >/dev/null || { echo "bench: $tool is needed (Debian: apt-get install wrk curl openssl postgresql-client)" >&2; exit 1; }
done
log() { echo "[bench $(date -u +%T)] $*" >&2; }

# ---- PostgreSQL -------------------------------------------------------------------------------
if [ -n "${BENCH_JDBC_URL:-}" ]; then
  jdbc=$BENCH_JDBC_URL db_user=${BENCH_DB_USER:-postgres} db_password=${BENCH_DB_PASSWORD:-}
  database="given: $jdbc" pg_mode=given
elif command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters -h 2>/dev/null)" ] && [ "$(id -u)" = 0 ]; then
  read -r pg_version pg_cluster pg_port pg_status _ < <(pg_lsclusters -h | head -1)
  if [[ $pg_status != online* ]]; then
    # --scale counts the session-state queries with pg_stat_statements: loaded for this start only
    # (the cluster's configuration is left as it is; a cluster that is already up is used as it is).
    pg_start_options=(); [ -n "$scale" ] && pg_start_options=(-- -o "-c shared_preload_libraries=pg_stat_statements")
    pg_ctlcluster "$pg_version" "$pg_cluster" start "${pg_start_options[@]}" 2>/dev/null && pg_started=1 || true
  fi
  db_names="gatehouse_bench keycloak_bench"
  [ -n "$baseline" ] && db_names="gatehouse_bench_base gatehouse_bench_cur"
  [ -n "$scale" ] && db_names="gatehouse_bench"
  for name in $db_names; do # a fresh database and its owner for each server
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
  database="system PostgreSQL $(su postgres -c "psql -p $pg_port -Atc 'show server_version'" 2>/dev/null | cut -d' ' -f1) (fresh database)" pg_mode=system
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
  database="embedded PostgreSQL (zonky)" pg_mode=embedded
fi
# Elsewhere the peer shares Gatehouse's database: its tables have other names.
peer_jdbc=${peer_jdbc:-$jdbc} peer_db_user=${peer_db_user:-$db_user} peer_db_password=${peer_db_password:-$db_password}
psql_url="postgresql://$db_user:$db_password@$(sed -E 's#jdbc:postgresql://##' <<<"$jdbc")"
# PostgreSQL as its administrator (the given user when BENCH_JDBC_URL names the database).
if [ "$pg_mode" = given ]; then
  given_hostport=$(sed -E 's#^jdbc:postgresql://([^/?]*).*#\1#' <<<"$jdbc")
  given_db=$(sed -E 's#^jdbc:postgresql://[^/]*/([^?]*).*#\1#' <<<"$jdbc")
  given_host=${given_hostport%%:*} given_port=5432
  [[ $given_hostport == *:* ]] && given_port=${given_hostport##*:}
fi
admin_psql() { # <database> [psql options...]; stdin passes through
  local db=$1; shift
  case $pg_mode in
    system) (cd /tmp && PGOPTIONS="-c client_min_messages=warning" runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$pg_port" -d "$db" "$@") ;;
    embedded) PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d "$db" "$@" ;;
    given) PGOPTIONS="-c client_min_messages=warning" PGPASSWORD=$db_password psql -X -q -v ON_ERROR_STOP=1 -h "$given_host" -p "$given_port" -U "$db_user" -d "$db" "$@" ;;
  esac
}
admin_db=postgres; [ "$pg_mode" = given ] && admin_db=$given_db
db_cpu_snapshot() { # <database> <file>: "pid ticks" of each backend of the database (local only)
  : > "$2"
  [ "$pg_mode" = given ] && return 0
  local pid
  for pid in $(admin_psql "$admin_db" -At -c "select pid from pg_stat_activity where datname = '$1'"); do
    awk -v p="$pid" '{print p, $14 + $15}' "/proc/$pid/stat" >> "$2" 2>/dev/null || true
  done
}
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
server_secret=$(openssl rand -base64 32)   # gatehouse.secret, required in prod
bcprov=$(ls "$work"/app/lib/main/org.bouncycastle.bcprov-*.jar)
gatehouse_jar=$(ls "$work"/app/app/gatehouse-*.jar)

[ -n "$baseline$scale" ] || echo "server,jdk,signing,argon2,endpoint,clients,requests,rps,p50_ms,p90_ms,p99_ms,errors,server_cpu_ms_per_req,loadgen_cpu_ms_per_req,max_lock_waits" > "$csv"
: > "$work/floors-raw.csv"; : > "$work/runs.txt"
floors() { # <jdk> <java>: one more measurement of each floor; the summary keeps the lowest
  "$2" $argon2_jit -cp "$bcprov:$gatehouse_jar" bench/Floors.java | sed "s/^floor,/$1,/" >> "$work/floors-raw.csv"
}

# ---- Servers ----------------------------------------------------------------------------------
# target: which server the load goes to (gatehouse or keycloak); server_pid: whose CPU is counted.
target=gatehouse
server_pid=
wait_ready() { # <urls, space-separated: the first that answers 200 wins> <pid of the launcher> <log>
  local url
  while :; do
    for url in $1; do curl -sf -o /dev/null "$url" && return 0; done
    kill -0 "$2" 2>/dev/null || { tail -50 "$3" >&2; exit 1; }
    sleep 0.02
  done
}
start_server() { # <java> <key> [VAR=value...]
  local java=$1 key=$2; shift 2
  local t0; t0=$(date +%s%N)
  # Each server gets its own management port (health, metrics), public port + 1000; a baseline from
  # before the management interface answers health on its public port, hence both URLs.
  (cd "$app_dir" && exec env QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$((port + 1000)) QUARKUS_DATASOURCE_JDBC_URL="$jdbc" \
    QUARKUS_DATASOURCE_USERNAME="$db_user" QUARKUS_DATASOURCE_PASSWORD="$db_password" \
    GATEHOUSE_JWT_SIGNING_KEY_FILES="$key" GATEHOUSE_JWT_ISSUER=https://bench.gatehouse \
    GATEHOUSE_JWT_AUDIENCE=bench GATEHOUSE_SECRET="$server_secret" GATEHOUSE_RATE_LIMIT_ENABLED=false "$@" \
    "$java" $java_opts -jar quarkus-run.jar) >> "$server_log" 2>&1 &
  app_pid=$! server_pid=$! target=gatehouse
  wait_ready "http://127.0.0.1:$((port + 1000))/q/health/ready http://127.0.0.1:$port/q/health/ready" "$app_pid" "$server_log"
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
# The figures of one wrk run from its output and the server's CPU ticks before and after it, into the
# caller's locals: requests, rps, p50, p99 (ms), errors (non-2xx or no answer), server_ms and db_ms (CPU
# ms per request; db_ms from $work/db0.txt and db1.txt, empty without them).
run_figures() { # <wrk output> <server ticks before> <after>
  local f=$1 non2xx socket
  requests=$(awk '/requests in/ {print $1}' "$f")
  rps=$(awk '/Requests\/sec/ {print $2}' "$f")
  p50=$(awk '$1 == "50%" {print $2}' "$f" | to_ms); p99=$(awk '$1 == "99%" {print $2}' "$f" | to_ms)
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$f"); socket=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$f")
  errors=$(( ${non2xx:-0} + ${socket:-0} ))
  server_ms=$(awk -v a="$2" -v b="$3" -v n="$requests" -v hz="$hz" 'BEGIN {printf "%.4f", (b - a) * 1000 / hz / n}')
  db_ms=
  if [ -s "$work/db1.txt" ]; then # backends that started during the run count whole
    db_ms=$(awk -v n="$requests" -v hz="$hz" 'NR == FNR {t0[$1] = $2; next} {s += $2 - ($1 in t0 ? t0[$1] : 0)}
      END {printf "%.4f", s * 1000 / hz / n}' "$work/db0.txt" "$work/db1.txt")
  fi
}
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

# ---- Baseline mode: the baseline commit against the current tree, interleaved -----------------
# Fairness, by construction:
# - Both servers run at once, each started once and warmed up once (--warmup s of refresh, then of
#   login): no repeat pays a start or a cold JIT, and the repeats alternate within minutes instead
#   of a restart (~20-40 s here) each. Only one server is under load at a time; the idle one costs
#   nothing measurable (pool validation every few seconds). The price: one JVM per side is one draw
#   of the JIT's decisions for all its repeats; `--baseline HEAD` (A/A) shows how far two draws differ.
# - Each side has its own fresh database (the baseline's Flyway history may differ from the
#   current one's), on the same PostgreSQL. Before each measured run the tables a login or a
#   refresh writes (sessions, refresh_tokens, security_events, login_attempts) are emptied and a
#   checkpoint is taken, so every run of either side starts from the same rows (the 64 users and
#   fresh sessions) with no dirty pages of the other side's run left for it to write back; growth
#   in one run, bigger on the faster side, cannot reach the next. (A refactor that adds a table
#   written per login or refresh adds it to reset_tables.)
# - Order ABBA: repeat 1 runs baseline then current, repeat 2 current then baseline, and so on, for
#   login and then refresh in each repeat, which cancels a linear drift of the machine's speed.
# - Before each measured run, a 3 s unreported pre-run on the same server brings its threads and
#   caches back after the other server's turn; wrk's connections are new in every run.
# - Same JDK, JVM options, key, users, load and ports of the same kind; medians of the repeats, the
#   spread shown, and the current/baseline ratio within each repeat (neighbours in time) as well.
if [ -n "$baseline" ]; then
  base_port=$port cur_port=$((port + 1))
  baseline_short=$(git rev-parse --short "$baseline_sha")
  current_short=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo '+uncommitted')
  # git archive rather than git worktree add: nothing is registered in the repository the other
  # worktrees share, so a killed run leaves nothing to prune; the trap removes $work.
  log "building the baseline $baseline_short ($baseline) from git archive"
  build_commit "$baseline_sha" "$work/app-base" "$raw/build-baseline.log"

  side_jdbc() { # <database name>: its JDBC URL
    case $pg_mode in
      given) sed -E "s#^(jdbc:postgresql://[^/]*/)[^?]*#\1$1#" <<<"$jdbc" ;;
      *) echo "jdbc:postgresql://127.0.0.1:$pg_port/$1" ;;
    esac
  }
  base_db=gatehouse_bench_base cur_db=gatehouse_bench_cur
  if [ "$pg_mode" = system ]; then # created above, each with its owner
    base_user=$base_db base_password=$base_db cur_user=$cur_db cur_password=$cur_db
  else
    for name in $base_db $cur_db; do
      admin_psql "$admin_db" <<SQL
drop database if exists $name;
create database $name;
SQL
    done
    base_user=$db_user base_password=$db_password cur_user=$db_user cur_password=$db_password
  fi
  database="$database; one fresh database for each side ($base_db, $cur_db)"
  reset_tables="sessions refresh_tokens security_events login_attempts"
  reset_db() { # <database>: empty the tables a login or a refresh writes, then a checkpoint
    local list; list=$(printf "'%s', " $reset_tables); list=${list%, }
    admin_psql "$1" <<SQL
do \$\$ declare t text; begin
  for t in select tablename from pg_tables where schemaname = current_schema() and tablename in ($list) loop
    execute format('truncate table %I cascade', t);
  end loop;
end \$\$;
SQL
    admin_psql "$1" -c checkpoint 2>/dev/null || true # needs a superuser (or pg_checkpoint)
  }
  use_side() { # baseline|current: where the load goes and whose CPU counts
    if [ "$1" = baseline ]; then port=$base_port server_pid=$base_pid side_db=$base_db
    else port=$cur_port server_pid=$cur_pid side_db=$cur_db; fi
  }

  java_bin=$JAVA17; [ "$b_jdk" = 25 ] && java_bin=$JAVA25
  jdk_version=$("$java_bin" -version 2>&1 | head -1 | sed -E 's/.*version "([^"]+)".*/\1/')
  log "baseline $baseline_short and current $current_short on JDK $jdk_version: starting both"
  app_dir=$work/app-base port=$base_port server_log=$raw/server-baseline.log
  jdbc=$(side_jdbc $base_db) db_user=$base_user db_password=$base_password
  start_server "$java_bin" "$work/rsa.pem"
  base_pid=$app_pid other_pids=$app_pid base_ready=$ready_ms
  create_users
  app_dir=$work/app port=$cur_port server_log=$raw/server-current.log
  jdbc=$(side_jdbc $cur_db) db_user=$cur_user db_password=$cur_password
  start_server "$java_bin" "$work/rsa.pem"
  cur_pid=$app_pid cur_ready=$ready_ms
  create_users
  for side in baseline current; do
    log "$side: warm-up, ${b_warmup} s of refresh and ${b_warmup} s of login at $b_clients clients"
    use_side $side
    fresh_sessions "$b_clients"
    wrk_run refresh "$b_clients" "${b_warmup}s" "$raw/warmup-$side-refresh.txt"
    wrk_run login "$b_clients" "${b_warmup}s" "$raw/warmup-$side-login.txt"
  done

  hz=$(getconf CLK_TCK)
  : > "$work/repeats.csv" # side,endpoint,repeat,order,requests,rps,p50,p99,errors,server_cpu,db_cpu
  order=0
  measure() { # <side> <endpoint> <repeat>
    local side=$1 endpoint=$2 r=$3
    order=$((order + 1))
    local name; name=$(printf '%02d-%s-%s-c%s' "$order" "$side" "$endpoint" "$b_clients")
    use_side "$side"
    if [ "$endpoint" = refresh ]; then fresh_sessions "$b_clients"; fi
    wrk_run "$endpoint" "$b_clients" "${preroll}s" "$raw/$name.preroll.txt"
    reset_db "$side_db"
    if [ "$endpoint" = refresh ]; then fresh_sessions "$b_clients"; fi
    db_cpu_snapshot "$side_db" "$work/db0.txt"
    local cpu0 cpu1; cpu0=$(server_cpu_ticks)
    wrk_run "$endpoint" "$b_clients" "${b_seconds}s" "$raw/$name.txt"
    cpu1=$(server_cpu_ticks)
    db_cpu_snapshot "$side_db" "$work/db1.txt"
    local requests rps p50 p99 errors server_ms db_ms
    run_figures "$raw/$name.txt" "$cpu0" "$cpu1"
    echo "$side,$endpoint,$r,$order,$requests,$rps,$p50,$p99,$errors,$server_ms,$db_ms" >> "$work/repeats.csv"
    log "$name (repeat $r): $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $errors, server CPU $server_ms ms/req, database CPU ${db_ms:-n/a} ms/req"
  }
  for r in $(seq 1 "$repeats"); do
    sides="baseline current"; [ $((r % 2)) = 0 ] && sides="current baseline"
    for endpoint in login refresh; do
      for side in $sides; do measure "$side" "$endpoint" "$r"; done
    done
  done
  base_rss=$(server_pid=$base_pid rss_mb) cur_rss=$(server_pid=$cur_pid rss_mb)
  for pid in $base_pid $cur_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $base_pid $cur_pid; do wait "$pid" 2>/dev/null || true; done
  app_pid= other_pids=

  # ---- Baseline summary: medians, spread (min-max, quartiles by linear interpolation), ratios
  # One pass over the runs: per cell, side and metric (columns 6-11 of repeats.csv) the median, min,
  # max, q1 and q3, then per cell the ratios current/baseline of the medians.
  {
    echo "row,side,commit,endpoint,clients,repeat,order,requests,rps,p50_ms,p99_ms,errors,server_cpu_ms_per_req,db_cpu_ms_per_req"
    while IFS=, read -r side endpoint r n rest; do
      commit=$current_short; [ "$side" = baseline ] && commit=$baseline_short
      echo "repeat,$side,$commit,$endpoint,$b_clients,$r,$n,$rest"
    done < "$work/repeats.csv"
    awk -F, -v OFS=, -v clients="$b_clients" -v bc="$baseline_short" -v cc="$current_short" '
      function q(n, p,  h, i) { h = (n - 1) * p + 1; i = int(h); return i >= n ? a[n] : a[i] + (h - i) * (a[i + 1] - a[i]) }
      function load(k,  n, i, j, t) { # the values of k, sorted, into a[1..n]
        delete a; n = cnt[k]
        for (i = 1; i <= n; i++) { t = val[k, i] + 0; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return n
      }
      { for (m = 6; m <= 11; m++) if ($m != "") { k = $2 SUBSEP $1 SUBSEP m; val[k, ++cnt[k]] = $m } }
      END {
        split("login refresh", E, " "); split("baseline current", S, " "); split("median min max q1 q3", R, " ")
        for (e = 1; e <= 2; e++) {
          for (s = 1; s <= 2; s++) for (r = 1; r <= 5; r++) {
            line = R[r] OFS S[s] OFS (s == 1 ? bc : cc) OFS E[e] OFS clients OFS OFS OFS
            for (m = 6; m <= 11; m++) {
              k = E[e] SUBSEP S[s] SUBSEP m; n = load(k); v = ""
              if (n) v = sprintf("%.6g", r == 1 ? q(n, 0.5) : r == 2 ? a[1] : r == 3 ? a[n] : r == 4 ? q(n, 0.25) : q(n, 0.75))
              if (r == 1) median[k] = v
              line = line OFS v
            }
            print line
          }
          line = "ratio" OFS "current/baseline" OFS cc "/" bc OFS E[e] OFS clients OFS OFS OFS
          for (m = 6; m <= 11; m++) {
            b = median[E[e] SUBSEP "baseline" SUBSEP m]; c = median[E[e] SUBSEP "current" SUBSEP m]
            line = line OFS (b != "" && c != "" && b + 0 > 0 ? sprintf("%.4f", c / b) : "")
          }
          print line
        }
      }' "$work/repeats.csv"
  } > "$csv"
  declare -A stat # "<row>,<side>,<endpoint>,<metric>" -> value, from the summary rows
  while IFS=, read -r row side _ endpoint _ _ _ _ rps p50 p99 errs cpu db; do
    case $row in row|repeat) continue ;; esac
    stat[$row,$side,$endpoint,rps]=$rps stat[$row,$side,$endpoint,p50_ms]=$p50 stat[$row,$side,$endpoint,p99_ms]=$p99
    stat[$row,$side,$endpoint,errors]=$errs stat[$row,$side,$endpoint,server_cpu_ms_per_req]=$cpu
    stat[$row,$side,$endpoint,db_cpu_ms_per_req]=$db
  done < "$csv"
  fmt() { # <value> <decimals>
    if [ -z "$1" ]; then echo n/a; else LC_ALL=C printf "%.${2}f" "$1"; fi
  }
  spread() { # <side> <endpoint> <metric> <decimals>: "min–max [q1–q3]"
    echo "$(fmt "${stat[min,$1,$2,$3]}" "$4")–$(fmt "${stat[max,$1,$2,$3]}" "$4") [$(fmt "${stat[q1,$1,$2,$3]}" "$4")–$(fmt "${stat[q3,$1,$2,$3]}" "$4")]"
  }
  paired() { # <endpoint>: current/baseline server CPU per request within each repeat, in repeat order
    awk -F, -v e="$1" '$2 == e {v[$3 "," $1] = $10; n = ($3 > n ? $3 : n)}
      END {for (r = 1; r <= n; r++) printf "%s%.3f", (r > 1 ? " " : ""), v[r ",current"] / v[r ",baseline"]}' "$work/repeats.csv"
  }
  {
    echo "# Gatehouse baseline comparison $stamp"
    echo
    echo "- command: \`$cmdline\`"
    echo "- baseline: $baseline_short $(git log -1 --format=%s "$baseline_sha" | cut -c1-100)"
    echo "- current: $current_short $(git log -1 --format=%s HEAD | cut -c1-100)"
    echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average at the end $(cut -d' ' -f1-3 /proc/loadavg); wrk on the same cores"
    echo "- JDK $jdk_version, server JVM options: $java_opts; RS256, default Argon2id; database: $database"
    echo "- startup: baseline $base_ready ms, current $cur_ready ms; RSS at the end: baseline $base_rss MB, current $cur_rss MB"
    echo "- procedure: both servers up at once, each warmed up once ($b_warmup s refresh + $b_warmup s login); then $repeats repeats of"
    echo "  ${b_seconds} s wrk runs at $b_clients clients per side and cell, one server under load at a time, ABBA order; before each run a"
    echo "  ${preroll} s unreported pre-run, the per-request tables emptied, a checkpoint, fresh sessions"
    echo "- server CPU: the JVM's utime+stime per request; database CPU: the same for the backends of the side's database"
    echo
    echo "## Medians of $repeats runs, spread min–max [q1–q3]"
    echo
    echo "| endpoint | metric | baseline | spread | current | spread | current/baseline |"
    echo "|---|---|---|---|---|---|---|"
    for endpoint in login refresh; do
      for m in server_cpu_ms_per_req:3 db_cpu_ms_per_req:3 rps:1 p50_ms:2 p99_ms:2 errors:0; do
        name=${m%%:*} d=${m#*:} ratio=${stat[ratio,current/baseline,$endpoint,${m%%:*}]}
        echo "| $endpoint | $name | $(fmt "${stat[median,baseline,$endpoint,$name]}" "$d") | $(spread baseline "$endpoint" "$name" "$d") | $(fmt "${stat[median,current,$endpoint,$name]}" "$d") | $(spread current "$endpoint" "$name" "$d") | ${ratio:+$(fmt "$ratio" 3)} |"
      done
    done
    echo
    echo "Within each repeat (neighbours in time), current/baseline server CPU per request:"
    for endpoint in login refresh; do echo "- $endpoint: $(paired "$endpoint" | sed 's/ /, /g')"; done
    echo
    refresh_errors=$(awk -F, '$2 == "refresh" {s += $9} END {print s + 0}' "$work/repeats.csv")
    login_errors=$(awk -F, '$2 == "login" {s += $9} END {print s + 0}' "$work/repeats.csv")
    change=$(awk -v r="${stat[ratio,current/baseline,refresh,server_cpu_ms_per_req]}" 'BEGIN {printf "%+.1f", (r - 1) * 100}')
    verdict=$(awk -v c="$change" 'BEGIN {print (c + 0 <= 5 ? "within the limit" : "OVER the limit")}')
    [ "$refresh_errors" -eq 0 ] || verdict="INVALID: $refresh_errors errors in the refresh runs"
    read -r pair_min pair_max < <(paired refresh | tr ' ' '\n' | sort -g | sed -n '1p;$p' | paste -sd' ')
    pairs="$pair_min–${pair_max:-$pair_min}"
    if awk -v a="$pair_min" -v b="${pair_max:-$pair_min}" 'BEGIN {exit !(a <= 1.05 && b > 1.05)}'; then
      verdict="$verdict, but not conclusive: the ratios within the repeats straddle +5 % (more --repeats, a quieter machine)"
    fi
    s=server_cpu_ms_per_req
    echo "**refresh CPU per request: $change % (limit +5 %)** — $verdict; medians of $repeats runs each: baseline $(fmt "${stat[median,baseline,refresh,$s]}" 3) ms ($(spread baseline refresh $s 3)), current $(fmt "${stat[median,current,refresh,$s]}" 3) ms ($(spread current refresh $s 3)); current/baseline within a repeat $pairs"
    if [ "$login_errors" -ne 0 ]; then echo; echo "**login: INVALID, $login_errors errors**"; fi
    echo
    echo "## Runs, in the order they ran"
    echo
    echo "| # | repeat | side | endpoint | requests | req/s | p50 ms | p99 ms | errors | server CPU ms/req | database CPU ms/req |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    sort -t, -k4,4n "$work/repeats.csv" | while IFS=, read -r side endpoint r n requests rps p50 p99 errs server db; do
      echo "| $n | $r | $side | $endpoint | $requests | $rps | $p50 | $p99 | $errs | $server | ${db:-n/a} |"
    done
  } > "$md"
  cat "$md"
  log "wrote $csv and $md (raw wrk output in $raw, not committed)"
  exit 0
fi

# ---- Scale mode: the Bearer path and refresh with many sessions in use ------------------------
# One server, one fresh database, every session made over HTTP before the first cell. Each request
# of a cell carries another session's token, round-robin over the first N sessions (bench/wrk/scale.lua),
# so the caches keyed by token or session see N different keys at an even rate. The smallest N is
# the reference: its cells run --repeats-64 times, interleaved with the larger ones, and every
# cell's CPU per request is divided by the median of those. Two measures of database reads: the
# calls of statements that select from sessions (pg_stat_statements, counted from a reset at the
# start of the measured run; on Gatehouse's Bearer path that is the session-state read), and the
# scans of the sessions table (pg_stat_user_tables: every statement that reads it, the refresh's
# rotation too), taken once every backend has flushed its counters.
if [ -n "$scale" ]; then
  t_start=$SECONDS
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  read -ra sizes < <(tr ' ' '\n' <<<"$s_sessions" | sed '/^$/d' | sort -n | uniq | paste -sd' ')
  small=${sizes[0]} large=${sizes[${#sizes[@]}-1]}
  [ "${#sizes[@]}" -ge 2 ] || { echo "bench: --sessions needs two different counts" >&2; exit 2; }
  [ "$small" -ge "$s_connections" ] || {
    echo "bench: --sessions: each count must be at least --connections ($s_connections): a refresh connection needs a session of its own" >&2; exit 2; }
  java_bin=$JAVA17; [ "$b_jdk" = 25 ] && java_bin=$JAVA25
  jcmd=$(dirname "$(readlink -f "$java_bin")")/jcmd
  [ -x "$jcmd" ] || { echo "bench: no jcmd beside $java_bin (the used heap is read with it)" >&2; exit 1; }
  jdk_version=$("$java_bin" -version 2>&1 | head -1 | sed -E 's/.*version "([^"]+)".*/\1/')
  db_name=$(sed -E 's#^jdbc:postgresql://[^/]*/([^?]*).*#\1#' <<<"$jdbc")
  setup_parallel=${SCALE_SETUP_PARALLEL:-4}
  # Set-up speed: Argon2id at its smallest (RFC 9106's minimum memory, one pass) makes a register
  # and a login cost microseconds of hashing; no cell measures either. The tokens of the set-up must
  # outlive the run: access-token ttl 2 h instead of 15 min. Both are said in the results.
  scale_env="GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB=8 GATEHOUSE_PASSWORD_ARGON2_ITERATIONS=1 GATEHOUSE_PASSWORD_ARGON2_PARALLELISM=1 GATEHOUSE_ACCESS_TOKEN_TTL=PT2H"
  mkdir "$work/helper" # compiled once: settle runs within the 30 s reuse grace after a refresh run
  "$(dirname "$(readlink -f "$JAVA17")")/javac" -d "$work/helper" bench/ScaleSessions.java
  helper() { "$JAVA17" -cp "$work/helper" ScaleSessions "$@"; }

  log "scale: JDK $jdk_version, sessions $s_sessions, $s_connections connections, ${s_warmup} s warm-up + ${s_seconds} s per cell"
  # shellcheck disable=SC2086 # word splitting of the VAR=value lists is meant
  start_server "$java_bin" "$work/rsa.pem" $scale_env ${SCALE_SERVER_ENV:-}
  base_url="http://127.0.0.1:$port"
  pgss=
  if admin_psql "$db_name" -c "create extension if not exists pg_stat_statements" > /dev/null 2>&1 &&
    admin_psql "$db_name" -Atc "select count(*) from pg_stat_statements" > /dev/null 2>&1; then pgss=1; fi
  pgss_where="dbid = (select oid from pg_database where datname = current_database()) and query ~* '^\s*select\M' and query ~* '\msessions\M'"
  pgss_reset() { [ -z "$pgss" ] || admin_psql "$db_name" -Atc "select pg_stat_statements_reset(0, (select oid from pg_database where datname = current_database()), 0)" > /dev/null; }
  pgss_reads() { if [ -n "$pgss" ]; then admin_psql "$db_name" -Atc "select coalesce(sum(calls), 0) from pg_stat_statements where $pgss_where"; fi; }
  pgss_top() { # the statements of the measured run, most called first: what was counted, and what else ran
    [ -z "$pgss" ] || admin_psql "$db_name" -Atc "select calls, left(regexp_replace(query, '\s+', ' ', 'g'), 240) from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database()) order by calls desc limit 20"
  }
  session_scans() { admin_psql "$db_name" -Atc "select coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) from pg_stat_user_tables where relname = 'sessions'"; }
  stats_flushed() { # <the database's clock at the end of a run>: wait until every backend has flushed that run's table counters
    # PostgreSQL 15 flushes a backend's counters when one of its transactions ends at least 1 s after
    # its previous flush, else 10 s after it went idle. The pool validates idle connections every 5 s.
    local deadline=$((SECONDS + 15)) left
    while :; do
      left=$(admin_psql "$db_name" -Atc "select count(*) from pg_stat_activity where datname = current_database()
        and pid <> pg_backend_pid() and backend_type = 'client backend' and not (state = 'idle'
        and (state_change > '$1'::timestamptz + interval '1.2 s' or state_change < now() - interval '10.5 s'))")
      [ "$left" = 0 ] && return 0
      [ $SECONDS -lt $deadline ] || { log "table counters: $left backends may not have flushed after 15 s"; return 0; }
      sleep 0.2
    done
  }
  db_now() { admin_psql "$db_name" -Atc "select now()"; }
  heap_used_kib() { # <label>: the used heap after two forced full collections (jcmd GC.run, then GC.heap_info), KiB
    "$jcmd" "$server_pid" GC.run > /dev/null
    "$jcmd" "$server_pid" GC.run > /dev/null
    "$jcmd" "$server_pid" GC.heap_info > "$raw/heap-$1.txt"
    "$jcmd" "$server_pid" GC.class_histogram > "$raw/histogram-$1.txt" # live objects by class (after one more full GC)
    awk '/total [0-9]+K, used [0-9]+K/ {for (i = 1; i < NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?$/, "", v); s += v}}
      END {print s + 0}' "$raw/heap-$1.txt"
  }
  scale_wrk() { # <me|refresh> <sessions> <duration> <output>
    local threads=$(( s_connections < 2 ? 1 : 2 ))
    if [ "$1" = me ]; then
      wrk -t$threads -c"$s_connections" -d"$3" --timeout 10s --latency -s bench/wrk/scale.lua \
        "$base_url/api/users/me" -- me "$work/access.txt" "$2" $threads > "$4"
    else
      wrk -t$threads -c"$s_connections" -d"$3" --timeout 10s --latency -s bench/wrk/scale.lua \
        "$base_url/api/auth/refresh" -- refresh "$work/refresh.txt" "$2" $threads "$work/dump.txt" > "$4"
    fi
  }
  settle() { # after a wrk refresh run: every session's newest token into refresh.txt (within the 30 s reuse grace)
    helper settle "$base_url" "$work/dump.txt" "$work/refresh.txt" >> "$raw/settle.log" 2>&1 ||
      { tail -5 "$raw/settle.log" >&2; exit 1; }
  }

  log "scale: creating $large users and one session each over HTTP ($setup_parallel at a time; Argon2id m=8 t=1 p=1 for speed)"
  t0=$SECONDS
  helper create "$base_url" "$large" "$setup_parallel" "$password" "scale-$stamp" "$work/access.txt" "$work/refresh.txt" \
    2>&1 | tee "$raw/setup.log" >&2
  setup_s=$((SECONDS - t0))
  log "scale: JIT warm-up, ${s_warmup} s of /me and ${s_warmup} s of refresh over the first $small sessions (not reported)"
  scale_wrk me "$small" "${s_warmup}s" "$raw/warmup-me.txt"
  scale_wrk refresh "$small" "${s_warmup}s" "$raw/warmup-refresh.txt"; settle

  hz=$(getconf CLK_TCK)
  : > "$work/cells.csv" # order,endpoint,sessions,repeat,requests,rps,p50,p99,errors,server_cpu,db_cpu,reads,scans
  order=0
  scale_cell() { # <me|refresh> <sessions> <repeat, or "-">
    local endpoint=$1 n=$2 r=$3 name
    order=$((order + 1)); name=$(printf '%02d-%s-%s' "$order" "$endpoint" "$n")
    log "$name: warm-up, one pass over the $n sessions ($setup_parallel at a time), then ${s_warmup} s"
    if [ "$endpoint" = me ]; then helper me "$base_url" "$work/access.txt" "$n" "$setup_parallel"
    else helper refresh "$base_url" "$work/refresh.txt" "$n" "$setup_parallel"; fi >> "$raw/passes.log" 2>&1 ||
      { tail -5 "$raw/passes.log" >&2; exit 1; }
    scale_wrk "$endpoint" "$n" "${s_warmup}s" "$raw/$name.warmup.txt"
    if [ "$endpoint" = refresh ]; then settle; fi
    stats_flushed "$(db_now)"
    local scans0 scans1 reads cpu0 cpu1
    scans0=$(session_scans); pgss_reset; db_cpu_snapshot "$db_name" "$work/db0.txt"; cpu0=$(server_cpu_ticks)
    scale_wrk "$endpoint" "$n" "${s_seconds}s" "$raw/$name.txt"
    cpu1=$(server_cpu_ticks); db_cpu_snapshot "$db_name" "$work/db1.txt"
    reads=$(pgss_reads); pgss_top > "$raw/$name.statements.txt"
    stats_flushed "$(db_now)"; scans1=$(session_scans)
    if [ "$endpoint" = refresh ]; then settle; fi
    local requests rps p50 p99 errors server_ms db_ms
    run_figures "$raw/$name.txt" "$cpu0" "$cpu1"
    echo "$order,$endpoint,$n,$r,$requests,$rps,$p50,$p99,$errors,$server_ms,$db_ms,$reads,$((scans1 - scans0))" >> "$work/cells.csv"
    log "$name: $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $errors, server CPU $server_ms ms/req, session-state reads ${reads:-n/a}, sessions scans $((scans1 - scans0))"
  }

  # The plan: the smallest count first, then each larger one followed by the smallest again while
  # repeats are left (64, 20000, 64, 100000, 64), for /me and then for refresh.
  plan=("$small:1") r=1
  for n in "${sizes[@]:1}"; do
    plan+=("$n:-")
    if [ "$r" -lt "$s_repeats" ]; then r=$((r + 1)); plan+=("$small:$r"); fi
  done
  while [ "$r" -lt "$s_repeats" ]; do r=$((r + 1)); plan+=("$small:$r"); done
  for endpoint in me refresh; do
    for step in "${plan[@]}"; do
      scale_cell "$endpoint" "${step%%:*}" "${step#*:}"
      if [ "$endpoint" = me ] && [ "$step" = "$small:1" ]; then heap_small=$(heap_used_kib "me-$small") rss_small=$(rss_mb); fi
      if [ "$endpoint" = me ] && [ "${step%%:*}" = "$large" ]; then heap_large=$(heap_used_kib "me-$large") rss_large=$(rss_mb); fi
    done
  done
  heap_end=$(heap_used_kib end) rss_end=$(rss_mb)
  stop_server
  run_s=$((SECONDS - t_start))

  # ---- Scale summary
  per_session=$(awk -v a="$heap_small" -v b="$heap_large" -v n="$small" -v m="$large" 'BEGIN {printf "%.0f", (b - a) * 1024 / (m - n)}')
  median_of() { # <endpoint> <column>: the median over the smallest count's cells
    awk -F, -v e="$1" -v n="$small" -v c="$2" '$2 == e && $3 == n {print $c}' "$work/cells.csv" | sort -g |
      awk '{v[NR] = $1} END {if (NR) printf "%.4f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
  }
  declare -A ref=([me]=$(median_of me 10) [refresh]=$(median_of refresh 10))
  {
    echo "kind,order,endpoint,sessions,repeat,requests,rps,p50_ms,p99_ms,errors,server_cpu_ms_per_req,ratio_to_${small}_median,db_cpu_ms_per_req,session_state_reads,sessions_table_scans,heap_used_kib,rss_mb"
    while IFS=, read -r o e n r requests rps p50 p99 errs server db reads scans; do
      ratio=$(awk -v s="$server" -v m="${ref[$e]}" 'BEGIN {if (m > 0) printf "%.3f", s / m}')
      echo "cell,$o,$e,$n,$r,$requests,$rps,$p50,$p99,$errs,$server,$ratio,$db,$reads,$scans,,"
    done < "$work/cells.csv"
    echo "heap,,after me,$small,,,,,,,,,,,,$heap_small,$rss_small"
    echo "heap,,after me,$large,,,,,,,,,,,,$heap_large,$rss_large"
    echo "heap,,end of run,,,,,,,,,,,,,$heap_end,$rss_end"
  } > "$csv"
  invalid=$(awk -F, '$9 > 0' "$work/cells.csv" | wc -l)
  {
    echo "# Gatehouse scale cells $stamp${s_label:+ ($s_label)}"
    echo
    echo "- command: \`$cmdline\`"
    echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"); load average at the start $load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg); wrk on the same cores"
    echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo ' (with uncommitted changes)'); JDK $jdk_version; server JVM options: $java_opts; RS256; rate limits off; database: $database"
    echo "- set-up: $large users registered and logged in once each over HTTP by bench/ScaleSessions.java, $setup_parallel requests at a time, in $setup_s s. **For the set-up's speed the server runs with Argon2id m=8 t=1 p=1** (\`GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB=8\`, \`_ITERATIONS=1\`, \`_PARALLELISM=1\`, the smallest allowed; no cell measures a login or a register) **and an access-token ttl of 2 h** (\`GATEHOUSE_ACCESS_TOKEN_TTL=PT2H\`, default 15 min, so that the set-up's tokens stay valid for the whole run)${SCALE_SERVER_ENV:+; extra server environment: \`$SCALE_SERVER_ENV\`}"
    echo "- cells: wrk with $s_connections connections, each request carrying another session's token, round-robin over the first N sessions (bench/wrk/scale.lua; refresh: each session always sends its newest refresh token). Warm-up, not reported: one pass over the cell's N sessions ($setup_parallel at a time), then ${s_warmup} s of the cell's load; measured: ${s_seconds} s. The $small-session cells run $s_repeats times, interleaved; **ratio** is the cell's server CPU per request over the median of the $small-session cells of its endpoint (me ${ref[me]} ms, refresh ${ref[refresh]} ms). A cell with errors (not 2xx, or no answer in 10 s) is invalid."
    if [ -n "$pgss" ]; then
      echo "- **session-state reads**: calls of the statements that select from \`sessions\` in the measured run (pg_stat_statements, reset at its start; the statements of each run are in the raw output). The refresh's rotation (\`with rotated as (update ...)\`) reads the session row too and is not counted here; \`sessions\` scans (pg_stat_user_tables, idx_scan + seq_scan, read after every backend flushed its counters) count every statement."
    else
      echo "- **session-state reads**: pg_stat_statements not available on this database (n/a); \`sessions\` scans (pg_stat_user_tables, idx_scan + seq_scan, read after every backend flushed its counters) count every statement that read the table, the refresh's rotation too."
    fi
    echo "- server CPU: the JVM's utime+stime (/proc) per request; database CPU: the same for the database's backends"
    echo "- run time of the mode: $((run_s / 60)) min $((run_s % 60)) s (build not included)"
    echo
    [ "$invalid" -eq 0 ] || { echo "**$invalid cells had errors and are invalid.**"; echo; }
    echo "## Cells, in the order they ran"
    echo
    echo "| # | active sessions in use | endpoint | req/s | p50 / p99 ms | errors | server CPU ms/request | ratio to $small | session-state reads in the cell | \`sessions\` scans | database CPU ms/request |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    tail -n +2 "$csv" | while IFS=, read -r kind o e n r requests rps p50 p99 errs server ratio db reads scans _; do
      [ "$kind" = cell ] || continue
      label=$n; [ "$r" = - ] || label="$n (run $r)"
      endpoint=$e; [ "$e" = me ] && endpoint="GET /api/users/me"; [ "$e" = refresh ] && endpoint="POST /api/auth/refresh"
      echo "| $o | $label | $endpoint | $rps | $p50 / $p99 | $errs$([ "$errs" = 0 ] || echo ' INVALID') | $server | ${ratio:-n/a} | ${reads:-n/a} | $scans | ${db:-n/a} |"
    done
    echo
    echo "## Memory per cached session"
    echo
    echo "Used heap after two forced full collections (\`jcmd <pid> GC.run\`, then \`GC.heap_info\`: the used young and old generation), and the JVM's RSS:"
    echo
    echo "| when | used heap | RSS |"
    echo "|---|---|---|"
    echo "| after the first $small-session /me cell | $((heap_small / 1024)) MiB ($heap_small KiB) | $rss_small MB |"
    echo "| after the $large-session /me cell | $((heap_large / 1024)) MiB ($heap_large KiB) | $rss_large MB |"
    echo "| end of the run (after the refresh cells) | $((heap_end / 1024)) MiB ($heap_end KiB) | $rss_end MB |"
    echo
    echo "**($heap_large − $heap_small KiB) / ($large − $small) = $per_session bytes per cached session** (the verified-token cache and the session-state cache together, whatever each holds at that point)."
    echo
    echo "Where it went: the classes whose live objects grew most between the two points (\`jcmd <pid> GC.class_histogram\`):"
    echo
    echo "| class | objects added | bytes added | bytes per session |"
    echo "|---|---|---|---|"
    awk 'NR == FNR {if ($1 ~ /^[0-9]+:$/) {bytes[$4] = $3; count[$4] = $2}; next}
      $1 ~ /^[0-9]+:$/ && $3 - bytes[$4] > 0 {print $3 - bytes[$4], $2 - count[$4], $4}' \
      "$raw/histogram-me-$small.txt" "$raw/histogram-me-$large.txt" | sort -rn | head -12 |
      while read -r bytes count class; do
        echo "| \`$class\` | $count | $bytes | $(awk -v b="$bytes" -v n="$small" -v m="$large" 'BEGIN {printf "%.0f", b / (m - n)}') |"
      done
  } > "$md"
  cat "$md"
  log "wrote $csv and $md (raw output in $raw, not committed)"
  exit 0
fi

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
