#!/usr/bin/env bash
# Lint fixtures, third set (issue 16: toward zlint's breadth): one certificate or CRL per
# lint that trips it, beside ones that do not, under fixtures/lint3/. Kept apart from
# gen-chain-fixtures.sh (fixtures/lint/) and gen-lint-fixtures.sh (fixtures/lint2/) so that
# adding this set re-keys neither.
#
# Re-runnable: deletes and recreates fixtures/lint3/. Keys are fresh on every run; names,
# serials, dates and extensions are fixed. What openssl will not encode (a too-long
# commonName, GeneralizedTime before 2050, AlgorithmIdentifiers without their NULL) is a
# good certificate with that element re-encoded: those signatures no longer verify, which
# the lints do not look at. README.md (written at the end) lists what each file trips.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
FX="$(cd -- "$script_dir/.." && pwd)/fixtures/lint3"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"
fixture_workdir certscope-lint3

rm -rf -- "$FX"
mkdir -p "$FX"

# reencode IN.pem OUT.pem OP ARGS...: rewrite one element of IN's DER and re-encode the
# lengths around it. OPs: `value OLDHEX NEWTAG NEWHEX` (every primitive whose contents are
# OLDHEX becomes NEWTAG/NEWHEX); `dropnull OIDHEX` (AlgorithmIdentifiers of OID lose
# their NULL parameters).
reencode() {
    ossl x509 -in "$1" -outform DER -out "$work/re-in.der"
    python3 - "$work/re-in.der" "$work/re-out.der" "${@:3}" <<'PY'
import sys

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
        body = enc(v) if isinstance(v, list) else v
        n = len(body)
        k = (n.bit_length() + 7) // 8
        hdr = bytes([n]) if n < 0x80 else bytes([0x80 | k]) + n.to_bytes(k, "big")
        out += bytes([tag]) + hdr + body
    return out

op, args, hits = sys.argv[3], sys.argv[4:], [0]
def walk(nodes):
    for node in nodes:
        tag, v = node
        if isinstance(v, list):
            if op == "dropnull" and tag == 0x30 and len(v) == 2 \
                    and v[0] == [0x06, bytes.fromhex(args[0])] and v[1] == [0x05, b""]:
                del v[1]
                hits[0] += 1
            walk(v)
        elif op == "value" and v == bytes.fromhex(args[0]):
            node[0], node[1] = int(args[1], 16), bytes.fromhex(args[2])
            hits[0] += 1

tree = parse(open(sys.argv[1], "rb").read())
walk(tree)
assert hits[0], "nothing to re-encode"
open(sys.argv[2], "wb").write(enc(tree))
PY
    ossl x509 -inform DER -in "$work/re-out.der" -out "$2"
}
hexof() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
# der_names TAG:TEXT...: a GeneralNames SEQUENCE in openssl's DER:xx:yy form, for names
# openssl's own syntax will not write (IA5 text with UTF-8 in it, an IP of five octets).
der_names() {
    python3 - "$@" <<'PY'
import sys
def tlv(tag, body):
    n = len(body)
    return bytes([tag]) + (bytes([n]) if n < 0x80 else bytes([0x81, n])) + body
names = b""
for a in sys.argv[1:]:
    tag, text = a.split(":", 1)
    body = bytes.fromhex(text[4:]) if text.startswith("hex=") else text.encode()
    names += tlv(int(tag, 16), body)
print("DER:" + ":".join(f"{b:02x}" for b in tlv(0x30, names)))
PY
}

# The issuing CA: a P-256 root with every extension a CA should have.
key p256 "$work/root.key"
LEAF_BASE='basicConstraints = critical,CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid'
CA_BASE='basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid'
TLS='keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth'
{
    printf '[ root_ext ]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n'
    # section NAME LINES: one extension section.
    section() { printf '[ %s ]\n%s\n' "$1" "$2"; }
    section leaf "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example"
    section client "$LEAF_BASE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth"
    section san_empty "$LEAF_BASE
$TLS
subjectAltName = DER:30:00"
    section san_dns_invalid "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example,DNS:under_score.lint.example"
    section san_dns_ulabel "$LEAF_BASE
$TLS
subjectAltName = $(der_names 82:lint.example 82:bücher.lint.example)"
    section san_wildcard_ok "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example,DNS:*.lint.example"
    section san_wildcard_invalid "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example,DNS:w*.lint.example"
    section san_ip_length "$LEAF_BASE
$TLS
subjectAltName = $(der_names 82:lint.example 87:hex=c000020100)"
    section san_ip_public "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example,IP:8.8.8.8"
    section san_ip_reserved "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example,IP:192.168.1.1"
    section san_email_ok "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example,email:someone@lint.example,URI:https://lint.example/"
    section san_email_invalid "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example,email:no-at-sign.lint.example"
    section san_uri_invalid "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example,URI:relative/path"
    section san_critical "$LEAF_BASE
$TLS
subjectAltName = critical,DNS:lint.example"
    section san_empty_subject "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example"
    section san_empty_subject_critical "$LEAF_BASE
$TLS
subjectAltName = critical,DNS:lint.example"
    section aki_critical "basicConstraints = critical,CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = critical,keyid
$TLS
subjectAltName = DNS:lint.example"
    section aki_no_keyid "basicConstraints = critical,CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = issuer:always
$TLS
subjectAltName = DNS:lint.example"
    section ski_critical "basicConstraints = critical,CA:FALSE
subjectKeyIdentifier = critical,hash
authorityKeyIdentifier = keyid
$TLS
subjectAltName = DNS:lint.example"
    section ku_not_critical "$LEAF_BASE
keyUsage = digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:lint.example"
    section ku_empty "$LEAF_BASE
keyUsage = critical,DER:03:01:00
extendedKeyUsage = serverAuth
subjectAltName = DNS:lint.example"
    section ku_certsign_ee "$LEAF_BASE
keyUsage = critical,digitalSignature,keyCertSign
extendedKeyUsage = serverAuth
subjectAltName = DNS:lint.example"
    section ku_encipherment "$LEAF_BASE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:lint.example"
    section ku_key_agreement "$LEAF_BASE
keyUsage = critical,digitalSignature,keyAgreement
extendedKeyUsage = serverAuth
subjectAltName = DNS:lint.example"
    section nc_leaf "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example
nameConstraints = critical,permitted;DNS:lint.example"
    section eku_any_critical "$LEAF_BASE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,anyExtendedKeyUsage
subjectAltName = DNS:lint.example"
    section crldp_critical "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example
crlDistributionPoints = critical,URI:http://lint.example/ca.crl"
    section freshest_critical "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example
freshestCRL = critical,URI:http://lint.example/delta.crl"
    section aia_critical "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example
authorityInfoAccess = critical,caIssuers;URI:http://lint.example/ca.crt"
    section ian_critical "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example
issuerAltName = critical,DNS:ca.lint.example"
    section sda_critical "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example
2.5.29.9 = critical,DER:30:1b:30:19:06:08:2b:06:01:05:05:07:09:01:31:0d:18:0b:31:39:37:30:30:31:30:31:31:32:5a"
    section extensions_ok "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example,email:someone@lint.example,URI:https://lint.example/
crlDistributionPoints = URI:http://lint.example/ca.crl
freshestCRL = URI:http://lint.example/delta.crl
authorityInfoAccess = caIssuers;URI:http://lint.example/ca.crt
issuerAltName = DNS:ca.lint.example
certificatePolicies = 2.23.140.1.2.1
2.5.29.9 = DER:30:1b:30:19:06:08:2b:06:01:05:05:07:09:01:31:0d:18:0b:31:39:37:30:30:31:30:31:31:32:5a"
    section policies_duplicate "$LEAF_BASE
$TLS
subjectAltName = DNS:lint.example
certificatePolicies = 2.23.140.1.2.1,2.23.140.1.2.1"
    section ca_good "$CA_BASE
nameConstraints = critical,permitted;DNS:lint.example
policyConstraints = critical,requireExplicitPolicy:0
inhibitAnyPolicy = critical,0
policyMappings = critical,1.3.6.1.4.1.55555.1:1.3.6.1.4.1.55555.2
subjectInfoAccess = caRepository;URI:http://lint.example/repo/"
    section ca_nc "$CA_BASE
nameConstraints = permitted;DNS:lint.example"
    section ca_pc "$CA_BASE
policyConstraints = requireExplicitPolicy:0"
    section ca_iap "$CA_BASE
inhibitAnyPolicy = 0"
    section ca_pm "$CA_BASE
policyMappings = 1.3.6.1.4.1.55555.1:1.3.6.1.4.1.55555.2"
    section ca_sia "$CA_BASE
subjectInfoAccess = critical,caRepository;URI:http://lint.example/repo/"
    section ca_empty "$CA_BASE"
    printf '[ crl_ok ]\nauthorityKeyIdentifier = keyid:always\n'
    printf '[ crl_idp ]\nauthorityKeyIdentifier = keyid:always\nissuingDistributionPoint = critical,@idp\n'
    printf '[ crl_idp_nc ]\nauthorityKeyIdentifier = keyid:always\nissuingDistributionPoint = @idp\n'
    printf '[ idp ]\nfullname = URI:http://lint.example/ca.crl\n'
    printf '[ crl_delta ]\nauthorityKeyIdentifier = keyid:always\n2.5.29.27 = critical,DER:02:01:01\n'
    printf '[ crl_delta_nc ]\nauthorityKeyIdentifier = keyid:always\n2.5.29.27 = DER:02:01:01\n'
    printf '[ crl_number_critical ]\nauthorityKeyIdentifier = keyid:always\ncrlNumber = critical,DER:02:01:07\n'
} >"$work/ext.cnf"

root_dir=$(ca_dir root "$work/root.pem" "$work/root.key" 01 sha256)
# Leaves may have an empty subject (the policy asks for a commonName by default).
sed -i 's/^commonName *= supplied/commonName = optional/' "$root_dir/ca.cnf"
mkcsr "$work/root.key" "/O=Certscope Lint/CN=Certscope Lint3 Root" "$work/root.csr"
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
issue clean-leaf leaf
issue san-empty san_empty
issue san-dns-invalid san_dns_invalid
issue san-dns-ulabel san_dns_ulabel
issue san-wildcard-ok san_wildcard_ok
issue san-wildcard-invalid san_wildcard_invalid
issue san-ip-length san_ip_length
issue san-ip-public san_ip_public
issue san-ip-reserved san_ip_reserved
issue san-email-uri-ok san_email_ok
issue san-email-invalid san_email_invalid
issue san-uri-invalid san_uri_invalid
issue san-critical-with-subject san_critical
issue san-not-critical-empty-subject san_empty_subject "/"
issue san-critical-empty-subject san_empty_subject_critical "/"
issue subject-empty-without-san client "/"
issue client-leaf client "/O=Certscope Lint/CN=lint client"
issue aki-critical aki_critical
issue aki-key-id-missing aki_no_keyid
issue ski-critical ski_critical
issue key-usage-not-critical ku_not_critical
issue key-usage-empty ku_empty
issue keycertsign-without-ca ku_certsign_ee
issue ec-key-usage-encipherment ku_encipherment
issue name-constraints-on-non-ca nc_leaf
issue eku-any-critical eku_any_critical
issue crl-distribution-points-critical crldp_critical
issue freshest-crl-critical freshest_critical
issue aia-critical aia_critical
issue issuer-alt-name-critical ian_critical
issue subject-directory-attributes-critical sda_critical
issue extensions-ok extensions_ok
issue certificate-policies-duplicate policies_duplicate
issue subject-country-invalid leaf "/C=us/O=Certscope Lint/CN=lint.example"
issue subject-country-ok leaf "/C=US/O=Certscope Lint/CN=lint.example"
# notAfter before notBefore (neither passed at the tests' date, 2026-01-15).
issue validity-not-positive leaf "/O=Certscope Lint/CN=lint.example" "$work/leaf.key" \
    20260601000000Z 20260301000000Z

key ed25519 "$work/ed.key"
issue ed25519-key-usage-ok leaf "/O=Certscope Lint/CN=lint.example" "$work/ed.key"
issue eddsa-key-usage-invalid ku_key_agreement "/O=Certscope Lint/CN=lint.example" "$work/ed.key"
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 \
    -pkeyopt ec_param_enc:named_curve -out "$work/k1.key"
issue ec-curve-not-allowed leaf "/O=Certscope Lint/CN=lint.example" "$work/k1.key"
key rsa2052 "$work/rsa2052.key"
issue rsa-modulus-not-multiple-of-8 leaf "/O=Certscope Lint/CN=lint.example" "$work/rsa2052.key"

# CA certificates below the root: all extensions right, then one of them wrong each.
key p256 "$work/ca.key"
for c in ca_good:ca-good ca_nc:name-constraints-not-critical ca_pc:policy-constraints-not-critical \
    ca_iap:inhibit-any-policy-not-critical ca_pm:policy-mappings-not-critical \
    ca_sia:sia-critical; do
    issue "${c#*:}" "${c%%:*}" "/O=Certscope Lint/CN=Lint3 ${c#*:}" "$work/ca.key" \
        20250101000000Z 20350101000000Z
done

# A CA with an empty subject and a leaf it issued (so with an empty issuer).
issue ca-empty-subject ca_empty "/" "$work/ca.key" 20250101000000Z 20350101000000Z
empty_dir=$(ca_dir empty "$FX/ca-empty-subject.pem" "$work/ca.key" 10 sha256)
ossl req -new -config "$work/req.cnf" -key "$work/leaf.key" -subj "/O=Certscope Lint/CN=lint.example" \
    -out "$work/empty-issued.csr"
ca_sign "$empty_dir" "$work/empty-issued.csr" "$work/empty-issued.pem" leaf \
    20260101000000Z 20260301000000Z
ossl x509 -in "$work/empty-issued.pem" -out "$FX/issuer-empty.pem"

# Re-encoded: a 70-character commonName (ub-common-name is 64) on a client certificate;
# notBefore as GeneralizedTime (a 2026 date must be UTCTime); RSA AlgorithmIdentifiers
# without their NULL parameters (signature, inside and out; and the key's).
issue cn-short client "/O=Certscope Lint/CN=lint-cn"
reencode "$FX/cn-short.pem" "$FX/subject-attribute-too-long.pem" value "$(hexof lint-cn)" 0c \
    "$(hexof "$(printf 'a%.0s' {1..70})")"
reencode "$FX/clean-leaf.pem" "$FX/generalizedtime-before-2050.pem" value \
    "$(hexof 260101000000Z)" 18 "$(hexof 20260101000000Z)"
key rsa2048 "$work/rsa.key"
issue rsa-leaf leaf "/O=Certscope Lint/CN=lint.example" "$work/rsa.key"
reencode "$FX/rsa-leaf.pem" "$FX/spki-algorithm-parameters-invalid.pem" dropnull 2a864886f70d010101
rsa_dir=$(ca_dir rsa "$FX/rsa-root.pem" "$work/rsa.key" 20 sha256)
mkcsr "$work/rsa.key" "/O=Certscope Lint/CN=Lint3 RSA Root" "$work/rsa-root.csr"
ca_sign "$rsa_dir" "$work/rsa-root.csr" "$work/rsa-root.pem" root_ext 20200101000000Z \
    20450101000000Z -selfsign -keyfile "$work/rsa.key"
ossl x509 -in "$work/rsa-root.pem" -out "$FX/rsa-root.pem"
ca_sign "$rsa_dir" "$work/issue.csr" "$work/rsa-issued.pem" leaf 20260101000000Z 20260301000000Z
ossl x509 -in "$work/rsa-issued.pem" -out "$FX/rsa-issued.pem"
reencode "$FX/rsa-issued.pem" "$FX/signature-algorithm-parameters-invalid.pem" dropnull \
    2a864886f70d01010b

# CRLs of the root (clean-leaf.pem revoked): right; without a CRL number; without an AKI;
# the CRL number critical; an issuingDistributionPoint and a deltaCRLIndicator, critical and
# not; nextUpdate before thisUpdate; an entry with reasonCode unspecified.
# -crlexts names a section of the CA's config: append ours.
cat "$work/ext.cnf" >>"$root_dir/ca.cnf"
crl() { # OUT CRLEXTS [LAST NEXT]
    local exts=()
    [ -n "$2" ] && exts=(-crlexts "$2")
    ca_batch -config "$root_dir/ca.cnf" -gencrl "${exts[@]}" \
        -crl_lastupdate "${3:-20260101000000Z}" -crl_nextupdate "${4:-20260201000000Z}" \
        -out "$work/crl.pem"
    ossl crl -in "$work/crl.pem" -out "$FX/$1.crl"
}
ca_batch -config "$root_dir/ca.cnf" -revoke "$FX/clean-leaf.pem" -crl_reason keyCompromise
crl crl-ok crl_ok
crl crl-aki-missing ""
crl crl-idp-ok crl_idp
crl crl-idp-not-critical crl_idp_nc
crl crl-delta-ok crl_delta
crl crl-delta-not-critical crl_delta_nc
crl crl-next-update-before-this-update crl_ok 20260301000000Z 20260201000000Z
ca_batch -config "$root_dir/ca.cnf" -revoke "$FX/san-empty.pem" -crl_reason unspecified
crl crl-entry-reason-unspecified crl_ok
# The same root without a crlnumber file (and nothing revoked): no CRL number, unless the
# extension section writes one.
root_dir=$(ca_dir root-nonumber "$FX/ca.pem" "$work/root.key" 01 sha256)
sed -i '/^crlnumber/d' "$root_dir/ca.cnf"
cat "$work/ext.cnf" >>"$root_dir/ca.cnf"
crl crl-number-missing crl_ok
crl crl-number-critical crl_number_critical
rm -f "$FX/cn-short.pem"

cat >"$FX/README.md" <<'MD'
# lint3 fixtures

Made by `scripts/gen-lint3-fixtures.sh` (issue 16). Each `LINT-ID.pem`/`.crl` trips the lint
of its name (`aki-critical.pem`: `authority-key-id-critical`, `ski-critical.pem`:
`subject-key-id-critical`; `san-empty.pem` also trips `san-missing`) and nothing else; the
clean side of each is one of `clean-leaf.pem`, `client-leaf.pem`, `extensions-ok.pem`
(every non-critical extension, rightly marked), `ca-good.pem` (every CA extension, rightly
marked), `san-*-ok.pem`, `san-ip-public.pem`, `san-critical-empty-subject.pem`,
`subject-country-ok.pem`, `ed25519-key-usage-ok.pem`, `rsa-leaf.pem`, `rsa-issued.pem`,
`crl-ok.crl`, `crl-idp-ok.crl`, `crl-delta-ok.crl`. `tests/cli/check.rs`
(`lint3_fixtures_trip_their_lint_and_only_it`) holds the table.

Re-encoded (signatures no longer verify; the lints do not look at them):
`subject-attribute-too-long.pem`, `generalizedtime-before-2050.pem`,
`signature-algorithm-parameters-invalid.pem`, `spki-algorithm-parameters-invalid.pem`.
`ca.pem` is the issuing root, `rsa-root.pem` the issuer of `rsa-issued.pem`,
`ca-empty-subject.pem` the issuer of `issuer-empty.pem`.
MD
