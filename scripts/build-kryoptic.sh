#!/usr/bin/env bash
# Builds kryoptic (a PKCS#11 3.x software token in Rust, crates.io) once into a cache
# directory and prints the module's path; later runs only print it (a stamp file records the
# recipe, so a changed recipe builds again). scripts/test.sh runs it and exports the path as
# CERTSCOPE_KRYOPTIC_MODULE; by hand:
#   CERTSCOPE_KRYOPTIC_MODULE=$(scripts/build-kryoptic.sh) cargo test --test token token_p11kit::kryoptic
#
# The build is made as cheap as the tests allow (docs/pkcs11.md, "kryoptic on Debian 12", has
# the measurements): debug profile without debug info (the tests need a working token, not a
# fast one), and only the features a token that stores and reads certificates and counts PIN
# failures needs: `sqlitedb` (which brings the AES, HKDF and PBKDF2 of its storage encryption
# and PIN checks) and `dynamic` (link the system OpenSSL instead of building one).
#
# kryoptic 1.0.0, its first release, because it builds against Debian 12's OpenSSL 3.0; its
# `eddsa` feature (not wanted here anyway) names two OpenSSL 3.2 parameters and does not
# compile there. (1.5.4, through its `ossl` crate, needs OpenSSL 3.2; 1.1 to 1.4 were not
# tried.) Needs: cargo, a C compiler, libclang (bindgen), libssl-dev, libsqlite3-dev,
# pkg-config. Cargo's registry (~/.cargo) is shared with the rest of the build.
#   scripts/build-kryoptic.sh [CACHE_DIR]   (default target/kryoptic-cache)
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.0.0
features=dynamic,sqlitedb
cache=${1:-${CERTSCOPE_KRYOPTIC_CACHE:-target/kryoptic-cache}}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
# One build at a time per cache (scripts/test.sh starts it in the background).
exec 9>"$cache/lock"
flock 9
so="$cache/target/debug/libkryoptic_pkcs11.so"
stamp="$cache/recipe"
recipe="kryoptic $version debug debuginfo=0 incremental=0 cap-lints features $features"
if [ -e "$so" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$recipe" ]; then
  echo "$so"
  exit 0
fi
# A scratch package whose only purpose is to make cargo fetch the crate's sources.
fetch="$cache/fetch"
mkdir -p "$fetch/src"
: >"$fetch/src/lib.rs"
cat >"$fetch/Cargo.toml" <<TOML
[package]
name = "certscope-kryoptic-fetch"
version = "0.0.0"
edition = "2021"
publish = false
[dependencies]
kryoptic = "=$version"
TOML
cargo fetch --quiet --manifest-path "$fetch/Cargo.toml" >&2
src=$(cargo metadata --quiet --format-version 1 --manifest-path "$fetch/Cargo.toml" |
  python3 -c 'import json,sys,os; m=json.load(sys.stdin); print(next(os.path.dirname(p["manifest_path"]) for p in m["packages"] if p["name"]=="kryoptic"))')
# Built from a copy (cargo's registry sources are not ours to write into), with the
# crate's own Cargo.lock.
rm -rf "$cache/src" "$stamp"
cp -r "$src" "$cache/src"
# No debug info and no incremental state: both cost time and disk and serve no one here.
# Lints capped: kryoptic's own warnings are not ours to read.
(cd "$cache/src" && CARGO_PROFILE_DEV_DEBUG=0 CARGO_INCREMENTAL=0 RUSTFLAGS="--cap-lints=allow" \
  cargo build --quiet --locked --lib --no-default-features --features "$features" \
  --target-dir "$cache/target" >&2)
echo "$recipe" >"$stamp"
echo "$so"
