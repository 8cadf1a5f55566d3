//! Property tests (proptest) for the byte-level entry points: the PEM scanner finds exactly
//! the blocks that were written, with their BEGIN lines, whatever junk surrounds them;
//! decoding any bytes returns; BER-to-DER normalisation is idempotent.

use base64::Engine as _;
use proptest::prelude::*;

use certscope::asn1::tlv;
use certscope::decode::{self, Event, Options};
use certscope::input::pem::Scanner;

const LABELS: &[&str] = &[
    "CERTIFICATE",
    "X509 CRL",
    "PRIVATE KEY",
    "PUBLIC KEY",
    "CERTIFICATE REQUEST",
    "PKCS7",
    "CERTSCOPE TEST BLOB",
];

/// One block as written: label, payload, base64 line width, indentation.
#[derive(Debug, Clone)]
struct BlockSpec {
    label: &'static str,
    der: Vec<u8>,
    width: usize,
    indent: &'static str,
}

fn block_spec() -> impl Strategy<Value = BlockSpec> {
    (
        proptest::sample::select(LABELS),
        // DER-ish: a SEQUENCE header in front of random bytes half the time.
        (
            any::<bool>(),
            proptest::collection::vec(any::<u8>(), 1..300),
        ),
        proptest::sample::select(&[64usize, 76, 16, 1000][..]),
        proptest::sample::select(&["", "    ", "\t"][..]),
    )
        .prop_map(|(label, (seq, body), width, indent)| {
            let der = if seq && body.len() < 128 {
                let mut d = vec![0x30, body.len() as u8];
                d.extend(body);
                d
            } else {
                body
            };
            BlockSpec {
                label,
                der,
                width,
                indent,
            }
        })
}

/// A junk line: anything but a newline, never a BEGIN or END marker.
fn junk_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\n]{0,80}",
        Just(String::new()),
        Just("subject=CN = x".to_string()),
        Just("-----BEGIN".to_string()),
        Just("----- END -----".to_string()),
        Just("Proc-Type: 4,ENCRYPTED".to_string()),
    ]
    .prop_filter("no markers", |l| {
        !l.contains("-----BEGIN ") && !l.contains("-----END ")
    })
}

/// Writes the file; returns it and the 1-based BEGIN line of each block.
fn write_file(
    parts: &[(Vec<String>, BlockSpec)],
    tail: &[String],
    crlf: bool,
) -> (Vec<u8>, Vec<usize>) {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    let mut line = 0usize;
    let mut begins = Vec::new();
    let push = |out: &mut String, l: &str, line: &mut usize| {
        out.push_str(l);
        out.push_str(eol);
        *line += 1;
    };
    for (junk, b) in parts {
        for j in junk {
            push(&mut out, j, &mut line);
        }
        begins.push(line + 1);
        push(
            &mut out,
            &format!("{}-----BEGIN {}-----", b.indent, b.label),
            &mut line,
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode(&b.der);
        for chunk in b64.as_bytes().chunks(b.width) {
            let chunk = std::str::from_utf8(chunk).unwrap();
            push(&mut out, &format!("{}{chunk}", b.indent), &mut line);
        }
        push(
            &mut out,
            &format!("{}-----END {}-----", b.indent, b.label),
            &mut line,
        );
    }
    for j in tail {
        push(&mut out, j, &mut line);
    }
    (out.into_bytes(), begins)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn scanner_returns_exactly_the_blocks_written(
        parts in proptest::collection::vec(
            (proptest::collection::vec(junk_line(), 0..4), block_spec()),
            0..6,
        ),
        tail in proptest::collection::vec(junk_line(), 0..3),
        crlf in any::<bool>(),
    ) {
        let (file, begins) = write_file(&parts, &tail, crlf);
        let found: Vec<_> = Scanner::new(&file).collect();
        prop_assert_eq!(found.len(), parts.len());
        for ((_, spec), (block, line)) in parts.iter().zip(found.iter().zip(&begins)) {
            prop_assert_eq!(&block.label, spec.label);
            prop_assert_eq!(block.line, *line);
            prop_assert_eq!(&*block.der, &spec.der[..]);
            prop_assert!(block.problem.is_none(), "{:?}", block.problem);
        }
    }

    #[test]
    fn decode_input_returns_on_any_bytes(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut events = 0usize;
        decode::decode_input("p", &data, &Options::default(), &mut |_e: Event| events += 1);
        // Something is always said about an input, even if only that it is not recognised.
        prop_assert!(events >= 1);
    }

    #[test]
    fn decode_input_returns_on_damaged_fixtures(
        which in 0usize..4,
        cut in any::<proptest::sample::Index>(),
        flips in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let fixtures: [&[u8]; 4] = [
            include_bytes!("../../fixtures/certs/leaf.der"),
            include_bytes!("../../fixtures/pkcs7/signed-ber.p7s"),
            include_bytes!("../../fixtures/bundles/mixed.pem"),
            include_bytes!("../../fixtures/crl/intermediate.der"),
        ];
        let mut data = fixtures[which].to_vec();
        for (at, byte) in flips {
            let i = at.index(data.len());
            data[i] = byte;
        }
        data.truncate(cut.index(data.len() + 1));
        decode::decode_input("p", &data, &Options::default(), &mut |_e: Event| {});
    }

    #[test]
    fn ber_to_der_is_idempotent_on_generated_ber(node in ber_node()) {
        let mut ber = Vec::new();
        encode(&node, &mut ber);
        let der = tlv::ber_to_der(&ber).unwrap();
        prop_assert_eq!(tlv::ber_to_der(&der).unwrap(), der.clone());
        // And no indefinite length survives.
        prop_assert!(!tlv::read(&der).unwrap().0.indefinite);
    }

    #[test]
    fn ber_to_der_is_idempotent_on_any_bytes(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(der) = tlv::ber_to_der(&data) {
            prop_assert_eq!(tlv::ber_to_der(&der).unwrap(), der.clone());
        }
    }
}

/// A BER tree: primitives, constructed elements with definite or indefinite lengths, and
/// BER-chunked OCTET STRINGs; tags include multi-byte (high tag number) forms.
#[derive(Debug, Clone)]
enum Node {
    Prim(Vec<u8>, Vec<u8>),
    Cons(Vec<u8>, Vec<Node>, bool),
}

fn ber_node() -> impl Strategy<Value = Node> {
    let prim_tag = proptest::sample::select(vec![
        vec![0x02u8],
        vec![0x04],
        vec![0x06],
        vec![0x0c],
        vec![0x80],
        vec![0x9f, 0x81, 0x00],
    ]);
    let leaf = (prim_tag, proptest::collection::vec(any::<u8>(), 0..40))
        .prop_map(|(t, v)| Node::Prim(t, v));
    leaf.prop_recursive(6, 64, 6, |inner| {
        let cons_tag = proptest::sample::select(vec![
            vec![0x30u8],
            vec![0x31],
            vec![0xa0],
            vec![0x24],
            vec![0xbf, 0x81, 0x00],
        ]);
        (
            cons_tag,
            proptest::collection::vec(inner, 0..6),
            any::<bool>(),
        )
            .prop_map(|(t, kids, indefinite)| {
                // A constructed OCTET STRING holds OCTET STRING chunks only.
                let kids = if t == [0x24] {
                    kids.into_iter()
                        .map(|k| match k {
                            Node::Prim(_, v) => Node::Prim(vec![0x04], v),
                            other => other,
                        })
                        .filter(|k| matches!(k, Node::Prim(..)))
                        .collect()
                } else {
                    kids
                };
                Node::Cons(t, kids, indefinite)
            })
    })
}

fn encode(node: &Node, out: &mut Vec<u8>) {
    match node {
        Node::Prim(tag, value) => {
            out.extend_from_slice(tag);
            length(value.len(), out);
            out.extend_from_slice(value);
        }
        Node::Cons(tag, kids, indefinite) => {
            let mut body = Vec::new();
            for k in kids {
                encode(k, &mut body);
            }
            out.extend_from_slice(tag);
            if *indefinite {
                out.push(0x80);
                out.extend_from_slice(&body);
                out.extend_from_slice(&[0, 0]);
            } else {
                length(body.len(), out);
                out.extend_from_slice(&body);
            }
        }
    }
}

fn length(len: usize, out: &mut Vec<u8>) {
    let mut header = Vec::new();
    tlv::write_header(&mut header, 0, len);
    out.extend_from_slice(&header[1..]);
}
