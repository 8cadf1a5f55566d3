//! Graphviz `dot` output, for people who would rather look than read: `chain --format dot`
//! (certificates as nodes coloured by verdict, issuer links as edges, alternative issuers
//! and missing issuers dashed, anchors double-framed) and `inspect --format dot` (every item
//! of a run as a node, its relations as edges). Reads only the report or the items.

use std::collections::BTreeMap;
use std::io::{self, Write};

use time::OffsetDateTime;

use super::sanitize::{sanitize, sanitize_dn};
use crate::analysis::chain::{Link, Report, Validity};
use crate::model::{Body, Item, RelationKind};

/// Fill colours: valid, failing, incomplete (nothing wrong with the certificate, but no path
/// through it reaches an anchor), and neutral (items that get no verdict).
const GREEN: &str = "#c8e6c9";
const RED: &str = "#ffcdd2";
const AMBER: &str = "#ffe0b2";
const GREY: &str = "#eeeeee";

/// A dot string literal: quotes and backslashes escaped, control characters made visible
/// first, so a hostile name cannot end the string or the graph.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Lines joined as dot's centred line breaks (each line already sanitised).
fn label(lines: &[String]) -> String {
    quote(&lines.join("\n"))
}

const HEADER: &str = "  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", \
                      fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", \
                      fontsize=9];\n";

struct Node {
    lines: Vec<String>,
    /// Some chain through it has a problem on this certificate.
    failing: bool,
    /// Some valid chain goes through it.
    in_valid: bool,
    anchor: bool,
}

impl Node {
    /// Red when the certificate itself has a problem on some path, else green when it is on
    /// a valid path, else amber (fine itself, but no path through it reaches an anchor).
    fn color(&self) -> &'static str {
        if self.failing {
            RED
        } else if self.in_valid {
            GREEN
        } else {
            AMBER
        }
    }
}

fn link_lines(l: &Link) -> Vec<String> {
    let validity = match l.validity {
        Validity::Valid => "valid",
        Validity::Expired => "EXPIRED",
        Validity::NotYetValid => "NOT YET VALID",
    };
    let mut lines = vec![
        format!("#{} {}", l.item, sanitize_dn(&l.subject)),
        format!("{} to {} ({validity})", l.not_before, l.not_after),
    ];
    if l.anchor {
        lines.push("[trust anchor]".to_string());
    }
    for p in &l.problems {
        lines.push(format!("{}: {}", p.code, sanitize(&p.message)));
    }
    lines
}

/// `chain --format dot`: one graph of every chain of the report.
pub fn chain<W: Write>(w: &mut W, report: &Report) -> io::Result<()> {
    let mut nodes: BTreeMap<usize, Node> = BTreeMap::new();
    let mut edges: Vec<String> = Vec::new();
    let mut extra: Vec<String> = Vec::new();
    let mut alternatives: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (ci, chain) in report.chains.iter().enumerate() {
        for (pos, l) in chain.links.iter().enumerate() {
            let node = nodes.entry(l.item).or_insert_with(|| Node {
                lines: link_lines(l),
                failing: false,
                in_valid: false,
                anchor: l.anchor,
            });
            node.failing |= !l.problems.is_empty();
            node.in_valid |= chain.valid;
            if let Some(next) = chain.links.get(pos + 1) {
                let edge = format!(
                    "  c{} -> c{} [label={}];\n",
                    l.item,
                    next.item,
                    quote(&format!("issued by ({})", sanitize(&l.signature)))
                );
                if !edges.contains(&edge) {
                    edges.push(edge);
                }
            }
        }
        for alt in &chain.alternatives {
            let Some(from) = chain.links.get(alt.position) else {
                continue;
            };
            alternatives.entry(alt.item).or_insert_with(|| {
                vec![
                    format!("#{} {}", alt.item, sanitize_dn(&alt.subject)),
                    format!("alternative issuer, issued by {}", sanitize_dn(&alt.issuer)),
                ]
            });
            let edge = format!(
                "  c{} -> c{} [style=dashed, label=\"also issued by\"];\n",
                from.item, alt.item
            );
            if !edges.contains(&edge) {
                edges.push(edge);
            }
        }
        if let (Some(missing), Some(last)) = (&chain.missing, chain.links.last()) {
            let mut lines = vec![
                "missing issuer".to_string(),
                sanitize_dn(&missing.issuer).into_owned(),
            ];
            if let Some(aki) = &missing.authority_key_id {
                lines.push(format!("key id {aki}"));
            }
            lines.extend(
                missing
                    .ca_issuers
                    .iter()
                    .map(|u| format!("caIssuers {}", sanitize(u))),
            );
            extra.push(format!(
                "  m{ci} [label={}, style=\"rounded,dashed\", color=\"#888888\"];\n  c{} -> m{ci} [style=dashed, label=\"issued by\"];\n",
                label(&lines),
                last.item
            ));
        }
    }
    writeln!(w, "digraph certscope_chain {{")?;
    w.write_all(HEADER.as_bytes())?;
    for (item, n) in &nodes {
        let frame = if n.anchor { ", peripheries=2" } else { "" };
        writeln!(
            w,
            "  c{item} [label={}, fillcolor=\"{}\"{frame}];",
            label(&n.lines),
            n.color()
        )?;
    }
    // An alternative issuer that is on no chain of its own gets a neutral node.
    for (item, lines) in alternatives.iter().filter(|(i, _)| !nodes.contains_key(i)) {
        writeln!(
            w,
            "  c{item} [label={}, fillcolor=\"{GREY}\"];",
            label(lines)
        )?;
    }
    for e in edges.iter().chain(&extra) {
        w.write_all(e.as_bytes())?;
    }
    writeln!(w, "}}")
}

/// A run item's node: what it is, where it came from, and its verdict colour at `now`
/// (a certificate or CRL that is current is green, one that is not is red; items that could
/// not be decoded are red; anything else grey).
fn item_node(item: &Item, n: usize, now: OffsetDateTime) -> (Vec<String>, &'static str) {
    let mut lines = vec![format!(
        "#{n} {}",
        sanitize(&format!(
            "{}: {}",
            item.source.locator(true),
            item.kind.describe()
        ))
    )];
    if let Some(name) = item.display_name().filter(|s| !s.is_empty()) {
        lines.push(sanitize_dn(name).into_owned());
    }
    let mut color = GREY;
    match &item.body {
        Body::Certificate(c) => {
            lines.push(format!("{} to {}", c.not_before, c.not_after));
            color = if c.not_before.0 <= now && now <= c.not_after.0 {
                GREEN
            } else {
                RED
            };
        }
        Body::Crl(c) => {
            let current = c.next_update.is_none_or(|n| now <= n.0);
            color = if current { GREEN } else { RED };
        }
        _ => {}
    }
    if item.error.is_some() {
        color = RED;
    }
    (lines, color)
}

fn relation_style(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::IssuedBy => "",
        RelationKind::KeyOf | RelationKind::CsrOf => ", style=dotted",
        RelationKind::SameKey => ", style=dotted, dir=none",
        RelationKind::DuplicateOf => ", style=dashed",
        RelationKind::RevokedBy => ", color=\"#c62828\", fontcolor=\"#c62828\"",
        RelationKind::StatusOf | RelationKind::AsksAbout | RelationKind::AnswerTo => {
            ", style=dashed"
        }
    }
}

/// `inspect --format dot`: the run's items (numbered by position) and their relations.
pub fn relations<W: Write>(w: &mut W, items: &[Item], now: OffsetDateTime) -> io::Result<()> {
    writeln!(w, "digraph certscope_run {{")?;
    w.write_all(HEADER.as_bytes())?;
    for (n, item) in items.iter().enumerate() {
        let (lines, color) = item_node(item, n, now);
        writeln!(
            w,
            "  i{n} [label={}, fillcolor=\"{color}\"];",
            label(&lines)
        )?;
    }
    for (n, item) in items.iter().enumerate() {
        for r in item.relations.iter().flatten() {
            // same_key is listed on both sides: draw it once.
            if r.kind == RelationKind::SameKey && r.item < n {
                continue;
            }
            let mut text = r.kind.describe().to_lowercase();
            if let Some(d) = r.signature.as_ref().or(r.detail.as_ref()) {
                text.push_str(&format!(" ({})", sanitize(d)));
            }
            writeln!(
                w,
                "  i{n} -> i{} [label={}{}];",
                r.item,
                quote(&text),
                relation_style(r.kind)
            )?;
        }
    }
    writeln!(w, "}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_the_string_closed() {
        assert_eq!(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }

    #[test]
    fn a_problem_outweighs_a_valid_path() {
        let node = |failing, in_valid| Node {
            lines: Vec::new(),
            failing,
            in_valid,
            anchor: false,
        };
        assert_eq!(node(true, true).color(), RED);
        assert_eq!(node(false, true).color(), GREEN);
        assert_eq!(node(false, false).color(), AMBER);
    }
}
