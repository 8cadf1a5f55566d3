#!/usr/bin/env bash
# cargo-deny over deny.toml (run by .ci/run; docs/design.md, "Dependency checks"):
# licences, bans (duplicates, wildcards) and sources, offline, from Cargo.lock.
#
# Advisories need the RustSec advisory database, which this machine cannot fetch and no
# package registry it reaches carries: they are checked only when a copy is already in
# cargo-deny's database directory (${CARGO_HOME:-~/.cargo}/advisory-dbs, as left by
# `cargo deny fetch` on a machine with network), and skipped with a note otherwise.
#
# cargo-deny itself comes from target/tools/bin (a cache: a second run does not rebuild it),
# else from PATH. Building it ran 52 minutes on the 2 shared cores of the development machine
# (docs/design.md, "Dependency checks"), too long for every CI run, so without it the check
# is skipped with a note; CERTSCOPE_DENY_INSTALL=1 installs it into target/tools first.
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
checks=(bans licenses sources)
dbs=${CARGO_HOME:-$HOME/.cargo}/advisory-dbs
if [ -n "$(ls -A "$dbs" 2>/dev/null)" ]; then
  checks+=(advisories)
else
  echo "deny: note: advisories not checked: no RustSec advisory database in $dbs (it cannot be fetched here; run \`cargo deny fetch\` where there is network)" >&2
fi
# --disable-fetch: never reach for the network; the database, when there, is used as it is.
"$deny" --offline --locked check --disable-fetch "${checks[@]}"
