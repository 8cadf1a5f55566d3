//! Golden output: `certscope inspect` over every fixture, in text and JSON, with the exit
//! status and stderr. Review changes with `cargo insta review`.

use crate::support;

use support::{run, stderr, stdout};

fn snapshot_name(fixture: &str, format: &str) -> String {
    format!(
        "{format}__{}",
        fixture
            .trim_start_matches("fixtures/")
            .replace(['/', '.'], "_")
    )
}

fn render(fixture: &str, format: &str) -> String {
    let o = run(&[
        "inspect",
        "--password",
        "pass:test",
        "--format",
        format,
        fixture,
    ]);
    format!(
        "status: {}\n--- stderr\n{}--- stdout\n{}",
        o.status.code().unwrap_or(-1),
        stderr(&o),
        stdout(&o)
    )
}

#[test]
fn text_snapshots() {
    for fixture in support::fixtures() {
        if fixture.starts_with("fixtures/fuzz/") {
            continue;
        }
        insta::assert_snapshot!(snapshot_name(&fixture, "text"), render(&fixture, "text"));
    }
}

#[test]
fn json_snapshots() {
    for fixture in support::fixtures() {
        if fixture.starts_with("fixtures/fuzz/") {
            continue;
        }
        let out = render(&fixture, "json");
        // Every JSON output must parse, whatever the fixture.
        let doc = out.split("--- stdout\n").nth(1).unwrap();
        let _: serde_json::Value = serde_json::from_str(doc)
            .unwrap_or_else(|e| panic!("{fixture}: invalid JSON: {e}\n{doc}"));
        insta::assert_snapshot!(snapshot_name(&fixture, "json"), out);
    }
}
