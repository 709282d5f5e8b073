#!/usr/bin/env bash
# Checks the Kubernetes manifests in k8s/ offline, as CI does:
#   1. renders the base and every overlay with `kubectl kustomize`;
#   2. validates every rendered object against the Kubernetes OpenAPI schema
#      of its kind (unknown kinds and unknown fields fail; the ServiceMonitor
#      custom resource against its CRD's schema) and the project's policy
#      rules (k8s/check/check.js, k8s/check/expectations.json);
#   3. self-test: feeds k8s/check/testdata/bad.yaml, deliberately broken,
#      and fails unless every rule rejects what it must.
# Needs kubectl (1.32 here; kustomize v5 is built in), node and npm; the
# validators come from npm (versions pinned in k8s/check/package-lock.json)
# into .local/tools/k8s, once. No cluster, no network after that.
#
# Usage: bash scripts/k8s-check.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo
readonly tools="$repo/.local/tools/k8s"
readonly renders="$repo/.local/k8s-check"
readonly check_dir="$repo/k8s/check"

log() { printf '==> %s\n' "$*"; }
die() {
  printf 'k8s-check: %s\n' "$*" >&2
  exit 1
}
now() { echo "${EPOCHREALTIME/[.,]/}"; } # microseconds
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", (b - a) / 1e6 }'; }

started="$(now)"

log "tools"
# kubectl renders the overlays with its built-in kustomize. This machine image
# ships kubectl 1.32 at /usr/bin/kubectl; Debian 12's own kubernetes-client is
# 1.20, whose kustomize predates components and replacements.
readonly kubectl_hint="install kubectl 1.27 or later (kustomize v5), as /usr/bin/kubectl is on this project's machines; this check does not run without it"
command -v kubectl >/dev/null 2>&1 || die "kubectl not found on PATH: $kubectl_hint"
kubectl_version="$(kubectl version --client 2>/dev/null || true)"
kustomize_version="$(sed -n 's/^Kustomize Version: v//p' <<<"$kubectl_version")"
[[ ${kustomize_version%%.*} =~ ^[0-9]+$ ]] && ((${kustomize_version%%.*} >= 5)) ||
  die "$(command -v kubectl) has kustomize '${kustomize_version:-unknown}', need v5: $kubectl_hint"
echo "kubectl: $(command -v kubectl) ($(sed -n 's/^Client Version: //p' <<<"$kubectl_version"), kustomize v$kustomize_version)"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  # Debian's packages; a NodeSource nodejs bundles npm (see scripts/deps.sh).
  sudo=()
  if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "node and npm are missing, and installing them needs root or sudo"
    sudo=(sudo)
  fi
  echo "installing nodejs and npm (Debian)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
fi
echo "node: $(node --version), npm: $(npm --version)"

t="$(now)"
stamp="$(cat "$check_dir/package.json" "$check_dir/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [[ -d $tools/node_modules && "$(cat "$tools/.installed" 2>/dev/null)" == "$stamp" ]]; then
  echo "validators: installed in ${tools#"$repo"/} ($(since "$t"))"
else
  mkdir -p "$tools"
  cp "$check_dir/package.json" "$check_dir/package-lock.json" "$tools/"
  rm -f "$tools/.installed"
  (cd "$tools" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) ||
    die "npm ci in ${tools#"$repo"/} failed (the npm registry must be reachable the first time)"
  echo "$stamp" >"$tools/.installed"
  echo "validators: npm ci into ${tools#"$repo"/} ($(since "$t"))"
fi

log "render (kubectl kustomize)"
t="$(now)"
rm -rf "$renders"
mkdir -p "$renders"
targets=("base=$repo/k8s/base")
for dir in "$repo"/k8s/overlays/*/; do
  dir="${dir%/}"
  targets+=("$(basename "$dir")=$dir")
done
args=()
for target in "${targets[@]}"; do
  name="${target%%=*}"
  dir="${target#*=}"
  out="$renders/$name.yaml"
  if ! kubectl kustomize "$dir" >"$out" 2>"$renders/$name.err"; then
    cat "$renders/$name.err" >&2
    die "kubectl kustomize ${dir#"$repo"/} failed"
  fi
  echo "${dir#"$repo"/} -> ${out#"$repo"/} ($(grep -c '^kind:' "$out") objects)"
  args+=("$name=$out")
done
echo "rendered in $(since "$t")"

log "validate: schema, unknown fields, policy"
t="$(now)"
status=0
node "$check_dir/check.js" --modules "$tools" --expect "$check_dir/expectations.json" "${args[@]}" |
  tee "$renders/check.log" || status=1
echo "checked in $(since "$t")"

log "self-test: the checks must reject k8s/check/testdata/bad.yaml"
t="$(now)"
node "$check_dir/check.js" --modules "$tools" --self-test "$check_dir/testdata/bad.yaml" |
  tee "$renders/self-test.log" || status=1
echo "self-test in $(since "$t")"

log "summary"
objects_line="$(sed -n 's/^objects: //p' "$renders/check.log")"
selftest_line="$(sed -n 's/^self-test: //p' "$renders/self-test.log")"
read -r o_pass _ o_fail _ <<<"${objects_line:-0 passed 1 failed}"
read -r s_pass _ s_fail _ <<<"${selftest_line:-0 passed 1 failed}"
echo "rendered objects: $objects_line; self-test cases: $selftest_line; total $(since "$started")"
if ((status != 0 || o_fail + s_fail > 0)); then
  echo "k8s-check: $((o_pass + s_pass)) passed, $((o_fail + s_fail)) failed"
  exit 1
fi
echo "k8s-check: $((o_pass + s_pass)) passed, 0 failed"
