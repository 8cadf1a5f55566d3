#!/usr/bin/env bash
# Builds kryoptic (a PKCS#11 3.x software token in Rust, crates.io) once into a cache
# directory and prints the module's path; later runs only print it. Not run by
# scripts/test.sh (it takes far longer than the rest of the set-up: docs/pkcs11.md,
# "kryoptic"); to run the kryoptic test:
#   CERTSCOPE_KRYOPTIC_MODULE=$(scripts/build-kryoptic.sh) cargo test --test token token_p11kit::kryoptic
#
# kryoptic 1.0.0, its first release, whose default build links the system OpenSSL (its
# `dynamic` feature), built against Debian 12's OpenSSL 3.0 without the `eddsa` feature: its
# EdDSA code names two OpenSSL 3.2 parameters (OSSL_SIGNATURE_PARAM_CONTEXT_STRING, _INSTANCE)
# and fails to compile with them missing. Everything else of its `standard` feature set is
# kept. (1.5.4, through its `ossl` crate, needs OpenSSL 3.2; 1.1 to 1.4 were not tried.) Needs: cargo, a C compiler, libclang (bindgen),
# libssl-dev, libsqlite3-dev, pkg-config.
#   scripts/build-kryoptic.sh [CACHE_DIR]   (default target/kryoptic-cache)
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.0.0
cache=${1:-${CERTSCOPE_KRYOPTIC_CACHE:-target/kryoptic-cache}}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
so="$cache/target/release/libkryoptic_pkcs11.so"
if [ -e "$so" ]; then
  echo "$so"
  exit 0
fi
# A scratch package whose only purpose is to make cargo fetch the crate's sources.
fetch="$cache/fetch"
mkdir -p "$fetch/src"
: >"$fetch/src/lib.rs"
cat >"$fetch/Cargo.toml" <<EOF
[package]
name = "certscope-kryoptic-fetch"
version = "0.0.0"
edition = "2021"
publish = false
[dependencies]
kryoptic = "=$version"
EOF
cargo fetch --quiet --manifest-path "$fetch/Cargo.toml" >&2
src=$(cargo metadata --quiet --format-version 1 --manifest-path "$fetch/Cargo.toml" |
  python3 -c 'import json,sys,os; m=json.load(sys.stdin); print(next(os.path.dirname(p["manifest_path"]) for p in m["packages"] if p["name"]=="kryoptic"))')
# Built from a copy (cargo's registry sources are not ours to write into), with the
# crate's own Cargo.lock.
rm -rf "$cache/src"
cp -r "$src" "$cache/src"
(cd "$cache/src" && cargo build --quiet --locked --release --lib --no-default-features \
  --features dynamic,sqlitedb,ecdsa,ecdh,ec_montgomery,hash_all,kdf_all,rsa,aes \
  --target-dir "$cache/target" >&2)
echo "$so"
