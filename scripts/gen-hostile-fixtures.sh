#!/usr/bin/env bash
# Generates fixtures/hostile/: certificate material whose names, SAN values and PEM headers
# and labels carry terminal escapes (ESC [31m) and bidi overrides (U+202E), for the output
# safety tests and snapshots.
#
# Separate from gen-fixtures.sh on purpose: that script makes fresh keys for every fixture,
# which would change every snapshot. This one signs with an existing fixture key
# (fixtures/keys/p256.pem) and touches nothing outside fixtures/hostile/. Dates are fixed;
# ECDSA signatures are randomised, so a re-run changes the bytes and thumbprints of the
# certificates (review the snapshot diff, then commit both).
#
# Requirements: the `openssl` CLI (3.x), coreutils, printf.
#
# The scratch directory comes from scripts/lib/fixture-ca.sh, like the other generators';
# the CA config stays here: it carries the hostile request and extension sections, with
# the UTF-8 settings they need, in one file.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
OUT="$repo_root/fixtures/hostile"
KEY="$repo_root/fixtures/keys/p256.pem"
LEGACY="$repo_root/fixtures/keys/rsa-legacy-aes.pem"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"

fixture_workdir certscope-hostile

rm -rf -- "$OUT"
mkdir -p "$OUT"

ESC=$(printf '\033')
RLO=$(printf '\342\200\256')   # U+202E RIGHT-TO-LEFT OVERRIDE, UTF-8
BEL=$(printf '\007')

# A self-signed certificate, made by `openssl ca -selfsign` so that the dates are fixed.
mkdir -p "$work/ca/newcerts"
: >"$work/ca/index.txt"
echo 6666 >"$work/ca/serial"
cat >"$work/ca.cnf" <<CNF
[ ca ]
default_ca = hostile

[ hostile ]
dir             = $work/ca
database        = \$dir/index.txt
new_certs_dir   = \$dir/newcerts
serial          = \$dir/serial
default_md      = sha256
policy          = anything
unique_subject  = no
copy_extensions = none
email_in_dn     = yes
preserve        = yes
x509_extensions = exts

[ anything ]
commonName              = supplied
organizationName        = optional

[ req ]
distinguished_name = dn
string_mask        = utf8only
prompt             = no
utf8               = yes
[ dn ]
CN = placeholder

[ exts ]
basicConstraints = critical,CA:FALSE
keyUsage         = critical,digitalSignature
subjectAltName   = @alt

[ alt ]
DNS.1       = evil${ESC}[31m.example.com
DNS.2       = moc.elgoog${RLO}.example
URI.1       = https://evil.example/${ESC}]0;owned${BEL}
email.1     = ceo${ESC}[2J@evil.example
otherName.1 = 1.3.6.1.4.1.311.20.2.3;FORMAT:UTF8,UTF8:admin${RLO}moc.evil
CNF

subject="/CN=evil${ESC}[31mred${ESC}[0m ${RLO}gpj.exe/O=Hostile ${RLO}Names Ltd"
ossl req -new -config "$work/ca.cnf" -utf8 -key "$KEY" -subj "$subject" \
    -out "$work/req.csr"
ossl ca -batch -config "$work/ca.cnf" -selfsign -keyfile "$KEY" -utf8 \
    -startdate 20200101000000Z -enddate 20450101000000Z \
    -in "$work/req.csr" -out "$work/cert.pem" -notext 2>/dev/null
ossl x509 -in "$work/cert.pem" -out "$OUT/escape-names.pem"

# The same subject in a CSR: names outside certificates take the same path.
cp "$work/req.csr" "$OUT/escape-names.csr"

# PEM headers and labels: a legacy encrypted key whose DEK-Info cipher name carries an
# escape and a bidi override, then an unknown block whose label does.
{
    sed -e "s/^DEK-Info: AES-128-CBC,/DEK-Info: AES-128-CBC${ESC}[31m${RLO},/" "$LEGACY"
    printf -- '-----BEGIN CERTSCOPE%s[31m BLOB%s-----\nAQID\n-----END CERTSCOPE%s[31m BLOB%s-----\n' \
        "$ESC" "$RLO" "$ESC" "$RLO"
} >"$OUT/escape-pem-headers.pem"

ls -l "$OUT"
