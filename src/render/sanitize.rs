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
            // Invisible: `www.bank.com` followed by these reads as `www.bank.com`.
            | '\u{00ad}'                      // soft hyphen
            | '\u{034f}'                      // combining grapheme joiner
            | '\u{180e}'                      // Mongolian vowel separator
            | '\u{200b}'..='\u{200d}'         // zero-width space, non-joiner, joiner
            | '\u{2060}'..='\u{2064}'         // word joiner, invisible operators
            | '\u{206a}'..='\u{206f}'         // deprecated format characters
            | '\u{fff9}'..='\u{fffb}'         // interlinear annotation
            | '\u{e0000}'..='\u{e007f}'       // tags
        )
}

/// Returns `s` with control, escape, bidi and invisible characters written as `\x1b` /
/// `\u{202e}`, and a literal backslash as `\\`, so that text reading `\x1b` cannot pass for
/// an escape made here. For text that is not an RFC 4514 DN (see [`sanitize_dn`]).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// [`sanitize`] for an RFC 4514 DN, whose backslashes are its own escapes (a literal one is
/// already `\\`), so they are kept as they are.
pub fn sanitize_dn(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// [`sanitize`] for text that is already escaped with backslashes: a locator (its path made
/// by `input::display_path`, which writes a literal backslash as `\\` and a non-UTF-8 byte
/// as `\xNN`), so its escapes are not doubled.
pub fn sanitize_escaped(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

fn escape(s: &str, backslash: bool) -> Cow<'_, str> {
    // Printable ASCII, nearly every name and path, is checked a byte at a time (it runs for
    // every line of a 100,000-certificate listing); only other text is decoded to chars.
    let plain = |b: u8| (0x20..0x7f).contains(&b) && !(backslash && b == b'\\');
    let unsafe_char = |c: char| is_unsafe(c) || (backslash && c == '\\');
    if s.bytes().all(plain) || !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\\' && backslash {
            out.push_str("\\\\");
        } else if is_unsafe(c) {
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

    #[test]
    fn escapes_invisible_characters_and_backslashes() {
        assert_eq!(
            sanitize("www.bank.com\u{200b}\u{e0041}\u{ad}"),
            "www.bank.com\\u{200b}\\u{e0041}\\xad"
        );
        assert_eq!(sanitize("evil\\x1b.com"), "evil\\\\x1b.com");
        // A DN's backslashes are its own escapes; invisible characters are still shown.
        assert_eq!(sanitize_dn("O=a\\,b,CN=x\u{2060}"), "O=a\\,b,CN=x\\u{2060}");
        assert!(matches!(sanitize_dn("CN=a\\\\b"), Cow::Borrowed(_)));
    }
}
