# Sourced by bench/passkey.sh and bench/dpop.sh (after bench/database.sh): their temporary folder and clean-up, their
# load generator compiled with bench/ClosedLoop.java, the packaged service on the bench database, and its users.

# bench_prepare: the temporary folder ($work), the clean-up at exit (the service, the database, the folder), and the
# check that the app is packaged.
bench_prepare() {
  work=$(mktemp -d) pg_started= app_pid=
  trap bench_cleanup EXIT
  [ -f target/quarkus-app/quarkus-run.jar ] || { echo "bench: build the app first (./mvnw package -DskipTests)" >&2; exit 1; }
}

bench_cleanup() {
  [ -z "$app_pid" ] || { kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; }
  bench_database_release
  rm -rf "$work"
}

# bench_load_generator <jar regex> <file.java>...: compiles the files and bench/ClosedLoop.java against the project's
# own jars whose path matches the regex; sets load_cp (those jars and the classes).
bench_load_generator() {
  local jars=$1
  shift
  ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$work/all-cp.txt" >/dev/null
  load_cp=$(tr ':' '\n' < "$work/all-cp.txt" | { grep -E "$jars" || true; } | paste -sd:)
  javac -nowarn -cp "$load_cp" -d "$work/classes" bench/ClosedLoop.java "$@"
  load_cp=$load_cp:$work/classes
}

# bench_start_service <port> [VAR=value]...: the packaged jar in the prod profile (-Xmx512m -XX:+UseParallelGC, a
# generated RS256 key, rate limits off, mail off) with these settings added, on $jdbc; sets app_pid once it is ready.
bench_start_service() {
  local port=$1
  shift
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
  env QUARKUS_HTTP_PORT="$port" QUARKUS_MANAGEMENT_PORT=$((port + 1000)) \
    QUARKUS_DATASOURCE_JDBC_URL="$jdbc" QUARKUS_DATASOURCE_USERNAME="$db_user" QUARKUS_DATASOURCE_PASSWORD="$db_password" \
    GATEHOUSE_JWT_SIGNING_KEY_FILES="$work/key.pem" GATEHOUSE_JWT_ISSUER=https://bench.test GATEHOUSE_JWT_AUDIENCE=bench \
    GATEHOUSE_SECRET="$(openssl rand -base64 32)" GATEHOUSE_RATE_LIMIT_ENABLED=false GATEHOUSE_MAIL_ENABLED=false "$@" \
    java -Xmx512m -XX:+UseParallelGC -jar target/quarkus-app/quarkus-run.jar > "$work/app.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 900); do
    curl -sf "http://127.0.0.1:$((port + 1000))/q/health/ready" >/dev/null && return
    kill -0 "$app_pid" || { cat "$work/app.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "bench: the service was not ready within 90 s" >&2
  exit 1
}

# bench_register_users <port> <prefix> <count> <password>: <prefix>-1..<count>@bench.invalid, over the API.
bench_register_users() {
  for i in $(seq 1 "$3"); do echo "$2-$i@bench.invalid"; done |
    xargs -P 2 -I{} curl -sf -o /dev/null -H 'Content-Type: application/json' \
      -d "{\"email\":\"{}\",\"password\":\"$4\"}" "http://127.0.0.1:$1/api/auth/register"
}
