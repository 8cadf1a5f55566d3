#!/usr/bin/env bash
# Generates the benchmark corpus into bench-corpus/ (ignored by git): a 100,000-certificate
# PEM bundle (RSA-2048 and P-256 leaves with SANs), its first 1,000, one certificate, 10,000
# mixed blocks, and a CRL with 1,000,000 entries (DER and PEM). Needs python3 with
# `cryptography` (pip install cryptography). Sizes can be scaled down with
# CERTSCOPE_BENCH_CERTS / CERTSCOPE_BENCH_CRL.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import cryptography' 2>/dev/null || pip install -q cryptography
python3 scripts/bench_corpus.py "${1:-bench-corpus}"
ls -l "${1:-bench-corpus}"
