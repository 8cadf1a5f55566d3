#!/bin/sh
# Fetch NIST PKITS (the Public Key Interoperability Test Suite: certificates, CRLs) and the
# expected result of each test into fixtures/pkits/, from the one place it is packaged with
# machine-readable verdicts: the sdist of pyhanko-certvalidator (MIT), pinned by version
# and sha256. NIST's own download page is gone; the data is unchanged (PKITS 1.0.1).
# Re-running it rewrites fixtures/pkits/{certs,crls,pkits.json} with the same bytes.
set -eu
VERSION=0.33.0
SHA256=a4c3309f99c77cdcad24532f75340bd8cc8b108aa8992b8102d44f250ebd449c
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/fixtures/pkits"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf 'pyhanko-certvalidator==%s --hash=sha256:%s\n' "$VERSION" "$SHA256" >"$tmp/req.txt"
pip download --quiet --no-deps --no-binary :all: --require-hashes -r "$tmp/req.txt" -d "$tmp"
sdist="$tmp/pyhanko_certvalidator-$VERSION.tar.gz"
echo "$SHA256  $sdist" | sha256sum -c --quiet
tar -xzf "$sdist" -C "$tmp"
src="$tmp/pyhanko_certvalidator-$VERSION"
rm -rf "$out/certs" "$out/crls"
mkdir -p "$out/certs" "$out/crls"
cp "$src"/tests/fixtures/nist_pkits/certs/*.crt "$out/certs/"
cp "$src"/tests/fixtures/nist_pkits/crls/*.crl "$out/crls/"
cp "$src/tests/fixtures/nist_pkits/pkits.json" "$out/pkits.json"
cp "$src/LICENSE" "$out/LICENSE-pyhanko-certvalidator"
echo "fixtures/pkits: $(ls "$out/certs" | wc -l) certificates, $(ls "$out/crls" | wc -l) CRLs"
