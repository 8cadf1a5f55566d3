//! `certscope man`: the manual pages, generated at run time from the clap definitions (so
//! they cannot drift from `--help`) plus the sections clap does not know: EXIT STATUS,
//! ENVIRONMENT, EXAMPLES and SEE ALSO.

use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, Result};
use clap::Command;
use roff::{bold, italic, roman, Roff};

use super::messages::EXIT_OK;
use crate::cli;

/// Without `dir`, prints the top page; with it, writes one page per command.
pub(super) fn run(dir: Option<&Path>) -> Result<u8> {
    let cmd = cli::man_command();
    match dir {
        None => {
            let mut out = io::stdout().lock();
            page(&cmd, &mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("--dir {}: cannot create it", dir.display()))?;
            write_pages(&cmd, dir)?;
        }
    }
    Ok(EXIT_OK)
}

/// `certscope.1`, `certscope-inspect.1`, `certscope-token-list.1`, …: one file per command,
/// named after clap's display name (the command path joined by `-`).
fn write_pages(cmd: &Command, dir: &Path) -> Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir)?;
    }
    let path = dir.join(format!("{}.1", page_name(cmd)));
    let mut roff = Vec::new();
    page(cmd, &mut roff)?;
    std::fs::write(&path, roff).with_context(|| format!("{}: cannot write", path.display()))
}

fn page_name(cmd: &Command) -> &str {
    cmd.get_display_name().unwrap_or_else(|| cmd.get_name())
}

/// One page: clap_mangen's sections, then ours in the usual man(7) order.
fn page(cmd: &Command, w: &mut dyn Write) -> Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(w)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(w)?;
    }
    let name = page_name(cmd);
    let (examples, exit_notes, notes) = after_help(cmd);
    let mut roff = Roff::new();
    if !notes.is_empty() {
        roff.control("SH", ["NOTES"]);
        for note in &notes {
            roff.control("PP", []).text([roman(note.as_str())]);
        }
    }
    exit_status(&mut roff, name, &exit_notes);
    environment(&mut roff, name);
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        // No filling: each example is one command line, to paste as printed.
        roff.control("nf", []);
        for line in &examples {
            roff.text([roman(line.trim())]);
        }
        roff.control("fi", []);
    }
    see_also(&mut roff, cmd, name);
    w.write_all(roff.to_roff().as_bytes())?;
    if cmd.get_version().is_some() {
        man.render_version_section(w)?;
    }
    Ok(())
}

/// Splits a command's `after_help` into its example lines (the paragraph that starts with
/// `Example:` or `Examples:`), its exit-status paragraphs and any other paragraphs.
fn after_help(cmd: &Command) -> (Vec<String>, Vec<String>, Vec<String>) {
    let text = cmd
        .get_after_help()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let (mut examples, mut exit, mut notes) = (Vec::new(), Vec::new(), Vec::new());
    for para in text.split("\n\n") {
        let mut lines = para.lines();
        let joined = || para.split_whitespace().collect::<Vec<_>>().join(" ");
        match lines.next() {
            Some("Example:" | "Examples:") => {
                examples.extend(lines.filter(|l| !l.trim().is_empty()).map(str::to_string));
            }
            Some(first) if first.starts_with("Exit status:") => exit.push(joined()),
            Some(_) => notes.push(joined()),
            None => {}
        }
    }
    (examples, exit, notes)
}

/// The rules of docs/exit-codes.md, plus the command's own verdict from its help.
fn exit_status(roff: &mut Roff, name: &str, notes: &[String]) {
    roff.control("SH", ["EXIT STATUS"]);
    if matches!(name, "certscope-man" | "certscope-completions") {
        roff.control("TP", [])
            .text([bold("0")])
            .text([roman("The output was written.")]);
        roff.control("TP", []).text([bold("2")]);
        roff.text([roman(
            "Usage error, or the output could not be written (with --dir: the directory or \
             a page).",
        )]);
        return;
    }
    // 1 is "the answer is no", which only the commands that ask a question give.
    let no = match name {
        "certscope-find" | "certscope-token-find" | "certscope-token-export" => {
            Some("Nothing matched, like grep.")
        }
        "certscope-check" => Some("A finding at or above --fail-on, or nothing was checked."),
        "certscope-chain" => Some("A chain is incomplete or not valid."),
        _ => None,
    };
    roff.control("TP", []).text([bold("0")]);
    roff.text([roman(
        "Every input was read and every item decoded (notes and warnings do not count), \
         and the answer is yes.",
    )]);
    if let Some(no) = no {
        roff.control("TP", []).text([bold("1")]);
        roff.text([roman(no)]);
    }
    roff.control("TP", []).text([bold("2")]);
    roff.text([roman(
        "Usage error, or some input, item or token could not be read or decoded, a limit \
         was exceeded, or a PKCS#11 call failed; everything else was still printed. Each \
         failure is on standard error as ",
    )]);
    roff.text([
        italic("certscope: PATH[#INDEX] (line N): what is wrong"),
        roman("."),
    ]);
    for note in notes {
        roff.control("PP", []).text([roman(note.as_str())]);
    }
    roff.control("PP", []);
    roff.text([roman(
        "A reader that closes the pipe early (| head) is not an error. The full rules are \
         in docs/exit-codes.md.",
    )]);
}

/// A variable, what it does, and which pages (by name) list it.
type EnvVar = (&'static str, &'static str, fn(&str) -> bool);

/// The variables certscope reads, each on the pages of the commands it affects.
const ENVIRONMENT: &[EnvVar] = &[
    (
        "CERTSCOPE_NOW",
        "An RFC 3339 time used as \"now\" (expiry wording, validity in chain and check), so \
         that output can be reproduced.",
        reads_inputs,
    ),
    (
        "CERTSCOPE_PKCS11_MODULE",
        "The PKCS#11 module to load when --module is not given (default: p11-kit's proxy \
         module); also for pkcs11: URI inputs.",
        reads_inputs,
    ),
    (
        "CERTSCOPE_PKCS11_MODULE_TIMEOUT",
        "Seconds one PKCS#11 call may take (--module-timeout; 0 waits for ever).",
        reads_inputs,
    ),
    (
        "CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE",
        "Largest attribute value accepted from a PKCS#11 module, in bytes \
         (--max-attribute-size).",
        reads_inputs,
    ),
    (
        "CERTSCOPE_PKCS11_MAX_OBJECTS",
        "Most objects one PKCS#11 search may return (--max-objects).",
        reads_inputs,
    ),
    (
        "NO_COLOR",
        "When set and not empty, --color auto does not colour (https://no-color.org).",
        reads_inputs,
    ),
    (
        "CLICOLOR_FORCE",
        "When set, not empty and not 0, --color auto colours even when standard output is \
         not a terminal (NO_COLOR still wins).",
        reads_inputs,
    ),
    (
        "TERM",
        "When dumb, --color auto does not colour.",
        reads_inputs,
    ),
    (
        "SSL_CERT_FILE, SSL_CERT_DIR",
        "The trust store for chain --roots system: the file, else the usual bundles, else \
         the directory (default /etc/ssl/certs).",
        |name| matches!(name, "certscope" | "certscope-chain"),
    ),
];

/// Every command but `man` and `completions` reads inputs (files or a token).
fn reads_inputs(name: &str) -> bool {
    !matches!(name, "certscope-man" | "certscope-completions")
}

fn environment(roff: &mut Roff, name: &str) {
    let mut vars = ENVIRONMENT
        .iter()
        .filter(|(_, _, applies)| applies(name))
        .peekable();
    if vars.peek().is_none() {
        return;
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (var, what, _) in vars {
        roff.control("TP", [])
            .text([bold(*var)])
            .text([roman(*what)]);
    }
}

fn see_also(roff: &mut Roff, cmd: &Command, name: &str) {
    let mut refs: Vec<String> = Vec::new();
    if name != "certscope" {
        // The parent page: the name without its last `-word`.
        if let Some((parent, _)) = name.rsplit_once('-') {
            refs.push(format!("{parent}(1)"));
        }
    }
    refs.extend(
        cmd.get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| format!("{}(1)", page_name(s))),
    );
    refs.push("openssl-x509(1)".to_string());
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(refs.join(", "))]);
}
