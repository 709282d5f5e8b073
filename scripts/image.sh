#!/usr/bin/env bash
# Builds the service's container image from Containerfile with buildah and
# smoke-tests it: the image's own server against a private MariaDB, the
# image's own schedctl as the client.
#
# Usage: bash scripts/image.sh [--archive] [--from-head] [--rebuild-base]
#
#   --archive       also write the image to .local/scheduling-server-VERSION.tar
#                   (an OCI archive: `buildah pull oci-archive:FILE`, `podman
#                   load -i FILE`, `skopeo copy oci-archive:FILE ...`)
#   --from-head     build from the last commit (git archive HEAD) instead of
#                   the working tree, e.g. while others have half-done edits
#   --rebuild-base  make the debootstrap base image again (security updates)
#
# Environment:
#   IMAGE          image repository (default localhost/scheduling-server); it
#                  is tagged VERSION (from CMakeLists.txt's project()) and,
#                  when built from a clean commit, VERSION-gSHA
#   BASE_IMAGE     base of both stages (default localhost/debian-base:bookworm,
#                  made here with debootstrap when missing, since no registry
#                  is reachable here); with a registry, e.g. debian:bookworm-slim
#   DEBIAN_MIRROR  for debootstrap (default http://deb.debian.org/debian)
#   BUILD_JOBS     compile jobs inside the build (default 2)
#
# Runs as root on Debian 12 (buildah here runs as root, with chroot
# isolation: no image registry, no container runtime needed). Installs
# buildah, debootstrap and what the smoke test needs if they are missing.
# Prints each stage's elapsed time; exits non-zero, saying why, if any step
# fails.
set -euo pipefail
# (With pipefail, a reader that stops early, like head or grep -q, can fail
# a pipeline by SIGPIPE; this script's pipelines read all their input.)

# Messages go to fd 9, a copy of stderr: a signal's trap can run while a
# redirected command has fd 2 pointing at one of its files.
exec 9>&2

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo
cd "$repo"

readonly local_base=localhost/debian-base:bookworm
readonly image="${IMAGE:-localhost/scheduling-server}"
readonly base_image="${BASE_IMAGE:-$local_base}"
readonly mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
readonly build_jobs="${BUILD_JOBS:-2}"
readonly isolation=chroot
readonly user=65532:65532
readonly start_timeout_s=120
# The server's default --grace_period is 10s (SCHEDULING_GRACE_PERIOD); an
# idle server stops at once, but allow for all of it.
readonly stop_timeout_s=20

archive=false
from_head=false
rebuild_base=false
for arg in "$@"; do
  case "$arg" in
    --archive) archive=true ;;
    --from-head) from_head=true ;;
    --rebuild-base) rebuild_base=true ;;
    -h | --help)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *)
      echo "image.sh: unknown argument: $arg (try --help)" >&9
      exit 2
      ;;
  esac
done

# ------------------------------------------------------------- reporting --

# Microseconds (EPOCHREALTIME's decimal separator follows the locale).
now_us() { echo "${EPOCHREALTIME//[.,]/}"; }
fmt_s() { printf '%d.%01d s' $(($1 / 1000000)) $((($1 % 1000000) / 100000)); }

readonly script_start="$(now_us)"
stage_name=""
stage_start=0
timings=()

end_stage() {
  if [[ -n $stage_name ]]; then
    local elapsed=$(($(now_us) - stage_start))
    printf '    (%s: %s)\n' "$stage_name" "$(fmt_s "$elapsed")" >&9
    timings+=("$(printf '%-14s %10s' "$stage_name" "$(fmt_s "$elapsed")")")
    stage_name=""
  fi
}

stage() {
  end_stage
  stage_name="$1"
  stage_start="$(now_us)"
  printf '\n==> %s: %s\n' "$1" "$2" >&9
}

log() { printf '    %s\n' "$*" >&9; }

failed_reported=false
die() {
  printf '\nimage.sh: FAILED%s: %s\n' "${stage_name:+ in stage \"$stage_name\"}" "$*" >&9
  failed_reported=true
  exit 1
}

# Any other failing command (set -e) is named too, with its line.
set -E
trap 'failed_command=$BASH_COMMAND failed_line=$LINENO' ERR
failed_command=""
failed_line=""

# --------------------------------------------------------------- cleanup --

# The server process under `buildah run` PID (buildah run -> chroot runtime
# -> chroot exec -> the server): buildah run turns a SIGTERM it receives into
# a SIGKILL of its child, so a graceful stop must signal the server itself.
server_process() {
  local queue=("$1") pid child
  while ((${#queue[@]} > 0)); do
    pid="${queue[0]}"
    queue=("${queue[@]:1}")
    if [[ "$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | sed -n 1p)" == /usr/local/bin/scheduling_server ]]; then
      echo "$pid"
      return 0
    fi
    for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do queue+=("$child"); done
  done
  return 1
}

work_dir=""    # temporary files of this run
server_pid=""  # `buildah run` of the server
containers=()  # working containers to remove
db_dir=""      # private database to stop and remove

cleanup() {
  local rc=$? failed_stage="$stage_name"
  trap - EXIT INT TERM ERR
  set +e
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    log "stopping the server"
    local pid
    if pid="$(server_process "$server_pid")"; then
      kill -TERM "$pid" 2>/dev/null
    else
      kill -TERM "$server_pid" 2>/dev/null
    fi
    for _ in $(seq 1 75); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$server_pid" 2>/dev/null; then
      pid="$(server_process "$server_pid")" && kill -KILL "$pid" 2>/dev/null
      kill -KILL "$server_pid" 2>/dev/null
    fi
    wait "$server_pid" 2>/dev/null
  fi
  for ctr in "${containers[@]}"; do
    buildah rm "$ctr" >/dev/null 2>&1 || log "could not remove container $ctr"
  done
  if [[ -n $db_dir ]]; then
    bash "$repo/scripts/private-db.sh" stop "$db_dir" >/dev/null 2>&1 ||
      log "could not stop the private database in $db_dir"
    rm -rf "$db_dir"
  fi
  if [[ -n $work_dir && -d $work_dir ]]; then
    # debootstrap may leave /proc etc. mounted inside a failed rootfs.
    if grep -qF " $work_dir/" /proc/mounts; then
      grep -F " $work_dir/" /proc/mounts | awk '{print $2}' | sort -r |
        xargs -r -n1 umount -l 2>/dev/null
    fi
    rm -rf "$work_dir"
  fi
  end_stage
  if ((${#timings[@]} > 0)); then
    printf '\n==> elapsed\n' >&9
    printf '    %s\n' "${timings[@]}" >&9
    printf '    %-14s %10s\n' total "$(fmt_s $(($(now_us) - script_start)))" >&9
  fi
  if [[ -n $interrupted ]]; then
    printf '\nimage.sh: interrupted by %s%s\n' "$interrupted" \
      "${failed_stage:+ in stage \"$failed_stage\"}" >&9
  elif ((rc != 0)) && [[ $failed_reported == false && -n $failed_command ]]; then
    printf '\nimage.sh: FAILED%s: line %s: %s (status %d)\n' \
      "${failed_stage:+ in stage \"$failed_stage\"}" "$failed_line" "$failed_command" "$rc" >&9
  fi
  if ((rc != 0)); then
    printf '\nimage.sh: exit status %d\n' "$rc" >&9
  fi
  exit "$rc"
}
trap cleanup EXIT
interrupted=""
trap 'interrupted=SIGINT; exit 130' INT
trap 'interrupted=SIGTERM; exit 143' TERM

[[ $EUID -eq 0 ]] || die "run as root (buildah is used rootful here, with chroot isolation)"

mkdir -p "$repo/.local"
work_dir="$(mktemp -d "$repo/.local/image.XXXXXX")"

# ---------------------------------------------------------- dependencies --

stage dependencies "buildah, debootstrap, and MariaDB, curl and jq for the smoke test"

packages=(buildah debootstrap debian-archive-keyring mariadb-server mariadb-client curl jq procps)
missing=()
for pkg in "${packages[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" == "install ok installed" ]] ||
    missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  log "installing Debian packages: ${missing[*]}"
  # As in deps.sh: without an init system, mariadb-server's postinst would
  # try to start the system-wide server; a policy-rc.d forbids it.
  policy=/usr/sbin/policy-rc.d
  added_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=true
  fi
  env DEBIAN_FRONTEND=noninteractive apt-get update -q >&9 &&
    env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&9 ||
    {
      [[ $added_policy == true ]] && rm -f "$policy"
      die "apt-get could not install: ${missing[*]}"
    }
  [[ $added_policy == true ]] && rm -f "$policy"
else
  log "all present"
fi

# ------------------------------------------------------------ base image --

image_exists() { buildah inspect --type image "$1" >/dev/null 2>&1; }

if [[ $base_image != "$local_base" ]]; then
  stage base "using $base_image (BASE_IMAGE; pulled by the build if missing)"
elif image_exists "$local_base" && [[ $rebuild_base == false ]]; then
  stage base "$local_base exists ($(buildah images --noheading --format '{{.CreatedAt}}, {{.Size}}' "$local_base" | sed -n 1p | tr -s ' ')); --rebuild-base makes it again"
else
  stage base "making $local_base with debootstrap (Debian 12 minbase, slimmed like debian:bookworm-slim)"
  rootfs="$work_dir/rootfs"
  if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" \
    >"$work_dir/debootstrap.log" 2>&1; then
    tail -n 30 "$work_dir/debootstrap.log" >&9
    die "debootstrap failed (log above)"
  fi
  log "debootstrap done ($(du -sh "$rootfs" | cut -f1))"

  # What the official slim image does: no manuals, docs or translations, no
  # apt caches; and its sources, so that updates and security fixes install.
  rm -f "$rootfs/etc/apt/sources.list"
  mirror_base="${mirror%/debian}"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $mirror_base/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/man/*
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' \
    >"$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests"
  (
    cd "$rootfs"
    rm -rf var/cache/apt/archives/*.deb var/cache/apt/*.bin var/lib/apt/lists/*
    rm -rf usr/share/man/* usr/share/info/* usr/share/groff/* usr/share/lintian/*
    find usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
    find usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
    find usr/share/doc -mindepth 1 -type d -empty -delete
    find var/log -type f -delete
    # The build host's; buildah supplies its own at run time.
    : >etc/resolv.conf
    : >etc/hostname
    rm -f etc/machine-id var/lib/dbus/machine-id
    : >etc/machine-id
  )

  tar --numeric-owner -C "$rootfs" -cf "$work_dir/rootfs.tar" .
  rm -rf "$rootfs"
  ctr="$(buildah from scratch)"
  containers+=("$ctr")
  buildah add --quiet "$ctr" "$work_dir/rootfs.tar" / >/dev/null
  rm -f "$work_dir/rootfs.tar"
  log "applying bookworm-updates and bookworm-security"
  if ! buildah run --isolation "$isolation" "$ctr" -- sh -ec '
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -q
      apt-get upgrade -y -q
      apt-get clean
      rm -rf /var/lib/apt/lists/* /var/log/apt/* /var/log/dpkg.log
      : >/etc/resolv.conf' >"$work_dir/upgrade.log" 2>&1; then
    tail -n 30 "$work_dir/upgrade.log" >&9
    die "updating the base image failed (log above)"
  fi
  buildah config --os linux --arch "$(dpkg --print-architecture)" \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd bash \
    --label org.opencontainers.image.title=debian-base \
    --label org.opencontainers.image.description="Debian 12 (bookworm) minbase by debootstrap from $mirror" \
    "$ctr"
  buildah commit --quiet --rm "$ctr" "$local_base" >/dev/null
  containers=()
  log "$local_base: $(buildah images --noheading --format '{{.Size}}' "$local_base" | sed -n 1p)"
fi

# ----------------------------------------------------------------- build --

version="$(sed -nE 's/^project\([^)]*VERSION[[:space:]]+([0-9][0-9.]*).*/\1/p' CMakeLists.txt | sed -n 1p)"
[[ -n $version ]] || die "no VERSION in CMakeLists.txt's project()"
revision=unknown
clean=false
if git rev-parse --git-dir >/dev/null 2>&1; then
  revision="$(git rev-parse HEAD)"
  if [[ $from_head == true ]] ||
    { git diff --quiet HEAD -- . && [[ -z "$(git ls-files --others --exclude-standard)" ]]; }; then
    clean=true
  else
    revision+="-dirty"
  fi
elif [[ $from_head == true ]]; then
  die "--from-head needs a git checkout"
fi
tags=("$image:$version")
[[ $clean == true ]] && tags+=("$image:$version-g${revision:0:12}")
ref="${tags[0]}"

context="$repo"
if [[ $from_head == true ]]; then
  context="$work_dir/context"
  mkdir -p "$context"
  git archive HEAD | tar -x -C "$context"
fi

stage build "buildah bud ${tags[*]} from ${context/#"$repo"/.} (revision $revision)"
tag_args=()
for t in "${tags[@]}"; do tag_args+=(--tag "$t"); done
# --layers keeps each step as a cached layer: an unchanged apt-get install or
# source tree is not done again. The ccache cache mount keeps the compiler's
# results across builds for when the source did change.
# --force-rm: a failed step leaves no working container behind. The labels
# are given here as well as by the Containerfile's ARGs because buildah 1.28
# reuses a cached LABEL step whatever the ARG values (a new commit that
# changes nothing in the context kept the old revision); --label applies to
# the final image every time.
if ! buildah bud --isolation "$isolation" --layers --force-rm \
  --build-arg BASE_IMAGE="$base_image" \
  --build-arg VERSION="$version" \
  --build-arg REVISION="$revision" \
  --build-arg BUILD_JOBS="$build_jobs" \
  --label org.opencontainers.image.version="$version" \
  --label org.opencontainers.image.revision="$revision" \
  "${tag_args[@]}" -f "$context/Containerfile" "$context" >&9; then
  die "buildah bud failed (its output is above)"
fi

# ----------------------------------------------------------------- check --

stage check "what the image is"
config="$(buildah inspect --type image "$ref")" || die "buildah inspect $ref failed"
cfg() { jq -r "$1" <<<"$config"; }
size="$(buildah images --noheading --format '{{.Size}}' "$ref" | sed -n 1p)"
log "image: $ref, $size, $(cfg '.OCIv1.rootfs.diff_ids | length') layers, id $(cfg '.FromImageID[:12]')"
cfg_user="$(cfg '.OCIv1.config.User')"
[[ $cfg_user == "$user" ]] || die "the image runs as '$cfg_user', not $user"
log "user: $cfg_user"
entrypoint="$(cfg '.OCIv1.config.Entrypoint | tojson')"
[[ $entrypoint == '["/usr/local/bin/scheduling_server"]' ]] ||
  die "entrypoint is $entrypoint, not the exec form [\"/usr/local/bin/scheduling_server\"]"
[[ "$(cfg '.OCIv1.config.Cmd // [] | length')" == 0 ]] ||
  die "the image has a CMD ($(cfg '.OCIv1.config.Cmd | tojson')) that would become the server's arguments"
log "entrypoint: $entrypoint (exec form, no CMD)"
for want in SCHEDULING_LOG_FORMAT=json SCHEDULING_LISTEN=0.0.0.0:50051 SCHEDULING_METRICS_LISTEN=0.0.0.0:9090; do
  cfg '.OCIv1.config.Env[]' | grep -xF "$want" >/dev/null || die "the image's environment lacks $want"
done
log "environment: $(cfg '[.OCIv1.config.Env[] | select(startswith("SCHEDULING_"))] | join(" ")')"
for want in 50051/tcp 9090/tcp; do
  cfg '.OCIv1.config.ExposedPorts // {} | keys[]' | grep -xF "$want" >/dev/null || die "the image does not expose $want"
done
log "exposed: $(cfg '.OCIv1.config.ExposedPorts | keys | join(" ")')"
log "labels: $(cfg '.OCIv1.config.Labels | to_entries | map(select(.key | startswith("org.opencontainers")) | "\(.key | ltrimstr("org.opencontainers.image."))=\(.value)") | join(", ")')"

# ----------------------------------------------------------------- smoke --

stage smoke "the image's server against a private MariaDB, the image's schedctl as client"

# One container runs the server, another the client commands (each `buildah
# run` is a fresh process in the container's filesystem, sharing the host's
# network under chroot isolation).
server_ctr="$(buildah from --pull=never --quiet "$ref")"
containers+=("$server_ctr")
client_ctr="$(buildah from --pull=never --quiet "$ref")"
containers+=("$client_ctr")
in_image() { buildah run --isolation "$isolation" --user "$user" "$@"; }

# The usage text: proves both binaries load all their libraries (abseil's
# --help exits 1 after printing it).
help_out="$work_dir/help.txt"
for bin in scheduling_server schedctl; do
  rc=0
  in_image "$client_ctr" -- "/usr/local/bin/$bin" --help >"$help_out" 2>&1 || rc=$?
  if ! ((rc == 0 || rc == 1)) || ! grep -q "$bin" "$help_out"; then
    cat "$help_out" >&9
    die "$bin --help failed in the image (status $rc, output above)"
  fi
  log "$bin --help: ok"
done

# Where the server's container may write: its upper (writable) overlay
# layer. Anything the server leaves there would fail on a read-only root
# filesystem.
server_mnt="$(buildah mount "$server_ctr")"
upper="$(findmnt -n -o OPTIONS --target "$server_mnt" | tr ',' '\n' | sed -n 's/^upperdir=//p')"
buildah umount "$server_ctr" >/dev/null
list_upper() {
  [[ -n $upper && -d $upper ]] && (cd "$upper" && find . -mindepth 1 | sort)
}
# Authentication on, as in production: a development policy, mounted
# read-only, and its API key for schedctl. Plain text on 127.0.0.1.
{
  read -r policy_file
  read -r key_file
} < <(bash scripts/dev-auth.sh "$work_dir/auth")
chmod 755 "$work_dir/auth"
api_key="$(cat "$key_file")"
client_env=(--env SCHEDULING_INSECURE=true --env SCHEDULING_API_KEY="$api_key")
policy_mount=(--volume "$(dirname "$policy_file")":/etc/scheduling/auth:ro)
# What buildah itself puts there (mount points for /etc/hosts, the policy's
# and the like): the baseline, after a run that writes nothing.
in_image "${policy_mount[@]}" "$server_ctr" -- /usr/local/bin/schedctl --help >/dev/null 2>&1 || true
list_upper >"$work_dir/upper.before" || true

# Outside the repository: its socket path must stay short.
db_dir="$(mktemp -d -t scheduling-image-db.XXXXXX)"
db_port="$(bash scripts/private-db.sh free-port)"
dsn="$(bash scripts/private-db.sh start "$db_dir" "$db_port" 2>"$work_dir/db.log" 9>&-)" || {
  cat "$work_dir/db.log" >&9
  die "the private database did not start"
}
dsn="${dsn##*$'\n'}"
log "database: private MariaDB on 127.0.0.1:$db_port"

port="$(bash scripts/private-db.sh free-port)"
metrics_port="$(bash scripts/private-db.sh free-port)"
while [[ $metrics_port == "$port" ]]; do metrics_port="$(bash scripts/private-db.sh free-port)"; done
addr="127.0.0.1:$port"
server_log="$work_dir/server.log"
# The image's own environment otherwise (SCHEDULING_LOG_FORMAT=json).
# Not through in_image: $! must be buildah's own pid, which passes signals
# on to the server.
buildah run --isolation "$isolation" --user "$user" \
  --env SCHEDULING_DSN="$dsn" \
  --env SCHEDULING_LISTEN="$addr" \
  --env SCHEDULING_METRICS_LISTEN="127.0.0.1:$metrics_port" \
  --env SCHEDULING_INSECURE=true \
  --env SCHEDULING_ACCESS_POLICY=/etc/scheduling/auth/policy.json \
  "${policy_mount[@]}" \
  "$server_ctr" -- /usr/local/bin/scheduling_server >"$server_log" 2>&1 9>&- &
server_pid=$!
log "server: buildah run (pid $server_pid), gRPC on $addr, metrics on 127.0.0.1:$metrics_port, as $user"

show_server_log() {
  log "server log (last 40 lines):"
  tail -n 40 "$server_log" | sed 's/^/      /' >&9
}

started="$(now_us)"
deadline=$((SECONDS + start_timeout_s))
until in_image "${client_env[@]}" "$client_ctr" -- /usr/local/bin/schedctl --server="$addr" --timeout=2s health \
  >"$work_dir/health.txt" 2>&1; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    rc=0
    wait "$server_pid" || rc=$?
    server_pid=""
    show_server_log
    die "the server exited during start-up (status $rc)"
  fi
  if ((SECONDS >= deadline)); then
    show_server_log
    cat "$work_dir/health.txt" >&9
    die "the server did not report SERVING within ${start_timeout_s}s"
  fi
  sleep 0.5
done
log "health: SERVING after $(fmt_s $(($(now_us) - started)))"

location="image-smoke-$(date -u +%Y%m%d-%H%M%S)-$$"
if ! in_image "${client_env[@]}" "$client_ctr" -- /usr/local/bin/schedctl --server="$addr" demo \
  --location="$location" >"$work_dir/demo.txt" 2>&1; then
  cat "$work_dir/demo.txt" >&9
  show_server_log
  die "schedctl demo failed against the image's server (output above)"
fi
log "demo: ok ($(grep -c . "$work_dir/demo.txt") lines, location $location)"

# Metrics: the server serves them where SCHEDULING_METRICS_LISTEN says.
if ! curl -fsS --max-time 5 "http://127.0.0.1:$metrics_port/metrics" >"$work_dir/metrics.txt" 2>"$work_dir/curl.txt"; then
  cat "$work_dir/curl.txt" >&9
  show_server_log
  die "127.0.0.1:$metrics_port/metrics (SCHEDULING_METRICS_LISTEN) did not answer"
fi
grep -q '^# TYPE ' "$work_dir/metrics.txt" ||
  die "/metrics answered but not in the Prometheus text format"
log "metrics: /metrics serves $(grep -c '^# TYPE ' "$work_dir/metrics.txt") metric families, e.g. $(awk '/^grpc_server_handled_total/ && !found { print; found = 1 }' "$work_dir/metrics.txt")"

# Stop: SIGTERM to the server process (as a container runtime sends it),
# which must drain and exit 0 within its grace period; buildah run then
# exits with the server's status.
server_os_pid="$(server_process "$server_pid")" ||
  die "found no scheduling_server process under buildah run (pid $server_pid)"
stop_start="$(now_us)"
kill -TERM "$server_os_pid"
stopped=false
for _ in $(seq 1 $((stop_timeout_s * 5))); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    stopped=true
    break
  fi
  sleep 0.2
done
if [[ $stopped == false ]]; then
  show_server_log
  die "the server did not exit within ${stop_timeout_s}s of SIGTERM"
fi
rc=0
wait "$server_pid" || rc=$?
server_pid=""
if ((rc != 0)); then
  show_server_log
  die "the server exited with status $rc after SIGTERM, not 0"
fi
log "SIGTERM: exited 0 after $(fmt_s $(($(now_us) - stop_start)))"

# Logs: JSON lines only (SCHEDULING_LOG_FORMAT=json is the image's default).
[[ -s $server_log ]] || die "the server wrote no log at all"
json_lines="$(jq -R -c 'try fromjson catch null | select(type == "object")' "$server_log" | grep -c . || true)"
total_lines="$(grep -c . "$server_log" || true)"
bad="$(jq -R -r 'select((try fromjson catch null | type) != "object")' "$server_log" | grep . || true)"
if [[ -n $bad ]]; then
  log "lines that are not JSON objects:"
  head -n 20 <<<"$bad" | sed 's/^/      /' >&9
  die "the server's log is not JSON lines ($json_lines of $total_lines lines are)"
fi
log "logs: $total_lines lines, all JSON objects, e.g. $(head -n1 "$server_log" | cut -c1-200)"

# Nothing written to the container's filesystem (as under a read-only root
# filesystem; buildah run has no read-only option, so this compares the
# container's writable layer before and after the server ran).
if [[ -n $upper ]]; then
  list_upper >"$work_dir/upper.after" || true
  written="$(comm -13 "$work_dir/upper.before" "$work_dir/upper.after")"
  if [[ -n $written ]]; then
    log "written by the server:"
    head -n 20 <<<"$written" | sed 's/^/      /' >&9
    die "the server wrote to its container's filesystem; it must run on a read-only root"
  fi
  log "filesystem: the server wrote nothing"
else
  log "filesystem: not checked (no overlay upperdir for the container)"
fi

# --------------------------------------------------------------- archive --

if [[ $archive == true ]]; then
  file="$repo/.local/scheduling-server-$version.tar"
  stage archive "buildah push $ref oci-archive:${file#"$repo"/}"
  rm -f "$file"
  buildah push --quiet "$ref" "oci-archive:$file:$ref" >&9 || die "buildah push failed"
  log "$(du -h "$file" | cut -f1) ${file#"$repo"/}"
fi

end_stage
printf '\n==> image %s (%s) built and smoke-tested\n' "${tags[*]}" "$size" >&9
