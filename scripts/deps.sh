#!/usr/bin/env bash
# Installs what building, running and testing the service needs on Debian 12:
# the Debian packages below (only those missing, so a second run is fast and
# needs no network) and buf (from npm) into .local/tools.
#
# Usage: bash scripts/deps.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo
readonly buf_version=1.75.0
readonly tools_dir="$repo/.local/tools"

# See BUILD.md for why each one is needed.
packages=(
  build-essential cmake pkg-config ccache git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libmysqlcppconn-dev libssl-dev libtcmalloc-minimal4
  prometheus-cpp-dev nlohmann-json3-dev libcpp-httplib-dev curl
  mariadb-server mariadb-client galera-4 rsync
  grpc-proto
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  tzdata clang-format
  clang libclang-rt-14-dev llvm
  nodejs npm
  chromium
)

log() { printf '==> %s\n' "$*" >&2; }

# Whether a package's need is already met.
is_present() {
  case "$1" in
    # NodeSource's nodejs package bundles npm and declares "Provides: npm,
    # Conflicts: npm", so Debian's npm package stays "not installed" next to
    # it, and asking apt for it would try to replace that nodejs. Having the
    # commands is what counts.
    nodejs) command -v node >/dev/null 2>&1 ;;
    npm) command -v npm >/dev/null 2>&1 ;;
    *)
      [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
      ;;
  esac
}

sudo=()
if [[ $EUID -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || {
    echo "deps.sh: not root and sudo is not installed" >&2
    exit 1
  }
  sudo=(sudo)
fi

missing=()
for pkg in "${packages[@]}"; do
  is_present "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  log "installing Debian packages: ${missing[*]}"

  # Without an init system, mariadb-server's postinst would try to start the
  # system-wide server (and, where that works, leave one running on port 3306).
  # A policy-rc.d that forbids starting services makes invoke-rc.d skip that;
  # install one for the duration of apt-get if the machine has none.
  policy=/usr/sbin/policy-rc.d
  added_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    added_policy=true
    trap '"${sudo[@]}" rm -f "$policy"' EXIT
  fi

  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"

  if [[ $added_policy == true ]]; then
    "${sudo[@]}" rm -f "$policy"
    trap - EXIT
  fi
else
  log "Debian packages: all present"
fi

# buf (proto lint, and `buf curl` for calling the server through reflection).
# The npm package carries the binary itself, so this needs only the npm
# registry (or npm's cache).
buf="$tools_dir/node_modules/.bin/buf"
if [[ -x $buf ]] && [[ "$("$buf" --version 2>/dev/null)" == "$buf_version" ]]; then
  log "buf $buf_version: present"
else
  log "installing buf $buf_version into ${tools_dir#"$repo"/}"
  mkdir -p "$tools_dir"
  npm install --prefix "$tools_dir" --prefer-offline --no-audit --no-fund \
    "@bufbuild/buf@$buf_version" >&2
  "$buf" --version >/dev/null
fi
