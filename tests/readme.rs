//! The README's examples are real: every `$ certscope ...` line in a ```console block is run
//! (with the pinned "now") and its stderr then stdout must equal the lines below it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

fn examples(doc: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_console = false;
    let mut current: Option<(String, Vec<String>)> = None;
    for line in doc.lines() {
        if line.starts_with("```console") {
            in_console = true;
            continue;
        }
        if line.starts_with("```") && in_console {
            in_console = false;
            if let Some((cmd, lines)) = current.take() {
                out.push((cmd, lines.join("\n")));
            }
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            if let Some((c, lines)) = current.take() {
                out.push((c, lines.join("\n")));
            }
            current = Some((cmd.to_string(), Vec::new()));
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line.to_string());
        }
    }
    out
}

#[test]
fn readme_examples_are_real_output() {
    let doc = std::fs::read_to_string(support::root().join("README.md")).unwrap();
    let cases = examples(&doc);
    let mut run = 0;
    for (cmd, want) in cases {
        let Some(args) = cmd.strip_prefix("certscope ") else {
            continue;
        };
        let args: Vec<&str> = args.split_whitespace().collect();
        let o = support::certscope().args(&args).output().unwrap();
        let got = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
        );
        assert_eq!(
            got.trim_end(),
            want.trim_end(),
            "README example `{cmd}` is stale"
        );
        run += 1;
    }
    assert!(run >= 6, "only {run} README examples found");
}
