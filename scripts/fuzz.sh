#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 600), one process at a time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); on a stable toolchain the
# sanitizer flags need RUSTC_BOOTSTRAP=1, which this script sets (see docs/robustness.md).
# Findings land in fuzz/artifacts/<target>/; the log of each run in fuzz/logs/<target>.log,
# and a one-line summary per target (executions, new corpus size, crashes) is printed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(pem_scanner decode_input pkcs12 pkcs7 secret_spec tlv pkcs11_uri)
fi

command -v cargo-fuzz >/dev/null 2>&1 || {
  echo "scripts/fuzz.sh: cargo-fuzz is missing; run: cargo install cargo-fuzz --locked" >&2
  exit 2
}
export RUSTC_BOOTSTRAP=1

scripts/fuzz-seeds.sh >/dev/null
mkdir -p fuzz/logs
# -a: debug assertions and overflow checks, as in `cargo test`; an overflow is a finding.
(cd fuzz && cargo fuzz build -O -a)

status=0
for t in "${targets[@]}"; do
  log="fuzz/logs/$t.log"
  echo "== $t: ${seconds}s" >&2
  # -timeout: an input taking more than 10 s is a hang; -rss_limit_mb: more than 2 GiB is
  # an out-of-memory. One in-process worker (the machine is shared).
  if (cd fuzz && cargo fuzz run -O -a "$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1) >"$log" 2>&1; then
    result=ok
  else
    result=FINDING
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  found=$(find "fuzz/artifacts/$t" -type f 2>/dev/null | wc -l)
  printf '%-13s %-8s executions=%s corpus=%s artifacts=%s\n' "$t" "$result" "$runs" "$corpus" "$found"
done
exit $status
