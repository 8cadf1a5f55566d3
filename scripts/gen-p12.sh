#!/usr/bin/env bash
# PKCS#12 protection fixtures (issue 14 item 6): the same key and certificate packed with
# each MAC and bag-encryption scheme openssl writes, under fixtures/p12/. Kept apart from
# gen-fixtures.sh so that adding one does not re-key the whole fixture set.
#
# Re-runnable: deletes and recreates fixtures/p12/. The key is fresh on every run; the
# schemes, iteration counts and the password (`test`) are fixed.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
FX="$(cd -- "$script_dir/.." && pwd)/fixtures/p12"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"
fixture_workdir certscope-p12

rm -rf -- "$FX"
mkdir -p "$FX"

key p256 "$work/key.pem"
ossl req -new -x509 -config "$work/req.cnf" -key "$work/key.pem" -subj "/CN=p12 protection" \
    -days 3650 -set_serial 0x2a -out "$work/cert.pem"

# p12 OUT OPTION...: the key and certificate as PKCS#12, password `test` unless given.
p12() {
    local out=$1
    shift
    ossl pkcs12 -export -in "$work/cert.pem" -inkey "$work/key.pem" -name "p12 protection" \
        -out "$FX/$out" "$@"
}

# OpenSSL 3's default: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for both, MAC sha256.
p12 pbes2-aes256.p12 -passout pass:test
# -legacy: certificates under RC2-40 (what OpenSSL 3 without the legacy provider and
# recent Windows refuse), the key under 3DES, MAC sha1.
p12 legacy-rc2-40.p12 -passout pass:test -legacy
# 3DES for both, a sha512 MAC, 5000 iterations.
p12 3des-sha512-iter5000.p12 -passout pass:test -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES \
    -macalg sha512 -iter 5000
# PBES2 with AES-128-CBC for the key, certificates not encrypted.
p12 aes128-key-plain-certs.p12 -passout pass:test -keypbe AES-128-CBC -certpbe NONE
# No MAC at all (integrity not protected), AES-256 bags.
p12 nomac.p12 -passout pass:test -nomac
# Nothing encrypted, no MAC.
p12 none.p12 -passout pass: -keypbe NONE -certpbe NONE -nomac

cat >"$FX/README.md" <<'MD'
# PKCS#12 protection fixtures

Made by `scripts/gen-p12.sh` (issue 14 item 6). One EC key and its self-signed certificate
(`CN=p12 protection`), password `test` (none.p12: empty). `tests/cli/cli.rs`
(`p12_protection_matches_openssl_info`) checks certscope's `protection` against `openssl
pkcs12 -info -noout` for each.

| file | MAC | certificate bags | key bag |
|---|---|---|---|
| pbes2-aes256.p12 | sha256, 2048 | PBES2 PBKDF2-HMAC-SHA256 AES-256-CBC | same |
| legacy-rc2-40.p12 | sha1, 2048 | pbeWithSHAAnd40BitRC2-CBC | pbeWithSHAAnd3-KeyTripleDES-CBC |
| 3des-sha512-iter5000.p12 | sha512, 5000 | pbeWithSHAAnd3-KeyTripleDES-CBC, 5000 | same |
| aes128-key-plain-certs.p12 | sha256, 2048 | none | PBES2 AES-128-CBC |
| nomac.p12 | none | none (openssl -nomac leaves them in the clear) | PBES2 AES-256-CBC |
| none.p12 | none | none | none (keyBag) |
MD
