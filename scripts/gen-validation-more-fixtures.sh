#!/usr/bin/env bash
# Regenerate fixtures/validation-more/ (issue 15, second round): RSA-PSS chains with salt
# lengths ring cannot check (0, 20 and 48 bytes under SHA-256; 20 under SHA-384) and a
# forged one, and the webpki profile's CA rules (keyUsage criticality, SKI, AKI, CA EKU).
#
# Separate from gen-validation-fixtures.sh on purpose: that script wipes and re-keys
# fixtures/validation/, whose snapshots and verdicts must stay as they are. This one touches
# only fixtures/validation-more/.
#
# Requirements: the `openssl` CLI (OpenSSL 3.x), python3 (to flip a signature byte).
# Re-runnable: the directory is wiped and recreated; keys are fresh on every run.
#
# Beside the fixtures it writes openssl-verdicts.txt (same columns as
# fixtures/validation/openssl-verdicts.txt); tests/cli/validation.rs compares `certscope chain`
# with it.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
V="$repo_root/fixtures/validation-more"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"

fixture_workdir certscope-validation-more-fixtures

rm -rf -- "$V"
mkdir -p "$V"
K="$work/keys"
W="$work/out"
mkdir -p "$K" "$W"

# The tests' pinned now (tests/support/mod.rs NOW).
AT_EPOCH=1768478400
START=20200101000000Z
END=20450101000000Z
O="/O=Certscope Validation"

# sign CADIR KEY SUBJECT OUT EXT SERIALHEX [extra openssl ca args...]
sign() {
    local dir=$1 k=$2 subj=$3 out=$4 ext=$5 serial=$6
    shift 6
    mkcsr "$k" "$subj" "$work/req.csr"
    echo "$serial" >"$dir/serial"
    ca_sign "$dir" "$work/req.csr" "$work/ca-out.pem" "$ext" "$START" "$END" "$@"
    ossl x509 -in "$work/ca-out.pem" -out "$out"
}

cat >"$work/ext.cnf" <<'CNF'
[ root_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash

[ ca_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ca_ku_noncritical_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ca_no_ski_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = none
authorityKeyIdentifier = keyid:always

[ ca_eku_any_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
extendedKeyUsage       = anyExtendedKeyUsage
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ca_eku_client_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ca_eku_server_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ leaf_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:valid.example

[ leaf_no_aki_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = none
subjectAltName         = DNS:valid.example
CNF

# ---------------------------------------------------------------------------
# RSA-PSS with salt lengths other than the digest's.
# ---------------------------------------------------------------------------
# family NAME [openssl ca signing args...]: root, CA and leaf, all signed the same way.
family() {
    local name=$1
    shift
    local k rdir cdir
    for k in root ca leaf; do
        key rsa2048 "$K/$name-$k.pem"
    done
    rdir=$(ca_dir "$name-root" "$W/$name-root.pem" "$K/$name-root.pem")
    sign "$rdir" "$K/$name-root.pem" "$O/CN=Certscope $name Root" "$W/$name-root.pem" root_ext 01 \
        -selfsign -keyfile "$K/$name-root.pem" "$@"
    sign "$rdir" "$K/$name-ca.pem" "$O/CN=Certscope $name CA" "$W/$name-ca.pem" ca_ext 02 "$@"
    cdir=$(ca_dir "$name-ca" "$W/$name-ca.pem" "$K/$name-ca.pem")
    sign "$cdir" "$K/$name-leaf.pem" "$O/CN=valid.example" "$W/$name-leaf.pem" leaf_ext 1000 "$@"
    cp "$W/$name-root.pem" "$V/$name-root.pem"
    cat "$W/$name-leaf.pem" "$W/$name-ca.pem" >"$V/$name.pem"
}
PSS=(-sigopt rsa_padding_mode:pss)
family pss-salt0 -md sha256 "${PSS[@]}" -sigopt rsa_pss_saltlen:0
family pss-salt20 -md sha256 "${PSS[@]}" -sigopt rsa_pss_saltlen:20
family pss-salt48 -md sha256 "${PSS[@]}" -sigopt rsa_pss_saltlen:48
family pss-sha384-salt20 -md sha384 "${PSS[@]}" -sigopt rsa_pss_saltlen:20

# The salt-20 leaf with the last signature octet changed: a forgery, not "not checked".
python3 - "$W/pss-salt20-leaf.pem" "$W/pss-salt20-forged-leaf.pem" <<'PY'
import base64, sys, textwrap
pem = open(sys.argv[1]).read()
body = "".join(l for l in pem.splitlines() if not l.startswith("-----"))
der = bytearray(base64.b64decode(body))
der[-1] ^= 0x01
b64 = "\n".join(textwrap.wrap(base64.b64encode(bytes(der)).decode(), 64))
open(sys.argv[2], "w").write(
    "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n")
PY
cat "$W/pss-salt20-forged-leaf.pem" "$W/pss-salt20-ca.pem" >"$V/pss-salt20-forged.pem"

# ---------------------------------------------------------------------------
# The webpki profile's CA rules: one broken per chain.
# ---------------------------------------------------------------------------
key p256 "$K/root.pem"
rdir=$(ca_dir root "$W/root.pem" "$K/root.pem")
sign "$rdir" "$K/root.pem" "$O/CN=Certscope Webpki Root" "$W/root.pem" root_ext 01 \
    -selfsign -keyfile "$K/root.pem"
cp "$W/root.pem" "$V/root.pem"
serial=10
# ca_chain NAME CA-EXT LEAF-EXT: root → CA (CA-EXT) → leaf (LEAF-EXT), as NAME.pem.
ca_chain() {
    local name=$1 caext=$2 leafext=$3 cdir
    key p256 "$K/$name-ca.pem"
    key p256 "$K/$name-leaf.pem"
    sign "$rdir" "$K/$name-ca.pem" "$O/CN=Certscope $name CA" "$W/$name-ca.pem" "$caext" "$serial"
    serial=$((serial + 1))
    cdir=$(ca_dir "$name" "$W/$name-ca.pem" "$K/$name-ca.pem")
    sign "$cdir" "$K/$name-leaf.pem" "$O/CN=valid.example" "$W/$name-leaf.pem" "$leafext" 1000
    cat "$W/$name-leaf.pem" "$W/$name-ca.pem" >"$V/$name.pem"
}
ca_chain webpki-ok ca_ext leaf_ext
ca_chain webpki-ca-ku-noncritical ca_ku_noncritical_ext leaf_ext
# Under a CA without SKI there is no key identifier to name (the leaf then has no AKI).
ca_chain webpki-ca-no-ski ca_no_ski_ext leaf_no_aki_ext
ca_chain webpki-leaf-no-aki ca_ext leaf_no_aki_ext
ca_chain webpki-ca-eku-any ca_eku_any_ext leaf_ext
ca_chain webpki-ca-eku-client ca_eku_client_ext leaf_ext
ca_chain webpki-ca-eku-server ca_eku_server_ext leaf_ext

# ---------------------------------------------------------------------------
# openssl's verdicts (as in gen-validation-fixtures.sh).
# ---------------------------------------------------------------------------
verdict() {
    local input=$1 roots=$2 cs=$3 os=$4 leaf=$5 out err=-
    # shellcheck disable=SC2086
    if ! out=$(ossl verify -attime "$AT_EPOCH" -partial_chain -CAfile "$V/$roots" \
        -untrusted "$V/$input" $os "$leaf" 2>&1); then
        err=$(printf '%s\n' "$out" | sed -n 's/^error [0-9]* at [0-9]* depth lookup: //p' | head -n 1)
        [ -n "$err" ] || err=$(printf '%s\n' "$out" | head -n 1)
    fi
    if [ "$err" = - ]; then
        printf '%s\t%s\t%s\tOK\t-\n' "$input" "$roots" "$cs"
    else
        printf '%s\t%s\t%s\tFAIL\t%s\n' "$input" "$roots" "$cs" "$err"
    fi
}
{
    printf '# Produced by scripts/gen-validation-more-fixtures.sh: `%s verify -attime %s -partial_chain -CAfile ROOTS -untrusted INPUT [OPTIONS] LEAF`.\n' \
        "$(ossl version | cut -d' ' -f1-2)" "$AT_EPOCH"
    printf '# input (under fixtures/validation-more/)\troots\tcertscope options\tverdict\topenssl error\n'
    for f in pss-salt0 pss-salt20 pss-salt48 pss-sha384-salt20; do
        verdict "$f.pem" "$f-root.pem" - "" "$W/$f-leaf.pem"
    done
    verdict pss-salt20-forged.pem pss-salt20-root.pem - "" "$W/pss-salt20-forged-leaf.pem"
    # OpenSSL chains the EKU through CAs always; certscope does under --profile webpki.
    verdict webpki-ca-eku-client.pem root.pem "--purpose server --profile webpki" "-purpose sslserver" "$W/webpki-ca-eku-client-leaf.pem"
    verdict webpki-ca-eku-server.pem root.pem "--purpose server --profile webpki" "-purpose sslserver" "$W/webpki-ca-eku-server-leaf.pem"
} >"$V/openssl-verdicts.txt"

cat >"$V/README.md" <<'MD'
# More path-validation fixtures

Generated by `scripts/gen-validation-more-fixtures.sh` (keys fresh on every run; names,
serials, dates and extensions fixed). `openssl-verdicts.txt` holds what `openssl verify`
says of the rows tests/cli/validation.rs compares with `certscope chain`.

| file | what |
|---|---|
| pss-salt0.pem, pss-salt0-root.pem | RSA-PSS chain, SHA-256, salt 0 |
| pss-salt20.pem, pss-salt20-root.pem | RSA-PSS chain, SHA-256, salt 20 |
| pss-salt48.pem, pss-salt48-root.pem | RSA-PSS chain, SHA-256, salt 48 |
| pss-sha384-salt20.pem, pss-sha384-salt20-root.pem | RSA-PSS chain, SHA-384, salt 20 |
| pss-salt20-forged.pem | pss-salt20's leaf with one signature bit flipped |
| root.pem | the webpki chains' root (P-256) |
| webpki-ok.pem | leaf + CA meeting every webpki rule |
| webpki-ca-ku-noncritical.pem | CA keyUsage not critical (BR §7.1.2.10.7) |
| webpki-ca-no-ski.pem | CA without subjectKeyIdentifier (BR §7.1.2.11.4) |
| webpki-leaf-no-aki.pem | leaf without authorityKeyIdentifier (BR §7.1.2.11.1) |
| webpki-ca-eku-any.pem | CA extendedKeyUsage anyExtendedKeyUsage (BR §7.1.2.10.6) |
| webpki-ca-eku-client.pem | CA extendedKeyUsage clientAuth, leaf serverAuth |
| webpki-ca-eku-server.pem | CA extendedKeyUsage serverAuth (valid counterpart) |
MD
