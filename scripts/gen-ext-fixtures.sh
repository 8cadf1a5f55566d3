#!/usr/bin/env bash
# Generates fixtures/extensions/: CRLs and certificates carrying the extensions of issue 14
# items 2 and 3 that openssl decodes: CRL entry extensions (certificateIssuer of an indirect
# CRL, invalidityDate, reasonCode, an unknown critical one), issuingDistributionPoint,
# deltaCRLIndicator, freshestCRL, privateKeyUsagePeriod, subjectInfoAccess,
# subjectDirectoryAttributes, policyMappings, policyConstraints, inhibitAnyPolicy, TLS feature
# (must-staple), the Microsoft certificate template / template name / application policies,
# the CT poison and SCTs from a known and an unknown log.
#
# Separate from gen-fixtures.sh, like gen-oid-fixtures.sh: it signs with an existing fixture
# key (fixtures/keys/ed25519.pem) and touches nothing outside fixtures/extensions/. Ed25519
# signatures are deterministic and dates and serials are fixed, so a re-run gives the same
# bytes as long as the key is the same.
#
# `openssl ca` cannot write CRL entry extensions other than the reason and invalidity date,
# nor a deltaCRLIndicator, so the CRLs are written here with a small DER writer and signed
# with `openssl pkeyutl -rawin`. Certificate extensions openssl has no config syntax for are
# given as raw `DER:` values.
#
# Requirements: the `openssl` CLI (3.x), coreutils (od, base64).
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
OUT="$repo_root/fixtures/extensions"
KEY="$repo_root/fixtures/keys/ed25519.pem"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"

fixture_workdir certscope-ext

rm -rf -- "$OUT"
mkdir -p "$OUT"

# --- a small DER writer: every function prints lower-case hex ---------------------------

# derlen N: the DER length octets of N content octets.
derlen() {
    local n=$1
    if ((n < 128)); then printf '%02x' "$n"
    elif ((n < 256)); then printf '81%02x' "$n"
    elif ((n < 65536)); then printf '82%04x' "$n"
    else echo "derlen: $n is too long" >&2; return 1
    fi
}
# tlv TAGHEX CONTENTHEX
tlv() { printf '%s%s%s' "$1" "$(derlen $((${#2} / 2)))" "$2"; }
# gen ASN1-GENSTR: one primitive value as openssl's -genstr writes it (OID:1.2.3, UTF8:x,
# GENTIME:20200101000000Z, INTEGER:5, ENUMERATED:1, BMPSTRING:x, NULL, BOOLEAN:TRUE, ...).
gen() {
    ossl asn1parse -genstr "$1" -noout -out "$work/gen.der" >/dev/null
    od -An -tx1 -v "$work/gen.der" | tr -d ' \n'
}
hex_of_file() { od -An -tx1 -v "$1" | tr -d ' \n'; }
unhex() { printf '%s' "$1" | sed 's/../\\x&/g' | xargs -0 printf '%b'; }
seq_() { tlv 30 "$(printf '%s' "$@")"; }
# name CN [O]: a Name of one or two RDNs (O first, as DER order puts it), UTF8String values.
name() {
    local rdns=""
    if [ $# -gt 1 ]; then rdns+=$(tlv 31 "$(seq_ "$(gen OID:2.5.4.10)" "$(gen "UTF8:$2")")"); fi
    rdns+=$(tlv 31 "$(seq_ "$(gen OID:2.5.4.3)" "$(gen "UTF8:$1")")")
    tlv 30 "$rdns"
}
# ext OID CRITICAL(0|1) VALUEHEX: one Extension.
ext() {
    local crit=""
    [ "$2" = 1 ] && crit=$(gen BOOLEAN:TRUE)
    seq_ "$(gen "OID:$1")" "$crit" "$(tlv 04 "$3")"
}
# entry SERIALHEX DATE [EXTENSIONSHEX]: one revokedCertificates entry.
entry() {
    local exts=""
    [ $# -gt 2 ] && exts=$(seq_ "$3")
    seq_ "$(tlv 02 "$1")" "$(gen "UTCTIME:$2")" "$exts"
}
reason() { ext 2.5.29.21 0 "$(gen "ENUMERATED:$1")"; }
ED25519_ALG=$(seq_ "$(gen OID:1.3.101.112)")

# crl OUT ISSUERHEX ENTRIESHEX CRLEXTSHEX: a v2 CRL, thisUpdate 2024-01-01, nextUpdate
# 2045-01-01, signed with the fixture key.
crl() {
    local entries=""
    [ -n "$3" ] && entries=$(seq_ "$3")
    local tbs
    tbs=$(seq_ "$(gen INTEGER:1)" "$ED25519_ALG" "$2" "$(gen UTCTIME:240101000000Z)" \
        "$(gen UTCTIME:450101000000Z)" "$entries" "$(tlv a0 "$(seq_ "$4")")")
    unhex "$tbs" >"$work/tbs.der"
    ossl pkeyutl -sign -inkey "$KEY" -rawin -in "$work/tbs.der" -out "$work/sig.bin"
    unhex "$(seq_ "$tbs" "$ED25519_ALG" "$(tlv 03 "00$(hex_of_file "$work/sig.bin")")")" \
        >"$work/crl.der"
    ossl crl -inform DER -in "$work/crl.der" -out "$1"
}

CA=$(name "certscope extensions CA" "certscope")
OTHER=$(name "Other CA" "Example")
URI() { tlv 86 "$(printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n')"; }
DIRNAME() { tlv a4 "$1"; }
IDP=2.5.29.28

# indirect.crl: an indirect CRL (IDP: full name, only some reasons, indirectCRL), whose
# entries change issuer with certificateIssuer:
#   01  keyCompromise, invalidityDate 2023-12-01 (the CRL issuer's)
#   02  certificateIssuer CN=Other CA (critical), cACompromise
#   03  no extensions: still Other CA's
#   04  certificateIssuer back to the CRL issuer, an unknown critical entry extension 2.999.20
idp_indirect=$(seq_ "$(tlv a0 "$(tlv a0 "$(URI http://crl.example/indirect.crl)")")" \
    "$(tlv 83 0560)" "$(tlv 84 ff)")
crl "$OUT/indirect.crl" "$CA" \
    "$(entry 01 240102000000Z "$(reason 1)$(ext 2.5.29.24 0 "$(gen GENTIME:20231201000000Z)")")$(
    entry 02 240103000000Z "$(ext 2.5.29.29 1 "$(seq_ "$(DIRNAME "$OTHER")")")$(reason 2)")$(
    entry 03 240104000000Z)$(
    entry 04 240105000000Z "$(ext 2.5.29.29 1 "$(seq_ "$(DIRNAME "$CA")")")$(ext 2.999.20 1 "$(gen "UTF8:entry extension")")")" \
    "$(ext 2.5.29.20 0 "$(gen INTEGER:7)")$(ext $IDP 1 "$idp_indirect")"

# delta.crl: a delta CRL (deltaCRLIndicator: base CRL 7) whose IDP names the distribution
# point relative to the issuer (CN=dp1) and covers user certificates only; one entry
# removeFromCRL.
idp_delta=$(seq_ "$(tlv a0 "$(tlv a1 "$(seq_ "$(gen OID:2.5.4.3)" "$(gen UTF8:dp1)")")")" \
    "$(tlv 81 ff)")
crl "$OUT/delta.crl" "$CA" \
    "$(entry 05 240106000000Z "$(reason 8)")" \
    "$(ext 2.5.29.20 0 "$(gen INTEGER:8)")$(ext 2.5.29.27 1 "$(gen INTEGER:7)")$(ext $IDP 1 "$idp_delta")"

# ca-only.crl: IDP covering CA certificates only, no entries; attribute-only.crl: attribute
# certificates only.
crl "$OUT/ca-only.crl" "$CA" "" \
    "$(ext 2.5.29.20 0 "$(gen INTEGER:9)")$(ext $IDP 1 "$(seq_ "$(tlv 82 ff)")")"
crl "$OUT/attribute-only.crl" "$CA" "" \
    "$(ext 2.5.29.20 0 "$(gen INTEGER:10)")$(ext $IDP 1 "$(seq_ "$(tlv 85 ff)")")"

# --- certificates ----------------------------------------------------------------------

# One SCT (RFC 6962 §3.2) in TLS encoding: v1, LOGIDHEX, timestamp 2024-01-01T00:00:00Z
# (1704067200000 ms), no extensions, ecdsa-with-SHA256 with a fake 8-byte signature.
sct() { printf '00%s%016x0000040300080102030405060708' "$1" 1704067200000; }
ARGON2024=$(printf '%s' '7s3QZNXbGs7FXLedtM0TojKHRny87N7DUUhZRnEftZs=' | base64 -d | od -An -tx1 -v | tr -d ' \n')
UNKNOWN_LOG=$(printf '11%.0s' $(seq 32))
sct1=$(sct "$ARGON2024")
sct2=$(sct "$UNKNOWN_LOG")
list=$(printf '%04x%s%04x%s' $((${#sct1} / 2)) "$sct1" $((${#sct2} / 2)) "$sct2")
SCTS=$(tlv 04 "$(printf '%04x%s' $((${#list} / 2)) "$list")")

# MS certificate template: template OID 1.3.6.1.4.1.311.21.8.1.2.3, major 100, minor 3.
MS_TEMPLATE=$(seq_ "$(gen OID:1.3.6.1.4.1.311.21.8.1.2.3)" "$(gen INTEGER:100)" "$(gen INTEGER:3)")
# MS application policies: clientAuth, msSmartcardLogin (policyIdentifiers as in
# certificatePolicies).
MS_APP=$(seq_ "$(seq_ "$(gen OID:1.3.6.1.5.5.7.3.2)")" "$(seq_ "$(gen OID:1.3.6.1.4.1.311.20.2.2)")")
# privateKeyUsagePeriod: [0] 2020-01-01, [1] 2030-01-01 (GeneralizedTime, IMPLICIT).
PKUP=$(seq_ "$(tlv 80 "$(printf '%s' 20200101000000Z | od -An -tx1 -v | tr -d ' \n')")" \
    "$(tlv 81 "$(printf '%s' 20300101000000Z | od -An -tx1 -v | tr -d ' \n')")")
# subjectDirectoryAttributes: dateOfBirth 1970-01-01T12:00:00Z, countryOfCitizenship DE and
# FR, and an unknown attribute 2.999.21 holding an INTEGER.
SDA=$(seq_ \
    "$(seq_ "$(gen OID:1.3.6.1.5.5.7.9.1)" "$(tlv 31 "$(gen GENTIME:19700101120000Z)")")" \
    "$(seq_ "$(gen OID:1.3.6.1.5.5.7.9.4)" "$(tlv 31 "$(gen PRINTABLESTRING:DE)$(gen PRINTABLESTRING:FR)")")" \
    "$(seq_ "$(gen OID:2.999.21)" "$(tlv 31 "$(gen INTEGER:42)")")")

mkdir -p "$work/ca/newcerts"
: >"$work/ca/index.txt"
echo 1500 >"$work/ca/serial"
cat >"$work/ca.cnf" <<CNF
[ ca ]
default_ca = ext

[ ext ]
dir             = $work/ca
database        = \$dir/index.txt
new_certs_dir   = \$dir/newcerts
serial          = \$dir/serial
default_md      = default
policy          = anything
unique_subject  = no
copy_extensions = none
preserve        = yes

[ anything ]
commonName = supplied

[ req ]
distinguished_name = dn
prompt             = no
[ dn ]
CN = placeholder

# SCTs from Google 'Argon2024' and from an unknown log, and must-staple.
[ ct ]
basicConstraints = critical,CA:FALSE
tlsfeature       = status_request
1.3.6.1.4.1.11129.2.4.2 = DER:$SCTS

# A precertificate: the CT poison, critical.
[ precert ]
basicConstraints = critical,CA:FALSE
1.3.6.1.4.1.11129.2.4.3 = critical,DER:0500

# A CA with policy controls.
[ policies ]
basicConstraints     = critical,CA:TRUE
keyUsage             = critical,keyCertSign,cRLSign
certificatePolicies  = 1.3.6.1.4.1.55555.2.1, 1.3.6.1.4.1.55555.2.2
policyMappings       = 1.3.6.1.4.1.55555.2.1:2.23.140.1.2.1, 1.3.6.1.4.1.55555.2.2:2.23.140.1.2.2
policyConstraints    = critical,requireExplicitPolicy:0,inhibitPolicyMapping:1
inhibitAnyPolicy     = critical,2
subjectInfoAccess    = caRepository;URI:http://repo.example/, 1.3.6.1.5.5.7.48.3;URI:http://tsa.example/

# The rest: private key usage period, subject directory attributes, freshest CRL, the
# Microsoft template extensions.
[ misc ]
basicConstraints         = critical,CA:FALSE
freshestCRL              = URI:http://crl.example/delta.crl
2.5.29.16                = DER:$PKUP
2.5.29.9                 = DER:$SDA
1.3.6.1.4.1.311.20.2     = DER:$(gen BMPSTRING:WebServer)
1.3.6.1.4.1.311.21.7     = DER:$MS_TEMPLATE
1.3.6.1.4.1.311.21.10    = DER:$MS_APP
CNF

# issue NAME SUBJECT EXTSECTION: a self-signed certificate with fixed dates.
issue() {
    ossl req -new -config "$work/ca.cnf" -key "$KEY" -subj "$2" -out "$work/$1.csr"
    ca_batch -config "$work/ca.cnf" -selfsign -keyfile "$KEY" -notext \
        -startdate 20200101000000Z -enddate 20450101000000Z \
        -extensions "$3" -in "$work/$1.csr" -out "$work/$1.pem"
    ossl x509 -in "$work/$1.pem" -out "$OUT/$1.pem"
}

issue ct "/CN=ct.example" ct
issue precert "/CN=precert.example" precert
issue policies "/CN=policy CA" policies
issue misc "/CN=misc extensions" misc

ls -l "$OUT"
