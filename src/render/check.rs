//! `certscope check` output: one text line per finding, then a summary line; and the lint
//! table for `--list-lints`. (JSON is the serialized findings, written by the binary.)

use std::borrow::Cow;
use std::io::{self, Write};

use super::sanitize::sanitize;
use crate::check::{Counts, Finding, Lint, Severity};
use crate::model::Item;

fn paint(color: bool, sev: Severity, s: &str) -> String {
    if !color {
        return s.to_string();
    }
    let code = match sev {
        Severity::Error => "1;31",
        Severity::Warn => "33",
        Severity::Info => "36",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

/// Longest item name a finding or a relation repeats, in characters; a longer one (a
/// subject of 10,000 names) is cut, with a count of the rest, so output naming an item many
/// times stays linear in the input.
pub const MAX_NAME_CHARS: usize = 256;

/// `name`, cut after [`MAX_NAME_CHARS`] characters with `… (N more characters)`.
pub fn short_name(name: &str) -> Cow<'_, str> {
    match name.char_indices().nth(MAX_NAME_CHARS) {
        None => Cow::Borrowed(name),
        Some((at, _)) => {
            let (head, rest) = name.split_at(at);
            Cow::Owned(format!(
                "{head}… ({} more characters)",
                crate::relate::thousands(rest.chars().count())
            ))
        }
    }
}

/// How a finding names its item: `PATH[#INDEX] (line N) NAME`.
pub fn item_label(item: &Item, show_index: bool) -> String {
    let mut s = item.source.locator(show_index);
    if let Some(name) = item.display_name().filter(|n| !n.is_empty()) {
        s.push_str(" [");
        s.push_str(&short_name(name));
        s.push(']');
    }
    s
}

/// One line per finding (`error  expired  PATH [NAME]: message`), then the summary.
pub fn text<W: Write>(
    w: &mut W,
    findings: &[Finding],
    counts: &Counts,
    items: &[Item],
    show_index: &[bool],
    fail_on: Severity,
    color: bool,
) -> io::Result<()> {
    for f in findings {
        let label = items
            .get(f.item)
            .map(|i| item_label(i, show_index.get(f.item).copied().unwrap_or(true)))
            .unwrap_or_else(|| format!("item {}", f.item));
        writeln!(
            w,
            "{}  {:<26}  {}: {}",
            paint(color, f.severity, &format!("{:<5}", f.severity.name())),
            f.lint,
            sanitize(&label),
            sanitize(&f.message)
        )?;
    }
    // A run that examined nothing has not passed anything.
    let failed = findings.iter().any(|f| f.severity >= fail_on) || counts.checked == 0;
    writeln!(
        w,
        "{} checked ({} certificate{}, {} CRL{}, {} CSR{}): {} error{}, {} warning{}, {} info; {} (--fail-on {})",
        counts.checked,
        counts.certificates,
        plural(counts.certificates),
        counts.crls,
        plural(counts.crls),
        counts.csrs,
        plural(counts.csrs),
        counts.error,
        plural(counts.error),
        counts.warn,
        plural(counts.warn),
        counts.info,
        if failed { "FAIL" } else { "pass" },
        fail_on.name()
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The lint table: id, severity, what it means, where it comes from.
pub fn lints<W: Write>(w: &mut W, lints: &[Lint]) -> io::Result<()> {
    for l in lints {
        let when = if l.on_request { " (on request)" } else { "" };
        writeln!(
            w,
            "{:<26}  {:<5}  {}{when}",
            l.id,
            l.severity.name(),
            l.summary
        )?;
        writeln!(w, "{:<26}         {}", "", l.reference)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_name_cuts_long_names_on_a_char_boundary() {
        assert_eq!(short_name("CN=a"), "CN=a");
        let exact = "é".repeat(MAX_NAME_CHARS);
        assert_eq!(short_name(&exact), exact.as_str());
        let long = "é".repeat(MAX_NAME_CHARS + 5);
        assert_eq!(
            short_name(&long),
            format!("{}… (5 more characters)", "é".repeat(MAX_NAME_CHARS))
        );
    }
}
