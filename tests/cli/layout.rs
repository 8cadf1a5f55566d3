//! The tests/ tree (issue 13): Cargo compiles `tests/*.rs` and `tests/*/main.rs` as test
//! binaries and any other `.rs` file only through a `mod` line, so a file that no binary
//! declares would never run, silently. `tests/fault-module/` is a crate of its own.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support;

/// The module files `file` declares (`mod NAME;`, with an optional `#[path = "…"]` on the
/// line before), resolved as rustc does: beside a crate root or a `mod.rs`, else in the
/// folder named after the file.
fn declared(file: &Path, root: bool) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(file).unwrap();
    let dir = file.parent().unwrap();
    let owns_dir = root || file.ends_with("mod.rs");
    let base = if owns_dir {
        dir.to_path_buf()
    } else {
        dir.join(file.file_stem().unwrap())
    };
    let mut path_attr = None;
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(p) = line
            .strip_prefix("#[path = \"")
            .and_then(|r| r.strip_suffix("\"]"))
        {
            path_attr = Some(p.to_string());
            continue;
        }
        let name = line
            .strip_prefix("pub ")
            .unwrap_or(line)
            .strip_prefix("mod ")
            .and_then(|r| r.strip_suffix(';'));
        match (name, path_attr.take()) {
            (Some(_), Some(p)) => out.push(dir.join(p)),
            (Some(name), None) => {
                let flat = base.join(format!("{name}.rs"));
                out.push(if flat.is_file() {
                    flat
                } else {
                    base.join(name).join("mod.rs")
                });
            }
            // Other attributes may sit between `#[path]` and its `mod`.
            (None, p) if line.starts_with("#[") => path_attr = p,
            (None, _) => {}
        }
    }
    out
}

fn rs_files(dir: &Path, out: &mut BTreeSet<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("fault-module") {
                rs_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.insert(path.canonicalize().unwrap());
        }
    }
}

#[test]
fn every_rs_file_under_tests_is_compiled() {
    let tests = support::root().join("tests");
    let mut all = BTreeSet::new();
    rs_files(&tests, &mut all);
    // Cargo's own roots (crate roots: `true`), then everything they declare.
    let mut todo: Vec<(PathBuf, bool)> = Vec::new();
    for entry in std::fs::read_dir(&tests).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
            todo.push((path, true));
        } else if path.join("main.rs").is_file() {
            todo.push((path.join("main.rs"), true));
        }
    }
    let mut compiled = BTreeSet::new();
    while let Some((file, root)) = todo.pop() {
        let file = file
            .canonicalize()
            .unwrap_or_else(|e| panic!("{} is declared but unreadable: {e}", file.display()));
        if compiled.insert(file.clone()) {
            todo.extend(declared(&file, root).into_iter().map(|f| (f, false)));
        }
    }
    let orphans: Vec<_> = all.difference(&compiled).collect();
    assert!(
        orphans.is_empty(),
        "not compiled into any test binary (declare them with `mod` in a tests/*/main.rs): {orphans:?}"
    );
}
