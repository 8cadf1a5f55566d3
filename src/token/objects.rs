//! Token objects to [`Item`]s: a certificate is decoded from `CKA_VALUE` exactly as a file
//! certificate is; every other object is described by its attributes only.

use crate::decode::{self, Options};
use crate::model::{Body, Item, Kind, Source, TokenAttributes, TokenObject, TokenSource};
use crate::token::session::{ObjectInfo, ObjectKind, TokenSummary};
use crate::token::uri::object_uri;

/// The token an object was found on.
#[derive(Debug, Clone, Copy)]
pub struct TokenContext<'a> {
    /// The slot ID.
    pub slot_id: u64,
    /// The token.
    pub token: &'a TokenSummary,
    /// `module-path` for the object URIs (see [`crate::token::Listing::module_path`]).
    pub module_path: Option<&'a str>,
}

/// The warning for an object with neither `CKA_LABEL` nor `CKA_ID`: its URI can name it
/// only by token and type.
pub const AMBIGUOUS_URI_WARNING: &str = "this object has neither CKA_LABEL nor CKA_ID, so its \
     URI names only its token and type and matches every such object there";

/// The item for one object.
pub fn to_item(info: ObjectInfo, ctx: &TokenContext<'_>, opts: &Options<'_>) -> Item {
    let ambiguous = info.label.as_deref().unwrap_or_default().is_empty() && info.id.is_empty();
    let mut item = to_item_inner(info, ctx, opts);
    if ambiguous {
        item.warnings.push(AMBIGUOUS_URI_WARNING.to_string());
    }
    item
}

fn to_item_inner(info: ObjectInfo, ctx: &TokenContext<'_>, opts: &Options<'_>) -> Item {
    let source = Source::Token(TokenSource {
        uri: object_uri(
            &ctx.token.label,
            &ctx.token.manufacturer,
            &ctx.token.model,
            &ctx.token.serial,
            info.label.as_deref().unwrap_or_default(),
            &info.id,
            info.class.uri_type(),
            ctx.module_path,
        ),
        slot: ctx.slot_id,
        token: ctx.token.label.clone(),
        label: info.label.clone(),
        id: (!info.id.is_empty()).then(|| hex::encode(&info.id)),
        private: info.private.unwrap_or(false),
    });
    let x509 = info.certificate_type.as_deref().is_none_or(|t| t == "x509");
    if info.class == ObjectKind::Certificate && x509 {
        let mut item = match info.value.as_deref() {
            Some(der) => decode::certificate_item(der, source, opts),
            None => {
                let mut item = Item::new(Kind::Certificate, source);
                // An oversized CKA_VALUE says so below; otherwise the token had none.
                if info.problems.is_empty() {
                    item.add_error("the token returned no CKA_VALUE for this certificate");
                }
                item
            }
        };
        for p in &info.problems {
            item.add_error(p.clone());
        }
        item.warnings.extend(info.warnings.iter().cloned());
        item.token = Some(Box::new(TokenAttributes {
            trusted: info.trusted,
            category: info.category.map(|c| c.name().to_string()),
            ..TokenAttributes::default()
        }));
        return item;
    }
    let kind = match info.class {
        ObjectKind::PrivateKey => Kind::PrivateKey,
        ObjectKind::PublicKey => Kind::PublicKey,
        _ => Kind::Unknown,
    };
    // Keys, secret keys, data, vendor classes, and certificates that are not X.509
    // (attribute or WTLS certificates: described, not decoded).
    let mut item = Item::new(kind, source);
    // A key's SPKI, as a key file's: a public key's thumbprints and PEM are its SPKI's
    // (`finish` keeps no DER for a private key, only its SPKI pin).
    if let Some(spki) = info.spki.clone() {
        if kind == Kind::PublicKey {
            item.der = Some(spki.as_slice().into());
        }
        item.spki_der = Some(spki);
    }
    item.body = Body::TokenObject(Box::new(TokenObject {
        class: info.class.name().to_string(),
        label: info.label.clone(),
        id: (!info.id.is_empty()).then(|| hex::encode(&info.id)),
        key_type: info.key_type.clone(),
        bits: info.bits,
        curve: info.curve_name(),
        flags: info.flags,
        application: info.application.clone(),
    }));
    for p in &info.problems {
        item.add_error(p.clone());
    }
    item.warnings.extend(info.warnings.iter().cloned());
    decode::finish(&mut item, opts);
    item
}
