//! Micro-benchmarks of each pipeline stage on fixed inputs built from the fixtures:
//! `cargo bench`. Whole-process numbers against other tools are `scripts/bench.sh`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use certscope::decode::{self, Options};
use certscope::fingerprint::HashAlg;
use certscope::input::pem::Scanner;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const CHAIN: &[u8] = include_bytes!("../fixtures/bundles/chain.pem");
const LEAF_DER: &[u8] = include_bytes!("../fixtures/certs/leaf.der");
const CRL_DER: &[u8] = include_bytes!("../fixtures/crl/intermediate.der");
const P12: &[u8] = include_bytes!("../fixtures/pkcs12/leaf-aes.p12");
const P7_BER: &[u8] = include_bytes!("../fixtures/pkcs7/signed-ber.p7s");
const CSR_DER: &[u8] = include_bytes!("../fixtures/csr/leaf-csr.der");
const RSA_PKCS8: &[u8] = include_bytes!("../fixtures/keys/rsa-2048.der");
const RSA_PKCS1: &[u8] = include_bytes!("../fixtures/keys/rsa-2048-pkcs1.der");
const P256_SEC1: &[u8] = include_bytes!("../fixtures/keys/p256-sec1.der");
const P256_SPKI: &[u8] = include_bytes!("../fixtures/keys/p256-pub.der");
const P256_PKCS8_AES: &[u8] = include_bytes!("../fixtures/keys/p256-pkcs8-aes.der");

/// About 1,000 certificates with text between blocks, as bundles have.
fn bundle() -> Vec<u8> {
    CHAIN.repeat(334)
}

fn stages(c: &mut Criterion) {
    let data = bundle();
    let mut g = c.benchmark_group("bundle-1k");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("scan (markers only)", |b| {
        b.iter(|| Scanner::new(black_box(&data)).by_ref_raw().count())
    });
    g.bench_function("scan + base64", |b| {
        b.iter(|| {
            Scanner::new(black_box(&data))
                .map(|bl| bl.der.len())
                .sum::<usize>()
        })
    });
    let thumb = Options {
        hashes: vec![HashAlg::Sha256],
        with_pem: false,
        brief: true,
        with_spki_pin: false,
        keep_spki_der: false,
        ..Options::default()
    };
    g.bench_function("decode, thumbprint mode", |b| {
        b.iter(|| {
            let mut n = 0;
            decode::decode_input("b", black_box(&data), &thumb, &mut |_| n += 1);
            n
        })
    });
    let full = Options {
        with_pem: false,
        ..Options::default()
    };
    g.bench_function("decode, full", |b| {
        b.iter(|| {
            let mut n = 0;
            decode::decode_input("b", black_box(&data), &full, &mut |_| n += 1);
            n
        })
    });
    g.finish();

    let mut g = c.benchmark_group("one");
    g.bench_function("sha256 of a certificate", |b| {
        b.iter(|| HashAlg::Sha256.digest(black_box(LEAF_DER)))
    });
    g.bench_function("sha1 of a certificate", |b| {
        b.iter(|| HashAlg::Sha1.digest(black_box(LEAF_DER)))
    });
    g.bench_function("certificate, full decode", |b| {
        b.iter(|| decode::cert::decode(black_box(LEAF_DER)).map(|d| d.spki.len()))
    });
    g.bench_function("certificate, subject + key only", |b| {
        b.iter(|| decode::cert::brief(black_box(LEAF_DER)).map(|(s, _)| s.len()))
    });
    g.bench_function("CRL decode (7 entries)", |b| {
        b.iter(|| decode::crl::decode(black_box(CRL_DER)).map(|c| c.crl.revoked.iter().count()))
    });
    g.bench_function("PKCS#7 BER walk", |b| {
        b.iter(|| decode::pkcs7::decode(black_box(P7_BER)).map(|s| s.contents.len()))
    });
    g.bench_function("CSR decode", |b| {
        b.iter(|| decode::csr::decode(black_box(CSR_DER)).map(|(_, spki, _)| spki.len()))
    });
    // Keys are parsed only to derive the public half for the SPKI pin.
    g.bench_function("RSA-2048 PKCS#8 key", |b| {
        b.iter(|| decode::key::pkcs8_private(black_box(RSA_PKCS8)).map(|k| k.spki.is_some()))
    });
    g.bench_function("RSA-2048 PKCS#1 key", |b| {
        b.iter(|| decode::key::pkcs1_private(black_box(RSA_PKCS1)).map(|k| k.spki.is_some()))
    });
    g.bench_function("P-256 SEC1 key", |b| {
        b.iter(|| decode::key::sec1_private(black_box(P256_SEC1)).map(|k| k.spki.is_some()))
    });
    g.bench_function("P-256 public key (SPKI)", |b| {
        b.iter(|| decode::key::spki_public(black_box(P256_SPKI)).map(|k| k.spki.is_some()))
    });
    let pw = certscope::input::secret::Secret::new("test".into());
    // A fresh KDF budget per run, as each input gets.
    let budget = || {
        decode::kdf::Budget::new(
            decode::DEFAULT_MAX_KDF_ITERATIONS,
            decode::kdf::DEFAULT_MAX_KDF_MEMORY_MIB << 20,
        )
    };
    g.bench_function("encrypted PKCS#8, described (no password)", |b| {
        b.iter(|| {
            decode::key::pkcs8_encrypted(black_box(P256_PKCS8_AES), None, &budget())
                .map(|k| k.spki.is_some())
        })
    });
    g.bench_function("PKCS#12 open (PBES2, 2048 iterations)", |b| {
        b.iter(|| decode::pkcs12::decode(black_box(P12), Some(&pw), &budget()).map(|v| v.len()))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
