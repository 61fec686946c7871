#!/usr/bin/env bash
# Cost of Bearer validation (GET /api/users/me) with the session cache on and off.
# Needs: the packaged app (./mvnw package -DskipTests), wrk, openssl, psql, and a PostgreSQL given by
# the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE. Loopback only; stops by itself.
#   PGHOST=127.0.0.1 PGUSER=postgres PGPASSWORD=postgres PGDATABASE=gatehouse_bench bash bench/session-cache.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGHOST:=127.0.0.1}" "${PGPORT:=5432}" "${PGUSER:=postgres}" "${PGDATABASE:=postgres}"
export PGHOST PGPORT PGUSER PGDATABASE
port=18080
seconds=${SECONDS_PER_RUN:-15}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null

scans() { psql -Atqc "select coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) from pg_stat_user_tables where relname = 'sessions'"; }

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), commit $(git rev-parse --short HEAD)"
for cache in true false; do
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$((port + 1000)) GATEHOUSE_SESSION_CACHE_ENABLED=$cache \
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE" \
  QUARKUS_DATASOURCE_USERNAME="$PGUSER" QUARKUS_DATASOURCE_PASSWORD="${PGPASSWORD:-}" \
  GATEHOUSE_JWT_SIGNING_KEY_FILES="$work/key.pem" GATEHOUSE_JWT_ISSUER=https://bench GATEHOUSE_JWT_AUDIENCE=bench \
  GATEHOUSE_SECRET="$(openssl rand -base64 32)" \
    java -jar target/quarkus-app/quarkus-run.jar > "$work/app.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$((port + 1000))/q/health/ready" >/dev/null && break; sleep 0.1; done
  email="bench-$(date +%s%N)@example.com"
  curl -sf -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"bench password 123\"}" \
    "http://127.0.0.1:$port/api/auth/register" >/dev/null
  token=$(curl -sf -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"bench password 123\"}" \
    "http://127.0.0.1:$port/api/auth/login" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
  url="http://127.0.0.1:$port/api/users/me"
  wrk -t2 -c8 -d5s -H "Authorization: Bearer $token" "$url" >/dev/null   # warm-up, not reported
  sleep 1; scans0=$(scans)
  cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  wrk -t2 -c8 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$url" > "$work/wrk.txt"
  cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  sleep 1; scans1=$(scans)
  requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt"); p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $4}' "$work/wrk.txt")
  cpu_ms=$(awk -v c0="$cpu0" -v c1="$cpu1" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f", (c1 - c0) * 1000 / hz / n}')
  echo "cache=$cache c=8 requests=$requests rps=$rps p50=$p50 p99=$p99 non2xx=${non2xx:-0} server_cpu_ms_per_req=$cpu_ms sessions_table_scans=$((scans1 - scans0))"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
