#!/usr/bin/env bash
# Start of the packaged JVM build to the first 200 on /q/health/ready (management port), and RSS, for:
#   JDK 17 fast-jar (the default build), JDK 25 fast-jar, JDK 25 aot-jar + AOT cache (as
#   docker/Dockerfile.jvm runs it, in a 512 MB container), and the same with C1 only; then RSS
#   after a load run with the container's options under smaller limits. Nothing else may run.
# Needs: JDK 17 as `java`, a JDK 25 (JAVA25, default Temurin's), curl, openssl, wrk, and a
# PostgreSQL given by the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE).
# Loopback only; stops by itself. Leaves target/quarkus-app as the default fast-jar build.
#   PGUSER=postgres PGPASSWORD=postgres bash bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGHOST:=127.0.0.1}" "${PGPORT:=5432}" "${PGUSER:=postgres}" "${PGDATABASE:=postgres}"
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
runs=${RUNS:-3}
port=18080
management_port=19080
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
export QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$management_port QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE" \
  QUARKUS_DATASOURCE_USERNAME="$PGUSER" QUARKUS_DATASOURCE_PASSWORD="${PGPASSWORD:-}" \
  GATEHOUSE_JWT_SIGNING_KEY_FILES="$work/key.pem" GATEHOUSE_JWT_ISSUER=https://bench GATEHOUSE_JWT_AUDIENCE=bench \
  GATEHOUSE_SECRET="$(openssl rand -base64 32)" GATEHOUSE_RATE_LIMIT_ENABLED=false

echo "building the aot-jar layout (JDK 25) and the default fast-jar (JDK 17)" >&2
JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA25")")") ./mvnw -B -q package -DskipTests \
  -Dquarkus.package.jar.type=aot-jar > "$work/build.log" 2>&1
cp -r target/quarkus-app "$work/aot"
./mvnw -B -q package -DskipTests > "$work/build.log" 2>&1
cp -r target/quarkus-app "$work/fast"
container_opts="-XX:+UseParallelGC -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
PATH="$(dirname "$JAVA25"):$PATH" AOT_TRAIN_PORT=$port AOT_TRAIN_MANAGEMENT_PORT=$management_port bash docker/aot-train.sh "$work/aot" $container_opts >&2

# start <dir> <java> [options...]: starts the app in the background, sets $pid and $ready_ms.
start() {
  local dir=$1 java=$2; shift 2
  local t0; t0=$(date +%s%N)
  (cd "$dir" && exec "$java" "$@" -jar quarkus-run.jar) > "$work/app.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$management_port/q/health/ready"; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/app.log" >&2; exit 1; }
    sleep 0.02
  done
  ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
rss_mb() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024 )); }
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), commit $(git rev-parse --short HEAD), $(date -u +%F)"
echo "| build | JVM | options | ready ms (each run) | RSS at ready |"
echo "|---|---|---|---|---|"
measure() {
  local label=$1 dir=$2 java=$3; shift 3
  local times=() rss=0
  for _ in $(seq 1 "$runs"); do start "$dir" "$java" "$@"; times+=("$ready_ms"); rss=$(rss_mb); stop; done
  echo "| $label | $("$java" -version 2>&1 | head -1 | sed -E 's/.*version "([^"]+)".*/\1/') | ${*:-(none)} | ${times[*]} | $rss MB |"
}
measure fast-jar "$work/fast" java
measure fast-jar "$work/fast" "$JAVA25"
# -XX:MaxRAM stands in for a container memory limit: the heap (and the time to set it up) follows it.
measure "aot-jar + cache" "$work/aot" "$JAVA25" $container_opts -XX:AOTCache=app.aot -XX:MaxRAM=512m
measure "aot-jar + cache" "$work/aot" "$JAVA25" $container_opts -XX:AOTCache=app.aot -XX:MaxRAM=512m -XX:TieredStopAtLevel=1

# RSS after load: 15 s of refreshes at 32 clients, then 15 s of /api/users/me at 32 connections.
load_rss() {
  start "$work/aot" "$JAVA25" "$@"
  local before; before=$(rss_mb)
  local refresh; refresh=$("$JAVA25" bench/RefreshLoad.java "http://127.0.0.1:$port" 32 15 3 | tail -1)
  local email="rss-$(date +%s%N)@example.com"
  local body="{\"email\":\"$email\",\"password\":\"bench password 123\"}"
  curl -s -o /dev/null -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port/api/auth/register"
  local token; token=$(curl -s -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port/api/auth/login" \
    | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
  local me; me=$(wrk -t2 -c32 -d15s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/users/me" | awk '/Requests\/sec/ {print $2}')
  echo "| $* | $before MB | $(rss_mb) MB | $(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$refresh") | $me |"
  stop
}
echo
echo "| options (aot-jar, JDK 25) | RSS at ready | RSS after load | refresh/s c=32 | /me req/s c=32 |"
echo "|---|---|---|---|---|"
load_rss $container_opts -XX:AOTCache=app.aot -XX:MaxRAM=512m
load_rss $container_opts -XX:AOTCache=app.aot -XX:MaxRAM=256m
load_rss $container_opts -XX:AOTCache=app.aot -Xmx96m
