#!/usr/bin/env bash
# The benchmark's SoftHSM tokens, part of the corpus: bench10k with the first 10,000
# certificates of the 100k bundle and bench1k with the 1k bundle (user PIN 1111), each in a
# SoftHSM directory of its own under CORPUS/softhsm/ (SoftHSM loads every token of its
# directory in C_Initialize, so the 10k token would weigh on the 1k row). Certificates are
# written by certscope's example `bench_token` (one session, C_CreateObject each).
#   scripts/bench-tokens.sh [CORPUS]   (default bench-corpus; run by bench-corpus.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(cd "${1:-bench-corpus}" && pwd)
module=/usr/lib/softhsm/libsofthsm2.so
if [ ! -e "$module" ] || ! command -v softhsm2-util >/dev/null; then
  echo "bench-tokens.sh: SoftHSM2 is not installed; the token rows are left out" >&2
  exit 0
fi
cargo build --release --quiet --example bench_token
for spec in "10k 10000 bundle-100k.pem" "1k 1000 bundle-1k.pem"; do
  read -r size count bundle <<<"$spec"
  dir="$corpus/softhsm/$size"
  rm -rf "$dir"
  mkdir -p "$dir/tokens"
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
    "$dir" >"$dir/softhsm2.conf"
  export SOFTHSM2_CONF="$dir/softhsm2.conf"
  softhsm2-util --init-token --free --label "bench$size" --so-pin 1234 --pin 1111 >/dev/null
  target/release/examples/bench_token "$module" "bench$size" 1111 "$corpus/$bundle" "$count"
done
