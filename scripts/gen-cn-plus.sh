#!/usr/bin/env bash
# A TLS server certificate whose commonName holds a `+` (RFC 4514 writes it `CN=a\+b...`),
# with that whole name in its subjectAltName, under fixtures/cn-plus/: `cn-not-in-san` must
# read the commonName as one value (it used to split it at the escaped `+`). The issuing
# CA is in the same file, so a run of the file relates the leaf to it.
#
# Re-runnable: deletes and recreates fixtures/cn-plus/. Keys are fresh on every run; names,
# serials, dates and extensions are fixed.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
FX="$(cd -- "$script_dir/.." && pwd)/fixtures/cn-plus"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"
fixture_workdir certscope-cn-plus

rm -rf -- "$FX"
mkdir -p "$FX"

key p256 "$work/ca.key"
key p256 "$work/leaf.key"
cat >"$work/ext.cnf" <<'X'
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ leaf_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:a+b.example
X
ca=$(ca_dir cnplus "$work/ca.pem" "$work/ca.key" 5A01 sha256)
mkcsr "$work/ca.key" "/CN=cn-plus CA" "$work/ca.csr"
ca_sign "$ca" "$work/ca.csr" "$work/ca.pem" ca_ext 20250101000000Z 20350101000000Z \
    -selfsign -keyfile "$work/ca.key"
# `\+`: one commonName holding a plus sign, not a multi-valued RDN.
mkcsr "$work/leaf.key" '/CN=a\+b.example' "$work/leaf.csr"
ca_sign "$ca" "$work/leaf.csr" "$work/leaf.pem" leaf_ext 20250601000000Z 20260601000000Z
cat "$work/leaf.pem" "$work/ca.pem" >"$FX/leaf-and-ca.pem"
