//! PKCS#7 / CMS SignedData (RFC 5652 §5): the certificates and CRLs it carries.
//!
//! Apple, Outlook and EJBCA write BER with indefinite lengths, which RustCrypto `cms`
//! rejects, so the structure is normalised to DER lengths with [`tlv::ber_to_der`] and the
//! two sets are read with the bounded TLV walker. The certificates inside are DER already and
//! come out byte-identical, so their thumbprints are the real ones.

use crate::oids;
use crate::tlv;

/// One thing found inside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A certificate, DER.
    Certificate(Vec<u8>),
    /// A CRL, DER.
    Crl(Vec<u8>),
    /// Another CertificateChoices / RevocationInfoChoice alternative (attribute
    /// certificates, OCSP responses): described by what it is and its size.
    Other(&'static str, usize),
    /// An element whose encoding is broken: what is wrong. The elements after it in the
    /// same set cannot be found (its length is what would locate them).
    Malformed(String),
}

/// What a PKCS#7 file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedData {
    /// Certificates and CRLs, in file order.
    pub contents: Vec<Content>,
    /// Number of SignerInfos (0 for a "certs-only" degenerate bundle).
    pub signers: usize,
}

const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";

/// Reads a ContentInfo holding SignedData. One malformed element costs only itself (and
/// the elements after it in its set, which its broken length hides).
pub fn decode(der: &[u8]) -> Result<SignedData, String> {
    // BER is normalised first; an element broken inside (a certificate whose inner lengths
    // overrun) stops that, and then the input is walked as it is: definite lengths still
    // frame each element, and the broken one fails alone when it is decoded.
    let normalised = tlv::ber_to_der(der);
    let data: &[u8] = match &normalised {
        Ok(n) => n,
        Err(_) => der,
    };
    let (ci, _) = tlv::read(data).map_err(|e| format!("PKCS#7: {e}"))?;
    let mut kids = ci.children();
    let oid = kids
        .next()
        .and_then(Result::ok)
        .filter(|t| t.tag == tlv::OID)
        .map(|t| oids::display(t.value))
        .ok_or("PKCS#7: ContentInfo without a content type")?;
    if oid != SIGNED_DATA {
        return Err(format!(
            "PKCS#7 content type {oid} is not SignedData; only SignedData carries certificates"
        ));
    }
    let explicit = kids
        .next()
        .and_then(Result::ok)
        .filter(|t| t.tag == 0xa0)
        .ok_or("PKCS#7: SignedData content missing")?;
    let (sd, _) = tlv::read(explicit.value).map_err(|e| format!("PKCS#7: {e}"))?;
    let mut contents = Vec::new();
    let mut signers = 0;
    for field in sd.children() {
        let field = match field {
            Ok(f) => f,
            Err(e) => {
                contents.push(Content::Malformed(format!("PKCS#7 SignedData: {e}")));
                break;
            }
        };
        match field.tag {
            // certificates [0] IMPLICIT CertificateSet
            0xa0 => {
                for c in field.children() {
                    let c = match c {
                        Ok(c) => c,
                        Err(e) => {
                            contents.push(Content::Malformed(format!("PKCS#7 certificates: {e}")));
                            break;
                        }
                    };
                    contents.push(match c.tag {
                        tlv::SEQUENCE => Content::Certificate(c.raw.to_vec()),
                        0xa1 | 0xa2 => Content::Other("attribute certificate", c.raw.len()),
                        _ => Content::Other("other certificate format", c.raw.len()),
                    });
                }
            }
            // crls [1] IMPLICIT RevocationInfoChoices
            0xa1 => {
                for c in field.children() {
                    let c = match c {
                        Ok(c) => c,
                        Err(e) => {
                            contents.push(Content::Malformed(format!("PKCS#7 CRLs: {e}")));
                            break;
                        }
                    };
                    contents.push(match c.tag {
                        tlv::SEQUENCE => Content::Crl(c.raw.to_vec()),
                        _ => Content::Other("other revocation information", c.raw.len()),
                    });
                }
            }
            tlv::SET => signers = field.children().count(),
            _ => {}
        }
    }
    Ok(SignedData { contents, signers })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAIN_CRL: &[u8] = include_bytes!("../../fixtures/pkcs7/chain-crl.p7b.der");

    /// Offsets of the certificates (SEQUENCE 30 82 directly holding a TBSCertificate).
    fn certificates(data: &[u8]) -> Vec<usize> {
        data.windows(13)
            .enumerate()
            .filter(|(_, w)| {
                w[0] == 0x30
                    && w[1] == 0x82
                    && w[4] == 0x30
                    && w[5] == 0x82
                    && w[8..] == [0xa0, 3, 2, 1, 2]
            })
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn an_element_overrunning_its_set_keeps_the_ones_before() {
        let whole = decode(CHAIN_CRL).unwrap();
        let at = certificates(CHAIN_CRL);
        assert!(at.len() >= 2, "{at:?}");
        // The second certificate's length now runs past the certificates set.
        let mut data = CHAIN_CRL.to_vec();
        data[at[1] + 2] = 0x7f;
        let sd = decode(&data).unwrap();
        assert_eq!(sd.contents.first(), whole.contents.first());
        assert!(
            matches!(sd.contents.get(1), Some(Content::Malformed(e)) if e.contains("certificates")),
            "{:?}",
            sd.contents.get(1)
        );
        // The CRLs set after it is still read.
        assert!(sd.contents.iter().any(|c| matches!(c, Content::Crl(_))));
    }
}
