#!/usr/bin/env bash
# Fixtures for issue 14 ("never silently wrong"): one small input per decoding point that
# used to come out wrong or empty, under fixtures/fidelity/. Kept apart from gen-fixtures.sh
# so that adding one does not regenerate (and re-key) the whole fixture set.
#
# Re-runnable: deletes and recreates fixtures/fidelity/. Keys are fresh on every run; the
# structure, names, serials, dates and extensions are fixed.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
FX="$(cd -- "$script_dir/.." && pwd)/fixtures/fidelity"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"
fixture_workdir certscope-fidelity

rm -rf -- "$FX"
mkdir -p "$FX"

# selfsigned NAME KEY SUBJECT OUT EXTLINE...: a self-signed certificate (serial 2a, fixed
# dates) carrying exactly the extension lines given, through lib/fixture-ca.sh's openssl ca.
selfsigned() {
    local name=$1 key=$2 subj=$3 out=$4
    shift 4
    printf '[ %s ]\n' "$name" >"$work/ext.cnf"
    printf '%s\n' "$@" >>"$work/ext.cnf"
    local dir
    dir=$(ca_dir "$name" "$out" "$key" 2A sha256)
    mkcsr "$key" "$subj" "$work/$name.csr"
    ca_sign "$dir" "$work/$name.csr" "$work/$name.pem" "$name" 20250101000000Z 20350101000000Z \
        -selfsign -keyfile "$key"
    ossl x509 -in "$work/$name.pem" -out "$out"
}

key p256 "$work/p256.pem"

# 4: basicConstraints CA:FALSE with a pathlen (a defect, RFC 5280 4.2.1.9): text used to
# drop the pathlen that JSON showed.
selfsigned pathlen0 "$work/p256.pem" "/CN=pathlen on a non-CA" "$FX/ca-false-pathlen0.pem" \
    "basicConstraints = critical,CA:FALSE,pathlen:0"

# 11: a P-521 key with explicit curve parameters (reported as 528 bits before).
ossl ecparam -name secp521r1 -param_enc explicit -genkey -noout -out "$FX/p521-explicit.pem"
ossl pkey -in "$FX/p521-explicit.pem" -pubout -out "$FX/p521-explicit-pub.pem"

# 13: a CSR whose self-signature does not verify (last signature byte flipped), beside a
# good one made with the same key.
ossl req -new -config "$work/req.cnf" -key "$work/p256.pem" -subj "/CN=csr signature" \
    -outform DER -out "$work/good.der"
ossl req -in "$work/good.der" -inform DER -out "$FX/csr-good-signature.pem"
python3 - "$work/good.der" "$FX/csr-bad-signature.pem" <<'PY'
import base64, sys
der = bytearray(open(sys.argv[1], "rb").read())
der[-1] ^= 0x01
b64 = base64.b64encode(bytes(der)).decode()
lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
open(sys.argv[2], "w").write(
    "-----BEGIN CERTIFICATE REQUEST-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE REQUEST-----\n")
PY

cat >"$FX/README.md" <<'MD'
# fidelity fixtures

Made by `scripts/gen-fidelity-fixtures.sh` (issue 14: every field decoded, or visibly not).

| file | what it shows |
|---|---|
| ca-false-pathlen0.pem | basicConstraints `CA:FALSE, pathlen:0`: text shows the pathlen, as JSON and openssl do |
| p521-explicit.pem, p521-explicit-pub.pem | P-521 with explicit curve parameters: 521 bits, recognised as secp521r1 |
| csr-good-signature.pem, csr-bad-signature.pem | a CSR's self-signature verified and shown; the bad one has its last signature byte flipped |
MD
