#!/usr/bin/env bash
# Training run for the JDK 25 AOT cache (JEP 483/514/515): starts the aot-jar build with
# -XX:AOTCacheOutput, drives the requests a deployment serves (register, login, Bearer calls,
# refresh, logout, bad input, JWKS, health, metrics) and stops it; at exit the JVM writes the
# cache, which holds the loaded and linked classes and the method profiles of that run.
#
#   aot-train.sh <quarkus-app dir> [extra JVM options...]
#
# The app dir must come from `./mvnw package -Dquarkus.package.jar.type=aot-jar` (the JDK's AOT
# cache ignores classes of custom class loaders, which fast-jar uses). The cache is only valid for
# the same JVM build and the same GC and compressed-oops choice, so run this with the `java` and
# the JVM options of production (docker/Dockerfile.jvm runs it in its own runtime image).
# Needs a PostgreSQL given by QUARKUS_DATASOURCE_JDBC_URL / _USERNAME / _PASSWORD, curl and openssl.
# Loopback only; the app gets its own throw-away signing key and stops by itself.
set -euo pipefail
app=$(cd "$1" && pwd); shift
port=${AOT_TRAIN_PORT:-18089}
# Health and metrics are on the management interface, a port of its own (docs/operations.md "Health").
management_port=${AOT_TRAIN_MANAGEMENT_PORT:-$((port + 1000))}
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null

rm -f "$app/app.aot"
(cd "$app" && QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$management_port GATEHOUSE_JWT_SIGNING_KEY_FILES="$work/key.pem" \
  GATEHOUSE_JWT_ISSUER=https://aot-training GATEHOUSE_JWT_AUDIENCE=aot-training \
  GATEHOUSE_SECRET="$(openssl rand -base64 32)" \
  GATEHOUSE_RATE_LIMIT_ENABLED=false \
  exec java -XX:AOTCacheOutput=app.aot "$@" -jar quarkus-run.jar) > "$work/app.log" 2>&1 &
pid=$!

base=http://127.0.0.1:$port
management=http://127.0.0.1:$management_port
for _ in $(seq 1 1200); do
  curl -sf -o /dev/null "$management/q/health/ready" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/app.log" >&2; exit 1; }
  sleep 0.1
done

json() { curl -s -H 'Content-Type: application/json' "$@"; }
field() { sed -nE "s/.*\"$1\":\"([^\"]+)\".*/\1/p"; }
for i in $(seq 1 25); do
  email="aot-$i-$(date +%s%N)@training.invalid"
  body="{\"email\":\"$email\",\"password\":\"training password $i\"}"
  json -o /dev/null -d "$body" "$base/api/auth/register"
  tokens=$(json -d "$body" "$base/api/auth/login")
  access=$(field accessToken <<<"$tokens"); refresh=$(field refreshToken <<<"$tokens")
  for _ in 1 2 3 4; do curl -s -o /dev/null -H "Authorization: Bearer $access" "$base/api/users/me"; done
  curl -s -o /dev/null -H "Authorization: Bearer $access" "$base/api/auth/sessions"
  for _ in 1 2 3; do
    tokens=$(json -d "{\"refreshToken\":\"$refresh\"}" "$base/api/auth/refresh")
    refresh=$(field refreshToken <<<"$tokens")
  done
  access=$(field accessToken <<<"$tokens")
  curl -s -o /dev/null -H "Authorization: Bearer invalid.$i" "$base/api/users/me"
  json -o /dev/null -d '{"email":' "$base/api/auth/login"
  json -o /dev/null -d "{\"email\":\"$email\",\"password\":\"wrong password\"}" "$base/api/auth/login"
  json -o /dev/null -d "{\"refreshToken\":\"$refresh\"}" "$base/api/auth/logout"
  curl -s -o /dev/null "$base/.well-known/jwks.json"
  curl -s -o /dev/null "$management/q/health/live"
done
curl -s -o /dev/null "$management/q/metrics"

kill -TERM "$pid"
wait "$pid" || true   # 143 after SIGTERM; the cache is written in the exit path
pid=
grep -q 'AOTCache creation is complete' "$work/app.log" || { cat "$work/app.log" >&2; exit 1; }
echo "aot-train: wrote $app/app.aot ($(du -h "$app/app.aot" | cut -f1))"
