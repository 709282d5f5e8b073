#!/usr/bin/env bash
# Installs what is missing, builds, starts a database (unless SCHEDULING_DSN
# names one), the server and the booking page, runs the product demo against
# them, prints a fresh one-time link to open in a browser, and keeps both in
# the foreground until Ctrl-C.
#
# Usage: bash scripts/run.sh
#
# Environment:
#   SCHEDULING_DSN     use this database instead of a private one in .local/db
#   SCHEDULING_LISTEN  address to serve on (default 127.0.0.1:<a free port>)
#   SCHEDULING_METRICS_LISTEN  Prometheus address (default 127.0.0.1:<free>)
#   SCHEDULING_PAGE_LISTEN  the booking page's address (default
#                      127.0.0.1:<a free port>); the server's
#                      SCHEDULING_PUBLIC_BASE_URL defaults to it
#   other SCHEDULING_* variables are passed to the server as they are
#
# The server's log lines go to .local/server.log and the page's to
# .local/page.log (not the terminal, where they would garble the demo's
# output); the script says so and tails the server's once the demo is done.
#
# Authentication is on, as in production: a development access policy and
# API key are made once in .local/dev-auth/ (scripts/dev-auth.sh), the
# server enforces the policy, and the demo calls with the key. The server
# listens in plain text (--insecure) because it is on 127.0.0.1 only.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo
cd "$repo"

# Let ccache reuse results across build directories and checkouts.
export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=1

readonly server_bin="$repo/build/server/scheduling_server"
readonly schedctl="$repo/build/client/cli/schedctl"
readonly page_bin="$repo/build/client/booking_page/booking_page"
readonly buf="$repo/.local/tools/node_modules/.bin/buf"
readonly db_dir="$repo/.local/db"
readonly server_log="$repo/.local/server.log"
readonly page_log="$repo/.local/page.log"
readonly start_timeout_s=120

log() { printf '\n==> %s\n' "$*" >&2; }

server_pid=""
page_pid=""
started_db=false

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # The page first: it calls the server.
  if [[ -n $page_pid ]] && kill -0 "$page_pid" 2>/dev/null; then
    log "stopping the booking page (pid $page_pid)"
    kill -TERM "$page_pid" 2>/dev/null || true
    wait "$page_pid" 2>/dev/null || true
  fi
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    log "stopping the server (pid $server_pid)"
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $started_db == true ]]; then
    log "stopping the private database"
    bash "$repo/scripts/private-db.sh" stop "$db_dir" || true
  fi
  exit "$rc"
}
trap cleanup EXIT
# Turn signals into an exit so that cleanup runs once, from the EXIT trap.
trap 'exit 130' INT
trap 'exit 143' TERM

log "dependencies"
bash "$repo/scripts/deps.sh"

log "build"
# WERROR pinned OFF so that a build directory configured by test.sh (ON) does
# not make this one fail on a warning; ccache keeps both variants cheap.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCHEDULING_WERROR=OFF
# Only what this script runs; test.sh builds everything.
cmake --build build -j2 --target scheduling_server schedctl booking_page

if [[ -n ${SCHEDULING_DSN:-} ]]; then
  dsn="$SCHEDULING_DSN"
  log "database: SCHEDULING_DSN from the environment"
else
  log "database: private MariaDB in ${db_dir#"$repo"/} (kept between runs)"
  db_port="$(bash scripts/private-db.sh free-port)"
  started_db=true
  dsn="$(bash scripts/private-db.sh start "$db_dir" "$db_port")"
  dsn="${dsn##*$'\n'}" # the DSN is the last line
fi

listen="${SCHEDULING_LISTEN:-127.0.0.1:$(bash scripts/private-db.sh free-port)}"
# Where a client reaches it: a wildcard listen address means this machine.
host="${listen%:*}"
case "$host" in
  "" | 0.0.0.0 | "[::]" | "[::0]") host=127.0.0.1 ;;
esac
addr="$host:${listen##*:}"

metrics_listen="${SCHEDULING_METRICS_LISTEN:-127.0.0.1:$(bash scripts/private-db.sh free-port)}"

# The booking page, and the links the server hands out lead to it.
page_listen="${SCHEDULING_PAGE_LISTEN:-127.0.0.1:$(bash scripts/private-db.sh free-port)}"
page_host="${page_listen%:*}"
case "$page_host" in
  "" | 0.0.0.0 | "[::]" | "[::0]") page_host=127.0.0.1 ;;
esac
page_url="http://$page_host:${page_listen##*:}"
public_base_url="${SCHEDULING_PUBLIC_BASE_URL:-$page_url}"

{
  read -r policy_file
  read -r key_file
} < <(bash scripts/dev-auth.sh .local/dev-auth)
# schedctl (here and in the commands printed below) reads these.
export SCHEDULING_API_KEY
SCHEDULING_API_KEY="$(cat "$key_file")"
export SCHEDULING_INSECURE=true
metrics_addr="$host:${metrics_listen##*:}"

log "server: gRPC on $listen, metrics on http://$metrics_addr/metrics, log in ${server_log#"$repo"/}"
mkdir -p "$(dirname "$server_log")"
# The DSN goes through the environment, not the command line, so that it does
# not show in `ps`. setsid keeps a terminal's Ctrl-C from reaching the server
# directly: this script stops it, in order, from its trap.
SCHEDULING_DSN="$dsn" SCHEDULING_LISTEN="$listen" \
  SCHEDULING_METRICS_LISTEN="$metrics_listen" \
  SCHEDULING_ACCESS_POLICY="$policy_file" \
  SCHEDULING_PUBLIC_BASE_URL="$public_base_url" \
  setsid "$server_bin" >>"$server_log" 2>&1 &
server_pid=$!

deadline=$((SECONDS + start_timeout_s))
until timeout 5 "$schedctl" --server="$addr" health >/dev/null 2>&1; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" && rc=0 || rc=$?
    server_pid=""
    echo "run.sh: the server exited during start-up (status $rc); its log:" >&2
    tail -n 20 "$server_log" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "run.sh: the server did not report SERVING within ${start_timeout_s}s; its log:" >&2
    tail -n 20 "$server_log" >&2
    exit 1
  fi
  sleep 0.2
done
log "server is SERVING on $addr"

log "booking page: $page_url, log in ${page_log#"$repo"/}"
# The development key and plain text to the server come from the
# SCHEDULING_API_KEY and SCHEDULING_INSECURE exported above.
setsid "$page_bin" --listen="$page_listen" --server="$addr" >>"$page_log" 2>&1 &
page_pid=$!
deadline=$((SECONDS + start_timeout_s))
until curl -fsS "$page_url/readyz" >/dev/null 2>&1; do
  if ! kill -0 "$page_pid" 2>/dev/null; then
    page_pid=""
    echo "run.sh: the booking page exited during start-up; its log:" >&2
    tail -n 20 "$page_log" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "run.sh: the booking page did not answer within ${start_timeout_s}s" >&2
    exit 1
  fi
  sleep 0.2
done

location="demo-$(date -u +%Y%m%d-%H%M%S)-$$"
log "demo: the product flow for location $location"
"$schedctl" --server="$addr" demo --location="$location"

log "methods, listed through server reflection"
"$buf" curl --protocol grpc --http2-prior-knowledge --list-methods "http://$addr"

log "metrics: what the demo did, from http://$metrics_addr/metrics"
curl -fsS "http://$metrics_addr/metrics" |
  grep -E '^(scheduling_(links|bookings|link_booking)|grpc_server_handled_total.*BookOneTimeLink)' || true

log "the server's last log lines (${server_log#"$repo"/})"
tail -n 5 "$server_log"

log "share: a calendar's links for the booking page (schedctl share)"
# Open every day, so that a newcomer sees free times whenever they look.
calendar="locations/$location/calendars/welcome"
"$schedctl" --server="$addr" create-calendar --location="$location" \
  --calendar_id=welcome --slug=intro-call --display_name="Intro call" \
  --time_zone=Europe/Berlin --hours="mon-sun 08:00-20:00" --duration=30m >/dev/null
share="$("$schedctl" --server="$addr" share --calendar="$calendar" \
  --page_url="$public_base_url" --new_link)"
echo "$share"
one_time_link="$(sed -n 's/^one_time_link: *//p' <<<"$share")"

cat <<EOF

==> the server is running on $addr; call it with buf curl, for example:

  buf=.local/tools/node_modules/.bin/buf
  key=\$(cat .local/dev-auth/api-key)   # the development API key
  \$buf curl --protocol grpc --http2-prior-knowledge --list-methods http://$addr
  \$buf curl --protocol grpc --http2-prior-knowledge \\
      -H "authorization: Bearer \$key" \\
      -d '{"parent": "locations/$location"}' \\
      http://$addr/scheduling.v1.CalendarService/ListCalendars
  \$buf curl --protocol grpc --http2-prior-knowledge \\
      http://$addr/grpc.health.v1.Health/Check

  or the reference CLI (plain text, with the key):
    SCHEDULING_INSECURE=true SCHEDULING_API_KEY=\$key \\
      build/client/cli/schedctl --server=$addr list-calendars --location=$location

  metrics: curl http://$metrics_addr/metrics
  the server's log: tail -f ${server_log#"$repo"/}

  the booking page: $page_url (log: tail -f ${page_log#"$repo"/})
  a new one-time link (and the scheduling link, the embed code):
    SCHEDULING_INSECURE=true SCHEDULING_API_KEY=\$key \\
      build/client/cli/schedctl --server=$addr share --new_link \\
      --calendar=$calendar --page_url=$public_base_url

==> open this one-time link in a browser, book, then open it again:

  $one_time_link

Press Ctrl-C to stop the booking page, the server$([[ $started_db == true ]] && echo " and the private database").
EOF

# In the foreground until the server or the page exits or a signal arrives.
wait -n "$server_pid" "$page_pid"
