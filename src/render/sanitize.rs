//! Makes untrusted strings (names, SAN values, PEM headers, token labels) safe for a terminal.
//!
//! A certificate's subject is attacker-controlled: an ANSI escape in it could repaint the
//! screen, and a bidi override could make `evil.com` read as `moc.live`. Text output shows
//! such characters as visible escapes instead. JSON needs none of this: serde_json escapes
//! control characters, and bidi characters are harmless in a JSON string.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as itself.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200e}' | '\u{200f}'           // LRM, RLM
            | '\u{202a}'..='\u{202e}'         // LRE RLE PDF LRO RLO
            | '\u{2066}'..='\u{2069}'         // LRI RLI FSI PDI
            | '\u{061c}'                      // ALM
            | '\u{feff}'                      // BOM / ZWNBSP
            | '\u{2028}' | '\u{2029}'         // line/paragraph separators
        )
}

/// Returns `s` with control, escape and bidi characters written as `\x1b` / `\u{202e}`.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    // Printable ASCII, nearly every name and path, is checked a byte at a time (it runs for
    // every line of a 100,000-certificate listing); only other text is decoded to chars.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            let n = u32::from(c);
            if n < 0x100 {
                out.push_str(&format!("\\x{n:02x}"));
            } else {
                out.push_str(&format!("\\u{{{n:04x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_ansi_and_bidi() {
        assert_eq!(sanitize("a\x1b[31mb"), "a\\x1b[31mb");
        assert_eq!(sanitize("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(sanitize("tab\there\n"), "tab\\x09here\\x0a");
        assert!(matches!(sanitize("plain ü"), Cow::Borrowed(_)));
    }
}
