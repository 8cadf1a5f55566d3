#!/usr/bin/env bash
# Benchmarks (not timed tests): certscope against openssl, certtool, pyca/cryptography and
# pkcs11-tool on the corpus of scripts/bench-corpus.sh, 5 alternating runs each after a
# warm-up; prints medians, peak RSS and ratios. See docs/performance.md.
#   scripts/bench.sh [--runs N] [--rows id,id] [--json results.json]
# BENCH_SLOW=1 adds certtool on the 100k bundle (about half a minute per run) and p11tool on
# the 1k token (about 20 s per run: it finds every object again per object);
# BENCH_MEMORY=1 adds the 1 GB flat-memory test.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${BENCH_CORPUS:-bench-corpus}
[ -f "$corpus/bundle-100k.pem" ] || scripts/bench-corpus.sh "$corpus"
cargo build --release --quiet --bin certscope --example bench_token

# Token rows: a private SoftHSM directory with tokens of 10,000 and 1,000 certificates.
if [ -e /usr/lib/softhsm/libsofthsm2.so ] && command -v softhsm2-util >/dev/null; then
  tokdir=$(mktemp -d)
  trap 'rm -rf "$tokdir"' EXIT
  mkdir -p "$tokdir/tokens"
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$tokdir" > "$tokdir/softhsm2.conf"
  export SOFTHSM2_CONF="$tokdir/softhsm2.conf"
  softhsm2-util --init-token --free --label bench10k --so-pin 1234 --pin 1111 >/dev/null
  target/release/examples/bench_token /usr/lib/softhsm/libsofthsm2.so bench10k 1111 "$corpus/bundle-100k.pem" 10000
  export BENCH_TOKEN_10K=bench10k
  # The 1k token has a directory of its own: SoftHSM loads every token of its directory
  # in C_Initialize, and the 10k one would dominate the 1k row.
  mkdir -p "$tokdir/1k/tokens"
  printf 'directories.tokendir = %s/1k/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$tokdir" > "$tokdir/1k/softhsm2.conf"
  SOFTHSM2_CONF="$tokdir/1k/softhsm2.conf" softhsm2-util --init-token --free --label bench1k --so-pin 1234 --pin 1111 >/dev/null
  SOFTHSM2_CONF="$tokdir/1k/softhsm2.conf" target/release/examples/bench_token /usr/lib/softhsm/libsofthsm2.so bench1k 1111 "$corpus/bundle-1k.pem" 1000
  export BENCH_TOKEN_1K=bench1k BENCH_TOKEN_1K_CONF="$tokdir/1k/softhsm2.conf"
  # The thumbprint of certificate 5000 (0-based), found by certscope itself.
  BENCH_TOKEN_THUMBPRINT=$(target/release/certscope fingerprint --encoding hex "$corpus/bundle-100k.pem" | sed -n '5001p' | cut -d' ' -f2)
  export BENCH_TOKEN_THUMBPRINT
fi
python3 scripts/bench.py "$@"
# Flat memory on a 1 GB bundle generated at test time (tests/memory.rs, ignored by default).
if [ -n "${BENCH_MEMORY:-}" ]; then
  cargo test --release --test memory -- --ignored --nocapture
fi
