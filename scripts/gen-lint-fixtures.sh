#!/usr/bin/env bash
# Lint fixtures for issue 16 (`check` as broad as zlint, quiet on what is fine): one
# certificate, CRL or CSR per new lint that trips it, beside ones that do not, under
# fixtures/lint2/. Kept apart from gen-chain-fixtures.sh (which makes fixtures/lint/) so that
# adding one does not regenerate (and re-key) the chain and lint sets.
#
# Re-runnable: deletes and recreates fixtures/lint2/. Keys are fresh on every run; the
# structure, names, serials, dates and extensions are fixed. Fixtures that openssl cannot be
# told to make (MD2/MD4, a version 8 certificate, mismatched signature algorithms, an even
# RSA exponent) are a good certificate with the bytes in question patched: their signatures
# no longer verify, which the lints do not look at.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
FX="$(cd -- "$script_dir/.." && pwd)/fixtures/lint2"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"
fixture_workdir certscope-lint2

rm -rf -- "$FX"
mkdir -p "$FX"

# patch IN.pem OUT.pem OLDHEX NEWHEX first|last|all: replace the bytes OLDHEX of IN's DER.
patch() {
    ossl x509 -in "$1" -outform DER -out "$work/patch-in.der"
    python3 - "$work/patch-in.der" "$work/patch-out.der" "$3" "$4" "$5" <<'PY'
import sys
der = open(sys.argv[1], "rb").read()
old, new, which = bytes.fromhex(sys.argv[3]), bytes.fromhex(sys.argv[4]), sys.argv[5]
assert len(old) == len(new) and old in der, "pattern not found"
if which == "all":
    der = der.replace(old, new)
else:
    i = der.find(old) if which == "first" else der.rfind(old)
    der = der[:i] + new + der[i + len(old):]
open(sys.argv[2], "wb").write(der)
PY
    ossl x509 -inform DER -in "$work/patch-out.der" -out "$2"
}

# The issuing CA: a P-256 root with every extension a CA should have.
key p256 "$work/root.key"
cat >"$work/ext.cnf" <<'EOF'
[ root_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ leaf_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:lint.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ leaf_self ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:lint.example
subjectKeyIdentifier = hash
[ eku_empty ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = DER:30:00
subjectAltName = DNS:lint.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ca_bc_not_critical ]
basicConstraints = CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ca_no_ski ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = none
authorityKeyIdentifier = keyid
[ ca_good ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
root_dir=$(ca_dir root "$FX/ca.pem" "$work/root.key" 01 sha256)
mkcsr "$work/root.key" "/O=Certscope Lint/CN=Certscope Lint2 Root" "$work/root.csr"
ca_sign "$root_dir" "$work/root.csr" "$work/root.pem" root_ext 20200101000000Z 20450101000000Z \
    -selfsign -keyfile "$work/root.key"
ossl x509 -in "$work/root.pem" -out "$FX/ca.pem"

# issue KEY SUBJECT EXTSECTION START END OUT: a certificate from the root.
issue() {
    mkcsr "$1" "$2" "$work/issue.csr"
    ca_sign "$root_dir" "$work/issue.csr" "$work/issue.pem" "$3" "$4" "$5"
    ossl x509 -in "$work/issue.pem" -out "$6"
}
key p256 "$work/leaf.key"

# CA/B validity (BR 6.3.2, Ballot SC-081): 398 days until 2026-03-14, 200 from 2026-03-15,
# 100 from 2027-03-15, 47 from 2029-03-15. One leaf each side of each boundary, valid for
# longer than the new limit and no longer than the old one.
validity() { # NOTBEFORE(YYYY-MM-DD) DAYS
    issue "$work/leaf.key" "/O=Certscope Lint/CN=lint.example" leaf_ext \
        "$(date -u -d "$1" +%Y%m%d000000Z)" "$(date -u -d "$1 +$2 days" +%Y%m%d000000Z)" \
        "$FX/validity-$1-$2d.pem"
}
validity 2026-03-14 398
validity 2026-03-15 398
validity 2026-03-15 200
validity 2027-03-14 200
validity 2027-03-15 200
validity 2027-03-15 100
validity 2029-03-14 100
validity 2029-03-15 100
validity 2029-03-15 47

# A good leaf: trips nothing (the "does not trigger" side of most lints below).
issue "$work/leaf.key" "/O=Certscope Lint/CN=lint.example" leaf_ext \
    20260101000000Z 20260301000000Z "$FX/clean-leaf.pem"
issue "$work/leaf.key" "/O=Certscope Lint/CN=lint.example" eku_empty \
    20260101000000Z 20260301000000Z "$FX/eku-empty.pem"

# CA certificates below the root: good, basicConstraints not critical, no SKI.
key p256 "$work/ca.key"
issue "$work/ca.key" "/O=Certscope Lint/CN=Lint2 Good CA" ca_good \
    20250101000000Z 20350101000000Z "$FX/ca-good.pem"
issue "$work/ca.key" "/O=Certscope Lint/CN=Lint2 CA BC Not Critical" ca_bc_not_critical \
    20250101000000Z 20350101000000Z "$FX/ca-basic-constraints-not-critical.pem"
issue "$work/ca.key" "/O=Certscope Lint/CN=Lint2 CA Without SKI" ca_no_ski \
    20250101000000Z 20350101000000Z "$FX/ca-ski-missing.pem"

# A CA with an empty subject: openssl ca's policy asks for a commonName, so a policy that
# does not, and a request with an empty name.
sed -i 's/^commonName *= supplied/commonName = optional/' "$root_dir/ca.cnf"
ossl req -new -config "$work/req.cnf" -key "$work/ca.key" -subj "/" -out "$work/empty.csr"
ca_sign "$root_dir" "$work/empty.csr" "$work/empty.pem" ca_good \
    20250101000000Z 20350101000000Z
ossl x509 -in "$work/empty.pem" -out "$FX/ca-subject-empty.pem"

# A v1 certificate (no extensions section: openssl ca issues version 1) from the root:
# extension lints must skip it.
mkcsr "$work/leaf.key" "/O=Certscope Lint/CN=lint v1" "$work/v1.csr"
ca_batch -config "$root_dir/ca.cnf" -notext -preserveDN \
    -startdate 20260101000000Z -enddate 20260301000000Z -in "$work/v1.csr" -out "$work/v1.pem"
ossl x509 -in "$work/v1.pem" -out "$FX/v1-leaf.pem"

# RSA, self-signed end-entity certificates (not CAs: a root's own signature is exempt from the
# signature lints): SHA-256 (clean), RSA-PSS with SHA-256 (clean) and with SHA-1, exponent 3.
key rsa2048 "$work/rsa.key"
rsa_dir=$(ca_dir rsa "$work/rsa.pem" "$work/rsa.key" 2A sha256)
selfsigned() { # KEY EXTRA-ARGS... -> $work/self.pem
    local k=$1
    shift
    mkcsr "$k" "/O=Certscope Lint/CN=lint.example" "$work/self.csr"
    ca_sign "$rsa_dir" "$work/self.csr" "$work/self.pem" leaf_self \
        20260101000000Z 20260301000000Z -selfsign -keyfile "$k" "$@"
}
selfsigned "$work/rsa.key"
ossl x509 -in "$work/self.pem" -out "$FX/rsa-sha256.pem"
selfsigned "$work/rsa.key" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
ossl x509 -in "$work/self.pem" -out "$FX/rsa-pss-sha256.pem"
selfsigned "$work/rsa.key" -md sha1 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:20
ossl x509 -in "$work/self.pem" -out "$FX/rsa-pss-sha1.pem"
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -pkeyopt rsa_keygen_pubexp:3 \
    -out "$work/rsa3.key" 2>/dev/null
selfsigned "$work/rsa3.key"
ossl x509 -in "$work/self.pem" -out "$FX/rsa-exponent-3.pem"
# Exponent 2 (even): the exponent INTEGER 3 patched, just before the extensions [3].
patch "$FX/rsa-exponent-3.pem" "$FX/rsa-exponent-2.pem" 020103a3 020102a3 first

# sha256WithRSAEncryption (1.2.840.113549.1.1.11) patched to md2WithRSAEncryption (.2) and
# md4WithRSAEncryption (.3), inside and out; then only the outer one to sha384 (.12).
SHA256RSA=06092a864886f70d01010b
patch "$FX/rsa-sha256.pem" "$FX/md2-signature.pem" $SHA256RSA 06092a864886f70d010102 all
patch "$FX/rsa-sha256.pem" "$FX/md4-signature.pem" $SHA256RSA 06092a864886f70d010103 all
patch "$FX/rsa-sha256.pem" "$FX/signature-algorithm-mismatch.pem" $SHA256RSA \
    06092a864886f70d01010c last

# Versions: [0] INTEGER 2 (v3) patched to 7 (a "version 8" certificate) and to 1 (a v2
# certificate that carries extensions).
patch "$FX/clean-leaf.pem" "$FX/version-8.pem" a003020102 a003020107 first
patch "$FX/clean-leaf.pem" "$FX/v2-with-extensions.pem" a003020102 a003020101 first

# CRLs of the root revoking clean-leaf.pem (keyCompromise): as made (the reasonCode entry
# extension, known and not critical), and with that extension made critical and its OID
# changed to an unknown one (2.5.29.127), the encoding re-built around it.
ca_batch -config "$root_dir/ca.cnf" -revoke "$FX/clean-leaf.pem" -crl_reason keyCompromise
ca_crl "$root_dir/ca.cnf" 20260101000000Z 20260201000000Z "$work/crl.pem"
ossl crl -in "$work/crl.pem" -out "$FX/crl-entry-reason.crl"
ossl crl -in "$work/crl.pem" -outform DER -out "$work/crl.der"
python3 - "$work/crl.der" "$work/crl-patched.der" <<'PY2'
import sys

def parse(b):
    """DER to a list of (tag, children-or-bytes); definite lengths only."""
    out, i = [], 0
    while i < len(b):
        tag, n = b[i], b[i + 1]
        i += 2
        if n & 0x80:
            k = n & 0x7F
            n = int.from_bytes(b[i:i + k], "big")
            i += k
        v = b[i:i + n]
        i += n
        out.append((tag, parse(v) if tag & 0x20 else v))
    return out

def enc(nodes):
    out = b""
    for tag, v in nodes:
        body = enc(v) if isinstance(v, list) else v
        n = len(body)
        hdr = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
        out += bytes([tag]) + hdr + body
    return out

REASON = bytes.fromhex("551d15")
def walk(nodes):
    for idx, (tag, v) in enumerate(nodes):
        if isinstance(v, list):
            if tag == 0x30 and len(v) == 2 and v[0] == (0x06, REASON):
                nodes[idx] = (0x30, [(0x06, bytes.fromhex("551d7f")), (0x01, b"\xff"), v[1]])
            else:
                walk(v)

tree = parse(open(sys.argv[1], "rb").read())
walk(tree)
open(sys.argv[2], "wb").write(enc(tree))
PY2
ossl crl -inform DER -in "$work/crl-patched.der" -out "$FX/crl-entry-unknown-critical.crl"

cat >"$FX/README.md" <<'MD'
# lint2 fixtures

Made by `scripts/gen-lint-fixtures.sh` (issue 16). Patched certificates have signatures that
no longer verify; the lints they are for do not look at the signature.

| file | trips | does not trip |
|---|---|---|
| ca.pem | nothing (self-signed root, the issuer of the rest) | |
| clean-leaf.pem | nothing | every certificate lint |
| validity-2026-03-14-398d.pem | nothing (398-day limit) | validity-too-long |
| validity-2026-03-15-398d.pem | validity-too-long (200-day limit) | |
| validity-2026-03-15-200d.pem | nothing | validity-too-long |
| validity-2027-03-14-200d.pem | nothing | validity-too-long |
| validity-2027-03-15-200d.pem | validity-too-long (100-day limit) | |
| validity-2027-03-15-100d.pem | nothing | validity-too-long |
| validity-2029-03-14-100d.pem | nothing | validity-too-long |
| validity-2029-03-15-100d.pem | validity-too-long (47-day limit) | |
| validity-2029-03-15-47d.pem | nothing | validity-too-long |
| eku-empty.pem | eku-empty (extendedKeyUsage `30 00`) | |
| ca-good.pem | nothing | ca-* lints |
| ca-basic-constraints-not-critical.pem | ca-basic-constraints-not-critical | |
| ca-ski-missing.pem | ca-ski-missing | |
| ca-subject-empty.pem | ca-subject-empty | |
| v1-leaf.pem | nothing (a v1 certificate: no extension lint applies) | aki-missing, ski-missing, san-missing |
| rsa-sha256.pem | nothing | md2-md4-signature, signature-algorithm-mismatch |
| rsa-pss-sha256.pem | nothing | rsa-pss-sha1 |
| rsa-pss-sha1.pem | rsa-pss-sha1 | |
| rsa-exponent-3.pem | rsa-exponent-small | rsa-exponent-invalid |
| rsa-exponent-2.pem | rsa-exponent-invalid (patched) | |
| md2-signature.pem, md4-signature.pem | md2-md4-signature (patched OID) | |
| signature-algorithm-mismatch.pem | signature-algorithm-mismatch (outer sha384, inner sha256) | |
| version-8.pem | version-invalid (patched) | |
| v2-with-extensions.pem | extensions-before-v3 (patched) | |
| crl-entry-reason.crl | nothing (a reasonCode entry extension) | crl-entry-unknown-critical-extension |
| crl-entry-unknown-critical.crl | crl-entry-unknown-critical-extension (patched, re-encoded) | |
MD
