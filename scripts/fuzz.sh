#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzzer.cc) with clang in build-fuzz/
# and runs each for a bounded time, two at a time (one per core), starting
# from the seed corpus in fuzz/corpus/<target>/. Prints each target's
# executions, coverage and corpus size. A crash, a sanitizer report, a
# broken property, a timeout or running out of memory fails the script; the
# input that caused it is left in build-fuzz/crashes/ (replay it with
# `build-fuzz/fuzz/<target> build-fuzz/crashes/<file>`).
#
# New inputs the fuzzers find go to build-fuzz/corpus/<target>/, never into
# the tree; runs on one machine build on each other's finds.
#
# Usage: bash scripts/fuzz.sh [--seconds N] [TARGET...]
#   --seconds N   time per target (default 25)
#   TARGET        only these targets (default: every fuzz/*_fuzzer.cc)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo
cd "$repo"

seconds=25
targets=()
while (($# > 0)); do
  case "$1" in
    --seconds)
      [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || {
        echo "fuzz.sh: --seconds needs a positive number" >&2
        exit 2
      }
      seconds="$2"
      shift 2
      ;;
    -h | --help)
      sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    -*)
      echo "fuzz.sh: unknown option $1" >&2
      exit 2
      ;;
    *)
      targets+=("$1")
      shift
      ;;
  esac
done
if ((${#targets[@]} == 0)); then
  for f in fuzz/*_fuzzer.cc; do
    targets+=("$(basename "$f" .cc)")
  done
fi

# Share ccache results across build directories and checkouts (as test.sh).
export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=1

# log NAME: the stage timer.
source "$repo/scripts/lib/stages.sh"

for tool in clang++ llvm-symbolizer; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "fuzz.sh: $tool not found (packages clang, libclang-rt-14-dev, llvm; scripts/deps.sh)" >&2
    exit 1
  }
done

log "build-fuzz: configure and build the fuzzers (clang, libFuzzer, ASan + UBSan)"
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DSCHEDULING_BUILD_FUZZERS=ON \
  -DSCHEDULING_BUILD_TESTS=OFF -DSCHEDULING_BUILD_BENCH=OFF
cmake --build build-fuzz -j2 --target "${targets[@]}"

log "fuzzing: ${#targets[@]} targets, ${seconds}s each, 2 at a time"
mkdir -p build-fuzz/crashes build-fuzz/logs
export ASAN_OPTIONS="detect_leaks=1:symbolize=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export ASAN_SYMBOLIZER_PATH
ASAN_SYMBOLIZER_PATH="$(command -v llvm-symbolizer)"

# run TARGET: one bounded libFuzzer run, its output and exit status in
# build-fuzz/logs/.
run() {
  local target="$1"
  local corpus="build-fuzz/corpus/$target" dict=() rc=0
  mkdir -p "$corpus"
  if [[ -f fuzz/$target.dict ]]; then dict=("-dict=fuzz/$target.dict"); fi
  # The first corpus directory receives new inputs; the seeds are read only.
  # -timeout: an input that takes over 10 s is a hang; -rss_limit_mb: a
  # request that makes a validator allocate without bound is a finding too.
  "build-fuzz/fuzz/$target" "$corpus" "fuzz/corpus/$target" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/crashes/$target-" \
    >"build-fuzz/logs/$target.log" 2>&1 || rc=$?
  echo "$rc" >"build-fuzz/logs/$target.rc"
}

# Two at a time: the machine has two cores, and each run is one process.
rm -f build-fuzz/logs/*.rc
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= 2)); do wait -n || true; done
  run "$target" &
done
wait

failed=()
for target in "${targets[@]}"; do
  rc="$(cat "build-fuzz/logs/$target.rc" 2>/dev/null || echo missing)"
  logf="build-fuzz/logs/$target.log"
  # libFuzzer's last status line: "#N DONE cov: C ft: F corp: U/S ...".
  done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$logf" | tail -n 1 || true)"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$logf" | tail -n 1)"
  cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")"
  ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")"
  corp="$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$done_line")"
  printf '%-26s %10s execs  cov %-6s ft %-6s corpus %s\n' "$target" \
    "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
  if [[ $rc != 0 ]]; then
    failed+=("$target")
    echo "---- $target FAILED (exit $rc); the end of $logf:" >&2
    tail -n 60 "$logf" >&2
    grep -h '^artifact_prefix\|Test unit written to' "$logf" >&2 || true
    echo "----" >&2
  fi
done

if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: FAILED: ${failed[*]}; inputs in build-fuzz/crashes/" >&2
  ls -l build-fuzz/crashes >&2
  exit 1
fi
log "done"
