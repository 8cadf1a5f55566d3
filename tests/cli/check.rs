//! `certscope check`: exit status by threshold (never inverted), lint selection, JSON shape.

use crate::support;

use support::{run, stderr, stdout};

fn json(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let o = run(&all);
    (o.status.code(), serde_json::from_slice(&o.stdout).unwrap())
}

#[test]
fn clean_certificate_passes() {
    let o = run(&["check", "fixtures/lint/clean.pem"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        "1 checked (1 certificate, 0 CRLs, 0 CSRs): 0 errors, 0 warnings, 0 info; pass (--fail-on error)\n"
    );
}

#[test]
fn threshold_decides_the_exit_status() {
    // no-aki-ski.pem has two warnings and no error.
    let f = "fixtures/lint/no-aki-ski.pem";
    assert_eq!(run(&["check", f]).status.code(), Some(0));
    assert_eq!(
        run(&["check", "--fail-on", "warn", f]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "--fail-on", "info", f]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&[
            "check",
            "--fail-on",
            "warn",
            "--skip-lint",
            "aki-missing",
            "--skip-lint",
            "ski-missing",
            f
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "fixtures/lint/expired.pem"]).status.code(),
        Some(1)
    );
}

#[test]
fn json_findings_and_summary() {
    let (code, v) = json(&["fixtures/lint/expired.pem", "fixtures/lint/no-aki-ski.pem"]);
    assert_eq!(code, Some(1));
    let f = &v["findings"][0];
    assert_eq!(f["item"], 0);
    assert_eq!(f["lint"], "expired");
    assert_eq!(f["severity"], "error");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .starts_with("expired on 2025-01-01"));
    assert_eq!(f["source"]["path"], "fixtures/lint/expired.pem");
    let s = &v["summary"];
    assert_eq!(
        (
            s["checked"].as_u64(),
            s["error"].as_u64(),
            s["warn"].as_u64()
        ),
        (Some(2), Some(1), Some(2))
    );
    assert_eq!(s["fail_on"], "error");
    assert_eq!(s["failed"], true);
}

#[test]
fn requested_checks_and_durations() {
    let clean = "fixtures/lint/clean.pem";
    assert_eq!(
        run(&["check", "--expires-within", "30d", clean])
            .status
            .code(),
        Some(0)
    );
    // expires-soon is a warning: it fails the run only with --fail-on warn.
    let o = run(&["check", "--expires-within", "200d", clean]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("warn   expires-soon"), "{}", stdout(&o));
    assert_eq!(
        run(&[
            "check",
            "--fail-on",
            "warn",
            "--expires-within",
            "1y",
            clean
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "--expires-within", "soon", clean])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["check", "--hostname", "lint.example", clean])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--hostname", "x.lint.example", clean])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "--ip", "192.0.2.1", "fixtures/chains/good.pem"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&[
            "check",
            "--not-yet-valid",
            "fixtures/lint/not-yet-valid.pem"
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "fixtures/lint/not-yet-valid.pem"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn lint_selection() {
    let (_, v) = json(&[
        "--lint",
        "serial-zero",
        "fixtures/lint/serial-zero.pem",
        "fixtures/lint/expired.pem",
    ]);
    let lints: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["lint"].as_str().unwrap())
        .collect();
    assert_eq!(lints, vec!["serial-zero"]);
    let o = run(&["check", "--lint", "no-such-lint", "fixtures/lint/clean.pem"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--list-lints"));
}

#[test]
fn list_lints_names_every_lint_with_its_clause() {
    let o = run(&["check", "--list-lints"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for l in certscope::analysis::check::LINTS {
        assert!(out.contains(l.id) && out.contains(l.reference), "{}", l.id);
    }
}

#[test]
fn unreadable_input_fails_even_without_findings() {
    let o = run(&["check", "fixtures/lint/clean.pem", "no-such-file.pem"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-file.pem"));
}

/// docs/check.md's lint table is the code's: regenerate it with
/// `CERTSCOPE_UPDATE_DOCS=1 cargo test --test cli check::docs_lint_table`.
#[test]
fn docs_lint_table_is_generated_from_the_code() {
    let want = certscope::render::check::lints_markdown(certscope::analysis::check::LINTS);
    support::generated_section(
        "docs/check.md",
        "lints",
        &want,
        "cargo test --test cli check::docs_lint_table",
    );
}

#[test]
fn list_lints_json_has_every_lint() {
    let o = run(&["check", "--list-lints", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let listed = v["lints"].as_array().unwrap();
    let all = certscope::analysis::check::LINTS;
    assert_eq!(listed.len(), all.len());
    for (j, l) in listed.iter().zip(all) {
        assert_eq!(j["id"], l.id);
        assert_eq!(j["severity"], l.severity.name());
        assert_eq!(j["applies_to"], l.applies_to);
        assert_eq!(j["clause"], l.reference);
    }
}

/// JSON Lines means a line per lint and a closing summary, as in every other jsonl stream
/// (it was the whole table as one document).
#[test]
fn list_lints_jsonl_is_a_line_per_lint_and_a_summary() {
    let o = run(&["check", "--list-lints", "--format", "jsonl"]);
    assert_eq!(o.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let all = certscope::analysis::check::LINTS;
    assert_eq!(lines.len(), all.len() + 1);
    for (j, l) in lines.iter().zip(all) {
        assert_eq!(j["type"], "item");
        assert_eq!(j["id"], l.id);
        assert_eq!(j["clause"], l.reference);
    }
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["items"], all.len());
    assert_eq!(summary["exit_code"], 0);
}

#[test]
fn docs_describe_every_lint() {
    let doc = std::fs::read_to_string(support::root().join("docs/check.md")).unwrap();
    for l in certscope::analysis::check::LINTS {
        assert!(
            doc.contains(&format!("`{}`", l.id)),
            "docs/check.md lacks {}",
            l.id
        );
    }
}

/// Findings over the system trust store are not noise: every error is an expiry, and the
/// profile rules trust anchors are exempt from come out as info. The bundle differs between
/// machines, so this asserts properties, not counts.
#[test]
fn system_bundle_has_no_noise_errors() {
    let bundle = "/etc/ssl/certs/ca-certificates.crt";
    if !std::path::Path::new(bundle).exists() {
        // scripts/test.sh installs ca-certificates; a bare `cargo test` elsewhere skips.
        eprintln!("skipped: no {bundle}");
        return;
    }
    let (_, v) = json(&["--at", "2026-01-15T12:00:00Z", bundle]);
    assert!(v["summary"]["certificates"].as_u64().unwrap() > 50);
    for f in v["findings"].as_array().unwrap() {
        let lint = f["lint"].as_str().unwrap();
        if f["severity"] == "error" {
            assert_eq!(lint, "expired", "{f}");
        }
        assert!(
            !matches!(
                lint,
                "leaf-is-ca"
                    | "validity-too-long"
                    | "san-missing"
                    | "cn-not-in-san"
                    | "aki-missing"
            ),
            "{f}"
        );
    }
    // --roots system: the store is context, not checked.
    let (code, v) = json(&[
        "--at",
        "2026-01-15T12:00:00Z",
        "--roots",
        "system",
        "fixtures/lint/clean.pem",
    ]);
    assert_eq!(
        (code, v["summary"]["checked"].as_u64()),
        (Some(0), Some(1)),
        "{v}"
    );
}

#[test]
fn at_pins_the_clock() {
    // expired.pem expired on 2025-01-01.
    let f = "fixtures/lint/expired.pem";
    assert_eq!(
        run(&["check", "--at", "2024-12-31T00:00:00Z", f])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--at", "2025-01-02T00:00:00Z", f])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "--at", "yesterday", f]).status.code(),
        Some(2)
    );
}

/// The lints of one file, as of the tests' pinned date.
fn lints_of(file: &str) -> Vec<String> {
    let (_, v) = json(&["--at", "2026-01-15T12:00:00Z", file]);
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["lint"].as_str().unwrap().to_string())
        .collect()
}

/// Each new lint: a fixture that trips it (and only it) and one that does not.
#[test]
fn each_new_lint_has_a_tripping_and_a_clean_fixture() {
    let l2 = |f: &str| format!("fixtures/lint2/{f}");
    for (lint, trips, clean) in [
        (
            "md2-md4-signature",
            l2("md2-signature.pem"),
            l2("rsa-sha256.pem"),
        ),
        (
            "md2-md4-signature",
            l2("md4-signature.pem"),
            l2("rsa-sha256.pem"),
        ),
        (
            "rsa-pss-sha1",
            l2("rsa-pss-sha1.pem"),
            l2("rsa-pss-sha256.pem"),
        ),
        (
            "signature-algorithm-mismatch",
            l2("signature-algorithm-mismatch.pem"),
            l2("rsa-sha256.pem"),
        ),
        ("version-invalid", l2("version-8.pem"), l2("clean-leaf.pem")),
        (
            "extensions-before-v3",
            l2("v2-with-extensions.pem"),
            l2("v1-leaf.pem"),
        ),
        ("eku-empty", l2("eku-empty.pem"), l2("clean-leaf.pem")),
        (
            "pathlen-without-ca",
            "fixtures/fidelity/ca-false-pathlen0.pem".to_string(),
            l2("clean-leaf.pem"),
        ),
        (
            "csr-bad-signature",
            "fixtures/fidelity/csr-bad-signature.pem".to_string(),
            "fixtures/fidelity/csr-good-signature.pem".to_string(),
        ),
        (
            "ca-basic-constraints-not-critical",
            l2("ca-basic-constraints-not-critical.pem"),
            l2("ca-good.pem"),
        ),
        (
            "ca-ski-missing",
            l2("ca-ski-missing.pem"),
            l2("ca-good.pem"),
        ),
        (
            "ca-subject-empty",
            l2("ca-subject-empty.pem"),
            l2("ca-good.pem"),
        ),
        (
            "crl-entry-unknown-critical-extension",
            l2("crl-entry-unknown-critical.crl"),
            l2("crl-entry-reason.crl"),
        ),
        (
            "rsa-exponent-invalid",
            l2("rsa-exponent-2.pem"),
            l2("rsa-exponent-3.pem"),
        ),
        (
            "rsa-exponent-small",
            l2("rsa-exponent-3.pem"),
            l2("rsa-sha256.pem"),
        ),
    ] {
        assert_eq!(lints_of(&trips), vec![lint.to_string()], "{trips}");
        assert!(!lints_of(&clean).iter().any(|l| l == lint), "{clean}");
    }
}

/// CA/B validity by notBefore (Ballot SC-081): a leaf on each side of each boundary.
#[test]
fn validity_limit_follows_the_cab_schedule() {
    for (file, too_long) in [
        ("validity-2026-03-14-398d.pem", false),
        ("validity-2026-03-15-398d.pem", true),
        ("validity-2026-03-15-200d.pem", false),
        ("validity-2027-03-14-200d.pem", false),
        ("validity-2027-03-15-200d.pem", true),
        ("validity-2027-03-15-100d.pem", false),
        ("validity-2029-03-14-100d.pem", false),
        ("validity-2029-03-15-100d.pem", true),
        ("validity-2029-03-15-47d.pem", false),
    ] {
        let got = lints_of(&format!("fixtures/lint2/{file}"));
        let want: Vec<String> = if too_long {
            vec!["validity-too-long".into()]
        } else {
            Vec::new()
        };
        assert_eq!(got, want, "{file}");
    }
    // --max-validity overrides the schedule.
    let f = "fixtures/lint2/validity-2026-03-14-398d.pem";
    let o = run(&["check", "--fail-on", "warn", "--max-validity", "90", f]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
}

/// Trust anchors and v1 certificates: what used to be noise.
#[test]
fn anchors_and_v1_certificates_are_not_noise() {
    // A v1 certificate cannot carry extensions: no AKI/SKI/SAN findings.
    assert!(lints_of("fixtures/lint2/v1-leaf.pem").is_empty());
    // The fixture CA set: clean roots and CAs.
    assert!(lints_of("fixtures/lint2/ca.pem").is_empty());
    assert!(lints_of("fixtures/lint2/ca-good.pem").is_empty());
}

/// The summary over the lint2 fixture set, pinned.
#[test]
fn lint2_fixture_set_summary() {
    let mut files: Vec<String> = std::fs::read_dir(support::root().join("fixtures/lint2"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".pem"))
        .map(|n| format!("fixtures/lint2/{n}"))
        .collect();
    files.sort();
    let mut args = vec!["--at", "2026-01-15T12:00:00Z"];
    args.extend(files.iter().map(String::as_str));
    let (_, v) = json(&args);
    let s = &v["summary"];
    assert_eq!(
        (
            s["certificates"].as_u64(),
            s["error"].as_u64(),
            s["warn"].as_u64(),
            s["info"].as_u64()
        ),
        (Some(27), Some(11), Some(4), Some(0))
    );
}

/// `--roots FILE`: issuers seen but not checked, so a constrained CA among them is seen.
#[test]
fn roots_are_context_for_path_length() {
    let pem = std::fs::read_to_string(support::root().join("fixtures/chains/pathlen-exceeded.pem"))
        .unwrap();
    let certs: Vec<String> = pem
        .split_inclusive("-----END CERTIFICATE-----\n")
        .map(str::to_string)
        .collect();
    assert_eq!(
        certs.len(),
        3,
        "leaf, CA below the pathlen:0 CA, the pathlen:0 CA"
    );
    let dir = tempfile::tempdir().unwrap();
    let (inputs, roots) = (dir.path().join("in.pem"), dir.path().join("roots.pem"));
    std::fs::write(&inputs, format!("{}{}", certs[0], certs[1])).unwrap();
    std::fs::write(&roots, &certs[2]).unwrap();
    let (inputs, roots) = (inputs.to_str().unwrap(), roots.to_str().unwrap());
    let pl = |v: &serde_json::Value| -> Vec<u64> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["lint"] == "path-length-violated")
            .map(|f| f["item"].as_u64().unwrap())
            .collect()
    };
    let (_, without) = json(&["--at", "2026-01-15T12:00:00Z", inputs]);
    assert!(pl(&without).is_empty());
    let (code, with) = json(&["--at", "2026-01-15T12:00:00Z", "--roots", roots, inputs]);
    assert_eq!(code, Some(1));
    assert_eq!(pl(&with), vec![1], "{with}");
    // The roots are not checked themselves.
    assert_eq!(with["summary"]["checked"], 2);
}

/// `fixtures/lint3/pairs.tsv`: (lint, tripping fixture, lints also tripped there, clean
/// fixture), paths under fixtures/.
fn lint_pairs() -> Vec<(String, String, Vec<String>, String)> {
    let text = std::fs::read_to_string(support::root().join("fixtures/lint3/pairs.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "{l}");
            let also = f[2]
                .split(',')
                .filter(|a| *a != "-")
                .map(str::to_string)
                .collect();
            (
                f[0].to_string(),
                format!("fixtures/{}", f[1]),
                also,
                format!("fixtures/{}", f[3]),
            )
        })
        .collect()
}

/// The lint2, lint3 and lint4 pairs (fixtures/lint3/pairs.tsv; lint3 made by
/// scripts/gen-lint3-fixtures.sh, lint4 by scripts/gen-lint4-fixtures.sh): each lint's
/// tripping fixture trips it (and nothing else, unless listed) and its clean fixture does not.
#[test]
fn lint_pairs_trip_their_lint_and_only_it() {
    let table = lint_pairs();
    let ids: Vec<&str> = certscope::analysis::check::LINTS
        .iter()
        .map(|l| l.id)
        .collect();
    for (lint, trips, also, clean) in &table {
        assert!(ids.contains(&lint.as_str()), "{lint}");
        let mut want = also.clone();
        want.push(lint.clone());
        let mut got = lints_of(trips);
        got.sort();
        want.sort();
        assert_eq!(got, want, "{trips}");
        assert!(!lints_of(clean).contains(lint), "{clean} trips {lint}");
    }
    // Every lint3 and lint4 fixture is in a row.
    let dirs = ["lint3", "lint4"].map(|d| (d, support::root().join("fixtures").join(d)));
    for (d, e) in dirs
        .iter()
        .flat_map(|(d, p)| std::fs::read_dir(p).unwrap().map(move |e| (d, e)))
    {
        let name = format!(
            "fixtures/{d}/{}",
            e.unwrap().file_name().into_string().unwrap()
        );
        let listed = table.iter().any(|(_, t, _, c)| *t == name || *c == name);
        assert!(
            listed
                || [
                    "README.md",
                    "pairs.tsv",
                    "ca.pem",
                    "rsa-root.pem",
                    "ca-empty-subject.pem"
                ]
                .iter()
                .any(|f| name.ends_with(f)),
            "{name} is in no row"
        );
    }
}

/// docs/check.md's pkilint table is what `scripts/pkilint-crosscheck.py` prints now. Needs a
/// Python with pkilint: `CERTSCOPE_PKILINT_PYTHON` (scripts/test.sh makes a venv and sets it)
/// or `python3`; skipped without one unless `CERTSCOPE_REQUIRE_PKILINT` is set. Regenerate
/// with `CERTSCOPE_UPDATE_DOCS=1 cargo test --test cli check::pkilint`.
#[test]
fn pkilint_cross_check_table_is_current() {
    let python = std::env::var("CERTSCOPE_PKILINT_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_pkilint = std::process::Command::new(&python)
        .args(["-c", "import pkilint"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_pkilint {
        assert!(
            std::env::var_os("CERTSCOPE_REQUIRE_PKILINT").is_none(),
            "{python} has no pkilint (pip install pkilint)"
        );
        eprintln!("skipped: {python} has no pkilint");
        return;
    }
    let out = std::process::Command::new(&python)
        .arg("scripts/pkilint-crosscheck.py")
        .current_dir(support::root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = String::from_utf8(out.stdout).unwrap();
    support::generated_section(
        "docs/check.md",
        "pkilint",
        &want,
        "cargo test --test cli check::pkilint",
    );
}

/// A commonName holding a `+` (`CN=a\+b.example`) is one name: the subjectAltName that
/// lists `a+b.example` covers it (it was split at the escaped `+`, and `a` reported).
#[test]
fn common_name_with_a_plus_is_one_name() {
    let o = run(&[
        "check",
        "--lint",
        "cn-not-in-san",
        "--fail-on",
        "info",
        "fixtures/cn-plus/leaf-and-ca.pem",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("cn-not-in-san"), "{}", stdout(&o));
    // The commonName is still compared: a host name the SAN does not list is a finding.
    let (code, v) = json(&[
        "--lint",
        "cn-not-in-san",
        "--fail-on",
        "info",
        "fixtures/lint/cn-not-in-san.pem",
    ]);
    assert_eq!(code, Some(1), "{v}");
}
