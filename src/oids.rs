//! Names for object identifiers, the way openssl and RFCs spell them.
//!
//! Tables are small on purpose: an OID that is not here is shown dotted, which is always
//! correct, never a guess.

/// Dotted form of the content octets of an OBJECT IDENTIFIER, or `None` if malformed.
pub fn dotted(content: &[u8]) -> Option<String> {
    der::asn1::ObjectIdentifier::from_bytes(content)
        .ok()
        .map(|oid| oid.to_string())
}

fn lookup(table: &[(&str, &'static str)], oid: &str) -> Option<&'static str> {
    table.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n)
}

/// RFC 4514 §3 keywords, plus the registered LDAP descriptors openssl also prints.
const ATTRIBUTE_TYPES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.6", "C"),
    ("2.5.4.9", "STREET"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.4", "SN"),
    ("2.5.4.42", "GN"),
    ("2.5.4.12", "title"),
    ("2.5.4.43", "initials"),
    ("2.5.4.44", "generationQualifier"),
    ("2.5.4.46", "dnQualifier"),
    ("2.5.4.65", "pseudonym"),
    ("2.5.4.15", "businessCategory"),
    ("2.5.4.17", "postalCode"),
    ("2.5.4.97", "organizationIdentifier"),
    ("2.5.4.13", "description"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
    ("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"),
    ("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
    ("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
];

/// Short name of a DN attribute type (`CN`, `O`, ...).
pub fn attribute_type(oid: &str) -> Option<&'static str> {
    lookup(ATTRIBUTE_TYPES, oid)
}

/// [`attribute_type`] for the DER content of an X.520 attribute OID (2.5.4.n, one content
/// byte per arc), without formatting it: the attributes of nearly every name, looked up on
/// the hot path of `fingerprint`. `None` for any other OID (use [`attribute_type`]).
pub fn x520_attribute_type(content: &[u8]) -> Option<&'static str> {
    let [0x55, 0x04, n] = content else {
        return None;
    };
    if *n >= 0x80 {
        return None;
    }
    ATTRIBUTE_TYPES.iter().find_map(|(oid, name)| {
        let arc: u8 = oid.strip_prefix("2.5.4.")?.parse().ok()?;
        (arc == *n).then_some(*name)
    })
}

/// The OID of a DN attribute keyword, case-insensitively (for parsing RFC 4514 strings).
pub fn attribute_type_oid(keyword: &str) -> Option<&'static str> {
    ATTRIBUTE_TYPES
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(keyword))
        .map(|(o, _)| *o)
        .or(match keyword.to_ascii_lowercase().as_str() {
            "commonname" => Some("2.5.4.3"),
            "organizationname" => Some("2.5.4.10"),
            "organizationalunitname" => Some("2.5.4.11"),
            "countryname" => Some("2.5.4.6"),
            "localityname" => Some("2.5.4.7"),
            "stateorprovincename" => Some("2.5.4.8"),
            "e" | "email" => Some("1.2.840.113549.1.9.1"),
            "s" => Some("2.5.4.8"),
            "streetaddress" => Some("2.5.4.9"),
            "domaincomponent" => Some("0.9.2342.19200300.100.1.25"),
            "userid" => Some("0.9.2342.19200300.100.1.1"),
            "surname" => Some("2.5.4.4"),
            "givenname" => Some("2.5.4.42"),
            _ => None,
        })
}

const SIGNATURE_ALGORITHMS: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption"),
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
    ("1.2.840.113549.1.1.11", "sha256WithRSAEncryption"),
    ("1.2.840.113549.1.1.12", "sha384WithRSAEncryption"),
    ("1.2.840.113549.1.1.13", "sha512WithRSAEncryption"),
    ("1.2.840.113549.1.1.14", "sha224WithRSAEncryption"),
    ("1.2.840.113549.1.1.10", "rsassaPss"),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
    ("1.2.840.10045.4.3.1", "ecdsa-with-SHA224"),
    ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
    ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"),
    ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"),
    ("1.2.840.10040.4.3", "dsa-with-SHA1"),
    ("2.16.840.1.101.3.4.3.2", "dsa_with_SHA256"),
    ("1.3.101.112", "ED25519"),
    ("1.3.101.113", "ED448"),
    ("1.2.156.10197.1.501", "SM2-with-SM3"),
];

/// Name of a signature algorithm, as openssl prints it.
pub fn signature_algorithm(oid: &str) -> Option<&'static str> {
    lookup(SIGNATURE_ALGORITHMS, oid)
}

const KEY_ALGORITHMS: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.1", "rsa"),
    ("1.2.840.113549.1.1.10", "rsa-pss"),
    ("1.2.840.10045.2.1", "ec"),
    ("1.2.840.10040.4.1", "dsa"),
    ("1.2.840.113549.1.3.1", "dh"),
    ("1.2.840.10046.2.1", "dh"),
    ("1.3.101.110", "x25519"),
    ("1.3.101.111", "x448"),
    ("1.3.101.112", "ed25519"),
    ("1.3.101.113", "ed448"),
];

/// The contract name of a public key algorithm (`rsa`, `ec`, ...).
pub fn key_algorithm(oid: &str) -> Option<&'static str> {
    lookup(KEY_ALGORITHMS, oid)
}

const CURVES: &[(&str, &str, u32)] = &[
    ("1.2.840.10045.3.1.7", "P-256", 256),
    ("1.3.132.0.34", "P-384", 384),
    ("1.3.132.0.35", "P-521", 521),
    ("1.3.132.0.33", "P-224", 224),
    ("1.2.840.10045.3.1.1", "P-192", 192),
    ("1.3.132.0.10", "secp256k1", 256),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1", 256),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", 384),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1", 512),
    ("1.2.156.10197.1.301", "SM2", 256),
];

/// Name and field size of a named curve.
pub fn curve(oid: &str) -> Option<(&'static str, u32)> {
    CURVES
        .iter()
        .find(|(o, _, _)| *o == oid)
        .map(|(_, n, b)| (*n, *b))
}

const EXTENSIONS: &[(&str, &str)] = &[
    ("2.5.29.14", "subjectKeyIdentifier"),
    ("2.5.29.15", "keyUsage"),
    ("2.5.29.16", "privateKeyUsagePeriod"),
    ("2.5.29.17", "subjectAltName"),
    ("2.5.29.18", "issuerAltName"),
    ("2.5.29.19", "basicConstraints"),
    ("2.5.29.20", "cRLNumber"),
    ("2.5.29.21", "cRLReason"),
    ("2.5.29.24", "invalidityDate"),
    ("2.5.29.27", "deltaCRLIndicator"),
    ("2.5.29.28", "issuingDistributionPoint"),
    ("2.5.29.29", "certificateIssuer"),
    ("2.5.29.30", "nameConstraints"),
    ("2.5.29.31", "cRLDistributionPoints"),
    ("2.5.29.32", "certificatePolicies"),
    ("2.5.29.33", "policyMappings"),
    ("2.5.29.35", "authorityKeyIdentifier"),
    ("2.5.29.36", "policyConstraints"),
    ("2.5.29.37", "extendedKeyUsage"),
    ("2.5.29.46", "freshestCRL"),
    ("2.5.29.54", "inhibitAnyPolicy"),
    ("1.3.6.1.5.5.7.1.1", "authorityInfoAccess"),
    ("1.3.6.1.5.5.7.1.11", "subjectInfoAccess"),
    ("1.3.6.1.5.5.7.1.24", "tlsFeature"),
    ("1.3.6.1.5.5.7.1.3", "qcStatements"),
    ("1.3.6.1.4.1.11129.2.4.2", "ctPrecertificateSCTs"),
    ("1.3.6.1.4.1.11129.2.4.3", "ctPrecertificatePoison"),
    ("2.16.840.1.113730.1.1", "nsCertType"),
    ("2.16.840.1.113730.1.13", "nsComment"),
    ("1.3.6.1.4.1.311.20.2", "msCertificateTemplateName"),
    ("1.3.6.1.4.1.311.21.7", "msCertificateTemplate"),
    ("1.3.6.1.4.1.311.21.10", "msApplicationPolicies"),
    ("1.3.6.1.4.1.311.21.1", "msCaVersion"),
    ("1.3.6.1.5.5.7.48.1.5", "ocspNoCheck"),
];

/// Name of an extension (`subjectAltName`, ...).
pub fn extension(oid: &str) -> Option<&'static str> {
    lookup(EXTENSIONS, oid)
}

const EXTENDED_KEY_USAGES: &[(&str, &str)] = &[
    ("2.5.29.37.0", "anyExtendedKeyUsage"),
    ("1.3.6.1.5.5.7.3.1", "serverAuth"),
    ("1.3.6.1.5.5.7.3.2", "clientAuth"),
    ("1.3.6.1.5.5.7.3.3", "codeSigning"),
    ("1.3.6.1.5.5.7.3.4", "emailProtection"),
    ("1.3.6.1.5.5.7.3.5", "ipsecEndSystem"),
    ("1.3.6.1.5.5.7.3.6", "ipsecTunnel"),
    ("1.3.6.1.5.5.7.3.7", "ipsecUser"),
    ("1.3.6.1.5.5.7.3.8", "timeStamping"),
    ("1.3.6.1.5.5.7.3.9", "OCSPSigning"),
    ("1.3.6.1.5.5.7.3.17", "ipsecIKE"),
    ("1.3.6.1.4.1.311.20.2.2", "msSmartcardLogin"),
    ("1.3.6.1.4.1.311.10.3.4", "msEFS"),
    ("1.3.6.1.4.1.311.10.3.12", "msDocumentSigning"),
    ("1.3.6.1.5.2.3.5", "pkInitKDC"),
    ("1.3.6.1.5.2.3.4", "pkInitClientAuth"),
];

/// Name of an extended key usage purpose.
pub fn extended_key_usage(oid: &str) -> Option<&'static str> {
    lookup(EXTENDED_KEY_USAGES, oid)
}

const ACCESS_METHODS: &[(&str, &str)] = &[
    ("1.3.6.1.5.5.7.48.1", "OCSP"),
    ("1.3.6.1.5.5.7.48.2", "caIssuers"),
    ("1.3.6.1.5.5.7.48.3", "timeStamping"),
    ("1.3.6.1.5.5.7.48.5", "caRepository"),
];

/// Name of an AIA/SIA access method.
pub fn access_method(oid: &str) -> Option<&'static str> {
    lookup(ACCESS_METHODS, oid)
}

const POLICIES: &[(&str, &str)] = &[
    ("2.5.29.32.0", "anyPolicy"),
    ("2.23.140.1.2.1", "domain-validated"),
    ("2.23.140.1.2.2", "organization-validated"),
    ("2.23.140.1.2.3", "individual-validated"),
    ("2.23.140.1.1", "extended-validation"),
    ("1.3.6.1.5.5.7.2.1", "CPS"),
    ("1.3.6.1.5.5.7.2.2", "User Notice"),
];

/// Name of a certificate policy or policy qualifier.
pub fn policy(oid: &str) -> Option<&'static str> {
    lookup(POLICIES, oid)
}

const ATTRIBUTES: &[(&str, &str)] = &[
    ("1.2.840.113549.1.9.7", "challengePassword"),
    ("1.2.840.113549.1.9.2", "unstructuredName"),
    ("1.2.840.113549.1.9.14", "extensionRequest"),
    ("1.2.840.113549.1.9.20", "friendlyName"),
    ("1.2.840.113549.1.9.21", "localKeyID"),
    ("1.3.6.1.4.1.311.13.2.3", "msOsVersion"),
    ("1.3.6.1.4.1.311.21.20", "msRequestClientInfo"),
    ("1.3.6.1.4.1.311.13.2.2", "msEnrollmentCspProvider"),
];

/// Name of a CSR or PKCS#9 attribute.
pub fn attribute(oid: &str) -> Option<&'static str> {
    lookup(ATTRIBUTES, oid)
}

const PBE: &[(&str, &str)] = &[
    ("1.2.840.113549.1.12.1.1", "pbeWithSHAAnd128BitRC4"),
    ("1.2.840.113549.1.12.1.2", "pbeWithSHAAnd40BitRC4"),
    ("1.2.840.113549.1.12.1.3", "pbeWithSHAAnd3-KeyTripleDES-CBC"),
    ("1.2.840.113549.1.12.1.4", "pbeWithSHAAnd2-KeyTripleDES-CBC"),
    ("1.2.840.113549.1.12.1.5", "pbeWithSHAAnd128BitRC2-CBC"),
    ("1.2.840.113549.1.12.1.6", "pbeWithSHAAnd40BitRC2-CBC"),
    ("1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC"),
    ("1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC"),
    ("1.2.840.113549.1.5.13", "PBES2"),
];

/// Name of a password-based encryption scheme.
pub fn pbe(oid: &str) -> Option<&'static str> {
    lookup(PBE, oid)
}

/// `name` if known, else the OID itself.
pub fn name_or_oid(name: Option<&'static str>, oid: &str) -> String {
    name.map(str::to_string).unwrap_or_else(|| oid.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_oid() {
        assert_eq!(
            dotted(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]).as_deref(),
            Some("1.2.840.113549.1.1.11")
        );
        assert_eq!(dotted(&[0x80]), None);
    }

    /// Issue 14 item 1: arcs of any size, the first subidentifier split right for any size.
    #[test]
    fn dotted_arcs_of_any_size() {
        let cases: &[(&str, &str)] = &[
            ("00", "0.0"),
            ("27", "0.39"),
            ("28", "1.0"),
            ("4f", "1.39"),
            ("50", "2.0"),
            ("77", "2.39"),
            ("78", "2.40"),
            ("7f", "2.47"),
            ("8100", "2.48"),
            ("883707", "2.999.7"),
            ("8837", "2.999"),
            ("8133", "2.99"),
            ("2a002728", "1.2.0.39.40"),
            ("2a81ffffffffffffffff7f", "1.2.18446744073709551615"),
            ("2a82808080808080808000", "1.2.18446744073709551616"),
            (
                "2a84808080808080808080808080808080808000",
                "1.2.340282366920938463463374607431768211456",
            ),
            // The first subidentifier is 2^64 - 1, then 2^64, then 2^128 + 80.
            ("81ffffffffffffffff7f", "2.18446744073709551535"),
            ("82808080808080808000", "2.18446744073709551536"),
            (
                "84808080808080808080808080808080808050",
                "2.340282366920938463463374607431768211456",
            ),
            (
                "6983f09da7ebcfdee0c7a1a7b2c0948cc8f9d776",
                "2.25.329800735698586629295641978511506172918",
            ),
            ("2b060104018f", "1.3.6.1.4.1.15"),
        ];
        for (hex, want) in cases {
            let der = hex::decode(hex).unwrap();
            assert_eq!(dotted(&der).as_deref(), Some(*want), "{hex}");
        }
    }

    /// Malformed contents are never a plausible OID.
    #[test]
    fn dotted_rejects_malformed() {
        for hex in [
            "",             // empty
            "2a8001",       // 0x80 padding: not minimal
            "8001",         // the same in the first subidentifier
            "2a86",         // last arc cut short
            "86",           // only octet cut short
            "2b06010401ff", // cut short after a long arc
        ] {
            let der = hex::decode(hex).unwrap();
            assert_eq!(dotted(&der), None, "{hex}");
        }
    }

    #[test]
    fn x520_fast_path_agrees_with_the_table() {
        for n in 0u8..=0xff {
            let content = [0x55, 0x04, n];
            let slow = dotted(&content).and_then(|d| attribute_type(&d));
            assert_eq!(x520_attribute_type(&content), slow, "2.5.4.{n}");
        }
        assert_eq!(x520_attribute_type(&[0x55, 0x04, 0x03]), Some("CN"));
        assert_eq!(x520_attribute_type(&[0x55, 0x1d, 0x0e]), None);
    }

    #[test]
    fn tables() {
        assert_eq!(
            signature_algorithm("1.2.840.10045.4.3.2"),
            Some("ecdsa-with-SHA256")
        );
        assert_eq!(curve("1.3.132.0.34"), Some(("P-384", 384)));
        assert_eq!(attribute_type_oid("cn"), Some("2.5.4.3"));
        assert_eq!(attribute_type_oid("commonName"), Some("2.5.4.3"));
    }
}
