#!/usr/bin/env bash
# Malformed names (issue 14, "never silently wrong"): a certificate or request whose subject
# or issuer is not a well-formed X.501 Name, under fixtures/name-errors/. x509-parser
# accepts these (it stops reading RDNs at the first bad one), and certscope used to show
# an empty or shortened name with exit 0; each must now be a field error.
#
# Re-runnable: deletes and recreates fixtures/name-errors/. The key is fresh on every run;
# the structure is fixed. Signatures are not redone: they do not verify.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
FX="$(cd -- "$script_dir/.." && pwd)/fixtures/name-errors"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"
fixture_workdir certscope-name-errors

rm -rf -- "$FX"
mkdir -p "$FX"

key p256 "$work/key.pem"
ossl req -new -x509 -config "$work/req.cnf" -key "$work/key.pem" -subj "/C=US/CN=name errors" \
    -days 3650 -set_serial 0x2a -outform DER -out "$work/cert.der"
ossl req -new -config "$work/req.cnf" -key "$work/key.pem" -subj "/C=US/CN=name errors" \
    -outform DER -out "$work/csr.der"

python3 - "$work/cert.der" "$work/csr.der" "$FX" <<'PY'
import sys

def tlv(tag, value):
    n = len(value)
    if n >= 0x80:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        return bytes([tag, 0x80 | len(b)]) + b + value
    return bytes([tag, n]) + value

def children(der):
    """The (tag, value) pairs of a DER string of elements (definite lengths only)."""
    out, i = [], 0
    while i < len(der):
        tag, n = der[i], der[i + 1]
        i += 2
        if n & 0x80:
            k = n & 0x7F
            n = int.from_bytes(der[i:i + k], "big")
            i += k
        out.append((tag, der[i:i + n]))
        i += n
    return out

cert, csr, out = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read(), sys.argv[3]
C = tlv(0x31, tlv(0x30, tlv(0x06, bytes.fromhex("550406")) + tlv(0x13, b"US")))
CN_OID = tlv(0x06, bytes.fromhex("550403"))
CN = CN_OID + tlv(0x0C, b"name errors")

# Name contents (the SEQUENCE's value) for each case; the C RDN first, as written.
NAMES = {
    "rdn-not-set": C + tlv(0x30, tlv(0x30, CN)),
    "empty-rdn": C + tlv(0x31, b""),
    "atv-three-elements": C + tlv(0x31, tlv(0x30, CN + tlv(0x0C, b"extra"))),
    "atv-type-only": C + tlv(0x31, tlv(0x30, CN_OID)),
    "type-not-oid": C + tlv(0x31, tlv(0x30, tlv(0x02, b"\x03") + tlv(0x0C, b"name errors"))),
    "truncated-rdn": C + b"\x31\x05\x30",
}

def signed(whole, tbs_kids, index, name_value):
    """`whole` (a signed SEQUENCE) with TBS child `index` replaced by a Name."""
    tbs, alg, sig = children(children(whole)[0][1])
    kids = list(tbs_kids)
    kids[index] = (0x30, name_value)
    body = b"".join(tlv(t, v) for t, v in kids)
    return tlv(0x30, tlv(0x30, body) + tlv(*alg) + tlv(*sig))

cert_tbs = children(children(cert)[0][1])[0][1]
cert_kids = children(cert_tbs)
# [version [0]], serial, signature, issuer, validity, subject (a v1 certificate here, as
# openssl writes one without extensions; the offset keeps this right for v3).
v = 1 if cert_kids[0][0] == 0xA0 else 0
for case, value in NAMES.items():
    open(f"{out}/cert-subject-{case}.der", "wb").write(signed(cert, cert_kids, 4 + v, value))
open(f"{out}/cert-issuer-truncated-rdn.der", "wb").write(
    signed(cert, cert_kids, 2 + v, NAMES["truncated-rdn"]))
# Subject and issuer malformed at the same place, differing only after it (same length):
# x509-parser's copies of both are just C=US, so they must not make it self-issued.
other = C + tlv(0x30, tlv(0x30, CN_OID + tlv(0x0C, b"othe errors")))
both = list(cert_kids)
both[2 + v] = (0x30, other)
open(f"{out}/cert-names-differ-after-bad-rdn.der", "wb").write(
    signed(cert, both, 4 + v, NAMES["rdn-not-set"]))

csr_kids = children(children(children(csr)[0][1])[0][1])
# version, subject (1), subjectPKInfo, attributes
for case in ("rdn-not-set", "type-not-oid"):
    open(f"{out}/request-subject-{case}.der", "wb").write(signed(csr, csr_kids, 1, NAMES[case]))

# Names inside extensions: a directory name whose second RDN is a SEQUENCE (x509-parser
# keeps C=US and drops the rest), in each place a GeneralName or Name can sit.
BAD = tlv(0x30, NAMES["rdn-not-set"])
DIRNAME = tlv(0xA4, BAD)
URI = tlv(0x86, b"http://crl.example/ca.crl")

def oid(hexstr):
    return tlv(0x06, bytes.fromhex(hexstr))

def ext(oid_hex, value, critical=False):
    crit = tlv(0x01, b"\xff") if critical else b""
    return tlv(0x30, oid(oid_hex) + crit + tlv(0x04, value))

# CRLDistributionPoints / freshestCRL: one point, its fullName a directory name; or a URI
# point whose cRLIssuer is one.
DP_FULLNAME = tlv(0x30, tlv(0x30, tlv(0xA0, tlv(0xA0, DIRNAME))))
DP_CRL_ISSUER = tlv(0x30, tlv(0x30, tlv(0xA0, tlv(0xA0, URI)) + tlv(0xA2, DIRNAME)))
EXTENSIONS = {
    "san-dirname": ext("551d11", tlv(0x30, tlv(0x82, b"good.example") + DIRNAME)),
    "ian-dirname": ext("551d12", tlv(0x30, DIRNAME)),
    "aki-issuer": ext("551d23", tlv(0x30, tlv(0x80, bytes(range(20))) + tlv(0xA1, DIRNAME)
                                     + tlv(0x82, b"\x2a"))),
    "crldp-fullname": ext("551d1f", DP_FULLNAME),
    "crldp-crlissuer": ext("551d1f", DP_CRL_ISSUER),
    "freshestcrl-fullname": ext("551d2e", DP_FULLNAME),
    "nc-permitted-dirname": ext("551d1e", tlv(0x30, tlv(0xA0, tlv(0x30, DIRNAME))), True),
    "nc-excluded-dirname": ext("551d1e", tlv(0x30, tlv(0xA1, tlv(0x30, DIRNAME))), True),
}
_, alg, sig = children(children(cert)[0][1])
for case, e in EXTENSIONS.items():
    # A v3 certificate: [0] version 2, the v1 fields, [3] the one extension.
    body = tlv(0xA0, tlv(0x02, b"\x02")) + b"".join(tlv(t, x) for t, x in cert_kids[v:] if t != 0xA3)
    body += tlv(0xA3, tlv(0x30, e))
    der = tlv(0x30, tlv(0x30, body) + tlv(*alg) + tlv(*sig))
    open(f"{out}/cert-{case}.der", "wb").write(der)

# CRLs, written whole (v2, one entry); the certificate's signature stands in.
GOOD_ISSUER = tlv(0x30, C + tlv(0x31, tlv(0x30, CN)))
def crl(issuer, entry_exts=b"", crl_exts=b""):
    entry = tlv(0x02, b"\x05") + tlv(0x17, b"260101000000Z")
    if entry_exts:
        entry += tlv(0x30, entry_exts)
    tbs = (tlv(0x02, b"\x01") + tlv(*alg) + issuer + tlv(0x17, b"260101000000Z")
           + tlv(0x17, b"360101000000Z") + tlv(0x30, tlv(0x30, entry)))
    if crl_exts:
        tbs += tlv(0xA0, tlv(0x30, crl_exts))
    return tlv(0x30, tlv(0x30, tbs) + tlv(*alg) + tlv(*sig))

CRLS = {
    "crl-issuer-rdn-not-set": crl(BAD),
    "crl-idp-fullname": crl(GOOD_ISSUER, crl_exts=ext(
        "551d1c", tlv(0x30, tlv(0xA0, tlv(0xA0, DIRNAME))), True)),
    "crl-entry-certificate-issuer": crl(GOOD_ISSUER, entry_exts=ext(
        "551d1d", tlv(0x30, DIRNAME), True)),
}
for case, der in CRLS.items():
    open(f"{out}/{case}.der", "wb").write(der)

# A request whose extensionRequest asks for the subjectAltName above.
ext_request = tlv(0x30, oid("2a864886f70d01090e") + tlv(0x31, tlv(0x30, EXTENSIONS["san-dirname"])))
req_kids = [k for k in csr_kids if k[0] != 0xA0] + [(0xA0, ext_request)]
body = b"".join(tlv(t, x) for t, x in req_kids)
_, req_alg, req_sig = children(children(csr)[0][1])
open(f"{out}/request-san-dirname.der", "wb").write(
    tlv(0x30, tlv(0x30, body) + tlv(*req_alg) + tlv(*req_sig)))
PY

cat >"$FX/README.md" <<'MD'
# malformed-name fixtures

Made by `scripts/gen-name-error-fixtures.sh` (issue 14): one malformed Name each, the rest
good (signatures not redone). Each is an item with a field error naming the field, the
byte offset and what is wrong (exit 1), never an empty or shortened name with exit 0.

| file | the name |
|---|---|
| cert-subject-rdn-not-set.der | second RDN is a SEQUENCE, not a SET |
| cert-subject-empty-rdn.der | second RDN is an empty SET (SIZE (1..MAX)) |
| cert-subject-atv-three-elements.der | an AttributeTypeAndValue with a third element |
| cert-subject-atv-type-only.der | an AttributeTypeAndValue with a type and no value |
| cert-subject-type-not-oid.der | an attribute type that is an INTEGER |
| cert-subject-truncated-rdn.der | second RDN's length runs past the name |
| cert-issuer-truncated-rdn.der | the same, in the issuer |
| cert-names-differ-after-bad-rdn.der | subject and issuer: C=US, then a SEQUENCE (with different names in it) where an RDN belongs |
| request-subject-rdn-not-set.der | a request whose second RDN is a SEQUENCE |
| request-subject-type-not-oid.der | a request with an INTEGER attribute type |

Names inside extensions and CRLs: the directory name is `C=US` followed by a SEQUENCE
where an RDN (a SET) belongs, which x509-parser reads as just `C=US`.

| file | where the malformed directory name is |
|---|---|
| cert-san-dirname.der | subjectAltName, after a good DNS name |
| cert-ian-dirname.der | issuerAltName |
| cert-aki-issuer.der | authorityKeyIdentifier authorityCertIssuer |
| cert-crldp-fullname.der | cRLDistributionPoints fullName |
| cert-crldp-crlissuer.der | cRLDistributionPoints cRLIssuer |
| cert-freshestcrl-fullname.der | freshestCRL fullName |
| cert-nc-permitted-dirname.der | nameConstraints permitted subtree |
| cert-nc-excluded-dirname.der | nameConstraints excluded subtree |
| crl-issuer-rdn-not-set.der | a CRL's issuer (the entries are still shown) |
| crl-idp-fullname.der | a CRL's issuingDistributionPoint fullName |
| crl-entry-certificate-issuer.der | a CRL entry's certificateIssuer |
| request-san-dirname.der | a request's extensionRequest subjectAltName |
MD
