#!/usr/bin/env bash
# cargo-deny over deny.toml (run by .ci/run; docs/design.md, "Dependency checks"):
# licences, bans (duplicates, wildcards) and sources, offline, from Cargo.lock.
#
# Advisories need the RustSec advisory database (a git repository on GitHub, which no
# package registry carries): the script asks cargo-deny to fetch it, and checks advisories
# when a copy is then in ${CARGO_HOME:-~/.cargo}/advisory-dbs (fetched now, or left by an
# earlier `cargo deny fetch` on a machine with network); otherwise it runs the other checks
# and prints a note saying that advisories were skipped and why.
#
# cargo-deny itself comes from target/tools/bin (a cache: a second run does not rebuild it),
# else from PATH. Building it took 291 s of CPU and 46 minutes of wall time on the shared
# development machine (docs/design.md, "Dependency checks"): CERTSCOPE_DENY_INSTALL=1
# (set by .ci/run) installs it into target/tools first; without it and without cargo-deny
# the check is skipped with a note.
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.20.2
tools=target/tools
deny=$tools/bin/cargo-deny
if [ ! -x "$deny" ]; then
  if command -v cargo-deny >/dev/null 2>&1; then
    deny=$(command -v cargo-deny)
  elif [ "${CERTSCOPE_DENY_INSTALL:-0}" = 1 ]; then
    cargo install --locked --quiet cargo-deny --version "$version" --root "$tools"
  else
    echo "deny: skipped: cargo-deny is not installed (CERTSCOPE_DENY_INSTALL=1 scripts/deny.sh builds it into $tools)" >&2
    exit 0
  fi
fi
# The version deny.toml was written for; another one may read it differently.
found=$("$deny" --version | awk '{print $2}')
[ "$found" = "$version" ] || echo "deny: note: $deny is cargo-deny $found, not the $version this configuration was checked with" >&2
checks=(bans licenses sources)
dbs=${CARGO_HOME:-$HOME/.cargo}/advisory-dbs
have_db() { compgen -G "$dbs/*/crates" >/dev/null; }
if ! have_db; then
  # Fails fast where GitHub cannot be reached; git's own `fatal:` line is the reason given.
  out=$(timeout 120 "$deny" --log-level error fetch db 2>&1 || true)
  why=$(grep -m1 '^fatal:' <<<"$out" || grep -m1 -o 'failed to fetch.*' <<<"$out" || true)
fi
if have_db; then
  checks+=(advisories)
else
  echo "deny: note: advisories NOT checked: the RustSec advisory database could not be fetched (${why:-no reason given}); run \`cargo deny fetch\` where github.com can be reached, then this script again" >&2
fi
# --offline: the crates and the database are used as they are on disk.
"$deny" --offline --locked check "${checks[@]}"
