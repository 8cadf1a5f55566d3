//! The RFC 7512 `pkcs11:` URI parser on arbitrary UTF-8; a URI that parses must format to a
//! URI that parses back to the same thing, less the ignored unknown query attributes (what
//! certscope prints is what it accepts).
#![no_main]

use certscope::token::uri::Pkcs11Uri;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut uri) = Pkcs11Uri::parse(text) else {
        return;
    };
    // Unknown query attributes are ignored (and listed, for a warning); formatting drops
    // them by design, so they are not part of the round trip.
    uri.ignored_query.clear();
    let printed = uri.format(true);
    let again = Pkcs11Uri::parse(&printed)
        .unwrap_or_else(|e| panic!("{printed:?} does not parse back: {e}"));
    assert!(
        again == uri,
        "{text:?} -> {printed:?} -> {:?}",
        again.format(true)
    );
    let _ = uri.format(false);
    let _ = uri.selects_objects();
});
