#!/usr/bin/env python3
"""Benchmark rows for the attacks of issue 12 (docs/robustness.md, "Attacks (issue 12)"):
inputs built to hurt, made here at bench time (pyca/cryptography and openssl) into
$BENCH_CORPUS/attacks, timed like scripts/bench.py's rows (median of N alternating runs after
a warm-up, peak RSS), with openssl beside certscope where it reads the same input.
The tests in tests/hostile/ assert generous bounds on the same attacks; these are the figures.

Usage: scripts/bench-attacks.py [--runs N] [--rows id,id] [--json FILE]
(run by scripts/bench.sh after its own rows).
"""
import datetime
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the timing loop and the certscope binary path)

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

CS = bench.CS
D = os.path.join(bench.C, "attacks")
PEM = serialization.Encoding.PEM
START = datetime.datetime(2020, 1, 1)
END = datetime.datetime(2045, 1, 1)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def cert(subject, issuer, public, signer, serial, exts=()):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
         .public_key(public).serial_number(serial).not_valid_before(START)
         .not_valid_after(END))
    for ext, critical in exts:
        b = b.add_extension(ext, critical)
    algorithm = None if isinstance(signer, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return b.sign(signer, algorithm).public_bytes(PEM)


def write(path, data):
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


def make(path, build):
    """Builds `path` with `build()` unless it exists (inputs are kept between runs)."""
    if not os.path.exists(path):
        build(path)
    return path


def begin_flood(path):
    write(path, b"-----BEGIN " * 727_000)  # 8 MB, one line


def header_flood(path):
    key = ed25519.Ed25519PrivateKey.generate()
    body = cert(name("h"), name("h"), key.public_key(), key, 1).decode().splitlines()[1:]
    write(path, ("-----BEGIN CERTIFICATE-----\n" + "a:b\n" * 5_000_000 + "\n"
                 + "\n".join(body) + "\n").encode())  # 20 MB of headers


def key_copies(path):
    key = ed25519.Ed25519PrivateKey.generate().private_bytes(
        PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    write(path, key * 5000)


def same_name(path):
    """5,000 certificates with one name and key, naming themselves as issuer, signed by
    another key."""
    key = ed25519.Ed25519PrivateKey.generate()
    other = ed25519.Ed25519PrivateKey.generate()
    n = name("crowd")
    write(path, b"".join(cert(n, n, key.public_key(), other, i + 1) for i in range(5000)))


def chain_crowd(path):
    """1,000 same-name, same-key CAs and 1,000 leaves under that name."""
    ca = ed25519.Ed25519PrivateKey.generate()
    leaf = ed25519.Ed25519PrivateKey.generate()
    n = name("crowd CA")
    bc = [(x509.BasicConstraints(ca=True, path_length=None), True)]
    cas = [cert(n, n, ca.public_key(), ca, i + 1, bc) for i in range(1000)]
    leaves = [cert(name(f"leaf {i}"), n, leaf.public_key(), ca, 5000 + i) for i in range(1000)]
    write(path, b"".join(cas + leaves))


def many_names(path):
    """One certificate with 10,000 CNs and 10,000 SANs."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"cn{i}.example.com")
                         for i in range(10_000)])
    san = x509.SubjectAlternativeName([x509.DNSName(f"san{i}.example.com")
                                       for i in range(10_000)])
    write(path, cert(subject, subject, key.public_key(), key, 1, [(san, False)]))


def pbkdf2_keys(path):
    """Four PKCS#8 keys under PBKDF2 with 9,000,000 iterations each (openssl)."""
    keys = []
    for _ in range(4):
        plain = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        keys.append(subprocess.run(
            ["openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-iter", "9000000",
             "-passout", "pass:x"], input=plain, capture_output=True, check=True).stdout)
    write(path, b"".join(keys))


def bundle(path, n):
    key = ec.generate_private_key(ec.SECP256R1())
    write(path, b"".join(cert(name(f"cert {i}"), name(f"cert {i}"), key.public_key(), key,
                              i + 1) for i in range(n)))


def pkcs7(path):
    certs = make(os.path.join(D, "bundle-10k.pem"), lambda p: bundle(p, 10_000))
    subprocess.run(["openssl", "crl2pkcs7", "-nocrl", "-certfile", certs, "-outform", "DER",
                    "-out", path], check=True)


def pkcs12(path):
    certs = make(os.path.join(D, "bundle-10k.pem"), lambda p: bundle(p, 10_000))
    subprocess.run(["openssl", "pkcs12", "-export", "-nokeys", "-in", certs, "-passout",
                    "pass:x", "-out", path], check=True)


def sparse(path):
    with open(path, "wb") as f:
        f.truncate(100 * 1024 * 1024)


def rows():
    os.makedirs(D, exist_ok=True)
    f = lambda n, build: make(os.path.join(D, n), build)  # noqa: E731
    openssl = bench.have("openssl")
    out = []

    def row(id_, title, certscope, peer=None):
        tools = [("certscope", [CS] + certscope)]
        if peer and openssl:
            tools.append(peer)
        out.append({"id": id_, "title": title, "tools": tools})

    p = f("begin-flood.pem", begin_flood)
    # No peer: `openssl storeutl -certs` (3.0) on this input ran for over 10 minutes.
    row("attack-begin-flood", "one 8 MB line of 727k '-----BEGIN ' (was 146 s)",
        ["inspect", p])
    p = f("header-flood.pem", header_flood)
    row("attack-header-flood", "20 MB of PEM header lines in one block (was 650 MB RSS)",
        ["inspect", p], ("openssl x509 -noout", ["openssl", "x509", "-noout", "-in", p]))
    p = f("key-copies-5000.pem", key_copies)
    row("attack-key-copies", "5,000 copies of one Ed25519 key (was 1.0 GB RSS, abort)",
        ["inspect", p], ("openssl storeutl -keys", ["openssl", "storeutl", "-noout", "-keys", p]))
    p = f("same-name-5000.pem", same_name)
    row("attack-same-name", "5,000 same-name, same-key certs signed by another key "
        "(was 3.9 GB of text)", ["inspect", p])
    row("attack-same-name-check", "check over the same 5,000", ["check", p])
    p = f("chain-crowd.pem", chain_crowd)
    row("attack-chain-crowd", "chain over 1,000 same-name CAs + 1,000 leaves (was 50 s, "
        "524 MB)", ["chain", p])
    p = f("many-names.pem", many_names)
    row("attack-check-names", "check on one cert with 10k CNs and 10k SANs (was 1.69 GB)",
        ["check", p])
    p = f("pbkdf2-4x9M.pem", pbkdf2_keys)
    row("attack-kdf-budget", "four PBKDF2 keys of 9M iterations, --password (was 4 full "
        "derivations)", ["inspect", "--password", "pass:x", p],
        ("openssl pkey (first key only)",
         ["openssl", "pkey", "-noout", "-passin", "pass:x", "-in", p]))
    p = f("bundle-10k.p7b", pkcs7)
    row("attack-pkcs7-10k", "PKCS#7 with 10k certificates", ["inspect", p],
        ("openssl pkcs7 -print_certs",
         ["openssl", "pkcs7", "-inform", "DER", "-print_certs", "-noout", "-in", p]))
    p = f("bundle-10k.p12", pkcs12)
    row("attack-pkcs12-10k", "PKCS#12 with 10k certificates", ["inspect", "--password",
        "pass:x", p], ("openssl pkcs12 -nokeys",
                       ["openssl", "pkcs12", "-nokeys", "-passin", "pass:x", "-in", p]))
    p = f("sparse-100m.bin", sparse)
    row("attack-sparse", "sparse 100 MB file of zeros (was 348 MB RSS)", ["inspect", p])
    row("attack-dev-zero", "/dev/zero: stops at the 256 MiB stream default (was an abort)",
        ["inspect", "/dev/zero"])
    return out


if __name__ == "__main__":
    bench.rows = rows
    bench.main()
