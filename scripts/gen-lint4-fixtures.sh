#!/usr/bin/env bash
# Lint fixtures, fourth set (issue 16: past 100 lints): one certificate or CRL per lint
# that trips it, under fixtures/lint4/; most clean sides are lint3's (fixtures/lint3/
# pairs.tsv holds the rows). Kept apart from gen-lint3-fixtures.sh so that adding this set
# re-keys no earlier one.
#
# Re-runnable: deletes and recreates fixtures/lint4/. Keys are fresh on every run; names,
# serials, dates and extensions are fixed. Extensions openssl's config syntax will not
# write (an IA5String explicitText, an empty nameConstraints) are given as DER built by
# `der` below; what `openssl ca` will not encode at all (a BMPString organizationName, a
# subjectUniqueID, a v1 CRL with extensions) is a good certificate or CRL with that element
# re-encoded by `reencode`: those signatures no longer verify, which the lints do not look
# at. README.md (written at the end) lists what each file trips.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
FX="$(cd -- "$script_dir/.." && pwd)/fixtures/lint4"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"
fixture_workdir certscope-lint4

rm -rf -- "$FX"
mkdir -p "$FX"

# der EXPR: openssl's DER:xx:yy form of a value written in a small Python vocabulary:
# seq(...), ctx(n, ...) (constructed [n]), prim(tag, bytes), oid("1.2.3"), integer(n),
# ia5/utf8/visible(text).
der() {
    python3 - "$1" <<'PY'
import sys

def tlv(tag, body):
    n = len(body)
    k = (n.bit_length() + 7) // 8
    return bytes([tag]) + (bytes([n]) if n < 0x80 else bytes([0x80 | k]) + n.to_bytes(k, "big")) + body

def seq(*kids):
    return tlv(0x30, b"".join(kids))

def ctx(n, *kids):
    return tlv(0xA0 | n, b"".join(kids))

def prim(tag, body):
    return tlv(tag, body)

def oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    out = bytes([40 * arcs[0] + arcs[1]])
    for a in arcs[2:]:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.insert(0, 0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(chunk)
    return tlv(0x06, out)

def integer(n):
    return tlv(0x02, n.to_bytes((n.bit_length() + 8) // 8, "big", signed=True))

def ia5(s):
    return tlv(0x16, s.encode())

def utf8(s):
    return tlv(0x0C, s.encode())

def visible(s):
    return tlv(0x1A, s.encode())

value = eval(sys.argv[1])
print("DER:" + ":".join(f"{b:02x}" for b in value))
PY
}

# reencode IN OUT OP ARGS...: rewrite IN's DER (a certificate or CRL, PEM) and re-encode the
# lengths around the change. OPs: `value OLDHEX NEWTAG NEWHEX` (every primitive whose
# contents are OLDHEX becomes NEWTAG/NEWHEX); `tbsinsert INDEX HEX` (one more element at
# INDEX of the to-be-signed SEQUENCE); `tbsdrop INDEX` (that element removed).
reencode() {
    python3 - "$@" <<'PY'
import base64, re, sys

src, dst, op, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
text = open(src).read()
label = re.search(r"-----BEGIN ([A-Z0-9 ]+)-----", text).group(1)
body = "".join(l for l in text.splitlines() if l and not l.startswith("-----"))
data = base64.b64decode(body)

def parse(b):
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
        out.append([tag, parse(v) if tag & 0x20 else v])
    return out

def enc(nodes):
    out = b""
    for tag, v in nodes:
        inner = enc(v) if isinstance(v, list) else v
        n = len(inner)
        k = (n.bit_length() + 7) // 8
        hdr = bytes([n]) if n < 0x80 else bytes([0x80 | k]) + n.to_bytes(k, "big")
        out += bytes([tag]) + hdr + inner
    return out

hits = [0]
def walk(nodes):
    for node in nodes:
        tag, v = node
        if isinstance(v, list):
            walk(v)
        elif v == bytes.fromhex(args[0]):
            node[0], node[1] = int(args[1], 16), bytes.fromhex(args[2])
            hits[0] += 1

tree = parse(data)
tbs = tree[0][1][0][1]
if op == "value":
    walk(tree)
elif op == "tbsinsert":
    tbs[int(args[0]):int(args[0])] = parse(bytes.fromhex(args[1]))
    hits[0] += 1
elif op == "tbsdrop":
    del tbs[int(args[0])]
    hits[0] += 1
assert hits[0], "nothing to re-encode"
b64 = base64.b64encode(enc(tree)).decode()
lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
open(dst, "w").write(f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n")
PY
}
hexof() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }

LEAF_BASE='basicConstraints = critical,CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid'
CA_BASE='basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid'
TLS="$LEAF_BASE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:lint.example"
POLICIES=certificatePolicies
# A policy with one qualifier (QUALIFIER: the PolicyQualifierInfo's Python form).
policy() {
    der "seq(seq(oid('2.23.140.1.2.1'), seq($1)))"
}
notice() { # a userNotice qualifier with explicitText TEXT-EXPR
    policy "seq(oid('1.3.6.1.5.5.7.2.2'), seq($1))"
}
{
    printf '[ root_ext ]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n'
    section() { printf '[ %s ]\n%s\n' "$1" "$2"; }
    section leaf "$TLS"
    section client "$LEAF_BASE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth"
    section extensions_ok "$TLS
authorityInfoAccess = OCSP;URI:http://lint.example/ocsp,caIssuers;URI:http://lint.example/ca.crt
crlDistributionPoints = URI:http://lint.example/ca.crl
$POLICIES = $(der "seq(seq(oid('2.23.140.1.2.1'), seq(seq(oid('1.3.6.1.5.5.7.2.1'), ia5('https://lint.example/cps')), seq(oid('1.3.6.1.5.5.7.2.2'), seq(utf8('Lint notice'))))))")"
    section aia_ocsp_https "$TLS
authorityInfoAccess = OCSP;URI:https://lint.example/ocsp,caIssuers;URI:http://lint.example/ca.crt"
    section aia_ca_issuers_ldap "$TLS
authorityInfoAccess = OCSP;URI:http://lint.example/ocsp,caIssuers;URI:ldap://lint.example/cn=ca?cACertificate"
    section crldp_ldap "$TLS
crlDistributionPoints = URI:ldap://lint.example/cn=ca?certificateRevocationList"
    section cps_ftp "$TLS
$POLICIES = $(policy "seq(oid('1.3.6.1.5.5.7.2.1'), ia5('ftp://lint.example/cps'))")"
    section notice_ia5 "$TLS
$POLICIES = $(notice "ia5('Lint notice')")"
    section notice_visible "$TLS
$POLICIES = $(notice "visible('Lint notice')")"
    section notice_long "$TLS
$POLICIES = $(notice "utf8('n' * 201)")"
    section eku_any "$LEAF_BASE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,anyExtendedKeyUsage
subjectAltName = DNS:lint.example"
    section ku_rsa_agreement "$LEAF_BASE
keyUsage = critical,digitalSignature,keyAgreement
extendedKeyUsage = serverAuth
subjectAltName = DNS:lint.example"
    section ku_encipher_only "$LEAF_BASE
keyUsage = critical,digitalSignature,encipherOnly
extendedKeyUsage = serverAuth
subjectAltName = DNS:lint.example"
    section ku_agreement_encipher_only "$LEAF_BASE
keyUsage = critical,digitalSignature,keyAgreement,encipherOnly
extendedKeyUsage = serverAuth
subjectAltName = DNS:lint.example"
    section aia_empty "$TLS
authorityInfoAccess = DER:30:00"
    section crldp_reasons_only "$TLS
crlDistributionPoints = $(der "seq(seq(prim(0x81, bytes([5, 0x60]))))")"
    section ca_nc_empty "$CA_BASE
nameConstraints = critical,DER:30:00"
    section ca_nc_maximum "$CA_BASE
nameConstraints = critical,$(der "seq(ctx(0, seq(prim(0x82, b'lint.example'), prim(0x81, bytes([5])))))")"
    section ca_pc_empty "$CA_BASE
policyConstraints = critical,DER:30:00"
    section ca_pm_any "$CA_BASE
policyMappings = critical,2.5.29.32.0:1.3.6.1.4.1.55555.2"
    printf '[ crl_ok ]\nauthorityKeyIdentifier = keyid:always\n'
    printf '[ crl_number_long ]\nauthorityKeyIdentifier = keyid:always\ncrlNumber = %s\n' \
        "$(der "integer(2**160)")"
    printf '[ crl_number_negative ]\nauthorityKeyIdentifier = keyid:always\ncrlNumber = DER:02:01:f9\n'
    printf '[ crl_aki_issuer ]\nauthorityKeyIdentifier = issuer:always\n'
} >"$work/ext.cnf"

key p256 "$work/root.key"
root_dir=$(ca_dir root "$work/root.pem" "$work/root.key" 01 sha256)
mkcsr "$work/root.key" "/O=Certscope Lint/CN=Certscope Lint4 Root" "$work/root.csr"
ca_sign "$root_dir" "$work/root.csr" "$work/root.pem" root_ext 20200101000000Z 20450101000000Z \
    -selfsign -keyfile "$work/root.key"
ossl x509 -in "$work/root.pem" -out "$FX/ca.pem"

key p256 "$work/leaf.key"
# issue NAME EXTSECTION [SUBJECT [KEY [START END]]]: a certificate from the root.
issue() {
    local subj=${3-/O=Certscope Lint/CN=lint.example} k=${4:-$work/leaf.key}
    ossl req -new -config "$work/req.cnf" -key "$k" -subj "$subj" -out "$work/issue.csr"
    ca_sign "$root_dir" "$work/issue.csr" "$work/issue.pem" "$2" \
        "${5:-20260101000000Z}" "${6:-20260301000000Z}"
    ossl x509 -in "$work/issue.pem" -out "$FX/$1.pem"
}
issue extensions-ok extensions_ok
issue aia-ocsp-not-http aia_ocsp_https
issue aia-ca-issuers-not-http aia_ca_issuers_ldap
issue crl-distribution-point-not-http crldp_ldap
issue policy-cps-uri-not-http cps_ftp
issue policy-explicit-text-ia5 notice_ia5
issue policy-explicit-text-not-utf8 notice_visible
issue policy-explicit-text-too-long notice_long
issue eku-any-in-subscriber eku_any
issue key-usage-encipher-only-without-agreement ku_encipher_only
issue key-usage-agreement-encipher-only ku_agreement_encipher_only
issue extension-value-empty aia_empty
issue crl-distribution-point-reasons-only crldp_reasons_only
key rsa2048 "$work/rsa.key"
issue rsa-key-usage-invalid ku_rsa_agreement "/O=Certscope Lint/CN=lint.example" "$work/rsa.key"

key p256 "$work/ca.key"
for c in ca_nc_empty:name-constraints-empty ca_nc_maximum:name-constraints-minimum-maximum \
    ca_pc_empty:policy-constraints-empty ca_pm_any:policy-mapping-any-policy; do
    issue "${c#*:}" "${c%%:*}" "/O=Certscope Lint/CN=Lint4 ${c#*:}" "$work/ca.key" \
        20250101000000Z 20350101000000Z
done

# Re-encoded: a subjectUniqueID after the key; countryName as UTF8String; organizationName
# as BMPString; a PrintableString organizationName with an `@`.
issue base leaf
reencode "$FX/base.pem" "$FX/unique-identifier-present.pem" tbsinsert 7 8203000102
issue country leaf "/C=US/O=Certscope Lint/CN=lint.example"
reencode "$FX/country.pem" "$FX/subject-attribute-wrong-string-type.pem" value "$(hexof US)" 0c "$(hexof US)"
issue legacy leaf "/O=Lint Legacy/CN=lint.example"
reencode "$FX/legacy.pem" "$FX/directory-string-legacy-type.pem" value "$(hexof "Lint Legacy")" 1e \
    "$(printf 'Lint Legacy' | iconv -t UTF-16BE | od -An -v -tx1 | tr -d ' \n')"
reencode "$FX/legacy.pem" "$FX/printable-string-invalid.pem" value "$(hexof "Lint Legacy")" 13 \
    "$(hexof "Lint@Legacy")"
# Validity times of a clientAuth certificate (no CA/B validity limit) in forms DER forbids:
# UTCTime without seconds, UTCTime with an offset, GeneralizedTime (2050) with a fraction.
issue client client "/O=Certscope Lint/CN=lint client"
reencode "$FX/client.pem" "$FX/utctime-without-seconds.pem" value "$(hexof 260101000000Z)" 17 \
    "$(hexof 2601010000Z)"
reencode "$FX/client.pem" "$FX/utctime-not-zulu.pem" value "$(hexof 260101000000Z)" 17 \
    "$(hexof 260101010000+0100)"
reencode "$FX/client.pem" "$FX/generalizedtime-fraction.pem" value "$(hexof 260301000000Z)" 18 \
    "$(hexof 20500301000000.5Z)"
rm -f "$FX/base.pem" "$FX/country.pem" "$FX/legacy.pem" "$FX/client.pem"

# CRLs of the root (extensions-ok.pem revoked): a 21-octet and a negative CRL number, an
# AKI without keyIdentifier, an entry with reasonCode removeFromCRL in a full CRL, and a
# v1 CRL (version dropped) that still has extensions.
cat "$work/ext.cnf" >>"$root_dir/ca.cnf"
crl() { # OUT CRLEXTS
    ca_batch -config "$root_dir/ca.cnf" -gencrl -crlexts "$2" \
        -crl_lastupdate 20260101000000Z -crl_nextupdate 20260201000000Z -out "$work/crl.pem"
    ossl crl -in "$work/crl.pem" -out "$FX/$1.crl"
}
ca_batch -config "$root_dir/ca.cnf" -revoke "$FX/extensions-ok.pem" -crl_reason keyCompromise
crl crl-aki-key-id-missing crl_aki_issuer
crl crl-v1 crl_ok
reencode "$FX/crl-v1.crl" "$FX/crl-extensions-before-v2.crl" tbsdrop 0
rm -f "$FX/crl-v1.crl"
ca_batch -config "$root_dir/ca.cnf" -revoke "$FX/aia-ocsp-not-http.pem" -crl_reason removeFromCRL
crl crl-entry-remove-from-crl-not-delta crl_ok
# The same root without a crlnumber file: the CRL number is the extension section's.
root_dir=$(ca_dir root-nonumber "$FX/ca.pem" "$work/root.key" 01 sha256)
sed -i '/^crlnumber/d' "$root_dir/ca.cnf"
cat "$work/ext.cnf" >>"$root_dir/ca.cnf"
crl crl-number-too-long crl_number_long
crl crl-number-negative crl_number_negative

cat >"$FX/README.md" <<'MD'
# lint4 fixtures

Made by `scripts/gen-lint4-fixtures.sh` (issue 16). Each `LINT-ID.pem`/`.crl` trips the lint
of its name and nothing else; the clean side of each (`fixtures/lint3/pairs.tsv`) is
`extensions-ok.pem` here (AIA, CRL distribution point, CPS and userNotice as they should be),
`key-usage-agreement-encipher-only.pem`, or one of lint3's. `ca.pem` is the issuing root.

Re-encoded (signatures no longer verify; the lints do not look at them):
`unique-identifier-present.pem`, `subject-attribute-wrong-string-type.pem`,
`directory-string-legacy-type.pem`, `printable-string-invalid.pem`,
`utctime-without-seconds.pem`, `utctime-not-zulu.pem`, `generalizedtime-fraction.pem`,
`crl-extensions-before-v2.crl`.
MD
