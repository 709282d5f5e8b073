#!/usr/bin/env bash
# The test suite under the sanitizers, each in a build directory of its own:
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer):
#         every test, in build-asan/
#   tsan  ThreadSanitizer: the race tests (every test whose name says Race,
#         Racing or Concurren...), in build-tsan/
#   all   both (the default)
# Each configures with SCHEDULING_SANITIZE, builds with g++ (the compiler
# of the normal build, whose sanitizer runtime the client-package test's
# consumer links too), starts a private MariaDB in a fresh temporary
# directory (or uses the database SCHEDULING_TEST_DSN names, if set) and
# runs ctest. Any report fails the test that caused it, so the script exits
# non-zero. BUILD.md ("Sanitizers and fuzzing") says what is and is not
# checked, and why.
#
# Usage: bash scripts/sanitize.sh [asan|tsan|all]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo
cd "$repo"

mode="${1:-all}"
case "$mode" in
  asan | tsan | all) ;;
  *)
    echo "usage: bash scripts/sanitize.sh [asan|tsan|all]" >&2
    exit 2
    ;;
esac

# Share ccache results across build directories and checkouts (as test.sh).
export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=1

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

# Stack traces with file:line; the sanitizers look for llvm-symbolizer.
symbolizer="$(command -v llvm-symbolizer || true)"
if [[ -z $symbolizer ]]; then
  echo "sanitize.sh: llvm-symbolizer not found (package llvm; scripts/deps.sh)" >&2
  exit 1
fi

# configure BUILD_DIR SANITIZERS. -O1 (the sanitizers' own advice: fast
# enough to run, and it compiles in about half the time of -O2), assertions
# on (Debug leaves NDEBUG unset). Warnings are not errors here: the normal
# build (test.sh) holds that line, and optimisation-dependent warnings of a
# different -O would only fail this build for reasons that are not its own.
# No benchmarks: they are not tests.
configure() {
  cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DCMAKE_CXX_COMPILER=g++ -DSCHEDULING_SANITIZE="$2" \
    -DSCHEDULING_WERROR=OFF -DSCHEDULING_BUILD_TESTS=ON \
    -DSCHEDULING_BUILD_BENCH=OFF
}

# The database of the integration tests: the one SCHEDULING_TEST_DSN names
# (test.sh's, when it runs this), else a private one.
start_db() {
  if [[ -n ${SCHEDULING_TEST_DSN:-} ]]; then return; fi
  log "private database for the integration tests"
  db_dir="$(mktemp -d)"
  local port dsn
  port="$(bash scripts/private-db.sh free-port)"
  dsn="$(bash scripts/private-db.sh start "$db_dir" "$port")"
  export SCHEDULING_TEST_DSN="${dsn##*$'\n'}" # the DSN is the last line
  echo "SCHEDULING_TEST_DSN=$SCHEDULING_TEST_DSN"
}

run_asan() {
  log "build-asan: configure and build (AddressSanitizer + UndefinedBehaviorSanitizer)"
  configure build-asan address,undefined
  cmake --build build-asan -j2

  start_db
  log "build-asan: every test"
  # The client-package test builds a consumer of the installed (instrumented)
  # client library; CMake takes its link flags from LDFLAGS.
  LDFLAGS="-fsanitize=address,undefined" \
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1:strict_init_order=1:check_initialization_order=1" \
    LSAN_OPTIONS="suppressions=$repo/tests/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
    ASAN_SYMBOLIZER_PATH="$symbolizer" \
    ctest --test-dir build-asan --output-on-failure -j2 --no-tests=error \
    --timeout 900
}

# The races the suite provokes on purpose (many clients booking one link,
# one slot, one member at once; concurrent retries, creates, revokes and
# event writers), through the in-process server: every test named for it.
# Not the whole suite: tests that start a second server in the process or
# call the health service (gRPC's callback API) hand objects between
# threads inside gRPC, which is not instrumented, and TSan reports those
# hand-offs as races (BUILD.md).
readonly tsan_tests='Race|Racing|Concurren'

run_tsan() {
  log "build-tsan: configure and build (ThreadSanitizer)"
  configure build-tsan thread
  # Only what the race tests need.
  cmake --build build-tsan -j2 --target integration_tests

  start_db
  log "build-tsan: the race tests"
  # ignore_noninstrumented_modules: memcpy and friends called from inside
  # abseil or gRPC are theirs to get right; without it TSan reports
  # abseil's own deadlock-detection graph.
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:external_symbolizer_path=$symbolizer:suppressions=$repo/tests/tsan.supp" \
    ctest --test-dir build-tsan --output-on-failure -j2 --no-tests=error \
    --timeout 900 -R "$tsan_tests"
}

case "$mode" in
  asan) run_asan ;;
  tsan) run_tsan ;;
  all)
    run_asan
    run_tsan
    ;;
esac
log "done"
