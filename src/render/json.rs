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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FileSource, Kind, Source};

    #[test]
    fn document_shape() {
        let mut j = JsonWriter::begin(Vec::new(), "items").unwrap();
        let item = Item::new(
            Kind::Unknown,
            Source::File(FileSource {
                path: "a".into(),
                index: 0,
                line: Some(3),
                container: None,
                key: None,
            }),
        );
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
}
