#!/usr/bin/env bash
# The directory-walk corpus (issue 18): the 100,000 certificates of bench-corpus's
# bundle-100k.pem as 100,000 one-certificate files, 1,000 per directory
# (files-100k/d000/00000.pem ...), and its first 1,000 as files-1k/ (the same layout), for
# the walk rows of scripts/bench.sh. Makes the bundle first (scripts/bench_corpus.py) when
# it is missing.
#   scripts/bench-files.sh [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-corpus}
mkdir -p "$out"
[ -f "$out/bundle-100k.pem" ] || python3 scripts/bench_corpus.py "$out"
python3 - "$out" <<'PY'
import os, re, shutil, sys
out = sys.argv[1]
blocks = re.findall(rb"-----BEGIN CERTIFICATE-----\n.*?-----END CERTIFICATE-----\n",
                    open(os.path.join(out, "bundle-100k.pem"), "rb").read(), re.S)
for name, count in (("files-100k", len(blocks)), ("files-1k", min(1000, len(blocks)))):
    root = os.path.join(out, name)
    shutil.rmtree(root, ignore_errors=True)
    for i, block in enumerate(blocks[:count]):
        d = os.path.join(root, "d%03d" % (i // 1000))
        if i % 1000 == 0:
            os.makedirs(d)
        with open(os.path.join(d, "%05d.pem" % i), "wb") as f:
            f.write(block)
    print(f"{root}: {count} files")
PY
