//! The PEM labels certscope knows (RFC 7468 and what OpenSSL writes) and what each one holds:
//! the one table. The scanner keeps a known label without allocating, the decoder names
//! the kind of a block it could not decode, and the model writes its PEM with them.

/// What a block with a known label holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelKind {
    /// A certificate (`TRUSTED CERTIFICATE` too: a certificate with OpenSSL's trust data).
    Certificate,
    /// A PKCS#10 certification request.
    Csr,
    /// A certificate revocation list.
    Crl,
    /// A private key, encrypted or not.
    PrivateKey,
    /// A public key.
    PublicKey,
    /// Domain parameters (EC, DH, DSA).
    Parameters,
    /// A PKCS#7 / CMS bundle.
    Pkcs7,
    /// A PKCS#12 file.
    Pkcs12,
    /// An OCSP request (RFC 6960).
    OcspRequest,
    /// An OCSP response (RFC 6960).
    OcspResponse,
}

/// The label certscope writes for a certificate.
pub const CERTIFICATE: &str = "CERTIFICATE";
/// OpenSSL's label for a certificate followed by its trust settings.
pub const TRUSTED_CERTIFICATE: &str = "TRUSTED CERTIFICATE";
/// The label certscope writes for a certification request.
pub const CERTIFICATE_REQUEST: &str = "CERTIFICATE REQUEST";
/// The label certscope writes for a CRL.
pub const X509_CRL: &str = "X509 CRL";
/// The label certscope writes for a public key.
pub const PUBLIC_KEY: &str = "PUBLIC KEY";
/// The label certscope writes for an OCSP request.
pub const OCSP_REQUEST: &str = "OCSP REQUEST";
/// The label certscope writes for an OCSP response.
pub const OCSP_RESPONSE: &str = "OCSP RESPONSE";

/// Every known label and what it holds.
pub const LABELS: &[(&str, LabelKind)] = &[
    (CERTIFICATE, LabelKind::Certificate),
    (TRUSTED_CERTIFICATE, LabelKind::Certificate),
    ("X509 CERTIFICATE", LabelKind::Certificate),
    (CERTIFICATE_REQUEST, LabelKind::Csr),
    ("NEW CERTIFICATE REQUEST", LabelKind::Csr),
    (X509_CRL, LabelKind::Crl),
    ("PRIVATE KEY", LabelKind::PrivateKey),
    ("ENCRYPTED PRIVATE KEY", LabelKind::PrivateKey),
    ("RSA PRIVATE KEY", LabelKind::PrivateKey),
    ("EC PRIVATE KEY", LabelKind::PrivateKey),
    ("DSA PRIVATE KEY", LabelKind::PrivateKey),
    (PUBLIC_KEY, LabelKind::PublicKey),
    ("RSA PUBLIC KEY", LabelKind::PublicKey),
    ("EC PARAMETERS", LabelKind::Parameters),
    ("DH PARAMETERS", LabelKind::Parameters),
    ("X9.42 DH PARAMETERS", LabelKind::Parameters),
    ("DSA PARAMETERS", LabelKind::Parameters),
    ("PKCS7", LabelKind::Pkcs7),
    ("CMS", LabelKind::Pkcs7),
    ("PKCS #7 SIGNED DATA", LabelKind::Pkcs7),
    ("PKCS12", LabelKind::Pkcs12),
    (OCSP_REQUEST, LabelKind::OcspRequest),
    (OCSP_RESPONSE, LabelKind::OcspResponse),
];

/// The table's entry for `label`, as a static string.
pub fn known(label: &str) -> Option<(&'static str, LabelKind)> {
    LABELS.iter().find(|(l, _)| *l == label).copied()
}

/// What a block with this label holds: the table, else the label's last words
/// (`OPENSSH PRIVATE KEY` is a private key, if not one certscope decodes).
pub fn kind(label: &str) -> Option<LabelKind> {
    known(label).map(|(_, k)| k).or_else(|| {
        if label.ends_with("PRIVATE KEY") {
            Some(LabelKind::PrivateKey)
        } else if label.ends_with("PUBLIC KEY") {
            Some(LabelKind::PublicKey)
        } else if label.ends_with("PARAMETERS") {
            Some(LabelKind::Parameters)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind("TRUSTED CERTIFICATE"), Some(LabelKind::Certificate));
        assert_eq!(kind("OPENSSH PRIVATE KEY"), Some(LabelKind::PrivateKey));
        assert_eq!(kind("PKCS7"), Some(LabelKind::Pkcs7));
        assert_eq!(kind("FOO"), None);
        assert_eq!(known("X509 CRL"), Some((X509_CRL, LabelKind::Crl)));
    }
}
