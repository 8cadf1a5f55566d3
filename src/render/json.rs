//! JSON: one document, streamed. `{"certscope": "<version>", "items": [...], "errors": [...]}`
//! is written item by item, so memory does not grow with the number of items.

use std::io::{self, Write};

use serde::Serialize;

use crate::model::Item;

/// The version every JSON document names first (`"certscope": "<version>"`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A whole JSON document: `{"certscope": VERSION, <the body's fields>}`. Every document
/// certscope writes, streamed ([`JsonWriter`]) or not, opens with that header.
#[derive(Debug, Serialize)]
pub struct Document<T: Serialize> {
    certscope: &'static str,
    #[serde(flatten)]
    body: T,
}

impl<T: Serialize> Document<T> {
    /// The document whose fields after the header are `body`'s.
    pub fn new(body: T) -> Document<T> {
        Document {
            certscope: VERSION,
            body,
        }
    }

    /// Writes the document and a newline.
    pub fn write_to<W: Write>(&self, mut w: W) -> io::Result<()> {
        serde_json::to_writer(&mut w, self).map_err(io::Error::from)?;
        writeln!(w)
    }
}

/// One failure, as listed in the document's `errors` array.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorEntry {
    /// `PATH[#INDEX] (line N)` or a URI.
    pub source: String,
    /// What is wrong.
    pub message: String,
}

/// Streams the document.
#[derive(Debug)]
pub struct JsonWriter<W: Write> {
    w: W,
    first: bool,
    errors: Vec<ErrorEntry>,
    /// `items` or another array name (`fingerprints`).
    array: &'static str,
}

impl<W: Write> JsonWriter<W> {
    /// Starts a document whose main array is called `array`.
    pub fn begin(mut w: W, array: &'static str) -> io::Result<JsonWriter<W>> {
        write!(
            w,
            "{{\"certscope\":{},\"{array}\":[",
            serde_json::to_string(VERSION).map_err(io::Error::other)?
        )?;
        Ok(JsonWriter {
            w,
            first: true,
            errors: Vec::new(),
            array,
        })
    }

    /// Appends one element to the main array.
    pub fn element<T: Serialize>(&mut self, value: &T) -> io::Result<()> {
        self.w.write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        // `From` keeps an I/O failure's kind (a closed pipe stays BrokenPipe, which the
        // binary treats as the reader's choice); `io::Error::other` would hide it.
        serde_json::to_writer(&mut self.w, value).map_err(io::Error::from)
    }

    /// Appends an item.
    pub fn item(&mut self, item: &Item) -> io::Result<()> {
        self.element(item)
    }

    /// Records a failure for the `errors` array.
    pub fn error(&mut self, source: String, message: String) {
        self.errors.push(ErrorEntry { source, message });
    }

    /// Closes the document.
    pub fn finish(mut self) -> io::Result<W> {
        let _ = self.array;
        self.w.write_all(if self.first { b"]" } else { b"\n]" })?;
        self.w.write_all(b",\"errors\":")?;
        serde_json::to_writer(&mut self.w, &self.errors).map_err(io::Error::from)?;
        self.w.write_all(b"}\n")?;
        self.w.flush()?;
        Ok(self.w)
    }
}

/// The `type` of a JSON Lines line (docs/json.md, "JSON Lines").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineType {
    /// One item (or one finding, chain or thumbprint: the command's unit).
    Item,
    /// One problem: an input, item or token that could not be read or decoded.
    Error,
    /// The last line: counts and the exit code.
    Summary,
}

/// One JSON Lines line: `{"certscope": VERSION, "type": …, <the body's fields>}`.
#[derive(Debug, Serialize)]
struct Line<'a, T: Serialize> {
    certscope: &'static str,
    #[serde(rename = "type")]
    kind: LineType,
    #[serde(flatten)]
    body: &'a T,
}

/// The fields of a `summary` line every command writes; a command adds its own after them.
#[derive(Debug, Serialize)]
struct SummaryLine<'a, T: Serialize> {
    items: usize,
    errors: usize,
    /// Files skipped quietly under `-r` (nothing certscope recognises in them).
    skipped: usize,
    #[serde(flatten)]
    extra: &'a T,
    exit_code: u8,
}

/// Writes JSON Lines that lose nothing: an `item` line per item, an `error` line per
/// problem, and a closing `summary` line with the counts and the exit code.
#[derive(Debug)]
pub struct JsonlWriter<W: Write> {
    w: W,
    items: usize,
    errors: usize,
}

impl<W: Write> JsonlWriter<W> {
    /// Starts the stream (nothing is written until the first line).
    pub fn new(w: W) -> JsonlWriter<W> {
        JsonlWriter {
            w,
            items: 0,
            errors: 0,
        }
    }

    fn line<T: Serialize>(&mut self, kind: LineType, body: &T) -> io::Result<()> {
        let line = Line {
            certscope: VERSION,
            kind,
            body,
        };
        // `From` keeps a closed pipe's BrokenPipe kind (see `JsonWriter::element`).
        serde_json::to_writer(&mut self.w, &line).map_err(io::Error::from)?;
        self.w.write_all(b"\n")
    }

    /// Writes an `item` line whose fields after the header are `body`'s.
    pub fn item<T: Serialize>(&mut self, body: &T) -> io::Result<()> {
        self.items += 1;
        self.line(LineType::Item, body)
    }

    /// Writes an `error` line: `{"source": …, "message": …}`.
    pub fn error(&mut self, source: &str, message: &str) -> io::Result<()> {
        self.errors += 1;
        let entry = ErrorEntry {
            source: source.to_string(),
            message: message.to_string(),
        };
        self.line(LineType::Error, &entry)
    }

    /// Writes the `summary` line (items, errors, `skipped`, the command's `extra` fields,
    /// `exit_code`) and flushes.
    pub fn summary<T: Serialize>(
        mut self,
        skipped: usize,
        extra: &T,
        exit_code: u8,
    ) -> io::Result<W> {
        let summary = SummaryLine {
            items: self.items,
            errors: self.errors,
            skipped,
            extra,
            exit_code,
        };
        self.line(LineType::Summary, &summary)?;
        self.w.flush()?;
        Ok(self.w)
    }
}

/// Fleet fields for an item (`--inventory`), at the top level of its record, before the
/// item's own fields. Everything here is gathered by the caller: the library reads no
/// clock, host name or file system.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inventory {
    /// The scanning host's name.
    pub host: String,
    /// When the scan ran (RFC 3339; `CERTSCOPE_NOW` pins it).
    pub scanned_at: String,
    /// The file's modification time (RFC 3339), absent for stdin and tokens.
    pub file_mtime: Option<String>,
    /// The file owner's user id.
    pub file_uid: Option<u32>,
    /// The file's group id.
    pub file_gid: Option<u32>,
    /// The file's permission bits in octal (`"0644"`).
    pub file_mode: Option<String>,
    /// Whole days from the scan time to the certificate's notAfter (negative once
    /// expired); absent for other items.
    pub days_until_expiry: Option<i64>,
}

/// Every top-level field an item's record can hold (the item's, every body's and
/// `--inventory`'s), sorted: the names `--fields` accepts. A test checks that every
/// fixture's records use only these.
pub const RECORD_FIELDS: &[&str] = &[
    "algorithm",
    "application",
    "attributes",
    "authority_key_id",
    "bag",
    "base_crl_number",
    "bits",
    "certificates",
    "class",
    "content_encryption_algorithm",
    "content_size",
    "content_type",
    "crl_number",
    "curve",
    "days_until_expiry",
    "decrypted",
    "digest_algorithms",
    "encrypted",
    "encryption",
    "error",
    "extensions",
    "file_gid",
    "file_mode",
    "file_mtime",
    "file_uid",
    "fingerprints",
    "flags",
    "format",
    "host",
    "id",
    "inner_content_type",
    "inner_signature_algorithm",
    "issuer",
    "issuer_rdns",
    "key_type",
    "kind",
    "label",
    "mac_algorithm",
    "next_update",
    "nonce",
    "not_after",
    "not_before",
    "number",
    "pem",
    "pem_label",
    "produced_at",
    "protection",
    "public_key",
    "recipients",
    "relations",
    "requestor_name",
    "requests",
    "responder",
    "responder_id",
    "response_status",
    "response_type",
    "responses",
    "revoked",
    "revoked_count",
    "scanned_at",
    "self_signature",
    "self_signed",
    "serial",
    "serial_decimal",
    "serial_der_hex",
    "signature",
    "signature_algorithm",
    "signature_pss",
    "signed",
    "signer",
    "signers",
    "size",
    "source",
    "spki_sha256",
    "subject",
    "subject_key_id",
    "subject_rdns",
    "this_update",
    "token",
    "trust",
    "version",
    "warnings",
];

/// What one item becomes in JSON and JSON Lines: the item, with the inventory fields in
/// front (`--inventory`), cut to the chosen top-level fields (`--fields`).
#[derive(Debug)]
pub enum Record<'a> {
    /// The item as it is.
    Whole(&'a Item),
    /// The inventory fields, then the item's.
    WithInventory(&'a Inventory, &'a Item),
    /// Only the chosen fields, in the order asked for (absent ones left out).
    Selected(Vec<(&'a str, serde_json::Value)>),
}

#[derive(Serialize)]
struct Flat<'a> {
    #[serde(flatten)]
    inventory: &'a Inventory,
    #[serde(flatten)]
    item: &'a Item,
}

impl<'a> Record<'a> {
    /// The record of `item`; `fields` empty keeps every field.
    pub fn new(
        item: &'a Item,
        inventory: Option<&'a Inventory>,
        fields: &'a [String],
    ) -> serde_json::Result<Record<'a>> {
        let whole = match inventory {
            Some(inv) => Record::WithInventory(inv, item),
            None => Record::Whole(item),
        };
        if fields.is_empty() {
            return Ok(whole);
        }
        let serde_json::Value::Object(mut map) = serde_json::to_value(&whole)? else {
            return Ok(whole);
        };
        Ok(Record::Selected(
            fields
                .iter()
                .filter_map(|f| map.remove(f.as_str()).map(|v| (f.as_str(), v)))
                .collect(),
        ))
    }
}

impl Serialize for Record<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Record::Whole(item) => item.serialize(s),
            Record::WithInventory(inventory, item) => Flat { inventory, item }.serialize(s),
            Record::Selected(fields) => {
                let mut m = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FileSource, Kind, Source};

    /// An item of no known kind, the first of input `path`.
    fn unknown_item(path: &str, line: Option<usize>) -> Item {
        Item::new(
            Kind::Unknown,
            Source::File(FileSource {
                path: path.into(),
                index: 0,
                line,
                container: None,
                key: None,
            }),
        )
    }

    #[test]
    fn document_shape() {
        let mut j = JsonWriter::begin(Vec::new(), "items").unwrap();
        let item = unknown_item("a", Some(3));
        j.item(&item).unwrap();
        j.item(&item).unwrap();
        j.error("a#0".into(), "bad".into());
        let out = j.finish().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["items"].as_array().unwrap().len(), 2);
        assert_eq!(v["items"][0]["kind"], "unknown");
        assert_eq!(v["items"][0]["source"]["line"], 3);
        assert_eq!(
            v["items"][0]["source"]["container"],
            serde_json::Value::Null
        );
        assert_eq!(v["errors"][0]["message"], "bad");
    }

    #[test]
    fn empty_document() {
        let j = JsonWriter::begin(Vec::new(), "items").unwrap();
        let out = j.finish().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["items"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn jsonl_lines_carry_version_and_type() {
        let mut j = JsonlWriter::new(Vec::new());
        let item = unknown_item("-", None);
        j.item(&Record::new(&item, None, &[]).unwrap()).unwrap();
        j.error("a", "bad").unwrap();
        let out = j.summary(0, &serde_json::json!({}), 2).unwrap();
        let lines: Vec<serde_json::Value> = out
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        for (line, kind) in lines.iter().zip(["item", "error", "summary"]) {
            assert_eq!(line["certscope"], VERSION);
            assert_eq!(line["type"], kind);
        }
        assert_eq!(lines[1]["source"], "a");
        assert_eq!(lines[2]["items"], 1);
        assert_eq!(lines[2]["errors"], 1);
        assert_eq!(lines[2]["exit_code"], 2);
    }

    #[test]
    fn fields_select_in_order() {
        let item = unknown_item("-", None);
        let fields = vec!["source".to_string(), "kind".to_string(), "nope".to_string()];
        let v = serde_json::to_value(Record::new(&item, None, &fields).unwrap()).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 2);
        assert_eq!(v["kind"], "unknown");
    }
}
