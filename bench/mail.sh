#!/usr/bin/env bash
# The outbox's sender (bench/README.md "Mail"), on the packaged jar in the prod profile, to a local SMTP server
# (bench/SmtpSink.java: takes every mail, keeps only counts and arrival times) on loopback. Two modes:
#
# MODE=throughput (the default): mails per second. MAILS queued notices (default 2,000), written straight into
# mail_outbox in one transaction as the flows write them. Cells "instances:batch-size" (CELLS, default
# "1:10 1:50 2:10"; the mailer's pool gets at least batch-size connections; poll interval 1 s). Each cell: a
# WARMUP-mail warm-up (2,000), then MAILS measured.
#   bash bench/mail.sh
#
# MODE=reset: the time from POST /api/auth/password/forgot to the reset mail's arrival at the SMTP server, one
# instance with the default mail configuration (rate limits off). Registers WARMUP_RESETS + REQUESTERS x
# PER_REQUESTER users (defaults 200, 8, 100; a user gets at most 3 reset mails an hour, so each request has its
# own user), waits until their verification mails are out, warms up with WARMUP_RESETS requests, then REQUESTERS
# threads send the forgot requests back to back (bench/ResetLoad.java).
#   MODE=reset bash bench/mail.sh
#
# PostgreSQL: as root on a Debian machine, the system cluster (started if down, stopped again at the end), in a
# fresh database; otherwise BENCH_JDBC_URL / BENCH_DB_USER / BENCH_DB_PASSWORD (an empty database, it is filled).
# Needs the packaged app (./mvnw package -DskipTests), java, psql, curl, openssl. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/database.sh
mode=${MODE:-throughput} mails=${MAILS:-2000} cells=${CELLS:-"1:10 1:50 2:10"} warmup=${WARMUP:-2000}
requesters=${REQUESTERS:-8} per_requester=${PER_REQUESTER:-100} warmup_resets=${WARMUP_RESETS:-200}
smtp_port=${SMTP_PORT:-2525} sink_port=$((smtp_port + 1)) port=18090
work=$(mktemp -d) pg_started= pids=()
log() { echo "[mail bench $(date -u +%T)] $*" >&2; }
cleanup() {
  for pid in "${pids[@]}" ${sink_pid:-}; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bench_database_release
  rm -rf "$work"
}
trap cleanup EXIT
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "bench: build the app first (./mvnw package -DskipTests)" >&2; exit 1; }

# ---- PostgreSQL -------------------------------------------------------------------------------
bench_database gatehouse_mail_bench

# ---- the SMTP sink ------------------------------------------------------------------------------
java bench/SmtpSink.java "$smtp_port" "$sink_port" > "$work/sink.log" 2>&1 &
sink_pid=$!
until grep -q '^ready' "$work/sink.log"; do kill -0 "$sink_pid" || { cat "$work/sink.log" >&2; exit 1; }; sleep 0.2; done
sink() { # [/path] [curl options]
  local path=/
  if [[ ${1:-} == /* ]]; then path=$1; shift; fi
  curl -sf "http://127.0.0.1:$sink_port$path" "$@"
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
secret=$(openssl rand -base64 32)
start_instances() { # count [batch]: without a batch size, the default mail configuration and no rate limits
  local count=$1 batch=${2:-} i extra=(GATEHOUSE_RATE_LIMIT_ENABLED=false)
  [ -z "$batch" ] || extra=(GATEHOUSE_MAIL_BATCH_SIZE="$batch" GATEHOUSE_MAIL_POLL_INTERVAL=PT1S
                            QUARKUS_MAILER_MAX_POOL_SIZE=$(( batch > 10 ? batch : 10 )))
  pids=()
  for i in $(seq 0 $((count - 1))); do
    QUARKUS_HTTP_PORT=$((port + i)) QUARKUS_MANAGEMENT_PORT=$((port + 1000 + i)) \
    QUARKUS_DATASOURCE_JDBC_URL="$jdbc" QUARKUS_DATASOURCE_USERNAME="$db_user" QUARKUS_DATASOURCE_PASSWORD="$db_password" \
    GATEHOUSE_JWT_SIGNING_KEY_FILES="$work/key.pem" GATEHOUSE_JWT_ISSUER=https://bench GATEHOUSE_JWT_AUDIENCE=bench \
    GATEHOUSE_SECRET="$secret" \
    QUARKUS_MAILER_HOST=127.0.0.1 QUARKUS_MAILER_PORT=$smtp_port QUARKUS_MAILER_FROM="Bench <no-reply@mail.bench>" \
    GATEHOUSE_MAIL_LINK_BASE_URL=https://app.mail.bench \
      env "${extra[@]}" java -Xmx512m -XX:+UseParallelGC -jar target/quarkus-app/quarkus-run.jar > "$work/app-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 0 $((count - 1))); do
    for _ in $(seq 1 900); do curl -sf "http://127.0.0.1:$((port + 1000 + i))/q/health/ready" >/dev/null && break; sleep 0.1; done
  done
}
stop_instances() { for pid in "${pids[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done; pids=(); }
cpu_ticks() { local total=0 pid; for pid in "${pids[@]}"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo $total; }
queue() { # n: notices queued in one transaction
  sql "insert into mail_outbox (id, kind, recipient, notice, details, created_at, next_attempt_at)
       select gen_random_uuid(), 'notice', 'bench-' || g || '-' || gen_random_uuid() || '@mail.bench', 'PASSWORD_CHANGED',
              '{}', now(), now() from generate_series(1, $1) g"
}
await_sent() { # n: gives up after 300 s (the results then show what is missing)
  local deadline=$((SECONDS + 300))
  until [ "$(sink | cut -d' ' -f1)" -ge "$1" ] && [ "$(sql 'select count(*) from mail_outbox')" = 0 ]; do
    [ $SECONDS -lt $deadline ] || { log "not all $1 mails arrived in 300 s"; return 0; }
    sleep 0.05
  done
}

stamp=$(date -u +%Y%m%dT%H%MZ)
pg_server=$(sql 'show server_version' | cut -d' ' -f1)
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(java -version 2>&1 | head -1)"
commit="commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + working tree')"

if [ "$mode" = reset ]; then
  results=bench/results/$stamp-mail-reset
  base=http://127.0.0.1:$port password=bench-password-$RANDOM-$RANDOM
  users=$((requesters * per_requester)) load0=$(cut -d' ' -f1-3 /proc/loadavg)
  start_instances 1
  log "registering $((warmup_resets + users)) users"
  java bench/ResetLoad.java register "$base" 1 $((warmup_resets + users)) 4 reset "$password"
  until [ "$(sql 'select count(*) from mail_outbox')" = 0 ]; do sleep 0.1; done # their verification mails are out
  log "warm-up: $warmup_resets resets"
  sink -X POST >/dev/null
  java bench/ResetLoad.java forgot "$base" 1 "$requesters" $((warmup_resets / requesters)) reset "$work/warmup.txt"
  await_sent $((warmup_resets / requesters * requesters))
  sink -X POST >/dev/null
  log "measured: $requesters requesters x $per_requester resets"
  cpu0=$(cpu_ticks)
  java bench/ResetLoad.java forgot "$base" $((warmup_resets + 1)) "$requesters" "$per_requester" reset "$work/sent.txt"
  await_sent "$users"
  cpu1=$(cpu_ticks)
  sleep 2 # a duplicate would arrive by now
  sink /arrivals > "$work/arrivals.txt"
  load1=$(cut -d' ' -f1-3 /proc/loadavg)
  stop_instances
  sql "select email || ' ' || (extract(epoch from created_at) * 1000000)::bigint from one_time_secrets
       where purpose = 'reset_password'" > "$work/queued.txt"
  line=$(java bench/ResetLoad.java report "$work/sent.txt" "$work/arrivals.txt" "$work/queued.txt")
  cpu=$(awk -v c0="$cpu0" -v c1="$cpu1" -v hz="$(getconf CLK_TCK)" -v n="$users" 'BEGIN { printf "%.2f", (c1 - c0) * 1000 / hz / n }')
  echo "requesters,requests,answer_p50_ms,answer_p99_ms,requests_per_s,delivered,missing,duplicates,latency_p50_ms,latency_p90_ms,latency_p99_ms,latency_max_ms,mails_per_s,to_queued_p50_ms,to_queued_p99_ms,queued_to_arrival_p50_ms,queued_to_arrival_p99_ms,app_cpu_ms_per_reset" > "$results.csv"
  echo "$requesters,$line,$cpu" >> "$results.csv"
  IFS=, read -r n a50 a99 rps delivered missing dup l50 l90 l99 lmax mps q50 q99 s50 s99 <<<"$line"
  cat > "$results.md" <<MD
# Reset mail latency, $stamp

\`MODE=reset REQUESTERS=$requesters PER_REQUESTER=$per_requester bash bench/mail.sh\`, $commit,
$machine, PostgreSQL $pg_server. **Load average (1, 5, 15 min) at start $load0, at the end $load1**
(a shared machine: other builds ran at the same time). The app: the packaged jar, prod profile, -Xmx512m
-XX:+UseParallelGC, the default mail configuration (poll interval 10 s, batch size 10, the mailer's default pool;
the sender is woken 50 ms after each commit that queued mail), rate limits off; the SMTP server:
bench/SmtpSink.java on loopback. $((warmup_resets + users)) users registered first, their verification mails out
before the warm-up ($warmup_resets resets) and the measured run; each request for its own user.

Latency: from sending POST /api/auth/password/forgot to the end of the mail's DATA at the SMTP server. Its two
stages: from the request to the mail's queueing (the look-up, secret and outbox row run after the answer, on two
threads; one_time_secrets.created_at), and from there to the arrival (the sender).

| requesters | requests | forgot answer p50 / p99 ms | requests/s | delivered | missing | duplicates | mail latency p50 / p90 / p99 / max ms | mails/s (first request to last arrival) | request to queued p50 / p99 ms | queued to arrival p50 / p99 ms | app CPU ms per reset |
|---|---|---|---|---|---|---|---|---|---|---|---|
| $requesters | $n | $a50 / $a99 | $rps | $delivered | $missing | $dup | $l50 / $l90 / $l99 / $lmax | $mps | $q50 / $q99 | $s50 / $s99 | $cpu |
MD
  cat "$results.md"
  exit 0
fi

results=bench/results/$stamp-mail
{
  echo "# Mail sender throughput, $stamp"
  echo
  echo "\`bash bench/mail.sh\` (MAILS=$mails, CELLS=\"$cells\"), $commit,"
  echo "$machine,"
  echo "PostgreSQL $pg_server, load average at start $(cut -d' ' -f1-3 /proc/loadavg). The app: the packaged jar, prod profile,"
  echo "-Xmx512m -XX:+UseParallelGC, poll interval 1 s; the SMTP server: bench/SmtpSink.java on loopback."
  echo
  echo "| instances | batch size | mails | delivered | duplicates | mails/s (first to last delivery) | s from queueing to an empty outbox | app CPU ms per mail |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$results.md"
echo "instances,batch_size,mails,delivered,duplicates,mails_per_s,seconds_to_empty,cpu_ms_per_mail" > "$results.csv"

for cell in $cells; do
  instances=${cell%%:*} batch=${cell##*:}
  log "cell: $instances instance(s), batch size $batch"
  start_instances "$instances" "$batch"
  sink -X POST >/dev/null
  queue $warmup; await_sent $warmup
  sink -X POST >/dev/null
  cpu0=$(cpu_ticks); t0=$(date +%s%N)
  queue "$mails"; await_sent "$mails"
  t1=$(date +%s%N); cpu1=$(cpu_ticks)
  read -r delivered distinct first last < <(sink)
  stop_instances
  line=$(awk -v n="$mails" -v d="$delivered" -v u="$distinct" -v f="$first" -v l="$last" -v t0="$t0" -v t1="$t1" \
    -v c0="$cpu0" -v c1="$cpu1" -v hz="$(getconf CLK_TCK)" -v i="$instances" -v b="$batch" 'BEGIN {
      printf "%s,%s,%d,%d,%d,%.0f,%.2f,%.3f", i, b, n, d, d - u, (d - 1) / ((l - f) / 1e9), (t1 - t0) / 1e9, (c1 - c0) * 1000 / hz / d }')
  echo "$line" >> "$results.csv"
  IFS=, read -r i b n d dup rate secs cpu <<<"$line"
  echo "| $i | $b | $n | $d | $dup | $rate | $secs | $cpu |" >> "$results.md"
  log "$line"
done
cat "$results.md"
