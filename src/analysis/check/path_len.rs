//! `path-length-violated`: RFC 5280 §6.1.4 (l)/(m) over the run's issued-by graph.

use std::collections::HashMap;

use crate::analysis::relate::Related;
use crate::model::{Body, Certificate, Item, RelationKind};

use super::lints::{self, Lint};

/// RFC 5280 §6.1.4 (l)/(m) over the issued_by graph of the run: for each CA with a
/// pathLenConstraint, the longest run of non-self-issued CA certificates below it that
/// themselves issued something (the lowest certificate of a path is its target, not an
/// intermediate).
pub(super) fn path_length_findings(
    items: &[Item],
    related: &[Related],
) -> HashMap<usize, Vec<(&'static Lint, String)>> {
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (child, r) in related.iter().enumerate() {
        for rel in r
            .relations
            .iter()
            .filter(|r| r.kind == RelationKind::IssuedBy)
        {
            if rel.item != child
                && matches!(
                    items.get(child).map(|i| &i.body),
                    Some(Body::Certificate(_))
                )
            {
                children.entry(rel.item).or_default().push(child);
            }
        }
    }
    let cert = |i: usize| match items.get(i).map(|i| &i.body) {
        Some(Body::Certificate(c)) => Some(c.as_ref()),
        _ => None,
    };
    // depth(x): intermediates at and below x, x counted when it issued something.
    fn depth<'c>(
        x: usize,
        children: &HashMap<usize, Vec<usize>>,
        cert: &dyn Fn(usize) -> Option<&'c Certificate>,
        on_path: &mut Vec<usize>,
        memo: &mut HashMap<usize, usize>,
    ) -> usize {
        if let Some(d) = memo.get(&x) {
            return *d;
        }
        let Some(kids) = children.get(&x) else {
            return 0;
        };
        if on_path.contains(&x) || on_path.len() > 32 {
            return 0;
        }
        on_path.push(x);
        let below = kids
            .iter()
            .map(|&k| depth(k, children, cert, on_path, memo))
            .max()
            .unwrap_or(0);
        on_path.pop();
        let me = usize::from(cert(x).is_some_and(|c| c.is_ca() && !c.self_issued()));
        memo.insert(x, below + me);
        below + me
    }
    let mut memo = HashMap::new();
    let mut out: HashMap<usize, Vec<(&'static Lint, String)>> = HashMap::new();
    for (i, _) in items.iter().enumerate() {
        let Some(max) = cert(i)
            .and_then(|c| c.basic_constraints())
            .and_then(|b| b.path_len)
        else {
            continue;
        };
        let below = children
            .get(&i)
            .map(|kids| {
                kids.iter()
                    .map(|&k| depth(k, &children, &cert, &mut vec![i], &mut memo))
                    .max()
                    .unwrap_or(0)
            })
            .unwrap_or(0);
        if u32::try_from(below).unwrap_or(u32::MAX) > max {
            out.entry(i).or_default().push((&lints::PATH_LENGTH_VIOLATED,
                format!(
                    "pathLenConstraint {max}, but {below} CA certificate{} follow{} it in a chain of this run",
                    if below == 1 { "" } else { "s" },
                    if below == 1 { "s" } else { "" }
                ),
            ));
        }
    }
    out
}
