#!/usr/bin/env bash
# Builds kryoptic (a PKCS#11 3.x software token written in Rust, crates.io) once into a cache
# directory and prints the module's path; later runs only print it. Opt-in: scripts/test.sh
# runs it under CERTSCOPE_KRYOPTIC=1 and exports CERTSCOPE_KRYOPTIC_MODULE for
# tests/token_p11kit.rs.
#
# kryoptic 1.5 needs OpenSSL 3.2 or later; Debian 12 has 3.0, so OpenSSL is built from the
# sources the `openssl-src` crate carries (fetched by cargo like any crate) and linked in
# statically (kryoptic's KRYOPTIC_OPENSSL_SOURCES). openssl-src leaves out
# util/providers.num, which OpenSSL's Configure wants; it is one line, written here.
# Needs: cargo, a C compiler, make, perl, libclang (bindgen), libsqlite3-dev, pkg-config.
# Takes about 15 minutes on two cores the first time.
#   scripts/build-kryoptic.sh [CACHE_DIR]
set -euo pipefail
kryoptic=1.5.4
openssl_src=300.6.1
cache=${1:-${CERTSCOPE_KRYOPTIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/certscope-kryoptic}}
so="$cache/target/release/libkryoptic_pkcs11.so"
if [ -e "$so" ]; then
  echo "$so"
  exit 0
fi
mkdir -p "$cache"
# A scratch package whose only purpose is to make cargo fetch the two crates' sources.
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
kryoptic = "=$kryoptic"
openssl-src = "=$openssl_src"
EOF
cargo fetch --quiet --manifest-path "$fetch/Cargo.toml" >&2
dir_of() {
  cargo metadata --quiet --format-version 1 --manifest-path "$fetch/Cargo.toml" |
    python3 -c 'import json,sys,os; m=json.load(sys.stdin); print(next(os.path.dirname(p["manifest_path"]) for p in m["packages"] if p["name"]==sys.argv[1]))' "$1"
}
kdir=$(dir_of kryoptic)
odir=$(dir_of openssl-src)
rm -rf "$cache/openssl"
cp -r "$odir/openssl" "$cache/openssl"
printf 'OSSL_provider_init                     1\t*\tEXIST::FUNCTION:\n' \
  >"$cache/openssl/util/providers.num"
# Built in kryoptic's own directory (its Cargo.lock, --locked), output in the cache.
(cd "$kdir" && KRYOPTIC_OPENSSL_SOURCES="$cache/openssl" cargo build --quiet --locked --release \
  --no-default-features --features standard,ossl/ossl-sys --target-dir "$cache/target" >&2)
echo "$so"
