//! JSON: one document, streamed. `{"certscope": "<version>", "items": [...], "errors": [...]}`
//! is written item by item, so memory does not grow with the number of items.

use std::io::{self, Write};
use std::ops::Range;

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

/// `--fields` without the whole record: a serializer that takes a record's top-level map
/// and keeps the values of the chosen keys only.
mod pick {
    use std::ops::Range;

    use serde::ser::{self, Impossible, Serialize, Serializer};
    use serde_json::Error;

    /// Serialises a record, filling `found[i]` with the value of `fields[i]` (the first
    /// `i` naming it: a field asked for twice is written once). A key the record holds
    /// twice keeps its last value, as a JSON object would.
    pub(super) struct Picker<'f> {
        pub fields: &'f [String],
        /// Where each field's JSON is in `out`.
        pub found: &'f mut [Option<Range<usize>>],
        pub out: &'f mut Vec<u8>,
    }

    /// The map of a [`Picker`], with the chosen field of the key just seen.
    pub(super) struct PickMap<'f> {
        picker: Picker<'f>,
        pending: Option<usize>,
    }

    impl PickMap<'_> {
        fn keep<T: ?Sized + Serialize>(&mut self, i: Option<usize>, v: &T) -> Result<(), Error> {
            if let Some(slot) = i.and_then(|i| self.picker.found.get_mut(i)) {
                let out = &mut *self.picker.out;
                let start = out.len();
                if sorted::write(out, v).is_err() {
                    out.truncate(start);
                    serde_json::to_writer(&mut *out, &serde_json::to_value(v)?)?;
                }
                *slot = Some(start..out.len());
            }
            Ok(())
        }

        fn index(&self, key: &str) -> Option<usize> {
            self.picker.fields.iter().position(|f| f == key)
        }
    }

    fn not_an_object() -> Error {
        ser::Error::custom("a record is a JSON object")
    }

    impl ser::SerializeMap for PickMap<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
            self.pending = key.serialize(KeyName(self.picker.fields))?;
            Ok(())
        }
        fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
            let i = self.pending.take();
            self.keep(i, value)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeStruct for PickMap<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: ?Sized + Serialize>(
            &mut self,
            key: &'static str,
            value: &T,
        ) -> Result<(), Error> {
            let i = self.index(key);
            self.keep(i, value)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    /// Serialises a map key to the index of the field it names, if any (record keys are
    /// strings: any other key names none).
    struct KeyName<'f>(&'f [String]);

    /// The `Serializer` methods of a serializer that accepts only maps/structs (`Picker`)
    /// or only strings (`KeyName`): everything else is refused with `$err`.
    macro_rules! refuse {
        ($err:expr; $($name:ident($($t:ty),*)),* $(,)?) => {$(
            fn $name(self, $(_: $t),*) -> Result<Self::Ok, Error> { $err }
        )*};
    }

    macro_rules! refuse_all_but_maps {
        ($err:expr) => {
            type Error = Error;
            type SerializeSeq = Impossible<Self::Ok, Error>;
            type SerializeTuple = Impossible<Self::Ok, Error>;
            type SerializeTupleStruct = Impossible<Self::Ok, Error>;
            type SerializeTupleVariant = Impossible<Self::Ok, Error>;
            type SerializeStructVariant = Impossible<Self::Ok, Error>;
            refuse!($err; serialize_bool(bool), serialize_i8(i8), serialize_i16(i16),
                serialize_i32(i32), serialize_i64(i64), serialize_u8(u8), serialize_u16(u16),
                serialize_u32(u32), serialize_u64(u64), serialize_f32(f32), serialize_f64(f64),
                serialize_char(char), serialize_bytes(&[u8]), serialize_none(),
                serialize_unit(), serialize_unit_struct(&'static str),
                serialize_unit_variant(&'static str, u32, &'static str));
            fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<Self::Ok, Error> {
                $err
            }
            fn serialize_newtype_struct<T: ?Sized + Serialize>(
                self,
                _: &'static str,
                _: &T,
            ) -> Result<Self::Ok, Error> {
                $err
            }
            fn serialize_newtype_variant<T: ?Sized + Serialize>(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: &T,
            ) -> Result<Self::Ok, Error> {
                $err
            }
            fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
                Err(not_an_object())
            }
            fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
                Err(not_an_object())
            }
            fn serialize_tuple_struct(
                self,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeTupleStruct, Error> {
                Err(not_an_object())
            }
            fn serialize_tuple_variant(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeTupleVariant, Error> {
                Err(not_an_object())
            }
            fn serialize_struct_variant(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeStructVariant, Error> {
                Err(not_an_object())
            }
        };
    }

    impl<'f> Serializer for Picker<'f> {
        type Ok = ();
        type SerializeMap = PickMap<'f>;
        type SerializeStruct = PickMap<'f>;
        refuse_all_but_maps!(Err(not_an_object()));
        fn serialize_str(self, _: &str) -> Result<(), Error> {
            Err(not_an_object())
        }
        fn serialize_map(self, _: Option<usize>) -> Result<PickMap<'f>, Error> {
            Ok(PickMap {
                picker: self,
                pending: None,
            })
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<PickMap<'f>, Error> {
            self.serialize_map(None)
        }
    }

    impl Serializer for KeyName<'_> {
        type Ok = Option<usize>;
        type SerializeMap = Impossible<Self::Ok, Error>;
        type SerializeStruct = Impossible<Self::Ok, Error>;
        refuse_all_but_maps!(Ok(None));
        fn serialize_str(self, key: &str) -> Result<Self::Ok, Error> {
            Ok(self.0.iter().position(|f| f == key))
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
            Err(not_an_object())
        }
        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, Error> {
            Err(not_an_object())
        }
    }

    /// JSON text of a value as `serde_json::to_value` and then `to_writer` give it (objects'
    /// keys sorted, a key given twice keeping its last value), written straight into a buffer:
    /// `--fields` records without a `Value` per field (a `BTreeMap` and a `String` per key).
    /// What it does not write the same way for certain (non-string map keys, 128-bit
    /// integers) is an error, and the caller goes through `Value` instead.
    mod sorted {
        use std::borrow::Cow;
        use std::ops::Range;

        use serde::ser::{self, Impossible, Serialize};
        use serde_json::Error;

        use super::not_an_object;

        /// Appends `value`'s JSON to `out`; on an error `out` may hold part of it.
        pub(super) fn write<T: ?Sized + Serialize>(
            out: &mut Vec<u8>,
            value: &T,
        ) -> Result<(), Error> {
            value.serialize(Writer { out })
        }

        fn unsure() -> Error {
            ser::Error::custom("written through a Value")
        }

        /// Writes one value into `out`.
        pub(super) struct Writer<'o> {
            out: &'o mut Vec<u8>,
        }

        impl Writer<'_> {
            fn json<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Error> {
                serde_json::to_writer(&mut *self.out, v)
            }
        }

        /// Writes `{"variant":` before a variant's content (closed after it with `}`).
        fn open_variant(out: &mut Vec<u8>, variant: Option<&str>) -> Result<(), Error> {
            if let Some(v) = variant {
                out.push(b'{');
                serde_json::to_writer(&mut *out, v)?;
                out.push(b':');
            }
            Ok(())
        }

        /// An object's entries, written apart and put in key order at the end.
        pub(super) struct Object<'o> {
            out: &'o mut Vec<u8>,
            /// Each entry's value, one after the other.
            values: Vec<u8>,
            entries: Vec<(Cow<'static, str>, Range<usize>)>,
            /// `{"variant":` written before the object, closed after it.
            variant: bool,
        }

        /// An object's buffers, emptied.
        type Buffers = (Vec<u8>, Vec<(Cow<'static, str>, Range<usize>)>);

        thread_local! {
            /// Buffers of objects written before, for the next ones: a record's nested
            /// objects (its `source`) would otherwise allocate and free two per record.
            static SPARE: std::cell::RefCell<Vec<Buffers>> =
                const { std::cell::RefCell::new(Vec::new()) };
        }

        /// Most buffers kept per thread (one per level of nesting in use), and the largest.
        const SPARE_COUNT: usize = 8;
        const SPARE_BYTES: usize = 64 << 10;

        impl<'o> Object<'o> {
            fn new(out: &'o mut Vec<u8>, variant: Option<&str>) -> Result<Object<'o>, Error> {
                open_variant(out, variant)?;
                let (values, entries) = SPARE
                    .with_borrow_mut(|spare| spare.pop())
                    .unwrap_or_default();
                Ok(Object {
                    out,
                    values,
                    entries,
                    variant: variant.is_some(),
                })
            }

            fn entry<T: ?Sized + Serialize>(
                &mut self,
                key: Cow<'static, str>,
                v: &T,
            ) -> Result<(), Error> {
                let start = self.values.len();
                write(&mut self.values, v)?;
                self.entries.push((key, start..self.values.len()));
                Ok(())
            }

            fn finish(mut self) -> Result<(), Error> {
                // Stable: of two entries with one key, the later is the one a map keeps.
                self.entries.sort_by(|a, b| a.0.cmp(&b.0));
                self.out.push(b'{');
                let mut first = true;
                for (i, (key, range)) in self.entries.iter().enumerate() {
                    if self.entries.get(i + 1).is_some_and(|(next, _)| next == key) {
                        continue;
                    }
                    if !first {
                        self.out.push(b',');
                    }
                    first = false;
                    serde_json::to_writer(&mut *self.out, key.as_ref())?;
                    self.out.push(b':');
                    let value = self.values.get(range.clone()).ok_or_else(unsure)?;
                    self.out.extend_from_slice(value);
                }
                self.out.push(b'}');
                if self.variant {
                    self.out.push(b'}');
                }
                let (mut values, mut entries) = (self.values, self.entries);
                if values.capacity() <= SPARE_BYTES && entries.capacity() <= SPARE_BYTES / 16 {
                    values.clear();
                    entries.clear();
                    SPARE.with_borrow_mut(|spare| {
                        if spare.len() < SPARE_COUNT {
                            spare.push((values, entries));
                        }
                    });
                }
                Ok(())
            }
        }

        /// An array's elements, written in place.
        pub(super) struct Array<'o> {
            out: &'o mut Vec<u8>,
            first: bool,
            variant: bool,
        }

        impl<'o> Array<'o> {
            fn new(out: &'o mut Vec<u8>, variant: Option<&str>) -> Result<Array<'o>, Error> {
                open_variant(out, variant)?;
                out.push(b'[');
                Ok(Array {
                    out,
                    first: true,
                    variant: variant.is_some(),
                })
            }

            fn element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
                if !self.first {
                    self.out.push(b',');
                }
                self.first = false;
                write(self.out, v)
            }

            fn finish(self) -> Result<(), Error> {
                self.out.push(b']');
                if self.variant {
                    self.out.push(b'}');
                }
                Ok(())
            }
        }

        macro_rules! scalars {
            ($($name:ident($t:ty)),* $(,)?) => {$(
                fn $name(self, v: $t) -> Result<(), Error> {
                    self.json(&v)
                }
            )*};
        }

        impl<'o> ser::Serializer for Writer<'o> {
            type Ok = ();
            type Error = Error;
            type SerializeSeq = Array<'o>;
            type SerializeTuple = Array<'o>;
            type SerializeTupleStruct = Array<'o>;
            type SerializeTupleVariant = Array<'o>;
            type SerializeMap = Object<'o>;
            type SerializeStruct = Object<'o>;
            type SerializeStructVariant = Object<'o>;

            scalars!(
                serialize_bool(bool),
                serialize_i8(i8),
                serialize_i16(i16),
                serialize_i32(i32),
                serialize_i64(i64),
                serialize_u8(u8),
                serialize_u16(u16),
                serialize_u32(u32),
                serialize_u64(u64),
                serialize_f64(f64),
                serialize_char(char),
                serialize_str(&str),
                serialize_bytes(&[u8])
            );

            fn serialize_f32(self, v: f32) -> Result<(), Error> {
                // A `Value` holds it as an f64, and writes that.
                self.json(&f64::from(v))
            }
            fn serialize_i128(self, _: i128) -> Result<(), Error> {
                Err(unsure())
            }
            fn serialize_u128(self, _: u128) -> Result<(), Error> {
                Err(unsure())
            }
            fn serialize_none(self) -> Result<(), Error> {
                self.json(&())
            }
            fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Error> {
                v.serialize(self)
            }
            fn serialize_unit(self) -> Result<(), Error> {
                self.json(&())
            }
            fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
                self.json(&())
            }
            fn serialize_unit_variant(
                self,
                _: &'static str,
                _: u32,
                variant: &'static str,
            ) -> Result<(), Error> {
                self.json(variant)
            }
            fn serialize_newtype_struct<T: ?Sized + Serialize>(
                self,
                _: &'static str,
                v: &T,
            ) -> Result<(), Error> {
                v.serialize(self)
            }
            fn serialize_newtype_variant<T: ?Sized + Serialize>(
                self,
                _: &'static str,
                _: u32,
                variant: &'static str,
                v: &T,
            ) -> Result<(), Error> {
                let mut o = Object::new(self.out, None)?;
                o.entry(Cow::Borrowed(variant), v)?;
                o.finish()
            }
            fn serialize_seq(self, _: Option<usize>) -> Result<Array<'o>, Error> {
                Array::new(self.out, None)
            }
            fn serialize_tuple(self, _: usize) -> Result<Array<'o>, Error> {
                Array::new(self.out, None)
            }
            fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Array<'o>, Error> {
                Array::new(self.out, None)
            }
            fn serialize_tuple_variant(
                self,
                _: &'static str,
                _: u32,
                variant: &'static str,
                _: usize,
            ) -> Result<Array<'o>, Error> {
                Array::new(self.out, Some(variant))
            }
            fn serialize_map(self, _: Option<usize>) -> Result<Object<'o>, Error> {
                Object::new(self.out, None)
            }
            fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'o>, Error> {
                Object::new(self.out, None)
            }
            fn serialize_struct_variant(
                self,
                _: &'static str,
                _: u32,
                variant: &'static str,
                _: usize,
            ) -> Result<Object<'o>, Error> {
                Object::new(self.out, Some(variant))
            }
        }

        macro_rules! array_impl {
            ($($trait:ident::$method:ident),*) => {$(
                impl ser::$trait for Array<'_> {
                    type Ok = ();
                    type Error = Error;
                    fn $method<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
                        self.element(v)
                    }
                    fn end(self) -> Result<(), Error> {
                        self.finish()
                    }
                }
            )*};
        }
        array_impl!(
            SerializeSeq::serialize_element,
            SerializeTuple::serialize_element,
            SerializeTupleStruct::serialize_field,
            SerializeTupleVariant::serialize_field
        );

        macro_rules! object_impl {
            ($($trait:ident),*) => {$(
                impl ser::$trait for Object<'_> {
                    type Ok = ();
                    type Error = Error;
                    fn serialize_field<T: ?Sized + Serialize>(
                        &mut self,
                        key: &'static str,
                        v: &T,
                    ) -> Result<(), Error> {
                        self.entry(Cow::Borrowed(key), v)
                    }
                    fn end(self) -> Result<(), Error> {
                        self.finish()
                    }
                }
            )*};
        }
        object_impl!(SerializeStruct, SerializeStructVariant);

        impl ser::SerializeMap for Object<'_> {
            type Ok = ();
            type Error = Error;
            fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
                let key = key.serialize(Key)?;
                // The value comes next: its range is filled in by `serialize_value`.
                let at = self.values.len();
                self.entries.push((Cow::Owned(key), at..at));
                Ok(())
            }
            fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
                let start = self.values.len();
                write(&mut self.values, v)?;
                let end = self.values.len();
                let last = self.entries.last_mut().ok_or_else(unsure)?;
                last.1 = start..end;
                Ok(())
            }
            fn end(self) -> Result<(), Error> {
                self.finish()
            }
        }

        /// A map key as a `Value` keeps it: strings only here.
        struct Key;

        impl ser::Serializer for Key {
            type Ok = String;
            type SerializeMap = Impossible<String, Error>;
            type SerializeStruct = Impossible<String, Error>;
            refuse_all_but_maps!(Err(unsure()));
            fn serialize_str(self, v: &str) -> Result<String, Error> {
                Ok(v.to_string())
            }
            fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
                Err(unsure())
            }
            fn serialize_struct(
                self,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeStruct, Error> {
                Err(unsure())
            }
        }

        #[cfg(test)]
        mod tests {
            use std::collections::{BTreeMap, HashMap};

            use serde::Serialize;

            #[derive(Serialize)]
            enum E {
                Unit,
                New(u8),
                Tuple(u8, &'static str),
                Struct { z: f32, a: Option<i64> },
            }

            #[derive(Serialize)]
            struct S {
                zeta: Vec<E>,
                alpha: (bool, char, &'static [u8]),
                #[serde(flatten)]
                more: BTreeMap<&'static str, f64>,
                middle: HashMap<u16, &'static str>,
                big: Option<u128>,
                text: &'static str,
            }

            /// Whatever the shape, the text is the `Value`'s (or the writer refuses it).
            #[test]
            fn writes_what_a_value_writes() {
                let s = S {
                    zeta: vec![
                        E::Unit,
                        E::New(7),
                        E::Tuple(1, "x"),
                        E::Struct {
                            z: 0.1,
                            a: Some(-3),
                        },
                    ],
                    alpha: (true, 'é', b"\x01\x02"),
                    more: BTreeMap::from([("text", 1.5), ("nan", f64::NAN), ("b", 2.0)]),
                    middle: HashMap::new(),
                    big: Some(5),
                    text: "\"quoted\"\n\u{7}",
                };
                let via_value = |v: &dyn Erased| v.value();
                for part in [
                    &s.zeta as &dyn Erased,
                    &s.alpha,
                    &s.more,
                    &s.middle,
                    &s.text,
                    &E::Struct { z: 1e20, a: None },
                ] {
                    let mut out = Vec::new();
                    part.write(&mut out).unwrap();
                    assert_eq!(String::from_utf8(out).unwrap(), via_value(part));
                }
                // A key given twice (`text`, in the flattened map and after it) keeps the later value, as a
                // map does; 128-bit numbers and integer keys are left to `Value`.
                assert!(super::write(&mut Vec::new(), &s).is_err());
                let keyed = HashMap::from([(1u16, "a")]);
                assert!(super::write(&mut Vec::new(), &keyed).is_err());
                let whole = S { big: None, ..s };
                let mut out = Vec::new();
                super::write(&mut out, &whole).unwrap();
                let out = String::from_utf8(out).unwrap();
                assert_eq!(out, serde_json::to_value(&whole).unwrap().to_string());
                assert!(out.contains(r#""text":"\"quoted"#), "{out}");
            }

            /// `write` and `to_value` for values of several types in one list.
            trait Erased {
                fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error>;
                fn value(&self) -> String;
            }

            impl<T: Serialize> Erased for T {
                fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
                    super::write(out, self)
                }
                fn value(&self) -> String {
                    serde_json::to_value(self).unwrap().to_string()
                }
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
