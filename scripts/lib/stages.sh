# Stage timing for the scripts that run in CI (test.sh, sanitize.sh,
# fuzz.sh): `log NAME` ends the stage running, printing its time and the
# running total, and starts the next one. Sourced, not run.

started_at=$SECONDS
stage_at=$SECONDS
stage=""
log() {
  if [[ -n $stage ]]; then
    printf '==> %s: %ds (total %ds)\n' "$stage" $((SECONDS - stage_at)) \
      $((SECONDS - started_at)) >&2
  fi
  stage="$1"
  stage_at=$SECONDS
  printf '\n==> %s\n' "$*" >&2
}
