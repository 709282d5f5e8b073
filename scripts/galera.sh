#!/usr/bin/env bash
# The Galera suite (issue 12): a 3-node MariaDB Galera cluster on loopback in
# a fresh temporary directory, one scheduling_server per node started at the
# same moment against the fresh, empty database (so the three race to
# migrate it), then tests/galera's galera_tests across them: exactly-once
# booking through a link and through a slot raced from all nodes, request_id
# idempotency across nodes, events from every node reaching one reader once
# and in order, the three servers serving one schema, and a write load
# across the nodes that reports its ABORTED share and each node's
# certification failures. Everything is stopped and removed at the end,
# whatever happens.
#
# Usage: bash scripts/galera.sh [BUILD_DIR [GTEST_FLAGS...]]   (default: build)
#   Builds scheduling_server and galera_tests in BUILD_DIR first (configuring
#   it like test.sh if it has no CMakeCache.txt); GTEST_FLAGS go to
#   galera_tests (e.g. --gtest_filter=GaleraExactly* --gtest_repeat=20).
# Environment:
#   GALERA_LOAD_SECONDS        length of the write load (default 30)
#   GALERA_MAX_ABORTED_SHARE   the load's limit on ABORTED calls (default 0.001)
#   GALERA_KEEP=1              keep the temporary directory (logs) afterwards
#   GALERA_TIMEOUT             seconds to wait for a node to sync (default 120)
#   GALERA_GENERAL_LOG=1       each node logs every statement (nodeN/general.log)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo
build="${1:-build}"
shift || true
gtest_flags=("$@")
[[ $build == /* ]] || build="$repo/$build"
readonly build
readonly timeout_s="${GALERA_TIMEOUT:-120}"
readonly provider=/usr/lib/galera/libgalera_smm.so
readonly nodes=3

started_at=$SECONDS
log() { printf 'galera: [%3ds] %s\n' $((SECONDS - started_at)) "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# Whether process $1 exists and is not a zombie.
alive() {
  local state
  state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" || return 1
  [[ -n $state && $state != Z ]]
}

[[ -f $provider ]] || die "no $provider (Debian package galera-4)"
command -v mariadbd >/dev/null || die "no mariadbd (mariadb-server)"
command -v rsync >/dev/null || die "no rsync (the state transfer uses it)"

export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=1
if [[ ! -f $build/CMakeCache.txt ]]; then
  log "configuring $build"
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSCHEDULING_WERROR=ON -DSCHEDULING_BUILD_TESTS=ON >&2
fi
log "building scheduling_server and galera_tests in $build"
cmake --build "$build" -j2 --target scheduling_server galera_tests >&2
readonly server_bin="$build/server/scheduling_server"
readonly tests_bin="$build/tests/galera/galera_tests"

# mariadbd refuses to run as root, and the rsync state transfer fails as
# root ("Permission denied"): as root the nodes run as `mysql`.
run_as=()
db_user_arg=()
if [[ $EUID -eq 0 ]]; then
  id mysql >/dev/null 2>&1 || die "running as root needs the user mysql"
  run_as=(setpriv --reuid=mysql --regid=mysql --clear-groups --)
  db_user_arg=(--user=mysql)
fi

dir="$(mktemp -d /tmp/galera.XXXXXX)"
readonly dir
chmod 755 "$dir"
db_pids=()
server_pids=()

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${server_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${db_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Wait for them to go (graceful first, then forced).
  local deadline=$((SECONDS + 30))
  for pid in "${server_pids[@]}" "${db_pids[@]}"; do
    while alive "$pid"; do
      if ((SECONDS >= deadline)); then
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  done
  if ((rc != 0)); then
    local f
    for f in "$dir"/node*/mariadb.log "$dir"/server*.log; do
      [[ -f $f ]] || continue
      log "last lines of $f:"
      tail -n 15 "$f" >&2
    done
  fi
  if [[ ${GALERA_KEEP:-} == 1 ]]; then
    log "kept $dir"
  else
    rm -rf "$dir"
  fi
  log "finished in $((SECONDS - started_at))s (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { bash "$repo/scripts/private-db.sh" free-port; }

declare -a port galera_port ist_port sst_port
for i in $(seq 1 $nodes); do
  port[i]="$(free_port)"
  galera_port[i]="$(free_port)"
  ist_port[i]="$(free_port)"
  sst_port[i]="$(free_port)"
done
members=""
for i in $(seq 1 $nodes); do
  members+="${members:+,}127.0.0.1:${galera_port[i]}"
done

sql() { # node, SQL...
  local i="$1"
  shift
  mariadb --no-defaults --socket="$dir/node$i/sock" --user=root \
    --connect-timeout=2 -N -B -e "$*"
}

status_var() { # node, variable
  sql "$1" "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | cut -f2
}

log "initialising node 1 in $dir"
mkdir -p "$dir/node1/data"
mariadb-install-db --no-defaults --datadir="$dir/node1/data" \
  --auth-root-authentication-method=normal --skip-test-db "${db_user_arg[@]}" \
  >"$dir/node1/install.log" 2>&1 || {
  tail -n 20 "$dir/node1/install.log" >&2
  die "mariadb-install-db failed"
}
for i in $(seq 2 $nodes); do
  mkdir -p "$dir/node$i/data" # filled by the state transfer from a donor
done
if [[ $EUID -eq 0 ]]; then chown -R mysql:mysql "$dir"/node*; fi

start_node() { # node, extra args...
  local i="$1"
  shift
  local args=(
    --no-defaults
    --datadir="$dir/node$i/data"
    --socket="$dir/node$i/sock"
    --port="${port[i]}"
    --bind-address=127.0.0.1
    --pid-file="$dir/node$i/mariadbd.pid"
    --log-error="$dir/node$i/mariadb.log"
    --skip-name-resolve
    --max-connections=500
    --innodb-buffer-pool-size=128M
    --character-set-server=utf8mb4
    --collation-server=utf8mb4_unicode_ci
    # What Galera requires of every node.
    --binlog-format=ROW
    --default-storage-engine=InnoDB
    --innodb-autoinc-lock-mode=2
    --wsrep-on=ON
    --wsrep-provider="$provider"
    --wsrep-cluster-name=scheduling-galera
    --wsrep-cluster-address="gcomm://$members"
    --wsrep-node-name="node$i"
    --wsrep-node-address="127.0.0.1:${galera_port[i]}"
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:${galera_port[i]};ist.recv_addr=127.0.0.1:${ist_port[i]};gcache.size=64M"
    --wsrep-sst-method=rsync
    # Each certification failure and brute-force abort is logged with the
    # table and key it was on (mariadb.log): where the hot rows are.
    --wsrep-log-conflicts=ON
    --wsrep-sst-receive-address="127.0.0.1:${sst_port[i]}"
    "${db_user_arg[@]}"
    "$@"
  )
  # Every statement of every session (nodeN/general.log), to trace one.
  if [[ ${GALERA_GENERAL_LOG:-0} == 1 ]]; then
    args+=(--general-log=ON --general-log-file="$dir/node$i/general.log")
  fi
  # setsid: a Ctrl-C meant for this script reaches the nodes only through
  # the cleanup, in order.
  setsid "${run_as[@]}" mariadbd "${args[@]}" </dev/null \
    >>"$dir/node$i/mariadb.log" 2>&1 &
  db_pids[i]=$!
}

# Waits until node $1 answers and reports Synced in a cluster of at least
# $2 nodes (polling its status; no fixed sleeps).
await_synced() {
  local i="$1" want="$2"
  local deadline=$((SECONDS + timeout_s))
  local state="" size=""
  while :; do
    alive "${db_pids[i]}" || die "node $i exited during start-up"
    state="$(status_var "$i" wsrep_local_state_comment || true)"
    size="$(status_var "$i" wsrep_cluster_size || true)"
    if [[ $state == Synced && -n $size ]] && ((size >= want)); then break; fi
    ((SECONDS < deadline)) ||
      die "node $i not synced within ${timeout_s}s (state '$state', cluster size '$size')"
    sleep 0.2
  done
}

log "starting node 1 (new cluster) on 127.0.0.1:${port[1]}"
start_node 1 --wsrep-new-cluster
await_synced 1 1
for i in $(seq 2 $nodes); do
  log "starting node $i on 127.0.0.1:${port[i]} (state transfer by rsync)"
  start_node "$i"
  await_synced "$i" "$i"
done
for i in $(seq 1 $nodes); do await_synced "$i" $nodes; done
log "cluster of $nodes synced"

# The database and its user, made on node 1; DDL and account statements
# replicate. The user may also create databases named scheduling*.
sql 1 "CREATE DATABASE scheduling CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'scheduling'@'127.0.0.1' IDENTIFIED BY 'scheduling';
GRANT ALL PRIVILEGES ON \`scheduling%\`.* TO 'scheduling'@'127.0.0.1';
GRANT PROCESS ON *.* TO 'scheduling'@'127.0.0.1';"
dsns=()
for i in $(seq 1 $nodes); do
  deadline=$((SECONDS + timeout_s))
  until [[ "$(sql "$i" "SELECT COUNT(*) FROM mysql.global_priv WHERE User='scheduling'" 2>/dev/null)" == 1 ]]; do
    ((SECONDS < deadline)) || die "the user did not reach node $i"
    sleep 0.1
  done
  dsns+=("mysql://scheduling:scheduling@127.0.0.1:${port[i]}/scheduling")
done

# Authentication on, as in production: a development policy and key.
mapfile -t auth < <(bash "$repo/scripts/dev-auth.sh" "$dir/auth")
policy="${auth[0]}"
api_key="$(cat "${auth[1]}")"

log "starting $nodes servers at once against the fresh database"
servers=()
logs=()
for i in $(seq 1 $nodes); do
  grpc_port="$(free_port)"
  metrics_port="$(free_port)"
  servers+=("127.0.0.1:$grpc_port")
  logs+=("$dir/server$i.log")
  env_args=(
    "SCHEDULING_DSN=${dsns[i - 1]}"
    "SCHEDULING_LISTEN=127.0.0.1:$grpc_port"
    "SCHEDULING_METRICS_LISTEN=127.0.0.1:$metrics_port"
    "SCHEDULING_LOG_FORMAT=json"
    "SCHEDULING_INSECURE=true"
    "SCHEDULING_ACCESS_POLICY=$policy"
    "SCHEDULING_TOKEN_SECRET=galera-suite-secret-shared-by-all"
    "SCHEDULING_DB_POOL_SIZE=16"
  )
  echo "$metrics_port" >"$dir/server$i.metrics-port"
  env "${env_args[@]}" setsid "$server_bin" </dev/null \
    >"$dir/server$i.log" 2>&1 &
  server_pids+=($!)
done

join_by_comma() {
  local IFS=,
  echo "$*"
}

log "running galera_tests"
set +e
GALERA_NODE_DSNS="$(join_by_comma "${dsns[@]}")" \
  GALERA_SERVERS="$(join_by_comma "${servers[@]}")" \
  GALERA_SERVER_LOGS="$(join_by_comma "${logs[@]}")" \
  GALERA_API_KEY="$api_key" \
  "$tests_bin" "${gtest_flags[@]}"
rc=$?
set -e
for i in $(seq 1 $nodes); do
  log "node $i: wsrep_local_cert_failures $(status_var "$i" wsrep_local_cert_failures)," \
    "wsrep_local_bf_aborts $(status_var "$i" wsrep_local_bf_aborts)," \
    "server retries: $(curl -s "127.0.0.1:$(cat "$dir/server$i.metrics-port")/metrics" 2>/dev/null |
      awk '/^scheduling_db_transaction_retries_total/ {printf "%s=%s ", $1, $2}')"
done
((rc == 0)) || die "galera_tests failed (exit $rc)"
log "galera suite passed"
