#!/usr/bin/env bash
# Generates fixtures/oids/: certificates and a CSR whose names and extensions carry object
# identifiers of every size (issue 14 item 1): arcs of 2^64 and more (UUID OIDs 2.25.<uuid>,
# 1.3.6.1.4.1.18446744073709551615), first-level arcs of 40 and more under 2 (2.40.1,
# 2.51.1 the GS1 arc, 2.999.x), and malformed OID encodings inside extension values.
#
# Separate from gen-fixtures.sh, like gen-hostile-fixtures.sh: it signs with an existing
# fixture key (fixtures/keys/ed25519.pem) and touches nothing outside fixtures/oids/.
# Ed25519 signatures are deterministic and the dates and serials are fixed, so a re-run
# gives the same bytes as long as the key is the same.
#
# openssl only takes DN attribute types it has a name for, so the big-arc types are named
# in an `oid_section` (uuidAttr = 2.25.<uuid>, ...). Compare with openssl without that
# config (`OPENSSL_CONF=/dev/null openssl x509 -text ...`): it then prints them dotted.
#
# Requirements: the `openssl` CLI (3.x), coreutils.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
OUT="$repo_root/fixtures/oids"
KEY="$repo_root/fixtures/keys/ed25519.pem"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"

fixture_workdir certscope-oids

rm -rf -- "$OUT"
mkdir -p "$OUT"

UUID=2.25.329800735698586629295641978511506172918 # a 128-bit UUID arc (RFC 4122 §C, X.667)
U64MAX=1.3.6.1.4.1.18446744073709551615           # an arc of 2^64 - 1
TWO64=1.2.3.18446744073709551616                   # an arc of 2^64

mkdir -p "$work/ca/newcerts"
: >"$work/ca/index.txt"
echo 1400 >"$work/ca/serial"
cat >"$work/ca.cnf" <<CNF
oid_section = new_oids

[ new_oids ]
uuidAttr    = $UUID
u64maxAttr  = $U64MAX
exampleAttr = 2.999.7
gs1Attr     = 2.51.1
dpAttr      = 2.999.9

[ ca ]
default_ca = oids

[ oids ]
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
commonName  = supplied
uuidAttr    = optional
u64maxAttr  = optional
exampleAttr = optional
gs1Attr     = optional

[ req ]
distinguished_name = dn
string_mask        = utf8only
prompt             = no
utf8               = yes
[ dn ]
CN = placeholder

[ plain ]
basicConstraints = critical,CA:FALSE

[ big ]
basicConstraints    = critical,CA:FALSE
extendedKeyUsage    = serverAuth, 2.999.1, $TWO64, $U64MAX
certificatePolicies = $UUID, 2.999.7, @gs1policy
policyMappings      = 2.999.7:$UUID
subjectAltName      = RID:2.999.3, otherName:2.999.4;UTF8:other name, otherName:$UUID;UTF8:uuid name, DNS:oids.example
authorityInfoAccess = 2.999.5;URI:http://oids.example/aia, caIssuers;URI:http://oids.example/ca.crt
subjectInfoAccess   = $UUID;URI:http://oids.example/sia, 2.40.1;URI:http://oids.example/sia2
crlDistributionPoints = crldp
2.999.6             = ASN1:UTF8String:extension 2.999.6
$U64MAX             = critical,DER:0500

# A distribution point named relative to the CRL issuer, with a 2.999.9 attribute.
[ crldp ]
relativename = crldp_rdn
[ crldp_rdn ]
CN      = dp
+dpAttr = relative

[ gs1policy ]
policyIdentifier = 2.51.1
CPS.1            = http://oids.example/cps

# Malformed OBJECT IDENTIFIER contents inside extension values:
#   EKU: serverAuth; 06 03 2a 80 01 (arc padded with a leading 0x80: not minimal);
#        06 02 2a 86 (last arc cut: its octet has the continuation bit); 06 00 (empty)
#   policies: 06 02 2a 86 (cut), then 2.999.7 well formed
[ malformed ]
basicConstraints    = critical,CA:FALSE
extendedKeyUsage    = DER:301506082b0601050507030106032a800106022a860600
certificatePolicies = DER:300d300406022a8630050603883707
CNF

# issue NAME SUBJECT EXTSECTION: a self-signed certificate with fixed dates, and its CSR.
issue() {
    ossl req -new -config "$work/ca.cnf" -utf8 -key "$KEY" -subj "$2" -out "$work/$1.csr"
    ca_batch -config "$work/ca.cnf" -selfsign -keyfile "$KEY" -utf8 -notext \
        -startdate 20200101000000Z -enddate 20450101000000Z \
        -extensions "$3" -in "$work/$1.csr" -out "$work/$1.pem"
    ossl x509 -in "$work/$1.pem" -out "$OUT/$1.pem"
}

issue big-arcs-subject \
    "/CN=big arcs/uuidAttr=uuid value/u64maxAttr=u64max value/exampleAttr=example/gs1Attr=gs1" \
    plain
cp "$work/big-arcs-subject.csr" "$OUT/big-arcs-subject.csr"
issue big-arcs-extensions "/CN=big arc extensions" big
issue malformed-oids "/CN=malformed oids" malformed

ls -l "$OUT"
