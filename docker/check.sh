#!/usr/bin/env bash
# What can be checked here of the container files without a Docker engine (run by .ci/run after
# ./mvnw verify): every path the JVM Dockerfile copies exists in the build output, the native
# Dockerfile copies only files of the repository, and compose.yaml parses as YAML.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
while read -r src; do
  if ! compgen -G "$src" >/dev/null; then echo "docker/check: $src (copied by Dockerfile.jvm) is missing" >&2; status=1; fi
done < <(awk '$1 == "COPY" && $0 !~ /--from=/ {print $(NF-1)}' docker/Dockerfile.jvm)
while read -r src; do
  for f in $src; do
    [ -e "$f" ] || { echo "docker/check: $f (copied by Dockerfile.native) is missing" >&2; status=1; }
  done
done < <(awk '$1 == "COPY" && $0 !~ /--from=/ {$1=""; $2=""; NF--; print}' docker/Dockerfile.native)
grep -q '^ENTRYPOINT \["java", "-jar", "/deployments/quarkus-run.jar"\]' docker/Dockerfile.jvm \
  || { echo "docker/check: Dockerfile.jvm must start the plain java -jar command" >&2; status=1; }
if python3 -c 'import yaml' 2>/dev/null; then
  python3 -c 'import sys, yaml; d = yaml.safe_load(open("docker/compose.yaml")); assert {"postgres","gatehouse-a","gatehouse-b","lb"} <= set(d["services"]), "services"' \
    || { echo "docker/check: compose.yaml does not parse or lacks a service" >&2; status=1; }
else
  echo "docker/check: python3-yaml not installed, compose.yaml not parsed"
fi
[ $status -eq 0 ] && echo "docker/check: Dockerfile.jvm, Dockerfile.native and compose.yaml are consistent with the build"
exit $status
