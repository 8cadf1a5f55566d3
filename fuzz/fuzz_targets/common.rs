//! Shared by the targets that decode whole inputs: decode, then render every item to text
//! and JSON into memory, because renderers walk every field a decoder filled.

use certscope::decode::{decode_input, Event, Options};
use certscope::fingerprint::HashAlg;
use certscope::render::json::JsonWriter;
use certscope::render::style::NameOrder;
use certscope::render::text::{self, TextOptions};
use certscope::input::secret::Secret;

pub fn decode_and_render(data: &[u8], password: Option<&Secret>) {
    // Full decoding as `inspect` does it, then thumbprint mode as `fingerprint` does it (a
    // separate, lighter certificate walk).
    for brief in [false, true] {
        let opts = Options {
            password,
            brief,
            ..Options::default()
        };
        decode_one(data, &opts);
    }
}

fn decode_one(data: &[u8], opts: &Options<'_>) {
    let text_opts = TextOptions {
        // A fixed "now": expiry wording must not make runs differ.
        now: time::OffsetDateTime::UNIX_EPOCH,
        color: false,
        hashes: vec![HashAlg::Sha256],
        all: true,
        // A narrow terminal (digests wrap) and both name orders, chosen by the input, so
        // every text path is exercised.
        width: Some(60),
        name_order: if data.len() % 2 == 0 {
            NameOrder::Openssl
        } else {
            NameOrder::Rfc4514
        },
    };
    let mut sink = Vec::new();
    decode_input("fuzz", data, opts, &mut |ev| {
        if let Event::Item(item) = ev {
            let _ = text::item(&mut sink, &item, true, &text_opts);
            if let Ok(mut j) = JsonWriter::begin(&mut sink, "items") {
                let _ = j.item(&item);
                let _ = j.finish();
            }
            sink.clear();
        }
    });
}
