# Sourced by the bench scripts: `bench_database <name>` makes an empty database for one bench and sets
# jdbc, db_user, db_password, psql_url and sql(). BENCH_JDBC_URL (BENCH_DB_USER, BENCH_DB_PASSWORD) names one;
# otherwise, as root on a Debian machine, the system cluster gets a fresh database and role <name>, and
# bench_database_release stops the cluster again at the end when this started it.
bench_database() {
  local name=$1
  if [ -n "${BENCH_JDBC_URL:-}" ]; then
    jdbc=$BENCH_JDBC_URL db_user=${BENCH_DB_USER:-postgres} db_password=${BENCH_DB_PASSWORD:-}
  else
    command -v pg_lsclusters >/dev/null && [ "$(id -u)" = 0 ] || { echo "bench: set BENCH_JDBC_URL (no system PostgreSQL to use)" >&2; exit 1; }
    read -r pg_version pg_cluster pg_port pg_status _ < <(pg_lsclusters -h | head -1)
    if [[ $pg_status != online* ]]; then pg_ctlcluster "$pg_version" "$pg_cluster" start && pg_started=1; fi
    (cd /tmp && su postgres -c "psql -q -p $pg_port" >/dev/null) <<SQL
drop database if exists $name;
do \$\$ begin
  if not exists (select from pg_roles where rolname = '$name') then
    create role $name login password '$name';
  end if;
end \$\$;
create database $name owner $name;
SQL
    jdbc="jdbc:postgresql://127.0.0.1:$pg_port/$name" db_user=$name db_password=$name
  fi
  psql_url="postgresql://$db_user:$db_password@$(sed -E 's#jdbc:postgresql://##' <<<"$jdbc")"
}

# For the script's exit: stops the system cluster again if bench_database started it, unless others use it by now.
bench_database_release() {
  if [ -n "$pg_started" ]; then # the system cluster was down: stop it again, unless someone else uses it by now
    others=$(cd /tmp && runuser -u postgres -- psql -X -At -p "$pg_port" -d postgres -c \
      "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()" 2>/dev/null || echo 1)
    if [ "$others" = 0 ]; then pg_ctlcluster "$pg_version" "$pg_cluster" stop -m fast 2>/dev/null || true; fi
  fi
}

sql() { psql -X -Atq "$psql_url" -c "$1"; }
