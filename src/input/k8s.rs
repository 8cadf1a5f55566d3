//! Kubernetes material read field by field: a Secret manifest (JSON or YAML, as
//! `kubectl get secret -o json|yaml` prints it: `data` values in base64, `stringData` as
//! text), a `List` of Secrets, and a kubeconfig (`certificate-authority-data`,
//! `client-certificate-data`, `client-key-data`). Each field becomes its own input, named
//! by its key, so that an item's source says which field it came from.

use base64::Engine as _;
use saphyr_parser::{Event, Parser};
use serde_json::{Map, Value};

/// Inputs larger than this are not looked at as manifests: the API server refuses Secrets
/// over 1 MiB, and a kubeconfig is a few KiB; parsing is then bounded too.
const MAX_MANIFEST_SIZE: usize = 16 << 20;

/// Deepest YAML nesting read (a manifest needs 4): deeper input is not a manifest, and the
/// tree built stays shallow enough to drop without deep recursion.
const MAX_DEPTH: usize = 32;

/// A manifest found in an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// `Secret`, `List` or `Config` (a kubeconfig).
    pub kind: String,
    /// Its fields: `data` before `stringData`, clusters before users, keys in sorted order
    /// (as kubectl prints them).
    pub fields: Vec<Field>,
}

/// One field of a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The key: `tls.crt`; `NAME/tls.crt` in a List; `clusters/NAME/certificate-authority-data`
    /// in a kubeconfig.
    pub key: String,
    /// The field's bytes (base64 undone for `data` and `*-data`), or why they cannot be read.
    pub value: Result<Vec<u8>, String>,
}

// Built once: `memmem::find` builds a searcher per call, which cost as much as the search
// on a one-certificate file (a `-r` walk asks this of every file).
static FIND_KIND: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"kind"));

/// The manifest in `data`, if it is one: a JSON or YAML document whose `kind` is `Secret`,
/// `List` (of Secrets) or `Config`. `None` for anything else, cheaply for non-text input.
pub fn manifest(data: &[u8]) -> Option<Manifest> {
    if data.len() > MAX_MANIFEST_SIZE || FIND_KIND.find(data).is_none() {
        return None;
    }
    let text = std::str::from_utf8(data).ok()?;
    if !["Secret", "Config", "List"]
        .iter()
        .any(|k| text.contains(k))
    {
        return None;
    }
    let doc = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Value>(text).ok()?
    } else {
        yaml(text)?
    };
    let kind = doc.get("kind")?.as_str()?.to_string();
    let mut fields = Vec::new();
    match kind.as_str() {
        "Secret" => secret(&doc, "", &mut fields),
        "List" => {
            for item in doc.get("items")?.as_array()? {
                if item.get("kind").and_then(Value::as_str) == Some("Secret") {
                    let name = item.pointer("/metadata/name").and_then(Value::as_str);
                    secret(item, &format!("{}/", name.unwrap_or("?")), &mut fields);
                }
            }
        }
        "Config" => kubeconfig(&doc, &mut fields),
        _ => return None,
    }
    Some(Manifest { kind, fields })
}

/// A Secret's `data` (base64) and `stringData` (text) fields, keys prefixed by `prefix`.
fn secret(doc: &Value, prefix: &str, out: &mut Vec<Field>) {
    for (key, value) in doc
        .get("data")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        out.push(Field {
            key: format!("{prefix}{key}"),
            value: base64_field(value),
        });
    }
    let string_data = doc.get("stringData").and_then(Value::as_object);
    for (key, value) in string_data.into_iter().flatten() {
        out.push(Field {
            key: format!("{prefix}{key}"),
            value: value
                .as_str()
                .map(|s| s.as_bytes().to_vec())
                .ok_or_else(|| "not a string".to_string()),
        });
    }
}

/// A kubeconfig's certificate and key fields (the `*-data` ones; file paths are not read).
fn kubeconfig(doc: &Value, out: &mut Vec<Field>) {
    for (list, inner, keys) in [
        ("clusters", "cluster", &["certificate-authority-data"][..]),
        (
            "users",
            "user",
            &["client-certificate-data", "client-key-data"][..],
        ),
    ] {
        for entry in doc
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = entry.get("name").and_then(Value::as_str).unwrap_or("?");
            let Some(body) = entry.get(inner) else {
                continue;
            };
            for key in keys {
                if let Some(value) = body.get(*key) {
                    out.push(Field {
                        key: format!("{list}/{name}/{key}"),
                        value: base64_field(value),
                    });
                }
            }
        }
    }
}

fn base64_field(value: &Value) -> Result<Vec<u8>, String> {
    let text = value.as_str().ok_or_else(|| "not a string".to_string())?;
    let clean: String = text.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .map_err(|e| format!("not base64: {e}"))
}

/// The first YAML document of `text` as a JSON tree of strings, sequences and mappings
/// (scalars stay text: only strings are read). Aliases are not followed (a null stands in),
/// so a "billion laughs" document costs its own size; nesting past [`MAX_DEPTH`] or a
/// syntax error gives `None`.
fn yaml(text: &str) -> Option<Value> {
    // Open collections: a sequence, or a mapping with the key waiting for its value.
    enum Open {
        Seq(Vec<Value>),
        Map(Map<String, Value>, Option<String>),
    }
    let mut stack: Vec<Open> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, _) = event.ok()?;
        let done = match event {
            Event::Scalar(s, ..) => Value::String(s.into_owned()),
            Event::Alias(_) => Value::Null,
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(match event {
                    Event::SequenceStart(..) => Open::Seq(Vec::new()),
                    _ => Open::Map(Map::new(), None),
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                Open::Seq(v) => Value::Array(v),
                Open::Map(m, _) => Value::Object(m),
            },
            Event::DocumentEnd => break,
            _ => continue,
        };
        match stack.last_mut() {
            None => return Some(done),
            Some(Open::Seq(v)) => v.push(done),
            Some(Open::Map(m, key)) => match key.take() {
                Some(k) => {
                    m.insert(k, done);
                }
                // A key that is not a scalar (a mapping as a key) is kept as no key.
                None => *key = Some(done.as_str().unwrap_or_default().to_string()),
            },
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_secret_fields() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: aGVsbG8=\n  ca.crt: bm90IGJhc2U2NA!!\nstringData:\n  note: |\n    text\n";
        let m = manifest(text.as_bytes()).unwrap();
        assert_eq!(m.kind, "Secret");
        let keys: Vec<&str> = m.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["ca.crt", "tls.crt", "note"]);
        assert!(m.fields[0].value.is_err());
        assert_eq!(m.fields[1].value, Ok(b"hello".to_vec()));
        assert_eq!(m.fields[2].value, Ok(b"text\n".to_vec()));
    }

    #[test]
    fn json_kubeconfig_fields() {
        let text = r#"{"apiVersion":"v1","kind":"Config","clusters":[{"name":"c","cluster":{"server":"https://x","certificate-authority-data":"aGVsbG8="}}],"users":[{"name":"u","user":{"client-certificate-data":"aGVsbG8=","client-key-data":"aGVsbG8="}}]}"#;
        let m = manifest(text.as_bytes()).unwrap();
        let keys: Vec<&str> = m.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "clusters/c/certificate-authority-data",
                "users/u/client-certificate-data",
                "users/u/client-key-data"
            ]
        );
    }

    #[test]
    fn not_manifests() {
        assert!(
            manifest(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").is_none()
        );
        assert!(manifest(b"kind: Deployment\n").is_none());
        assert!(manifest(b"\x30\x82kind Secret\xff").is_none());
        // Deep nesting and alias bombs are bounded, not expanded.
        let deep = format!("kind: Secret\nx: {}{}\n", "[".repeat(100), "]".repeat(100));
        assert!(manifest(deep.as_bytes()).is_none());
        let bomb = "kind: Secret\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ndata:\n  k: aGVsbG8=\n";
        assert_eq!(manifest(bomb.as_bytes()).unwrap().fields.len(), 1);
    }
}
