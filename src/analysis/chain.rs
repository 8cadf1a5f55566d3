//! Chain building and path checking over the certificates of one run plus trust anchors.
//!
//! Owns the answer to "is this bundle a complete, valid chain at time T, and what is wrong
//! with it": it builds the best path from each leaf to an anchor (backtracking through
//! cross-signed alternatives) from every input certificate that issued no other input, and
//! checks each path as RFC 5280 §6.1 says (signatures, validity, CA flags, keyCertSign,
//! path length, critical extensions, name constraints, the policy tree), plus what the
//! run asks of the leaf ([`Options`]: host name, purpose, depth, the webpki profile). Each
//! failure is a [`Problem`] with a stable code and its clause. It describes the bundle
//! (order, duplicates, unneeded certificates, missing issuer). It never reads files, never
//! uses the network and never prints: the report is data for the renderers.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use time::OffsetDateTime;

use crate::analysis::name_constraints::{self, Violation};
use crate::analysis::policy;
use crate::analysis::revocation::{self, Crls, Revocation, Status};
use crate::analysis::validation::{self, Profile, RevocationMode};
use crate::asn1::dn;
use crate::decode::ocsp;
use crate::fingerprint::HashAlg;
use crate::model::{Body, Certificate, ExtValue, Item, Source, Timestamp};
use crate::verify::{self, Verdict};

mod entry;

pub use crate::analysis::validation::{Options, Problem};
pub use entry::Entry;

/// Where the trust anchors came from; serialized as `anchors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchors {
    /// `--roots FILE`: every certificate of the file is an anchor (OpenSSL's
    /// `-partial_chain`: an intermediate there ends the chain too).
    Roots,
    /// `--roots system`: the operating system's trust store.
    System,
    /// No `--roots`: a self-signed certificate among the inputs ends the chain.
    Input,
}

/// Validity of one certificate at the time asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    /// notBefore ≤ time ≤ notAfter.
    Valid,
    /// time > notAfter.
    Expired,
    /// time < notBefore.
    NotYetValid,
}

/// One certificate of a built chain, leaf first.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Run-wide number of the certificate (inputs first, then roots).
    pub item: usize,
    /// Where it came from.
    pub source: Source,
    /// `input`, `roots`, or `evidence` (a certificate of a `--crl` file).
    pub from: &'static str,
    /// Subject, RFC 4514.
    pub subject: String,
    /// Issuer, RFC 4514.
    pub issuer: String,
    /// Serial, lower hex.
    pub serial: String,
    /// Subject key identifier, lower hex.
    pub subject_key_id: Option<String>,
    /// Authority key identifier, lower hex.
    pub authority_key_id: Option<String>,
    /// Start of validity.
    pub not_before: Timestamp,
    /// End of validity.
    pub not_after: Timestamp,
    /// Validity at the time asked about.
    pub validity: Validity,
    /// basicConstraints cA, `None` when the extension is absent.
    pub ca: Option<bool>,
    /// basicConstraints pathLenConstraint.
    pub path_len: Option<u32>,
    /// keyUsage bits, `None` when the extension is absent.
    pub key_usage: Option<Vec<String>>,
    /// Signature algorithm name.
    pub signature_algorithm: String,
    /// Check of this certificate's signature with the next link's key: `verified`,
    /// `invalid`, `not checked: <what>`; for the last link `trust anchor`, `self-signed`
    /// (with the self-signature's verdict) or `no issuer`.
    pub signature: String,
    /// Whether this certificate is a trust anchor.
    pub anchor: bool,
    /// What is wrong with this link (code, words, clause); empty when nothing is.
    pub problems: Vec<Problem>,
    /// What the run's CRLs say about it; absent when revocation is not checked (no CRL in
    /// the run, `--revocation off`) and for a trust anchor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation: Option<Revocation>,
}

/// The issuer a chain needs and does not have.
#[derive(Debug, Clone, Serialize)]
pub struct Missing {
    /// The issuer name the last certificate names, RFC 4514.
    pub issuer: String,
    /// Its authority key identifier, lower hex.
    pub authority_key_id: Option<String>,
    /// caIssuers URLs from its AIA extension (never fetched).
    pub ca_issuers: Vec<String>,
}

/// Another certificate that also issued one of the chain's certificates (a cross-signed
/// or re-issued CA certificate).
#[derive(Debug, Clone, Serialize)]
pub struct Alternative {
    /// Position in `links` of the certificate it also issued.
    pub position: usize,
    /// Run-wide number of the alternative issuer.
    pub item: usize,
    /// Its subject.
    pub subject: String,
    /// Its issuer: what makes it an alternative.
    pub issuer: String,
}

/// One chain, from a leaf as far towards an anchor as the certificates allow.
#[derive(Debug, Clone, Serialize)]
pub struct Chain {
    /// Ends at a trust anchor and every link checks out at the time asked about.
    pub complete: bool,
    /// The path is valid: the same as `complete` (the name the validation JSON uses).
    pub valid: bool,
    /// Leaf first.
    pub links: Vec<Link>,
    /// The top of the chain is a self-signed root that was among the inputs.
    pub root_included: bool,
    /// The issuer that is needed and absent.
    pub missing: Option<Missing>,
    /// The user-constrained policy set of RFC 5280 §6.1.6 (dotted OIDs, `2.5.29.32.0` for
    /// anyPolicy); absent when no certificate of the path has a policy extension and no
    /// policy option was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<String>>,
    /// Other issuers that also verify a link (at most [`MAX_ALTERNATIVES`] per link).
    pub alternatives: Vec<Alternative>,
    /// Certificates with a link's issuer name that were not looked at as alternatives
    /// (past [`MAX_ALTERNATIVE_CANDIDATES`] per link or [`MAX_ALTERNATIVES`] found); absent
    /// from JSON when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub alternatives_not_listed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// An input certificate that is a byte-for-byte copy of an earlier one.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    /// The copy.
    pub item: usize,
    /// The first occurrence.
    pub duplicate_of: usize,
}

/// Order of the input certificates as given and as the chains need them.
#[derive(Debug, Clone, Serialize)]
pub struct Order {
    /// Input certificates (without duplicates) in the order given.
    pub given: Vec<usize>,
    /// The input certificates of the chains, leaf first, chain after chain.
    pub built: Vec<usize>,
    /// Whether the chain members were given in the built order.
    pub in_order: bool,
}

/// Everything `certscope chain` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The time validity was checked at.
    pub at: Timestamp,
    /// Where the anchors came from.
    pub anchors: Anchors,
    /// Every chain is complete (and there is at least one).
    pub complete: bool,
    /// The same as `complete`: every path is valid.
    pub valid: bool,
    /// The rules applied (`rfc5280` or `webpki`).
    pub profile: Profile,
    /// One chain per leaf.
    pub chains: Vec<Chain>,
    /// Order as given vs as built.
    pub order: Order,
    /// Input certificates that are in no chain.
    pub unneeded: Vec<usize>,
    /// Input certificates given more than once.
    pub duplicates: Vec<Duplicate>,
    /// The CRLs the run checked against (inputs and `--crl` files); absent from JSON when
    /// revocation is not checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crls: Option<Vec<revocation::CrlSummary>>,
    /// Limits the run reached, each said once (the signature-check budget); absent from
    /// JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A certificate taking part: its item, decoded fields and where it came from.
struct Node<'a> {
    number: usize,
    source: &'a Source,
    cert: &'a Certificate,
    der: &'a [u8],
    spki: &'a [u8],
    from_roots: bool,
    /// From a `--crl` file: may sign a CRL, never starts a path nor is unneeded.
    from_evidence: bool,
    subject: dn::NameKey,
    issuer: dn::NameKey,
}

/// How good a path is, compared lexicographically: (complete, ends at an anchor, verified
/// links, certificates valid at the time, shorter is better).
type Score = (bool, bool, usize, usize, i64);

/// Cap on the paths tried per leaf; real PKIs need a handful.
const MAX_PATHS: usize = 256;
/// Reasons for unused CRLs said per link; the rest are counted.
const MAX_CRL_REASONS: usize = 4;
/// Longest chain considered.
const MAX_DEPTH: usize = 12;
/// Certificates considered as issuers of one certificate (building and alternatives);
/// the rest of a crowd of same-name CAs is counted as not listed.
pub const MAX_ISSUERS: usize = 64;
/// Alternative issuers listed per link; real cross-signing gives one or two.
pub const MAX_ALTERNATIVES: usize = 4;
/// Certificates with a link's issuer name looked at as alternatives, per link (each may
/// cost a signature check).
pub const MAX_ALTERNATIVE_CANDIDATES: usize = 32;
/// Signature checks per run: at least this many, or [`CHECKS_PER_CERTIFICATE`] per
/// certificate when that is more, so the work is linear in the input (1,000 same-name CAs
/// and 1,000 leaves would otherwise cost a million checks).
pub const MIN_SIGNATURE_CHECKS: usize = 10_000;
/// See [`MIN_SIGNATURE_CHECKS`].
pub const CHECKS_PER_CERTIFICATE: usize = 4;

struct Builder<'a> {
    nodes: Vec<Node<'a>>,
    anchors: Anchors,
    anchor_ders: HashSet<&'a [u8]>,
    at: OffsetDateTime,
    by_subject: HashMap<dn::NameKey, Vec<usize>>,
    /// By subject and subject key identifier: an issuer lookup costs what it returns, not
    /// the number of certificates with the name (1,000 same-name CAs).
    by_subject_ski: HashMap<(dn::NameKey, Option<&'a str>), Vec<usize>>,
    /// By child and issuer key: copies and re-issues of an issuer share the check.
    verdicts: HashMap<(usize, &'a [u8]), Verdict>,
    /// By child and issuer, for issuers whose DSA key inherits its parameters.
    inherited_verdicts: HashMap<(usize, usize), Verdict>,
    checks_left: usize,
    checks_skipped: usize,
    opts: &'a Options,
    /// Name-constraint problems by (constraining CA, certificate below, is the leaf): a
    /// pair costs names × subtrees once, however many candidate paths share it.
    nc_cache: HashMap<(usize, usize, bool), Vec<Problem>>,
    /// The run's CRLs; `None` when revocation is not checked.
    crls: Option<Crls<'a>>,
    /// Verdicts by (certificate, its issuer in the path).
    revocations: HashMap<(usize, Option<usize>), Revocation>,
    /// CRL signature checks by (CRL index, signer).
    crl_verdicts: HashMap<(usize, usize), Verdict>,
    /// The run's OCSP responses (number, parsed) and their SingleResponses by serial:
    /// (response index, SingleResponse index).
    ocsp: Vec<(usize, ocsp::Parsed<'a>)>,
    ocsp_by_serial: HashMap<String, Vec<(usize, usize)>>,
}

/// Builds and checks chains with the default [`Options`] (RFC 5280, no leaf requirements).
/// `inputs` and `roots` are numbered consecutively (inputs from 0, then roots); items that
/// are not decoded certificates are ignored. `anchors` says how `roots` is to be read (with
/// [`Anchors::Input`], `roots` should be empty).
pub fn build(inputs: &[Item], roots: &[Item], anchors: Anchors, at: OffsetDateTime) -> Report {
    build_with(inputs, roots, anchors, at, &Options::default())
}

/// [`build`] with the requirements of `opts` checked on every path.
pub fn build_with(
    inputs: &[Item],
    roots: &[Item],
    anchors: Anchors,
    at: OffsetDateTime,
    opts: &Options,
) -> Report {
    let entries = |items: &[Item]| -> Vec<Entry> {
        items.iter().map(|i| Entry::new(i.clone(), false)).collect()
    };
    build_with_evidence(&entries(inputs), &entries(roots), &[], anchors, at, opts)
}

/// [`build_with`] over [`Entry`]s, plus revocation evidence: `evidence` (the items of
/// `--crl` files, numbered after the roots) and the CRLs among `inputs`. Certificates among
/// `evidence` may sign CRLs; they never start a path.
pub fn build_with_evidence(
    inputs: &[Entry],
    roots: &[Entry],
    evidence: &[Entry],
    anchors: Anchors,
    at: OffsetDateTime,
    opts: &Options,
) -> Report {
    let mut nodes = Vec::new();
    let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut duplicates = Vec::new();
    let mut given = Vec::new();
    let mut anchor_ders: HashSet<&[u8]> = HashSet::new();
    let all = inputs
        .iter()
        .map(|i| (i, false, false))
        .chain(roots.iter().map(|i| (i, true, false)))
        .chain(evidence.iter().map(|i| (i, false, true)));
    for (number, (entry, from_roots, from_evidence)) in all.enumerate() {
        let Some(c) = entry.cert() else { continue };
        let (cert, der, spki) = (&c.cert, &*c.der, &*c.spki);
        if from_roots {
            anchor_ders.insert(der);
        }
        let digest = HashAlg::Sha256.digest(der);
        if let Some(&first) = seen.get(&digest) {
            // A root that is also an input is the input's certificate (root included); an
            // input given twice is a duplicate.
            if !from_roots && !from_evidence {
                duplicates.push(Duplicate {
                    item: number,
                    duplicate_of: first,
                });
            }
            continue;
        }
        seen.insert(digest, number);
        if !from_roots && !from_evidence {
            given.push(number);
        }
        nodes.push(Node {
            number,
            source: &entry.source,
            cert,
            der,
            spki,
            from_roots,
            from_evidence,
            subject: dn::name_key(&cert.subject),
            issuer: dn::name_key(&cert.issuer),
        });
    }
    let mut by_subject: HashMap<dn::NameKey, Vec<usize>> = HashMap::new();
    let mut by_subject_ski: HashMap<(dn::NameKey, Option<&str>), Vec<usize>> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        by_subject.entry(n.subject.clone()).or_default().push(i);
        by_subject_ski
            .entry((n.subject.clone(), n.cert.subject_key_id.as_deref()))
            .or_default()
            .push(i);
    }
    let evidence_from = inputs.len() + roots.len();
    // The CRLs and OCSP responses, numbered as the run numbers them.
    let numbered = || {
        inputs
            .iter()
            .enumerate()
            .chain(
                evidence
                    .iter()
                    .enumerate()
                    .map(move |(i, e)| (evidence_from + i, e)),
            )
            .filter_map(|(n, e)| e.evidence().map(|item| (n, item)))
    };
    let mut ocsp_responses = Vec::new();
    if opts.revocation != RevocationMode::Off {
        for (number, item) in numbered() {
            if let (Body::OcspResponse(_), Some(der)) = (&item.body, item.der.as_deref()) {
                if let Ok(p) = ocsp::parse_response(der) {
                    ocsp_responses.push((number, p));
                }
            }
        }
    }
    let any_crl =
        numbered().any(|(_, i)| matches!(i.body, Body::Crl(_))) || !ocsp_responses.is_empty();
    let crls = if opts.revocation == RevocationMode::Off
        || (!any_crl && opts.revocation != RevocationMode::Require)
    {
        // Nothing to look at: the run costs what it did before revocation existed.
        None
    } else {
        // Only the entries of the certificates taking part are kept.
        let wanted: HashSet<(dn::NameKey, String)> = nodes
            .iter()
            .map(|n| (n.issuer.clone(), n.cert.serial.clone()))
            .collect();
        let crls = Crls::new(numbered(), &wanted);
        Some(crls)
    };
    let checks_left = MIN_SIGNATURE_CHECKS.max(nodes.len().saturating_mul(CHECKS_PER_CERTIFICATE));
    let mut b = Builder {
        nodes,
        anchors,
        anchor_ders,
        at,
        by_subject,
        by_subject_ski,
        verdicts: HashMap::new(),
        inherited_verdicts: HashMap::new(),
        checks_left,
        checks_skipped: 0,
        opts,
        nc_cache: HashMap::new(),
        crls,
        revocations: HashMap::new(),
        crl_verdicts: HashMap::new(),
        ocsp: Vec::new(),
        ocsp_by_serial: HashMap::new(),
    };
    for (r, (number, p)) in ocsp_responses.into_iter().enumerate() {
        for (s, single) in p.response.responses.iter().enumerate() {
            b.ocsp_by_serial
                .entry(single.cert_id.serial.clone())
                .or_default()
                .push((r, s));
        }
        b.ocsp.push((number, p));
    }
    let leaves = b.leaves();
    let mut chains = Vec::new();
    let mut used: HashSet<usize> = HashSet::new();
    // Every path first, then their descriptions: looking for alternative issuers must not
    // spend the signature-check budget that the paths of later leaves need.
    let paths: Vec<Vec<usize>> = leaves.into_iter().map(|l| b.best_path(l)).collect();
    for path in paths {
        used.extend(path.iter().copied());
        chains.push(b.describe(&path));
    }
    let node_number = |i: usize| b.nodes.get(i).map(|n| n.number);
    let built: Vec<usize> = chains
        .iter()
        .flat_map(|c| c.links.iter().filter(|l| l.from == "input").map(|l| l.item))
        .collect();
    let members: HashSet<usize> = built.iter().copied().collect();
    let given_members: Vec<usize> = given
        .iter()
        .copied()
        .filter(|n| members.contains(n))
        .collect();
    let unneeded = b
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| !n.from_roots && !n.from_evidence && !used.contains(i))
        .filter_map(|(i, _)| node_number(i))
        .collect();
    let mut notes = Vec::new();
    if b.checks_skipped > 0 {
        notes.push(format!(
            "this run's budget of {} signature checks was spent; {} more were not made \
             (a link that needed one says \"not checked\"; an alternative issuer that \
             needed one is not listed)",
            crate::analysis::relate::thousands(checks_left),
            crate::analysis::relate::thousands(b.checks_skipped)
        ));
    }
    let complete = !chains.is_empty() && chains.iter().all(|c| c.complete);
    Report {
        crls: b.crls.as_ref().map(Crls::summaries),
        notes,
        at: Timestamp(at),
        anchors,
        complete,
        valid: complete,
        profile: opts.profile,
        order: Order {
            in_order: given_members == built,
            given,
            built,
        },
        chains,
        unneeded,
        duplicates,
    }
}

impl<'a> Builder<'a> {
    fn node(&self, i: usize) -> Option<&Node<'a>> {
        self.nodes.get(i)
    }

    fn self_signed(&self, i: usize) -> bool {
        self.node(i)
            .is_some_and(|n| n.subject == n.issuer && n.cert.self_signed)
    }

    fn is_anchor(&self, i: usize) -> bool {
        let Some(n) = self.node(i) else { return false };
        match self.anchors {
            Anchors::Roots | Anchors::System => self.anchor_ders.contains(n.der),
            Anchors::Input => self.self_signed(i),
        }
    }

    /// Certificates whose subject is `i`'s issuer and whose SKI fits `i`'s AKI, in input
    /// order, at most [`MAX_ISSUERS`] of them.
    fn issuers(&self, i: usize) -> Vec<usize> {
        // Each list is in input order; the first MAX_ISSUERS + 1 of each are enough for
        // the first MAX_ISSUERS of their union.
        let mut out: Vec<usize> = self
            .issuer_lists(i)
            .into_iter()
            .flat_map(|l| l.iter().copied().filter(|&p| p != i).take(MAX_ISSUERS))
            .collect();
        out.sort_unstable();
        out.truncate(MAX_ISSUERS);
        out
    }

    /// How many certificates [`Self::issuers`] would return without its cap.
    fn issuer_count(&self, i: usize) -> usize {
        self.issuer_lists(i)
            .into_iter()
            .map(|l| l.len() - usize::from(l.binary_search(&i).is_ok()))
            .sum()
    }

    /// The index lists holding `i`'s possible issuers (each sorted, disjoint).
    fn issuer_lists(&self, i: usize) -> Vec<&Vec<usize>> {
        let Some(n) = self.node(i) else {
            return Vec::new();
        };
        match n.cert.authority_key_id.as_deref() {
            // An AKI fits the same SKI, or no SKI at all.
            Some(aki) => [
                self.by_subject_ski.get(&(n.issuer.clone(), Some(aki))),
                self.by_subject_ski.get(&(n.issuer.clone(), None)),
            ]
            .into_iter()
            .flatten()
            .collect(),
            None => self.by_subject.get(&n.issuer).into_iter().collect(),
        }
    }

    fn verdict(&mut self, child: usize, parent: usize) -> Verdict {
        let (Some(c), Some(p)) = (self.node(child), self.node(parent)) else {
            return Verdict::Invalid;
        };
        let (der, spki) = (c.der, p.spki);
        // A DSA key without parameters is whole only with its issuer's (cached by the
        // pair: the same key bits may stand under other parameters elsewhere).
        let inherits = verify::dsa_inherits(spki);
        let cached = if inherits {
            self.inherited_verdicts.get(&(child, parent))
        } else {
            self.verdicts.get(&(child, spki))
        };
        if let Some(v) = cached {
            return v.clone();
        }
        // Without a DSA issuer to inherit from, verify says what is missing.
        let inherited = if inherits { self.dsa_key(parent) } else { None };
        if self.checks_left == 0 {
            // Not cached: the count of skipped checks is what the note reports.
            self.checks_skipped += 1;
            return Verdict::NotChecked("over this run's signature-check budget".to_string());
        }
        self.checks_left -= 1;
        let v = verify::verify(der, inherited.as_deref().unwrap_or(spki));
        if inherits {
            self.inherited_verdicts.insert((child, parent), v.clone());
        } else {
            self.verdicts.insert((child, spki), v.clone());
        }
        v
    }

    /// The key of `i`, a DSA key without parameters, with the parameters of a DSA issuer
    /// whose signature on it verifies (RFC 3279 §2.3.2, RFC 5280 §6.1.4 (f)): the first of
    /// its issuers, in [`Self::issuers`] order, with explicit parameters. One level only:
    /// an issuer that inherits too is not followed, so a ring of such keys cannot recurse.
    fn dsa_key(&mut self, i: usize) -> Option<Vec<u8>> {
        let spki = self.node(i)?.spki;
        for q in self.issuers(i) {
            let Some(issuer_spki) = self.node(q).map(|n| n.spki) else {
                continue;
            };
            if verify::dsa_inherits(issuer_spki) {
                continue;
            }
            if let Some(key) = verify::with_dsa_parameters(spki, issuer_spki) {
                if self.verdict(i, q) == Verdict::Verified {
                    return Some(key);
                }
            }
        }
        None
    }

    /// The certificates paths start from: every input certificate that no other input
    /// names as its issuer (by name, and by key identifier where both have one), in input
    /// order; the verdict of each is then independent of the input order. When every input
    /// issued another (a ring of cross-signs), every input starts a path.
    ///
    /// Counted without [`MAX_ISSUERS`]: a crowd of same-name CAs past the cap must not
    /// turn into a crowd of paths. Linear in the inputs.
    fn leaves(&self) -> Vec<usize> {
        let inputs: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| {
                self.node(i)
                    .is_some_and(|n| !n.from_roots && !n.from_evidence)
            })
            .collect();
        // Children by the issuer name they give, and by (issuer name, AKI).
        let mut by_name: HashMap<&dn::NameKey, usize> = HashMap::new();
        let mut by_name_no_aki: HashMap<&dn::NameKey, usize> = HashMap::new();
        let mut by_name_aki: HashMap<(&dn::NameKey, &str), usize> = HashMap::new();
        for n in inputs.iter().filter_map(|&i| self.node(i)) {
            *by_name.entry(&n.issuer).or_default() += 1;
            match n.cert.authority_key_id.as_deref() {
                Some(aki) => *by_name_aki.entry((&n.issuer, aki)).or_default() += 1,
                None => *by_name_no_aki.entry(&n.issuer).or_default() += 1,
            }
        }
        let issued_another = |n: &Node<'_>| {
            let ski = n.cert.subject_key_id.as_deref();
            let children = match ski {
                None => by_name.get(&n.subject).copied().unwrap_or(0),
                Some(ski) => {
                    by_name_no_aki.get(&n.subject).copied().unwrap_or(0)
                        + by_name_aki.get(&(&n.subject, ski)).copied().unwrap_or(0)
                }
            };
            // A certificate that names itself as issuer is one of the children counted.
            let itself = n.issuer == n.subject
                && match (ski, n.cert.authority_key_id.as_deref()) {
                    (Some(s), Some(a)) => s == a,
                    _ => true,
                };
            children > usize::from(itself)
        };
        let starts: Vec<usize> = inputs
            .iter()
            .copied()
            .filter(|&i| self.node(i).is_some_and(|n| !issued_another(n)))
            .collect();
        if starts.is_empty() {
            inputs
        } else {
            starts
        }
    }

    fn validity(&self, i: usize) -> Validity {
        match self.node(i) {
            Some(n) if self.at < n.cert.not_before.0 => Validity::NotYetValid,
            Some(n) if self.at > n.cert.not_after.0 => Validity::Expired,
            _ => Validity::Valid,
        }
    }

    /// Depth-first search over issuer choices, keeping the best path by [`Self::score`].
    fn best_path(&mut self, leaf: usize) -> Vec<usize> {
        let mut best: Option<(Score, Vec<usize>)> = None;
        let mut path = vec![leaf];
        let mut budget = MAX_PATHS;
        self.search(&mut path, &mut best, &mut budget);
        best.map(|(_, p)| p).unwrap_or_else(|| vec![leaf])
    }

    fn search(
        &mut self,
        path: &mut Vec<usize>,
        best: &mut Option<(Score, Vec<usize>)>,
        budget: &mut usize,
    ) {
        let Some(&top) = path.last() else { return };
        if *budget == 0 {
            return;
        }
        let candidates: Vec<usize> = if self.is_anchor(top) || path.len() >= MAX_DEPTH {
            Vec::new()
        } else {
            self.issuers(top)
                .into_iter()
                .filter(|c| !path.contains(c))
                .collect()
        };
        if candidates.is_empty() {
            *budget -= 1;
            let score = self.score(path);
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                *best = Some((score, path.clone()));
            }
            return;
        }
        for c in candidates {
            path.push(c);
            self.search(path, best, budget);
            path.pop();
            if best.as_ref().is_some_and(|(s, _)| s.0) {
                // A complete path is found; alternatives are reported separately.
                return;
            }
        }
    }

    fn score(&mut self, path: &[usize]) -> Score {
        let anchored = path.last().is_some_and(|&t| self.is_anchor(t));
        let mut verified = 0;
        for pair in path.windows(2) {
            if let [c, p] = pair {
                if self.verdict(*c, *p) == Verdict::Verified {
                    verified += 1;
                }
            }
        }
        let valid = path
            .iter()
            .filter(|&&i| self.validity(i) == Validity::Valid)
            .count();
        let problems = self.problems(path).iter().map(Vec::len).sum::<usize>();
        let len = i64::try_from(path.len()).unwrap_or(i64::MAX);
        (anchored && problems == 0, anchored, verified, valid, -len)
    }

    /// Per-link problems of a path (same length as `path`), leaf first.
    fn problems(&mut self, path: &[usize]) -> Vec<Vec<Problem>> {
        let mut out: Vec<Vec<Problem>> = vec![Vec::new(); path.len()];
        let opts = self.opts;
        let webpki = opts.profile == Profile::Webpki;
        for (pos, &i) in path.iter().enumerate() {
            let Some(n) = self.node(i) else { continue };
            let cert = n.cert;
            let mut p = Vec::new();
            match self.validity(i) {
                Validity::Valid => {}
                Validity::Expired => p.push(Problem::new(
                    "expired",
                    format!("expired on {}", cert.not_after),
                )),
                Validity::NotYetValid => p.push(Problem::new(
                    "not-yet-valid",
                    format!("not valid before {}", cert.not_before),
                )),
            }
            let anchor = self.is_anchor(i);
            // A trust anchor is input to the algorithm, not a certificate of the path
            // (§6.1.1 (d)): its extensions are not processed.
            if !anchor {
                p.extend(validation::unknown_critical(cert, pos == 0));
                if webpki {
                    p.extend(validation::webpki(cert, pos == 0, opts.purpose));
                }
            }
            if pos == 0 {
                p.extend(validation::leaf(cert, opts));
            }
            if pos > 0 {
                p.extend(self.ca_problems(path, pos));
            }
            if let Some(max) = opts.max_depth {
                // Intermediates are the certificates between the leaf and the top.
                if max.checked_add(1) == Some(pos) && pos + 1 < path.len() {
                    let count = path.len() - 2;
                    p.push(Problem::new(
                        "max-depth-exceeded",
                        format!(
                            "{count} intermediate certificates; --max-depth allows {max} \
                             (this is the first one too many)"
                        ),
                    ));
                }
            }
            if let Some(&parent) = path.get(pos + 1) {
                match self.verdict(i, parent) {
                    Verdict::Verified => {}
                    Verdict::Invalid => p.push(Problem::new(
                        "signature-invalid",
                        "signature does not verify with the issuer's key",
                    )),
                    Verdict::NotChecked(what) => p.push(Problem::new(
                        "signature-not-checked",
                        format!("signature not checked: {what}"),
                    )),
                }
            } else if !anchor {
                if self.self_signed(i) {
                    p.push(Problem::new(
                        "untrusted-root",
                        match self.anchors {
                            Anchors::Input => "self-signed but not trusted",
                            _ => "self-signed root that is not among the trusted roots",
                        },
                    ));
                } else {
                    p.push(Problem::new("issuer-not-found", "issuer not found"));
                }
            }
            if let Some(r) = self.revocation(path, pos) {
                match r.status {
                    Status::Good => {}
                    Status::Revoked => {
                        p.push(Problem::new("revoked", format!("revoked {}", r.message)));
                    }
                    Status::Unknown if opts.revocation == RevocationMode::Require => {
                        p.push(Problem::new(
                            "revocation-unknown",
                            format!("revocation status unknown: {}", r.message),
                        ));
                    }
                    Status::Unknown => {}
                }
            }
            if let Some(slot) = out.get_mut(pos) {
                slot.extend(p);
            }
            // This CA's name constraints bind every certificate below it.
            if pos > 0 {
                self.name_constraint_problems(path, pos, &mut out);
            }
        }
        if let Some((_, problems)) = self.policy(path) {
            for (pos, p) in problems {
                if let Some(slot) = out.get_mut(pos) {
                    slot.push(p);
                }
            }
        }
        out
    }

    /// Policy processing over the path without its anchor (RFC 5280 §6.1.2–§6.1.5), with
    /// the problems by position in `path`; `None` when no certificate has a policy
    /// extension and no policy option was given (nothing to say).
    fn policy(&self, path: &[usize]) -> Option<(policy::PolicyResult, Vec<(usize, Problem)>)> {
        let anchored = path.last().is_some_and(|&t| self.is_anchor(t));
        let end = path.len().saturating_sub(usize::from(anchored));
        // The certificate next to the anchor first, the leaf last.
        let positions: Vec<usize> = (0..end).rev().collect();
        let certs: Vec<&Certificate> = positions
            .iter()
            .filter_map(|&pos| path.get(pos).and_then(|&i| self.node(i)).map(|n| n.cert))
            .collect();
        let o = &self.opts.policy;
        let asked =
            !o.initial.is_empty() || o.require_explicit || o.inhibit_mapping || o.inhibit_any;
        let present = certs.iter().any(|c| {
            ["2.5.29.32", "2.5.29.33", "2.5.29.36", "2.5.29.54"]
                .iter()
                .any(|oid| c.extension(oid).is_some())
        });
        if !asked && !present {
            return None;
        }
        let (result, problems) = policy::process(&certs, o);
        let problems = problems
            .into_iter()
            .filter_map(|(idx, p)| positions.get(idx).map(|&pos| (pos, p)))
            .collect();
        Some((result, problems))
    }

    /// What the run's CRLs say about the certificate at `pos` of `path`, whose issuer is
    /// the next certificate of the path (RFC 5280 §6.3.3); `None` when revocation is not
    /// checked or the certificate is the trust anchor (input to the algorithm, §6.1.1 (d)).
    fn revocation(&mut self, path: &[usize], pos: usize) -> Option<Revocation> {
        let &i = path.get(pos)?;
        if self.crls.is_none() || self.is_anchor(i) {
            return None;
        }
        let parent = path.get(pos + 1).copied();
        if let Some(r) = self.revocations.get(&(i, parent)) {
            return Some(r.clone());
        }
        let n = self.node(i)?;
        let cert: &'a Certificate = n.cert;
        let issuer = n.issuer.clone();
        let candidates = self.crls.as_ref()?.candidates(&issuer);
        let mut usable = Vec::new();
        let mut skipped = Vec::new();
        let mut unsaid = 0usize;
        for k in candidates {
            let checked = {
                let c = self.crls.as_ref()?.get(k)?;
                c.scope(cert, &issuer)
                    .and_then(|mask| c.current(self.at).map(|()| mask))
                    .and_then(|mask| c.processable().map(|()| mask))
            };
            let anchor = path.last().copied().filter(|&t| self.is_anchor(t));
            let checked =
                checked.and_then(|mask| self.crl_signer(k, parent, anchor).map(|()| mask));
            match checked {
                Ok(mask) => usable.push((k, mask)),
                // A crowd of CRLs that do not apply is counted, not listed.
                Err(why) if skipped.len() < MAX_CRL_REASONS => skipped.push(why),
                Err(_) => unsaid += 1,
            }
        }
        if unsaid > 0 {
            skipped.push(format!("{unsaid} more CRLs not used"));
        }
        let r = revocation::verdict(self.crls.as_ref()?, cert, &issuer, &usable, &skipped);
        let r = match self.ocsp_status(i, parent) {
            None => r,
            Some(Ok(o)) if o.status == Status::Revoked => o,
            Some(_) if r.status == Status::Revoked => r,
            Some(Ok(o)) if o.status == Status::Good => o,
            Some(Ok(o)) => revocation::Revocation {
                message: format!("{}; {}", r.message, o.message),
                ..r
            },
            Some(Err(why)) => revocation::Revocation {
                message: format!("{}; {why}", r.message),
                ..r
            },
        };
        self.revocations.insert((i, parent), r.clone());
        Some(r)
    }

    /// What the run's OCSP responses say about certificate `i` issued by `parent`
    /// (RFC 6960 §3.2): a SingleResponse whose CertID is `i`'s serial and `parent`'s name
    /// and key hashes, in a successful response current at `--at`, signed by `parent` or
    /// by a responder certificate the response carries that `parent` issued with
    /// id-kp-OCSPSigning (§4.2.2.2). `None` when no response is about it; `Err` with the
    /// words when none could be used.
    fn ocsp_status(
        &mut self,
        i: usize,
        parent: Option<usize>,
    ) -> Option<Result<Revocation, String>> {
        let serial = self.node(i)?.cert.serial.clone();
        let found = self.ocsp_by_serial.get(&serial)?.clone();
        let p = parent.and_then(|p| self.node(p))?;
        let (parent_der, parent_spki) = (p.der, p.spki);
        let (name, key) = ocsp::name_and_key(parent_der)?;
        let mut why = String::new();
        for (r, s) in found {
            let Some((number, parsed)) = self.ocsp.get(r) else {
                continue;
            };
            let number = *number;
            let Some(single) = parsed.response.responses.get(s) else {
                continue;
            };
            let id = &single.cert_id;
            let Some(h) = ocsp::hash_alg(&id.hash_algorithm) else {
                why = format!(
                    "OCSP response #{number}: CertID hash {} not supported",
                    id.hash_algorithm
                );
                continue;
            };
            if hex::encode(h.digest(name)) != id.issuer_name_hash
                || hex::encode(h.digest(key)) != id.issuer_key_hash
            {
                // About a certificate of the same serial from another issuer.
                continue;
            }
            if parsed.response.response_status != "successful" {
                why = format!(
                    "OCSP response #{number}: status {}",
                    parsed.response.response_status
                );
                continue;
            }
            if self.at < single.this_update.0 {
                why = format!(
                    "OCSP response #{number} is not yet valid (thisUpdate {})",
                    single.this_update
                );
                continue;
            }
            if single.next_update.is_some_and(|n| self.at > n.0) {
                why = format!(
                    "OCSP response #{number} is stale (nextUpdate {})",
                    single
                        .next_update
                        .map(|t| t.to_string())
                        .unwrap_or_default()
                );
                continue;
            }
            // Who signed it: the issuer itself, or a delegated responder it certified.
            let Some(basic) = parsed.basic else { continue };
            let by_issuer = ocsp::names_responder(parsed, parent_der);
            let delegated = parsed
                .responder
                .and_then(|k| parsed.certs.get(k).copied())
                .filter(|_| !by_issuer);
            let signature_ok = if by_issuer {
                verify::verify(basic, parent_spki) == Verdict::Verified
            } else if let Some(responder) = delegated {
                let role_ok = parsed
                    .response
                    .responder
                    .as_ref()
                    .is_some_and(|r| r.ocsp_signing);
                if !role_ok {
                    why = format!("OCSP response #{number}: its responder lacks id-kp-OCSPSigning");
                    continue;
                }
                let valid = crate::decode::cert::decode(responder)
                    .is_ok_and(|d| d.cert.not_before.0 <= self.at && self.at <= d.cert.not_after.0);
                if !valid {
                    why = format!(
                        "OCSP response #{number}: its responder's certificate is not valid at --at"
                    );
                    continue;
                }
                if verify::verify(responder, parent_spki) != Verdict::Verified {
                    why = format!(
                        "OCSP response #{number}: its responder was not issued by the certificate's issuer"
                    );
                    continue;
                }
                parsed.response.signature == "verified"
            } else {
                why = format!(
                    "OCSP response #{number}: signed neither by the issuer nor by a responder certificate it carries"
                );
                continue;
            };
            if !signature_ok {
                why = format!("OCSP response #{number}: its signature does not verify");
                continue;
            }
            let (status, message) = match single.cert_status.as_str() {
                "good" => (
                    Status::Good,
                    format!("not revoked (OCSP response #{number})"),
                ),
                "revoked" => (
                    Status::Revoked,
                    format!(
                        "on {}{} (OCSP response #{number})",
                        single
                            .revocation_time
                            .map(|t| t.to_string())
                            .unwrap_or_default(),
                        single
                            .revocation_reason
                            .as_deref()
                            .map(|r| format!(", {r}"))
                            .unwrap_or_default()
                    ),
                ),
                _ => (
                    Status::Unknown,
                    format!("OCSP response #{number}: the responder does not know it"),
                ),
            };
            return Some(Ok(Revocation {
                status,
                reason: single
                    .revocation_reason
                    .clone()
                    .filter(|_| status == Status::Revoked),
                revocation_date: single.revocation_time.filter(|_| status == Status::Revoked),
                by: vec![number],
                message,
            }));
        }
        if why.is_empty() {
            None
        } else {
            Some(Err(why))
        }
    }

    /// Whether CRL `k` is signed by a certificate entitled to sign it for a certificate
    /// issued by `parent` on a path to `anchor`: the issuer itself, a trust anchor, a
    /// certificate that the issuer issued (a CRL signer of the CA, or the signer of an
    /// indirect CRL), or any other certificate with a path to the same anchor (§6.3.3 (f):
    /// "the trust anchor for the certification path MUST be the same"; the CA's other key
    /// after a rollover, PKITS 4.5, or its separate CRL-signing key, PKITS 4.4.19); with
    /// keyUsage, that certificate must have cRLSign. The words say why not.
    fn crl_signer(
        &mut self,
        k: usize,
        parent: Option<usize>,
        anchor: Option<usize>,
    ) -> Result<(), String> {
        let (number, issuer, aki, der) = {
            let c = self
                .crls
                .as_ref()
                .and_then(|c| c.get(k))
                .ok_or_else(String::new)?;
            (
                c.number,
                c.issuer.clone(),
                c.crl.authority_key_id.clone(),
                c.der,
            )
        };
        let mut candidates: Vec<usize> = self
            .by_subject
            .get(&issuer)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&s| {
                let ski = self.node(s).and_then(|n| n.cert.subject_key_id.as_deref());
                match (ski, aki.as_deref()) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
            })
            .take(MAX_ISSUERS)
            .collect();
        // The certificate's own issuer first: the usual case costs one check.
        if let Some(p) = parent {
            if let Some(at) = candidates.iter().position(|&s| s == p) {
                candidates.remove(at);
                candidates.insert(0, p);
            }
        }
        let mut why = format!("CRL #{number}: no certificate of the run is its issuer");
        for s in candidates {
            let entitled = Some(s) == parent
                || self.is_anchor(s)
                || parent.is_some_and(|p| self.verdict(s, p) == Verdict::Verified)
                || anchor.is_some_and(|a| self.chains_to(s, a));
            if !entitled {
                why = format!(
                    "CRL #{number}: its issuer #{} is neither the certificate's issuer, \
                     a trust anchor, issued by the certificate's issuer nor on a valid \
                     path to the certificate's trust anchor",
                    self.node(s).map_or(0, |n| n.number)
                );
                continue;
            }
            let Some(signer) = self.node(s) else { continue };
            let (signer_number, spki) = (signer.number, signer.spki);
            if signer
                .cert
                .key_usage()
                .is_some_and(|ku| !ku.iter().any(|u| u == "cRLSign"))
            {
                why = format!("CRL #{number}: its issuer #{signer_number} lacks keyUsage cRLSign");
                continue;
            }
            let v = match self.crl_verdicts.get(&(k, s)) {
                Some(v) => v.clone(),
                None if self.checks_left == 0 => {
                    self.checks_skipped += 1;
                    Verdict::NotChecked("over this run's signature-check budget".to_string())
                }
                None => {
                    self.checks_left -= 1;
                    let v = verify::verify(der, spki);
                    self.crl_verdicts.insert((k, s), v.clone());
                    v
                }
            };
            match v {
                Verdict::Verified => return Ok(()),
                Verdict::Invalid => {
                    why = format!(
                        "CRL #{number}: its signature does not verify with the key of #{signer_number}"
                    );
                }
                Verdict::NotChecked(what) => {
                    why = format!("CRL #{number}: signature not checked: {what}");
                }
            }
        }
        Err(why)
    }

    /// Whether certificate `s` has a path to `anchor` on which every certificate is valid
    /// at `--at`, every signature verifies and every issuer is a CA with keyCertSign (when
    /// it has keyUsage): the CRL issuer's path of §6.3.3 (f). Its own revocation is not
    /// asked, so a CRL issuer's path never recurses into CRLs; depth and breadth are bounded
    /// by [`MAX_DEPTH`] and [`MAX_ISSUERS`], and the signature checks by the run's budget.
    fn chains_to(&mut self, s: usize, anchor: usize) -> bool {
        let mut stack = vec![vec![s]];
        let mut visited = HashSet::new();
        while let Some(path) = stack.pop() {
            let Some(&top) = path.last() else { continue };
            if self.validity(top) != Validity::Valid {
                continue;
            }
            if top == anchor {
                return true;
            }
            if path.len() >= MAX_DEPTH || !visited.insert(top) {
                continue;
            }
            for p in self.issuers(top) {
                let ca_ok = self.node(p).is_some_and(|n| {
                    n.cert.is_ca()
                        && n.cert
                            .key_usage()
                            .is_none_or(|ku| ku.iter().any(|u| u == "keyCertSign"))
                });
                if ca_ok && !path.contains(&p) && self.verdict(top, p) == Verdict::Verified {
                    let mut next = path.clone();
                    next.push(p);
                    stack.push(next);
                }
            }
        }
        false
    }

    /// What RFC 5280 §6.1.4 requires of the issuer at `pos` (> 0) of `path`.
    fn ca_problems(&self, path: &[usize], pos: usize) -> Vec<Problem> {
        let mut p = Vec::new();
        let Some(&i) = path.get(pos) else { return p };
        let Some(cert) = self.node(i).map(|n| n.cert) else {
            return p;
        };
        // §6.1.4 (k): an issuer must be a CA; OpenSSL still accepts a version 1
        // certificate as a trust anchor, and so do we.
        let v1_anchor = self.is_anchor(i) && cert.version == 1;
        if !cert.is_ca() && !v1_anchor {
            p.push(Problem::new(
                "not-a-ca",
                match cert.basic_constraints() {
                    Some(_) => "not a CA (basicConstraints cA is not set)",
                    None => "not a CA (no basicConstraints extension)",
                },
            ));
        }
        if let Some(ku) = cert.key_usage() {
            if !ku.iter().any(|k| k == "keyCertSign") {
                p.push(Problem::new(
                    "no-key-cert-sign",
                    "keyUsage lacks keyCertSign",
                ));
            }
        }
        if let Some(max) = cert.basic_constraints().and_then(|b| b.path_len) {
            // §6.1.4 (l)/(m): non-self-issued intermediates below this CA.
            let below = path
                .get(1..pos)
                .unwrap_or(&[])
                .iter()
                .filter(|&&j| self.node(j).is_some_and(|n| !n.cert.self_issued()))
                .count();
            if u32::try_from(below).unwrap_or(u32::MAX) > max {
                p.push(Problem::new(
                    "path-length-exceeded",
                    format!(
                        "path length constraint {max} exceeded: {below} CA certificate{} below it",
                        if below == 1 { "" } else { "s" }
                    ),
                ));
            }
        }
        p
    }

    /// Applies the name constraints of the CA at `pos` to the certificates below it
    /// (§6.1.3 (b), (c)); a self-issued certificate that is not the leaf is exempt.
    fn name_constraint_problems(&mut self, path: &[usize], pos: usize, out: &mut [Vec<Problem>]) {
        let Some(&ca_index) = path.get(pos) else {
            return;
        };
        for (j, &below) in path.iter().enumerate().take(pos) {
            let key = (ca_index, below, j == 0);
            let found = match self.nc_cache.get(&key) {
                Some(p) => p.clone(),
                None => {
                    let p = self.name_constraint_pair(ca_index, below, j == 0);
                    self.nc_cache.insert(key, p.clone());
                    p
                }
            };
            if let Some(slot) = out.get_mut(j) {
                slot.extend(found);
            }
        }
    }

    /// The problems the name constraints of `ca` give `below` (the leaf when `leaf`).
    fn name_constraint_pair(&self, ca: usize, below: usize, leaf: bool) -> Vec<Problem> {
        let mut found = Vec::new();
        let (Some(ca), Some(n)) = (self.node(ca), self.node(below)) else {
            return found;
        };
        let Some(ExtValue::NameConstraints(nc)) = ca.cert.extension("2.5.29.30").map(|e| &*e.value)
        else {
            return found;
        };
        if !leaf && n.cert.self_issued() {
            return found;
        }
        let cn_as_dns = self.opts.profile == Profile::Webpki;
        let names = name_constraints::subject_names(
            &n.cert.subject,
            n.cert.subject_alt_names(),
            cn_as_dns && leaf,
        );
        for v in name_constraints::check(nc, &names) {
            found.push(match v {
                Violation::NotPermitted(name) => Problem::new(
                    "name-not-permitted",
                    format!(
                        "{} {} is outside the permitted {} subtrees of {}",
                        form(name.kind),
                        name.value,
                        form(name.kind),
                        ca.cert.subject
                    ),
                ),
                Violation::Excluded(name, base) => Problem::new(
                    "name-excluded",
                    format!(
                        "{} {} is within the excluded subtree {} of {}",
                        form(name.kind),
                        name.value,
                        base.value,
                        ca.cert.subject
                    ),
                ),
            });
        }
        found
    }

    fn describe(&mut self, path: &[usize]) -> Chain {
        let problems = self.problems(path);
        let mut links = Vec::new();
        let mut alternatives = Vec::new();
        let mut alternatives_not_listed = 0;
        for (pos, &i) in path.iter().enumerate() {
            let parent = path.get(pos + 1).copied();
            let signature = match parent {
                Some(p) => self.verdict(i, p).describe(),
                None if self.self_signed(i) => {
                    let own = self.verdict(i, i).describe();
                    if self.is_anchor(i) {
                        format!("trust anchor (self-signed, {own})")
                    } else {
                        format!("self-signed ({own})")
                    }
                }
                None if self.is_anchor(i) => "trust anchor".to_string(),
                None => "no issuer".to_string(),
            };
            if let Some(p) = parent {
                let candidates: Vec<usize> =
                    self.issuers(i).into_iter().filter(|&a| a != p).collect();
                let mut listed = 0;
                let mut looked = 0;
                for &alt in &candidates {
                    if listed >= MAX_ALTERNATIVES || looked >= MAX_ALTERNATIVE_CANDIDATES {
                        break;
                    }
                    looked += 1;
                    if self.verdict(i, alt) == Verdict::Verified {
                        if let Some(a) = self.node(alt) {
                            listed += 1;
                            alternatives.push(Alternative {
                                position: pos,
                                item: a.number,
                                subject: a.cert.subject.clone(),
                                issuer: a.cert.issuer.clone(),
                            });
                        }
                    }
                }
                // The parent and those looked at are accounted for; the rest is counted.
                alternatives_not_listed += self.issuer_count(i).saturating_sub(1 + looked);
            }
            let validity = self.validity(i);
            let anchor = self.is_anchor(i);
            let revocation = self.revocation(path, pos);
            let Some(n) = self.node(i) else { continue };
            let c = n.cert;
            links.push(Link {
                item: n.number,
                source: n.source.clone(),
                from: if n.from_roots {
                    "roots"
                } else if n.from_evidence {
                    "evidence"
                } else {
                    "input"
                },
                subject: c.subject.clone(),
                issuer: c.issuer.clone(),
                serial: c.serial.clone(),
                subject_key_id: c.subject_key_id.clone(),
                authority_key_id: c.authority_key_id.clone(),
                not_before: c.not_before,
                not_after: c.not_after,
                validity,
                ca: c.basic_constraints().map(|b| b.ca),
                path_len: c.basic_constraints().and_then(|b| b.path_len),
                key_usage: c.key_usage().map(<[String]>::to_vec),
                signature_algorithm: c.signature_algorithm.clone(),
                signature,
                anchor,
                problems: problems.get(pos).cloned().unwrap_or_default(),
                revocation,
            });
        }
        let top = path.last().copied();
        let anchored = top.is_some_and(|t| self.is_anchor(t));
        let missing = top
            .filter(|&t| !anchored && !self.self_signed(t))
            .and_then(|t| self.node(t))
            .map(|n| Missing {
                issuer: n.cert.issuer.clone(),
                authority_key_id: n.cert.authority_key_id.clone(),
                ca_issuers: n.cert.ca_issuers(),
            });
        let root_included = top
            .and_then(|t| self.node(t).map(|n| (t, n.from_roots)))
            .is_some_and(|(t, from_roots)| !from_roots && self.self_signed(t));
        let complete = anchored && links.iter().all(|l| l.problems.is_empty());
        let policies = self.policy(path).map(|(r, _)| r.policies);
        Chain {
            complete,
            valid: complete,
            policies,
            links,
            root_included,
            missing,
            alternatives,
            alternatives_not_listed,
        }
    }
}

/// The RFC 5280 name of a name form, for problem messages.
fn form(kind: &str) -> &'static str {
    match kind {
        "dns" => "dNSName",
        "ip" => "iPAddress",
        "email" => "rfc822Name",
        "uri" => "URI",
        _ => "directoryName",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::items_of as items;

    fn at(s: &str) -> OffsetDateTime {
        OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
    }

    const NOW: &str = "2026-01-15T12:00:00Z";

    #[test]
    fn good_chain_against_its_root() {
        let inputs = items(include_bytes!("../../fixtures/chains/good.pem"));
        let roots = items(include_bytes!("../../fixtures/chains/root.pem"));
        let r = build(&inputs, &roots, Anchors::Roots, at(NOW));
        assert!(r.complete, "{r:#?}");
        let c = &r.chains[0];
        assert_eq!(
            c.links.iter().map(|l| l.item).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert!(!c.root_included);
        assert!(r.order.in_order);
        assert!(r.unneeded.is_empty() && r.duplicates.is_empty());
    }

    #[test]
    fn misordered_is_complete_but_not_in_order() {
        let inputs = items(include_bytes!("../../fixtures/chains/misordered.pem"));
        let roots = items(include_bytes!("../../fixtures/chains/root.pem"));
        let r = build(&inputs, &roots, Anchors::Roots, at(NOW));
        assert!(r.complete);
        assert_eq!(r.order.given, vec![0, 1]);
        assert_eq!(r.order.built, vec![1, 0]);
        assert!(!r.order.in_order);
    }

    #[test]
    fn missing_intermediate_names_it() {
        let inputs = items(include_bytes!(
            "../../fixtures/chains/missing-intermediate.pem"
        ));
        let roots = items(include_bytes!("../../fixtures/chains/root.pem"));
        let r = build(&inputs, &roots, Anchors::Roots, at(NOW));
        assert!(!r.complete);
        let m = r.chains[0].missing.as_ref().unwrap();
        assert_eq!(
            m.issuer,
            "CN=Certscope Chain Intermediate,O=Certscope Chains"
        );
        assert_eq!(
            m.ca_issuers,
            vec!["http://pki.example/chain-intermediate.crt"]
        );
    }

    #[test]
    fn root_in_the_input_is_enough_without_roots() {
        let inputs = items(include_bytes!("../../fixtures/chains/good-with-root.pem"));
        let r = build(&inputs, &[], Anchors::Input, at(NOW));
        assert!(r.complete);
        assert!(r.chains[0].root_included);
        let r = build(
            &items(include_bytes!("../../fixtures/chains/good.pem")),
            &[],
            Anchors::Input,
            at(NOW),
        );
        assert!(!r.complete);
    }

    #[test]
    fn expired_intermediate_and_time_travel() {
        let inputs = items(include_bytes!(
            "../../fixtures/chains/expired-intermediate.pem"
        ));
        let roots = items(include_bytes!("../../fixtures/chains/root.pem"));
        assert!(!build(&inputs, &roots, Anchors::Roots, at(NOW)).complete);
        assert!(build(&inputs, &roots, Anchors::Roots, at("2020-06-01T00:00:00Z")).complete);
    }

    #[test]
    fn cross_signed_alternative_and_backtracking() {
        let inputs = items(include_bytes!("../../fixtures/chains/cross-signed.pem"));
        let roots = items(include_bytes!("../../fixtures/chains/root.pem"));
        let r = build(&inputs, &roots, Anchors::Roots, at(NOW));
        assert!(r.complete);
        assert_eq!(r.chains[0].alternatives.len(), 1);
        assert_eq!(r.chains[0].alternatives[0].item, 2);
        let old = items(include_bytes!("../../fixtures/chains/old-root.pem"));
        let r = build(&inputs, &old, Anchors::Roots, at(NOW));
        assert!(r.complete, "the cross-signed path reaches the old root");
        assert_eq!(r.chains[0].links[1].item, 2);
    }

    #[test]
    fn pathlen_and_bad_signature_fail() {
        let roots = items(include_bytes!("../../fixtures/chains/root.pem"));
        for data in [
            &include_bytes!("../../fixtures/chains/pathlen-exceeded.pem")[..],
            &include_bytes!("../../fixtures/chains/bad-signature.pem")[..],
        ] {
            let r = build(&items(data), &roots, Anchors::Roots, at(NOW));
            assert!(!r.complete);
            assert!(r.chains[0].links.iter().any(|l| !l.problems.is_empty()));
        }
    }

    #[test]
    fn duplicates_and_unneeded() {
        let inputs = items(include_bytes!(
            "../../fixtures/chains/extra-and-duplicate.pem"
        ));
        let roots = items(include_bytes!("../../fixtures/chains/root.pem"));
        let r = build(&inputs, &roots, Anchors::Roots, at(NOW));
        assert_eq!(r.duplicates.len(), 1);
        assert_eq!((r.duplicates[0].item, r.duplicates[0].duplicate_of), (2, 1));
        // The unrelated old root issued no other input: it starts a path of its own, which
        // fails (it is not a trusted root), so the run is not complete (issue 15).
        assert!(r.chains[0].complete);
        assert_eq!(r.chains[1].links[0].item, 3);
        assert_eq!(r.chains[1].links[0].problems[0].code, "untrusted-root");
        assert!(!r.complete);
        assert!(r.unneeded.is_empty());
    }

    #[test]
    fn every_certificate_that_issued_nothing_starts_a_path() {
        let roots = items(include_bytes!("../../fixtures/validation/root.pem"));
        let given = items(include_bytes!(
            "../../fixtures/validation/two-intermediates.pem"
        ));
        let mut reversed = given.clone();
        reversed.reverse();
        for (order, inputs) in [("given", given), ("reversed", reversed)] {
            let r = build(&inputs, &roots, Anchors::Roots, at(NOW));
            assert_eq!(r.chains.len(), 2, "{order:?}");
            assert!(
                !r.complete,
                "{order:?}: the expired CA fails in every order"
            );
            assert!(r.unneeded.is_empty());
        }
    }
}
