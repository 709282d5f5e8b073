#!/usr/bin/env bash
# A development access policy and API key, made once in a directory and kept:
# the principal "developer" holds every permission on every location, proven
# by the API key in DIR/api-key (random, readable by the owner only). Used by
# run.sh, image.sh and bench.sh so that the local server runs with
# authentication on, as in production. Never use these outside development.
#
# Usage: bash scripts/dev-auth.sh DIR
#   prints two lines: the policy file's path, then the API key file's path
set -euo pipefail

[[ $# -eq 1 ]] || {
  echo "usage: dev-auth.sh DIR" >&2
  exit 2
}
mkdir -p "$1"
dir="$(cd "$1" && pwd)"
key_file="$dir/api-key"
policy_file="$dir/policy.json"

if [[ ! -s $key_file ]]; then
  (
    umask 077
    # 32 random bytes as URL-safe text: a key nobody guesses.
    head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$key_file"
  )
fi
hash="$(tr -d '\n' <"$key_file" | sha256sum | cut -d' ' -f1)"
cat >"$policy_file" <<JSON
{
  "roles": [
    {"name": "everything", "permissions": [
      "calendars.read", "calendars.write", "links.create", "links.read",
      "links.revoke", "links.book", "bookings.read", "bookings.write",
      "events.read"]}
  ],
  "principals": [
    {"name": "developer", "apiKeySha256": ["$hash"],
     "grants": [{"role": "everything", "locations": ["*"]}]}
  ]
}
JSON
chmod 644 "$policy_file"
echo "$policy_file"
echo "$key_file"
