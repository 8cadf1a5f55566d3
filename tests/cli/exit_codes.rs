//! docs/exit-codes.md, one case per command per code: 0 = the answer is yes (everything
//! read), 1 = the answer is no, 2 = a usage error or something could not be read. Each case
//! that has a JSON Lines mode runs again with `--format jsonl`, whose lines must each carry
//! `certscope` and `type` and whose `summary` line must name the same exit code.

use crate::support;

use serde_json::Value;
use support::softhsm::{populate, token_test, Contents};
use support::{run, stdout};

const LEAF: &str = "fixtures/certs/leaf.pem";
const DAMAGED: &str = "fixtures/damaged/begin-no-end.pem";
const MISSING: &str = "fixtures/no-such-file.pem";

/// Checks the JSON Lines contract on `out` and returns its summary line.
fn jsonl_summary(out: &str) -> Value {
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    for line in &lines {
        assert_eq!(line["certscope"], env!("CARGO_PKG_VERSION"), "{line}");
        assert!(
            matches!(line["type"].as_str(), Some("item" | "error" | "summary")),
            "{line}"
        );
    }
    let last = lines.last().expect("at least the summary line").clone();
    assert_eq!(last["type"], "summary", "{out}");
    assert_eq!(
        lines.iter().filter(|l| l["type"] == "summary").count(),
        1,
        "{out}"
    );
    let count = |t: &str| lines.iter().filter(|l| l["type"] == t).count();
    assert_eq!(last["items"], count("item"), "{out}");
    assert_eq!(last["errors"], count("error"), "{out}");
    last
}

/// Runs `args`, checks the code, and with `jsonl` runs them again as JSON Lines.
fn case(args: &[&str], code: i32, jsonl: bool) {
    let o = run(args);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {o:?}");
    if jsonl {
        let mut with = args.to_vec();
        with.extend(["--format", "jsonl"]);
        let o = run(&with);
        assert_eq!(o.status.code(), Some(code), "{with:?}: {o:?}");
        let summary = jsonl_summary(&stdout(&o));
        assert_eq!(summary["exit_code"], code, "{with:?}");
        if code == 2 {
            assert!(summary["errors"].as_u64().unwrap() > 0, "{with:?}");
        }
    }
}

#[test]
fn inspect() {
    case(&["inspect", LEAF], 0, true);
    // A damaged block: exit 2 (was 1), the item still printed.
    case(&["inspect", DAMAGED], 2, true);
    case(&["inspect", LEAF, MISSING], 2, true);
    case(&["inspect", "--no-such-flag", LEAF], 2, false);
}

#[test]
fn fingerprint() {
    case(&["fingerprint", LEAF], 0, true);
    case(&["fingerprint", DAMAGED], 2, true);
    case(&["fingerprint", "--hash", "sha999", LEAF], 2, false);
}

#[test]
fn find() {
    case(&["find", "--san", "www.example.com", LEAF], 0, true);
    case(&["find", "--san", "absent.example", LEAF], 1, true);
    // A typo in a path is not "absent": the answer could not be had.
    case(&["find", "--san", "absent.example", MISSING], 2, true);
    // Nor is a match next to an unreadable input a clean "yes".
    case(
        &["find", "--san", "www.example.com", LEAF, MISSING],
        2,
        true,
    );
    case(&["find", "--expires-within", "soon", LEAF], 2, false);
}

#[test]
fn check() {
    case(&["check", "fixtures/lint/clean.pem"], 0, true);
    case(&["check", "fixtures/lint/expired.pem"], 1, true);
    case(&["check", "fixtures/lint/clean.pem", MISSING], 2, true);
    case(&["check", "fixtures/lint/expired.pem", MISSING], 2, true);
    case(&["check", "--lint", "no-such-lint", LEAF], 2, false);
}

#[test]
fn chain() {
    let roots = ["chain", "--roots", "fixtures/chains/root.pem"];
    let with = |rest: &[&'static str]| [&roots[..], rest].concat();
    case(&with(&["fixtures/chains/good.pem"]), 0, true);
    case(
        &with(&["fixtures/chains/missing-intermediate.pem"]),
        1,
        true,
    );
    case(&with(&["fixtures/chains/good.pem", MISSING]), 2, true);
    // Roots that hold no certificate cannot anchor anything: not a "no", a problem.
    case(
        &[
            "chain",
            "--roots",
            "fixtures/keys/p256.pem",
            "fixtures/chains/good.pem",
        ],
        2,
        true,
    );
    case(
        &with(&["--at", "yesterday", "fixtures/chains/good.pem"]),
        2,
        false,
    );
}

#[test]
fn token_list_and_find() {
    token_test("token_list_and_find", &["codes"], |ctx| {
        populate(&ctx.softhsm, "codes", Contents::CERTS);
        let run = |rest: &[&str], code: i32| {
            for jsonl in [false, true] {
                let mut args = rest.to_vec();
                if jsonl {
                    args.extend(["--format", "jsonl"]);
                }
                let (sub, rest) = args.split_first().unwrap();
                let o = ctx.token(sub, rest);
                assert_eq!(o.status.code(), Some(code), "{args:?}: {o:?}");
                if jsonl {
                    let summary = jsonl_summary(&stdout(&o));
                    assert_eq!(summary["exit_code"], code, "{args:?}");
                }
            }
        };
        run(&["list", "--token", "codes"], 0);
        run(&["list", "--token", "no-such-token"], 2);
        run(&["find", "--token", "codes", "--label", "leaf"], 0);
        run(&["find", "--token", "codes", "--label", "absent"], 1);
        run(&["find", "--token", "no-such-token", "--label", "leaf"], 2);
        // A PIN refused before use (empty): 2, as before.
        run(&["list", "--token", "codes", "--pin", "file:/dev/null"], 2);
    });
}
