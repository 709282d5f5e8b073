#!/usr/bin/env bash
# Benchmarks the service against the database's own limit (issue 5): builds
# the server and the benchmarks (Release, in build-bench/), starts a private
# MariaDB and the server in a temporary directory, runs the slot-engine
# micro-benchmarks and the load generator (service, raw-SQL baseline and
# bare gRPC, side by side), prints the table and writes it as JSON. The
# server and the database are stopped and the directory removed in every
# case. A full run takes about 10 minutes on a 2-core machine.
#
# Usage: bash scripts/bench.sh [--quick] [--json PATH] [--replicas=N]
#                               [LOADGEN FLAGS...]
#   --quick      1 s warm-up, 3 s per point, concurrency 16 only: a smoke run
#   --json PATH  where the JSON goes (default bench/results/latest.json)
#   --replicas=N N servers on the one database (default 1); the load
#                generator spreads its calls over them with gRPC's
#                round_robin, and the "replicas" workload compares one
#                replica with all of them
#   --galera     a 3-node MariaDB Galera cluster on loopback instead of the
#                one private database, one server per node (implies
#                --replicas=3; the cluster is started the way
#                scripts/galera.sh starts it)
#   LOADGEN FLAGS are passed on, e.g. --workloads=create,book --concurrency=8
#                (bench/loadgen_main.cc lists them: --workloads=tenants,
#                storm; --storm_threads, --tenant_locations,
#                --sample_lock_waits (which rows the lock waits are on), ...)
#
# Environment:
#   BENCH_WARMUP, BENCH_DURATION   per point (default 5s and 10s)
#   BENCH_CONCURRENCY              comma-separated (default 16,64)
#   SCHEDULING_DB_POOL_SIZE        the server's pool (default 16)
#   SCHEDULING_MAX_CALLS_IN_FLIGHT the server's limit (default 4 x pool, >= 16)
#   BENCH_COMMIT                   what to call the code measured (default:
#                                  git's HEAD, "+changes" if the tree differs)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo
cd "$repo"

# Let ccache reuse results across build directories and checkouts.
export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=1

readonly build="$repo/build-bench"
readonly health_timeout_s=120

warmup="${BENCH_WARMUP:-5s}"
duration="${BENCH_DURATION:-10s}"
concurrency="${BENCH_CONCURRENCY:-16,64}"
pool_size="${SCHEDULING_DB_POOL_SIZE:-16}"
max_in_flight="${SCHEDULING_MAX_CALLS_IN_FLIGHT:-0}"
if ((max_in_flight <= 0)); then
  max_in_flight=$((4 * pool_size > 16 ? 4 * pool_size : 16))
fi
replicas=1
galera=false
json="$repo/bench/results/latest.json"
loadgen_flags=()
while (($# > 0)); do
  case "$1" in
    --quick)
      warmup=1s duration=3s concurrency=16
      loadgen_flags+=(--rss_concurrency=64)
      ;;
    --json)
      json="$(realpath -m "$2")"
      shift
      ;;
    --replicas=*) replicas="${1#--replicas=}" ;;
    --galera) galera=true ;;
    --replicas)
      replicas="$2"
      shift
      ;;
    *) loadgen_flags+=("$1") ;;
  esac
  shift
done

if $galera; then replicas=3; fi
if ! [[ $replicas =~ ^[1-9][0-9]?$ ]]; then
  echo "bench.sh: --replicas takes a number from 1 to 99" >&2
  exit 2
fi

log() { printf '\n==> %s\n' "$*" >&2; }

tmp=""
server_pids=()
galera_pids=()

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${server_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${galera_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  local deadline=$((SECONDS + 30))
  for pid in "${galera_pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  done
  if [[ -n $tmp ]]; then
    bash "$repo/scripts/private-db.sh" stop "$tmp/db" >/dev/null 2>&1 || true
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "build (Release, $build)"
# Progress goes to stderr, so that stdout is the report alone.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSCHEDULING_BUILD_TESTS=OFF \
  -DSCHEDULING_BUILD_BENCH=ON -DSCHEDULING_WERROR=OFF >&2
cmake --build "$build" -j2 --target scheduling_server schedctl \
  scheduling_loadgen slots_benchmark >&2

# Short, so the database's socket path stays within the 107-byte limit.
tmp="$(mktemp -d /tmp/bench.XXXXXX)"

# A 3-node Galera cluster on loopback, as scripts/galera.sh starts it
# (its notes: the nodes run as `mysql` when we are root, or the rsync state
# transfer fails). Sets node_dsns, dsn (node 1) and db_pid (node 1's).
start_galera() {
  local provider=/usr/lib/galera/libgalera_smm.so
  [[ -f $provider ]] || {
    echo "bench.sh: --galera needs $provider (galera-4)" >&2
    exit 1
  }
  local run_as=() user_arg=() i members="" deadline state size
  if [[ $EUID -eq 0 ]]; then
    run_as=(setpriv --reuid=mysql --regid=mysql --clear-groups --)
    user_arg=(--user=mysql)
  fi
  local -a port gport ist sst
  for i in 1 2 3; do
    port[i]="$(bash scripts/private-db.sh free-port)"
    gport[i]="$(bash scripts/private-db.sh free-port)"
    ist[i]="$(bash scripts/private-db.sh free-port)"
    sst[i]="$(bash scripts/private-db.sh free-port)"
    members+="${members:+,}127.0.0.1:${gport[i]}"
    mkdir -p "$tmp/g$i/data"
  done
  chmod 755 "$tmp"
  mariadb-install-db --no-defaults --datadir="$tmp/g1/data" \
    --auth-root-authentication-method=normal --skip-test-db "${user_arg[@]}" \
    >"$tmp/g1/install.log" 2>&1
  if [[ $EUID -eq 0 ]]; then chown -R mysql:mysql "$tmp"/g*; fi
  sql() { mariadb --no-defaults --socket="$tmp/g$1/sock" --user=root \
    --connect-timeout=2 -N -B -e "$2"; }
  for i in 1 2 3; do
    local extra=()
    ((i == 1)) && extra=(--wsrep-new-cluster)
    setsid "${run_as[@]}" mariadbd --no-defaults --datadir="$tmp/g$i/data" \
      --socket="$tmp/g$i/sock" --port="${port[i]}" --bind-address=127.0.0.1 \
      --pid-file="$tmp/g$i/mariadbd.pid" --log-error="$tmp/g$i/mariadb.log" \
      --skip-name-resolve --max-connections=500 \
      --innodb-buffer-pool-size=128M --character-set-server=utf8mb4 \
      --collation-server=utf8mb4_unicode_ci --binlog-format=ROW \
      --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
      --wsrep-on=ON --wsrep-provider="$provider" \
      --wsrep-cluster-name=scheduling-bench \
      --wsrep-cluster-address="gcomm://$members" --wsrep-node-name="node$i" \
      --wsrep-node-address="127.0.0.1:${gport[i]}" \
      --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:${gport[i]};ist.recv_addr=127.0.0.1:${ist[i]};gcache.size=64M" \
      --wsrep-sst-method=rsync \
      --wsrep-sst-receive-address="127.0.0.1:${sst[i]}" \
      "${user_arg[@]}" "${extra[@]}" </dev/null >>"$tmp/g$i/mariadb.log" 2>&1 &
    galera_pids[i]=$!
    deadline=$((SECONDS + health_timeout_s))
    while :; do
      state="$(sql "$i" "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2 || true)"
      size="$(sql "$i" "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null | cut -f2 || true)"
      [[ $state == Synced && -n $size ]] && ((size >= i)) && break
      if ! kill -0 "${galera_pids[i]}" 2>/dev/null || ((SECONDS >= deadline)); then
        echo "bench.sh: Galera node $i did not sync; its log:" >&2
        tail -n 20 "$tmp/g$i/mariadb.log" >&2
        exit 1
      fi
      sleep 0.2
    done
  done
  sql 1 "CREATE DATABASE scheduling CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'scheduling'@'127.0.0.1' IDENTIFIED BY 'scheduling';
GRANT ALL PRIVILEGES ON \`scheduling%\`.* TO 'scheduling'@'127.0.0.1';
GRANT PROCESS ON *.* TO 'scheduling'@'127.0.0.1';"
  node_dsns=()
  for i in 1 2 3; do
    deadline=$((SECONDS + health_timeout_s))
    until [[ "$(sql "$i" "SELECT COUNT(*) FROM mysql.global_priv WHERE User='scheduling'" 2>/dev/null)" == 1 ]]; do
      ((SECONDS < deadline)) || exit 1
      sleep 0.1
    done
    node_dsns+=("mysql://scheduling:scheduling@127.0.0.1:${port[i]}/scheduling")
  done
  dsn="${node_dsns[0]}"
  db_pid="${galera_pids[1]}"
}

node_dsns=()
if $galera; then
  log "Galera cluster (3 nodes on loopback)"
  start_galera
else
  log "private database"
  db_port="$(bash scripts/private-db.sh free-port)"
  dsn="$(bash scripts/private-db.sh start "$tmp/db" "$db_port")"
  dsn="${dsn##*$'\n'}" # the DSN is the last line
  db_pid="$(cat "$tmp/db/mariadbd.pid")"
  # For the load generator's --sample_lock_waits, which reads
  # information_schema.innodb_lock_waits (the Galera nodes grant it above).
  mariadb --no-defaults --socket="$tmp/db/mysqld.sock" --user=root \
    -e "GRANT PROCESS ON *.* TO 'scheduling'@'127.0.0.1'"
fi

log "server: $replicas replica(s), pool of $pool_size connections each, at most $max_in_flight calls in flight"
# Authentication on, as in production (its cost is part of every figure):
# a development policy, and its key for the load generator and schedctl.
{
  read -r policy_file
  read -r key_file
} < <(bash scripts/dev-auth.sh "$tmp/auth")
export SCHEDULING_INSECURE=true
export SCHEDULING_API_KEY
SCHEDULING_API_KEY="$(cat "$key_file")"
# Replicas derive link tokens from one secret, as in production.
token_secret="$(head -c 32 /dev/urandom | base64 | tr -d '=\n')"
server_addrs=()
for ((i = 0; i < replicas; i++)); do
  addr="127.0.0.1:$(bash scripts/private-db.sh free-port)"
  # One stderr line per RPC: into a file, as a container runtime would
  # collect it, not into this terminal.
  server_dsn="$dsn"
  if $galera; then server_dsn="${node_dsns[i]}"; fi
  "$build/server/scheduling_server" --listen="$addr" --dsn="$server_dsn" \
    --db_pool_size="$pool_size" --max_calls_in_flight="$max_in_flight" \
    --insecure --access_policy="$policy_file" --token_secret="$token_secret" \
    --metrics_listen="127.0.0.1:$(bash scripts/private-db.sh free-port)" \
    2>"$tmp/server.$i.log" &
  server_pids+=($!)
  server_addrs+=("$addr")
  # One at a time: each migrates (a no-op after the first) before serving.
  deadline=$((SECONDS + health_timeout_s))
  until "$build/client/cli/schedctl" --server="$addr" health >/dev/null 2>&1; do
    if ! kill -0 "${server_pids[i]}" 2>/dev/null || ((SECONDS >= deadline)); then
      echo "bench.sh: server $i did not become healthy; its log:" >&2
      tail -n 30 "$tmp/server.$i.log" >&2
      exit 1
    fi
    sleep 0.2
  done
done
server_list="$(IFS=,; echo "${server_addrs[*]}")"
pid_list="$(IFS=,; echo "${server_pids[*]}")"

if [[ -n ${BENCH_COMMIT:-} ]]; then
  commit="$BENCH_COMMIT"
else
  commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git status --porcelain 2>/dev/null)" ]]; then
    commit="$commit+changes"
  fi
fi

# The slot engine runs unless --workloads names others only.
slot_engine=true
for flag in "${loadgen_flags[@]}"; do
  if [[ $flag == --workloads=* && ,${flag#--workloads=}, != *,slots,* ]]; then
    slot_engine=false
  fi
done
slot_flags=()
if $slot_engine; then
  log "slot engine (Google Benchmark)"
  # Five runs of each, reported by their median.
  "$build/bench/slots_benchmark" --benchmark_out="$tmp/slots.json" \
    --benchmark_out_format=json --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true >&2
  slot_flags=(--slot_engine_results="$tmp/slots.json")
fi

log "load (warm-up $warmup, $duration per point, concurrency $concurrency)"
mkdir -p "$(dirname "$json")"
if ! "$build/bench/scheduling_loadgen" --server="$server_list" --dsn="$dsn" \
  --server_pid="$pid_list" --db_pid="$db_pid" --db_pool_size="$pool_size" \
  --max_calls_in_flight="$max_in_flight" \
  --warmup="$warmup" --duration="$duration" --concurrency="$concurrency" \
  "${slot_flags[@]}" --commit="$commit" \
  --json="$json" "${loadgen_flags[@]}"; then
  echo "bench.sh: the load generator failed; the servers' last lines:" >&2
  tail -n 30 "$tmp"/server.*.log >&2
  exit 1
fi
