#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from fixtures/ (corpora are not committed; only this script).
# Files already there (what earlier runs found) are kept; seeds are named by content, so
# running it twice adds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

seed() { # TARGET FILE...
  local dir="fuzz/corpus/$1"
  shift
  mkdir -p "$dir"
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    cp "$f" "$dir/seed-$(sha1sum "$f" | cut -c1-16)"
  done
}

mapfile -t all < <(find fixtures -type f ! -name README.md ! -name openssl-fingerprints.txt ! -name .gitattributes | sort)
mapfile -t der < <(find fixtures -type f \( -name '*.der' -o -name '*.p12' -o -name '*.p7b' -o -name '*.p7s' -o -name '*.bin' \) | sort)
mapfile -t pem < <(find fixtures -type f \( -name '*.pem' -o -name '*.crl' -o -name '*.csr' -o -name '*.yaml' -o -name '*.json' -o -name '*.b64' -o -name 'indented-tabs.txt' \) | sort)

seed pem_scanner "${pem[@]}"
seed decode_input "${all[@]}"
seed pkcs12 fixtures/pkcs12/* fixtures/keys/p256-pkcs8-aes.der fixtures/keys/p256-pkcs8-aes.pem
seed pkcs7 fixtures/pkcs7/chain-crl.p7b.der fixtures/pkcs7/signed-ber.p7s
seed tlv "${der[@]}"

# PKCS#7 in PEM form, as DER for the pkcs7 target.
for f in fixtures/pkcs7/chain.p7b fixtures/pkcs7/cms-label.pem; do
  [ -f "$f" ] || continue
  tmp=$(mktemp)
  grep -v -- '-----' "$f" | base64 -d > "$tmp" 2>/dev/null || true
  seed pkcs7 "$tmp"
  seed tlv "$tmp"
  rm -f "$tmp"
done

# The SPEC parser has no fixtures: a few hand-written specs.
mkdir -p fuzz/corpus/secret_spec
printf 'pass:test' > fuzz/corpus/secret_spec/seed-pass
printf 'pass:' > fuzz/corpus/secret_spec/seed-pass-empty
printf 'env:HOME' > fuzz/corpus/secret_spec/seed-env
printf 'env:' > fuzz/corpus/secret_spec/seed-env-empty
printf 'hunter2' > fuzz/corpus/secret_spec/seed-bare
printf 'pass:p\xc3\xa4ss\nword' > fuzz/corpus/secret_spec/seed-utf8

# The URI parser: the URIs the docs and tests use (RFC 7512 shapes, p11-kit's order).
mkdir -p fuzz/corpus/pkcs11_uri
i=0
while IFS= read -r uri; do
  i=$((i + 1))
  printf '%s' "$uri" > "fuzz/corpus/pkcs11_uri/seed-$i"
done <<'URIS'
pkcs11:
pkcs11:token=System%20Trust;object=leaf;type=cert
pkcs11:library-description=PKCS%2311%20Kit%20Trust%20Module;library-manufacturer=PKCS%2311%20Kit;library-version=0.25
pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;serial=d05d657fa86f94e8;token=demo;id=%01;object=leaf;type=cert?module-path=/usr/lib/softhsm/libsofthsm2.so
pkcs11:slot-id=0;slot-description=x;slot-manufacturer=y;id=%00%FF%80ab;type=private?pin-value=1234&module-name=softhsm2
pkcs11:object=a;type=public?pin-source=file:/tmp/pin&x-vendor=1
pkcs11:id=%
pkcs11:library-version=256
URIS

# Whatever earlier runs found is a seed too.
if [ -d fixtures/fuzz ]; then
  for d in fixtures/fuzz/*/; do
    [ -d "$d" ] || continue
    t=$(basename "$d")
    seed "$t" "$d"*
  done
fi
for t in pem_scanner decode_input pkcs12 pkcs7 secret_spec tlv pkcs11_uri; do
  printf '%-13s %s seeds\n' "$t" "$(find "fuzz/corpus/$t" -type f | wc -l)"
done
