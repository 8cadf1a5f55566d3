//! `certscope chain` with revocation evidence (issue 15, "Revocation, offline"): complete,
//! delta and indirect CRLs, their scope (issuingDistributionPoint), signature and validity,
//! and `--revocation require`. Fixtures: scripts/gen-revocation-fixtures.sh.

use crate::support;

use support::{json, run, stdout, NOW};

const R: &str = "fixtures/revocation";

/// `chain --roots root.pem --at NOW -f json` with `args`, fixture names resolved under R
/// (anything not starting with `-` and ending in a fixture extension).
fn chain(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let (code, out) = chain_format(args, "json");
    (code, serde_json::from_str(&out).unwrap())
}

fn chain_format(args: &[&str], format: &str) -> (Option<i32>, String) {
    let root = format!("{R}/root.pem");
    let mut all: Vec<String> = ["chain", "--roots", &root, "--at", NOW, "-f", format]
        .iter()
        .map(ToString::to_string)
        .collect();
    for a in args {
        if !a.starts_with('-') && (a.ends_with(".pem") || a.ends_with(".der")) {
            all.push(format!("{R}/{a}"));
        } else {
            all.push((*a).to_string());
        }
    }
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let o = run(&refs);
    (o.status.code(), stdout(&o))
}

/// The revocation object of link `link` of the first chain.
fn rev(v: &serde_json::Value, link: usize) -> &serde_json::Value {
    &v["chains"][0]["links"][link]["revocation"]
}

fn codes(v: &serde_json::Value, link: usize) -> Vec<String> {
    v["chains"][0]["links"][link]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect()
}

/// The CRLs that cover leaves and the CA: the CA's complete CRL and the root's.
const BOTH: [&str; 4] = ["--crl", "ca.crl.pem", "--crl", "root.crl.pem"];

#[test]
fn good_leaf_and_ca_are_good() {
    let (code, v) = chain(&[&BOTH[..], &["good.pem"]].concat());
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(rev(&v, 0)["status"], "good");
    assert_eq!(rev(&v, 1)["status"], "good");
    // Numbered after the inputs (leaf, CA) and the root: the CA's CRL is #3.
    assert_eq!(rev(&v, 0)["by"], serde_json::json!([3]));
    assert_eq!(rev(&v, 1)["by"], serde_json::json!([4]));
    // The anchor is input to the algorithm: not checked.
    assert!(v["chains"][0]["links"][2].get("revocation").is_none());
    assert_eq!(v["crls"].as_array().unwrap().len(), 2);
    assert_eq!(v["crls"][0]["crl_number"], "1");
}

#[test]
fn revoked_leaf_fails_with_reason_date_and_crl() {
    let (code, v) = chain(&[&BOTH[..], &["revoked.pem"]].concat());
    assert_eq!(code, Some(1));
    assert_eq!(v["valid"], false);
    let r = rev(&v, 0);
    assert_eq!(r["status"], "revoked");
    assert_eq!(r["reason"], "keyCompromise");
    assert_eq!(r["revocation_date"], "2025-12-15T00:00:00Z");
    assert_eq!(r["by"], serde_json::json!([3]));
    assert_eq!(codes(&v, 0), vec!["revoked"]);
    let p = &v["chains"][0]["links"][0]["problems"][0];
    assert_eq!(p["clause"], "RFC 5280 §6.1.3 (a)(3)");
}

#[test]
fn revoked_always_fails_even_with_revocation_check() {
    let (code, _) = chain(&[
        "--revocation",
        "check",
        "--crl",
        "ca.crl.pem",
        "revoked.pem",
    ]);
    assert_eq!(code, Some(1));
}

#[test]
fn revocation_off_ignores_crls() {
    let (code, v) = chain(&["--revocation", "off", "--crl", "ca.crl.pem", "revoked.pem"]);
    assert_eq!(code, Some(0));
    assert!(v["chains"][0]["links"][0].get("revocation").is_none());
    assert!(v.get("crls").is_none());
}

#[test]
fn crls_among_the_inputs_count_and_der_is_read() {
    // The CRL as an input (PEM), and as a --crl file in DER.
    let (code, v) = chain(&["revoked.pem", "ca.crl.pem"]);
    assert_eq!(code, Some(1));
    assert_eq!(rev(&v, 0)["status"], "revoked");
    let (code, v) = chain(&["--crl", "ca-plain.crl.der", "revoked.pem"]);
    assert_eq!(code, Some(1));
    assert_eq!(rev(&v, 0)["status"], "revoked");
    // A CRL input is not a certificate: it is neither unneeded nor a chain.
    assert_eq!(v["chains"].as_array().unwrap().len(), 1);
}

#[test]
fn on_hold_is_revoked_until_a_delta_removes_it() {
    let (code, v) = chain(&["--crl", "ca.crl.pem", "hold.pem"]);
    assert_eq!(code, Some(1));
    assert_eq!(rev(&v, 0)["reason"], "certificateHold");
    let (code, v) = chain(&[
        "--crl",
        "ca.crl.pem",
        "--crl",
        "ca-delta.crl.pem",
        "hold.pem",
    ]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(rev(&v, 0)["status"], "good");
    assert_eq!(rev(&v, 0)["by"], serde_json::json!([3, 4]));
}

#[test]
fn delta_crl_revokes_on_top_of_its_base_and_alone_covers_nothing() {
    let (code, v) = chain(&[
        "--crl",
        "ca.crl.pem",
        "--crl",
        "ca-delta.crl.pem",
        "delta-revoked.pem",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(rev(&v, 0)["status"], "revoked");
    assert_eq!(rev(&v, 0)["reason"], "superseded");
    assert_eq!(rev(&v, 0)["by"], serde_json::json!([4]));
    // Without its base a delta CRL says nothing (RFC 5280 §5.2.4).
    let (code, v) = chain(&["--crl", "ca-delta.crl.pem", "delta-revoked.pem"]);
    assert_eq!(code, Some(0));
    assert_eq!(rev(&v, 0)["status"], "unknown");
}

#[test]
fn indirect_crl_revokes_by_certificate_issuer() {
    // The CRL issuer's certificate (issued by the CA) comes with the --crl files.
    let (code, v) = chain(&[
        "--crl",
        "indirect.crl.pem",
        "--crl",
        "crl-signer.pem",
        "indirect.pem",
    ]);
    assert_eq!(code, Some(1), "{v}");
    let r = rev(&v, 0);
    assert_eq!(r["status"], "revoked");
    assert_eq!(r["reason"], "affiliationChanged");
    // The signer is evidence, not a path of its own nor unneeded.
    assert_eq!(v["chains"].as_array().unwrap().len(), 1);
    assert_eq!(v["unneeded"], serde_json::json!([]));
    // Without the CRL issuer's certificate the indirect CRL cannot be verified.
    let (code, v) = chain(&["--crl", "indirect.crl.pem", "indirect.pem"]);
    assert_eq!(code, Some(0));
    assert_eq!(rev(&v, 0)["status"], "unknown");
    assert!(rev(&v, 0)["message"]
        .as_str()
        .unwrap()
        .contains("no certificate of the run is its issuer"));
}

#[test]
fn unknown_fails_only_with_revocation_require() {
    for (crl, words) in [
        (
            "ca-stale.crl.pem",
            "is stale (nextUpdate 2026-01-10T00:00:00Z)",
        ),
        (
            "ca-bad-signature.crl.der",
            "its signature does not verify with the key of #1",
        ),
        (
            "ca-ca-only.crl.pem",
            "does not cover it: only CA certificates (onlyContainsCACerts)",
        ),
        ("ca-some-reasons.crl.pem", "cover only some reasons"),
    ] {
        let (code, v) = chain(&["--crl", crl, "good.pem"]);
        assert_eq!(code, Some(0), "{crl}: unknown is not a failure by default");
        assert_eq!(rev(&v, 0)["status"], "unknown", "{crl}");
        let message = rev(&v, 0)["message"].as_str().unwrap().to_string();
        assert!(message.contains(words), "{crl}: {message}");
        let (code, v) = chain(&["--revocation", "require", "--crl", crl, "good.pem"]);
        assert_eq!(code, Some(1), "{crl}");
        assert!(codes(&v, 0).contains(&"revocation-unknown".to_string()));
    }
}

#[test]
fn revocation_require_passes_when_every_link_is_covered() {
    let (code, v) = chain(&[&["--revocation", "require"][..], &BOTH, &["good.pem"]].concat());
    assert_eq!(code, Some(0), "{v}");
    // The CA's link needs the root's CRL.
    let (code, v) = chain(&["--revocation", "require", "--crl", "ca.crl.pem", "good.pem"]);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&v, 1), vec!["revocation-unknown"]);
    assert!(codes(&v, 0).is_empty());
}

#[test]
fn distribution_point_names_must_match() {
    // The CA's CRL names http://crl.example/ca.crl; this leaf points elsewhere.
    let (_, v) = chain(&["--crl", "ca.crl.pem", "other-dp.pem"]);
    assert_eq!(rev(&v, 0)["status"], "unknown");
    assert!(rev(&v, 0)["message"]
        .as_str()
        .unwrap()
        .contains("does not match the certificate's CRL distribution points"));
    // A CRL without issuingDistributionPoint covers every certificate of its issuer.
    let (_, v) = chain(&["--crl", "ca-plain.crl.pem", "other-dp.pem"]);
    assert_eq!(rev(&v, 0)["status"], "good");
    // A certificate without CRL distribution points: only a CRL without a distribution
    // point name covers it.
    let (_, v) = chain(&["--crl", "ca.crl.pem", "no-dp.pem"]);
    assert_eq!(rev(&v, 0)["status"], "unknown");
    let (_, v) = chain(&["--crl", "ca-plain.crl.pem", "no-dp.pem"]);
    assert_eq!(rev(&v, 0)["status"], "good");
}

#[test]
fn only_user_and_only_ca_scopes() {
    // The CA's CRL has onlyContainsUserCerts: it does not cover the CA certificate (a CA
    // cert of another issuer anyway); the root's CRL has onlyContainsCACerts and covers it.
    let (_, v) = chain(&["--crl", "root.crl.pem", "good.pem"]);
    assert_eq!(rev(&v, 1)["status"], "good");
    assert_eq!(rev(&v, 0)["status"], "unknown");
}

#[test]
fn at_before_this_update_makes_a_crl_unusable() {
    let root = format!("{R}/root.pem");
    let crl = format!("{R}/ca.crl.pem");
    let leaf = format!("{R}/revoked.pem");
    let o = run(&[
        "chain",
        "--roots",
        &root,
        "--at",
        "2025-12-20T00:00:00Z",
        "-f",
        "json",
        "--crl",
        &crl,
        &leaf,
    ]);
    let v = json(&o);
    assert_eq!(rev(&v, 0)["status"], "unknown");
    assert!(rev(&v, 0)["message"]
        .as_str()
        .unwrap()
        .contains("not yet valid"));
}

#[test]
fn no_crl_no_revocation_keys() {
    // Without evidence the report is what it was before revocation existed.
    let (code, v) = chain(&["good.pem"]);
    assert_eq!(code, Some(0));
    assert!(v.get("crls").is_none());
    assert!(v["chains"][0]["links"][0].get("revocation").is_none());
}

#[test]
fn text_report() {
    let (code, text) = chain_format(
        &[
            "--crl",
            "ca.crl.pem",
            "--crl",
            "ca-delta.crl.pem",
            "--crl",
            "root.crl.pem",
            "revoked.pem",
        ],
        "text",
    );
    assert_eq!(code, Some(1));
    insta::assert_snapshot!("revocation_revoked_text", text);
}

#[test]
fn inspect_relates_a_crl_to_the_certificates_it_revokes() {
    let files: Vec<String> = [
        "revoked.pem",
        "ca.crl.pem",
        "indirect.pem",
        "indirect.crl.pem",
        "hold.pem",
        "ca-delta.crl.pem",
    ]
    .iter()
    .map(|f| format!("{R}/{f}"))
    .collect();
    let mut args = vec!["inspect", "-f", "json"];
    args.extend(files.iter().map(String::as_str));
    let v = json(&run(&args));
    let revoked_by = |n: usize| -> Vec<(u64, String)> {
        v["items"][n]["relations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == "revoked_by")
            .map(|r| {
                (
                    r["item"].as_u64().unwrap(),
                    r["detail"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // Items: 0 revoked leaf, 1 CA, 2 ca.crl, 3 indirect leaf, 4 CA, 5 indirect.crl,
    // 6 hold leaf, 7 CA, 8 delta.
    assert_eq!(
        revoked_by(0),
        vec![(2, "2025-12-15T00:00:00Z, keyCompromise".to_string())]
    );
    assert_eq!(
        revoked_by(3),
        vec![(5, "2025-12-15T00:00:00Z, affiliationChanged".to_string())]
    );
    // On hold in the base CRL; the delta's removeFromCRL is not a revocation.
    assert_eq!(
        revoked_by(6),
        vec![(2, "2025-12-15T00:00:00Z, certificateHold".to_string())]
    );
    assert!(revoked_by(1).is_empty());
    let text = stdout(&run(&[
        "inspect",
        &format!("{R}/revoked.pem"),
        &format!("{R}/ca.crl.pem"),
    ]));
    assert!(
        text.contains("Revoked by:   fixtures/revocation/ca.crl.pem (line 1): CRL CN=Certscope Revocation CA,O=Certscope Revocation (2025-12-15T00:00:00Z, keyCompromise)"),
        "{text}"
    );
}

/// thisUpdate of the OCSP fixtures (the time they were generated): the `--at` of the OCSP
/// tests, read from the response so that regenerating the fixtures keeps the tests valid.
fn ocsp_at() -> String {
    let v = json(&run(&[
        "inspect",
        "-f",
        "json",
        &format!("{R}/ocsp-response.der"),
    ]));
    v["items"][0]["responses"][0]["this_update"]
        .as_str()
        .unwrap()
        .to_string()
}

fn chain_at(at: &str, args: &[String]) -> (Option<i32>, serde_json::Value) {
    let root = format!("{R}/root.pem");
    let mut all = vec![
        "chain".to_string(),
        "--roots".to_string(),
        root,
        "--at".to_string(),
        at.to_string(),
        "-f".to_string(),
        "json".to_string(),
    ];
    all.extend(args.iter().cloned());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let o = run(&refs);
    (o.status.code(), serde_json::from_slice(&o.stdout).unwrap())
}

fn fx(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|n| {
            if n.starts_with('-') || !(n.ends_with(".pem") || n.ends_with(".der")) {
                (*n).to_string()
            } else {
                format!("{R}/{n}")
            }
        })
        .collect()
}

#[test]
fn inspect_decodes_ocsp_requests_and_responses() {
    let v = json(&run(&[
        "inspect",
        "-f",
        "json",
        &format!("{R}/ocsp-request.der"),
        &format!("{R}/ocsp-response.der"),
        &format!("{R}/ocsp-response.pem"),
        &format!("{R}/ocsp-response-good.der"),
        &format!("{R}/good.pem"),
    ]));
    let items = v["items"].as_array().unwrap();
    let req = &items[0];
    assert_eq!(req["kind"], "ocsp_request");
    assert_eq!(req["requests"].as_array().unwrap().len(), 2);
    assert_eq!(req["requests"][1]["serial"], "1002");
    assert_eq!(req["requests"][0]["hash_algorithm"], "sha1");
    let nonce = req["nonce"].as_str().unwrap();
    for resp in [&items[1], &items[2]] {
        assert_eq!(resp["kind"], "ocsp_response");
        assert_eq!(resp["response_status"], "successful");
        assert_eq!(resp["response_type"], "basic");
        assert_eq!(
            resp["responder_id"],
            "name: CN=Certscope Revocation OCSP Responder,O=Certscope Revocation"
        );
        assert_eq!(
            resp["nonce"], nonce,
            "the response echoes the request's nonce"
        );
        assert_eq!(resp["responses"][0]["cert_status"], "good");
        assert_eq!(resp["responses"][1]["cert_status"], "revoked");
        assert_eq!(resp["responses"][1]["revocation_reason"], "keyCompromise");
        assert_eq!(
            resp["responses"][1]["revocation_time"],
            "2025-12-15T00:00:00Z"
        );
        assert!(resp["produced_at"].is_string());
        assert!(resp["responses"][0]["next_update"].is_string());
        assert_eq!(resp["signature"], "verified");
        let r = &resp["responder"];
        assert_eq!(r["role"], "delegated");
        assert_eq!(r["ocsp_signing"], true);
        assert_eq!(r["nocheck"], true);
    }
    // Signed by the CA itself, responderID by key, no nonce.
    let own = &items[3];
    assert!(own["responder_id"].as_str().unwrap().starts_with("key: "));
    assert_eq!(own["responder"]["role"], "ca");
    assert_eq!(own["signature"], "verified");
    assert!(own["nonce"].is_null());
    // The response's CertID names the certificate of the run it is about.
    let rel: Vec<(String, u64)> = items[1]["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_string(),
                r["item"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(rel.contains(&("status_of".to_string(), 4)), "{rel:?}");
    let text = stdout(&run(&["inspect", &format!("{R}/ocsp-response.der")]));
    assert!(text.contains("Status:       revoked on 2025-12-15T00:00:00Z, keyCompromise"));
    assert!(
        text.contains("(delegated, OCSPSigning, ocsp-nocheck)"),
        "{text}"
    );
}

#[test]
fn inspect_reports_a_tampered_ocsp_response() {
    let dir = tempfile::tempdir().unwrap();
    let mut der = std::fs::read(format!("{R}/ocsp-response-good.der")).unwrap();
    // The producedAt year's last digit: inside the signed data.
    let at = der
        .windows(4)
        .position(|w| w == b"2026" || w == b"2027" || w == b"2028")
        .unwrap();
    der[at + 3] ^= 0x01;
    let path = dir.path().join("tampered.der");
    std::fs::write(&path, &der).unwrap();
    let v = json(&run(&["inspect", "-f", "json", path.to_str().unwrap()]));
    assert_eq!(v["items"][0]["signature"], "invalid");
    let (code, v) = chain_at(
        &ocsp_at(),
        &[
            fx(&["--ocsp-response"]),
            vec![path.to_str().unwrap().to_string()],
            fx(&["good.pem"]),
        ]
        .concat(),
    );
    assert_eq!(code, Some(0));
    assert_eq!(rev(&v, 0)["status"], "unknown");
    assert!(rev(&v, 0)["message"]
        .as_str()
        .unwrap()
        .contains("its signature does not verify"));
}

#[test]
fn chain_uses_ocsp_responses() {
    let at = ocsp_at();
    // Delegated responder (carried in the response, issued by the CA, OCSPSigning).
    let (code, v) = chain_at(
        &at,
        &fx(&["--ocsp-response", "ocsp-response.der", "good.pem"]),
    );
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(rev(&v, 0)["status"], "good");
    assert_eq!(rev(&v, 0)["by"], serde_json::json!([3]));
    let (code, v) = chain_at(
        &at,
        &fx(&["--ocsp-response", "ocsp-response.pem", "revoked.pem"]),
    );
    assert_eq!(code, Some(1));
    assert_eq!(rev(&v, 0)["status"], "revoked");
    assert_eq!(rev(&v, 0)["reason"], "keyCompromise");
    assert_eq!(codes(&v, 0), vec!["revoked"]);
    // Signed by the CA itself; an OCSP response among the inputs counts.
    let (code, v) = chain_at(&at, &fx(&["good.pem", "ocsp-response-good.der"]));
    assert_eq!(code, Some(0));
    assert_eq!(rev(&v, 0)["status"], "good");
    assert_eq!(rev(&v, 0)["by"], serde_json::json!([2]));
    // A response about other certificates says nothing.
    let (_, v) = chain_at(
        &at,
        &fx(&["--ocsp-response", "ocsp-response-good.der", "hold.pem"]),
    );
    assert_eq!(rev(&v, 0)["status"], "unknown");
    // Not yet valid at the CRL tests' time.
    let (_, v) = chain_at(
        NOW,
        &fx(&["--ocsp-response", "ocsp-response.der", "good.pem"]),
    );
    assert_eq!(rev(&v, 0)["status"], "unknown");
    assert!(rev(&v, 0)["message"]
        .as_str()
        .unwrap()
        .contains("is not yet valid"));
    // --revocation require: the CA's link has no evidence.
    let (code, v) = chain_at(
        &at,
        &fx(&[
            "--revocation",
            "require",
            "--ocsp-response",
            "ocsp-response.der",
            "good.pem",
        ]),
    );
    assert_eq!(code, Some(1));
    assert_eq!(codes(&v, 1), vec!["revocation-unknown"]);
}

#[test]
fn ocsp_responder_without_ocsp_signing_is_not_authorised() {
    let (code, v) = chain_at(
        &ocsp_at(),
        &fx(&["--ocsp-response", "ocsp-response-no-eku.der", "revoked.pem"]),
    );
    // The response says revoked, but its signer may not speak for the CA.
    assert_eq!(code, Some(0));
    assert_eq!(rev(&v, 0)["status"], "unknown");
    assert!(rev(&v, 0)["message"]
        .as_str()
        .unwrap()
        .contains("lacks id-kp-OCSPSigning"));
}

/// fixtures/revocation-more (scripts/gen-revocation-more-fixtures.sh): `chain
/// --revocation require` over each leaf with each indirect CRL agrees with `openssl verify
/// -crl_check_all -extended_crl`.
fn chain_more(
    input: &str,
    roots: &str,
    crl: &str,
    signer: &str,
) -> (Option<i32>, serde_json::Value) {
    let d = "fixtures/revocation-more";
    let o = run(&[
        "chain",
        "--roots",
        &format!("{d}/{roots}"),
        "--at",
        NOW,
        "-f",
        "json",
        "--revocation",
        "require",
        "--crl",
        &format!("{d}/root.crl.pem"),
        "--crl",
        &format!("{d}/{crl}"),
        "--crl",
        &format!("{d}/{signer}"),
        &format!("{d}/{input}"),
    ]);
    (o.status.code(), serde_json::from_slice(&o.stdout).unwrap())
}

#[test]
fn indirect_crl_of_another_ca_on_the_same_anchor_agrees_with_openssl() {
    let table = std::fs::read_to_string(
        support::root().join("fixtures/revocation-more/openssl-verdicts.txt"),
    )
    .unwrap();
    let mut rows = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [input, roots, crl, signer, verdict, error] = cols[..] else {
            panic!("bad line {line:?}");
        };
        let (code, v) = chain_more(input, roots, crl, signer);
        assert_eq!(
            code == Some(0),
            verdict == "OK",
            "{input} with {crl}: openssl says {verdict} ({error}); certscope {v}"
        );
        rows += 1;
    }
    assert_eq!(rows, 4);
}

#[test]
fn indirect_crl_of_another_ca_revokes_and_an_impostor_does_not() {
    // The root's CRL issuer (not the CA) signed the CRL: good and revoked are said.
    let (code, v) = chain_more("good.pem", "root.pem", "indirect.crl.pem", "crl-issuer.pem");
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(rev(&v, 0)["status"], "good", "{v}");
    let (code, v) = chain_more(
        "revoked.pem",
        "root.pem",
        "indirect.crl.pem",
        "crl-issuer.pem",
    );
    assert_eq!(code, Some(1));
    assert_eq!(rev(&v, 0)["status"], "revoked");
    assert_eq!(rev(&v, 0)["reason"], "keyCompromise");
    // Same name and CRL, but the signer's path ends at another anchor.
    let (code, v) = chain_more(
        "revoked.pem",
        "both-roots.pem",
        "impostor.crl.pem",
        "impostor.pem",
    );
    assert_eq!(code, Some(1));
    let r = rev(&v, 0);
    assert_eq!(r["status"], "unknown", "{v}");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("on a valid path to the certificate's trust anchor"),
        "{r}"
    );
}

#[test]
fn signed_ocsp_requests_are_verified() {
    let d = "fixtures/revocation-more";
    let v = json(&run(&[
        "inspect",
        "-f",
        "json",
        &format!("{d}/ocsp-request-signed.der"),
        &format!("{d}/ocsp-request-forged.der"),
        &format!("{d}/ocsp-request-a.der"),
    ]));
    let items = v["items"].as_array().unwrap();
    let signer = "CN=Certscope Root CRL Issuer,O=Certscope Revocation More";
    assert_eq!(items[0]["signed"], true);
    assert_eq!(items[0]["signature"], "verified", "{}", items[0]);
    assert_eq!(items[0]["signer"], signer);
    assert_eq!(items[1]["signature"], "invalid", "{}", items[1]);
    // An unsigned request has no signature fields at all.
    assert_eq!(items[2]["signed"], false);
    assert!(items[2].get("signature").is_none() && items[2].get("signer").is_none());
    let text = stdout(&run(&["inspect", &format!("{d}/ocsp-request-forged.der")]));
    assert!(
        text.contains(&format!("Signed:       yes, signature invalid by {signer}")),
        "{text}"
    );
}

#[test]
fn ocsp_responses_are_matched_to_requests_by_nonce() {
    let d = "fixtures/revocation-more";
    let v = json(&run(&[
        "inspect",
        "-f",
        "json",
        &format!("{d}/ocsp-response-a.der"),
        &format!("{d}/ocsp-request-a.der"),
        &format!("{d}/ocsp-request-b.der"),
    ]));
    let answers: Vec<(u64, String)> = v["items"][0]["relations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "answer_to")
        .map(|r| {
            (
                r["item"].as_u64().unwrap(),
                r["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert_eq!(answers[0], (1, "nonce matches".to_string()));
    assert_eq!(answers[1].0, 2);
    assert!(answers[1].1.starts_with("nonce MISMATCH"), "{answers:?}");
}
