#!/usr/bin/env python3
"""Runs certscope and, where installed, openssl / certtool / pyca / pkcs11-tool on the
benchmark corpus (scripts/bench-corpus.sh), alternating them, and prints per row the median
wall time of N runs (after one warm-up), the peak RSS, and certscope's ratio to each peer.

Usage: scripts/bench.sh [--runs N] [--rows a,b,...] [--json FILE]
Environment: CERTSCOPE (binary, default target/release/certscope), BENCH_CORPUS (default
bench-corpus), SOFTHSM2_CONF/BENCH_TOKEN_* (set by bench.sh for the token rows),
BENCH_WALK_ROWS=1 (set by bench.sh for the directory-walk rows, scripts/bench-files.sh).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

CS = os.environ.get("CERTSCOPE", "target/release/certscope")
C = os.environ.get("BENCH_CORPUS", "bench-corpus")
MODULE = os.environ.get("BENCH_MODULE", "/usr/lib/softhsm/libsofthsm2.so")

PY_FP = """
import sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes
for c in x509.load_pem_x509_certificates(open(sys.argv[1], 'rb').read()):
    print(c.fingerprint(hashes.SHA256()).hex(), c.subject.rfc4514_string())
"""
PY_SUMMARY = """
import sys
from cryptography import x509
for c in x509.load_pem_x509_certificates(open(sys.argv[1], 'rb').read()):
    print(c.subject.rfc4514_string(), c.issuer.rfc4514_string(), hex(c.serial_number),
          c.not_valid_before_utc, c.not_valid_after_utc, c.signature_algorithm_oid._name)
    for e in c.extensions:
        print(' ', e.oid._name, e.critical, e.value)
"""
PY_MIXED = """
import sys, re
from cryptography import x509
from cryptography.hazmat.primitives import serialization
data = open(sys.argv[1], 'rb').read()
for m in re.finditer(rb'-----BEGIN ([A-Z ]+)-----.*?-----END \\1-----\\n', data, re.S):
    label, block = m.group(1), m.group(0)
    if label == b'CERTIFICATE':
        print(x509.load_pem_x509_certificate(block).subject.rfc4514_string())
    elif label == b'CERTIFICATE REQUEST':
        print(x509.load_pem_x509_csr(block).subject.rfc4514_string())
    elif label == b'PRIVATE KEY':
        print(type(serialization.load_pem_private_key(block, None, unsafe_skip_rsa_key_validation=True)).__name__)
    elif label == b'PUBLIC KEY':
        print(type(serialization.load_pem_public_key(block)).__name__)
"""
PY_CRL = """
import sys
from cryptography import x509
crl = x509.load_der_x509_crl(open(sys.argv[1], 'rb').read())
n = 0
for r in crl:
    n += 1
    if sys.argv[2] == 'print':
        print(hex(r.serial_number), r.revocation_date_utc)
print(n)
"""
PY_FILES = """
import os, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes
for d, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        p = os.path.join(d, name)
        c = x509.load_pem_x509_certificate(open(p, 'rb').read())
        print(c.fingerprint(hashes.SHA256()).hex(), p, c.subject.rfc4514_string())
"""

# JSON Lines of the 100k bundle into DuckDB, then the 10 soonest-expiring certificates
# (docs/inventory.md): certscope writes lean records to a file, DuckDB loads and queries it.
PY_DUCKDB = """
import os, subprocess, sys, tempfile
import duckdb
cs, bundle = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, 'certs.jsonl')
    with open(out, 'wb') as f:
        subprocess.run([cs, 'inspect', '--format', 'jsonl', '--no-pem',
                        '--fields', 'kind,source,subject,not_after', bundle], stdout=f, check=True)
    rows = duckdb.sql(f\"\"\"
        SELECT source.path AS path, source.index AS idx, subject, not_after
        FROM read_json('{out}', format = 'newline_delimited', union_by_name = true,
                       columns = {{type: 'VARCHAR', kind: 'VARCHAR',
                                   source: 'STRUCT(path VARCHAR, index BIGINT)',
                                   subject: 'VARCHAR', not_after: 'TIMESTAMPTZ'}})
        WHERE type = 'item' AND kind = 'certificate'
        ORDER BY not_after, idx LIMIT 10\"\"\").fetchall()
    for r in rows:
        print(*r)
"""
DUCKDB_PY = os.environ.get("BENCH_DUCKDB_PYTHON", "target/duckdb-venv/bin/python")


def have(tool):
    return shutil.which(tool) is not None


def have_pyca():
    return subprocess.run([sys.executable, "-c", "import cryptography"],
                          capture_output=True).returncode == 0


def token_env():
    return os.environ.get("SOFTHSM2_CONF") and os.environ.get("BENCH_TOKEN_10K")


def rows():
    out = []
    big, small, one = f"{C}/bundle-100k.pem", f"{C}/bundle-1k.pem", f"{C}/one.pem"
    mixed, crl = f"{C}/mixed-10k.pem", f"{C}/crl-1m.der"
    r = {"id": "fingerprint-100k", "title": "SHA-256 thumbprint of every cert, 100k bundle",
         "tools": [("certscope", [CS, "fingerprint", big])]}
    if have_pyca():
        r["tools"].append(("pyca/cryptography", [sys.executable, "-c", PY_FP, big]))
    if have("certtool") and os.environ.get("BENCH_SLOW"):
        r["tools"].append(("certtool --certificate-info",
                           ["certtool", "--certificate-info", "--infile", big]))
    out.append(r)
    r = {"id": "fingerprint-1k-per-process",
         "title": "thumbprints of 1k certs (openssl: one process per cert)",
         "tools": [("certscope", [CS, "fingerprint", small])]}
    if have("openssl"):
        r["tools"].append(("openssl x509 -fingerprint per cert", ["bash", "-c",
            f"csplit -s -z -f /tmp/cs-bench-one- -b '%04d.pem' {small} '/-----BEGIN/' '{{*}}' && "
            "for f in /tmp/cs-bench-one-*.pem; do openssl x509 -noout -fingerprint -sha256 -in $f; done; "
            "rm -f /tmp/cs-bench-one-*.pem"]))
    if have("certtool"):
        r["tools"].append(("certtool --certificate-info",
                           ["certtool", "--certificate-info", "--infile", small]))
    out.append(r)
    r = {"id": "summary-100k", "title": "text summary of every cert, 100k bundle",
         "tools": [("certscope", [CS, "inspect", big])]}
    if have("openssl"):
        r["tools"].append(("openssl storeutl -noout -text -certs",
                           ["openssl", "storeutl", "-noout", "-text", "-certs", big]))
    if have_pyca():
        r["tools"].append(("pyca/cryptography", [sys.executable, "-c", PY_SUMMARY, big]))
    out.append(r)
    r = {"id": "mixed-10k", "title": "10k mixed blocks (certs, PKCS#8 keys, public keys, CSRs)",
         "tools": [("certscope", [CS, "inspect", mixed])]}
    if have("openssl"):
        r["tools"].append(("openssl storeutl -noout -text",
                           ["openssl", "storeutl", "-noout", "-text", mixed]))
    if have_pyca():
        r["tools"].append(("pyca/cryptography", [sys.executable, "-c", PY_MIXED, mixed]))
    out.append(r)
    if os.path.exists(crl):
        r = {"id": "crl-1m-json", "title": "CRL with 1M entries: every entry out (JSON)",
             "tools": [("certscope --format json", [CS, "inspect", "--format", "json", crl])]}
        if have("openssl"):
            r["tools"].append(("openssl crl -text",
                               ["openssl", "crl", "-inform", "DER", "-in", crl, "-noout", "-text"]))
        if have_pyca():
            r["tools"].append(("pyca print", [sys.executable, "-c", PY_CRL, crl, "print"]))
        out.append(r)
        r = {"id": "crl-1m-summary", "title": "CRL with 1M entries: summary",
             "tools": [("certscope", [CS, "inspect", crl])]}
        if have("openssl"):
            r["tools"].append(("openssl crl -noout (parse only)",
                               ["openssl", "crl", "-inform", "DER", "-in", crl, "-noout"]))
        if have_pyca():
            r["tools"].append(("pyca iterate", [sys.executable, "-c", PY_CRL, crl, "count"]))
        out.append(r)
    r = {"id": "one-cert", "title": "one certificate, inspect (whole process)",
         "tools": [("certscope", [CS, "inspect", one])]}
    if have("openssl"):
        r["tools"].append(("openssl x509 -text", ["openssl", "x509", "-in", one, "-noout", "-text"]))
    out.append(r)
    if token_env() and os.environ.get("BENCH_TOKEN_1K"):
        small_label = os.environ["BENCH_TOKEN_1K"]
        # Its own SoftHSM directory (see bench-tokens.sh), given to each tool through env(1).
        conf = ["env", "SOFTHSM2_CONF=" + os.environ["BENCH_TOKEN_1K_CONF"]]
        r = {"id": "token-list-1k", "title": "list every cert on a SoftHSM token with 1k certs",
             "tools": [("certscope token list", conf + [CS, "token", "list", "--module", MODULE,
                                                        "--token", small_label, "--type", "cert"])]}
        if have("pkcs11-tool"):
            r["tools"].append(("pkcs11-tool --list-objects", conf + [
                "pkcs11-tool", "--module", MODULE, "--token-label", small_label,
                "--list-objects", "--type", "cert"]))
        # p11tool finds every object again per object (quadratic): about 18 s a run here.
        if have("p11tool") and os.environ.get("BENCH_SLOW"):
            r["tools"].append(("p11tool --list-all-certs", conf + [
                "p11tool", "--provider", MODULE, "--list-all-certs",
                f"pkcs11:token={small_label}"]))
        out.append(r)
    if token_env():
        label = os.environ["BENCH_TOKEN_10K"]
        r = {"id": "token-list-10k", "title": "list every cert on a SoftHSM token with 10k certs",
             "tools": [("certscope token list", [CS, "token", "list", "--module", MODULE,
                                                 "--token", label, "--type", "cert"])]}
        if have("pkcs11-tool"):
            r["tools"].append(("pkcs11-tool --list-objects", ["pkcs11-tool", "--module", MODULE,
                               "--token-label", label, "--list-objects", "--type", "cert"]))
        out.append(r)
        tp = os.environ.get("BENCH_TOKEN_THUMBPRINT", "")
        r = {"id": "token-find-thumbprint", "title": "find one cert by SHA-256 thumbprint (10k token)",
             "tools": [("certscope token find --thumbprint", [CS, "token", "find", "--module", MODULE,
                        "--token", label, "--thumbprint", tp])]}
        out.append(r)
        r = {"id": "token-find-label", "title": "find one cert by label (10k token)",
             "tools": [("certscope token find --label", [CS, "token", "find", "--module", MODULE,
                        "--token", label, "--label", "bench-5000"])]}
        if have("pkcs11-tool"):
            r["tools"].append(("pkcs11-tool --read-object", ["pkcs11-tool", "--module", MODULE,
                               "--token-label", label, "--read-object", "--type", "cert",
                               "--label", "bench-5000"]))
        out.append(r)
    # Issue 17 (speed): the 10k token filled by pkcs11-tool itself
    # (scripts/bench-token-pkcs11-tool.sh), in its own SoftHSM directory; the target is
    # certscope at most 0.5x pkcs11-tool (a pkcs11-tool ratio of 2 or more).
    p11conf = os.environ.get("BENCH_TOKEN_P11TOOL_CONF")
    if p11conf:
        conf = ["env", "SOFTHSM2_CONF=" + p11conf]
        label = "p11tool10k"
        r = {"id": "token-list-10k-pkcs11-tool",
             "title": "list every cert on a 10k token filled by pkcs11-tool --write-object",
             "tools": [("certscope token list -f json", conf + [
                 CS, "token", "list", "--module", MODULE, "--token", label, "-f", "json"]),
                 ("certscope token list --type cert", conf + [
                     CS, "token", "list", "--module", MODULE, "--token", label, "--type", "cert"])]}
        if have("pkcs11-tool"):
            r["tools"].append(("pkcs11-tool --list-objects", conf + [
                "pkcs11-tool", "--module", MODULE, "--token-label", label,
                "--list-objects", "--type", "cert"]))
        out.append(r)
        r = {"id": "token-export-10k-pkcs11-tool",
             "title": "one cert out by label, 10k token filled by pkcs11-tool",
             "tools": [("certscope token find --label -f pem", conf + [
                 CS, "token", "find", "--module", MODULE, "--token", label,
                 "--label", "bench-5000", "-f", "pem"])]}
        if have("pkcs11-tool"):
            r["tools"].append(("pkcs11-tool --read-object", conf + [
                "pkcs11-tool", "--module", MODULE, "--token-label", label, "--read-object",
                "--type", "cert", "--label", "bench-5000"]))
        out.append(r)
    # `check` (every lint) over the first 10k certificates of the 100k bundle, the clock pinned
    # so the findings do not change between runs (issue 16: within 2x of its time before the
    # lint set grew from 38 to 86; debug build, 10k corpus certificates: 7.9 s -> 9.5 s; 86 -> 114
    # lints: docs/performance.md).
    ten_k = f"{C}/bundle-10k.pem"
    if not os.path.exists(ten_k) and os.path.exists(big):
        with open(big) as src, open(ten_k, "w") as dst:
            n = 0
            for line in src:
                dst.write(line)
                n += line.startswith("-----END CERTIFICATE-----")
                if n == 10_000:
                    break
    if os.path.exists(DUCKDB_PY):
        jsonl = [CS, "inspect", "--format", "jsonl", "--no-pem", "--fields",
                 "kind,source,subject,not_after", big]
        out.append({"id": "duckdb-100k",
                    "title": "JSONL of the 100k bundle into DuckDB, 10 soonest-expiring",
                    "tools": [("certscope inspect -f jsonl --no-pem --fields (its part)", jsonl),
                              ("certscope | DuckDB load + query", [DUCKDB_PY, "-c", PY_DUCKDB, CS, big])]})
    out.append({"id": "check-10k", "title": "check, every lint, 10k certificates",
                "tools": [("certscope check", [CS, "check", "--at", "2026-01-15T12:00:00Z", ten_k])]})
    if os.environ.get("BENCH_WALK_ROWS"):
        out.extend(walk_rows())
    return out


def walk_rows():
    """Directory walks over one-certificate files (scripts/bench-files.sh; issue 18): -r
    against a pyca loop, check against fingerprint, and 1k files for the RSS comparison."""
    many, few = f"{C}/files-100k", f"{C}/files-1k"
    fp = [CS, "fingerprint", "-r", many]
    r = {"id": "walk-fingerprint-100k", "title": "fingerprint -r over 100k one-cert files",
         "tools": [("certscope fingerprint -r", fp)]}
    if have_pyca():
        r["tools"].append(("pyca loop (read, load, SHA-256)", [sys.executable, "-c", PY_FILES, many]))
    out = [r]
    out.append({"id": "walk-check-100k", "title": "check -r --expires-within 30d, 100k files",
                "tools": [("certscope check -r --expires-within 30d",
                           [CS, "check", "-r", "--expires-within", "30d", many]),
                          ("certscope fingerprint -r", fp)]})
    out.append({"id": "walk-fingerprint-1k", "title": "fingerprint -r over 1k one-cert files (RSS)",
                "tools": [("certscope fingerprint -r", [CS, "fingerprint", "-r", few])]})
    return out


TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run_once(argv):
    """Wall time, peak RSS (MiB) and exit code of one run. Peak RSS comes from GNU time
    when installed: a child forked from this Python process would otherwise report
    Python's own RSS as its floor (ru_maxrss survives exec)."""
    rss_file = "/tmp/certscope-bench-rss"
    cmd = [TIME, "-f", "%M", "-o", rss_file] + argv if TIME else argv
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        p = subprocess.Popen(cmd, stdout=devnull, stderr=devnull)
        _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    peak = ru.ru_maxrss / 1024.0
    if TIME:
        try:
            with open(rss_file) as f:
                peak = int(f.read().split()[-1]) / 1024.0
        except (OSError, ValueError, IndexError):
            pass
    return wall, peak, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rows", default="")
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    wanted = set(filter(None, a.rows.split(",")))
    results = []
    for row in rows():
        if wanted and row["id"] not in wanted:
            continue
        times = {name: [] for name, _ in row["tools"]}
        peaks = {name: 0.0 for name, _ in row["tools"]}
        codes = {}
        for name, argv in row["tools"]:  # warm-up (page cache, first-run effects)
            codes[name] = run_once(argv)[2]
        for _ in range(a.runs):
            for name, argv in row["tools"]:  # alternate tools within each round
                wall, peak, code = run_once(argv)
                times[name].append(wall)
                peaks[name] = max(peaks[name], peak)
        base = statistics.median(times["%s" % row["tools"][0][0]])
        print(f"\n{row['title']}  [{row['id']}]")
        entry = {"id": row["id"], "title": row["title"], "tools": []}
        for name, _ in row["tools"]:
            med = statistics.median(times[name])
            ratio = med / base if base > 0 else float("nan")
            note = "" if codes[name] == 0 else f"  (exit {codes[name]})"
            print(f"  {name:45s} {med:9.3f} s  {peaks[name]:8.1f} MiB  x{ratio:7.2f}{note}")
            entry["tools"].append({"name": name, "median_s": round(med, 4),
                                   "peak_mib": round(peaks[name], 1), "vs_certscope": round(ratio, 2),
                                   "exit": codes[name], "runs": [round(t, 4) for t in times[name]]})
        results.append(entry)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"machine": os.uname().nodename, "cpus": os.cpu_count(),
                       "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
