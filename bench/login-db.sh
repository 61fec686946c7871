#!/usr/bin/env bash
# Database time of one login as the users grow (docs/operations.md "Query plans"): at 1,000 and at 100,000
# users, for the working tree and, with BASELINE=<git ref>, for that commit too (built from git archive).
# For each build and user count: a fresh database; the packaged service on it (prod profile, rate limits and
# purge off); one account registered over HTTP, then the others filled in by SQL with its password hash, each
# with a session and a refresh token; WARMUP logins, pg_stat_statements reset, then LOGINS logins over HTTP, one
# at a time, each of another account, spread evenly over the table. Reported from pg_stat_statements: every statement the logins ran (calls,
# mean ms) and the database time per login, the sum of their execution times over LOGINS. Execution only:
# parsing, planning and the network are not in it. Background statements are left out: the pool's validation
# queries and the revocation listener's heartbeats (they touch no table) and the sealed-successor erasure that
# runs every minute even with the purge off (the only statements with "skip locked").
# Needs: JDK 17 `java`, curl, openssl, psql; PostgreSQL 13+ with pg_stat_statements in shared_preload_libraries,
# named by the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD; a superuser: databases login_db_* are created
# and dropped), or, without PGHOST, the embedded PostgreSQL 17 (bench/EmbeddedPg.java, loaded with it).
#   BASELINE=8b40609 bash bench/login-db.sh
# Environment: USER_COUNTS ("1000 100000"), LOGINS (300), WARMUP (50), BASELINE (none), MAVEN_ARGS (-o offline).
# Loopback only; stops what it started. About 7 minutes on 2 cores with a baseline (two builds included).
# Results: bench/README.md "Login database time".
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/build-commit.sh
user_counts=${USER_COUNTS:-1000 100000}; logins=${LOGINS:-300}; warmup=${WARMUP:-50}
port=18082 pg_port=15433 password='bench password 123'
work=$(mktemp -d)
app_pid= pg_pid=
cleanup() { # the service first, then the embedded PostgreSQL, which stops when its stdin closes
  [ -z "$app_pid" ] || { kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null || true; }
  [ -z "$pg_pid" ] || { exec 7>&-; wait "$pg_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null

# ---- builds: the working tree, and the baseline from git archive (nothing registered in the repository) ------
./mvnw -B -q package -DskipTests > "$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
cp -r target/quarkus-app "$work/app-current"
builds="current"
current_label="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo '+uncommitted')"
if [ -n "${BASELINE:-}" ]; then
  build_commit "$BASELINE" "$work/app-baseline" "$work/build-baseline.log"
  builds="baseline current"
  baseline_label=$(git rev-parse --short "$BASELINE")
fi

# ---- PostgreSQL ---------------------------------------------------------------------------------------------
if [ -z "${PGHOST:-}" ]; then
  ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
  mkfifo "$work/pg-stdin"
  java -cp "$(cat "$work/cp.txt")" bench/EmbeddedPg.java $pg_port shared_preload_libraries=pg_stat_statements \
    < "$work/pg-stdin" > "$work/postgres.log" 2>&1 &
  pg_pid=$!
  exec 7> "$work/pg-stdin"
  until grep -q '^ready' "$work/postgres.log"; do kill -0 "$pg_pid" || { cat "$work/postgres.log" >&2; exit 1; }; sleep 0.2; done
  export PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=postgres PGPASSWORD=
fi
: "${PGPORT:=5432}" "${PGUSER:=postgres}"
export PGHOST PGPORT PGUSER
sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(java -version 2>&1 | head -1)," \
     "PostgreSQL $(sql -d postgres -c 'show server_version' | cut -d' ' -f1); $logins logins per cell after $warmup unmeasured"

login() { # <account number>: the HTTP status
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"email\":\"login-db-$1@bench.test\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/auth/login"
}

for build in $builds; do
  label=$current_label; [ "$build" = baseline ] && label=$baseline_label
  for users in $user_counts; do
    db=login_db_$users
    sql -d postgres -c "drop database if exists $db" -c "create database $db"
    sql -d "$db" -c "create extension if not exists pg_stat_statements"
    QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$((port + 1000)) GATEHOUSE_RATE_LIMIT_ENABLED=false \
    GATEHOUSE_PURGE_ENABLED=false QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$db" \
    QUARKUS_DATASOURCE_USERNAME="$PGUSER" QUARKUS_DATASOURCE_PASSWORD="${PGPASSWORD:-}" \
    GATEHOUSE_JWT_SIGNING_KEY_FILES="$work/key.pem" GATEHOUSE_JWT_ISSUER=https://bench GATEHOUSE_JWT_AUDIENCE=bench \
    GATEHOUSE_SECRET="$(openssl rand -base64 32)" \
      java -jar "$work/app-$build/quarkus-run.jar" > "$work/app.log" 2>&1 &
    app_pid=$!
    for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$((port + 1000))/q/health/ready" >/dev/null && break; sleep 0.1; done
    curl -sf -o /dev/null -H 'Content-Type: application/json' \
      -d "{\"email\":\"login-db-0@bench.test\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/auth/register"
    # Accounts 1..users-1 as the registered one stores them (its hash, so its password), each with a live session
    # and that session's refresh token.
    sql -d "$db" <<SQL
insert into users (id, email, email_skeleton, password_hash, roles, security_stamp, status, created_at, updated_at)
select md5('login-db-user-' || n)::uuid, 'login-db-' || n || '@bench.test', 'login-db-' || n || '@bench.test',
       u.password_hash, u.roles, md5('stamp' || n), 'active', now() - interval '1 year' + n * interval '1 second',
       now() - interval '1 year' + n * interval '1 second'
  from generate_series(1, $users - 1) n, users u where u.email = 'login-db-0@bench.test';
insert into sessions (id, user_id, device_name, created_at, last_used_at, absolute_end, refresh_expires_at)
select md5('login-db-session-' || n)::uuid, md5('login-db-user-' || n)::uuid, 'filler', now() - interval '1 day',
       now() - interval '1 hour', now() + interval '89 days', now() + interval '13 days'
  from generate_series(1, $users - 1) n;
insert into refresh_tokens (session_id, token_hash, issued_at, expires_at)
select md5('login-db-session-' || n)::uuid, sha256(convert_to('login-db-token-' || n, 'UTF8')),
       now() - interval '1 hour', now() + interval '13 days'
  from generate_series(1, $users - 1) n;
vacuum analyze;
SQL
    # Accounts spread evenly over the table, in the order they were written: a scan that stops at the first
    # match (the email look-up's, before the fix) reads half of it on average, as it would in production.
    for k in $(seq 0 $((warmup - 1))); do login $((1 + k * (users - 1) / warmup)) >/dev/null; done
    sql -d "$db" -c "select pg_stat_statements_reset()" >/dev/null
    failed=0
    for k in $(seq 0 $((logins - 1))); do
      [ "$(login $((1 + k * (users - 1) / logins)))" = 200 ] || failed=$((failed + 1))
    done
    # the fourth column: the statement on one line, Hibernate's column lists shortened to "..."
    sql -d "$db" -F '|' > "$work/statements.txt" <<SQL
select round(total_exec_time::numeric / $logins, 4), calls, round(mean_exec_time::numeric, 4),
       left(regexp_replace(regexp_replace(query, '\s+', ' ', 'g'), '^select [a-z0-9_.,]+ from', 'select ... from'), 110)
  from pg_stat_statements
 where dbid = (select oid from pg_database where datname = current_database())
   and query ~* '\m(users|sessions|refresh_tokens|security_events|address_failure_counts|account_failure_counts)\M'
   and query !~* 'pg_stat_statements' and query !~* 'skip locked'
 order by total_exec_time desc
SQL
    per_login=$(awk -F'|' '{ sum += $1 } END { printf "%.3f", sum }' "$work/statements.txt")
    lookup=$(awk -F'|' '$4 ~ /from users u1_0 where[^|]*email/ { printf "%.3f", $3 }' "$work/statements.txt")
    echo "build=$label users=$users logins=$logins failed=$failed db_ms_per_login=$per_login email_lookup_mean_ms=${lookup:-?}"
    awk -F'|' '{ printf "    %8.4f ms/login  calls=%-5s mean=%8.4f ms  %s\n", $1, $2, $3, $4 }' "$work/statements.txt"
    kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=
    sql -d postgres -c "drop database $db"
  done
done
