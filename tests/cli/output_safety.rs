//! Output safety: names, SAN values, PEM headers and labels from a file are attacker-
//! controlled. Text output shows control, escape and bidi characters as visible escapes on
//! stdout and stderr; JSON carries them exactly, escaped by the JSON encoder. The inputs are
//! fixtures/hostile/ (scripts/gen-hostile-fixtures.sh).

use crate::support;

use support::run;

const NAMES: &str = "fixtures/hostile/escape-names.pem";
const CSR: &str = "fixtures/hostile/escape-names.csr";
const HEADERS: &str = "fixtures/hostile/escape-pem-headers.pem";

const CN: &str = "evil\x1b[31mred\x1b[0m \u{202e}gpj.exe";

/// No raw ESC, BEL or bidi override reaches the terminal.
fn assert_inert(what: &str, bytes: &[u8]) {
    let s = String::from_utf8_lossy(bytes);
    for bad in ['\x1b', '\x07', '\u{202e}'] {
        assert!(!s.contains(bad), "{what}: raw {bad:?} in {s:?}");
    }
}

#[test]
fn certificate_names_and_sans_are_escaped_in_text() {
    let o = run(&["inspect", "--password", "pass:test", NAMES, CSR]);
    assert_inert("stdout", &o.stdout);
    assert_inert("stderr", &o.stderr);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("CN=evil\\x1b[31mred\\x1b[0m \\u{202e}gpj.exe"),
        "{out}"
    );
    assert!(out.contains("O=Hostile \\u{202e}Names Ltd"), "{out}");
    assert!(out.contains("DNS: evil\\x1b[31m.example.com"), "{out}");
    assert!(
        out.contains("https://evil.example/\\x1b]0;owned\\x07"),
        "{out}"
    );
    assert!(out.contains("ceo\\x1b[2J@evil.example"), "{out}");
    assert!(out.contains("admin\\u{202e}moc.evil"), "{out}");
}

#[test]
fn colour_does_not_let_names_through() {
    // With --color always certscope writes its own escapes; the name's must stay inert.
    let o = run(&["inspect", "--color", "always", NAMES]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("CN=evil\\x1b[31mred"), "{out}");
    assert!(!out.contains("evil\x1b"), "{out:?}");
    assert!(!out.contains('\u{202e}'), "{out:?}");
}

#[test]
fn fingerprint_lines_are_escaped() {
    let o = run(&["fingerprint", NAMES, CSR]);
    assert_inert("stdout", &o.stdout);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.lines()
            .all(|l| l.contains("CN=evil\\x1b[31mred\\x1b[0m \\u{202e}gpj.exe")),
        "{out}"
    );
}

#[test]
fn pem_headers_and_labels_are_escaped_on_stdout_and_stderr() {
    let o = run(&["inspect", HEADERS]);
    assert_inert("stdout", &o.stdout);
    assert_inert("stderr", &o.stderr);
    let out = String::from_utf8(o.stdout).unwrap();
    // DEK-Info cipher name, from the PEM header.
    assert!(out.contains("AES-128-CBC\\x1b[31m\\u{202e}"), "{out}");
    // The unknown block's label.
    assert!(out.contains("CERTSCOPE\\x1b[31m BLOB\\u{202e}"), "{out}");
}

#[test]
fn error_lines_on_stderr_are_escaped() {
    // A hostile label on a block that fails: the label reaches stderr in the error line.
    let o = run(&[
        "inspect",
        "fixtures/hostile/escape-pem-headers.pem",
        "fixtures/hostile/no-such-\u{1b}[31m-file",
    ]);
    assert_inert("stderr", &o.stderr);
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("no-such-\\x1b[31m-file"), "{err}");
}

#[test]
fn json_carries_the_exact_names_escaped_by_construction() {
    let o = run(&["inspect", "--format", "json", NAMES, CSR, HEADERS]);
    // serde_json writes control characters as \u001b: no raw ESC or BEL on stdout.
    let raw = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(!raw.contains('\x1b') && !raw.contains('\x07'), "{raw:?}");
    assert!(raw.contains("\\u001b[31m"), "{raw}");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let items = doc["items"].as_array().unwrap();
    let subject = items[0]["subject"].as_str().unwrap();
    assert_eq!(subject, format!("O=Hostile \u{202e}Names Ltd,CN={CN}"));
    assert_eq!(items[1]["subject"], items[0]["subject"]);
    let all = doc.to_string();
    assert!(all.contains("admin\u{202e}moc.evil") || all.contains("admin\\u202emoc.evil"));
    let fp = run(&["fingerprint", "--format", "json", NAMES]);
    let doc: serde_json::Value = serde_json::from_slice(&fp.stdout).unwrap();
    assert_eq!(
        doc["fingerprints"][0]["name"].as_str().unwrap(),
        format!("O=Hostile \u{202e}Names Ltd,CN={CN}")
    );
}
