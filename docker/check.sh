#!/usr/bin/env bash
# What can be checked here of the container files without a Docker engine (run by .ci/run after
# ./mvnw verify): the files the Dockerfiles copy exist, the JVM image's layout matches the build
# output, it trains and runs its AOT cache with the same JVM options, and compose.yaml parses.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
# Files of the repository that the Dockerfiles copy into their build stages.
for dockerfile in docker/Dockerfile.jvm docker/Dockerfile.native; do
  while read -r src; do
    for f in $src; do
      [ -e "$f" ] || { echo "docker/check: $f (copied by $dockerfile) is missing" >&2; status=1; }
    done
  done < <(awk '$1 == "COPY" && $0 !~ /--from=/ {for (i = 2; i < NF; i++) if ($i !~ /^--/) printf "%s ", $i; print ""}' "$dockerfile")
done
# The JVM runtime stage copies the build layout (target/quarkus-app, same for fast-jar and aot-jar)
# plus the trained cache, which only the training stage makes.
while read -r src; do
  [ "$src" = /deployments/app.aot ] && continue
  [ -e "target/quarkus-app/${src#/deployments/}" ] || { echo "docker/check: $src (Dockerfile.jvm) has no counterpart in target/quarkus-app" >&2; status=1; }
done < <(awk '$1 == "COPY" && $0 ~ /--from=train/ {print $(NF-1)}' docker/Dockerfile.jvm)
# Training and production must run the JVM with the same options, or the cache does not apply.
options=$(sed -nE 's/^ENV JDK_JAVA_OPTIONS="([^"]*)"/\1/p' docker/Dockerfile.jvm | sed -E 's/ ?-XX:AOTCache=[^ ]+//' | sort -u | wc -l)
[ "$options" = 1 ] || { echo "docker/check: Dockerfile.jvm trains and runs with different JVM options" >&2; status=1; }
bash -n docker/aot-train.sh || status=1
grep -q '^ENTRYPOINT \["java", "-jar", "/deployments/quarkus-run.jar"\]' docker/Dockerfile.jvm \
  || { echo "docker/check: Dockerfile.jvm must start the plain java -jar command" >&2; status=1; }
# Health and metrics live on the management port (9000): the proxy forwards nothing under /q/, and
# no health check asks the public port (docs/operations.md "Health").
grep -Eq 'location /q/ *\{' docker/nginx.conf && grep -A2 -E 'location /q/ *\{' docker/nginx.conf | grep -q 'return 404' \
  || { echo "docker/check: nginx.conf must answer 404 for /q/ instead of proxying it" >&2; status=1; }
if grep -hE '/dev/tcp/[^ ]*/8080|:8080/q/' docker/compose.yaml docker/Dockerfile.jvm docker/Dockerfile.native; then
  echo "docker/check: a health check asks the public port; health is on the management port 9000" >&2; status=1
fi
if python3 -c 'import yaml' 2>/dev/null; then
  python3 -c 'import sys, yaml; d = yaml.safe_load(open("docker/compose.yaml")); assert {"postgres","gatehouse-a","gatehouse-b","lb"} <= set(d["services"]), "services"' \
    || { echo "docker/check: compose.yaml does not parse or lacks a service" >&2; status=1; }
else
  echo "docker/check: python3-yaml not installed, compose.yaml not parsed"
fi
[ $status -eq 0 ] && echo "docker/check: Dockerfile.jvm, Dockerfile.native and compose.yaml are consistent with the build"
exit $status
