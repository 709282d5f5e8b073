#!/usr/bin/env bash
# Browser tests of the booking page (client/booking_page), as CI runs them
# from scripts/test.sh: a private MariaDB, scheduling_server and booking_page
# on free ports of 127.0.0.1, then tests/browser/booking_page.test.js drives
# Debian's Chromium through puppeteer-core (pinned in
# tests/browser/package-lock.json, installed once into .local/tools/browser;
# it never downloads a browser). Screenshots of every step, the logs and
# metrics.json (page weight, time to first render) go to
# BUILD_DIR/browser-artifacts/.
#
# Usage: bash scripts/browser-test.sh [BUILD_DIR]     (default: build)
#
# BUILD_DIR is configured and the three binaries built if needed (test.sh
# has built them already). Environment:
#   PRIVATE_DB_DIR + SCHEDULING_TEST_DSN  a private-db.sh database that is
#                  already running (test.sh's): used instead of a new one
#   CHROMIUM       the browser (default /usr/bin/chromium, from deps.sh)
#   ONLY           run only the tests whose name contains this
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo
cd "$repo"
export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=1

build_dir="${1:-build}"
[[ $build_dir == /* ]] || build_dir="$repo/$build_dir"
readonly build_dir
readonly artifacts="$build_dir/browser-artifacts"
readonly tools="$repo/.local/tools/browser"
readonly tests_dir="$repo/tests/browser"
readonly chromium="${CHROMIUM:-/usr/bin/chromium}"
readonly start_timeout_s=60

now() { echo "${EPOCHREALTIME/[.,]/}"; } # microseconds
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", (b - a) / 1e6 }'; }
log() { printf '==> %s\n' "$*"; }
die() {
  printf 'browser-test: %s\n' "$*" >&2
  exit 1
}
started="$(now)"

db_dir=""
own_db=false
pids=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # The page first, then the server it calls, then the database.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    if kill -0 "${pids[i]}" 2>/dev/null; then
      kill -TERM "${pids[i]}" 2>/dev/null || true
      wait "${pids[i]}" 2>/dev/null || true
    fi
  done
  if [[ $own_db == true ]]; then
    bash "$repo/scripts/private-db.sh" stop "$db_dir" >/dev/null 2>&1 || true
    rm -rf "$db_dir"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "tools"
[[ -x $chromium ]] || die "$chromium not found: install Debian's chromium (bash scripts/deps.sh does)"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
  die "node and npm not found: bash scripts/deps.sh installs them"
command -v mariadb >/dev/null 2>&1 || die "the mariadb client is missing: bash scripts/deps.sh installs it"
echo "chromium: $("$chromium" --version 2>/dev/null | head -n 1); node: $(node --version)"
t="$(now)"
stamp="$(cat "$tests_dir/package.json" "$tests_dir/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [[ -d $tools/node_modules && "$(cat "$tools/.installed" 2>/dev/null)" == "$stamp" ]]; then
  echo "puppeteer-core: installed in ${tools#"$repo"/} ($(since "$t"))"
else
  mkdir -p "$tools"
  cp "$tests_dir/package.json" "$tests_dir/package-lock.json" "$tools/"
  rm -f "$tools/.installed"
  # --ignore-scripts: no package may fetch anything at install time (a
  # browser above all); puppeteer-core needs no install step.
  (cd "$tools" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --prefer-offline \
    --no-audit --no-fund --loglevel=error) ||
    die "npm ci in ${tools#"$repo"/} failed (the npm registry must be reachable the first time)"
  echo "$stamp" >"$tools/.installed"
  echo "puppeteer-core: npm ci into ${tools#"$repo"/} ($(since "$t"))"
fi

log "binaries (${build_dir#"$repo"/})"
t="$(now)"
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCHEDULING_WERROR=ON >/dev/null
fi
cmake --build "$build_dir" -j2 --target scheduling_server schedctl booking_page >/dev/null ||
  die "building scheduling_server, schedctl and booking_page in $build_dir failed"
readonly server_bin="$build_dir/server/scheduling_server"
readonly schedctl="$build_dir/client/cli/schedctl"
readonly page_bin="$build_dir/client/booking_page/booking_page"
echo "up to date ($(since "$t"))"

rm -rf "$artifacts"
mkdir -p "$artifacts"

log "database"
t="$(now)"
if [[ -n ${PRIVATE_DB_DIR:-} && -n ${SCHEDULING_TEST_DSN:-} ]]; then
  db_dir="$PRIVATE_DB_DIR"
  dsn="$SCHEDULING_TEST_DSN"
  echo "the running private database in $db_dir"
else
  db_dir="$(mktemp -d)"
  own_db=true
  dsn="$(bash scripts/private-db.sh start "$db_dir" "$(bash scripts/private-db.sh free-port)" 2>"$artifacts/db.log")"
  dsn="${dsn##*$'\n'}"
  echo "a private MariaDB in $db_dir ($(since "$t"))"
fi
[[ -S $db_dir/mysqld.sock ]] || die "no database socket at $db_dir/mysqld.sock"

log "server, two booking page replicas and an embeddable page"
t="$(now)"
# Authentication on, as in production: the tests' fixtures (schedctl) call
# as a principal that may do everything; the pages as "booking-page", with
# only what a booking page needs (the role k8s/ deployments should grant).
auth_dir="$artifacts/auth"
mkdir -p "$auth_dir"
new_key() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
sha256() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
tests_key="$(new_key)"
page_key="$(new_key)"
cat >"$auth_dir/policy.json" <<JSON
{
  "roles": [
    {"name": "everything", "permissions": ["calendars.read", "calendars.write",
      "links.create", "links.read", "links.revoke", "links.book", "bookings.read",
      "bookings.write", "events.read"]},
    {"name": "booking-page", "permissions": ["calendars.read", "links.book",
      "bookings.write"]}
  ],
  "principals": [
    {"name": "browser-tests", "apiKeySha256": ["$(sha256 "$tests_key")"],
     "grants": [{"role": "everything", "locations": ["*"]}]},
    {"name": "booking-page", "apiKeySha256": ["$(sha256 "$page_key")"],
     "grants": [{"role": "booking-page", "locations": ["*"]}]}
  ]
}
JSON
grpc_port="$(bash scripts/private-db.sh free-port)"
page_port="$(bash scripts/private-db.sh free-port)"
page_port_b="$(bash scripts/private-db.sh free-port)"
page_port_embed="$(bash scripts/private-db.sh free-port)"
embed_host_port="$(bash scripts/private-db.sh free-port)"
page_url="http://127.0.0.1:$page_port"
# The server hands out one-time links on the first page's address. Plain
# text (--insecure): everything is on 127.0.0.1.
SCHEDULING_DSN="$dsn" "$server_bin" --listen="127.0.0.1:$grpc_port" --metrics_listen= \
  --insecure --access_policy="$auth_dir/policy.json" \
  --public_base_url="$page_url" >"$artifacts/server.log" 2>&1 &
pids+=($!)
# Two replicas, as behind a load balancer: a form rendered by one may be
# posted to the other, and a retry may land there. They share the API key,
# and so the form secret derived from it.
for port in "$page_port" "$page_port_b"; do
  SCHEDULING_API_KEY="$page_key" "$page_bin" --listen="127.0.0.1:$port" --server="127.0.0.1:$grpc_port" --insecure \
    >"$artifacts/page-$port.log" 2>&1 &
  pids+=($!)
done
# A third page that another site may embed (--frame_ancestors): the test
# serves that site's page on embed_host_port, another origin; the replicas
# above keep the default ('self') and must not show in its frames.
SCHEDULING_API_KEY="$page_key" "$page_bin" --listen="127.0.0.1:$page_port_embed" --server="127.0.0.1:$grpc_port" \
  --insecure --frame_ancestors="'self' http://127.0.0.1:$embed_host_port" >"$artifacts/page-$page_port_embed.log" 2>&1 &
pids+=($!)
export SCHEDULING_INSECURE=true SCHEDULING_API_KEY="$tests_key"
deadline=$((SECONDS + start_timeout_s))
until timeout 5 "$schedctl" --server="127.0.0.1:$grpc_port" health >/dev/null 2>&1 &&
  curl -fsS "$page_url/readyz" >/dev/null 2>&1 &&
  curl -fsS "http://127.0.0.1:$page_port_b/readyz" >/dev/null 2>&1 &&
  curl -fsS "http://127.0.0.1:$page_port_embed/readyz" >/dev/null 2>&1; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || {
      tail -n 20 "$artifacts"/*.log >&2
      die "the server or a page exited during start-up"
    }
  done
  ((SECONDS < deadline)) || die "the server or the pages did not come up within ${start_timeout_s}s"
  sleep 0.2
done
echo "server on 127.0.0.1:$grpc_port; pages on $page_url and http://127.0.0.1:$page_port_b," \
  "embeddable by http://127.0.0.1:$embed_host_port on http://127.0.0.1:$page_port_embed ($(since "$t"))"

log "browser tests (tests/browser/booking_page.test.js)"
status=0
NODE_PATH="$tools/node_modules" PAGE_URL="$page_url" PAGE_URL_B="http://127.0.0.1:$page_port_b" \
  PAGE_URL_EMBED="http://127.0.0.1:$page_port_embed" EMBED_HOST_PORT="$embed_host_port" PAGE_LOG="$artifacts/page-$page_port.log" \
  SCHEDCTL="$schedctl" SCHEDULING_SERVER="127.0.0.1:$grpc_port" DB_SOCKET="$db_dir/mysqld.sock" \
  ARTIFACTS="$artifacts" CHROMIUM="$chromium" \
  node "$tests_dir/booking_page.test.js" || status=$?

log "summary"
echo "artifacts: ${artifacts#"$repo"/} ($(find "$artifacts" -name '*.png' | wc -l) screenshots, the logs, metrics.json)"
echo "browser-test: $([[ $status == 0 ]] && echo passed || echo FAILED) in $(since "$started")"
exit "$status"
