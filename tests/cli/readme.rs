//! Every example in README.md and docs/*.md is real: it is run, with the clock pinned, and
//! what it prints must be what the page shows. The conventions (also in docs/tour.md,
//! "How these examples are checked"):
//!
//! - An example is a ```` ```console ```` fenced block. A line starting with `$ ` is a
//!   command; the lines after it, up to the next `$ ` line or the end of the block, are what
//!   it prints: stderr first, then stdout. Trailing spaces and trailing blank lines are not
//!   compared; everything else is, line by line.
//! - A line that is only `…` (U+2026, at any indentation) stands for one or more output lines
//!   left out. The lines shown around it must still match, in order, so a cut output cannot
//!   go stale either; an `…` that hides nothing fails.
//! - The command runs under `sh -c` in a scratch directory where `fixtures/` is the
//!   repository's fixtures and `certscope` is the binary under test, with a scrubbed
//!   environment and `CERTSCOPE_NOW=2026-01-15T12:00:00Z`. It must start with `certscope`
//!   (after optional `VAR=value` assignments); any other `$ ` line fails the test.
//! - The exit status must be 0, unless the line ends with a comment `# exit N`. A comment
//!   `# output varies by machine` runs the command and checks its exit status only (the
//!   listing shown is an illustration). `# exit N; output varies by machine` combines them.
//!   Any other comment fails the test, so a typo cannot weaken a check.
//! - A command naming `certscope token` or a `pkcs11:` URI runs against a fresh SoftHSM
//!   token made as docs/pkcs11.md's session makes it (label `demo`, SO PIN 4321, user PIN
//!   1234, fixtures/certs/leaf.der as object `leaf` with ID 01), with `SOFTHSM2_CONF` and
//!   `CERTSCOPE_PKCS11_MODULE` set. SoftHSM picks the token serial (and from it the slot ID)
//!   at random, so the real ones are replaced by those the docs show ([`DOC_SERIAL`],
//!   [`DOC_SLOT`]) before comparing. Without SoftHSM and OpenSC these examples are skipped
//!   with a message, unless `CERTSCOPE_REQUIRE_SOFTHSM=1` (as in scripts/test.sh).
//! - Fenced `sh`/`shell`/`bash` blocks may not run certscope: such a line fails the test, so
//!   every certscope example is in a console block and therefore run.

use crate::support;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};

use support::softhsm;

/// The token serial the docs show (SoftHSM picks a random one per token).
const DOC_SERIAL: &str = "d05d657fa86f94e8";
/// The slot ID the docs show: SoftHSM derives it from the serial's low 31 bits.
const DOC_SLOT: u64 = 0x286f_94e8;
/// The SoftHSM module path the docs show (Debian's).
const DOC_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
/// The token PINs of docs/pkcs11.md's session.
const DOC_SO_PIN: &str = "4321";
const DOC_USER_PIN: &str = "1234";

/// Stands for one or more output lines left out.
const ELLIPSIS: &str = "…";

/// One `$ ` line of a console block and what it must print.
#[derive(Debug)]
struct Example {
    /// `FILE:LINE` of the command, for messages.
    at: String,
    /// The shell command, without its `# ...` comment.
    command: String,
    exit: i32,
    compare: bool,
    expected: Vec<String>,
}

impl Example {
    fn needs_token(&self) -> bool {
        self.command.contains("certscope token") || self.command.contains("pkcs11:")
    }
}

/// Every `$ ` example of `doc` (named `file` in messages); panics on a broken convention.
fn examples(file: &str, doc: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut fence: Option<String> = None;
    // Output lines belong to a `$ ` line of the same block.
    let mut command_in_block = false;
    for (n, line) in doc.lines().enumerate() {
        let at = format!("{file}:{}", n + 1);
        if let Some(info) = line.trim_start().strip_prefix("```") {
            command_in_block = false;
            fence = match fence {
                None => Some(info.trim().to_string()),
                Some(_) => None,
            };
            continue;
        }
        let Some(kind) = fence.as_deref() else {
            continue;
        };
        match kind {
            "console" => {}
            "sh" | "shell" | "bash" => {
                let runs = line
                    .split_whitespace()
                    .find(|w| !is_assignment(w))
                    .is_some_and(|w| w == "certscope");
                assert!(
                    !runs,
                    "{at}: certscope in a `{kind}` block is never run; make it a `$ ` line of a \
                     console block (see tests/cli/readme.rs)"
                );
                continue;
            }
            _ => continue,
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(parse_command(&at, cmd));
            command_in_block = true;
        } else {
            let last = out
                .last_mut()
                .filter(|_| command_in_block)
                .unwrap_or_else(|| panic!("{at}: output before any `$ ` line"));
            last.expected.push(line.trim_end().to_string());
        }
    }
    assert!(fence.is_none(), "{file}: a fenced block is not closed");
    for e in &mut out {
        while e.expected.last().is_some_and(String::is_empty) {
            e.expected.pop();
        }
    }
    out
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
    })
}

fn parse_command(at: &str, line: &str) -> Example {
    let (command, comment) = match line.rfind(" # ") {
        Some(i) => (line[..i].trim_end(), Some(line[i + 3..].trim())),
        None => (line.trim_end(), None),
    };
    let first = command.split_whitespace().find(|w| !is_assignment(w));
    assert_eq!(
        first,
        Some("certscope"),
        "{at}: an example must run certscope: `{line}`"
    );
    let mut exit = 0;
    let mut compare = true;
    for part in comment
        .into_iter()
        .flat_map(|c| c.split(';'))
        .map(str::trim)
    {
        if part == "output varies by machine" {
            compare = false;
        } else if let Some(n) = part.strip_prefix("exit ").and_then(|n| n.parse().ok()) {
            exit = n;
        } else {
            panic!("{at}: unknown example comment `# {part}` (see tests/cli/readme.rs)");
        }
    }
    Example {
        at: at.to_string(),
        command: command.to_string(),
        exit,
        compare,
        expected: Vec::new(),
    }
}

/// Does `got` match `want`, where an [`ELLIPSIS`] line in `want` matches one or more lines?
fn matches(want: &[String], got: &[&str]) -> bool {
    fn go(
        want: &[String],
        got: &[&str],
        i: usize,
        j: usize,
        failed: &mut HashSet<(usize, usize)>,
    ) -> bool {
        if failed.contains(&(i, j)) {
            return false;
        }
        let ok = match want.get(i) {
            None => j == got.len(),
            Some(w) if w.trim() == ELLIPSIS => {
                (j + 1..=got.len()).any(|k| go(want, got, i + 1, k, failed))
            }
            Some(w) => got.get(j).is_some_and(|g| g == w) && go(want, got, i + 1, j + 1, failed),
        };
        if !ok {
            failed.insert((i, j));
        }
        ok
    }
    go(want, got, 0, 0, &mut HashSet::new())
}

/// README.md and every docs/*.md page, sorted, as (name, text).
fn pages() -> Vec<(String, String)> {
    let root = support::root();
    let mut names = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    names.extend(docs);
    names
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(root.join(&n)).unwrap();
            (n, text)
        })
        .collect()
}

fn all_examples() -> Vec<Example> {
    pages()
        .iter()
        .flat_map(|(name, text)| examples(name, text))
        .collect()
}

/// A scratch directory: `fixtures` links to the repository's, `bin/certscope` to the
/// binary, so examples that write files (`> certscope.1`, `-o leaf.pem`) write there.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix("certscope-readme-")
            .tempdir()
            .unwrap();
        std::os::unix::fs::symlink(
            support::root().join("fixtures"),
            dir.path().join("fixtures"),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_certscope"),
            dir.path().join("bin/certscope"),
        )
        .unwrap();
        Scratch { dir }
    }

    /// `sh -c command` with support::certscope()'s pinned, scrubbed environment.
    fn command(&self, command: &str, extra: &[(&str, &Path)]) -> Command {
        let pinned = support::certscope();
        let mut sh = Command::new("sh");
        sh.arg("-c").arg(command).current_dir(self.dir.path());
        for (k, v) in pinned.get_envs() {
            match v {
                Some(v) => sh.env(k, v),
                None => sh.env_remove(k),
            };
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![self.dir.path().join("bin")];
        paths.extend(std::env::split_paths(&path));
        sh.env("PATH", std::env::join_paths(paths).unwrap());
        for (k, v) in extra {
            sh.env(k, v);
        }
        sh.stdin(Stdio::null());
        sh
    }
}

/// Runs `e` and returns a failure message, or None when it printed what the page shows.
fn check(e: &Example, scratch: &Scratch, token: Option<&Token>) -> Option<String> {
    let extra: Vec<(&str, &Path)> = token.map_or_else(Vec::new, |t| {
        vec![
            ("SOFTHSM2_CONF", t.hsm.conf()),
            ("CERTSCOPE_PKCS11_MODULE", t.hsm.module()),
        ]
    });
    let o = scratch.command(&e.command, &extra).output().unwrap();
    let mut got = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    if let Some(t) = token {
        got = t.normalize(&got);
    }
    let got_lines: Vec<&str> = got.trim_end().lines().map(str::trim_end).collect();
    let status = o.status.code();
    if status != Some(e.exit) {
        return Some(format!(
            "{}: `{}` exited with {status:?}, the page says {} (add or fix `# exit N`)\n{got}",
            e.at, e.command, e.exit
        ));
    }
    if e.compare && !matches(&e.expected, &got_lines) {
        return Some(format!(
            "{}: `{}` is stale.\n--- the page shows ---\n{}\n--- it prints ---\n{}",
            e.at,
            e.command,
            e.expected.join("\n"),
            got_lines.join("\n")
        ));
    }
    None
}

/// The token of docs/pkcs11.md's session, and its random serial and slot ID.
struct Token {
    hsm: softhsm::SoftHsm,
    serial: String,
    slot: u64,
}

impl Token {
    fn new(scratch: &Scratch) -> Token {
        let hsm = softhsm::SoftHsm::new();
        let run = |mut cmd: Command| {
            let o = cmd.output().unwrap();
            assert!(
                o.status.success(),
                "{cmd:?}: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
        };
        let mut init = hsm.command("softhsm2-util");
        init.args(["--init-token", "--free", "--label", "demo"])
            .args(["--so-pin", DOC_SO_PIN, "--pin", DOC_USER_PIN]);
        run(init);
        let mut write = hsm.command("pkcs11-tool");
        write
            .arg("--module")
            .arg(hsm.module())
            .args(["--token-label", "demo", "--login", "--pin", DOC_USER_PIN])
            .args([
                "--write-object",
                "fixtures/certs/leaf.der",
                "--type",
                "cert",
            ])
            .args(["--label", "leaf", "--id", "01"])
            .current_dir(support::root());
        run(write);
        let conf = hsm.conf().to_path_buf();
        let module = hsm.module().to_path_buf();
        let o = scratch
            .command(
                "certscope token slots --format json",
                &[
                    ("SOFTHSM2_CONF", &conf),
                    ("CERTSCOPE_PKCS11_MODULE", &module),
                ],
            )
            .output()
            .unwrap();
        support::ok(&o);
        let slots = support::json(&o);
        let slot = support::slot_labelled(&slots, "demo");
        Token {
            serial: slot["token"]["serial"].as_str().unwrap().to_string(),
            slot: slot["id"].as_u64().unwrap(),
            hsm,
        }
    }

    /// `text` with this token's serial, slot ID and module path replaced by the docs' ones.
    fn normalize(&self, text: &str) -> String {
        let module = self.hsm.module().to_string_lossy();
        let text = replace_word(text, &self.serial, DOC_SERIAL);
        let text = replace_word(&text, &self.slot.to_string(), &DOC_SLOT.to_string());
        let text = replace_word(
            &text,
            &format!("0x{:x}", self.slot),
            &format!("0x{DOC_SLOT:x}"),
        );
        text.replace(module.as_ref(), DOC_MODULE)
    }
}

/// `text` with every `from` that is not part of a longer alphanumeric word replaced by `to`.
fn replace_word(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + from.len()..].chars().next();
        let alone = !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric());
        out.push_str(&rest[..i]);
        out.push_str(if alone { to } else { from });
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

fn report(run: usize, failures: Vec<String>) -> usize {
    assert!(
        failures.is_empty(),
        "{} of {run} examples fail:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    run
}

#[test]
fn examples_print_what_the_docs_show() {
    let scratch = Scratch::new();
    let all = all_examples();
    let mine: Vec<&Example> = all.iter().filter(|e| !e.needs_token()).collect();
    let failures = mine
        .iter()
        .filter_map(|e| check(e, &scratch, None))
        .collect();
    let run = report(mine.len(), failures);
    let in_readme = mine
        .iter()
        .filter(|e| e.at.starts_with("README.md:"))
        .count();
    assert!(in_readme >= 6, "only {in_readme} README examples found");
    assert!(
        run >= 20,
        "only {run} examples found in README.md and docs/"
    );
}

#[test]
fn token_examples_print_what_the_docs_show() {
    let test = "token_examples_print_what_the_docs_show";
    let mut missing = softhsm::missing_softhsm();
    softhsm::tool("pkcs11-tool", &mut missing);
    if !softhsm::check_tools(test, &missing) {
        return;
    }
    let scratch = Scratch::new();
    let token = Token::new(&scratch);
    let all = all_examples();
    let mine: Vec<&Example> = all.iter().filter(|e| e.needs_token()).collect();
    let failures = mine
        .iter()
        .filter_map(|e| check(e, &scratch, Some(&token)))
        .collect();
    let run = report(mine.len(), failures);
    assert!(run >= 5, "only {run} token examples found");
}

#[test]
fn an_ellipsis_stands_for_one_or_more_lines() {
    let want = |s: &[&str]| s.iter().map(|l| (*l).to_string()).collect::<Vec<_>>();
    assert!(matches(&want(&["a", "…", "d"]), &["a", "b", "c", "d"]));
    assert!(matches(&want(&["a", "  …", "d"]), &["a", "b", "d"]));
    assert!(!matches(&want(&["a", "…", "d"]), &["a", "d"]));
    assert!(!matches(&want(&["a", "…", "d"]), &["a", "b", "d", "e"]));
    assert!(!matches(
        &want(&["a", "…", "x", "d"]),
        &["a", "b", "c", "d"]
    ));
    assert!(matches(&want(&["…", "c"]), &["a", "b", "c"]));
    assert!(matches(&want(&["a", "…"]), &["a", "b"]));
    assert!(!matches(&want(&["a", "…"]), &["a"]));
    assert!(!matches(&want(&["a", "b"]), &["a", "b", "c"]));
}

#[test]
fn example_conventions_are_parsed_strictly() {
    let doc = "```console\n$ certscope check x # exit 1\nout\n\n$ A=1 certscope y # output varies by machine\n```\n";
    let e = examples("t.md", doc);
    assert_eq!(e.len(), 2);
    assert_eq!((e[0].exit, e[0].compare), (1, true));
    assert_eq!(e[0].expected, vec!["out".to_string()]);
    assert_eq!((e[1].exit, e[1].compare), (0, false));
    assert_eq!(e[1].command, "A=1 certscope y");
    for bad in [
        "```console\n$ ls\n```\n",
        "```console\n$ certscope x # exit one\n```\n",
        "```console\nstray\n```\n",
        "```sh\ncertscope inspect x\n```\n",
        "```console\n$ certscope x\n",
    ] {
        let r = std::panic::catch_unwind(|| examples("t.md", bad));
        assert!(r.is_err(), "accepted: {bad:?}");
    }
}

/// The `--format` values `certscope ARGS --help` lists, in order; `None` when the command
/// has no `--format`.
fn help_formats(args: &[&str]) -> Option<Vec<String>> {
    let mut full = args.to_vec();
    full.push("--help");
    let o = support::run(&full);
    assert_eq!(o.status.code(), Some(0), "certscope {}", full.join(" "));
    let help = support::stdout(&o);
    let mut lines = help
        .lines()
        .skip_while(|l| !l.contains("--format <FORMAT>"));
    lines.next()?;
    let values = lines
        .skip_while(|l| l.trim() != "Possible values:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|v| v.split(':').next().unwrap_or_default().to_string())
        .collect();
    Some(values)
}

/// The subcommand paths under `certscope ARGS` (its `--help`'s "Commands:" list, without
/// `help`), leaves only.
fn leaf_commands(args: &[String], out: &mut Vec<Vec<String>>) {
    let mut full: Vec<&str> = args.iter().map(String::as_str).collect();
    full.push("--help");
    let help = support::stdout(&support::run(&full));
    let subs: Vec<String> = help
        .lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // Names start at column 2; deeper indentation continues a wrapped description.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect();
    if subs.is_empty() {
        out.push(args.to_vec());
    }
    for s in subs {
        let mut path = args.to_vec();
        path.push(s);
        leaf_commands(&path, out);
    }
}

/// docs/formats.md's table is what the commands accept: each row's command(s) list exactly
/// the values whose cell is not `—` (in the table's column order), and every command with a
/// `--format` has a row.
#[test]
fn formats_table_matches_help() {
    let doc = std::fs::read_to_string(support::root().join("docs/formats.md")).unwrap();
    let mut rows = doc.lines().filter(|l| l.starts_with("| "));
    let header: Vec<String> = rows
        .next()
        .expect("the table's header")
        .split('|')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .skip(1)
        .collect();
    assert_eq!(header, ["text", "json", "jsonl", "pem", "dot"]);
    let mut documented: Vec<String> = Vec::new();
    for row in rows {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        // "| a | b |" splits into "", a, b, "".
        let (commands, values) = (cells[1], &cells[2..cells.len() - 1]);
        assert_eq!(values.len(), header.len(), "{row}");
        let want: Vec<String> = header
            .iter()
            .zip(values.iter())
            .filter(|(_, cell)| **cell != "—")
            .map(|(name, _)| name.clone())
            .collect();
        for command in commands.split(", ") {
            let command = command.trim_matches('`');
            if command.starts_with("token") && !cfg!(feature = "pkcs11") {
                continue;
            }
            documented.push(command.to_string());
            // `check --list-lints` takes check's values; its row says what they write.
            let words: Vec<&str> = command
                .split(' ')
                .filter(|w| !w.starts_with("--"))
                .collect();
            let got = help_formats(&words).unwrap_or_else(|| panic!("{command}: no --format"));
            assert_eq!(got, want, "docs/formats.md's row for `{command}`");
        }
    }
    let mut leaves = Vec::new();
    leaf_commands(&[], &mut leaves);
    for path in leaves {
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        if help_formats(&words).is_some() {
            let name = words.join(" ");
            assert!(
                documented.contains(&name),
                "`{name}` has --format but no row in docs/formats.md"
            );
        }
    }
}
