#!/usr/bin/env bash
# Regenerate the chain and lint fixtures under fixtures/chains/ and fixtures/lint/.
#
# Separate from gen-fixtures.sh on purpose: it touches only those two directories, so the
# other fixtures (and their golden snapshots and openssl fingerprints) stay as they are.
#
# Requirements: the `openssl` CLI (OpenSSL 3.x with Ed448), python3 (standard library only;
# for the two certificates openssl cannot be told to make: a duplicated extension and a
# one-byte-changed signature), coreutils.
#
# Re-runnable: both directories are wiped and recreated. Keys are fresh on every run;
# names, serials, dates and extensions are fixed. After regenerating, update the golden
# snapshots (INSTA_UPDATE=always cargo test --test cli snapshots::) and review them.
#
# Beside the fixtures it writes fixtures/chains/openssl-verdicts.txt: what
# `openssl verify -partial_chain -attime` says about every chain, which tests/cli/chain.rs
# compares with `certscope chain`.
#
# Keys, the scratch directory and the `openssl ca` setup come from
# scripts/lib/fixture-ca.sh, the same recipe gen-fixtures.sh uses.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
CH="$repo_root/fixtures/chains"
LI="$repo_root/fixtures/lint"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"

fixture_workdir certscope-chain-fixtures

rm -rf -- "$CH" "$LI"
mkdir -p "$CH" "$LI"

# The moment every verdict is taken at: the pinned "now" of the test suite
# (tests/support/mod.rs NOW).
AT=2026-01-15T12:00:00Z
AT_EPOCH=1768478400

# Long-lived PKI dates, and a one-year leaf validity around AT for the lint fixtures.
START=20200101000000Z
END=20450101000000Z
LEAF_START=20250601000000Z
LEAF_END=20260601000000Z

# ---------------------------------------------------------------------------
# Helpers (key, ca_dir, mkcsr, ca_sign and ca_crl: lib/fixture-ca.sh).
# ---------------------------------------------------------------------------
# sign CADIR KEY SUBJECT OUT EXT START END SERIALHEX [extra openssl ca args...]
# Issues a certificate for KEY from CADIR (add -selfsign -keyfile KEY for a root).
sign() {
    local dir=$1 k=$2 subj=$3 out=$4 ext=$5 start=$6 end=$7 serial=$8
    shift 8
    mkcsr "$k" "$subj" "$work/req.csr"
    echo "$serial" >"$dir/serial"
    ca_sign "$dir" "$work/req.csr" "$work/ca-out.pem" "$ext" "$start" "$end" "$@"
    # One clean PEM block per file.
    ossl x509 -in "$work/ca-out.pem" -out "$out"
}

cat >"$work/ext.cnf" <<'EOF'
[ root_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash

[ inter_ext ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,digitalSignature,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
authorityInfoAccess    = caIssuers;URI:http://pki.example/chain-root.crt

[ inter_pathlen0_ext ]
basicConstraints       = critical,CA:TRUE,pathlen:0
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ leaf_ext ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth,clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:chain-leaf.example,DNS:*.wild.example,IP:192.0.2.1
authorityInfoAccess    = caIssuers;URI:http://pki.example/chain-intermediate.crt
EOF

# ext_section NAME KEY=VALUE...: print the extension section NAME, one `KEY = VALUE` line
# each, in order. A later KEY=VALUE replaces the line of the same KEY where it stands and
# KEY= drops it, so a section can be written as another one plus what differs.
ext_section() {
    local name=$1 kv k i found
    shift
    local -a keys=() vals=()
    for kv in "$@"; do
        k=${kv%%=*}
        found=
        for i in "${!keys[@]}"; do
            [ "${keys[$i]}" = "$k" ] && { found=$i; break; }
        done
        if [ -z "$found" ]; then
            keys+=("$k")
            vals+=("${kv#*=}")
        elif [ "$kv" = "$k=" ]; then
            unset 'keys[found]' 'vals[found]'
        else
            vals[found]=${kv#*=}
        fi
    done
    printf '\n[ %s ]\n' "$name"
    for i in "${!keys[@]}"; do
        printf '%-22s = %s\n' "${keys[$i]}" "${vals[$i]}"
    done
}

# Lint sections: each one is the clean leaf's with the one thing its lint checks changed.
lint_leaf=(
    basicConstraints=critical,CA:FALSE
    keyUsage=critical,digitalSignature
    extendedKeyUsage=serverAuth
    subjectKeyIdentifier=hash
    authorityKeyIdentifier=keyid:always
    subjectAltName=DNS:lint.example
)
{
    ext_section lint_leaf "${lint_leaf[@]}"
    # Self-signed (md5-signature.pem): no issuer key to identify.
    ext_section lint_self "${lint_leaf[@]}" authorityKeyIdentifier=
    ext_section lint_ca_no_keycertsign "${lint_leaf[@]}" basicConstraints=critical,CA:TRUE \
        keyUsage=critical,digitalSignature,cRLSign extendedKeyUsage= subjectAltName=
    ext_section lint_leaf_ca_true "${lint_leaf[@]}" basicConstraints=critical,CA:TRUE \
        keyUsage=critical,digitalSignature,keyCertSign
    ext_section lint_no_san "${lint_leaf[@]}" subjectAltName=
    # Written out, so that the reason for the explicit "none" stays in the config.
    cat <<'EOF'

[ lint_no_aki_ski ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:lint.example
# OpenSSL 3 adds both identifiers unless told not to.
subjectKeyIdentifier   = none
authorityKeyIdentifier = none
EOF
    ext_section lint_unknown_critical "${lint_leaf[@]}" \
        "1.3.6.1.4.1.55555.9.1=critical,ASN1:UTF8String:must be understood"
} >>"$work/ext.cnf"

# python3 helper: DER surgery that openssl cannot be asked for.
#   dup-ext IN.der OUT.tbs   TBS of IN with its subjectAltName extension repeated
#   serial IN.der HEX OUT.tbs TBS of IN with serial content octets HEX (two's complement)
#   assemble TBS ALG.der SIG OUT.der  Certificate from TBS, AlgorithmIdentifier, signature
#   sigalg IN.der OUT        the AlgorithmIdentifier DER of IN
cat >"$work/der.py" <<'EOF'
import sys

def read(b, i):
    """(tag, header length, content length) of the element at b[i]."""
    tag, n = b[i], b[i + 1]
    if n < 0x80:
        return tag, 2, n
    k = n & 0x7F
    return tag, 2 + k, int.from_bytes(b[i + 2:i + 2 + k], "big")

def children(b):
    """Raw child elements of a constructed element's content."""
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

cmd = sys.argv[1]
if cmd == "dup-ext":
    cert = open(sys.argv[2], "rb").read()
    tbs = children(content(cert))[0]
    parts = children(content(tbs))
    exts_wrapper = parts[-1]                      # [3] EXPLICIT Extensions
    assert exts_wrapper[0] == 0xA3
    exts = children(content(children(content(exts_wrapper))[0]))
    san = [e for e in exts if b"\x06\x03\x55\x1d\x11" in e[:8]]
    assert len(san) == 1
    exts = exts + san
    new = enc(0xA3, enc(0x30, b"".join(exts)))
    open(sys.argv[3], "wb").write(enc(0x30, b"".join(parts[:-1] + [new])))
elif cmd == "serial":
    cert = open(sys.argv[2], "rb").read()
    parts = children(content(children(content(cert))[0]))
    assert parts[0][0] == 0xA0 and parts[1][0] == 0x02
    parts[1] = enc(0x02, bytes.fromhex(sys.argv[3]))
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

pem_of() { ossl x509 -inform DER -in "$1" -out "$2"; }

# ---------------------------------------------------------------------------
# The main P-256 PKI: root -> intermediate -> leaf.
# ---------------------------------------------------------------------------
K="$work/keys"
mkdir -p "$K"
for k in root inter leaf oldroot expinter expleaf pla plb plleaf; do key p256 "$K/$k.pem"; done

root_dir=$(ca_dir root "$work/root.pem" "$K/root.pem")
sign "$root_dir" "$K/root.pem" "/O=Certscope Chains/CN=Certscope Chain Root" "$work/root.pem" \
    root_ext "$START" "$END" 01 -selfsign -keyfile "$K/root.pem"
sign "$root_dir" "$K/inter.pem" "/O=Certscope Chains/CN=Certscope Chain Intermediate" \
    "$work/inter.pem" inter_ext "$START" "$END" 02
inter_dir=$(ca_dir inter "$work/inter.pem" "$K/inter.pem")
sign "$inter_dir" "$K/leaf.pem" "/O=Certscope Chains/CN=chain-leaf.example" "$work/leaf.pem" \
    leaf_ext "$START" "$END" 1000

cp "$work/root.pem" "$CH/root.pem"
cat "$work/leaf.pem" "$work/inter.pem" >"$CH/good.pem"
cat "$work/leaf.pem" "$work/inter.pem" "$work/root.pem" >"$CH/good-with-root.pem"
cat "$work/inter.pem" "$work/leaf.pem" >"$CH/misordered.pem"
cp "$work/leaf.pem" "$CH/missing-intermediate.pem"

# Cross-signed: the same intermediate (name and key) also issued by an older root.
oldroot_dir=$(ca_dir oldroot "$work/oldroot.pem" "$K/oldroot.pem")
sign "$oldroot_dir" "$K/oldroot.pem" "/O=Certscope Chains/CN=Certscope Chain Old Root" \
    "$work/oldroot.pem" root_ext "$START" "$END" 01 -selfsign -keyfile "$K/oldroot.pem"
sign "$oldroot_dir" "$K/inter.pem" "/O=Certscope Chains/CN=Certscope Chain Intermediate" \
    "$work/inter-cross.pem" inter_ext "$START" "$END" 03
cp "$work/oldroot.pem" "$CH/old-root.pem"
cat "$work/leaf.pem" "$work/inter.pem" "$work/inter-cross.pem" >"$CH/cross-signed.pem"

# Expired intermediate (valid 2020 to 2021) with a leaf that is itself still valid.
sign "$root_dir" "$K/expinter.pem" "/O=Certscope Chains/CN=Certscope Chain Expired Intermediate" \
    "$work/expinter.pem" inter_ext 20200101000000Z 20210101000000Z 04
expinter_dir=$(ca_dir expinter "$work/expinter.pem" "$K/expinter.pem")
sign "$expinter_dir" "$K/expleaf.pem" "/O=Certscope Chains/CN=expired-intermediate-leaf.example" \
    "$work/expleaf.pem" leaf_ext "$START" "$END" 1001
cat "$work/expleaf.pem" "$work/expinter.pem" >"$CH/expired-intermediate.pem"

# Bad signature: the leaf with the last byte of its signature changed.
ossl x509 -in "$work/leaf.pem" -outform DER -out "$work/leaf.der"
python3 - "$work/leaf.der" "$work/badsig.der" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[-1] ^= 0x01
open(sys.argv[2], "wb").write(bytes(b))
EOF
pem_of "$work/badsig.der" "$work/badsig.pem"
cat "$work/badsig.pem" "$work/inter.pem" >"$CH/bad-signature.pem"

# Path length: root -> A (pathlen:0) -> B (CA) -> leaf; B may not sit below A.
sign "$root_dir" "$K/pla.pem" "/O=Certscope Chains/CN=Certscope Pathlen0 CA" "$work/pla.pem" \
    inter_pathlen0_ext "$START" "$END" 05
pla_dir=$(ca_dir pla "$work/pla.pem" "$K/pla.pem")
sign "$pla_dir" "$K/plb.pem" "/O=Certscope Chains/CN=Certscope Below Pathlen0 CA" "$work/plb.pem" \
    inter_ext "$START" "$END" 06
plb_dir=$(ca_dir plb "$work/plb.pem" "$K/plb.pem")
sign "$plb_dir" "$K/plleaf.pem" "/O=Certscope Chains/CN=pathlen-leaf.example" "$work/plleaf.pem" \
    leaf_ext "$START" "$END" 1002
cat "$work/plleaf.pem" "$work/plb.pem" "$work/pla.pem" >"$CH/pathlen-exceeded.pem"

# Extra and duplicate certificates: the good chain, the intermediate twice, an unrelated root.
cat "$work/leaf.pem" "$work/inter.pem" "$work/inter.pem" "$work/oldroot.pem" \
    >"$CH/extra-and-duplicate.pem"

# ---------------------------------------------------------------------------
# One chain per signature family: root -> intermediate -> leaf, each with its own root file.
# ---------------------------------------------------------------------------
# family NAME KEYTYPE [openssl ca signing args...]
family() {
    local name=$1 kt=$2
    shift 2
    key "$kt" "$K/$name-root.pem"
    key "$kt" "$K/$name-inter.pem"
    key "$kt" "$K/$name-leaf.pem"
    local rdir idir
    rdir=$(ca_dir "$name-root" "$work/$name-root.pem" "$K/$name-root.pem")
    sign "$rdir" "$K/$name-root.pem" "/O=Certscope Chains/CN=Certscope $name Root" \
        "$work/$name-root.pem" root_ext "$START" "$END" 01 -selfsign -keyfile "$K/$name-root.pem" "$@"
    sign "$rdir" "$K/$name-inter.pem" "/O=Certscope Chains/CN=Certscope $name Intermediate" \
        "$work/$name-inter.pem" inter_ext "$START" "$END" 02 "$@"
    idir=$(ca_dir "$name-inter" "$work/$name-inter.pem" "$K/$name-inter.pem")
    sign "$idir" "$K/$name-leaf.pem" "/O=Certscope Chains/CN=$name-leaf.example" \
        "$work/$name-leaf.pem" leaf_ext "$START" "$END" 1000 "$@"
    cp "$work/$name-root.pem" "$CH/$name-root.pem"
    cat "$work/$name-leaf.pem" "$work/$name-inter.pem" >"$CH/$name.pem"
}
family rsa-pss rsa2048 -md sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest
family p384 p384 -md sha384
family p521 p521 -md sha512
family ed25519 ed25519
family ed448 ed448

# ---------------------------------------------------------------------------
# openssl's verdicts: chain file, roots file, verdict (OK or the first error).
# ---------------------------------------------------------------------------
# verdict INPUT ROOTS LEAF: openssl verifies LEAF with INPUT as untrusted intermediates
# and ROOTS as trust anchors (-partial_chain: any certificate of ROOTS may end the chain).
verdict() {
    local input=$1 roots=$2 leaf=$3 out
    if out=$(ossl verify -attime "$AT_EPOCH" -partial_chain -CAfile "$CH/$roots" \
        -untrusted "$CH/$input" "$leaf" 2>&1); then
        printf '%s\t%s\tOK\t-\n' "$input" "$roots"
    else
        printf '%s\t%s\tFAIL\t%s\n' "$input" "$roots" \
            "$(printf '%s\n' "$out" | sed -n 's/^error [0-9]* at [0-9]* depth lookup: //p' | head -n 1)"
    fi
}
{
    printf '# Produced by scripts/gen-chain-fixtures.sh: `%s verify -attime %s -partial_chain -CAfile ROOTS -untrusted INPUT LEAF` (at %s).\n' \
        "$(ossl version | cut -d' ' -f1-2)" "$AT_EPOCH" "$AT"
    printf '# input (under fixtures/chains/)\troots\tverdict\topenssl error\n'
    verdict good.pem root.pem "$work/leaf.pem"
    verdict good-with-root.pem root.pem "$work/leaf.pem"
    verdict misordered.pem root.pem "$work/leaf.pem"
    verdict missing-intermediate.pem root.pem "$work/leaf.pem"
    verdict cross-signed.pem root.pem "$work/leaf.pem"
    verdict cross-signed.pem old-root.pem "$work/leaf.pem"
    verdict good.pem old-root.pem "$work/leaf.pem"
    verdict expired-intermediate.pem root.pem "$work/expleaf.pem"
    verdict bad-signature.pem root.pem "$work/badsig.pem"
    verdict pathlen-exceeded.pem root.pem "$work/plleaf.pem"
    verdict extra-and-duplicate.pem root.pem "$work/leaf.pem"
    for f in rsa-pss p384 p521 ed25519 ed448; do
        verdict "$f.pem" "$f-root.pem" "$work/$f-leaf.pem"
    done
} >"$CH/openssl-verdicts.txt"

# ---------------------------------------------------------------------------
# Lint fixtures: each certificate trips one lint (clean.pem trips none). Issued by the
# chain intermediate unless said otherwise, valid 2025-06-01 to 2026-06-01.
# ---------------------------------------------------------------------------
# lint NAME KEYTYPE SUBJECT EXT SERIAL [START END [extra ca args...]]
lint() {
    local name=$1 kt=$2 subj=$3 ext=$4 serial=$5 start=${6:-$LEAF_START} end=${7:-$LEAF_END}
    shift 5
    [ $# -ge 2 ] && shift 2 || shift $#
    key "$kt" "$K/lint-$name.pem"
    sign "$inter_dir" "$K/lint-$name.pem" "$subj" "$LI/$name.pem" "$ext" "$start" "$end" "$serial" "$@"
}
lint clean p256 "/O=Certscope Lint/CN=lint.example" lint_leaf 2000
lint expired p256 "/O=Certscope Lint/CN=lint.example" lint_leaf 2001 20240101000000Z 20250101000000Z
lint not-yet-valid p256 "/O=Certscope Lint/CN=lint.example" lint_leaf 2002 20270101000000Z 20271201000000Z
lint sha1-signature p256 "/O=Certscope Lint/CN=lint.example" lint_leaf 2003 "$LEAF_START" "$LEAF_END" -md sha1
lint rsa-1024 rsa1024 "/O=Certscope Lint/CN=lint.example" lint_leaf 2004
lint ec-p224 p224 "/O=Certscope Lint/CN=lint.example" lint_leaf 2005
lint ca-without-keycertsign p256 "/O=Certscope Lint/CN=Certscope Lint CA Without keyCertSign" \
    lint_ca_no_keycertsign 2006
lint leaf-ca-true p256 "/O=Certscope Lint/CN=lint.example" lint_leaf_ca_true 2007
lint no-san p256 "/O=Certscope Lint/CN=lint.example" lint_no_san 2008
lint cn-not-in-san p256 "/O=Certscope Lint/CN=other.example" lint_leaf 2009
lint no-aki-ski p256 "/O=Certscope Lint/CN=lint.example" lint_no_aki_ski 200A
lint unknown-critical p256 "/O=Certscope Lint/CN=lint.example" lint_unknown_critical 200B
lint serial-zero p256 "/O=Certscope Lint/CN=lint.example" lint_leaf 00
lint serial-too-long p256 "/O=Certscope Lint/CN=lint.example" lint_leaf \
    0102030405060708090A0B0C0D0E0F101112131415
lint utctime-after-2049 p256 "/O=Certscope Lint/CN=lint.example" lint_leaf 200C \
    "$LEAF_START" 500101000000Z
lint long-validity p256 "/O=Certscope Lint/CN=lint.example" lint_leaf 200D \
    "$LEAF_START" 20300601000000Z

# resign IN.tbs REFERENCE.der OUT.pem: sign a patched TBS with the intermediate's key.
resign() {
    der sigalg "$2" "$work/resign.alg"
    ossl dgst -sha256 -sign "$K/inter.pem" -out "$work/resign.sig" "$1"
    der assemble "$1" "$work/resign.alg" "$work/resign.sig" "$work/resign.der"
    pem_of "$work/resign.der" "$3"
}
ossl x509 -in "$LI/clean.pem" -outform DER -out "$work/clean.der"

# Negative serial (-0x1234): openssl ca refuses to issue one, so patch clean.pem's TBS.
der serial "$work/clean.der" EDCC "$work/neg.tbs"
resign "$work/neg.tbs" "$work/clean.der" "$LI/serial-negative.pem"

# MD5 needs an RSA signer: a self-signed RSA leaf.
key rsa2048 "$K/lint-md5.pem"
md5_dir=$(ca_dir md5 "$work/md5.pem" "$K/lint-md5.pem")
sign "$md5_dir" "$K/lint-md5.pem" "/O=Certscope Lint/CN=lint.example" "$LI/md5-signature.pem" \
    lint_self "$LEAF_START" "$LEAF_END" 200E -selfsign -keyfile "$K/lint-md5.pem" -md md5

# Duplicate extension: clean.pem's TBS with its subjectAltName twice.
der dup-ext "$work/clean.der" "$work/dup.tbs"
resign "$work/dup.tbs" "$work/clean.der" "$LI/duplicate-extension.pem"

# Path length violated: the chain fixture pathlen-exceeded.pem covers it (check reads it).

# A CRL whose nextUpdate (2025-01-01) has passed.
ca_crl "$inter_dir/ca.cnf" 20240101000000Z 20250101000000Z "$LI/crl-next-update-passed.crl"

# The intermediate these lint certificates chain to, for `check` and `chain` runs.
cp "$work/inter.pem" "$LI/issuer.pem"

cat >"$CH/README.md" <<'EOF'
# Chain fixtures

Generated by `scripts/gen-chain-fixtures.sh`; keys are fresh on every run, names, serials,
dates and extensions are fixed. `openssl-verdicts.txt` holds what
`openssl verify -partial_chain -attime` (at 2026-01-15T12:00:00Z, the tests' pinned now)
says about each chain with the roots file beside it; tests/cli/chain.rs checks that
`certscope chain --roots ROOTS INPUT` agrees.

| File | What it is |
|------|------------|
| root.pem | Certscope Chain Root (P-256, self-signed): the anchor for the P-256 chains |
| good.pem | leaf, intermediate |
| good-with-root.pem | leaf, intermediate, root |
| misordered.pem | intermediate, leaf (good.pem in the wrong order) |
| missing-intermediate.pem | the leaf alone (its AIA names the intermediate's URL) |
| old-root.pem | Certscope Chain Old Root: a second root |
| cross-signed.pem | leaf, intermediate (from root), the same intermediate cross-signed by the old root |
| expired-intermediate.pem | a valid leaf under an intermediate that expired on 2021-01-01 |
| bad-signature.pem | the leaf with the last byte of its signature changed, intermediate |
| pathlen-exceeded.pem | leaf, CA B, CA A (pathlen:0, issued by root): B may not sit below A |
| extra-and-duplicate.pem | leaf, intermediate twice, and the unrelated old root |
| rsa-pss.pem, rsa-pss-root.pem | RSA-2048 chain signed with RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32) |
| p384.pem, p384-root.pem | P-384 chain, ecdsa-with-SHA384 |
| p521.pem, p521-root.pem | P-521 chain, ecdsa-with-SHA512 |
| ed25519.pem, ed25519-root.pem | Ed25519 chain |
| ed448.pem, ed448-root.pem | Ed448 chain |
EOF

cat >"$LI/README.md" <<'EOF'
# Lint fixtures

Generated by `scripts/gen-chain-fixtures.sh`. Each certificate trips the lint it is named
after (see docs/check.md); `clean.pem` trips none. Issued by `issuer.pem` (the chain
intermediate) and valid 2025-06-01 to 2026-06-01 unless noted.

| File | Trips |
|------|-------|
| clean.pem | nothing |
| expired.pem | expired (2024-01-01 to 2025-01-01) |
| not-yet-valid.pem | not-yet-valid (2027) |
| sha1-signature.pem | sha1-signature (ecdsa-with-SHA1) |
| md5-signature.pem | md5-signature (self-signed RSA, md5WithRSAEncryption) |
| rsa-1024.pem | rsa-key-too-small |
| ec-p224.pem | ec-key-too-small |
| ca-without-keycertsign.pem | ca-without-keycertsign |
| leaf-ca-true.pem | leaf-is-ca |
| no-san.pem | san-missing |
| cn-not-in-san.pem | cn-not-in-san |
| no-aki-ski.pem | aki-missing, ski-missing |
| duplicate-extension.pem | duplicate-extension (subjectAltName twice) |
| unknown-critical.pem | unknown-critical-extension (1.3.6.1.4.1.55555.9.1) |
| serial-negative.pem | serial-negative |
| serial-zero.pem | serial-zero |
| serial-too-long.pem | serial-too-long (21 octets) |
| utctime-after-2049.pem | utctime-after-2049 (notAfter UTCTime 500101000000Z, read as 1950) |
| long-validity.pem | validity-too-long (5 years) |
| crl-next-update-passed.crl | crl-next-update-passed (nextUpdate 2025-01-01) |
| issuer.pem | the issuing intermediate (not a lint case) |
EOF

echo "chain and lint fixtures regenerated under $CH and $LI"
