//! NSS databases (Firefox, Chrome, `certutil`): the softoken module `libsoftokn3` opens an
//! NSS DB directory given in its `C_Initialize` `pReserved` string, and stores trust as
//! `CKO_NSS_TRUST` objects beside the certificates. `--nss-db DIR` is the shortcut.

use std::path::{Path, PathBuf};

use cryptoki_sys::CK_ULONG;

use crate::fingerprint::HashAlg;
use crate::model::NssTrust;
use crate::token::dump::{
    distrust_after, nss_trust_name, CKA_CERT_SHA1_HASH, CKA_NSS_EMAIL_DISTRUST_AFTER,
    CKA_NSS_SERVER_DISTRUST_AFTER, CKA_TRUST_CLIENT_AUTH, CKA_TRUST_CODE_SIGNING,
    CKA_TRUST_EMAIL_PROTECTION, CKA_TRUST_SERVER_AUTH, CKO_NSS_TRUST,
};
use crate::token::error::TokenError;
use crate::token::object::{raw_ulong_attribute, ObjectInfo, CKA_CLASS};
use crate::token::read::raw::RawValue;
use crate::token::session::{TokenSession, TokenSummary};

/// Where distributions put NSS's softoken module.
const SOFTOKN_CANDIDATES: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/libsoftokn3.so",
    "/usr/lib/aarch64-linux-gnu/libsoftokn3.so",
    "/usr/lib/x86_64-linux-gnu/nss/libsoftokn3.so",
    "/usr/lib64/libsoftokn3.so",
    "/usr/lib/libsoftokn3.so",
    "/usr/lib/nss/libsoftokn3.so",
    "/usr/local/lib/libsoftokn3.so",
];

/// NSS's softoken module, the first of the usual places that has it.
pub fn softokn_path() -> Result<PathBuf, TokenError> {
    SOFTOKN_CANDIDATES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| {
            TokenError::Other(format!(
                "--nss-db: NSS's softoken module libsoftokn3.so is not in {} (install libnss3, \
                 or give --module PATH --init-args STRING)",
                SOFTOKN_CANDIDATES.join(", ")
            ))
        })
}

/// The softoken's `C_Initialize` string for the NSS DB in `dir`, read-only, as `certutil
/// -d sql:DIR` opens it.
pub fn db_init_args(dir: &Path) -> Result<String, TokenError> {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(TokenError::Other(format!(
            "--nss-db: {shown:?} is not a directory"
        )));
    }
    // NSS's parameter syntax quotes with '; a quote inside cannot be written.
    if shown.contains('\'') {
        return Err(TokenError::Other(format!(
            "--nss-db: {shown:?} contains a quote ('), which NSS's parameter string cannot hold"
        )));
    }
    Ok(format!(
        "configdir='sql:{shown}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly"
    ))
}

/// Does the token keep `CKO_NSS_TRUST` objects? NSS's tokens (softoken, built-in roots:
/// manufacturer "Mozilla Foundation") and p11-kit's trust module ("PKCS#11 Kit") do.
pub fn keeps_trust_objects(token: &TokenSummary) -> bool {
    matches!(
        token.manufacturer.trim(),
        "Mozilla Foundation" | "PKCS#11 Kit"
    )
}

/// One `CKO_NSS_TRUST` object: which certificate (by SHA-1) and its four verdicts.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrustRecord {
    sha1: Vec<u8>,
    server: Option<CK_ULONG>,
    client: Option<CK_ULONG>,
    email: Option<CK_ULONG>,
    code: Option<CK_ULONG>,
}

/// The token's trust objects: one search for the class, one raw read each. A token without
/// any (SoftHSM, most cards) costs one empty search; a module that cannot be read raw, or
/// refuses the vendor class, has none.
pub(crate) fn trust_records(session: &TokenSession<'_>) -> Vec<TrustRecord> {
    let template = [raw_ulong_attribute(CKA_CLASS, CKO_NSS_TRUST)];
    let Ok(found) = session.find_objects(&template) else {
        return Vec::new();
    };
    let types = [
        CKA_CERT_SHA1_HASH,
        CKA_TRUST_SERVER_AUTH,
        CKA_TRUST_CLIENT_AUTH,
        CKA_TRUST_EMAIL_PROTECTION,
        CKA_TRUST_CODE_SIGNING,
    ];
    found
        .iter()
        .filter_map(|o| session.read_attributes(o.handle, &types).ok().flatten())
        .filter_map(|values| {
            let get = |t: CK_ULONG| values.iter().find(|(a, _)| *a == t).map(|(_, v)| v);
            let ulong = |t| get(t).and_then(RawValue::ulong);
            Some(TrustRecord {
                sha1: get(CKA_CERT_SHA1_HASH)?.bytes()?.to_vec(),
                server: ulong(CKA_TRUST_SERVER_AUTH),
                client: ulong(CKA_TRUST_CLIENT_AUTH),
                email: ulong(CKA_TRUST_EMAIL_PROTECTION),
                code: ulong(CKA_TRUST_CODE_SIGNING),
            })
        })
        .collect()
}

/// The trust of the certificate `cert` (matched by the SHA-1 of its `CKA_VALUE`, which is
/// how NSS links them), with its distrust-after dates read from the certificate object.
pub(crate) fn trust_for(
    session: &TokenSession<'_>,
    records: &[TrustRecord],
    cert: &ObjectInfo,
) -> Option<NssTrust> {
    let der = cert.value.as_deref()?;
    let sha1 = HashAlg::Sha1.digest(der);
    let r = records.iter().find(|r| r.sha1 == sha1)?;
    let dates = session
        .read_attributes(
            cert.handle,
            &[CKA_NSS_SERVER_DISTRUST_AFTER, CKA_NSS_EMAIL_DISTRUST_AFTER],
        )
        .ok()
        .flatten()
        .unwrap_or_default();
    let date = |t: CK_ULONG| {
        dates
            .iter()
            .find(|(a, _)| *a == t)
            .and_then(|(_, v)| v.bytes())
            .and_then(distrust_after)
    };
    Some(NssTrust {
        certutil: certutil_flags(r.server, r.client, r.email, r.code),
        server_auth: r.server.map(nss_trust_name),
        client_auth: r.client.map(nss_trust_name),
        email_protection: r.email.map(nss_trust_name),
        code_signing: r.code.map(nss_trust_name),
        server_distrust_after: date(CKA_NSS_SERVER_DISTRUST_AFTER),
        email_distrust_after: date(CKA_NSS_EMAIL_DISTRUST_AFTER),
    })
}

/// `certutil -L`'s `SSL,S/MIME,JAR/XPI` flags, as NSS maps trust objects to them: `C`
/// trusted CA (trusted_delegator), `c` valid CA (valid_delegator), `P` trusted peer
/// (trusted), `p` valid peer (not_trusted, NSS's name for it), and `T` in the SSL column when
/// client authentication trusts the CA; nothing for must_verify_trust.
pub fn certutil_flags(
    server: Option<CK_ULONG>,
    client: Option<CK_ULONG>,
    email: Option<CK_ULONG>,
    code: Option<CK_ULONG>,
) -> String {
    let one = |v: Option<CK_ULONG>, client_ca: bool| {
        let name = v.map(nss_trust_name);
        let mut out = String::new();
        match name.as_deref() {
            Some("valid_delegator") if !client_ca => out.push('c'),
            Some("not_trusted") => out.push('p'),
            Some("trusted_delegator") => out.push('C'),
            _ => {}
        }
        if client_ca {
            out.push('T');
        }
        if name.as_deref() == Some("trusted") {
            out.push('P');
        }
        out
    };
    let client_ca = client.map(nss_trust_name).as_deref() == Some("trusted_delegator");
    format!(
        "{},{},{}",
        one(server, client_ca),
        one(email, false),
        one(code, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_args() {
        let dir = std::env::temp_dir();
        let args = db_init_args(&dir).unwrap();
        assert_eq!(
            args,
            format!(
                "configdir='sql:{}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly",
                dir.display()
            )
        );
        assert!(db_init_args(Path::new("/no/such/dir")).is_err());
    }

    #[test]
    fn certutil() {
        let t = |n: CK_ULONG| Some(0xce53_4350 + n);
        assert_eq!(certutil_flags(t(2), t(2), t(2), t(11)), "CT,C,c");
        assert_eq!(certutil_flags(t(11), t(11), t(10), t(3)), "c,p,");
        assert_eq!(certutil_flags(t(3), t(3), t(3), t(3)), ",,");
        assert_eq!(certutil_flags(t(1), None, None, None), "P,,");
    }
}
