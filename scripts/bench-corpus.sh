#!/usr/bin/env bash
# Generates the benchmark corpus into bench-corpus/ (ignored by git): a 100,000-certificate
# PEM bundle (RSA-2048 and P-256 leaves with SANs, AIA, CRL DP and a policy; ~1.3 KB of PEM
# each, 134 MB in all), its first 1,000, one certificate, 10,000 mixed blocks, a CRL with
# 1,000,000 entries (42 MB DER, and PEM), and SoftHSM tokens with 10,000 and 1,000 of the
# certificates (scripts/bench-tokens.sh, when SoftHSM2 is installed). Needs python3 with `cryptography` (pip install
# cryptography). Sizes can be scaled down with CERTSCOPE_BENCH_CERTS / CERTSCOPE_BENCH_CRL.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import cryptography' 2>/dev/null || pip install -q cryptography
out=${1:-bench-corpus}
python3 scripts/bench_corpus.py "$out"

# A CRL with ${CERTSCOPE_BENCH_CRL:-1000000} entries via openssl ca: 17-byte serials (public CAs
# use 16-20 random bytes) and half the entries with a reason code, ~43 bytes per entry as in
# the issue's 43 MB CRL.
n=${CERTSCOPE_BENCH_CRL:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl ecparam -name prime256v1 -genkey -noout -out "$work/ca.key" 2>/dev/null
openssl req -new -x509 -key "$work/ca.key" -subj "/C=US/O=Certscope Bench/CN=Certscope Bench CRL CA" \
  -days 3650 -out "$work/ca.pem" 2>/dev/null
awk -v n="$n" 'BEGIN {
  split("keyCompromise superseded cessationOfOperation", r, " ");
  for (i = 0; i < n; i++) {
    reason = (i % 2 == 0) ? "," r[int(i / 2) % 3 + 1] : "";
    printf "R\t340101000000Z\t240101%02d%02d%02dZ%s\t0A5C3E9D71B2F4086E1A93C7%08X\tunknown\t/CN=revoked %d\n", int(i / 3600) % 24, int(i / 60) % 60, i % 60, reason, i, i
  }
}' > "$work/index.txt"
cat > "$work/ca.cnf" <<CNF
[ ca ]
default_ca = bench
[ bench ]
database = $work/index.txt
crlnumber = $work/crlnumber
certificate = $work/ca.pem
private_key = $work/ca.key
default_md = sha256
default_crl_days = 3650
unique_subject = no
CNF
echo 2A > "$work/crlnumber"
openssl ca -config "$work/ca.cnf" -gencrl -out "$out/crl-1m.pem" 2>/dev/null
openssl crl -in "$out/crl-1m.pem" -outform DER -out "$out/crl-1m.der"
scripts/bench-tokens.sh "$out"
ls -l "$out"
