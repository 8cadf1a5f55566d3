//! docs/inventory.md is real: JSON Lines of the fixtures, written as two hosts would write
//! them, are loaded into DuckDB with the page's own SQL, and every query on the page runs
//! and finds what the fixtures hold.
//!
//! DuckDB comes from Python's `duckdb` package: `CERTSCOPE_DUCKDB_PYTHON` names the
//! interpreter, else `target/duckdb-venv/bin/python` (scripts/test.sh makes it), else
//! `python3`. Without one the test is skipped with a message, unless
//! `CERTSCOPE_REQUIRE_DUCKDB=1` (as in scripts/test.sh).

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{certscope, root};

/// A Python interpreter that can `import duckdb`, if there is one.
fn duckdb_python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CERTSCOPE_DUCKDB_PYTHON").map(PathBuf::from),
        Some(root().join("target/duckdb-venv/bin/python")),
        Some(PathBuf::from("python3")),
    ];
    candidates.into_iter().flatten().find(|py| {
        Command::new(py)
            .args(["-c", "import duckdb"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The ```sql blocks of a page, in order.
fn sql_blocks(page: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sql") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), l) => {
                block.push_str(l);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "an unclosed ```sql block");
    blocks
}

/// Writes one host's JSON Lines, as docs/inventory.md tells each host to.
fn scan(dir: &Path, host: &str, inputs: &[&str]) {
    let o = certscope()
        .env("CERTSCOPE_HOSTNAME", host)
        .args([
            "inspect",
            "-r",
            "--format",
            "jsonl",
            "--inventory",
            "--no-pem",
        ])
        .args(inputs)
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0 | 2)), "{o:?}");
    std::fs::write(
        dir.join("inventory").join(format!("{host}.jsonl")),
        &o.stdout,
    )
    .unwrap();
}

/// Runs every block in one DuckDB connection; returns each block's row count (of its last
/// statement).
const RUNNER: &str = r#"
import duckdb, json, sys
blocks = json.load(open(sys.argv[1]))
con = duckdb.connect()
counts = []
for sql in blocks:
    rel = con.sql(sql)
    counts.append(len(rel.fetchall()) if rel is not None else None)
print(json.dumps(counts))
"#;

#[test]
fn every_documented_query_runs_in_duckdb() {
    let Some(python) = duckdb_python() else {
        let msg = "DuckDB (Python package `duckdb`) not found: skipping docs/inventory.md";
        assert!(
            std::env::var_os("CERTSCOPE_REQUIRE_DUCKDB").is_none(),
            "{msg}, but CERTSCOPE_REQUIRE_DUCKDB is set"
        );
        eprintln!("{msg}");
        return;
    };
    let page = std::fs::read_to_string(root().join("docs/inventory.md")).unwrap();
    let blocks = sql_blocks(&page);
    assert_eq!(
        blocks.len(),
        6,
        "load, errors, and the four queries the page promises"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("inventory")).unwrap();
    // Two hosts sharing fixtures/certs (the same keys), one with expired and weak ones.
    scan(
        dir.path(),
        "web1",
        &[
            "fixtures/certs",
            "fixtures/chains",
            "fixtures/damaged/begin-no-end.pem",
        ],
    );
    scan(dir.path(), "web2", &["fixtures/certs", "fixtures/lint"]);
    let trust = certscope()
        .args(["inspect", "--format", "jsonl", "--no-pem"])
        .args(["--fields", "kind,subject,subject_key_id"])
        .arg("fixtures/certs/root-ca.pem")
        .output()
        .unwrap();
    assert_eq!(trust.status.code(), Some(0));
    std::fs::write(dir.path().join("truststore.jsonl"), &trust.stdout).unwrap();
    let blocks_file = dir.path().join("blocks.json");
    std::fs::write(&blocks_file, serde_json::to_vec(&blocks).unwrap()).unwrap();
    let o = Command::new(&python)
        .current_dir(dir.path())
        .args(["-c", RUNNER])
        .arg(&blocks_file)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "DuckDB failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let counts: Vec<Option<usize>> = serde_json::from_slice(&o.stdout).unwrap();
    let [_, errors, expiring, same_key, untrusted, weak] = counts[..] else {
        panic!("{counts:?}");
    };
    // Every question has an answer in the fixtures: fixtures/chains holds files that are
    // not certificates and a damaged block (errors), expired.pem, the same certs on both hosts, chains the
    // trust store did not issue, and the lint fixtures' weak keys.
    for (name, n) in [
        ("errors", errors),
        ("expiring", expiring),
        ("same key", same_key),
        ("untrusted", untrusted),
        ("weak", weak),
    ] {
        assert!(n.unwrap_or(0) > 0, "{name}: no rows ({counts:?})");
    }
}
