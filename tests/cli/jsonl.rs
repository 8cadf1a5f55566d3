//! JSON Lines that lose nothing (docs/json.md, "JSON Lines") and the record options
//! `--no-pem`, `--fields` and `--inventory`.

use crate::support;

use std::os::unix::fs::MetadataExt;

use serde_json::Value;
use support::{certscope, run, run_stdin, stderr, stdout, NOW};

fn lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn of_type<'a>(lines: &'a [Value], t: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["type"] == t).collect()
}

/// Every failure stderr reports over the whole fixture tree is also an `error` line (the
/// issue: 14 of 18 went only to stderr), and the summary counts what was written.
#[test]
fn every_failure_is_a_line() {
    let o = run(&["inspect", "-r", "--format", "jsonl", "fixtures"]);
    assert_eq!(o.status.code(), Some(2));
    let l = lines(&stdout(&o));
    let err = stderr(&o);
    let failures: Vec<&str> = err.lines().filter(|l| !l.contains(": note: ")).collect();
    let errors = of_type(&l, "error");
    assert_eq!(errors.len(), failures.len(), "{failures:#?}");
    for (e, line) in errors.iter().zip(&failures) {
        let source = e["source"].as_str().unwrap();
        let message = e["message"].as_str().unwrap();
        assert!(
            line.contains(source) && line.contains(message),
            "{e} vs {line}"
        );
    }
    let summary = l.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["items"], of_type(&l, "item").len());
    assert_eq!(summary["errors"], errors.len());
    assert_eq!(summary["exit_code"], 2);
}

#[test]
fn a_wrong_pkcs12_password_is_a_line() {
    let o = run(&[
        "inspect",
        "--format",
        "jsonl",
        "--password",
        "pass:nope",
        "fixtures/pkcs12/leaf-aes.p12",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let l = lines(&stdout(&o));
    let errors = of_type(&l, "error");
    assert_eq!(errors.len(), 1, "{l:?}");
    assert_eq!(errors[0]["source"], "fixtures/pkcs12/leaf-aes.p12");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("wrong password"));
}

#[test]
fn check_and_chain_lines() {
    let o = run(&[
        "check",
        "--format",
        "jsonl",
        "fixtures/lint/expired.pem",
        "fixtures/lint/clean.pem",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let l = lines(&stdout(&o));
    let items = of_type(&l, "item");
    assert!(items.iter().any(|f| f["lint"] == "expired"), "{l:?}");
    for f in &items {
        assert!(
            f["severity"].is_string() && f["source"]["path"].is_string(),
            "{f}"
        );
    }
    let summary = l.last().unwrap();
    assert_eq!(summary["checked"], 2);
    assert_eq!(summary["failed"], true);
    assert_eq!(summary["exit_code"], 1);

    let o = run(&[
        "chain",
        "--format",
        "jsonl",
        "--roots",
        "fixtures/chains/root.pem",
        "fixtures/chains/good.pem",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let l = lines(&stdout(&o));
    let chains = of_type(&l, "item");
    assert_eq!(chains.len(), 1);
    assert_eq!(chains[0]["complete"], true);
    assert!(chains[0]["links"].is_array());
    let summary = l.last().unwrap();
    assert_eq!(summary["chains"], 1);
    assert_eq!(summary["complete"], true);
    assert_eq!(summary["anchors"], "roots");
    assert_eq!(summary["exit_code"], 0);
}

#[test]
fn no_pem_and_fields() {
    let leaf = "fixtures/certs/leaf.pem";
    let with = lines(&stdout(&run(&["inspect", "-f", "jsonl", leaf])));
    assert!(with[0]["pem"].is_string());
    let without = lines(&stdout(&run(&["inspect", "-f", "jsonl", "--no-pem", leaf])));
    assert!(without[0].get("pem").is_none());
    assert_eq!(without[0]["subject"], with[0]["subject"]);

    let o = run(&["inspect", "-f", "jsonl", "--fields", "subject,kind", leaf]);
    let l = lines(&stdout(&o));
    let keys: Vec<&String> = l[0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    for k in ["certscope", "type", "subject", "kind"] {
        assert!(l[0].get(k).is_some(), "{k}: {}", l[0]);
    }
    // The summary line is never cut.
    assert_eq!(l[1]["exit_code"], 0);

    // JSON documents and `find` take the same options.
    let o = run(&[
        "find",
        "--san",
        "www.example.com",
        "-f",
        "json",
        "--fields",
        "number",
        leaf,
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["items"][0], serde_json::json!({"number": 0}));
}

/// A misspelt `--fields` name is a usage error naming the known fields (it used to vanish
/// from every record without a word).
#[test]
fn unknown_field_is_a_usage_error() {
    let leaf = "fixtures/certs/leaf.pem";
    let o = run(&[
        "inspect",
        "-f",
        "jsonl",
        "--fields",
        "subject,no_such_field",
        leaf,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert!(err.contains("no_such_field"), "{err}");
    assert!(err.contains("known: algorithm,"), "{err}");
    assert!(err.contains("not_after"), "{err}");
}

/// `--fields` accepts every top-level field a record over the fixture tree holds.
#[test]
fn every_record_field_is_known() {
    let o = run(&["inspect", "-r", "-f", "jsonl", "--inventory", "fixtures"]);
    let known = certscope::render::json::RECORD_FIELDS;
    for l in lines(&stdout(&o)) {
        if l["type"] != "item" {
            continue;
        }
        for k in l.as_object().unwrap().keys() {
            assert!(
                k == "certscope" || k == "type" || known.contains(&k.as_str()),
                "{k} is missing from RECORD_FIELDS"
            );
        }
    }
}

#[test]
fn inventory_fields() {
    let path = "fixtures/certs/expired.pem";
    let o = certscope()
        .env("CERTSCOPE_HOSTNAME", "web7")
        .args(["inspect", "-f", "jsonl", "--inventory", "--no-pem", path])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let out = stdout(&o);
    // The inventory fields come first, before the item's own.
    assert!(
        out.starts_with(&format!(
            "{{\"certscope\":\"{}\",\"type\":\"item\",\"host\":\"web7\",",
            env!("CARGO_PKG_VERSION")
        )),
        "{out}"
    );
    let item = &lines(&out)[0];
    assert_eq!(item["host"], "web7");
    assert_eq!(item["scanned_at"], NOW);
    let meta = std::fs::metadata(support::root().join(path)).unwrap();
    assert_eq!(item["file_uid"], meta.uid());
    assert_eq!(item["file_gid"], meta.gid());
    assert_eq!(item["file_mode"], format!("{:04o}", meta.mode() & 0o7777));
    assert!(item["file_mtime"].as_str().unwrap().ends_with('Z'));
    // Whole days from the pinned now to notAfter, rounded down (negative: expired).
    let not_after = time::OffsetDateTime::parse(
        item["not_after"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let now =
        time::OffsetDateTime::parse(NOW, &time::format_description::well_known::Rfc3339).unwrap();
    let days = (not_after - now).whole_seconds().div_euclid(86_400);
    assert!(days < 0);
    assert_eq!(item["days_until_expiry"], days);

    // From stdin there is no file to describe; a key has no expiry.
    let pem = std::fs::read(support::root().join("fixtures/keys/p256.pem")).unwrap();
    let o = run_stdin(&["inspect", "-f", "jsonl", "--inventory"], &pem);
    let item = &lines(&stdout(&o))[0];
    assert!(item["host"].is_string());
    for k in ["file_mtime", "file_uid", "file_mode", "days_until_expiry"] {
        assert!(item[k].is_null(), "{k}: {item}");
    }
}

/// Files a walk passes over quietly (nothing certscope reads) are counted in every command's
/// summary line as `skipped` (issue 18 items 2 and 3).
#[test]
fn summary_counts_skipped_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("fixtures/certs/leaf.pem", dir.path().join("leaf.pem")).unwrap();
    std::fs::write(dir.path().join("openssl.cnf"), "[ req ]\nprompt = no\n").unwrap();
    std::fs::write(dir.path().join("empty.crt"), "").unwrap();
    let d = dir.path().to_str().unwrap();
    for args in [
        vec!["inspect", "-r", "--format", "jsonl", d],
        vec!["fingerprint", "-r", "--format", "jsonl", d],
        vec!["check", "-r", "--format", "jsonl", d],
        vec!["chain", "-r", "--format", "jsonl", d],
    ] {
        let o = run(&args);
        let l = lines(&stdout(&o));
        let summary = of_type(&l, "summary");
        assert_eq!(summary.len(), 1, "{args:?}");
        assert_eq!(summary[0]["skipped"], 2, "{args:?}: {}", stdout(&o));
        assert!(of_type(&l, "error").is_empty(), "{args:?}: {}", stdout(&o));
    }
}

/// Inputs that between them hold every kind of item and most top-level fields: certificates,
/// CRLs, CSRs, keys, CMS and PKCS#7, OCSP, PKCS#12 with a password, related chains, RSA-PSS.
const FIELD_INPUTS: &[&str] = &[
    "fixtures/certs",
    "fixtures/chains/good-with-root.pem",
    "fixtures/chains/rsa-pss-root.pem",
    "fixtures/bundles/mixed.pem",
    "fixtures/keyfmt/sigalg-mismatch.pem",
    "fixtures/revocation-more/ocsp-request-forged.der",
    "fixtures/crl",
    "fixtures/csr",
    "fixtures/keys",
    "fixtures/cms",
    "fixtures/pkcs7",
    "fixtures/revocation",
    "fixtures/pkcs12",
];

/// `inspect` over [`FIELD_INPUTS`] with `extra` options; the raw item records of the JSON
/// document (one per line), or the `item` lines of JSON Lines.
fn field_records(format: &str, extra: &[&str]) -> Vec<String> {
    let mut cmd = certscope();
    cmd.env("CERTSCOPE_HOSTNAME", "web7")
        .args(["inspect", "-r", "--inventory", "--password", "pass:test"])
        .args(["-f", format])
        .args(extra)
        .args(FIELD_INPUTS);
    let out = stdout(&cmd.output().unwrap());
    let lines = out.lines();
    if format == "jsonl" {
        return lines
            .filter(|l| l.contains(r#""type":"item""#))
            .map(str::to_string)
            .collect();
    }
    // `{"certscope":…,"items":[`, then one record a line, then `],"errors":…`.
    lines
        .skip(1)
        .take_while(|l| !l.starts_with(']'))
        .map(|l| l.strip_suffix(',').unwrap_or(l).to_string())
        .collect()
}

/// `--fields F` writes, for every field F a record can hold, exactly the full record's F
/// (nested objects with their keys sorted, as `--fields` always wrote them), and nothing
/// when the record has no F; several fields come in the order asked for.
#[test]
fn each_selected_field_is_the_full_records() {
    let full: Vec<Value> = field_records("json", &[])
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(full.len() > 100, "{}", full.len());
    let mut seen = 0;
    for field in certscope::render::json::RECORD_FIELDS {
        let picked = field_records("json", &["--fields", field]);
        assert_eq!(picked.len(), full.len(), "{field}");
        for (p, f) in picked.iter().zip(&full) {
            let expected = match f.get(*field) {
                Some(v) => format!("{{{}:{}}}", Value::from(*field), v),
                None => "{}".to_string(),
            };
            assert_eq!(*p, expected, "--fields {field}");
        }
        seen += usize::from(full.iter().any(|f| f.get(*field).is_some()));
    }
    // All but a token object's six (`token`, `class`, `id`, `key_type`, `application`,
    // `flags`), which the library's tests of `Record` cover.
    assert_eq!(seen + 6, certscope::render::json::RECORD_FIELDS.len());

    // Several fields, in the order asked for, in JSON Lines too; a field named twice once.
    let fields = "not_after,kind,source,subject,kind,fingerprints,pem,serial,relations";
    let picked = field_records("jsonl", &["--fields", fields]);
    let full: Vec<Value> = field_records("jsonl", &[])
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(picked.len(), full.len());
    for (p, f) in picked.iter().zip(&full) {
        let mut expected = String::from(r#"{"certscope":"#);
        expected += &format!("{},\"type\":\"item\"", f["certscope"]);
        let mut done = Vec::new();
        for name in fields.split(',') {
            if let (Some(v), false) = (f.get(name), done.contains(&name)) {
                expected += &format!(",{}:{}", Value::from(name), v);
            }
            done.push(name);
        }
        expected += "}";
        assert_eq!(*p, expected);
    }
}

/// A JSON document cut by `--fields` to neither `relations` nor `warnings` is not
/// related (nothing would show it): no relations-limit note, the same records.
#[test]
fn fields_without_relations_skip_relating() {
    let chain = "fixtures/chains/good-with-root.pem";
    let args = |fields: &str| {
        let o = run(&[
            "inspect",
            "-f",
            "json",
            "--relations-limit",
            "1",
            "--fields",
            fields,
            chain,
        ]);
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        (stdout(&o), stderr(&o))
    };
    for fields in ["relations", "warnings,subject"] {
        let (_, err) = args(fields);
        assert!(
            err.contains("relations are not computed"),
            "{fields}: {err}"
        );
    }
    let (out, err) = args("subject,number");
    assert!(err.is_empty(), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["items"][1]["number"], 1);
    assert!(v["items"][1]["subject"].is_string());
}
