#!/usr/bin/env python3
"""Deterministic-enough benchmark corpus for scripts/bench.sh (see docs/performance.md).

Keys are reused (a few RSA and P-256 leaves, one P-256 CA) so that generating 100,000
certificates takes seconds; serials, subjects and SANs vary. Output goes to the directory
given (default bench-corpus/, ignored by git).
"""
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

out = sys.argv[1] if len(sys.argv) > 1 else "bench-corpus"
os.makedirs(out, exist_ok=True)

ca_key = ec.generate_private_key(ec.SECP256R1())
ca_name = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Certscope Bench"),
    x509.NameAttribute(NameOID.COMMON_NAME, "Certscope Bench CA"),
])
leaf_keys = [rsa.generate_private_key(65537, 2048), ec.generate_private_key(ec.SECP256R1()),
             rsa.generate_private_key(65537, 2048), ec.generate_private_key(ec.SECP256R1())]
start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
end = datetime.datetime(2034, 1, 1, tzinfo=datetime.timezone.utc)
ski_ca = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())


def leaf(i):
    key = leaf_keys[i % len(leaf_keys)]
    host = f"host{i}.bench.example.com"
    b = (x509.CertificateBuilder()
         .subject_name(x509.Name([
             x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Certscope Bench"),
             x509.NameAttribute(NameOID.COMMON_NAME, host)]))
         .issuer_name(ca_name)
         .public_key(key.public_key())
         .serial_number(0x100000 + i)
         .not_valid_before(start)
         .not_valid_after(end)
         .add_extension(x509.SubjectAlternativeName([
             x509.DNSName(host), x509.DNSName(f"www.{host}"),
             x509.DNSName(f"api{i % 97}.bench.example.com"),
             x509.DNSName(f"mail.{host}"), x509.DNSName(f"static{i % 13}.{host}")]),
                        critical=False)
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(x509.KeyUsage(True, False, i % 2 == 0, False, False, False, False,
                                      False, False), critical=True)
         .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                        critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski_ca),
                        critical=False)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                        critical=False)
         .add_extension(x509.AuthorityInformationAccess([
             x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                    x509.UniformResourceIdentifier(
                                        "http://ocsp.bench.example.com")),
             x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                    x509.UniformResourceIdentifier(
                                        "http://pki.bench.example.com/ca.der"))]),
                        critical=False)
         .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
             [x509.UniformResourceIdentifier(
                 f"http://crl.bench.example.com/shard{i % 64}.crl")],
             None, None, None)]), critical=False)
         .add_extension(x509.CertificatePolicies([
             x509.PolicyInformation(x509.ObjectIdentifier("2.23.140.1.2.2"), None)]),
                        critical=False))
    return b.sign(ca_key, hashes.SHA256())


def pem(c):
    return c.public_bytes(serialization.Encoding.PEM)


n = int(os.environ.get("CERTSCOPE_BENCH_CERTS", "100000"))
with open(os.path.join(out, "bundle-100k.pem"), "wb") as big, \
        open(os.path.join(out, "bundle-1k.pem"), "wb") as small:
    for i in range(n):
        p = pem(leaf(i))
        big.write(p)
        if i < 1000:
            small.write(p)
with open(os.path.join(out, "one.pem"), "wb") as f:
    f.write(pem(leaf(7)))

# 10,000 mixed blocks: certificates, PKCS#8 keys, public keys, CSRs.
with open(os.path.join(out, "mixed-10k.pem"), "wb") as f:
    for i in range(2500):
        f.write(pem(leaf(i)))
        key = leaf_keys[i % len(leaf_keys)]
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
        f.write(key.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))
        csr = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"csr{i}")]))
               .sign(leaf_keys[1], hashes.SHA256()))
        f.write(csr.public_bytes(serialization.Encoding.PEM))

# The 1,000,000-entry CRL is made by scripts/bench-corpus.sh with `openssl ca -gencrl`:
# cryptography's CRL builder copies its entry list on every addition (quadratic).
print(f"corpus written to {out}/")
