#!/usr/bin/env bash
# Key-format fixtures for issue 14 items 8, 10 and 12, under fixtures/keyfmt/:
#   - private keys whose public half certscope derives (Ed448, X25519, X448, DSA in PKCS#8,
#     EC without its public point, named and explicit), each beside `openssl pkey -pubout`'s
#     SPKI so tests compare the derived pin with openssl's;
#   - PEM labels that do not match their content (read by content, with a warning);
#   - RSA-PSS signatures and PSS-restricted keys with non-default parameters, and a
#     certificate whose inner and outer signature algorithms differ.
# Kept apart from the other generators so that adding one does not re-key the others.
#
# Re-runnable: deletes and recreates fixtures/keyfmt/. Keys are fresh on every run.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
FX="$(cd -- "$script_dir/.." && pwd)/fixtures/keyfmt"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"
fixture_workdir certscope-keyfmt

rm -rf -- "$FX"
mkdir -p "$FX"

# pub NAME: openssl's public half of $FX/NAME.pem as $FX/NAME-pub.pem (the reference SPKI).
pub() { ossl pkey -in "$FX/$1.pem" -pubout -out "$FX/$1-pub.pem"; }

# 12: algorithms whose PKCS#8 private key carries no public key.
for alg in ED448 X25519 X448; do
    name=$(printf '%s' "$alg" | tr 'A-Z' 'a-z')
    ossl genpkey -algorithm "$alg" -out "$FX/$name.pem"
    pub "$name"
done

# 12: DSA in PKCS#8 (no y in the key: y = g^x mod p).
ossl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 \
    -pkeyopt dsa_paramgen_q_bits:256 -out "$work/dsa-params.pem" 2>/dev/null
ossl genpkey -paramfile "$work/dsa-params.pem" -out "$FX/dsa-pkcs8.pem"
pub dsa-pkcs8

# der2pem LABEL IN OUT: wrap DER in PEM under LABEL (any label, matching or not).
der2pem() {
    python3 - "$1" "$2" "$3" <<'PY'
import base64, sys
der = open(sys.argv[2], "rb").read()
b64 = base64.b64encode(der).decode()
lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
open(sys.argv[3], "w").write(
    f"-----BEGIN {sys.argv[1]}-----\n" + "\n".join(lines) + f"\n-----END {sys.argv[1]}-----\n")
PY
}

# 12: EC keys without their public point, SEC1 (`openssl ec -no_public`) and PKCS#8 (the
# SEC1 key wrapped by hand: openssl re-derives and writes the point when converting).
for c in 256 384 521; do
    ossl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:P-$c" \
        -pkeyopt ec_param_enc:named_curve -out "$work/p$c.pem"
    ossl ec -in "$work/p$c.pem" -no_public -out "$FX/p$c-nopub-sec1.pem" 2>/dev/null
    pub "p$c-nopub-sec1"
    ossl ec -in "$work/p$c.pem" -no_public -outform DER -out "$work/p$c-nopub.der" 2>/dev/null
    python3 - "$work/p$c-nopub.der" "$work/p$c-nopub-pkcs8.der" "$c" <<'PY'
import sys
def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        head = bytes([tag, n])
    elif n < 0x100:
        head = bytes([tag, 0x81, n])
    else:
        head = bytes([tag, 0x82, n >> 8, n & 0xff])
    return head + body
curve = {"256": "06082a8648ce3d030107", "384": "06052b81040022", "521": "06052b81040023"}[sys.argv[3]]
alg = tlv(0x30, bytes.fromhex("06072a8648ce3d0201" + curve))
sec1 = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(tlv(0x30, bytes.fromhex("020100") + alg + tlv(0x04, sec1)))
PY
    der2pem "PRIVATE KEY" "$work/p$c-nopub-pkcs8.der" "$FX/p$c-nopub-pkcs8.pem"
done
# 12: explicit parameters and no public point: the curve is recognised, the point derived.
ossl ec -in "$work/p256.pem" -param_enc explicit -no_public -out "$FX/p256-explicit-nopub.pem" \
    2>/dev/null
pub p256-explicit-nopub

# 8: labels that do not match their content.
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/rsa.pem" 2>/dev/null
ossl pkey -in "$work/rsa.pem" -pubout -outform DER -out "$work/rsa-spki.der"
der2pem "RSA PUBLIC KEY" "$work/rsa-spki.der" "$FX/spki-as-rsa-public-key.pem"
ossl rsa -in "$work/rsa.pem" -RSAPublicKey_out -outform DER -out "$work/rsa-pkcs1.der" 2>/dev/null
der2pem "PUBLIC KEY" "$work/rsa-pkcs1.der" "$FX/pkcs1-as-public-key.pem"
ossl pkcs8 -topk8 -nocrypt -in "$work/rsa.pem" -outform DER -out "$work/rsa-pkcs8.der"
der2pem "RSA PRIVATE KEY" "$work/rsa-pkcs8.der" "$FX/pkcs8-as-rsa-private-key.pem"
ossl ec -in "$work/p256.pem" -outform DER -out "$work/p256-sec1.der" 2>/dev/null
der2pem "PRIVATE KEY" "$work/p256-sec1.der" "$FX/sec1-as-private-key.pem"
# An EC SPKI whose BIT STRING says 3 unused bits (it must say 0): pyca reads the key.
ossl pkey -in "$work/p256.pem" -pubout -outform DER -out "$work/p256-spki.der"
python3 - "$work/p256-spki.der" "$work/p256-unused.der" <<'PY'
import sys
der = bytearray(open(sys.argv[1], "rb").read())
# SEQUENCE { SEQUENCE(19) alg, BIT STRING(66) { unused, 04 X Y } }: the unused-bits octet.
assert der[23:26] == b"\x03\x42\x00", der[23:26].hex()
der[25] = 3
open(sys.argv[2], "wb").write(bytes(der))
PY
der2pem "PUBLIC KEY" "$work/p256-unused.der" "$FX/ec-spki-unused-bits.pem"

# 10: RSA-PSS signatures with non-default parameters, and PSS-restricted keys.
ossl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -pkeyopt rsa_pss_keygen_md:sha384 \
    -pkeyopt rsa_pss_keygen_mgf1_md:sha384 -pkeyopt rsa_pss_keygen_saltlen:48 \
    -out "$FX/rsa-pss-restricted.pem" 2>/dev/null
pub rsa-pss-restricted
# pss_cert NAME DIGEST SALTLEN: a self-signed certificate signed with RSA-PSS.
pss_cert() {
    ossl req -new -x509 -config "$work/req.cnf" -key "$work/rsa.pem" -subj "/CN=PSS $2 salt $3" \
        -set_serial 0x2a -days 3650 -"$2" -sigopt rsa_padding_mode:pss \
        -sigopt "rsa_pss_saltlen:$3" -sigopt "rsa_mgf1_md:$2" -out "$FX/$1"
}
pss_cert pss-sha1.pem sha1 20
pss_cert pss-sha256.pem sha256 32
pss_cert pss-sha512-salt64.pem sha512 64
ossl req -new -x509 -config "$work/req.cnf" -key "$FX/rsa-pss-restricted.pem" \
    -subj "/CN=PSS-restricted key" -set_serial 0x2b -days 3650 -out "$FX/pss-restricted-self.pem"

# 10: a certificate whose outer signatureAlgorithm (sha384WithRSAEncryption) differs from
# the one inside the signed part (sha256WithRSAEncryption): the last OID octet changed.
ossl req -new -x509 -config "$work/req.cnf" -key "$work/rsa.pem" -subj "/CN=algorithm mismatch" \
    -set_serial 0x2c -days 3650 -sha256 -outform DER -out "$work/mismatch.der"
python3 - "$work/mismatch.der" "$work/mismatch-out.der" <<'PY'
import sys
der = bytearray(open(sys.argv[1], "rb").read())
oid = bytes.fromhex("06092a864886f70d01010b")  # sha256WithRSAEncryption
outer = der.rfind(oid)
assert outer > der.find(oid), "two algorithm identifiers"
der[outer + len(oid) - 1] = 0x0c  # sha384WithRSAEncryption
open(sys.argv[2], "wb").write(bytes(der))
PY
der2pem CERTIFICATE "$work/mismatch-out.der" "$FX/sigalg-mismatch.pem"

cat >"$FX/README.md" <<'MD'
# keyfmt fixtures

Made by `scripts/gen-key-fixtures.sh` (issue 14 items 8, 10, 12). `NAME-pub.pem` is
`openssl pkey -pubout` of `NAME.pem`: the SPKI certscope must derive from the private key.

| file | what it shows |
|---|---|
| ed448.pem, x25519.pem, x448.pem | PKCS#8 keys without their public key: derived (12) |
| dsa-pkcs8.pem | DSA in PKCS#8 (x only): y = g^x mod p derived (12) |
| p256/p384/p521-nopub-sec1.pem, -nopub-pkcs8.pem | EC keys without their public point: derived (12) |
| p256-explicit-nopub.pem | explicit P-256 parameters, no public point: derived with the same parameters (12) |
| spki-as-rsa-public-key.pem | an SPKI under `RSA PUBLIC KEY`: read by content, with a warning (8) |
| pkcs1-as-public-key.pem | a PKCS#1 RSAPublicKey under `PUBLIC KEY` (8) |
| pkcs8-as-rsa-private-key.pem | a PKCS#8 key under `RSA PRIVATE KEY` (8) |
| sec1-as-private-key.pem | a SEC1 EC key under `PRIVATE KEY` (8) |
| ec-spki-unused-bits.pem | an EC SPKI whose BIT STRING declares 3 unused bits (8) |
| rsa-pss-restricted.pem | an RSA-PSS key restricted to SHA-384, MGF1-SHA-384, salt 48 (10) |
| pss-sha1.pem, pss-sha256.pem, pss-sha512-salt64.pem | RSA-PSS signatures: hash, MGF, salt shown (10) |
| pss-restricted-self.pem | a certificate for the PSS-restricted key, signed by it (10) |
| sigalg-mismatch.pem | outer signatureAlgorithm sha384WithRSA, inner sha256WithRSA (10) |
MD
