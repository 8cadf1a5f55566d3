#!/usr/bin/env bash
# The benchmark's pkcs11-tool-made SoftHSM token (issue 17, "Speed"): the first 10,000
# certificates of the 100k bundle, each written by `pkcs11-tool --write-object --type cert`
# (label bench-N, id N in hex), in a SoftHSM directory of its own under
# CORPUS/softhsm/10k-pkcs11-tool/ (token label p11tool10k, user PIN 1111).
#
# SoftHSM's C_Initialize reads every object file of its token directory, so 10,000
# pkcs11-tool runs against one growing token would take the square of that (about 40
# minutes here). Each certificate is therefore written by pkcs11-tool into a copy of the
# freshly initialised token (same token files, so the same token keys), and the object file
# it made is moved into the real token's directory: the objects are exactly the ones
# pkcs11-tool creates. A run takes a few minutes (BENCH_FILL_JOBS writes at a time, default 8:
# pkcs11-tool mostly waits for SoftHSM's file writes).
#   scripts/bench-token-pkcs11-tool.sh [CORPUS] [COUNT]   (default bench-corpus 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(cd "${1:-bench-corpus}" && pwd)
count=${2:-10000}
module=/usr/lib/softhsm/libsofthsm2.so
if [ ! -e "$module" ] || ! command -v softhsm2-util >/dev/null || ! command -v pkcs11-tool >/dev/null; then
  echo "bench-token-pkcs11-tool.sh: needs SoftHSM2 and pkcs11-tool (opensc); row left out" >&2
  exit 0
fi
dir="$corpus/softhsm/10k-pkcs11-tool"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$dir"
mkdir -p "$dir/tokens" "$work/der"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
  "$dir" >"$dir/softhsm2.conf"
SOFTHSM2_CONF="$dir/softhsm2.conf" softhsm2-util --init-token --free --label p11tool10k \
  --so-pin 1234 --pin 1111 >/dev/null
token=$(echo "$dir"/tokens/*/)
token=${token%/}
# The empty token, copied for each write (never the real one, which fills up).
cp -r "$token" "$work/template"
# The first COUNT certificates as DER files, 0.der ... (COUNT-1).der.
python3 - "$corpus/bundle-100k.pem" "$work/der" "$count" <<'PY'
import base64, re, sys
text = open(sys.argv[1], encoding="ascii").read()
blocks = re.finditer(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S)
for i, m in zip(range(int(sys.argv[3])), blocks):
    with open(f"{sys.argv[2]}/{i}.der", "wb") as f:
        f.write(base64.b64decode("".join(m.group(1).split())))
PY
# One write: a copy of the empty token, pkcs11-tool, the new object's files moved over.
write_one() {
  local i=$1 scratch="$work/w$1"
  mkdir -p "$scratch/tokens"
  cp -r "$work/template" "$scratch/tokens/${token##*/}"
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
    "$scratch" >"$scratch/softhsm2.conf"
  SOFTHSM2_CONF="$scratch/softhsm2.conf" pkcs11-tool --module "$module" --token-label p11tool10k \
    --login --pin 1111 --write-object "$work/der/$i.der" --type cert --label "bench-$i" \
    --id "$(printf '%04x' "$i")" >/dev/null
  local made
  for made in "$scratch"/tokens/*/*.object; do
    case $made in */token.object) continue ;; esac
    mv "$made" "$token"
    if [ -e "${made%.object}.lock" ]; then mv "${made%.object}.lock" "$token"; fi
  done
  rm -rf "$scratch"
}
export -f write_one
export work token module
seq 0 $((count - 1)) | xargs -P "${BENCH_FILL_JOBS:-8}" -I{} bash -c 'write_one {}'
made=$(find "$token" -name '*.object' ! -name token.object | wc -l)
[ "$made" -eq "$count" ] || { echo "bench-token-pkcs11-tool.sh: $made objects, not $count" >&2; exit 1; }
