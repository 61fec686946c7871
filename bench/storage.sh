#!/usr/bin/env bash
# Table and index sizes after N refreshes: 1,000 sessions x 100 refreshes by default.
# Needs the packaged app, psql, openssl, and a PostgreSQL named by the libpq variables
# (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE): use an empty database, it is filled.
#   PGHOST=127.0.0.1 PGUSER=postgres PGPASSWORD=postgres PGDATABASE=gatehouse_storage bash bench/storage.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGHOST:=127.0.0.1}" "${PGPORT:=5432}" "${PGUSER:=postgres}" "${PGDATABASE:=postgres}"
export PGHOST PGPORT PGUSER PGDATABASE
sessions=${SESSIONS:-1000}; refreshes=${REFRESHES:-100}; port=18081
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$((port + 1000)) GATEHOUSE_RATE_LIMIT_ENABLED=false \
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE" \
QUARKUS_DATASOURCE_USERNAME="$PGUSER" QUARKUS_DATASOURCE_PASSWORD="${PGPASSWORD:-}" \
GATEHOUSE_JWT_SIGNING_KEY_FILES="$work/key.pem" GATEHOUSE_JWT_ISSUER=https://bench GATEHOUSE_JWT_AUDIENCE=bench \
GATEHOUSE_SECRET="$(openssl rand -base64 32)" \
  java -jar target/quarkus-app/quarkus-run.jar > "$work/app.log" 2>&1 &
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$((port + 1000))/q/health/ready" >/dev/null && break; sleep 0.1; done
java bench/StorageGrowth.java "http://127.0.0.1:$port" "$sessions" "$refreshes" 8
psql -qc "vacuum analyze"
psql -c "select relname as table, n_live_tup as live_rows,
                pg_size_pretty(pg_table_size(relid)) as table_size,
                pg_size_pretty(pg_indexes_size(relid)) as indexes_size,
                pg_size_pretty(pg_total_relation_size(relid)) as total
           from pg_stat_user_tables where relname in ('users','sessions','refresh_tokens','security_events','login_attempts')
          order by pg_total_relation_size(relid) desc"
