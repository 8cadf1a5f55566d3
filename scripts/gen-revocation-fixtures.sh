#!/usr/bin/env bash
# Regenerate the revocation fixtures under fixtures/revocation/ (issue 15, "Revocation,
# offline"): a root -> CA -> leaves PKI, complete CRLs (good, revoked, on hold, stale, with
# a broken signature, scoped by their issuingDistributionPoint), a delta CRL, an indirect
# CRL, and OCSP requests and responses.
#
# Separate from the other generators on purpose: it touches only fixtures/revocation/.
#
# Requirements: the `openssl` CLI (OpenSSL 3.x); python3 with the `cryptography` package,
# only for the indirect CRL (`openssl ca` cannot write the certificateIssuer entry
# extension of RFC 5280 §5.3.3) and for the CRL with a broken signature (standard library).
#
# Re-runnable: the directory is wiped and recreated. Keys are fresh on every run; names,
# serials, CRL dates, revocation dates and extensions are fixed. The OCSP responses carry
# openssl's producedAt/thisUpdate (the time of the run): the tests pass `--at` accordingly.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
R="$repo_root/fixtures/revocation"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"

fixture_workdir certscope-revocation-fixtures

rm -rf -- "$R"
mkdir -p "$R"

# The tests' pinned now (tests/support/mod.rs NOW) falls between THIS and NEXT.
START=20200101000000Z
END=20450101000000Z
THIS=20260101000000Z
NEXT=20260201000000Z
# The revocation date written into the CA database (UTCTime, as index.txt keeps it).
REVOKED_ON=251215000000Z

K="$work/keys"
W="$work/certs"
mkdir -p "$K" "$W"
O="/O=Certscope Revocation"

cat >"$work/ext.cnf" <<'EOF'
[ root_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash

[ ca_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints  = URI:http://crl.example/root.crl

[ leaf_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example
crlDistributionPoints  = URI:http://crl.example/ca.crl
freshestCRL            = URI:http://crl.example/ca-delta.crl
authorityInfoAccess    = OCSP;URI:http://ocsp.example/

[ leaf_other_dp_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example
crlDistributionPoints  = URI:http://crl.example/other.crl

[ leaf_no_dp_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example

[ leaf_indirect_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example
crlDistributionPoints  = indirect_dp

[ indirect_dp ]
fullname               = URI:http://crl.example/indirect.crl
CRLissuer              = dirName:crl_issuer_dn

[ crl_issuer_dn ]
O                      = Certscope Revocation
CN                     = Certscope Revocation CRL Issuer

[ crl_signer_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ocsp_signer_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = OCSPSigning
noCheck                = ignored
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF

# CRL extension sections, appended to a CA's own config (openssl ca reads -crlexts there).
crl_sections() {
    cat >>"$1" <<'EOF'

[ crl_full ]
authorityKeyIdentifier   = keyid:always
issuingDistributionPoint = critical,@idp_ca

[ idp_ca ]
fullname                 = URI:http://crl.example/ca.crl
onlyuser                 = TRUE

[ crl_delta ]
authorityKeyIdentifier   = keyid:always
issuingDistributionPoint = critical,@idp_ca
2.5.29.27                = critical,DER:02:01:01

[ crl_plain ]
authorityKeyIdentifier   = keyid:always

[ crl_ca_only ]
authorityKeyIdentifier   = keyid:always
issuingDistributionPoint = critical,@idp_ca_only

[ idp_ca_only ]
onlyCA                   = TRUE

[ crl_some_reasons ]
authorityKeyIdentifier   = keyid:always
issuingDistributionPoint = critical,@idp_some

[ idp_some ]
fullname                 = URI:http://crl.example/ca.crl
onlysomereasons          = keyCompromise
EOF
}

# sign CADIR KEY SUBJECT OUT EXT SERIALHEX [extra openssl ca args...]
sign() {
    local dir=$1 k=$2 subj=$3 out=$4 ext=$5 serial=$6
    shift 6
    mkcsr "$k" "$subj" "$work/req.csr"
    echo "$serial" >"$dir/serial"
    ca_sign "$dir" "$work/req.csr" "$work/ca-out.pem" "$ext" "$START" "$END" "$@"
    ossl x509 -in "$work/ca-out.pem" -out "$out"
}

# gencrl CADIR SECTION NUMBERHEX OUT [NEXTUPDATE]: a CRL of CADIR's database, PEM.
gencrl() {
    echo "$3" >"$1/crlnumber"
    ca_batch -config "$1/ca.cnf" -gencrl -crlexts "$2" \
        -crl_lastupdate "$THIS" -crl_nextupdate "${5:-$NEXT}" -out "$4"
}

# revoke CADIR CERT REASON: revoke with a fixed revocation date.
revoke() {
    ca_batch -config "$1/ca.cnf" -revoke "$2" -crl_reason "$3"
    # openssl writes the time of the run; the fixtures want a fixed date.
    sed -i -E "s/^R\t([0-9]+Z)\t[0-9]+Z/R\t\1\t$REVOKED_ON/" "$1/index.txt"
}

for k in root ca leaf crlsigner ocsp; do key p256 "$K/$k.pem"; done
root_dir=$(ca_dir root "$W/root.pem" "$K/root.pem")
crl_sections "$root_dir/ca.cnf"
sign "$root_dir" "$K/root.pem" "$O/CN=Certscope Revocation Root" "$W/root.pem" root_ext 01 \
    -selfsign -keyfile "$K/root.pem"
sign "$root_dir" "$K/ca.pem" "$O/CN=Certscope Revocation CA" "$W/ca.pem" ca_ext 02
ca=$(ca_dir ca "$W/ca.pem" "$K/ca.pem")
crl_sections "$ca/ca.cnf"

sign "$ca" "$K/leaf.pem" "$O/CN=good.example" "$W/good.pem" leaf_ext 1001
sign "$ca" "$K/leaf.pem" "$O/CN=revoked.example" "$W/revoked.pem" leaf_ext 1002
sign "$ca" "$K/leaf.pem" "$O/CN=hold.example" "$W/hold.pem" leaf_ext 1003
sign "$ca" "$K/leaf.pem" "$O/CN=delta-revoked.example" "$W/delta-revoked.pem" leaf_ext 1004
sign "$ca" "$K/leaf.pem" "$O/CN=other-dp.example" "$W/other-dp.pem" leaf_other_dp_ext 1005
sign "$ca" "$K/leaf.pem" "$O/CN=indirect.example" "$W/indirect.pem" leaf_indirect_ext 1006
sign "$ca" "$K/leaf.pem" "$O/CN=no-dp.example" "$W/no-dp.pem" leaf_no_dp_ext 1007
sign "$ca" "$K/crlsigner.pem" "$O/CN=Certscope Revocation CRL Issuer" "$W/crl-signer.pem" \
    crl_signer_ext 2001
sign "$ca" "$K/ocsp.pem" "$O/CN=Certscope Revocation OCSP Responder" "$W/ocsp-responder.pem" \
    ocsp_signer_ext 2002

cp "$W/root.pem" "$R/root.pem"
cp "$W/ca.pem" "$R/ca.pem"
cp "$W/crl-signer.pem" "$R/crl-signer.pem"
cp "$W/ocsp-responder.pem" "$R/ocsp-responder.pem"
for l in good revoked hold delta-revoked other-dp indirect no-dp; do
    cat "$W/$l.pem" "$W/ca.pem" >"$R/$l.pem"
done

# The root's CRL: only CA certificates, nothing revoked (covers the CA).
gencrl "$root_dir" crl_ca_only 01 "$R/root.crl.pem"

# The CA's complete CRL number 1: 1002 keyCompromise, 1003 on hold.
revoke "$ca" "$W/revoked.pem" keyCompromise
revoke "$ca" "$W/hold.pem" certificateHold
gencrl "$ca" crl_full 01 "$R/ca.crl.pem"
# The same list without an issuingDistributionPoint (covers every certificate of the CA).
gencrl "$ca" crl_plain 01 "$R/ca-plain.crl.pem"
# ... stale at the tests' now (nextUpdate 2026-01-10).
gencrl "$ca" crl_plain 01 "$R/ca-stale.crl.pem" 20260110000000Z
# ... only for CA certificates (does not cover a leaf).
gencrl "$ca" crl_ca_only 01 "$R/ca-ca-only.crl.pem"
# ... only for keyCompromise (a leaf it does not list stays unknown).
gencrl "$ca" crl_some_reasons 01 "$R/ca-some-reasons.crl.pem"
# ... DER.
ossl crl -in "$R/ca-plain.crl.pem" -outform DER -out "$R/ca-plain.crl.der"
# ... with one bit of the signature flipped.
python3 - "$R/ca-plain.crl.der" "$R/ca-bad-signature.crl.der" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[-5] ^= 0x01  # inside the ECDSA signature's last INTEGER
open(sys.argv[2], "wb").write(bytes(data))
PY

# The delta CRL number 2 on base 1: 1003 taken off hold, 1004 superseded.
delta=$(ca_dir delta "$W/ca.pem" "$K/ca.pem")
crl_sections "$delta/ca.cnf"
revoke "$delta" "$W/hold.pem" removeFromCRL
revoke "$delta" "$W/delta-revoked.pem" superseded
gencrl "$delta" crl_delta 02 "$R/ca-delta.crl.pem"

# The indirect CRL of the CRL issuer: 1006 of the CA, affiliationChanged.
python3 - "$K/crlsigner.pem" "$W/crl-signer.pem" "$W/ca.pem" "$R/indirect.crl.pem" <<'PY'
import sys, datetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
signer = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
ca = x509.load_pem_x509_certificate(open(sys.argv[3], "rb").read())
utc = datetime.timezone.utc
entry = (
    x509.RevokedCertificateBuilder()
    .serial_number(0x1006)
    .revocation_date(datetime.datetime(2025, 12, 15, tzinfo=utc))
    .add_extension(x509.CRLReason(x509.ReasonFlags.affiliation_changed), False)
    .add_extension(x509.CertificateIssuer([x509.DirectoryName(ca.subject)]), True)
    .build()
)
idp = x509.IssuingDistributionPoint(
    full_name=[x509.UniformResourceIdentifier("http://crl.example/indirect.crl")],
    relative_name=None,
    only_contains_user_certs=False,
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
    .add_extension(idp, True)
    .add_revoked_certificate(entry)
    .sign(key, hashes.SHA256())
)
open(sys.argv[4], "wb").write(crl.public_bytes(serialization.Encoding.PEM))
PY

# OCSP: requests (with and without a nonce) and the responses of a delegated responder.
ossl ocsp -issuer "$W/ca.pem" -cert "$W/good.pem" -cert "$W/revoked.pem" -nonce \
    -reqout "$R/ocsp-request.der" 2>/dev/null
ossl ocsp -reqin "$R/ocsp-request.der" -index "$ca/index.txt" -CA "$W/ca.pem" \
    -rsigner "$W/ocsp-responder.pem" -rkey "$K/ocsp.pem" -ndays 3650 \
    -respout "$R/ocsp-response.der" 2>/dev/null
ossl ocsp -issuer "$W/ca.pem" -cert "$W/good.pem" -no_nonce \
    -reqout "$R/ocsp-request-good.der" 2>/dev/null
ossl ocsp -reqin "$R/ocsp-request-good.der" -index "$ca/index.txt" -CA "$W/ca.pem" \
    -rsigner "$W/ca.pem" -rkey "$K/ca.pem" -ndays 3650 -resp_key_id \
    -respout "$R/ocsp-response-good.der" 2>/dev/null
# Signed by a certificate of the CA without id-kp-OCSPSigning: not an authorised responder.
ossl ocsp -reqin "$R/ocsp-request.der" -index "$ca/index.txt" -CA "$W/ca.pem" \
    -rsigner "$W/crl-signer.pem" -rkey "$K/crlsigner.pem" -ndays 3650 \
    -respout "$R/ocsp-response-no-eku.der" 2>/dev/null
{
    echo "-----BEGIN OCSP RESPONSE-----"
    base64 -w 64 "$R/ocsp-response.der"
    echo "-----END OCSP RESPONSE-----"
} >"$R/ocsp-response.pem"

echo "wrote $(find "$R" -type f | wc -l) files to $R"
