# shellcheck shell=bash
# The openssl recipe shared by the fixture generators (gen-fixtures.sh,
# gen-chain-fixtures.sh, gen-hostile-fixtures.sh): a scratch directory, fresh keys and
# a minimal `openssl ca` setup that issues certificates and CRLs with fixed dates,
# serials and extensions.
#
# Kept in one place so that the generators cannot drift apart: every fixture is made by
# the same commands with the same CA configuration, and a fix (say, to the config that
# keeps a distribution's openssl.cnf out) reaches all of them.
#
# Sourced, not run: it defines functions and variables only and relies on the caller's
# `set -euo pipefail`. Functions write scratch files under $work (see fixture_workdir).

OPENSSL=${OPENSSL:-openssl}
ossl() { "$OPENSSL" "$@"; }

# fixture_workdir PREFIX: make the scratch directory $work (removed on exit) and two
# configs in it: empty.cnf, exported as OPENSSL_CONF so that distribution-specific
# openssl.cnf settings stay out of the fixtures, and req.cnf for mkcsr.
fixture_workdir() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    trap 'rm -rf -- "$work"' EXIT
    : >"$work/empty.cnf"
    export OPENSSL_CONF="$work/empty.cnf"
    # A request config must name a DN section; mkcsr's -subj replaces the placeholder.
    cat >"$work/req.cnf" <<'EOF'
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = placeholder
EOF
}

# key ALG OUT: a fresh private key in PKCS#8 PEM
# (ALG: rsa2048, rsa1024, ..., p224, p256, p384, p521, ed25519, ed448).
key() {
    case $1 in
        rsa*) ossl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${1#rsa}" -out "$2" 2>/dev/null ;;
        p224|p256|p384|p521)
            ossl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:P-${1#p}" \
                -pkeyopt ec_param_enc:named_curve -out "$2" ;;
        ed25519) ossl genpkey -algorithm ED25519 -out "$2" ;;
        ed448) ossl genpkey -algorithm ED448 -out "$2" ;;
        *) echo "unknown key type $1" >&2; return 1 ;;
    esac
}

# mkcsr KEY SUBJECT OUT: a CSR with just a subject (the CA adds every extension).
mkcsr() {
    ossl req -new -config "$work/req.cnf" -key "$1" -subj "$2" -out "$3"
}

# ca_dir NAME CERT KEY [SERIALHEX [DEFAULT_MD]]: create the openssl ca directory
# $work/ca-NAME signing with CERT/KEY, print its path. SERIALHEX is the next serial
# (default 01); DEFAULT_MD the digest when a call gives no -md (default: openssl's
# choice for the key type, which Ed25519/Ed448 need).
#
# The policy only asks for a commonName: with -preserveDN (ca_sign) the subject is the
# request's, in the request's order.
ca_dir() {
    local dir="$work/ca-$1" cert=$2 cakey=$3 serial=${4:-01} md=${5:-default}
    mkdir -p "$dir/newcerts"
    : >"$dir/index.txt"
    echo "$serial" >"$dir/serial"
    echo 01 >"$dir/crlnumber"
    cat >"$dir/ca.cnf" <<EOF
[ ca ]
default_ca = CA_default

[ CA_default ]
dir             = $dir
database        = \$dir/index.txt
new_certs_dir   = \$dir/newcerts
serial          = \$dir/serial
crlnumber       = \$dir/crlnumber
certificate     = $cert
private_key     = $cakey
default_md      = $md
policy          = policy_any
unique_subject  = no
email_in_dn     = yes
copy_extensions = none
preserve        = yes

[ policy_any ]
countryName            = optional
stateOrProvinceName    = optional
localityName           = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied
emailAddress           = optional

[ crl_ext ]
authorityKeyIdentifier = keyid:always
EOF
    echo "$dir"
}

# ca_batch ARGS...: `openssl ca -batch ARGS`, whose chatter is shown only when it fails.
ca_batch() {
    ossl ca -batch "$@" 2>"$work/ca.log" || { cat "$work/ca.log" >&2; return 1; }
}

# ca_sign CADIR CSR OUT EXTSECTION STARTDATE ENDDATE [extra openssl ca args...]
# Issue a certificate for CSR with the extensions of EXTSECTION in $work/ext.cnf (the
# caller writes that file); add `-selfsign -keyfile KEY` for a self-signed one.
ca_sign() {
    local dir=$1 csr=$2 out=$3 ext=$4 start=$5 end=$6
    shift 6
    ca_batch -config "$dir/ca.cnf" -notext -preserveDN \
        -startdate "$start" -enddate "$end" \
        -extfile "$work/ext.cnf" -extensions "$ext" \
        -in "$csr" -out "$out" "$@"
}

# ca_crl CONFIG LASTUPDATE NEXTUPDATE OUT: a CRL (with AKI) of CONFIG's database.
ca_crl() {
    ca_batch -config "$1" -gencrl -crlexts crl_ext \
        -crl_lastupdate "$2" -crl_nextupdate "$3" -out "$4"
}
