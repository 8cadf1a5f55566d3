//! NIST PKITS (issue 15): every path-validation test of sections 4.1–4.16 through
//! `certscope chain`, with the options the test names, against its expected verdict.
//! Data: fixtures/pkits (scripts/fetch-pkits.sh; `pkits.json` holds the expected results).
//! The cases certscope still gets wrong are listed, with why, in
//! tests/pkits-disagreements.tsv, and that list must be exact: a fixed case must leave it.
//! The verdict table in docs/chain.md ("NIST PKITS") is checked too; regenerate it with
//! `CERTSCOPE_UPDATE_DOCS=1 cargo test --test cli pkits::`.

use crate::support;

use std::collections::BTreeMap;
use std::sync::OnceLock;

const P: &str = "fixtures/pkits";
/// The validation time: pyhanko-certvalidator's PKITS tests run at 2022-05-01 (the
/// certificates and CRLs are valid 2010–2030).
const AT: &str = "2022-05-01T00:00:00Z";

/// One PKITS test as `pkits.json` gives it.
struct Case {
    /// `40105` for PKITS 4.1.5.
    id: String,
    name: String,
    /// Whether the path must validate (no `error`).
    valid: bool,
    /// The `certscope chain` arguments.
    args: Vec<String>,
}

impl Case {
    /// "4.1.5".
    fn number(&self) -> String {
        format!(
            "4.{}.{}",
            self.section(),
            self.id[3..5].parse::<u32>().unwrap()
        )
    }

    fn section(&self) -> u32 {
        self.id[1..3].parse().unwrap()
    }
}

/// Each test as `chain` options: the PKITS trust anchor as `--roots`, the validation time,
/// the anchor's CRL and the test's CRLs as `--crl`, `--revocation require` unless the test
/// says revocation is not checked (`"revocation": false`), the §6.1.1 policy inputs as
/// `--policy`, `--require-explicit-policy`, `--inhibit-policy-mapping` and
/// `--inhibit-any-policy`, and the certificate followed by the other certificates offered
/// as inputs (the other certificates are issuers, so only the test's certificate starts
/// a path; a CRL signer among them starts one of its own, which is valid).
fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(support::root().join(P).join("pkits.json")).unwrap();
    let list: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    list.iter()
        .map(|c| {
            let s = |v: &serde_json::Value| v.as_str().unwrap().to_string();
            let mut args: Vec<String> = vec![
                "chain".into(),
                "--roots".into(),
                format!("{P}/certs/TrustAnchorRootCertificate.crt"),
                "--at".into(),
                AT.into(),
                "--crl".into(),
                format!("{P}/crls/TrustAnchorRootCRL.crl"),
            ];
            for crl in c["crls"].as_array().into_iter().flatten() {
                args.push("--crl".into());
                args.push(format!("{P}/crls/{}", s(crl)));
            }
            if c["revocation"].as_bool().unwrap_or(true) {
                args.extend(["--revocation".into(), "require".into()]);
            }
            let params = &c["params"];
            for policy in params["user_initial_policy_set"]
                .as_array()
                .into_iter()
                .flatten()
            {
                args.push("--policy".into());
                args.push(s(policy));
            }
            for (key, flag) in [
                ("initial_explicit_policy", "--require-explicit-policy"),
                ("initial_policy_mapping_inhibit", "--inhibit-policy-mapping"),
                ("initial_any_policy_inhibit", "--inhibit-any-policy"),
            ] {
                if params[key].as_bool().unwrap_or(false) {
                    args.push(flag.into());
                }
            }
            args.push(format!("{P}/certs/{}", s(&c["cert"])));
            for other in c["other_certs"].as_array().into_iter().flatten() {
                args.push(format!("{P}/certs/{}", s(other)));
            }
            Case {
                id: s(&c["id"]),
                name: s(&c["name"]),
                valid: c.get("error").is_none(),
                args,
            }
        })
        .collect()
}

/// Every case with `chain`'s exit status, run on a few threads (246 runs).
fn results() -> &'static [(Case, i32)] {
    static RESULTS: OnceLock<Vec<(Case, i32)>> = OnceLock::new();
    RESULTS.get_or_init(|| {
        let cases = cases();
        assert_eq!(cases.len(), 246, "pkits.json has every test of 4.1–4.16");
        let chunks: Vec<Vec<Case>> = {
            let mut chunks: Vec<Vec<Case>> = (0..4).map(|_| Vec::new()).collect();
            for (i, c) in cases.into_iter().enumerate() {
                chunks[i % 4].push(c);
            }
            chunks
        };
        let mut out: Vec<(Case, i32)> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    scope.spawn(move || {
                        chunk
                            .into_iter()
                            .map(|c| {
                                let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
                                let o = support::run(&args);
                                let code = o.status.code().unwrap_or(-1);
                                assert!(
                                    code == 0 || code == 1,
                                    "PKITS {} ({}): exit {code}\n{}",
                                    c.number(),
                                    c.name,
                                    support::stderr(&o)
                                );
                                (c, code)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        out
    })
}

/// tests/pkits-disagreements.tsv: `ID<TAB>why`, `#` comments.
fn known() -> BTreeMap<String, String> {
    let text =
        std::fs::read_to_string(support::root().join("tests/pkits-disagreements.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, why) = l.split_once('\t').expect("ID<TAB>why");
            (id.to_string(), why.to_string())
        })
        .collect()
}

/// Every PKITS test gets its expected verdict (exit 0 valid, 1 invalid), except exactly
/// the known disagreements.
#[test]
fn pkits_verdicts_agree_except_the_known_disagreements() {
    let known = known();
    let disagree: BTreeMap<String, String> = results()
        .iter()
        .filter(|(c, code)| (*code == 0) != c.valid)
        .map(|(c, code)| {
            (
                c.id.clone(),
                format!(
                    "PKITS {} {}: exit {code}, expected {}: certscope {}",
                    c.number(),
                    c.name,
                    if c.valid { "valid" } else { "invalid" },
                    c.args.join(" ")
                ),
            )
        })
        .collect();
    let unexpected: Vec<&String> = disagree
        .iter()
        .filter(|(id, _)| !known.contains_key(*id))
        .map(|(_, what)| what)
        .collect();
    let fixed: Vec<&String> = known
        .keys()
        .filter(|id| !disagree.contains_key(*id))
        .collect();
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "disagreements not listed in tests/pkits-disagreements.tsv:\n{}\n\
         listed but agreeing now (remove them): {fixed:?}",
        unexpected
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

const SECTIONS: [&str; 16] = [
    "Signature Verification",
    "Validity Periods",
    "Verifying Name Chaining",
    "Basic Certificate Revocation",
    "Verifying Paths with Self-Issued Certificates",
    "Verifying Basic Constraints",
    "Key Usage",
    "Certificate Policies",
    "Require Explicit Policy",
    "Policy Mappings",
    "Inhibit Policy Mapping",
    "Inhibit Any Policy",
    "Name Constraints",
    "Distribution Points",
    "Delta-CRLs",
    "Private Certificate Extensions",
];

/// The table of docs/chain.md's "NIST PKITS".
fn table() -> String {
    let known = known();
    let mut out =
        String::from("| section | tests | agree | known disagreements |\n|---|---|---|---|\n");
    let (mut all, mut all_agree) = (0, 0);
    for (i, title) in SECTIONS.iter().enumerate() {
        let section = u32::try_from(i).unwrap() + 1;
        let here: Vec<&(Case, i32)> = results()
            .iter()
            .filter(|(c, _)| c.section() == section)
            .collect();
        let agree = here
            .iter()
            .filter(|(c, code)| (*code == 0) == c.valid)
            .count();
        let notes: Vec<String> = here
            .iter()
            .filter_map(|(c, _)| known.get(&c.id).map(|why| format!("{}: {why}", c.number())))
            .collect();
        all += here.len();
        all_agree += agree;
        out += &format!(
            "| 4.{section} {title} | {} | {agree} | {} |\n",
            here.len(),
            if notes.is_empty() {
                "none".to_string()
            } else {
                notes.join("; ")
            }
        );
    }
    out += &format!("| all | {all} | {all_agree} | {} |\n", all - all_agree);
    out
}

/// docs/chain.md's PKITS table is what this run gives.
#[test]
fn pkits_table_is_current() {
    support::generated_section(
        "docs/chain.md",
        "pkits",
        &table(),
        "cargo test --test cli pkits::",
    );
}
