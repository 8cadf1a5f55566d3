//! `certscope chain`: verdicts agree with `openssl verify -partial_chain -attime` on every
//! chain fixture (fixtures/chains/openssl-verdicts.txt), exit codes, PEM re-ordering.

use crate::support;

use support::{run, stderr, stdout, NOW};

/// Where certscope and openssl are expected to differ, and why.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "cross-signed.pem",
        "old-root.pem",
        "openssl takes the first issuer it finds among -untrusted and does not backtrack to \
         the cross-signed one; certscope's path search does, and reaches the old root",
    ),
    (
        "extra-and-duplicate.pem",
        "root.pem",
        "openssl verifies the one leaf it is given; certscope gives every input certificate \
         that issued no other input a path (issue 15), and the unrelated old root in this \
         bundle is self-signed and not trusted",
    ),
];

#[test]
fn verdicts_agree_with_openssl() {
    let table =
        std::fs::read_to_string(support::root().join("fixtures/chains/openssl-verdicts.txt"))
            .expect("fixtures/chains/openssl-verdicts.txt must exist");
    let mut checked = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "bad line {line:?}");
        let (input, roots, verdict) = (cols[0], cols[1], cols[2]);
        let o = run(&[
            "chain",
            "--roots",
            &format!("fixtures/chains/{roots}"),
            "--at",
            NOW,
            &format!("fixtures/chains/{input}"),
        ]);
        let certscope_ok = o.status.code() == Some(0);
        let openssl_ok = verdict == "OK";
        let known = KNOWN_DIFFERENCES
            .iter()
            .any(|(i, r, _)| *i == input && *r == roots);
        if known {
            assert_ne!(
                certscope_ok, openssl_ok,
                "{input} with {roots}: a known difference no longer differs; update KNOWN_DIFFERENCES"
            );
        } else {
            assert_eq!(
                certscope_ok,
                openssl_ok,
                "{input} with {roots}: openssl says {verdict} ({}), certscope says\n{}{}",
                cols[3],
                stdout(&o),
                stderr(&o)
            );
        }
        checked += 1;
    }
    assert!(checked >= 16, "only {checked} verdicts checked");
}

#[test]
fn pem_output_fixes_the_order() {
    let o = run(&[
        "chain",
        "--roots",
        "fixtures/chains/root.pem",
        "--format",
        "pem",
        "fixtures/chains/misordered.pem",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let good = std::fs::read_to_string(support::root().join("fixtures/chains/good.pem")).unwrap();
    assert_eq!(stdout(&o), good);
}

#[test]
fn pem_output_drops_duplicates_and_unneeded() {
    let o = run(&[
        "chain",
        "--roots",
        "fixtures/chains/root.pem",
        "-f",
        "pem",
        "fixtures/chains/extra-and-duplicate.pem",
    ]);
    // The unrelated old root is a path of its own (issue 15), and an untrusted one.
    assert_eq!(o.status.code(), Some(1));
    let read = |f: &str| std::fs::read_to_string(support::root().join(f)).unwrap();
    let want = read("fixtures/chains/good.pem") + &read("fixtures/chains/old-root.pem");
    assert_eq!(stdout(&o), want, "the duplicate intermediate is dropped");
    // An alternative issuer that is not needed is not written.
    let o = run(&[
        "chain",
        "--roots",
        "fixtures/chains/root.pem",
        "-f",
        "pem",
        "fixtures/chains/cross-signed.pem",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), read("fixtures/chains/good.pem"));
}

#[test]
fn without_roots_a_root_in_the_input_anchors() {
    let o = run(&["chain", "fixtures/chains/good-with-root.pem"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("Root:         included in the input"));
    let o = run(&["chain", "fixtures/chains/good.pem"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn at_moves_the_clock() {
    let args = |at: &'static str| {
        run(&[
            "chain",
            "--roots",
            "fixtures/chains/root.pem",
            "--at",
            at,
            "fixtures/chains/expired-intermediate.pem",
        ])
    };
    assert_eq!(args("2020-06-01T00:00:00Z").status.code(), Some(0));
    assert_eq!(args("2026-01-15T12:00:00Z").status.code(), Some(1));
    let o = run(&["chain", "--at", "yesterday", "fixtures/chains/good.pem"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--at \"yesterday\" is not an RFC 3339 time"));
}

#[test]
fn roots_that_hold_no_certificate_are_an_error() {
    let o = run(&[
        "chain",
        "--roots",
        "fixtures/keys/p256.pem",
        "fixtures/chains/good.pem",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no certificate found"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "chain",
        "--roots",
        "no-such.pem",
        "fixtures/chains/good.pem",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn system_roots_are_read_offline() {
    if !std::path::Path::new("/etc/ssl/certs").exists() {
        eprintln!("no system trust store here; skipping");
        return;
    }
    let o = support::certscope()
        .args(["chain", "--roots", "system", "fixtures/chains/good.pem"])
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .output()
        .unwrap();
    // The test PKI is in no system store: an incomplete chain, but a clean run.
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("anchors: the system trust store"));
    assert!(stdout(&o).contains("Missing:"));
    // SSL_CERT_FILE points the "system" store at a file, as openssl honours it.
    let o = support::certscope()
        .args(["chain", "--roots", "system", "fixtures/chains/good.pem"])
        .env(
            "SSL_CERT_FILE",
            support::root().join("fixtures/chains/root.pem"),
        )
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn json_document() {
    let o = run(&[
        "chain",
        "--roots",
        "fixtures/chains/root.pem",
        "-f",
        "json",
        "fixtures/chains/cross-signed.pem",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["complete"], true);
    assert_eq!(v["anchors"], "roots");
    assert_eq!(v["chains"][0]["links"][0]["signature"], "verified");
    assert_eq!(v["chains"][0]["alternatives"][0]["item"], 2);
    assert_eq!(v["order"]["in_order"], true);
    assert_eq!(v["unneeded"], serde_json::json!([2]));
    assert_eq!(v["errors"], serde_json::json!([]));
}

/// `dot -Tsvg` of `dot_source`, which must succeed.
fn svg(dot_source: &[u8], what: &str) -> String {
    use std::io::Write as _;
    let mut child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("Graphviz `dot` must be installed (scripts/test.sh installs graphviz)");
    child.stdin.take().unwrap().write_all(dot_source).unwrap();
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && err.trim().is_empty(),
        "{what}: dot failed: {err}"
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Every chain fixture renders as a graph: one node per certificate of its chains (in the
/// verdict's colour, anchors double-framed), an edge per issuer link, dashed nodes for
/// missing issuers and dashed edges for alternative issuers.
#[test]
fn every_chain_fixture_renders_with_graphviz() {
    let table =
        std::fs::read_to_string(support::root().join("fixtures/chains/openssl-verdicts.txt"))
            .unwrap();
    let mut rendered = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let (input, roots) = (cols[0], cols[1]);
        let args = [
            "chain",
            "--roots",
            &format!("fixtures/chains/{roots}"),
            "--at",
            NOW,
            &format!("fixtures/chains/{input}"),
        ];
        let json = run(&[&args[..], &["-f", "json"]].concat());
        let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        let dot = run(&[&args[..], &["-f", "dot"]].concat());
        assert_eq!(
            dot.status.code(),
            json.status.code(),
            "{input}: dot and json disagree on the exit status"
        );
        let picture = svg(&dot.stdout, input);
        assert!(picture.contains("<svg"), "{input}: no SVG");
        let source = stdout(&dot);
        for chain in report["chains"].as_array().unwrap() {
            let links = chain["links"].as_array().unwrap();
            for (pos, link) in links.iter().enumerate() {
                let item = link["item"].as_u64().unwrap();
                let node = source
                    .lines()
                    .find(|l| l.starts_with(&format!("  c{item} [")))
                    .unwrap_or_else(|| panic!("{input}: no node for #{item}:\n{source}"));
                assert!(
                    picture.contains(&format!("<title>c{item}</title>")),
                    "{input}: #{item} not drawn"
                );
                let problems = !link["problems"].as_array().unwrap().is_empty();
                if problems {
                    assert!(node.contains("#ffcdd2"), "{input}: #{item} not red: {node}");
                }
                if chain["valid"] == true && !problems {
                    assert!(node.contains("#c8e6c9"), "{input}: #{item} not green");
                }
                if link["anchor"] == true {
                    assert!(node.contains("peripheries=2"), "{input}: anchor #{item}");
                }
                if let Some(next) = links.get(pos + 1) {
                    let edge = format!("<title>c{item}&#45;&gt;c{}</title>", next["item"]);
                    assert!(picture.contains(&edge), "{input}: no edge {edge}");
                }
            }
            if chain["missing"].is_object() {
                assert!(source.contains("missing issuer"), "{input}: missing issuer");
                assert!(picture.contains("stroke-dasharray"), "{input}: not dashed");
            }
            if !chain["alternatives"].as_array().unwrap().is_empty() {
                assert!(source.contains("also issued by"), "{input}: alternatives");
            }
        }
        rendered += 1;
    }
    assert!(rendered >= 10, "only {rendered} fixtures rendered");
}

/// `inspect --format dot`: every item is a node, every relation an edge.
#[test]
fn inspect_draws_the_relations_of_a_run() {
    let o = run(&[
        "inspect",
        "-f",
        "dot",
        "fixtures/chains/good.pem",
        "fixtures/chains/root.pem",
        "fixtures/chains/bad-signature.pem",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json = run(&[
        "inspect",
        "-f",
        "json",
        "fixtures/chains/good.pem",
        "fixtures/chains/root.pem",
        "fixtures/chains/bad-signature.pem",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let picture = svg(&o.stdout, "inspect");
    let items = v["items"].as_array().unwrap();
    let mut edges = 0;
    for (n, item) in items.iter().enumerate() {
        assert!(
            picture.contains(&format!("<title>i{n}</title>")),
            "item {n}"
        );
        for r in item["relations"].as_array().into_iter().flatten() {
            if r["kind"] == "same_key" && r["item"].as_u64().unwrap() < n as u64 {
                continue;
            }
            let edge = format!("<title>i{n}&#45;&gt;i{}</title>", r["item"]);
            assert!(picture.contains(&edge), "no edge {edge}");
            edges += 1;
        }
    }
    assert!(edges >= 2, "only {edges} relations drawn");
    assert!(stdout(&o).contains("issued by (verified)"));
}

/// The real clock is cut to the second: `at` read `…T11:28:59.49513041Z` (issue 19 item 5,
/// "timestamps to the second everywhere").
#[test]
fn unpinned_clock_is_written_to_the_second() {
    let out = support::certscope()
        .env_remove("CERTSCOPE_NOW")
        .args(["chain", "-f", "json", "fixtures/chains/p384.pem"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let at = doc["at"].as_str().unwrap();
    assert_eq!(at.len(), "2026-01-15T12:00:00Z".len(), "{at}");
    assert!(at.ends_with('Z') && !at.contains('.'), "{at}");
}
