//! JSON: one document, streamed. `{"certscope": "<version>", "items": [...], "errors": [...]}`
//! is written item by item, so memory does not grow with the number of items.

use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

use crate::model::Item;

mod pick;

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

    /// Appends an item's record: as [`JsonWriter::element`] writes it, chosen fields
    /// copied as they are.
    pub fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        let Record::Selected(picked) = record else {
            return self.element(record);
        };
        self.w
            .write_all(if self.first { b"\n{" } else { b",\n{" })?;
        self.first = false;
        picked.write_fields(&mut self.w, false)?;
        self.w.write_all(b"}")
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

    /// Writes an `item` line of an item's record: as [`JsonlWriter::item`] writes it,
    /// chosen fields copied as they are.
    pub fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        let Record::Selected(picked) = record else {
            return self.item(record);
        };
        self.items += 1;
        self.w.write_all(b"{\"certscope\":")?;
        serde_json::to_writer(&mut self.w, VERSION).map_err(io::Error::from)?;
        self.w.write_all(b",\"type\":\"item\"")?;
        picked.write_fields(&mut self.w, true)?;
        self.w.write_all(b"}\n")
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
    Selected(Selected<'a>),
}

/// The chosen fields of a record, their values already JSON text (what `to_value` and
/// `to_writer` give: objects' keys sorted): [`JsonlWriter::record`] and
/// [`JsonWriter::record`] copy them out, with no `Value` built per field.
#[derive(Debug)]
pub struct Selected<'a> {
    /// The values' JSON, one after the other (in the order the record holds them).
    json: Vec<u8>,
    /// The fields asked for, in order.
    names: &'a [String],
    /// Where the value of each of `names` is in `json`: `None` for a field the record
    /// does not hold (or one asked for twice, after the first time).
    found: Vec<Option<Range<usize>>>,
}

impl<'a> Selected<'a> {
    /// The fields found, with where their values are in `json`.
    fn fields(&self) -> impl Iterator<Item = (&'a str, &Range<usize>)> {
        let names = self.names;
        names
            .iter()
            .zip(&self.found)
            .filter_map(|(name, range)| Some((name.as_str(), range.as_ref()?)))
    }

    /// Writes the fields as `"name":value` pairs, separated by commas (one before the
    /// first too when `comma`).
    fn write_fields<W: Write>(&self, w: &mut W, comma: bool) -> io::Result<()> {
        for (i, (name, range)) in self.fields().enumerate() {
            if comma || i > 0 {
                w.write_all(b",")?;
            }
            serde_json::to_writer(&mut *w, name).map_err(io::Error::from)?;
            w.write_all(b":")?;
            w.write_all(self.json.get(range.clone()).unwrap_or(b"null"))?;
        }
        Ok(())
    }
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
        // Only the chosen fields are serialised (into `Value`s, which is what they always
        // were: nested objects keep their keys sorted); the rest are passed over unwritten.
        let mut found: Vec<Option<Range<usize>>> = vec![None; fields.len()];
        let mut json = Vec::with_capacity(256);
        whole.serialize(pick::Picker {
            fields,
            found: &mut found,
            out: &mut json,
        })?;
        Ok(Record::Selected(Selected {
            json,
            names: fields,
            found,
        }))
    }
}

impl Serialize for Record<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Record::Whole(item) => item.serialize(s),
            Record::WithInventory(inventory, item) => Flat { inventory, item }.serialize(s),
            Record::Selected(picked) => {
                // Not the writers' way (they copy the text): read back for any other
                // serializer.
                let mut m = s.serialize_map(Some(picked.fields().count()))?;
                for (k, range) in picked.fields() {
                    let text = picked.json.get(range.clone()).unwrap_or_default();
                    let v: serde_json::Value =
                        serde_json::from_slice(text).map_err(serde::ser::Error::custom)?;
                    m.serialize_entry(k, &v)?;
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

    /// `Record::new` before `--fields` learnt to skip fields: the whole record as a
    /// `Value`, then the chosen fields taken out of it.
    fn picked_the_old_way(whole: &Record<'_>, fields: &[String]) -> String {
        let serde_json::Value::Object(mut map) = serde_json::to_value(whole).unwrap() else {
            panic!("not an object");
        };
        let picked: Vec<String> = fields
            .iter()
            .filter_map(|f| {
                let v = map.remove(f.as_str())?;
                Some(format!("{}:{v}", serde_json::to_string(f).unwrap()))
            })
            .collect();
        format!("{{{}}}", picked.join(","))
    }

    /// `--fields` writes the bytes it wrote when it cut the whole record down, for every
    /// field alone and for several at once, with and without the inventory fields, over
    /// every kind of body (a token object's too, which the CLI tests cannot reach).
    #[test]
    fn selected_fields_are_what_they_were() {
        let mut items = crate::decode::items_of_all(&[
            include_bytes!("../../fixtures/certs/leaf.pem"),
            include_bytes!("../../fixtures/crl/intermediate.crl"),
            include_bytes!("../../fixtures/bundles/mixed.pem"),
            include_bytes!("../../fixtures/revocation/ocsp-response.der"),
            include_bytes!("../../fixtures/cms/signed-rsa-attached.der"),
        ]);
        let source = Source::Token(crate::model::TokenSource {
            uri: "pkcs11:token=t".into(),
            slot: 1,
            token: "t".into(),
            label: Some("k".into()),
            id: Some("01".into()),
            private: true,
        });
        let mut token = Item::new(Kind::PrivateKey, source);
        token.body = crate::model::Body::TokenObject(Box::new(crate::model::TokenObject {
            class: "private_key".into(),
            label: Some("k".into()),
            id: Some("01".into()),
            key_type: Some("ec".into()),
            bits: Some(256),
            curve: Some("prime256v1".into()),
            flags: vec!["sign".into()],
            application: Some("app".into()),
        }));
        token.token = Some(Box::default());
        items.push(token);
        let inventory = Inventory {
            host: "h".into(),
            file_mode: Some("0644".into()),
            days_until_expiry: Some(-3),
            ..Inventory::default()
        };
        let mut sets: Vec<Vec<String>> =
            RECORD_FIELDS.iter().map(|f| vec![f.to_string()]).collect();
        sets.push(
            [
                "not_after",
                "kind",
                "host",
                "kind",
                "nope",
                "subject",
                "class",
                "pem",
            ]
            .map(String::from)
            .to_vec(),
        );
        sets.push(RECORD_FIELDS.iter().rev().map(|f| f.to_string()).collect());
        for item in &items {
            for inv in [None, Some(&inventory)] {
                let whole = match inv {
                    Some(inv) => Record::WithInventory(inv, item),
                    None => Record::Whole(item),
                };
                for fields in &sets {
                    let record = Record::new(item, inv, fields).unwrap();
                    let old = picked_the_old_way(&whole, fields);
                    let new = serde_json::to_string(&record).unwrap();
                    assert_eq!(new, old, "{fields:?}");
                    // The writers' copy of the text, in a document and a line.
                    let mut doc = JsonWriter::begin(Vec::new(), "items").unwrap();
                    doc.record(&record).unwrap();
                    doc.record(&record).unwrap();
                    let doc = String::from_utf8(doc.finish().unwrap()).unwrap();
                    let body = doc.split_once("[\n").unwrap().1;
                    let expected = format!("{old},\n{old}\n],\"errors\":[]}}\n");
                    assert_eq!(body, expected, "{fields:?}");
                    let mut lines = JsonlWriter::new(Vec::new());
                    lines.record(&record).unwrap();
                    lines.item(&record).unwrap();
                    let out = lines.summary(0, &serde_json::json!({}), 0).unwrap();
                    let out = String::from_utf8(out).unwrap();
                    let mut out = out.lines();
                    assert_eq!(out.next(), out.next(), "{fields:?}");
                }
            }
        }
    }

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
