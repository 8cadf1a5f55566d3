#!/usr/bin/env bash
# Fixtures for issue 14 items 14 and 7, kept apart from gen-fixtures.sh so that adding them
# does not regenerate (and re-key) the whole fixture set:
#
#   fixtures/cms/           CMS messages: SignedData (attached, detached, without certificates,
#                           signer named by key id, S/MIME, tampered), EnvelopedData (key
#                           transport, key agreement, KEK recipients), EncryptedData.
#   fixtures/field-errors/  a CSR or certificate with one bad field (empty attribute SET,
#                           long-form lengths, a challengePassword that is not a string, a
#                           time value that is no date), written with a small DER writer.
#
# Re-runnable: deletes and recreates both directories. Keys are fresh on every run; names,
# serials, dates and structure are fixed.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root="$(cd -- "$script_dir/.." && pwd)"
FX="$root/fixtures/cms"
FE="$root/fixtures/field-errors"
# shellcheck source=lib/fixture-ca.sh
. "$script_dir/lib/fixture-ca.sh"
fixture_workdir certscope-cms

rm -rf -- "$FX" "$FE"
mkdir -p "$FX" "$FE"

# signer NAME KEY SUBJECT: a self-signed signer certificate $work/NAME.pem (serial 2a,
# fixed dates, with a subject key identifier so -keyid can name it).
signer() {
    local name=$1 key=$2 subj=$3
    printf '[ %s ]\n%s\n%s\n' "$name" "subjectKeyIdentifier = hash" \
        "keyUsage = digitalSignature, keyEncipherment, keyAgreement" >"$work/ext.cnf"
    local dir
    dir=$(ca_dir "$name" "$work/$name.pem" "$key" 2A sha256)
    mkcsr "$key" "$subj" "$work/$name.csr"
    ca_sign "$dir" "$work/$name.csr" "$work/$name.full.pem" "$name" 20250101000000Z 20350101000000Z \
        -selfsign -keyfile "$key"
    ossl x509 -in "$work/$name.full.pem" -out "$work/$name.pem"
}

key rsa2048 "$work/rsa.key"
key p256 "$work/ec.key"
signer rsa "$work/rsa.key" "/CN=CMS RSA signer"
signer ec "$work/ec.key" "/CN=CMS EC signer"
printf 'certscope CMS fixture message\n' >"$work/msg.txt"

cms_sign() { ossl cms -sign -binary -in "$work/msg.txt" -md sha256 "$@"; }

# SignedData, content attached, RSA signer (rsaEncryption + sha256), certificate included.
cms_sign -signer "$work/rsa.pem" -inkey "$work/rsa.key" -nodetach -outform DER \
    -out "$FX/signed-rsa-attached.der"
# Detached content, EC signer, PEM (BEGIN CMS).
cms_sign -signer "$work/ec.pem" -inkey "$work/ec.key" -outform PEM \
    -out "$FX/signed-ec-detached.pem"
# Signer certificate not included: the signature cannot be checked.
cms_sign -signer "$work/rsa.pem" -inkey "$work/rsa.key" -nodetach -nocerts -outform DER \
    -out "$FX/signed-rsa-nocerts.der"
# Signer named by subject key identifier instead of issuer and serial.
cms_sign -signer "$work/ec.pem" -inkey "$work/ec.key" -nodetach -keyid -outform DER \
    -out "$FX/signed-ec-keyid.der"
# Two signers, RSA and EC.
cms_sign -signer "$work/rsa.pem" -inkey "$work/rsa.key" -signer "$work/ec.pem" \
    -inkey "$work/ec.key" -nodetach -outform DER -out "$FX/signed-two-signers.der"
# S/MIME (PKCS#7) signing, attached, SHA-1.
ossl smime -sign -binary -in "$work/msg.txt" -md sha1 -signer "$work/rsa.pem" \
    -inkey "$work/rsa.key" -nodetach -outform DER -out "$FX/smime-signed-sha1.p7s"

# Tampered copies of signed-rsa-attached.der: one content byte changed (the message digest
# no longer matches; the signature over the signed attributes still verifies), and one
# signing-time digit changed (the signature no longer verifies).
python3 - "$FX/signed-rsa-attached.der" "$FX" <<'PY'
import sys
der = open(sys.argv[1], "rb").read()
at = der.index(b"certscope CMS fixture")
content = bytearray(der)
content[at] ^= 0x20
open(sys.argv[2] + "/signed-tampered-content.der", "wb").write(bytes(content))
# signingTime OID 1.2.840.113549.1.9.5, then SET { UTCTime }: bump the seconds' last digit.
oid = bytes.fromhex("06092a864886f70d010905")
t = der.index(oid) + len(oid)
assert der[t] == 0x31 and der[t + 2] == 0x17
end = t + 4 + der[t + 3] - 2  # last digit before 'Z'
attrs = bytearray(der)
attrs[end] = ord("0") + (attrs[end] - ord("0") + 1) % 10
open(sys.argv[2] + "/signed-tampered-attributes.der", "wb").write(bytes(attrs))
PY

# EnvelopedData: an RSA key-transport recipient (issuer and serial) and an EC key-agreement
# recipient; then one RSA recipient named by key id; then a KEK (pre-shared key) recipient.
ossl cms -encrypt -binary -in "$work/msg.txt" -aes256 -outform DER \
    -out "$FX/enveloped-rsa-ec.der" "$work/rsa.pem" "$work/ec.pem"
ossl cms -encrypt -binary -in "$work/msg.txt" -aes128 -keyid -outform PEM \
    -out "$FX/enveloped-rsa-keyid.pem" "$work/rsa.pem"
ossl cms -encrypt -binary -in "$work/msg.txt" -aes256 -secretkey 000102030405060708090a0b0c0d0e0f \
    -secretkeyid 6b656b2d6964 -outform DER -out "$FX/enveloped-kek.der"
# EncryptedData (a symmetric key, no recipients).
ossl cms -EncryptedData_encrypt -binary -in "$work/msg.txt" -aes128 \
    -secretkey 000102030405060708090a0b0c0d0e0f -outform DER -out "$FX/encrypted-data.der"

# ---- field-errors: one bad field in an otherwise good CSR or certificate ----
ossl req -new -config "$work/req.cnf" -key "$work/ec.key" -subj "/C=US/O=certscope/CN=field errors" \
    -outform DER -out "$work/base.csr.der"
ossl x509 -in "$work/ec.pem" -outform DER -out "$work/base.cert.der"
python3 - "$work/base.csr.der" "$work/base.cert.der" "$FE" <<'PY'
import sys

def tlv(tag, value, long_form=False):
    n = len(value)
    if long_form or n >= 0x80:
        b = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
        return bytes([tag, 0x80 | len(b)]) + b + value
    return bytes([tag, n]) + value

def children(der):
    """The (tag, value) pairs of a DER string of elements (definite lengths only)."""
    out, i = [], 0
    while i < len(der):
        tag, n = der[i], der[i + 1]
        i += 2
        if n & 0x80:
            k = n & 0x7F
            n = int.from_bytes(der[i:i + k], "big")
            i += k
        out.append((tag, der[i:i + n]))
        i += n
    return out

def rebuild_raw(signed, tbs_body):
    tbs, alg, sig = children(children(signed)[0][1])
    return tlv(0x30, tlv(0x30, tbs_body) + tlv(*alg) + tlv(*sig))

csr = open(sys.argv[1], "rb").read()
cert = open(sys.argv[2], "rb").read()
out = sys.argv[3]

cri = children(children(csr)[0][1])[0][1]
version, subject, spki, _attrs = children(cri)
head = tlv(*version) + tlv(*subject) + tlv(*spki)
OID = lambda hexs: tlv(0x06, bytes.fromhex(hexs))
UNSTRUCTURED_NAME = OID("2a864886f70d010902")
CHALLENGE = OID("2a864886f70d010907")

EXTENSION_REQUEST = OID("2a864886f70d01090e")

# Attributes whose value SET is empty: a challengePassword, an extensionRequest.
attrs = tlv(0xA0, tlv(0x30, CHALLENGE + tlv(0x31, b"")))
open(out + "/csr-empty-attribute-set.der", "wb").write(rebuild_raw(csr, head + attrs))
attrs = tlv(0xA0, tlv(0x30, EXTENSION_REQUEST + tlv(0x31, b"")))
open(out + "/csr-empty-extension-request.der", "wb").write(rebuild_raw(csr, head + attrs))
# No attributes field at all (it is not OPTIONAL in RFC 2986).
open(out + "/csr-no-attributes.der", "wb").write(rebuild_raw(csr, head))

# Attributes written with long-form lengths where short ones fit (BER, not DER).
value = tlv(0x0C, b"long form", long_form=True)
attr = tlv(0x30, UNSTRUCTURED_NAME + tlv(0x31, value, long_form=True), long_form=True)
attrs = tlv(0xA0, attr, long_form=True)
open(out + "/csr-long-form-lengths.der", "wb").write(rebuild_raw(csr, head + attrs))

# A challengePassword whose value is an INTEGER, not a DirectoryString.
attrs = tlv(0xA0, tlv(0x30, CHALLENGE + tlv(0x31, tlv(0x02, b"\x05"))))
open(out + "/csr-challenge-invalid.der", "wb").write(rebuild_raw(csr, head + attrs))

# Certificates with one bad time value: notAfter in month 13, notBefore not a date.
tbs = children(children(cert)[0][1])[0][1]
kids = children(tbs)
validity_at = next(i for i, (t, v) in enumerate(kids) if t == 0x30 and children(v)[0][0] in (0x17, 0x18))
not_before, not_after = children(kids[validity_at][1])

def with_validity(nb, na):
    new = list(kids)
    new[validity_at] = (0x30, tlv(*nb) + tlv(*na))
    return rebuild_raw(cert, b"".join(tlv(t, v) for t, v in new))

open(out + "/cert-notafter-month13.der", "wb").write(
    with_validity(not_before, (0x17, b"351301000000Z")))
open(out + "/cert-notbefore-garbage.der", "wb").write(
    with_validity((0x18, b"2025xx01000000Z"), not_after))
PY

cat >"$FX/README.md" <<'MD'
# CMS fixtures

Made by `scripts/gen-cms-fixtures.sh` (issue 14 item 14). Message: `certscope CMS fixture message\n`.

| file | what it shows |
|---|---|
| signed-rsa-attached.der | SignedData, content attached, RSA signer by issuer and serial, certificate included: signature verified, message digest matches |
| signed-ec-detached.pem | detached content (`BEGIN CMS`), EC signer: signature verified, digest not checked |
| signed-rsa-nocerts.der | signer certificate not included: signature not checked |
| signed-ec-keyid.der | signer named by subject key identifier |
| signed-two-signers.der | two signers, RSA and EC |
| smime-signed-sha1.p7s | `openssl smime -sign` (SHA-1, S/MIME capabilities attribute) |
| signed-tampered-content.der | one content byte changed: message digest does not match |
| signed-tampered-attributes.der | signing time changed: signature invalid |
| enveloped-rsa-ec.der | EnvelopedData, AES-256-CBC, RSA key transport + EC key agreement recipients |
| enveloped-rsa-keyid.pem | EnvelopedData, AES-128-CBC, recipient named by key id |
| enveloped-kek.der | EnvelopedData with a KEK (pre-shared key) recipient |
| encrypted-data.der | EncryptedData, AES-128-CBC |
MD

cat >"$FE/README.md" <<'MD'
# field-error fixtures

Made by `scripts/gen-cms-fixtures.sh` (issue 14 item 7): one bad field each, the rest good.
Signatures were not redone, so they do not verify.

| file | bad field |
|---|---|
| csr-empty-attribute-set.der | a challengePassword attribute whose value SET is empty |
| csr-empty-extension-request.der | an extensionRequest attribute whose value SET is empty |
| csr-no-attributes.der | no attributes field (`[0]` is required) |
| csr-long-form-lengths.der | attribute lengths in long form where short fits (BER): read as written |
| csr-challenge-invalid.der | a challengePassword whose value is an INTEGER |
| cert-notafter-month13.der | notAfter UTCTime `351301000000Z` (month 13) |
| cert-notbefore-garbage.der | notBefore GeneralizedTime `2025xx01000000Z` |
MD
