//! Certificate policy processing (RFC 5280 §6.1.2–§6.1.5): the valid_policy_tree over one
//! path, with the user-initial-policy-set, policy mappings, requireExplicitPolicy,
//! inhibitPolicyMapping and inhibitAnyPolicy.
//!
//! Owns only the tree; the path, its order and the reporting are `chain`'s. The tree is
//! capped at [`MAX_NODES`] nodes: mappings and anyPolicy can make it grow exponentially
//! with the path length (the OpenSSL CVE-2023-0464 shape), and a path over the cap fails
//! with a problem instead of taking the machine.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::analysis::validation::Problem;
use crate::model::{Certificate, ExtValue};

/// anyPolicy (RFC 5280 §4.2.1.4).
pub const ANY_POLICY: &str = "2.5.29.32.0";
/// Nodes the valid policy tree may have; real paths need a handful.
pub const MAX_NODES: usize = 1_000;

/// The policy inputs, kept with the other validation options (so the two files do not
/// import each other).
pub use crate::analysis::validation::PolicyOptions;

/// What policy processing concluded for a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyResult {
    /// The user-constrained policy set (§6.1.6): the policies of the valid policy tree's
    /// leaves after intersection with the initial set, `anyPolicy` standing for any; empty
    /// when the tree is NULL.
    pub policies: Vec<String>,
    /// explicit_policy at the end was 0, so an empty set fails the path.
    pub explicit_required: bool,
}

struct Node {
    depth: usize,
    policy: String,
    expected: BTreeSet<String>,
    parent: Option<usize>,
    alive: bool,
}

struct Tree {
    nodes: Vec<Node>,
    alive: usize,
    too_large: bool,
}

impl Tree {
    fn add(&mut self, depth: usize, policy: &str, expected: BTreeSet<String>, parent: usize) {
        if self.alive >= MAX_NODES {
            self.too_large = true;
            return;
        }
        self.alive += 1;
        self.nodes.push(Node {
            depth,
            policy: policy.to_string(),
            expected,
            parent: Some(parent),
            alive: true,
        });
    }

    fn at(&self, depth: usize) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| {
                self.nodes
                    .get(i)
                    .is_some_and(|n| n.alive && n.depth == depth)
            })
            .collect()
    }

    /// Deletes node `i` and everything below it, in one pass: a child always comes after
    /// its parent in `nodes`.
    fn kill(&mut self, i: usize) {
        let mut gone = vec![false; self.nodes.len()];
        if let Some(g) = gone.get_mut(i) {
            *g = true;
        }
        for k in i + 1..self.nodes.len() {
            let below = self
                .nodes
                .get(k)
                .and_then(|n| n.parent)
                .is_some_and(|p| gone.get(p).copied().unwrap_or(false));
            if below {
                if let Some(g) = gone.get_mut(k) {
                    *g = true;
                }
            }
        }
        for (k, g) in gone.into_iter().enumerate() {
            if g {
                self.die(k);
            }
        }
    }

    fn die(&mut self, i: usize) {
        if let Some(n) = self.nodes.get_mut(i) {
            if n.alive {
                n.alive = false;
                self.alive = self.alive.saturating_sub(1);
            }
        }
    }

    /// Deletes childless nodes of depth < `depth`, repeatedly (§6.1.3 (d)(3)).
    fn prune(&mut self, depth: usize) {
        loop {
            // Live children per node, counted in one pass: linear per round, and there
            // are at most `depth` rounds.
            let mut children = vec![0usize; self.nodes.len()];
            for n in self.nodes.iter().filter(|n| n.alive) {
                if let Some(c) = n.parent.and_then(|p| children.get_mut(p)) {
                    *c += 1;
                }
            }
            let dead: Vec<usize> = (0..self.nodes.len())
                .filter(|&i| {
                    self.nodes
                        .get(i)
                        .is_some_and(|n| n.alive && n.depth < depth)
                        && children.get(i).is_some_and(|&c| c == 0)
                })
                .collect();
            if dead.is_empty() {
                return;
            }
            for i in dead {
                self.die(i);
            }
        }
    }

    fn is_null(&self) -> bool {
        !self.nodes.first().is_some_and(|n| n.alive)
    }
}

fn policies(cert: &Certificate) -> Option<Vec<&str>> {
    match cert.extension("2.5.29.32").map(|e| &*e.value) {
        Some(ExtValue::Policies(p)) => Some(p.iter().map(|p| p.oid.as_str()).collect()),
        _ => None,
    }
}

fn mappings(cert: &Certificate) -> Vec<(String, String)> {
    match cert.extension("2.5.29.33").map(|e| &*e.value) {
        Some(ExtValue::Flags(m)) => m
            .iter()
            .filter_map(|s| s.split_once(" -> "))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

/// policyConstraints: (requireExplicitPolicy, inhibitPolicyMapping), read from the text
/// certscope decodes it to (`require explicit policy: N, inhibit policy mapping: M`).
fn constraints(cert: &Certificate) -> (Option<usize>, Option<usize>) {
    let Some(ExtValue::Text(t)) = cert.extension("2.5.29.36").map(|e| &*e.value) else {
        return (None, None);
    };
    let num = |label: &str| {
        t.text
            .split(", ")
            .find_map(|p| p.strip_prefix(label))
            .and_then(|v| v.trim().parse::<usize>().ok())
    };
    (
        num("require explicit policy:"),
        num("inhibit policy mapping:"),
    )
}

fn inhibit_any(cert: &Certificate) -> Option<usize> {
    match cert.extension("2.5.29.54").map(|e| &*e.value) {
        Some(ExtValue::Text(t)) => t
            .text
            .strip_prefix("skip certs:")
            .and_then(|v| v.trim().parse().ok()),
        _ => None,
    }
}

/// Runs §6.1 policy processing over `certs` (the path without its trust anchor, the
/// certificate next to the anchor first, the leaf last). Problems come back by index into
/// `certs`.
pub fn process(
    certs: &[&Certificate],
    opts: &PolicyOptions,
) -> (PolicyResult, Vec<(usize, Problem)>) {
    let n = certs.len();
    let mut problems = Vec::new();
    let mut tree = Tree {
        nodes: vec![Node {
            depth: 0,
            policy: ANY_POLICY.to_string(),
            expected: BTreeSet::from([ANY_POLICY.to_string()]),
            parent: None,
            alive: true,
        }],
        alive: 1,
        too_large: false,
    };
    let start = |flag: bool| if flag { 0 } else { n + 1 };
    let mut explicit = start(opts.require_explicit);
    let mut inhibit_any_count = start(opts.inhibit_any);
    let mut mapping = start(opts.inhibit_mapping);
    for (idx, cert) in certs.iter().enumerate() {
        let i = idx + 1;
        let self_issued = cert.self_issued();
        // §6.1.3 (d), (e).
        match policies(cert) {
            Some(list) if !tree.is_null() => {
                let parents = tree.at(i - 1);
                for p in list.iter().filter(|p| **p != ANY_POLICY) {
                    let matching: Vec<usize> = parents
                        .iter()
                        .copied()
                        .filter(|&k| tree.nodes.get(k).is_some_and(|n| n.expected.contains(*p)))
                        .collect();
                    let targets = if matching.is_empty() {
                        parents
                            .iter()
                            .copied()
                            .filter(|&k| tree.nodes.get(k).is_some_and(|n| n.policy == ANY_POLICY))
                            .collect()
                    } else {
                        matching
                    };
                    for k in targets {
                        tree.add(i, p, BTreeSet::from([p.to_string()]), k);
                    }
                }
                if list.contains(&ANY_POLICY) && (inhibit_any_count > 0 || (i < n && self_issued)) {
                    for k in parents {
                        let expected: Vec<String> = tree
                            .nodes
                            .get(k)
                            .map(|n| n.expected.iter().cloned().collect())
                            .unwrap_or_default();
                        for p in expected {
                            let present = tree
                                .nodes
                                .iter()
                                .any(|c| c.alive && c.parent == Some(k) && c.policy == p);
                            if !present {
                                tree.add(i, &p, BTreeSet::from([p.clone()]), k);
                            }
                        }
                    }
                }
                tree.prune(i);
            }
            _ => {
                for k in 0..tree.nodes.len() {
                    tree.die(k);
                }
            }
        }
        if tree.too_large {
            problems.push((
                idx,
                Problem::new(
                    "policy-tree-too-large",
                    format!("the valid policy tree would exceed {MAX_NODES} nodes"),
                ),
            ));
            return (
                PolicyResult {
                    policies: Vec::new(),
                    explicit_required: true,
                },
                problems,
            );
        }
        // §6.1.3 (f).
        if explicit == 0 && tree.is_null() {
            problems.push((
                idx,
                Problem::new(
                    "no-valid-policy",
                    "an explicit policy is required and no policy of the path is acceptable \
                     from here on (the valid policy tree is empty)",
                ),
            ));
            return (
                PolicyResult {
                    policies: Vec::new(),
                    explicit_required: true,
                },
                problems,
            );
        }
        if i == n {
            break;
        }
        // §6.1.4 (a), (b): policy mappings.
        let maps = mappings(cert);
        if maps.iter().any(|(a, b)| a == ANY_POLICY || b == ANY_POLICY) {
            problems.push((
                idx,
                Problem::new(
                    "any-policy-mapped",
                    "policyMappings maps to or from anyPolicy",
                ),
            ));
        }
        let mut issuer_policies: Vec<&String> = maps.iter().map(|(a, _)| a).collect();
        issuer_policies.sort();
        issuer_policies.dedup();
        for idp in issuer_policies {
            let subjects: BTreeSet<String> = maps
                .iter()
                .filter(|(a, _)| a == idp)
                .map(|(_, b)| b.clone())
                .collect();
            let at_i = tree.at(i);
            let with_idp: Vec<usize> = at_i
                .iter()
                .copied()
                .filter(|&k| tree.nodes.get(k).is_some_and(|n| &n.policy == idp))
                .collect();
            if mapping > 0 {
                if with_idp.is_empty() {
                    let any_parent = at_i.iter().find_map(|&k| {
                        tree.nodes
                            .get(k)
                            .filter(|n| n.policy == ANY_POLICY)
                            .and_then(|n| n.parent)
                    });
                    if let Some(parent) = any_parent {
                        tree.add(i, idp, subjects, parent);
                    }
                } else {
                    for k in with_idp {
                        if let Some(node) = tree.nodes.get_mut(k) {
                            node.expected = subjects.clone();
                        }
                    }
                }
            } else {
                for k in with_idp {
                    tree.kill(k);
                }
                tree.prune(i);
            }
        }
        // §6.1.4 (h), (i), (j).
        if !self_issued {
            explicit = explicit.saturating_sub(1);
            mapping = mapping.saturating_sub(1);
            inhibit_any_count = inhibit_any_count.saturating_sub(1);
        }
        let (require, inhibit) = constraints(cert);
        if let Some(r) = require {
            explicit = explicit.min(r);
        }
        if let Some(q) = inhibit {
            mapping = mapping.min(q);
        }
        if let Some(s) = inhibit_any(cert) {
            inhibit_any_count = inhibit_any_count.min(s);
        }
    }
    // §6.1.5 (a), (b).
    explicit = explicit.saturating_sub(1);
    if certs.last().is_some_and(|c| constraints(c).0 == Some(0)) {
        explicit = 0;
    }
    // §6.1.5 (g): intersection with the user-initial-policy-set.
    let user: BTreeSet<&str> = opts.initial.iter().map(String::as_str).collect();
    if !tree.is_null() && !user.is_empty() && !user.contains(ANY_POLICY) {
        let set: Vec<usize> = (0..tree.nodes.len())
            .filter(|&k| {
                tree.nodes.get(k).is_some_and(|c| {
                    c.alive
                        && c.parent
                            .and_then(|p| tree.nodes.get(p))
                            .is_some_and(|p| p.policy == ANY_POLICY)
                })
            })
            .collect();
        let set_policies: BTreeSet<String> = set
            .iter()
            .filter_map(|&k| tree.nodes.get(k).map(|c| c.policy.clone()))
            .collect();
        for &k in &set {
            if tree
                .nodes
                .get(k)
                .is_some_and(|c| c.policy != ANY_POLICY && !user.contains(c.policy.as_str()))
            {
                tree.kill(k);
            }
        }
        let any_leaf = tree
            .at(n)
            .into_iter()
            .find(|&k| tree.nodes.get(k).is_some_and(|c| c.policy == ANY_POLICY));
        if let Some(k) = any_leaf {
            if let Some(parent) = tree.nodes.get(k).and_then(|c| c.parent) {
                for p in user.iter().filter(|p| !set_policies.contains(**p)) {
                    tree.add(n, p, BTreeSet::from([p.to_string()]), parent);
                }
            }
            tree.kill(k);
        }
        tree.prune(n);
    }
    let policies: Vec<String> = if tree.is_null() {
        Vec::new()
    } else {
        let set: BTreeSet<String> = tree
            .at(n)
            .into_iter()
            .filter_map(|k| tree.nodes.get(k).map(|c| c.policy.clone()))
            .collect();
        set.into_iter().collect()
    };
    if explicit == 0 && policies.is_empty() {
        problems.push((
            n.saturating_sub(1),
            Problem::new(
                "no-valid-policy",
                "an explicit policy is required and the path's valid policy set is empty",
            ),
        ));
    }
    (
        PolicyResult {
            policies,
            explicit_required: explicit == 0,
        },
        problems,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Body, Extension, Policy};

    fn certs(pem: &[u8]) -> Vec<Certificate> {
        crate::decode::items_of(pem)
            .into_iter()
            .filter_map(|i| match i.body {
                Body::Certificate(c) => Some(*c),
                _ => None,
            })
            .collect()
    }

    fn set(c: &mut Certificate, oid: &str, value: ExtValue) {
        c.extensions.retain(|e| e.oid != oid);
        c.extensions.push(Extension {
            oid: oid.to_string().into(),
            name: oid.to_string().into(),
            critical: false,
            value: value.into(),
        });
    }

    const P1: &str = "1.3.6.1.4.1.55555.1.1";

    #[test]
    fn a_mapping_of_the_fixture_keeps_the_policy() {
        // leaf (P9) <- CA (P1, P1 -> P9): with P1 asked for, the path's set is {P9}.
        let c = certs(include_bytes!(
            "../../fixtures/validation/policy-mapped.pem"
        ));
        let path = [&c[1], &c[0]];
        let opts = PolicyOptions {
            initial: vec![P1.to_string()],
            require_explicit: true,
            ..PolicyOptions::default()
        };
        let (r, p) = process(&path, &opts);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(r.policies, vec!["1.3.6.1.4.1.55555.1.9"]);
        let (r, p) = process(
            &path,
            &PolicyOptions {
                inhibit_mapping: true,
                ..opts
            },
        );
        assert!(r.policies.is_empty());
        assert_eq!(p[0].1.code, "no-valid-policy");
    }

    #[test]
    fn mapping_to_any_policy_is_a_problem() {
        let mut c = certs(include_bytes!(
            "../../fixtures/validation/policy-mapped.pem"
        ));
        set(
            &mut c[1],
            "2.5.29.33",
            ExtValue::Flags(vec![format!("{P1} -> {ANY_POLICY}")]),
        );
        let (_, p) = process(&[&c[1], &c[0]], &PolicyOptions::default());
        assert!(
            p.iter()
                .any(|(i, p)| *i == 0 && p.code == "any-policy-mapped"),
            "{p:?}"
        );
    }

    #[test]
    fn an_exploding_tree_is_capped() {
        // Every CA maps each of 12 policies to all 12: the tree grows 12-fold per level.
        let c = certs(include_bytes!("../../fixtures/validation/policy.pem"));
        let oids: Vec<String> = (0..12)
            .map(|i| format!("1.3.6.1.4.1.55555.7.{i}"))
            .collect();
        let mut ca = c[1].clone();
        set(
            &mut ca,
            "2.5.29.32",
            ExtValue::Policies(
                oids.iter()
                    .map(|o| Policy {
                        oid: o.clone(),
                        name: None,
                        qualifiers: Vec::new(),
                    })
                    .collect(),
            ),
        );
        let maps = oids
            .iter()
            .flat_map(|a| oids.iter().map(move |b| format!("{a} -> {b}")))
            .collect();
        set(&mut ca, "2.5.29.33", ExtValue::Flags(maps));
        let path: Vec<&Certificate> = std::iter::repeat_n(&ca, 8).collect();
        let t = std::time::Instant::now();
        let (_, p) = process(&path, &PolicyOptions::default());
        assert!(
            p.iter().any(|(_, p)| p.code == "policy-tree-too-large"),
            "{p:?}"
        );
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }
}
