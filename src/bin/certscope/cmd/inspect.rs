//! `certscope inspect`: everything inside the inputs, with how the items relate.

use anyhow::Result;

use certscope::fingerprint::HashAlg;

use super::drive::drive;
use super::output::item_output;
use super::relations;
use super::Ambient;
use crate::cli::{Format, InspectArgs};

/// Runs `certscope inspect`.
pub(super) fn run(args: &InspectArgs, ambient: &Ambient) -> Result<u8> {
    let InspectArgs {
        input,
        format,
        record,
        hash,
        all,
        no_relations,
        relations_limit,
    } = args;
    let (format, all, no_relations, relations_limit) =
        (*format, *all, *no_relations, *relations_limit);
    let (now, color) = (ambient.now, ambient.color);
    let hashes: Vec<HashAlg> = hash.iter().map(|h| HashAlg::from(*h)).collect();
    let (decode_opts, out) = item_output(format, &hashes, now, color, all, record)?;
    // JSONL and PEM are for streaming: they never hold items back for relations.
    let related = matches!(format, Format::Text | Format::Json) && !no_relations;
    let out = relations::wrap(out, related.then_some(relations_limit));
    drive(input, decode_opts, out)
}
