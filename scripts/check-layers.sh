#!/usr/bin/env bash
# Keeps the library's dependency direction true (docs/design.md, "Layout"): a module may name
# (`crate::…`) only modules in its own layer or a lower one. Comments and the `#[cfg(test)]`
# test module are not checked (a test may build its input with a higher layer). Then checks that
# no two files import each other through a longer loop (scripts/lib/import_cycles.py).
set -euo pipefail
cd "$(dirname "$0")/.."

# Layer of a top-level library module.
rank() {
  case "$1" in
    asn1 | fingerprint) echo 0 ;;
    verify | input) echo 1 ;;
    model) echo 2 ;;
    decode) echo 3 ;;
    analysis) echo 4 ;;
    token) echo 5 ;;
    render) echo 6 ;;
    *) echo "" ;;
  esac
}

# Known upward edges, each with the reason it is still there ("file -> module"). None today;
# a line here is `"src/FILE.rs -> module"`.
allowed=()

status=0
while IFS= read -r file; do
  top=${file#src/}
  top=${top%%/*}
  top=${top%.rs}
  own=$(rank "$top")
  [ -n "$own" ] || continue
  # Code lines only: stop at the first test module, drop comment lines.
  names=$(awk '
      test && /^mod / { exit }
      { test = /^#\[cfg\(test\)\]/ }
      { sub(/^[ \t]+/, "") } !/^\/\// { print }' "$file" |
    grep -oE 'crate::(\{[^}]*|[a-z_0-9]+)' | sed -E 's/^crate:://; s/^\{//' | tr ', ' '\n\n' |
    sed -E 's/::.*//' | grep -E '^[a-z_0-9]+$' | sort -u || true)
  for name in $names; do
    [ "$name" = self ] && continue
    r=$(rank "$name")
    if [ -z "$r" ]; then
      echo "check-layers: $file names crate::$name, which has no layer in scripts/check-layers.sh" >&2
      status=1
    elif [ "$r" -gt "$own" ]; then
      edge="$file -> $name"
      if printf '%s\n' "${allowed[@]}" | grep -qxF "$edge"; then
        continue
      fi
      echo "check-layers: $file ($top, layer $own) names crate::$name (layer $r): an upward edge" >&2
      status=1
    fi
  done
done < <(find src -name '*.rs' -not -path 'src/bin/*' -not -name lib.rs | sort)

python3 scripts/lib/import_cycles.py src || status=1
[ "$status" -eq 0 ] && echo "check-layers: every library edge points down, no import cycle"
exit "$status"
