//! The bounded BER reader and the BER-to-DER normaliser: no panic, and the normaliser's
//! output is DER that normalises to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((tlv, rest)) = certscope::asn1::tlv::read(data) {
        assert_eq!(tlv.raw.len() + rest.len(), data.len());
        for child in tlv.children().take(1000) {
            if child.is_err() {
                break;
            }
        }
    }
    for element in certscope::asn1::tlv::iter(data).take(1000) {
        if element.is_err() {
            break;
        }
    }
    if let Ok(der) = certscope::asn1::tlv::ber_to_der(data) {
        let again = certscope::asn1::tlv::ber_to_der(&der).expect("DER output reads back");
        assert_eq!(again, der, "ber_to_der is idempotent");
    }
});
