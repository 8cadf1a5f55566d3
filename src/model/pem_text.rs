//! An item's PEM re-encoding, written from its DER when it is output.

use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// The PEM form of an item's DER (`Item::pem`): label and the shared DER, encoded line by
/// line whenever it is written (`Display`, and in JSON through serde's `collect_str`, which
/// serde_json streams into its output). Holding the text instead would keep 56 MB in
/// memory for a CRL of 42 MB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemText {
    label: &'static str,
    der: Arc<[u8]>,
}

impl PemText {
    /// The PEM of `der` under `label` (`CERTIFICATE`, `X509 CRL`...).
    pub fn new(label: &'static str, der: Arc<[u8]>) -> PemText {
        PemText { label, der }
    }

    /// The PEM label.
    pub fn label(&self) -> &'static str {
        self.label
    }
}

impl fmt::Display for PemText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "-----BEGIN {}-----", self.label)?;
        // 48 bytes of DER make one 64-column line.
        let mut line = [0u8; 64];
        for chunk in self.der.chunks(48) {
            let text = base64_simd::STANDARD.encode(chunk, base64_simd::Out::from_slice(&mut line));
            f.write_str(std::str::from_utf8(text).map_err(|_| fmt::Error)?)?;
            f.write_str("\n")?;
        }
        writeln!(f, "-----END {}-----", self.label)
    }
}

impl Serialize for PemText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_as_the_encoder() {
        for len in [0usize, 1, 47, 48, 49, 96, 1000] {
            let der: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let text = PemText::new("X509 CRL", der.clone().into()).to_string();
            assert_eq!(text, crate::input::pem::encode("X509 CRL", &der), "{len}");
        }
    }

    #[test]
    fn json_is_the_string() {
        let p = PemText::new("CERTIFICATE", vec![1u8, 2, 3].into());
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            serde_json::to_string(&p.to_string()).unwrap()
        );
    }
}
