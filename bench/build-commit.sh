# Sourced by the bench scripts. build_commit <commit> <app-dir> <log>: packages <commit> from git archive
# in a temporary directory (nothing registered in the repository, the working tree untouched) and copies
# its target/quarkus-app to <app-dir>; on a failed build prints the log's end and exits.
build_commit() {
  local commit=$1 app=$2 log=$3 src
  src=$(mktemp -d)
  git archive "$commit" | tar -x -C "$src"
  (cd "$src" && ./mvnw -B -q package -DskipTests) > "$log" 2>&1 || { tail -30 "$log" >&2; rm -rf "$src"; exit 1; }
  cp -r "$src/target/quarkus-app" "$app"
  rm -rf "$src"
}
