#!/usr/bin/env bash
# Regenerate the path-validation fixtures under fixtures/validation/ (issue 15): chains that
# each fail one RFC 5280 §6.1 check (or one webpki rule, or one --hostname/--purpose
# requirement), each with a valid counterpart.
#
# Separate from gen-chain-fixtures.sh on purpose: it touches only fixtures/validation/, so
# the chain and lint fixtures (and their snapshots and openssl verdicts) stay as they are.
#
# Requirements: the `openssl` CLI (OpenSSL 3.x), python3 (standard library only; for the
# DER surgery openssl cannot be asked for: an issuer name spelled differently, a
# GeneralizedTime with fractional seconds), coreutils.
#
# Re-runnable: the directory is wiped and recreated. Keys are fresh on every run; names,
# serials, dates and extensions are fixed. After regenerating, update the snapshots
# (INSTA_UPDATE=always cargo test --test cli -- snapshots:: report_snapshots::) and review them.
#
# Beside the fixtures it writes fixtures/validation/openssl-verdicts.txt: what
# `openssl verify -partial_chain -attime` says about each chain, with the certscope options
# of the row translated to openssl's; tests/cli/validation.rs compares `certscope chain` with it.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
V="$repo_root/fixtures/validation"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"

fixture_workdir certscope-validation-fixtures

rm -rf -- "$V"
mkdir -p "$V"

# The tests' pinned now (tests/support/mod.rs NOW).
AT=2026-01-15T12:00:00Z
AT_EPOCH=1768478400
START=20200101000000Z
END=20450101000000Z

# sign CADIR KEY SUBJECT OUT EXT SERIALHEX [START END [extra openssl ca args...]]
sign() {
    local dir=$1 k=$2 subj=$3 out=$4 ext=$5 serial=$6 start=${7:-$START} end=${8:-$END}
    shift 6
    [ $# -ge 2 ] && shift 2 || shift $#
    mkcsr "$k" "$subj" "$work/req.csr"
    echo "$serial" >"$dir/serial"
    ca_sign "$dir" "$work/req.csr" "$work/ca-out.pem" "$ext" "$start" "$end" "$@"
    ossl x509 -in "$work/ca-out.pem" -out "$out"
}

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

[ ca_pathlen0_ext ]
basicConstraints       = critical,CA:TRUE,pathlen:0
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ca_pathlen1_ext ]
basicConstraints       = critical,CA:TRUE,pathlen:1
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ca_false_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature,keyCertSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ca_no_bc_ext ]
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ca_no_keycertsign_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,digitalSignature,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ca_unknown_critical_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.55555.9.1  = critical,ASN1:UTF8String:must be understood

[ ca_nc_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
nameConstraints        = critical,@nc

[ nc ]
permitted;DNS.1        = allowed.example
permitted;IP.1         = 192.0.2.0/255.255.255.0
permitted;IP.2         = 2001:db8::/ffff:ffff::
permitted;email.1      = allowed.example
permitted;URI.1        = .allowed.example
permitted;dirName.1    = nc_dir
excluded;DNS.1         = bad.allowed.example
excluded;IP.1          = 192.0.2.128/255.255.255.128
excluded;email.1       = bad@allowed.example

[ nc_dir ]
O                      = Certscope Validation
OU                     = Leaves

[ leaf_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth,clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example,DNS:*.wild.valid.example,IP:192.0.2.10,email:user@valid.example

[ leaf_unknown_critical_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example
1.3.6.1.4.1.55555.9.1  = critical,ASN1:UTF8String:must be understood

[ leaf_unknown_noncritical_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example
1.3.6.1.4.1.55555.9.1  = ASN1:UTF8String:may be ignored

[ leaf_eku_server_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example

[ leaf_eku_any_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = anyExtendedKeyUsage
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example

[ leaf_eku_none_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example

[ leaf_eku_others_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature,nonRepudiation
extendedKeyUsage       = codeSigning,emailProtection,timeStamping,OCSPSigning
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example,email:user@valid.example

[ leaf_eku_ts_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = critical,timeStamping
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example

[ ca_pol_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
certificatePolicies    = 1.3.6.1.4.1.55555.1.1,1.3.6.1.4.1.55555.1.2

[ ca_pol_require_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
certificatePolicies    = 1.3.6.1.4.1.55555.1.1
policyConstraints      = critical,requireExplicitPolicy:0

[ ca_pol_map_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
certificatePolicies    = 1.3.6.1.4.1.55555.1.1
policyMappings         = critical,1.3.6.1.4.1.55555.1.1:1.3.6.1.4.1.55555.1.9

[ ca_pol_any_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
certificatePolicies    = 2.5.29.32.0

[ ca_pol_any_inhibit_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
certificatePolicies    = 2.5.29.32.0
inhibitAnyPolicy       = critical,0

[ leaf_pol1_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example
certificatePolicies    = 1.3.6.1.4.1.55555.1.1

[ leaf_pol9_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example
certificatePolicies    = 1.3.6.1.4.1.55555.1.9

[ leaf_no_san_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ leaf_ca_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,digitalSignature,keyCertSign
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example
EOF

# nc_leaf NAME SAN: a leaf extension section with subjectAltName SAN.
nc_leaf() {
    cat <<EOF

[ $1 ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = $2
EOF
}
{
    nc_leaf nc_ok "DNS:www.allowed.example,IP:192.0.2.10,IP:2001:db8::1,email:user@allowed.example,URI:https://www.allowed.example/x"
    nc_leaf nc_dns_outside "DNS:www.other.example"
    nc_leaf nc_dns_excluded "DNS:x.bad.allowed.example"
    nc_leaf nc_ip_outside "DNS:www.allowed.example,IP:198.51.100.1"
    nc_leaf nc_ip_excluded "DNS:www.allowed.example,IP:192.0.2.200"
    nc_leaf nc_ipv6_outside "DNS:www.allowed.example,IP:2001:db9::1"
    nc_leaf nc_email_outside "email:user@other.example"
    nc_leaf nc_email_excluded "email:bad@allowed.example"
    nc_leaf nc_uri_outside "URI:https://www.other.example/x"
    nc_leaf nc_dirname_ok "DNS:www.allowed.example"
    cat <<'EOF2'

[ nc_no_san ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF2
} >>"$work/ext.cnf"

# DER surgery on a certificate's TBS, then re-signing with the issuer's key.
#   issuer IN.der SPEC OUT.tbs     TBS with the issuer Name replaced by SPEC:
#                                  `O=value|CN=value`, each a UTF8String, RDNs in order
#   not-after IN.der TIME OUT.tbs  TBS with notAfter a GeneralizedTime TIME
#   sigalg IN.der OUT              the AlgorithmIdentifier DER of IN
#   assemble TBS ALG SIG OUT.der   Certificate from TBS, AlgorithmIdentifier, signature
cat >"$work/der.py" <<'EOF'
import sys

def read(b, i):
    tag, n = b[i], b[i + 1]
    if n < 0x80:
        return tag, 2, n
    k = n & 0x7F
    return tag, 2 + k, int.from_bytes(b[i + 2:i + 2 + k], "big")

def children(b):
    out, i = [], 0
    while i < len(b):
        _, h, n = read(b, i)
        out.append(b[i:i + h + n])
        i += h + n
    return out

def content(el):
    _, h, n = read(el, 0)
    return el[h:h + n]

def enc(tag, body):
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    k = (n.bit_length() + 7) // 8
    return bytes([tag, 0x80 | k]) + n.to_bytes(k, "big") + body

OIDS = {"CN": b"\x55\x04\x03", "O": b"\x55\x04\x0a", "OU": b"\x55\x04\x0b"}

def name(spec):
    rdns = []
    for part in spec.split("|"):
        t, v = part.split("=", 1)
        ava = enc(0x30, enc(0x06, OIDS[t]) + enc(0x0C, v.encode()))
        rdns.append(enc(0x31, ava))
    return enc(0x30, b"".join(rdns))

def tbs_parts(path):
    cert = open(path, "rb").read()
    parts = children(content(children(content(cert))[0]))
    assert parts[0][0] == 0xA0
    return parts

cmd = sys.argv[1]
if cmd == "issuer":
    parts = tbs_parts(sys.argv[2])
    parts[3] = name(sys.argv[3])
    open(sys.argv[4], "wb").write(enc(0x30, b"".join(parts)))
elif cmd == "not-after":
    parts = tbs_parts(sys.argv[2])
    nb, _ = children(content(parts[4]))
    parts[4] = enc(0x30, nb + enc(0x18, sys.argv[3].encode()))
    open(sys.argv[4], "wb").write(enc(0x30, b"".join(parts)))
elif cmd == "sigalg":
    cert = open(sys.argv[2], "rb").read()
    open(sys.argv[3], "wb").write(children(content(cert))[1])
elif cmd == "assemble":
    tbs = open(sys.argv[2], "rb").read()
    alg = open(sys.argv[3], "rb").read()
    sig = open(sys.argv[4], "rb").read()
    open(sys.argv[5], "wb").write(enc(0x30, tbs + alg + enc(0x03, b"\x00" + sig)))
else:
    sys.exit("unknown command " + cmd)
EOF
der() { python3 "$work/der.py" "$@"; }

# resign IN.tbs REFERENCE.pem ISSUERKEY OUT.pem: sign a patched TBS (ECDSA with SHA-256).
resign() {
    ossl x509 -in "$2" -outform DER -out "$work/resign-ref.der"
    der sigalg "$work/resign-ref.der" "$work/resign.alg"
    ossl dgst -sha256 -sign "$3" -out "$work/resign.sig" "$1"
    der assemble "$1" "$work/resign.alg" "$work/resign.sig" "$work/resign.der"
    ossl x509 -inform DER -in "$work/resign.der" -out "$4"
}

K="$work/keys"
mkdir -p "$K"
W="$work/certs"
mkdir -p "$W"
O="/O=Certscope Validation"

# ---------------------------------------------------------------------------
# The PKI: root -> CA -> leaves, all P-256 unless said otherwise.
# ---------------------------------------------------------------------------
for k in root ca ca2 expca leaf; do key p256 "$K/$k.pem"; done
root_dir=$(ca_dir root "$W/root.pem" "$K/root.pem")
sign "$root_dir" "$K/root.pem" "$O/CN=Certscope Validation Root" "$W/root.pem" root_ext 01 \
    "$START" "$END" -selfsign -keyfile "$K/root.pem"
cp "$W/root.pem" "$V/root.pem"
sign "$root_dir" "$K/ca.pem" "$O/CN=Certscope Validation CA" "$W/ca.pem" ca_ext 02
ca=$(ca_dir ca "$W/ca.pem" "$K/ca.pem")

# leaf NAME EXT SERIAL [SUBJECT [KEYTYPE]]: a leaf of the CA, in $W/NAME.pem.
leaf() {
    local subj=${4:-$O/CN=valid.example} kt=${5:-p256}
    key "$kt" "$K/$1.pem"
    sign "$ca" "$K/$1.pem" "$subj" "$W/$1.pem" "$2" "$3"
}
leaf good leaf_ext 1000
cat "$W/good.pem" "$W/ca.pem" >"$V/good.pem"

# Every certificate gets a verdict: two intermediates, no leaf. One is expired.
sign "$root_dir" "$K/ca2.pem" "$O/CN=Certscope Validation CA 2" "$W/ca2.pem" ca_ext 03
sign "$root_dir" "$K/expca.pem" "$O/CN=Certscope Validation Expired CA" "$W/expca.pem" ca_ext 04 \
    20200101000000Z 20210101000000Z
cat "$W/ca.pem" "$W/expca.pem" >"$V/two-intermediates.pem"
cat "$W/ca.pem" "$W/ca2.pem" >"$V/two-intermediates-ok.pem"

# Unknown critical extension, in a leaf and in a CA; the non-critical counterpart.
leaf crit-leaf leaf_unknown_critical_ext 1001
cat "$W/crit-leaf.pem" "$W/ca.pem" >"$V/unknown-critical.pem"
leaf noncrit-leaf leaf_unknown_noncritical_ext 1002
cat "$W/noncrit-leaf.pem" "$W/ca.pem" >"$V/unknown-noncritical.pem"
key p256 "$K/critca.pem"
sign "$root_dir" "$K/critca.pem" "$O/CN=Certscope Critical CA" "$W/critca.pem" ca_unknown_critical_ext 05
critca=$(ca_dir critca "$W/critca.pem" "$K/critca.pem")
key p256 "$K/critca-leaf.pem"
sign "$critca" "$K/critca-leaf.pem" "$O/CN=valid.example" "$W/critca-leaf.pem" leaf_ext 1003
cat "$W/critca-leaf.pem" "$W/critca.pem" >"$V/unknown-critical-ca.pem"

# An issuer that is not a CA (cA FALSE; no basicConstraints at all), one without keyCertSign.
# issued_by NAME EXT SERIAL: an issuing certificate NAME from the root with EXT and one
# leaf under it; writes $V/NAME.pem (leaf, issuer).
issued_by() {
    key p256 "$K/$1.pem"
    sign "$root_dir" "$K/$1.pem" "$O/CN=Certscope $1" "$W/$1.pem" "$2" "$3"
    local d
    d=$(ca_dir "$1" "$W/$1.pem" "$K/$1.pem")
    key p256 "$K/$1-leaf.pem"
    sign "$d" "$K/$1-leaf.pem" "$O/CN=valid.example" "$W/$1-leaf.pem" leaf_ext 1004
    cat "$W/$1-leaf.pem" "$W/$1.pem" >"$V/$1.pem"
}
issued_by issuer-ca-false ca_false_ext 06
issued_by issuer-no-basic-constraints ca_no_bc_ext 07
issued_by issuer-no-keycertsign ca_no_keycertsign_ext 08

# Path length. pathlen1-ok: root -> A (pathlen:1) -> B -> leaf. pathlen0-self-issued:
# root -> A (pathlen:0) -> A' (self-issued: A's name, new key) -> leaf; A' is not counted.
key p256 "$K/pl1.pem"
key p256 "$K/pl1b.pem"
sign "$root_dir" "$K/pl1.pem" "$O/CN=Certscope Pathlen1 CA" "$W/pl1.pem" ca_pathlen1_ext 09
pl1=$(ca_dir pl1 "$W/pl1.pem" "$K/pl1.pem")
sign "$pl1" "$K/pl1b.pem" "$O/CN=Certscope Below Pathlen1 CA" "$W/pl1b.pem" ca_ext 0A
pl1b=$(ca_dir pl1b "$W/pl1b.pem" "$K/pl1b.pem")
key p256 "$K/pl1-leaf.pem"
sign "$pl1b" "$K/pl1-leaf.pem" "$O/CN=valid.example" "$W/pl1-leaf.pem" leaf_ext 1005
cat "$W/pl1-leaf.pem" "$W/pl1b.pem" "$W/pl1.pem" >"$V/pathlen1-ok.pem"
key p256 "$K/pl0.pem"
key p256 "$K/pl0si.pem"
sign "$root_dir" "$K/pl0.pem" "$O/CN=Certscope Pathlen0 CA" "$W/pl0.pem" ca_pathlen0_ext 0B
pl0=$(ca_dir pl0 "$W/pl0.pem" "$K/pl0.pem")
sign "$pl0" "$K/pl0si.pem" "$O/CN=Certscope Pathlen0 CA" "$W/pl0si.pem" ca_ext 0C
pl0si=$(ca_dir pl0si "$W/pl0si.pem" "$K/pl0si.pem")
key p256 "$K/pl0-leaf.pem"
sign "$pl0si" "$K/pl0-leaf.pem" "$O/CN=valid.example" "$W/pl0-leaf.pem" leaf_ext 1006
cat "$W/pl0-leaf.pem" "$W/pl0si.pem" "$W/pl0.pem" >"$V/pathlen0-self-issued.pem"
# The same, but B is a new CA (not self-issued) under A (pathlen:0): exceeded.
key p256 "$K/pl0b.pem"
sign "$pl0" "$K/pl0b.pem" "$O/CN=Certscope Below Pathlen0 CA" "$W/pl0b.pem" ca_ext 0D
pl0b=$(ca_dir pl0b "$W/pl0b.pem" "$K/pl0b.pem")
key p256 "$K/pl0b-leaf.pem"
sign "$pl0b" "$K/pl0b-leaf.pem" "$O/CN=valid.example" "$W/pl0b-leaf.pem" leaf_ext 1007
cat "$W/pl0b-leaf.pem" "$W/pl0b.pem" "$W/pl0.pem" >"$V/pathlen0-exceeded.pem"

# Name chaining (RFC 5280 §7.1): the leaf's issuer spelled with other case and spacing
# (matches), and with its RDNs in the other order (does not).
ossl x509 -in "$W/good.pem" -outform DER -out "$W/good.der"
der issuer "$W/good.der" "O=certscope   VALIDATION |CN= CERTSCOPE validation  ca" "$W/case.tbs"
resign "$W/case.tbs" "$W/good.pem" "$K/ca.pem" "$W/namechain-case.pem"
cat "$W/namechain-case.pem" "$W/ca.pem" >"$V/namechain-case.pem"
der issuer "$W/good.der" "CN=Certscope Validation CA|O=Certscope Validation" "$W/order.tbs"
resign "$W/order.tbs" "$W/good.pem" "$K/ca.pem" "$W/namechain-order.pem"
cat "$W/namechain-order.pem" "$W/ca.pem" >"$V/namechain-order.pem"

# GeneralizedTime with fractional seconds: valid until 12:00:00.999 on the pinned day
# (valid at 12:00:00), and until 11:59:59.999 (expired at 12:00:00).
der not-after "$W/good.der" 20260115120000.999Z "$W/frac.tbs"
resign "$W/frac.tbs" "$W/good.pem" "$K/ca.pem" "$W/fraction-valid.pem"
cat "$W/fraction-valid.pem" "$W/ca.pem" >"$V/fraction-valid.pem"
der not-after "$W/good.der" 20260115115959.999Z "$W/frac2.tbs"
resign "$W/frac2.tbs" "$W/good.pem" "$K/ca.pem" "$W/fraction-expired.pem"
cat "$W/fraction-expired.pem" "$W/ca.pem" >"$V/fraction-expired.pem"

# Name constraints: a CA with permitted and excluded subtrees of every type, its leaves.
key p256 "$K/nc.pem"
sign "$root_dir" "$K/nc.pem" "$O/CN=Certscope NC CA" "$W/nc.pem" ca_nc_ext 0E
nc=$(ca_dir nc "$W/nc.pem" "$K/nc.pem")
cp "$W/nc.pem" "$V/nc-ca.pem"
n=2000
for sect in nc_ok nc_dns_outside nc_dns_excluded nc_ip_outside nc_ip_excluded nc_ipv6_outside \
    nc_email_outside nc_email_excluded nc_uri_outside; do
    f=${sect//_/-}
    key p256 "$K/$f.pem"
    sign "$nc" "$K/$f.pem" "$O/OU=Leaves/CN=www.allowed.example" "$W/$f.pem" "$sect" "$n"
    cat "$W/$f.pem" "$W/nc.pem" >"$V/$f.pem"
    n=$((n + 1))
done
key p256 "$K/nc-dirname-outside.pem"
sign "$nc" "$K/nc-dirname-outside.pem" "/O=Other Org/CN=www.allowed.example" \
    "$W/nc-dirname-outside.pem" nc_dirname_ok 2100
cat "$W/nc-dirname-outside.pem" "$W/nc.pem" >"$V/nc-dirname-outside.pem"
# No SAN, and a CN outside the permitted dNSName subtree: the webpki profile (and OpenSSL)
# check the CN as a host name, RFC 5280 does not.
key p256 "$K/nc-cn-outside.pem"
sign "$nc" "$K/nc-cn-outside.pem" "$O/OU=Leaves/CN=www.other.example" "$W/nc-cn-outside.pem" \
    nc_no_san 2102
cat "$W/nc-cn-outside.pem" "$W/nc.pem" >"$V/nc-cn-outside.pem"
# A self-issued CA below the NC CA (its name is outside the permitted dirName, which the
# exemption of RFC 5280 §6.1.3 (b) allows) and a good leaf under it.
key p256 "$K/ncsi.pem"
sign "$nc" "$K/ncsi.pem" "$O/CN=Certscope NC CA" "$W/ncsi.pem" ca_ext 0F
ncsi=$(ca_dir ncsi "$W/ncsi.pem" "$K/ncsi.pem")
key p256 "$K/ncsi-leaf.pem"
sign "$ncsi" "$K/ncsi-leaf.pem" "$O/OU=Leaves/CN=www.allowed.example" "$W/ncsi-leaf.pem" nc_ok 2101
cat "$W/ncsi-leaf.pem" "$W/ncsi.pem" "$W/nc.pem" >"$V/nc-self-issued.pem"

# Extended key usage.
leaf eku-server leaf_eku_server_ext 1010
cat "$W/eku-server.pem" "$W/ca.pem" >"$V/eku-server.pem"
leaf eku-any leaf_eku_any_ext 1011
cat "$W/eku-any.pem" "$W/ca.pem" >"$V/eku-any.pem"
leaf eku-none leaf_eku_none_ext 1012
cat "$W/eku-none.pem" "$W/ca.pem" >"$V/eku-none.pem"
leaf eku-others leaf_eku_others_ext 1013
cat "$W/eku-others.pem" "$W/ca.pem" >"$V/eku-others.pem"
leaf eku-time-stamping leaf_eku_ts_ext 1014
cat "$W/eku-time-stamping.pem" "$W/ca.pem" >"$V/eku-time-stamping.pem"

# Certificate policies (RFC 5280 §6.1.2-§6.1.5). P1 = 1.3.6.1.4.1.55555.1.1, P9 = ...1.9.
# pol_chain NAME: leaf (LEAFEXT) <- NAME CA (CAEXT) <- root; or with a second CA between.
pol_ca() { # pol_ca NAME EXT SERIAL ISSUERDIR
    key p256 "$K/$1.pem"
    sign "$4" "$K/$1.pem" "$O/CN=Certscope $1" "$W/$1.pem" "$2" "$3"
}
pol_leaf() { # pol_leaf NAME EXT SERIAL ISSUERDIR
    key p256 "$K/$1.pem"
    sign "$4" "$K/$1.pem" "$O/CN=valid.example" "$W/$1.pem" "$2" "$3"
}
pol_ca policy-ca ca_pol_ext 10 "$root_dir"
pol_leaf policy-leaf leaf_pol1_ext 1030 "$(ca_dir policy-ca "$W/policy-ca.pem" "$K/policy-ca.pem")"
cat "$W/policy-leaf.pem" "$W/policy-ca.pem" >"$V/policy.pem"
pol_ca policy-req-ca ca_pol_require_ext 11 "$root_dir"
pol_leaf policy-req-leaf leaf_ext 1031 "$(ca_dir policy-req-ca "$W/policy-req-ca.pem" "$K/policy-req-ca.pem")"
cat "$W/policy-req-leaf.pem" "$W/policy-req-ca.pem" >"$V/policy-required.pem"
pol_ca policy-map-ca ca_pol_map_ext 12 "$root_dir"
pol_leaf policy-map-leaf leaf_pol9_ext 1032 "$(ca_dir policy-map-ca "$W/policy-map-ca.pem" "$K/policy-map-ca.pem")"
cat "$W/policy-map-leaf.pem" "$W/policy-map-ca.pem" >"$V/policy-mapped.pem"
# anyPolicy twice: CA1 (anyPolicy) <- CA2 (anyPolicy) <- leaf (P1); with inhibitAnyPolicy 0
# in CA1, CA2's anyPolicy no longer counts.
serial=13
for v in any any-inhibit; do
    ext=ca_pol_any_ext
    [ "$v" = any-inhibit ] && ext=ca_pol_any_inhibit_ext
    pol_ca "policy-$v-ca1" "$ext" "$serial" "$root_dir"
    serial=15
    pol_ca "policy-$v-ca2" ca_pol_any_ext 14 "$(ca_dir "policy-$v-ca1" "$W/policy-$v-ca1.pem" "$K/policy-$v-ca1.pem")"
    pol_leaf "policy-$v-leaf" leaf_pol1_ext 1033 "$(ca_dir "policy-$v-ca2" "$W/policy-$v-ca2.pem" "$K/policy-$v-ca2.pem")"
    cat "$W/policy-$v-leaf.pem" "$W/policy-$v-ca2.pem" "$W/policy-$v-ca1.pem" >"$V/policy-$v.pem"
done

# The webpki profile (CA/B Forum Baseline Requirements): one rule broken each.
leaf webpki-rsa1024 leaf_ext 1020 "$O/CN=valid.example" rsa1024
cat "$W/webpki-rsa1024.pem" "$W/ca.pem" >"$V/webpki-rsa1024.pem"
leaf webpki-rsa2048 leaf_ext 1021 "$O/CN=valid.example" rsa2048
cat "$W/webpki-rsa2048.pem" "$W/ca.pem" >"$V/webpki-rsa2048.pem"
leaf webpki-p521 leaf_ext 1022 "$O/CN=valid.example" p521
cat "$W/webpki-p521.pem" "$W/ca.pem" >"$V/webpki-p521.pem"
leaf webpki-no-san leaf_no_san_ext 1023
cat "$W/webpki-no-san.pem" "$W/ca.pem" >"$V/webpki-no-san.pem"
leaf webpki-leaf-ca leaf_ca_ext 1024
cat "$W/webpki-leaf-ca.pem" "$W/ca.pem" >"$V/webpki-leaf-ca.pem"
leaf webpki-serial-zero leaf_ext 00
cat "$W/webpki-serial-zero.pem" "$W/ca.pem" >"$V/webpki-serial-zero.pem"

# Signature families beyond chains/: DSA, RSA-PSS with SHA-384 and with a 20-byte salt.
# family NAME KEYFILE-MAKER [openssl ca signing args...]
family() {
    local name=$1 kt=$2
    shift 2
    local k
    for k in root ca leaf; do
        if [ "$kt" = dsa ]; then
            ossl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 \
                -pkeyopt dsa_paramgen_q_bits:256 -out "$K/$name-params.pem" 2>/dev/null
            ossl genpkey -paramfile "$K/$name-params.pem" -out "$K/$name-$k.pem"
        else
            key "$kt" "$K/$name-$k.pem"
        fi
    done
    local rdir cdir
    rdir=$(ca_dir "$name-root" "$W/$name-root.pem" "$K/$name-root.pem")
    sign "$rdir" "$K/$name-root.pem" "$O/CN=Certscope $name Root" "$W/$name-root.pem" root_ext 01 \
        "$START" "$END" -selfsign -keyfile "$K/$name-root.pem" "$@"
    sign "$rdir" "$K/$name-ca.pem" "$O/CN=Certscope $name CA" "$W/$name-ca.pem" ca_ext 02 \
        "$START" "$END" "$@"
    cdir=$(ca_dir "$name-ca" "$W/$name-ca.pem" "$K/$name-ca.pem")
    sign "$cdir" "$K/$name-leaf.pem" "$O/CN=valid.example" "$W/$name-leaf.pem" leaf_ext 1000 \
        "$START" "$END" "$@"
    cp "$W/$name-root.pem" "$V/$name-root.pem"
    cat "$W/$name-leaf.pem" "$W/$name-ca.pem" >"$V/$name.pem"
}
family dsa dsa -md sha256
family rsa-pss-sha384 rsa2048 -md sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest
family rsa-pss-salt20 rsa2048 -md sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:20

# ---------------------------------------------------------------------------
# openssl's verdicts.
# ---------------------------------------------------------------------------
# verdict INPUT ROOTS CERTSCOPE-OPTIONS OPENSSL-OPTIONS LEAF...: openssl verifies each LEAF
# with INPUT as untrusted certificates and ROOTS as anchors; the row is OK only when every
# LEAF verifies (certscope gives every certificate that issued no other one a verdict).
verdict() {
    local input=$1 roots=$2 cs=$3 os=$4 out err=-
    shift 4
    local l
    for l in "$@"; do
        # shellcheck disable=SC2086
        if ! out=$(ossl verify -attime "$AT_EPOCH" -partial_chain -CAfile "$V/$roots" \
            -untrusted "$V/$input" $os "$l" 2>&1); then
            err=$(printf '%s\n' "$out" | sed -n 's/^error [0-9]* at [0-9]* depth lookup: //p' | head -n 1)
            [ -n "$err" ] || err=$(printf '%s\n' "$out" | head -n 1)
            break
        fi
    done
    if [ "$err" = - ]; then
        printf '%s\t%s\t%s\tOK\t-\n' "$input" "$roots" "$cs"
    else
        printf '%s\t%s\t%s\tFAIL\t%s\n' "$input" "$roots" "$cs" "$err"
    fi
}
{
    printf '# Produced by scripts/gen-validation-fixtures.sh: `%s verify -attime %s -partial_chain -CAfile ROOTS -untrusted INPUT [OPTIONS] LEAF...` (at %s).\n' \
        "$(ossl version | cut -d' ' -f1-2)" "$AT_EPOCH" "$AT"
    printf '# input (under fixtures/validation/)\troots\tcertscope options\tverdict\topenssl error\n'
    verdict good.pem root.pem - "" "$W/good.pem"
    verdict two-intermediates.pem root.pem - "" "$W/ca.pem" "$W/expca.pem"
    verdict two-intermediates-ok.pem root.pem - "" "$W/ca.pem" "$W/ca2.pem"
    verdict unknown-critical.pem root.pem - "" "$W/crit-leaf.pem"
    verdict unknown-noncritical.pem root.pem - "" "$W/noncrit-leaf.pem"
    verdict unknown-critical-ca.pem root.pem - "" "$W/critca-leaf.pem"
    for f in issuer-ca-false issuer-no-basic-constraints issuer-no-keycertsign; do
        verdict "$f.pem" root.pem - "" "$W/$f-leaf.pem"
    done
    verdict pathlen1-ok.pem root.pem - "" "$W/pl1-leaf.pem"
    verdict pathlen0-self-issued.pem root.pem - "" "$W/pl0-leaf.pem"
    verdict pathlen0-exceeded.pem root.pem - "" "$W/pl0b-leaf.pem"
    verdict good.pem root.pem "--max-depth 0" "-verify_depth 0" "$W/good.pem"
    verdict good.pem root.pem "--max-depth 1" "-verify_depth 1" "$W/good.pem"
    verdict pathlen1-ok.pem root.pem "--max-depth 1" "-verify_depth 1" "$W/pl1-leaf.pem"
    verdict namechain-case.pem root.pem - "" "$W/namechain-case.pem"
    verdict namechain-order.pem root.pem - "" "$W/namechain-order.pem"
    verdict fraction-valid.pem root.pem - "" "$W/fraction-valid.pem"
    verdict fraction-expired.pem root.pem - "" "$W/fraction-expired.pem"
    for f in nc-ok nc-dns-outside nc-dns-excluded nc-ip-outside nc-ip-excluded nc-ipv6-outside \
        nc-email-outside nc-email-excluded nc-uri-outside nc-dirname-outside; do
        verdict "$f.pem" root.pem - "" "$W/$f.pem"
    done
    verdict nc-self-issued.pem root.pem - "" "$W/ncsi-leaf.pem"
    verdict nc-cn-outside.pem root.pem - "" "$W/nc-cn-outside.pem"
    verdict good.pem root.pem "--hostname valid.example" "-verify_hostname valid.example" "$W/good.pem"
    verdict good.pem root.pem "--hostname a.wild.valid.example" "-verify_hostname a.wild.valid.example" "$W/good.pem"
    verdict good.pem root.pem "--hostname other.example" "-verify_hostname other.example" "$W/good.pem"
    verdict good.pem root.pem "--ip 192.0.2.10" "-verify_ip 192.0.2.10" "$W/good.pem"
    verdict good.pem root.pem "--ip 192.0.2.11" "-verify_ip 192.0.2.11" "$W/good.pem"
    verdict good.pem root.pem "--email user@valid.example" "-verify_email user@valid.example" "$W/good.pem"
    verdict good.pem root.pem "--email other@valid.example" "-verify_email other@valid.example" "$W/good.pem"
    verdict eku-server.pem root.pem "--purpose server" "-purpose sslserver" "$W/eku-server.pem"
    verdict eku-server.pem root.pem "--purpose client" "-purpose sslclient" "$W/eku-server.pem"
    verdict eku-none.pem root.pem "--purpose client" "-purpose sslclient" "$W/eku-none.pem"
    verdict eku-any.pem root.pem "--purpose server" "-purpose sslserver" "$W/eku-any.pem"
    verdict eku-others.pem root.pem "--purpose server" "-purpose sslserver" "$W/eku-others.pem"
    verdict eku-others.pem root.pem "--purpose time-stamping" "-purpose timestampsign" "$W/eku-others.pem"
    verdict eku-time-stamping.pem root.pem "--purpose time-stamping" "-purpose timestampsign" "$W/eku-time-stamping.pem"
    verdict eku-others.pem root.pem "--purpose ocsp-signing" "-purpose ocsphelper" "$W/eku-others.pem"
    verdict eku-others.pem root.pem "--purpose any" "-purpose any" "$W/eku-others.pem"
    verdict webpki-rsa1024.pem root.pem - "" "$W/webpki-rsa1024.pem"
    verdict webpki-rsa1024.pem root.pem "--profile webpki" "-auth_level 2" "$W/webpki-rsa1024.pem"
    verdict webpki-rsa2048.pem root.pem "--profile webpki" "-auth_level 2" "$W/webpki-rsa2048.pem"
    P1=1.3.6.1.4.1.55555.1.1
    P3=1.3.6.1.4.1.55555.1.3
    verdict policy.pem root.pem - "-policy_check" "$W/policy-leaf.pem"
    verdict policy.pem root.pem "--policy $P1 --require-explicit-policy" "-policy $P1 -explicit_policy" "$W/policy-leaf.pem"
    verdict policy.pem root.pem "--policy $P3 --require-explicit-policy" "-policy $P3 -explicit_policy" "$W/policy-leaf.pem"
    verdict policy.pem root.pem "--policy $P3" "-policy $P3" "$W/policy-leaf.pem"
    verdict policy-required.pem root.pem - "-policy_check" "$W/policy-req-leaf.pem"
    verdict policy-mapped.pem root.pem "--policy $P1 --require-explicit-policy" "-policy $P1 -explicit_policy" "$W/policy-map-leaf.pem"
    verdict policy-mapped.pem root.pem "--policy $P1 --require-explicit-policy --inhibit-policy-mapping" "-policy $P1 -explicit_policy -inhibit_map" "$W/policy-map-leaf.pem"
    # With -explicit_policy, OpenSSL fails every path when no -policy is given (its user
    # policy set is then empty rather than {anyPolicy}): these rows name anyPolicy.
    ANY=2.5.29.32.0
    verdict policy-any.pem root.pem "--policy $ANY --require-explicit-policy" "-policy $ANY -explicit_policy" "$W/policy-any-leaf.pem"
    verdict policy-any.pem root.pem "--policy $ANY --require-explicit-policy --inhibit-any-policy" "-policy $ANY -explicit_policy -inhibit_any" "$W/policy-any-leaf.pem"
    verdict policy-any-inhibit.pem root.pem "--policy $ANY --require-explicit-policy" "-policy $ANY -explicit_policy" "$W/policy-any-inhibit-leaf.pem"
    verdict policy-any-inhibit.pem root.pem - "-policy_check" "$W/policy-any-inhibit-leaf.pem"
    for f in dsa rsa-pss-sha384 rsa-pss-salt20; do
        verdict "$f.pem" "$f-root.pem" - "" "$W/$f-leaf.pem"
    done
} >"$V/openssl-verdicts.txt"

cat >"$V/README.md" <<'EOF'
# Path-validation fixtures

Generated by `scripts/gen-validation-fixtures.sh`; keys are fresh on every run, names,
serials, dates and extensions are fixed. Each failing chain has a valid counterpart.
`openssl-verdicts.txt` holds what `openssl verify -partial_chain -attime` (at
2026-01-15T12:00:00Z) says about each chain with the roots file and the options of its row;
tests/cli/validation.rs checks that `certscope chain` agrees (and asserts the problem codes of
docs/chain.md). Every chain is under `root.pem` (Certscope Validation Root) unless noted.

| File | What it is |
|------|------------|
| root.pem | the anchor |
| good.pem | leaf (SAN valid.example, *.wild.valid.example, 192.0.2.10, user@valid.example; EKU server+client), CA |
| two-intermediates.pem | two CAs, no leaf; the second expired (2021) |
| two-intermediates-ok.pem | two valid CAs, no leaf |
| unknown-critical.pem | leaf with a critical private extension, CA |
| unknown-noncritical.pem | the same extension not critical |
| unknown-critical-ca.pem | leaf under a CA with a critical private extension |
| issuer-ca-false.pem | leaf under an issuer with cA FALSE |
| issuer-no-basic-constraints.pem | leaf under a v3 issuer without basicConstraints |
| issuer-no-keycertsign.pem | leaf under a CA whose keyUsage lacks keyCertSign |
| pathlen1-ok.pem | leaf, B, A (pathlen:1) |
| pathlen0-self-issued.pem | leaf, A' (self-issued: A's name, new key), A (pathlen:0): A' is not counted |
| pathlen0-exceeded.pem | leaf, B, A (pathlen:0) |
| namechain-case.pem | leaf whose issuer name differs from the CA's subject in case and spacing only |
| namechain-order.pem | leaf whose issuer name has the CA's RDNs in the other order |
| fraction-valid.pem | leaf with notAfter GeneralizedTime 20260115120000.999Z |
| fraction-expired.pem | leaf with notAfter GeneralizedTime 20260115115959.999Z |
| nc-ca.pem | Certscope NC CA: permitted DNS allowed.example, IP 192.0.2.0/24 and 2001:db8::/32, email @allowed.example, URI .allowed.example, dirName O=Certscope Validation,OU=Leaves; excluded DNS bad.allowed.example, IP 192.0.2.128/25, email bad@allowed.example |
| nc-ok.pem | leaf within every constraint, NC CA |
| nc-dns-outside.pem, nc-dns-excluded.pem | dNSName outside permitted / inside excluded |
| nc-ip-outside.pem, nc-ip-excluded.pem, nc-ipv6-outside.pem | iPAddress outside / excluded / IPv6 outside |
| nc-email-outside.pem, nc-email-excluded.pem | rfc822Name outside / excluded |
| nc-uri-outside.pem | URI host outside |
| nc-dirname-outside.pem | subject O=Other Org |
| nc-cn-outside.pem | no SAN, CN www.other.example (outside the dNSName subtree) |
| nc-self-issued.pem | good leaf, a self-issued NC CA (its name outside the dirName constraint), NC CA |
| eku-server.pem | leaf with EKU serverAuth only |
| eku-any.pem | leaf with EKU anyExtendedKeyUsage |
| eku-none.pem | leaf without EKU |
| eku-others.pem | leaf with EKU codeSigning, emailProtection, timeStamping, OCSPSigning |
| eku-time-stamping.pem | leaf with a critical EKU of timeStamping alone |
| policy.pem | leaf (policy P1 = 1.3.6.1.4.1.55555.1.1), CA (P1, P2) |
| policy-required.pem | leaf without policies, CA with requireExplicitPolicy 0 |
| policy-mapped.pem | leaf (P9), CA (P1, policyMappings P1 to P9) |
| policy-any.pem | leaf (P1), CA2 (anyPolicy), CA1 (anyPolicy) |
| policy-any-inhibit.pem | the same with inhibitAnyPolicy 0 in CA1 |
| webpki-rsa1024.pem, webpki-rsa2048.pem | leaf with an RSA-1024 / RSA-2048 key |
| webpki-p521.pem | leaf with a P-521 key |
| webpki-no-san.pem | leaf without subjectAltName |
| webpki-leaf-ca.pem | leaf with cA TRUE |
| webpki-serial-zero.pem | leaf with serial 0 |
| dsa.pem, dsa-root.pem | DSA-2048 chain, dsa_with_SHA256 |
| rsa-pss-sha384.pem, rsa-pss-sha384-root.pem | RSA-PSS chain, SHA-384, salt 48 |
| rsa-pss-salt20.pem, rsa-pss-salt20-root.pem | RSA-PSS chain, SHA-256, salt 20 |
EOF

echo "validation fixtures regenerated under $V"
