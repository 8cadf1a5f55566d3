#!/usr/bin/env bash
# Regenerate the certscope test fixture set under fixtures/.
#
# Requirements: the `openssl` CLI (OpenSSL 3.x, with the legacy provider for
# pkcs12/leaf-legacy.p12), coreutils, python3 (only for the JSON fixture).
#
# The script is re-runnable: it deletes every generated fixture directory and
# file under fixtures/ and recreates them. Scratch files (CA databases, config
# files, CSRs used only for signing) live in a mktemp directory that is removed
# on exit. Keys are freshly generated on every run, so every run produces new
# bytes (and new fingerprints), but the structure, names, serials, dates and
# extensions are fixed.
#
# The scratch directory, key generation and the `openssl ca` setup come from
# scripts/lib/fixture-ca.sh, shared with gen-chain-fixtures.sh and
# gen-hostile-fixtures.sh.
#
# Every password used by the fixtures is: test
set -euo pipefail

PASS=test

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
FX="$repo_root/fixtures"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"

fixture_workdir certscope-fixtures

# Dates used throughout (UTCTime in the certificates because < 2050).
NOT_BEFORE=20200101000000Z
NOT_AFTER=20450101000000Z

# ---------------------------------------------------------------------------
# Wipe and recreate the output tree.
# ---------------------------------------------------------------------------
subdirs=(keys certs bundles csr crl pkcs7 pkcs12 damaged)
mkdir -p "$FX"
for d in "${subdirs[@]}"; do
    rm -rf -- "${FX:?}/$d"
    mkdir -p "$FX/$d"
done
rm -f -- "$FX/openssl-fingerprints.txt" "$FX/README.md"
# Fixtures are byte-exact test inputs (CRLF bundle, binary DER/P12): no EOL conversion.
printf '* -text\n' >"$FX/.gitattributes"

K="$FX/keys"
C="$FX/certs"
B="$FX/bundles"
R="$FX/csr"
L="$FX/crl"
P7="$FX/pkcs7"
P12="$FX/pkcs12"
D="$FX/damaged"

# relabel IN OUT OLDLABEL NEWLABEL: rewrite the PEM BEGIN/END lines.
relabel() {
    sed -e "s/^-----BEGIN $3-----\$/-----BEGIN $4-----/" \
        -e "s/^-----END $3-----\$/-----END $4-----/" "$1" >"$2"
}

# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------
key rsa2048 "$K/rsa-2048.pem"
ossl rsa -in "$K/rsa-2048.pem" -traditional -out "$K/rsa-2048-pkcs1.pem" 2>/dev/null
ossl pkcs8 -topk8 -nocrypt -in "$K/rsa-2048.pem" -outform DER -out "$K/rsa-2048.der"
ossl rsa -in "$K/rsa-2048.pem" -traditional -outform DER -out "$K/rsa-2048-pkcs1.der" 2>/dev/null

key p256 "$K/p256.pem"
ossl ec -in "$K/p256.pem" -out "$K/p256-sec1.pem" 2>/dev/null
ossl ec -in "$K/p256.pem" -outform DER -out "$K/p256-sec1.der" 2>/dev/null

key p384 "$K/p384.pem"
key ed25519 "$K/ed25519.pem"

ossl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 \
    -pkeyopt dsa_paramgen_q_bits:256 -out "$work/dsa-params.pem" 2>/dev/null
ossl genpkey -paramfile "$work/dsa-params.pem" -out "$work/dsa-pkcs8.pem"
ossl dsa -in "$work/dsa-pkcs8.pem" -out "$K/dsa-legacy.pem" 2>/dev/null

# Intermediate CA key (RSA-2048).
key rsa2048 "$K/intermediate-rsa.pem"

# Public keys.
ossl pkey -in "$K/rsa-2048.pem" -pubout -out "$K/rsa-2048-pub.pem"
ossl rsa -in "$K/rsa-2048.pem" -RSAPublicKey_out -out "$K/rsa-2048-pub-pkcs1.pem" 2>/dev/null
ossl pkey -in "$K/p256.pem" -pubout -outform DER -out "$K/p256-pub.der"
ossl pkey -in "$K/ed25519.pem" -pubout -out "$K/ed25519-pub.pem"

# Encrypted keys.
ossl pkcs8 -topk8 -in "$K/p256.pem" -v2 aes-256-cbc -v2prf hmacWithSHA256 \
    -passout "pass:$PASS" -out "$K/p256-pkcs8-aes.pem"
ossl pkcs8 -topk8 -in "$K/p256.pem" -v2 aes-256-cbc -v2prf hmacWithSHA256 \
    -passout "pass:$PASS" -outform DER -out "$K/p256-pkcs8-aes.der"
ossl rsa -in "$K/rsa-2048.pem" -traditional -aes128 -passout "pass:$PASS" \
    -out "$K/rsa-legacy-aes.pem" 2>/dev/null
ossl ec -in "$K/p256.pem" -des3 -passout "pass:$PASS" -out "$K/p256-legacy-des3.pem" 2>/dev/null

# Domain parameters.
ossl ecparam -name prime256v1 -out "$K/ec-params.pem"
ossl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out "$K/dh-params.pem"

# ---------------------------------------------------------------------------
# Certificate Transparency SCT list (TLS encoding, RFC 6962 section 3.3).
# One v1 SCT: version 0, 32-byte log id, timestamp 2020-01-01T00:00:00Z in ms,
# empty extensions, hash sha256 (4) / signature ecdsa (3), DER ECDSA signature
# with fixed (fake) r and s.
# ---------------------------------------------------------------------------
hex_sha256() { printf '%s' "$1" | ossl dgst -sha256 -r | cut -c1-64; }
sct_log_id=$(hex_sha256 "certscope test CT log")
sct_ts=$(printf '%016x' 1577836800000)
sct_r="1$(hex_sha256 'certscope sct r' | cut -c2-64)"  # force high bit clear
sct_s="2$(hex_sha256 'certscope sct s' | cut -c2-64)"
sct_sig="3044""0220${sct_r}""0220${sct_s}"                       # 70 bytes
sct_body="00${sct_log_id}${sct_ts}0000""0403""0046${sct_sig}"      # 117 bytes
sct_entry="0075${sct_body}"                                       # 119 bytes
sct_list="0077${sct_entry}"                                       # 121 bytes
sct_ext_hex="0479${sct_list}"                                     # OCTET STRING
[ ${#sct_body} -eq 234 ] || { echo "SCT body length wrong: ${#sct_body}" >&2; exit 1; }

cat >"$work/ext.cnf" <<EOF
[ root_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash

[ intermediate_ext ]
basicConstraints       = critical,CA:TRUE,pathlen:0
keyUsage               = critical,digitalSignature,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
nameConstraints        = critical,permitted;DNS:example.com,permitted;DNS:.example.org,excluded;IP:10.0.0.0/255.0.0.0
certificatePolicies    = 2.5.29.32.0,@intermediate_policy
crlDistributionPoints  = URI:http://pki.example.com/crl/root-ca.crl
authorityInfoAccess    = caIssuers;URI:http://pki.example.com/certs/root-ca.crt,OCSP;URI:http://ocsp.example.com/root

[ intermediate_policy ]
policyIdentifier = 1.3.6.1.4.1.55555.2.1
CPS.1            = "https://pki.example.com/cps"

[ leaf_ext ]
basicConstraints       = CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth,clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = @leaf_san
crlDistributionPoints  = URI:http://pki.example.com/crl/intermediate.crl
authorityInfoAccess    = caIssuers;URI:http://pki.example.com/certs/intermediate-ca.crt,OCSP;URI:http://ocsp.example.com/intermediate
certificatePolicies    = 2.23.140.1.2.2,@leaf_policy
1.3.6.1.4.1.55555.1.1  = ASN1:UTF8String:hello
1.3.6.1.4.1.11129.2.4.2 = DER:$sct_ext_hex

[ leaf_policy ]
policyIdentifier = 1.3.6.1.4.1.55555.2.1
CPS.1            = "https://pki.example.com/cps"

[ leaf_san ]
DNS.1      = www.example.com
DNS.2      = *.example.com
IP.1       = 192.0.2.10
IP.2       = 2001:db8::10
email.1    = admin@example.com
URI.1      = https://www.example.com/
dirName.1  = leaf_dirname
otherName.1 = 1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com
RID.1      = 1.3.6.1.4.1.55555.3.1

[ leaf_dirname ]
C  = US
O  = Certscope Test
CN = Directory Name Entry

[ expired_ext ]
basicConstraints       = CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:expired.example.com

[ selfsigned_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
subjectAltName         = DNS:localhost
EOF

# ---------------------------------------------------------------------------
# Certificates (ca_dir, mkcsr and ca_sign: lib/fixture-ca.sh). These CAs sign
# with sha256 unless a call says -md.
# ---------------------------------------------------------------------------
# Root CA (P-384, self-signed, serial 01).
key p384 "$K/root-ca-p384.pem"
root_dir=$(ca_dir root "$C/root-ca.pem" "$K/root-ca-p384.pem" 01 sha256)
mkcsr "$K/root-ca-p384.pem" "/C=US/O=Certscope Test/CN=Certscope Test Root CA" "$work/root.csr"
ca_sign "$root_dir" "$work/root.csr" "$C/root-ca.pem" root_ext "$NOT_BEFORE" "$NOT_AFTER" \
    -selfsign -keyfile "$K/root-ca-p384.pem" -md sha384

# Intermediate CA (RSA-2048, serial 02 from the root).
mkcsr "$K/intermediate-rsa.pem" "/C=US/O=Certscope Test/CN=Certscope Test Intermediate CA" \
    "$work/intermediate.csr"
ca_sign "$root_dir" "$work/intermediate.csr" "$C/intermediate-ca.pem" intermediate_ext "$NOT_BEFORE" "$NOT_AFTER" \
    -md sha384

# Leaf (P-256, serial 1000 from the intermediate) and expired leaf (serial 1001).
int_dir=$(ca_dir intermediate "$C/intermediate-ca.pem" "$K/intermediate-rsa.pem" 1000 sha256)
mkcsr "$K/p256.pem" \
    "/C=US/ST=California/L=San Francisco/O=Certscope Test/OU=Engineering/CN=www.example.com/emailAddress=admin@example.com" \
    "$work/leaf.csr"
ca_sign "$int_dir" "$work/leaf.csr" "$C/leaf.pem" leaf_ext "$NOT_BEFORE" "$NOT_AFTER"

mkcsr "$K/p384.pem" "/C=US/O=Certscope Test/CN=expired.example.com" "$work/expired.csr"
ca_sign "$int_dir" "$work/expired.csr" "$C/expired.pem" expired_ext 20200101000000Z 20210101000000Z

# Self-signed Ed25519 certificate (serial 0a).
ed_dir=$(ca_dir ed25519 "$C/ed25519-self.pem" "$K/ed25519.pem" 0A sha256)
mkcsr "$K/ed25519.pem" "/C=US/O=Certscope Test/CN=Certscope Test Ed25519" "$work/ed25519.csr"
ca_sign "$ed_dir" "$work/ed25519.csr" "$C/ed25519-self.pem" selfsigned_ext "$NOT_BEFORE" "$NOT_AFTER" \
    -selfsign -keyfile "$K/ed25519.pem" -md default

# Self-signed RSA certificate with a big (20-byte, positive) serial.
rsa_dir=$(ca_dir rsaself "$C/rsa-self.pem" "$K/rsa-2048.pem" 5A3C9E1F7B2D4C6E8A0B1D3F5E7C9A2B4D6F8E01 sha256)
mkcsr "$K/rsa-2048.pem" "/C=US/O=Certscope Test/CN=Certscope Test RSA Self-Signed" "$work/rsa-self.csr"
ca_sign "$rsa_dir" "$work/rsa-self.csr" "$C/rsa-self.pem" selfsigned_ext "$NOT_BEFORE" "$NOT_AFTER" \
    -selfsign -keyfile "$K/rsa-2048.pem"

# Normalise the PEM files (openssl ca -notext already writes only the PEM block,
# but run them through x509 so each file holds exactly one block).
for f in root-ca intermediate-ca leaf expired ed25519-self rsa-self; do
    ossl x509 -in "$C/$f.pem" -out "$work/norm.pem"
    mv "$work/norm.pem" "$C/$f.pem"
done
ossl x509 -in "$C/leaf.pem" -outform DER -out "$C/leaf.der"
ossl x509 -in "$C/root-ca.pem" -outform DER -out "$C/root-ca.der"
relabel "$C/leaf.pem" "$C/x509-certificate-label.pem" CERTIFICATE "X509 CERTIFICATE"
ossl x509 -in "$C/root-ca.pem" -trustout -addtrust serverAuth -setalias "Test Root" \
    -out "$C/trusted-root.pem"

# ---------------------------------------------------------------------------
# CSRs
# ---------------------------------------------------------------------------
cat >"$work/leaf-req.cnf" <<'EOF'
[ req ]
prompt             = no
distinguished_name = req_dn
req_extensions     = req_ext
attributes         = req_attrs

[ req_dn ]
C            = US
ST           = California
L            = San Francisco
O            = Certscope Test
OU           = Engineering
CN           = www.example.com
emailAddress = admin@example.com

[ req_attrs ]
challengePassword = test
unstructuredName  = Certscope Test Unstructured Name

[ req_ext ]
subjectAltName   = DNS:www.example.com,DNS:example.com,IP:192.0.2.10
keyUsage         = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
EOF
ossl req -new -config "$work/leaf-req.cnf" -key "$K/p256.pem" -out "$R/leaf.csr"
ossl req -in "$R/leaf.csr" -outform DER -out "$R/leaf-csr.der"
relabel "$R/leaf.csr" "$R/new-label.csr" "CERTIFICATE REQUEST" "NEW CERTIFICATE REQUEST"
mkcsr "$K/rsa-2048.pem" "/C=US/O=Certscope Test/CN=rsa.example.com" "$R/rsa.csr"

# ---------------------------------------------------------------------------
# CRLs (issued by the intermediate; fixed lastUpdate/nextUpdate)
# ---------------------------------------------------------------------------
CRL_LAST=20240101000000Z
CRL_NEXT=20450101000000Z

# gen_crl INDEXFILE CRLNUMBERHEX OUT
gen_crl() {
    local dir="$work/crl-$(basename "$3")"
    mkdir -p "$dir"
    cp -- "$1" "$dir/index.txt"
    sed -e "s#^dir  *= .*#dir             = $dir#" "$int_dir/ca.cnf" >"$dir/ca.cnf"
    sed -i -e "s#^database .*#database        = $dir/index.txt#" \
        -e "s#^crlnumber .*#crlnumber       = $dir/crlnumber#" "$dir/ca.cnf"
    echo "$2" >"$dir/crlnumber"
    ca_crl "$dir/ca.cnf" "$CRL_LAST" "$CRL_NEXT" "$3"
}

# index.txt line: R <tab> expiry <tab> revocationDate[,reason] <tab> serial <tab> unknown <tab> subject
idx_line() { printf 'R\t450101000000Z\t%s\t%s\tunknown\t%s\n' "$1" "$2" "$3"; }

{
    idx_line 230115120000Z,keyCompromise        2001 "/C=US/O=Certscope Test/CN=revoked-1.example.com"
    idx_line 230215120000Z,CACompromise         2002 "/C=US/O=Certscope Test/CN=revoked-2.example.com"
    idx_line 230315120000Z,affiliationChanged   2003 "/C=US/O=Certscope Test/CN=revoked-3.example.com"
    idx_line 230415120000Z,superseded           2004 "/C=US/O=Certscope Test/CN=revoked-4.example.com"
    idx_line 230515120000Z,cessationOfOperation 2005 "/C=US/O=Certscope Test/CN=revoked-5.example.com"
    idx_line 230615120000Z,certificateHold      2006 "/C=US/O=Certscope Test/CN=revoked-6.example.com"
    idx_line 230715120000Z                      2007 "/C=US/O=Certscope Test/CN=revoked-7.example.com"
} >"$work/index-intermediate.txt"
gen_crl "$work/index-intermediate.txt" 10 "$L/intermediate.crl"
ossl crl -in "$L/intermediate.crl" -outform DER -out "$L/intermediate.der"

reasons=(keyCompromise superseded cessationOfOperation affiliationChanged "")
: >"$work/index-big.txt"
for i in $(seq 1 30); do
    r=${reasons[$(( (i - 1) % ${#reasons[@]} ))]}
    date=$(printf '23%02d%02d090000Z' $(( (i - 1) / 28 + 1 )) $(( (i - 1) % 28 + 1 )))
    idx_line "${date}${r:+,$r}" "$(printf '3%03X' "$i")" \
        "/C=US/O=Certscope Test/CN=big-$i.example.com" >>"$work/index-big.txt"
done
gen_crl "$work/index-big.txt" 20 "$L/big.crl"

: >"$work/index-empty.txt"
gen_crl "$work/index-empty.txt" 30 "$L/empty.crl"

# ---------------------------------------------------------------------------
# Bundles
# ---------------------------------------------------------------------------
cat "$C/leaf.pem" "$C/intermediate-ca.pem" "$C/root-ca.pem" >"$work/chain-blocks.pem"

: >"$B/chain.pem"
for f in leaf intermediate-ca root-ca; do
    {
        ossl x509 -in "$C/$f.pem" -noout -subject -issuer
        ossl x509 -in "$C/$f.pem" -noout -text
        cat "$C/$f.pem"
    } >>"$B/chain.pem"
done

{
    printf 'Some tool output that precedes the bundle\n'
    printf '# garbage line: not PEM ----- nor base64 ===\n'
    cat "$B/chain.pem"
    printf 'trailing garbage after the last certificate\n'
    printf -- '----- END OF BUNDLE (not a PEM marker) -----\n'
} | sed 's/$/\r/' >"$B/chain-crlf.pem"

{
    printf 'apiVersion: v1\nkind: Config\n'
    printf 'tls:\n  cert: |\n'
    sed 's/^/    /' "$C/leaf.pem"
    printf '  enabled: true\n'
} >"$B/indented.yaml"

{
    printf 'Certificate pasted below, indented with one tab per line:\n\n'
    sed 's/^/\t/' "$C/leaf.pem"
    printf '\nEnd of note.\n'
} >"$B/indented-tabs.txt"

python3 - "$C/leaf.pem" "$B/in-json.json" <<'EOF'
import json, sys
with open(sys.argv[1]) as f:
    pem = f.read()
with open(sys.argv[2], "w") as f:
    f.write(json.dumps({"certificate": pem}, indent=2) + "\n")
EOF

base64 -w0 "$work/chain-blocks.pem" >"$B/k8s-tls-crt.b64"

{
    cat "$C/leaf.pem"
    cat "$K/p256.pem"
    cat "$K/rsa-2048-pub.pem"
    cat "$R/leaf.csr"
    cat "$L/intermediate.crl"
    cat "$K/ec-params.pem"
    printf -- '-----BEGIN CERTSCOPE TEST BLOB-----\n'
    printf 'certscope test blob: this is not DER, just opaque bytes.\n' | base64 -w64
    printf -- '-----END CERTSCOPE TEST BLOB-----\n'
} >"$B/mixed.pem"

# ---------------------------------------------------------------------------
# PKCS#7 / CMS
# ---------------------------------------------------------------------------
ossl crl2pkcs7 -nocrl -certfile "$work/chain-blocks.pem" -out "$P7/chain.p7b"
ossl crl2pkcs7 -in "$L/intermediate.crl" -certfile "$work/chain-blocks.pem" -outform DER \
    -out "$P7/chain-crl.p7b.der"
relabel "$P7/chain.p7b" "$P7/cms-label.pem" PKCS7 CMS
printf 'Hello from the certscope test fixtures.\n' >"$work/message.txt"
ossl cms -sign -stream -nodetach -binary -outform DER -in "$work/message.txt" \
    -signer "$C/leaf.pem" -inkey "$K/p256.pem" -certfile "$C/intermediate-ca.pem" \
    -md sha256 -out "$P7/signed-ber.p7s"

# ---------------------------------------------------------------------------
# PKCS#12
# ---------------------------------------------------------------------------
cat "$C/intermediate-ca.pem" "$C/root-ca.pem" >"$work/cas.pem"
p12() {
    local out=$1
    shift
    ossl pkcs12 -export -in "$C/leaf.pem" -inkey "$K/p256.pem" -certfile "$work/cas.pem" \
        -name leaf "$@" -out "$out"
}
p12 "$P12/leaf-aes.p12" -passout "pass:$PASS"
p12 "$P12/leaf-legacy.p12" -passout "pass:$PASS" -legacy
p12 "$P12/leaf-3des.p12" -passout "pass:$PASS" -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1
p12 "$P12/leaf-nopass.p12" -passout pass: -keypbe NONE -certpbe NONE -nomac
ossl pkcs12 -export -nokeys -in "$work/chain-blocks.pem" -passout "pass:$PASS" \
    -out "$P12/certs-only.p12"
# One bag openssl 3 reads only with -legacy and certscope not at all (RC4 is not supported):
# the three certificates must still be listed, the key bag is an item with an error.
p12 "$P12/leaf-rc4-key.p12" -passout "pass:$PASS" -legacy -keypbe PBE-SHA1-RC4-128
# The NULL password (RFC 7292 B.1: zero bytes, no two-byte terminator), as other writers
# make it; `openssl pkcs12 -passout pass:` uses the empty password (terminator only). The
# bags are PBES2 (PBKDF2 sees the same empty octet string for both); the MAC is redone with
# the NULL password by openssl's PKCS12KDF (hexpass: empty) and HMAC, python3 only
# splicing the DER.
p12 "$work/leaf-empty-nomac.p12" -passout pass: -nomac
python3 - "$OPENSSL" "$work/leaf-empty-nomac.p12" "$P12/leaf-null-password.p12" <<'EOF'
import os, subprocess, sys

openssl, src, dst = sys.argv[1:4]

def tlv(b, i):
    """(tag, value start, value end) of the DER element at i."""
    tag, n = b[i], b[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(b[i:i + k], "big")
        i += k
    return tag, i, i + n

def der(tag, body):
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        ln = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(ln)]) + ln
    return bytes([tag]) + head + body

pfx = open(src, "rb").read()
_, s, e = tlv(pfx, 0)                     # PFX SEQUENCE
_, vs, ve = tlv(pfx, s)                   # version
_, cs, ce = tlv(pfx, ve)                  # authSafe ContentInfo
auth_safe = pfx[ve:ce]
_, _, oe = tlv(pfx, cs)                   # contentType OID (id-data)
_, xs, _ = tlv(pfx, oe)                   # [0] EXPLICIT
_, ds, de = tlv(pfx, xs)                  # OCTET STRING: the MACed data
data = pfx[ds:de]
salt = os.urandom(8)
key = subprocess.run([openssl, "kdf", "-keylen", "32", "-kdfopt", "digest:SHA256",
                      "-kdfopt", "hexpass:", "-kdfopt", "hexsalt:" + salt.hex(),
                      "-kdfopt", "iter:2048", "-kdfopt", "id:3", "-binary", "PKCS12KDF"],
                     check=True, capture_output=True).stdout
mac = subprocess.run([openssl, "mac", "-digest", "SHA256", "-macopt", "hexkey:" + key.hex(),
                      "-binary", "HMAC"], input=data, check=True, capture_output=True).stdout
sha256 = der(0x30, der(0x06, bytes.fromhex("608648016503040201")) + b"\x05\x00")
mac_data = der(0x30, der(0x30, sha256 + der(0x04, mac)) + der(0x04, salt) + der(0x02, (2048).to_bytes(2, "big")))
open(dst, "wb").write(der(0x30, pfx[s:ve] + auth_safe + mac_data))
EOF

# ---------------------------------------------------------------------------
# Damaged inputs
# ---------------------------------------------------------------------------
# truncated-then-good.pem: first block cut mid-base64 (no END line), then a good one.
{
    head -n 8 "$C/root-ca.pem"
    cat "$C/leaf.pem"
} >"$D/truncated-then-good.pem"

# bad-base64.pem: invalid characters in the base64 body, then a good block.
{
    awk 'NR==4 { $0 = substr($0, 1, 20) "!!!" substr($0, 24) } { print }' "$C/intermediate-ca.pem"
    cat "$C/leaf.pem"
} >"$D/bad-base64.pem"

# corrupt-der.pem: the leaf with the length of the TBS version field ([0] EXPLICIT,
# byte at offset 9, normally 0x03) changed to 0x04; base64 stays valid.
cp -- "$C/leaf.der" "$work/corrupt.der"
[ "$(od -An -tx1 -j8 -N2 "$work/corrupt.der" | tr -d ' ')" = a003 ] \
    || { echo "unexpected leaf DER layout" >&2; exit 1; }
printf '\x04' | dd of="$work/corrupt.der" bs=1 seek=9 conv=notrunc status=none
{
    printf -- '-----BEGIN CERTIFICATE-----\n'
    base64 -w64 "$work/corrupt.der"
    printf -- '-----END CERTIFICATE-----\n'
} >"$D/corrupt-der.pem"

# begin-no-end.pem: BEGIN line and body, the END line is missing.
sed '/^-----END /d' "$C/leaf.pem" >"$D/begin-no-end.pem"

# garbage.bin: 4 KiB of deterministic pseudo-random bytes (AES-128-CTR keystream).
head -c 4096 /dev/zero | ossl enc -aes-128-ctr -nosalt \
    -K 00000000000000000000000000000000 -iv 00000000000000000000000000000000 >"$D/garbage.bin"

cat >"$D/empty.txt" <<'EOF'
This file intentionally contains no certificate material.

It is plain prose used to check that certscope reports "no PEM blocks or DER
structures found" instead of crashing. It mentions the word CERTIFICATE and a
dash run like ----- but never a real BEGIN marker.
EOF

# trailing-junk.der: a valid DER certificate followed by 16 junk bytes.
{
    cat "$C/leaf.der"
    printf 'JUNKJUNKJUNKJUNK'
} >"$D/trailing-junk.der"

# ---------------------------------------------------------------------------
# Fingerprints of every single-certificate file in certs/
# ---------------------------------------------------------------------------
fp() { ossl x509 "$@" -noout -fingerprint | sed 's/^[^=]*=//'; }
{
    printf '# Produced by scripts/gen-fixtures.sh with `openssl x509 [-inform DER] -in FILE -noout -fingerprint -sha1|-sha256` (%s).\n' \
        "$(ossl version | cut -d' ' -f1-2)"
    printf '# path (relative to fixtures/)\tsha1\tsha256\n'
    for f in "$C"/*; do
        rel=${f#"$FX"/}
        case $f in
            *.der) args=(-inform DER -in "$f") ;;
            *) args=(-in "$f") ;;
        esac
        sha1=$(fp "${args[@]}" -sha1)
        sha256=$(fp "${args[@]}" -sha256)
        [ -n "$sha1" ] && [ -n "$sha256" ] || { echo "no fingerprint for $rel" >&2; exit 1; }
        printf '%s\t%s\t%s\n' "$rel" "$sha1" "$sha256"
    done
} >"$FX/openssl-fingerprints.txt"

# ---------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------
cat >"$FX/README.md" <<'EOF'
# certscope test fixtures

Generated by `scripts/gen-fixtures.sh` (OpenSSL 3.x CLI). Re-running the script
wipes and regenerates everything below; keys are fresh on every run, so the
bytes and fingerprints change, but names, subjects, serials, dates (2020-01-01
to 2045-01-01 unless noted) and extensions are fixed.

**Every password is `test`.**

`openssl-fingerprints.txt` lists the SHA-1 and SHA-256 fingerprints (as printed
by `openssl x509 -fingerprint`) of every single-certificate file in `certs/`.

| File | What it is / what it tests |
|------|----------------------------|
| keys/rsa-2048.pem | RSA-2048 private key, PKCS#8 `PRIVATE KEY` |
| keys/rsa-2048-pkcs1.pem | same key, PKCS#1 `RSA PRIVATE KEY` |
| keys/rsa-2048.der | same key, PKCS#8 DER |
| keys/rsa-2048-pkcs1.der | same key, PKCS#1 DER |
| keys/p256.pem | P-256 private key, PKCS#8 (also the leaf key) |
| keys/p256-sec1.pem | same key, SEC1 `EC PRIVATE KEY` |
| keys/p256-sec1.der | same key, SEC1 DER |
| keys/p384.pem | P-384 private key, PKCS#8 (also the expired.pem key) |
| keys/ed25519.pem | Ed25519 private key, PKCS#8 |
| keys/dsa-legacy.pem | DSA (L=2048, N=256) private key, traditional `DSA PRIVATE KEY` |
| keys/root-ca-p384.pem | P-384 key of the root CA, PKCS#8 |
| keys/intermediate-rsa.pem | RSA-2048 key of the intermediate CA, PKCS#8 |
| keys/rsa-2048-pub.pem | RSA public key, SPKI `PUBLIC KEY` |
| keys/rsa-2048-pub-pkcs1.pem | RSA public key, PKCS#1 `RSA PUBLIC KEY` |
| keys/p256-pub.der | P-256 public key, SPKI DER |
| keys/ed25519-pub.pem | Ed25519 public key, SPKI |
| keys/p256-pkcs8-aes.pem | `ENCRYPTED PRIVATE KEY`, PBES2 AES-256-CBC + PBKDF2-HMAC-SHA256 (password `test`) |
| keys/p256-pkcs8-aes.der | same, DER |
| keys/rsa-legacy-aes.pem | `RSA PRIVATE KEY` with Proc-Type/DEK-Info AES-128-CBC (password `test`) |
| keys/p256-legacy-des3.pem | `EC PRIVATE KEY` with DEK-Info DES-EDE3-CBC (password `test`) |
| keys/ec-params.pem | `EC PARAMETERS`, named curve prime256v1 |
| keys/dh-params.pem | `DH PARAMETERS`, RFC 7919 ffdhe2048 |
| certs/root-ca.pem | root CA: P-384, self-signed (ecdsa-with-SHA384), serial 01, CA:TRUE critical, KU keyCertSign+cRLSign critical, SKI |
| certs/root-ca.der | same, DER |
| certs/intermediate-ca.pem | intermediate CA: RSA-2048, serial 02 (signed ecdsa-with-SHA384 by the root), pathlen:0, KU, SKI/AKI, nameConstraints, certificatePolicies (anyPolicy + CPS), CRL DP, AIA |
| certs/leaf.pem | leaf: P-256, serial 0x1000, full subject, SAN with DNS/wildcard/IPv4/IPv6/email/URI/dirName/otherName(UPN)/RID, KU, EKU, CA:FALSE, SKI/AKI, CRL DP, AIA, policies, private-OID extension 1.3.6.1.4.1.55555.1.1, CT SCT list (one synthetic v1 SCT, fake signature) |
| certs/leaf.der | same, DER |
| certs/x509-certificate-label.pem | leaf with the old `X509 CERTIFICATE` label |
| certs/expired.pem | leaf from the intermediate (key keys/p384.pem), serial 0x1001, valid 2020-01-01 to 2021-01-01 (expired) |
| certs/ed25519-self.pem | self-signed Ed25519 certificate |
| certs/rsa-self.pem | self-signed RSA-2048 certificate (keys/rsa-2048.pem) with a 20-byte positive serial |
| certs/trusted-root.pem | root as `TRUSTED CERTIFICATE` with aux data (trust serverAuth, alias "Test Root") |
| bundles/chain.pem | leaf, intermediate, root, each preceded by `openssl x509 -subject -issuer` lines and `-text` output |
| bundles/chain-crlf.pem | chain.pem with CRLF line endings plus leading/trailing garbage lines |
| bundles/indented.yaml | YAML with the leaf PEM as a block scalar indented by 4 spaces |
| bundles/indented-tabs.txt | leaf PEM with every line indented by a tab, inside prose |
| bundles/in-json.json | leaf PEM as a JSON string with `\n` escapes |
| bundles/k8s-tls-crt.b64 | base64 (one line, no trailing newline) of the three chain PEM blocks, as in a Kubernetes `tls.crt` |
| bundles/mixed.pem | certificate, PKCS#8 key, public key, CSR, CRL, EC PARAMETERS and an unknown `CERTSCOPE TEST BLOB` block |
| csr/leaf.csr | P-256 CSR: full subject, requested SAN/KU/EKU, challengePassword (`test`) and unstructuredName attributes |
| csr/leaf-csr.der | same, DER |
| csr/new-label.csr | same, labelled `NEW CERTIFICATE REQUEST` |
| csr/rsa.csr | RSA-2048 CSR without extensions or attributes |
| crl/intermediate.crl | CRL from the intermediate: crlNumber 0x10, AKI, lastUpdate 2024-01-01, nextUpdate 2045-01-01, 7 entries with reasons keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold and none |
| crl/intermediate.der | same, DER |
| crl/big.crl | CRL with 30 revoked entries (serials 0x3001..0x301E) for the "first 20 unless --all" view |
| crl/empty.crl | CRL with no revoked entries |
| pkcs7/chain.p7b | `PKCS7` certs-only SignedData with leaf, intermediate, root |
| pkcs7/chain-crl.p7b.der | DER PKCS#7 with the three certificates and intermediate.crl |
| pkcs7/cms-label.pem | chain.p7b relabelled `CMS` |
| pkcs7/signed-ber.p7s | CMS SignedData (attached content) signed by the leaf, with the intermediate; BER with indefinite lengths from `openssl cms -sign -stream` |
| pkcs12/leaf-aes.p12 | leaf key + cert + chain, OpenSSL 3 defaults: PBES2 AES-256-CBC, PBKDF2, SHA-256 MAC; friendlyName "leaf" |
| pkcs12/leaf-legacy.p12 | same, `-legacy`: pbeWithSHAAnd40BitRC2-CBC (certs), pbeWithSHAAnd3-KeyTripleDES-CBC (key), SHA-1 MAC (OpenSSL 3 needs `-legacy` to read it) |
| pkcs12/leaf-3des.p12 | same, pbeWithSHAAnd3-KeyTripleDES-CBC for certs and key, SHA-1 MAC |
| pkcs12/leaf-nopass.p12 | same, no encryption and no MAC (empty password) |
| pkcs12/certs-only.p12 | leaf, intermediate, root only, no key (password `test`) |
| pkcs12/leaf-rc4-key.p12 | as leaf-legacy.p12 but the key bag is pbeWithSHAAnd128BitRC4 (`-keypbe PBE-SHA1-RC4-128`), which certscope does not decrypt: certificates listed, key bag an item with an error |
| pkcs12/leaf-null-password.p12 | as leaf-aes.p12 with the empty password (`-nomac`), then a SHA-256 MAC made with the NULL password (zero bytes, RFC 7292 B.1), as some writers do; openssl `-passin pass:` and pyca `None` open it |
| damaged/truncated-then-good.pem | a certificate block cut in the middle without END line, then a good certificate |
| damaged/bad-base64.pem | a certificate block with `!!!` in its base64, then a good certificate |
| damaged/corrupt-der.pem | the leaf with the TBS version `[0]` length byte changed 03 -> 04 (valid base64, broken DER) |
| damaged/begin-no-end.pem | the leaf PEM without its END line |
| damaged/garbage.bin | 4 KiB AES-128-CTR keystream (zero key/IV): neither PEM nor DER |
| damaged/empty.txt | prose only, no blocks |
| damaged/trailing-junk.der | leaf.der followed by 16 junk bytes (`JUNKJUNKJUNKJUNK`) |

Four folders are not made by this script and survive a re-run: `hostile/`
(names, SANs, PEM headers and labels carrying terminal escapes and bidi
overrides; `scripts/gen-hostile-fixtures.sh`, signed with `keys/p256.pem`, so
regenerate it after this script), `oids/` (OIDs of every size, below), `extensions/` (below) and `fuzz/`
(inputs the fuzzers found, replayed by `tests/cli/fuzz_replay.rs`; see
docs/robustness.md).

`oids/` is made by `scripts/gen-oid-fixtures.sh`, self-signed with
`keys/ed25519.pem` (deterministic signatures: a re-run with the same key gives
the same bytes):

| File | What it is / what it tests |
|------|----------------------------|
| oids/big-arcs-subject.pem | subject and issuer with attribute types 2.25.<128-bit uuid>, 1.3.6.1.4.1.18446744073709551615, 2.999.7, 2.51.1 (named in an openssl `oid_section`) |
| oids/big-arcs-subject.csr | the CSR of that subject |
| oids/big-arcs-extensions.pem | EKU 2.999.1, 1.2.3.18446744073709551616 (2^64), 1.3.6.1.4.1.18446744073709551615; policies 2.25.<uuid>, 2.999.7, 2.51.1 (+CPS); policyMappings 2.999.7 -> 2.25.<uuid>; SAN registeredID 2.999.3 and otherNames 2.999.4 / 2.25.<uuid>; AIA method 2.999.5; SIA methods 2.25.<uuid>, 2.40.1; a CRL DP named relative to the issuer (CN + 2.999.9); extensions 2.999.6 and 1.3.6.1.4.1.18446744073709551615 |
| oids/malformed-oids.pem | EKU (as `DER:`) with serverAuth, a 0x80-padded arc, a cut-short arc and an empty OID; policies with a cut-short OID, then 2.999.7 |

`extensions/` is made by `scripts/gen-ext-fixtures.sh`, signed with
`keys/ed25519.pem` like `oids/`, so regenerate it after this script (the CRLs are written by its small DER writer, since
`openssl ca` cannot write their entry extensions or a delta indicator):

| File | What it is / what it tests |
|------|----------------------------|
| extensions/indirect.crl | indirect CRL: IDP (critical) with a fullName URI, onlySomeReasons keyCompromise+cACompromise, indirectCRL; entries 01 keyCompromise + invalidityDate, 02 certificateIssuer CN=Other CA (critical) + cACompromise, 03 no extensions (still Other CA's), 04 certificateIssuer back to the CRL issuer + unknown critical 2.999.20 |
| extensions/delta.crl | delta CRL: deltaCRLIndicator 7 (critical), IDP with a relative name CN=dp1 and onlyContainsUserCerts; one removeFromCRL entry |
| extensions/ca-only.crl | IDP onlyContainsCACerts, no entries |
| extensions/attribute-only.crl | IDP onlyContainsAttributeCerts, no entries |
| extensions/ct.pem | SCTs from Google 'Argon2024' and from an unknown log (fake signatures), TLS feature status_request (must-staple) |
| extensions/precert.pem | CT poison, critical |
| extensions/policies.pem | CA with certificatePolicies, policyMappings, policyConstraints, inhibitAnyPolicy, subjectInfoAccess |
| extensions/misc.pem | freshestCRL, privateKeyUsagePeriod, subjectDirectoryAttributes (dateOfBirth, countryOfCitizenship, 2.999.21), MS certificate template, template name and application policies |
EOF

echo "fixtures regenerated under $FX"
