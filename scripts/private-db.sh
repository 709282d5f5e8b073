#!/usr/bin/env bash
# A private MariaDB server for development and tests: no system service, no
# root privileges needed, everything inside one directory.
#
# Usage:
#   private-db.sh start DIR PORT   initialise DIR/data if new, start the server
#                                  on 127.0.0.1:PORT, create database and user
#                                  `scheduling` (password `scheduling`), and
#                                  print the DSN as the last line on stdout
#   private-db.sh stop DIR         shut the server in DIR down and wait for it
#   private-db.sh free-port        print a free TCP port on 127.0.0.1
#
# Environment: PRIVATE_DB_TIMEOUT (seconds to wait for start/stop, default 60).
# Everything but the DSN and the port goes to stderr.
set -euo pipefail

readonly timeout_s="${PRIVATE_DB_TIMEOUT:-60}"
readonly db_name=scheduling db_user=scheduling db_password=scheduling

log() { printf 'private-db: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  sed -n '5,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

# Whether process $1 exists and is not a zombie (kill -0 succeeds on zombies,
# which linger where PID 1 does not reap orphans).
alive() {
  local state
  state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" || return 1
  [[ -n $state && $state != Z ]]
}

# The pid recorded in DIR's pid file, if that process is alive.
running_pid() {
  local pid
  pid="$(cat "$1/mariadbd.pid" 2>/dev/null)" || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  # Guard against a stale pid file whose pid now belongs to something else.
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == mariadbd ]] || return 1
  echo "$pid"
}

admin() {
  local dir="$1"
  shift
  mariadb-admin --no-defaults --socket="$dir/mysqld.sock" --user=root \
    --connect-timeout=2 "$@"
}

log_tail() {
  if [[ -f $1 ]]; then
    log "last lines of $1:"
    tail -n 30 "$1" >&2
  fi
}

free_port() {
  local port
  # Binding port 0 lets the kernel choose a port nobody listens on.
  if command -v python3 >/dev/null 2>&1 &&
    port="$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null)" && [[ $port =~ ^[0-9]+$ ]]; then
    echo "$port"
    return
  fi
  # Fallback without python3: a port where a connect is refused is free.
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "found no free port"
}

start() {
  [[ $# -eq 2 ]] || usage
  local dir port
  mkdir -p "$1"
  dir="$(cd "$1" && pwd)"
  port="$2"
  if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    die "bad port: $port"
  fi

  local sock="$dir/mysqld.sock" logf="$dir/mariadb.log"
  # A Unix socket path is limited to 107 bytes.
  ((${#sock} <= 100)) || die "socket path too long (${#sock} bytes): $sock"

  local pid
  if pid="$(running_pid "$dir")"; then
    # Already running (say, left over from a run that was killed): reuse it,
    # on whatever port it listens.
    port="$(cat "$dir/port" 2>/dev/null || echo "$port")"
    log "already running in $dir (pid $pid, port $port); reusing it"
  else
    if [[ ! -d $dir/data/mysql ]]; then
      log "initialising $dir/data"
      mkdir -p "$dir/data"
      # Once more from scratch if it fails: on a machine loaded by parallel
      # sanitizer builds the bootstrap server has been seen to fail once
      # ("Installation of system tables failed") and succeed right after.
      local attempt
      for attempt in 1 2; do
        if mariadb-install-db --no-defaults --datadir="$dir/data" \
          --auth-root-authentication-method=normal --skip-test-db \
          >"$dir/install.log" 2>&1; then
          break
        fi
        grep -i 'error' "$dir/install.log" | head -n 5 >&2 || true
        log_tail "$dir/install.log"
        ((attempt == 1)) || die "mariadb-install-db failed"
        log "mariadb-install-db failed; once more in a fresh $dir/data"
        rm -rf "$dir/data"
        mkdir -p "$dir/data"
      done
    fi

    local args=(
      --no-defaults
      --datadir="$dir/data"
      --socket="$sock"
      --port="$port"
      --bind-address=127.0.0.1
      --pid-file="$dir/mariadbd.pid"
      --log-error="$logf"
      --skip-name-resolve
      --max-connections=500
      --innodb-buffer-pool-size=256M
      # MariaDB 10.11 defaults to latin1; the service stores user text.
      --character-set-server=utf8mb4
      --collation-server=utf8mb4_unicode_ci
    )
    # mariadbd refuses to run as root unless told to.
    if [[ $EUID -eq 0 ]]; then args+=(--user=root); fi

    log "starting mariadbd on 127.0.0.1:$port (log: $logf)"
    rm -f "$dir/mariadbd.pid"
    # setsid: its own session, so a Ctrl-C meant for the caller does not hit
    # the database before the caller has stopped what uses it.
    setsid mariadbd "${args[@]}" </dev/null >>"$logf" 2>&1 &
    pid=$!
    echo "$port" >"$dir/port"

    local deadline=$((SECONDS + timeout_s))
    until admin "$dir" ping >/dev/null 2>&1; do
      if ! alive "$pid"; then
        log_tail "$logf"
        die "mariadbd exited during start-up"
      fi
      if ((SECONDS >= deadline)); then
        log_tail "$logf"
        die "mariadbd did not answer within ${timeout_s}s"
      fi
      sleep 0.2
    done
  fi

  # Idempotent: safe on every start.
  mariadb --no-defaults --socket="$sock" --user=root <<SQL
CREATE DATABASE IF NOT EXISTS \`$db_name\`
  CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$db_user'@'127.0.0.1' IDENTIFIED BY '$db_password';
CREATE USER IF NOT EXISTS '$db_user'@'localhost' IDENTIFIED BY '$db_password';
GRANT ALL PRIVILEGES ON \`$db_name\`.* TO '$db_user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`$db_name\`.* TO '$db_user'@'localhost';
SQL

  echo "mysql://$db_user:$db_password@127.0.0.1:$port/$db_name"
}

stop() {
  [[ $# -eq 1 ]] || usage
  [[ -d $1 ]] || die "no such directory: $1"
  local dir pid
  dir="$(cd "$1" && pwd)"
  if ! pid="$(running_pid "$dir")"; then
    log "not running in $dir"
    return 0
  fi

  log "stopping mariadbd in $dir (pid $pid)"
  if ! admin "$dir" shutdown >/dev/null 2>&1; then
    log "shutdown over the socket failed; sending SIGTERM"
    kill -TERM "$pid" 2>/dev/null || true
  fi

  local deadline=$((SECONDS + timeout_s))
  while alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log_tail "$dir/mariadb.log"
      log "mariadbd did not stop within ${timeout_s}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$dir/port"
}

case "${1:-}" in
  start) shift && start "$@" ;;
  stop) shift && stop "$@" ;;
  free-port) free_port ;;
  *) usage ;;
esac
