//! `check` over a stream of items, for runs of any size: each item's own lints run as it
//! arrives and its findings are handed out as soon as nothing before it can still change,
//! and only what the run-level checks need is kept (issue 18: `check -r` over 100,000
//! files held every decoded item, about 1 GiB).
//!
//! The part of an item's check that needs only the item ([`prepare`]: its own lints, and
//! cutting it to what may be kept) runs wherever the item was decoded, on any thread; the
//! [`Checker`] takes the prepared items in run order ([`Checker::take`]) and does the rest.
//!
//! What is kept until the end:
//!
//! - **CA certificates** (basicConstraints cA), whole but without their PEM text: the
//!   issuers that `leaf-is-ca` ("issued nothing in this run") and `path-length-violated`
//!   ask about, and whose own findings wait for the end because they depend on what they
//!   issued. A run has few of them.
//! - **Other certificates and CRLs, as possible children of those CAs**: every one while
//!   the kept DER stays under [`KEEP_BYTES`], and past it at most [`KEEP_PER_ISSUER`] per
//!   issuer name and authority key id. One child is enough to show that a CA issued
//!   something; a child that is not itself a CA adds nothing to a path length. The
//!   difference shows only past the budget, and only in `--roots` runs, where a context
//!   CA's path-length violation is reported on each of its children: on the kept ones.
//! - The findings waiting behind a CA certificate (output keeps item order).
//!
//! Keys, CSRs, CMS and the like are linted and dropped. The issued-by graph is the one
//! [`crate::relate`] computes among the kept items, so over a run within the budget the
//! findings are exactly those of [`super::check_first`].

use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::asn1::dn;
use crate::model::{Body, Item};

use super::{emit, is_anchor, own_findings, run_level, Counts, Finding, Lint, Options};

/// What kept certificates and CRLs (not CAs) may cost, in bytes (their DER plus an
/// estimate for their fields), within which every possible child of a CA is kept: a run of
/// about two thousand certificates is related exactly as a whole.
pub const KEEP_BYTES: usize = 4 << 20;

/// Past [`KEEP_BYTES`], at most this many certificates or CRLs are kept per issuer name
/// and authority key id.
pub const KEEP_PER_ISSUER: usize = 16;

/// What a kept child costs besides its DER (the slimmed item's fields), for the budget.
const KEPT_OVERHEAD: usize = 1024;

/// Cuts a child that is not a CA to what relating it needs (names, key identifiers,
/// basicConstraints, DER, key): its findings are out already.
fn slim(item: &mut Item) {
    item.warnings = Vec::new();
    item.bag = None;
    item.protection = None;
    if let Body::Certificate(c) = &mut item.body {
        c.subject_rdns = Default::default();
        c.issuer_rdns = Default::default();
        // Shrunk only once kept ([`Checker::keep`]): most are dropped past the budget.
        c.extensions.retain(|e| e.oid == "2.5.29.19");
    }
}

/// One item's part of a check that needs nothing but the item and the options: its own
/// findings, what it adds to the counts, and the cut item the run-level checks may keep.
/// Made by [`prepare`] wherever the item was decoded (it is `Send`, and `prepare` reads
/// only the options), so that the lints run and the item is freed on the decoding threads;
/// [`Checker::take`] adds it to the run, in run order.
#[derive(Debug)]
pub struct Prepared {
    /// A certificate, CRL or CSR: the rest are not checked.
    checked: bool,
    /// A CA certificate: its own findings wait for the run (`leaf-is-ca`).
    ca: bool,
    anchor: bool,
    /// The certificate has a basicConstraints path length.
    path_len: bool,
    /// Own findings (none yet for a CA).
    found: Vec<(&'static Lint, String)>,
    /// The item's kind counted (no findings: those are counted as they are emitted).
    counts: Counts,
    /// A certificate or CRL cut to what relating it needs (a CA's whole but its PEM text),
    /// for [`Checker::take`] to keep or drop. Boxed: a `Prepared` is moved several times on
    /// its way to the printing thread, and most are dropped there.
    keep: Option<Box<Item>>,
}

/// Whether `check` examines `item` (a certificate, CRL or CSR); [`prepare`] of any other
/// item only counts it in the run.
pub fn checks(item: &Item) -> bool {
    matches!(
        item.body,
        Body::Certificate(_) | Body::Crl(_) | Body::Csr(_)
    )
}

/// Runs `item`'s own lints with `opts` (a [`Checker`]'s) and cuts it to what the run-level
/// checks may need; see [`Prepared`]. A boxed item stays in its box.
pub fn prepare(opts: &Options, item: impl Into<Box<Item>>) -> Prepared {
    let mut item: Box<Item> = item.into();
    let ca = matches!(&item.body, Body::Certificate(c) if c.is_ca());
    let mut found = Vec::new();
    let mut counts = Counts::default();
    let checked = if ca {
        counts.checked = 1;
        counts.certificates = 1;
        true
    } else {
        own_findings(&item, opts, false, &mut found, &mut counts)
    };
    let anchor = is_anchor(&item);
    let path_len = matches!(&item.body,
        Body::Certificate(c) if c.basic_constraints().and_then(|b| b.path_len).is_some());
    let keep = match &item.body {
        Body::Certificate(_) | Body::Crl(_) if checked => {
            if !ca {
                slim(&mut item);
            }
            // The PEM text is for output, which has its own copy of what it needs.
            item.pem = None;
            Some(item)
        }
        _ => None,
    };
    Prepared {
        checked,
        ca,
        anchor,
        path_len,
        found,
        counts,
        keep,
    }
}

/// An item whose findings are not out yet.
#[derive(Debug)]
struct Waiting {
    /// Run number.
    number: usize,
    /// Findings so far (all of them, for an item that is `done`).
    found: Vec<(&'static Lint, String)>,
    /// Position in `kept` of an item whose findings need the whole run.
    kept: Option<usize>,
    anchor: bool,
}

/// Checks a run item by item; see the module documentation.
#[derive(Debug)]
pub struct Checker {
    opts: Options,
    /// Items for the run-level checks, in run order.
    kept: Vec<Item>,
    /// Run number of each kept item.
    numbers: Vec<usize>,
    kept_bytes: usize,
    /// Kept items per (issuer name, authority key id), by hash, counted once past the budget.
    per_issuer: HashMap<u64, usize>,
    /// The last issuer name counted in `per_issuer` and the hash of its normalised form.
    last_issuer: Option<(String, u64)>,
    /// Items whose findings wait, and the finished ones behind them, in run order.
    waiting: VecDeque<Waiting>,
    /// Findings ready to be written, in order.
    ready: Vec<Finding>,
    counts: Counts,
    /// Run number of the next item.
    next: usize,
    /// Run number and kept position of the first context item, once they started.
    context_from: Option<(usize, usize)>,
    /// Context items follow the checked ones (`--roots`), so a kept certificate can still
    /// get a context CA's path-length finding.
    context_follows: bool,
}

impl Checker {
    /// A checker; `context_follows` when context certificates ([`Checker::context`]) will
    /// follow the checked items.
    pub fn new(opts: Options, context_follows: bool) -> Checker {
        Checker {
            opts,
            kept: Vec::new(),
            numbers: Vec::new(),
            kept_bytes: 0,
            per_issuer: HashMap::new(),
            last_issuer: None,
            waiting: VecDeque::new(),
            ready: Vec::new(),
            counts: Counts::default(),
            next: 0,
            context_from: None,
            context_follows,
        }
    }

    /// Checks the next item of the run (numbered by arrival): [`prepare`] and
    /// [`Checker::take`] in one. True when the item has findings now or may get some
    /// later: the caller then keeps what it needs to name the item until its findings come
    /// out of [`Checker::take_ready`] or [`Checker::finish`].
    pub fn item(&mut self, item: Item) -> bool {
        let prepared = prepare(&self.opts, item);
        self.take(prepared)
    }

    /// The options the run is checked with (for [`prepare`] on other threads).
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Takes the next item of the run (numbered by arrival), prepared by [`prepare`] with
    /// this checker's options: what [`Checker::item`] returns.
    pub fn take(&mut self, prepared: Prepared) -> bool {
        let number = self.next;
        self.next += 1;
        let Prepared {
            checked,
            ca,
            anchor,
            path_len,
            found,
            counts,
            keep,
        } = prepared;
        if !checked {
            return false;
        }
        self.counts.checked += counts.checked;
        self.counts.certificates += counts.certificates;
        self.counts.crls += counts.crls;
        self.counts.csrs += counts.csrs;
        if !ca && found.is_empty() && keep.is_none() {
            return false;
        }
        let kept = keep.and_then(|item| self.keep(item, number, ca));
        // A CA's own findings wait for the run (`leaf-is-ca`); so do a kept certificate's
        // when a path-length finding can still reach it.
        let waits = ca || (kept.is_some() && (path_len || self.context_follows));
        if waits {
            self.waiting.push_back(Waiting {
                number,
                found,
                kept,
                anchor,
            });
            return true;
        }
        if found.is_empty() {
            return false;
        }
        if self.waiting.is_empty() {
            emit(
                number,
                found,
                anchor,
                &self.opts,
                &mut self.ready,
                &mut self.counts,
            );
        } else {
            self.waiting.push_back(Waiting {
                number,
                found,
                kept: None,
                anchor,
            });
        }
        true
    }

    /// Adds a context certificate (`--roots`): an issuer the run-level checks see, not
    /// itself checked. Call after every checked item.
    pub fn context(&mut self, item: Item) {
        let number = self.next;
        self.next += 1;
        if !matches!(item.body, Body::Certificate(_)) {
            return;
        }
        if self.context_from.is_none() {
            self.context_from = Some((number, self.kept.len()));
        }
        self.kept.push(item);
        self.numbers.push(number);
    }

    /// Keeps `item` (cut by [`prepare`]) for the run-level checks if it is a CA
    /// certificate or a possible child of one (see the module documentation); its position
    /// in `kept`.
    fn keep(&mut self, mut item: Box<Item>, number: usize, ca: bool) -> Option<usize> {
        let (issuer, aki) = match &item.body {
            Body::Certificate(c) => (&c.issuer, &c.authority_key_id),
            Body::Crl(c) => (&c.issuer, &c.authority_key_id),
            _ => return None,
        };
        if !ca && self.kept_bytes >= KEEP_BYTES {
            // A run's certificates mostly share a few issuers: the last one's normalised
            // name is reused rather than computed again for every item.
            let key = match &self.last_issuer {
                Some((text, key)) if text == issuer => *key,
                _ => {
                    let mut h = DefaultHasher::new();
                    dn::name_key(issuer).hash(&mut h);
                    let key = h.finish();
                    self.last_issuer = Some((issuer.clone(), key));
                    key
                }
            };
            let mut h = DefaultHasher::new();
            (key, aki).hash(&mut h);
            let n = self.per_issuer.entry(h.finish()).or_insert(0);
            if *n >= KEEP_PER_ISSUER {
                return None;
            }
            *n += 1;
        }
        if let (false, Body::Certificate(c)) = (ca, &mut item.body) {
            c.extensions.shrink_to_fit();
        }
        self.kept_bytes += item.der.as_deref().map_or(0, <[u8]>::len)
            + item.spki_der.as_ref().map_or(0, Vec::len)
            + KEPT_OVERHEAD;
        self.kept.push(*item);
        self.numbers.push(number);
        Some(self.kept.len() - 1)
    }

    /// The counts so far: the items checked and the findings handed out.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Findings that can be written now, in run order (then [`super::LINTS`] order).
    pub fn take_ready(&mut self) -> Vec<Finding> {
        std::mem::take(&mut self.ready)
    }

    /// [`Checker::take_ready`] appended to `out`: a caller that takes them after every item
    /// reuses one buffer (and the checker its own) instead of a new list per item.
    pub fn take_ready_into(&mut self, out: &mut Vec<Finding>) {
        out.append(&mut self.ready);
    }

    /// Whether some item's findings wait for later items or the end of the run: when not,
    /// every item taken so far has all its findings out (or ready).
    pub fn pending(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// Runs the run-level checks and returns the remaining findings and the counts.
    pub fn finish(mut self) -> (Vec<Finding>, Counts) {
        let checked = self.context_from.map_or(self.kept.len(), |(_, k)| k);
        let (issuers, path_len) = if self.waiting.is_empty() {
            Default::default()
        } else {
            // Relating kept items groups them by SPKI pin. A check decodes without pins (no
            // lint reads one), so they are taken here, only when the run-level checks run.
            for item in &mut self.kept {
                item.fill_spki_pin();
            }
            run_level(&self.kept, checked)
        };
        let mut findings = std::mem::take(&mut self.ready);
        for w in std::mem::take(&mut self.waiting) {
            let mut found = w.found;
            if let Some(k) = w.kept {
                if let Some(item) = self.kept.get(k) {
                    if matches!(&item.body, Body::Certificate(c) if c.is_ca()) {
                        own_findings(
                            item,
                            &self.opts,
                            issuers.contains(&k),
                            &mut found,
                            &mut Counts::default(),
                        );
                    }
                }
                found.extend(path_len.get(&k).cloned().unwrap_or_default());
            }
            emit(
                w.number,
                found,
                w.anchor,
                &self.opts,
                &mut findings,
                &mut self.counts,
            );
        }
        (findings, self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::check::check_first;
    use crate::decode::items_of_all as items;

    fn opts() -> Options {
        Options {
            now: time::macros::datetime!(2026-01-15 12:00 UTC),
            expires_within: Some(time::Duration::days(30)),
            not_yet_valid: true,
            hostname: None,
            ip: None,
            max_validity_days: None,
            only: Vec::new(),
            skip: Vec::new(),
        }
    }

    /// Every file of a fixture directory as one run.
    fn run_of(dir: &str) -> Vec<Item> {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        let data: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
        let refs: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
        items(&refs)
    }

    /// Streamed, a run within the budget gets exactly the findings of the whole-run check,
    /// with and without context certificates.
    #[test]
    fn streaming_equals_the_whole_run() {
        for dir in [
            "fixtures/chains",
            "fixtures/lint",
            "fixtures/lint3",
            "fixtures/certs",
        ] {
            let all = run_of(dir);
            for split in [all.len(), all.len() / 2] {
                let want = check_first(&all, split, &opts());
                let mut c = Checker::new(opts(), split < all.len());
                let mut got = Vec::new();
                for (n, item) in all.iter().enumerate() {
                    if n < split {
                        c.item(item.clone());
                    } else {
                        c.context(item.clone());
                    }
                    got.extend(c.take_ready());
                }
                let (rest, counts) = c.finish();
                got.extend(rest);
                assert_eq!((got, counts), want, "{dir} split at {split}");
            }
        }
    }

    /// Prepared on other threads (as `check`'s decoding threads do) and taken in run
    /// order, a run gets exactly the findings of the whole-run check.
    #[test]
    fn prepared_elsewhere_equals_the_whole_run() {
        for dir in ["fixtures/chains", "fixtures/lint", "fixtures/lint3"] {
            let all = run_of(dir);
            let want = check_first(&all, all.len(), &opts());
            let o = opts();
            let prepared: Vec<Prepared> = std::thread::scope(|s| {
                let threads: Vec<_> = all
                    .chunks(3)
                    .map(|chunk| {
                        let o = &o;
                        s.spawn(move || {
                            chunk
                                .iter()
                                .map(|i| prepare(o, i.clone()))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                threads
                    .into_iter()
                    .flat_map(|t| t.join().unwrap())
                    .collect()
            });
            let mut c = Checker::new(opts(), false);
            let mut got = Vec::new();
            for p in prepared {
                c.take(p);
                got.extend(c.take_ready());
            }
            let (rest, counts) = c.finish();
            got.extend(rest);
            assert_eq!((got, counts), want, "{dir}");
        }
    }
}
