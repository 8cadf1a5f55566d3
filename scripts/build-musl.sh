#!/usr/bin/env bash
# The static musl binary of README "Install" (docs/design.md, "PKCS#11"): builds it, checks
# that it is static, runs inspect, fingerprint, check and chain over the committed fixtures
# and compares stdout, stderr and exit status byte for byte with the glibc build's, and checks
# that `token …` and `pkcs11:` inputs end with exit 2 and a message saying the build has no
# PKCS#11.
#
#   scripts/build-musl.sh            the release build, as README "Install" gives it
#   scripts/build-musl.sh --debug    a debug build (proves it compiles and links; faster)
#
# Needs `rustup target add x86_64-unknown-linux-musl` and musl-gcc (Debian's musl-tools: ring
# and mimalloc build C code). CERTSCOPE_MUSL_FEATURES (default mimalloc) picks the features;
# set it empty for a build without mimalloc. The glibc build compared against is the test
# suite's (target/debug/certscope, default features): outputs must not depend on either.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-musl
profile=release
build=(--release)
if [ "${1:-}" = --debug ]; then
  profile=debug
  build=()
fi
features=${CERTSCOPE_MUSL_FEATURES-mimalloc}
cargo build "${build[@]}" --locked --target "$target" --no-default-features \
  --features "$features" --bin certscope
cargo build --locked --bin certscope
musl=target/$target/$profile/certscope
glibc=target/debug/certscope

fail() {
  echo "build-musl: FAIL: $*" >&2
  exit 1
}

# Static: no interpreter, nothing for the dynamic loader to resolve.
kind=$(file -b "$musl")
case "$kind" in
  *"statically linked"* | *"static-pie linked"*) ;;
  *) fail "$musl is not static: $kind" ;;
esac
if ldd "$musl" 2>&1 | grep -q '=>'; then
  fail "ldd lists shared libraries for $musl"
fi

scratch=$(mktemp -d /tmp/certscope-musl.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
# One run of both binaries; the outputs (stdout, stderr, status) must be identical.
n=0
same() {
  n=$((n + 1))
  local b
  for b in musl glibc; do
    local bin=$musl
    [ "$b" = glibc ] && bin=$glibc
    set +e
    CERTSCOPE_NOW=2026-01-15T12:00:00Z NO_COLOR=1 "$bin" "$@" \
      >"$scratch/$n.$b.out" 2>"$scratch/$n.$b.err" </dev/null
    echo "exit $?" >>"$scratch/$n.$b.err"
    set -e
  done
  cmp -s "$scratch/$n.musl.out" "$scratch/$n.glibc.out" || fail "stdout differs: certscope $*"
  cmp -s "$scratch/$n.musl.err" "$scratch/$n.glibc.err" || fail "stderr or status differs: certscope $*"
}
same inspect -r fixtures
same inspect --format json -r fixtures
same fingerprint -r fixtures
same fingerprint --spki --encoding base64 --hash sha1 -r fixtures/certs fixtures/keys fixtures/csr
same check --at 2026-01-15T12:00:00Z -r fixtures/lint fixtures/lint2 fixtures/lint3 fixtures/lint4
same check --format json -r fixtures/lint
for roots in fixtures/chains/*-root.pem; do
  [ -e "${roots%-root.pem}.pem" ] || continue # old-root.pem: a second root, no chain of its own
  same chain --roots "$roots" "${roots%-root.pem}.pem"
done
for input in good misordered missing-intermediate bad-signature cross-signed pathlen-exceeded \
  expired-intermediate extra-and-duplicate; do
  same chain --roots fixtures/chains/root.pem --format json "fixtures/chains/$input.pem"
done

# Tokens: refused with the reason, exit 2.
no_pkcs11() {
  local status=0
  "$musl" "$@" >/dev/null 2>"$scratch/token.err" </dev/null || status=$?
  [ "$status" = 2 ] || fail "certscope $* exited $status, not 2"
  grep -q 'built without PKCS#11 support' "$scratch/token.err" ||
    fail "certscope $* did not say the build has no PKCS#11: $(cat "$scratch/token.err")"
}
no_pkcs11 token slots
no_pkcs11 token list --module /usr/lib/softhsm/libsofthsm2.so --login
no_pkcs11 inspect 'pkcs11:token=mytoken;object=leaf;type=cert'

echo "build-musl: ok: $musl ($kind, $(stat -c %s "$musl") bytes): $n commands give the glibc build's output; token and pkcs11: refused with exit 2"
