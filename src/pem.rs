//! A lax RFC 7468 PEM scanner that resynchronises on every BEGIN line.
//!
//! Unlike `pem::parse_many`, which fails the whole file on one bad block, this yields one
//! [`Block`] per BEGIN line found, each carrying its own problem, so a truncated block never
//! hides the good block after it. It accepts what people really paste: text between blocks,
//! CRLF, indentation by spaces or tabs, headers (`Proc-Type`, `DEK-Info`), trailing text after
//! the END marker, and non-UTF-8 bytes around blocks.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

/// Base64 that accepts missing padding, as many hand-edited PEM files have.
const LAX_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// One PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// 1-based line of the BEGIN line.
    pub line: usize,
    /// The label between `BEGIN ` and `-----`.
    pub label: String,
    /// RFC 1421 headers (`Proc-Type`, `DEK-Info`), in order.
    pub headers: Vec<(String, String)>,
    /// The decoded bytes; empty when the block could not be decoded.
    pub der: Vec<u8>,
    /// What is wrong with the block, if anything. A block with a problem may still have
    /// usable `der` (for example an END label that does not match).
    pub problem: Option<String>,
}

impl Block {
    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Iterator over the PEM blocks of a byte buffer.
#[derive(Debug, Clone)]
pub struct Scanner<'a> {
    data: &'a [u8],
    pos: usize,
    line: usize,
    /// A BEGIN line already read while finishing the previous (truncated) block.
    pending: Option<(usize, String)>,
}

impl<'a> Scanner<'a> {
    /// Scans `data`.
    pub fn new(data: &'a [u8]) -> Scanner<'a> {
        Scanner {
            data,
            pos: 0,
            line: 0,
            pending: None,
        }
    }

    /// The next line, trimmed of surrounding whitespace and CR, with its 1-based number.
    fn next_line(&mut self) -> Option<(usize, &'a [u8])> {
        let rest = self.data.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let len = rest.iter().position(|&b| b == b'\n');
        let (raw, advance) = match len {
            Some(n) => (rest.get(..n).unwrap_or(&[]), n + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        self.line += 1;
        Some((self.line, trim(raw)))
    }

    fn read_block(&mut self, line: usize, label: String) -> Block {
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut b64: Vec<u8> = Vec::new();
        let mut problem: Option<String> = None;
        let mut seen_data = false;
        loop {
            let Some((n, text)) = self.next_line() else {
                return Block {
                    line,
                    label,
                    headers,
                    der: Vec::new(),
                    problem: Some("BEGIN without END: the block is truncated".to_string()),
                };
            };
            if let Some(end_label) = end_label(text) {
                let mut der = Vec::new();
                if problem.is_none() {
                    match LAX_BASE64.decode(&b64) {
                        Ok(d) => der = d,
                        Err(e) => problem = Some(format!("invalid base64: {e}")),
                    }
                }
                if end_label != label && problem.is_none() {
                    problem = Some(format!(
                        "END label {end_label:?} does not match BEGIN label {label:?}"
                    ));
                }
                if der.is_empty() && problem.is_none() {
                    problem = Some("empty block".to_string());
                }
                return Block {
                    line,
                    label,
                    headers,
                    der,
                    problem,
                };
            }
            if let Some(next_label) = begin_label(text) {
                // Resynchronise: this block never ended, the next one starts here.
                self.pending = Some((n, next_label));
                return Block {
                    line,
                    label,
                    headers,
                    der: Vec::new(),
                    problem: Some(format!(
                        "BEGIN without END: the block is truncated (next BEGIN at line {n})"
                    )),
                };
            }
            if text.is_empty() {
                continue;
            }
            if !seen_data {
                if let Some(colon) = text.iter().position(|&b| b == b':') {
                    let (k, v) = text.split_at(colon);
                    let v = v.get(1..).unwrap_or(&[]);
                    headers.push((
                        String::from_utf8_lossy(k).trim().to_string(),
                        String::from_utf8_lossy(v).trim().to_string(),
                    ));
                    continue;
                }
            }
            seen_data = true;
            if problem.is_some() {
                continue;
            }
            for &b in text {
                match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' | b'=' => b64.push(b),
                    b' ' | b'\t' | b'\r' => {}
                    other => {
                        problem = Some(format!(
                            "invalid base64 character {:?} at line {n}",
                            char::from(other)
                        ));
                        break;
                    }
                }
            }
        }
    }
}

impl Iterator for Scanner<'_> {
    type Item = Block;

    fn next(&mut self) -> Option<Block> {
        if let Some((line, label)) = self.pending.take() {
            return Some(self.read_block(line, label));
        }
        loop {
            let (n, text) = self.next_line()?;
            if let Some(label) = begin_label(text) {
                return Some(self.read_block(n, label));
            }
        }
    }
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The label of a BEGIN line; the marker may follow other text on the line (YAML keys,
/// JSON quotes) but the label must be closed by five dashes.
fn begin_label(line: &[u8]) -> Option<String> {
    let at = find(line, b"-----BEGIN ")?;
    let rest = line.get(at + 11..)?;
    let close = find(rest, b"-----")?;
    let label = rest.get(..close)?;
    if label.is_empty() || label.len() > 128 {
        return None;
    }
    Some(String::from_utf8_lossy(label).trim().to_string())
}

fn end_label(line: &[u8]) -> Option<String> {
    let at = find(line, b"-----END ")?;
    // An END marker must start the line; text after the closing dashes is tolerated.
    if at != 0 {
        return None;
    }
    let rest = line.get(9..)?;
    let close = find(rest, b"-----").unwrap_or(rest.len());
    Some(
        String::from_utf8_lossy(rest.get(..close)?)
            .trim()
            .to_string(),
    )
}

/// Whether `data` contains anything that looks like a PEM BEGIN line.
pub fn has_begin(data: &[u8]) -> bool {
    find(data, b"-----BEGIN ").is_some()
}

/// Encodes `der` as PEM with LF line endings and 64-column lines.
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut rest = b64.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(s: &str) -> Vec<Block> {
        Scanner::new(s.as_bytes()).collect()
    }

    #[test]
    fn text_between_blocks_and_crlf() {
        let s = "hello\r\n-----BEGIN A-----\r\nAQID\r\n-----END A-----\r\nsubject=x\n  -----BEGIN B-----\n\tBAU=\n  -----END B-----\ntrailer";
        let b = blocks(s);
        assert_eq!(b.len(), 2);
        assert_eq!(
            (b[0].line, b[0].label.as_str(), b[0].der.as_slice()),
            (2, "A", &[1u8, 2, 3][..])
        );
        assert_eq!(
            (b[1].line, b[1].label.as_str(), b[1].der.as_slice()),
            (6, "B", &[4u8, 5][..])
        );
        assert!(b.iter().all(|b| b.problem.is_none()));
    }

    #[test]
    fn truncated_block_does_not_hide_the_next() {
        let s = "-----BEGIN X-----\nAQID\n-----BEGIN Y-----\nBAU=\n-----END Y-----\n";
        let b = blocks(s);
        assert_eq!(b.len(), 2);
        assert!(b[0]
            .problem
            .as_deref()
            .unwrap()
            .contains("BEGIN without END"));
        assert_eq!(b[1].label, "Y");
        assert_eq!(b[1].line, 3);
        assert_eq!(b[1].der, vec![4, 5]);
        assert!(b[1].problem.is_none());
    }

    #[test]
    fn begin_without_end_at_eof() {
        let b = blocks("-----BEGIN X-----\nAQID\n");
        assert_eq!(b.len(), 1);
        assert!(b[0].problem.is_some());
    }

    #[test]
    fn headers_are_kept() {
        let s = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\nAQID\n-----END RSA PRIVATE KEY-----\n";
        let b = blocks(s);
        assert_eq!(b[0].header("dek-info"), Some("AES-128-CBC,00FF"));
        assert_eq!(b[0].der, vec![1, 2, 3]);
    }

    #[test]
    fn bad_base64_is_reported_per_block() {
        let b = blocks(
            "-----BEGIN A-----\nAQ!!\n-----END A-----\n-----BEGIN B-----\nBAU=\n-----END B-----\n",
        );
        assert!(b[0].problem.as_deref().unwrap().contains("invalid base64"));
        assert_eq!(b[1].der, vec![4, 5]);
    }

    #[test]
    fn non_utf8_around_blocks() {
        let mut data = vec![0xff, 0xfe, b'\n'];
        data.extend_from_slice(b"-----BEGIN A-----\nAQID\n-----END A-----\n\xc3\x28");
        let b: Vec<_> = Scanner::new(&data).collect();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].line, 2);
    }

    #[test]
    fn encode_round_trip() {
        let der: Vec<u8> = (0..100).collect();
        let pem = encode("CERTIFICATE", &der);
        assert!(!pem.contains('\r'));
        let b = blocks(&pem);
        assert_eq!(b[0].der, der);
    }
}
