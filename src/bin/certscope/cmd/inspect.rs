//! `certscope inspect`: everything inside the inputs, with how the items relate.

use anyhow::Result;

use certscope::fingerprint::HashAlg;

use super::drive::drive;
use super::output::{dot_output, item_output, light_records, shows_relations};
use super::relations;
use super::Ambient;
use crate::cli::{GraphFormat, InspectArgs};

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
        name_order,
    } = args;
    let (format, all, no_relations, relations_limit) =
        (*format, *all, *no_relations, *relations_limit);
    let now = ambient.now;
    let hashes: Vec<HashAlg> = hash.iter().map(|h| HashAlg::from(*h)).collect();
    let (mut decode_opts, out) = match format.items() {
        Some(f) => item_output(f, &hashes, ambient, all, record, (*name_order).into())?,
        None => dot_output(now),
    };
    // Records of names, dates and serials only: certificates are walked, not parsed.
    decode_opts.light_certificates =
        matches!(format, GraphFormat::Json | GraphFormat::Jsonl) && light_records(&record.fields);
    // JSONL and PEM are for streaming: they never hold items back for relations.
    let related = matches!(
        format,
        GraphFormat::Text | GraphFormat::Json | GraphFormat::Dot
    ) && !no_relations
        // Records cut by `--fields` to neither relations nor warnings show none.
        && (!matches!(format, GraphFormat::Json) || shows_relations(&record.fields));
    let out = relations::wrap(out, related.then_some(relations_limit));
    drive(input, decode_opts, out)
}
