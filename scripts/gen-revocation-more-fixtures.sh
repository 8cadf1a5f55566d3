#!/usr/bin/env bash
# Regenerate fixtures/revocation-more/ (issue 15, second round): an indirect CRL signed by a
# CRL issuer that the root issued, not the certificate's own CA (RFC 5280 §6.3.3 (f): any
# CRL issuer whose path ends at the same trust anchor), and an impostor with the same name
# under another root; OCSP requests, one signed and one forged, and a response whose nonce
# matches one request and not another.
#
# Separate from gen-revocation-fixtures.sh on purpose: that script wipes and re-keys
# fixtures/revocation/. This one touches only fixtures/revocation-more/.
#
# Requirements: the `openssl` CLI (OpenSSL 3.x); python3 with the `cryptography` package
# (`openssl ca` cannot write the certificateIssuer CRL entry extension of §5.3.3) and the
# standard library (to change one octet of a signed OCSP request).
# Re-runnable: the directory is wiped and recreated; keys are fresh on every run.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
R="$repo_root/fixtures/revocation-more"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"

fixture_workdir certscope-revocation-more-fixtures

rm -rf -- "$R"
mkdir -p "$R"
K="$work/keys"
W="$work/certs"
mkdir -p "$K" "$W"

START=20200101000000Z
END=20450101000000Z
# The tests' pinned now (tests/support/mod.rs NOW) falls between the CRLs' dates.
THIS=20260101000000Z
NEXT=20260201000000Z
AT_EPOCH=1768478400
O="/O=Certscope Revocation More"

cat >"$work/ext.cnf" <<'CNF'
[ root_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash

[ ca_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ leaf_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example
crlDistributionPoints  = indirect_dp

[ indirect_dp ]
fullname               = URI:http://crl.example/root-indirect.crl
CRLissuer              = dirName:crl_issuer_dn

[ crl_issuer_dn ]
O                      = Certscope Revocation More
CN                     = Certscope Root CRL Issuer

[ crl_signer_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
CNF

sign() {
    local dir=$1 k=$2 subj=$3 out=$4 ext=$5 serial=$6
    shift 6
    mkcsr "$k" "$subj" "$work/req.csr"
    echo "$serial" >"$dir/serial"
    ca_sign "$dir" "$work/req.csr" "$work/ca-out.pem" "$ext" "$START" "$END" "$@"
    ossl x509 -in "$work/ca-out.pem" -out "$out"
}

for k in root ca leaf crlsigner other-root impostor; do key p256 "$K/$k.pem"; done
root_dir=$(ca_dir root "$W/root.pem" "$K/root.pem")
cat >>"$root_dir/ca.cnf" <<'CNF'

[ crl_plain ]
authorityKeyIdentifier   = keyid:always
CNF
sign "$root_dir" "$K/root.pem" "$O/CN=Certscope More Root" "$W/root.pem" root_ext 01 \
    -selfsign -keyfile "$K/root.pem"
sign "$root_dir" "$K/ca.pem" "$O/CN=Certscope More CA" "$W/ca.pem" ca_ext 02
# The CRL issuer is the root's, not the CA's.
sign "$root_dir" "$K/crlsigner.pem" "$O/CN=Certscope Root CRL Issuer" "$W/crl-issuer.pem" \
    crl_signer_ext 03
ca=$(ca_dir ca "$W/ca.pem" "$K/ca.pem")
sign "$ca" "$K/leaf.pem" "$O/CN=good.example" "$W/good.pem" leaf_ext 1001
sign "$ca" "$K/leaf.pem" "$O/CN=revoked.example" "$W/revoked.pem" leaf_ext 1002

# Another root, and under it a certificate with the CRL issuer's name but its own key.
other_dir=$(ca_dir other "$W/other-root.pem" "$K/other-root.pem")
sign "$other_dir" "$K/other-root.pem" "$O/CN=Certscope Other Root" "$W/other-root.pem" \
    root_ext 01 -selfsign -keyfile "$K/other-root.pem"
sign "$other_dir" "$K/impostor.pem" "$O/CN=Certscope Root CRL Issuer" "$W/impostor.pem" \
    crl_signer_ext 04

# The root's CRL, nothing revoked (covers the CA and the CRL issuer).
echo 01 >"$root_dir/crlnumber"
ca_batch -config "$root_dir/ca.cnf" -gencrl -crlexts crl_plain \
    -crl_lastupdate "$THIS" -crl_nextupdate "$NEXT" -out "$R/root.crl.pem"

# indirect CRL KEY SIGNER OUT: the CA's 1002 revoked (keyCompromise) by certificateIssuer.
indirect() {
    python3 - "$1" "$2" "$W/ca.pem" "$3" <<'PY'
import sys, datetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
signer = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
ca = x509.load_pem_x509_certificate(open(sys.argv[3], "rb").read())
utc = datetime.timezone.utc
entry = (
    x509.RevokedCertificateBuilder()
    .serial_number(0x1002)
    .revocation_date(datetime.datetime(2025, 12, 15, tzinfo=utc))
    .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), False)
    .add_extension(x509.CertificateIssuer([x509.DirectoryName(ca.subject)]), True)
    .build()
)
idp = x509.IssuingDistributionPoint(
    full_name=[x509.UniformResourceIdentifier("http://crl.example/root-indirect.crl")],
    relative_name=None,
    only_contains_user_certs=True,
    only_contains_ca_certs=False,
    only_some_reasons=None,
    indirect_crl=True,
    only_contains_attribute_certs=False,
)
crl = (
    x509.CertificateRevocationListBuilder()
    .issuer_name(signer.subject)
    .last_update(datetime.datetime(2026, 1, 1, tzinfo=utc))
    .next_update(datetime.datetime(2026, 2, 1, tzinfo=utc))
    .add_extension(x509.CRLNumber(1), False)
    .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), False)
    .add_extension(idp, True)
    .add_revoked_certificate(entry)
    .sign(key, hashes.SHA256())
)
open(sys.argv[4], "wb").write(crl.public_bytes(serialization.Encoding.PEM))
PY
}
indirect "$K/crlsigner.pem" "$W/crl-issuer.pem" "$R/indirect.crl.pem"
indirect "$K/impostor.pem" "$W/impostor.pem" "$R/impostor.crl.pem"

cp "$W/root.pem" "$R/root.pem"
cat "$W/root.pem" "$W/other-root.pem" >"$R/both-roots.pem"
cp "$W/crl-issuer.pem" "$R/crl-issuer.pem"
cp "$W/impostor.pem" "$R/impostor.pem"
for l in good revoked; do cat "$W/$l.pem" "$W/ca.pem" >"$R/$l.pem"; done

# openssl's verdicts: -crl_check_all -extended_crl (indirect CRLs), the CRL issuer among
# -untrusted.
{
    printf '# Produced by scripts/gen-revocation-more-fixtures.sh: `%s verify -attime %s -crl_check_all -extended_crl -CAfile ROOTS -untrusted INPUT -untrusted SIGNER -CRLfile root.crl.pem -CRLfile CRL LEAF`.\n' \
        "$(ossl version | cut -d' ' -f1-2)" "$AT_EPOCH"
    printf '# input\troots\tcrl\tsigner\tverdict\topenssl error\n'
    for input in good revoked; do
        for pair in "root.pem indirect.crl.pem crl-issuer.pem" "both-roots.pem impostor.crl.pem impostor.pem"; do
            # shellcheck disable=SC2086
            set -- $pair
            if out=$(ossl verify -attime "$AT_EPOCH" -crl_check_all -extended_crl \
                -CAfile "$R/$1" -untrusted "$R/$input.pem" -untrusted "$R/$3" \
                -CRLfile "$R/root.crl.pem" -CRLfile "$R/$2" "$W/$input.pem" 2>&1); then
                printf '%s.pem\t%s\t%s\t%s\tOK\t-\n' "$input" "$1" "$2" "$3"
            else
                err=$(printf '%s\n' "$out" | sed -n 's/^error [0-9]* at [0-9]* depth lookup: //p' | head -n 1)
                printf '%s.pem\t%s\t%s\t%s\tFAIL\t%s\n' "$input" "$1" "$2" "$3" "${err:-$(printf '%s\n' "$out" | head -n 1)}"
            fi
        done
    done
} >"$R/openssl-verdicts.txt"

# OCSP: a request signed by the CRL issuer (which openssl includes), the same request with
# one octet of its nonce changed after signing, and two requests with their own nonces and
# the CA's response to the first.
ossl ocsp -issuer "$W/ca.pem" -cert "$W/good.pem" -nonce -signer "$W/crl-issuer.pem" \
    -signkey "$K/crlsigner.pem" -reqout "$R/ocsp-request-signed.der" 2>/dev/null
python3 - "$R/ocsp-request-signed.der" "$R/ocsp-request-forged.der" <<'PY'
import sys
der = bytearray(open(sys.argv[1], "rb").read())
def header(at):
    """(length of the TLV header at `at`, length of its value)."""
    first = der[at + 1]
    if first < 0x80:
        return 2, first
    n = first & 0x7F
    return 2 + n, int.from_bytes(der[at + 2:at + 2 + n], "big")
outer, _ = header(0)
tbs_header, tbs_len = header(outer)
# The last octet of tbsRequest is the last octet of its nonce extension.
der[outer + tbs_header + tbs_len - 1] ^= 0x01
open(sys.argv[2], "wb").write(bytes(der))
PY
ossl ocsp -issuer "$W/ca.pem" -cert "$W/good.pem" -nonce -reqout "$R/ocsp-request-a.der" 2>/dev/null
ossl ocsp -issuer "$W/ca.pem" -cert "$W/good.pem" -nonce -reqout "$R/ocsp-request-b.der" 2>/dev/null
ossl ocsp -reqin "$R/ocsp-request-a.der" -index "$ca/index.txt" -CA "$W/ca.pem" \
    -rsigner "$W/ca.pem" -rkey "$K/ca.pem" -ndays 3650 \
    -respout "$R/ocsp-response-a.der" 2>/dev/null
# An independent check of both signatures (pyca/cryptography over the DER): the signed
# request must verify with the CRL issuer's key, the forged one must not.
python3 - "$W/crl-issuer.pem" "$R/ocsp-request-signed.der" "$R/ocsp-request-forged.der" <<'PY'
import sys
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

key = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read()).public_key()
def header(der, at):
    first = der[at + 1]
    if first < 0x80:
        return 2, first
    n = first & 0x7F
    return 2 + n, int.from_bytes(der[at + 2:at + 2 + n], "big")
def check(path):
    der = open(path, "rb").read()
    outer, _ = header(der, 0)
    h, n = header(der, outer)
    tbs = der[outer:outer + h + n]
    at = outer + h + n                      # [0] EXPLICIT Signature
    h0, _ = header(der, at)
    h1, _ = header(der, at + h0)            # Signature SEQUENCE
    at = at + h0 + h1
    ha, na = header(der, at)                # signatureAlgorithm
    at += ha + na
    hb, nb = header(der, at)                # signature BIT STRING
    sig = der[at + hb + 1:at + hb + nb]
    try:
        key.verify(sig, tbs, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False
assert check(sys.argv[2]), "the signed OCSP request does not verify"
assert not check(sys.argv[3]), "the forged OCSP request verifies"
PY

cat >"$R/README.md" <<'MD'
# More revocation fixtures

Generated by `scripts/gen-revocation-more-fixtures.sh` (keys fresh on every run; names,
serials and dates fixed). Root → CA → leaves whose CRL distribution point names a CRL
issuer the *root* issued (not the CA): RFC 5280 §6.3.3 (f) accepts such an indirect CRL
when the CRL issuer's path ends at the same trust anchor as the certificate's.

| file | what |
|---|---|
| root.pem | the trust anchor |
| good.pem, revoked.pem | leaf (1001 / 1002) + CA |
| root.crl.pem | the root's CRL, nothing revoked (covers the CA and the CRL issuer) |
| crl-issuer.pem | the root's CRL issuer (cRLSign) |
| indirect.crl.pem | indirect CRL of crl-issuer.pem: the CA's 1002 keyCompromise (certificateIssuer) |
| other-root.pem, both-roots.pem | another root; both roots in one file |
| impostor.pem | issued by the other root, with the CRL issuer's name and its own key |
| impostor.crl.pem | the same CRL signed by the impostor |
| openssl-verdicts.txt | `openssl verify -crl_check_all -extended_crl` on each leaf with each CRL |
| ocsp-request-signed.der | OCSP request for good.pem with a nonce, signed by crl-issuer.pem (included) |
| ocsp-request-forged.der | the same with one nonce octet changed after signing (pyca/cryptography rejects it) |
| ocsp-request-a.der, ocsp-request-b.der | two OCSP requests for good.pem, each with its own nonce |
| ocsp-response-a.der | the CA's response to request a (its nonce) |
MD
