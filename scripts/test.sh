#!/usr/bin/env bash
# Everything CI checks, in order, failing at the first problem: formatting,
# a warnings-as-errors build of every target (tests and benchmarks included),
# proto lint, the Kubernetes manifests (rendered and validated offline), the
# whole test suite against a private MariaDB started in a fresh temporary
# directory, the booking page in a real browser (browser-test.sh), the
# cross-node tests on a 3-node Galera cluster (galera.sh), the tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer and the race tests
# under ThreadSanitizer (sanitize.sh), every fuzzer for a bounded time
# (fuzz.sh), and the container image (built and smoke-tested). Each stage
# prints how long it took.
#
# Usage: bash scripts/test.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo
cd "$repo"

# Let ccache reuse results across build directories and checkouts.
export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=1

readonly buf="$repo/.local/tools/node_modules/.bin/buf"

# log NAME: the stage timer.
source "$repo/scripts/lib/stages.sh"

db_dir=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $db_dir ]]; then
    bash "$repo/scripts/private-db.sh" stop "$db_dir" || true
    rm -rf "$db_dir"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "dependencies"
bash "$repo/scripts/deps.sh"

log "formatting (clang-format, .clang-format at the root)"
dirs=()
for d in server client tests bench fuzz; do
  if [[ -d $d ]]; then dirs+=("$d"); fi
done
unformatted=()
if ((${#dirs[@]} > 0)); then
  while IFS= read -r -d '' f; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
      unformatted+=("$f")
    fi
  done < <(find "${dirs[@]}" -type f \( -name '*.cc' -o -name '*.h' \) -print0 | sort -z)
fi
if ((${#unformatted[@]} > 0)); then
  echo "test.sh: these files are not clang-formatted:" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  echo "fix with: clang-format -i ${unformatted[*]}" >&2
  exit 1
fi
echo "all formatted"

log "build (warnings are errors)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCHEDULING_WERROR=ON \
  -DSCHEDULING_BUILD_TESTS=ON -DSCHEDULING_BUILD_BENCH=ON
cmake --build build -j2

log "proto lint (buf lint)"
"$buf" lint
echo "buf lint: clean"

log "kubernetes manifests (scripts/k8s-check.sh)"
bash "$repo/scripts/k8s-check.sh"

log "private database for the integration tests"
db_dir="$(mktemp -d)"
db_port="$(bash scripts/private-db.sh free-port)"
dsn="$(bash scripts/private-db.sh start "$db_dir" "$db_port")"
export SCHEDULING_TEST_DSN="${dsn##*$'\n'}" # the DSN is the last line
echo "SCHEDULING_TEST_DSN=$SCHEDULING_TEST_DSN"

log "tests"
# --no-tests=error: a suite that finds no tests must not pass.
# --timeout: a hung test fails after 10 minutes instead of stalling CI
# (tests that set their own TIMEOUT property keep it).
ctest --test-dir build --output-on-failure -j2 --no-tests=error --timeout 600

log "browser tests (scripts/browser-test.sh: the booking page in Chromium)"
# The same private database; screenshots and logs in build/browser-artifacts.
PRIVATE_DB_DIR="$db_dir" bash "$repo/scripts/browser-test.sh" build

# A 3-node Galera cluster of its own in a temporary directory, a server per
# node, the cross-node tests and a 30 s write load (about a minute in all).
log "galera: 3-node cluster, a server per node, cross-node tests (scripts/galera.sh)"
bash "$repo/scripts/galera.sh" build

# Own build directories (build-asan/, build-tsan/, build-fuzz/); the
# sanitized tests use the same private database.
log "sanitizers: every test under ASan + UBSan (scripts/sanitize.sh asan)"
bash "$repo/scripts/sanitize.sh" asan

log "sanitizers: the race tests under TSan (scripts/sanitize.sh tsan)"
bash "$repo/scripts/sanitize.sh" tsan

log "fuzzing: every fuzzer for 25 s (scripts/fuzz.sh)"
bash "$repo/scripts/fuzz.sh" --seconds 25

log "container image (scripts/image.sh: build, then smoke-test against a private database)"
bash "$repo/scripts/image.sh"

log "done"
