//! Replays every input the fuzzers ever found (fixtures/fuzz/<target>/*) through the
//! library entry points, as x509-parser's run_all_fuzz_files does: a fixed crash stays fixed
//! without the fuzz toolchain. Every file goes through every entry point, not only its own
//! target's, since a byte string that broke one parser is a good test for the others.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use certscope::decode::{self, Event, Options};
use certscope::input::secret::Secret;

/// A replay taking longer than this (debug build) is a hang that came back.
const SLOW: Duration = Duration::from_secs(60);

fn findings() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz");
    // Missing folder = lost regression inputs: fail, never skip.
    assert!(
        dir.is_dir(),
        "{} is missing: fuzz findings must be replayed",
        dir.display()
    );
    let mut out = Vec::new();
    for target in std::fs::read_dir(&dir).unwrap() {
        let target = target.unwrap().path();
        if !target.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&target).unwrap() {
            let f = f.unwrap().path();
            if f.is_file() {
                out.push(f);
            }
        }
    }
    out.sort();
    out
}

fn replay(data: &[u8]) {
    let test = Secret::new("test".to_string());
    for (password, brief) in [(None, false), (Some(&test), false), (None, true)] {
        let opts = Options {
            password,
            brief,
            ..Options::default()
        };
        decode::decode_input("replay", data, &opts, &mut |e| {
            if let Event::Item(item) = e {
                let _ = serde_json::to_string(&item).unwrap();
            }
        });
    }
    for block in certscope::input::pem::Scanner::new(data) {
        let _ = block.header("DEK-Info");
    }
    let _ = decode::pkcs7::decode(data);
    if let Ok(der) = certscope::asn1::tlv::ber_to_der(data) {
        assert_eq!(certscope::asn1::tlv::ber_to_der(&der).unwrap(), der);
    }
    for element in certscope::asn1::tlv::iter(data).take(1000) {
        if element.is_err() {
            break;
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if !text.starts_with("file:") {
            let _ = certscope::input::secret::from_spec(text);
        }
        if let Ok(mut uri) = certscope::token::uri::Pkcs11Uri::parse(text) {
            // Ignored unknown query attributes are not printed back, by design.
            uri.ignored_query.clear();
            let printed = uri.format(true);
            let again = certscope::token::uri::Pkcs11Uri::parse(&printed).unwrap();
            assert!(again == uri, "{printed}");
        }
    }
}

#[test]
fn every_fuzz_finding_replays_quietly() {
    for f in findings() {
        let data = std::fs::read(&f).unwrap();
        let start = Instant::now();
        replay(&data);
        let took = start.elapsed();
        assert!(took < SLOW, "{}: {took:?}", f.display());
    }
}
