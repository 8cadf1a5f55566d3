//! `--password` given several times: `GLOB=SPEC` rules for some files, a plain `SPEC` for
//! every file, the first match winning.

use std::path::Path;

use globset::{Glob, GlobMatcher};

use super::secret::{self, Secret, SecretError};

/// The `--password` values of a run, in order.
#[derive(Default)]
pub struct PasswordRules {
    rules: Vec<(Option<GlobMatcher>, Secret)>,
}

/// Why a `--password` value cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PasswordRuleError {
    /// The GLOB part is not a pattern.
    #[error("{0}")]
    Glob(#[from] globset::Error),
    /// The SPEC part cannot be read.
    #[error(transparent)]
    Secret(#[from] SecretError),
}

/// Splits `GLOB=SPEC`; a value that is a SPEC itself (`pass:`, `env:`, `file:`) is plain,
/// whatever `=` it holds.
fn split_rule(value: &str) -> (Option<&str>, &str) {
    let plain = ["pass:", "env:", "file:"]
        .iter()
        .any(|p| value.starts_with(p));
    match value.split_once('=') {
        Some((glob, spec)) if !plain => (Some(glob), spec),
        _ => (None, value),
    }
}

impl PasswordRules {
    /// Reads every value's secret now (so a missing variable is reported before any input
    /// is read).
    pub fn parse(values: &[String]) -> Result<PasswordRules, PasswordRuleError> {
        let mut rules = Vec::with_capacity(values.len());
        for value in values {
            let (glob, spec) = split_rule(value);
            let matcher = match glob {
                Some(g) => Some(Glob::new(g)?.compile_matcher()),
                None => None,
            };
            rules.push((matcher, secret::from_spec(spec)?));
        }
        Ok(PasswordRules { rules })
    }

    /// The password for `path` (`None` for stdin): the first rule whose GLOB matches the
    /// path as given or its file name, or that has no GLOB.
    pub fn for_path(&self, path: Option<&Path>) -> Option<&Secret> {
        self.rules
            .iter()
            .find_map(|(glob, secret)| match (glob, path) {
                (None, _) => Some(secret),
                (Some(g), Some(p)) => {
                    let name = p.file_name().map(Path::new);
                    (g.is_match(p) || name.is_some_and(|n| g.is_match(n))).then_some(secret)
                }
                (Some(_), None) => None,
            })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn first_matching_rule_wins() {
        let rules = PasswordRules::parse(&[
            "*.p12=pass:one".into(),
            "keys/*=pass:two".into(),
            "pass:a=b".into(),
        ])
        .unwrap();
        let pw = |p: &str| rules.for_path(Some(Path::new(p))).unwrap().expose();
        assert_eq!(pw("x/id.p12"), "one");
        assert_eq!(pw("keys/k.pem"), "two");
        assert_eq!(pw("other.pem"), "a=b");
        assert_eq!(rules.for_path(None).unwrap().expose(), "a=b");
        let only_glob = PasswordRules::parse(&["*.p12=pass:one".into()]).unwrap();
        assert!(only_glob.for_path(Some(Path::new("k.pem"))).is_none());
        assert!(PasswordRules::parse(&["*.p12=nope".into()]).is_err());
    }
}
