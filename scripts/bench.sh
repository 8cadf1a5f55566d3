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
# Built as README "Install" builds it (with mimalloc).
cargo build --release --quiet --features mimalloc --bin certscope --example bench_token

# Token rows: the corpus's SoftHSM tokens (scripts/bench-tokens.sh), made if missing.
if [ -e /usr/lib/softhsm/libsofthsm2.so ] && command -v softhsm2-util >/dev/null; then
  [ -f "$corpus/softhsm/1k/softhsm2.conf" ] && [ -f "$corpus/softhsm/10k/softhsm2.conf" ] ||
    scripts/bench-tokens.sh "$corpus"
  tokens=$(cd "$corpus/softhsm" && pwd)
  export SOFTHSM2_CONF="$tokens/10k/softhsm2.conf" BENCH_TOKEN_10K=bench10k
  export BENCH_TOKEN_1K=bench1k BENCH_TOKEN_1K_CONF="$tokens/1k/softhsm2.conf"
  # The thumbprint of certificate 5000 (0-based), found by certscope itself.
  BENCH_TOKEN_THUMBPRINT=$(target/release/certscope fingerprint --encoding hex "$corpus/bundle-100k.pem" | sed -n '5001p' | cut -d' ' -f2)
  export BENCH_TOKEN_THUMBPRINT
fi
# The 10k token filled by pkcs11-tool --write-object (issue 17's speed target), made if
# missing: a few minutes (scripts/bench-token-pkcs11-tool.sh).
if [ -e /usr/lib/softhsm/libsofthsm2.so ] && command -v pkcs11-tool >/dev/null; then
  [ -f "$corpus/softhsm/10k-pkcs11-tool/softhsm2.conf" ] ||
    scripts/bench-token-pkcs11-tool.sh "$corpus"
  BENCH_TOKEN_P11TOOL_CONF=$(cd "$corpus/softhsm/10k-pkcs11-tool" && pwd)/softhsm2.conf
  export BENCH_TOKEN_P11TOOL_CONF
fi
python3 scripts/bench.py "$@"
# Flat memory on a 1 GB bundle generated at test time (tests/memory.rs, ignored by default).
if [ -n "${BENCH_MEMORY:-}" ]; then
  cargo test --release --features mimalloc --test memory -- --ignored --nocapture
fi
# Directory walks (issue 18): 100,000 one-certificate files made from the bundle
# (scripts/bench-files.sh), fingerprint -r against a pyca loop, check -r against fingerprint -r,
# and peak RSS on 1k vs 100k files (BENCH_WALK_RUNS runs each, default 3; the pyca loop takes
# about a minute a run). BENCH_FILES=0 leaves them out.
if [ "${BENCH_FILES:-1}" != 0 ]; then
  [ -d "$corpus/files-100k" ] || scripts/bench-files.sh "$corpus"
  BENCH_WALK_ROWS=1 python3 scripts/bench.py --runs "${BENCH_WALK_RUNS:-3}" \
    --rows walk-fingerprint-100k,walk-check-100k,walk-fingerprint-1k
fi

# `chain` over 10,000 certificates (issue 15: path validation must keep it within 2x of its
# time before; a debug build went 11.3 -> 12.3 s). The first 10k certificates of the 100k
# bundle, 5 runs after a warm-up, median and peak RSS.
chain10k="$corpus/chain-10k.pem"
[ -f "$chain10k" ] ||
  awk '/-----BEGIN CERTIFICATE-----/ { n++ } n > 10000 { exit } { print }' \
    "$corpus/bundle-100k.pem" >"$chain10k"
python3 - "${BENCH_CERTSCOPE:-target/release/certscope}" "$chain10k" <<'PY'
import resource, statistics, subprocess, sys, time
cmd = [sys.argv[1], "chain", "--at", "2026-01-15T12:00:00Z", sys.argv[2]]
subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm-up
times = []
for _ in range(5):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"chain-10k  certscope chain, 10k certificates: median {statistics.median(times):.3f} s "
      f"(min {min(times):.3f}, max {max(times):.3f}), peak RSS {rss:.1f} MiB")
PY

# Attack rows (issue 12, docs/robustness.md "Attacks (issue 12)"): inputs built to hurt, made
# at bench time into $corpus/attacks by scripts/bench-attacks.py (needs pyca/cryptography and
# openssl), timed the same way; the same --runs/--rows/--json options (a JSON file gets the
# suffix .attacks.json).
if python3 -c 'import cryptography' 2>/dev/null && command -v openssl >/dev/null; then
  args=()
  while [ $# -gt 0 ]; do
    case $1 in
      --json) args+=(--json "$2.attacks.json"); shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  BENCH_CORPUS=$corpus python3 scripts/bench-attacks.py "${args[@]}"
else
  echo "attack rows skipped: they need python3 with cryptography, and openssl" >&2
fi
