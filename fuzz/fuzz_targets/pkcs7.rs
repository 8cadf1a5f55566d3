//! PKCS#7 / CMS SignedData: BER normalisation and the certificate and CRL sets; whatever it
//! returns as a certificate must be one complete TLV.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sd) = certscope::decode::pkcs7::decode(data) {
        for c in sd.contents {
            if let certscope::decode::pkcs7::Content::Certificate(der)
            | certscope::decode::pkcs7::Content::Crl(der) = c
            {
                let (tlv, rest) = certscope::asn1::tlv::read(&der).expect("a complete element");
                assert!(rest.is_empty() && tlv.raw.len() == der.len());
            }
        }
    }
});
