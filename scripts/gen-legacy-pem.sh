#!/usr/bin/env bash
# Legacy encrypted PEM keys (issue 18 item 8), under fixtures/legacy-pem/: traditional
# `Proc-Type: 4,ENCRYPTED` / `DEK-Info` keys as openssl writes them, each beside
# `openssl pkey -passin -pubout`'s SPKI (NAME-pub.pem) so tests compare the key certscope
# decrypts with openssl's:
#   rsa-aes128.pem   openssl genrsa -aes128
#   rsa-des3.pem     openssl genrsa -des3
#   p256-aes256.pem  openssl ec -aes256
#   rsa-aes192.pem   openssl rsa -aes192
# Password: legacy-pass.
# Kept apart from the other generators so that running it does not re-key the others.
# Re-runnable: deletes and recreates fixtures/legacy-pem/. Keys are fresh on every run.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
FX="$(cd -- "$script_dir/.." && pwd)/fixtures/legacy-pem"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"
fixture_workdir certscope-legacy-pem

PASS=legacy-pass
rm -rf -- "$FX"
mkdir -p "$FX"

# pub NAME: openssl's public half of the decrypted key (the reference SPKI).
pub() { ossl pkey -in "$FX/$1.pem" -passin "pass:$PASS" -pubout -out "$FX/$1-pub.pem"; }

# -traditional: OpenSSL 3 writes PKCS#8 otherwise.
ossl genrsa -traditional -aes128 -passout "pass:$PASS" -out "$FX/rsa-aes128.pem" 2048 2>/dev/null
pub rsa-aes128
ossl genrsa -traditional -des3 -passout "pass:$PASS" -out "$FX/rsa-des3.pem" 2048 2>/dev/null
pub rsa-des3
ossl rsa -traditional -in "$FX/rsa-des3.pem" -passin "pass:$PASS" -aes192 \
    -passout "pass:$PASS" -out "$FX/rsa-aes192.pem" 2>/dev/null
pub rsa-aes192
ossl ecparam -name prime256v1 -genkey -noout -out "$work/p256.pem"
ossl ec -in "$work/p256.pem" -aes256 -passout "pass:$PASS" -out "$FX/p256-aes256.pem" 2>/dev/null
pub p256-aes256
for f in "$FX"/*.pem; do
    case $f in *-pub.pem) ;; *) grep -q '^DEK-Info: ' "$f" || { echo "$f: not legacy PEM" >&2; exit 1; } ;; esac
done
echo "fixtures written to $FX"
