//! RFC 7512 `pkcs11:` URIs: parsing, formatting and the matching rules certscope needs.
//!
//! A URI names a library, a slot, a token and/or objects with *path* attributes
//! (`;`-separated) and carries extra information in *query* attributes (`&`-separated):
//!
//! ```text
//! pkcs11:token=My%20Token;object=leaf;type=cert;id=%01%02?module-path=/usr/lib/x.so&pin-value=1234
//! ```
//!
//! Choices, with the reason for each:
//! - Values are percent-decoded. `id` is kept as raw bytes (it is a `CKA_ID`, binary in
//!   practice); every other value must decode to UTF-8, because PKCS#11 labels and
//!   descriptions are UTF-8 and a lossy conversion would make the URI match the wrong thing.
//! - An unknown *path* attribute (including vendor ones such as `vendor-aaa=`) is an error:
//!   a path attribute narrows the match, so silently dropping one would widen it and could
//!   pick the wrong token or key. Unknown *query* attributes are ignored as RFC 7512 §2.3
//!   asks, and are listed in [`Pkcs11Uri::ignored_query`] so that a caller can warn.
//! - The parser is liberal about raw characters the RFC wants encoded (a space typed in a
//!   shell, say): only the delimiters and a malformed `%` escape are errors. The formatter
//!   is strict and encodes everything outside RFC 7512's `pk11-pchar` / `pk11-qchar`, with
//!   upper-case hex as RFC 3986 §2.1 recommends and as p11-kit prints.
//! - A repeated attribute is an error: RFC 7512 allows each one at most once, and "which
//!   one wins" would be a guess.
//! - `pin-value` lives in a [`Zeroizing`] string and is never printed: `Debug` shows
//!   `<redacted>` and `Display` leaves it out.

use std::fmt;

use thiserror::Error;
use zeroize::Zeroizing;

/// Why a string is not a usable `pkcs11:` URI.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UriError {
    /// The string does not start with `pkcs11:` (the scheme is case-insensitive).
    #[error("not a PKCS#11 URI: it must start with \"pkcs11:\"")]
    NotPkcs11,
    /// An attribute has no `=`.
    #[error("PKCS#11 URI attribute \"{0}\" has no \"=\" (expected name=value)")]
    MissingEquals(String),
    /// An attribute name is empty (`;=x`).
    #[error("PKCS#11 URI has an attribute with an empty name")]
    EmptyName,
    /// A path attribute this parser does not know.
    #[error(
        "unknown PKCS#11 URI path attribute \"{0}\": certscope knows token, manufacturer, model, \
         serial, slot-id, slot-description, slot-manufacturer, library-description, \
         library-manufacturer, library-version, object, id and type, and will not ignore a \
         path attribute because that would match more than the URI asks for"
    )]
    UnknownPathAttribute(String),
    /// The same attribute appears twice.
    #[error("PKCS#11 URI attribute \"{0}\" appears more than once")]
    Duplicate(String),
    /// A `%` not followed by two hex digits.
    #[error("bad percent-encoding in PKCS#11 URI attribute \"{0}\": '%' must be followed by two hex digits")]
    BadPercentEncoding(String),
    /// A value that must be text decodes to bytes that are not UTF-8.
    #[error("PKCS#11 URI attribute \"{0}\" is not valid UTF-8 after percent-decoding")]
    NotUtf8(String),
    /// `type=` with a value other than cert, public, private, secret-key, data.
    #[error("PKCS#11 URI type \"{0}\" is not one of cert, public, private, secret-key, data")]
    BadType(String),
    /// `slot-id=` that is not a decimal number.
    #[error("PKCS#11 URI slot-id \"{0}\" is not a decimal number")]
    BadSlotId(String),
    /// `library-version=` that is not `N` or `N.M` (each fitting a byte).
    #[error("PKCS#11 URI library-version \"{0}\" is not MAJOR or MAJOR.MINOR (each 0-255)")]
    BadLibraryVersion(String),
}

/// The `type=` path attribute: which object class the URI selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectType {
    /// `type=cert`: CKO_CERTIFICATE.
    Cert,
    /// `type=public`: CKO_PUBLIC_KEY.
    Public,
    /// `type=private`: CKO_PRIVATE_KEY.
    Private,
    /// `type=secret-key`: CKO_SECRET_KEY.
    SecretKey,
    /// `type=data`: CKO_DATA.
    Data,
}

impl ObjectType {
    /// The spelling RFC 7512 uses for this type.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Cert => "cert",
            ObjectType::Public => "public",
            ObjectType::Private => "private",
            ObjectType::SecretKey => "secret-key",
            ObjectType::Data => "data",
        }
    }

    /// Parses an RFC 7512 type name (exact, lower case as the RFC spells them).
    pub fn parse(s: &str) -> Option<ObjectType> {
        match s {
            "cert" => Some(ObjectType::Cert),
            "public" => Some(ObjectType::Public),
            "private" => Some(ObjectType::Private),
            "secret-key" => Some(ObjectType::SecretKey),
            "data" => Some(ObjectType::Data),
            _ => None,
        }
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed `pkcs11:` URI. `None` means "attribute absent" (matches anything); `Some("")`
/// is an attribute present with an empty value, which RFC 7512 allows and which only
/// matches an empty field.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// `token=`: CK_TOKEN_INFO.label.
    pub token: Option<String>,
    /// `manufacturer=`: CK_TOKEN_INFO.manufacturerID.
    pub manufacturer: Option<String>,
    /// `model=`: CK_TOKEN_INFO.model.
    pub model: Option<String>,
    /// `serial=`: CK_TOKEN_INFO.serialNumber.
    pub serial: Option<String>,
    /// `slot-id=`: a CK_SLOT_ID, decimal.
    pub slot_id: Option<u64>,
    /// `slot-description=`: CK_SLOT_INFO.slotDescription.
    pub slot_description: Option<String>,
    /// `slot-manufacturer=`: CK_SLOT_INFO.manufacturerID.
    pub slot_manufacturer: Option<String>,
    /// `library-description=`: CK_INFO.libraryDescription.
    pub library_description: Option<String>,
    /// `library-manufacturer=`: CK_INFO.manufacturerID.
    pub library_manufacturer: Option<String>,
    /// `library-version=`: CK_INFO.libraryVersion as (major, minor); `3` means (3, 0).
    pub library_version: Option<(u8, u8)>,
    /// `object=`: CKA_LABEL.
    pub object: Option<String>,
    /// `id=`: CKA_ID, raw bytes.
    pub id: Option<Vec<u8>>,
    /// `type=`: the object class.
    pub object_type: Option<ObjectType>,
    /// `?module-path=`: file name of the PKCS#11 library to load.
    pub module_path: Option<String>,
    /// `?module-name=`: name of the library without path or extension (p11-kit style).
    pub module_name: Option<String>,
    /// `?pin-value=`: the PIN itself. Zeroized on drop, never shown by `Debug`/`Display`.
    pub pin_value: Option<Zeroizing<String>>,
    /// `?pin-source=`: where to read the PIN from (`file:/path` or `|command`).
    pub pin_source: Option<String>,
    /// Query attribute names that were present but are not understood, in order.
    pub ignored_query: Vec<String>,
}

impl fmt::Debug for Pkcs11Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Hand-written so that the PIN can never reach a log line or a panic message.
        f.debug_struct("Pkcs11Uri")
            .field("token", &self.token)
            .field("manufacturer", &self.manufacturer)
            .field("model", &self.model)
            .field("serial", &self.serial)
            .field("slot_id", &self.slot_id)
            .field("slot_description", &self.slot_description)
            .field("slot_manufacturer", &self.slot_manufacturer)
            .field("library_description", &self.library_description)
            .field("library_manufacturer", &self.library_manufacturer)
            .field("library_version", &self.library_version)
            .field("object", &self.object)
            .field("id", &self.id.as_ref().map(hex::encode))
            .field("object_type", &self.object_type)
            .field("module_path", &self.module_path)
            .field("module_name", &self.module_name)
            .field("pin_value", &self.pin_value.as_ref().map(|_| "<redacted>"))
            .field("pin_source", &self.pin_source)
            .field("ignored_query", &self.ignored_query)
            .finish()
    }
}

/// Characters RFC 3986 calls `unreserved`.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// RFC 7512 `pk11-res-avail`: reserved characters that need no encoding in either part.
fn is_res_avail(b: u8) -> bool {
    matches!(
        b,
        b':' | b'[' | b']' | b'@' | b'!' | b'$' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b'='
    )
}

/// RFC 7512 `pk11-pchar` minus `pct-encoded`: what a path value may hold unencoded.
fn is_path_char(b: u8) -> bool {
    is_unreserved(b) || is_res_avail(b) || b == b'&'
}

/// RFC 7512 `pk11-qchar` minus `pct-encoded`: what a query value may hold unencoded.
fn is_query_char(b: u8) -> bool {
    is_unreserved(b) || is_res_avail(b) || matches!(b, b'/' | b'?' | b'|')
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `value`; `name` is only used in the error.
fn percent_decode(name: &str, value: &str) -> Result<Vec<u8>, UriError> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().copied();
    while let Some(b) = iter.next() {
        if b == b'%' {
            let hi = iter.next().and_then(hex_val);
            let lo = iter.next().and_then(hex_val);
            match (hi, lo) {
                (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                _ => return Err(UriError::BadPercentEncoding(name.to_string())),
            }
        } else {
            out.push(b);
        }
    }
    Ok(out)
}

fn decode_text(name: &str, value: &str) -> Result<String, UriError> {
    String::from_utf8(percent_decode(name, value)?).map_err(|_| UriError::NotUtf8(name.to_string()))
}

/// Percent-encodes `bytes`, leaving alone the bytes `keep` accepts. Upper-case hex.
fn percent_encode(bytes: &[u8], keep: fn(u8) -> bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if keep(b) {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Encodes a path attribute value (RFC 7512 `pk11-pchar`), also `(` and `)`, which
/// p11-kit (and p11tool) encode: the URIs certscope prints are the ones they print.
pub fn encode_path_value(value: &str) -> String {
    percent_encode(value.as_bytes(), |b| {
        is_path_char(b) && !matches!(b, b'(' | b')')
    })
}

/// Encodes a query attribute value (RFC 7512 `pk11-qchar`), `(` `)` too, as p11-kit does.
pub fn encode_query_value(value: &str) -> String {
    percent_encode(value.as_bytes(), |b| {
        is_query_char(b) && !matches!(b, b'(' | b')')
    })
}

/// Encodes bytes as `%XX` for every byte, the way p11tool and p11-kit print `id=`. An ID is
/// binary, and fully encoding it keeps it readable as hex and unambiguous.
pub fn encode_id(id: &[u8]) -> String {
    percent_encode(id, |_| false)
}

fn set_once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), UriError> {
    if slot.is_some() {
        return Err(UriError::Duplicate(name.to_string()));
    }
    *slot = Some(value);
    Ok(())
}

fn parse_library_version(raw: &str) -> Result<(u8, u8), UriError> {
    let bad = || UriError::BadLibraryVersion(raw.to_string());
    let digits = |s: &str| -> Result<u8, UriError> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse::<u8>().map_err(|_| bad())
    };
    match raw.split_once('.') {
        Some((major, minor)) => Ok((digits(major)?, digits(minor)?)),
        None => Ok((digits(raw)?, 0)),
    }
}

impl Pkcs11Uri {
    /// Parses a `pkcs11:` URI. See the module documentation for the rules.
    pub fn parse(input: &str) -> Result<Pkcs11Uri, UriError> {
        let rest = Some(input)
            .filter(|i| crate::input::is_pkcs11_uri(i))
            .and_then(|i| i.get(7..))
            .ok_or(UriError::NotPkcs11)?;
        // '?' cannot appear unencoded in the path, so the first one starts the query.
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut uri = Pkcs11Uri::default();
        for attr in path.split(';').filter(|a| !a.is_empty()) {
            let (name, value) = split_attr(attr)?;
            uri.set_path_attr(name, value)?;
        }
        if let Some(query) = query {
            let mut seen: Vec<&str> = Vec::new();
            for attr in query.split('&').filter(|a| !a.is_empty()) {
                let (name, value) = split_attr(attr)?;
                if seen.contains(&name) {
                    return Err(UriError::Duplicate(name.to_string()));
                }
                seen.push(name);
                uri.set_query_attr(name, value)?;
            }
        }
        Ok(uri)
    }

    fn set_path_attr(&mut self, name: &str, value: &str) -> Result<(), UriError> {
        match name {
            "token" => set_once(&mut self.token, name, decode_text(name, value)?),
            "manufacturer" => set_once(&mut self.manufacturer, name, decode_text(name, value)?),
            "model" => set_once(&mut self.model, name, decode_text(name, value)?),
            "serial" => set_once(&mut self.serial, name, decode_text(name, value)?),
            "slot-description" => {
                set_once(&mut self.slot_description, name, decode_text(name, value)?)
            }
            "slot-manufacturer" => {
                set_once(&mut self.slot_manufacturer, name, decode_text(name, value)?)
            }
            "library-description" => set_once(
                &mut self.library_description,
                name,
                decode_text(name, value)?,
            ),
            "library-manufacturer" => set_once(
                &mut self.library_manufacturer,
                name,
                decode_text(name, value)?,
            ),
            "object" => set_once(&mut self.object, name, decode_text(name, value)?),
            "id" => set_once(&mut self.id, name, percent_decode(name, value)?),
            "slot-id" => {
                let text = decode_text(name, value)?;
                // RFC 7512: slot-id = 1*DIGIT. `u64::from_str` alone would accept "+5".
                if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(UriError::BadSlotId(text));
                }
                let id = text.parse::<u64>().map_err(|_| UriError::BadSlotId(text))?;
                set_once(&mut self.slot_id, name, id)
            }
            "library-version" => {
                let text = decode_text(name, value)?;
                set_once(
                    &mut self.library_version,
                    name,
                    parse_library_version(&text)?,
                )
            }
            "type" => {
                let text = decode_text(name, value)?;
                let t = ObjectType::parse(&text).ok_or(UriError::BadType(text))?;
                set_once(&mut self.object_type, name, t)
            }
            other => Err(UriError::UnknownPathAttribute(other.to_string())),
        }
    }

    fn set_query_attr(&mut self, name: &str, value: &str) -> Result<(), UriError> {
        match name {
            "module-path" => set_once(&mut self.module_path, name, decode_text(name, value)?),
            "module-name" => set_once(&mut self.module_name, name, decode_text(name, value)?),
            "pin-source" => set_once(&mut self.pin_source, name, decode_text(name, value)?),
            "pin-value" => {
                // Decode straight into zeroizing storage; the intermediate byte vector is
                // wiped too, so no plain copy of the PIN outlives this function.
                let bytes = Zeroizing::new(percent_decode(name, value)?);
                let text =
                    std::str::from_utf8(&bytes).map_err(|_| UriError::NotUtf8(name.to_string()))?;
                set_once(&mut self.pin_value, name, Zeroizing::new(text.to_string()))
            }
            other => {
                self.ignored_query.push(other.to_string());
                Ok(())
            }
        }
    }

    /// True if the URI has no path attribute at all (`pkcs11:` alone matches everything).
    pub fn path_is_empty(&self) -> bool {
        self.token.is_none()
            && self.manufacturer.is_none()
            && self.model.is_none()
            && self.serial.is_none()
            && self.slot_id.is_none()
            && self.slot_description.is_none()
            && self.slot_manufacturer.is_none()
            && self.library_description.is_none()
            && self.library_manufacturer.is_none()
            && self.library_version.is_none()
            && self.object.is_none()
            && self.id.is_none()
            && self.object_type.is_none()
    }

    /// True if the URI names an object (has `object`, `id` or `type`), as opposed to only
    /// a library, slot or token.
    pub fn selects_objects(&self) -> bool {
        self.object.is_some() || self.id.is_some() || self.object_type.is_some()
    }

    /// Does a library (CK_INFO) match the `library-*` attributes?
    pub fn matches_library(
        &self,
        description: &str,
        manufacturer: &str,
        version: (u8, u8),
    ) -> bool {
        eq_opt(&self.library_description, description)
            && eq_opt(&self.library_manufacturer, manufacturer)
            && self.library_version.is_none_or(|v| v == version)
    }

    /// Does a slot (id and CK_SLOT_INFO) match the `slot-*` attributes?
    pub fn matches_slot(&self, slot_id: u64, description: &str, manufacturer: &str) -> bool {
        self.slot_id.is_none_or(|id| id == slot_id)
            && eq_opt(&self.slot_description, description)
            && eq_opt(&self.slot_manufacturer, manufacturer)
    }

    /// Does a token (CK_TOKEN_INFO fields, blank padding already removed) match the token
    /// attributes?
    pub fn matches_token(
        &self,
        label: &str,
        manufacturer: &str,
        model: &str,
        serial: &str,
    ) -> bool {
        eq_opt(&self.token, label)
            && eq_opt(&self.manufacturer, manufacturer)
            && eq_opt(&self.model, model)
            && eq_opt(&self.serial, serial)
    }

    /// Formats the URI. The PIN is included only when `include_pin` is true; certscope
    /// never prints it, the flag exists for handing a URI to another program.
    pub fn format(&self, include_pin: bool) -> String {
        fn text(path: &mut Vec<String>, name: &str, value: &Option<String>) {
            if let Some(v) = value {
                path.push(format!("{name}={}", encode_path_value(v)));
            }
        }
        let mut path: Vec<String> = Vec::new();
        // p11-kit's order: library, slot, token, object.
        text(&mut path, "library-description", &self.library_description);
        text(
            &mut path,
            "library-manufacturer",
            &self.library_manufacturer,
        );
        if let Some((major, minor)) = self.library_version {
            path.push(format!("library-version={major}.{minor}"));
        }
        text(&mut path, "slot-description", &self.slot_description);
        text(&mut path, "slot-manufacturer", &self.slot_manufacturer);
        if let Some(id) = self.slot_id {
            path.push(format!("slot-id={id}"));
        }
        text(&mut path, "model", &self.model);
        text(&mut path, "manufacturer", &self.manufacturer);
        text(&mut path, "serial", &self.serial);
        text(&mut path, "token", &self.token);
        if let Some(id) = &self.id {
            path.push(format!("id={}", encode_id(id)));
        }
        if let Some(object) = &self.object {
            path.push(format!("object={}", encode_path_value(object)));
        }
        if let Some(t) = self.object_type {
            path.push(format!("type={t}"));
        }
        let mut query: Vec<String> = Vec::new();
        let mut q = |name: &str, v: Option<&str>| {
            if let Some(v) = v {
                query.push(format!("{name}={}", encode_query_value(v)));
            }
        };
        q("module-name", self.module_name.as_deref());
        q("module-path", self.module_path.as_deref());
        q("pin-source", self.pin_source.as_deref());
        if include_pin {
            q("pin-value", self.pin_value.as_ref().map(|p| p.as_str()));
        }
        let mut out = format!("pkcs11:{}", path.join(";"));
        if !query.is_empty() {
            out.push('?');
            out.push_str(&query.join("&"));
        }
        out
    }
}

impl fmt::Display for Pkcs11Uri {
    /// The URI without `pin-value`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(false))
    }
}

impl std::str::FromStr for Pkcs11Uri {
    type Err = UriError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Pkcs11Uri::parse(s)
    }
}

fn eq_opt(want: &Option<String>, have: &str) -> bool {
    want.as_deref().is_none_or(|w| w == have)
}

fn split_attr(attr: &str) -> Result<(&str, &str), UriError> {
    let (name, value) = attr.split_once('=').ok_or_else(|| {
        // The attribute is quoted in the message: never a PIN.
        let shown = if mentions_pin_value(attr) {
            "pin-value"
        } else {
            attr
        };
        UriError::MissingEquals(shown.to_string())
    })?;
    if name.is_empty() {
        return Err(UriError::EmptyName);
    }
    Ok((name, value))
}

/// What replaces a PIN in [`redact`]'s output.
pub const REDACTED: &str = "<redacted>";

/// Does this piece of a URI mention `pin-value` (in any case, percent-encoded or not)?
fn mentions_pin_value(piece: &str) -> bool {
    // Lenient decoding: a malformed escape stays as it is, so that it cannot hide the name.
    let bytes = piece.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = (b == b'%')
            .then(|| {
                let hi = bytes.get(i + 1).copied().and_then(hex_val)?;
                let lo = bytes.get(i + 2).copied().and_then(hex_val)?;
                Some(hi << 4 | lo)
            })
            .flatten();
        match escaped {
            Some(v) => {
                decoded.push(v.to_ascii_lowercase());
                i += 3;
            }
            None => {
                decoded.push(b.to_ascii_lowercase());
                i += 1;
            }
        }
    }
    decoded.windows(9).any(|w| w == b"pin-value")
}

/// `text` (a URI as given, possibly malformed) with every attribute that mentions
/// `pin-value` replaced by `NAME=<redacted>`, wherever it is (path or query part, with `=`
/// or not), for error messages and locators: a PIN must never reach stderr or JSON.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let end = rest.find([';', '?', '&']).unwrap_or(rest.len());
        let (piece, tail) = rest.split_at(end);
        if mentions_pin_value(piece) {
            // Keep a harmless name (`object=` holding "pin-value..."), else say pin-value.
            let name = piece
                .split_once('=')
                .map(|(n, _)| n)
                .filter(|n| !mentions_pin_value(n))
                .unwrap_or("pin-value");
            // The scheme stays visible when the PIN is in the first attribute.
            if let Some(scheme) = piece
                .get(..7)
                .filter(|_| crate::input::is_pkcs11_uri(piece))
            {
                if !mentions_pin_value(scheme) && name == "pin-value" {
                    out.push_str(scheme);
                }
            }
            out.push_str(name);
            out.push('=');
            out.push_str(REDACTED);
        } else {
            out.push_str(piece);
        }
        let mut chars = tail.chars();
        match chars.next() {
            Some(delimiter) => {
                out.push(delimiter);
                rest = chars.as_str();
            }
            None => return out,
        }
    }
}

/// The URI p11tool would print for an object: `model`, `manufacturer`, `serial`, `token`
/// identify the token (all four, as p11tool does, so the URI still works when two tokens
/// share a label), then `id` (always fully `%XX`-encoded), `object` and `type`. Empty
/// `object_label` or `id` are left out, since an empty `object=` would only match objects
/// whose label is empty; so is `type` for classes RFC 7512 has no name for. `module_path`
/// becomes the `module-path` query attribute, so that the URI can be pasted into another
/// command as it is.
#[allow(clippy::too_many_arguments)] // each is one URI attribute; a struct would only rename them
pub fn object_uri(
    token_label: &str,
    manufacturer: &str,
    model: &str,
    serial: &str,
    object_label: &str,
    id: &[u8],
    object_type: Option<ObjectType>,
    module_path: Option<&str>,
) -> String {
    let uri = Pkcs11Uri {
        token: Some(token_label.to_string()),
        manufacturer: Some(manufacturer.to_string()),
        model: Some(model.to_string()),
        serial: Some(serial.to_string()),
        object: (!object_label.is_empty()).then(|| object_label.to_string()),
        id: (!id.is_empty()).then(|| id.to_vec()),
        object_type,
        module_path: module_path.map(str::to_string),
        ..Pkcs11Uri::default()
    };
    uri.format(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Pkcs11Uri {
        Pkcs11Uri::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    // RFC 7512 §3.3 examples, in the order the RFC lists them.
    #[test]
    fn rfc7512_empty() {
        let u = p("pkcs11:");
        assert!(u.path_is_empty());
        assert_eq!(u, Pkcs11Uri::default());
    }

    #[test]
    fn rfc7512_pubkey() {
        let u = p("pkcs11:object=my-pubkey;type=public");
        assert_eq!(u.object.as_deref(), Some("my-pubkey"));
        assert_eq!(u.object_type, Some(ObjectType::Public));
    }

    #[test]
    fn rfc7512_pin_source() {
        let u = p("pkcs11:object=my-key;type=private?pin-source=file:/etc/token");
        assert_eq!(u.object_type, Some(ObjectType::Private));
        assert_eq!(u.pin_source.as_deref(), Some("file:/etc/token"));
    }

    #[test]
    fn rfc7512_full_object() {
        let u = p("pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;\
                   manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;\
                   type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=\
                   ?pin-source=file:/etc/token_pin");
        assert_eq!(u.token.as_deref(), Some("The Software PKCS#11 Softtoken"));
        assert_eq!(u.manufacturer.as_deref(), Some("Snake Oil, Inc."));
        assert_eq!(u.model.as_deref(), Some("1.0"));
        assert_eq!(u.object.as_deref(), Some("my-certificate"));
        assert_eq!(u.object_type, Some(ObjectType::Cert));
        assert_eq!(
            u.id.as_deref(),
            Some(&[0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91][..])
        );
        // Present but empty: matches only an empty serial number.
        assert_eq!(u.serial.as_deref(), Some(""));
        assert!(!u.matches_token(
            "The Software PKCS#11 Softtoken",
            "Snake Oil, Inc.",
            "1.0",
            "42"
        ));
        assert!(u.matches_token(
            "The Software PKCS#11 Softtoken",
            "Snake Oil, Inc.",
            "1.0",
            ""
        ));
        assert_eq!(u.pin_source.as_deref(), Some("file:/etc/token_pin"));
    }

    #[test]
    fn rfc7512_module_name_and_path() {
        let u = p("pkcs11:object=my-sign-key;type=private?module-name=mypkcs11");
        assert_eq!(u.module_name.as_deref(), Some("mypkcs11"));
        let u = p("pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1");
        assert_eq!(u.module_path.as_deref(), Some("/mnt/libmypkcs11.so.1"));
    }

    #[test]
    fn rfc7512_pin_value_is_hidden() {
        let u = p("pkcs11:token=Software%20PKCS%2311%20softtoken;\
                   manufacturer=Snake%20Oil,%20Inc.?pin-value=the-pin");
        assert_eq!(u.pin_value.as_ref().map(|p| p.as_str()), Some("the-pin"));
        let dbg = format!("{u:?}");
        assert!(!dbg.contains("the-pin"), "{dbg}");
        assert!(dbg.contains("<redacted>"));
        assert!(!u.to_string().contains("the-pin"));
        assert!(u.format(true).ends_with("?pin-value=the-pin"));
    }

    #[test]
    fn rfc7512_slot_and_library() {
        let u = p("pkcs11:slot-description=Sun%20Metaslot");
        assert_eq!(u.slot_description.as_deref(), Some("Sun Metaslot"));
        let u = p("pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;\
                   library-description=Soft%20Token%20Library;library-version=1.23");
        assert_eq!(u.library_manufacturer.as_deref(), Some("Snake Oil, Inc."));
        assert_eq!(u.library_description.as_deref(), Some("Soft Token Library"));
        assert_eq!(u.library_version, Some((1, 23)));
        assert!(u.matches_library("Soft Token Library", "Snake Oil, Inc.", (1, 23)));
        assert!(!u.matches_library("Soft Token Library", "Snake Oil, Inc.", (1, 2)));
    }

    #[test]
    fn rfc7512_percent_in_label_and_mixed_case_id() {
        let u = p(
            "pkcs11:token=My%20token%25%20created%20by%20Joe;library-version=3;\
                   id=%01%02%03%Ba%dd%Ca%fe%04%05%06",
        );
        assert_eq!(u.token.as_deref(), Some("My token% created by Joe"));
        assert_eq!(u.library_version, Some((3, 0)));
        assert_eq!(
            u.id.as_deref(),
            Some(&[1, 2, 3, 0xba, 0xdd, 0xca, 0xfe, 4, 5, 6][..])
        );
    }

    #[test]
    fn rfc7512_semicolon_in_value() {
        let u = p("pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;\
                   object=my-certificate;type=cert");
        assert_eq!(u.token.as_deref(), Some("A name with a substring %;"));
    }

    #[test]
    fn rfc7512_utf8_label() {
        let u = p(
            "pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;\
                   object=my-certificate;type=cert",
        );
        assert_eq!(
            u.token.as_deref(),
            Some("Name with a small A with acute: \u{e1}")
        );
    }

    #[test]
    fn rfc7512_vendor_attributes() {
        // The RFC's last example has a vendor path attribute: rejected (see module docs).
        let err = Pkcs11Uri::parse(
            "pkcs11:token=my-token;object=my-certificate;type=cert;vendor-aaa=value-a\
             ?pin-source=file:/etc/token_pin&vendor-bbb=value-b",
        )
        .unwrap_err();
        assert_eq!(err, UriError::UnknownPathAttribute("vendor-aaa".into()));
        assert!(err.to_string().contains("vendor-aaa"));
        // The same URI without the vendor path attribute: the vendor query one is ignored.
        let u = p("pkcs11:token=my-token;object=my-certificate;type=cert\
                   ?pin-source=file:/etc/token_pin&vendor-bbb=value-b");
        assert_eq!(u.ignored_query, vec!["vendor-bbb".to_string()]);
        assert_eq!(u.pin_source.as_deref(), Some("file:/etc/token_pin"));
    }

    #[test]
    fn reserved_characters_unencoded() {
        // pk11-path-res-avail and pk11-query-res-avail need no encoding.
        let u = p("pkcs11:token=:[]@!$'()*+,=&?pin-source=:[]@!$'()*+,=/?|");
        assert_eq!(u.token.as_deref(), Some(":[]@!$'()*+,=&"));
        assert_eq!(u.pin_source.as_deref(), Some(":[]@!$'()*+,=/?|"));
        // And the formatter leaves them alone too, but for `(` `)`, which p11-kit encodes.
        assert_eq!(
            u.to_string(),
            "pkcs11:token=:[]@!$'%28%29*+,=&?pin-source=:[]@!$'%28%29*+,=/?|"
        );
    }

    #[test]
    fn scheme_is_case_insensitive() {
        assert_eq!(p("PKCS11:token=x").token.as_deref(), Some("x"));
        assert_eq!(Pkcs11Uri::parse("pkcs1:token=x"), Err(UriError::NotPkcs11));
        assert_eq!(Pkcs11Uri::parse("pkcs"), Err(UriError::NotPkcs11));
        assert_eq!(Pkcs11Uri::parse(""), Err(UriError::NotPkcs11));
    }

    #[test]
    fn errors() {
        let e = |s: &str| Pkcs11Uri::parse(s).unwrap_err();
        assert_eq!(e("pkcs11:token"), UriError::MissingEquals("token".into()));
        assert_eq!(e("pkcs11:=x"), UriError::EmptyName);
        assert_eq!(
            e("pkcs11:token=a;token=b"),
            UriError::Duplicate("token".into())
        );
        assert_eq!(
            e("pkcs11:?module-path=a&module-path=b"),
            UriError::Duplicate("module-path".into())
        );
        assert_eq!(e("pkcs11:?x-a=1&x-a=2"), UriError::Duplicate("x-a".into()));
        assert_eq!(
            e("pkcs11:token=%4"),
            UriError::BadPercentEncoding("token".into())
        );
        assert_eq!(
            e("pkcs11:token=%zz"),
            UriError::BadPercentEncoding("token".into())
        );
        assert_eq!(e("pkcs11:id=%"), UriError::BadPercentEncoding("id".into()));
        assert_eq!(e("pkcs11:token=%FF"), UriError::NotUtf8("token".into()));
        assert_eq!(
            e("pkcs11:type=certificate"),
            UriError::BadType("certificate".into())
        );
        assert_eq!(e("pkcs11:type=Cert"), UriError::BadType("Cert".into()));
        assert_eq!(e("pkcs11:slot-id=0x1"), UriError::BadSlotId("0x1".into()));
        assert_eq!(e("pkcs11:slot-id=+1"), UriError::BadSlotId("+1".into()));
        assert_eq!(e("pkcs11:slot-id="), UriError::BadSlotId("".into()));
        assert_eq!(
            e("pkcs11:slot-id=99999999999999999999999"),
            UriError::BadSlotId("99999999999999999999999".into())
        );
        assert_eq!(
            e("pkcs11:library-version=1."),
            UriError::BadLibraryVersion("1.".into())
        );
        assert_eq!(
            e("pkcs11:library-version=256"),
            UriError::BadLibraryVersion("256".into())
        );
        assert_eq!(
            e("pkcs11:library-version=a.b"),
            UriError::BadLibraryVersion("a.b".into())
        );
        assert_eq!(
            e("pkcs11:?pin-value=%FF"),
            UriError::NotUtf8("pin-value".into())
        );
        assert_eq!(
            e("pkcs11:Token=x"),
            UriError::UnknownPathAttribute("Token".into())
        );
        assert_eq!(
            e("pkcs11:x-vendor=x"),
            UriError::UnknownPathAttribute("x-vendor".into())
        );
    }

    #[test]
    fn pin_value_is_redacted_anywhere() {
        for (input, want) in [
            (
                "pkcs11:token=x;pin-value=S3CRET",
                "pkcs11:token=x;pin-value=<redacted>",
            ),
            (
                "pkcs11:token=x?pin-value:S3CRET",
                "pkcs11:token=x?pin-value=<redacted>",
            ),
            (
                "pkcs11:token=x?a=1&PIN%2Dvalue=S3CRET&b=2",
                "pkcs11:token=x?a=1&pin-value=<redacted>&b=2",
            ),
            ("pkcs11:object=pin-value=S3CRET", "pkcs11:object=<redacted>"),
            ("pkcs11:pin-value=S3CRET", "pkcs11:pin-value=<redacted>"),
            ("pkcs11:token=%zz", "pkcs11:token=%zz"),
            ("pkcs11:token=x;pin-valu%", "pkcs11:token=x;pin-valu%"),
        ] {
            assert_eq!(redact(input), want, "{input}");
        }
        let e = Pkcs11Uri::parse("pkcs11:token=x?pin-value:S3CRET").unwrap_err();
        assert!(!e.to_string().contains("S3CRET"), "{e}");
    }

    #[test]
    fn id_is_raw_bytes() {
        let u = p("pkcs11:id=%00%FF%80ab");
        assert_eq!(u.id.as_deref(), Some(&[0, 0xff, 0x80, b'a', b'b'][..]));
    }

    #[test]
    fn slot_id_and_empty_attributes() {
        let u = p("pkcs11:slot-id=1609692073;;");
        assert_eq!(u.slot_id, Some(1_609_692_073));
        assert!(u.matches_slot(1_609_692_073, "anything", "anyone"));
        assert!(!u.matches_slot(2, "anything", "anyone"));
    }

    #[test]
    fn liberal_raw_characters() {
        // A space typed in a shell is accepted, though the RFC wants %20.
        assert_eq!(
            p("pkcs11:token=My Token").token.as_deref(),
            Some("My Token")
        );
    }

    #[test]
    fn format_round_trip() {
        let original = Pkcs11Uri {
            token: Some("My token; with % and /".into()),
            manufacturer: Some("Snake Oil, Inc.".into()),
            model: Some("m\u{e1}".into()),
            serial: Some(String::new()),
            slot_id: Some(7),
            slot_description: Some("reader 0".into()),
            slot_manufacturer: Some("x".into()),
            library_description: Some("lib?".into()),
            library_manufacturer: Some("me".into()),
            library_version: Some((2, 6)),
            object: Some("a=b&c".into()),
            id: Some(vec![0, 1, 0xfe]),
            object_type: Some(ObjectType::SecretKey),
            module_path: Some("/usr/lib/x y.so".into()),
            module_name: Some("softhsm2".into()),
            pin_value: Some(Zeroizing::new("12&34".into())),
            pin_source: Some("file:/tmp/pin".into()),
            ignored_query: Vec::new(),
        };
        let text = original.format(true);
        assert_eq!(Pkcs11Uri::parse(&text).unwrap(), original);
        assert!(
            text.contains("token=My%20token%3B%20with%20%25%20and%20%2F"),
            "{text}"
        );
        assert!(text.contains("module-path=/usr/lib/x%20y.so"), "{text}");
        assert!(text.contains("pin-value=12%2634"), "{text}");
        let no_pin = original.to_string();
        assert!(!no_pin.contains("pin-value"), "{no_pin}");
    }

    #[test]
    fn object_uri_like_p11tool() {
        let uri = object_uri(
            "probe",
            "SoftHSM project",
            "SoftHSM v2",
            "3b6e7468dff1f3a9",
            "my cert",
            b"AB\x01",
            Some(ObjectType::Cert),
            None,
        );
        assert_eq!(
            uri,
            "pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;serial=3b6e7468dff1f3a9;\
             token=probe;id=%41%42%01;object=my%20cert;type=cert"
        );
        let back = p(&uri);
        assert_eq!(back.id.as_deref(), Some(&b"AB\x01"[..]));
        assert!(back.matches_token("probe", "SoftHSM project", "SoftHSM v2", "3b6e7468dff1f3a9"));
        let no_label = object_uri(
            "t",
            "m",
            "mo",
            "s",
            "",
            b"",
            Some(ObjectType::Private),
            None,
        );
        assert_eq!(
            no_label,
            "pkcs11:model=mo;manufacturer=m;serial=s;token=t;type=private"
        );
    }

    #[test]
    fn object_type_names() {
        for t in [
            ObjectType::Cert,
            ObjectType::Public,
            ObjectType::Private,
            ObjectType::SecretKey,
            ObjectType::Data,
        ] {
            assert_eq!(ObjectType::parse(t.as_str()), Some(t));
        }
    }
}
